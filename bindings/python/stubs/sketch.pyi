# Type stubs for the sketch engine: the aliases its described classes use
# (bindings/api/sketch.py generates the classes Sketch, Durations and
# DurationsSummary).
import array
from typing import Optional, Sequence, Union

_Doubles = Union[Sequence[float], memoryview, bytes, bytearray, "array.array[float]", "array.array[int]"]
_SketchValues = Union[float, int, _Doubles]
