/* svcm_moments_load on arbitrary bytes; whatever loads must save, load
 * again and save to the same bytes, and its statistics must be callable. */
#include "fuzz.h"

#include <math.h>
#include <svcm/stats.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    svcm_moments m;
    if (svcm_moments_load(data, size, &m, NULL) != SVCM_OK)
        return 0;
    FUZZ_CHECK(size == SVCM_MOMENTS_SAVED_SIZE);

    unsigned char a[SVCM_MOMENTS_SAVED_SIZE], b[SVCM_MOMENTS_SAVED_SIZE];
    size_t la = 0, lb = 0;
    FUZZ_CHECK(svcm_moments_save(&m, a, sizeof a, &la) == SVCM_OK);
    FUZZ_CHECK(la == SVCM_MOMENTS_SAVED_SIZE);
    svcm_moments m2;
    FUZZ_CHECK(svcm_moments_load(a, la, &m2, NULL) == SVCM_OK);
    FUZZ_CHECK(svcm_moments_save(&m2, b, sizeof b, &lb) == SVCM_OK);
    FUZZ_CHECK(la == lb && memcmp(a, b, la) == 0);

    double var;
    if (svcm_moments_variance(&m, &var) == SVCM_OK)
        FUZZ_CHECK(!(var < 0));
    svcm_interval ci;
    (void)svcm_moments_mean_ci(&m, 0.95, &ci);
    svcm_moments d = m;
    (void)svcm_moments_merge(&d, &m);
    (void)svcm_moments_add(&d, 1.0);
    return 0;
}
