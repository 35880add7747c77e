# The description of the scorecard engine's binding surface. Verdicts with
# their basis are dicts and most calls take arrays or accumulators: those
# stay hand-written (py_scorecard.c, lua_scorecard.c).
include("svcm/scorecard.h")

# direction: "at_least" (or ">=") and "at_most" (or "<="), the index mod 2
# being the svcm_target_direction.
DIRECTION = "direction: choice(at_least|at_most|>=|<=) = 0"
DIRECTION_AT_MOST = "direction: choice(at_least|at_most|>=|<=) = 1"
DIR = "(svcm_target_direction)(direction % 2)"
helper("""
static const char *scorecard_direction_name(int d)
{
    return d == SVCM_TARGET_DIRECTION_AT_LEAST ? "at_least" : "at_most";
}""")

record("TargetResult", "struct svcm_target_result",
       "A verdict with its basis.", [
           ("verdict", "name:svcm_target_outcome_name", "'met', 'missed' or 'undetermined'",
            "outcome"),
           ("value", "f64", "the estimate (share, mean, NPS points or quantile)"),
           ("ci", "interval", "its interval (lo, hi)"),
           ("n", "u64", "sample size"),
           ("target", "f64", "the target, in the estimate's units"),
           ("direction", "name:scorecard_direction_name", "'at_least' or 'at_most'"),
           ("confidence", "f64", "the two-sided confidence level"),
           ("n_to_decide", "u64", "undetermined: the smallest sample size that would decide "
            "at the observed estimate; 0 when decided or when none does"),
       ], as_dict=True)

PROPORTION = ["successes: count", "trials: count", "target: f64", DIRECTION,
              "confidence: f64 = 0.95"]
VERDICT = f"rc = svcm_target_verdict(successes, trials, target, {DIR}, confidence, &r);"
function("target_verdict",
         "'met' when the whole Wilson interval of successes / trials is on the good side\n"
         "of target (a share in [0, 1]), 'missed' when wholly on the bad side,\n"
         "'undetermined' otherwise.", PROPORTION, "str",
         "struct svcm_target_result r;\n" + VERDICT +
         "\nif (rc == SVCM_OK)\n    out = svcm_target_outcome_name(r.outcome);")
function("target_result",
         "The verdict of target_verdict with its basis: verdict, value, ci (lo, hi), n,\n"
         "target, direction, confidence and n_to_decide (the smallest number of trials\n"
         "that would decide at the observed rate; 0 when decided or when none does).",
         PROPORTION, "TargetResult",
         VERDICT.replace("&r)", "&out)"))
# The mean of values (Moments of the array).
MOMENTS = """svcm_moments m;
svcm_moments_init(&m);
rc = svcm_moments_add_batch(&m, values, values_n, &err);
"""
function("target_mean_result",
         "Verdict on the mean of values (at least two) with the Student t interval.",
         ["values: f64s", "target: f64", DIRECTION, "confidence: f64 = 0.95"], "TargetResult",
         MOMENTS + f"if (rc == SVCM_OK)\n    rc = svcm_target_verdict_mean(&m, target, {DIR}, "
         "confidence, &out);")
function("target_quantile_result",
         "Verdict on the q-quantile of values (e.g. q=0.9 for first response P90 <= 3600)\n"
         "with the distribution-free order-statistic (binomial) interval of the sorted\n"
         "sample.",
         ["values: f64s", "q: f64", "target: f64", DIRECTION_AT_MOST, "confidence: f64 = 0.95"],
         "TargetResult",
         f"rc = svcm_target_verdict_quantile(values, values_n, q, target, {DIR}, confidence, "
         "NULL, &out, &err);")
function("target_nps_result",
         "Verdict on the NPS (points, -100..100) of 0-10 answers with the library's NPS\n"
         "interval (Wald).",
         ["scores: f64s", "target: f64", DIRECTION, "confidence: f64 = 0.95"], "TargetResult",
         """svcm_feedback_options o;
svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS);
svcm_feedback *f = NULL;
rc = svcm_feedback_new(&o, NULL, &f, &err);
if (rc == SVCM_OK)
    rc = svcm_feedback_add_batch(f, scores, scores_n, &err);
if (rc == SVCM_OK) {
    svcm_error_clear(&err);
    rc = svcm_target_verdict_feedback(f, target, """ + DIR + """, confidence, &out);
}
svcm_feedback_free(f);""")
function("target_mean_change",
         "'better', 'worse' or 'unchanged' by Welch's t-test between the periods.",
         ["previous_values: f64s", "values: f64s", DIRECTION, "confidence: f64 = 0.95"], "str",
         """svcm_moments a, b;
svcm_moments_init(&a);
svcm_moments_init(&b);
rc = svcm_moments_add_batch(&a, previous_values, previous_values_n, &err);
if (rc == SVCM_OK)
    rc = svcm_moments_add_batch(&b, values, values_n, &err);
struct svcm_target_change_result r;
if (rc == SVCM_OK)
    rc = svcm_target_change_mean(&a, &b, """ + DIR + """, confidence, &r);
if (rc == SVCM_OK)
    out = svcm_target_change_name(r.change);""")
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
fast("target_change", "target_verdict", "target_result")
function("target_durations_result",
         "Verdict on the q-quantile of an svcm.Durations accumulator (seconds), the\n"
         "order-statistic interval read from its sketch (exact while it is exact).",
         ["durations: Durations", "q: f64", "target: f64", DIRECTION_AT_MOST,
          "confidence: f64 = 0.95"], "TargetResult",
         f"rc = svcm_target_verdict_durations(durations, q, target, {DIR}, confidence, &out);")
function("target_scaled",
         "A target value in the units the verdicts take: '%' as a share (value / 100),\n"
         "'s', 'm', 'h', 'd' in seconds, '' as it is.",
         ["value: f64", "unit: choice(|%|s|m|h|d) = 0"], "f64",
         """svcm_target t;
memset(&t, 0, sizeof t);
t.value = value;
t.unit = (svcm_target_unit)unit;
rc = svcm_target_scaled(&t, &out);""")
fast("target_scaled")
