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
#include "table.h"

/* How column() looks names up and reports duplicates. */
typedef struct loader {
    const char *cmd, *path;
    const cli_read_opts *opts;
    bool quiet; /* do not report duplicated names */
} loader;

void cli_read_opts_init(cli_read_opts *o)
{
    memset(o, 0, sizeof *o);
    o->sep = ',';
    svcm_time_options_init(&o->time);
}

int cli_reserve(char **buf, size_t *cap, size_t n)
{
    if (n <= *cap)
        return 0;
    size_t c = *cap ? *cap : 256;
    while (c < n)
        c *= 2;
    char *p = realloc(*buf, c);
    if (p == NULL)
        return -1;
    *buf = p;
    *cap = c;
    return 0;
}

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
    free(d->field2);
    free(d->op);
    free(d->lines);
    d->field2 = NULL;
    d->op = NULL;
    d->lines = NULL;
    d->line0 = 0;
    d->n = 0;
}

void cli_dataset_keep(cli_dataset *d, const bool *keep)
{
    const bool compact_lines = d->lines != NULL;
    if (d->lines == NULL && d->line0 > 0) {
        /* Rows on consecutive lines: the kept ones need an array, unless
         * all are kept. Without memory for it, lines become unknown (and
         * messages name rows by number). */
        size_t kept = 0;
        for (size_t i = 0; i < d->n; i++)
            kept += keep[i];
        if (kept < d->n) {
            uint64_t *p = malloc((kept ? kept : 1) * sizeof *p);
            for (size_t i = 0, m = 0; p != NULL && i < d->n; i++)
                if (keep[i])
                    p[m++] = d->line0 + i;
            d->lines = p;
            d->line0 = 0;
        }
    }
    size_t m = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (!keep[i])
            continue;
        if (compact_lines)
            d->lines[m] = d->lines[i];
        for (size_t c = 0; c < d->ncols; c++) {
            cli_col *col = &d->cols[c];
            if (col->field < 0 || m == i)
                continue;
            size_t size = elem_size(col->type);
            memcpy((char *)col->values + m * size, (char *)col->values + i * size, size);
        }
        m++;
    }
    d->n = m;
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

/* Column k of the header named name (blanks around names ignored), or -1;
 * a name that occurs twice is reported and gives -2. Without a header the
 * columns are named 1..N. */
static long column(const loader *l, const cli_csv *r, const char *name, size_t len)
{
    char small[64];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (buf == NULL)
        return -1;
    memcpy(buf, name, len);
    buf[len] = '\0';
    long k;
    if (l->opts->no_header) {
        char *end = buf;
        long v = len > 0 && buf[0] >= '1' && buf[0] <= '9' ? strtol(buf, &end, 10) : 0;
        k = *end == '\0' && v >= 1 && (size_t)v <= r->nfields ? v - 1 : -1;
    } else {
        k = cli_csv_column(r->fields, r->nfields, buf);
        long again = k < 0 ? -1
                           : cli_csv_column(r->fields + k + 1, r->nfields - (size_t)k - 1, buf);
        if (again >= 0 && !l->quiet)
            fprintf(stderr,
                    "svcm %s: %s:1: columns %ld and %ld are both named '%s'; a duplicated "
                    "column name cannot be read (rename one, or map the field to another "
                    "column with --col)\n",
                    l->cmd, l->path, k + 1, k + 2 + again, buf);
        if (again >= 0)
            k = -2;
    }
    if (buf != small)
        free(buf);
    return k;
}

int cli_colspec_find(const char *cmd, const char *path, const cli_read_opts *o,
                     const cli_field *header, size_t n, const char *name, cli_colspec *out)
{
    cli_csv r;
    memset(&r, 0, sizeof r);
    r.fields = (cli_field *)header;
    r.nfields = n;
    loader l;
    memset(&l, 0, sizeof l);
    l.cmd = cmd;
    l.path = path;
    l.opts = o;
    l.quiet = cmd == NULL;
    *out = (cli_colspec){column(&l, &r, name, strlen(name)), -1, 0};
    if (out->field != -1)
        return out->field < 0 ? -2 : 0;
    const char *op = strpbrk(name, "*+");
    if (op == NULL || op == name || op[1] == '\0')
        return -1;
    long a = column(&l, &r, name, (size_t)(op - name));
    long b = a >= 0 ? column(&l, &r, op + 1, strlen(op + 1)) : -1;
    if (a == -2 || b == -2)
        return -2;
    if (a < 0 || b < 0)
        return -1;
    *out = (cli_colspec){a, b, *op};
    return 0;
}

bool cli_has_column(const cli_read_opts *o, const cli_field *header, size_t n,
                    const char *name)
{
    cli_colspec s;
    return cli_colspec_find(NULL, "", o, header, n, name, &s) == 0;
}

bool cli_colspec_missing(const cli_read_opts *o, const cli_colspec *s, const cli_field *fields)
{
    return cli_is_missing(o, &fields[s->field]) ||
           (s->op != 0 && cli_is_missing(o, &fields[s->field2]));
}

int cli_colspec_text(const cli_colspec *s, const cli_field *fields, char **buf, size_t *cap,
                     cli_field *out)
{
    const cli_field *f = &fields[s->field];
    if (s->op != '+') {
        *out = *f;
        return 0;
    }
    const cli_field *g = &fields[s->field2];
    if (strspn(f->ptr, " \t") == f->len || strspn(g->ptr, " \t") == g->len) {
        *out = (cli_field){"", 0}; /* a missing half: the whole is missing */
        return 0;
    }
    size_t need = f->len + g->len + 2;
    if (need > *cap) {
        char *p = realloc(*buf, need);
        if (p == NULL)
            return -1;
        *buf = p;
        *cap = need;
    }
    memcpy(*buf, f->ptr, f->len);
    (*buf)[f->len] = ' ';
    memcpy(*buf + f->len + 1, g->ptr, g->len);
    (*buf)[need - 1] = '\0';
    *out = (cli_field){*buf, need - 1};
    return 0;
}

/* Where each wanted column is. A name that occurs twice in the header is
 * never read: which of the two was meant would be a guess. A name that is
 * not a column but reads "A*B" or "A+B" with A and B columns is their
 * product or their join. Returns 0, or -1 after printing why. */
static int find_columns(cli_rows *r)
{
    cli_col *cols = r->cols;
    const cli_csv *csv = &r->csv;
    for (size_t c = 0; c < r->ncols; c++) {
        const char *name = cols[c].name;
        cli_colspec sp;
        int rc = cli_colspec_find(r->cmd, r->path, r->opts, csv->fields, csv->nfields, name,
                                  &sp);
        if (rc == -2)
            return -1;
        if (rc == 0 && sp.op == '*' && cols[c].type != CLI_COL_DOUBLE) {
            fprintf(stderr, "svcm %s: %s: '%s': A*B multiplies numbers; this field "
                    "is not a number\n", r->cmd, r->path, name);
            return -1;
        }
        if (rc == 0) {
            r->field2[c] = sp.field2;
            r->op[c] = sp.op;
        }
        if (rc != 0 && cols[c].required) {
            if (r->opts->no_header)
                fprintf(stderr, "svcm %s: %s:1: no column %s: without a header, columns are "
                        "numbered 1..%zu (map fields with --col FIELD=NUMBER)\n",
                        r->cmd, r->path, name, csv->nfields);
            else
                fprintf(stderr, "svcm %s: %s:1: no column named '%s' in the header\n", r->cmd,
                        r->path, name);
            return -1;
        }
        cols[c].field = rc == 0 ? sp.field : -1;
    }
    return 0;
}

/* Room for one more row in every column read. */
static int grow(cli_dataset *d, size_t *cap)
{
    if (d->n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 1024;
    if (d->lines != NULL) {
        uint64_t *lp = ncap <= SIZE_MAX / sizeof *lp ? realloc(d->lines, ncap * sizeof *lp) : NULL;
        if (lp == NULL)
            return -1;
        d->lines = lp;
    }
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

/* f without the blanks (spaces and tabs) around it, in [*b, *e). Returns
 * whether f is blank (nothing else in it). */
static bool strip(const cli_field *f, const char **b, const char **e)
{
    const char *p = f->ptr, *q = f->ptr + f->len;
    while (p < q && (*p == ' ' || *p == '\t'))
        p++;
    if (p == q)
        return true;
    while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
        q--;
    *b = p;
    *e = q;
    return false;
}

/* Is [b, e) one of the comma-separated tokens of list (empty ones never
 * match)? */
static bool na_listed(const char *list, const char *b, const char *e)
{
    const char *t = list;
    for (;;) {
        const char *comma = strchr(t, ',');
        size_t n = comma ? (size_t)(comma - t) : strlen(t);
        if (n > 0 && n == (size_t)(e - b) && memcmp(t, b, n) == 0)
            return true;
        if (comma == NULL)
            return false;
        t = comma + 1;
    }
}

/* The missing-value tokens of --na, split once per reader: a field is
 * compared only with the tokens of its length that start with its first
 * byte. */
static void na_init(cli_na_set *s, const cli_read_opts *o)
{
    memset(s, 0, sizeof *s);
    const char *t = o->na ? o->na : CLI_NA_DEFAULT;
    s->split = true;
    for (;;) {
        const char *comma = strchr(t, ',');
        size_t n = comma ? (size_t)(comma - t) : strlen(t);
        if (n > 0) {
            if (s->n == CLI_NA_MAX) {
                s->split = false;
                return;
            }
            s->tok[s->n] = t;
            s->len[s->n++] = n;
            s->first[(unsigned char)t[0]] = true;
            if (n > s->max_len)
                s->max_len = n;
        }
        if (comma == NULL)
            return;
        t = comma + 1;
    }
}

/* cli_is_missing() with the tokens of r. */
static bool missing(const cli_rows *r, const cli_field *f)
{
    const char *b, *e;
    if (strip(f, &b, &e))
        return true;
    const cli_na_set *s = &r->na;
    if (!s->split)
        return na_listed(r->opts->na ? r->opts->na : CLI_NA_DEFAULT, b, e);
    size_t len = (size_t)(e - b);
    if (len > s->max_len || !s->first[(unsigned char)*b])
        return false;
    for (size_t k = 0; k < s->n; k++)
        if (s->len[k] == len && memcmp(s->tok[k], b, len) == 0)
            return true;
    return false;
}

/* Is f one of the missing-value tokens (compared without surrounding
 * blanks)? The empty field always is. */
bool cli_is_missing(const cli_read_opts *o, const cli_field *f)
{
    const char *b, *e;
    if (strip(f, &b, &e))
        return true;
    return na_listed(o->na ? o->na : CLI_NA_DEFAULT, b, e);
}

/* Text of a string field as UTF-8: checked, or converted from Latin-1 into
 * t->conv (f may point into t->join). Returns NULL, or why it is refused. */
static const char *utf8_text(const cli_rows *r, cli_rows_text *t, cli_field *f)
{
    const unsigned char *p = (const unsigned char *)f->ptr;
    if (r->opts->latin1) {
        size_t high = 0;
        for (size_t i = 0; i < f->len; i++)
            high += p[i] >= 0x80;
        if (high == 0)
            return NULL;
        if (cli_reserve(&t->conv, &t->conv_cap, f->len + high + 1) != 0)
            return "out of memory";
        char *q = t->conv;
        for (size_t i = 0; i < f->len; i++) {
            if (p[i] < 0x80) {
                *q++ = (char)p[i];
            } else {
                *q++ = (char)(0xC0 | p[i] >> 6);
                *q++ = (char)(0x80 | (p[i] & 0x3F));
            }
        }
        *q = '\0';
        f->ptr = t->conv;
        f->len = (size_t)(q - t->conv);
        return NULL;
    }
    for (size_t i = 0; i < f->len;) {
        /* ASCII, eight bytes at a time */
        while (i + 8 <= f->len) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        while (i < f->len && p[i] < 0x80)
            i++;
        if (i == f->len)
            break;
        int n = cli_utf8_sequence(p + i);
        if (n < 0) {
            static char why[128];
            snprintf(why, sizeof why, "is not valid UTF-8 (byte %zu); for a Latin-1 file use "
                     "--encoding latin-1", i + 1);
            return why;
        }
        i += (size_t)n;
    }
    return NULL;
}

static const char *number(const cli_field *f, double *out)
{
    int rc = cli_parse_double(f, out);
    return rc == CLI_PARSE_OK      ? NULL
           : rc == CLI_PARSE_RANGE ? "is out of the range of a double"
                                   : "is not a finite number";
}

/* Column c of the current record into r->val[c], or with d into row d->n
 * of the dataset's column (cli_load: no copy in between). Returns NULL or
 * why it is refused; *bad is the field at fault. */
static const char *store(cli_rows *r, size_t c, cli_field *bad, cli_dataset *d)
{
    const cli_col *col = &r->cols[c];
    const cli_field *fields = r->csv.fields;
    const cli_field *own = &fields[col->field];
    const char op = r->op[c];
    cli_value *v = &r->val[c];
    double *num = &v->num;
    int64_t *inst = &v->inst;
    if (d != NULL && col->type == CLI_COL_DOUBLE)
        num = &((double *)d->cols[c].values)[d->n];
    else if (d != NULL && col->type == CLI_COL_INSTANT)
        inst = &((int64_t *)d->cols[c].values)[d->n];
    cli_field f = *own;
    *bad = f;
    if (op == '+') {
        cli_colspec sp = {col->field, r->field2[c], op};
        if (cli_colspec_text(&sp, fields, &r->text[c].join, &r->text[c].join_cap, &f) != 0)
            return "out of memory";
        *bad = f;
    }
    /* A field that starts and ends with a byte above the blank and whose
     * first byte starts no --na token (a number, mostly) is not missing:
     * missing() would strip nothing and find no token. */
    const bool present = op == 0 && r->na.split && own->len > 0 &&
                         (unsigned char)own->ptr[0] > ' ' &&
                         (unsigned char)own->ptr[own->len - 1] > ' ' &&
                         !r->na.first[(unsigned char)own->ptr[0]];
    if (!present && (missing(r, own) || (op != 0 && missing(r, &fields[r->field2[c]])))) {
        if (!col->optional_value)
            return blank(&f) ? "empty" : "is a missing value";
        *num = NAN;
        *inst = INT64_MIN;
        v->str = "";
        v->len = 0;
        if (d != NULL && col->type == CLI_COL_STRING &&
            arena_add(d, "", 0, &((size_t *)d->cols[c].values)[d->n]) != 0)
            return "out of memory";
        return NULL;
    }
    const char *why = NULL;
    if (col->type == CLI_COL_STRING) {
        if ((why = utf8_text(r, &r->text[c], &f)) != NULL)
            return why;
        v->str = f.ptr;
        v->len = f.len;
        if (d != NULL && arena_add(d, f.ptr, f.len, &((size_t *)d->cols[c].values)[d->n]) != 0)
            return "out of memory";
        return NULL;
    }
    if (col->type == CLI_COL_INSTANT) {
        cli_read_instant_opts(&f, &r->opts->time, r->opts->zone, inst, &why);
        return why;
    }
    if ((why = number(&f, num)) != NULL)
        return why;
    if (op == '*') {
        double w;
        *bad = fields[r->field2[c]];
        if ((why = number(bad, &w)) != NULL)
            return why;
        *num *= w;
        if (!isfinite(*num))
            return "times the other column is out of the range of a double";
    }
    return NULL;
}

/* Print up to 40 bytes of a field for a message, bytes that are not UTF-8
 * as \xNN (so the message itself stays valid UTF-8), "..." when cut. */
static void print_value(FILE *out, const cli_field *f)
{
    const unsigned char *p = (const unsigned char *)f->ptr;
    size_t i = 0;
    while (i < f->len && i < 40) {
        int n = cli_utf8_sequence(p + i);
        if (n < 0) {
            fprintf(out, "\\x%02X", p[i]);
            i++;
        } else {
            fwrite(p + i, 1, (size_t)n, out);
            i += (size_t)n;
        }
    }
    if (i < f->len)
        fputs("...", out);
}

static void report_csv_error(const char *cmd, const char *path, const cli_csv *r)
{
    fprintf(stderr, "svcm %s: %s:%llu:%llu: %s\n", cmd, path, (unsigned long long)r->error_line,
            (unsigned long long)r->error_col, r->error);
}

int cli_rows_open(const char *cmd, const char *path, const cli_read_opts *opts,
                  cli_rows *rows)
{
    memset(rows, 0, sizeof *rows);
    rows->cmd = cmd;
    rows->path = path;
    rows->opts = opts;
    rows->in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (rows->in == NULL) {
        fprintf(stderr, "svcm %s: cannot open %s: %s\n", cmd, path, strerror(errno));
        return -1;
    }
    rows->csv_open = true;
    if (cli_csv_open(&rows->csv, rows->in, opts->sep) != 0) {
        fprintf(stderr, "svcm %s: out of memory\n", cmd);
        return -1;
    }
    if (opts->whitespace)
        cli_csv_set_whitespace(&rows->csv);
    na_init(&rows->na, opts);
    rows->progress = isatty(STDERR_FILENO) != 0;
    int rc = cli_csv_next(&rows->csv);
    if (rc == 1)
        return 0;
    if (rc < 0)
        report_csv_error(cmd, path, &rows->csv);
    else if (ferror(rows->in))
        fprintf(stderr, "svcm %s: %s: read error\n", cmd, path);
    else
        return CLI_ROWS_EMPTY;
    return -1;
}

int cli_rows_columns(cli_rows *rows, cli_col *cols, size_t ncols)
{
    const size_t m = ncols ? ncols : 1;
    rows->cols = cols;
    rows->ncols = 0;
    rows->field2 = malloc(m * sizeof *rows->field2);
    rows->op = calloc(m, 1);
    rows->val = calloc(m, sizeof *rows->val);
    rows->text = calloc(m, sizeof *rows->text);
    if (rows->field2 == NULL || rows->op == NULL || rows->val == NULL || rows->text == NULL) {
        fprintf(stderr, "svcm %s: out of memory\n", rows->cmd);
        return -1;
    }
    rows->ncols = ncols;
    for (size_t c = 0; c < ncols; c++) {
        rows->field2[c] = -1;
        cols[c].field = -1;
        cols[c].values = NULL;
        /* absent columns, and anything before the first record */
        rows->val[c] = (cli_value){NAN, INT64_MIN, "", 0};
    }
    if (find_columns(rows) != 0)
        return -1;
    rows->width = rows->csv.nfields;
    rows->pending = rows->opts->no_header; /* the first record is data */
    return 0;
}

/* cli_rows_next(), with d: the values go into row d->n of d's columns
 * (which have room for it) instead of rows->val. */
static int rows_next(cli_rows *rows, cli_dataset *d)
{
    cli_csv *csv = &rows->csv;
    for (;;) {
        int rc = 1;
        if (rows->pending)
            rows->pending = false;
        else
            rc = cli_csv_next(csv);
        if (rc <= 0) {
            if (rows->progress && rows->rows >= 1000000)
                fputc('\n', stderr);
            rows->progress = false;
            if (rc < 0) {
                report_csv_error(rows->cmd, rows->path, csv);
                return -1;
            }
            if (ferror(rows->in)) {
                fprintf(stderr, "svcm %s: %s: read error\n", rows->cmd, rows->path);
                return -1;
            }
            return 0;
        }
        if (csv->nfields == 1 && csv->fields[0].len == 0)
            continue; /* blank line */
        if (csv->nfields != rows->width) {
            fprintf(stderr, "svcm %s: %s:%llu: expected %zu fields as in the %s, found %zu\n",
                    rows->cmd, rows->path, (unsigned long long)csv->rec_line, rows->width,
                    rows->opts->no_header ? "first row" : "header", csv->nfields);
            return -1;
        }
        for (size_t c = 0; c < rows->ncols; c++) {
            const cli_col *col = &rows->cols[c];
            if (col->field < 0)
                continue;
            cli_field f;
            const char *why = store(rows, c, &f, d);
            if (why) {
                /* The value as far as 40 bytes, marked when cut. */
                long k = rows->field2[c] >= 0 && f.ptr == csv->fields[rows->field2[c]].ptr
                             ? rows->field2[c]
                             : col->field;
                fprintf(stderr, "svcm %s: %s:%llu: column '%s' (field %ld): '", rows->cmd,
                        rows->path, (unsigned long long)csv->rec_line, col->name, k + 1);
                print_value(stderr, &f);
                fprintf(stderr, "' %s\n", why);
                return -1;
            }
        }
        rows->line = csv->rec_line;
        rows->rows++;
        if (rows->progress && rows->rows % 1000000 == 0)
            fprintf(stderr, "\rsvcm %s: %s: %zu rows read", rows->cmd, rows->path, rows->rows);
        return 1;
    }
}

int cli_rows_next(cli_rows *rows) { return rows_next(rows, NULL); }

void cli_rows_close(cli_rows *rows)
{
    if (rows->csv_open)
        cli_csv_close(&rows->csv);
    if (rows->in != NULL && rows->in != stdin)
        fclose(rows->in);
    if (rows->text != NULL)
        for (size_t c = 0; c < rows->ncols; c++) {
            free(rows->text[c].join);
            free(rows->text[c].conv);
        }
    free(rows->text);
    free(rows->val);
    free(rows->op);
    free(rows->field2);
    memset(rows, 0, sizeof *rows);
}

/* The line of the reader's current record, stored as row d->n (cap rows
 * have room), which is then counted. Returns 0, or -1 after printing why. */
static int load_row(const cli_rows *r, cli_dataset *d, size_t cap)
{
    if (d->lines == NULL && d->n == 0) {
        d->line0 = r->line;
    } else if (d->lines == NULL && r->line != d->line0 + d->n) {
        /* The first row off the consecutive lines (after a blank line or a
         * record over several lines): from here on, an array. */
        d->lines = malloc(cap * sizeof *d->lines);
        if (d->lines == NULL) {
            fprintf(stderr, "svcm %s: out of memory\n", r->cmd);
            return -1;
        }
        for (size_t k = 0; k < d->n; k++)
            d->lines[k] = d->line0 + k;
        d->line0 = 0;
    }
    if (d->lines != NULL)
        d->lines[d->n] = r->line;
    d->n++;
    return 0;
}

/* Every data row of the reader into out. Returns 0, or -1 after printing
 * why. */
static int load_records(cli_rows *r, cli_dataset *out)
{
    size_t cap = 0;
    for (;;) {
        if (grow(out, &cap) != 0) {
            fprintf(stderr, "svcm %s: out of memory\n", r->cmd);
            return -1;
        }
        int rc = rows_next(r, out);
        if (rc != 1)
            return rc;
        if (load_row(r, out, cap) != 0)
            return -1;
    }
}

int cli_load(const char *cmd, const char *path, const cli_read_opts *opts, cli_col *cols,
             size_t ncols, cli_dataset *out)
{
    cli_read_opts defaults;
    if (opts == NULL) {
        cli_read_opts_init(&defaults);
        opts = &defaults;
    }
    memset(out, 0, sizeof *out);
    out->cols = cols;
    out->ncols = ncols;
    for (size_t c = 0; c < ncols; c++) {
        cols[c].field = -1;
        cols[c].values = NULL;
    }
    out->field2 = malloc((ncols ? ncols : 1) * sizeof *out->field2);
    out->op = calloc(ncols ? ncols : 1, 1);
    if (out->field2 == NULL || out->op == NULL) {
        fprintf(stderr, "svcm %s: out of memory\n", cmd);
        cli_dataset_free(out);
        return -1;
    }
    cli_rows rows;
    int rc = cli_rows_open(cmd, path, opts, &rows);
    if (rc == CLI_ROWS_EMPTY) {
        fprintf(stderr, "svcm %s: %s: %s\n", cmd, path,
                opts->no_header ? "empty file" : "empty file (a header row is required)");
        rc = -1;
    }
    if (rc == 0)
        rc = cli_rows_columns(&rows, cols, ncols);
    if (rc == 0) {
        if (ncols > 0) {
            memcpy(out->field2, rows.field2, ncols * sizeof *out->field2);
            memcpy(out->op, rows.op, ncols);
        }
        rc = load_records(&rows, out);
    }
    cli_rows_close(&rows);
    if (rc != 0)
        cli_dataset_free(out);
    return rc;
}

int cli_load_csv(const char *cmd, const char *path, char sep, cli_col *cols, size_t ncols,
                 cli_dataset *out)
{
    cli_read_opts o;
    cli_read_opts_init(&o);
    o.sep = sep;
    return cli_load(cmd, path, &o, cols, ncols, out);
}

int cli_locate(const char *path, const cli_read_opts *o, uint64_t line, long k,
               uint64_t *at_line, uint64_t *col)
{
    *col = 0;
    *at_line = line;
    if (strcmp(path, "-") == 0 || k < 0)
        return -1;
    FILE *in = fopen(path, "rb");
    if (in == NULL)
        return -1;
    cli_csv r;
    int rc = cli_csv_open(&r, in, o->sep), found = -1;
    if (rc == 0 && o->whitespace)
        cli_csv_set_whitespace(&r);
    while (rc == 0 && cli_csv_next(&r) == 1) {
        if (r.rec_line < line)
            continue;
        if (r.rec_line == line && (size_t)k < r.nfields) {
            *col = r.fcol[k];
            *at_line = r.fline[k];
            found = 0;
        }
        break;
    }
    cli_csv_close(&r);
    fclose(in);
    return found;
}

void cli_record_error(const char *cmd, const char *path, const cli_read_opts *ro,
                      const cli_dataset *d, size_t row, long k, const char *label,
                      const char *kind, const char *id, const char *message)
{
    cli_read_opts defaults;
    if (ro == NULL) {
        cli_read_opts_init(&defaults);
        ro = &defaults;
    }
    uint64_t line = cli_row_line(d, row), col = 0;
    if (line > 0 && k >= 0)
        cli_locate(path, ro, line, k, &line, &col);
    fprintf(stderr, "svcm %s: %s", cmd, path);
    if (line > 0)
        fprintf(stderr, ":%llu", (unsigned long long)line);
    else
        fprintf(stderr, ": data row %zu", row + 1);
    if (col > 0)
        fprintf(stderr, ":%llu", (unsigned long long)col);
    fprintf(stderr, ": %s: %s", label ? label : "row", message);
    if (id != NULL)
        fprintf(stderr, " (%s '%s')", kind, id);
    fputc('\n', stderr);
}
