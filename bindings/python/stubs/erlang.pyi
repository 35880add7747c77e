# Type stubs of the erlang engine's hand-written functions (shift
# scheduling). Records and the other functions are
# described in bindings/api/erlang.py and their stubs generated.
from types import SimpleNamespace
from typing import Mapping, Sequence, SupportsFloat, Union

# Shift scheduling (0.2): agents per shift pattern by branch and bound. The
# result is a types.SimpleNamespace with cost (objective value), counts
# (agents per pattern), gap, bound, lp_bound, optimal, status ('optimal',
# 'node_limit', 'pivot_limit', 'time_limit'), staff, nodes and pivots.
def schedule_shifts(required: Sequence[int], coverage: Sequence[Sequence[int]] | _Buffer,
                    cost: Sequence[float] | None = None, objective: str = "min_cost",
                    max_staff: int | None = None, *, max_nodes: int | None = None,
                    max_pivots: int | None = None,
                    max_seconds: float | None = None) -> SimpleNamespace: ...
# One 0/1 coverage row for schedule_shifts (0.2): periods start .. start +
# length - 1 of n_periods, 0 in the breaks ((offset, length) from the shift
# start); wrap=True lets a shift run past the last period into period 0.
def schedule_pattern(n_periods: int, start: int, length: int,
                     breaks: Sequence[tuple[int, int]] = (), wrap: bool = False) -> bytes: ...
