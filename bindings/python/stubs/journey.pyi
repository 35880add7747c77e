# Type stubs for the journey engine of svcm (touchpoint funnels, paths, loss).
# FunnelStep and TouchpointLoss are described in bindings/api/journey.py and
# their stubs generated.
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

class Journey:
    """Customer-journey accumulator: funnel, satisfaction per touchpoint, paths,
    last touchpoint before loss."""
    def __init__(
        self,
        steps: Optional[Sequence[str]] = (),
        window: Optional[float] = None,
        path_len: int = 5,
        confidence: float = 0.95,
    ) -> None: ...
    def add(
        self, customer: _CustomerId, touchpoint: str, time: float, score: float = ...,
        lost: bool = False,
    ) -> None: ...
    def add_batch(
        self,
        customer_ids: Sequence[_CustomerId],
        touchpoints: Sequence[str],
        times: _Times,
        scores: Optional[_Times] = None,
        lost: Optional[Sequence[bool]] = None,
    ) -> None: ...
    def merge(self, other: Journey, /) -> None: ...
    def result(self) -> dict[str, Union[int, float]]: ...
    def steps(self) -> list[FunnelStep]: ...
    def touchpoints(self) -> list[TouchpointLoss]: ...
    def paths(self, k: int = 10) -> list[JourneyPath]: ...
    @property
    def options(self) -> dict[str, object]: ...
