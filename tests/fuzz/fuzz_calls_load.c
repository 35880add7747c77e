/* svcm_calls_load on arbitrary bytes. A loaded accumulator must save ->
 * load -> save to the same bytes, give a consistent result (sub-counts
 * within their totals, ratios in range or NaN), merge with itself into
 * doubled counts, and accept one more record. */
#include "fuzz.h"

#include <math.h>
#include <svcm/calls.h>

static unsigned char *save_all(const svcm_calls *c, size_t *len)
{
    size_t need = 0;
    FUZZ_CHECK(svcm_calls_save(c, NULL, 0, &need) == SVCM_ENOSPC);
    unsigned char *buf = malloc(need);
    FUZZ_CHECK(buf != NULL);
    size_t got = 0;
    FUZZ_CHECK(svcm_calls_save(c, buf, need, &got) == SVCM_OK);
    FUZZ_CHECK(got == need);
    *len = got;
    return buf;
}

static int unit_or_nan(double x) { return isnan(x) || (x >= 0.0 && x <= 1.0); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    svcm_calls *c = NULL;
    if (svcm_calls_load(data, size, NULL, &c, NULL) != SVCM_OK)
        return 0;
    FUZZ_CHECK(c != NULL);

    size_t la = 0, lb = 0;
    unsigned char *a = save_all(c, &la);
    FUZZ_CHECK(la == size && memcmp(a, data, la) == 0);
    svcm_calls *e = NULL;
    FUZZ_CHECK(svcm_calls_load(a, la, NULL, &e, NULL) == SVCM_OK);
    unsigned char *b = save_all(e, &lb);
    FUZZ_CHECK(la == lb && memcmp(a, b, la) == 0);

    struct svcm_calls_result r;
    FUZZ_CHECK(svcm_calls_result(c, &r) == SVCM_OK);
    FUZZ_CHECK(r.offered == r.answered + r.abandoned);
    FUZZ_CHECK(r.answered_within_target <= r.answered);
    FUZZ_CHECK(r.abandoned_within_target <= r.abandoned && r.abandoned_short <= r.abandoned);
    FUZZ_CHECK(unit_or_nan(r.service_level) && unit_or_nan(r.abandon_rate));
    FUZZ_CHECK(unit_or_nan(r.abandon_rate_excl_short));
    FUZZ_CHECK(isnan(r.asa_s) || r.asa_s >= 0);
    FUZZ_CHECK(isnan(r.longest_wait_s) || r.longest_wait_s <= r.wait_total_s);
    FUZZ_CHECK((r.offered == 0) == (isnan(r.longest_wait_s) != 0));

    int rc = svcm_calls_merge(e, e);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ERANGE);
    struct svcm_calls_result r2;
    FUZZ_CHECK(svcm_calls_result(e, &r2) == SVCM_OK);
    if (rc == SVCM_OK) {
        FUZZ_CHECK(r2.offered == 2 * r.offered && r2.other == 2 * r.other);
        size_t lc = 0;
        unsigned char *d = save_all(e, &lc);
        svcm_calls *f = NULL;
        FUZZ_CHECK(svcm_calls_load(d, lc, NULL, &f, NULL) == SVCM_OK);
        svcm_calls_free(f);
        free(d);
    } else {
        FUZZ_CHECK(r2.offered == r.offered && r2.other == r.other); /* unchanged */
    }
    svcm_calls_record rec = {0, 0, 10, 10, 70, SVCM_CALLS_OUTCOME_ANSWERED};
    rc = svcm_calls_add(c, &rec, NULL);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ERANGE);

    free(a);
    free(b);
    svcm_calls_free(c);
    svcm_calls_free(e);
    return 0;
}
