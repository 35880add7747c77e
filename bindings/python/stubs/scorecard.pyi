# Type stubs for the scorecard engine of svcm (targets with statistical verdicts).
import array
from typing import Iterable, List, Literal, Sequence, Tuple, TypedDict, Union

_ScorecardValues = Union[Sequence[float], memoryview, bytes, bytearray, "array.array[float]", "array.array[int]"]
_Direction = Literal["at_least", "at_most", ">=", "<="]
_ScorecardUnit = Literal["", "%", "s", "m", "h", "d"]

class _TargetResult(TypedDict):
    verdict: Literal["met", "missed", "undetermined"]
    value: float
    ci: Tuple[float, float]
    n: int
    target: float
    direction: Literal["at_least", "at_most"]
    confidence: float
    n_to_decide: int

def target_verdict(
    successes: int, trials: int, target: float, direction: _Direction = "at_least", confidence: float = 0.95
) -> Literal["met", "missed", "undetermined"]:
    """'met' when the whole Wilson interval of successes / trials is on the good side of target."""
    ...
def target_result(
    successes: int, trials: int, target: float, direction: _Direction = "at_least", confidence: float = 0.95
) -> _TargetResult:
    """The verdict of target_verdict with its interval and the sample size that would decide."""
    ...
def target_mean_result(
    values: _ScorecardValues, target: float, direction: _Direction = "at_least", confidence: float = 0.95
) -> _TargetResult:
    """Verdict on the mean of values with the Student t interval."""
    ...
def target_quantile_result(
    values: _ScorecardValues, q: float, target: float, direction: _Direction = "at_most", confidence: float = 0.95
) -> _TargetResult:
    """Verdict on the q-quantile of values with the order-statistic (binomial) interval."""
    ...
def target_nps_result(
    scores: _ScorecardValues, target: float, direction: _Direction = "at_least", confidence: float = 0.95
) -> _TargetResult:
    """Verdict on the NPS of 0-10 answers with the library's NPS interval."""
    ...
def target_mean_change(
    previous_values: _ScorecardValues, values: _ScorecardValues, direction: _Direction = "at_least", confidence: float = 0.95
) -> Literal["better", "worse", "unchanged"]:
    """Change of a mean against the previous period by Welch's t-test."""
    ...
def target_durations_result(
    durations: object, q: float, target: float, direction: _Direction = "at_most", confidence: float = 0.95
) -> _TargetResult:
    """Verdict on the q-quantile of an svcm.Durations accumulator (seconds)."""
    ...
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
def target_scaled(value: float, unit: _ScorecardUnit = "") -> float:
    """A target value as a share ('%') or in seconds (s, m, h, d)."""
    ...
def targets_parse(text: str) -> List[Tuple[str, Literal["at_least", "at_most"], float, _ScorecardUnit]]:
    """Read a targets file: (name, direction, value, unit) per target."""
    ...
def targets_format(targets: Iterable[Tuple[str, _Direction, float, _ScorecardUnit]]) -> str:
    """Write targets as text that targets_parse reads back."""
    ...
