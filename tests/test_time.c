/* Tests of src/time.c (civil dates, local <-> UTC) and src/timefmt.c (the
 * timestamp parser). Expected instants marked "python" were computed with
 * CPython 3.11: datetime.fromisoformat(s).replace(tzinfo=timezone.utc)
 * .timestamp() (or ZoneInfo(...) for zoned ones). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/time.h"

/* ---------------------------------------------------------------- civil */

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Walks the calendar day by day from 0000-01-01 (day -719528: 719162 days
 * from 0001-01-01 to 1970 by python's date.toordinal, plus the 366 days of
 * the leap year 0), an algorithm independent of the library's closed form. */
static void test_from_civil_matches_day_by_day_walk(void **state)
{
    (void)state;
    int64_t day = -719528;
    for (int y = 0; y <= 9999; y++) {
        for (int m = 1; m <= 12; m++) {
            static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            int n = dim[m - 1] + (m == 2 && leap(y));
            assert_int_equal(svcm_time_days_in_month(y, m), n);
            for (int d = 1; d <= n; d++, day++) {
                if (d != 1 && d != n && d != 15)
                    continue;
                svcm_civil c = {y, (uint8_t)m, (uint8_t)d, 0, 0, 0, 0};
                int64_t t = 0;
                assert_int_equal(svcm_time_from_civil(&c, &t, NULL), SVCM_OK);
                assert_int_equal(t, day * 86400);
                svcm_civil back;
                assert_int_equal(svcm_time_to_civil(t + 86399, &back), SVCM_OK);
                assert_int_equal(back.year, y);
                assert_int_equal(back.month, m);
                assert_int_equal(back.day, d);
                assert_int_equal(back.hour, 23);
                assert_int_equal(back.second, 59);
                /* 1970-01-01 (day 0) was a Thursday */
                assert_int_equal(back.weekday, (int)(((day % 7) + 7 + 4) % 7));
            }
        }
    }
    assert_int_equal(day, 2932897); /* 10000-01-01 */
}

static void test_civil_known_instants_and_weekday(void **state)
{
    (void)state;
    svcm_civil c;
    /* python: 2026-03-29 -> 1774742400, a Sunday (weekday() == 6) */
    assert_int_equal(svcm_time_to_civil(1774742400, &c), SVCM_OK);
    assert_int_equal(c.year, 2026);
    assert_int_equal(c.month, 3);
    assert_int_equal(c.day, 29);
    assert_int_equal(c.weekday, 0);
    assert_int_equal(svcm_time_to_civil(-1, &c), SVCM_OK);
    assert_int_equal(c.year, 1969);
    assert_int_equal(c.hour, 23);
    assert_int_equal(svcm_time_to_civil(253402300799 + 1, &c), SVCM_ERANGE);
    assert_int_equal(svcm_time_to_civil(-62167219200 - 1, &c), SVCM_ERANGE);
    assert_int_equal(svcm_time_to_civil(0, NULL), SVCM_EINVAL);
}

static void test_from_civil_refuses_each_bad_field(void **state)
{
    (void)state;
    static const struct {
        svcm_civil c;
        const char *field;
    } bad[] = {
        {{10000, 1, 1, 0, 0, 0, 0}, "year"},  {{-1, 1, 1, 0, 0, 0, 0}, "year"},
        {{2026, 13, 1, 0, 0, 0, 0}, "month"}, {{2026, 0, 1, 0, 0, 0, 0}, "month"},
        {{2026, 2, 29, 0, 0, 0, 0}, "day"},   {{2026, 4, 31, 0, 0, 0, 0}, "day"},
        {{2026, 1, 0, 0, 0, 0, 0}, "day"},    {{2026, 1, 1, 24, 0, 0, 0}, "hour"},
        {{2026, 1, 1, 0, 60, 0, 0}, "minute"}, {{2026, 1, 1, 0, 0, 60, 0}, "second"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        svcm_error err;
        int64_t t = 42;
        assert_int_equal(svcm_time_from_civil(&bad[i].c, &t, &err), SVCM_EINVAL);
        assert_string_equal(err.field, bad[i].field);
        assert_int_equal(t, 42);
    }
    svcm_civil leapday = {2024, 2, 29, 0, 0, 0, 0};
    int64_t t;
    assert_int_equal(svcm_time_from_civil(&leapday, &t, NULL), SVCM_OK);
    assert_int_equal(svcm_time_from_civil(NULL, &t, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_time_from_civil(&leapday, NULL, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_time_days_in_month(2026, 13), 0);
    assert_int_equal(svcm_time_days_in_month(1900, 2), 28);
    assert_int_equal(svcm_time_days_in_month(2000, 2), 29);
}

/* --------------------------------------------------------------- parser */

static int parse(const char *text, const svcm_time_options *o, const svcm_zone *z,
                 int64_t *s, int32_t *ns, svcm_error *err)
{
    return svcm_time_parse(text, strlen(text), o, z, s, ns, err);
}

static void expect(const char *text, const char *fmt, const svcm_zone *z, int64_t want,
                   int32_t want_ns)
{
    svcm_time_options o;
    svcm_time_options_init(&o);
    o.format = fmt;
    int64_t s = 0;
    int32_t ns = -1;
    svcm_error err;
    int rc = parse(text, &o, z, &s, &ns, &err);
    if (rc != SVCM_OK || s != want || ns != want_ns) {
        print_error("'%s' (%s): rc %d (%s col %zu), got %lld.%09d want %lld.%09d\n", text,
                    fmt ? fmt : "ISO", rc, rc ? err.message : "", rc ? err.column : 0,
                    (long long)s, (int)ns, (long long)want, (int)want_ns);
        fail();
    }
}

/* The ISO 8601 / RFC 3339 forms; expected values: python (see top). */
static void test_iso_forms(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t s;
        int32_t ns;
    } ok[] = {
        {"2026-03-29", 1774742400, 0},
        {"2026-03-29T12:34", 1774787640, 0},
        {"2026-03-29 12:34:56", 1774787696, 0},
        {"2026-03-29t12:34:56z", 1774787696, 0},
        {"2026-03-29T12:34:56Z", 1774787696, 0},
        {"2026-03-29T12:34:56+08:00", 1774758896, 0},
        {"2026-03-29T12:34:56+0800", 1774758896, 0},
        {"2026-03-29T12:34:56+08", 1774758896, 0},
        {"2026-03-29T12:34:56-05:30", 1774807496, 0},
        {"2026-03-29T12:34:56-00:00", 1774787696, 0},
        {"2026-03-29T12:34:56.5Z", 1774787696, 500000000},
        {"2026-03-29T12:34:56,5Z", 1774787696, 500000000},
        {"2026-03-29T12:34:56.000", 1774787696, 0},
        {"2026-03-29T12:34:56.123456789123", 1774787696, 123456789},
        {"2026-03-29T12:34:56.000001+08:00", 1774758896, 1000},
        {"20260329T123456Z", 1774787696, 0},
        {"20260329T1234+0800", 1774758840, 0},
        {"20260329T123456.25", 1774787696, 250000000},
        {"  2026-03-29T12:34:56Z\t", 1774787696, 0},
        {"1969-12-31T23:59:59Z", -1, 0},
        {"0000-01-01T00:00:00Z", -62167219200, 0},
        {"9999-12-31T23:59:59Z", 253402300799, 0},
        {"2016-02-29", 1456704000, 0},
        /* leap second: 23:59:60 is one second after 23:59:59 */
        {"2016-12-31T23:59:60Z", 1483228800, 0},
        {"2016-12-31T23:59:60.5Z", 1483228800, 500000000},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        expect(ok[i].text, NULL, NULL, ok[i].s, ok[i].ns);
}

/* Layouts of real exported files; expected values: python (see top). */
static void test_format_layouts_from_exports(void **state)
{
    (void)state;
    expect("12/25/2013 11:59:08 PM", "%m/%d/%Y %I:%M:%S %p", NULL, 1388015948, 0);
    expect("12/25/2013 12:00:00 am", "%m/%d/%Y %I:%M:%S %p", NULL, 1387929600, 0);
    expect("12/25/2013 12:00:00 PM", "%m/%d/%Y %I:%M:%S %p", NULL, 1387972800, 0);
    expect("29-02-2016 01:16", "%d-%m-%Y %H:%M", NULL, 1456708560, 0);
    expect("990201", "%y%m%d", NULL, 917827200, 0);
    expect("01/12/2010 08:26", "%d/%m/%Y %H:%M", NULL, 1291191960, 0);
    expect("2026-02-18 7:02:47", "%Y-%m-%d %H:%M:%S", NULL, 1771398167, 0);
    expect("2026-2-18   7:2:47", "%Y-%m-%d %H:%M:%S", NULL, 1771398167, 0);
    expect("2025-10-14T01:51:17.000", "%Y-%m-%dT%H:%M:%S.%f", NULL, 1760406677, 0);
    expect("18 feb 2026 07:02:47 UTC", "%d %b %Y %H:%M:%S %Z", NULL, 1771398167, 0);
    expect("February 18, 2026", "%B %d, %Y", NULL, 1771372800, 0);
    expect("Feb  8 2026", "%b %e %Y", NULL, 1770508800, 0);
    expect("2024-366", "%Y-%j", NULL, 1735603200, 0);
    expect("2026-03-29 12:34:56 +0800", "%Y-%m-%d %H:%M:%S %z", NULL, 1774758896, 0);
    expect("100% 2026", "100%% %Y", NULL, 1767225600, 0);
    /* %y pivot (POSIX): 69 -> 1969, 68 -> 2068 */
    expect("690101", "%y%m%d", NULL, -31536000, 0);
    expect("680101", "%y%m%d", NULL, 3092601600, 0);
}

static void expect_fail(const char *text, const char *fmt, int code, size_t column,
                        const char *field)
{
    svcm_time_options o;
    svcm_time_options_init(&o);
    o.format = fmt;
    int64_t s = 77;
    int32_t ns = 77;
    svcm_error err;
    int rc = parse(text, &o, NULL, &s, &ns, &err);
    if (rc != code || err.column != column || strcmp(err.field, field) != 0 || s != 77 ||
        ns != 77) {
        print_error("'%s': rc %d col %zu field %s (%s); want %d col %zu field %s\n", text, rc,
                    err.column, err.field, err.message, code, column, field);
        fail();
    }
    assert_int_equal(err.line, 0);
}

static void test_refusals_give_the_column(void **state)
{
    (void)state;
    expect_fail("20260218", NULL, SVCM_EFORMAT, 1, "time");
    expect_fail("01/02/2010", NULL, SVCM_EFORMAT, 3, "time");
    expect_fail("2026-02-30", NULL, SVCM_EFORMAT, 9, "time");
    expect_fail("2026-02-29", NULL, SVCM_EFORMAT, 9, "time");
    expect_fail("2026-13-01", NULL, SVCM_EFORMAT, 6, "time");
    expect_fail("2026-03-29T24:00", NULL, SVCM_EFORMAT, 12, "time");
    expect_fail("2026-03-29T12:60", NULL, SVCM_EFORMAT, 15, "time");
    expect_fail("2026-03-29T12:00:61", NULL, SVCM_EFORMAT, 18, "time");
    expect_fail("2026-03-29T12:00:00Zjunk", NULL, SVCM_EFORMAT, 21, "time");
}

static void test_refusals_more(void **state)
{
    (void)state;
    expect_fail("2026-03-29x", NULL, SVCM_EFORMAT, 11, "time");
    expect_fail("2026-03-29T12", NULL, SVCM_EFORMAT, 14, "time");
    expect_fail("2026-03-29T12:00:00.", NULL, SVCM_EFORMAT, 21, "time");
    expect_fail("2026-03-29T12:00+24:00", NULL, SVCM_EFORMAT, 17, "time");
    expect_fail("2026-03-29T12:00+8", NULL, SVCM_EFORMAT, 17, "time");
    expect_fail("", NULL, SVCM_EFORMAT, 1, "time");
    expect_fail("   ", NULL, SVCM_EFORMAT, 4, "time");
    expect_fail("13/25/2013 11:59:08 PM", "%m/%d/%Y %I:%M:%S %p", SVCM_EFORMAT, 1, "%m");
    expect_fail("12/25/2013 13:59:08 PM", "%m/%d/%Y %I:%M:%S %p", SVCM_EFORMAT, 12, "%I");
    expect_fail("12/25/2013 11:59:08 XM", "%m/%d/%Y %I:%M:%S %p", SVCM_EFORMAT, 21, "%p");
    expect_fail("30-02-2016 01:16", "%d-%m-%Y %H:%M", SVCM_EFORMAT, 1, "%d");
    expect_fail("29-02-2016T01:16", "%d-%m-%Y %H:%M", SVCM_EFORMAT, 11, "time");
    expect_fail("29-02-16 01:16", "%d-%m-%Y %H:%M", SVCM_EFORMAT, 7, "%Y");
    expect_fail("2026 Foo", "%Y %b", SVCM_EFORMAT, 6, "%b");
    expect_fail("2026 CET", "%Y %Z", SVCM_EFORMAT, 6, "%Z");
    expect_fail("2025-366", "%Y-%j", SVCM_EFORMAT, 6, "%j");
    expect_fail("2026 x", "%Y x!", SVCM_EFORMAT, 7, "time");
    expect_fail("2026", "%Y %H", SVCM_EFORMAT, 5, "time");
    expect_fail("2026 12", "%Y %H:%M", SVCM_EFORMAT, 8, "time");
}

/* The message of a non-ISO layout lists what to choose from. */
static void test_non_iso_message_lists_the_choices(void **state)
{
    (void)state;
    const char *texts[] = {"20260218", "01/02/2010", "2026/02/18", "Feb 18 2026"};
    for (size_t i = 0; i < 4; i++) {
        svcm_error err;
        int64_t s;
        assert_int_equal(parse(texts[i], NULL, NULL, &s, NULL, &err), SVCM_EFORMAT);
        assert_non_null(strstr(err.message, "ISO 8601"));
        assert_non_null(strstr(err.message, "format string"));
        assert_non_null(strstr(err.message, "epoch s|ms"));
    }
}

static void test_bad_options_are_einval(void **state)
{
    (void)state;
    static const struct {
        const char *fmt;
        const char *field;
        size_t column;
    } bad[] = {
        {"%H:%M:%S", "format", 0}, /* time only */
        {"%m/%d", "format", 0},
        {"%Y %I:%M", "format", 0},   /* %I without %p */
        {"%Y %H %p", "format", 0},   /* %p without %I */
        {"%Y %H %I %p", "format", 0},
        {"%Y-%j-%m", "format", 0},
        {"%Y %q", "format", 5},
        {"%Y %", "format", 5},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        svcm_time_options o;
        svcm_time_options_init(&o);
        o.format = bad[i].fmt;
        svcm_error err;
        int64_t s;
        assert_int_equal(parse("2026", &o, NULL, &s, NULL, &err), SVCM_EINVAL);
        assert_string_equal(err.field, bad[i].field);
        assert_int_equal(err.column, bad[i].column);
    }
    svcm_time_options o;
    svcm_time_options_init(&o);
    o.format = "%Y";
    o.epoch = SVCM_TIME_EPOCH_S;
    svcm_error err;
    int64_t s;
    assert_int_equal(parse("1", &o, NULL, &s, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "epoch");
    o.format = NULL;
    o.epoch = (svcm_time_epoch)7;
    assert_int_equal(parse("1", &o, NULL, &s, NULL, &err), SVCM_EINVAL);
    o.epoch = SVCM_TIME_EPOCH_NONE;
    o.ambiguous = (svcm_time_ambiguous)9;
    assert_int_equal(parse("2026-01-01", &o, NULL, &s, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "ambiguous");
    assert_int_equal(svcm_time_parse("x", 1, NULL, NULL, NULL, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_time_parse(NULL, 1, NULL, NULL, &s, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_time_parse(NULL, 0, NULL, NULL, &s, NULL, &err), SVCM_EFORMAT);
    assert_int_equal(svcm_time_parse("2026-01-01\0", 11, NULL, NULL, &s, NULL, &err),
                     SVCM_EFORMAT);
    svcm_time_options_init(NULL);
}

static void epoch_case(svcm_time_epoch unit, const char *text, int rc_want, int64_t s_want,
                       int32_t ns_want)
{
    svcm_time_options o;
    svcm_time_options_init(&o);
    o.epoch = unit;
    int64_t s = 0;
    int32_t ns = 0;
    int rc = parse(text, &o, NULL, &s, &ns, NULL);
    if (rc != rc_want || (rc == SVCM_OK && (s != s_want || ns != ns_want))) {
        print_error("epoch '%s': rc %d %lld.%09d\n", text, rc, (long long)s, (int)ns);
        fail();
    }
}

/* Negative values floor: -1.5 s is -2 s + 0.5 s. */
static void test_epoch_seconds_and_milliseconds(void **state)
{
    (void)state;
    epoch_case(SVCM_TIME_EPOCH_S, "1700000000", SVCM_OK, 1700000000, 0);
    epoch_case(SVCM_TIME_EPOCH_S, "+1700000000.25", SVCM_OK, 1700000000, 250000000);
    epoch_case(SVCM_TIME_EPOCH_S, "-1.5", SVCM_OK, -2, 500000000);
    epoch_case(SVCM_TIME_EPOCH_S, "-7", SVCM_OK, -7, 0);
    epoch_case(SVCM_TIME_EPOCH_S, "9223372036854775807", SVCM_OK, INT64_MAX, 0);
    epoch_case(SVCM_TIME_EPOCH_S, "9223372036854775808", SVCM_ERANGE, 0, 0);
    epoch_case(SVCM_TIME_EPOCH_MS, "1700000000123", SVCM_OK, 1700000000, 123000000);
    epoch_case(SVCM_TIME_EPOCH_MS, "1700000000123.5", SVCM_OK, 1700000000, 123500000);
    epoch_case(SVCM_TIME_EPOCH_MS, "-1", SVCM_OK, -1, 999000000);
    epoch_case(SVCM_TIME_EPOCH_MS, "-1000", SVCM_OK, -1, 0);
    epoch_case(SVCM_TIME_EPOCH_MS, "18446744073709551615", SVCM_OK, 18446744073709551, 615000000);
    epoch_case(SVCM_TIME_EPOCH_MS, "18446744073709551616", SVCM_ERANGE, 0, 0);
    epoch_case(SVCM_TIME_EPOCH_S, "12a", SVCM_EFORMAT, 0, 0);
    epoch_case(SVCM_TIME_EPOCH_S, "-", SVCM_EFORMAT, 0, 0);
    epoch_case(SVCM_TIME_EPOCH_S, "1.", SVCM_EFORMAT, 0, 0);
    epoch_case(SVCM_TIME_EPOCH_S, "2026-01-01", SVCM_EFORMAT, 0, 0);
}

/* ------------------------------------------------------------ zones */

#define BERLIN_RULE "CET-1CEST,M3.5.0,M10.5.0/3"

static svcm_zone *zone(const char *spec)
{
    svcm_zone *z = NULL;
    svcm_error err;
    int rc = svcm_zone_new(spec, NULL, &z, &err);
    if (rc != SVCM_OK) {
        print_error("zone '%s': %s\n", spec, err.message);
        fail();
    }
    return z;
}

/* A text without offset is local time of the zone; python (ZoneInfo
 * "Europe/Berlin"): 2025-10-14 01:51:17 -> 1760399477. */
static void test_parse_in_a_zone(void **state)
{
    (void)state;
    svcm_zone *z = zone(BERLIN_RULE);
    expect("2025-10-14T01:51:17.000", NULL, z, 1760399477, 0);
    expect("2025-10-14T01:51:17.000", "%Y-%m-%dT%H:%M:%S.%f", z, 1760399477, 0);
    /* an offset in the text wins over the zone */
    expect("2025-10-14T01:51:17Z", NULL, z, 1760406677, 0);
    /* python fold=0 / fold=1 of 02:30 on 2026-03-29 (gap) and 2026-10-25 (repeat) */
    expect("2026-03-29 02:30", NULL, z, 1774747800, 0);
    expect("2026-10-25 02:30", NULL, z, 1792888200, 0);
    svcm_time_options o;
    svcm_time_options_init(&o);
    o.ambiguous = SVCM_TIME_AMBIGUOUS_LATER;
    int64_t s;
    assert_int_equal(parse("2026-03-29 02:30", &o, z, &s, NULL, NULL), SVCM_OK);
    assert_int_equal(s, 1774744200);
    assert_int_equal(parse("2026-10-25 02:30", &o, z, &s, NULL, NULL), SVCM_OK);
    assert_int_equal(s, 1792891800);
    o.ambiguous = SVCM_TIME_AMBIGUOUS_ERROR;
    svcm_error err;
    assert_int_equal(parse("2026-03-29 02:30", &o, z, &s, NULL, &err), SVCM_EINVAL);
    assert_non_null(strstr(err.message, "does not exist"));
    assert_int_equal(parse("2026-10-25 02:30", &o, z, &s, NULL, &err), SVCM_EINVAL);
    assert_non_null(strstr(err.message, "is ambiguous"));
    assert_int_equal(parse("2026-07-01 12:00", &o, z, &s, NULL, &err), SVCM_OK);
    assert_int_equal(s, 1782900000);
    svcm_zone_free(z);
}

/* to_local and from_local are inverse away from transitions: every hour
 * of 2026 and several zones. */
static void test_to_local_from_local_round_trip(void **state)
{
    (void)state;
    const char *specs[] = {BERLIN_RULE, "EST5EDT,M3.2.0,M11.1.0", "UTC", "+05:45",
                           "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"};
    for (size_t k = 0; k < 5; k++) {
        svcm_zone *z = zone(specs[k]);
        for (int64_t t = 1767225600; t < 1767225600 + 365 * 86400; t += 3600) {
            svcm_civil c;
            int32_t off;
            assert_int_equal(svcm_zone_to_local(z, t, &c, &off), SVCM_OK);
            int64_t back_e, back_l;
            assert_int_equal(svcm_zone_from_local(z, &c, SVCM_TIME_AMBIGUOUS_EARLIER, &back_e, NULL),
                             SVCM_OK);
            assert_int_equal(svcm_zone_from_local(z, &c, SVCM_TIME_AMBIGUOUS_LATER, &back_l, NULL),
                             SVCM_OK);
            assert_true(back_e == t || back_l == t);
            assert_true(back_e <= back_l);
        }
        svcm_zone_free(z);
    }
}

static void test_from_local_refuses_bad_input(void **state)
{
    (void)state;
    svcm_zone *z = zone("UTC");
    svcm_civil c = {2026, 2, 30, 0, 0, 0, 0};
    int64_t t;
    svcm_error err;
    assert_int_equal(svcm_zone_from_local(z, &c, SVCM_TIME_AMBIGUOUS_EARLIER, &t, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "day");
    c.day = 1;
    assert_int_equal(svcm_zone_from_local(z, &c, (svcm_time_ambiguous)5, &t, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "ambiguous");
    assert_int_equal(svcm_zone_from_local(NULL, &c, SVCM_TIME_AMBIGUOUS_EARLIER, &t, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_zone_from_local(z, NULL, SVCM_TIME_AMBIGUOUS_EARLIER, &t, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_zone_to_local(z, 0, NULL, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_zone_to_local(NULL, 0, &c, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_zone_to_local(z, INT64_MAX, &c, NULL), SVCM_ERANGE);
    svcm_zone_free(z);
    z = zone("-01:00");
    assert_int_equal(svcm_zone_to_local(z, INT64_MIN, &c, NULL), SVCM_ERANGE);
    assert_int_equal(svcm_zone_to_local(z, 3600, &c, NULL), SVCM_OK);
    assert_int_equal(c.hour, 0);
    svcm_zone_free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_civil_matches_day_by_day_walk),
        cmocka_unit_test(test_civil_known_instants_and_weekday),
        cmocka_unit_test(test_from_civil_refuses_each_bad_field),
        cmocka_unit_test(test_iso_forms),
        cmocka_unit_test(test_format_layouts_from_exports),
        cmocka_unit_test(test_refusals_give_the_column),
        cmocka_unit_test(test_refusals_more),
        cmocka_unit_test(test_non_iso_message_lists_the_choices),
        cmocka_unit_test(test_bad_options_are_einval),
        cmocka_unit_test(test_epoch_seconds_and_milliseconds),
        cmocka_unit_test(test_parse_in_a_zone),
        cmocka_unit_test(test_to_local_from_local_round_trip),
        cmocka_unit_test(test_from_local_refuses_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
