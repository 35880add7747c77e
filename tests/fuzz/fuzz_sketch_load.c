/* svcm_sketch_load on arbitrary bytes. A loaded sketch must save -> load ->
 * save to the same bytes, answer quantiles 0, 0.5 and 1 in order and
 * within [min, max], and merge with itself (doubling its count). */
#include "fuzz.h"

#include <math.h>
#include <svcm/sketch.h>

static unsigned char *save_all(const svcm_sketch *s, size_t *len)
{
    size_t need = 0;
    FUZZ_CHECK(svcm_sketch_save(s, NULL, 0, &need) == SVCM_ENOSPC);
    unsigned char *buf = malloc(need);
    FUZZ_CHECK(buf != NULL);
    size_t got = 0;
    FUZZ_CHECK(svcm_sketch_save(s, buf, need, &got) == SVCM_OK);
    FUZZ_CHECK(got == need);
    *len = got;
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    svcm_sketch *s = NULL;
    if (svcm_sketch_load(data, size, NULL, &s, NULL) != SVCM_OK)
        return 0;
    FUZZ_CHECK(s != NULL);

    size_t la = 0, lb = 0;
    unsigned char *a = save_all(s, &la);
    svcm_sketch *t = NULL;
    FUZZ_CHECK(svcm_sketch_load(a, la, NULL, &t, NULL) == SVCM_OK);
    unsigned char *b = save_all(t, &lb);
    FUZZ_CHECK(la == lb && memcmp(a, b, la) == 0);

    struct svcm_sketch_result st;
    FUZZ_CHECK(svcm_sketch_result(s, &st) == SVCM_OK);
    FUZZ_CHECK(st.count == svcm_sketch_count(s));
    FUZZ_CHECK(st.zero_count <= st.count);
    const double qs[3] = {0.0, 0.5, 1.0};
    double q[3];
    svcm_error err;
    int rc = svcm_sketch_quantiles(s, qs, 3, q, &err);
    if (st.count == 0) {
        FUZZ_CHECK(rc == SVCM_EEMPTY);
    } else {
        FUZZ_CHECK(rc == SVCM_OK);
        FUZZ_CHECK(q[0] <= q[1] && q[1] <= q[2]);
        FUZZ_CHECK(q[0] >= st.min && q[2] <= st.max);
        double one;
        FUZZ_CHECK(svcm_sketch_quantile(s, 0.5, &one) == SVCM_OK);
        FUZZ_CHECK(memcmp(&one, &q[1], sizeof one) == 0);
    }

    /* merged into an empty sketch of the same settings: same answers */
    svcm_sketch_options o;
    FUZZ_CHECK(svcm_sketch_get_options(s, &o) == SVCM_OK);
    svcm_sketch *e = NULL;
    FUZZ_CHECK(svcm_sketch_new(&o, NULL, &e, NULL) == SVCM_OK);
    rc = svcm_sketch_merge(e, s);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ENOMEM);
    if (rc == SVCM_OK) {
        FUZZ_CHECK(svcm_sketch_count(e) == st.count);
        if (st.count > 0) {
            double m[3];
            FUZZ_CHECK(svcm_sketch_quantiles(e, qs, 3, m, &err) == SVCM_OK);
            FUZZ_CHECK(memcmp(m, q, sizeof m) == 0);
        }
    }
    svcm_sketch_free(e);

    rc = svcm_sketch_merge(t, t);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ERANGE || rc == SVCM_ENOMEM);
    if (rc == SVCM_OK) {
        FUZZ_CHECK(svcm_sketch_count(t) == 2 * st.count);
        double m[3];
        if (st.count > 0) {
            FUZZ_CHECK(svcm_sketch_quantiles(t, qs, 3, m, &err) == SVCM_OK);
            FUZZ_CHECK(m[0] <= m[1] && m[1] <= m[2]);
            /* min and max do not move when every value is doubled up */
            FUZZ_CHECK(memcmp(&m[0], &q[0], sizeof m[0]) == 0);
            FUZZ_CHECK(memcmp(&m[2], &q[2], sizeof m[2]) == 0);
        }
        size_t lc = 0;
        unsigned char *c = save_all(t, &lc);
        svcm_sketch *u = NULL;
        FUZZ_CHECK(svcm_sketch_load(c, lc, NULL, &u, NULL) == SVCM_OK);
        svcm_sketch_free(u);
        free(c);
    }
    (void)svcm_sketch_add(s, 1.0);

    free(a);
    free(b);
    svcm_sketch_free(s);
    svcm_sketch_free(t);
    return 0;
}
