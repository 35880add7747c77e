/* Tests of the BG/BB model (src/bgbb.c).
 *
 * Published values:
 * - [FHS10] Fader, Hardie & Shang (2010), "Customer-Base Analysis in a
 *   Discrete-Time Noncontractual Setting", Marketing Science 29(6): on the
 *   1995 cohort of 11,104 donors (tests/data/donations.csv), alpha = 1.204,
 *   beta = 0.750, gamma = 0.657, delta = 2.783, LL = -33,225.58; Table 6,
 *   P(alive in 2002) = 0.11 for (x, t_x) = (0, 0), 0.59 for (2, 4), 0.93
 *   for (6, 6), n = 6.
 * - [HX] Hardie's BG/BB spreadsheet for that paper ("Conditional
 *   Expectations (II)" sheet, total of column F), as quoted in the lifetimes
 *   test suite: the cohort's expected donations in the next 5 years,
 *   sum of count * E(X(6, 11) | x, t_x, 6) = 12,884.2.
 * Independent checks: exact enumeration of every purchase history and
 * dropout period for small n, written here from the model's definition;
 * direct sums of the dropout-survival series; a numerical Hessian. */
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

/* [FHS10] */
static const svcm_bgbb_params published = {1.204, 0.750, 0.657, 2.783};

typedef struct donations {
    size_t n;
    double x[32], tx[32], per[32], w[32];
} donations;

static void donations_load(donations *d)
{
    FILE *f = fopen(SVCM_DATA_DIR "/donations.csv", "r");
    assert_non_null(f);
    char line[128];
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    d->n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        assert_true(d->n < 32);
        size_t i = d->n;
        assert_int_equal(sscanf(line, "%lf,%lf,%lf,%lf", &d->x[i], &d->tx[i], &d->per[i], &d->w[i]),
                         4);
        d->n++;
    }
    fclose(f);
    assert_int_equal(d->n, 22);
    double s = 0.0;
    for (size_t i = 0; i < d->n; i++)
        s += d->w[i];
    CLOSE(s, 11104.0, 0.0);
}

/* ----------------------------------------------- published estimates */

static void test_fit_reproduces_fader_hardie_shang_2010_donation_estimates(void **state)
{
    (void)state;
    donations d;
    donations_load(&d);
    struct svcm_bgbb_fit_result r;
    svcm_error err;
    assert_int_equal(svcm_bgbb_fit(d.x, d.tx, d.per, d.w, d.n, NULL, NULL, &r, &err), SVCM_OK);
    /* [FHS10]: the published three decimals; LL to its two. */
    CLOSE(r.params.alpha, 1.204, 0.0005);
    CLOSE(r.params.beta, 0.750, 0.0005);
    CLOSE(r.params.gamma, 0.657, 0.0005);
    CLOSE(r.params.delta, 2.783, 0.0005);
    CLOSE(r.loglik, -33225.58, 0.005);
    CLOSE(r.weight, 11104.0, 0.0);
    assert_int_equal(r.n, 22);
    assert_int_equal(r.groups, 22);
    double ll;
    assert_int_equal(svcm_bgbb_loglik(&r.params, d.x, d.tx, d.per, d.w, d.n, &ll, NULL), SVCM_OK);
    CLOSE(ll, r.loglik, 1e-6);
}

static void test_p_alive_reproduces_fader_hardie_shang_2010_table_6(void **state)
{
    (void)state;
    donations d;
    donations_load(&d);
    struct svcm_bgbb_fit_result r;
    assert_int_equal(svcm_bgbb_fit(d.x, d.tx, d.per, d.w, d.n, NULL, NULL, &r, NULL), SVCM_OK);
    double x[3] = {0, 2, 6}, tx[3] = {0, 4, 6}, n[3] = {6, 6, 6}, pa[3];
    assert_int_equal(svcm_bgbb_p_alive(&r.params, x, tx, n, 3, pa, NULL), SVCM_OK);
    /* [FHS10] Table 6, to the two published decimals */
    CLOSE(pa[0], 0.11, 0.005);
    CLOSE(pa[1], 0.59, 0.005);
    CLOSE(pa[2], 0.93, 0.005);
}

static void test_expected_donations_reproduce_hardie_spreadsheet_total(void **state)
{
    (void)state;
    donations d;
    donations_load(&d);
    struct svcm_bgbb_fit_result r;
    assert_int_equal(svcm_bgbb_fit(d.x, d.tx, d.per, d.w, d.n, NULL, NULL, &r, NULL), SVCM_OK);
    double e[32], total = 0.0;
    assert_int_equal(svcm_bgbb_expected_purchases(&r.params, 5, d.x, d.tx, d.per, d.n, e, NULL),
                     SVCM_OK);
    for (size_t i = 0; i < d.n; i++)
        total += d.w[i] * e[i];
    CLOSE(total, 12884.2, 0.05); /* [HX], to its one decimal */
}

/* --------------------------------------- exact enumeration, small n */

/* log E[p^k (1-p)^m] for p ~ Beta(a, b) = log B(a+k, b+m) - log B(a, b). */
static double lmoment(double a, double b, double k, double m)
{
    return lgamma(a + k) + lgamma(b + m) - lgamma(a + b + k + m) - lgamma(a) - lgamma(b) +
           lgamma(a + b);
}

/* Probability that the customer is alive in exactly periods 1..d of N
 * (d = N: still alive in period N) and transacts in the periods of the bit
 * mask h (bit i-1 = period i), all within 1..d; zero otherwise. The dropout
 * happens before period d+1 with probability theta. */
static double path_prob(const svcm_bgbb_params *p, unsigned h, int d, int N)
{
    if (d < N && (h >> d) != 0)
        return 0.0;
    double k = __builtin_popcount(h);
    double lp = lmoment(p->alpha, p->beta, k, d - k);
    double lt = d < N ? lmoment(p->gamma, p->delta, 1, d) : lmoment(p->gamma, p->delta, 0, N);
    return exp(lp + lt);
}

/* Everything about the history h of the first n periods, summed over the
 * next m periods' transactions and every dropout period: its probability,
 * P(it and alive in period n+1), and E[transactions in n+1..n+m; it]. */
static void enumerate(const svcm_bgbb_params *p, unsigned h, int n, int m, double *ph,
                      double *palive, double *efut)
{
    int N = n + m;
    *ph = *palive = *efut = 0.0;
    for (unsigned f = 0; f < (1u << m); f++) {
        unsigned full = h | (f << n);
        for (int d = 0; d <= N; d++) {
            double q = path_prob(p, full, d, N);
            *ph += q;
            if (d >= n + 1)
                *palive += q;
            *efut += q * __builtin_popcount(f);
        }
    }
}

static void test_likelihood_p_alive_and_expectation_match_exact_enumeration(void **state)
{
    (void)state;
    const svcm_bgbb_params ps[3] = {published, {0.3, 2.5, 1.0, 0.4}, {5.0, 0.2, 3.0, 7.0}};
    const int n = 5, m = 3;
    for (int k = 0; k < 3; k++) {
        const svcm_bgbb_params *p = &ps[k];
        double total = 0.0;
        for (unsigned h = 0; h < (1u << n); h++) {
            double ph, pa, ef;
            enumerate(p, h, n, m, &ph, &pa, &ef);
            total += ph;
            double x = __builtin_popcount(h), tx = 0, per = n;
            for (int i = 0; i < n; i++)
                if (h >> i & 1u)
                    tx = i + 1;
            double ll, alive, e;
            assert_int_equal(svcm_bgbb_loglik(p, &x, &tx, &per, NULL, 1, &ll, NULL), SVCM_OK);
            assert_int_equal(svcm_bgbb_p_alive(p, &x, &tx, &per, 1, &alive, NULL), SVCM_OK);
            assert_int_equal(svcm_bgbb_expected_purchases(p, m, &x, &tx, &per, 1, &e, NULL),
                             SVCM_OK);
            CLOSE(exp(ll), ph, 1e-13 * ph);
            CLOSE(alive, pa / ph, 1e-12);
            CLOSE(e, ef / ph, 1e-12 * (1.0 + ef / ph));
        }
        CLOSE(total, 1.0, 1e-13); /* the histories are all there is */
    }
}

static void test_unconditional_expectation_matches_enumeration_over_dropout_periods(void **state)
{
    (void)state;
    const svcm_bgbb_params ps[3] = {published, {0.3, 2.5, 1.0, 0.4}, {5.0, 0.2, 1.2, 7.0}};
    for (int k = 0; k < 3; k++) {
        const svcm_bgbb_params *p = &ps[k];
        for (int N = 0; N <= 12; N += 3) {
            /* E[X(N)] = E[p] E[periods alive among 1..N]: sum over d. */
            double ealive = 0.0;
            for (int d = 0; d <= N; d++) {
                double lt = d < N ? lmoment(p->gamma, p->delta, 1, d)
                                  : lmoment(p->gamma, p->delta, 0, N);
                ealive += d * exp(lt);
            }
            double t = N, e;
            assert_int_equal(svcm_bgbb_expected_purchases_unconditional(p, &t, 1, &e, NULL),
                             SVCM_OK);
            CLOSE(e, p->alpha / (p->alpha + p->beta) * ealive, 1e-13 * (1.0 + e));
        }
    }
}

/* sum_{k=1..t} B(gamma, delta+n+k)/B(gamma, delta+n) by products. */
static double survival_sum(double ga, double de, double n, double t)
{
    double s = 0.0, q = 1.0;
    for (double k = 1.0; k <= t; k += 1.0) {
        q *= (de + n + k - 1.0) / (ga + de + n + k - 1.0);
        s += q;
    }
    return s;
}

static void test_expectation_is_continuous_through_gamma_1_and_matches_direct_sums(void **state)
{
    (void)state;
    const double gammas[9] = {0.3, 0.7499, 0.7501, 1.0 - 1e-9, 1.0, 1.0 + 1e-12,
                              1.2499, 1.2501, 4.0};
    const double horizons[4] = {1, 7, 100, 5000};
    for (int g = 0; g < 9; g++)
        for (int h = 0; h < 4; h++) {
            /* a customer who transacted in the last period: P(alive) = 1 */
            svcm_bgbb_params p = {1.5, 0.8, gammas[g], 2.5};
            double x = 3, tx = 4, per = 4, t = horizons[h], e;
            assert_int_equal(svcm_bgbb_expected_purchases(&p, t, &x, &tx, &per, 1, &e, NULL),
                             SVCM_OK);
            /* E = E[p | history] sum_k P(alive in n+k | alive in n): the
             * transaction-probability posterior is Beta(alpha+x,
             * beta+n-x). */
            double want = (p.alpha + x) / (p.alpha + p.beta + per) *
                          survival_sum(p.gamma, p.delta, per, t);
            CLOSE(e, want, 2e-13 * want);
        }
}

static void test_unconditional_expectation_matches_50_digit_closed_form_values(void **state)
{
    (void)state;
    /* 2 E[X(t)] at alpha = beta = 1 is delta/(gamma-1) [1 - Gamma(gamma+delta)
     * Gamma(1+delta+t) / (Gamma(gamma+delta+t) Gamma(1+delta))] (FHS10 eq. 8;
     * delta (psi(1+delta+t) - psi(1+delta)) at gamma = 1), evaluated with
     * mpmath 1.3 at 50 digits. */
    static const double cases[][4] = {
        {0.657, 2.783, 5, 3.1447507350406701},
        {1.0, 2.0, 10, 3.2064213564213564},
        {1.000000001, 0.5, 1000, 3.4361324114195897},
        {0.75, 1e-3, 1e6, 0.15092557631733845},
        {1.25, 1e-3, 1e6, 0.0038853080835346104},
        {1.2499, 3, 1e12, 11.98818145484137},
        {0.2, 1e-8, 1e12, 228.45596430271948},
        {5, 100, 3, 2.7248910497014888},
        {0.999, 50, 1e9, 847.16107535810165},
        {3, 1e5, 1e4, 8677.5732548322941},
        {1e-8, 1, 1e12, 999999727917.66934},
        {50, 1, 1e12, 0.020408163265306122},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        svcm_bgbb_params p = {1, 1, cases[k][0], cases[k][1]};
        double t = cases[k][2], u;
        assert_int_equal(svcm_bgbb_expected_purchases_unconditional(&p, &t, 1, &u, NULL), SVCM_OK);
        /* delta + n = 1e5 costs digits in the Stirling difference */
        double tol = cases[k][1] > 1e4 ? 3e-12 : 5e-14;
        CLOSE(2.0 * u, cases[k][3], tol * cases[k][3]);
    }
}

static void test_huge_horizons_and_histories_stay_finite(void **state)
{
    (void)state;
    double x[3] = {0, 1e6, 3}, tx[3] = {0, 1e6, 500000}, n[3] = {1e6, 1e6, 1e6};
    const svcm_bgbb_params ps[3] = {published, {1e-6, 1e6, 1e-6, 1e6}, {1e6, 1e-6, 1e6, 1e-6}};
    for (int k = 0; k < 3; k++) {
        double pa[3], e[3], ll, u, big = 1e12;
        assert_int_equal(svcm_bgbb_p_alive(&ps[k], x, tx, n, 3, pa, NULL), SVCM_OK);
        assert_int_equal(svcm_bgbb_expected_purchases(&ps[k], 1e12, x, tx, n, 3, e, NULL), SVCM_OK);
        assert_int_equal(svcm_bgbb_loglik(&ps[k], x, tx, n, NULL, 3, &ll, NULL), SVCM_OK);
        assert_int_equal(svcm_bgbb_expected_purchases_unconditional(&ps[k], &big, 1, &u, NULL),
                         SVCM_OK);
        assert_true(isfinite(ll) && isfinite(u) && u >= 0.0 && u <= big);
        for (int i = 0; i < 3; i++) {
            assert_true(pa[i] >= 0.0 && pa[i] <= 1.0);
            assert_true(isfinite(e[i]) && e[i] >= 0.0 && e[i] <= 1e12);
        }
    }
    /* With gamma > 1 the expected lifetime is finite: E[X(t)] approaches
     * alpha/(alpha+beta) delta/(gamma-1) (FHS10 eq. 8 as t -> infinity). */
    svcm_bgbb_params p = {1.0, 1.0, 3.0, 4.0};
    double t = 1e12, u;
    assert_int_equal(svcm_bgbb_expected_purchases_unconditional(&p, &t, 1, &u, NULL), SVCM_OK);
    CLOSE(u, 0.5 * 4.0 / 2.0, 1e-9);
}

/* ---------------------------------------------------- standard errors */

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
        double pv = M[c][c];
        for (int j = 0; j < 8; j++)
            M[c][j] /= pv;
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

static void test_standard_errors_match_a_second_difference_hessian(void **state)
{
    (void)state;
    donations d;
    donations_load(&d);
    struct svcm_bgbb_fit_result r;
    assert_int_equal(svcm_bgbb_fit(d.x, d.tx, d.per, d.w, d.n, NULL, NULL, &r, NULL), SVCM_OK);
    double v[4] = {r.params.alpha, r.params.beta, r.params.gamma, r.params.delta}, H[4][4], C[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double hi = 1e-4 * v[i], hj = 1e-4 * v[j], f[4];
            for (int s = 0; s < 4; s++) {
                double w[4] = {v[0], v[1], v[2], v[3]};
                w[i] += (s & 1 ? -hi : hi);
                w[j] += (s & 2 ? -hj : hj);
                svcm_bgbb_params q = {w[0], w[1], w[2], w[3]};
                assert_int_equal(svcm_bgbb_loglik(&q, d.x, d.tx, d.per, d.w, d.n, &f[s], NULL),
                                 SVCM_OK);
            }
            H[i][j] = -(f[0] - f[1] - f[2] + f[3]) / (4.0 * hi * hj);
        }
    invert4(H, C);
    double se[4] = {r.se.alpha, r.se.beta, r.se.gamma, r.se.delta};
    for (int k = 0; k < 4; k++)
        CLOSE(se[k], sqrt(C[k][k]), 2e-3 * sqrt(C[k][k]));
}

static void test_weighted_fit_equals_fit_of_repeated_rows(void **state)
{
    (void)state;
    donations d;
    donations_load(&d);
    double *x = malloc(11104 * sizeof *x), *tx = malloc(11104 * sizeof *tx),
           *n = malloc(11104 * sizeof *n);
    size_t m = 0;
    for (size_t i = 0; i < d.n; i++)
        for (int k = 0; k < (int)d.w[i]; k++, m++)
            x[m] = d.x[i], tx[m] = d.tx[i], n[m] = d.per[i];
    assert_int_equal(m, 11104);
    struct svcm_bgbb_fit_result a, b;
    assert_int_equal(svcm_bgbb_fit(d.x, d.tx, d.per, d.w, d.n, NULL, NULL, &a, NULL), SVCM_OK);
    assert_int_equal(svcm_bgbb_fit(x, tx, n, NULL, m, NULL, NULL, &b, NULL), SVCM_OK);
    CLOSE(a.params.alpha, b.params.alpha, 1e-7);
    CLOSE(a.params.delta, b.params.delta, 1e-6);
    CLOSE(a.loglik, b.loglik, 1e-6);
    CLOSE(a.se.gamma, b.se.gamma, 1e-7);
    assert_int_equal(b.groups, 22);
    free(x), free(tx), free(n);
}

/* ------------------------------------------------------------ errors */

static void test_bad_parameters_records_and_horizons_are_einval_naming_the_field(void **state)
{
    (void)state;
    double x[2] = {1, 0}, tx[2] = {2, 0}, n[2] = {3, 3}, out[2] = {-1, -1}, ll = -1;
    svcm_error err;
    const char *names[4] = {"alpha", "beta", "gamma", "delta"};
    for (int k = 0; k < 4; k++) {
        svcm_bgbb_params p = published;
        double *v = k == 0 ? &p.alpha : k == 1 ? &p.beta : k == 2 ? &p.gamma : &p.delta;
        *v = k % 2 ? NAN : -1.0;
        assert_int_equal(svcm_bgbb_p_alive(&p, x, tx, n, 2, out, &err), SVCM_EINVAL);
        assert_string_equal(err.field, names[k]);
        assert_int_equal(svcm_bgbb_loglik(&p, x, tx, n, NULL, 2, &ll, &err), SVCM_EINVAL);
        assert_int_equal(svcm_bgbb_expected_purchases(&p, 1, x, tx, n, 2, out, &err), SVCM_EINVAL);
        assert_int_equal(svcm_bgbb_expected_purchases_unconditional(&p, n, 2, out, &err),
                         SVCM_EINVAL);
        assert_string_equal(err.field, names[k]);
    }
    assert_int_equal(svcm_bgbb_p_alive(NULL, x, tx, n, 2, out, &err), SVCM_EINVAL);
    const double recs[9][3] = {{1, 1, -1}, {1, 1, 2.5}, {1, 1, 2e6}, {-1, 0, 3}, {4, 4, 3},
                               {0.5, 1, 3}, {2, 1, 3},  {1, 4, 3},   {0, 2, 3}};
    const char *fields[9] = {"periods", "periods", "periods", "x", "x", "x", "t_x", "t_x", "t_x"};
    for (int k = 0; k < 9; k++) {
        double bx[2] = {1, recs[k][0]}, bt[2] = {1, recs[k][1]}, bn[2] = {3, recs[k][2]};
        assert_int_equal(svcm_bgbb_p_alive(&published, bx, bt, bn, 2, out, &err), SVCM_EINVAL);
        assert_int_equal(err.index, 1);
        assert_string_equal(err.field, fields[k]);
        assert_int_equal(svcm_bgbb_loglik(&published, bx, bt, bn, NULL, 2, &ll, &err), SVCM_EINVAL);
        assert_string_equal(err.field, fields[k]);
        struct svcm_bgbb_fit_result r;
        assert_int_equal(svcm_bgbb_fit(bx, bt, bn, NULL, 2, NULL, NULL, &r, &err), SVCM_EINVAL);
        assert_string_equal(err.field, fields[k]);
    }
    const double badt[3] = {-1, 1.5, 2e12};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(svcm_bgbb_expected_purchases(&published, badt[k], x, tx, n, 2, out, &err),
                         SVCM_EINVAL);
        assert_string_equal(err.field, "t");
        double ts[2] = {1, badt[k]};
        assert_int_equal(svcm_bgbb_expected_purchases_unconditional(&published, ts, 2, out, &err),
                         SVCM_EINVAL);
        assert_int_equal(err.index, 1);
    }
    double w[2] = {1, -2};
    assert_int_equal(svcm_bgbb_loglik(&published, x, tx, n, w, 2, &ll, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "weights");
    assert_int_equal(svcm_bgbb_loglik(&published, x, tx, n, NULL, 2, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_bgbb_p_alive(&published, x, NULL, n, 2, out, &err), SVCM_EINVAL);
    assert_int_equal(svcm_bgbb_expected_purchases(&published, 1, x, tx, n, 2, NULL, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_bgbb_expected_purchases_unconditional(&published, NULL, 2, out, &err),
                     SVCM_EINVAL);
    assert_true(out[0] == -1 && out[1] == -1 && ll == -1); /* nothing written */
}

static void test_fit_errors_and_non_convergence_are_reported(void **state)
{
    (void)state;
    double x[3] = {1, 0, 2}, tx[3] = {2, 0, 3}, n[3] = {3, 3, 3};
    struct svcm_bgbb_fit_result r = {.loglik = -7};
    svcm_error err;
    assert_int_equal(svcm_bgbb_fit(x, tx, n, NULL, 3, NULL, NULL, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_bgbb_fit(x, tx, n, NULL, 0, NULL, NULL, &r, &err), SVCM_EEMPTY);
    double z[2] = {0, 0}, w0[3] = {0, 0, 0}, w1[3] = {0, 4, 0}, wbad[3] = {1, INFINITY, 1};
    assert_int_equal(svcm_bgbb_fit(z, z, n, NULL, 2, NULL, NULL, &r, &err), SVCM_EEMPTY);
    assert_string_equal(err.field, "x");
    assert_int_equal(svcm_bgbb_fit(x, tx, n, w0, 3, NULL, NULL, &r, &err), SVCM_EEMPTY);
    assert_int_equal(svcm_bgbb_fit(x, tx, n, w1, 3, NULL, NULL, &r, &err), SVCM_EEMPTY);
    assert_int_equal(svcm_bgbb_fit(x, tx, n, wbad, 3, NULL, NULL, &r, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "weights");
    svcm_lifetime_fit_options o;
    svcm_lifetime_fit_options_init(&o);
    o.gtol = -1;
    assert_int_equal(svcm_bgbb_fit(x, tx, n, NULL, 3, &o, NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "gtol");
    /* too few iterations */
    donations d;
    donations_load(&d);
    svcm_lifetime_fit_options_init(&o);
    o.max_iter = 2;
    assert_int_equal(svcm_bgbb_fit(d.x, d.tx, d.per, d.w, d.n, &o, NULL, &r, &err), SVCM_ENOCONV);
    /* Everybody transacts in every period: p -> 1 and theta -> 0, no
     * interior maximum. */
    double fx[2] = {5, 3}, ft[2] = {5, 3}, fn[2] = {5, 3};
    assert_int_equal(svcm_bgbb_fit(fx, ft, fn, NULL, 2, NULL, NULL, &r, &err), SVCM_ENOCONV);
    assert_int_equal(err.code, SVCM_ENOCONV);
    assert_true(r.loglik == -7);
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

static void test_fit_reports_enomem_from_the_allocator(void **state)
{
    (void)state;
    int budget = 0;
    svcm_allocator al = {fail_alloc, fail_realloc, fail_free, &budget};
    double x[2] = {1, 0}, tx[2] = {1, 0}, n[2] = {3, 3};
    struct svcm_bgbb_fit_result r;
    assert_int_equal(svcm_bgbb_fit(x, tx, n, NULL, 2, NULL, &al, &r, NULL), SVCM_ENOMEM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_reproduces_fader_hardie_shang_2010_donation_estimates),
        cmocka_unit_test(test_p_alive_reproduces_fader_hardie_shang_2010_table_6),
        cmocka_unit_test(test_expected_donations_reproduce_hardie_spreadsheet_total),
        cmocka_unit_test(test_likelihood_p_alive_and_expectation_match_exact_enumeration),
        cmocka_unit_test(test_unconditional_expectation_matches_enumeration_over_dropout_periods),
        cmocka_unit_test(test_expectation_is_continuous_through_gamma_1_and_matches_direct_sums),
        cmocka_unit_test(test_unconditional_expectation_matches_50_digit_closed_form_values),
        cmocka_unit_test(test_huge_horizons_and_histories_stay_finite),
        cmocka_unit_test(test_standard_errors_match_a_second_difference_hessian),
        cmocka_unit_test(test_weighted_fit_equals_fit_of_repeated_rows),
        cmocka_unit_test(test_bad_parameters_records_and_horizons_are_einval_naming_the_field),
        cmocka_unit_test(test_fit_errors_and_non_convergence_are_reported),
        cmocka_unit_test(test_fit_reports_enomem_from_the_allocator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
