/* Tests of the call-log accumulator (svcm/calls.h).
 *
 * Reference values: small logs whose counts and metrics are worked out by
 * hand in the comments (ICMI's service-level conventions as stated in the
 * header), and one accumulator fed everything as the reference for merges
 * and for the column interface. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bytes.h"
#include "svcm.h"
#include "svcm/calls.h"

#define A SVCM_CALLS_OUTCOME_ANSWERED
#define B SVCM_CALLS_OUTCOME_ABANDONED
#define O SVCM_CALLS_OUTCOME_OTHER

/* A worked log, T = 20 s, short abandons under 5 s (waits in brackets):
 *  0  answered, no queue times, arrival 0, service 12..192  [12] within T
 *  1  answered, queue 10..40, service 40..100                [30] late
 *  2  answered, queue 100..100, service 100..340             [0]  within T
 *  3  abandoned, queue 5..8                                  [3]  short, within T
 *  4  abandoned, queue 200..215                              [15] within T
 *  5  abandoned, queue 300..360                              [60] late
 *  6  other (a transfer), arrival 50 only
 * answered 3, within T 2; abandoned 3, short 1, within T 2 (one short);
 * offered 6, other 1.
 * ASA = (12 + 30 + 0) / 3 = 14; AHT = (180 + 60 + 240) / 3 = 160;
 * longest wait 60; total wait = 42 + 78 = 120;
 * abandon rate 3 / 6 = 0.5; excluding short (3 - 1) / (6 - 1) = 0.4;
 * hazard 3 / 120 = 0.025 per s; mean patience 120 / 3 = 40 s. */
static const svcm_calls_record worked[7] = {
    {0, NAN, NAN, 12, 192, A},
    {5, 10, 40, 40, 100, A},
    {100, 100, 100, 100, 340, A},
    {5, 5, 8, NAN, NAN, B},
    {199, 200, 215, NAN, NAN, B},
    {300, 300, 360, NAN, NAN, B},
    {50, NAN, NAN, NAN, NAN, O},
};

static svcm_calls *make(svcm_calls_sl sl, bool exclude_short)
{
    svcm_calls_options o;
    svcm_calls_options_init(&o);
    o.sl_abandoned = sl;
    o.exclude_short = exclude_short;
    svcm_calls *c = NULL;
    assert_int_equal(svcm_calls_new(&o, NULL, &c, NULL), SVCM_OK);
    return c;
}

static void add_all(svcm_calls *c, const svcm_calls_record *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(svcm_calls_add(c, &r[i], NULL), SVCM_OK);
}

static struct svcm_calls_result result_of(const svcm_calls *c)
{
    struct svcm_calls_result r;
    assert_int_equal(svcm_calls_result(c, &r), SVCM_OK);
    return r;
}

static void test_options_defaults(void **state)
{
    (void)state;
    svcm_calls_options o;
    memset(&o, 0xff, sizeof o);
    svcm_calls_options_init(&o);
    assert_true(o.target_s == 20.0);
    assert_true(o.short_abandon_s == 5.0);
    assert_int_equal(o.sl_abandoned, SVCM_CALLS_SL_AGAINST);
    assert_true(o.exclude_short);
    assert_true(o.tolerance_s == 0.0);
    svcm_calls_options_init(NULL); /* no-op */
    svcm_calls *c = NULL;
    assert_int_equal(svcm_calls_new(NULL, NULL, &c, NULL), SVCM_OK);
    svcm_calls_options got;
    assert_int_equal(svcm_calls_get_options(c, &got), SVCM_OK);
    assert_true(got.target_s == 20.0 && got.short_abandon_s == 5.0);
    assert_int_equal(svcm_calls_get_options(NULL, &got), SVCM_EINVAL);
    assert_int_equal(svcm_calls_get_options(c, NULL), SVCM_EINVAL);
    svcm_calls_free(c);
    svcm_calls_free(NULL);
}

static void test_worked_log_counts_and_metrics(void **state)
{
    (void)state;
    svcm_calls *c = make(SVCM_CALLS_SL_AGAINST, true);
    add_all(c, worked, 7);
    struct svcm_calls_result r = result_of(c);
    assert_int_equal(r.offered, 6);
    assert_int_equal(r.answered, 3);
    assert_int_equal(r.abandoned, 3);
    assert_int_equal(r.abandoned_short, 1);
    assert_int_equal(r.other, 1);
    assert_int_equal(r.answered_within_target, 2);
    assert_int_equal(r.abandoned_within_target, 2);
    assert_float_equal(r.asa_s, 14.0, 1e-12);
    assert_float_equal(r.aht_s, 160.0, 1e-12);
    assert_float_equal(r.longest_wait_s, 60.0, 0.0);
    assert_float_equal(r.abandon_rate, 0.5, 1e-15);
    assert_float_equal(r.abandon_rate_excl_short, 0.4, 1e-15);
    assert_float_equal(r.abandon_hazard, 0.025, 1e-15);
    assert_float_equal(r.mean_patience_s, 40.0, 1e-12);
    assert_float_equal(r.wait_answered_s, 42.0, 0.0);
    assert_float_equal(r.wait_total_s, 120.0, 0.0);
    assert_float_equal(r.handle_s, 480.0, 0.0);
    /* against, short excluded: 2 / (3 + (3 - 1)) = 0.4 */
    assert_float_equal(r.service_level, 0.4, 1e-15);
    svcm_calls_free(c);
}

static void test_service_level_conventions(void **state)
{
    (void)state;
    /* With the worked log: A = 3, Aw = 2, B = 3, Bw = 2, short 1 (within T).
     *   ignore:            2 / 3
     *   against, all:      2 / 6 = 1/3;   against, short out: 2 / 5
     *   met, all:    (2 + 2) / 6 = 2/3;   met, short out: (2 + 1) / 5 = 0.6 */
    struct {
        svcm_calls_sl sl;
        bool exclude;
        double want;
    } cases[] = {
        {SVCM_CALLS_SL_IGNORE, false, 2.0 / 3.0}, {SVCM_CALLS_SL_IGNORE, true, 2.0 / 3.0},
        {SVCM_CALLS_SL_AGAINST, false, 1.0 / 3.0}, {SVCM_CALLS_SL_AGAINST, true, 0.4},
        {SVCM_CALLS_SL_MET, false, 2.0 / 3.0},     {SVCM_CALLS_SL_MET, true, 0.6},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        svcm_calls *c = make(cases[k].sl, cases[k].exclude);
        add_all(c, worked, 7);
        struct svcm_calls_result r = result_of(c);
        assert_float_equal(r.service_level, cases[k].want, 1e-15);
        svcm_calls_free(c);
    }
}

static void test_thresholds_are_inclusive_for_target_strict_for_short(void **state)
{
    (void)state;
    /* Waits exactly T (20) and exactly the short threshold (5):
     * answered [20] is within T; abandoned [5] is within T and not short;
     * abandoned [4.999] is short. */
    svcm_calls_record log[3] = {
        {0, 0, 20, 20, 30, A},
        {0, 0, 5, NAN, NAN, B},
        {0, 0, 4.999, NAN, NAN, B},
    };
    svcm_calls *c = make(SVCM_CALLS_SL_AGAINST, true);
    add_all(c, log, 3);
    struct svcm_calls_result r = result_of(c);
    assert_int_equal(r.answered_within_target, 1);
    assert_int_equal(r.abandoned_within_target, 2);
    assert_int_equal(r.abandoned_short, 1);
    svcm_calls_free(c);
    /* A short threshold of 0 makes no abandon short. */
    svcm_calls_options o;
    svcm_calls_options_init(&o);
    o.short_abandon_s = 0;
    assert_int_equal(svcm_calls_new(&o, NULL, &c, NULL), SVCM_OK);
    svcm_calls_record zero = {0, 0, 0, NAN, NAN, B};
    assert_int_equal(svcm_calls_add(c, &zero, NULL), SVCM_OK);
    assert_int_equal(result_of(c).abandoned_short, 0);
    svcm_calls_free(c);
}

static void test_tolerance_raises_instants_slightly_out_of_order(void **state)
{
    (void)state;
    /* As in the public bank log: the agent's clock says service started 1 s
     * before the queue exit. Tolerance 2 s: queue 100..130, service "129"
     * raised to 130 .. 190: wait 30, service time 60. A 3 s disorder is
     * still an error, and merge needs equal tolerances. */
    svcm_calls_options o;
    svcm_calls_options_init(&o);
    o.tolerance_s = 2.0;
    svcm_calls *c = NULL;
    assert_int_equal(svcm_calls_new(&o, NULL, &c, NULL), SVCM_OK);
    svcm_calls_record r = {95, 100, 130, 129, 190, A};
    assert_int_equal(svcm_calls_add(c, &r, NULL), SVCM_OK);
    struct svcm_calls_result res = result_of(c);
    assert_float_equal(res.asa_s, 30.0, 0.0);
    assert_float_equal(res.aht_s, 60.0, 0.0);
    svcm_calls_record far = {95, 100, 130, 127, 190, A};
    svcm_error err;
    assert_int_equal(svcm_calls_add(c, &far, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "service_start");
    /* Tolerance 0 (the default): the 1 s disorder is refused. */
    svcm_calls *strict = make(SVCM_CALLS_SL_AGAINST, true);
    assert_int_equal(svcm_calls_add(strict, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "service_start");
    assert_int_equal(svcm_calls_merge(strict, c), SVCM_EMISMATCH);
    svcm_calls_free(strict);
    svcm_calls_free(c);
}

static void test_empty_and_zero_denominators_are_nan(void **state)
{
    (void)state;
    svcm_calls *c = make(SVCM_CALLS_SL_AGAINST, true);
    struct svcm_calls_result r = result_of(c);
    assert_int_equal(r.offered, 0);
    assert_true(isnan(r.service_level) && isnan(r.asa_s) && isnan(r.aht_s));
    assert_true(isnan(r.longest_wait_s) && isnan(r.abandon_rate));
    assert_true(isnan(r.abandon_rate_excl_short) && isnan(r.abandon_hazard));
    assert_true(isnan(r.mean_patience_s));
    /* Only answered contacts that never waited: no abandon, nothing waited. */
    svcm_calls_record a = {0, NAN, NAN, 0, 10, A};
    assert_int_equal(svcm_calls_add(c, &a, NULL), SVCM_OK);
    r = result_of(c);
    assert_float_equal(r.service_level, 1.0, 0.0);
    assert_float_equal(r.abandon_rate, 0.0, 0.0);
    assert_float_equal(r.longest_wait_s, 0.0, 0.0);
    assert_true(isnan(r.abandon_hazard)); /* 0 / 0 waiting time */
    assert_true(isnan(r.mean_patience_s));
    svcm_calls_free(c);
    /* Waited but no abandon: hazard 0, patience undefined (NaN). */
    c = make(SVCM_CALLS_SL_AGAINST, true);
    svcm_calls_record w = {0, 0, 30, 30, 40, A};
    assert_int_equal(svcm_calls_add(c, &w, NULL), SVCM_OK);
    r = result_of(c);
    assert_float_equal(r.abandon_hazard, 0.0, 0.0);
    assert_true(isnan(r.mean_patience_s));
    svcm_calls_free(c);
    /* Only short abandons, excluded: service level 0 / 0 under "against". */
    c = make(SVCM_CALLS_SL_AGAINST, true);
    svcm_calls_record s = {0, 0, 2, NAN, NAN, B};
    assert_int_equal(svcm_calls_add(c, &s, NULL), SVCM_OK);
    r = result_of(c);
    assert_true(isnan(r.service_level));
    assert_true(isnan(r.abandon_rate_excl_short));
    assert_float_equal(r.abandon_rate, 1.0, 0.0);
    assert_float_equal(r.mean_patience_s, 2.0, 0.0);
    /* Only others: nothing offered. */
    svcm_calls_free(c);
    c = make(SVCM_CALLS_SL_AGAINST, true);
    svcm_calls_record o = {7, NAN, NAN, NAN, NAN, O};
    assert_int_equal(svcm_calls_add(c, &o, NULL), SVCM_OK);
    r = result_of(c);
    assert_int_equal(r.other, 1);
    assert_int_equal(r.offered, 0);
    assert_true(isnan(r.longest_wait_s));
    svcm_calls_free(c);
}

static void test_batch_equals_one_by_one(void **state)
{
    (void)state;
    double arr[7], qs[7], qe[7], ss[7], se[7];
    svcm_calls_outcome out[7];
    for (size_t i = 0; i < 7; i++) {
        arr[i] = worked[i].arrival;
        qs[i] = worked[i].queue_start;
        qe[i] = worked[i].queue_end;
        ss[i] = worked[i].service_start;
        se[i] = worked[i].service_end;
        out[i] = worked[i].outcome;
    }
    svcm_calls *a = make(SVCM_CALLS_SL_MET, false);
    svcm_calls *b = make(SVCM_CALLS_SL_MET, false);
    add_all(a, worked, 7);
    assert_int_equal(svcm_calls_add_batch(b, arr, qs, qe, ss, se, out, 7, NULL), SVCM_OK);
    struct svcm_calls_result ra = result_of(a), rb = result_of(b);
    assert_memory_equal(&ra, &rb, sizeof ra);
    assert_int_equal(svcm_calls_add_batch(b, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL),
                     SVCM_OK);
    /* NULL optional columns: all absent. Answered with only arrival and
     * service times: wait = service_start - arrival. */
    svcm_calls *c = make(SVCM_CALLS_SL_AGAINST, true);
    double t0[2] = {0, 100}, s0[2] = {25, 110}, e0[2] = {85, 200};
    svcm_calls_outcome a2[2] = {A, A};
    assert_int_equal(svcm_calls_add_batch(c, t0, NULL, NULL, s0, e0, a2, 2, NULL), SVCM_OK);
    struct svcm_calls_result r = result_of(c);
    assert_float_equal(r.asa_s, 17.5, 0.0);  /* (25 + 10) / 2 */
    assert_float_equal(r.aht_s, 75.0, 0.0);  /* (60 + 90) / 2 */
    assert_int_equal(r.answered_within_target, 1);
    svcm_calls_free(a);
    svcm_calls_free(b);
    svcm_calls_free(c);
}

static void test_merge_equals_one_accumulator_fed_everything(void **state)
{
    (void)state;
    /* 200 pseudo-random records on whole seconds (exact sums), split in
     * three shards merged in a different order. */
    enum { N = 200 };
    svcm_calls_record log[N];
    uint64_t s = 12345;
    for (size_t i = 0; i < N; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        double t = (double)(i * 30);
        double wait = (double)((s >> 33) % 90);
        int kind = (int)((s >> 20) % 10);
        if (kind < 6)
            log[i] = (svcm_calls_record){t, t + 2, t + 2 + wait, t + 2 + wait,
                                         t + 2 + wait + (double)((s >> 40) % 600), A};
        else if (kind < 9)
            log[i] = (svcm_calls_record){t, t + 1, t + 1 + wait, NAN, NAN, B};
        else
            log[i] = (svcm_calls_record){t, NAN, NAN, NAN, NAN, O};
    }
    svcm_calls *all = make(SVCM_CALLS_SL_MET, true);
    add_all(all, log, N);
    svcm_calls *p[3];
    for (int k = 0; k < 3; k++)
        p[k] = make(SVCM_CALLS_SL_MET, true);
    for (size_t i = 0; i < N; i++)
        add_all(p[i % 3], &log[i], 1);
    assert_int_equal(svcm_calls_merge(p[2], p[0]), SVCM_OK);
    assert_int_equal(svcm_calls_merge(p[2], p[1]), SVCM_OK);
    struct svcm_calls_result ra = result_of(all), rm = result_of(p[2]);
    assert_int_equal(ra.offered + ra.other, N);
    assert_memory_equal(&ra, &rm, sizeof ra);
    /* Merging into itself doubles the counts, keeps the ratios. */
    assert_int_equal(svcm_calls_merge(all, all), SVCM_OK);
    struct svcm_calls_result r2 = result_of(all);
    assert_int_equal(r2.offered, 2 * ra.offered);
    assert_float_equal(r2.service_level, ra.service_level, 1e-15);
    assert_float_equal(r2.longest_wait_s, ra.longest_wait_s, 0.0);
    /* An empty accumulator is the identity. */
    svcm_calls *e = make(SVCM_CALLS_SL_MET, true);
    assert_int_equal(svcm_calls_merge(p[2], e), SVCM_OK);
    rm = result_of(p[2]);
    assert_memory_equal(&ra, &rm, sizeof ra);
    /* Different options cannot merge; dst unchanged. */
    svcm_calls *other = make(SVCM_CALLS_SL_AGAINST, true);
    assert_int_equal(svcm_calls_merge(other, p[2]), SVCM_EMISMATCH);
    assert_int_equal(result_of(other).offered, 0);
    assert_int_equal(svcm_calls_merge(NULL, p[2]), SVCM_EINVAL);
    assert_int_equal(svcm_calls_merge(p[2], NULL), SVCM_EINVAL);
    for (int k = 0; k < 3; k++)
        svcm_calls_free(p[k]);
    svcm_calls_free(all);
    svcm_calls_free(e);
    svcm_calls_free(other);
}

static void expect_bad(const svcm_calls_record *rec, const char *field)
{
    svcm_calls *c = make(SVCM_CALLS_SL_AGAINST, true);
    svcm_error err;
    svcm_error_clear(&err);
    assert_int_equal(svcm_calls_add(c, rec, &err), SVCM_EINVAL);
    assert_int_equal(err.code, SVCM_EINVAL);
    assert_string_equal(err.field, field);
    assert_true(err.index == SVCM_NO_INDEX);
    assert_int_equal(result_of(c).offered + result_of(c).other, 0);
    /* The same record at position 2 of a batch: index 2, nothing added. */
    svcm_calls_record ok = {0, NAN, NAN, 1, 2, A};
    double arr[3] = {ok.arrival, ok.arrival, rec->arrival};
    double qs[3] = {ok.queue_start, ok.queue_start, rec->queue_start};
    double qe[3] = {ok.queue_end, ok.queue_end, rec->queue_end};
    double ss[3] = {ok.service_start, ok.service_start, rec->service_start};
    double se[3] = {ok.service_end, ok.service_end, rec->service_end};
    svcm_calls_outcome out[3] = {A, A, rec->outcome};
    svcm_error_clear(&err);
    assert_int_equal(svcm_calls_add_batch(c, arr, qs, qe, ss, se, out, 3, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, field);
    assert_int_equal(result_of(c).answered, 0);
    svcm_calls_free(c);
}

static void test_bad_records_name_the_field(void **state)
{
    (void)state;
    expect_bad(&(svcm_calls_record){NAN, 0, 1, NAN, NAN, B}, "arrival");
    expect_bad(&(svcm_calls_record){INFINITY, NAN, NAN, NAN, NAN, O}, "arrival");
    expect_bad(&(svcm_calls_record){10, 5, 12, NAN, NAN, B}, "queue_start");
    expect_bad(&(svcm_calls_record){0, 10, 5, NAN, NAN, B}, "queue_end");
    expect_bad(&(svcm_calls_record){0, 0, 10, 8, 20, A}, "service_start");
    expect_bad(&(svcm_calls_record){0, 0, 10, 10, 9, A}, "service_end");
    expect_bad(&(svcm_calls_record){0, NAN, NAN, -1, 9, A}, "service_start");
    expect_bad(&(svcm_calls_record){0, 0, -INFINITY, NAN, NAN, B}, "queue_end");
    expect_bad(&(svcm_calls_record){0, 0, 10, NAN, 20, A}, "service_start");
    expect_bad(&(svcm_calls_record){0, 0, 10, 10, NAN, A}, "service_end");
    expect_bad(&(svcm_calls_record){0, 0, NAN, NAN, NAN, B}, "queue_end");
    expect_bad(&(svcm_calls_record){0, 0, 10, 10, NAN, B}, "service_start");
    expect_bad(&(svcm_calls_record){0, 0, 10, NAN, 12, B}, "service_end");
    expect_bad(&(svcm_calls_record){0, NAN, NAN, NAN, NAN, (svcm_calls_outcome)3}, "outcome");
    expect_bad(&(svcm_calls_record){0, NAN, NAN, NAN, NAN, (svcm_calls_outcome)-1}, "outcome");
    /* A wait or service time beyond the double range. */
    expect_bad(&(svcm_calls_record){-DBL_MAX, NAN, DBL_MAX, NAN, NAN, B}, "queue_end");
    expect_bad(&(svcm_calls_record){-DBL_MAX, NAN, NAN, -DBL_MAX, DBL_MAX, A}, "service_end");
}

static void test_null_arguments(void **state)
{
    (void)state;
    svcm_calls *c = make(SVCM_CALLS_SL_AGAINST, true);
    svcm_error err;
    svcm_calls_record r = worked[0];
    assert_int_equal(svcm_calls_add(NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "calls");
    assert_int_equal(svcm_calls_add(c, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "rec");
    double t = 0;
    svcm_calls_outcome o = A;
    assert_int_equal(svcm_calls_add_batch(NULL, &t, NULL, NULL, NULL, NULL, &o, 1, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "calls");
    assert_int_equal(svcm_calls_add_batch(c, NULL, NULL, NULL, NULL, NULL, &o, 1, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "arrival");
    assert_int_equal(svcm_calls_add_batch(c, &t, NULL, NULL, NULL, NULL, NULL, 1, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "outcome");
    struct svcm_calls_result res;
    assert_int_equal(svcm_calls_result(NULL, &res), SVCM_EINVAL);
    assert_int_equal(svcm_calls_result(c, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_calls_new(NULL, NULL, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "out");
    svcm_calls_free(c);
}

static void test_bad_options_are_refused(void **state)
{
    (void)state;
    struct {
        double target, shrt;
        int sl;
        const char *field;
    } cases[] = {
        {-1, 5, 1, "target_s"},       {NAN, 5, 1, "target_s"},
        {INFINITY, 5, 1, "target_s"}, {20, -0.5, 1, "short_abandon_s"},
        {20, NAN, 1, "short_abandon_s"}, {20, 5, 3, "sl_abandoned"},
        {20, 5, -1, "sl_abandoned"},
    };
    /* tolerance_s: negative or NaN */
    for (int k = 0; k < 2; k++) {
        svcm_calls_options o;
        svcm_calls_options_init(&o);
        o.tolerance_s = k ? NAN : -1.0;
        svcm_calls *c = NULL;
        svcm_error err;
        assert_int_equal(svcm_calls_new(&o, NULL, &c, &err), SVCM_EINVAL);
        assert_string_equal(err.field, "tolerance_s");
        assert_null(c);
    }
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        svcm_calls_options o;
        svcm_calls_options_init(&o);
        o.target_s = cases[k].target;
        o.short_abandon_s = cases[k].shrt;
        o.sl_abandoned = (svcm_calls_sl)cases[k].sl;
        svcm_calls *c = (svcm_calls *)&o; /* must stay untouched */
        svcm_error err;
        assert_int_equal(svcm_calls_new(&o, NULL, &c, &err), SVCM_EINVAL);
        assert_string_equal(err.field, cases[k].field);
        assert_ptr_equal(c, (svcm_calls *)&o);
    }
    /* An allocator missing a function. */
    svcm_allocator half = {NULL, NULL, NULL, NULL};
    svcm_calls *c = NULL;
    svcm_error err;
    assert_int_equal(svcm_calls_new(NULL, &half, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "alloc");
    assert_null(c);
}

static void test_save_load_round_trip(void **state)
{
    (void)state;
    svcm_calls *c = make(SVCM_CALLS_SL_MET, false);
    add_all(c, worked, 7);
    size_t len = 0;
    assert_int_equal(svcm_calls_save(c, NULL, 0, &len), SVCM_ENOSPC);
    assert_true(len > SVCM__HEADER_SIZE);
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    size_t len2 = 0;
    assert_int_equal(svcm_calls_save(c, buf, len - 1, &len2), SVCM_ENOSPC);
    assert_int_equal(len2, len);
    assert_int_equal(svcm_calls_save(c, buf, len, NULL), SVCM_OK);
    assert_int_equal(svcm_calls_save(NULL, buf, len, &len2), SVCM_EINVAL);
    svcm_calls *d = NULL;
    assert_int_equal(svcm_calls_load(buf, len, NULL, &d, NULL), SVCM_OK);
    struct svcm_calls_result ra = result_of(c), rb = result_of(d);
    assert_memory_equal(&ra, &rb, sizeof ra);
    svcm_calls_options oa, ob;
    svcm_calls_get_options(c, &oa);
    svcm_calls_get_options(d, &ob);
    assert_true(oa.sl_abandoned == ob.sl_abandoned && oa.exclude_short == ob.exclude_short);
    /* The loaded one goes on accumulating and merges with the original. */
    assert_int_equal(svcm_calls_merge(d, c), SVCM_OK);
    assert_int_equal(result_of(d).offered, 12);
    svcm_calls_free(d);
    /* An empty accumulator round-trips too (longest wait "none"). */
    svcm_calls *e = make(SVCM_CALLS_SL_IGNORE, true);
    unsigned char ebuf[256];
    size_t elen;
    assert_int_equal(svcm_calls_save(e, ebuf, sizeof ebuf, &elen), SVCM_OK);
    assert_int_equal(svcm_calls_load(ebuf, elen, NULL, &d, NULL), SVCM_OK);
    assert_true(isnan(result_of(d).longest_wait_s));
    svcm_calls_free(d);
    svcm_calls_free(e);
    svcm_calls_free(c);
    free(buf);
}

/* Offsets in the saved bytes (after the 12-byte header). */
#define OFF_TARGET 12
#define OFF_TOLERANCE 28
#define OFF_SL 36
#define OFF_EXCL 37
#define OFF_ANSWERED 38
#define OFF_ANS_WITHIN 70
#define OFF_WAIT_ANS 94
#define OFF_LONGEST 118

static void put_f64(unsigned char *p, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(u >> (8 * i));
}

static void expect_load_fails(const unsigned char *buf, size_t len, int code)
{
    svcm_calls *d = (svcm_calls *)&d;
    svcm_error err;
    assert_int_equal(svcm_calls_load(buf, len, NULL, &d, &err), code);
    assert_ptr_equal(d, (svcm_calls *)&d);
    assert_int_equal(err.code, code);
}

static void test_load_rejects_damage(void **state)
{
    (void)state;
    svcm_calls *c = make(SVCM_CALLS_SL_AGAINST, true);
    add_all(c, worked, 7);
    unsigned char good[256], b[256];
    size_t len;
    assert_int_equal(svcm_calls_save(c, good, sizeof good, &len), SVCM_OK);
    assert_int_equal(len, 12 + 8 + 8 + 8 + 1 + 1 + 7 * 8 + 4 * 8);
    /* Every truncation, and one byte too many. */
    for (size_t k = 0; k < len; k++)
        expect_load_fails(good, k, SVCM_EFORMAT);
    memcpy(b, good, len);
    b[len] = 0;
    expect_load_fails(b, len + 1, SVCM_EFORMAT);
    /* Magic, kind, version. */
    memcpy(b, good, len);
    b[0] = 'X';
    expect_load_fails(b, len, SVCM_EFORMAT);
    memcpy(b, good, len);
    b[4] = SVCM__KIND_RATE;
    expect_load_fails(b, len, SVCM_EFORMAT);
    memcpy(b, good, len);
    b[6] = 2;
    expect_load_fails(b, len, SVCM_EFORMAT);
    /* Options: negative or NaN target, unknown treatment, flag not 0/1. */
    memcpy(b, good, len);
    put_f64(b + OFF_TARGET, -1.0);
    expect_load_fails(b, len, SVCM_EFORMAT);
    memcpy(b, good, len);
    put_f64(b + OFF_TARGET, NAN);
    expect_load_fails(b, len, SVCM_EFORMAT);
    memcpy(b, good, len);
    put_f64(b + OFF_TOLERANCE, -0.5);
    expect_load_fails(b, len, SVCM_EFORMAT);
    memcpy(b, good, len);
    b[OFF_SL] = 3;
    expect_load_fails(b, len, SVCM_EFORMAT);
    memcpy(b, good, len);
    b[OFF_EXCL] = 2;
    expect_load_fails(b, len, SVCM_EFORMAT);
    /* Counts: answered within T above answered. */
    memcpy(b, good, len);
    b[OFF_ANS_WITHIN] = 9;
    expect_load_fails(b, len, SVCM_EFORMAT);
    /* Offered beyond UINT64_MAX. */
    memcpy(b, good, len);
    memset(b + OFF_ANSWERED, 0xff, 8);
    expect_load_fails(b, len, SVCM_EFORMAT);
    /* Totals: negative, infinite; longest wait above the total. */
    memcpy(b, good, len);
    put_f64(b + OFF_WAIT_ANS, -3.0);
    expect_load_fails(b, len, SVCM_EFORMAT);
    memcpy(b, good, len);
    put_f64(b + OFF_WAIT_ANS, INFINITY);
    expect_load_fails(b, len, SVCM_EFORMAT);
    memcpy(b, good, len);
    put_f64(b + OFF_LONGEST, 1e9);
    expect_load_fails(b, len, SVCM_EFORMAT);
    memcpy(b, good, len);
    put_f64(b + OFF_LONGEST, -1.0); /* "none" with contacts offered */
    expect_load_fails(b, len, SVCM_EFORMAT);
    /* NULL pointers, incomplete allocator. */
    svcm_calls *d = NULL;
    svcm_error err;
    assert_int_equal(svcm_calls_load(NULL, len, NULL, &d, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "buf");
    assert_int_equal(svcm_calls_load(good, len, NULL, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "out");
    svcm_allocator half = {NULL, NULL, NULL, NULL};
    assert_int_equal(svcm_calls_load(good, len, &half, &d, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "alloc");
    /* An empty accumulator's bytes with a count: inconsistent. */
    svcm_calls *e = make(SVCM_CALLS_SL_AGAINST, true);
    assert_int_equal(svcm_calls_save(e, b, sizeof b, &len), SVCM_OK);
    b[OFF_ANSWERED] = 1; /* answered 1 but longest wait "none" */
    expect_load_fails(b, len, SVCM_EFORMAT);
    svcm_calls_free(e);
    svcm_calls_free(c);
}

/* An allocator that fails after a budget of allocations. */
static int budget;
static void *tight_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return budget-- > 0 ? malloc(n) : NULL;
}
static void *tight_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    return budget-- > 0 ? realloc(p, n) : NULL;
}
static void tight_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    svcm_allocator a = {tight_alloc, tight_realloc, tight_free, NULL};
    budget = 0;
    svcm_calls *c = NULL;
    svcm_error err;
    assert_int_equal(svcm_calls_new(NULL, &a, &c, &err), SVCM_ENOMEM);
    assert_null(c);
    budget = 1;
    assert_int_equal(svcm_calls_new(NULL, &a, &c, &err), SVCM_OK);
    add_all(c, worked, 7);
    unsigned char buf[256];
    size_t len;
    assert_int_equal(svcm_calls_save(c, buf, sizeof buf, &len), SVCM_OK);
    svcm_calls *d = NULL;
    budget = 0;
    assert_int_equal(svcm_calls_load(buf, len, &a, &d, &err), SVCM_ENOMEM);
    assert_null(d);
    svcm_calls_free(c);
}

static void test_count_overflow_is_erange(void **state)
{
    (void)state;
    /* Counts near UINT64_MAX through a forged saved state. */
    svcm_calls *c = make(SVCM_CALLS_SL_AGAINST, true);
    svcm_calls_record other = {0, NAN, NAN, NAN, NAN, O};
    assert_int_equal(svcm_calls_add(c, &other, NULL), SVCM_OK);
    unsigned char buf[256];
    size_t len;
    assert_int_equal(svcm_calls_save(c, buf, sizeof buf, &len), SVCM_OK);
    memset(buf + OFF_ANSWERED + 24, 0xff, 8); /* other = UINT64_MAX */
    svcm_calls *big = NULL;
    assert_int_equal(svcm_calls_load(buf, len, NULL, &big, NULL), SVCM_OK);
    svcm_error err;
    assert_int_equal(svcm_calls_add(big, &other, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "other");
    assert_int_equal(svcm_calls_merge(big, c), SVCM_ERANGE);
    assert_int_equal(result_of(big).other, UINT64_MAX);
    /* answered + abandoned (offered) beyond UINT64_MAX although each fits:
     * forged from one answered and one abandoned contact. */
    svcm_calls *two = make(SVCM_CALLS_SL_AGAINST, true);
    svcm_calls_record ans = {0, 0, 10, 10, 20, A}, ab = {0, 0, 30, NAN, NAN, B};
    assert_int_equal(svcm_calls_add(two, &ans, NULL), SVCM_OK);
    assert_int_equal(svcm_calls_add(two, &ab, NULL), SVCM_OK);
    assert_int_equal(svcm_calls_save(two, buf, sizeof buf, &len), SVCM_OK);
    uint64_t many = UINT64_MAX - 5;
    for (int i = 0; i < 8; i++)
        buf[OFF_ANSWERED + i] = (unsigned char)(many >> (8 * i));
    buf[OFF_ANSWERED + 8] = 5; /* abandoned = 5: offered = UINT64_MAX */
    svcm_calls *full = NULL;
    assert_int_equal(svcm_calls_load(buf, len, NULL, &full, NULL), SVCM_OK);
    assert_int_equal(result_of(full).offered, UINT64_MAX);
    assert_int_equal(svcm_calls_add(full, &ans, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "offered");
    assert_int_equal(result_of(full).answered, UINT64_MAX - 5);
    svcm_calls_free(full);
    svcm_calls_free(two);
    /* A total wait that overflows a double. */
    svcm_calls *w = make(SVCM_CALLS_SL_AGAINST, true);
    svcm_calls_record huge = {0, 0, DBL_MAX, NAN, NAN, B};
    assert_int_equal(svcm_calls_add(w, &huge, NULL), SVCM_OK);
    assert_int_equal(svcm_calls_add(w, &huge, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "wait_total");
    assert_int_equal(svcm_calls_merge(w, w), SVCM_ERANGE);
    assert_int_equal(result_of(w).abandoned, 1);
    svcm_calls_free(w);
    svcm_calls_free(big);
    svcm_calls_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_defaults),
        cmocka_unit_test(test_worked_log_counts_and_metrics),
        cmocka_unit_test(test_service_level_conventions),
        cmocka_unit_test(test_thresholds_are_inclusive_for_target_strict_for_short),
        cmocka_unit_test(test_tolerance_raises_instants_slightly_out_of_order),
        cmocka_unit_test(test_empty_and_zero_denominators_are_nan),
        cmocka_unit_test(test_batch_equals_one_by_one),
        cmocka_unit_test(test_merge_equals_one_accumulator_fed_everything),
        cmocka_unit_test(test_bad_records_name_the_field),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_bad_options_are_refused),
        cmocka_unit_test(test_save_load_round_trip),
        cmocka_unit_test(test_load_rejects_damage),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_count_overflow_is_erange),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
