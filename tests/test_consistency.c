/* Tests of the cross-channel consistency (src/consistency.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

/* Hand computation: CSAT % on four channels 80, 85, 90, 75.
 * mean 82.5; deviations -2.5, 2.5, 7.5, -7.5; sum of squares 125;
 * sample SD sqrt(125/3) = 6.4549722, population SD sqrt(125/4) = 5.5901699;
 * CV = 6.4549722 / 82.5 = 0.0782421, population CV = 0.0677596. */
static void test_four_channels_hand_computation(void **state)
{
    (void)state;
    const double v[4] = {80, 85, 90, 75};
    struct svcm_consistency_result r;
    assert_int_equal(svcm_consistency(v, 4, &r, NULL), SVCM_OK);
    assert_int_equal(r.n, 4);
    assert_near(r.mean, 82.5, 1e-12);
    assert_near(r.sd, 6.454972243679028, 1e-12);
    assert_near(r.sd_population, 5.5901699437494745, 1e-12);
    assert_near(r.cv, 0.07824208780217004, 1e-14);
    assert_near(r.cv_population, 0.06775963568181181, 1e-14);
    assert_near(r.min, 75, 0);
    assert_near(r.max, 90, 0);
}

/* NPS can be negative: -10 and -30 -> mean -20, SD sqrt(200) = 14.142136,
 * CV = 14.142136 / |-20| = 0.7071068 (non-negative by definition here). */
static void test_negative_mean_uses_absolute_value(void **state)
{
    (void)state;
    const double v[2] = {-10, -30};
    struct svcm_consistency_result r;
    assert_int_equal(svcm_consistency(v, 2, &r, NULL), SVCM_OK);
    assert_near(r.mean, -20, 1e-12);
    assert_near(r.sd, sqrt(200.0), 1e-12);
    assert_near(r.cv, sqrt(200.0) / 20.0, 1e-12);
    assert_near(r.cv_population, 10.0 / 20.0, 1e-12);
}

static void test_identical_channels_have_zero_spread(void **state)
{
    (void)state;
    const double v[3] = {0.7, 0.7, 0.7};
    struct svcm_consistency_result r;
    assert_int_equal(svcm_consistency(v, 3, &r, NULL), SVCM_OK);
    assert_near(r.sd, 0.0, 1e-15);
    assert_near(r.cv, 0.0, 1e-15);
}

static void test_zero_mean_is_a_range_error(void **state)
{
    (void)state;
    const double v[2] = {-5, 5};
    struct svcm_consistency_result r;
    svcm_error err;
    assert_int_equal(svcm_consistency(v, 2, &r, &err), SVCM_ERANGE);
    assert_int_equal(err.code, SVCM_ERANGE);
}

static void test_rejects_bad_input(void **state)
{
    (void)state;
    struct svcm_consistency_result r;
    memset(&r, 0x22, sizeof r);
    struct svcm_consistency_result before = r;
    svcm_error err;
    const double v[3] = {1, NAN, 2};
    assert_int_equal(svcm_consistency(v, 3, &r, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "value");
    const double w[2] = {1, -INFINITY};
    assert_int_equal(svcm_consistency(w, 2, &r, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_int_equal(svcm_consistency(v, 1, &r, &err), SVCM_EEMPTY);
    assert_int_equal(svcm_consistency(NULL, 0, &r, &err), SVCM_EEMPTY);
    assert_int_equal(svcm_consistency(NULL, 2, &r, &err), SVCM_EINVAL);
    assert_int_equal(svcm_consistency(v, 2, NULL, &err), SVCM_EINVAL);
    /* mean 1e-300 next to an SD of 1e300: the CV (1e600) overflows. */
    const double tiny_mean[3] = {1e300, -1e300, 3e-300};
    assert_int_equal(svcm_consistency(tiny_mean, 3, &r, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "value");
    assert_memory_equal(&r, &before, sizeof r);
}

/* Regression: a sum beyond DBL_MAX or squared deviations beyond it gave
 * SVCM_ERANGE although mean, SD and CV all fit in a double.
 * {1.5e308, 1.5e308}: mean 1.5e308, SD 0.
 * {-1e200, 1.1e200}: mean 5e198, deviations -+1.05e200, sum of squares
 * 2 * 1.05^2e400; sample SD 1.05e200 * sqrt(2) = 1.4849242404917498e200,
 * population SD 1.05e200, CV = 1.4849242404917498e200 / 5e198 = 29.698484809834996. */
static void test_huge_values_that_fit_are_not_a_range_error(void **state)
{
    (void)state;
    struct svcm_consistency_result r;
    svcm_error err;
    const double big[2] = {1.5e308, 1.5e308};
    assert_int_equal(svcm_consistency(big, 2, &r, &err), SVCM_OK);
    assert_true(r.mean == 1.5e308);
    assert_true(r.sd == 0.0 && r.cv == 0.0);
    const double far[2] = {-1e200, 1.1e200};
    assert_int_equal(svcm_consistency(far, 2, &r, &err), SVCM_OK);
    assert_near(r.mean / 5e198, 1.0, 1e-15);
    assert_near(r.sd / 1.4849242404917498e200, 1.0, 1e-14);
    assert_near(r.sd_population / 1.05e200, 1.0, 1e-14);
    assert_near(r.cv, 29.698484809834996, 1e-12);
    assert_near(r.cv_population, 21.0, 1e-12);
    assert_true(r.min == -1e200 && r.max == 1.1e200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_four_channels_hand_computation),
        cmocka_unit_test(test_negative_mean_uses_absolute_value),
        cmocka_unit_test(test_identical_channels_have_zero_spread),
        cmocka_unit_test(test_zero_mean_is_a_range_error),
        cmocka_unit_test(test_rejects_bad_input),
        cmocka_unit_test(test_huge_values_that_fit_are_not_a_range_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
