/* Loading typed columns from a CSV file with a header row. */
#ifndef SVCM_CLI_LOAD_H
#define SVCM_CLI_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum cli_col_type {
    CLI_COL_DOUBLE,  /* finite number; empty -> NaN when optional_value */
    CLI_COL_INSTANT, /* epoch seconds or ISO 8601; empty -> INT64_MIN when optional_value */
    CLI_COL_STRING   /* any text, kept in the dataset's string arena */
} cli_col_type;

typedef struct cli_col {
    const char *name;    /* header name to look for */
    cli_col_type type;
    bool required;       /* the header must have it */
    bool optional_value; /* an empty field is allowed */
    /* filled by cli_load_csv: */
    long field;   /* column position in the file, -1 when absent */
    void *values; /* double[n], int64_t[n] or size_t[n] (arena offsets) */
} cli_col;

typedef struct cli_dataset {
    size_t n;
    cli_col *cols;
    size_t ncols;
    char *arena; /* NUL-terminated strings of CLI_COL_STRING columns */
    size_t arena_len, arena_cap;
} cli_dataset;

/* Read path ("-" is standard input) into the columns. On failure prints
 * "svcm CMD: FILE:LINE: column 'NAME' (field K): reason" to stderr, frees
 * everything and returns -1. */
int cli_load_csv(const char *cmd, const char *path, char sep, cli_col *cols, size_t ncols,
                 cli_dataset *out);
void cli_dataset_free(cli_dataset *d);
/* The string of row i of a string column. */
static inline const char *cli_str(const cli_dataset *d, const cli_col *c, size_t i)
{
    return d->arena + ((const size_t *)c->values)[i];
}

#endif /* SVCM_CLI_LOAD_H */
