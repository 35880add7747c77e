# Type stubs for the journey engine of svcm (touchpoint funnels, paths, loss).
# FunnelStep, TouchpointLoss, JourneySummary and Journey are described in
# bindings/api/journey.py and their stubs generated.
import array
from typing import NamedTuple, Optional, Sequence, Union

_Times = Union[Sequence[float], memoryview, bytes, bytearray, "array.array[float]", "array.array[int]"]
_CustomerId = Union[str, bytes, int]

class JourneyPath(NamedTuple):
    """One path of touchpoints."""
    touchpoints: tuple[str, ...]
    truncated: bool
    customers: int
    share: float

def funnel(
    customer_ids: Sequence[_CustomerId],
    touchpoints: Sequence[str],
    times: _Times,
    steps: Sequence[str],
    window: Optional[float] = None,
) -> list[FunnelStep]: ...
