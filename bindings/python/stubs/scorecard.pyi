# Type stubs for the scorecard engine of svcm (targets with statistical verdicts).
from typing import Iterable, List, Literal, Tuple

_Direction = Literal["at_least", "at_most", ">=", "<="]
_ScorecardUnit = Literal["", "%", "s", "m", "h", "d"]

def target_feedback_result(
    feedback: object, target: float, direction: _Direction = "at_least", confidence: float = 0.95
) -> _TargetResult:
    """Verdict on an svcm.NPS, svcm.CSAT or svcm.CES accumulator in its own units."""
    ...
def target_feedback_change(
    previous: object, current: object, direction: _Direction = "at_least", confidence: float = 0.95
) -> Literal["better", "worse", "unchanged"]:
    """Change between two feedback accumulators by the library's comparison."""
    ...
def targets_parse(text: str) -> List[Tuple[str, Literal["at_least", "at_most"], float, _ScorecardUnit]]:
    """Read a targets file: (name, direction, value, unit) per target."""
    ...
def targets_format(targets: Iterable[Tuple[str, _Direction, float, _ScorecardUnit]]) -> str:
    """Write targets as text that targets_parse reads back."""
    ...
