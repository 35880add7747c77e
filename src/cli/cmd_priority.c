/* svcm priority: the dispatch order of open requests at an instant. */
#define _POSIX_C_SOURCE 200809L /* sysconf(_SC_NPROCESSORS_ONLN) */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"
#include "load.h"
#include "svcm/priority.h"
#include "svg.h"

static const char priority_help[] =
    "usage: svcm priority FILE [--now INSTANT] [--table FILE] [--all] [--top N]\n"
    "                     [common options]\n"
    "\n"
    "Classifies each request into an Eisenhower quadrant (do, schedule, delegate,\n"
    "eliminate) from its importance (customer tier, impact, severity, business\n"
    "value) and its time-based urgency at --now, looks up its ITIL priority, and\n"
    "prints the requests in dispatch order with their scores.\n"
    "Memory: the order needs every request at once, so priority holds all rows, but\n"
    "only the columns below: text fields as their text, numbers and instants in 8\n"
    "bytes each, and each request's result (quadrant, priority, scores).\n"
    "\n"
    "Columns: id, tier (vip, key, regular, potential, lost), impact (organisation,\n"
    "department, team, individual), severity (1 critical .. 4 minor), value\n"
    "(0..1), created, due (may be empty: no deadline), urgent (0/1, optional),\n"
    "resolved (optional: resolved requests are left out unless --all).\n"
    "\n"
    "  --now INSTANT      the instant to prioritise at (default: the latest created)\n"
    "  --table FILE       ITIL impact x urgency table as rows of priorities\n"
    "  --all              include resolved requests\n"
    "  --top N            print only the first N\n"
    "  --threads N        threads for the checks, scores and sort, 1 to "
    CLI_XSTR(SVCM_PRIORITY_MAX_THREADS) "\n"
    "                     (default: the online cores; the output is the same for any N)\n"
    CLI_FORMAT_HELP CLI_OUTPUT_HELP
    "  --svg FILE         Eisenhower 2x2 with the count in each quadrant (written as\n"
    "                     --output is; not the same file as --output)\n"
    CLI_COL_HELP
    "\n" CLI_INSTANT_HELP;

/* The --svg chart: the Eisenhower 2x2 with the count in each quadrant. */
static int write_svg(const char *path, const long long counts[4])
{
    const char *qn[4], *adv[4];
    for (int q = 0; q < 4; q++) {
        qn[q] = svcm_quadrant_name(q);
        adv[q] = svcm_quadrant_advice(q);
    }
    cli_out o;
    if (cli_out_open(&o, "priority", path) != 0)
        return CLI_EXIT_DATA;
    cli_svg_eisenhower(o.f, "Eisenhower matrix of open requests", counts, qn, adv);
    return cli_out_commit(&o) == 0 ? CLI_EXIT_OK : CLI_EXIT_DATA;
}

static int priority_main(int argc, char **argv, cli_common *c)
{
    cli_args a = {argc, argv, 1, NULL, "priority"};
    const char *bad_now;
    const char *file = NULL, *table = NULL;
    int64_t now = 0;
    int have_now = 0, all = 0;
    long long top = -1, threads = 0; /* 0: the online cores */
    while (a.i < argc) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            cli_puts(priority_help);
            cli_puts("\n" CLI_READ_HELP);
            return CLI_EXIT_OK;
        } else if (cli_opt(&a, "--now")) {
            cli_field f = {a.value, strlen(a.value)};
            if (cli_read_instant(&f, &now, &bad_now) != 0)
                cli_usage_error(&a, "--now: '%s' %s", a.value, bad_now);
            have_now = 1;
        } else if (cli_opt(&a, "--table")) {
            table = a.value;
        } else if (cli_flag(&a, "--all")) {
            all = 1;
        } else if (cli_opt(&a, "--top")) {
            top = cli_opt_int(&a, "--top", 0, INT32_MAX);
        } else if (cli_opt(&a, "--threads")) {
            threads = cli_opt_int(&a, "--threads", 1, SVCM_PRIORITY_MAX_THREADS);
        } else {
            cli_common_or_file(&a, c, &file);
        }
    }
    if (file == NULL)
        cli_usage_error(&a, "no input file");
    cli_common_check(&a, c);
    svcm_priority_options opts;
    svcm_priority_options_init(&opts);
    if (table) {
        char *text;
        size_t len;
        if (cli_read_file(table, &text, &len) != 0) {
            fprintf(stderr, "svcm priority: cannot read %s: %s\n", table, strerror(errno));
            return CLI_EXIT_DATA;
        }
        svcm_error err;
        int rc = svcm_itil_table_parse(text, len, &opts.table, &err);
        free(text);
        if (rc != SVCM_OK) {
            cli_text_error("priority", table, &err, rc);
            return CLI_EXIT_DATA;
        }
    }
    cli_col cols[10] = {
        {cli_colname(c, "id"), CLI_COL_STRING, true, false, -1, NULL},
        {cli_colname(c, "tier"), CLI_COL_STRING, true, false, -1, NULL},
        {cli_colname(c, "impact"), CLI_COL_STRING, true, false, -1, NULL},
        {cli_colname(c, "severity"), CLI_COL_DOUBLE, true, false, -1, NULL},
        {cli_colname(c, "value"), CLI_COL_DOUBLE, true, false, -1, NULL},
        {cli_colname(c, "created"), CLI_COL_INSTANT, true, false, -1, NULL},
        {cli_colname(c, "due"), CLI_COL_INSTANT, true, true, -1, NULL},
        {cli_colname(c, "urgent"), CLI_COL_DOUBLE, false, true, -1, NULL},
        {cli_colname(c, "resolved"), CLI_COL_INSTANT, false, true, -1, NULL},
        {"", CLI_COL_STRING, false, true, -1, NULL},
    };
    cli_dataset d;
    if (cli_load("priority", file, &c->read, cols, 9, &d) != 0)
        return CLI_EXIT_DATA;
    size_t n = d.n, m = 0;
    svcm_request *reqs = malloc((n ? n : 1) * sizeof *reqs);
    size_t *row = malloc((n ? n : 1) * sizeof *row);
    struct svcm_priority_result *res = malloc((n ? n : 1) * sizeof *res);
    int code = CLI_EXIT_DATA;
    if (!reqs || !row || !res) {
        fprintf(stderr, "svcm priority: out of memory\n");
        goto done;
    }
    const int64_t *created = cols[5].values, *due = cols[6].values;
    const int64_t *resolved = cols[8].field >= 0 ? cols[8].values : NULL;
    const double *sev = cols[3].values, *val = cols[4].values;
    const double *urg = cols[7].field >= 0 ? cols[7].values : NULL;
    if (!have_now) {
        now = INT64_MIN;
        for (size_t i = 0; i < n; i++)
            if (created[i] > now)
                now = created[i];
    }
    for (size_t i = 0; i < n; i++) {
        if (!all && resolved && resolved[i] != INT64_MIN && resolved[i] <= now)
            continue;
        if (created[i] > now)
            continue; /* not raised yet at --now */
        svcm_request *q = &reqs[m];
        const char *why = NULL, *field = NULL;
        long at = -1; /* the column of the field at fault */
        svcm_tier tier;
        svcm_impact imp;
        if (svcm_tier_parse(cli_str(&d, &cols[1], i), &tier) != SVCM_OK)
            why = "unknown tier", field = "tier", at = cols[1].field;
        else if (svcm_impact_parse(cli_str(&d, &cols[2], i), &imp) != SVCM_OK)
            why = "unknown impact (organisation, department, team or individual)", field = "impact",
            at = cols[2].field;
        else if (sev[i] != floor(sev[i]) || fabs(sev[i]) > 1e6)
            why = "severity must be an integer", field = "severity", at = cols[3].field;
        else if (urg && !isnan(urg[i]) && urg[i] != 0 && urg[i] != 1)
            why = "urgent must be 0 or 1", field = "urgent", at = cols[7].field;
        if (why) {
            cli_record_error("priority", file, &c->read, &d, i, at, field, "request",
                             cli_str(&d, &cols[0], i), why);
            goto done;
        }
        q->id = (int64_t)m;
        q->tier = (int)tier;
        q->impact = (int)imp;
        q->severity = (int)sev[i];
        q->value = val[i];
        q->created = created[i];
        q->due = due[i] == INT64_MIN ? SVCM_NO_DUE : due[i];
        q->urgent = urg && urg[i] == 1;
        row[m++] = i;
    }
    svcm_priority_run_options run;
    svcm_priority_run_options_init(&run);
    if (threads > 0) {
        run.threads = (unsigned)threads;
    } else { /* the online cores (1 when sysconf cannot tell) */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        run.threads = cores < 1                           ? 1u
                      : cores > SVCM_PRIORITY_MAX_THREADS ? (unsigned)SVCM_PRIORITY_MAX_THREADS
                                                          : (unsigned)cores;
    }
    svcm_error err;
    int rc = svcm_priority_run(&opts, &run, reqs, m, now, NULL, res, NULL, &err);
    if (rc != SVCM_OK) {
        if (err.index != SVCM_NO_INDEX && err.index < m) {
            static const char *const names[9] = {"id",      "tier", "impact", "severity", "value",
                                                 "created", "due",  "urgent", "resolved"};
            long at = -1;
            for (int k = 0; err.field && k < 9; k++)
                if (strcmp(err.field, names[k]) == 0)
                    at = cols[k].field;
            cli_record_error("priority", file, &c->read, &d, row[err.index], at, err.field,
                             "request", cli_str(&d, &cols[0], row[err.index]), err.message);
        } else
            fprintf(stderr, "svcm priority: %s\n", err.message[0] ? err.message : svcm_strerror(rc));
        goto done;
    }
    static const char *const names[] = {"rank", "id", "quadrant", "priority", "score",
                                        "importance", "urgency", "tier", "due"};
    char *title = cli_strdupf("Dispatch order (%zu open requests)", m);
    cli_table t;
    int bad = cli_table_init(&t, title ? title : "Dispatch order", 9, names) | !title;
    free(title);
    long long counts[4] = {0, 0, 0, 0};
    for (size_t k = 0; k < m; k++)
        if ((int)res[k].quadrant >= 0 && (int)res[k].quadrant < 4)
            counts[res[k].quadrant]++;
    size_t shown = top >= 0 && (size_t)top < m ? (size_t)top : m;
    for (size_t k = 0; k < shown && !bad; k++) {
        size_t i = row[res[k].index];
        char p[16], dbuf[40];
        snprintf(p, sizeof p, "P%d", res[k].priority);
        bad |= cli_table_int(&t, (long long)k + 1);
        bad |= cli_table_str(&t, cli_str(&d, &cols[0], i));
        bad |= cli_table_str(&t, svcm_quadrant_name(res[k].quadrant));
        bad |= cli_table_str(&t, p);
        bad |= cli_table_num(&t, res[k].score, 4);
        bad |= cli_table_num(&t, res[k].importance, 3);
        bad |= cli_table_num(&t, res[k].urgency, 3);
        bad |= cli_table_str(&t, cli_str(&d, &cols[1], i));
        if (due[i] == INT64_MIN) {
            bad |= cli_table_str(&t, "");
        } else {
            cli_format_instant(due[i], dbuf, sizeof dbuf);
            bad |= cli_table_str(&t, dbuf);
        }
    }
    cli_table *tables[] = {&t};
    code = bad ? CLI_EXIT_DATA : cli_emit(c, tables, NULL, 1);
    cli_table_free(&t);
    if (code == CLI_EXIT_OK && c->svg)
        code = write_svg(c->svg, counts);
done:
    free(reqs);
    free(row);
    free(res);
    cli_dataset_free(&d);
    return code;
}

int cli_cmd_priority(int argc, char **argv)
{
    cli_common c;
    cli_common_init(&c, "priority");
    int code = priority_main(argc, argv, &c);
    cli_common_free(&c);
    return code;
}
