/* svcm_zone_load on arbitrary bytes, and svcm_zone_new on them as a spec
 * (POSIX TZ strings; TZDIR points nowhere, so no file is read). A refusal
 * is SVCM_EFORMAT (or ENOTFOUND / EINVAL for specs) with a message; an
 * accepted zone gives offsets under 26 hours and an abbreviation at
 * instants taken from the input, local times that map back to UTC, and
 * is_dst in {0, 1}. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include "fuzz.h"

#include <svcm/time.h>

static void query(const svcm_zone *z, fuzz_reader *r)
{
    for (int i = 0; i < 8; i++) {
        int64_t t = (int64_t)fuzz_take(r, 8);
        if (i < 4)
            t %= INT64_C(20000000000); /* years ~1336..2603 */
        int32_t off = 0;
        int dst = -1;
        FUZZ_CHECK(svcm_zone_offset(z, t, &off, &dst) == SVCM_OK);
        FUZZ_CHECK(off > -93600 && off < 93600);
        FUZZ_CHECK(dst == 0 || dst == 1);
        FUZZ_CHECK(svcm_zone_abbrev(z, t) != NULL);
        svcm_civil c;
        if (svcm_zone_to_local(z, t, &c, NULL) != SVCM_OK)
            continue;
        int64_t e = 0, l = 0;
        FUZZ_CHECK(svcm_zone_from_local(z, &c, SVCM_TIME_AMBIGUOUS_EARLIER, &e, NULL) == SVCM_OK);
        FUZZ_CHECK(svcm_zone_from_local(z, &c, SVCM_TIME_AMBIGUOUS_LATER, &l, NULL) == SVCM_OK);
        FUZZ_CHECK(e - t < 2 * 93600 && t - e < 2 * 93600);
        FUZZ_CHECK(l - t < 2 * 93600 && t - l < 2 * 93600);
    }
}

static void check_refusal(int rc, const svcm_error *err)
{
    if (fuzz_lenient())
        return;
    FUZZ_CHECK(err->code == rc);
    FUZZ_CHECK(err->message[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setenv("TZDIR", "/nonexistent-svcm-fuzz", 1);
    svcm_zone *z = NULL;
    svcm_error err;
    int rc = svcm_zone_load(data, size, NULL, &z, &err);
    fuzz_reader r = {data, size};
    if (rc == SVCM_OK) {
        query(z, &r);
        svcm_zone_free(z);
    } else {
        FUZZ_CHECK(rc == SVCM_EFORMAT || (size == 0 && rc == SVCM_EINVAL));
        check_refusal(rc, &err);
    }
    char *spec = fuzz_strdup(data, size < 300 ? size : 300);
    FUZZ_CHECK(spec != NULL);
    rc = svcm_zone_new(spec, NULL, &z, &err);
    if (rc == SVCM_OK) {
        r = (fuzz_reader){data, size};
        query(z, &r);
        svcm_zone_free(z);
    } else {
        FUZZ_CHECK(rc == SVCM_EFORMAT || rc == SVCM_ENOTFOUND || rc == SVCM_EINVAL ||
                   rc == SVCM_EIO);
        check_refusal(rc, &err);
    }
    free(spec);
    return 0;
}
