/* MBG/NBD: likelihood, fit, P(alive), expected purchases. Source: Batislam,
 * Denizel & Filiztekin (2007), "Empirical validation and comparison of
 * models for customer base analysis", IJRM 24(3). The BG/NBD process, except
 * that a customer may also drop out right after the first purchase: every
 * purchase, the first included, is followed by a dropout with probability p.
 * Also the numerical standard errors that the MBG/NBD and BG/BB fits
 * report. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "optimize.h"
#include "svcm/lifetime.h"


static int check_params(const svcm_mbgnbd_params *p, svcm_error *err)
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

/* log(1 + e^u) and 1 / (1 + e^-u) without overflow. */
static void softplus_sigmoid(double u, double *sp, double *sig)
{
    double e = exp(-fabs(u));
    *sp = fmax(u, 0.0) + log1p(e);
    *sig = u > 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

/* log of the odds "dropped out right after the last purchase (the first one
 * when x = 0)" against "alive": a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)
 * (Batislam et al. 2007); log1p keeps t_x close to T exact. */
static double log_dead_odds(const svcm_mbgnbd_params *p, double x, double tx, double T)
{
    return log(p->a) - log(p->b + x) + (p->r + x) * log1p((T - tx) / (p->alpha + tx));
}

/* One customer's likelihood in logs (Batislam et al. 2007):
 *   L = B(a, b+x+1)/B(a, b) Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x))
 *       * (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)). */
static double row_loglik(const svcm_mbgnbd_params *p, double x, double tx, double T)
{
    double r = p->r, al = p->alpha, a = p->a, b = p->b;
    double q = T / al, lq = isfinite(q) ? -log1p(q) : log(al) - log(al + T);
    double ll = svcm__lgamma(r + x) - svcm__lgamma(r) + r * lq - x * log(al + T) +
                svcm__lgamma(a + b) + svcm__lgamma(b + x + 1.0) - svcm__lgamma(b) -
                svcm__lgamma(a + b + x + 1.0);
    double sp, sig;
    softplus_sigmoid(log_dead_odds(p, x, tx, T), &sp, &sig);
    return ll + sp;
}

int svcm_mbgnbd_loglik(const svcm_mbgnbd_params *params, const double *x, const double *t_x,
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
        if (!isfinite(l)) /* only parameters near the ends of the double range */
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

typedef svcm__lgroup mgroup;

/* Distinct rows in runs of equal x (svcm__lifetime_group()). */
typedef struct mfit_ctx {
    const mgroup *g;
    size_t ng;
    size_t stride; /* every stride-th group (1: all; more: the warm start) */
    double wsum;   /* their total weight */
} mfit_ctx;

/* Terms of one customer's log-likelihood that depend on x only, and their
 * derivatives in r, a, b (alpha's part is added per row). */
typedef struct xterms {
    double c, dr, da, db;
} xterms;

static xterms x_terms(double x, double r, double a, double b, double lal)
{
    double psabx = svcm__digamma(a + b + x + 1.0), psab = svcm__digamma(a + b);
    xterms t;
    t.c = svcm__lgamma(r + x) - svcm__lgamma(r) + r * lal + svcm__lgamma(a + b) +
          svcm__lgamma(b + x + 1.0) - svcm__lgamma(b) - svcm__lgamma(a + b + x + 1.0);
    t.dr = svcm__digamma(r + x) - svcm__digamma(r) + lal;
    t.da = psab - psabx;
    t.db = psab + svcm__digamma(b + x + 1.0) - svcm__digamma(b) - psabx;
    return t;
}

/* Minus the mean log-likelihood and its gradient in theta = log(r, alpha,
 * a, b), each derivative taken term by term from row_loglik(); sig is the
 * weight of the "dropped out" term. */
static double mbgnbd_objective(const double *theta, double *grad, void *vctx)
{
    const mfit_ctx *c = vctx;
    double r = exp(theta[0]), al = exp(theta[1]), a = exp(theta[2]), b = exp(theta[3]);
    if (!(r > 0.0 && al > 0.0 && a > 0.0 && b > 0.0) || !isfinite(r + al + a + b))
        return NAN;
    double lal = log(al), la = log(a), ll = 0.0, g[4] = {0.0, 0.0, 0.0, 0.0}, px = -1.0;
    double lab = 0.0;
    xterms xt = {0, 0, 0, 0};
    for (size_t k = 0; k < c->ng; k += c->stride) {
        const mgroup *q = &c->g[k];
        double x = q->x, rx = r + x;
        if (x != px) {
            xt = x_terms(x, r, a, b, lal);
            lab = la - log(b + x);
            px = x;
        }
        double lT = log(al + q->T), lt = log(al + q->tx), sp, sig;
        softplus_sigmoid(lab + rx * (lT - lt), &sp, &sig);
        double l = xt.c - rx * lT + sp;
        double dr = xt.dr - lT + sig * (lT - lt);
        double dal = r / al - rx / (al + q->T) + sig * rx * (1.0 / (al + q->T) - 1.0 / (al + q->tx));
        ll += q->w * l;
        g[0] += q->w * dr;
        g[1] += q->w * dal;
        g[2] += q->w * (xt.da + sig / a);
        g[3] += q->w * (xt.db - sig / (b + x));
    }
    double s = -1.0 / c->wsum;
    grad[0] = s * g[0] * r;
    grad[1] = s * g[1] * al;
    grad[2] = s * g[2] * a;
    grad[3] = s * g[3] * b;
    return s * ll;
}

/* Estimates beyond e^+-15 of their start (1 for r, a, b; mean(T) for alpha)
 * mean the likelihood has no interior maximum, as for BG/NBD. */
#define SVCM__LOG_PARAM_LIMIT 15.0

static int check_weights(const double *w, const double *x, size_t n, double *wsum,
                         svcm_error *err)
{
    double s = 0.0, srep = 0.0;
    for (size_t i = 0; i < n; i++) {
        double wi = w != NULL ? w[i] : 1.0;
        if (!isfinite(wi) || wi < 0.0)
            return svcm__error(err, SVCM_EINVAL, i, "weights",
                               "weight must be finite and >= 0, got %g", wi);
        s += wi;
        srep += x[i] > 0.0 ? wi : 0.0;
    }
    if (!isfinite(s))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "weights",
                           "the weights sum beyond the double range");
    if (!(s > 0.0))
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, NULL, "no customers (total weight 0)");
    if (!(srep > 0.0))
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, "x",
                           "no customer has a repeat purchase: the model is not identified");
    *wsum = s;
    return SVCM_OK;
}

/* The warm start of svcm__bfgs_h() (optimize.h): on large inputs, theta and
 * H from the fit of a subsample of the groups; *Hin is set to H when used. */
static void warm_start(const mfit_ctx *c, const svcm_lifetime_fit_options *opts,
                       const double *theta0, double *theta, double *H, const double **Hin)
{
    if (c->ng < SVCM__WARM_MIN)
        return;
    mfit_ctx sub = *c;
    sub.stride = c->ng / SVCM__WARM_SAMPLE;
    sub.wsum = 0.0;
    for (size_t k = 0; k < c->ng; k += sub.stride)
        sub.wsum += c->g[k].w;
    double t[4] = {theta0[0], theta0[1], theta0[2], theta0[3]}, fmin = 0.0;
    unsigned iters = 0;
    if (svcm__bfgs_h(mbgnbd_objective, &sub, 4, t, &fmin, opts->max_iter,
                     fmax(opts->gtol, SVCM__WARM_GTOL), &iters, NULL, H) != SVCM_OK)
        return;
    for (int k = 0; k < 4; k++)
        if (fabs(t[k] - theta0[k]) > SVCM__LOG_PARAM_LIMIT)
            return;
    memcpy(theta, t, sizeof t);
    *Hin = H;
}

/* BFGS from r = a = b = 1, alpha = weighted mean T (or the warm start);
 * then the run-off check and the standard errors. */
static int mbgnbd_solve(const mfit_ctx *c, double meanT, const svcm_lifetime_fit_options *opts,
                        struct svcm_mbgnbd_fit_result *res, svcm_error *err)
{
    const double theta0[4] = {0.0, log(meanT > 0.0 ? meanT : 1.0), 0.0, 0.0};
    double theta[4] = {theta0[0], theta0[1], theta0[2], theta0[3]}, fmin = 0.0, se[4], H[16];
    const double *Hin = NULL;
    warm_start(c, opts, theta0, theta, H, &Hin);
    unsigned iters = 0;
    int rc = svcm__bfgs_h(mbgnbd_objective, (void *)c, 4, theta, &fmin, opts->max_iter,
                          opts->gtol, &iters, Hin, NULL);
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL,
                           "MBG/NBD fit did not converge (stopped after %u iterations)", iters);
    for (int k = 0; k < 4; k++)
        if (fabs(theta[k] - theta0[k]) > SVCM__LOG_PARAM_LIMIT)
            return svcm__error(
                err, SVCM_ENOCONV, SVCM_NO_INDEX, (const char *[]){"r", "alpha", "a", "b"}[k],
                "MBG/NBD estimate ran off to %s", theta[k] > theta0[k] ? "infinity" : "0");
    if (svcm__lifetime_se(mbgnbd_objective, (void *)c, 4, theta, c->wsum, se) != SVCM_OK)
        return svcm__error(err, SVCM_ENOCONV, SVCM_NO_INDEX, NULL,
                           "the Hessian at the MBG/NBD estimates is not positive definite");
    res->params = (svcm_mbgnbd_params){exp(theta[0]), exp(theta[1]), exp(theta[2]), exp(theta[3])};
    res->se = (svcm_mbgnbd_params){se[0], se[1], se[2], se[3]};
    res->loglik = -fmin * c->wsum;
    res->weight = c->wsum;
    res->groups = c->ng;
    res->iterations = iters;
    return SVCM_OK;
}

int svcm_mbgnbd_fit(const double *x, const double *t_x, const double *T, const double *weights,
                    size_t n, const svcm_lifetime_fit_options *opts, const svcm_allocator *alloc,
                    struct svcm_mbgnbd_fit_result *out, svcm_error *err)
{
    svcm_lifetime_fit_options def;
    if (opts == NULL) {
        svcm_lifetime_fit_options_init(&def);
        opts = &def;
    }
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    int rc = svcm__lifetime_check_fit_options(opts, err);
    if (rc != SVCM_OK)
        return rc;
    if ((rc = svcm__lifetime_check_records(x, t_x, T, n, err)) != SVCM_OK)
        return rc;
    double wsum = 0.0, tsum = 0.0;
    if ((rc = check_weights(weights, x, n, &wsum, err)) != SVCM_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        tsum += (weights != NULL ? weights[i] / wsum : 1.0 / wsum) * T[i];
    svcm_allocator al;
    if (svcm__allocator_resolve(&al, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    mgroup *g = NULL;
    size_t ng = 0;
    if (svcm__lifetime_group(&al, x, t_x, T, weights, n, &g, &ng) != SVCM_OK)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory grouping %zu rows",
                           n);
    mfit_ctx c = {g, ng, 1, wsum};
    struct svcm_mbgnbd_fit_result res;
    rc = mbgnbd_solve(&c, tsum, opts, &res, err);
    svcm__free(&al, g);
    if (rc != SVCM_OK)
        return rc;
    res.n = n;
    *out = res;
    return SVCM_OK;
}

/* -------------------------------------------------------------- P(alive) */

int svcm_mbgnbd_p_alive(const svcm_mbgnbd_params *params, const double *x, const double *t_x,
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

/* E[Y(t) | x, t_x, T] (Batislam et al. 2007): P(alive) times
 * (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; z)],
 * z = t/(alpha+T+t). That bracket is BG/NBD's eq. 10 bracket with b+1 for
 * b (an alive customer's dropout posterior is Beta(a, b+x+1) here, Beta(a,
 * b+x) there), and for x > 0 BG/NBD's P(alive) with b+1 for b is
 * 1/(1 + a/(b+x) (...)^(r+x)), this model's: so BG/NBD's evaluation (and its
 * accuracy guarantees) serves. For x = 0 BG/NBD's P(alive) is 1 and this
 * model's factor is applied here. */
static int expected_one(const svcm_mbgnbd_params *p, double t, double x, double tx, double T,
                        double *out)
{
    const svcm_bgnbd_params bg = {p->r, p->alpha, p->a, p->b + 1.0};
    double v;
    int rc = svcm__bgnbd_expected_one(&bg, t, x, tx, T, &v);
    if (rc != SVCM_OK)
        return rc;
    if (x == 0.0) {
        double sp, sig;
        softplus_sigmoid(-log_dead_odds(p, 0.0, 0.0, T), &sp, &sig);
        v *= sig;
    }
    *out = v;
    return SVCM_OK;
}

#define SVCM__SERIES_MSG                                                                          \
    "the series of E[Y(t)] cannot be summed to 1e-13 relative (t/(alpha+T+t) too close to 1, "  \
    "or extreme parameters)"

int svcm_mbgnbd_expected_purchases(const svcm_mbgnbd_params *params, double t, const double *x,
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
    /* a first pass that writes nothing: all-or-nothing */
    double v;
    for (size_t i = 0; i < n; i++)
        if ((rc = expected_one(params, t, x[i], t_x[i], T[i], &v)) != SVCM_OK)
            return svcm__error(err, rc, i, "t", SVCM__SERIES_MSG);
    for (size_t i = 0; i < n; i++)
        expected_one(params, t, x[i], t_x[i], T[i], &out[i]);
    return SVCM_OK;
}

/* E[X(t)] = b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))]
 * (Batislam et al. 2007): the new customer survives the first purchase with
 * probability E[1-p] = b/(a+b), and then, with dropout posterior Beta(a,
 * b+1), is BG/NBD's new customer with b+1 for b, whose E[X(t)] is the
 * bracket times (a+b)/(a-1). */
static int unconditional_one(const svcm_mbgnbd_params *p, double t, double *out)
{
    const svcm_bgnbd_params bg = {p->r, p->alpha, p->a, p->b + 1.0};
    double v;
    int rc = svcm__bgnbd_expected_one(&bg, t, 0.0, 0.0, 0.0, &v);
    if (rc != SVCM_OK)
        return rc;
    /* b/(a+b) as 1/(1 + a/b): no overflow of a + b */
    *out = v / (1.0 + p->a / p->b);
    return SVCM_OK;
}

int svcm_mbgnbd_expected_purchases_unconditional(const svcm_mbgnbd_params *params, const double *t,
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
    double v;
    for (size_t i = 0; i < n; i++)
        if ((rc = unconditional_one(params, t[i], &v)) != SVCM_OK)
            return svcm__error(err, rc, i, "t", SVCM__SERIES_MSG);
    for (size_t i = 0; i < n; i++)
        unconditional_one(params, t[i], &out[i]);
    return SVCM_OK;
}

/* ------------------------------------------------------ P(X(t) = k) */

/* Regularized incomplete beta I_x(a, b) by the continued fraction of DLMF
 * 8.17.22 (modified Lentz), on the side of x where it converges fast
 * (x < (a+1)/(a+b+2)), the other side by I_x(a,b) = 1 - I_(1-x)(b,a).
 * SVCM_ENOCONV after 10^4 pairs of terms. */
static int inc_beta(double a, double b, double x, double *out)
{
    if (x <= 0.0 || x >= 1.0) {
        *out = x <= 0.0 ? 0.0 : 1.0;
        return SVCM_OK;
    }
    int flip = x > (a + 1.0) / (a + b + 2.0);
    if (flip) {
        double t = a;
        a = b, b = t, x = 1.0 - x;
    }
    double lpre = a * log(x) + b * log1p(-x) - log(a) -
                  (svcm__lgamma(a) + svcm__lgamma(b) - svcm__lgamma(a + b));
    /* h = 1/(1 + d1/(1 + d2/(1 + ...))), d1 = -(a+b)x/(a+1), then in pairs
     * d_2m = m(b-m)x/((a+2m-1)(a+2m)), d_2m+1 = -(a+m)(a+b+m)x/((a+2m)(a+2m+1)) */
    const double tiny = 1e-300;
    double C = 1.0, D = 1.0 - (a + b) * x / (a + 1.0);
    D = 1.0 / (fabs(D) < tiny ? tiny : D);
    double h = D;
    for (int m = 1; m <= 10000; m++) {
        double m2 = 2.0 * m, del = 1.0;
        for (int half = 0; half < 2; half++) {
            double d = half == 0 ? m * (b - m) * x / ((a + m2 - 1.0) * (a + m2))
                                 : -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
            D = 1.0 + d * D;
            D = 1.0 / (fabs(D) < tiny ? tiny : D);
            C = 1.0 + d / C;
            C = fabs(C) < tiny ? tiny : C;
            del = C * D;
            h *= del;
        }
        if (fabs(del - 1.0) < 3.0 * DBL_EPSILON) {
            double v = exp(lpre) * h;
            *out = flip ? 1.0 - v : v;
            return SVCM_OK;
        }
    }
    return SVCM_ENOCONV;
}

/* P(X(t) = k) of a new customer: alive with k purchases, (1-p)^(k+1)
 * P(N(t) = k), or gone right after the k-th (the first, at time 0, when
 * k = 0), (1-p)^k p P(N(t) >= k); N(t) ~ NBD(r, alpha) integrates the
 * Poisson, Beta moments the rest: B(a, b+k+1)/B(a, b) NBD(k) + B(a+1,
 * b+k)/B(a, b) I_z(k, r), z = t/(alpha+t) (P(NBD >= k) = I_z(k, r)). */
static int pmf_one(const svcm_mbgnbd_params *p, double t, double k, double *out)
{
    double r = p->r, al = p->alpha, a = p->a, b = p->b;
    double lq = t / al, z = t / (al + t), tail = 1.0;
    lq = isfinite(lq) ? -log1p(lq) : log(al) - log(al + t); /* log(alpha/(alpha+t)) */
    double lnbd = k == 0.0 ? r * lq
                           : svcm__lgamma(r + k) - svcm__lgamma(r) - svcm__lgamma(k + 1.0) +
                                 r * lq + k * log(z);
    if (k > 0.0 && inc_beta(k, r, z, &tail) != SVCM_OK)
        return SVCM_ENOCONV;
    double alive = svcm__lgamma(b + k + 1.0) - svcm__lgamma(a + b + k + 1.0) +
                   svcm__lgamma(a + b) - svcm__lgamma(b);
    double gone = log(a) + svcm__lgamma(b + k) - svcm__lgamma(a + b + k + 1.0) +
                  svcm__lgamma(a + b) - svcm__lgamma(b);
    double v = exp(alive + lnbd) + exp(gone) * fmin(fmax(tail, 0.0), 1.0);
    if (!isfinite(v))
        return SVCM_ENOCONV;
    *out = fmin(v, 1.0);
    return SVCM_OK;
}

int svcm_mbgnbd_purchase_pmf(const svcm_mbgnbd_params *params, double t, const double *k,
                             size_t n, double *out, svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (n > 0 && (k == NULL || out == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL array");
    if ((rc = svcm__lifetime_check_t(SVCM_NO_INDEX, t, err)) != SVCM_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(k[i]) || k[i] < 0.0 || k[i] != floor(k[i]) || k[i] > SVCM__LIFETIME_MAX_X)
            return svcm__error(err, SVCM_EINVAL, i, "k",
                               "k must be a whole number in [0, 1e12], got %g", k[i]);
    double v;
    for (size_t i = 0; i < n; i++)
        if (pmf_one(params, t, k[i], &v) != SVCM_OK)
            return svcm__error(err, SVCM_ENOCONV, i, "k",
                               "the incomplete beta function did not converge");
    for (size_t i = 0; i < n; i++)
        pmf_one(params, t, k[i], &out[i]);
    return SVCM_OK;
}
