/* svcm scorecard: service targets (a targets file) against tickets and
 * survey answers, with statistical verdicts (met, missed, undetermined and
 * the sample size that would decide), overall or per group, and changed /
 * unchanged against a previous period. The statistics are the library's
 * (svcm/scorecard.h); the accumulators are its grouped KPI accumulators
 * (svcm_kpi_groups). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "load.h"
#include "svcm/kpi.h"
#include "svcm/scorecard.h"
#include "svcm/sketch.h"

static const char scorecard_help[] =
    "usage: svcm scorecard TARGETS FILE... [--previous FILE...] [--by COLUMN]\n"
    "                      [--confidence P] [common options]\n"
    "\n"
    "Evaluates a targets file, one target a line ('fcr >= 70%', 'nps >= 30',\n"
    "'first_response_p90 <= 1h', '# comment'), against tickets and survey files.\n"
    "Each verdict rests on the KPI's confidence interval: met when the whole\n"
    "interval is on the good side of the target, missed when it is wholly on the\n"
    "bad side, undetermined otherwise, with the number of observations that would\n"
    "decide at the observed value. With --previous, each KPI is also compared with\n"
    "the previous period's files: better, worse or unchanged by the library's\n"
    "two-sample tests (two-proportion z-test, the NPS z-test, Welch's t-test; a\n"
    "quantile by the share of observations within its target).\n"
    "\n"
    "Target names and what they read (columns renamed with --col):\n"
    "  first_response_pNN  the NN-th percentile of first_response - created\n"
    "  resolution_pNN      the NN-th percentile of resolved - created (tickets\n"
    "                      without both instants are left out); order-statistic\n"
    "                      interval\n"
    "  fcr, reopen_rate    share of 1 in the fcr / reopened column (0/1)\n"
    "  csat_top2 (csat)    share of 4-5 answers in the csat column (1-5)\n"
    "  csat_mean           mean csat answer\n"
    "  nps                 NPS of the nps column (0-10), in points\n"
    "  ces (ces_mean)      mean ces answer (1-7)\n"
    "  any other NAME      a rate: a NAME column of 0/1 outcomes, or the counts\n"
    "                      of the NAME_successes and NAME_trials columns summed\n"
    "Percentages are written with %; durations with s, m, h or d.\n"
    "\n"
    "  --previous FILE... the files after it are the previous period's\n"
    "  --by COLUMN        one verdict per group of this column (in every file)\n"
    "  --confidence P     interval level (default 0.95)\n"
    "  --invalid R        error (default) or skip: an impossible value (resolved or\n"
    "                     answered before created, a 0/1 column or a score out of\n"
    "                     its scale, bad counts) stops the run naming the row, or\n"
    "                     is left out of its target and counted in the Notes table\n"
    "                     (JSON key \"notes\")\n"
    "  --format F         table (text, the default), csv or json\n"
    CLI_OUTPUT_HELP CLI_COL_HELP;
static const char scorecard_help_input[] = "\n" CLI_READ_HELP "\n" CLI_INSTANT_HELP;

/* What a target reads. */
typedef enum metric_kind {
    M_FIRST_Q,      /* quantile of first-response durations */
    M_RESOLUTION_Q, /* quantile of resolution durations */
    M_FCR,          /* fcr column, 0/1 */
    M_REOPEN,       /* reopened column, 0/1 */
    M_CSAT_TOP2,
    M_CSAT_MEAN,
    M_NPS,
    M_CES,
    M_RATE          /* a NAME column of 0/1, or NAME_successes / NAME_trials */
} metric_kind;

typedef struct metric {
    metric_kind kind;
    double q;       /* quantiles: the level */
    char *col;      /* M_RATE: NAME; NAME_successes and NAME_trials below */
    char *col_s, *col_t;
} metric;

/* Columns of one input file, in this order; then three per M_RATE target. */
enum { C_BY, C_CREATED, C_FIRST, C_RESOLVED, C_FCR, C_REOPENED, C_CSAT, C_NPS, C_CES, C_FIXED };

typedef struct run {
    cli_common c;
    const char *by;
    double confidence;
    svcm_targets targets;
    metric m[SVCM_TARGETS_MAX];
    double threshold[SVCM_TARGETS_MAX]; /* target value in the verdict's units */
    bool skip_invalid;                  /* --invalid skip */
    size_t skipped;                     /* rows with a value left out by it */
} run;

/* One period: grouped accumulators (one slot per target) and, per group
 * and target, a side counter: the rate of count-column targets, the share
 * within the target of quantile targets. */
typedef struct period {
    svcm_kpi_groups *g;
    svcm_rate *side; /* [group * n_targets + target] */
    size_t side_groups;
} period;

static int parse_level(const char *digits, double *q)
{
    size_t n = strlen(digits);
    if (n < 1 || n > 2)
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (digits[i] < '0' || digits[i] > '9')
            return -1;
        v = v * 10 + (digits[i] - '0');
    }
    if (v < 1 || v > 99)
        return -1;
    *q = v / 100.0;
    return 0;
}

/* The metric of a target name; -1 (message printed) for a name whose form
 * is known but wrong (a percentile level). */
static int metric_of(const char *targets_path, size_t line_hint, const char *name, metric *m)
{
    memset(m, 0, sizeof *m);
    (void)line_hint;
    if (strncmp(name, "first_response_p", 16) == 0 || strncmp(name, "resolution_p", 12) == 0) {
        bool first = name[0] == 'f';
        m->kind = first ? M_FIRST_Q : M_RESOLUTION_Q;
        if (parse_level(name + (first ? 16 : 12), &m->q) != 0) {
            fprintf(stderr, "svcm scorecard: %s: %s: the percentile must be p1 to p99\n",
                    targets_path, name);
            return -1;
        }
        return 0;
    }
    static const struct {
        const char *name;
        metric_kind kind;
    } fixed[] = {{"fcr", M_FCR},          {"reopen_rate", M_REOPEN}, {"csat_top2", M_CSAT_TOP2},
                 {"csat", M_CSAT_TOP2},    {"csat_mean", M_CSAT_MEAN}, {"nps", M_NPS},
                 {"ces", M_CES},           {"ces_mean", M_CES}};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        if (strcmp(name, fixed[i].name) == 0) {
            m->kind = fixed[i].kind;
            return 0;
        }
    }
    m->kind = M_RATE;
    m->col = cli_strdupf("%s", name);
    m->col_s = cli_strdupf("%s_successes", name);
    m->col_t = cli_strdupf("%s_trials", name);
    if (m->col == NULL || m->col_s == NULL || m->col_t == NULL) {
        fprintf(stderr, "svcm scorecard: out of memory\n");
        return -1;
    }
    return 0;
}

static bool is_share(metric_kind k)
{
    return k == M_FCR || k == M_REOPEN || k == M_CSAT_TOP2 || k == M_RATE;
}

/* The target's units must fit its metric: shares in %, durations in time
 * units, scores as plain numbers. Returns 0 or -1 (message printed). */
static int check_units(const char *path, const svcm_target *t, const metric *m)
{
    bool q = m->kind == M_FIRST_Q || m->kind == M_RESOLUTION_Q;
    bool ok = q ? t->unit >= SVCM_TARGET_UNIT_SECONDS
                : is_share(m->kind) ? t->unit == SVCM_TARGET_UNIT_PERCENT
                                    : t->unit == SVCM_TARGET_UNIT_NONE;
    if (!ok)
        fprintf(stderr, "svcm scorecard: %s: %s: %s\n", path, t->name,
                q ? "a duration target needs a unit s, m, h or d"
                  : is_share(m->kind) ? "a rate target is a percentage (e.g. 90%)"
                                      : "a score target is a plain number (e.g. 30)");
    return ok ? 0 : -1;
}

static void slot_of(const metric *m, svcm_kpi_slot *s)
{
    switch (m->kind) {
    case M_FIRST_Q:
    case M_RESOLUTION_Q:
        svcm_kpi_slot_init(s, SVCM_KPI_SLOT_KIND_DURATIONS);
        break;
    case M_CSAT_TOP2:
    case M_CSAT_MEAN:
        svcm_kpi_slot_init(s, SVCM_KPI_SLOT_KIND_FEEDBACK);
        svcm_feedback_options_init(&s->feedback, SVCM_FEEDBACK_KIND_CSAT);
        if (m->kind == M_CSAT_MEAN)
            s->feedback.csat_method = SVCM_CSAT_METHOD_MEAN;
        break;
    case M_NPS:
        svcm_kpi_slot_init(s, SVCM_KPI_SLOT_KIND_FEEDBACK);
        break;
    case M_CES:
        svcm_kpi_slot_init(s, SVCM_KPI_SLOT_KIND_FEEDBACK);
        svcm_feedback_options_init(&s->feedback, SVCM_FEEDBACK_KIND_CES);
        break;
    default:
        svcm_kpi_slot_init(s, SVCM_KPI_SLOT_KIND_RATE);
        break;
    }
}

static int period_new(const run *r, period *p)
{
    svcm_kpi_slot slots[SVCM_TARGETS_MAX];
    for (size_t i = 0; i < r->targets.count; i++)
        slot_of(&r->m[i], &slots[i]);
    svcm_kpi_groups_options o;
    svcm_kpi_groups_options_init(&o);
    o.slots = slots;
    o.n_slots = r->targets.count;
    memset(p, 0, sizeof *p);
    return svcm_kpi_groups_new(&o, NULL, &p->g, NULL) == SVCM_OK ? 0 : -1;
}

static void period_free(period *p)
{
    svcm_kpi_groups_free(p->g);
    free(p->side);
}

/* The side counter of group k, target i (grown as groups appear). */
static svcm_rate *side_of(const run *r, period *p, size_t k, size_t i)
{
    size_t nt = r->targets.count;
    if (k >= p->side_groups) {
        size_t want = (k + 1) * 2;
        svcm_rate *s = realloc(p->side, want * nt * sizeof *s);
        if (s == NULL)
            return NULL;
        for (size_t j = p->side_groups * nt; j < want * nt; j++)
            svcm_rate_init(&s[j], SVCM_RATE_KIND_GENERIC);
        p->side = s;
        p->side_groups = want;
    }
    return &p->side[k * nt + i];
}

static const char *file_kind_col(int c)
{
    static const char *const names[] = {NULL,    "created", "first_response", "resolved", "fcr",
                                        "reopened", "csat", "nps",          "ces"};
    return names[c];
}

/* Read one file into period p. CLI exit code. */
static int load_file(run *r, period *p, const char *path)
{
    size_t nt = r->targets.count, nc = C_FIXED + 3 * nt;
    cli_col *cols = calloc(nc, sizeof *cols);
    if (cols == NULL) {
        fprintf(stderr, "svcm scorecard: out of memory\n");
        return CLI_EXIT_DATA;
    }
    for (int c = 0; c < C_FIXED; c++) {
        cols[c].name = c == C_BY ? (r->by ? cli_colname(&r->c, r->by) : "\x01(no --by)")
                                 : cli_colname(&r->c, file_kind_col(c));
        cols[c].type = c == C_BY ? CLI_COL_STRING
                       : c <= C_RESOLVED ? CLI_COL_INSTANT
                                         : CLI_COL_DOUBLE;
        cols[c].required = c == C_BY && r->by != NULL;
        cols[c].optional_value = true;
    }
    for (size_t i = 0; i < nt; i++) {
        for (size_t k = 0; k < 3; k++) {
            cli_col *c = &cols[C_FIXED + 3 * i + k];
            const char *n = r->m[i].kind != M_RATE ? "\x01(unused)"
                            : k == 0              ? r->m[i].col
                            : k == 1              ? r->m[i].col_s
                                                  : r->m[i].col_t;
            c->name = r->m[i].kind == M_RATE ? cli_colname(&r->c, n) : n;
            c->type = CLI_COL_DOUBLE;
            c->optional_value = true;
        }
    }
    cli_dataset d;
    if (cli_load("scorecard", path, &r->c.read, cols, nc, &d) != 0) {
        free(cols);
        return CLI_EXIT_DATA;
    }
    int code = CLI_EXIT_OK;
    svcm_kpi_groups *g = p->g;
    const int64_t *created = cols[C_CREATED].values, *first = cols[C_FIRST].values,
                  *resolved = cols[C_RESOLVED].values;
    bool any = false;
    for (size_t i = 0; i < nt; i++) {
        const metric *m = &r->m[i];
        long need = m->kind == M_FIRST_Q ? cols[C_FIRST].field
                    : m->kind == M_RESOLUTION_Q ? cols[C_RESOLVED].field
                    : m->kind == M_FCR         ? cols[C_FCR].field
                    : m->kind == M_REOPEN      ? cols[C_REOPENED].field
                    : m->kind == M_NPS         ? cols[C_NPS].field
                    : m->kind == M_CES         ? cols[C_CES].field
                    : m->kind == M_RATE        ? (cols[C_FIXED + 3 * i].field >= 0 ||
                                                  (cols[C_FIXED + 3 * i + 1].field >= 0 &&
                                                   cols[C_FIXED + 3 * i + 2].field >= 0))
                                                     ? 0
                                                     : -1
                                               : cols[C_CSAT].field;
        if ((m->kind == M_FIRST_Q || m->kind == M_RESOLUTION_Q) && cols[C_CREATED].field < 0)
            need = -1;
        any |= need >= 0;
    }
    if (!any) {
        fprintf(stderr, "svcm scorecard: %s: no column any target reads (see --help)\n", path);
        code = CLI_EXIT_DATA;
    }
    for (size_t row = 0; row < d.n && code == CLI_EXIT_OK; row++) {
        const char *key = r->by ? cli_str(&d, &cols[C_BY], row) : "all";
        size_t k;
        svcm_error err;
        svcm_error_clear(&err);
        int rc = svcm_kpi_groups_group(g, key, strlen(key), &k, &err);
        if (rc != SVCM_OK) {
            cli_record_error("scorecard", path, &r->c.read, &d, row, cols[C_BY].field, r->by,
                             "row", NULL, rc == SVCM_ENOMEM ? "out of memory" : err.message);
            code = CLI_EXIT_DATA;
            break;
        }
        bool skipped_row = false;
        for (size_t i = 0; i < nt && code == CLI_EXIT_OK; i++) {
            const metric *m = &r->m[i];
            long field = -1;
            const char *label = NULL, *why = NULL;
            rc = SVCM_OK;
            if (m->kind == M_FIRST_Q || m->kind == M_RESOLUTION_Q) {
                int c = m->kind == M_FIRST_Q ? C_FIRST : C_RESOLVED;
                const int64_t *end = m->kind == M_FIRST_Q ? first : resolved;
                if (cols[c].field < 0 || cols[C_CREATED].field < 0 || end[row] == INT64_MIN ||
                    created[row] == INT64_MIN)
                    continue;
                field = cols[c].field;
                label = file_kind_col(c);
                if (end[row] < created[row]) {
                    why = c == C_FIRST ? "first_response before created"
                                       : "resolved before created";
                } else {
                    double secs = (double)end[row] - (double)created[row];
                    rc = svcm_kpi_groups_add_duration(g, k, i, secs, &err);
                    svcm_rate *s = side_of(r, p, k, i);
                    if (s == NULL)
                        rc = SVCM_ENOMEM;
                    else if (rc == SVCM_OK)
                        rc = svcm_rate_add(s, r->targets.item[i].direction ==
                                                      SVCM_TARGET_DIRECTION_AT_MOST
                                                  ? secs <= r->threshold[i]
                                                  : secs >= r->threshold[i]);
                }
            } else if (m->kind == M_RATE) {
                const cli_col *one = &cols[C_FIXED + 3 * i], *cs = one + 1, *ct = one + 2;
                if (one->field >= 0) {
                    double v = ((const double *)one->values)[row];
                    if (isnan(v))
                        continue;
                    field = one->field;
                    label = one->name;
                    if (v != 0 && v != 1)
                        why = "must be 0 or 1";
                    else
                        rc = svcm_kpi_groups_add_outcome(g, k, i, v == 1, &err);
                } else if (cs->field >= 0 && ct->field >= 0) {
                    double s = ((const double *)cs->values)[row];
                    double t = ((const double *)ct->values)[row];
                    if (isnan(s) && isnan(t))
                        continue;
                    field = isnan(s) || !(s >= 0 && s == floor(s) && s < 9e15) ? cs->field
                                                                               : ct->field;
                    label = field == cs->field ? cs->name : ct->name;
                    if (isnan(s) || isnan(t))
                        why = "both counts are needed";
                    else if (!(s >= 0 && s == floor(s) && s < 9e15) ||
                             !(t >= 0 && t == floor(t) && t < 9e15))
                        why = "a count must be a whole number >= 0";
                    else if (s > t)
                        why = "more successes than trials";
                    else {
                        svcm_rate *sr = side_of(r, p, k, i);
                        rc = sr == NULL ? SVCM_ENOMEM
                                        : svcm_rate_add_counts(sr, (uint64_t)s, (uint64_t)t);
                    }
                }
            } else if (m->kind == M_FCR || m->kind == M_REOPEN) {
                const cli_col *c = &cols[m->kind == M_FCR ? C_FCR : C_REOPENED];
                if (c->field < 0 || isnan(((const double *)c->values)[row]))
                    continue;
                double v = ((const double *)c->values)[row];
                field = c->field;
                label = file_kind_col(m->kind == M_FCR ? C_FCR : C_REOPENED);
                if (v != 0 && v != 1)
                    why = "must be 0 or 1";
                else
                    rc = svcm_kpi_groups_add_outcome(g, k, i, v == 1, &err);
            } else {
                const cli_col *c = &cols[m->kind == M_NPS   ? C_NPS
                                         : m->kind == M_CES ? C_CES
                                                            : C_CSAT];
                if (c->field < 0 || isnan(((const double *)c->values)[row]))
                    continue;
                field = c->field;
                label = file_kind_col(m->kind == M_NPS ? C_NPS : m->kind == M_CES ? C_CES : C_CSAT);
                rc = svcm_kpi_groups_add_score(g, k, i, ((const double *)c->values)[row], &err);
            }
            if (why == NULL && rc != SVCM_OK)
                why = rc == SVCM_ENOMEM ? "out of memory" : err.message;
            if (why != NULL && r->skip_invalid && rc == SVCM_OK) {
                skipped_row = true; /* the row's other figures still count */
            } else if (why != NULL) {
                cli_record_error("scorecard", path, &r->c.read, &d, row, field, label, "row",
                                 NULL, why);
                code = CLI_EXIT_DATA;
            }
        }
        r->skipped += skipped_row;
    }
    cli_dataset_free(&d);
    free(cols);
    return code;
}

/* The value of a verdict in the target's units. */
static double shown(const svcm_target *t, double v)
{
    static const double per[] = {1, 0.01, 1, 60, 3600, 86400};
    return t->unit == SVCM_TARGET_UNIT_PERCENT ? 100.0 * v : v / per[t->unit];
}

typedef struct verdict {
    int rc;                          /* SVCM_OK, or why there is none */
    struct svcm_target_result res;
} verdict;

static verdict evaluate(const run *r, period *p, size_t k, size_t i)
{
    verdict v;
    memset(&v, 0, sizeof v);
    const metric *m = &r->m[i];
    svcm_target_direction dir = r->targets.item[i].direction;
    double t = r->threshold[i];
    if (m->kind == M_FIRST_Q || m->kind == M_RESOLUTION_Q) {
        const svcm_durations *d;
        v.rc = svcm_kpi_groups_durations(p->g, k, i, &d);
        if (v.rc == SVCM_OK)
            v.rc = svcm_target_verdict_durations(d, m->q, t, dir, r->confidence, &v.res);
    } else if (m->kind == M_FCR || m->kind == M_REOPEN || m->kind == M_RATE) {
        svcm_rate rate;
        v.rc = svcm_kpi_groups_rate(p->g, k, i, &rate);
        if (v.rc == SVCM_OK && m->kind == M_RATE && rate.trials == 0 && k < p->side_groups)
            rate = p->side[k * r->targets.count + i];
        if (v.rc == SVCM_OK)
            v.rc = svcm_target_verdict(rate.successes, rate.trials, t, dir, r->confidence,
                                       &v.res);
    } else {
        const svcm_feedback *f;
        v.rc = svcm_kpi_groups_feedback(p->g, k, i, &f);
        if (v.rc == SVCM_OK)
            v.rc = svcm_target_verdict_feedback(f, t, dir, r->confidence, &v.res);
    }
    return v;
}

/* Change of target i between the previous period's group kp and the
 * current one's k; the word, or NULL when there is no test. */
static const char *change_of(const run *r, period *prev, size_t kp, period *cur, size_t k,
                             size_t i)
{
    const metric *m = &r->m[i];
    svcm_target_direction dir = r->targets.item[i].direction;
    struct svcm_target_change_result c;
    int rc;
    if (m->kind == M_FIRST_Q || m->kind == M_RESOLUTION_Q) {
        if (kp >= prev->side_groups || k >= cur->side_groups)
            return NULL;
        /* the share within the target: higher is better */
        rc = svcm_target_change_rate(&prev->side[kp * r->targets.count + i],
                                     &cur->side[k * r->targets.count + i],
                                     SVCM_TARGET_DIRECTION_AT_LEAST, r->confidence, &c);
    } else if (m->kind == M_FCR || m->kind == M_REOPEN || m->kind == M_RATE) {
        svcm_rate a, b;
        if (svcm_kpi_groups_rate(prev->g, kp, i, &a) != SVCM_OK ||
            svcm_kpi_groups_rate(cur->g, k, i, &b) != SVCM_OK)
            return NULL;
        if (m->kind == M_RATE && a.trials == 0 && kp < prev->side_groups)
            a = prev->side[kp * r->targets.count + i];
        if (m->kind == M_RATE && b.trials == 0 && k < cur->side_groups)
            b = cur->side[k * r->targets.count + i];
        rc = svcm_target_change_rate(&a, &b, dir, r->confidence, &c);
    } else {
        const svcm_feedback *a, *b;
        if (svcm_kpi_groups_feedback(prev->g, kp, i, &a) != SVCM_OK ||
            svcm_kpi_groups_feedback(cur->g, k, i, &b) != SVCM_OK)
            return NULL;
        rc = svcm_target_change_feedback(a, b, dir, r->confidence, &c);
    }
    return rc == SVCM_OK ? svcm_target_change_name(c.change) : NULL;
}

static int report(run *r, period *cur, period *prev)
{
    static const char *const names[] = {"group", "target", "value", "lo", "hi", "n", "verdict",
                                        "decide_n", "previous", "change"};
    size_t ncols = prev ? 10 : 8;
    cli_table t;
    int bad = cli_table_init(&t, "Scorecard", ncols, names);
    size_t ng = svcm_kpi_groups_count(cur->g);
    size_t *order = malloc((ng ? ng : 1) * sizeof *order);
    if (order == NULL || bad) {
        free(order);
        cli_table_free(&t);
        fprintf(stderr, "svcm scorecard: out of memory\n");
        return CLI_EXIT_DATA;
    }
    svcm_kpi_groups_order(cur->g, order, ng);
    for (size_t j = 0; j < ng; j++) {
        size_t k = order[j];
        const char *key;
        size_t klen;
        svcm_kpi_groups_key(cur->g, k, &key, &klen);
        for (size_t i = 0; i < r->targets.count; i++) {
            const svcm_target *tg = &r->targets.item[i];
            verdict v = evaluate(r, cur, k, i);
            bad |= cli_table_str(&t, key);
            bad |= cli_table_str(&t, tg->name);
            int dec = tg->unit == SVCM_TARGET_UNIT_PERCENT ? 1 : 2;
            if (v.rc == SVCM_OK) {
                bad |= cli_table_num(&t, shown(tg, v.res.value), dec);
                bad |= cli_table_num(&t, shown(tg, v.res.ci.lo), dec);
                bad |= cli_table_num(&t, shown(tg, v.res.ci.hi), dec);
                bad |= cli_table_int(&t, (long long)v.res.n);
                bad |= cli_table_str(&t, svcm_target_outcome_name(v.res.outcome));
                bad |= v.res.n_to_decide > 0 ? cli_table_int(&t, (long long)v.res.n_to_decide)
                                             : cli_table_num(&t, NAN, 0);
            } else {
                for (int c = 0; c < 3; c++)
                    bad |= cli_table_num(&t, NAN, dec);
                bad |= cli_table_int(&t, 0);
                bad |= cli_table_str(&t, "no data");
                bad |= cli_table_num(&t, NAN, 0);
            }
            if (prev != NULL) {
                size_t kp;
                verdict pv = {SVCM_ENOTFOUND, {0}};
                const char *ch = NULL;
                if (svcm_kpi_groups_find(prev->g, key, klen, &kp) == SVCM_OK) {
                    pv = evaluate(r, prev, kp, i);
                    ch = change_of(r, prev, kp, cur, k, i);
                }
                bad |= cli_table_num(&t, pv.rc == SVCM_OK ? shown(tg, pv.res.value) : NAN, dec);
                bad |= cli_table_str(&t, ch ? ch : "no test");
            }
        }
    }
    free(order);
    static const char *const note_cols[] = {"note", "rows", "detail"};
    cli_table notes;
    size_t nn = 0;
    if (r->skipped > 0 || r->c.tz != NULL) {
        bad |= cli_table_init(&notes, "Notes", 3, note_cols);
        nn = 1;
        if (r->skipped > 0) {
            bad |= cli_table_str(&notes, "skipped");
            bad |= cli_table_int(&notes, (long long)r->skipped);
            bad |= cli_table_str(&notes, "rows with an invalid value (--invalid skip)");
        }
        if (r->c.tz != NULL) {
            bad |= cli_table_str(&notes, "zone");
            bad |= cli_table_num(&notes, NAN, 0);
            bad |= cli_table_str(&notes, r->c.tz);
        }
    }
    int code;
    if (bad) {
        fprintf(stderr, "svcm scorecard: out of memory\n");
        code = CLI_EXIT_DATA;
    } else {
        cli_table *tables[2] = {&t, &notes};
        const char *keys[2] = {"scorecard", "notes"};
        code = cli_emit(&r->c, tables, keys, 1 + nn);
    }
    cli_table_free(&t);
    if (nn > 0)
        cli_table_free(&notes);
    return code;
}

static int load_targets(run *r, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    if (cli_read_file(path, &text, &len) != 0) {
        fprintf(stderr, "svcm scorecard: cannot read %s: %s\n", path, strerror(errno));
        return CLI_EXIT_DATA;
    }
    svcm_error err;
    int rc = svcm_targets_parse(text, len, &r->targets, &err);
    free(text);
    if (rc != SVCM_OK) {
        cli_text_error("scorecard", path, &err, rc);
        return CLI_EXIT_DATA;
    }
    if (r->targets.count == 0) {
        fprintf(stderr, "svcm scorecard: %s: no targets\n", path);
        return CLI_EXIT_DATA;
    }
    for (size_t i = 0; i < r->targets.count; i++) {
        if (metric_of(path, i, r->targets.item[i].name, &r->m[i]) != 0 ||
            check_units(path, &r->targets.item[i], &r->m[i]) != 0)
            return CLI_EXIT_DATA;
        if (svcm_target_scaled(&r->targets.item[i], &r->threshold[i]) != SVCM_OK) {
            fprintf(stderr, "svcm scorecard: %s: %s: value out of range\n", path,
                    r->targets.item[i].name);
            return CLI_EXIT_DATA;
        }
        if (r->m[i].kind == M_NPS && !(r->threshold[i] >= -100 && r->threshold[i] <= 100)) {
            fprintf(stderr, "svcm scorecard: %s: nps: a target must be in -100..100 points\n",
                    path);
            return CLI_EXIT_DATA;
        }
    }
    return CLI_EXIT_OK;
}

static int scorecard_run(run *r, const char *targets, const char **files, size_t nf,
                         const char **prev_files, size_t np)
{
    int code = load_targets(r, targets);
    if (code != CLI_EXIT_OK)
        return code;
    period cur, prev;
    if (period_new(r, &cur) != 0) {
        fprintf(stderr, "svcm scorecard: out of memory\n");
        return CLI_EXIT_DATA;
    }
    if (np > 0 && period_new(r, &prev) != 0) {
        period_free(&cur);
        fprintf(stderr, "svcm scorecard: out of memory\n");
        return CLI_EXIT_DATA;
    }
    for (size_t i = 0; i < nf && code == CLI_EXIT_OK; i++)
        code = load_file(r, &cur, files[i]);
    for (size_t i = 0; i < np && code == CLI_EXIT_OK; i++)
        code = load_file(r, &prev, prev_files[i]);
    if (code == CLI_EXIT_OK)
        code = report(r, &cur, np > 0 ? &prev : NULL);
    period_free(&cur);
    if (np > 0)
        period_free(&prev);
    return code;
}

int cli_cmd_scorecard(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL, "scorecard"};
    run *r = calloc(1, sizeof *r);
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    const char **prev = calloc((size_t)argc + 1, sizeof *prev);
    if (r == NULL || files == NULL || prev == NULL) {
        free(r);
        free(files);
        free(prev);
        fprintf(stderr, "svcm scorecard: out of memory\n");
        return CLI_EXIT_DATA;
    }
    r->confidence = 0.95;
    cli_common_init(&r->c, "scorecard");
    const char *targets = NULL;
    size_t nf = 0, np = 0;
    bool in_prev = false;
    int code = CLI_EXIT_OK;
    while (a.i < argc) {
        const char *arg = argv[a.i];
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            cli_puts(scorecard_help);
            cli_puts(scorecard_help_input);
            goto done;
        } else if (cli_flag(&a, "--previous")) {
            in_prev = true;
        } else if (cli_opt(&a, "--invalid")) {
            if (strcmp(a.value, "skip") != 0 && strcmp(a.value, "error") != 0)
                cli_usage_error(&a, "--invalid must be error or skip, not '%s'", a.value);
            r->skip_invalid = strcmp(a.value, "skip") == 0;
        } else if (cli_opt(&a, "--by")) {
            r->by = a.value;
        } else if (cli_opt(&a, "--confidence")) {
            r->confidence = cli_opt_double(&a, "--confidence");
            if (!(r->confidence > 0 && r->confidence < 1))
                cli_usage_error(&a, "--confidence must be between 0 and 1");
        } else if (cli_opt(&a, "--format")) {
            if (strcmp(a.value, "table") == 0)
                r->c.format = CLI_TEXT;
            else if (cli_format_parse(a.value, &r->c.format) != 0)
                cli_usage_error(&a, "--format must be table, csv or json, not '%s'", a.value);
        } else if (cli_common_opt(&a, &r->c)) {
            continue;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            cli_usage_error(&a, "unknown option '%s'", arg);
        } else {
            if (targets == NULL)
                targets = arg;
            else if (in_prev)
                prev[np++] = arg;
            else
                files[nf++] = arg;
            a.i++;
        }
    }
    if (targets == NULL)
        cli_usage_error(&a, "no targets file");
    if (nf == 0)
        cli_usage_error(&a, "no input file after the targets file");
    if (in_prev && np == 0)
        cli_usage_error(&a, "--previous needs at least one file");
    for (size_t i = 0; i < nf + np; i++)
        if (strcmp(i < nf ? files[i] : prev[i - nf], "-") == 0)
            cli_usage_error(&a, "needs files, not standard input");
    cli_common_check(&a, &r->c);
    code = scorecard_run(r, targets, files, nf, prev, np);
done:
    for (size_t i = 0; i < SVCM_TARGETS_MAX; i++) {
        free(r->m[i].col);
        free(r->m[i].col_s);
        free(r->m[i].col_t);
    }
    cli_common_free(&r->c);
    free(r);
    free(files);
    free(prev);
    return code;
}
