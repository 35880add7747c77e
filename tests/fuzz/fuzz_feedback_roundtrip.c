/* Builds a feedback accumulator from the input (first bytes: kind, shape
 * (bit 0: a custom scale; bits 1-2: CSAT method, 3-4: CES method, 5: NPS
 * interval), scale and top boxes; the rest: one score per byte), then
 * save -> load -> save must give the same bytes, histogram and result. */
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
    fuzz_reader in = {data, size};
    int kind = (int)(fuzz_take(&in, 1) % 3);
    unsigned shape = (unsigned)fuzz_take(&in, 1);
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, kind);
    if (shape & 1) { /* a custom scale: low in [-128, 127], 2..256 levels */
        o.low = (int8_t)fuzz_take(&in, 1);
        o.high = o.low + 1 + (int32_t)fuzz_take(&in, 1);
        o.top_boxes = 1 + (uint32_t)fuzz_take(&in, 1) % 8;
    }
    o.csat_method = (svcm_csat_method)((shape >> 1) % 4); /* 3: unknown, refused */
    o.ces_method = (svcm_ces_method)((shape >> 3) % 4);
    o.nps_interval = (svcm_nps_interval)((shape >> 5) & 1);
    svcm_feedback *f = NULL;
    if (svcm_feedback_new(&o, NULL, &f, NULL) != SVCM_OK) {
        /* e.g. NPS on a custom scale, too many top boxes, CES top off 1-7 */
        FUZZ_CHECK(f == NULL);
        return 0;
    }
    int64_t levels = (int64_t)o.high - o.low + 1;

    /* Each byte is a score: mostly on the scale; 0xFF is a fraction, 0xFE
     * one past the top, 0xFD NaN and 0xFC -inf, which must be refused
     * without changing f. */
    size_t n = in.n;
    double *scores = malloc((n ? n : 1) * sizeof *scores);
    FUZZ_CHECK(scores != NULL);
    bool bad = false;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = in.p[i];
        if (b == 0xFF) {
            scores[i] = o.low + 0.5;
            bad = true;
        } else if (b == 0xFE) {
            scores[i] = (double)o.high + 1;
            bad = true;
        } else if (b == 0xFD) {
            scores[i] = NAN;
            bad = true;
        } else if (b == 0xFC) {
            scores[i] = -INFINITY;
            bad = true;
        } else {
            scores[i] = (double)(o.low + (int64_t)b % levels);
        }
    }
    svcm_error err;
    int rc = svcm_feedback_add_batch(f, scores, n, &err);
    FUZZ_CHECK(bad ? rc == SVCM_EINVAL : rc == SVCM_OK);
    if (bad) { /* the detail names the first bad score */
        FUZZ_CHECK(err.code == rc && err.index < n);
        FUZZ_CHECK(err.field != NULL && strcmp(err.field, "score") == 0);
        for (size_t i = 0; i < err.index; i++)
            FUZZ_CHECK(in.p[i] < 0xFC);
        FUZZ_CHECK(in.p[err.index] >= 0xFC);
    }
    FUZZ_CHECK(svcm_feedback_count(f) == (bad ? 0 : n));
    if (bad) { /* the good prefix one by one instead */
        for (size_t i = 0; i < err.index; i++)
            FUZZ_CHECK(svcm_feedback_add(f, scores[i]) == SVCM_OK);
        FUZZ_CHECK(svcm_feedback_add(f, scores[err.index]) == SVCM_EINVAL);
    }

    size_t la = 0, lb = 0;
    unsigned char *a = save_all(f, &la);
    svcm_feedback *g = NULL;
    FUZZ_CHECK(svcm_feedback_load(a, la, NULL, &g, NULL) == SVCM_OK);
    unsigned char *b = save_all(g, &lb);
    FUZZ_CHECK(la == lb && memcmp(a, b, la) == 0);

    uint64_t hf[SVCM_FEEDBACK_MAX_LEVELS], hg[SVCM_FEEDBACK_MAX_LEVELS];
    FUZZ_CHECK(svcm_feedback_histogram(f, hf, (size_t)levels) == SVCM_OK);
    FUZZ_CHECK(svcm_feedback_histogram(g, hg, (size_t)levels) == SVCM_OK);
    FUZZ_CHECK(memcmp(hf, hg, (size_t)levels * sizeof hf[0]) == 0);

    struct svcm_feedback_result sf, sg;
    int rf = svcm_feedback_result(f, 0.9, &sf);
    int rg = svcm_feedback_result(g, 0.9, &sg);
    FUZZ_CHECK(rf == rg);
    if (rf == SVCM_OK) {
        FUZZ_CHECK(memcmp(&sf.value, &sg.value, sizeof sf.value) == 0);
        FUZZ_CHECK(memcmp(&sf.ci, &sg.ci, sizeof sf.ci) == 0);
        FUZZ_CHECK(sf.csat_method == o.csat_method || o.kind != SVCM_FEEDBACK_KIND_CSAT);
        /* The adjusted-Wald NPS interval is centred on the adjusted
         * estimate: it need not hold the plain score. */
        if (!(o.kind == SVCM_FEEDBACK_KIND_NPS && o.nps_interval == SVCM_NPS_INTERVAL_ADJUSTED))
            FUZZ_CHECK(sf.ci.lo <= sf.value && sf.value <= sf.ci.hi);
        FUZZ_CHECK(sf.ci.lo <= sf.ci.hi);
    }

    free(scores);
    free(a);
    free(b);
    svcm_feedback_free(f);
    svcm_feedback_free(g);
    return 0;
}
