# The description of the scorecard engine's binding surface. Verdicts with
# their basis are dicts and most calls take arrays or accumulators: those
# stay hand-written (py_scorecard.c, lua_scorecard.c).
include("svcm/scorecard.h")

# direction: "at_least" (or ">=") and "at_most" (or "<="), the index mod 2
# being the svcm_target_direction.
DIRECTION = "direction: choice(at_least|at_most|>=|<=) = 0"
function("target_change",
         "'better', 'worse' or 'unchanged' against the previous period by the\n"
         "two-proportion z-test (changed when p < 1 - confidence).",
         ["previous_successes: count", "previous_trials: count", "successes: count",
          "trials: count", DIRECTION, "confidence: f64 = 0.95"], "str",
         """svcm_rate a, b;
svcm_rate_init(&a, SVCM_RATE_KIND_GENERIC);
svcm_rate_init(&b, SVCM_RATE_KIND_GENERIC);
rc = svcm_rate_add_counts(&a, previous_successes, previous_trials);
if (rc == SVCM_OK)
    rc = svcm_rate_add_counts(&b, successes, trials);
struct svcm_target_change_result r;
if (rc == SVCM_OK)
    rc = svcm_target_change_rate(&a, &b, (svcm_target_direction)(direction % 2), confidence,
                                 &r);
if (rc == SVCM_OK)
    out = svcm_target_change_name(r.change);""")
