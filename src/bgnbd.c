/* BG/NBD: likelihood, fit, P(alive), expected purchases; and the summary of
 * raw transactions into the model's (x, t_x, T). Source: Fader, Hardie & Lee
 * (2005), "Counting Your Customers the Easy Way", Marketing Science 24(2). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "optimize.h"
#include "summary.h"
#include "svcm/lifetime.h"


void svcm_lifetime_fit_options_init(svcm_lifetime_fit_options *opts)
{
    if (opts == NULL)
        return;
    opts->max_iter = 200;
    opts->gtol = 1e-9;
    opts->penalizer = 0.0;
}

static int check_params(const svcm_bgnbd_params *p, svcm_error *err)
{
    if (p == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "params is NULL");
    int rc;
    if ((rc = svcm__lifetime_check_positive(p->r, "r", err)) != SVCM_OK ||
        (rc = svcm__lifetime_check_positive(p->alpha, "alpha", err)) != SVCM_OK ||
        (rc = svcm__lifetime_check_positive(p->a, "a", err)) != SVCM_OK ||
        (rc = svcm__lifetime_check_positive(p->b, "b", err)) != SVCM_OK)
        return rc;
    return SVCM_OK;
}

/* One customer's (x, t_x, T) against the rules of the header. */
/* log(1 + e^u) and 1 / (1 + e^-u) without overflow. */
static void softplus_sigmoid(double u, double *sp, double *sig)
{
    if (u > 0.0) {
        double e = exp(-u);
        *sp = u + log1p(e);
        *sig = 1.0 / (1.0 + e);
    } else {
        double e = exp(u);
        *sp = log1p(e);
        *sig = e / (1.0 + e);
    }
}

/* softplus_sigmoid() for the fit's objective, which takes it a million
 * times per evaluation on large inputs: log(1 + e) in place of log1p(e),
 * e = e^-|u| in (0, 1], has an absolute error below 2.3e-16 (the rounding
 * of 1 + e), which is what a sum of log-likelihoods needs, and glibc's log
 * is several times faster than its log1p. */
static void softplus_sigmoid_fast(double u, double *sp, double *sig)
{
    double e = exp(-fabs(u)), ie = 1.0 / (1.0 + e);
    *sp = fmax(u, 0.0) + log(1.0 + e);
    *sig = u > 0.0 ? ie : e * ie;
}

/* log(Gamma(y+d)/Gamma(y)) for y > 0, d >= 0. For y >= 10 from Stirling's
 * series (Abramowitz & Stegun 6.1.41) written as a difference, so a large y
 * does not cost the digits that lgamma(y+d) - lgamma(y) would lose (about
 * |lgamma(y)| * 1e-16: 2e-6 absolute at y = 1e9). */
static double stirling_tail(double z)
{
    double iz = 1.0 / z, iz2 = iz * iz;
    return iz * (1.0 / 12 -
                 iz2 * (1.0 / 360 -
                        iz2 * (1.0 / 1260 -
                               iz2 * (1.0 / 1680 -
                                      iz2 * (1.0 / 1188 - iz2 * (691.0 / 360360 - iz2 / 156.0))))));
}

static double lgamma_ratio(double y, double d)
{
    if (d == 0.0)
        return 0.0;
    if (y < 10.0)
        return svcm__lgamma(y + d) - svcm__lgamma(y); /* |lgamma(y)| is small here */
    double yd = y + d;
    return (y - 0.5) * log1p(d / y) + d * (log(yd) - 1.0) + (stirling_tail(yd) - stirling_tail(y));
}

/* log of the odds of "dropped out after the last purchase" against "alive":
 * [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x). */
static double log_dead_odds(const svcm_bgnbd_params *p, double x, double tx, double T)
{
    if (x == 0.0)
        return -INFINITY;
    /* x - 1.0 first: b + x - 1 would round a tiny b away at x = 1; and
     * log((alpha+T)/(alpha+t_x)) as log1p: exact for t_x close to T, where
     * the difference of two logs would be multiplied by a large r + x. */
    return log(p->a) - log(p->b + (x - 1.0)) +
           (p->r + x) * log1p((T - tx) / (p->alpha + tx));
}

/* The likelihood of one customer, in logs:
 *   L = B(a, b+x)/B(a, b) Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x))
 *       * (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)),
 * the paper's two terms with the first factored out, so the sum is a
 * log-sum-exp (softplus) that cannot overflow. */
static double row_loglik(const svcm_bgnbd_params *p, double x, double tx, double T)
{
    double r = p->r, al = p->alpha, a = p->a, b = p->b;
    /* log(alpha/(alpha+T)) as -log1p(T/alpha): no cancellation for r large */
    double q = T / al, lq = isfinite(q) ? -log1p(q) : log(al) - log(al + T);
    double ll = lgamma_ratio(r, x) + r * lq - x * log(al + T) + lgamma_ratio(b, x) -
                lgamma_ratio(a + b, x);
    if (x > 0.0) {
        double sp, sig;
        softplus_sigmoid(log_dead_odds(p, x, tx, T), &sp, &sig);
        ll += sp;
    }
    return ll;
}

int svcm_bgnbd_loglik(const svcm_bgnbd_params *params, const double *x, const double *t_x,
                      const double *T, size_t n, double *out, svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    if ((rc = svcm__lifetime_check_records(x, t_x, T, n, err)) != SVCM_OK)
        return rc;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double l = row_loglik(params, x[i], t_x[i], T[i]);
        /* parameters near the ends of the double range (a + b = inf,
         * r log(alpha) = -inf) make a term NaN or infinite */
        if (!isfinite(l))
            return svcm__error(err, SVCM_ERANGE, i, NULL,
                               "log-likelihood of the record is beyond the double range");
        sum += l;
    }
    if (!isfinite(sum))
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, NULL,
                           "the summed log-likelihood is beyond the double range");
    *out = sum;
    return SVCM_OK;
}

/* ---------------------------------------------------------------- fitting */

typedef svcm__lgroup group;

/* Distinct rows in runs of equal x (svcm__lifetime_group()), so per-x terms are
 * computed once per run in the objective (and a per-T term once per run of
 * equal T within it). */
typedef struct fit_ctx {
    const group *g;
    size_t ng;
    size_t stride; /* every stride-th group (1: all; more: the warm start) */
    double wsum;   /* their total weight */
} fit_ctx;

/* Minus the mean log-likelihood and its gradient in theta = log(r, alpha,
 * a, b). d/dr, d/dalpha, d/da, d/db of each row's log-likelihood are taken
 * term by term from row_loglik(); sig is the weight of the second term. */
static double bgnbd_objective(const double *theta, double *grad, void *vctx)
{
    const fit_ctx *c = vctx;
    double r = exp(theta[0]), al = exp(theta[1]), a = exp(theta[2]), b = exp(theta[3]);
    if (!(r > 0.0 && al > 0.0 && a > 0.0 && b > 0.0) || !isfinite(r + al + a + b))
        return NAN;
    double lal = log(al), lgr = svcm__lgamma(r), psr = svcm__digamma(r);
    double lgb = svcm__lgamma(b), lgab = svcm__lgamma(a + b), psb = svcm__digamma(b),
           psab = svcm__digamma(a + b), la = log(a);
    double ll = 0.0, gr = 0.0, gal = 0.0, ga = 0.0, gb = 0.0;
    double px = -1.0, pT = -1.0;
    double cx = 0, drx = 0, dax = 0, dbx = 0, lax = 0, lT = 0, iT = 0;
    for (size_t k = 0; k < c->ng; k += c->stride) {
        const group *q = &c->g[k];
        double x = q->x, rx = r + x;
        if (x != px) {
            double psabx = svcm__digamma(a + b + x);
            cx = svcm__lgamma(rx) - lgr + r * lal + svcm__lgamma(b + x) - svcm__lgamma(a + b + x) - lgb + lgab;
            drx = svcm__digamma(rx) - psr + lal;
            dax = psab - psabx;
            dbx = svcm__digamma(b + x) - psabx - psb + psab;
            lax = x > 0.0 ? la - log(b + (x - 1.0)) : 0.0;
            px = x;
            pT = -1.0;
        }
        if (q->T != pT) {
            lT = log(al + q->T);
            iT = 1.0 / (al + q->T);
            pT = q->T;
        }
        double l = cx - rx * lT;
        double dr = drx - lT, dal = r / al - rx * iT, da = dax, db = dbx;
        if (x > 0.0) {
            double lt = log(al + q->tx), sp, sig;
            softplus_sigmoid_fast(lax + rx * (lT - lt), &sp, &sig);
            l += sp;
            dr += sig * (lT - lt);
            dal += sig * rx * (iT - 1.0 / (al + q->tx));
            da += sig / a;
            db -= sig / (b + (x - 1.0));
        }
        ll += q->w * l;
        gr += q->w * dr;
        gal += q->w * dal;
        ga += q->w * da;
        gb += q->w * db;
    }
    double s = -1.0 / c->wsum;
    grad[0] = s * gr * r;
    grad[1] = s * gal * al;
    grad[2] = s * ga * a;
    grad[3] = s * gb * b;
    return s * ll;
}

/* Estimates beyond e^+-15 of their starting point (1 for r, a, b; mean(T)
 * for alpha, so the bound does not depend on the time unit) mean the
 * likelihood has no interior maximum: it flattens out as the parameters go
 * to 0 or infinity (e.g. no heterogeneity, or nobody drops out). */
#define SVCM__LOG_PARAM_LIMIT 15.0

static const char *const param_names[4] = {"r", "alpha", "a", "b"};

/* The warm start of svcm__bfgs_h() (optimize.h): on large inputs, theta and
 * H from the fit of a subsample of the groups, penalised as the full fit;
 * *Hin is set to H when it is used. */
static void warm_start(const svcm__penalized *pc, const svcm_lifetime_fit_options *opts,
                       const double *theta0, double *theta, double *H, const double **Hin)
{
    const fit_ctx *c = pc->ctx;
    if (c->ng < SVCM__WARM_MIN)
        return;
    fit_ctx sub = *c;
    sub.stride = c->ng / SVCM__WARM_SAMPLE;
    sub.wsum = 0.0;
    for (size_t k = 0; k < c->ng; k += sub.stride)
        sub.wsum += c->g[k].w;
    svcm__penalized spc = *pc;
    spc.ctx = &sub;
    double t[4] = {theta0[0], theta0[1], theta0[2], theta0[3]}, fmin = 0.0;
    unsigned iters = 0;
    if (svcm__bfgs_h(svcm__penalized_objective, &spc, 4, t, &fmin, opts->max_iter,
                     fmax(opts->gtol, SVCM__WARM_GTOL), &iters, NULL, H) != SVCM_OK)
        return;
    for (int k = 0; k < 4; k++)
        if (fabs(t[k] - theta0[k]) > SVCM__LOG_PARAM_LIMIT)
            return;
    memcpy(theta, t, sizeof t);
    *Hin = H;
}

/* Validation and the totals the fit needs (as in paretonbd.c). */
static int fit_prepare(const double *x, const double *t_x, const double *T, const double *w,
                       size_t n, const svcm_lifetime_fit_options *opts, double *wsum,
                       double *meanT, svcm_error *err)
{
    int rc = svcm__lifetime_check_fit_options_penalized(opts, err);
    if (rc != SVCM_OK || (rc = svcm__lifetime_check_records(x, t_x, T, n, err)) != SVCM_OK)
        return rc;
    for (size_t i = 0; w != NULL && i < n; i++)
        if (!isfinite(w[i]) || w[i] < 0.0)
            return svcm__error(err, SVCM_EINVAL, i, "weights",
                               "weights must be finite and >= 0, got %g", w[i]);
    double ws = 0.0, wt = 0.0, wrep = 0.0;
    for (size_t i = 0; i < n; i++) {
        double wi = w != NULL ? w[i] : 1.0;
        ws += wi;
        wt += wi * T[i];
        wrep += x[i] > 0.0 ? wi : 0.0;
    }
    if (!isfinite(ws) || !isfinite(wt))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "weights",
                           "the summed weights are beyond the double range");
    if (!(ws > 0.0))
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, NULL, "no customers (total weight 0)");
    if (!(wrep > 0.0))
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, "x",
                           "no customer has a repeat purchase: the model is not identified");
    *wsum = ws;
    *meanT = wt / ws > 0.0 ? wt / ws : 1.0;
    return SVCM_OK;
}

/* Fill out from theta (always finite: BFGS only accepts finite points);
 * returns the status the fit reports. */
static int fit_finish(int rc, const double *theta, const double *theta0, svcm__penalized *pc,
                      unsigned iters, size_t n, struct svcm_bgnbd_fit_result *out,
                      svcm_error *err)
{
    fit_ctx *c = pc->ctx;
    double g[4], f = bgnbd_objective(theta, g, c), gmax = 0.0;
    svcm__penalized_objective(theta, g, pc);
    for (int k = 0; k < 4; k++)
        gmax = fmax(gmax, fabs(g[k]));
    *out = (struct svcm_bgnbd_fit_result){
        .params = {exp(theta[0]), exp(theta[1]), exp(theta[2]), exp(theta[3])},
        .se = {NAN, NAN, NAN, NAN},
        .loglik = -f * c->wsum,
        .weight = c->wsum,
        .n = n,
        .groups = c->ng,
        .iterations = iters,
        .grad_norm = gmax,
        .converged = 0,
    };
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL,
                           "BG/NBD fit did not converge after %u iterations (largest gradient "
                           "component %g); out holds the last point",
                           iters, gmax);
    for (int k = 0; k < 4; k++)
        if (fabs(theta[k] - theta0[k]) > SVCM__LOG_PARAM_LIMIT)
            return svcm__error(err, SVCM_ENOCONV, SVCM_NO_INDEX, param_names[k],
                               "BG/NBD estimate ran off to %s%s; "
                               "out holds the last point",
                               theta[k] > theta0[k] ? "infinity" : "0",
                               theta[k] > theta0[k] ? " (try a penalizer)" : "");
    double se[4];
    if (svcm__lifetime_se(svcm__penalized_objective, pc, 4, theta, c->wsum, se) == SVCM_OK)
        out->se = (svcm_bgnbd_params){se[0], se[1], se[2], se[3]};
    out->converged = 1;
    return SVCM_OK;
}

int svcm_bgnbd_fit(const double *x, const double *t_x, const double *T, const double *weights,
                   size_t n, const svcm_lifetime_fit_options *opts, const svcm_allocator *alloc,
                   struct svcm_bgnbd_fit_result *out, svcm_error *err)
{
    svcm_lifetime_fit_options def;
    if (opts == NULL) {
        svcm_lifetime_fit_options_init(&def);
        opts = &def;
    }
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    double wsum = 0.0, meanT = 1.0;
    int rc = fit_prepare(x, t_x, T, weights, n, opts, &wsum, &meanT, err);
    if (rc != SVCM_OK)
        return rc;
    svcm_allocator al;
    if (svcm__allocator_resolve(&al, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    group *g = NULL;
    size_t ng = 0;
    if ((rc = svcm__lifetime_group(&al, x, t_x, T, weights, n, &g, &ng)) != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory grouping %zu rows", n);
    fit_ctx c = {g, ng, 1, wsum};
    svcm__penalized pc = {bgnbd_objective, &c, 4, opts->penalizer};
    const double theta0[4] = {0.0, log(meanT), 0.0, 0.0};
    double theta[4] = {theta0[0], theta0[1], theta0[2], theta0[3]};
    double fmin = 0.0, H[16];
    const double *Hin = NULL;
    warm_start(&pc, opts, theta0, theta, H, &Hin);
    unsigned iters = 0;
    rc = svcm__bfgs_h(svcm__penalized_objective, &pc, 4, theta, &fmin, opts->max_iter, opts->gtol,
                      &iters, Hin, NULL);
    rc = fit_finish(rc, theta, theta0, &pc, iters, n, out, err);
    svcm__free(&al, g);
    return rc;
}

/* -------------------------------------------------------------- P(alive) */

int svcm_bgnbd_p_alive(const svcm_bgnbd_params *params, const double *x, const double *t_x,
                       const double *T, size_t n, double *out, svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (out == NULL && n > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    if ((rc = svcm__lifetime_check_records(x, t_x, T, n, err)) != SVCM_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        double sp, sig;
        softplus_sigmoid(-log_dead_odds(params, x[i], t_x[i], T[i]), &sp, &sig);
        out[i] = sig; /* 1 / (1 + odds) */
    }
    return SVCM_OK;
}

/* -------------------------------------------------- expected purchases */

/* Upper bound on terms of the series below. */
#define SVCM__MAX_TERMS 1000000

/* Eq. 10 without its P(alive)-like denominator:
 *   C/(a-1) [1 - ((alpha+T)/(alpha+T+t))^k 2F1(k, b'; C; z)],
 * k = r+x, b' = b+x, C = a+b+x-1, z = t/(alpha+T+t). Euler's transformation
 * (Abramowitz & Stegun 15.3.3) turns (1-z)^k 2F1(k, b'; C; z) into
 * (1-z)^B 2F1(A, B; C; z) with A = a+b-1-r and B = a-1. Every term of that
 * series after the first carries the factor B, so dividing by B gives
 *   C (-expm1(B L)/B) - e^(B L) S,  L = log(1-z),
 *   S = sum_{n>=1} (A)_n (B+1)_{n-1} z^n / ((C+1)_{n-1} n!),
 * finite at a = 1 and with no (C)_n that could vanish. The series stops when
 * a rigorous bound on its tail is below 1e-16 of the result. When b' is
 * large against k, A is close to C and the two parts nearly cancel (relative
 * error about b' * 1e-16); *err_bound receives a bound on that rounding
 * error relative to the result. */
static int expected_euler(double A, double B, double C, double z, double *out, double *err_bound)
{
    double L = log1p(-z);
    double f1 = B != 0.0 ? -expm1(B * L) / B : -L;
    double term = A * z, sum = term, sumabs = 2.0 * fabs(term);
    for (int n = 1;; n++) {
        double An = A + n, Bn = B + n, Cn = C + n, n1 = n + 1.0;
        term *= An * Bn * z / (Cn * n1);
        sum += term;
        sumabs += (n + 2.0) * fabs(term); /* term n carries ~n roundings */
        if (An >= 0.0) {
            /* For k >= n: (A+k)/(C+k) and (B+k)/(k+1) move monotonically
             * towards 1, so each is at most max(1, its value now). */
            double rho = z * fmax(1.0, An / Cn) * fmax(1.0, Bn / n1);
            if (rho < 1.0 && fabs(term) * rho / (1.0 - rho) <= 1e-16 * (fabs(C * f1) + fabs(sum)))
                break;
        }
        if (n >= SVCM__MAX_TERMS)
            return SVCM_ENOCONV;
    }
    double eBL = exp(B * L);
    *out = C * f1 - eBL * sum;
    *err_bound = 4.0 * DBL_EPSILON * (fabs(C * f1) + eBL * sumabs) / fabs(*out);
    return isfinite(*out) ? SVCM_OK : SVCM_ENOCONV;
}

/* The same quantity as a series of positive terms, for C >= 1, without the
 * cancellation: 1 = (1-z)^k sum_n (k)_n z^n / n! (binomial series), so the
 * bracket is (1-z)^k sum_n (k)_n z^n/n! [1 - (b')_n / (C)_n], and
 * 1 - (b')_n/(C)_n = (C - b') sum_{j<n} (b')_j / ((C)_j (C+j)), C - b' = a-1:
 *   C/(a-1) [...] = (1-z)^k sum_{n>=1} (k)_n z^n/n! E_n,
 *   E_n = sum_{j<n} v_j,  v_j = (b')_j/(C)_j * C/(C+j).
 * v_{j+1}/v_j = (b'+j)/(C+j+1) < 1 (a > 0), so E_{n+1}/E_n <= (n+1)/n and
 * the ratio of consecutive terms from n on is at most (k+n) z / n: a
 * rigorous tail bound. Used only when (1-z)^-k cannot overflow. */
static int expected_positive(double k, double bp, double C, double z, double *out,
                             double *err_bound)
{
    double L = log1p(-z);
    if (!(C >= 1.0) || -k * L > 600.0)
        return SVCM_ENOCONV;
    double c = 1.0, E = 0.0, P = 1.0, sum = 0.0;
    for (int n = 1;; n++) {
        double Cj = C + (n - 1.0);
        E += P * (C / Cj);
        P *= (bp + (n - 1.0)) / Cj;
        c *= (k + (n - 1.0)) * z / n;
        double term = c * E;
        sum += term;
        double rho = (k + n) * z / n;
        if (rho < 1.0 && term * rho / (1.0 - rho) <= 1e-17 * sum) {
            /* positive terms: rounding grows at most linearly with n */
            *err_bound = 4.0 * DBL_EPSILON * (n + 2.0);
            break;
        }
        if (n >= SVCM__MAX_TERMS || !isfinite(sum))
            return SVCM_ENOCONV;
    }
    *out = exp(k * L) * sum;
    return isfinite(*out) ? SVCM_OK : SVCM_ENOCONV;
}

/* Largest accepted bound on the relative rounding error of expected_euler():
 * beyond it the positive series is used, and when that cannot be summed
 * either the result is SVCM_ENOCONV rather than a value with lost digits. */
#define SVCM__MAX_REL_ROUNDING 1e-13

#define SVCM__SERIES_MSG                                                                          \
    "the series of E[Y(t)] cannot be summed to 1e-13 relative (t/(alpha+T+t) too close to 1, "  \
    "or extreme parameters)"

static int expected_one(const svcm_bgnbd_params *p, double t, double x, double tx, double T,
                        double *out)
{
    double r = p->r, al = p->alpha, a = p->a, b = p->b;
    double z = t / (al + T + t), core = 0.0, bound = 0.0;
    if (z == 0.0) {
        *out = 0.0;
        return SVCM_OK;
    }
    /* x - 1.0 first: b + x - 1 would round a tiny b away at x = 1 */
    double C = a + b + (x - 1.0);
    int rc = expected_euler(a + b - 1.0 - r, a - 1.0, C, z, &core, &bound);
    if (rc != SVCM_OK || !(bound <= SVCM__MAX_REL_ROUNDING)) {
        double pos, pbound = 0.0;
        int prc = expected_positive(r + x, b + x, C, z, &pos, &pbound);
        if (prc != SVCM_OK && rc == SVCM_OK)
            return SVCM_ENOCONV; /* the Euler value is not accurate enough */
        if (prc != SVCM_OK)
            return prc;
        /* keep the Euler value only if it is the more accurate one */
        if (rc != SVCM_OK || !(bound < pbound))
            core = pos;
    }
    double sp, sig;
    softplus_sigmoid(-log_dead_odds(p, x, tx, T), &sp, &sig);
    *out = core * sig;
    return SVCM_OK;
}

int svcm__bgnbd_expected_one(const svcm_bgnbd_params *p, double t, double x, double tx, double T,
                             double *out)
{
    return expected_one(p, t, x, tx, T, out);
}

int svcm_bgnbd_expected_purchases(const svcm_bgnbd_params *params, double t, const double *x,
                                  const double *t_x, const double *T, size_t n, double *out,
                                  svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (out == NULL && n > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    if ((rc = svcm__lifetime_check_t(SVCM_NO_INDEX, t, err)) != SVCM_OK)
        return rc;
    if ((rc = svcm__lifetime_check_records(x, t_x, T, n, err)) != SVCM_OK)
        return rc;
    /* A first pass that writes nothing keeps out unwritten on failure:
     * which record's series fails depends on t, T, x and the parameters
     * together (term count and cancellation), so no single probe will do. */
    double v;
    for (size_t i = 0; i < n; i++)
        if ((rc = expected_one(params, t, x[i], t_x[i], T[i], &v)) != SVCM_OK)
            return svcm__error(err, rc, i, "t", SVCM__SERIES_MSG);
    for (size_t i = 0; i < n; i++)
        expected_one(params, t, x[i], t_x[i], T[i], &out[i]);
    return SVCM_OK;
}

int svcm_bgnbd_expected_purchases_unconditional(const svcm_bgnbd_params *params, const double *t,
                                                size_t n, double *out, svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (n > 0 && (t == NULL || out == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL array");
    for (size_t i = 0; i < n; i++)
        if ((rc = svcm__lifetime_check_t(i, t[i], err)) != SVCM_OK)
            return rc;
    /* E[X(t)] is eq. 10 for a customer seen for no time at all: x = t_x =
     * T = 0. Two passes, as in svcm_bgnbd_expected_purchases(). */
    double v;
    for (size_t i = 0; i < n; i++)
        if ((rc = expected_one(params, t[i], 0.0, 0.0, 0.0, &v)) != SVCM_OK)
            return svcm__error(err, rc, i, "t", SVCM__SERIES_MSG);
    for (size_t i = 0; i < n; i++)
        expected_one(params, t[i], 0.0, 0.0, 0.0, &out[i]);
    return SVCM_OK;
}

/* ------------------------------------------- P(X(t) = k), P(alive later) */

/* Most steps of the continued fraction of the incomplete beta function. */
#define BGNBD_BETACF_MAX 100000

/* Continued fraction of I_x(a, b) (Numerical Recipes 6.4, modified Lentz),
 * for x < (a+1)/(a+b+2) where it converges fast; NAN when it does not. */
static double betacf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= BGNBD_BETACF_MAX; m++) {
        double m2 = 2.0 * m, aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-15)
            return h;
    }
    return NAN;
}

/* log B(a, b), accurate when one argument is large (lgamma_ratio). */
static double log_beta(double a, double b)
{
    return a >= b ? svcm__lgamma(b) - lgamma_ratio(a, b) : svcm__lgamma(a) - lgamma_ratio(b, a);
}

/* The regularized incomplete beta I_x(a, b), given lx = log x and l1x =
 * log(1 - x) (computed by the caller without cancellation). SVCM_OK or
 * SVCM_ENOCONV. */
static int betai(double a, double b, double x, double lx, double l1x, double *out)
{
    double front = a * lx + b * l1x - log_beta(a, b);
    if (x < (a + 1.0) / (a + b + 2.0)) {
        double cf = betacf(a, b, x);
        if (!isfinite(cf))
            return SVCM_ENOCONV;
        *out = fmin(1.0, exp(front + log(cf) - log(a)));
    } else {
        double cf = betacf(b, a, 1.0 - x);
        if (!isfinite(cf))
            return SVCM_ENOCONV;
        *out = fmax(0.0, 1.0 - exp(front + log(cf) - log(b)));
    }
    return SVCM_OK;
}

/* P(X(t) = k) of eq. 8 (see the header); t > 0. */
static int pmf_one(const svcm_bgnbd_params *p, double t, double k, double *out)
{
    if (t == 0.0) {
        *out = k == 0.0 ? 1.0 : 0.0;
        return SVCM_OK;
    }
    double r = p->r, al = p->alpha, a = p->a, b = p->b;
    /* log(alpha/(alpha+t)) and log(t/(alpha+t)), each without cancellation */
    double l0 = -log1p(t / al), lz = -log1p(al / t);
    double z = t / (al + t);
    double lnb = lgamma_ratio(r, k) - svcm__lgamma(k + 1.0) + r * l0 + (k > 0.0 ? k * lz : 0.0);
    double l1 = lgamma_ratio(b, k) - lgamma_ratio(a + b, k) + lnb;
    double v = exp(l1);
    if (k > 0.0) {
        double tail; /* P(N(t) >= k) = I_z(k, r) for N ~ NB(r, alpha/(alpha+t)) */
        int rc = betai(k, r, z, lz, l0, &tail);
        if (rc != SVCM_OK)
            return rc;
        if (tail > 0.0)
            v += exp(log(a) + lgamma_ratio(b, k - 1.0) - lgamma_ratio(a + b, k) + log(tail));
    }
    *out = fmin(1.0, v);
    return isfinite(*out) ? SVCM_OK : SVCM_ERANGE;
}

int svcm_bgnbd_probability_of_purchases(const svcm_bgnbd_params *params, double t,
                                        const double *counts, size_t n, double *out,
                                        svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (n > 0 && (counts == NULL || out == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL array");
    if (!isfinite(t) || t < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "t", "t must be finite and >= 0, got %g",
                           t);
    for (size_t i = 0; i < n; i++) {
        double k = counts[i];
        if (!isfinite(k) || k < 0.0 || k != floor(k) || k > SVCM__LIFETIME_MAX_X)
            return svcm__error(err, SVCM_EINVAL, i, "n",
                               "n must be a whole number in [0, 1e12], got %g", k);
    }
    double v;
    for (size_t i = 0; i < n; i++)
        if ((rc = pmf_one(params, t, counts[i], &v)) != SVCM_OK)
            return svcm__error(err, rc, i, "n",
                               rc == SVCM_ENOCONV
                                   ? "the incomplete beta function of P(X(t) = n) did not converge"
                                   : "P(X(t) = n) is beyond the double range");
    for (size_t i = 0; i < n; i++)
        pmf_one(params, t, counts[i], &out[i]);
    return SVCM_OK;
}

/* Most terms of the survival series of svcm_bgnbd_p_alive_at(). */
#define BGNBD_SURVIVAL_MAX 1000000

/* log E[(1-p)^N]: N ~ NB(r+x, (alpha+T)/(alpha+T+tau)), p ~ Beta(a, b+x),
 * summed as sum_k NB_k B(a, b+x+k)/B(a, b+x) in logs (see the header).
 * Term ratio: z (rx+k)/(k+1) (bx+k)/(a+bx+k), z = tau/(alpha+T+tau); every
 * later ratio is at most z max(1, (rx+k)/(k+1)) (the first factor moves
 * monotonically to 1, the second stays below 1), which bounds the tail. */
static int survival_log(const svcm_bgnbd_params *p, double tau, double x, double T, double *out)
{
    if (tau == 0.0) {
        *out = 0.0;
        return SVCM_OK;
    }
    double rx = p->r + x, bx = p->b + x, a = p->a, aT = p->alpha + T;
    double z = tau / (aT + tau);
    double lt = -rx * log1p(tau / aT), M = lt, S = 1.0;
    for (double k = 0.0; k < BGNBD_SURVIVAL_MAX; k += 1.0) {
        double f = (rx + k) / (k + 1.0);
        double ratio = z * f * ((bx + k) / (a + bx + k));
        lt += log(ratio);
        if (lt > M) {
            S = S * exp(M - lt) + 1.0;
            M = lt;
        } else {
            S += exp(lt - M);
        }
        double rb = z * fmax(1.0, f);
        if (rb < 1.0 && exp(lt - M) * rb / (1.0 - rb) < 1e-16 * S) {
            *out = fmin(0.0, M + log(S));
            return SVCM_OK;
        }
    }
    return SVCM_ENOCONV;
}

int svcm_bgnbd_p_alive_at(const svcm_bgnbd_params *params, double tau, const double *x,
                          const double *t_x, const double *T, size_t n, double *out,
                          svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (out == NULL && n > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    if (!isfinite(tau) || tau < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "tau",
                           "tau must be finite and >= 0, got %g", tau);
    if ((rc = svcm__lifetime_check_records(x, t_x, T, n, err)) != SVCM_OK)
        return rc;
    double ls;
    for (size_t i = 0; i < n; i++)
        if (survival_log(params, tau, x[i], T[i], &ls) != SVCM_OK)
            return svcm__error(err, SVCM_ENOCONV, i, "tau",
                               "the survival series did not reach 1e-16 in 1e6 terms");
    for (size_t i = 0; i < n; i++) {
        double sp, sig;
        softplus_sigmoid(-log_dead_odds(params, x[i], t_x[i], T[i]), &sp, &sig);
        survival_log(params, tau, x[i], T[i], &ls);
        out[i] = sig * exp(ls);
    }
    return SVCM_OK;
}

/* ------------------------------------------------ transaction summaries */

void svcm_summary_options_init(svcm_summary_options *opts)
{
    if (opts == NULL)
        return;
    opts->granularity = 86400;
    opts->offset = 0;
    opts->period = 604800.0;
    opts->returns = SVCM_SUMMARY_RETURNS_ERROR;
}

typedef struct txn {
    int64_t id;
    int64_t slot;
    int64_t time;
    double value;
    size_t idx; /* position in the caller's arrays, for errors */
} txn;

static int txn_cmp(const void *pa, const void *pb)
{
    const txn *a = pa, *b = pb;
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    if (a->slot != b->slot)
        return a->slot < b->slot ? -1 : 1;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return 0;
}

/* The summary of the customer whose sorted transactions start at tx[i];
 * *next receives the start of the next customer and *kept whether the
 * customer has a purchase (under SVCM_SUMMARY_RETURNS_NET a slot holding a
 * return that nets to <= 0 is none). SVCM_ERANGE when T in periods or the
 * mean spend exceeds the double range (finite inputs can: a huge
 * granularity / period, or values near DBL_MAX that sum to inf). */
static int summarize_one(const txn *tx, size_t i, size_t m, int64_t end_slot, double unit,
                         svcm_customer_summary *out, size_t *next, bool *kept, svcm_error *err)
{
    size_t j = i, first_idx = 0, first_repeat = 0;
    int64_t first = 0, last = 0, first_time = 0;
    bool have = false;
    /* spend2 and the slot sums s2 are scaled by 2^-64 (exact for finite
     * doubles), so that they never overflow: the sign test of a slot and
     * the mean spend when the plain sum is inf use them */
    double x = 0.0, spend = 0.0, spend2 = 0.0, total = 0.0;
    while (j < m && tx[j].id == tx[i].id) {
        size_t k = j;
        double sum = 0.0, s2 = 0.0;
        bool ret = false;
        for (; k < m && tx[k].id == tx[i].id && tx[k].slot == tx[j].slot; k++) {
            sum += tx[k].value;
            s2 += ldexp(tx[k].value, -64);
            ret |= tx[k].value < 0.0;
        }
        if (!ret || s2 > 0.0) { /* one purchase per slot */
            if (!have) {
                have = true;
                first = tx[j].slot;
                first_time = tx[j].time;
                first_idx = tx[j].idx;
            } else {
                x += 1.0;
                if (x == 1.0)
                    first_repeat = tx[j].idx;
                last = tx[j].slot;
                spend += sum;
                spend2 += s2;
            }
            total += sum;
        }
        j = k;
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
    /* differences in double: int64 slot differences may overflow */
    double T = ((double)end_slot - (double)first) * unit;
    if (!isfinite(T))
        return svcm__error(err, SVCM_ERANGE, first_idx, "time",
                           "T in periods exceeds the double range (granularity / period too large)");
    if (!isfinite(mean))
        return svcm__error(err, SVCM_ERANGE, first_repeat, "value",
                           "the mean spend exceeds the double range");
    *out = (svcm_customer_summary){
        .id = tx[i].id,
        .first = first_time,
        .x = x,
        .t_x = ((double)last - (double)first) * unit,
        .T = T,
        .mean_spend = mean,
        .monetary = total,
    };
    return SVCM_OK;
}

/* floor((t - offset) / g), or false when t - offset overflows. */
static bool slot_of(int64_t t, int64_t offset, int64_t g, int64_t *out)
{
    if ((offset > 0 && t < INT64_MIN + offset) || (offset < 0 && t > INT64_MAX + offset))
        return false;
    int64_t d = t - offset, q = d / g;
    if (d % g != 0 && d < 0)
        q--;
    *out = q;
    return true;
}

/* svcm_lifetime_summarize() into out (room for cap), or with grown != NULL
 * into an array of exactly the customers allocated through the allocator. */
static int summarize_into(const int64_t *ids, const int64_t *times, const double *values,
                          size_t n, int64_t end, const svcm_summary_options *opts,
                          const svcm_allocator *alloc, svcm_customer_summary *out, size_t cap,
                          svcm_customer_summary **grown, size_t *count, svcm_error *err)
{
    svcm_summary_options def;
    if (opts == NULL) {
        svcm_summary_options_init(&def);
        opts = &def;
    }
    if (count == NULL || (n > 0 && (ids == NULL || times == NULL || values == NULL)) ||
        (cap > 0 && out == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    svcm_allocator al;
    if (svcm__allocator_resolve(&al, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    if (opts->granularity < 1)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "granularity",
                           "granularity must be >= 1 second");
    if (!(opts->period > 0.0) || !isfinite(opts->period))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "period",
                           "period must be finite and > 0");
    svcm_summary_returns returns = opts->returns;
    if (returns != SVCM_SUMMARY_RETURNS_ERROR && returns != SVCM_SUMMARY_RETURNS_NET &&
        returns != SVCM_SUMMARY_RETURNS_DROP)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "returns",
                           "returns must be an svcm_summary_returns value, got %d", (int)returns);
    int64_t end_slot, s;
    if (!slot_of(end, opts->offset, opts->granularity, &end_slot))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "end", "end - offset overflows");
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(values[i]))
            return svcm__error(err, SVCM_EINVAL, i, "value", "value must be finite, got %g",
                               values[i]);
        if (values[i] < 0.0 && returns == SVCM_SUMMARY_RETURNS_ERROR)
            return svcm__error(err, SVCM_EINVAL, i, "value",
                               "value must be >= 0, got %g (a return: choose how to count "
                               "returns in the options)",
                               values[i]);
        if (!slot_of(times[i], opts->offset, opts->granularity, &s))
            return svcm__error(err, SVCM_EINVAL, i, "time", "time - offset overflows");
    }
    txn *tx = svcm__calloc(&al, n ? n : 1, sizeof *tx);
    if (tx == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        slot_of(times[i], opts->offset, opts->granularity, &s);
        /* later slots are the holdout; dropped returns are not there */
        if (s <= end_slot && !(values[i] < 0.0 && returns == SVCM_SUMMARY_RETURNS_DROP))
            tx[m++] = (txn){ids[i], s, times[i], values[i], i};
    }
    qsort(tx, m, sizeof *tx, txn_cmp);
    double unit = (double)opts->granularity / opts->period;
    /* Two passes over the customers, the first counting them and writing
     * nothing, so that a summary beyond the double range or too small a
     * cap leaves out untouched (too small a cap is reported first). */
    int first_rc = SVCM_OK;
    svcm_error first_err;
    size_t customers = 0;
    for (int write = 0; write < 2; write++) {
        size_t k = 0;
        for (size_t i = 0; i < m;) {
            svcm_customer_summary one;
            size_t next = m;
            bool kept = false;
            int rc = summarize_one(tx, i, m, end_slot, unit, &one, &next, &kept,
                                   first_rc == SVCM_OK ? &first_err : NULL);
            if (rc != SVCM_OK && first_rc == SVCM_OK)
                first_rc = rc;
            if (write && kept)
                out[k] = one;
            k += kept;
            i = next;
        }
        if (!write) {
            customers = k;
            *count = customers;
            if (grown != NULL && first_rc == SVCM_OK) {
                out = svcm__calloc(&al, customers ? customers : 1, sizeof *out);
                if (out == NULL) {
                    svcm__free(&al, tx);
                    return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
                }
                *grown = out;
                cap = customers;
            }
            if (customers > cap && grown == NULL) {
                svcm__free(&al, tx);
                return svcm__error(err, SVCM_ENOSPC, SVCM_NO_INDEX, NULL,
                                   "room for %zu customers needed, %zu given", customers, cap);
            }
            if (first_rc != SVCM_OK) {
                svcm__free(&al, tx);
                if (err != NULL)
                    *err = first_err;
                return first_rc;
            }
        }
    }
    svcm__free(&al, tx);
    return SVCM_OK;
}

int svcm_lifetime_summarize(const int64_t *ids, const int64_t *times, const double *values,
                            size_t n, int64_t end, const svcm_summary_options *opts,
                            const svcm_allocator *alloc, svcm_customer_summary *out, size_t cap,
                            size_t *count, svcm_error *err)
{
    return summarize_into(ids, times, values, n, end, opts, alloc, out, cap, NULL, count, err);
}

int svcm__lifetime_summarize_new(const int64_t *ids, const int64_t *times, const double *values,
                                 size_t n, int64_t end, const svcm_summary_options *opts,
                                 const svcm_allocator *alloc, svcm_customer_summary **out,
                                 size_t *count, svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    *out = NULL;
    return summarize_into(ids, times, values, n, end, opts, alloc, NULL, 0, out, count, err);
}
