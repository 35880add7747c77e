/* Tests of the business-hours calendar.
 *
 * Reference values are hand computations written out next to each case, and
 * a brute-force count in this file: an independent is-open test (own date
 * arithmetic by counting days year by year, own weekday rule from
 * "1970-01-01 was a Thursday", the intervals read as given rather than the
 * library's merged segments) summed minute by minute or second by second.
 * Day numbers of dates are checked against H. Hinnant, "chrono-Compatible
 * Low-Level Date Algorithms" (howardhinnant.github.io/date_algorithms.html),
 * which gives days_from_civil(1970-01-01) = 0 and the era origin
 * 0000-03-01 = -719468, and against Python's date.toordinal() (which counts
 * 0001-01-01 as day 1, so 1970-01-01 is 719163). */
/* setenv and unsetenv (POSIX.1-2008) to point TZDIR at a folder without
 * zone files. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "svcm.h"
#include "svcm/calendar.h"
#include "svcm/time.h"

#define H 3600
#define MIN 60
#define DAYS 86400

/* ---------------------------------------------------------------- helpers */

static bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Day number of a date by counting whole years and months from 1970: slow
 * but obviously right, and unrelated to the era arithmetic under test. */
static int64_t naive_days(int64_t y, int m, int d)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t n = 0;
    for (int64_t k = 1970; k < y; k++)
        n += leap(k) ? 366 : 365;
    for (int64_t k = y; k < 1970; k++)
        n -= leap(k) ? 366 : 365;
    for (int k = 1; k < m; k++)
        n += dm[k - 1] + (k == 2 && leap(y));
    return n + d - 1;
}

/* A UTC instant from a local date and time in a zone offset (minutes). */
static int64_t at(int64_t y, int m, int d, int hh, int mm, int offset_min)
{
    return naive_days(y, m, d) * DAYS + hh * H + mm * MIN - (int64_t)offset_min * MIN;
}

static svcm_calendar *make(int offset, const svcm_calendar_interval *iv, size_t n,
                           const svcm_date *hol, size_t nh)
{
    svcm_calendar_options o;
    svcm_calendar_options_init(&o);
    o.utc_offset_minutes = offset;
    o.intervals = iv;
    o.n_intervals = n;
    o.holidays = hol;
    o.n_holidays = nh;
    svcm_calendar *c = NULL;
    svcm_error err;
    assert_int_equal(svcm_calendar_new(&o, NULL, &c, &err), SVCM_OK);
    assert_non_null(c);
    return c;
}

/* Monday to Friday 09:00-17:00. */
static const svcm_calendar_interval nine_to_five[] = {
    {0, 9 * H, 17 * H}, {1, 9 * H, 17 * H}, {2, 9 * H, 17 * H},
    {3, 9 * H, 17 * H}, {4, 9 * H, 17 * H},
};

static int64_t bs(const svcm_calendar *c, int64_t a, int64_t b)
{
    int64_t v = -1;
    assert_int_equal(svcm_calendar_business_seconds(c, a, b, &v), SVCM_OK);
    return v;
}

static int64_t add(const svcm_calendar *c, int64_t a, int64_t n)
{
    int64_t v = 0;
    assert_int_equal(svcm_calendar_add_business_seconds(c, a, n, &v), SVCM_OK);
    return v;
}

static bool open_at(const svcm_calendar *c, int64_t t)
{
    bool o = false;
    assert_int_equal(svcm_calendar_is_open(c, t, &o), SVCM_OK);
    return o;
}

static int64_t next_open(const svcm_calendar *c, int64_t t)
{
    int64_t v = 0;
    assert_int_equal(svcm_calendar_next_open(c, t, &v), SVCM_OK);
    return v;
}

/* The independent model used by the brute-force counts. */
typedef struct model {
    int offset; /* minutes */
    svcm_calendar_interval iv[32];
    size_t n;
    int64_t hol[64]; /* day numbers from naive_days */
    size_t nh;
} model;

static int64_t fdiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

static bool model_open(const model *m, int64_t t)
{
    int64_t l = t + (int64_t)m->offset * MIN;
    int64_t d = fdiv(l, DAYS);
    int64_t tod = l - d * DAYS;
    int wd = (int)(((d + 3) % 7 + 7) % 7); /* day 0 (1970-01-01) was a Thursday = 3 */
    for (size_t i = 0; i < m->nh; i++)
        if (m->hol[i] == d)
            return false;
    for (size_t i = 0; i < m->n; i++) {
        const svcm_calendar_interval *v = &m->iv[i];
        if (v->weekday == wd) {
            if (v->end > v->start ? (tod >= v->start && tod < v->end) : tod >= v->start)
                return true;
        } else if ((v->weekday + 1) % 7 == wd && v->end < v->start && tod < v->end) {
            return true;
        }
    }
    return false;
}

static int64_t model_count(const model *m, int64_t a, int64_t b, int64_t step)
{
    int64_t n = 0;
    for (int64_t t = a; t < b; t += step)
        n += model_open(m, t) ? step : 0;
    return n;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rnd(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}
static int64_t rnd_in(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)); }

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* A random weekly schedule of disjoint segments with boundaries on multiples
 * of `unit` seconds, each shorter than a day, rotated so that some shifts
 * cross midnight and Sunday's may run into Monday. */
static void random_model(model *m, int64_t unit, int64_t first_day, int64_t span_days)
{
    memset(m, 0, sizeof *m);
    m->offset = (int)rnd_in(-840, 840);
    int64_t week_units = 7 * DAYS / unit, day_units = DAYS / unit;
    size_t k = (size_t)rnd_in(0, 8);
    int64_t pts[16];
    for (size_t i = 0; i < 2 * k; i++) {
    again:
        pts[i] = rnd_in(0, week_units - 1);
        for (size_t j = 0; j < i; j++)
            if (pts[j] == pts[i])
                goto again;
    }
    qsort(pts, 2 * k, sizeof pts[0], cmp64);
    int64_t rot = rnd_in(0, week_units - 1);
    for (size_t i = 0; i < k; i++) {
        int64_t s = pts[2 * i], e = pts[2 * i + 1];
        if (e - s >= day_units)
            e = s + rnd_in(1, day_units - 1);
        int64_t len = e - s;
        s = (s + rot) % week_units;
        e = s + len;
        int64_t day = s / day_units;
        svcm_calendar_interval *v = &m->iv[m->n++];
        v->weekday = (int32_t)day;
        v->start = (int32_t)((s - day * day_units) * unit);
        v->end = e <= (day + 1) * day_units ? (int32_t)((e - day * day_units) * unit)
                                             : (int32_t)((e - (day + 1) * day_units) * unit);
    }
    m->nh = (size_t)rnd_in(0, 20);
    for (size_t i = 0; i < m->nh; i++)
        m->hol[i] = first_day + rnd_in(0, span_days);
}

static svcm_calendar *model_calendar(const model *m)
{
    svcm_date hol[64];
    for (size_t i = 0; i < m->nh; i++)
        assert_int_equal(svcm_civil_from_days(m->hol[i], &hol[i]), SVCM_OK);
    return make(m->offset, m->iv, m->n, hol, m->nh);
}

/* ------------------------------------------------------------ dates */

static void test_days_from_civil_matches_hinnant_and_python(void **state)
{
    (void)state;
    const struct {
        svcm_date d;
        int64_t days;
    } ref[] = {
        {{1970, 1, 1}, 0},            /* Hinnant: the epoch */
        {{0, 3, 1}, -719468},         /* Hinnant: start of era 0 */
        {{2000, 3, 1}, 11017},        /* Python: date(2000,3,1).toordinal() - 719163 */
        {{1969, 12, 31}, -1},
        {{1, 1, 1}, 1 - 719163},      /* Python: toordinal() of 0001-01-01 is 1 */
        {{9999, 12, 31}, 3652059 - 719163}, /* Python: date.max.toordinal() = 3652059 */
        {{2026, 1, 1}, 20454},        /* Python: 739617 - 719163 */
        {{1600, 2, 29}, naive_days(1600, 2, 29)},
        {{-1, 12, 31}, -719529},      /* 0000-01-01 is -719528 (0 is a leap year) */
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        int64_t d = 0;
        assert_int_equal(svcm_days_from_civil(&ref[i].d, &d), SVCM_OK);
        assert_int_equal(d, ref[i].days);
        svcm_date back;
        assert_int_equal(svcm_civil_from_days(ref[i].days, &back), SVCM_OK);
        assert_int_equal(back.year, ref[i].d.year);
        assert_int_equal(back.month, ref[i].d.month);
        assert_int_equal(back.day, ref[i].d.day);
    }
}

static void test_days_from_civil_agrees_with_year_counting_over_millennia(void **state)
{
    (void)state;
    for (int64_t y = -2400; y <= 2800; y += 37) {
        for (int m = 1; m <= 12; m++) {
            svcm_date date = {(int32_t)y, m, m == 2 ? 28 : 30};
            int64_t d;
            assert_int_equal(svcm_days_from_civil(&date, &d), SVCM_OK);
            assert_int_equal(d, naive_days(y, m, date.day));
        }
    }
    /* civil_from_days is the inverse on every day of a few 400-year eras. */
    svcm_date prev;
    assert_int_equal(svcm_civil_from_days(-400000, &prev), SVCM_OK);
    for (int64_t d = -399999; d < 400000; d++) {
        svcm_date x;
        int64_t back;
        assert_int_equal(svcm_civil_from_days(d, &x), SVCM_OK);
        assert_int_equal(svcm_days_from_civil(&x, &back), SVCM_OK);
        assert_int_equal(back, d);
        /* consecutive: same month and next day, or the 1st of a new month */
        assert_true((x.day == prev.day + 1 && x.month == prev.month) || x.day == 1);
        prev = x;
    }
}

static void test_days_from_civil_rejects_invalid_dates(void **state)
{
    (void)state;
    int64_t d = 7;
    static const svcm_date bad[] = {{2023, 2, 29}, {1900, 2, 29}, {2026, 13, 1}, {2026, 0, 1},
                                    {2026, 4, 31}, {2026, 1, 0}, {1000001, 1, 1},
                                    {-1000001, 1, 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(svcm_days_from_civil(&bad[i], &d), SVCM_EINVAL);
    assert_int_equal(d, 7);
    svcm_date ok = {2000, 2, 29};
    assert_int_equal(svcm_days_from_civil(&ok, &d), SVCM_OK);
    assert_int_equal(svcm_days_from_civil(NULL, &d), SVCM_EINVAL);
    assert_int_equal(svcm_days_from_civil(&ok, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_civil_from_days(0, NULL), SVCM_EINVAL);
    svcm_date x = {1, 2, 3};
    assert_int_equal(svcm_civil_from_days(INT64_MAX, &x), SVCM_ERANGE);
    assert_int_equal(svcm_civil_from_days(INT64_MIN, &x), SVCM_ERANGE);
    assert_int_equal(svcm_civil_from_days(400000000, &x), SVCM_ERANGE); /* year ~1.1 million */
    assert_int_equal(x.year, 1);
}

/* ---------------------------------------------------- hand-computed cases */

static void test_nine_to_five_over_a_weekend(void **state)
{
    (void)state;
    svcm_calendar *c = make(0, nine_to_five, 5, NULL, 0);
    /* 2026-01-09 is a Friday (2026-01-01 was a Thursday). */
    int64_t fri16 = at(2026, 1, 9, 16, 0, 0), mon10 = at(2026, 1, 12, 10, 0, 0);
    /* Fri 16:00-17:00 is 1 h, Saturday and Sunday 0, Mon 09:00-10:00 1 h. */
    assert_int_equal(bs(c, fri16, mon10), 2 * H);
    /* start > end: the negative of the reverse count */
    assert_int_equal(bs(c, mon10, fri16), -2 * H);
    /* A whole week from any instant is 5 x 8 h. */
    assert_int_equal(bs(c, fri16, fri16 + 7 * DAYS), 40 * H);
    assert_int_equal(bs(c, at(2026, 1, 10, 0, 0, 0), at(2026, 1, 12, 0, 0, 0)), 0);
    /* Two business hours after Fri 16:00: 1 h on Friday, 1 h Monday -> Mon 10:00. */
    assert_int_equal(add(c, fri16, 2 * H), mon10);
    /* One hour after Fri 16:00 is Friday's close, not Monday's opening. */
    assert_int_equal(add(c, fri16, H), at(2026, 1, 9, 17, 0, 0));
    /* Zero business seconds from a closed instant is that instant. */
    assert_int_equal(add(c, at(2026, 1, 10, 12, 0, 0), 0), at(2026, 1, 10, 12, 0, 0));
    /* From Saturday noon, one second lands at Mon 09:00:01. */
    assert_int_equal(add(c, at(2026, 1, 10, 12, 0, 0), 1), at(2026, 1, 12, 9, 0, 0) + 1);
    svcm_calendar_free(c);
}

static void test_open_and_close_instants_are_half_open(void **state)
{
    (void)state;
    svcm_calendar *c = make(0, nine_to_five, 5, NULL, 0);
    int64_t mon9 = at(2026, 1, 12, 9, 0, 0), mon17 = at(2026, 1, 12, 17, 0, 0);
    assert_true(open_at(c, mon9));
    assert_false(open_at(c, mon9 - 1));
    assert_true(open_at(c, mon17 - 1));
    assert_false(open_at(c, mon17));
    assert_false(open_at(c, at(2026, 1, 10, 12, 0, 0))); /* Saturday */
    assert_int_equal(next_open(c, mon17), at(2026, 1, 13, 9, 0, 0));
    assert_int_equal(next_open(c, mon9), mon9);
    assert_int_equal(next_open(c, mon9 + 5), mon9 + 5);
    assert_int_equal(next_open(c, at(2026, 1, 9, 17, 0, 0)), mon9); /* Fri close -> Mon */
    /* Exactly at open/close: counts start at the open instant. */
    assert_int_equal(bs(c, mon9, mon17), 8 * H);
    assert_int_equal(bs(c, mon17, mon17 + 1), 0);
    assert_int_equal(bs(c, mon9 - 1, mon9 + 1), 1);
    svcm_calendar_free(c);
}

static void test_holiday_closes_the_whole_local_day(void **state)
{
    (void)state;
    svcm_date hol[] = {{2026, 1, 1}, {2026, 1, 1}}; /* duplicates are harmless */
    svcm_calendar *c = make(0, nine_to_five, 5, hol, 2);
    /* Wed 2025-12-31 12:00 to Fri 2026-01-02 12:00: Wed 12-17 = 5 h, Thu
     * (holiday) 0, Fri 09-12 = 3 h: 8 h. */
    assert_int_equal(bs(c, at(2025, 12, 31, 12, 0, 0), at(2026, 1, 2, 12, 0, 0)), 8 * H);
    assert_false(open_at(c, at(2026, 1, 1, 10, 0, 0)));
    assert_int_equal(next_open(c, at(2026, 1, 1, 8, 0, 0)), at(2026, 1, 2, 9, 0, 0));
    /* Wed 16:00 + 2 h: 1 h Wed, skip Thu, 1 h Fri -> Fri 10:00. */
    assert_int_equal(add(c, at(2025, 12, 31, 16, 0, 0), 2 * H), at(2026, 1, 2, 10, 0, 0));
    /* The week containing the holiday has 32 h. */
    assert_int_equal(bs(c, at(2025, 12, 29, 0, 0, 0), at(2026, 1, 5, 0, 0, 0)), 32 * H);
    svcm_calendar_free(c);
}

static void test_holiday_on_a_weekend_removes_nothing(void **state)
{
    (void)state;
    svcm_date hol[] = {{2026, 1, 10}}; /* a Saturday */
    svcm_calendar *c = make(0, nine_to_five, 5, hol, 1);
    assert_int_equal(bs(c, at(2026, 1, 5, 0, 0, 0), at(2026, 1, 19, 0, 0, 0)), 80 * H);
    svcm_calendar_free(c);
}

static void test_overnight_shift_runs_into_the_next_day(void **state)
{
    (void)state;
    /* Monday 22:00-06:00 only: Monday 22:00 to Tuesday 06:00. */
    const svcm_calendar_interval iv[] = {{0, 22 * H, 6 * H}};
    svcm_calendar *c = make(0, iv, 1, NULL, 0);
    int64_t mon = at(2026, 1, 12, 0, 0, 0); /* a Monday */
    assert_int_equal(bs(c, mon, mon + 7 * DAYS), 8 * H);
    /* Mon 23:00 to Tue 05:00: 6 h. */
    assert_int_equal(bs(c, mon + 23 * H, mon + DAYS + 5 * H), 6 * H);
    assert_true(open_at(c, mon + DAYS + 6 * H - 1));
    assert_false(open_at(c, mon + DAYS + 6 * H));
    assert_true(open_at(c, mon + DAYS)); /* Tuesday 00:00 */
    assert_false(open_at(c, mon + 2 * DAYS)); /* no shift on Tuesday night */
    /* Mon 21:00 + 3 h: 22:00-01:00 -> Tue 01:00. */
    assert_int_equal(add(c, mon + 21 * H, 3 * H), mon + DAYS + H);
    assert_int_equal(next_open(c, mon + DAYS + 7 * H), mon + 7 * DAYS + 22 * H);
    svcm_calendar_free(c);

    /* With Tuesday a holiday, only the Monday part (22:00-24:00) counts. */
    svcm_date hol[] = {{2026, 1, 13}};
    c = make(0, iv, 1, hol, 1);
    assert_int_equal(bs(c, mon + 21 * H, mon + DAYS + 12 * H), 2 * H);
    assert_false(open_at(c, mon + DAYS + H));
    /* 3 h after Mon 21:00: 2 h on Monday, then the next shift (Mon 19th). */
    assert_int_equal(add(c, mon + 21 * H, 3 * H), mon + 7 * DAYS + 23 * H);
    svcm_calendar_free(c);

    /* With Monday a holiday, only the Tuesday part (00:00-06:00) counts. */
    svcm_date hol2[] = {{2026, 1, 12}};
    c = make(0, iv, 1, hol2, 1);
    assert_int_equal(bs(c, mon, mon + 2 * DAYS), 6 * H);
    assert_int_equal(next_open(c, mon + 12 * H), mon + DAYS);
    svcm_calendar_free(c);
}

static void test_sunday_night_shift_wraps_into_monday(void **state)
{
    (void)state;
    const svcm_calendar_interval iv[] = {{6, 22 * H, 6 * H}, {0, 6 * H, 8 * H}};
    svcm_calendar *c = make(0, iv, 2, NULL, 0);
    int64_t sun = at(2026, 1, 11, 0, 0, 0); /* a Sunday */
    /* Sun 23:00 to Mon 07:00: 1 h Sunday + 6 h + 1 h (the touching 06-08 shift). */
    assert_int_equal(bs(c, sun + 23 * H, sun + DAYS + 7 * H), 8 * H);
    assert_int_equal(bs(c, sun, sun + 7 * DAYS), 10 * H);
    assert_true(open_at(c, sun + DAYS + 6 * H)); /* touching intervals join */
    svcm_calendar_free(c);
}

static void test_days_with_zero_hours_and_a_calendar_never_open(void **state)
{
    (void)state;
    /* Only Wednesday 10:00-11:00, every other day zero hours. */
    const svcm_calendar_interval iv[] = {{2, 10 * H, 11 * H}};
    svcm_calendar *c = make(0, iv, 1, NULL, 0);
    int64_t thu = at(2026, 1, 15, 12, 0, 0);
    assert_int_equal(next_open(c, thu), at(2026, 1, 21, 10, 0, 0));
    /* 52 weeks from a Thursday: 52 h. */
    assert_int_equal(bs(c, thu, thu + 52 * 7 * DAYS), 52 * H);
    assert_int_equal(add(c, thu, 52 * H), at(2027, 1, 13, 11, 0, 0));
    svcm_calendar_free(c);

    svcm_calendar *never = make(0, NULL, 0, NULL, 0);
    int64_t t = 0;
    assert_int_equal(bs(never, -1000000, 1000000), 0);
    assert_int_equal(svcm_calendar_add_business_seconds(never, 5, 1, &t), SVCM_ENOTFOUND);
    assert_int_equal(svcm_calendar_next_open(never, 5, &t), SVCM_ENOTFOUND);
    assert_int_equal(add(never, 5, 0), 5);
    assert_false(open_at(never, 5));
    svcm_calendar_free(never);
    /* NULL options: the same never-open calendar. */
    svcm_calendar *d = NULL;
    assert_int_equal(svcm_calendar_new(NULL, NULL, &d, NULL), SVCM_OK);
    assert_int_equal(bs(d, 0, 1000000), 0);
    svcm_calendar_free(d);
}

static void test_negative_and_fractional_utc_offsets(void **state)
{
    (void)state;
    /* UTC-05:00: Monday 09:00 local is 14:00Z. */
    svcm_calendar *c = make(-300, nine_to_five, 5, NULL, 0);
    assert_true(open_at(c, at(2026, 1, 12, 14, 0, 0)));
    assert_false(open_at(c, at(2026, 1, 12, 14, 0, 0) - 1));
    assert_false(open_at(c, at(2026, 1, 12, 22, 0, 0))); /* 17:00 local */
    /* Mon 00:00Z to Tue 00:00Z is local Sun 19:00 to Mon 19:00: 8 h. */
    assert_int_equal(bs(c, at(2026, 1, 12, 0, 0, 0), at(2026, 1, 13, 0, 0, 0)), 8 * H);
    assert_int_equal(next_open(c, at(2026, 1, 10, 0, 0, 0)), at(2026, 1, 12, 14, 0, 0));
    svcm_calendar_free(c);
    /* A holiday is a local date: 2026-01-12 in UTC-05:00 is 05:00Z to 05:00Z. */
    svcm_date hol[] = {{2026, 1, 12}};
    c = make(-300, nine_to_five, 5, hol, 1);
    assert_int_equal(bs(c, at(2026, 1, 12, 0, 0, 0), at(2026, 1, 13, 5, 0, 0)), 0);
    assert_int_equal(bs(c, at(2026, 1, 12, 0, 0, 0), at(2026, 1, 14, 0, 0, 0)), 8 * H);
    svcm_calendar_free(c);
    /* UTC+05:45 (Nepal): 09:00 local is 03:15Z. */
    c = make(345, nine_to_five, 5, NULL, 0);
    assert_int_equal(next_open(c, at(2026, 1, 12, 0, 0, 0)), at(2026, 1, 12, 3, 15, 0));
    /* +14:00 and -14:00 are allowed. */
    svcm_calendar_free(c);
    c = make(840, nine_to_five, 5, NULL, 0);
    assert_int_equal(next_open(c, at(2026, 1, 11, 0, 0, 0)), at(2026, 1, 11, 19, 0, 0));
    svcm_calendar_free(c);
    c = make(-840, nine_to_five, 5, NULL, 0);
    assert_int_equal(next_open(c, at(2026, 1, 12, 0, 0, 0)), at(2026, 1, 12, 23, 0, 0));
    svcm_calendar_free(c);
}

static void test_dates_far_from_1970(void **state)
{
    (void)state;
    svcm_calendar *c = make(0, nine_to_five, 5, NULL, 0);
    /* 1600-03-01 and 2400-03-01 were / will be Wednesdays (Gregorian cycle of
     * 400 years = 146097 days = 20871 weeks, and 2000-03-01 was a Wednesday). */
    int64_t w1600 = at(1600, 3, 1, 12, 0, 0), w2400 = at(2400, 3, 1, 12, 0, 0);
    assert_true(open_at(c, w1600));
    assert_true(open_at(c, w2400));
    assert_int_equal(next_open(c, at(1600, 3, 4, 12, 0, 0)), at(1600, 3, 6, 9, 0, 0));
    /* 800 years = 2 * 20871 weeks exactly, 40 h each. */
    assert_int_equal(bs(c, w1600, w2400), 2 * 20871 * 40 * (int64_t)H);
    /* Around year -100000 (2000 + 102000 = 255 eras * 400 years back). */
    int64_t far = at(2000, 3, 1, 12, 0, 0) - (int64_t)255 * 146097 * DAYS;
    svcm_date dd;
    assert_int_equal(svcm_civil_from_days(fdiv(far, DAYS), &dd), SVCM_OK);
    assert_int_equal(dd.year, 2000 - 255 * 400);
    assert_true(open_at(c, far)); /* also a Wednesday */
    /* Wed 12:00 + 6 h: 12:00-17:00 is 5 h, then Thu 09:00-10:00 -> Thu 10:00. */
    assert_int_equal(add(c, far, 6 * H), far + DAYS - 2 * H);
    /* Holidays far away. */
    svcm_date hol[] = {{-5000, 6, 15}, {2400, 3, 1}};
    svcm_calendar *h = make(0, nine_to_five, 5, hol, 2);
    assert_false(open_at(h, w2400));
    /* The holiday Wed 2400-03-01 takes 09:00-12:00 from the span before
     * w2400 (3 h) and 12:00-17:00 after it; Thu 09:00-12:00 adds 3 h. */
    assert_int_equal(bs(h, w1600, w2400 + DAYS), 2 * 20871 * 40 * (int64_t)H - 3 * H + 3 * H);
    assert_int_equal(bs(h, w1600, w2400), 2 * 20871 * 40 * (int64_t)H - 3 * H);
    svcm_calendar_free(h);
    svcm_calendar_free(c);
}

/* ----------------------------------------------------- brute-force checks */

static void test_random_short_spans_match_a_second_by_second_count(void **state)
{
    (void)state;
    rng_state = 12345;
    for (int round = 0; round < 60; round++) {
        model m;
        int64_t base = at(2026, 1, 1, 0, 0, 0) + rnd_in(-3000, 3000) * (int64_t)DAYS;
        random_model(&m, 1, fdiv(base, DAYS) - 2, 6);
        svcm_calendar *c = model_calendar(&m);
        for (int k = 0; k < 8; k++) {
            int64_t a = base + rnd_in(0, 2 * DAYS), b = a + rnd_in(0, 3 * DAYS);
            assert_int_equal(bs(c, a, b), model_count(&m, a, b, 1));
            for (int j = 0; j < 20; j++) {
                int64_t t = a + rnd_in(0, 2 * DAYS);
                assert_int_equal(open_at(c, t), model_open(&m, t));
            }
        }
        svcm_calendar_free(c);
    }
}

static void test_random_multi_year_spans_match_a_minute_by_minute_count(void **state)
{
    (void)state;
    rng_state = 777;
    for (int round = 0; round < 6; round++) {
        model m;
        /* Spans up to 6 years starting anywhere in years 1600 .. 2500. */
        int64_t base = at(1600, 1, 1, 0, 0, 0) + rnd_in(0, 900 * 365) * (int64_t)DAYS +
                       rnd_in(0, 1439) * MIN;
        int64_t len = rnd_in(1, 6 * 366 * 1440) * MIN;
        random_model(&m, MIN, fdiv(base, DAYS), len / DAYS);
        svcm_calendar *c = model_calendar(&m);
        assert_int_equal(bs(c, base, base + len), model_count(&m, base, base + len, MIN));
        svcm_calendar_free(c);
    }
}

static void test_add_business_seconds_inverts_the_count(void **state)
{
    (void)state;
    rng_state = 99;
    for (int round = 0; round < 40; round++) {
        model m;
        int64_t base = at(2026, 1, 1, 0, 0, 0) + rnd_in(-200000, 200000) * (int64_t)DAYS;
        random_model(&m, 1, fdiv(base, DAYS), 400);
        svcm_calendar *c = model_calendar(&m);
        for (int k = 0; k < 50; k++) {
            int64_t s = base + rnd_in(0, 30 * DAYS), e = s + rnd_in(0, 300 * DAYS);
            int64_t n = bs(c, s, e);
            int64_t t = add(c, s, n);
            /* Property: lands at or before e, at the same business position. */
            assert_true(t <= e);
            assert_int_equal(bs(c, s, t), n);
            if (n > 0) {
                /* earliest such instant: the second before it is open */
                assert_true(model_open(&m, t - 1));
                assert_int_equal(bs(c, s, t - 1), n - 1);
            } else {
                assert_int_equal(t, s);
            }
            /* next_open is the first open second at or after s */
            if (m.n > 0) {
                int64_t o = next_open(c, s);
                assert_true(o >= s);
                assert_true(model_open(&m, o));
                assert_int_equal(bs(c, s, o), 0);
            }
            /* additivity and antisymmetry */
            int64_t mid = s + (e - s) / 3;
            assert_int_equal(bs(c, s, mid) + bs(c, mid, e), n);
            assert_int_equal(bs(c, e, s), -n);
        }
        svcm_calendar_free(c);
    }
}

static void test_batch_forms_equal_the_scalar_calls(void **state)
{
    (void)state;
    svcm_date hol[] = {{2026, 1, 1}};
    svcm_calendar *c = make(60, nine_to_five, 5, hol, 1);
    int64_t s[50], e[50], n[50], out[50], out2[50];
    rng_state = 5;
    for (int i = 0; i < 50; i++) {
        s[i] = at(2025, 12, 1, 0, 0, 0) + rnd_in(0, 90 * DAYS);
        e[i] = s[i] + rnd_in(-DAYS, 60 * DAYS);
        n[i] = rnd_in(0, 100 * H);
    }
    svcm_error err;
    assert_int_equal(svcm_calendar_business_seconds_batch(c, s, e, 50, out, &err), SVCM_OK);
    assert_int_equal(svcm_calendar_add_business_seconds_batch(c, s, n, 50, out2, &err), SVCM_OK);
    for (int i = 0; i < 50; i++) {
        assert_int_equal(out[i], bs(c, s[i], e[i]));
        assert_int_equal(out2[i], add(c, s[i], n[i]));
    }
    /* Failures name the record and write nothing. */
    for (int i = 0; i < 50; i++)
        out[i] = out2[i] = -7;
    e[17] = SVCM_CALENDAR_TIME_MAX + 1;
    assert_int_equal(svcm_calendar_business_seconds_batch(c, s, e, 50, out, &err), SVCM_ERANGE);
    assert_int_equal(err.index, 17);
    assert_string_equal(err.field, "end");
    n[23] = -1;
    assert_int_equal(svcm_calendar_add_business_seconds_batch(c, s, n, 50, out2, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 23);
    assert_string_equal(err.field, "seconds");
    n[23] = 1;
    s[30] = SVCM_CALENDAR_TIME_MAX - 10; /* start in range, result past it */
    n[30] = 100 * H;
    assert_int_equal(svcm_calendar_add_business_seconds_batch(c, s, n, 50, out2, &err), SVCM_ERANGE);
    assert_int_equal(err.index, 30);
    for (int i = 0; i < 50; i++) {
        assert_int_equal(out[i], -7);
        assert_int_equal(out2[i], -7);
    }
    /* Near the end of the range the batch checks the exact result: 10 days
     * before the limit one business hour still fits, 100 h do not. */
    int64_t ns[2] = {SVCM_CALENDAR_TIME_MAX - 10 * DAYS, SVCM_CALENDAR_TIME_MAX - 10 * DAYS};
    int64_t nn[2] = {H, 0};
    assert_int_equal(svcm_calendar_add_business_seconds_batch(c, ns, nn, 2, out2, &err), SVCM_OK);
    assert_int_equal(out2[0], add(c, ns[0], H));
    assert_int_equal(out2[1], ns[1]);
    assert_int_equal(svcm_calendar_business_seconds_batch(c, NULL, NULL, 0, NULL, NULL), SVCM_OK);
    assert_int_equal(svcm_calendar_business_seconds_batch(c, NULL, e, 3, out, &err), SVCM_EINVAL);
    assert_int_equal(svcm_calendar_add_business_seconds_batch(NULL, s, n, 3, out, &err), SVCM_EINVAL);
    svcm_calendar *never = make(0, NULL, 0, NULL, 0);
    assert_int_equal(svcm_calendar_add_business_seconds_batch(never, s, n, 3, out2, &err),
                     SVCM_ENOTFOUND);
    assert_int_equal(err.index, 0);
    svcm_calendar_free(never);
    svcm_calendar_free(c);
}

/* ---------------------------------------------------------- bad input */

static void test_new_rejects_bad_schedules_with_the_interval_index(void **state)
{
    (void)state;
    static const struct {
        svcm_calendar_interval iv[2];
        size_t n, index;
        const char *field;
    } bad[] = {
        {{{0, 9 * H, 17 * H}, {0, 16 * H, 18 * H}}, 2, 1, "overlap"},
        {{{0, 9 * H, 17 * H}, {0, 20 * H, 10 * H}}, 2, 1, "overlap"}, /* overnight into Tue: fine? no: ends Tue 10:00, but Tue is empty */
        {{{6, 20 * H, 10 * H}, {0, 9 * H, 12 * H}}, 2, 1, "overlap"}, /* Sunday night into Monday 09:00 */
        {{{0, 9 * H, 9 * H}}, 1, 0, "end"},
        {{{7, 9 * H, 10 * H}}, 1, 0, "weekday"},
        {{{-1, 9 * H, 10 * H}}, 1, 0, "weekday"},
        {{{0, 86400, 10 * H}}, 1, 0, "start"},
        {{{0, -1, 10 * H}}, 1, 0, "start"},
        {{{0, 9 * H, 86401}}, 1, 0, "end"},
        {{{0, 9 * H, -5}}, 1, 0, "end"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (i == 1) {
            /* Mon 20:00 - Tue 10:00 does not overlap Mon 09-17: valid. */
            svcm_calendar *ok = make(0, bad[i].iv, bad[i].n, NULL, 0);
            svcm_calendar_free(ok);
            continue;
        }
        svcm_calendar_options o;
        svcm_calendar_options_init(&o);
        o.intervals = bad[i].iv;
        o.n_intervals = bad[i].n;
        svcm_calendar *c = (svcm_calendar *)&o; /* must stay untouched */
        svcm_error err;
        assert_int_equal(svcm_calendar_new(&o, NULL, &c, &err), SVCM_EINVAL);
        assert_ptr_equal(c, (svcm_calendar *)&o);
        assert_int_equal(err.code, SVCM_EINVAL);
        assert_int_equal(err.index, bad[i].index);
        assert_string_equal(err.field, bad[i].field);
    }
}

static void test_new_rejects_bad_offsets_holidays_and_pointers(void **state)
{
    (void)state;
    svcm_calendar_options o;
    svcm_calendar_options_init(&o);
    svcm_calendar *c = NULL;
    svcm_error err;
    o.utc_offset_minutes = 841;
    assert_int_equal(svcm_calendar_new(&o, NULL, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "utc_offset_minutes");
    o.utc_offset_minutes = -841;
    assert_int_equal(svcm_calendar_new(&o, NULL, &c, &err), SVCM_EINVAL);
    o.utc_offset_minutes = 0;
    svcm_date hol[] = {{2026, 1, 1}, {2026, 2, 30}};
    o.holidays = hol;
    o.n_holidays = 2;
    assert_int_equal(svcm_calendar_new(&o, NULL, &c, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "holiday");
    o.holidays = NULL;
    assert_int_equal(svcm_calendar_new(&o, NULL, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "holidays");
    o.n_holidays = 0;
    o.n_intervals = 1;
    assert_int_equal(svcm_calendar_new(&o, NULL, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "intervals");
    assert_null(c);
    assert_int_equal(svcm_calendar_new(NULL, NULL, NULL, &err), SVCM_EINVAL);
    svcm_calendar_free(NULL);
}

/* Regression: next_open() used add(t, 1) - 1, and add() rejects its result
 * when the first open second ends one past the range, so the last instant
 * of the range was reported out of range although it is the answer. */
/* Regression: build() allocates n + 1 spans, and n = SIZE_MAX wrapped to a
 * 1-byte block that validating the first (valid) interval wrote 24 bytes
 * into (heap overflow, seen by ASan and valgrind) before the second
 * interval stopped it with SVCM_EINVAL. Such a count cannot be allocated:
 * SVCM_ENOMEM, before any element past the first is read. */
static void test_size_max_counts_are_refused_before_reading(void **state)
{
    (void)state;
    const svcm_calendar_interval iv[2] = {{0, 9 * H, 17 * H}, {9, 0, 1}};
    const svcm_date hol[1] = {{2026, 1, 1}};
    svcm_calendar_options o;
    svcm_calendar_options_init(&o);
    o.intervals = iv;
    o.n_intervals = SIZE_MAX;
    svcm_calendar *c = NULL;
    svcm_error err;
    assert_int_equal(svcm_calendar_new(&o, NULL, &c, &err), SVCM_ENOMEM);
    assert_null(c);
    o.n_intervals = 1;
    o.holidays = hol;
    o.n_holidays = SIZE_MAX;
    assert_int_equal(svcm_calendar_new(&o, NULL, &c, &err), SVCM_ENOMEM);
    assert_null(c);
}

static void test_next_open_reaches_the_last_instant_of_the_range(void **state)
{
    (void)state;
    const int64_t big = SVCM_CALENDAR_TIME_MAX;
    /* 1e14 s = day 1157407407 + 35200 s: (1157407407 + 3) mod 7 = 5, a
     * Saturday (Monday = 0), at 09:46:40 UTC. */
    assert_int_equal(big % DAYS, 35200);
    assert_int_equal((big / DAYS + 3) % 7, 5);
    const svcm_calendar_interval always[] = {{0, 0, DAYS}, {1, 0, DAYS}, {2, 0, DAYS},
                                             {3, 0, DAYS}, {4, 0, DAYS}, {5, 0, DAYS},
                                             {6, 0, DAYS}};
    svcm_calendar *c = make(0, always, 7, NULL, 0);
    int64_t v = 0;
    assert_int_equal(svcm_calendar_next_open(c, big, &v), SVCM_OK);
    assert_int_equal(v, big);
    svcm_calendar_free(c);
    /* Open Saturdays from 09:46:40 only: the answer from an hour before is
     * exactly the last instant of the range. */
    const svcm_calendar_interval sat[] = {{5, 35200, 36000}};
    c = make(0, sat, 1, NULL, 0);
    assert_int_equal(svcm_calendar_next_open(c, big - H, &v), SVCM_OK);
    assert_int_equal(v, big);
    assert_int_equal(svcm_calendar_next_open(c, big - 1, &v), SVCM_OK);
    assert_int_equal(v, big);
    assert_int_equal(svcm_calendar_is_open(c, big, &(bool){false}), SVCM_OK);
    svcm_calendar_free(c);
}

static void test_queries_reject_null_and_out_of_range_instants(void **state)
{
    (void)state;
    svcm_calendar *c = make(0, nine_to_five, 5, NULL, 0);
    int64_t v = 42;
    bool o = true;
    const int64_t big = SVCM_CALENDAR_TIME_MAX;
    assert_int_equal(svcm_calendar_business_seconds(NULL, 0, 1, &v), SVCM_EINVAL);
    assert_int_equal(svcm_calendar_business_seconds(c, 0, 1, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_calendar_business_seconds(c, 0, big + 1, &v), SVCM_ERANGE);
    assert_int_equal(svcm_calendar_business_seconds(c, INT64_MIN, 0, &v), SVCM_ERANGE);
    assert_int_equal(svcm_calendar_add_business_seconds(c, 0, -1, &v), SVCM_EINVAL);
    assert_int_equal(svcm_calendar_add_business_seconds(NULL, 0, 1, &v), SVCM_EINVAL);
    assert_int_equal(svcm_calendar_add_business_seconds(c, 0, 1, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_calendar_add_business_seconds(c, big + 1, 1, &v), SVCM_ERANGE);
    assert_int_equal(svcm_calendar_add_business_seconds(c, big - 10, 100 * H, &v), SVCM_ERANGE);
    assert_int_equal(svcm_calendar_add_business_seconds(c, 0, INT64_MAX, &v), SVCM_ERANGE);
    assert_int_equal(svcm_calendar_is_open(c, -big - 1, &o), SVCM_ERANGE);
    assert_int_equal(svcm_calendar_is_open(c, 0, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_calendar_is_open(NULL, 0, &o), SVCM_EINVAL);
    assert_int_equal(svcm_calendar_next_open(c, big, &v), SVCM_ERANGE);
    assert_int_equal(svcm_calendar_next_open(c, 0, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_calendar_next_open(NULL, 0, &v), SVCM_EINVAL);
    assert_int_equal(v, 42);
    assert_true(o);
    /* One second a week: 2e14 business seconds is ~2e14 weeks away, far past
     * the range (and past int64 if computed naively). */
    const svcm_calendar_interval tiny[] = {{2, 100, 101}};
    svcm_calendar *slow = make(0, tiny, 1, NULL, 0);
    assert_int_equal(svcm_calendar_add_business_seconds(slow, 0, 2 * big, &v), SVCM_ERANGE);
    assert_int_equal(svcm_calendar_add_business_seconds(slow, -big, 2 * big, &v), SVCM_ERANGE);
    /* ... while 1000 of them are 1000 weeks away: Wed 1970-01-07 00:01:40
     * is the first, then one a week. */
    assert_int_equal(svcm_calendar_add_business_seconds(slow, 0, 1000, &v), SVCM_OK);
    assert_int_equal(v, 6 * DAYS + 101 + 999 * 7 * (int64_t)DAYS);
    svcm_calendar_free(slow);
    /* The edges of the range themselves work. */
    assert_int_equal(svcm_calendar_business_seconds(c, -big, big, &v), SVCM_OK);
    assert_true(v > 0);
    assert_int_equal(svcm_calendar_next_open(c, -big, &v), SVCM_OK);
    svcm_calendar_free(c);
}

/* ------------------------------------------------------------- text form */

static svcm_calendar *parse_ok(const char *text)
{
    svcm_calendar *c = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_calendar_parse(text, strlen(text), NULL, &c, &err);
    if (rc != SVCM_OK)
        fail_msg("parse failed: %s (line %zu, column %zu)", err.message, err.line, err.column);
    return c;
}

static char *text_of(const svcm_calendar *c)
{
    size_t len = 0;
    assert_int_equal(svcm_calendar_format(c, NULL, 0, &len), SVCM_ENOSPC);
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    assert_int_equal(svcm_calendar_format(c, buf, len, &len), SVCM_ENOSPC); /* no room for NUL */
    assert_int_equal(svcm_calendar_format(c, buf, len + 1, &len), SVCM_OK);
    assert_int_equal(strlen(buf), len);
    return buf;
}

static void test_parse_reads_the_documented_example(void **state)
{
    (void)state;
    const char *text = "# support desk, Singapore\n"
                       "utc_offset = +08:00\n"
                       "mon = 09:00-12:00, 13:00-18:00\n"
                       "TUE=09:00-18:00   # case and spaces do not matter\r\n"
                       "\n"
                       "sat = Closed\n"
                       "sun = 22:00-06:00\n"
                       "holiday = 2026-01-01\n"
                       "holiday = 2026-12-25, 2026-02-17";
    svcm_calendar *c = parse_ok(text);
    /* Monday 2026-01-12 local: 3 h + 5 h. */
    assert_int_equal(bs(c, at(2026, 1, 12, 0, 0, 480), at(2026, 1, 13, 0, 0, 480)), 8 * H + 6 * H);
    /* (Sunday 11th 22:00 - Monday 06:00 gives the 6 h before.) */
    assert_false(open_at(c, at(2026, 1, 12, 12, 30, 480)));
    assert_true(open_at(c, at(2026, 1, 12, 5, 59, 480)));
    assert_false(open_at(c, at(2026, 2, 17, 10, 0, 480))); /* a Tuesday holiday */
    assert_true(open_at(c, at(2026, 2, 24, 10, 0, 480)));  /* the Tuesday after */
    char *out = text_of(c);
    assert_string_equal(out, "utc_offset = +08:00\n"
                             "mon = 09:00-12:00, 13:00-18:00\n"
                             "tue = 09:00-18:00\n"
                             "wed = closed\n"
                             "thu = closed\n"
                             "fri = closed\n"
                             "sat = closed\n"
                             "sun = 22:00-06:00\n"
                             "holiday = 2026-01-01\n"
                             "holiday = 2026-02-17\n"
                             "holiday = 2026-12-25\n");
    free(out);
    svcm_calendar_free(c);
    /* Empty text: the never-open calendar at UTC. */
    svcm_calendar *e = NULL;
    assert_int_equal(svcm_calendar_parse(NULL, 0, NULL, &e, NULL), SVCM_OK);
    assert_int_equal(bs(e, 0, 1000000), 0);
    svcm_calendar_free(e);
}

static void test_to_text_round_trips_seconds_midnight_and_negative_years(void **state)
{
    (void)state;
    const svcm_calendar_interval iv[] = {{0, 9 * H + 30 * MIN + 15, 24 * 3600},
                                         {6, 23 * H, 0}, {3, 0, 1}};
    svcm_date hol[] = {{-44, 3, 15}, {12345, 6, 7}, {5, 1, 1}};
    svcm_calendar *c = make(-570, iv, 3, hol, 3);
    char *t1 = text_of(c);
    assert_string_equal(t1, "utc_offset = -09:30\n"
                            "mon = 09:30:15-24:00\n"
                            "tue = closed\n"
                            "wed = closed\n"
                            "thu = 00:00-00:00:01\n"
                            "fri = closed\n"
                            "sat = closed\n"
                            "sun = 23:00-00:00\n"
                            "holiday = -0044-03-15\n"
                            "holiday = 0005-01-01\n"
                            "holiday = 12345-06-07\n");
    svcm_calendar *c2 = parse_ok(t1);
    char *t2 = text_of(c2);
    assert_string_equal(t1, t2);
    int64_t a = at(2026, 1, 1, 0, 0, 0);
    assert_int_equal(bs(c, a, a + 30 * DAYS), bs(c2, a, a + 30 * DAYS));
    free(t1);
    free(t2);
    svcm_calendar_free(c);
    svcm_calendar_free(c2);
    /* Random calendars round-trip and count the same. */
    rng_state = 4242;
    for (int r = 0; r < 30; r++) {
        model m;
        random_model(&m, 1, 20000, 400);
        svcm_calendar *x = model_calendar(&m);
        char *tx = text_of(x);
        svcm_calendar *y = parse_ok(tx);
        char *ty = text_of(y);
        assert_string_equal(tx, ty);
        for (int k = 0; k < 10; k++) {
            int64_t s = 20000 * (int64_t)DAYS + rnd_in(0, 400 * DAYS);
            int64_t e = s + rnd_in(0, 100 * DAYS);
            assert_int_equal(bs(x, s, e), bs(y, s, e));
        }
        free(tx);
        free(ty);
        svcm_calendar_free(x);
        svcm_calendar_free(y);
    }
    assert_int_equal(svcm_calendar_format(NULL, NULL, 0, NULL), SVCM_EINVAL);
}

/* True when msg contains "line N" with a digit N. */
static bool names_line(const char *msg)
{
    for (const char *w = msg; (w = strstr(w, "line ")) != NULL; w++)
        if (w[5] >= '0' && w[5] <= '9')
            return true;
    return false;
}

/* Issue 13: the position is in line/column (1-based byte column of the
 * offending token, counted by hand), never in the message. */
static void test_parse_errors_give_the_line_and_reason(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t line, column;
        const char *field;
        const char *reason; /* a substring of the message */
    } bad[] = {
        {"mon = 09:00-17:00\nfoo = 1\n", 2, 1, "line", "unknown key"},
        {"mon = 25:00-26:00\n", 1, 7, "mon", "hours"},
        {"\n\ntue = 09:00 17:00\n", 3, 13, "tue", "'-'"},
        {"wed = 09:00-17:00\nwed = closed\n", 2, 1, "wed", "twice"},
        {"utc_offset = +01:00\nutc_offset = +02:00\n", 2, 1, "utc_offset", "twice"},
        {"utc_offset = +15:00\n", 1, 14, "utc_offset", "14:00"},
        {"utc_offset = 8\n", 1, 14, "utc_offset", "+HH:MM"},
        {"thu = 09:00-12:00, 11:00-13:00\n", 1, 20, "thu", "overlaps"},
        {"mon = 09:00-12:00\n# note\nsun = 20:00-10:00\n", 3, 7, "sun", "overlaps"},
        {"holiday = 2026-02-30\n", 1, 11, "holiday", "not a valid date"},
        {"holiday = 2026-1-01\n", 1, 11, "holiday", "YYYY-MM-DD"},
        {"fri = 24:00-01:00\n", 1, 7, "fri", "24:00"},
        {"fri = 09:00-09:00\n", 1, 7, "fri", "same time"},
        {"fri = 09:60-10:00\n", 1, 7, "fri", "00..59"},
        {"fri = 09:00-10:00;\n", 1, 18, "fri", "','"},
        {"sat\n", 1, 1, "line", "key = value"},
        {"sun = 9-10\n", 1, 7, "sun", "':'"},
        {"mon = 123:00-10:00\n", 1, 7, "mon", "HH:MM"},
        {"fri = 08:00-09:00, 10:00-11:0\n", 1, 26, "fri", "minutes"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        svcm_calendar *c = NULL;
        svcm_error err;
        svcm_error_clear(&err);
        assert_int_equal(svcm_calendar_parse(bad[i].text, strlen(bad[i].text), NULL, &c, &err),
                         SVCM_EFORMAT);
        assert_null(c);
        if (err.line != bad[i].line || err.column != bad[i].column ||
            err.index != SVCM_NO_INDEX || strcmp(err.field, bad[i].field) != 0)
            fail_msg("case %zu: %zu:%zu index %zu field %s (want %zu:%zu %s)", i, err.line,
                     err.column, err.index, err.field, bad[i].line, bad[i].column, bad[i].field);
        if (strstr(err.message, bad[i].reason) == NULL || names_line(err.message))
            fail_msg("case %zu: message '%s' lacks '%s' or names the line", i, err.message,
                     bad[i].reason);
    }
    /* An embedded NUL is a format error, not a truncation. */
    svcm_calendar *c = NULL;
    svcm_error err;
    assert_int_equal(svcm_calendar_parse("mon = 09:00-10:00\0x", 19, NULL, &c, &err), SVCM_EFORMAT);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 18);
    assert_int_equal(svcm_calendar_parse("x", 1, NULL, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_calendar_parse(NULL, 3, NULL, &c, &err), SVCM_EINVAL);
}

/* Invalid UTF-8 anywhere in the text (comments too) is a format error at
 * the line and byte column of the first bad byte (counted by hand). */
static void test_parse_refuses_invalid_utf8_with_line_and_column(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t line, column;
    } bad[] = {
        {"mon = 09:00-17:00 # caf\xE9\n", 1, 24},               /* Latin-1 in a comment */
        {"# office\ntue = 09:00-17:00\ncaf\xE9 = closed\n", 3, 4}, /* Latin-1 in a key */
        {"# \xC0\xAF\n", 1, 3},                                 /* overlong '/' */
        {"# \xE0\x80\xAF\n", 1, 3},                             /* overlong, three bytes */
        {"\n# \xED\xA0\x80\n", 2, 3},                           /* surrogate U+D800 */
        {"# \xF4\x90\x80\x80\n", 1, 3},                         /* U+110000 */
        {"# \x80\n", 1, 3},                                     /* lone continuation */
        {"sat = closed # \xE2\x82", 1, 16},                     /* truncated at the end */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        svcm_calendar *c = NULL;
        svcm_error err;
        svcm_error_clear(&err);
        int rc = svcm_calendar_parse(bad[i].text, strlen(bad[i].text), NULL, &c, &err);
        if (rc != SVCM_EFORMAT || err.line != bad[i].line || err.column != bad[i].column ||
            err.index != SVCM_NO_INDEX || strcmp(err.message, "invalid UTF-8") != 0)
            fail_msg("case %zu: rc %d, %zu:%zu, message '%s'", i, rc, err.line, err.column,
                     err.message);
        assert_string_equal(err.field, "line");
        assert_null(c);
    }
}

/* UTF-8 comments are fine and change nothing; an unknown key is quoted
 * without cutting a UTF-8 sequence. */
static void test_parse_accepts_utf8_comments_and_quotes_keys_whole(void **state)
{
    (void)state;
    const char *plain = "mon = 09:00-17:00\n";
    const char *fancy = "# caf\xC3\xA9 \xE6\x9D\xB1\xE4\xBA\xAC\n"
                        "mon = 09:00-17:00 # \xF0\x9F\x98\x80\n";
    svcm_calendar *a = NULL, *b = NULL;
    assert_int_equal(svcm_calendar_parse(plain, strlen(plain), NULL, &a, NULL), SVCM_OK);
    assert_int_equal(svcm_calendar_parse(fancy, strlen(fancy), NULL, &b, NULL), SVCM_OK);
    char ta[512], tb[512];
    size_t la = 0, lb = 0;
    assert_int_equal(svcm_calendar_format(a, ta, sizeof ta, &la), SVCM_OK);
    assert_int_equal(svcm_calendar_format(b, tb, sizeof tb, &lb), SVCM_OK);
    assert_string_equal(ta, tb);
    svcm_calendar_free(a);
    svcm_calendar_free(b);
    /* 39 ASCII bytes and an e-acute: the 40-byte quote stops before it. */
    const char *x39 = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    char text[64], want[160];
    snprintf(text, sizeof text, "%s\xC3\xA9 = closed\n", x39);
    svcm_error err;
    svcm_calendar *c = NULL;
    assert_int_equal(svcm_calendar_parse(text, strlen(text), NULL, &c, &err), SVCM_EFORMAT);
    snprintf(want, sizeof want,
             "unknown key '%s' (expected zone, utc_offset, mon..sun or holiday)", x39);
    assert_string_equal(err.message, want);
}

static void test_parse_survives_random_text(void **state)
{
    (void)state;
    /* Fragments that make near-valid lines; every outcome must be OK or
     * EFORMAT, and an OK calendar must round-trip through its text. */
    static const char *const frag[] = {"mon", "sun", "holiday", "utc_offset", " = ", "=", "-",
                                       ",", ":", "09:00", "24:00", "23:59:59", "00", "7", "#",
                                       "\n", "\r\n", " ", "closed", "2026-02-29", "-0001-01-01",
                                       "+14:00", "-09:30", "\0", "\xff", "99999999"};
    const size_t nf = sizeof frag / sizeof frag[0];
    rng_state = 31337;
    char buf[512];
    int ok = 0;
    for (int r = 0; r < 20000; r++) {
        size_t len = 0;
        int parts = (int)rnd_in(1, 24);
        for (int k = 0; k < parts; k++) {
            const char *f = frag[rnd() % nf];
            size_t fl = f[0] == '\0' ? 1 : strlen(f);
            if (len + fl >= sizeof buf)
                break;
            memcpy(buf + len, f, fl);
            len += fl;
        }
        svcm_calendar *c = NULL;
        svcm_error err;
        int rc = svcm_calendar_parse(buf, len, NULL, &c, &err);
        assert_true(rc == SVCM_OK || rc == SVCM_EFORMAT);
        if (rc == SVCM_OK) {
            ok++;
            char *t = text_of(c);
            svcm_calendar *c2 = parse_ok(t);
            char *t2 = text_of(c2);
            assert_string_equal(t, t2);
            free(t);
            free(t2);
            svcm_calendar_free(c2);
            svcm_calendar_free(c);
        } else {
            assert_null(c);
            assert_true(err.line >= 1 && err.line <= len + 1);
            assert_int_equal(err.index, SVCM_NO_INDEX);
        }
    }
    assert_true(ok > 0);
}

/* ------------------------------------------------------------ allocator */

typedef struct counting {
    long live;
    long calls;
    long fail_at; /* fail the n-th allocation (1-based), 0 = never */
} counting;

static void *c_alloc(void *ctx, size_t n)
{
    counting *k = ctx;
    if (++k->calls == k->fail_at)
        return NULL;
    k->live++;
    return malloc(n);
}
static void *c_realloc(void *ctx, void *p, size_t n)
{
    counting *k = ctx;
    if (++k->calls == k->fail_at)
        return NULL;
    if (p == NULL)
        k->live++;
    return realloc(p, n);
}
static void c_free(void *ctx, void *p)
{
    counting *k = ctx;
    if (p != NULL)
        k->live--;
    free(p);
}

/* --------------------------------------------------------- zoned calendars
 *
 * Reference: the EU rule (Directive 2000/84/EC: summer time from 01:00 UTC
 * on the last Sunday of March to 01:00 UTC on the last Sunday of October;
 * Berlin is UTC+1 in winter, UTC+2 in summer) and the New South Wales rule
 * (Sydney UTC+10, daylight time UTC+11 from 02:00 standard time on the
 * first Sunday of October to 03:00 daylight time on the first Sunday of
 * April), both written out below with the file's own date arithmetic,
 * independent of the library's zone code. 2026: Berlin springs forward on
 * Sunday 29 March and falls back on Sunday 25 October. */

#define BERLIN "CET-1CEST,M3.5.0,M10.5.0/3"
#define SYDNEY "AEST-10AEDT,M10.1.0,M4.1.0/3"

static int wday_of(int64_t d) { return (int)(((d + 3) % 7 + 7) % 7); } /* Monday = 0 */

/* Day number of the last Sunday of a month / the first Sunday of a month. */
static int64_t last_sunday(int64_t y, int m) /* m < 12 */
{
    int64_t d = naive_days(y, m + 1, 1) - 1;
    while (wday_of(d) != 6)
        d--;
    return d;
}

static int64_t first_sunday(int64_t y, int m)
{
    int64_t d = naive_days(y, m, 1);
    while (wday_of(d) != 6)
        d++;
    return d;
}

static int64_t year_of(int64_t t)
{
    int64_t y = 1970;
    while (naive_days(y, 1, 1) * DAYS > t)
        y--;
    while (naive_days(y + 1, 1, 1) * DAYS <= t)
        y++;
    return y;
}

/* The two transitions of the year holding t, cached for the last year
 * asked (the brute-force counts ask minute by minute). */
typedef struct zone_year {
    int64_t start, end; /* the year's first and one-past-last instant */
    int64_t a, b;       /* its transitions, a < b */
} zone_year;

static const zone_year *year_rule(zone_year *cache, int64_t t, bool south)
{
    if (cache->end > cache->start && t >= cache->start && t < cache->end)
        return cache;
    int64_t y = year_of(t);
    cache->start = naive_days(y, 1, 1) * DAYS;
    cache->end = naive_days(y + 1, 1, 1) * DAYS;
    if (south) { /* end of daylight time (03:00 AEDT), start (02:00 AEST) */
        cache->a = first_sunday(y, 4) * DAYS + 3 * H - 11 * H;
        cache->b = first_sunday(y, 10) * DAYS + 2 * H - 10 * H;
    } else { /* 01:00 UTC on the last Sundays of March and October */
        cache->a = last_sunday(y, 3) * DAYS + 1 * H;
        cache->b = last_sunday(y, 10) * DAYS + 1 * H;
    }
    return cache;
}

/* Offsets in minutes. */
static int berlin_offset(int64_t t)
{
    static zone_year cache;
    const zone_year *r = year_rule(&cache, t, false);
    return t >= r->a && t < r->b ? 120 : 60;
}

static int sydney_offset(int64_t t)
{
    static zone_year cache;
    const zone_year *r = year_rule(&cache, t, true);
    return t < r->a || t >= r->b ? 660 : 600;
}

static svcm_calendar *make_zoned(const char *zone, const svcm_calendar_interval *iv, size_t n,
                                 const svcm_date *hol, size_t nh)
{
    svcm_calendar_options o;
    svcm_calendar_options_init(&o);
    o.zone = zone;
    o.intervals = iv;
    o.n_intervals = n;
    o.holidays = hol;
    o.n_holidays = nh;
    svcm_calendar *c = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_calendar_new(&o, NULL, &c, &err);
    if (rc != SVCM_OK)
        fail_msg("zone %s: %s", zone, err.message);
    return c;
}

static const svcm_calendar_interval all_sunday[] = {{6, 0, 24 * H}};

/* The issue's checks on one Berlin calendar (POSIX rule or IANA file). */
static void check_berlin(const char *zone)
{
    svcm_calendar *c = make_zoned(zone, nine_to_five, 5, NULL, 0);
    /* Friday 27 March 2026 16:00 CET to Monday 30 March 10:00 CEST: Friday
     * 16:00-17:00 and Monday 09:00-10:00, 2 hours. */
    int64_t fri = at(2026, 3, 27, 16, 0, 60), mon = at(2026, 3, 30, 10, 0, 120);
    assert_int_equal(bs(c, fri, mon), 2 * H);
    assert_int_equal(bs(c, mon, fri), -2 * H);
    assert_int_equal(add(c, fri, 2 * H), mon);
    /* Saturday: next opening Monday 09:00 CEST = 07:00 UTC. */
    assert_int_equal(next_open(c, at(2026, 3, 28, 12, 0, 60)), at(2026, 3, 30, 9, 0, 120));
    assert_true(open_at(c, at(2026, 3, 30, 9, 0, 120)));
    assert_false(open_at(c, at(2026, 3, 30, 9, 0, 120) - 1));
    /* Summer: 09:00 local is 07:00 UTC; a fixed +01:00 would say 08:00. */
    assert_false(open_at(c, at(2026, 7, 1, 17, 0, 120)));
    assert_true(open_at(c, at(2026, 7, 1, 16, 59, 120)));
    /* Autumn: Friday 23 October 16:00 CEST to Monday 26 October 10:00 CET. */
    assert_int_equal(bs(c, at(2026, 10, 23, 16, 0, 120), at(2026, 10, 26, 10, 0, 60)), 2 * H);
    svcm_calendar_free(c);

    svcm_calendar *s = make_zoned(zone, all_sunday, 1, NULL, 0);
    /* A 24-hour Sunday: 23 hours on 29 March, 25 on 25 October, 24 else. */
    assert_int_equal(bs(s, at(2026, 3, 29, 0, 0, 60), at(2026, 3, 30, 0, 0, 120)), 23 * H);
    assert_int_equal(bs(s, at(2026, 3, 27, 0, 0, 60), at(2026, 4, 1, 0, 0, 120)), 23 * H);
    assert_int_equal(bs(s, at(2026, 10, 25, 0, 0, 120), at(2026, 10, 26, 0, 0, 60)), 25 * H);
    assert_int_equal(bs(s, at(2026, 10, 18, 0, 0, 120), at(2026, 10, 19, 0, 0, 120)), 24 * H);
    assert_int_equal(add(s, at(2026, 3, 29, 0, 0, 60), 23 * H), at(2026, 3, 30, 0, 0, 120));
    assert_int_equal(add(s, at(2026, 10, 25, 0, 0, 120), 25 * H), at(2026, 10, 26, 0, 0, 60));
    svcm_calendar_free(s);
}

static void test_zoned_berlin_rule_is_exact_across_changeovers(void **state)
{
    (void)state;
    check_berlin(BERLIN);
}

static void test_zoned_berlin_iana_name_when_tzdata_is_installed(void **state)
{
    (void)state;
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/Europe/Berlin",
             dir != NULL && dir[0] != '\0' ? dir : "/usr/share/zoneinfo");
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        printf("SKIP: %s is absent (no tzdata); the POSIX rule test covers Berlin\n", path);
        skip();
    }
    fclose(f);
    check_berlin("Europe/Berlin");
}

static void test_zoned_gap_hours_vanish_and_repeated_hours_count_twice(void **state)
{
    (void)state;
    /* Open Sunday 01:30-02:30 and 02:00-03:00 on separate calendars. */
    const svcm_calendar_interval half[] = {{6, 90 * MIN, 150 * MIN}};
    const svcm_calendar_interval gap[] = {{6, 2 * H, 3 * H}};
    svcm_calendar *h = make_zoned(BERLIN, half, 1, NULL, 0);
    svcm_calendar *g = make_zoned(BERLIN, gap, 1, NULL, 0);
    int64_t mar_a = at(2026, 3, 29, 0, 0, 60), mar_b = at(2026, 3, 30, 0, 0, 120);
    int64_t oct_a = at(2026, 10, 25, 0, 0, 120), oct_b = at(2026, 10, 26, 0, 0, 60);
    /* Spring: 01:30-02:00 CET exists, 02:00-03:00 does not. */
    assert_int_equal(bs(h, mar_a, mar_b), 30 * MIN);
    assert_int_equal(bs(g, mar_a, mar_b), 0);
    /* Autumn: 01:30-02:00 CEST, then 02:00-02:30 CEST and again CET. */
    assert_int_equal(bs(h, oct_a, oct_b), 90 * MIN);
    assert_int_equal(bs(g, oct_a, oct_b), 2 * H);
    /* 02:15 local happens at 00:15 UTC and at 01:15 UTC: open both times. */
    assert_true(open_at(g, at(2026, 10, 25, 0, 15, 0)));
    assert_true(open_at(g, at(2026, 10, 25, 1, 15, 0)));
    assert_false(open_at(g, at(2026, 10, 25, 2, 0, 0)));
    /* The gap day: the next opening after Saturday is the week after. */
    assert_int_equal(next_open(g, at(2026, 3, 28, 12, 0, 60)), at(2026, 4, 5, 2, 0, 120));
    assert_int_equal(next_open(h, at(2026, 3, 29, 1, 45, 60)), at(2026, 3, 29, 1, 45, 60));
    /* Adding across the repeated hour: 90 min from 01:30 CEST end at 02:30 CET. */
    assert_int_equal(add(h, at(2026, 10, 25, 1, 30, 120), 90 * MIN), at(2026, 10, 25, 2, 30, 60));
    assert_int_equal(add(h, at(2026, 10, 25, 1, 30, 120), 60 * MIN), at(2026, 10, 25, 2, 30, 120));
    svcm_calendar_free(h);
    svcm_calendar_free(g);
}

static void test_zoned_sydney_southern_rule(void **state)
{
    (void)state;
    svcm_calendar *c = make_zoned(SYDNEY, nine_to_five, 5, NULL, 0);
    /* 2026: daylight time ends Sunday 5 April (03:00 AEDT -> 02:00 AEST)
     * and starts Sunday 4 October (02:00 AEST -> 03:00 AEDT). */
    assert_int_equal(bs(c, at(2026, 4, 3, 16, 0, 660), at(2026, 4, 6, 10, 0, 600)), 2 * H);
    assert_int_equal(bs(c, at(2026, 10, 2, 16, 0, 600), at(2026, 10, 5, 10, 0, 660)), 2 * H);
    /* January is summer: 09:00 AEDT = 22:00 UTC the day before. */
    assert_true(open_at(c, at(2026, 1, 5, 9, 0, 660)));
    assert_false(open_at(c, at(2026, 1, 5, 9, 0, 660) - 1));
    svcm_calendar_free(c);
    svcm_calendar *s = make_zoned(SYDNEY, all_sunday, 1, NULL, 0);
    assert_int_equal(bs(s, at(2026, 4, 5, 0, 0, 660), at(2026, 4, 6, 0, 0, 600)), 25 * H);
    assert_int_equal(bs(s, at(2026, 10, 4, 0, 0, 600), at(2026, 10, 5, 0, 0, 660)), 23 * H);
    svcm_calendar_free(s);
}

/* The brute-force model in a zone: local time from the offset function. */
static bool zmodel_open(const model *m, int (*offset)(int64_t), int64_t t)
{
    model shifted = *m;
    shifted.offset = offset(t);
    return model_open(&shifted, t);
}

static void check_random_zoned(const char *zone, int (*offset)(int64_t))
{
    /* Minute-aligned schedules, holidays and spans in 2025-2027; the
     * transitions are whole hours, so a minute-by-minute count is exact. */
    int64_t first = naive_days(2025, 1, 1), last = naive_days(2027, 12, 31);
    for (int round = 0; round < 12; round++) {
        model m;
        random_model(&m, MIN, first, last - first);
        svcm_date hol[64];
        for (size_t i = 0; i < m.nh; i++)
            assert_int_equal(svcm_civil_from_days(m.hol[i], &hol[i]), SVCM_OK);
        svcm_calendar *c = make_zoned(zone, m.iv, m.n, hol, m.nh);
        for (int q = 0; q < 6; q++) {
            int64_t a = (first + rnd_in(0, last - first - 60)) * DAYS + rnd_in(0, 1439) * MIN;
            int64_t b = a + rnd_in(0, 50 * 1440) * MIN;
            int64_t want = 0;
            for (int64_t t = a; t < b; t += MIN)
                want += zmodel_open(&m, offset, t) ? MIN : 0;
            assert_int_equal(bs(c, a, b), want);
            assert_int_equal(open_at(c, a), zmodel_open(&m, offset, a));
            if (m.n == 0)
                continue;
            /* add inverts the count: the earliest t with bs(a, t) == want. */
            if (want > 0) {
                int64_t t = add(c, a, want);
                assert_true(t <= b);
                assert_int_equal(bs(c, a, t), want);
                assert_true(zmodel_open(&m, offset, t - MIN));
            }
            /* next_open: the first open minute at or after a (the model's
             * open instants start on whole minutes). */
            int64_t u = next_open(c, a);
            if (u - a < 60 * DAYS) {
                for (int64_t t = a; t < u; t += MIN)
                    assert_false(zmodel_open(&m, offset, t));
                assert_true(zmodel_open(&m, offset, u));
            }
        }
        svcm_calendar_free(c);
    }
}

static void test_zoned_random_calendars_match_a_minute_by_minute_count(void **state)
{
    (void)state;
    check_random_zoned(BERLIN, berlin_offset);
    check_random_zoned(SYDNEY, sydney_offset);
}

static void test_zoned_year_spans_are_fast_and_add_up(void **state)
{
    (void)state;
    const svcm_date hol[] = {{2026, 1, 1}, {2026, 12, 25}, {2026, 12, 26}};
    svcm_calendar *c = make_zoned(BERLIN, nine_to_five, 5, hol, 3);
    /* 2026 has 261 weekdays; 1 January and 25 December are weekdays (26
     * December is a Saturday): 259 days of 8 hours. */
    int64_t y0 = at(2026, 1, 1, 0, 0, 60), y1 = at(2027, 1, 1, 0, 0, 60);
    assert_int_equal(bs(c, y0, y1), 259 * 8 * H);
    int64_t sum = 0;
    for (int64_t d = naive_days(2026, 1, 1); d < naive_days(2027, 1, 1); d++)
        sum += bs(c, d * DAYS, (d + 1) * DAYS);
    assert_int_equal(sum, bs(c, naive_days(2026, 1, 1) * DAYS, naive_days(2027, 1, 1) * DAYS));
    /* 500 year-long spans and one of a century stay well under a second
     * natively (a bound loose enough for valgrind). */
    clock_t t0 = clock();
    int64_t acc = 0;
    for (int i = 0; i < 500; i++)
        acc += bs(c, y0 + i * 3600, y1 + i * 3600);
    int64_t century = bs(c, at(2000, 1, 1, 0, 0, 60), at(2100, 1, 1, 0, 0, 60));
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(acc > 0);
    assert_true(century > 100 * 250 * 8 * H);
    if (secs > 20.0)
        fail_msg("500 year-long zoned spans took %.2f s", secs);
    /* The batch form gives the same. */
    int64_t starts[2] = {y0, y1}, ends[2] = {y1, y0}, out[2];
    assert_int_equal(svcm_calendar_business_seconds_batch(c, starts, ends, 2, out, NULL), SVCM_OK);
    assert_int_equal(out[0], 259 * 8 * H);
    assert_int_equal(out[1], -259 * 8 * H);
    int64_t secs_in[2] = {2 * H, 0}, added[2];
    int64_t fri = at(2026, 3, 27, 16, 0, 60);
    starts[1] = fri;
    starts[0] = fri;
    assert_int_equal(svcm_calendar_add_business_seconds_batch(c, starts, secs_in, 2, added, NULL),
                     SVCM_OK);
    assert_int_equal(added[0], at(2026, 3, 30, 10, 0, 120));
    assert_int_equal(added[1], fri);
    svcm_calendar_free(c);
}

static void test_zoned_fixed_offset_equals_utc_offset(void **state)
{
    (void)state;
    svcm_calendar *z = make_zoned("+05:30", nine_to_five, 5, NULL, 0);
    svcm_calendar *f = make(330, nine_to_five, 5, NULL, 0);
    for (int i = 0; i < 200; i++) {
        int64_t a = rnd_in(0, 60 * 365) * DAYS + rnd_in(0, DAYS), b = a + rnd_in(0, 40 * DAYS);
        assert_int_equal(bs(z, a, b), bs(f, a, b));
        assert_int_equal(next_open(z, a), next_open(f, a));
        assert_int_equal(add(z, a, b - a), add(f, a, b - a));
    }
    svcm_calendar_free(z);
    svcm_calendar_free(f);
}

static void test_zoned_new_refuses_bad_zones_and_ranges(void **state)
{
    (void)state;
    svcm_calendar_options o;
    svcm_calendar_options_init(&o);
    assert_null(o.zone);
    o.zone = BERLIN;
    o.utc_offset_minutes = 60;
    svcm_calendar *c = NULL;
    svcm_error err;
    assert_int_equal(svcm_calendar_new(&o, NULL, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "zone");
    assert_null(c);
    o.utc_offset_minutes = 0;
    o.zone = "CET-1CEST,M3.5.0";
    assert_int_equal(svcm_calendar_new(&o, NULL, &c, &err), SVCM_EFORMAT);
    assert_string_equal(err.field, "zone");
    o.zone = "";
    assert_int_equal(svcm_calendar_new(&o, NULL, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "zone");
    setenv("TZDIR", SVCM_SOURCE_DIR "/tests/data", 1); /* no zone files there */
    o.zone = "Nowhere/Atlantis";
    assert_int_equal(svcm_calendar_new(&o, NULL, &c, &err), SVCM_ENOTFOUND);
    assert_string_equal(err.field, "zone");
    assert_non_null(strstr(err.message, "Nowhere/Atlantis"));
    unsetenv("TZDIR");
    assert_null(c);
    /* An incomplete allocator is refused before the zone is made. */
    svcm_allocator bad = {NULL, NULL, NULL, NULL};
    o.zone = BERLIN;
    assert_int_equal(svcm_calendar_new(&o, &bad, &c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "alloc");
    /* A zoned calendar takes the years 0000..9999. */
    c = make_zoned(BERLIN, nine_to_five, 5, NULL, 0);
    int64_t lo = -INT64_C(719528) * DAYS, hi = INT64_C(2932897) * DAYS - 1, v;
    bool b;
    assert_int_equal(svcm_calendar_business_seconds(c, lo, lo + DAYS, &v), SVCM_OK);
    assert_int_equal(svcm_calendar_business_seconds(c, lo - 1, 0, &v), SVCM_ERANGE);
    assert_int_equal(svcm_calendar_business_seconds(c, 0, hi + 1, &v), SVCM_ERANGE);
    assert_int_equal(svcm_calendar_is_open(c, hi, &b), SVCM_OK);
    assert_int_equal(svcm_calendar_is_open(c, hi + 1, &b), SVCM_ERANGE);
    assert_int_equal(svcm_calendar_next_open(c, hi + 1, &v), SVCM_ERANGE);
    /* 9999-12-31 is a Friday: open until 17:00 CET, then nothing in range. */
    assert_int_equal(svcm_calendar_next_open(c, hi - 3 * H, &v), SVCM_ERANGE);
    assert_int_equal(svcm_calendar_add_business_seconds(c, hi - 10 * DAYS, 100 * H, &v),
                     SVCM_ERANGE);
    assert_int_equal(svcm_calendar_add_business_seconds(c, hi + 1, 0, &v), SVCM_ERANGE);
    int64_t s1[1] = {hi + 1}, e1[1] = {0}, out[1] = {42};
    svcm_error_clear(&err);
    assert_int_equal(svcm_calendar_business_seconds_batch(c, s1, e1, 1, out, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "start");
    assert_non_null(strstr(err.message, "0000..9999"));
    int64_t n1[1] = {100 * H};
    s1[0] = hi - 10 * DAYS;
    assert_int_equal(svcm_calendar_add_business_seconds_batch(c, s1, n1, 1, out, &err),
                     SVCM_ERANGE);
    assert_string_equal(err.field, "seconds");
    assert_int_equal(out[0], 42);
    s1[0] = lo - 1;
    assert_int_equal(svcm_calendar_add_business_seconds_batch(c, s1, n1, 1, out, &err),
                     SVCM_ERANGE);
    assert_string_equal(err.field, "start");
    assert_int_equal(err.index, 0);
    assert_int_equal(out[0], 42);
    svcm_calendar_free(c);
}

static void test_zoned_text_round_trips_and_refuses_bad_zone_lines(void **state)
{
    (void)state;
    const char *text = "# Berlin help desk\nZone = " BERLIN "   # CET/CEST\n"
                       "mon = 09:00-17:00\nholiday = 2026-12-25\n";
    svcm_calendar *c = parse_ok(text);
    assert_int_equal(bs(c, at(2026, 3, 27, 16, 0, 60), at(2026, 3, 30, 10, 0, 120)), 1 * H);
    char *t1 = text_of(c);
    assert_string_equal(t1, "zone = " BERLIN "\nmon = 09:00-17:00\ntue = closed\n"
                            "wed = closed\nthu = closed\nfri = closed\nsat = closed\n"
                            "sun = closed\nholiday = 2026-12-25\n");
    svcm_calendar *d = parse_ok(t1);
    char *t2 = text_of(d);
    assert_string_equal(t1, t2);
    assert_int_equal(bs(d, 0, at(2027, 1, 1, 0, 0, 0)), bs(c, 0, at(2027, 1, 1, 0, 0, 0)));
    /* Size query, exact fit, and len required. */
    size_t len = 0, need = strlen(t1);
    char buf[512];
    assert_int_equal(svcm_calendar_format(c, NULL, 0, &len), SVCM_ENOSPC);
    assert_int_equal(len, need);
    memset(buf, 'x', sizeof buf);
    assert_int_equal(svcm_calendar_format(c, buf, need, &len), SVCM_ENOSPC);
    assert_int_equal(buf[0], 'x');
    assert_int_equal(len, need);
    assert_int_equal(svcm_calendar_format(c, buf, need + 1, &len), SVCM_OK);
    assert_int_equal(len, need);
    assert_int_equal(buf[need], '\0');
    assert_int_equal(svcm_calendar_format(c, buf, sizeof buf, NULL), SVCM_EINVAL);
    free(t1);
    free(t2);
    svcm_calendar_free(c);
    svcm_calendar_free(d);

    static const struct {
        const char *text;
        int code;
        size_t line, column;
        const char *field;
    } bad[] = {
        {"zone = " BERLIN "\nutc_offset = +01:00\n", SVCM_EFORMAT, 2, 1, "utc_offset"},
        {"utc_offset = +01:00\nzone = " BERLIN "\n", SVCM_EFORMAT, 2, 1, "zone"},
        {"zone = UTC\nzone = UTC\n", SVCM_EFORMAT, 2, 1, "zone"},
        {"zone =\n", SVCM_EFORMAT, 1, 7, "zone"},
        {"zone = Europe/ Berlin\n", SVCM_EFORMAT, 1, 15, "zone"},
        /* The POSIX parser stops at byte 17 of the rule (the missing end). */
        {"zone = CET-1CEST,M3.5.0\n", SVCM_EFORMAT, 1, 24, "zone"},
        {"mon = closed\n  zone = Nowhere/Atlantis\n", SVCM_ENOTFOUND, 2, 10, "zone"},
    };
    setenv("TZDIR", SVCM_SOURCE_DIR "/tests/data", 1);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        svcm_error err;
        svcm_calendar *x = NULL;
        int rc = svcm_calendar_parse(bad[i].text, strlen(bad[i].text), NULL, &x, &err);
        if (rc != bad[i].code || err.line != bad[i].line || err.column != bad[i].column ||
            strcmp(err.field, bad[i].field) != 0)
            fail_msg("case %zu: rc %d line %zu column %zu field %s: %s", i, rc, err.line,
                     err.column, err.field, err.message);
        assert_null(x);
    }
    unsetenv("TZDIR");
    /* A zone longer than svcm_zone_new() takes (255 bytes). */
    char longz[300];
    memcpy(longz, "zone = ", 7);
    memset(longz + 7, 'A', 256);
    longz[263] = '\n';
    svcm_error err;
    svcm_calendar *x = NULL;
    assert_int_equal(svcm_calendar_parse(longz, 264, NULL, &x, &err), SVCM_EFORMAT);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 8);
    assert_string_equal(err.field, "zone");
    assert_null(x);
}

static void test_allocation_failures_leak_nothing(void **state)
{
    (void)state;
    const char *text = "mon = 09:00-12:00, 13:00-18:00\ntue = 22:00-06:00\n"
                       "holiday = 2026-01-01, 2026-01-02\n";
    for (long f = 1; f < 40; f++) {
        counting k = {0, 0, f};
        svcm_allocator a = {c_alloc, c_realloc, c_free, &k};
        svcm_calendar *c = NULL;
        int rc = svcm_calendar_parse(text, strlen(text), &a, &c, NULL);
        assert_true(rc == SVCM_OK || rc == SVCM_ENOMEM);
        if (rc == SVCM_OK) {
            /* 1970-01-01 was a Thursday: the week from it has Monday's 3 h + 5 h
             * and the Tuesday night shift 22:00-06:00, 8 h. */
            assert_int_equal(bs(c, 0, 7 * DAYS), 16 * H);
            svcm_calendar_free(c);
        } else {
            assert_null(c);
        }
        assert_int_equal(k.live, 0);
    }
    counting k = {0, 0, 0};
    svcm_allocator a = {c_alloc, c_realloc, c_free, &k};
    svcm_calendar_options o;
    svcm_calendar_options_init(&o);
    o.intervals = nine_to_five;
    o.n_intervals = 5;
    svcm_calendar *c = NULL;
    assert_int_equal(svcm_calendar_new(&o, &a, &c, NULL), SVCM_OK);
    assert_true(k.live > 0);
    svcm_calendar_free(c);
    assert_int_equal(k.live, 0);
}

static void test_zoned_allocation_failures_leak_nothing(void **state)
{
    (void)state;
    const char *text = "zone = " BERLIN "\nmon = 09:00-17:00\nfri = 09:00-17:00\n";
    bool succeeded = false;
    for (long f = 1; f < 40; f++) {
        for (int via_new = 0; via_new < 2; via_new++) {
            counting k = {0, 0, f};
            svcm_allocator a = {c_alloc, c_realloc, c_free, &k};
            svcm_calendar *c = NULL;
            int rc;
            if (via_new) {
                svcm_calendar_options o;
                svcm_calendar_options_init(&o);
                o.zone = BERLIN;
                o.intervals = nine_to_five;
                o.n_intervals = 5;
                rc = svcm_calendar_new(&o, &a, &c, NULL);
            } else {
                rc = svcm_calendar_parse(text, strlen(text), &a, &c, NULL);
            }
            assert_true(rc == SVCM_OK || rc == SVCM_ENOMEM);
            if (rc == SVCM_OK) {
                succeeded = true;
                assert_int_equal(bs(c, at(2026, 3, 27, 16, 0, 60), at(2026, 3, 30, 10, 0, 120)),
                                 2 * H);
                svcm_calendar_free(c);
            } else {
                assert_null(c);
            }
            assert_int_equal(k.live, 0);
        }
    }
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_from_civil_matches_hinnant_and_python),
        cmocka_unit_test(test_days_from_civil_agrees_with_year_counting_over_millennia),
        cmocka_unit_test(test_days_from_civil_rejects_invalid_dates),
        cmocka_unit_test(test_nine_to_five_over_a_weekend),
        cmocka_unit_test(test_open_and_close_instants_are_half_open),
        cmocka_unit_test(test_holiday_closes_the_whole_local_day),
        cmocka_unit_test(test_holiday_on_a_weekend_removes_nothing),
        cmocka_unit_test(test_overnight_shift_runs_into_the_next_day),
        cmocka_unit_test(test_sunday_night_shift_wraps_into_monday),
        cmocka_unit_test(test_days_with_zero_hours_and_a_calendar_never_open),
        cmocka_unit_test(test_negative_and_fractional_utc_offsets),
        cmocka_unit_test(test_dates_far_from_1970),
        cmocka_unit_test(test_random_short_spans_match_a_second_by_second_count),
        cmocka_unit_test(test_random_multi_year_spans_match_a_minute_by_minute_count),
        cmocka_unit_test(test_add_business_seconds_inverts_the_count),
        cmocka_unit_test(test_batch_forms_equal_the_scalar_calls),
        cmocka_unit_test(test_new_rejects_bad_schedules_with_the_interval_index),
        cmocka_unit_test(test_new_rejects_bad_offsets_holidays_and_pointers),
        cmocka_unit_test(test_queries_reject_null_and_out_of_range_instants),
        cmocka_unit_test(test_next_open_reaches_the_last_instant_of_the_range),
        cmocka_unit_test(test_size_max_counts_are_refused_before_reading),
        cmocka_unit_test(test_parse_reads_the_documented_example),
        cmocka_unit_test(test_to_text_round_trips_seconds_midnight_and_negative_years),
        cmocka_unit_test(test_parse_errors_give_the_line_and_reason),
        cmocka_unit_test(test_parse_survives_random_text),
        cmocka_unit_test(test_parse_refuses_invalid_utf8_with_line_and_column),
        cmocka_unit_test(test_parse_accepts_utf8_comments_and_quotes_keys_whole),
        cmocka_unit_test(test_allocation_failures_leak_nothing),
        cmocka_unit_test(test_zoned_berlin_rule_is_exact_across_changeovers),
        cmocka_unit_test(test_zoned_berlin_iana_name_when_tzdata_is_installed),
        cmocka_unit_test(test_zoned_gap_hours_vanish_and_repeated_hours_count_twice),
        cmocka_unit_test(test_zoned_sydney_southern_rule),
        cmocka_unit_test(test_zoned_random_calendars_match_a_minute_by_minute_count),
        cmocka_unit_test(test_zoned_year_spans_are_fast_and_add_up),
        cmocka_unit_test(test_zoned_fixed_offset_equals_utc_offset),
        cmocka_unit_test(test_zoned_new_refuses_bad_zones_and_ranges),
        cmocka_unit_test(test_zoned_text_round_trips_and_refuses_bad_zone_lines),
        cmocka_unit_test(test_zoned_allocation_failures_leak_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
