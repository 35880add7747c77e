/* Tests of the SERVQUAL gap scores (src/servqual.c). */
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

/* A hand-worked 22-item example (scores on the 7-point scale):
 *   item      E                P                gaps P - E      mean
 *   1-4       6 6 5 7          5 6 4 5          -1  0 -1 -2     -1.00  tangibles
 *   5-9       7 7 6 7 6        5 6 6 4 5        -2 -1  0 -3 -1  -1.40  reliability
 *   10-13     6 6 6 6          6 5 7 6           0 -1  1  0      0.00  responsiveness
 *   14-17     7 6 6 7          6 6 5 6          -1  0 -1 -1     -0.75  assurance
 *   18-22     5 5 6 6 5        5 4 6 5 6         0 -1  0 -1  1  -0.20  empathy
 * unweighted = (-1 - 1.4 + 0 - 0.75 - 0.2) / 5 = -0.67
 * weights 10/30/25/20/15 points (PZB's 100-point allocation) ->
 * weighted = -0.10 - 0.42 + 0 - 0.15 - 0.03 = -0.70. */
static const double E22[22] = {6, 6, 5, 7, 7, 7, 6, 7, 6, 6, 6, 6, 6, 7, 6, 6, 7, 5, 5, 6, 6, 5};
static const double P22[22] = {5, 6, 4, 5, 5, 6, 6, 4, 5, 6, 5, 7, 6, 6, 6, 5, 6, 5, 4, 6, 5, 6};

static void test_standard_22_items_hand_worked_example(void **state)
{
    (void)state;
    const double w[5] = {10, 30, 25, 20, 15};
    struct svcm_servqual_result r;
    assert_int_equal(svcm_servqual(E22, P22, 22, NULL, w, &r, NULL), SVCM_OK);
    const double gaps[5] = {-1.0, -1.4, 0.0, -0.75, -0.2};
    const size_t items[5] = {4, 5, 4, 4, 5};
    const double wn[5] = {0.10, 0.30, 0.25, 0.20, 0.15};
    for (int d = 0; d < 5; d++) {
        assert_near(r.gap[d], gaps[d], 1e-12);
        assert_int_equal(r.items[d], items[d]);
        assert_near(r.weight[d], wn[d], 1e-15);
        assert_near(r.perception[d] - r.expectation[d], gaps[d], 1e-12);
    }
    assert_near(r.expectation[0], 6.0, 1e-12); /* (6+6+5+7)/4 */
    assert_near(r.perception[1], 5.2, 1e-12);  /* (5+6+6+4+5)/5 */
    assert_near(r.unweighted, -0.67, 1e-12);
    assert_near(r.weighted, -0.70, 1e-12);
}

static void test_default_weights_are_equal(void **state)
{
    (void)state;
    struct svcm_servqual_result r;
    assert_int_equal(svcm_servqual(E22, P22, 22, NULL, NULL, &r, NULL), SVCM_OK);
    for (int d = 0; d < 5; d++)
        assert_near(r.weight[d], 0.2, 1e-15);
    assert_near(r.weighted, r.unweighted, 1e-12);
}

static void test_caller_map_groups_items(void **state)
{
    (void)state;
    /* Six items: two reliability, one of each other dimension.
     * reliability gaps: (4 - 6) and (5 - 4) -> mean -0.5. */
    const double e[6] = {5, 6, 4, 3, 2, 7};
    const double p[6] = {5, 4, 5, 3, 3, 6};
    const int dim[6] = {SVCM_SERVQUAL_DIMENSION_TANGIBLES, SVCM_SERVQUAL_DIMENSION_RELIABILITY,
                        SVCM_SERVQUAL_DIMENSION_RELIABILITY, SVCM_SERVQUAL_DIMENSION_RESPONSIVENESS,
                        SVCM_SERVQUAL_DIMENSION_ASSURANCE, SVCM_SERVQUAL_DIMENSION_EMPATHY};
    const double w[5] = {0, 1, 0, 0, 0};
    struct svcm_servqual_result r;
    assert_int_equal(svcm_servqual(e, p, 6, dim, w, &r, NULL), SVCM_OK);
    assert_int_equal(r.items[SVCM_SERVQUAL_DIMENSION_RELIABILITY], 2);
    assert_near(r.gap[SVCM_SERVQUAL_DIMENSION_RELIABILITY], -0.5, 1e-15);
    assert_near(r.weighted, -0.5, 1e-15);
    /* (0 - 0.5 + 0 + 1 - 1) / 5 */
    assert_near(r.unweighted, -0.1, 1e-15);
}

static void test_rejects_bad_input_naming_index_and_field(void **state)
{
    (void)state;
    struct svcm_servqual_result r;
    memset(&r, 0x11, sizeof r);
    struct svcm_servqual_result before = r;
    svcm_error err;
    double e[22], p[22];
    memcpy(e, E22, sizeof e);
    memcpy(p, P22, sizeof p);
    e[7] = NAN;
    assert_int_equal(svcm_servqual(e, p, 22, NULL, NULL, &r, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 7);
    assert_string_equal(err.field, "expectation");
    e[7] = 7;
    p[21] = INFINITY;
    assert_int_equal(svcm_servqual(e, p, 22, NULL, NULL, &r, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 21);
    assert_string_equal(err.field, "perception");
    /* The standard mapping needs exactly 22 items. */
    assert_int_equal(svcm_servqual(E22, P22, 21, NULL, NULL, &r, &err), SVCM_EINVAL);
    /* Unknown dimension, empty dimension. */
    int dim[5] = {0, 1, 2, 3, 5};
    assert_int_equal(svcm_servqual(E22, P22, 5, dim, NULL, &r, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 4);
    assert_string_equal(err.field, "dimension");
    dim[4] = 3;
    assert_int_equal(svcm_servqual(E22, P22, 5, dim, NULL, &r, &err), SVCM_EINVAL);
    assert_int_equal(err.index, SVCM_NO_INDEX);
    assert_string_equal(err.field, "dimension");
    /* Weights: negative, NaN, all zero, overflowing sum. */
    double w[5] = {1, 1, -1, 1, 1};
    assert_int_equal(svcm_servqual(E22, P22, 22, NULL, w, &r, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, "weight");
    w[2] = NAN;
    assert_int_equal(svcm_servqual(E22, P22, 22, NULL, w, &r, &err), SVCM_EINVAL);
    double zero[5] = {0, 0, 0, 0, 0};
    assert_int_equal(svcm_servqual(E22, P22, 22, NULL, zero, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "weight");
    double huge[5] = {1e308, 1e308, 0, 0, 0};
    assert_int_equal(svcm_servqual(E22, P22, 22, NULL, huge, &r, &err), SVCM_EINVAL);
    assert_int_equal(svcm_servqual(NULL, P22, 22, NULL, NULL, &r, &err), SVCM_EINVAL);
    assert_int_equal(svcm_servqual(E22, NULL, 22, NULL, NULL, &r, &err), SVCM_EINVAL);
    assert_int_equal(svcm_servqual(E22, P22, 22, NULL, NULL, NULL, &err), SVCM_EINVAL);
    assert_memory_equal(&r, &before, sizeof r); /* nothing written */
}

/* Regression: sums of scores near DBL_MAX overflowed and the call returned
 * SVCM_OK with infinite means and gaps. Every E = 1e308 and P = 1.5e308: the
 * sums overflow but the means (1e308, 1.5e308, gap 5e307) fit and must come
 * out exact to rounding. With E = -1e308 and P = 1e308 the gap itself is
 * 2e308, beyond DBL_MAX: SVCM_ERANGE naming the first dimension. */
static void test_scores_near_dbl_max_give_finite_means_or_a_range_error(void **state)
{
    (void)state;
    double e[SVCM_SERVQUAL_ITEMS], p[SVCM_SERVQUAL_ITEMS];
    for (int i = 0; i < SVCM_SERVQUAL_ITEMS; i++) {
        e[i] = 1e308;
        p[i] = 1.5e308;
    }
    struct svcm_servqual_result r;
    svcm_error err;
    assert_int_equal(svcm_servqual(e, p, SVCM_SERVQUAL_ITEMS, NULL, NULL, &r, &err), SVCM_OK);
    for (int d = 0; d < SVCM_SERVQUAL_DIMENSIONS; d++) {
        assert_near(r.expectation[d] / 1e308, 1.0, 1e-15);
        assert_near(r.perception[d] / 1.5e308, 1.0, 1e-15);
        assert_near(r.gap[d] / 5e307, 1.0, 1e-14);
    }
    assert_near(r.unweighted / 5e307, 1.0, 1e-14);
    assert_near(r.weighted / 5e307, 1.0, 1e-14);
    for (int i = 0; i < SVCM_SERVQUAL_ITEMS; i++) {
        e[i] = -1e308;
        p[i] = 1e308;
    }
    memset(&r, 0x33, sizeof r);
    struct svcm_servqual_result before = r;
    assert_int_equal(svcm_servqual(e, p, SVCM_SERVQUAL_ITEMS, NULL, NULL, &r, &err),
                     SVCM_ERANGE);
    assert_int_equal(err.index, 0);
    assert_string_equal(err.field, "gap");
    assert_memory_equal(&r, &before, sizeof r);
}

static void test_dimension_names(void **state)
{
    (void)state;
    assert_string_equal(svcm_servqual_dimension_name(SVCM_SERVQUAL_DIMENSION_TANGIBLES), "tangibles");
    assert_string_equal(svcm_servqual_dimension_name(SVCM_SERVQUAL_DIMENSION_RELIABILITY), "reliability");
    assert_string_equal(svcm_servqual_dimension_name(SVCM_SERVQUAL_DIMENSION_RESPONSIVENESS),
                        "responsiveness");
    assert_string_equal(svcm_servqual_dimension_name(SVCM_SERVQUAL_DIMENSION_ASSURANCE), "assurance");
    assert_string_equal(svcm_servqual_dimension_name(SVCM_SERVQUAL_DIMENSION_EMPATHY), "empathy");
    assert_null(svcm_servqual_dimension_name(5));
    assert_null(svcm_servqual_dimension_name(-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_standard_22_items_hand_worked_example),
        cmocka_unit_test(test_default_weights_are_equal),
        cmocka_unit_test(test_caller_map_groups_items),
        cmocka_unit_test(test_rejects_bad_input_naming_index_and_field),
        cmocka_unit_test(test_dimension_names),
        cmocka_unit_test(test_scores_near_dbl_max_give_finite_means_or_a_range_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
