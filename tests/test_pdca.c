/* Tests of PDCA cycles: goal, actions, measurements, guards, Check, Act,
 * chains and the audit trail. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* |got - want| <= tol, reported with full precision (cmocka's float
 * assertion rounds to float). */
static void near_at(double got, double want, double tol, const char *file, int line)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%s:%d: got %.17g, want %.17g (tolerance %g)", file, line, got, want, tol);
}
#define assert_near(got, want, tol) near_at((got), (want), (tol), __FILE__, __LINE__)

#include "svcm/pdca.h"

/* A cycle in PLAN with a goal (higher is better unless said) and one action. */
static svcm_cycle *make_cycle(bool higher, bool rate, double baseline, double target)
{
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.title = "Raise first-contact resolution";
    o.owner = "ana";
    o.metric = "FCR";
    o.unit = "%";
    o.higher_is_better = higher;
    o.rate = rate;
    svcm_cycle *c = NULL;
    assert_int_equal(svcm_cycle_new(&o, NULL, &c, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_set_goal(c, baseline, target, 5000, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_add_action(c, "train agents", "bo", 300, NULL, NULL), SVCM_OK);
    return c;
}

/* Record values as baseline (t = 1, 2, ...) or after (t = 100, 101, ...). */
static void add_values(svcm_cycle *c, const double *v, size_t n, bool baseline)
{
    for (size_t i = 0; i < n; i++) {
        svcm_pdca_sample s = {0};
        s.t = (baseline ? 1 : 100) + (int64_t)i;
        s.value = v[i];
        s.baseline = baseline;
        assert_int_equal(svcm_cycle_measure(c, &s, 1, NULL), SVCM_OK);
    }
}

/* A cycle through DO with the given baseline and after values. */
static svcm_cycle *cycle_with(bool higher, double target, const double *b, size_t nb,
                              const double *a, size_t na)
{
    svcm_cycle *c = make_cycle(higher, false, b[0], target);
    add_values(c, b, nb, true);
    assert_int_equal(svcm_cycle_start(c, 100, "ana", "go", NULL), SVCM_OK);
    add_values(c, a, na, false);
    return c;
}

static void test_options_init_fills_defaults(void **state)
{
    (void)state;
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    assert_int_equal(o.id, 1);
    assert_true(o.higher_is_better);
    assert_false(o.rate);
    assert_near(o.alpha, 0.05, 0);
    assert_null(o.title);
    svcm_cycle_options_init(NULL);
}

static void test_new_cycle_is_in_plan_with_copied_fields(void **state)
{
    (void)state;
    svcm_cycle *c = make_cycle(true, false, 60, 70);
    struct svcm_cycle_result in;
    assert_int_equal(svcm_cycle_result(c, &in), SVCM_OK);
    assert_int_equal(in.phase, SVCM_PDCA_PHASE_PLAN);
    assert_int_equal(in.outcome, SVCM_PDCA_OUTCOME_NONE);
    assert_string_equal(in.title, "Raise first-contact resolution");
    assert_string_equal(in.metric, "FCR");
    assert_string_equal(in.unit, "%");
    assert_string_equal(in.owner, "ana");
    assert_true(in.has_goal);
    assert_near(in.baseline, 60, 0);
    assert_near(in.target, 70, 0);
    assert_int_equal(in.deadline, 5000);
    assert_int_equal(in.n_actions, 1);
    assert_false(in.has_prev);
    assert_string_equal(in.prev_title, "");
    assert_int_equal(svcm_cycle_result(NULL, &in), SVCM_EINVAL);
    svcm_cycle_free(c);
    svcm_cycle_free(NULL);
}

static void test_new_rejects_missing_title_metric_and_bad_alpha(void **state)
{
    (void)state;
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    svcm_cycle *c = NULL;
    svcm_error err;
    o.metric = "CSAT";
    assert_int_equal(svcm_cycle_new(&o, NULL, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "title");
    o.title = "";
    assert_int_equal(svcm_cycle_new(&o, NULL, &c, &err), SVCM_EINVAL);
    o.title = "t";
    o.metric = NULL;
    assert_int_equal(svcm_cycle_new(&o, NULL, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "metric");
    o.metric = "CSAT";
    o.alpha = 1.0;
    assert_int_equal(svcm_cycle_new(&o, NULL, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "alpha");
    o.alpha = NAN;
    assert_int_equal(svcm_cycle_new(&o, NULL, &c, &err), SVCM_EINVAL);
    assert_int_equal(svcm_cycle_new(NULL, NULL, &c, &err), SVCM_EINVAL);
    assert_null(c);
}

static void test_goal_target_must_be_better_than_baseline(void **state)
{
    (void)state;
    svcm_cycle *c = make_cycle(true, false, 60, 70);
    svcm_error err;
    assert_int_equal(svcm_cycle_set_goal(c, 60, 50, 1, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "target");
    assert_int_equal(svcm_cycle_set_goal(c, 60, 60, 1, &err), SVCM_EINVAL);
    assert_int_equal(svcm_cycle_set_goal(c, NAN, 70, 1, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "baseline");
    assert_int_equal(svcm_cycle_set_goal(c, 60, INFINITY, 1, &err), SVCM_EINVAL);
    assert_int_equal(svcm_cycle_set_goal(NULL, 60, 70, 1, &err), SVCM_EINVAL);
    svcm_cycle_free(c);
    c = make_cycle(false, false, 40, 30); /* lower is better */
    assert_int_equal(svcm_cycle_set_goal(c, 40, 45, 1, &err), SVCM_EINVAL);
    assert_int_equal(svcm_cycle_set_goal(c, 40, 20, 9, &err), SVCM_OK);
    svcm_cycle_free(c);
}

static void test_start_refused_without_goal(void **state)
{
    (void)state;
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.title = "t";
    o.metric = "m";
    svcm_cycle *c = NULL;
    assert_int_equal(svcm_cycle_new(&o, NULL, &c, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_add_action(c, "a", NULL, 1, NULL, NULL), SVCM_OK);
    svcm_error err;
    assert_int_equal(svcm_cycle_start(c, 10, "x", NULL, &err), SVCM_ESTATE);
    assert_non_null(strstr(err.message, "goal"));
    assert_string_equal(err.field, "goal");
    struct svcm_cycle_result in;
    svcm_cycle_result(c, &in);
    assert_int_equal(in.phase, SVCM_PDCA_PHASE_PLAN);
    assert_int_equal(in.n_audit, 0);
    svcm_cycle_free(c);
}

static void test_start_refused_without_live_action(void **state)
{
    (void)state;
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.title = "t";
    o.metric = "m";
    svcm_cycle *c = NULL;
    assert_int_equal(svcm_cycle_new(&o, NULL, &c, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_set_goal(c, 1, 2, 100, NULL), SVCM_OK);
    svcm_error err;
    assert_int_equal(svcm_cycle_start(c, 10, "x", NULL, &err), SVCM_ESTATE);
    assert_non_null(strstr(err.message, "action"));
    size_t idx = 9;
    assert_int_equal(svcm_cycle_add_action(c, "a", NULL, 1, &idx, NULL), SVCM_OK);
    assert_int_equal(idx, 0);
    assert_int_equal(svcm_cycle_set_action_status(c, 0, SVCM_ACTION_STATUS_DROPPED, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_start(c, 10, "x", NULL, &err), SVCM_ESTATE);
    assert_non_null(strstr(err.message, "not dropped"));
    assert_int_equal(svcm_cycle_set_action_status(c, 0, SVCM_ACTION_STATUS_DONE, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_start(c, 10, "x", NULL, &err), SVCM_OK);
    svcm_cycle_free(c);
}

static void test_start_refused_outside_plan_and_back_in_time(void **state)
{
    (void)state;
    svcm_cycle *c = make_cycle(true, false, 60, 70);
    svcm_error err;
    const double b[2] = {60, 61};
    add_values(c, b, 2, true); /* t = 1, 2 */
    assert_int_equal(svcm_cycle_start(c, 2, "x", NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "now");
    assert_int_equal(svcm_cycle_start(c, 50, "x", NULL, &err), SVCM_OK);
    assert_int_equal(svcm_cycle_start(c, 60, "x", NULL, &err), SVCM_ESTATE);
    assert_non_null(strstr(err.message, "plan"));
    assert_int_equal(svcm_cycle_set_goal(c, 1, 2, 3, &err), SVCM_ESTATE);
    svcm_cycle_free(c);
}

static void test_check_refused_without_after_samples(void **state)
{
    (void)state;
    svcm_cycle *c = make_cycle(true, false, 60, 70);
    const double b[3] = {60, 61, 59};
    add_values(c, b, 3, true);
    svcm_error err;
    assert_int_equal(svcm_cycle_check(c, 50, "x", NULL, NULL, &err), SVCM_ESTATE);
    assert_non_null(strstr(err.message, "DO or CHECK")); /* still in PLAN */
    assert_int_equal(svcm_cycle_start(c, 50, "x", NULL, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_check(c, 60, "x", NULL, NULL, &err), SVCM_ESTATE);
    assert_non_null(strstr(err.message, "after DO began"));
    struct svcm_cycle_result in;
    svcm_cycle_result(c, &in);
    assert_int_equal(in.phase, SVCM_PDCA_PHASE_DO);
    svcm_cycle_free(c);
}

static void test_check_needs_two_samples_of_each_kind(void **state)
{
    (void)state;
    const double b[1] = {60}, a[2] = {70, 71};
    svcm_cycle *c = cycle_with(true, 70, b, 1, a, 2);
    svcm_error err;
    assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, NULL, &err), SVCM_EEMPTY);
    struct svcm_cycle_result in;
    svcm_cycle_result(c, &in);
    assert_int_equal(in.phase, SVCM_PDCA_PHASE_DO); /* nothing changed */
    assert_int_equal(in.n_audit, 1);
    svcm_cycle_free(c);
}

/* R's t.test (Welch by default), as printed in a Q&A answer on Welch
 * confidence intervals (boxhoidap.com, mirroring Cross Validated):
 * ts1 = 11,9,10,11,10,12,9,11,12,9 and ts2 = 11,13,10,13,12,9,11,12,12,11
 * give t = -1.8325, df = 17.9, 95% CI (-2.1469104, 0.1469104),
 * p-value = 0.08356 (ts1 - ts2; our diff is after - baseline, so t > 0). */
static void test_check_welch_matches_r_ttest_example(void **state)
{
    (void)state;
    const double b[10] = {11, 9, 10, 11, 10, 12, 9, 11, 12, 9};
    const double a[10] = {11, 13, 10, 13, 12, 9, 11, 12, 12, 11};
    svcm_cycle *c = cycle_with(true, 12, b, 10, a, 10);
    struct svcm_cycle_check_result r;
    assert_int_equal(svcm_cycle_check(c, 200, "ana", "week 2", &r, NULL), SVCM_OK);
    assert_int_equal(r.test, SVCM_PDCA_TEST_WELCH);
    assert_near(r.baseline_mean, 10.4, 1e-12);
    assert_near(r.after_mean, 11.4, 1e-12);
    assert_near(r.change, 1.0, 1e-12);
    assert_near(r.relative_change, 1.0 / 10.4, 1e-12);
    assert_near(r.result.statistic, 1.8325, 5e-5);
    assert_near(r.result.df, 17.9, 0.05);
    assert_near(r.p_value, 0.08356, 5e-6);
    /* alpha 0.05: a 95% interval for after - baseline, R's negated. */
    assert_near(r.result.ci.lo, -0.1469104, 5e-7);
    assert_near(r.result.ci.hi, 2.1469104, 5e-7);
    assert_false(r.significant);
    assert_false(r.target_met);
    assert_int_equal(r.verdict, SVCM_PDCA_VERDICT_NO_CHANGE);
    struct svcm_cycle_result in;
    svcm_cycle_result(c, &in);
    assert_int_equal(in.phase, SVCM_PDCA_PHASE_CHECK);
    assert_true(in.has_check);
    svcm_cycle_free(c);
}

/* Rosetta Code, "Welch's t-test" task: x = {3.0, 4.0, 1.0, 2.1},
 * y = {490.2, 340.0, 433.9}; R's t.test gives p = 0.0107515611497845 and
 * the task's Fortran/IMSL output t = -9.55949772193266, df =
 * 2.00085234885628 (x - y; our diff is after - baseline, so t > 0). */
static void test_check_verdicts_follow_direction_and_target(void **state)
{
    (void)state;
    const double b[4] = {3.0, 4.0, 1.0, 2.1}, a[3] = {490.2, 340.0, 433.9};
    struct svcm_cycle_check_result r;
    svcm_cycle *c = cycle_with(true, 400, b, 4, a, 3);
    assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, &r, NULL), SVCM_OK);
    assert_near(r.p_value, 0.0107515611497845, 1e-10);
    assert_near(r.result.statistic, 9.55949772193266, 1e-10);
    assert_near(r.result.df, 2.00085234885628, 1e-10);
    assert_true(r.significant);
    assert_true(r.target_met); /* mean 421.37 >= 400 */
    assert_int_equal(r.verdict, SVCM_PDCA_VERDICT_IMPROVED);
    svcm_cycle_free(c);
    c = cycle_with(true, 500, b, 4, a, 3);
    assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, &r, NULL), SVCM_OK);
    assert_int_equal(r.verdict, SVCM_PDCA_VERDICT_TARGET_MISSED);
    svcm_cycle_free(c);
    c = cycle_with(false, 0.5, b, 4, a, 3); /* lower is better: it got worse */
    assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, &r, NULL), SVCM_OK);
    assert_int_equal(r.verdict, SVCM_PDCA_VERDICT_WORSE);
    assert_false(r.target_met);
    svcm_cycle_free(c);
}

/* More R t.test p-values from the Rosetta Code "Welch's t-test" task
 * (CORRECT_ANSWERS of its C solution): sets 1/2, 5/6 and 7/8. */
static void test_check_welch_matches_rosetta_code_r_values(void **state)
{
    (void)state;
    static const double d1[15] = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1,
                                  21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
    static const double d2[15] = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0,
                                  24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};
    static const double d5[10] = {19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0};
    static const double d6[20] = {28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7,
                                  23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 24.0, 13.2};
    static const double d7[6] = {30.02, 29.99, 30.11, 29.97, 30.01, 29.99};
    static const double d8[6] = {29.89, 29.93, 29.72, 29.98, 30.02, 29.98};
    const struct {
        const double *b, *a;
        size_t nb, na;
        double p;
    } cases[3] = {{d1, d2, 15, 15, 0.021378001462867},
                  {d5, d6, 10, 20, 0.0359722710297968},
                  {d7, d8, 6, 6, 0.090773324285671}};
    for (size_t i = 0; i < 3; i++) {
        /* Direction chosen so the goal's target is better than b[0]. */
        svcm_cycle *c = cycle_with(true, cases[i].b[0] + 1, cases[i].b, cases[i].nb, cases[i].a,
                                   cases[i].na);
        struct svcm_cycle_check_result r;
        assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, &r, NULL), SVCM_OK);
        assert_near(r.p_value, cases[i].p, 1e-10);
        svcm_cycle_free(c);
    }
}

static void test_check_alpha_is_configurable(void **state)
{
    (void)state;
    const double b[10] = {11, 9, 10, 11, 10, 12, 9, 11, 12, 9};
    const double a[10] = {11, 13, 10, 13, 12, 9, 11, 12, 12, 11};
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.title = "t";
    o.metric = "m";
    o.alpha = 0.10; /* p = 0.08356 is significant at 10% */
    svcm_cycle *c = NULL;
    assert_int_equal(svcm_cycle_new(&o, NULL, &c, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_set_goal(c, 10, 11, 9, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_add_action(c, "a", NULL, 1, NULL, NULL), SVCM_OK);
    add_values(c, b, 10, true);
    assert_int_equal(svcm_cycle_start(c, 100, NULL, NULL, NULL), SVCM_OK);
    add_values(c, a, 10, false);
    struct svcm_cycle_check_result r;
    assert_int_equal(svcm_cycle_check(c, 200, NULL, NULL, &r, NULL), SVCM_OK);
    assert_true(r.significant);
    assert_int_equal(r.verdict, SVCM_PDCA_VERDICT_IMPROVED);
    assert_near(r.alpha, 0.10, 0);
    svcm_cycle_free(c);
}

/* Baseline: the NIST e-Handbook individuals-chart batches (centre 50.81,
 * sigma = 1.8778 / 1.128 = 1.66469; 1/2/3-sigma lines above the centre at
 * 52.475, 54.139, 55.804). After samples 56.0, 50.0, 54.5, 54.2, 50.0:
 * 56.0 is beyond 3 sigma (rule 1 at 0); 54.5 and 54.2 are each the second
 * of three beyond 2 sigma above (rule 2 at 2 and 3); no 4 of 5 beyond
 * 1 sigma, no run of 8. */
static void test_check_applies_western_electric_to_after_samples(void **state)
{
    (void)state;
    const double b[10] = {49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1};
    const double a[5] = {56.0, 50.0, 54.5, 54.2, 50.0};
    svcm_cycle *c = cycle_with(true, 53, b, 10, a, 5);
    struct svcm_cycle_check_result r;
    assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, &r, NULL), SVCM_OK);
    assert_near(r.limits.center, 50.81, 1e-12);
    assert_near(r.limits.ucl, 55.8041, 5e-5);
    assert_near(r.limits.lcl, 45.8159, 5e-5);
    assert_int_equal(r.n_signals, 3);
    assert_int_equal(r.signals[0].rule, 1);
    assert_int_equal(r.signals[0].index, 0);
    assert_int_equal(r.signals[1].rule, 2);
    assert_int_equal(r.signals[1].index, 2);
    assert_int_equal(r.signals[2].rule, 2);
    assert_int_equal(r.signals[2].index, 3);
    assert_int_equal(r.rule_count[0], 1);
    assert_int_equal(r.rule_count[1], 2);
    assert_int_equal(r.rule_count[2], 0);
    assert_int_equal(r.rule_count[3], 0);
    struct svcm_cycle_check_result again;
    assert_int_equal(svcm_cycle_check_result(c, &again), SVCM_OK);
    assert_int_equal(again.n_signals, 3);
    assert_ptr_equal(again.signals, r.signals);
    svcm_cycle_free(c);
}

/* Two-proportion z-test, by hand: baseline 40/200, after 60/200; pooled
 * p = 0.25, SE = sqrt(0.25 * 0.75 * (1/200 + 1/200)) = 0.0433013, z = 0.1 /
 * 0.0433013 = 2.3094011, two-sided p = erfc(z / sqrt 2) = 0.0209213. */
static void test_check_uses_two_proportion_test_for_rate_with_counts(void **state)
{
    (void)state;
    svcm_cycle *c = make_cycle(true, true, 0.2, 0.25);
    svcm_pdca_sample s[4] = {
        {1, 0, true, true, 20, 100},
        {2, 0, true, true, 20, 100},
        {100, 0, false, true, 25, 100},
        {101, 0, false, true, 35, 100},
    };
    svcm_error err;
    assert_int_equal(svcm_cycle_measure(c, s, 2, &err), SVCM_OK);
    assert_int_equal(svcm_cycle_start(c, 50, "x", NULL, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_measure(c, s + 2, 2, &err), SVCM_OK);
    svcm_pdca_sample got;
    assert_int_equal(svcm_cycle_sample(c, 2, &got), SVCM_OK);
    assert_near(got.value, 0.25, 0); /* successes / trials */
    struct svcm_cycle_check_result r;
    assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, &r, &err), SVCM_OK);
    assert_int_equal(r.test, SVCM_PDCA_TEST_PROPORTIONS);
    assert_near(r.baseline_mean, 0.2, 1e-15);
    assert_near(r.after_mean, 0.3, 1e-15);
    assert_near(r.result.statistic, 2.3094010767585034, 1e-9);
    assert_near(r.p_value, 0.020921335337794028, 1e-9);
    assert_true(isinf(r.result.df));
    assert_int_equal(r.verdict, SVCM_PDCA_VERDICT_IMPROVED);
    svcm_cycle_free(c);
}

static void test_check_without_variation_is_certain_or_null(void **state)
{
    (void)state;
    const double five[2] = {5, 5}, six[2] = {6, 6};
    struct svcm_cycle_check_result r;
    svcm_cycle *c = cycle_with(true, 6, five, 2, five, 2);
    assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, &r, NULL), SVCM_OK);
    assert_near(r.p_value, 1.0, 0);
    assert_int_equal(r.verdict, SVCM_PDCA_VERDICT_NO_CHANGE);
    assert_near(r.relative_change, 0.0, 0);
    svcm_cycle_free(c);
    c = cycle_with(true, 6, five, 2, six, 2);
    assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, &r, NULL), SVCM_OK);
    assert_near(r.p_value, 0.0, 0);
    assert_int_equal(r.verdict, SVCM_PDCA_VERDICT_IMPROVED);
    /* sigma 0: both points are beyond 3 sigma (rule 1 twice) and the second
     * is the second of two beyond 2 sigma (rule 2). */
    assert_int_equal(r.n_signals, 3);
    svcm_cycle_free(c);
}

static void test_relative_change_is_nan_for_zero_baseline(void **state)
{
    (void)state;
    const double b[2] = {-1, 1}, a[2] = {2, 4};
    svcm_cycle *c = cycle_with(true, 2, b, 2, a, 2);
    struct svcm_cycle_check_result r;
    assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, &r, NULL), SVCM_OK);
    assert_true(isnan(r.relative_change));
    assert_near(r.change, 3.0, 1e-15);
    svcm_cycle_free(c);
}

/* Review: Welch's test is scale-free. Baseline {1, 3, 2}, after {5, 6, 7}:
 * means 2 and 6, variances 1 and 1, t = 4 / sqrt(1/3 + 1/3) = 4.898979486,
 * df = (2/3)^2 / (2 (1/3)^2 / 2) = 4. Scaled by 1e200 the variances
 * overflowed (p was 0, statistic inf); scaled by 1e-160 their squares
 * underflowed (df 0/0 and the Check failed). Both now match unscaled data. */
static void test_check_welch_is_scale_free_near_the_double_range(void **state)
{
    (void)state;
    const double scales[3] = {1.0, 1e200, 1e-160};
    for (int k = 0; k < 3; k++) {
        double b[3] = {1, 3, 2}, a[3] = {5, 6, 7};
        for (int i = 0; i < 3; i++) {
            b[i] *= scales[k];
            a[i] *= scales[k];
        }
        svcm_cycle *c = cycle_with(true, 5 * scales[k], b, 3, a, 3);
        struct svcm_cycle_check_result r;
        assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, &r, NULL), SVCM_OK);
        assert_near(r.result.statistic, 4.0 / sqrt(2.0 / 3.0), 1e-12);
        assert_near(r.result.df, 4.0, 1e-12);
        assert_near(r.change / scales[k], 4.0, 1e-12);
        assert_true(isfinite(r.result.ci.lo) && isfinite(r.result.ci.hi));
        assert_true(r.result.ci.lo > 0.0 && r.result.ci.hi < 8.0 * scales[k]);
        assert_true(r.p_value > 0.0 && r.p_value < 0.05);
        svcm_cycle_free(c);
    }
}

/* Review: a change of 2e308 was +inf under SVCM_OK and the saved text
 * could not be loaded back. Now SVCM_ERANGE and the cycle stays in DO. */
static void test_check_beyond_double_range_is_erange_and_changes_nothing(void **state)
{
    (void)state;
    const double b[2] = {-1e308, -1e308}, a[2] = {1e308, 1e308};
    svcm_cycle *c = cycle_with(true, 0, b, 2, a, 2);
    svcm_error err;
    assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, NULL, &err), SVCM_ERANGE);
    struct svcm_cycle_result in;
    assert_int_equal(svcm_cycle_result(c, &in), SVCM_OK);
    assert_int_equal(in.phase, SVCM_PDCA_PHASE_DO);
    assert_int_equal(in.n_audit, 1);
    assert_false(in.has_check);
    svcm_cycle_free(c);
    /* A baseline moving range of 2e308: the control limits do not exist. */
    const double b2[2] = {-1e308, 1e308}, a2[2] = {1, 2};
    c = cycle_with(true, 1e300, b2, 2, a2, 2);
    assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, NULL, NULL), SVCM_ERANGE);
    svcm_cycle_free(c);
}

/* Review: alpha = 1e-20 was accepted, but the Check's confidence 1 - alpha
 * rounds to 1 and every Check then failed with SVCM_EINVAL, leaving the
 * cycle stuck in DO. Now refused up front; the smallest alpha with
 * 1 - alpha < 1 (2^-53) still gives a working Check. */
static void test_alpha_so_small_that_confidence_rounds_to_one_is_refused(void **state)
{
    (void)state;
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.title = "t";
    o.metric = "m";
    svcm_cycle *c = NULL;
    svcm_error err;
    const double tiny[3] = {1e-300, 1e-20, 0x1p-54};
    for (int i = 0; i < 3; i++) {
        o.alpha = tiny[i];
        assert_int_equal(svcm_cycle_new(&o, NULL, &c, &err), SVCM_EINVAL);
        assert_string_equal(err.field, "alpha");
    }
    o.alpha = 0x1p-53;
    assert_int_equal(svcm_cycle_new(&o, NULL, &c, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_set_goal(c, 1, 5, 5000, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_add_action(c, "a", NULL, 1, NULL, NULL), SVCM_OK);
    const double b[3] = {1, 3, 2}, a[3] = {5, 6, 7};
    add_values(c, b, 3, true);
    assert_int_equal(svcm_cycle_start(c, 100, NULL, NULL, NULL), SVCM_OK);
    add_values(c, a, 3, false);
    struct svcm_cycle_check_result r;
    assert_int_equal(svcm_cycle_check(c, 200, NULL, NULL, &r, NULL), SVCM_OK);
    assert_false(r.significant); /* p = 0.008 is far above 2^-53 */
    assert_int_equal(r.verdict, SVCM_PDCA_VERDICT_NO_CHANGE);
    svcm_cycle_free(c);
}

static void test_act_refused_without_current_check(void **state)
{
    (void)state;
    const double b[3] = {1, 2, 3}, a[3] = {7, 8, 9};
    svcm_cycle *c = cycle_with(true, 5, b, 3, a, 3);
    svcm_error err;
    assert_int_equal(svcm_cycle_enter_act(c, 150, "x", NULL, &err), SVCM_ESTATE); /* in DO */
    assert_non_null(strstr(err.message, "check"));
    assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, NULL, NULL), SVCM_OK);
    svcm_pdca_sample s = {300, 10, false, false, 0, 0};
    assert_int_equal(svcm_cycle_measure(c, &s, 1, NULL), SVCM_OK); /* stale now */
    struct svcm_cycle_check_result r;
    assert_int_equal(svcm_cycle_check_result(c, &r), SVCM_ENOTFOUND);
    assert_int_equal(svcm_cycle_enter_act(c, 300, "x", NULL, &err), SVCM_ESTATE);
    assert_non_null(strstr(err.message, "ACT needs a Check result"));
    assert_int_equal(svcm_cycle_check(c, 0, NULL, NULL, &r, NULL), SVCM_OK); /* recheck */
    assert_int_equal(r.n_after, 4);
    assert_int_equal(svcm_cycle_enter_act(c, 199, "x", NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_cycle_enter_act(c, 300, "x", NULL, &err), SVCM_OK);
    svcm_pdca_sample late = {400, 10, false, false, 0, 0};
    assert_int_equal(svcm_cycle_measure(c, &late, 1, &err), SVCM_ESTATE);
    assert_int_equal(svcm_cycle_check(c, 400, "x", NULL, NULL, &err), SVCM_ESTATE);
    svcm_cycle_free(c);
}

/* A cycle taken to ACT. */
static svcm_cycle *cycle_in_act(void)
{
    const double b[3] = {1, 2, 3}, a[3] = {7, 8, 9};
    svcm_cycle *c = cycle_with(true, 5, b, 3, a, 3);
    assert_int_equal(svcm_cycle_check(c, 200, "cy", "checked", NULL, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_enter_act(c, 300, "dee", "decide", NULL), SVCM_OK);
    return c;
}

static void test_decisions_refused_outside_act(void **state)
{
    (void)state;
    const double b[3] = {1, 2, 3}, a[3] = {7, 8, 9};
    svcm_cycle *c = cycle_with(true, 5, b, 3, a, 3);
    assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, NULL, NULL), SVCM_OK);
    svcm_error err;
    svcm_cycle *n = NULL;
    assert_int_equal(svcm_cycle_standardize(c, 300, "x", NULL, &err), SVCM_ESTATE);
    assert_non_null(strstr(err.message, "act"));
    assert_int_equal(svcm_cycle_abandon(c, 300, "x", "why", &err), SVCM_ESTATE);
    assert_int_equal(svcm_cycle_adjust(c, 300, "x", NULL, 12, 900, &n, &err), SVCM_ESTATE);
    assert_null(n);
    svcm_cycle_free(c);
}

static void test_standardize_closes_and_audit_records_every_transition(void **state)
{
    (void)state;
    svcm_cycle *c = cycle_in_act();
    assert_int_equal(svcm_cycle_standardize(c, 400, "eve", "adopted", NULL), SVCM_OK);
    struct svcm_cycle_result in;
    svcm_cycle_result(c, &in);
    assert_int_equal(in.phase, SVCM_PDCA_PHASE_CLOSED);
    assert_int_equal(in.outcome, SVCM_PDCA_OUTCOME_STANDARDIZED);
    assert_int_equal(in.n_audit, 4);
    const int64_t at[4] = {100, 200, 300, 400};
    const char *actors[4] = {"ana", "cy", "dee", "eve"};
    for (size_t i = 0; i < 4; i++) {
        svcm_pdca_audit a;
        assert_int_equal(svcm_cycle_audit(c, i, &a), SVCM_OK);
        assert_int_equal(a.at, at[i]);
        assert_string_equal(a.actor, actors[i]);
        assert_int_equal(a.from, (int)i);
        assert_int_equal(a.to, (int)i + 1);
    }
    svcm_pdca_audit a;
    assert_int_equal(svcm_cycle_audit(c, 3, &a), SVCM_OK);
    assert_string_equal(a.note, "adopted");
    assert_int_equal(svcm_cycle_audit(c, 4, &a), SVCM_ENOTFOUND);
    assert_int_equal(svcm_cycle_audit(NULL, 0, &a), SVCM_EINVAL);
    svcm_cycle_free(c);
}

static void test_closed_cycle_accepts_nothing(void **state)
{
    (void)state;
    svcm_cycle *c = cycle_in_act();
    assert_int_equal(svcm_cycle_abandon(c, 400, "eve", "no budget", NULL), SVCM_OK);
    svcm_error err;
    svcm_pdca_sample s = {500, 1, false, false, 0, 0};
    svcm_cycle *n = NULL;
    assert_int_equal(svcm_cycle_add_action(c, "more", NULL, 1, NULL, &err), SVCM_ESTATE);
    assert_non_null(strstr(err.message, "closed"));
    assert_int_equal(svcm_cycle_set_action_status(c, 0, SVCM_ACTION_STATUS_DONE, &err), SVCM_ESTATE);
    assert_int_equal(svcm_cycle_measure(c, &s, 1, &err), SVCM_ESTATE);
    assert_int_equal(svcm_cycle_set_goal(c, 1, 2, 3, &err), SVCM_ESTATE);
    assert_int_equal(svcm_cycle_start(c, 500, NULL, NULL, &err), SVCM_ESTATE);
    assert_int_equal(svcm_cycle_check(c, 500, NULL, NULL, NULL, &err), SVCM_ESTATE);
    assert_int_equal(svcm_cycle_enter_act(c, 500, NULL, NULL, &err), SVCM_ESTATE);
    assert_int_equal(svcm_cycle_standardize(c, 500, NULL, NULL, &err), SVCM_ESTATE);
    assert_int_equal(svcm_cycle_abandon(c, 500, NULL, "x", &err), SVCM_ESTATE);
    assert_int_equal(svcm_cycle_adjust(c, 500, NULL, NULL, 20, 9, &n, &err), SVCM_ESTATE);
    assert_non_null(strstr(err.message, "closed"));
    struct svcm_cycle_result in;
    svcm_cycle_result(c, &in);
    assert_int_equal(in.outcome, SVCM_PDCA_OUTCOME_ABANDONED);
    svcm_pdca_audit a;
    assert_int_equal(svcm_cycle_audit(c, 3, &a), SVCM_OK);
    assert_string_equal(a.note, "no budget");
    svcm_cycle_free(c);
}

static void test_abandon_needs_a_reason(void **state)
{
    (void)state;
    svcm_cycle *c = cycle_in_act();
    svcm_error err;
    assert_int_equal(svcm_cycle_abandon(c, 400, "x", "", &err), SVCM_EINVAL);
    assert_string_equal(err.field, "reason");
    assert_int_equal(svcm_cycle_abandon(c, 400, "x", NULL, &err), SVCM_EINVAL);
    svcm_cycle_free(c);
}

static void test_adjust_opens_linked_next_cycle_from_result(void **state)
{
    (void)state;
    svcm_cycle *c = cycle_in_act(); /* after mean 8 */
    svcm_cycle *n = NULL;
    svcm_error err;
    assert_int_equal(svcm_cycle_adjust(c, 400, "eve", "again", 7, 9000, &n, &err), SVCM_EINVAL);
    assert_null(n);
    assert_int_equal(svcm_cycle_adjust(c, 400, "eve", "again", 10, 9000, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_cycle_adjust(c, 400, "eve", "again", 10, 9000, &n, &err), SVCM_OK);
    struct svcm_cycle_result ci, ni;
    svcm_cycle_result(c, &ci);
    svcm_cycle_result(n, &ni);
    assert_int_equal(ci.phase, SVCM_PDCA_PHASE_CLOSED);
    assert_int_equal(ci.outcome, SVCM_PDCA_OUTCOME_ADJUSTED);
    assert_true(ci.has_next);
    assert_int_equal(ci.next_id, 2);
    assert_string_equal(ci.next_title, ni.title);
    assert_int_equal(ni.id, 2);
    assert_int_equal(ni.phase, SVCM_PDCA_PHASE_PLAN);
    assert_true(ni.has_prev);
    assert_int_equal(ni.prev_id, 1);
    assert_string_equal(ni.prev_title, "Raise first-contact resolution");
    assert_true(ni.has_goal);
    assert_near(ni.baseline, 8.0, 1e-12);
    assert_near(ni.target, 10, 0);
    assert_int_equal(ni.deadline, 9000);
    assert_string_equal(ni.metric, "FCR");
    assert_ptr_equal(svcm_cycle_next(c), n);
    assert_ptr_equal(svcm_cycle_prev(n), c);
    assert_null(svcm_cycle_prev(c));
    /* Walk the chain from the first cycle. */
    size_t len = 0;
    for (svcm_cycle *w = c; w != NULL; w = svcm_cycle_next(w))
        len++;
    assert_int_equal(len, 2);
    /* Freeing the predecessor unlinks it; the record stays. */
    svcm_cycle_free(c);
    assert_null(svcm_cycle_prev(n));
    svcm_cycle_result(n, &ni);
    assert_int_equal(ni.prev_id, 1);
    svcm_cycle_free(n);
    assert_null(svcm_cycle_next(NULL));
    assert_null(svcm_cycle_prev(NULL));
}

/* a -> b -> c through two adjusts. */
static void three_chain(svcm_cycle *ch[3])
{
    ch[0] = cycle_in_act(); /* after mean 8 */
    assert_int_equal(svcm_cycle_adjust(ch[0], 400, "x", NULL, 10, 9000, &ch[1], NULL), SVCM_OK);
    svcm_cycle *b = ch[1];
    assert_int_equal(svcm_cycle_add_action(b, "more", NULL, 900, NULL, NULL), SVCM_OK);
    const double base[2] = {8, 9}, after[2] = {11, 12};
    add_values(b, base, 2, true);                 /* t = 1, 2 */
    assert_int_equal(svcm_cycle_start(b, 50, NULL, NULL, NULL), SVCM_OK);
    add_values(b, after, 2, false);               /* t = 100, 101 */
    assert_int_equal(svcm_cycle_check(b, 200, NULL, NULL, NULL, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_enter_act(b, 200, NULL, NULL, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_adjust(b, 300, NULL, NULL, 20, 9000, &ch[2], NULL), SVCM_OK);
}

/* Freeing chain members in every order leaves the survivors linked only
 * to live cycles (ASan and valgrind see any dangling pointer). */
static void test_three_chain_survives_freeing_in_any_order(void **state)
{
    (void)state;
    static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (int k = 0; k < 6; k++) {
        svcm_cycle *ch[3];
        three_chain(ch);
        assert_ptr_equal(svcm_cycle_next(svcm_cycle_next(ch[0])), ch[2]);
        assert_ptr_equal(svcm_cycle_prev(svcm_cycle_prev(ch[2])), ch[0]);
        bool alive[3] = {true, true, true};
        for (int j = 0; j < 3; j++) {
            int f = orders[k][j];
            svcm_cycle_free(ch[f]);
            alive[f] = false;
            for (int i = 0; i < 3; i++) {
                if (!alive[i])
                    continue;
                svcm_cycle *nx = svcm_cycle_next(ch[i]), *pv = svcm_cycle_prev(ch[i]);
                assert_ptr_equal(nx, i < 2 && alive[i + 1] ? ch[i + 1] : NULL);
                assert_ptr_equal(pv, i > 0 && alive[i - 1] ? ch[i - 1] : NULL);
                struct svcm_cycle_result in;
                assert_int_equal(svcm_cycle_result(ch[i], &in), SVCM_OK);
                assert_int_equal(in.id, (uint64_t)i + 1); /* recorded ids stay */
                assert_int_equal(in.has_next, i < 2);
                assert_int_equal(in.has_prev, i > 0);
            }
        }
    }
}

static void test_adjust_refused_when_no_id_is_left(void **state)
{
    (void)state;
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.id = UINT64_MAX;
    o.title = "t";
    o.metric = "m";
    svcm_cycle *c = NULL;
    assert_int_equal(svcm_cycle_new(&o, NULL, &c, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_set_goal(c, 1, 2, 9, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_add_action(c, "a", NULL, 1, NULL, NULL), SVCM_OK);
    const double b[2] = {1, 2}, a[2] = {3, 4};
    add_values(c, b, 2, true);
    assert_int_equal(svcm_cycle_start(c, 100, NULL, NULL, NULL), SVCM_OK);
    add_values(c, a, 2, false);
    assert_int_equal(svcm_cycle_check(c, 200, NULL, NULL, NULL, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_enter_act(c, 300, NULL, NULL, NULL), SVCM_OK);
    svcm_cycle *n = NULL;
    svcm_error err;
    assert_int_equal(svcm_cycle_adjust(c, 400, NULL, NULL, 9, 9, &n, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "id");
    assert_null(n);
    struct svcm_cycle_result in;
    svcm_cycle_result(c, &in);
    assert_int_equal(in.phase, SVCM_PDCA_PHASE_ACT); /* unchanged */
    assert_int_equal(in.n_audit, 3);
    svcm_cycle_free(c);
}

static void test_link_checks_recorded_ids(void **state)
{
    (void)state;
    svcm_cycle *c = cycle_in_act();
    svcm_cycle *n = NULL;
    assert_int_equal(svcm_cycle_adjust(c, 400, "eve", NULL, 10, 9000, &n, NULL), SVCM_OK);
    svcm_cycle *other = make_cycle(true, false, 1, 2);
    assert_int_equal(svcm_cycle_link(c, other), SVCM_EMISMATCH);
    assert_int_equal(svcm_cycle_link(n, c), SVCM_EMISMATCH);
    assert_int_equal(svcm_cycle_link(c, c), SVCM_EINVAL);
    assert_int_equal(svcm_cycle_link(NULL, c), SVCM_EINVAL);
    assert_int_equal(svcm_cycle_link(c, n), SVCM_OK); /* already linked: idempotent */
    svcm_cycle_free(n);
    assert_null(svcm_cycle_next(c));
    svcm_cycle_free(other);
    svcm_cycle_free(c);
}

static void test_overdue_lists_open_actions_past_due(void **state)
{
    (void)state;
    svcm_cycle *c = make_cycle(true, false, 1, 2); /* action 0 due 300 */
    assert_int_equal(svcm_cycle_add_action(c, "b", "x", 100, NULL, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_add_action(c, "c", "y", 500, NULL, NULL), SVCM_OK);
    size_t idx[3], n = 0;
    assert_int_equal(svcm_cycle_overdue(c, 400, idx, 3, &n), SVCM_OK);
    assert_int_equal(n, 2);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 1);
    assert_int_equal(svcm_cycle_overdue(c, 300, idx, 3, &n), SVCM_OK); /* due 300 is not past */
    assert_int_equal(n, 1);
    assert_int_equal(idx[0], 1);
    assert_int_equal(svcm_cycle_set_action_status(c, 1, SVCM_ACTION_STATUS_DONE, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_overdue(c, 1000, idx, 3, &n), SVCM_OK);
    assert_int_equal(n, 2);
    assert_int_equal(idx[1], 2);
    assert_int_equal(svcm_cycle_overdue(c, 1000, idx, 1, &n), SVCM_ENOSPC);
    assert_int_equal(n, 2);
    assert_int_equal(svcm_cycle_overdue(c, 1000, NULL, 0, NULL), SVCM_EINVAL);
    svcm_pdca_action a;
    assert_int_equal(svcm_cycle_action(c, 1, &a), SVCM_OK);
    assert_string_equal(a.description, "b");
    assert_string_equal(a.owner, "x");
    assert_int_equal(a.due, 100);
    assert_int_equal(a.status, SVCM_ACTION_STATUS_DONE);
    assert_int_equal(svcm_cycle_action(c, 3, &a), SVCM_ENOTFOUND);
    svcm_cycle_free(c);
}

static void test_action_errors(void **state)
{
    (void)state;
    svcm_cycle *c = make_cycle(true, false, 1, 2);
    svcm_error err;
    assert_int_equal(svcm_cycle_add_action(c, "", NULL, 1, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "description");
    assert_int_equal(svcm_cycle_add_action(c, NULL, NULL, 1, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_cycle_add_action(NULL, "a", NULL, 1, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_cycle_set_action_status(c, 5, SVCM_ACTION_STATUS_DONE, &err), SVCM_ENOTFOUND);
    assert_int_equal(err.index, 5);
    assert_int_equal(svcm_cycle_set_action_status(c, 0, (svcm_action_status)7, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "status");
    svcm_pdca_action a;
    assert_int_equal(svcm_cycle_action(c, 0, &a), SVCM_OK);
    assert_int_equal(a.status, SVCM_ACTION_STATUS_OPEN);
    svcm_cycle_free(c);
}

static void test_measure_is_all_or_nothing_with_record_index(void **state)
{
    (void)state;
    svcm_cycle *c = make_cycle(true, false, 1, 2);
    svcm_error err;
    svcm_pdca_sample s[3] = {{1, 1.0, true, false, 0, 0},
                             {2, NAN, true, false, 0, 0},
                             {3, 1.0, true, false, 0, 0}};
    assert_int_equal(svcm_cycle_measure(c, s, 3, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "value");
    struct svcm_cycle_result in;
    svcm_cycle_result(c, &in);
    assert_int_equal(in.n_samples, 0);
    s[1].value = 2.0;
    s[2].t = 0; /* goes back in time */
    assert_int_equal(svcm_cycle_measure(c, s, 3, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, "t");
    s[2].t = 3;
    s[2].has_counts = true; /* not a rate KPI */
    s[2].trials = 5;
    assert_int_equal(svcm_cycle_measure(c, s, 3, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "counts");
    s[2].has_counts = false;
    s[2].baseline = false; /* after sample in PLAN */
    assert_int_equal(svcm_cycle_measure(c, s, 3, &err), SVCM_ESTATE);
    assert_int_equal(err.index, 2);
    s[2].baseline = true;
    assert_int_equal(svcm_cycle_measure(c, s, 3, &err), SVCM_OK);
    assert_int_equal(svcm_cycle_measure(c, s, 1, &err), SVCM_EINVAL); /* t = 1 < 3 */
    assert_int_equal(svcm_cycle_measure(c, NULL, 0, &err), SVCM_OK);
    assert_int_equal(svcm_cycle_measure(c, NULL, 1, &err), SVCM_EINVAL);
    svcm_cycle_free(c);
}

static void test_measure_checks_counts_and_do_start_side(void **state)
{
    (void)state;
    svcm_cycle *c = make_cycle(true, true, 0.1, 0.2);
    svcm_error err;
    svcm_pdca_sample s = {1, 0, true, true, 3, 0};
    assert_int_equal(svcm_cycle_measure(c, &s, 1, &err), SVCM_EINVAL);
    assert_non_null(strstr(err.message, "trials"));
    s.trials = 2;
    assert_int_equal(svcm_cycle_measure(c, &s, 1, &err), SVCM_EINVAL);
    assert_non_null(strstr(err.message, "exceed"));
    s.trials = 10;
    assert_int_equal(svcm_cycle_measure(c, &s, 1, &err), SVCM_OK);
    assert_int_equal(svcm_cycle_start(c, 100, "x", NULL, NULL), SVCM_OK);
    svcm_pdca_sample late_base = {100, 0.5, true, false, 0, 0};
    assert_int_equal(svcm_cycle_measure(c, &late_base, 1, &err), SVCM_EINVAL);
    assert_non_null(strstr(err.message, "before DO"));
    svcm_pdca_sample early_after = {99, 0.5, false, false, 0, 0};
    assert_int_equal(svcm_cycle_measure(c, &early_after, 1, &err), SVCM_EINVAL);
    assert_non_null(strstr(err.message, "at or after"));
    svcm_pdca_sample ok = {100, 0.5, false, false, 0, 0};
    assert_int_equal(svcm_cycle_measure(c, &ok, 1, &err), SVCM_OK);
    svcm_cycle_free(c);
}

static void test_baseline_samples_refused_in_check(void **state)
{
    (void)state;
    const double b[2] = {1, 2}, a[2] = {5, 6};
    svcm_cycle *c = cycle_with(true, 3, b, 2, a, 2);
    assert_int_equal(svcm_cycle_check(c, 200, "x", NULL, NULL, NULL), SVCM_OK);
    svcm_pdca_sample s = {50, 1, true, false, 0, 0};
    svcm_error err;
    assert_int_equal(svcm_cycle_measure(c, &s, 1, &err), SVCM_ESTATE);
    assert_string_equal(err.field, "baseline");
    svcm_cycle_free(c);
}

static void test_names_cover_every_value(void **state)
{
    (void)state;
    assert_string_equal(svcm_pdca_phase_name(SVCM_PDCA_PHASE_PLAN), "plan");
    assert_string_equal(svcm_pdca_phase_name(SVCM_PDCA_PHASE_CLOSED), "closed");
    assert_null(svcm_pdca_phase_name(5));
    assert_null(svcm_pdca_phase_name(-1));
    assert_string_equal(svcm_pdca_verdict_name(SVCM_PDCA_VERDICT_TARGET_MISSED),
                        "improved-target-missed");
    assert_string_equal(svcm_pdca_verdict_name(SVCM_PDCA_VERDICT_WORSE), "worse");
    assert_null(svcm_pdca_verdict_name(4));
    assert_string_equal(svcm_pdca_outcome_name(SVCM_PDCA_OUTCOME_ADJUSTED), "adjusted");
    assert_null(svcm_pdca_outcome_name(4));
    assert_string_equal(svcm_action_status_name(SVCM_ACTION_STATUS_DROPPED), "dropped");
    assert_null(svcm_action_status_name(3));
}

/* An allocator that fails after a budget of allocations and counts what is
 * live, to drive every ENOMEM path and prove nothing leaks. */
typedef struct budget {
    long left;
    long live;
} budget;

static void *b_alloc(void *ctx, size_t n)
{
    budget *b = ctx;
    if (b->left-- <= 0)
        return NULL;
    b->live++;
    return malloc(n);
}

static void *b_realloc(void *ctx, void *p, size_t n)
{
    budget *b = ctx;
    if (b->left-- <= 0)
        return NULL;
    if (p == NULL)
        b->live++;
    return realloc(p, n);
}

static void b_free(void *ctx, void *p)
{
    budget *b = ctx;
    if (p != NULL)
        b->live--;
    free(p);
}

/* The whole life cycle under an allocator with the given budget. */
static int life(const svcm_allocator *a)
{
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.title = "t";
    o.metric = "m";
    svcm_cycle *c = NULL, *n = NULL;
    int rc = svcm_cycle_new(&o, a, &c, NULL);
    if (rc != SVCM_OK)
        return rc;
    const svcm_pdca_sample b[3] = {{1, 1, true, false, 0, 0}, {2, 2, true, false, 0, 0},
                                   {3, 1.5, true, false, 0, 0}};
    const svcm_pdca_sample af[3] = {{10, 5, false, false, 0, 0}, {11, 6, false, false, 0, 0},
                                    {12, 5.5, false, false, 0, 0}};
    if ((rc = svcm_cycle_set_goal(c, 1, 4, 99, NULL)) != SVCM_OK ||
        (rc = svcm_cycle_add_action(c, "a", "o", 5, NULL, NULL)) != SVCM_OK ||
        (rc = svcm_cycle_measure(c, b, 3, NULL)) != SVCM_OK ||
        (rc = svcm_cycle_start(c, 10, "x", "y", NULL)) != SVCM_OK ||
        (rc = svcm_cycle_measure(c, af, 3, NULL)) != SVCM_OK ||
        (rc = svcm_cycle_check(c, 20, "x", "y", NULL, NULL)) != SVCM_OK ||
        (rc = svcm_cycle_enter_act(c, 30, "x", "y", NULL)) != SVCM_OK ||
        (rc = svcm_cycle_adjust(c, 40, "x", "y", 9, 99, &n, NULL)) != SVCM_OK) {
        svcm_cycle_free(c);
        return rc;
    }
    svcm_cycle_free(n);
    svcm_cycle_free(c);
    return SVCM_OK;
}

static void test_every_allocation_failure_is_enomem_without_leaks(void **state)
{
    (void)state;
    bool completed = false;
    for (long k = 0; k < 200 && !completed; k++) {
        budget b = {k, 0};
        svcm_allocator a = {b_alloc, b_realloc, b_free, &b};
        int rc = life(&a);
        assert_true(rc == SVCM_OK || rc == SVCM_ENOMEM);
        assert_int_equal(b.live, 0);
        completed = rc == SVCM_OK;
    }
    assert_true(completed);
}

/* Latin-1 "cafe" with e-acute: invalid UTF-8 at byte 3. */
#define LATIN1 "caf\xE9"

/* rc is EINVAL naming field, with the byte offset in the message. */
static void expect_bad_utf8(int rc, const svcm_error *err, const char *field, size_t offset)
{
    char want[64];
    snprintf(want, sizeof want, "invalid UTF-8 at byte offset %zu", offset);
    if (rc != SVCM_EINVAL || err->code != SVCM_EINVAL || err->field == NULL ||
        strcmp(err->field, field) != 0 || strcmp(err->message, want) != 0)
        fail_msg("field %s: rc %d, field '%s', message '%s' (want '%s')", field, rc,
                 err->field ? err->field : "(null)", err->message, want);
}

static void test_new_refuses_invalid_utf8_in_every_text_option(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t offset;
    } bad[] = {
        {LATIN1, 3},
        {"\xC0\xAF", 0},             /* overlong '/' */
        {"ab\xE0\x80\xAF", 2},       /* overlong '/', three bytes */
        {"x\xED\xA0\x80", 1},        /* surrogate U+D800 */
        {"\xF4\x90\x80\x80", 0},     /* U+110000 */
        {"\x80", 0},                 /* lone continuation */
        {"euro \xE2\x82", 5},        /* truncated */
    };
    const char *fields[] = {"title", "owner", "metric", "unit"};
    for (size_t f = 0; f < 4; f++) {
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            svcm_cycle_options o;
            svcm_cycle_options_init(&o);
            o.title = "t";
            o.metric = "m";
            const char **slot = f == 0 ? &o.title : f == 1 ? &o.owner : f == 2 ? &o.metric : &o.unit;
            *slot = bad[i].text;
            svcm_cycle *c = NULL;
            svcm_error err;
            expect_bad_utf8(svcm_cycle_new(&o, NULL, &c, &err), &err, fields[f], bad[i].offset);
            assert_null(c);
        }
    }
}

static void test_add_action_refuses_invalid_utf8_and_adds_nothing(void **state)
{
    (void)state;
    svcm_cycle *c = make_cycle(true, false, 1, 2);
    svcm_error err;
    size_t idx = 99;
    expect_bad_utf8(svcm_cycle_add_action(c, LATIN1, "bo", 1, &idx, &err), &err, "description", 3);
    expect_bad_utf8(svcm_cycle_add_action(c, "ok", "Jos\xE9", 1, &idx, &err), &err, "owner", 3);
    expect_bad_utf8(svcm_cycle_add_action(c, "\xED\xBF\xBF", NULL, 1, &idx, &err), &err,
                    "description", 0);
    assert_int_equal(idx, 99);
    struct svcm_cycle_result in;
    svcm_cycle_result(c, &in);
    assert_int_equal(in.n_actions, 1);
    svcm_cycle_free(c);
}

/* Every transition refuses an actor or note (or reason) that is not UTF-8,
 * before changing anything. */
static void test_transitions_refuse_invalid_utf8_and_change_nothing(void **state)
{
    (void)state;
    svcm_cycle *c = make_cycle(true, false, 1, 2);
    double b[] = {1, 2, 1, 2}, a[] = {5, 6, 5, 6};
    add_values(c, b, 4, true);
    svcm_error err;
    struct svcm_cycle_result in;
    expect_bad_utf8(svcm_cycle_start(c, 100, LATIN1, "go", &err), &err, "actor", 3);
    expect_bad_utf8(svcm_cycle_start(c, 100, "ana", "g\xC0\x80", &err), &err, "note", 1);
    svcm_cycle_result(c, &in);
    assert_int_equal(in.phase, SVCM_PDCA_PHASE_PLAN);
    assert_int_equal(in.n_audit, 0);
    assert_false(in.has_do_start);
    assert_int_equal(svcm_cycle_start(c, 100, "ana", "go", NULL), SVCM_OK);
    add_values(c, a, 4, false);
    struct svcm_cycle_check_result r;
    expect_bad_utf8(svcm_cycle_check(c, 200, LATIN1, "", &r, &err), &err, "actor", 3);
    expect_bad_utf8(svcm_cycle_check(c, 200, "", "\xF0\x9F\x98", &r, &err), &err, "note", 0);
    svcm_cycle_result(c, &in);
    assert_int_equal(in.phase, SVCM_PDCA_PHASE_DO);
    assert_int_equal(in.n_audit, 1);
    assert_false(in.has_check);
    assert_int_equal(svcm_cycle_check(c, 200, "ana", "", &r, NULL), SVCM_OK);
    /* In CHECK the Check is recomputed and actor and note are not stored. */
    assert_int_equal(svcm_cycle_check(c, 200, LATIN1, LATIN1, &r, NULL), SVCM_OK);
    expect_bad_utf8(svcm_cycle_enter_act(c, 300, LATIN1, "", &err), &err, "actor", 3);
    expect_bad_utf8(svcm_cycle_enter_act(c, 300, "", LATIN1, &err), &err, "note", 3);
    svcm_cycle_result(c, &in);
    assert_int_equal(in.phase, SVCM_PDCA_PHASE_CHECK);
    assert_int_equal(in.n_audit, 2);
    assert_int_equal(svcm_cycle_enter_act(c, 300, "ana", "", NULL), SVCM_OK);
    expect_bad_utf8(svcm_cycle_standardize(c, 400, LATIN1, "", &err), &err, "actor", 3);
    expect_bad_utf8(svcm_cycle_standardize(c, 400, "", LATIN1, &err), &err, "note", 3);
    expect_bad_utf8(svcm_cycle_abandon(c, 400, LATIN1, "why", &err), &err, "actor", 3);
    expect_bad_utf8(svcm_cycle_abandon(c, 400, "", "too \xFF", &err), &err, "reason", 4);
    svcm_cycle *next = (svcm_cycle *)&in; /* must stay untouched */
    expect_bad_utf8(svcm_cycle_adjust(c, 400, LATIN1, "", 9, 999, &next, &err), &err, "actor", 3);
    expect_bad_utf8(svcm_cycle_adjust(c, 400, "", LATIN1, 9, 999, &next, &err), &err, "note", 3);
    assert_ptr_equal(next, (svcm_cycle *)&in);
    svcm_cycle_result(c, &in);
    assert_int_equal(in.phase, SVCM_PDCA_PHASE_ACT);
    assert_int_equal(in.outcome, SVCM_PDCA_OUTCOME_NONE);
    assert_int_equal(in.n_audit, 3);
    assert_false(in.has_next);
    assert_null(svcm_cycle_next(c));
    assert_int_equal(svcm_cycle_standardize(c, 400, "ana", "done", NULL), SVCM_OK);
    svcm_cycle_free(c);
}

/* UTF-8 text is stored byte for byte, whatever its script. */
static void test_multibyte_utf8_text_is_kept_byte_for_byte(void **state)
{
    (void)state;
    const char *cafe = "caf\xC3\xA9", *tokyo = "\xE6\x9D\xB1\xE4\xBA\xAC",
               *emoji = "\xF0\x9F\x98\x80";
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.title = cafe;
    o.owner = tokyo;
    o.metric = emoji;
    o.unit = "\xEF\xBF\xBF"; /* U+FFFF: a noncharacter, still well-formed */
    svcm_cycle *c = NULL;
    assert_int_equal(svcm_cycle_new(&o, NULL, &c, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_set_goal(c, 1, 2, 99, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_add_action(c, tokyo, emoji, 5, NULL, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_start(c, 10, emoji, cafe, NULL), SVCM_OK);
    struct svcm_cycle_result in;
    svcm_cycle_result(c, &in);
    assert_string_equal(in.title, cafe);
    assert_string_equal(in.owner, tokyo);
    assert_string_equal(in.metric, emoji);
    assert_string_equal(in.unit, "\xEF\xBF\xBF");
    svcm_pdca_action act;
    assert_int_equal(svcm_cycle_action(c, 0, &act), SVCM_OK);
    assert_string_equal(act.description, tokyo);
    assert_string_equal(act.owner, emoji);
    svcm_pdca_audit au;
    assert_int_equal(svcm_cycle_audit(c, 0, &au), SVCM_OK);
    assert_string_equal(au.actor, emoji);
    assert_string_equal(au.note, cafe);
    svcm_cycle_free(c);
}

/* ------------------------------------------------- 5W2H problem record */

static svcm_problem full_problem(void)
{
    svcm_problem p;
    p.what = "Callbacks promised but not made";
    p.why = "No owner for the callback queue";
    p.who = "Billing customers, tier-2 agents";
    p.when = "Mondays after 16:00";
    p.where = "Phone channel, Lyon site";
    p.how = "Tickets closed with \"will call back\" and no follow-up";
    p.how_much = 1200.5;
    p.how_much_unit = "EUR per week";
    return p;
}

static void test_problem_set_and_get_copies_every_item(void **state)
{
    (void)state;
    svcm_cycle *c = make_cycle(true, false, 0.5, 0.7);
    svcm_problem got;
    assert_int_equal(svcm_cycle_problem(c, &got), SVCM_ENOTFOUND);
    char what[64];
    strcpy(what, "Callbacks promised but not made");
    svcm_problem p = full_problem();
    p.what = what;
    assert_int_equal(svcm_cycle_set_problem(c, &p, NULL), SVCM_OK);
    what[0] = 'X'; /* the cycle keeps its own copy */
    assert_int_equal(svcm_cycle_problem(c, &got), SVCM_OK);
    assert_string_equal(got.what, "Callbacks promised but not made");
    assert_string_equal(got.why, p.why);
    assert_string_equal(got.who, p.who);
    assert_string_equal(got.when, p.when);
    assert_string_equal(got.where, p.where);
    assert_string_equal(got.how, p.how);
    assert_true(got.how_much == 1200.5);
    assert_string_equal(got.how_much_unit, "EUR per week");
    assert_int_equal(svcm_problem_check(&got, NULL), SVCM_OK);
    /* replace with an incomplete record: NULLs are stored as "" */
    svcm_problem q = {0};
    q.what = "only what";
    q.how_much = NAN;
    assert_int_equal(svcm_cycle_set_problem(c, &q, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_problem(c, &got), SVCM_OK);
    assert_string_equal(got.what, "only what");
    assert_string_equal(got.why, "");
    assert_string_equal(got.how_much_unit, "");
    assert_true(isnan(got.how_much));
    /* remove */
    assert_int_equal(svcm_cycle_set_problem(c, NULL, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_problem(c, &got), SVCM_ENOTFOUND);
    assert_int_equal(svcm_cycle_problem(NULL, &got), SVCM_EINVAL);
    assert_int_equal(svcm_cycle_problem(c, NULL), SVCM_EINVAL);
    /* setting the record adds no audit entry (only transitions are audited) */
    struct svcm_cycle_result r;
    svcm_cycle_result(c, &r);
    assert_int_equal(r.n_audit, 0);
    svcm_cycle_free(c);
}

static void test_problem_only_in_plan_and_kept_afterwards(void **state)
{
    (void)state;
    svcm_cycle *c = make_cycle(true, false, 0.5, 0.7);
    svcm_problem p = full_problem();
    assert_int_equal(svcm_cycle_set_problem(c, &p, NULL), SVCM_OK);
    assert_int_equal(svcm_cycle_start(c, 10, "ana", "", NULL), SVCM_OK);
    svcm_error err;
    assert_int_equal(svcm_cycle_set_problem(c, &p, &err), SVCM_ESTATE);
    assert_string_equal(err.field, "phase");
    assert_int_equal(svcm_cycle_set_problem(c, NULL, &err), SVCM_ESTATE);
    svcm_problem got;
    assert_int_equal(svcm_cycle_problem(c, &got), SVCM_OK);
    assert_string_equal(got.where, p.where);
    assert_int_equal(svcm_cycle_set_problem(NULL, &p, &err), SVCM_EINVAL);
    svcm_cycle_free(c);
}

static void test_problem_refuses_bad_text_and_infinite_amount_unchanged(void **state)
{
    (void)state;
    svcm_cycle *c = make_cycle(true, false, 0.5, 0.7);
    svcm_problem p = full_problem();
    assert_int_equal(svcm_cycle_set_problem(c, &p, NULL), SVCM_OK);
    svcm_problem bad = full_problem();
    bad.who = "caf\xc3";
    svcm_error err;
    assert_int_equal(svcm_cycle_set_problem(c, &bad, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "who");
    bad = full_problem();
    bad.how_much_unit = "\xff";
    assert_int_equal(svcm_cycle_set_problem(c, &bad, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "how_much_unit");
    bad = full_problem();
    bad.how_much = -INFINITY;
    assert_int_equal(svcm_cycle_set_problem(c, &bad, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "how_much");
    assert_int_equal(svcm_problem_check(&bad, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "how_much");
    svcm_problem got;
    assert_int_equal(svcm_cycle_problem(c, &got), SVCM_OK);
    assert_string_equal(got.who, p.who); /* unchanged */
    assert_true(got.how_much == p.how_much);
    svcm_cycle_free(c);
}

static void test_problem_check_names_first_missing_and_lists_all(void **state)
{
    (void)state;
    svcm_problem p = full_problem();
    assert_int_equal(svcm_problem_missing(&p), 0u);
    assert_int_equal(svcm_problem_check(&p, NULL), SVCM_OK);
    p.why = "";
    p.where = NULL;
    p.how_much = NAN;
    p.how_much_unit = "EUR"; /* a unit alone is not an amount */
    assert_int_equal(svcm_problem_missing(&p), SVCM_PROBLEM_ITEM_WHY | SVCM_PROBLEM_ITEM_WHERE |
                                                   SVCM_PROBLEM_ITEM_HOW_MUCH);
    svcm_error err;
    assert_int_equal(svcm_problem_check(&p, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "why");
    assert_non_null(strstr(err.message, "missing: why, where, how much"));
    p = full_problem();
    p.how_much = NAN;
    assert_int_equal(svcm_problem_check(&p, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "how_much");
    p = full_problem();
    p.what = NULL;
    assert_int_equal(svcm_problem_check(&p, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "what");
    assert_int_equal(svcm_problem_missing(NULL), 127u);
    assert_int_equal(svcm_problem_check(NULL, &err), SVCM_EINVAL);
    svcm_problem none = {0};
    none.how_much = NAN;
    assert_int_equal(svcm_problem_check(&none, &err), SVCM_EINVAL);
    assert_non_null(strstr(err.message, "what, why, who, when, where, how, how much"));
    /* zero is an amount */
    p = full_problem();
    p.how_much = 0.0;
    assert_int_equal(svcm_problem_check(&p, NULL), SVCM_OK);
}

static void test_problem_item_names(void **state)
{
    (void)state;
    static const char *const want[] = {"what", "why", "who", "when", "where", "how", "how_much"};
    for (int i = 0; i < SVCM_PROBLEM_ITEM_COUNT; i++)
        assert_string_equal(svcm_problem_item_name(1 << i), want[i]);
    assert_string_equal(svcm_problem_item_name(SVCM_PROBLEM_ITEM_HOW_MUCH), "how_much");
    assert_null(svcm_problem_item_name(0));
    assert_null(svcm_problem_item_name(3));
    assert_null(svcm_problem_item_name(128));
    assert_null(svcm_problem_item_name(-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_init_fills_defaults),
        cmocka_unit_test(test_new_cycle_is_in_plan_with_copied_fields),
        cmocka_unit_test(test_new_rejects_missing_title_metric_and_bad_alpha),
        cmocka_unit_test(test_goal_target_must_be_better_than_baseline),
        cmocka_unit_test(test_start_refused_without_goal),
        cmocka_unit_test(test_start_refused_without_live_action),
        cmocka_unit_test(test_start_refused_outside_plan_and_back_in_time),
        cmocka_unit_test(test_check_refused_without_after_samples),
        cmocka_unit_test(test_check_needs_two_samples_of_each_kind),
        cmocka_unit_test(test_check_welch_matches_r_ttest_example),
        cmocka_unit_test(test_check_verdicts_follow_direction_and_target),
        cmocka_unit_test(test_check_welch_matches_rosetta_code_r_values),
        cmocka_unit_test(test_check_alpha_is_configurable),
        cmocka_unit_test(test_check_applies_western_electric_to_after_samples),
        cmocka_unit_test(test_check_uses_two_proportion_test_for_rate_with_counts),
        cmocka_unit_test(test_check_without_variation_is_certain_or_null),
        cmocka_unit_test(test_relative_change_is_nan_for_zero_baseline),
        cmocka_unit_test(test_check_welch_is_scale_free_near_the_double_range),
        cmocka_unit_test(test_check_beyond_double_range_is_erange_and_changes_nothing),
        cmocka_unit_test(test_alpha_so_small_that_confidence_rounds_to_one_is_refused),
        cmocka_unit_test(test_act_refused_without_current_check),
        cmocka_unit_test(test_decisions_refused_outside_act),
        cmocka_unit_test(test_standardize_closes_and_audit_records_every_transition),
        cmocka_unit_test(test_closed_cycle_accepts_nothing),
        cmocka_unit_test(test_abandon_needs_a_reason),
        cmocka_unit_test(test_adjust_opens_linked_next_cycle_from_result),
        cmocka_unit_test(test_adjust_refused_when_no_id_is_left),
        cmocka_unit_test(test_three_chain_survives_freeing_in_any_order),
        cmocka_unit_test(test_link_checks_recorded_ids),
        cmocka_unit_test(test_overdue_lists_open_actions_past_due),
        cmocka_unit_test(test_action_errors),
        cmocka_unit_test(test_measure_is_all_or_nothing_with_record_index),
        cmocka_unit_test(test_measure_checks_counts_and_do_start_side),
        cmocka_unit_test(test_baseline_samples_refused_in_check),
        cmocka_unit_test(test_names_cover_every_value),
        cmocka_unit_test(test_every_allocation_failure_is_enomem_without_leaks),
        cmocka_unit_test(test_new_refuses_invalid_utf8_in_every_text_option),
        cmocka_unit_test(test_add_action_refuses_invalid_utf8_and_adds_nothing),
        cmocka_unit_test(test_transitions_refuse_invalid_utf8_and_change_nothing),
        cmocka_unit_test(test_multibyte_utf8_text_is_kept_byte_for_byte),
        cmocka_unit_test(test_problem_set_and_get_copies_every_item),
        cmocka_unit_test(test_problem_only_in_plan_and_kept_afterwards),
        cmocka_unit_test(test_problem_refuses_bad_text_and_infinite_amount_unchanged),
        cmocka_unit_test(test_problem_check_names_first_missing_and_lists_all),
        cmocka_unit_test(test_problem_item_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
