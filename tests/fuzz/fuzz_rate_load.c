/* svcm_rate_load on arbitrary bytes: a loaded counter is consistent, saves
 * and loads back to the same bytes, and its interval is ordered. */
#include "fuzz.h"

#include <svcm/kpi.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    svcm_rate r;
    if (svcm_rate_load(data, size, &r, NULL) != SVCM_OK)
        return 0;
    FUZZ_CHECK(size == SVCM_RATE_SAVED_SIZE);
    FUZZ_CHECK(r.successes <= r.trials);
    FUZZ_CHECK(svcm_rate_kind_name((int)r.kind) != NULL);

    unsigned char a[SVCM_RATE_SAVED_SIZE], b[SVCM_RATE_SAVED_SIZE];
    size_t la = 0, lb = 0;
    FUZZ_CHECK(svcm_rate_save(&r, a, sizeof a, &la) == SVCM_OK);
    svcm_rate r2;
    FUZZ_CHECK(svcm_rate_load(a, la, &r2, NULL) == SVCM_OK);
    FUZZ_CHECK(svcm_rate_save(&r2, b, sizeof b, &lb) == SVCM_OK);
    FUZZ_CHECK(la == lb && memcmp(a, b, la) == 0);
    FUZZ_CHECK(r2.successes == r.successes && r2.trials == r.trials);

    struct svcm_rate_result s;
    if (svcm_rate_result(&r, 0.95, &s) == SVCM_OK) {
        FUZZ_CHECK(s.rate >= 0 && s.rate <= 1);
        FUZZ_CHECK(s.ci.lo <= s.ci.hi);
        FUZZ_CHECK(s.ci.lo >= 0 && s.ci.hi <= 1);
    }
    struct svcm_test_result t;
    (void)svcm_rate_compare(&r, &r2, 0.95, &t);
    svcm_rate d = r;
    int rc = svcm_rate_merge(&d, &r);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ERANGE);
    rc = svcm_rate_add(&d, true);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ERANGE);
    return 0;
}
