/* Tables for the svcm command-line tool: built cell by cell, written as an
 * aligned text table, CSV (RFC 4180 quoting) or JSON (an array of objects,
 * numbers as numbers). Only the text table rounds numbers; CSV and JSON
 * carry every double at full precision. */
#ifndef SVCM_CLI_TABLE_H
#define SVCM_CLI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum cli_format { CLI_TEXT, CLI_CSV, CLI_JSON } cli_format;

typedef struct cli_cell {
    char *text;     /* strings and integers as printed; NULL for a double */
    double num;     /* the double when text is NULL */
    int decimals;   /* its rounding in text output (see cli_format_number) */
    bool is_number; /* JSON: emit without quotes */
} cli_cell;

typedef struct cli_table {
    char *title; /* optional, text output only */
    size_t ncols;
    char **names;
    size_t *widths;  /* text output: column widths (scratch) */
    cli_cell *cells; /* row-major */
    size_t nrows, cap_rows;
    size_t col; /* next column of the row being filled */
} cli_table;

/* Make a table with the given column names (copied). Returns 0 or -1 (ENOMEM). */
int cli_table_init(cli_table *t, const char *title, size_t ncols, const char *const *names);
void cli_table_free(cli_table *t);
/* Append cells left to right; a row is complete after ncols cells. */
int cli_table_str(cli_table *t, const char *s);
/* A double: decimals is its rounding in the text table only (see
 * cli_format_number); NaN and infinities print as null / "". */
int cli_table_num(cli_table *t, double v, int decimals);
int cli_table_int(cli_table *t, long long v);
/* Write the table. Returns 0, or -1 when writing failed (the stream's error
 * flag is set); it allocates nothing. */
int cli_table_write(const cli_table *t, FILE *out, cli_format fmt);
/* Parse "text", "csv" or "json". */
int cli_format_parse(const char *s, cli_format *out);

/* The one number writer, for every double the CLI prints.
 * - CSV and JSON: the shortest decimal that strtod() reads back to the same
 *   double (%.1g .. %.17g), fixed below 1e16 and from 1e-4 up, exponent form
 *   otherwise (1e+70, 5e-324).
 * - Text: rounded for reading to `decimals` digits after the point, or, when
 *   decimals < 0, to -decimals significant digits (decimals in -17..17);
 *   from 1e16 up the CSV form, so that no digit string is ever cut off.
 * Zero prints without a sign (also -0.0 and values that round to zero).
 * NaN and infinities print as "" (JSON writers print null). Returns buf. */
#define CLI_NUM_SIZE 48
const char *cli_format_number(char buf[CLI_NUM_SIZE], double v, int decimals, cli_format fmt);

/* Strings as CSV fields (RFC 4180 quoting when needed) and as JSON strings:
 * control characters escaped (\n, \r, \t, else \u00XX; also DEL and
 * U+0080..U+009F), and each byte sequence that is not valid UTF-8 written
 * as one U+FFFD per maximal invalid subpart, so the output is always valid
 * UTF-8 JSON. */
void cli_write_csv_string(FILE *out, const char *s);
void cli_write_json_string(FILE *out, const char *s);

/* Length of the UTF-8 sequence at s (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) as a positive number, or minus the
 * length of its maximal invalid subpart (at least one byte). Reads no byte
 * past a NUL. */
int cli_utf8_sequence(const unsigned char *s);

#endif /* SVCM_CLI_TABLE_H */
