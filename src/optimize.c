/* BFGS on a few log-parameters (from the identity or a given inverse
 * Hessian), digamma, the parameter checks and the grouping of (x, t_x, T)
 * rows: what the lifetime models share. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "optimize.h"

double svcm__digamma(double x)
{
    if (!(x > 0.0) || !isfinite(x))
        return NAN;
    double res = 0.0;
    /* psi(x) = psi(x + 1) - 1/x moves x where the asymptotic series
     * (Abramowitz & Stegun 6.3.18) is accurate to double precision. */
    while (x < 10.0) {
        res -= 1.0 / x;
        x += 1.0;
    }
    double inv = 1.0 / x, inv2 = inv * inv;
    /* B_2k / (2k x^2k) for k = 1..7: the truncation error at x >= 10 is
     * below 1e-17. */
    double series =
        inv2 * (1.0 / 12 -
                inv2 * (1.0 / 120 -
                        inv2 * (1.0 / 252 -
                                inv2 * (1.0 / 240 - inv2 * (1.0 / 132 - inv2 * (691.0 / 32760 -
                                                                                inv2 / 12.0))))));
    return res + log(x) - 0.5 * inv - series;
}

static double max_abs(const double *v, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        if (fabs(v[i]) > m)
            m = fabs(v[i]);
    return m;
}

/* Largest change of any variable in one step: exp(8) is a factor of ~3000
 * on a parameter, enough to cross any reasonable basin in a few steps. */
#define SVCM__MAX_STEP 8.0

/* Gradient size below which "f does not decrease any more" counts as
 * converged: f is then at its rounding floor. */
#define SVCM__BFGS_FLOOR_GTOL 1e-6

int svcm__bfgs(svcm__objective f, void *ctx, size_t dim, double *theta, double *fmin,
               unsigned max_iter, double gtol, unsigned *iters)
{
    return svcm__bfgs_h(f, ctx, dim, theta, fmin, max_iter, gtol, iters, NULL, NULL);
}

/* Copy the working inverse Hessian out to Hout (row-major), if given. */
static void h_out(double *Hout, double H[SVCM__BFGS_MAX_DIM][SVCM__BFGS_MAX_DIM], size_t dim)
{
    if (Hout != NULL)
        for (size_t i = 0; i < dim; i++)
            for (size_t j = 0; j < dim; j++)
                Hout[i * dim + j] = H[i][j];
}

int svcm__bfgs_h(svcm__objective f, void *ctx, size_t dim, double *theta, double *fmin,
                 unsigned max_iter, double gtol, unsigned *iters, const double *Hin,
                 double *Hout)
{
    enum { D = SVCM__BFGS_MAX_DIM };
    double H[D][D], g[D], gn[D], d[D], s[D], y[D], xn[D];
    *iters = 0;
    if (dim == 0 || dim > D)
        return SVCM_ENOCONV;
    double fx = f(theta, g, ctx);
    if (!isfinite(fx) || !isfinite(max_abs(g, dim)))
        return SVCM_ENOCONV;
    for (size_t i = 0; i < dim; i++)
        for (size_t j = 0; j < dim; j++)
            H[i][j] = Hin != NULL ? Hin[i * dim + j] : i == j ? 1.0 : 0.0;
    for (unsigned it = 0; it < max_iter; it++) {
        if (max_abs(g, dim) <= gtol) {
            *fmin = fx;
            *iters = it;
            h_out(Hout, H, dim);
            return SVCM_OK;
        }
        double slope = 0.0;
        for (size_t i = 0; i < dim; i++) {
            d[i] = 0.0;
            for (size_t j = 0; j < dim; j++)
                d[i] -= H[i][j] * g[j];
            slope += d[i] * g[i];
        }
        if (!(slope < 0.0)) { /* lost positive definiteness: steepest descent */
            for (size_t i = 0; i < dim; i++) {
                for (size_t j = 0; j < dim; j++)
                    H[i][j] = i == j ? 1.0 : 0.0;
                d[i] = -g[i];
            }
            slope = 0.0;
            for (size_t i = 0; i < dim; i++)
                slope += d[i] * g[i];
        }
        double step = 1.0, dmax = max_abs(d, dim);
        if (dmax * step > SVCM__MAX_STEP)
            step = SVCM__MAX_STEP / dmax;
        /* Backtracking line search: Armijo condition and a strict decrease
         * (near the optimum the Armijo term drops below one ulp of f, and a
         * step that leaves f unchanged is no progress). */
        double fn = NAN, gmax = max_abs(g, dim), tmax = max_abs(theta, dim);
        int found = 0;
        for (int k = 0; k < 60 && step * dmax > 1e-15 * (1.0 + tmax); k++) {
            for (size_t i = 0; i < dim; i++)
                xn[i] = theta[i] + step * d[i];
            fn = f(xn, gn, ctx);
            if (isfinite(fn) && isfinite(max_abs(gn, dim)) && fn < fx &&
                fn <= fx + 1e-4 * step * slope) {
                found = 1;
                break;
            }
            /* At the precision floor of f already: stop searching. */
            if (isfinite(fn) && gmax <= SVCM__BFGS_FLOOR_GTOL)
                break;
            step *= isfinite(fn) ? 0.5 : 0.1;
        }
        if (!found) {
            /* No decrease representable: at the optimum up to rounding if
             * the gradient is already small. */
            *fmin = fx;
            *iters = it;
            h_out(Hout, H, dim);
            return gmax <= SVCM__BFGS_FLOOR_GTOL ? SVCM_OK : SVCM_ENOCONV;
        }
        double sy = 0.0, yy = 0.0, ss = 0.0;
        for (size_t i = 0; i < dim; i++) {
            s[i] = xn[i] - theta[i];
            y[i] = gn[i] - g[i];
            sy += s[i] * y[i];
            yy += y[i] * y[i];
            ss += s[i] * s[i];
        }
        memcpy(theta, xn, dim * sizeof *theta);
        memcpy(g, gn, dim * sizeof *g);
        fx = fn;
        /* Update only with positive curvature, keeping H positive definite. */
        if (sy > 1e-12 * sqrt(ss * yy)) {
            /* scale the initial guess (Nocedal & Wright 6.20); a given
             * one is used as it is */
            if (it == 0 && Hin == NULL) {
                double sc = sy / yy;
                for (size_t i = 0; i < dim; i++)
                    for (size_t j = 0; j < dim; j++)
                        H[i][j] = i == j ? sc : 0.0;
            }
            /* H <- (I - rho s y') H (I - rho y s') + rho s s' */
            double rho = 1.0 / sy, Hy[D], yHy = 0.0;
            for (size_t i = 0; i < dim; i++) {
                Hy[i] = 0.0;
                for (size_t j = 0; j < dim; j++)
                    Hy[i] += H[i][j] * y[j];
                yHy += y[i] * Hy[i];
            }
            for (size_t i = 0; i < dim; i++)
                for (size_t j = 0; j < dim; j++)
                    H[i][j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) +
                               (rho * rho * yHy + rho) * s[i] * s[j];
        }
        *iters = it + 1;
    }
    *fmin = fx;
    h_out(Hout, H, dim);
    return max_abs(g, dim) <= gtol ? SVCM_OK : SVCM_ENOCONV;
}

int svcm__lifetime_check_positive(double v, const char *name, svcm_error *err)
{
    if (!(v > 0.0) || !isfinite(v))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, name, "%s must be finite and > 0",
                           name);
    return SVCM_OK;
}

int svcm__lifetime_check_fit_options_penalized(const svcm_lifetime_fit_options *opts,
                                               svcm_error *err)
{
    if (opts->max_iter == 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "max_iter", "max_iter must be >= 1");
    if (!(opts->gtol > 0.0) || !isfinite(opts->gtol))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "gtol", "gtol must be finite and > 0");
    if (!(opts->penalizer >= 0.0) || !isfinite(opts->penalizer))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "penalizer",
                           "penalizer must be finite and >= 0, got %g", opts->penalizer);
    return SVCM_OK;
}

int svcm__lifetime_check_fit_options(const svcm_lifetime_fit_options *opts, svcm_error *err)
{
    int rc = svcm__lifetime_check_fit_options_penalized(opts, err);
    if (rc == SVCM_OK && opts->penalizer != 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "penalizer",
                           "this model has no penalizer (only BG/NBD and Gamma-Gamma fits take "
                           "one): it must be 0");
    return rc;
}

double svcm__penalized_objective(const double *theta, double *grad, void *vctx)
{
    const svcm__penalized *c = vctx;
    double f = c->f(theta, grad, c->ctx);
    if (c->lambda == 0.0 || !isfinite(f))
        return f;
    /* d/d theta_k of lambda e^(2 theta_k) is 2 lambda e^(2 theta_k). */
    for (size_t k = 0; k < c->dim; k++) {
        double p2 = exp(2.0 * theta[k]);
        f += c->lambda * p2;
        grad[k] += 2.0 * c->lambda * p2;
    }
    return f;
}

/* ------------------------------------------------ standard errors */

/* Cholesky factor of the dim x dim matrix A in place (lower triangle);
 * false when A is not positive definite. */
static bool cholesky(double A[SVCM__BFGS_MAX_DIM][SVCM__BFGS_MAX_DIM], size_t dim)
{
    for (size_t j = 0; j < dim; j++) {
        double d = A[j][j];
        for (size_t k = 0; k < j; k++)
            d -= A[j][k] * A[j][k];
        if (!(d > 0.0) || !isfinite(d))
            return false;
        A[j][j] = sqrt(d);
        for (size_t i = j + 1; i < dim; i++) {
            double s = A[i][j];
            for (size_t k = 0; k < j; k++)
                s -= A[i][k] * A[j][k];
            A[i][j] = s / A[j][j];
        }
    }
    return true;
}

/* Relative step of the central differences of the gradient: the
 * truncation error (h^2) and the rounding error (1e-16 / h) balance near
 * 1e-5 for the O(1) third derivatives of these log-likelihoods in the
 * log-parameters. */
#define SVCM__SE_STEP 1e-5

/* The Hessian of minus the total log-likelihood in theta = log(params),
 * wsum * d(grad f)/d theta by central differences of the analytic gradient
 * of f (the mean), symmetrised. At the maximum the gradient term of the
 * change of variables vanishes, so Var(param_k) = param_k^2 (H^-1)_kk (the
 * delta method). SVCM_ENOCONV when H is not positive definite (no strict
 * maximum) or a difference leaves the domain. */
int svcm__lifetime_se(svcm__objective f, void *ctx, size_t dim, const double *theta,
                      double wsum, double *se)
{
    enum { D = SVCM__BFGS_MAX_DIM };
    double H[D][D], gp[D], gm[D], t[D];
    if (dim == 0 || dim > D)
        return SVCM_ENOCONV;
    for (size_t j = 0; j < dim; j++) {
        memcpy(t, theta, dim * sizeof *t);
        t[j] = theta[j] + SVCM__SE_STEP;
        double fp = f(t, gp, ctx);
        t[j] = theta[j] - SVCM__SE_STEP;
        double fm = f(t, gm, ctx);
        if (!isfinite(fp) || !isfinite(fm))
            return SVCM_ENOCONV;
        for (size_t i = 0; i < dim; i++)
            H[i][j] = wsum * (gp[i] - gm[i]) / (2.0 * SVCM__SE_STEP);
    }
    for (size_t i = 0; i < dim; i++)
        for (size_t j = 0; j < i; j++)
            H[i][j] = H[j][i] = 0.5 * (H[i][j] + H[j][i]);
    if (!cholesky(H, dim))
        return SVCM_ENOCONV;
    /* (H^-1)_kk = |L^-1 e_k|^2 summed down column k of L^-1: solve L v = e_k. */
    for (size_t k = 0; k < dim; k++) {
        double v[D], s = 0.0;
        for (size_t i = 0; i < dim; i++) {
            double acc = i == k ? 1.0 : 0.0;
            for (size_t m = 0; m < i; m++)
                acc -= H[i][m] * v[m];
            v[i] = acc / H[i][i];
            s += v[i] * v[i];
        }
        se[k] = exp(theta[k]) * sqrt(s);
        if (!isfinite(se[k]))
            return SVCM_ENOCONV;
    }
    return SVCM_OK;
}

/* One (x, t_x, T) record of the BG/NBD, MBG/NBD and Pareto/NBD models. */
static int check_record(size_t i, double x, double tx, double T, svcm_error *err)
{
    if (!isfinite(x) || x < 0.0 || x != floor(x) || x > SVCM__LIFETIME_MAX_X)
        return svcm__error(err, SVCM_EINVAL, i, "x", "x must be a whole number >= 0, got %g", x);
    if (!isfinite(T) || T < 0.0)
        return svcm__error(err, SVCM_EINVAL, i, "T", "T must be finite and >= 0, got %g", T);
    if (!isfinite(tx) || tx < 0.0 || tx > T)
        return svcm__error(err, SVCM_EINVAL, i, "t_x", "t_x must be in [0, T] = [0, %g], got %g", T,
                           tx);
    if (x == 0.0 && tx != 0.0)
        return svcm__error(err, SVCM_EINVAL, i, "t_x", "t_x must be 0 when x = 0, got %g", tx);
    return SVCM_OK;
}

int svcm__lifetime_check_records(const double *x, const double *tx, const double *T, size_t n,
                                 svcm_error *err)
{
    if (n > 0 && (x == NULL || tx == NULL || T == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL input array");
    for (size_t i = 0; i < n; i++) {
        int rc = check_record(i, x[i], tx[i], T[i], err);
        if (rc != SVCM_OK)
            return rc;
    }
    return SVCM_OK;
}

int svcm__lifetime_check_t(size_t i, double t, svcm_error *err)
{
    if (!isfinite(t) || t < 0.0)
        return svcm__error(err, SVCM_EINVAL, i, "t", "t must be finite and >= 0, got %g", t);
    return SVCM_OK;
}

/* ------------------------------------------------- grouping the rows */

static int group_cmp(const void *pa, const void *pb)
{
    const svcm__lgroup *a = pa, *b = pb;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->T != b->T)
        return a->T < b->T ? -1 : 1;
    if (a->tx != b->tx)
        return a->tx < b->tx ? -1 : 1;
    return 0;
}

static uint64_t bits_of(double v)
{
    uint64_t u;
    v += 0.0; /* -0.0 and 0.0 are the same row */
    memcpy(&u, &v, sizeof u);
    return u;
}

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* Largest x for which sort_by_x() counts instead of comparing: its table
 * of counts is then at most as long as the groups plus this. */
#define SVCM__COUNT_SORT_SLACK 65536

/* Order the m groups *g in runs of equal x. Below SVCM__WARM_MIN groups,
 * or when some x is too large to count, qsort() by (x, T, t_x): the order
 * (so the rounding of the sums, so the last digits of a fit) the fits have
 * always had. Otherwise a counting sort by x, keeping the order of first
 * appearance within an x: a sort by comparisons of a million distinct rows
 * took longer than the BG/NBD fit itself. SVCM_OK or SVCM_ENOMEM (*g is
 * then still the caller's to free). */
static int sort_by_x(const svcm_allocator *al, svcm__lgroup **g, size_t m)
{
    double xmax = 0.0;
    for (size_t i = 0; i < m; i++)
        xmax = fmax(xmax, (*g)[i].x);
    if (m < SVCM__WARM_MIN || xmax > (double)m + SVCM__COUNT_SORT_SLACK) {
        qsort(*g, m, sizeof **g, group_cmp);
        return SVCM_OK;
    }
    size_t nx = (size_t)xmax + 1;
    size_t *start = svcm__calloc(al, nx, sizeof *start);
    svcm__lgroup *o = svcm__calloc(al, m ? m : 1, sizeof *o);
    if (start == NULL || o == NULL) {
        svcm__free(al, start);
        svcm__free(al, o);
        return SVCM_ENOMEM;
    }
    for (size_t i = 0; i < m; i++)
        start[(size_t)(*g)[i].x]++;
    size_t acc = 0;
    for (size_t v = 0; v < nx; v++) {
        size_t c = start[v];
        start[v] = acc;
        acc += c;
    }
    for (size_t i = 0; i < m; i++)
        o[start[(size_t)(*g)[i].x]++] = (*g)[i];
    svcm__free(al, start);
    svcm__free(al, *g);
    *g = o;
    return SVCM_OK;
}

/* Identical rows collapsed by an open-addressing hash table, then ordered
 * by sort_by_x(). */
int svcm__lifetime_group(const svcm_allocator *al, const double *x, const double *tx,
                         const double *T, const double *w, size_t n, svcm__lgroup **out,
                         size_t *ng)
{
    size_t cap = 16;
    while (cap < 2 * n) {
        if (cap > SIZE_MAX / 4)
            return SVCM_ENOMEM;
        cap *= 2;
    }
    size_t *slot = svcm__calloc(al, cap, sizeof *slot); /* group index + 1, 0 = empty */
    svcm__lgroup *g = svcm__calloc(al, n ? n : 1, sizeof *g);
    if (slot == NULL || g == NULL) {
        svcm__free(al, slot);
        svcm__free(al, g);
        return SVCM_ENOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w != NULL ? w[i] : 1.0;
        if (!(wi > 0.0))
            continue;
        uint64_t bx = bits_of(x[i]), bt = bits_of(tx[i]), bT = bits_of(T[i]);
        size_t h = (size_t)mix64(bx ^ mix64(bt ^ mix64(bT))) & (cap - 1);
        for (;;) {
            size_t k = slot[h];
            if (k == 0) {
                g[m] = (svcm__lgroup){x[i] + 0.0, tx[i] + 0.0, T[i] + 0.0, wi};
                slot[h] = ++m;
                break;
            }
            svcm__lgroup *q = &g[k - 1];
            if (q->x == x[i] && q->tx == tx[i] && q->T == T[i]) {
                q->w += wi;
                break;
            }
            h = (h + 1) & (cap - 1);
        }
    }
    svcm__free(al, slot);
    int rc = sort_by_x(al, &g, m);
    if (rc != SVCM_OK) {
        svcm__free(al, g);
        return rc;
    }
    *out = g;
    *ng = m;
    return SVCM_OK;
}
