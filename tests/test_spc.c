/* Tests of the individuals (XmR) chart and the Western Electric rules. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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

/* NIST/SEMATECH e-Handbook of Statistical Methods, section 6.3.2.2
 * "Individuals Control Charts": ten batch values with mean 50.81, average
 * moving range 1.8778, UCL 55.8041 and LCL 45.8159 as printed there.
 * By hand: sum = 508.1, mean = 50.81; moving ranges 2.0 2.3 1.4 3.5 3.4 1.4
 * 0.2 1.2 1.5 sum to 16.9, MRbar = 16.9 / 9 = 1.87778; 3 MRbar / 1.128 =
 * 4.99409, so UCL = 55.80409 and LCL = 45.81591. */
static const double nist_batches[10] = {49.6, 47.6, 49.9, 51.3, 47.8,
                                        51.2, 52.6, 52.4, 53.6, 52.1};

static void test_xmr_matches_nist_handbook_individuals_example(void **state)
{
    (void)state;
    svcm_xmr x;
    assert_int_equal(svcm_xmr_limits(nist_batches, 10, &x, NULL), SVCM_OK);
    assert_int_equal(x.n, 10);
    assert_near(x.center, 50.81, 1e-12);
    assert_near(x.mr_bar, 1.8778, 5e-5);  /* printed to 4 decimals */
    assert_near(x.ucl, 55.8041, 5e-5);
    assert_near(x.lcl, 45.8159, 5e-5);
    /* sigma = MRbar / d2, d2 = 1.128 for n = 2. */
    assert_near(x.sigma, x.mr_bar / 1.128, 1e-15);
}

/* Montgomery, Introduction to Statistical Quality Control, chapter 6
 * (individuals control chart example): weekly cost of processing mortgage
 * loans over 20 weeks. The book gives centre 300.5, MRbar 7.79, UCL 321.22
 * and LCL 279.78, with every point inside the limits. */
static const double montgomery_loans[20] = {310, 288, 297, 298, 307, 303, 294,
                                            297, 308, 306, 294, 299, 297, 299,
                                            314, 295, 293, 306, 301, 304};

static void test_xmr_matches_montgomery_mortgage_loan_costs(void **state)
{
    (void)state;
    svcm_xmr x;
    assert_int_equal(svcm_xmr_limits(montgomery_loans, 20, &x, NULL), SVCM_OK);
    assert_near(x.center, 300.5, 1e-12);
    assert_near(x.mr_bar, 7.79, 5e-3);
    assert_near(x.ucl, 321.22, 5e-3);
    assert_near(x.lcl, 279.78, 5e-3);
    /* Every point inside the limits: no rule-1 signal. */
    svcm_we_signal sig[80];
    size_t n = 99;
    assert_int_equal(svcm_western_electric(montgomery_loans, 20, x.center, x.sigma, sig, 80,
                                           &n, NULL),
                     SVCM_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_not_equal(sig[i].rule, 1);
}

static void test_xmr_needs_two_finite_points(void **state)
{
    (void)state;
    svcm_xmr x;
    svcm_error err;
    double one[1] = {1.0};
    assert_int_equal(svcm_xmr_limits(one, 1, &x, &err), SVCM_EEMPTY);
    double bad[3] = {1.0, 2.0, NAN};
    assert_int_equal(svcm_xmr_limits(bad, 3, &x, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, "value");
    assert_int_equal(svcm_xmr_limits(NULL, 3, &x, &err), SVCM_EINVAL);
    assert_int_equal(svcm_xmr_limits(NULL, 0, &x, &err), SVCM_EEMPTY);
    assert_int_equal(svcm_xmr_limits(one, 1, NULL, &err), SVCM_EINVAL);
}

/* Run the rules with mean 0 and sigma 1 and compare with the expected list. */
static void expect_signals(const double *x, size_t n, const svcm_we_signal *want, size_t nwant)
{
    svcm_we_signal got[64];
    size_t count = 999;
    assert_int_equal(svcm_western_electric(x, n, 0.0, 1.0, got, 64, &count, NULL), SVCM_OK);
    assert_int_equal(count, nwant);
    for (size_t i = 0; i < nwant; i++) {
        assert_int_equal(got[i].rule, want[i].rule);
        assert_int_equal(got[i].index, want[i].index);
    }
}

static void test_rule1_fires_strictly_beyond_three_sigma(void **state)
{
    (void)state;
    /* 3.5 and -3.2 are beyond 3 sigma; 3.0 is not (strict) but it is the
     * second of {3.5, -3.2, 3.0} beyond +2 sigma: rule 2 at index 3. */
    const double x[4] = {0.5, 3.5, -3.2, 3.0};
    const svcm_we_signal want[3] = {{1, 1}, {1, 2}, {2, 3}};
    expect_signals(x, 4, want, 3);
}

static void test_rule2_two_of_three_beyond_two_sigma_same_side(void **state)
{
    (void)state;
    const double a[3] = {2.5, 0.0, 2.1}; /* 2 of 3 above +2: fires at 2 */
    const svcm_we_signal wa[1] = {{2, 2}};
    expect_signals(a, 3, wa, 1);
    const double b[4] = {2.5, -2.5, 0.0, 2.5}; /* opposite sides: nothing */
    expect_signals(b, 4, NULL, 0);
    const double c[3] = {2.5, 2.1, 0.0}; /* fires at 1; not at 2 (point 2 is inside) */
    const svcm_we_signal wc[1] = {{2, 1}};
    expect_signals(c, 3, wc, 1);
}

static void test_rule3_four_of_five_beyond_one_sigma_same_side(void **state)
{
    (void)state;
    const double a[5] = {1.5, 1.2, 0.3, 1.1, 1.4};
    const svcm_we_signal wa[1] = {{3, 4}};
    expect_signals(a, 5, wa, 1);
    const double b[5] = {-1.5, -1.2, 0.3, -1.1, -1.4}; /* mirrored below */
    expect_signals(b, 5, wa, 1);
    const double c[5] = {1.5, -1.2, 0.3, 1.1, 1.4}; /* only 3 above */
    expect_signals(c, 5, NULL, 0);
}

static void test_rule4_eight_in_a_row_on_one_side(void **state)
{
    (void)state;
    const double a[9] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    const svcm_we_signal wa[2] = {{4, 7}, {4, 8}};
    expect_signals(a, 9, wa, 2);
    expect_signals(a, 7, NULL, 0);
    /* A point on the centre line breaks the run. */
    const double b[9] = {0.1, 0.2, 0.3, 0.0, 0.5, 0.6, 0.7, 0.8, 0.9};
    expect_signals(b, 9, NULL, 0);
    const double c[8] = {-0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8};
    const svcm_we_signal wc[1] = {{4, 7}};
    expect_signals(c, 8, wc, 1);
}

static void test_western_electric_reports_enospc_and_count(void **state)
{
    (void)state;
    const double x[4] = {0.5, 3.5, -3.2, 3.0};
    svcm_we_signal out[2] = {{0, 0}, {0, 0}};
    size_t count = 0;
    assert_int_equal(svcm_western_electric(x, 4, 0.0, 1.0, out, 2, &count, NULL), SVCM_ENOSPC);
    assert_int_equal(count, 3);
    assert_int_equal(out[0].rule, 0); /* nothing written */
    assert_int_equal(svcm_western_electric(x, 4, 0.0, 1.0, NULL, 0, &count, NULL), SVCM_ENOSPC);
    assert_int_equal(count, 3);
    assert_int_equal(svcm_western_electric(NULL, 0, 0.0, 1.0, NULL, 0, &count, NULL), SVCM_OK);
    assert_int_equal(count, 0);
}

static void test_western_electric_rejects_bad_input(void **state)
{
    (void)state;
    const double x[3] = {0.0, 1.0, INFINITY};
    size_t count;
    svcm_error err;
    assert_int_equal(svcm_western_electric(x, 3, 0.0, 1.0, NULL, 0, &count, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_int_equal(svcm_western_electric(x, 2, NAN, 1.0, NULL, 0, &count, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "mean");
    assert_int_equal(svcm_western_electric(x, 2, 0.0, -1.0, NULL, 0, &count, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "sigma");
    assert_int_equal(svcm_western_electric(x, 2, 0.0, 1.0, NULL, 0, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_western_electric(NULL, 2, 0.0, 1.0, NULL, 0, &count, &err), SVCM_EINVAL);
}

static void test_zero_sigma_flags_any_departure(void **state)
{
    (void)state;
    const double x[2] = {5.0, 5.5};
    svcm_we_signal s[8];
    size_t n;
    assert_int_equal(svcm_western_electric(x, 2, 5.0, 0.0, s, 8, &n, NULL), SVCM_OK);
    assert_int_equal(n, 1);
    assert_int_equal(s[0].rule, 1);
    assert_int_equal(s[0].index, 1);
}

/* Review: the sum of points near DBL_MAX overflowed, so the centre line
 * was +inf under SVCM_OK. The limits are scale-equivariant: points scaled
 * by 2^1000 give the NIST limits scaled by 2^1000. */
static void test_xmr_of_huge_points_is_finite_and_scale_equivariant(void **state)
{
    (void)state;
    const double top[2] = {DBL_MAX, DBL_MAX};
    svcm_xmr x;
    assert_int_equal(svcm_xmr_limits(top, 2, &x, NULL), SVCM_OK);
    assert_true(x.center == DBL_MAX && x.sigma == 0.0 && x.ucl == DBL_MAX);
    double big[10];
    for (int i = 0; i < 10; i++)
        big[i] = ldexp(nist_batches[i], 1000);
    svcm_xmr ref;
    assert_int_equal(svcm_xmr_limits(nist_batches, 10, &ref, NULL), SVCM_OK);
    assert_int_equal(svcm_xmr_limits(big, 10, &x, NULL), SVCM_OK);
    assert_true(x.center == ldexp(ref.center, 1000));
    assert_true(x.mr_bar == ldexp(ref.mr_bar, 1000));
    assert_true(x.ucl == ldexp(ref.ucl, 1000) && x.lcl == ldexp(ref.lcl, 1000));
}

/* Review: a moving range of 2 DBL_MAX cannot be represented; it was +inf
 * (and the centre NaN-free but the limits infinite) under SVCM_OK. */
static void test_xmr_beyond_double_range_is_erange(void **state)
{
    (void)state;
    const double x[2] = {-DBL_MAX, DBL_MAX};
    svcm_xmr r;
    svcm_error err;
    assert_int_equal(svcm_xmr_limits(x, 2, &r, &err), SVCM_ERANGE);
    assert_int_equal(err.code, SVCM_ERANGE);
    const double y[3] = {DBL_MAX, DBL_MAX, 0.5 * DBL_MAX}; /* UCL = DBL_MAX + 3 sigma */
    assert_int_equal(svcm_xmr_limits(y, 3, &r, NULL), SVCM_ERANGE);
}

/* Review: x - mean overflowed to inf and so did 3 sigma, and inf > inf is
 * false: a point 2 DBL_MAX from the centre was not beyond 3 sigma = 1.8
 * DBL_MAX. Halves: DBL_MAX > 0.9 DBL_MAX, so rule 1 fires; with sigma =
 * DBL_MAX (3 sigma = 3 DBL_MAX) it must not, but 1 and 2 sigma are passed. */
static void test_rules_hold_when_distances_exceed_the_double_range(void **state)
{
    (void)state;
    const double x[1] = {DBL_MAX};
    svcm_we_signal s[4];
    size_t n = 0;
    assert_int_equal(svcm_western_electric(x, 1, -DBL_MAX, 0.6 * DBL_MAX, s, 4, &n, NULL),
                     SVCM_OK);
    assert_int_equal(n, 1);
    assert_int_equal(s[0].rule, 1);
    assert_int_equal(svcm_western_electric(x, 1, -DBL_MAX, DBL_MAX, s, 4, &n, NULL), SVCM_OK);
    assert_int_equal(n, 0);
    const double two[2] = {DBL_MAX, DBL_MAX};
    assert_int_equal(svcm_western_electric(two, 2, -DBL_MAX, 0.9 * DBL_MAX, s, 8, &n, NULL),
                     SVCM_OK);
    /* 2 DBL_MAX > 2 sigma = 1.8 DBL_MAX and < 3 sigma: rule 2 at the second point. */
    assert_int_equal(n, 1);
    assert_int_equal(s[0].rule, 2);
    assert_int_equal(s[0].index, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xmr_matches_nist_handbook_individuals_example),
        cmocka_unit_test(test_xmr_matches_montgomery_mortgage_loan_costs),
        cmocka_unit_test(test_xmr_needs_two_finite_points),
        cmocka_unit_test(test_rule1_fires_strictly_beyond_three_sigma),
        cmocka_unit_test(test_rule2_two_of_three_beyond_two_sigma_same_side),
        cmocka_unit_test(test_rule3_four_of_five_beyond_one_sigma_same_side),
        cmocka_unit_test(test_rule4_eight_in_a_row_on_one_side),
        cmocka_unit_test(test_western_electric_reports_enospc_and_count),
        cmocka_unit_test(test_western_electric_rejects_bad_input),
        cmocka_unit_test(test_zero_sigma_flags_any_departure),
        cmocka_unit_test(test_xmr_of_huge_points_is_finite_and_scale_equivariant),
        cmocka_unit_test(test_xmr_beyond_double_range_is_erange),
        cmocka_unit_test(test_rules_hold_when_distances_exceed_the_double_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
