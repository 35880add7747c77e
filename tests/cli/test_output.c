/* Tests of the CLI's output writer (src/cli/output.c): atomic replacement of
 * regular files, straight-through writes to FIFOs and devices, symbolic and
 * hard links, modes, error messages and signals. */
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
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output.h"

static char dir[] = "/tmp/svcm-test-output-XXXXXX";

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/svcm-test-output-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* dir/name in a static buffer (one of two, so two paths can be live). */
static const char *in_dir(const char *name)
{
    static char buf[2][256];
    static int k;
    k ^= 1;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void expect_content(const char *path, const char *want)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[256] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_string_equal(buf, want);
}

static int count_entries(const char *path)
{
    DIR *d = opendir(path);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static int write_text(const char *path, const char *text)
{
    cli_out o;
    if (cli_out_open(&o, "test", path) != 0)
        return -1;
    fputs(text, o.f);
    return cli_out_commit(&o);
}

/* Run f with standard error going to a buffer; returns what it printed. */
static char *capture_stderr(int (*f)(const char *, const char *), const char *path,
                            const char *text, int *rc)
{
    static char got[512];
    fflush(stderr);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    int saved = dup(2);
    dup2(fileno(tmp), 2);
    *rc = f(path, text);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t n = fread(got, 1, sizeof got - 1, tmp);
    got[n] = '\0';
    fclose(tmp);
    return got;
}

static void test_atomic_output_appears_only_on_commit(void **state)
{
    (void)state;
    const char *path = in_dir("out.csv");
    cli_out o;
    assert_int_equal(cli_out_open(&o, "test", path), 0);
    fputs("partial", o.f);
    assert_int_equal(access(path, F_OK), -1); /* nothing at the final name yet */
    cli_out_abort(&o);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(count_entries(dir), 0); /* the temporary is gone */
    put(path, "old\n");
    assert_int_equal(cli_out_open(&o, "test", path), 0);
    fputs("whole\n", o.f);
    expect_content(path, "old\n"); /* readers see the old file until the commit */
    assert_int_equal(cli_out_commit(&o), 0);
    assert_null(o.f);
    expect_content(path, "whole\n");
    assert_int_equal(count_entries(dir), 1);
}

static void test_modes_new_files_like_fopen_existing_files_kept(void **state)
{
    (void)state;
    const char *path = in_dir("mode");
    mode_t mask = umask(022);
    assert_int_equal(write_text(path, "new"), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644); /* 0666 less the umask */
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(write_text(path, "private"), 0);
    umask(mask);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600); /* the existing file's mode */
    expect_content(path, "private");
}

static void test_symbolic_links_are_followed_and_stay_links(void **state)
{
    (void)state;
    put(in_dir("target"), "old");
    assert_int_equal(symlink("target", in_dir("link")), 0); /* relative to its directory */
    assert_int_equal(write_text(in_dir("link"), "via link"), 0);
    struct stat st;
    assert_int_equal(lstat(in_dir("link"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    expect_content(in_dir("target"), "via link");
    /* A chain of links, and a dangling one: the file is made at the end. */
    assert_int_equal(mkdir(in_dir("sub"), 0700), 0);
    assert_int_equal(symlink("sub/later", in_dir("dangling")), 0);
    assert_int_equal(symlink("dangling", in_dir("chain")), 0);
    assert_int_equal(write_text(in_dir("chain"), "made"), 0);
    expect_content(in_dir("sub/later"), "made");
    assert_int_equal(lstat(in_dir("chain"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(lstat(in_dir("dangling"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(count_entries(in_dir("sub")), 1); /* no temporary left */
}

static void test_hard_linked_file_is_rewritten_in_place(void **state)
{
    (void)state;
    put(in_dir("a"), "old content");
    assert_int_equal(link(in_dir("a"), in_dir("b")), 0);
    struct stat before, after;
    assert_int_equal(stat(in_dir("a"), &before), 0);
    assert_int_equal(write_text(in_dir("a"), "new"), 0);
    assert_int_equal(stat(in_dir("a"), &after), 0);
    assert_int_equal(after.st_ino, before.st_ino); /* the same file ... */
    assert_int_equal(after.st_nlink, 2);           /* ... still linked */
    expect_content(in_dir("b"), "new");            /* and shorter: truncated */
    assert_int_equal(count_entries(dir), 2);
}

static void test_fifo_is_written_through(void **state)
{
    (void)state;
    const char *fifo = in_dir("fifo");
    char got_path[256];
    snprintf(got_path, sizeof got_path, "%s", in_dir("got"));
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { /* the reader: copy the FIFO into a file */
        int in = open(fifo, O_RDONLY), out = open(got_path, O_WRONLY | O_CREAT, 0600);
        char buf[256];
        ssize_t n;
        while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
            if (write(out, buf, (size_t)n) != n)
                _exit(1);
        _exit(in >= 0 && out >= 0 && close(out) == 0 ? 0 : 1);
    }
    assert_int_equal(write_text(fifo, "through the pipe\n"), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    expect_content(got_path, "through the pipe\n");
    struct stat st;
    assert_int_equal(stat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode)); /* not replaced by a regular file */
}

static void test_devices_are_written_through(void **state)
{
    (void)state;
    struct stat before, after;
    assert_int_equal(stat("/dev/null", &before), 0);
    assert_int_equal(write_text("/dev/null", "discarded\n"), 0);
    assert_int_equal(stat("/dev/null", &after), 0);
    assert_true(S_ISCHR(after.st_mode));
    assert_int_equal(after.st_ino, before.st_ino);
    assert_int_equal(access("/dev/null.tmpXXXXXX", F_OK), -1);
}

static void test_dash_null_and_dev_stdout_mean_standard_output(void **state)
{
    (void)state;
    const char *names[] = {"-", NULL, "/dev/stdout"};
    for (int i = 0; i < 3; i++) {
        cli_out o;
        assert_int_equal(cli_out_open(&o, "test", names[i]), 0);
        assert_ptr_equal(o.f, stdout);
        if (i == 1) {
            cli_out_abort(&o); /* never closes standard output */
            assert_null(o.f);
        } else {
            assert_int_equal(cli_out_commit(&o), 0);
        }
    }
    assert_int_equal(fflush(stdout), 0);
}

static void test_failures_name_the_path_and_the_reason(void **state)
{
    (void)state;
    int rc;
    char want[400];
    /* A device that is full: the error comes at the commit. */
    char *got = capture_stderr(write_text, "/dev/full", "x", &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(got, "svcm test: cannot write /dev/full: No space left on device\n");
    /* A directory that does not exist. */
    const char *missing = in_dir("no/such/out.csv");
    got = capture_stderr(write_text, missing, "x", &rc);
    snprintf(want, sizeof want, "svcm test: cannot write %s: No such file or directory\n", missing);
    assert_int_equal(rc, -1);
    assert_string_equal(got, want);
    /* A directory as the target: refused before anything is written. */
    assert_int_equal(mkdir(in_dir("d"), 0700), 0);
    got = capture_stderr(write_text, in_dir("d"), "x", &rc);
    snprintf(want, sizeof want, "svcm test: cannot write %s: Is a directory\n", in_dir("d"));
    assert_int_equal(rc, -1);
    assert_string_equal(got, want);
    assert_int_equal(count_entries(dir), 1);
    assert_int_equal(count_entries(in_dir("d")), 0);
    /* Too many links. */
    assert_int_equal(symlink("loop", in_dir("loop")), 0);
    got = capture_stderr(write_text, in_dir("loop"), "x", &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(got, "Too many levels of symbolic links"));
}

static void test_read_only_file_is_not_replaced(void **state)
{
    (void)state;
    if (geteuid() == 0)
        skip(); /* root may write anything */
    put(in_dir("ro"), "keep");
    assert_int_equal(chmod(in_dir("ro"), 0444), 0);
    int rc;
    char *got = capture_stderr(write_text, in_dir("ro"), "x", &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(got, "Permission denied"));
    expect_content(in_dir("ro"), "keep");
}

/* In a child: open path, write, then take sig. Returns the wait status. */
static int die_while_writing(const char *path, int sig)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        cli_out o;
        if (cli_out_open(&o, "test", path) != 0)
            _exit(2);
        fputs("half of a report", o.f);
        fflush(o.f);
        raise(sig);
        _exit(3); /* not reached: the signal ends the process */
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void test_signal_during_the_write_removes_the_temporary(void **state)
{
    (void)state;
    const char *path = in_dir("report.txt");
    put(path, "previous report");
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < 3; i++) {
        int status = die_while_writing(path, sigs[i]);
        assert_true(WIFSIGNALED(status)); /* re-raised with the default action */
        assert_int_equal(WTERMSIG(status), sigs[i]);
        assert_int_equal(count_entries(dir), 1); /* only the target */
        expect_content(path, "previous report");
    }
}

static void test_same_output(void **state)
{
    (void)state;
    assert_true(cli_same_output("-", NULL));
    assert_true(cli_same_output("/dev/stdout", "-"));
    assert_false(cli_same_output("-", in_dir("x")));
    assert_true(cli_same_output(in_dir("x"), in_dir("x")));
    char dotted[300];
    snprintf(dotted, sizeof dotted, "%s/./x", dir);
    assert_true(cli_same_output(in_dir("x"), dotted)); /* neither exists */
    assert_false(cli_same_output(in_dir("x"), in_dir("y")));
    put(in_dir("f"), "");
    assert_int_equal(symlink("f", in_dir("l")), 0);
    assert_true(cli_same_output(in_dir("f"), in_dir("l"))); /* one file, two names */
    assert_false(cli_same_output(in_dir("f"), in_dir("x")));
}

int main(void)
{
    /* Whoever started the tests may ignore these (a background job ignores
     * SIGINT); the writer rightly leaves ignored signals alone, so start
     * from the default action. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_atomic_output_appears_only_on_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modes_new_files_like_fopen_existing_files_kept, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_symbolic_links_are_followed_and_stay_links, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hard_linked_file_is_rewritten_in_place, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fifo_is_written_through, setup, teardown),
        cmocka_unit_test_setup_teardown(test_devices_are_written_through, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dash_null_and_dev_stdout_mean_standard_output, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failures_name_the_path_and_the_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_file_is_not_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signal_during_the_write_removes_the_temporary, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_same_output, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
