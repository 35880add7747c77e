# The description of the feedback engine's binding surface (CSAT / NPS / CES,
# rates, period comparisons, SERVQUAL, consistency, grouped KPIs):
# bindings/gen/svcmgen.py turns it into the Python struct sequence, the Lua
# table pusher and the stub of each record described here.
#
# Most of this engine stays hand-written in bindings/python/py_feedback.c and
# bindings/lua/lua_feedback.c: every free function takes an array, an
# accumulator object or a callback-like value (scores, Rate objects, a
# {channel: value} mapping), and the other result records (FeedbackResult,
# Comparison, RateResult, KPIGroupsSLAResult) carry a `confidence` field
# that is not a member of their C struct (FeedbackResult's `convention` is
# also named from one of three members chosen by `kind`), which a record
# description cannot express; ServqualResult's fields are dicts.
include("svcm/kpi.h")

record("ConsistencyResult", "struct svcm_consistency_result",
       "Spread of one KPI across channels.", [
           ("mean", "f64", "mean of the values"),
           ("sd", "f64", "sample standard deviation (n - 1)"),
           ("cv", "f64", "sd / |mean|"),
           ("sd_population", "f64", "population standard deviation (n)"),
           ("cv_population", "f64", "sd_population / |mean|"),
           ("n", "size", "number of channels"),
           ("min", "f64", "smallest value"),
           ("max", "f64", "largest value"),
       ])
