# Type stubs for the calls engine of svcm: the aliases of the class Calls,
# which bindings/api/calls.py describes (its stub is generated).
import array
from typing import Literal, Optional, Sequence, Union

_CallTimes = Union[Sequence[float], memoryview, bytes, bytearray, "array.array[float]", "array.array[int]"]
_Outcome = Union[Literal["answered", "abandoned", "other"], int]
