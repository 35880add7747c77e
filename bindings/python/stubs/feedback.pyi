# Type stubs for the feedback engine of svcm (CSAT, NPS, CES, rates,
# comparisons, SERVQUAL, consistency). Merged into svcm.pyi by the lead.
# The records (but ServqualResult), svcm.rate() and the classes NPS, CSAT,
# CES, Rate and KPIGroups are described in bindings/api/feedback.py and
# their stubs generated (gen.pyi).
from typing import ClassVar, Iterable, Literal, Mapping, Sequence, SupportsFloat, Union

_Scores = Union[_Buffer, Sequence[SupportsFloat]]
_Dimension = Union[str, int]

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
