/* Tests of the scorecard engine (svcm/scorecard.h).
 *
 * Reference values were computed independently of the library, in Python
 * 3.11 with the standard library only:
 * - Wilson limits from the closed form (p + z^2/2n)/(1 + z^2/n) -+
 *   z/(1 + z^2/n) sqrt(p(1-p)/n + z^2/4n^2), z = NormalDist().inv_cdf(0.975);
 * - sample sizes that decide by a linear scan n = 1, 2, 3, ... over that
 *   closed form (the library bisects);
 * - order-statistic ranks from the exact binomial CDF with math.comb; the
 *   median ranks agree with the published table for n = 10 (ranks 2 and 9)
 *   and n = 50 (ranks 18 and 33; Campbell and Gardner, BMJ 1988, 296:1454);
 * - t quantiles: t(0.975, 9) = 2.262157 (any t table); for larger df the
 *   Cornish-Fisher expansion (Abramowitz and Stegun 26.7.5), whose error is
 *   far below the margins of the cases used;
 * - the NPS Wald half-width 1.959964 * 100 * sqrt(V / n) by hand. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/scorecard.h"

#define MET SVCM_TARGET_OUTCOME_MET
#define MISSED SVCM_TARGET_OUTCOME_MISSED
#define UNDET SVCM_TARGET_OUTCOME_UNDETERMINED
#define AT_LEAST SVCM_TARGET_DIRECTION_AT_LEAST
#define AT_MOST SVCM_TARGET_DIRECTION_AT_MOST

static void near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (tolerance %g)", got, want, tol);
}

/* ------------------------------------------------------------- proportions */

typedef struct prop_case {
    uint64_t s, n;
    double target;
    svcm_target_direction dir;
    double lo, hi; /* Wilson 95 % (Python, closed form) */
    svcm_target_outcome outcome;
    uint64_t n_to_decide; /* linear scan in Python */
} prop_case;

static const prop_case prop_cases[] = {
    {95, 100, 0.90, AT_LEAST, 0.8882495307680808, 0.9784563208456319, UNDET, 139},
    {190, 200, 0.90, AT_LEAST, 0.9104218518612239, 0.972617354399236, MET, 0},
    {960, 1000, 0.90, AT_LEAST, 0.945990355878742, 0.9704890263145473, MET, 0},
    {80, 100, 0.90, AT_LEAST, 0.7111708344068413, 0.8666330666689674, MISSED, 0},
    {3, 1000, 0.01, AT_MOST, 0.0010207838811386195, 0.008783014053503173, MET, 0},
    {12, 1000, 0.01, AT_MOST, 0.006877647806403522, 0.020857268475498278, UNDET, 9508},
    {30, 1000, 0.01, AT_MOST, 0.021093738828834703, 0.04250341414758712, MISSED, 0},
    {18, 200, 0.10, AT_MOST, 0.05768744886219315, 0.1377657187671654, UNDET, 3458},
};

static void test_proportion_verdicts_match_wilson_closed_form(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof prop_cases / sizeof prop_cases[0]; i++) {
        const prop_case *c = &prop_cases[i];
        struct svcm_target_result r;
        assert_int_equal(svcm_target_verdict(c->s, c->n, c->target, c->dir, 0.95, &r), SVCM_OK);
        near(r.ci.lo, c->lo, 1e-9);
        near(r.ci.hi, c->hi, 1e-9);
        near(r.value, (double)c->s / (double)c->n, 0.0);
        assert_int_equal(r.outcome, c->outcome);
        assert_int_equal(r.n_to_decide, c->n_to_decide);
        assert_int_equal(r.n, c->n);
        assert_int_equal(r.direction, c->dir);
        near(r.target, c->target, 0.0);
        near(r.confidence, 0.95, 0.0);
    }
}

static void test_decided_at_n_to_decide_and_not_before(void **state)
{
    (void)state;
    /* 95 of 100 against >= 90 %: at the same 95 % share, 139 trials decide
     * (and so met), 138 do not. 139 * 0.95 is not whole: the library works
     * at the exact proportion, so check with the nearest whole counts
     * around it only that the verdict moves the same way. */
    struct svcm_target_result r;
    assert_int_equal(svcm_target_verdict(95, 100, 0.9, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.n_to_decide, 139);
    assert_int_equal(svcm_target_verdict(133, 140, 0.9, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, MET); /* 133 / 140 = 0.95 exactly */
    assert_int_equal(svcm_target_verdict(19, 20, 0.9, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, UNDET);
}

static void test_estimate_equal_to_target_has_no_deciding_size(void **state)
{
    (void)state;
    struct svcm_target_result r;
    assert_int_equal(svcm_target_verdict(90, 100, 0.9, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, UNDET);
    assert_int_equal(r.n_to_decide, 0);
    /* all successes against 100 %: the Wilson upper limit is 1, lower < 1 */
    assert_int_equal(svcm_target_verdict(10, 10, 1.0, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, UNDET);
    assert_int_equal(r.n_to_decide, 0);
    /* no successes against at most 0: the upper limit is above 0 */
    assert_int_equal(svcm_target_verdict(0, 50, 0.0, AT_MOST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, UNDET);
    assert_int_equal(r.n_to_decide, 0);
}

static void test_proportion_bad_input_is_refused(void **state)
{
    (void)state;
    struct svcm_target_result r;
    memset(&r, 0x5A, sizeof r);
    struct svcm_target_result keep = r;
    assert_int_equal(svcm_target_verdict(1, 0, 0.5, AT_LEAST, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict(0, 0, 0.5, AT_LEAST, 0.95, &r), SVCM_EEMPTY);
    assert_int_equal(svcm_target_verdict(1, 2, 1.5, AT_LEAST, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict(1, 2, -0.1, AT_LEAST, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict(1, 2, NAN, AT_LEAST, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict(1, 2, 0.5, (svcm_target_direction)7, 0.95, &r),
                     SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict(1, 2, 0.5, AT_LEAST, 1.0, &r), SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict(1, 2, 0.5, AT_LEAST, 0.0, &r), SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict(1, 2, 0.5, AT_LEAST, 0.95, NULL), SVCM_EINVAL);
    assert_memory_equal(&r, &keep, sizeof r);
}

/* ------------------------------------------------------------------- means */

static void ten(svcm_moments *m, double offset)
{
    svcm_moments_init(m);
    for (int i = 1; i <= 10; i++)
        assert_int_equal(svcm_moments_add(m, i + offset), SVCM_OK);
}

static void test_mean_verdict_uses_t_interval(void **state)
{
    (void)state;
    /* 1..10: mean 5.5, s = 3.0276503540974917, t(0.975, 9) = 2.262157,
     * half-width 2.262157 * s / sqrt(10) = 2.16588. */
    svcm_moments m;
    ten(&m, 0.0);
    struct svcm_target_result r;
    assert_int_equal(svcm_target_verdict_mean(&m, 3.0, AT_LEAST, 0.95, &r), SVCM_OK);
    near(r.value, 5.5, 1e-12);
    near(r.ci.lo, 5.5 - 2.262157 * 3.0276503540974917 / sqrt(10.0), 1e-5);
    near(r.ci.hi, 5.5 + 2.262157 * 3.0276503540974917 / sqrt(10.0), 1e-5);
    assert_int_equal(r.outcome, MET);
    assert_int_equal(r.n_to_decide, 0);
    assert_int_equal(svcm_target_verdict_mean(&m, 8.0, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, MISSED);
    assert_int_equal(svcm_target_verdict_mean(&m, 8.0, AT_MOST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, MET);
    /* Undetermined: half-width t(n - 1) s / sqrt(n) <= 0.5 first at n = 144
     * (0.49873; n = 143 gives 0.50050), <= 1.0 first at n = 38. */
    assert_int_equal(svcm_target_verdict_mean(&m, 5.0, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, UNDET);
    assert_int_equal(r.n_to_decide, 144);
    assert_int_equal(svcm_target_verdict_mean(&m, 6.5, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, UNDET);
    assert_int_equal(r.n_to_decide, 38);
}

static void test_mean_verdict_errors(void **state)
{
    (void)state;
    svcm_moments m;
    svcm_moments_init(&m);
    struct svcm_target_result r;
    assert_int_equal(svcm_target_verdict_mean(&m, 1.0, AT_LEAST, 0.95, &r), SVCM_EEMPTY);
    assert_int_equal(svcm_moments_add(&m, 1.0), SVCM_OK);
    assert_int_equal(svcm_target_verdict_mean(&m, 1.0, AT_LEAST, 0.95, &r), SVCM_EEMPTY);
    assert_int_equal(svcm_moments_add(&m, 2.0), SVCM_OK);
    assert_int_equal(svcm_target_verdict_mean(NULL, 1.0, AT_LEAST, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict_mean(&m, INFINITY, AT_LEAST, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict_mean(&m, 1.0, (svcm_target_direction)-1, 0.95, &r),
                     SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict_mean(&m, 1.0, AT_LEAST, 2.0, &r), SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict_mean(&m, 1.0, AT_LEAST, 0.95, NULL), SVCM_EINVAL);
    /* zero spread: the interval is the point, always decided */
    svcm_moments_init(&m);
    assert_int_equal(svcm_moments_add(&m, 4.0), SVCM_OK);
    assert_int_equal(svcm_moments_add(&m, 4.0), SVCM_OK);
    assert_int_equal(svcm_target_verdict_mean(&m, 4.0, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, MET);
    assert_int_equal(svcm_target_verdict_mean(&m, 4.0, AT_MOST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, MET);
    assert_int_equal(svcm_target_verdict_mean(&m, 4.5, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, MISSED);
}

/* ---------------------------------------------------------------- feedback */

static svcm_feedback *nps(uint64_t promoters, uint64_t passives, uint64_t detractors)
{
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS);
    svcm_feedback *f = NULL;
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_OK);
    for (uint64_t i = 0; i < promoters; i++)
        assert_int_equal(svcm_feedback_add(f, 10), SVCM_OK);
    for (uint64_t i = 0; i < passives; i++)
        assert_int_equal(svcm_feedback_add(f, 7), SVCM_OK);
    for (uint64_t i = 0; i < detractors; i++)
        assert_int_equal(svcm_feedback_add(f, 3), SVCM_OK);
    return f;
}

static void test_nps_verdict_uses_the_nps_interval(void **state)
{
    (void)state;
    /* 50 promoters, 30 passives, 20 detractors: NPS 30, V = 0.5 + 0.2 -
     * 0.3^2 = 0.61, half-width 1.959964 * 100 * sqrt(0.61 / 100) = 15.3078. */
    svcm_feedback *f = nps(50, 30, 20);
    struct svcm_target_result r;
    assert_int_equal(svcm_target_verdict_feedback(f, 10.0, AT_LEAST, 0.95, &r), SVCM_OK);
    near(r.value, 30.0, 1e-9);
    near(r.ci.lo, 30.0 - 15.307808075042669, 1e-6);
    near(r.ci.hi, 30.0 + 15.307808075042669, 1e-6);
    assert_int_equal(r.outcome, MET);
    assert_int_equal(r.n, 100);
    assert_int_equal(svcm_target_verdict_feedback(f, 50.0, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, MISSED);
    /* 1.959964^2 * 100^2 * 0.61 / 10^2 = 234.33: 235 answers decide */
    assert_int_equal(svcm_target_verdict_feedback(f, 20.0, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, UNDET);
    assert_int_equal(r.n_to_decide, 235);
    assert_int_equal(svcm_target_verdict_feedback(f, 30.0, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, UNDET);
    assert_int_equal(r.n_to_decide, 0);
    svcm_feedback_free(f);
}

static void test_csat_verdict_is_the_wilson_share(void **state)
{
    (void)state;
    /* CSAT 1-5, top two boxes: 95 answers of 5 and 5 of 1 is 95 / 100, the
     * first proportion case above. */
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    svcm_feedback *f = NULL;
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_OK);
    for (int i = 0; i < 95; i++)
        assert_int_equal(svcm_feedback_add(f, 5), SVCM_OK);
    for (int i = 0; i < 5; i++)
        assert_int_equal(svcm_feedback_add(f, 1), SVCM_OK);
    struct svcm_target_result r;
    assert_int_equal(svcm_target_verdict_feedback(f, 0.9, AT_LEAST, 0.95, &r), SVCM_OK);
    near(r.ci.lo, 0.8882495307680808, 1e-9);
    near(r.ci.hi, 0.9784563208456319, 1e-9);
    assert_int_equal(r.outcome, UNDET);
    assert_int_equal(r.n_to_decide, 139);
    svcm_feedback_free(f);
    svcm_feedback *e = nps(0, 0, 0);
    assert_int_equal(svcm_target_verdict_feedback(e, 0.0, AT_LEAST, 0.95, &r), SVCM_EEMPTY);
    assert_int_equal(svcm_target_verdict_feedback(NULL, 0.0, AT_LEAST, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict_feedback(e, NAN, AT_LEAST, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict_feedback(e, 0.0, (svcm_target_direction)2, 0.95, &r),
                     SVCM_EINVAL);
    svcm_feedback_free(e);
}

static void test_csat_rated_counts_only_rated_answers(void **state)
{
    (void)state;
    /* CSAT RATED on 1-5: 8 answers of 5, 2 of 1 and 5 neutral 3s is 8 / 10
     * with n = 10; Wilson(8, 10) = [0.49016247153664183,
     * 0.9433178485456247] (Python, closed form). */
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    o.csat_method = SVCM_CSAT_METHOD_RATED;
    svcm_feedback *f = NULL;
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_OK);
    for (int i = 0; i < 8; i++)
        assert_int_equal(svcm_feedback_add(f, 5), SVCM_OK);
    for (int i = 0; i < 2; i++)
        assert_int_equal(svcm_feedback_add(f, 1), SVCM_OK);
    for (int i = 0; i < 5; i++)
        assert_int_equal(svcm_feedback_add(f, 3), SVCM_OK);
    struct svcm_target_result r;
    assert_int_equal(svcm_target_verdict_feedback(f, 0.5, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.n, 10);
    near(r.value, 0.8, 1e-15);
    near(r.ci.lo, 0.49016247153664183, 1e-9);
    near(r.ci.hi, 0.9433178485456247, 1e-9);
    assert_int_equal(r.outcome, UNDET);
    assert_int_equal(svcm_target_verdict_feedback(f, 0.45, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, MET);
    assert_int_equal(svcm_target_verdict_feedback(f, 0.95, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.outcome, MISSED);
    svcm_feedback_free(f);
}

/* --------------------------------------------------------------- quantiles */

/* 1..n in a scrambled order (a multiplicative step coprime to n). */
static double *scrambled(size_t n, size_t step)
{
    double *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = (double)((i * step) % n + 1);
    return v;
}

static void test_quantile_interval_is_the_order_statistic_ranks(void **state)
{
    (void)state;
    /* Values 1..100: x_(i) = i. P90 ranks 84 and 96 (exact binomial CDF,
     * Python), estimate x_(floor(0.9 * 99) + 1) = x_(90) = 90. */
    double *v = scrambled(100, 37);
    struct svcm_target_result r;
    svcm_error err;
    assert_int_equal(svcm_target_verdict_quantile(v, 100, 0.9, 100.0, AT_MOST, 0.95, NULL, &r,
                                                  &err),
                     SVCM_OK);
    near(r.value, 90.0, 0.0);
    near(r.ci.lo, 84.0, 0.0);
    near(r.ci.hi, 96.0, 0.0);
    assert_int_equal(r.outcome, MET);
    assert_int_equal(svcm_target_verdict_quantile(v, 100, 0.9, 80.0, AT_MOST, 0.95, NULL, &r,
                                                  &err),
                     SVCM_OK);
    assert_int_equal(r.outcome, MISSED);
    /* 90 within: share 0.9 == q, nothing decides */
    assert_int_equal(svcm_target_verdict_quantile(v, 100, 0.9, 90.0, AT_MOST, 0.95, NULL, &r,
                                                  &err),
                     SVCM_OK);
    assert_int_equal(r.outcome, UNDET);
    assert_int_equal(r.n_to_decide, 0);
    /* 93 within: share 0.93 against 0.9, Wilson scan in Python: 385 */
    assert_int_equal(svcm_target_verdict_quantile(v, 100, 0.9, 93.0, AT_MOST, 0.95, NULL, &r,
                                                  &err),
                     SVCM_OK);
    assert_int_equal(r.outcome, UNDET);
    assert_int_equal(r.n_to_decide, 385);
    /* at least: P90 >= 85 met (lower rank 84 is below: undetermined),
     * >= 80 met, >= 97 missed */
    assert_int_equal(svcm_target_verdict_quantile(v, 100, 0.9, 80.0, AT_LEAST, 0.95, NULL, &r,
                                                  &err),
                     SVCM_OK);
    assert_int_equal(r.outcome, MET);
    assert_int_equal(svcm_target_verdict_quantile(v, 100, 0.9, 97.0, AT_LEAST, 0.95, NULL, &r,
                                                  &err),
                     SVCM_OK);
    assert_int_equal(r.outcome, MISSED);
    free(v);
    /* Medians: n = 10 ranks 2 and 9, n = 50 ranks 18 and 33 (published
     * tables). */
    v = scrambled(10, 3);
    assert_int_equal(svcm_target_verdict_quantile(v, 10, 0.5, 5.0, AT_MOST, 0.95, NULL, &r,
                                                  &err),
                     SVCM_OK);
    near(r.ci.lo, 2.0, 0.0);
    near(r.ci.hi, 9.0, 0.0);
    free(v);
    v = scrambled(50, 7);
    assert_int_equal(svcm_target_verdict_quantile(v, 50, 0.5, 5.0, AT_MOST, 0.95, NULL, &r,
                                                  &err),
                     SVCM_OK);
    near(r.ci.lo, 18.0, 0.0);
    near(r.ci.hi, 33.0, 0.0);
    free(v);
    /* n = 20, P90: lower rank 15, no upper rank: +inf, never met at most */
    v = scrambled(20, 3);
    assert_int_equal(svcm_target_verdict_quantile(v, 20, 0.9, 1000.0, AT_MOST, 0.95, NULL, &r,
                                                  &err),
                     SVCM_OK);
    near(r.ci.lo, 15.0, 0.0);
    assert_true(isinf(r.ci.hi) && r.ci.hi > 0);
    assert_int_equal(r.outcome, UNDET);
    assert_true(r.n_to_decide > 20);
    free(v);
}

static void test_durations_quantile_matches_sorted_sample(void **state)
{
    (void)state;
    /* The sketch is exact below its exact_limit (1024 by default): the
     * verdict from the accumulator equals the one from the sample. */
    double *v = scrambled(1000, 7);
    svcm_durations *d = NULL;
    assert_int_equal(svcm_durations_new(NULL, NULL, &d, NULL), SVCM_OK);
    assert_int_equal(svcm_durations_add_batch(d, v, 1000, NULL), SVCM_OK);
    const double targets[] = {850.0, 881.0, 900.0, 919.0, 930.0, 990.0};
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        for (int dir = 0; dir < 2; dir++) {
            struct svcm_target_result a, b;
            assert_int_equal(svcm_target_verdict_quantile(v, 1000, 0.9, targets[i],
                                                          (svcm_target_direction)dir, 0.95,
                                                          NULL, &a, NULL),
                             SVCM_OK);
            assert_int_equal(svcm_target_verdict_durations(d, 0.9, targets[i],
                                                           (svcm_target_direction)dir, 0.95,
                                                           &b),
                             SVCM_OK);
            /* n = 1000, P90: ranks 881 and 919 (Python) */
            near(a.ci.lo, 881.0, 0.0);
            near(a.ci.hi, 919.0, 0.0);
            near(b.ci.lo, a.ci.lo, 0.0);
            near(b.ci.hi, a.ci.hi, 0.0);
            near(b.value, a.value, 0.0);
            assert_int_equal(b.outcome, a.outcome);
            assert_int_equal(b.n_to_decide, a.n_to_decide);
        }
    }
    struct svcm_target_result r;
    assert_int_equal(svcm_target_verdict_durations(d, 0.0, 1.0, AT_MOST, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict_durations(d, 1.0, 1.0, AT_MOST, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict_durations(NULL, 0.5, 1.0, AT_MOST, 0.95, &r),
                     SVCM_EINVAL);
    svcm_durations_reset(d);
    assert_int_equal(svcm_target_verdict_durations(d, 0.5, 1.0, AT_MOST, 0.95, &r), SVCM_EEMPTY);
    svcm_durations_free(d);
    free(v);
}

static void test_quantile_bad_input_names_the_field(void **state)
{
    (void)state;
    double v[3] = {1.0, NAN, 2.0};
    struct svcm_target_result r;
    svcm_error err;
    assert_int_equal(svcm_target_verdict_quantile(v, 3, 0.5, 1.0, AT_MOST, 0.95, NULL, &r, &err),
                     SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "values");
    v[1] = 1.5;
    assert_int_equal(svcm_target_verdict_quantile(v, 3, 1.0, 1.0, AT_MOST, 0.95, NULL, &r, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "q");
    assert_int_equal(svcm_target_verdict_quantile(v, 3, 0.5, NAN, AT_MOST, 0.95, NULL, &r, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "target");
    assert_int_equal(svcm_target_verdict_quantile(v, 3, 0.5, 1.0, (svcm_target_direction)5, 0.95,
                                                  NULL, &r, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "direction");
    assert_int_equal(svcm_target_verdict_quantile(v, 3, 0.5, 1.0, AT_MOST, 1.5, NULL, &r, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "confidence");
    assert_int_equal(svcm_target_verdict_quantile(v, 0, 0.5, 1.0, AT_MOST, 0.95, NULL, &r, &err),
                     SVCM_EEMPTY);
    assert_int_equal(svcm_target_verdict_quantile(NULL, 3, 0.5, 1.0, AT_MOST, 0.95, NULL, &r,
                                                  &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_target_verdict_quantile(v, 3, 0.5, 1.0, AT_MOST, 0.95, NULL, NULL,
                                                  &err),
                     SVCM_EINVAL);
    svcm_allocator half = {NULL, NULL, NULL, NULL};
    assert_int_equal(svcm_target_verdict_quantile(v, 3, 0.5, 1.0, AT_MOST, 0.95, &half, &r,
                                                  &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "alloc");
}

/* ----------------------------------------------------------------- changes */

static void test_rate_change_by_two_proportion_test(void **state)
{
    (void)state;
    /* 80/100 then 90/100: pooled 0.85, z = 0.1 / sqrt(0.85 * 0.15 * 0.02)
     * = 1.9803, two-sided p = 0.0477 < 0.05: changed. 85/100 then 90/100:
     * z = 1.0690, p = 0.285: unchanged. */
    svcm_rate a, b, c;
    assert_int_equal(svcm_rate_init(&a, SVCM_RATE_KIND_FCR), SVCM_OK);
    b = a;
    c = a;
    assert_int_equal(svcm_rate_add_counts(&a, 80, 100), SVCM_OK);
    assert_int_equal(svcm_rate_add_counts(&b, 90, 100), SVCM_OK);
    assert_int_equal(svcm_rate_add_counts(&c, 85, 100), SVCM_OK);
    struct svcm_target_change_result r;
    assert_int_equal(svcm_target_change_rate(&a, &b, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.change, SVCM_TARGET_CHANGE_BETTER);
    near(r.test.statistic, 0.1 / sqrt(0.85 * 0.15 * 0.02), 1e-9);
    near(r.test.p_value, 0.04766, 1e-4);
    assert_int_equal(svcm_target_change_rate(&a, &b, AT_MOST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.change, SVCM_TARGET_CHANGE_WORSE);
    assert_int_equal(svcm_target_change_rate(&c, &b, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.change, SVCM_TARGET_CHANGE_UNCHANGED);
    near(r.test.p_value, 0.2851, 1e-3);
    /* both all successes: no variance, unchanged */
    svcm_rate x, y;
    assert_int_equal(svcm_rate_init(&x, SVCM_RATE_KIND_FCR), SVCM_OK);
    y = x;
    assert_int_equal(svcm_rate_add_counts(&x, 10, 10), SVCM_OK);
    assert_int_equal(svcm_rate_add_counts(&y, 20, 20), SVCM_OK);
    assert_int_equal(svcm_target_change_rate(&x, &y, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.change, SVCM_TARGET_CHANGE_UNCHANGED);
    near(r.test.p_value, 1.0, 0.0);
    svcm_rate other;
    assert_int_equal(svcm_rate_init(&other, SVCM_RATE_KIND_COMPLAINT), SVCM_OK);
    assert_int_equal(svcm_rate_add_counts(&other, 1, 10), SVCM_OK);
    assert_int_equal(svcm_target_change_rate(&a, &other, AT_LEAST, 0.95, &r), SVCM_EMISMATCH);
    svcm_rate empty;
    assert_int_equal(svcm_rate_init(&empty, SVCM_RATE_KIND_FCR), SVCM_OK);
    assert_int_equal(svcm_target_change_rate(&a, &empty, AT_LEAST, 0.95, &r), SVCM_EEMPTY);
    assert_int_equal(svcm_target_change_rate(&a, &b, (svcm_target_direction)9, 0.95, &r),
                     SVCM_EINVAL);
    assert_int_equal(svcm_target_change_rate(&a, &b, AT_LEAST, 0.95, NULL), SVCM_EINVAL);
}

static void test_mean_and_feedback_changes(void **state)
{
    (void)state;
    svcm_moments a, b;
    ten(&a, 0.0);
    ten(&b, 10.0);
    struct svcm_target_change_result r;
    /* Welch: diff 10, se = s sqrt(2 / 10) = 1.354, t = 7.385: p << 0.05 */
    assert_int_equal(svcm_target_change_mean(&a, &b, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.change, SVCM_TARGET_CHANGE_BETTER);
    near(r.test.diff, 10.0, 1e-12);
    near(r.test.statistic, 10.0 / (3.0276503540974917 * sqrt(0.2)), 1e-9);
    assert_int_equal(svcm_target_change_mean(&a, &b, AT_MOST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.change, SVCM_TARGET_CHANGE_WORSE);
    ten(&b, 0.5); /* diff 0.5: t = 0.369, unchanged */
    assert_int_equal(svcm_target_change_mean(&a, &b, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.change, SVCM_TARGET_CHANGE_UNCHANGED);
    /* no spread in either period */
    svcm_moments c, d;
    svcm_moments_init(&c);
    svcm_moments_init(&d);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(svcm_moments_add(&c, 5.0), SVCM_OK);
        assert_int_equal(svcm_moments_add(&d, 5.0), SVCM_OK);
    }
    assert_int_equal(svcm_target_change_mean(&c, &d, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.change, SVCM_TARGET_CHANGE_UNCHANGED);
    svcm_moments_init(&d);
    for (int i = 0; i < 3; i++)
        assert_int_equal(svcm_moments_add(&d, 6.0), SVCM_OK);
    assert_int_equal(svcm_target_change_mean(&c, &d, AT_MOST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.change, SVCM_TARGET_CHANGE_WORSE);
    near(r.test.diff, 1.0, 0.0);
    svcm_moments one;
    svcm_moments_init(&one);
    assert_int_equal(svcm_moments_add(&one, 1.0), SVCM_OK);
    assert_int_equal(svcm_target_change_mean(&one, &d, AT_MOST, 0.95, &r), SVCM_EEMPTY);
    assert_int_equal(svcm_target_change_mean(NULL, &d, AT_MOST, 0.95, &r), SVCM_EINVAL);

    /* NPS 30 (n 100, V 0.61) then NPS 60 (70/20/10, V = 0.7 + 0.1 - 0.36
     * = 0.44): z = 30 / (100 sqrt(0.61/100 + 0.44/100)) = 2.928: better */
    svcm_feedback *f1 = nps(50, 30, 20), *f2 = nps(70, 20, 10), *f3 = nps(0, 5, 0),
                  *f4 = nps(0, 9, 0);
    assert_int_equal(svcm_target_change_feedback(f1, f2, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.change, SVCM_TARGET_CHANGE_BETTER);
    near(r.test.diff, 30.0, 1e-9);
    near(r.test.statistic, 30.0 / (100.0 * sqrt(0.61 / 100 + 0.44 / 100)), 1e-6);
    /* only passives in both: no variance, NPS 0 both: unchanged */
    assert_int_equal(svcm_target_change_feedback(f3, f4, AT_LEAST, 0.95, &r), SVCM_OK);
    assert_int_equal(r.change, SVCM_TARGET_CHANGE_UNCHANGED);
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    svcm_feedback *cs = NULL;
    assert_int_equal(svcm_feedback_new(&o, NULL, &cs, NULL), SVCM_OK);
    assert_int_equal(svcm_feedback_add(cs, 5), SVCM_OK);
    assert_int_equal(svcm_target_change_feedback(f1, cs, AT_LEAST, 0.95, &r), SVCM_EMISMATCH);
    assert_int_equal(svcm_target_change_feedback(f1, f2, AT_LEAST, 0.95, NULL), SVCM_EINVAL);
    svcm_feedback_free(f1);
    svcm_feedback_free(f2);
    svcm_feedback_free(f3);
    svcm_feedback_free(f4);
    svcm_feedback_free(cs);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(svcm_target_outcome_name(MET), "met");
    assert_string_equal(svcm_target_outcome_name(MISSED), "missed");
    assert_string_equal(svcm_target_outcome_name(UNDET), "undetermined");
    assert_null(svcm_target_outcome_name(3));
    assert_null(svcm_target_outcome_name(-1));
    assert_string_equal(svcm_target_change_name(SVCM_TARGET_CHANGE_UNCHANGED), "unchanged");
    assert_string_equal(svcm_target_change_name(SVCM_TARGET_CHANGE_BETTER), "better");
    assert_string_equal(svcm_target_change_name(SVCM_TARGET_CHANGE_WORSE), "worse");
    assert_null(svcm_target_change_name(3));
    assert_string_equal(svcm_target_unit_name(SVCM_TARGET_UNIT_PERCENT), "%");
    assert_string_equal(svcm_target_unit_name(SVCM_TARGET_UNIT_HOURS), "h");
    assert_string_equal(svcm_target_unit_name(SVCM_TARGET_UNIT_NONE), "");
    assert_null(svcm_target_unit_name(6));
}

/* ----------------------------------------------------------------- targets */

static const char issue_text[] = "# service standards\n"
                                 "csat_top2 >= 90%\n"
                                 "complaint_rate <= 1%   # at most one in a hundred\n"
                                 "\n"
                                 "first_response_p90 <= 1h\r\n"
                                 "  resolution_p90\t<=24h\n"
                                 "fcr >= 70%\n"
                                 "nps >= 30\n"
                                 "suggestion_adoption >= 20%\n"
                                 "handle_mean <= 7.5m\n"
                                 "backlog_age_p50 <= 2d\n"
                                 "wait_p95<=90s";

static void test_targets_parse_the_issue_example(void **state)
{
    (void)state;
    svcm_targets t;
    svcm_error err;
    assert_int_equal(svcm_targets_parse(issue_text, strlen(issue_text), &t, &err), SVCM_OK);
    assert_int_equal(t.count, 10);
    assert_string_equal(t.item[0].name, "csat_top2");
    assert_int_equal(t.item[0].direction, AT_LEAST);
    near(t.item[0].value, 90.0, 0.0);
    assert_int_equal(t.item[0].unit, SVCM_TARGET_UNIT_PERCENT);
    assert_string_equal(t.item[2].name, "first_response_p90");
    assert_int_equal(t.item[2].unit, SVCM_TARGET_UNIT_HOURS);
    assert_int_equal(t.item[3].direction, AT_MOST);
    assert_int_equal(t.item[5].unit, SVCM_TARGET_UNIT_NONE);
    size_t i = 99;
    assert_int_equal(svcm_targets_find(&t, "nps", &i), SVCM_OK);
    assert_int_equal(i, 5);
    assert_int_equal(svcm_targets_find(&t, "npsx", &i), SVCM_ENOTFOUND);
    assert_int_equal(svcm_targets_find(NULL, "nps", &i), SVCM_EINVAL);
    double v;
    assert_int_equal(svcm_target_scaled(&t.item[0], &v), SVCM_OK);
    near(v, 0.9, 0.0);
    assert_int_equal(svcm_target_scaled(&t.item[2], &v), SVCM_OK);
    near(v, 3600.0, 0.0);
    assert_int_equal(svcm_target_scaled(&t.item[7], &v), SVCM_OK);
    near(v, 450.0, 0.0);
    assert_int_equal(svcm_target_scaled(&t.item[8], &v), SVCM_OK);
    near(v, 172800.0, 0.0);
    assert_int_equal(svcm_target_scaled(&t.item[9], &v), SVCM_OK);
    near(v, 90.0, 0.0);
    assert_int_equal(svcm_target_scaled(&t.item[5], &v), SVCM_OK);
    near(v, 30.0, 0.0);
    svcm_target big = t.item[8];
    big.value = DBL_MAX;
    assert_int_equal(svcm_target_scaled(&big, &v), SVCM_ERANGE);
    big.unit = (svcm_target_unit)9;
    assert_int_equal(svcm_target_scaled(&big, &v), SVCM_EINVAL);

    /* format: size query, exact fit, NULL len; then the round trip */
    size_t n = 0;
    assert_int_equal(svcm_targets_format(&t, NULL, 0, &n), SVCM_ENOSPC);
    const char *want = "csat_top2 >= 90%\ncomplaint_rate <= 1%\nfirst_response_p90 <= 1h\n"
                       "resolution_p90 <= 24h\nfcr >= 70%\nnps >= 30\n"
                       "suggestion_adoption >= 20%\nhandle_mean <= 7.5m\n"
                       "backlog_age_p50 <= 2d\nwait_p95 <= 90s\n";
    assert_int_equal(n, strlen(want));
    char *buf = malloc(n + 1);
    assert_non_null(buf);
    memset(buf, 'x', n + 1);
    size_t got = 0;
    assert_int_equal(svcm_targets_format(&t, buf, n, &got), SVCM_ENOSPC);
    assert_int_equal(got, n);
    assert_int_equal(buf[0], 'x');
    assert_int_equal(svcm_targets_format(&t, buf, n + 1, &got), SVCM_OK);
    assert_int_equal(got, n);
    assert_string_equal(buf, want);
    assert_int_equal(svcm_targets_format(&t, buf, n + 1, NULL), SVCM_EINVAL);
    svcm_targets u;
    assert_int_equal(svcm_targets_parse(buf, n, &u, &err), SVCM_OK);
    assert_int_equal(u.count, t.count);
    for (size_t k = 0; k < t.count; k++) {
        assert_string_equal(u.item[k].name, t.item[k].name);
        assert_int_equal(u.item[k].direction, t.item[k].direction);
        assert_int_equal(u.item[k].unit, t.item[k].unit);
        near(u.item[k].value, t.item[k].value, 0.0);
    }
    free(buf);
    /* empty text, only comments: no targets; formats to "" */
    assert_int_equal(svcm_targets_parse("# none\n\n", 8, &u, &err), SVCM_OK);
    assert_int_equal(u.count, 0);
    char one[1] = {'x'};
    assert_int_equal(svcm_targets_format(&u, one, 1, &got), SVCM_OK);
    assert_int_equal(got, 0);
    assert_int_equal(one[0], '\0');
    assert_int_equal(svcm_targets_parse(NULL, 0, &u, &err), SVCM_OK);
    assert_int_equal(u.count, 0);
}

typedef struct bad_text {
    const char *text;
    int rc;
    size_t line, column;
    const char *field;
} bad_text;

static const bad_text bad_texts[] = {
    {"fcr >= 70%\nnps => 30\n", SVCM_EFORMAT, 2, 5, "direction"},
    {"fcr >= 70%\nnps\n", SVCM_EFORMAT, 2, 0, "direction"},
    {"fcr >= \n", SVCM_EFORMAT, 1, 0, "value"},
    {"fcr >= 101%\n", SVCM_EINVAL, 1, 8, "value"},
    {"fcr >= -1%\n", SVCM_EINVAL, 1, 8, "value"},
    {"wait <= -5s\n", SVCM_EINVAL, 1, 9, "value"},
    {"fcr >= 70%\n# x\nfcr <= 80%\n", SVCM_EINVAL, 3, 1, "name"},
    {"wait <= 5min\n", SVCM_EFORMAT, 1, 10, "unit"},
    {"9fcr >= 1\n", SVCM_EFORMAT, 1, 1, "name"},
    {"  Fcr >= 1\n", SVCM_EFORMAT, 1, 3, "name"},
    {"fc-r >= 1\n", SVCM_EFORMAT, 1, 1, "name"},
    {"fcr >= 1 2\n", SVCM_EFORMAT, 1, 10, "text"},
    {"fcr >= +1\n", SVCM_EFORMAT, 1, 8, "value"},
    {"fcr >= 1e999\n", SVCM_EFORMAT, 1, 8, "value"},
    {"fcr >= inf\n", SVCM_EFORMAT, 1, 8, "value"},
    {"fcr >= 0x10\n", SVCM_EFORMAT, 1, 9, "unit"},
    {"a >= 1\nb >= \xff\n", SVCM_EFORMAT, 2, 6, "text"},
};

static void test_targets_parse_errors_name_line_and_column(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_texts / sizeof bad_texts[0]; i++) {
        const bad_text *b = &bad_texts[i];
        svcm_targets t;
        memset(&t, 0x33, sizeof t);
        svcm_targets keep = t;
        svcm_error err;
        int rc = svcm_targets_parse(b->text, strlen(b->text), &t, &err);
        if (rc != b->rc || err.line != b->line || err.column != b->column ||
            strcmp(err.field, b->field) != 0)
            fail_msg("case %zu: got %s %zu:%zu %s (%s), want %s %zu:%zu %s", i,
                     svcm_status_name(rc), err.line, err.column, err.field, err.message,
                     svcm_status_name(b->rc), b->line, b->column, b->field);
        assert_memory_equal(&t, &keep, sizeof t);
    }
    /* a NUL byte */
    svcm_targets t;
    svcm_error err;
    assert_int_equal(svcm_targets_parse("a >= 1\nb\0 >= 2\n", 15, &t, &err), SVCM_EFORMAT);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 2);
    /* a name of 64 bytes */
    char longname[80];
    memset(longname, 'a', 64);
    strcpy(longname + 64, " >= 1\n");
    assert_int_equal(svcm_targets_parse(longname, strlen(longname), &t, &err), SVCM_EFORMAT);
    assert_string_equal(err.field, "name");
    /* 63 bytes is the longest name */
    memmove(longname + 63, longname + 64, strlen(longname + 64) + 1);
    assert_int_equal(svcm_targets_parse(longname, strlen(longname), &t, &err), SVCM_OK);
    /* 65 targets */
    char *many = malloc(65 * 16);
    assert_non_null(many);
    size_t pos = 0;
    for (int k = 0; k < 65; k++)
        pos += (size_t)sprintf(many + pos, "t%d >= 1\n", k);
    assert_int_equal(svcm_targets_parse(many, pos, &t, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "count");
    assert_int_equal(err.line, 65);
    assert_int_equal(svcm_targets_parse(many, pos - strlen("t64 >= 1\n"), &t, &err), SVCM_OK);
    assert_int_equal(t.count, 64);
    free(many);
    assert_int_equal(svcm_targets_parse("a >= 1", 6, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_targets_parse(NULL, 3, &t, &err), SVCM_EINVAL);
}

static void test_targets_add_and_check(void **state)
{
    (void)state;
    svcm_targets t;
    svcm_error err;
    svcm_targets_init(&t);
    svcm_targets_init(NULL);
    assert_int_equal(svcm_targets_add(&t, "fcr", AT_LEAST, 70, SVCM_TARGET_UNIT_PERCENT, &err),
                     SVCM_OK);
    assert_int_equal(svcm_targets_add(&t, "fcr", AT_MOST, 70, SVCM_TARGET_UNIT_PERCENT, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "name");
    assert_int_equal(err.index, 1);
    assert_int_equal(svcm_targets_add(&t, "", AT_MOST, 1, SVCM_TARGET_UNIT_NONE, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_targets_add(&t, "x", (svcm_target_direction)2, 1,
                                      SVCM_TARGET_UNIT_NONE, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "direction");
    assert_int_equal(svcm_targets_add(&t, "x", AT_MOST, 1, (svcm_target_unit)6, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "unit");
    assert_int_equal(svcm_targets_add(&t, "x", AT_MOST, NAN, SVCM_TARGET_UNIT_NONE, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "value");
    assert_int_equal(svcm_targets_add(&t, "x", AT_MOST, -1e300, SVCM_TARGET_UNIT_NONE, &err),
                     SVCM_OK);
    assert_int_equal(svcm_targets_add(NULL, "y", AT_MOST, 1, SVCM_TARGET_UNIT_NONE, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_targets_add(&t, NULL, AT_MOST, 1, SVCM_TARGET_UNIT_NONE, &err),
                     SVCM_EINVAL);
    assert_int_equal(t.count, 2);
    assert_int_equal(svcm_targets_check(&t, &err), SVCM_OK);
    while (t.count < SVCM_TARGETS_MAX) {
        char name[16];
        snprintf(name, sizeof name, "k%zu", t.count);
        assert_int_equal(svcm_targets_add(&t, name, AT_MOST, 1, SVCM_TARGET_UNIT_NONE, &err),
                         SVCM_OK);
    }
    assert_int_equal(svcm_targets_add(&t, "full", AT_MOST, 1, SVCM_TARGET_UNIT_NONE, &err),
                     SVCM_ERANGE);
    assert_string_equal(err.field, "count");
    /* caller-built sets the check refuses */
    svcm_targets bad = t;
    bad.count = SVCM_TARGETS_MAX + 1;
    assert_int_equal(svcm_targets_check(&bad, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "count");
    size_t len;
    assert_int_equal(svcm_targets_format(&bad, NULL, 0, &len), SVCM_EINVAL);
    bad = t;
    memcpy(bad.item[3].name, "fcr", 4);
    assert_int_equal(svcm_targets_check(&bad, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 3);
    assert_string_equal(err.field, "name");
    bad = t;
    memset(bad.item[2].name, 'a', sizeof bad.item[2].name);
    assert_int_equal(svcm_targets_check(&bad, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    bad = t;
    bad.item[4].value = INFINITY;
    assert_int_equal(svcm_targets_check(&bad, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "value");
    bad = t;
    bad.item[0].value = 100.5;
    assert_int_equal(svcm_targets_check(&bad, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 0);
    bad = t;
    bad.item[5].direction = (svcm_target_direction)3;
    assert_int_equal(svcm_targets_check(&bad, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "direction");
    assert_int_equal(svcm_targets_check(NULL, &err), SVCM_EINVAL);
    /* a value round-trips through its shortest text: -1e+300 */
    assert_int_equal(svcm_targets_format(&t, NULL, 0, &len), SVCM_ENOSPC);
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    assert_int_equal(svcm_targets_format(&t, buf, len + 1, &len), SVCM_OK);
    assert_non_null(strstr(buf, "x <= -1e+300\n"));
    svcm_targets u;
    assert_int_equal(svcm_targets_parse(buf, len, &u, &err), SVCM_OK);
    assert_int_equal(u.count, SVCM_TARGETS_MAX);
    near(u.item[1].value, -1e300, 0.0);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proportion_verdicts_match_wilson_closed_form),
        cmocka_unit_test(test_decided_at_n_to_decide_and_not_before),
        cmocka_unit_test(test_estimate_equal_to_target_has_no_deciding_size),
        cmocka_unit_test(test_proportion_bad_input_is_refused),
        cmocka_unit_test(test_mean_verdict_uses_t_interval),
        cmocka_unit_test(test_mean_verdict_errors),
        cmocka_unit_test(test_nps_verdict_uses_the_nps_interval),
        cmocka_unit_test(test_csat_verdict_is_the_wilson_share),
        cmocka_unit_test(test_csat_rated_counts_only_rated_answers),
        cmocka_unit_test(test_quantile_interval_is_the_order_statistic_ranks),
        cmocka_unit_test(test_durations_quantile_matches_sorted_sample),
        cmocka_unit_test(test_quantile_bad_input_names_the_field),
        cmocka_unit_test(test_rate_change_by_two_proportion_test),
        cmocka_unit_test(test_mean_and_feedback_changes),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_targets_parse_the_issue_example),
        cmocka_unit_test(test_targets_parse_errors_name_line_and_column),
        cmocka_unit_test(test_targets_add_and_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
