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

/* ------------------------------------------------------ streaming builder */

/* One customer-period (slot): the state of the sort-based summarizer's
 * inner loop over a slot, accumulated as the rows arrive. */
typedef struct cb_entry {
    int64_t id, slot;
    double sum, s2;  /* values added; the same scaled by 2^-64 */
    uint64_t row2;   /* the first row that went into it, times 2, plus 1 when a
                        negative value went into it (40 bytes an entry) */
} cb_entry;

/* Rows are counted in 63 bits (entries keep a row number and a flag in 64). */
#define CB_MAX_ROWS ((size_t)(UINT64_MAX >> 1) < SIZE_MAX ? (size_t)(UINT64_MAX >> 1) : SIZE_MAX)

struct svcm_customers_builder {
    svcm_allocator al;
    svcm_customers_builder_options o;
    svcm_time_unit unit;
    int64_t end_slot;
    cb_entry *e;
    size_t n, cap;
    uint32_t *hash; /* entry index + 1, 0 free; hcap a power of two */
    size_t hcap;
    size_t rows; /* rows of the accepted batches (and merged builders) */
};

/* Index slots hold uint32 entry numbers: 2^32 - 2 customer-periods at most
 * (about 200 GB of entries). */
#define CB_MAX_ENTRIES ((size_t)UINT32_MAX - 1u)

void svcm_customers_builder_options_init(svcm_customers_builder_options *opts)
{
    if (opts == NULL)
        return;
    svcm_summary_options_init(&opts->summary);
    opts->end = INT64_MAX;
}

/* floor((t - offset) / g), or false when t - offset overflows (as bgnbd.c). */
static bool cb_slot_of(int64_t t, int64_t offset, int64_t g, int64_t *out)
{
    if ((offset > 0 && t < INT64_MIN + offset) || (offset < 0 && t > INT64_MAX + offset))
        return false;
    int64_t d = t - offset, q = d / g;
    if (d % g != 0 && d < 0)
        q--;
    *out = q;
    return true;
}

static size_t cb_hash(int64_t id, int64_t slot, size_t mask)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15u ^ ((uint64_t)slot + 0x632BE59BD9B4E019u);
    h ^= h >> 31; /* splitmix64 finalizer */
    h *= 0xBF58476D1CE4E5B9u;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBu;
    h ^= h >> 31;
    return (size_t)h & mask;
}

/* Put entries [0, n) into the index (which has room); no allocation. */
static void cb_reindex(svcm_customers_builder *b)
{
    memset(b->hash, 0, b->hcap * sizeof *b->hash);
    size_t mask = b->hcap - 1;
    for (size_t k = 0; k < b->n; k++) {
        size_t j = cb_hash(b->e[k].id, b->e[k].slot, mask);
        while (b->hash[j])
            j = (j + 1) & mask;
        b->hash[j] = (uint32_t)(k + 1);
    }
}

/* The entry of (id, slot), or SIZE_MAX. */
static size_t cb_find(const svcm_customers_builder *b, int64_t id, int64_t slot)
{
    size_t mask = b->hcap - 1;
    for (size_t j = cb_hash(id, slot, mask); b->hash[j]; j = (j + 1) & mask) {
        const cb_entry *x = &b->e[b->hash[j] - 1];
        if (x->id == id && x->slot == slot)
            return b->hash[j] - 1u;
    }
    return SIZE_MAX;
}

/* Make sure (id, slot) has an entry (a new one starts at first_row). */
static int cb_insert(svcm_customers_builder *b, int64_t id, int64_t slot, size_t first_row)
{
    if (cb_find(b, id, slot) != SIZE_MAX)
        return SVCM_OK;
    if (b->n >= CB_MAX_ENTRIES)
        return SVCM_ENOMEM;
    if ((b->n + 1) * 2 > b->hcap) { /* load factor <= 1/2 */
        size_t nc = b->hcap * 2;
        uint32_t *h = svcm__calloc(&b->al, nc, sizeof *h);
        if (h == NULL)
            return SVCM_ENOMEM;
        svcm__free(&b->al, b->hash);
        b->hash = h;
        b->hcap = nc;
        cb_reindex(b);
    }
    if (b->n == b->cap &&
        svcm__grow(&b->al, (void **)&b->e, &b->cap, b->n + 1, sizeof *b->e) != SVCM_OK)
        return SVCM_ENOMEM;
    b->e[b->n] = (cb_entry){.id = id, .slot = slot, .row2 = (uint64_t)first_row << 1};
    size_t mask = b->hcap - 1, j = cb_hash(id, slot, mask);
    while (b->hash[j])
        j = (j + 1) & mask;
    b->hash[j] = (uint32_t)(b->n + 1);
    b->n++;
    return SVCM_OK;
}

/* Undo the entries made since there were n0 (after a failed batch). */
static int cb_rollback(svcm_customers_builder *b, size_t n0, svcm_error *err)
{
    b->n = n0;
    cb_reindex(b);
    return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
}

int svcm_customers_builder_new(const svcm_customers_builder_options *opts,
                               const svcm_allocator *alloc, svcm_customers_builder **out,
                               svcm_error *err)
{
    svcm_customers_builder_options def;
    if (opts == NULL) {
        svcm_customers_builder_options_init(&def);
        opts = &def;
    }
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    *out = NULL;
    const svcm_summary_options *so = &opts->summary;
    svcm_time_unit unit;
    if (so->granularity < 1)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "granularity",
                           "granularity must be >= 1 second");
    if (!(so->period > 0.0) || !isfinite(so->period))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "period",
                           "period must be finite and > 0");
    if (unit_of_period(so->period, &unit) != SVCM_OK)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "period",
                           "period %g s is not a time unit (86400, 604800 or 1)", so->period);
    if (so->returns != SVCM_SUMMARY_RETURNS_ERROR && so->returns != SVCM_SUMMARY_RETURNS_NET &&
        so->returns != SVCM_SUMMARY_RETURNS_DROP)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "returns",
                           "returns must be an svcm_summary_returns value, got %d",
                           (int)so->returns);
    int64_t end_slot;
    if (!cb_slot_of(opts->end, so->offset, so->granularity, &end_slot))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "end", "end - offset overflows");
    svcm_allocator al;
    if (svcm__allocator_resolve(&al, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    svcm_customers_builder *b = svcm__calloc(&al, 1, sizeof *b);
    uint32_t *h = b ? svcm__calloc(&al, 1024, sizeof *h) : NULL;
    if (h == NULL) {
        svcm__free(&al, b);
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    }
    b->al = al;
    b->o = *opts;
    b->unit = unit;
    b->end_slot = end_slot;
    b->hash = h;
    b->hcap = 1024;
    *out = b;
    return SVCM_OK;
}

void svcm_customers_builder_free(svcm_customers_builder *b)
{
    if (b == NULL)
        return;
    svcm_allocator al = b->al;
    svcm__free(&al, b->e);
    svcm__free(&al, b->hash);
    svcm__free(&al, b);
}

/* Whether row i is kept (up to end, not a dropped return); its slot. */
static bool cb_keep(const svcm_customers_builder *b, int64_t t, double v, int64_t *slot)
{
    const svcm_summary_options *so = &b->o.summary;
    cb_slot_of(t, so->offset, so->granularity, slot);
    return *slot <= b->end_slot && !(v < 0.0 && so->returns == SVCM_SUMMARY_RETURNS_DROP);
}

int svcm_customers_builder_add(svcm_customers_builder *b, const int64_t *ids,
                               const int64_t *times, const double *values, size_t n,
                               svcm_error *err)
{
    if (b == NULL || (n > 0 && (ids == NULL || times == NULL || values == NULL)))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    const svcm_summary_options *so = &b->o.summary;
    int64_t s;
    for (size_t i = 0; i < n; i++) { /* the checks of svcm_lifetime_summarize(), in order */
        if (!isfinite(values[i]))
            return svcm__error(err, SVCM_EINVAL, i, "value", "value must be finite, got %g",
                               values[i]);
        if (values[i] < 0.0 && so->returns == SVCM_SUMMARY_RETURNS_ERROR)
            return svcm__error(err, SVCM_EINVAL, i, "value",
                               "value must be >= 0, got %g (a return: choose how to count "
                               "returns in the options)",
                               values[i]);
        if (!cb_slot_of(times[i], so->offset, so->granularity, &s))
            return svcm__error(err, SVCM_EINVAL, i, "time", "time - offset overflows");
    }
    if (n > CB_MAX_ROWS - b->rows)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "too many rows");
    /* first the periods (undone on failure), then the sums: all or nothing */
    size_t n0 = b->n;
    for (size_t i = 0; i < n; i++)
        if (cb_keep(b, times[i], values[i], &s) &&
            cb_insert(b, ids[i], s, b->rows + i) != SVCM_OK)
            return cb_rollback(b, n0, err);
    for (size_t i = 0; i < n; i++) {
        if (!cb_keep(b, times[i], values[i], &s))
            continue;
        cb_entry *x = &b->e[cb_find(b, ids[i], s)];
        x->sum += values[i];
        x->s2 += ldexp(values[i], -64);
        x->row2 |= values[i] < 0.0;
    }
    b->rows += n;
    return SVCM_OK;
}

int svcm_customers_builder_merge(svcm_customers_builder *dst, const svcm_customers_builder *src,
                                 svcm_error *err)
{
    if (dst == NULL || src == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    if (dst == src)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "src",
                           "a builder cannot be merged into itself");
    const svcm_summary_options *a = &dst->o.summary, *c = &src->o.summary;
    if (a->granularity != c->granularity || a->offset != c->offset || a->period != c->period ||
        a->returns != c->returns || dst->o.end != src->o.end)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "opts",
                           "the builders were made with different options");
    if (src->rows > CB_MAX_ROWS - dst->rows)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "too many rows");
    size_t n0 = dst->n;
    for (size_t k = 0; k < src->n; k++)
        if (cb_insert(dst, src->e[k].id, src->e[k].slot,
                      dst->rows + (size_t)(src->e[k].row2 >> 1)) != SVCM_OK)
            return cb_rollback(dst, n0, err);
    for (size_t k = 0; k < src->n; k++) {
        const cb_entry *y = &src->e[k];
        cb_entry *x = &dst->e[cb_find(dst, y->id, y->slot)];
        x->sum += y->sum;
        x->s2 += y->s2;
        x->row2 |= y->row2 & 1u;
    }
    dst->rows += src->rows;
    return SVCM_OK;
}

static int cb_cmp(const void *pa, const void *pb)
{
    const cb_entry *a = pa, *b = pb;
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    if (a->slot != b->slot)
        return a->slot < b->slot ? -1 : 1;
    return 0;
}

/* The summary of the customer whose sorted entries start at e[i], as
 * summarize_one() in bgnbd.c computes it from the slot sums. */
static int cb_summarize_one(const cb_entry *e, size_t i, size_t m, int64_t end_slot, double unit,
                            svcm_customer_summary *out, size_t *next, bool *kept,
                            svcm_error *err)
{
    size_t j = i, row = (size_t)(e[i].row2 >> 1), first_row = 0, repeat_row = 0;
    int64_t first = 0, last = 0;
    bool have = false;
    double x = 0.0, spend = 0.0, spend2 = 0.0, total = 0.0;
    for (; j < m && e[j].id == e[i].id; j++) {
        size_t r = (size_t)(e[j].row2 >> 1);
        if (r < row)
            row = r;
        if ((e[j].row2 & 1u) && !(e[j].s2 > 0.0))
            continue; /* a return netting to <= 0: no purchase */
        if (!have) {
            have = true;
            first = e[j].slot;
            first_row = r;
        } else {
            x += 1.0;
            if (x == 1.0)
                repeat_row = r;
            last = e[j].slot;
            spend += e[j].sum;
            spend2 += e[j].s2;
        }
        total += e[j].sum;
    }
    *next = j;
    *kept = have;
    if (!have)
        return SVCM_OK;
    if (x == 0.0)
        last = first;
    double mean = x > 0.0 ? spend / x : 0.0;
    if (!isfinite(spend))
        mean = ldexp(spend2 / x, 64);
    double T = ((double)end_slot - (double)first) * unit;
    if (!isfinite(T))
        return svcm__error(err, SVCM_ERANGE, first_row, "time",
                           "customer %lld: T in periods exceeds the double range (granularity "
                           "/ period too large)",
                           (long long)e[i].id);
    if (!isfinite(mean))
        return svcm__error(err, SVCM_ERANGE, repeat_row, "value",
                           "customer %lld: the mean spend exceeds the double range",
                           (long long)e[i].id);
    if (!isfinite(total))
        return svcm__error(err, SVCM_ERANGE, row, "value",
                           "customer %lld: the monetary total exceeds the double range",
                           (long long)e[i].id);
    *out = (svcm_customer_summary){.id = e[i].id,
                                   .x = x,
                                   .t_x = ((double)last - (double)first) * unit,
                                   .T = T,
                                   .mean_spend = mean,
                                   .monetary = total};
    return SVCM_OK;
}

int svcm_customers_builder_finish(svcm_customers_builder *b, const svcm_allocator *alloc,
                                  svcm_customers **out, svcm_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (b == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    if (svcm__allocator_check(alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    if (b->n > 1) /* qsort wants a valid pointer even for no elements */
        qsort(b->e, b->n, sizeof *b->e, cb_cmp);
    cb_reindex(b);
    const svcm_summary_options *so = &b->o.summary;
    double unit = (double)so->granularity / so->period;
    svcm_customers_options shape;
    svcm_customers_options_init(&shape);
    shape.unit = b->unit;
    /* first count and check, then write: nothing is made on failure */
    for (size_t i = 0; i < b->n;) {
        svcm_customer_summary one;
        size_t next = b->n;
        bool kept = false;
        int rc = cb_summarize_one(b->e, i, b->n, b->end_slot, unit, &one, &next, &kept, err);
        if (rc != SVCM_OK)
            return rc;
        shape.n += kept;
        i = next;
    }
    int rc = svcm_customers_new(&shape, alloc, out, err);
    if (rc != SVCM_OK)
        return rc;
    svcm_customer_summary one;
    size_t k = 0;
    for (size_t i = 0; i < b->n;) {
        size_t next = b->n;
        bool kept = false;
        cb_summarize_one(b->e, i, b->n, b->end_slot, unit, &one, &next, &kept, NULL);
        if (kept) {
            svcm_customers *c = *out;
            ((int64_t *)(void *)c->id)[k] = one.id;
            ((double *)(void *)c->x)[k] = one.x;
            ((double *)(void *)c->t_x)[k] = one.t_x;
            ((double *)(void *)c->T)[k] = one.T;
            ((double *)(void *)c->mean_repeat_spend)[k] = one.mean_spend;
            ((double *)(void *)c->frequency)[k] = one.x + 1.0;
            ((double *)(void *)c->monetary)[k] = one.monetary;
            ((double *)(void *)c->tenure)[k] = one.T;
            ((double *)(void *)c->recency)[k] = one.T - one.t_x;
            k++;
        }
        i = next;
    }
    return SVCM_OK;
}

int svcm_customers_builder_result(const svcm_customers_builder *b,
                                  struct svcm_customers_builder_result *out)
{
    if (b == NULL || out == NULL)
        return SVCM_EINVAL;
    *out = (struct svcm_customers_builder_result){
        .rows = b->rows,
        .periods = b->n,
        .bytes = sizeof *b + b->cap * sizeof *b->e + b->hcap * sizeof *b->hash};
    return SVCM_OK;
}
