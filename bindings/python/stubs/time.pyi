# Type stubs for the time engine of svcm: parse_time. Zone, ZoneOffset and
# LocalTime are described in bindings/api/time.py and their stubs generated.
from typing import Literal, Optional, Union


def parse_time(text: str, fmt: Optional[str] = None, tz: Union[str, Zone, None] = "UTC",
               epoch: Optional[Literal["s", "ms"]] = None,
               ambiguous: Literal["earlier", "later", "error"] = "earlier") -> Union[int, float]: ...
