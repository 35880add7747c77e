# Type stubs for the segment engine of the svcm extension (merged by the lead
# into bindings/python/svcm.pyi).
import array
from typing import Mapping, NamedTuple, Optional, Sequence, SupportsFloat, SupportsInt, Tuple, Union


_SegmentNumbers = Union[Sequence[SupportsFloat], _Buffer]
_SegmentInts = Union[Sequence[SupportsInt], _Buffer]

SEGMENT_REASON_NAMES: Tuple[str, ...]  # indexed by reason code 0..7
SEGMENT_REASON_LOST_INACTIVE: int      # 0: recency > churn_days
SEGMENT_REASON_LOST_P_ALIVE: int       # 1: p_alive < p_alive_min
SEGMENT_REASON_POTENTIAL_NEW: int      # 2: tenure < new_tenure_days
SEGMENT_REASON_POTENTIAL_FEW: int      # 3: frequency <= new_max_frequency
SEGMENT_REASON_VIP_M_SCORE: int        # 4: M score in the top vip_m_top_scores, active
SEGMENT_REASON_VIP_MONETARY: int       # 5: monetary >= vip_min_monetary, active
SEGMENT_REASON_KEY_SCORE: int          # 6: weighted mean RFM score >= key_min_score
SEGMENT_REASON_REGULAR: int            # 7: no rule above fired
RFM_MAX_BINS: int              # 10

class RfmEdges(NamedTuple):
    """RFM cut points (bins - 1 per measure); pass back as edges=."""
    bins: int
    recency: Tuple[float, ...]
    frequency: Tuple[float, ...]
    monetary: Tuple[float, ...]

_Edges = Union[RfmEdges, Mapping[str, Sequence[SupportsFloat]],
               Tuple[Sequence[SupportsFloat], Sequence[SupportsFloat], Sequence[SupportsFloat]]]

# The per-customer results are svcm.Column objects of type code 'B' (one
# byte each; numpy.asarray and memoryview share their memory, nothing is
# copied). Column is defined with the core names (stubs/core.pyi).
class RfmScores(NamedTuple):
    r: Column       # 1..bins, most recent = bins
    f: Column
    m: Column
    edges: RfmEdges

class Segmentation(NamedTuple):
    tiers: Column   # 0 VIP, 1 KEY, 2 REGULAR, 3 POTENTIAL, 4 LOST
    reasons: Column # reason codes, names in SEGMENT_REASON_NAMES
    r: Column
    f: Column
    m: Column
    edges: RfmEdges
    reason_names: Tuple[str, ...]  # SEGMENT_REASON_NAMES: reason_names[reasons[i]]

class Migration(NamedTuple):
    counts: Tuple[Tuple[int, ...], ...]  # counts[old_tier][new_tier]
    arrived: Tuple[int, ...]             # only in the new snapshot, by new tier
    gone: Tuple[int, ...]                # only in the old snapshot, by old tier

class Policy:
    """The five-tier rules; keywords set thresholds (validated)."""
    bins: int
    churn_days: float
    p_alive_min: float
    new_tenure_days: float
    new_max_frequency: float
    vip_active_days: float
    vip_m_top_scores: int
    vip_min_monetary: float
    key_weight_r: float
    key_weight_f: float
    key_weight_m: float
    key_min_score: float
    def __init__(self, *, bins: int = ..., churn_days: float = ..., p_alive_min: float = ...,
                 new_tenure_days: float = ..., new_max_frequency: float = ...,
                 vip_active_days: float = ..., vip_m_top_scores: int = ...,
                 vip_min_monetary: float = ..., key_weight_r: float = ...,
                 key_weight_f: float = ..., key_weight_m: float = ...,
                 key_min_score: float = ...) -> None: ...
    @classmethod
    def from_text(cls, text: str) -> "Policy": ...
    def to_text(self) -> str: ...
    def __reduce__(self) -> tuple[object, ...]: ...  # pickle, copy: through the saved form

def rfm_edges(values: _SegmentNumbers, bins: int = 5, sorted: bool = False) -> Tuple[float, ...]: ...
def rfm_scores(recency: _SegmentNumbers, frequency: _SegmentNumbers, monetary: _SegmentNumbers, bins: int = 5,
               edges: Optional[_Edges] = None) -> RfmScores: ...
def segment(recency: _SegmentNumbers, frequency: _SegmentNumbers, monetary: _SegmentNumbers,
            tenure: Optional[_SegmentNumbers] = None, policy: Optional[Policy] = None,
            p_alive: Optional[_SegmentNumbers] = None, edges: Optional[_Edges] = None, *,
            threads: int = 1) -> Segmentation:
    """threads: 1..64 threads for the checks, the edge fit and the tiering,
    with the GIL released (the results are bit for bit those of one
    thread). Default 1, as in the C library: a library call does not take
    every core of a process that may call it from several threads, pool
    workers or Dask tasks at once; pass threads=len(os.sched_getaffinity(0))
    for one large population."""
    ...
def segment_records(records: Sequence[Sequence[Optional[SupportsFloat]]],
                    policy: Optional[Policy] = None,
                    edges: Optional[_Edges] = None, *, threads: int = 1) -> Segmentation:
    """records: (id, recency, frequency, monetary[, tenure[, p_alive]]); tenure
    and p_alive may be None per record. threads as in segment()."""
    ...
def rfm_fit(recency: _SegmentNumbers, frequency: _SegmentNumbers, monetary: _SegmentNumbers,
            bins: int = 5) -> RfmEdges: ...
def tier_summary(tiers: Union[_SegmentInts, Segmentation], recency: _SegmentNumbers, frequency: _SegmentNumbers, monetary: _SegmentNumbers,
                 r: Optional[_SegmentInts] = None, f: Optional[_SegmentInts] = None,
                 m: Optional[_SegmentInts] = None) -> Tuple[TierSummary, ...]: ...
def migration(old_ids: _SegmentInts, old_tiers: Union[_SegmentInts, Segmentation], new_ids: _SegmentInts,
              new_tiers: Union[_SegmentInts, Segmentation], *, threads: int = 1) -> Migration:
    """threads: 1..64 (default 1); the counts are those of one thread."""
def days_since(instants: _SegmentInts, as_of: int) -> "array.array[float]": ...

# ---- customer table (segment.h, "Customer table")
_SegmentUnit = str  # 'day', 'week' or 'second'

class LifetimeFit(NamedTuple):
    bgnbd: "BGNBD"                   # fitted: loglik, n, groups, iterations set
    gammagamma: Optional["GammaGamma"]  # None when fit_lifetime(clv=False)
    p_alive: "array.array[float]"  # array('d')
    expected: "array.array[float]"  # array('d'): purchases in the next horizon units
    clv: Optional["array.array[float]"]  # array('d'), None when clv=False
    unit: _SegmentUnit                      # the models' time unit

class Customers:
    """A library-owned customer table; columns are read-only memoryviews."""
    def __init__(self, *, unit: _SegmentUnit = "day", id: Optional[_SegmentInts] = None,
                 recency: Optional[_SegmentNumbers] = None, frequency: Optional[_SegmentNumbers] = None,
                 monetary: Optional[_SegmentNumbers] = None, tenure: Optional[_SegmentNumbers] = None,
                 p_alive: Optional[_SegmentNumbers] = None, x: Optional[_SegmentNumbers] = None,
                 t_x: Optional[_SegmentNumbers] = None, T: Optional[_SegmentNumbers] = None,
                 mean_repeat_spend: Optional[_SegmentNumbers] = None) -> None: ...
    @classmethod
    def from_columns(cls, *, unit: _SegmentUnit = "day", id: Optional[_SegmentInts] = None,
                     recency: Optional[_SegmentNumbers] = None, frequency: Optional[_SegmentNumbers] = None,
                     monetary: Optional[_SegmentNumbers] = None, tenure: Optional[_SegmentNumbers] = None,
                     p_alive: Optional[_SegmentNumbers] = None, x: Optional[_SegmentNumbers] = None,
                     t_x: Optional[_SegmentNumbers] = None, T: Optional[_SegmentNumbers] = None,
                     mean_repeat_spend: Optional[_SegmentNumbers] = None) -> "Customers": ...
    @property
    def id(self) -> Optional[memoryview]: ...  # format 'q'
    @property
    def recency(self) -> Optional[memoryview]: ...  # format 'd', in unit
    @property
    def frequency(self) -> Optional[memoryview]: ...
    @property
    def monetary(self) -> Optional[memoryview]: ...
    @property
    def tenure(self) -> Optional[memoryview]: ...
    @property
    def p_alive(self) -> Optional[memoryview]: ...
    @property
    def x(self) -> Optional[memoryview]: ...
    @property
    def t_x(self) -> Optional[memoryview]: ...
    @property
    def T(self) -> Optional[memoryview]: ...
    @property
    def mean_repeat_spend(self) -> Optional[memoryview]: ...
    @property
    def unit(self) -> _SegmentUnit: ...
    def __len__(self) -> int: ...
    def segment(self, policy: Optional[Policy] = None,
                edges: Optional[Union[RfmEdges, Mapping[str, _SegmentNumbers],
                                      Sequence[_SegmentNumbers]]] = None) -> Segmentation: ...
    def fit_lifetime(self, horizon: float = 52.0, unit: _SegmentUnit = "week", *, clv: bool = True,
                     max_iter: Optional[int] = None, gtol: float = 1e-9,
                     clv_horizon: Optional[int] = None, period_length: float = 365.25 / 12 / 7,
                     discount_rate: float = 0.01, margin: float = 1.0) -> LifetimeFit: ...

def summarize_customers(ids: _SegmentInts, times: _SegmentInts, values: _SegmentNumbers, end: int,
                        period: _SegmentUnit = "week", *, granularity: int = 86400,
                        offset: int = 0,
                        returns: str = "error") -> Customers: ...  # "error", "net" or "drop"
