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
    assert_int_equal(cli_parse_double(&f, &d), -1);
    f = F("-42");
    assert_int_equal(cli_parse_int64(&f, &i), 0);
    assert_int_equal(i, -42);
    f = F("4.0");
    assert_int_equal(cli_parse_int64(&f, &i), -1);
    f = F("99999999999999999999");
    assert_int_equal(cli_parse_int64(&f, &i), -1);
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
        "2026-11-23T09:00:60",    /* no leap seconds */
        "2026-11-23T09:00+1:00",  /* offset hour needs two digits */
        "2026-11-23T09:00+0100",  /* offset needs ':' */
        "2026-11-23T09:00+15:00", /* beyond UTC+14 */
        "2026-11-23T09:00-05:60", /* offset minute 60 */
        "2026-11-23T09:00+05:",   /* no offset minute */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = 42;
        cli_field f = F(bad[i]);
        if (cli_parse_instant(&f, &t) != -1)
            fail_msg("accepted '%s'", bad[i]);
    }
    /* The extremes that are allowed: UTC+14:00 and UTC-12:00 (Kiribati and
     * Baker Island); 2026-11-23T00:00Z is 1795392000 (date -u -d @1795392000). */
    int64_t t;
    cli_field f = F("2026-11-23T14:00+14:00");
    assert_int_equal(cli_parse_instant(&f, &t), 0);
    assert_int_equal(t, 1795392000);
    f = F("2026-11-22T12:00:00-12:00");
    assert_int_equal(cli_parse_instant(&f, &t), 0);
    assert_int_equal(t, 1795392000);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
