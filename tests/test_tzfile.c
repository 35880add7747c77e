/* Tests of src/tzfile.c: zones from specs, POSIX TZ rules, TZif bytes (built
 * here by a small writer following RFC 8536 §3) and the system's zone files.
 * Expected offsets marked "zoneinfo" were obtained with CPython 3.11's
 * zoneinfo (tzdata 2025b): datetime.fromtimestamp(t, timezone.utc)
 * .astimezone(ZoneInfo(name)).utcoffset(), .dst() and .tzname(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/time.h"

#define BERLIN_RULE "CET-1CEST,M3.5.0,M10.5.0/3"
#define NY_RULE "EST5EDT,M3.2.0,M11.1.0"

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

typedef struct want {
    int64_t t;
    int32_t off;
    int dst;
    const char *abbr;
} want;

static void check_offsets(const svcm_zone *z, const want *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int32_t off = 0;
        int dst = -1;
        assert_int_equal(svcm_zone_offset(z, w[i].t, &off, &dst), SVCM_OK);
        if (off != w[i].off || dst != w[i].dst || strcmp(svcm_zone_abbrev(z, w[i].t), w[i].abbr)) {
            print_error("%s at %lld: %d %d %s, want %d %d %s\n", svcm_zone_name(z),
                        (long long)w[i].t, off, dst, svcm_zone_abbrev(z, w[i].t), w[i].off,
                        w[i].dst, w[i].abbr);
            fail();
        }
    }
}

/* zoneinfo values around the 2026 transitions and in 2100 (footer rule). */
static const want berlin[] = {
    {1774745999, 3600, 0, "CET"},  {1774746000, 7200, 1, "CEST"}, /* 2026-03-29 01:00Z */
    {1792889999, 7200, 1, "CEST"}, {1792890000, 3600, 0, "CET"},  /* 2026-10-25 01:00Z */
    {4118083200, 7200, 1, "CEST"}, {4102444800, 3600, 0, "CET"},  /* 2100 */
};
static const want new_york[] = {
    {1772953199, -18000, 0, "EST"}, {1772953200, -14400, 1, "EDT"}, /* 2026-03-08 07:00Z */
    {1793512799, -14400, 1, "EDT"}, {1793512800, -18000, 0, "EST"}, /* 2026-11-01 06:00Z */
    {4118083200, -14400, 1, "EDT"},
};
/* Lord Howe: 30-minute DST, southern hemisphere. */
static const want lord_howe[] = {
    {1775314799, 39600, 1, "+11"}, {1775314800, 37800, 0, "+1030"}, /* 2026-04-04 15:00Z */
    {1791041399, 37800, 0, "+1030"}, {1791041400, 39600, 1, "+11"}, /* 2026-10-03 15:30Z */
    {4102444800, 39600, 1, "+11"},
};
static const want sydney[] = {
    {1775318399, 39600, 1, "AEDT"}, {1775318400, 36000, 0, "AEST"},
    {1791043199, 36000, 0, "AEST"}, {1791043200, 39600, 1, "AEDT"},
    {1782864000, 36000, 0, "AEST"}, {4102444800, 39600, 1, "AEDT"},
};

static void test_posix_rules_match_zoneinfo(void **state)
{
    (void)state;
    svcm_zone *z = zone(BERLIN_RULE);
    check_offsets(z, berlin, sizeof berlin / sizeof berlin[0]);
    svcm_zone_free(z);
    z = zone(NY_RULE);
    check_offsets(z, new_york, sizeof new_york / sizeof new_york[0]);
    svcm_zone_free(z);
    z = zone("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
    check_offsets(z, lord_howe, sizeof lord_howe / sizeof lord_howe[0]);
    svcm_zone_free(z);
    z = zone("AEST-10AEDT,M10.1.0,M4.1.0/3");
    check_offsets(z, sydney, sizeof sydney / sizeof sydney[0]);
    svcm_zone_free(z);
}

/* Rules repeat every 400 years (146097 days, a whole number of weeks). */
static void test_posix_rule_far_instants(void **state)
{
    (void)state;
    svcm_zone *z = zone(BERLIN_RULE);
    const int64_t period = INT64_C(146097) * 86400;
    for (int64_t k = 1; k < 60000000; k *= 7) {
        int32_t a, b;
        assert_int_equal(svcm_zone_offset(z, 1774746000 + k * period, &a, NULL), SVCM_OK);
        assert_int_equal(svcm_zone_offset(z, 1774745999 - k * period, &b, NULL), SVCM_OK);
        assert_int_equal(a, 7200);
        assert_int_equal(b, 3600);
    }
    int32_t off;
    assert_int_equal(svcm_zone_offset(z, INT64_MAX, &off, NULL), SVCM_OK);
    assert_int_equal(svcm_zone_offset(z, INT64_MIN, &off, NULL), SVCM_OK);
    assert_int_equal(svcm_zone_offset(NULL, 0, &off, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_zone_offset(z, 0, NULL, NULL), SVCM_EINVAL);
    svcm_zone_free(z);
}

/* RFC 8536 §3.3.1 extensions and the Jn / n forms. The expected instants
 * are worked by hand from the rule text. */
static void test_posix_rule_extensions(void **state)
{
    (void)state;
    int32_t off;
    int dst;
    /* DST all year (RFC 8536 §3.3.1 example): Jan 1 00:00 to Dec 31 25:00 */
    svcm_zone *z = zone("EST5EDT4,0/0,J365/25");
    for (int64_t t = 1735689600; t < 1830297600; t += 86400 * 7) { /* 2025..2027 */
        assert_int_equal(svcm_zone_offset(z, t, &off, &dst), SVCM_OK);
        assert_int_equal(off, -14400);
        assert_int_equal(dst, 1);
    }
    svcm_zone_free(z);
    /* Greenland (tzdata footer): M3.5.0/-1 is Saturday 23:00 local (-02),
     * i.e. 2026-03-29 01:00Z; M10.5.0/0 is Sunday 00:00 local (-01), i.e.
     * 2026-10-25 01:00Z. */
    z = zone("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
    want g[] = {{1774745999, -7200, 0, "-02"}, {1774746000, -3600, 1, "-01"},
                {1792889999, -3600, 1, "-01"}, {1792890000, -7200, 0, "-02"}};
    check_offsets(z, g, 4);
    svcm_zone_free(z);
    /* J60 is March 1 even in leap years; 59 (zero-based) is Feb 29 in 2024.
     * 2024-03-01 02:00 local (+0) = 1709258400; 2024-02-29 02:00 = 1709172000. */
    z = zone("AAA0BBB,J60,J300");
    want j[] = {{1709258399, 0, 0, "AAA"}, {1709258400, 3600, 1, "BBB"}};
    check_offsets(z, j, 2);
    svcm_zone_free(z);
    z = zone("AAA0BBB,59,300");
    want d[] = {{1709171999, 0, 0, "AAA"}, {1709172000, 3600, 1, "BBB"}};
    check_offsets(z, d, 2);
    svcm_zone_free(z);
    /* <+08>-8: fixed, quoted abbreviation */
    z = zone("<+08>-8");
    want f[] = {{0, 28800, 0, "+08"}, {4102444800, 28800, 0, "+08"}};
    check_offsets(z, f, 2);
    svcm_zone_free(z);
}

static void test_fixed_and_utc_specs(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        int32_t off;
        const char *abbr;
    } ok[] = {
        {"UTC", 0, "UTC"},        {"utc", 0, "UTC"},         {"+08:00", 28800, "+08:00"},
        {"+0800", 28800, "+08:00"}, {"+08", 28800, "+08:00"}, {"-0530", -19800, "-05:30"},
        {"-00:00", 0, "+00:00"},  {"+23:59", 86340, "+23:59"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        svcm_zone *z = zone(ok[i].spec);
        want w = {1774746000, ok[i].off, 0, ok[i].abbr};
        if (strcmp(ok[i].spec, "-00:00") == 0)
            w.abbr = "-00:00";
        check_offsets(z, &w, 1);
        assert_string_equal(svcm_zone_name(z), ok[i].spec);
        svcm_zone_free(z);
    }
    assert_string_equal(svcm_zone_name(NULL), "");
    assert_string_equal(svcm_zone_abbrev(NULL, 0), "");
    svcm_zone_free(NULL);
}

static void refuse(const char *spec, int code, const char *field, size_t column)
{
    svcm_zone *z = (svcm_zone *)&z;
    svcm_error err;
    int rc = svcm_zone_new(spec, NULL, &z, &err);
    if (rc != code || strcmp(err.field, field) != 0 || err.column != column ||
        z != (svcm_zone *)&z) {
        print_error("spec '%s': rc %d field %s col %zu (%s)\n", spec ? spec : "(null)", rc,
                    err.field, err.column, err.message);
        fail();
    }
}

static void test_bad_specs_are_refused(void **state)
{
    (void)state;
    refuse(NULL, SVCM_EINVAL, "spec", 0);
    refuse("", SVCM_EINVAL, "spec", 0);
    refuse("+24:00", SVCM_EFORMAT, "spec", 0);
    refuse("+8", SVCM_EFORMAT, "spec", 0);
    refuse("+08:60", SVCM_EFORMAT, "spec", 0);
    refuse("+08:00x", SVCM_EFORMAT, "spec", 0);
    refuse("../etc/passwd", SVCM_EFORMAT, "spec", 1);
    refuse("/etc/passwd", SVCM_EFORMAT, "spec", 1);
    refuse("Europe/../../etc/passwd", SVCM_EFORMAT, "spec", 7);
    refuse("Europe/./Berlin", SVCM_EFORMAT, "spec", 7);
    refuse("Europe//Berlin", SVCM_EFORMAT, "spec", 7);
    refuse("No_Such/Zone_Here", SVCM_ENOTFOUND, "spec", 0);
    /* POSIX strings: the column is where parsing stopped */
    refuse("CET-1CEST,M3.5.0", SVCM_EFORMAT, "spec", 17);
    refuse("CET-1CEST,M13.5.0,M10.5.0", SVCM_EFORMAT, "spec", 14);
    refuse("CET-1CEST,M3.6.0,M10.5.0", SVCM_EFORMAT, "spec", 15);
    refuse("CET-1CEST,M3.5.0,M10.5.0/168", SVCM_EFORMAT, "spec", 29);
    refuse("<CET>-25", SVCM_EFORMAT, "spec", 9);
    refuse("CET-25", SVCM_ENOTFOUND, "spec", 0); /* a valid name: looked up as a file */
    refuse("<+08-8", SVCM_EFORMAT, "spec", 7);
    refuse("CET-1CEST,J0,J365", SVCM_EFORMAT, "spec", 13);
    char longspec[300];
    memset(longspec, 'A', sizeof longspec - 1);
    longspec[sizeof longspec - 1] = '\0';
    refuse(longspec, SVCM_EFORMAT, "spec", 0);
    assert_int_equal(svcm_zone_new("UTC", NULL, NULL, NULL), SVCM_EINVAL);
}

/* -------------------------------------------------------- TZif writer */

typedef struct ttype {
    int32_t off;
    uint8_t dst, abbr;
} ttype;

typedef struct tzif_spec {
    char version; /* '\0', '2', '3' */
    const int64_t *trans;
    const uint8_t *idx;
    size_t ntrans;
    const ttype *types;
    size_t ntypes;
    const char *chars; /* abbreviations, NUL-separated */
    size_t nchars;
    const char *footer;
} tzif_spec;

typedef struct buf {
    uint8_t b[8192];
    size_t n;
} buf;

static void put32(buf *o, uint32_t v)
{
    for (int i = 3; i >= 0; i--)
        o->b[o->n++] = (uint8_t)(v >> (8 * i));
}

static void put64(buf *o, int64_t v)
{
    put32(o, (uint32_t)((uint64_t)v >> 32));
    put32(o, (uint32_t)v);
}

/* RFC 8536 §3.1 header and §3.2 data block (no leap seconds, no
 * indicators), times of 4 or 8 bytes. */
static void put_block(buf *o, const tzif_spec *s, int wide)
{
    memcpy(o->b + o->n, "TZif", 4);
    o->b[o->n + 4] = (uint8_t)s->version;
    memset(o->b + o->n + 5, 0, 15);
    o->n += 20;
    uint32_t counts[6] = {0, 0, 0, (uint32_t)s->ntrans, (uint32_t)s->ntypes, (uint32_t)s->nchars};
    for (int i = 0; i < 6; i++)
        put32(o, counts[i]);
    for (size_t i = 0; i < s->ntrans; i++)
        wide ? put64(o, s->trans[i]) : put32(o, (uint32_t)s->trans[i]);
    for (size_t i = 0; i < s->ntrans; i++)
        o->b[o->n++] = s->idx[i];
    for (size_t i = 0; i < s->ntypes; i++) {
        put32(o, (uint32_t)s->types[i].off);
        o->b[o->n++] = s->types[i].dst;
        o->b[o->n++] = s->types[i].abbr;
    }
    memcpy(o->b + o->n, s->chars, s->nchars);
    o->n += s->nchars;
}

static void write_tzif(buf *o, const tzif_spec *s)
{
    o->n = 0;
    put_block(o, s, 0);
    if (s->version == '\0')
        return;
    put_block(o, s, 1);
    size_t k = strlen(s->footer);
    o->b[o->n++] = '\n';
    memcpy(o->b + o->n, s->footer, k);
    o->n += k;
    o->b[o->n++] = '\n';
}

static svcm_zone *load(const buf *o)
{
    svcm_zone *z = NULL;
    svcm_error err;
    int rc = svcm_zone_load(o->b, o->n, NULL, &z, &err);
    if (rc != SVCM_OK) {
        print_error("load: %s\n", err.message);
        fail();
    }
    return z;
}

/* Days since 1970 by walking the calendar (not the library's formula). */
static int64_t walk_days(int y, int m, int d)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t n = 0;
    for (int k = 1970; k < y; k++)
        n += 365 + ((k % 4 == 0 && k % 100 != 0) || k % 400 == 0);
    for (int k = 1; k < m; k++)
        n += dim[k - 1] + (k == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return n + d - 1;
}

/* The last Sunday of a month at 01:00 UTC: the EU rule (Directive
 * 2000/84/EC, art. 1-3), computed by walking back from the month's end. */
static int64_t eu_change(int y, int m)
{
    int64_t d = walk_days(y, m + 1, 1) - 1;
    while ((d % 7 + 7 + 4) % 7 != 0) /* 1970-01-01 was a Thursday */
        d--;
    return d * 86400 + 3600;
}

/* Berlin 2020..2031 written as explicit transitions (EU rule), no footer:
 * hourly over 2020..2030 it must agree with the POSIX rule string. */
static void test_tzif_transitions_agree_with_posix_rule(void **state)
{
    (void)state;
    int64_t tr[24];
    uint8_t idx[24];
    for (int y = 2020; y <= 2031; y++) {
        tr[2 * (y - 2020)] = eu_change(y, 3);
        idx[2 * (y - 2020)] = 1;
        tr[2 * (y - 2020) + 1] = eu_change(y, 10);
        idx[2 * (y - 2020) + 1] = 0;
    }
    static const ttype types[] = {{3600, 0, 0}, {7200, 1, 4}};
    static const char chars[] = "CET\0CEST";
    const char versions[] = {'\0', '2', '3'};
    svcm_zone *rule = zone(BERLIN_RULE);
    for (int v = 0; v < 3; v++) {
        tzif_spec s = {versions[v], tr, idx, 24, types, 2, chars, sizeof chars, ""};
        buf o;
        write_tzif(&o, &s);
        svcm_zone *z = load(&o);
        assert_string_equal(svcm_zone_name(z), "TZif");
        for (int64_t t = 1577836800; t < 1924992000; t += 3600) { /* 2020..2030 */
            int32_t a, b;
            int da, db;
            assert_int_equal(svcm_zone_offset(z, t, &a, &da), SVCM_OK);
            assert_int_equal(svcm_zone_offset(rule, t, &b, &db), SVCM_OK);
            if (a != b || da != db) {
                print_error("t=%lld: TZif %d, rule %d\n", (long long)t, a, b);
                fail();
            }
            assert_string_equal(svcm_zone_abbrev(z, t), svcm_zone_abbrev(rule, t));
        }
        svcm_zone_free(z);
    }
    svcm_zone_free(rule);
}

/* Before the first transition: type 0; after the last: the footer (v2+)
 * or the last transition's type (no footer). */
static void test_tzif_before_first_and_after_last(void **state)
{
    (void)state;
    static const int64_t tr[] = {-2422054408, 1577836800};
    static const uint8_t idx[] = {1, 2};
    static const ttype types[] = {{3208, 0, 0}, {3600, 0, 4}, {3600, 0, 4}};
    static const char chars[] = "LMT\0CET\0CEST";
    tzif_spec s = {'2', tr, idx, 2, types, 3, chars, sizeof chars, BERLIN_RULE};
    buf o;
    write_tzif(&o, &s);
    svcm_zone *z = load(&o);
    want w[] = {{-2524521600, 3208, 0, "LMT"}, {0, 3600, 0, "CET"},
                {4118083200, 7200, 1, "CEST"}, {4102444800, 3600, 0, "CET"}};
    check_offsets(z, w, 4);
    svcm_zone_free(z);
    s.footer = "";
    write_tzif(&o, &s);
    z = load(&o);
    want w2[] = {{-2524521600, 3208, 0, "LMT"}, {4118083200, 3600, 0, "CET"}};
    check_offsets(z, w2, 2);
    svcm_zone_free(z);
    /* no transitions: the footer if any, else type 0 */
    s.ntrans = 0;
    s.footer = "<+08>-8";
    write_tzif(&o, &s);
    z = load(&o);
    want w3[] = {{0, 28800, 0, "+08"}};
    check_offsets(z, w3, 1);
    svcm_zone_free(z);
    s.footer = "";
    write_tzif(&o, &s);
    z = load(&o);
    want w4[] = {{0, 3208, 0, "LMT"}};
    check_offsets(z, w4, 1);
    svcm_zone_free(z);
}

static void expect_bad(const buf *o, const char *what)
{
    svcm_zone *z = (svcm_zone *)&z;
    svcm_error err;
    int rc = svcm_zone_load(o->b, o->n, NULL, &z, &err);
    if (rc != SVCM_EFORMAT || z != (svcm_zone *)&z || strcmp(err.field, "tzif") != 0) {
        print_error("%s: rc %d\n", what, rc);
        fail();
    }
}

static void base_file(buf *o)
{
    static const int64_t tr[] = {-2422054408, 1577836800};
    static const uint8_t idx[] = {1, 0};
    static const ttype types[] = {{3208, 0, 0}, {3600, 0, 4}};
    static const char chars[] = "LMT\0CET";
    tzif_spec s = {'2', tr, idx, 2, types, 2, chars, sizeof chars, "CET-1"};
    write_tzif(o, &s);
}

/* Offsets in base_file's output (v1 block: 44 + 2*5 + 2*6 + 8 = 74 bytes). */
enum { V2 = 74, V2_DATA = V2 + 44, TYPES2 = V2_DATA + 2 * 9 };

static void test_malformed_tzif_is_eformat(void **state)
{
    (void)state;
    buf o;
    base_file(&o);
    svcm_zone *z = load(&o);
    svcm_zone_free(z);
    size_t full = o.n;
    for (o.n = 0; o.n < full; o.n++) /* every truncation */
        expect_bad(&o, "truncated");
    struct {
        size_t at;
        uint8_t byte;
        const char *what;
    } pokes[] = {
        {0, 'X', "bad magic"},
        {4, '5', "unknown version"},
        {V2 + 4, '3', "versions differ"},
        {V2 + 39, 0, "typecnt 0 (v2)"},
        {V2 + 43, 0, "charcnt 0"},
        {V2 + 32, 0xff, "huge timecnt"},
        {V2 + 20, 1, "isutcnt not 0 or typecnt"},
        {V2 + 24, 5, "isstdcnt not 0 or typecnt"},
        {V2_DATA + 16, 3, "type index out of range"},
        {V2_DATA, 0x7f, "transitions not ascending"},
        {TYPES2 + 4, 2, "isdst 2"},
        {TYPES2 + 5, 9, "abbreviation index out of range"},
        {TYPES2, 0x80, "utoff -2^31"},
        {TYPES2 + 12 + 7, 'x', "abbreviations not terminated"},
        {TYPES2 + 12 + 8, 'x', "footer does not start with NL"},
        {TYPES2 + 12 + 8 + 3, '!', "bad TZ string in the footer"},
    };
    for (size_t i = 0; i < sizeof pokes / sizeof pokes[0]; i++) {
        base_file(&o);
        o.b[pokes[i].at] = pokes[i].byte;
        expect_bad(&o, pokes[i].what);
    }
    base_file(&o);
    o.b[o.n++] = 'x';
    expect_bad(&o, "trailing bytes");
    base_file(&o);
    o.n--; /* footer without its final NL */
    expect_bad(&o, "unterminated footer");
    assert_int_equal(svcm_zone_load(NULL, 5, NULL, &z, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_zone_load(o.b, o.n, NULL, NULL, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_zone_load(NULL, 0, NULL, &z, NULL), SVCM_EFORMAT);
}

/* --------------------------------------------------- the system's files */

static bool have_zoneinfo(const char *name)
{
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "skipping %s: %s not found (install the tzdata package)\n", name, path);
        return false;
    }
    fclose(f);
    return true;
}

/* System zones against zoneinfo values, and over every hour of 2020..2030
 * against the POSIX rule the zone follows today (the transitions of those
 * years come from the data block, not from the footer). */
static void system_zone(const char *name, const char *rule, const want *w, size_t n)
{
    if (!have_zoneinfo(name))
        return;
    svcm_zone *z = zone(name), *r = zone(rule);
    assert_string_equal(svcm_zone_name(z), name);
    check_offsets(z, w, n);
    for (int64_t t = 1577836800; t < 1924992000; t += 3600) {
        int32_t a, b;
        assert_int_equal(svcm_zone_offset(z, t, &a, NULL), SVCM_OK);
        assert_int_equal(svcm_zone_offset(r, t, &b, NULL), SVCM_OK);
        assert_int_equal(a, b);
    }
    svcm_zone_free(r);
    svcm_zone_free(z);
}

static void test_system_zone_files(void **state)
{
    (void)state;
    system_zone("Europe/Berlin", BERLIN_RULE, berlin, sizeof berlin / sizeof berlin[0]);
    system_zone("America/New_York", NY_RULE, new_york, sizeof new_york / sizeof new_york[0]);
    system_zone("Australia/Lord_Howe", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", lord_howe,
                sizeof lord_howe / sizeof lord_howe[0]);
    system_zone("Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3", sydney,
                sizeof sydney / sizeof sydney[0]);
    /* far past, before the first transition: local mean time (zoneinfo) */
    if (have_zoneinfo("Europe/Berlin")) {
        svcm_zone *z = zone("Europe/Berlin");
        want lmt = {-2524521600, 3208, 0, "LMT"};
        check_offsets(z, &lmt, 1);
        svcm_zone_free(z);
    }
    if (have_zoneinfo("America/New_York")) {
        svcm_zone *z = zone("America/New_York");
        want lmt = {-3786825600, -17762, 0, "LMT"};
        check_offsets(z, &lmt, 1);
        svcm_zone_free(z);
    }
    if (have_zoneinfo("Europe")) {
        svcm_zone *z = NULL;
        int rc = svcm_zone_new("Europe", NULL, &z, NULL);
        assert_true(rc == SVCM_EIO || rc == SVCM_ENOTFOUND || rc == SVCM_EFORMAT);
        assert_null(z);
    }
}

/* zoneinfo with fold=0 / fold=1 for skipped and repeated local times. */
static void test_system_zone_local_times(void **state)
{
    (void)state;
    static const struct {
        const char *zone;
        svcm_civil c;
        int64_t earlier, later;
    } cases[] = {
        {"Europe/Berlin", {2026, 3, 29, 2, 30, 0, 0}, 1774747800, 1774744200},
        {"Europe/Berlin", {2026, 10, 25, 2, 30, 0, 0}, 1792888200, 1792891800},
        {"America/New_York", {2026, 3, 8, 2, 30, 0, 0}, 1772955000, 1772951400},
        {"America/New_York", {2026, 11, 1, 1, 30, 0, 0}, 1793511000, 1793514600},
        {"Europe/Berlin", {2026, 7, 1, 12, 0, 0, 0}, 1782900000, 1782900000},
        {"Australia/Lord_Howe", {2026, 10, 4, 2, 15, 0, 0}, 1791042300, 1791040500},
        {"Australia/Lord_Howe", {2026, 4, 5, 1, 45, 0, 0}, 1775313900, 1775315700},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (!have_zoneinfo(cases[i].zone))
            continue;
        svcm_zone *z = zone(cases[i].zone);
        int64_t e, l;
        assert_int_equal(svcm_zone_from_local(z, &cases[i].c, SVCM_TIME_AMBIGUOUS_EARLIER, &e, NULL),
                         SVCM_OK);
        assert_int_equal(svcm_zone_from_local(z, &cases[i].c, SVCM_TIME_AMBIGUOUS_LATER, &l, NULL),
                         SVCM_OK);
        assert_int_equal(e, cases[i].earlier);
        assert_int_equal(l, cases[i].later);
        int64_t x;
        int rc = svcm_zone_from_local(z, &cases[i].c, SVCM_TIME_AMBIGUOUS_ERROR, &x, NULL);
        assert_int_equal(rc, e == l ? SVCM_OK : SVCM_EINVAL);
        svcm_zone_free(z);
    }
}

/* A caller's allocator is used for every block, and all are released. */
static size_t live;
static void *cnt_alloc(void *ctx, size_t n) { (void)ctx; live++; return malloc(n); }
static void *cnt_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    live += p == NULL;
    return realloc(p, n);
}
static void cnt_free(void *ctx, void *p) { (void)ctx; live -= p != NULL; free(p); }

static void test_allocator_is_used_and_released(void **state)
{
    (void)state;
    svcm_allocator a = {cnt_alloc, cnt_realloc, cnt_free, NULL};
    svcm_zone *z = NULL;
    assert_int_equal(svcm_zone_new(BERLIN_RULE, &a, &z, NULL), SVCM_OK);
    assert_true(live > 0);
    svcm_zone_free(z);
    assert_int_equal(live, 0);
    buf o;
    base_file(&o);
    assert_int_equal(svcm_zone_load(o.b, o.n, &a, &z, NULL), SVCM_OK);
    assert_true(live > 0);
    svcm_zone_free(z);
    o.b[o.n - 2] = '!';
    assert_int_equal(svcm_zone_load(o.b, o.n, &a, &z, NULL), SVCM_EFORMAT);
    assert_int_equal(live, 0);
    if (have_zoneinfo("Europe/Berlin")) {
        assert_int_equal(svcm_zone_new("Europe/Berlin", &a, &z, NULL), SVCM_OK);
        svcm_zone_free(z);
    }
    assert_int_equal(live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_posix_rules_match_zoneinfo),
        cmocka_unit_test(test_posix_rule_far_instants),
        cmocka_unit_test(test_posix_rule_extensions),
        cmocka_unit_test(test_fixed_and_utc_specs),
        cmocka_unit_test(test_bad_specs_are_refused),
        cmocka_unit_test(test_tzif_transitions_agree_with_posix_rule),
        cmocka_unit_test(test_tzif_before_first_and_after_last),
        cmocka_unit_test(test_malformed_tzif_is_eformat),
        cmocka_unit_test(test_system_zone_files),
        cmocka_unit_test(test_system_zone_local_times),
        cmocka_unit_test(test_allocator_is_used_and_released),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
