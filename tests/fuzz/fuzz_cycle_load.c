/* svcm_cycle_parse on arbitrary text. A loaded cycle must save, and
 * load(save(x)) must save to the same text; its read accessors must work on
 * every action, sample and audit entry it reports. */
#include "fuzz.h"

#include <svcm/pdca.h>

static char *save_all(const svcm_cycle *c, size_t *len)
{
    size_t need = 0;
    FUZZ_CHECK(svcm_cycle_format(c, NULL, 0, &need) == SVCM_ENOSPC);
    /* The text-writer contract: buf NULL is a size query whatever cap is;
     * cap = need leaves no room for the NUL: ENOSPC, len set, nothing
     * written; len NULL is refused. */
    size_t got = 0;
    FUZZ_CHECK(svcm_cycle_format(c, NULL, need + 8, &got) == SVCM_ENOSPC && got == need);
    char *buf = malloc(need + 1);
    FUZZ_CHECK(buf != NULL);
    memset(buf, 0x7F, need + 1);
    got = 0;
    FUZZ_CHECK(svcm_cycle_format(c, buf, need, &got) == SVCM_ENOSPC && got == need);
    for (size_t i = 0; i <= need; i++)
        FUZZ_CHECK(buf[i] == 0x7F);
    FUZZ_CHECK(svcm_cycle_format(c, buf, need + 1, NULL) == SVCM_EINVAL);
    FUZZ_CHECK(svcm_cycle_format(c, buf, need + 1, &got) == SVCM_OK);
    FUZZ_CHECK(got == need && buf[got] == '\0' && strlen(buf) == got);
    *len = got;
    return buf;
}

/* save(c) loads back and saves to the same text */
static void check_round_trip(const svcm_cycle *c)
{
    size_t l1 = 0, l2 = 0;
    char *t1 = save_all(c, &l1);
    FUZZ_CHECK(fuzz_utf8_valid((const uint8_t *)t1, l1, NULL));
    svcm_cycle *d = NULL;
    svcm_error err;
    int rc = svcm_cycle_parse(t1, l1, NULL, &d, &err);
    if (rc != SVCM_OK)
        fprintf(stderr, "re-load failed at %zu:%zu: %s\n--\n%s--\n", err.line,
                err.column, err.message, t1);
    FUZZ_CHECK(rc == SVCM_OK);
    char *t2 = save_all(d, &l2);
    FUZZ_CHECK(l1 == l2 && memcmp(t1, t2, l1) == 0);
    svcm_cycle_free(d);
    free(t1);
    free(t2);
}

/* One step further along the life cycle, at an instant after everything
 * recorded; whatever the cycle accepts must still save and load. */
static void advance(svcm_cycle *c, const struct svcm_cycle_result *info)
{
    int64_t now = info->has_do_start ? info->do_start : 0;
    svcm_pdca_sample smp;
    for (size_t i = 0; svcm_cycle_sample(c, i, &smp) == SVCM_OK; i++)
        now = smp.t > now ? smp.t : now;
    svcm_pdca_audit aud;
    for (size_t i = 0; svcm_cycle_audit(c, i, &aud) == SVCM_OK; i++)
        now = aud.at > now ? aud.at : now;
    if (now > INT64_MAX / 2)
        return;
    now += 1;

    svcm_error err;
    struct svcm_cycle_check_result chk;
    int rc = SVCM_ESTATE;
    switch (info->phase) {
    case SVCM_PDCA_PHASE_PLAN:
        rc = svcm_cycle_start(c, now, "fuzz", "start", &err);
        break;
    case SVCM_PDCA_PHASE_DO:
    case SVCM_PDCA_PHASE_CHECK:
        smp.t = now;
        smp.value = 1.0;
        smp.baseline = false;
        smp.has_counts = false;
        smp.successes = smp.trials = 0;
        rc = svcm_cycle_measure(c, &smp, 1, &err);
        FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_EINVAL || rc == SVCM_ESTATE);
        if (rc == SVCM_OK)
            check_round_trip(c);
        rc = svcm_cycle_check(c, now, "fuzz", "check", &chk, &err);
        break;
    case SVCM_PDCA_PHASE_ACT:
        rc = svcm_cycle_standardize(c, now, "fuzz", "done", &err);
        break;
    default:
        break;
    }
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ESTATE || rc == SVCM_EINVAL || rc == SVCM_EEMPTY ||
               rc == SVCM_ERANGE);
    if (rc == SVCM_OK)
        check_round_trip(c);
    if (info->phase != SVCM_PDCA_PHASE_CLOSED) {
        size_t idx;
        rc = svcm_cycle_add_action(c, "fuzz \"action\"\n", "", now, &idx, &err);
        FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ESTATE);
        if (rc == SVCM_OK)
            check_round_trip(c);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    svcm_cycle *c = NULL;
    svcm_error err;
    memset(&err, 0, sizeof err); /* an unfilled detail shows as code 0 */
    int rc = svcm_cycle_parse((const char *)data, size, NULL, &c, &err);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_EFORMAT);
    if (rc != SVCM_OK) {
        fuzz_check_line_error(&err, rc, data, size, 0);
        return 0;
    }
    /* Accepted text is UTF-8, and so is every string the cycle keeps (the
     * saved text escapes only ASCII controls, so it shows them all). */
    FUZZ_CHECK(fuzz_utf8_valid(data, size, NULL));

    size_t l1 = 0, l2 = 0;
    char *t1 = save_all(c, &l1);
    FUZZ_CHECK(fuzz_utf8_valid((const uint8_t *)t1, l1, NULL));
    svcm_cycle *d = NULL;
    rc = svcm_cycle_parse(t1, l1, NULL, &d, &err);
    if (rc != SVCM_OK)
        fprintf(stderr, "re-load failed at %zu:%zu: %s\n--\n%s--\n", err.line,
                err.column, err.message, t1);
    FUZZ_CHECK(rc == SVCM_OK);
    char *t2 = save_all(d, &l2);
    FUZZ_CHECK(l1 == l2 && memcmp(t1, t2, l1) == 0);

    struct svcm_cycle_result info;
    FUZZ_CHECK(svcm_cycle_result(c, &info) == SVCM_OK);
    FUZZ_CHECK(svcm_cycle_next(c) == NULL && svcm_cycle_prev(c) == NULL);
    svcm_pdca_action act;
    for (size_t i = 0; svcm_cycle_action(c, i, &act) == SVCM_OK; i++)
        FUZZ_CHECK(i < 100000000);
    svcm_pdca_sample smp;
    for (size_t i = 0; svcm_cycle_sample(c, i, &smp) == SVCM_OK; i++)
        FUZZ_CHECK(i < 100000000);
    svcm_pdca_audit aud;
    for (size_t i = 0; svcm_cycle_audit(c, i, &aud) == SVCM_OK; i++)
        FUZZ_CHECK(i < 100000000);
    struct svcm_cycle_check_result chk;
    (void)svcm_cycle_check_result(c, &chk);
    size_t idx[8];
    size_t n_over = 0;
    (void)svcm_cycle_overdue(c, INT64_MAX / 2, idx, 8, &n_over);
    advance(c, &info);

    free(t1);
    free(t2);
    svcm_cycle_free(c);
    svcm_cycle_free(d);
    return 0;
}
