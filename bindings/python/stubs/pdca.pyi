# Type stubs for the pdca engine of the svcm extension (merged by the lead
# into bindings/python/svcm.pyi).
from typing import List, Literal, NamedTuple, Optional, Sequence, SupportsFloat, Tuple, Union


_PdcaNumbers = Union[Sequence[SupportsFloat], _Buffer]
_Verdict = Literal["improved", "improved-target-missed", "no-change", "worse"]

# XmrLimits, AuditEntry, Action, Sample, Signal, xmr_limits and svcm.Cycle
# are generated from bindings/api/pdca.py (gen.pyi, appended to the
# assembled stubs).

class CheckResult(NamedTuple):
    """The result of a Check (after samples vs baseline samples)."""
    verdict: _Verdict
    p_value: float                   # two-sided
    change: float                    # after mean - baseline mean
    relative_change: float           # change / |baseline mean|, nan when 0
    target_met: bool
    significant: bool                # p_value < alpha
    signals: List[Signal]            # (Western Electric rule 1-4, after-sample index)
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

# The rows are Signal records.
def western_electric(values: _PdcaNumbers, mean: float, sigma: float) -> Table[Tuple[int, int]]: ...
