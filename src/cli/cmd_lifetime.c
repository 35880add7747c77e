/* svcm lifetime: fit a purchase model (BG/NBD, Pareto/NBD or MBG/NBD) on a
 * calibration period of a transaction log and compare it with the holdout
 * period that follows, as Fader, Hardie & Lee (2005) "Counting Your
 * Customers the Easy Way" do on CDNOW: the estimates with their standard
 * errors and log-likelihood; mean actual and predicted holdout purchases by
 * calibration frequency (their figure 3, "conditional expectations"); and
 * the cumulative repeat purchases of the cohort, period by period, actual
 * against the model's unconditional expectation (their figure 2, the
 * tracking chart, drawn with --svg).
 *
 * The log is read once by cust_log_read() up to --holdout-end; the
 * calibration summary (x, t_x, T) is the library's svcm_customers_summarize()
 * of the same rows cut at --calibration-end; holdout purchases are counted
 * here with the summarizer's rules (same slots, same returns rule). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_customers.h"
#include "svg.h"
#include "table.h"
#include "csv.h"

/* Same bound as the transaction reader's. */
#define LIFE_MAX_SECONDS INT64_C(1000000000000000)
/* Conditional expectations: calibration frequencies 0 .. LIFE_BINS-2 and
 * one bin for LIFE_BINS-1 and above (7+, as in Fader, Hardie & Lee 2005). */
#define LIFE_BINS 8

enum { MODEL_BGNBD, MODEL_PARETO, MODEL_MBGNBD };
static const char *const model_names[] = {"bgnbd", "pareto", "mbgnbd"};
static const char *const model_titles[] = {"BG/NBD", "Pareto/NBD", "MBG/NBD"};
static const char *const param_names[3][4] = {
    {"r", "alpha", "a", "b"}, {"r", "alpha", "s", "beta"}, {"r", "alpha", "a", "b"}};

typedef struct life_opts {
    cli_common c;
    cust_log_opts log; /* as_of = --holdout-end */
    int64_t cal_end;   /* --calibration-end; INT64_MIN when not given */
    const char *file;
    int model;
    bool unit_given;
} life_opts;

/* A fitted model, whichever it is. */
typedef struct life_fit {
    int model;
    double p[4], se[4];
    double loglik;
    unsigned iterations;
} life_fit;

/* floor(a / b), b > 0 */
static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-(a + 1)) / b) - 1; }

static int64_t opt_instant(const cli_args *a, const char *name)
{
    cli_field f = {a->value, strlen(a->value)};
    int64_t t;
    const char *why = NULL;
    if (cli_read_instant(&f, &t, &why) != 0)
        cli_usage_error(a, "%s: '%s' %s", name, a->value, why ? why : "is not an instant");
    if (t < -LIFE_MAX_SECONDS || t > LIFE_MAX_SECONDS)
        cli_usage_error(a, "%s: '%s' is out of range (beyond %lld seconds from 1970)", name,
                        a->value, (long long)LIFE_MAX_SECONDS);
    return t;
}

/* ------------------------------------------------------------ models */

static int fit_model(int model, const svcm_customers *c, life_fit *out, svcm_error *err)
{
    memset(out, 0, sizeof *out);
    out->model = model;
    int rc;
    if (model == MODEL_BGNBD) {
        struct svcm_bgnbd_fit_result r;
        rc = svcm_bgnbd_fit(c->x, c->t_x, c->T, NULL, c->n, NULL, NULL, &r, err);
        if (rc != SVCM_OK)
            return rc;
        double p[4] = {r.params.r, r.params.alpha, r.params.a, r.params.b};
        double se[4] = {r.se.r, r.se.alpha, r.se.a, r.se.b};
        memcpy(out->p, p, sizeof p);
        memcpy(out->se, se, sizeof se);
        out->loglik = r.loglik;
        out->iterations = r.iterations;
    } else if (model == MODEL_PARETO) {
        struct svcm_paretonbd_fit_result r;
        rc = svcm_paretonbd_fit(c->x, c->t_x, c->T, NULL, c->n, NULL, NULL, &r, err);
        if (rc != SVCM_OK)
            return rc;
        double p[4] = {r.params.r, r.params.alpha, r.params.s, r.params.beta};
        double se[4] = {r.se.r, r.se.alpha, r.se.s, r.se.beta};
        memcpy(out->p, p, sizeof p);
        memcpy(out->se, se, sizeof se);
        out->loglik = r.loglik;
        out->iterations = r.iterations;
    } else {
        struct svcm_mbgnbd_fit_result r;
        rc = svcm_mbgnbd_fit(c->x, c->t_x, c->T, NULL, c->n, NULL, NULL, &r, err);
        if (rc != SVCM_OK)
            return rc;
        double p[4] = {r.params.r, r.params.alpha, r.params.a, r.params.b};
        double se[4] = {r.se.r, r.se.alpha, r.se.a, r.se.b};
        memcpy(out->p, p, sizeof p);
        memcpy(out->se, se, sizeof se);
        out->loglik = r.loglik;
        out->iterations = r.iterations;
    }
    return SVCM_OK;
}

/* E[purchases in the next t | x, t_x, T] for each customer. */
static int conditional(const life_fit *f, double t, const svcm_customers *c, double *out,
                       svcm_error *err)
{
    if (f->model == MODEL_BGNBD) {
        svcm_bgnbd_params p = {f->p[0], f->p[1], f->p[2], f->p[3]};
        return svcm_bgnbd_expected_purchases(&p, t, c->x, c->t_x, c->T, c->n, out, err);
    }
    if (f->model == MODEL_PARETO) {
        svcm_paretonbd_params p = {f->p[0], f->p[1], f->p[2], f->p[3]};
        return svcm_paretonbd_expected_purchases(&p, t, c->x, c->t_x, c->T, c->n, out, err);
    }
    svcm_mbgnbd_params p = {f->p[0], f->p[1], f->p[2], f->p[3]};
    return svcm_mbgnbd_expected_purchases(&p, t, c->x, c->t_x, c->T, c->n, out, err);
}

/* E[X(t)] of a new customer for each t. */
static int unconditional(const life_fit *f, const double *t, size_t n, double *out,
                         svcm_error *err)
{
    if (f->model == MODEL_BGNBD) {
        svcm_bgnbd_params p = {f->p[0], f->p[1], f->p[2], f->p[3]};
        return svcm_bgnbd_expected_purchases_unconditional(&p, t, n, out, err);
    }
    if (f->model == MODEL_PARETO) {
        svcm_paretonbd_params p = {f->p[0], f->p[1], f->p[2], f->p[3]};
        return svcm_paretonbd_expected_purchases_unconditional(&p, t, n, out, err);
    }
    svcm_mbgnbd_params p = {f->p[0], f->p[1], f->p[2], f->p[3]};
    return svcm_mbgnbd_expected_purchases_unconditional(&p, t, n, out, err);
}

/* ------------------------------------------------- purchases per slot */

/* The purchases of the log: per customer number (id k of the log), its
 * first purchase slot and its purchase slots in (cal_slot, hold_slot]. */
typedef struct purchases {
    int64_t *first;    /* per id: first purchase slot, INT64_MAX when none */
    int64_t *slots;    /* every purchase slot, grouped by id in ascending order */
    size_t *start;     /* per id: its slots are slots[start[k] .. start[k+1]) */
    size_t n_ids, n_slots;
} purchases;

typedef struct row_key {
    int64_t id, slot;
    double value;
} row_key;

static int cmp_row_key(const void *pa, const void *pb)
{
    const row_key *a = pa, *b = pb;
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    return a->slot < b->slot ? -1 : a->slot > b->slot;
}

static void purchases_free(purchases *p)
{
    free(p->first);
    free(p->slots);
    free(p->start);
}

/* The distinct purchase slots of each customer under the summarizer's
 * rules: with returns "drop" a negative row is absent; with "net" a slot
 * holding a return is a purchase only when its total is > 0; otherwise
 * every slot with a row is a purchase. Returns 0 or -1 (out of memory). */
static int purchases_make(const cust_log *l, svcm_summary_returns returns, purchases *p)
{
    memset(p, 0, sizeof *p);
    size_t n = l->n_rows;
    row_key *k = malloc((n ? n : 1) * sizeof *k);
    p->first = malloc((l->n_ids ? l->n_ids : 1) * sizeof *p->first);
    p->slots = malloc((n ? n : 1) * sizeof *p->slots);
    p->start = malloc((l->n_ids + 1) * sizeof *p->start);
    if (k == NULL || p->first == NULL || p->slots == NULL || p->start == NULL) {
        free(k);
        purchases_free(p);
        return -1;
    }
    p->n_ids = l->n_ids;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (returns == SVCM_SUMMARY_RETURNS_DROP && l->row_value[i] < 0)
            continue;
        k[m++] = (row_key){l->row_id[i], floor_div(l->row_time[i] - l->slot_offset, l->slot_seconds),
                           l->row_value[i]};
    }
    qsort(k, m, sizeof *k, cmp_row_key);
    for (size_t id = 0; id < p->n_ids; id++)
        p->first[id] = INT64_MAX;
    size_t next_id = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i;
        double sum = 0;
        bool has_return = false;
        for (; j < m && k[j].id == k[i].id && k[j].slot == k[i].slot; j++) {
            sum += k[j].value;
            has_return |= k[j].value < 0;
        }
        size_t id = (size_t)k[i].id;
        while (next_id <= id)
            p->start[next_id++] = p->n_slots;
        if (!has_return || sum > 0) {
            if (p->first[id] == INT64_MAX)
                p->first[id] = k[i].slot;
            p->slots[p->n_slots++] = k[i].slot;
        }
        i = j;
    }
    while (next_id <= p->n_ids)
        p->start[next_id++] = p->n_slots;
    free(k);
    return 0;
}

/* Purchases of customer id in the slots (lo, hi]. */
static size_t count_slots(const purchases *p, size_t id, int64_t lo, int64_t hi)
{
    size_t c = 0;
    for (size_t i = p->start[id]; i < p->start[id + 1]; i++)
        c += p->slots[i] > lo && p->slots[i] <= hi;
    return c;
}

/* ------------------------------------------------------------ output */

static void date_of(int64_t t, char out[16])
{
    char buf[32];
    cli_format_instant(t, buf, sizeof buf);
    snprintf(out, 16, "%.10s", buf);
}

static const char *unit_name(svcm_time_unit u) { return u == SVCM_TIME_UNIT_WEEK ? "week" : "day"; }

/* What the command computes, ready to print. */
typedef struct life_result {
    life_fit fit;
    size_t customers;
    double horizon;               /* holdout length in units */
    size_t bin_n[LIFE_BINS];      /* customers per calibration frequency */
    double bin_actual[LIFE_BINS]; /* sums of holdout purchases */
    double bin_pred[LIFE_BINS];
    double cal_actual, hold_actual, cond_pred;
    size_t n_points, n_cal_points; /* tracking points; those in calibration */
    int64_t *point_end;            /* end of each point (exclusive), seconds */
    double *track_actual, *track_pred;
} life_result;

static void result_free(life_result *r)
{
    free(r->point_end);
    free(r->track_actual);
    free(r->track_pred);
}

static int fail(const char *path, const char *what, int rc, const svcm_error *err)
{
    fprintf(stderr, "svcm lifetime: %s: %s: %s%s%s\n", path, what,
            err->field ? err->field : "", err->field ? ": " : "",
            err->message[0] ? err->message : svcm_strerror(rc));
    return CLI_EXIT_DATA;
}

/* The whole computation on a log read up to --holdout-end. */
static int compute(const life_opts *o, const cust_log *l, life_result *r)
{
    memset(r, 0, sizeof *r);
    const int64_t g = l->slot_seconds, off = l->slot_offset;
    const double per = svcm_time_unit_seconds((int)o->log.unit);
    const int64_t cal_day = floor_div(o->cal_end, 86400) * 86400;
    const int64_t hold_day = floor_div(o->log.as_of, 86400) * 86400;
    const int64_t cal_slot = floor_div(cal_day - off, g), hold_slot = floor_div(hold_day - off, g);
    svcm_summary_options so;
    svcm_summary_options_init(&so);
    so.granularity = g;
    so.offset = off;
    so.period = per;
    so.returns = o->log.returns;
    svcm_customers *cal = NULL;
    svcm_error err;
    int rc = svcm_customers_summarize(l->row_id, l->row_time, l->row_value, l->n_rows, cal_day,
                                      &so, NULL, &cal, &err);
    if (rc != SVCM_OK)
        return fail(o->file, "calibration summary", rc, &err);
    int code = CLI_EXIT_DATA;
    purchases pu;
    double *pred = NULL, *tt = NULL, *et = NULL;
    int64_t *cohort_first = NULL;
    size_t *cohort_n = NULL;
    if (cal->n == 0) {
        char d[16];
        date_of(cal_day, d);
        fprintf(stderr, "svcm lifetime: %s: no customer made a purchase up to --calibration-end %s\n",
                o->file, d);
        svcm_customers_free(cal);
        return CLI_EXIT_DATA;
    }
    if (purchases_make(l, o->log.returns, &pu) != 0) {
        fprintf(stderr, "svcm lifetime: out of memory\n");
        svcm_customers_free(cal);
        return CLI_EXIT_DATA;
    }
    r->customers = cal->n;
    rc = fit_model(o->model, cal, &r->fit, &err);
    if (rc != SVCM_OK) {
        fail(o->file, "fit", rc, &err);
        goto out;
    }
    /* conditional expectations by calibration frequency */
    r->horizon = (double)(hold_slot - cal_slot) * (double)g / per;
    pred = malloc(cal->n * sizeof *pred);
    if (pred == NULL)
        goto oom;
    rc = conditional(&r->fit, r->horizon, cal, pred, &err);
    if (rc != SVCM_OK) {
        fail(o->file, "conditional expectations", rc, &err);
        goto out;
    }
    int64_t first_min = INT64_MAX;
    for (size_t i = 0; i < cal->n; i++) {
        size_t id = (size_t)cal->id[i];
        double held = (double)count_slots(&pu, id, cal_slot, hold_slot);
        size_t b = cal->x[i] >= LIFE_BINS - 1 ? LIFE_BINS - 1 : (size_t)cal->x[i];
        r->bin_n[b]++;
        r->bin_actual[b] += held;
        r->bin_pred[b] += pred[i];
        r->cal_actual += cal->x[i];
        r->hold_actual += held;
        r->cond_pred += pred[i];
        if (pu.first[id] < first_min)
            first_min = pu.first[id];
    }
    /* cohorts: customers by first purchase slot */
    cohort_first = malloc(cal->n * sizeof *cohort_first);
    cohort_n = calloc(cal->n, sizeof *cohort_n);
    tt = malloc(cal->n * sizeof *tt);
    et = malloc(cal->n * sizeof *et);
    if (cohort_first == NULL || cohort_n == NULL || tt == NULL || et == NULL)
        goto oom;
    size_t n_coh = 0;
    {
        int64_t *f = malloc(cal->n * sizeof *f);
        if (f == NULL)
            goto oom;
        for (size_t i = 0; i < cal->n; i++)
            f[i] = pu.first[(size_t)cal->id[i]];
        /* insertion by counting over the (few) distinct first slots */
        for (size_t i = 0; i < cal->n; i++) {
            size_t lo = 0, hi = n_coh;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (cohort_first[mid] < f[i])
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < n_coh && cohort_first[lo] == f[i]) {
                cohort_n[lo]++;
                continue;
            }
            memmove(cohort_first + lo + 1, cohort_first + lo, (n_coh - lo) * sizeof *cohort_first);
            memmove(cohort_n + lo + 1, cohort_n + lo, (n_coh - lo) * sizeof *cohort_n);
            cohort_first[lo] = f[i];
            cohort_n[lo] = 1;
            n_coh++;
        }
        free(f);
    }
    /* tracking points: ends of units counted back and forth from the end of
     * calibration, from the first purchase of the cohort to --holdout-end */
    const int64_t b0 = (cal_slot + 1) * g + off, b_end = (hold_slot + 1) * g + off;
    const int64_t first_start = first_min * g + off;
    const int64_t step = (int64_t)per;
    size_t kc = (size_t)((b0 - first_start + step - 1) / step);
    size_t kh = (size_t)((b_end - b0 + step - 1) / step);
    if (kc == 0)
        kc = 1;
    r->n_cal_points = kc;
    r->n_points = kc + kh;
    r->point_end = malloc(r->n_points * sizeof *r->point_end);
    r->track_actual = calloc(r->n_points, sizeof *r->track_actual);
    r->track_pred = calloc(r->n_points, sizeof *r->track_pred);
    if (r->point_end == NULL || r->track_actual == NULL || r->track_pred == NULL)
        goto oom;
    for (size_t j = 0; j < r->n_points; j++) {
        int64_t e = b0 + ((int64_t)j + 1 - (int64_t)kc) * step;
        r->point_end[j] = e > b_end ? b_end : e;
        /* the last slot wholly before the point's end */
        int64_t last = floor_div(r->point_end[j] - off, g) - 1;
        size_t m = 0;
        for (size_t c = 0; c < n_coh && cohort_first[c] <= last; c++)
            tt[m++] = (double)(last - cohort_first[c]) * (double)g / per;
        rc = unconditional(&r->fit, tt, m, et, &err);
        if (rc != SVCM_OK) {
            fail(o->file, "tracking", rc, &err);
            goto out;
        }
        double s = 0;
        for (size_t c = 0; c < m; c++)
            s += (double)cohort_n[c] * et[c];
        r->track_pred[j] = s;
    }
    /* actual: each repeat purchase counts from the first point whose last
     * whole slot reaches it on */
    for (size_t i = 0; i < cal->n; i++) {
        size_t id = (size_t)cal->id[i];
        for (size_t q = pu.start[id]; q < pu.start[id + 1]; q++) {
            int64_t slot = pu.slots[q];
            if (slot <= pu.first[id] || slot > hold_slot)
                continue;
            size_t lo = 0, hi = r->n_points;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (floor_div(r->point_end[mid] - off, g) - 1 < slot)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < r->n_points)
                r->track_actual[lo] += 1;
        }
    }
    for (size_t j = 1; j < r->n_points; j++)
        r->track_actual[j] += r->track_actual[j - 1];
    code = CLI_EXIT_OK;
    goto out;
oom:
    fprintf(stderr, "svcm lifetime: out of memory\n");
out:
    if (code != CLI_EXIT_OK)
        result_free(r);
    free(pred);
    free(tt);
    free(et);
    free(cohort_first);
    free(cohort_n);
    purchases_free(&pu);
    svcm_customers_free(cal);
    return code;
}

/* The predicted cumulative repeat purchases at the end of calibration. */
static double pred_at_cal(const life_result *r) { return r->track_pred[r->n_cal_points - 1]; }

static int write_tables(const life_opts *o, const life_result *r)
{
    cli_table t[5];
    memset(t, 0, sizeof t);
    int ok = 0;
    char cal_d[16], hold_d[16];
    date_of(floor_div(o->cal_end, 86400) * 86400, cal_d);
    date_of(floor_div(o->log.as_of, 86400) * 86400, hold_d);
    const char *unit = unit_name(o->log.unit);
    const char *fit_cols[] = {"model", "customers", "loglik", "iterations", "calibration_end",
                              "holdout_end", "holdout_length", "unit"};
    const char *par_cols[] = {"parameter", "estimate", "std_error"};
    const char *ce_cols[] = {"x", "customers", "actual", "predicted"};
    const char *tot_cols[] = {"span", "actual", "predicted", "predicted_conditional"};
    const char *tr_cols[] = {"period", "end", "span", "actual", "predicted"};
    char *title[5] = {
        cli_strdupf("%s fit on the calibration period (to %s)", model_titles[o->model], cal_d),
        cli_strdupf("Parameters (time in %ss; std_error empty when not available)", unit),
        cli_strdupf("Mean holdout purchases by calibration repeat purchases x (holdout of "
                    "%g %ss, to %s)", r->horizon, unit, hold_d),
        cli_strdupf("Repeat purchases of the %zu customers: actual and predicted", r->customers),
        cli_strdupf("Cumulative repeat purchases per %s (end: last day included)", unit)};
    for (int i = 0; i < 5; i++)
        if (title[i] == NULL)
            goto done;
    if (cli_table_init(&t[0], title[0], 8, fit_cols) != 0 ||
        cli_table_init(&t[1], title[1], 3, par_cols) != 0 ||
        cli_table_init(&t[2], title[2], 4, ce_cols) != 0 ||
        cli_table_init(&t[3], title[3], 4, tot_cols) != 0 ||
        cli_table_init(&t[4], title[4], 5, tr_cols) != 0)
        goto done;
    int e = 0;
    e |= cli_table_str(&t[0], model_names[o->model]);
    e |= cli_table_int(&t[0], (long long)r->customers);
    e |= cli_table_num(&t[0], r->fit.loglik, 2);
    e |= cli_table_int(&t[0], (long long)r->fit.iterations);
    e |= cli_table_str(&t[0], cal_d);
    e |= cli_table_str(&t[0], hold_d);
    e |= cli_table_num(&t[0], r->horizon, 4);
    e |= cli_table_str(&t[0], unit);
    for (int k = 0; k < 4; k++) {
        e |= cli_table_str(&t[1], param_names[o->model][k]);
        e |= cli_table_num(&t[1], r->fit.p[k], 4);
        e |= cli_table_num(&t[1], r->fit.se[k], 4);
    }
    for (int b = 0; b < LIFE_BINS; b++) {
        char lab[8];
        snprintf(lab, sizeof lab, b == LIFE_BINS - 1 ? "%d+" : "%d", b);
        e |= cli_table_str(&t[2], lab);
        e |= cli_table_int(&t[2], (long long)r->bin_n[b]);
        e |= cli_table_num(&t[2], r->bin_n[b] ? r->bin_actual[b] / (double)r->bin_n[b] : NAN, 4);
        e |= cli_table_num(&t[2], r->bin_n[b] ? r->bin_pred[b] / (double)r->bin_n[b] : NAN, 4);
    }
    double pc = pred_at_cal(r), pt = r->track_pred[r->n_points - 1];
    e |= cli_table_str(&t[3], "calibration");
    e |= cli_table_num(&t[3], r->cal_actual, 0);
    e |= cli_table_num(&t[3], pc, 1);
    e |= cli_table_num(&t[3], NAN, 1);
    e |= cli_table_str(&t[3], "holdout");
    e |= cli_table_num(&t[3], r->hold_actual, 0);
    e |= cli_table_num(&t[3], pt - pc, 1);
    e |= cli_table_num(&t[3], r->cond_pred, 1);
    e |= cli_table_str(&t[3], "total");
    e |= cli_table_num(&t[3], r->cal_actual + r->hold_actual, 0);
    e |= cli_table_num(&t[3], pt, 1);
    e |= cli_table_num(&t[3], NAN, 1);
    for (size_t j = 0; j < r->n_points; j++) {
        char d[16];
        date_of(r->point_end[j] - 86400, d);
        e |= cli_table_int(&t[4], (long long)j + 1);
        e |= cli_table_str(&t[4], d);
        e |= cli_table_str(&t[4], j < r->n_cal_points ? "calibration" : "holdout");
        e |= cli_table_num(&t[4], r->track_actual[j], 0);
        e |= cli_table_num(&t[4], r->track_pred[j], 1);
    }
    if (e != 0)
        goto done;
    ok = 1;
done:;
    int code;
    if (!ok) {
        fprintf(stderr, "svcm lifetime: out of memory\n");
        code = CLI_EXIT_DATA;
    } else {
        cli_table *tp[5] = {&t[0], &t[1], &t[2], &t[3], &t[4]};
        const char *keys[5] = {"fit", "parameters", "conditional_expectations", "totals",
                               "tracking"};
        code = cli_emit(&o->c, tp, keys, 5);
    }
    for (int i = 0; i < 5; i++) {
        cli_table_free(&t[i]);
        free(title[i]);
    }
    return code;
}

static int write_svg(const life_opts *o, const life_result *r)
{
    cli_out out;
    if (cli_out_open(&out, "lifetime", o->c.svg) != 0)
        return CLI_EXIT_DATA;
    char *title = cli_strdupf("%s: cumulative repeat purchases per %s, actual and model",
                              model_titles[o->model], unit_name(o->log.unit));
    char *xlab = cli_strdupf("%s", o->log.unit == SVCM_TIME_UNIT_WEEK ? "week" : "day");
    if (title == NULL || xlab == NULL) {
        free(title);
        free(xlab);
        cli_out_abort(&out);
        fprintf(stderr, "svcm lifetime: out of memory\n");
        return CLI_EXIT_DATA;
    }
    cli_svg_tracking(out.f, title, xlab, r->n_points, r->track_actual, r->track_pred,
                     r->n_cal_points);
    free(title);
    free(xlab);
    return cli_out_commit(&out) == 0 ? CLI_EXIT_OK : CLI_EXIT_DATA;
}

/* ----------------------------------------------------------- command */

static const char lifetime_help[] =
    "usage: svcm lifetime TRANSACTIONS --calibration-end DATE --holdout-end DATE\n"
    "                     [--model bgnbd|pareto|mbgnbd] [--period day|week]\n"
    "                     [--unit day|week] [--col id=COLUMN] [--col time=COLUMN]\n"
    "                     [--col amount=COLUMN] [--returns net|drop|error]\n"
    "                     [--skip-missing-id] [--format text|csv|json] [--svg FILE]\n"
    "                     [--output FILE]\n"
    "\n"
    "Fit a purchase model on the calibration period of a transaction log (rows up\n"
    "to the whole UTC day of --calibration-end) and compare it with the holdout\n"
    "period that follows (to the whole day of --holdout-end), as Fader, Hardie &\n"
    "Lee (2005) do on CDNOW. The customers are those whose first purchase is in\n"
    "the calibration period; x, t_x and T are those of svcm customers --as-of\n"
    "the calibration end. Tables (keys of the JSON object):\n"
    "  fit                model, customers, log-likelihood, BFGS iterations, the two\n"
    "                     ends and the holdout length in --unit\n"
    "  parameters         estimates and asymptotic standard errors (empty / null\n"
    "                     when the Hessian at the estimates is not positive definite)\n"
    "  conditional_expectations  per calibration repeat purchases x = 0..6 and 7+:\n"
    "                     customers, mean actual holdout purchases, mean predicted\n"
    "                     E[X(holdout) | x, t_x, T]\n"
    "  totals             repeat purchases in calibration, holdout and both: actual,\n"
    "                     predicted by the tracking curve and, for the holdout, the\n"
    "                     sum of the conditional expectations\n"
    "  tracking           cumulative repeat purchases at the end of each --unit\n"
    "                     (counted from the end of calibration back to the cohort's\n"
    "                     first purchase and on to --holdout-end): actual, and the\n"
    "                     sum over customers of E[X(t)] from their first purchase\n"
    "--svg FILE draws the tracking chart (actual, model, a line at the end of\n"
    "calibration).\n";

static const char lifetime_help_options[] =
    "\n"
    "  --calibration-end DATE  last day of the calibration period (required)\n"
    "  --holdout-end DATE last day of the holdout period, after the calibration end\n"
    "                     (required); rows after it are left out and counted\n"
    "  --model M          bgnbd (default), pareto or mbgnbd\n"
    "  --col FIELD=COLUMN the log's columns for the fields id, time and amount\n"
    "                     (defaults: columns named id, time, amount)\n"
    "  --period P         day (default) or week: purchases of one customer in the same\n"
    "                     UTC day or ISO week are one purchase (with week, each\n"
    "                     period ends with the whole ISO week of its DATE)\n"
    "  --unit U           day or week: the model's time unit and the tracking step\n"
    "                     (default: the period; --period day --unit week is the\n"
    "                     Fader-Hardie-Lee CDNOW setting)\n"
    "  --returns R        negative amounts: error (default), drop or net, as in svcm\n"
    "                     customers\n"
    "  --skip-missing-id  skip rows with an empty id and count them (default: error)\n"
    CLI_FORMAT_HELP CLI_OUTPUT_HELP
    "  --svg FILE         the tracking chart\n"
    "\n" CLI_INSTANT_HELP;

/* What was read and left out, on standard error. */
static void report(const life_opts *o, const cust_log *l, const life_result *r)
{
    char d[16];
    date_of(floor_div(o->log.as_of, 86400) * 86400, d);
    fprintf(stderr,
            "svcm lifetime: %s: %llu rows: %llu after --holdout-end %s left out, %llu without id "
            "skipped, %llu returns (%s); %zu customers, %zu of them first buying in the "
            "calibration period\n",
            o->file, (unsigned long long)l->rows, (unsigned long long)l->after_as_of, d,
            (unsigned long long)l->missing_id, (unsigned long long)l->returns,
            o->log.returns == SVCM_SUMMARY_RETURNS_DROP  ? "dropped"
            : o->log.returns == SVCM_SUMMARY_RETURNS_NET ? "netted"
                                                         : "refused",
            l->table ? l->table->n : 0, r->customers);
}

static bool life_parse(cli_args *a, life_opts *o)
{
    while (a->i < a->argc) {
        if (cli_flag(a, "--help") || cli_flag(a, "-h"))
            return true;
        else if (cli_opt(a, "--calibration-end"))
            o->cal_end = opt_instant(a, "--calibration-end");
        else if (cli_opt(a, "--holdout-end"))
            o->log.as_of = opt_instant(a, "--holdout-end");
        else if (cli_opt(a, "--model")) {
            int m = -1;
            for (int k = 0; k < 3; k++)
                if (strcmp(a->value, model_names[k]) == 0)
                    m = k;
            if (m < 0)
                cli_usage_error(a, "--model must be bgnbd, pareto or mbgnbd, got '%s'", a->value);
            o->model = m;
        } else if (!cust_log_opt(a, &o->log, false, &o->unit_given))
            cli_common_or_file(a, &o->c, &o->file);
    }
    return false;
}

int cli_cmd_lifetime(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL, "lifetime"};
    life_opts o = {0};
    cli_common_init(&o.c, "lifetime");
    cust_log_opts_init(&o.log);
    o.log.keep_rows = true; /* the holdout needs the purchases themselves */
    o.cal_end = INT64_MIN;
    o.model = MODEL_BGNBD;
    int code = CLI_EXIT_OK;
    if (life_parse(&a, &o)) {
        cli_puts(lifetime_help);
        cli_puts(lifetime_help_options);
        cli_puts("\n" CLI_READ_HELP);
    } else {
        o.log.read = &o.c.read;
        if (o.file == NULL)
            cli_usage_error(&a, "no input file");
        if (o.cal_end == INT64_MIN)
            cli_usage_error(&a, "--calibration-end DATE is required");
        if (o.log.as_of == INT64_MIN)
            cli_usage_error(&a, "--holdout-end DATE is required");
        if (floor_div(o.log.as_of, 86400) <= floor_div(o.cal_end, 86400))
            cli_usage_error(&a, "--holdout-end must be a later day than --calibration-end");
        cli_common_check(&a, &o.c);
        if (!o.unit_given)
            o.log.unit = o.log.period;
        o.log.id_col = cli_colname(&o.c, "id");
        o.log.time_col = cli_colname(&o.c, "time");
        o.log.amount_col = cli_colname(&o.c, "amount");
        cust_log l;
        code = cust_log_read("lifetime", o.file, &o.log, &l);
        if (code == 0) {
            life_result r;
            code = compute(&o, &l, &r);
            if (code == 0) {
                report(&o, &l, &r);
                code = write_tables(&o, &r);
                if (code == 0 && o.c.svg)
                    code = write_svg(&o, &r);
                result_free(&r);
            }
            cust_log_free(&l);
        }
    }
    cli_common_free(&o.c);
    return code;
}
