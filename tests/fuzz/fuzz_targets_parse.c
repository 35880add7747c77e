/* svcm_targets_parse on arbitrary text. Refusals name a line (and a field);
 * an accepted set passes svcm_targets_check, every name is found at its own
 * position, every value scales; svcm_targets_format follows the text-writer
 * contract and writes text that parses to the same set (bitwise values) and
 * formats to the same text. */
#include "fuzz.h"

#include <svcm/scorecard.h>

static int same_targets(const svcm_targets *a, const svcm_targets *b)
{
    if (a->count != b->count)
        return 0;
    for (size_t i = 0; i < a->count; i++) {
        const svcm_target *x = &a->item[i], *y = &b->item[i];
        if (strcmp(x->name, y->name) != 0 || x->direction != y->direction ||
            x->unit != y->unit || memcmp(&x->value, &y->value, sizeof x->value) != 0)
            return 0;
    }
    return 1;
}

/* The text through the size query: NUL-terminated, len without the NUL,
 * ENOSPC without writing at cap = len. Caller frees. */
static char *format_all(const svcm_targets *t, size_t *len)
{
    size_t need = 0, got = 0;
    FUZZ_CHECK(svcm_targets_format(t, NULL, 0, &need) == SVCM_ENOSPC);
    FUZZ_CHECK(svcm_targets_format(t, NULL, need + 8, &got) == SVCM_ENOSPC && got == need);
    char *buf = malloc(need + 1);
    FUZZ_CHECK(buf != NULL);
    memset(buf, 0x7F, need + 1);
    got = 0;
    if (need > 0) {
        FUZZ_CHECK(svcm_targets_format(t, buf, need, &got) == SVCM_ENOSPC && got == need);
        for (size_t i = 0; i <= need; i++)
            FUZZ_CHECK(buf[i] == 0x7F);
    }
    FUZZ_CHECK(svcm_targets_format(t, buf, need + 1, &got) == SVCM_OK);
    FUZZ_CHECK(got == need && buf[got] == '\0' && strlen(buf) == got);
    *len = got;
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    svcm_targets t, u;
    svcm_error err;
    memset(&err, 0, sizeof err); /* an unfilled detail shows as code 0 */
    memset(&t, 0x5A, sizeof t);
    int rc = svcm_targets_parse((const char *)data, size, &t, &err);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_EFORMAT || rc == SVCM_EINVAL);
    if (rc != SVCM_OK) {
        fuzz_check_line_error(&err, rc, data, size, 0);
        FUZZ_CHECK(err.line >= 1);
        FUZZ_CHECK(err.field != NULL);
        return 0;
    }
    FUZZ_CHECK(fuzz_utf8_valid(data, size, NULL)); /* accepted text is UTF-8 */
    FUZZ_CHECK(memchr(data, '\0', size) == NULL);
    FUZZ_CHECK(svcm_targets_check(&t, &err) == SVCM_OK);
    FUZZ_CHECK(t.count <= SVCM_TARGETS_MAX);
    for (size_t i = 0; i < t.count; i++) {
        size_t at = SVCM_TARGETS_MAX;
        FUZZ_CHECK(svcm_targets_find(&t, t.item[i].name, &at) == SVCM_OK && at == i);
        double v;
        rc = svcm_target_scaled(&t.item[i], &v);
        FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_ERANGE);
        if (rc == SVCM_OK && t.item[i].unit == SVCM_TARGET_UNIT_PERCENT)
            FUZZ_CHECK(v >= 0.0 && v <= 1.0);
    }

    /* Round trip: format -> parse gives the same set, formatted again the
     * same text. */
    size_t l1 = 0, l2 = 0;
    char *t1 = format_all(&t, &l1);
    FUZZ_CHECK(fuzz_utf8_valid((const uint8_t *)t1, l1, NULL));
    memset(&u, 0x5A, sizeof u);
    rc = svcm_targets_parse(t1, l1, &u, &err);
    if (rc != SVCM_OK)
        fprintf(stderr, "re-parse failed at %zu:%zu (%s): %s\n--\n%s--\n", err.line, err.column,
                err.field ? err.field : "-", err.message, t1);
    FUZZ_CHECK(rc == SVCM_OK);
    FUZZ_CHECK(same_targets(&t, &u));
    char *t2 = format_all(&u, &l2);
    FUZZ_CHECK(l1 == l2 && memcmp(t1, t2, l1) == 0);
    free(t1);
    free(t2);
    return 0;
}
