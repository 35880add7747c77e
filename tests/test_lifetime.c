/* Tests of the lifetime engine: BG/NBD, Gamma-Gamma, CLV, summaries.
 *
 * Published values come from:
 * - [FHL05] Fader, Hardie & Lee (2005), "Counting Your Customers the Easy
 *   Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2):
 *   CDNOW estimates r = 0.243, alpha = 4.414, a = 0.793, b = 2.426,
 *   LL = -9582.4.
 * - [HX] Hardie's BG/NBD Excel workbook for that paper, as quoted in the
 *   test suite of the lifetimes package (tests/test_estimation.py): the
 *   conditional expectation 1.226 for x = 2, t_x = 30.43, T = 38.86 over 39
 *   weeks, and E[X(t)] = 0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576 at
 *   t = 0.1429, 1, 3, 31.8571, 32, 78.
 * - [FH13] Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary
 *   Value": CDNOW estimates p = 6.25, q = 3.74, gamma = 15.44 from the 946
 *   customers with repeat purchases; the reference implementation CLVTools
 *   (tests/testthat/test_correctness_gg.R) reproduces them with
 *   LL = -4055.9177.
 * Other values are hand computations shown in comments, or a different
 * algorithm (numerical integration over the posterior) computed here. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/lifetime.h"
#include "optimize.h" /* private (src/): digamma and the BFGS minimiser */

#define CLOSE(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* ------------------------------------------------------------ data */

typedef struct cdnow {
    size_t n;
    double *x, *tx, *T, *zbar;
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
    d->zbar = malloc(cap * sizeof *d->zbar);
    d->n = 0;
    int id;
    while (fgets(line, sizeof line, f) != NULL) {
        assert_true(d->n < cap);
        assert_int_equal(sscanf(line, "%d,%lf,%lf,%lf,%lf", &id, &d->x[d->n], &d->tx[d->n],
                                &d->T[d->n], &d->zbar[d->n]),
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
    free(d->zbar);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

typedef struct txns {
    size_t n;
    int64_t *id, *time;
    double *value;
} txns;

static void txns_load(txns *t)
{
    FILE *f = fopen(SVCM_DATA_DIR "/cdnow_sample_transactions.txt", "r");
    assert_non_null(f);
    size_t cap = 8192;
    t->id = malloc(cap * sizeof *t->id);
    t->time = malloc(cap * sizeof *t->time);
    t->value = malloc(cap * sizeof *t->value);
    t->n = 0;
    long master, sample, date;
    int cds;
    double value;
    while (fscanf(f, "%ld %ld %ld %d %lf", &master, &sample, &date, &cds, &value) == 5) {
        assert_true(t->n < cap);
        t->id[t->n] = sample;
        t->time[t->n] =
            days_from_civil(date / 10000, (int)(date / 100 % 100), (int)(date % 100)) * 86400;
        t->value[t->n] = value;
        t->n++;
    }
    fclose(f);
    assert_int_equal(t->n, 6919);
}

static void txns_free(txns *t)
{
    free(t->id);
    free(t->time);
    free(t->value);
}

static const int64_t cdnow_end_day_1997_09_30 = 10134; /* checked in a test */

static const svcm_bgnbd_params published = {0.243, 4.414, 0.793, 2.426};

/* ------------------------------------------------- private numerics */

static void test_digamma_matches_closed_forms(void **state)
{
    (void)state;
    /* psi(1) = -gamma_E; psi(1/2) = -gamma_E - 2 log 2; psi(n) = H_(n-1) -
     * gamma_E; psi(x + 1) = psi(x) + 1/x (A&S 6.3.2, 6.3.3, 6.3.5). */
    const double euler = 0.57721566490153286061;
    CLOSE(svcm__digamma(1.0), -euler, 1e-15);
    CLOSE(svcm__digamma(0.5), -euler - 2.0 * log(2.0), 1e-15);
    double h9 = 1 + 1 / 2.0 + 1 / 3.0 + 1 / 4.0 + 1 / 5.0 + 1 / 6.0 + 1 / 7.0 + 1 / 8.0 + 1 / 9.0;
    CLOSE(svcm__digamma(10.0), h9 - euler, 1e-14);
    for (double x = 0.01; x < 50.0; x *= 1.7)
        CLOSE(svcm__digamma(x + 1.0), svcm__digamma(x) + 1.0 / x, 1e-13 * (1.0 + 1.0 / x));
    assert_true(isnan(svcm__digamma(0.0)) && isnan(svcm__digamma(-1.0)));
}

/* Rosenbrock's function, minimum 0 at (1, 1). */
static double rosenbrock(const double *v, double *g, void *ctx)
{
    (void)ctx;
    double a = 1.0 - v[0], b = v[1] - v[0] * v[0];
    g[0] = -2.0 * a - 400.0 * v[0] * b;
    g[1] = 200.0 * b;
    return a * a + 100.0 * b * b;
}

static void test_bfgs_finds_rosenbrock_minimum_and_reports_iteration_limit(void **state)
{
    (void)state;
    double v[2] = {-1.2, 1.0}, f = -1;
    unsigned it = 0;
    assert_int_equal(svcm__bfgs(rosenbrock, NULL, 2, v, &f, 500, 1e-10, &it), SVCM_OK);
    CLOSE(v[0], 1.0, 1e-8);
    CLOSE(v[1], 1.0, 1e-8);
    assert_true(f < 1e-15 && it > 0);
    double w[2] = {-1.2, 1.0};
    assert_int_equal(svcm__bfgs(rosenbrock, NULL, 2, w, &f, 3, 1e-10, &it), SVCM_ENOCONV);
    assert_int_equal(svcm__bfgs(rosenbrock, NULL, 0, w, &f, 3, 1e-10, &it), SVCM_ENOCONV);
}

/* f = (v - c)' A (v - c) / 2, A = [[4, 1], [1, 3]], c = (1, -2) */
static double quadratic(const double *v, double *g, void *ctx)
{
    (void)ctx;
    double d0 = v[0] - 1.0, d1 = v[1] + 2.0;
    g[0] = 4.0 * d0 + d1;
    g[1] = d0 + 3.0 * d1;
    return 0.5 * (d0 * g[0] + d1 * g[1]);
}

static void test_bfgs_h_starts_from_the_given_inverse_hessian(void **state)
{
    (void)state;
    /* From the exact inverse Hessian A^-1 = [[3, -1], [-1, 4]] / 11 the
     * first step is Newton's, which ends at the minimum of a quadratic, and
     * the secant update keeps A^-1. */
    const double Ai[4] = {3.0 / 11, -1.0 / 11, -1.0 / 11, 4.0 / 11};
    double v[2] = {2.0, 0.0}, f = -1.0, H[4] = {0};
    unsigned it = 0;
    assert_int_equal(svcm__bfgs_h(quadratic, NULL, 2, v, &f, 50, 1e-12, &it, Ai, H), SVCM_OK);
    assert_int_equal(it, 1);
    CLOSE(v[0], 1.0, 1e-14);
    CLOSE(v[1], -2.0, 1e-14);
    for (int k = 0; k < 4; k++)
        CLOSE(H[k], Ai[k], 1e-14);
    /* From the identity it takes more steps, and is svcm__bfgs() itself. */
    double w[2] = {2.0, 0.0}, u[2] = {2.0, 0.0}, fw = -1.0, fu = -2.0;
    unsigned itw = 0, itu = 0;
    assert_int_equal(svcm__bfgs_h(quadratic, NULL, 2, w, &fw, 50, 1e-12, &itw, NULL, NULL),
                     SVCM_OK);
    assert_int_equal(svcm__bfgs(quadratic, NULL, 2, u, &fu, 50, 1e-12, &itu), SVCM_OK);
    assert_true(itw > 1 && itw == itu);
    assert_true(w[0] == u[0] && w[1] == u[1] && fw == fu);
    /* Hout is written when the iterations run out as well. */
    double y[2] = {2.0, 0.0}, H1[4] = {NAN, NAN, NAN, NAN};
    assert_int_equal(svcm__bfgs_h(quadratic, NULL, 2, y, &f, 1, 1e-12, &it, NULL, H1),
                     SVCM_ENOCONV);
    assert_int_equal(it, 1);
    for (int k = 0; k < 4; k++)
        assert_true(isfinite(H1[k]));
    CLOSE(H1[1], H1[2], 1e-14); /* symmetric up to contracted rounding */
    assert_true(H1[0] > 0.0 && H1[3] > 0.0);
}

/* ------------------------------------------------------ BG/NBD: papers */

static void test_bgnbd_fit_reproduces_fader_hardie_lee_2005_cdnow_estimates(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    struct svcm_bgnbd_fit_result r;
    svcm_error err;
    assert_int_equal(svcm_bgnbd_fit(d.x, d.tx, d.T, NULL, d.n, NULL, NULL, &r, &err), SVCM_OK);
    /* [FHL05]: to the published three decimals, LL to one. */
    CLOSE(r.params.r, 0.243, 0.0005);
    CLOSE(r.params.alpha, 4.414, 0.0005);
    CLOSE(r.params.a, 0.793, 0.0005);
    CLOSE(r.params.b, 2.426, 0.0005);
    CLOSE(r.loglik, -9582.4, 0.05);
    assert_int_equal(r.n, 2357);
    assert_true(r.groups < r.n); /* identical rows were collapsed */
    /* The reported log-likelihood is the likelihood at the estimates. */
    double ll;
    assert_int_equal(svcm_bgnbd_loglik(&r.params, d.x, d.tx, d.T, d.n, &ll, NULL), SVCM_OK);
    CLOSE(ll, r.loglik, 1e-6);
    cdnow_free(&d);
}

static void test_bgnbd_conditional_expectation_matches_hardie_worked_example(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    struct svcm_bgnbd_fit_result r;
    assert_int_equal(svcm_bgnbd_fit(d.x, d.tx, d.T, NULL, d.n, NULL, NULL, &r, NULL), SVCM_OK);
    double x = 2, tx = 30.43, T = 38.86, e = 0;
    /* [HX]: 1.226 expected purchases in the 39-week holdout. */
    assert_int_equal(svcm_bgnbd_expected_purchases(&r.params, 39.0, &x, &tx, &T, 1, &e, NULL),
                     SVCM_OK);
    CLOSE(e, 1.226, 0.0005);
    /* The same with the rounded published parameters. */
    assert_int_equal(svcm_bgnbd_expected_purchases(&published, 39.0, &x, &tx, &T, 1, &e, NULL),
                     SVCM_OK);
    CLOSE(e, 1.226, 0.0005);
    cdnow_free(&d);
}

static void test_bgnbd_unconditional_expectation_matches_hardie_workbook(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    struct svcm_bgnbd_fit_result r;
    assert_int_equal(svcm_bgnbd_fit(d.x, d.tx, d.T, NULL, d.n, NULL, NULL, &r, NULL), SVCM_OK);
    const double t[6] = {0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0};
    const double want[6] = {0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576}; /* [HX] */
    double got[6];
    assert_int_equal(svcm_bgnbd_expected_purchases_unconditional(&r.params, t, 6, got, NULL),
                     SVCM_OK);
    for (int i = 0; i < 6; i++)
        CLOSE(got[i], want[i], 0.0005); /* the workbook's 4 decimals, +-5e-4 */
    cdnow_free(&d);
}

/* ------------------------------------- BG/NBD: independent computations */

/* E[Y(t) | x, t_x, T] by numerical integration over the dropout
 * probability p, the purchase rate integrated out in closed form:
 *   E = N / D, with f(p) = p^(a-1) (1-p)^(b-1),
 *   N = int f(p) (1-p)^x [(al+T)^-k - (al+T+p t)^-k] / p dp  (alive paths:
 *       E[Y(t) | lambda, p] = (1 - e^(-lambda p t)) / p),
 *   D = B(a, b+x) (al+T)^-k + [x>0] B(a+1, b+x-1) (al+t_x)^-k,  k = r + x.
 * Simpson's rule, on u = p^a when a < 1. */
static double posterior_expectation(const svcm_bgnbd_params *P, double t, double x, double tx,
                                    double T)
{
    double r = P->r, al = P->alpha, a = P->a, b = P->b, k = r + x;
    const int m = 200000;
    double h = 1.0 / m, sum = 0.0;
    for (int i = 0; i <= m; i++) {
        /* a < 1: p = u^(1/a) absorbs the singular p^(a-1); a >= 1: p = u. */
        double u = i * h, p = a < 1.0 ? pow(u, 1.0 / a) : u, g;
        if (p == 0.0) /* limit of the bracket / p */
            g = k * t / (al + T);
        else
            g = -expm1(-k * log1p(p * t / (al + T))) / p;
        g *= pow(1.0 - p, b + x - 1.0) * (a < 1.0 ? 1.0 / a : pow(p, a - 1.0));
        double wgt = (i == 0 || i == m) ? 1.0 : (i % 2 ? 4.0 : 2.0);
        sum += wgt * g;
    }
    double N = sum * h / 3.0 * pow(al + T, -k);
    double lb1 = lgamma(a) + lgamma(b + x) - lgamma(a + b + x);
    double D = exp(lb1) * pow(al + T, -k);
    if (x > 0)
        D += exp(lgamma(a + 1) + lgamma(b + x - 1) - lgamma(a + b + x)) * pow(al + tx, -k);
    return N / D;
}

static void test_bgnbd_conditional_expectation_matches_posterior_integration(void **state)
{
    (void)state;
    const svcm_bgnbd_params sets[3] = {
        {0.243, 4.414, 0.793, 2.426}, /* CDNOW: a < 1 */
        {1.7, 12.0, 2.5, 3.1},        /* a > 1 */
        {0.5, 3.0, 1.0, 1.8},         /* a = 1: the 1/(a-1) of eq. 10 */
    };
    const double cases[5][4] = {
        /* t, x, t_x, T */
        {39.0, 2, 30.43, 38.86}, {10.0, 0, 0.0, 20.0},  {100.0, 7, 35.0, 36.0},
        {5.0, 40, 50.0, 52.0},   {500.0, 1, 0.5, 30.0},
    };
    for (int s = 0; s < 3; s++)
        for (int c = 0; c < 5; c++) {
            double t = cases[c][0], x = cases[c][1], tx = cases[c][2], T = cases[c][3], e;
            assert_int_equal(svcm_bgnbd_expected_purchases(&sets[s], t, &x, &tx, &T, 1, &e, NULL),
                             SVCM_OK);
            double want = posterior_expectation(&sets[s], t, x, tx, T);
            assert_true(fabs(e - want) <= 1e-7 * want);
        }
}

static void test_bgnbd_expected_purchases_is_continuous_through_a_equal_1(void **state)
{
    (void)state;
    double x = 3, tx = 20, T = 30, e0, e1, e2;
    svcm_bgnbd_params p0 = {0.8, 6.0, 1.0 - 1e-9, 2.0}, p1 = {0.8, 6.0, 1.0, 2.0},
                      p2 = {0.8, 6.0, 1.0 + 1e-9, 2.0};
    assert_int_equal(svcm_bgnbd_expected_purchases(&p0, 52, &x, &tx, &T, 1, &e0, NULL), SVCM_OK);
    assert_int_equal(svcm_bgnbd_expected_purchases(&p1, 52, &x, &tx, &T, 1, &e1, NULL), SVCM_OK);
    assert_int_equal(svcm_bgnbd_expected_purchases(&p2, 52, &x, &tx, &T, 1, &e2, NULL), SVCM_OK);
    assert_true(e1 > 0.0);
    CLOSE(e0, e1, 1e-8 * e1);
    CLOSE(e2, e1, 1e-8 * e1);
}

static void test_bgnbd_expected_purchases_slope_at_zero_is_rate_times_p_alive(void **state)
{
    (void)state;
    /* For small t, E[Y(t)] = P(alive) E[lambda | data, alive] t + O(t^2),
     * and E[lambda | data] = (r + x) / (alpha + T) (gamma-Poisson update). */
    double x = 2, tx = 30.43, T = 38.86, t = 1e-6, e, pa;
    assert_int_equal(svcm_bgnbd_expected_purchases(&published, t, &x, &tx, &T, 1, &e, NULL),
                     SVCM_OK);
    assert_int_equal(svcm_bgnbd_p_alive(&published, &x, &tx, &T, 1, &pa, NULL), SVCM_OK);
    double slope = pa * (published.r + x) / (published.alpha + T);
    assert_true(fabs(e / t - slope) <= 1e-5 * slope);
    /* t = 0: nothing expected. */
    assert_int_equal(svcm_bgnbd_expected_purchases(&published, 0.0, &x, &tx, &T, 1, &e, NULL),
                     SVCM_OK);
    assert_true(e == 0.0);
}

static void test_bgnbd_unconditional_is_conditional_for_a_customer_seen_for_no_time(void **state)
{
    (void)state;
    double zero = 0.0, t = 26.0, eu, ec;
    assert_int_equal(svcm_bgnbd_expected_purchases_unconditional(&published, &t, 1, &eu, NULL),
                     SVCM_OK);
    assert_int_equal(
        svcm_bgnbd_expected_purchases(&published, t, &zero, &zero, &zero, 1, &ec, NULL), SVCM_OK);
    CLOSE(eu, ec, 1e-15);
    /* And the posterior integral with x = T = 0 is the prior expectation. */
    CLOSE(eu, posterior_expectation(&published, t, 0, 0, 0), 1e-7 * eu);
}

static void test_bgnbd_p_alive_matches_hand_computation(void **state)
{
    (void)state;
    /* 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)) with the published
     * parameters and x = 2, t_x = 30.43, T = 38.86:
     * 0.793/3.426 * (43.274/34.844)^2.243 = 0.3763136448, P = 0.7265785701.
     * x = 0: alive for sure. */
    const double x[3] = {2, 0, 1}, tx[3] = {30.43, 0, 38.86}, T[3] = {38.86, 38.86, 38.86};
    double p[3];
    assert_int_equal(svcm_bgnbd_p_alive(&published, x, tx, T, 3, p, NULL), SVCM_OK);
    CLOSE(p[0], 0.726578570080673, 1e-12);
    assert_true(p[1] == 1.0);
    /* Last purchase at the end: 1 / (1 + a/b). */
    CLOSE(p[2], 1.0 / (1.0 + 0.793 / 2.426), 1e-12);
}

static void test_bgnbd_p_alive_of_long_silent_heavy_buyer_is_tiny_not_nan(void **state)
{
    (void)state;
    double x = 5000, tx = 1, T = 1e6, p;
    assert_int_equal(svcm_bgnbd_p_alive(&published, &x, &tx, &T, 1, &p, NULL), SVCM_OK);
    assert_true(p >= 0.0 && p < 1e-300);
}

static void test_bgnbd_loglik_matches_hand_computation(void **state)
{
    (void)state;
    /* r = alpha = a = b = 1, x = 1, t_x = 1, T = 2:
     * B(1,2)/B(1,1) * Gamma(2) 1 / (Gamma(1) 3^2) = 1/2 * 1/9 = 1/18;
     * second term B(2,1)/B(1,1) * 1 / 2^2 = 1/2 * 1/4 = 1/8.
     * L = 1/18 + 1/8 = 13/72. x = 0, T = 2: B(1,1)/B(1,1) * 1/3 = 1/3. */
    svcm_bgnbd_params p = {1, 1, 1, 1};
    const double x[2] = {1, 0}, tx[2] = {1, 0}, T[2] = {2, 2};
    double ll;
    assert_int_equal(svcm_bgnbd_loglik(&p, x, tx, T, 2, &ll, NULL), SVCM_OK);
    CLOSE(ll, log(13.0 / 72.0) + log(1.0 / 3.0), 1e-13);
}

static void test_bgnbd_fit_of_duplicated_data_has_same_estimates_and_double_loglik(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    size_t n = d.n;
    double *x = malloc(2 * n * sizeof *x), *tx = malloc(2 * n * sizeof *tx),
           *T = malloc(2 * n * sizeof *T);
    for (size_t i = 0; i < n; i++) {
        x[i] = x[2 * n - 1 - i] = d.x[i];
        tx[i] = tx[2 * n - 1 - i] = d.tx[i];
        T[i] = T[2 * n - 1 - i] = d.T[i];
    }
    struct svcm_bgnbd_fit_result r1, r2;
    assert_int_equal(svcm_bgnbd_fit(d.x, d.tx, d.T, NULL, n, NULL, NULL, &r1, NULL), SVCM_OK);
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, 2 * n, NULL, NULL, &r2, NULL), SVCM_OK);
    assert_int_equal(r2.groups, r1.groups);
    CLOSE(r2.params.r, r1.params.r, 1e-6);
    CLOSE(r2.params.alpha, r1.params.alpha, 1e-5);
    CLOSE(r2.params.a, r1.params.a, 1e-6);
    CLOSE(r2.params.b, r1.params.b, 1e-5);
    CLOSE(r2.loglik, 2 * r1.loglik, 1e-6);
    free(x);
    free(tx);
    free(T);
    cdnow_free(&d);
}

/* splitmix64 and the draws a BG/NBD simulation needs. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static double rng_unif(uint64_t *s)
{
    return ((double)(rng_next(s) >> 11) + 0.5) * 0x1p-53;
}
static double rng_normal(uint64_t *s)
{
    return sqrt(-2.0 * log(rng_unif(s))) * cos(6.283185307179586 * rng_unif(s));
}
/* Gamma(shape, 1) by Marsaglia & Tsang (2000), boosted below shape 1. */
static double rng_gamma(uint64_t *s, double shape)
{
    if (shape < 1.0)
        return rng_gamma(s, shape + 1.0) * pow(rng_unif(s), 1.0 / shape);
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double z = rng_normal(s), v = 1.0 + c * z;
        if (v <= 0.0)
            continue;
        v = v * v * v;
        if (log(rng_unif(s)) < 0.5 * z * z + d - d * v + d * log(v))
            return d * v;
    }
}

static void test_bgnbd_fit_recovers_parameters_of_simulated_customers(void **state)
{
    (void)state;
    const svcm_bgnbd_params truth = {0.6, 5.0, 0.9, 3.0};
    const size_t n = 60000;
    double *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx), *T = malloc(n * sizeof *T);
    uint64_t s = 42;
    for (size_t i = 0; i < n; i++) {
        double lam = rng_gamma(&s, truth.r) / truth.alpha;
        double ga = rng_gamma(&s, truth.a), gb = rng_gamma(&s, truth.b), p = ga / (ga + gb);
        T[i] = 52.0 - (double)(i % 13); /* weekly cohorts */
        double t = 0.0;
        x[i] = 0.0;
        tx[i] = 0.0;
        for (;;) {
            t += -log(rng_unif(&s)) / lam;
            if (t > T[i])
                break;
            x[i] += 1.0;
            tx[i] = t;
            if (rng_unif(&s) < p)
                break;
        }
    }
    struct svcm_bgnbd_fit_result r;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, n, NULL, NULL, &r, NULL), SVCM_OK);
    /* Sampling error at n = 60000 is a few percent; allow 10%. */
    assert_true(fabs(r.params.r / truth.r - 1.0) < 0.1);
    assert_true(fabs(r.params.alpha / truth.alpha - 1.0) < 0.1);
    assert_true(fabs(r.params.a / truth.a - 1.0) < 0.1);
    assert_true(fabs(r.params.b / truth.b - 1.0) < 0.1);
    free(x);
    free(tx);
    free(T);
}

/* The fit's result is a maximum of svcm_bgnbd_loglik(): the same
 * log-likelihood there, and a zero gradient by central differences in
 * log(params) (a point 1% off the maximum gives ~1e-3 per customer). */
static void check_bgnbd_maximum(const struct svcm_bgnbd_fit_result *r, const double *x,
                                const double *tx, const double *T, size_t n)
{
    double ll;
    assert_int_equal(svcm_bgnbd_loglik(&r->params, x, tx, T, n, &ll, NULL), SVCM_OK);
    assert_true(fabs(r->loglik - ll) <= 1e-12 * fabs(ll));
    const double v[4] = {r->params.r, r->params.alpha, r->params.a, r->params.b}, h = 1e-4;
    for (int k = 0; k < 4; k++) {
        double f[2];
        for (int sgn = 0; sgn < 2; sgn++) {
            double w[4] = {v[0], v[1], v[2], v[3]};
            w[k] *= exp(sgn ? -h : h);
            svcm_bgnbd_params q = {w[0], w[1], w[2], w[3]};
            assert_int_equal(svcm_bgnbd_loglik(&q, x, tx, T, n, &f[sgn], NULL), SVCM_OK);
        }
        assert_true(fabs(f[0] - f[1]) / (2.0 * h) / (double)n < 1e-6);
    }
}

/* n BG/NBD customers from the CDNOW estimates with continuous purchase and
 * join times: every row distinct. */
static void simulate_continuous(size_t n, uint64_t s, double *x, double *tx, double *T)
{
    const svcm_bgnbd_params truth = {0.243, 4.414, 0.793, 2.426};
    for (size_t i = 0; i < n; i++) {
        double lam = rng_gamma(&s, truth.r) / truth.alpha;
        double ga = rng_gamma(&s, truth.a), gb = rng_gamma(&s, truth.b), p = ga / (ga + gb);
        T[i] = 39.0 - 13.0 * rng_unif(&s);
        double t = 0.0;
        x[i] = 0.0;
        tx[i] = 0.0;
        for (;;) {
            t += -log(rng_unif(&s)) / lam;
            if (t > T[i])
                break;
            x[i] += 1.0;
            tx[i] = t;
            if (rng_unif(&s) < p)
                break;
        }
    }
}

static void test_bgnbd_fit_of_many_distinct_rows_is_the_maximum(void **state)
{
    (void)state;
    /* 120000 distinct rows: the fit starts from the fit of a subsample
     * (SVCM__WARM_MIN) and the rows are grouped by a counting sort on x */
    const svcm_bgnbd_params truth = {0.243, 4.414, 0.793, 2.426};
    const size_t n = 120000;
    double *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx), *T = malloc(n * sizeof *T);
    assert_true(x && tx && T);
    simulate_continuous(n, 20050401, x, tx, T);
    struct svcm_bgnbd_fit_result r;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, n, NULL, NULL, &r, NULL), SVCM_OK);
    assert_true(r.groups == n && r.groups >= SVCM__WARM_MIN);
    assert_true(r.converged && r.grad_norm < 1e-6);
    assert_true(r.iterations <= 12); /* from the usual start: ~23 */
    check_bgnbd_maximum(&r, x, tx, T, n);
    const double v[4] = {r.params.r, r.params.alpha, r.params.a, r.params.b},
                 se[4] = {r.se.r, r.se.alpha, r.se.a, r.se.b},
                 t[4] = {truth.r, truth.alpha, truth.a, truth.b};
    for (int k = 0; k < 4; k++)
        assert_true(isfinite(se[k]) && se[k] > 0.0 && fabs(v[k] - t[k]) <= 5.0 * se[k]);
    /* A penalised fit takes the same path: the subsample's fit is penalised
     * too, and the result is the maximum of the penalised likelihood. */
    svcm_lifetime_fit_options o;
    svcm_lifetime_fit_options_init(&o);
    o.penalizer = 0.01;
    struct svcm_bgnbd_fit_result pen;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, n, &o, NULL, &pen, NULL), SVCM_OK);
    assert_true(pen.converged && pen.iterations <= 12 && pen.grad_norm < 1e-6);
    assert_true(pen.params.alpha < r.params.alpha); /* shrunk towards 0 */
    free(x);
    free(tx);
    free(T);
}

static void test_bgnbd_fit_does_not_depend_on_row_order(void **state)
{
    (void)state;
    /* Many rows are grouped by a counting sort on x, keeping the input order
     * within an x (so reversing the input changes only the rounding of the
     * sums), or sorted by (x, T, t_x) when some x is too large to count
     * (reversing changes nothing). */
    const size_t n = 110001;
    double *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx), *T = malloc(n * sizeof *T);
    double *rx = malloc(n * sizeof *rx), *rtx = malloc(n * sizeof *rtx),
           *rT = malloc(n * sizeof *rT);
    assert_true(x && tx && T && rx && rtx && rT);
    simulate_continuous(n - 1, 7, x, tx, T);
    x[n - 1] = 1e6; /* used only in the second round */
    tx[n - 1] = 38.0;
    T[n - 1] = 38.5;
    for (int big = 0; big < 2; big++) {
        size_t m = big ? n : n - 1;
        for (size_t i = 0; i < m; i++) {
            rx[i] = x[m - 1 - i];
            rtx[i] = tx[m - 1 - i];
            rT[i] = T[m - 1 - i];
        }
        struct svcm_bgnbd_fit_result a, b;
        assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, m, NULL, NULL, &a, NULL), SVCM_OK);
        assert_int_equal(svcm_bgnbd_fit(rx, rtx, rT, NULL, m, NULL, NULL, &b, NULL), SVCM_OK);
        assert_int_equal(a.groups, m);
        assert_int_equal(b.groups, m);
        const double va[4] = {a.params.r, a.params.alpha, a.params.a, a.params.b},
                     vb[4] = {b.params.r, b.params.alpha, b.params.a, b.params.b};
        /* Reversed, the sums round differently. Near the maximum the mean
         * log-likelihood changes by less than its rounding (~1e-15) over
         * ~1e-7 of the estimates, where the fit stops: they agree to that.
         * Sorted, only the start (mean T) rounds differently. */
        for (int k = 0; k < 4; k++)
            assert_true(fabs(va[k] - vb[k]) <= (big ? 1e-12 : 1e-6) * va[k]);
        assert_true(fabs(a.loglik - b.loglik) <= 1e-12 * fabs(a.loglik));
        check_bgnbd_maximum(&a, x, tx, T, m);
    }
    free(x);
    free(tx);
    free(T);
    free(rx);
    free(rtx);
    free(rT);
}

/* --------------------------------------------------- BG/NBD: bad input */

static void test_bgnbd_bad_records_name_index_and_field_and_leave_output_alone(void **state)
{
    (void)state;
    static const struct {
        double x, tx, T;
        const char *field;
    } bad[] = {
        {-1, 0, 10, "x"},   {1.5, 1, 10, "x"},  {NAN, 0, 10, "x"},     {INFINITY, 1, 10, "x"},
        {1, 11, 10, "t_x"}, {1, -1, 10, "t_x"}, {1, NAN, 10, "t_x"},   {0, 2, 10, "t_x"},
        {1, 1, -1, "T"},    {1, 1, NAN, "T"},   {1, 1, INFINITY, "T"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        double x[3] = {1, 0, bad[k].x}, tx[3] = {1, 0, bad[k].tx}, T[3] = {5, 5, bad[k].T};
        double out[3] = {-7, -7, -7};
        svcm_error err;
        svcm_error_clear(&err);
        assert_int_equal(svcm_bgnbd_p_alive(&published, x, tx, T, 3, out, &err), SVCM_EINVAL);
        assert_int_equal(err.code, SVCM_EINVAL);
        assert_int_equal(err.index, 2);
        assert_string_equal(err.field, bad[k].field);
        assert_true(out[0] == -7 && out[1] == -7 && out[2] == -7);
        svcm_error_clear(&err);
        assert_int_equal(svcm_bgnbd_expected_purchases(&published, 1.0, x, tx, T, 3, out, &err),
                         SVCM_EINVAL);
        assert_int_equal(err.index, 2);
        assert_true(out[0] == -7);
        struct svcm_bgnbd_fit_result r = {.loglik = -7};
        svcm_error_clear(&err);
        assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, 3, NULL, NULL, &r, &err), SVCM_EINVAL);
        assert_int_equal(err.index, 2);
        assert_true(r.loglik == -7);
        double ll = -7;
        assert_int_equal(svcm_bgnbd_loglik(&published, x, tx, T, 3, &ll, &err), SVCM_EINVAL);
        assert_true(ll == -7);
    }
}

static void test_bgnbd_bad_parameters_and_nulls_are_einval(void **state)
{
    (void)state;
    double x = 1, tx = 1, T = 2, out = -7, t = 1;
    const char *names[4] = {"r", "alpha", "a", "b"};
    for (int k = 0; k < 4; k++) {
        for (int v = 0; v < 3; v++) {
            svcm_bgnbd_params p = published;
            double bad = v == 0 ? 0.0 : v == 1 ? -1.0 : NAN;
            double *f = k == 0 ? &p.r : k == 1 ? &p.alpha : k == 2 ? &p.a : &p.b;
            *f = bad;
            svcm_error err;
            assert_int_equal(svcm_bgnbd_p_alive(&p, &x, &tx, &T, 1, &out, &err), SVCM_EINVAL);
            assert_string_equal(err.field, names[k]);
            assert_int_equal(err.index, SVCM_NO_INDEX);
        }
    }
    assert_int_equal(svcm_bgnbd_p_alive(NULL, &x, &tx, &T, 1, &out, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_bgnbd_p_alive(&published, NULL, &tx, &T, 1, &out, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_bgnbd_p_alive(&published, &x, &tx, &T, 1, NULL, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_bgnbd_p_alive(&published, NULL, NULL, NULL, 0, NULL, NULL), SVCM_OK);
    assert_int_equal(svcm_bgnbd_loglik(&published, &x, &tx, &T, 1, NULL, NULL), SVCM_EINVAL);
    svcm_error err;
    assert_int_equal(svcm_bgnbd_expected_purchases(&published, -1, &x, &tx, &T, 1, &out, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "t");
    assert_int_equal(svcm_bgnbd_expected_purchases(&published, NAN, &x, &tx, &T, 1, &out, NULL),
                     SVCM_EINVAL);
    double ts[3] = {1, INFINITY, 2}, o3[3] = {-7, -7, -7};
    assert_int_equal(svcm_bgnbd_expected_purchases_unconditional(&published, ts, 3, o3, &err),
                     SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "t");
    assert_true(o3[0] == -7);
    assert_int_equal(svcm_bgnbd_expected_purchases_unconditional(&published, &t, 1, NULL, NULL),
                     SVCM_EINVAL);
    assert_true(out == -7);
}

static void
test_bgnbd_expectation_beyond_series_reach_is_enoconv_with_output_untouched(void **state)
{
    (void)state;
    /* z = t/(alpha+T+t) = 1 - 1e-12: the series would need ~1e13 terms. */
    double x[2] = {1, 0}, tx[2] = {1, 0}, T[2] = {5, 0}, out[2] = {-7, -7}, t = 4.414e12;
    svcm_error err;
    assert_int_equal(svcm_bgnbd_expected_purchases(&published, t, x, tx, T, 2, out, &err),
                     SVCM_ENOCONV);
    assert_int_equal(err.index, 0); /* the first record whose series fails */
    assert_true(out[0] == -7 && out[1] == -7);
    assert_int_equal(svcm_bgnbd_expected_purchases_unconditional(&published, &t, 1, out, &err),
                     SVCM_ENOCONV);
    assert_true(out[0] == -7);
}

static void test_bgnbd_fit_without_repeaters_or_data_is_eempty(void **state)
{
    (void)state;
    double x[3] = {0, 0, 0}, tx[3] = {0, 0, 0}, T[3] = {4, 5, 6};
    struct svcm_bgnbd_fit_result r;
    svcm_error err;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, 3, NULL, NULL, &r, &err), SVCM_EEMPTY);
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, 0, NULL, NULL, &r, &err), SVCM_EEMPTY);
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, 3, NULL, NULL, NULL, &err), SVCM_EINVAL);
    svcm_lifetime_fit_options o;
    svcm_lifetime_fit_options_init(&o);
    assert_int_equal(o.max_iter, 200);
    o.max_iter = 0;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, 3, &o, NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "max_iter");
    svcm_lifetime_fit_options_init(&o);
    o.gtol = NAN;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, 3, &o, NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "gtol");
    svcm_lifetime_fit_options_init(NULL); /* no-op */
}

static void test_bgnbd_fit_with_too_few_iterations_is_enoconv(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    svcm_lifetime_fit_options o;
    svcm_lifetime_fit_options_init(&o);
    o.max_iter = 2;
    struct svcm_bgnbd_fit_result r = {.loglik = -7};
    svcm_error err;
    assert_int_equal(svcm_bgnbd_fit(d.x, d.tx, d.T, NULL, d.n, &o, NULL, &r, &err), SVCM_ENOCONV);
    /* out holds the last point: finite, flagged, no standard errors */
    assert_int_equal(r.converged, 0);
    assert_true(r.iterations == 2);
    assert_true(isfinite(r.loglik) && r.loglik < 0.0 && r.loglik != -7);
    assert_true(isfinite(r.params.r) && isfinite(r.params.alpha) && isfinite(r.params.a) &&
                isfinite(r.params.b));
    assert_true(isfinite(r.grad_norm) && r.grad_norm > o.gtol);
    assert_true(isnan(r.se.r) && isnan(r.se.b));
    assert_non_null(strstr(err.message, "2 iterations"));
    cdnow_free(&d);
}

static void test_bgnbd_fit_when_nobody_ever_drops_out_is_enoconv(void **state)
{
    (void)state;
    /* Every customer bought at the very end: the likelihood keeps rising
     * as the dropout probability goes to 0, so there is no maximum. */
    double x[4] = {1, 2, 3, 1}, tx[4] = {10, 10, 10, 10}, T[4] = {10, 10, 10, 10};
    struct svcm_bgnbd_fit_result r = {.loglik = -7};
    svcm_error err;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, 4, NULL, NULL, &r, &err), SVCM_ENOCONV);
    assert_int_equal(err.code, SVCM_ENOCONV);
    assert_int_equal(r.converged, 0);
    assert_true(isfinite(r.loglik) && isfinite(r.grad_norm));
    assert_true(isfinite(r.params.a) && isfinite(r.params.b));
}

/* Allocator that fails after a budget of allocations. */
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

static void test_fits_and_summaries_report_enomem_from_the_allocator(void **state)
{
    (void)state;
    int budget = 0;
    svcm_allocator al = {fail_alloc, fail_realloc, fail_free, &budget};
    double x[2] = {1, 0}, tx[2] = {1, 0}, T[2] = {3, 3}, m[2] = {5, 0};
    struct svcm_bgnbd_fit_result r;
    /* the hash table and the groups */
    for (int b = 0; b < 2; b++) {
        budget = b;
        assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, 2, NULL, &al, &r, NULL), SVCM_ENOMEM);
    }
    budget = 2;
    assert_int_not_equal(svcm_bgnbd_fit(x, tx, T, NULL, 2, NULL, &al, &r, NULL), SVCM_ENOMEM);
    /* from SVCM__WARM_MIN distinct rows, the counting sort's two arrays */
    const size_t nb = SVCM__WARM_MIN;
    double *bx = malloc(nb * sizeof *bx), *btx = malloc(nb * sizeof *btx),
           *bT = malloc(nb * sizeof *bT);
    assert_true(bx && btx && bT);
    simulate_continuous(nb, 3, bx, btx, bT);
    for (int b = 2; b < 4; b++) {
        budget = b;
        assert_int_equal(svcm_bgnbd_fit(bx, btx, bT, NULL, nb, NULL, &al, &r, NULL), SVCM_ENOMEM);
    }
    free(bx);
    free(btx);
    free(bT);
    budget = 0;
    struct svcm_gammagamma_fit_result g;
    assert_int_equal(svcm_gammagamma_fit(x, m, 2, NULL, &al, &g, NULL), SVCM_ENOMEM);
    int64_t id = 1, tm = 0;
    double v = 1;
    size_t count;
    svcm_customer_summary out;
    budget = 0;
    assert_int_equal(svcm_lifetime_summarize(&id, &tm, &v, 1, 0, NULL, &al, &out, 1, &count, NULL),
                     SVCM_ENOMEM);
}

/* ------------------------------------------------------------ Gamma-Gamma */

/* The CDNOW summaries computed from the raw transactions: the mean spends
 * at full precision, which the note's estimates were made from (the CSV's
 * zbar is rounded to cents, which moves gamma to 15.448). */
static size_t cdnow_summaries(svcm_customer_summary **out)
{
    txns t;
    txns_load(&t);
    *out = malloc(t.n * sizeof **out);
    size_t count = 0;
    assert_int_equal(svcm_lifetime_summarize(t.id, t.time, t.value, t.n,
                                             cdnow_end_day_1997_09_30 * 86400, NULL, NULL, *out,
                                             t.n, &count, NULL),
                     SVCM_OK);
    txns_free(&t);
    return count;
}

static void test_gammagamma_fit_reproduces_fader_hardie_2013_cdnow_estimates(void **state)
{
    (void)state;
    svcm_customer_summary *s;
    size_t n = cdnow_summaries(&s);
    double *x = malloc(n * sizeof *x), *m = malloc(n * sizeof *m);
    for (size_t i = 0; i < n; i++) {
        x[i] = s[i].x;
        m[i] = s[i].mean_spend;
    }
    struct svcm_gammagamma_fit_result g;
    svcm_error err;
    assert_int_equal(svcm_gammagamma_fit(x, m, n, NULL, NULL, &g, &err), SVCM_OK);
    assert_int_equal(g.n, 946);     /* [FH13]: the customers with x > 0 */
    CLOSE(g.params.p, 6.25, 0.005); /* [FH13], two decimals */
    CLOSE(g.params.q, 3.74, 0.005);
    CLOSE(g.params.gamma, 15.44, 0.005);
    CLOSE(g.loglik, -4055.9177, 0.0005); /* CLVTools' reference value */
    double ll;
    assert_int_equal(svcm_gammagamma_loglik(&g.params, x, m, n, &ll, NULL), SVCM_OK);
    CLOSE(ll, g.loglik, 1e-6);
    free(x);
    free(m);
    free(s);
}

static void test_gammagamma_loglik_matches_hand_computation(void **state)
{
    (void)state;
    /* p = 1, q = 2, gamma = 1; x = 1, m = 1:
     * Gamma(3)/(Gamma(1) Gamma(2)) 1^2 1^0 1^1 / (1 + 1)^3 = 2/8.
     * x = 2, m = 0.5: Gamma(4)/(Gamma(2) Gamma(2)) 0.5^1 2^2 / 2^4 = 6*2/16.
     * x = 0 contributes nothing. */
    svcm_gammagamma_params p = {1, 2, 1};
    const double x[3] = {1, 2, 0}, m[3] = {1, 0.5, 0};
    double ll;
    assert_int_equal(svcm_gammagamma_loglik(&p, x, m, 3, &ll, NULL), SVCM_OK);
    CLOSE(ll, log(0.25) + log(0.75), 1e-14);
}

static void test_gammagamma_conditional_spend_matches_hand_computation(void **state)
{
    (void)state;
    /* [FH13] parameters; x = 2, m = 22.35: 6.25 (15.44 + 44.7) / (12.5 +
     * 2.74) = 375.875 / 15.24 = 24.6637139...; x = 0: the population mean
     * p gamma / (q - 1) = 96.5 / 2.74 = 35.2189781... */
    svcm_gammagamma_params p = {6.25, 3.74, 15.44};
    const double x[2] = {2, 0}, m[2] = {22.35, 0};
    double e[2];
    assert_int_equal(svcm_gammagamma_conditional_spend(&p, x, m, 2, e, NULL), SVCM_OK);
    CLOSE(e[0], 375.875 / 15.24, 1e-12);
    CLOSE(e[1], 96.5 / 2.74, 1e-12);
}

static void test_gammagamma_infinite_mean_is_erange_and_bad_input_einval(void **state)
{
    (void)state;
    svcm_gammagamma_params p = {0.2, 0.9, 10};
    double x[2] = {3, 0}, m[2] = {10, 0}, e[2] = {-7, -7};
    svcm_error err;
    /* x = 0 with q = 0.9: the population mean is infinite. */
    assert_int_equal(svcm_gammagamma_conditional_spend(&p, x, m, 2, e, &err), SVCM_ERANGE);
    assert_int_equal(err.index, 1);
    assert_true(e[0] == -7);
    svcm_gammagamma_params ok = {6.25, 3.74, 15.44};
    double bx[3] = {1, 2, -1}, bm[3] = {1, 1, 1};
    assert_int_equal(svcm_gammagamma_conditional_spend(&ok, bx, bm, 3, e, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, "x");
    double cm[2] = {1, NAN}, cx[2] = {1, 1};
    assert_int_equal(svcm_gammagamma_conditional_spend(&ok, cx, cm, 2, e, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "mean_spend");
    /* In a likelihood, x > 0 needs a positive mean. */
    double zm[2] = {1, 0};
    struct svcm_gammagamma_fit_result g = {.loglik = -7};
    assert_int_equal(svcm_gammagamma_fit(cx, zm, 2, NULL, NULL, &g, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_true(g.loglik == -7);
    double ll = -7;
    assert_int_equal(svcm_gammagamma_loglik(&ok, cx, zm, 2, &ll, &err), SVCM_EINVAL);
    assert_true(ll == -7);
    svcm_gammagamma_params badp = {6.25, NAN, 15.44};
    assert_int_equal(svcm_gammagamma_loglik(&badp, cx, cm, 1, &ll, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "q");
    /* Only x = 0 records: nothing to fit. */
    double x0[2] = {0, 0}, m0[2] = {0, 0};
    assert_int_equal(svcm_gammagamma_fit(x0, m0, 2, NULL, NULL, &g, &err), SVCM_EEMPTY);
}

static void test_gammagamma_fit_of_identical_spends_is_enoconv(void **state)
{
    (void)state;
    /* No spread across customers: p and q run off to infinity. */
    double x[4] = {1, 2, 3, 4}, m[4] = {10, 10, 10, 10};
    struct svcm_gammagamma_fit_result g;
    assert_int_equal(svcm_gammagamma_fit(x, m, 4, NULL, NULL, &g, NULL), SVCM_ENOCONV);
}

/* -------------------------------------------------------------------- CLV */

static void test_clv_matches_hand_computation(void **state)
{
    (void)state;
    /* CLV = margin E(M) sum_k (E[Y(kL)] - E[Y((k-1)L)]) / (1+d)^k with
     * 3 periods of 4 weeks, d = 0.1, margin 0.5 for customer 1 of CDNOW.
     * E[Y(t)] at t = 4, 8, 12 come from the (separately tested) expected
     * purchases; E(M) = 24.6637139... as in the spend test. */
    svcm_gammagamma_params gg = {6.25, 3.74, 15.44};
    double x = 2, tx = 30.43, T = 38.86, m = 22.35, e[3];
    for (int k = 0; k < 3; k++)
        assert_int_equal(
            svcm_bgnbd_expected_purchases(&published, 4.0 * (k + 1), &x, &tx, &T, 1, &e[k], NULL),
            SVCM_OK);
    double want = 0.5 * (375.875 / 15.24) *
                  (e[0] / 1.1 + (e[1] - e[0]) / (1.1 * 1.1) + (e[2] - e[1]) / (1.1 * 1.1 * 1.1));
    svcm_clv_options o;
    svcm_clv_options_init(&o);
    assert_int_equal(o.horizon, 12);
    CLOSE(o.period_length, 4.348214285714286, 1e-12);
    o.horizon = 3;
    o.period_length = 4.0;
    o.discount_rate = 0.1;
    o.margin = 0.5;
    double clv;
    assert_int_equal(svcm_clv(&published, &gg, &x, &tx, &T, &m, 1, &o, &clv, NULL), SVCM_OK);
    CLOSE(clv, want, 1e-12 * want);
    /* Undiscounted, the increments telescope: 12 periods of 4.5 weeks give
     * margin E(M) E[Y(54)]. */
    o.horizon = 12;
    o.period_length = 4.5;
    o.discount_rate = 0.0;
    double e54;
    assert_int_equal(svcm_bgnbd_expected_purchases(&published, 54.0, &x, &tx, &T, 1, &e54, NULL),
                     SVCM_OK);
    assert_int_equal(svcm_clv(&published, &gg, &x, &tx, &T, &m, 1, &o, &clv, NULL), SVCM_OK);
    CLOSE(clv, 0.5 * (375.875 / 15.24) * e54, 1e-12 * clv);
    /* Undiscounted, one period: margin E(M) E[Y(L)]. */
    o.period_length = 4.0;
    o.horizon = 1;
    o.discount_rate = 0.0;
    assert_int_equal(svcm_clv(&published, &gg, &x, &tx, &T, &m, 1, &o, &clv, NULL), SVCM_OK);
    CLOSE(clv, 0.5 * (375.875 / 15.24) * e[0], 1e-12);
}

static void test_options_init_fills_documented_defaults_and_accepts_null(void **state)
{
    (void)state;
    svcm_summary_options so;
    svcm_summary_options_init(&so);
    assert_int_equal(so.granularity, 86400);
    assert_int_equal(so.offset, 0);
    assert_true(so.period == 604800.0);
    svcm_clv_options co;
    svcm_clv_options_init(&co);
    assert_true(co.discount_rate == 0.01 && co.margin == 1.0 && co.horizon == 12);
    svcm_lifetime_fit_options fo;
    svcm_lifetime_fit_options_init(&fo);
    assert_true(fo.gtol == 1e-9);
    svcm_summary_options_init(NULL);
    svcm_clv_options_init(NULL);
    svcm_lifetime_fit_options_init(NULL);
    /* Empty batches succeed and write nothing. */
    assert_int_equal(svcm_bgnbd_expected_purchases_unconditional(&published, NULL, 0, NULL, NULL),
                     SVCM_OK);
    assert_int_equal(svcm_clv(&published, &(svcm_gammagamma_params){6.25, 3.74, 15.44}, NULL, NULL,
                              NULL, NULL, 0, NULL, NULL, NULL),
                     SVCM_OK);
}

static void test_remaining_null_option_and_range_errors_are_reported(void **state)
{
    (void)state;
    svcm_gammagamma_params gg = {6.25, 3.74, 15.44};
    double x = 2, tx = 30, T = 38, m = 20, out = -7, ll = -7;
    svcm_error err;
    assert_int_equal(svcm_bgnbd_expected_purchases(&published, 1, &x, &tx, &T, 1, NULL, NULL),
                     SVCM_EINVAL);
    assert_int_equal(svcm_gammagamma_loglik(&gg, &x, &m, 1, NULL, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_gammagamma_loglik(NULL, &x, &m, 1, &ll, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_gammagamma_conditional_spend(&gg, &x, &m, 1, NULL, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_gammagamma_conditional_spend(&gg, NULL, &m, 1, &out, NULL), SVCM_EINVAL);
    struct svcm_gammagamma_fit_result g = {.loglik = -7};
    assert_int_equal(svcm_gammagamma_fit(&x, &m, 1, NULL, NULL, NULL, NULL), SVCM_EINVAL);
    svcm_lifetime_fit_options o;
    svcm_lifetime_fit_options_init(&o);
    o.max_iter = 0;
    assert_int_equal(svcm_gammagamma_fit(&x, &m, 1, &o, NULL, &g, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "max_iter");
    svcm_lifetime_fit_options_init(&o);
    o.gtol = -1;
    assert_int_equal(svcm_gammagamma_fit(&x, &m, 1, &o, NULL, &g, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "gtol");
    assert_true(g.loglik == -7);
    /* CLV: bad spend model, bad BG/NBD parameter, infinite expected spend. */
    assert_int_equal(svcm_clv(&published, NULL, &x, &tx, &T, &m, 1, NULL, &out, &err), SVCM_EINVAL);
    svcm_bgnbd_params bad = published;
    bad.b = INFINITY;
    assert_int_equal(svcm_clv(&bad, &gg, &x, &tx, &T, &m, 1, NULL, &out, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "b");
    svcm_gammagamma_params heavy = {0.1, 0.5, 1.0};
    /* record 0: p x + q - 1 = 1.5 > 0; record 1 (x = 0): q - 1 < 0 */
    double xs[2] = {20, 0}, txs[2] = {30, 0}, Ts[2] = {38, 38}, ms[2] = {20, 0}, outs[2] = {-7, -7};
    assert_int_equal(svcm_clv(&published, &heavy, xs, txs, Ts, ms, 2, NULL, outs, &err),
                     SVCM_ERANGE);
    assert_int_equal(err.index, 1);
    assert_true(outs[0] == -7 && outs[1] == -7);
    assert_true(out == -7 && ll == -7);
    /* Summaries: an end whose slot arithmetic overflows. */
    int64_t id = 1, tm = 0;
    double v = 1;
    size_t count;
    svcm_customer_summary s;
    svcm_summary_options so;
    svcm_summary_options_init(&so);
    so.offset = 10;
    assert_int_equal(
        svcm_lifetime_summarize(&id, &tm, &v, 1, INT64_MIN, &so, NULL, &s, 1, &count, &err),
        SVCM_EINVAL);
    assert_string_equal(err.field, "end");
}

static void test_clv_bad_options_and_records_are_einval(void **state)
{
    (void)state;
    svcm_gammagamma_params gg = {6.25, 3.74, 15.44};
    double x[2] = {2, 1}, tx[2] = {30, 40}, T[2] = {38, 38}, m[2] = {20, 10}, out[2] = {-7, -7};
    svcm_error err;
    assert_int_equal(svcm_clv(&published, &gg, x, tx, T, m, 2, NULL, out, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "t_x");
    assert_true(out[0] == -7);
    tx[1] = 10;
    m[1] = -1;
    assert_int_equal(svcm_clv(&published, &gg, x, tx, T, m, 2, NULL, out, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "mean_spend");
    m[1] = 10;
    svcm_clv_options o;
    const char *fields[4] = {"horizon", "period_length", "discount_rate", "margin"};
    for (int k = 0; k < 4; k++) {
        svcm_clv_options_init(&o);
        if (k == 0)
            o.horizon = 0;
        else if (k == 1)
            o.period_length = 0;
        else if (k == 2)
            o.discount_rate = -0.1;
        else
            o.margin = NAN;
        assert_int_equal(svcm_clv(&published, &gg, x, tx, T, m, 2, &o, out, &err), SVCM_EINVAL);
        assert_string_equal(err.field, fields[k]);
    }
    /* A horizon past the cap is refused up front (it would run for hours). */
    svcm_clv_options_init(&o);
    o.horizon = SVCM_CLV_MAX_HORIZON + 1;
    assert_int_equal(svcm_clv(&published, &gg, x, tx, T, m, 2, &o, out, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "horizon");
    o.horizon = 4000000000u;
    assert_int_equal(svcm_clv(&published, &gg, x, tx, T, m, 2, &o, out, &err), SVCM_EINVAL);
    assert_true(out[0] == -7);
    assert_int_equal(svcm_clv(NULL, &gg, x, tx, T, m, 2, NULL, out, &err), SVCM_EINVAL);
    assert_int_equal(svcm_clv(&published, &gg, x, tx, T, m, 2, NULL, out, &err), SVCM_OK);
    assert_true(out[0] > out[1] && out[1] > 0.0);
}

/* -------------------------------------------------- transaction summaries */

static void test_summaries_of_cdnow_transactions_reproduce_cdnow_summary_csv(void **state)
{
    (void)state;
    /* 1997-09-30 is day 10134 since the epoch; 1997-01-01 is 9862, and
     * (10134 - 9862) / 7 = 38.857 weeks, the summary's T = 38.86. */
    assert_int_equal(days_from_civil(1997, 9, 30), cdnow_end_day_1997_09_30);
    assert_int_equal(days_from_civil(1997, 1, 1), 9862);
    cdnow d;
    cdnow_load(&d);
    svcm_customer_summary *s;
    size_t n = cdnow_summaries(&s);
    assert_int_equal(n, d.n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(s[i].id, (int64_t)(i + 1)); /* sorted by id; CSV IDs 1..2357 */
        assert_true(s[i].x == d.x[i]);
        CLOSE(s[i].t_x, d.tx[i], 0.005 + 1e-9); /* the CSV rounds to 2 decimals */
        CLOSE(s[i].T, d.T[i], 0.005 + 1e-9);
        CLOSE(s[i].mean_spend, d.zbar[i], 0.005 + 1e-9);
    }
    /* Customer 1: 1997-01-01 (first), 01-18 and 08-02 (repeats), 12-12
     * (holdout): x = 2, t_x = 213/7, spend (29.73 + 14.96) / 2. */
    CLOSE(s[0].t_x, 213.0 / 7.0, 1e-12);
    CLOSE(s[0].mean_spend, (29.73 + 14.96) / 2.0, 1e-12);
    assert_int_equal(s[0].first, 9862 * 86400LL);
    free(s);
    cdnow_free(&d);
}

static void test_summaries_merge_same_day_purchases_and_ignore_order(void **state)
{
    (void)state;
    const int64_t D = 86400;
    /* Customer 7: day 0 twice (first), day 3 twice (one repeat worth 30),
     * day 10 (repeat worth 5), day 40 after the end (holdout).
     * Customer 5: only day 2 (no repeat). Customer 9: first after the end. */
    const int64_t ids[9] = {7, 5, 7, 7, 9, 7, 7, 7, 5};
    const int64_t tm[9] = {3 * D + 5, 2 * D, 0, 10 * D, 31 * D, 40 * D, 3 * D + 100, 7, 2 * D + 9};
    const double v[9] = {10, 1, 4, 5, 100, 50, 20, 6, 2};
    svcm_summary_options o;
    svcm_summary_options_init(&o);
    o.period = (double)D; /* days out */
    svcm_customer_summary out[9];
    size_t count = 0;
    assert_int_equal(svcm_lifetime_summarize(ids, tm, v, 9, 30 * D, &o, NULL, out, 9, &count, NULL),
                     SVCM_OK);
    assert_int_equal(count, 2);
    assert_int_equal(out[0].id, 5);
    assert_true(out[0].x == 0 && out[0].t_x == 0 && out[0].mean_spend == 0);
    CLOSE(out[0].T, 28.0, 1e-12);
    assert_int_equal(out[0].first, 2 * D);
    assert_int_equal(out[1].id, 7);
    assert_true(out[1].x == 2);
    CLOSE(out[1].t_x, 10.0, 1e-12);
    CLOSE(out[1].T, 30.0, 1e-12);
    CLOSE(out[1].mean_spend, (10 + 20 + 5) / 2.0, 1e-12);
    assert_int_equal(out[1].first, 0);
}

static void test_summaries_slot_offset_moves_day_boundaries(void **state)
{
    (void)state;
    /* 23:00 and 01:00 UTC are different UTC days but the same day at UTC-5
     * (offset -18000 s: slots start at 05:00 UTC). */
    const int64_t ids[2] = {1, 1}, tm[2] = {23 * 3600, 25 * 3600};
    const double v[2] = {1, 2};
    svcm_summary_options o;
    svcm_summary_options_init(&o);
    svcm_customer_summary out[2];
    size_t count;
    assert_int_equal(
        svcm_lifetime_summarize(ids, tm, v, 2, 86400 * 10, &o, NULL, out, 2, &count, NULL),
        SVCM_OK);
    assert_true(out[0].x == 1);
    o.offset = -18000;
    assert_int_equal(
        svcm_lifetime_summarize(ids, tm, v, 2, 86400 * 10, &o, NULL, out, 2, &count, NULL),
        SVCM_OK);
    assert_true(out[0].x == 0);
}

static void test_summaries_measure_with_zero_capacity_and_reject_bad_values(void **state)
{
    (void)state;
    const int64_t ids[3] = {1, 2, 3}, tm[3] = {0, 0, 0};
    double v[3] = {1, 2, 3};
    size_t count = 0;
    svcm_error err;
    assert_int_equal(svcm_lifetime_summarize(ids, tm, v, 3, 0, NULL, NULL, NULL, 0, &count, &err),
                     SVCM_ENOSPC);
    assert_int_equal(count, 3);
    svcm_customer_summary out[3] = {{.id = -7}, {.id = -7}, {.id = -7}};
    assert_int_equal(svcm_lifetime_summarize(ids, tm, v, 3, 0, NULL, NULL, out, 2, &count, &err),
                     SVCM_ENOSPC);
    assert_int_equal(out[0].id, -7);
    const double badv[3] = {NAN, INFINITY, -1};
    for (int k = 0; k < 3; k++) {
        v[1] = badv[k];
        assert_int_equal(
            svcm_lifetime_summarize(ids, tm, v, 3, 0, NULL, NULL, out, 3, &count, &err),
            SVCM_EINVAL);
        assert_int_equal(err.index, 1);
        assert_string_equal(err.field, "value");
        assert_int_equal(out[0].id, -7);
    }
    v[1] = 2;
    svcm_summary_options o;
    svcm_summary_options_init(&o);
    o.granularity = 0;
    assert_int_equal(svcm_lifetime_summarize(ids, tm, v, 3, 0, &o, NULL, out, 3, &count, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "granularity");
    svcm_summary_options_init(&o);
    o.period = -1;
    assert_int_equal(svcm_lifetime_summarize(ids, tm, v, 3, 0, &o, NULL, out, 3, &count, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "period");
    svcm_summary_options_init(&o);
    o.offset = 1000;
    const int64_t tmin[3] = {0, INT64_MIN, 0};
    assert_int_equal(svcm_lifetime_summarize(ids, tmin, v, 3, 0, &o, NULL, out, 3, &count, &err),
                     SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "time");
    assert_int_equal(svcm_lifetime_summarize(ids, tm, v, 3, 0, NULL, NULL, out, 3, NULL, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_lifetime_summarize(NULL, tm, v, 3, 0, NULL, NULL, out, 3, &count, &err),
                     SVCM_EINVAL);
    /* No transactions: no customers. */
    assert_int_equal(
        svcm_lifetime_summarize(NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, &count, &err),
        SVCM_OK);
    assert_int_equal(count, 0);
    assert_int_equal(out[0].id, -7);
}

/* Relative closeness, for values spanning many magnitudes. */
#define REL_CLOSE(got, want, tol) assert_true(fabs((got) - (want)) <= (tol) * fabs(want))

static double ep1(svcm_bgnbd_params p, double t, double x, double tx, double T)
{
    double e = NAN;
    assert_int_equal(svcm_bgnbd_expected_purchases(&p, t, &x, &tx, &T, 1, &e, NULL), SVCM_OK);
    return e;
}

static double eu1(svcm_bgnbd_params p, double t)
{
    double e = NAN;
    assert_int_equal(svcm_bgnbd_expected_purchases_unconditional(&p, &t, 1, &e, NULL), SVCM_OK);
    return e;
}

static void test_bgnbd_expected_purchases_keeps_its_digits_at_extreme_parameters(void **state)
{
    (void)state;
    /* References: mpmath 1.3 at 60-80 digits, eq. 10 with mp.hyp2f1, and
     * independently the posterior integral
     * P(alive) E[(1 - (1 + p t/(alpha+T))^-(r+x)) / p], p ~ Beta(a, b+x),
     * by mp.quad (both agree to 20 digits). The Euler series loses about
     * b * 1e-16 relative to cancellation; before the fix b = 1e10 gave
     * 0.219000816 (x = 0), r = 1e-8 gave E[X(39)] = 5.4023233e-8 and
     * b = 1e300 gave 1.49e284, all with SVCM_OK. */
    const double T = 38.86, tx = 30.43;
    svcm_bgnbd_params p = published;
    p.b = 1e5;
    REL_CLOSE(ep1(p, 39, 2, tx, T), 2.0214183704840119605, 1e-13);
    REL_CLOSE(ep1(p, 39, 0, 0, T), 0.2189988886304294513, 1e-13);
    p.b = 1e6;
    REL_CLOSE(ep1(p, 39, 2, tx, T), 2.0214629072491506816, 1e-13);
    REL_CLOSE(ep1(p, 39, 0, 0, T), 0.21899976407504527446, 1e-13);
    p.b = 1e10;
    REL_CLOSE(ep1(p, 39, 2, tx, T), 2.0214678554925530601, 1e-13);
    REL_CLOSE(ep1(p, 39, 0, 0, T), 0.21899986133888841928, 1e-13);
    /* The known lead: a and b huge with a/(a+b) fixed (was NaN, then
     * SVCM_ENOCONV although the value is well defined). */
    p = (svcm_bgnbd_params){0.243, 4.414, 1e8, 1e9};
    REL_CLOSE(ep1(p, 39, 2, tx, T), 1.5319423456076186242, 1e-13);
    REL_CLOSE(ep1(p, 39, 0, 0, T), 0.20848911659172396316, 1e-13);
    REL_CLOSE(eu1(p, 39), 1.4682575867498552472, 1e-13);
    p = (svcm_bgnbd_params){1e-8, 4.414, 0.793, 2.426};
    REL_CLOSE(eu1(p, 39), 5.4023221821316571751e-8, 1e-13);
    REL_CLOSE(ep1(p, 39, 2, tx, T), 1.1221650301807276533, 1e-13);
    p = (svcm_bgnbd_params){50, 4.414, 5, 2.426};
    REL_CLOSE(ep1(p, 39, 2, tx, T), 1.8455869530920317397e-5, 1e-13);
    REL_CLOSE(eu1(p, 39), 1.6064999898007141574, 1e-13);
    /* A long horizon: ~5e5 positive terms, rounding ~1e-12. */
    REL_CLOSE(ep1(published, 1e7, 2, tx, T), 149.69436189495378686, 1e-11);
    /* b -> infinity: nobody drops out, E = (r+x) t/(alpha+T) up to
     * O(a/b) = 1e-300 (gamma mixture of Poisson rates). */
    p = (svcm_bgnbd_params){0.243, 4.414, 0.793, 1e300};
    REL_CLOSE(ep1(p, 39, 2, tx, T), 2.243 * 39 / (4.414 + T), 1e-14);
    REL_CLOSE(eu1(p, 39), 0.243 * 39 / 4.414, 1e-14);
}

static double ll1(svcm_bgnbd_params p, double x, double tx, double T)
{
    double ll = NAN;
    assert_int_equal(svcm_bgnbd_loglik(&p, &x, &tx, &T, 1, &ll, NULL), SVCM_OK);
    return ll;
}

static void test_bgnbd_loglik_and_p_alive_keep_their_digits_at_extreme_parameters(void **state)
{
    (void)state;
    /* References: mpmath 1.3 at 700 digits (loggamma differences need
     * them at 1e300). Before the fix: b = 1e-300 with x = 1 gave +inf
     * (b + x - 1 rounded to 0), a = 1e300 gave +681.58, b = 1e300 gave
     * -8.4506, a = 1e8, b = 1e9 lost 7 digits (lgamma(1e9) ~ 2e10). */
    const double T = 38.86, tx = 30.43;
    REL_CLOSE(ll1((svcm_bgnbd_params){0.243, 4.414, 0.793, 1e-300}, 1, tx, T),
              -5.467637006091904705, 1e-13); /* lgamma(1e-300) ~ 690 cancels */
    REL_CLOSE(ll1((svcm_bgnbd_params){0.243, 4.414, 1e300, 2.426}, 2, tx, T),
              -698.69027423721182302, 1e-14);
    REL_CLOSE(ll1((svcm_bgnbd_params){0.243, 4.414, 0.793, 1e300}, 2, tx, T),
              -9.2869832850816487167, 1e-13);
    REL_CLOSE(ll1((svcm_bgnbd_params){0.243, 4.414, 1e8, 1e9}, 2, tx, T),
              -9.3269629316978730129, 1e-14);
    REL_CLOSE(ll1((svcm_bgnbd_params){1e8, 1e7, 3, 4}, 5, tx, T), -295.87766911185419172, 1e-14);
    REL_CLOSE(ll1(published, 1e12, T, T), 22863469123134.014407, 1e-14);
    /* P(alive): a tiny b at x = 1 is (nearly) certain death, not a log(0);
     * t_x within 1e-6 of T with x = 1e9 needs log1p, not a difference of
     * logs multiplied by 1e9 (was off by 8e-7). */
    double x = 1, txs = tx, Ts = T, pa = NAN;
    svcm_bgnbd_params p = {0.243, 4.414, 0.793, 1e-300};
    assert_int_equal(svcm_bgnbd_p_alive(&p, &x, &txs, &Ts, 1, &pa, NULL), SVCM_OK);
    REL_CLOSE(pa, 9.6330033504809762452e-301, 1e-11);
    x = 1e9;
    txs = T - 1e-6;
    assert_int_equal(svcm_bgnbd_p_alive(&published, &x, &txs, &Ts, 1, &pa, NULL), SVCM_OK);
    REL_CLOSE(pa, 0.10401706895432835303, 1e-13);
}

static void test_gammagamma_spend_and_clv_near_the_double_range_are_finite_or_erange(void **state)
{
    (void)state;
    /* p (gamma + x m) / (p x + q - 1) overflowed in p (gamma + x m) and in
     * x m, giving +inf with SVCM_OK although the value is representable.
     * Hand values: p = q = 1e300, gamma = 1e10, x = 1, m = 5:
     * (1e10 + 5) / (1 + (1e300 - 1)/1e300) = 5000000002.5; m = DBL_MAX,
     * x = 2 (p, q, gamma of [FH13]): 6.25 (15.44 + 2 DBL_MAX) / 15.24, and
     * mpmath (50 digits) gives 1.4744858389618730996e308. */
    double x = 1, m = 5, e = NAN, ll = NAN;
    svcm_gammagamma_params g = {1e300, 1e300, 1e10};
    svcm_error err;
    assert_int_equal(svcm_gammagamma_conditional_spend(&g, &x, &m, 1, &e, NULL), SVCM_OK);
    REL_CLOSE(e, 5000000002.5, 1e-15);
    g = (svcm_gammagamma_params){6.25, 3.74, 15.44};
    x = 2;
    m = DBL_MAX;
    assert_int_equal(svcm_gammagamma_conditional_spend(&g, &x, &m, 1, &e, NULL), SVCM_OK);
    REL_CLOSE(e, 1.4744858389618730996e308, 1e-15);
    /* The log density at m = DBL_MAX was -inf (log(gamma + m x) = inf);
     * mpmath (50 digits): -3348.3765838952700368. */
    assert_int_equal(svcm_gammagamma_loglik(&g, &x, &m, 1, &ll, NULL), SVCM_OK);
    REL_CLOSE(ll, -3348.3765838952700368, 1e-15);
    /* A value past the range is SVCM_ERANGE naming the record; nothing
     * written. */
    double xs[2] = {1, 2}, ms[2] = {1, DBL_MAX}, out[2] = {-7, -7};
    g.p = 1e300;
    g.q = 2.0;
    assert_int_equal(svcm_gammagamma_conditional_spend(&g, xs, ms, 2, out, &err), SVCM_OK);
    g = (svcm_gammagamma_params){6.25, 1.5, 1e308};
    out[0] = out[1] = -7;
    assert_int_equal(svcm_gammagamma_conditional_spend(&g, xs, ms, 2, out, &err), SVCM_ERANGE);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "mean_spend");
    assert_true(out[0] == -7 && out[1] == -7);
    /* CLV: a margin of 1e300 on a spend of ~1e300 was +inf with SVCM_OK. */
    svcm_clv_options o;
    svcm_clv_options_init(&o);
    o.margin = 1e300;
    double txs[2] = {30.43, 30.43}, Ts[2] = {38.86, 38.86}, ms2[2] = {10, 1e300};
    g = (svcm_gammagamma_params){6.25, 3.74, 15.44};
    assert_int_equal(svcm_clv(&published, &g, xs, txs, Ts, ms2, 2, &o, out, &err), SVCM_ERANGE);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "mean_spend");
    assert_true(out[0] == -7 && out[1] == -7);
}

static void test_logliks_beyond_the_double_range_are_erange_not_nan(void **state)
{
    (void)state;
    /* a + b = inf made lgamma(a+b+x) - lgamma(a+b) NaN; r = DBL_MAX made
     * r log(alpha/(alpha+T)) = -inf; p x = inf in Gamma-Gamma made
     * lgamma(px+q) - lgamma(px) NaN; all returned with SVCM_OK. */
    double x[2] = {2, 2}, tx[2] = {30, 30}, T[2] = {38, 38}, ll = -7;
    svcm_error err;
    svcm_bgnbd_params p = {1.0, 1.0, DBL_MAX, DBL_MAX};
    assert_int_equal(svcm_bgnbd_loglik(&p, x, tx, T, 2, &ll, &err), SVCM_ERANGE);
    assert_int_equal(err.index, 0);
    p = (svcm_bgnbd_params){DBL_MAX, 1.0, 1.0, 1.0};
    assert_int_equal(svcm_bgnbd_loglik(&p, x, tx, T, 2, &ll, &err), SVCM_ERANGE);
    /* Finite terms whose sum overflows: r = 4e307 gives -1.4e308 each... */
    p = (svcm_bgnbd_params){4e307, 1.0, 1.0, 1.0};
    assert_int_equal(svcm_bgnbd_loglik(&p, x, tx, T, 1, &ll, NULL), SVCM_OK);
    assert_true(isfinite(ll) && ll < -1e308);
    ll = -7;
    /* ... and -inf for two of them. */
    assert_int_equal(svcm_bgnbd_loglik(&p, x, tx, T, 2, &ll, &err), SVCM_ERANGE);
    assert_int_equal(err.index, SVCM_NO_INDEX);
    assert_true(ll == -7);
    svcm_gammagamma_params g = {DBL_MAX, 1.0, 1.0};
    double m[2] = {5, 5};
    assert_int_equal(svcm_gammagamma_loglik(&g, x, m, 2, &ll, &err), SVCM_ERANGE);
    assert_int_equal(err.index, 0);
    assert_true(ll == -7);
}

static void test_summaries_near_the_double_range_are_finite_or_erange(void **state)
{
    (void)state;
    /* Repeat purchases of DBL_MAX each: the sum overflowed and the mean
     * spend was +inf with SVCM_OK; their mean is DBL_MAX. Days 0, 1, 2. */
    int64_t ids[3] = {7, 7, 7}, tm[3] = {0, 86400, 2 * 86400};
    double v[3] = {DBL_MAX, DBL_MAX, DBL_MAX};
    svcm_customer_summary out[2];
    size_t count = 0;
    svcm_error err;
    assert_int_equal(
        svcm_lifetime_summarize(ids, tm, v, 3, 2 * 86400, NULL, NULL, out, 2, &count, &err),
        SVCM_OK);
    assert_true(out[0].x == 2.0 && out[0].mean_spend == DBL_MAX);
    /* Two DBL_MAX in the same repeat slot are one purchase worth 2 DBL_MAX:
     * beyond the range, SVCM_ERANGE at its first transaction. */
    tm[2] = 86400 + 60;
    memset(out, 0x5a, sizeof out);
    svcm_customer_summary before[2];
    memcpy(before, out, sizeof out);
    assert_int_equal(
        svcm_lifetime_summarize(ids, tm, v, 3, 2 * 86400, NULL, NULL, out, 2, &count, &err),
        SVCM_ERANGE);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "value");
    assert_memory_equal(out, before, sizeof out);
    /* Periods of 1e-303 s: a span of 10 days is 8.64e308 periods, beyond
     * DBL_MAX (was +inf with SVCM_OK); the other customer comes first. */
    int64_t ids2[2] = {9, 3}, tm2[2] = {0, 9 * 86400};
    double v2[2] = {1, 1};
    svcm_summary_options so;
    svcm_summary_options_init(&so);
    so.period = 1e-303;
    assert_int_equal(svcm_lifetime_summarize(ids2, tm2, v2, 2, 10 * 86400, &so, NULL, out, 2,
                                             &count, &err),
                     SVCM_ERANGE);
    assert_int_equal(err.index, 0);
    assert_string_equal(err.field, "time");
    assert_memory_equal(out, before, sizeof out);
}

/* ------------------------------- 0.2: standard errors, weights, penalizer */

/* Inverse of a k x k matrix (k <= 4) by Gauss-Jordan with partial
 * pivoting; false when singular. */
static bool invert(double A[4][4], double inv[4][4], int k)
{
    double M[4][8];
    for (int i = 0; i < k; i++)
        for (int j = 0; j < 2 * k; j++)
            M[i][j] = j < k ? A[i][j] : (j - k == i ? 1.0 : 0.0);
    for (int c = 0; c < k; c++) {
        int piv = c;
        for (int i = c + 1; i < k; i++)
            if (fabs(M[i][c]) > fabs(M[piv][c]))
                piv = i;
        if (M[piv][c] == 0.0)
            return false;
        for (int j = 0; j < 2 * k; j++) {
            double t = M[c][j];
            M[c][j] = M[piv][j];
            M[piv][j] = t;
        }
        double d = M[c][c];
        for (int j = 0; j < 2 * k; j++)
            M[c][j] /= d;
        for (int i = 0; i < k; i++)
            if (i != c) {
                double f = M[i][c];
                for (int j = 0; j < 2 * k; j++)
                    M[i][j] -= f * M[c][j];
            }
    }
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
            inv[i][j] = M[i][j + k];
    return true;
}

static double bg_ll(const double *v, const cdnow *d)
{
    svcm_bgnbd_params p = {v[0], v[1], v[2], v[3]};
    double ll = NAN;
    assert_int_equal(svcm_bgnbd_loglik(&p, d->x, d->tx, d->T, d->n, &ll, NULL), SVCM_OK);
    return ll;
}

/* Standard errors from second differences of the public log-likelihood in
 * the natural parameters: a different route (no analytic gradient, no log
 * scale, no delta method) to the same inverse observed information. */
static void test_bgnbd_standard_errors_match_second_differences_of_the_loglik(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    struct svcm_bgnbd_fit_result r;
    assert_int_equal(svcm_bgnbd_fit(d.x, d.tx, d.T, NULL, d.n, NULL, NULL, &r, NULL), SVCM_OK);
    assert_int_equal(r.converged, 1);
    assert_true(r.grad_norm <= 1e-6);
    assert_true(r.weight == (double)d.n);
    double p0[4] = {r.params.r, r.params.alpha, r.params.a, r.params.b}, H[4][4], Hi[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double hi = 1e-3 * p0[i], hj = 1e-3 * p0[j], v[4], f[4];
            for (int s = 0; s < 4; s++) {
                memcpy(v, p0, sizeof v);
                v[i] += (s & 1) ? -hi : hi;
                v[j] += (s & 2) ? -hj : hj;
                f[s] = bg_ll(v, &d);
            }
            H[i][j] = -(f[0] - f[1] - f[2] + f[3]) / (4.0 * hi * hj);
        }
    assert_true(invert(H, Hi, 4));
    const double se[4] = {r.se.r, r.se.alpha, r.se.a, r.se.b};
    for (int k = 0; k < 4; k++) {
        double want = sqrt(Hi[k][k]);
        assert_true(isfinite(se[k]) && se[k] > 0.0);
        CLOSE(se[k], want, 0.01 * want);
    }
    cdnow_free(&d);
}

static void test_bgnbd_weighted_rows_fit_like_the_expanded_data(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    /* The first 600 customers, each row given weight 3, against the same
     * rows written out three times; and weight-0 rows that are ignored. */
    const size_t m = 600;
    double *x = malloc(3 * m * sizeof *x), *tx = malloc(3 * m * sizeof *tx),
           *T = malloc(3 * m * sizeof *T), *w = malloc((m + 2) * sizeof *w);
    assert_non_null(x);
    assert_non_null(tx);
    assert_non_null(T);
    assert_non_null(w);
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < m; i++) {
            x[k * m + i] = d.x[i];
            tx[k * m + i] = d.tx[i];
            T[k * m + i] = d.T[i];
        }
    for (size_t i = 0; i < m; i++)
        w[i] = 3.0;
    struct svcm_bgnbd_fit_result a, b;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, 3 * m, NULL, NULL, &a, NULL), SVCM_OK);
    /* rows m, m+1 (copies of rows 0, 1 here) carry weight 0: no effect */
    w[m] = 0.0;
    w[m + 1] = 0.0;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, w, m + 2, NULL, NULL, &b, NULL), SVCM_OK);
    CLOSE(b.params.r, a.params.r, 1e-6 * a.params.r);
    CLOSE(b.params.alpha, a.params.alpha, 1e-6 * a.params.alpha);
    CLOSE(b.params.a, a.params.a, 1e-6 * a.params.a);
    CLOSE(b.params.b, a.params.b, 1e-6 * a.params.b);
    CLOSE(b.loglik, a.loglik, 1e-7 * fabs(a.loglik));
    CLOSE(b.se.r, a.se.r, 1e-4 * a.se.r);
    assert_true(b.weight == 3.0 * (double)m);
    assert_int_equal(b.n, m + 2);
    assert_int_equal(b.groups, a.groups);
    /* bad weights */
    svcm_error err;
    w[5] = -1.0;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, w, m, NULL, NULL, &b, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 5);
    assert_string_equal(err.field, "weights");
    w[5] = NAN;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, w, m, NULL, NULL, &b, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 5);
    w[5] = DBL_MAX;
    w[6] = DBL_MAX;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, w, m, NULL, NULL, &b, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "weights");
    for (size_t i = 0; i < m; i++)
        w[i] = 0.0;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, w, m, NULL, NULL, &b, &err), SVCM_EEMPTY);
    /* weight only on one-time buyers: not identified */
    for (size_t i = 0; i < m; i++)
        w[i] = x[i] == 0.0 ? 1.0 : 0.0;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, w, m, NULL, NULL, &b, &err), SVCM_EEMPTY);
    assert_string_equal(err.field, "x");
    free(x);
    free(tx);
    free(T);
    free(w);
    cdnow_free(&d);
}

/* At the penalised optimum, d(loglik / W)/d p_k = 2 lambda p_k (the form
 * of the header); the derivative is taken by central differences of the
 * public log-likelihood. */
static void test_bgnbd_penalizer_is_the_lifetimes_l2_form(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    svcm_lifetime_fit_options o;
    svcm_lifetime_fit_options_init(&o);
    assert_true(o.penalizer == 0.0);
    struct svcm_bgnbd_fit_result plain, pen;
    assert_int_equal(svcm_bgnbd_fit(d.x, d.tx, d.T, NULL, d.n, &o, NULL, &plain, NULL), SVCM_OK);
    o.penalizer = 0.01;
    assert_int_equal(svcm_bgnbd_fit(d.x, d.tx, d.T, NULL, d.n, &o, NULL, &pen, NULL), SVCM_OK);
    assert_int_equal(pen.converged, 1);
    double p0[4] = {pen.params.r, pen.params.alpha, pen.params.a, pen.params.b};
    double q0[4] = {plain.params.r, plain.params.alpha, plain.params.a, plain.params.b};
    double s0 = 0.0, s1 = 0.0;
    for (int k = 0; k < 4; k++) {
        double h = 1e-5 * p0[k], v[4];
        memcpy(v, p0, sizeof v);
        v[k] += h;
        double fp = bg_ll(v, &d);
        v[k] -= 2.0 * h;
        double fm = bg_ll(v, &d);
        double g = (fp - fm) / (2.0 * h) / (double)d.n;
        CLOSE(g, 2.0 * o.penalizer * p0[k], 1e-5 + 1e-3 * fabs(g));
        s0 += q0[k] * q0[k];
        s1 += p0[k] * p0[k];
    }
    assert_true(s1 < s0);                /* shrunk towards 0 */
    assert_true(pen.loglik < plain.loglik); /* unpenalised LL, lower off its maximum */
    CLOSE(pen.loglik, bg_ll(p0, &d), 1e-6);
    assert_true(isfinite(pen.se.alpha) && pen.se.alpha > 0.0);
    /* bad values */
    svcm_error err;
    const double bad[3] = {-0.1, NAN, INFINITY};
    for (int i = 0; i < 3; i++) {
        o.penalizer = bad[i];
        assert_int_equal(svcm_bgnbd_fit(d.x, d.tx, d.T, NULL, d.n, &o, NULL, &pen, &err),
                         SVCM_EINVAL);
        assert_string_equal(err.field, "penalizer");
    }
    /* the models without a penalizer refuse one */
    o.penalizer = 0.01;
    struct svcm_mbgnbd_fit_result mr;
    assert_int_equal(svcm_mbgnbd_fit(d.x, d.tx, d.T, NULL, d.n, &o, NULL, &mr, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "penalizer");
    cdnow_free(&d);
}

/* Eight customers with nearly equal purchase rates: without a penalizer the
 * estimates run off to infinity (no heterogeneity to fit); a penalizer of
 * 0.01 keeps them finite and the fit converges. */
static void test_bgnbd_penalizer_keeps_a_running_off_fit_finite(void **state)
{
    (void)state;
    double x[8] = {2, 2, 2, 2, 0, 0, 1, 1}, tx[8] = {8, 9, 7, 8, 0, 0, 3, 2},
           T[8] = {10, 10, 10, 10, 10, 10, 10, 10};
    svcm_lifetime_fit_options o;
    svcm_lifetime_fit_options_init(&o);
    struct svcm_bgnbd_fit_result r;
    svcm_error err;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, 8, &o, NULL, &r, &err), SVCM_ENOCONV);
    assert_int_equal(r.converged, 0);
    assert_true(isfinite(r.loglik));
    assert_non_null(strstr(err.message, "infinity"));
    o.penalizer = 0.01;
    assert_int_equal(svcm_bgnbd_fit(x, tx, T, NULL, 8, &o, NULL, &r, NULL), SVCM_OK);
    assert_int_equal(r.converged, 1);
    assert_true(isfinite(r.loglik) && r.params.r < 100.0 && r.params.b < 100.0);
    /* a penalty pulls towards 0, so it cannot stop an estimate running off
     * to 0: that stays SVCM_ENOCONV, named */
    double x2[4] = {1, 2, 3, 1}, tx2[4] = {10, 10, 10, 10}, T2[4] = {10, 10, 10, 10};
    o.penalizer = 0.1;
    assert_int_equal(svcm_bgnbd_fit(x2, tx2, T2, NULL, 4, &o, NULL, &r, &err), SVCM_ENOCONV);
    assert_string_equal(err.field, "a");
    assert_true(isfinite(r.loglik) && isfinite(r.grad_norm));
}

/* ------------------------------------------------- 0.2: P(X(t) = k) */

/* Eq. 8 of [FHL05] exactly as printed, with the finite sum 1 - sum_{j<k}. */
static double pmf_eq8(const svcm_bgnbd_params *p, double t, int k)
{
    double r = p->r, al = p->alpha, a = p->a, b = p->b;
    double lB = lgamma(a) + lgamma(b) - lgamma(a + b);
    double q = al / (al + t), z = t / (al + t);
    double nb = exp(lgamma(r + k) - lgamma(r) - lgamma(k + 1.0)) * pow(q, r) * pow(z, k);
    double v = exp(lgamma(a) + lgamma(b + k) - lgamma(a + b + k) - lB) * nb;
    if (k > 0) {
        double head = 0.0;
        for (int j = 0; j < k; j++)
            head += exp(lgamma(r + j) - lgamma(r) - lgamma(j + 1.0)) * pow(q, r) * pow(z, j);
        v += exp(lgamma(a + 1) + lgamma(b + k - 1) - lgamma(a + b + k) - lB) * (1.0 - head);
    }
    return v;
}

static void test_bgnbd_probability_of_purchases_matches_fhl_eq8_on_cdnow(void **state)
{
    (void)state;
    /* [FHL05] CDNOW estimates, over the 39-week holdout and over 78 weeks */
    const double ts[3] = {1.0, 39.0, 78.0};
    enum { K = 3000 };
    static double ks[K], pk[K];
    for (int k = 0; k < K; k++)
        ks[k] = k;
    for (int ti = 0; ti < 3; ti++) {
        double t = ts[ti];
        assert_int_equal(svcm_bgnbd_probability_of_purchases(&published, t, ks, K, pk, NULL),
                         SVCM_OK);
        for (int k = 0; k <= 12; k++)
            CLOSE(pk[k], pmf_eq8(&published, t, k), 1e-12 + 1e-9 * pk[k]);
        /* sums to 1, and its mean is E[X(t)] */
        double sum = 0.0, mean = 0.0, ex = 0.0;
        for (int k = K - 1; k >= 0; k--) {
            assert_true(pk[k] >= 0.0 && pk[k] <= 1.0);
            sum += pk[k];
            mean += k * pk[k];
        }
        assert_int_equal(
            svcm_bgnbd_expected_purchases_unconditional(&published, &t, 1, &ex, NULL), SVCM_OK);
        CLOSE(sum, 1.0, 1e-10);
        CLOSE(mean, ex, 1e-8);
    }
    /* P(X(t) = 0) = (alpha/(alpha+t))^r: no purchase, still alive */
    double k0 = 0.0, p0;
    assert_int_equal(svcm_bgnbd_probability_of_purchases(&published, 39.0, &k0, 1, &p0, NULL),
                     SVCM_OK);
    CLOSE(p0, pow(4.414 / 43.414, 0.243), 1e-14);
}

static void test_bgnbd_probability_of_purchases_edges_and_bad_input(void **state)
{
    (void)state;
    double ks[3] = {0, 1, 1e12}, pk[3] = {-1, -1, -1};
    assert_int_equal(svcm_bgnbd_probability_of_purchases(&published, 0.0, ks, 3, pk, NULL),
                     SVCM_OK);
    assert_true(pk[0] == 1.0 && pk[1] == 0.0 && pk[2] == 0.0);
    /* a huge count: tiny, finite, no sum over 1e12 terms */
    assert_int_equal(svcm_bgnbd_probability_of_purchases(&published, 39.0, ks, 3, pk, NULL),
                     SVCM_OK);
    assert_true(pk[2] >= 0.0 && pk[2] < 1e-300);
    svcm_error err;
    double bad[4] = {-1, 0.5, NAN, 2e12};
    for (int i = 0; i < 4; i++) {
        double k[2] = {1, bad[i]};
        assert_int_equal(svcm_bgnbd_probability_of_purchases(&published, 1.0, k, 2, pk, &err),
                         SVCM_EINVAL);
        assert_int_equal(err.index, 1);
        assert_string_equal(err.field, "n");
    }
    assert_int_equal(svcm_bgnbd_probability_of_purchases(&published, -1.0, ks, 1, pk, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "t");
    assert_int_equal(svcm_bgnbd_probability_of_purchases(&published, NAN, ks, 1, pk, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_bgnbd_probability_of_purchases(&published, 1.0, NULL, 1, pk, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_bgnbd_probability_of_purchases(&published, 1.0, ks, 1, NULL, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_bgnbd_probability_of_purchases(NULL, 1.0, ks, 1, pk, &err), SVCM_EINVAL);
    svcm_bgnbd_params bp = published;
    bp.a = 0.0;
    assert_int_equal(svcm_bgnbd_probability_of_purchases(&bp, 1.0, ks, 1, pk, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "a");
    assert_int_equal(svcm_bgnbd_probability_of_purchases(&published, 1.0, NULL, 0, NULL, &err),
                     SVCM_OK);
}

/* ----------------------------------------- 0.2: P(alive) at T + tau */

/* P(alive at T + tau) by Simpson integration over the dropout probability
 * p ~ Beta(a, b+x) of E[(1-p)^N] = ((alpha+T)/(alpha+T+p tau))^(r+x): not
 * the series the library sums. Substitution p = u^(1/a) removes the
 * endpoint singularity of p^(a-1). */
static double p_alive_at_quad(const svcm_bgnbd_params *P, double tau, double x, double tx,
                              double T)
{
    double r = P->r, al = P->alpha, a = P->a, b = P->b, bx = b + x;
    double now;
    assert_int_equal(svcm_bgnbd_p_alive(P, &x, &tx, &T, 1, &now, NULL), SVCM_OK);
    const int N = 20000;
    double s = 0.0;
    for (int i = 0; i <= N; i++) {
        double u = (double)i / N, p = pow(u, 1.0 / a);
        double f = pow(1.0 - p, bx - 1.0) * pow((al + T) / (al + T + p * tau), r + x);
        if (i == N)
            f = bx > 1.0 ? 0.0 : (bx == 1.0 ? pow((al + T) / (al + T + tau), r + x) : 0.0);
        s += f * (i == 0 || i == N ? 1.0 : (i % 2 ? 4.0 : 2.0));
    }
    s /= 3.0 * N;
    /* int_0^1 p^(a-1) g(p) dp = (1/a) int_0^1 g(u^(1/a)) du */
    double lB = lgamma(a) + lgamma(bx) - lgamma(a + bx);
    return now * s / a / exp(lB);
}

static void test_bgnbd_p_alive_at_matches_integration_and_decays(void **state)
{
    (void)state;
    /* CDNOW customers (x, t_x, T) of the kind in [HX] */
    const double xs[4] = {2, 5, 1, 0}, txs[4] = {30.43, 20, 37, 0}, Ts[4] = {38.86, 38.86, 38, 38};
    const double taus[4] = {0, 4.35, 26, 52};
    for (int c = 0; c < 4; c++) {
        double prev = 2.0, now;
        assert_int_equal(svcm_bgnbd_p_alive(&published, &xs[c], &txs[c], &Ts[c], 1, &now, NULL),
                         SVCM_OK);
        for (int k = 0; k < 4; k++) {
            double v;
            assert_int_equal(svcm_bgnbd_p_alive_at(&published, taus[k], &xs[c], &txs[c], &Ts[c],
                                                   1, &v, NULL),
                             SVCM_OK);
            if (taus[k] == 0.0)
                assert_true(v == now); /* tau = 0 is P(alive) now */
            else if (xs[c] > 1.0) /* b + x > 1: integrand smooth at 1 */
                CLOSE(v, p_alive_at_quad(&published, taus[k], xs[c], txs[c], Ts[c]), 1e-6);
            assert_true(v <= prev && v > 0.0);
            prev = v;
        }
        /* later purchases are chances to drop out: strictly below now */
        assert_true(prev < now);
    }
    /* A one-time buyer: alive now with probability 1, not a year later.
     * Closed form for x = 0 is the same sum; check against integration with
     * b = 2.426 > 1. */
    double x = 0, tx = 0, T = 38, v;
    assert_int_equal(svcm_bgnbd_p_alive_at(&published, 52, &x, &tx, &T, 1, &v, NULL), SVCM_OK);
    CLOSE(v, p_alive_at_quad(&published, 52, 0, 0, 38), 1e-6);
    assert_true(v < 1.0);
    /* the high-frequency customer of issue reports (x = 221, t_x = 103.43,
     * T = 103.57): finite and as integrated */
    x = 221;
    tx = 103.43;
    T = 103.57;
    assert_int_equal(svcm_bgnbd_p_alive_at(&published, 52, &x, &tx, &T, 1, &v, NULL), SVCM_OK);
    assert_true(isfinite(v) && v > 0.0 && v < 1.0);
    CLOSE(v, p_alive_at_quad(&published, 52, 221, 103.43, 103.57), 1e-6);
}

static void test_bgnbd_p_alive_at_bad_input(void **state)
{
    (void)state;
    double x[2] = {1, 2}, tx[2] = {3, 4}, T[2] = {5, 6}, out[2] = {-1, -1};
    svcm_error err;
    assert_int_equal(svcm_bgnbd_p_alive_at(&published, -1, x, tx, T, 2, out, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "tau");
    assert_int_equal(svcm_bgnbd_p_alive_at(&published, INFINITY, x, tx, T, 2, out, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "tau");
    tx[1] = 7; /* t_x > T */
    assert_int_equal(svcm_bgnbd_p_alive_at(&published, 1, x, tx, T, 2, out, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "t_x");
    assert_true(out[0] == -1); /* all-or-nothing */
    tx[1] = 4;
    assert_int_equal(svcm_bgnbd_p_alive_at(&published, 1, x, tx, T, 2, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_bgnbd_p_alive_at(NULL, 1, x, tx, T, 2, out, &err), SVCM_EINVAL);
    assert_int_equal(svcm_bgnbd_p_alive_at(&published, 1, NULL, tx, T, 2, out, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_bgnbd_p_alive_at(&published, 1, NULL, NULL, NULL, 0, NULL, &err),
                     SVCM_OK);
    /* a horizon far beyond alpha + T with many purchases: the series cannot
     * reach its tolerance, an error, never NaN */
    double bx = 1e6, btx = 1, bT = 1;
    assert_int_equal(svcm_bgnbd_p_alive_at(&published, 1e12, &bx, &btx, &bT, 1, out, &err),
                     SVCM_ENOCONV);
    assert_string_equal(err.field, "tau");
    assert_int_equal(err.index, 0);
}

/* ------------------------------------------- 0.2: Gamma-Gamma and CLV */

static void test_gammagamma_fit_refuses_q_at_most_one(void **state)
{
    (void)state;
    /* One purchase each, spends at the quantiles of the Gamma-Gamma
     * marginal with p = 1, q = 0.7, gamma = 10 (a Lomax law,
     * F(m) = 1 - (gamma/(gamma+m))^q): the mean spend is infinite. */
    enum { N = 3000 };
    static double x[N], m[N];
    for (int i = 0; i < N; i++) {
        double u = (i + 0.5) / N;
        x[i] = 1.0;
        m[i] = 10.0 * (pow(1.0 - u, -1.0 / 0.7) - 1.0);
    }
    struct svcm_gammagamma_fit_result r = {.loglik = 1};
    svcm_error err;
    assert_int_equal(svcm_gammagamma_fit(x, m, N, NULL, NULL, &r, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "q");
    assert_non_null(strstr(err.message, "undefined"));
    assert_true(r.params.q <= 1.0 && r.params.q > 0.0);
    assert_int_equal(r.converged, 0);
    assert_true(isfinite(r.loglik) && r.loglik != 1);
}

static double gg_ll(const double *v, const double *x, const double *m, size_t n)
{
    svcm_gammagamma_params p = {v[0], v[1], v[2]};
    double ll = NAN;
    assert_int_equal(svcm_gammagamma_loglik(&p, x, m, n, &ll, NULL), SVCM_OK);
    return ll;
}

static void test_gammagamma_penalizer_and_standard_errors(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    double *x = malloc(d.n * sizeof *x), *m = malloc(d.n * sizeof *m);
    assert_non_null(x);
    assert_non_null(m);
    size_t n = 0;
    for (size_t i = 0; i < d.n; i++)
        if (d.x[i] > 0) {
            x[n] = d.x[i];
            m[n++] = d.zbar[i];
        }
    svcm_lifetime_fit_options o;
    svcm_lifetime_fit_options_init(&o);
    struct svcm_gammagamma_fit_result plain, pen;
    assert_int_equal(svcm_gammagamma_fit(x, m, n, &o, NULL, &plain, NULL), SVCM_OK);
    assert_int_equal(plain.converged, 1);
    assert_true(plain.grad_norm <= 1e-6);
    /* standard errors against second differences of the public loglik */
    double p0[4] = {plain.params.p, plain.params.q, plain.params.gamma, 0}, H[4][4], Hi[4][4];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double hi = 1e-3 * p0[i], hj = 1e-3 * p0[j], v[3], f[4];
            for (int s = 0; s < 4; s++) {
                memcpy(v, p0, sizeof v);
                v[i] += (s & 1) ? -hi : hi;
                v[j] += (s & 2) ? -hj : hj;
                f[s] = gg_ll(v, x, m, n);
            }
            H[i][j] = -(f[0] - f[1] - f[2] + f[3]) / (4.0 * hi * hj);
        }
    assert_true(invert(H, Hi, 3));
    const double se[3] = {plain.se.p, plain.se.q, plain.se.gamma};
    for (int k = 0; k < 3; k++)
        CLOSE(se[k], sqrt(Hi[k][k]), 0.01 * sqrt(Hi[k][k]));
    /* penalised: stationarity of loglik / n - lambda sum(params^2) */
    o.penalizer = 0.001;
    assert_int_equal(svcm_gammagamma_fit(x, m, n, &o, NULL, &pen, NULL), SVCM_OK);
    double q0[3] = {pen.params.p, pen.params.q, pen.params.gamma};
    for (int k = 0; k < 3; k++) {
        double h = 1e-5 * q0[k], v[3];
        memcpy(v, q0, sizeof v);
        v[k] += h;
        double fp = gg_ll(v, x, m, n);
        v[k] -= 2.0 * h;
        double fm = gg_ll(v, x, m, n);
        double g = (fp - fm) / (2.0 * h) / (double)n;
        CLOSE(g, 2.0 * o.penalizer * q0[k], 1e-5 + 1e-3 * fabs(g));
    }
    assert_true(pen.params.gamma < plain.params.gamma);
    CLOSE(pen.loglik, gg_ll(q0, x, m, n), 1e-6);
    svcm_error err;
    o.penalizer = -1;
    assert_int_equal(svcm_gammagamma_fit(x, m, n, &o, NULL, &pen, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "penalizer");
    free(x);
    free(m);
    cdnow_free(&d);
}

/* The period is whatever the caller says: the same customers in days, with
 * alpha in days and a period of 7 * 4.348 days, give the CLV computed in
 * weeks with periods of 4.348 weeks. No CLV is negative; a negative margin
 * is refused. */
static void test_clv_period_length_is_explicit_and_clv_never_negative(void **state)
{
    (void)state;
    cdnow d;
    cdnow_load(&d);
    const svcm_gammagamma_params gg = {6.25, 3.74, 15.44}; /* [FH13] */
    double *wk = malloc(d.n * sizeof *wk), *dy = malloc(d.n * sizeof *dy);
    double *txd = malloc(d.n * sizeof *txd), *Td = malloc(d.n * sizeof *Td);
    assert_non_null(wk);
    assert_non_null(dy);
    assert_non_null(txd);
    assert_non_null(Td);
    for (size_t i = 0; i < d.n; i++) {
        txd[i] = 7.0 * d.tx[i];
        Td[i] = 7.0 * d.T[i];
    }
    svcm_clv_options o;
    svcm_clv_options_init(&o);
    o.period_length = 4.348;
    o.discount_rate = 0.02;
    assert_int_equal(svcm_clv(&published, &gg, d.x, d.tx, d.T, d.zbar, d.n, &o, wk, NULL),
                     SVCM_OK);
    svcm_bgnbd_params days = published;
    days.alpha *= 7.0;
    o.period_length = 7.0 * 4.348;
    assert_int_equal(svcm_clv(&days, &gg, d.x, txd, Td, d.zbar, d.n, &o, dy, NULL), SVCM_OK);
    for (size_t i = 0; i < d.n; i++) {
        assert_true(wk[i] >= 0.0);
        CLOSE(dy[i], wk[i], 1e-9 * (1.0 + wk[i]));
    }
    svcm_error err;
    o.margin = -0.5;
    assert_int_equal(svcm_clv(&days, &gg, d.x, txd, Td, d.zbar, d.n, &o, dy, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "margin");
    /* q <= 1 with x = 0 has no expected spend: refused, not negative */
    const svcm_gammagamma_params heavy = {1.0, 0.9, 10.0};
    o.margin = 1.0;
    double x0 = 0, tx0 = 0, T0 = 10, m0 = 0, v = -1;
    assert_int_equal(svcm_clv(&published, &heavy, &x0, &tx0, &T0, &m0, 1, &o, &v, &err),
                     SVCM_ERANGE);
    assert_string_equal(err.field, "q");
    assert_true(v == -1);
    free(wk);
    free(dy);
    free(txd);
    free(Td);
    cdnow_free(&d);
}

/* Random small data sets with extreme values (times from 1e-6 to 1e6,
 * counts to 1e6): a fit either fails with a code or fills out with finite
 * numbers; it never returns NaN or an infinity. */
static void test_bgnbd_fit_on_random_extremes_is_finite_or_an_error(void **state)
{
    (void)state;
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    for (int trial = 0; trial < 60; trial++) {
        double x[12], tx[12], T[12], w[12];
        for (int i = 0; i < 12; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            double u1 = (double)(seed >> 11) / 9007199254740992.0;
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            double u2 = (double)(seed >> 11) / 9007199254740992.0;
            T[i] = pow(10.0, -6.0 + 12.0 * u1);
            x[i] = floor(pow(10.0, 6.0 * u2 * (trial % 3 == 0 ? 1.0 : 0.3))) - 1.0;
            tx[i] = x[i] > 0.0 ? T[i] * u2 : 0.0;
            w[i] = 1.0 + (double)(i % 3);
        }
        svcm_lifetime_fit_options o;
        svcm_lifetime_fit_options_init(&o);
        o.max_iter = trial % 2 ? 200 : 7;
        o.penalizer = trial % 4 == 1 ? 0.01 : 0.0;
        struct svcm_bgnbd_fit_result r;
        int rc = svcm_bgnbd_fit(x, tx, T, trial % 5 ? w : NULL, 12, &o, NULL, &r, NULL);
        assert_true(rc == SVCM_OK || rc == SVCM_ENOCONV || rc == SVCM_EEMPTY);
        if (rc == SVCM_EEMPTY)
            continue;
        assert_int_equal(r.converged, rc == SVCM_OK);
        assert_true(isfinite(r.loglik) && isfinite(r.grad_norm));
        assert_true(isfinite(r.params.r) && isfinite(r.params.alpha) && isfinite(r.params.a) &&
                    isfinite(r.params.b));
        assert_true(r.params.r > 0.0 && r.params.alpha > 0.0 && r.params.a > 0.0 &&
                    r.params.b > 0.0);
        assert_true(isnan(r.se.r) || (isfinite(r.se.r) && r.se.r > 0.0));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digamma_matches_closed_forms),
        cmocka_unit_test(test_bfgs_finds_rosenbrock_minimum_and_reports_iteration_limit),
        cmocka_unit_test(test_bfgs_h_starts_from_the_given_inverse_hessian),
        cmocka_unit_test(test_bgnbd_fit_of_many_distinct_rows_is_the_maximum),
        cmocka_unit_test(test_bgnbd_fit_does_not_depend_on_row_order),
        cmocka_unit_test(test_bgnbd_fit_reproduces_fader_hardie_lee_2005_cdnow_estimates),
        cmocka_unit_test(test_bgnbd_conditional_expectation_matches_hardie_worked_example),
        cmocka_unit_test(test_bgnbd_unconditional_expectation_matches_hardie_workbook),
        cmocka_unit_test(test_bgnbd_conditional_expectation_matches_posterior_integration),
        cmocka_unit_test(test_bgnbd_expected_purchases_is_continuous_through_a_equal_1),
        cmocka_unit_test(test_bgnbd_expected_purchases_slope_at_zero_is_rate_times_p_alive),
        cmocka_unit_test(test_bgnbd_unconditional_is_conditional_for_a_customer_seen_for_no_time),
        cmocka_unit_test(test_bgnbd_p_alive_matches_hand_computation),
        cmocka_unit_test(test_bgnbd_p_alive_of_long_silent_heavy_buyer_is_tiny_not_nan),
        cmocka_unit_test(test_bgnbd_loglik_matches_hand_computation),
        cmocka_unit_test(test_bgnbd_fit_of_duplicated_data_has_same_estimates_and_double_loglik),
        cmocka_unit_test(test_bgnbd_fit_recovers_parameters_of_simulated_customers),
        cmocka_unit_test(test_bgnbd_bad_records_name_index_and_field_and_leave_output_alone),
        cmocka_unit_test(test_bgnbd_bad_parameters_and_nulls_are_einval),
        cmocka_unit_test(
            test_bgnbd_expectation_beyond_series_reach_is_enoconv_with_output_untouched),
        cmocka_unit_test(test_bgnbd_fit_without_repeaters_or_data_is_eempty),
        cmocka_unit_test(test_bgnbd_fit_with_too_few_iterations_is_enoconv),
        cmocka_unit_test(test_bgnbd_fit_when_nobody_ever_drops_out_is_enoconv),
        cmocka_unit_test(test_fits_and_summaries_report_enomem_from_the_allocator),
        cmocka_unit_test(test_gammagamma_fit_reproduces_fader_hardie_2013_cdnow_estimates),
        cmocka_unit_test(test_gammagamma_loglik_matches_hand_computation),
        cmocka_unit_test(test_gammagamma_conditional_spend_matches_hand_computation),
        cmocka_unit_test(test_gammagamma_infinite_mean_is_erange_and_bad_input_einval),
        cmocka_unit_test(test_gammagamma_fit_of_identical_spends_is_enoconv),
        cmocka_unit_test(test_clv_matches_hand_computation),
        cmocka_unit_test(test_options_init_fills_documented_defaults_and_accepts_null),
        cmocka_unit_test(test_remaining_null_option_and_range_errors_are_reported),
        cmocka_unit_test(test_clv_bad_options_and_records_are_einval),
        cmocka_unit_test(test_summaries_of_cdnow_transactions_reproduce_cdnow_summary_csv),
        cmocka_unit_test(test_summaries_merge_same_day_purchases_and_ignore_order),
        cmocka_unit_test(test_summaries_slot_offset_moves_day_boundaries),
        cmocka_unit_test(test_summaries_measure_with_zero_capacity_and_reject_bad_values),
        cmocka_unit_test(test_bgnbd_expected_purchases_keeps_its_digits_at_extreme_parameters),
        cmocka_unit_test(test_bgnbd_loglik_and_p_alive_keep_their_digits_at_extreme_parameters),
        cmocka_unit_test(test_gammagamma_spend_and_clv_near_the_double_range_are_finite_or_erange),
        cmocka_unit_test(test_logliks_beyond_the_double_range_are_erange_not_nan),
        cmocka_unit_test(test_summaries_near_the_double_range_are_finite_or_erange),
        cmocka_unit_test(test_bgnbd_standard_errors_match_second_differences_of_the_loglik),
        cmocka_unit_test(test_bgnbd_weighted_rows_fit_like_the_expanded_data),
        cmocka_unit_test(test_bgnbd_penalizer_is_the_lifetimes_l2_form),
        cmocka_unit_test(test_bgnbd_penalizer_keeps_a_running_off_fit_finite),
        cmocka_unit_test(test_bgnbd_probability_of_purchases_matches_fhl_eq8_on_cdnow),
        cmocka_unit_test(test_bgnbd_probability_of_purchases_edges_and_bad_input),
        cmocka_unit_test(test_bgnbd_p_alive_at_matches_integration_and_decays),
        cmocka_unit_test(test_bgnbd_p_alive_at_bad_input),
        cmocka_unit_test(test_gammagamma_fit_refuses_q_at_most_one),
        cmocka_unit_test(test_gammagamma_penalizer_and_standard_errors),
        cmocka_unit_test(test_clv_period_length_is_explicit_and_clv_never_negative),
        cmocka_unit_test(test_bgnbd_fit_on_random_extremes_is_finite_or_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
