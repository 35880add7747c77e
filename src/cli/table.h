/* Tables for the svcm command-line tool: built cell by cell, written as an
 * aligned text table, CSV (RFC 4180 quoting) or JSON (an array of objects,
 * numbers as numbers). */
#ifndef SVCM_CLI_TABLE_H
#define SVCM_CLI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum cli_format { CLI_TEXT, CLI_CSV, CLI_JSON } cli_format;

typedef struct cli_cell {
    char *text;     /* as printed */
    bool is_number; /* JSON: emit without quotes */
} cli_cell;

typedef struct cli_table {
    char *title; /* optional, text output only */
    size_t ncols;
    char **names;
    cli_cell *cells; /* row-major */
    size_t nrows, cap_rows;
    size_t col; /* next column of the row being filled */
} cli_table;

/* Make a table with the given column names (copied). Returns 0 or -1 (ENOMEM). */
int cli_table_init(cli_table *t, const char *title, size_t ncols, const char *const *names);
void cli_table_free(cli_table *t);
/* Append cells left to right; a row is complete after ncols cells. */
int cli_table_str(cli_table *t, const char *s);
int cli_table_num(cli_table *t, double v, int decimals); /* NaN prints as null / "" */
int cli_table_int(cli_table *t, long long v);
/* Write the table. Returns 0, or -1 when writing failed. */
int cli_table_write(const cli_table *t, FILE *out, cli_format fmt);
/* Parse "text", "csv" or "json". */
int cli_format_parse(const char *s, cli_format *out);

/* Output that appears whole or not at all: a file is written to a temporary
 * name in the same directory and renamed into place by cli_out_commit(); "-"
 * or NULL is standard output. */
typedef struct cli_out {
    FILE *f;
    char *path, *tmp;
} cli_out;

int cli_out_open(cli_out *o, const char *path);
/* Flush, close and rename into place; on any failure remove the temporary
 * file. Returns 0 or -1. */
int cli_out_commit(cli_out *o);
/* Abandon: close and remove the temporary file. */
void cli_out_abort(cli_out *o);

#endif /* SVCM_CLI_TABLE_H */
