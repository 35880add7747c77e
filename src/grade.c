/* Problem grading: four grades from urgency, impact scope and difficulty
 * (each 1..4, 1 = worst), by the default score rule or a caller's 4x4x4
 * table, its check (cells 1..4, monotone), its text form, and the bridge
 * into a priority request. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "svcm/priority.h"

#define L SVCM_GRADE_LEVELS

/* The default rule: s = u + i + d, cut at 5, 7 and 9. */
static int default_grade(int u, int i, int d)
{
    int s = u + i + d;
    return s <= 5 ? 1 : s <= 7 ? 2 : s <= 9 ? 3 : 4;
}

void svcm_grade_table_init(svcm_grade_table *table)
{
    if (table == NULL)
        return;
    for (int u = 0; u < L; u++)
        for (int i = 0; i < L; i++)
            for (int d = 0; d < L; d++)
                table->cell[u][i][d] = (unsigned char)default_grade(u + 1, i + 1, d + 1);
}

static const char *const input_name[3] = {"urgency", "impact", "difficulty"};

/* The first fault of t: SVCM_OK, or SVCM_EINVAL with *at = the cell
 * (u, i, d, 0-based) and err filled (index = text row). */
static int check_table(const svcm_grade_table *t, int at[3], svcm_error *err)
{
    for (int u = 0; u < L; u++) {
        for (int i = 0; i < L; i++) {
            for (int d = 0; d < L; d++) {
                int c = t->cell[u][i][d];
                size_t row = (size_t)(u * L + i);
                at[0] = u;
                at[1] = i;
                at[2] = d;
                if (c < 1 || c > L)
                    return svcm__error(err, SVCM_EINVAL, row, "cell",
                                       "grade %d at urgency %d, impact %d, difficulty %d is "
                                       "outside 1..%d",
                                       c, u + 1, i + 1, d + 1, L);
            }
        }
    }
    for (int u = 0; u < L; u++) {
        for (int i = 0; i < L; i++) {
            for (int d = 0; d < L; d++) {
                int c = t->cell[u][i][d];
                int lv[3] = {u, i, d};
                /* The cell must not be milder than any neighbour one
                 * level milder on one input: name the milder-graded
                 * (offending) cell, the worse input. */
                for (int k = 0; k < 3; k++) {
                    if (lv[k] == L - 1)
                        continue;
                    int nb[3] = {u, i, d};
                    nb[k]++;
                    int cn = t->cell[nb[0]][nb[1]][nb[2]];
                    if (c > cn) {
                        at[0] = u;
                        at[1] = i;
                        at[2] = d;
                        return svcm__error(
                            err, SVCM_EINVAL, (size_t)(u * L + i), "cell",
                            "grade %d at urgency %d, impact %d, difficulty %d is milder than "
                            "grade %d at %s %d: not monotone",
                            c, u + 1, i + 1, d + 1, cn, input_name[k], lv[k] + 2);
                    }
                }
            }
        }
    }
    return SVCM_OK;
}

int svcm_grade_table_check(const svcm_grade_table *table, svcm_error *err)
{
    if (table == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "table is NULL");
    int at[3];
    return check_table(table, at, err);
}

/* The "urgency N" line starting at text[p] (line pos..end): N must be
 * block + 1 and the line must come at a block boundary. */
static int parse_urgency(const char *text, size_t pos, size_t p, size_t end, size_t line,
                         int rows, svcm_error *err)
{
    static const char word[] = "urgency";
    const size_t wl = sizeof word - 1;
    if (!svcm__table_word(text, p, end, word, wl))
        return svcm__error_at(err, SVCM_EFORMAT, rows < L * L ? (size_t)rows : SVCM_NO_INDEX,
                              line, p - pos + 1, "cell", "expected a grade or 'urgency'");
    if (rows % L != 0 || rows == L * L)
        return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, p - pos + 1, "urgency",
                              "'urgency' must come before a block of %d rows", L);
    size_t at;
    int v;
    if (!svcm__table_number(text, p + wl, end, &v, &at))
        return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, at - pos + 1, "urgency",
                              "expected one urgency level");
    if (v != rows / L + 1)
        return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, at - pos + 1, "urgency",
                              "urgency %d where block %d begins", v, rows / L + 1);
    return SVCM_OK;
}

int svcm_grade_table_parse(const char *text, size_t len, svcm_grade_table *out,
                           svcm_error *err)
{
    if (text == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "text or out is NULL");
    int rc = svcm__utf8_text(text, len, "line", err);
    if (rc != SVCM_OK)
        return rc;
    svcm_grade_table t;
    memset(&t, 0, sizeof t);
    /* line and column of every cell, for a monotonicity fault */
    size_t cline[L * L], ccol[L * L][L];
    int rows = 0;
    size_t pos = 0, line = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        line++;
        size_t p = pos;
        while (p < end && svcm__table_space(text[p]))
            p++;
        if (p < end && text[p] != '#' && (text[p] < '0' || text[p] > '9')) {
            rc = parse_urgency(text, pos, p, end, line, rows, err);
            if (rc != SVCM_OK)
                return rc;
        } else if (p < end && text[p] != '#') {
            if (rows == L * L)
                return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, p - pos + 1,
                                      "rows", "more than %d rows", L * L);
            int ncells = 0;
            while (p < end) {
                if (text[p] < '0' || text[p] > '9')
                    return svcm__error_at(err, SVCM_EFORMAT, (size_t)rows, line, p - pos + 1,
                                          "cell", "expected a grade");
                size_t cell_at = p;
                int v = 0;
                while (p < end && text[p] >= '0' && text[p] <= '9') {
                    if (v <= 1000)
                        v = v * 10 + (text[p] - '0');
                    p++;
                }
                if (p < end && !svcm__table_space(text[p]))
                    return svcm__error_at(err, SVCM_EFORMAT, (size_t)rows, line, p - pos + 1,
                                          "cell", "expected a grade");
                if (ncells == L)
                    return svcm__error_at(err, SVCM_EFORMAT, (size_t)rows, line,
                                          cell_at - pos + 1, "cols",
                                          "more than %d cells (difficulty levels)", L);
                if (v < 1 || v > L)
                    return svcm__error_at(err, SVCM_EINVAL, (size_t)rows, line,
                                          cell_at - pos + 1, "cell", "grade %d is outside 1..%d",
                                          v, L);
                t.cell[rows / L][rows % L][ncells] = (unsigned char)v;
                ccol[rows][ncells] = cell_at - pos + 1;
                ncells++;
                while (p < end && svcm__table_space(text[p]))
                    p++;
            }
            if (ncells != L)
                return svcm__error_at(err, SVCM_EFORMAT, (size_t)rows, line, 0, "cols",
                                      "%d cells, expected %d (difficulty 1..%d)", ncells, L, L);
            cline[rows] = line;
            rows++;
        }
        pos = end + 1;
    }
    if (rows != L * L)
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "rows",
                           "%d rows in the table text; need %d (urgency x impact)", rows, L * L);
    int at[3];
    svcm_error e;
    rc = check_table(&t, at, err != NULL ? &e : NULL);
    if (rc != SVCM_OK) {
        if (err != NULL) {
            size_t row = (size_t)(at[0] * L + at[1]);
            return svcm__error_at(err, rc, row, cline[row], ccol[row][at[2]], e.field, "%s",
                                  e.message);
        }
        return rc;
    }
    *out = t;
    return SVCM_OK;
}

/* Write the table's text into buf when it is not NULL; returns the length. */
static size_t write_table(const svcm_grade_table *t, char *buf)
{
    size_t n = 0;
    char b[64];
    for (int u = 0; u < L; u++) {
        int k = snprintf(b, sizeof b, "urgency %d\n", u + 1);
        for (int i = 0; i < L; i++)
            k += snprintf(b + k, sizeof b - (size_t)k, "%d %d %d %d\n", t->cell[u][i][0],
                          t->cell[u][i][1], t->cell[u][i][2], t->cell[u][i][3]);
        if (buf != NULL)
            memcpy(buf + n, b, (size_t)k);
        n += (size_t)k;
    }
    return n;
}

int svcm_grade_table_format(const svcm_grade_table *table, char *buf, size_t cap, size_t *len)
{
    if (len == NULL)
        return SVCM_EINVAL;
    int rc = svcm_grade_table_check(table, NULL);
    if (rc != SVCM_OK)
        return rc;
    size_t need = write_table(table, NULL);
    *len = need;
    if (buf == NULL || cap < need + 1)
        return SVCM_ENOSPC;
    (void)write_table(table, buf);
    buf[need] = '\0';
    return SVCM_OK;
}

static int check_level(int v, const char *field, svcm_error *err)
{
    if (v < 1 || v > L)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, field, "%s level %d is outside 1..%d",
                           field, v, L);
    return SVCM_OK;
}

int svcm_problem_grade(const svcm_grade_table *table, int urgency, int impact, int difficulty,
                       int *grade, svcm_error *err)
{
    if (grade == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "grade", "grade is NULL");
    if (table != NULL) {
        int rc = svcm_grade_table_check(table, err);
        if (rc != SVCM_OK)
            return rc;
    }
    int rc = check_level(urgency, "urgency", err);
    if (rc == SVCM_OK)
        rc = check_level(impact, "impact", err);
    if (rc == SVCM_OK)
        rc = check_level(difficulty, "difficulty", err);
    if (rc != SVCM_OK)
        return rc;
    *grade = table != NULL ? table->cell[urgency - 1][impact - 1][difficulty - 1]
                           : default_grade(urgency, impact, difficulty);
    return SVCM_OK;
}

int svcm_problem_request(const svcm_grade_table *table, int urgency, int impact, int difficulty,
                         svcm_request *req, svcm_error *err)
{
    if (req == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "req", "request is NULL");
    int g = 0;
    int rc = svcm_problem_grade(table, urgency, impact, difficulty, &g, err);
    if (rc != SVCM_OK)
        return rc;
    req->severity = g;
    req->impact = impact;
    return SVCM_OK;
}
