/* svcm_itil_table_parse on arbitrary text. A parsed table must validate,
 * every lookup in range must give a priority in 1..levels equal to the
 * cell, lookups just outside must be refused, from_array must rebuild it,
 * and svcm_itil_table_format must follow the text-writer contract and
 * write text that parses to an equal table and formats to the same text. */
#include "fuzz.h"

#include <svcm/priority.h>

/* Equal as far as a table means anything: dimensions, levels, the block. */
static int same_table(const svcm_itil_table *a, const svcm_itil_table *b)
{
    if (a->rows != b->rows || a->cols != b->cols || a->levels != b->levels)
        return 0;
    for (int i = 0; i < a->rows; i++)
        if (memcmp(a->cell[i], b->cell[i], (size_t)a->cols) != 0)
            return 0;
    return 1;
}

/* The table's text, through the size query: NUL-terminated, len without
 * the NUL, ENOSPC without writing at cap = len. Caller frees. */
static char *format_all(const svcm_itil_table *t, size_t *len)
{
    size_t need = 0, got = 0;
    FUZZ_CHECK(svcm_itil_table_format(t, NULL, 0, &need) == SVCM_ENOSPC);
    FUZZ_CHECK(svcm_itil_table_format(t, NULL, need + 8, &got) == SVCM_ENOSPC && got == need);
    char *buf = malloc(need + 1);
    FUZZ_CHECK(buf != NULL);
    memset(buf, 0x7F, need + 1);
    got = 0;
    FUZZ_CHECK(svcm_itil_table_format(t, buf, need, &got) == SVCM_ENOSPC && got == need);
    for (size_t i = 0; i <= need; i++)
        FUZZ_CHECK(buf[i] == 0x7F);
    FUZZ_CHECK(svcm_itil_table_format(t, buf, need + 1, &got) == SVCM_OK);
    FUZZ_CHECK(got == need && buf[got] == '\0' && strlen(buf) == got);
    *len = got;
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    svcm_itil_table t;
    svcm_error err;
    memset(&err, 0, sizeof err); /* an unfilled detail shows as code 0 */
    int rc = svcm_itil_table_parse((const char *)data, size, &t, &err);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_EFORMAT || rc == SVCM_EINVAL);
    if (rc != SVCM_OK) {
        /* "no rows at all" has no line to name */
        fuzz_check_line_error(&err, rc, data, size, 1);
        return 0;
    }
    FUZZ_CHECK(fuzz_utf8_valid(data, size, NULL)); /* accepted text is UTF-8 */
    FUZZ_CHECK(svcm_itil_table_check(&t, &err) == SVCM_OK);
    FUZZ_CHECK(t.rows >= 1 && t.rows <= SVCM_ITIL_MAX);
    FUZZ_CHECK(t.cols >= 1 && t.cols <= SVCM_ITIL_MAX);
    FUZZ_CHECK(t.levels >= 1 && t.levels <= SVCM_ITIL_MAX);

    int cells[SVCM_ITIL_MAX * SVCM_ITIL_MAX];
    int top = 0;
    for (int i = 1; i <= t.rows; i++) {
        for (int j = 1; j <= t.cols; j++) {
            int p = 0;
            FUZZ_CHECK(svcm_itil_priority(&t, i, j, &p, &err) == SVCM_OK);
            FUZZ_CHECK(p >= 1 && p <= t.levels);
            FUZZ_CHECK(p == t.cell[i - 1][j - 1]);
            cells[(i - 1) * t.cols + (j - 1)] = p;
            top = p > top ? p : top;
        }
    }
    FUZZ_CHECK(top <= t.levels); /* a "levels" line may declare more */
    int p;
    FUZZ_CHECK(svcm_itil_priority(&t, 0, 1, &p, NULL) == SVCM_EINVAL);
    FUZZ_CHECK(svcm_itil_priority(&t, 1, 0, &p, NULL) == SVCM_EINVAL);
    FUZZ_CHECK(svcm_itil_priority(&t, t.rows + 1, 1, &p, NULL) == SVCM_EINVAL);
    FUZZ_CHECK(svcm_itil_priority(&t, 1, t.cols + 1, &p, NULL) == SVCM_EINVAL);

    svcm_itil_table u, v;
    FUZZ_CHECK(svcm_itil_table_from_array((size_t)t.rows, (size_t)t.cols, cells, &u, &err) == SVCM_OK);
    FUZZ_CHECK(u.levels == top);
    u.levels = t.levels;
    FUZZ_CHECK(same_table(&u, &t));

    /* Round trip: format -> parse gives an equal table, formatted again
     * the same text. */
    size_t l1 = 0, l2 = 0;
    char *t1 = format_all(&t, &l1);
    FUZZ_CHECK(fuzz_utf8_valid((const uint8_t *)t1, l1, NULL));
    memset(&v, 0x5A, sizeof v);
    rc = svcm_itil_table_parse(t1, l1, &v, &err);
    if (rc != SVCM_OK)
        fprintf(stderr, "re-parse failed at %zu:%zu (%s): %s\n--\n%s--\n", err.line, err.column,
                err.field ? err.field : "-", err.message, t1);
    FUZZ_CHECK(rc == SVCM_OK);
    FUZZ_CHECK(same_table(&v, &t));
    char *t2 = format_all(&v, &l2);
    FUZZ_CHECK(l1 == l2 && memcmp(t1, t2, l1) == 0);
    free(t1);
    free(t2);
    return 0;
}
