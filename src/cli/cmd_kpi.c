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
    "                [common options]\n"
    "\n"
    "A tickets file (columns created, first_response, resolved; optional fcr and\n"
    "reopened as 0/1) gives first-response and resolution times (count, mean,\n"
    "P50/P90/P95/P99 from a mergeable sketch within 1%), SLA compliance against\n"
    "the targets in business time, FCR and reopen rates with Wilson intervals.\n"
    "A survey file (any of the columns nps 0-10, csat 1-5, ces 1-7; empty =\n"
    "not answered) gives NPS, CSAT (top-2-box) and CES with confidence intervals.\n"
    "CES with a single answer has that answer as its value and no interval.\n"
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
    CLI_FORMAT_HELP CLI_OUTPUT_HELP
    "  --svg FILE         tickets: first-response time distribution (written as\n"
    "                     --output is; not the same file as --output)\n"
    CLI_COL_HELP
    "\n" CLI_INSTANT_HELP;

typedef struct groups {
    size_t n;            /* number of groups */
    const char **names;  /* sorted */
    size_t *of_row;      /* group index of each row */
} groups;

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Group rows by a string column (or one group "all"). */
static int make_groups(const cli_dataset *d, const cli_col *col, groups *g)
{
    size_t n = d->n;
    g->of_row = calloc(n ? n : 1, sizeof *g->of_row);
    g->names = malloc((n ? n : 1) * sizeof *g->names);
    if (!g->of_row || !g->names)
        return -1;
    if (col == NULL) {
        g->n = 1;
        g->names[0] = "all";
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        g->names[i] = cli_str(d, col, i);
    qsort(g->names, n, sizeof *g->names, str_cmp);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || strcmp(g->names[u - 1], g->names[i]) != 0)
            g->names[u++] = g->names[i];
    g->n = u;
    for (size_t i = 0; i < n; i++) {
        const char *key = cli_str(d, col, i);
        const char **hit = bsearch(&key, g->names, u, sizeof *g->names, str_cmp);
        g->of_row[i] = (size_t)(hit - g->names);
    }
    return 0;
}

static void groups_free(groups *g)
{
    free(g->of_row);
    free(g->names);
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
        fprintf(stderr, "svcm kpi: %s:%zu: %s\n", path ? path : "(built-in calendar)",
                err.index == SVCM_NO_INDEX ? (size_t)0 : err.index,
                err.message[0] ? err.message : svcm_strerror(rc));
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
    svcm_durations_result r;
    int bad = cli_table_str(t, group);
    bad |= cli_table_str(t, metric);
    if (svcm_durations_summary(d, &r) != SVCM_OK) {
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
    svcm_consistency_result r;
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
} kpi_opts;

static int report_error(const char *path, const cli_dataset *d, const cli_col *id, size_t index,
                        const svcm_error *err, int rc)
{
    if (index != SVCM_NO_INDEX && index < d->n && id && id->field >= 0)
        fprintf(stderr, "svcm kpi: %s: row '%s' (data row %zu), field '%s': %s\n", path,
                cli_str(d, id, index), index + 1, err->field ? err->field : "?", err->message);
    else if (index != SVCM_NO_INDEX)
        fprintf(stderr, "svcm kpi: %s: data row %zu, field '%s': %s\n", path, index + 1,
                err->field ? err->field : "?", err->message);
    else
        fprintf(stderr, "svcm kpi: %s: %s\n", path, err->message[0] ? err->message : svcm_strerror(rc));
    return CLI_EXIT_DATA;
}

/* The --svg chart: first-response times of all answered tickets in
 * (business) hours, with the P50/P90/P95 of the merged groups. */
static int write_histogram(const char *path, const svcm_calendar *cal, const int64_t *created,
                           const int64_t *first, size_t n, svcm_durations *const *dur, size_t ng)
{
    double *h = malloc((n ? n : 1) * sizeof *h);
    svcm_durations *all = NULL;
    if (h == NULL || svcm_durations_new(NULL, NULL, &all) != SVCM_OK) {
        free(h);
        fprintf(stderr, "svcm kpi: out of memory\n");
        return CLI_EXIT_DATA;
    }
    size_t m = 0;
    for (size_t k = 0; k < ng; k++)
        svcm_durations_merge(all, dur[2 * k]);
    for (size_t i = 0; i < n; i++) {
        int64_t bs;
        if (first[i] != INT64_MIN &&
            svcm_calendar_business_seconds(cal, created[i], first[i], &bs) == SVCM_OK)
            h[m++] = (double)bs / 3600.0;
    }
    svcm_durations_result r;
    double marks[3] = {NAN, NAN, NAN};
    if (svcm_durations_summary(all, &r) == SVCM_OK) {
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

static int kpi_tickets(const char *path, cli_dataset *d, cli_col *cols, const kpi_opts *o)
{
    /* cols: 0 id, 1 created, 2 first_response, 3 resolved, 4 fcr, 5 reopened, 6 group */
    size_t n = d->n;
    const int64_t *created = cols[1].values, *first = cols[2].values, *resolved = cols[3].values;
    groups g = {0};
    svcm_calendar *cal = load_calendar(o->calendar);
    svcm_sla_ticket *tickets = calloc(n ? n : 1, sizeof *tickets);
    double *fr = malloc((n ? n : 1) * sizeof *fr), *rs = malloc((n ? n : 1) * sizeof *rs);
    size_t ng = 0;
    int code = CLI_EXIT_DATA;
    svcm_durations **dur = NULL;
    svcm_sla_summary *sla = NULL;
    svcm_rate *fcr = NULL, *reopen = NULL;
    double *per = NULL;
    cli_table times, rates, cons;
    int have_times = 0, have_rates = 0, have_cons = 0;
    if (!cal || !tickets || !fr || !rs || make_groups(d, o->by ? &cols[6] : NULL, &g) != 0)
        goto done;
    ng = g.n;
    int64_t now = o->have_now ? o->now : INT64_MIN;
    for (size_t i = 0; i < n && !o->have_now; i++) {
        if (created[i] > now)
            now = created[i];
        if (first[i] != INT64_MIN && first[i] > now)
            now = first[i];
        if (resolved[i] != INT64_MIN && resolved[i] > now)
            now = resolved[i];
    }
    for (size_t i = 0; i < n; i++) {
        tickets[i].created = created[i];
        tickets[i].first_response = first[i] == INT64_MIN ? SVCM_SLA_NONE : first[i];
        tickets[i].resolved = resolved[i] == INT64_MIN ? SVCM_SLA_NONE : resolved[i];
        tickets[i].response_target = (int64_t)o->response_target;
        tickets[i].resolution_target = (int64_t)o->resolution_target;
    }
    /* Validate every ticket (and get business-time durations) in one pass. */
    svcm_sla_result *res = malloc((n ? n : 1) * sizeof *res);
    if (res == NULL)
        goto done;
    svcm_error err;
    svcm_sla_summary all;
    int rc = svcm_sla_compliance(cal, tickets, n, now, o->confidence, &all, res, &err);
    if (rc != SVCM_OK) {
        free(res);
        code = report_error(path, d, &cols[0], err.index, &err, rc);
        goto done;
    }
    dur = calloc(2 * ng, sizeof *dur);
    sla = calloc(ng, sizeof *sla);
    fcr = calloc(ng, sizeof *fcr);
    reopen = calloc(ng, sizeof *reopen);
    per = malloc(4 * ng * sizeof *per);
    if (!dur || !sla || !fcr || !reopen || !per) {
        free(res);
        goto done;
    }
    for (size_t k = 0; k < 2 * ng; k++)
        if (svcm_durations_new(NULL, NULL, &dur[k]) != SVCM_OK) {
            free(res);
            goto done;
        }
    for (size_t k = 0; k < ng; k++) {
        svcm_rate_init(&fcr[k], SVCM_RATE_FCR);
        svcm_rate_init(&reopen[k], SVCM_RATE_REOPEN);
    }
    const double *fcr_v = cols[4].field >= 0 ? cols[4].values : NULL;
    const double *reo_v = cols[5].field >= 0 ? cols[5].values : NULL;
    for (size_t i = 0; i < n; i++) {
        size_t k = g.of_row[i];
        if (res[i].response.stopped)
            svcm_durations_add(dur[2 * k], (double)res[i].response.elapsed);
        if (res[i].resolution.stopped)
            svcm_durations_add(dur[2 * k + 1], (double)res[i].resolution.elapsed);
        const char *bad_field = NULL;
        if (fcr_v && !isnan(fcr_v[i]) && svcm_rate_add_batch(&fcr[k], &fcr_v[i], 1, NULL) != SVCM_OK)
            bad_field = "fcr";
        if (reo_v && !isnan(reo_v[i]) && svcm_rate_add_batch(&reopen[k], &reo_v[i], 1, NULL) != SVCM_OK)
            bad_field = "reopened";
        if (bad_field) {
            svcm_error e2;
            svcm_error_clear(&e2);
            e2.field = bad_field;
            snprintf(e2.message, sizeof e2.message, "must be 0 or 1");
            free(res);
            code = report_error(path, d, &cols[0], i, &e2, SVCM_EINVAL);
            goto done;
        }
    }
    /* Per-group SLA compliance from the per-ticket results. */
    for (size_t k = 0; k < ng; k++) {
        svcm_sla_summary *s = &sla[k];
        memset(s, 0, sizeof *s);
    }
    for (size_t i = 0; i < n; i++) {
        svcm_sla_summary *s = &sla[g.of_row[i]];
        const svcm_sla_metric *m[2] = {&res[i].response, &res[i].resolution};
        svcm_sla_rate *r[2] = {&s->response, &s->resolution};
        for (int j = 0; j < 2; j++) {
            if (m[j]->breached)
                r[j]->breached++;
            else if (m[j]->met)
                r[j]->met++;
            else
                r[j]->pending++;
        }
    }
    free(res);
    static const char *const tcols[] = {"group", "metric", "n", "mean_h", "p50_h", "p90_h",
                                        "p95_h", "p99_h", "max_h"};
    static const char *const rcols[] = {"group", "metric", "successes", "trials", "pct",
                                        "ci_lo_pct", "ci_hi_pct"};
    static const char *const ccols[] = {"metric", "groups", "mean", "sd", "cv", "min", "max"};
    int bad = cli_table_init(&times, o->calendar ? "Times in business hours" : "Times in hours", 9, tcols);
    have_times = 1;
    bad |= cli_table_init(&rates, "Rates", 7, rcols);
    have_rates = 1;
    for (size_t k = 0; k < ng && !bad; k++) {
        bad |= add_duration_row(&times, g.names[k], "first_response", dur[2 * k]);
        bad |= add_duration_row(&times, g.names[k], "resolution", dur[2 * k + 1]);
        const char *names[2] = {"sla_first_response", "sla_resolution"};
        svcm_sla_rate *r[2] = {&sla[k].response, &sla[k].resolution};
        for (int j = 0; j < 2; j++) {
            uint64_t decided = r[j]->met + r[j]->breached;
            svcm_interval ci = {NAN, NAN};
            double rate = NAN;
            if (decided > 0) {
                svcm_wilson(r[j]->met, decided, o->confidence, &ci);
                rate = (double)r[j]->met / (double)decided;
            }
            per[4 * k + j] = rate;
            bad |= add_rate_row(&rates, g.names[k], names[j], r[j]->met, decided, ci, rate);
        }
        svcm_rate *rr[2] = {&fcr[k], &reopen[k]};
        const char *rn[2] = {"fcr", "reopen"};
        for (int j = 0; j < 2; j++) {
            if (j == 0 ? !fcr_v : !reo_v) {
                per[4 * k + 2 + j] = NAN;
                continue;
            }
            svcm_rate_summary s;
            if (svcm_rate_result(rr[j], o->confidence, &s) == SVCM_OK) {
                per[4 * k + 2 + j] = s.rate;
                bad |= add_rate_row(&rates, g.names[k], rn[j], s.successes, s.trials, s.ci, s.rate);
            } else {
                per[4 * k + 2 + j] = NAN;
            }
        }
    }
    cli_table *tables[3] = {&times, &rates, &cons};
    const char *keys[3] = {"times", "rates", "consistency"};
    size_t nt = 2;
    if (o->by && !bad) {
        bad |= cli_table_init(&cons, "Consistency across groups", 7, ccols);
        have_cons = 1;
        const char *cn[4] = {"sla_first_response", "sla_resolution", "fcr", "reopen"};
        double *v = malloc(ng * sizeof *v);
        if (v == NULL)
            bad = 1;
        for (int j = 0; j < 4 && !bad; j++) {
            for (size_t k = 0; k < ng; k++)
                v[k] = per[4 * k + j];
            bad |= add_consistency_row(&cons, cn[j], v, ng);
        }
        free(v);
        nt = 3;
    }
    if (bad) {
        fprintf(stderr, "svcm kpi: out of memory\n");
        goto done;
    }
    code = cli_emit(&o->c, tables, keys, nt);
    if (code == CLI_EXIT_OK && o->c.svg)
        code = write_histogram(o->c.svg, cal, created, first, n, dur, ng);
done:
    if (have_times)
        cli_table_free(&times);
    if (have_rates)
        cli_table_free(&rates);
    if (have_cons)
        cli_table_free(&cons);
    if (dur)
        for (size_t k = 0; k < 2 * ng; k++)
            svcm_durations_free(dur[k]);
    free(dur);
    free(sla);
    free(fcr);
    free(reopen);
    free(per);
    free(tickets);
    free(fr);
    free(rs);
    svcm_calendar_free(cal);
    groups_free(&g);
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
 * has no interval for a single CES answer: its value is that answer (the
 * mean of one), the interval stays empty. */
static int add_score(cli_table *t, const svcm_feedback *f, double scale, double confidence,
                     double *value)
{
    svcm_feedback_summary s;
    svcm_feedback_options fo;
    int bad = 0;
    if (svcm_feedback_result(f, confidence, &s) == SVCM_OK) {
        *value = s.value * scale;
        bad |= cli_table_int(t, (long long)s.n);
        bad |= cli_table_num(t, s.value * scale, 2);
        bad |= cli_table_num(t, s.ci.lo * scale, 2);
        return bad | cli_table_num(t, s.ci.hi * scale, 2);
    }
    bool ces = svcm_feedback_get_options(f, &fo) == SVCM_OK && fo.kind == SVCM_FEEDBACK_CES;
    *value = ces ? single_answer(f) : NAN;
    bad |= cli_table_int(t, (long long)svcm_feedback_count(f));
    bad |= cli_table_num(t, *value, 2);
    return bad | cli_table_num(t, NAN, 2) | cli_table_num(t, NAN, 2);
}

static int kpi_feedback(const char *path, cli_dataset *d, cli_col *cols, const kpi_opts *o)
{
    /* cols: 0 id, 1 nps, 2 csat, 3 ces, 4 group */
    static const int kinds[3] = {SVCM_FEEDBACK_NPS, SVCM_FEEDBACK_CSAT, SVCM_FEEDBACK_CES};
    static const char *const names[3] = {"nps", "csat", "ces"};
    groups g = {0};
    int code = CLI_EXIT_DATA;
    svcm_feedback **acc = NULL;
    double *per = NULL, *buf = NULL;
    size_t ng = 0, n = d->n;
    cli_table scores, cons;
    int have_scores = 0, have_cons = 0;
    if (make_groups(d, o->by ? &cols[4] : NULL, &g) != 0)
        goto done;
    ng = g.n;
    acc = calloc(3 * ng, sizeof *acc);
    per = malloc(3 * ng * sizeof *per);
    buf = malloc((n ? n : 1) * sizeof *buf);
    if (!acc || !per || !buf)
        goto done;
    for (int j = 0; j < 3; j++) {
        if (cols[1 + j].field < 0)
            continue;
        svcm_feedback_options fo;
        svcm_feedback_options_init(&fo, kinds[j]);
        for (size_t k = 0; k < ng; k++)
            if (svcm_feedback_new(&fo, NULL, &acc[3 * k + j]) != SVCM_OK)
                goto done;
        const double *v = cols[1 + j].values;
        for (size_t i = 0; i < n; i++) {
            if (isnan(v[i]))
                continue; /* empty cell: question not answered */
            if (svcm_feedback_add(acc[3 * g.of_row[i] + j], v[i]) != SVCM_OK) {
                svcm_error e;
                svcm_error_clear(&e);
                e.field = names[j];
                snprintf(e.message, sizeof e.message, "%g is not an answer on the %s scale %s",
                         v[i], names[j], j == 0 ? "0-10" : j == 1 ? "1-5" : "1-7");
                code = report_error(path, d, &cols[0], i, &e, SVCM_EINVAL);
                goto done;
            }
        }
    }
    static const char *const scols[] = {"group", "metric", "n", "value", "ci_lo", "ci_hi"};
    int bad = cli_table_init(&scores, "Survey scores (NPS -100..100, CSAT % top-2-box, CES mean)", 6, scols);
    have_scores = 1;
    for (size_t k = 0; k < ng && !bad; k++)
        for (int j = 0; j < 3; j++) {
            per[3 * k + j] = NAN;
            if (acc[3 * k + j] == NULL)
                continue;
            bad |= cli_table_str(&scores, g.names[k]);
            bad |= cli_table_str(&scores, names[j]);
            bad |= add_score(&scores, acc[3 * k + j], j == 1 ? 100.0 : 1.0, o->confidence,
                             &per[3 * k + j]);
        }
    cli_table *tables[2] = {&scores, &cons};
    const char *keys[2] = {"scores", "consistency"};
    size_t nt = 1;
    if (o->by && !bad) {
        static const char *const ccols[] = {"metric", "groups", "mean", "sd", "cv", "min", "max"};
        bad |= cli_table_init(&cons, "Consistency across groups", 7, ccols);
        have_cons = 1;
        for (int j = 0; j < 3 && !bad; j++) {
            if (cols[1 + j].field < 0)
                continue;
            for (size_t k = 0; k < ng; k++)
                buf[k] = per[3 * k + j];
            bad |= add_consistency_row(&cons, names[j], buf, ng);
        }
        nt = 2;
    }
    if (bad) {
        fprintf(stderr, "svcm kpi: out of memory\n");
        goto done;
    }
    code = cli_emit(&o->c, tables, keys, nt);
done:
    if (have_scores)
        cli_table_free(&scores);
    if (have_cons)
        cli_table_free(&cons);
    if (acc)
        for (size_t k = 0; k < 3 * ng; k++)
            svcm_feedback_free(acc[k]);
    free(acc);
    free(per);
    free(buf);
    groups_free(&g);
    return code;
}

/* Which kind of file: look at the header. */
static int sniff(const char *path, char sep, const cli_common *c, int *is_tickets)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "svcm kpi: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    cli_csv r;
    int rc = cli_csv_open(&r, f, sep) == 0 ? cli_csv_next(&r) : -1;
    if (rc == 1) {
        *is_tickets = cli_csv_column(r.fields, r.nfields, cli_colname(c, "created")) >= 0;
        if (!*is_tickets && cli_csv_column(r.fields, r.nfields, cli_colname(c, "nps")) < 0 &&
            cli_csv_column(r.fields, r.nfields, cli_colname(c, "csat")) < 0 &&
            cli_csv_column(r.fields, r.nfields, cli_colname(c, "ces")) < 0) {
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
    if (sniff(file, ',', &o->c, &is_tickets) != 0)
        return CLI_EXIT_DATA;
    /* The group column is looked up only with --by. */
    size_t ncols = (is_tickets ? 6 : 4) + (o->by != NULL);
    cli_dataset d;
    int code;
    if (is_tickets) {
        if (o->response_target > 1e9 || o->resolution_target > 1e9)
            cli_usage_error(a, "targets must be below 1e9 seconds");
        cli_col cols[7] = {
            {cli_colname(&o->c, "id"), CLI_COL_STRING, false, false, -1, NULL},
            {cli_colname(&o->c, "created"), CLI_COL_INSTANT, true, false, -1, NULL},
            {cli_colname(&o->c, "first_response"), CLI_COL_INSTANT, true, true, -1, NULL},
            {cli_colname(&o->c, "resolved"), CLI_COL_INSTANT, true, true, -1, NULL},
            {cli_colname(&o->c, "fcr"), CLI_COL_DOUBLE, false, true, -1, NULL},
            {cli_colname(&o->c, "reopened"), CLI_COL_DOUBLE, false, true, -1, NULL},
            {o->by, CLI_COL_STRING, true, true, -1, NULL},
        };
        if (cli_load_csv("kpi", file, ',', cols, ncols, &d) != 0)
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
        if (cli_load_csv("kpi", file, ',', cols, ncols, &d) != 0)
            return CLI_EXIT_DATA;
        code = kpi_feedback(file, &d, cols, o);
        cli_dataset_free(&d);
    }
    return code;
}

int cli_cmd_kpi(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL, "kpi"};
    kpi_opts o = {NULL, NULL, 0, 0, 3600.0, 86400.0, 0.95, {0}};
    cli_common_init(&o.c, "kpi");
    const char *file = NULL, *why;
    while (a.i < argc) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(kpi_help, stdout);
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
