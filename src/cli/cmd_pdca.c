/* svcm pdca: a saved PDCA cycle's state, Check and audit trail. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "svcm/pdca.h"
#include "svg.h"

static const char pdca_help[] =
    "usage: svcm pdca FILE [--as-of INSTANT] [common options]\n"
    "\n"
    "Reads a PDCA cycle saved by svcm_cycle_save() (Python: Cycle.save(), Lua:\n"
    "cycle:save()) and prints its goal, phase, actions (with those overdue at\n"
    "--as-of), the Check (change, test, p-value, verdict, XmR limits of the\n"
    "baseline, Western Electric signals of the after-samples) and the audit trail.\n"
    "\n"
    "  --as-of INSTANT  for overdue actions (default: the last audit entry)\n"
    "  --format F       text (default), csv or json\n"
    "  --output FILE    write there instead of standard output\n"
    "  --svg FILE       control chart of the samples with limits and signals\n";

static int kv(cli_table *t, const char *k, const char *v)
{
    return cli_table_str(t, k) | cli_table_str(t, v);
}

static int kvf(cli_table *t, const char *k, double v, int decimals)
{
    char buf[64];
    if (isnan(v))
        buf[0] = '\0';
    else
        snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return kv(t, k, buf);
}

int cli_cmd_pdca(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL, "pdca"};
    cli_common c = {CLI_TEXT, NULL, NULL, {0}, {0}, 0};
    const char *file = NULL;
    int64_t as_of = 0;
    int have_as_of = 0;
    while (a.i < argc) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(pdca_help, stdout);
            return CLI_EXIT_OK;
        } else if (cli_opt(&a, "--as-of")) {
            cli_field f = {a.value, strlen(a.value)};
            if (cli_parse_instant(&f, &as_of) != 0)
                cli_usage_error(&a, "--as-of: '%s' is not an instant", a.value);
            have_as_of = 1;
        } else {
            cli_common_or_file(&a, &c, &file);
        }
    }
    if (file == NULL)
        cli_usage_error(&a, "no input file");
    char *text;
    size_t len;
    if (cli_read_file(file, &text, &len) != 0) {
        fprintf(stderr, "svcm pdca: cannot read %s: %s\n", file, strerror(errno));
        return CLI_EXIT_DATA;
    }
    svcm_cycle *cy = NULL;
    svcm_error err;
    int rc = svcm_cycle_load(text, len, NULL, &cy, &err);
    free(text);
    if (rc != SVCM_OK) {
        fprintf(stderr, "svcm pdca: %s:%zu: %s\n", file,
                err.index == SVCM_NO_INDEX ? (size_t)0 : err.index,
                err.message[0] ? err.message : svcm_strerror(rc));
        return CLI_EXIT_DATA;
    }
    svcm_cycle_info info;
    svcm_cycle_info_get(cy, &info);
    if (!have_as_of) {
        svcm_pdca_audit last;
        as_of = info.n_audit && svcm_cycle_audit(cy, info.n_audit - 1, &last) == SVCM_OK ? last.at : 0;
    }
    static const char *const kvcols[] = {"field", "value"};
    static const char *const acols[] = {"action", "owner", "due", "status", "overdue"};
    static const char *const scols[] = {"rule", "sample", "description"};
    static const char *const tcols[] = {"at", "actor", "from", "to", "note"};
    cli_table cyc, acts, check, sig, aud;
    int bad = cli_table_init(&cyc, "Cycle", 2, kvcols);
    bad |= cli_table_init(&acts, "Actions", 5, acols);
    bad |= cli_table_init(&check, "Check", 2, kvcols);
    bad |= cli_table_init(&sig, "Western Electric signals (after-samples vs baseline limits)", 3, scols);
    bad |= cli_table_init(&aud, "Audit trail", 5, tcols);
    char buf[64];
    bad |= kv(&cyc, "title", info.title);
    bad |= kv(&cyc, "owner", info.owner);
    bad |= kv(&cyc, "metric", info.metric);
    bad |= kv(&cyc, "unit", info.unit);
    bad |= kv(&cyc, "direction", info.higher_is_better ? "higher is better" : "lower is better");
    bad |= kv(&cyc, "phase", svcm_pdca_phase_name(info.phase));
    if (info.phase == SVCM_PDCA_CLOSED)
        bad |= kv(&cyc, "outcome", svcm_pdca_outcome_name(info.outcome));
    if (info.has_goal) {
        bad |= kvf(&cyc, "baseline", info.baseline, 4);
        bad |= kvf(&cyc, "target", info.target, 4);
        cli_format_instant(info.deadline, buf, sizeof buf);
        bad |= kv(&cyc, "deadline", buf);
    }
    snprintf(buf, sizeof buf, "%zu", info.n_samples);
    bad |= kv(&cyc, "samples", buf);
    if (info.has_prev)
        bad |= kv(&cyc, "previous cycle", info.prev_title);
    if (info.has_next)
        bad |= kv(&cyc, "next cycle", info.next_title);
    for (size_t i = 0; i < info.n_actions && !bad; i++) {
        svcm_pdca_action act;
        svcm_cycle_action(cy, i, &act);
        cli_format_instant(act.due, buf, sizeof buf);
        bad |= cli_table_str(&acts, act.description);
        bad |= cli_table_str(&acts, act.owner);
        bad |= cli_table_str(&acts, buf);
        bad |= cli_table_str(&acts, svcm_action_status_name(act.status));
        bad |= cli_table_str(&acts, act.status == SVCM_ACTION_OPEN && act.due < as_of ? "yes" : "");
    }
    svcm_pdca_check r;
    int have_check = info.has_check && svcm_cycle_result(cy, &r) == SVCM_OK;
    if (have_check) {
        snprintf(buf, sizeof buf, "%zu / %zu", r.n_baseline, r.n_after);
        bad |= kv(&check, "samples (baseline / after)", buf);
        bad |= kvf(&check, "baseline mean", r.baseline_mean, 4);
        bad |= kvf(&check, "after mean", r.after_mean, 4);
        bad |= kvf(&check, "change", r.change, 4);
        bad |= kvf(&check, "relative change %", 100.0 * r.relative_change, 2);
        snprintf(buf, sizeof buf, "%.4f .. %.4f", r.result.ci.lo, r.result.ci.hi);
        bad |= kv(&check, "change 95% CI", buf);
        bad |= kv(&check, "test", r.test == SVCM_PDCA_TEST_WELCH ? "Welch t" : "two-proportion z");
        bad |= kvf(&check, "statistic", r.result.statistic, 4);
        snprintf(buf, sizeof buf, "%.3g", r.p_value);
        bad |= kv(&check, "p-value (two-sided)", buf);
        bad |= kv(&check, "target met", r.target_met ? "yes" : "no");
        bad |= kv(&check, "verdict", svcm_pdca_verdict_name(r.verdict));
        bad |= kvf(&check, "XmR centre line", r.limits.center, 4);
        bad |= kvf(&check, "XmR sigma (MRbar/1.128)", r.limits.sigma, 4);
        snprintf(buf, sizeof buf, "%.4f .. %.4f", r.limits.lcl, r.limits.ucl);
        bad |= kv(&check, "control limits", buf);
        snprintf(buf, sizeof buf, "%zu / %zu / %zu / %zu", r.rule_count[0], r.rule_count[1],
                 r.rule_count[2], r.rule_count[3]);
        bad |= kv(&check, "signals by rule 1/2/3/4", buf);
        static const char *const rules[4] = {"1 point beyond 3 sigma",
                                             "2 of 3 beyond 2 sigma, same side",
                                             "4 of 5 beyond 1 sigma, same side",
                                             "8 in a row on one side"};
        for (size_t k = 0; k < r.n_signals && !bad; k++) {
            bad |= cli_table_int(&sig, r.signals[k].rule);
            bad |= cli_table_int(&sig, (long long)r.signals[k].index);
            int ru = r.signals[k].rule;
            bad |= cli_table_str(&sig, ru >= 1 && ru <= 4 ? rules[ru - 1] : "");
        }
    } else {
        bad |= kv(&check, "check", "not run yet");
    }
    for (size_t i = 0; i < info.n_audit && !bad; i++) {
        svcm_pdca_audit e;
        svcm_cycle_audit(cy, i, &e);
        cli_format_instant(e.at, buf, sizeof buf);
        bad |= cli_table_str(&aud, buf);
        bad |= cli_table_str(&aud, e.actor);
        bad |= cli_table_str(&aud, svcm_pdca_phase_name(e.from));
        bad |= cli_table_str(&aud, svcm_pdca_phase_name(e.to));
        bad |= cli_table_str(&aud, e.note);
    }
    int code = CLI_EXIT_DATA;
    if (bad) {
        fprintf(stderr, "svcm pdca: out of memory\n");
    } else if (c.svg && !have_check) {
        /* Refused before anything is written: no report without its chart. */
        fprintf(stderr, "svcm pdca: --svg needs a cycle that has been checked\n");
    } else {
        cli_table *tables[] = {&cyc, &acts, &check, &sig, &aud};
        const char *keys[] = {"cycle", "actions", "check", "signals", "audit"};
        code = cli_emit(&c, tables, keys, 5);
    }
    if (code == CLI_EXIT_OK && c.svg) {
        /* Samples in time order as recorded; baseline first. */
        size_t n = info.n_samples, nb = 0;
        double *v = malloc((n ? n : 1) * sizeof *v);
        size_t *sg = malloc((r.n_signals ? r.n_signals : 1) * sizeof *sg);
        size_t m = 0;
        if (v && sg) {
            for (int pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < n; i++) {
                    svcm_pdca_sample s;
                    svcm_cycle_sample(cy, i, &s);
                    if (s.baseline == (pass == 0))
                        v[m++] = s.value;
                    if (pass == 0 && s.baseline)
                        nb++;
                }
            size_t ns = 0;
            for (size_t k = 0; k < r.n_signals; k++)
                sg[ns++] = nb + r.signals[k].index; /* after-sample index -> chart index */
            cli_out o;
            char title[160];
            snprintf(title, sizeof title, "%s: %s (XmR chart of the baseline)", info.title,
                     info.metric);
            if (cli_out_open(&o, c.svg) != 0) {
                fprintf(stderr, "svcm pdca: cannot write %s: %s\n", c.svg, strerror(errno));
                code = CLI_EXIT_DATA;
            } else if (cli_svg_control(o.f, title, v, m, nb, r.limits.center, r.limits.sigma, sg,
                                       ns) != 0) {
                cli_out_abort(&o);
                code = CLI_EXIT_DATA;
            } else {
                code = cli_out_commit(&o) == 0 ? CLI_EXIT_OK : CLI_EXIT_DATA;
            }
        } else {
            code = CLI_EXIT_DATA;
        }
        free(v);
        free(sg);
    }
    cli_table_free(&cyc);
    cli_table_free(&acts);
    cli_table_free(&check);
    cli_table_free(&sig);
    cli_table_free(&aud);
    svcm_cycle_free(cy);
    return code;
}
