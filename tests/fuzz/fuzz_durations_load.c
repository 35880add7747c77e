/* svcm_durations_load on arbitrary bytes. A loaded accumulator must save ->
 * load -> save to the same bytes, summarise consistently, answer quantiles
 * 0, 0.5 and 1 in order and merge with itself. */
#include "fuzz.h"

#include <math.h>
#include <svcm/sketch.h>

static unsigned char *save_all(const svcm_durations *d, size_t *len)
{
    size_t need = 0;
    FUZZ_CHECK(svcm_durations_save(d, NULL, 0, &need) == SVCM_ENOSPC);
    unsigned char *buf = malloc(need);
    FUZZ_CHECK(buf != NULL);
    size_t got = 0;
    FUZZ_CHECK(svcm_durations_save(d, buf, need, &got) == SVCM_OK);
    FUZZ_CHECK(got == need);
    *len = got;
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    svcm_durations *d = NULL;
    if (svcm_durations_load(data, size, NULL, &d, NULL) != SVCM_OK)
        return 0;
    FUZZ_CHECK(d != NULL);

    size_t la = 0, lb = 0;
    unsigned char *a = save_all(d, &la);
    svcm_durations *e = NULL;
    FUZZ_CHECK(svcm_durations_load(a, la, NULL, &e, NULL) == SVCM_OK);
    unsigned char *b = save_all(e, &lb);
    FUZZ_CHECK(la == lb && memcmp(a, b, la) == 0);

    uint64_t n = svcm_durations_count(d);
    struct svcm_durations_result r;
    int rc = svcm_durations_result(d, &r);
    const double qs[3] = {0.0, 0.5, 1.0};
    double q[3];
    svcm_error err;
    int rq = svcm_durations_quantiles(d, qs, 3, q, &err);
    if (n == 0) {
        FUZZ_CHECK(rc == SVCM_EEMPTY && rq == SVCM_EEMPTY);
    } else {
        FUZZ_CHECK(rc == SVCM_OK && rq == SVCM_OK);
        FUZZ_CHECK(r.count == n);
        FUZZ_CHECK(r.min >= 0 && r.min <= r.max);
        FUZZ_CHECK(q[0] <= q[1] && q[1] <= q[2]);
        FUZZ_CHECK(q[0] >= r.min && q[2] <= r.max);
        FUZZ_CHECK(r.p50 <= r.p90 && r.p90 <= r.p95 && r.p95 <= r.p99);
    }

    rc = svcm_durations_merge(e, e);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ERANGE || rc == SVCM_ENOMEM);
    if (rc == SVCM_OK) {
        FUZZ_CHECK(svcm_durations_count(e) == 2 * n);
        size_t lc = 0;
        unsigned char *c = save_all(e, &lc);
        svcm_durations *f = NULL;
        /* Only the mean may drift by rounding; the loader tolerates that
         * (documented: "mean times count against the sum"). */
        FUZZ_CHECK(svcm_durations_load(c, lc, NULL, &f, NULL) == SVCM_OK);
        svcm_durations_free(f);
        free(c);
    }
    rc = svcm_durations_add(d, 1.0);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ERANGE);

    free(a);
    free(b);
    svcm_durations_free(d);
    svcm_durations_free(e);
    return 0;
}
