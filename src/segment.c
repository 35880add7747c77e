/* Tier assignment under a policy, per-tier summaries, days from instants. */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "parallel.h"
#include "rfm_internal.h"
#include "svcm/segment.h"

static inline double col_at(const double *col, size_t stride, size_t i)
{
    double v;
    memcpy(&v, (const char *)col + i * stride, sizeof v);
    return v;
}

int svcm_segment_days_since(const int64_t *t, size_t n, int64_t as_of, double *out,
                            svcm_error *err)
{
    if ((t == NULL || out == NULL) && n > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL pointer");
    for (size_t i = 0; i < n; i++)
        if (t[i] > as_of)
            return svcm__error(err, SVCM_EINVAL, i, "time",
                               "instant %lld is after the as-of instant %lld",
                               (long long)t[i], (long long)as_of);
    for (size_t i = 0; i < n; i++) {
        /* as_of - t[i] may overflow int64 for far-apart instants: subtract
         * in unsigned arithmetic, which is exact since as_of >= t[i]. */
        uint64_t d = (uint64_t)as_of - (uint64_t)t[i];
        out[i] = (double)d / 86400.0;
    }
    return SVCM_OK;
}

static inline bool has_value(const svcm_customers *c, const double *col, unsigned bit, size_t st,
                             size_t i)
{
    if (col == NULL)
        return false;
    if (c->flags == NULL)
        return true;
    unsigned fl; /* packed flags (stride 0) are an array of unsigned */
    memcpy(&fl, (const char *)c->flags + i * (c->stride ? st : sizeof fl), sizeof fl);
    return (fl & bit) != 0;
}

/* The scoring rule of svcm_rfm_score() (src/rfm.c): 1 + the number of edges
 * strictly below x. Repeated here so that tiering scores each record in the
 * same pass, without a second validation of the input. */
static inline unsigned bin_of(double x, const double *e, int ne)
{
    unsigned b = 1;
    for (int j = 0; j < ne; j++)
        b += x > e[j];
    return b;
}

/* Rows [lo, hi) of svcm_segment_assign() on checked inputs. */
typedef struct assign_task {
    const svcm_customers *c;
    const svcm_segment_options *p;
    const svcm_rfm_edges *e;
    size_t lo, hi;
    svcm_tier *tiers;
    uint8_t *reasons, *r, *f, *m;
} assign_task;

static void assign_run(void *arg)
{
    const assign_task *t = arg;
    const svcm_customers *c = t->c;
    const svcm_segment_options *p = t->p;
    const svcm_rfm_edges *e = t->e;
    svcm_tier *tiers = t->tiers;
    uint8_t *reasons = t->reasons, *r = t->r, *f = t->f, *m = t->m;
    const size_t st = c->stride ? c->stride : sizeof(double);
    const int ne = e->bins - 1;
    const unsigned top = (unsigned)e->bins + 1;
    /* The KEY score (w_r R + w_f F + w_m M) / (w_r + w_f + w_m): a weight
     * near DBL_MAX times a score up to 10 would overflow to inf and make
     * every such customer KEY. Scaling all weights by 2^-64 is exact and
     * leaves the quotient (and its rounding) unchanged. */
    double wr = p->key_weight_r, wf = p->key_weight_f, wm = p->key_weight_m;
    if (wr > 0x1p960 || wf > 0x1p960 || wm > 0x1p960) {
        wr = ldexp(wr, -64);
        wf = ldexp(wf, -64);
        wm = ldexp(wm, -64);
    }
    const double wsum = wr + wf + wm;
    const unsigned vip_m = top - (unsigned)p->vip_m_top_scores;
    for (size_t i = t->lo; i < t->hi; i++) {
        const double rec = col_at(c->recency, st, i);
        const double freq = col_at(c->frequency, st, i);
        const double mon = col_at(c->monetary, st, i);
        const unsigned rs = top - bin_of(rec, e->recency, ne);
        const unsigned fs = bin_of(freq, e->frequency, ne);
        const unsigned ms = bin_of(mon, e->monetary, ne);
        svcm_tier tier;
        svcm_segment_reason why;
        if (rec > p->churn_days) {
            tier = SVCM_TIER_LOST;
            why = SVCM_SEGMENT_REASON_LOST_INACTIVE;
        } else if (has_value(c, c->p_alive, SVCM_CUSTOMER_HAS_P_ALIVE, st, i) &&
                   col_at(c->p_alive, st, i) < p->p_alive_min) {
            tier = SVCM_TIER_LOST;
            why = SVCM_SEGMENT_REASON_LOST_P_ALIVE;
        } else if (has_value(c, c->tenure, SVCM_CUSTOMER_HAS_TENURE, st, i) &&
                   col_at(c->tenure, st, i) < p->new_tenure_days) {
            tier = SVCM_TIER_POTENTIAL;
            why = SVCM_SEGMENT_REASON_POTENTIAL_NEW;
        } else if (freq <= p->new_max_frequency) {
            tier = SVCM_TIER_POTENTIAL;
            why = SVCM_SEGMENT_REASON_POTENTIAL_FEW;
        } else if (rec <= p->vip_active_days && ms >= vip_m) {
            tier = SVCM_TIER_VIP;
            why = SVCM_SEGMENT_REASON_VIP_M_SCORE;
        } else if (rec <= p->vip_active_days && mon >= p->vip_min_monetary) {
            tier = SVCM_TIER_VIP;
            why = SVCM_SEGMENT_REASON_VIP_MONETARY;
        } else if ((wr * rs + wf * fs + wm * ms) / wsum >= p->key_min_score) {
            tier = SVCM_TIER_KEY;
            why = SVCM_SEGMENT_REASON_KEY_SCORE;
        } else {
            tier = SVCM_TIER_REGULAR;
            why = SVCM_SEGMENT_REASON_REGULAR;
        }
        tiers[i] = (uint8_t)tier;
        if (reasons != NULL)
            reasons[i] = (uint8_t)why;
        if (r != NULL)
            r[i] = (uint8_t)rs;
        if (f != NULL)
            f[i] = (uint8_t)fs;
        if (m != NULL)
            m[i] = (uint8_t)ms;
    }
}

int svcm_segment_assign(const svcm_customers *c, const svcm_segment_options *p,
                        const svcm_rfm_edges *e, svcm_tier *tiers, uint8_t *reasons, uint8_t *r,
                        uint8_t *f, uint8_t *m, svcm_error *err)
{
    int rc = svcm_segment_options_check(p, err);
    if (rc == SVCM_OK)
        rc = svcm_rfm_edges_check(e, err);
    if (rc == SVCM_OK)
        rc = svcm_customers_check(c, err);
    if (rc != SVCM_OK)
        return rc;
    if (e->bins != p->bins)
        return svcm__error(err, SVCM_EMISMATCH, SVCM_NO_INDEX, "bins",
                           "edges have %d bins but the policy wants %d", e->bins, p->bins);
    if (tiers == NULL && c->n > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "tiers", "tiers output is NULL");

    assign_task t = {.c = c, .p = p, .e = e, .lo = 0, .hi = c->n, .tiers = tiers,
                     .reasons = reasons, .r = r, .f = f, .m = m};
    assign_run(&t);
    return SVCM_OK;
}

void svcm_segment_run_options_init(svcm_segment_run_options *o)
{
    if (o != NULL) {
        memset(o, 0, sizeof *o);
        o->threads = 1;
    }
}

int svcm_segment_run_options_check(const svcm_segment_run_options *o, svcm_error *err)
{
    if (o == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "run options are NULL");
    if (o->threads < 1 || o->threads > SVCM_SEGMENT_MAX_THREADS)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "threads",
                           "threads must be in 1..%d, got %u", SVCM_SEGMENT_MAX_THREADS,
                           o->threads);
    return SVCM_OK;
}

int svcm_segment_run(const svcm_customers *c, const svcm_segment_options *p,
                     const svcm_rfm_edges *edges, const svcm_segment_run_options *run,
                     const svcm_allocator *alloc, svcm_tier *tiers, uint8_t *reasons,
                     uint8_t *r, uint8_t *f, uint8_t *m, svcm_rfm_edges *fitted,
                     svcm_error *err)
{
    svcm_segment_run_options defaults;
    if (run == NULL) {
        svcm_segment_run_options_init(&defaults);
        run = &defaults;
    }
    int rc = svcm_segment_run_options_check(run, err);
    if (rc == SVCM_OK && svcm__allocator_check(alloc, err) != SVCM_OK)
        rc = SVCM_EINVAL;
    if (rc == SVCM_OK)
        rc = svcm_segment_options_check(p, err);
    if (rc == SVCM_OK && edges != NULL)
        rc = svcm_rfm_edges_check(edges, err);
    if (rc != SVCM_OK)
        return rc;
    if (edges != NULL && edges->bins != p->bins)
        return svcm__error(err, SVCM_EMISMATCH, SVCM_NO_INDEX, "bins",
                           "edges have %d bins but the policy wants %d", edges->bins, p->bins);
    const unsigned threads = run->threads;
    rc = svcm__customers_check_threads(c, threads, err);
    if (rc != SVCM_OK)
        return rc;
    if (tiers == NULL && c->n > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "tiers", "tiers output is NULL");
    svcm_rfm_edges e;
    if (edges != NULL) {
        e = *edges;
    } else {
        if (c->n == 0)
            return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, NULL,
                               "no customers to fit edges from");
        rc = svcm__rfm_fit_checked(c, p->bins, threads, alloc, &e);
        if (rc != SVCM_OK)
            return svcm__error(err, rc, SVCM_NO_INDEX, NULL, NULL);
    }
    const unsigned parts = svcm__parts(c->n, threads, SVCM__MIN_PART_ROWS);
    assign_task task[SVCM__MAX_THREADS];
    for (unsigned i = 0; i < parts; i++) {
        task[i] = (assign_task){.c = c, .p = p, .e = &e, .tiers = tiers, .reasons = reasons,
                                .r = r, .f = f, .m = m};
        svcm__part(c->n, parts, i, &task[i].lo, &task[i].hi);
    }
    svcm__parallel(assign_run, task, sizeof task[0], parts);
    if (fitted != NULL)
        *fitted = e;
    return SVCM_OK;
}

static int check_scores(const uint8_t *s, size_t n, const char *field, svcm_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 1 || s[i] > SVCM_RFM_MAX_BINS)
            return svcm__error(err, SVCM_EINVAL, i, field, "score %u is not in 1..%d",
                               (unsigned)s[i], SVCM_RFM_MAX_BINS);
    return SVCM_OK;
}

int svcm_segment_summarize(const svcm_customers *c, const svcm_tier *tiers, const uint8_t *r,
                           const uint8_t *f, const uint8_t *m,
                           svcm_tier_summary out[SVCM_TIER_COUNT], svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "output is NULL");
    int rc = svcm_customers_check(c, err);
    if (rc != SVCM_OK)
        return rc;
    const size_t n = c->n;
    if (tiers == NULL && n > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "tiers", "tiers are NULL");
    const int given = (r != NULL) + (f != NULL) + (m != NULL);
    if (given != 0 && given != 3)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, r == NULL ? "r_scores"
                                                            : f == NULL ? "f_scores"
                                                                        : "m_scores",
                           "give all three score arrays or none");
    for (size_t i = 0; i < n; i++)
        if (tiers[i] >= SVCM_TIER_COUNT)
            return svcm__error(err, SVCM_EINVAL, i, "tiers", "tier %u is not in 0..4",
                               (unsigned)tiers[i]);
    if (given == 3) {
        rc = check_scores(r, n, "r_scores", err);
        if (rc == SVCM_OK)
            rc = check_scores(f, n, "f_scores", err);
        if (rc == SVCM_OK)
            rc = check_scores(m, n, "m_scores", err);
        if (rc != SVCM_OK)
            return rc;
    }
    if (n == 0)
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, NULL, "no customers to summarise");

    uint64_t cnt[SVCM_TIER_COUNT] = {0};
    double sr[SVCM_TIER_COUNT] = {0}, sf[SVCM_TIER_COUNT] = {0}, sm[SVCM_TIER_COUNT] = {0};
    uint64_t scr[SVCM_TIER_COUNT] = {0}, scf[SVCM_TIER_COUNT] = {0}, scm[SVCM_TIER_COUNT] = {0};
    const size_t st = c->stride ? c->stride : sizeof(double);
    for (size_t i = 0; i < n; i++) {
        unsigned t = tiers[i];
        cnt[t]++;
        sr[t] += col_at(c->recency, st, i);
        sf[t] += col_at(c->frequency, st, i);
        sm[t] += col_at(c->monetary, st, i);
        /* Finite values near DBL_MAX can sum to inf (and a share to
         * inf / inf = NaN): report the record where that happens. */
        if (!svcm__finite(sr[t]) || !svcm__finite(sf[t]) || !svcm__finite(sm[t]))
            return svcm__error(err, SVCM_ERANGE, i,
                               !svcm__finite(sr[t])   ? "recency"
                               : !svcm__finite(sf[t]) ? "frequency"
                                                      : "monetary",
                               "a per-tier sum exceeds the double range");
        if (given == 3) { /* integer sums: exact */
            scr[t] += r[i];
            scf[t] += f[i];
            scm[t] += m[i];
        }
    }
    double total = 0.0;
    for (int t = 0; t < SVCM_TIER_COUNT; t++)
        total += sm[t];
    if (!svcm__finite(total))
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "monetary",
                           "the monetary total exceeds the double range");
    for (int t = 0; t < SVCM_TIER_COUNT; t++) {
        svcm_tier_summary *o = &out[t];
        double k = (double)cnt[t];
        o->count = cnt[t];
        o->customer_share = k / (double)n;
        o->monetary_total = sm[t];
        o->monetary_share = total > 0.0 ? sm[t] / total : 0.0;
        o->mean_recency = cnt[t] ? sr[t] / k : NAN;
        o->mean_frequency = cnt[t] ? sf[t] / k : NAN;
        o->mean_monetary = cnt[t] ? sm[t] / k : NAN;
        o->mean_r_score = cnt[t] && given ? (double)scr[t] / k : NAN;
        o->mean_f_score = cnt[t] && given ? (double)scf[t] / k : NAN;
        o->mean_m_score = cnt[t] && given ? (double)scm[t] / k : NAN;
    }
    return SVCM_OK;
}
