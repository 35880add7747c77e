/* svcm_grade_table_parse on arbitrary text. A parsed table must pass
 * svcm_grade_table_check (cells 1..4, monotone), every lookup must give
 * the cell, lookups just outside must be refused, the request bridge must
 * write the grade as severity, and svcm_grade_table_format must follow the
 * text-writer contract and write text that parses to an equal table and
 * formats to the same text. */
#include "fuzz.h"

#include <svcm/priority.h>

/* The table's text, through the size query: NUL-terminated, len without
 * the NUL, ENOSPC without writing at cap = len. Caller frees. */
static char *format_all(const svcm_grade_table *t, size_t *len)
{
    size_t need = 0, got = 0;
    FUZZ_CHECK(svcm_grade_table_format(t, NULL, 0, &need) == SVCM_ENOSPC);
    FUZZ_CHECK(svcm_grade_table_format(t, NULL, need + 8, &got) == SVCM_ENOSPC && got == need);
    char *buf = malloc(need + 1);
    FUZZ_CHECK(buf != NULL);
    memset(buf, 0x7F, need + 1);
    got = 0;
    FUZZ_CHECK(svcm_grade_table_format(t, buf, need, &got) == SVCM_ENOSPC && got == need);
    for (size_t i = 0; i <= need; i++)
        FUZZ_CHECK(buf[i] == 0x7F);
    FUZZ_CHECK(svcm_grade_table_format(t, buf, need + 1, &got) == SVCM_OK);
    FUZZ_CHECK(got == need && buf[got] == '\0' && strlen(buf) == got);
    *len = got;
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    svcm_grade_table t, v;
    svcm_error err;
    memset(&err, 0, sizeof err); /* an unfilled detail shows as code 0 */
    int rc = svcm_grade_table_parse((const char *)data, size, &t, &err);
    FUZZ_CHECK(rc == SVCM_OK || rc == SVCM_EFORMAT || rc == SVCM_EINVAL);
    if (rc != SVCM_OK) {
        /* "too few rows" has no line to name */
        fuzz_check_line_error(&err, rc, data, size, 1);
        return 0;
    }
    FUZZ_CHECK(fuzz_utf8_valid(data, size, NULL)); /* accepted text is UTF-8 */
    FUZZ_CHECK(svcm_grade_table_check(&t, &err) == SVCM_OK);
    for (int u = 1; u <= SVCM_GRADE_LEVELS; u++) {
        for (int i = 1; i <= SVCM_GRADE_LEVELS; i++) {
            for (int d = 1; d <= SVCM_GRADE_LEVELS; d++) {
                int g = 0;
                FUZZ_CHECK(svcm_problem_grade(&t, u, i, d, &g, &err) == SVCM_OK);
                FUZZ_CHECK(g >= 1 && g <= SVCM_GRADE_LEVELS && g == t.cell[u - 1][i - 1][d - 1]);
                /* monotone: one level worse on any input is never milder */
                int gw = 0;
                if (u > 1) {
                    FUZZ_CHECK(svcm_problem_grade(&t, u - 1, i, d, &gw, NULL) == SVCM_OK);
                    FUZZ_CHECK(gw <= g);
                }
                if (i > 1) {
                    FUZZ_CHECK(svcm_problem_grade(&t, u, i - 1, d, &gw, NULL) == SVCM_OK);
                    FUZZ_CHECK(gw <= g);
                }
                if (d > 1) {
                    FUZZ_CHECK(svcm_problem_grade(&t, u, i, d - 1, &gw, NULL) == SVCM_OK);
                    FUZZ_CHECK(gw <= g);
                }
                svcm_request r;
                memset(&r, 0, sizeof r);
                FUZZ_CHECK(svcm_problem_request(&t, u, i, d, &r, NULL) == SVCM_OK);
                FUZZ_CHECK(r.severity == g && r.impact == i);
            }
        }
    }
    int g;
    FUZZ_CHECK(svcm_problem_grade(&t, 0, 1, 1, &g, NULL) == SVCM_EINVAL);
    FUZZ_CHECK(svcm_problem_grade(&t, 1, 5, 1, &g, NULL) == SVCM_EINVAL);
    FUZZ_CHECK(svcm_problem_grade(&t, 1, 1, 5, &g, NULL) == SVCM_EINVAL);

    /* Round trip: format -> parse gives an equal table, formatted again
     * the same text. */
    size_t l1 = 0, l2 = 0;
    char *t1 = format_all(&t, &l1);
    FUZZ_CHECK(fuzz_utf8_valid((const uint8_t *)t1, l1, NULL));
    memset(&v, 0x5A, sizeof v);
    rc = svcm_grade_table_parse(t1, l1, &v, &err);
    if (rc != SVCM_OK)
        fprintf(stderr, "re-parse failed at %zu:%zu (%s): %s\n--\n%s--\n", err.line, err.column,
                err.field ? err.field : "-", err.message, t1);
    FUZZ_CHECK(rc == SVCM_OK);
    FUZZ_CHECK(memcmp(&v, &t, sizeof t) == 0);
    char *t2 = format_all(&v, &l2);
    FUZZ_CHECK(l1 == l2 && memcmp(t1, t2, l1) == 0);
    free(t1);
    free(t2);
    return 0;
}
