"""A deliberate type error: mypy must reject this file (test_typing.py
checks the exact message), or the stubs are not read at all."""
import svcm

agents: int = svcm.erlang_c(8.0, 10)  # erlang_c returns a float
