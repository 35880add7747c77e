/* The customer table: owned tables, the transaction summarizer into a
 * table, RFM/tiering in any time unit, and the lifetime bridge (BG/NBD +
 * Gamma-Gamma + CLV on a table).
 *
 * Engine boundary: this file belongs to the segment engine and calls the
 * lifetime engine (svcm_lifetime_summarize, the fits, P(alive), CLV), so
 * segment depends on lifetime and never the reverse: lifetime stays a
 * self-contained set of models over plain arrays, while the table is
 * segment's input type. Every engine is built into the one library, so the
 * dependency costs no build option; the bridge was the CLI's private code
 * before and now has a single home next to the type it reads. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "summary.h"
#include "svcm/lifetime.h"
#include "svcm/segment.h"

/* Owned table: the view first, so svcm_customers_free can find the rest. */
typedef struct owned_table {
    svcm_customers view;
    svcm_allocator al;
} owned_table;

enum { N_COLUMNS = 10 };

double svcm_time_unit_seconds(int unit)
{
    switch (unit) {
    case SVCM_TIME_UNIT_DAY:
        return 86400.0;
    case SVCM_TIME_UNIT_WEEK:
        return 604800.0;
    case SVCM_TIME_UNIT_SECOND:
        return 1.0;
    default:
        return 0.0;
    }
}

void svcm_customers_options_init(svcm_customers_options *opts)
{
    if (opts == NULL)
        return;
    opts->n = 0;
    opts->columns = SVCM_CUSTOMERS_COLUMN_ALL;
    opts->unit = SVCM_TIME_UNIT_DAY;
}

/* Column k of an owned table (bit 1 << k) gets n slots of 8 bytes. */
static void place_columns(svcm_customers *v, unsigned columns, char *base, size_t n)
{
    const double **cols[N_COLUMNS] = {NULL,     &v->recency, &v->frequency, &v->monetary,
                                      &v->tenure, &v->p_alive, &v->x,         &v->t_x,
                                      &v->T,      &v->mean_repeat_spend};
    for (int k = 0; k < N_COLUMNS; k++) {
        if (!(columns & (1u << k)))
            continue;
        if (k == 0)
            v->id = (const int64_t *)(void *)base;
        else
            *cols[k] = (const double *)(void *)base;
        base += n * sizeof(double);
    }
}

int svcm_customers_new(const svcm_customers_options *opts, const svcm_allocator *alloc,
                       svcm_customers **out, svcm_error *err)
{
    svcm_customers_options def;
    if (opts == NULL) {
        svcm_customers_options_init(&def);
        opts = &def;
    }
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    *out = NULL;
    if (opts->columns & ~SVCM_CUSTOMERS_COLUMN_ALL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "columns",
                           "unknown column bits 0x%x", opts->columns & ~SVCM_CUSTOMERS_COLUMN_ALL);
    if (svcm_time_unit_seconds((int)opts->unit) == 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "unit", "unknown time unit %d",
                           (int)opts->unit);
    size_t ncols = 0;
    for (unsigned b = opts->columns; b; b &= b - 1)
        ncols++;
    /* owned_table is followed by the columns; its size rounded up to 8. */
    size_t head = (sizeof(owned_table) + 7u) & ~(size_t)7u;
    if (opts->n > (SIZE_MAX - head) / sizeof(double) / (ncols ? ncols : 1))
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, "n", "table too large");
    svcm_allocator al;
    if (svcm__allocator_resolve(&al, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    owned_table *t = svcm__calloc(&al, 1, head + opts->n * ncols * sizeof(double));
    if (t == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    t->al = al;
    t->view.n = opts->n;
    t->view.unit = opts->unit;
    place_columns(&t->view, opts->columns, (char *)t + head, opts->n);
    *out = &t->view;
    return SVCM_OK;
}

void svcm_customers_free(svcm_customers *c)
{
    if (c == NULL)
        return;
    owned_table *t = (owned_table *)(void *)c;
    svcm_allocator al = t->al; /* the block holds the allocator itself */
    svcm__free(&al, t);
}

/* ------------------------------------------------------------ summarizer */

static int unit_of_period(double period, svcm_time_unit *unit)
{
    for (int u = 0; u < SVCM_TIME_UNIT_COUNT; u++)
        if (svcm_time_unit_seconds(u) == period) {
            *unit = (svcm_time_unit)u;
            return SVCM_OK;
        }
    return SVCM_EINVAL;
}

/* Fill an owned table from summaries (row order kept). */
static void fill_from_summaries(svcm_customers *c, const svcm_customer_summary *s, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        ((int64_t *)(void *)c->id)[i] = s[i].id;
        ((double *)(void *)c->x)[i] = s[i].x;
        ((double *)(void *)c->t_x)[i] = s[i].t_x;
        ((double *)(void *)c->T)[i] = s[i].T;
        ((double *)(void *)c->mean_repeat_spend)[i] = s[i].mean_spend;
        ((double *)(void *)c->frequency)[i] = s[i].x + 1.0;
        ((double *)(void *)c->monetary)[i] = s[i].monetary;
        ((double *)(void *)c->tenure)[i] = s[i].T;
        ((double *)(void *)c->recency)[i] = s[i].T - s[i].t_x;
    }
}

/* SVCM_ERANGE for the first customer whose monetary total is infinite,
 * at the input index of one of its transactions. */
static int check_totals(const svcm_customer_summary *s, size_t k, const int64_t *ids, size_t n,
                        svcm_error *err)
{
    for (size_t i = 0; i < k; i++) {
        if (isfinite(s[i].monetary))
            continue;
        size_t j = 0;
        while (j < n && ids[j] != s[i].id)
            j++;
        return svcm__error(err, SVCM_ERANGE, j, "value",
                           "customer %lld: the monetary total exceeds the double range",
                           (long long)s[i].id);
    }
    return SVCM_OK;
}

int svcm_customers_summarize(const int64_t *ids, const int64_t *times, const double *values,
                             size_t n, int64_t end, const svcm_summary_options *opts,
                             const svcm_allocator *alloc, svcm_customers **out, svcm_error *err)
{
    svcm_summary_options def;
    if (opts == NULL) {
        svcm_summary_options_init(&def);
        opts = &def;
    }
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    *out = NULL;
    svcm_customers_options shape;
    svcm_customers_options_init(&shape);
    if (unit_of_period(opts->period, &shape.unit) != SVCM_OK)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "period",
                           "period %g s is not a time unit (86400, 604800 or 1)", opts->period);
    if (svcm__allocator_check(alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    /* summaries for the customers only, not one per transaction */
    svcm_customer_summary *s = NULL;
    int rc = svcm__lifetime_summarize_new(ids, times, values, n, end, opts, alloc, &s, &shape.n,
                                          err);
    if (rc == SVCM_OK)
        rc = check_totals(s, shape.n, ids, n, err);
    shape.columns = SVCM_CUSTOMERS_COLUMN_ALL;
    if (rc == SVCM_OK)
        rc = svcm_customers_new(&shape, alloc, out, err);
    if (rc == SVCM_OK)
        fill_from_summaries(*out, s, shape.n);
    if (s != NULL)
        svcm__free(alloc, s);
    return rc;
}

/* ------------------------------------------------------ strided columns */

static size_t stride_of(const svcm_customers *c)
{
    return c->stride ? c->stride : sizeof(double);
}

static double col_at(const double *col, size_t stride, size_t i)
{
    double v;
    memcpy(&v, (const char *)col + i * stride, sizeof v);
    return v;
}

/* ---------------------------------------------------------- segmentation */

/* A packed copy of the RFM columns with recency and tenure scaled to days;
 * flags resolved to packed unsigneds. All arrays in one block. */
typedef struct day_view {
    svcm_customers v;
    double *block;
} day_view;

static void copy_column(const double *src, size_t st, size_t n, double scale, double *dst)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = col_at(src, st, i) * scale;
}

static int make_day_view(const svcm_customers *c, double scale, const svcm_allocator *al,
                         day_view *d, svcm_error *err)
{
    size_t n = c->n, st = stride_of(c);
    d->block = svcm__calloc(al, n ? 6 * n : 1, sizeof(double));
    if (d->block == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    d->v = (svcm_customers){.n = n, .id = NULL, .unit = SVCM_TIME_UNIT_DAY};
    const double *src[5] = {c->recency, c->frequency, c->monetary, c->tenure, c->p_alive};
    const double scales[5] = {scale, 1.0, 1.0, scale, 1.0};
    const double **dst[5] = {&d->v.recency, &d->v.frequency, &d->v.monetary, &d->v.tenure,
                             &d->v.p_alive};
    for (int k = 0; k < 5; k++) {
        if (src[k] == NULL)
            continue;
        copy_column(src[k], st, n, scales[k], d->block + (size_t)k * n);
        *dst[k] = d->block + (size_t)k * n;
    }
    if (c->flags != NULL) { /* packed flags: unsigned values in the last slot */
        unsigned *fl = (unsigned *)(void *)(d->block + 5 * n);
        for (size_t i = 0; i < n; i++)
            memcpy(&fl[i], (const char *)c->flags + i * (c->stride ? st : sizeof *fl), sizeof *fl);
        d->v.flags = fl;
    }
    return SVCM_OK;
}

int svcm_customers_segment(const svcm_customers *c, const svcm_segment_options *p,
                           const svcm_rfm_edges *edges, const svcm_allocator *alloc,
                           svcm_tier *tiers, uint8_t *reasons, svcm_rfm_edges *fitted,
                           svcm_error *err)
{
    if (c == NULL || p == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    double sec = svcm_time_unit_seconds((int)c->unit);
    if (sec == 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "unit", "unknown time unit %d",
                           (int)c->unit);
    int rc = svcm__allocator_check(alloc, err);
    if (rc == SVCM_OK) /* stride and columns, before copying */
        rc = svcm_customers_check(c, err);
    day_view d = {.v = *c, .block = NULL};
    if (rc == SVCM_OK && c->unit != SVCM_TIME_UNIT_DAY)
        rc = make_day_view(c, sec / 86400.0, alloc, &d, err);
    svcm_rfm_edges e;
    if (rc == SVCM_OK && edges == NULL)
        rc = svcm_rfm_fit(&d.v, p->bins, alloc, &e, err);
    else if (rc == SVCM_OK)
        e = *edges;
    if (rc == SVCM_OK)
        rc = svcm_segment_assign(&d.v, p, &e, tiers, reasons, NULL, NULL, NULL, err);
    if (rc == SVCM_OK && fitted != NULL)
        *fitted = e;
    svcm__free(alloc, d.block);
    return rc;
}

/* ------------------------------------------------------- lifetime bridge */

void svcm_lifetime_table_options_init(svcm_lifetime_table_options *opts)
{
    if (opts == NULL)
        return;
    opts->unit = SVCM_TIME_UNIT_WEEK;
    opts->horizon = 52.0;
    svcm_lifetime_fit_options_init(&opts->fit);
    svcm_clv_options_init(&opts->clv);
}

/* The model inputs and outputs, n doubles each, in one block. */
typedef struct lt_work {
    double *x, *tx, *T, *m, *pa, *ey, *clv;
} lt_work;

/* Which columns feed (x, t_x, T): 1 = the lifetime columns, 0 = the RFM
 * columns; SVCM_EINVAL naming the first missing one. */
static int pick_source(const svcm_customers *c, bool want_spend, int *lifetime, svcm_error *err)
{
    const char *miss = NULL;
    if (c->x != NULL || c->t_x != NULL || c->T != NULL) {
        miss = c->x == NULL ? "x" : c->t_x == NULL ? "t_x" : c->T == NULL ? "T" : NULL;
        *lifetime = 1;
    } else {
        miss = c->frequency == NULL ? "frequency"
               : c->recency == NULL ? "recency"
               : c->tenure == NULL  ? "tenure"
                                    : NULL;
        *lifetime = 0;
    }
    if (miss == NULL && want_spend && c->mean_repeat_spend == NULL)
        miss = "mean_repeat_spend";
    if (miss != NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, miss,
                           "the table has no %s column (lifetime needs x, t_x and T, or "
                           "frequency, recency and tenure; CLV also mean_repeat_spend)",
                           miss);
    return SVCM_OK;
}

/* Record i from the RFM columns: x = frequency - 1, T = tenure,
 * t_x = tenure - recency (0 when x = 0), times scaled by k. */
static int derive_row(const svcm_customers *c, size_t i, double k, lt_work *w, svcm_error *err)
{
    size_t st = stride_of(c);
    double f = col_at(c->frequency, st, i), r = col_at(c->recency, st, i);
    double t = col_at(c->tenure, st, i);
    if (!(f >= 1.0) || !isfinite(f) || f != floor(f))
        return svcm__error(err, SVCM_EINVAL, i, "frequency",
                           "must be a whole number >= 1 (all purchases), got %g", f);
    if (!isfinite(t) || t < 0.0)
        return svcm__error(err, SVCM_EINVAL, i, "tenure", "must be finite and >= 0, got %g", t);
    if (!isfinite(r) || r < 0.0)
        return svcm__error(err, SVCM_EINVAL, i, "recency", "must be finite and >= 0, got %g", r);
    if (r > t)
        return svcm__error(err, SVCM_EINVAL, i, "recency",
                           "recency must not exceed tenure (%g > %g)", r, t);
    w->x[i] = f - 1.0;
    w->T[i] = t * k;
    w->tx[i] = f > 1.0 ? (t - r) * k : 0.0;
    return SVCM_OK;
}

/* Gather (x, t_x, T) and the mean spend; the fits check the records. */
static int gather(const svcm_customers *c, int lifetime, double k, lt_work *w, svcm_error *err)
{
    size_t st = stride_of(c);
    for (size_t i = 0; i < c->n; i++) {
        if (lifetime) {
            w->x[i] = col_at(c->x, st, i);
            w->tx[i] = col_at(c->t_x, st, i) * k;
            w->T[i] = col_at(c->T, st, i) * k;
        } else {
            int rc = derive_row(c, i, k, w, err);
            if (rc != SVCM_OK)
                return rc;
        }
        if (w->m != NULL)
            w->m[i] = col_at(c->mean_repeat_spend, st, i);
    }
    return SVCM_OK;
}

static int check_table_options(const svcm_customers *c, const svcm_lifetime_table_options *o,
                               svcm_error *err)
{
    if (svcm_time_unit_seconds((int)c->unit) == 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "unit",
                           "unknown time unit %d of the table", (int)c->unit);
    if (svcm_time_unit_seconds((int)o->unit) == 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "unit",
                           "unknown time unit %d of the models", (int)o->unit);
    if (!isfinite(o->horizon) || o->horizon < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "horizon",
                           "horizon must be finite and >= 0, got %g", o->horizon);
    if (c->stride != 0 && c->stride < sizeof(double))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "stride",
                           "stride %zu is below 8 bytes", c->stride);
    if (c->n == 0)
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, NULL, "no customers");
    return SVCM_OK;
}

/* Prefix the message of a failed stage with its name, so that one call's
 * error still says which model or value failed. */
static int staged(int rc, const char *stage, svcm_error *err)
{
    if (rc == SVCM_OK || err == NULL)
        return rc;
    char msg[sizeof err->message];
    memcpy(msg, err->message, sizeof msg);
    msg[sizeof msg - 1] = '\0';
    return svcm__error(err, rc, err->index, err->field, "%s: %s", stage, msg);
}

/* The fits and the per-customer values, into w. */
static int run_models(size_t n, const svcm_lifetime_table_options *o, const svcm_allocator *alloc,
                      lt_work *w, struct svcm_lifetime_table_result *r, svcm_error *err)
{
    const svcm_bgnbd_params *bg = &r->bgnbd.params;
    int rc = staged(svcm_bgnbd_fit(w->x, w->tx, w->T, NULL, n, &o->fit, alloc, &r->bgnbd, err),
                    "BG/NBD fit", err);
    if (rc == SVCM_OK && w->pa != NULL)
        rc = staged(svcm_bgnbd_p_alive(bg, w->x, w->tx, w->T, n, w->pa, err), "P(alive)", err);
    if (rc == SVCM_OK && w->ey != NULL)
        rc = staged(svcm_bgnbd_expected_purchases(bg, o->horizon, w->x, w->tx, w->T, n, w->ey, err),
                    "expected purchases", err);
    /* Gamma-Gamma skips x = 0 itself: those records carry no spend. */
    if (rc == SVCM_OK && w->clv != NULL)
        rc = staged(svcm_gammagamma_fit(w->x, w->m, n, &o->fit, alloc, &r->gammagamma, err),
                    "Gamma-Gamma fit", err);
    if (rc == SVCM_OK && w->clv != NULL)
        rc = staged(svcm_clv(bg, &r->gammagamma.params, w->x, w->tx, w->T, w->m, n, &o->clv,
                             w->clv, err),
                    "CLV", err);
    return rc;
}

int svcm_lifetime_table_fit(const svcm_customers *c, const svcm_lifetime_table_options *opts,
                            const svcm_allocator *alloc, struct svcm_lifetime_table_result *out,
                            double *p_alive, double *expected, double *clv, svcm_error *err)
{
    svcm_lifetime_table_options def;
    if (opts == NULL) {
        svcm_lifetime_table_options_init(&def);
        opts = &def;
    }
    if (c == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    int lifetime = 0, rc = svcm__allocator_check(alloc, err);
    if (rc == SVCM_OK)
        rc = check_table_options(c, opts, err);
    if (rc == SVCM_OK)
        rc = pick_source(c, clv != NULL, &lifetime, err);
    if (rc != SVCM_OK)
        return rc;
    size_t n = c->n;
    if (n > SIZE_MAX / sizeof(double) / 7)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "table too large");
    double *block = svcm__calloc(alloc, 7 * n, sizeof(double));
    if (block == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    lt_work w = {block, block + n, block + 2 * n, clv ? block + 3 * n : NULL,
                 p_alive ? block + 4 * n : NULL, expected ? block + 5 * n : NULL,
                 clv ? block + 6 * n : NULL};
    double k = svcm_time_unit_seconds((int)c->unit) / svcm_time_unit_seconds((int)opts->unit);
    struct svcm_lifetime_table_result r = {.unit = opts->unit};
    rc = gather(c, lifetime, k, &w, err);
    if (rc == SVCM_OK)
        rc = run_models(n, opts, alloc, &w, &r, err);
    if (rc == SVCM_OK) { /* all or nothing: copy out only now */
        if (p_alive != NULL)
            memcpy(p_alive, w.pa, n * sizeof *p_alive);
        if (expected != NULL)
            memcpy(expected, w.ey, n * sizeof *expected);
        if (clv != NULL)
            memcpy(clv, w.clv, n * sizeof *clv);
        if (out != NULL)
            *out = r;
    }
    svcm__free(alloc, block);
    return rc;
}
