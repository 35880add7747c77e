/* Tests of the CLI's table writer (text, CSV, JSON) and atomic output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "table.h"

static char *render(const cli_table *t, cli_format fmt)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(cli_table_write(t, f, fmt), 0);
    long n = ftell(f);
    rewind(f);
    char *s = calloc((size_t)n + 1, 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return s;
}

static void make(cli_table *t)
{
    const char *names[] = {"tier", "count", "share"};
    assert_int_equal(cli_table_init(t, "Tiers", 3, names), 0);
    assert_int_equal(cli_table_str(t, "vip"), 0);
    assert_int_equal(cli_table_int(t, 12), 0);
    assert_int_equal(cli_table_num(t, 0.125, 3), 0);
    assert_int_equal(cli_table_str(t, "say \"hi\", ok"), 0);
    assert_int_equal(cli_table_int(t, 3), 0);
    assert_int_equal(cli_table_num(t, 0.0 / 0.0, 2), 0);
}

static void test_text_is_aligned_numbers_right(void **state)
{
    (void)state;
    cli_table t;
    make(&t);
    char *s = render(&t, CLI_TEXT);
    assert_string_equal(s, "Tiers\n"
                           "tier          count  share\n"
                           "------------  -----  -----\n"
                           "vip              12  0.125\n"
                           "say \"hi\", ok      3       \n");
    free(s);
    cli_table_free(&t);
}

static void test_csv_quotes_per_rfc4180(void **state)
{
    (void)state;
    cli_table t;
    make(&t);
    char *s = render(&t, CLI_CSV);
    assert_string_equal(s, "tier,count,share\r\nvip,12,0.125\r\n\"say \"\"hi\"\", ok\",3,\r\n");
    free(s);
    cli_table_free(&t);
}

static void test_json_types_and_escapes(void **state)
{
    (void)state;
    cli_table t;
    make(&t);
    char *s = render(&t, CLI_JSON);
    assert_string_equal(s, "[\n {\"tier\": \"vip\", \"count\": 12, \"share\": 0.125},\n"
                           " {\"tier\": \"say \\\"hi\\\", ok\", \"count\": 3, \"share\": null}\n]\n");
    free(s);
    cli_table_free(&t);
    cli_format f;
    assert_int_equal(cli_format_parse("json", &f), 0);
    assert_int_equal(f, CLI_JSON);
    assert_int_equal(cli_format_parse("xml", &f), -1);
}

static void test_negative_zero_prints_as_zero(void **state)
{
    (void)state;
    const char *names[] = {"x"};
    cli_table t;
    assert_int_equal(cli_table_init(&t, NULL, 1, names), 0);
    assert_int_equal(cli_table_num(&t, -0.0001, 2), 0);
    assert_int_equal(cli_table_num(&t, -1.5, 1), 0);
    char *s = render(&t, CLI_CSV);
    assert_string_equal(s, "x\r\n0.00\r\n-1.5\r\n");
    free(s);
    cli_table_free(&t);
}

static void test_atomic_output_appears_only_on_commit(void **state)
{
    (void)state;
    char path[] = "svcm-test-out.csv";
    remove(path);
    cli_out o;
    assert_int_equal(cli_out_open(&o, path), 0);
    fputs("partial", o.f);
    FILE *probe = fopen(path, "r");
    assert_null(probe); /* nothing at the final name yet */
    cli_out_abort(&o);
    probe = fopen(path, "r");
    assert_null(probe);
    assert_int_equal(cli_out_open(&o, path), 0);
    fputs("whole\n", o.f);
    assert_int_equal(cli_out_commit(&o), 0);
    probe = fopen(path, "r");
    assert_non_null(probe);
    char buf[16] = {0};
    assert_non_null(fgets(buf, sizeof buf, probe));
    assert_string_equal(buf, "whole\n");
    fclose(probe);
    remove(path);
    assert_int_equal(cli_out_open(&o, "/nonexistent-dir/x.csv"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_is_aligned_numbers_right),
        cmocka_unit_test(test_csv_quotes_per_rfc4180),
        cmocka_unit_test(test_json_types_and_escapes),
        cmocka_unit_test(test_negative_zero_prints_as_zero),
        cmocka_unit_test(test_atomic_output_appears_only_on_commit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
