/* Output files of the svcm command-line tool: the one writer every command
 * uses for --output, --svg and the files of `svcm demo`.
 *
 * - "-", "/dev/stdout" or NULL: standard output.
 * - Anything that exists and is not a regular file (a FIFO, a character
 *   device such as /dev/null, a socket): written straight through, never
 *   replaced. A directory is refused.
 * - A regular file, or a name that does not exist yet: written to a
 *   temporary file in the same directory and renamed over the target when
 *   complete, so readers see the old content or the new, never a part. An
 *   existing file keeps its permission bits; a new one gets 0666 less the
 *   umask, as with fopen().
 * - A symbolic link is followed to its target (also a dangling one): the
 *   target is written or replaced, the link stays a link.
 * - A regular file with more than one hard link is rewritten in place (see
 *   output.c for why), after the new content is complete in a temporary.
 *
 * Every failure prints "svcm CMD: cannot write PATH: reason" (strerror) once.
 * SIGINT, SIGTERM or SIGHUP while temporaries exist removes them and then
 * ends the process with that signal as if it had not been caught. */
#ifndef SVCM_CLI_OUTPUT_H
#define SVCM_CLI_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

typedef struct cli_out {
    FILE *f;              /* write here between open and commit */
    const char *cmd;      /* "svcm CMD:" in messages (not owned) */
    char *shown;          /* the path as given; NULL for standard output */
    char *target;         /* where the content goes: symbolic links followed */
    char *tmp;            /* the temporary file, NULL when writing straight through */
    bool in_place;        /* copy the temporary into target instead of renaming */
    struct cli_out *next; /* the list of live temporaries (signal handler) */
} cli_out;

/* Open path for writing. Returns 0, or -1 after printing why. */
int cli_out_open(cli_out *o, const char *cmd, const char *path);
/* Flush and publish: rename or copy the temporary into place, or flush the
 * device. Any write error since open (the stream's error flag) fails the
 * commit. Returns 0, or -1 after printing why; the temporary is removed and
 * o is reset either way. */
int cli_out_commit(cli_out *o);
/* Abandon: close and remove the temporary, leave the target as it was.
 * Standard output is never closed. */
void cli_out_abort(cli_out *o);
/* Whether two output paths name the same destination: both standard
 * output, the same existing file, or the same path once links and "." or
 * ".." are resolved. */
bool cli_same_output(const char *a, const char *b);

#endif /* SVCM_CLI_OUTPUT_H */
