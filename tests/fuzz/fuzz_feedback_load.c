/* svcm_feedback_load on arbitrary bytes. A loaded accumulator must save,
 * load and save again to the same bytes, and its summaries must work. */
#include "fuzz.h"

#include <math.h>
#include <svcm/kpi.h>

static unsigned char *save_all(const svcm_feedback *f, size_t *len)
{
    size_t need = 0;
    FUZZ_CHECK(svcm_feedback_save(f, NULL, 0, &need) == SVCM_ENOSPC);
    unsigned char *buf = malloc(need);
    FUZZ_CHECK(buf != NULL);
    size_t got = 0;
    FUZZ_CHECK(svcm_feedback_save(f, buf, need, &got) == SVCM_OK);
    FUZZ_CHECK(got == need);
    *len = got;
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    svcm_feedback *f = NULL;
    if (svcm_feedback_load(data, size, NULL, &f, NULL) != SVCM_OK)
        return 0;
    FUZZ_CHECK(f != NULL);

    size_t la = 0, lb = 0;
    unsigned char *a = save_all(f, &la);
    svcm_feedback *g = NULL;
    FUZZ_CHECK(svcm_feedback_load(a, la, NULL, &g, NULL) == SVCM_OK);
    unsigned char *b = save_all(g, &lb);
    FUZZ_CHECK(la == lb && memcmp(a, b, la) == 0);
    FUZZ_CHECK(svcm_feedback_count(f) == svcm_feedback_count(g));

    svcm_feedback_options o;
    FUZZ_CHECK(svcm_feedback_get_options(f, &o) == SVCM_OK);
    FUZZ_CHECK(o.low < o.high);
    size_t levels = (size_t)((int64_t)o.high - o.low + 1);
    FUZZ_CHECK(levels <= SVCM_FEEDBACK_MAX_LEVELS);
    uint64_t hist[SVCM_FEEDBACK_MAX_LEVELS];
    if (svcm_feedback_histogram(f, hist, levels) == SVCM_OK) {
        uint64_t sum = 0;
        for (size_t i = 0; i < levels; i++)
            sum += hist[i];
        FUZZ_CHECK(sum == svcm_feedback_count(f));
    }

    struct svcm_feedback_result s;
    if (svcm_feedback_result(f, 0.95, &s) == SVCM_OK) {
        FUZZ_CHECK(s.n == svcm_feedback_count(f));
        FUZZ_CHECK(!isnan(s.value));
        FUZZ_CHECK(s.ci.lo <= s.ci.hi);
    }
    struct svcm_test_result t;
    (void)svcm_feedback_compare(f, g, 0.95, &t);
    int rc = svcm_feedback_merge(g, f);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ERANGE);
    rc = svcm_feedback_merge(f, f);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ERANGE);
    (void)svcm_feedback_add(f, (double)o.low);

    free(a);
    free(b);
    svcm_feedback_free(f);
    svcm_feedback_free(g);
    return 0;
}
