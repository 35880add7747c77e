/* Tests of the statistics helpers against independent values.
 *
 * "mpmath" below means values computed with mpmath 1.3.0 at 50-60 significant
 * digits (normal quantile via erfinv or root-finding on ncdf, t CDF via the
 * regularized incomplete beta betainc), an implementation independent of
 * ours. Published values are named where they are used. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "svcm.h"

#define CLOSE(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void test_normal_quantile_matches_mpmath_over_the_range(void **state)
{
    (void)state;
    static const struct {
        double p, x;
    } ref[] = {
        {1e-300, -37.047096299361199237}, {1e-100, -21.273453560965324295},
        {1e-20, -9.2623400897984075737},  {1e-12, -7.0344838253011319298},
        {1e-9, -5.9978070150076868716},   {0.001, -3.0902323061678135415},
        {0.01, -2.3263478740408411009},   {0.02425, -1.9729610513118848503},
        {0.025, -1.9599639845400542355},  {0.3, -0.52440051270804078404},
        {0.5, 0.0},                       {0.7, 0.52440051270804078404},
        {0.975, 1.9599639845400542355},   {0.999, 3.0902323061678135415},
        /* the double nearest 0.999999999999 is 1 - 9.99978e-13 */
        {0.999999999999, 7.0344869100478352057},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        double x = NAN;
        assert_int_equal(svcm_normal_quantile(ref[i].p, &x), SVCM_OK);
        /* The bound: 1e-9 absolute over (1e-12, 1 - 1e-12). */
        CLOSE(x, ref[i].x, 1e-9);
    }
}

static void test_normal_quantile_inverts_cdf_on_a_fine_grid(void **state)
{
    (void)state;
    /* Round trip Phi(Phi^-1(p)) = p, relative, across 24 decades. */
    for (double lp = -24.0; lp <= -0.31; lp += 0.01) {
        double p = pow(10.0, lp), x, back;
        assert_int_equal(svcm_normal_quantile(p, &x), SVCM_OK);
        assert_int_equal(svcm_normal_cdf(x, &back), SVCM_OK);
        assert_true(fabs(back - p) <= 1e-13 * p);
        if (p > 1e-15) { /* 1 - p is still below 1 */
            /* q = 1 - p is rounded, but 1 - q is exact (Sterbenz): compare
             * the upper quantile of q with the lower quantile of 1 - q. */
            double q = 1.0 - p, y, xl;
            assert_int_equal(svcm_normal_quantile(q, &y), SVCM_OK);
            assert_int_equal(svcm_normal_quantile(1.0 - q, &xl), SVCM_OK);
            CLOSE(y, -xl, 1e-9 + 1e-12 * fabs(xl));
        }
    }
}

static void test_normal_quantile_rejects_outside_open_unit_interval(void **state)
{
    (void)state;
    double x = 42.0;
    assert_int_equal(svcm_normal_quantile(0.0, &x), SVCM_EINVAL);
    assert_int_equal(svcm_normal_quantile(1.0, &x), SVCM_EINVAL);
    assert_int_equal(svcm_normal_quantile(-0.1, &x), SVCM_EINVAL);
    assert_int_equal(svcm_normal_quantile(NAN, &x), SVCM_EINVAL);
    assert_int_equal(svcm_normal_quantile(0.5, NULL), SVCM_EINVAL);
    assert_true(x == 42.0); /* untouched on failure */
    assert_int_equal(svcm_normal_cdf(NAN, &x), SVCM_EINVAL);
    assert_int_equal(svcm_normal_cdf(INFINITY, &x), SVCM_OK);
    assert_true(x == 1.0);
}

static void test_t_cdf_matches_mpmath(void **state)
{
    (void)state;
    static const struct {
        double t, df, p;
    } ref[] = {
        {2.228138851986274, 10, 0.9749999999999999652},
        {-3.5, 3, 0.019740518809641399973},
        {0.5, 2.5, 0.67115104006514265533},
        {10, 4, 0.99971899818864200442},
        {-40, 7.3, 4.0185675839568610861e-10},
        {2, 1000, 0.97711482675337417998},
        {1.96, 1e6, 0.97500196620736510466},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        double p;
        assert_int_equal(svcm_t_cdf(ref[i].t, ref[i].df, &p), SVCM_OK);
        /* relative in the tail, absolute 1e-12 elsewhere */
        assert_true(fabs(p - ref[i].p) <= 1e-12 + 1e-9 * ref[i].p);
    }
}

static void test_t_cdf_matches_closed_forms_for_one_and_two_df(void **state)
{
    (void)state;
    /* df = 1 is the Cauchy law: 1/2 + atan(t)/pi; df = 2: 1/2 + t/(2 sqrt(2 + t^2)). */
    for (double t = -50.0; t <= 50.0; t += 0.37) {
        double p1, p2;
        assert_int_equal(svcm_t_cdf(t, 1.0, &p1), SVCM_OK);
        assert_int_equal(svcm_t_cdf(t, 2.0, &p2), SVCM_OK);
        CLOSE(p1, 0.5 + atan(t) / 3.14159265358979323846, 1e-13);
        CLOSE(p2, 0.5 + t / (2.0 * sqrt(2.0 + t * t)), 1e-13);
    }
}

static void test_t_cdf_infinite_df_is_normal(void **state)
{
    (void)state;
    double p, q;
    assert_int_equal(svcm_t_cdf(1.5, INFINITY, &p), SVCM_OK);
    assert_int_equal(svcm_normal_cdf(1.5, &q), SVCM_OK);
    assert_true(p == q);
    assert_int_equal(svcm_t_cdf(1.0, 0.0, &p), SVCM_EINVAL);
    assert_int_equal(svcm_t_cdf(1.0, -2.0, &p), SVCM_EINVAL);
    assert_int_equal(svcm_t_cdf(NAN, 2.0, &p), SVCM_EINVAL);
    assert_int_equal(svcm_t_cdf(1.0, NAN, &p), SVCM_EINVAL);
}

static void test_t_quantile_matches_mpmath(void **state)
{
    (void)state;
    static const struct {
        double p, df, t;
    } ref[] = {
        {0.975, 10, 2.2281388519862742245}, {0.995, 3, 5.8409093097333554113},
        {0.05, 7.5, -1.8757474792112884823}, {0.999, 1, 318.3088389855501632},
        {0.9, 2, 1.8856180831641270225},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        double t;
        assert_int_equal(svcm_t_quantile(ref[i].p, ref[i].df, &t), SVCM_OK);
        assert_true(fabs(t - ref[i].t) <= 1e-10 * fabs(ref[i].t));
    }
    double t;
    assert_int_equal(svcm_t_quantile(1.0, 3.0, &t), SVCM_EINVAL);
    assert_int_equal(svcm_t_quantile(0.5, 0.0, &t), SVCM_EINVAL);
    assert_int_equal(svcm_t_quantile(0.5, 3.0, &t), SVCM_OK);
    assert_true(t == 0.0);
}

static void test_wilson_matches_newcombe_1998_table(void **state)
{
    (void)state;
    /* Newcombe (1998), "Two-sided confidence intervals for the single
     * proportion", Statistics in Medicine 17:857-872, method 3 (score
     * interval without continuity correction), published to 4 decimals;
     * 1e-12 agreement with mpmath on the same formula. */
    static const struct {
        uint64_t x, n;
        double lo4, hi4, lo, hi;
    } ref[] = {
        {81, 263, 0.2553, 0.3662, 0.25528851987827424, 0.36620957698280006},
        {15, 148, 0.0624, 0.1605, 0.062386399530736286, 0.16048724172330803},
        {0, 20, 0.0000, 0.1611, 0.0, 0.16112515805281933},
        {1, 29, 0.0061, 0.1718, 0.0061132142927626622, 0.17175521879320284},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        svcm_interval iv;
        assert_int_equal(svcm_wilson(ref[i].x, ref[i].n, 0.95, &iv), SVCM_OK);
        CLOSE(iv.lo, ref[i].lo4, 0.00005);
        CLOSE(iv.hi, ref[i].hi4, 0.00005);
        CLOSE(iv.lo, ref[i].lo, 1e-12);
        CLOSE(iv.hi, ref[i].hi, 1e-12);
    }
}

static void test_wilson_other_levels_and_edges(void **state)
{
    (void)state;
    svcm_interval iv;
    /* mpmath, 99%: 45/50. */
    assert_int_equal(svcm_wilson(45, 50, 0.99, &iv), SVCM_OK);
    CLOSE(iv.lo, 0.74026921040431595, 1e-12);
    CLOSE(iv.hi, 0.96600911622158167, 1e-12);
    assert_int_equal(svcm_wilson(29, 29, 0.95, &iv), SVCM_OK);
    CLOSE(iv.lo, 0.88303020150025927, 1e-12);
    assert_true(iv.hi == 1.0);
    assert_int_equal(svcm_wilson(0, 0, 0.95, &iv), SVCM_EEMPTY);
    assert_int_equal(svcm_wilson(3, 2, 0.95, &iv), SVCM_EINVAL);
    assert_int_equal(svcm_wilson(1, 2, 1.0, &iv), SVCM_EINVAL);
    assert_int_equal(svcm_wilson(1, 2, 0.0, &iv), SVCM_EINVAL);
    assert_int_equal(svcm_wilson(1, 2, NAN, &iv), SVCM_EINVAL);
    assert_int_equal(svcm_wilson(1, 2, 0.95, NULL), SVCM_EINVAL);
}

/* Welch example 1 of the Wikipedia article "Welch's t-test" (two samples of
 * 15): published t = -2.46 (A1 - A2), df = 24.99, p = 0.021; full precision
 * from mpmath. */
static const double welch_a[15] = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1,
                                   21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
static const double welch_b[15] = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0,
                                   24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};

static void test_welch_matches_published_example(void **state)
{
    (void)state;
    svcm_moments a, b;
    svcm_moments_init(&a);
    svcm_moments_init(&b);
    assert_int_equal(svcm_moments_add_batch(&a, welch_a, 15, NULL), SVCM_OK);
    assert_int_equal(svcm_moments_add_batch(&b, welch_b, 15, NULL), SVCM_OK);
    double va, vb;
    assert_int_equal(svcm_moments_variance(&a, &va), SVCM_OK);
    assert_int_equal(svcm_moments_variance(&b, &vb), SVCM_OK);
    CLOSE(a.mean, 20.82, 1e-12);
    CLOSE(va, 7.8674285714285714, 1e-12);
    CLOSE(b.mean, 22.986666666666667, 1e-12);
    CLOSE(vb, 3.8126666666666667, 1e-12);
    struct svcm_test_result r;
    assert_int_equal(svcm_welch_t_test(a.mean, va, 15, b.mean, vb, 15, 0.95, &r), SVCM_OK);
    CLOSE(r.statistic, 2.46, 0.005);
    CLOSE(r.df, 24.99, 0.005);
    CLOSE(r.p_value, 0.021, 0.0005);
    CLOSE(r.statistic, 2.4553563982860051, 1e-11);
    CLOSE(r.df, 24.988529290231414, 1e-9);
    CLOSE(r.p_value, 0.021378001462867032, 1e-11);
    CLOSE(r.ci.lo, 0.34923706619240523, 1e-9);
    CLOSE(r.ci.hi, 3.9840962671409281, 1e-9);
    CLOSE(r.p_greater, r.p_value / 2.0, 1e-15);
    CLOSE(r.p_less + r.p_greater, 1.0, 1e-15);
    CLOSE(r.diff, b.mean - a.mean, 1e-15);
}

static void test_welch_rejects_bad_input(void **state)
{
    (void)state;
    struct svcm_test_result r;
    assert_int_equal(svcm_welch_t_test(1, 0, 5, 2, 0, 5, 0.95, &r), SVCM_ERANGE);
    assert_int_equal(svcm_welch_t_test(1, 1, 1, 2, 1, 5, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_welch_t_test(1, -1, 5, 2, 1, 5, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_welch_t_test(NAN, 1, 5, 2, 1, 5, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_welch_t_test(1, 1, 5, 2, INFINITY, 5, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_welch_t_test(1, 1, 5, 2, 1, 5, 1.5, &r), SVCM_EINVAL);
    assert_int_equal(svcm_welch_t_test(1, 1, 5, 2, 1, 5, 0.95, NULL), SVCM_EINVAL);
}

static void test_two_proportion_z_matches_mpmath(void **state)
{
    (void)state;
    /* Pooled z and unpooled Wald interval, computed with mpmath. */
    struct svcm_test_result r;
    assert_int_equal(svcm_two_proportion_z_test(45, 100, 60, 120, 0.95, &r), SVCM_OK);
    CLOSE(r.statistic, 0.7393130939809446, 1e-12);
    CLOSE(r.p_value, 0.4597169000968614, 1e-12);
    CLOSE(r.ci.lo, -0.082327811857513124, 1e-12);
    CLOSE(r.ci.hi, 0.18232781185751312, 1e-12);
    assert_true(isinf(r.df));
    assert_int_equal(svcm_two_proportion_z_test(120, 400, 90, 400, 0.95, &r), SVCM_OK);
    CLOSE(r.statistic, -2.4106302110709235, 1e-12);
    CLOSE(r.p_value, 0.015924985627566952, 1e-12);
    CLOSE(r.ci.lo, -0.13575690771847068, 1e-12);
    CLOSE(r.ci.hi, -0.014243092281529324, 1e-12);
    CLOSE(r.diff, -0.075, 1e-15);
}

static void test_two_proportion_z_rejects_bad_input(void **state)
{
    (void)state;
    struct svcm_test_result r;
    assert_int_equal(svcm_two_proportion_z_test(0, 10, 0, 10, 0.95, &r), SVCM_ERANGE);
    assert_int_equal(svcm_two_proportion_z_test(10, 10, 10, 10, 0.95, &r), SVCM_ERANGE);
    assert_int_equal(svcm_two_proportion_z_test(1, 0, 1, 10, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_two_proportion_z_test(0, 0, 1, 10, 0.95, &r), SVCM_EEMPTY);
    assert_int_equal(svcm_two_proportion_z_test(11, 10, 1, 10, 0.95, &r), SVCM_EINVAL);
    assert_int_equal(svcm_two_proportion_z_test(1, 10, 1, 10, 0.0, &r), SVCM_EINVAL);
}

static void test_moments_merge_equals_adding_all(void **state)
{
    (void)state;
    double xs[1000];
    uint64_t s = 12345;
    for (int i = 0; i < 1000; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        xs[i] = 1e6 + (double)(s >> 11) / 9007199254740992.0 * 100.0; /* large offset */
    }
    svcm_moments all, a, b;
    svcm_moments_init(&all);
    svcm_moments_init(&a);
    svcm_moments_init(&b);
    assert_int_equal(svcm_moments_add_batch(&all, xs, 1000, NULL), SVCM_OK);
    assert_int_equal(svcm_moments_add_batch(&a, xs, 377, NULL), SVCM_OK);
    assert_int_equal(svcm_moments_add_batch(&b, xs + 377, 623, NULL), SVCM_OK);
    assert_int_equal(svcm_moments_merge(&a, &b), SVCM_OK);
    assert_int_equal(a.n, all.n);
    CLOSE(a.mean, all.mean, 1e-9);
    CLOSE(a.m2, all.m2, 1e-9 * all.m2);
    assert_true(a.min == all.min && a.max == all.max);
    /* Two-pass reference for the variance. */
    double mean = 0, ss = 0;
    for (int i = 0; i < 1000; i++)
        mean += xs[i];
    mean /= 1000;
    for (int i = 0; i < 1000; i++)
        ss += (xs[i] - mean) * (xs[i] - mean);
    double v;
    assert_int_equal(svcm_moments_variance(&all, &v), SVCM_OK);
    CLOSE(v, ss / 999.0, 1e-10 * v);
    /* Merging an empty accumulator either way is the identity. */
    svcm_moments e, copy = all;
    svcm_moments_init(&e);
    assert_int_equal(svcm_moments_merge(&copy, &e), SVCM_OK);
    assert_memory_equal(&copy, &all, sizeof all);
    assert_int_equal(svcm_moments_merge(&e, &all), SVCM_OK);
    assert_memory_equal(&e, &all, sizeof all);
}

static void test_moments_batch_is_all_or_nothing(void **state)
{
    (void)state;
    svcm_moments m;
    svcm_moments_init(&m);
    const double xs[4] = {1.0, 2.0, NAN, 4.0};
    svcm_error err;
    assert_int_equal(svcm_moments_add_batch(&m, xs, 4, &err), SVCM_EINVAL);
    assert_int_equal(err.code, SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, "value");
    assert_int_equal(m.n, 0);
    assert_int_equal(svcm_moments_add(&m, INFINITY), SVCM_EINVAL);
    assert_int_equal(svcm_moments_add(NULL, 1.0), SVCM_EINVAL);
    assert_int_equal(svcm_moments_add_batch(&m, NULL, 0, NULL), SVCM_OK);
    assert_int_equal(svcm_moments_add_batch(&m, NULL, 1, NULL), SVCM_EINVAL);
    double v;
    assert_int_equal(svcm_moments_add(&m, 3.0), SVCM_OK);
    assert_int_equal(svcm_moments_variance(&m, &v), SVCM_EEMPTY);
    svcm_interval iv;
    assert_int_equal(svcm_moments_mean_ci(&m, 0.95, &iv), SVCM_EEMPTY);
}

static void test_moments_mean_ci_uses_student_t(void **state)
{
    (void)state;
    svcm_moments m;
    svcm_moments_init(&m);
    assert_int_equal(svcm_moments_add_batch(&m, welch_a, 15, NULL), SVCM_OK);
    svcm_interval iv;
    assert_int_equal(svcm_moments_mean_ci(&m, 0.95, &iv), SVCM_OK);
    /* 20.82 +- t(0.975, 14) sqrt(7.8674285714/15); t(0.975, 14) = 2.1447866879178038
     * (mpmath). */
    double half = 2.1447866879178038 * sqrt(7.8674285714285714 / 15.0);
    CLOSE(iv.lo, 20.82 - half, 1e-10);
    CLOSE(iv.hi, 20.82 + half, 1e-10);
}

static void test_moments_save_load_round_trip_and_rejects_garbage(void **state)
{
    (void)state;
    svcm_moments m, back;
    svcm_moments_init(&m);
    assert_int_equal(svcm_moments_add_batch(&m, welch_b, 15, NULL), SVCM_OK);
    unsigned char buf[SVCM_MOMENTS_SAVED_SIZE];
    size_t len = 0;
    assert_int_equal(svcm_moments_save(&m, NULL, 0, &len), SVCM_ENOSPC);
    assert_int_equal(len, SVCM_MOMENTS_SAVED_SIZE);
    assert_int_equal(svcm_moments_save(&m, buf, sizeof buf - 1, &len), SVCM_ENOSPC);
    assert_int_equal(svcm_moments_save(&m, buf, sizeof buf, &len), SVCM_OK);
    assert_int_equal(svcm_moments_load(buf, len, &back, NULL), SVCM_OK);
    assert_memory_equal(&m, &back, sizeof m);
    /* Every truncation and every single-byte flip of the header is rejected. */
    for (size_t n = 0; n < len; n++)
        assert_int_equal(svcm_moments_load(buf, n, &back, NULL), SVCM_EFORMAT);
    for (size_t i = 0; i < 12; i++) {
        unsigned char bad[SVCM_MOMENTS_SAVED_SIZE];
        memcpy(bad, buf, len);
        bad[i] ^= 0x40;
        assert_int_equal(svcm_moments_load(bad, len, &back, NULL), SVCM_EFORMAT);
    }
    /* Negative m2 is not a state any sequence of adds can reach. */
    unsigned char bad[SVCM_MOMENTS_SAVED_SIZE];
    memcpy(bad, buf, len);
    bad[12 + 8 + 8 + 7] |= 0x80;
    assert_int_equal(svcm_moments_load(bad, len, &back, NULL), SVCM_EFORMAT);
    svcm_moments empty;
    svcm_moments_init(&empty);
    assert_int_equal(svcm_moments_save(&empty, buf, sizeof buf, &len), SVCM_OK);
    assert_int_equal(svcm_moments_load(buf, len, &back, NULL), SVCM_OK);
    assert_int_equal(back.n, 0);
}

static void test_moments_at_the_edge_of_the_double_range(void **state)
{
    (void)state;
    /* {0, DBL_MAX}: mean DBL_MAX / 2 exactly; the variance (about 1.6e616)
     * is not a double. */
    svcm_moments m, back;
    svcm_moments_init(&m);
    assert_int_equal(svcm_moments_add(&m, 0.0), SVCM_OK);
    assert_int_equal(svcm_moments_add(&m, DBL_MAX), SVCM_OK);
    assert_true(m.mean == DBL_MAX / 2);
    double v = 42;
    assert_int_equal(svcm_moments_variance(&m, &v), SVCM_ERANGE);
    assert_true(v == 42);
    svcm_interval iv;
    assert_int_equal(svcm_moments_mean_ci(&m, 0.95, &iv), SVCM_ERANGE);
    unsigned char buf[SVCM_MOMENTS_SAVED_SIZE];
    size_t len;
    assert_int_equal(svcm_moments_save(&m, buf, sizeof buf, &len), SVCM_OK);
    assert_int_equal(svcm_moments_load(buf, len, &back, NULL), SVCM_OK);
    assert_memory_equal(&m, &back, sizeof m);
    /* {-DBL_MAX, DBL_MAX}: x - mean overflows; the mean is 0, never NaN. */
    svcm_moments_init(&m);
    assert_int_equal(svcm_moments_add(&m, -DBL_MAX), SVCM_OK);
    assert_int_equal(svcm_moments_add(&m, DBL_MAX), SVCM_OK);
    assert_true(m.mean == 0.0);
    assert_true(isinf(m.m2) && m.m2 > 0);
    assert_int_equal(svcm_moments_variance(&m, &v), SVCM_ERANGE);
    /* The same through a merge of two one-value accumulators. */
    svcm_moments a, b;
    svcm_moments_init(&a);
    svcm_moments_init(&b);
    svcm_moments_add(&a, -DBL_MAX);
    svcm_moments_add(&b, DBL_MAX);
    assert_int_equal(svcm_moments_merge(&a, &b), SVCM_OK);
    assert_true(a.mean == 0.0 && isinf(a.m2) && a.n == 2);
    assert_true(a.min == -DBL_MAX && a.max == DBL_MAX);
    /* A one-value state with a nonzero m2 is not reachable: rejected. */
    svcm_moments one;
    svcm_moments_init(&one);
    svcm_moments_add(&one, 5.0);
    one.m2 = 1.0;
    assert_int_equal(svcm_moments_save(&one, buf, sizeof buf, &len), SVCM_OK);
    assert_int_equal(svcm_moments_load(buf, len, &back, NULL), SVCM_EFORMAT);
}

static void test_confidence_next_to_one_is_accepted(void **state)
{
    (void)state;
    /* c = 1 - 2^-53: 0.5 + 0.5 c rounds to 1, the lower tail (1 - c) / 2 =
     * 2^-54 does not. z(1 - 2^-54) = 8.2923610758135955 (mpmath). */
    double c = 1.0 - 0x1p-53;
    svcm_interval iv;
    assert_int_equal(svcm_wilson(5, 10, c, &iv), SVCM_OK);
    assert_true(iv.lo >= 0.0 && iv.hi <= 1.0 && iv.lo < 0.5 && iv.hi > 0.5);
    struct svcm_test_result r;
    assert_int_equal(svcm_welch_t_test(1, 1, 10, 2, 1, 10, c, &r), SVCM_OK);
    assert_true(isfinite(r.ci.lo) && isfinite(r.ci.hi) && r.ci.lo < r.diff && r.diff < r.ci.hi);
    assert_int_equal(svcm_two_proportion_z_test(3, 10, 5, 10, c, &r), SVCM_OK);
    CLOSE(r.ci.hi - r.diff, 8.2923610758135955 * sqrt(0.3 * 0.7 / 10 + 0.5 * 0.5 / 10), 1e-9);
    svcm_moments m;
    svcm_moments_init(&m);
    assert_int_equal(svcm_moments_add_batch(&m, welch_a, 15, NULL), SVCM_OK);
    assert_int_equal(svcm_moments_mean_ci(&m, c, &iv), SVCM_OK);
    assert_true(isfinite(iv.lo) && isfinite(iv.hi));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_quantile_matches_mpmath_over_the_range),
        cmocka_unit_test(test_normal_quantile_inverts_cdf_on_a_fine_grid),
        cmocka_unit_test(test_normal_quantile_rejects_outside_open_unit_interval),
        cmocka_unit_test(test_t_cdf_matches_mpmath),
        cmocka_unit_test(test_t_cdf_matches_closed_forms_for_one_and_two_df),
        cmocka_unit_test(test_t_cdf_infinite_df_is_normal),
        cmocka_unit_test(test_t_quantile_matches_mpmath),
        cmocka_unit_test(test_wilson_matches_newcombe_1998_table),
        cmocka_unit_test(test_wilson_other_levels_and_edges),
        cmocka_unit_test(test_welch_matches_published_example),
        cmocka_unit_test(test_welch_rejects_bad_input),
        cmocka_unit_test(test_two_proportion_z_matches_mpmath),
        cmocka_unit_test(test_two_proportion_z_rejects_bad_input),
        cmocka_unit_test(test_moments_merge_equals_adding_all),
        cmocka_unit_test(test_moments_batch_is_all_or_nothing),
        cmocka_unit_test(test_moments_mean_ci_uses_student_t),
        cmocka_unit_test(test_moments_save_load_round_trip_and_rejects_garbage),
        cmocka_unit_test(test_moments_at_the_edge_of_the_double_range),
        cmocka_unit_test(test_confidence_next_to_one_is_accepted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
