/* Loading typed columns from a CSV file with a header row. */
#define _POSIX_C_SOURCE 200809L
#include "load.h"

#include <errno.h>
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
    if (cli_csv_open(&r, in, sep) != 0) {
        if (in != stdin)
            fclose(in);
        fprintf(stderr, "svcm %s: out of memory\n", cmd);
        return -1;
    }
    int rc = cli_csv_next(&r);
    if (rc <= 0) {
        if (rc == 0 && ferror(in))
            fprintf(stderr, "svcm %s: %s: read error\n", cmd, path);
        else if (rc == 0)
            fprintf(stderr, "svcm %s: %s: empty file (a header row is required)\n", cmd, path);
        else
            fprintf(stderr, "svcm %s: %s:%llu:%llu: %s\n", cmd, path,
                    (unsigned long long)r.error_line, (unsigned long long)r.error_col, r.error);
        goto fail;
    }
    size_t width = r.nfields;
    for (size_t c = 0; c < ncols; c++) {
        cols[c].field = cli_csv_column(r.fields, r.nfields, cols[c].name);
        if (cols[c].field < 0 && cols[c].required) {
            fprintf(stderr, "svcm %s: %s:1: no column named '%s' in the header\n", cmd, path,
                    cols[c].name);
            goto fail;
        }
    }
    size_t cap = 0;
    bool progress = isatty(STDERR_FILENO) != 0;
    while ((rc = cli_csv_next(&r)) == 1) {
        if (r.nfields == 1 && r.fields[0].len == 0)
            continue; /* blank line */
        if (r.nfields != width) {
            fprintf(stderr, "svcm %s: %s:%llu: expected %zu fields as in the header, found %zu\n",
                    cmd, path, (unsigned long long)r.rec_line, width, r.nfields);
            goto fail;
        }
        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            for (size_t c = 0; c < ncols; c++) {
                if (cols[c].field < 0)
                    continue;
                void *p = realloc(cols[c].values, ncap * elem_size(cols[c].type));
                if (p == NULL) {
                    fprintf(stderr, "svcm %s: out of memory\n", cmd);
                    goto fail;
                }
                cols[c].values = p;
            }
            cap = ncap;
        }
        size_t i = out->n;
        for (size_t c = 0; c < ncols; c++) {
            cli_col *col = &cols[c];
            if (col->field < 0)
                continue;
            const cli_field *f = &r.fields[col->field];
            const char *why = NULL;
            if (col->type == CLI_COL_STRING) {
                if (f->len == 0 && !col->optional_value)
                    why = "empty";
                else if (arena_add(out, f->ptr, f->len, &((size_t *)col->values)[i]) != 0)
                    why = "out of memory";
            } else if (f->len == 0 || strspn(f->ptr, " \t") == f->len) {
                if (!col->optional_value)
                    why = "empty";
                else if (col->type == CLI_COL_DOUBLE)
                    ((double *)col->values)[i] = NAN;
                else
                    ((int64_t *)col->values)[i] = INT64_MIN;
            } else if (col->type == CLI_COL_DOUBLE) {
                if (cli_parse_double(f, &((double *)col->values)[i]) != 0)
                    why = "is not a finite number";
            } else if (cli_parse_instant(f, &((int64_t *)col->values)[i]) != 0) {
                why = "is not an instant (epoch seconds or YYYY-MM-DDTHH:MM:SSZ)";
            }
            if (why) {
                fprintf(stderr, "svcm %s: %s:%llu: column '%s' (field %ld): '%.40s' %s\n", cmd,
                        path, (unsigned long long)r.rec_line, col->name, col->field + 1, f->ptr,
                        why);
                goto fail;
            }
        }
        out->n++;
        if (progress && out->n % 1000000 == 0)
            fprintf(stderr, "\rsvcm %s: %s: %zu rows read", cmd, path, out->n);
    }
    if (progress && out->n >= 1000000)
        fputc('\n', stderr);
    if (rc < 0) {
        fprintf(stderr, "svcm %s: %s:%llu:%llu: %s\n", cmd, path, (unsigned long long)r.error_line,
                (unsigned long long)r.error_col, r.error);
        goto fail;
    }
    if (ferror(in)) {
        fprintf(stderr, "svcm %s: %s: read error\n", cmd, path);
        goto fail;
    }
    cli_csv_close(&r);
    if (in != stdin)
        fclose(in);
    return 0;
fail:
    cli_csv_close(&r);
    if (in != stdin)
        fclose(in);
    cli_dataset_free(out);
    return -1;
}
