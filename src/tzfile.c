/* Time zones: fixed offsets, POSIX TZ rule strings and compiled TZif files
 * (RFC 8536), and the UTC -> offset lookup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "svcm/time.h"

#define DAY_S INT64_C(86400)
#define ABBR_MAX 16   /* POSIX TZNAME_MAX is at least 6; tzdata uses <= 6 */
#define TZIF_HDR 44   /* RFC 8536 §3.1 */
#define FILE_MAX (4u << 20)

/* A POSIX rule date (POSIX.1-2017 §8.3): Jn, n or Mm.w.d, plus the local
 * time of day of the change in seconds (RFC 8536 §3.3.1: -167h..167h). */
typedef struct rule_date {
    char kind; /* 'J', 'D' (zero-based n) or 'M' */
    int n, month, week, wday;
    int32_t time;
} rule_date;

typedef struct posix_tz {
    int32_t std_off, dst_off; /* UTC offsets, east positive */
    bool has_dst;
    rule_date start, end;
    char std_abbr[ABBR_MAX], dst_abbr[ABBR_MAX];
} posix_tz;

typedef struct zone_type {
    int32_t utoff;
    uint8_t isdst;
    uint32_t abbr; /* index into abbrs */
} zone_type;

struct svcm_zone {
    svcm_allocator alloc;
    char *name;
    size_t ntrans, ntypes, nabbrs;
    int64_t *trans;   /* strictly ascending */
    uint8_t *idx;     /* type of each transition */
    zone_type *types;
    char *abbrs;
    bool has_tz;      /* POSIX rule for instants after the last transition */
    posix_tz tz;
};

/* ------------------------------------------------------------ calendar */

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of y-m-d (Hinnant's days_from_civil, as in time.c). */
static int64_t days_of(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* The year of a day count (Hinnant's civil_from_days, year part only). */
static int64_t year_of_days(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10);
}

static int mdays(int64_t y, int m)
{
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return dim[m - 1] + (m == 2 && leap(y));
}

/* Day number (since the epoch) of a rule date in year y. */
static int64_t rule_day(const rule_date *r, int64_t y)
{
    int64_t jan1 = days_of(y, 1, 1);
    if (r->kind == 'J') /* 1..365, Feb 29 never counted */
        return jan1 + r->n - 1 + (leap(y) && r->n >= 60);
    if (r->kind == 'D')
        return jan1 + r->n;
    int64_t first = days_of(y, r->month, 1);
    int wd1 = (int)(((first % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
    int day = 1 + (r->wday - wd1 + 7) % 7 + 7 * (r->week - 1);
    while (day > mdays(y, r->month))
        day -= 7; /* week 5 = the last such weekday */
    return first + day - 1;
}

/* ------------------------------------------------------- POSIX TZ rules */

typedef struct cursor {
    const char *s;
    size_t n, pos;
} cursor;

static int peek(const cursor *c)
{
    return c->pos < c->n ? (unsigned char)c->s[c->pos] : -1;
}

static bool is_digit(int ch) { return ch >= '0' && ch <= '9'; }
static bool is_alpha(int ch) { return (ch | 32) >= 'a' && (ch | 32) <= 'z'; }

/* Unsigned decimal of 1..max_digits digits; -1 when none. */
static long read_num(cursor *c, int max_digits)
{
    long v = 0;
    int k = 0;
    while (k < max_digits && is_digit(peek(c))) {
        v = v * 10 + (peek(c) - '0');
        c->pos++;
        k++;
    }
    return k == 0 ? -1 : v;
}

/* A zone abbreviation: 3+ letters, or <...> of letters, digits, + and -. */
static bool read_abbr(cursor *c, char out[ABBR_MAX])
{
    size_t k = 0;
    if (peek(c) == '<') {
        c->pos++;
        while (is_alpha(peek(c)) || is_digit(peek(c)) || peek(c) == '+' || peek(c) == '-') {
            if (k + 1 >= ABBR_MAX)
                return false;
            out[k++] = (char)peek(c);
            c->pos++;
        }
        if (peek(c) != '>')
            return false;
        c->pos++;
    } else {
        while (is_alpha(peek(c))) {
            if (k + 1 >= ABBR_MAX)
                return false;
            out[k++] = (char)peek(c);
            c->pos++;
        }
    }
    out[k] = '\0';
    return k >= 3;
}

/* [+-]hh[:mm[:ss]] in seconds, hh <= max_h. */
static bool read_hms(cursor *c, long max_h, int32_t *out)
{
    int sign = 1;
    if (peek(c) == '+' || peek(c) == '-')
        sign = c->s[c->pos++] == '-' ? -1 : 1;
    long h = read_num(c, 3), m = 0, s = 0;
    if (h < 0 || h > max_h)
        return false;
    if (peek(c) == ':') {
        c->pos++;
        m = read_num(c, 2);
        if (m < 0 || m > 59)
            return false;
        if (peek(c) == ':') {
            c->pos++;
            s = read_num(c, 2);
            if (s < 0 || s > 59)
                return false;
        }
    }
    *out = (int32_t)(sign * (h * 3600 + m * 60 + s));
    return true;
}

static bool read_rule_date(cursor *c, rule_date *r)
{
    r->time = 7200; /* default 02:00:00 */
    if (peek(c) == 'J') {
        c->pos++;
        r->kind = 'J';
        r->n = (int)read_num(c, 3);
        if (r->n < 1 || r->n > 365)
            return false;
    } else if (peek(c) == 'M') {
        c->pos++;
        r->kind = 'M';
        r->month = (int)read_num(c, 2);
        if (r->month < 1 || r->month > 12 || peek(c) != '.')
            return false;
        c->pos++;
        r->week = (int)read_num(c, 1);
        if (r->week < 1 || r->week > 5 || peek(c) != '.')
            return false;
        c->pos++;
        r->wday = (int)read_num(c, 1);
        if (r->wday < 0 || r->wday > 6)
            return false;
    } else {
        r->kind = 'D';
        r->n = (int)read_num(c, 3);
        if (r->n < 0 || r->n > 365)
            return false;
    }
    if (peek(c) == '/') {
        c->pos++;
        return read_hms(c, 167, &r->time);
    }
    return true;
}

/* std offset [dst [offset] ,start[/time],end[/time]]. POSIX offsets are
 * west-positive; stored negated (east positive). */
static bool parse_posix_body(cursor *c, posix_tz *tz)
{
    int32_t v;
    memset(tz, 0, sizeof *tz);
    if (!read_abbr(c, tz->std_abbr) || !read_hms(c, 24, &v))
        return false;
    tz->std_off = -v;
    tz->dst_off = tz->std_off;
    if (c->pos == c->n)
        return true;
    if (!read_abbr(c, tz->dst_abbr))
        return false;
    tz->has_dst = true;
    tz->dst_off = tz->std_off + 3600;
    if (peek(c) != ',') {
        if (!read_hms(c, 24, &v))
            return false;
        tz->dst_off = -v;
    }
    if (peek(c) != ',')
        return false; /* no default rule: POSIX leaves it to the implementation */
    c->pos++;
    if (!read_rule_date(c, &tz->start) || peek(c) != ',')
        return false;
    c->pos++;
    return read_rule_date(c, &tz->end) && c->pos == c->n;
}

/* SVCM_OK, or SVCM_EFORMAT with the 1-based column of the failure. */
static int parse_posix(const char *s, size_t n, posix_tz *tz, const char *field,
                       svcm_error *err)
{
    cursor c = {s, n, 0};
    if (parse_posix_body(&c, tz))
        return SVCM_OK;
    return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, 0, c.pos + 1, field,
                          "malformed POSIX TZ string (std offset[dst[offset],start[/t],end[/t]])");
}

/* The transition instant (UTC) of rule date r in year y, when the local
 * time before the change has offset prev. */
static int64_t rule_instant(const rule_date *r, int64_t y, int32_t prev)
{
    return rule_day(r, y) * DAY_S + r->time - prev;
}

/* The Gregorian calendar (with weekdays) repeats every 400 years. */
#define PERIOD_S (INT64_C(146097) * DAY_S)

/* Whether DST is in effect at t: the latest of the six transitions of
 * years y-1..y+1 at or before t decides (ties: DST, so that a rule with DST
 * all year, RFC 8536 §3.3.1, stays in DST). */
static bool posix_is_dst(const posix_tz *tz, int64_t t)
{
    if (!tz->has_dst)
        return false;
    if (t > INT64_C(1000000000000) || t < -INT64_C(1000000000000))
        t = ((t % PERIOD_S) + PERIOD_S) % PERIOD_S + 4 * PERIOD_S;
    int64_t y = year_of_days((t + tz->std_off) / DAY_S);
    bool dst = false, found = false;
    int64_t best = 0;
    for (int64_t k = y - 1; k <= y + 1; k++) {
        int64_t s = rule_instant(&tz->start, k, tz->std_off);
        int64_t e = rule_instant(&tz->end, k, tz->dst_off);
        if (e <= t && (!found || e > best)) {
            best = e, dst = false, found = true;
        }
        if (s <= t && (!found || s >= best)) {
            best = s, dst = true, found = true;
        }
    }
    return dst;
}

/* ------------------------------------------------------------- lookups */

static void lookup(const svcm_zone *z, int64_t t, int32_t *off, int *dst, const char **abbr)
{
    size_t ty = 0;
    if ((z->ntrans == 0 || t >= z->trans[z->ntrans - 1]) && z->has_tz) {
        bool d = posix_is_dst(&z->tz, t);
        *off = d ? z->tz.dst_off : z->tz.std_off;
        *dst = d;
        *abbr = d ? z->tz.dst_abbr : z->tz.std_abbr;
        return;
    }
    if (z->ntrans > 0 && t >= z->trans[0]) {
        size_t lo = 0, hi = z->ntrans; /* last i with trans[i] <= t */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (z->trans[mid] <= t)
                lo = mid;
            else
                hi = mid;
        }
        ty = z->idx[lo];
    }
    *off = z->types[ty].utoff;
    *dst = z->types[ty].isdst;
    *abbr = z->abbrs + z->types[ty].abbr;
}

int svcm_zone_offset(const svcm_zone *zone, int64_t utc, int32_t *offset_s, int *is_dst)
{
    if (zone == NULL || offset_s == NULL)
        return SVCM_EINVAL;
    int dst;
    const char *abbr;
    lookup(zone, utc, offset_s, &dst, &abbr);
    if (is_dst != NULL)
        *is_dst = dst;
    return SVCM_OK;
}

const char *svcm_zone_abbrev(const svcm_zone *zone, int64_t utc)
{
    if (zone == NULL)
        return "";
    int32_t off;
    int dst;
    const char *abbr;
    lookup(zone, utc, &off, &dst, &abbr);
    return abbr;
}

const char *svcm_zone_name(const svcm_zone *zone)
{
    return zone == NULL ? "" : zone->name;
}

void svcm_zone_free(svcm_zone *zone)
{
    if (zone == NULL)
        return;
    svcm_allocator a = zone->alloc;
    svcm__free(&a, zone->name);
    svcm__free(&a, zone->trans);
    svcm__free(&a, zone->idx);
    svcm__free(&a, zone->types);
    svcm__free(&a, zone->abbrs);
    svcm__free(&a, zone);
}

/* An empty zone named name (copied). */
static int zone_alloc(const svcm_allocator *alloc, const char *name, svcm_zone **out,
                      svcm_error *err)
{
    svcm_allocator a;
    if (svcm__allocator_resolve(&a, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    svcm_zone *z = svcm__calloc(&a, 1, sizeof *z);
    if (z == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    z->alloc = a;
    if (svcm__strdup(&a, name, &z->name) != SVCM_OK) {
        svcm__free(&a, z);
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    }
    *out = z;
    return SVCM_OK;
}

/* ---------------------------------------------------------------- TZif */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

typedef struct tzif_hdr {
    char version;
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} tzif_hdr;

static int bad_tzif(svcm_error *err, const char *what)
{
    return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "tzif", "TZif: %s", what);
}

/* RFC 8536 §3.1: magic, version, 15 unused bytes, six big-endian counts. */
static int read_header(const uint8_t *b, size_t n, tzif_hdr *h, svcm_error *err)
{
    if (n < TZIF_HDR)
        return bad_tzif(err, "truncated header");
    if (memcmp(b, "TZif", 4) != 0)
        return bad_tzif(err, "bad magic (not a TZif file)");
    h->version = (char)b[4];
    if (h->version != '\0' && (h->version < '2' || h->version > '4'))
        return bad_tzif(err, "unknown version");
    uint32_t *f[6] = {&h->isutcnt, &h->isstdcnt, &h->leapcnt,
                      &h->timecnt, &h->typecnt, &h->charcnt};
    for (int i = 0; i < 6; i++)
        *f[i] = be32(b + 20 + 4 * i);
    if (h->typecnt == 0 || h->typecnt > 256 || h->charcnt == 0)
        return bad_tzif(err, "typecnt must be 1..256 and charcnt >= 1");
    if ((h->isutcnt != 0 && h->isutcnt != h->typecnt) ||
        (h->isstdcnt != 0 && h->isstdcnt != h->typecnt))
        return bad_tzif(err, "isutcnt and isstdcnt must be 0 or typecnt");
    return SVCM_OK;
}

/* Bytes of a data block with times of tsize bytes (RFC 8536 §3.2). */
static uint64_t block_size(const tzif_hdr *h, unsigned tsize)
{
    return (uint64_t)h->timecnt * (tsize + 1) + (uint64_t)h->typecnt * 6 + h->charcnt +
           (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

static int alloc_tables(svcm_zone *z, const tzif_hdr *h, svcm_error *err)
{
    z->trans = svcm__calloc(&z->alloc, h->timecnt, sizeof *z->trans);
    z->idx = svcm__calloc(&z->alloc, h->timecnt, 1);
    z->types = svcm__calloc(&z->alloc, h->typecnt, sizeof *z->types);
    z->abbrs = svcm__alloc(&z->alloc, h->charcnt);
    if (z->trans == NULL || z->idx == NULL || z->types == NULL || z->abbrs == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    z->ntrans = h->timecnt;
    z->ntypes = h->typecnt;
    z->nabbrs = h->charcnt;
    return SVCM_OK;
}

static int read_types(svcm_zone *z, const uint8_t *p, svcm_error *err)
{
    for (size_t i = 0; i < z->ntypes; i++, p += 6) {
        int64_t off = (int32_t)be32(p);
        /* RFC 8536 §3.2: utoff must not be -2^31; real offsets are < 26 h. */
        if (off <= -93600 || off >= 93600)
            return bad_tzif(err, "UT offset out of range");
        if (p[4] > 1)
            return bad_tzif(err, "isdst must be 0 or 1");
        if (p[5] >= z->nabbrs)
            return bad_tzif(err, "abbreviation index out of range");
        z->types[i] = (zone_type){(int32_t)off, p[4], p[5]};
    }
    return SVCM_OK;
}

/* The data block at p (already known to fit): transitions, types, names;
 * leap-second records and the isstd/isut indicators are skipped. */
static int read_block(svcm_zone *z, const tzif_hdr *h, const uint8_t *p, unsigned tsize,
                      svcm_error *err)
{
    int rc = alloc_tables(z, h, err);
    if (rc != SVCM_OK)
        return rc;
    for (size_t i = 0; i < z->ntrans; i++, p += tsize) {
        z->trans[i] = tsize == 8 ? be64(p) : (int32_t)be32(p);
        if (i > 0 && z->trans[i] <= z->trans[i - 1])
            return bad_tzif(err, "transition times not ascending");
    }
    for (size_t i = 0; i < z->ntrans; i++, p++) {
        if (*p >= z->ntypes)
            return bad_tzif(err, "transition type index out of range");
        z->idx[i] = *p;
    }
    memcpy(z->abbrs, p + 6 * z->ntypes, z->nabbrs);
    if (z->abbrs[z->nabbrs - 1] != '\0')
        return bad_tzif(err, "abbreviations not NUL-terminated");
    rc = read_types(z, p, err);
    p += 6 * z->ntypes + z->nabbrs + (size_t)h->leapcnt * (tsize + 4);
    for (size_t i = 0; rc == SVCM_OK && i < (size_t)h->isstdcnt + h->isutcnt; i++)
        if (p[i] > 1)
            return bad_tzif(err, "isstd/isut indicator must be 0 or 1");
    return rc;
}

/* RFC 8536 §3.3: the footer is NL, a TZ string (maybe empty), NL. */
static int read_footer(svcm_zone *z, const uint8_t *p, size_t n, svcm_error *err)
{
    if (n < 2 || p[0] != '\n')
        return bad_tzif(err, "missing footer");
    const uint8_t *nl = memchr(p + 1, '\n', n - 1);
    if (nl == NULL)
        return bad_tzif(err, "unterminated footer");
    if ((size_t)(nl - p) + 1 != n)
        return bad_tzif(err, "bytes after the footer");
    size_t len = (size_t)(nl - p) - 1;
    if (len == 0)
        return SVCM_OK;
    int rc = parse_posix((const char *)p + 1, len, &z->tz, "tzif", err);
    if (rc != SVCM_OK)
        return bad_tzif(err, "malformed TZ string in the footer");
    z->has_tz = true;
    return SVCM_OK;
}

static int parse_tzif(svcm_zone *z, const uint8_t *b, size_t n, svcm_error *err)
{
    tzif_hdr h1, h2;
    int rc = read_header(b, n, &h1, err);
    if (rc != SVCM_OK)
        return rc;
    uint64_t v1 = block_size(&h1, 4);
    if (v1 > n - TZIF_HDR)
        return bad_tzif(err, "truncated data block");
    if (h1.version == '\0')
        return v1 == n - TZIF_HDR ? read_block(z, &h1, b + TZIF_HDR, 4, err)
                                  : bad_tzif(err, "bytes after the data block");
    size_t at = TZIF_HDR + (size_t)v1;
    rc = read_header(b + at, n - at, &h2, err);
    if (rc != SVCM_OK)
        return rc;
    if (h2.version != h1.version)
        return bad_tzif(err, "the two headers disagree on the version");
    uint64_t v2 = block_size(&h2, 8);
    at += TZIF_HDR;
    if (v2 > n - at)
        return bad_tzif(err, "truncated 64-bit data block");
    rc = read_block(z, &h2, b + at, 8, err);
    if (rc != SVCM_OK)
        return rc;
    at += (size_t)v2;
    return read_footer(z, b + at, n - at, err);
}

static int load_named(const void *tzif, size_t len, const svcm_allocator *alloc,
                      const char *name, svcm_zone **out, svcm_error *err)
{
    svcm_zone *z = NULL;
    int rc = zone_alloc(alloc, name, &z, err);
    if (rc != SVCM_OK)
        return rc;
    rc = parse_tzif(z, tzif, len, err);
    if (rc != SVCM_OK) {
        svcm_zone_free(z);
        return rc;
    }
    *out = z;
    return SVCM_OK;
}

int svcm_zone_load(const unsigned char *tzif, size_t len, const svcm_allocator *alloc,
                   svcm_zone **out, svcm_error *err)
{
    if (out == NULL || (tzif == NULL && len > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "tzif", "NULL argument");
    static const unsigned char none[1] = {0};
    return load_named(len == 0 ? none : tzif, len, alloc, "TZif", out, err);
}

/* ------------------------------------------------------ zone_new: specs */

static int zone_fixed(const char *spec, const svcm_allocator *alloc, const posix_tz *tz,
                      svcm_zone **out, svcm_error *err)
{
    int rc = zone_alloc(alloc, spec, out, err);
    if (rc == SVCM_OK) {
        (*out)->has_tz = true;
        (*out)->tz = *tz;
    }
    return rc;
}

/* +HH:MM, +HHMM or +HH (or -), at most 23:59. */
static int parse_offset_spec(const char *s, posix_tz *tz, svcm_error *err)
{
    size_t n = strlen(s);
    int sign = s[0] == '-' ? -1 : 1;
    int h = -1, m = 0;
    bool d = n >= 3 && is_digit(s[1]) && is_digit(s[2]);
    if (d && n == 3)
        h = (s[1] - '0') * 10 + s[2] - '0';
    else if (d && n == 5 && is_digit(s[3]) && is_digit(s[4]))
        h = (s[1] - '0') * 10 + s[2] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
    else if (d && n == 6 && s[3] == ':' && is_digit(s[4]) && is_digit(s[5]))
        h = (s[1] - '0') * 10 + s[2] - '0', m = (s[4] - '0') * 10 + s[5] - '0';
    if (h < 0 || h > 23 || m > 59)
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "spec",
                           "offset must be +HH:MM, +HHMM or +HH (or -), at most 23:59");
    memset(tz, 0, sizeof *tz);
    tz->std_off = tz->dst_off = sign * (h * 3600 + m * 60);
    char *a = tz->std_abbr;
    a[0] = sign < 0 ? '-' : '+';
    a[1] = (char)('0' + h / 10), a[2] = (char)('0' + h % 10), a[3] = ':';
    a[4] = (char)('0' + m / 10), a[5] = (char)('0' + m % 10), a[6] = '\0';
    return SVCM_OK;
}

/* An IANA name: [A-Za-z0-9_+-./], no leading '/', no '.' or '..' component. */
static bool valid_zone_name(const char *s)
{
    if (s[0] == '/' || strlen(s) > 255)
        return false;
    for (const char *p = s; *p; p++)
        if (!is_alpha(*p) && !is_digit(*p) && strchr("_+-./", *p) == NULL)
            return false;
    for (const char *p = s; *p;) {
        size_t k = strcspn(p, "/");
        if (k == 0 || (k == 1 && p[0] == '.') || (k == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        p += k;
        if (*p == '/' && *++p == '\0')
            return false;
    }
    return true;
}

/* Read the whole file at path into a buffer from a. */
static int read_file(const svcm_allocator *a, const char *path, uint8_t **buf, size_t *len,
                     svcm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return svcm__error(err, SVCM_ENOTFOUND, SVCM_NO_INDEX, "spec", "no zone file %.100s",
                           path);
    uint8_t *b = NULL;
    size_t cap = 0, n = 0;
    int rc = SVCM_OK;
    for (;;) {
        if (n == cap && (rc = svcm__grow(a, (void **)&b, &cap, n + 4096, 1)) != SVCM_OK)
            break;
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0 || n > FILE_MAX)
            break;
    }
    if (rc == SVCM_OK && (ferror(f) || n > FILE_MAX))
        rc = SVCM_EIO;
    fclose(f);
    if (rc != SVCM_OK) {
        svcm__free(a, b);
        return svcm__error(err, rc, SVCM_NO_INDEX, "spec", "cannot read zone file %.90s",
                           path);
    }
    *buf = b;
    *len = n;
    return SVCM_OK;
}

static int zone_from_file(const char *name, const svcm_allocator *alloc, svcm_zone **out,
                          svcm_error *err)
{
    const char *dir = getenv("TZDIR");
    if (dir == NULL || dir[0] == '\0')
        dir = "/usr/share/zoneinfo";
    svcm_allocator a;
    if (svcm__allocator_resolve(&a, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    size_t dl = strlen(dir), nl = strlen(name);
    char *path = svcm__alloc(&a, dl + nl + 2);
    if (path == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    memcpy(path, dir, dl);
    path[dl] = '/';
    memcpy(path + dl + 1, name, nl + 1);
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = read_file(&a, path, &buf, &len, err);
    svcm__free(&a, path);
    if (rc == SVCM_OK)
        rc = load_named(buf, len, &a, name, out, err);
    svcm__free(&a, buf);
    return rc;
}

int svcm_zone_new(const char *spec, const svcm_allocator *alloc, svcm_zone **out,
                  svcm_error *err)
{
    if (spec == NULL || spec[0] == '\0' || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "spec",
                           "spec and out must be given and spec not empty");
    posix_tz tz;
    if (svcm__name_eq(spec, "UTC")) {
        memset(&tz, 0, sizeof tz);
        memcpy(tz.std_abbr, "UTC", 4);
        return zone_fixed(spec, alloc, &tz, out, err);
    }
    if (spec[0] == '+' || spec[0] == '-') {
        int rc = parse_offset_spec(spec, &tz, err);
        return rc != SVCM_OK ? rc : zone_fixed(spec, alloc, &tz, out, err);
    }
    size_t n = strlen(spec);
    if (n > 255)
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "spec", "spec longer than 255 bytes");
    svcm_error perr;
    if (parse_posix(spec, n, &tz, "spec", &perr) == SVCM_OK)
        return zone_fixed(spec, alloc, &tz, out, err);
    if (valid_zone_name(spec))
        return zone_from_file(spec, alloc, out, err);
    if (err != NULL)
        *err = perr;
    return perr.code;
}
