/* Loading typed columns from a CSV file with a header row. */
#ifndef SVCM_CLI_LOAD_H
#define SVCM_CLI_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "svcm.h"

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

/* How to read the input file: --separator, --no-header, --na, --encoding,
 * --time-format, --epoch, --tz, --ambiguous. */
typedef struct cli_read_opts {
    char sep;               /* field separator (default ',') */
    bool whitespace;        /* fields separated by runs of blanks */
    bool no_header;         /* no header row: the columns are named 1..N */
    bool latin1;            /* text is ISO 8859-1, converted to UTF-8 */
    const char *na;         /* comma-separated missing-value tokens; NULL: CLI_NA_DEFAULT */
    svcm_time_options time; /* format / epoch / ambiguous for instants */
    const svcm_zone *zone;  /* zone of instants without an offset; NULL: UTC */
} cli_read_opts;

/* Missing-value tokens unless --na says otherwise (the empty field is one). */
#define CLI_NA_DEFAULT ",NA,N/A,NULL,null,NaN,None"

/* Defaults: comma, header, UTF-8, CLI_NA_DEFAULT, ISO 8601 or epoch
 * seconds in UTC. */
void cli_read_opts_init(cli_read_opts *o);

typedef struct cli_dataset {
    size_t n;
    cli_col *cols;
    size_t ncols;
    /* per column: a column made of two (name "A*B": the product of two
     * numbers; "A+B": the two texts joined by a space, e.g. a date and a
     * time of day): op is '*' or '+' and field2 the second column; op 0 and
     * field2 -1 for a plain column */
    long *field2;
    char *op;
    /* the input line where each row starts: row i at lines[i], or, while
     * lines is NULL, at line0 + i (rows on consecutive lines need no
     * array); line0 0 and lines NULL: not known. Read with cli_row_line(). */
    uint64_t *lines;
    uint64_t line0;
    char *arena; /* NUL-terminated strings of CLI_COL_STRING columns */
    size_t arena_len, arena_cap;
} cli_dataset;

/* Read path ("-" is standard input) into the columns. On failure prints
 * "svcm CMD: FILE:LINE: column 'NAME' (field K): reason" to stderr, frees
 * everything and returns -1. A field equal to a missing-value token (see
 * cli_read_opts::na) is missing: NaN, INT64_MIN or "" when the column
 * allows it (optional_value), an error otherwise. Text must be valid UTF-8
 * (or is converted from Latin-1). */
int cli_load(const char *cmd, const char *path, const cli_read_opts *opts, cli_col *cols,
             size_t ncols, cli_dataset *out);
/* cli_load() with the default options and separator sep. */
int cli_load_csv(const char *cmd, const char *path, char sep, cli_col *cols, size_t ncols,
                 cli_dataset *out);
void cli_dataset_free(cli_dataset *d);
/* Room for n bytes in *buf (grown by doubling with realloc; *cap its size).
 * Returns 0, or -1 when memory runs out (*buf unchanged). */
int cli_reserve(char **buf, size_t *cap, size_t n);
/* Where field k of the record starting at line `line` of path begins:
 * *col receives its 1-based byte column (and *at_line its line, which
 * differs for a field after a quoted line break). The file is read again
 * up to that record, so this is for error messages only. Returns 0, or -1
 * (standard input, or the file changed) with *col = 0. */
int cli_locate(const char *path, const cli_read_opts *o, uint64_t line, long k,
               uint64_t *at_line, uint64_t *col);
/* A refused record, once, as "svcm CMD: PATH:LINE:COLUMN: FIELD: message
 * (KIND 'ID')": the line of data row `row` of d, the column of its field k
 * of the file (found again with cli_locate; k < 0 or standard input: line
 * only); FIELD is label; the parenthesis only when id is not NULL. */
void cli_record_error(const char *cmd, const char *path, const cli_read_opts *ro,
                      const cli_dataset *d, size_t row, long k, const char *label,
                      const char *kind, const char *id, const char *message);
/* Keep only the rows i with keep[i] (in order); strings stay in the arena. */
void cli_dataset_keep(cli_dataset *d, const bool *keep);
/* Is the field name (a header name, "A*B", "A+B", or without a header a
 * column number) a column of this header record? */
bool cli_has_column(const cli_read_opts *o, const struct cli_field *header, size_t n,
                    const char *name);

/* A field's columns in a header record: one column, or two combined ("A*B"
 * multiplies two numbers, "A+B" joins two texts with a space). */
typedef struct cli_colspec {
    long field, field2; /* field2 -1 for one column */
    char op;            /* '*', '+' or 0 */
} cli_colspec;
/* Find name as cli_has_column() does. Returns 0; -1 when there is no such
 * column; -2 when a name occurs twice in the header (reported on stderr as
 * "svcm CMD: PATH:1: ..."). */
int cli_colspec_find(const char *cmd, const char *path, const cli_read_opts *o,
                     const struct cli_field *header, size_t n, const char *name,
                     cli_colspec *out);
/* Is f a missing value: blank, or one of o's --na tokens (compared without
 * the blanks around it)? */
bool cli_is_missing(const cli_read_opts *o, const struct cli_field *f);
/* Is a field of a record missing: any of its columns blank or an --na
 * token? */
bool cli_colspec_missing(const cli_read_opts *o, const cli_colspec *s,
                         const struct cli_field *fields);
/* Field f of a record as one text: for "A+B" the two fields joined by a
 * space in *buf (grown with realloc; *cap its size). Returns 0, or -1 when
 * memory runs out. */
int cli_colspec_text(const cli_colspec *s, const struct cli_field *fields, char **buf,
                     size_t *cap, struct cli_field *out);

/* ------------------------------------------------------ row by row
 *
 * The reader behind cli_load(), for commands that stream their input and
 * hold one record at a time: the same header lookup (cli_colspec_find),
 * missing-value tokens, UTF-8 check or Latin-1 conversion, "A*B" / "A+B"
 * columns, instant and number rules, and the same messages ("svcm CMD:
 * FILE:LINE: column 'NAME' (field K): 'VALUE' reason"). Use:
 *
 *     cli_rows rows;
 *     int rc = cli_rows_open("cmd", path, &opts, &rows);
 *     if (rc == CLI_ROWS_EMPTY)
 *         ... no record at all: say so in the command's words ...
 *     else if (rc == 0 && cli_rows_columns(&rows, cols, ncols) == 0)
 *         while ((rc = cli_rows_next(&rows)) == 1)
 *             ... rows.val[c] for column c of the current record ...
 *     cli_rows_close(&rows);
 *
 * Between cli_rows_open() and cli_rows_columns() the header record is in
 * rows.csv.fields / rows.csv.nfields (e.g. for cli_has_column()). Every
 * function prints its own messages to stderr (prefixed "svcm CMD: "),
 * except that CLI_ROWS_EMPTY is left to the caller. A reader is used by
 * one thread at a time; distinct readers are independent. */

/* One column of the current record, by its cli_col::type; the members of
 * the other types are unspecified. An absent column (cli_col::field < 0),
 * or a missing value in an optional_value column, reads as NaN, INT64_MIN
 * or "". */
typedef struct cli_value {
    double num;      /* CLI_COL_DOUBLE: finite ("A*B": the product) */
    int64_t inst;    /* CLI_COL_INSTANT: seconds since the epoch */
    const char *str; /* CLI_COL_STRING: valid UTF-8, NUL-terminated, owned by */
    size_t len;      /* the reader; valid until the next cli_rows_next() or close */
} cli_value;

/* The --na tokens, split once per reader (private to load.c). */
#define CLI_NA_MAX 32
typedef struct cli_na_set {
    const char *tok[CLI_NA_MAX];
    size_t len[CLI_NA_MAX];
    size_t n, max_len;
    bool first[256]; /* some token starts with this byte */
    bool split;      /* false: more than CLI_NA_MAX tokens, compare with the list */
} cli_na_set;

/* Joined ("A+B") and converted (Latin-1) text of one string column. */
typedef struct cli_rows_text {
    char *join, *conv;
    size_t join_cap, conv_cap;
} cli_rows_text;

typedef struct cli_rows {
    /* For the caller to read (not to change): */
    const char *cmd, *path;
    const cli_read_opts *opts;
    cli_csv csv;     /* the header record after cli_rows_open(), then the current one */
    cli_col *cols;   /* the caller's columns (cli_rows_columns()) */
    size_t ncols;
    long *field2;    /* per column: "A*B"/"A+B": the second field; -1 otherwise */
    char *op;        /* per column: '*', '+' or 0 */
    cli_value *val;  /* per column: the current record's values */
    uint64_t line;   /* input line where the current record starts */
    size_t rows;     /* data records read so far, the current one included */
    /* The reader's own: */
    FILE *in;
    bool csv_open, pending, progress;
    size_t width; /* fields per record (the header's) */
    cli_na_set na;
    cli_rows_text *text;
} cli_rows;

/* cli_rows_open(): the input holds no record (not even a header). */
#define CLI_ROWS_EMPTY 1

/* Open path ("-": standard input, which is not closed) with the reading
 * options opts (not NULL; kept, not copied: valid until cli_rows_close())
 * and read its first record (the header, or with no_header the first data
 * record, which cli_rows_next() returns first). Returns 0; CLI_ROWS_EMPTY
 * when the input has no record and could be read to its end (nothing
 * printed: the caller says "empty file" in its own words); -1 after
 * printing why (cannot open, read error, malformed first record, out of
 * memory). Call cli_rows_close() in every case. */
int cli_rows_open(const char *cmd, const char *path, const cli_read_opts *opts,
                  cli_rows *rows);
/* Find the columns in the header record, as cli_load() does: sets each
 * cols[c].field (-1 when absent) and cols[c].values = NULL. cols must stay
 * valid until cli_rows_close(). Returns 0, or -1 after printing why (a
 * required column missing, a duplicated name, "A*B" on a column that is
 * not a number, out of memory). */
int cli_rows_columns(cli_rows *rows, cli_col *cols, size_t ncols);
/* The next data record into rows->val, rows->line and rows->rows (blank
 * lines are skipped). Returns 1; 0 at the end of the input; -1 after
 * printing why (a field that cannot be read, a record with another number
 * of fields, malformed CSV, a read error, out of memory). After -1 the
 * reader can only be closed. While stderr is a terminal, a count of rows
 * is shown every million. */
int cli_rows_next(cli_rows *rows);
/* Release everything the reader holds and close the file (not standard
 * input). Safe after any result of cli_rows_open(), and twice. */
void cli_rows_close(cli_rows *rows);

/* The input line where row i of d starts, or 0 when not known. */
static inline uint64_t cli_row_line(const cli_dataset *d, size_t i)
{
    return i >= d->n ? 0 : d->lines ? d->lines[i] : d->line0 > 0 ? d->line0 + i : 0;
}
/* The string of row i of a string column. */
static inline const char *cli_str(const cli_dataset *d, const cli_col *c, size_t i)
{
    return d->arena + ((const size_t *)c->values)[i];
}

#endif /* SVCM_CLI_LOAD_H */
