/* svcm customers: the customer table of a transaction log (id, time,
 * amount), as Fader, Hardie & Lee (2005) and BTYD summarise one: x = repeat
 * purchases (distinct purchase periods after the first), t_x, T, frequency,
 * monetary, recency, tenure and the mean repeat spend.
 *
 * Memory: the log is read once, row by row, into blocks of CUST_BLOCK rows
 * (customer number, time, amount, line: 32 bytes each) that go into the
 * library's streaming summarizer (svcm_customers_builder_add), which keeps
 * one entry per customer and distinct purchase period; each distinct id
 * keeps its text once. Memory is therefore proportional to the customers
 * and their purchase periods, not to the rows (svcm lifetime, which needs
 * the purchases themselves, asks for the rows to be kept: keep_rows). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_customers.h"
#include "table.h"
#include "csv.h"

/* Times beyond this many seconds from 1970 (about 31.7 million years) are
 * refused, so that day and week arithmetic never overflows. */
#define CUST_MAX_SECONDS INT64_C(1000000000000000)

/* Rows per block fed to the summarizer. */
#define CUST_BLOCK 65536

/* ------------------------------------------------------------ options */

void cust_log_opts_init(cust_log_opts *o)
{
    *o = (cust_log_opts){.id_col = "id",
                         .time_col = "time",
                         .amount_col = "amount",
                         .as_of = INT64_MIN,
                         .period = SVCM_TIME_UNIT_DAY,
                         .unit = SVCM_TIME_UNIT_DAY,
                         .returns = SVCM_SUMMARY_RETURNS_ERROR,
                         .skip_missing_id = false,
                         .keep_rows = false,
                         .read = NULL};
}

svcm_time_unit cust_opt_unit(const cli_args *a, const char *name)
{
    if (strcmp(a->value, "day") == 0)
        return SVCM_TIME_UNIT_DAY;
    if (strcmp(a->value, "week") == 0)
        return SVCM_TIME_UNIT_WEEK;
    cli_usage_error(a, "%s must be day or week, got '%s'", name, a->value);
}

svcm_summary_returns cust_opt_returns(const cli_args *a)
{
    if (strcmp(a->value, "error") == 0)
        return SVCM_SUMMARY_RETURNS_ERROR;
    if (strcmp(a->value, "net") == 0)
        return SVCM_SUMMARY_RETURNS_NET;
    if (strcmp(a->value, "drop") == 0)
        return SVCM_SUMMARY_RETURNS_DROP;
    cli_usage_error(a, "--returns must be net, drop or error, got '%s'", a->value);
}

int64_t cust_opt_as_of(const cli_args *a)
{
    cli_field f = {a->value, strlen(a->value)};
    int64_t t;
    const char *why = NULL;
    if (cli_read_instant(&f, &t, &why) != 0)
        cli_usage_error(a, "--as-of: '%s' %s", a->value, why ? why : "is not an instant");
    if (t < -CUST_MAX_SECONDS || t > CUST_MAX_SECONDS)
        cli_usage_error(a, "--as-of: '%s' is out of range (beyond %lld seconds from 1970)",
                        a->value, (long long)CUST_MAX_SECONDS);
    return t;
}

/* ---------------------------------------------------------- the log */

/* floor(t / 86400) */
static int64_t day_of(int64_t t) { return t >= 0 ? t / 86400 : -((-(t + 1)) / 86400) - 1; }

/* Distinct ids: text in one arena, an open-addressing index over them. */
typedef struct id_map {
    char *arena;
    size_t arena_len, arena_cap;
    size_t *off, n, cap_off; /* arena offset of id k */
    size_t *slots, nslots;   /* k + 1, or 0 for free; nslots a power of two */
} id_map;

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static int map_grow_slots(id_map *m)
{
    size_t ns = m->nslots ? m->nslots * 2 : 1024;
    size_t *slots = ns <= SIZE_MAX / sizeof *slots ? calloc(ns, sizeof *slots) : NULL;
    if (slots == NULL)
        return -1;
    for (size_t k = 0; k < m->n; k++) {
        const char *s = m->arena + m->off[k];
        size_t j = (size_t)hash_bytes(s, strlen(s)) & (ns - 1);
        while (slots[j])
            j = (j + 1) & (ns - 1);
        slots[j] = k + 1;
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = ns;
    return 0;
}

/* The number of id s (added when new), or -1 when out of memory. */
static int64_t map_id(id_map *m, const char *s, size_t len)
{
    if ((m->n + 1) * 2 > m->nslots && map_grow_slots(m) != 0)
        return -1;
    size_t j = (size_t)hash_bytes(s, len) & (m->nslots - 1);
    while (m->slots[j]) {
        const char *t = m->arena + m->off[m->slots[j] - 1];
        if (strlen(t) == len && memcmp(t, s, len) == 0)
            return (int64_t)(m->slots[j] - 1);
        j = (j + 1) & (m->nslots - 1);
    }
    if (m->n == m->cap_off) {
        size_t nc = m->cap_off ? m->cap_off * 2 : 1024;
        size_t *p = nc <= SIZE_MAX / sizeof *p ? realloc(m->off, nc * sizeof *p) : NULL;
        if (p == NULL)
            return -1;
        m->off = p;
        m->cap_off = nc;
    }
    if (m->arena_len + len + 1 > m->arena_cap) {
        size_t nc = m->arena_cap ? m->arena_cap : 4096;
        while (nc < m->arena_len + len + 1)
            nc *= 2;
        char *p = realloc(m->arena, nc);
        if (p == NULL)
            return -1;
        m->arena = p;
        m->arena_cap = nc;
    }
    memcpy(m->arena + m->arena_len, s, len);
    m->arena[m->arena_len + len] = '\0';
    m->off[m->n] = m->arena_len;
    m->arena_len += len + 1;
    m->slots[j] = m->n + 1;
    return (int64_t)m->n++;
}

/* The rows kept for the summarizer. */
typedef struct rows {
    int64_t *id, *time;
    double *value;
    uint64_t *line;
    size_t n, cap;
} rows;

static int rows_push(rows *r, int64_t id, int64_t t, double v, uint64_t line)
{
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 4096;
        int64_t *a = realloc(r->id, nc * sizeof *a);
        if (a)
            r->id = a;
        int64_t *b = a ? realloc(r->time, nc * sizeof *b) : NULL;
        if (b)
            r->time = b;
        double *c = b ? realloc(r->value, nc * sizeof *c) : NULL;
        if (c)
            r->value = c;
        uint64_t *d = c ? realloc(r->line, nc * sizeof *d) : NULL;
        if (d == NULL)
            return -1;
        r->line = d;
        r->cap = nc;
    }
    r->id[r->n] = id;
    r->time[r->n] = t;
    r->value[r->n] = v;
    r->line[r->n] = line;
    r->n++;
    return 0;
}

static void rows_free(rows *r)
{
    free(r->id);
    free(r->time);
    free(r->value);
    free(r->line);
}

/* Where the rows go: blocks into the streaming summarizer, and every row
 * when the caller keeps them. The line of any row fed so far is kept as
 * runs (row, line) that start wherever the line stops following the row
 * (a header, blank or multi-line records, rows left out), for the errors
 * the summarizer reports at the end. */
typedef struct log_sink {
    svcm_customers_builder *b;
    rows block;  /* at most CUST_BLOCK rows not yet fed */
    rows all;    /* every row, with keep_rows */
    bool keep;
    uint64_t fed; /* rows fed or in the block */
    uint64_t (*runs)[2];
    size_t nruns, cap_runs;
} log_sink;

static void sink_free(log_sink *s)
{
    svcm_customers_builder_free(s->b);
    rows_free(&s->block);
    rows_free(&s->all);
    free(s->runs);
}

/* The line of fed row i. */
static uint64_t sink_line(const log_sink *s, uint64_t i)
{
    size_t lo = 0, hi = s->nruns; /* the last run starting at or before i */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->runs[mid][0] <= i)
            lo = mid;
        else
            hi = mid;
    }
    return s->nruns ? s->runs[lo][1] + (i - s->runs[lo][0]) : 0;
}

/* The byte column where field k of the current record starts, counting the
 * fields before it as written unquoted (exact for unquoted records). */
static uint64_t field_column(const cli_csv *r, long k)
{
    uint64_t col = 1;
    for (long i = 0; i < k; i++)
        col += r->fields[i].len + 1;
    return col;
}

typedef struct log_reader {
    const char *cmd, *path;
    const cust_log_opts *o;
    const cli_read_opts *ro; /* never NULL */
    cli_csv csv;
    long f_id, f_time, f_amount;
    cli_colspec s_time, s_amount; /* time may be DATE+TIME, amount A*B */
    size_t width;
    char *text; /* an id converted from Latin-1 */
    size_t text_cap;
    char *joined; /* a DATE+TIME field */
    size_t joined_cap;
} log_reader;

/* The columns of a field: a header name (or, without a header, a number
 * 1..N), or two columns combined (A+B for the time, A*B for the amount). */
static int find_column(log_reader *lr, const char *field, const char *name, cli_colspec *out)
{
    const cli_csv *r = &lr->csv;
    int rc = cli_colspec_find(lr->cmd, lr->path, lr->ro, r->fields, r->nfields, name, out);
    if (rc == -1 && lr->ro->no_header)
        fprintf(stderr,
                "svcm %s: %s:1: %s: without a header, columns are numbers 1..%zu, not '%s'\n",
                lr->cmd, lr->path, field, r->nfields, name);
    else if (rc == -1)
        fprintf(stderr, "svcm %s: %s:1: %s: no column named '%s' in the header\n", lr->cmd,
                lr->path, field, name);
    else if (rc == 0 && out->op != 0 &&
             (strcmp(field, "id") == 0 || (out->op == '*') != (strcmp(field, "amount") == 0))) {
        fprintf(stderr, "svcm %s: %s:1: %s: '%s': only the amount may be A*B and only the "
                "time A+B\n", lr->cmd, lr->path, field, name);
        rc = -1;
    }
    return rc == 0 ? 0 : -1;
}

/* "svcm CMD: FILE:LINE:COLUMN: FIELD: message" for field k of the record. */
static int field_error(const log_reader *lr, long k, const char *field, const char *fmt, ...)
    CLI_PRINTF(4, 5);
static int field_error(const log_reader *lr, long k, const char *field, const char *fmt, ...)
{
    const cli_csv *r = &lr->csv;
    fprintf(stderr, "svcm %s: %s:%llu:%llu: %s: ", lr->cmd, lr->path,
            (unsigned long long)r->rec_line, (unsigned long long)field_column(r, k), field);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_EXIT_DATA;
}

/* One data record. Returns 0 or an exit code. */
static int sink_push(log_reader *lr, log_sink *s, const id_map *m, int64_t k, int64_t t,
                     double v, uint64_t line);

static int read_row(log_reader *lr, id_map *m, log_sink *rw, cust_log *out, int64_t as_of_day)
{
    const cli_csv *r = &lr->csv;
    const cust_log_opts *o = lr->o;
    if (r->nfields != lr->width) {
        fprintf(stderr, "svcm %s: %s:%llu: expected %zu fields as in the header, found %zu\n",
                lr->cmd, lr->path, (unsigned long long)r->rec_line, lr->width, r->nfields);
        return CLI_EXIT_DATA;
    }
    out->rows++;
    const cli_field *fid = &r->fields[lr->f_id], *fa = &r->fields[lr->f_amount];
    cli_field joined;
    if (cli_colspec_text(&lr->s_time, r->fields, &lr->joined, &lr->joined_cap, &joined) != 0) {
        fprintf(stderr, "svcm %s: out of memory\n", lr->cmd);
        return CLI_EXIT_DATA;
    }
    const cli_field *ft = &joined;
    size_t lead = strspn(fid->ptr, " \t"), len = fid->len - lead;
    while (len > 0 && (fid->ptr[lead + len - 1] == ' ' || fid->ptr[lead + len - 1] == '\t'))
        len--;
    if (cli_is_missing(lr->ro, fid)) {
        if (o->skip_missing_id) {
            out->missing_id++;
            return 0;
        }
        return field_error(lr, lr->f_id, "id",
                           "missing customer id ('%.40s'; --skip-missing-id skips and counts "
                           "such rows)",
                           fid->ptr);
    }
    int64_t t;
    const char *why = NULL;
    if (cli_read_instant_opts(ft, &lr->ro->time, lr->ro->zone, &t, &why) != 0)
        return field_error(lr, lr->f_time, "time", "'%.40s' %s", ft->ptr,
                           why ? why : "is not an instant");
    if (t < -CUST_MAX_SECONDS || t > CUST_MAX_SECONDS)
        return field_error(lr, lr->f_time, "time",
                           "'%.40s' is out of range (beyond 1e15 seconds from 1970)", ft->ptr);
    double v;
    int prc = cli_parse_double(fa, &v);
    long bad = lr->f_amount;
    if (prc == CLI_PARSE_OK && lr->s_amount.op == '*') { /* quantity * unit price */
        double w;
        fa = &r->fields[lr->s_amount.field2];
        bad = lr->s_amount.field2;
        prc = cli_parse_double(fa, &w);
        v *= w;
        if (prc == CLI_PARSE_OK && !isfinite(v))
            prc = CLI_PARSE_RANGE;
    }
    if (prc != CLI_PARSE_OK)
        return field_error(lr, bad, "amount", "'%.40s' %s", fa->ptr,
                           prc == CLI_PARSE_RANGE ? "is out of the range of a double"
                                                  : "is not a finite number");
    if (day_of(t) > as_of_day) {
        out->after_as_of++;
        return 0;
    }
    if (v < 0.0) {
        if (o->returns == SVCM_SUMMARY_RETURNS_ERROR)
            return field_error(lr, lr->f_amount, "amount",
                               "'%.40s' is a return (negative amount): choose --returns net "
                               "or --returns drop",
                               fa->ptr);
        out->returns++;
    }
    const char *id = fid->ptr + lead;
    for (size_t q = 0; !lr->ro->latin1 && q < len;) {
        int n = cli_utf8_sequence((const unsigned char *)id + q);
        if (n < 0)
            return field_error(lr, lr->f_id, "id",
                               "not valid UTF-8 (byte %zu); for a Latin-1 file use "
                               "--encoding latin-1",
                               lead + q + 1);
        q += (size_t)n;
    }
    if (lr->ro->latin1) { /* each byte is a code point: 1 or 2 bytes of UTF-8 */
        if (2 * len + 1 > lr->text_cap) {
            char *p = realloc(lr->text, 2 * len + 1);
            if (p == NULL) {
                fprintf(stderr, "svcm %s: out of memory\n", lr->cmd);
                return CLI_EXIT_DATA;
            }
            lr->text = p;
            lr->text_cap = 2 * len + 1;
        }
        size_t u = 0;
        for (size_t q = 0; q < len; q++) {
            unsigned char c = (unsigned char)id[q];
            if (c < 0x80) {
                lr->text[u++] = (char)c;
            } else {
                lr->text[u++] = (char)(0xC0 | (c >> 6));
                lr->text[u++] = (char)(0x80 | (c & 0x3F));
            }
        }
        id = lr->text;
        len = u;
    }
    int64_t k = map_id(m, id, len);
    if (k < 0) {
        fprintf(stderr, "svcm %s: out of memory\n", lr->cmd);
        return CLI_EXIT_DATA;
    }
    return sink_push(lr, rw, m, k, t, v, r->rec_line);
}

/* The header and every row. Returns 0 or an exit code. */
static int read_rows(log_reader *lr, FILE *in, id_map *m, log_sink *rw, cust_log *out)
{
    const cust_log_opts *o = lr->o;
    cli_csv *r = &lr->csv;
    int rc = cli_csv_next(r);
    if (rc <= 0) {
        if (rc < 0)
            fprintf(stderr, "svcm %s: %s:%llu:%llu: %s\n", lr->cmd, lr->path,
                    (unsigned long long)r->error_line, (unsigned long long)r->error_col, r->error);
        else
            fprintf(stderr, "svcm %s: %s: %s\n", lr->cmd, lr->path,
                    ferror(in) ? "read error" : "empty file (a header row is required)");
        return CLI_EXIT_DATA;
    }
    cli_colspec sid;
    if (find_column(lr, "id", o->id_col, &sid) != 0 ||
        find_column(lr, "time", o->time_col, &lr->s_time) != 0 ||
        find_column(lr, "amount", o->amount_col, &lr->s_amount) != 0)
        return CLI_EXIT_DATA;
    lr->f_id = sid.field;
    lr->f_time = lr->s_time.field;
    lr->f_amount = lr->s_amount.field;
    lr->width = r->nfields;
    int64_t as_of_day = day_of(o->as_of);
    if (lr->ro->no_header) { /* the first record is data */
        int code = read_row(lr, m, rw, out, as_of_day);
        if (code != 0)
            return code;
    }
    while ((rc = cli_csv_next(r)) == 1) {
        if (r->nfields == 1 && r->fields[0].len == 0)
            continue; /* blank line */
        int code = read_row(lr, m, rw, out, as_of_day);
        if (code != 0)
            return code;
    }
    if (rc < 0) {
        fprintf(stderr, "svcm %s: %s:%llu:%llu: %s\n", lr->cmd, lr->path,
                (unsigned long long)r->error_line, (unsigned long long)r->error_col, r->error);
        return CLI_EXIT_DATA;
    }
    if (ferror(in)) {
        fprintf(stderr, "svcm %s: %s: read error\n", lr->cmd, lr->path);
        return CLI_EXIT_DATA;
    }
    return 0;
}

/* A summarizer failure in the file's terms: "FILE:LINE: FIELD: customer
 * 'ID': message" when it names a row (the library's message starts with
 * "customer K: ", K the customer number here). */
static int summary_error(const log_reader *lr, const log_sink *s, const id_map *m, int rc,
                         const svcm_error *err, bool in_block)
{
    const char *msg = err->message, *field = err->field;
    long long k = -1;
    if (strncmp(msg, "customer ", 9) == 0) {
        char *end = NULL;
        k = strtoll(msg + 9, &end, 10);
        if (end != NULL && strncmp(end, ": ", 2) == 0)
            msg = end + 2;
        else
            k = -1, msg = err->message;
    }
    if (err->index != SVCM_NO_INDEX && in_block) { /* index: a row of the block */
        k = s->block.id[err->index];
        fprintf(stderr, "svcm %s: %s:%llu: ", lr->cmd, lr->path,
                (unsigned long long)s->block.line[err->index]);
    } else if (err->index != SVCM_NO_INDEX && k >= 0 && (size_t)k < m->n) {
        fprintf(stderr, "svcm %s: %s:%llu: ", lr->cmd, lr->path,
                (unsigned long long)sink_line(s, err->index));
    } else {
        fprintf(stderr, "svcm %s: %s: %s\n", lr->cmd, lr->path,
                err->message[0] ? err->message : svcm_strerror(rc));
        return CLI_EXIT_DATA;
    }
    fprintf(stderr, "%s: customer '%s': %s\n",
            field && strcmp(field, "value") == 0 ? "amount"
            : field                              ? field
                                                 : "?",
            m->arena + m->off[k], msg);
    return CLI_EXIT_DATA;
}

/* Feed the block to the summarizer. Returns 0 or an exit code. */
static int sink_flush(const log_reader *lr, log_sink *s, const id_map *m)
{
    svcm_error err;
    int rc = svcm_customers_builder_add(s->b, s->block.id, s->block.time, s->block.value,
                                        s->block.n, &err);
    if (rc != SVCM_OK)
        return summary_error(lr, s, m, rc, &err, true);
    s->block.n = 0;
    return 0;
}

static int sink_push(log_reader *lr, log_sink *s, const id_map *m, int64_t k, int64_t t,
                     double v, uint64_t line)
{
    uint64_t i = s->fed;
    if (s->nruns == 0 || sink_line(s, i) != line) {
        if (s->nruns == s->cap_runs) {
            size_t nc = s->cap_runs ? s->cap_runs * 2 : 64;
            uint64_t(*p)[2] = realloc(s->runs, nc * sizeof *p);
            if (p == NULL)
                goto oom;
            s->runs = p;
            s->cap_runs = nc;
        }
        s->runs[s->nruns][0] = i;
        s->runs[s->nruns][1] = line;
        s->nruns++;
    }
    if ((s->keep && rows_push(&s->all, k, t, v, line) != 0) ||
        rows_push(&s->block, k, t, v, line) != 0)
        goto oom;
    s->fed++;
    return s->block.n == CUST_BLOCK ? sink_flush(lr, s, m) : 0;
oom:
    fprintf(stderr, "svcm %s: out of memory\n", lr->cmd);
    return CLI_EXIT_DATA;
}

/* The summarizer's options for the log, and the slot geometry in out. */
static void log_builder_options(const cust_log_opts *o, cust_log *out,
                                svcm_customers_builder_options *bo)
{
    svcm_customers_builder_options_init(bo);
    out->slot_seconds = (int64_t)svcm_time_unit_seconds((int)o->period);
    /* ISO weeks: the slots start on Mondays, 1970-01-05 being one */
    out->slot_offset = o->period == SVCM_TIME_UNIT_WEEK ? 4 * 86400 : 0;
    bo->summary.granularity = out->slot_seconds;
    bo->summary.offset = out->slot_offset;
    bo->summary.period = svcm_time_unit_seconds((int)o->unit);
    bo->summary.returns = o->returns;
    bo->end = day_of(o->as_of) * 86400;
}

/* The table of the rows fed; its failures in the file's terms. */
static int summarize(const log_reader *lr, log_sink *s, const id_map *m, cust_log *out)
{
    int code = s->block.n ? sink_flush(lr, s, m) : 0;
    if (code != 0)
        return code;
    svcm_error err;
    int rc = svcm_customers_builder_finish(s->b, NULL, &out->table, &err);
    return rc == SVCM_OK ? 0 : summary_error(lr, s, m, rc, &err, false);
}

int cust_log_read(const char *cmd, const char *path, const cust_log_opts *o, cust_log *out)
{
    memset(out, 0, sizeof *out);
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (in == NULL) {
        fprintf(stderr, "svcm %s: cannot open %s: %s\n", cmd, path, strerror(errno));
        return CLI_EXIT_DATA;
    }
    cli_read_opts defaults;
    cli_read_opts_init(&defaults);
    log_reader lr = {.cmd = cmd, .path = path, .o = o, .ro = o->read ? o->read : &defaults};
    id_map m = {0};
    log_sink rw = {.keep = o->keep_rows};
    svcm_customers_builder_options bo;
    log_builder_options(o, out, &bo);
    int code = CLI_EXIT_DATA;
    svcm_error err;
    int rc = svcm_customers_builder_new(&bo, NULL, &rw.b, &err);
    if (rc != SVCM_OK) {
        fprintf(stderr, "svcm %s: %s\n", cmd, err.message[0] ? err.message : svcm_strerror(rc));
    } else if (cli_csv_open(&lr.csv, in, lr.ro->sep) != 0) {
        fprintf(stderr, "svcm %s: out of memory\n", cmd);
    } else {
        if (lr.ro->whitespace)
            cli_csv_set_whitespace(&lr.csv);
        code = read_rows(&lr, in, &m, &rw, out);
    }
    cli_csv_close(&lr.csv);
    free(lr.text);
    free(lr.joined);
    if (in != stdin)
        fclose(in);
    if (code == 0)
        code = summarize(&lr, &rw, &m, out);
    if (code == 0 && out->table->n == 0) {
        char day[32];
        cli_format_instant(day_of(o->as_of) * 86400, day, sizeof day);
        fprintf(stderr,
                "svcm %s: %s: no purchase up to --as-of %.10s (%llu rows read, %llu after it)\n",
                cmd, path, day, (unsigned long long)out->rows,
                (unsigned long long)out->after_as_of);
        code = CLI_EXIT_DATA;
    }
    free(m.slots);
    if (code != 0) {
        sink_free(&rw);
        svcm_customers_free(out->table);
        free(m.arena);
        free(m.off);
        memset(out, 0, sizeof *out);
        return code;
    }
    out->arena = m.arena;
    out->id_off = m.off;
    out->n_ids = m.n;
    out->no_purchase = m.n - out->table->n;
    free(rw.all.line);
    out->row_id = rw.all.id;
    out->row_time = rw.all.time;
    out->row_value = rw.all.value;
    out->n_rows = rw.all.n;
    rw.all = (rows){0};
    sink_free(&rw);
    return 0;
}

void cust_log_free(cust_log *l)
{
    svcm_customers_free(l->table);
    free(l->arena);
    free(l->id_off);
    free(l->row_id);
    free(l->row_time);
    free(l->row_value);
    memset(l, 0, sizeof *l);
}

const char *cust_log_id(const cust_log *l, size_t i)
{
    return l->arena + l->id_off[l->table->id[i]];
}

static const char *unit_name(svcm_time_unit u) { return u == SVCM_TIME_UNIT_WEEK ? "week" : "day"; }

static const char *returns_name(svcm_summary_returns r)
{
    return r == SVCM_SUMMARY_RETURNS_NET    ? "net"
           : r == SVCM_SUMMARY_RETURNS_DROP ? "drop"
                                            : "error";
}

void cust_log_report(const char *cmd, const char *path, const cust_log *l, const cust_log_opts *o)
{
    char day[32];
    cli_format_instant(day_of(o->as_of) * 86400, day, sizeof day);
    fprintf(stderr,
            "svcm %s: %s: %llu rows: %llu after --as-of %.10s left out, %llu without id "
            "skipped, %llu returns (%s); %zu customers",
            cmd, path, (unsigned long long)l->rows, (unsigned long long)l->after_as_of, day,
            (unsigned long long)l->missing_id, (unsigned long long)l->returns,
            o->returns == SVCM_SUMMARY_RETURNS_DROP  ? "dropped"
            : o->returns == SVCM_SUMMARY_RETURNS_NET ? "netted"
                                                     : "refused",
            l->table ? l->table->n : 0);
    if (l->no_purchase)
        fprintf(stderr, ", %zu more left without a purchase by their returns", l->no_purchase);
    fputc('\n', stderr);
}

/* ------------------------------------------------------------ output */

typedef struct cust_opts {
    cli_common c;
    cust_log_opts log;
    const char *file;
    bool unit_given;
} cust_opts;

/* The number columns of the table and their widths in text. */
static const char *const col_keys[] = {"x",        "t_x",     "T",      "frequency",
                                       "monetary", "recency", "tenure", "mean_repeat_spend"};
static const int col_widths[] = {5, 8, 8, 9, 11, 8, 8, 17};

/* Start of the period k periods before the as-of period, as a date. */
static void period_date(const cust_log *l, const cust_log_opts *o, double back, char out[16])
{
    int64_t g = l->slot_seconds, off = l->slot_offset;
    int64_t end = day_of(o->as_of) * 86400 - off;
    int64_t end_slot = end >= 0 ? end / g : -((-(end + 1)) / g) - 1;
    int64_t slot = end_slot - (int64_t)llround(back);
    char buf[32];
    cli_format_instant(slot * g + off, buf, sizeof buf);
    snprintf(out, 16, "%.10s", buf);
}

static void write_row(FILE *f, cli_format fmt, const cust_log *l, const cust_log_opts *o, size_t i,
                      int w)
{
    const svcm_customers *c = l->table;
    double ratio = svcm_time_unit_seconds((int)o->unit) / (double)l->slot_seconds;
    char first[16], last[16];
    period_date(l, o, c->T[i] * ratio, first);
    period_date(l, o, (c->T[i] - c->t_x[i]) * ratio, last);
    const double v[] = {c->x[i],        c->t_x[i],     c->T[i],      c->frequency[i],
                        c->monetary[i], c->recency[i], c->tenure[i], c->mean_repeat_spend[i]};
    static const int dec[] = {0, 2, 2, 0, 2, 2, 2, 2};
    char num[CLI_NUM_SIZE];
    const char *id = cust_log_id(l, i);
    if (fmt == CLI_TEXT)
        fprintf(f, "%-*s  %-14s  %-13s", w, id, first, last);
    else if (fmt == CLI_CSV) {
        cli_write_csv_string(f, id);
        fprintf(f, ",%s,%s", first, last);
    } else {
        fputs(i ? ",\n {\"id\": " : "\n {\"id\": ", f);
        cli_write_json_string(f, id);
        fprintf(f, ", \"first_purchase\": \"%s\", \"last_purchase\": \"%s\"", first, last);
    }
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        cli_format_number(num, v[k], dec[k], fmt);
        if (fmt == CLI_TEXT)
            fprintf(f, "  %*s", col_widths[k], num);
        else if (fmt == CLI_CSV)
            fprintf(f, ",%s", num);
        else
            fprintf(f, ", \"%s\": %s", col_keys[k], num[0] ? num : "null");
    }
    fputs(fmt == CLI_CSV ? "\r\n" : fmt == CLI_TEXT ? "\n" : "}", f);
}

static int write_table(const cust_opts *o, const cust_log *l)
{
    cli_out out;
    if (cli_out_open(&out, "customers", o->c.output) != 0)
        return CLI_EXIT_DATA;
    FILE *f = out.f;
    const svcm_customers *c = l->table;
    cli_format fmt = o->c.format;
    int w = 2;
    for (size_t i = 0; i < c->n && fmt == CLI_TEXT; i++) {
        size_t len = strlen(cust_log_id(l, i));
        if (len > (size_t)w)
            w = len > 200 ? 200 : (int)len;
    }
    if (fmt == CLI_TEXT) {
        fprintf(f, "Customers (purchases merged per %s; t_x, T, recency, tenure in %ss)\n",
                unit_name(o->log.period), unit_name(o->log.unit));
        fprintf(f, "%-*s  %-14s  %-13s", w, "id", "first_purchase", "last_purchase");
        for (size_t k = 0; k < sizeof col_keys / sizeof col_keys[0]; k++)
            fprintf(f, "  %*s", col_widths[k], col_keys[k]);
        fputc('\n', f);
    } else if (fmt == CLI_CSV)
        fputs("id,first_purchase,last_purchase,x,t_x,T,frequency,monetary,recency,tenure,"
              "mean_repeat_spend\r\n",
              f);
    else
        fprintf(f, "{\"period\": \"%s\", \"unit\": \"%s\", \"customers\": [",
                unit_name(o->log.period), unit_name(o->log.unit));
    for (size_t i = 0; i < c->n; i++)
        write_row(f, fmt, l, &o->log, i, w);
    if (fmt == CLI_JSON)
        fprintf(f,
                "%s],\n\"report\": {\"rows\": %llu, \"after_as_of\": %llu, \"missing_id\": %llu, "
                "\"returns\": %llu, \"returns_rule\": \"%s\", \"customers\": %zu, "
                "\"left_without_purchase\": %zu}}\n",
                c->n ? "\n" : "", (unsigned long long)l->rows, (unsigned long long)l->after_as_of,
                (unsigned long long)l->missing_id, (unsigned long long)l->returns,
                returns_name(o->log.returns), c->n, l->no_purchase);
    return cli_out_commit(&out) == 0 ? CLI_EXIT_OK : CLI_EXIT_DATA;
}

static const char customers_help[] =
    "usage: svcm customers TRANSACTIONS.csv --as-of DATE [--col id=COLUMN]\n"
    "                      [--col time=COLUMN] [--col amount=COLUMN] [--period day|week]\n"
    "                      [--unit day|week] [--returns net|drop|error] [--skip-missing-id]\n"
    "                      [--format text|csv|json] [--output FILE]\n"
    "\n"
    "The customer table of a transaction log (one row per purchase: customer id,\n"
    "time, amount), as Fader, Hardie & Lee (2005) and BTYD summarise one: per\n"
    "customer, in order of first appearance in the file,\n"
    "  first_purchase, last_purchase  dates that start the first and the last\n"
    "                     purchase period (the Monday for --period week)\n"
    "  x                  repeat purchases: distinct purchase periods minus one\n"
    "                     (purchases in one period are one, worth their sum)\n"
    "  t_x, T             first to last purchase period, first purchase period to\n"
    "                     the --as-of period, in --unit\n"
    "  frequency          x + 1 (the first purchase included)\n"
    "  monetary           total of the purchases up to --as-of\n"
    "  recency, tenure    T - t_x and T\n"
    "  mean_repeat_spend  mean value of the repeat purchases (0 when x = 0)\n"
    "\n" CUST_LOG_HELP CLI_FORMAT_HELP CLI_OUTPUT_HELP
    "\n"
    "What was left out (rows after --as-of, rows without id, returns) is reported on\n"
    "standard error, and in JSON under \"report\". A customer whose rows are all\n"
    "after --as-of is not in the table. The log is read once, in blocks of 65536\n"
    "rows: memory grows with the customers and their distinct purchase periods\n"
    "(about 56 bytes per customer and period, plus each id's text), not with the\n"
    "rows.\n"
    "\n" CLI_INSTANT_HELP;

static bool cust_parse(cli_args *a, cust_opts *o)
{
    while (a->i < a->argc) {
        if (cli_flag(a, "--help") || cli_flag(a, "-h"))
            return true;
        else if (!cust_log_opt(a, &o->log, true, &o->unit_given))
            cli_common_or_file(a, &o->c, &o->file);
    }
    return false;
}

bool cust_log_opt(cli_args *a, cust_log_opts *o, bool as_of, bool *unit_given)
{
    if (as_of && cli_opt(a, "--as-of"))
        o->as_of = cust_opt_as_of(a);
    else if (cli_opt(a, "--period"))
        o->period = cust_opt_unit(a, "--period");
    else if (cli_opt(a, "--unit")) {
        o->unit = cust_opt_unit(a, "--unit");
        *unit_given = true;
    } else if (cli_opt(a, "--returns"))
        o->returns = cust_opt_returns(a);
    else if (cli_flag(a, "--skip-missing-id"))
        o->skip_missing_id = true;
    else
        return false;
    return true;
}

int cli_cmd_customers(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL, "customers"};
    cust_opts o = {0};
    cli_common_init(&o.c, "customers");
    cust_log_opts_init(&o.log);
    int code = CLI_EXIT_OK;
    if (cust_parse(&a, &o)) {
        cli_puts(customers_help);
        cli_puts("\n" CLI_READ_HELP);
    } else {
        o.log.read = &o.c.read;
        if (o.file == NULL)
            cli_usage_error(&a, "no input file");
        if (o.log.as_of == INT64_MIN)
            cli_usage_error(&a, "--as-of DATE is required (the end of observation)");
        if (o.c.svg)
            cli_usage_error(&a, "--svg is not available for customers");
        cli_common_check(&a, &o.c);
        if (!o.unit_given)
            o.log.unit = o.log.period;
        o.log.id_col = cli_colname(&o.c, "id");
        o.log.time_col = cli_colname(&o.c, "time");
        o.log.amount_col = cli_colname(&o.c, "amount");
        cust_log l;
        code = cust_log_read("customers", o.file, &o.log, &l);
        if (code == 0) {
            cust_log_report("customers", o.file, &l, &o.log);
            code = write_table(&o, &l);
            cust_log_free(&l);
        }
    }
    cli_common_free(&o.c);
    return code;
}
