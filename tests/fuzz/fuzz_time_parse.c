/* svcm_time_parse on arbitrary text. The first byte picks the mode (ISO
 * 8601, epoch s, epoch ms, a format string, and whether a zone is given);
 * in format mode the format is the text up to the first newline. Checked:
 * refusals carry the status, a message, line 0 and a column inside the
 * text (or just after it); accepted instants have nanoseconds in range, and
 * written back as ISO 8601 UTC they parse to the same instant. */
#include "fuzz.h"

#include <svcm/time.h>

static void check_error(const svcm_error *err, int rc, size_t len)
{
    if (fuzz_lenient())
        return;
    FUZZ_CHECK(err->code == rc);
    FUZZ_CHECK(err->message[0] != '\0');
    FUZZ_CHECK(err->line == 0);
    if (rc == SVCM_EFORMAT)
        FUZZ_CHECK(err->column >= 1 && err->column <= len + 1);
}

static size_t put(char *p, int64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
    return (size_t)width;
}

/* ISO text of (s, ns) in UTC and back through the parser. */
static void round_trip(int64_t s, int32_t ns)
{
    svcm_civil c;
    if (svcm_time_to_civil(s, &c) != SVCM_OK)
        return;
    char b[40];
    size_t n = put(b, c.year, 4);
    b[n++] = '-', n += put(b + n, c.month, 2), b[n++] = '-', n += put(b + n, c.day, 2);
    b[n++] = 'T', n += put(b + n, c.hour, 2), b[n++] = ':', n += put(b + n, c.minute, 2);
    b[n++] = ':', n += put(b + n, c.second, 2), b[n++] = '.', n += put(b + n, ns, 9);
    b[n++] = 'Z';
    int64_t s2;
    int32_t ns2;
    FUZZ_CHECK(svcm_time_parse(b, n, NULL, NULL, &s2, &ns2, NULL) == SVCM_OK);
    FUZZ_CHECK(s2 == s && ns2 == ns);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned mode = data[0];
    char *text = fuzz_strdup(data + 1, size - 1);
    FUZZ_CHECK(text != NULL);
    size_t len = size - 1;
    svcm_time_options o;
    svcm_time_options_init(&o);
    o.epoch = (svcm_time_epoch)(mode % 3);
    o.ambiguous = (svcm_time_ambiguous)((mode >> 4) % 3);
    const char *body = text;
    if ((mode & 4) && o.epoch == SVCM_TIME_EPOCH_NONE) {
        char *nl = memchr(text, '\n', len);
        if (nl != NULL) {
            *nl = '\0';
            o.format = text;
            body = nl + 1;
            len -= (size_t)(nl + 1 - text);
        }
    }
    svcm_zone *z = NULL;
    if (mode & 8)
        FUZZ_CHECK(svcm_zone_new("CET-1CEST,M3.5.0,M10.5.0/3", NULL, &z, NULL) == SVCM_OK);
    int64_t s = 0;
    int32_t ns = -1;
    svcm_error err;
    int rc = svcm_time_parse(body, len, &o, z, &s, &ns, &err);
    if (rc == SVCM_OK) {
        FUZZ_CHECK(ns >= 0 && ns <= 999999999);
        round_trip(s, ns);
    } else {
        FUZZ_CHECK(rc == SVCM_EFORMAT || rc == SVCM_EINVAL || rc == SVCM_ERANGE);
        check_error(&err, rc, len);
    }
    svcm_zone_free(z);
    free(text);
    return 0;
}
