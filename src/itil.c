/* ITIL impact x urgency priority tables: the built-in ITIL v3 table,
 * validation of caller tables, and their text form. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "svcm/priority.h"

void svcm_itil_table_init(svcm_itil_table *table)
{
    /* ITIL v3 Service Operation, Incident Management prioritisation: rows are
     * impact High/Medium/Low, columns urgency High/Medium/Low. */
    static const unsigned char itil[3][3] = {{1, 2, 3}, {2, 3, 4}, {3, 4, 5}};
    if (table == NULL)
        return;
    memset(table, 0, sizeof *table);
    table->rows = 3;
    table->cols = 3;
    table->levels = 5;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            table->cell[i][j] = itil[i][j];
}

int svcm_itil_table_check(const svcm_itil_table *t, svcm_error *err)
{
    if (t == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "table is NULL");
    if (t->rows < 1 || t->rows > SVCM_ITIL_MAX)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "rows",
                           "table has %d rows; need 1..%d", t->rows, SVCM_ITIL_MAX);
    if (t->cols < 1 || t->cols > SVCM_ITIL_MAX)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "cols",
                           "table has %d columns; need 1..%d", t->cols, SVCM_ITIL_MAX);
    if (t->levels < 1 || t->levels > SVCM_ITIL_MAX)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "levels",
                           "table has %d priority levels; need 1..%d", t->levels, SVCM_ITIL_MAX);
    for (int i = 0; i < t->rows; i++) {
        for (int j = 0; j < t->cols; j++) {
            int c = t->cell[i][j];
            if (c == 0)
                return svcm__error(err, SVCM_EINVAL, (size_t)i, "cell",
                                   "hole at row %d, column %d", i + 1, j + 1);
            if (c > t->levels)
                return svcm__error(err, SVCM_EINVAL, (size_t)i, "cell",
                                   "priority %d at row %d, column %d is above the %d levels", c,
                                   i + 1, j + 1, t->levels);
        }
    }
    return SVCM_OK;
}

int svcm_itil_table_from_array(size_t rows, size_t cols, const int *cells, svcm_itil_table *out,
                               svcm_error *err)
{
    if (cells == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "cells or out is NULL");
    if (rows < 1 || rows > SVCM_ITIL_MAX)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "rows",
                           "table has %zu rows; need 1..%d", rows, SVCM_ITIL_MAX);
    if (cols < 1 || cols > SVCM_ITIL_MAX)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "cols",
                           "table has %zu columns; need 1..%d", cols, SVCM_ITIL_MAX);
    svcm_itil_table t;
    memset(&t, 0, sizeof t);
    t.rows = (int)rows;
    t.cols = (int)cols;
    for (size_t i = 0; i < rows; i++) {
        for (size_t j = 0; j < cols; j++) {
            int c = cells[i * cols + j];
            if (c < 1 || c > SVCM_ITIL_MAX)
                return svcm__error(err, SVCM_EINVAL, i, "cell",
                                   "priority %d at row %zu, column %zu is outside 1..%d", c,
                                   i + 1, j + 1, SVCM_ITIL_MAX);
            t.cell[i][j] = (unsigned char)c;
            if (c > t.levels)
                t.levels = c;
        }
    }
    *out = t;
    return SVCM_OK;
}

/* The "levels N" line that starts at text[p] (line pos..end, 1-based line
 * number line): N in 1..SVCM_ITIL_MAX into *declared; rows is the number
 * of rows read so far (the line must come before them, and only once). */
static int parse_levels(const char *text, size_t pos, size_t p, size_t end, size_t line,
                        int rows, int *declared, svcm_error *err)
{
    static const char word[] = "levels";
    const size_t wl = sizeof word - 1;
    if (!svcm__table_word(text, p, end, word, wl))
        return svcm__error_at(err, SVCM_EFORMAT, (size_t)rows, line, p - pos + 1, "cell",
                              "expected a priority number or 'levels'");
    if (rows > 0 || *declared > 0)
        return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, p - pos + 1, "levels",
                              "'levels' must come once, before the first row");
    size_t at;
    int v;
    if (!svcm__table_number(text, p + wl, end, &v, &at))
        return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, at - pos + 1, "levels",
                              "expected one number of priority levels");
    if (v < 1 || v > SVCM_ITIL_MAX)
        return svcm__error_at(err, SVCM_EINVAL, SVCM_NO_INDEX, line, at - pos + 1, "levels",
                              "%d priority levels is outside 1..%d", v, SVCM_ITIL_MAX);
    *declared = v;
    return SVCM_OK;
}

int svcm_itil_table_parse(const char *text, size_t len, svcm_itil_table *out, svcm_error *err)
{
    if (text == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "text or out is NULL");
    int rc = svcm__utf8_text(text, len, "line", err);
    if (rc != SVCM_OK)
        return rc;
    svcm_itil_table t;
    memset(&t, 0, sizeof t);
    int declared = 0; /* the "levels N" line, 0 when absent */
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
            rc = parse_levels(text, pos, p, end, line, t.rows, &declared, err);
            if (rc != SVCM_OK)
                return rc;
        } else if (p < end && text[p] != '#') {
            if (t.rows == SVCM_ITIL_MAX)
                return svcm__error_at(err, SVCM_EFORMAT, SVCM_NO_INDEX, line, p - pos + 1,
                                      "rows", "more than %d rows", SVCM_ITIL_MAX);
            int ncells = 0;
            while (p < end) {
                /* index: the 0-based row of the table being read. */
                if (text[p] < '0' || text[p] > '9') {
                    return svcm__error_at(err, SVCM_EFORMAT, (size_t)t.rows, line, p - pos + 1,
                                          "cell", "expected a priority number");
                }
                size_t cell_at = p;
                int v = 0;
                while (p < end && text[p] >= '0' && text[p] <= '9') {
                    if (v <= 1000)
                        v = v * 10 + (text[p] - '0');
                    p++;
                }
                if (p < end && !svcm__table_space(text[p]))
                    return svcm__error_at(err, SVCM_EFORMAT, (size_t)t.rows, line, p - pos + 1,
                                          "cell", "expected a priority number");
                if (ncells == SVCM_ITIL_MAX)
                    return svcm__error_at(err, SVCM_EFORMAT, (size_t)t.rows, line,
                                          cell_at - pos + 1, "cols", "more than %d columns",
                                          SVCM_ITIL_MAX);
                if (v < 1 || v > SVCM_ITIL_MAX)
                    return svcm__error_at(err, SVCM_EINVAL, (size_t)t.rows, line,
                                          cell_at - pos + 1, "cell",
                                          "priority %d is outside 1..%d", v, SVCM_ITIL_MAX);
                if (declared > 0 && v > declared)
                    return svcm__error_at(err, SVCM_EINVAL, (size_t)t.rows, line,
                                          cell_at - pos + 1, "cell",
                                          "priority %d is above the %d levels", v, declared);
                t.cell[t.rows][ncells++] = (unsigned char)v;
                if (v > t.levels)
                    t.levels = v;
                while (p < end && svcm__table_space(text[p]))
                    p++;
            }
            if (t.rows == 0)
                t.cols = ncells;
            else if (ncells != t.cols)
                return svcm__error_at(err, SVCM_EFORMAT, (size_t)t.rows, line, 0, "cols",
                                      "%d cells, expected %d like the first row", ncells,
                                      t.cols);
            t.rows++;
        }
        pos = end + 1;
    }
    if (t.rows == 0)
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "rows",
                           "no rows in the table text");
    if (declared > 0)
        t.levels = declared;
    *out = t;
    return SVCM_OK;
}

/* Write the table's text into buf when it is not NULL; returns the length. */
static size_t write_table(const svcm_itil_table *t, int top, char *buf)
{
    size_t n = 0;
    char b[32];
    if (t->levels != top) {
        int k = snprintf(b, sizeof b, "levels %d\n", t->levels);
        if (buf != NULL)
            memcpy(buf + n, b, (size_t)k);
        n += (size_t)k;
    }
    for (int i = 0; i < t->rows; i++) {
        for (int j = 0; j < t->cols; j++) {
            int k = snprintf(b, sizeof b, "%s%d", j > 0 ? " " : "", t->cell[i][j]);
            if (buf != NULL)
                memcpy(buf + n, b, (size_t)k);
            n += (size_t)k;
        }
        if (buf != NULL)
            buf[n] = '\n';
        n++;
    }
    return n;
}

int svcm_itil_table_format(const svcm_itil_table *t, char *buf, size_t cap, size_t *len)
{
    if (len == NULL)
        return SVCM_EINVAL;
    int rc = svcm_itil_table_check(t, NULL);
    if (rc != SVCM_OK)
        return rc;
    int top = 0;
    for (int i = 0; i < t->rows; i++)
        for (int j = 0; j < t->cols; j++)
            if (t->cell[i][j] > top)
                top = t->cell[i][j];
    size_t need = write_table(t, top, NULL);
    *len = need;
    if (buf == NULL || cap < need + 1)
        return SVCM_ENOSPC;
    (void)write_table(t, top, buf);
    buf[need] = '\0';
    return SVCM_OK;
}

int svcm_itil_priority(const svcm_itil_table *table, int impact, int urgency, int *out,
                       svcm_error *err)
{
    svcm_itil_table builtin;
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    if (table == NULL) {
        svcm_itil_table_init(&builtin);
        table = &builtin;
    } else {
        int rc = svcm_itil_table_check(table, err);
        if (rc != SVCM_OK)
            return rc;
    }
    if (impact < 1 || impact > table->rows)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "impact",
                           "impact level %d is outside 1..%d", impact, table->rows);
    if (urgency < 1 || urgency > table->cols)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "urgency",
                           "urgency level %d is outside 1..%d", urgency, table->cols);
    *out = table->cell[impact - 1][urgency - 1];
    return SVCM_OK;
}
