/* Tests of the CLI's RFC 4180 CSV reader, field parsers, the row reader
 * (cli_rows) and row lines of cli_load. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "csv.h"
#include "load.h"

/* Iterations of a randomised sweep: all of them normally, a twentieth under
 * `meson test --setup valgrind` (which sets SVCM_TIMEOUT_SCALE), where the
 * run checks memory use, not more numbers. */
static long sweep(long n) { return getenv("SVCM_TIMEOUT_SCALE") != NULL ? n / 20 : n; }

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
    /* 3000 records of 40 fields, past several refills of the window. */
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

/* A quoted field longer than the reader's 1 MiB block (with line breaks and
 * doubled quotes in it) makes the window grow; lines and columns after it
 * are still right. */
static void test_a_record_longer_than_a_block_grows_the_window(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    const size_t big = 3u << 20; /* 3 MiB of field text */
    fputs("id,text\n1,\"", f);
    size_t lines = 0, quotes = 0;
    for (size_t i = 0; i < big; i++) {
        char c = (char)('a' + i % 26);
        if (i % 1000 == 999)
            c = '\n', lines++;
        else if (i % 777 == 0)
            c = '"', quotes++;
        if (c == '"')
            fputc('"', f);
        fputc(c, f);
    }
    fputs("\"\n2,after\n3,x\"y\n", f);
    rewind(f);
    cli_csv r;
    assert_int_equal(cli_csv_open(&r, f, ','), 0);
    expect_fields(&r, 2, (const char *const[]){"id", "text"});
    assert_int_equal(cli_csv_next(&r), 1);
    assert_int_equal(r.nfields, 2);
    assert_int_equal(r.fields[1].len, big);
    assert_true(quotes > 0);
    size_t nl = 0, q = 0;
    for (size_t i = 0; i < big; i++) {
        char want = (char)('a' + i % 26);
        if (i % 1000 == 999)
            want = '\n';
        else if (i % 777 == 0)
            want = '"';
        assert_int_equal(r.fields[1].ptr[i], want);
        nl += want == '\n';
        q += want == '"';
    }
    assert_int_equal(nl, lines);
    assert_int_equal(q, quotes);
    assert_int_equal(r.fields[1].ptr[big], '\0');
    expect_fields(&r, 2, (const char *const[]){"2", "after"});
    assert_int_equal(r.rec_line, 3 + lines);
    assert_int_equal(r.fcol[1], 3);
    assert_int_equal(cli_csv_next(&r), -1);
    assert_int_equal(r.error_line, 4 + lines);
    assert_int_equal(r.error_col, 4);
    assert_string_equal(r.error, "quote inside an unquoted field");
    cli_csv_close(&r);
    fclose(f);
}

/* Records of every length from 1 to 300 bytes, LF and CRLF, so that the
 * ends of the reader's blocks fall at every place in a record: every field,
 * its line and its column come back. */
static void test_records_across_block_ends(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    size_t total = 0, nrec = 0;
    while (total < (5u << 20) / 2) {
        size_t w = nrec % 300; /* width of the second field */
        int crlf = nrec % 7 == 3, quoted = nrec % 5 == 1;
        int n = fprintf(f, "%zu,", nrec);
        if (quoted)
            fputc('"', f);
        for (size_t k = 0; k < w; k++)
            fputc((int)('A' + (nrec + k) % 26), f);
        if (quoted)
            fputc('"', f);
        fputs(crlf ? ",z\r\n" : ",z\n", f);
        total += (size_t)n + w + (quoted ? 2 : 0) + (crlf ? 4 : 3);
        nrec++;
    }
    rewind(f);
    cli_csv r;
    assert_int_equal(cli_csv_open(&r, f, ','), 0);
    char want[400];
    for (size_t i = 0; i < nrec; i++) {
        assert_int_equal(cli_csv_next(&r), 1);
        assert_int_equal(r.nfields, 3);
        assert_int_equal(r.rec_line, i + 1);
        int n = snprintf(want, sizeof want, "%zu", i);
        assert_string_equal(r.fields[0].ptr, want);
        size_t w = i % 300;
        for (size_t k = 0; k < w; k++)
            want[k] = (char)('A' + (i + k) % 26);
        want[w] = '\0';
        assert_string_equal(r.fields[1].ptr, want);
        assert_string_equal(r.fields[2].ptr, "z");
        assert_int_equal(r.fcol[0], 1);
        assert_int_equal(r.fcol[1], (uint64_t)n + 2);
        assert_int_equal(r.fcol[2], (uint64_t)n + 3 + w + (i % 5 == 1 ? 2 : 0));
        assert_int_equal(r.fline[2], i + 1);
    }
    assert_int_equal(cli_csv_next(&r), 0);
    cli_csv_close(&r);
    fclose(f);
}

/* Write text to a temporary file; its name in path. */
static void temp_csv(char *path, size_t cap, const char *text)
{
    snprintf(path, cap, "%s", "/tmp/svcm_test_csv_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* cli_load keeps the input line of every row: without an array while rows
 * sit on consecutive lines, with one from the first blank line or record
 * over several lines; cli_dataset_keep keeps the lines of the rows kept. */
static void test_loaded_rows_know_their_lines(void **state)
{
    (void)state;
    char path[64];
    temp_csv(path, sizeof path, "id,v\na,1\nb,2\nc,3\nd,NA\n");
    cli_col cols[2] = {{"id", CLI_COL_STRING, true, false, -1, NULL},
                       {"v", CLI_COL_DOUBLE, true, true, -1, NULL}};
    cli_dataset d;
    assert_int_equal(cli_load("test", path, NULL, cols, 2, &d), 0);
    assert_int_equal(d.n, 4);
    assert_null(d.lines); /* consecutive: no array */
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(cli_row_line(&d, i), i + 2);
    assert_int_equal(cli_row_line(&d, 4), 0);
    assert_true(isnan(((double *)cols[1].values)[3]));
    bool all[4] = {true, true, true, true};
    cli_dataset_keep(&d, all);
    assert_int_equal(cli_row_line(&d, 3), 5);
    bool some[4] = {false, true, false, true};
    cli_dataset_keep(&d, some);
    assert_int_equal(d.n, 2);
    assert_int_equal(cli_row_line(&d, 0), 3);
    assert_int_equal(cli_row_line(&d, 1), 5);
    assert_string_equal(cli_str(&d, &cols[0], 1), "d");
    cli_dataset_free(&d);
    remove(path);

    temp_csv(path, sizeof path, "id,v\na,1\n\n\"b\nb\",2\nc,3\n\nd,4\n");
    assert_int_equal(cli_load("test", path, NULL, cols, 2, &d), 0);
    assert_int_equal(d.n, 4);
    static const uint64_t want[4] = {2, 4, 6, 8};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(cli_row_line(&d, i), want[i]);
    assert_string_equal(cli_str(&d, &cols[0], 1), "b\nb");
    bool last[4] = {false, false, true, true};
    cli_dataset_keep(&d, last);
    assert_int_equal(cli_row_line(&d, 0), 6);
    assert_int_equal(cli_row_line(&d, 1), 8);
    assert_int_equal(((double *)cols[1].values)[1], 4.0);
    cli_dataset_free(&d);
    remove(path);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* What cli_parse_double must give: strtod in the C locale over the field
 * without blanks around it, the whole of it, finite, not underflowing to 0. */
static int reference_double(const char *text, double *out)
{
    const char *b = text, *e = text + strlen(text);
    while (*b == ' ' || *b == '\t')
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if (b == e)
        return CLI_PARSE_BAD;
    char *end;
    errno = 0;
    double v = strtod(b, &end);
    if (end != e || isnan(v))
        return CLI_PARSE_BAD;
    if (isinf(v) || (errno == ERANGE && v == 0))
        return errno == ERANGE ? CLI_PARSE_RANGE : CLI_PARSE_BAD;
    *out = v;
    return CLI_PARSE_OK;
}

static void expect_as_strtod(const char *text)
{
    double got = 0, want = 0;
    cli_field f = {text, strlen(text)};
    int rc = cli_parse_double(&f, &got);
    int rw = reference_double(text, &want);
    if (rc != rw)
        fail_msg("'%s': code %d, strtod gives %d", text, rc, rw);
    uint64_t a, b;
    memcpy(&a, &got, sizeof a);
    memcpy(&b, &want, sizeof b);
    if (rc == CLI_PARSE_OK && a != b)
        fail_msg("'%s': %a, strtod gives %a", text, got, want);
}

/* Numbers take a fast path for plain decimals: over two million random
 * decimal strings (signs, up to 24 digits before and after the point, some
 * with blanks, exponents or stray characters) the result is strtod's, bit
 * for bit, with the same accept/refuse verdict. */
static void test_numbers_equal_strtod_bit_for_bit(void **state)
{
    (void)state;
    static const char *const edges[] = {
        "0", "-0", "+0", "0.0", "-0.0", ".5", "5.", ".", "-", "+", "-.", "1.2.3", "--1",
        "9007199254740992", "9007199254740993", "-9007199254740993", "9007199254740991.5",
        "0.1", "0.3", "1.7976931348623157", "123456789012345678", "1234567890123456789",
        "12345678901234567890", "0.0000000000000000000001", "0.00000000000000000000001",
        "4.9406564584124654", "2.2250738585072014", "1e22", "1e23", " 42 ", "\t-7.25\t",
        "1,5", "0x10", "1_000", "١", "00000000000000000000000000001.5"};
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++)
        expect_as_strtod(edges[i]);
    char buf[80];
    for (long it = 0; it < sweep(2000000); it++) {
        uint64_t x = rng();
        size_t n = 0;
        if (x % 16 == 0)
            buf[n++] = ' ';
        switch ((x >> 4) % 4) {
        case 0: buf[n++] = '-'; break;
        case 1: buf[n++] = '+'; break;
        default: break;
        }
        uint64_t y = rng();
        size_t ip = (x >> 8) % 25, fp = (x >> 16) % 25;
        if ((x >> 24) % 2)
            ip = ip % 8; /* mostly short: the common shape */
        if ((x >> 25) % 2)
            fp = fp % 4;
        for (size_t k = 0; k < ip; k++, y /= 10) {
            if (y < 10)
                y = rng();
            buf[n++] = (char)('0' + y % 10);
        }
        if ((x >> 32) % 8 != 0) {
            buf[n++] = '.';
            for (size_t k = 0; k < fp; k++, y /= 10) {
                if (y < 10)
                    y = rng();
                buf[n++] = (char)('0' + y % 10);
            }
        }
        switch ((x >> 36) % 64) {
        case 0: n += (size_t)snprintf(buf + n, sizeof buf - n, "e%d", (int)((x >> 40) % 700) - 350); break;
        case 1: buf[n++] = 'x'; break;
        case 2: buf[n++] = '\t'; break;
        default: break;
        }
        buf[n] = '\0';
        expect_as_strtod(buf);
    }
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

/* cli_fast_instant, the direct path for YYYY-MM-DDTHH:MM:SSZ, against the
 * general parser (svcm_time_parse): whatever it accepts, the general
 * parser reads to the same value, and within its layout (years 1000-9999)
 * it accepts everything the general parser does. Edge strings first, then
 * random ones near the layout: digits out of their ranges, bad days, Feb 29
 * in leap and other years, :60, other separators and lengths. */
static bool in_fast_layout(const char *s, size_t n)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    if (n != 20)
        return false;
    for (size_t i = 0; i < 20; i++)
        if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
            return false;
    return s[0] != '0';
}

static void expect_fast_agrees(const char *s, size_t n, long *fast_count)
{
    cli_field f = {s, n};
    int64_t fast = 0, slow = 0;
    bool took = cli_fast_instant(&f, &fast);
    int rc = svcm_time_parse(s, n, NULL, NULL, &slow, NULL, NULL);
    if (took && (rc != SVCM_OK || fast != slow))
        fail_msg("'%.*s': fast path %lld, general parser rc %d value %lld", (int)n, s,
                 (long long)fast, rc, (long long)slow);
    /* Within the layout, only what the general parser refuses (or a
     * leap second, which it may read as the next minute) is left to it. */
    if (!took && rc == SVCM_OK && in_fast_layout(s, n) && memcmp(s + 17, "60", 2) != 0)
        fail_msg("'%.*s': the general parser reads it, the fast path does not", (int)n, s);
    /* What every command reads (default options): the same verdict and
     * value as the general path. */
    int64_t got = 0;
    const char *why = NULL;
    int crc = cli_read_instant_opts(&f, NULL, NULL, &got, &why);
    if (took && (crc != 0 || got != fast))
        fail_msg("'%.*s': cli_read_instant_opts disagrees with the fast path", (int)n, s);
    *fast_count += took;
}

static void test_fast_instant_path_agrees_with_the_general_parser(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool fast;
        int64_t want;
    } edge[] = {
        {"1000-01-01T00:00:00Z", true, INT64_C(-30610224000)},
        {"9999-12-31T23:59:59Z", true, INT64_C(253402300799)},
        {"2024-02-29T12:00:00Z", true, 1709208000},        /* leap year */
        {"2000-02-29T12:00:00Z", true, 951825600},         /* divisible by 400 */
        {"2026-01-02T03:04:05Z", true, 1767323045},
        {"2023-02-29T12:00:00Z", false, 0},                /* not a leap year */
        {"1900-02-29T12:00:00Z", false, 0},                /* divisible by 100 */
        {"2026-04-31T00:00:00Z", false, 0},
        {"2026-02-30T00:00:00Z", false, 0},
        {"2026-00-10T00:00:00Z", false, 0},
        {"2026-13-10T00:00:00Z", false, 0},
        {"2026-01-00T00:00:00Z", false, 0},
        {"2026-01-32T00:00:00Z", false, 0},
        {"2026-01-02T24:00:00Z", false, 0},
        {"2026-01-02T23:60:00Z", false, 0},
        {"2026-01-02T23:59:60Z", false, 0},                /* :60, left to the parser */
        {"0999-12-31T23:59:59Z", false, 0},                /* years below 1000 */
        {"2026-01-02T03:04:05", false, 0},                 /* 19 bytes */
        {"2026-01-02T03:04:05ZZ", false, 0},               /* 21 bytes */
        {" 2026-01-02T03:04:05Z", false, 0},               /* blanks: the parser trims */
        {"2026-01-02t03:04:05z", false, 0},
        {"2026-01-02 03:04:05Z", false, 0},
        {"2026-01-02T03:04:05+", false, 0},
        {"+026-01-02T03:04:05Z", false, 0},
        {"2026-1-02T03:04:05ZZ", false, 0},
    };
    long fast_count = 0;
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        cli_field f = F(edge[i].text);
        int64_t t = 0;
        if (cli_fast_instant(&f, &t) != edge[i].fast)
            fail_msg("'%s': fast path %s", edge[i].text, edge[i].fast ? "refused" : "accepted");
        if (edge[i].fast)
            assert_int_equal(t, edge[i].want);
        expect_fast_agrees(edge[i].text, strlen(edge[i].text), &fast_count);
    }
    /* Random strings around the layout. */
    static const char pool[] = "0123456789-:TZtz +.";
    long n = sweep(400000);
    fast_count = 0;
    for (long i = 0; i < n; i++) {
        uint64_t r = rng();
        int y = (int)(r % 10000);
        if (r % 7 == 0)
            y = (int)(995 + (r >> 8) % 10); /* around 1000 */
        else if (r % 11 == 0)
            y = (int)(9990 + (r >> 8) % 10);
        else if (r % 5 == 0)
            y = (int)(1896 + (r >> 8) % 512); /* many leap-year rules */
        r = rng();
        int mo = (int)(r % 14), d = (int)((r >> 8) % 33), h = (int)((r >> 16) % 26),
            mi = (int)((r >> 24) % 62), se = (int)((r >> 32) % 62);
        if ((r >> 40) % 3 == 0) { /* mostly in range, with Feb 29 often */
            mo = 1 + mo % 12;
            d = (r >> 44) % 4 == 0 && mo == 2 ? 29 : 1 + d % 31;
            h %= 24;
            mi %= 60;
            se %= 60;
        }
        char s[40];
        int len = snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, se);
        r = rng();
        switch (r % 8) {
        case 0: /* one byte replaced */
            s[(r >> 8) % (uint64_t)len] = pool[(r >> 16) % (sizeof pool - 1)];
            break;
        case 1: /* one byte cut, or one added */
            if ((r >> 8) % 2)
                len--;
            else
                s[len++] = pool[(r >> 16) % (sizeof pool - 1)];
            s[len] = '\0';
            break;
        default:
            break;
        }
        expect_fast_agrees(s, (size_t)len, &fast_count);
    }
    /* The sweep reaches the fast path often, not only its refusals. */
    assert_true(fast_count > n / 10);
}

/* cli_rows, the reader behind cli_load: one record at a time, each column
 * by its type; an absent column and a missing optional value read as NaN,
 * INT64_MIN or ""; blank lines skipped; lines and counts kept; the end
 * reported once and again. */
static void test_rows_are_read_one_at_a_time(void **state)
{
    (void)state;
    char path[64];
    temp_csv(path, sizeof path,
             "id,when,v,note\n"
             "a,2026-01-02T03:04:05Z,1.5,x\n"
             "\n"
             "b, NA ,NA,\n"
             "\"c\nc\",1767323045,-2,note\n");
    cli_read_opts ro;
    cli_read_opts_init(&ro);
    cli_col cols[5] = {{"id", CLI_COL_STRING, true, false, -1, NULL},
                       {"when", CLI_COL_INSTANT, true, true, -1, NULL},
                       {"v", CLI_COL_DOUBLE, true, true, -1, NULL},
                       {"note", CLI_COL_STRING, false, true, -1, NULL},
                       {"absent", CLI_COL_DOUBLE, false, true, -1, NULL}};
    cli_rows rows;
    assert_int_equal(cli_rows_open("test", path, &ro, &rows), 0);
    assert_int_equal(rows.csv.nfields, 4); /* the header, before the columns */
    assert_true(cli_has_column(&ro, rows.csv.fields, rows.csv.nfields, "when"));
    assert_int_equal(cli_rows_columns(&rows, cols, 5), 0);
    assert_int_equal(cols[3].field, 3);
    assert_int_equal(cols[4].field, -1);

    assert_int_equal(cli_rows_next(&rows), 1);
    assert_string_equal(rows.val[0].str, "a");
    assert_int_equal(rows.val[0].len, 1);
    assert_int_equal(rows.val[1].inst, 1767323045);
    assert_true(rows.val[2].num == 1.5);
    assert_string_equal(rows.val[3].str, "x");
    assert_true(isnan(rows.val[4].num));
    assert_int_equal(rows.line, 2);
    assert_int_equal(rows.rows, 1);

    assert_int_equal(cli_rows_next(&rows), 1); /* the blank line 3 skipped */
    assert_string_equal(rows.val[0].str, "b");
    assert_int_equal(rows.val[1].inst, INT64_MIN);
    assert_true(isnan(rows.val[2].num));
    assert_string_equal(rows.val[3].str, "");
    assert_int_equal(rows.val[3].len, 0);
    assert_int_equal(rows.line, 4);

    assert_int_equal(cli_rows_next(&rows), 1);
    assert_string_equal(rows.val[0].str, "c\nc");
    assert_int_equal(rows.val[1].inst, 1767323045);
    assert_true(rows.val[2].num == -2);
    assert_int_equal(rows.line, 5);
    assert_int_equal(rows.rows, 3);

    assert_int_equal(cli_rows_next(&rows), 0);
    assert_int_equal(cli_rows_next(&rows), 0);
    cli_rows_close(&rows);
    cli_rows_close(&rows); /* twice is harmless */
    remove(path);

    /* No header: the first record is data, columns are numbers. */
    temp_csv(path, sizeof path, "x,1\ny,2\n");
    ro.no_header = true;
    cli_col num[2] = {{"2", CLI_COL_DOUBLE, true, false, -1, NULL},
                      {"1", CLI_COL_STRING, true, false, -1, NULL}};
    assert_int_equal(cli_rows_open("test", path, &ro, &rows), 0);
    assert_int_equal(cli_rows_columns(&rows, num, 2), 0);
    assert_int_equal(cli_rows_next(&rows), 1);
    assert_true(rows.val[0].num == 1);
    assert_string_equal(rows.val[1].str, "x");
    assert_int_equal(rows.line, 1);
    assert_int_equal(cli_rows_next(&rows), 1);
    assert_string_equal(rows.val[1].str, "y");
    assert_int_equal(cli_rows_next(&rows), 0);
    cli_rows_close(&rows);
    remove(path);
}

/* What cli_rows refuses: an empty input is left to the caller to word; a
 * missing file, a missing required column and an unreadable field are -1
 * (with the message on stderr). */
static void test_rows_report_empty_input_and_bad_fields(void **state)
{
    (void)state;
    char path[64];
    cli_read_opts ro;
    cli_read_opts_init(&ro);
    cli_rows rows;
    temp_csv(path, sizeof path, "");
    assert_int_equal(cli_rows_open("test", path, &ro, &rows), CLI_ROWS_EMPTY);
    cli_rows_close(&rows);
    remove(path);
    assert_int_equal(cli_rows_open("test", path, &ro, &rows), -1); /* gone */
    cli_rows_close(&rows);

    temp_csv(path, sizeof path, "a,b\n1,2\n3,x\n");
    cli_col want[1] = {{"c", CLI_COL_DOUBLE, true, false, -1, NULL}};
    assert_int_equal(cli_rows_open("test", path, &ro, &rows), 0);
    assert_int_equal(cli_rows_columns(&rows, want, 1), -1);
    cli_rows_close(&rows);
    cli_col b[1] = {{"b", CLI_COL_DOUBLE, true, false, -1, NULL}};
    assert_int_equal(cli_rows_open("test", path, &ro, &rows), 0);
    assert_int_equal(cli_rows_columns(&rows, b, 1), 0);
    assert_int_equal(cli_rows_next(&rows), 1);
    assert_int_equal(cli_rows_next(&rows), -1); /* 'x' is not a number */
    cli_rows_close(&rows);
    remove(path);
}

/* Latin-1 text in "A+B" columns: the joined text is converted whole (the
 * conversion once wrote over the text it was reading), and two converted
 * columns of one record keep their own text. cli_load reads the same. */
static void test_latin1_joined_columns_are_converted_whole(void **state)
{
    (void)state;
    char path[64];
    temp_csv(path, sizeof path, "name,town,when\ncaf\xe9,s\xe8te,2026-01-02\n");
    cli_read_opts ro;
    cli_read_opts_init(&ro);
    ro.latin1 = true;
    cli_col cols[3] = {{"name+town", CLI_COL_STRING, true, false, -1, NULL},
                       {"town", CLI_COL_STRING, true, false, -1, NULL},
                       {"town+name", CLI_COL_STRING, true, false, -1, NULL}};
    cli_rows rows;
    assert_int_equal(cli_rows_open("test", path, &ro, &rows), 0);
    assert_int_equal(cli_rows_columns(&rows, cols, 3), 0);
    assert_int_equal(cli_rows_next(&rows), 1);
    assert_string_equal(rows.val[0].str, "caf\xc3\xa9 s\xc3\xa8te");
    assert_int_equal(rows.val[0].len, strlen("caf\xc3\xa9 s\xc3\xa8te"));
    assert_string_equal(rows.val[1].str, "s\xc3\xa8te");
    assert_string_equal(rows.val[2].str, "s\xc3\xa8te caf\xc3\xa9");
    cli_rows_close(&rows);

    cli_dataset d;
    assert_int_equal(cli_load("test", path, &ro, cols, 3, &d), 0);
    assert_int_equal(d.n, 1);
    assert_string_equal(cli_str(&d, &cols[0], 0), "caf\xc3\xa9 s\xc3\xa8te");
    assert_string_equal(cli_str(&d, &cols[2], 0), "s\xc3\xa8te caf\xc3\xa9");
    cli_dataset_free(&d);
    remove(path);
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
        cmocka_unit_test(test_a_record_longer_than_a_block_grows_the_window),
        cmocka_unit_test(test_records_across_block_ends),
        cmocka_unit_test(test_numbers_equal_strtod_bit_for_bit),
        cmocka_unit_test(test_loaded_rows_know_their_lines),
        cmocka_unit_test(test_fast_instant_path_agrees_with_the_general_parser),
        cmocka_unit_test(test_rows_are_read_one_at_a_time),
        cmocka_unit_test(test_rows_report_empty_input_and_bad_fields),
        cmocka_unit_test(test_latin1_joined_columns_are_converted_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
