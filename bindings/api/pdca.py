# The description of the pdca engine's binding surface: the records that a
# C struct gives field by field (XmR limits, audit entries, actions).
# bindings/gen/svcmgen.py turns it into Python struct sequences and Lua
# table pushers and the stubs. The engine has no free function of scalars:
# svcm.Cycle (an object type), western_electric and xmr_limits (array
# arguments) stay hand-written in bindings/python/py_pdca.c and
# bindings/lua/lua_pdca.c, as do CheckResult (a list of signals, a nested
# XmrLimits, a tuple of rule counts) and Sample (successes and trials are
# None without counts), which the description cannot express.
include("svcm/pdca.h")

record("XmrLimits", "svcm_xmr", "Individuals (XmR) chart limits.", [
    ("n", "size", "number of points"),
    ("center", "f64", "centre line (mean)"),
    ("mr_bar", "f64", "mean moving range"),
    ("sigma", "f64", "mr_bar / 1.128"),
    ("ucl", "f64", "upper control limit"),
    ("lcl", "f64", "lower control limit"),
])
# Lua's audit() keeps its own keys (from, to): lua_pdca.c pushes it by hand.
record("AuditEntry", "svcm_pdca_audit", "A PDCA audit trail entry.", [
    ("at", "i64", "instant of the transition"),
    ("actor", "str", "who"),
    ("note", "str", "why"),
    ("from_phase", "name:svcm_pdca_phase_name", "phase left", "from"),
    ("to_phase", "name:svcm_pdca_phase_name", "phase entered", "to"),
])
record("Action", "svcm_pdca_action", "A PDCA action.", [
    ("description", "str", "what"),
    ("owner", "str", "who"),
    ("due", "i64", "due instant"),
    ("status", "name:svcm_action_status_name", "'open', 'done' or 'dropped'"),
])
