/* Shift scheduling: integer covering / absolute-deviation programmes solved by
 * branch and bound over a bounded dual simplex on a dense tableau. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "svcm/schedule.h"

#define TOL_PRIMAL 1e-6 /* bound violation that still counts as feasible */
#define TOL_PIVOT 1e-9  /* smallest |alpha| accepted as a pivot */
#define TOL_DUAL 1e-9   /* Harris ratio-test relaxation of the reduced costs */
#define TOL_INT 1e-6    /* distance to an integer that counts as integral */

enum { LP_OPTIMAL, LP_INFEASIBLE, LP_CUTOFF, LP_LIMIT };

/* Dense tableau B^-1 [A | b] of m rows over n columns plus the right-hand
 * side; every column has finite bounds, so placing each nonbasic column at
 * the bound its reduced cost favours always gives a dual-feasible start. */
typedef struct lp {
    size_t m, n, ld;   /* rows, columns, row stride (n + 1) */
    double *tab;       /* m x ld */
    double *c, *lo, *up, *x, *d;
    size_t *head;      /* basic column of each row */
    unsigned char *isbasic;
    size_t *nz;        /* scratch: nonzero indices, n + 1 */
    uint64_t pivots, max_pivots;
} lp;

typedef struct prob {
    const uint32_t *r;
    const uint8_t *a; /* P x T */
    size_t t, p;
    double *cost;     /* P (1 when the caller gave none) */
    uint32_t *ub;     /* P: a valid upper bound of each count */
    int absdiff, has_cap, integral;
    uint32_t cap;
} prob;

typedef struct search {
    prob pb;
    lp lp;
    uint32_t *best, *trial;
    uint32_t *nlo, *nup;      /* bounds of the node being solved */
    int64_t *cov;
    size_t *order;            /* patterns by decreasing cost */
    double best_obj;
    uint32_t *stk_lo, *stk_up; /* open nodes' bounds of the counts */
    double *stk_bound;
    size_t stk_n, stk_cap;
    uint64_t nodes;
    const svcm_allocator *alloc;
} search;

void svcm_schedule_options_init(svcm_schedule_options *opts)
{
    if (opts == NULL)
        return;
    opts->objective = SVCM_SCHEDULE_OBJECTIVE_MIN_COST;
    opts->max_staff = SVCM_SCHEDULE_NO_MAX_STAFF;
    opts->max_nodes = 200000u;
    opts->max_pivots = 20000000u;
    opts->max_seconds = 60.0;
}

/* ------------------------------------------------------------ pattern */

int svcm_schedule_pattern(size_t n_periods, size_t start, size_t length,
                          const svcm_schedule_break *breaks, size_t n_breaks,
                          int wrap, uint8_t *row, svcm_error *err)
{
    if (row == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "row", "output row is NULL");
    if (n_periods == 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "n_periods",
                           "the horizon needs at least one period");
    if (start >= n_periods)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "start",
                           "start %zu is not a period of the %zu-period horizon",
                           start, n_periods);
    if (length == 0 || length > n_periods)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "length",
                           "length must be in [1, %zu] periods", n_periods);
    if (!wrap && length > n_periods - start)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "length",
                           "shift runs past the last period and wrap is off");
    if (n_breaks > 0 && breaks == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "breaks", "breaks is NULL");
    for (size_t k = 0; k < n_breaks; k++)
        if (breaks[k].length == 0 || breaks[k].offset >= length ||
            breaks[k].length > length - breaks[k].offset)
            return svcm__error(err, SVCM_EINVAL, k, "breaks",
                               "break must have length >= 1 and lie inside the shift");
    memset(row, 0, n_periods);
    for (size_t k = 0; k < length; k++)
        row[(start + k) % n_periods] = 1;
    for (size_t k = 0; k < n_breaks; k++)
        for (size_t q = 0; q < breaks[k].length; q++)
            row[(start + breaks[k].offset + q) % n_periods] = 0;
    return SVCM_OK;
}

/* ------------------------------------------------------- dual simplex */

/* d = c - c_B B^-1 A from the tableau (fresh at each node against drift). */
static void lp_reduced_costs(lp *L)
{
    memcpy(L->d, L->c, L->n * sizeof *L->d);
    for (size_t i = 0; i < L->m; i++) {
        double cb = L->c[L->head[i]];
        const double *row = L->tab + i * L->ld;
        if (cb != 0.0)
            for (size_t j = 0; j < L->n; j++)
                L->d[j] -= cb * row[j];
    }
    for (size_t i = 0; i < L->m; i++)
        L->d[L->head[i]] = 0.0;
}

/* Nonbasic columns at the bound that keeps the basis dual feasible. */
static void lp_place_nonbasic(lp *L)
{
    for (size_t j = 0; j < L->n; j++)
        if (!L->isbasic[j])
            L->x[j] = L->d[j] >= 0.0 ? L->lo[j] : L->up[j];
}

/* x_B = B^-1 b - sum over nonbasic j of (B^-1 A)_j x_j. */
static void lp_basic_values(lp *L)
{
    size_t k = 0;
    for (size_t j = 0; j < L->n; j++)
        if (!L->isbasic[j] && L->x[j] != 0.0)
            L->nz[k++] = j;
    for (size_t i = 0; i < L->m; i++) {
        const double *row = L->tab + i * L->ld;
        double v = row[L->n];
        for (size_t q = 0; q < k; q++)
            v -= row[L->nz[q]] * L->x[L->nz[q]];
        L->x[L->head[i]] = v;
    }
}

static double lp_objective(const lp *L)
{
    double z = 0.0;
    for (size_t j = 0; j < L->n; j++)
        z += L->c[j] * L->x[j];
    return z;
}

/* Most violated basic bound: its row, or m when primal feasible. */
static size_t lp_leaving_row(const lp *L, int *below)
{
    size_t r = L->m;
    double worst = TOL_PRIMAL;
    for (size_t i = 0; i < L->m; i++) {
        size_t j = L->head[i];
        double lo = L->lo[j] - L->x[j], hi = L->x[j] - L->up[j];
        if (lo > worst || hi > worst) {
            *below = lo > hi;
            worst = lo > hi ? lo : hi;
            r = i;
        }
    }
    return r;
}

/* |d_j| / |alpha_j| for a nonbasic column that can move the leaving variable
 * toward its violated bound, or -1 when it cannot (fixed, wrong sign). */
static double lp_ratio(const lp *L, const double *row, size_t j, int below)
{
    if (L->isbasic[j] || L->up[j] - L->lo[j] <= 0.0)
        return -1.0;
    double alpha = row[j], s = below ? -alpha : alpha;
    int at_lower = L->x[j] == L->lo[j];
    if (fabs(alpha) < TOL_PIVOT || (at_lower ? s <= 0.0 : s >= 0.0))
        return -1.0;
    double dj = at_lower ? L->d[j] : -L->d[j];
    return (dj > 0.0 ? dj : 0.0) / fabs(alpha);
}

/* Harris' two-pass ratio test (Harris, "Pivot selection methods of the Devex
 * LP code", Math. Programming 5, 1973): the largest |alpha| among columns
 * whose ratio is within a small relaxation of the minimum. */
static size_t lp_entering(const lp *L, size_t r, int below)
{
    const double *row = L->tab + r * L->ld;
    double bound = INFINITY;
    for (size_t j = 0; j < L->n; j++) {
        double t = lp_ratio(L, row, j, below);
        if (t >= 0.0 && t + TOL_DUAL / fabs(row[j]) < bound)
            bound = t + TOL_DUAL / fabs(row[j]);
    }
    size_t q = L->n;
    double big = 0.0;
    for (size_t j = 0; j < L->n; j++) {
        double t = lp_ratio(L, row, j, below);
        if (t >= 0.0 && t <= bound && fabs(row[j]) > big) {
            big = fabs(row[j]);
            q = j;
        }
    }
    return q;
}

/* Gauss-Jordan pivot on (r, q), updating the reduced costs with it. */
static void lp_pivot(lp *L, size_t r, size_t q)
{
    double *pr = L->tab + r * L->ld;
    double alpha = pr[q], theta = L->d[q] / alpha;
    size_t k = 0;
    for (size_t j = 0; j < L->ld; j++)
        if (pr[j] != 0.0) {
            pr[j] /= alpha;
            L->nz[k++] = j;
            if (j < L->n)
                L->d[j] -= theta * alpha * pr[j];
        }
    pr[q] = 1.0;
    L->d[q] = 0.0;
    for (size_t i = 0; i < L->m; i++) {
        double *row = L->tab + i * L->ld, f = row[q];
        if (i == r || f == 0.0)
            continue;
        for (size_t s = 0; s < k; s++)
            row[L->nz[s]] -= f * pr[L->nz[s]];
        row[q] = 0.0;
    }
    L->isbasic[L->head[r]] = 0;
    L->isbasic[q] = 1;
    L->head[r] = q;
    L->pivots++;
}

/* Bounded dual simplex from the current basis. Stops early (LP_CUTOFF) once
 * the dual objective, a valid bound at every step, reaches cutoff. */
static int lp_solve(lp *L, double cutoff)
{
    lp_reduced_costs(L);
    lp_place_nonbasic(L);
    for (;;) {
        lp_basic_values(L);
        if (lp_objective(L) >= cutoff)
            return LP_CUTOFF;
        int below = 0;
        size_t r = lp_leaving_row(L, &below);
        if (r == L->m)
            return LP_OPTIMAL;
        if (L->pivots >= L->max_pivots)
            return LP_LIMIT;
        size_t q = lp_entering(L, r, below);
        if (q == L->n)
            return LP_INFEASIBLE;
        size_t leave = L->head[r];
        lp_pivot(L, r, q);
        L->x[leave] = below ? L->lo[leave] : L->up[leave];
    }
}

/* ------------------------------------------------------ the two models */

/* Coverage of period t by pattern j. */
static inline int covers(const prob *pb, size_t j, size_t t)
{
    return pb->a[j * pb->t + t] != 0;
}

/* Largest count of pattern j worth using: beyond max r_t over its periods,
 * dropping one agent covers every period still and costs no more (and, for
 * the absolute difference, lowers every deviation it touches). */
static uint32_t pattern_ub(const prob *pb, size_t j)
{
    uint32_t u = 0;
    for (size_t t = 0; t < pb->t; t++)
        if (covers(pb, j, t) && pb->r[t] > u)
            u = pb->r[t];
    return pb->has_cap && u > pb->cap ? pb->cap : u;
}

/* Sum over patterns covering t of their upper bounds. */
static double cover_ub(const prob *pb, size_t t)
{
    double s = 0.0;
    for (size_t j = 0; j < pb->p; j++)
        if (covers(pb, j, t))
            s += pb->ub[j];
    return s;
}

/* Min cost: rows -A x + s = -r with surplus s_t basic (cost 0). */
static void build_min_cost(const prob *pb, lp *L)
{
    for (size_t t = 0; t < pb->t; t++) {
        double *row = L->tab + t * L->ld;
        for (size_t j = 0; j < pb->p; j++)
            row[j] = covers(pb, j, t) ? -1.0 : 0.0;
        row[pb->p + t] = 1.0;
        row[L->n] = -(double)pb->r[t];
        L->head[t] = pb->p + t;
        L->up[pb->p + t] = cover_ub(pb, t) - pb->r[t];
    }
    for (size_t j = 0; j < pb->p; j++)
        L->c[j] = pb->cost[j];
}

/* Min |dev|: rows A x - d+ + d- = r with d-_t basic, and, with a cap,
 * sum x + w = cap with the slack w basic. */
static void build_abs_diff(const prob *pb, lp *L)
{
    size_t p = pb->p, t0 = pb->t;
    for (size_t t = 0; t < t0; t++) {
        double *row = L->tab + t * L->ld;
        for (size_t j = 0; j < p; j++)
            row[j] = covers(pb, j, t) ? 1.0 : 0.0;
        row[p + t] = -1.0;
        row[p + t0 + t] = 1.0;
        row[L->n] = (double)pb->r[t];
        L->head[t] = p + t0 + t;
        L->c[p + t] = L->c[p + t0 + t] = 1.0;
        L->up[p + t] = cover_ub(pb, t);
        L->up[p + t0 + t] = (double)pb->r[t];
    }
    if (pb->has_cap) {
        double *row = L->tab + t0 * L->ld;
        for (size_t j = 0; j < p; j++)
            row[j] = 1.0;
        row[p + 2 * t0] = 1.0;
        row[L->n] = (double)pb->cap;
        L->head[t0] = p + 2 * t0;
        L->up[p + 2 * t0] = (double)pb->cap;
    }
}

static void build_lp(const prob *pb, lp *L)
{
    for (size_t j = 0; j < pb->p; j++)
        L->up[j] = pb->ub[j];
    if (pb->absdiff)
        build_abs_diff(pb, L);
    else
        build_min_cost(pb, L);
    for (size_t i = 0; i < L->m; i++)
        L->isbasic[L->head[i]] = 1;
}

/* ------------------------------------------------------------ heuristics */

static double objective_of(const search *s, const uint32_t *y)
{
    const prob *pb = &s->pb;
    double z = 0.0;
    if (!pb->absdiff) {
        for (size_t j = 0; j < pb->p; j++)
            z += pb->cost[j] * y[j];
        return z;
    }
    for (size_t t = 0; t < pb->t; t++) {
        int64_t dev = s->cov[t] - (int64_t)pb->r[t];
        z += (double)(dev < 0 ? -dev : dev);
    }
    return z;
}

static void coverage_of(search *s, const uint32_t *y)
{
    const prob *pb = &s->pb;
    for (size_t t = 0; t < pb->t; t++) {
        int64_t c = 0;
        for (size_t j = 0; j < pb->p; j++)
            if (covers(pb, j, t))
                c += y[j];
        s->cov[t] = c;
    }
}

static void offer(search *s, const uint32_t *y)
{
    double z = objective_of(s, y);
    if (z < s->best_obj) {
        s->best_obj = z;
        memcpy(s->best, y, s->pb.p * sizeof *y);
    }
}

/* Min cost: drop agents, dearest pattern first, while all stays covered. */
static void drop_surplus(search *s, uint32_t *y)
{
    const prob *pb = &s->pb;
    for (size_t k = 0; k < pb->p; k++) {
        size_t j = s->order[k];
        int64_t slack = y[j];
        for (size_t t = 0; t < pb->t && slack > 0; t++)
            if (covers(pb, j, t) && s->cov[t] - (int64_t)pb->r[t] < slack)
                slack = s->cov[t] - (int64_t)pb->r[t];
        if (slack <= 0)
            continue;
        y[j] -= (uint32_t)slack;
        for (size_t t = 0; t < pb->t; t++)
            if (covers(pb, j, t))
                s->cov[t] -= slack;
    }
}

/* Min |dev|: change in sum |cov - r| when pattern j gets step (+1 or -1). */
static int64_t move_delta(const search *s, size_t j, int step)
{
    int64_t delta = 0;
    for (size_t t = 0; t < s->pb.t; t++) {
        if (!covers(&s->pb, j, t))
            continue;
        int64_t dev = s->cov[t] - (int64_t)s->pb.r[t];
        int64_t nd = dev + step;
        delta += (nd < 0 ? -nd : nd) - (dev < 0 ? -dev : dev);
    }
    return delta;
}

/* Min |dev|: best-improvement +-1 moves, at most `moves` of them. */
static void local_search(search *s, uint32_t *y, size_t moves)
{
    const prob *pb = &s->pb;
    uint64_t staff = 0;
    for (size_t j = 0; j < pb->p; j++)
        staff += y[j];
    while (moves-- > 0) {
        int64_t best = 0;
        size_t bj = 0;
        int bstep = 0;
        for (size_t j = 0; j < pb->p; j++)
            for (int step = -1; step <= 1; step += 2) {
                if (step < 0 ? y[j] == 0 : (y[j] >= pb->ub[j] || (pb->has_cap && staff >= pb->cap)))
                    continue;
                int64_t dl = move_delta(s, j, step);
                if (dl < best) {
                    best = dl;
                    bj = j;
                    bstep = step;
                }
            }
        if (bstep == 0)
            return;
        y[bj] = (uint32_t)((int64_t)y[bj] + bstep);
        staff = (uint64_t)((int64_t)staff + bstep);
        for (size_t t = 0; t < pb->t; t++)
            if (covers(pb, bj, t))
                s->cov[t] += bstep;
    }
}

/* Round an LP point (the counts x[0..P)) to an incumbent candidate. */
static void round_and_offer(search *s, const double *x, size_t moves)
{
    const prob *pb = &s->pb;
    uint32_t *y = s->trial;
    uint64_t staff = 0;
    for (size_t j = 0; j < pb->p; j++) {
        /* Covering: rounding up keeps A y >= A x >= r; deviation: nearest. */
        double v = pb->absdiff ? floor(x[j] + 0.5) : ceil(x[j] - TOL_INT);
        v = v < 0.0 ? 0.0 : (v > pb->ub[j] ? pb->ub[j] : v);
        y[j] = (uint32_t)v;
        staff += y[j];
    }
    for (size_t j = 0; pb->has_cap && staff > pb->cap && j < pb->p; j++) {
        uint32_t cut = staff - pb->cap < y[j] ? (uint32_t)(staff - pb->cap) : y[j];
        y[j] -= cut;
        staff -= cut;
    }
    coverage_of(s, y);
    if (pb->absdiff) {
        local_search(s, y, moves);
    } else {
        for (size_t t = 0; t < pb->t; t++)
            if (s->cov[t] < (int64_t)pb->r[t])
                return; /* tolerance noise left a period short: skip */
        drop_surplus(s, y);
    }
    offer(s, y);
}

/* The incumbent before any LP: for min cost every count at its upper bound
 * (covers all, since every needed period has a pattern with ub >= r_t),
 * reduced; for min |dev| no agents at all (within any cap). */
static void first_incumbent(search *s)
{
    const prob *pb = &s->pb;
    for (size_t j = 0; j < pb->p; j++)
        s->trial[j] = pb->absdiff ? 0 : pb->ub[j];
    coverage_of(s, s->trial);
    if (!pb->absdiff)
        drop_surplus(s, s->trial);
    s->best_obj = INFINITY;
    offer(s, s->trial);
}

/* ---------------------------------------------------- branch and bound */

/* A node bound at or above this cannot beat the incumbent: with an integral
 * objective the next better value is best - 1. */
static double prune_level(const search *s)
{
    if (s->pb.integral)
        return s->best_obj - 1.0 + TOL_INT;
    return s->best_obj - 1e-9 * fmax(1.0, fabs(s->best_obj));
}

static int push_node(search *s, const uint32_t *lo, const uint32_t *up, double bound)
{
    size_t p = s->pb.p, cap = s->stk_cap;
    if (s->stk_n == s->stk_cap) {
        int rc = svcm__grow(s->alloc, (void **)&s->stk_bound, &cap, s->stk_n + 1,
                            sizeof *s->stk_bound);
        if (rc == SVCM_OK) {
            size_t c2 = s->stk_cap;
            rc = svcm__grow(s->alloc, (void **)&s->stk_lo, &c2, cap, p * sizeof *lo);
            c2 = s->stk_cap;
            if (rc == SVCM_OK)
                rc = svcm__grow(s->alloc, (void **)&s->stk_up, &c2, cap, p * sizeof *up);
        }
        if (rc != SVCM_OK)
            return rc;
        s->stk_cap = cap;
    }
    memcpy(s->stk_lo + s->stk_n * p, lo, p * sizeof *lo);
    memcpy(s->stk_up + s->stk_n * p, up, p * sizeof *up);
    s->stk_bound[s->stk_n++] = bound;
    return SVCM_OK;
}

/* The most fractional count, or P when the LP point is integral. */
static size_t branch_var(const search *s)
{
    size_t q = s->pb.p;
    double best = TOL_INT;
    for (size_t j = 0; j < s->pb.p; j++) {
        double f = s->lp.x[j] - floor(s->lp.x[j]);
        double score = f < 1.0 - f ? f : 1.0 - f;
        if (score > best) {
            best = score;
            q = j;
        }
    }
    return q;
}

/* Push both children of the node at the top of the stack (already popped
 * into lo/up): the side the LP value is nearer is explored first. */
static int branch(search *s, size_t j, uint32_t *lo, uint32_t *up, double z)
{
    double v = s->lp.x[j];
    uint32_t fl = (uint32_t)floor(v), olo = lo[j], oup = up[j];
    int up_first = v - fl >= 0.5, rc;
    for (int side = 0; side < 2; side++) {
        int is_up = side == 0 ? !up_first : up_first; /* pushed first = explored last */
        lo[j] = is_up ? fl + 1 : olo;
        up[j] = is_up ? oup : fl;
        rc = push_node(s, lo, up, z);
        if (rc != SVCM_OK)
            return rc;
    }
    lo[j] = olo;
    up[j] = oup;
    return SVCM_OK;
}

/* Solve one node's LP and branch; *stop receives a status when a limit hit,
 * *lp_value the LP optimum (NaN when not solved to optimality). */
static int process_node(search *s, uint32_t *lo, uint32_t *up, double bound,
                        int *stop, double *lp_value)
{
    lp *L = &s->lp;
    for (size_t j = 0; j < s->pb.p; j++) {
        L->lo[j] = lo[j];
        L->up[j] = up[j];
    }
    int root = s->nodes == 0;
    s->nodes++;
    /* The root runs to the end so that its value is the LP bound. */
    int st = lp_solve(L, root ? INFINITY : prune_level(s));
    *lp_value = NAN;
    if (st == LP_LIMIT) {
        *stop = SVCM_SCHEDULE_STATUS_PIVOT_LIMIT;
        return push_node(s, lo, up, bound);
    }
    if (st != LP_OPTIMAL)
        return SVCM_OK;
    double z = lp_objective(L);
    *lp_value = z;
    /* Integral LP points are taken here too (rounding leaves them as is). */
    round_and_offer(s, L->x, root || s->nodes % 64 == 0 ? 4 * s->pb.p + 64 : 0);
    size_t j = branch_var(s);
    if (z >= prune_level(s) || j == s->pb.p)
        return SVCM_OK;
    return branch(s, j, lo, up, z);
}

static int limit_hit(const search *s, const svcm_schedule_options *o, clock_t t0)
{
    if (s->nodes >= o->max_nodes)
        return SVCM_SCHEDULE_STATUS_NODE_LIMIT;
    if (isfinite(o->max_seconds) && t0 != (clock_t)-1 &&
        (double)(clock() - t0) / CLOCKS_PER_SEC >= o->max_seconds)
        return SVCM_SCHEDULE_STATUS_TIME_LIMIT;
    return -1;
}

/* Depth-first search from the root; *status gets how it ended. */
static int run_search(search *s, const svcm_schedule_options *o, int *status,
                      double *root_lp)
{
    size_t p = s->pb.p;
    clock_t t0 = clock();
    memset(s->nlo, 0, p * sizeof *s->nlo);
    /* Costs are >= 0, so 0 bounds every node until its parent's LP is known. */
    int rc = push_node(s, s->nlo, s->pb.ub, 0.0), stop = -1;
    *root_lp = NAN;
    while (rc == SVCM_OK && stop < 0 && s->stk_n > 0) {
        size_t k = --s->stk_n;
        /* The root is always solved: its value is the reported LP bound. */
        if (s->nodes > 0 && s->stk_bound[k] >= prune_level(s))
            continue;
        if ((stop = limit_hit(s, o, t0)) >= 0) {
            s->stk_n++; /* still open: it counts in the final bound */
            break;
        }
        /* Copy the node out: pushing its children may move the stack. */
        memcpy(s->nlo, s->stk_lo + k * p, p * sizeof *s->nlo);
        memcpy(s->nup, s->stk_up + k * p, p * sizeof *s->nup);
        double lpv;
        int root = s->nodes == 0;
        rc = process_node(s, s->nlo, s->nup, s->stk_bound[k], &stop, &lpv);
        if (root)
            *root_lp = lpv;
    }
    *status = stop < 0 ? SVCM_SCHEDULE_STATUS_OPTIMAL : stop;
    return rc;
}

/* ------------------------------------------------------------ checking */

static int check_options(const svcm_schedule_options *o, svcm_error *err)
{
    if (o->objective != SVCM_SCHEDULE_OBJECTIVE_MIN_COST &&
        o->objective != SVCM_SCHEDULE_OBJECTIVE_MIN_ABS_DIFF)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "objective",
                           "unknown objective %d", (int)o->objective);
    if (o->objective == SVCM_SCHEDULE_OBJECTIVE_MIN_COST &&
        o->max_staff != SVCM_SCHEDULE_NO_MAX_STAFF)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "max_staff",
                           "a head-count cap applies only to the min_abs_diff objective");
    if (o->max_nodes < 1)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "max_nodes",
                           "node limit must be >= 1");
    if (o->max_pivots < 1)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "max_pivots",
                           "pivot limit must be >= 1");
    if (isnan(o->max_seconds) || !(o->max_seconds > 0.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "max_seconds",
                           "time limit must be > 0 seconds (INFINITY for none)");
    return SVCM_OK;
}

static int check_pointers(const uint32_t *required, size_t n_periods,
                          const uint8_t *coverage, size_t n_patterns,
                          const uint32_t *counts, const struct svcm_schedule_result *result,
                          svcm_error *err)
{
    if (n_periods == 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "n_periods",
                           "at least one period is needed");
    if (n_patterns == 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "n_patterns",
                           "at least one shift pattern is needed");
    if (required == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "required", "required is NULL");
    if (coverage == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "coverage", "coverage is NULL");
    if (counts == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "counts", "counts is NULL");
    if (result == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "result", "result is NULL");
    if (n_patterns > SIZE_MAX / n_periods)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "n_patterns",
                           "coverage matrix size overflows");
    return SVCM_OK;
}

static int check_data(const prob *pb, const double *cost, svcm_error *err)
{
    for (size_t t = 0; t < pb->t; t++)
        if (pb->r[t] > SVCM_SCHEDULE_MAX_REQUIRED)
            return svcm__error(err, SVCM_EINVAL, t, "required",
                               "required staff %u exceeds %u", (unsigned)pb->r[t],
                               (unsigned)SVCM_SCHEDULE_MAX_REQUIRED);
    for (size_t j = 0; j < pb->p; j++) {
        for (size_t t = 0; t < pb->t; t++)
            if (pb->a[j * pb->t + t] > 1)
                return svcm__error(err, SVCM_EINVAL, j, "coverage",
                                   "coverage byte at period %zu is %u, not 0 or 1", t,
                                   (unsigned)pb->a[j * pb->t + t]);
        if (cost != NULL && !pb->absdiff &&
            !(cost[j] >= 0.0 && cost[j] <= SVCM_SCHEDULE_MAX_COST))
            return svcm__error(err, SVCM_EINVAL, j, "cost",
                               "cost must be finite and in [0, %g]", SVCM_SCHEDULE_MAX_COST);
    }
    if (pb->absdiff)
        return SVCM_OK;
    /* Min cost is feasible exactly when every needed period has a pattern. */
    for (size_t t = 0; t < pb->t; t++) {
        size_t j = 0;
        while (j < pb->p && !covers(pb, j, t))
            j++;
        if (pb->r[t] > 0 && j == pb->p)
            return svcm__error(err, SVCM_EINVAL, t, "coverage",
                               "period %zu needs %u agents but no pattern covers it", t,
                               (unsigned)pb->r[t]);
    }
    return SVCM_OK;
}

/* ---------------------------------------------------------- workspace */

static void ws_free(search *s)
{
    const svcm_allocator *a = s->alloc;
    void *ptrs[] = {s->pb.cost, s->pb.ub, s->best, s->trial, s->nlo, s->nup,
                    s->cov, s->order, s->stk_lo, s->stk_up, s->stk_bound,
                    s->lp.tab, s->lp.c, s->lp.lo, s->lp.up, s->lp.x, s->lp.d,
                    s->lp.head, s->lp.isbasic, s->lp.nz};
    for (size_t k = 0; k < sizeof ptrs / sizeof ptrs[0]; k++)
        svcm__free(a, ptrs[k]);
}

static int ws_alloc(search *s)
{
    const svcm_allocator *a = s->alloc;
    size_t p = s->pb.p, t = s->pb.t, n = s->lp.n, m = s->lp.m;
    s->pb.cost = svcm__calloc(a, p, sizeof(double));
    s->pb.ub = svcm__calloc(a, p, sizeof(uint32_t));
    s->best = svcm__calloc(a, p, sizeof(uint32_t));
    s->trial = svcm__calloc(a, p, sizeof(uint32_t));
    s->nlo = svcm__calloc(a, p, sizeof(uint32_t));
    s->nup = svcm__calloc(a, p, sizeof(uint32_t));
    s->cov = svcm__calloc(a, t, sizeof(int64_t));
    s->order = svcm__calloc(a, p, sizeof(size_t));
    s->lp.tab = m > SIZE_MAX / s->lp.ld ? NULL : svcm__calloc(a, m * s->lp.ld, sizeof(double));
    s->lp.c = svcm__calloc(a, n, sizeof(double));
    s->lp.lo = svcm__calloc(a, n, sizeof(double));
    s->lp.up = svcm__calloc(a, n, sizeof(double));
    s->lp.x = svcm__calloc(a, n, sizeof(double));
    s->lp.d = svcm__calloc(a, n, sizeof(double));
    s->lp.head = svcm__calloc(a, m, sizeof(size_t));
    s->lp.isbasic = svcm__calloc(a, n, 1);
    s->lp.nz = svcm__calloc(a, n + 1, sizeof(size_t));
    if (!s->pb.cost || !s->pb.ub || !s->best || !s->trial || !s->nlo || !s->nup ||
        !s->cov || !s->order || !s->lp.tab || !s->lp.c || !s->lp.lo || !s->lp.up ||
        !s->lp.x || !s->lp.d || !s->lp.head || !s->lp.isbasic || !s->lp.nz)
        return SVCM_ENOMEM;
    return SVCM_OK;
}

/* Costs (1 by default), bounds, the cost order and whether the objective
 * only takes integer values. */
static void setup_problem(search *s, const double *cost)
{
    prob *pb = &s->pb;
    pb->integral = 1;
    for (size_t j = 0; j < pb->p; j++) {
        pb->cost[j] = cost == NULL || pb->absdiff ? 1.0 : cost[j];
        /* Integer costs up to 2^20 keep every total exact in a double. */
        if (pb->cost[j] != floor(pb->cost[j]) || pb->cost[j] > 1048576.0)
            pb->integral = pb->absdiff;
        pb->ub[j] = pattern_ub(pb, j);
        size_t k = j;
        for (; k > 0 && pb->cost[s->order[k - 1]] < pb->cost[j]; k--)
            s->order[k] = s->order[k - 1];
        s->order[k] = j;
    }
}

/* Bound and gap of the answer from the nodes still open. */
static void fill_result(const search *s, int status, double root_lp,
                        struct svcm_schedule_result *res)
{
    double bound = s->best_obj;
    for (size_t k = 0; status != SVCM_SCHEDULE_STATUS_OPTIMAL && k < s->stk_n; k++)
        if (s->stk_bound[k] < bound)
            bound = s->stk_bound[k];
    if (s->pb.integral && bound < s->best_obj)
        bound = ceil(bound - TOL_INT);
    res->objective = s->best_obj;
    res->bound = bound;
    res->gap = s->best_obj > 0.0 ? (s->best_obj - bound) / s->best_obj : 0.0;
    res->lp_bound = root_lp;
    res->status = (svcm_schedule_status)status;
    res->staff = 0;
    for (size_t j = 0; j < s->pb.p; j++)
        res->staff += s->best[j];
    res->nodes = s->nodes;
    res->pivots = s->lp.pivots;
}

int svcm_schedule_solve(const uint32_t *required, size_t n_periods,
                        const uint8_t *coverage, size_t n_patterns,
                        const double *cost, const svcm_schedule_options *opts,
                        const svcm_allocator *alloc, uint32_t *counts,
                        struct svcm_schedule_result *result, svcm_error *err)
{
    svcm_schedule_options o;
    svcm_schedule_options_init(&o);
    if (opts != NULL)
        o = *opts;
    int rc = check_pointers(required, n_periods, coverage, n_patterns, counts, result, err);
    if (rc == SVCM_OK)
        rc = check_options(&o, err);
    if (rc == SVCM_OK)
        rc = svcm__allocator_check(alloc, err);
    if (rc != SVCM_OK)
        return rc;
    search s;
    memset(&s, 0, sizeof s);
    s.alloc = alloc;
    s.pb = (prob){.r = required, .a = coverage, .t = n_periods, .p = n_patterns,
                  .absdiff = o.objective == SVCM_SCHEDULE_OBJECTIVE_MIN_ABS_DIFF,
                  .has_cap = o.max_staff != SVCM_SCHEDULE_NO_MAX_STAFF,
                  .cap = o.max_staff};
    if ((rc = check_data(&s.pb, cost, err)) != SVCM_OK)
        return rc;
    s.lp.m = n_periods + (size_t)s.pb.has_cap;
    s.lp.n = n_patterns + n_periods * (s.pb.absdiff ? 2u : 1u) + (size_t)s.pb.has_cap;
    s.lp.ld = s.lp.n + 1;
    s.lp.max_pivots = o.max_pivots;
    if ((rc = ws_alloc(&s)) == SVCM_OK) {
        setup_problem(&s, cost);
        build_lp(&s.pb, &s.lp);
        first_incumbent(&s);
        int status;
        double root_lp;
        rc = run_search(&s, &o, &status, &root_lp);
        if (rc == SVCM_OK) {
            fill_result(&s, status, root_lp, result);
            memcpy(counts, s.best, n_patterns * sizeof *counts);
        }
    }
    ws_free(&s);
    return rc == SVCM_OK ? SVCM_OK : svcm__error(err, rc, SVCM_NO_INDEX, NULL,
                                                 "out of memory");
}
