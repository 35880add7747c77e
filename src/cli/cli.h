/* Shared pieces of the svcm command-line tool's subcommands. */
#ifndef SVCM_CLI_H
#define SVCM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "load.h"
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
    /* how to read the input: --separator, --no-header, --na, --encoding,
     * --time-format, --epoch, --tz, --ambiguous */
    cli_read_opts read;
    const char *tz;  /* --tz as given (NULL: UTC), for report headers */
    svcm_zone *zone; /* owned; read.zone points here */
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
    "                     cannot be read: map the field to another column.\n"            \
    "                     COLUMN may be A*B (the product of two number columns, e.g.\n"  \
    "                     Quantity*UnitPrice) or A+B (two columns joined by a space,\n"  \
    "                     e.g. a date column and a time-of-day column).\n"
/* Help lines of the input options every file-reading command takes. */
#define CLI_READ_HELP                                                                       \
    "Reading the input:\n"                                                                  \
    "  --separator C      field separator: one character, 'tab', or 'whitespace'\n"        \
    "                     (runs of spaces and tabs); default ','\n"                         \
    "  --no-header        the file has no header row: columns are named 1..N (map\n"       \
    "                     fields with --col FIELD=NUMBER)\n"                                \
    "  --na TOKENS        comma-separated values that mean 'missing' (default\n"            \
    "                     NA,N/A,NULL,null,NaN,None; an empty field always does;\n"        \
    "                     --na '' for empty fields only)\n"                                 \
    "  --encoding E       utf-8 (default; invalid UTF-8 is an error) or latin-1\n"         \
    "                     (ISO 8859-1, converted to UTF-8)\n"                               \
    "  --time-format FMT  read instants with a format: %Y %y %m %d %e %H %I %M %S %f\n"    \
    "                     %p %b %B %j %z %Z %% (e.g. '%d/%m/%Y %H:%M'); layouts are\n"      \
    "                     never guessed\n"                                                  \
    "  --epoch s|ms       instants are Unix seconds or milliseconds\n"                      \
    "  --tz ZONE          zone of instants written without an offset: an IANA name\n"     \
    "                     (Europe/Berlin, from $TZDIR or /usr/share/zoneinfo), a POSIX\n"  \
    "                     rule (CET-1CEST,M3.5.0,M10.5.0/3) or an offset (+05:30);\n"      \
    "                     default UTC\n"                                                    \
    "  --ambiguous R      earlier (default), later or error: a local time that occurs\n"   \
    "                     twice (clocks set back) is its first or second occurrence;\n"   \
    "                     one skipped by clocks set forward is read with the offset\n"     \
    "                     before or after the change; error refuses both\n"

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
/* Handle --format/--output/--svg/--col and the reading options (see
 * CLI_READ_HELP); true when consumed. */
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

/* fputs to standard output for help texts; the reason of the first failed
 * write is kept in cli_stdout_errno (stdio may drop it before the final
 * flush reports the failure). */
void cli_puts(const char *s);
extern int cli_stdout_errno;

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
int cli_cmd_customers(int argc, char **argv);
int cli_cmd_calls(int argc, char **argv);
int cli_cmd_lifetime(int argc, char **argv);
int cli_cmd_journey(int argc, char **argv);
int cli_cmd_scorecard(int argc, char **argv);
int cli_cmd_report(int argc, char **argv);

#endif /* SVCM_CLI_H */
