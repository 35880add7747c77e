/* svcm pdca: a saved PDCA cycle's state, Check and audit trail. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "svcm/pdca.h"
#include "svg.h"

static const char pdca_help[] =
    "usage: svcm pdca FILE [--as-of INSTANT] [common options]\n"
    "\n"
    "Reads a PDCA cycle saved by svcm_cycle_format() (Python: Cycle.save(), Lua:\n"
    "cycle:save()) and prints its goal, phase, 5W2H problem record with the items\n"
    "still missing (when the cycle carries one), actions (with those overdue at\n"
    "--as-of), the Check (change, test, p-value, verdict, XmR limits of the\n"
    "baseline, Western Electric signals of the after-samples) and the audit trail.\n"
    "\n"
    "Numbers in the value column are text: rounded for reading in the text format,\n"
    "exact (shortest form that reads back the same) in CSV and JSON.\n"
    "\n"
    "  --as-of INSTANT    for overdue actions (default: the last audit entry)\n"
    CLI_FORMAT_HELP CLI_OUTPUT_HELP
    "  --svg FILE         control chart of the samples with limits and signals\n"
    "                     (written as --output is; not the same file as --output)\n"
    "\n" CLI_INSTANT_HELP;

typedef struct pdca_report {
    svcm_cycle *cy;
    struct svcm_cycle_result info;
    struct svcm_cycle_check_result r;
    bool have_check;
    int64_t as_of;
    cli_format fmt;
    cli_table cyc, acts, check, sig, aud;
} pdca_report;

static int kv(cli_table *t, const char *k, const char *v)
{
    return cli_table_str(t, k) | cli_table_str(t, v);
}

/* A number in the value column: through the number writer, as text. */
static int kvf(cli_table *t, const char *k, double v, int decimals, cli_format fmt)
{
    char buf[CLI_NUM_SIZE];
    return kv(t, k, cli_format_number(buf, v, decimals, fmt));
}

static int kv_range(cli_table *t, const char *k, double lo, double hi, cli_format fmt)
{
    char a[CLI_NUM_SIZE], b[CLI_NUM_SIZE];
    char *s = cli_strdupf("%s .. %s", cli_format_number(a, lo, 4, fmt),
                          cli_format_number(b, hi, 4, fmt));
    int bad = s == NULL || kv(t, k, s);
    free(s);
    return bad;
}

static int kv_instant(cli_table *t, const char *k, int64_t at)
{
    char buf[64];
    cli_format_instant(at, buf, sizeof buf);
    return kv(t, k, buf);
}

/* The 5W2H problem record, when the cycle carries one: its items as
 * "5W2H <item>" rows of the Cycle table, then which items are missing. */
static int fill_problem(pdca_report *p)
{
    svcm_problem pr;
    if (svcm_cycle_problem(p->cy, &pr) != SVCM_OK)
        return 0;
    cli_table *t = &p->cyc;
    int bad = kv(t, "5W2H what", pr.what) | kv(t, "5W2H why", pr.why) |
              kv(t, "5W2H who", pr.who) | kv(t, "5W2H when", pr.when) |
              kv(t, "5W2H where", pr.where) | kv(t, "5W2H how", pr.how);
    if (pr.how_much == pr.how_much) {
        char num[CLI_NUM_SIZE];
        char *s = cli_strdupf("%s%s%s", cli_format_number(num, pr.how_much, 4, p->fmt),
                              pr.how_much_unit[0] ? " " : "", pr.how_much_unit);
        bad |= s == NULL || kv(t, "5W2H how much", s);
        free(s);
    } else {
        bad |= kv(t, "5W2H how much", "");
    }
    unsigned m = svcm_problem_missing(&pr);
    char list[96] = "";
    size_t n = 0;
    for (int i = 0; i < SVCM_PROBLEM_ITEM_COUNT; i++)
        if (m & (1u << i))
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "",
                                  svcm_problem_item_name(1 << i));
    bad |= kv(t, "5W2H missing", m == 0 ? "none (complete)" : list);
    return bad;
}

static int fill_cycle(pdca_report *p)
{
    const struct svcm_cycle_result *in = &p->info;
    cli_table *t = &p->cyc;
    char buf[32];
    int bad = kv(t, "title", in->title) | kv(t, "owner", in->owner) | kv(t, "metric", in->metric);
    bad |= kv(t, "unit", in->unit);
    bad |= kv(t, "direction", in->higher_is_better ? "higher is better" : "lower is better");
    bad |= kv(t, "phase", svcm_pdca_phase_name(in->phase));
    if (in->phase == SVCM_PDCA_PHASE_CLOSED)
        bad |= kv(t, "outcome", svcm_pdca_outcome_name(in->outcome));
    if (in->has_goal)
        bad |= kvf(t, "baseline", in->baseline, 4, p->fmt) | kvf(t, "target", in->target, 4, p->fmt) |
               kv_instant(t, "deadline", in->deadline);
    snprintf(buf, sizeof buf, "%zu", in->n_samples);
    bad |= kv(t, "samples", buf);
    if (in->has_prev)
        bad |= kv(t, "previous cycle", in->prev_title);
    if (in->has_next)
        bad |= kv(t, "next cycle", in->next_title);
    return bad || fill_problem(p);
}

static int fill_actions(pdca_report *p)
{
    int bad = 0;
    char buf[64];
    for (size_t i = 0; i < p->info.n_actions && !bad; i++) {
        svcm_pdca_action act;
        svcm_cycle_action(p->cy, i, &act);
        cli_format_instant(act.due, buf, sizeof buf);
        bad |= cli_table_str(&p->acts, act.description);
        bad |= cli_table_str(&p->acts, act.owner);
        bad |= cli_table_str(&p->acts, buf);
        bad |= cli_table_str(&p->acts, svcm_action_status_name(act.status));
        bad |= cli_table_str(&p->acts,
                             act.status == SVCM_ACTION_STATUS_OPEN && act.due < p->as_of ? "yes" : "");
    }
    return bad;
}

static int fill_signals(pdca_report *p)
{
    static const char *const rules[4] = {"1 point beyond 3 sigma", "2 of 3 beyond 2 sigma, same side",
                                         "4 of 5 beyond 1 sigma, same side", "8 in a row on one side"};
    int bad = 0;
    for (size_t k = 0; k < p->r.n_signals && !bad; k++) {
        int ru = p->r.signals[k].rule;
        bad |= cli_table_int(&p->sig, ru);
        bad |= cli_table_int(&p->sig, (long long)p->r.signals[k].index);
        bad |= cli_table_str(&p->sig, ru >= 1 && ru <= 4 ? rules[ru - 1] : "");
    }
    return bad;
}

static int fill_check(pdca_report *p)
{
    const struct svcm_cycle_check_result *r = &p->r;
    cli_table *t = &p->check;
    cli_format fmt = p->fmt;
    char buf[96];
    if (!p->have_check)
        return kv(t, "check", "not run yet");
    snprintf(buf, sizeof buf, "%zu / %zu", r->n_baseline, r->n_after);
    int bad = kv(t, "samples (baseline / after)", buf);
    bad |= kvf(t, "baseline mean", r->baseline_mean, 4, fmt);
    bad |= kvf(t, "after mean", r->after_mean, 4, fmt);
    bad |= kvf(t, "change", r->change, 4, fmt);
    bad |= kvf(t, "relative change %", 100.0 * r->relative_change, 2, fmt);
    bad |= kv_range(t, "change 95% CI", r->result.ci.lo, r->result.ci.hi, fmt);
    bad |= kv(t, "test", r->test == SVCM_PDCA_TEST_WELCH ? "Welch t" : "two-proportion z");
    bad |= kvf(t, "statistic", r->result.statistic, 4, fmt);
    bad |= kvf(t, "p-value (two-sided)", r->p_value, -3, fmt);
    bad |= kv(t, "target met", r->target_met ? "yes" : "no");
    bad |= kv(t, "verdict", svcm_pdca_verdict_name(r->verdict));
    bad |= kvf(t, "XmR centre line", r->limits.center, 4, fmt);
    bad |= kvf(t, "XmR sigma (MRbar/1.128)", r->limits.sigma, 4, fmt);
    bad |= kv_range(t, "control limits", r->limits.lcl, r->limits.ucl, fmt);
    snprintf(buf, sizeof buf, "%zu / %zu / %zu / %zu", r->rule_count[0], r->rule_count[1],
             r->rule_count[2], r->rule_count[3]);
    return bad | kv(t, "signals by rule 1/2/3/4", buf) | fill_signals(p);
}

static int fill_audit(pdca_report *p)
{
    int bad = 0;
    char buf[64];
    for (size_t i = 0; i < p->info.n_audit && !bad; i++) {
        svcm_pdca_audit e;
        svcm_cycle_audit(p->cy, i, &e);
        cli_format_instant(e.at, buf, sizeof buf);
        bad |= cli_table_str(&p->aud, buf);
        bad |= cli_table_str(&p->aud, e.actor);
        bad |= cli_table_str(&p->aud, svcm_pdca_phase_name(e.from));
        bad |= cli_table_str(&p->aud, svcm_pdca_phase_name(e.to));
        bad |= cli_table_str(&p->aud, e.note);
    }
    return bad;
}

static int fill_tables(pdca_report *p)
{
    static const char *const kvcols[] = {"field", "value"};
    static const char *const acols[] = {"action", "owner", "due", "status", "overdue"};
    static const char *const scols[] = {"rule", "sample", "description"};
    static const char *const tcols[] = {"at", "actor", "from", "to", "note"};
    int bad = cli_table_init(&p->cyc, "Cycle", 2, kvcols);
    bad |= cli_table_init(&p->acts, "Actions", 5, acols);
    bad |= cli_table_init(&p->check, "Check", 2, kvcols);
    bad |= cli_table_init(&p->sig, "Western Electric signals (after-samples vs baseline limits)", 3,
                          scols);
    bad |= cli_table_init(&p->aud, "Audit trail", 5, tcols);
    return bad || fill_cycle(p) || fill_actions(p) || fill_check(p) || fill_audit(p);
}

/* The --svg control chart: samples in time order as recorded, baseline
 * first, signals circled. */
static int write_chart(const char *path, const pdca_report *p)
{
    size_t n = p->info.n_samples, nb = 0, m = 0, ns = p->r.n_signals;
    double *v = malloc((n ? n : 1) * sizeof *v);
    size_t *sg = malloc((ns ? ns : 1) * sizeof *sg);
    char *title = cli_strdupf("%s: %s (XmR chart of the baseline)", p->info.title, p->info.metric);
    int code = CLI_EXIT_DATA;
    cli_out o;
    if (!v || !sg || !title) {
        fprintf(stderr, "svcm pdca: out of memory\n");
    } else {
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < n; i++) {
                svcm_pdca_sample s;
                svcm_cycle_sample(p->cy, i, &s);
                if (s.baseline == (pass == 0))
                    v[m++] = s.value;
                nb += pass == 0 && s.baseline;
            }
        for (size_t k = 0; k < ns; k++)
            sg[k] = nb + p->r.signals[k].index; /* after-sample index -> chart index */
        if (cli_out_open(&o, "pdca", path) == 0) {
            cli_svg_control(o.f, title, v, m, nb, p->r.limits.center, p->r.limits.sigma, sg, ns);
            code = cli_out_commit(&o) == 0 ? CLI_EXIT_OK : CLI_EXIT_DATA;
        }
    }
    free(v);
    free(sg);
    free(title);
    return code;
}

static svcm_cycle *load_cycle(const char *file)
{
    char *text;
    size_t len;
    if (cli_read_file(file, &text, &len) != 0) {
        fprintf(stderr, "svcm pdca: cannot read %s: %s\n", file, strerror(errno));
        return NULL;
    }
    svcm_cycle *cy = NULL;
    svcm_error err;
    int rc = svcm_cycle_parse(text, len, NULL, &cy, &err);
    free(text);
    if (rc != SVCM_OK)
        cli_text_error("pdca", file, &err, rc);
    return rc == SVCM_OK ? cy : NULL;
}

static int pdca_run(const char *file, const cli_common *c, bool have_as_of, int64_t as_of)
{
    pdca_report p = {0};
    if ((p.cy = load_cycle(file)) == NULL)
        return CLI_EXIT_DATA;
    svcm_cycle_result(p.cy, &p.info);
    svcm_pdca_audit last;
    p.as_of = have_as_of ? as_of
              : p.info.n_audit && svcm_cycle_audit(p.cy, p.info.n_audit - 1, &last) == SVCM_OK
                  ? last.at
                  : 0;
    p.fmt = c->format;
    p.have_check = p.info.has_check && svcm_cycle_check_result(p.cy, &p.r) == SVCM_OK;
    int code = CLI_EXIT_DATA;
    if (fill_tables(&p)) {
        fprintf(stderr, "svcm pdca: out of memory\n");
    } else if (c->svg && !p.have_check) {
        /* Refused before anything is written: no report without its chart. */
        fprintf(stderr, "svcm pdca: --svg needs a cycle that has been checked\n");
    } else {
        cli_table *tables[] = {&p.cyc, &p.acts, &p.check, &p.sig, &p.aud};
        const char *keys[] = {"cycle", "actions", "check", "signals", "audit"};
        code = cli_emit(c, tables, keys, 5);
    }
    if (code == CLI_EXIT_OK && c->svg)
        code = write_chart(c->svg, &p);
    cli_table_free(&p.cyc);
    cli_table_free(&p.acts);
    cli_table_free(&p.check);
    cli_table_free(&p.sig);
    cli_table_free(&p.aud);
    svcm_cycle_free(p.cy);
    return code;
}

int cli_cmd_pdca(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL, "pdca"};
    cli_common c;
    cli_common_init(&c, "pdca");
    const char *file = NULL, *why;
    int64_t as_of = 0;
    bool have_as_of = false, help = false;
    while (a.i < argc && !help) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            help = true;
        } else if (cli_opt(&a, "--as-of")) {
            cli_field f = {a.value, strlen(a.value)};
            if (cli_read_instant(&f, &as_of, &why) != 0)
                cli_usage_error(&a, "--as-of: '%s' %s", a.value, why);
            have_as_of = true;
        } else {
            cli_common_or_file(&a, &c, &file);
        }
    }
    int code = CLI_EXIT_OK;
    if (help) {
        fputs(pdca_help, stdout);
    } else {
        if (file == NULL)
            cli_usage_error(&a, "no input file");
        cli_common_check(&a, &c);
        code = pdca_run(file, &c, have_as_of, as_of);
    }
    cli_common_free(&c);
    return code;
}
