/* svcm kpi: ticket KPIs (response and resolution times, SLA compliance on a
 * business-hours calendar, FCR, reopen rate) or survey KPIs (CSAT, NPS, CES),
 * overall and per group, with consistency across groups.
 *
 * The file is read once, record by record (cli_rows, load.h: the columns,
 * conversions and messages of cli_load), into the library's mergeable
 * per-group accumulators (svcm_kpi_groups: duration sketches, SLA counts,
 * rates, feedback histograms), so memory follows the number of groups, not
 * the rows. What cannot be decided before the end is kept in packed form:
 * open tickets without --now (their group and two instants: the as-of
 * instant is the latest of the file), the customer, created instant and
 * group of each ticket with --fcr-window (repeat contacts), the
 * first-response hours with --svg (the chart bins on their range). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "load.h"
#include "svcm/calendar.h"
#include "svcm/kpi.h"
#include "svcm/sketch.h"
#include "svg.h"

static const char kpi_help[] =
    "usage: svcm kpi FILE|- [--by COLUMN] [--calendar FILE] [--now INSTANT]\n"
    "                [--response-target DUR] [--resolution-target DUR] [--confidence P]\n"
    "                [--csat top2|rated|mean] [--ces mean|top|index]\n"
    "                [--nps-interval wald|adjusted] [--fcr-window DUR] [common options]\n"
    "\n"
    "A tickets file (columns created, first_response, resolved; optional fcr and\n"
    "reopened as 0/1) gives first-response and resolution times (count, mean,\n"
    "P50/P90/P95/P99 from a mergeable sketch within 1%), SLA compliance against\n"
    "the targets in business time, FCR and reopen rates with Wilson intervals.\n"
    "A survey file (any of the columns nps 0-10, csat 1-5, ces 1-7; empty =\n"
    "not answered) gives NPS, CSAT (top-2-box) and CES (mean) with confidence\n"
    "intervals, or the other conventions below. A mean of a single answer is that\n"
    "answer, with no interval.\n"
    "--by COLUMN repeats every figure per group (e.g. channel or agent; any number\n"
    "of groups) and adds the consistency of each KPI across the groups (mean, SD,\n"
    "CV).\n"
    "The file (- for standard input) is read once, row by row, into per-group\n"
    "accumulators: memory grows with the number of groups (a few KB each), not\n"
    "with the rows, except for what the end needs: without --now, 24 bytes per\n"
    "open ticket (no resolved; the as-of instant is the latest in the file);\n"
    "with --fcr-window from repeats, 16 bytes per ticket plus each distinct\n"
    "customer name; with --svg, 8 bytes per answered ticket.\n"
    "\n"
    "  --by COLUMN        group by this column\n"
    "  --calendar FILE    business hours (svcm calendar text; it must have open\n"
    "                     hours); default 24x7\n"
    "  --now INSTANT      as-of instant for open tickets (default: the latest in\n"
    "                     the file)\n"
    "  --response-target DUR\n"
    "                     first-response target in business time (default 1h)\n"
    "  --resolution-target DUR\n"
    "                     resolution target in business time (default 24h)\n"
    "  --confidence P     interval level (default 0.95)\n"
    "  --invalid R        error (default) or skip: an impossible ticket (resolved or\n"
    "                     answered before it was created, answered after it was\n"
    "                     resolved, fcr or reopened not 0/1) stops the run naming\n"
    "                     the row, or is left out and counted by reason in the\n"
    "                     Notes table (JSON key \"notes\")\n";
/* The help goes on in pieces (one literal would pass the length C99
 * compilers must support). */
static const char kpi_help_conventions[] =
    "\n"
    "KPI conventions (vendors disagree; the first choice is the default):\n"
    "  --csat M           top2: share of all answers that are 4-5 (top-2-box)\n"
    "                     rated: 4-5 over 4-5 plus 1-2, the neutral 3 left out\n"
    "                       (Zendesk's good / (good + bad))\n"
    "                     mean: the mean answer, t interval\n"
    "  --ces M            mean: the mean answer, t interval\n"
    "                     top: share of answers 5-7 on the 1-7 CES 2.0 scale\n"
    "                     index: %6-7 minus %1-3, -100..100 (as NPS)\n"
    "  --nps-interval I   wald: 100(pP - pD) +- z 100 sqrt((pP + pD - (pP - pD)^2) / n)\n"
    "                     adjusted: the same with n + 3 and 3/4 more promoters and\n"
    "                       detractors (adjusted Wald, Rocks 2016; MeasuringU)\n"
    "  --fcr-window DUR   fcr column (0/1) when the file has one; otherwise, with\n"
    "                     this option and a customer column, a ticket is resolved at\n"
    "                     first contact when the same customer opens no other ticket\n"
    "                     within DUR after it (created at or before created + DUR; at\n"
    "                     the same instant, the later row is the repeat). A ticket\n"
    "                     whose window ends after the as-of instant (--now, default\n"
    "                     the latest created instant) with no repeat yet, or whose\n"
    "                     customer is empty, is left out of FCR and counted in Notes.\n"
    "                     This mode keeps each ticket's customer number, created\n"
    "                     instant and group (16 bytes) and the customer names\n"
    "\n"
    CLI_FORMAT_HELP CLI_OUTPUT_HELP
    "  --svg FILE         tickets: first-response time distribution (written as\n"
    "                     --output is; not the same file as --output); keeps the\n"
    "                     first-response time of every answered ticket (8 bytes)\n"
    CLI_COL_HELP;
static const char kpi_help_input[] = "\n" CLI_READ_HELP "\n" CLI_INSTANT_HELP;

/* Option spellings of the conventions, in the order of their enum values. */
static const char *const csat_names[] = {"top2", "rated", "mean", NULL};
static const char *const ces_names[] = {"mean", "top", "index", NULL};
static const char *const nps_interval_names[] = {"wald", "adjusted", NULL};

/* Rows grouped by the --by column (or all rows in one group "all"), counted
 * in the library's grouped accumulators as they are read. */
typedef struct groups {
    svcm_kpi_groups *g;
    char **names;        /* name of each group, as read (owned) */
    size_t names_cap;
    size_t *order;       /* groups by name (strcmp order, as before) */
    size_t n;            /* number of groups */
    char *hex;           /* scratch for keys of cells that are not UTF-8 */
    size_t hex_cap;
} groups;

/* The library takes UTF-8 keys; CSV and text output copy bytes as read, so
 * a cell that is not UTF-8 gets a key no cell can have: a NUL byte, then
 * the bytes in hex. Its name is still printed as read. */
static int group_key(groups *gr, const char *s, size_t *k)
{
    static const char digits[] = "0123456789abcdef";
    size_t len = strlen(s);
    int rc = svcm_kpi_groups_group(gr->g, s, len, k, NULL);
    if (rc != SVCM_EINVAL || len > (SIZE_MAX - 1) / 2)
        return rc;
    if (1 + 2 * len > gr->hex_cap) {
        char *p = realloc(gr->hex, 1 + 2 * len);
        if (p == NULL)
            return SVCM_ENOMEM;
        gr->hex = p;
        gr->hex_cap = 1 + 2 * len;
    }
    gr->hex[0] = '\0';
    for (size_t i = 0; i < len; i++) {
        gr->hex[1 + 2 * i] = digits[(unsigned char)s[i] >> 4];
        gr->hex[2 + 2 * i] = digits[(unsigned char)s[i] & 15];
    }
    return svcm_kpi_groups_group(gr->g, gr->hex, 1 + 2 * len, k, NULL);
}

/* The group of name s (created, with its name copied, when new): SVCM_OK,
 * SVCM_ENOMEM, or SVCM_EINVAL for a name the library cannot take. */
static int group_of(groups *gr, const char *s, size_t *k)
{
    int rc = group_key(gr, s, k);
    if (rc != SVCM_OK || *k < gr->n)
        return rc;
    if (gr->n == gr->names_cap) {
        size_t cap = gr->names_cap ? 2 * gr->names_cap : 16;
        char **p = cap <= SIZE_MAX / sizeof *p ? realloc(gr->names, cap * sizeof *p) : NULL;
        if (p == NULL)
            return SVCM_ENOMEM;
        gr->names = p;
        gr->names_cap = cap;
    }
    size_t len = strlen(s);
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return SVCM_ENOMEM;
    memcpy(copy, s, len + 1);
    gr->names[gr->n++] = copy;
    return SVCM_OK;
}

typedef struct named {
    const char *name;
    size_t k;
} named;

static int named_cmp(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* gr->order: the groups sorted by their names as read. */
static int sort_groups(groups *gr)
{
    named *v = malloc((gr->n ? gr->n : 1) * sizeof *v);
    gr->order = malloc((gr->n ? gr->n : 1) * sizeof *gr->order);
    if (v == NULL || gr->order == NULL) {
        free(v);
        return -1;
    }
    for (size_t k = 0; k < gr->n; k++)
        v[k] = (named){gr->names[k], k};
    qsort(v, gr->n, sizeof *v, named_cmp);
    for (size_t k = 0; k < gr->n; k++)
        gr->order[k] = v[k].k;
    free(v);
    return 0;
}

static void groups_free(groups *gr)
{
    svcm_kpi_groups_free(gr->g);
    for (size_t k = 0; k < gr->n; k++)
        free(gr->names[k]);
    free(gr->names);
    free(gr->order);
    free(gr->hex);
    *gr = (groups){0};
}

/* An empty set of groups with these slots (and the group "all" when the
 * rows are not grouped). 0, or -1 when out of memory. */
static int groups_init(groups *gr, const svcm_kpi_slot *slots, size_t n_slots, bool by)
{
    svcm_kpi_groups_options o;
    svcm_kpi_groups_options_init(&o);
    o.slots = slots;
    o.n_slots = n_slots;
    *gr = (groups){0};
    if (svcm_kpi_groups_new(&o, NULL, &gr->g, NULL) != SVCM_OK)
        return -1;
    size_t k;
    return !by && group_of(gr, "all", &k) != SVCM_OK ? -1 : 0;
}

/* Why the --calendar could not be used, printed after the file was read
 * (a row that cannot be read is reported first, as when the whole file was
 * loaded before the calendar). */
typedef struct calendar_error {
    int kind; /* 0 none, 1 cannot read (errnum), 2 parse error, 3 no open hours */
    int errnum, rc;
    svcm_error err;
} calendar_error;

static svcm_calendar *load_calendar(const char *path, calendar_error *ce)
{
    static const char all_week[] = "mon = 00:00-24:00\ntue = 00:00-24:00\nwed = 00:00-24:00\n"
                                   "thu = 00:00-24:00\nfri = 00:00-24:00\nsat = 00:00-24:00\n"
                                   "sun = 00:00-24:00\n";
    char *text = NULL;
    size_t len = 0;
    *ce = (calendar_error){0};
    if (path && cli_read_file(path, &text, &len) != 0) {
        ce->kind = 1;
        ce->errnum = errno;
        return NULL;
    }
    svcm_calendar *cal = NULL;
    int rc = path ? svcm_calendar_parse(text, len, NULL, &cal, &ce->err)
                  : svcm_calendar_parse(all_week, sizeof all_week - 1, NULL, &cal, &ce->err);
    free(text);
    if (rc != SVCM_OK) {
        ce->kind = 2;
        ce->rc = rc;
        return NULL;
    }
    /* A calendar without open hours would make every duration 0 and every
     * ticket meet its targets: refused. */
    int64_t open_at;
    if (svcm_calendar_next_open(cal, 0, &open_at) == SVCM_ENOTFOUND) {
        ce->kind = 3;
        svcm_calendar_free(cal);
        return NULL;
    }
    return cal;
}

static void calendar_error_print(const char *path, const calendar_error *ce)
{
    if (ce->kind == 1)
        fprintf(stderr, "svcm kpi: cannot read %s: %s\n", path, strerror(ce->errnum));
    else if (ce->kind == 2)
        cli_text_error("kpi", path ? path : "(built-in calendar)", &ce->err, ce->rc);
    else
        fprintf(stderr, "svcm kpi: %s: calendar has no open hours\n", path);
}

static int add_rate_row(cli_table *t, const char *group, const char *metric, uint64_t x,
                        uint64_t n, svcm_interval ci, double rate)
{
    int bad = cli_table_str(t, group);
    bad |= cli_table_str(t, metric);
    bad |= cli_table_int(t, (long long)x);
    bad |= cli_table_int(t, (long long)n);
    bad |= cli_table_num(t, 100.0 * rate, 1);
    bad |= cli_table_num(t, 100.0 * ci.lo, 1);
    bad |= cli_table_num(t, 100.0 * ci.hi, 1);
    return bad;
}

static int add_duration_row(cli_table *t, const char *group, const char *metric,
                            const svcm_durations *d)
{
    struct svcm_durations_result r;
    int bad = cli_table_str(t, group);
    bad |= cli_table_str(t, metric);
    if (svcm_durations_result(d, &r) != SVCM_OK) {
        bad |= cli_table_int(t, 0);
        for (int k = 0; k < 6; k++)
            bad |= cli_table_num(t, NAN, 2);
        return bad;
    }
    bad |= cli_table_int(t, (long long)r.count);
    bad |= cli_table_num(t, r.mean / 3600.0, 2);
    bad |= cli_table_num(t, r.p50 / 3600.0, 2);
    bad |= cli_table_num(t, r.p90 / 3600.0, 2);
    bad |= cli_table_num(t, r.p95 / 3600.0, 2);
    bad |= cli_table_num(t, r.p99 / 3600.0, 2);
    bad |= cli_table_num(t, r.max / 3600.0, 2);
    return bad;
}

/* Consistency of one KPI across groups (skips groups where it is NaN). */
static int add_consistency_row(cli_table *t, const char *metric, const double *v, size_t n)
{
    double *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (tmp == NULL)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            tmp[k++] = v[i];
    struct svcm_consistency_result r;
    int bad = cli_table_str(t, metric);
    bad |= cli_table_int(t, (long long)k);
    if (k >= 2 && svcm_consistency(tmp, k, &r, NULL) == SVCM_OK) {
        bad |= cli_table_num(t, r.mean, 3);
        bad |= cli_table_num(t, r.sd, 3);
        bad |= cli_table_num(t, r.cv, 3);
        bad |= cli_table_num(t, r.min, 3);
        bad |= cli_table_num(t, r.max, 3);
    } else {
        for (int j = 0; j < 5; j++)
            bad |= cli_table_num(t, NAN, 3);
    }
    free(tmp);
    return bad;
}

typedef struct kpi_opts {
    const char *by, *calendar;
    int64_t now;
    int have_now;
    double response_target, resolution_target, confidence;
    cli_common c;
    bool skip_invalid; /* --invalid skip */
    svcm_csat_method csat;        /* --csat */
    svcm_ces_method ces;          /* --ces */
    svcm_nps_interval nps_interval; /* --nps-interval */
    double fcr_window;            /* --fcr-window in seconds; < 0: not given */
} kpi_opts;

/* What the report says about its input besides the figures: the zone
 * instants were read in, rows left out and why, metrics it could not
 * compute. Printed as a "Notes" table (JSON key "notes") when not empty. */
typedef struct notes {
    cli_table t;
    int bad;
    size_t n;
} notes;

static void note(notes *nt, const char *what, long long count, const char *detail)
{
    static const char *const cols[] = {"note", "rows", "detail"};
    if (nt->n++ == 0)
        nt->bad |= cli_table_init(&nt->t, "Notes", 3, cols);
    nt->bad |= cli_table_str(&nt->t, what);
    nt->bad |= count < 0 ? cli_table_num(&nt->t, NAN, 0) : cli_table_int(&nt->t, count);
    nt->bad |= cli_table_str(&nt->t, detail);
}

/* Emit tables[0..n) and the notes after them. */
static int emit_with_notes(const kpi_opts *o, cli_table **tables, const char **keys, size_t n,
                           notes *nt)
{
    if (o->c.tz != NULL)
        note(nt, "zone", -1, o->c.tz);
    if (nt->bad) {
        fprintf(stderr, "svcm kpi: out of memory\n");
        return CLI_EXIT_DATA;
    }
    if (nt->n > 0) {
        tables[n] = &nt->t;
        keys[n++] = "notes";
    }
    return cli_emit(&o->c, tables, keys, n);
}

/* ------------------------------------------------- errors found later
 *
 * Reading stops at the first field that cannot be read. The other checks
 * keep the order in which the whole-file version ran them (group names,
 * then the SLA engine's checks, then fcr/reopened values; survey answers
 * column by column), so the first row of the first failing check is
 * reported even when a later row fails an earlier check: such an error is
 * kept, reading goes on (to find unreadable fields first), and it is
 * printed at the end. */
enum {
    KPI_ERR_NONE = 0,
    KPI_ERR_HEADER,   /* the file lacks what the report needs */
    KPI_ERR_GROUP,    /* a group name the library cannot take */
    KPI_ERR_SLA,      /* the SLA engine refused a ticket */
    KPI_ERR_OUTCOME,  /* fcr or reopened not 0/1 */
    KPI_ERR_NPS,      /* a survey answer off its scale (one per column) */
    KPI_ERR_CSAT,
    KPI_ERR_CES
};

typedef struct kpi_error {
    int prio;          /* KPI_ERR_*; NONE: no error */
    char *text;        /* a whole message, or NULL for a record error: */
    uint64_t line;     /* its line, */
    long field;        /* the file's field (-1: line only), */
    const char *label; /* the field's name, */
    char *id;          /* the row's id (NULL: none) and */
    char message[256]; /* the message */
} kpi_error;

static void error_clear(kpi_error *e)
{
    free(e->text);
    free(e->id);
    *e = (kpi_error){0};
}

/* Keep a record error unless one of the same or an earlier check is kept.
 * Returns 0, or -1 when out of memory. */
static int error_record(kpi_error *e, int prio, uint64_t line, long field, const char *label,
                        const char *id, const char *message)
{
    if (e->prio != KPI_ERR_NONE && e->prio <= prio)
        return 0;
    char *idc = NULL;
    if (id != NULL && (idc = cli_strdupf("%s", id)) == NULL)
        return -1;
    error_clear(e);
    e->prio = prio;
    e->line = line;
    e->field = field;
    e->label = label;
    e->id = idc;
    snprintf(e->message, sizeof e->message, "%s", message);
    return 0;
}

/* Keep a whole message (ownership of text passes) under the same rule. */
static int error_text(kpi_error *e, int prio, char *text)
{
    if (text == NULL)
        return -1;
    if (e->prio != KPI_ERR_NONE && e->prio <= prio) {
        free(text);
        return 0;
    }
    error_clear(e);
    e->prio = prio;
    e->text = text;
    return 0;
}

/* Print the kept error; CLI exit code. */
static int error_print(const kpi_error *e, const char *path, const cli_read_opts *ro)
{
    if (e->text != NULL) {
        fputs(e->text, stderr);
        return CLI_EXIT_DATA;
    }
    cli_dataset d = {0};
    d.n = 1;
    d.line0 = e->line;
    cli_record_error("kpi", path, ro, &d, 0, e->field, e->label, "row", e->id, e->message);
    return CLI_EXIT_DATA;
}

/* Slots of a tickets report: times, SLA counts, FCR and reopen rates. */
enum { T_FIRST, T_RESOLUTION, T_SLA_FIRST, T_SLA_RESOLUTION, T_FCR, T_REOPEN, T_SLOTS };

/* Columns of a tickets file, in the order cli_load read them. */
enum { C_ID, C_CREATED, C_FIRST, C_RESOLVED, C_FCR, C_REOPENED, C_CUSTOMER, C_GROUP };

/* The --svg chart: first-response times of all answered tickets in
 * (business) hours, with the P50/P90/P95 of the merged groups. */
static int write_histogram(const char *path, const double *h, size_t m, const groups *gr)
{
    svcm_durations *all = NULL;
    if (svcm_durations_new(NULL, NULL, &all, NULL) != SVCM_OK) {
        fprintf(stderr, "svcm kpi: out of memory\n");
        return CLI_EXIT_DATA;
    }
    for (size_t k = 0; k < gr->n; k++) {
        const svcm_durations *d;
        if (svcm_kpi_groups_durations(gr->g, k, T_FIRST, &d) == SVCM_OK)
            svcm_durations_merge(all, d);
    }
    struct svcm_durations_result r;
    double marks[3] = {NAN, NAN, NAN};
    if (svcm_durations_result(all, &r) == SVCM_OK) {
        marks[0] = r.p50 / 3600.0;
        marks[1] = r.p90 / 3600.0;
        marks[2] = r.p95 / 3600.0;
    }
    static const char *const labels[3] = {"P50", "P90", "P95"};
    cli_out out;
    int code = CLI_EXIT_DATA;
    if (cli_out_open(&out, "kpi", path) == 0) {
        cli_svg_histogram(out.f, "First-response time", "hours", h, m, marks, labels, 3);
        code = cli_out_commit(&out) == 0 ? CLI_EXIT_OK : CLI_EXIT_DATA;
    }
    svcm_durations_free(all);
    return code;
}

static void ticket_slots(svcm_kpi_slot s[T_SLOTS])
{
    svcm_kpi_slot_init(&s[T_FIRST], SVCM_KPI_SLOT_KIND_DURATIONS);
    svcm_kpi_slot_init(&s[T_RESOLUTION], SVCM_KPI_SLOT_KIND_DURATIONS);
    svcm_kpi_slot_init(&s[T_SLA_FIRST], SVCM_KPI_SLOT_KIND_SLA);
    svcm_kpi_slot_init(&s[T_SLA_RESOLUTION], SVCM_KPI_SLOT_KIND_SLA);
    svcm_kpi_slot_init(&s[T_FCR], SVCM_KPI_SLOT_KIND_RATE);
    s[T_FCR].rate = SVCM_RATE_KIND_FCR;
    svcm_kpi_slot_init(&s[T_REOPEN], SVCM_KPI_SLOT_KIND_RATE);
    s[T_REOPEN].rate = SVCM_RATE_KIND_REOPEN;
}

/* One SLA metric of one ticket: met, breached (also while open) or pending. */
static int add_sla(svcm_kpi_groups *g, size_t k, size_t slot, const svcm_sla_metric *m)
{
    return svcm_kpi_groups_add_sla(g, k, slot, !m->breached && m->met, m->breached,
                                   !m->breached && !m->met, NULL);
}

/* The reason a ticket is impossible, worded without its numbers so that
 * equal reasons add up. */
static const char *invalid_reason(const svcm_error *e, char *buf, size_t size)
{
    if (strstr(e->message, "outside") != NULL)
        snprintf(buf, size, "%s out of range", e->field ? e->field : "instant");
    else
        snprintf(buf, size, "%s", e->message);
    return buf;
}

/* A growable array of fixed-size items. */
typedef struct vec {
    void *p;
    size_t n, cap, size;
} vec;

static void *vec_push(vec *v)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 1024;
        void *p = cap <= SIZE_MAX / v->size ? realloc(v->p, cap * v->size) : NULL;
        if (p == NULL)
            return NULL;
        v->p = p;
        v->cap = cap;
    }
    return (char *)v->p + v->n++ * v->size;
}

static void vec_free(vec *v)
{
    free(v->p);
    v->p = NULL;
    v->n = v->cap = 0;
}

/* An open ticket (no resolved) read without --now: its SLA state needs the
 * as-of instant, known at the end. */
typedef struct open_ticket {
    int64_t created, first; /* first: SVCM_SLA_NONE when not answered */
    uint32_t group;
} open_ticket;

/* --fcr-window: a ticket with a customer (numbered in order of first
 * appearance), its created instant and its group. */
typedef struct contact_row {
    int64_t created;
    uint32_t customer, group;
} contact_row;

/* Distinct customer names: text in one arena, an open-addressing index. */
typedef struct name_map {
    char *arena;
    size_t arena_len, arena_cap;
    size_t *off, n, cap_off; /* arena offset of name k */
    size_t *slots, nslots;   /* k + 1, or 0 for free; nslots a power of two */
} name_map;

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static int map_grow(name_map *m)
{
    size_t ns = m->nslots ? m->nslots * 2 : 1024;
    size_t *slots = ns <= SIZE_MAX / sizeof *slots ? calloc(ns, sizeof *slots) : NULL;
    if (slots == NULL)
        return -1;
    for (size_t k = 0; k < m->n; k++) {
        size_t j = (size_t)hash_text(m->arena + m->off[k]) & (ns - 1);
        while (slots[j])
            j = (j + 1) & (ns - 1);
        slots[j] = k + 1;
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = ns;
    return 0;
}

/* The number of name s (added when new), or -1 when out of memory. */
static int64_t map_name(name_map *m, const char *s)
{
    if ((m->n + 1) * 2 > m->nslots && map_grow(m) != 0)
        return -1;
    size_t len = strlen(s);
    size_t j = (size_t)hash_text(s) & (m->nslots - 1);
    while (m->slots[j]) {
        if (strcmp(m->arena + m->off[m->slots[j] - 1], s) == 0)
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
    if (cli_reserve(&m->arena, &m->arena_cap, m->arena_len + len + 1) != 0)
        return -1;
    memcpy(m->arena + m->arena_len, s, len + 1);
    m->off[m->n] = m->arena_len;
    m->arena_len += len + 1;
    m->slots[j] = m->n + 1;
    return (int64_t)m->n++;
}

static void map_free(name_map *m)
{
    free(m->arena);
    free(m->off);
    free(m->slots);
    *m = (name_map){0};
}

/* A reason tickets were skipped and how many (--invalid skip). */
typedef struct skip_reason {
    char why[160];
    size_t count;
} skip_reason;

/* Everything a tickets report keeps while the file is read: the groups'
 * accumulators, and what the end needs (open tickets without --now, the
 * contacts of --fcr-window, the values of --svg). */
typedef struct tickets_run {
    const char *path;
    const kpi_opts *o;
    const svcm_calendar *cal;
    const cli_col *cols;
    groups gr;
    svcm_kpi_slot slots[T_SLOTS];
    bool repeats; /* FCR from repeat contacts (--fcr-window, no fcr column) */
    int64_t max_all;     /* latest instant of every row read */
    int64_t max_kept;    /* latest instant of the rows counted */
    int64_t max_created; /* latest created instant of the rows counted */
    bool targets_ok;      /* the SLA targets are within the engine's range */
    bool asof_ok;         /* asof_checked is within the calendar's range */
    int64_t asof_checked; /* the as-of instant asof_ok is about */
    size_t rows, kept, no_customer;
    uint64_t first_line; /* the first data row (for an as-of error) */
    char *first_id;
    vec open;     /* open_ticket */
    vec contacts; /* contact_row */
    vec svg;      /* double: first-response hours */
    name_map customers;
    vec reasons;  /* skip_reason */
    kpi_error err;
} tickets_run;

static void tickets_run_free(tickets_run *t)
{
    groups_free(&t->gr);
    free(t->first_id);
    vec_free(&t->open);
    vec_free(&t->contacts);
    vec_free(&t->svg);
    vec_free(&t->reasons);
    map_free(&t->customers);
    error_clear(&t->err);
}

static int skip_note(tickets_run *t, const char *why, size_t count)
{
    skip_reason *s = t->reasons.p;
    for (size_t k = 0; k < t->reasons.n; k++)
        if (strcmp(s[k].why, why) == 0) {
            s[k].count += count;
            return 0;
        }
    skip_reason *n = vec_push(&t->reasons);
    if (n == NULL)
        return -1;
    snprintf(n->why, sizeof n->why, "%s", why);
    n->count = count;
    return 0;
}

static void max_instant(int64_t *m, int64_t v)
{
    if (v != INT64_MIN && v > *m)
        *m = v;
}

/* Is t within the calendar's range? */
static bool in_calendar(const svcm_calendar *cal, int64_t t)
{
    int64_t b;
    return svcm_calendar_business_seconds(cal, t, t, &b) == SVCM_OK;
}

/* svcm_sla_evaluate() for a resolved ticket whose instants are in order, as
 * of an as-of instant known to be in range (asof_ok) with valid targets:
 * the elapsed business seconds of both clocks, without the due instants the
 * report does not use (half of the engine's calendar work). false when the
 * engine must evaluate it (open ticket, or anything it would refuse: then
 * it words the error). */
static bool fast_sla(const svcm_calendar *cal, const svcm_sla_ticket *t, int64_t now,
                     bool asof_ok, struct svcm_sla_result *out)
{
    int64_t c = t->created, f = t->first_response, r = t->resolved, er, ef;
    if (!asof_ok || r == SVCM_SLA_NONE || c > r || r > now ||
        (f != SVCM_SLA_NONE && (f < c || f > r)) ||
        svcm_calendar_business_seconds(cal, c, r, &er) != SVCM_OK ||
        (f != SVCM_SLA_NONE && svcm_calendar_business_seconds(cal, c, f, &ef) != SVCM_OK))
        return false;
    if (f == SVCM_SLA_NONE)
        ef = er; /* the response clock stops at resolved */
    const int64_t e[2] = {ef, er}, target[2] = {t->response_target, t->resolution_target};
    svcm_sla_metric *m[2] = {&out->response, &out->resolution};
    for (int j = 0; j < 2; j++) {
        m[j]->elapsed = e[j];
        m[j]->remaining = target[j] - e[j];
        m[j]->due = SVCM_SLA_NONE; /* not used */
        m[j]->stopped = true;
        m[j]->breached = e[j] > target[j];
        m[j]->met = !m[j]->breached;
    }
    return true;
}

/* One ticket row (the reader's current values). Returns 0, or -1 when out
 * of memory (nothing printed). */
static int ticket_row(tickets_run *t, const cli_rows *r)
{
    const kpi_opts *o = t->o;
    const int64_t created = r->val[C_CREATED].inst, first = r->val[C_FIRST].inst,
                  resolved = r->val[C_RESOLVED].inst;
    const double fcr = r->val[C_FCR].num, reo = r->val[C_REOPENED].num;
    const char *id = t->cols[C_ID].field >= 0 ? r->val[C_ID].str : NULL;
    if (t->rows++ == 0) {
        t->first_line = r->line;
        if (id != NULL && (t->first_id = cli_strdupf("%s", id)) == NULL)
            return -1;
    }
    max_instant(&t->max_all, created);
    max_instant(&t->max_all, first);
    max_instant(&t->max_all, resolved);
    if (t->err.prio == KPI_ERR_HEADER)
        return 0;
    /* As of --now, or of the latest instant read so far: a ticket valid
     * now stays valid as of the latest instant of the file (the checks
     * against the as-of instant compare it with the ticket's own instants,
     * all read already), except when that instant is out of the calendar's
     * range, which tickets_finish() handles. */
    int64_t now = o->have_now ? o->now : t->max_all;
    svcm_sla_ticket tk = {0};
    tk.created = created;
    tk.first_response = first == INT64_MIN ? SVCM_SLA_NONE : first;
    tk.resolved = resolved == INT64_MIN ? SVCM_SLA_NONE : resolved;
    tk.response_target = (int64_t)o->response_target;
    tk.resolution_target = (int64_t)o->resolution_target;
    struct svcm_sla_result res;
    svcm_error e;
    if (!o->have_now && now != t->asof_checked) { /* the latest instant moved */
        t->asof_checked = now;
        t->asof_ok = t->targets_ok && in_calendar(t->cal, now);
    }
    int sla = fast_sla(t->cal, &tk, now, t->asof_ok, &res)
                  ? SVCM_OK
                  : svcm_sla_evaluate(t->cal, &tk, now, &res, &e);
    const bool bad_fcr = !isnan(fcr) && fcr != 0 && fcr != 1;
    const bool bad_reo = !isnan(reo) && reo != 0 && reo != 1;
    if (o->skip_invalid) {
        char why[160];
        const char *reason = sla != SVCM_OK ? invalid_reason(&e, why, sizeof why)
                             : bad_fcr      ? "fcr is not 0 or 1"
                             : bad_reo      ? "reopened is not 0 or 1"
                                            : NULL;
        if (reason != NULL)
            return skip_note(t, reason, 1);
    }
    size_t index = t->kept++; /* the row's number among those counted */
    const char *gname = t->cols[C_GROUP].field >= 0 ? r->val[C_GROUP].str : "all";
    size_t k = 0;
    int rc = group_of(&t->gr, gname, &k);
    if (rc == SVCM_ENOMEM)
        return -1;
    if (rc != SVCM_OK &&
        error_text(&t->err, KPI_ERR_GROUP,
                   cli_strdupf("svcm kpi: %s: data row %zu, field '%s': group name of %zu "
                               "bytes is too long\n", t->path, index + 1,
                               t->cols[C_GROUP].name, strlen(gname))) != 0)
        return -1;
    if (sla != SVCM_OK) {
        static const char *const names[6] = {"id", "created", "first_response", "resolved",
                                             "fcr", "reopened"};
        long field = -1;
        for (size_t j = 0; e.field && j < 6; j++)
            if (strcmp(e.field, names[j]) == 0)
                field = t->cols[j].field;
        if (error_record(&t->err, KPI_ERR_SLA, r->line, field, e.field, id, e.message) != 0)
            return -1;
    } else if (bad_fcr || bad_reo) {
        const char *f = bad_reo ? "reopened" : "fcr";
        if (error_record(&t->err, KPI_ERR_OUTCOME, r->line,
                         t->cols[bad_reo ? C_REOPENED : C_FCR].field, f, id, "must be 0 or 1") != 0)
            return -1;
    }
    if (t->err.prio != KPI_ERR_NONE)
        return 0; /* nothing more is counted: only errors are looked for */
    max_instant(&t->max_kept, created);
    max_instant(&t->max_kept, first);
    max_instant(&t->max_kept, resolved);
    max_instant(&t->max_created, created);
    svcm_kpi_groups *g = t->gr.g;
    rc = SVCM_OK;
    /* Durations in file order (their moments depend on it); the SLA counts
     * of a ticket still open wait for the as-of instant. */
    if (res.response.stopped)
        rc |= svcm_kpi_groups_add_duration(g, k, T_FIRST, (double)res.response.elapsed, NULL);
    if (res.resolution.stopped)
        rc |= svcm_kpi_groups_add_duration(g, k, T_RESOLUTION, (double)res.resolution.elapsed,
                                           NULL);
    if (res.resolution.stopped || o->have_now) {
        rc |= add_sla(g, k, T_SLA_FIRST, &res.response);
        rc |= add_sla(g, k, T_SLA_RESOLUTION, &res.resolution);
    } else {
        open_ticket *p = vec_push(&t->open);
        if (p == NULL)
            return -1;
        *p = (open_ticket){created, tk.first_response, (uint32_t)k};
    }
    if (!isnan(fcr))
        rc |= svcm_kpi_groups_add_outcome(g, k, T_FCR, fcr == 1, NULL);
    if (!isnan(reo))
        rc |= svcm_kpi_groups_add_outcome(g, k, T_REOPEN, reo == 1, NULL);
    if (rc != SVCM_OK)
        return -1;
    if (t->repeats) {
        const char *cust = r->val[C_CUSTOMER].str;
        if (cust[0] == '\0') {
            t->no_customer++;
        } else {
            int64_t c = map_name(&t->customers, cust);
            contact_row *p = c < 0 || c > UINT32_MAX ? NULL : vec_push(&t->contacts);
            if (p == NULL)
                return -1;
            *p = (contact_row){created, (uint32_t)c, (uint32_t)k};
        }
    }
    if (t->o->c.svg && first != INT64_MIN) {
        double *h = vec_push(&t->svg);
        if (h == NULL)
            return -1;
        *h = (double)res.response.elapsed / 3600.0;
    }
    return 0;
}

/* --fcr-window W without an fcr column: the FCR of each ticket from repeat
 * contacts by svcm_fcr_repeats() (its header has the exact rule): 1
 * resolved at first contact, 0 repeated, left out when undecided (window
 * past the as-of instant: --now, or the latest created instant) or without
 * a customer; both counted in the notes. 0, or -1 when out of memory. */
static int fcr_from_repeats(tickets_run *t, notes *nt)
{
    const kpi_opts *o = t->o;
    size_t n = t->contacts.n, undecided = 0;
    const contact_row *c = t->contacts.p;
    /* calloc: gcc's -Wmaybe-uninitialized (with ASan) cannot see that the
     * loop below fills all n items that svcm_fcr_repeats reads. */
    int64_t *who = calloc(n ? n : 1, sizeof *who), *when = calloc(n ? n : 1, sizeof *when);
    uint8_t *outcome = malloc(n ? n : 1);
    int rc = -1;
    if (who == NULL || when == NULL || outcome == NULL)
        goto done;
    int64_t end = o->have_now ? o->now : t->max_created;
    for (size_t i = 0; i < n; i++) {
        who[i] = c[i].customer;
        /* created <= end: a ticket after --now fails the SLA check before
         * this runs (and --invalid skip drops it). */
        when[i] = c[i].created > end ? end : c[i].created;
    }
    svcm_rate r;
    svcm_error err;
    if (svcm_fcr_repeats(who, when, n, (int64_t)o->fcr_window, end, NULL, outcome, &r, &err) !=
        SVCM_OK)
        goto done;
    for (size_t i = 0; i < n; i++) {
        if (outcome[i] == SVCM_FCR_OUTCOME_UNDECIDED)
            undecided++;
        else if (svcm_kpi_groups_add_outcome(t->gr.g, c[i].group, T_FCR,
                                             outcome[i] == SVCM_FCR_OUTCOME_RESOLVED,
                                             NULL) != SVCM_OK)
            goto done;
    }
    char what[160];
    if (undecided > 0) {
        char at[32];
        cli_format_instant(end, at, sizeof at);
        snprintf(what, sizeof what, "left out of FCR: no repeat yet and the window runs past %s",
                 at);
        note(nt, "fcr", (long long)undecided, what);
    }
    if (t->no_customer > 0)
        note(nt, "fcr", (long long)t->no_customer, "left out of FCR: no customer");
    rc = 0;
done:
    free(who);
    free(when);
    free(outcome);
    return rc;
}

/* The end of the file: the as-of instant is known. Checks it, counts the
 * open tickets, prints a kept error. CLI exit code. */
static int tickets_finish(tickets_run *t)
{
    const kpi_opts *o = t->o;
    /* Group names were checked before the tickets, except with --invalid
     * skip, where only the tickets kept count (maybe none: below). */
    if (t->err.prio == KPI_ERR_HEADER || (t->err.prio == KPI_ERR_GROUP && !o->skip_invalid))
        return error_print(&t->err, t->path, &o->c.read);
    if (!o->have_now && t->rows > 0) {
        /* The latest instant of the file may be out of the calendar's
         * range: then the engine refuses every ticket, the first one
         * first. */
        svcm_sla_ticket probe = {0};
        probe.created = t->max_all;
        probe.first_response = probe.resolved = SVCM_SLA_NONE;
        struct svcm_sla_result res;
        svcm_error e;
        if (svcm_sla_evaluate(t->cal, &probe, t->max_all, &res, &e) != SVCM_OK &&
            e.field != NULL && strcmp(e.field, "now") == 0) {
            if (!o->skip_invalid) {
                /* row 1 precedes any other row the engine refused */
                char *id = NULL;
                if (t->first_id != NULL && (id = cli_strdupf("%s", t->first_id)) == NULL)
                    return -1;
                error_clear(&t->err);
                t->err.prio = KPI_ERR_SLA;
                t->err.line = t->first_line;
                t->err.field = -1;
                t->err.label = e.field;
                t->err.id = id;
                snprintf(t->err.message, sizeof t->err.message, "%s", e.message);
            } else {
                /* every ticket is left out, for that one reason */
                char why[160];
                invalid_reason(&e, why, sizeof why);
                vec_free(&t->reasons);
                vec_free(&t->open);
                vec_free(&t->contacts);
                vec_free(&t->svg);
                t->no_customer = 0;
                t->kept = 0;
                error_clear(&t->err);
                groups_free(&t->gr);
                if (skip_note(t, why, t->rows) != 0 ||
                    groups_init(&t->gr, t->slots, T_SLOTS, o->by != NULL) != 0)
                    return -1;
            }
        }
    }
    if (t->err.prio != KPI_ERR_NONE)
        return error_print(&t->err, t->path, &o->c.read);
    int64_t now = o->have_now ? o->now : t->max_kept;
    const open_ticket *p = t->open.p;
    for (size_t i = 0; i < t->open.n; i++) {
        svcm_sla_ticket tk = {0};
        tk.created = p[i].created;
        tk.first_response = p[i].first;
        tk.resolved = SVCM_SLA_NONE;
        tk.response_target = (int64_t)o->response_target;
        tk.resolution_target = (int64_t)o->resolution_target;
        struct svcm_sla_result res;
        /* Cannot fail: checked as of an earlier, valid instant. */
        if (svcm_sla_evaluate(t->cal, &tk, now, &res, NULL) != SVCM_OK ||
            (add_sla(t->gr.g, p[i].group, T_SLA_FIRST, &res.response) |
             add_sla(t->gr.g, p[i].group, T_SLA_RESOLUTION, &res.resolution)) != SVCM_OK)
            return -1;
    }
    return CLI_EXIT_OK;
}

/* The times and rates rows of group k; per[0..4) receives its SLA, FCR
 * and reopen rates (NaN when undefined) for the consistency table. */
static int ticket_rows(cli_table *times, cli_table *rates, const groups *gr, size_t k,
                       const bool has[2], const bool timed[2], double confidence, double per[4])
{
    static const char *const sla_names[2] = {"sla_first_response", "sla_resolution"};
    static const char *const rate_names[2] = {"fcr", "reopen"};
    const char *name = gr->names[k];
    const svcm_durations *d[2];
    svcm_kpi_groups_durations(gr->g, k, T_FIRST, &d[0]);
    svcm_kpi_groups_durations(gr->g, k, T_RESOLUTION, &d[1]);
    int bad = 0;
    if (timed[0])
        bad |= add_duration_row(times, name, "first_response", d[0]);
    if (timed[1])
        bad |= add_duration_row(times, name, "resolution", d[1]);
    for (int j = 0; j < 2; j++) {
        struct svcm_kpi_groups_sla_result s = {0, 0, 0, NAN, {NAN, NAN}};
        per[j] = NAN;
        if (!timed[j])
            continue;
        bad |= svcm_kpi_groups_sla_result(gr->g, k, T_SLA_FIRST + (size_t)j, confidence, &s,
                                          NULL) != SVCM_OK;
        per[j] = s.rate;
        bad |= add_rate_row(rates, name, sla_names[j], s.met, s.met + s.breached, s.ci, s.rate);
    }
    for (int j = 0; j < 2; j++) {
        svcm_rate r;
        struct svcm_rate_result s;
        per[2 + j] = NAN;
        svcm_kpi_groups_rate(gr->g, k, T_FCR + (size_t)j, &r);
        if (!has[j] || svcm_rate_result(&r, confidence, &s) != SVCM_OK)
            continue;
        per[2 + j] = s.rate;
        bad |= add_rate_row(rates, name, rate_names[j], s.successes, s.trials, s.ci, s.rate);
    }
    return bad;
}

/* Consistency across groups of each column of per (ng rows of width w). */
static int consistency_table(cli_table *cons, const char *const *metrics, const bool *use,
                             const double *per, size_t ng, size_t w)
{
    static const char *const ccols[] = {"metric", "groups", "mean", "sd", "cv", "min", "max"};
    int bad = cli_table_init(cons, "Consistency across groups", 7, ccols);
    double *v = malloc((ng ? ng : 1) * sizeof *v);
    if (v == NULL)
        bad = 1;
    for (size_t j = 0; j < w && !bad; j++) {
        if (!use[j])
            continue;
        for (size_t k = 0; k < ng; k++)
            v[k] = per[w * k + j];
        bad |= add_consistency_row(cons, metrics[j], v, ng);
    }
    free(v);
    return bad;
}

/* Write the times, rates (and, with --by, consistency) tables. */
static int emit_tickets(const groups *gr, const cli_col *cols, bool has_fcr, const kpi_opts *o,
                        notes *nt)
{
    static const char *const tcols[] = {"group", "metric", "n", "mean_h", "p50_h", "p90_h",
                                        "p95_h", "p99_h", "max_h"};
    static const char *const rcols[] = {"group", "metric", "successes", "trials", "pct",
                                        "ci_lo_pct", "ci_hi_pct"};
    static const char *const cn[4] = {"sla_first_response", "sla_resolution", "fcr", "reopen"};
    const bool has[2] = {has_fcr, cols[5].field >= 0};
    const bool timed[2] = {cols[2].field >= 0, cols[3].field >= 0};
    const bool use[4] = {timed[0], timed[1], has[0], has[1]};
    cli_table times = {0}, rates = {0}, cons = {0};
    double *per = malloc((gr->n ? gr->n : 1) * 4 * sizeof *per);
    int bad = per == NULL;
    /* The report's header names the zone the file's local times were read
     * in (times with an offset carry their own). */
    char *title = cli_strdupf("%s (local times read in %s)",
                              o->calendar ? "Times in business hours" : "Times in hours",
                              o->c.tz ? o->c.tz : "UTC");
    bad |= title == NULL || cli_table_init(&times, title, 9, tcols);
    free(title);
    bad |= cli_table_init(&rates, "Rates", 7, rcols);
    for (size_t i = 0; i < gr->n && !bad; i++)
        bad |= ticket_rows(&times, &rates, gr, gr->order[i], has, timed, o->confidence,
                           &per[4 * i]);
    if (o->by && !bad)
        bad |= consistency_table(&cons, cn, use, per, gr->n, 4);
    cli_table *tables[4] = {&times, &rates, &cons, NULL};
    const char *keys[4] = {"times", "rates", "consistency", NULL};
    int code = CLI_EXIT_DATA;
    if (bad)
        fprintf(stderr, "svcm kpi: out of memory\n");
    else if (o->by)
        code = emit_with_notes(o, tables, keys, 3, nt);
    else
        code = emit_with_notes(o, tables, keys, 2, nt);
    cli_table_free(&times);
    cli_table_free(&rates);
    cli_table_free(&cons);
    free(per);
    return code;
}

static int kpi_tickets(cli_rows *r, cli_col *cols, const kpi_opts *o)
{
    tickets_run t = {0};
    notes nt = {0};
    t.path = r->path;
    t.o = o;
    t.cols = cols;
    t.max_all = t.max_kept = t.max_created = INT64_MIN;
    t.open.size = sizeof(open_ticket);
    t.contacts.size = sizeof(contact_row);
    t.svg.size = sizeof(double);
    t.reasons.size = sizeof(skip_reason);
    ticket_slots(t.slots);
    calendar_error ce;
    svcm_calendar *cal = load_calendar(o->calendar, &ce);
    int code = CLI_EXIT_DATA, rc;
    if (cal == NULL) {
        while ((rc = cli_rows_next(r)) == 1)
            ;
        if (rc == 0)
            calendar_error_print(o->calendar, &ce);
        goto done;
    }
    t.cal = cal;
    t.targets_ok = o->response_target >= 0 && o->response_target <= SVCM_SLA_TARGET_MAX &&
                   o->resolution_target >= 0 && o->resolution_target <= SVCM_SLA_TARGET_MAX;
    t.asof_checked = o->have_now ? o->now : INT64_MIN;
    t.asof_ok = o->have_now && t.targets_ok && in_calendar(cal, o->now);
    if (groups_init(&t.gr, t.slots, T_SLOTS, o->by != NULL) != 0)
        goto oom;
    if (cols[C_FIRST].field < 0 && cols[C_RESOLVED].field < 0 &&
        error_text(&t.err, KPI_ERR_HEADER,
                   cli_strdupf("svcm kpi: %s:1: a tickets file needs a first_response or a "
                               "resolved column (or both)\n", r->path)) != 0)
        goto oom;
    t.repeats = cols[C_FCR].field < 0 && o->fcr_window >= 0 && cols[C_CUSTOMER].field >= 0;
    while ((rc = cli_rows_next(r)) == 1)
        if (ticket_row(&t, r) != 0)
            goto oom;
    if (rc < 0)
        goto done;
    if ((code = tickets_finish(&t)) < 0)
        goto oom;
    if (code != CLI_EXIT_OK)
        goto done;
    code = CLI_EXIT_DATA;
    if (cols[C_FIRST].field < 0)
        note(&nt, "not computed", -1, "first-response time and its SLA: no first_response column");
    if (cols[C_RESOLVED].field < 0)
        note(&nt, "not computed", -1, "resolution time and its SLA: no resolved column");
    /* One note per distinct reason, in order of first appearance. */
    const skip_reason *why = t.reasons.p;
    for (size_t k = 0; k < t.reasons.n; k++)
        note(&nt, "skipped", (long long)why[k].count, why[k].why);
    /* A file without data rows reads as one without an fcr column (as the
     * whole-file version did: its fcr values were an empty array). */
    bool has_fcr = cols[C_FCR].field >= 0 && t.rows > 0;
    if (!has_fcr && o->fcr_window >= 0) {
        if (cols[C_CUSTOMER].field < 0) {
            fprintf(stderr, "svcm kpi: %s:1: --fcr-window needs a customer column (or an fcr "
                    "column)\n", r->path);
            goto done;
        }
        if (fcr_from_repeats(&t, &nt) != 0)
            goto oom;
        has_fcr = true;
    } else if (has_fcr && o->fcr_window >= 0) {
        note(&nt, "fcr", -1, "read from the fcr column; --fcr-window not used");
    }
    if (sort_groups(&t.gr) != 0)
        goto oom;
    code = emit_tickets(&t.gr, cols, has_fcr, o, &nt);
    if (code == CLI_EXIT_OK && o->c.svg)
        code = write_histogram(o->c.svg, t.svg.p, t.svg.n, &t.gr);
    goto done;
oom:
    fprintf(stderr, "svcm kpi: out of memory\n");
    code = CLI_EXIT_DATA;
done:
    if (nt.n > 0)
        cli_table_free(&nt.t);
    tickets_run_free(&t);
    svcm_calendar_free(cal);
    return code;
}
/* The answer of an accumulator that holds exactly one (NaN otherwise). */
static double single_answer(const svcm_feedback *f)
{
    svcm_feedback_options fo;
    uint64_t h[SVCM_FEEDBACK_MAX_LEVELS];
    if (svcm_feedback_count(f) != 1 || svcm_feedback_get_options(f, &fo) != SVCM_OK ||
        svcm_feedback_histogram(f, h, SVCM_FEEDBACK_MAX_LEVELS) != SVCM_OK)
        return NAN;
    for (int32_t i = 0; i <= fo.high - fo.low; i++)
        if (h[i] != 0)
            return (double)(fo.low + i);
    return NAN;
}

/* n, value and interval of one score (value also in *value). The library
 * has no interval for a mean of a single answer (CES, or CSAT with --csat
 * mean): its value is that answer, the interval stays empty. */
static int add_score(cli_table *t, const svcm_feedback *f, double scale, double confidence,
                     double *value)
{
    struct svcm_feedback_result s;
    svcm_feedback_options fo;
    int bad = 0;
    if (svcm_feedback_result(f, confidence, &s) == SVCM_OK) {
        *value = s.value * scale;
        bad |= cli_table_int(t, (long long)s.n);
        bad |= cli_table_num(t, s.value * scale, 2);
        bad |= cli_table_num(t, s.ci.lo * scale, 2);
        return bad | cli_table_num(t, s.ci.hi * scale, 2);
    }
    bool mean = svcm_feedback_get_options(f, &fo) == SVCM_OK &&
                ((fo.kind == SVCM_FEEDBACK_KIND_CES && fo.ces_method == SVCM_CES_METHOD_MEAN) ||
                 (fo.kind == SVCM_FEEDBACK_KIND_CSAT && fo.csat_method == SVCM_CSAT_METHOD_MEAN));
    *value = mean ? single_answer(f) : NAN;
    bad |= cli_table_int(t, (long long)svcm_feedback_count(f));
    bad |= cli_table_num(t, *value, 2);
    return bad | cli_table_num(t, NAN, 2) | cli_table_num(t, NAN, 2);
}

/* The scores table (and, with --by, consistency across groups). */
static int emit_feedback(const groups *gr, const int *slot_of, const kpi_opts *o)
{
    static const char *const names[3] = {"nps", "csat", "ces"};
    static const char *const scols[] = {"group", "metric", "n", "value", "ci_lo", "ci_hi"};
    static const char *const csat_what[3] = {"% top-2-box", "% 4-5 of rated (4-5 and 1-2)",
                                             "mean 1-5"};
    static const char *const ces_what[3] = {"mean", "% 5-7", "%6-7 - %1-3"};
    /* Shares are shown in percent: CSAT top2 and rated, CES top. */
    const double scale[3] = {1.0, o->csat == SVCM_CSAT_METHOD_MEAN ? 1.0 : 100.0,
                             o->ces == SVCM_CES_METHOD_TOP ? 100.0 : 1.0};
    char title[160];
    snprintf(title, sizeof title, "Survey scores (NPS -100..100%s, CSAT %s, CES %s)",
             o->nps_interval == SVCM_NPS_INTERVAL_ADJUSTED ? " adjusted-Wald interval" : "",
             csat_what[o->csat], ces_what[o->ces]);
    cli_table scores = {0}, cons = {0};
    double *per = malloc((gr->n ? gr->n : 1) * 3 * sizeof *per);
    int bad = per == NULL;
    bad |= cli_table_init(&scores, title, 6, scols);
    for (size_t i = 0; i < gr->n && !bad; i++) {
        size_t k = gr->order[i];
        for (int j = 0; j < 3; j++) {
            const svcm_feedback *f;
            per[3 * i + (size_t)j] = NAN;
            if (slot_of[j] < 0 || svcm_kpi_groups_feedback(gr->g, k, (size_t)slot_of[j], &f) != 0)
                continue;
            bad |= cli_table_str(&scores, gr->names[k]);
            bad |= cli_table_str(&scores, names[j]);
            bad |= add_score(&scores, f, scale[j], o->confidence, &per[3 * i + (size_t)j]);
        }
    }
    const bool use[3] = {slot_of[0] >= 0, slot_of[1] >= 0, slot_of[2] >= 0};
    if (o->by && !bad)
        bad |= consistency_table(&cons, names, use, per, gr->n, 3);
    cli_table *tables[2] = {&scores, &cons};
    static const char *const keys[2] = {"scores", "consistency"};
    int code = CLI_EXIT_DATA;
    if (bad)
        fprintf(stderr, "svcm kpi: out of memory\n");
    else
        code = cli_emit(&o->c, tables, keys, o->by ? 2 : 1);
    cli_table_free(&scores);
    cli_table_free(&cons);
    free(per);
    return code;
}

static int kpi_feedback(cli_rows *r, cli_col *cols, const kpi_opts *o)
{
    /* cols: 0 id, 1 nps, 2 csat, 3 ces, 4 group */
    static const int kinds[3] = {SVCM_FEEDBACK_KIND_NPS, SVCM_FEEDBACK_KIND_CSAT, SVCM_FEEDBACK_KIND_CES};
    static const char *const names[3] = {"nps", "csat", "ces"};
    static const char *const scales[3] = {"0-10", "1-5", "1-7"};
    svcm_kpi_slot slots[3];
    int slot_of[3];
    size_t n_slots = 0;
    for (int j = 0; j < 3; j++) {
        slot_of[j] = -1;
        if (cols[1 + j].field < 0)
            continue;
        svcm_kpi_slot_init(&slots[n_slots], SVCM_KPI_SLOT_KIND_FEEDBACK);
        svcm_feedback_options_init(&slots[n_slots].feedback, kinds[j]);
        slots[n_slots].feedback.csat_method = o->csat;
        slots[n_slots].feedback.ces_method = o->ces;
        slots[n_slots].feedback.nps_interval = o->nps_interval;
        slot_of[j] = (int)n_slots++;
    }
    groups gr = {0};
    kpi_error err = {0};
    int code = CLI_EXIT_DATA, rc;
    if (groups_init(&gr, slots, n_slots, o->by != NULL) != 0)
        goto oom;
    /* Answers are counted (histograms: the order does not matter); the
     * checks keep the old order: group names, then each column. */
    while ((rc = cli_rows_next(r)) == 1) {
        size_t k;
        const char *gname = cols[4].field >= 0 ? r->val[4].str : "all";
        int grc = group_of(&gr, gname, &k);
        if (grc == SVCM_ENOMEM)
            goto oom;
        if (grc != SVCM_OK &&
            error_text(&err, KPI_ERR_GROUP,
                       cli_strdupf("svcm kpi: %s: data row %zu, field '%s': group name of %zu "
                                   "bytes is too long\n", r->path, r->rows, cols[4].name,
                                   strlen(gname))) != 0)
            goto oom;
        if (err.prio == KPI_ERR_GROUP)
            continue;
        for (int j = 0; j < 3; j++) {
            double v = r->val[1 + j].num;
            if (slot_of[j] < 0 || isnan(v))
                continue;
            int arc = svcm_kpi_groups_add_score(gr.g, k, (size_t)slot_of[j], v, NULL);
            if (arc == SVCM_EINVAL) {
                char msg[256];
                snprintf(msg, sizeof msg, "%g is not an answer on the %s scale %s", v, names[j],
                         scales[j]);
                if (error_record(&err, KPI_ERR_NPS + j, r->line, cols[1 + j].field, names[j],
                                 cols[0].field >= 0 ? r->val[0].str : NULL, msg) != 0)
                    goto oom;
            } else if (arc != SVCM_OK) {
                fprintf(stderr, "svcm kpi: %s: %s\n", r->path, svcm_strerror(arc));
                goto done;
            }
        }
    }
    if (rc < 0)
        goto done;
    if (err.prio != KPI_ERR_NONE) {
        code = error_print(&err, r->path, &o->c.read);
        goto done;
    }
    if (sort_groups(&gr) != 0)
        goto oom;
    code = emit_feedback(&gr, slot_of, o);
    goto done;
oom:
    fprintf(stderr, "svcm kpi: out of memory\n");
    code = CLI_EXIT_DATA;
done:
    error_clear(&err);
    groups_free(&gr);
    return code;
}

/* Read a tickets or a survey file (told apart by the header) once and
 * report on it. */
static int kpi_run(const cli_args *a, const char *file, kpi_opts *o)
{
    cli_rows r;
    int code = CLI_EXIT_DATA;
    int orc = cli_rows_open("kpi", file, &o->c.read, &r);
    if (orc == CLI_ROWS_EMPTY)
        fprintf(stderr, "svcm kpi: %s: no header row\n", file);
    if (orc != 0)
        goto done;
    const cli_read_opts *ro = &o->c.read;
    const cli_field *hf = r.csv.fields;
    size_t hn = r.csv.nfields;
    int is_tickets = cli_has_column(ro, hf, hn, cli_colname(&o->c, "created"));
    if (!is_tickets && !cli_has_column(ro, hf, hn, cli_colname(&o->c, "nps")) &&
        !cli_has_column(ro, hf, hn, cli_colname(&o->c, "csat")) &&
        !cli_has_column(ro, hf, hn, cli_colname(&o->c, "ces"))) {
        fprintf(stderr, "svcm kpi: %s:1: neither a tickets file (column 'created') nor a survey "
                        "file (columns nps, csat or ces)\n", file);
        goto done;
    }
    /* The group column is looked up only with --by. */
    size_t ncols = (is_tickets ? 7 : 4) + (o->by != NULL);
    if (is_tickets) {
        if (o->response_target > 1e9 || o->resolution_target > 1e9)
            cli_usage_error(a, "targets must be below 1e9 seconds");
        cli_col cols[8] = {
            {cli_colname(&o->c, "id"), CLI_COL_STRING, false, false, -1, NULL},
            {cli_colname(&o->c, "created"), CLI_COL_INSTANT, true, false, -1, NULL},
            {cli_colname(&o->c, "first_response"), CLI_COL_INSTANT, false, true, -1, NULL},
            {cli_colname(&o->c, "resolved"), CLI_COL_INSTANT, false, true, -1, NULL},
            {cli_colname(&o->c, "fcr"), CLI_COL_DOUBLE, false, true, -1, NULL},
            {cli_colname(&o->c, "reopened"), CLI_COL_DOUBLE, false, true, -1, NULL},
            {cli_colname(&o->c, "customer"), CLI_COL_STRING, false, true, -1, NULL},
            {o->by, CLI_COL_STRING, true, true, -1, NULL},
        };
        if (cli_rows_columns(&r, cols, ncols) == 0)
            code = kpi_tickets(&r, cols, o);
    } else {
        if (o->c.svg)
            cli_usage_error(a, "--svg is available for tickets files only");
        cli_col cols[5] = {
            {cli_colname(&o->c, "id"), CLI_COL_STRING, false, false, -1, NULL},
            {cli_colname(&o->c, "nps"), CLI_COL_DOUBLE, false, true, -1, NULL},
            {cli_colname(&o->c, "csat"), CLI_COL_DOUBLE, false, true, -1, NULL},
            {cli_colname(&o->c, "ces"), CLI_COL_DOUBLE, false, true, -1, NULL},
            {o->by, CLI_COL_STRING, true, true, -1, NULL},
        };
        if (cli_rows_columns(&r, cols, ncols) == 0)
            code = kpi_feedback(&r, cols, o);
    }
done:
    cli_rows_close(&r);
    return code;
}

/* The index of s in a NULL-terminated list of names, -1 if absent. */
static int pick(const char *s, const char *const *names)
{
    for (int i = 0; names[i] != NULL; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

int cli_cmd_kpi(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL, "kpi"};
    kpi_opts o = {NULL, NULL, 0, 0, 3600.0, 86400.0, 0.95, {0}, false,
                  SVCM_CSAT_METHOD_TOP_BOX, SVCM_CES_METHOD_MEAN, SVCM_NPS_INTERVAL_WALD, -1.0};
    cli_common_init(&o.c, "kpi");
    const char *file = NULL, *why;
    while (a.i < argc) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            cli_puts(kpi_help);
            cli_puts(kpi_help_conventions);
            cli_puts(kpi_help_input);
            cli_common_free(&o.c);
            return CLI_EXIT_OK;
        } else if (cli_opt(&a, "--by")) {
            o.by = a.value;
        } else if (cli_opt(&a, "--calendar")) {
            o.calendar = a.value;
        } else if (cli_opt(&a, "--now")) {
            cli_field f = {a.value, strlen(a.value)};
            if (cli_read_instant(&f, &o.now, &why) != 0)
                cli_usage_error(&a, "--now: '%s' %s", a.value, why);
            o.have_now = 1;
        } else if (cli_opt(&a, "--response-target")) {
            o.response_target = cli_opt_duration(&a, "--response-target");
        } else if (cli_opt(&a, "--resolution-target")) {
            o.resolution_target = cli_opt_duration(&a, "--resolution-target");
        } else if (cli_opt(&a, "--invalid")) {
            if (strcmp(a.value, "skip") != 0 && strcmp(a.value, "error") != 0)
                cli_usage_error(&a, "--invalid must be error or skip, not '%s'", a.value);
            o.skip_invalid = strcmp(a.value, "skip") == 0;
        } else if (cli_opt(&a, "--csat")) {
            int m = pick(a.value, csat_names);
            if (m < 0)
                cli_usage_error(&a, "--csat must be top2, rated or mean, not '%s'", a.value);
            o.csat = (svcm_csat_method)m;
        } else if (cli_opt(&a, "--ces")) {
            int m = pick(a.value, ces_names);
            if (m < 0)
                cli_usage_error(&a, "--ces must be mean, top or index, not '%s'", a.value);
            o.ces = (svcm_ces_method)m;
        } else if (cli_opt(&a, "--nps-interval")) {
            int m = pick(a.value, nps_interval_names);
            if (m < 0)
                cli_usage_error(&a, "--nps-interval must be wald or adjusted, not '%s'", a.value);
            o.nps_interval = (svcm_nps_interval)m;
        } else if (cli_opt(&a, "--fcr-window")) {
            o.fcr_window = cli_opt_duration(&a, "--fcr-window");
            if (!(o.fcr_window >= 1 && o.fcr_window <= 1e9))
                cli_usage_error(&a, "--fcr-window must be between 1 second and 1e9 seconds");
        } else if (cli_opt(&a, "--confidence")) {
            o.confidence = cli_opt_double(&a, "--confidence");
            if (!(o.confidence > 0 && o.confidence < 1))
                cli_usage_error(&a, "--confidence must be between 0 and 1");
        } else {
            cli_common_or_file(&a, &o.c, &file);
        }
    }
    if (file == NULL)
        cli_usage_error(&a, "no input file");
    if (strcmp(file, "-") == 0 && o.calendar != NULL && strcmp(o.calendar, "-") == 0)
        cli_usage_error(&a, "standard input can be read once: not as FILE and --calendar");
    cli_common_check(&a, &o.c);
    int code = kpi_run(&a, file, &o);
    cli_common_free(&o.c);
    return code;
}
