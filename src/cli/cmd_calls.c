/* svcm calls: per-contact call logs to interval reports (svcm/calls.h). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "svcm/calls.h"

static const char calls_help[] =
    "usage: svcm calls LOG --interval DURATION [--col FIELD=COLUMN ...]\n"
    "                  [--answered VALUES] [--abandoned VALUES] [--target DURATION]\n"
    "                  [--short-abandon DURATION] [--sl-abandoned ignore|against|met]\n"
    "                  [--tolerance DURATION] [--invalid error|skip]\n"
    "                  [--by channel|skill|agent] [--format text|csv|json] [--output FILE]\n"
    "\n"
    "Interval report of a call log with one row per contact: offered, answered,\n"
    "abandoned, short abandons, other, service level, ASA, AHT, longest wait,\n"
    "abandonment rate and the mean patience estimated from abandonment, per\n"
    "interval of the arrival time (and per group with --by), then the totals\n"
    "(per group with --by, then every contact in a row whose group is \"all\").\n"
    "\n"
    "Columns (rename with --col FIELD=COLUMN): arrival (required), queue_start,\n"
    "queue_end, service_start, service_end (optional columns; an empty value is\n"
    "absent), outcome (required); channel, skill or agent for --by. Times are\n"
    "instants (see INSTANT below), whole seconds.\n"
    "\n"
    "  --interval D       report interval, e.g. 1800, 30m, 1h, 1d (whole seconds,\n"
    "                     1 s to 366 d); intervals start at multiples of D from\n"
    "                     1970-01-01T00:00:00Z and hold the contacts that arrive in them\n"
    "  --answered VALUES  comma-separated outcome values of answered contacts\n"
    "                     (default: answered)\n"
    "  --abandoned VALUES comma-separated outcome values of abandoned contacts\n"
    "                     (default: abandoned); any other value counts as other\n"
    "  --target D         service-level threshold T (default 20 s)\n"
    "  --short-abandon D  abandons with a wait under D are short (default 5 s; 0: none)\n"
    "                     and are left out of the service level\n"
    "  --sl-abandoned H   how abandons enter the service level (default against):\n"
    "                     ignore  = answered within T / answered\n"
    "                     against = answered within T / (answered + abandoned)\n"
    "                     met     = (answered + abandoned within T) / (answered +\n"
    "                               abandoned): early abandons count as met\n"
    "  --asa H            answered (default): asa_s is the mean wait of the answered\n"
    "                     contacts; all: of every offered contact, abandoned ones up\n"
    "                     to when they hung up (some ACDs report this as ASA)\n"
    "  --tolerance D      instants out of order by at most D (clock skew and rounding\n"
    "                     between the systems that stamp a call) count as equal: the\n"
    "                     later field is raised to the earlier (default 0)\n"
    "  --invalid H        a contact with instants out of order or missing what its\n"
    "                     outcome needs: error (default) stops at it naming\n"
    "                     FILE:LINE:COLUMN; skip leaves it out and adds a table of the\n"
    "                     skipped rows by field (count, first line, reason)\n"
    "  --by G             one row per interval and value of column G (channel, skill\n"
    "                     or agent)\n";
/* The options every command takes, and the reading options. */
static const char calls_help_common[] =
    CLI_COL_HELP CLI_FORMAT_HELP CLI_OUTPUT_HELP "\n" CLI_READ_HELP;
/* In parts: ISO C caps a string literal at 4095 bytes. */
static const char calls_help_conventions[] =
    "\n"
    "Conventions (ICMI, \"Service Level Calculations\"): offered = answered +\n"
    "abandoned (other outcomes are counted, not offered). The wait runs from\n"
    "queue_start (or arrival) to queue_end (or, when answered, service_start);\n"
    "within T means wait <= T. ASA is the mean wait of the answered, AHT their\n"
    "mean service_end - service_start. Abandonment rate = abandoned / offered;\n"
    "abandon_rate_excl_short leaves short abandons out of both. Mean patience =\n"
    "total wait of the offered / abandoned (the inverse of the hazard estimate\n"
    "abandoned / total wait; Mandelbaum and Zeltyn). A ratio with a zero\n"
    "denominator is empty (null in JSON). An answered contact needs service_start\n"
    "and service_end, an abandoned one queue_end and no service times; times out\n"
    "of order (queue_end before queue_start, service_start before the queue exit,\n"
    "...) are an error naming FILE:LINE:COLUMN and the field (the byte column of\n"
    "the field, exact for unquoted fields).\n"
    "\n" CLI_INSTANT_HELP;

/* One report cell: an interval (or INT64_MIN for a total) and a group. */
typedef struct calls_cell {
    int64_t start;
    char *group;
    svcm_calls *acc;
} calls_cell;

/* Cells in arrival order plus an open-addressing index (slot = cell + 1). */
typedef struct calls_map {
    calls_cell *v;
    size_t n, cap;
    size_t *slots;
    size_t nslots; /* a power of two, kept at least twice n */
} calls_map;

static uint64_t cell_hash(int64_t start, const char *group)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)start;
    h *= 1099511628211ull;
    for (const unsigned char *p = (const unsigned char *)group; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

static void map_free(calls_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].group);
        svcm_calls_free(m->v[i].acc);
    }
    free(m->v);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static int map_rehash(calls_map *m, size_t nslots)
{
    size_t *s = calloc(nslots, sizeof *s);
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < m->n; i++) {
        size_t k = (size_t)cell_hash(m->v[i].start, m->v[i].group) & (nslots - 1);
        while (s[k])
            k = (k + 1) & (nslots - 1);
        s[k] = i + 1;
    }
    free(m->slots);
    m->slots = s;
    m->nslots = nslots;
    return 0;
}

/* The accumulator of (start, group), made on first use; NULL when out of
 * memory. */
static svcm_calls *map_get(calls_map *m, int64_t start, const char *group,
                           const svcm_calls_options *o)
{
    if (2 * (m->n + 1) > m->nslots && map_rehash(m, m->nslots ? 2 * m->nslots : 64) != 0)
        return NULL;
    size_t k = (size_t)cell_hash(start, group) & (m->nslots - 1);
    while (m->slots[k]) {
        calls_cell *c = &m->v[m->slots[k] - 1];
        if (c->start == start && strcmp(c->group, group) == 0)
            return c->acc;
        k = (k + 1) & (m->nslots - 1);
    }
    if (m->n == m->cap) {
        size_t ncap = m->cap ? 2 * m->cap : 64;
        calls_cell *v = realloc(m->v, ncap * sizeof *v);
        if (v == NULL)
            return NULL;
        m->v = v;
        m->cap = ncap;
    }
    calls_cell c = {start, NULL, NULL};
    size_t glen = strlen(group);
    c.group = malloc(glen + 1);
    if (c.group == NULL)
        return NULL;
    memcpy(c.group, group, glen + 1);
    if (svcm_calls_new(o, NULL, &c.acc, NULL) != SVCM_OK) {
        free(c.group);
        return NULL;
    }
    m->v[m->n] = c;
    m->slots[k] = ++m->n;
    return c.acc;
}

static int cell_cmp(const void *pa, const void *pb)
{
    const calls_cell *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return strcmp(a->group, b->group);
}

/* Fields of a record, in the order of svcm_calls_record, then outcome and group. */
enum { F_ARRIVAL, F_QSTART, F_QEND, F_SSTART, F_SEND, F_OUTCOME, F_GROUP, F_COUNT };
static const char *const field_names[F_COUNT] = {"arrival", "queue_start", "queue_end",
                                                 "service_start", "service_end", "outcome",
                                                 "group"};

/* Rows left out by --invalid skip, by the field at fault. */
typedef struct calls_skip {
    unsigned long long rows[F_COUNT];
    unsigned long long first_line[F_COUNT];
    char reason[F_COUNT][128];
} calls_skip;

typedef struct calls_opts {
    int64_t interval;
    bool skip_invalid;
    bool asa_all; /* --asa all: mean wait over every offered contact */
    const char *by;
    char *answered, *abandoned; /* comma-separated lists (owned copies) */
    svcm_calls_options lib;
    cli_common c;
} calls_opts;

/* Is value (blanks around it ignored) one of the comma-separated list? */
static bool in_list(const char *list, const char *value, size_t len)
{
    while (len > 0 && (value[0] == ' ' || value[0] == '\t')) {
        value++;
        len--;
    }
    while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
        len--;
    for (const char *p = list;;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && memcmp(p, value, len) == 0)
            return true;
        if (end == NULL)
            return false;
        p = end + 1;
    }
}

/* The byte column where field k of the current record starts (exact when
 * the fields before it are unquoted). */
static unsigned long long field_column(const cli_csv *r, long k)
{
    unsigned long long col = 1;
    for (long j = 0; j < k; j++)
        col += r->fields[j].len + 1;
    return col;
}


/* Read the data rows into the map. Returns an exit code. */
static int read_rows(const char *path, cli_csv *r, const cli_colspec *spec, size_t width,
                     const calls_opts *o, calls_map *m, calls_skip *skipped)
{
    int rc = 1;
    long pos[F_COUNT];
    for (int k = 0; k < F_COUNT; k++)
        pos[k] = spec[k].field;
    const cli_read_opts *ro = &o->c.read;
    char *joined = NULL; /* a DATE+TIME field */
    size_t joined_cap = 0;
    int code = CLI_EXIT_DATA;
    bool first = ro->no_header; /* without a header the first record is data */
    while (first || (rc = cli_csv_next(r)) == 1) {
        first = false;
        if (r->nfields == 1 && r->fields[0].len == 0)
            continue; /* blank line */
        unsigned long long line = (unsigned long long)r->rec_line;
        if (r->nfields != width) {
            fprintf(stderr, "svcm calls: %s:%llu: expected %zu fields as in the header, found %zu\n",
                    path, line, width, r->nfields);
            goto done;
        }
        double t[5];
        int64_t arrival = 0;
        for (int k = F_ARRIVAL; k <= F_SEND; k++) {
            t[k] = NAN;
            if (pos[k] < 0)
                continue;
            cli_field text;
            if (cli_colspec_text(&spec[k], r->fields, &joined, &joined_cap, &text) != 0) {
                fprintf(stderr, "svcm calls: out of memory\n");
                goto done;
            }
            const cli_field *f = &text;
            if (cli_colspec_missing(ro, &spec[k], r->fields)) {
                if (k == F_ARRIVAL) {
                    fprintf(stderr, "svcm calls: %s:%llu:%llu: arrival: column '%s' is empty\n",
                            path, line, field_column(r, pos[k]), cli_colname(&o->c, "arrival"));
                    goto done;
                }
                continue;
            }
            int64_t v;
            const char *why = NULL;
            if (cli_read_instant_opts(f, &ro->time, ro->zone, &v, &why) != 0) {
                fprintf(stderr, "svcm calls: %s:%llu:%llu: %s: '%.40s%s' %s\n", path, line,
                        field_column(r, pos[k]), field_names[k], f->ptr,
                        f->len > 40 ? "..." : "", why);
                goto done;
            }
            t[k] = (double)v;
            if (k == F_ARRIVAL)
                arrival = v;
        }
        const cli_field *of = &r->fields[pos[F_OUTCOME]];
        svcm_calls_record rec = {t[0], t[1], t[2], t[3], t[4], SVCM_CALLS_OUTCOME_OTHER};
        if (in_list(o->answered, of->ptr, of->len))
            rec.outcome = SVCM_CALLS_OUTCOME_ANSWERED;
        else if (in_list(o->abandoned, of->ptr, of->len))
            rec.outcome = SVCM_CALLS_OUTCOME_ABANDONED;
        /* The interval: floor(arrival / interval) * interval, on integers. */
        int64_t q = arrival / o->interval;
        if (arrival % o->interval < 0)
            q--;
        const char *group = pos[F_GROUP] >= 0 ? r->fields[pos[F_GROUP]].ptr : "";
        svcm_calls *acc = map_get(m, q * o->interval, group, &o->lib);
        if (acc == NULL) {
            fprintf(stderr, "svcm calls: out of memory\n");
            goto done;
        }
        svcm_error err;
        int lrc = svcm_calls_add(acc, &rec, &err);
        if (lrc != SVCM_OK) {
            int k = F_ARRIVAL;
            while (k < F_GROUP && (err.field == NULL || strcmp(err.field, field_names[k]) != 0))
                k++;
            if (lrc == SVCM_EINVAL && o->skip_invalid && k < F_GROUP) {
                if (skipped->rows[k]++ == 0) {
                    skipped->first_line[k] = line;
                    snprintf(skipped->reason[k], sizeof skipped->reason[k], "%s", err.message);
                }
                continue;
            }
            if (k < F_GROUP && pos[k] >= 0)
                fprintf(stderr, "svcm calls: %s:%llu:%llu: %s: %s\n", path, line,
                        field_column(r, pos[k]), field_names[k], err.message);
            else
                fprintf(stderr, "svcm calls: %s:%llu: %s: %s\n", path, line,
                        err.field ? err.field : "record",
                        err.message[0] ? err.message : svcm_strerror(lrc));
            goto done;
        }
    }
    if (rc < 0) {
        fprintf(stderr, "svcm calls: %s:%llu:%llu: %s\n", path, (unsigned long long)r->error_line,
                (unsigned long long)r->error_col, r->error);
        goto done;
    }
    code = CLI_EXIT_OK;
done:
    free(joined);
    return code;
}

/* Open the log, find the columns, read every row. Returns an exit code. */
static int load_log(const char *path, const calls_opts *o, calls_map *m, calls_skip *skipped)
{
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (in == NULL) {
        fprintf(stderr, "svcm calls: cannot open %s: %s\n", path, strerror(errno));
        return CLI_EXIT_DATA;
    }
    cli_csv r;
    int code = CLI_EXIT_DATA;
    const cli_read_opts *ro = &o->c.read;
    if (cli_csv_open(&r, in, ro->sep) != 0) {
        fprintf(stderr, "svcm calls: out of memory\n");
        goto done;
    }
    if (ro->whitespace)
        cli_csv_set_whitespace(&r);
    int rc = cli_csv_next(&r);
    if (rc <= 0) {
        if (rc < 0)
            fprintf(stderr, "svcm calls: %s:%llu:%llu: %s\n", path,
                    (unsigned long long)r.error_line, (unsigned long long)r.error_col, r.error);
        else
            fprintf(stderr, "svcm calls: %s: %s\n", path,
                    ferror(in) ? "read error" : "empty file (a header row is required)");
        goto close;
    }
    cli_colspec spec[F_COUNT];
    for (int k = 0; k < F_COUNT; k++) {
        spec[k] = (cli_colspec){-1, -1, 0};
        const char *name = k == F_GROUP ? (o->by ? cli_colname(&o->c, o->by) : NULL)
                                        : cli_colname(&o->c, field_names[k]);
        if (name == NULL)
            continue;
        int found = cli_colspec_find("calls", path, ro, r.fields, r.nfields, name, &spec[k]);
        if (found == -2)
            goto close;
        if (found == 0 && spec[k].op != 0 && (spec[k].op != '+' || k > F_SEND)) {
            fprintf(stderr, "svcm calls: %s:1: %s: '%s': only instants may be DATE+TIME\n",
                    path, field_names[k], name);
            goto close;
        }
        if (found != 0 && (k == F_ARRIVAL || k == F_OUTCOME || k == F_GROUP)) {
            fprintf(stderr, "svcm calls: %s:1: no column named '%s' in the header\n", path,
                    name);
            goto close;
        }
        if (found != 0)
            spec[k] = (cli_colspec){-1, -1, 0};
    }
    code = read_rows(path, &r, spec, r.nfields, o, m, skipped);
    if (code == CLI_EXIT_OK && ferror(in)) {
        fprintf(stderr, "svcm calls: %s: read error\n", path);
        code = CLI_EXIT_DATA;
    }
close:
    cli_csv_close(&r);
done:
    if (in != stdin)
        fclose(in);
    return code;
}

static int add_row(cli_table *t, const char *when, const char *group, bool by, bool asa_all,
                   const svcm_calls *acc)
{
    struct svcm_calls_result r;
    svcm_calls_result(acc, &r);
    int rc = cli_table_str(t, when);
    if (by)
        rc |= cli_table_str(t, group);
    rc |= cli_table_int(t, (long long)r.offered);
    rc |= cli_table_int(t, (long long)r.answered);
    rc |= cli_table_int(t, (long long)r.abandoned);
    rc |= cli_table_int(t, (long long)r.abandoned_short);
    rc |= cli_table_int(t, (long long)r.other);
    rc |= cli_table_num(t, r.service_level, 3);
    /* ASA over the answered (their wait), or over every offered contact
     * (abandoned ones up to when they hung up). */
    rc |= cli_table_num(t, asa_all ? (r.offered ? r.wait_total_s / (double)r.offered : NAN)
                                   : r.asa_s,
                        1);
    rc |= cli_table_num(t, r.aht_s, 1);
    rc |= cli_table_num(t, r.longest_wait_s, 0);
    rc |= cli_table_num(t, r.abandon_rate, 3);
    rc |= cli_table_num(t, r.abandon_rate_excl_short, 3);
    rc |= cli_table_num(t, r.mean_patience_s, 1);
    return rc;
}

static const char *const report_cols[] = {
    "interval", "group", "offered", "answered", "abandoned", "short_abandons", "other",
    "service_level", "asa_s", "aht_s", "longest_wait_s", "abandon_rate",
    "abandon_rate_excl_short", "mean_patience_s"};
#define REPORT_NCOLS (sizeof report_cols / sizeof report_cols[0])

/* The intervals table and the totals (per group with --by, then all); with
 * --invalid skip, the skipped rows by field. */
static int report(const calls_opts *o, calls_map *m, const calls_skip *skipped)
{
    bool by = o->by != NULL;
    const char *names[REPORT_NCOLS];
    size_t nc = 0;
    for (size_t k = 0; k < REPORT_NCOLS; k++)
        if (k != 1 || by)
            names[nc++] = k == 1 ? o->by : report_cols[k];
    if (m->n > 1) /* qsort wants a valid pointer even for no elements */
        qsort(m->v, m->n, sizeof *m->v, cell_cmp);
    /* The index is stale after sorting; totals go into a second map. */
    calls_map totals = {0};
    cli_table t, tt;
    static const char *const skip_cols[] = {"field", "rows", "first_line", "reason"};
    cli_table ts;
    int bad = cli_table_init(&t, "Intervals", nc, names) != 0;
    bad |= cli_table_init(&tt, "Totals", nc, names) != 0;
    bad |= cli_table_init(&ts, "Skipped rows (--invalid skip)", 4, skip_cols) != 0;
    for (int k = 0; k < F_GROUP && !bad; k++) {
        if (skipped->rows[k] == 0)
            continue;
        bad |= cli_table_str(&ts, field_names[k]);
        bad |= cli_table_int(&ts, (long long)skipped->rows[k]);
        bad |= cli_table_int(&ts, (long long)skipped->first_line[k]);
        bad |= cli_table_str(&ts, skipped->reason[k]);
    }
    svcm_calls *all = NULL;
    if (!bad && svcm_calls_new(&o->lib, NULL, &all, NULL) != SVCM_OK)
        bad = 1;
    for (size_t i = 0; i < m->n && !bad; i++) {
        char when[40];
        cli_format_instant(m->v[i].start, when, sizeof when);
        bad |= add_row(&t, when, m->v[i].group, by, o->asa_all, m->v[i].acc);
        svcm_calls *g = by ? map_get(&totals, INT64_MIN, m->v[i].group, &o->lib) : NULL;
        if (by && (g == NULL || svcm_calls_merge(g, m->v[i].acc) != SVCM_OK))
            bad = 1;
        if (!bad && svcm_calls_merge(all, m->v[i].acc) != SVCM_OK)
            bad = 1;
    }
    if (totals.n > 1) /* qsort wants a valid pointer even for no elements */
        qsort(totals.v, totals.n, sizeof *totals.v, cell_cmp);
    for (size_t i = 0; i < totals.n && !bad; i++)
        bad |= add_row(&tt, "all", totals.v[i].group, by, o->asa_all, totals.v[i].acc);
    if (!bad)
        bad |= add_row(&tt, "all", "all", by, o->asa_all, all);
    int code = CLI_EXIT_DATA;
    if (bad) {
        fprintf(stderr, "svcm calls: out of memory\n");
    } else {
        cli_table *tables[] = {&t, &tt, &ts};
        static const char *const keys[] = {"intervals", "totals", "skipped"};
        code = cli_emit(&o->c, tables, keys, o->skip_invalid ? 3 : 2);
    }
    svcm_calls_free(all);
    map_free(&totals);
    cli_table_free(&t);
    cli_table_free(&tt);
    cli_table_free(&ts);
    return code;
}

/* A copy of an outcome list (exits 2 when empty or out of memory). */
static char *dup_list(const cli_args *a, const char *value, const char *name)
{
    if (value[0] == '\0')
        cli_usage_error(a, "%s needs at least one value", name);
    size_t n = strlen(value);
    char *s = malloc(n + 1);
    if (s == NULL)
        cli_usage_error(a, "out of memory");
    memcpy(s, value, n + 1);
    return s;
}

int cli_cmd_calls(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL, "calls"};
    calls_opts o;
    memset(&o, 0, sizeof o);
    svcm_calls_options_init(&o.lib);
    cli_common_init(&o.c, "calls");
    const char *file = NULL;
    double interval = NAN;
    while (a.i < argc) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            cli_puts(calls_help);
            cli_puts(calls_help_common);
            cli_puts(calls_help_conventions);
            free(o.answered);
            free(o.abandoned);
            cli_common_free(&o.c);
            return CLI_EXIT_OK;
        } else if (cli_opt(&a, "--interval")) {
            interval = cli_opt_duration(&a, "--interval");
            if (!(interval >= 1 && interval <= 366.0 * 86400) || interval != floor(interval))
                cli_usage_error(&a, "--interval must be whole seconds from 1 s to 366 d");
        } else if (cli_opt(&a, "--answered")) {
            free(o.answered);
            o.answered = dup_list(&a, a.value, "--answered");
        } else if (cli_opt(&a, "--abandoned")) {
            free(o.abandoned);
            o.abandoned = dup_list(&a, a.value, "--abandoned");
        } else if (cli_opt(&a, "--target")) {
            o.lib.target_s = cli_opt_duration(&a, "--target");
        } else if (cli_opt(&a, "--short-abandon")) {
            o.lib.short_abandon_s = cli_opt_duration(&a, "--short-abandon");
        } else if (cli_opt(&a, "--sl-abandoned")) {
            static const char *const h[] = {"ignore", "against", "met"};
            int k = 0;
            while (k < 3 && strcmp(a.value, h[k]) != 0)
                k++;
            if (k == 3)
                cli_usage_error(&a, "--sl-abandoned: '%s' is not ignore, against or met",
                                a.value);
            o.lib.sl_abandoned = (svcm_calls_sl)k;
        } else if (cli_opt(&a, "--asa")) {
            if (strcmp(a.value, "answered") != 0 && strcmp(a.value, "all") != 0)
                cli_usage_error(&a, "--asa: '%s' is not answered or all", a.value);
            o.asa_all = strcmp(a.value, "all") == 0;
        } else if (cli_opt(&a, "--tolerance")) {
            o.lib.tolerance_s = cli_opt_duration(&a, "--tolerance");
        } else if (cli_opt(&a, "--invalid")) {
            if (strcmp(a.value, "error") != 0 && strcmp(a.value, "skip") != 0)
                cli_usage_error(&a, "--invalid: '%s' is not error or skip", a.value);
            o.skip_invalid = strcmp(a.value, "skip") == 0;
        } else if (cli_opt(&a, "--by")) {
            if (strcmp(a.value, "channel") != 0 && strcmp(a.value, "skill") != 0 &&
                strcmp(a.value, "agent") != 0)
                cli_usage_error(&a, "--by: '%s' is not channel, skill or agent", a.value);
            o.by = a.value;
        } else {
            cli_common_or_file(&a, &o.c, &file);
        }
    }
    if (file == NULL)
        cli_usage_error(&a, "no input file");
    if (isnan(interval))
        cli_usage_error(&a, "--interval is required");
    if (o.c.svg)
        cli_usage_error(&a, "--svg is not available for calls");
    cli_common_check(&a, &o.c);
    if (o.answered == NULL)
        o.answered = dup_list(&a, "answered", "--answered");
    if (o.abandoned == NULL)
        o.abandoned = dup_list(&a, "abandoned", "--abandoned");
    for (const char *p = o.answered;;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (in_list(o.abandoned, p, n))
            cli_usage_error(&a, "outcome '%.*s' is both answered and abandoned", (int)n, p);
        if (end == NULL)
            break;
        p = end + 1;
    }
    o.interval = (int64_t)interval;
    calls_map m = {0};
    calls_skip skipped;
    memset(&skipped, 0, sizeof skipped);
    int code = load_log(file, &o, &m, &skipped);
    if (code == CLI_EXIT_OK)
        code = report(&o, &m, &skipped);
    map_free(&m);
    free(o.answered);
    free(o.abandoned);
    cli_common_free(&o.c);
    return code;
}
