# Type stubs for the pdca engine of the svcm extension (merged by the lead
# into bindings/python/svcm.pyi).
from typing import List, Literal, NamedTuple, Optional, Sequence, SupportsFloat, SupportsInt, Tuple, Union


_PdcaNumbers = Union[Sequence[SupportsFloat], _Buffer]
_PdcaInts = Union[Sequence[SupportsInt], _Buffer]
_Phase = Literal["plan", "do", "check", "act", "closed"]
_Verdict = Literal["improved", "improved-target-missed", "no-change", "worse"]
_Status = Literal["open", "done", "dropped"]

class XmrLimits(NamedTuple):
    """Individuals (XmR) chart limits: sigma = mr_bar / 1.128."""
    n: int
    center: float
    mr_bar: float
    sigma: float
    ucl: float
    lcl: float

class CheckResult(NamedTuple):
    """The result of a Check (after samples vs baseline samples)."""
    verdict: _Verdict
    p_value: float                   # two-sided
    change: float                    # after mean - baseline mean
    relative_change: float           # change / |baseline mean|, nan when 0
    target_met: bool
    significant: bool                # p_value < alpha
    signals: List[Tuple[int, int]]   # (Western Electric rule 1-4, after-sample index)
    baseline_mean: float
    after_mean: float
    n_baseline: int
    n_after: int
    test: Literal["welch", "proportions"]
    statistic: float
    df: float                        # inf for the z-test
    ci: Tuple[float, float]          # interval of the change at 1 - alpha
    alpha: float
    limits: XmrLimits                # of the baseline samples
    rule_counts: Tuple[int, int, int, int]

class AuditEntry(NamedTuple):
    at: int
    actor: str
    note: str
    from_phase: _Phase
    to_phase: _Phase

class Action(NamedTuple):
    description: str
    owner: str
    due: int
    status: _Status

class Sample(NamedTuple):
    t: int
    value: float
    baseline: bool
    successes: Optional[int]
    trials: Optional[int]

class Cycle:
    """A Plan-Do-Check-Act improvement cycle on one KPI."""
    def __init__(self, title: str, metric: str, higher_is_better: bool = ...,
                 baseline: Optional[float] = ..., target: Optional[float] = ...,
                 deadline: Optional[int] = ..., *, owner: str = ..., unit: str = ...,
                 rate: bool = ..., alpha: float = ..., id: int = ...) -> None: ...
    def set_goal(self, baseline: float, target: float, deadline: int) -> None: ...
    def add_action(self, description: str, owner: Optional[str] = ..., due: int = ...) -> int: ...
    def set_action_status(self, index: int, status: _Status) -> None: ...
    def overdue(self, as_of: int) -> List[int]: ...
    def measure(self, t: int, value: float, baseline: bool = ...,
                successes: Optional[int] = ..., trials: Optional[int] = ...) -> None: ...
    def measure_many(self, times: _PdcaInts, values: _PdcaNumbers, baseline: bool = ...) -> None: ...
    def start(self, now: int, actor: Optional[str] = ..., note: Optional[str] = ...) -> None: ...
    def check(self, now: Optional[int] = ..., actor: Optional[str] = ..., note: str = ...) -> CheckResult: ...
    def enter_act(self, now: Optional[int] = ..., actor: Optional[str] = ..., note: str = ...) -> None: ...
    def act(self, decision: Literal["standardize", "adjust", "abandon"], now: Optional[int] = ...,
            actor: Optional[str] = ..., note: str = ..., *, target: Optional[float] = ...,
            deadline: Optional[int] = ..., reason: Optional[str] = ...) -> Optional["Cycle"]: ...
    def link(self, next: "Cycle") -> None: ...
    def set_problem(self, *, what: Optional[str] = ..., why: Optional[str] = ...,
                    who: Optional[str] = ..., when: Optional[str] = ...,
                    where: Optional[str] = ..., how: Optional[str] = ...,
                    how_much: Optional[float] = ...,
                    how_much_unit: Optional[str] = ...) -> None: ...
    def remove_problem(self) -> None: ...
    def check_problem(self) -> None: ...
    @property
    def problem(self) -> Optional[dict[str, Union[str, float, None]]]: ...
    @property
    def problem_missing(self) -> List[str]: ...
    def save(self) -> str: ...
    @classmethod
    def load(cls, text: Union[str, bytes]) -> "Cycle": ...
    def __reduce__(self) -> tuple[object, ...]: ...  # pickle, copy: through the saved form
    @property
    def phase(self) -> _Phase: ...
    @property
    def outcome(self) -> Literal["none", "standardized", "adjusted", "abandoned"]: ...
    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def metric(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def higher_is_better(self) -> bool: ...
    @property
    def rate(self) -> bool: ...
    @property
    def alpha(self) -> float: ...
    @property
    def goal(self) -> Optional[Tuple[float, float, int]]: ...
    @property
    def do_start(self) -> Optional[int]: ...
    @property
    def predecessor(self) -> Optional[Tuple[int, str]]: ...
    @property
    def successor(self) -> Optional[Tuple[int, str]]: ...
    @property
    def next(self) -> Optional["Cycle"]: ...
    @property
    def prev(self) -> Optional["Cycle"]: ...
    @property
    def result(self) -> Optional[CheckResult]: ...
    @property
    def audit(self) -> List[AuditEntry]: ...
    @property
    def actions(self) -> List[Action]: ...
    @property
    def samples(self) -> List[Sample]: ...

def western_electric(values: _PdcaNumbers, mean: float, sigma: float) -> Table[Tuple[int, int]]: ...
def xmr_limits(values: _PdcaNumbers) -> XmrLimits: ...
