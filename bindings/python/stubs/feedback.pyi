# Type stubs for the feedback engine of svcm (CSAT, NPS, CES, rates,
# comparisons, SERVQUAL, consistency). Merged into svcm.pyi by the lead.
# The records (but ServqualResult), svcm.rate() and the classes _Feedback
# (the base of NPS, CSAT and CES), Rate and KPIGroups are described in
# bindings/api/feedback.py and their stubs generated (gen.pyi).
from typing import ClassVar, Iterable, Literal, Mapping, Sequence, SupportsFloat, Union

from typing_extensions import Self

_Scores = Union[_Buffer, Sequence[SupportsFloat]]
_Dimension = Union[str, int]
# KPI conventions (since 0.2; None or omitted: the default, listed first).
_CsatMethod = Literal["top_box", "rated", "mean"]
_CesMethod = Literal["mean", "top", "index"]
_NpsInterval = Literal["wald", "adjusted"]

SERVQUAL_DIMENSIONS: tuple[str, str, str, str, str]
RATE_KINDS: tuple[str, ...]

# Result records are tuples of their fields, in order (unpacking is typed).
class ServqualResult(tuple[dict[str, float], float, float, dict[str, float], dict[str, float], dict[str, int], dict[str, float]]):
    n_fields: ClassVar[int]
    @property
    def gaps(self) -> dict[str, float]: ...
    @property
    def weighted(self) -> float: ...
    @property
    def unweighted(self) -> float: ...
    @property
    def expectations(self) -> dict[str, float]: ...
    @property
    def perceptions(self) -> dict[str, float]: ...
    @property
    def items(self) -> dict[str, int]: ...
    @property
    def weights(self) -> dict[str, float]: ...

class NPS(_Feedback):
    def __init__(self, *, interval: _NpsInterval | None = None) -> None: ...

class CSAT(_Feedback):
    def __init__(self, scale: int = 5, *, top_boxes: int = 2, low: int = 1,
                 method: _CsatMethod | None = None) -> None: ...

class CES(_Feedback):
    def __init__(self, scale: int = 7, *, low: int = 1,
                 method: _CesMethod | None = None) -> None: ...

def nps(scores: Union[_Scores, NPS], confidence: float = 0.95, *,
        interval: _NpsInterval | None = None) -> FeedbackResult: ...
def csat(scores: Union[_Scores, CSAT], scale: int = 5, *, top_boxes: int = 2, low: int = 1,
         confidence: float = 0.95, method: _CsatMethod | None = None) -> FeedbackResult: ...
def ces(scores: Union[_Scores, CES], scale: int = 7, *, low: int = 1,
        confidence: float = 0.95, method: _CesMethod | None = None) -> FeedbackResult: ...
def compare_nps(a: Union[_Scores, NPS], b: Union[_Scores, NPS],
                confidence: float = 0.95, *,
                interval: _NpsInterval | None = None) -> Comparison: ...
def compare_csat(a: Union[_Scores, CSAT], b: Union[_Scores, CSAT], confidence: float = 0.95, *,
                 scale: int = 5, top_boxes: int = 2, low: int = 1,
                 method: _CsatMethod | None = None) -> Comparison: ...
def compare_ces(a: Union[_Scores, CES], b: Union[_Scores, CES], confidence: float = 0.95, *,
                scale: int = 7, low: int = 1, method: _CesMethod | None = None) -> Comparison: ...
def servqual(expectations: _Scores, perceptions: _Scores,
             weights: Union[Sequence[float], Mapping[str, float], None] = None,
             dimensions: Union[Iterable[_Dimension], None] = None) -> ServqualResult: ...
def consistency(values: Union[_Scores, Mapping[str, float]], /) -> ConsistencyResult: ...
def fcr_repeats(customers: Union[_Buffer, Sequence[int]], created: Union[_Buffer, Sequence[int]],
                window: int, as_of: int | None = None
                ) -> tuple[Rate, list[Literal["repeated", "resolved", "undecided"]]]: ...

# Grouped KPIs. A slot description is a kind name or (kind, settings):
# 'nps' or ('nps', {'interval': 'adjusted'}); ('csat', {'scale': 5,
# 'top_boxes': 2, 'low': 1, 'method': 'rated'}); ('ces', {'scale': 7, 'low': 1,
# 'method': 'index'}); ('rate', 'fcr') or ('rate', {'kind': 'fcr'}); ('durations',
# {'rel_err': 0.01, 'max_buckets': 2048, 'exact_limit': 1024}); 'sla'.
_SlotDescription = Union[str, tuple[str], tuple[str, Union[None, str, int, Mapping[str, object]]]]
_Key = Union[str, bytes, _Buffer]
