/* The timestamp parser: ISO 8601 / RFC 3339, Unix epoch numbers and
 * strptime-like format strings, all locale-free. */
#include <string.h>

#include "internal.h"
#include "svcm/time.h"

#define NOT_ISO "not ISO 8601: give a format string or epoch s|ms"

/* What the text said, with the 1-based column of each field for errors. */
typedef struct fields {
    int year, month, day, hour, minute, second, yday, hour12, pm;
    int32_t nanos, offset;
    bool has_offset;
    size_t col[7]; /* year, month, day, hour, minute, second, yday */
    const char *name[7]; /* field names for errors ("time" or a directive) */
} fields;

enum { F_YEAR, F_MONTH, F_DAY, F_HOUR, F_MINUTE, F_SECOND, F_YDAY };

typedef struct scan {
    const char *s;
    size_t n, pos, base; /* base: offset of s[0] in the caller's text */
    svcm_error *err;
} scan;

static int at(const scan *c)
{
    return c->pos < c->n ? (unsigned char)c->s[c->pos] : -1;
}

static bool digit(int ch) { return ch >= '0' && ch <= '9'; }

static int fail(scan *c, size_t pos, const char *field, const char *msg)
{
    return svcm__error_at(c->err, SVCM_EFORMAT, SVCM_NO_INDEX, 0, c->base + pos + 1, field,
                          "%s", msg);
}

/* Between min and max digits; -1 when fewer than min. */
static int num(scan *c, int min, int max)
{
    int v = 0, k = 0;
    while (k < max && digit(at(c))) {
        v = v * 10 + at(c) - '0';
        c->pos++;
        k++;
    }
    return k < min ? -1 : v;
}

static void init_fields(fields *f)
{
    memset(f, 0, sizeof *f);
    f->month = f->day = 1;
    f->yday = f->hour12 = f->pm = -1;
    for (int i = 0; i < 7; i++)
        f->name[i] = "time";
}

static void set(fields *f, int which, int v, size_t col, const char *name)
{
    int *slot[7] = {&f->year, &f->month, &f->day, &f->hour, &f->minute, &f->second, &f->yday};
    *slot[which] = v;
    f->col[which] = col;
    f->name[which] = name;
}

/* Fraction digits after the separator: the first nine give nanoseconds. */
static int fraction(scan *c, fields *f, const char *name)
{
    size_t start = c->pos;
    int32_t ns = 0, k = 0;
    while (digit(at(c))) {
        if (k < 9)
            ns = ns * 10 + (at(c) - '0'), k++;
        c->pos++;
    }
    if (c->pos == start)
        return fail(c, start, name, "expected fraction digits");
    for (; k < 9; k++)
        ns *= 10;
    f->nanos = ns;
    return SVCM_OK;
}

/* Z, +HH:MM, +HHMM or +HH (or -). */
static int zone_offset(scan *c, fields *f, const char *name)
{
    size_t start = c->pos;
    if (at(c) == 'Z' || at(c) == 'z') {
        c->pos++;
        f->has_offset = true, f->offset = 0;
        return SVCM_OK;
    }
    if (at(c) != '+' && at(c) != '-')
        return fail(c, start, name, "expected Z or an offset +HH:MM");
    int sign = at(c) == '-' ? -1 : 1;
    c->pos++;
    int h = num(c, 2, 2), m = 0;
    if (h >= 0 && at(c) == ':')
        c->pos++, m = num(c, 2, 2);
    else if (h >= 0 && digit(at(c)))
        m = num(c, 2, 2);
    if (h < 0 || m < 0)
        return fail(c, start, name, "expected an offset +HH:MM, +HHMM or +HH");
    if (h > 23 || m > 59)
        return fail(c, start, name, "offset out of range (at most 23:59)");
    f->has_offset = true;
    f->offset = sign * (h * 3600 + m * 60);
    return SVCM_OK;
}

/* ------------------------------------------------------------ ISO 8601 */

/* Two digits into field `which`, or an error naming what was expected. */
static int two(scan *c, fields *f, int which, const char *what)
{
    size_t p = c->pos;
    int v = num(c, 2, 2);
    if (v < 0)
        return fail(c, p, "time", what);
    set(f, which, v, p + 1, "time");
    return SVCM_OK;
}

/* HH:MM[:SS[.f]] (extended) or HHMM[SS[.f]] (basic), then an optional zone. */
static int iso_time(scan *c, fields *f, bool basic)
{
    int rc = two(c, f, F_HOUR, "expected a 2-digit hour");
    if (rc == SVCM_OK && !basic && at(c) != ':')
        return fail(c, c->pos, "time", "expected ':' after the hour");
    c->pos += !basic;
    if (rc == SVCM_OK)
        rc = two(c, f, F_MINUTE, "expected 2-digit minutes");
    if (rc == SVCM_OK && (basic ? digit(at(c)) : at(c) == ':')) {
        c->pos += !basic;
        rc = two(c, f, F_SECOND, "expected 2-digit seconds");
        if (rc == SVCM_OK && (at(c) == '.' || at(c) == ',')) {
            c->pos++;
            rc = fraction(c, f, "time");
        }
    }
    if (rc == SVCM_OK && c->pos < c->n)
        rc = zone_offset(c, f, "time");
    return rc;
}

static int iso(scan *c, fields *f)
{
    size_t p = c->pos;
    int y = num(c, 4, 4);
    if (y < 0)
        return fail(c, c->pos, "time", "expected a 4-digit year; " NOT_ISO);
    set(f, F_YEAR, y, p + 1, "time");
    bool basic = at(c) != '-';
    c->pos += !basic;
    int rc = two(c, f, F_MONTH, "expected 2-digit month; " NOT_ISO);
    if (rc == SVCM_OK && !basic && at(c) != '-')
        return fail(c, c->pos, "time", "expected '-' after the month; " NOT_ISO);
    c->pos += !basic;
    if (rc == SVCM_OK)
        rc = two(c, f, F_DAY, "expected 2-digit day; " NOT_ISO);
    if (rc != SVCM_OK || (c->pos == c->n && !basic))
        return rc;
    if (c->pos == c->n)
        return fail(c, 0, "time", "a bare number is ambiguous; " NOT_ISO);
    int sep = at(c);
    if (sep != 'T' && sep != 't' && (basic || sep != ' '))
        return fail(c, c->pos, "time", basic ? "expected 'T' after a basic-format date"
                                             : "expected 'T' or a space before the time");
    c->pos++;
    return iso_time(c, f, basic);
}

/* ------------------------------------------------------- format strings */

static const char *directive_name(char d)
{
    switch (d) {
    case 'Y': return "%Y";
    case 'y': return "%y";
    case 'm': return "%m";
    case 'd': return "%d";
    case 'e': return "%e";
    case 'H': return "%H";
    case 'I': return "%I";
    case 'M': return "%M";
    case 'S': return "%S";
    case 'f': return "%f";
    case 'p': return "%p";
    case 'b': return "%b";
    case 'B': return "%B";
    case 'j': return "%j";
    case 'z': return "%z";
    case 'Z': return "%Z";
    case '%': return "%%";
    default: return NULL;
    }
}

/* The format is checked before any text is read: known directives, a year,
 * %I with %p, %j without a month or day. */
static int check_format(const char *fmt, svcm_error *err)
{
    bool seen[128] = {false};
    for (size_t i = 0; fmt[i] != '\0'; i++) {
        if (fmt[i] != '%')
            continue;
        char d = fmt[++i];
        if (d == '\0' || directive_name(d) == NULL)
            return svcm__error_at(err, SVCM_EINVAL, SVCM_NO_INDEX, 0, i + 1, "format",
                                  "unknown directive '%%%c' in the format", d ? d : ' ');
        seen[(unsigned char)d] = true;
    }
    if (!seen['Y'] && !seen['y'])
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "format",
                           "format needs a year (%%Y or %%y): time-only formats are refused");
    if (seen['I'] != seen['p'] || (seen['I'] && seen['H']))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "format",
                           "%%I needs %%p (and not %%H), and %%p needs %%I");
    if (seen['j'] && (seen['m'] || seen['d'] || seen['e'] || seen['b'] || seen['B']))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "format",
                           "%%j cannot be combined with a month or day");
    return SVCM_OK;
}

static bool word_eq(const char *s, const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((s[i] | 32) != w[i])
            return false;
    return true;
}

/* English month name, full or its first three letters, any case. */
static int month_name(scan *c, fields *f, const char *name)
{
    static const char *const months[12] = {"january", "february", "march",     "april",
                                           "may",     "june",     "july",      "august",
                                           "september", "october", "november", "december"};
    size_t left = c->n - c->pos, p = c->pos;
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(months[m]);
        size_t k = left >= full && word_eq(c->s + p, months[m], full) ? full
                   : left >= 3 && word_eq(c->s + p, months[m], 3) ? 3 : 0;
        if (k > 0) {
            c->pos += k;
            set(f, F_MONTH, m + 1, p + 1, name);
            return SVCM_OK;
        }
    }
    return fail(c, p, name, "expected an English month name");
}

static int ampm(scan *c, fields *f, const char *name)
{
    if (c->n - c->pos >= 2 && (c->s[c->pos + 1] | 32) == 'm') {
        int ch = c->s[c->pos] | 32;
        if (ch == 'a' || ch == 'p') {
            f->pm = ch == 'p';
            c->pos += 2;
            return SVCM_OK;
        }
    }
    return fail(c, c->pos, name, "expected AM or PM");
}

static int utc_name(scan *c, fields *f, const char *name)
{
    size_t left = c->n - c->pos;
    const char *s = c->s + c->pos;
    size_t k = left >= 3 && (word_eq(s, "utc", 3) || word_eq(s, "gmt", 3)) ? 3
               : left >= 1 && (s[0] | 32) == 'z' ? 1 : 0;
    if (k == 0)
        return fail(c, c->pos, name, "expected UTC, GMT or Z");
    c->pos += k;
    f->has_offset = true, f->offset = 0;
    return SVCM_OK;
}

/* A numeric directive: 1..max digits (%Y: exactly 4, %y: exactly 2). */
static int numeric(scan *c, fields *f, char d, const char *name)
{
    static const char keys[] = "YymdeHIMSj";
    static const signed char which[] = {F_YEAR, F_YEAR, F_MONTH, F_DAY, F_DAY,
                                        F_HOUR, -1,     F_MINUTE, F_SECOND, F_YDAY};
    int min = d == 'Y' ? 4 : d == 'y' ? 2 : 1, max = d == 'Y' ? 4 : d == 'j' ? 3 : 2;
    if (d == 'e' && at(c) == ' ')
        c->pos++, max = 1;
    size_t p = c->pos;
    int v = num(c, min, max);
    if (v < 0)
        return fail(c, p, name, min == max ? "expected digits of the exact width"
                                           : "expected 1 or 2 digits");
    if (d == 'y') /* POSIX strptime pivot: 69..99 -> 19xx, 00..68 -> 20xx */
        v += v >= 69 ? 1900 : 2000;
    if (d == 'I') {
        f->hour12 = v, f->col[F_HOUR] = p + 1, f->name[F_HOUR] = name;
        return SVCM_OK;
    }
    set(f, which[strchr(keys, d) - keys], v, p + 1, name);
    return SVCM_OK;
}

static int directive(scan *c, fields *f, char d)
{
    const char *name = directive_name(d);
    switch (d) {
    case 'f': return fraction(c, f, name);
    case 'p': return ampm(c, f, name);
    case 'b': case 'B': return month_name(c, f, name);
    case 'z': return zone_offset(c, f, name);
    case 'Z': return utc_name(c, f, name);
    case '%':
        if (at(c) != '%')
            return fail(c, c->pos, name, "expected '%'");
        c->pos++;
        return SVCM_OK;
    default: return numeric(c, f, d, name);
    }
}

static int formatted(scan *c, fields *f, const char *fmt)
{
    for (size_t i = 0; fmt[i] != '\0'; i++) {
        int rc = SVCM_OK;
        if (fmt[i] == '%') {
            rc = directive(c, f, fmt[++i]);
        } else if (fmt[i] == ' ') {
            if (at(c) != ' ')
                return fail(c, c->pos, "time", "expected a space");
            while (at(c) == ' ')
                c->pos++;
        } else if (at(c) == (unsigned char)fmt[i]) {
            c->pos++;
        } else {
            char msg[40] = "expected '?' as in the format";
            unsigned char ch = (unsigned char)fmt[i];
            msg[10] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
            return fail(c, c->pos, "time", msg);
        }
        if (rc != SVCM_OK)
            return rc;
    }
    return SVCM_OK;
}

/* ---------------------------------------------------------- assembling */

static int range(scan *c, const fields *f, int which, int lo, int hi, const char *msg)
{
    int v[7] = {f->year, f->month, f->day, f->hour, f->minute, f->second, f->yday};
    if (v[which] < lo || v[which] > hi)
        return svcm__error_at(c->err, SVCM_EFORMAT, SVCM_NO_INDEX, 0,
                              c->base + (f->col[which] ? f->col[which] : 1), f->name[which],
                              "%s", msg);
    return SVCM_OK;
}

/* %j and %I/%p into month/day and hour. */
static int resolve(scan *c, fields *f)
{
    if (f->hour12 >= 0) {
        if (f->hour12 < 1 || f->hour12 > 12)
            return fail(c, f->col[F_HOUR] - 1, f->name[F_HOUR], "hour must be 1..12 with AM/PM");
        f->hour = f->hour12 % 12 + (f->pm ? 12 : 0);
    }
    if (f->yday >= 0) {
        int leap = svcm_time_days_in_month(f->year, 2) == 29;
        int rc = range(c, f, F_YDAY, 1, 365 + leap, "day of the year out of range");
        if (rc != SVCM_OK)
            return rc;
        int d = f->yday;
        f->month = 1;
        while (d > svcm_time_days_in_month(f->year, f->month))
            d -= svcm_time_days_in_month(f->year, f->month++);
        f->day = d;
    }
    return SVCM_OK;
}

static int check_ranges(scan *c, const fields *f)
{
    int rc = range(c, f, F_MONTH, 1, 12, "month must be 1..12");
    if (rc == SVCM_OK)
        rc = range(c, f, F_DAY, 1, svcm_time_days_in_month(f->year, f->month),
                   "day out of range for that month");
    if (rc == SVCM_OK)
        rc = range(c, f, F_HOUR, 0, 23, "hour must be 0..23");
    if (rc == SVCM_OK)
        rc = range(c, f, F_MINUTE, 0, 59, "minute must be 0..59");
    if (rc == SVCM_OK)
        rc = range(c, f, F_SECOND, 0, 60, "second must be 0..60 (60: leap second)");
    return rc;
}

/* Fields -> Unix seconds; second 60 is :59 plus one second. */
static int assemble(scan *c, fields *f, const svcm_time_options *o, const svcm_zone *zone,
                    int64_t *out)
{
    int rc = resolve(c, f);
    if (rc == SVCM_OK)
        rc = check_ranges(c, f);
    if (rc != SVCM_OK)
        return rc;
    svcm_civil cv = {f->year, (uint8_t)f->month, (uint8_t)f->day, (uint8_t)f->hour,
                     (uint8_t)f->minute, (uint8_t)(f->second == 60 ? 59 : f->second), 0};
    int64_t t;
    if (f->has_offset || zone == NULL) {
        rc = svcm_time_from_civil(&cv, &t, c->err);
        t -= f->has_offset ? f->offset : 0;
    } else {
        rc = svcm_zone_from_local(zone, &cv, o->ambiguous, &t, c->err);
    }
    if (rc == SVCM_OK)
        *out = t + (f->second == 60);
    return rc;
}

/* -------------------------------------------------------------- epochs */

/* [+-]digits[.digits] as seconds or milliseconds. */
static int epoch(scan *c, svcm_time_epoch unit, int64_t *sec, int32_t *ns)
{
    bool neg = at(c) == '-';
    c->pos += at(c) == '-' || at(c) == '+';
    size_t start = c->pos;
    uint64_t v = 0, lim = unit == SVCM_TIME_EPOCH_MS ? UINT64_MAX : (uint64_t)INT64_MAX;
    while (digit(at(c))) {
        uint64_t d = (uint64_t)(at(c) - '0');
        if (v > (lim - d) / 10)
            return svcm__error_at(c->err, SVCM_ERANGE, SVCM_NO_INDEX, 0, c->base + start + 1,
                                  "time", "epoch value out of range");
        v = v * 10 + d;
        c->pos++;
    }
    if (c->pos == start)
        return fail(c, start, "time", "expected an epoch number (digits)");
    fields f;
    init_fields(&f);
    if (at(c) == '.') {
        c->pos++;
        int rc = fraction(c, &f, "time");
        if (rc != SVCM_OK)
            return rc;
    }
    if (c->pos != c->n)
        return fail(c, c->pos, "time", "unexpected text after the epoch number");
    uint64_t whole = v;
    int64_t frac = f.nanos;
    if (unit == SVCM_TIME_EPOCH_MS)
        whole = v / 1000, frac = (int64_t)(v % 1000) * 1000000 + f.nanos / 1000;
    *sec = neg ? -(int64_t)whole - (frac > 0) : (int64_t)whole;
    *ns = (int32_t)(neg && frac > 0 ? 1000000000 - frac : frac);
    return SVCM_OK;
}

/* ----------------------------------------------------------------- API */

void svcm_time_options_init(svcm_time_options *opts)
{
    if (opts == NULL)
        return;
    opts->format = NULL;
    opts->epoch = SVCM_TIME_EPOCH_NONE;
    opts->ambiguous = SVCM_TIME_AMBIGUOUS_EARLIER;
}

static int check_options(const svcm_time_options *o, svcm_error *err)
{
    if ((unsigned)o->epoch > SVCM_TIME_EPOCH_MS)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "epoch", "epoch must be NONE, S or MS");
    if (o->epoch != SVCM_TIME_EPOCH_NONE && o->format != NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "epoch",
                           "set either a format or an epoch unit, not both");
    if ((unsigned)o->ambiguous > SVCM_TIME_AMBIGUOUS_ERROR)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "ambiguous",
                           "ambiguous must be EARLIER, LATER or ERROR");
    return o->format == NULL ? SVCM_OK : check_format(o->format, err);
}

static int parse_text(scan *c, const svcm_time_options *o, const svcm_zone *zone,
                      int64_t *sec, int32_t *ns)
{
    if (o->epoch != SVCM_TIME_EPOCH_NONE)
        return epoch(c, o->epoch, sec, ns);
    fields f;
    init_fields(&f);
    int rc = o->format ? formatted(c, &f, o->format) : iso(c, &f);
    if (rc == SVCM_OK && c->pos != c->n)
        rc = fail(c, c->pos, "time",
                  o->format ? "unexpected text after the format" : "unexpected text after the time");
    if (rc == SVCM_OK)
        rc = assemble(c, &f, o, zone, sec);
    if (rc == SVCM_OK)
        *ns = f.nanos;
    return rc;
}

int svcm_time_parse(const char *text, size_t len, const svcm_time_options *opts,
                    const svcm_zone *zone, int64_t *seconds, int32_t *nanos, svcm_error *err)
{
    svcm_time_options defaults;
    svcm_time_options_init(&defaults);
    const svcm_time_options *o = opts != NULL ? opts : &defaults;
    if (seconds == NULL || (text == NULL && len > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, seconds ? "text" : "seconds",
                           "NULL argument");
    int rc = check_options(o, err);
    if (rc != SVCM_OK)
        return rc;
    size_t b = 0, e = len;
    while (b < e && (text[b] == ' ' || text[b] == '\t'))
        b++;
    while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t'))
        e--;
    scan c = {text ? text + b : "", e - b, 0, b, err};
    if (c.n == 0)
        return fail(&c, 0, "time", "empty timestamp");
    int64_t s = 0;
    int32_t ns = 0;
    rc = parse_text(&c, o, zone, &s, &ns);
    if (rc != SVCM_OK)
        return rc;
    *seconds = s;
    if (nanos != NULL)
        *nanos = ns;
    return SVCM_OK;
}
