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

/* The missing-value tokens of --na, split once per load: a field is
 * compared only with the tokens of its length that start with its first
 * byte. */
#define NA_MAX 32
typedef struct na_set {
    const char *tok[NA_MAX];
    size_t len[NA_MAX];
    size_t n, max_len;
    bool first[256]; /* some token starts with this byte */
    bool split;      /* false: more than NA_MAX tokens, compare with the list */
} na_set;

/* What one load needs besides the dataset. */
typedef struct loader {
    const char *cmd, *path;
    const cli_read_opts *opts;
    char *scratch; /* a joined "A+B" field or a converted text */
    size_t scratch_cap;
    bool quiet; /* column(): do not report duplicated names */
    na_set na;  /* the missing-value tokens, split once */
} loader;

void cli_read_opts_init(cli_read_opts *o)
{
    memset(o, 0, sizeof *o);
    o->sep = ',';
    svcm_time_options_init(&o->time);
}

static int reserve(loader *l, size_t n)
{
    if (n <= l->scratch_cap)
        return 0;
    size_t cap = l->scratch_cap ? l->scratch_cap : 256;
    while (cap < n)
        cap *= 2;
    char *p = realloc(l->scratch, cap);
    if (p == NULL)
        return -1;
    l->scratch = p;
    l->scratch_cap = cap;
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
static int find_columns(const loader *l, const cli_csv *r, cli_dataset *d)
{
    cli_col *cols = d->cols;
    for (size_t c = 0; c < d->ncols; c++) {
        const char *name = cols[c].name;
        cli_colspec sp;
        int rc = cli_colspec_find(l->cmd, l->path, l->opts, r->fields, r->nfields, name, &sp);
        if (rc == -2)
            return -1;
        if (rc == 0 && sp.op == '*' && cols[c].type != CLI_COL_DOUBLE) {
            fprintf(stderr, "svcm %s: %s: '%s': A*B multiplies numbers; this field "
                    "is not a number\n", l->cmd, l->path, name);
            return -1;
        }
        if (rc == 0) {
            d->field2[c] = sp.field2;
            d->op[c] = sp.op;
        }
        if (rc != 0 && cols[c].required) {
            if (l->opts->no_header)
                fprintf(stderr, "svcm %s: %s:1: no column %s: without a header, columns are "
                        "numbered 1..%zu (map fields with --col FIELD=NUMBER)\n",
                        l->cmd, l->path, name, r->nfields);
            else
                fprintf(stderr, "svcm %s: %s:1: no column named '%s' in the header\n", l->cmd,
                        l->path, name);
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

static void na_init(na_set *s, const cli_read_opts *o)
{
    memset(s, 0, sizeof *s);
    const char *t = o->na ? o->na : CLI_NA_DEFAULT;
    s->split = true;
    for (;;) {
        const char *comma = strchr(t, ',');
        size_t n = comma ? (size_t)(comma - t) : strlen(t);
        if (n > 0) {
            if (s->n == NA_MAX) {
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

/* cli_is_missing() with the tokens of l. */
static bool missing(const loader *l, const cli_field *f)
{
    const char *b, *e;
    if (strip(f, &b, &e))
        return true;
    const na_set *s = &l->na;
    if (!s->split)
        return na_listed(l->opts->na ? l->opts->na : CLI_NA_DEFAULT, b, e);
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
 * the loader's scratch. Returns NULL, or why it is refused. */
static const char *utf8_text(loader *l, cli_field *f)
{
    const unsigned char *p = (const unsigned char *)f->ptr;
    if (l->opts->latin1) {
        size_t high = 0;
        for (size_t i = 0; i < f->len; i++)
            high += p[i] >= 0x80;
        if (high == 0)
            return NULL;
        if (reserve(l, f->len + high + 1) != 0)
            return "out of memory";
        char *q = l->scratch;
        for (size_t i = 0; i < f->len; i++) {
            if (p[i] < 0x80) {
                *q++ = (char)p[i];
            } else {
                *q++ = (char)(0xC0 | p[i] >> 6);
                *q++ = (char)(0x80 | (p[i] & 0x3F));
            }
        }
        *q = '\0';
        f->ptr = l->scratch;
        f->len = (size_t)(q - l->scratch);
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

/* Field f of column c, with its second field for "A+B" joined in. */
static const char *field_of(loader *l, const cli_dataset *d, size_t c, const cli_csv *r,
                            cli_field *f)
{
    cli_colspec sp = {d->cols[c].field, d->field2[c], d->op[c]};
    return cli_colspec_text(&sp, r->fields, &l->scratch, &l->scratch_cap, f) == 0
               ? NULL
               : "out of memory";
}

static const char *number(const cli_field *f, double *out)
{
    int rc = cli_parse_double(f, out);
    return rc == CLI_PARSE_OK      ? NULL
           : rc == CLI_PARSE_RANGE ? "is out of the range of a double"
                                   : "is not a finite number";
}

/* Store column col of the current record as row i. Returns NULL or why it
 * is refused; *bad is the field at fault. */
static const char *store(loader *l, cli_dataset *d, size_t c, const cli_csv *r, size_t i,
                         cli_field *bad)
{
    cli_col *col = &d->cols[c];
    const char op = d->op[c];
    cli_field f;
    const char *why = op == '+' ? field_of(l, d, c, r, &f) : NULL;
    if (op != '+')
        f = r->fields[col->field];
    *bad = f;
    if (why)
        return why;
    /* A field that starts and ends with a byte above the blank and whose
     * first byte starts no --na token (a number, mostly) is not missing:
     * missing() would strip nothing and find no token. */
    const cli_field *own = &r->fields[col->field];
    const bool present = op == 0 && l->na.split && own->len > 0 &&
                         (unsigned char)own->ptr[0] > ' ' &&
                         (unsigned char)own->ptr[own->len - 1] > ' ' &&
                         !l->na.first[(unsigned char)own->ptr[0]];
    if (!present && (missing(l, own) || (op != 0 && missing(l, &r->fields[d->field2[c]])))) {
        if (!col->optional_value)
            return blank(&f) ? "empty" : "is a missing value";
        if (col->type == CLI_COL_DOUBLE)
            ((double *)col->values)[i] = NAN;
        else if (col->type == CLI_COL_INSTANT)
            ((int64_t *)col->values)[i] = INT64_MIN;
        else
            return arena_add(d, "", 0, &((size_t *)col->values)[i]) ? "out of memory" : NULL;
        return NULL;
    }
    if (col->type == CLI_COL_STRING) {
        if ((why = utf8_text(l, &f)) != NULL)
            return why;
        return arena_add(d, f.ptr, f.len, &((size_t *)col->values)[i]) ? "out of memory" : NULL;
    }
    if (col->type == CLI_COL_INSTANT) {
        cli_read_instant_opts(&f, &l->opts->time, l->opts->zone, &((int64_t *)col->values)[i],
                              &why);
        return why;
    }
    double *v = &((double *)col->values)[i];
    if ((why = number(&f, v)) != NULL)
        return why;
    if (op == '*') {
        double w;
        *bad = r->fields[d->field2[c]];
        if ((why = number(bad, &w)) != NULL)
            return why;
        *v *= w;
        if (!isfinite(*v))
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

/* One data record into row d->n (cap rows have room). Returns 0, or -1
 * after printing why. */
static int load_row(loader *l, const cli_csv *r, cli_dataset *d, size_t cap)
{
    for (size_t c = 0; c < d->ncols; c++) {
        cli_col *col = &d->cols[c];
        if (col->field < 0)
            continue;
        cli_field f;
        const char *why = store(l, d, c, r, d->n, &f);
        if (why) {
            /* The value as far as 40 bytes, marked when cut for the message. */
            long k = d->field2[c] >= 0 && f.ptr == r->fields[d->field2[c]].ptr ? d->field2[c]
                                                                                : col->field;
            fprintf(stderr, "svcm %s: %s:%llu: column '%s' (field %ld): '", l->cmd, l->path,
                    (unsigned long long)r->rec_line, col->name, k + 1);
            print_value(stderr, &f);
            fprintf(stderr, "' %s\n", why);
            return -1;
        }
    }
    if (d->lines == NULL && d->n == 0) {
        d->line0 = r->rec_line;
    } else if (d->lines == NULL && r->rec_line != d->line0 + d->n) {
        /* The first row off the consecutive lines (after a blank line or a
         * record over several lines): from here on, an array. */
        d->lines = malloc(cap * sizeof *d->lines);
        if (d->lines == NULL) {
            fprintf(stderr, "svcm %s: out of memory\n", l->cmd);
            return -1;
        }
        for (size_t i = 0; i < d->n; i++)
            d->lines[i] = d->line0 + i;
        d->line0 = 0;
    }
    if (d->lines != NULL)
        d->lines[d->n] = r->rec_line;
    d->n++;
    return 0;
}

static void report_csv_error(const char *cmd, const char *path, const cli_csv *r)
{
    fprintf(stderr, "svcm %s: %s:%llu:%llu: %s\n", cmd, path, (unsigned long long)r->error_line,
            (unsigned long long)r->error_col, r->error);
}

/* The header row and every data row. Returns 0, or -1 after printing why. */
static int load_records(loader *l, FILE *in, cli_csv *r, cli_dataset *out)
{
    int rc = cli_csv_next(r);
    if (rc <= 0) {
        if (rc < 0)
            report_csv_error(l->cmd, l->path, r);
        else
            fprintf(stderr, "svcm %s: %s: %s\n", l->cmd, l->path,
                    ferror(in) ? "read error"
                    : l->opts->no_header ? "empty file"
                                         : "empty file (a header row is required)");
        return -1;
    }
    if (find_columns(l, r, out) != 0)
        return -1;
    size_t width = r->nfields, cap = 0;
    bool progress = isatty(STDERR_FILENO) != 0;
    bool first = l->opts->no_header; /* the first record is data */
    while (first || (rc = cli_csv_next(r)) == 1) {
        first = false;
        if (r->nfields == 1 && r->fields[0].len == 0)
            continue; /* blank line */
        if (r->nfields != width) {
            fprintf(stderr, "svcm %s: %s:%llu: expected %zu fields as in the %s, found %zu\n",
                    l->cmd, l->path, (unsigned long long)r->rec_line, width,
                    l->opts->no_header ? "first row" : "header", r->nfields);
            return -1;
        }
        if (grow(out, &cap) != 0) {
            fprintf(stderr, "svcm %s: out of memory\n", l->cmd);
            return -1;
        }
        if (load_row(l, r, out, cap) != 0)
            return -1;
        if (progress && out->n % 1000000 == 0)
            fprintf(stderr, "\rsvcm %s: %s: %zu rows read", l->cmd, l->path, out->n);
    }
    if (progress && out->n >= 1000000)
        fputc('\n', stderr);
    if (rc < 0)
        report_csv_error(l->cmd, l->path, r);
    else if (ferror(in))
        fprintf(stderr, "svcm %s: %s: read error\n", l->cmd, l->path);
    return rc < 0 || ferror(in) ? -1 : 0;
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
    for (size_t c = 0; c < ncols; c++)
        out->field2[c] = -1;
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (in == NULL) {
        fprintf(stderr, "svcm %s: cannot open %s: %s\n", cmd, path, strerror(errno));
        cli_dataset_free(out);
        return -1;
    }
    loader l;
    memset(&l, 0, sizeof l);
    l.cmd = cmd;
    l.path = path;
    l.opts = opts;
    na_init(&l.na, opts);
    cli_csv r;
    int rc = cli_csv_open(&r, in, opts->sep);
    if (opts->whitespace)
        cli_csv_set_whitespace(&r);
    if (rc != 0)
        fprintf(stderr, "svcm %s: out of memory\n", cmd);
    else
        rc = load_records(&l, in, &r, out);
    cli_csv_close(&r);
    free(l.scratch);
    if (in != stdin)
        fclose(in);
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
