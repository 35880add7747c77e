# The description of the journey engine's binding surface: the funnel-step
# and touchpoint-loss records (bindings/gen/svcmgen.py turns them into the
# svcm.FunnelStep / svcm.TouchpointLoss types, the Lua tables and the stubs).
# The Journey object, svcm.funnel (columns of events), the JourneyPath rows
# (a tuple of touchpoint names) and the result / options dicts stay
# hand-written in bindings/python/py_journey.c and bindings/lua/lua_journey.c.
include("svcm/journey.h")

record("FunnelStep", "struct svcm_journey_step_result", "One funnel step.", [
    ("touchpoint", "str", "the step's touchpoint name"),
    ("reached", "u64", "customers reaching this step in order within the window"),
    ("continued", "u64", "customers reaching the next step (0 for the last)"),
    ("continue_rate", "f64", "continued / reached (nan for the last step or none reached)"),
    ("drop_rate", "f64", "1 - continue_rate"),
    ("ci", "interval", "Wilson interval (low, high) of drop_rate"),
    ("conversion", "f64", "reached / reached of the first step"),
    ("timed", "u64", "customers timed from the previous step"),
    ("time_mean", "f64", "mean seconds from the previous step (nan if none)", "time_mean_s"),
    ("time_p50", "f64", "median seconds from the previous step", "time_p50_s"),
    ("time_p90", "f64", "90th percentile seconds from the previous step", "time_p90_s"),
    ("time_max", "f64", "longest seconds from the previous step", "time_max_s"),
])
record("TouchpointLoss", "struct svcm_journey_touchpoint_result",
       "One touchpoint: satisfaction and loss.", [
           ("touchpoint", "str", "touchpoint name"),
           ("events", "u64", "events at this touchpoint"),
           ("scored", "u64", "events with a score"),
           ("mean_score", "f64", "mean score (nan if none)"),
           ("last", "u64", "customers whose last touchpoint this is"),
           ("lost_last", "u64", "lost customers whose last touchpoint this is"),
           ("last_share", "f64", "last / customers"),
           ("lost_share", "f64", "lost_last / lost customers (nan if none lost)"),
           ("excess", "f64", "lost_share - last_share"),
           ("lift", "f64", "lost_share / last_share"),
           ("loss_rate", "f64", "lost_last / last"),
           ("loss_ci", "interval", "Wilson interval (low, high) of loss_rate"),
       ])
