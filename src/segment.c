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

/* The scoring rule of svcm_rfm_score() (src/rfm.c): 1 + the number of edges
 * strictly below x. Repeated here so that tiering scores each record in the
 * same pass, without a second validation of the input. NE is a constant at
 * each call (4: the default five bins; else SVCM_RFM_MAX_BINS - 1 edges,
 * padded with +inf, which no finite value exceeds), so the loop unrolls into
 * compares and adds without a branch. */
static inline unsigned bin_of(double x, const double *e, int ne)
{
    unsigned b = 1;
    for (int j = 0; j < ne; j++)
        b += x > e[j];
    return b;
}

#define NE_MAX (SVCM_RFM_MAX_BINS - 1)

/* What every part of a tiering shares, worked out once from the policy and
 * the edges. The rules of svcm_segment_assign() become eight flags per row
 * (the reasons in rule order, REGULAR always set); the first set flag is the
 * reason, and the reason gives the tier: no branch per row. */
typedef struct assign_plan {
    const svcm_customers *c;
    double er[NE_MAX], ef[NE_MAX], em[NE_MAX]; /* edges, padded with +inf */
    int ne;                                    /* bins - 1 */
    unsigned top;                              /* bins + 1 */
    unsigned vip_m;
    double churn, p_min, tenure_min, few, vip_days, vip_money;
    /* Columns read by the rules, each with its own stride: an absent
     * tenure or p_alive column is a constant that never fires its rule, and
     * absent flags a constant with every bit set. */
    const double *tenure, *p_alive;
    size_t st, st_t, st_p, st_fl;
    const unsigned *flags;
    double wr, wf, wm, wsum, key_min; /* the KEY score's weights (scaled) */
    /* key[(rs * 11 + fs) * 11 + ms]: the KEY rule for these scores, by the
     * same expression svcm_segment_assign() always evaluated. */
    uint8_t key[(SVCM_RFM_MAX_BINS + 1) * (SVCM_RFM_MAX_BINS + 1) * (SVCM_RFM_MAX_BINS + 1)];
} assign_plan;

static const double no_tenure = INFINITY; /* inf < new_tenure_days is false */
static const double no_p_alive = 1.0;     /* 1 < p_alive_min (<= 1) is false */
static const unsigned all_flags = ~0u;

/* The lowest set bit of an 8-bit mask (not 0): the first rule that fired. */
static const uint8_t lowest_bit[256] = {
#define L1(x) ((x) & 1 ? 0 : (x) & 2 ? 1 : (x) & 4 ? 2 : (x) & 8 ? 3 : (x) & 16 ? 4 : (x) & 32 ? 5 : (x) & 64 ? 6 : 7)
#define L4(x) L1(x), L1((x) + 1), L1((x) + 2), L1((x) + 3)
#define L16(x) L4(x), L4((x) + 4), L4((x) + 8), L4((x) + 12)
#define L64(x) L16(x), L16((x) + 16), L16((x) + 32), L16((x) + 48)
    L64(0), L64(64), L64(128), L64(192)
#undef L64
#undef L16
#undef L4
#undef L1
};

static const uint8_t tier_of_reason[SVCM_SEGMENT_REASON_COUNT] = {
    SVCM_TIER_LOST, SVCM_TIER_LOST, SVCM_TIER_POTENTIAL, SVCM_TIER_POTENTIAL,
    SVCM_TIER_VIP,  SVCM_TIER_VIP,  SVCM_TIER_KEY,       SVCM_TIER_REGULAR};

static void assign_plan_init(assign_plan *a, const svcm_customers *c,
                             const svcm_segment_options *p, const svcm_rfm_edges *e)
{
    a->c = c;
    a->ne = e->bins - 1;
    a->top = (unsigned)e->bins + 1;
    for (int j = 0; j < NE_MAX; j++) {
        a->er[j] = j < a->ne ? e->recency[j] : INFINITY;
        a->ef[j] = j < a->ne ? e->frequency[j] : INFINITY;
        a->em[j] = j < a->ne ? e->monetary[j] : INFINITY;
    }
    a->vip_m = a->top - (unsigned)p->vip_m_top_scores;
    a->churn = p->churn_days;
    a->p_min = p->p_alive_min;
    a->tenure_min = p->new_tenure_days;
    a->few = p->new_max_frequency;
    a->vip_days = p->vip_active_days;
    a->vip_money = p->vip_min_monetary;
    a->st = c->stride ? c->stride : sizeof(double);
    a->tenure = c->tenure ? c->tenure : &no_tenure;
    a->st_t = c->tenure ? a->st : 0;
    a->p_alive = c->p_alive ? c->p_alive : &no_p_alive;
    a->st_p = c->p_alive ? a->st : 0;
    a->flags = c->flags ? c->flags : &all_flags;
    /* Packed flags (stride 0) are an array of unsigned. */
    a->st_fl = c->flags ? (c->stride ? c->stride : sizeof(unsigned)) : 0;
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
    a->wr = wr;
    a->wf = wf;
    a->wm = wm;
    a->wsum = wsum;
    a->key_min = p->key_min_score;
    const unsigned nb = SVCM_RFM_MAX_BINS + 1;
    for (unsigned rs = 0; rs < nb; rs++)
        for (unsigned fs = 0; fs < nb; fs++)
            for (unsigned ms = 0; ms < nb; ms++)
                a->key[(rs * nb + fs) * nb + ms] =
                    (wr * rs + wf * fs + wm * ms) / wsum >= p->key_min_score;
}

/* Rows [lo, hi) of svcm_segment_assign() on checked inputs. */
typedef struct assign_task {
    const assign_plan *a;
    size_t lo, hi;
    svcm_tier *tiers;
    uint8_t *reasons, *r, *f, *m;
} assign_task;

#define ASSIGN_BLOCK 512

/* Scores of rows [lo, lo + m) of one column into s[0..m): 1 + the edges
 * below x, reversed (top - that) for recency. */
static inline void score_block(const double *col, size_t st, size_t lo, size_t m,
                               const double *e, int ne, bool reverse, unsigned top, uint8_t *s)
{
    double ed[NE_MAX];
    memcpy(ed, e, sizeof ed);
    if (st == sizeof(double)) {
        /* Packed: the count summed in doubles (small integers: exact), a
         * form compilers vectorise. */
        const double *x = col + lo;
        const double dtop = (double)top;
        for (size_t i = 0; i < m; i++) {
            const double v = x[i];
            double b = 1.0;
            for (int j = 0; j < ne; j++)
                b += v > ed[j] ? 1.0 : 0.0;
            s[i] = (uint8_t)(reverse ? dtop - b : b);
        }
        return;
    }
    for (size_t i = 0; i < m; i++) {
        unsigned b = bin_of(col_at(col, st, lo + i), ed, ne);
        s[i] = (uint8_t)(reverse ? top - b : b);
    }
}

/* Rows [lo, lo + len) of a packed view without flags, every rule in
 * doubles (scores are small integers, exact; the KEY score is the same
 * expression of the same doubles), as selects the compiler can vectorise;
 * then narrowed to bytes. An absent tenure or p_alive column reads a block
 * of +inf or 1, which never fires its rule. */
static inline void assign_packed(const assign_plan *a, int ne, size_t lo, size_t len,
                                 const double *restrict ten, const double *restrict pal,
                                 double (*restrict d)[ASSIGN_BLOCK], uint8_t *const out[5])
{
    double er[NE_MAX], ef[NE_MAX], em[NE_MAX];
    memcpy(er, a->er, sizeof er);
    memcpy(ef, a->ef, sizeof ef);
    memcpy(em, a->em, sizeof em);
    const double *restrict rc = a->c->recency + lo;
    const double *restrict fc = a->c->frequency + lo;
    const double *restrict mc = a->c->monetary + lo;
    const double dtop = (double)a->top, vip_m = (double)a->vip_m, wr = a->wr, wf = a->wf,
                 wm = a->wm, wsum = a->wsum, key_min = a->key_min, churn = a->churn,
                 p_min = a->p_min, tenure_min = a->tenure_min, few = a->few,
                 vip_days = a->vip_days, vip_money = a->vip_money;
    double *restrict dt = d[0], *restrict dw = d[1], *restrict dr = d[2], *restrict df = d[3],
                     *restrict dm = d[4];
    for (size_t q = 0; q < len; q++) {
        const double rec = rc[q], freq = fc[q], mon = mc[q];
        double br = 1.0, bf = 1.0, bm = 1.0;
        for (int j = 0; j < ne; j++) {
            br += rec > er[j] ? 1.0 : 0.0;
            bf += freq > ef[j] ? 1.0 : 0.0;
            bm += mon > em[j] ? 1.0 : 0.0;
        }
        const double rs = dtop - br;
        /* The rules from the last to the first: the first that fires wins. */
        double why = SVCM_SEGMENT_REASON_REGULAR, tier = SVCM_TIER_REGULAR;
        const bool key = (wr * rs + wf * bf + wm * bm) / wsum >= key_min;
        why = key ? SVCM_SEGMENT_REASON_KEY_SCORE : why;
        tier = key ? SVCM_TIER_KEY : tier;
        const double active = rec <= vip_days ? 1.0 : 0.0;
        const double money = mon >= vip_money ? active : 0.0;
        why = money > 0.0 ? SVCM_SEGMENT_REASON_VIP_MONETARY : why;
        tier = money > 0.0 ? SVCM_TIER_VIP : tier;
        const double mscore = bm >= vip_m ? active : 0.0;
        why = mscore > 0.0 ? SVCM_SEGMENT_REASON_VIP_M_SCORE : why;
        tier = mscore > 0.0 ? SVCM_TIER_VIP : tier;
        why = freq <= few ? SVCM_SEGMENT_REASON_POTENTIAL_FEW : why;
        tier = freq <= few ? SVCM_TIER_POTENTIAL : tier;
        why = ten[q] < tenure_min ? SVCM_SEGMENT_REASON_POTENTIAL_NEW : why;
        tier = ten[q] < tenure_min ? SVCM_TIER_POTENTIAL : tier;
        why = pal[q] < p_min ? SVCM_SEGMENT_REASON_LOST_P_ALIVE : why;
        tier = pal[q] < p_min ? SVCM_TIER_LOST : tier;
        why = rec > churn ? SVCM_SEGMENT_REASON_LOST_INACTIVE : why;
        tier = rec > churn ? SVCM_TIER_LOST : tier;
        dt[q] = tier;
        dw[q] = why;
        dr[q] = rs;
        df[q] = bf;
        dm[q] = bm;
    }
    for (int k = 0; k < 5; k++) {
        if (out[k] == NULL)
            continue;
        uint8_t *restrict o = out[k] + lo;
        const double *restrict v = d[k];
        for (size_t q = 0; q < len; q++)
            o[q] = (uint8_t)v[q];
    }
}

static inline void assign_rows(const assign_task *t, int ne)
{
    const assign_plan *a = t->a;
    if (a->st == sizeof(double) && a->c->flags == NULL) {
        double d[5][ASSIGN_BLOCK], inf_blk[ASSIGN_BLOCK], one_blk[ASSIGN_BLOCK];
        for (size_t q = 0; q < ASSIGN_BLOCK; q++) {
            inf_blk[q] = INFINITY;
            one_blk[q] = 1.0;
        }
        uint8_t *const out[5] = {t->tiers, t->reasons, t->r, t->f, t->m};
        for (size_t lo = t->lo; lo < t->hi; lo += ASSIGN_BLOCK) {
            const size_t len = t->hi - lo < ASSIGN_BLOCK ? t->hi - lo : ASSIGN_BLOCK;
            assign_packed(a, ne, lo, len, a->c->tenure ? a->c->tenure + lo : inf_blk,
                          a->c->p_alive ? a->c->p_alive + lo : one_blk, d, out);
        }
        return;
    }
    /* Strided records or flags: one row at a time. Everything the rule
     * loop reads, in locals: the stores through uint8_t pointers may alias
     * any object, which would make the compiler reload the plan's fields on
     * every row. */
    const double *rc = a->c->recency, *fc = a->c->frequency, *mc = a->c->monetary;
    const double *tc = a->tenure, *pc = a->p_alive;
    const unsigned *flags = a->flags;
    const uint8_t *key = a->key;
    const double churn = a->churn, p_min = a->p_min, tenure_min = a->tenure_min, few = a->few,
                 vip_days = a->vip_days, vip_money = a->vip_money;
    const size_t st = a->st, st_t = a->st_t, st_p = a->st_p, st_fl = a->st_fl;
    const unsigned top = a->top, vip_m = a->vip_m, nb = SVCM_RFM_MAX_BINS + 1;
    svcm_tier *tiers = t->tiers;
    uint8_t *reasons = t->reasons, *r = t->r, *f = t->f, *m = t->m;
    uint8_t rbuf[ASSIGN_BLOCK], fbuf[ASSIGN_BLOCK], mbuf[ASSIGN_BLOCK];
    for (size_t lo = t->lo; lo < t->hi; lo += ASSIGN_BLOCK) {
        const size_t len = t->hi - lo < ASSIGN_BLOCK ? t->hi - lo : ASSIGN_BLOCK;
        /* The scores go straight to their outputs when asked for. */
        uint8_t *rs = r ? r + lo : rbuf, *fs = f ? f + lo : fbuf, *ms = m ? m + lo : mbuf;
        score_block(rc, st, lo, len, a->er, ne, true, top, rs);
        score_block(fc, st, lo, len, a->ef, ne, false, top, fs);
        score_block(mc, st, lo, len, a->em, ne, false, top, ms);
        for (size_t q = 0; q < len; q++) {
            const size_t i = lo + q;
            const double rec = col_at(rc, st, i);
            const double freq = col_at(fc, st, i);
            const double mon = col_at(mc, st, i);
            const double ten = col_at(tc, st_t, i);
            const double pa = col_at(pc, st_p, i);
            unsigned fl;
            memcpy(&fl, (const char *)flags + i * st_fl, sizeof fl);
            const unsigned active = rec <= vip_days;
            const unsigned fired =
                (unsigned)(rec > churn) |
                (unsigned)(((fl & SVCM_CUSTOMER_HAS_P_ALIVE) != 0) & (pa < p_min)) << 1 |
                (unsigned)(((fl & SVCM_CUSTOMER_HAS_TENURE) != 0) & (ten < tenure_min)) << 2 |
                (unsigned)(freq <= few) << 3 | (active & (ms[q] >= vip_m)) << 4 |
                (active & (mon >= vip_money)) << 5 |
                (unsigned)key[(rs[q] * nb + fs[q]) * nb + ms[q]] << 6 | 1u << 7;
            const unsigned why = lowest_bit[fired];
            tiers[i] = (svcm_tier)tier_of_reason[why];
            if (reasons != NULL)
                reasons[i] = (uint8_t)why;
        }
    }
}

static void assign_run(void *arg)
{
    const assign_task *t = arg;
    if (t->a->ne == 4) /* the default five bins: four compares per score */
        assign_rows(t, 4);
    else
        assign_rows(t, NE_MAX);
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

    assign_plan a;
    assign_plan_init(&a, c, p, e);
    assign_task t = {.a = &a, .lo = 0, .hi = c->n, .tiers = tiers, .reasons = reasons,
                     .r = r, .f = f, .m = m};
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
    return svcm__threads_check(o->threads, SVCM_SEGMENT_MAX_THREADS, err);
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
    svcm_rfm_edges e;
    int fit_rc = SVCM_OK;
    if (edges == NULL && svcm__customers_view_ok(c)) {
        /* Records checked in the fit's first pass over the rows. */
        fit_rc = svcm__rfm_fit_rows(c, p->bins, threads, true, alloc, &e, err);
        if (fit_rc != SVCM_OK && fit_rc != SVCM_ENOMEM)
            return fit_rc;
    } else {
        rc = svcm__customers_check_threads(c, threads, err);
        if (rc != SVCM_OK)
            return rc;
    }
    if (tiers == NULL && c->n > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "tiers", "tiers output is NULL");
    if (edges != NULL)
        e = *edges;
    else if (c->n == 0)
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, NULL, "no customers to fit edges from");
    else if (fit_rc != SVCM_OK)
        return svcm__error(err, fit_rc, SVCM_NO_INDEX, NULL, NULL);
    const unsigned parts = svcm__parts(c->n, threads, SVCM__MIN_PART_ROWS);
    assign_plan a;
    assign_plan_init(&a, c, p, &e);
    assign_task task[SVCM__MAX_THREADS];
    for (unsigned i = 0; i < parts; i++) {
        task[i] = (assign_task){.a = &a, .tiers = tiers, .reasons = reasons, .r = r, .f = f,
                                .m = m};
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
