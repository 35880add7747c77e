# The description of the calendar engine's binding surface: the SLA
# compliance record of one metric and the civil-date day count.
# bindings/gen/svcmgen.py turns it into Python and Lua and the stubs.
# Hand-written in bindings/python/py_calendar.c and bindings/lua/lua_calendar.c:
# svcm.Calendar (an object type: week tables, holidays, batch methods), sla
# and sla_compliance (a Calendar argument, ticket arrays, pauses), the
# records SlaMetric (due is None / absent when there is none), SlaResult and
# SlaSummary (records of records), and civil_from_days (a plain tuple in
# Python, three results in Lua).
include("svcm/calendar.h")

record("SlaRate", "svcm_sla_rate", "Compliance of one metric.", [
    ("met", "u64", "tickets that met the target"),
    ("breached", "u64", "tickets that breached it (open ones included)"),
    ("pending", "u64", "open tickets still within target"),
    ("rate", "f64", "met / (met + breached), NaN when none decided"),
    ("ci", "interval", "Wilson interval (lo, hi) for rate"),
])

function("days_from_civil",
         "Days since 1970-01-01 of a proleptic Gregorian date (negative before).",
         ["year: int", "month: int", "day: int"], "i64",
         "svcm_date date = {year, month, day};\n"
         "rc = svcm_days_from_civil(&date, &out);")
fast("days_from_civil")
