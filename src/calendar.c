/* Business-hours calendars: weekly schedule, a fixed UTC offset or a time
 * zone with daylight saving (time.h), holidays.
 *
 * Everything is computed from one cumulative function B(L): the business
 * seconds from a fixed origin up to local instant L. Business seconds over
 * [a, b) are B(b) - B(a); adding N business seconds inverts B. B is the
 * weekly count (whole weeks times the weekly total, plus a prefix within
 * the week found by binary search over a few segments) minus the time the
 * holidays before L remove (a prefix sum over the sorted holidays, found by
 * binary search). With a fixed offset no query walks day by day.
 *
 * With a zone, local time is t + offset(t) and the offset is piecewise
 * constant in UTC. Over a piece [s, T) with offset o the business seconds are
 * B(T + o) - B(s + o); a query sums the pieces of its span, finding the offset
 * changes by probing the zone once a day and bisecting to the second (zones
 * are assumed to change their offset at most once in any 24 hours, as
 * svcm_zone_from_local() assumes). A spring-forward gap's local hour lies in
 * no piece, so its open time does not exist; a repeated hour lies in two, so
 * it counts twice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "svcm/calendar.h"
#include "svcm/time.h"

#define DAY INT64_C(86400)
#define WEEK (7 * DAY)
/* 1970-01-01 was a Thursday: the Monday before it is day -3. */
#define MONDAY_SHIFT (3 * DAY)

struct svcm_calendar {
    svcm_allocator alloc;
    int32_t offset_minutes;
    int64_t offset; /* seconds; 0 with a zone */
    svcm_zone *zone; /* owned; NULL for a fixed offset */
    /* The intervals as given, sorted by (weekday, start): for to_text. */
    svcm_calendar_interval *iv;
    size_t n_iv;
    /* Open segments of the week in seconds since Monday 00:00, sorted,
     * disjoint and not touching; cum[k] = open seconds before seg_start[k]. */
    int64_t *seg_start, *seg_end, *cum;
    size_t n_seg;
    int64_t week_total;
    int64_t day_total[7]; /* open seconds within each weekday 00:00-24:00 */
    /* Holidays: sorted unique local day numbers, and hol_prefix[i] = open
     * seconds the first i holidays remove (n_hol + 1 entries). */
    int64_t *hol;
    int64_t *hol_prefix;
    size_t n_hol;
};

/* ------------------------------------------------------------ arithmetic */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

int svcm_days_from_civil(const svcm_date *date, int64_t *days)
{
    if (date == NULL || days == NULL)
        return SVCM_EINVAL;
    int64_t y = date->year;
    int m = date->month, d = date->day;
    if (y < -SVCM_CALENDAR_YEAR_MAX || y > SVCM_CALENDAR_YEAR_MAX || m < 1 || m > 12 ||
        d < 1 || d > svcm_time_days_in_month((int32_t)y, m))
        return SVCM_EINVAL;
    /* Hinnant's days_from_civil: years start on March 1 so that the leap day
     * is last; 400-year eras of 146097 days; floor division for y < 0. */
    if (m <= 2)
        y -= 1;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                             /* 0 .. 399 */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0 .. 365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;     /* 0 .. 146096 */
    *days = era * 146097 + doe - 719468;
    return SVCM_OK;
}

/* Hinnant's civil_from_days, with the same era decomposition. */
static void civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2 ? 1 : 0);
}

int svcm_civil_from_days(int64_t days, svcm_date *out)
{
    if (out == NULL)
        return SVCM_EINVAL;
    /* Bound first so that the arithmetic below cannot overflow. */
    const int64_t lim = (int64_t)SVCM_CALENDAR_YEAR_MAX * 366 + 1000;
    if (days < -lim || days > lim)
        return SVCM_ERANGE;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < -SVCM_CALENDAR_YEAR_MAX || y > SVCM_CALENDAR_YEAR_MAX)
        return SVCM_ERANGE;
    out->year = (int32_t)y;
    out->month = m;
    out->day = d;
    return SVCM_OK;
}

/* --------------------------------------------------------- construction */

void svcm_calendar_options_init(svcm_calendar_options *opts)
{
    if (opts == NULL)
        return;
    memset(opts, 0, sizeof *opts);
}

void svcm_calendar_free(svcm_calendar *cal)
{
    if (cal == NULL)
        return;
    svcm_allocator a = cal->alloc;
    svcm__free(&a, cal->iv);
    svcm__free(&a, cal->seg_start);
    svcm__free(&a, cal->seg_end);
    svcm__free(&a, cal->cum);
    svcm__free(&a, cal->hol);
    svcm__free(&a, cal->hol_prefix);
    svcm_zone_free(cal->zone);
    svcm__free(&a, cal);
}

/* A segment [s, e) of the week, before splitting at the week's end. */
typedef struct span {
    int64_t s, e;
    size_t idx; /* interval it came from */
} span;

static int cmp_span(const void *pa, const void *pb)
{
    const span *a = pa, *b = pb;
    if (a->s != b->s)
        return a->s < b->s ? -1 : 1;
    return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

static int cmp_i64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

static int cmp_iv(const void *pa, const void *pb)
{
    const svcm_calendar_interval *a = pa, *b = pb;
    if (a->weekday != b->weekday)
        return a->weekday < b->weekday ? -1 : 1;
    return (a->start > b->start) - (a->start < b->start);
}

/* Open seconds in [0, pos) of the week, 0 <= pos <= WEEK. */
static int64_t in_week(const svcm_calendar *c, int64_t pos)
{
    /* Last segment with start <= pos. */
    size_t lo = 0, hi = c->n_seg;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->seg_start[mid] <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    size_t k = lo - 1;
    int64_t e = pos < c->seg_end[k] ? pos : c->seg_end[k];
    return c->cum[k] + (e - c->seg_start[k]);
}

static int validate_intervals(const svcm_calendar_options *o, span *sp, svcm_error *err)
{
    for (size_t i = 0; i < o->n_intervals; i++) {
        const svcm_calendar_interval *v = &o->intervals[i];
        if (v->weekday < 0 || v->weekday > 6)
            return svcm__error(err, SVCM_EINVAL, i, "weekday",
                               "weekday %d is not in 0 (Monday) .. 6 (Sunday)", (int)v->weekday);
        if (v->start < 0 || v->start >= SVCM_CALENDAR_DAY)
            return svcm__error(err, SVCM_EINVAL, i, "start",
                               "start %d is not in 0 .. 86399 seconds", (int)v->start);
        if (v->end < 0 || v->end > SVCM_CALENDAR_DAY)
            return svcm__error(err, SVCM_EINVAL, i, "end", "end %d is not in 0 .. 86400 seconds",
                               (int)v->end);
        if (v->start == v->end)
            return svcm__error(err, SVCM_EINVAL, i, "end",
                               "start == end (%d): an empty interval", (int)v->end);
        sp[i].s = v->weekday * DAY + v->start;
        sp[i].e = v->weekday * DAY + v->end + (v->end < v->start ? DAY : 0);
        sp[i].idx = i;
    }
    size_t n = o->n_intervals;
    qsort(sp, n, sizeof *sp, cmp_span);
    for (size_t i = 0; i < n; i++) {
        /* Circular: the last interval may run past Sunday 24:00 into the
         * first one of the next week. */
        const span *next = &sp[(i + 1) % n];
        int64_t next_s = next->s + (i + 1 == n ? WEEK : 0);
        if (sp[i].e > next_s) {
            size_t a = sp[i].idx, b = next->idx;
            size_t hi = a > b ? a : b, lo = a > b ? b : a;
            return svcm__error(err, SVCM_EINVAL, hi, "overlap",
                               "interval %zu overlaps interval %zu", hi, lo);
        }
    }
    return SVCM_OK;
}


static int build_checked(const svcm_calendar_options *o, const svcm_allocator *alloc,
                         svcm_calendar **out, svcm_error *err)
{
    if (o->n_intervals > 0 && o->intervals == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "intervals",
                           "intervals is NULL with n_intervals = %zu", o->n_intervals);
    if (o->n_holidays > 0 && o->holidays == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "holidays",
                           "holidays is NULL with n_holidays = %zu", o->n_holidays);
    /* n + 1 elements are allocated below: a count of SIZE_MAX would wrap to
     * a zero-length block that the validation then writes into. No array
     * can hold SIZE_MAX intervals or holidays anyway. */
    if (o->n_intervals == SIZE_MAX || o->n_holidays == SIZE_MAX)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL,
                           "SIZE_MAX intervals or holidays cannot be stored");
    if (o->utc_offset_minutes < -SVCM_CALENDAR_OFFSET_MAX ||
        o->utc_offset_minutes > SVCM_CALENDAR_OFFSET_MAX)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "utc_offset_minutes",
                           "UTC offset %d min is beyond +-14 h", (int)o->utc_offset_minutes);
    for (size_t i = 0; i < o->n_holidays; i++) {
        const svcm_date *h = &o->holidays[i];
        int64_t dn;
        if (svcm_days_from_civil(h, &dn) != SVCM_OK)
            return svcm__error(err, SVCM_EINVAL, i, "holiday", "%d-%02d-%02d is not a valid date",
                               (int)h->year, (int)h->month, (int)h->day);
    }
    svcm_allocator a;
    if (svcm__allocator_resolve(&a, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    size_t n = o->n_intervals;
    span *sp = svcm__calloc(&a, n + 1, sizeof *sp);
    if (sp == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    int rc = validate_intervals(o, sp, err);
    if (rc != SVCM_OK) {
        svcm__free(&a, sp);
        return rc;
    }
    svcm_calendar *c = svcm__calloc(&a, 1, sizeof *c);
    if (c == NULL)
        goto nomem;
    c->alloc = a;
    c->offset_minutes = o->utc_offset_minutes;
    c->offset = (int64_t)o->utc_offset_minutes * 60;
    c->iv = svcm__calloc(&a, n, sizeof *c->iv);
    c->seg_start = svcm__calloc(&a, n + 1, sizeof(int64_t));
    c->seg_end = svcm__calloc(&a, n + 1, sizeof(int64_t));
    c->cum = svcm__calloc(&a, n + 1, sizeof(int64_t));
    c->hol = svcm__calloc(&a, o->n_holidays, sizeof(int64_t));
    c->hol_prefix = svcm__calloc(&a, o->n_holidays + 1, sizeof(int64_t));
    if (!c->iv || !c->seg_start || !c->seg_end || !c->cum || !c->hol || !c->hol_prefix)
        goto nomem;
    if (n > 0)
        memcpy(c->iv, o->intervals, n * sizeof *c->iv);
    c->n_iv = n;
    qsort(c->iv, n, sizeof *c->iv, cmp_iv);

    /* Split the shift that runs past Sunday 24:00 (at most one can), sort,
     * and merge touching segments. */
    size_t m = n;
    for (size_t i = 0; i < n; i++) {
        if (sp[i].e > WEEK) {
            sp[m].s = 0;
            sp[m].e = sp[i].e - WEEK;
            sp[m].idx = sp[i].idx;
            sp[i].e = WEEK;
            m++;
        }
    }
    qsort(sp, m, sizeof *sp, cmp_span);
    size_t k = 0;
    int64_t total = 0;
    for (size_t i = 0; i < m; i++) {
        if (k > 0 && c->seg_end[k - 1] == sp[i].s) {
            c->seg_end[k - 1] = sp[i].e;
        } else {
            c->seg_start[k] = sp[i].s;
            c->seg_end[k] = sp[i].e;
            c->cum[k] = total;
            k++;
        }
        total += sp[i].e - sp[i].s;
    }
    c->n_seg = k;
    c->week_total = total;
    for (int d = 0; d < 7; d++)
        c->day_total[d] = in_week(c, (d + 1) * DAY) - in_week(c, d * DAY);

    size_t nh = 0;
    for (size_t i = 0; i < o->n_holidays; i++)
        (void)svcm_days_from_civil(&o->holidays[i], &c->hol[i]); /* validated above */
    qsort(c->hol, o->n_holidays, sizeof *c->hol, cmp_i64);
    for (size_t i = 0; i < o->n_holidays; i++)
        if (nh == 0 || c->hol[nh - 1] != c->hol[i])
            c->hol[nh++] = c->hol[i];
    c->n_hol = nh;
    c->hol_prefix[0] = 0;
    for (size_t i = 0; i < nh; i++)
        c->hol_prefix[i + 1] = c->hol_prefix[i] + c->day_total[floor_mod(c->hol[i] + 3, 7)];
    svcm__free(&a, sp);
    *out = c;
    return SVCM_OK;
nomem:
    svcm__free(&a, sp);
    svcm_calendar_free(c);
    return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
}

/* Make the calendar; `zone` (may be NULL) is taken over: kept by the
 * calendar on success, freed on failure. */
static int build(const svcm_calendar_options *o, svcm_zone *zone, const svcm_allocator *alloc,
                 svcm_calendar **out, svcm_error *err)
{
    int rc0 = build_checked(o, alloc, out, err);
    if (rc0 != SVCM_OK)
        svcm_zone_free(zone);
    else
        (*out)->zone = zone;
    return rc0;
}

int svcm_calendar_new(const svcm_calendar_options *opts, const svcm_allocator *alloc,
                      svcm_calendar **out, svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "out is NULL");
    svcm_calendar_options defaults;
    if (opts == NULL) {
        svcm_calendar_options_init(&defaults);
        opts = &defaults;
    }
    svcm_zone *zone = NULL;
    if (opts->zone != NULL) {
        /* Refuse a bad allocator before anything is allocated. */
        svcm_allocator a;
        if (svcm__allocator_resolve(&a, alloc, err) != SVCM_OK)
            return SVCM_EINVAL;
        if (opts->utc_offset_minutes != 0)
            return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "zone",
                               "zone and utc_offset_minutes (%d) are exclusive: give one",
                               (int)opts->utc_offset_minutes);
        svcm_error ze;
        svcm_error_clear(&ze);
        int rc = svcm_zone_new(opts->zone, alloc, &zone, &ze);
        if (rc != SVCM_OK)
            return svcm__error(err, rc, SVCM_NO_INDEX, "zone", "%s", ze.message);
    }
    return build(opts, zone, alloc, out, err);
}

/* -------------------------------------------------------------- queries */

/* Open seconds of the weekly schedule (holidays ignored) from the origin
 * (Monday 1969-12-29 00:00 local) to local instant l. */
static int64_t b_week(const svcm_calendar *c, int64_t l)
{
    int64_t u = l + MONDAY_SHIFT;
    int64_t q = floor_div(u, WEEK);
    return q * c->week_total + in_week(c, u - q * WEEK);
}

/* Number of holidays with day number < d. */
static size_t holidays_before(const svcm_calendar *c, int64_t d)
{
    size_t lo = 0, hi = c->n_hol;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->hol[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* B(l): open seconds from the origin to local instant l, holidays removed. */
static int64_t b_total(const svcm_calendar *c, int64_t l)
{
    int64_t d = floor_div(l, DAY);
    size_t i = holidays_before(c, d);
    int64_t bw = b_week(c, l);
    int64_t b = bw - c->hol_prefix[i];
    if (i < c->n_hol && c->hol[i] == d)
        b -= bw - b_week(c, d * DAY); /* today is a holiday: nothing since 00:00 counts */
    return b;
}

/* Weeks beyond which an instant is surely out of range (with margin). */
#define WEEKS_MAX (SVCM_CALENDAR_TIME_MAX / WEEK + 4)

/* Smallest local l with b_week(l) >= x (week_total > 0); SVCM_ERANGE when
 * that lies so far out that computing it could overflow. */
static int b_week_inverse(const svcm_calendar *c, int64_t x, int64_t *l)
{
    /* x = q * W + r with 0 < r <= W: the r-th open second of week q. */
    int64_t q = floor_div(x - 1, c->week_total);
    if (q > WEEKS_MAX || q < -WEEKS_MAX)
        return SVCM_ERANGE;
    int64_t r = x - q * c->week_total;
    /* First segment whose cumulative end reaches r. */
    size_t lo = 0, hi = c->n_seg - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->cum[mid] + (c->seg_end[mid] - c->seg_start[mid]) >= r)
            hi = mid;
        else
            lo = mid + 1;
    }
    *l = q * WEEK + c->seg_start[lo] + (r - c->cum[lo]) - MONDAY_SHIFT;
    return SVCM_OK;
}

/* Smallest local l with B(l) >= t, for t above B of some instant (so the
 * answer exists when week_total > 0). The holidays with B(day start) < t
 * all lie before the answer and the others at or after it; with j of them
 * before, the answer is the weekly inverse of t + (what they remove). */
static int b_total_inverse(const svcm_calendar *c, int64_t t, int64_t *l)
{
    size_t lo = 0, hi = c->n_hol;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b_week(c, c->hol[mid] * DAY) - c->hol_prefix[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return b_week_inverse(c, t + c->hol_prefix[lo], l);
}

/* Instants a zoned calendar takes: the years 0000..9999 of the time engine
 * (0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z). */
#define ZONED_MIN (INT64_C(-719528) * DAY)
#define ZONED_MAX (INT64_C(2932897) * DAY - 1)

static bool in_range(int64_t t) { return t >= -SVCM_CALENDAR_TIME_MAX && t <= SVCM_CALENDAR_TIME_MAX; }

/* Whether the calendar takes instant t (sla.c checks tickets with it). */
bool svcm__calendar_in_range(const svcm_calendar *c, int64_t t);
bool svcm__calendar_in_range(const svcm_calendar *c, int64_t t)
{
    if (c->zone != NULL)
        return t >= ZONED_MIN && t <= ZONED_MAX;
    return in_range(t);
}

#define cal_in_range svcm__calendar_in_range

/* UTC offset in seconds at instant t. */
static int64_t offset_at(const svcm_calendar *c, int64_t t)
{
    if (c->zone == NULL)
        return c->offset;
    int32_t off = 0;
    (void)svcm_zone_offset(c->zone, t, &off, NULL); /* cannot fail: zone and off are set */
    return off;
}

/* The first offset change after s, at or before limit: the smallest T in
 * (s, limit] whose offset differs from that at s. Probes once a day and
 * bisects within the day where the offset differs (one change per 24 hours
 * at most, so a day cannot hide a change and its reversal). */
static bool next_change(const svcm_calendar *c, int64_t s, int64_t limit, int64_t *change)
{
    if (c->zone == NULL)
        return false;
    int64_t o = offset_at(c, s);
    for (int64_t p = s; p < limit;) {
        int64_t q = limit - p > DAY ? p + DAY : limit;
        if (offset_at(c, q) != o) {
            /* offset(p) == o != offset(q): bisect (p, q]. */
            while (q - p > 1) {
                int64_t mid = p + (q - p) / 2;
                if (offset_at(c, mid) == o)
                    p = mid;
                else
                    q = mid;
            }
            *change = q;
            return true;
        }
        p = q;
    }
    return false;
}

/* Business seconds of [a, b), a <= b, both in range: the pieces of constant
 * offset, each counted on the local timeline. */
static int64_t span_seconds(const svcm_calendar *c, int64_t a, int64_t b)
{
    int64_t total = 0, s = a, o = offset_at(c, a), t;
    while (next_change(c, s, b, &t)) {
        total += b_total(c, t + o) - b_total(c, s + o);
        s = t;
        o = offset_at(c, t);
    }
    return total + b_total(c, b + o) - b_total(c, s + o);
}

static int64_t business(const svcm_calendar *c, int64_t start, int64_t end)
{
    return start <= end ? span_seconds(c, start, end) : -span_seconds(c, end, start);
}

int svcm_calendar_business_seconds(const svcm_calendar *cal, int64_t start, int64_t end,
                                   int64_t *out)
{
    if (cal == NULL || out == NULL)
        return SVCM_EINVAL;
    if (!cal_in_range(cal, start) || !cal_in_range(cal, end))
        return SVCM_ERANGE;
    *out = business(cal, start, end);
    return SVCM_OK;
}

static int out_of_range(const svcm_calendar *cal, svcm_error *err, size_t i, const char *field,
                        int64_t t)
{
    return svcm__error(err, SVCM_ERANGE, i, field, "instant %lld is outside %s", (long long)t,
                       cal->zone != NULL ? "the years 0000..9999 (zoned calendar)"
                                         : "+-1e14 s");
}

int svcm_calendar_business_seconds_batch(const svcm_calendar *cal, const int64_t *starts,
                                         const int64_t *ends, size_t n, int64_t *out,
                                         svcm_error *err)
{
    if (cal == NULL || (n > 0 && (starts == NULL || ends == NULL || out == NULL)))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    for (size_t i = 0; i < n; i++) {
        if (!cal_in_range(cal, starts[i]))
            return out_of_range(cal, err, i, "start", starts[i]);
        if (!cal_in_range(cal, ends[i]))
            return out_of_range(cal, err, i, "end", ends[i]);
    }
    for (size_t i = 0; i < n; i++)
        out[i] = business(cal, starts[i], ends[i]);
    return SVCM_OK;
}

/* add_business_seconds for seconds > 0, start in range, week_total > 0. */
static int add_positive(const svcm_calendar *cal, int64_t start, int64_t seconds, int64_t *out)
{
    /* Business time never exceeds elapsed time: a larger count lands past
     * the range (and would overflow below). */
    if (seconds > 2 * SVCM_CALENDAR_TIME_MAX)
        return SVCM_ERANGE;
    int64_t s = start, o = offset_at(cal, start), rem = seconds;
    for (;;) {
        int64_t base = b_total(cal, s + o), l;
        if (b_total_inverse(cal, base + rem, &l) != SVCM_OK)
            return SVCM_ERANGE;
        int64_t t = l - o, change;
        /* The answer on this offset, unless the offset changes first. */
        int64_t limit = cal->zone != NULL && t > ZONED_MAX ? ZONED_MAX : t;
        if (next_change(cal, s, limit, &change) && change < t) {
            rem -= b_total(cal, change + o) - base;
            s = change;
            o = offset_at(cal, change);
            continue;
        }
        if (!cal_in_range(cal, t))
            return SVCM_ERANGE;
        *out = t;
        return SVCM_OK;
    }
}

int svcm_calendar_add_business_seconds(const svcm_calendar *cal, int64_t start,
                                       int64_t seconds, int64_t *out)
{
    if (cal == NULL || out == NULL || seconds < 0)
        return SVCM_EINVAL;
    if (!cal_in_range(cal, start))
        return SVCM_ERANGE;
    if (seconds == 0) {
        *out = start;
        return SVCM_OK;
    }
    if (cal->week_total == 0)
        return SVCM_ENOTFOUND;
    return add_positive(cal, start, seconds, out);
}

/* Whether add(start, seconds) surely stays in range, without computing it
 * (fixed offset only): the answer is at most ((seconds + all holiday
 * removals) / W + 2) weeks after start, since each week past start yields
 * W business seconds and the holidays take back at most what they remove
 * in total. */
static bool add_surely_in_range(const svcm_calendar *c, int64_t start, int64_t seconds)
{
    if (c->zone != NULL)
        return false;
    int64_t weeks = (seconds + c->hol_prefix[c->n_hol]) / c->week_total + 2;
    return weeks <= WEEKS_MAX && start + weeks * WEEK <= SVCM_CALENDAR_TIME_MAX;
}

int svcm_calendar_add_business_seconds_batch(const svcm_calendar *cal, const int64_t *starts,
                                             const int64_t *seconds, size_t n, int64_t *out,
                                             svcm_error *err)
{
    if (cal == NULL || (n > 0 && (starts == NULL || seconds == NULL || out == NULL)))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    /* First pass: check every record, computing only those whose result
     * might leave the range; out is written in the second pass only. */
    for (size_t i = 0; i < n; i++) {
        if (seconds[i] < 0)
            return svcm__error(err, SVCM_EINVAL, i, "seconds", "negative count %lld",
                               (long long)seconds[i]);
        if (!cal_in_range(cal, starts[i]))
            return out_of_range(cal, err, i, "start", starts[i]);
        if (seconds[i] == 0)
            continue;
        if (cal->week_total == 0)
            return svcm__error(err, SVCM_ENOTFOUND, i, "seconds",
                               "the calendar has no business time");
        int64_t t;
        if (seconds[i] > 2 * SVCM_CALENDAR_TIME_MAX ||
            (!add_surely_in_range(cal, starts[i], seconds[i]) &&
             add_positive(cal, starts[i], seconds[i], &t) != SVCM_OK))
            return svcm__error(err, SVCM_ERANGE, i, "seconds", "the result is outside %s",
                               cal->zone != NULL ? "the years 0000..9999 (zoned calendar)"
                                                 : "+-1e14 s");
    }
    for (size_t i = 0; i < n; i++)
        (void)svcm_calendar_add_business_seconds(cal, starts[i], seconds[i], &out[i]);
    return SVCM_OK;
}

int svcm_calendar_is_open(const svcm_calendar *cal, int64_t t, bool *open)
{
    if (cal == NULL || open == NULL)
        return SVCM_EINVAL;
    if (!cal_in_range(cal, t))
        return SVCM_ERANGE;
    int64_t l = t + offset_at(cal, t);
    int64_t d = floor_div(l, DAY);
    size_t i = holidays_before(cal, d);
    if (i < cal->n_hol && cal->hol[i] == d) {
        *open = false;
        return SVCM_OK;
    }
    int64_t pos = floor_mod(l + MONDAY_SHIFT, WEEK);
    size_t lo = 0, hi = cal->n_seg;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->seg_start[mid] <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    *open = lo > 0 && pos < cal->seg_end[lo - 1];
    return SVCM_OK;
}

int svcm_calendar_next_open(const svcm_calendar *cal, int64_t t, int64_t *out)
{
    if (cal == NULL || out == NULL)
        return SVCM_EINVAL;
    if (!cal_in_range(cal, t))
        return SVCM_ERANGE;
    if (cal->week_total == 0)
        return SVCM_ENOTFOUND;
    /* Boundaries are whole seconds, so the first open second after s is
     * [u - 1, u) where u ends the first business second after s. u itself
     * may lie one second past the range when the answer is its last
     * instant, so only u - 1 is range-checked. With a zone, an opening
     * found on one offset counts only before that offset changes. */
    int64_t s = t, o = offset_at(cal, t);
    for (;;) {
        int64_t l, change;
        if (b_total_inverse(cal, b_total(cal, s + o) + 1, &l) != SVCM_OK)
            return SVCM_ERANGE;
        int64_t open_at = l - 1 - o;
        int64_t limit = cal->zone != NULL && open_at > ZONED_MAX ? ZONED_MAX : open_at;
        if (next_change(cal, s, limit, &change)) {
            s = change;
            o = offset_at(cal, change);
            continue;
        }
        if (!cal_in_range(cal, open_at))
            return SVCM_ERANGE;
        *out = open_at;
        return SVCM_OK;
    }
}

/* ------------------------------------------------------------ text form */

static const char *const day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

typedef struct text_out {
    char *buf;
    size_t cap;
    size_t len; /* may exceed cap while measuring */
} text_out;

static void put(text_out *w, const char *s, size_t n)
{
    if (w->buf != NULL && w->len < w->cap) {
        size_t room = w->cap - w->len;
        memcpy(w->buf + w->len, s, n < room ? n : room);
    }
    w->len += n;
}

static void put_str(text_out *w, const char *s) { put(w, s, strlen(s)); }

static void put_time(text_out *w, int32_t s)
{
    char b[16];
    int n;
    if (s % 60 != 0)
        n = snprintf(b, sizeof b, "%02d:%02d:%02d", (int)(s / 3600), (int)(s % 3600 / 60),
                     (int)(s % 60));
    else
        n = snprintf(b, sizeof b, "%02d:%02d", (int)(s / 3600), (int)(s % 3600 / 60));
    put(w, b, (size_t)n);
}

static void write_text(const svcm_calendar *c, text_out *w)
{
    char b[64];
    int n;
    if (c->zone != NULL) {
        put_str(w, "zone = ");
        put_str(w, svcm_zone_name(c->zone));
        put_str(w, "\n");
    } else {
        int32_t off = c->offset_minutes;
        int32_t aoff = off < 0 ? -off : off;
        n = snprintf(b, sizeof b, "utc_offset = %c%02d:%02d\n", off < 0 ? '-' : '+',
                     (int)(aoff / 60), (int)(aoff % 60));
        put(w, b, (size_t)n);
    }
    size_t i = 0;
    for (int d = 0; d < 7; d++) {
        put_str(w, day_names[d]);
        put_str(w, " = ");
        bool any = false;
        for (; i < c->n_iv && c->iv[i].weekday == d; i++) {
            if (any)
                put_str(w, ", ");
            put_time(w, c->iv[i].start);
            put_str(w, "-");
            put_time(w, c->iv[i].end);
            any = true;
        }
        if (!any)
            put_str(w, "closed");
        put_str(w, "\n");
    }
    for (size_t h = 0; h < c->n_hol; h++) {
        int64_t y;
        int m, d;
        civil_from_days(c->hol[h], &y, &m, &d);
        n = snprintf(b, sizeof b, "holiday = %s%04lld-%02d-%02d\n", y < 0 ? "-" : "",
                     (long long)(y < 0 ? -y : y), m, d);
        put(w, b, (size_t)n);
    }
}

int svcm_calendar_format(const svcm_calendar *cal, char *buf, size_t cap, size_t *len)
{
    if (cal == NULL || len == NULL)
        return SVCM_EINVAL;
    text_out w = {NULL, 0, 0};
    write_text(cal, &w);
    *len = w.len;
    if (buf == NULL || cap < w.len + 1)
        return SVCM_ENOSPC;
    text_out real = {buf, cap, 0};
    write_text(cal, &real);
    buf[real.len] = '\0';
    return SVCM_OK;
}

/* ---------------------------------------------------------------- parser */

/* Where a token sits in the text: 1-based line and byte column. */
typedef struct textpos {
    size_t line, column;
} textpos;

typedef struct parser {
    const svcm_allocator *a;
    svcm_calendar_interval *iv;
    size_t n_iv, cap_iv;
    textpos *iv_at;
    size_t cap_iv_at;
    svcm_date *hol;
    size_t n_hol, cap_hol;
    textpos *hol_at;
    size_t cap_hol_at;
    svcm_zone *zone; /* from a zone line, or NULL */
    size_t line;     /* the line being read */
    const char *bol; /* its first byte */
} parser;

typedef struct cursor {
    const char *p, *end;
} cursor;

static bool is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v'; }
static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

static void skip_space(cursor *c)
{
    while (c->p < c->end && is_space(*c->p))
        c->p++;
}

/* Exactly `width` digits (width 0: 1 to 7 digits). */
static bool read_uint(cursor *c, int width, int64_t *v)
{
    int64_t x = 0;
    int k = 0;
    while (c->p < c->end && is_digit(*c->p) && (width == 0 ? k < 7 : k < width)) {
        x = x * 10 + (*c->p - '0');
        c->p++;
        k++;
    }
    if (k == 0 || (width != 0 && k != width) ||
        (width == 0 && c->p < c->end && is_digit(*c->p)))
        return false;
    *v = x;
    return true;
}

/* HH:MM or HH:MM:SS (hours of one or two digits); 24:00 only when
 * allow_24. Returns seconds since midnight, or -1 with a reason. */
static int32_t read_time(cursor *c, bool allow_24, const char **why)
{
    int64_t h, m, s = 0;
    const char *mark = c->p;
    if (!read_uint(c, 0, &h) || c->p - mark > 2) {
        *why = "expected a time HH:MM or HH:MM:SS";
        return -1;
    }
    if (c->p >= c->end || *c->p != ':') {
        *why = "expected ':' after the hours";
        return -1;
    }
    c->p++;
    if (!read_uint(c, 2, &m)) {
        *why = "expected two digits of minutes";
        return -1;
    }
    if (c->p < c->end && *c->p == ':') {
        c->p++;
        if (!read_uint(c, 2, &s)) {
            *why = "expected two digits of seconds";
            return -1;
        }
    }
    if (m > 59 || s > 59) {
        *why = "minutes and seconds must be 00..59";
        return -1;
    }
    if (h == 24 && m == 0 && s == 0) {
        if (!allow_24) {
            *why = "24:00 may only end an interval";
            return -1;
        }
        return SVCM_CALENDAR_DAY;
    }
    if (h > 23) {
        *why = "hours must be 00..23 (or 24:00 as an end)";
        return -1;
    }
    return (int32_t)(h * 3600 + m * 60 + s);
}

static int add_interval(parser *ps, int wd, int32_t s, int32_t e, textpos at)
{
    if (svcm__grow(ps->a, (void **)&ps->iv, &ps->cap_iv, ps->n_iv + 1, sizeof *ps->iv) != SVCM_OK ||
        svcm__grow(ps->a, (void **)&ps->iv_at, &ps->cap_iv_at, ps->n_iv + 1,
                   sizeof *ps->iv_at) != SVCM_OK)
        return SVCM_ENOMEM;
    ps->iv[ps->n_iv] = (svcm_calendar_interval){wd, s, e};
    ps->iv_at[ps->n_iv] = at;
    ps->n_iv++;
    return SVCM_OK;
}

static int add_holiday(parser *ps, svcm_date d, textpos at)
{
    if (svcm__grow(ps->a, (void **)&ps->hol, &ps->cap_hol, ps->n_hol + 1, sizeof *ps->hol) != SVCM_OK ||
        svcm__grow(ps->a, (void **)&ps->hol_at, &ps->cap_hol_at, ps->n_hol + 1,
                   sizeof *ps->hol_at) != SVCM_OK)
        return SVCM_ENOMEM;
    ps->hol[ps->n_hol] = d;
    ps->hol_at[ps->n_hol] = at;
    ps->n_hol++;
    return SVCM_OK;
}

/* The position of byte q of the current line. */
static textpos pos_of(const parser *ps, const char *q)
{
    return (textpos){ps->line, (size_t)(q - ps->bol) + 1};
}

static bool key_is(const char *k, size_t n, const char *name)
{
    if (strlen(name) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = k[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (ch != name[i])
            return false;
    }
    return true;
}

/* A syntax error at byte `at` of the current line (issue 13: the position
 * goes into line/column, never into the message). */
#define FMT_ERR(at, ...)                                                       \
    svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, ps->line,                 \
                   (size_t)((at) - ps->bol) + 1, field, __VA_ARGS__)

static int parse_day(parser *ps, cursor *v, int wd, const char *field, svcm_error *err)
{
    if (key_is(v->p, (size_t)(v->end - v->p), "closed"))
        return SVCM_OK;
    for (;;) {
        const char *why = NULL;
        skip_space(v);
        const char *start = v->p;
        int32_t s = read_time(v, false, &why);
        if (s < 0)
            return FMT_ERR(start, "%s", why);
        skip_space(v);
        if (v->p >= v->end || *v->p != '-')
            return FMT_ERR(v->p, "expected '-' between the start and end of an interval");
        v->p++;
        skip_space(v);
        const char *stop = v->p;
        int32_t e = read_time(v, true, &why);
        if (e < 0)
            return FMT_ERR(stop, "%s", why);
        if (s == e)
            return FMT_ERR(start, "an interval starts and ends at the same time");
        if (add_interval(ps, wd, s, e, pos_of(ps, start)) != SVCM_OK)
            return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
        skip_space(v);
        if (v->p == v->end)
            return SVCM_OK;
        if (*v->p != ',')
            return FMT_ERR(v->p, "expected ',' or the end of the line after an interval");
        v->p++;
    }
}

static int parse_holidays(parser *ps, cursor *v, const char *field, svcm_error *err)
{
    for (;;) {
        skip_space(v);
        const char *start = v->p;
        bool neg = false;
        if (v->p < v->end && *v->p == '-') {
            neg = true;
            v->p++;
        }
        int64_t y, m, d;
        if (!read_uint(v, 0, &y) || v->p >= v->end || *v->p != '-')
            return FMT_ERR(start, "expected a date YYYY-MM-DD");
        v->p++;
        if (!read_uint(v, 2, &m) || v->p >= v->end || *v->p != '-')
            return FMT_ERR(start, "expected a date YYYY-MM-DD");
        v->p++;
        if (!read_uint(v, 2, &d))
            return FMT_ERR(start, "expected a date YYYY-MM-DD");
        svcm_date date = {(int32_t)(neg ? -y : y), (int32_t)m, (int32_t)d};
        int64_t dn;
        if (y > SVCM_CALENDAR_YEAR_MAX || svcm_days_from_civil(&date, &dn) != SVCM_OK)
            return FMT_ERR(start, "%s%04lld-%02lld-%02lld is not a valid date", neg ? "-" : "",
                           (long long)y, (long long)m, (long long)d);
        if (add_holiday(ps, date, pos_of(ps, start)) != SVCM_OK)
            return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
        skip_space(v);
        if (v->p == v->end)
            return SVCM_OK;
        if (*v->p != ',')
            return FMT_ERR(v->p, "expected ',' or the end of the line after a date");
        v->p++;
    }
}

static int parse_offset(const parser *ps, cursor *v, int32_t *out, const char *field,
                        svcm_error *err)
{
    int64_t h, m;
    const char *start = v->p;
    if (v->p >= v->end || (*v->p != '+' && *v->p != '-'))
        return FMT_ERR(start, "expected an offset +HH:MM or -HH:MM");
    bool neg = *v->p == '-';
    v->p++;
    if (!read_uint(v, 2, &h) || v->p >= v->end || *v->p != ':')
        return FMT_ERR(start, "expected an offset +HH:MM or -HH:MM");
    v->p++;
    if (!read_uint(v, 2, &m) || v->p != v->end)
        return FMT_ERR(start, "expected an offset +HH:MM or -HH:MM");
    if (m > 59 || h * 60 + m > SVCM_CALENDAR_OFFSET_MAX)
        return FMT_ERR(start, "the offset must be within -14:00 .. +14:00");
    *out = (int32_t)(neg ? -(h * 60 + m) : h * 60 + m);
    return SVCM_OK;
}


/* zone = SPEC: the rest of the line, made into a zone at once so that a
 * bad or unknown zone is reported on its line. */
static int parse_zone(parser *ps, cursor *v, const char *field, svcm_error *err)
{
    size_t n = (size_t)(v->end - v->p);
    if (n == 0)
        return FMT_ERR(v->p, "expected a zone: an IANA name (Europe/Berlin), a POSIX TZ rule "
                             "(CET-1CEST,M3.5.0,M10.5.0/3) or an offset (+01:00)");
    for (const char *q = v->p; q < v->end; q++)
        if (is_space(*q))
            return FMT_ERR(q, "a zone has no blanks");
    if (n > 255)
        return FMT_ERR(v->p, "a zone is at most 255 bytes");
    char spec[256];
    memcpy(spec, v->p, n);
    spec[n] = '\0';
    svcm_error ze;
    svcm_error_clear(&ze);
    int rc = svcm_zone_new(spec, ps->a, &ps->zone, &ze);
    if (rc == SVCM_OK)
        return SVCM_OK;
    size_t col = (size_t)(v->p - ps->bol) + 1 + (ze.column > 0 ? ze.column - 1 : 0);
    return svcm__error_at(err, rc, SVCM_NO_INDEX, ps->line, rc == SVCM_ENOMEM ? 0 : col,
                          field, "%s", ze.message);
}

static int parse_lines(parser *ps, const char *text, size_t len, int32_t *offset,
                       svcm_error *err)
{
    bool seen_day[7] = {false};
    bool seen_offset = false, seen_zone = false;
    const char *p = text, *end = text + len;
    ps->line = 0;
    while (p < end) {
        ps->line++;
        ps->bol = p;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            eol = end;
        const char *hash = memchr(p, '#', (size_t)(eol - p));
        cursor c = {p, hash ? hash : eol};
        p = eol < end ? eol + 1 : end;
        skip_space(&c);
        while (c.end > c.p && is_space(c.end[-1]))
            c.end--;
        if (c.p == c.end)
            continue;
        const char *field = "line";
        for (const char *q = c.p; q < c.end; q++)
            if (*q == '\0')
                return FMT_ERR(q, "NUL byte");
        const char *eq = memchr(c.p, '=', (size_t)(c.end - c.p));
        if (eq == NULL)
            return FMT_ERR(c.p, "expected 'key = value'");
        const char *kend = eq;
        while (kend > c.p && is_space(kend[-1]))
            kend--;
        size_t klen = (size_t)(kend - c.p);
        cursor v = {eq + 1, c.end};
        skip_space(&v);
        int wd = -1;
        for (int d = 0; d < 7; d++)
            if (key_is(c.p, klen, day_names[d]))
                wd = d;
        int rc;
        if (wd >= 0) {
            field = day_names[wd];
            if (seen_day[wd])
                return FMT_ERR(c.p, "'%s' is given twice", field);
            seen_day[wd] = true;
            rc = parse_day(ps, &v, wd, field, err);
        } else if (key_is(c.p, klen, "utc_offset")) {
            field = "utc_offset";
            if (seen_offset)
                return FMT_ERR(c.p, "'utc_offset' is given twice");
            if (seen_zone)
                return FMT_ERR(c.p, "'zone' and 'utc_offset' are exclusive: give one");
            seen_offset = true;
            rc = parse_offset(ps, &v, offset, field, err);
        } else if (key_is(c.p, klen, "zone")) {
            field = "zone";
            if (seen_zone)
                return FMT_ERR(c.p, "'zone' is given twice");
            if (seen_offset)
                return FMT_ERR(c.p, "'zone' and 'utc_offset' are exclusive: give one");
            seen_zone = true;
            rc = parse_zone(ps, &v, field, err);
        } else if (key_is(c.p, klen, "holiday")) {
            field = "holiday";
            rc = parse_holidays(ps, &v, field, err);
        } else {
            return FMT_ERR(c.p, "unknown key '%.*s' (expected zone, utc_offset, mon..sun or holiday)",
                           (int)svcm__utf8_prefix(c.p, klen, 40), c.p);
        }
        if (rc != SVCM_OK)
            return rc;
    }
    return SVCM_OK;
}

int svcm_calendar_parse(const char *text, size_t len, const svcm_allocator *alloc,
                        svcm_calendar **out, svcm_error *err)
{
    if (out == NULL || (text == NULL && len > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    svcm_allocator a;
    if (svcm__allocator_resolve(&a, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    parser ps;
    memset(&ps, 0, sizeof ps);
    ps.a = &a;
    int32_t offset = 0;
    int rc = svcm__utf8_text(text, len, "line", err);
    if (rc == SVCM_OK)
        rc = parse_lines(&ps, text, len, &offset, err);
    if (rc == SVCM_OK) {
        svcm_calendar_options o;
        svcm_calendar_options_init(&o);
        o.utc_offset_minutes = offset;
        o.intervals = ps.iv;
        o.n_intervals = ps.n_iv;
        o.holidays = ps.hol;
        o.n_holidays = ps.n_hol;
        svcm_error e;
        svcm_error_clear(&e);
        rc = build(&o, ps.zone, alloc, out, &e);
        ps.zone = NULL; /* taken over by build */
        if (rc == SVCM_EINVAL) {
            /* Times and dates were checked while reading, so this is an
             * overlap (reported on the line of the later interval) or, in
             * principle, a holiday. */
            bool is_hol = e.field != NULL && strcmp(e.field, "holiday") == 0;
            textpos at = {0, 0};
            const char *field = is_hol ? "holiday" : NULL;
            if (is_hol && e.index < ps.n_hol) {
                at = ps.hol_at[e.index];
            } else if (!is_hol && e.index < ps.n_iv) {
                at = ps.iv_at[e.index];
                field = day_names[ps.iv[e.index].weekday];
            }
            rc = is_hol ? svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, at.line, at.column,
                                         field, "%s", e.message)
                        : svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, at.line, at.column,
                                         field, "the interval overlaps another one (overnight "
                                                "shifts run into the next day)");
        } else if (rc != SVCM_OK && err != NULL) {
            *err = e;
        }
    }
    svcm__free(&a, ps.iv);
    svcm__free(&a, ps.iv_at);
    svcm__free(&a, ps.hol);
    svcm__free(&a, ps.hol_at);
    svcm_zone_free(ps.zone);
    return rc;
}
