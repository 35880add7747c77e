/* svcm staff: Erlang C staffing for one interval, or a day's plan of
 * intervals under Erlang C or Erlang A. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "svg.h"
#include "svcm/erlang.h"

static const char staff_help[] =
    "usage: svcm staff --calls N --aht S --interval S [--target-sl P] [--target-s S]\n"
    "                  [--max-occupancy P] [--max-asa S] [--shrinkage P] [common options]\n"
    "       svcm staff --intervals FILE --interval S [--model c|a] [--max-abandon P]\n"
    "                  [goals as above] [common options]\n"
    "\n"
    "Smallest number of agents meeting a service-level goal under Erlang C (M/M/N),\n"
    "and what agent counts around it achieve.\n"
    "\n"
    "With --intervals, a day's plan: FILE has one row per interval with columns\n"
    "start (INSTANT), calls (offered or forecast) and aht (seconds), and optionally\n"
    "patience (mean patience in seconds). Each interval gets the agents required on\n"
    "the phones, the scheduled staff after shrinkage and what they achieve (service\n"
    "level, ASA of answered calls, occupancy; under Erlang A also abandonment),\n"
    "then day totals (agent-hours, staff-hours, peak, service level weighted by\n"
    "calls). An interval without calls still gets one agent. --svg draws required\n"
    "agents against scheduled staff.\n"
    "\n"
    "  --calls N          calls offered in the interval\n"
    "  --aht S            average handle time, seconds\n"
    "  --interval S       interval length, seconds (e.g. 1800)\n"
    "  --intervals FILE   a day's plan (see above)\n"
    "  --model M          c: Erlang C (M/M/N, callers never hang up); a: Erlang A\n"
    "                     (M/M/N+M, Palm 1943), which needs the patience column\n"
    "                     (default: a when the file has patience, c otherwise)\n"
    "  --max-abandon P    Erlang A: cap on the abandonment probability (default none)\n"
    "  --target-sl P      service-level goal, fraction (default 0.8)\n"
    "  --target-s S       answer-time target, seconds (default 20)\n"
    "  --max-occupancy P  occupancy cap, fraction (default none)\n"
    "  --max-asa S        average speed of answer goal, seconds (default none)\n"
    "  --shrinkage P      fraction of paid time off the phones (default 0)\n"
    CLI_FORMAT_HELP CLI_OUTPUT_HELP
    "  --svg FILE         with --intervals: required agents and scheduled staff per\n"
    "                     interval (written as --output is; not the same file)\n"
    CLI_COL_HELP;

static int add_row(cli_table *t, const struct svcm_erlang_result *r, const char *note)
{
    int rc = cli_table_int(t, r->agents);
    rc |= cli_table_int(t, r->staff);
    rc |= cli_table_num(t, r->traffic, 2);
    rc |= cli_table_num(t, 100.0 * r->service_level, 1);
    rc |= cli_table_num(t, r->asa_s, 1);
    rc |= cli_table_num(t, 100.0 * r->occupancy, 1);
    rc |= cli_table_num(t, 100.0 * r->p_wait, 1);
    rc |= cli_table_str(t, note);
    return rc;
}

/* The option a library field name came from. */
static const char *option_of(const char *field)
{
    static const char *const map[][2] = {
        {"calls", "--calls"},
        {"aht_s", "--aht"},
        {"interval_s", "--interval"},
        {"target_sl", "--target-sl"},
        {"target_answer_s", "--target-s"},
        {"max_occupancy", "--max-occupancy"},
        {"max_asa_s", "--max-asa"},
        {"shrinkage", "--shrinkage"},
    };
    for (size_t i = 0; field && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(field, map[i][0]) == 0)
            return map[i][1];
    return field ? field : "input";
}

/* The table of agent counts around the smallest that meets the goals. */
static int staff_table(const cli_common *c, double calls, double aht, double interval,
                       const svcm_erlang_options *o)
{
    svcm_error err;
    double traffic;
    int rc = svcm_erlang_traffic(calls, aht, interval, &traffic, &err);
    struct svcm_erlang_result best;
    if (rc == SVCM_OK)
        rc = svcm_erlang_staff(traffic, aht, o, &best, &err);
    if (rc != SVCM_OK) {
        fprintf(stderr, "svcm staff: %s: %s\n", option_of(err.field),
                err.message[0] ? err.message : svcm_strerror(rc));
        return CLI_EXIT_DATA;
    }
    static const char *const cols[] = {"agents", "staff", "erlangs", "sl_pct", "asa_s",
                                       "occupancy_pct", "p_wait_pct", "note"};
    char *title = cli_strdupf("Erlang C staffing: %.0f calls, AHT %.0f s, interval %.0f s, "
                              "goal %.0f%% in %.0f s",
                              calls, aht, interval, 100.0 * o->target_sl, o->target_answer_s);
    cli_table t;
    bool have_t = title != NULL;
    int bad = !have_t || cli_table_init(&t, title, 8, cols) != 0;
    free(title);
    uint32_t lo = best.agents > 3 ? best.agents - 3 : 1;
    for (uint32_t n = lo; n <= best.agents + 3 && !bad; n++) {
        struct svcm_erlang_result r;
        if (n == best.agents) {
            bad |= add_row(&t, &best, "smallest meeting the goals");
            continue;
        }
        if (svcm_erlang_eval(traffic, aht, n, o, &r, NULL) != SVCM_OK)
            continue;
        bad |= add_row(&t, &r, n < best.agents ? "misses a goal" : "");
    }
    cli_table *tables[] = {&t};
    if (bad)
        fprintf(stderr, "svcm staff: out of memory\n");
    int code = bad ? CLI_EXIT_DATA : cli_emit(c, tables, NULL, 1);
    if (have_t)
        cli_table_free(&t);
    return code;
}

/* One interval of a day's plan. */
typedef struct plan_row {
    uint32_t agents, staff;
    double traffic, sl, asa, occupancy, abandon;
} plan_row;

/* Goals of both models from the command line. */
typedef struct plan_opts {
    svcm_erlang_options c;
    double max_abandon;
    int model; /* 'c', 'a' or 0 (decide by the patience column) */
    double interval;
    const char *file;
} plan_opts;

static int plan_interval(const plan_opts *po, bool erlang_a, double calls, double aht,
                         double patience, plan_row *out, svcm_error *err)
{
    double traffic;
    int rc = svcm_erlang_traffic(calls, aht, po->interval, &traffic, err);
    if (rc != SVCM_OK)
        return rc;
    if (!erlang_a) {
        struct svcm_erlang_result r;
        if ((rc = svcm_erlang_staff(traffic, aht, &po->c, &r, err)) != SVCM_OK)
            return rc;
        *out = (plan_row){r.agents, r.staff, r.traffic, r.service_level,
                          /* ASA of answered calls: in M/M/N every call is answered */
                          r.asa_s, r.occupancy, 0.0};
        return SVCM_OK;
    }
    svcm_erlang_a_options a;
    svcm_erlang_a_options_init(&a);
    a.target_answer_s = po->c.target_answer_s;
    a.target_sl = po->c.target_sl;
    a.max_occupancy = po->c.max_occupancy;
    a.max_asa_s = po->c.max_asa_s;
    a.shrinkage = po->c.shrinkage;
    a.max_agents = po->c.max_agents;
    a.max_abandon = po->max_abandon;
    struct svcm_erlang_a_result r;
    if ((rc = svcm_erlang_a_staff(traffic, aht, patience, &a, &r, err)) != SVCM_OK)
        return rc;
    *out = (plan_row){r.agents, r.staff, r.traffic, r.service_level, r.asa_s, r.occupancy,
                      r.p_abandon};
    return SVCM_OK;
}

static int plan_svg(const cli_common *c, const cli_dataset *d, const cli_col *cols,
                    const plan_row *rows)
{
    size_t n = d->n;
    double *req = malloc((n ? n : 1) * sizeof *req), *sch = malloc((n ? n : 1) * sizeof *sch);
    char (*lab)[32] = malloc((n ? n : 1) * sizeof *lab);
    const char **labels = malloc((n ? n : 1) * sizeof *labels);
    int code = CLI_EXIT_DATA;
    if (req == NULL || sch == NULL || lab == NULL || labels == NULL) {
        fprintf(stderr, "svcm staff: out of memory\n");
        goto done;
    }
    const int64_t *start = cols[0].values;
    for (size_t i = 0; i < n; i++) {
        req[i] = rows[i].agents;
        sch[i] = rows[i].staff;
        char iso[32];
        cli_format_instant(start[i], iso, sizeof iso);
        snprintf(lab[i], sizeof lab[i], "%.5s", iso + 11); /* HH:MM (UTC) */
        labels[i] = lab[i];
    }
    cli_out out;
    if (cli_out_open(&out, "staff", c->svg) == 0) {
        cli_svg_staffing(out.f, "Agents required and staff scheduled per interval (UTC)", n,
                         labels, req, sch);
        code = cli_out_commit(&out) == 0 ? CLI_EXIT_OK : CLI_EXIT_DATA;
    }
done:
    free(req);
    free(sch);
    free(lab);
    free(labels);
    return code;
}

/* The day's plan tables. */
static int plan_tables(const cli_common *c, const plan_opts *po, bool erlang_a,
                       const cli_dataset *d, const cli_col *cols, const plan_row *rows)
{
    static const char *const pc[] = {"start", "calls", "aht_s", "erlangs", "agents", "staff",
                                     "sl_pct", "asa_s", "occupancy_pct", "abandon_pct"};
    static const char *const tc[] = {"intervals", "calls", "agent_hours", "staff_hours",
                                     "peak_agents", "peak_staff", "sl_pct"};
    const int64_t *start = cols[0].values;
    const double *calls = cols[1].values, *aht = cols[2].values;
    cli_table plan, tot;
    int bad = cli_table_init(&plan, erlang_a ? "Staffing plan (Erlang A)" : "Staffing plan (Erlang C)",
                             10, pc);
    bad |= cli_table_init(&tot, "Day totals", 7, tc);
    double sum_calls = 0, agent_s = 0, staff_s = 0, sl_weighted = 0;
    uint32_t peak_a = 0, peak_s = 0;
    for (size_t i = 0; i < d->n && !bad; i++) {
        char iso[32];
        cli_format_instant(start[i], iso, sizeof iso);
        bad |= cli_table_str(&plan, iso);
        bad |= cli_table_num(&plan, calls[i], 1);
        bad |= cli_table_num(&plan, aht[i], 1);
        bad |= cli_table_num(&plan, rows[i].traffic, 2);
        bad |= cli_table_int(&plan, rows[i].agents);
        bad |= cli_table_int(&plan, rows[i].staff);
        bad |= cli_table_num(&plan, 100.0 * rows[i].sl, 1);
        bad |= cli_table_num(&plan, rows[i].asa, 1);
        bad |= cli_table_num(&plan, 100.0 * rows[i].occupancy, 1);
        bad |= cli_table_num(&plan, erlang_a ? 100.0 * rows[i].abandon : NAN, 2);
        sum_calls += calls[i];
        agent_s += rows[i].agents * po->interval;
        staff_s += rows[i].staff * po->interval;
        sl_weighted += rows[i].sl * calls[i];
        peak_a = rows[i].agents > peak_a ? rows[i].agents : peak_a;
        peak_s = rows[i].staff > peak_s ? rows[i].staff : peak_s;
    }
    bad |= cli_table_int(&tot, (long long)d->n);
    bad |= cli_table_num(&tot, sum_calls, 1);
    bad |= cli_table_num(&tot, agent_s / 3600.0, 2);
    bad |= cli_table_num(&tot, staff_s / 3600.0, 2);
    bad |= cli_table_int(&tot, peak_a);
    bad |= cli_table_int(&tot, peak_s);
    bad |= cli_table_num(&tot, sum_calls > 0 ? 100.0 * sl_weighted / sum_calls : NAN, 1);
    cli_table *tables[] = {&plan, &tot};
    static const char *const keys[] = {"plan", "totals"};
    int code = CLI_EXIT_DATA;
    if (bad)
        fprintf(stderr, "svcm staff: out of memory\n");
    else
        code = cli_emit(c, tables, keys, 2);
    cli_table_free(&plan);
    cli_table_free(&tot);
    if (code == CLI_EXIT_OK && c->svg)
        code = plan_svg(c, d, cols, rows);
    return code;
}

/* The option or column a library field name came from, for plan errors. */
static const char *plan_field(const char *field)
{
    if (field && (strcmp(field, "calls") == 0 || strcmp(field, "aht_s") == 0 ||
                  strcmp(field, "patience_s") == 0 || strcmp(field, "traffic") == 0))
        return strcmp(field, "aht_s") == 0        ? "aht"
               : strcmp(field, "patience_s") == 0 ? "patience"
                                                  : field;
    return option_of(field);
}

static int staff_plan(cli_common *c, const plan_opts *po)
{
    cli_col cols[4] = {
        {cli_colname(c, "start"), CLI_COL_INSTANT, true, false, -1, NULL},
        {cli_colname(c, "calls"), CLI_COL_DOUBLE, true, false, -1, NULL},
        {cli_colname(c, "aht"), CLI_COL_DOUBLE, true, false, -1, NULL},
        {cli_colname(c, "patience"), CLI_COL_DOUBLE, false, false, -1, NULL},
    };
    cli_dataset d;
    if (cli_load("staff", po->file, &c->read, cols, 4, &d) != 0)
        return CLI_EXIT_DATA;
    bool has_patience = cols[3].field >= 0;
    int code = CLI_EXIT_DATA;
    plan_row *rows = NULL;
    if (po->model == 'a' && !has_patience) {
        fprintf(stderr, "svcm staff: %s:1: --model a needs a patience column\n", po->file);
        goto done;
    }
    if (d.n == 0) {
        fprintf(stderr, "svcm staff: %s: no intervals\n", po->file);
        goto done;
    }
    bool erlang_a = po->model ? po->model == 'a' : has_patience;
    rows = malloc(d.n * sizeof *rows);
    if (rows == NULL) {
        fprintf(stderr, "svcm staff: out of memory\n");
        goto done;
    }
    const int64_t *start = cols[0].values;
    const double *calls = cols[1].values, *aht = cols[2].values;
    const double *patience = has_patience ? cols[3].values : NULL;
    for (size_t i = 0; i < d.n; i++) {
        if (i > 0 && start[i] <= start[i - 1]) {
            cli_record_error("staff", po->file, &c->read, &d, i, cols[0].field, "start",
                             "interval", NULL, "not after the previous interval's start");
            goto done;
        }
        svcm_error err;
        svcm_error_clear(&err);
        int rc = plan_interval(po, erlang_a, calls[i], aht[i], patience ? patience[i] : 0, &rows[i],
                               &err);
        if (rc != SVCM_OK) {
            const char *f = plan_field(err.field);
            long at = strcmp(f, "calls") == 0      ? cols[1].field
                      : strcmp(f, "aht") == 0      ? cols[2].field
                      : strcmp(f, "patience") == 0 ? cols[3].field
                                                   : -1;
            cli_record_error("staff", po->file, &c->read, &d, i, at, f, "interval", NULL,
                             err.message[0] ? err.message : svcm_strerror(rc));
            goto done;
        }
    }
    code = plan_tables(c, po, erlang_a, &d, cols, rows);
done:
    free(rows);
    cli_dataset_free(&d);
    return code;
}

int cli_cmd_staff(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL, "staff"};
    cli_common c;
    cli_common_init(&c, "staff");
    double calls = NAN, aht = NAN, interval = NAN;
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    plan_opts po = {{0}, 1.0, 0, NAN, NULL};
    while (a.i < argc) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            cli_puts(staff_help);
            cli_puts("\n" CLI_READ_HELP "\n" CLI_INSTANT_HELP);
            cli_common_free(&c);
            return CLI_EXIT_OK;
        } else if (cli_opt(&a, "--intervals")) {
            po.file = a.value;
        } else if (cli_opt(&a, "--model")) {
            if (strcmp(a.value, "c") != 0 && strcmp(a.value, "a") != 0)
                cli_usage_error(&a, "--model must be c or a, not '%s'", a.value);
            po.model = a.value[0];
        } else if (cli_opt(&a, "--max-abandon")) {
            po.max_abandon = cli_opt_double(&a, "--max-abandon");
            if (!(po.max_abandon >= 0 && po.max_abandon <= 1))
                cli_usage_error(&a, "--max-abandon must be between 0 and 1");
        } else if (cli_opt(&a, "--calls")) {
            calls = cli_opt_double(&a, "--calls");
        } else if (cli_opt(&a, "--aht")) {
            aht = cli_opt_double(&a, "--aht");
        } else if (cli_opt(&a, "--interval")) {
            interval = cli_opt_double(&a, "--interval");
        } else if (cli_opt(&a, "--target-sl")) {
            o.target_sl = cli_opt_double(&a, "--target-sl");
        } else if (cli_opt(&a, "--target-s")) {
            o.target_answer_s = cli_opt_double(&a, "--target-s");
        } else if (cli_opt(&a, "--max-occupancy")) {
            o.max_occupancy = cli_opt_double(&a, "--max-occupancy");
        } else if (cli_opt(&a, "--max-asa")) {
            o.max_asa_s = cli_opt_double(&a, "--max-asa");
        } else if (cli_opt(&a, "--shrinkage")) {
            o.shrinkage = cli_opt_double(&a, "--shrinkage");
        } else if (!cli_common_opt(&a, &c)) {
            cli_usage_error(&a, "unknown argument '%s'", argv[a.i]);
        }
    }
    cli_common_check(&a, &c);
    int code;
    if (po.file != NULL) {
        if (!isnan(calls) || !isnan(aht))
            cli_usage_error(&a, "--calls and --aht come from the file with --intervals");
        if (isnan(interval))
            cli_usage_error(&a, "--intervals needs --interval S, the length of one interval");
        po.c = o;
        po.interval = interval;
        code = staff_plan(&c, &po);
        cli_common_free(&c);
        return code;
    }
    if (isnan(calls) || isnan(aht) || isnan(interval))
        cli_usage_error(&a, "--calls, --aht and --interval are required");
    if (c.svg)
        cli_usage_error(&a, "--svg needs --intervals (a day's plan)");
    if (po.model == 'a' || po.max_abandon != 1.0)
        cli_usage_error(&a, "--model a and --max-abandon need --intervals with a patience column");
    code = staff_table(&c, calls, aht, interval, &o);
    cli_common_free(&c);
    return code;
}
