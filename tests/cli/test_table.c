/* Tests of the CLI's table writer (text, CSV, JSON), its number writer and
 * its JSON strings. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

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
    assert_int_equal(cli_table_num(&t, -0.0, 1), 0);
    /* The text table rounds -0.0001 for reading: no "-0.00". */
    char *s = render(&t, CLI_TEXT);
    assert_string_equal(s, "x\n----\n0.00\n-1.5\n 0.0\n");
    free(s);
    /* CSV keeps the value; a zero has no sign. */
    s = render(&t, CLI_CSV);
    assert_string_equal(s, "x\r\n-0.0001\r\n-1.5\r\n0\r\n");
    free(s);
    cli_table_free(&t);
}

/* Format v for CSV and JSON and check the text, and that it reads back. */
static void expect_exact(double v, const char *want)
{
    char buf[CLI_NUM_SIZE];
    for (int fmt = CLI_CSV; fmt <= CLI_JSON; fmt++) {
        const char *s = cli_format_number(buf, v, 2, (cli_format)fmt);
        if (strcmp(s, want) != 0)
            fail_msg("%.17g printed as '%s', want '%s'", v, s, want);
        assert_true(strtod(s, NULL) == v);
    }
}

static void test_numbers_read_back_exactly_in_csv_and_json(void **state)
{
    (void)state;
    expect_exact(0.03125, "0.03125"); /* p50_h of 112.5 s: not 0.03 */
    expect_exact(0.1, "0.1");
    expect_exact(1.0 / 3.0, "0.3333333333333333");
    expect_exact(100.0, "100");
    expect_exact(-45.454545454545453, "-45.45454545454545");
    expect_exact(123456.789, "123456.789");
    expect_exact(0.0001234, "0.0001234");
    expect_exact(1.5e-5, "1.5e-05");
    expect_exact(1e70, "1e+70");
    expect_exact(-1.2345678901234567e300, "-1.2345678901234567e+300");
    expect_exact(5e-324, "5e-324");      /* the smallest subnormal */
    expect_exact(2.2250738585072014e-308, "2.2250738585072014e-308");
    expect_exact(1.7976931348623157e308, "1.7976931348623157e+308");
    expect_exact(9007199254740993.0, "9007199254740992"); /* 2^53 + 1 rounds to 2^53 */
    expect_exact(1e16, "1e+16");
    expect_exact(1234567890123456.0, "1234567890123456");
    /* Every double reads back: a sweep of awkward values. */
    char buf[CLI_NUM_SIZE];
    double v = 0.1;
    for (int i = 0; i < 2000; i++, v = v * 1.37 + 1e-3 * i) {
        assert_true(strtod(cli_format_number(buf, v, 2, CLI_CSV), NULL) == v);
        assert_true(strtod(cli_format_number(buf, -v / 7.0, 2, CLI_JSON), NULL) == -v / 7.0);
    }
    /* Not finite: empty (JSON writes null). */
    assert_string_equal(cli_format_number(buf, INFINITY, 2, CLI_JSON), "");
    assert_string_equal(cli_format_number(buf, NAN, 2, CLI_CSV), "");
}

static void test_huge_numbers_are_never_cut_off(void **state)
{
    (void)state;
    const char *names[] = {"value"};
    cli_table t;
    assert_int_equal(cli_table_init(&t, NULL, 1, names), 0);
    assert_int_equal(cli_table_num(&t, 1e70, 2), 0);
    assert_int_equal(cli_table_num(&t, 5e63, 2), 0);
    assert_int_equal(cli_table_num(&t, INFINITY, 2), 0);
    char *s = render(&t, CLI_JSON);
    assert_string_equal(s, "[\n {\"value\": 1e+70},\n {\"value\": 5e+63},\n {\"value\": null}\n]\n");
    free(s);
    s = render(&t, CLI_CSV);
    assert_string_equal(s, "value\r\n1e+70\r\n5e+63\r\n\r\n");
    free(s);
    s = render(&t, CLI_TEXT);
    assert_string_equal(s, "value\n-----\n1e+70\n5e+63\n     \n");
    free(s);
    cli_table_free(&t);
}

static void test_text_rounds_only_for_reading(void **state)
{
    (void)state;
    char buf[CLI_NUM_SIZE];
    assert_string_equal(cli_format_number(buf, 0.03125, 2, CLI_TEXT), "0.03");
    assert_string_equal(cli_format_number(buf, 2.0, 2, CLI_TEXT), "2.00");
    assert_string_equal(cli_format_number(buf, 0.000123456, -3, CLI_TEXT), "0.000123");
    assert_string_equal(cli_format_number(buf, 9999999999999998.0, 2, CLI_TEXT),
                        "9999999999999998.00");
    /* From 1e16 on the fixed layout would be a long digit string: exponent form. */
    assert_string_equal(cli_format_number(buf, 1.5e16, 2, CLI_TEXT), "1.5e+16");
    assert_string_equal(cli_format_number(buf, -1e300, 1, CLI_TEXT), "-1e+300");
    assert_string_equal(cli_format_number(buf, -1e-9, 2, CLI_TEXT), "0.00");
}

static void test_json_replaces_invalid_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"Jos\xc3\xa9", "\"Jos\xc3\xa9\""},                /* valid: copied */
        {"\xe2\x82\xac \xf0\x9f\x98\x80", "\"\xe2\x82\xac \xf0\x9f\x98\x80\""}, /* 3 and 4 bytes */
        {"\xff\xfe" "A", "\"\\ufffd\\ufffdA\""},          /* bytes that start nothing */
        {"a\xc3", "\"a\\ufffd\""},                           /* cut short at the end */
        {"\xe2\x82x", "\"\\ufffdx\""},                      /* one U+FFFD per maximal subpart */
        {"\xc0\xaf", "\"\\ufffd\\ufffd\""},               /* overlong '/' */
        {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""}, /* a surrogate */
        {"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* above U+10FFFF */
        {"\x80z", "\"\\ufffdz\""},                           /* lone continuation byte */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = tmpfile();
        assert_non_null(f);
        cli_write_json_string(f, cases[i].in);
        long n = ftell(f);
        rewind(f);
        char got[64] = {0};
        assert_int_equal(fread(got, 1, (size_t)n, f), (size_t)n);
        fclose(f);
        if (strcmp(got, cases[i].out) != 0)
            fail_msg("case %zu: got %s", i, got);
    }
}

static void test_json_escapes_every_control_character(void **state)
{
    (void)state;
    const char *names[] = {"s"};
    cli_table t;
    assert_int_equal(cli_table_init(&t, NULL, 1, names), 0);
    assert_int_equal(cli_table_str(&t, "\x1f\x7f\xc2\x85\xc2\xa0"), 0); /* US, DEL, NEL, NBSP */
    char *s = render(&t, CLI_JSON);
    assert_string_equal(s, "[\n {\"s\": \"\\u001f\\u007f\\u0085\xc2\xa0\"}\n]\n");
    free(s);
    cli_table_free(&t);
}

static void test_json_escapes_control_characters_and_empty_table(void **state)
{
    (void)state;
    const char *names[] = {"k\"ey"};
    cli_table t;
    assert_int_equal(cli_table_init(&t, NULL, 1, names), 0);
    char *s = render(&t, CLI_JSON);
    assert_string_equal(s, "[]\n");
    free(s);
    assert_int_equal(cli_table_str(&t, "a\\b\n\r\t\x01z"), 0);
    assert_int_equal(cli_table_str(&t, NULL), 0); /* NULL is the empty string */
    s = render(&t, CLI_JSON);
    assert_string_equal(s, "[\n {\"k\\\"ey\": \"a\\\\b\\n\\r\\t\\u0001z\"},\n {\"k\\\"ey\": \"\"}\n]\n");
    free(s);
    cli_table_free(&t);
}

static void test_text_width_counts_code_points_not_bytes(void **state)
{
    (void)state;
    const char *names[] = {"name", "n"};
    cli_table t;
    assert_int_equal(cli_table_init(&t, NULL, 2, names), 0);
    assert_int_equal(cli_table_str(&t, "Jos\xc3\xa9"), 0); /* "José": 4 columns, 5 bytes */
    assert_int_equal(cli_table_int(&t, 1), 0);
    assert_int_equal(cli_table_str(&t, "Ann"), 0);
    assert_int_equal(cli_table_int(&t, 22), 0);
    char *s = render(&t, CLI_TEXT);
    assert_string_equal(s, "name  n\n"
                           "----  --\n"
                           "Jos\xc3\xa9   1\n"
                           "Ann   22\n");
    free(s);
    cli_table_free(&t);
}

static void test_format_names(void **state)
{
    (void)state;
    cli_format f = CLI_JSON;
    assert_int_equal(cli_format_parse("text", &f), 0);
    assert_int_equal(f, CLI_TEXT);
    assert_int_equal(cli_format_parse("csv", &f), 0);
    assert_int_equal(f, CLI_CSV);
    assert_int_equal(cli_format_parse("CSV", &f), -1); /* names are lower case */
    assert_int_equal(cli_format_parse("", &f), -1);
    assert_int_equal(f, CLI_CSV); /* unchanged on failure */
}

static void test_write_error_is_reported(void **state)
{
    (void)state;
    cli_table t;
    make(&t);
    /* A stream opened for reading only: every write fails and sets its error flag. */
    FILE *ro = fopen("/dev/null", "r");
    assert_non_null(ro);
    for (int fmt = CLI_TEXT; fmt <= CLI_JSON; fmt++) {
        clearerr(ro);
        assert_int_equal(cli_table_write(&t, ro, (cli_format)fmt), -1);
    }
    fclose(ro);
    cli_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_is_aligned_numbers_right),
        cmocka_unit_test(test_csv_quotes_per_rfc4180),
        cmocka_unit_test(test_json_types_and_escapes),
        cmocka_unit_test(test_negative_zero_prints_as_zero),
        cmocka_unit_test(test_json_escapes_control_characters_and_empty_table),
        cmocka_unit_test(test_text_width_counts_code_points_not_bytes),
        cmocka_unit_test(test_format_names),
        cmocka_unit_test(test_write_error_is_reported),
        cmocka_unit_test(test_numbers_read_back_exactly_in_csv_and_json),
        cmocka_unit_test(test_huge_numbers_are_never_cut_off),
        cmocka_unit_test(test_text_rounds_only_for_reading),
        cmocka_unit_test(test_json_replaces_invalid_utf8),
        cmocka_unit_test(test_json_escapes_every_control_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
