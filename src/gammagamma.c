/* Gamma-Gamma spend model: likelihood, fit, conditional expected spend; and
 * CLV, which combines it with BG/NBD. Sources: Fader, Hardie & Lee (2005),
 * "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis", JMR
 * 42(4); Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value". */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "optimize.h"
#include "svcm/lifetime.h"

static int check_params(const svcm_gammagamma_params *p, svcm_error *err)
{
    if (p == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "params is NULL");
    int rc;
    if ((rc = svcm__lifetime_check_positive(p->p, "p", err)) != SVCM_OK ||
        (rc = svcm__lifetime_check_positive(p->q, "q", err)) != SVCM_OK ||
        (rc = svcm__lifetime_check_positive(p->gamma, "gamma", err)) != SVCM_OK)
        return rc;
    return SVCM_OK;
}

/* x a whole number >= 0; m finite, >= 0, and > 0 when the record enters a
 * likelihood (need_positive) with x > 0. */
static int check_spend_record(size_t i, double x, double m, bool need_positive, svcm_error *err)
{
    if (!isfinite(x) || x < 0.0 || x != floor(x) || x > 1e12)
        return svcm__error(err, SVCM_EINVAL, i, "x", "x must be a whole number >= 0, got %g", x);
    if (!isfinite(m) || m < 0.0)
        return svcm__error(err, SVCM_EINVAL, i, "mean_spend",
                           "mean_spend must be finite and >= 0, got %g", m);
    if (need_positive && x > 0.0 && m == 0.0)
        return svcm__error(err, SVCM_EINVAL, i, "mean_spend", "mean_spend must be > 0 when x > 0");
    return SVCM_OK;
}

static int check_spend_records(const double *x, const double *m, size_t n, bool need_positive,
                               svcm_error *err)
{
    if (n > 0 && (x == NULL || m == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL input array");
    for (size_t i = 0; i < n; i++) {
        int rc = check_spend_record(i, x[i], m[i], need_positive, err);
        if (rc != SVCM_OK)
            return rc;
    }
    return SVCM_OK;
}

/* log(g + m x) without overflow for m x near the top of the double range. */
static double log_g_plus_mx(double g, double m, double x)
{
    double s = g + m * x;
    if (isfinite(s))
        return log(s);
    double lg = log(g), lmx = log(m) + log(x), hi = fmax(lg, lmx);
    return hi + log1p(exp(fmin(lg, lmx) - hi));
}

/* Log density of the mean m of x purchases (Fader & Hardie 2013):
 * Gamma(px+q)/(Gamma(px) Gamma(q)) gamma^q m^(px-1) x^(px) / (gamma+mx)^(px+q). */
static double row_loglik(const svcm_gammagamma_params *P, double x, double m)
{
    double px = P->p * x, q = P->q, g = P->gamma;
    return svcm__lgamma(px + q) - svcm__lgamma(px) - svcm__lgamma(q) + q * log(g) + (px - 1.0) * log(m) +
           px * log(x) - (px + q) * log_g_plus_mx(g, m, x);
}

int svcm_gammagamma_loglik(const svcm_gammagamma_params *params, const double *x,
                           const double *mean_spend, size_t n, double *out, svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    if ((rc = check_spend_records(x, mean_spend, n, true, err)) != SVCM_OK)
        return rc;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (x[i] == 0.0)
            continue;
        double l = row_loglik(params, x[i], mean_spend[i]);
        /* p x = inf makes lgamma(p x + q) - lgamma(p x) NaN */
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

typedef struct spend_row {
    double x, m, lm, lx; /* lm = log m, lx = log x, fixed during the fit */
} spend_row;

typedef struct spend_ctx {
    const spend_row *rows; /* sorted by x: per-x terms computed once per run */
    size_t n;
} spend_ctx;

static int spend_row_cmp(const void *pa, const void *pb)
{
    const spend_row *a = pa, *b = pb;
    return (a->x > b->x) - (a->x < b->x);
}

/* Minus the mean log-likelihood and its gradient in log(p, q, gamma). */
static double spend_objective(const double *theta, double *grad, void *vctx)
{
    const spend_ctx *c = vctx;
    double p = exp(theta[0]), q = exp(theta[1]), g = exp(theta[2]);
    if (!(p > 0.0 && q > 0.0 && g > 0.0) || !isfinite(p + q + g))
        return NAN;
    double lgq = svcm__lgamma(q), psq = svcm__digamma(q), lg = log(g);
    double ll = 0.0, gp = 0.0, gq = 0.0, gg = 0.0;
    double px_prev = -1.0, cx = 0.0, dpx = 0.0, psx = 0.0;
    for (size_t i = 0; i < c->n; i++) {
        const spend_row *w = &c->rows[i];
        double px = p * w->x;
        if (w->x != px_prev) {
            psx = svcm__digamma(px + q);
            cx = svcm__lgamma(px + q) - svcm__lgamma(px) - lgq + q * lg;
            dpx = psx - svcm__digamma(px);
            px_prev = w->x;
        }
        double lgm = log_g_plus_mx(g, w->m, w->x);
        ll += cx + (px - 1.0) * w->lm + px * w->lx - (px + q) * lgm;
        gp += w->x * (dpx + w->lm + w->lx - lgm);
        gq += psx - psq + lg - lgm;
        gg += q / g - (px + q) / (g + w->m * w->x);
    }
    double s = -1.0 / (double)c->n;
    grad[0] = s * gp * p;
    grad[1] = s * gq * q;
    grad[2] = s * gg * g;
    return s * ll;
}

static const char *const gg_names[3] = {"p", "q", "gamma"};

/* Fill out from theta (finite: BFGS only accepts finite points) and decide
 * the status: not converged, ran off, q <= 1, or SVCM_OK. */
static int gg_finish(int rc, const double *theta, const double *theta0, svcm__penalized *pc,
                     unsigned iters, struct svcm_gammagamma_fit_result *out, svcm_error *err)
{
    const spend_ctx *c = pc->ctx;
    double g[3], f = spend_objective(theta, g, pc->ctx), gmax = 0.0;
    svcm__penalized_objective(theta, g, pc);
    for (int k = 0; k < 3; k++)
        gmax = fmax(gmax, fabs(g[k]));
    *out = (struct svcm_gammagamma_fit_result){
        .params = {exp(theta[0]), exp(theta[1]), exp(theta[2])},
        .se = {NAN, NAN, NAN},
        .loglik = -f * (double)c->n,
        .n = c->n,
        .iterations = iters,
        .grad_norm = gmax,
        .converged = 0,
    };
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL,
                           "Gamma-Gamma fit did not converge after %u iterations (largest "
                           "gradient component %g); out holds the last point",
                           iters, gmax);
    for (int j = 0; j < 3; j++)
        /* No interior maximum (as in svcm_bgnbd_fit): the estimate ran more
         * than e^15 away from its start, which for gamma is the mean spend,
         * so the bound does not depend on the currency unit. */
        if (fabs(theta[j] - theta0[j]) > 15.0)
            return svcm__error(err, SVCM_ENOCONV, SVCM_NO_INDEX, gg_names[j],
                               "Gamma-Gamma estimate ran off to %s%s; out holds the last "
                               "point",
                               theta[j] > theta0[j] ? "infinity" : "0",
                               theta[j] > theta0[j] ? " (try a penalizer)" : "");
    if (!(out->params.q > 1.0))
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "q",
                           "q = %g <= 1: mean spend p gamma/(q-1) is undefined, no CLV "
                           "(spends too heavy-tailed: check outliers)",
                           out->params.q);
    double se[3];
    if (svcm__lifetime_se(svcm__penalized_objective, pc, 3, theta, (double)c->n, se) == SVCM_OK)
        out->se = (svcm_gammagamma_params){se[0], se[1], se[2]};
    out->converged = 1;
    return SVCM_OK;
}

int svcm_gammagamma_fit(const double *x, const double *mean_spend, size_t n,
                        const svcm_lifetime_fit_options *opts, const svcm_allocator *alloc,
                        struct svcm_gammagamma_fit_result *out, svcm_error *err)
{
    svcm_lifetime_fit_options def;
    if (opts == NULL) {
        svcm_lifetime_fit_options_init(&def);
        opts = &def;
    }
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    int rc = svcm__lifetime_check_fit_options_penalized(opts, err);
    if (rc != SVCM_OK)
        return rc;
    rc = check_spend_records(x, mean_spend, n, true, err);
    if (rc != SVCM_OK)
        return rc;
    size_t used = 0;
    double msum = 0.0;
    for (size_t i = 0; i < n; i++)
        if (x[i] > 0.0) {
            used++;
            msum += mean_spend[i];
        }
    if (used == 0)
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, "x",
                           "no customer with x > 0: nothing to fit");
    svcm_allocator al;
    if (svcm__allocator_resolve(&al, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    spend_row *rows = svcm__calloc(&al, used, sizeof *rows);
    if (rows == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] > 0.0)
            rows[k++] = (spend_row){x[i], mean_spend[i], log(mean_spend[i]), log(x[i])};
    qsort(rows, used, sizeof *rows, spend_row_cmp);
    spend_ctx c = {rows, used};
    svcm__penalized pc = {spend_objective, &c, 3, opts->penalizer};
    /* Start where the population mean p gamma / (q - 1) is the data's;
     * msum / used may overflow to inf for spends near DBL_MAX. */
    double mean = msum / (double)used;
    const double theta0[3] = {0.0, log(2.0), isfinite(mean) ? log(mean) : log(DBL_MAX)};
    double theta[3] = {theta0[0], theta0[1], theta0[2]};
    double fmin = 0.0;
    unsigned iters = 0;
    rc = svcm__bfgs(svcm__penalized_objective, &pc, 3, theta, &fmin, opts->max_iter, opts->gtol,
                    &iters);
    rc = gg_finish(rc, theta, theta0, &pc, iters, out, err);
    svcm__free(&al, rows);
    return rc;
}

/* ------------------------------------------------------ expected spend */

/* The posterior mean of p/nu: p (gamma + x m) / (p x + q - 1), evaluated as
 * (gamma + x m) / (x + (q-1)/p) split in two, so that p, gamma or x m near
 * the top of the double range do not overflow an intermediate product when
 * the result is representable; a result beyond it is SVCM_ERANGE. */
static int spend_one(const svcm_gammagamma_params *P, size_t i, double x, double m, double *out,
                     svcm_error *err)
{
    double p = P->p, q = P->q, g = P->gamma;
    double den = p * x + q - 1.0, v;
    if (x == 0.0) {
        v = den > 0.0 ? g * (p / den) : 0.0;
        if (den > 0.0 && (!isfinite(v) || v == 0.0))
            v = p * (g / den);
    } else {
        double d = x + (q - 1.0) / p;
        v = d > 0.0 ? g / d + m * (x / d) : 0.0;
    }
    if (!(den > 0.0) || (x > 0.0 && !(x + (q - 1.0) / p > 0.0)))
        return svcm__error(err, SVCM_ERANGE, i, x > 0.0 ? "x" : "q",
                           "p x + q <= 1: the expected spend is infinite");
    if (!isfinite(v))
        return svcm__error(err, SVCM_ERANGE, i, "mean_spend",
                           "the expected spend overflows the double range");
    *out = v;
    return SVCM_OK;
}

int svcm_gammagamma_conditional_spend(const svcm_gammagamma_params *params, const double *x,
                                      const double *mean_spend, size_t n, double *out,
                                      svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (out == NULL && n > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    if ((rc = check_spend_records(x, mean_spend, n, false, err)) != SVCM_OK)
        return rc;
    double v;
    for (size_t i = 0; i < n; i++)
        if ((rc = spend_one(params, i, x[i], mean_spend[i], &v, err)) != SVCM_OK)
            return rc;
    for (size_t i = 0; i < n; i++)
        spend_one(params, i, x[i], mean_spend[i], &out[i], NULL);
    return SVCM_OK;
}

/* ------------------------------------------------------------------ CLV */

void svcm_clv_options_init(svcm_clv_options *opts)
{
    if (opts == NULL)
        return;
    opts->horizon = 12;
    opts->period_length = 365.25 / 12.0 / 7.0;
    opts->discount_rate = 0.01;
    opts->margin = 1.0;
}

/* One customer's CLV (see the header), or the error that forbids it. */
static int clv_one(const svcm_bgnbd_params *bgnbd, const svcm_gammagamma_params *spend,
                   const svcm_clv_options *opts, size_t i, double x, double tx, double T,
                   double mean_spend, double *out, svcm_error *err)
{
    double m;
    int rc = spend_one(spend, i, x, mean_spend, &m, err);
    if (rc != SVCM_OK)
        return rc;
    double prev = 0.0, disc = 1.0, sum = 0.0;
    for (unsigned k = 1; k <= opts->horizon; k++) {
        double e = 0.0;
        if ((rc = svcm__bgnbd_expected_one(bgnbd, opts->period_length * (double)k, x, tx, T,
                                           &e)) != SVCM_OK)
            return svcm__error(err, rc, i, "t",
                               "the series of E[Y(t)] cannot be summed to 1e-13 relative");
        disc /= 1.0 + opts->discount_rate;
        /* E[Y] never decreases; a rounding step below the previous value
         * must not make a term (and the CLV) negative. */
        if (e > prev) {
            sum += (e - prev) * disc;
            prev = e;
        }
    }
    double v = opts->margin == 0.0 ? 0.0 : opts->margin * m * sum;
    if (!isfinite(v))
        return svcm__error(err, SVCM_ERANGE, i, "mean_spend",
                           "the CLV overflows the double range");
    *out = v;
    return SVCM_OK;
}

int svcm_clv(const svcm_bgnbd_params *bgnbd, const svcm_gammagamma_params *spend, const double *x,
             const double *t_x, const double *T, const double *mean_spend, size_t n,
             const svcm_clv_options *opts, double *out, svcm_error *err)
{
    svcm_clv_options def;
    if (opts == NULL) {
        svcm_clv_options_init(&def);
        opts = &def;
    }
    int rc = check_params(spend, err);
    if (rc != SVCM_OK)
        return rc;
    if (bgnbd == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "bgnbd is NULL");
    if (out == NULL && n > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    if (opts->horizon < 1 || opts->horizon > SVCM_CLV_MAX_HORIZON)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "horizon",
                           "horizon must be 1..%u periods", SVCM_CLV_MAX_HORIZON);
    if (!(opts->period_length > 0.0) || !isfinite(opts->period_length))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "period_length",
                           "period_length must be finite and > 0");
    if (!(opts->discount_rate >= 0.0) || !isfinite(opts->discount_rate))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "discount_rate",
                           "discount_rate must be finite and >= 0");
    if (!(opts->margin >= 0.0) || !isfinite(opts->margin))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "margin",
                           "margin must be finite and >= 0 (a CLV is never negative), got %g",
                           opts->margin);
    /* Validates the BG/NBD parameters and every (x, t_x, T) record; an
     * empty output is fine for the validation pass. */
    double horizon = opts->period_length * (double)opts->horizon;
    if ((rc = svcm_bgnbd_p_alive(bgnbd, x, t_x, T, 0, NULL, err)) != SVCM_OK)
        return rc;
    if (n > 0 && (x == NULL || t_x == NULL || T == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL input array");
    for (size_t i = 0; i < n; i++) {
        double e;
        if ((rc = svcm_bgnbd_p_alive(bgnbd, &x[i], &t_x[i], &T[i], 1, &e, err)) != SVCM_OK) {
            if (err != NULL)
                err->index = i;
            return rc;
        }
    }
    if ((rc = check_spend_records(x, mean_spend, n, false, err)) != SVCM_OK)
        return rc;
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        if ((rc = spend_one(spend, i, x[i], mean_spend[i], &m, err)) != SVCM_OK)
            return rc;
    if (!isfinite(horizon))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "horizon",
                           "horizon * period_length overflows");
    /* Two passes, the first writing nothing, keep out unwritten when a
     * later record fails (a series that cannot be summed, or a value beyond
     * the double range). */
    for (int write = 0; write < 2; write++) {
        for (size_t i = 0; i < n; i++) {
            double v = 0.0;
            if ((rc = clv_one(bgnbd, spend, opts, i, x[i], t_x[i], T[i], mean_spend[i], &v,
                              err)) != SVCM_OK)
                return rc;
            if (write)
                out[i] = v;
        }
    }
    return SVCM_OK;
}
