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
    assert_string_equal(err.field, "kind");
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
    assert_int_equal(len, 12 + 16 + 10 * 8);
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
    memset(bad + 28, 0xff, 8);
    memset(bad + 36, 0xff, 8);
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
    memset(buf + 28 + 10 * 8, 0xff, 8); /* count of answer 10 = UINT64_MAX */
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


/* ------------------------------------------------------- conventions */

static svcm_feedback *make_with(svcm_feedback_options *o)
{
    svcm_feedback *f = NULL;
    svcm_error err;
    assert_int_equal(svcm_feedback_new(o, NULL, &f, &err), SVCM_OK);
    return f;
}

static void test_conventions_default_to_the_0_1_results(void **state)
{
    (void)state;
    for (int kind = 0; kind < 3; kind++) {
        svcm_feedback_options o;
        svcm_feedback_options_init(&o, (svcm_feedback_kind)kind);
        assert_int_equal(o.csat_method, SVCM_CSAT_METHOD_TOP_BOX);
        assert_int_equal(o.ces_method, SVCM_CES_METHOD_MEAN);
        assert_int_equal(o.nps_interval, SVCM_NPS_INTERVAL_WALD);
    }
    /* An accumulator that ignores a convention keeps it canonical. */
    svcm_feedback_options o, got;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS);
    o.csat_method = SVCM_CSAT_METHOD_MEAN;
    o.ces_method = SVCM_CES_METHOD_INDEX;
    svcm_feedback *f = make_with(&o);
    assert_int_equal(svcm_feedback_get_options(f, &got), SVCM_OK);
    assert_int_equal(got.csat_method, SVCM_CSAT_METHOD_TOP_BOX);
    assert_int_equal(got.ces_method, SVCM_CES_METHOD_MEAN);
    svcm_feedback *g = make(SVCM_FEEDBACK_KIND_NPS);
    add_n(g, 9, 2);
    assert_int_equal(svcm_feedback_merge(f, g), SVCM_OK);
    svcm_feedback_free(f);
    svcm_feedback_free(g);
}

static void expect_bad_option(const svcm_feedback_options *o, const char *field)
{
    svcm_feedback *f = NULL;
    svcm_error err;
    assert_int_equal(svcm_feedback_new(o, NULL, &f, &err), SVCM_EINVAL);
    assert_null(f);
    assert_int_equal(err.code, SVCM_EINVAL);
    assert_non_null(err.field);
    assert_string_equal(err.field, field);
    assert_true(strlen(err.message) > 0);
}

static void test_new_rejects_bad_conventions_naming_the_field(void **state)
{
    (void)state;
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    o.csat_method = (svcm_csat_method)3;
    expect_bad_option(&o, "csat_method");
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS);
    o.csat_method = (svcm_csat_method)-1; /* checked even where ignored */
    expect_bad_option(&o, "csat_method");
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CES);
    o.ces_method = (svcm_ces_method)7;
    expect_bad_option(&o, "ces_method");
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS);
    o.nps_interval = (svcm_nps_interval)2;
    expect_bad_option(&o, "nps_interval");
    /* CES TOP and INDEX are defined on 1-7 only. */
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CES);
    o.high = 5;
    o.ces_method = SVCM_CES_METHOD_TOP;
    expect_bad_option(&o, "ces_method");
    o.ces_method = SVCM_CES_METHOD_INDEX;
    expect_bad_option(&o, "ces_method");
    o.ces_method = SVCM_CES_METHOD_MEAN; /* the mean takes any scale */
    svcm_feedback_free(make_with(&o));
    /* RATED needs the top and bottom boxes apart: 3 + 3 > 5 levels. */
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    o.top_boxes = 3;
    o.csat_method = SVCM_CSAT_METHOD_RATED;
    expect_bad_option(&o, "top_boxes");
    o.csat_method = SVCM_CSAT_METHOD_TOP_BOX;
    svcm_feedback_free(make_with(&o));
    /* Scale errors name the scale field. */
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS);
    o.high = 7;
    expect_bad_option(&o, "high");
}

/* Counts of the answers 1..5 of a CSAT survey: 5, 5, 20, 30, 40 (n = 100). */
static svcm_feedback *csat_example(svcm_csat_method m)
{
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    o.csat_method = m;
    svcm_feedback *f = make_with(&o);
    static const int counts[5] = {5, 5, 20, 30, 40};
    for (int k = 0; k < 5; k++)
        add_n(f, k + 1, counts[k]);
    return f;
}

/* CSAT three ways on one survey, worked by hand from the definitions:
 * top-2-box 70/100 = 0.70 (today's default); Zendesk's satisfaction score
 * good / (good + bad) (Zendesk help centre, "Using customer satisfaction
 * ratings", support.zendesk.com/hc/en-us/articles/203662256: the score is
 * the good ratings over the good and bad ones; unrated left out) with 4-5
 * good, 1-2 bad and the neutral 3 left out: 70 / (70 + 10) = 0.875, Wilson
 * 95% [0.784972, 0.930664]; the mean (5 + 10 + 60 + 120 + 200) / 100 = 3.95
 * with s / sqrt(n) = 0.112254. */
static void test_csat_top_box_rated_and_mean_hand_computation(void **state)
{
    (void)state;
    struct svcm_feedback_result r;
    svcm_feedback *f = csat_example(SVCM_CSAT_METHOD_TOP_BOX);
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_near(r.value, 0.70, 1e-15);
    assert_int_equal(r.satisfied, 70);
    assert_int_equal(r.dissatisfied, 10);
    assert_int_equal(r.csat_method, SVCM_CSAT_METHOD_TOP_BOX);
    svcm_feedback_free(f);

    f = csat_example(SVCM_CSAT_METHOD_RATED);
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_near(r.value, 0.875, 1e-15);
    assert_int_equal(r.n, 100);
    assert_int_equal(r.satisfied, 70);
    assert_int_equal(r.dissatisfied, 10);
    assert_near(r.ci.lo, 0.7849719790084034, 1e-9);
    assert_near(r.ci.hi, 0.9306644238399514, 1e-9);
    assert_near(r.std_error, sqrt(0.875 * 0.125 / 80.0), 1e-15);
    assert_int_equal(r.csat_method, SVCM_CSAT_METHOD_RATED);
    svcm_feedback_free(f);

    f = csat_example(SVCM_CSAT_METHOD_MEAN);
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_near(r.value, 3.95, 1e-12);
    assert_near(r.std_error, 0.11225422086055428, 1e-12);
    assert_true(r.ci.lo < 3.95 && r.ci.hi > 3.95);
    svcm_feedback_free(f);
}

/* Zendesk's own two-button survey (Good, I'm satisfied / Bad, I'm
 * unsatisfied; same help-centre article) is the scale 1-2 with one top box:
 * 45 good and 5 bad give 45 / 50 = 90%, Wilson 95% [0.786398, 0.956524]. */
static void test_csat_rated_on_zendesk_good_bad_scale(void **state)
{
    (void)state;
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CSAT);
    o.high = 2;
    o.top_boxes = 1;
    o.csat_method = SVCM_CSAT_METHOD_RATED;
    svcm_feedback *f = make_with(&o);
    add_n(f, 2, 45);
    add_n(f, 1, 5);
    struct svcm_feedback_result r;
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_near(r.value, 0.9, 1e-15);
    assert_near(r.ci.lo, 0.7863976856252035, 1e-9);
    assert_near(r.ci.hi, 0.9565242350681096, 1e-9);
    svcm_feedback_free(f);
}

static void test_csat_rated_with_only_neutral_answers_is_empty(void **state)
{
    (void)state;
    svcm_feedback *f = csat_example(SVCM_CSAT_METHOD_RATED), *g = NULL;
    svcm_feedback_options o;
    svcm_feedback_get_options(f, &o);
    g = make_with(&o);
    add_n(g, 3, 4);
    struct svcm_feedback_result r;
    struct svcm_test_result t;
    assert_int_equal(svcm_feedback_result(g, 0.95, &r), SVCM_EEMPTY);
    assert_int_equal(svcm_feedback_compare(f, g, 0.95, &t), SVCM_EEMPTY);
    add_n(g, 5, 1);
    add_n(g, 1, 1);
    assert_int_equal(svcm_feedback_result(g, 0.95, &r), SVCM_OK);
    assert_near(r.value, 0.5, 1e-15);
    /* Compare: two-proportion test on good over rated: 70/80 vs 1/2. */
    struct svcm_test_result want;
    assert_int_equal(svcm_feedback_compare(f, g, 0.95, &t), SVCM_OK);
    assert_int_equal(svcm_two_proportion_z_test(70, 80, 1, 2, 0.95, &want), SVCM_OK);
    assert_near(t.diff, want.diff, 0.0);
    assert_near(t.p_value, want.p_value, 0.0);
    svcm_feedback_free(f);
    svcm_feedback_free(g);
}

/* The 1000 CES 2.0 answers (1-7 agreement) of CYS Group's worked examples,
 * "Customer Effort Score 7-point scale to average" (support.cys.group
 * article 3000095529): 80, 210, 140, 110, 160, 180, 120 answers 1..7. */
static svcm_feedback *ces_example(svcm_ces_method m)
{
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_CES);
    o.ces_method = m;
    svcm_feedback *f = make_with(&o);
    static const int counts[7] = {80, 210, 140, 110, 160, 180, 120};
    for (int k = 0; k < 7; k++)
        add_n(f, k + 1, counts[k]);
    return f;
}

/* CES mean: published 4080 / 1000 = 4.08 (CYS, article 3000095529). */
static void test_ces_mean_matches_cys_published_example(void **state)
{
    (void)state;
    svcm_feedback *f = ces_example(SVCM_CES_METHOD_MEAN);
    struct svcm_feedback_result r;
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_near(r.value, 4.08, 1e-12);
    assert_int_equal(r.ces_method, SVCM_CES_METHOD_MEAN);
    svcm_feedback_free(f);
}

/* CES top: share at or above 5 ("somewhat agree" or more; Gartner/CEB CES
 * 2.0 scale, 5-7 positive as CYS and Zonka describe it), by hand on the
 * same answers: (160 + 180 + 120) / 1000 = 0.46, Wilson 95% [0.429321,
 * 0.490985]. */
static void test_ces_top_share_hand_computation(void **state)
{
    (void)state;
    svcm_feedback *f = ces_example(SVCM_CES_METHOD_TOP);
    struct svcm_feedback_result r;
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_near(r.value, 0.46, 1e-15);
    assert_int_equal(r.satisfied, 460);
    assert_near(r.ci.lo, 0.42932142688110647, 1e-9);
    assert_near(r.ci.hi, 0.49098471379773795, 1e-9);
    /* A single answer has a share (no second answer needed). */
    svcm_feedback_options o;
    svcm_feedback_get_options(f, &o);
    svcm_feedback *one = make_with(&o);
    add_n(one, 6, 1);
    assert_int_equal(svcm_feedback_result(one, 0.95, &r), SVCM_OK);
    assert_near(r.value, 1.0, 0.0);
    svcm_feedback_free(one);
    svcm_feedback_free(f);
}

/* CES index: % easy (6-7) minus % difficult (1-3), in points (CYS,
 * "Customer Effort Score 7-point scale to index", article 3000095531), by
 * hand on the same answers: 30% - 43% = -13; Wald as NPS:
 * V = 0.30 + 0.43 - 0.13^2 = 0.7131, SE = 100 sqrt(V / 1000) = 2.670393,
 * 95% [-18.233875, -7.766125]. */
static void test_ces_index_hand_computation(void **state)
{
    (void)state;
    svcm_feedback *f = ces_example(SVCM_CES_METHOD_INDEX);
    struct svcm_feedback_result r;
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_near(r.value, -13.0, 1e-12);
    assert_int_equal(r.satisfied, 300);
    assert_int_equal(r.dissatisfied, 430);
    assert_near(r.std_error, 2.6703932294701467, 1e-12);
    assert_near(r.ci.lo, -18.23387455432109, 1e-9);
    assert_near(r.ci.hi, -7.7661254456789095, 1e-9);
    /* Compare: the NPS-style multinomial z-test. */
    svcm_feedback *g = ces_example(SVCM_CES_METHOD_INDEX);
    add_n(g, 7, 100);
    struct svcm_test_result t;
    assert_int_equal(svcm_feedback_compare(f, g, 0.95, &t), SVCM_OK);
    assert_near(t.diff, 100.0 * (400.0 / 1100.0 - 430.0 / 1100.0) + 13.0, 1e-12);
    assert_true(isinf(t.df));
    svcm_feedback_free(f);
    svcm_feedback_free(g);
}

static svcm_feedback *nps_counts(svcm_nps_interval iv, int promoters, int passives,
                                 int detractors)
{
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS);
    o.nps_interval = iv;
    svcm_feedback *f = make_with(&o);
    add_n(f, 10, promoters);
    add_n(f, 8, passives);
    add_n(f, 3, detractors);
    return f;
}

/* Adjusted Wald (Rocks 2016, The American Statistician 70(4); Sauro &
 * Lewis, MeasuringU "Evaluating NPS confidence intervals": add 3 to n and
 * 3/4 to promoters and detractors, then the standard error of a difference
 * of two proportions). The definition has no published numbers; by hand for
 * 250 promoters, 675 passives, 75 detractors (NPS 17.5): n' = 1003,
 * pP' = 250.75 / 1003, pD' = 75.75 / 1003, NPS' = 17.447657,
 * V' = pP' + pD' - (pP' - pD')^2, SE = 100 sqrt(V' / n') = 1.715222,
 * 95% [14.085883, 20.809431] (Wald: [14.137219, 20.862781]). */
static void test_nps_adjusted_wald_hand_computation(void **state)
{
    (void)state;
    struct svcm_feedback_result w, a;
    svcm_feedback *fw = nps_counts(SVCM_NPS_INTERVAL_WALD, 250, 675, 75);
    svcm_feedback *fa = nps_counts(SVCM_NPS_INTERVAL_ADJUSTED, 250, 675, 75);
    assert_int_equal(svcm_feedback_result(fw, 0.95, &w), SVCM_OK);
    assert_int_equal(svcm_feedback_result(fa, 0.95, &a), SVCM_OK);
    assert_near(w.value, 17.5, 1e-12);
    assert_near(a.value, 17.5, 1e-12); /* the value is the plain NPS */
    assert_near(w.ci.lo, 14.137219245413355, 1e-9);
    assert_near(w.ci.hi, 20.862780754586645, 1e-9);
    assert_near(a.std_error, 1.7152223175187946, 1e-12);
    assert_near(a.ci.lo, 14.085883061097096, 1e-9);
    assert_near(a.ci.hi, 20.80943099672942, 1e-9);
    assert_int_equal(a.nps_interval, SVCM_NPS_INTERVAL_ADJUSTED);
    assert_int_equal(w.nps_interval, SVCM_NPS_INTERVAL_WALD);
    /* Different conventions do not merge or compare. */
    struct svcm_test_result t;
    assert_int_equal(svcm_feedback_merge(fa, fw), SVCM_EMISMATCH);
    assert_int_equal(svcm_feedback_compare(fa, fw, 0.95, &t), SVCM_EMISMATCH);
    assert_int_equal(svcm_feedback_count(fa), 1000);
    svcm_feedback_free(fw);
    svcm_feedback_free(fa);
}

/* Where Wald collapses, adjusted Wald does not: 10 promoters out of 10.
 * Wald: NPS 100, V = 0, interval [100, 100]. Adjusted: n' = 13,
 * pP' = 10.75 / 13, pD' = 0.75 / 13, NPS' = 76.923077, SE = 15.010238,
 * 95% [47.503552, 106.342602] clamped to [47.503552, 100]. */
static void test_nps_adjusted_wald_small_sample(void **state)
{
    (void)state;
    struct svcm_feedback_result w, a;
    svcm_feedback *fw = nps_counts(SVCM_NPS_INTERVAL_WALD, 10, 0, 0);
    svcm_feedback *fa = nps_counts(SVCM_NPS_INTERVAL_ADJUSTED, 10, 0, 0);
    assert_int_equal(svcm_feedback_result(fw, 0.95, &w), SVCM_OK);
    assert_int_equal(svcm_feedback_result(fa, 0.95, &a), SVCM_OK);
    assert_near(w.ci.lo, 100.0, 0.0);
    assert_near(a.value, 100.0, 0.0);
    assert_near(a.std_error, 15.010237744338253, 1e-12);
    assert_near(a.ci.lo, 47.50355154479021, 1e-9);
    assert_near(a.ci.hi, 100.0, 0.0);
    /* Compare of two such periods: the adjusted standard errors make a
     * test possible where Wald has zero variance on both sides. */
    svcm_feedback *ga = nps_counts(SVCM_NPS_INTERVAL_ADJUSTED, 10, 0, 0);
    svcm_feedback *gw = nps_counts(SVCM_NPS_INTERVAL_WALD, 10, 0, 0);
    struct svcm_test_result t;
    assert_int_equal(svcm_feedback_compare(fw, gw, 0.95, &t), SVCM_ERANGE);
    assert_int_equal(svcm_feedback_compare(fa, ga, 0.95, &t), SVCM_OK);
    assert_near(t.diff, 0.0, 0.0);
    assert_near(t.ci.hi, Z975 * sqrt(2.0) * 15.010237744338253, 1e-9);
    svcm_feedback_free(fw);
    svcm_feedback_free(fa);
    svcm_feedback_free(ga);
    svcm_feedback_free(gw);
}

static void test_conventions_survive_save_and_load(void **state)
{
    (void)state;
    svcm_feedback *src[3] = {csat_example(SVCM_CSAT_METHOD_RATED),
                             ces_example(SVCM_CES_METHOD_INDEX),
                             nps_counts(SVCM_NPS_INTERVAL_ADJUSTED, 3, 2, 1)};
    for (int i = 0; i < 3; i++) {
        unsigned char buf[512];
        size_t len;
        svcm_feedback *g = NULL;
        assert_int_equal(svcm_feedback_save(src[i], buf, sizeof buf, &len), SVCM_OK);
        assert_int_equal(buf[6], 2); /* format version 2 */
        assert_int_equal(svcm_feedback_load(buf, len, NULL, &g, NULL), SVCM_OK);
        svcm_feedback_options a, b;
        svcm_feedback_get_options(src[i], &a);
        svcm_feedback_get_options(g, &b);
        assert_int_equal(a.csat_method, b.csat_method);
        assert_int_equal(a.ces_method, b.ces_method);
        assert_int_equal(a.nps_interval, b.nps_interval);
        struct svcm_feedback_result ra, rb;
        assert_int_equal(svcm_feedback_result(src[i], 0.9, &ra), SVCM_OK);
        assert_int_equal(svcm_feedback_result(g, 0.9, &rb), SVCM_OK);
        assert_summary_equal(&ra, &rb);
        assert_int_equal(svcm_feedback_merge(g, src[i]), SVCM_OK);
        /* A convention byte out of range, or set on a kind that ignores
         * it, is malformed. */
        for (int pos = 25; pos < 28; pos++) {
            unsigned char bad[512];
            memcpy(bad, buf, len);
            bad[pos] = 9;
            svcm_feedback *h = NULL;
            assert_int_equal(svcm_feedback_load(bad, len, NULL, &h, NULL), SVCM_EFORMAT);
            assert_null(h);
        }
        svcm_feedback_free(g);
    }
    unsigned char buf[512];
    size_t len;
    svcm_feedback *h = NULL;
    assert_int_equal(svcm_feedback_save(src[2], buf, sizeof buf, &len), SVCM_OK);
    buf[25] = SVCM_CSAT_METHOD_RATED; /* csat_method on an NPS */
    assert_int_equal(svcm_feedback_load(buf, len, NULL, &h, NULL), SVCM_EFORMAT);
    for (int i = 0; i < 3; i++)
        svcm_feedback_free(src[i]);
}

/* Bytes saved by 0.1 (format version 1: no convention bytes) still load,
 * with the default conventions. The bytes are built by hand here: header
 * "SVCM", kind tag, version 1, payload length; u8 kind NPS, u32 low 0,
 * u32 high 10, u32 top boxes 2, eleven u64 counts. */
static void test_version_1_bytes_load_with_default_conventions(void **state)
{
    (void)state;
    unsigned char v2[256], v1[256];
    size_t len;
    svcm_feedback *f = make(SVCM_FEEDBACK_KIND_NPS), *g = NULL;
    add_n(f, 10, 3);
    add_n(f, 0, 1);
    assert_int_equal(svcm_feedback_save(f, v2, sizeof v2, &len), SVCM_OK);
    memcpy(v1, v2, 25);
    memcpy(v1 + 25, v2 + 28, len - 28);
    v1[6] = 1;
    v1[7] = 0;
    uint32_t payload = (uint32_t)(len - 3 - 12);
    for (int i = 0; i < 4; i++)
        v1[8 + i] = (unsigned char)(payload >> (8 * i));
    assert_int_equal(svcm_feedback_load(v1, len - 3, NULL, &g, NULL), SVCM_OK);
    svcm_feedback_options o;
    svcm_feedback_get_options(g, &o);
    assert_int_equal(o.nps_interval, SVCM_NPS_INTERVAL_WALD);
    struct svcm_feedback_result r;
    assert_int_equal(svcm_feedback_result(g, 0.95, &r), SVCM_OK);
    assert_near(r.value, 50.0, 1e-12);
    assert_int_equal(svcm_feedback_merge(g, f), SVCM_OK);
    /* A version-2 layout labelled version 1 is malformed (3 bytes too many),
     * and version 3 is unknown. */
    svcm_feedback *h = NULL;
    v2[6] = 1;
    assert_int_equal(svcm_feedback_load(v2, len, NULL, &h, NULL), SVCM_EFORMAT);
    v2[6] = 3;
    assert_int_equal(svcm_feedback_load(v2, len, NULL, &h, NULL), SVCM_EFORMAT);
    assert_null(h);
    svcm_feedback_free(f);
    svcm_feedback_free(g);
}

/* ------------------------------------------- FCR from repeat contacts */

#define DAY 86400

/* The example of the header, worked by hand (window 7 days, as_of day 20):
 * A on days 1, 5, 15 and B on day 1 -> A1 repeated (A5 4 days later), A5
 * resolved (next 10 days later, day 12 <= 20), A15 undecided (day 22 > 20),
 * B1 resolved: 2 of 3. Definition (no published numbers): Call Centre
 * Helper's glossary, "First Call (Contact) Resolution (FCR)", 2022: an
 * interaction fails FCR when the customer contacts again within 7 days;
 * svcm has no issue field, so any other ticket of the customer counts. */
static void test_fcr_repeats_worked_example(void **state)
{
    (void)state;
    const int64_t customer[] = {7, 9, 7, 7};
    const int64_t created[] = {1 * DAY, 1 * DAY, 5 * DAY, 15 * DAY};
    uint8_t outcome[4] = {99, 99, 99, 99};
    svcm_rate r;
    svcm_error err;
    assert_int_equal(svcm_fcr_repeats(customer, created, 4, 7 * DAY, 20 * DAY, NULL, outcome,
                                      &r, &err),
                     SVCM_OK);
    assert_int_equal(outcome[0], SVCM_FCR_OUTCOME_REPEATED);
    assert_int_equal(outcome[1], SVCM_FCR_OUTCOME_RESOLVED);
    assert_int_equal(outcome[2], SVCM_FCR_OUTCOME_RESOLVED);
    assert_int_equal(outcome[3], SVCM_FCR_OUTCOME_UNDECIDED);
    assert_int_equal(r.kind, SVCM_RATE_KIND_FCR);
    assert_int_equal(r.successes, 2);
    assert_int_equal(r.trials, 3);
    /* The outcome array is optional. */
    svcm_rate r2;
    assert_int_equal(svcm_fcr_repeats(customer, created, 4, 7 * DAY, 20 * DAY, NULL, NULL, &r2,
                                      NULL),
                     SVCM_OK);
    assert_int_equal(r2.successes, 2);
    assert_int_equal(r2.trials, 3);
}

static void test_fcr_repeats_edges(void **state)
{
    (void)state;
    uint8_t o[3];
    svcm_rate r;
    /* A repeat exactly one window later counts; one second more does not. */
    const int64_t cu[] = {1, 1};
    const int64_t at[] = {0, 100};
    assert_int_equal(svcm_fcr_repeats(cu, at, 2, 100, 1000, NULL, o, &r, NULL), SVCM_OK);
    assert_int_equal(o[0], SVCM_FCR_OUTCOME_REPEATED);
    assert_int_equal(svcm_fcr_repeats(cu, at, 2, 99, 1000, NULL, o, &r, NULL), SVCM_OK);
    assert_int_equal(o[0], SVCM_FCR_OUTCOME_RESOLVED);
    /* A window that ends exactly at as_of is observed whole. */
    assert_int_equal(svcm_fcr_repeats(cu, at, 2, 50, 150, NULL, o, &r, NULL), SVCM_OK);
    assert_int_equal(o[1], SVCM_FCR_OUTCOME_RESOLVED);
    assert_int_equal(svcm_fcr_repeats(cu, at, 2, 51, 150, NULL, o, &r, NULL), SVCM_OK);
    assert_int_equal(o[1], SVCM_FCR_OUTCOME_UNDECIDED);
    /* Ties at one instant: the later row is the repeat of the earlier. */
    const int64_t tc[] = {5, 5, 5};
    const int64_t tt[] = {10, 10, 10};
    assert_int_equal(svcm_fcr_repeats(tc, tt, 3, 1, 11, NULL, o, &r, NULL), SVCM_OK);
    assert_int_equal(o[0], SVCM_FCR_OUTCOME_REPEATED);
    assert_int_equal(o[1], SVCM_FCR_OUTCOME_REPEATED);
    assert_int_equal(o[2], SVCM_FCR_OUTCOME_RESOLVED);
    /* Input order does not matter beyond ties; extreme instants and ids do
     * not overflow. */
    const int64_t xc[] = {INT64_MAX, INT64_MIN, INT64_MAX};
    const int64_t xt[] = {INT64_MAX - 5, INT64_MIN, INT64_MIN};
    assert_int_equal(svcm_fcr_repeats(xc, xt, 3, INT64_MAX, INT64_MAX, NULL, o, &r, NULL),
                     SVCM_OK);
    /* Row 2's next ticket (row 0) is 2^64 - 6 s later: beyond the window,
     * computed without overflow; the whole window of rows 1 and 2 lies
     * before as_of; row 0's runs past it. */
    assert_int_equal(o[2], SVCM_FCR_OUTCOME_RESOLVED);
    assert_int_equal(o[1], SVCM_FCR_OUTCOME_RESOLVED);
    assert_int_equal(o[0], SVCM_FCR_OUTCOME_UNDECIDED);
    assert_int_equal(r.successes, 2);
    assert_int_equal(r.trials, 2);
    /* The same customers a window apart at the ends of the int64 range. */
    const int64_t yc[] = {3, 3};
    const int64_t yt[] = {INT64_MIN, INT64_MAX};
    assert_int_equal(svcm_fcr_repeats(yc, yt, 2, INT64_MAX, INT64_MAX, NULL, o, &r, NULL),
                     SVCM_OK);
    assert_int_equal(o[0], SVCM_FCR_OUTCOME_RESOLVED); /* 2^64 - 1 > INT64_MAX */
    /* No tickets: an empty rate. */
    assert_int_equal(svcm_fcr_repeats(NULL, NULL, 0, 1, 0, NULL, NULL, &r, NULL), SVCM_OK);
    assert_int_equal(r.trials, 0);
}

static void test_fcr_repeats_rejects_bad_input_naming_it(void **state)
{
    (void)state;
    const int64_t cu[] = {1, 2, 3};
    const int64_t at[] = {0, 50, 500};
    svcm_rate r = {SVCM_RATE_KIND_GENERIC, 4, 5};
    uint8_t o[3] = {7, 7, 7};
    svcm_error err;
    assert_int_equal(svcm_fcr_repeats(cu, at, 3, 10, 100, NULL, o, &r, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, "created");
    assert_int_equal(r.trials, 5); /* nothing written */
    assert_int_equal(o[0], 7);
    assert_int_equal(svcm_fcr_repeats(cu, at, 3, 0, 1000, NULL, o, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "window");
    assert_int_equal(svcm_fcr_repeats(cu, at, 3, -5, 1000, NULL, o, &r, &err), SVCM_EINVAL);
    assert_int_equal(svcm_fcr_repeats(NULL, at, 3, 5, 1000, NULL, o, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "customer");
    assert_int_equal(svcm_fcr_repeats(cu, NULL, 3, 5, 1000, NULL, o, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "created");
    assert_int_equal(svcm_fcr_repeats(cu, at, 3, 5, 1000, NULL, o, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "out");
    svcm_allocator half = {fail_alloc, NULL, counting_free, NULL};
    assert_int_equal(svcm_fcr_repeats(cu, at, 3, 5, 1000, &half, o, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "alloc");
    int calls = 0;
    svcm_allocator a = {fail_alloc, fail_realloc, counting_free, &calls};
    assert_int_equal(svcm_fcr_repeats(cu, at, 3, 5, 1000, &a, o, &r, &err), SVCM_ENOMEM);
    assert_int_equal(r.trials, 5);
    assert_int_equal(o[0], 7);
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
        cmocka_unit_test(test_conventions_default_to_the_0_1_results),
        cmocka_unit_test(test_new_rejects_bad_conventions_naming_the_field),
        cmocka_unit_test(test_csat_top_box_rated_and_mean_hand_computation),
        cmocka_unit_test(test_csat_rated_on_zendesk_good_bad_scale),
        cmocka_unit_test(test_csat_rated_with_only_neutral_answers_is_empty),
        cmocka_unit_test(test_ces_mean_matches_cys_published_example),
        cmocka_unit_test(test_ces_top_share_hand_computation),
        cmocka_unit_test(test_ces_index_hand_computation),
        cmocka_unit_test(test_nps_adjusted_wald_hand_computation),
        cmocka_unit_test(test_nps_adjusted_wald_small_sample),
        cmocka_unit_test(test_conventions_survive_save_and_load),
        cmocka_unit_test(test_version_1_bytes_load_with_default_conventions),
        cmocka_unit_test(test_fcr_repeats_worked_example),
        cmocka_unit_test(test_fcr_repeats_edges),
        cmocka_unit_test(test_fcr_repeats_rejects_bad_input_naming_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
