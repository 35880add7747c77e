/* BG/BB: likelihood, fit, P(alive), expected purchases for discrete
 * transaction opportunities. Source: Fader, Hardie & Shang (2010),
 * "Customer-Base Analysis in a Discrete-Time Noncontractual Setting",
 * Marketing Science 29(6) (FHS below). A customer alive in a period
 * transacts with probability p ~ Beta(alpha, beta), and before each later
 * period drops out for good with probability theta ~ Beta(gamma, delta). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "optimize.h"
#include "svcm/lifetime.h"

/* Most periods per record: the likelihood sums periods - t_x terms. */
#define SVCM__BGBB_MAX_PERIODS 1e6
/* Largest horizon of the expectations: t log t stays far inside the double
 * range and its rounding small. */
#define SVCM__BGBB_MAX_T 1e12

static int check_params(const svcm_bgbb_params *p, svcm_error *err)
{
    if (p == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "params is NULL");
    int rc;
    if ((rc = svcm__lifetime_check_positive(p->alpha, "alpha", err)) != SVCM_OK ||
        (rc = svcm__lifetime_check_positive(p->beta, "beta", err)) != SVCM_OK ||
        (rc = svcm__lifetime_check_positive(p->gamma, "gamma", err)) != SVCM_OK ||
        (rc = svcm__lifetime_check_positive(p->delta, "delta", err)) != SVCM_OK)
        return rc;
    return SVCM_OK;
}

static bool whole(double v, double max)
{
    return isfinite(v) && v >= 0.0 && v == floor(v) && v <= max;
}

/* (x, t_x, n): whole numbers with x <= t_x <= n, and t_x = 0 when x = 0. */
static int check_record(size_t i, double x, double tx, double n, svcm_error *err)
{
    const double mx = SVCM__BGBB_MAX_PERIODS;
    if (!whole(n, mx))
        return svcm__error(err, SVCM_EINVAL, i, "periods",
                           "periods must be a whole number in [0, %g], got %g", mx, n);
    if (!whole(x, n))
        return svcm__error(err, SVCM_EINVAL, i, "x",
                           "x must be a whole number in [0, periods] = [0, %g], got %g", n, x);
    if (!whole(tx, n) || tx < x)
        return svcm__error(err, SVCM_EINVAL, i, "t_x",
                           "t_x must be a whole number in [x, periods] = [%g, %g], got %g", x, n,
                           tx);
    if (x == 0.0 && tx != 0.0)
        return svcm__error(err, SVCM_EINVAL, i, "t_x", "t_x must be 0 when x = 0, got %g", tx);
    return SVCM_OK;
}

static int check_records(const double *x, const double *tx, const double *n, size_t count,
                         svcm_error *err)
{
    if (count > 0 && (x == NULL || tx == NULL || n == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL input array");
    for (size_t i = 0; i < count; i++) {
        int rc = check_record(i, x[i], tx[i], n[i], err);
        if (rc != SVCM_OK)
            return rc;
    }
    return SVCM_OK;
}

/* Weights finite and >= 0 (NULL: all 1); *wsum their sum. */
static int check_weights(const double *w, size_t count, double *wsum, svcm_error *err)
{
    double s = 0.0;
    for (size_t i = 0; i < count; i++) {
        double wi = w != NULL ? w[i] : 1.0;
        if (!isfinite(wi) || wi < 0.0)
            return svcm__error(err, SVCM_EINVAL, i, "weights",
                               "weight must be finite and >= 0, got %g", wi);
        s += wi;
    }
    if (!isfinite(s))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "weights",
                           "the weights sum beyond the double range");
    *wsum = s;
    return SVCM_OK;
}

static double lbeta(double a, double b)
{
    return svcm__lgamma(a) + svcm__lgamma(b) - svcm__lgamma(a + b);
}

/* d/da and d/db of log B(a, b). */
static void dlbeta(double a, double b, double *da, double *db)
{
    double ps = svcm__digamma(a + b);
    *da = svcm__digamma(a) - ps;
    *db = svcm__digamma(b) - ps;
}

/* ------------------------------------------------------- likelihood */

/* One record's log-likelihood (FHS eq. 5):
 *   L = B(alpha+x, beta+n-x)/B(alpha,beta) B(gamma, delta+n)/B(gamma,delta)
 *     + sum_{i=0}^{n-t_x-1} B(alpha+x, beta+t_x-x+i)/B(alpha,beta)
 *                           B(gamma+1, delta+t_x+i)/B(gamma,delta),
 * the first term "alive through n", term i "dropped out after period
 * t_x+i". Term i+1 is term i times rho_i = (beta+t_x-x+i)/(alpha+beta+t_x+i)
 * * (delta+t_x+i)/(gamma+delta+t_x+i+1) < 1, so the sum is B_0 times a sum of
 * decreasing ratios, and L a log-sum-exp: no overflow. *lA receives the log
 * of the first term; grad (if not NULL) the gradient of log L in (alpha,
 * beta, gamma, delta). */
static double row_loglik(const svcm_bgbb_params *p, double x, double tx, double n, double *lA,
                         double *grad)
{
    double al = p->alpha, be = p->beta, ga = p->gamma, de = p->delta;
    double lab = lbeta(al, be), lgd = lbeta(ga, de);
    *lA = lbeta(al + x, be + n - x) - lab + lbeta(ga, de + n) - lgd;
    if (tx == n) { /* no period after the last transaction: alive for sure */
        if (grad != NULL) {
            double d1, d2, d3, d4, e1, e2, e3, e4;
            dlbeta(al + x, be + n - x, &d1, &d2);
            dlbeta(al, be, &e1, &e2);
            dlbeta(ga, de + n, &d3, &d4);
            dlbeta(ga, de, &e3, &e4);
            grad[0] = d1 - e1, grad[1] = d2 - e2, grad[2] = d3 - e3, grad[3] = d4 - e4;
        }
        return *lA;
    }
    double lB0 = lbeta(al + x, be + tx - x) - lab + lbeta(ga + 1.0, de + tx) - lgd;
    /* S = sum rho-products; D = sum of rho-products times their gradient */
    double S = 0.0, rho = 1.0, cum[4] = {0, 0, 0, 0}, D[4] = {0, 0, 0, 0};
    for (double i = 0.0; i < n - tx; i += 1.0) {
        S += rho;
        for (int k = 0; k < 4; k++)
            D[k] += rho * cum[k];
        double u = be + tx - x + i, v = al + be + tx + i, w = de + tx + i, z = ga + de + tx + i + 1.0;
        rho *= (u / v) * (w / z);
        cum[0] -= 1.0 / v, cum[1] += 1.0 / u - 1.0 / v, cum[2] -= 1.0 / z, cum[3] += 1.0 / w - 1.0 / z;
    }
    double lB = lB0 + log(S), hi = fmax(*lA, lB), ll = hi + log(exp(*lA - hi) + exp(lB - hi));
    if (grad != NULL) {
        double wA = exp(*lA - ll), wB = exp(lB - ll), d1, d2, d3, d4, e1, e2, e3, e4, f1, f2, f3, f4;
        dlbeta(al, be, &e1, &e2);
        dlbeta(ga, de, &e3, &e4);
        dlbeta(al + x, be + n - x, &d1, &d2);
        dlbeta(ga, de + n, &d3, &d4);
        double gA[4] = {d1 - e1, d2 - e2, d3 - e3, d4 - e4};
        dlbeta(al + x, be + tx - x, &f1, &f2);
        dlbeta(ga + 1.0, de + tx, &f3, &f4);
        double gB[4] = {f1 - e1, f2 - e2, f3 - e3, f4 - e4};
        for (int k = 0; k < 4; k++)
            grad[k] = wA * gA[k] + wB * (gB[k] + D[k] / S);
    }
    return ll;
}

int svcm_bgbb_loglik(const svcm_bgbb_params *params, const double *x, const double *t_x,
                     const double *periods, const double *weights, size_t n, double *out,
                     svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    double wsum, lA;
    if ((rc = check_records(x, t_x, periods, n, err)) != SVCM_OK ||
        (rc = check_weights(weights, n, &wsum, err)) != SVCM_OK)
        return rc;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double w = weights != NULL ? weights[i] : 1.0;
        if (w == 0.0)
            continue;
        double l = row_loglik(params, x[i], t_x[i], periods[i], &lA, NULL);
        if (!isfinite(l)) /* only parameters near the ends of the double range */
            return svcm__error(err, SVCM_ERANGE, i, NULL,
                               "log-likelihood of the record is beyond the double range");
        sum += w * l;
    }
    if (!isfinite(sum))
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, NULL,
                           "the summed log-likelihood is beyond the double range");
    *out = sum;
    return SVCM_OK;
}

/* ---------------------------------------------------------------- fitting */

typedef struct bgroup {
    double x, tx, n, w;
} bgroup;

typedef struct bfit_ctx {
    const bgroup *g;
    size_t ng;
    double wsum;
} bfit_ctx;

static int bgroup_cmp(const void *pa, const void *pb)
{
    const bgroup *a = pa, *b = pb;
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->tx != b->tx)
        return a->tx < b->tx ? -1 : 1;
    return 0;
}

/* Merge identical rows (summing weights), dropping zero weights. */
static int make_groups(const svcm_allocator *al, const double *x, const double *tx,
                       const double *n, const double *w, size_t count, bgroup **out, size_t *ng)
{
    bgroup *g = svcm__calloc(al, count ? count : 1, sizeof *g);
    if (g == NULL)
        return SVCM_ENOMEM;
    size_t m = 0, k = 0;
    for (size_t i = 0; i < count; i++) {
        double wi = w != NULL ? w[i] : 1.0;
        if (wi > 0.0)
            g[m++] = (bgroup){x[i], tx[i], n[i], wi};
    }
    qsort(g, m, sizeof *g, bgroup_cmp);
    for (size_t i = 0; i < m; i++) {
        if (k > 0 && bgroup_cmp(&g[k - 1], &g[i]) == 0)
            g[k - 1].w += g[i].w;
        else
            g[k++] = g[i];
    }
    *out = g;
    *ng = k;
    return SVCM_OK;
}

/* Minus the mean log-likelihood and its gradient in theta = log(alpha,
 * beta, gamma, delta). */
static double bgbb_objective(const double *theta, double *grad, void *vctx)
{
    const bfit_ctx *c = vctx;
    svcm_bgbb_params p = {exp(theta[0]), exp(theta[1]), exp(theta[2]), exp(theta[3])};
    if (!(p.alpha > 0.0 && p.beta > 0.0 && p.gamma > 0.0 && p.delta > 0.0) ||
        !isfinite(p.alpha + p.beta + p.gamma + p.delta))
        return NAN;
    double ll = 0.0, g[4] = {0, 0, 0, 0}, rg[4], lA;
    for (size_t k = 0; k < c->ng; k++) {
        const bgroup *q = &c->g[k];
        ll += q->w * row_loglik(&p, q->x, q->tx, q->n, &lA, rg);
        for (int j = 0; j < 4; j++)
            g[j] += q->w * rg[j];
    }
    double s = -1.0 / c->wsum, v[4] = {p.alpha, p.beta, p.gamma, p.delta};
    for (int j = 0; j < 4; j++)
        grad[j] = s * g[j] * v[j];
    return s * ll;
}

/* Estimates beyond e^+-15 of the start (all 1) mean no interior maximum. */
#define SVCM__LOG_PARAM_LIMIT 15.0

static int bgbb_solve(const bfit_ctx *c, const svcm_lifetime_fit_options *opts,
                      struct svcm_bgbb_fit_result *res, svcm_error *err)
{
    double theta[4] = {0.0, 0.0, 0.0, 0.0}, fmin = 0.0, se[4];
    unsigned iters = 0;
    int rc = svcm__bfgs(bgbb_objective, (void *)c, 4, theta, &fmin, opts->max_iter, opts->gtol,
                        &iters);
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL,
                           "BG/BB fit did not converge (stopped after %u iterations)", iters);
    for (int k = 0; k < 4; k++)
        if (fabs(theta[k]) > SVCM__LOG_PARAM_LIMIT)
            return svcm__error(err, SVCM_ENOCONV, SVCM_NO_INDEX,
                               (const char *[]){"alpha", "beta", "gamma", "delta"}[k],
                               "BG/BB estimate ran off to %s", theta[k] > 0.0 ? "infinity" : "0");
    if (svcm__lifetime_se(bgbb_objective, (void *)c, 4, theta, c->wsum, se) != SVCM_OK)
        return svcm__error(err, SVCM_ENOCONV, SVCM_NO_INDEX, NULL,
                           "the Hessian at the BG/BB estimates is not positive definite");
    res->params = (svcm_bgbb_params){exp(theta[0]), exp(theta[1]), exp(theta[2]), exp(theta[3])};
    res->se = (svcm_bgbb_params){se[0], se[1], se[2], se[3]};
    res->loglik = -fmin * c->wsum;
    res->weight = c->wsum;
    res->groups = c->ng;
    res->iterations = iters;
    return SVCM_OK;
}

int svcm_bgbb_fit(const double *x, const double *t_x, const double *periods,
                  const double *weights, size_t n, const svcm_lifetime_fit_options *opts,
                  const svcm_allocator *alloc, struct svcm_bgbb_fit_result *out, svcm_error *err)
{
    svcm_lifetime_fit_options def;
    if (opts == NULL) {
        svcm_lifetime_fit_options_init(&def);
        opts = &def;
    }
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    int rc = svcm__lifetime_check_fit_options(opts, err);
    double wsum = 0.0, wrep = 0.0;
    if (rc != SVCM_OK || (rc = check_records(x, t_x, periods, n, err)) != SVCM_OK ||
        (rc = check_weights(weights, n, &wsum, err)) != SVCM_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        wrep += x[i] > 0.0 ? (weights != NULL ? weights[i] : 1.0) : 0.0;
    if (!(wsum > 0.0))
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, NULL, "no customers (total weight 0)");
    if (!(wrep > 0.0))
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, "x",
                           "no customer has a transaction: the model is not identified");
    svcm_allocator al;
    if (svcm__allocator_resolve(&al, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    bgroup *g = NULL;
    size_t ng = 0;
    if (make_groups(&al, x, t_x, periods, weights, n, &g, &ng) != SVCM_OK)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory grouping %zu rows",
                           n);
    bfit_ctx c = {g, ng, wsum};
    struct svcm_bgbb_fit_result res;
    rc = bgbb_solve(&c, opts, &res, err);
    svcm__free(&al, g);
    if (rc != SVCM_OK)
        return rc;
    res.n = n;
    *out = res;
    return SVCM_OK;
}

/* -------------------------------------------------------------- P(alive) */

/* P(alive in period n+1 | x, t_x, n) (FHS eq. 11): the first term of L with
 * delta+n+1 for delta+n, over L; B(gamma, delta+n+1)/B(gamma, delta+n) =
 * (delta+n)/(gamma+delta+n). */
static double p_alive_one(const svcm_bgbb_params *p, double x, double tx, double n)
{
    double lA, ll = row_loglik(p, x, tx, n, &lA, NULL);
    double v = exp(lA - ll) * ((p->delta + n) / (p->gamma + p->delta + n));
    return v < 1.0 ? v : 1.0; /* lA <= ll up to rounding */
}

int svcm_bgbb_p_alive(const svcm_bgbb_params *params, const double *x, const double *t_x,
                      const double *periods, size_t n, double *out, svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (out == NULL && n > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    if ((rc = check_records(x, t_x, periods, n, err)) != SVCM_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        out[i] = p_alive_one(params, x[i], t_x[i], periods[i]);
    return SVCM_OK;
}

/* -------------------------------------------------- expected purchases */

/* sum_{j<10} log((y2+j)/(y1+j)), u = y2 - y1 (both given: y1 + u would
 * round a tiny y2 away) */
static double log_ratio_sum10(double y1, double y2, double u)
{
    double s = 0.0;
    for (int j = 0; j < 10; j++)
        s += fabs(u) < 0.5 * (y1 + j) ? log1p(u / (y1 + j)) : log((y2 + j) / (y1 + j));
    return s;
}

/* Stirling's series of log Gamma without its leading terms (Abramowitz &
 * Stegun 6.1.41), for z >= 10. */
static double stirling_tail(double z)
{
    double iz = 1.0 / z, iz2 = iz * iz;
    return iz * (1.0 / 12 -
                 iz2 * (1.0 / 360 -
                        iz2 * (1.0 / 1260 -
                               iz2 * (1.0 / 1680 -
                                      iz2 * (1.0 / 1188 - iz2 * (691.0 / 360360 - iz2 / 156.0))))));
}

/* log[Gamma(y2+d)/Gamma(y2)] - log[Gamma(y1+d)/Gamma(y1)], u = y2 - y1,
 * without subtracting two large logs: below 10 the recurrence Gamma(y+1) =
 * y Gamma(y) moves both up by 10; from there Stirling's series, whose
 * d log(y+d) parts differ by d log1p(u/(y1+d)). */
static double lgr_diff(double y1, double y2, double u, double d)
{
    if (fmin(y1, y2) < 10.0)
        return lgr_diff(y1 + 10.0, y2 + 10.0, u, d) - log_ratio_sum10(y1 + d, y2 + d, u) +
               log_ratio_sum10(y1, y2, u);
    double lead = (y2 - 0.5) * log1p(d / y2) - (y1 - 0.5) * log1p(d / y1) +
                  d * log1p(u / (y1 + d));
    return lead + (stirling_tail(y2 + d) - stirling_tail(y1 + d)) -
           (stirling_tail(y2) - stirling_tail(y1));
}

/* psi(y + t) - psi(y) for whole t >= 0: the sum of 1/(y+j) when short. */
static double dpsi(double y, double t)
{
    if (t <= 64.0) {
        double s = 0.0;
        for (double j = 0.0; j < t; j += 1.0)
            s += 1.0 / (y + j);
        return s;
    }
    return svcm__digamma(y + t) - svcm__digamma(y);
}

/* G(n, t) = sum_{k=1..t} B(gamma, delta+n+k)/B(gamma, delta+n), the expected
 * periods alive among the next t of a customer alive in period n, per unit
 * of P(alive at n). Telescoping (FHS eq. 13):
 *   G = (delta+n)/(gamma-1) [1 - e^(-(gamma-1) M)],
 *   M = (g(gamma) - g(1))/(gamma-1), g(c) = log Gamma(c+delta+n+t)/Gamma(c+delta+n),
 * so M is the mean of g' = psi(c+delta+n+t) - psi(c+delta+n) over c in [1,
 * gamma]. Near gamma = 1 that mean comes from 8-point Gauss-Legendre
 * quadrature (no 0/0), elsewhere from lgr_diff(). */
static double periods_alive(double ga, double de, double n, double t)
{
    static const double node[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267,
                                   0.9602898564975363};
    static const double wt[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745,
                                 0.1012285362903763};
    double u = ga - 1.0, y = 1.0 + de + n, M = 0.0;
    if (t == 0.0)
        return 0.0;
    if (fabs(u) < 0.25) {
        for (int k = 0; k < 4; k++)
            M += 0.5 * wt[k] * (dpsi(y + 0.5 * u * (1.0 + node[k]), t) +
                                dpsi(y + 0.5 * u * (1.0 - node[k]), t));
    } else {
        M = lgr_diff(y, ga + de + n, u, t) / u;
    }
    double e = u * M; /* -expm1(-e)/u -> M as u -> 0 */
    return (de + n) * (e != 0.0 ? -expm1(-e) / u : M);
}

/* E(X(n, n+t) | x, t_x, n) (FHS eq. 13) = L^-1 B(alpha+x+1, beta+n-x)/B(alpha,
 * beta) G(n, t) B(gamma, delta+n)/B(gamma, delta) = e^(lA - log L) (alpha+x)/
 * (alpha+beta+n) G(n, t). */
static double expected_one(const svcm_bgbb_params *p, double t, double x, double tx, double n)
{
    double lA, ll = row_loglik(p, x, tx, n, &lA, NULL);
    double pa = fmin(exp(lA - ll), 1.0);
    return pa * ((p->alpha + x) / (p->alpha + p->beta + n)) *
           periods_alive(p->gamma, p->delta, n, t);
}

static int check_t(size_t i, double t, svcm_error *err)
{
    if (!whole(t, SVCM__BGBB_MAX_T))
        return svcm__error(err, SVCM_EINVAL, i, "t", "t must be a whole number in [0, %g], got %g",
                           SVCM__BGBB_MAX_T, t);
    return SVCM_OK;
}

int svcm_bgbb_expected_purchases(const svcm_bgbb_params *params, double t, const double *x,
                                 const double *t_x, const double *periods, size_t n,
                                 double *out, svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (out == NULL && n > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    if ((rc = check_t(SVCM_NO_INDEX, t, err)) != SVCM_OK ||
        (rc = check_records(x, t_x, periods, n, err)) != SVCM_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        out[i] = expected_one(params, t, x[i], t_x[i], periods[i]);
    return SVCM_OK;
}

/* E[X(t)] = alpha/(alpha+beta) G(0, t) (FHS eq. 8, the same telescoping). */
int svcm_bgbb_expected_purchases_unconditional(const svcm_bgbb_params *params, const double *t,
                                               size_t n, double *out, svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (n > 0 && (t == NULL || out == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL array");
    for (size_t i = 0; i < n; i++)
        if ((rc = check_t(i, t[i], err)) != SVCM_OK)
            return rc;
    const svcm_bgbb_params *p = params;
    for (size_t i = 0; i < n; i++) /* alpha/(alpha+beta) as 1/(1+beta/alpha): no overflow */
        out[i] = periods_alive(p->gamma, p->delta, 0.0, t[i]) / (1.0 + p->beta / p->alpha);
    return SVCM_OK;
}
