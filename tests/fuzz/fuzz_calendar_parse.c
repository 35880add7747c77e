/* svcm_calendar_parse on arbitrary text. A parsed calendar must write text
 * that parses back to the same text, and its queries must agree with each
 * other on instants derived from the input:
 *   0 <= bs(a, b) <= b - a,  bs(a, b) + bs(b, c) == bs(a, c),
 *   bs(b, a) == -bs(a, b),   add(a, bs(a, b)) <= b with the same count,
 *   add(a, k) is k business seconds after a,  next_open(a) is open.
 * Zoned calendars (a `zone =` line: POSIX rules, fixed offsets, or zone
 * names read from the system's zone files) take instants of the years
 * 0000..9999 only, with spans of up to 40 years (a zoned query probes the
 * zone once per day of its span); a zone name without a file is refused
 * with SVCM_ENOTFOUND at its line. The round trip (parse -> format -> parse
 * -> format) must give the same text either way. */
#include "fuzz.h"

#include <svcm/calendar.h>

static char *text_of(const svcm_calendar *cal, size_t *len)
{
    size_t need = 0;
    FUZZ_CHECK(svcm_calendar_format(cal, NULL, 0, &need) == SVCM_ENOSPC);
    char *buf = malloc(need + 1);
    FUZZ_CHECK(buf != NULL);
    size_t got = 0;
    FUZZ_CHECK(svcm_calendar_format(cal, buf, need + 1, &got) == SVCM_OK);
    FUZZ_CHECK(got == need && buf[got] == '\0');
    *len = got;
    return buf;
}

static uint64_t mix(uint64_t h)
{ /* splitmix64 finaliser (Steele, Lea & Flood 2014) */
    h ^= h >> 30;
    h *= UINT64_C(0xbf58476d1ce4e5b9);
    h ^= h >> 27;
    h *= UINT64_C(0x94d049bb133111eb);
    return h ^ (h >> 31);
}

/* The instants a calendar takes: +-SVCM_CALENDAR_TIME_MAX, or for a zoned
 * one 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z. */
static int64_t t_min, t_max;

static int64_t clamp_time(int64_t t)
{
    if (t > t_max)
        return t_max;
    if (t < t_min)
        return t_min;
    return t;
}

static void check_queries(const svcm_calendar *cal, int64_t a, int64_t b, int64_t c)
{
    int64_t ab, bc, ac, ba;
    FUZZ_CHECK(svcm_calendar_business_seconds(cal, a, b, &ab) == SVCM_OK);
    FUZZ_CHECK(svcm_calendar_business_seconds(cal, b, c, &bc) == SVCM_OK);
    FUZZ_CHECK(svcm_calendar_business_seconds(cal, a, c, &ac) == SVCM_OK);
    FUZZ_CHECK(svcm_calendar_business_seconds(cal, b, a, &ba) == SVCM_OK);
    FUZZ_CHECK(ab >= 0 && ab <= b - a);
    FUZZ_CHECK(ab + bc == ac);
    FUZZ_CHECK(ba == -ab);

    int64_t t;
    FUZZ_CHECK(svcm_calendar_add_business_seconds(cal, a, ab, &t) == SVCM_OK);
    FUZZ_CHECK(t >= a && t <= b);
    int64_t at;
    FUZZ_CHECK(svcm_calendar_business_seconds(cal, a, t, &at) == SVCM_OK);
    FUZZ_CHECK(at == ab);

    /* a short step: a ticket due in an hour and a bit of business time */
    int64_t k = (int64_t)(mix((uint64_t)a) % 7200) + 1;
    int rc = svcm_calendar_add_business_seconds(cal, a, k, &t);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ENOTFOUND || rc == SVCM_ERANGE);
    if (rc == SVCM_OK) {
        FUZZ_CHECK(t > a);
        FUZZ_CHECK(svcm_calendar_business_seconds(cal, a, t, &at) == SVCM_OK);
        FUZZ_CHECK(at == k);
        FUZZ_CHECK(svcm_calendar_business_seconds(cal, a, t - 1, &at) == SVCM_OK);
        FUZZ_CHECK(at == k - 1);
    }

    rc = svcm_calendar_next_open(cal, a, &t);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ENOTFOUND || rc == SVCM_ERANGE);
    if (rc == SVCM_OK) {
        bool open = false;
        FUZZ_CHECK(t >= a);
        FUZZ_CHECK(svcm_calendar_is_open(cal, t, &open) == SVCM_OK && open);
        FUZZ_CHECK(svcm_calendar_business_seconds(cal, a, t, &at) == SVCM_OK);
        FUZZ_CHECK(at == 0);
    }

    const int64_t starts[3] = {a, b, a}, ends[3] = {b, c, c};
    int64_t out[3];
    FUZZ_CHECK(svcm_calendar_business_seconds_batch(cal, starts, ends, 3, out, NULL) == SVCM_OK);
    FUZZ_CHECK(out[0] == ab && out[1] == bc && out[2] == ac);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    svcm_calendar *cal = NULL;
    svcm_error err;
    memset(&err, 0, sizeof err); /* an unfilled detail shows as code 0 */
    int rc = svcm_calendar_parse((const char *)data, size, NULL, &cal, &err);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_EFORMAT || rc == SVCM_ENOTFOUND || rc == SVCM_EIO);
    if (rc != SVCM_OK) {
        FUZZ_CHECK(rc == SVCM_EFORMAT || strcmp(err.field, "zone") == 0);
        fuzz_check_line_error(&err, rc, data, size, 0);
        return 0;
    }
    FUZZ_CHECK(fuzz_utf8_valid(data, size, NULL)); /* accepted text is UTF-8 */

    size_t l1 = 0, l2 = 0;
    char *t1 = text_of(cal, &l1);
    svcm_calendar *again = NULL;
    rc = svcm_calendar_parse(t1, l1, NULL, &again, &err);
    if (rc != SVCM_OK)
        fprintf(stderr, "re-parse failed at %zu:%zu (%s): %s\n--\n%s--\n",
                err.line, err.column, err.field ? err.field : "-", err.message, t1);
    FUZZ_CHECK(rc == SVCM_OK);
    char *t2 = text_of(again, &l2);
    FUZZ_CHECK(l1 == l2 && memcmp(t1, t2, l1) == 0);
    bool zoned = l1 >= 7 && memcmp(t1, "zone = ", 7) == 0;
    t_min = zoned ? INT64_C(-62167219200) : -SVCM_CALENDAR_TIME_MAX;
    t_max = zoned ? INT64_C(253402300799) : SVCM_CALENDAR_TIME_MAX;
    /* Zoned: an instant just outside the years 0000..9999 is refused. */
    if (zoned) {
        int64_t v;
        bool open;
        FUZZ_CHECK(svcm_calendar_business_seconds(cal, t_min - 1, 0, &v) == SVCM_ERANGE);
        FUZZ_CHECK(svcm_calendar_is_open(cal, t_max + 1, &open) == SVCM_ERANGE);
    }

    /* Instants: a hash of the input picks a start anywhere in the range and
     * two spans (up to ~3 years, then up to the whole range). */
    uint64_t h = UINT64_C(1469598103934665603);
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * UINT64_C(1099511628211);
    uint64_t r1 = mix(h), r2 = mix(r1), r3 = mix(r2);
    int64_t a = t_min + (int64_t)(r1 % ((uint64_t)t_max - (uint64_t)t_min + 1));
    if (r3 & 1) /* mostly near today, where real tickets live */
        a = INT64_C(1767225600) + (int64_t)(r1 % (UINT64_C(40) * 365 * 86400)) -
            INT64_C(20) * 365 * 86400;
    int64_t b = clamp_time(a + (int64_t)(r2 % (UINT64_C(3) * 366 * 86400)));
    uint64_t far = zoned ? UINT64_C(40) * 366 * 86400 : (uint64_t)SVCM_CALENDAR_TIME_MAX;
    int64_t c = clamp_time(b + (int64_t)(r3 % far));
    check_queries(cal, a, b, c);
    check_queries(again, a, b, c);
    if (zoned) /* both ends of the range, with spans of a few years */
        check_queries(cal, t_min, clamp_time(t_min + (int64_t)(r2 % far)),
                      clamp_time(t_min + 2 * (int64_t)(r2 % far)));
    else
        check_queries(cal, -SVCM_CALENDAR_TIME_MAX, a, SVCM_CALENDAR_TIME_MAX);
    if (zoned)
        check_queries(cal, clamp_time(t_max - 2 * (int64_t)(r2 % far)),
                      clamp_time(t_max - (int64_t)(r2 % far)), t_max);

    free(t1);
    free(t2);
    svcm_calendar_free(cal);
    svcm_calendar_free(again);
    return 0;
}
