# Type stubs for the lifetime engine of the svcm extension (merged by the
# lead into bindings/python/svcm.pyi).
from typing import Dict, List, Optional, Sequence, SupportsFloat, SupportsInt, Tuple, Union


_LifetimeNumbers = Union[Sequence[SupportsFloat], _Buffer]
_LifetimeInts = Union[Sequence[SupportsInt], _Buffer]
_NumOrNumbers = Union[float, _LifetimeNumbers]

# BGNBD, GammaGamma, MBGNBD, BGBB and ParetoNBD are generated from
# bindings/api/lifetime.py (their stubs are in gen.pyi, appended after this
# file); the aliases above are used there.

def summarize_transactions(ids: _LifetimeInts, times: _LifetimeInts, values: _LifetimeNumbers, end: int, *,
                           granularity: int = ..., offset: int = ...,
                           period: float = ...) -> Dict[str, Column]: ...  # id, first, x: int64; t_x, T, mean_spend: float64
