"""Deliberate type errors: mypy must reject each line below (test_typing.py
checks the messages), or the stubs are not read at all, or a parameter or
result the stubs type has silently become Any."""
import svcm

agents: int = svcm.erlang_c(8.0, 10)  # erlang_c returns a float
days: list[int] = svcm.days_since([0, 86400], 86400)  # an array('d'), not a list
svcm.days_since("0 86400", 86400)  # neither int sequence nor buffer
