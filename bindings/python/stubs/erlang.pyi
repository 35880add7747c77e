# Type stubs for the erlang engine of the svcm extension (merged by the lead
# into bindings/python/svcm.pyi).
from types import SimpleNamespace
from typing import Mapping, NamedTuple, Sequence, SupportsFloat, Union


_ErlangNumbers = Union[Sequence[SupportsFloat], _Buffer]

class Staffing(NamedTuple):
    """What N agents achieve on the offered traffic (Erlang C)."""
    agents: int           # agents on the phones, N
    staff: int            # scheduled staff: ceil(N / (1 - shrinkage))
    traffic: float        # offered load A in Erlangs
    p_wait: float         # Erlang C: probability that a call waits
    service_level: float  # fraction answered within the target time
    asa: float            # average speed of answer over all calls, seconds (inf if N <= A)
    occupancy: float      # A / N, capped at 1

class ContactMetrics(NamedTuple):
    """Metrics of one interval; undefined ratios are nan."""
    offered: float
    sl_answered: float              # (a) within T / answered
    sl_offered: float               # (b) within T / (answered + abandoned)
    sl_excl_short: float            # (c) within T / (answered + abandoned after T)
    sl_abandon_positive: float      # (d) (within T + abandoned within T) / offered
    asa: float
    abandon_rate: float
    abandon_rate_excl_short: float
    aht: float
    occupancy: float

def erlang_b(traffic_erlangs: float, agents: int) -> float: ...
def erlang_c(traffic_erlangs: float, agents: int) -> float: ...
def traffic_erlangs(calls: float, aht_s: float, interval_s: float) -> float: ...
def service_level(calls: float, aht_s: float, interval_s: float, agents: int,
                  target_s: float) -> float: ...
def asa(calls: float, aht_s: float, interval_s: float, agents: int) -> float: ...
def agents_needed(calls: float, aht_s: float, interval_s: float, target_s: float,
                  target_sl: float, max_occupancy: float | None = None,
                  max_asa_s: float | None = None, max_agents: int | None = None) -> int: ...
def staffing(calls: float, aht_s: float, interval_s: float, target_s: float = 20.0,
             target_sl: float = 0.8, *, max_occupancy: float | None = None,
             max_asa_s: float | None = None, shrinkage: float = 0.0,
             agents: int | None = None, max_agents: int | None = None) -> Staffing: ...
def staffing_batch(calls: _ErlangNumbers, aht_s: Union[_ErlangNumbers, float], interval_s: float,
                   target_s: float = 20.0, target_sl: float = 0.8, *,
                   max_occupancy: float | None = None, max_asa_s: float | None = None,
                   shrinkage: float = 0.0, max_agents: int | None = None) -> Table[Staffing]: ...
def staff_with_shrinkage(agents: int, shrinkage: float) -> int: ...
def contact_metrics(*, answered: float = 0, answered_within_target: float = 0,
                    abandoned: float = 0, abandoned_within_target: float = 0,
                    abandoned_short: float = 0, wait_time_s: float = 0, handled: float = 0,
                    talk_time_s: float = 0, hold_time_s: float = 0, acw_time_s: float = 0,
                    staffed_time_s: float = 0) -> ContactMetrics: ...
def contact_centre(*, answered: float = 0, answered_within_target: float = 0,
                   abandoned: float = 0, abandoned_within_target: float = 0,
                   abandoned_short: float = 0, wait_time_s: float = 0, handled: float = 0,
                   talk_time_s: float = 0, hold_time_s: float = 0, acw_time_s: float = 0,
                   staffed_time_s: float = 0) -> ContactMetrics: ...
def contact_metrics_batch(counts: Sequence[Mapping[str, float]]) -> Table[ContactMetrics]: ...
def contact_counts_sum(counts: Sequence[Mapping[str, float]]) -> dict[str, float]: ...

# Erlang A (M/M/N+M), Erlang B inverse, fractional agents, reverse
# calculation (0.2). Erlang A results are types.SimpleNamespace records with
# agents, staff, traffic, p_wait, p_abandon, service_level (answered within
# target / offered), sl_virtual (would-be wait <= target / offered), asa
# (answered calls, s), wait_all (all calls, s), occupancy and wait_virtual
# (mean would-be wait with unlimited patience, s; CCmath's "ASA").
def erlang_a(calls: float, aht_s: float, interval_s: float, agents: int, patience_s: float,
             target_s: float = 20.0, *, shrinkage: float = 0.0) -> SimpleNamespace: ...
def agents_needed_a(calls: float, aht_s: float, interval_s: float, patience_s: float,
                    target_sl: float, target_s: float, max_abandon: float | None = None, *,
                    max_occupancy: float | None = None, max_asa_s: float | None = None,
                    max_agents: int | None = None) -> int: ...
def staffing_a(calls: float, aht_s: float, interval_s: float, patience_s: float,
               target_s: float = 20.0, target_sl: float = 0.8, *,
               max_abandon: float | None = None, max_occupancy: float | None = None,
               max_asa_s: float | None = None, shrinkage: float = 0.0,
               staff: int | None = None, max_agents: int | None = None) -> SimpleNamespace: ...
def eval_staff(calls: float, aht_s: float, interval_s: float, staff: int,
               target_s: float = 20.0, *, shrinkage: float = 0.0) -> Staffing: ...
def agents_from_staff(staff: int, shrinkage: float) -> int: ...
def erlang_b_capacity(trunks: int, blocking: float) -> float: ...
def erlang_b_trunks(traffic_erlangs: float, blocking: float) -> int: ...
def erlang_b_frac(traffic_erlangs: float, agents: float) -> float: ...
def erlang_c_frac(traffic_erlangs: float, agents: float) -> float: ...

# Fractional agents (0.2). staffing_frac: the least real number of agents
# meeting the goals on the continuous Erlang C curve (erlang_c_frac); a
# types.SimpleNamespace with agents, staff (= agents / (1 - shrinkage)),
# traffic, p_wait, service_level, asa (s) and occupancy, all floats.
# erlang_a_frac: Erlang A at a real agent count >= 1, every measure
# interpolated linearly between floor(agents) and floor(agents) + 1;
# staffing_a_frac: the least real count whose interpolated measures meet the
# goals. Both return erlang_a's attributes with agents and staff as floats.
def staffing_frac(calls: float, aht_s: float, interval_s: float, target_s: float = 20.0,
                  target_sl: float = 0.8, *, max_occupancy: float | None = None,
                  max_asa_s: float | None = None, shrinkage: float = 0.0,
                  max_agents: int | None = None) -> SimpleNamespace: ...
def erlang_a_frac(calls: float, aht_s: float, interval_s: float, agents: float,
                  patience_s: float, target_s: float = 20.0, *,
                  shrinkage: float = 0.0) -> SimpleNamespace: ...
def staffing_a_frac(calls: float, aht_s: float, interval_s: float, patience_s: float,
                    target_s: float = 20.0, target_sl: float = 0.8, *,
                    max_abandon: float | None = None, max_occupancy: float | None = None,
                    max_asa_s: float | None = None, shrinkage: float = 0.0,
                    max_agents: int | None = None) -> SimpleNamespace: ...

# Chat (0.2): agents holding up to `concurrency` chats each, a chat taking
# aht_by_concurrency[j-1] s while its agent holds j (default aht at every
# level; the first level must equal aht). Results are types.SimpleNamespace
# records with agents, staff, arrival_rate (chats/s), sessions (mean chats in
# service), p_wait, p_abandon, service_level (answered within target /
# offered), asa (answered chats, s), wait_all (all chats, s), occupancy
# (sessions / (agents * concurrency)), sl_virtual (would-be wait <= target /
# offered) and wait_virtual (mean would-be wait, s; CCmath's "ASA").
def erlang_chat(chats: float, aht: float, interval: float, agents: int,
                concurrency: int | None = None,
                aht_by_concurrency: Sequence[float] | _Buffer | None = None,
                patience: float | None = None, target_s: float = 20.0, *,
                shrinkage: float = 0.0) -> SimpleNamespace: ...
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
