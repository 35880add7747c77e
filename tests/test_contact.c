/* Tests of src/contact.c: contact-centre metrics from interval counts. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/erlang.h"

static void assert_close(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol)) {
        print_error("got %.17g, want %.17g (tol %g)\n", got, want, tol);
        fail();
    }
}

/* ICMI, "Service Level Calculations" (QueueTips, 2002; reproduced on
 * callcentrehelper.com/service-level-threshold-calculations-206890.htm):
 * 1000 answered, 60 abandoned, 860 answered within the threshold, 20
 * abandoned within it and 40 after it. Published, to whole percent:
 * #1 (abandons within T count as met) 83%, #2 (abandons ignored) 86%,
 * #3 (every abandon counts against) 81%, #4 (abandons within T
 * excluded) 83%. */
static svcm_contact_counts icmi_counts(void)
{
    svcm_contact_counts c;
    memset(&c, 0, sizeof c);
    c.answered = 1000;
    c.abandoned = 60;
    c.answered_within_target = 860;
    c.abandoned_within_target = 20;
    c.abandoned_short = 10; /* ICMI's "abandoned within 5 seconds" */
    return c;
}

static void test_icmi_example_four_service_level_formulas(void **state)
{
    (void)state;
    svcm_contact_counts c = icmi_counts();
    svcm_contact_metrics m;
    assert_int_equal(svcm_contact_metrics_compute(&c, &m, NULL), SVCM_OK);
    /* Published whole percents. */
    assert_int_equal((int)lround(100 * m.sl_abandon_positive), 83);
    assert_int_equal((int)lround(100 * m.sl_answered), 86);
    assert_int_equal((int)lround(100 * m.sl_offered), 81);
    assert_int_equal((int)lround(100 * m.sl_excl_short), 83);
    /* The exact fractions by hand. */
    assert_close(m.sl_abandon_positive, 880.0 / 1060.0, 1e-15);
    assert_close(m.sl_answered, 0.86, 1e-15);
    assert_close(m.sl_offered, 860.0 / 1060.0, 1e-15);
    assert_close(m.sl_excl_short, 860.0 / 1040.0, 1e-15);
    assert_close(m.offered, 1060.0, 0.0);
    /* Abandonment by hand: 60 / 1060; without the 10 short abandons
     * (50 / 1050). */
    assert_close(m.abandon_rate, 60.0 / 1060.0, 1e-15);
    assert_close(m.abandon_rate_excl_short, 50.0 / 1050.0, 1e-15);
}

/* Cisco ICM service-level types applied to Cisco's own example counts
 * (ICM/CTI user guide, "How Service Levels are Calculated"): 70 answered
 * within the threshold, 10 abandoned within it, 20 that exceeded it (here
 * answered late); 100 service-level events. Ignore abandoned: 70 / 90;
 * negative: 70 / 100; positive: 80 / 100 (hand computation). */
static void test_cisco_service_level_types_on_cisco_example(void **state)
{
    (void)state;
    svcm_contact_counts c;
    memset(&c, 0, sizeof c);
    c.answered_within_target = 70;
    c.answered = 90;
    c.abandoned = 10;
    c.abandoned_within_target = 10;
    svcm_contact_metrics m;
    assert_int_equal(svcm_contact_metrics_compute(&c, &m, NULL), SVCM_OK);
    assert_close(m.sl_excl_short, 70.0 / 90.0, 1e-15);
    assert_close(m.sl_offered, 0.70, 1e-15);
    assert_close(m.sl_abandon_positive, 0.80, 1e-15);
}

/* ASA, AHT and occupancy by hand: 400 answered calls waited 6,000 s in all
 * (ASA 15 s); 400 handled with 60,000 s talk, 4,000 s hold and 16,000 s
 * after-call work (AHT 80,000 / 400 = 200 s); 100,000 s staffed
 * (occupancy 80,000 / 100,000 = 0.8). */
static void test_asa_aht_occupancy_by_hand(void **state)
{
    (void)state;
    svcm_contact_counts c;
    memset(&c, 0, sizeof c);
    c.answered = 400;
    c.answered_within_target = 300;
    c.wait_time_s = 6000;
    c.handled = 400;
    c.talk_time_s = 60000;
    c.hold_time_s = 4000;
    c.acw_time_s = 16000;
    c.staffed_time_s = 100000;
    svcm_contact_metrics m;
    assert_int_equal(svcm_contact_metrics_compute(&c, &m, NULL), SVCM_OK);
    assert_close(m.asa_s, 15.0, 1e-15);
    assert_close(m.aht_s, 200.0, 1e-15);
    assert_close(m.occupancy, 0.8, 1e-15);
    assert_close(m.sl_answered, 0.75, 1e-15);
    assert_close(m.abandon_rate, 0.0, 0.0);
}

static void test_empty_interval_gives_nan_not_zero(void **state)
{
    (void)state;
    svcm_contact_counts c;
    memset(&c, 0, sizeof c);
    svcm_contact_metrics m;
    assert_int_equal(svcm_contact_metrics_compute(&c, &m, NULL), SVCM_OK);
    assert_true(isnan(m.sl_answered) && isnan(m.sl_offered) && isnan(m.sl_excl_short));
    assert_true(isnan(m.sl_abandon_positive) && isnan(m.asa_s) && isnan(m.abandon_rate));
    assert_true(isnan(m.abandon_rate_excl_short) && isnan(m.aht_s) && isnan(m.occupancy));
    assert_close(m.offered, 0.0, 0.0);
    /* Only short abandons: every rate excluding them is undefined. */
    c.abandoned = 5;
    c.abandoned_short = 5;
    c.abandoned_within_target = 5;
    assert_int_equal(svcm_contact_metrics_compute(&c, &m, NULL), SVCM_OK);
    assert_true(isnan(m.abandon_rate_excl_short) && isnan(m.sl_excl_short));
    assert_close(m.abandon_rate, 1.0, 0.0);
    assert_close(m.sl_offered, 0.0, 0.0);
}

static const struct {
    size_t offset;
    const char *name;
} fields[] = {
    {offsetof(svcm_contact_counts, answered), "answered"},
    {offsetof(svcm_contact_counts, answered_within_target), "answered_within_target"},
    {offsetof(svcm_contact_counts, abandoned), "abandoned"},
    {offsetof(svcm_contact_counts, abandoned_within_target), "abandoned_within_target"},
    {offsetof(svcm_contact_counts, abandoned_short), "abandoned_short"},
    {offsetof(svcm_contact_counts, wait_time_s), "wait_time_s"},
    {offsetof(svcm_contact_counts, handled), "handled"},
    {offsetof(svcm_contact_counts, talk_time_s), "talk_time_s"},
    {offsetof(svcm_contact_counts, hold_time_s), "hold_time_s"},
    {offsetof(svcm_contact_counts, acw_time_s), "acw_time_s"},
    {offsetof(svcm_contact_counts, staffed_time_s), "staffed_time_s"},
};

static void test_negative_or_nonfinite_field_is_einval_naming_it(void **state)
{
    (void)state;
    static const double bad[] = {-1.0, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        for (size_t j = 0; j < 4; j++) {
            svcm_contact_counts c = icmi_counts();
            memcpy((char *)&c + fields[i].offset, &bad[j], sizeof(double));
            svcm_contact_metrics m;
            memset(&m, 0x77, sizeof m);
            svcm_contact_metrics before = m;
            svcm_error err;
            assert_int_equal(svcm_contact_metrics_compute(&c, &m, &err), SVCM_EINVAL);
            assert_int_equal(err.code, SVCM_EINVAL);
            assert_int_equal(err.index, SVCM_NO_INDEX);
            assert_string_equal(err.field, fields[i].name);
            assert_memory_equal(&m, &before, sizeof m);
        }
    }
}

static void test_subcount_larger_than_total_is_einval(void **state)
{
    (void)state;
    svcm_error err;
    svcm_contact_metrics m;
    svcm_contact_counts c = icmi_counts();
    c.answered_within_target = 1001;
    assert_int_equal(svcm_contact_metrics_compute(&c, &m, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "answered_within_target");
    c = icmi_counts();
    c.abandoned_within_target = 61;
    assert_int_equal(svcm_contact_metrics_compute(&c, &m, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "abandoned_within_target");
    c = icmi_counts();
    c.abandoned_short = 61;
    assert_int_equal(svcm_contact_metrics_compute(&c, &m, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "abandoned_short");
    assert_int_equal(svcm_contact_metrics_compute(NULL, &m, &err), SVCM_EINVAL);
    assert_int_equal(svcm_contact_metrics_compute(&c, NULL, &err), SVCM_EINVAL);
}

static void test_batch_names_bad_interval_and_writes_nothing(void **state)
{
    (void)state;
    svcm_contact_counts c[3] = {icmi_counts(), icmi_counts(), icmi_counts()};
    c[2].hold_time_s = -5;
    svcm_contact_metrics m[3];
    memset(m, 0x11, sizeof m);
    svcm_contact_metrics before[3];
    memcpy(before, m, sizeof m);
    svcm_error err;
    assert_int_equal(svcm_contact_metrics_batch(c, 3, m, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, "hold_time_s");
    assert_memory_equal(m, before, sizeof m);
    c[2].hold_time_s = 5;
    assert_int_equal(svcm_contact_metrics_batch(c, 3, m, &err), SVCM_OK);
    svcm_contact_metrics one;
    assert_int_equal(svcm_contact_metrics_compute(&c[1], &one, NULL), SVCM_OK);
    assert_memory_equal(&one, &m[1], sizeof one);
    assert_int_equal(svcm_contact_metrics_batch(NULL, 0, NULL, &err), SVCM_OK);
    assert_int_equal(svcm_contact_metrics_batch(NULL, 2, m, &err), SVCM_EINVAL);
}

/* Regression: metrics that overflow a double came out as infinity (or as
 * a wrong 0) with SVCM_OK. answered = abandoned = 1e308 makes offered 2e308;
 * 1e300 s of waiting over 1e-10 answered calls is an ASA of 1e310 s; 1e308 s
 * each of talk, hold and after-call work is a handle time of 3e308 s. */
static void test_overflowing_metric_is_erange_naming_it(void **state)
{
    (void)state;
    svcm_contact_metrics m[2];
    memset(m, 0x11, sizeof m);
    svcm_contact_metrics before[2];
    memcpy(before, m, sizeof m);
    svcm_error err;
    svcm_contact_counts c;
    memset(&c, 0, sizeof c);
    c.answered = 1e308;
    c.abandoned = 1e308;
    c.answered_within_target = 1e308;
    assert_int_equal(svcm_contact_metrics_compute(&c, &m[0], &err), SVCM_ERANGE);
    assert_string_equal(err.field, "offered");
    memset(&c, 0, sizeof c);
    c.answered = 1e-10;
    c.wait_time_s = 1e300;
    assert_int_equal(svcm_contact_metrics_compute(&c, &m[0], &err), SVCM_ERANGE);
    assert_string_equal(err.field, "asa_s");
    svcm_contact_counts day[2] = {icmi_counts(), icmi_counts()};
    day[0].handled = day[1].handled = 10;
    day[1].talk_time_s = day[1].hold_time_s = day[1].acw_time_s = 1e308;
    assert_int_equal(svcm_contact_metrics_batch(day, 2, m, &err), SVCM_ERANGE);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "aht_s");
    assert_memory_equal(m, before, sizeof m);
}

/* Regression: the short-abandon rate divided by offered - short, and
 * offered = 1 + 1e17 rounds to 1e17, so with 1 answered call and 1e17 short
 * abandons the denominator became 0 and the rate NaN. By hand: no long
 * abandons over 1 answered call = 0. */
static void test_abandon_rate_excl_short_survives_rounding_of_offered(void **state)
{
    (void)state;
    svcm_contact_counts c;
    memset(&c, 0, sizeof c);
    c.answered = 1;
    c.abandoned = 1e17;
    c.abandoned_short = 1e17;
    svcm_contact_metrics m;
    assert_int_equal(svcm_contact_metrics_compute(&c, &m, NULL), SVCM_OK);
    assert_true(m.abandon_rate_excl_short == 0.0);
}

/* Two half hours summed: the day's service level is total within / total
 * answered, not the mean of the two interval service levels. */
static void test_sum_of_intervals_gives_day_metrics(void **state)
{
    (void)state;
    svcm_contact_counts c[2];
    memset(c, 0, sizeof c);
    c[0].answered = 100;
    c[0].answered_within_target = 90;
    c[1].answered = 300;
    c[1].answered_within_target = 150;
    c[1].abandoned = 20;
    c[1].abandoned_within_target = 5;
    svcm_contact_counts day;
    assert_int_equal(svcm_contact_counts_sum(c, 2, &day, NULL), SVCM_OK);
    assert_close(day.answered, 400, 0.0);
    assert_close(day.answered_within_target, 240, 0.0);
    assert_close(day.abandoned, 20, 0.0);
    svcm_contact_metrics m;
    assert_int_equal(svcm_contact_metrics_compute(&day, &m, NULL), SVCM_OK);
    assert_close(m.sl_answered, 0.6, 1e-15); /* not (0.9 + 0.5) / 2 = 0.7 */
    assert_close(m.sl_excl_short, 240.0 / 415.0, 1e-15);

    svcm_error err;
    svcm_contact_counts keep = day;
    c[1].answered_within_target = 301;
    assert_int_equal(svcm_contact_counts_sum(c, 2, &day, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_memory_equal(&day, &keep, sizeof day);
    c[1].answered_within_target = 150;
    c[0].talk_time_s = 1.7e308;
    c[1].talk_time_s = 1.7e308;
    assert_int_equal(svcm_contact_counts_sum(c, 2, &day, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "talk_time_s");
    assert_int_equal(svcm_contact_counts_sum(NULL, 0, &day, &err), SVCM_OK);
    assert_close(day.answered, 0.0, 0.0);
    assert_int_equal(svcm_contact_counts_sum(c, 2, NULL, &err), SVCM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icmi_example_four_service_level_formulas),
        cmocka_unit_test(test_cisco_service_level_types_on_cisco_example),
        cmocka_unit_test(test_asa_aht_occupancy_by_hand),
        cmocka_unit_test(test_empty_interval_gives_nan_not_zero),
        cmocka_unit_test(test_negative_or_nonfinite_field_is_einval_naming_it),
        cmocka_unit_test(test_subcount_larger_than_total_is_einval),
        cmocka_unit_test(test_batch_names_bad_interval_and_writes_nothing),
        cmocka_unit_test(test_sum_of_intervals_gives_day_metrics),
        cmocka_unit_test(test_overflowing_metric_is_erange_naming_it),
        cmocka_unit_test(test_abandon_rate_excl_short_survives_rounding_of_offered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
