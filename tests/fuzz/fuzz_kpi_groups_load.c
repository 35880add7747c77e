/* svcm_kpi_groups_load on arbitrary bytes. A loaded object must save, load
 * and save again to the same bytes; its keys must be distinct, UTF-8 and
 * findable; every slot's reader must work; merging it with itself must
 * double its counts or refuse with SVCM_ERANGE, leaving it as it was. */
#include "fuzz.h"

#include <svcm/kpi.h>

static unsigned char *save_all(const svcm_kpi_groups *g, size_t *len)
{
    size_t need = 0;
    FUZZ_CHECK(svcm_kpi_groups_save(g, NULL, 0, &need) == SVCM_ENOSPC);
    unsigned char *buf = malloc(need);
    FUZZ_CHECK(buf != NULL);
    size_t got = 0;
    FUZZ_CHECK(svcm_kpi_groups_save(g, buf, need, &got) == SVCM_OK);
    FUZZ_CHECK(got == need);
    *len = got;
    return buf;
}

/* Total count of slot s of group k (answers, trials, durations, tickets). */
static uint64_t slot_total(const svcm_kpi_groups *g, size_t k, size_t s)
{
    svcm_kpi_slot sl;
    FUZZ_CHECK(svcm_kpi_groups_slot(g, s, &sl) == SVCM_OK);
    const svcm_feedback *f;
    const svcm_durations *d;
    svcm_rate r;
    struct svcm_kpi_groups_sla_result q;
    switch (sl.kind) {
    case SVCM_KPI_SLOT_KIND_FEEDBACK:
        FUZZ_CHECK(svcm_kpi_groups_feedback(g, k, s, &f) == SVCM_OK);
        return svcm_feedback_count(f);
    case SVCM_KPI_SLOT_KIND_RATE:
        FUZZ_CHECK(svcm_kpi_groups_rate(g, k, s, &r) == SVCM_OK);
        FUZZ_CHECK(r.successes <= r.trials);
        return r.trials;
    case SVCM_KPI_SLOT_KIND_DURATIONS:
        FUZZ_CHECK(svcm_kpi_groups_durations(g, k, s, &d) == SVCM_OK);
        return svcm_durations_count(d);
    default:
        FUZZ_CHECK(svcm_kpi_groups_sla_result(g, k, s, 0.95, &q, NULL) == SVCM_OK);
        FUZZ_CHECK(q.met + q.breached >= q.met); /* the total fits */
        /* Counts past 2^53 are rounded on the way to double: the rate may
         * then sit a rounding step outside the interval. */
        if (q.met + q.breached > 0)
            FUZZ_CHECK(0 <= q.ci.lo && q.ci.lo <= q.ci.hi && q.ci.hi <= 1 &&
                       q.ci.lo - 1e-12 <= q.rate && q.rate <= q.ci.hi + 1e-12);
        return q.met + q.breached + q.pending;
    }
}

static void check_keys(const svcm_kpi_groups *g)
{
    size_t n = svcm_kpi_groups_count(g);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    FUZZ_CHECK(order != NULL);
    FUZZ_CHECK(svcm_kpi_groups_order(g, order, n) == SVCM_OK);
    for (size_t i = 0; i < n; i++) {
        const char *key, *prev;
        size_t len, plen, j;
        FUZZ_CHECK(svcm_kpi_groups_key(g, order[i], &key, &len) == SVCM_OK);
        FUZZ_CHECK(fuzz_utf8_valid((const uint8_t *)key, len, NULL));
        FUZZ_CHECK(svcm_kpi_groups_find(g, key, len, &j) == SVCM_OK && j == order[i]);
        if (i == 0)
            continue;
        FUZZ_CHECK(svcm_kpi_groups_key(g, order[i - 1], &prev, &plen) == SVCM_OK);
        int c = memcmp(prev, key, plen < len ? plen : len);
        FUZZ_CHECK(c < 0 || (c == 0 && plen < len)); /* strictly increasing */
    }
    free(order);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    svcm_kpi_groups *g = NULL;
    svcm_error err;
    int rc = svcm_kpi_groups_load(data, size, NULL, &g, &err);
    if (rc != SVCM_OK) {
        FUZZ_CHECK(rc == SVCM_EFORMAT && g == NULL);
        FUZZ_CHECK(fuzz_lenient() || err.field != NULL);
        return 0;
    }
    size_t la = 0, lb = 0;
    unsigned char *a = save_all(g, &la);
    svcm_kpi_groups *h = NULL;
    FUZZ_CHECK(svcm_kpi_groups_load(a, la, NULL, &h, NULL) == SVCM_OK);
    unsigned char *b = save_all(h, &lb);
    FUZZ_CHECK(la == lb && memcmp(a, b, la) == 0);
    check_keys(g);
    size_t n = svcm_kpi_groups_count(g), ns = svcm_kpi_groups_slot_count(g);
    rc = svcm_kpi_groups_merge(h, h, NULL);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ERANGE);
    FUZZ_CHECK(svcm_kpi_groups_count(h) == n);
    for (size_t k = 0; k < n; k++)
        for (size_t s = 0; s < ns; s++)
            FUZZ_CHECK(slot_total(h, k, s) == (rc == SVCM_OK ? 2 : 1) * slot_total(g, k, s));
    free(a);
    free(b);
    svcm_kpi_groups_free(g);
    svcm_kpi_groups_free(h);
    return 0;
}
