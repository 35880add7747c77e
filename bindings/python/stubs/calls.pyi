# Type stubs for the calls engine of svcm (call logs to interval reports).
import array
from typing import Literal, Optional, Sequence, Union

_CallTimes = Union[Sequence[float], memoryview, bytes, bytearray, "array.array[float]", "array.array[int]"]
_Outcome = Union[Literal["answered", "abandoned", "other"], int]

class Calls:
    """Call-log accumulator: per-contact records to offered, answered, abandoned,
    service level, ASA, AHT, longest wait, abandonment rate and mean patience."""
    def __init__(
        self,
        target: float = 20.0,
        short_abandon: float = 5.0,
        sl_abandoned: Literal["ignore", "against", "met"] = "against",
        exclude_short: bool = True,
        tolerance: float = 0.0,
    ) -> None: ...
    def add(
        self,
        arrival: float,
        queue_start: float = ...,
        queue_end: float = ...,
        service_start: float = ...,
        service_end: float = ...,
        outcome: _Outcome = "answered",
    ) -> None: ...
    def add_batch(
        self,
        arrival: _CallTimes,
        queue_start: Optional[_CallTimes] = None,
        queue_end: Optional[_CallTimes] = None,
        service_start: Optional[_CallTimes] = None,
        service_end: Optional[_CallTimes] = None,
        *,
        outcome: Union[Sequence[_Outcome], memoryview, "array.array[int]"],
    ) -> None: ...
    def merge(self, other: Calls, /) -> None: ...
    def result(self) -> dict[str, Union[int, float]]: ...
    def save(self) -> bytes: ...
    @classmethod
    def load(cls, b: Union[bytes, bytearray, memoryview], /) -> Calls: ...
    def __reduce__(self) -> tuple[object, ...]: ...  # pickle, copy: through the saved form
    @property
    def options(self) -> dict[str, Union[float, str, bool]]: ...
