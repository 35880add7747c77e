/* Output files of the svcm command-line tool (see output.h).
 *
 * Hard links: a regular file with more than one link is rewritten in place
 * (truncated and written through its own inode), not replaced by a rename.
 * A rename would give this one name a new file and leave every other name
 * with the old content, silently splitting what the user linked together.
 * The new content is first completed (flushed and synced) in a temporary
 * file, so a failure or a signal while the report is being produced leaves
 * the target untouched; only a failure during the final copy can leave it
 * short, and that is reported as an error naming the file. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The kernel's own limit on links followed in one lookup (Linux MAXSYMLINKS);
 * one more is ELOOP, as open() would say. */
#define FOLLOW_MAX 40

/* Temporaries that exist right now. Changed only with the caught signals
 * blocked, so the handler always sees a consistent list. */
static cli_out *live;
static const int caught[] = {SIGINT, SIGTERM, SIGHUP};
#define N_CAUGHT (sizeof caught / sizeof caught[0])
static struct sigaction default_action; /* SIG_DFL, filled before use */

/* Only async-signal-safe calls: unlink(), sigaction(), raise(). The signal
 * stays blocked until the handler returns; then the default action ends
 * the process with it. */
static void on_signal(int sig)
{
    for (cli_out *o = live; o != NULL; o = o->next)
        unlink(o->tmp);
    sigaction(sig, &default_action, NULL);
    raise(sig);
}

static void install_handlers(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_CAUGHT; i++)
        sigaddset(&sa.sa_mask, caught[i]);
    for (size_t i = 0; i < N_CAUGHT; i++) /* an ignored signal stays ignored (nohup) */
        if (sigaction(caught[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(caught[i], &sa, NULL);
}

static void block_signals(sigset_t *saved)
{
    sigset_t s;
    sigemptyset(&s);
    for (size_t i = 0; i < N_CAUGHT; i++)
        sigaddset(&s, caught[i]);
    sigprocmask(SIG_BLOCK, &s, saved);
}

static void restore_signals(const sigset_t *saved) { sigprocmask(SIG_SETMASK, saved, NULL); }

static void untrack(cli_out *o)
{
    for (cli_out **p = &live; *p != NULL; p = &(*p)->next)
        if (*p == o) {
            *p = o->next;
            return;
        }
}

/* Close the stream (never standard output), remove the temporary, free. */
static void reset(cli_out *o)
{
    if (o->f != NULL && o->f != stdout)
        fclose(o->f);
    if (o->tmp != NULL) {
        sigset_t saved;
        block_signals(&saved);
        unlink(o->tmp);
        untrack(o);
        restore_signals(&saved);
    }
    free(o->shown);
    free(o->target);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

static int fail(cli_out *o, const char *context, int err)
{
    fprintf(stderr, "svcm %s: cannot write %s: %s%s%s\n", o->cmd,
            o->shown ? o->shown : "standard output", context ? context : "", context ? ": " : "",
            strerror(err));
    reset(o);
    return -1;
}

/* a[0..na) followed by b, malloc'ed. */
static char *concat(const char *a, size_t na, const char *b)
{
    size_t nb = strlen(b);
    char *s = malloc(na + nb + 1);
    if (s != NULL) {
        memcpy(s, a, na);
        memcpy(s + na, b, nb + 1);
    }
    return s;
}

/* The text of a symbolic link, malloc'ed (no length limit). */
static char *read_link(const char *path)
{
    for (size_t cap = 256;; cap *= 2) {
        char *buf = malloc(cap);
        if (buf == NULL)
            return NULL;
        ssize_t n = readlink(path, buf, cap);
        if (n >= 0 && (size_t)n < cap) {
            buf[n] = '\0';
            return buf;
        }
        free(buf);
        if (n < 0)
            return NULL;
    }
}

/* Where the symbolic link at p points, as a path usable from here. */
static char *link_target(const char *p)
{
    char *link = read_link(p);
    const char *slash = strrchr(p, '/');
    if (link == NULL || link[0] == '/' || slash == NULL)
        return link;
    char *s = concat(p, (size_t)(slash - p) + 1, link);
    free(link);
    return s;
}

/* path with symbolic links in its last component followed, also to a target
 * that does not exist yet; a relative link is relative to its directory.
 * Directories on the way are left to the kernel: the temporary and the
 * rename go through the same directory. NULL with errno on failure. */
static char *follow_links(const char *path)
{
    char *p = strdup(path);
    for (int hops = 0; p != NULL; hops++) {
        struct stat st;
        if (lstat(p, &st) != 0 || !S_ISLNK(st.st_mode))
            return p;
        char *next = hops < FOLLOW_MAX ? link_target(p) : NULL;
        int err = hops < FOLLOW_MAX ? errno : ELOOP;
        free(p);
        p = next;
        errno = err;
    }
    return NULL;
}

/* Straight through: FIFOs, devices, sockets. Never replaced, never truncated
 * (a device has nothing to truncate; a FIFO cannot be). */
static int open_through(cli_out *o, const struct stat *st)
{
    if (S_ISDIR(st->st_mode))
        return fail(o, NULL, EISDIR);
    int fd = open(o->shown, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return fail(o, NULL, errno);
    if ((o->f = fdopen(fd, "w")) == NULL) {
        int err = errno;
        close(fd);
        return fail(o, NULL, err);
    }
    return 0;
}

/* A regular file (existing when st is not NULL) or a new one: a temporary
 * next to the target with the mode the result will have. */
static int open_temporary(cli_out *o, const struct stat *st)
{
    static const char suffix[] = ".tmpXXXXXX";
    if ((o->target = follow_links(o->shown)) == NULL)
        return fail(o, NULL, errno);
    mode_t mode;
    if (st != NULL) {
        /* As writing in place would: a read-only file is not replaced. */
        if (access(o->target, W_OK) != 0)
            return fail(o, NULL, errno);
        mode = st->st_mode & 0777;
        o->in_place = st->st_nlink > 1;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if ((o->tmp = concat(o->target, strlen(o->target), suffix)) == NULL)
        return fail(o, NULL, ENOMEM);
    install_handlers();
    sigset_t saved;
    block_signals(&saved);
    int fd = mkstemp(o->tmp);
    if (fd >= 0) {
        o->next = live;
        live = o;
    }
    restore_signals(&saved);
    if (fd < 0) {
        int err = errno;
        free(o->tmp);
        o->tmp = NULL;
        return fail(o, err == ENOENT ? NULL : "cannot create a temporary file in its directory", err);
    }
    if (fchmod(fd, mode) != 0 || (o->f = fdopen(fd, "w")) == NULL) {
        int err = errno;
        close(fd);
        return fail(o, NULL, err);
    }
    return 0;
}

int cli_out_open(cli_out *o, const char *cmd, const char *path)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    if (path == NULL || strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0) {
        o->f = stdout;
        return 0;
    }
    if ((o->shown = strdup(path)) == NULL)
        return fail(o, NULL, ENOMEM);
    struct stat st;
    if (stat(path, &st) == 0)
        return S_ISREG(st.st_mode) ? open_temporary(o, &st) : open_through(o, &st);
    if (errno != ENOENT)
        return fail(o, NULL, errno);
    return open_temporary(o, NULL);
}

/* Flush (and sync a temporary) and close: 0 or an errno value. An error
 * flagged earlier on the stream counts even if the final flush succeeds. */
static int finish(cli_out *o)
{
    FILE *f = o->f;
    if (f == NULL)
        return EBADF;
    bool failed = ferror(f) != 0;
    clearerr(f);
    int err = fflush(f) != 0 ? errno : failed ? EIO : 0;
    if (err == 0 && o->tmp != NULL && fsync(fileno(f)) != 0)
        err = errno;
    if (f != stdout) {
        o->f = NULL;
        if (fclose(f) != 0 && err == 0)
            err = errno;
    }
    return err;
}

static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, buf, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return errno;
        buf += k;
        n -= (size_t)k;
    }
    return 0;
}

/* The hard-link case: the complete temporary copied into the target's own
 * inode. Returns 0 or an errno value. */
static int copy_into(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return errno;
    int out = open(to, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC);
    int err = out < 0 ? errno : 0;
    char buf[1 << 16];
    for (ssize_t n; err == 0 && (n = read(in, buf, sizeof buf)) != 0;)
        err = n < 0 ? (errno == EINTR ? 0 : errno) : write_all(out, buf, (size_t)n);
    if (err == 0 && fsync(out) != 0)
        err = errno;
    if (out >= 0 && close(out) != 0 && err == 0)
        err = errno;
    close(in);
    return err;
}

/* Rename the temporary over the target; from then on it is not ours to
 * remove. */
static int publish(cli_out *o)
{
    sigset_t saved;
    block_signals(&saved);
    int err = rename(o->tmp, o->target) == 0 ? 0 : errno;
    if (err == 0) {
        untrack(o);
        free(o->tmp);
        o->tmp = NULL;
    }
    restore_signals(&saved);
    return err;
}

int cli_out_commit(cli_out *o)
{
    int err = finish(o);
    if (err != 0)
        return fail(o, NULL, err);
    if (o->tmp != NULL && o->in_place && (err = copy_into(o->tmp, o->target)) != 0)
        return fail(o, "rewriting the hard-linked file in place", err);
    if (o->tmp != NULL && !o->in_place && (err = publish(o)) != 0)
        return fail(o, NULL, err);
    reset(o);
    return 0;
}

void cli_out_abort(cli_out *o) { reset(o); }

static bool is_stdout(const char *p)
{
    return p == NULL || strcmp(p, "-") == 0 || strcmp(p, "/dev/stdout") == 0;
}

/* Absolute path where a new file written to path would land. */
static char *landing(const char *path)
{
    char *t = follow_links(path);
    const char *slash = t ? strrchr(t, '/') : NULL;
    char *dir = t == NULL ? NULL
                : slash == NULL ? strdup(".")
                                : strndup(t, (size_t)(slash - t) + (slash == t));
    char *real = dir ? realpath(dir, NULL) : NULL;
    char *with_slash = real ? concat(real, strlen(real), "/") : NULL;
    char *out = with_slash ? concat(with_slash, strlen(with_slash), slash ? slash + 1 : t) : NULL;
    free(with_slash);
    free(real);
    free(dir);
    free(t);
    return out;
}

bool cli_same_output(const char *a, const char *b)
{
    if (is_stdout(a) || is_stdout(b))
        return is_stdout(a) && is_stdout(b);
    if (strcmp(a, b) == 0)
        return true;
    struct stat x, y;
    bool ea = stat(a, &x) == 0, eb = stat(b, &y) == 0;
    if (ea || eb)
        return ea && eb && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
    char *la = landing(a), *lb = landing(b);
    bool same = la != NULL && lb != NULL && strcmp(la, lb) == 0;
    free(la);
    free(lb);
    return same;
}
