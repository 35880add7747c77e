/* svcm kpi: ticket KPIs (response and resolution times, SLA compliance on a
 * business-hours calendar, FCR, reopen rate) or survey KPIs (CSAT, NPS, CES),
 * overall and per group, with consistency across groups. */
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
    "usage: svcm kpi FILE [--by COLUMN] [--calendar FILE] [--now INSTANT]\n"
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
    "                     customer is empty, is left out of FCR and counted in Notes\n"
    "\n"
    CLI_FORMAT_HELP CLI_OUTPUT_HELP
    "  --svg FILE         tickets: first-response time distribution (written as\n"
    "                     --output is; not the same file as --output)\n"
    CLI_COL_HELP;
static const char kpi_help_input[] = "\n" CLI_READ_HELP "\n" CLI_INSTANT_HELP;

/* Option spellings of the conventions, in the order of their enum values. */
static const char *const csat_names[] = {"top2", "rated", "mean", NULL};
static const char *const ces_names[] = {"mean", "top", "index", NULL};
static const char *const nps_interval_names[] = {"wald", "adjusted", NULL};

/* Rows grouped by the --by column (or all rows in one group "all"), counted
 * in the library's grouped accumulators. */
typedef struct groups {
    svcm_kpi_groups *g;
    size_t *of_row;      /* group of each row */
    const char **names;  /* name of each group, as read */
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

/* Make the accumulators (slots) and put every row in its group. Returns 0,
 * -1 when out of memory, or 1 (message printed) for a name the library
 * cannot take. */
static int make_groups(const char *path, const cli_dataset *d, const cli_col *col,
                       const svcm_kpi_slot *slots, size_t n_slots, groups *gr)
{
    size_t n = d->n;
    svcm_kpi_groups_options o;
    svcm_kpi_groups_options_init(&o);
    o.slots = slots;
    o.n_slots = n_slots;
    gr->of_row = calloc(n ? n : 1, sizeof *gr->of_row);
    gr->names = calloc(n ? n : 1, sizeof *gr->names);
    if (!gr->of_row || !gr->names || svcm_kpi_groups_new(&o, NULL, &gr->g, NULL) != SVCM_OK)
        return -1;
    size_t k;
    if (col == NULL && group_key(gr, "all", &k) != SVCM_OK)
        return -1;
    if (col == NULL)
        gr->names[0] = "all";
    for (size_t i = 0; i < n; i++) {
        const char *s = col ? cli_str(d, col, i) : "all";
        int rc = group_key(gr, s, &k);
        if (rc == SVCM_ENOMEM)
            return -1;
        if (rc != SVCM_OK) {
            fprintf(stderr, "svcm kpi: %s: data row %zu, field '%s': group name of %zu bytes "
                            "is too long\n", path, i + 1, col->name, strlen(s));
            return 1;
        }
        gr->names[k] = s;
        gr->of_row[i] = k;
    }
    gr->n = svcm_kpi_groups_count(gr->g);
    return sort_groups(gr);
}

static void groups_free(groups *gr)
{
    svcm_kpi_groups_free(gr->g);
    free(gr->of_row);
    free(gr->names);
    free(gr->order);
    free(gr->hex);
}

/* CLI exit code for make_groups()'s result. */
static int groups_failed(int rc)
{
    if (rc < 0)
        fprintf(stderr, "svcm kpi: out of memory\n");
    return CLI_EXIT_DATA;
}

static svcm_calendar *load_calendar(const char *path)
{
    static const char all_week[] = "mon = 00:00-24:00\ntue = 00:00-24:00\nwed = 00:00-24:00\n"
                                   "thu = 00:00-24:00\nfri = 00:00-24:00\nsat = 00:00-24:00\n"
                                   "sun = 00:00-24:00\n";
    char *text = NULL;
    size_t len = 0;
    if (path && cli_read_file(path, &text, &len) != 0) {
        fprintf(stderr, "svcm kpi: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    svcm_calendar *cal = NULL;
    svcm_error err;
    int rc = path ? svcm_calendar_parse(text, len, NULL, &cal, &err)
                  : svcm_calendar_parse(all_week, sizeof all_week - 1, NULL, &cal, &err);
    free(text);
    if (rc != SVCM_OK) {
        cli_text_error("kpi", path ? path : "(built-in calendar)", &err, rc);
        return NULL;
    }
    /* A calendar without open hours would make every duration 0 and every
     * ticket meet its targets: refused. */
    int64_t open_at;
    if (svcm_calendar_next_open(cal, 0, &open_at) == SVCM_ENOTFOUND) {
        fprintf(stderr, "svcm kpi: %s: calendar has no open hours\n", path);
        svcm_calendar_free(cal);
        return NULL;
    }
    return cal;
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

/* The fields of a tickets file and of a survey file, in column order. */
static const char *const ticket_fields[] = {"id", "created", "first_response", "resolved",
                                            "fcr", "reopened"};
static const char *const survey_fields[] = {"id", "nps", "csat", "ces"};

/* A record the library refused, as "svcm kpi: FILE:LINE:COLUMN: FIELD:
 * message (row 'ID')": the line is the row's, the column that of the field
 * the library names (found by reading the file again). */
static int report_error(const char *path, const cli_dataset *d, const cli_col *cols, bool tickets,
                        const cli_read_opts *ro, size_t index, const svcm_error *err, int rc)
{
    if (index == SVCM_NO_INDEX || index >= d->n) {
        fprintf(stderr, "svcm kpi: %s: %s\n", path, err->message[0] ? err->message : svcm_strerror(rc));
        return CLI_EXIT_DATA;
    }
    const char *const *names = tickets ? ticket_fields : survey_fields;
    size_t nn = tickets ? 6 : 4;
    long field = -1;
    for (size_t k = 0; err->field && k < nn; k++)
        if (strcmp(err->field, names[k]) == 0)
            field = cols[k].field;
    cli_record_error("kpi", path, ro, d, index, field, err->field, "row",
                     cols[0].field >= 0 ? cli_str(d, &cols[0], index) : NULL, err->message);
    return CLI_EXIT_DATA;
}

/* Slots of a tickets report: times, SLA counts, FCR and reopen rates. */
enum { T_FIRST, T_RESOLUTION, T_SLA_FIRST, T_SLA_RESOLUTION, T_FCR, T_REOPEN, T_SLOTS };

/* The --svg chart: first-response times of all answered tickets in
 * (business) hours, with the P50/P90/P95 of the merged groups. */
static int write_histogram(const char *path, const svcm_calendar *cal, const int64_t *created,
                           const int64_t *first, size_t n, const groups *gr)
{
    double *h = malloc((n ? n : 1) * sizeof *h);
    svcm_durations *all = NULL;
    if (h == NULL || svcm_durations_new(NULL, NULL, &all, NULL) != SVCM_OK) {
        free(h);
        fprintf(stderr, "svcm kpi: out of memory\n");
        return CLI_EXIT_DATA;
    }
    size_t m = 0;
    for (size_t k = 0; k < gr->n; k++) {
        const svcm_durations *d;
        if (svcm_kpi_groups_durations(gr->g, k, T_FIRST, &d) == SVCM_OK)
            svcm_durations_merge(all, d);
    }
    for (size_t i = 0; i < n; i++) {
        int64_t bs;
        if (first[i] != INT64_MIN &&
            svcm_calendar_business_seconds(cal, created[i], first[i], &bs) == SVCM_OK)
            h[m++] = (double)bs / 3600.0;
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
    free(h);
    return code;
}

/* The as-of instant: --now, or the latest instant in the file. */
static int64_t tickets_now(const cli_col *cols, size_t n, const kpi_opts *o)
{
    const int64_t *created = cols[1].values, *first = cols[2].values, *resolved = cols[3].values;
    if (o->have_now)
        return o->now;
    int64_t now = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        if (created[i] > now)
            now = created[i];
        if (first[i] != INT64_MIN && first[i] > now)
            now = first[i];
        if (resolved[i] != INT64_MIN && resolved[i] > now)
            now = resolved[i];
    }
    return now;
}

/* Evaluate every ticket's SLA timers (which also validates the instants
 * and gives business-time durations) into *res; CLI exit code. */
static int evaluate_tickets(const char *path, const cli_dataset *d, cli_col *cols,
                            const kpi_opts *o, const svcm_calendar *cal, struct svcm_sla_result **res)
{
    size_t n = d->n;
    const int64_t *created = cols[1].values, *first = cols[2].values, *resolved = cols[3].values;
    svcm_sla_ticket *tickets = calloc(n ? n : 1, sizeof *tickets);
    *res = malloc((n ? n : 1) * sizeof **res);
    if (tickets == NULL || *res == NULL) {
        free(tickets);
        fprintf(stderr, "svcm kpi: out of memory\n");
        return CLI_EXIT_DATA;
    }
    for (size_t i = 0; i < n; i++) {
        tickets[i].created = created[i];
        tickets[i].first_response = first[i] == INT64_MIN ? SVCM_SLA_NONE : first[i];
        tickets[i].resolved = resolved[i] == INT64_MIN ? SVCM_SLA_NONE : resolved[i];
        tickets[i].response_target = (int64_t)o->response_target;
        tickets[i].resolution_target = (int64_t)o->resolution_target;
    }
    svcm_error err;
    svcm_sla_summary all;
    int rc = svcm_sla_compliance(cal, tickets, n, tickets_now(cols, n, o), o->confidence, &all,
                                 *res, &err);
    free(tickets);
    return rc == SVCM_OK ? CLI_EXIT_OK : report_error(path, d, cols, true, &o->c.read, err.index, &err, rc);
}

/* fcr and reopened must be 0 or 1 (or empty) in every row, checked before
 * anything is counted; CLI exit code. */
static int check_outcomes(const char *path, const cli_dataset *d, const cli_col *cols,
                          const kpi_opts *o)
{
    const double *fcr = cols[4].field >= 0 ? cols[4].values : NULL;
    const double *reo = cols[5].field >= 0 ? cols[5].values : NULL;
    for (size_t i = 0; i < d->n; i++) {
        const char *bad = NULL;
        if (fcr && !isnan(fcr[i]) && fcr[i] != 0 && fcr[i] != 1)
            bad = "fcr";
        if (reo && !isnan(reo[i]) && reo[i] != 0 && reo[i] != 1)
            bad = "reopened";
        if (bad) {
            svcm_error e;
            svcm_error_clear(&e);
            e.field = bad;
            snprintf(e.message, sizeof e.message, "must be 0 or 1");
            return report_error(path, d, cols, true, &o->c.read, i, &e, SVCM_EINVAL);
        }
    }
    return CLI_EXIT_OK;
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

/* Count every (validated) ticket in its group; SVCM_OK or the error. */
static int count_tickets(const groups *gr, const cli_col *cols, const double *fcr,
                         const struct svcm_sla_result *res, size_t n)
{
    const double *reo = cols[5].field >= 0 ? cols[5].values : NULL;
    svcm_kpi_groups *g = gr->g;
    int rc = SVCM_OK;
    for (size_t i = 0; i < n && rc == SVCM_OK; i++) {
        size_t k = gr->of_row[i];
        if (res[i].response.stopped)
            rc |= svcm_kpi_groups_add_duration(g, k, T_FIRST, (double)res[i].response.elapsed, NULL);
        if (res[i].resolution.stopped)
            rc |= svcm_kpi_groups_add_duration(g, k, T_RESOLUTION,
                                               (double)res[i].resolution.elapsed, NULL);
        rc |= add_sla(g, k, T_SLA_FIRST, &res[i].response);
        rc |= add_sla(g, k, T_SLA_RESOLUTION, &res[i].resolution);
        if (fcr && !isnan(fcr[i]))
            rc |= svcm_kpi_groups_add_outcome(g, k, T_FCR, fcr[i] == 1, NULL);
        if (reo && !isnan(reo[i]))
            rc |= svcm_kpi_groups_add_outcome(g, k, T_REOPEN, reo[i] == 1, NULL);
    }
    return rc;
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

/* A column the file lacks reads as "never happened" (INT64_MIN) so the
 * timers run; its metrics are left out of the report and noted. */
static int fill_absent(cli_col *col, size_t n)
{
    if (col->field >= 0)
        return 0;
    int64_t *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        v[i] = INT64_MIN;
    col->values = v;
    return 0;
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

/* --invalid skip: leave out the tickets the SLA engine refuses (and fcr or
 * reopened values other than 0/1), noting how many for each reason. */
static int skip_invalid(const cli_dataset *dc, cli_dataset *d, cli_col *cols, const kpi_opts *o,
                        const svcm_calendar *cal, notes *nt)
{
    (void)dc;
    size_t n = d->n;
    bool *keep = malloc((n ? n : 1) * sizeof *keep);
    char (*why)[160] = malloc((n ? n : 1) * sizeof *why);
    if (keep == NULL || why == NULL) {
        free(keep);
        free(why);
        fprintf(stderr, "svcm kpi: out of memory\n");
        return CLI_EXIT_DATA;
    }
    const int64_t *created = cols[1].values, *first = cols[2].values, *resolved = cols[3].values;
    const double *fcr = cols[4].field >= 0 ? cols[4].values : NULL;
    const double *reo = cols[5].field >= 0 ? cols[5].values : NULL;
    int64_t now = o->have_now ? o->now : INT64_MIN;
    if (!o->have_now) /* the latest instant of the rows, as without skipping */
        for (size_t i = 0; i < n; i++) {
            now = created[i] > now ? created[i] : now;
            now = first[i] != INT64_MIN && first[i] > now ? first[i] : now;
            now = resolved[i] != INT64_MIN && resolved[i] > now ? resolved[i] : now;
        }
    size_t dropped = 0;
    for (size_t i = 0; i < n; i++) {
        svcm_sla_ticket t = {0};
        t.created = created[i];
        t.first_response = first[i] == INT64_MIN ? SVCM_SLA_NONE : first[i];
        t.resolved = resolved[i] == INT64_MIN ? SVCM_SLA_NONE : resolved[i];
        t.response_target = (int64_t)o->response_target;
        t.resolution_target = (int64_t)o->resolution_target;
        struct svcm_sla_result r;
        svcm_error e;
        keep[i] = true;
        if (svcm_sla_evaluate(cal, &t, now, &r, &e) != SVCM_OK) {
            invalid_reason(&e, why[dropped], sizeof why[0]);
            keep[i] = false;
        } else if (fcr && !isnan(fcr[i]) && fcr[i] != 0 && fcr[i] != 1) {
            snprintf(why[dropped], sizeof why[0], "fcr is not 0 or 1");
            keep[i] = false;
        } else if (reo && !isnan(reo[i]) && reo[i] != 0 && reo[i] != 1) {
            snprintf(why[dropped], sizeof why[0], "reopened is not 0 or 1");
            keep[i] = false;
        }
        dropped += !keep[i];
    }
    /* One note per distinct reason, in order of first appearance. */
    for (size_t k = 0; k < dropped; k++) {
        size_t count = 0, first_k = k;
        for (size_t j = 0; j < dropped; j++)
            if (strcmp(why[j], why[k]) == 0) {
                if (j < k)
                    first_k = j;
                count++;
            }
        if (first_k == k)
            note(nt, "skipped", (long long)count, why[k]);
    }
    cli_dataset_keep(d, keep);
    free(keep);
    free(why);
    return CLI_EXIT_OK;
}

/* A customer name and the row it was read from, to number the names. */
typedef struct customer_name {
    const char *name;
    size_t row;
} customer_name;

static int customer_name_cmp(const void *pa, const void *pb)
{
    const customer_name *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c != 0 ? c : (a->row > b->row) - (a->row < b->row);
}

/* --fcr-window W without an fcr column: the FCR of each ticket from repeat
 * contacts by svcm_fcr_repeats() (its header has the exact rule), the
 * customer names numbered first. 1 resolved at first contact, 0 repeated,
 * NaN undecided (window past the as-of instant: --now, or the latest
 * created instant) or no customer; both counted in the notes. Returns n
 * values, NULL when out of memory. */
static double *fcr_from_repeats(const cli_dataset *d, const cli_col *cols, const kpi_opts *o,
                                notes *nt)
{
    size_t n = d->n, m = 0, undecided = 0;
    const int64_t *created = cols[1].values;
    double *fcr = malloc((n ? n : 1) * sizeof *fcr);
    customer_name *names = malloc((n ? n : 1) * sizeof *names);
    int64_t *who = malloc((n ? n : 1) * sizeof *who), *when = malloc((n ? n : 1) * sizeof *when);
    uint8_t *outcome = malloc(n ? n : 1);
    size_t *row = malloc((n ? n : 1) * sizeof *row);
    double *ok = NULL;
    if (fcr == NULL || names == NULL || who == NULL || when == NULL || outcome == NULL ||
        row == NULL)
        goto done;
    int64_t end = INT64_MIN;
    for (size_t i = 0; i < n; i++)
        end = created[i] > end ? created[i] : end;
    if (o->have_now)
        end = o->now;
    for (size_t i = 0; i < n; i++) {
        fcr[i] = NAN;
        const char *s = cli_str(d, &cols[6], i);
        if (s[0] != '\0')
            names[m++] = (customer_name){s, i};
    }
    /* Number the customers by name; the tickets keep their file order. */
    qsort(names, m, sizeof *names, customer_name_cmp);
    int64_t id = 0;
    for (size_t k = 0; k < m; k++) {
        if (k > 0 && strcmp(names[k].name, names[k - 1].name) != 0)
            id++;
        who[names[k].row] = id;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (cli_str(d, &cols[6], i)[0] != '\0') {
            row[kept] = i;
            who[kept] = who[i];
            /* created <= end: a ticket after --now fails the SLA check
             * before this runs (and --invalid skip drops it). */
            when[kept++] = created[i] > end ? end : created[i];
        }
    svcm_rate r;
    svcm_error err;
    if (svcm_fcr_repeats(who, when, kept, (int64_t)o->fcr_window, end, NULL, outcome, &r, &err) !=
        SVCM_OK)
        goto done;
    for (size_t k = 0; k < kept; k++) {
        if (outcome[k] == SVCM_FCR_OUTCOME_UNDECIDED)
            undecided++;
        else
            fcr[row[k]] = outcome[k] == SVCM_FCR_OUTCOME_RESOLVED ? 1.0 : 0.0;
    }
    char what[160];
    if (undecided > 0) {
        char at[32];
        cli_format_instant(end, at, sizeof at);
        snprintf(what, sizeof what, "left out of FCR: no repeat yet and the window runs past %s",
                 at);
        note(nt, "fcr", (long long)undecided, what);
    }
    if (n > kept)
        note(nt, "fcr", (long long)(n - kept), "left out of FCR: no customer");
    ok = fcr;
    fcr = NULL;
done:
    free(fcr);
    free(names);
    free(who);
    free(when);
    free(outcome);
    free(row);
    return ok;
}

static int kpi_tickets(const char *path, cli_dataset *d, cli_col *cols, const kpi_opts *o)
{
    /* cols: 0 id, 1 created, 2 first_response, 3 resolved, 4 fcr, 5 reopened,
     * 6 customer, 7 group */
    svcm_kpi_slot slots[T_SLOTS];
    ticket_slots(slots);
    groups gr = {0};
    notes nt = {0};
    struct svcm_sla_result *res = NULL;
    double *repeat = NULL; /* --fcr-window: FCR of each ticket from repeat contacts */
    svcm_calendar *cal = load_calendar(o->calendar);
    int code = CLI_EXIT_DATA;
    if (cal == NULL)
        goto done;
    if (cols[2].field < 0 && cols[3].field < 0) {
        fprintf(stderr, "svcm kpi: %s:1: a tickets file needs a first_response or a resolved "
                "column (or both)\n", path);
        goto done;
    }
    if (fill_absent(&cols[2], d->n) != 0 || fill_absent(&cols[3], d->n) != 0) {
        fprintf(stderr, "svcm kpi: out of memory\n");
        goto done;
    }
    if (cols[2].field < 0)
        note(&nt, "not computed", -1, "first-response time and its SLA: no first_response column");
    if (cols[3].field < 0)
        note(&nt, "not computed", -1, "resolution time and its SLA: no resolved column");
    if (o->skip_invalid && (code = skip_invalid(d, d, cols, o, cal, &nt)) != CLI_EXIT_OK)
        goto done;
    code = CLI_EXIT_DATA;
    int rc = make_groups(path, d, o->by ? &cols[7] : NULL, slots, T_SLOTS, &gr);
    if (rc != 0) {
        code = groups_failed(rc);
        goto done;
    }
    code = evaluate_tickets(path, d, cols, o, cal, &res);
    if (code == CLI_EXIT_OK)
        code = check_outcomes(path, d, cols, o);
    if (code != CLI_EXIT_OK)
        goto done;
    const double *fcr = cols[4].field >= 0 ? cols[4].values : NULL;
    if (fcr == NULL && o->fcr_window >= 0) {
        if (cols[6].field < 0) {
            fprintf(stderr, "svcm kpi: %s:1: --fcr-window needs a customer column (or an fcr "
                    "column)\n", path);
            code = CLI_EXIT_DATA;
            goto done;
        }
        fcr = repeat = fcr_from_repeats(d, cols, o, &nt);
        if (repeat == NULL) {
            fprintf(stderr, "svcm kpi: out of memory\n");
            code = CLI_EXIT_DATA;
            goto done;
        }
    } else if (fcr != NULL && o->fcr_window >= 0) {
        note(&nt, "fcr", -1, "read from the fcr column; --fcr-window not used");
    }
    if (count_tickets(&gr, cols, fcr, res, d->n) != SVCM_OK) {
        fprintf(stderr, "svcm kpi: out of memory\n");
        code = CLI_EXIT_DATA;
        goto done;
    }
    code = emit_tickets(&gr, cols, fcr != NULL, o, &nt);
    if (code == CLI_EXIT_OK && o->c.svg)
        code = write_histogram(o->c.svg, cal, cols[1].values, cols[2].values, d->n, &gr);
done:
    for (int j = 2; j <= 3; j++)
        if (cols[j].field < 0) {
            free(cols[j].values);
            cols[j].values = NULL;
        }
    if (nt.n > 0)
        cli_table_free(&nt.t);
    free(repeat);
    free(res);
    groups_free(&gr);
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

/* Count every answer of the survey columns present (slot j of column j
 * among them); empty cells are questions not answered. CLI exit code. */
static int count_answers(const char *path, const cli_dataset *d, const cli_col *cols,
                         const groups *gr, const int *slot_of, const cli_read_opts *ro)
{
    static const char *const names[3] = {"nps", "csat", "ces"};
    static const char *const scales[3] = {"0-10", "1-5", "1-7"};
    for (int j = 0; j < 3; j++) {
        if (slot_of[j] < 0)
            continue;
        const double *v = cols[1 + j].values;
        for (size_t i = 0; i < d->n; i++) {
            if (isnan(v[i]))
                continue;
            int rc = svcm_kpi_groups_add_score(gr->g, gr->of_row[i], (size_t)slot_of[j], v[i], NULL);
            if (rc == SVCM_EINVAL) {
                svcm_error e;
                svcm_error_clear(&e);
                e.field = names[j];
                snprintf(e.message, sizeof e.message, "%g is not an answer on the %s scale %s",
                         v[i], names[j], scales[j]);
                return report_error(path, d, cols, false, ro, i, &e, SVCM_EINVAL);
            }
            if (rc != SVCM_OK) {
                fprintf(stderr, "svcm kpi: %s: %s\n", path, svcm_strerror(rc));
                return CLI_EXIT_DATA;
            }
        }
    }
    return CLI_EXIT_OK;
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

static int kpi_feedback(const char *path, cli_dataset *d, cli_col *cols, const kpi_opts *o)
{
    /* cols: 0 id, 1 nps, 2 csat, 3 ces, 4 group */
    static const int kinds[3] = {SVCM_FEEDBACK_KIND_NPS, SVCM_FEEDBACK_KIND_CSAT, SVCM_FEEDBACK_KIND_CES};
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
    int rc = make_groups(path, d, o->by ? &cols[4] : NULL, slots, n_slots, &gr);
    int code = rc != 0 ? groups_failed(rc) : count_answers(path, d, cols, &gr, slot_of, &o->c.read);
    if (code == CLI_EXIT_OK)
        code = emit_feedback(&gr, slot_of, o);
    groups_free(&gr);
    return code;
}

/* Which kind of file: look at the header. */
static int sniff(const char *path, const cli_common *c, int *is_tickets)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "svcm kpi: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    cli_csv r;
    const cli_read_opts *ro = &c->read;
    int rc = cli_csv_open(&r, f, ro->sep);
    if (ro->whitespace)
        cli_csv_set_whitespace(&r);
    rc = rc == 0 ? cli_csv_next(&r) : -1;
    if (rc == 1) {
        *is_tickets = cli_has_column(ro, r.fields, r.nfields, cli_colname(c, "created"));
        if (!*is_tickets && !cli_has_column(ro, r.fields, r.nfields, cli_colname(c, "nps")) &&
            !cli_has_column(ro, r.fields, r.nfields, cli_colname(c, "csat")) &&
            !cli_has_column(ro, r.fields, r.nfields, cli_colname(c, "ces"))) {
            fprintf(stderr, "svcm kpi: %s:1: neither a tickets file (column 'created') nor a survey "
                            "file (columns nps, csat or ces)\n", path);
            rc = -1;
        }
    } else {
        if (rc == 0 && ferror(f))
            fprintf(stderr, "svcm kpi: %s: read error\n", path);
        else if (rc == 0)
            fprintf(stderr, "svcm kpi: %s: no header row\n", path);
        else
            fprintf(stderr, "svcm kpi: %s:%llu:%llu: %s\n", path,
                    (unsigned long long)r.error_line, (unsigned long long)r.error_col, r.error);
        rc = -1;
    }
    cli_csv_close(&r);
    fclose(f);
    return rc == 1 ? 0 : -1;
}

/* Load a tickets or a survey file and report on it. */
static int kpi_run(const cli_args *a, const char *file, kpi_opts *o)
{
    int is_tickets = 0;
    if (sniff(file, &o->c, &is_tickets) != 0)
        return CLI_EXIT_DATA;
    /* The group column is looked up only with --by. */
    size_t ncols = (is_tickets ? 7 : 4) + (o->by != NULL);
    cli_dataset d;
    int code;
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
        if (cli_load("kpi", file, &o->c.read, cols, ncols, &d) != 0)
            return CLI_EXIT_DATA;
        code = kpi_tickets(file, &d, cols, o);
        cli_dataset_free(&d); /* d points into cols: free in this scope */
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
        if (cli_load("kpi", file, &o->c.read, cols, ncols, &d) != 0)
            return CLI_EXIT_DATA;
        code = kpi_feedback(file, &d, cols, o);
        cli_dataset_free(&d);
    }
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
    if (strcmp(file, "-") == 0)
        cli_usage_error(&a, "needs a file, not standard input: it reads the header once to "
                            "tell tickets from survey answers, then the whole file");
    cli_common_check(&a, &o.c);
    int code = kpi_run(&a, file, &o);
    cli_common_free(&o.c);
    return code;
}
