# Type stubs of the erlang engine's hand-written functions (shift
# scheduling); the rest is described in bindings/api/erlang.py.
from types import SimpleNamespace

def schedule_shifts(required: Sequence[int], coverage: Sequence[Sequence[int]] | _Buffer,
                    cost: Sequence[float] | None = None, objective: str = "min_cost",
                    max_staff: int | None = None, *, max_nodes: int | None = None,
                    max_pivots: int | None = None,
                    max_seconds: float | None = None) -> SimpleNamespace: ...
def schedule_pattern(n_periods: int, start: int, length: int,
                     breaks: Sequence[tuple[int, int]] = (), wrap: bool = False) -> bytes: ...
