/* Tests of the quantile sketch.
 *
 * Reference values are exact order statistics of the same data, computed
 * here by sorting (an independent algorithm); the quantile definition is
 * the lower nearest rank x_(floor(q (n - 1))) of Masson, Rim and Lee,
 * "DDSketch", VLDB 2019, section 2. Published figures are named where used. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svcm.h"
#include "svcm/sketch.h"

/* ------------------------------------------------------------ helpers */

static uint64_t rng_state;
static uint64_t rng_next(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double rng_unit(void) /* (0, 1) */
{
    return ((double)(rng_next() >> 11) + 0.5) * 0x1p-53;
}
static double rng_normal(void)
{
    return sqrt(-2.0 * log(rng_unit())) * cos(6.283185307179586 * rng_unit());
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static svcm_sketch *make(double rel_err, size_t max_buckets, size_t exact_limit)
{
    svcm_sketch_options o;
    svcm_sketch_options_init(&o);
    o.rel_err = rel_err;
    o.max_buckets = max_buckets;
    o.exact_limit = exact_limit;
    svcm_sketch *s = NULL;
    assert_int_equal(svcm_sketch_new(&o, NULL, &s, NULL), SVCM_OK);
    return s;
}

/* Every quantile on a grid of q (and at every rank boundary for small n)
 * is within rel_err of the exact lower-nearest-rank value. */
static void check_quantiles(const svcm_sketch *s, const double *xs, size_t n, double rel_err)
{
    double *sorted = malloc(n * sizeof *sorted);
    assert_non_null(sorted);
    memcpy(sorted, xs, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_double);
    for (int i = 0; i <= 2000; i++) {
        double q = i / 2000.0, v;
        assert_int_equal(svcm_sketch_quantile(s, q, &v), SVCM_OK);
        double x = sorted[(size_t)floor(q * (double)(n - 1))];
        if (!(fabs(v - x) <= rel_err * x))
            fail_msg("q=%g: sketch %.17g, exact %.17g, rel %.3g > %g", q, v, x,
                     fabs(v - x) / x, rel_err);
    }
    free(sorted);
}

static void fill_and_check(double rel_err, const double *xs, size_t n)
{
    svcm_sketch *s = make(rel_err, SVCM_SKETCH_MAX_BUCKETS, 0); /* exact mode off */
    assert_int_equal(svcm_sketch_add_batch(s, xs, n, NULL), SVCM_OK);
    struct svcm_sketch_result st;
    assert_int_equal(svcm_sketch_result(s, &st), SVCM_OK);
    assert_int_equal(st.exact, 0);
    assert_true(st.collapsed_below == 0.0);
    check_quantiles(s, xs, n, rel_err);
    svcm_sketch_free(s);
}

/* ------------------------------------------------------------ options */

static void test_options_defaults_are_one_percent_2048_buckets_1024_exact(void **state)
{
    (void)state;
    svcm_sketch_options o;
    svcm_sketch_options_init(&o);
    assert_true(o.rel_err == 0.01);
    assert_int_equal(o.max_buckets, 2048);
    assert_int_equal(o.exact_limit, 1024);
    svcm_sketch_options_init(NULL); /* no-op */
    svcm_sketch *s = NULL;
    assert_int_equal(svcm_sketch_new(NULL, NULL, &s, NULL), SVCM_OK);
    svcm_sketch_options got;
    assert_int_equal(svcm_sketch_get_options(s, &got), SVCM_OK);
    assert_true(got.rel_err == 0.01 && got.max_buckets == 2048 && got.exact_limit == 1024);
    assert_int_equal(svcm_sketch_get_options(NULL, &got), SVCM_EINVAL);
    assert_int_equal(svcm_sketch_get_options(s, NULL), SVCM_EINVAL);
    svcm_sketch_free(s);
    svcm_sketch_free(NULL);
    svcm_sketch_reset(NULL);
}

static void test_new_rejects_out_of_range_options(void **state)
{
    (void)state;
    svcm_sketch_options o;
    svcm_sketch *s = NULL;
    const double bad_err[] = {0.0, 5e-5, 0.51, 1.0, -0.01, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad_err / sizeof bad_err[0]; i++) {
        svcm_sketch_options_init(&o);
        o.rel_err = bad_err[i];
        assert_int_equal(svcm_sketch_new(&o, NULL, &s, NULL), SVCM_EINVAL);
    }
    svcm_sketch_options_init(&o);
    o.max_buckets = SVCM_SKETCH_MIN_BUCKETS - 1;
    assert_int_equal(svcm_sketch_new(&o, NULL, &s, NULL), SVCM_EINVAL);
    o.max_buckets = (size_t)SVCM_SKETCH_MAX_BUCKETS + 1;
    assert_int_equal(svcm_sketch_new(&o, NULL, &s, NULL), SVCM_EINVAL);
    svcm_sketch_options_init(&o);
    o.exact_limit = (size_t)SVCM_SKETCH_MAX_EXACT + 1;
    assert_int_equal(svcm_sketch_new(&o, NULL, &s, NULL), SVCM_EINVAL);
    assert_null(s);
    assert_int_equal(svcm_sketch_new(NULL, NULL, NULL, NULL), SVCM_EINVAL);
    /* The extremes themselves are accepted. */
    svcm_sketch_options_init(&o);
    o.rel_err = SVCM_SKETCH_MIN_REL_ERR;
    o.max_buckets = SVCM_SKETCH_MIN_BUCKETS;
    o.exact_limit = 0;
    assert_int_equal(svcm_sketch_new(&o, NULL, &s, NULL), SVCM_OK);
    svcm_sketch_free(s);
    o.rel_err = SVCM_SKETCH_MAX_REL_ERR;
    o.exact_limit = SVCM_SKETCH_MAX_EXACT;
    assert_int_equal(svcm_sketch_new(&o, NULL, &s, NULL), SVCM_OK);
    svcm_sketch_free(s);
}

/* ------------------------------------------------------------ empty, bad input */

static void test_empty_sketch_has_no_quantiles_and_nan_stats(void **state)
{
    (void)state;
    svcm_sketch *s = make(0.01, 2048, 1024);
    double v = 42.0;
    assert_int_equal(svcm_sketch_quantile(s, 0.5, &v), SVCM_EEMPTY);
    assert_true(v == 42.0);
    double q = 0.5;
    svcm_error err;
    assert_int_equal(svcm_sketch_quantiles(s, &q, 1, &v, &err), SVCM_EEMPTY);
    assert_int_equal(err.code, SVCM_EEMPTY);
    assert_int_equal(svcm_sketch_count(s), 0);
    assert_int_equal(svcm_sketch_count(NULL), 0);
    struct svcm_sketch_result st;
    assert_int_equal(svcm_sketch_result(s, &st), SVCM_OK);
    assert_int_equal(st.count, 0);
    assert_true(st.sum == 0.0 && isnan(st.mean) && isnan(st.min) && isnan(st.max));
    assert_int_equal(st.buckets, 0);
    assert_int_equal(st.exact, 1);
    assert_int_equal(svcm_sketch_result(NULL, &st), SVCM_EINVAL);
    assert_int_equal(svcm_sketch_result(s, NULL), SVCM_EINVAL);
    svcm_sketch_free(s);
}

static void test_add_rejects_negative_nan_and_infinite_naming_the_index(void **state)
{
    (void)state;
    svcm_sketch *s = make(0.01, 2048, 4);
    const double good[] = {1.0, 2.0, 3.0, 4.0, 5.0};
    assert_int_equal(svcm_sketch_add_batch(s, good, 5, NULL), SVCM_OK);
    double before;
    assert_int_equal(svcm_sketch_quantile(s, 0.5, &before), SVCM_OK);
    const double bad[] = {-1.0, NAN, INFINITY, -INFINITY, -1e-300};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double batch[4] = {7.0, 8.0, 9.0, 10.0};
        batch[2] = bad[i];
        svcm_error err;
        svcm_error_clear(&err);
        assert_int_equal(svcm_sketch_add_batch(s, batch, 4, &err), SVCM_EINVAL);
        assert_int_equal(err.code, SVCM_EINVAL);
        assert_int_equal(err.index, 2);
        assert_string_equal(err.field, "value");
        assert_int_equal(svcm_sketch_add(s, bad[i]), SVCM_EINVAL);
    }
    /* Nothing was half-added. */
    assert_int_equal(svcm_sketch_count(s), 5);
    double after;
    assert_int_equal(svcm_sketch_quantile(s, 0.5, &after), SVCM_OK);
    assert_true(after == before);
    struct svcm_sketch_result st;
    svcm_sketch_result(s, &st);
    assert_true(st.sum == 15.0 && st.max == 5.0);
    assert_int_equal(svcm_sketch_add_batch(NULL, good, 1, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_sketch_add_batch(s, NULL, 1, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_sketch_add_batch(s, NULL, 0, NULL), SVCM_OK);
    assert_int_equal(svcm_sketch_add(NULL, 1.0), SVCM_EINVAL);
    svcm_sketch_free(s);
}

static void test_quantile_rejects_levels_outside_zero_one(void **state)
{
    (void)state;
    svcm_sketch *s = make(0.01, 2048, 1024);
    assert_int_equal(svcm_sketch_add(s, 3.0), SVCM_OK);
    double v = -1.0;
    assert_int_equal(svcm_sketch_quantile(s, -0.01, &v), SVCM_EINVAL);
    assert_int_equal(svcm_sketch_quantile(s, 1.01, &v), SVCM_EINVAL);
    assert_int_equal(svcm_sketch_quantile(s, NAN, &v), SVCM_EINVAL);
    assert_int_equal(svcm_sketch_quantile(s, 0.5, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_sketch_quantile(NULL, 0.5, &v), SVCM_EINVAL);
    const double qs[3] = {0.1, 0.5, 2.0};
    double out[3] = {-1.0, -1.0, -1.0};
    svcm_error err;
    assert_int_equal(svcm_sketch_quantiles(s, qs, 3, out, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, "q");
    assert_true(out[0] == -1.0 && out[1] == -1.0); /* nothing written */
    assert_int_equal(svcm_sketch_quantiles(s, NULL, 1, out, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_sketch_quantiles(s, qs, 1, NULL, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_sketch_quantiles(s, NULL, 0, NULL, NULL), SVCM_OK);
    svcm_sketch_free(s);
}

/* ------------------------------------------------------------ exact mode */

static void test_exact_mode_uses_lower_nearest_rank(void **state)
{
    (void)state;
    svcm_sketch *s = make(0.01, 2048, 1024);
    const double xs[] = {5.0, 1.0, 4.0, 2.0, 3.0};
    assert_int_equal(svcm_sketch_add_batch(s, xs, 5, NULL), SVCM_OK);
    /* sorted 1 2 3 4 5; r = floor(q * 4): q .25 -> 1 -> 2; .5 -> 2 -> 3;
     * .74 -> floor(2.96) = 2 -> 3; .75 -> 3 -> 4; .9 -> floor(3.6) = 3 -> 4. */
    const double qs[] = {0.0, 0.25, 0.5, 0.74, 0.75, 0.9, 1.0};
    const double want[] = {1.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0};
    double got[7];
    assert_int_equal(svcm_sketch_quantiles(s, qs, 7, got, NULL), SVCM_OK);
    for (int i = 0; i < 7; i++)
        assert_true(got[i] == want[i]);
    struct svcm_sketch_result st;
    svcm_sketch_result(s, &st);
    assert_int_equal(st.exact, 1);
    assert_true(st.mean == 3.0 && st.sum == 15.0 && st.min == 1.0 && st.max == 5.0);
    svcm_sketch_free(s);
}

static void test_exact_mode_answers_exactly_then_switches_past_the_limit(void **state)
{
    (void)state;
    rng_state = 11;
    enum { LIMIT = 300 };
    svcm_sketch *s = make(0.05, 2048, LIMIT);
    double xs[LIMIT + 1];
    for (int i = 0; i < LIMIT + 1; i++)
        xs[i] = exp(3.0 * rng_normal());
    /* Mixed single adds and batches in exact mode. */
    for (int i = 0; i < 10; i++)
        assert_int_equal(svcm_sketch_add(s, xs[i]), SVCM_OK);
    assert_int_equal(svcm_sketch_add_batch(s, xs + 10, 100, NULL), SVCM_OK);
    assert_int_equal(svcm_sketch_add_batch(s, xs + 110, LIMIT - 110, NULL), SVCM_OK);
    double sorted[LIMIT + 1];
    memcpy(sorted, xs, sizeof sorted);
    qsort(sorted, LIMIT, sizeof *sorted, cmp_double);
    struct svcm_sketch_result st;
    svcm_sketch_result(s, &st);
    assert_int_equal(st.exact, 1);
    for (int i = 0; i <= 1000; i++) {
        double q = i / 1000.0, v;
        assert_int_equal(svcm_sketch_quantile(s, q, &v), SVCM_OK);
        assert_true(v == sorted[(size_t)floor(q * (LIMIT - 1))]);
    }
    assert_int_equal(svcm_sketch_add(s, xs[LIMIT]), SVCM_OK);
    svcm_sketch_result(s, &st);
    assert_int_equal(st.exact, 0);
    check_quantiles(s, xs, LIMIT + 1, 0.05);
    svcm_sketch_free(s);
}

/* ------------------------------------------------------------ accuracy */

/* The median of {0, x, 2x}: the representative of x's bucket, unclamped
 * (0 is counted apart and 2x lies in a higher bucket). */
static double rep_of(svcm_sketch *s, double x)
{
    svcm_sketch_reset(s);
    const double three[3] = {0.0, x, 2.0 * x};
    assert_int_equal(svcm_sketch_add_batch(s, three, 3, NULL), SVCM_OK);
    double v;
    assert_int_equal(svcm_sketch_quantile(s, 0.5, &v), SVCM_OK);
    return v;
}

static void test_mapping_keeps_relative_error_across_every_bucket_boundary(void **state)
{
    (void)state;
    /* Black-box check of the bound proved in src/sketch.c: for values across
     * a binade, over 600 random decades, and on both sides of bucket
     * boundaries located by bisection down to adjacent doubles (where
     * rounding in the index mapping would show). */
    const double errs[] = {1e-4, 1e-3, 0.01, 0.05, 0.2, 0.5};
    rng_state = 5;
    for (size_t e = 0; e < sizeof errs / sizeof errs[0]; e++) {
        double a = errs[e];
        svcm_sketch *s = make(a, 8192, 0);
        for (int i = 0; i < 4096; i++) {
            double x = 1.0 + i / 4096.0, v = rep_of(s, x);
            if (!(fabs(v - x) <= a * x))
                fail_msg("rel_err %g: x %.17g -> %.17g", a, x, v);
        }
        for (int i = 0; i < 4000; i++) {
            double x = pow(10.0, -300.0 + 600.0 * rng_unit()), v = rep_of(s, x);
            if (!(fabs(v - x) <= a * x))
                fail_msg("rel_err %g: x %.17g -> %.17g", a, x, v);
        }
        for (int i = 0; i < 100; i++) {
            double lo = pow(10.0, -30.0 + 60.0 * rng_unit()), hi = lo * (1.0 + 4.0 * a);
            double rlo = rep_of(s, lo);
            assert_true(rep_of(s, hi) != rlo); /* a boundary lies between */
            while (nextafter(lo, INFINITY) < hi) {
                double mid = lo + (hi - lo) / 2.0;
                if (rep_of(s, mid) == rlo)
                    lo = mid;
                else
                    hi = mid;
            }
            double vlo = rep_of(s, lo), vhi = rep_of(s, hi);
            if (!(fabs(vlo - lo) <= a * lo) || !(fabs(vhi - hi) <= a * hi))
                fail_msg("rel_err %g: boundary %.17g -> %.17g / %.17g", a, lo, vlo, vhi);
            /* Adjacent buckets: the ratio of representatives is gamma or less. */
            assert_true(vhi / vlo <= (1.0 + a) / (1.0 - a) * (1.0 + 1e-12));
        }
        svcm_sketch_free(s);
    }
}

static void test_uniform_and_lognormal_within_relative_error(void **state)
{
    (void)state;
    enum { N = 200000 };
    double *xs = malloc(N * sizeof *xs);
    assert_non_null(xs);
    rng_state = 1;
    for (int i = 0; i < N; i++)
        xs[i] = 1000.0 * rng_unit();
    fill_and_check(0.01, xs, N);
    fill_and_check(0.001, xs, N);
    for (int i = 0; i < N; i++) /* resolution times: lognormal, median ~1 h */
        xs[i] = 3600.0 * exp(1.5 * rng_normal());
    fill_and_check(0.01, xs, N);
    fill_and_check(0.0001, xs, N);
    fill_and_check(0.5, xs, N);
    free(xs);
}

static void test_heavy_tail_bimodal_and_huge_range_within_relative_error(void **state)
{
    (void)state;
    enum { N = 100000 };
    double *xs = malloc(N * sizeof *xs);
    assert_non_null(xs);
    rng_state = 2;
    for (int i = 0; i < N; i++) /* Pareto, shape 1.1, scale 30 s */
        xs[i] = 30.0 / pow(rng_unit(), 1.0 / 1.1);
    fill_and_check(0.01, xs, N);
    for (int i = 0; i < N; i++) /* bimodal: quick replies and next-day ones */
        xs[i] = (i % 3 == 0) ? 60.0 + 10.0 * rng_unit() : 86400.0 * (1.0 + rng_unit());
    fill_and_check(0.01, xs, N);
    for (int i = 0; i < N; i++) /* log-uniform over 1e-6 .. 1e9 */
        xs[i] = pow(10.0, -6.0 + 15.0 * rng_unit());
    fill_and_check(0.01, xs, N);
    fill_and_check(0.002, xs, N);
    free(xs);
}

static void test_constant_zeros_single_and_subnormal_values(void **state)
{
    (void)state;
    double xs[1000];
    for (int i = 0; i < 1000; i++)
        xs[i] = 7.25;
    fill_and_check(0.01, xs, 1000);
    svcm_sketch *s = make(0.01, 2048, 0);
    double v;
    assert_int_equal(svcm_sketch_add_batch(s, xs, 1000, NULL), SVCM_OK);
    assert_int_equal(svcm_sketch_quantile(s, 0.5, &v), SVCM_OK);
    assert_true(v == 7.25); /* clamped to [min, max] = [7.25, 7.25] */
    svcm_sketch_free(s);

    for (int i = 0; i < 1000; i++)
        xs[i] = (i % 2) ? 0.0 : -0.0;
    s = make(0.01, 2048, 0);
    assert_int_equal(svcm_sketch_add_batch(s, xs, 1000, NULL), SVCM_OK);
    struct svcm_sketch_result st;
    svcm_sketch_result(s, &st);
    assert_int_equal(st.zero_count, 1000);
    assert_int_equal(st.buckets, 0);
    for (int i = 0; i <= 10; i++) {
        assert_int_equal(svcm_sketch_quantile(s, i / 10.0, &v), SVCM_OK);
        assert_true(v == 0.0 && !signbit(v));
    }
    svcm_sketch_free(s);

    s = make(0.01, 2048, 0);
    assert_int_equal(svcm_sketch_add(s, 12.5), SVCM_OK);
    assert_int_equal(svcm_sketch_quantile(s, 0.3, &v), SVCM_OK);
    assert_true(v == 12.5);
    svcm_sketch_free(s);

    /* Zeros mixed with values: ranks inside the zero count give 0. */
    const double mix[6] = {0.0, 0.0, 0.0, 10.0, 20.0, 30.0};
    s = make(0.01, 2048, 0);
    assert_int_equal(svcm_sketch_add_batch(s, mix, 6, NULL), SVCM_OK);
    check_quantiles(s, mix, 6, 0.01);
    svcm_sketch_free(s);

    /* Subnormal and extreme values are accepted and ordered. */
    const double ext[5] = {5e-324, 1e-310, 1.0, 1e300, DBL_MAX};
    s = make(0.01, SVCM_SKETCH_MAX_BUCKETS, 0);
    assert_int_equal(svcm_sketch_add_batch(s, ext, 5, NULL), SVCM_OK);
    svcm_sketch_result(s, &st);
    assert_int_equal(st.exact, 0);
    assert_true(st.collapsed_below == 0.0);
    assert_true(st.min == 5e-324 && st.max == DBL_MAX);
    assert_int_equal(svcm_sketch_quantile(s, 0.25, &v), SVCM_OK);
    assert_true(fabs(v - 1e-310) <= 0.01 * 1e-310);
    assert_int_equal(svcm_sketch_quantile(s, 0.5, &v), SVCM_OK);
    assert_true(fabs(v - 1.0) <= 0.01);
    assert_int_equal(svcm_sketch_quantile(s, 0.75, &v), SVCM_OK);
    assert_true(fabs(v - 1e300) <= 0.01 * 1e300);
    svcm_sketch_free(s);
    /* The top bucket's representative may lie past DBL_MAX: it is clamped
     * to the exact max, which is still within the bound. */
    const double top[3] = {1.0, 0.999 * DBL_MAX, DBL_MAX};
    s = make(0.01, SVCM_SKETCH_MAX_BUCKETS, 0);
    assert_int_equal(svcm_sketch_add_batch(s, top, 3, NULL), SVCM_OK);
    assert_int_equal(svcm_sketch_quantile(s, 0.5, &v), SVCM_OK);
    assert_true(isfinite(v) && fabs(v - top[1]) <= 0.01 * top[1]);
    svcm_sketch_free(s);
}

/* ------------------------------------------------------------ bounded memory */

static void test_huge_range_stays_within_max_buckets_and_upper_quantiles_hold(void **state)
{
    (void)state;
    enum { N = 100000 };
    double *xs = malloc(N * sizeof *xs);
    double *sorted = malloc(N * sizeof *sorted);
    assert_true(xs && sorted);
    rng_state = 3;
    for (int i = 0; i < N; i++)
        xs[i] = pow(10.0, -300.0 + 600.0 * rng_unit());
    svcm_sketch *s = make(0.01, 2048, 0);
    assert_int_equal(svcm_sketch_add_batch(s, xs, N, NULL), SVCM_OK);
    struct svcm_sketch_result st;
    assert_int_equal(svcm_sketch_result(s, &st), SVCM_OK);
    assert_int_equal(st.buckets, 2048);
    assert_true(st.collapsed_below > 0.0);
    memcpy(sorted, xs, N * sizeof *sorted);
    qsort(sorted, N, sizeof *sorted, cmp_double);
    size_t guaranteed = 0;
    for (int i = 0; i <= 1000; i++) {
        double q = i / 1000.0, v;
        assert_int_equal(svcm_sketch_quantile(s, q, &v), SVCM_OK);
        double x = sorted[(size_t)floor(q * (N - 1))];
        assert_true(v >= st.min && v <= st.max);
        if (x > st.collapsed_below) {
            guaranteed++;
            assert_true(fabs(v - x) <= 0.01 * x);
        }
    }
    /* 2048 buckets at 1 % span about 10^17.7 of the 10^600 range. */
    assert_true(guaranteed > 20 && guaranteed < 60);
    svcm_sketch_free(s);
    free(xs);
    free(sorted);
}

static void test_collapsing_does_not_depend_on_insertion_order(void **state)
{
    (void)state;
    enum { N = 5000 };
    double xs[N];
    for (int i = 0; i < N; i++)
        xs[i] = pow(10.0, -20.0 + 40.0 * i / (N - 1));
    svcm_sketch *up = make(0.02, 64, 0), *down = make(0.02, 64, 0), *mix = make(0.02, 64, 0);
    for (int i = 0; i < N; i++) {
        assert_int_equal(svcm_sketch_add(up, xs[i]), SVCM_OK);
        assert_int_equal(svcm_sketch_add(down, xs[N - 1 - i]), SVCM_OK);
    }
    for (int b = 0; b < N / 100; b++) /* batches of 100 in a shuffled order */
        assert_int_equal(svcm_sketch_add_batch(mix, xs + (b * 37 % (N / 100)) * 100, 100, NULL),
                         SVCM_OK);
    for (int i = 0; i <= 100; i++) {
        double a, b, c, q = i / 100.0;
        svcm_sketch_quantile(up, q, &a);
        svcm_sketch_quantile(down, q, &b);
        svcm_sketch_quantile(mix, q, &c);
        assert_true(a == b && b == c);
    }
    struct svcm_sketch_result st;
    svcm_sketch_result(up, &st);
    assert_int_equal(st.buckets, 64);
    svcm_sketch_free(up);
    svcm_sketch_free(down);
    svcm_sketch_free(mix);
}

static void test_batch_entirely_below_the_window_folds_into_its_floor(void **state)
{
    (void)state;
    svcm_sketch *a = make(0.05, 16, 0), *b = make(0.05, 16, 0);
    const double high[2] = {1e10, 2e10}, low[3] = {1e-10, 2e-10, 3e-10};
    assert_int_equal(svcm_sketch_add_batch(a, high, 2, NULL), SVCM_OK);
    assert_int_equal(svcm_sketch_add_batch(a, low, 3, NULL), SVCM_OK);
    assert_int_equal(svcm_sketch_add_batch(b, low, 3, NULL), SVCM_OK);
    assert_int_equal(svcm_sketch_add_batch(b, high, 2, NULL), SVCM_OK);
    struct svcm_sketch_result sa, sb;
    svcm_sketch_result(a, &sa);
    svcm_sketch_result(b, &sb);
    assert_int_equal(sa.buckets, 16);
    assert_int_equal(sb.buckets, 16);
    assert_true(sa.collapsed_below > 0.0 && sa.collapsed_below == sb.collapsed_below);
    assert_true(sa.collapsed_below < 1e10); /* the top values keep the bound */
    for (int i = 0; i <= 4; i++) {
        double u, v;
        svcm_sketch_quantile(a, i / 4.0, &u);
        svcm_sketch_quantile(b, i / 4.0, &v);
        assert_true(u == v);
        assert_true(u >= 1e-10 && u <= 2e10);
    }
    double v;
    svcm_sketch_quantile(a, 0.75, &v); /* rank 3: 1e10 */
    assert_true(fabs(v - 1e10) <= 0.05 * 1e10);
    svcm_sketch_free(a);
    svcm_sketch_free(b);
}

static void test_default_buckets_cover_80_microseconds_to_one_year(void **state)
{
    (void)state;
    /* Published figure (DDSketch Python package documentation, Datadog):
     * "If the data is time in seconds, the default of m = 2048 covers 80
     * microseconds to 1 year" at 1 % relative error. The cubic mapping needs
     * about 1 % more buckets than the logarithmic one, still well inside. */
    svcm_sketch *s = make(0.01, 2048, 0);
    const double xs[3] = {80e-6, 3600.0, 365.0 * 86400.0};
    assert_int_equal(svcm_sketch_add_batch(s, xs, 3, NULL), SVCM_OK);
    struct svcm_sketch_result st;
    svcm_sketch_result(s, &st);
    assert_true(st.collapsed_below == 0.0);
    assert_true(st.buckets <= 2048);
    /* And the header's claim: 1e-6 .. 1e9 s fits too. */
    const double wide[2] = {1e-6, 1e9};
    assert_int_equal(svcm_sketch_add_batch(s, wide, 2, NULL), SVCM_OK);
    svcm_sketch_result(s, &st);
    assert_true(st.collapsed_below == 0.0);
    svcm_sketch_free(s);
}

static void test_cubic_mapping_uses_about_one_percent_more_buckets_than_log(void **state)
{
    (void)state;
    /* Published figure (Masson et al.; DDSketch's CubicallyInterpolatedMapping
     * and the OpenTelemetry histogram discussion): the cubic interpolation
     * costs about 1 % more buckets than the optimal log mapping, which needs
     * ln(range) / ln(gamma) buckets. Ours: m = 0.7 / ln(gamma) per binade,
     * i.e. 0.7 / ln 2 = 1.0099 times the log mapping. */
    const double a = 0.01, gamma = (1.0 + a) / (1.0 - a);
    svcm_sketch *s = make(a, 65536, 0);
    const double xs[2] = {1.0, 0x1p40};
    assert_int_equal(svcm_sketch_add_batch(s, xs, 2, NULL), SVCM_OK);
    struct svcm_sketch_result st;
    svcm_sketch_result(s, &st);
    double log_buckets = 40.0 * log(2.0) / log(gamma); /* 1386.2 */
    double ratio = (double)st.buckets / log_buckets;
    assert_true(ratio > 1.005 && ratio < 1.015);
    svcm_sketch_free(s);
}

/* ------------------------------------------------------------ merge */

static void test_merge_equals_one_sketch_fed_everything(void **state)
{
    (void)state;
    enum { N = 60000 };
    double *xs = malloc(N * sizeof *xs);
    assert_non_null(xs);
    rng_state = 4;
    for (int i = 0; i < N; i++)
        xs[i] = (i % 10 == 0) ? 0.0 : exp(2.0 * rng_normal());
    const size_t limits[2] = {0, 1024};
    const size_t widths[2] = {2048, 64}; /* 64: collapsing while merging */
    for (int l = 0; l < 2; l++) {
        for (int w = 0; w < 2; w++) {
            svcm_sketch *all = make(0.01, widths[w], limits[l]);
            svcm_sketch *parts[3] = {make(0.01, widths[w], limits[l]),
                                     make(0.01, widths[w], limits[l]),
                                     make(0.01, widths[w], limits[l])};
            assert_int_equal(svcm_sketch_add_batch(all, xs, N, NULL), SVCM_OK);
            assert_int_equal(svcm_sketch_add_batch(parts[0], xs, 100, NULL), SVCM_OK);
            assert_int_equal(svcm_sketch_add_batch(parts[1], xs + 100, 30000, NULL), SVCM_OK);
            assert_int_equal(svcm_sketch_add_batch(parts[2], xs + 30100, N - 30100, NULL),
                             SVCM_OK);
            assert_int_equal(svcm_sketch_merge(parts[2], parts[0]), SVCM_OK);
            assert_int_equal(svcm_sketch_merge(parts[2], parts[1]), SVCM_OK);
            struct svcm_sketch_result a, b;
            svcm_sketch_result(all, &a);
            svcm_sketch_result(parts[2], &b);
            assert_int_equal(a.count, b.count);
            assert_int_equal(a.zero_count, b.zero_count);
            assert_int_equal(a.buckets, b.buckets);
            assert_true(a.min == b.min && a.max == b.max);
            assert_true(a.collapsed_below == b.collapsed_below);
            assert_true(fabs(a.sum - b.sum) <= 1e-12 * a.sum);
            for (int i = 0; i <= 1000; i++) {
                double q = i / 1000.0, u, v;
                svcm_sketch_quantile(all, q, &u);
                svcm_sketch_quantile(parts[2], q, &v);
                assert_true(u == v);
            }
            if (widths[w] == 2048)
                check_quantiles(parts[2], xs, N, 0.01);
            svcm_sketch_free(all);
            for (int p = 0; p < 3; p++)
                svcm_sketch_free(parts[p]);
        }
    }
    free(xs);
}

static void test_merge_of_small_exact_sketches_stays_exact(void **state)
{
    (void)state;
    svcm_sketch *a = make(0.01, 2048, 8), *b = make(0.01, 2048, 8), *e = make(0.01, 2048, 8);
    const double xa[4] = {4.0, 1.0, 9.0, 0.0}, xb[4] = {3.0, 8.0, 2.0, 5.0};
    svcm_sketch_add_batch(a, xa, 4, NULL);
    svcm_sketch_add_batch(b, xb, 4, NULL);
    assert_int_equal(svcm_sketch_merge(a, e), SVCM_OK); /* empty: no-op */
    assert_int_equal(svcm_sketch_merge(a, b), SVCM_OK);
    struct svcm_sketch_result st;
    svcm_sketch_result(a, &st);
    assert_int_equal(st.exact, 1);
    /* sorted 0 1 2 3 4 5 8 9; q .5 -> floor(3.5) = 3 -> 3; q .9 -> 6 -> 8 */
    double v;
    svcm_sketch_quantile(a, 0.5, &v);
    assert_true(v == 3.0);
    svcm_sketch_quantile(a, 0.9, &v);
    assert_true(v == 8.0);
    /* One more value passes the limit of 8. */
    assert_int_equal(svcm_sketch_merge(e, a), SVCM_OK);
    assert_int_equal(svcm_sketch_add(e, 6.0), SVCM_OK);
    svcm_sketch_result(e, &st);
    assert_int_equal(st.exact, 0);
    assert_int_equal(st.count, 9);
    svcm_sketch_free(a);
    svcm_sketch_free(b);
    svcm_sketch_free(e);
}

static void test_merge_with_itself_doubles_every_count(void **state)
{
    (void)state;
    const double xs[6] = {0.0, 1.0, 2.0, 4.0, 8.0, 16.0};
    double twice[12];
    for (int i = 0; i < 12; i++)
        twice[i] = xs[i % 6];
    for (int exact = 0; exact < 2; exact++) {
        svcm_sketch *s = make(0.01, 2048, exact ? 100 : 0);
        svcm_sketch *t = make(0.01, 2048, exact ? 100 : 0);
        svcm_sketch_add_batch(s, xs, 6, NULL);
        svcm_sketch_add_batch(t, twice, 12, NULL);
        assert_int_equal(svcm_sketch_merge(s, s), SVCM_OK);
        assert_int_equal(svcm_sketch_count(s), 12);
        for (int i = 0; i <= 100; i++) {
            double u, v;
            svcm_sketch_quantile(s, i / 100.0, &u);
            svcm_sketch_quantile(t, i / 100.0, &v);
            assert_true(u == v);
        }
        svcm_sketch_free(s);
        svcm_sketch_free(t);
    }
}

static void test_merge_refuses_different_settings(void **state)
{
    (void)state;
    svcm_sketch *a = make(0.01, 2048, 16), *b = make(0.02, 2048, 16);
    svcm_sketch *c = make(0.01, 1024, 16), *d = make(0.01, 2048, 8);
    assert_int_equal(svcm_sketch_add(b, 1.0), SVCM_OK);
    assert_int_equal(svcm_sketch_add(c, 1.0), SVCM_OK);
    assert_int_equal(svcm_sketch_add(d, 1.0), SVCM_OK);
    assert_int_equal(svcm_sketch_merge(a, b), SVCM_EMISMATCH);
    assert_int_equal(svcm_sketch_merge(a, c), SVCM_EMISMATCH);
    assert_int_equal(svcm_sketch_merge(a, d), SVCM_EMISMATCH);
    assert_int_equal(svcm_sketch_count(a), 0);
    assert_int_equal(svcm_sketch_merge(NULL, a), SVCM_EINVAL);
    assert_int_equal(svcm_sketch_merge(a, NULL), SVCM_EINVAL);
    svcm_sketch_free(a);
    svcm_sketch_free(b);
    svcm_sketch_free(c);
    svcm_sketch_free(d);
}

static void test_reset_empties_and_keeps_settings(void **state)
{
    (void)state;
    svcm_sketch *s = make(0.03, 100, 0);
    const double xs[3] = {1.0, 2.0, 3.0};
    svcm_sketch_add_batch(s, xs, 3, NULL);
    svcm_sketch_reset(s);
    assert_int_equal(svcm_sketch_count(s), 0);
    double v;
    assert_int_equal(svcm_sketch_quantile(s, 0.5, &v), SVCM_EEMPTY);
    svcm_sketch_options o;
    svcm_sketch_get_options(s, &o);
    assert_true(o.rel_err == 0.03 && o.max_buckets == 100 && o.exact_limit == 0);
    assert_int_equal(svcm_sketch_add(s, 5.0), SVCM_OK);
    assert_int_equal(svcm_sketch_quantile(s, 0.5, &v), SVCM_OK);
    assert_true(v == 5.0);
    svcm_sketch_free(s);
}

/* ------------------------------------------------------------ bytes */

static unsigned char *save(const svcm_sketch *s, size_t *len)
{
    assert_int_equal(svcm_sketch_save(s, NULL, 0, len), SVCM_ENOSPC);
    unsigned char *buf = malloc(*len);
    assert_non_null(buf);
    size_t len2 = 0;
    assert_int_equal(svcm_sketch_save(s, buf, *len, &len2), SVCM_OK);
    assert_int_equal(len2, *len);
    return buf;
}

static void assert_same_answers(const svcm_sketch *a, const svcm_sketch *b)
{
    struct svcm_sketch_result x, y;
    svcm_sketch_result(a, &x);
    svcm_sketch_result(b, &y);
    assert_int_equal(x.count, y.count);
    assert_int_equal(x.zero_count, y.zero_count);
    assert_int_equal(x.exact, y.exact);
    assert_int_equal(x.buckets, y.buckets);
    assert_true(x.count == 0 || (x.min == y.min && x.max == y.max));
    assert_true(x.sum == y.sum && x.collapsed_below == y.collapsed_below);
    for (int i = 0; x.count > 0 && i <= 200; i++) {
        double u, v;
        svcm_sketch_quantile(a, i / 200.0, &u);
        svcm_sketch_quantile(b, i / 200.0, &v);
        assert_true(u == v);
    }
}

static void round_trip(const svcm_sketch *s)
{
    size_t len;
    unsigned char *buf = save(s, &len);
    svcm_sketch *t = NULL;
    assert_int_equal(svcm_sketch_load(buf, len, NULL, &t, NULL), SVCM_OK);
    assert_same_answers(s, t);
    size_t len2;
    unsigned char *buf2 = save(t, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(buf, buf2, len);
    svcm_sketch_free(t);
    free(buf);
    free(buf2);
}

static void test_save_load_round_trips_exact_sketch_empty_and_collapsed(void **state)
{
    (void)state;
    svcm_sketch *s = make(0.01, 2048, 64);
    round_trip(s); /* empty */
    const double xs[5] = {0.0, 3.5, 1.25, 1e-3, 7.0};
    svcm_sketch_add_batch(s, xs, 5, NULL);
    round_trip(s); /* exact */
    rng_state = 9;
    for (int i = 0; i < 5000; i++)
        svcm_sketch_add(s, exp(4.0 * rng_normal()));
    round_trip(s); /* buckets */
    svcm_sketch_free(s);
    s = make(0.01, 32, 0);
    for (int i = 0; i < 1000; i++)
        svcm_sketch_add(s, pow(10.0, -50.0 + 0.1 * i));
    struct svcm_sketch_result st;
    svcm_sketch_result(s, &st);
    assert_true(st.collapsed_below > 0.0);
    round_trip(s); /* collapsed */
    svcm_sketch_free(s);
    s = make(0.01, 2048, 0);
    svcm_sketch_add(s, 0.0);
    svcm_sketch_add(s, 0.0);
    round_trip(s); /* only zeros, no buckets */
    svcm_sketch_free(s);
}

static void test_save_reports_size_and_refuses_small_buffers(void **state)
{
    (void)state;
    svcm_sketch *s = make(0.01, 2048, 0);
    svcm_sketch_add(s, 2.0);
    size_t len = 0;
    assert_int_equal(svcm_sketch_save(s, NULL, 0, &len), SVCM_ENOSPC);
    /* 12 header + 8 + 4 + 4 + 1 + 8 + 8 + 8 + 8 + 8 + 4 + 4 + one bucket 8 */
    assert_int_equal(len, 85);
    unsigned char buf[85];
    memset(buf, 0xAB, sizeof buf);
    size_t got = 0;
    assert_int_equal(svcm_sketch_save(s, buf, 84, &got), SVCM_ENOSPC);
    assert_int_equal(got, 85);
    assert_int_equal(buf[0], 0xAB); /* nothing written */
    assert_int_equal(svcm_sketch_save(s, buf, 85, NULL), SVCM_OK);
    assert_memory_equal(buf, "SVCM", 4);
    assert_int_equal(svcm_sketch_save(NULL, buf, 85, &got), SVCM_EINVAL);
    svcm_sketch_free(s);
}

static void test_load_rejects_every_truncation_and_survives_every_bit_flip(void **state)
{
    (void)state;
    for (int exact = 0; exact < 2; exact++) {
        svcm_sketch *s = make(0.01, 2048, exact ? 16 : 0);
        const double xs[6] = {0.0, 0.5, 1.0, 3.0, 30.0, 300.0};
        svcm_sketch_add_batch(s, xs, 6, NULL);
        size_t len;
        unsigned char *buf = save(s, &len);
        svcm_sketch *t = NULL;
        for (size_t cut = 0; cut < len; cut++)
            assert_int_equal(svcm_sketch_load(buf, cut, NULL, &t, NULL), SVCM_EFORMAT);
        assert_null(t);
        for (size_t i = 0; i < len; i++) {
            for (int bit = 0; bit < 8; bit++) {
                buf[i] ^= (unsigned char)(1u << bit);
                int rc = svcm_sketch_load(buf, len, NULL, &t, NULL);
                assert_true(rc == SVCM_OK || rc == SVCM_EFORMAT);
                if (rc == SVCM_OK) { /* a different but valid sketch */
                    double v;
                    assert_int_equal(svcm_sketch_quantile(t, 0.5, &v), SVCM_OK);
                    round_trip(t);
                    svcm_sketch_free(t);
                    t = NULL;
                }
                buf[i] ^= (unsigned char)(1u << bit);
            }
        }
        assert_int_equal(svcm_sketch_load(buf, len, NULL, &t, NULL), SVCM_OK);
        svcm_sketch_free(t);
        free(buf);
        svcm_sketch_free(s);
    }
}

/* Byte offsets in the saved form (after the 12-byte header). */
enum { OFF_ERR = 12, OFF_MAXB = 20, OFF_EXACT = 24, OFF_FLAGS = 28, OFF_COUNT = 29,
       OFF_ZERO = 37, OFF_SUM = 45, OFF_MIN = 53, OFF_MAX = 61, OFF_BODY = 69 };

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
static void put_f64(unsigned char *p, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    put_u64(p, v);
}

#define expect_format_error(orig, len, off, bytes, n)                         \
    expect_format_error_at(__LINE__, orig, len, off, bytes, n)
static void expect_format_error_at(int line, const unsigned char *orig, size_t len, size_t off,
                                   const void *bytes, size_t n)
{
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    memcpy(buf, orig, len);
    memcpy(buf + off, bytes, n);
    svcm_sketch *t = NULL;
    int rc = svcm_sketch_load(buf, len, NULL, &t, NULL);
    free(buf);
    if (rc != SVCM_EFORMAT) {
        svcm_sketch_free(t);
        fail_msg("line %d: load gave %d, not SVCM_EFORMAT", line, rc);
    }
}

static void test_load_rejects_inconsistent_fields(void **state)
{
    (void)state;
    svcm_sketch *s = make(0.01, 2048, 0);
    const double xs[4] = {1.0, 2.0, 4.0, 8.0};
    svcm_sketch_add_batch(s, xs, 4, NULL);
    size_t len;
    unsigned char *buf = save(s, &len);
    unsigned char b8[8];
    put_f64(b8, 0.7);
    expect_format_error(buf, len, OFF_ERR, b8, 8); /* rel_err out of range */
    put_f64(b8, NAN);
    expect_format_error(buf, len, OFF_ERR, b8, 8);
    put_f64(b8, 0.02);
    expect_format_error(buf, len, OFF_ERR, b8, 8); /* buckets no longer match */
    const unsigned char small[4] = {8, 0, 0, 0};
    expect_format_error(buf, len, OFF_MAXB, small, 4); /* max_buckets < 16 */
    const unsigned char big_exact[4] = {0, 0, 2, 0};
    expect_format_error(buf, len, OFF_EXACT, big_exact, 4); /* > SVCM_SKETCH_MAX_EXACT */
    const unsigned char flags_exact = 1, flags_bad = 4;
    expect_format_error(buf, len, OFF_FLAGS, &flags_exact, 1);
    expect_format_error(buf, len, OFF_FLAGS, &flags_bad, 1);
    put_u64(b8, 5);
    expect_format_error(buf, len, OFF_COUNT, b8, 8); /* counts do not add up */
    put_u64(b8, 1);
    expect_format_error(buf, len, OFF_ZERO, b8, 8); /* zeros but min > 0 */
    put_f64(b8, -1.0);
    expect_format_error(buf, len, OFF_SUM, b8, 8);
    put_f64(b8, NAN);
    expect_format_error(buf, len, OFF_SUM, b8, 8);
    /* Sums no 4 values in [1, 8] with maximum 8 can have (15 is theirs):
     * the mean would fall outside [min, max]. */
    put_f64(b8, 1e300);
    expect_format_error(buf, len, OFF_SUM, b8, 8); /* above 4 x max */
    put_f64(b8, INFINITY);
    expect_format_error(buf, len, OFF_SUM, b8, 8);
    put_f64(b8, 7.5);
    expect_format_error(buf, len, OFF_SUM, b8, 8); /* below max */
    put_f64(b8, 0.0);
    expect_format_error(buf, len, OFF_SUM, b8, 8);
    put_f64(b8, 100.0);
    expect_format_error(buf, len, OFF_MIN, b8, 8); /* min > max */
    put_f64(b8, 1000.0);
    expect_format_error(buf, len, OFF_MAX, b8, 8); /* max outside the top bucket */
    put_f64(b8, INFINITY);
    expect_format_error(buf, len, OFF_MAX, b8, 8);
    const unsigned char far_lo[4] = {0, 0, 0, 0x80}; /* INT32_MIN */
    expect_format_error(buf, len, OFF_BODY, far_lo, 4);
    const unsigned char many[4] = {0xFF, 0xFF, 0xFF, 0x7F};
    expect_format_error(buf, len, OFF_BODY + 4, many, 4);
    put_u64(b8, 0);
    expect_format_error(buf, len, OFF_BODY + 8, b8, 8); /* first bucket empty */
    put_u64(b8, UINT64_MAX);
    expect_format_error(buf, len, OFF_BODY + 8, b8, 8); /* overflowing total */
    const unsigned char v2[2] = {2, 0};
    expect_format_error(buf, len, 6, v2, 2); /* unknown version */
    const unsigned char kind[2] = {5, 0};
    expect_format_error(buf, len, 4, kind, 2); /* durations, not a sketch */
    expect_format_error(buf, len, 0, "SVCN", 4);
    /* Trailing bytes. */
    unsigned char *longer = malloc(len + 1);
    memcpy(longer, buf, len);
    longer[len] = 0;
    svcm_sketch *t = NULL;
    assert_int_equal(svcm_sketch_load(longer, len + 1, NULL, &t, NULL), SVCM_EFORMAT);
    free(longer);
    assert_int_equal(svcm_sketch_load(NULL, len, NULL, &t, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_sketch_load(buf, len, NULL, NULL, NULL), SVCM_EINVAL);
    free(buf);
    svcm_sketch_free(s);

    /* Exact form: unsorted, negative or NaN raw values. */
    s = make(0.01, 2048, 16);
    svcm_sketch_add_batch(s, xs, 4, NULL);
    buf = save(s, &len);
    put_f64(b8, 3.0);
    expect_format_error(buf, len, OFF_BODY + 8, b8, 8); /* 1 3 4 8: sum is not 15 */
    put_f64(b8, 0.5);
    expect_format_error(buf, len, OFF_BODY + 8, b8, 8); /* 1 0.5 4 8: unsorted */
    put_f64(b8, 0.5);
    expect_format_error(buf, len, OFF_BODY, b8, 8); /* 0.5 2 4 8: min is not 1 */
    put_f64(b8, -0.0);
    expect_format_error(buf, len, OFF_BODY, b8, 8);
    put_f64(b8, NAN);
    expect_format_error(buf, len, OFF_BODY + 16, b8, 8);
    put_u64(b8, 4000);
    expect_format_error(buf, len, OFF_COUNT, b8, 8); /* count above exact_limit */
    free(buf);
    svcm_sketch_free(s);
}

static void test_count_overflow_is_refused_with_erange(void **state)
{
    (void)state;
    /* A loaded sketch holding UINT64_MAX values of 1.0: one more overflows. */
    svcm_sketch *s = make(0.01, 2048, 0);
    svcm_sketch_add(s, 1.0);
    size_t len;
    unsigned char *buf = save(s, &len);
    put_u64(buf + OFF_COUNT, UINT64_MAX);
    put_f64(buf + OFF_SUM, 1.8446744073709552e19);
    put_u64(buf + OFF_BODY + 8, UINT64_MAX);
    svcm_sketch *big = NULL;
    assert_int_equal(svcm_sketch_load(buf, len, NULL, &big, NULL), SVCM_OK);
    assert_true(svcm_sketch_count(big) == UINT64_MAX);
    double v;
    assert_int_equal(svcm_sketch_quantile(big, 0.5, &v), SVCM_OK);
    assert_true(v == 1.0);
    svcm_error err;
    assert_int_equal(svcm_sketch_add_batch(big, &v, 1, &err), SVCM_ERANGE);
    assert_int_equal(err.code, SVCM_ERANGE);
    assert_int_equal(svcm_sketch_add(big, 2.0), SVCM_ERANGE);
    assert_int_equal(svcm_sketch_merge(big, s), SVCM_ERANGE);
    assert_int_equal(svcm_sketch_merge(big, big), SVCM_ERANGE);
    assert_true(svcm_sketch_count(big) == UINT64_MAX);
    svcm_sketch_free(big);
    svcm_sketch_free(s);
    free(buf);
}

/* ------------------------------------------------------------ allocator */

typedef struct {
    int allocs_left; /* fail when it reaches 0; negative: never */
    long live;
} counting_ctx;

static void *c_alloc(void *ctx, size_t n)
{
    counting_ctx *c = ctx;
    if (c->allocs_left == 0)
        return NULL;
    if (c->allocs_left > 0)
        c->allocs_left--;
    void *p = malloc(n);
    c->live += p != NULL;
    return p;
}
static void *c_realloc(void *ctx, void *p, size_t n)
{
    counting_ctx *c = ctx;
    if (c->allocs_left == 0)
        return NULL;
    if (c->allocs_left > 0)
        c->allocs_left--;
    void *q = realloc(p, n);
    c->live += (p == NULL && q != NULL);
    return q;
}
static void c_free(void *ctx, void *p)
{
    counting_ctx *c = ctx;
    c->live -= p != NULL;
    free(p);
}

static void test_out_of_memory_leaves_the_sketch_unchanged(void **state)
{
    (void)state;
    counting_ctx ctx = {-1, 0};
    svcm_allocator a = {c_alloc, c_realloc, c_free, &ctx};
    rng_state = 21;
    double xs[3000];
    for (int i = 0; i < 3000; i++)
        xs[i] = exp(5.0 * rng_normal());
    /* Fail the k-th allocation for every k until the whole scenario passes. */
    for (int k = 0; k < 64; k++) {
        ctx.allocs_left = -1;
        svcm_sketch_options o;
        svcm_sketch_options_init(&o);
        o.exact_limit = 100;
        svcm_sketch *s = NULL, *t = NULL;
        ctx.allocs_left = k;
        int rc = svcm_sketch_new(&o, &a, &s, NULL);
        if (rc != SVCM_OK) {
            assert_int_equal(rc, SVCM_ENOMEM);
            assert_int_equal(ctx.live, 0);
            continue;
        }
        int done = 1;
        for (int step = 0; step < 4 && done; step++) {
            uint64_t before = svcm_sketch_count(s);
            size_t off = (size_t)step * 50, n = step < 2 ? 40 : 1000;
            rc = svcm_sketch_add_batch(s, xs + off, n, NULL);
            if (rc != SVCM_OK) {
                assert_int_equal(rc, SVCM_ENOMEM);
                assert_int_equal(svcm_sketch_count(s), before);
                done = 0;
            }
        }
        if (done) {
            rc = svcm_sketch_new(&o, &a, &t, NULL);
            if (rc == SVCM_OK) {
                svcm_sketch_add_batch(t, xs + 2000, 1000, NULL);
                uint64_t before = svcm_sketch_count(s);
                rc = svcm_sketch_merge(s, t);
                assert_true(rc == SVCM_OK || rc == SVCM_ENOMEM);
                if (rc == SVCM_ENOMEM)
                    assert_int_equal(svcm_sketch_count(s), before);
            }
        }
        if (done && s != NULL) {
            /* Loading: every allocation failure is SVCM_ENOMEM, no leak. */
            size_t len = 0;
            svcm_sketch_save(s, NULL, 0, &len);
            unsigned char *buf = malloc(len);
            assert_non_null(buf);
            svcm_sketch_save(s, buf, len, NULL);
            long live = ctx.live;
            for (int j = 0; j < 4; j++) {
                svcm_sketch *u = NULL;
                ctx.allocs_left = j;
                rc = svcm_sketch_load(buf, len, &a, &u, NULL);
                assert_true(rc == SVCM_OK || rc == SVCM_ENOMEM);
                if (rc == SVCM_ENOMEM)
                    assert_null(u);
                svcm_sketch_free(u);
                assert_int_equal(ctx.live, live);
            }
            free(buf);
        }
        svcm_sketch_free(s);
        svcm_sketch_free(t);
        assert_int_equal(ctx.live, 0);
    }
}

/* Two values of DBL_MAX sum past the largest double: the Neumaier
 * compensation then holds inf - inf = NaN, which once leaked into the sum
 * (NaN) and made the saved bytes unloadable. The sum is +inf, like the
 * plain sum 2 * DBL_MAX, in exact mode and in bucket mode, and survives
 * save and load. */
static void test_sum_past_dbl_max_is_inf_not_nan_and_round_trips(void **state)
{
    (void)state;
    for (size_t exact_limit = 0; exact_limit <= 1024; exact_limit += 1024) {
        svcm_sketch *s = make(0.01, 2048, exact_limit);
        assert_int_equal(svcm_sketch_add(s, DBL_MAX), SVCM_OK);
        assert_int_equal(svcm_sketch_add(s, DBL_MAX), SVCM_OK);
        const double more[2] = {1.0, DBL_MAX};
        assert_int_equal(svcm_sketch_add_batch(s, more, 2, NULL), SVCM_OK);
        struct svcm_sketch_result st;
        assert_int_equal(svcm_sketch_result(s, &st), SVCM_OK);
        assert_true(isinf(st.sum) && st.sum > 0.0);
        assert_true(isinf(st.mean) && st.mean > 0.0);
        assert_true(st.max == DBL_MAX && st.min == 1.0);
        double p50;
        assert_int_equal(svcm_sketch_quantile(s, 0.5, &p50), SVCM_OK);
        assert_true(isfinite(p50) && fabs(p50 - DBL_MAX) <= 0.01 * DBL_MAX);
        /* Merging into itself keeps +inf too. */
        assert_int_equal(svcm_sketch_merge(s, s), SVCM_OK);
        assert_int_equal(svcm_sketch_result(s, &st), SVCM_OK);
        assert_true(isinf(st.sum) && st.sum > 0.0);
        size_t len = 0;
        assert_int_equal(svcm_sketch_save(s, NULL, 0, &len), SVCM_ENOSPC);
        unsigned char *buf = malloc(len);
        assert_non_null(buf);
        assert_int_equal(svcm_sketch_save(s, buf, len, &len), SVCM_OK);
        svcm_sketch *t = NULL;
        assert_int_equal(svcm_sketch_load(buf, len, NULL, &t, NULL), SVCM_OK);
        struct svcm_sketch_result lt;
        assert_int_equal(svcm_sketch_result(t, &lt), SVCM_OK);
        assert_true(isinf(lt.sum) && lt.sum > 0.0);
        assert_int_equal(lt.count, 8);
        free(buf);
        svcm_sketch_free(t);
        svcm_sketch_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_defaults_are_one_percent_2048_buckets_1024_exact),
        cmocka_unit_test(test_sum_past_dbl_max_is_inf_not_nan_and_round_trips),
        cmocka_unit_test(test_new_rejects_out_of_range_options),
        cmocka_unit_test(test_empty_sketch_has_no_quantiles_and_nan_stats),
        cmocka_unit_test(test_add_rejects_negative_nan_and_infinite_naming_the_index),
        cmocka_unit_test(test_quantile_rejects_levels_outside_zero_one),
        cmocka_unit_test(test_exact_mode_uses_lower_nearest_rank),
        cmocka_unit_test(test_exact_mode_answers_exactly_then_switches_past_the_limit),
        cmocka_unit_test(test_mapping_keeps_relative_error_across_every_bucket_boundary),
        cmocka_unit_test(test_uniform_and_lognormal_within_relative_error),
        cmocka_unit_test(test_heavy_tail_bimodal_and_huge_range_within_relative_error),
        cmocka_unit_test(test_constant_zeros_single_and_subnormal_values),
        cmocka_unit_test(test_huge_range_stays_within_max_buckets_and_upper_quantiles_hold),
        cmocka_unit_test(test_collapsing_does_not_depend_on_insertion_order),
        cmocka_unit_test(test_batch_entirely_below_the_window_folds_into_its_floor),
        cmocka_unit_test(test_default_buckets_cover_80_microseconds_to_one_year),
        cmocka_unit_test(test_cubic_mapping_uses_about_one_percent_more_buckets_than_log),
        cmocka_unit_test(test_merge_equals_one_sketch_fed_everything),
        cmocka_unit_test(test_merge_of_small_exact_sketches_stays_exact),
        cmocka_unit_test(test_merge_with_itself_doubles_every_count),
        cmocka_unit_test(test_merge_refuses_different_settings),
        cmocka_unit_test(test_reset_empties_and_keeps_settings),
        cmocka_unit_test(test_save_load_round_trips_exact_sketch_empty_and_collapsed),
        cmocka_unit_test(test_save_reports_size_and_refuses_small_buffers),
        cmocka_unit_test(test_load_rejects_every_truncation_and_survives_every_bit_flip),
        cmocka_unit_test(test_load_rejects_inconsistent_fields),
        cmocka_unit_test(test_count_overflow_is_refused_with_erange),
        cmocka_unit_test(test_out_of_memory_leaves_the_sketch_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
