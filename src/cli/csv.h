/* RFC 4180 CSV reader for the svcm command-line tool.
 *
 * Streams records from a FILE: fields may be quoted ("..."), quotes inside
 * quoted fields are doubled (""), quoted fields may hold commas and line
 * breaks; records end at LF or CRLF. A final record without a line break is
 * accepted. Malformed input (a quote inside an unquoted field, text after a
 * closing quote, an unterminated quoted field) is an error naming the line
 * and column where it happened. */
#ifndef SVCM_CLI_CSV_H
#define SVCM_CLI_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct cli_field {
    const char *ptr; /* NUL-terminated, valid until the next cli_csv_next() */
    size_t len;
} cli_field;

typedef struct cli_csv {
    FILE *in;
    char sep;
    unsigned char *buf; /* input buffer */
    size_t buf_len, buf_pos, buf_cap;
    bool eof;
    char *rec; /* unescaped field bytes of the current record */
    size_t rec_len, rec_cap;
    size_t *starts; /* field start offsets into rec */
    cli_field *fields;
    size_t nfields, fields_cap;
    uint64_t line;        /* physical line of the next byte (1-based) */
    uint64_t rec_line;    /* physical line where the current record starts */
    uint64_t col;         /* column (1-based byte) of the next byte */
    char error[160];      /* reason of the last error */
    uint64_t error_line, error_col;
} cli_csv;

/* Open a reader on in (not owned) with separator sep (usually ','). */
int cli_csv_open(cli_csv *r, FILE *in, char sep);
void cli_csv_close(cli_csv *r);

/* Read the next record. Returns 1 with r->fields/r->nfields set, 0 at end of
 * input, -1 on malformed input (r->error, r->error_line, r->error_col) or
 * when memory runs out. A blank line is a record with one empty field. */
int cli_csv_next(cli_csv *r);

/* Index of the column named name (exact match, surrounding blanks ignored)
 * in a header record, or -1. */
long cli_csv_column(const cli_field *header, size_t n, const char *name);

/* Strict field conversions: the whole field (blanks around it allowed) must
 * be the number. Return 0 on success, -1 otherwise. */
int cli_parse_double(const cli_field *f, double *out);
int cli_parse_int64(const cli_field *f, int64_t *out);
/* An instant: integer seconds since the epoch, or ISO 8601
 * YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM|-HH:MM] (no offset: UTC). */
int cli_parse_instant(const cli_field *f, int64_t *out);

#endif /* SVCM_CLI_CSV_H */
