# Type stubs for the calendar engine of svcm (merged into svcm.pyi by the lead).
import array
import datetime
from typing import Iterable, Literal, NamedTuple, Optional, Sequence, Tuple, Union, overload

_Time = Union[str, int]  # "HH:MM", "HH:MM:SS" or seconds since local midnight
_Day = Optional[Sequence[Tuple[_Time, _Time]]]
_Date = Union[str, datetime.date]  # "YYYY-MM-DD" or a date
_Int64s = Union[Sequence[int], memoryview, bytes, "array.array[int]"]
_OptInt64s = Union[Sequence[Optional[int]], memoryview, "array.array[int]", None]
_Pause = Tuple[int, Optional[int]]

SLA_NONE: int

# Calendar, SlaMetric, SlaRate, CivilDate, days_from_civil and
# civil_from_days are generated from bindings/api/calendar.py (gen.pyi,
# appended to the assembled stubs).

class SlaResult(NamedTuple):
    response: SlaMetric
    resolution: SlaMetric

class SlaSummary(NamedTuple):
    response: SlaRate
    resolution: SlaRate

def sla(
    calendar: Calendar,
    created: int,
    first_response: Optional[int] = ...,
    resolved: Optional[int] = ...,
    pauses: Optional[Sequence[_Pause]] = ...,
    *,
    response_target: int,
    resolution_target: int,
    now: int,
) -> SlaResult: ...
@overload
def sla_compliance(
    calendar: Calendar,
    created: _Int64s,
    first_response: _OptInt64s = ...,
    resolved: _OptInt64s = ...,
    *,
    response_target: Union[int, _Int64s],
    resolution_target: Union[int, _Int64s],
    now: int,
    pauses: Optional[Sequence[Optional[Sequence[_Pause]]]] = ...,
    confidence: float = ...,
    per_ticket: Literal[False] = ...,
) -> SlaSummary: ...
@overload
def sla_compliance(
    calendar: Calendar,
    created: _Int64s,
    first_response: _OptInt64s = ...,
    resolved: _OptInt64s = ...,
    *,
    response_target: Union[int, _Int64s],
    resolution_target: Union[int, _Int64s],
    now: int,
    pauses: Optional[Sequence[Optional[Sequence[_Pause]]]] = ...,
    confidence: float = ...,
    per_ticket: Literal[True],
) -> Tuple[SlaSummary, Table[SlaResult]]: ...
