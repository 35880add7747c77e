/* RFC 4180 CSV reader for the svcm command-line tool.
 *
 * Streams records from a FILE: fields may be quoted ("..."), quotes inside
 * quoted fields are doubled (""), quoted fields may hold commas and line
 * breaks; records end at LF or CRLF. A final record without a line break is
 * accepted. A UTF-8 byte-order mark at the start is skipped. Malformed input
 * is an error naming the line and column where it happened: a quote inside
 * an unquoted field, text after a closing quote, an unterminated quoted
 * field, a NUL byte anywhere in a field, and a carriage return that is not
 * followed by a line feed outside quotes (CR-only line ends, as written by
 * classic Mac OS, are refused rather than read as one long line).
 *
 * Speed: the input is read in blocks of 1 MiB (fread) into a window that
 * always holds the whole current record (it grows for a longer record);
 * records are parsed from the window with a byte-class table, copying runs
 * of plain bytes with memcpy; lines and columns are derived from input
 * offsets, not counted byte by byte. */
#ifndef SVCM_CLI_CSV_H
#define SVCM_CLI_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "svcm.h"

typedef struct cli_field {
    const char *ptr; /* NUL-terminated, valid until the next cli_csv_next() */
    size_t len;
} cli_field;

typedef struct cli_csv {
    FILE *in;
    char sep;
    unsigned char cls[256]; /* byte classes of plain fields (separator, line end, ...) */
    unsigned char *buf;     /* input window: bytes [buf_pos, buf_len) not yet read */
    size_t buf_len, buf_pos, buf_cap;
    uint64_t base;          /* input offset of buf[0] */
    uint64_t line_start;    /* input offset of the first byte of line `line` */
    bool eof;
    bool started; /* the byte-order mark check is done */
    char *rec; /* unescaped field bytes of the current record */
    size_t rec_len, rec_cap;
    size_t *starts; /* field start offsets into rec */
    uint64_t *fcol; /* 1-based byte column where each field starts (of line fline[i]) */
    uint64_t *fline;
    cli_field *fields;
    size_t nfields, fields_cap;
    uint64_t line;        /* physical line of the next byte (1-based) */
    uint64_t rec_line;    /* physical line where the current record starts */
    bool ws;              /* separator: runs of blanks (cli_csv_set_whitespace) */
    const char *error;    /* reason of the last error (static text) */
    uint64_t error_line, error_col;
} cli_csv;

/* Open a reader on in (not owned) with separator sep (usually ','). */
int cli_csv_open(cli_csv *r, FILE *in, char sep);
/* Separate fields by runs of spaces and tabs instead of sep; blanks at the
 * start and end of a line are ignored (quoted fields keep theirs). */
void cli_csv_set_whitespace(cli_csv *r);
void cli_csv_close(cli_csv *r);

/* Read the next record. Returns 1 with r->fields/r->nfields set, 0 at end of
 * input, -1 on malformed input (r->error, r->error_line, r->error_col) or
 * when memory runs out. A blank line is a record with one empty field. */
int cli_csv_next(cli_csv *r);

/* Index of the column named name (exact match, surrounding blanks ignored)
 * in a header record, or -1. */
long cli_csv_column(const cli_field *header, size_t n, const char *name);

/* Strict field conversions: the whole field (blanks around it allowed) must
 * be the number; there is no length limit. Return 0 on success,
 * CLI_PARSE_BAD when the field is not a number of that kind, CLI_PARSE_RANGE
 * when it is one but out of range: an integer beyond int64, a double that
 * overflows or that underflows to zero (a subnormal result such as 5e-324 is
 * a valid finite number; "0" and "0e-999" are genuine zeros). */
enum { CLI_PARSE_OK = 0, CLI_PARSE_BAD = -1, CLI_PARSE_RANGE = -2 };
int cli_parse_double(const cli_field *f, double *out);
int cli_parse_int64(const cli_field *f, int64_t *out);
/* The instant grammar: integer seconds since the epoch, or ISO 8601 /
 * RFC 3339 as svcm_time_parse() reads it (date, optional time with
 * fraction, Z or offset; no offset: UTC). A fraction of a second is
 * dropped (floor). Returns 0 or -1. Commands read instants with
 * cli_read_instant(), which adds the ambiguity and range rules. */
int cli_parse_instant(const cli_field *f, int64_t *out);
/* The common layout YYYY-MM-DDTHH:MM:SSZ read directly, without the
 * general parser: exactly 20 bytes (no blanks around them), upper-case T
 * and Z, years 1000-9999, a date that exists (February 29 in leap years
 * only), hours 00-23, minutes and seconds 00-59. Returns true with *out set
 * to the seconds since the epoch; false for anything else (*out untouched),
 * which the general parser then reads. cli_parse_instant() and
 * cli_read_instant_opts() (without --time-format or --epoch; the Z makes
 * --tz and --ambiguous irrelevant) try it first, so every command gets it;
 * what it accepts, svcm_time_parse() reads to the same value. Thread-safe. */
bool cli_fast_instant(const cli_field *f, int64_t *out);
/* An instant as every command reads it: cli_parse_instant(), except that
 * - a bare run of exactly 8 digits (e.g. 20260218) is refused as ambiguous:
 *   it looks like a YYYYMMDD date as much as epoch seconds (1970-04-26 ..
 *   1973-03-03); write the date in ISO form, or the seconds with a sign
 *   (+20260218);
 * - the smallest int64 is refused as out of range (it means "no instant").
 * Returns 0, or -1 with *why set to the reason, worded to follow the quoted
 * field ("'x' is not an instant (...)"). */
int cli_read_instant(const cli_field *f, int64_t *out, const char **why);
/* cli_read_instant() with the reader's time options: opts->format or
 * opts->epoch set -> svcm_time_parse() with them; otherwise integers are
 * epoch seconds (the 8-digit rule applies) and other text is ISO 8601. Text
 * without an offset is local time in zone (NULL: UTC), mapped with
 * opts->ambiguous. *why may point into a static buffer (valid until the
 * next call). */
int cli_read_instant_opts(const cli_field *f, const svcm_time_options *opts,
                          const svcm_zone *zone, int64_t *out, const char **why);
/* Help text for INSTANT values, shared by the commands' --help. */
#define CLI_INSTANT_HELP \
    "INSTANT: epoch seconds, or ISO 8601 / RFC 3339: YYYY-MM-DD, optionally T or a\n" \
    "space and HH:MM[:SS[.fraction]], optionally Z or an offset (+HH:MM, +HHMM).\n"   \
    "Without an offset the time is local in --tz (default UTC). A bare 8-digit\n"     \
    "number such as 20260218 is refused as ambiguous (a YYYYMMDD date or epoch\n"     \
    "seconds?): write 2026-02-18, or +20260218 for seconds. Other layouts need\n"    \
    "--time-format; they are never guessed.\n"

#endif /* SVCM_CLI_CSV_H */
