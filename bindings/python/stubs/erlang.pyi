# Type stubs for the erlang engine of the svcm extension (merged by the lead
# into bindings/python/svcm.pyi).
from typing import Mapping, NamedTuple, Sequence, SupportsFloat, Union

from typing_extensions import Buffer

_Numbers = Union[Sequence[SupportsFloat], Buffer]

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
def staffing_batch(calls: _Numbers, aht_s: Union[_Numbers, float], interval_s: float,
                   target_s: float = 20.0, target_sl: float = 0.8, *,
                   max_occupancy: float | None = None, max_asa_s: float | None = None,
                   shrinkage: float = 0.0, max_agents: int | None = None) -> list[Staffing]: ...
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
def contact_metrics_batch(counts: Sequence[Mapping[str, float]]) -> list[ContactMetrics]: ...
def contact_counts_sum(counts: Sequence[Mapping[str, float]]) -> dict[str, float]: ...
