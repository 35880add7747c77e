/* Tests of the SLA timers. Expected values are hand computations written
 * next to each case on a Monday-to-Friday 09:00-17:00 UTC calendar; the
 * Wilson interval is checked against its closed form (Wilson 1927,
 * E. B. Wilson, "Probable inference, the law of succession, and statistical
 * inference", JASA 22:209-212) with z = 1.959963984540054 from the normal
 * table. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "svcm.h"
#include "svcm/calendar.h"

#define H 3600
#define DAYS 86400
#define NONE SVCM_SLA_NONE

/* 2026-01-05 (Monday) 00:00 UTC is day 20458 since the epoch
 * (Python: date(2026,1,5).toordinal() - 719163). */
#define MON0 ((int64_t)20458 * DAYS)
/* Instant of weekday wd (0 = Mon 2026-01-05, 7 = the next Monday) at hh:mm. */
#define T(wd, hh, mm) (MON0 + (int64_t)(wd) * DAYS + (hh) * H + (mm) * 60)

static svcm_calendar *nine_to_five(void)
{
    static const svcm_calendar_interval iv[] = {
        {0, 9 * H, 17 * H}, {1, 9 * H, 17 * H}, {2, 9 * H, 17 * H},
        {3, 9 * H, 17 * H}, {4, 9 * H, 17 * H},
    };
    svcm_calendar_options o;
    svcm_calendar_options_init(&o);
    o.intervals = iv;
    o.n_intervals = 5;
    svcm_calendar *c = NULL;
    assert_int_equal(svcm_calendar_new(&o, NULL, &c, NULL), SVCM_OK);
    return c;
}

static svcm_sla_ticket ticket(int64_t created, int64_t fr, int64_t res, int64_t rt, int64_t st)
{
    svcm_sla_ticket t;
    memset(&t, 0, sizeof t);
    t.created = created;
    t.first_response = fr;
    t.resolved = res;
    t.response_target = rt;
    t.resolution_target = st;
    return t;
}

static void test_resolved_ticket_over_a_weekend_with_a_pause(void **state)
{
    (void)state;
    svcm_calendar *c = nine_to_five();
    /* Created Fri 16:00, answered Mon 09:30, on hold Mon 12:00-14:00,
     * resolved Tue 11:00; targets: response 1 h, resolution 8 h. */
    svcm_sla_pause p[] = {{T(7, 12, 0), T(7, 14, 0)}};
    svcm_sla_ticket t = ticket(T(4, 16, 0), T(7, 9, 30), T(8, 11, 0), H, 8 * H);
    t.pauses = p;
    t.n_pauses = 1;
    struct svcm_sla_result r;
    assert_int_equal(svcm_sla_evaluate(c, &t, T(9, 0, 0), &r, NULL), SVCM_OK);
    /* Response: Fri 16-17 (1 h) + Mon 09:00-09:30 = 5400 s > 3600: breached;
     * due one business hour after Fri 16:00 = Fri 17:00. */
    assert_int_equal(r.response.elapsed, 5400);
    assert_int_equal(r.response.remaining, -1800);
    assert_int_equal(r.response.due, T(4, 17, 0));
    assert_true(r.response.stopped);
    assert_false(r.response.met);
    assert_true(r.response.breached);
    /* Resolution: Fri 1 h + Mon 8 h + Tue 09-11 2 h = 11 h, minus the pause
     * Mon 12-14 (2 h) = 9 h = 32400 s > 8 h: breached by 1 h. Due: 4 h from
     * Fri 16:00 to Mon 12:00, pause, then 4 h more from Mon 14:00: 3 h to
     * Mon 17:00 and 1 h on Tuesday -> Tue 10:00. */
    assert_int_equal(r.resolution.elapsed, 32400);
    assert_int_equal(r.resolution.remaining, -3600);
    assert_int_equal(r.resolution.due, T(8, 10, 0));
    assert_true(r.resolution.stopped);
    assert_false(r.resolution.met);
    assert_true(r.resolution.breached);
    svcm_calendar_free(c);
}

static void test_open_ticket_on_hold_moves_its_due_instant(void **state)
{
    (void)state;
    svcm_calendar *c = nine_to_five();
    /* Created Mon 09:00, on hold since Mon 10:00 (ongoing), now Mon 15:00,
     * no response; targets 2 h and 16 h. */
    svcm_sla_pause p[] = {{T(0, 10, 0), NONE}};
    svcm_sla_ticket t = ticket(T(0, 9, 0), NONE, NONE, 2 * H, 16 * H);
    t.pauses = p;
    t.n_pauses = 1;
    struct svcm_sla_result r;
    assert_int_equal(svcm_sla_evaluate(c, &t, T(0, 15, 0), &r, NULL), SVCM_OK);
    /* Elapsed 09-10 = 1 h, 1 h left; the pause is taken to end now (15:00),
     * so the response is due 16:00. */
    assert_int_equal(r.response.elapsed, H);
    assert_int_equal(r.response.remaining, H);
    assert_int_equal(r.response.due, T(0, 16, 0));
    assert_false(r.response.stopped);
    assert_false(r.response.met);
    assert_false(r.response.breached);
    /* Resolution: 15 h left from Mon 15:00: Mon 2 h, Tue 8 h, Wed 5 h -> Wed 14:00. */
    assert_int_equal(r.resolution.remaining, 15 * H);
    assert_int_equal(r.resolution.due, T(2, 14, 0));
    /* An hour later the due instants move by the hour on hold. */
    assert_int_equal(svcm_sla_evaluate(c, &t, T(0, 16, 0), &r, NULL), SVCM_OK);
    assert_int_equal(r.response.due, T(0, 17, 0));
    assert_int_equal(r.response.elapsed, H);
    svcm_calendar_free(c);
}

static void test_open_ticket_past_target_is_breached_not_met(void **state)
{
    (void)state;
    svcm_calendar *c = nine_to_five();
    /* Created Mon 09:00, nothing since, now Tue 12:00: 8 h + 3 h = 11 h. */
    svcm_sla_ticket t = ticket(T(0, 9, 0), NONE, NONE, 4 * H, 24 * H);
    struct svcm_sla_result r;
    assert_int_equal(svcm_sla_evaluate(c, &t, T(1, 12, 0), &r, NULL), SVCM_OK);
    assert_int_equal(r.response.elapsed, 11 * H);
    assert_true(r.response.breached);
    assert_false(r.response.met);
    assert_int_equal(r.response.due, T(0, 13, 0));
    assert_false(r.resolution.breached);
    assert_int_equal(r.resolution.remaining, 13 * H);
    /* 24 h from Mon 09:00 is Wed 17:00 (exactly at close, not Thu 09:00). */
    assert_int_equal(r.resolution.due, T(2, 17, 0));
    svcm_calendar_free(c);
}

static void test_exactly_on_target_is_met(void **state)
{
    (void)state;
    svcm_calendar *c = nine_to_five();
    /* Response after exactly 1 business hour (Fri 16:30 -> Mon 09:30). */
    svcm_sla_ticket t = ticket(T(4, 16, 30), T(7, 9, 30), NONE, H, 8 * H);
    struct svcm_sla_result r;
    assert_int_equal(svcm_sla_evaluate(c, &t, T(7, 10, 0), &r, NULL), SVCM_OK);
    assert_int_equal(r.response.elapsed, H);
    assert_int_equal(r.response.remaining, 0);
    assert_true(r.response.met);
    assert_false(r.response.breached);
    assert_int_equal(r.response.due, T(7, 9, 30));
    /* Target 0: due at creation, met only with no business time elapsed
     * (a reply on Saturday to a Friday-evening ticket). */
    svcm_sla_ticket z = ticket(T(4, 18, 0), T(5, 10, 0), NONE, 0, H);
    assert_int_equal(svcm_sla_evaluate(c, &z, T(5, 11, 0), &r, NULL), SVCM_OK);
    assert_int_equal(r.response.due, T(4, 18, 0));
    assert_true(r.response.met);
    svcm_calendar_free(c);
}

static void test_resolution_without_response_stops_both_clocks(void **state)
{
    (void)state;
    svcm_calendar *c = nine_to_five();
    svcm_sla_ticket t = ticket(T(0, 9, 0), NONE, T(0, 11, 0), 3 * H, 4 * H);
    struct svcm_sla_result r;
    assert_int_equal(svcm_sla_evaluate(c, &t, T(3, 0, 0), &r, NULL), SVCM_OK);
    assert_true(r.response.stopped);
    assert_int_equal(r.response.elapsed, 2 * H);
    assert_true(r.response.met);
    assert_true(r.resolution.met);
    svcm_calendar_free(c);
}

static void test_pause_after_the_response_does_not_move_its_due(void **state)
{
    (void)state;
    svcm_calendar *c = nine_to_five();
    /* Response Mon 10:00 (1 h), pause Mon 11:00-15:00 later: the response's
     * due stays Mon 13:00 (4 h from 09:00); resolution excludes 4 h. */
    svcm_sla_pause p[] = {{T(0, 11, 0), T(0, 15, 0)}};
    svcm_sla_ticket t = ticket(T(0, 9, 0), T(0, 10, 0), T(0, 16, 0), 4 * H, 3 * H);
    t.pauses = p;
    t.n_pauses = 1;
    struct svcm_sla_result r;
    assert_int_equal(svcm_sla_evaluate(c, &t, T(0, 16, 0), &r, NULL), SVCM_OK);
    assert_int_equal(r.response.due, T(0, 13, 0));
    assert_int_equal(r.response.elapsed, H);
    /* Resolution: 09-16 = 7 h minus 4 h = 3 h: met exactly; due: 2 h to
     * the pause, 1 h after 15:00 -> 16:00. */
    assert_int_equal(r.resolution.elapsed, 3 * H);
    assert_true(r.resolution.met);
    assert_int_equal(r.resolution.due, T(0, 16, 0));
    svcm_calendar_free(c);
}

static void test_response_during_a_pause_that_starts_at_creation(void **state)
{
    (void)state;
    svcm_calendar *c = nine_to_five();
    /* Created Mon 09:00 and put on hold at once until 11:00; answered at
     * 10:00, inside the pause: no business time on the response clock. The
     * response's due instant: 0 h before the pause, then 1 h from 11:00. */
    svcm_sla_pause p[] = {{T(0, 9, 0), T(0, 11, 0)}};
    svcm_sla_ticket t = ticket(T(0, 9, 0), T(0, 10, 0), NONE, H, 4 * H);
    t.pauses = p;
    t.n_pauses = 1;
    struct svcm_sla_result r;
    assert_int_equal(svcm_sla_evaluate(c, &t, T(0, 12, 0), &r, NULL), SVCM_OK);
    assert_int_equal(r.response.elapsed, 0);
    assert_true(r.response.met);
    assert_int_equal(r.response.due, T(0, 12, 0));
    /* Resolution so far: 09-12 minus the 2 h pause = 1 h; due 11:00 + 4 h
     * = 15:00. */
    assert_int_equal(r.resolution.elapsed, H);
    assert_int_equal(r.resolution.remaining, 3 * H);
    assert_int_equal(r.resolution.due, T(0, 15, 0));
    svcm_calendar_free(c);
}

static void test_calendar_without_hours_has_no_due_instant(void **state)
{
    (void)state;
    svcm_calendar *c = NULL;
    assert_int_equal(svcm_calendar_new(NULL, NULL, &c, NULL), SVCM_OK);
    svcm_sla_ticket t = ticket(0, NONE, NONE, H, 2 * H);
    struct svcm_sla_result r;
    assert_int_equal(svcm_sla_evaluate(c, &t, 1000000, &r, NULL), SVCM_OK);
    assert_int_equal(r.response.elapsed, 0);
    assert_int_equal(r.response.due, NONE);
    assert_false(r.response.breached);
    svcm_calendar_free(c);
}

static void test_bad_tickets_are_rejected_with_the_field(void **state)
{
    (void)state;
    svcm_calendar *c = nine_to_five();
    const int64_t now = T(9, 0, 0);
    struct {
        svcm_sla_ticket t;
        svcm_sla_pause p[2];
        size_t np;
        int64_t now;
        size_t index;
        const char *field;
    } bad[] = {
        {ticket(T(1, 0, 0), NONE, T(0, 0, 0), H, H), {{0, 0}}, 0, now, 0, "resolved"},
        {ticket(T(1, 0, 0), T(0, 0, 0), NONE, H, H), {{0, 0}}, 0, now, 0, "first_response"},
        {ticket(T(0, 0, 0), T(2, 0, 0), T(1, 0, 0), H, H), {{0, 0}}, 0, now, 0, "first_response"},
        {ticket(T(0, 0, 0), NONE, NONE, -1, H), {{0, 0}}, 0, now, 0, "response_target"},
        {ticket(T(0, 0, 0), NONE, NONE, H, SVCM_SLA_TARGET_MAX + 1), {{0, 0}}, 0, now, 0,
         "resolution_target"},
        {ticket(T(0, 0, 0), NONE, NONE, H, H), {{0, 0}}, 0, T(-1, 0, 0), 0, "created"},
        {ticket(T(0, 0, 0), NONE, NONE, H, H), {{0, 0}}, 0, SVCM_CALENDAR_TIME_MAX + 1, 0, "now"},
        {ticket(SVCM_CALENDAR_TIME_MAX + 1, NONE, NONE, H, H), {{0, 0}}, 0, now, 0, "created"},
        {ticket(T(0, 0, 0), T(9, 1, 0), NONE, H, H), {{0, 0}}, 0, now, 0, "first_response"},
        {ticket(T(0, 0, 0), NONE, T(9, 1, 0), H, H), {{0, 0}}, 0, now, 0, "resolved"},
        /* pauses: before created, overlapping, empty, after resolved, ongoing not last */
        {ticket(T(1, 0, 0), NONE, NONE, H, H), {{T(0, 0, 0), T(1, 5, 0)}}, 1, now, 0, "pause.start"},
        {ticket(T(0, 0, 0), NONE, NONE, H, H), {{T(0, 1, 0), T(0, 5, 0)}, {T(0, 4, 0), T(0, 6, 0)}},
         2, now, 1, "pause.start"},
        {ticket(T(0, 0, 0), NONE, NONE, H, H), {{T(0, 1, 0), T(0, 1, 0)}}, 1, now, 0, "pause.end"},
        {ticket(T(0, 0, 0), NONE, T(1, 0, 0), H, H), {{T(0, 1, 0), T(1, 1, 0)}}, 1, now, 0,
         "pause.end"},
        {ticket(T(0, 0, 0), NONE, NONE, H, H), {{T(0, 1, 0), NONE}, {T(0, 4, 0), T(0, 6, 0)}}, 2,
         now, 0, "pause.end"},
        {ticket(T(0, 0, 0), NONE, T(1, 0, 0), H, H), {{T(0, 1, 0), NONE}}, 1, now, 0, "pause.end"},
        {ticket(T(0, 0, 0), NONE, NONE, H, H), {{T(9, 1, 0), NONE}}, 1, now, 0, "pause.start"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bad[i].t.pauses = bad[i].p;
        bad[i].t.n_pauses = bad[i].np;
        struct svcm_sla_result r;
        memset(&r, 0x5a, sizeof r);
        svcm_error err;
        svcm_error_clear(&err);
        assert_int_equal(svcm_sla_evaluate(c, &bad[i].t, bad[i].now, &r, &err), SVCM_EINVAL);
        if (strcmp(err.field, bad[i].field) != 0 || err.index != bad[i].index)
            fail_msg("case %zu: got field %s index %zu (%s)", i, err.field, err.index, err.message);
        assert_int_equal(r.response.elapsed, (int64_t)0x5a5a5a5a5a5a5a5a);
    }
    svcm_sla_ticket t = ticket(0, NONE, NONE, H, H);
    struct svcm_sla_result r;
    svcm_error err;
    assert_int_equal(svcm_sla_evaluate(NULL, &t, 0, &r, &err), SVCM_EINVAL);
    assert_int_equal(svcm_sla_evaluate(c, NULL, 0, &r, &err), SVCM_EINVAL);
    assert_int_equal(svcm_sla_evaluate(c, &t, 0, NULL, &err), SVCM_EINVAL);
    t.n_pauses = 2; /* pauses NULL */
    assert_int_equal(svcm_sla_evaluate(c, &t, 10, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "pauses");
    svcm_calendar_free(c);
}

static void same_metric(const svcm_sla_metric *a, const svcm_sla_metric *b)
{
    assert_int_equal(a->elapsed, b->elapsed);
    assert_int_equal(a->remaining, b->remaining);
    assert_int_equal(a->due, b->due);
    assert_int_equal(a->stopped, b->stopped);
    assert_int_equal(a->met, b->met);
    assert_int_equal(a->breached, b->breached);
}

static void wilson_closed_form(double x, double n, double z, double *lo, double *hi)
{
    double p = x / n, z2 = z * z;
    double center = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = z / (1 + z2 / n) * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    *lo = center - half;
    *hi = center + half;
}

static void test_compliance_counts_met_breached_and_pending(void **state)
{
    (void)state;
    svcm_calendar *c = nine_to_five();
    const int64_t now = T(2, 12, 0); /* Wed 12:00 */
    svcm_sla_ticket t[5] = {
        /* answered in 30 min, resolved in 3 h: met, met */
        ticket(T(0, 9, 0), T(0, 9, 30), T(0, 12, 0), H, 8 * H),
        /* answered after 2 h: response breached; resolved in 7 h: met */
        ticket(T(0, 9, 0), T(0, 11, 0), T(0, 16, 0), H, 8 * H),
        /* open, answered in time; Mon 8 h + Tue 8 h + Wed 3 h = 19 h > 8 h:
         * resolution breached */
        ticket(T(0, 9, 0), T(0, 9, 10), NONE, H, 8 * H),
        /* open since Wed 11:30, no answer yet (30 min): both pending */
        ticket(T(2, 11, 30), NONE, NONE, H, 8 * H),
        /* open since Tue 16:00, no answer (1 h + 3 h): response breached,
         * resolution pending (4 h of 8) */
        ticket(T(1, 16, 0), NONE, NONE, H, 8 * H),
    };
    svcm_sla_summary s;
    struct svcm_sla_result per[5];
    svcm_error err;
    assert_int_equal(svcm_sla_compliance(c, t, 5, now, 0.95, &s, per, &err), SVCM_OK);
    assert_int_equal(s.response.met, 2);
    assert_int_equal(s.response.breached, 2);
    assert_int_equal(s.response.pending, 1);
    assert_int_equal(s.resolution.met, 2);
    assert_int_equal(s.resolution.breached, 1);
    assert_int_equal(s.resolution.pending, 2);
    assert_true(fabs(s.response.rate - 0.5) < 1e-15);
    assert_true(fabs(s.resolution.rate - 2.0 / 3.0) < 1e-15);
    double lo, hi;
    wilson_closed_form(2, 4, 1.959963984540054, &lo, &hi);
    assert_true(fabs(s.response.ci.lo - lo) < 1e-9 && fabs(s.response.ci.hi - hi) < 1e-9);
    wilson_closed_form(2, 3, 1.959963984540054, &lo, &hi);
    assert_true(fabs(s.resolution.ci.lo - lo) < 1e-9 && fabs(s.resolution.ci.hi - hi) < 1e-9);
    /* per-ticket results equal the single-ticket evaluation */
    for (int i = 0; i < 5; i++) {
        struct svcm_sla_result r;
        assert_int_equal(svcm_sla_evaluate(c, &t[i], now, &r, NULL), SVCM_OK);
        same_metric(&r.response, &per[i].response);
        same_metric(&r.resolution, &per[i].resolution);
    }
    assert_int_equal(per[4].response.elapsed, 4 * H);
    /* Nothing decided: NaN rate and interval. */
    assert_int_equal(svcm_sla_compliance(c, &t[3], 1, now, 0.95, &s, NULL, &err), SVCM_OK);
    assert_true(isnan(s.response.rate) && isnan(s.response.ci.lo) && isnan(s.response.ci.hi));
    assert_int_equal(s.response.pending, 1);
    assert_int_equal(svcm_sla_compliance(c, NULL, 0, now, 0.95, &s, NULL, &err), SVCM_OK);
    assert_int_equal(s.resolution.met + s.resolution.breached + s.resolution.pending, 0);
    svcm_calendar_free(c);
}

static void test_compliance_rejects_a_bad_ticket_and_writes_nothing(void **state)
{
    (void)state;
    svcm_calendar *c = nine_to_five();
    svcm_sla_pause p[] = {{T(0, 10, 0), T(0, 12, 0)}, {T(0, 11, 0), T(0, 13, 0)}};
    svcm_sla_ticket t[3] = {
        ticket(T(0, 9, 0), NONE, NONE, H, H),
        ticket(T(0, 9, 0), NONE, NONE, H, H),
        ticket(T(0, 9, 0), NONE, NONE, H, H),
    };
    t[2].pauses = p;
    t[2].n_pauses = 2;
    svcm_sla_summary s;
    memset(&s, 0x33, sizeof s);
    struct svcm_sla_result per[3];
    memset(per, 0x44, sizeof per);
    svcm_error err;
    assert_int_equal(svcm_sla_compliance(c, t, 3, T(1, 0, 0), 0.95, &s, per, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, "pause.start");
    assert_non_null(strstr(err.message, "pause 1"));
    assert_int_equal(s.response.met, 0x3333333333333333u);
    assert_int_equal(per[0].response.elapsed, 0x4444444444444444);
    assert_int_equal(svcm_sla_compliance(c, t, 2, T(1, 0, 0), 1.0, &s, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "confidence");
    assert_int_equal(svcm_sla_compliance(c, t, 2, T(1, 0, 0), NAN, &s, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_sla_compliance(c, NULL, 2, T(1, 0, 0), 0.9, &s, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_sla_compliance(NULL, t, 2, T(1, 0, 0), 0.9, &s, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_sla_compliance(c, t, 2, T(1, 0, 0), 0.9, NULL, NULL, &err), SVCM_EINVAL);
    svcm_calendar_free(c);
}

/* Regression: a confidence within rounding of 1 (1 - 2^-53, "1 - 1e-16")
 * passed the (0, 1) check, the Wilson interval was then refused and the
 * call returned SVCM_OK with a NaN interval. Either a real interval comes
 * back (for 1 met of 1, Wilson's lower bound is 1 / (1 + z^2), z ~ 8.3:
 * about 0.0143) or the level is rejected up front with nothing written. */
static void test_confidence_next_to_one_never_gives_a_nan_interval(void **state)
{
    (void)state;
    svcm_calendar *c = nine_to_five();
    svcm_sla_ticket t = ticket(T(0, 9, 0), T(0, 9, 10), T(0, 10, 0), H, 8 * H);
    svcm_sla_summary s;
    memset(&s, 0x33, sizeof s);
    svcm_error err;
    int rc = svcm_sla_compliance(c, &t, 1, T(1, 0, 0), nextafter(1.0, 0.0), &s, NULL, &err);
    if (rc == SVCM_OK) {
        assert_int_equal(s.response.met, 1);
        assert_true(s.response.ci.lo > 0.01 && s.response.ci.lo < 0.02);
        assert_true(s.response.ci.hi == 1.0);
    } else {
        assert_int_equal(rc, SVCM_EINVAL);
        assert_string_equal(err.field, "confidence");
        assert_int_equal(s.response.met, 0x3333333333333333u);
    }
    svcm_calendar_free(c);
}

/* A Berlin calendar (EU rule: summer time from 01:00 UTC on the last
 * Sunday of March, 2026-03-29). Created Friday 2026-03-27 16:00 CET (15:00
 * UTC = day 20539 * 86400 + 15 h), answered Monday 30 March 10:00 CEST
 * (08:00 UTC), resolved Monday 13:00 CEST (11:00 UTC). */
static void test_zoned_calendar_clocks_cross_the_spring_changeover(void **state)
{
    (void)state;
    static const svcm_calendar_interval iv[] = {
        {0, 9 * H, 17 * H}, {1, 9 * H, 17 * H}, {2, 9 * H, 17 * H},
        {3, 9 * H, 17 * H}, {4, 9 * H, 17 * H},
    };
    svcm_calendar_options o;
    svcm_calendar_options_init(&o);
    o.zone = "CET-1CEST,M3.5.0,M10.5.0/3";
    o.intervals = iv;
    o.n_intervals = 5;
    svcm_calendar *c = NULL;
    assert_int_equal(svcm_calendar_new(&o, NULL, &c, NULL), SVCM_OK);
    const int64_t fri = INT64_C(20539) * DAYS, mon = fri + 3 * DAYS;
    svcm_sla_ticket t = ticket(fri + 15 * H, mon + 8 * H, mon + 11 * H, H, 4 * H);
    struct svcm_sla_result r;
    assert_int_equal(svcm_sla_evaluate(c, &t, mon + 12 * H, &r, NULL), SVCM_OK);
    /* Response: Fri 16-17 CET and Mon 09-10 CEST, 2 h; due Fri 17:00 CET. */
    assert_int_equal(r.response.elapsed, 2 * H);
    assert_int_equal(r.response.due, fri + 16 * H);
    assert_true(r.response.breached);
    /* Resolution: 1 h + Mon 09-13 CEST = 5 h; due after 3 h on Monday,
     * 12:00 CEST = 10:00 UTC (a fixed +01:00 would say 11:00 UTC). */
    assert_int_equal(r.resolution.elapsed, 5 * H);
    assert_int_equal(r.resolution.due, mon + 10 * H);
    assert_true(r.resolution.breached);
    /* Beyond the zoned range (year 10000): refused with the field. */
    svcm_error err;
    t = ticket(fri, NONE, NONE, H, H);
    assert_int_equal(svcm_sla_evaluate(c, &t, INT64_C(253402300800), &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "now");
    svcm_calendar_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolved_ticket_over_a_weekend_with_a_pause),
        cmocka_unit_test(test_open_ticket_on_hold_moves_its_due_instant),
        cmocka_unit_test(test_open_ticket_past_target_is_breached_not_met),
        cmocka_unit_test(test_exactly_on_target_is_met),
        cmocka_unit_test(test_resolution_without_response_stops_both_clocks),
        cmocka_unit_test(test_pause_after_the_response_does_not_move_its_due),
        cmocka_unit_test(test_response_during_a_pause_that_starts_at_creation),
        cmocka_unit_test(test_calendar_without_hours_has_no_due_instant),
        cmocka_unit_test(test_bad_tickets_are_rejected_with_the_field),
        cmocka_unit_test(test_compliance_counts_met_breached_and_pending),
        cmocka_unit_test(test_compliance_rejects_a_bad_ticket_and_writes_nothing),
        cmocka_unit_test(test_confidence_next_to_one_never_gives_a_nan_interval),
        cmocka_unit_test(test_zoned_calendar_clocks_cross_the_spring_changeover),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
