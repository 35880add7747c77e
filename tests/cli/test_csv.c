/* Tests of the CLI's RFC 4180 CSV reader and field parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"

static FILE *from_text(const char *text)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    fwrite(text, 1, strlen(text), f);
    rewind(f);
    return f;
}

static void expect_fields(cli_csv *r, size_t n, const char *const *want)
{
    assert_int_equal(cli_csv_next(r), 1);
    assert_int_equal(r->nfields, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(r->fields[i].len, strlen(want[i]));
        assert_memory_equal(r->fields[i].ptr, want[i], strlen(want[i]));
    }
}

static void test_rfc4180_quoting_commas_and_newlines(void **state)
{
    (void)state;
    FILE *f = from_text("id,name,note\r\n"
                        "1,\"Smith, Jo\",\"said \"\"hi\"\"\"\r\n"
                        "2,plain,\"two\nlines\"\n"
                        "3,,\"\"\n"
                        "4,last,no newline");
    cli_csv r;
    assert_int_equal(cli_csv_open(&r, f, ','), 0);
    expect_fields(&r, 3, (const char *const[]){"id", "name", "note"});
    expect_fields(&r, 3, (const char *const[]){"1", "Smith, Jo", "said \"hi\""});
    assert_int_equal(r.rec_line, 2);
    expect_fields(&r, 3, (const char *const[]){"2", "plain", "two\nlines"});
    assert_int_equal(r.rec_line, 3);
    expect_fields(&r, 3, (const char *const[]){"3", "", ""});
    assert_int_equal(r.rec_line, 5); /* the embedded newline counted */
    expect_fields(&r, 3, (const char *const[]){"4", "last", "no newline"});
    assert_int_equal(cli_csv_next(&r), 0);
    assert_int_equal(cli_csv_next(&r), 0);
    cli_csv_close(&r);
    fclose(f);
}

static void test_blank_line_is_one_empty_field_and_semicolons_work(void **state)
{
    (void)state;
    FILE *f = from_text("a;b\n\n\"x;y\";2\n");
    cli_csv r;
    assert_int_equal(cli_csv_open(&r, f, ';'), 0);
    expect_fields(&r, 2, (const char *const[]){"a", "b"});
    expect_fields(&r, 1, (const char *const[]){""});
    expect_fields(&r, 2, (const char *const[]){"x;y", "2"});
    assert_int_equal(cli_csv_next(&r), 0);
    cli_csv_close(&r);
    fclose(f);
}

static void expect_error(const char *text, uint64_t line, uint64_t col, const char *why)
{
    FILE *f = from_text(text);
    cli_csv r;
    assert_int_equal(cli_csv_open(&r, f, ','), 0);
    int rc;
    while ((rc = cli_csv_next(&r)) == 1) {
    }
    assert_int_equal(rc, -1);
    assert_int_equal(r.error_line, line);
    assert_int_equal(r.error_col, col);
    assert_non_null(strstr(r.error, why));
    cli_csv_close(&r);
    fclose(f);
}

static void test_malformed_input_names_line_and_column(void **state)
{
    (void)state;
    expect_error("a,b\n1,\"open\n2,3\n", 2, 3, "not closed");
    expect_error("a,b\n1,\"x\"y\n", 2, 6, "after a closing quote");
    expect_error("a,b\n1,ab\"c\n", 2, 5, "quote inside an unquoted field");
}

static void test_long_records_span_buffer_refills(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    /* 3000 records of 40 fields, past several 64 KiB refills. */
    for (int i = 0; i < 3000; i++)
        for (int j = 0; j < 40; j++)
            fprintf(f, j == 39 ? "\"%d,%d\"\n" : "%d%d,", i, j);
    rewind(f);
    cli_csv r;
    assert_int_equal(cli_csv_open(&r, f, ','), 0);
    char want[32];
    for (int i = 0; i < 3000; i++) {
        assert_int_equal(cli_csv_next(&r), 1);
        assert_int_equal(r.nfields, 40);
        snprintf(want, sizeof want, "%d,39", i);
        assert_string_equal(r.fields[39].ptr, want);
        snprintf(want, sizeof want, "%d0", i);
        assert_string_equal(r.fields[0].ptr, want);
    }
    assert_int_equal(cli_csv_next(&r), 0);
    cli_csv_close(&r);
    fclose(f);
}

static cli_field F(const char *s)
{
    cli_field f = {s, strlen(s)};
    return f;
}

static void test_field_parsers_are_strict(void **state)
{
    (void)state;
    double d;
    int64_t i;
    cli_field f;
    f = F(" 3.5 ");
    assert_int_equal(cli_parse_double(&f, &d), 0);
    assert_true(d == 3.5);
    f = F("3.5x");
    assert_int_equal(cli_parse_double(&f, &d), -1);
    f = F("");
    assert_int_equal(cli_parse_double(&f, &d), -1);
    f = F("nan");
    assert_int_equal(cli_parse_double(&f, &d), -1);
    f = F("1e999");
    assert_int_equal(cli_parse_double(&f, &d), CLI_PARSE_RANGE);
    f = F("-42");
    assert_int_equal(cli_parse_int64(&f, &i), 0);
    assert_int_equal(i, -42);
    f = F("4.0");
    assert_int_equal(cli_parse_int64(&f, &i), -1);
    f = F("99999999999999999999");
    assert_int_equal(cli_parse_int64(&f, &i), CLI_PARSE_RANGE);
    /* A NUL inside a field ends the C string early: the field is still
     * rejected (found by the cli_csv fuzzer). */
    cli_field nul = {"176\0x", 5};
    assert_int_equal(cli_parse_double(&nul, &d), -1);
    assert_int_equal(cli_parse_int64(&nul, &i), -1);
    assert_int_equal(cli_parse_instant(&nul, &i), -1);
    cli_field nul1 = {"\0", 1};
    assert_int_equal(cli_parse_double(&nul1, &d), -1);
    assert_int_equal(cli_parse_instant(&nul1, &i), -1);
    f = F("x");
    cli_field hdr[3] = {F(" id "), F("name"), F("x")};
    assert_int_equal(cli_csv_column(hdr, 3, "id"), 0);
    assert_int_equal(cli_csv_column(hdr, 3, "x"), 2);
    assert_int_equal(cli_csv_column(hdr, 3, "nope"), -1);
}

static void test_instants_in_epoch_and_iso8601(void **state)
{
    (void)state;
    int64_t t;
    cli_field f;
    f = F("1700000000");
    assert_int_equal(cli_parse_instant(&f, &t), 0);
    assert_int_equal(t, 1700000000);
    /* 2026-11-23T03:34:20Z: date -u -d @1795404860 */
    f = F("2026-11-23T03:34:20Z");
    assert_int_equal(cli_parse_instant(&f, &t), 0);
    assert_int_equal(t, 1795404860);
    f = F("2026-11-23T11:34:20+08:00");
    assert_int_equal(cli_parse_instant(&f, &t), 0);
    assert_int_equal(t, 1795404860);
    f = F("1970-01-01");
    assert_int_equal(cli_parse_instant(&f, &t), 0);
    assert_int_equal(t, 0);
    f = F("1969-12-31T23:59");
    assert_int_equal(cli_parse_instant(&f, &t), 0);
    assert_int_equal(t, -60);
    f = F("2000-02-29 12:00:00");
    assert_int_equal(cli_parse_instant(&f, &t), 0);
    assert_int_equal(t, 951825600);
    f = F("2001-02-29");
    assert_int_equal(cli_parse_instant(&f, &t), -1);
    f = F("2026-13-01");
    assert_int_equal(cli_parse_instant(&f, &t), -1);
    f = F("2026-11-23T24:00");
    assert_int_equal(cli_parse_instant(&f, &t), -1);
    f = F("2026-11-23T10:00Zjunk");
    assert_int_equal(cli_parse_instant(&f, &t), -1);
}

static void test_malformed_times_and_offsets_are_rejected(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2026-11-23T9:00",        /* hour needs two digits */
        "2026-11-23T09-00",       /* ':' between hour and minute */
        "2026-11-23T09:",         /* no minute */
        "2026-11-23T09:00:5",     /* second needs two digits */
        "2026-11-23T09:60",       /* minute 60 */
        "2026-11-23T09:00+1:00",  /* offset hour needs two digits */
        "2026-11-23T09:00+24:00", /* RFC 3339 offset hours are 00..23 */
        "2026-11-23T09:00-05:60", /* offset minute 60 */
        "2026-11-23T09:00+05:",   /* no offset minute */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = 42;
        cli_field f = F(bad[i]);
        if (cli_parse_instant(&f, &t) != -1)
            fail_msg("accepted '%s'", bad[i]);
    }
    /* Offsets in use run from UTC-12:00 to UTC+14:00 (Baker Island and
     * Kiribati); RFC 3339's grammar allows any hour 00..23, and so does the
     * reader; 2026-11-23T00:00Z is 1795392000 (date -u -d @1795392000). */
    int64_t t;
    cli_field f = F("2026-11-23T14:00+14:00");
    assert_int_equal(cli_parse_instant(&f, &t), 0);
    assert_int_equal(t, 1795392000);
    f = F("2026-11-22T12:00:00-12:00");
    assert_int_equal(cli_parse_instant(&f, &t), 0);
    assert_int_equal(t, 1795392000);
    /* The library's ISO 8601 / RFC 3339 reader (svcm_time_parse) also takes
     * +HHMM offsets, a space separator, fractions (dropped: floor) and a
     * leap second :60, read as :00 of the next minute. */
    f = F("2026-11-23T01:00+0100");
    assert_int_equal(cli_parse_instant(&f, &t), 0);
    assert_int_equal(t, 1795392000);
    f = F("2026-11-23 00:00:00.999Z");
    assert_int_equal(cli_parse_instant(&f, &t), 0);
    assert_int_equal(t, 1795392000);
    f = F("2026-11-22T23:59:60Z");
    assert_int_equal(cli_parse_instant(&f, &t), 0);
    assert_int_equal(t, 1795392000);
}

/* Each field's line and byte column, as error messages give them: a field
 * after a quoted line break starts on a later line than its record. */
static void test_fields_know_where_they_start(void **state)
{
    (void)state;
    FILE *f = from_text("id,x\na,\"b\nc\",d\n  e , f\n");
    cli_csv r;
    assert_int_equal(cli_csv_open(&r, f, ','), 0);
    expect_fields(&r, 2, (const char *const[]){"id", "x"});
    assert_int_equal(cli_csv_next(&r), 1);
    assert_int_equal(r.rec_line, 2);
    const uint64_t line1[3] = {2, 2, 3}, col1[3] = {1, 3, 4};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r.fline[i], line1[i]);
        assert_int_equal(r.fcol[i], col1[i]);
    }
    cli_csv_close(&r);
    fclose(f);
    /* Runs of blanks: the field starts after them. */
    f = from_text("  e   f\tg\n");
    assert_int_equal(cli_csv_open(&r, f, ','), 0);
    cli_csv_set_whitespace(&r);
    assert_int_equal(cli_csv_next(&r), 1);
    assert_int_equal(r.nfields, 3);
    assert_int_equal(r.fcol[0], 3);
    assert_int_equal(r.fcol[1], 7);
    assert_int_equal(r.fcol[2], 9);
    cli_csv_close(&r);
    fclose(f);
}

static void test_bom_is_skipped(void **state)
{
    (void)state;
    FILE *f = from_text("\xEF\xBB\xBFid,nps\nA,9\n");
    cli_csv r;
    assert_int_equal(cli_csv_open(&r, f, ','), 0);
    expect_fields(&r, 2, (const char *const[]){"id", "nps"});
    assert_int_equal(cli_csv_column(r.fields, r.nfields, "id"), 0);
    expect_fields(&r, 2, (const char *const[]){"A", "9"});
    cli_csv_close(&r);
    fclose(f);
    /* Only at the very start: elsewhere the bytes are data. */
    f = from_text("a\n\xEF\xBB\xBF" "b\n");
    assert_int_equal(cli_csv_open(&r, f, ','), 0);
    expect_fields(&r, 1, (const char *const[]){"a"});
    expect_fields(&r, 1, (const char *const[]){"\xEF\xBB\xBF" "b"});
    cli_csv_close(&r);
    fclose(f);
    /* A file that is only a mark has no records. */
    f = from_text("\xEF\xBB\xBF");
    assert_int_equal(cli_csv_open(&r, f, ','), 0);
    assert_int_equal(cli_csv_next(&r), 0);
    cli_csv_close(&r);
    fclose(f);
}

/* Like expect_error, for input with NUL bytes (length given). */
static void expect_error_n(const char *text, size_t len, uint64_t line, uint64_t col,
                           const char *why)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    fwrite(text, 1, len, f);
    rewind(f);
    cli_csv r;
    assert_int_equal(cli_csv_open(&r, f, ','), 0);
    int rc;
    while ((rc = cli_csv_next(&r)) == 1) {
    }
    assert_int_equal(rc, -1);
    assert_int_equal(r.error_line, line);
    assert_int_equal(r.error_col, col);
    assert_non_null(strstr(r.error, why));
    cli_csv_close(&r);
    fclose(f);
}

static void test_nul_byte_in_a_field_names_line_and_column(void **state)
{
    (void)state;
    /* A\0X and A\0Y must not both become "A". */
    static const char unquoted[] = "id,n\nA\0X,1\nA\0Y,2\n";
    expect_error_n(unquoted, sizeof unquoted - 1, 2, 2, "NUL byte");
    static const char quoted[] = "id,n\n1,\"a\0\"\n";
    expect_error_n(quoted, sizeof quoted - 1, 2, 5, "NUL byte");
    static const char utf16[] = "i\0d\0";
    expect_error_n(utf16, sizeof utf16 - 1, 1, 2, "UTF-16");
}

static void test_cr_only_line_ends_are_refused(void **state)
{
    (void)state;
    /* Classic Mac OS line ends: refused at the first one, not read as one
     * long header line. */
    expect_error("id,nps\rA,9\rB,3\r", 1, 7, "CR-only line ends");
    expect_error("id,nps\n\"A\"\r9\n", 2, 4, "CR-only line ends");
    expect_error("a,b\r", 1, 4, "carriage return without a line feed");
    /* CRLF is a line end, and a CR inside quotes is data. */
    FILE *f = from_text("a,\"x\ry\"\r\nb,c\r\n");
    cli_csv r;
    assert_int_equal(cli_csv_open(&r, f, ','), 0);
    expect_fields(&r, 2, (const char *const[]){"a", "x\ry"});
    expect_fields(&r, 2, (const char *const[]){"b", "c"});
    assert_int_equal(cli_csv_next(&r), 0);
    cli_csv_close(&r);
    fclose(f);
}

static void test_numbers_have_no_length_limit_and_subnormals_are_finite(void **state)
{
    (void)state;
    double d;
    int64_t i;
    char longnum[300] = "0.";
    memset(longnum + 2, '0', 200);
    strcpy(longnum + 202, "15");
    cli_field f = F(longnum);
    assert_int_equal(cli_parse_double(&f, &d), CLI_PARSE_OK);
    assert_true(d == 1.5e-201);
    char zeros[100];
    memset(zeros, '0', 60);
    strcpy(zeros + 60, "42");
    f = F(zeros);
    assert_int_equal(cli_parse_int64(&f, &i), CLI_PARSE_OK);
    assert_int_equal(i, 42);
    /* strtod reports ERANGE for subnormal results; they are finite numbers. */
    f = F("5e-324");
    assert_int_equal(cli_parse_double(&f, &d), CLI_PARSE_OK);
    assert_true(d > 0 && d == 4.9406564584124654e-324);
    f = F("-2.2250738585072009e-308");
    assert_int_equal(cli_parse_double(&f, &d), CLI_PARSE_OK);
    assert_true(d == -2.2250738585072009e-308);
    /* Genuine zeros are zero; a non-zero that underflows to 0 is out of range. */
    f = F("0e-999");
    assert_int_equal(cli_parse_double(&f, &d), CLI_PARSE_OK);
    assert_true(d == 0);
    f = F("-0.000");
    assert_int_equal(cli_parse_double(&f, &d), CLI_PARSE_OK);
    f = F("1e-400");
    assert_int_equal(cli_parse_double(&f, &d), CLI_PARSE_RANGE);
    f = F("-1e999");
    assert_int_equal(cli_parse_double(&f, &d), CLI_PARSE_RANGE);
    f = F("inf");
    assert_int_equal(cli_parse_double(&f, &d), CLI_PARSE_BAD);
}

static void expect_refused_instant(const char *text, const char *why)
{
    cli_field f = F(text);
    int64_t t = 42;
    const char *got = NULL;
    if (cli_read_instant(&f, &t, &got) != -1)
        fail_msg("accepted '%s'", text);
    assert_int_equal(t, 42);
    assert_non_null(got);
    if (strstr(got, why) == NULL)
        fail_msg("'%s': %s", text, got);
}

static void test_eight_bare_digits_are_an_ambiguous_instant(void **state)
{
    (void)state;
    /* 20260218 is a date to a person and 1970-08-23 to strtoll. */
    expect_refused_instant("20260218", "ambiguous");
    expect_refused_instant(" 20260218 ", "YYYY-MM-DD");
    expect_refused_instant("00000001", "+20260218");
    int64_t t;
    const char *why;
    static const struct {
        const char *text;
        int64_t want;
    } ok[] = {
        {"+20260218", 20260218},     /* signed: clearly seconds */
        {"-20260218", -20260218},
        {"2026021", 2026021},        /* 7 digits */
        {"202602180", 202602180},    /* 9 digits */
        {"1771372800", 1771372800},  /* 10 digits, the usual */
        {"2026-02-18", 1771372800},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        cli_field f = F(ok[i].text);
        if (cli_read_instant(&f, &t, &why) != 0)
            fail_msg("refused '%s': %s", ok[i].text, why);
        assert_int_equal(t, ok[i].want);
    }
    /* The grammar alone still reads it (what the fuzzer checks). */
    cli_field f = F("20260218");
    assert_int_equal(cli_parse_instant(&f, &t), 0);
    assert_int_equal(t, 20260218);
}

static void test_unreadable_instants_are_errors_not_empty(void **state)
{
    (void)state;
    /* INT64_MIN stands for "no instant": as input it is out of range. */
    expect_refused_instant("-9223372036854775808", "out of range");
    expect_refused_instant("9223372036854775808", "out of range");
    expect_refused_instant("yesterday", "is not an instant (accepted: epoch seconds");
    expect_refused_instant("2026-02-30", "is not an instant");
    int64_t t;
    const char *why;
    cli_field f = F("-9223372036854775807");
    assert_int_equal(cli_read_instant(&f, &t, &why), 0);
    assert_int_equal(t, -INT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4180_quoting_commas_and_newlines),
        cmocka_unit_test(test_blank_line_is_one_empty_field_and_semicolons_work),
        cmocka_unit_test(test_malformed_input_names_line_and_column),
        cmocka_unit_test(test_long_records_span_buffer_refills),
        cmocka_unit_test(test_field_parsers_are_strict),
        cmocka_unit_test(test_instants_in_epoch_and_iso8601),
        cmocka_unit_test(test_malformed_times_and_offsets_are_rejected),
        cmocka_unit_test(test_fields_know_where_they_start),
        cmocka_unit_test(test_bom_is_skipped),
        cmocka_unit_test(test_nul_byte_in_a_field_names_line_and_column),
        cmocka_unit_test(test_cr_only_line_ends_are_refused),
        cmocka_unit_test(test_numbers_have_no_length_limit_and_subnormals_are_finite),
        cmocka_unit_test(test_eight_bare_digits_are_an_ambiguous_instant),
        cmocka_unit_test(test_unreadable_instants_are_errors_not_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
