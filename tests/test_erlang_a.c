/* Tests of src/erlang_a.c: Erlang A (M/M/N+M), its staffing search and the
 * reverse calculation from scheduled staff. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/erlang.h"

static void assert_near(double got, double want, double abs_tol, double rel_tol)
{
    double tol = abs_tol + rel_tol * fabs(want);
    if (!(fabs(got - want) <= tol)) {
        print_error("got %.17g, want %.17g (tol %g)\n", got, want, tol);
        fail();
    }
}

static struct svcm_erlang_a_result eval_a(double a, double aht, double patience, uint32_t n,
                                   double target_s)
{
    svcm_erlang_a_options o;
    svcm_erlang_a_options_init(&o);
    o.target_answer_s = target_s;
    struct svcm_erlang_a_result r;
    memset(&r, 0, sizeof r);
    assert_int_equal(svcm_erlang_a_eval(a, aht, patience, n, &o, &r, NULL), SVCM_OK);
    return r;
}

/* ------------------------------------------------ brute-force reference */

/* The birth-death chain of M/M/N+M truncated where the weights are below
 * 1e-40 of both the largest and state N's, solved in long double by plain
 * products of the rate ratios (rescaled by 1e-280 before they overflow;
 * weights that underflow are negligible), time in AHT units: service rate
 * 1, abandonment rate r. Products keep the relative error near j ulps
 * even where long double is only a double (valgrind). Independent of the
 * library: no Erlang B, no closed forms, no logarithms. */
typedef struct chain {
    size_t len;      /* states 0..len-1 */
    long double *pi; /* normalised stationary probabilities */
} chain;

static chain chain_solve(double a, uint32_t n, double r)
{
    size_t cap = 1024, len = 1;
    long double *w = malloc(cap * sizeof *w);
    assert_non_null(w);
    w[0] = 1.0L;
    long double mx = 1.0L;
    for (size_t j = 1;; j++) {
        long double death = j <= n ? (long double)j : (long double)n + (long double)(j - n) * r;
        if (len == cap) {
            cap *= 2;
            w = realloc(w, cap * sizeof *w);
            assert_non_null(w);
        }
        w[len++] = w[j - 1] * (long double)a / death;
        if (w[j] > 1e280L) {
            for (size_t i = 0; i <= j; i++)
                w[i] *= 1e-280L;
            mx *= 1e-280L;
        }
        if (w[j] > mx)
            mx = w[j];
        /* (state N's weight may underflow when the mode is far above it) */
        if (j > n && (long double)a < death && w[j] < 1e-40L * mx &&
            (w[n] == 0.0L || w[j] < 1e-40L * w[n]))
            break;
    }
    long double s = 0.0L;
    for (size_t j = 0; j < len; j++)
        s += w[j];
    for (size_t j = 0; j < len; j++)
        w[j] /= s;
    chain c = {len, w};
    return c;
}

/* A tagged caller who finds j waiting moves up at rate N + j r and
 * abandons at rate r. First-step analysis gives P(answered) and
 * E[W; answered]; the time-t probabilities come from uniformisation of
 * this absorbing chain (rate L = the largest exit rate): after m jumps of
 * the embedded chain, F_j(m) = c_j / L F_{j-1}(m-1) + (1 - (c_j + r) / L)
 * F_j(m-1) with F_{-1} = 1, and P(answered by t) = sum_m Poisson(m; L t)
 * F_j(m); without the abandonment term it gives the would-be wait. */
typedef struct brute {
    double p_wait, p_abandon, wait_all, asa, sl, sl_virtual;
} brute;

static void uniformised(long double *acc, size_t m, double n, double r, double t,
                        bool abandon)
{
    long double big = (long double)n + (long double)m * r + r, lt = big * (long double)t;
    long double *f = calloc(2 * m, sizeof *f), *g = f + m;
    assert_non_null(f);
    size_t steps = (size_t)(lt + 12.0L * sqrtl(lt) + 30.0L);
    long double log_lt = logl(lt);
    memset(acc, 0, m * sizeof *acc);
    for (size_t s = 1; s <= steps; s++) {
        for (size_t j = 0; j < m; j++) {
            long double cj = (long double)n + (long double)j * r;
            long double stay = 1.0L - (cj + (abandon ? (long double)r : 0.0L)) / big;
            g[j] = cj / big * (j == 0 ? 1.0L : f[j - 1]) + stay * f[j];
        }
        memcpy(f, g, m * sizeof *f);
        /* Poisson weight from its logarithm: e^{-L t} alone underflows a
         * double (valgrind runs long double as double) beyond L t = 745. */
        long double w = expl(-lt + (long double)s * log_lt - lgammal((long double)s + 1.0L));
        for (size_t j = 0; j < m; j++)
            acc[j] += w * f[j];
    }
    free(f);
}

static brute brute_force(double a, double aht, double patience, uint32_t n, double target_s,
                         bool with_sl)
{
    double r = aht / patience;
    chain c = chain_solve(a, n, r);
    brute b = {0};
    long double pw = 0, q = 0, ans = 0, wait_ans = 0, p_ans = 1.0L, m_ans = 0.0L;
    for (size_t j = n; j < c.len; j++) {
        size_t k = j - n; /* callers ahead in the queue */
        long double ck = (long double)n + (long double)k * r, out = ck + r;
        long double p_prev = p_ans, m_prev = m_ans;
        p_ans = ck / out * (k == 0 ? 1.0L : p_prev);
        m_ans = ck / out * ((k == 0 ? 1.0L : p_prev) / out + (k == 0 ? 0.0L : m_prev));
        pw += c.pi[j];
        q += (long double)k * c.pi[j];
        ans += c.pi[j] * p_ans;
        wait_ans += c.pi[j] * m_ans;
    }
    b.p_wait = (double)pw;
    b.p_abandon = (double)(r * q / a);
    b.wait_all = (double)(q / a * aht);
    b.asa = (double)(wait_ans / (1.0L - pw + ans) * aht);
    if (with_sl) {
        size_t m = c.len - n;
        long double *f = malloc(m * sizeof *f);
        assert_non_null(f);
        long double below = 1.0L - pw, sl = below, slv = below;
        uniformised(f, m, n, r, target_s / aht, true);
        for (size_t k = 0; k < m; k++)
            sl += c.pi[n + k] * f[k];
        uniformised(f, m, n, r, target_s / aht, false);
        for (size_t k = 0; k < m; k++)
            slv += c.pi[n + k] * f[k];
        b.sl = (double)sl;
        b.sl_virtual = (double)slv;
        free(f);
    }
    free(c.pi);
    return b;
}

/* ------------------------------------------------------------ references */

/* pyworkforce (github.com/rodrigo-arenas/pyworkforce), regression test
 * test_erlanga_regression_metrics in pyworkforce/queuing/tests/
 * test_abandonment.py: 100 calls in 30 min, AHT 3 min, patience 5 min,
 * 14 positions, 20 s target: waiting probability 0.14526 (5 decimals),
 * abandonment 0.013984, occupancy 0.704297, service level 0.916792 and
 * mean wait over all callers 0.069919 min (6 decimals). */
static void test_pyworkforce_regression_14_agents(void **state)
{
    (void)state;
    double a = 0.0;
    assert_int_equal(svcm_erlang_traffic(100.0, 180.0, 1800.0, &a, NULL), SVCM_OK);
    struct svcm_erlang_a_result r = eval_a(a, 180.0, 300.0, 14, 20.0);
    assert_int_equal(r.agents, 14);
    assert_near(r.p_wait, 0.14526, 0.5e-5, 0);
    assert_near(r.p_abandon, 0.013984, 0.5e-6, 0);
    assert_near(r.occupancy, 0.704297, 0.5e-6, 0);
    assert_near(r.service_level, 0.916792, 0.5e-6, 0);
    assert_near(r.wait_all_s / 60.0, 0.069919, 0.5e-6, 0);
    /* Exponential patience: P(abandon) = theta E[W over all callers]. */
    assert_near(r.p_abandon, r.wait_all_s / 300.0, 0, 1e-13);
}

/* Every measure against the brute-force chain over a grid of loads from
 * 1 to 5,000 Erlangs, patience from 0.1 to 3 handle times, and agents from
 * half the load (overloaded) to 20% above it. Tolerances: 1e-10 relative
 * for the chain sums and 1e-9 relative + 1e-12 absolute for the service
 * levels (the library's are a difference of sums, exact to about 1e-13). */
static void test_matches_brute_force_chain_over_grid(void **state)
{
    (void)state;
    static const double loads[] = {1.0, 10.0, 100.0, 1000.0, 5000.0};
    static const double ratios[] = {0.1, 1.0, 3.0}; /* patience / AHT */
    static const double staffing[] = {0.5, 1.0, 1.2};
    const double aht = 180.0, target = 20.0;
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 3; j++)
            for (size_t k = 0; k < 3; k++) {
                double a = loads[i];
                uint32_t n = (uint32_t)ceil(a * staffing[k]);
                brute b = brute_force(a, aht, aht * ratios[j], n, target, true);
                struct svcm_erlang_a_result r = eval_a(a, aht, aht * ratios[j], n, target);
                assert_near(r.p_wait, b.p_wait, 1e-300, 1e-10);
                assert_near(r.p_abandon, b.p_abandon, 1e-300, 1e-10);
                assert_near(r.wait_all_s, b.wait_all, 1e-300, 1e-10);
                assert_near(r.asa_s, b.asa, 1e-300, 1e-10);
                assert_near(r.occupancy, a * (1.0 - b.p_abandon) / n, 0, 1e-10);
                assert_near(r.service_level, b.sl, 1e-12, 1e-9);
                assert_near(r.sl_virtual, b.sl_virtual, 1e-12, 1e-9);
            }
}

/* theta = mu (patience = AHT): every caller leaves at rate 1 whether
 * served or waiting, so the number in system is that of M/M/infinity,
 * Poisson(A): P(wait) = P(X >= N), E[queue] = E[(X - N)^+] and
 * P(abandon) = E[(X - N)^+] / A. Closed form, summed here in long double. */
static void test_patience_equal_to_aht_gives_poisson_occupancy(void **state)
{
    (void)state;
    static const struct {
        double a;
        uint32_t n;
    } cases[] = {{3.0, 2}, {10.0, 12}, {50.0, 45}, {400.0, 410}};
    for (size_t i = 0; i < 4; i++) {
        double a = cases[i].a;
        uint32_t n = cases[i].n;
        long double p = expl(-(long double)a), below = 0, mean_below = 0;
        for (uint32_t x = 0; x < n; x++) {
            below += p;
            mean_below += (long double)x * p;
            p *= (long double)a / (long double)(x + 1);
        }
        /* E[(X - N)^+] = E[X] - N + E[(N - X)^+]. */
        long double excess = (long double)a - n + ((long double)n * below - mean_below);
        struct svcm_erlang_a_result r = eval_a(a, 60.0, 60.0, n, 10.0);
        assert_near(r.p_wait, (double)(1.0L - below), 0, 1e-11);
        assert_near(r.p_abandon, (double)(excess / a), 0, 1e-11);
    }
}

/* Infinite patience is Erlang C: with patience 10^7 handle times the
 * results agree with svcm_erlang_eval() to about 1e-5 (the first-order
 * effect of abandonment is A/N * AHT/patience-sized). */
static void test_long_patience_converges_to_erlang_c(void **state)
{
    (void)state;
    static const struct {
        double a;
        uint32_t n;
    } cases[] = {{10.0, 14}, {10.0, 20}, {100.0, 110}, {1000.0, 1030}};
    for (size_t i = 0; i < 4; i++) {
        svcm_erlang_options o;
        svcm_erlang_options_init(&o);
        struct svcm_erlang_result c;
        assert_int_equal(svcm_erlang_eval(cases[i].a, 180.0, cases[i].n, &o, &c, NULL),
                         SVCM_OK);
        struct svcm_erlang_a_result r = eval_a(cases[i].a, 180.0, 180.0 * 1e7, cases[i].n, 20.0);
        assert_near(r.p_wait, c.p_wait, 0, 1e-5);
        assert_near(r.service_level, c.service_level, 0, 1e-5);
        assert_near(r.sl_virtual, c.service_level, 0, 1e-5);
        assert_near(r.asa_s, c.asa_s / (1.0 - c.p_wait) * (1.0 - c.p_wait), 0, 1e-4);
        assert_near(r.wait_all_s, c.asa_s, 0, 1e-4);
        assert_near(r.occupancy, c.occupancy, 0, 1e-5);
        assert_true(r.p_abandon < 1e-5);
    }
}

/* More agents never hurt: P(wait), P(abandon), both waits and occupancy
 * fall and both service levels rise with N (the staffing search relies on
 * it), from 1 agent to twice the load, up to rounding: eps = 1e-12 (when
 * nearly every caller waits the service levels are differences of sums
 * near 1, exact to about 1e-14 absolute). */
static void test_measures_are_monotone_in_agents(void **state)
{
    (void)state;
    static const double loads[] = {0.5, 8.0, 75.0, 600.0};
    static const double patience[] = {30.0, 180.0, 900.0};
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 3; j++) {
            double a = loads[i];
            uint32_t top = (uint32_t)(2.0 * a) + 3, step = a > 100.0 ? 7 : 1;
            const double eps = 1e-12;
            struct svcm_erlang_a_result prev = eval_a(a, 180.0, patience[j], 1, 20.0);
            for (uint32_t n = 1 + step; n <= top; n += step) {
                struct svcm_erlang_a_result r = eval_a(a, 180.0, patience[j], n, 20.0);
                assert_true(r.p_wait <= prev.p_wait + eps && r.p_abandon <= prev.p_abandon + eps);
                assert_true(r.asa_s <= prev.asa_s * (1.0 + eps));
                assert_true(r.wait_all_s <= prev.wait_all_s * (1.0 + eps));
                assert_true(r.occupancy <= prev.occupancy + eps);
                assert_true(r.service_level >= prev.service_level - eps);
                assert_true(r.sl_virtual >= prev.sl_virtual - eps);
                assert_true(r.service_level <= r.sl_virtual + eps);
                prev = r;
            }
        }
}

/* Impatient callers abandon more and, leaving, shorten the wait of those
 * behind them. */
static void test_less_patience_means_more_abandonment(void **state)
{
    (void)state;
    struct svcm_erlang_a_result slow = eval_a(10.0, 180.0, 1200.0, 12, 20.0);
    struct svcm_erlang_a_result fast = eval_a(10.0, 180.0, 60.0, 12, 20.0);
    assert_true(fast.p_abandon > slow.p_abandon);
    assert_true(fast.asa_s < slow.asa_s);
}

/* 5,000 Erlangs: finite, in range, and cheap. */
static void test_5000_erlangs_is_finite(void **state)
{
    (void)state;
    static const uint32_t agents[] = {1, 100, 2500, 4999, 5000, 5100, 6000};
    for (size_t i = 0; i < 7; i++) {
        struct svcm_erlang_a_result r = eval_a(5000.0, 180.0, 300.0, agents[i], 20.0);
        assert_true(r.p_wait >= 0.0 && r.p_wait <= 1.0);
        assert_true(r.p_abandon >= 0.0 && r.p_abandon <= 1.0);
        assert_true(r.service_level >= 0.0 && r.service_level <= 1.0);
        assert_true(isfinite(r.asa_s) && isfinite(r.wait_all_s));
        /* Carried load never exceeds the agents. */
        assert_true(5000.0 * (1.0 - r.p_abandon) <= agents[i] * (1.0 + 1e-12));
    }
    /* One agent at 5,000 Erlangs: he answers 1/5000 of the load. */
    struct svcm_erlang_a_result one = eval_a(5000.0, 180.0, 300.0, 1, 20.0);
    assert_near(one.p_abandon, 1.0 - 1.0 / 5000.0, 0, 1e-12);
}

static void test_zero_traffic_and_zero_target(void **state)
{
    (void)state;
    struct svcm_erlang_a_result r = eval_a(0.0, 180.0, 300.0, 3, 20.0);
    assert_true(r.p_wait == 0.0 && r.p_abandon == 0.0 && r.asa_s == 0.0);
    assert_true(r.service_level == 1.0 && r.occupancy == 0.0);
    /* T = 0: answered within 0 s means not waiting at all. */
    r = eval_a(10.0, 180.0, 300.0, 12, 0.0);
    assert_near(r.service_level, 1.0 - r.p_wait, 0, 1e-15);
    assert_near(r.sl_virtual, 1.0 - r.p_wait, 0, 1e-15);
}

/* ---------------------------------------------------------------- staffing */

static bool meets(double a, double aht, double pat, uint32_t n,
                  const svcm_erlang_a_options *o)
{
    struct svcm_erlang_a_result r;
    assert_int_equal(svcm_erlang_a_eval(a, aht, pat, n, o, &r, NULL), SVCM_OK);
    return r.service_level >= o->target_sl && r.occupancy <= o->max_occupancy &&
           r.asa_s <= o->max_asa_s && r.p_abandon <= o->max_abandon;
}

/* The search returns the least N: N meets every goal and N - 1 does not,
 * for loads from 0.2 to 5,000 Erlangs and mixes of goals. */
static void test_staff_is_minimal(void **state)
{
    (void)state;
    static const double loads[] = {0.2, 3.0, 10.0, 47.5, 300.0, 5000.0};
    for (size_t i = 0; i < 6; i++)
        for (int goal = 0; goal < 4; goal++) {
            svcm_erlang_a_options o;
            svcm_erlang_a_options_init(&o);
            if (goal == 1)
                o.max_abandon = 0.01;
            if (goal == 2) {
                o.target_sl = 0.0;
                o.max_occupancy = 0.85;
            }
            if (goal == 3) {
                o.target_sl = 0.95;
                o.max_asa_s = 4.0;
            }
            struct svcm_erlang_a_result r;
            assert_int_equal(svcm_erlang_a_staff(loads[i], 240.0, 120.0, &o, &r, NULL),
                             SVCM_OK);
            assert_true(meets(loads[i], 240.0, 120.0, r.agents, &o));
            if (r.agents > 1)
                assert_false(meets(loads[i], 240.0, 120.0, r.agents - 1, &o));
            struct svcm_erlang_a_result again;
            assert_int_equal(svcm_erlang_a_eval(loads[i], 240.0, 120.0, r.agents, &o, &again,
                                                NULL), SVCM_OK);
            assert_memory_equal(&r, &again, sizeof r);
        }
}

/* pyworkforce's scenario at 80/20 with an 85% occupancy cap and a 5%
 * abandonment cap (test_erlanga_required_positions_meets_targets): the
 * answer meets all three; with abandonment, fewer agents than Erlang C's
 * 14 are needed (13: the service level 0.858 vs Erlang C's 0.83 at 13). */
static void test_abandonment_needs_fewer_agents_than_erlang_c(void **state)
{
    (void)state;
    svcm_erlang_a_options o;
    svcm_erlang_a_options_init(&o);
    o.max_occupancy = 0.85;
    o.max_abandon = 0.05;
    o.shrinkage = 0.3;
    struct svcm_erlang_a_result r;
    assert_int_equal(svcm_erlang_a_staff(10.0, 180.0, 300.0, &o, &r, NULL), SVCM_OK);
    assert_true(r.service_level >= 0.8 && r.occupancy <= 0.85 && r.p_abandon <= 0.05);
    struct svcm_erlang_result c;
    assert_int_equal(svcm_erlang_staff(10.0, 180.0, NULL, &c, NULL), SVCM_OK);
    assert_true(r.agents <= c.agents);
    uint32_t staff = 0;
    assert_int_equal(svcm_erlang_staff_with_shrinkage(r.agents, 0.3, &staff, NULL), SVCM_OK);
    assert_int_equal(r.staff, staff);
}

static void test_staff_zero_traffic_needs_one_agent(void **state)
{
    (void)state;
    struct svcm_erlang_a_result r;
    assert_int_equal(svcm_erlang_a_staff(0.0, 60.0, 60.0, NULL, &r, NULL), SVCM_OK);
    assert_int_equal(r.agents, 1);
}

static void test_staff_unreachable_is_erange_and_writes_nothing(void **state)
{
    (void)state;
    svcm_erlang_a_options o;
    svcm_erlang_a_options_init(&o);
    o.max_agents = 5;
    struct svcm_erlang_a_result r, before;
    memset(&r, 0x5a, sizeof r);
    before = r;
    svcm_error err;
    assert_int_equal(svcm_erlang_a_staff(10.0, 180.0, 300.0, &o, &r, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "traffic");
    assert_memory_equal(&r, &before, sizeof r);
    /* No abandonment at all is impossible with positive traffic. */
    svcm_erlang_a_options_init(&o);
    o.max_abandon = 0.0;
    o.max_agents = 30;
    assert_int_equal(svcm_erlang_a_staff(10.0, 180.0, 300.0, &o, &r, &err), SVCM_ERANGE);
}

/* -------------------------------------------------- reverse calculation */

/* 20 staff at 30% shrinkage put exactly 14 agents on the phones, the
 * pyworkforce case above; 21 staff too (14.7 -> 14). */
static void test_eval_staff_is_eval_of_agents_after_shrinkage(void **state)
{
    (void)state;
    svcm_erlang_a_options o;
    svcm_erlang_a_options_init(&o);
    o.shrinkage = 0.3;
    struct svcm_erlang_a_result r, direct;
    assert_int_equal(svcm_erlang_a_eval_staff(10.0, 180.0, 300.0, 21, &o, &r, NULL), SVCM_OK);
    assert_int_equal(r.agents, 14);
    assert_int_equal(r.staff, 21);
    assert_int_equal(svcm_erlang_a_eval(10.0, 180.0, 300.0, 14, &o, &direct, NULL), SVCM_OK);
    assert_int_equal(direct.staff, 20);
    direct.staff = 21;
    assert_memory_equal(&r, &direct, sizeof r);
    svcm_error err;
    assert_int_equal(svcm_erlang_a_eval_staff(10.0, 180.0, 300.0, 1, &o, &r, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "staff");
}

/* ---------------------------------------------------------------- bad input */

static void test_bad_input_is_einval_naming_the_field(void **state)
{
    (void)state;
    struct svcm_erlang_a_result r;
    svcm_error err;
    assert_int_equal(svcm_erlang_a_eval(NAN, 180.0, 300.0, 3, NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "traffic");
    assert_int_equal(svcm_erlang_a_eval(-1.0, 180.0, 300.0, 3, NULL, &r, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_a_eval(1.0, 0.0, 300.0, 3, NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "aht_s");
    assert_int_equal(svcm_erlang_a_eval(1.0, 180.0, 0.0, 3, NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "patience_s");
    assert_int_equal(svcm_erlang_a_eval(1.0, 180.0, INFINITY, 3, NULL, &r, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "patience_s");
    assert_int_equal(svcm_erlang_a_eval(1.0, 180.0, 300.0, 0, NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "agents");
    assert_int_equal(svcm_erlang_a_eval(1.0, 180.0, 300.0, 3, NULL, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "out");
    assert_int_equal(svcm_erlang_a_staff(1.0, 180.0, -5.0, NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "patience_s");
    assert_int_equal(svcm_erlang_a_eval_staff(1.0, 180.0, NAN, 3, NULL, &r, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "patience_s");
    static const struct {
        size_t offset;
        double value;
        const char *field;
    } bad[] = {
        {offsetof(svcm_erlang_a_options, target_answer_s), -1.0, "target_answer_s"},
        {offsetof(svcm_erlang_a_options, target_sl), 1.0, "target_sl"},
        {offsetof(svcm_erlang_a_options, max_occupancy), 0.0, "max_occupancy"},
        {offsetof(svcm_erlang_a_options, max_asa_s), NAN, "max_asa_s"},
        {offsetof(svcm_erlang_a_options, max_abandon), 1.5, "max_abandon"},
        {offsetof(svcm_erlang_a_options, max_abandon), NAN, "max_abandon"},
        {offsetof(svcm_erlang_a_options, shrinkage), 1.0, "shrinkage"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        svcm_erlang_a_options o;
        svcm_erlang_a_options_init(&o);
        memcpy((char *)&o + bad[i].offset, &bad[i].value, sizeof(double));
        assert_int_equal(svcm_erlang_a_eval(1.0, 180.0, 300.0, 3, &o, &r, &err), SVCM_EINVAL);
        assert_string_equal(err.field, bad[i].field);
        assert_int_equal(svcm_erlang_a_staff(1.0, 180.0, 300.0, &o, &r, &err), SVCM_EINVAL);
        assert_string_equal(err.field, bad[i].field);
        assert_int_equal(svcm_erlang_a_eval_staff(1.0, 180.0, 300.0, 3, &o, &r, &err),
                         SVCM_EINVAL);
        assert_string_equal(err.field, bad[i].field);
    }
    svcm_erlang_a_options o;
    svcm_erlang_a_options_init(&o);
    o.max_agents = 0;
    assert_int_equal(svcm_erlang_a_staff(1.0, 180.0, 300.0, &o, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "max_agents");
    svcm_erlang_a_options_init(NULL); /* no-op */
}

/* A chain that would need more than 2^24 queue states (10^9 handle times
 * of patience, far fewer agents than the load) is refused, not run. */
static void test_too_many_queue_states_is_erange_on_patience(void **state)
{
    (void)state;
    struct svcm_erlang_a_result r;
    svcm_error err;
    assert_int_equal(svcm_erlang_a_eval(100.0, 1.0, 1e9, 50, NULL, &r, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "patience_s");
}

static void test_options_init_sets_documented_defaults(void **state)
{
    (void)state;
    svcm_erlang_a_options o;
    memset(&o, 0, sizeof o);
    svcm_erlang_a_options_init(&o);
    assert_true(o.target_answer_s == 20.0 && o.target_sl == 0.8);
    assert_true(o.max_occupancy == 1.0 && isinf(o.max_asa_s) && o.max_abandon == 1.0);
    assert_true(o.shrinkage == 0.0 && o.max_agents == 1000000u);
}

/* CCmath's published Erlang X example (the "ERLANG" Python package's demo
 * script, https://erlang.ccmath.com; 240 calls per hour, AHT 3 min,
 * patience 1 min, 100 lines, 14 agents, no redials, acceptable wait
 * 0.333 min): ASA 0.1 min, 87.97% within 20 s, 7.43% abandon, 0% blocked,
 * occupancy 79.34%. With 100 lines for 12 Erlangs blocking is negligible,
 * so this is M/M/14+M; CCmath's service level is the would-be-wait one
 * (sl_virtual) and its ASA the mean would-be wait (wait_virtual_s). An
 * independent Python computation (the chain's probabilities times
 * sum_j 1 / (N + j r), and the would-be wait's distribution by
 * uniformisation) gives 0.10044117979656285 min and 0.879661017427878. */
static void test_ccmath_erlang_x_example_without_redials(void **state)
{
    (void)state;
    struct svcm_erlang_a_result r = eval_a(12.0, 180.0, 60.0, 14, 0.333 * 60.0);
    assert_near(r.sl_virtual, 0.8797, 5e-5, 0.0);
    assert_near(r.p_abandon, 0.0743, 5e-5, 0.0);
    assert_near(r.occupancy, 0.7934, 5e-5, 0.0);
    assert_near(r.wait_virtual_s / 60.0, 0.10, 0.005, 0.0);
    assert_near(r.wait_virtual_s / 60.0, 0.10044117979656285, 0.0, 1e-12);
    assert_near(r.sl_virtual, 0.879661017427878, 0.0, 1e-12);
    /* the would-be wait is at least the wait of all calls, and equal
     * without abandonment in the limit of long patience */
    assert_true(r.wait_virtual_s >= r.wait_all_s);
    struct svcm_erlang_a_result lp = eval_a(12.0, 180.0, 1e7, 14, 20.0);
    assert_near(lp.wait_virtual_s, lp.wait_all_s, 0.0, 1e-4);
}

/* Interpolated values computed independently in Python with exact
 * fractions (the birth-death chain of M/M/n+M with 300 queue states, A =
 * 10, AHT 180 s, patience 300 s, at n and n + 1, mixed by hand). */
static void test_eval_frac_matches_exact_interpolation(void **state)
{
    (void)state;
    static const struct {
        double x, p_wait, p_abandon;
    } cases[] = {
        {11.25, 0.42778164025725635, 0.06313674847201917},
        {13.6, 0.17747490219676684, 0.01837556792687411},
    };
    for (size_t i = 0; i < 2; i++) {
        struct svcm_erlang_a_frac_result r;
        assert_int_equal(svcm_erlang_a_eval_frac(10.0, 180.0, 300.0, cases[i].x, NULL, &r, NULL),
                         SVCM_OK);
        assert_near(r.p_wait, cases[i].p_wait, 0.0, 1e-11);
        assert_near(r.p_abandon, cases[i].p_abandon, 0.0, 1e-11);
        assert_true(r.agents == cases[i].x);
        assert_true(r.traffic == 10.0);
        /* the other measures: the same mix of the integer results */
        double n = floor(cases[i].x), f = cases[i].x - n;
        struct svcm_erlang_a_result lo = eval_a(10.0, 180.0, 300.0, (uint32_t)n, 20.0);
        struct svcm_erlang_a_result hi = eval_a(10.0, 180.0, 300.0, (uint32_t)n + 1, 20.0);
        assert_near(r.service_level, (1 - f) * lo.service_level + f * hi.service_level, 1e-15, 0);
        assert_near(r.sl_virtual, (1 - f) * lo.sl_virtual + f * hi.sl_virtual, 1e-15, 0);
        assert_near(r.asa_s, (1 - f) * lo.asa_s + f * hi.asa_s, 0.0, 1e-15);
        assert_near(r.wait_all_s, (1 - f) * lo.wait_all_s + f * hi.wait_all_s, 0.0, 1e-15);
        assert_near(r.occupancy, (1 - f) * lo.occupancy + f * hi.occupancy, 1e-15, 0);
        assert_near(r.wait_virtual_s, (1 - f) * lo.wait_virtual_s + f * hi.wait_virtual_s, 0.0,
                    1e-15);
    }
}

static void test_eval_frac_of_integer_is_eval(void **state)
{
    (void)state;
    svcm_erlang_a_options o;
    svcm_erlang_a_options_init(&o);
    o.shrinkage = 0.25;
    for (uint32_t n = 1; n <= 40; n++) {
        struct svcm_erlang_a_result e;
        struct svcm_erlang_a_frac_result f;
        assert_int_equal(svcm_erlang_a_eval(17.5, 240.0, 90.0, n, &o, &e, NULL), SVCM_OK);
        assert_int_equal(svcm_erlang_a_eval_frac(17.5, 240.0, 90.0, (double)n, &o, &f, NULL),
                         SVCM_OK);
        assert_true(f.p_wait == e.p_wait && f.p_abandon == e.p_abandon);
        assert_true(f.service_level == e.service_level && f.sl_virtual == e.sl_virtual);
        assert_true(f.asa_s == e.asa_s && f.wait_all_s == e.wait_all_s);
        assert_true(f.occupancy == e.occupancy && f.agents == (double)n);
        assert_true(f.wait_virtual_s == e.wait_virtual_s);
        assert_true(f.staff == (double)n / 0.75);
    }
}

/* Least x for an abandonment cap of 1% (no service-level goal): the
 * integer answer is 15 and x* = 14 + (p14 - 0.01) / (p14 - p15) =
 * 14.615795223904458 with p_n from the exact chain (Python fractions). */
static void test_staff_frac_matches_exact_abandonment_root(void **state)
{
    (void)state;
    svcm_erlang_a_options o;
    svcm_erlang_a_options_init(&o);
    o.target_sl = 0.0;
    o.max_abandon = 0.01;
    struct svcm_erlang_a_frac_result r;
    struct svcm_erlang_a_result n;
    assert_int_equal(svcm_erlang_a_staff_frac(10.0, 180.0, 300.0, &o, &r, NULL), SVCM_OK);
    assert_int_equal(svcm_erlang_a_staff(10.0, 180.0, 300.0, &o, &n, NULL), SVCM_OK);
    assert_int_equal(n.agents, 15);
    assert_near(r.agents, 14.615795223904458, 0.0, 1e-10);
    assert_true(r.p_abandon <= 0.01);
    assert_near(r.p_abandon, 0.01, 1e-15, 0.0);
}

/* Over a grid: the answer meets the goals, one ulp below does not, and it
 * lies in (n - 1, n] for the integer answer n. */
static void test_staff_frac_is_least_and_within_integer_answer(void **state)
{
    (void)state;
    static const double loads[] = {0.4, 3.0, 10.0, 55.5, 400.0};
    static const double patience[] = {30.0, 180.0, 900.0};
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 3; j++)
            for (int g = 0; g < 2; g++) {
                svcm_erlang_a_options o;
                svcm_erlang_a_options_init(&o);
                if (g == 1) {
                    o.max_abandon = 0.02;
                    o.max_asa_s = 15.0;
                    o.shrinkage = 0.3;
                }
                struct svcm_erlang_a_frac_result r, below;
                struct svcm_erlang_a_result n;
                assert_int_equal(
                    svcm_erlang_a_staff_frac(loads[i], 240.0, patience[j], &o, &r, NULL),
                    SVCM_OK);
                assert_int_equal(svcm_erlang_a_staff(loads[i], 240.0, patience[j], &o, &n, NULL),
                                 SVCM_OK);
                assert_true(r.agents <= (double)n.agents);
                assert_true(r.agents >= 1.0);
                assert_true(r.service_level >= o.target_sl && r.p_abandon <= o.max_abandon &&
                            r.asa_s <= o.max_asa_s && r.occupancy <= o.max_occupancy);
                assert_near(r.staff, r.agents / (1.0 - o.shrinkage), 0.0, 1e-15);
                if (n.agents == 1) {
                    assert_true(r.agents == 1.0);
                    continue;
                }
                assert_true(r.agents > (double)n.agents - 1.0);
                double x = nextafter(r.agents, 0.0);
                assert_int_equal(
                    svcm_erlang_a_eval_frac(loads[i], 240.0, patience[j], x, &o, &below, NULL),
                    SVCM_OK);
                assert_false(below.service_level >= o.target_sl &&
                             below.p_abandon <= o.max_abandon && below.asa_s <= o.max_asa_s &&
                             below.occupancy <= o.max_occupancy);
            }
}

static void test_frac_bad_input_is_einval_naming_the_field(void **state)
{
    (void)state;
    struct svcm_erlang_a_frac_result r;
    memset(&r, 0x5a, sizeof r);
    struct svcm_erlang_a_frac_result before = r;
    svcm_error err;
    static const double bad_agents[] = {0.999, 0.0, -1.0, NAN, INFINITY, 2e8};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(svcm_erlang_a_eval_frac(10.0, 180.0, 60.0, bad_agents[i], NULL, &r, &err),
                         SVCM_EINVAL);
        assert_string_equal(err.field, "agents");
    }
    assert_int_equal(svcm_erlang_a_eval_frac(10.0, 180.0, 0.0, 5.5, NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "patience_s");
    assert_int_equal(svcm_erlang_a_eval_frac(-1.0, 180.0, 60.0, 5.5, NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "traffic");
    assert_int_equal(svcm_erlang_a_eval_frac(10.0, 180.0, 60.0, 5.5, NULL, NULL, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "out");
    assert_int_equal(svcm_erlang_a_staff_frac(10.0, NAN, 60.0, NULL, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "aht_s");
    svcm_erlang_a_options o;
    svcm_erlang_a_options_init(&o);
    o.max_abandon = 1.5;
    assert_int_equal(svcm_erlang_a_staff_frac(10.0, 180.0, 60.0, &o, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "max_abandon");
    svcm_erlang_a_options_init(&o);
    o.max_agents = 3;
    assert_int_equal(svcm_erlang_a_staff_frac(10.0, 180.0, 60.0, &o, &r, &err), SVCM_ERANGE);
    /* a chain beyond 2^24 queue states: ERANGE on patience */
    assert_int_equal(svcm_erlang_a_eval_frac(1e9, 1.0, 1e9, 1.5, NULL, &r, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "patience_s");
    assert_memory_equal(&r, &before, sizeof r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pyworkforce_regression_14_agents),
        cmocka_unit_test(test_matches_brute_force_chain_over_grid),
        cmocka_unit_test(test_patience_equal_to_aht_gives_poisson_occupancy),
        cmocka_unit_test(test_long_patience_converges_to_erlang_c),
        cmocka_unit_test(test_measures_are_monotone_in_agents),
        cmocka_unit_test(test_less_patience_means_more_abandonment),
        cmocka_unit_test(test_5000_erlangs_is_finite),
        cmocka_unit_test(test_zero_traffic_and_zero_target),
        cmocka_unit_test(test_staff_is_minimal),
        cmocka_unit_test(test_abandonment_needs_fewer_agents_than_erlang_c),
        cmocka_unit_test(test_staff_zero_traffic_needs_one_agent),
        cmocka_unit_test(test_staff_unreachable_is_erange_and_writes_nothing),
        cmocka_unit_test(test_eval_staff_is_eval_of_agents_after_shrinkage),
        cmocka_unit_test(test_bad_input_is_einval_naming_the_field),
        cmocka_unit_test(test_too_many_queue_states_is_erange_on_patience),
        cmocka_unit_test(test_options_init_sets_documented_defaults),
        cmocka_unit_test(test_ccmath_erlang_x_example_without_redials),
        cmocka_unit_test(test_eval_frac_matches_exact_interpolation),
        cmocka_unit_test(test_eval_frac_of_integer_is_eval),
        cmocka_unit_test(test_staff_frac_matches_exact_abandonment_root),
        cmocka_unit_test(test_staff_frac_is_least_and_within_integer_answer),
        cmocka_unit_test(test_frac_bad_input_is_einval_naming_the_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
