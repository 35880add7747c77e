/* Tests of the MBG/NBD model (src/mbgnbd.c).
 *
 * Published values:
 * - [BDF07] Batislam, Denizel & Filiztekin (2007), "Empirical validation
 *   and comparison of models for customer base analysis", IJRM 24(3): the
 *   CDNOW estimates r = 0.525, alpha = 6.183, a = 0.891, b = 1.614, which
 *   the lifetimes package (ModifiedBetaGeoFitter) reproduces on the same
 *   2,357 customers.
 * Independent checks: a Monte-Carlo simulation of the MBG/NBD process
 * written here (fixed seed; tolerances from the estimator's own standard
 * error), and a numerical Hessian of the log-likelihood for the standard
 * errors. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/lifetime.h"

#define CLOSE(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* [BDF07] */
static const svcm_mbgnbd_params published = {0.525, 6.183, 0.891, 1.614};

/* ------------------------------------------------------------ data */

typedef struct cdnow {
    size_t n;
    double *x, *tx, *T;
} cdnow;

static void cdnow_load(cdnow *d)
{
    FILE *f = fopen(SVCM_DATA_DIR "/cdnow_summary.csv", "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    size_t cap = 4096;
    d->x = malloc(cap * sizeof *d->x);
    d->tx = malloc(cap * sizeof *d->tx);
    d->T = malloc(cap * sizeof *d->T);
    d->n = 0;
    int id;
    double zbar;
    while (fgets(line, sizeof line, f) != NULL) {
        assert_true(d->n < cap);
        assert_int_equal(
            sscanf(line, "%d,%lf,%lf,%lf,%lf", &id, &d->x[d->n], &d->tx[d->n], &d->T[d->n], &zbar),
            5);
        d->n++;
    }
    fclose(f);
    assert_int_equal(d->n, 2357);
}

static void cdnow_free(cdnow *d)
{
    free(d->x);
    free(d->tx);
    free(d->T);
}

/* ------------------------------------------------------------ RNG */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next_u64(rng *g) /* splitmix64 */
{
    uint64_t z = (g->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double unif(rng *g) /* in (0, 1) */
{
    return ((double)(next_u64(g) >> 11) + 0.5) * 0x1.0p-53;
}

static double normal(rng *g)
{
    return sqrt(-2.0 * log(unif(g))) * cos(6.283185307179586 * unif(g));
}

/* Gamma(shape, 1): Marsaglia & Tsang (2000); shape < 1 by G(k+1) U^(1/k). */
static double gamma_draw(rng *g, double k)
{
    if (k < 1.0)
        return gamma_draw(g, k + 1.0) * pow(unif(g), 1.0 / k);
    double d = k - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double z = normal(g), v = 1.0 + c * z;
        if (v <= 0.0)
            continue;
        v = v * v * v;
        double u = unif(g);
        if (log(u) < 0.5 * z * z + d - d * v + d * log(v))
            return d * v;
    }
}

static double beta_draw(rng *g, double a, double b)
{
    double x = gamma_draw(g, a), y = gamma_draw(g, b);
    return x / (x + y);
}

/* Purchases in a window of length t of a customer alive at its start:
 * Poisson(lambda) purchases, each followed by dropout with probability p. */
static int purchases_in(rng *g, double lambda, double p, double t)
{
    int k = 0;
    double s = 0.0;
    for (;;) {
        s += -log(unif(g)) / lambda;
        if (s > t)
            return k;
        k++;
        if (unif(g) < p)
            return k;
    }
}

/* ----------------------------------------------- published estimates */

static void test_fit_reproduces_batislam_2007_cdnow_estimates(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    struct svcm_mbgnbd_fit_result r;
    svcm_error err;
    assert_int_equal(svcm_mbgnbd_fit(d.x, d.tx, d.T, NULL, d.n, NULL, NULL, &r, &err), SVCM_OK);
    /* [BDF07]: to the published three decimals. */
    CLOSE(r.params.r, 0.525, 0.0005);
    CLOSE(r.params.alpha, 6.183, 0.0005);
    CLOSE(r.params.a, 0.891, 0.0005);
    CLOSE(r.params.b, 1.614, 0.0005);
    assert_int_equal(r.n, 2357);
    CLOSE(r.weight, 2357.0, 0.0);
    assert_true(r.groups < r.n && r.iterations > 0);
    double ll;
    assert_int_equal(svcm_mbgnbd_loglik(&r.params, d.x, d.tx, d.T, d.n, &ll, NULL), SVCM_OK);
    CLOSE(ll, r.loglik, 1e-6);
    /* A maximum: moving any parameter by 1% lowers the likelihood. */
    for (int k = 0; k < 4; k++)
        for (int s = -1; s <= 1; s += 2) {
            svcm_mbgnbd_params q = r.params;
            double *v = k == 0 ? &q.r : k == 1 ? &q.alpha : k == 2 ? &q.a : &q.b;
            *v *= 1.0 + 0.01 * s;
            double l2;
            assert_int_equal(svcm_mbgnbd_loglik(&q, d.x, d.tx, d.T, d.n, &l2, NULL), SVCM_OK);
            assert_true(l2 < ll);
        }
    cdnow_free(&d);
}

/* Gauss-Jordan inverse of a 4x4 matrix (test-side, independent of the
 * library's Cholesky). */
static void invert4(double A[4][4], double inv[4][4])
{
    double M[4][8];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            M[i][j] = j < 4 ? A[i][j] : (j - 4 == i);
    for (int c = 0; c < 4; c++) {
        int piv = c;
        for (int i = c + 1; i < 4; i++)
            if (fabs(M[i][c]) > fabs(M[piv][c]))
                piv = i;
        for (int j = 0; j < 8; j++) {
            double t = M[c][j];
            M[c][j] = M[piv][j];
            M[piv][j] = t;
        }
        double p = M[c][c];
        for (int j = 0; j < 8; j++)
            M[c][j] /= p;
        for (int i = 0; i < 4; i++)
            if (i != c) {
                double f = M[i][c];
                for (int j = 0; j < 8; j++)
                    M[i][j] -= f * M[c][j];
            }
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            inv[i][j] = M[i][j + 4];
}

static double ll_at(const double *v, const cdnow *d)
{
    svcm_mbgnbd_params q = {v[0], v[1], v[2], v[3]};
    double ll = NAN;
    assert_int_equal(svcm_mbgnbd_loglik(&q, d->x, d->tx, d->T, d->n, &ll, NULL), SVCM_OK);
    return ll;
}

static void test_standard_errors_match_a_second_difference_hessian(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    struct svcm_mbgnbd_fit_result r;
    assert_int_equal(svcm_mbgnbd_fit(d.x, d.tx, d.T, NULL, d.n, NULL, NULL, &r, NULL), SVCM_OK);
    /* -d2 LL / dv_i dv_j by second differences of the log-likelihood in the
     * natural parameters (the library differentiates its gradient in the
     * log-parameters), h = 1e-4 of each parameter. */
    double v[4] = {r.params.r, r.params.alpha, r.params.a, r.params.b}, H[4][4], C[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double hi = 1e-4 * v[i], hj = 1e-4 * v[j], f[4];
            for (int s = 0; s < 4; s++) {
                double w[4] = {v[0], v[1], v[2], v[3]};
                w[i] += (s & 1 ? -hi : hi);
                w[j] += (s & 2 ? -hj : hj);
                f[s] = ll_at(w, &d);
            }
            H[i][j] = -(f[0] - f[1] - f[2] + f[3]) / (4.0 * hi * hj);
        }
    invert4(H, C);
    double se[4] = {r.se.r, r.se.alpha, r.se.a, r.se.b};
    for (int k = 0; k < 4; k++) {
        assert_true(se[k] > 0.0 && isfinite(se[k]));
        CLOSE(se[k], sqrt(C[k][k]), 2e-3 * sqrt(C[k][k]));
    }
    cdnow_free(&d);
}

static void test_weighted_fit_equals_fit_of_repeated_rows(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    /* Collapse the data into distinct rows with counts (test-side). */
    double *ux = malloc(d.n * sizeof *ux), *ut = malloc(d.n * sizeof *ut),
           *uT = malloc(d.n * sizeof *uT), *w = malloc(d.n * sizeof *w);
    size_t m = 0;
    for (size_t i = 0; i < d.n; i++) {
        size_t k = 0;
        while (k < m && !(ux[k] == d.x[i] && ut[k] == d.tx[i] && uT[k] == d.T[i]))
            k++;
        if (k == m) {
            ux[m] = d.x[i], ut[m] = d.tx[i], uT[m] = d.T[i], w[m] = 0.0;
            m++;
        }
        w[k] += 1.0;
    }
    assert_true(m < d.n);
    struct svcm_mbgnbd_fit_result a, b, c;
    assert_int_equal(svcm_mbgnbd_fit(d.x, d.tx, d.T, NULL, d.n, NULL, NULL, &a, NULL), SVCM_OK);
    assert_int_equal(svcm_mbgnbd_fit(ux, ut, uT, w, m, NULL, NULL, &b, NULL), SVCM_OK);
    CLOSE(b.params.r, a.params.r, 1e-6);
    CLOSE(b.params.alpha, a.params.alpha, 1e-5);
    CLOSE(b.params.a, a.params.a, 1e-6);
    CLOSE(b.params.b, a.params.b, 1e-6);
    CLOSE(b.loglik, a.loglik, 1e-6);
    CLOSE(b.se.r, a.se.r, 1e-6);
    CLOSE(b.weight, 2357.0, 1e-9);
    assert_int_equal(b.groups, a.groups);
    /* Doubling every weight: same estimates, twice the log-likelihood,
     * standard errors smaller by sqrt(2). */
    for (size_t k = 0; k < m; k++)
        w[k] *= 2.0;
    assert_int_equal(svcm_mbgnbd_fit(ux, ut, uT, w, m, NULL, NULL, &c, NULL), SVCM_OK);
    CLOSE(c.params.r, a.params.r, 1e-6);
    CLOSE(c.loglik, 2.0 * a.loglik, 1e-5);
    CLOSE(c.se.a * sqrt(2.0), a.se.a, 1e-5 * a.se.a);
    free(ux), free(ut), free(uT), free(w);
    cdnow_free(&d);
}

/* ---------------------------------------------- closed forms by hand */

static void test_p_alive_matches_the_closed_form_and_is_below_1_for_one_time_buyers(void **state)
{
    (void)state;
    const svcm_mbgnbd_params *p = &published;
    double x[3] = {0, 2, 5}, tx[3] = {0, 30.43, 20}, T[3] = {38.86, 38.86, 38.86}, out[3];
    assert_int_equal(svcm_mbgnbd_p_alive(p, x, tx, T, 3, out, NULL), SVCM_OK);
    for (int i = 0; i < 3; i++) {
        /* [BDF07]: 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)) */
        double odds = p->a / (p->b + x[i]) * pow((p->alpha + T[i]) / (p->alpha + tx[i]), p->r + x[i]);
        CLOSE(out[i], 1.0 / (1.0 + odds), 1e-14);
    }
    assert_true(out[0] < 0.5); /* x = 0: most one-time buyers have left */
    /* A brand-new customer (T = 0) is alive with probability E[1-p] =
     * b/(a+b). */
    double z = 0.0, one;
    assert_int_equal(svcm_mbgnbd_p_alive(p, &z, &z, &z, 1, &one, NULL), SVCM_OK);
    CLOSE(one, p->b / (p->a + p->b), 1e-15);
}

static void test_expected_for_a_customer_seen_for_no_time_is_the_unconditional_one(void **state)
{
    (void)state;
    double t[4] = {0.0, 1.0, 39.0, 78.0}, u[4], c[4], z = 0.0;
    assert_int_equal(svcm_mbgnbd_expected_purchases_unconditional(&published, t, 4, u, NULL),
                     SVCM_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(
            svcm_mbgnbd_expected_purchases(&published, t[i], &z, &z, &z, 1, &c[i], NULL), SVCM_OK);
    for (int i = 0; i < 4; i++)
        CLOSE(c[i], u[i], 1e-13 * (1.0 + u[i]));
    assert_true(u[0] == 0.0 && u[1] < u[2] && u[2] < u[3]);
}

/* ------------------------------------------------------ Monte Carlo */

/* The posterior by importance weighting: draw (lambda, p) from the prior;
 * weigh each draw by the probability of the history (x, t_x, T) and
 * "alive at T" (alive) or "dropped out right after the last purchase"
 * (dead); simulate the next t units of an
 * alive customer. P(alive) = sum alive / sum (alive + dead), E[Y] = sum
 * alive * Y / sum (alive + dead). se[] receives the delta-method standard
 * errors of the two ratio estimators. */
static void mc_posterior(const svcm_mbgnbd_params *p, double x, double tx, double T, double t,
                         int draws, double est[2], double se[2])
{
    rng g = {12345u + (uint64_t)(x * 1000 + tx)};
    double sA = 0, sY = 0, sB = 0, sAA = 0, sYY = 0, sBB = 0, sAB = 0, sYB = 0;
    for (int k = 0; k < draws; k++) {
        double lam = gamma_draw(&g, p->r) / p->alpha, q = beta_draw(&g, p->a, p->b);
        double lx = pow(lam, x); /* the x purchases: same in both, not across draws */
        double alive = lx * exp(-lam * T) * pow(1.0 - q, x + 1.0);
        double dead = lx * exp(-lam * tx) * q * pow(1.0 - q, x);
        double y = alive * purchases_in(&g, lam, q, t), b = alive + dead;
        sA += alive, sY += y, sB += b;
        sAA += alive * alive, sYY += y * y, sBB += b * b, sAB += alive * b, sYB += y * b;
    }
    double n = draws, R[2] = {sA / sB, sY / sB}, m2[2] = {sAA, sYY}, mx[2] = {sAB, sYB};
    for (int i = 0; i < 2; i++) {
        /* Var(sum A / sum B) ~ E[(A - R B)^2] / (n E[B]^2) */
        double v = (m2[i] - 2.0 * R[i] * mx[i] + R[i] * R[i] * sBB) / n;
        est[i] = R[i];
        se[i] = sqrt(v / n) / (sB / n);
    }
}

static void test_p_alive_and_expectation_agree_with_a_simulated_posterior(void **state)
{
    (void)state;
    const svcm_mbgnbd_params *p = &published;
    /* histories of the CDNOW calibration period (T = 38.86 weeks) */
    const double cases[4][3] = {{0, 0, 38.86}, {2, 30.43, 38.86}, {5, 20, 38.86}, {1, 5, 10}};
    for (int c = 0; c < 4; c++) {
        double x = cases[c][0], tx = cases[c][1], T = cases[c][2], t = 39.0, pa, ey;
        assert_int_equal(svcm_mbgnbd_p_alive(p, &x, &tx, &T, 1, &pa, NULL), SVCM_OK);
        assert_int_equal(svcm_mbgnbd_expected_purchases(p, t, &x, &tx, &T, 1, &ey, NULL), SVCM_OK);
        double est[2], se[2];
        mc_posterior(p, x, tx, T, t, 400000, est, se);
        /* The simulation must be precise enough to catch an error of a few
         * percent, and agree within 4.5 of its standard errors. */
        assert_true(se[0] < 0.01 && se[1] < 0.03 * ey + 0.005);
        CLOSE(pa, est[0], 4.5 * se[0]);
        CLOSE(ey, est[1], 4.5 * se[1]);
    }
}

static void test_unconditional_expectation_agrees_with_simulated_new_customers(void **state)
{
    (void)state;
    const svcm_mbgnbd_params *p = &published;
    double t[3] = {5.0, 39.0, 78.0}, e[3];
    assert_int_equal(svcm_mbgnbd_expected_purchases_unconditional(p, t, 3, e, NULL), SVCM_OK);
    rng g = {987654321u};
    const int n = 300000;
    double s[3] = {0, 0, 0}, ss[3] = {0, 0, 0};
    for (int k = 0; k < n; k++) {
        double lam = gamma_draw(&g, p->r) / p->alpha, q = beta_draw(&g, p->a, p->b);
        /* dropout right after the first purchase, at time 0 */
        int gone = unif(&g) < q;
        rng h0 = {next_u64(&g)};
        for (int i = 0; i < 3; i++) {
            rng h = h0; /* the same path for every horizon */
            double y = gone ? 0.0 : purchases_in(&h, lam, q, t[i]);
            s[i] += y, ss[i] += y * y;
        }
    }
    for (int i = 0; i < 3; i++) {
        double mean = s[i] / n, se = sqrt((ss[i] / n - mean * mean) / n);
        assert_true(se < 0.02 * mean);
        CLOSE(e[i], mean, 4.5 * se);
    }
}

/* ------------------------------------------------------ P(X(t) = k) */

static void test_purchase_pmf_matches_40_digit_values(void **state)
{
    (void)state;
    /* B(a, b+k+1)/B(a, b) NBD(k) + B(a+1, b+k)/B(a, b) I_z(k, r) evaluated
     * with mpmath 1.3 (beta, betainc) at 40 digits. */
    static const double cases[][7] = {
        {0.525, 6.183, 0.891, 1.614, 39, 0, 0.58247318949328895},
        {0.525, 6.183, 0.891, 1.614, 39, 1, 0.18278307728754052},
        {0.525, 6.183, 0.891, 1.614, 39, 7, 0.0092406965667428239},
        {0.525, 6.183, 0.891, 1.614, 39, 60, 1.7908322732767098e-7},
        {2, 1, 3, 0.5, 100, 150, 7.6469372731018451e-9},
        {2, 1, 3, 0.5, 100, 50, 7.3940342624635398e-7},
        {0.01, 1, 0.5, 0.5, 1e6, 3, 0.0053342464616125922},
        {50, 10, 2, 2, 5, 20, 0.0013691708722625772},
        {1, 1, 1, 1, 0, 0, 1.0},
        {1, 1, 1, 1, 0, 3, 0.0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const double *v = cases[c];
        svcm_mbgnbd_params p = {v[0], v[1], v[2], v[3]};
        double got = -1;
        assert_int_equal(svcm_mbgnbd_purchase_pmf(&p, v[4], &v[5], 1, &got, NULL), SVCM_OK);
        CLOSE(got, v[6], 5e-12 * v[6]);
    }
}

static void test_purchase_pmf_sums_to_1_with_the_unconditional_mean(void **state)
{
    (void)state;
    /* Two different formulas: the mean of the distribution must be E[X(t)]
     * (the hypergeometric closed form). */
    enum { K = 1500 };
    static double k[K], pm[K];
    for (int i = 0; i < K; i++)
        k[i] = i;
    const double ts[3] = {1.0, 39.0, 78.0};
    for (int j = 0; j < 3; j++) {
        double e, s = 0.0, m = 0.0;
        assert_int_equal(svcm_mbgnbd_purchase_pmf(&published, ts[j], k, K, pm, NULL), SVCM_OK);
        assert_int_equal(svcm_mbgnbd_expected_purchases_unconditional(&published, &ts[j], 1, &e, NULL),
                         SVCM_OK);
        for (int i = K - 1; i >= 0; i--) /* smallest first */
            s += pm[i], m += k[i] * pm[i];
        CLOSE(s, 1.0, 1e-12);
        CLOSE(m, e, 1e-11);
    }
}

static void test_purchase_pmf_agrees_with_simulated_new_customers(void **state)
{
    (void)state;
    const svcm_mbgnbd_params *p = &published;
    const double t = 39.0, ks[4] = {0, 1, 2, 5};
    double want[4];
    assert_int_equal(svcm_mbgnbd_purchase_pmf(p, t, ks, 4, want, NULL), SVCM_OK);
    rng g = {424242u};
    const int n = 300000;
    int hits[4] = {0, 0, 0, 0};
    for (int i = 0; i < n; i++) {
        double lam = gamma_draw(&g, p->r) / p->alpha, q = beta_draw(&g, p->a, p->b);
        int x = unif(&g) < q ? 0 : purchases_in(&g, lam, q, t);
        for (int j = 0; j < 4; j++)
            hits[j] += x == (int)ks[j];
    }
    for (int j = 0; j < 4; j++) {
        double f = (double)hits[j] / n, se = sqrt(want[j] * (1.0 - want[j]) / n);
        CLOSE(f, want[j], 4.5 * se);
    }
    /* bad input */
    double bad[2] = {1, 1.5}, out[2] = {-1, -1};
    svcm_error err;
    assert_int_equal(svcm_mbgnbd_purchase_pmf(p, t, bad, 2, out, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "k");
    assert_int_equal(svcm_mbgnbd_purchase_pmf(p, -1.0, ks, 2, out, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "t");
    assert_int_equal(svcm_mbgnbd_purchase_pmf(p, t, NULL, 2, out, &err), SVCM_EINVAL);
    assert_int_equal(svcm_mbgnbd_purchase_pmf(NULL, t, ks, 2, out, &err), SVCM_EINVAL);
    assert_true(out[0] == -1 && out[1] == -1);
}

/* ------------------------------------------------------ extremes */

static void test_extreme_inputs_give_finite_results(void **state)
{
    (void)state;
    double x[4] = {1e12, 0, 3, 1}, tx[4] = {1e6, 0, 1e300, 0}, T[4] = {1e6, 1e300, 1e300, 1e-300};
    const svcm_mbgnbd_params ps[4] = {
        {0.525, 6.183, 0.891, 1.614}, {1e-8, 1e8, 1e-8, 1e8}, {1e8, 1e-8, 1e8, 1e-8}, {1, 1, 1, 1}};
    for (int k = 0; k < 4; k++) {
        double pa[4], ll;
        assert_int_equal(svcm_mbgnbd_p_alive(&ps[k], x, tx, T, 4, pa, NULL), SVCM_OK);
        for (int i = 0; i < 4; i++)
            assert_true(pa[i] >= 0.0 && pa[i] <= 1.0);
        assert_int_equal(svcm_mbgnbd_loglik(&ps[k], x, tx, T, 4, &ll, NULL), SVCM_OK);
        assert_true(isfinite(ll));
        double e[4];
        int rc = svcm_mbgnbd_expected_purchases(&ps[k], 10.0, x, tx, T, 4, e, NULL);
        assert_true(rc == SVCM_OK || rc == SVCM_ENOCONV);
        if (rc == SVCM_OK)
            for (int i = 0; i < 4; i++)
                assert_true(isfinite(e[i]) && e[i] >= 0.0);
    }
    /* a = 1 exactly: the 1/(a-1) of the closed form is handled, and the
     * result lies between its neighbours a = 1 -+ 1e-6. */
    double xx = 2, txx = 10, TT = 20, e0, e1, e2;
    svcm_mbgnbd_params q = {0.5, 5, 1.0, 2.0};
    assert_int_equal(svcm_mbgnbd_expected_purchases(&q, 20, &xx, &txx, &TT, 1, &e1, NULL), SVCM_OK);
    q.a = 1.0 - 1e-6;
    assert_int_equal(svcm_mbgnbd_expected_purchases(&q, 20, &xx, &txx, &TT, 1, &e0, NULL), SVCM_OK);
    q.a = 1.0 + 1e-6;
    assert_int_equal(svcm_mbgnbd_expected_purchases(&q, 20, &xx, &txx, &TT, 1, &e2, NULL), SVCM_OK);
    assert_true(isfinite(e1) && fabs(e1 - 0.5 * (e0 + e2)) < 1e-8);
    /* near the double range the log-likelihood is ERANGE, not NaN */
    svcm_mbgnbd_params big = {1e308, 1e-300, 1, 1};
    double ll = 7.0;
    svcm_error err;
    assert_int_equal(svcm_mbgnbd_loglik(&big, x, tx, T, 1, &ll, &err), SVCM_ERANGE);
    assert_true(ll == 7.0 && err.index == 0);
}

/* ------------------------------------------------------ errors */

static void test_bad_parameters_and_records_are_einval_naming_the_field(void **state)
{
    (void)state;
    double x[2] = {1, 0}, tx[2] = {1, 0}, T[2] = {3, 3}, out[2] = {-1, -1}, ll = -1;
    svcm_error err;
    const char *names[4] = {"r", "alpha", "a", "b"};
    for (int k = 0; k < 4; k++) {
        double bad[3] = {0.0, NAN, INFINITY};
        for (int j = 0; j < 3; j++) {
            svcm_mbgnbd_params p = published;
            double *v = k == 0 ? &p.r : k == 1 ? &p.alpha : k == 2 ? &p.a : &p.b;
            *v = bad[j];
            assert_int_equal(svcm_mbgnbd_p_alive(&p, x, tx, T, 2, out, &err), SVCM_EINVAL);
            assert_string_equal(err.field, names[k]);
            assert_int_equal(svcm_mbgnbd_loglik(&p, x, tx, T, 2, &ll, &err), SVCM_EINVAL);
            assert_int_equal(svcm_mbgnbd_expected_purchases(&p, 1, x, tx, T, 2, out, &err),
                             SVCM_EINVAL);
            assert_int_equal(svcm_mbgnbd_expected_purchases_unconditional(&p, T, 2, out, &err),
                             SVCM_EINVAL);
            assert_string_equal(err.field, names[k]);
        }
    }
    assert_int_equal(svcm_mbgnbd_p_alive(NULL, x, tx, T, 2, out, &err), SVCM_EINVAL);
    /* bad records: (x, t_x, T) and the field named */
    const double recs[7][3] = {{-1, 0, 3}, {1.5, 1, 3}, {NAN, 1, 3}, {1, 1, -1},
                               {1, 4, 3},  {1, -1, 3},  {0, 1, 3}};
    const char *fields[7] = {"x", "x", "x", "T", "t_x", "t_x", "t_x"};
    for (int k = 0; k < 7; k++) {
        double bx[2] = {1, recs[k][0]}, bt[2] = {1, recs[k][1]}, bT[2] = {3, recs[k][2]};
        assert_int_equal(svcm_mbgnbd_p_alive(&published, bx, bt, bT, 2, out, &err), SVCM_EINVAL);
        assert_int_equal(err.index, 1);
        assert_string_equal(err.field, fields[k]);
        assert_int_equal(svcm_mbgnbd_expected_purchases(&published, 1, bx, bt, bT, 2, out, &err),
                         SVCM_EINVAL);
        assert_string_equal(err.field, fields[k]);
        struct svcm_mbgnbd_fit_result r;
        assert_int_equal(svcm_mbgnbd_fit(bx, bt, bT, NULL, 2, NULL, NULL, &r, &err), SVCM_EINVAL);
        assert_string_equal(err.field, fields[k]);
    }
    assert_true(out[0] == -1 && out[1] == -1 && ll == -1); /* nothing written */
    double badt[2] = {1, -1};
    assert_int_equal(svcm_mbgnbd_expected_purchases(&published, NAN, x, tx, T, 2, out, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "t");
    assert_int_equal(svcm_mbgnbd_expected_purchases_unconditional(&published, badt, 2, out, &err),
                     SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "t");
    assert_int_equal(svcm_mbgnbd_expected_purchases(&published, 1, x, tx, T, 2, NULL, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_mbgnbd_expected_purchases_unconditional(&published, NULL, 2, out, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_mbgnbd_loglik(&published, x, tx, T, 2, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_mbgnbd_p_alive(&published, NULL, tx, T, 2, out, &err), SVCM_EINVAL);
    assert_true(out[0] == -1 && out[1] == -1);
    /* n = 0 is fine for the pure functions */
    assert_int_equal(svcm_mbgnbd_loglik(&published, NULL, NULL, NULL, 0, &ll, NULL), SVCM_OK);
    assert_true(ll == 0.0);
}

static void test_fit_errors_are_reported_and_leave_out_untouched(void **state)
{
    (void)state;
    double x[3] = {1, 0, 2}, tx[3] = {1, 0, 2}, T[3] = {3, 3, 4}, w[3] = {1, 1, 1};
    struct svcm_mbgnbd_fit_result r = {.loglik = -7};
    svcm_error err;
    assert_int_equal(svcm_mbgnbd_fit(x, tx, T, NULL, 3, NULL, NULL, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_mbgnbd_fit(NULL, tx, T, NULL, 3, NULL, NULL, &r, &err), SVCM_EINVAL);
    assert_int_equal(svcm_mbgnbd_fit(x, tx, T, NULL, 0, NULL, NULL, &r, &err), SVCM_EEMPTY);
    double zx[2] = {0, 0}, zt[2] = {0, 0};
    assert_int_equal(svcm_mbgnbd_fit(zx, zt, T, NULL, 2, NULL, NULL, &r, &err), SVCM_EEMPTY);
    assert_string_equal(err.field, "x");
    /* weights: bad values, zero total, repeaters only at weight 0 */
    const double bad[3] = {-1.0, NAN, INFINITY};
    for (int k = 0; k < 3; k++) {
        w[2] = bad[k];
        assert_int_equal(svcm_mbgnbd_fit(x, tx, T, w, 3, NULL, NULL, &r, &err), SVCM_EINVAL);
        assert_int_equal(err.index, 2);
        assert_string_equal(err.field, "weights");
    }
    double huge[3] = {DBL_MAX, DBL_MAX, 1};
    assert_int_equal(svcm_mbgnbd_fit(x, tx, T, huge, 3, NULL, NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "weights");
    double zero[3] = {0, 0, 0}, norep[3] = {0, 5, 0};
    assert_int_equal(svcm_mbgnbd_fit(x, tx, T, zero, 3, NULL, NULL, &r, &err), SVCM_EEMPTY);
    assert_int_equal(svcm_mbgnbd_fit(x, tx, T, norep, 3, NULL, NULL, &r, &err), SVCM_EEMPTY);
    assert_string_equal(err.field, "x");
    svcm_lifetime_fit_options o;
    svcm_lifetime_fit_options_init(&o);
    o.max_iter = 0;
    assert_int_equal(svcm_mbgnbd_fit(x, tx, T, NULL, 3, &o, NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "max_iter");
    o.max_iter = 200;
    o.gtol = NAN;
    assert_int_equal(svcm_mbgnbd_fit(x, tx, T, NULL, 3, &o, NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "gtol");
    assert_true(r.loglik == -7);
}

static void test_fit_reports_non_convergence_honestly(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    svcm_lifetime_fit_options o;
    svcm_lifetime_fit_options_init(&o);
    o.max_iter = 2;
    struct svcm_mbgnbd_fit_result r = {.loglik = -7};
    svcm_error err;
    assert_int_equal(svcm_mbgnbd_fit(d.x, d.tx, d.T, NULL, d.n, &o, NULL, &r, &err), SVCM_ENOCONV);
    assert_int_equal(err.code, SVCM_ENOCONV);
    assert_true(r.loglik == -7);
    /* Nobody ever buys again after the first purchase while everybody who
     * does buys at the very end: no interior maximum. */
    double x[4] = {1, 2, 3, 1}, tx[4] = {10, 10, 10, 10}, T[4] = {10, 10, 10, 10};
    assert_int_equal(svcm_mbgnbd_fit(x, tx, T, NULL, 4, NULL, NULL, &r, &err), SVCM_ENOCONV);
    assert_non_null(err.field);
    assert_true(r.loglik == -7);
    cdnow_free(&d);
}

static void *fail_alloc(void *ctx, size_t n)
{
    int *budget = ctx;
    return (*budget)-- > 0 ? malloc(n) : NULL;
}
static void *fail_realloc(void *ctx, void *p, size_t n)
{
    int *budget = ctx;
    return (*budget)-- > 0 ? realloc(p, n) : NULL;
}
static void fail_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

static void test_fit_of_many_distinct_rows_is_the_maximum(void **state)
{
    (void)state;
    /* 110000 customers with continuous times, every row distinct: the fit
     * starts from the fit of a subsample (optimize.h, SVCM__WARM_MIN). The
     * result is the maximum of svcm_mbgnbd_loglik(): the same loglik there
     * and a zero gradient by central differences in log(params) (a point 1%
     * off the maximum gives ~1e-3 per customer). */
    const size_t n = 110000;
    double *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx), *T = malloc(n * sizeof *T);
    assert_true(x && tx && T);
    rng g = {2007};
    for (size_t i = 0; i < n; i++) {
        double lam = gamma_draw(&g, 0.525) / 6.183, p = beta_draw(&g, 0.891, 1.614);
        T[i] = 39.0 - 13.0 * unif(&g);
        double t = 0.0;
        x[i] = 0.0;
        tx[i] = 0.0;
        if (unif(&g) < p) /* MBG/NBD: may drop out at time 0 */
            continue;
        for (;;) {
            t += -log(unif(&g)) / lam;
            if (t > T[i])
                break;
            x[i] += 1.0;
            tx[i] = t;
            if (unif(&g) < p)
                break;
        }
    }
    struct svcm_mbgnbd_fit_result r;
    assert_int_equal(svcm_mbgnbd_fit(x, tx, T, NULL, n, NULL, NULL, &r, NULL), SVCM_OK);
    assert_int_equal(r.groups, n);
    assert_true(r.iterations <= 12); /* from the usual start: ~25 */
    double ll;
    assert_int_equal(svcm_mbgnbd_loglik(&r.params, x, tx, T, n, &ll, NULL), SVCM_OK);
    CLOSE(r.loglik, ll, 1e-12 * fabs(ll));
    const double v[4] = {r.params.r, r.params.alpha, r.params.a, r.params.b}, h = 1e-4;
    for (int k = 0; k < 4; k++) {
        double f[2];
        for (int sgn = 0; sgn < 2; sgn++) {
            double w[4] = {v[0], v[1], v[2], v[3]};
            w[k] *= exp(sgn ? -h : h);
            svcm_mbgnbd_params q = {w[0], w[1], w[2], w[3]};
            assert_int_equal(svcm_mbgnbd_loglik(&q, x, tx, T, n, &f[sgn], NULL), SVCM_OK);
        }
        assert_true(fabs(f[0] - f[1]) / (2.0 * h) / (double)n < 1e-6);
    }
    const double se[4] = {r.se.r, r.se.alpha, r.se.a, r.se.b}, t[4] = {0.525, 6.183, 0.891, 1.614};
    for (int k = 0; k < 4; k++)
        assert_true(isfinite(se[k]) && se[k] > 0.0 && fabs(v[k] - t[k]) <= 5.0 * se[k]);
    free(x);
    free(tx);
    free(T);
}

static void test_fit_reports_enomem_from_the_allocator(void **state)
{
    (void)state;
    int budget = 0;
    svcm_allocator al = {fail_alloc, fail_realloc, fail_free, &budget};
    double x[2] = {1, 0}, tx[2] = {1, 0}, T[2] = {3, 3};
    struct svcm_mbgnbd_fit_result r;
    svcm_error err;
    assert_int_equal(svcm_mbgnbd_fit(x, tx, T, NULL, 2, NULL, &al, &r, &err), SVCM_ENOMEM);
    assert_int_equal(err.code, SVCM_ENOMEM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_reproduces_batislam_2007_cdnow_estimates),
        cmocka_unit_test(test_standard_errors_match_a_second_difference_hessian),
        cmocka_unit_test(test_weighted_fit_equals_fit_of_repeated_rows),
        cmocka_unit_test(test_p_alive_matches_the_closed_form_and_is_below_1_for_one_time_buyers),
        cmocka_unit_test(test_expected_for_a_customer_seen_for_no_time_is_the_unconditional_one),
        cmocka_unit_test(test_p_alive_and_expectation_agree_with_a_simulated_posterior),
        cmocka_unit_test(test_unconditional_expectation_agrees_with_simulated_new_customers),
        cmocka_unit_test(test_purchase_pmf_matches_40_digit_values),
        cmocka_unit_test(test_purchase_pmf_sums_to_1_with_the_unconditional_mean),
        cmocka_unit_test(test_purchase_pmf_agrees_with_simulated_new_customers),
        cmocka_unit_test(test_extreme_inputs_give_finite_results),
        cmocka_unit_test(test_bad_parameters_and_records_are_einval_naming_the_field),
        cmocka_unit_test(test_fit_errors_are_reported_and_leave_out_untouched),
        cmocka_unit_test(test_fit_reports_non_convergence_honestly),
        cmocka_unit_test(test_fit_reports_enomem_from_the_allocator),
        cmocka_unit_test(test_fit_of_many_distinct_rows_is_the_maximum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
