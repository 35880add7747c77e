/* svcm report: one self-contained HTML page (inline CSS and SVG, no script)
 * with a section for every input given. Each section runs the command that
 * owns its figures (segment, kpi, priority, pdca, staff) with CSV output
 * into a private temporary directory, so that the page shows exactly what
 * those commands print, and renders their tables and charts. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"
#include "html.h"
#include "report.h"
#include "svcm/journey.h"
#include "svcm/kpi.h"
#include "svcm/pdca.h"
#include "svcm/priority.h"
#include "svcm/scorecard.h"

static const char report_help[] =
    "usage: svcm report [--output FILE] [--title TEXT] INPUTS [section options]\n"
    "                   [reading options]\n"
    "\n"
    "Writes one self-contained HTML page: inline CSS and SVG charts, no script and\n"
    "nothing fetched; readable from phone width up and printable. Each section is\n"
    "there when its input is given (at least one is needed) and shows what the\n"
    "command named in brackets prints for that input:\n"
    "\n"
    "  --customers FILE   tier summary with the tier chart [svcm segment FILE]\n"
    "  --customers-prev FILE\n"
    "                     an earlier snapshot of the same customers: tier\n"
    "                     migration [svcm segment --migrate PREV FILE]; needs\n"
    "                     --customers\n"
    "  --transactions LOG a transaction log instead of --customers (columns id,\n"
    "                     time, amount) [svcm segment --transactions LOG]\n"
    "  --as-of DATE       with --transactions: end of observation (required)\n"
    "  --lifetime         fit BG/NBD and Gamma-Gamma for the tiers (as segment\n"
    "                     --lifetime)\n"
    "  --tickets FILE     ticket KPIs per group: times, SLA, FCR, reopen rates and\n"
    "                     the first-response time histogram [svcm kpi FILE --by]\n"
    "  --surveys FILE     survey KPIs per group: NPS, CSAT, CES [svcm kpi FILE --by]\n"
    "  --by COLUMN        group both KPI files by this column (default channel;\n"
    "                     --by '' for one group, all)\n"
    "  --open FILE        requests: the Eisenhower matrix of those open at --now,\n"
    "                     with counts and the first items of each quadrant in\n"
    "                     dispatch order [svcm priority FILE]\n"
    "  --now INSTANT      as-of instant for --open (default: the latest created)\n"
    "  --top N            items listed per quadrant (default 5, 0 for none)\n"
    "  --cycle FILE       a saved PDCA cycle: the control chart with its signals,\n"
    "                     the Check and the actions [svcm pdca FILE]\n"
    "  --intervals FILE   a day's intervals (start, calls, aht, optional patience):\n"
    "                     agents required against staff scheduled per interval\n"
    "                     [svcm staff --intervals FILE]\n"
    "  --interval S       interval length, seconds (default 1800)\n"
    "  --shrinkage P      staffing: fraction of paid time off the phones (default 0)\n"
    "  --target-sl P      staffing: service-level goal (default 0.8)\n"
    "  --target-s S       staffing: answer-time target, seconds (default 20)\n"
    "  --targets FILE     the scorecard: targets text (one 'NAME >= VALUE[UNIT]' or\n"
    "                     'NAME <= VALUE[UNIT]' a line; units %, s, m, h, d)\n"
    "                     evaluated on --tickets and --surveys, each verdict (met,\n"
    "                     missed, undetermined) from the 95% interval, in colour and\n"
    "                     in words. KPI names: first_response_pNN, resolution_pNN\n"
    "                     (NN 1..99), first_response_mean, resolution_mean, fcr,\n"
    "                     reopen_rate (tickets); nps, csat_top2, ces (surveys); any\n"
    "                     other NAME or NAME_rate: a 0/1 column NAME of either file\n"
    "  --events FILE      a touchpoint event log (columns customer, touchpoint, time;\n"
    "                     optional score and lost, 0/1): the journey funnel with\n"
    "                     drop-off per step, the last touchpoint before loss and the\n"
    "                     most frequent paths; needs --funnel\n"
    "  --funnel A,B,...   the funnel's touchpoints, in order\n"
    "  --window DUR       a step counts when reached within DUR of the first (a\n"
    "                     number with unit s, m, h or d; default: no limit)\n"
    "\n"
    "  --output FILE      the HTML file (default report.html; - is standard output);\n"
    "                     replaced whole or not at all, as every command's --output\n"
    "  --title TEXT       the page title (default \"Service report\")\n"
    "\n"
    "A section's command failing (bad data, a missing column) fails the report,\n"
    "with that command's message; nothing is written then.\n"
    "\n";

void cli_report_opts_init(cli_report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->output = "report.html";
    o->title = "Service report";
    o->by = "channel";
    o->top = 5;
    o->interval = "1800";
}

/* The private directory for the commands' CSV and SVG files. */
typedef struct workdir {
    char *dir;
    char *files[16];
    size_t n;
} workdir;

static int workdir_open(workdir *w)
{
    const char *base = getenv("TMPDIR");
    memset(w, 0, sizeof *w);
    if (base == NULL || *base == '\0')
        base = "/tmp";
    w->dir = cli_strdupf("%s/svcm-report-XXXXXX", base);
    if (w->dir == NULL || mkdtemp(w->dir) == NULL) {
        fprintf(stderr, "svcm report: cannot create a temporary directory in %s: %s\n", base,
                w->dir ? strerror(errno) : "out of memory");
        free(w->dir);
        w->dir = NULL;
        return -1;
    }
    return 0;
}

/* A file name in the directory (removed at the end); NULL when out of
 * memory (said). */
static const char *workdir_file(workdir *w, const char *name)
{
    char *p = w->n < sizeof w->files / sizeof w->files[0] ? cli_strdupf("%s/%s", w->dir, name)
                                                           : NULL;
    if (p == NULL) {
        fprintf(stderr, "svcm report: out of memory\n");
        return NULL;
    }
    w->files[w->n++] = p;
    return p;
}

static void workdir_close(workdir *w)
{
    for (size_t i = 0; i < w->n; i++) {
        remove(w->files[i]);
        free(w->files[i]);
    }
    if (w->dir)
        rmdir(w->dir);
    free(w->dir);
    memset(w, 0, sizeof *w);
}

/* Run a command on argv (NULL-terminated) plus the reading options when
 * read is true. Returns its exit code. */
static int run_cmd(const cli_report_opts *o, int (*cmd)(int, char **), char **argv, bool read)
{
    size_t n = 0;
    while (argv[n])
        n++;
    size_t total = n + (read ? o->n_read_args : 0);
    char **v = malloc((total + 1) * sizeof *v);
    if (v == NULL) {
        fprintf(stderr, "svcm report: out of memory\n");
        return CLI_EXIT_DATA;
    }
    memcpy(v, argv, n * sizeof *v);
    for (size_t i = n; i < total; i++)
        v[i] = o->read_args[i - n];
    v[total] = NULL;
    int code = cmd((int)total, v);
    free(v);
    return code;
}

/* The reading options for a file the report reads itself. */
static int read_opts(const cli_report_opts *o, cli_read_opts *ro)
{
    if (o->read)
        *ro = *o->read;
    else
        cli_read_opts_init(ro);
    return 0;
}

/* The page as it is built: the output stream and the work directory. */
typedef struct page {
    const cli_report_opts *o;
    FILE *f;
    workdir w;
} page;

/* Run cmd with --format csv --output CSV (and --svg SVG when svg is not
 * NULL) after argv, then read its tables. svg_path receives the chart's
 * path. Returns 0 or -1 (said). */
static int section_data(page *p, const char *name, int (*cmd)(int, char **), char **argv,
                        bool read, bool svg, html_tables *tables, const char **svg_path)
{
    char csvname[64], svgname[64];
    snprintf(csvname, sizeof csvname, "%s.csv", name);
    snprintf(svgname, sizeof svgname, "%s.svg", name);
    const char *csv = workdir_file(&p->w, csvname);
    const char *chart = svg ? workdir_file(&p->w, svgname) : NULL;
    if (csv == NULL || (svg && chart == NULL))
        return -1;
    size_t n = 0;
    while (argv[n])
        n++;
    char **v = malloc((n + 7) * sizeof *v);
    if (v == NULL) {
        fprintf(stderr, "svcm report: out of memory\n");
        return -1;
    }
    memcpy(v, argv, n * sizeof *v);
    v[n++] = "--format";
    v[n++] = "csv";
    v[n++] = "--output";
    v[n++] = (char *)csv;
    if (svg) {
        v[n++] = "--svg";
        v[n++] = (char *)chart;
    }
    v[n] = NULL;
    int code = run_cmd(p->o, cmd, v, read);
    free(v);
    if (code != CLI_EXIT_OK) {
        fprintf(stderr, "svcm report: the %s section failed (svcm %s, above)\n", name, argv[0]);
        return -1;
    }
    if (svg_path)
        *svg_path = chart;
    return html_read_tables("report", csv, tables);
}

/* Tier summary (and migration). */
static int section_tiers(page *p)
{
    const cli_report_opts *o = p->o;
    html_tables seg = {0}, mig = {0};
    const char *chart = NULL;
    char *argv[8] = {"segment"};
    int k = 1;
    if (o->transactions) {
        argv[k++] = "--transactions";
        argv[k++] = (char *)o->transactions;
        argv[k++] = "--as-of";
        argv[k++] = (char *)o->as_of;
    } else {
        argv[k++] = (char *)o->customers;
    }
    if (o->lifetime)
        argv[k++] = "--lifetime";
    argv[k++] = "--summary-only";
    argv[k] = NULL;
    int rc = section_data(p, "tiers", cli_cmd_segment, argv, true, true, &seg, &chart);
    if (rc == 0 && o->customers_prev && o->customers) {
        char *margv[] = {"segment", "--migrate", (char *)o->customers_prev, (char *)o->customers,
                         NULL};
        rc = section_data(p, "migration", cli_cmd_segment, margv, true, false, &mig, NULL);
    }
    if (rc == 0 && seg.n >= 1) {
        FILE *f = p->f;
        html_section(f, "tiers", "Customer tiers",
                     "Five tiers from recency, frequency and monetary scores (1..5, edges from "
                     "the population's quantiles); the share of customers against the share "
                     "of value.");
        static const char *const heads[] = {"tier", "customers", "% of customers", "value",
                                            "% of value", "mean recency (days)",
                                            "mean purchases", "mean value"};
        static const char *const names[] = {"tier", "customers", "share_pct", "value",
                                            "value_share_pct", "mean_recency",
                                            "mean_frequency", "mean_monetary"};
        long cols[8];
        for (int j = 0; j < 8; j++)
            cols[j] = html_col(&seg.t[0], names[j]);
        html_table_write(f, "tier-summary", "Tier summary", &seg.t[0], cols, 8, heads, 0, -1, NULL);
        rc = html_svg_file(f, "report", "chart-tiers", chart,
                           "Share of customers (blue, labelled with the count) and of value "
                           "(orange) per tier.");
        if (rc == 0 && seg.n >= 2)
            html_table_write(f, "lifetime-models", "Lifetime models fitted", &seg.t[1], NULL, 0,
                             NULL, 0, -1, NULL);
        if (rc == 0 && mig.n >= 1) {
            fputs("<h3>Tier migration</h3>\n", f);
            html_para(f, "intro", "Customers by tier in the earlier snapshot (rows) and now "
                                  "(columns); gone: not in the new snapshot, new: not in the "
                                  "earlier one.");
            html_table_write(f, "tier-migration", NULL, &mig.t[0], NULL, 0, NULL, 0, -1, NULL);
        }
        html_section_end(f);
    }
    html_tables_free(&seg);
    html_tables_free(&mig);
    return rc;
}

/* Ticket and survey KPIs per group, with the first-response histogram. */
static int section_kpi(page *p)
{
    const cli_report_opts *o = p->o;
    html_tables tk = {0}, sv = {0};
    const char *chart = NULL;
    bool by = o->by && *o->by;
    int rc = 0;
    if (o->tickets) {
        char *argv[] = {"kpi", (char *)o->tickets, by ? "--by" : NULL, (char *)o->by, NULL};
        rc = section_data(p, "tickets", cli_cmd_kpi, argv, true, true, &tk, &chart);
    }
    if (rc == 0 && o->surveys) {
        char *argv[] = {"kpi", (char *)o->surveys, by ? "--by" : NULL, (char *)o->by, NULL};
        rc = section_data(p, "surveys", cli_cmd_kpi, argv, true, false, &sv, NULL);
    }
    if (rc != 0)
        goto done;
    FILE *f = p->f;
    char *intro = cli_strdupf("%s%s; times in hours on a 24x7 clock, SLA targets 1 h first "
                              "response and 24 h resolution, rates with 95%% Wilson intervals.",
                              by ? "Per group of the column " : "All tickets and answers",
                              by ? o->by : "");
    html_section(f, "kpi", by ? "Service KPIs by group" : "Service KPIs", intro);
    free(intro);
    if (tk.n >= 1) {
        static const char *const th[] = {"group", "time", "tickets", "mean", "P50", "P90",
                                         "P95", "max"};
        static const char *const tn[] = {"group", "metric", "n", "mean_h", "p50_h", "p90_h",
                                         "p95_h", "max_h"};
        long tc[8];
        for (int j = 0; j < 8; j++)
            tc[j] = html_col(&tk.t[0], tn[j]);
        html_table_write(f, "kpi-times", "Response and resolution times (hours)", &tk.t[0], tc,
                         8, th, 0, -1, NULL);
    }
    if (tk.n >= 2) {
        static const char *const rh[] = {"group", "rate", "yes", "of", "%", "95% CI low",
                                         "95% CI high"};
        static const char *const rn[] = {"group", "metric", "successes", "trials", "pct",
                                         "ci_lo_pct", "ci_hi_pct"};
        long rcols[7];
        for (int j = 0; j < 7; j++)
            rcols[j] = html_col(&tk.t[1], rn[j]);
        html_table_write(f, "kpi-rates", "SLA compliance, first-contact resolution, reopens",
                         &tk.t[1], rcols, 7, rh, 0, -1, NULL);
    }
    if (o->tickets)
        rc = html_svg_file(f, "report", "chart-response", chart,
                           "Distribution of first-response times of all tickets, with P50, "
                           "P90 and P95.");
    if (rc == 0 && sv.n >= 1) {
        static const char *const sh[] = {"group", "score", "answers", "value", "95% CI low",
                                         "95% CI high"};
        html_table_write(f, "kpi-surveys",
                         "Survey scores (NPS -100..100, CSAT % top-2-box, CES mean 1-7)",
                         &sv.t[0], NULL, 0, sh, 0, -1, NULL);
    }
    html_section_end(f);
done:
    html_tables_free(&tk);
    html_tables_free(&sv);
    return rc;
}

/* The Eisenhower matrix of open requests as a 2x2 grid of counts and the
 * first items of each quadrant in dispatch order. */
static int section_eisenhower(page *p)
{
    const cli_report_opts *o = p->o;
    html_tables pr = {0};
    char *argv[] = {"priority", (char *)o->open, o->now ? "--now" : NULL, (char *)o->now, NULL};
    if (section_data(p, "priority", cli_cmd_priority, argv, true, false, &pr, NULL) != 0)
        return -1;
    FILE *f = p->f;
    if (pr.n < 1) {
        html_tables_free(&pr);
        fprintf(stderr, "svcm report: svcm priority wrote no table\n");
        return -1;
    }
    const html_table *t = &pr.t[0];
    long cq = html_col(t, "quadrant"), cid = html_col(t, "id"), cp = html_col(t, "priority");
    long ct = html_col(t, "tier"), cd = html_col(t, "due");
    size_t counts[4] = {0, 0, 0, 0};
    for (size_t r = 0; r < t->nrows; r++)
        for (int q = 0; q < 4; q++)
            if (strcmp(html_cell(t, r, cq), svcm_quadrant_name(q)) == 0)
                counts[q]++;
    char *intro = cli_strdupf("%zu open requests by importance (tier, impact, severity, "
                              "value) and urgency (time to the due instant); the first %ld of "
                              "each quadrant in dispatch order.",
                              t->nrows, o->top);
    html_section(f, "eisenhower", "Eisenhower matrix of open tickets", intro);
    free(intro);
    fputs("<div class=\"matrix\" id=\"chart-eisenhower\" role=\"table\" "
          "aria-label=\"Eisenhower matrix: rows important, not important; columns urgent, "
          "not urgent\">\n",
          f);
    static const char *const where[4] = {"important and urgent", "important, not urgent",
                                         "urgent, not important", "neither"};
    for (int q = 0; q < 4; q++) {
        const char *name = svcm_quadrant_name(q);
        fputs("<div class=\"quad q-", f);
        html_esc(f, name);
        fputs("\"><h3>", f);
        html_esc(f, name);
        fprintf(f, "</h3><div class=\"count\">%zu</div><div class=\"adv\">", counts[q]);
        html_esc(f, where[q]);
        fputs(": ", f);
        html_esc(f, svcm_quadrant_advice(q));
        fputs("</div>\n", f);
        long shown = 0;
        for (size_t r = 0; r < t->nrows && shown < o->top; r++) {
            if (strcmp(html_cell(t, r, cq), name) != 0)
                continue;
            fputs(shown == 0 ? "<ol>\n<li>" : "<li>", f);
            html_esc(f, html_cell(t, r, cid));
            fputs(" <b>", f);
            html_esc(f, html_cell(t, r, cp));
            fputs("</b> ", f);
            html_esc(f, html_cell(t, r, ct));
            const char *due = html_cell(t, r, cd);
            if (*due) {
                fputs(", due ", f);
                html_esc(f, due);
            }
            fputs("</li>\n", f);
            shown++;
        }
        if (shown)
            fputs("</ol>\n", f);
        fputs("</div>\n", f);
    }
    fputs("</div>\n", f);
    html_section_end(f);
    html_tables_free(&pr);
    return 0;
}

/* The value of row `field` of a field,value table; "" when absent. */
static const char *kv(const html_tables *ts, size_t k, const char *field)
{
    if (k >= ts->n)
        return "";
    const html_table *t = &ts->t[k];
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(html_cell(t, r, 0), field) == 0)
            return html_cell(t, r, 1);
    return "";
}

static void card(FILE *f, const char *key, const char *value, const char *verdict)
{
    char buf[2 * CLI_NUM_SIZE + 8];
    fputs("<div class=\"card\"><div class=\"k\">", f);
    html_esc(f, key);
    fputs("</div><div class=\"v\">", f);
    if (verdict) {
        fprintf(f, "<span class=\"verdict %s\">", html_verdict_class(verdict));
        html_esc(f, value);
        fputs("</span>", f);
    } else {
        html_esc(f, html_display(value, buf, sizeof buf));
    }
    fputs("</div></div>\n", f);
}

/* Was the cycle in file checked (so that svcm pdca can draw its chart)?
 * 1, 0, or -1 after saying why it cannot be read. */
static int cycle_checked(const char *file)
{
    char *text;
    size_t len;
    if (cli_read_file(file, &text, &len) != 0) {
        fprintf(stderr, "svcm report: cannot read %s: %s\n", file, strerror(errno));
        return -1;
    }
    svcm_cycle *cy = NULL;
    svcm_error err;
    int rc = svcm_cycle_parse(text, len, NULL, &cy, &err);
    free(text);
    if (rc != SVCM_OK) {
        cli_text_error("report", file, &err, rc);
        return -1;
    }
    struct svcm_cycle_result info;
    svcm_cycle_result(cy, &info);
    svcm_cycle_free(cy);
    return info.has_check ? 1 : 0;
}

static int section_pdca(page *p)
{
    const cli_report_opts *o = p->o;
    int checked = cycle_checked(o->cycle);
    if (checked < 0)
        return -1;
    html_tables pd = {0};
    const char *chart = NULL;
    char *argv[] = {"pdca", (char *)o->cycle, NULL};
    if (section_data(p, "pdca", cli_cmd_pdca, argv, false, checked == 1, &pd, &chart) != 0)
        return -1;
    FILE *f = p->f;
    char *title = cli_strdupf("PDCA: %s", kv(&pd, 0, "title"));
    html_section(f, "pdca", title ? title : "PDCA cycle", NULL);
    free(title);
    fputs("<p class=\"intro\">Metric <b>", f);
    html_esc(f, kv(&pd, 0, "metric"));
    fputs("</b> (", f);
    html_esc(f, kv(&pd, 0, "unit"));
    fputs(", ", f);
    html_esc(f, kv(&pd, 0, "direction"));
    fputs("), owner ", f);
    html_esc(f, kv(&pd, 0, "owner"));
    fputs(", phase <b>", f);
    html_esc(f, kv(&pd, 0, "phase"));
    fputs("</b>.</p>\n", f);
    int rc = 0;
    if (checked == 1) {
        fputs("<div class=\"cards\">\n", f);
        const char *verdict = kv(&pd, 2, "verdict");
        card(f, "verdict", verdict, verdict);
        card(f, "baseline mean", kv(&pd, 2, "baseline mean"), NULL);
        card(f, "after mean", kv(&pd, 2, "after mean"), NULL);
        card(f, "target", kv(&pd, 0, "target"), NULL);
        card(f, "relative change %", kv(&pd, 2, "relative change %"), NULL);
        card(f, "p-value", kv(&pd, 2, "p-value (two-sided)"), NULL);
        const char *met = kv(&pd, 2, "target met");
        card(f, "target met", met, met);
        fputs("</div>\n", f);
        rc = html_svg_file(f, "report", "chart-pdca", chart,
                           "Samples in time order: the baseline (first points) sets the "
                           "centre line and the 1, 2 and 3 sigma limits; after-samples that "
                           "break a Western Electric rule are circled in red.");
        if (rc == 0 && pd.n >= 4) {
            char *cap = cli_strdupf("Western Electric signals (by rule 1/2/3/4: %s)",
                                    kv(&pd, 2, "signals by rule 1/2/3/4"));
            html_table_write(f, "pdca-signals", cap ? cap : "Western Electric signals",
                             &pd.t[3], NULL, 0, NULL, 12, -1, NULL);
            free(cap);
        }
        if (rc == 0 && pd.n >= 3)
            html_table_write(f, "pdca-check", "Check", &pd.t[2], NULL, 0, NULL, 0, -1, NULL);
    } else {
        html_para(f, "note", "The cycle has not been checked yet: no control chart.");
    }
    if (rc == 0 && pd.n >= 2) {
        static const long ac[5] = {0, 1, 2, 3, 4};
        html_table_write(f, "pdca-actions", "Actions", &pd.t[1], ac, 5, NULL, 0, 4,
                         html_alarm_class);
    }
    html_section_end(f);
    html_tables_free(&pd);
    return rc;
}

static int section_staffing(page *p)
{
    const cli_report_opts *o = p->o;
    html_tables st = {0};
    const char *chart = NULL;
    char *argv[12] = {"staff", "--intervals", (char *)o->intervals, "--interval",
                      (char *)o->interval};
    int k = 5;
    if (o->shrinkage)
        argv[k++] = "--shrinkage", argv[k++] = (char *)o->shrinkage;
    if (o->target_sl)
        argv[k++] = "--target-sl", argv[k++] = (char *)o->target_sl;
    if (o->target_s)
        argv[k++] = "--target-s", argv[k++] = (char *)o->target_s;
    argv[k] = NULL;
    if (section_data(p, "staffing", cli_cmd_staff, argv, true, true, &st, &chart) != 0)
        return -1;
    FILE *f = p->f;
    html_section(f, "staffing", "Staffing curve",
                 "Agents required on the phones per interval (Erlang C, or Erlang A with a "
                 "patience column) to meet the service-level goal, and the staff to schedule "
                 "after shrinkage.");
    int rc = 0;
    if (st.n >= 2) {
        const html_table *t = &st.t[1];
        fputs("<div class=\"cards\">\n", f);
        card(f, "calls", html_cell(t, 0, html_col(t, "calls")), NULL);
        card(f, "agent-hours", html_cell(t, 0, html_col(t, "agent_hours")), NULL);
        card(f, "staff-hours", html_cell(t, 0, html_col(t, "staff_hours")), NULL);
        card(f, "peak staff", html_cell(t, 0, html_col(t, "peak_staff")), NULL);
        card(f, "service level %", html_cell(t, 0, html_col(t, "sl_pct")), NULL);
        fputs("</div>\n", f);
    }
    rc = html_svg_file(f, "report", "chart-staffing", chart,
                       "Bars: staff scheduled; line: agents required on the phones.");
    if (rc == 0 && st.n >= 1) {
        static const char *const names[] = {"start",  "calls", "aht_s",  "erlangs",
                                            "agents", "staff", "sl_pct", "asa_s",
                                            "occupancy_pct", "abandon_pct"};
        static const char *const heads[] = {"start (UTC)", "calls", "AHT (s)", "erlangs",
                                            "agents", "staff", "service level %", "ASA (s)",
                                            "occupancy %", "abandoned %"};
        const html_table *t = &st.t[0];
        long cols[10];
        const char *hd[10];
        size_t n = 0;
        for (size_t j = 0; j < 10; j++) {
            cols[n] = html_col(t, names[j]);
            bool any = false; /* abandonment only under Erlang A */
            for (size_t r = 0; r < t->nrows && !any; r++)
                any = *html_cell(t, r, cols[n]) != '\0';
            hd[n] = heads[j];
            if (cols[n] >= 0 && (any || j + 1 < 10))
                n++;
        }
        html_table_write(f, "staffing-intervals", "Per interval", t, cols, n, hd, 0, -1, NULL);
    }
    html_section_end(f);
    html_tables_free(&st);
    return rc;
}

/* ---- Scorecard: targets with statistical verdicts (svcm/scorecard.h) ---- */

/* Ticket columns the scorecard reads (then one per rate target). */
enum { TK_CREATED, TK_FIRST, TK_RESOLVED, TK_FCR, TK_REOPEN, TK_BASE };
/* Survey columns (then one per rate target). */
enum { SV_NPS, SV_CSAT, SV_CES, SV_BASE };

typedef struct sc_file {
    const char *path;
    cli_dataset d;
    cli_col *cols;
    bool loaded;
} sc_file;

/* The rate columns a target may name: NAME, or NAME without "_rate". */
typedef struct sc_names {
    char name[2 * SVCM_TARGETS_MAX][SVCM_TARGET_NAME_MAX + 1];
    size_t n;
} sc_names;

static void sc_free(sc_file *f)
{
    if (f->loaded)
        cli_dataset_free(&f->d);
    free(f->cols);
    f->loaded = false;
    f->cols = NULL;
}

/* Load path with the fixed columns (base of them) and the extra rate
 * columns; 0 or -1 (said). */
static int sc_load(const cli_report_opts *o, sc_file *f, const cli_col *fixed, size_t base,
                   const sc_names *extra)
{
    size_t n = base + extra->n;
    f->cols = calloc(n, sizeof *f->cols);
    if (f->cols == NULL) {
        fprintf(stderr, "svcm report: out of memory\n");
        return -1;
    }
    memcpy(f->cols, fixed, base * sizeof *fixed);
    for (size_t i = 0; i < extra->n; i++)
        f->cols[base + i] = (cli_col){extra->name[i], CLI_COL_DOUBLE, false, true, -1, NULL};
    cli_read_opts ro;
    if (read_opts(o, &ro) != 0)
        return -1;
    if (cli_load("report", f->path, &ro, f->cols, n, &f->d) != 0)
        return -1;
    f->loaded = true;
    return 0;
}

/* Successes and trials of a 0/1 column (empty cells left out); -1 after
 * naming the first other value. */
static int sc_rate(const cli_report_opts *o, const sc_file *f, size_t k, const char *label,
                   uint64_t *x, uint64_t *n)
{
    const double *v = f->cols[k].values;
    *x = *n = 0;
    for (size_t i = 0; i < f->d.n; i++) {
        if (v[i] != v[i])
            continue;
        if (v[i] != 0 && v[i] != 1) {
            cli_read_opts ro;
            read_opts(o, &ro);
            cli_record_error("report", f->path, &ro, &f->d, i, f->cols[k].field, label, NULL,
                             NULL, "a rate column holds 0 or 1 (or nothing)");
            return -1;
        }
        *x += v[i] == 1;
        (*n)++;
    }
    return 0;
}

/* The column of a rate target in f: NAME or NAME without "_rate"; -1. */
static long sc_rate_col(const sc_file *f, size_t base, const sc_names *extra, const char *name)
{
    if (!f->loaded)
        return -1;
    size_t len = strlen(name);
    for (size_t i = 0; i < extra->n; i++) {
        const char *e = extra->name[i];
        size_t el = strlen(e);
        bool same = strcmp(e, name) == 0 ||
                    (len == el + 5 && strncmp(name, e, el) == 0 && strcmp(name + el, "_rate") == 0);
        if (same && f->cols[base + i].field >= 0)
            return (long)(base + i);
    }
    return -1;
}

/* "first_response_p90" -> which = 1 (2: resolution), q = 0.90; "..._mean"
 * -> q = 0. Returns false for other names. */
static bool sc_time_name(const char *name, int *which, double *q)
{
    const char *rest;
    if (strncmp(name, "first_response_", 15) == 0)
        *which = 1, rest = name + 15;
    else if (strncmp(name, "resolution_", 11) == 0)
        *which = 2, rest = name + 11;
    else
        return false;
    if (strcmp(rest, "mean") == 0) {
        *q = 0;
        return true;
    }
    if (rest[0] != 'p' || rest[1] < '1' || rest[1] > '9' ||
        (rest[2] != '\0' && (rest[2] < '0' || rest[2] > '9' || rest[3] != '\0')))
        return false;
    *q = (double)strtol(rest + 1, NULL, 10) / 100.0;
    return true;
}

/* One target's verdict. Returns SVCM_OK, SVCM_EEMPTY (no data: shown as
 * such), SVCM_ENOTFOUND (no KPI of that name) or -1 (said). *what names
 * the KPI's source. */
static int sc_eval(const cli_report_opts *o, const svcm_target *tg, sc_file *tk, sc_file *sv,
                   const sc_names *extra, struct svcm_target_result *res, const char **what)
{
    double target;
    int rc = svcm_target_scaled(tg, &target);
    if (rc != SVCM_OK)
        return rc;
    int which;
    double q;
    if (sc_time_name(tg->name, &which, &q)) {
        *what = which == 1 ? "tickets: first response - created" : "tickets: resolved - created";
        if (!tk->loaded)
            return SVCM_ENOTFOUND;
        const int64_t *c = tk->cols[TK_CREATED].values;
        const int64_t *e = tk->cols[which == 1 ? TK_FIRST : TK_RESOLVED].values;
        if (tk->cols[which == 1 ? TK_FIRST : TK_RESOLVED].field < 0)
            return SVCM_ENOTFOUND;
        double *v = malloc((tk->d.n ? tk->d.n : 1) * sizeof *v);
        if (v == NULL)
            return SVCM_ENOMEM;
        size_t m = 0;
        svcm_moments mo;
        svcm_moments_init(&mo);
        size_t col = which == 1 ? TK_FIRST : TK_RESOLVED;
        for (size_t i = 0; i < tk->d.n; i++) {
            if (e[i] == INT64_MIN)
                continue;
            if (e[i] < c[i]) {
                cli_read_opts ro;
                read_opts(o, &ro);
                cli_record_error("report", tk->path, &ro, &tk->d, i, tk->cols[col].field,
                                 tk->cols[col].name, NULL, NULL, "before the ticket was created");
                free(v);
                return -1;
            }
            v[m] = (double)e[i] - (double)c[i];
            svcm_moments_add(&mo, v[m++]);
        }
        svcm_error err;
        rc = m == 0     ? SVCM_EEMPTY
             : q == 0.0 ? svcm_target_verdict_mean(&mo, target, tg->direction, 0.95, res)
                        : svcm_target_verdict_quantile(v, m, q, target, tg->direction, 0.95, NULL,
                                                       res, &err);
        free(v);
        return rc;
    }
    static const struct {
        const char *name;
        int kind;
    } scores[] = {{"nps", SVCM_FEEDBACK_KIND_NPS},
                  {"csat", SVCM_FEEDBACK_KIND_CSAT},
                  {"csat_top2", SVCM_FEEDBACK_KIND_CSAT},
                  {"ces", SVCM_FEEDBACK_KIND_CES},
                  {"ces_mean", SVCM_FEEDBACK_KIND_CES}};
    for (size_t s = 0; s < sizeof scores / sizeof scores[0]; s++) {
        if (strcmp(tg->name, scores[s].name) != 0)
            continue;
        int k = scores[s].kind;
        size_t col = k == SVCM_FEEDBACK_KIND_NPS ? SV_NPS : k == SVCM_FEEDBACK_KIND_CSAT ? SV_CSAT : SV_CES;
        *what = k == SVCM_FEEDBACK_KIND_NPS    ? "surveys: nps 0-10"
                : k == SVCM_FEEDBACK_KIND_CSAT ? "surveys: csat 1-5, share of 4-5"
                                               : "surveys: ces 1-7, mean";
        if (!sv->loaded || sv->cols[col].field < 0)
            return SVCM_ENOTFOUND;
        svcm_feedback_options fo;
        svcm_feedback_options_init(&fo, (svcm_feedback_kind)k);
        svcm_feedback *fb = NULL;
        if ((rc = svcm_feedback_new(&fo, NULL, &fb, NULL)) != SVCM_OK)
            return rc;
        const double *v = sv->cols[col].values;
        for (size_t i = 0; i < sv->d.n && rc == SVCM_OK; i++) {
            if (v[i] != v[i])
                continue;
            if ((rc = svcm_feedback_add(fb, v[i])) != SVCM_OK) {
                cli_read_opts ro;
                read_opts(o, &ro);
                cli_record_error("report", sv->path, &ro, &sv->d, i, sv->cols[col].field,
                                 sv->cols[col].name, NULL, NULL, "not an answer on the scale");
                svcm_feedback_free(fb);
                return -1;
            }
        }
        rc = svcm_target_verdict_feedback(fb, target, tg->direction, 0.95, res);
        svcm_feedback_free(fb);
        return rc;
    }
    /* A rate: fcr, reopen(_rate), or any 0/1 column of that name. */
    sc_file *f = NULL;
    long k = -1;
    if (strcmp(tg->name, "fcr") == 0 || strcmp(tg->name, "fcr_rate") == 0) {
        f = tk, k = tk->loaded && tk->cols[TK_FCR].field >= 0 ? TK_FCR : -1;
        *what = "tickets: fcr (0/1)";
    } else if (strcmp(tg->name, "reopen") == 0 || strcmp(tg->name, "reopen_rate") == 0) {
        f = tk, k = tk->loaded && tk->cols[TK_REOPEN].field >= 0 ? TK_REOPEN : -1;
        *what = "tickets: reopened (0/1)";
    } else if ((k = sc_rate_col(tk, TK_BASE, extra, tg->name)) >= 0) {
        f = tk, *what = "tickets: a 0/1 column";
    } else if ((k = sc_rate_col(sv, SV_BASE, extra, tg->name)) >= 0) {
        f = sv, *what = "surveys: a 0/1 column";
    }
    if (k < 0)
        return SVCM_ENOTFOUND;
    uint64_t x, n;
    if (sc_rate(o, f, (size_t)k, f->cols[k].name, &x, &n) != 0)
        return -1;
    return n == 0 ? SVCM_EEMPTY : svcm_target_verdict(x, n, target, tg->direction, 0.95, res);
}

/* A value in the target's unit, rounded for reading, with the unit. */
static void sc_value(FILE *f, double v, svcm_target_unit u)
{
    static const double per[] = {1, 0.01, 1, 60, 3600, 86400};
    char buf[CLI_NUM_SIZE];
    if (v != v) {
        fputs("&ndash;", f);
        return;
    }
    if (v == INFINITY || v == -INFINITY) {
        fputs(v > 0 ? "&infin;" : "&minus;&infin;", f);
        return;
    }
    double x = (int)u >= 0 && (int)u < 6 ? v / per[u] : v;
    html_esc(f, cli_format_number(buf, x, fabs(x) >= 100 ? 1 : -3, CLI_TEXT));
    const char *s = svcm_target_unit_name((int)u);
    html_esc(f, s ? s : "");
}

static int section_scorecard(page *p)
{
    const cli_report_opts *o = p->o;
    char *text = NULL;
    size_t len = 0;
    if (cli_read_file(o->targets, &text, &len) != 0) {
        fprintf(stderr, "svcm report: cannot read %s: %s\n", o->targets, strerror(errno));
        return -1;
    }
    svcm_targets tg;
    svcm_error err;
    int rc = svcm_targets_parse(text, len, &tg, &err);
    free(text);
    if (rc != SVCM_OK) {
        cli_text_error("report", o->targets, &err, rc);
        return -1;
    }
    sc_names *extra = calloc(1, sizeof *extra);
    sc_file tk = {o->tickets, {0}, NULL, false}, sv = {o->surveys, {0}, NULL, false};
    if (extra == NULL) {
        fprintf(stderr, "svcm report: out of memory\n");
        return -1;
    }
    for (size_t i = 0; i < tg.count; i++) {
        const char *nm = tg.item[i].name;
        size_t l = strlen(nm);
        snprintf(extra->name[extra->n++], SVCM_TARGET_NAME_MAX + 1, "%s", nm);
        if (l > 5 && strcmp(nm + l - 5, "_rate") == 0)
            snprintf(extra->name[extra->n++], SVCM_TARGET_NAME_MAX + 1, "%.*s", (int)(l - 5), nm);
    }
    const cli_col tcols[TK_BASE] = {
        {"created", CLI_COL_INSTANT, true, false, -1, NULL},
        {"first_response", CLI_COL_INSTANT, false, true, -1, NULL},
        {"resolved", CLI_COL_INSTANT, false, true, -1, NULL},
        {"fcr", CLI_COL_DOUBLE, false, true, -1, NULL},
        {"reopened", CLI_COL_DOUBLE, false, true, -1, NULL},
    };
    const cli_col scols[SV_BASE] = {
        {"nps", CLI_COL_DOUBLE, false, true, -1, NULL},
        {"csat", CLI_COL_DOUBLE, false, true, -1, NULL},
        {"ces", CLI_COL_DOUBLE, false, true, -1, NULL},
    };
    rc = 0;
    if (o->tickets)
        rc = sc_load(o, &tk, tcols, TK_BASE, extra);
    if (rc == 0 && o->surveys)
        rc = sc_load(o, &sv, scols, SV_BASE, extra);
    struct svcm_target_result *res = calloc(tg.count ? tg.count : 1, sizeof *res);
    int *status = calloc(tg.count ? tg.count : 1, sizeof *status);
    const char **what = calloc(tg.count ? tg.count : 1, sizeof *what);
    if (rc == 0 && (res == NULL || status == NULL || what == NULL)) {
        fprintf(stderr, "svcm report: out of memory\n");
        rc = -1;
    }
    size_t tally[3] = {0, 0, 0}, nodata = 0;
    for (size_t i = 0; i < tg.count && rc == 0; i++) {
        what[i] = "";
        status[i] = sc_eval(o, &tg.item[i], &tk, &sv, extra, &res[i], &what[i]);
        if (status[i] == SVCM_ENOTFOUND) {
            fprintf(stderr, "svcm report: %s: target %zu, %s: no such KPI in the %s (known: "
                            "first_response_pNN, resolution_pNN, first_response_mean, "
                            "resolution_mean, fcr, reopen_rate, nps, csat_top2, ces, or a 0/1 "
                            "column NAME or NAME_rate)\n",
                            o->targets, i + 1, tg.item[i].name,
                            o->tickets && o->surveys ? "tickets or surveys"
                            : o->tickets             ? "tickets (no --surveys)"
                            : o->surveys             ? "surveys (no --tickets)"
                                                     : "inputs (no --tickets or --surveys)");
            rc = -1;
        } else if (status[i] == SVCM_OK) {
            tally[res[i].outcome <= 2 ? res[i].outcome : 2]++;
        } else if (status[i] == SVCM_EEMPTY) {
            nodata++;
        } else if (status[i] != -1) {
            fprintf(stderr, "svcm report: %s: target %zu, %s: %s\n", o->targets, i + 1,
                    tg.item[i].name, svcm_strerror(status[i]));
            rc = -1;
        } else {
            rc = -1;
        }
    }
    if (rc == 0) {
        FILE *f = p->f;
        html_section(f, "scorecard", "Scorecard",
                     "Each KPI against its target: met when the whole 95% interval is on the "
                     "good side, missed when it is wholly on the bad side, undetermined "
                     "otherwise (with the sample size that would decide at the observed "
                     "value).");
        fputs("<div class=\"cards\">\n", f);
        char num[32];
        snprintf(num, sizeof num, "%zu", tally[SVCM_TARGET_OUTCOME_MET]);
        card(f, "met", num, "met");
        snprintf(num, sizeof num, "%zu", tally[SVCM_TARGET_OUTCOME_MISSED]);
        card(f, "missed", num, "missed");
        snprintf(num, sizeof num, "%zu", tally[SVCM_TARGET_OUTCOME_UNDETERMINED]);
        card(f, "undetermined", num, "undetermined");
        fputs("</div>\n", f);
        fputs("<div class=\"scroll\" id=\"scorecard-table\"><table>\n<caption>Targets of ", f);
        const char *base = strrchr(o->targets, '/');
        html_esc(f, base ? base + 1 : o->targets);
        fputs("</caption>\n<thead><tr><th scope=\"col\">KPI</th><th scope=\"col\">verdict</th>"
              "<th scope=\"col\">target</th><th scope=\"col\">value</th>"
              "<th scope=\"col\">95% interval</th><th scope=\"col\">n</th>"
              "<th scope=\"col\">note</th></tr></thead>\n<tbody>\n",
              f);
        for (size_t i = 0; i < tg.count; i++) {
            const svcm_target *t = &tg.item[i];
            const struct svcm_target_result *r = &res[i];
            bool empty = status[i] == SVCM_EEMPTY;
            const char *word = empty ? "no data" : svcm_target_outcome_name((int)r->outcome);
            char tv[CLI_NUM_SIZE];
            /* The verdict comes second: on a phone it is seen without
             * scrolling the table sideways. */
            fputs("<tr><td>", f);
            html_esc(f, t->name);
            fprintf(f, "</td><td><span class=\"verdict %s\">",
                    empty ? "neutral" : html_verdict_class(word ? word : ""));
            html_esc(f, word ? word : "?");
            fprintf(f, "</span></td><td>%s ",
                    t->direction == SVCM_TARGET_DIRECTION_AT_LEAST ? "&ge;" : "&le;");
            html_esc(f, cli_format_number(tv, t->value, -6, CLI_TEXT));
            const char *un = svcm_target_unit_name((int)t->unit);
            html_esc(f, un ? un : "");
            fputs("</td>", f);
            if (empty) {
                fputs("<td class=\"num\">&ndash;</td><td>&ndash;</td><td class=\"num\">0</td><td>",
                      f);
                html_esc(f, what[i]);
                fputs("</td></tr>\n", f);
                continue;
            }
            fputs("<td class=\"num\">", f);
            sc_value(f, r->value, t->unit);
            fputs("</td><td>", f);
            sc_value(f, r->ci.lo, t->unit);
            fputs(" .. ", f);
            sc_value(f, r->ci.hi, t->unit);
            fprintf(f, "</td><td class=\"num\">%llu</td><td>", (unsigned long long)r->n);
            html_esc(f, what[i]);
            if (r->outcome == SVCM_TARGET_OUTCOME_UNDETERMINED && r->n_to_decide > 0)
                fprintf(f, "; about %llu would decide", (unsigned long long)r->n_to_decide);
            fputs("</td></tr>\n", f);
        }
        fputs("</tbody>\n</table></div>\n", f);
        if (nodata)
            html_para(f, "note", "no data: the KPI's column is there but holds no value.");
        html_section_end(f);
    }
    free(res);
    free(status);
    free(what);
    sc_free(&tk);
    sc_free(&sv);
    free(extra);
    return rc;
}

/* ---- Journey funnel (svcm/journey.h) ---- */

static int section_journey(page *p)
{
    const cli_report_opts *o = p->o;
    /* The steps: --funnel split at commas. */
    char *steps_text = cli_strdupf("%s", o->funnel);
    const char *steps[SVCM_JOURNEY_MAX_STEPS];
    size_t n_steps = 0;
    if (steps_text == NULL) {
        fprintf(stderr, "svcm report: out of memory\n");
        return -1;
    }
    for (char *s = steps_text, *comma; s && n_steps < SVCM_JOURNEY_MAX_STEPS; s = comma) {
        comma = strchr(s, ',');
        if (comma)
            *comma++ = '\0';
        steps[n_steps++] = s;
    }
    cli_col cols[5] = {
        {"customer", CLI_COL_STRING, true, false, -1, NULL},
        {"touchpoint", CLI_COL_STRING, true, false, -1, NULL},
        {"time", CLI_COL_INSTANT, true, false, -1, NULL},
        {"score", CLI_COL_DOUBLE, false, true, -1, NULL},
        {"lost", CLI_COL_DOUBLE, false, true, -1, NULL},
    };
    cli_read_opts ro;
    cli_dataset d;
    if (read_opts(o, &ro) != 0 || cli_load("report", o->events, &ro, cols, 5, &d) != 0) {
        free(steps_text);
        return -1;
    }
    svcm_journey_options jo;
    svcm_journey_options_init(&jo);
    jo.steps = steps;
    jo.n_steps = n_steps;
    if (o->window > 0)
        jo.window_s = o->window;
    svcm_journey *j = NULL;
    svcm_journey_event *ev = malloc((d.n ? d.n : 1) * sizeof *ev);
    struct svcm_journey_step_result *st = malloc(n_steps * sizeof *st);
    struct svcm_journey_touchpoint_result *tp = NULL;
    struct svcm_journey_path_result paths[5];
    size_t n_st = 0, n_tp = 0, n_paths = 0;
    struct svcm_journey_result tot;
    svcm_error err;
    int rc = ev && st ? svcm_journey_new(&jo, NULL, &j, &err) : SVCM_ENOMEM;
    if (rc == SVCM_EINVAL) {
        fprintf(stderr, "svcm report: --funnel: %s\n", err.message);
        goto done;
    }
    const int64_t *tm = cols[2].values;
    const double *score = cols[3].field >= 0 ? cols[3].values : NULL;
    const double *lost = cols[4].field >= 0 ? cols[4].values : NULL;
    for (size_t i = 0; i < d.n && rc == SVCM_OK; i++) {
        const char *c = cli_str(&d, &cols[0], i), *t = cli_str(&d, &cols[1], i);
        if (lost && lost[i] == lost[i] && lost[i] != 0 && lost[i] != 1) {
            cli_record_error("report", o->events, &ro, &d, i, cols[4].field, "lost", "customer",
                             c, "lost holds 0 or 1 (or nothing)");
            rc = -1;
            break;
        }
        ev[i] = (svcm_journey_event){c, strlen(c), t, strlen(t), (double)tm[i],
                                     score ? score[i] : NAN, lost && lost[i] == 1};
    }
    if (rc == SVCM_OK && (rc = svcm_journey_add_batch(j, ev, d.n, &err)) == SVCM_EINVAL) {
        size_t row = err.index < d.n ? err.index : 0;
        long at = -1;
        static const char *const names[5] = {"customer", "touchpoint", "time", "score", "lost"};
        for (int k = 0; err.field && k < 5; k++)
            if (strcmp(err.field, names[k]) == 0)
                at = cols[k].field;
        cli_record_error("report", o->events, &ro, &d, row, at, err.field ? err.field : "event",
                         "customer", cli_str(&d, &cols[0], row), err.message);
        rc = -1;
        goto done;
    }
    if (rc == SVCM_OK)
        rc = svcm_journey_result(j, &tot);
    if (rc == SVCM_OK)
        rc = svcm_journey_steps(j, st, n_steps, &n_st, &err);
    if (rc == SVCM_OK && (rc = svcm_journey_touchpoints(j, NULL, 0, &n_tp, &err)) == SVCM_ENOSPC) {
        tp = malloc((n_tp ? n_tp : 1) * sizeof *tp);
        rc = tp ? svcm_journey_touchpoints(j, tp, n_tp, &n_tp, &err) : SVCM_ENOMEM;
    }
    if (rc == SVCM_OK)
        rc = svcm_journey_paths(j, paths, 5, &n_paths, &err);
    if (rc != SVCM_OK) {
        if (rc != -1)
            fprintf(stderr, "svcm report: %s: %s\n", o->events,
                    rc == SVCM_ENOMEM ? "out of memory" : err.message[0] ? err.message : svcm_strerror(rc));
        goto done;
    }
    FILE *f = p->f;
    char *intro = cli_strdupf("%llu customers, %llu events; %llu entered the funnel, %llu "
                              "completed it. A step counts when reached in order%s.",
                              (unsigned long long)tot.customers, (unsigned long long)tot.events,
                              (unsigned long long)tot.entered, (unsigned long long)tot.completed,
                              o->window > 0 ? " within the window from the first step" : "");
    html_section(f, "journey", "Journey funnel", intro);
    free(intro);
    const char **labels = malloc(n_st * sizeof *labels);
    unsigned long long *reached = malloc(n_st * sizeof *reached);
    double *drop = malloc(n_st * sizeof *drop);
    if (labels && reached && drop) {
        for (size_t k = 0; k < n_st; k++) {
            labels[k] = st[k].touchpoint;
            reached[k] = (unsigned long long)st[k].reached;
            drop[k] = st[k].drop_rate;
        }
        html_svg_funnel(f, "chart-funnel", "Customers reaching each step", n_st, labels, reached,
                        drop, "Bar width: share of the customers who entered at the first step.");
    }
    free(labels);
    free(reached);
    free(drop);
    char buf[CLI_NUM_SIZE];
    fputs("<div class=\"scroll\" id=\"journey-steps\"><table>\n<caption>Steps</caption>\n"
          "<thead><tr><th scope=\"col\">step</th><th scope=\"col\">reached</th>"
          "<th scope=\"col\">continued</th><th scope=\"col\">drop-off %</th>"
          "<th scope=\"col\">95% interval</th><th scope=\"col\">median time from previous "
          "(h)</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t k = 0; k < n_st; k++) {
        fputs("<tr><td>", f);
        html_esc(f, st[k].touchpoint);
        fprintf(f, "</td><td class=\"num\">%llu</td><td class=\"num\">%llu</td><td class=\"num\">",
                (unsigned long long)st[k].reached, (unsigned long long)st[k].continued);
        html_esc(f, cli_format_number(buf, 100.0 * st[k].drop_rate, 1, CLI_TEXT));
        fputs("</td><td>", f);
        if (st[k].drop_rate == st[k].drop_rate) {
            html_esc(f, cli_format_number(buf, 100.0 * st[k].ci.lo, 1, CLI_TEXT));
            fputs(" .. ", f);
            html_esc(f, cli_format_number(buf, 100.0 * st[k].ci.hi, 1, CLI_TEXT));
        }
        fputs("</td><td class=\"num\">", f);
        html_esc(f, cli_format_number(buf, st[k].time_p50_s / 3600.0, 2, CLI_TEXT));
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody>\n</table></div>\n", f);
    if (tot.lost_customers > 0 && n_tp > 0) {
        fputs("<div class=\"scroll\" id=\"journey-loss\"><table>\n<caption>Last touchpoint "
              "before loss, by excess loss</caption>\n<thead><tr><th scope=\"col\">touchpoint"
              "</th><th scope=\"col\">customers ending there</th><th scope=\"col\">of them lost"
              "</th><th scope=\"col\">loss %</th><th scope=\"col\">excess (points)</th>"
              "<th scope=\"col\">mean score</th></tr></thead>\n<tbody>\n",
              f);
        for (size_t k = 0; k < n_tp && k < 8; k++) {
            fputs("<tr><td>", f);
            html_esc(f, tp[k].touchpoint);
            fprintf(f, "</td><td class=\"num\">%llu</td><td class=\"num\">%llu</td><td class=\"num\">",
                    (unsigned long long)tp[k].last, (unsigned long long)tp[k].lost_last);
            html_esc(f, cli_format_number(buf, 100.0 * tp[k].loss_rate, 1, CLI_TEXT));
            fputs("</td><td class=\"num\">", f);
            html_esc(f, cli_format_number(buf, 100.0 * tp[k].excess, 1, CLI_TEXT));
            fputs("</td><td class=\"num\">", f);
            html_esc(f, cli_format_number(buf, tp[k].mean_score, 2, CLI_TEXT));
            fputs("</td></tr>\n", f);
        }
        fputs("</tbody>\n</table></div>\n", f);
    }
    if (n_paths > 0) {
        fputs("<h3>Most frequent paths</h3>\n<ol id=\"journey-paths\">\n", f);
        for (size_t k = 0; k < n_paths; k++) {
            fputs("<li>", f);
            for (size_t s = 0; s < paths[k].length; s++) {
                if (s)
                    fputs(" &rarr; ", f);
                html_esc(f, paths[k].touchpoints[s]);
            }
            fprintf(f, "%s: %llu customers (%s%%)</li>\n", paths[k].truncated ? " &rarr; &hellip;" : "",
                    (unsigned long long)paths[k].customers,
                    cli_format_number(buf, 100.0 * paths[k].share, 1, CLI_TEXT));
        }
        fputs("</ol>\n", f);
    }
    html_section_end(f);
done:
    if (rc == SVCM_ENOMEM)
        fprintf(stderr, "svcm report: out of memory\n");
    svcm_journey_free(j);
    free(ev);
    free(st);
    free(tp);
    free(steps_text);
    cli_dataset_free(&d);
    return rc == SVCM_OK ? 0 : -1;
}

typedef struct nav_item {
    const char *id, *label;
    bool on;
} nav_item;

static int write_page(page *p)
{
    const cli_report_opts *o = p->o;
    FILE *f = p->f;
    char *sub = cli_strdupf("svcm %s", svcm_version());
    html_begin(f, o->title, sub);
    free(sub);
    const nav_item nav[] = {
        {"scorecard", "Scorecard", o->targets != NULL},
        {"tiers", "Tiers", o->customers || o->transactions},
        {"kpi", "KPIs", o->tickets || o->surveys},
        {"eisenhower", "Eisenhower", o->open != NULL},
        {"pdca", "PDCA", o->cycle != NULL},
        {"staffing", "Staffing", o->intervals != NULL},
        {"journey", "Journey", o->events != NULL},
    };
    fputs("<nav aria-label=\"Sections\">", f);
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++)
        if (nav[i].on)
            fprintf(f, "<a href=\"#%s\">%s</a>", nav[i].id, nav[i].label);
    fputs("</nav>\n<main>\n", f);
    int rc = 0;
    if (o->targets)
        rc = section_scorecard(p);
    if (rc == 0 && (o->customers || o->transactions))
        rc = section_tiers(p);
    if (rc == 0 && (o->tickets || o->surveys))
        rc = section_kpi(p);
    if (rc == 0 && o->open)
        rc = section_eisenhower(p);
    if (rc == 0 && o->cycle)
        rc = section_pdca(p);
    if (rc == 0 && o->intervals)
        rc = section_staffing(p);
    if (rc == 0 && o->events)
        rc = section_journey(p);
    char *foot = cli_strdupf("Written by svcm %s report: one file, no scripts, nothing fetched.",
                             svcm_version());
    html_end(f, foot ? foot : "Written by svcm report.");
    free(foot);
    return rc;
}

int cli_report_write(const cli_report_opts *o)
{
    if (!(o->customers || o->transactions || o->tickets || o->surveys || o->open || o->cycle ||
          o->intervals || o->events)) {
        fprintf(stderr, "svcm report: nothing to report on: give at least one input (svcm "
                        "report --help)\n");
        return CLI_EXIT_USAGE;
    }
    page p = {o, NULL, {0}};
    if (workdir_open(&p.w) != 0)
        return CLI_EXIT_DATA;
    /* The page goes to a temporary of its own first: the sections' commands
     * write files too, and a failed section must leave no page behind. */
    const char *draft = workdir_file(&p.w, "report.html");
    int code = CLI_EXIT_DATA;
    if (draft != NULL && (p.f = fopen(draft, "wb")) == NULL)
        fprintf(stderr, "svcm report: cannot write %s: %s\n", draft, strerror(errno));
    if (p.f != NULL) {
        int rc = write_page(&p);
        int bad = ferror(p.f);
        if (fclose(p.f) != 0 || bad) {
            fprintf(stderr, "svcm report: cannot write %s: %s\n", draft, strerror(errno));
            rc = -1;
        }
        p.f = NULL;
        char *text = NULL;
        size_t len = 0;
        if (rc == 0 && cli_read_file(draft, &text, &len) != 0) {
            fprintf(stderr, "svcm report: cannot read %s: %s\n", draft, strerror(errno));
            rc = -1;
        }
        cli_out out;
        if (rc == 0 && cli_out_open(&out, "report", o->output) == 0) {
            fwrite(text, 1, len, out.f);
            if (cli_out_commit(&out) == 0)
                code = CLI_EXIT_OK;
        }
        free(text);
    }
    workdir_close(&p.w);
    return code;
}

/* The reading options are passed on to every command that reads CSV. */
static bool read_option(const char *arg)
{
    static const char *const names[] = {"--separator", "--no-header", "--na", "--encoding",
                                        "--time-format", "--epoch", "--tz", "--ambiguous"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(arg, names[i], n) == 0 && (arg[n] == '\0' || arg[n] == '='))
            return true;
    }
    return false;
}

int cli_cmd_report(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL, "report"};
    cli_report_opts o;
    cli_report_opts_init(&o);
    cli_common c; /* validates the reading options before anything runs */
    cli_common_init(&c, "report");
    char **pass = malloc((size_t)(argc > 0 ? argc : 1) * sizeof *pass);
    if (pass == NULL) {
        fprintf(stderr, "svcm report: out of memory\n");
        cli_common_free(&c);
        return CLI_EXIT_DATA;
    }
    o.read_args = pass;
    char num[4][CLI_NUM_SIZE]; /* the staffing numbers, as given to svcm staff */
    while (a.i < argc) {
        int at = a.i;
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            cli_puts(report_help);
            cli_puts(CLI_READ_HELP);
            free(pass);
            cli_common_free(&c);
            return CLI_EXIT_OK;
        } else if (cli_opt(&a, "--output")) {
            o.output = a.value;
        } else if (cli_opt(&a, "--title")) {
            o.title = a.value;
        } else if (cli_opt(&a, "--customers")) {
            o.customers = a.value;
        } else if (cli_opt(&a, "--customers-prev")) {
            o.customers_prev = a.value;
        } else if (cli_opt(&a, "--transactions")) {
            o.transactions = a.value;
        } else if (cli_opt(&a, "--as-of")) {
            o.as_of = a.value;
        } else if (cli_flag(&a, "--lifetime")) {
            o.lifetime = true;
        } else if (cli_opt(&a, "--tickets")) {
            o.tickets = a.value;
        } else if (cli_opt(&a, "--surveys")) {
            o.surveys = a.value;
        } else if (cli_opt(&a, "--by")) {
            o.by = a.value;
        } else if (cli_opt(&a, "--open")) {
            o.open = a.value;
        } else if (cli_opt(&a, "--now")) {
            cli_field fv = {a.value, strlen(a.value)};
            int64_t t;
            const char *why;
            if (cli_read_instant(&fv, &t, &why) != 0)
                cli_usage_error(&a, "--now: '%s' %s", a.value, why);
            o.now = a.value;
        } else if (cli_opt(&a, "--top")) {
            o.top = (long)cli_opt_int(&a, "--top", 0, 1000);
        } else if (cli_opt(&a, "--cycle")) {
            o.cycle = a.value;
        } else if (cli_opt(&a, "--intervals")) {
            o.intervals = a.value;
        } else if (cli_opt(&a, "--interval")) {
            cli_format_number(num[0], cli_opt_double(&a, "--interval"), 0, CLI_CSV);
            o.interval = num[0];
        } else if (cli_opt(&a, "--shrinkage")) {
            cli_format_number(num[1], cli_opt_double(&a, "--shrinkage"), 0, CLI_CSV);
            o.shrinkage = num[1];
        } else if (cli_opt(&a, "--target-sl")) {
            cli_format_number(num[2], cli_opt_double(&a, "--target-sl"), 0, CLI_CSV);
            o.target_sl = num[2];
        } else if (cli_opt(&a, "--target-s")) {
            cli_format_number(num[3], cli_opt_double(&a, "--target-s"), 0, CLI_CSV);
            o.target_s = num[3];
        } else if (cli_opt(&a, "--targets")) {
            o.targets = a.value;
        } else if (cli_opt(&a, "--events")) {
            o.events = a.value;
        } else if (cli_opt(&a, "--funnel")) {
            o.funnel = a.value;
        } else if (cli_opt(&a, "--window")) {
            o.window = cli_opt_duration(&a, "--window");
            if (!(o.window > 0))
                cli_usage_error(&a, "--window: '%s' is not a positive duration", a.value);
        } else if (read_option(argv[a.i]) && cli_common_opt(&a, &c)) {
            for (int i = at; i < a.i; i++)
                pass[o.n_read_args++] = argv[i];
        } else {
            cli_usage_error(&a, "unknown argument '%s'", argv[a.i]);
        }
    }
    if (o.customers && o.transactions)
        cli_usage_error(&a, "give --customers or --transactions, not both");
    if (o.transactions && o.as_of == NULL)
        cli_usage_error(&a, "--transactions needs --as-of DATE (the end of observation)");
    if (o.as_of && o.transactions == NULL)
        cli_usage_error(&a, "--as-of goes with --transactions");
    if (o.customers_prev && o.customers == NULL)
        cli_usage_error(&a, "--customers-prev needs --customers (the newer snapshot)");
    if (o.now && o.open == NULL)
        cli_usage_error(&a, "--now goes with --open");
    if (o.targets && o.tickets == NULL && o.surveys == NULL)
        cli_usage_error(&a, "--targets needs --tickets or --surveys (the data to judge)");
    if (o.events && o.funnel == NULL)
        cli_usage_error(&a, "--events needs --funnel A,B,... (the steps)");
    if (o.funnel && o.events == NULL)
        cli_usage_error(&a, "--funnel goes with --events");
    if (o.window > 0 && o.events == NULL)
        cli_usage_error(&a, "--window goes with --events");
    o.read = &c.read;
    int code = cli_report_write(&o);
    free(pass);
    cli_common_free(&c);
    return code;
}
