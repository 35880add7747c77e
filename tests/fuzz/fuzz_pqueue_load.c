/* svcm_pqueue_load on arbitrary bytes. A refusal is SVCM_EFORMAT naming a
 * field. A loaded queue must save -> load -> save to the same bytes, find
 * every request it pops in its copy, and pop in dispatch order (score
 * descending, due ascending, id ascending) both at its instant of scoring
 * and at another instant (the re-scoring path). */
#include "fuzz.h"

#include <svcm/priority.h>

static unsigned char *save_all(const svcm_pqueue *q, size_t *len)
{
    size_t need = 0;
    FUZZ_CHECK(svcm_pqueue_save(q, NULL, 0, &need) == SVCM_ENOSPC);
    unsigned char *buf = malloc(need);
    FUZZ_CHECK(buf != NULL);
    size_t got = 0;
    FUZZ_CHECK(svcm_pqueue_save(q, buf, need, &got) == SVCM_OK);
    FUZZ_CHECK(got == need);
    *len = got;
    return buf;
}

/* a is dispatched before b (the order documented in svcm/priority.h). */
static int before(const struct svcm_priority_result *a, const struct svcm_priority_result *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    if (a->due != b->due)
        return a->due < b->due;
    return a->id < b->id;
}

/* Pop everything at instant now; each popped request is in copy c. */
static void drain(svcm_pqueue *q, const svcm_pqueue *c, int64_t now)
{
    size_t n = svcm_pqueue_size(q);
    struct svcm_priority_result prev, cur;
    for (size_t k = 0; k < n; k++) {
        svcm_request r, other;
        FUZZ_CHECK(svcm_pqueue_pop(q, now, &r, &cur) == SVCM_OK);
        FUZZ_CHECK(cur.id == r.id && svcm_request_check(&r, NULL) == SVCM_OK);
        FUZZ_CHECK(svcm_pqueue_get(c, r.id, &other) == SVCM_OK);
        FUZZ_CHECK(other.id == r.id && other.created == r.created && other.due == r.due);
        FUZZ_CHECK(svcm_pqueue_get(q, r.id, NULL) == SVCM_ENOTFOUND);
        FUZZ_CHECK(k == 0 || before(&prev, &cur));
        prev = cur;
    }
    FUZZ_CHECK(svcm_pqueue_pop(q, now, NULL, NULL) == SVCM_EEMPTY);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t none[1] = {0};
    svcm_pqueue *q = NULL;
    svcm_error err;
    int rc = svcm_pqueue_load(size ? data : none, size, NULL, &q, &err);
    if (rc != SVCM_OK) {
        FUZZ_CHECK(rc == SVCM_EFORMAT && q == NULL);
        FUZZ_CHECK(fuzz_lenient() || err.field != NULL);
        return 0;
    }
    size_t la = 0, lb = 0;
    unsigned char *a = save_all(q, &la);
    svcm_pqueue *t = NULL;
    FUZZ_CHECK(svcm_pqueue_load(a, la, NULL, &t, &err) == SVCM_OK);
    unsigned char *b = save_all(t, &lb);
    FUZZ_CHECK(la == lb && memcmp(a, b, la) == 0);
    FUZZ_CHECK(svcm_pqueue_size(t) == svcm_pqueue_size(q));

    svcm_pqueue *u = NULL;
    FUZZ_CHECK(svcm_pqueue_load(b, lb, NULL, &u, &err) == SVCM_OK);

    int64_t now = svcm_pqueue_instant(q);
    drain(q, t, now);
    /* The copy at another instant: every entry is re-scored first. */
    int64_t later = now < INT64_MAX - 86400 ? now + 86400 : now - 86400;
    drain(t, u, later);
    free(a);
    free(b);
    svcm_pqueue_free(q);
    svcm_pqueue_free(t);
    svcm_pqueue_free(u);
    return 0;
}
