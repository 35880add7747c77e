/* Loading typed columns from a CSV file with a header row. */
#define _POSIX_C_SOURCE 200809L
#include "load.h"

#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"

static size_t elem_size(cli_col_type t)
{
    return t == CLI_COL_DOUBLE ? sizeof(double) : t == CLI_COL_INSTANT ? sizeof(int64_t) : sizeof(size_t);
}

void cli_dataset_free(cli_dataset *d)
{
    if (d->cols)
        for (size_t i = 0; i < d->ncols; i++) {
            free(d->cols[i].values);
            d->cols[i].values = NULL;
        }
    free(d->arena);
    d->arena = NULL;
    d->n = 0;
}

static int arena_add(cli_dataset *d, const char *s, size_t len, size_t *off)
{
    if (d->arena_len + len + 1 > d->arena_cap) {
        size_t cap = d->arena_cap ? d->arena_cap : 4096;
        while (cap < d->arena_len + len + 1)
            cap *= 2;
        char *p = realloc(d->arena, cap);
        if (p == NULL)
            return -1;
        d->arena = p;
        d->arena_cap = cap;
    }
    memcpy(d->arena + d->arena_len, s, len);
    d->arena[d->arena_len + len] = '\0';
    *off = d->arena_len;
    d->arena_len += len + 1;
    return 0;
}

/* Where each wanted column is. A name that occurs twice in the header is
 * never read: which of the two was meant would be a guess. Returns 0, or -1
 * after printing why. */
static int find_columns(const char *cmd, const char *path, const cli_csv *r, cli_col *cols,
                        size_t ncols)
{
    for (size_t c = 0; c < ncols; c++) {
        long k = cli_csv_column(r->fields, r->nfields, cols[c].name);
        long again = k < 0 ? -1
                           : cli_csv_column(r->fields + k + 1, r->nfields - (size_t)k - 1,
                                            cols[c].name);
        if (again >= 0) {
            fprintf(stderr,
                    "svcm %s: %s:1: columns %ld and %ld are both named '%s'; a duplicated "
                    "column name cannot be read (rename one, or map the field to another "
                    "column with --col)\n",
                    cmd, path, k + 1, k + 2 + again, cols[c].name);
            return -1;
        }
        if (k < 0 && cols[c].required) {
            fprintf(stderr, "svcm %s: %s:1: no column named '%s' in the header\n", cmd, path,
                    cols[c].name);
            return -1;
        }
        cols[c].field = k;
    }
    return 0;
}

/* Room for one more row in every column read. */
static int grow(cli_dataset *d, size_t *cap)
{
    if (d->n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 1024;
    for (size_t c = 0; c < d->ncols; c++) {
        if (d->cols[c].field < 0)
            continue;
        size_t size = elem_size(d->cols[c].type);
        void *p = ncap <= SIZE_MAX / size ? realloc(d->cols[c].values, ncap * size) : NULL;
        if (p == NULL)
            return -1;
        d->cols[c].values = p;
    }
    *cap = ncap;
    return 0;
}

static bool blank(const cli_field *f) { return strspn(f->ptr, " \t") == f->len; }

/* Store field f of row i in column col. Returns NULL or why it is refused. */
static const char *store(cli_dataset *d, cli_col *col, const cli_field *f, size_t i)
{
    if (col->type == CLI_COL_STRING) {
        if (f->len == 0 && !col->optional_value)
            return "empty";
        return arena_add(d, f->ptr, f->len, &((size_t *)col->values)[i]) ? "out of memory" : NULL;
    }
    if (blank(f)) {
        if (!col->optional_value)
            return "empty";
        if (col->type == CLI_COL_DOUBLE)
            ((double *)col->values)[i] = NAN;
        else
            ((int64_t *)col->values)[i] = INT64_MIN;
        return NULL;
    }
    if (col->type == CLI_COL_INSTANT) {
        const char *why = NULL;
        cli_read_instant(f, &((int64_t *)col->values)[i], &why);
        return why;
    }
    int rc = cli_parse_double(f, &((double *)col->values)[i]);
    return rc == CLI_PARSE_OK      ? NULL
           : rc == CLI_PARSE_RANGE ? "is out of the range of a double"
                                   : "is not a finite number";
}

/* One data record into row d->n. Returns 0, or -1 after printing why. */
static int load_row(const char *cmd, const char *path, const cli_csv *r, cli_dataset *d)
{
    for (size_t c = 0; c < d->ncols; c++) {
        cli_col *col = &d->cols[c];
        if (col->field < 0)
            continue;
        const cli_field *f = &r->fields[col->field];
        const char *why = store(d, col, f, d->n);
        if (why) {
            /* The value as far as 40 bytes, marked when cut for the message. */
            fprintf(stderr, "svcm %s: %s:%llu: column '%s' (field %ld): '%.40s%s' %s\n", cmd,
                    path, (unsigned long long)r->rec_line, col->name, col->field + 1, f->ptr,
                    f->len > 40 ? "..." : "", why);
            return -1;
        }
    }
    d->n++;
    return 0;
}

static void report_csv_error(const char *cmd, const char *path, const cli_csv *r)
{
    fprintf(stderr, "svcm %s: %s:%llu:%llu: %s\n", cmd, path, (unsigned long long)r->error_line,
            (unsigned long long)r->error_col, r->error);
}

/* The header row and every data row. Returns 0, or -1 after printing why. */
static int load_records(const char *cmd, const char *path, FILE *in, cli_csv *r,
                        cli_dataset *out)
{
    int rc = cli_csv_next(r);
    if (rc <= 0) {
        if (rc < 0)
            report_csv_error(cmd, path, r);
        else
            fprintf(stderr, "svcm %s: %s: %s\n", cmd, path,
                    ferror(in) ? "read error" : "empty file (a header row is required)");
        return -1;
    }
    if (find_columns(cmd, path, r, out->cols, out->ncols) != 0)
        return -1;
    size_t width = r->nfields, cap = 0;
    bool progress = isatty(STDERR_FILENO) != 0;
    while ((rc = cli_csv_next(r)) == 1) {
        if (r->nfields == 1 && r->fields[0].len == 0)
            continue; /* blank line */
        if (r->nfields != width) {
            fprintf(stderr, "svcm %s: %s:%llu: expected %zu fields as in the header, found %zu\n",
                    cmd, path, (unsigned long long)r->rec_line, width, r->nfields);
            return -1;
        }
        if (grow(out, &cap) != 0) {
            fprintf(stderr, "svcm %s: out of memory\n", cmd);
            return -1;
        }
        if (load_row(cmd, path, r, out) != 0)
            return -1;
        if (progress && out->n % 1000000 == 0)
            fprintf(stderr, "\rsvcm %s: %s: %zu rows read", cmd, path, out->n);
    }
    if (progress && out->n >= 1000000)
        fputc('\n', stderr);
    if (rc < 0)
        report_csv_error(cmd, path, r);
    else if (ferror(in))
        fprintf(stderr, "svcm %s: %s: read error\n", cmd, path);
    return rc < 0 || ferror(in) ? -1 : 0;
}

int cli_load_csv(const char *cmd, const char *path, char sep, cli_col *cols, size_t ncols,
                 cli_dataset *out)
{
    memset(out, 0, sizeof *out);
    out->cols = cols;
    out->ncols = ncols;
    for (size_t c = 0; c < ncols; c++) {
        cols[c].field = -1;
        cols[c].values = NULL;
    }
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (in == NULL) {
        fprintf(stderr, "svcm %s: cannot open %s: %s\n", cmd, path, strerror(errno));
        return -1;
    }
    cli_csv r;
    int rc = cli_csv_open(&r, in, sep);
    if (rc != 0)
        fprintf(stderr, "svcm %s: out of memory\n", cmd);
    else
        rc = load_records(cmd, path, in, &r, out);
    cli_csv_close(&r);
    if (in != stdin)
        fclose(in);
    if (rc != 0)
        cli_dataset_free(out);
    return rc;
}
