/* Pareto/NBD: likelihood, fit, P(alive), expected purchases and P(X(t) = n).
 * Sources: Schmittlein, Morrison & Colombo (1987), "Counting Your Customers:
 * Who Are They and What Will They Do Next?", Management Science 33(1);
 * Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and
 * Related Expressions" (the likelihood, P(alive) and expectations).
 *
 * Numerics. The likelihood of (x, t_x, T) is
 *   L = Gamma(r+x) alpha^r beta^s / Gamma(r) * [S(T) + s I],
 *   S(t) = (alpha+t)^-(r+x) (beta+t)^-s,
 *   I = int_{t_x}^{T} (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau
 * (death at tau after the last purchase, or alive at T). Integrating S(T)
 * by parts turns the bracket into a sum of two positive integrals,
 *   S(T) + s I = (r+x) Phi(r+x+1, s; T) + s Phi(r+x, s+1; t_x),
 *   Phi(a, b; t) = int_t^inf (alpha+tau)^-a (beta+tau)^-b dtau,
 * so nothing cancels (the note's A0 is a difference of two 2F1 terms that
 * overflow or cancel for large x). For alpha >= beta, with z = (alpha-beta)
 * / (alpha+t), Phi = (alpha+t)^-a (beta+t)^(1-b) 2F1(1, a; a+b; z) / m,
 * m = a+b-1 (the note's 2F1(m, b; m+1; z) after Euler's transformation,
 * Abramowitz & Stegun 15.3.3): a series of positive terms falling at least
 * as fast as z^n. alpha < beta is the same with the roles swapped. When z is
 * close to 1 the series is slow; there u = (beta+tau)/(alpha+tau) gives
 * Phi = d^-m int_{u0}^1 u^-b (1-u)^(m-1) du, d = alpha-beta, whose part on
 * [1/2, 1] is the series at z = 1/2 and whose part on [u0, 1/2] is summed by
 * Gauss-Legendre quadrature in log u. Every quantity is kept in logs. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "optimize.h"
#include "svcm/lifetime.h"

/* Above this z the 2F1 series needs > ~170 terms: quadrature instead. */
#define PNBD_Z_SERIES 0.8
#define PNBD_MAX_TERMS 100000
/* Quadrature stops where the integrand is below e^-50 of its peak. */
#define PNBD_LOG_CUT 50.0
#define PNBD_MAX_PANELS 20000
/* log 2 (PNBD_LN2 is not C11) */
#define PNBD_LN2 0.693147180559945309417

static const char *const param_names[4] = {"r", "alpha", "s", "beta"};

static int check_params(const svcm_paretonbd_params *p, svcm_error *err)
{
    if (p == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "params is NULL");
    const double v[4] = {p->r, p->alpha, p->s, p->beta};
    for (int k = 0; k < 4; k++) {
        int rc = svcm__lifetime_check_positive(v[k], param_names[k], err);
        if (rc != SVCM_OK)
            return rc;
    }
    return SVCM_OK;
}

/* The shared record checks, then the optional weights. */
static int check_records(const double *x, const double *tx, const double *T, const double *w,
                         size_t n, svcm_error *err)
{
    int rc = svcm__lifetime_check_records(x, tx, T, n, err);
    for (size_t i = 0; rc == SVCM_OK && w != NULL && i < n; i++)
        if (!isfinite(w[i]) || w[i] < 0.0)
            rc = svcm__error(err, SVCM_EINVAL, i, "weights",
                             "weights must be finite and >= 0, got %g", w[i]);
    return rc;
}

/* log(e^p + e^q) */
static double logaddexp(double p, double q)
{
    double hi = fmax(p, q), lo = fmin(p, q);
    return hi + log1p(exp(lo - hi));
}

/* ------------------------------------------------------- the 2F1 series */

/* log G and the derivatives of log G with respect to b1, c and z, where
 * G = 2F1(1, b1; c; z) = sum_n (b1)_n / (c)_n z^n, 0 < b1 < c, 0 <= z < 1.
 * Term ratios are below z, so the tail after term n is below
 * term z / (1-z); the derivative sums (weights log-like in n, and n) are
 * bounded the same way with the extra factor in the stopping rule. */
typedef struct gser {
    double lg, db1, dc, dz;
} gser;

static int gseries(double b1, double c, double z, gser *o)
{
    double sum = 1.0, sa = 0.0, sc = 0.0, sz = 0.0, A = 0.0, C = 0.0, pz = 1.0;
    for (int n = 1;; n++) {
        double ib = 1.0 / (b1 + (n - 1.0)), ic = 1.0 / (c + (n - 1.0));
        A += ib;
        C += ic;
        pz = n == 1 ? (b1 * ic) : pz * z * (b1 + (n - 1.0)) * ic; /* (b1)_n/(c)_n z^(n-1) */
        double term = pz * z;
        sum += term;
        sa += term * A;
        sc += term * C;
        sz += n * pz;
        double tail = pz * z / (1.0 - z) * (n + 2.0 + A + C + 1.0 / (1.0 - z));
        if (tail <= 1e-17 * sum)
            break;
        if (n >= PNBD_MAX_TERMS || !isfinite(sum))
            return SVCM_ENOCONV;
    }
    o->lg = log(sum);
    o->db1 = sa / sum;
    o->dc = -sc / sum;
    o->dz = sz / sum;
    return SVCM_OK;
}

/* ------------------------------------------------ log-space quadrature */

/* 16-point Gauss-Legendre nodes and weights on [-1, 1] (positive half;
 * computed by Newton's method on P_16 at 40 digits). */
static const double gl16[8][2] = {
    {0.989400934991649932596, 0.0271524594117540948518},
    {0.944575023073232576078, 0.0622535239386478928628},
    {0.86563120238783174388, 0.0951585116824927848099},
    {0.755404408355003033895, 0.124628971255533872052},
    {0.617876244402643748447, 0.149595988816576732082},
    {0.458016777657227386342, 0.169156519395002538189},
    {0.28160355077925891323, 0.182603415044923588867},
    {0.0950125098376374401853, 0.189450610455068496285},
};

/* A log-integrand: h(y), h'(y), and two moments' weights g[0], g[1]. */
typedef double (*logfn)(double y, const void *ctx, double *dh, double g[2]);

typedef struct lq_acc {
    double ref;    /* shift: sums are of exp(h - ref) */
    double s, m[2]; /* int e^(h-ref), int e^(h-ref) g_k */
} lq_acc;

static void gl_panel(logfn f, const void *ctx, double a, double b, lq_acc *acc)
{
    double c = 0.5 * (a + b), hw = 0.5 * (b - a), dh, g[2];
    for (int i = 0; i < 8; i++)
        for (int sgn = -1; sgn <= 1; sgn += 2) {
            double y = c + sgn * hw * gl16[i][0];
            double e = exp(f(y, ctx, &dh, g) - acc->ref) * gl16[i][1] * hw;
            acc->s += e;
            acc->m[0] += e * g[0];
            acc->m[1] += e * g[1];
        }
}

/* Panels from y0 towards stop (dir = +1 or -1), each short enough that h
 * changes by at most 8 and no wider than 0.5 (the integrands here are
 * analytic at least that far from the real axis); with cut, stops once h
 * has fallen PNBD_LOG_CUT below the peak. */
static int march(logfn f, const void *ctx, double y0, double stop, int dir, int cut, lq_acc *acc)
{
    double dh, g[2], y = y0, hy = f(y, ctx, &dh, g), w = 0.5;
    for (int k = 0; dir * (stop - y) > 0.0; k++) {
        if (k >= PNBD_MAX_PANELS)
            return SVCM_ENOCONV;
        double ye, he;
        for (;;) {
            ye = dir * (stop - y) <= w ? stop : y + dir * w;
            he = f(ye, ctx, &dh, g);
            if (fabs(he - hy) <= 8.0 || w < 1e-12 * (1.0 + fabs(y)))
                break;
            w *= 0.5;
        }
        gl_panel(f, ctx, fmin(y, ye), fmax(y, ye), acc);
        if (cut && he < acc->ref - PNBD_LOG_CUT && dir * dh <= 0.0)
            break;
        y = ye;
        hy = he;
        w = fmin(0.5, 2.0 * w);
    }
    return SVCM_OK;
}

/* log int_lo^hi e^h(y) dy and the moments int e^h g_k / int e^h. With
 * concave h the peak is found by bisection on h' and the integral is cut
 * where the integrand is negligible; otherwise the whole (finite) interval
 * is summed. lo may be -inf only for a concave h with h' > 0 far left. */
static int log_quad(logfn f, const void *ctx, double lo, double hi, int concave, double *li,
                    double mom[2])
{
    double dh, g[2], mode = hi;
    f(hi, ctx, &dh, g);
    if (concave && dh < 0.0) {
        double a = lo, b = hi;
        if (!isfinite(a)) { /* walk left until h' > 0 */
            double step = 1.0;
            for (a = hi - step; f(a, ctx, &dh, g), dh <= 0.0; a = hi - step)
                if ((step *= 2.0) > 1e6)
                    return SVCM_ENOCONV;
        } else if (f(a, ctx, &dh, g), dh <= 0.0) {
            b = a;
        }
        for (int k = 0; k < 200 && b - a > 1e-12 * (1.0 + fabs(a)); k++) {
            double mid = 0.5 * (a + b);
            f(mid, ctx, &dh, g);
            *(dh > 0.0 ? &a : &b) = mid;
        }
        mode = 0.5 * (a + b);
    } else if (!concave) {
        mode = lo;
    }
    lq_acc acc = {f(mode, ctx, &dh, g), 0.0, {0.0, 0.0}};
    int rc = march(f, ctx, mode, hi, 1, concave, &acc);
    if (rc == SVCM_OK && concave)
        rc = march(f, ctx, mode, lo, -1, 1, &acc);
    if (rc != SVCM_OK || !(acc.s > 0.0) || !isfinite(acc.s))
        return SVCM_ENOCONV;
    *li = acc.ref + log(acc.s);
    mom[0] = acc.m[0] / acc.s;
    mom[1] = acc.m[1] / acc.s;
    return SVCM_OK;
}

/* --------------------------------------------------------------- Phi */

/* log Phi(a, b; t) and its derivatives with respect to a, b, alpha, beta. */
typedef struct phi_out {
    double lv, da, db, dal, dbe;
} phi_out;

/* Integrand of the u-form on [u0, 1/2], in y = log u:
 * u^(1-b) (1-u)^(m-1); moments log(1-u) and log u (for d/da, d/db). */
typedef struct uform {
    double b, m;
} uform;

static double uform_h(double y, const void *vc, double *dh, double g[2])
{
    const uform *c = vc;
    double u = exp(y), l1u = log1p(-u);
    *dh = (1.0 - c->b) - (c->m - 1.0) * u / (1.0 - u);
    g[0] = l1u;
    g[1] = y;
    return (1.0 - c->b) * y + (c->m - 1.0) * l1u;
}

/* The near-1 case of phi_ge (z > PNBD_Z_SERIES): see the file comment. */
static int phi_split(double a, double b, double t, double al, double be, phi_out *o)
{
    double m = a + b - 1.0, d = al - be, at = al + t, u0 = (be + t) / at, ld = log(d);
    gser g;
    int rc = gseries(a, a + b, 0.5, &g);
    if (rc != SVCM_OK)
        return rc;
    /* part on [1/2, 1]: 2^-a 2F1(1, a; a+b; 1/2) / m */
    double lP = -a * PNBD_LN2 + g.lg - log(m);
    double dPa = -PNBD_LN2 + g.db1 + g.dc - 1.0 / m, dPb = g.dc - 1.0 / m;
    uform uf = {b, m};
    double lQ, mom[2];
    rc = log_quad(uform_h, &uf, log(u0), -PNBD_LN2, m >= 1.0, &lQ, mom);
    if (rc != SVCM_OK)
        return rc;
    double ls = logaddexp(lP, lQ), wP = exp(lP - ls), wQ = exp(lQ - ls);
    /* d/dalpha and d/dbeta of the lower limit u0: Leibniz's rule */
    double f0 = exp(-b * log(u0) + (m - 1.0) * log1p(-u0) - ls);
    o->lv = -m * ld + ls;
    o->da = -ld + wP * dPa + wQ * mom[0];
    o->db = -ld + wP * dPb + wQ * (mom[0] - mom[1]);
    o->dal = -m / d + f0 * u0 / at;
    o->dbe = m / d - f0 / at;
    return SVCM_OK;
}

/* Phi for alpha >= beta. */
static int phi_ge(double a, double b, double t, double al, double be, phi_out *o)
{
    double at = al + t, bt = be + t, z = (al - be) / at;
    if (z > PNBD_Z_SERIES)
        return phi_split(a, b, t, al, be, o);
    double m = a + b - 1.0, lat = log(at), lbt = log(bt);
    gser g;
    int rc = gseries(a, a + b, z, &g);
    if (rc != SVCM_OK)
        return rc;
    o->lv = -a * lat + (1.0 - b) * lbt + g.lg - log(m);
    o->da = -lat + g.db1 + g.dc - 1.0 / m;
    o->db = -lbt + g.dc - 1.0 / m;
    o->dal = -a / at + g.dz * bt / (at * at);
    o->dbe = (1.0 - b) / bt - g.dz / at;
    return SVCM_OK;
}

/* The integrand is symmetric in (alpha, a) <-> (beta, b). */
static int phi(double a, double b, double t, double al, double be, phi_out *o)
{
    if (al >= be)
        return phi_ge(a, b, t, al, be, o);
    phi_out w;
    int rc = phi_ge(b, a, t, be, al, &w);
    *o = (phi_out){w.lv, w.db, w.da, w.dbe, w.dal};
    return rc;
}

/* ------------------------------------------------- one customer's terms */

/* log of the bracket S(T) + s I and its derivatives with respect to r,
 * alpha, s, beta (d[0..4)); d may be NULL. */
static int log_bracket(const svcm_paretonbd_params *p, double x, double tx, double T, double *lb,
                       double *d)
{
    double rx = p->r + x;
    phi_out f1, f2;
    int rc = phi(rx + 1.0, p->s, T, p->alpha, p->beta, &f1);
    if (rc == SVCM_OK)
        rc = phi(rx, p->s + 1.0, tx, p->alpha, p->beta, &f2);
    if (rc != SVCM_OK)
        return rc;
    double l1 = log(rx) + f1.lv, l2 = log(p->s) + f2.lv, ls = logaddexp(l1, l2);
    double w1 = exp(l1 - ls), w2 = exp(l2 - ls);
    *lb = ls;
    if (d != NULL) {
        d[0] = w1 * (1.0 / rx + f1.da) + w2 * f2.da;
        d[1] = w1 * f1.dal + w2 * f2.dal;
        d[2] = w1 * f1.db + w2 * (1.0 / p->s + f2.db);
        d[3] = w1 * f1.dbe + w2 * f2.dbe;
    }
    return isfinite(ls) ? SVCM_OK : SVCM_ERANGE;
}

/* log Gamma(r+x) - log Gamma(r); for x = 0 exactly 0. */
static double lgamma_diff(double r, double x)
{
    return x == 0.0 ? 0.0 : svcm__lgamma(r + x) - svcm__lgamma(r);
}

static int row_loglik(const svcm_paretonbd_params *p, double x, double tx, double T, double *out)
{
    double lb;
    int rc = log_bracket(p, x, tx, T, &lb, NULL);
    if (rc != SVCM_OK)
        return rc;
    *out = lgamma_diff(p->r, x) + p->r * log(p->alpha) + p->s * log(p->beta) + lb;
    return isfinite(*out) ? SVCM_OK : SVCM_ERANGE;
}

static void record_error(int rc, size_t i, svcm_error *err)
{
    if (rc == SVCM_ERANGE)
        svcm__error(err, rc, i, NULL, "the record's likelihood is beyond the double range");
    else
        svcm__error(err, rc, i, NULL, "the record's hypergeometric term could not be summed");
}

int svcm_paretonbd_loglik(const svcm_paretonbd_params *params, const double *x, const double *t_x,
                          const double *T, const double *weights, size_t n, double *out,
                          svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    if ((rc = check_records(x, t_x, T, weights, n, err)) != SVCM_OK)
        return rc;
    double sum = 0.0, l;
    for (size_t i = 0; i < n; i++) {
        double w = weights != NULL ? weights[i] : 1.0;
        if (w == 0.0)
            continue;
        if ((rc = row_loglik(params, x[i], t_x[i], T[i], &l)) != SVCM_OK) {
            record_error(rc, i, err);
            return rc;
        }
        sum += w * l;
    }
    if (!isfinite(sum))
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, NULL,
                           "the summed log-likelihood is beyond the double range");
    *out = sum;
    return SVCM_OK;
}

/* ---------------------------------------------------------------- fit */

typedef svcm__lgroup pgroup;

/* ------------------------------------------------ the fit's fast path
 *
 * The objective sums log_bracket() over up to millions of distinct rows, and
 * the 2F1 series dominated it: two series per row, each term with two
 * divisions in a chain of dependent multiplications. The coefficients of a
 * series depend on (b1, c) only, that is on x and the parameters, not on the
 * times; the groups come in runs of equal x (svcm__lifetime_group()), so
 * each run builds them once (on demand, as far as its rows need) and each row
 * sums a power series in z with four independent accumulators. The sums are
 * the same terms in the same order as gseries(). The two Phi of a row are
 * combined with one exp and one log (rather than a log per series and a
 * log-add-exp); log(m), log(r+x) are taken once per run, log(s), log(alpha),
 * log(beta) once per evaluation; a run reuses the last row's Phi for an equal
 * T or t_x (all of the run x = 0 has t_x = 0). Rows with z > PNBD_Z_SERIES go
 * through phi_split() as before. svcm_paretonbd_loglik() and the predictions
 * keep log_bracket(); the tests hold the fit's log-likelihood to it. */

/* Terms a table holds; a row that needs more uses gseries(). */
#define PNBD_TAB 128

/* The terms of 2F1(1, b1; c; z): k[n] = (b1)_n / (c)_n, kA[n] = k[n] A_n,
 * kC[n] = k[n] C_n, kN[n] = n k[n], K[n] = n + 2 + A_n + C_n (the tail
 * bound of gseries()), A_n = sum_{j<n} 1/(b1+j), C_n = sum_{j<n} 1/(c+j);
 * entries 1..built are filled. */
typedef struct gtab {
    double b1, c, lm, im; /* lm = log(c - 1), im = 1 / (c - 1) */
    int built;
    double A, C;
    double k[PNBD_TAB + 1], kA[PNBD_TAB + 1], kC[PNBD_TAB + 1], kN[PNBD_TAB + 1],
        K[PNBD_TAB + 1];
} gtab;

static void gtab_reset(gtab *t, double b1, double c)
{
    t->b1 = b1;
    t->c = c;
    t->lm = log(c - 1.0);
    t->im = 1.0 / (c - 1.0);
    t->built = 0;
    t->A = t->C = 0.0;
    t->k[0] = 1.0;
}

static void gtab_extend(gtab *t, int upto)
{
    for (int n = t->built + 1; n <= upto; n++) {
        double ib = 1.0 / (t->b1 + (n - 1.0)), ic = 1.0 / (t->c + (n - 1.0));
        t->A += ib;
        t->C += ic;
        double kn = n == 1 ? t->b1 * ic : t->k[n - 1] * ((t->b1 + (n - 1.0)) * ic);
        t->k[n] = kn;
        t->kA[n] = kn * t->A;
        t->kC[n] = kn * t->C;
        t->kN[n] = n * kn;
        t->K[n] = n + 2.0 + t->A + t->C;
    }
    t->built = upto;
}

/* gseries() from the table: the sum itself (not its log) in o->lg. */
static int gseries_tab(gtab *t, double z, gser *o)
{
    double sum = 1.0, sa = 0.0, sc = 0.0, sz = 0.0, zp = 1.0;
    double iz = 1.0 / (1.0 - z), q = z * iz;
    for (int n = 1;; n++) {
        if (n > t->built) {
            if (n > PNBD_TAB) {
                int rc = gseries(t->b1, t->c, z, o);
                o->lg = exp(o->lg);
                return rc;
            }
            gtab_extend(t, n + 15 > PNBD_TAB ? PNBD_TAB : n + 15);
        }
        double zn = zp * z;
        sum += t->k[n] * zn;
        sa += t->kA[n] * zn;
        sc += t->kC[n] * zn;
        sz += t->kN[n] * zp;
        if (t->k[n] * zn * q * (t->K[n] + iz) <= 1e-17 * sum)
            break;
        zp = zn;
    }
    o->lg = sum;
    o->db1 = sa / sum;
    o->dc = -sc / sum;
    o->dz = sz / sum;
    return SVCM_OK;
}

/* phi_ge() with the table t of (a, a+b): o->lv is log Phi without the
 * log of the series' sum, which goes to *sum (1 after phi_split()). */
static int phi_ge_tab(gtab *t, double a, double b, double tt, double al, double be, phi_out *o,
                      double *sum)
{
    double at = al + tt, bt = be + tt, z = (al - be) / at;
    if (z > PNBD_Z_SERIES) {
        *sum = 1.0;
        return phi_split(a, b, tt, al, be, o);
    }
    double lat = log(at), lbt = log(bt);
    gser g;
    int rc = gseries_tab(t, z, &g);
    if (rc != SVCM_OK)
        return rc;
    *sum = g.lg;
    o->lv = -a * lat + (1.0 - b) * lbt - t->lm;
    o->da = -lat + g.db1 + g.dc - t->im;
    o->db = -lbt + g.dc - t->im;
    o->dal = -a / at + g.dz * bt / (at * at);
    o->dbe = (1.0 - b) / bt - g.dz / at;
    return SVCM_OK;
}

/* phi() through phi_ge_tab(); t is the table of the swapped pair when
 * alpha < beta. */
static int phi_tab(gtab *t, double a, double b, double tt, double al, double be, phi_out *o,
                   double *sum)
{
    if (al >= be)
        return phi_ge_tab(t, a, b, tt, al, be, o, sum);
    phi_out w;
    int rc = phi_ge_tab(t, b, a, tt, be, al, &w, sum);
    *o = (phi_out){w.lv, w.db, w.da, w.dbe, w.dal};
    return rc;
}

/* The constants of one run of equal x: the two tables and log(r+x), and
 * the last row's Phi (rows of equal T, or of equal t_x, such as every
 * t_x = 0 of the run x = 0, share them). */
typedef struct xrun {
    gtab t1, t2; /* Phi(r+x+1, s; T) and Phi(r+x, s+1; t_x) */
    double rx, lrx, irx;
    double T1, s1, tx2, s2; /* NAN: none yet */
    phi_out f1, f2;
} xrun;

static void xrun_reset(xrun *u, const svcm_paretonbd_params *p, double x)
{
    double rx = p->r + x, c = rx + p->s + 1.0;
    int ge = p->alpha >= p->beta;
    gtab_reset(&u->t1, ge ? rx + 1.0 : p->s, c);
    gtab_reset(&u->t2, ge ? rx : p->s + 1.0, c);
    u->rx = rx;
    u->lrx = log(rx);
    u->irx = 1.0 / rx;
    u->T1 = u->tx2 = NAN;
}

/* log_bracket() of one row of the run u, ls = log(s), is = 1/s. */
static int log_bracket_fast(xrun *u, const svcm_paretonbd_params *p, double ls_, double is_,
                            double tx, double T, double *lb, double *d)
{
    if (T != u->T1) {
        int rc = phi_tab(&u->t1, u->rx + 1.0, p->s, T, p->alpha, p->beta, &u->f1, &u->s1);
        if (rc != SVCM_OK)
            return rc;
        u->T1 = T;
    }
    if (tx != u->tx2) {
        int rc = phi_tab(&u->t2, u->rx, p->s + 1.0, tx, p->alpha, p->beta, &u->f2, &u->s2);
        if (rc != SVCM_OK)
            return rc;
        u->tx2 = tx;
    }
    const phi_out f1 = u->f1, f2 = u->f2;
    const double s1 = u->s1, s2 = u->s2;
    /* log(rx s1 e^lv1 + s s2 e^lv2) with one exp and one log */
    double l1 = u->lrx + f1.lv, l2 = ls_ + f2.lv, w1, w2, ls;
    if (l1 >= l2) {
        double e = exp(l2 - l1), S = s1 + e * s2;
        ls = l1 + log(S);
        w1 = s1 / S;
        w2 = e * s2 / S;
    } else {
        double e = exp(l1 - l2), S = s2 + e * s1;
        ls = l2 + log(S);
        w1 = e * s1 / S;
        w2 = s2 / S;
    }
    *lb = ls;
    d[0] = w1 * (u->irx + f1.da) + w2 * f2.da;
    d[1] = w1 * f1.dal + w2 * f2.dal;
    d[2] = w1 * f1.db + w2 * (is_ + f2.db);
    d[3] = w1 * f1.dbe + w2 * f2.dbe;
    return isfinite(ls) ? SVCM_OK : SVCM_ERANGE;
}

typedef struct pfit_ctx {
    const pgroup *g;
    size_t ng;
    size_t stride; /* every stride-th group (1: all; more: the warm start) */
    double wsum;   /* their total weight */
    xrun *run;     /* scratch of the objective (allocated by the fit) */
} pfit_ctx;

/* Minus the weighted mean log-likelihood and its gradient with respect to
 * theta = log(r, alpha, s, beta). Per-x terms are computed once per run of
 * equal x (the groups are sorted). */
static double pnbd_objective(const double *theta, double *grad, void *vctx)
{
    const pfit_ctx *c = vctx;
    svcm_paretonbd_params p = {exp(theta[0]), exp(theta[1]), exp(theta[2]), exp(theta[3])};
    if (!(p.r > 0.0 && p.alpha > 0.0 && p.s > 0.0 && p.beta > 0.0) ||
        !isfinite(p.r + p.alpha + p.s + p.beta))
        return NAN;
    double lgr = svcm__lgamma(p.r), psr = svcm__digamma(p.r);
    double lal = log(p.alpha), lbe = log(p.beta), lsv = log(p.s), isv = 1.0 / p.s;
    double base = p.r * lal + p.s * lbe, ral = p.r / p.alpha, sbe = p.s / p.beta;
    double ll = 0.0, gs[4] = {0.0, 0.0, 0.0, 0.0}, px = -1.0, lgx = 0.0, psx = 0.0;
    xrun *u = c->run;
    for (size_t k = 0; k < c->ng; k += c->stride) {
        const pgroup *q = &c->g[k];
        if (q->x != px) {
            lgx = q->x == 0.0 ? 0.0 : svcm__lgamma(p.r + q->x) - lgr;
            psx = q->x == 0.0 ? 0.0 : svcm__digamma(p.r + q->x) - psr;
            px = q->x;
            xrun_reset(u, &p, q->x);
        }
        double lb, d[4];
        if (log_bracket_fast(u, &p, lsv, isv, q->tx, q->T, &lb, d) != SVCM_OK)
            return NAN;
        ll += q->w * (lgx + base + lb);
        gs[0] += q->w * (psx + lal + d[0]);
        gs[1] += q->w * (ral + d[1]);
        gs[2] += q->w * (lbe + d[2]);
        gs[3] += q->w * (sbe + d[3]);
    }
    double sc = -1.0 / c->wsum;
    grad[0] = sc * gs[0] * p.r;
    grad[1] = sc * gs[1] * p.alpha;
    grad[2] = sc * gs[2] * p.s;
    grad[3] = sc * gs[3] * p.beta;
    return sc * ll;
}

/* Estimates beyond e^+-15 of their start (1 for r and s, mean(T) for alpha
 * and beta) mean the likelihood has no interior maximum. */
#define PNBD_LOG_PARAM_LIMIT 15.0

/* The warm start of svcm__bfgs_h(): on large inputs, theta and H from the
 * fit of a subsample of the groups; *Hin is set to H when it is used. */
static void warm_start(const pfit_ctx *c, const svcm_lifetime_fit_options *opts,
                       const double *theta0, double *theta, double *H, const double **Hin)
{
    if (c->ng < SVCM__WARM_MIN)
        return;
    pfit_ctx sub = *c;
    sub.stride = c->ng / SVCM__WARM_SAMPLE;
    sub.wsum = 0.0;
    for (size_t k = 0; k < c->ng; k += sub.stride)
        sub.wsum += c->g[k].w;
    double t[4] = {theta0[0], theta0[1], theta0[2], theta0[3]}, fmin = 0.0;
    unsigned iters = 0;
    if (svcm__bfgs_h(pnbd_objective, &sub, 4, t, &fmin, opts->max_iter,
                     fmax(opts->gtol, SVCM__WARM_GTOL), &iters, NULL, H) != SVCM_OK)
        return;
    for (int k = 0; k < 4; k++)
        if (fabs(t[k] - theta0[k]) > PNBD_LOG_PARAM_LIMIT)
            return;
    memcpy(theta, t, sizeof t);
    *Hin = H;
}

/* Validation and the totals the fit needs; SVCM_OK or an error code. */
static int fit_prepare(const double *x, const double *t_x, const double *T, const double *w,
                       size_t n, const svcm_lifetime_fit_options *opts, double *wsum,
                       double *meanT, svcm_error *err)
{
    int rc = svcm__lifetime_check_fit_options(opts, err);
    if (rc != SVCM_OK || (rc = check_records(x, t_x, T, w, n, err)) != SVCM_OK)
        return rc;
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

/* Fill out from theta; returns the status the fit reports. */
static int fit_finish(int rc, const double *theta, const double *theta0, pfit_ctx *c,
                      unsigned iters, size_t n, struct svcm_paretonbd_fit_result *out, svcm_error *err)
{
    double g[4], f = pnbd_objective(theta, g, c), gmax = 0.0;
    for (int k = 0; k < 4; k++)
        gmax = fmax(gmax, fabs(g[k]));
    *out = (struct svcm_paretonbd_fit_result){
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
                           "Pareto/NBD fit did not converge after %u iterations (largest gradient "
                           "component %g); out holds the last point",
                           iters, gmax);
    for (int k = 0; k < 4; k++)
        if (fabs(theta[k] - theta0[k]) > PNBD_LOG_PARAM_LIMIT)
            return svcm__error(err, SVCM_ENOCONV, SVCM_NO_INDEX, param_names[k],
                               "Pareto/NBD estimate ran off to %s; out holds the last point",
                               theta[k] > theta0[k] ? "infinity" : "0");
    double se[4];
    if (svcm__lifetime_se(pnbd_objective, c, 4, theta, c->wsum, se) == SVCM_OK)
        out->se = (svcm_paretonbd_params){se[0], se[1], se[2], se[3]};
    out->converged = 1;
    return SVCM_OK;
}

int svcm_paretonbd_fit(const double *x, const double *t_x, const double *T, const double *weights,
                       size_t n, const svcm_lifetime_fit_options *opts, const svcm_allocator *alloc,
                       struct svcm_paretonbd_fit_result *out, svcm_error *err)
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
    pgroup *g = NULL;
    size_t ng = 0;
    if (svcm__lifetime_group(&al, x, t_x, T, weights, n, &g, &ng) != SVCM_OK)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory grouping %zu rows",
                           n);
    xrun *run = svcm__alloc(&al, sizeof *run);
    if (run == NULL) {
        svcm__free(&al, g);
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    }
    pfit_ctx c = {g, ng, 1, wsum, run};
    const double theta0[4] = {0.0, log(meanT), 0.0, log(meanT)};
    double theta[4] = {theta0[0], theta0[1], theta0[2], theta0[3]}, fmin = 0.0, H[16];
    const double *Hin = NULL;
    warm_start(&c, opts, theta0, theta, H, &Hin);
    unsigned iters = 0;
    rc = svcm__bfgs_h(pnbd_objective, &c, 4, theta, &fmin, opts->max_iter, opts->gtol, &iters, Hin,
                      NULL);
    rc = fit_finish(rc, theta, theta0, &c, iters, n, out, err);
    svcm__free(&al, run);
    svcm__free(&al, g);
    return rc;
}

/* ------------------------------------------------------------ P(alive) */

/* log P(alive) = log S(T) - log bracket. */
static int log_p_alive(const svcm_paretonbd_params *p, double x, double tx, double T, double *out)
{
    double lb;
    int rc = log_bracket(p, x, tx, T, &lb, NULL);
    if (rc != SVCM_OK)
        return rc;
    double la = -(p->r + x) * log(p->alpha + T) - p->s * log(p->beta + T) - lb;
    *out = fmin(la, 0.0); /* rounding may leave it a hair above 0 */
    return SVCM_OK;
}

/* The per-record functions below share this shape: validate everything,
 * then a pass that writes nothing (the series may fail for any record),
 * then the pass that writes. */
typedef int (*record_fn)(const svcm_paretonbd_params *p, double t, double x, double tx, double T,
                         double *out);

static int for_records(const svcm_paretonbd_params *params, double t, const double *x,
                       const double *t_x, const double *T, size_t n, double *out,
                       record_fn fn, svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (out == NULL && n > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    if (!isfinite(t) || t < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "t", "t must be finite and >= 0, got %g",
                           t);
    if ((rc = check_records(x, t_x, T, NULL, n, err)) != SVCM_OK)
        return rc;
    double v;
    for (size_t i = 0; i < n; i++)
        if ((rc = fn(params, t, x[i], t_x[i], T[i], &v)) != SVCM_OK) {
            record_error(rc, i, err);
            return rc;
        }
    for (size_t i = 0; i < n; i++)
        fn(params, t, x[i], t_x[i], T[i], &out[i]);
    return SVCM_OK;
}

static int p_alive_one(const svcm_paretonbd_params *p, double t, double x, double tx, double T,
                       double *out)
{
    double la;
    int rc = log_p_alive(p, x, tx, T, &la);
    if (rc == SVCM_OK)
        *out = exp(la);
    return rc;
}

int svcm_paretonbd_p_alive(const svcm_paretonbd_params *params, const double *x, const double *t_x,
                           const double *T, size_t n, double *out, svcm_error *err)
{
    return for_records(params, 0.0, x, t_x, T, n, out, p_alive_one, err);
}

/* P(alive at T + tau): P(alive at T) ((beta+T)/(beta+T+tau))^s. */
static int p_alive_at_one(const svcm_paretonbd_params *p, double tau, double x, double tx,
                          double T, double *out)
{
    double la;
    int rc = log_p_alive(p, x, tx, T, &la);
    if (rc == SVCM_OK)
        *out = exp(la - p->s * log1p(tau / (p->beta + T)));
    return rc;
}

int svcm_paretonbd_p_alive_at(const svcm_paretonbd_params *params, double tau, const double *x,
                              const double *t_x, const double *T, size_t n, double *out,
                              svcm_error *err)
{
    if (!isfinite(tau) || tau < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "tau",
                           "tau must be finite and >= 0, got %g", tau);
    return for_records(params, tau, x, t_x, T, n, out, p_alive_at_one, err);
}

/* --------------------------------------------------- expected purchases */

/* (1 - (1 + t/c)^-(s-1)) / (s-1), the integral of the Pareto survival
 * (1 + u/c)^-s over (0, t] divided by c; expm1 keeps s near 1 exact and
 * s = 1 is its limit log1p(t/c). */
static double survival_integral(double s, double t, double c)
{
    double L = log1p(t / c), e = s - 1.0;
    return e == 0.0 ? L : -expm1(-e * L) / e;
}

/* E[X(t) | x, t_x, T] = (r+x)(beta+T)/(alpha+T) * that integral * P(alive)
 * (Fader & Hardie 2005 note). */
static int expected_one(const svcm_paretonbd_params *p, double t, double x, double tx, double T,
                        double *out)
{
    double la;
    int rc = log_p_alive(p, x, tx, T, &la);
    if (rc != SVCM_OK)
        return rc;
    double bt = p->beta + T;
    *out = (p->r + x) / (p->alpha + T) * bt * survival_integral(p->s, t, bt) * exp(la);
    return isfinite(*out) ? SVCM_OK : SVCM_ERANGE;
}

int svcm_paretonbd_expected_purchases(const svcm_paretonbd_params *params, double t,
                                      const double *x, const double *t_x, const double *T,
                                      size_t n, double *out, svcm_error *err)
{
    return for_records(params, t, x, t_x, T, n, out, expected_one, err);
}

int svcm_paretonbd_expected_purchases_unconditional(const svcm_paretonbd_params *params,
                                                    const double *t, size_t n, double *out,
                                                    svcm_error *err)
{
    int rc = check_params(params, err);
    if (rc != SVCM_OK)
        return rc;
    if (n > 0 && (t == NULL || out == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL array");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(t[i]) || t[i] < 0.0)
            return svcm__error(err, SVCM_EINVAL, i, "t", "t must be finite and >= 0, got %g", t[i]);
    /* E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)]
     * (Schmittlein et al. 1987); finite for every valid input. */
    for (size_t i = 0; i < n; i++)
        out[i] = params->r / params->alpha * params->beta *
                 survival_integral(params->s, t[i], params->beta);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(out[i]))
            return svcm__error(err, SVCM_ERANGE, i, "t", "E[X(t)] is beyond the double range");
    return SVCM_OK;
}

/* ------------------------------------------------------------ P(X(t)=n) */

/* P(X(t) = n) = C [(alpha/(alpha+t))^r (t/(alpha+t))^n (beta/(beta+t))^s
 *              + alpha^r beta^s s J],  C = Gamma(r+n) / (Gamma(r) n!),
 * J = int_0^t tau^n (alpha+tau)^-(r+n) (beta+tau)^-(s+1) dtau: alive all
 * of (0, t] with Poisson(lambda t) purchases, or dead at tau with
 * Poisson(lambda tau), mixed over the gammas (the same mixture as Fader &
 * Hardie's note, integrated here directly). In y = log tau the log
 * of J's integrand is concave. */
typedef struct pmf_ctx {
    double n, r, al, s, be;
} pmf_ctx;

static double pmf_h(double y, const void *vc, double *dh, double g[2])
{
    const pmf_ctx *c = vc;
    double e = exp(y), la = log(c->al + e), lb = log(c->be + e);
    *dh = (c->n + 1.0) - (c->r + c->n) * e / (c->al + e) - (c->s + 1.0) * e / (c->be + e);
    g[0] = g[1] = 0.0;
    return (c->n + 1.0) * y - (c->r + c->n) * la - (c->s + 1.0) * lb;
}

static int pmf_one(const svcm_paretonbd_params *p, double t, double n, double *out)
{
    if (t == 0.0) {
        *out = n == 0.0 ? 1.0 : 0.0;
        return SVCM_OK;
    }
    double r = p->r, al = p->alpha, s = p->s, be = p->beta;
    double lc = lgamma_diff(r, n) - svcm__lgamma(n + 1.0);
    double l1 = -r * log1p(t / al) - s * log1p(t / be) + (n > 0.0 ? n * log(t / (al + t)) : 0.0);
    pmf_ctx c = {n, r, al, s, be};
    double lj, mom[2];
    int rc = log_quad(pmf_h, &c, -INFINITY, log(t), 1, &lj, mom);
    if (rc != SVCM_OK)
        return rc;
    double l2 = r * log(al) + s * log(be) + log(s) + lj;
    *out = fmin(1.0, exp(lc + logaddexp(l1, l2)));
    return isfinite(*out) ? SVCM_OK : SVCM_ERANGE;
}

int svcm_paretonbd_probability_of_purchases(const svcm_paretonbd_params *params, double t,
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
        if ((rc = pmf_one(params, t, counts[i], &v)) != SVCM_OK) {
            record_error(rc, i, err);
            return rc;
        }
    for (size_t i = 0; i < n; i++)
        pmf_one(params, t, counts[i], &out[i]);
    return SVCM_OK;
}
