/* Tests of problem grading (src/grade.c): the default rule, caller tables,
 * their check and text form, and the bridge into a priority request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/priority.h"

/* The documented default rule, written out independently of src/grade.c:
 * grade 1 for s <= 5, 2 for 6..7, 3 for 8..9, 4 for 10..12. */
static int rule(int u, int i, int d)
{
    static const int by_sum[13] = {0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 4, 4};
    return by_sum[u + i + d];
}

static void test_grade_default_rule_matches_documented_cut_points(void **state)
{
    (void)state;
    int count[5] = {0};
    for (int u = 1; u <= 4; u++)
        for (int i = 1; i <= 4; i++)
            for (int d = 1; d <= 4; d++) {
                int g = 0;
                assert_int_equal(svcm_problem_grade(NULL, u, i, d, &g, NULL), SVCM_OK);
                assert_int_equal(g, rule(u, i, d));
                count[g]++;
            }
    /* the documented 10 / 22 / 22 / 10 split */
    assert_int_equal(count[1], 10);
    assert_int_equal(count[2], 22);
    assert_int_equal(count[3], 22);
    assert_int_equal(count[4], 10);
}

static void test_grade_extremes_and_documented_examples(void **state)
{
    (void)state;
    int g = 0;
    assert_int_equal(svcm_problem_grade(NULL, 1, 1, 1, &g, NULL), SVCM_OK);
    assert_int_equal(g, 1);
    assert_int_equal(svcm_problem_grade(NULL, 4, 4, 4, &g, NULL), SVCM_OK);
    assert_int_equal(g, 4);
    /* organisation-wide, can wait, easy: grade 3 (header example) */
    assert_int_equal(svcm_problem_grade(NULL, 4, 1, 4, &g, NULL), SVCM_OK);
    assert_int_equal(g, 3);
    assert_int_equal(svcm_problem_grade(NULL, 1, 2, 2, &g, NULL), SVCM_OK);
    assert_int_equal(g, 1);
    assert_int_equal(svcm_problem_grade(NULL, 1, 1, 4, &g, NULL), SVCM_OK);
    assert_int_equal(g, 2);
}

/* Monotone: over all 64 combinations and each input, one level worse
 * never gives a milder grade; for the default rule and the table
 * svcm_grade_table_init() fills (which must agree with it). */
static void test_grade_default_is_monotone_over_all_64(void **state)
{
    (void)state;
    svcm_grade_table t;
    svcm_grade_table_init(&t);
    assert_int_equal(svcm_grade_table_check(&t, NULL), SVCM_OK);
    for (int u = 1; u <= 4; u++)
        for (int i = 1; i <= 4; i++)
            for (int d = 1; d <= 4; d++) {
                int g = 0, gt = 0;
                assert_int_equal(svcm_problem_grade(NULL, u, i, d, &g, NULL), SVCM_OK);
                assert_int_equal(svcm_problem_grade(&t, u, i, d, &gt, NULL), SVCM_OK);
                assert_int_equal(g, gt);
                int lv[3] = {u, i, d};
                for (int k = 0; k < 3; k++) {
                    if (lv[k] == 1)
                        continue;
                    int w[3] = {u, i, d};
                    w[k]--; /* one level worse */
                    int gw = 0;
                    assert_int_equal(svcm_problem_grade(NULL, w[0], w[1], w[2], &gw, NULL),
                                     SVCM_OK);
                    if (gw > g)
                        fail_msg("(%d,%d,%d) grade %d milder than (%d,%d,%d) grade %d", w[0],
                                 w[1], w[2], gw, u, i, d, g);
                }
            }
}

static void test_grade_caller_table_is_used(void **state)
{
    (void)state;
    svcm_grade_table t;
    /* lexicographic on urgency: the grade is the urgency level */
    for (int u = 0; u < 4; u++)
        for (int i = 0; i < 4; i++)
            for (int d = 0; d < 4; d++)
                t.cell[u][i][d] = (unsigned char)(u + 1);
    assert_int_equal(svcm_grade_table_check(&t, NULL), SVCM_OK);
    int g = 0;
    assert_int_equal(svcm_problem_grade(&t, 3, 1, 1, &g, NULL), SVCM_OK);
    assert_int_equal(g, 3);
    assert_int_equal(svcm_problem_grade(&t, 1, 4, 4, &g, NULL), SVCM_OK);
    assert_int_equal(g, 1);
}

static void test_grade_check_names_out_of_range_cell(void **state)
{
    (void)state;
    svcm_grade_table t;
    svcm_grade_table_init(&t);
    t.cell[2][1][3] = 5;
    svcm_error err;
    assert_int_equal(svcm_grade_table_check(&t, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "cell");
    assert_int_equal(err.index, 2 * 4 + 1);
    assert_non_null(strstr(err.message, "urgency 3, impact 2, difficulty 4"));
    t.cell[2][1][3] = 0;
    assert_int_equal(svcm_grade_table_check(&t, &err), SVCM_EINVAL);
    assert_non_null(strstr(err.message, "outside 1..4"));
    assert_int_equal(svcm_grade_table_check(NULL, &err), SVCM_EINVAL);
}

static void test_grade_check_refuses_non_monotone_table_naming_cell(void **state)
{
    (void)state;
    svcm_grade_table t;
    svcm_grade_table_init(&t);
    /* (1,1,1) made milder than (1,1,2) = 1: breaks difficulty */
    t.cell[0][0][0] = 2;
    svcm_error err;
    assert_int_equal(svcm_grade_table_check(&t, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "cell");
    assert_int_equal(err.index, 0);
    assert_non_null(strstr(err.message, "urgency 1, impact 1, difficulty 1"));
    assert_non_null(strstr(err.message, "not monotone"));
    /* each input in turn: a cell milder than its neighbour one level
     * milder on urgency / impact / difficulty */
    for (int k = 0; k < 3; k++) {
        /* 1 outside the block u, i, d >= 1 (levels 2..4), 4 inside it,
         * except (2,2,2) = 3 and its neighbour one level milder on input
         * k = 2: the only fault is (2,2,2) against that neighbour. */
        for (int u = 0; u < 4; u++)
            for (int i = 0; i < 4; i++)
                for (int d = 0; d < 4; d++)
                    t.cell[u][i][d] = (u >= 1 && i >= 1 && d >= 1) ? 4 : 1;
        t.cell[1][1][1] = 3;
        int nb[3] = {1, 1, 1};
        nb[k]++;
        t.cell[nb[0]][nb[1]][nb[2]] = 2;
        assert_int_equal(svcm_grade_table_check(&t, &err), SVCM_EINVAL);
        assert_int_equal(err.index, 1 * 4 + 1);
        assert_non_null(strstr(err.message, "urgency 2, impact 2, difficulty 2"));
        static const char *const name[3] = {"urgency 3", "impact 3", "difficulty 3"};
        if (strstr(err.message, name[k]) == NULL)
            fail_msg("k %d: '%s'", k, err.message);
        int g = 0;
        assert_int_equal(svcm_problem_grade(&t, 1, 1, 1, &g, &err), SVCM_EINVAL);
    }
}

static void test_grade_bad_levels_name_the_field(void **state)
{
    (void)state;
    int g = 7;
    svcm_error err;
    assert_int_equal(svcm_problem_grade(NULL, 0, 1, 1, &g, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "urgency");
    assert_int_equal(svcm_problem_grade(NULL, 1, 5, 1, &g, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "impact");
    assert_int_equal(svcm_problem_grade(NULL, 1, 1, -3, &g, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "difficulty");
    assert_int_equal(g, 7); /* untouched */
    assert_int_equal(svcm_problem_grade(NULL, 1, 1, 1, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "grade");
}

static const char default_text[] = "urgency 1\n"
                                   "1 1 1 2\n1 1 2 2\n1 2 2 3\n2 2 3 3\n"
                                   "urgency 2\n"
                                   "1 1 2 2\n1 2 2 3\n2 2 3 3\n2 3 3 4\n"
                                   "urgency 3\n"
                                   "1 2 2 3\n2 2 3 3\n2 3 3 4\n3 3 4 4\n"
                                   "urgency 4\n"
                                   "2 2 3 3\n2 3 3 4\n3 3 4 4\n3 4 4 4\n";

static void test_grade_format_default_text(void **state)
{
    (void)state;
    svcm_grade_table t;
    svcm_grade_table_init(&t);
    char buf[512];
    size_t len = 0;
    assert_int_equal(svcm_grade_table_format(&t, buf, sizeof buf, &len), SVCM_OK);
    assert_string_equal(buf, default_text);
    assert_int_equal(len, strlen(default_text));
}

static void test_grade_format_size_contract(void **state)
{
    (void)state;
    svcm_grade_table t;
    svcm_grade_table_init(&t);
    size_t len = 0, need;
    assert_int_equal(svcm_grade_table_format(&t, NULL, 0, &len), SVCM_ENOSPC);
    need = len;
    assert_int_equal(need, strlen(default_text));
    len = 0;
    assert_int_equal(svcm_grade_table_format(&t, NULL, 4096, &len), SVCM_ENOSPC);
    assert_int_equal(len, need);
    char buf[512];
    memset(buf, 'x', sizeof buf);
    assert_int_equal(svcm_grade_table_format(&t, buf, need, &len), SVCM_ENOSPC);
    assert_int_equal(buf[0], 'x'); /* untouched */
    assert_int_equal(svcm_grade_table_format(&t, buf, need + 1, &len), SVCM_OK);
    assert_int_equal(len, need);
    assert_int_equal(buf[need], '\0');
    assert_int_equal(svcm_grade_table_format(&t, buf, sizeof buf, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_grade_table_format(NULL, buf, sizeof buf, &len), SVCM_EINVAL);
    t.cell[0][0][0] = 4; /* not monotone */
    assert_int_equal(svcm_grade_table_format(&t, buf, sizeof buf, &len), SVCM_EINVAL);
}

static void test_grade_parse_round_trips(void **state)
{
    (void)state;
    svcm_grade_table t, back;
    assert_int_equal(svcm_grade_table_parse(default_text, strlen(default_text), &t, NULL),
                     SVCM_OK);
    svcm_grade_table_init(&back);
    assert_memory_equal(&t, &back, sizeof t);
    /* random monotone tables: max of per-input steps */
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int k = 0; k < 500; k++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int cu = 1 + (int)(x % 4), ci = 1 + (int)((x >> 8) % 4), cd = 1 + (int)((x >> 16) % 4);
        for (int u = 0; u < 4; u++)
            for (int i = 0; i < 4; i++)
                for (int d = 0; d < 4; d++) {
                    int g = 1 + (u >= cu) + (i >= ci) + (d >= cd);
                    t.cell[u][i][d] = (unsigned char)(g > 4 ? 4 : g);
                }
        assert_int_equal(svcm_grade_table_check(&t, NULL), SVCM_OK);
        char buf[512], again[512];
        size_t len = 0, len2 = 0;
        assert_int_equal(svcm_grade_table_format(&t, buf, sizeof buf, &len), SVCM_OK);
        assert_int_equal(svcm_grade_table_parse(buf, len, &back, NULL), SVCM_OK);
        assert_memory_equal(&t, &back, sizeof t);
        assert_int_equal(svcm_grade_table_format(&back, again, sizeof again, &len2), SVCM_OK);
        assert_int_equal(len, len2);
        assert_memory_equal(buf, again, len);
    }
}

static void test_grade_parse_accepts_comments_commas_no_headers(void **state)
{
    (void)state;
    char text[600] = "# my grading\n\n";
    const char *p = default_text;
    /* drop the "urgency N" lines, use commas */
    while (*p) {
        const char *e = strchr(p, '\n');
        if (strncmp(p, "urgency", 7) != 0) {
            size_t n = strlen(text);
            for (const char *q = p; q < e; q++)
                text[n++] = *q == ' ' ? ',' : *q;
            text[n++] = '\n';
            text[n] = '\0';
        }
        p = e + 1;
    }
    svcm_grade_table t, d;
    svcm_error err;
    int rc = svcm_grade_table_parse(text, strlen(text), &t, &err);
    if (rc != SVCM_OK)
        fail_msg("%zu:%zu %s", err.line, err.column, err.message);
    svcm_grade_table_init(&d);
    assert_memory_equal(&t, &d, sizeof t);
}

static void test_grade_parse_errors_name_line_column_field(void **state)
{
    (void)state;
    char text[700];
    const struct {
        const char *edit_from, *edit_to; /* replace first occurrence in default_text */
        int rc;
        size_t line, column, row;
        const char *field;
    } cases[] = {
        {"1 1 1 2\n", "1 1 1\n", SVCM_EFORMAT, 2, 0, 0, "cols"},
        {"1 1 1 2\n", "1 1 1 2 2\n", SVCM_EFORMAT, 2, 9, 0, "cols"},
        {"1 1 1 2\n", "1 x 1 2\n", SVCM_EFORMAT, 2, 3, 0, "cell"},
        {"1 1 1 2\n", "1 1a 1 2\n", SVCM_EFORMAT, 2, 4, 0, "cell"},
        {"1 1 1 2\n", "1 1 1 5\n", SVCM_EINVAL, 2, 7, 0, "cell"},
        {"1 1 1 2\n", "1 1 0 2\n", SVCM_EINVAL, 2, 5, 0, "cell"},
        {"1 1 1 2\n", "3 1 1 2\n", SVCM_EINVAL, 2, 1, 0, "cell"}, /* not monotone */
        {"urgency 2\n", "urgency 3\n", SVCM_EFORMAT, 6, 9, SVCM_NO_INDEX, "urgency"},
        {"urgency 2\n", "urgency\n", SVCM_EFORMAT, 6, 8, SVCM_NO_INDEX, "urgency"},
        {"urgency 2\n", "urgency 2 2\n", SVCM_EFORMAT, 6, 11, SVCM_NO_INDEX, "urgency"},
        {"urgency 2\n", "levels 2\n", SVCM_EFORMAT, 6, 1, 4, "cell"},
        {"1 1 2 2\n1 2 2 3\n", "1 1 2 2\nurgency 2\n1 2 2 3\n", SVCM_EFORMAT, 4, 1,
         SVCM_NO_INDEX, "urgency"},
        {"3 4 4 4\n", "", SVCM_EFORMAT, 0, 0, SVCM_NO_INDEX, "rows"},
        {"3 4 4 4\n", "3 4 4 4\n4 4 4 4\n", SVCM_EFORMAT, 21, 1, SVCM_NO_INDEX, "rows"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *at = strstr(default_text, cases[k].edit_from);
        assert_non_null(at);
        size_t pre = (size_t)(at - default_text);
        memcpy(text, default_text, pre);
        strcpy(text + pre, cases[k].edit_to);
        strcat(text, at + strlen(cases[k].edit_from));
        svcm_grade_table t;
        svcm_error err;
        memset(&err, 0, sizeof err);
        int rc = svcm_grade_table_parse(text, strlen(text), &t, &err);
        if (rc != cases[k].rc || err.line != cases[k].line || err.column != cases[k].column ||
            err.index != cases[k].row || err.field == NULL ||
            strcmp(err.field, cases[k].field) != 0 || strstr(err.message, "line ") != NULL)
            fail_msg("case %zu: rc %d %zu:%zu row %zu field %s '%s'", k, rc, err.line,
                     err.column, err.index, err.field ? err.field : "-", err.message);
    }
    svcm_grade_table t;
    svcm_error err;
    assert_int_equal(svcm_grade_table_parse("\xff\n", 2, &t, &err), SVCM_EFORMAT);
    assert_string_equal(err.field, "line");
    assert_int_equal(svcm_grade_table_parse(NULL, 0, &t, &err), SVCM_EINVAL);
    assert_int_equal(svcm_grade_table_parse("", 0, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_grade_table_parse("", 0, &t, &err), SVCM_EFORMAT);
    /* the error path without an err */
    assert_int_equal(svcm_grade_table_parse("1 2\n", 4, &t, NULL), SVCM_EFORMAT);
    char bad[700];
    strcpy(bad, default_text);
    bad[10] = '3'; /* first cell of row 1: not monotone */
    assert_int_equal(svcm_grade_table_parse(bad, strlen(bad), &t, NULL), SVCM_EINVAL);
}

static void test_grade_feeds_priority_request(void **state)
{
    (void)state;
    svcm_request r;
    memset(&r, 0, sizeof r);
    r.id = 9;
    r.tier = 2;
    r.impact = 4;
    r.severity = 4;
    r.value = 0.5;
    r.due = SVCM_NO_DUE;
    svcm_request before = r;
    assert_int_equal(svcm_problem_request(NULL, 1, 1, 2, &r, NULL), SVCM_OK);
    assert_int_equal(r.severity, 1);
    assert_int_equal(r.impact, 1);
    assert_int_equal(r.id, before.id);
    assert_int_equal(r.tier, before.tier);
    assert_true(r.value == before.value && r.due == before.due && r.urgent == before.urgent);
    assert_int_equal(svcm_request_check(&r, NULL), SVCM_OK);
    /* a more severe grade gives at least the importance of a milder one */
    svcm_request mild = before;
    assert_int_equal(svcm_problem_request(NULL, 4, 4, 4, &mild, NULL), SVCM_OK);
    assert_int_equal(mild.severity, 4);
    double im_severe = 0, im_mild = 0;
    assert_int_equal(svcm_importance(NULL, &r, &im_severe, NULL), SVCM_OK);
    assert_int_equal(svcm_importance(NULL, &mild, &im_mild, NULL), SVCM_OK);
    assert_true(im_severe > im_mild);
    /* failure leaves the request untouched */
    svcm_request keep = before;
    svcm_error err;
    assert_int_equal(svcm_problem_request(NULL, 1, 5, 1, &keep, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "impact");
    assert_memory_equal(&keep, &before, sizeof keep);
    assert_int_equal(svcm_problem_request(NULL, 1, 1, 1, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "req");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grade_default_rule_matches_documented_cut_points),
        cmocka_unit_test(test_grade_extremes_and_documented_examples),
        cmocka_unit_test(test_grade_default_is_monotone_over_all_64),
        cmocka_unit_test(test_grade_caller_table_is_used),
        cmocka_unit_test(test_grade_check_names_out_of_range_cell),
        cmocka_unit_test(test_grade_check_refuses_non_monotone_table_naming_cell),
        cmocka_unit_test(test_grade_bad_levels_name_the_field),
        cmocka_unit_test(test_grade_format_default_text),
        cmocka_unit_test(test_grade_format_size_contract),
        cmocka_unit_test(test_grade_parse_round_trips),
        cmocka_unit_test(test_grade_parse_accepts_comments_commas_no_headers),
        cmocka_unit_test(test_grade_parse_errors_name_line_column_field),
        cmocka_unit_test(test_grade_feeds_priority_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
