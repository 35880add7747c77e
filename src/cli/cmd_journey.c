/* svcm journey: touchpoint funnel, paths and last touchpoint before loss
 * from an event log (svcm/journey.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "load.h"
#include "svcm/journey.h"

/* The limits of journey.h as help text (the macros carry a u suffix). */
#define JOURNEY_MAX_STEPS_TEXT "64"
#define JOURNEY_MAX_PATH_TEXT "16"
_Static_assert(SVCM_JOURNEY_MAX_STEPS == 64 && SVCM_JOURNEY_MAX_PATH == 16,
               "keep the help text in step with journey.h");

static const char journey_help[] =
    "usage: svcm journey EVENTS [--funnel STEP,STEP,...] [--window DURATION]\n"
    "                   [--lost-col COLUMN] [--path-len N] [--top K]\n"
    "                   [--confidence C] [--col FIELD=COLUMN ...]\n"
    "                   [--format text|csv|json] [--output FILE] [--svg FILE]\n"
    "\n"
    "Customer journeys from an event log with one row per touchpoint event:\n"
    "the funnel of the --funnel steps (customers reaching each step in order\n"
    "within the window, continued and drop-off rate with a Wilson interval, time\n"
    "from the previous step), every touchpoint with its mean score and how often\n"
    "it is the last touchpoint of lost customers against all customers (ranked\n"
    "by excess loss), and the most frequent paths.\n"
    "\n"
    "Columns (rename with --col FIELD=COLUMN): customer, touchpoint, time\n"
    "(required; an instant, see INSTANT below), score (optional number: a\n"
    "satisfaction score, empty for none).\n"
    "\n"
    "  --funnel STEPS     comma-separated touchpoints, in order (at most "
    JOURNEY_MAX_STEPS_TEXT "). A customer\n"
    "                     enters at its first event of the first step; step k is\n"
    "                     its earliest event of step k at or after step k-1\n"
    "  --window D         count a step only when reached within D of the first\n"
    "                     step, e.g. 3600, 30m, 12h, 30d (default: no window)\n"
    "  --lost-col COLUMN  a column marking lost customers: 1, true, yes or lost\n"
    "                     (any event of the customer) vs 0, false, no or empty;\n"
    "                     the tier column that svcm segment writes works as is\n"
    "                     (lost vs vip, key, regular, potential)\n"
    "  --path-len N       touchpoints per path, 1 to " JOURNEY_MAX_PATH_TEXT
    " (default 5)\n"
    "  --top K            paths to list (default 10)\n"
    "  --confidence C     level of the Wilson intervals (default 0.95)\n"
    "  --svg FILE         the funnel as an SVG chart (needs --funnel)\n";

static const char journey_help_common[] =
    CLI_COL_HELP CLI_FORMAT_HELP CLI_OUTPUT_HELP "\n" CLI_READ_HELP;

static const char journey_help_conventions[] =
    "\n"
    "Events may come in any order. drop_rate = 1 - continued / reached (empty for\n"
    "the last step); times between steps are in seconds (P50, P90: lower nearest\n"
    "rank). A customer's last touchpoint is that of its latest event. For a\n"
    "touchpoint X: last_share = customers ending at X / customers; lost_share =\n"
    "lost customers ending at X / lost customers; excess = lost_share -\n"
    "last_share; lift = lost_share / last_share; loss_rate = lost customers ending\n"
    "at X / customers ending at X. Paths are the first --path-len touchpoints of\n"
    "each customer in time order; '...' marks a customer with more events.\n"
    "A bad row is an error naming FILE:LINE:COLUMN and the field.\n"
    "\n" CLI_INSTANT_HELP;

typedef struct journey_opts {
    char *funnel; /* owned copy of --funnel, split in place */
    const char *steps[SVCM_JOURNEY_MAX_STEPS];
    size_t n_steps;
    double window;
    const char *lost_col;
    long long path_len, top;
    double confidence;
    cli_common c;
} journey_opts;

/* Is s one of the words in the NUL-separated list? */
static int word_in(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(s, *words) == 0)
            return 1;
    return 0;
}

static void svg_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* The funnel as centred bars whose widths are the customers reaching each
 * step (the first step is the full width), with the drop-off between
 * steps. */
static int write_svg(const char *path, const struct svcm_journey_step_result *s, size_t n)
{
    cli_out out;
    if (cli_out_open(&out, "journey", path) != 0)
        return CLI_EXIT_DATA;
    FILE *f = out.f;
    const double w = 640, bar_h = 44, gap = 26, top = 56, left = 40;
    double h = top + (double)n * (bar_h + gap) + 10;
    double full = n > 0 && s[0].reached > 0 ? (double)s[0].reached : 1.0;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n",
            w + 2 * left, h, w + 2 * left, h);
    fprintf(f, "<title>Customer journey funnel</title>\n");
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
    fprintf(f, "<text x=\"%.0f\" y=\"30\" font-size=\"18\" font-weight=\"bold\">"
               "Customer journey funnel</text>\n", left);
    for (size_t k = 0; k < n; k++) {
        double y = top + (double)k * (bar_h + gap);
        double bw = w * (double)s[k].reached / full;
        if (bw < 2)
            bw = 2;
        double x = left + (w - bw) / 2;
        fprintf(f, "<g class=\"step\" id=\"step-%zu\">\n", k + 1);
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" fill=\"#2b6cb0\" "
                   "rx=\"3\"/>\n", x, y, bw, bar_h);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" text-anchor=\"middle\" "
                   "fill=\"#1a202c\" stroke=\"#ffffff\" stroke-width=\"3\" "
                   "paint-order=\"stroke\">", left + w / 2, y + bar_h / 2 + 5);
        svg_text(f, s[k].touchpoint);
        fprintf(f, ": %llu", (unsigned long long)s[k].reached);
        if (!isnan(s[k].conversion))
            fprintf(f, " (%.1f%%)", 100 * s[k].conversion);
        fprintf(f, "</text>\n</g>\n");
        if (k + 1 < n && !isnan(s[k].drop_rate))
            fprintf(f, "<text class=\"drop\" x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
                       "text-anchor=\"middle\" fill=\"#c53030\">drop %.1f%% "
                       "(95%% CI %.1f-%.1f%%)</text>\n",
                    left + w / 2, y + bar_h + gap / 2 + 5, 100 * s[k].drop_rate,
                    100 * s[k].ci.lo, 100 * s[k].ci.hi);
    }
    fprintf(f, "</svg>\n");
    return cli_out_commit(&out) == 0 ? CLI_EXIT_OK : CLI_EXIT_DATA;
}

static int funnel_table(cli_table *t, const struct svcm_journey_step_result *s, size_t n)
{
    static const char *const names[] = {"step",         "touchpoint",    "reached",
                                        "continued",    "continue_rate", "drop_rate",
                                        "drop_ci_low",  "drop_ci_high",  "conversion",
                                        "time_mean_s",  "time_p50_s",    "time_p90_s",
                                        "time_max_s"};
    int bad = cli_table_init(t, "Funnel", sizeof names / sizeof names[0], names);
    for (size_t k = 0; k < n && !bad; k++) {
        bad |= cli_table_int(t, (long long)k + 1);
        bad |= cli_table_str(t, s[k].touchpoint);
        bad |= cli_table_int(t, (long long)s[k].reached);
        bad |= cli_table_int(t, (long long)s[k].continued);
        bad |= cli_table_num(t, s[k].continue_rate, 3);
        bad |= cli_table_num(t, s[k].drop_rate, 3);
        bad |= cli_table_num(t, s[k].ci.lo, 3);
        bad |= cli_table_num(t, s[k].ci.hi, 3);
        bad |= cli_table_num(t, s[k].conversion, 3);
        bad |= cli_table_num(t, s[k].time_mean_s, 1);
        bad |= cli_table_num(t, s[k].time_p50_s, 1);
        bad |= cli_table_num(t, s[k].time_p90_s, 1);
        bad |= cli_table_num(t, s[k].time_max_s, 1);
    }
    return bad;
}

static int touchpoint_table(cli_table *t, const struct svcm_journey_touchpoint_result *r,
                            size_t n)
{
    static const char *const names[] = {"touchpoint", "events",     "scored",     "mean_score",
                                        "last",       "lost_last",  "last_share", "lost_share",
                                        "excess",     "lift",       "loss_rate",  "loss_ci_low",
                                        "loss_ci_high"};
    int bad = cli_table_init(t, "Touchpoints, ranked by excess loss", sizeof names / sizeof names[0],
                             names);
    for (size_t k = 0; k < n && !bad; k++) {
        bad |= cli_table_str(t, r[k].touchpoint);
        bad |= cli_table_int(t, (long long)r[k].events);
        bad |= cli_table_int(t, (long long)r[k].scored);
        bad |= cli_table_num(t, r[k].mean_score, 2);
        bad |= cli_table_int(t, (long long)r[k].last);
        bad |= cli_table_int(t, (long long)r[k].lost_last);
        bad |= cli_table_num(t, r[k].last_share, 3);
        bad |= cli_table_num(t, r[k].lost_share, 3);
        bad |= cli_table_num(t, r[k].excess, 3);
        bad |= cli_table_num(t, r[k].lift, 2);
        bad |= cli_table_num(t, r[k].loss_rate, 3);
        bad |= cli_table_num(t, r[k].loss_ci.lo, 3);
        bad |= cli_table_num(t, r[k].loss_ci.hi, 3);
    }
    return bad;
}

static int path_table(cli_table *t, const struct svcm_journey_path_result *p, size_t n)
{
    static const char *const names[] = {"rank", "path", "truncated", "customers", "share"};
    int bad = cli_table_init(t, "Most frequent paths", 5, names);
    for (size_t k = 0; k < n && !bad; k++) {
        size_t len = 4;
        for (size_t i = 0; i < p[k].length; i++)
            len += strlen(p[k].touchpoints[i]) + 3;
        char *s = malloc(len);
        if (s == NULL)
            return 1;
        s[0] = '\0';
        for (size_t i = 0; i < p[k].length; i++) {
            if (i)
                strcat(s, " > ");
            strcat(s, p[k].touchpoints[i]);
        }
        if (p[k].truncated)
            strcat(s, " > ...");
        bad |= cli_table_int(t, (long long)k + 1);
        bad |= cli_table_str(t, s);
        bad |= cli_table_int(t, p[k].truncated ? 1 : 0);
        bad |= cli_table_int(t, (long long)p[k].customers);
        bad |= cli_table_num(t, p[k].share, 3);
        free(s);
    }
    return bad;
}

static int run(const char *file, journey_opts *o)
{
    cli_common *c = &o->c;
    cli_col cols[5] = {
        {cli_colname(c, "customer"), CLI_COL_STRING, true, false, -1, NULL},
        {cli_colname(c, "touchpoint"), CLI_COL_STRING, true, false, -1, NULL},
        {cli_colname(c, "time"), CLI_COL_INSTANT, true, false, -1, NULL},
        {cli_colname(c, "score"), CLI_COL_DOUBLE, false, true, -1, NULL},
        {o->lost_col ? o->lost_col : "", CLI_COL_STRING, o->lost_col != NULL, true, -1, NULL},
    };
    static const char *const labels[5] = {"customer", "touchpoint", "time", "score", "lost"};
    cli_dataset d;
    if (cli_load("journey", file, &c->read, cols, o->lost_col ? 5 : 4, &d) != 0)
        return CLI_EXIT_DATA;
    int code = CLI_EXIT_DATA;
    svcm_journey *j = NULL;
    svcm_journey_event *ev = malloc((d.n ? d.n : 1) * sizeof *ev);
    struct svcm_journey_step_result *st = NULL;
    struct svcm_journey_touchpoint_result *tp = NULL;
    struct svcm_journey_path_result *paths = NULL;
    cli_table tables[3];
    size_t n_tables = 0;
    svcm_journey_options jo;
    svcm_journey_options_init(&jo);
    jo.steps = o->steps;
    jo.n_steps = o->n_steps;
    jo.window_s = o->window;
    jo.path_len = (size_t)o->path_len;
    jo.confidence = o->confidence;
    svcm_error err;
    if (ev == NULL) {
        fprintf(stderr, "svcm journey: out of memory\n");
        goto done;
    }
    int rc = svcm_journey_new(&jo, NULL, &j, &err);
    if (rc != SVCM_OK) {
        fprintf(stderr, "svcm journey: %s%s\n",
                err.field && strcmp(err.field, "steps") == 0 ? "--funnel: " : "", err.message);
        code = rc == SVCM_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_DATA;
        goto done;
    }
    static const char *const yes[] = {"1", "true", "yes", "lost", NULL};
    /* The other four tier names, so that svcm segment's tier column marks
     * the customers the segmentation engine calls lost. */
    static const char *const no[] = {"0",   "false",   "no",        "",
                                     "vip", "key",     "regular",   "potential", NULL};
    const int64_t *tm = cols[2].values;
    const double *score = cols[3].field >= 0 ? cols[3].values : NULL;
    for (size_t i = 0; i < d.n; i++) {
        const char *cu = cli_str(&d, &cols[0], i), *t = cli_str(&d, &cols[1], i);
        bool lost = false;
        if (o->lost_col) {
            const char *v = cli_str(&d, &cols[4], i);
            if (word_in(v, yes))
                lost = true;
            else if (!word_in(v, no)) {
                cli_record_error("journey", file, &c->read, &d, i, cols[4].field, "lost",
                                 "customer", cu, "lost must be 1, true, yes, lost, 0, false, no, "
                                                 "empty or a tier name");
                goto done;
            }
        }
        ev[i] = (svcm_journey_event){cu, strlen(cu), t, strlen(t), (double)tm[i],
                                     score ? score[i] : NAN, lost};
    }
    rc = svcm_journey_add_batch(j, ev, d.n, &err);
    if (rc != SVCM_OK) {
        if (rc == SVCM_EINVAL && err.index < d.n) {
            long at = -1;
            for (int k = 0; k < 5 && err.field; k++)
                if (strcmp(err.field, labels[k]) == 0)
                    at = cols[k].field;
            cli_record_error("journey", file, &c->read, &d, err.index, at, err.field, "customer",
                             cli_str(&d, &cols[0], err.index), err.message);
        } else
            fprintf(stderr, "svcm journey: %s\n", err.message[0] ? err.message : svcm_strerror(rc));
        goto done;
    }
    size_t n_st = 0, n_tp = 0, n_paths = 0;
    struct svcm_journey_result tot;
    svcm_journey_result(j, &tot);
    svcm_journey_touchpoints(j, NULL, 0, &n_tp, NULL);
    st = malloc((o->n_steps ? o->n_steps : 1) * sizeof *st);
    tp = malloc((n_tp ? n_tp : 1) * sizeof *tp);
    size_t top = (size_t)o->top;
    paths = malloc((top ? top : 1) * sizeof *paths);
    if (st == NULL || tp == NULL || paths == NULL) {
        fprintf(stderr, "svcm journey: out of memory\n");
        goto done;
    }
    rc = svcm_journey_steps(j, st, o->n_steps, &n_st, &err);
    if (rc == SVCM_OK)
        rc = svcm_journey_touchpoints(j, tp, n_tp, &n_tp, &err);
    if (rc == SVCM_OK)
        rc = svcm_journey_paths(j, paths, top, &n_paths, &err);
    if (rc != SVCM_OK) {
        fprintf(stderr, "svcm journey: %s\n", svcm_strerror(rc));
        goto done;
    }
    int bad = 0;
    const char *keys[3];
    if (o->n_steps > 0) {
        keys[n_tables] = "funnel";
        bad |= funnel_table(&tables[n_tables++], st, n_st);
    }
    keys[n_tables] = "touchpoints";
    bad |= touchpoint_table(&tables[n_tables++], tp, n_tp);
    keys[n_tables] = "paths";
    bad |= path_table(&tables[n_tables++], paths, n_paths);
    if (bad) {
        fprintf(stderr, "svcm journey: out of memory\n");
        goto done;
    }
    cli_table *tp_list[3] = {&tables[0], &tables[1], &tables[2]};
    code = cli_emit(c, tp_list, keys, n_tables);
    if (code == CLI_EXIT_OK && c->svg)
        code = write_svg(c->svg, st, n_st);
done:
    for (size_t k = 0; k < n_tables; k++)
        cli_table_free(&tables[k]);
    free(st);
    free(tp);
    free(paths);
    free(ev);
    svcm_journey_free(j);
    cli_dataset_free(&d);
    return code;
}

static int journey_main(int argc, char **argv, journey_opts *o)
{
    cli_args a = {argc, argv, 1, NULL, "journey"};
    const char *file = NULL;
    while (a.i < argc) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            cli_puts(journey_help);
            cli_puts(journey_help_common);
            cli_puts(journey_help_conventions);
            return CLI_EXIT_OK;
        } else if (cli_opt(&a, "--funnel")) {
            free(o->funnel);
            o->funnel = cli_strdupf("%s", a.value);
            if (o->funnel == NULL) {
                fprintf(stderr, "svcm journey: out of memory\n");
                return CLI_EXIT_DATA;
            }
            o->n_steps = 0;
            for (char *s = o->funnel, *comma; s; s = comma) {
                comma = strchr(s, ',');
                if (comma)
                    *comma++ = '\0';
                if (o->n_steps == SVCM_JOURNEY_MAX_STEPS)
                    cli_usage_error(&a, "--funnel: at most %u steps", SVCM_JOURNEY_MAX_STEPS);
                if (*s == '\0')
                    cli_usage_error(&a, "--funnel: step %zu is empty", o->n_steps + 1);
                o->steps[o->n_steps++] = s;
            }
        } else if (cli_opt(&a, "--window")) {
            o->window = cli_opt_duration(&a, "--window");
        } else if (cli_opt(&a, "--lost-col")) {
            o->lost_col = a.value;
        } else if (cli_opt(&a, "--path-len")) {
            o->path_len = cli_opt_int(&a, "--path-len", 1, SVCM_JOURNEY_MAX_PATH);
        } else if (cli_opt(&a, "--top")) {
            o->top = cli_opt_int(&a, "--top", 0, 1000000);
        } else if (cli_opt(&a, "--confidence")) {
            o->confidence = cli_opt_double(&a, "--confidence");
            if (!(o->confidence > 0 && o->confidence < 1))
                cli_usage_error(&a, "--confidence must be between 0 and 1");
        } else {
            cli_common_or_file(&a, &o->c, &file);
        }
    }
    if (file == NULL)
        cli_usage_error(&a, "no input file");
    if (o->c.svg && o->n_steps == 0)
        cli_usage_error(&a, "--svg draws the funnel: give --funnel");
    cli_common_check(&a, &o->c);
    return run(file, o);
}

int cli_cmd_journey(int argc, char **argv)
{
    journey_opts o;
    memset(&o, 0, sizeof o);
    o.window = INFINITY;
    o.path_len = 5;
    o.top = 10;
    o.confidence = 0.95;
    cli_common_init(&o.c, "journey");
    int code = journey_main(argc, argv, &o);
    free(o.funnel);
    cli_common_free(&o.c);
    return code;
}
