/* Tests of the CSAT / NPS / CES accumulators (src/feedback.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/kpi.h"

/* |a - b| <= tol in double precision (cmocka's float compare is too coarse). */
#define assert_near(a, b, tol) assert_near_at((a), (b), (tol), #a, __FILE__, __LINE__)
static void assert_near_at(double a, double b, double tol, const char *what, const char *file,
                           int line)
{
    if (!(fabs(a - b) <= tol)) {
        print_error("%s = %.17g, expected %.17g (tolerance %g)\n", what, a, b, tol);
        _fail(file, line);
    }
}

#define Z975 1.9599639845400536 /* Phi^-1(0.975) */

/* Field by field: the struct has padding after kind. */
static void assert_summary_equal(const struct svcm_feedback_result *a, const struct svcm_feedback_result *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->n, b->n);
    assert_near(a->value, b->value, 0.0);
    assert_near(a->ci.lo, b->ci.lo, 0.0);
    assert_near(a->ci.hi, b->ci.hi, 0.0);
    assert_near(a->std_error, b->std_error, 0.0);
    assert_near(a->mean, b->mean, 0.0);
    assert_int_equal(a->satisfied, b->satisfied);
    assert_int_equal(a->promoters, b->promoters);
    assert_int_equal(a->passives, b->passives);
    assert_int_equal(a->detractors, b->detractors);
}

static svcm_feedback *make(int kind)
{
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, kind);
    svcm_feedback *f = NULL;
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_OK);
    return f;
}

/* Add `count` copies of `score`. */
static void add_n(svcm_feedback *f, double score, int count)
{
    for (int i = 0; i < count; i++)
        assert_int_equal(svcm_feedback_add(f, score), SVCM_OK);
}

/* ----------------------------------------------------------- options */

static void test_options_defaults_per_kind(void **state)
{
    (void)state;
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    assert_int_equal(o.low, 1);
    assert_int_equal(o.high, 5);
    assert_int_equal(o.top_boxes, 2);
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS);
    assert_int_equal(o.low, 0);
    assert_int_equal(o.high, 10);
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CES);
    assert_int_equal(o.low, 1);
    assert_int_equal(o.high, 7);
    /* An unknown kind gives settings that svcm_feedback_new() refuses. */
    svcm_feedback_options_init(&o, (svcm_feedback_kind)3);
    svcm_feedback *f = NULL;
    svcm_error err;
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, &err), SVCM_EINVAL);
    assert_null(f);
    assert_string_equal(err.field, "opts");
    svcm_feedback_options_init(NULL, SVCM_FEEDBACK_KIND_NPS); /* no-op */
    assert_string_equal(svcm_feedback_kind_name(SVCM_FEEDBACK_KIND_NPS), "nps");
    assert_string_equal(svcm_feedback_kind_name(SVCM_FEEDBACK_KIND_CSAT), "csat");
    assert_string_equal(svcm_feedback_kind_name(SVCM_FEEDBACK_KIND_CES), "ces");
    assert_null(svcm_feedback_kind_name(-1));
}

static void test_new_rejects_invalid_settings(void **state)
{
    (void)state;
    svcm_feedback_options o;
    svcm_feedback *f = NULL;
    assert_int_equal(svcm_feedback_new(NULL, NULL, &f, NULL), SVCM_EINVAL);
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS);
    assert_int_equal(svcm_feedback_new(&o, NULL, NULL, NULL), SVCM_EINVAL);
    o.high = 5; /* NPS is defined on 0-10 only */
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_EINVAL);
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    o.top_boxes = 0;
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_EINVAL);
    o.top_boxes = 5; /* every level satisfied: not a measure */
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_EINVAL);
    o.top_boxes = 2;
    o.low = 5;
    o.high = 5;
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_EINVAL);
    o.low = 0;
    o.high = SVCM_FEEDBACK_MAX_LEVELS; /* one level too many */
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_EINVAL);
    o.low = INT32_MIN;
    o.high = INT32_MAX;
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_EINVAL);
    o.kind = (svcm_feedback_kind)7;
    o.low = 1;
    o.high = 5;
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_EINVAL);
    assert_null(f);
    svcm_feedback_free(NULL); /* no-op */
}

static void *fail_alloc(void *ctx, size_t n)
{
    (void)ctx;
    (void)n;
    return NULL;
}
static void *fail_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    (void)p;
    (void)n;
    return NULL;
}
static void counting_free(void *ctx, void *p)
{
    (*(int *)ctx)++;
    free(p);
}
static void *counting_alloc(void *ctx, size_t n)
{
    (*(int *)ctx)++;
    return malloc(n);
}
static void *counting_realloc(void *ctx, void *p, size_t n)
{
    (*(int *)ctx)++;
    return realloc(p, n);
}

static void test_new_reports_out_of_memory(void **state)
{
    (void)state;
    svcm_allocator a = {fail_alloc, fail_realloc, counting_free, NULL};
    int calls = 0;
    a.ctx = &calls;
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CES);
    svcm_feedback *f = NULL;
    assert_int_equal(svcm_feedback_new(&o, &a, &f, NULL), SVCM_ENOMEM);
    assert_null(f);
}

static void test_caller_allocator_is_used_for_alloc_and_free(void **state)
{
    (void)state;
    int calls = 0;
    svcm_allocator a = {counting_alloc, counting_realloc, counting_free, &calls};
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    svcm_feedback *f = NULL;
    assert_int_equal(svcm_feedback_new(&o, &a, &f, NULL), SVCM_OK);
    assert_int_equal(calls, 1);
    svcm_feedback_free(f);
    assert_int_equal(calls, 2);
}

/* --------------------------------------------------------------- NPS */

static void test_nps_all_promoters_is_100(void **state)
{
    (void)state;
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_NPS);
    add_n(f, 9, 3);
    add_n(f, 10, 2);
    struct svcm_feedback_result r;
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_int_equal(r.n, 5);
    assert_int_equal(r.promoters, 5);
    assert_near(r.value, 100.0, 1e-12);
    /* No variance: the interval collapses onto the score. */
    assert_near(r.ci.lo, 100.0, 1e-12);
    assert_near(r.ci.hi, 100.0, 1e-12);
    svcm_feedback_free(f);
}

static void test_nps_all_detractors_is_minus_100(void **state)
{
    (void)state;
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_NPS);
    for (int s = 0; s <= 6; s++)
        add_n(f, s, 1);
    struct svcm_feedback_result r;
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_int_equal(r.detractors, 7);
    assert_near(r.value, -100.0, 1e-12);
    svcm_feedback_free(f);
}

/* Cross Validated, "How can I calculate margin of error in a NPS (Net
 * Promoter Score) result?" (whuber's answer): with 1/2 promoters, 1/3
 * passives and 1/6 detractors the NPS is 1/3 and the variance of one
 * answer is 5/9. With n = 300 (150 / 100 / 50):
 *   SE = 100 * sqrt((5/9) / 300) = 4.303314829
 *   95% CI = 33.3333 -+ 1.959963985 * 4.303314829 = [24.898991, 41.767675]. */
static void test_nps_interval_matches_published_variance_example(void **state)
{
    (void)state;
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_NPS);
    add_n(f, 10, 90);
    add_n(f, 9, 60);
    add_n(f, 8, 50);
    add_n(f, 7, 50);
    add_n(f, 3, 20);
    add_n(f, 6, 30);
    struct svcm_feedback_result r;
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_int_equal(r.n, 300);
    assert_int_equal(r.promoters, 150);
    assert_int_equal(r.passives, 100);
    assert_int_equal(r.detractors, 50);
    assert_near(r.value, 100.0 / 3.0, 1e-12);
    assert_near(r.std_error, 4.303314829119351, 1e-9);
    assert_near(r.ci.lo, 24.898991254122272, 1e-7);
    assert_near(r.ci.hi, 41.7676754125444, 1e-7);
    svcm_feedback_free(f);
}

/* Hand computation: 50 promoters, 30 passives, 20 detractors of 100.
 * NPS = 30; V = 0.5 + 0.2 - 0.3^2 = 0.61; SE = 100 * sqrt(0.0061) = 7.81025;
 * 95%: 30 -+ 1.959964 * 7.81025 = [14.692192, 45.307808];
 * 99%: z = 2.5758293, half = 20.11797 -> [9.882030, 50.117970]. */
static void test_nps_interval_hand_computation_two_levels(void **state)
{
    (void)state;
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_NPS);
    add_n(f, 9, 50);
    add_n(f, 7, 30);
    add_n(f, 0, 20);
    struct svcm_feedback_result r;
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_near(r.value, 30.0, 1e-12);
    assert_near(r.ci.lo, 14.692191924957331, 1e-7);
    assert_near(r.ci.hi, 45.30780807504267, 1e-7);
    assert_int_equal(svcm_feedback_result(f, 0.99, &r), SVCM_OK);
    assert_near(r.ci.lo, 30.0 - 2.5758293035489004 * 7.810249675906654, 1e-7);
    assert_near(r.ci.hi, 30.0 + 2.5758293035489004 * 7.810249675906654, 1e-7);
    /* mean answer: (50 * 9 + 30 * 7) / 100 = 6.6 */
    assert_near(r.mean, 6.6, 1e-12);
    svcm_feedback_free(f);
}

static void test_nps_interval_is_clamped_to_100(void **state)
{
    (void)state;
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_NPS);
    add_n(f, 10, 9);
    add_n(f, 8, 1);
    struct svcm_feedback_result r;
    /* NPS 90, V = 0.9 - 0.81 = 0.09, SE = 9.4868: upper end 108.6 -> 100. */
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_near(r.value, 90.0, 1e-12);
    assert_near(r.ci.hi, 100.0, 0.0);
    assert_near(r.ci.lo, 90.0 - Z975 * sqrt(0.09 / 10) * 100.0, 1e-9);
    svcm_feedback_free(f);
}

static void test_result_rejects_empty_and_bad_confidence(void **state)
{
    (void)state;
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_NPS);
    struct svcm_feedback_result r;
    memset(&r, 0x5a, sizeof r);
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_EEMPTY);
    add_n(f, 5, 1);
    assert_int_equal(svcm_feedback_result(f, 1.0, &r), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_result(f, 0.0, &r), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_result(f, NAN, &r), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_result(NULL, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_result(f, 0.95, NULL), SVCM_EINVAL);
    assert_int_equal(r.n, 0x5a5a5a5a5a5a5a5aull); /* untouched */
    svcm_feedback_free(f);
}

/* Regression: the critical value was the quantile of 0.5 + 0.5 c, which
 * rounds to 1 for c = 1 - 2^-53 (the largest double below 1, "1 - 1e-16"),
 * so a valid confidence was rejected with SVCM_EINVAL. The two-sided value
 * belongs to the tail (1 - c) / 2 = 2^-54. Checked independently: for the
 * normal, 0.5 erfc(z / sqrt 2) must give back 2^-54; for Student t with one
 * degree of freedom (Cauchy) the upper quantile is cot(pi p) in closed form. */
static void test_confidence_just_below_one_is_accepted(void **state)
{
    (void)state;
    const double c = nextafter(1.0, 0.0), tail = ldexp(1.0, -54);
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_NPS);
    add_n(f, 10, 3000);
    add_n(f, 0, 1000);
    struct svcm_feedback_result r;
    assert_int_equal(svcm_feedback_result(f, c, &r), SVCM_OK);
    /* NPS 50, SE = 100 sqrt(0.75 / 4000) = 1.37: 50 -+ 8.3 SE is not clamped */
    double z = (r.value - r.ci.lo) / r.std_error;
    assert_true(isfinite(z) && z > 8.0);
    assert_true(fabs(0.5 * erfc(z / sqrt(2.0)) / tail - 1.0) < 1e-6);
    svcm_feedback *g = make(SVCM_FEEDBACK_KIND_NPS);
    add_n(g, 10, 1);
    add_n(g, 0, 3);
    struct svcm_test_result t;
    assert_int_equal(svcm_feedback_compare(f, g, c, &t), SVCM_OK);
    double zc = (t.diff - t.ci.lo) / (t.diff / t.statistic);
    assert_true(fabs(0.5 * erfc(zc / sqrt(2.0)) / tail - 1.0) < 1e-6);
    svcm_feedback_free(g);
    svcm_feedback_free(f);
    /* CES 3, 5: mean 4, s^2 = 2, SE = 1, df = 1: half-width cot(pi 2^-54). */
    svcm_feedback *e = make(SVCM_FEEDBACK_KIND_CES);
    double xs[] = {3, 5};
    assert_int_equal(svcm_feedback_add_batch(e, xs, 2, NULL), SVCM_OK);
    assert_int_equal(svcm_feedback_result(e, c, &r), SVCM_OK);
    double want = 1.0 / tan(3.14159265358979323846 * tail);
    assert_true(fabs((r.ci.hi - 4.0) / want - 1.0) < 1e-6);
    assert_true(fabs((4.0 - r.ci.lo) / want - 1.0) < 1e-6);
    svcm_feedback_free(e);
}

/* ----------------------------------------------------- add and batch */

static void test_add_rejects_bad_scores_and_leaves_state(void **state)
{
    (void)state;
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_NPS);
    assert_int_equal(svcm_feedback_add(f, 11), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_add(f, -1), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_add(f, 8.5), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_add(f, NAN), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_add(f, INFINITY), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_add(f, -0.0), SVCM_OK); /* -0 is the integer 0 */
    assert_int_equal(svcm_feedback_add(NULL, 5), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_count(f), 1);
    assert_int_equal(svcm_feedback_count(NULL), 0);
    svcm_feedback_free(f);
}

static void test_batch_is_all_or_nothing_and_names_the_index(void **state)
{
    (void)state;
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_NPS);
    double scores[11] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
    assert_int_equal(svcm_feedback_add_batch(f, scores, 11, NULL), SVCM_OK);
    /* Bad values at every position of the unrolled loop and the tail. */
    const double bad[] = {NAN, INFINITY, -INFINITY, 10.5, 11, -1, 1e300};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        for (size_t pos = 0; pos < 11; pos++) {
            double copy[11];
            memcpy(copy, scores, sizeof copy);
            copy[pos] = bad[b];
            svcm_error err;
            svcm_error_clear(&err);
            assert_int_equal(svcm_feedback_add_batch(f, copy, 11, &err), SVCM_EINVAL);
            assert_int_equal(err.code, SVCM_EINVAL);
            assert_int_equal(err.index, pos);
            assert_string_equal(err.field, "score");
        }
    }
    assert_int_equal(svcm_feedback_count(f), 11);
    uint64_t h[11];
    assert_int_equal(svcm_feedback_histogram(f, h, 11), SVCM_OK);
    for (int k = 0; k < 11; k++)
        assert_int_equal(h[k], 1);
    svcm_error err;
    assert_int_equal(svcm_feedback_add_batch(NULL, scores, 1, &err), SVCM_EINVAL);
    assert_int_equal(err.index, SVCM_NO_INDEX);
    assert_int_equal(svcm_feedback_add_batch(f, NULL, 1, &err), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_add_batch(f, NULL, 0, &err), SVCM_OK);
    svcm_feedback_free(f);
}

static void test_batch_counts_equal_single_adds(void **state)
{
    (void)state;
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    o.low = -3;
    o.high = 3;
    o.top_boxes = 3;
    svcm_feedback *a = NULL, *b = NULL;
    assert_int_equal(svcm_feedback_new(&o, NULL, &a, NULL), SVCM_OK);
    assert_int_equal(svcm_feedback_new(&o, NULL, &b, NULL), SVCM_OK);
    double xs[1003];
    uint32_t seed = 12345;
    for (size_t i = 0; i < 1003; i++) {
        seed = seed * 1664525u + 1013904223u;
        xs[i] = (double)((int)(seed >> 24) % 7 - 3);
        assert_int_equal(svcm_feedback_add(a, xs[i]), SVCM_OK);
    }
    assert_int_equal(svcm_feedback_add_batch(b, xs, 1003, NULL), SVCM_OK);
    uint64_t ha[7], hb[7];
    svcm_feedback_histogram(a, ha, 7);
    svcm_feedback_histogram(b, hb, 7);
    assert_memory_equal(ha, hb, sizeof ha);
    assert_int_equal(svcm_feedback_count(b), 1003);
    assert_int_equal(svcm_feedback_histogram(b, hb, 6), SVCM_ENOSPC);
    assert_int_equal(svcm_feedback_histogram(NULL, hb, 7), SVCM_EINVAL);
    svcm_feedback_options got;
    assert_int_equal(svcm_feedback_get_options(b, &got), SVCM_OK);
    assert_int_equal(got.low, -3);
    assert_int_equal(got.top_boxes, 3);
    assert_int_equal(svcm_feedback_get_options(NULL, &got), SVCM_EINVAL);
    svcm_feedback_free(a);
    svcm_feedback_free(b);
}

/* -------------------------------------------------------------- CSAT */

/* Newcombe (1998), "Two-sided confidence intervals for the single
 * proportion", Stat. Med. 17:857-872, Table I, method 3 (Wilson score):
 * 81/263 -> 0.2553, 0.3662; 15/148 -> 0.0624, 0.1605; 0/20 -> 0, 0.1611;
 * 1/29 -> 0.0061, 0.1718 (four decimals). */
static void check_csat_newcombe(uint64_t sat, uint64_t n, double lo, double hi)
{
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_CSAT);
    add_n(f, 5, (int)(sat / 2));
    add_n(f, 4, (int)(sat - sat / 2));
    add_n(f, 3, (int)(n - sat) / 2);
    add_n(f, 1, (int)(n - sat - (n - sat) / 2));
    struct svcm_feedback_result r;
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_int_equal(r.n, n);
    assert_int_equal(r.satisfied, sat);
    assert_near(r.value, (double)sat / (double)n, 1e-15);
    assert_near(r.ci.lo, lo, 5e-5);
    assert_near(r.ci.hi, hi, 5e-5);
    svcm_feedback_free(f);
}

static void test_csat_interval_matches_newcombe_1998(void **state)
{
    (void)state;
    check_csat_newcombe(81, 263, 0.2553, 0.3662);
    check_csat_newcombe(15, 148, 0.0624, 0.1605);
    check_csat_newcombe(0, 20, 0.0, 0.1611);
    check_csat_newcombe(1, 29, 0.0061, 0.1718);
}

static void test_csat_top_boxes_are_configurable(void **state)
{
    (void)state;
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    o.low = 1;
    o.high = 10;
    o.top_boxes = 3; /* 8, 9, 10 */
    svcm_feedback *f = NULL;
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_OK);
    double xs[] = {10, 9, 8, 7, 1, 1, 8, 2};
    assert_int_equal(svcm_feedback_add_batch(f, xs, 8, NULL), SVCM_OK);
    struct svcm_feedback_result r;
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_int_equal(r.satisfied, 4);
    assert_near(r.value, 0.5, 1e-15);
    assert_near(r.std_error, sqrt(0.25 / 8), 1e-15);
    svcm_feedback_free(f);
}

/* Hand computation, two-proportion z-test (pooled SE for z, unpooled for
 * the interval): a = 56/70 = 0.8, b = 48/80 = 0.6; pooled p = 104/150;
 * SE0 = sqrt(p (1 - p) (1/70 + 1/80)) = 0.0754668; z = -0.2 / SE0 =
 * -2.6501720; p = erfc(2.65017 / sqrt 2) = 0.00804508; SE = sqrt(.8 * .2 / 70
 * + .6 * .4 / 80) = 0.0726900; CI = -0.2 -+ 1.959964 SE = [-0.342495,
 * -0.057505]. */
static void test_csat_compare_two_proportion_hand_computation(void **state)
{
    (void)state;
    svcm_feedback *a = make(SVCM_FEEDBACK_KIND_CSAT), *b = make(SVCM_FEEDBACK_KIND_CSAT);
    add_n(a, 5, 56);
    add_n(a, 2, 14);
    add_n(b, 4, 48);
    add_n(b, 3, 32);
    struct svcm_test_result t;
    assert_int_equal(svcm_feedback_compare(a, b, 0.95, &t), SVCM_OK);
    assert_near(t.diff, -0.2, 1e-12);
    assert_near(t.statistic, -2.6501719512585336, 1e-9);
    assert_near(t.p_value, 0.008045081368196568, 1e-9);
    assert_near(t.ci.lo, -0.34249510085096296, 1e-9);
    assert_near(t.ci.hi, -0.05750489914903717, 1e-9);
    assert_true(isinf(t.df));
    svcm_feedback_free(a);
    svcm_feedback_free(b);
}

/* --------------------------------------------------------------- CES */

/* Hand computation: answers 3, 4, 4, 5, 5, 6 -> mean 4.5, s^2 = 5.5 / 5 =
 * 1.1, SE = sqrt(1.1 / 6) = 0.4281744; t(0.975, 5) = 2.570582 (standard t
 * table) -> CI = 4.5 -+ 1.1006575 = [3.3993425, 5.6006575]. */
static void test_ces_mean_t_interval_hand_computation(void **state)
{
    (void)state;
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_CES);
    double xs[] = {3, 4, 4, 5, 5, 6};
    assert_int_equal(svcm_feedback_add_batch(f, xs, 6, NULL), SVCM_OK);
    struct svcm_feedback_result r;
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_near(r.value, 4.5, 1e-12);
    assert_near(r.mean, 4.5, 1e-12);
    assert_near(r.std_error, sqrt(1.1 / 6.0), 1e-12);
    assert_near(r.ci.lo, 3.399342544915661, 1e-5);
    assert_near(r.ci.hi, 5.600657455084339, 1e-5);
    svcm_feedback_free(f);
}

static void test_ces_needs_two_answers(void **state)
{
    (void)state;
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_CES);
    add_n(f, 4, 1);
    struct svcm_feedback_result r;
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_EEMPTY);
    svcm_feedback *g = make(SVCM_FEEDBACK_KIND_CES);
    add_n(g, 4, 3);
    struct svcm_test_result t;
    assert_int_equal(svcm_feedback_compare(f, g, 0.95, &t), SVCM_EEMPTY);
    svcm_feedback_free(f);
    svcm_feedback_free(g);
}

/* Hand computation of Welch's test: a = {3,4,4,5,5,6} (mean 4.5, s^2 1.1),
 * b = {2,3,3,4,4,4,5} (mean 25/7, s^2 = 20/21); SE = sqrt(1.1/6 + (20/21)/7)
 * = 0.5651440; t = (25/7 - 4.5) / SE = -1.6430705; Welch-Satterthwaite
 * df = 10.4012267; two-sided p = 0.1302194 (Simpson integration of the t
 * density, 200000 panels, in Python, independent of src/stats.c). */
static void test_ces_compare_welch_hand_computation(void **state)
{
    (void)state;
    svcm_feedback *a = make(SVCM_FEEDBACK_KIND_CES), *b = make(SVCM_FEEDBACK_KIND_CES);
    double xa[] = {3, 4, 4, 5, 5, 6}, xb[] = {2, 3, 3, 4, 4, 4, 5};
    assert_int_equal(svcm_feedback_add_batch(a, xa, 6, NULL), SVCM_OK);
    assert_int_equal(svcm_feedback_add_batch(b, xb, 7, NULL), SVCM_OK);
    struct svcm_test_result t;
    assert_int_equal(svcm_feedback_compare(a, b, 0.95, &t), SVCM_OK);
    assert_near(t.diff, 25.0 / 7.0 - 4.5, 1e-12);
    assert_near(t.statistic, -1.6430704522880653, 1e-9);
    assert_near(t.df, 10.40122667929155, 1e-9);
    assert_near(t.p_value, 0.1302194347928074, 1e-6);
    svcm_feedback_free(a);
    svcm_feedback_free(b);
}

/* ----------------------------------------------------------- compare */

/* Hand computation: a = 50/30/20 of 100 (NPS 30, V 0.61), b = 150/100/50
 * of 300 (NPS 33.333, V 5/9). SE = 100 sqrt(0.61/100 + (5/9)/300) =
 * 8.9173157; z = 3.3333 / 8.9173157 = 0.3738046; p = erfc(z / sqrt 2) =
 * 0.7085497; CI = 3.3333 -+ 1.959964 SE = [-14.144284, 20.810951]. */
static void test_nps_compare_multinomial_z_hand_computation(void **state)
{
    (void)state;
    svcm_feedback *a = make(SVCM_FEEDBACK_KIND_NPS), *b = make(SVCM_FEEDBACK_KIND_NPS);
    add_n(a, 9, 50);
    add_n(a, 8, 30);
    add_n(a, 2, 20);
    add_n(b, 10, 150);
    add_n(b, 7, 100);
    add_n(b, 0, 50);
    struct svcm_test_result t;
    assert_int_equal(svcm_feedback_compare(a, b, 0.95, &t), SVCM_OK);
    assert_near(t.diff, 10.0 / 3.0, 1e-9);
    assert_near(t.statistic, 0.3738045687421206, 1e-9);
    assert_near(t.p_value, 0.7085497201533804, 1e-9);
    assert_near(t.ci.lo, -14.144284192276153, 1e-7);
    assert_near(t.ci.hi, 20.810950858942824, 1e-7);
    assert_near(t.p_greater + t.p_less, 1.0, 1e-12);
    assert_near(t.p_greater, 0.5 * t.p_value, 1e-12);
    assert_true(isinf(t.df));
    /* Swapping the periods flips the sign and keeps p. */
    struct svcm_test_result u;
    assert_int_equal(svcm_feedback_compare(b, a, 0.95, &u), SVCM_OK);
    assert_near(u.diff, -t.diff, 1e-12);
    assert_near(u.p_value, t.p_value, 1e-12);
    svcm_feedback_free(a);
    svcm_feedback_free(b);
}

static void test_compare_rejects_mismatch_empty_and_no_variance(void **state)
{
    (void)state;
    svcm_feedback *n1 = make(SVCM_FEEDBACK_KIND_NPS), *n2 = make(SVCM_FEEDBACK_KIND_NPS);
    svcm_feedback *c = make(SVCM_FEEDBACK_KIND_CSAT);
    struct svcm_test_result t;
    assert_int_equal(svcm_feedback_compare(n1, c, 0.95, &t), SVCM_EMISMATCH);
    assert_int_equal(svcm_feedback_compare(n1, n2, 0.95, &t), SVCM_EEMPTY);
    add_n(n1, 10, 4);
    add_n(n2, 9, 4);
    assert_int_equal(svcm_feedback_compare(n1, n2, 0.95, &t), SVCM_ERANGE);
    assert_int_equal(svcm_feedback_compare(n1, n2, 1.5, &t), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_compare(NULL, n2, 0.95, &t), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_compare(n1, n2, 0.95, NULL), SVCM_EINVAL);
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    o.top_boxes = 1;
    svcm_feedback *c1 = NULL;
    assert_int_equal(svcm_feedback_new(&o, NULL, &c1, NULL), SVCM_OK);
    assert_int_equal(svcm_feedback_compare(c, c1, 0.95, &t), SVCM_EMISMATCH);
    svcm_feedback_free(n1);
    svcm_feedback_free(n2);
    svcm_feedback_free(c);
    svcm_feedback_free(c1);
}

/* ------------------------------------------------------------- merge */

static void test_merge_equals_adding_all_values_to_one(void **state)
{
    (void)state;
    double xs[500];
    uint32_t seed = 7;
    for (int i = 0; i < 500; i++) {
        seed = seed * 1103515245u + 12345u;
        xs[i] = (double)((seed >> 16) % 11);
    }
    svcm_feedback *all = make(SVCM_FEEDBACK_KIND_NPS), *p1 = make(SVCM_FEEDBACK_KIND_NPS),
                  *p2 = make(SVCM_FEEDBACK_KIND_NPS);
    assert_int_equal(svcm_feedback_add_batch(all, xs, 500, NULL), SVCM_OK);
    assert_int_equal(svcm_feedback_add_batch(p1, xs, 213, NULL), SVCM_OK);
    assert_int_equal(svcm_feedback_add_batch(p2, xs + 213, 287, NULL), SVCM_OK);
    assert_int_equal(svcm_feedback_merge(p1, p2), SVCM_OK);
    uint64_t ha[11], hb[11];
    svcm_feedback_histogram(all, ha, 11);
    svcm_feedback_histogram(p1, hb, 11);
    assert_memory_equal(ha, hb, sizeof ha);
    struct svcm_feedback_result ra, rb;
    assert_int_equal(svcm_feedback_result(all, 0.9, &ra), SVCM_OK);
    assert_int_equal(svcm_feedback_result(p1, 0.9, &rb), SVCM_OK);
    assert_summary_equal(&ra, &rb);
    /* Merging with itself doubles every count. */
    assert_int_equal(svcm_feedback_merge(p2, p2), SVCM_OK);
    assert_int_equal(svcm_feedback_count(p2), 574);
    svcm_feedback_free(all);
    svcm_feedback_free(p1);
    svcm_feedback_free(p2);
}

static void test_merge_rejects_different_scales(void **state)
{
    (void)state;
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CES);
    o.high = 5;
    svcm_feedback *a = make(SVCM_FEEDBACK_KIND_CES), *b = NULL, *n = make(SVCM_FEEDBACK_KIND_NPS);
    assert_int_equal(svcm_feedback_new(&o, NULL, &b, NULL), SVCM_OK);
    add_n(a, 3, 2);
    add_n(b, 3, 2);
    assert_int_equal(svcm_feedback_merge(a, b), SVCM_EMISMATCH);
    assert_int_equal(svcm_feedback_merge(a, n), SVCM_EMISMATCH);
    assert_int_equal(svcm_feedback_merge(a, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_merge(NULL, a), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_count(a), 2);
    svcm_feedback_free(a);
    svcm_feedback_free(b);
    svcm_feedback_free(n);
}

/* --------------------------------------------------------- save/load */

static void test_save_load_round_trip(void **state)
{
    (void)state;
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    o.low = -2;
    o.high = 7;
    o.top_boxes = 4;
    svcm_feedback *f = NULL, *g = NULL;
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_OK);
    double xs[] = {-2, -1, 0, 7, 7, 6, 5, 4, 3, 7};
    assert_int_equal(svcm_feedback_add_batch(f, xs, 10, NULL), SVCM_OK);
    size_t len = 0;
    assert_int_equal(svcm_feedback_save(f, NULL, 0, &len), SVCM_ENOSPC);
    assert_int_equal(len, 12 + 13 + 10 * 8);
    unsigned char buf[256];
    assert_int_equal(svcm_feedback_save(f, buf, len - 1, &len), SVCM_ENOSPC);
    assert_int_equal(svcm_feedback_save(f, buf, sizeof buf, &len), SVCM_OK);
    assert_memory_equal(buf, "SVCM", 4);
    assert_int_equal(svcm_feedback_load(buf, len, NULL, &g, NULL), SVCM_OK);
    svcm_feedback_options og;
    svcm_feedback_get_options(g, &og);
    assert_int_equal(og.kind, SVCM_FEEDBACK_KIND_CSAT);
    assert_int_equal(og.low, -2);
    assert_int_equal(og.high, 7);
    assert_int_equal(og.top_boxes, 4);
    struct svcm_feedback_result rf, rg;
    assert_int_equal(svcm_feedback_result(f, 0.95, &rf), SVCM_OK);
    assert_int_equal(svcm_feedback_result(g, 0.95, &rg), SVCM_OK);
    assert_summary_equal(&rf, &rg);
    assert_int_equal(svcm_feedback_merge(g, f), SVCM_OK); /* still compatible */
    assert_int_equal(svcm_feedback_save(NULL, buf, sizeof buf, &len), SVCM_EINVAL);
    svcm_feedback_free(f);
    svcm_feedback_free(g);
}

static void test_load_rejects_truncated_and_corrupted_bytes(void **state)
{
    (void)state;
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_NPS), *g = NULL;
    add_n(f, 9, 3);
    add_n(f, 2, 1);
    unsigned char buf[256], bad[257];
    size_t len;
    assert_int_equal(svcm_feedback_save(f, buf, sizeof buf, &len), SVCM_OK);
    /* Every truncation. */
    for (size_t cut = 0; cut < len; cut++)
        assert_int_equal(svcm_feedback_load(buf, cut, NULL, &g, NULL), SVCM_EFORMAT);
    /* Trailing byte (with the header's length patched, and without). */
    memcpy(bad, buf, len);
    bad[len] = 0;
    assert_int_equal(svcm_feedback_load(bad, len + 1, NULL, &g, NULL), SVCM_EFORMAT);
    bad[8]++;
    assert_int_equal(svcm_feedback_load(bad, len + 1, NULL, &g, NULL), SVCM_EFORMAT);
    /* Magic, kind tag, version. */
    for (size_t pos = 0; pos < 8; pos++) {
        memcpy(bad, buf, len);
        bad[pos] ^= 0x40;
        assert_int_equal(svcm_feedback_load(bad, len, NULL, &g, NULL), SVCM_EFORMAT);
    }
    /* Unknown feedback kind; NPS with a different scale; CSAT settings. */
    memcpy(bad, buf, len);
    bad[12] = 3;
    assert_int_equal(svcm_feedback_load(bad, len, NULL, &g, NULL), SVCM_EFORMAT);
    memcpy(bad, buf, len);
    bad[17] = 9; /* high = 9 */
    assert_int_equal(svcm_feedback_load(bad, len, NULL, &g, NULL), SVCM_EFORMAT);
    memcpy(bad, buf, len);
    bad[21] = 3; /* top boxes of an NPS must be the canonical 2 */
    assert_int_equal(svcm_feedback_load(bad, len, NULL, &g, NULL), SVCM_EFORMAT);
    /* Counts that overflow uint64 when summed. */
    memcpy(bad, buf, len);
    memset(bad + 25, 0xff, 8);
    memset(bad + 33, 0xff, 8);
    assert_int_equal(svcm_feedback_load(bad, len, NULL, &g, NULL), SVCM_EFORMAT);
    assert_null(g);
    assert_int_equal(svcm_feedback_load(NULL, len, NULL, &g, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_feedback_load(buf, len, NULL, NULL, NULL), SVCM_EINVAL);
    svcm_feedback_free(f);
}

/* Counts near 2^64 (made by patching saved bytes) overflow cleanly. */
static void test_count_overflow_is_a_range_error(void **state)
{
    (void)state;
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_NPS), *g = NULL;
    add_n(f, 10, 1);
    unsigned char buf[256];
    size_t len;
    assert_int_equal(svcm_feedback_save(f, buf, sizeof buf, &len), SVCM_OK);
    memset(buf + 25 + 10 * 8, 0xff, 8); /* count of answer 10 = UINT64_MAX */
    assert_int_equal(svcm_feedback_load(buf, len, NULL, &g, NULL), SVCM_OK);
    assert_int_equal(svcm_feedback_count(g), UINT64_MAX);
    double x = 9;
    svcm_error err;
    assert_int_equal(svcm_feedback_add(g, 9), SVCM_ERANGE);
    assert_int_equal(svcm_feedback_add_batch(g, &x, 1, &err), SVCM_ERANGE);
    assert_int_equal(err.code, SVCM_ERANGE);
    assert_int_equal(svcm_feedback_merge(g, f), SVCM_ERANGE);
    assert_int_equal(svcm_feedback_count(g), UINT64_MAX);
    assert_int_equal(svcm_feedback_count(f), 1);
    svcm_feedback_free(f);
    svcm_feedback_free(g);
}

/* Random byte flips never crash the loader; whatever it accepts is a
 * consistent accumulator (count equals the histogram's sum). */
static void test_load_survives_random_corruption(void **state)
{
    (void)state;
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    o.high = 7;
    svcm_feedback *f = NULL;
    assert_int_equal(svcm_feedback_new(&o, NULL, &f, NULL), SVCM_OK);
    double xs[] = {1, 2, 7, 7, 6, 5};
    svcm_feedback_add_batch(f, xs, 6, NULL);
    unsigned char buf[256], bad[256];
    size_t len;
    assert_int_equal(svcm_feedback_save(f, buf, sizeof buf, &len), SVCM_OK);
    uint32_t seed = 99;
    for (int it = 0; it < 5000; it++) {
        memcpy(bad, buf, len);
        for (int k = 0; k < 3; k++) {
            seed = seed * 1664525u + 1013904223u;
            bad[(seed >> 8) % len] = (unsigned char)(seed >> 24);
        }
        svcm_feedback *g = NULL;
        int rc = svcm_feedback_load(bad, len, NULL, &g, NULL);
        if (rc == SVCM_OK) {
            svcm_feedback_options go;
            svcm_feedback_get_options(g, &go);
            uint64_t h[SVCM_FEEDBACK_MAX_LEVELS], sum = 0;
            assert_int_equal(svcm_feedback_histogram(g, h, SVCM_FEEDBACK_MAX_LEVELS), SVCM_OK);
            for (int64_t k = 0; k <= (int64_t)go.high - go.low; k++)
                sum += h[k];
            assert_int_equal(sum, svcm_feedback_count(g));
            struct svcm_feedback_result r;
            rc = svcm_feedback_result(g, 0.95, &r);
            assert_true(rc == SVCM_OK || rc == SVCM_EEMPTY);
            svcm_feedback_free(g);
        } else {
            assert_int_equal(rc, SVCM_EFORMAT);
            assert_null(g);
        }
    }
    svcm_feedback_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_defaults_per_kind),
        cmocka_unit_test(test_new_rejects_invalid_settings),
        cmocka_unit_test(test_new_reports_out_of_memory),
        cmocka_unit_test(test_caller_allocator_is_used_for_alloc_and_free),
        cmocka_unit_test(test_nps_all_promoters_is_100),
        cmocka_unit_test(test_nps_all_detractors_is_minus_100),
        cmocka_unit_test(test_nps_interval_matches_published_variance_example),
        cmocka_unit_test(test_nps_interval_hand_computation_two_levels),
        cmocka_unit_test(test_nps_interval_is_clamped_to_100),
        cmocka_unit_test(test_result_rejects_empty_and_bad_confidence),
        cmocka_unit_test(test_confidence_just_below_one_is_accepted),
        cmocka_unit_test(test_add_rejects_bad_scores_and_leaves_state),
        cmocka_unit_test(test_batch_is_all_or_nothing_and_names_the_index),
        cmocka_unit_test(test_batch_counts_equal_single_adds),
        cmocka_unit_test(test_csat_interval_matches_newcombe_1998),
        cmocka_unit_test(test_csat_top_boxes_are_configurable),
        cmocka_unit_test(test_csat_compare_two_proportion_hand_computation),
        cmocka_unit_test(test_ces_mean_t_interval_hand_computation),
        cmocka_unit_test(test_ces_needs_two_answers),
        cmocka_unit_test(test_ces_compare_welch_hand_computation),
        cmocka_unit_test(test_nps_compare_multinomial_z_hand_computation),
        cmocka_unit_test(test_compare_rejects_mismatch_empty_and_no_variance),
        cmocka_unit_test(test_merge_equals_adding_all_values_to_one),
        cmocka_unit_test(test_merge_rejects_different_scales),
        cmocka_unit_test(test_save_load_round_trip),
        cmocka_unit_test(test_load_rejects_truncated_and_corrupted_bytes),
        cmocka_unit_test(test_count_overflow_is_a_range_error),
        cmocka_unit_test(test_load_survives_random_corruption),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
