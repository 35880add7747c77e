/* svcm_itil_table_parse on arbitrary text. A parsed table must validate,
 * every lookup in range must give a priority in 1..levels equal to the
 * cell, lookups just outside must be refused, and the table written back
 * as text must parse to the same table. */
#include "fuzz.h"

#include <svcm/priority.h>

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
    char text[SVCM_ITIL_MAX * SVCM_ITIL_MAX * 4 + 1];
    size_t len = 0;
    int top = 0;
    for (int i = 1; i <= t.rows; i++) {
        for (int j = 1; j <= t.cols; j++) {
            int p = 0;
            FUZZ_CHECK(svcm_itil_priority(&t, i, j, &p, &err) == SVCM_OK);
            FUZZ_CHECK(p >= 1 && p <= t.levels);
            FUZZ_CHECK(p == t.cell[i - 1][j - 1]);
            cells[(i - 1) * t.cols + (j - 1)] = p;
            top = p > top ? p : top;
            len += (size_t)snprintf(text + len, sizeof text - len, "%d%c", p,
                                    j == t.cols ? '\n' : ' ');
        }
    }
    FUZZ_CHECK(top == t.levels);
    int p;
    FUZZ_CHECK(svcm_itil_priority(&t, 0, 1, &p, NULL) == SVCM_EINVAL);
    FUZZ_CHECK(svcm_itil_priority(&t, 1, 0, &p, NULL) == SVCM_EINVAL);
    FUZZ_CHECK(svcm_itil_priority(&t, t.rows + 1, 1, &p, NULL) == SVCM_EINVAL);
    FUZZ_CHECK(svcm_itil_priority(&t, 1, t.cols + 1, &p, NULL) == SVCM_EINVAL);

    svcm_itil_table u, v;
    FUZZ_CHECK(svcm_itil_table_from_array((size_t)t.rows, (size_t)t.cols, cells, &u, &err) == SVCM_OK);
    FUZZ_CHECK(svcm_itil_table_parse(text, len, &v, &err) == SVCM_OK);
    FUZZ_CHECK(u.rows == t.rows && u.cols == t.cols && u.levels == t.levels);
    FUZZ_CHECK(v.rows == t.rows && v.cols == t.cols && v.levels == t.levels);
    for (int i = 0; i < t.rows; i++) {
        FUZZ_CHECK(memcmp(u.cell[i], t.cell[i], (size_t)t.cols) == 0);
        FUZZ_CHECK(memcmp(v.cell[i], t.cell[i], (size_t)t.cols) == 0);
    }
    return 0;
}
