/* svcm segment: five-tier segmentation of customers from a CSV file. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "load.h"
#include "svcm/lifetime.h"
#include "svcm/segment.h"
#include "svg.h"

static const char segment_help[] =
    "usage: svcm segment FILE [--policy FILE] [--bins K] [--summary-only | --customers-only]\n"
    "                    [column options] [common options]\n"
    "       svcm segment --migrate OLD NEW [--policy FILE] [column options] [common options]\n"
    "\n"
    "Scores every customer on recency, frequency and monetary value (1..K, K = 5 by\n"
    "default, edges fitted from the population's quantiles) and assigns one of five\n"
    "tiers (vip, key, regular, potential, lost) with the rule that fired; then a\n"
    "summary per tier. --migrate segments two snapshots of the same customers and\n"
    "counts moves between tiers, by id.\n"
    "\n"
    "  --policy FILE      tier rules as key = value lines (see svcm_segment_policy_parse)\n"
    "  --bins K           RFM scores 1..K (default: the policy's, 5)\n"
    "  --id-col NAME      column names (defaults: id, recency_days, frequency,\n"
    "  --recency-col NAME   monetary, tenure_days, p_alive; the last two optional)\n"
    "  --frequency-col NAME\n"
    "  --monetary-col NAME\n"
    "  --tenure-col NAME\n"
    "  --p-alive-col NAME\n"
    "  --separator C      field separator (default ,)\n"
    "  --format F         text (default), csv or json\n"
    "  --output FILE      write there instead of standard output (whole or not at all)\n"
    "  --svg FILE         tier distribution chart with value share\n"
    "  --lifetime         fit BG/NBD + Gamma-Gamma: P(alive) feeds the lost rule, and\n"
    "                     each customer gets P(alive) and CLV (needs tenure_days;\n"
    "                     frequency counts all purchases, monetary their total)\n"
    "  --clv-months N     CLV horizon in months (default 12)\n"
    "  --discount R       monthly discount rate for CLV (default 0.01)\n"
    "  --col FIELD=COLUMN same as the --*-col options, e.g. --col recency_days=days\n";

typedef struct seg_cols {
    const char *id, *recency, *frequency, *monetary, *tenure, *p_alive;
} seg_cols;

typedef struct seg_lifetime {
    int on;
    unsigned months;
    double discount;
} seg_lifetime;

typedef struct seg_run {
    cli_dataset data;
    cli_col cols[6];
    uint8_t *tiers, *reasons, *r, *f, *m;
    svcm_tier_summary summary[SVCM_TIER_COUNT];
    double *p_alive, *clv; /* with --lifetime */
    svcm_bgnbd_fit_result bg;
    svcm_gammagamma_fit_result gg;
} seg_run;

static void seg_free(seg_run *s)
{
    cli_dataset_free(&s->data);
    free(s->tiers);
    free(s->reasons);
    free(s->r);
    free(s->f);
    free(s->m);
    free(s->p_alive);
    free(s->clv);
    memset(s, 0, sizeof *s);
}

/* BG/NBD and Gamma-Gamma from the segmentation columns, in weeks:
 * x = frequency - 1 repeat purchases, T = tenure, t_x = tenure - recency
 * (0 when x = 0: the only purchase was the first), mean spend =
 * monetary / frequency. */
static int seg_lifetime_fit(const char *path, seg_run *s, const seg_lifetime *lt)
{
    size_t n = s->data.n;
    const double *rec = s->cols[1].values, *freq = s->cols[2].values, *mon = s->cols[3].values;
    const double *ten = s->cols[4].values;
    if (s->cols[4].field < 0) {
        fprintf(stderr, "svcm segment: --lifetime needs the tenure column '%s'\n", s->cols[4].name);
        return CLI_EXIT_DATA;
    }
    double *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx), *T = malloc(n * sizeof *T);
    double *ms = malloc(n * sizeof *ms);
    s->p_alive = malloc(n * sizeof *s->p_alive);
    s->clv = malloc(n * sizeof *s->clv);
    int code = CLI_EXIT_DATA;
    if (!x || !tx || !T || !ms || !s->p_alive || !s->clv) {
        fprintf(stderr, "svcm segment: out of memory\n");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const char *why = NULL, *field = NULL;
        if (!(freq[i] >= 1) || freq[i] != floor(freq[i]))
            why = "must be a whole number >= 1 (all purchases) with --lifetime", field = s->cols[2].name;
        else if (!(ten[i] >= rec[i]) || rec[i] < 0)
            why = "recency must not exceed tenure", field = s->cols[1].name;
        if (why) {
            fprintf(stderr, "svcm segment: %s: customer '%s' (data row %zu), field '%s': %s\n", path,
                    cli_str(&s->data, &s->cols[0], i), i + 1, field, why);
            goto done;
        }
        x[i] = freq[i] - 1.0;
        T[i] = ten[i] / 7.0;
        tx[i] = x[i] > 0 ? (ten[i] - rec[i]) / 7.0 : 0.0;
        ms[i] = x[i] > 0 ? mon[i] / freq[i] : 0.0;
    }
    svcm_error err;
    int rc = svcm_bgnbd_fit(x, tx, T, n, NULL, NULL, &s->bg, &err);
    const char *stage = "BG/NBD fit";
    if (rc == SVCM_OK) {
        stage = "P(alive)";
        rc = svcm_bgnbd_p_alive(&s->bg.params, x, tx, T, n, s->p_alive, &err);
    }
    if (rc == SVCM_OK) {
        /* Gamma-Gamma is fitted on repeat buyers only. */
        size_t k = 0;
        double *gx = malloc(n * sizeof *gx), *gm = malloc(n * sizeof *gm);
        if (gx == NULL || gm == NULL) {
            rc = SVCM_ENOMEM;
        } else {
            for (size_t i = 0; i < n; i++)
                if (x[i] > 0) {
                    gx[k] = x[i];
                    gm[k++] = ms[i];
                }
            stage = "Gamma-Gamma fit";
            rc = svcm_gammagamma_fit(gx, gm, k, NULL, NULL, &s->gg, &err);
        }
        free(gx);
        free(gm);
    }
    if (rc == SVCM_OK) {
        svcm_clv_options co;
        svcm_clv_options_init(&co);
        co.horizon = lt->months;
        co.discount_rate = lt->discount;
        stage = "CLV";
        rc = svcm_clv(&s->bg.params, &s->gg.params, x, tx, T, ms, n, &co, s->clv, &err);
    }
    if (rc != SVCM_OK) {
        if (err.index != SVCM_NO_INDEX && err.index < n && stage[0] != 'G')
            fprintf(stderr, "svcm segment: %s: %s: customer '%s' (data row %zu): %s\n", path, stage,
                    cli_str(&s->data, &s->cols[0], err.index), err.index + 1, err.message);
        else
            fprintf(stderr, "svcm segment: %s: %s: %s\n", path, stage,
                    err.message[0] ? err.message : svcm_strerror(rc));
        goto done;
    }
    code = 0;
done:
    free(x);
    free(tx);
    free(T);
    free(ms);
    return code;
}

/* The file's column for a library field name (names as in svcm_customers). */
static const char *column_of(const seg_run *s, const char *field)
{
    static const char *const fields[] = {"id", "recency", "frequency", "monetary", "tenure",
                                         "p_alive"};
    for (size_t i = 0; field && i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(field, fields[i]) == 0)
            return s->cols[i].name;
    return field ? field : "?";
}

/* Load one file and segment it. Returns 0 or an exit code. */
static int seg_load_and_assign(const char *path, char sep, const seg_cols *names,
                               const svcm_segment_policy *pol, const seg_lifetime *lt,
                               seg_run *s)
{
    memset(s, 0, sizeof *s);
    s->cols[0] = (cli_col){names->id, CLI_COL_STRING, true, false, -1, NULL};
    s->cols[1] = (cli_col){names->recency, CLI_COL_DOUBLE, true, false, -1, NULL};
    s->cols[2] = (cli_col){names->frequency, CLI_COL_DOUBLE, true, false, -1, NULL};
    s->cols[3] = (cli_col){names->monetary, CLI_COL_DOUBLE, true, false, -1, NULL};
    s->cols[4] = (cli_col){names->tenure, CLI_COL_DOUBLE, false, false, -1, NULL};
    s->cols[5] = (cli_col){names->p_alive, CLI_COL_DOUBLE, false, false, -1, NULL};
    if (cli_load_csv("segment", path, sep, s->cols, 6, &s->data) != 0)
        return CLI_EXIT_DATA;
    size_t n = s->data.n;
    if (n == 0) {
        fprintf(stderr, "svcm segment: %s: no customers\n", path);
        return CLI_EXIT_DATA;
    }
    if (lt && lt->on) {
        int code = seg_lifetime_fit(path, s, lt);
        if (code != 0)
            return code;
    }
    svcm_customers c = {0};
    c.n = n;
    c.recency = s->cols[1].values;
    c.frequency = s->cols[2].values;
    c.monetary = s->cols[3].values;
    c.tenure = s->cols[4].field >= 0 ? s->cols[4].values : NULL;
    c.p_alive = s->p_alive ? s->p_alive : s->cols[5].field >= 0 ? s->cols[5].values : NULL;
    s->tiers = malloc(n);
    s->reasons = malloc(n);
    s->r = malloc(n);
    s->f = malloc(n);
    s->m = malloc(n);
    if (!s->tiers || !s->reasons || !s->r || !s->f || !s->m) {
        fprintf(stderr, "svcm segment: out of memory\n");
        return CLI_EXIT_DATA;
    }
    svcm_error err;
    svcm_rfm_edges edges;
    int rc = svcm_rfm_fit(&c, pol->bins, &edges, NULL, &err);
    if (rc == SVCM_OK)
        rc = svcm_segment_assign(&c, pol, &edges, s->tiers, s->reasons, s->r, s->f, s->m, &err);
    if (rc == SVCM_OK)
        rc = svcm_segment_summarize(&c, s->tiers, s->r, s->f, s->m, s->summary, &err);
    if (rc != SVCM_OK) {
        if (err.index != SVCM_NO_INDEX && err.index < n)
            fprintf(stderr, "svcm segment: %s: customer '%s' (data row %zu), column '%s': %s\n",
                    path, cli_str(&s->data, &s->cols[0], err.index), err.index + 1,
                    column_of(s, err.field), err.message);
        else
            fprintf(stderr, "svcm segment: %s: %s\n", path,
                    err.message[0] ? err.message : svcm_strerror(rc));
        return CLI_EXIT_DATA;
    }
    return 0;
}

static int summary_table(const seg_run *s, cli_table *t)
{
    static const char *const cols[] = {"tier", "customers", "share_pct", "value", "value_share_pct",
                                       "mean_recency", "mean_frequency", "mean_monetary",
                                       "mean_r", "mean_f", "mean_m"};
    if (cli_table_init(t, "Tier summary", 11, cols) != 0)
        return -1;
    int bad = 0;
    for (int k = 0; k < SVCM_TIER_COUNT; k++) {
        const svcm_tier_summary *x = &s->summary[k];
        bad |= cli_table_str(t, svcm_tier_name(k));
        bad |= cli_table_int(t, (long long)x->count);
        bad |= cli_table_num(t, 100.0 * x->customer_share, 1);
        bad |= cli_table_num(t, x->monetary_total, 2);
        bad |= cli_table_num(t, 100.0 * x->monetary_share, 1);
        bad |= cli_table_num(t, x->mean_recency, 1);
        bad |= cli_table_num(t, x->mean_frequency, 2);
        bad |= cli_table_num(t, x->mean_monetary, 2);
        bad |= cli_table_num(t, x->mean_r_score, 2);
        bad |= cli_table_num(t, x->mean_f_score, 2);
        bad |= cli_table_num(t, x->mean_m_score, 2);
    }
    return bad;
}

/* Per-customer rows, streamed: a million rows must not go through a table of
 * allocated cells. */
static void write_customers(FILE *out, cli_format fmt, const seg_run *s)
{
    const cli_dataset *d = &s->data;
    size_t n = d->n, w = 2;
    for (size_t i = 0; i < n && fmt == CLI_TEXT; i++) {
        size_t l = strlen(cli_str(d, &s->cols[0], i));
        if (l > w)
            w = l;
    }
    int lt = s->p_alive != NULL;
    if (fmt == CLI_TEXT)
        fprintf(out, "Customers\n%-*s  tier       reason              rfm%s\n", (int)w, "id",
                lt ? "  p_alive       clv" : "");
    else if (fmt == CLI_CSV)
        fputs(lt ? "id,tier,reason,r,f,m,p_alive,clv\r\n" : "id,tier,reason,r,f,m\r\n", out);
    else
        fputs("[", out);
    for (size_t i = 0; i < n; i++) {
        const char *id = cli_str(d, &s->cols[0], i);
        const char *tier = svcm_tier_name(s->tiers[i]);
        const char *why = svcm_segment_reason_name(s->reasons[i]);
        if (fmt == CLI_TEXT) {
            fprintf(out, "%-*s  %-9s  %-18s  %u%u%u", (int)w, id, tier, why, s->r[i], s->f[i],
                    s->m[i]);
            if (lt)
                fprintf(out, "  %7.4f  %8.2f", s->p_alive[i], s->clv[i]);
            fputc('\n', out);
        } else if (fmt == CLI_CSV) {
            if (strpbrk(id, ",\"\r\n")) {
                fputc('"', out);
                for (const char *p = id; *p; p++) {
                    if (*p == '"')
                        fputc('"', out);
                    fputc(*p, out);
                }
                fputc('"', out);
            } else {
                fputs(id, out);
            }
            fprintf(out, ",%s,%s,%u,%u,%u", tier, why, s->r[i], s->f[i], s->m[i]);
            if (lt)
                fprintf(out, ",%.6f,%.2f", s->p_alive[i], s->clv[i]);
            fputs("\r\n", out);
        } else {
            fputs(i ? ",\n {\"id\": \"" : "\n {\"id\": \"", out);
            for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
                if (*p == '"' || *p == '\\')
                    fputc('\\', out);
                if (*p < 0x20)
                    fprintf(out, "\\u%04x", *p);
                else
                    fputc(*p, out);
            }
            fprintf(out, "\", \"tier\": \"%s\", \"reason\": \"%s\", \"r\": %u, \"f\": %u, \"m\": %u",
                    tier, why, s->r[i], s->f[i], s->m[i]);
            if (lt)
                fprintf(out, ", \"p_alive\": %.6f, \"clv\": %.2f", s->p_alive[i], s->clv[i]);
            fputc('}', out);
        }
    }
    if (fmt == CLI_JSON)
        fputs(n ? "\n]" : "]", out);
}

static int write_svg(const char *path, const seg_run *s)
{
    const char *labels[SVCM_TIER_COUNT];
    double cs[SVCM_TIER_COUNT], vs[SVCM_TIER_COUNT];
    long long counts[SVCM_TIER_COUNT];
    for (int k = 0; k < SVCM_TIER_COUNT; k++) {
        labels[k] = svcm_tier_name(k);
        cs[k] = s->summary[k].customer_share;
        vs[k] = s->summary[k].monetary_share;
        counts[k] = (long long)s->summary[k].count;
    }
    cli_out o;
    if (cli_out_open(&o, path) != 0) {
        fprintf(stderr, "svcm segment: cannot write %s: %s\n", path, strerror(errno));
        return CLI_EXIT_DATA;
    }
    char title[96];
    snprintf(title, sizeof title, "Customer tiers (%zu customers)", s->data.n);
    if (cli_svg_share_bars(o.f, title, SVCM_TIER_COUNT, labels, cs, vs, counts) != 0) {
        cli_out_abort(&o);
        return CLI_EXIT_DATA;
    }
    return cli_out_commit(&o) == 0 ? CLI_EXIT_OK : CLI_EXIT_DATA;
}

static int read_policy(const char *path, svcm_segment_policy *pol)
{
    char *buf;
    size_t len;
    if (cli_read_file(path, &buf, &len) != 0) {
        fprintf(stderr, "svcm segment: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    svcm_error err;
    int rc = svcm_segment_policy_parse(buf, len, pol, &err);
    free(buf);
    if (rc != SVCM_OK) {
        fprintf(stderr, "svcm segment: %s:%zu: %s%s%s\n", path,
                err.index == SVCM_NO_INDEX ? (size_t)0 : err.index, err.field ? err.field : "",
                err.field ? ": " : "", err.message[0] ? err.message : svcm_strerror(rc));
        return -1;
    }
    return 0;
}

static int strptr_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int migrate(const char *old_path, const char *new_path, char sep, const seg_cols *names,
                   const svcm_segment_policy *pol, const cli_common *c)
{
    seg_run a, b;
    int code = seg_load_and_assign(old_path, sep, names, pol, NULL, &a);
    if (code != 0) {
        seg_free(&a);
        return code;
    }
    code = seg_load_and_assign(new_path, sep, names, pol, NULL, &b);
    if (code != 0) {
        seg_free(&a);
        seg_free(&b);
        return code;
    }
    /* Ids are text; number them through one sorted dictionary of both files. */
    size_t na = a.data.n, nb = b.data.n, nt = na + nb;
    const char **all = malloc(nt * sizeof *all);
    int64_t *ida = malloc(na * sizeof *ida), *idb = malloc(nb * sizeof *idb);
    code = CLI_EXIT_DATA;
    if (all && ida && idb) {
        for (size_t i = 0; i < na; i++)
            all[i] = cli_str(&a.data, &a.cols[0], i);
        for (size_t i = 0; i < nb; i++)
            all[na + i] = cli_str(&b.data, &b.cols[0], i);
        /* Sort the id strings, drop repeats, and use each id's rank. */
        qsort(all, nt, sizeof *all, strptr_cmp);
        size_t nu = 0;
        for (size_t i = 0; i < nt; i++)
            if (nu == 0 || strcmp(all[nu - 1], all[i]) != 0)
                all[nu++] = all[i];
        for (size_t i = 0; i < na; i++) {
            const char *id = cli_str(&a.data, &a.cols[0], i);
            const char **hit = bsearch(&id, all, nu, sizeof *all, strptr_cmp);
            ida[i] = (int64_t)(hit - all);
        }
        for (size_t i = 0; i < nb; i++) {
            const char *id = cli_str(&b.data, &b.cols[0], i);
            const char **hit = bsearch(&id, all, nu, sizeof *all, strptr_cmp);
            idb[i] = (int64_t)(hit - all);
        }
        svcm_migration mig;
        svcm_error err;
        int rc = svcm_segment_migration(ida, a.tiers, na, idb, b.tiers, nb, &mig, NULL, &err);
        if (rc != SVCM_OK) {
            int in_new = err.field && strstr(err.field, "new") != NULL;
            const seg_run *s = in_new ? &b : &a;
            if (err.index != SVCM_NO_INDEX && err.index < s->data.n)
                fprintf(stderr, "svcm segment: %s: customer '%s' (data row %zu): %s\n",
                        in_new ? new_path : old_path, cli_str(&s->data, &s->cols[0], err.index),
                        err.index + 1, err.message);
            else
                fprintf(stderr, "svcm segment: migration: %s\n",
                        err.message[0] ? err.message : svcm_strerror(rc));
        } else {
            static const char *const cols[] = {"from \\ to", "vip", "key", "regular",
                                               "potential", "lost", "gone"};
            cli_table t;
            int bad = cli_table_init(&t, "Tier migration (rows: old tier, columns: new tier)", 7, cols);
            for (int i = 0; i < SVCM_TIER_COUNT && !bad; i++) {
                bad |= cli_table_str(&t, svcm_tier_name(i));
                for (int j = 0; j < SVCM_TIER_COUNT; j++)
                    bad |= cli_table_int(&t, (long long)mig.counts[i][j]);
                bad |= cli_table_int(&t, (long long)mig.gone[i]);
            }
            bad |= cli_table_str(&t, "new");
            for (int j = 0; j < SVCM_TIER_COUNT; j++)
                bad |= cli_table_int(&t, (long long)mig.arrived[j]);
            bad |= cli_table_str(&t, "");
            cli_table *tables[] = {&t};
            code = bad ? CLI_EXIT_DATA : cli_emit(c, tables, NULL, 1);
            cli_table_free(&t);
        }
    } else {
        fprintf(stderr, "svcm segment: out of memory\n");
    }
    free(all);
    free(ida);
    free(idb);
    seg_free(&a);
    seg_free(&b);
    return code;
}

int cli_cmd_segment(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL, "segment"};
    cli_common c = {CLI_TEXT, NULL, NULL, {0}, {0}, 0};
    seg_cols names = {"id", "recency_days", "frequency", "monetary", "tenure_days", "p_alive"};
    const char *file = NULL, *policy = NULL, *old_path = NULL, *new_path = NULL;
    int summary_only = 0, customers_only = 0;
    seg_lifetime lt = {0, 12, 0.01};
    long long bins = 0;
    char sep = ',';
    while (a.i < argc) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(segment_help, stdout);
            return CLI_EXIT_OK;
        } else if (cli_opt(&a, "--policy")) {
            policy = a.value;
        } else if (cli_opt(&a, "--bins")) {
            bins = cli_opt_int(&a, "--bins", 2, 255);
        } else if (cli_opt(&a, "--id-col")) {
            names.id = a.value;
        } else if (cli_opt(&a, "--recency-col")) {
            names.recency = a.value;
        } else if (cli_opt(&a, "--frequency-col")) {
            names.frequency = a.value;
        } else if (cli_opt(&a, "--monetary-col")) {
            names.monetary = a.value;
        } else if (cli_opt(&a, "--tenure-col")) {
            names.tenure = a.value;
        } else if (cli_opt(&a, "--p-alive-col")) {
            names.p_alive = a.value;
        } else if (cli_opt(&a, "--separator")) {
            if (strlen(a.value) != 1 || a.value[0] == '"' || a.value[0] == '\n')
                cli_usage_error(&a, "--separator must be one character other than a quote");
            sep = a.value[0];
        } else if (cli_flag(&a, "--lifetime")) {
            lt.on = 1;
        } else if (cli_opt(&a, "--clv-months")) {
            lt.months = (unsigned)cli_opt_int(&a, "--clv-months", 1, 1200);
        } else if (cli_opt(&a, "--discount")) {
            lt.discount = cli_opt_double(&a, "--discount");
            if (lt.discount < 0)
                cli_usage_error(&a, "--discount must be >= 0");
        } else if (cli_flag(&a, "--summary-only")) {
            summary_only = 1;
        } else if (cli_flag(&a, "--customers-only")) {
            customers_only = 1;
        } else if (cli_flag(&a, "--migrate")) {
            if (a.i + 2 > argc)
                cli_usage_error(&a, "--migrate needs two files: OLD NEW");
            old_path = argv[a.i];
            new_path = argv[a.i + 1];
            a.i += 2;
        } else {
            cli_common_or_file(&a, &c, &file);
        }
    }
    names.id = cli_colname(&c, names.id);
    names.recency = cli_colname(&c, names.recency);
    names.frequency = cli_colname(&c, names.frequency);
    names.monetary = cli_colname(&c, names.monetary);
    names.tenure = cli_colname(&c, names.tenure);
    names.p_alive = cli_colname(&c, names.p_alive);
    if (summary_only && customers_only)
        cli_usage_error(&a, "--summary-only and --customers-only exclude each other");
    svcm_segment_policy pol;
    svcm_segment_policy_init(&pol);
    if (policy && read_policy(policy, &pol) != 0)
        return CLI_EXIT_DATA;
    if (bins) {
        pol.bins = (int)bins;
        svcm_error err;
        if (svcm_segment_policy_check(&pol, &err) != SVCM_OK) {
            fprintf(stderr, "svcm segment: --bins %lld: %s\n", bins, err.message);
            return CLI_EXIT_USAGE;
        }
    }
    if (old_path) {
        if (file)
            cli_usage_error(&a, "give either FILE or --migrate OLD NEW");
        if (c.svg)
            cli_usage_error(&a, "--svg is not available with --migrate");
        if (lt.on)
            cli_usage_error(&a, "--lifetime is not available with --migrate");
        return migrate(old_path, new_path, sep, &names, &pol, &c);
    }
    if (file == NULL)
        cli_usage_error(&a, "no input file");
    seg_run s;
    int code = seg_load_and_assign(file, sep, &names, &pol, &lt, &s);
    if (code != 0) {
        seg_free(&s);
        return code;
    }
    cli_table sum;
    if (summary_table(&s, &sum) != 0) {
        cli_table_free(&sum);
        seg_free(&s);
        fprintf(stderr, "svcm segment: out of memory\n");
        return CLI_EXIT_DATA;
    }
    cli_out o;
    if (cli_out_open(&o, c.output) != 0) {
        fprintf(stderr, "svcm segment: cannot write %s: %s\n", c.output, strerror(errno));
        code = CLI_EXIT_DATA;
    } else {
        int wrap = c.format == CLI_JSON && ((!summary_only && !customers_only) || (lt.on && !customers_only));
        if (wrap)
            fputs(summary_only ? "{\"summary\": " : "{\"customers\": ", o.f);
        if (!summary_only)
            write_customers(o.f, c.format, &s);
        if (!summary_only && !customers_only)
            fputs(c.format == CLI_JSON ? ",\n\"summary\": " : "\n", o.f);
        if (!customers_only)
            cli_table_write(&sum, o.f, c.format);
        else if (c.format == CLI_JSON)
            fputc('\n', o.f);
        if (lt.on && !customers_only) {
            static const char *const pc[] = {"model", "parameters", "loglik", "customers"};
            cli_table par;
            char buf[160];
            if (cli_table_init(&par, "Lifetime models (time unit: weeks)", 4, pc) == 0) {
                snprintf(buf, sizeof buf, "r=%.4f alpha=%.4f a=%.4f b=%.4f", s.bg.params.r,
                         s.bg.params.alpha, s.bg.params.a, s.bg.params.b);
                int bad = cli_table_str(&par, "BG/NBD") | cli_table_str(&par, buf) |
                          cli_table_num(&par, s.bg.loglik, 2) | cli_table_int(&par, (long long)s.bg.n);
                snprintf(buf, sizeof buf, "p=%.4f q=%.4f gamma=%.4f", s.gg.params.p, s.gg.params.q,
                         s.gg.params.gamma);
                bad |= cli_table_str(&par, "Gamma-Gamma") | cli_table_str(&par, buf) |
                       cli_table_num(&par, s.gg.loglik, 2) | cli_table_int(&par, (long long)s.gg.n);
                if (!bad) {
                    fputs(c.format == CLI_JSON ? ",\n\"lifetime\": " : "\n", o.f);
                    cli_table_write(&par, o.f, c.format);
                }
                cli_table_free(&par);
            }
        }
        if (wrap)
            fputs("}\n", o.f);
        code = cli_out_commit(&o) == 0 ? CLI_EXIT_OK : CLI_EXIT_DATA;
        if (code)
            fprintf(stderr, "svcm segment: write error\n");
    }
    if (code == CLI_EXIT_OK && c.svg)
        code = write_svg(c.svg, &s);
    cli_table_free(&sum);
    seg_free(&s);
    return code;
}
