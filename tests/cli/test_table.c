/* Tests of the CLI's table writer (text, CSV, JSON) and atomic output. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void test_commit_over_a_directory_fails_and_leaves_no_temporary(void **state)
{
    (void)state;
    char dir[] = "/tmp/svcm-test-table-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char target[64];
    snprintf(target, sizeof target, "%s/out", dir);
    assert_int_equal(mkdir(target, 0700), 0);
    cli_out o;
    assert_int_equal(cli_out_open(&o, target), 0);
    assert_int_equal(count_entries(dir), 2); /* out/ and the temporary */
    fputs("data\n", o.f);
    assert_int_equal(cli_out_commit(&o), -1); /* rename cannot replace a directory */
    assert_null(o.f);
    assert_int_equal(count_entries(dir), 1);
    assert_int_equal(rmdir(target), 0);
    /* The result gets the permissions fopen would give: 0666 less the umask. */
    mode_t mask = umask(022);
    assert_int_equal(cli_out_open(&o, target), 0);
    assert_int_equal(cli_out_commit(&o), 0);
    umask(mask);
    struct stat st;
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(st.st_size, 0);
    assert_int_equal(unlink(target), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void test_dash_and_null_mean_standard_output(void **state)
{
    (void)state;
    cli_out o;
    assert_int_equal(cli_out_open(&o, "-"), 0);
    assert_ptr_equal(o.f, stdout);
    assert_int_equal(cli_out_commit(&o), 0);
    assert_int_equal(cli_out_open(&o, NULL), 0);
    assert_ptr_equal(o.f, stdout);
    cli_out_abort(&o); /* never closes standard output */
    assert_null(o.f);
    assert_int_equal(fflush(stdout), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_is_aligned_numbers_right),
        cmocka_unit_test(test_csv_quotes_per_rfc4180),
        cmocka_unit_test(test_json_types_and_escapes),
        cmocka_unit_test(test_negative_zero_prints_as_zero),
        cmocka_unit_test(test_atomic_output_appears_only_on_commit),
        cmocka_unit_test(test_json_escapes_control_characters_and_empty_table),
        cmocka_unit_test(test_text_width_counts_code_points_not_bytes),
        cmocka_unit_test(test_format_names),
        cmocka_unit_test(test_write_error_is_reported),
        cmocka_unit_test(test_commit_over_a_directory_fails_and_leaves_no_temporary),
        cmocka_unit_test(test_dash_and_null_mean_standard_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
