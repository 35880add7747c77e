# Type stubs of the erlang engine's hand-written functions (batch calls, the
# chat model, shift scheduling). Records and the other functions are
# described in bindings/api/erlang.py and their stubs generated.
from types import SimpleNamespace
from typing import Mapping, Sequence, SupportsFloat, Union




# Chat (0.2): agents holding up to `concurrency` chats each, a chat taking
# aht_by_concurrency[j-1] s while its agent holds j (default aht at every
# level; the first level must equal aht). erlang_chat returns an ErlangChat
# record (generated from bindings/api/erlang.py).
def erlang_chat(chats: float, aht: float, interval: float, agents: int,
                concurrency: int | None = None,
                aht_by_concurrency: Sequence[float] | _Buffer | None = None,
                patience: float | None = None, target_s: float = 20.0, *,
                shrinkage: float = 0.0) -> ErlangChat: ...
def agents_needed_chat(chats: float, aht: float, interval: float, target_sl: float = 0.8,
                       target_s: float = 20.0, concurrency: int | None = None,
                       aht_by_concurrency: Sequence[float] | _Buffer | None = None,
                       patience: float | None = None, *, max_abandon: float | None = None,
                       max_occupancy: float | None = None, max_asa_s: float | None = None,
                       max_agents: int | None = None) -> int: ...

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
