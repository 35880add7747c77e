/* Shared pieces of the svcm command-line tool's subcommands. */
#ifndef SVCM_CLI_H
#define SVCM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output.h"
#include "svcm.h"
#include "table.h"

/* Exit codes: 0 success, 1 bad data or failed computation, 2 usage error. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_DATA = 1, CLI_EXIT_USAGE = 2 };

/* Options every subcommand understands. */
typedef struct cli_common {
    const char *cmd;    /* the subcommand, for messages */
    cli_format format;  /* --format text|csv|json */
    const char *output; /* --output FILE (default stdout) */
    const char *svg;    /* --svg FILE */
    /* --col FIELD=COLUMN: read FIELD from the file's column COLUMN (as many
     * as given; the array grows) */
    const char **rename_from, **rename_to;
    size_t n_renames, cap_renames;
} cli_common;

/* Defaults for subcommand cmd. */
void cli_common_init(cli_common *c, const char *cmd);
/* Free what the options allocated. */
void cli_common_free(cli_common *c);

/* A macro's value as a string literal (help texts quote library limits). */
#define CLI_STR(x) #x
#define CLI_XSTR(x) CLI_STR(x)

/* Help lines shared by the commands that write tables. */
#define CLI_FORMAT_HELP                                                                   \
    "  --format F         text (default), csv or json. Only text rounds numbers for\n"   \
    "                     reading; CSV and JSON print every number exactly (the\n"       \
    "                     shortest form that reads back the same). JSON writes null\n"     \
    "                     for a missing or non-finite number, and U+FFFD for bytes\n"     \
    "                     that are not valid UTF-8; CSV and text copy bytes as read.\n"
#define CLI_OUTPUT_HELP                                                                    \
    "  --output FILE      write there instead of standard output: a regular file is\n"  \
    "                     replaced whole or not at all (mode kept; a symbolic link\n"     \
    "                     is followed; a hard-linked file is rewritten in place), a\n"    \
    "                     FIFO or device is written straight through; - and\n"            \
    "                     /dev/stdout mean standard output\n"
#define CLI_COL_HELP                                                                      \
    "  --col FIELD=COLUMN read FIELD from a differently named column (any number of\n" \
    "                     times). A column name that occurs twice in the header\n"        \
    "                     cannot be read: map the field to another column.\n"

/* The column to read for a field: its --col mapping, or the field name. */
const char *cli_colname(const cli_common *c, const char *field);

/* A tiny long-option parser: --name VALUE, --name=VALUE, --flag. */
typedef struct cli_args {
    int argc;
    char **argv;
    int i;             /* next argument */
    const char *value; /* value of the option just matched */
    const char *cmd;   /* for messages */
} cli_args;

/* True when argument i is the option `name` taking a value (consumed). On a
 * missing value prints an error and exits 2. */
bool cli_opt(cli_args *a, const char *name);
/* True when argument i is the flag `name` (consumed). */
bool cli_flag(cli_args *a, const char *name);
/* Handle --format/--output/--svg/--col; true when consumed. */
bool cli_common_opt(cli_args *a, cli_common *c);
/* After the option loop: --output and --svg naming the same destination is a
 * usage error. */
void cli_common_check(const cli_args *a, const cli_common *c);
/* The end of every option loop: a common option, else an unknown option
 * (usage error), else the single input file (a second one is a usage
 * error). */
void cli_common_or_file(cli_args *a, cli_common *c, const char **file);
/* Read a whole file ("-": standard input) into a malloc'ed buffer with a NUL
 * after the last byte. Returns 0, or -1 with errno set. */
int cli_read_file(const char *path, char **text, size_t *len);
/* Print a parse error of the text read from path once, as
 * "svcm CMD: path:line:column: field: message" (the library keeps the
 * position out of the message; line or column 0 are left out). */
void cli_text_error(const char *cmd, const char *path, const svcm_error *err, int rc);
/* Print "svcm CMD: message" and exit 2. */
#if defined(__GNUC__) || defined(__clang__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif
_Noreturn void cli_usage_error(const cli_args *a, const char *fmt, ...) CLI_PRINTF(2, 3);
/* Parse a finite double / a non-negative integer from an option value, or
 * exit 2 naming the option. */
double cli_opt_double(const cli_args *a, const char *name);
long long cli_opt_int(const cli_args *a, const char *name, long long min, long long max);

/* Write tables to the common output (whole or nothing); keys name them in
 * JSON output when there are several. Returns an exit code; failures are
 * reported. */
int cli_emit(const cli_common *c, cli_table *const *tables, const char *const *keys, size_t n);
/* printf into a malloc'ed string (no length limit); NULL when out of memory. */
char *cli_strdupf(const char *fmt, ...) CLI_PRINTF(1, 2);
/* A duration option value: seconds, or a number with unit s, m, h or d. */
double cli_opt_duration(const cli_args *a, const char *name);

/* An instant as YYYY-MM-DDTHH:MM:SSZ. */
void cli_format_instant(int64_t t, char *buf, size_t size);
/* mkdir -p for one level: 0 when the directory exists afterwards. */
int cli_mkdir(const char *path);

/* Subcommands. Each returns an exit code. */
int cli_cmd_staff(int argc, char **argv);
int cli_cmd_segment(int argc, char **argv);
int cli_cmd_demo(int argc, char **argv);
int cli_cmd_kpi(int argc, char **argv);
int cli_cmd_priority(int argc, char **argv);
int cli_cmd_pdca(int argc, char **argv);

#endif /* SVCM_CLI_H */
