/* SLA timers: first-response and resolution clocks of a ticket measured in
 * business seconds on a calendar, with pauses, and compliance over many
 * tickets with Wilson intervals. Uses only the public calendar API, and
 * the calendar's range check (a zoned calendar takes the years 0..9999). */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "svcm/calendar.h"
#include "svcm/stats.h"

bool svcm__calendar_in_range(const svcm_calendar *c, int64_t t); /* calendar.c */
#define in_range(t) svcm__calendar_in_range(cal, (t))

/* Check one ticket. idx is the index reported for ticket fields; pause
 * fields report the pause index for a single ticket and idx in a batch
 * (the message names the pause either way). */
static int validate(const svcm_calendar *cal, const svcm_sla_ticket *t, int64_t now,
                    size_t idx, bool batch, svcm_error *err)
{
    if (!in_range(now))
        return svcm__error(err, SVCM_EINVAL, idx, "now",
                           "now %lld is outside the calendar's range", (long long)now);
    if (!in_range(t->created))
        return svcm__error(err, SVCM_EINVAL, idx, "created",
                           "created %lld is outside the calendar's range", (long long)t->created);
    if (t->created > now)
        return svcm__error(err, SVCM_EINVAL, idx, "created", "created after now");
    int64_t fr = t->first_response, rs = t->resolved;
    if (fr != SVCM_SLA_NONE) {
        if (!in_range(fr))
            return svcm__error(err, SVCM_EINVAL, idx, "first_response",
                               "first_response %lld is outside the calendar's range", (long long)fr);
        if (fr < t->created)
            return svcm__error(err, SVCM_EINVAL, idx, "first_response",
                               "first_response before created");
        if (fr > now)
            return svcm__error(err, SVCM_EINVAL, idx, "first_response", "first_response after now");
    }
    if (rs != SVCM_SLA_NONE) {
        if (!in_range(rs))
            return svcm__error(err, SVCM_EINVAL, idx, "resolved",
                               "resolved %lld is outside the calendar's range", (long long)rs);
        if (rs < t->created)
            return svcm__error(err, SVCM_EINVAL, idx, "resolved", "resolved before created");
        if (rs > now)
            return svcm__error(err, SVCM_EINVAL, idx, "resolved", "resolved after now");
        if (fr != SVCM_SLA_NONE && fr > rs)
            return svcm__error(err, SVCM_EINVAL, idx, "first_response",
                               "first_response after resolved");
    }
    if (t->response_target < 0 || t->response_target > SVCM_SLA_TARGET_MAX)
        return svcm__error(err, SVCM_EINVAL, idx, "response_target",
                           "target %lld is not in 0 .. 1e9 business seconds",
                           (long long)t->response_target);
    if (t->resolution_target < 0 || t->resolution_target > SVCM_SLA_TARGET_MAX)
        return svcm__error(err, SVCM_EINVAL, idx, "resolution_target",
                           "target %lld is not in 0 .. 1e9 business seconds",
                           (long long)t->resolution_target);
    if (t->n_pauses > 0 && t->pauses == NULL)
        return svcm__error(err, SVCM_EINVAL, idx, "pauses", "pauses is NULL with n_pauses = %zu",
                           t->n_pauses);
    int64_t life_end = rs != SVCM_SLA_NONE ? rs : now;
    int64_t prev_end = t->created;
    for (size_t k = 0; k < t->n_pauses; k++) {
        const svcm_sla_pause *p = &t->pauses[k];
        size_t at = batch ? idx : k;
        if (!in_range(p->start))
            return svcm__error(err, SVCM_EINVAL, at, "pause.start",
                               "pause %zu starts outside the calendar's range", k);
        if (p->start < t->created)
            return svcm__error(err, SVCM_EINVAL, at, "pause.start",
                               "pause %zu starts before created", k);
        if (p->start < prev_end)
            return svcm__error(err, SVCM_EINVAL, at, "pause.start",
                               "pause %zu starts before the previous pause ends", k);
        if (p->start > life_end)
            return svcm__error(err, SVCM_EINVAL, at, "pause.start",
                               "pause %zu starts after the ticket's life (resolved or now)", k);
        if (p->end == SVCM_SLA_NONE) {
            if (k + 1 != t->n_pauses || rs != SVCM_SLA_NONE)
                return svcm__error(err, SVCM_EINVAL, at, "pause.end",
                                   "pause %zu is ongoing but is not the last pause of an open ticket",
                                   k);
            prev_end = now;
            continue;
        }
        if (!in_range(p->end))
            return svcm__error(err, SVCM_EINVAL, at, "pause.end", "pause %zu ends outside the calendar's range",
                               k);
        if (p->end <= p->start)
            return svcm__error(err, SVCM_EINVAL, at, "pause.end",
                               "pause %zu does not end after it starts", k);
        if (p->end > life_end)
            return svcm__error(err, SVCM_EINVAL, at, "pause.end",
                               "pause %zu ends after the ticket's life (resolved or now)", k);
        prev_end = p->end;
    }
    return SVCM_OK;
}

/* One metric whose clock stops at `stop` (SVCM_SLA_NONE: still running). */
static int metric(const svcm_calendar *cal, const svcm_sla_ticket *t, int64_t now,
                  int64_t stop, int64_t target, svcm_sla_metric *m)
{
    bool stopped = stop != SVCM_SLA_NONE;
    int64_t until = stopped ? stop : now;
    int64_t total, paused = 0;
    int rc = svcm_calendar_business_seconds(cal, t->created, until, &total);
    if (rc != SVCM_OK)
        return rc;
    /* Due instant: run the business clock from created, jumping over each
     * pause that began before the clock stopped. */
    int64_t cursor = t->created, need = target, due = SVCM_SLA_NONE;
    bool due_found = false;
    for (size_t k = 0; k < t->n_pauses; k++) {
        const svcm_sla_pause *p = &t->pauses[k];
        if (p->start >= until)
            break;
        int64_t pend = p->end == SVCM_SLA_NONE ? now : p->end;
        int64_t hi = pend < until ? pend : until, b;
        if ((rc = svcm_calendar_business_seconds(cal, p->start, hi, &b)) != SVCM_OK)
            return rc;
        paused += b;
        if (!due_found) {
            if ((rc = svcm_calendar_business_seconds(cal, cursor, p->start, &b)) != SVCM_OK)
                return rc;
            if (b >= need) {
                due_found = true;
                if (svcm_calendar_add_business_seconds(cal, cursor, need, &due) != SVCM_OK)
                    due = SVCM_SLA_NONE;
            } else {
                need -= b;
                cursor = pend;
            }
        }
    }
    /* No business time at all, or a due instant past the supported range:
     * there is no due instant to report. */
    if (!due_found && svcm_calendar_add_business_seconds(cal, cursor, need, &due) != SVCM_OK)
        due = SVCM_SLA_NONE;
    m->elapsed = total - paused;
    m->remaining = target - m->elapsed;
    m->due = due;
    m->stopped = stopped;
    m->breached = m->elapsed > target;
    m->met = stopped && !m->breached;
    return SVCM_OK;
}

static int evaluate(const svcm_calendar *cal, const svcm_sla_ticket *t, int64_t now,
                    struct svcm_sla_result *out)
{
    int64_t response_stop = t->first_response != SVCM_SLA_NONE ? t->first_response : t->resolved;
    struct svcm_sla_result r;
    int rc = metric(cal, t, now, response_stop, t->response_target, &r.response);
    if (rc == SVCM_OK)
        rc = metric(cal, t, now, t->resolved, t->resolution_target, &r.resolution);
    if (rc == SVCM_OK)
        *out = r;
    return rc;
}

int svcm_sla_evaluate(const svcm_calendar *cal, const svcm_sla_ticket *ticket, int64_t now,
                      struct svcm_sla_result *out, svcm_error *err)
{
    if (cal == NULL || ticket == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    int rc = validate(cal, ticket, now, 0, false, err);
    if (rc != SVCM_OK)
        return rc;
    rc = evaluate(cal, ticket, now, out);
    if (rc != SVCM_OK)
        return svcm__error(err, rc, 0, NULL, NULL);
    return SVCM_OK;
}

static void count(svcm_sla_rate *r, const svcm_sla_metric *m)
{
    if (m->met)
        r->met++;
    else if (m->breached)
        r->breached++;
    else
        r->pending++;
}

static void finish_rate(svcm_sla_rate *r, double confidence)
{
    uint64_t decided = r->met + r->breached;
    if (decided == 0) {
        r->rate = NAN;
        r->ci.lo = r->ci.hi = NAN;
        return;
    }
    r->rate = (double)r->met / (double)decided;
    if (svcm_wilson(r->met, decided, confidence, &r->ci) != SVCM_OK)
        r->ci.lo = r->ci.hi = NAN; /* not reached: confidence probed by the caller */
}

int svcm_sla_compliance(const svcm_calendar *cal, const svcm_sla_ticket *tickets, size_t n,
                        int64_t now, double confidence, svcm_sla_summary *out,
                        struct svcm_sla_result *per_ticket, svcm_error *err)
{
    if (cal == NULL || out == NULL || (n > 0 && tickets == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    if (!(confidence > 0.0 && confidence < 1.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "confidence",
                           "confidence must be in (0, 1)");
    /* Ask svcm_wilson() itself whether it takes this level (it may refuse a
     * level within rounding of 1), so that no NaN interval is written with
     * SVCM_OK after the tickets were evaluated. */
    svcm_interval probe;
    if (svcm_wilson(0, 1, confidence, &probe) != SVCM_OK)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "confidence",
                           "confidence %.17g is too close to 0 or 1 for a Wilson interval",
                           confidence);
    for (size_t i = 0; i < n; i++) {
        int rc = validate(cal, &tickets[i], now, i, true, err);
        if (rc != SVCM_OK)
            return rc;
    }
    svcm_sla_summary s;
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < n; i++) {
        struct svcm_sla_result r;
        /* Cannot fail: every instant was checked to be in range, and the
         * calendar queries fail only on out-of-range instants. */
        (void)evaluate(cal, &tickets[i], now, &r);
        count(&s.response, &r.response);
        count(&s.resolution, &r.resolution);
        if (per_ticket != NULL)
            per_ticket[i] = r;
    }
    finish_rate(&s.response, confidence);
    finish_rate(&s.resolution, confidence);
    *out = s;
    return SVCM_OK;
}
