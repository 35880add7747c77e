/* Tests of src/erlang.c: Erlang B and C, service level, ASA, staffing. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/erlang.h"

static double c_of(double a, uint32_t n)
{
    double c = -1.0;
    assert_int_equal(svcm_erlang_c(a, n, &c, NULL), SVCM_OK);
    return c;
}

static double b_of(double a, uint32_t n)
{
    double b = -1.0;
    assert_int_equal(svcm_erlang_b(a, n, &b, NULL), SVCM_OK);
    return b;
}

static double sl_of(double a, double aht, uint32_t n, double t)
{
    double sl = -1.0;
    assert_int_equal(svcm_erlang_service_level(a, aht, n, t, &sl, NULL), SVCM_OK);
    return sl;
}

static void assert_rel(double got, double want, double rel)
{
    double tol = rel * fabs(want);
    if (!(fabs(got - want) <= tol)) {
        print_error("got %.17g, want %.17g (rel tol %g)\n", got, want, rel);
        fail();
    }
}

/* ---------------------------------------------------------------- Erlang B */

/* Hand computations: B(1, 1) = 1 / (1 + 1) = 0.5;
 * B(2, 1) = (1/2!) / (1 + 1 + 1/2) = 0.2; B(0, A) = 1 by definition. */
static void test_erlang_b_small_cases_match_hand_computation(void **state)
{
    (void)state;
    assert_rel(b_of(1.0, 1), 0.5, 1e-15);
    assert_rel(b_of(1.0, 2), 0.2, 1e-15);
    assert_rel(b_of(7.5, 0), 1.0, 0.0);
    assert_rel(b_of(0.0, 3), 0.0, 0.0);
}

/* Erlang B in log space, summed with long double and lgammal: a different
 * algorithm from the recursion. 1/B = sum_k N! / (k! A^(N-k)). */
static double erlang_b_logspace(double a, uint32_t n)
{
    long double la = logl((long double)a);
    long double lnf = lgammal((long double)n + 1.0L);
    long double mx = -INFINITY;
    for (uint32_t k = 0; k <= n; k++) {
        long double t = lnf - lgammal((long double)k + 1.0L) - (long double)(n - k) * la;
        if (t > mx)
            mx = t;
    }
    long double s = 0.0L;
    for (uint32_t k = 0; k <= n; k++) {
        long double t = lnf - lgammal((long double)k + 1.0L) - (long double)(n - k) * la;
        s += expl(t - mx);
    }
    return (double)expl(-(mx + logl(s)));
}

static void test_erlang_b_matches_logspace_sum_up_to_10000_erlangs(void **state)
{
    (void)state;
    static const struct {
        double a;
        uint32_t n;
    } cases[] = {{3.3, 5},        {10.0, 14},     {48.0, 55},     {100.0, 90},
                 {100.0, 120},    {1000.0, 1000}, {1000.0, 1050}, {5000.0, 5050},
                 {5000.0, 4900},  {10000.0, 10000}, {10000.0, 10150}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_rel(b_of(cases[i].a, cases[i].n), erlang_b_logspace(cases[i].a, cases[i].n),
                   1e-9);
}

/* erlang.com calculator manual, "How much traffic can a trunk group
 * handle?": 15 lines at 1% blocking carry 8.108 Erlangs (3 decimals), so
 * B(15, A) crosses 0.01 between A = 8.1075 and 8.1085. */
static void test_erlang_b_erlang_com_15_lines_1pct_is_8_108_erlangs(void **state)
{
    (void)state;
    assert_true(b_of(8.1075, 15) <= 0.01);
    assert_true(b_of(8.1085, 15) >= 0.01);
}

/* erlang.com: "Trunk Engineering" forum answer, 33.333 Erlangs at 1%
 * blocking need 45 lines; calculator manual "How many lines does a trunk
 * group need?", 50,000 minutes a day with a 19% busy hour (158.333 Erlangs)
 * at 3% blocking need 168 lines. The least N with B(N, A) <= target. */
static void test_erlang_b_erlang_com_line_counts(void **state)
{
    (void)state;
    double a = 1200.0 / 36.0;
    assert_true(b_of(a, 45) <= 0.01 && b_of(a, 44) > 0.01);
    a = 50000.0 * 0.19 / 60.0;
    assert_true(fabs(a - 158.333) < 0.0005);
    assert_true(b_of(a, 168) <= 0.03 && b_of(a, 167) > 0.03);
}

static void test_erlang_b_decreases_with_agents(void **state)
{
    (void)state;
    double prev = 1.0;
    for (uint32_t n = 1; n <= 40; n++) {
        double b = b_of(10.0, n);
        assert_true(b < prev);
        prev = b;
    }
}

/* Far more agents than traffic: the true value is below DBL_MIN, so the
 * result is 0 and the loop stops early instead of producing NaN. */
static void test_erlang_b_underflows_to_zero_not_nan(void **state)
{
    (void)state;
    assert_rel(b_of(1.0, 1000000), 0.0, 0.0);
}

/* ---------------------------------------------------------------- Erlang C */

/* The power-series form, C = (A^N/N! * N/(N-A)) / (sum_{k<N} A^k/k! +
 * A^N/N! * N/(N-A)), in long double: exact enough for small N. */
static double erlang_c_series(double a, uint32_t n)
{
    long double term = 1.0L, sum = 0.0L;
    for (uint32_t k = 0; k < n; k++) {
        sum += term;
        term *= (long double)a / (long double)(k + 1);
    }
    long double last = term * (long double)n / ((long double)n - (long double)a);
    return (double)(last / (sum + last));
}

static void test_erlang_c_matches_power_series_for_small_n(void **state)
{
    (void)state;
    static const double loads[] = {0.25, 1.0, 2.5, 7.0, 10.0, 18.0, 33.3, 48.0};
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++)
        for (uint32_t n = (uint32_t)floor(loads[i]) + 1; n <= 80; n++)
            assert_rel(c_of(loads[i], n), erlang_c_series(loads[i], n), 1e-12);
}

static void test_erlang_c_is_one_when_agents_do_not_exceed_traffic(void **state)
{
    (void)state;
    assert_rel(c_of(10.0, 10), 1.0, 0.0);
    assert_rel(c_of(10.0, 3), 1.0, 0.0);
    assert_rel(c_of(0.0, 1), 0.0, 0.0);
}

/* Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked
 * Example" (callcentrehelper.com/erlang-c-formula-example-121281.htm):
 * 100 calls in 30 minutes, AHT 180 s -> 10 Erlangs; with 14 agents the
 * probability of waiting is 0.174, the service level (20 s) 0.888 and the
 * occupancy 0.714 (3 decimals, as reproduced by pyworkforce's test suite). */
static void test_callcentrehelper_worked_example_14_agents(void **state)
{
    (void)state;
    double a = 0.0;
    assert_int_equal(svcm_erlang_traffic(100.0, 180.0, 1800.0, &a, NULL), SVCM_OK);
    assert_rel(a, 10.0, 1e-15);
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    struct svcm_erlang_result r;
    assert_int_equal(svcm_erlang_eval(a, 180.0, 14, &o, &r, NULL), SVCM_OK);
    assert_int_equal(r.agents, 14);
    assert_true(fabs(r.p_wait - 0.174) <= 0.0005);
    assert_true(fabs(r.service_level - 0.888) <= 0.0005);
    assert_true(fabs(r.occupancy - 0.714) <= 0.0005);
    /* ASA by hand from the same C: C * 180 / (14 - 10). */
    assert_rel(r.asa_s, r.p_wait * 180.0 / 4.0, 1e-15);
}

/* The same example's staffing answer: 14 agents meet 80/20 (13 do not),
 * and 30% shrinkage makes 20 scheduled staff; with an 70% occupancy cap
 * (pyworkforce test_over_occupancy_erlangc) 15 agents and 22 staff, with
 * service level 0.941 and probability of waiting 0.102. */
static void test_callcentrehelper_staffing_is_14_agents_20_staff(void **state)
{
    (void)state;
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    o.target_answer_s = 20.0;
    o.target_sl = 0.8;
    o.max_occupancy = 0.85;
    o.shrinkage = 0.3;
    struct svcm_erlang_result r;
    assert_int_equal(svcm_erlang_staff(10.0, 180.0, &o, &r, NULL), SVCM_OK);
    assert_int_equal(r.agents, 14);
    assert_int_equal(r.staff, 20);
    assert_true(fabs(r.service_level - 0.888) <= 0.0005);
    assert_true(sl_of(10.0, 180.0, 13, 20.0) < 0.8);

    o.max_occupancy = 0.7;
    assert_int_equal(svcm_erlang_staff(10.0, 180.0, &o, &r, NULL), SVCM_OK);
    assert_int_equal(r.agents, 15);
    assert_int_equal(r.staff, 22);
    assert_true(fabs(r.service_level - 0.941) <= 0.0005);
    assert_true(fabs(r.p_wait - 0.102) <= 0.0005);
    assert_true(fabs(r.occupancy - 0.667) <= 0.0005);
}

/* Erlang C calculator help page (personal.telefonica.terra.es/web/vr/
 * erlang/eng/mcerlc.htm), its example: 600 calls/hour of 120 s = 20 Erlangs; a 15%
 * delay probability needs 26 circuits with an average delay of about 3 s
 * per call; 30 circuits reduce the delay probability to 2.5%; 30 circuits
 * at 15% carry 23.6 Erlangs (one decimal). */
static void test_rios_20_erlangs_15pct_delay_needs_26_agents(void **state)
{
    (void)state;
    double a = 0.0;
    assert_int_equal(svcm_erlang_traffic(600.0, 120.0, 3600.0, &a, NULL), SVCM_OK);
    assert_rel(a, 20.0, 1e-15);
    /* P(wait <= 0) = 1 - C, so "C <= 15%" is a service level of 85% at 0 s. */
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    o.target_answer_s = 0.0;
    o.target_sl = 0.85;
    struct svcm_erlang_result r;
    assert_int_equal(svcm_erlang_staff(a, 120.0, &o, &r, NULL), SVCM_OK);
    assert_int_equal(r.agents, 26);
    assert_true(fabs(r.asa_s - 3.0) < 0.5);
    assert_true(fabs(c_of(20.0, 30) - 0.025) < 0.0005);
    assert_true(c_of(23.55, 30) <= 0.15 && c_of(23.65, 30) >= 0.15);
}

/* Jones the Net, "Erlang uplift" (jonesthenet.com): 250 calls in an hour
 * with AHT 330 s (22.9 Erlangs) need 28 advisors to answer 80% in 30 s. */
static void test_jonesthenet_250_calls_330s_80_in_30_needs_28(void **state)
{
    (void)state;
    double a = 0.0;
    assert_int_equal(svcm_erlang_traffic(250.0, 330.0, 3600.0, &a, NULL), SVCM_OK);
    assert_true(fabs(a - 22.9) < 0.05);
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    o.target_answer_s = 30.0;
    o.target_sl = 0.8;
    struct svcm_erlang_result r;
    assert_int_equal(svcm_erlang_staff(a, 330.0, &o, &r, NULL), SVCM_OK);
    assert_int_equal(r.agents, 28);
}

/* Erlang C table worked example in Dunlop, Girma & Irvine, "Digital Mobile
 * Communications and the TETRA System", Wiley, app. A.3
 * (doi:10.1002/9781118832585.app3): 8 channels at 5% queueing carry
 * A = 3.87 Erlangs (2 decimals); the fraction of queued calls that wait
 * longer than the mean holding time, e^{-(C - A)}, is 0.016 with 8 channels
 * and 0.0022 with 10. */
static void test_tetra_table_8_channels_5pct_is_3_87_erlangs(void **state)
{
    (void)state;
    assert_true(c_of(3.865, 8) <= 0.05 && c_of(3.875, 8) >= 0.05);
    /* Conditional on waiting: (1 - SL(t = AHT)) / C. */
    double cond8 = (1.0 - sl_of(3.87, 1.0, 8, 1.0)) / c_of(3.87, 8);
    double cond10 = (1.0 - sl_of(3.87, 1.0, 10, 1.0)) / c_of(3.87, 10);
    assert_true(fabs(cond8 - 0.016) < 0.0005);
    assert_true(fabs(cond10 - 0.0022) < 0.00005);
}

/* 5,000 and 10,000 Erlangs: finite, in [0, 1], strictly decreasing in N
 * above A, and equal to the log-space form of Erlang B turned into C. */
static void test_erlang_c_large_traffic_is_finite_and_monotone(void **state)
{
    (void)state;
    static const double loads[] = {5000.0, 10000.0};
    for (size_t i = 0; i < 2; i++) {
        double a = loads[i], prev = 1.0;
        for (uint32_t n = (uint32_t)a + 1; n <= (uint32_t)a + 400; n += 3) {
            double c = c_of(a, n);
            assert_true(isfinite(c) && c > 0.0 && c < 1.0);
            assert_true(c < prev);
            prev = c;
            if (n % 50 == 1) {
                double b = erlang_b_logspace(a, n);
                assert_rel(c, n * b / (n - a * (1.0 - b)), 1e-9);
            }
        }
        double sl_prev = 0.0;
        for (uint32_t n = (uint32_t)a + 1; n <= (uint32_t)a + 400; n += 7) {
            double sl = sl_of(a, 300.0, n, 20.0);
            assert_true(isfinite(sl) && sl >= sl_prev && sl <= 1.0);
            sl_prev = sl;
        }
    }
}

/* Exact values, rounded once to double: for integer A,
 * B = A^N / sum_{k=0..N} (N!/k!) A^k, evaluated with Python's unbounded
 * integers and fractions.Fraction (no floating point), and
 * C = N B / (N - A (1 - B)) in the same exact arithmetic. The recursion
 * agrees to a few ulps even at 10,000 Erlangs. */
static void test_erlang_b_and_c_match_exact_integer_arithmetic(void **state)
{
    (void)state;
    static const struct {
        double a;
        uint32_t n;
        double b, c;
    } exact[] = {
        {100.0, 110, 0.027463448449822916, 0.23700750028505274},
        {1000.0, 1030, 0.009560040415219531, 0.248908785843602},
        {5000.0, 5050, 0.005736325891435842, 0.36817292615319386},
        {5000.0, 5100, 0.0022435792955605247, 0.10288141360093403},
        {10000.0, 10100, 0.0028623572207360647, 0.22476290646653221},
    };
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        assert_rel(b_of(exact[i].a, exact[i].n), exact[i].b, 1e-13);
        assert_rel(c_of(exact[i].a, exact[i].n), exact[i].c, 1e-13);
    }
    assert_rel(b_of(10000.0, 10000), 0.007936563248805671, 1e-13);
}

/* Beyond the brief's range: 100,000 Erlangs still agrees with the
 * log-space sum, and the staffing search stays minimal. */
static void test_erlang_100000_erlangs_agrees_with_logspace(void **state)
{
    (void)state;
    double b = erlang_b_logspace(100000.0, 100300);
    assert_rel(b_of(100000.0, 100300), b, 1e-9);
    assert_rel(c_of(100000.0, 100300), 100300.0 * b / (100300.0 - 100000.0 * (1.0 - b)), 1e-9);
    struct svcm_erlang_result r;
    assert_int_equal(svcm_erlang_staff(100000.0, 300.0, NULL, &r, NULL), SVCM_OK);
    assert_true(r.agents > 100000 && r.service_level >= 0.8);
    assert_true(sl_of(100000.0, 300.0, r.agents - 1, 20.0) < 0.8);
}

/* The staffing search returns the least N: N meets the goals and N - 1
 * does not, for loads from 0.1 to 10,000 Erlangs. */
static void test_staff_is_minimal_across_loads(void **state)
{
    (void)state;
    static const double loads[] = {0.1, 1.0, 2.7, 10.0, 48.0, 100.0, 333.3, 1000.0,
                                   5000.0, 10000.0};
    static const double targets[] = {0.5, 0.8, 0.95, 0.99};
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
        for (size_t j = 0; j < 4; j++) {
            svcm_erlang_options o;
            svcm_erlang_options_init(&o);
            o.target_sl = targets[j];
            o.target_answer_s = 15.0;
            struct svcm_erlang_result r;
            assert_int_equal(svcm_erlang_staff(loads[i], 240.0, &o, &r, NULL), SVCM_OK);
            assert_true(r.service_level >= targets[j]);
            assert_rel(r.service_level, sl_of(loads[i], 240.0, r.agents, 15.0), 1e-12);
            if (r.agents > 1)
                assert_true(sl_of(loads[i], 240.0, r.agents - 1, 15.0) < targets[j]);
        }
    }
}

static void test_staff_respects_asa_goal_and_occupancy_cap(void **state)
{
    (void)state;
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    o.target_sl = 0.0; /* only the ASA goal */
    o.max_asa_s = 5.0;
    struct svcm_erlang_result r;
    assert_int_equal(svcm_erlang_staff(48.0, 240.0, &o, &r, NULL), SVCM_OK);
    double asa = 0.0, asa_prev = 0.0;
    assert_int_equal(svcm_erlang_asa(48.0, 240.0, r.agents, &asa, NULL), SVCM_OK);
    assert_int_equal(svcm_erlang_asa(48.0, 240.0, r.agents - 1, &asa_prev, NULL), SVCM_OK);
    assert_true(asa <= 5.0 && asa_prev > 5.0);
    assert_rel(r.asa_s, asa, 1e-15);

    svcm_erlang_options_init(&o);
    o.max_occupancy = 0.5; /* dominates 80/20 at 10 Erlangs: N = 20 exactly */
    assert_int_equal(svcm_erlang_staff(10.0, 180.0, &o, &r, NULL), SVCM_OK);
    assert_int_equal(r.agents, 20);
    assert_rel(r.occupancy, 0.5, 0.0);
}

static void test_staff_zero_traffic_needs_one_agent(void **state)
{
    (void)state;
    struct svcm_erlang_result r;
    assert_int_equal(svcm_erlang_staff(0.0, 60.0, NULL, &r, NULL), SVCM_OK);
    assert_int_equal(r.agents, 1);
    assert_rel(r.p_wait, 0.0, 0.0);
    assert_rel(r.service_level, 1.0, 0.0);
}

static void test_staff_unreachable_within_max_agents_is_erange(void **state)
{
    (void)state;
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    o.max_agents = 12; /* 10 Erlangs at 80/20 needs 14 */
    struct svcm_erlang_result r;
    memset(&r, 0x5a, sizeof r);
    struct svcm_erlang_result before = r;
    svcm_error err;
    assert_int_equal(svcm_erlang_staff(10.0, 180.0, &o, &r, &err), SVCM_ERANGE);
    assert_int_equal(err.code, SVCM_ERANGE);
    assert_string_equal(err.field, "traffic");
    assert_memory_equal(&r, &before, sizeof r);
    o.max_agents = 5; /* below the first stable N */
    assert_int_equal(svcm_erlang_staff(10.0, 180.0, &o, &r, &err), SVCM_ERANGE);
}

static void test_eval_unstable_queue_reports_no_service(void **state)
{
    (void)state;
    struct svcm_erlang_result r;
    assert_int_equal(svcm_erlang_eval(10.0, 180.0, 9, NULL, &r, NULL), SVCM_OK);
    assert_rel(r.p_wait, 1.0, 0.0);
    assert_rel(r.service_level, 0.0, 0.0);
    assert_true(isinf(r.asa_s));
    assert_rel(r.occupancy, 1.0, 0.0);
    double asa = 0.0;
    assert_int_equal(svcm_erlang_asa(10.0, 180.0, 10, &asa, NULL), SVCM_OK);
    assert_true(isinf(asa));
}

static void test_shrinkage_rounds_up_but_not_for_float_noise(void **state)
{
    (void)state;
    uint32_t s = 0;
    assert_int_equal(svcm_erlang_staff_with_shrinkage(14, 0.3, &s, NULL), SVCM_OK);
    assert_int_equal(s, 20); /* 14 / 0.7 = 20.000000000000004 in doubles */
    assert_int_equal(svcm_erlang_staff_with_shrinkage(15, 0.3, &s, NULL), SVCM_OK);
    assert_int_equal(s, 22); /* 21.43 -> 22 */
    assert_int_equal(svcm_erlang_staff_with_shrinkage(7, 0.0, &s, NULL), SVCM_OK);
    assert_int_equal(s, 7);
    svcm_error err;
    assert_int_equal(svcm_erlang_staff_with_shrinkage(UINT32_MAX, 0.5, &s, &err), SVCM_ERANGE);
    assert_int_equal(svcm_erlang_staff_with_shrinkage(3, 1.0, &s, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "shrinkage");
    assert_int_equal(svcm_erlang_staff_with_shrinkage(3, -0.1, &s, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_staff_with_shrinkage(3, NAN, &s, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_staff_with_shrinkage(3, 0.1, NULL, &err), SVCM_EINVAL);
}

static void test_staff_count_overflow_after_shrinkage_is_erange(void **state)
{
    (void)state;
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    o.shrinkage = 0.999999999; /* 14 agents -> 1.4e10 staff > UINT32_MAX */
    struct svcm_erlang_result r;
    svcm_error err;
    assert_int_equal(svcm_erlang_staff(10.0, 180.0, &o, &r, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "agents");
    assert_int_equal(svcm_erlang_eval(10.0, 180.0, 14, &o, &r, &err), SVCM_ERANGE);
    const double t[1] = {10.0}, h[1] = {180.0};
    assert_int_equal(svcm_erlang_staff_batch(t, h, 1, &o, &r, &err), SVCM_ERANGE);
    assert_int_equal(err.index, 0);
}

static void test_staff_batch_equals_single_calls(void **state)
{
    (void)state;
    const double traffic[4] = {0.5, 10.0, 48.0, 1000.0};
    const double aht[4] = {60.0, 180.0, 240.0, 300.0};
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    o.shrinkage = 0.25;
    struct svcm_erlang_result out[4];
    assert_int_equal(svcm_erlang_staff_batch(traffic, aht, 4, &o, out, NULL), SVCM_OK);
    for (size_t i = 0; i < 4; i++) {
        struct svcm_erlang_result r;
        assert_int_equal(svcm_erlang_staff(traffic[i], aht[i], &o, &r, NULL), SVCM_OK);
        assert_memory_equal(&r, &out[i], sizeof r);
    }
    assert_int_equal(svcm_erlang_staff_batch(NULL, NULL, 0, &o, NULL, NULL), SVCM_OK);
}

static void test_staff_batch_bad_interval_names_index_and_writes_nothing(void **state)
{
    (void)state;
    const double traffic[3] = {1.0, 2.0, NAN};
    const double aht[3] = {60.0, 0.0, 60.0};
    struct svcm_erlang_result out[3];
    memset(out, 0x33, sizeof out);
    struct svcm_erlang_result before[3];
    memcpy(before, out, sizeof out);
    svcm_error err;
    assert_int_equal(svcm_erlang_staff_batch(traffic, aht, 3, NULL, out, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "aht_s");
    const double aht_ok[3] = {60.0, 60.0, 60.0};
    assert_int_equal(svcm_erlang_staff_batch(traffic, aht_ok, 3, NULL, out, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, "traffic");
    /* Interval 1 cannot be staffed within max_agents: ERANGE, nothing written. */
    const double big[3] = {1.0, 500.0, 2.0};
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    o.max_agents = 100;
    assert_int_equal(svcm_erlang_staff_batch(big, aht_ok, 3, &o, out, &err), SVCM_ERANGE);
    assert_int_equal(err.index, 1);
    assert_memory_equal(out, before, sizeof out);
    assert_int_equal(svcm_erlang_staff_batch(NULL, aht_ok, 3, NULL, out, &err), SVCM_EINVAL);
}

/* ------------------------------------------------------------- bad input */

static void test_bad_traffic_agents_and_times_are_einval_naming_the_field(void **state)
{
    (void)state;
    double x = 42.0;
    svcm_error err;
    assert_int_equal(svcm_erlang_b(NAN, 3, &x, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "traffic");
    assert_int_equal(svcm_erlang_b(-1.0, 3, &x, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_b(INFINITY, 3, &x, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_b(1.0, SVCM_ERLANG_MAX_AGENTS + 1u, &x, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "agents");
    assert_int_equal(svcm_erlang_b(1.0, 3, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_c(1.0, 0, &x, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "agents");
    assert_int_equal(svcm_erlang_c(-0.5, 2, &x, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_c(1.0, 2, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_service_level(1.0, 0.0, 3, 20.0, &x, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "aht_s");
    assert_int_equal(svcm_erlang_service_level(1.0, 60.0, 3, -1.0, &x, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "target_s");
    assert_int_equal(svcm_erlang_service_level(1.0, 60.0, 3, NAN, &x, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_service_level(1.0, 60.0, 0, 1.0, &x, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_service_level(1.0, 60.0, 3, 1.0, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_asa(1.0, INFINITY, 3, &x, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_asa(NAN, 60.0, 3, &x, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_asa(1.0, 60.0, 3, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_traffic(-1.0, 60.0, 1800.0, &x, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "calls");
    assert_int_equal(svcm_erlang_traffic(1.0, -60.0, 1800.0, &x, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "aht_s");
    assert_int_equal(svcm_erlang_traffic(1.0, 60.0, 0.0, &x, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "interval_s");
    assert_int_equal(svcm_erlang_traffic(1e300, 1e300, 1.0, &x, &err), SVCM_ERANGE);
    assert_int_equal(svcm_erlang_traffic(1.0, 60.0, 1.0, NULL, &err), SVCM_EINVAL);
    assert_rel(x, 42.0, 0.0); /* never written on failure */
}

/* Regression: A = calls / interval * aht overflowed (or underflowed) in the
 * intermediate quotient although A itself fits. By hand:
 * 1e300 calls / 1e-10 s * 1e-20 s = 1e290 Erlangs (was SVCM_ERANGE);
 * 1e-300 calls / 1e300 s * 1e300 s = 1e-300 Erlangs (was 0).
 * A true overflow stays SVCM_ERANGE: 1e300 * 1e300 / 1 s. */
static void test_traffic_has_no_spurious_overflow_or_underflow(void **state)
{
    (void)state;
    double a = 0.0;
    svcm_error err;
    assert_int_equal(svcm_erlang_traffic(1e300, 1e-20, 1e-10, &a, &err), SVCM_OK);
    assert_rel(a, 1e290, 1e-15);
    assert_int_equal(svcm_erlang_traffic(1e-300, 1e300, 1e300, &a, &err), SVCM_OK);
    assert_rel(a, 1e-300, 1e-15);
    assert_int_equal(svcm_erlang_traffic(0.0, 1e300, 1e-300, &a, &err), SVCM_OK);
    assert_rel(a, 0.0, 0.0);
    assert_int_equal(svcm_erlang_traffic(1e300, 1e300, 1.0, &a, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "calls");
}

static void test_bad_options_are_einval_naming_the_field(void **state)
{
    (void)state;
    static const struct {
        size_t offset;
        double value;
        const char *field;
    } bad[] = {
        {offsetof(svcm_erlang_options, target_answer_s), -1.0, "target_answer_s"},
        {offsetof(svcm_erlang_options, target_answer_s), NAN, "target_answer_s"},
        {offsetof(svcm_erlang_options, target_sl), 1.0, "target_sl"},
        {offsetof(svcm_erlang_options, target_sl), -0.1, "target_sl"},
        {offsetof(svcm_erlang_options, target_sl), NAN, "target_sl"},
        {offsetof(svcm_erlang_options, max_occupancy), 0.0, "max_occupancy"},
        {offsetof(svcm_erlang_options, max_occupancy), 1.2, "max_occupancy"},
        {offsetof(svcm_erlang_options, max_asa_s), 0.0, "max_asa_s"},
        {offsetof(svcm_erlang_options, max_asa_s), NAN, "max_asa_s"},
        {offsetof(svcm_erlang_options, shrinkage), 1.0, "shrinkage"},
        {offsetof(svcm_erlang_options, shrinkage), -0.2, "shrinkage"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        svcm_erlang_options o;
        svcm_erlang_options_init(&o);
        memcpy((char *)&o + bad[i].offset, &bad[i].value, sizeof(double));
        struct svcm_erlang_result r;
        svcm_error err;
        assert_int_equal(svcm_erlang_staff(10.0, 180.0, &o, &r, &err), SVCM_EINVAL);
        assert_string_equal(err.field, bad[i].field);
        assert_int_equal(svcm_erlang_eval(10.0, 180.0, 14, &o, &r, &err), SVCM_EINVAL);
        assert_string_equal(err.field, bad[i].field);
        assert_int_equal(svcm_erlang_staff_batch(NULL, NULL, 0, &o, NULL, &err), SVCM_EINVAL);
    }
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    o.max_agents = 0;
    struct svcm_erlang_result r;
    svcm_error err;
    assert_int_equal(svcm_erlang_staff(10.0, 180.0, &o, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "max_agents");
    assert_int_equal(svcm_erlang_staff(10.0, 180.0, NULL, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_eval(10.0, 180.0, 14, NULL, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_eval(10.0, 180.0, 0, NULL, &r, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_eval(10.0, -1.0, 14, NULL, &r, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_eval(-10.0, 1.0, 14, NULL, &r, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_staff(NAN, 180.0, NULL, &r, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_staff(1.0, 0.0, NULL, &r, &err), SVCM_EINVAL);
    svcm_erlang_options_init(NULL); /* no-op */
}

static void test_options_init_sets_documented_defaults(void **state)
{
    (void)state;
    svcm_erlang_options o;
    memset(&o, 0, sizeof o);
    svcm_erlang_options_init(&o);
    assert_rel(o.target_answer_s, 20.0, 0.0);
    assert_rel(o.target_sl, 0.8, 0.0);
    assert_rel(o.max_occupancy, 1.0, 0.0);
    assert_true(isinf(o.max_asa_s));
    assert_rel(o.shrinkage, 0.0, 0.0);
    assert_int_equal(o.max_agents, 1000000u);
}

/* ------------------------------------------------ exact shrinkage */

/* The brief's reference cases: 21 / (1 - 0.3) = 30 and 14 / 0.7 = 20 (not
 * 31 or 21), and 9 / (1 - 0.1) = 10 although the double 0.1 is slightly
 * above 1/10 (its exact binary value would give 11). */
static void test_shrinkage_is_exact_for_decimal_values(void **state)
{
    (void)state;
    uint32_t s = 0;
    assert_int_equal(svcm_erlang_staff_with_shrinkage(21, 0.3, &s, NULL), SVCM_OK);
    assert_int_equal(s, 30);
    assert_int_equal(svcm_erlang_staff_with_shrinkage(14, 0.3, &s, NULL), SVCM_OK);
    assert_int_equal(s, 20);
    assert_int_equal(svcm_erlang_staff_with_shrinkage(9, 0.1, &s, NULL), SVCM_OK);
    assert_int_equal(s, 10);
    /* Against integer arithmetic in the test: pct percent shrinkage is
     * ceil(100 a / (100 - pct)) staff, and staff give floor(staff (100 - pct)
     * / 100) agents. */
    for (uint32_t pct = 0; pct < 100; pct++) {
        double sh = (double)pct / 100.0;
        for (uint32_t a = 0; a <= 300; a++) {
            assert_int_equal(svcm_erlang_staff_with_shrinkage(a, sh, &s, NULL), SVCM_OK);
            assert_int_equal(s, (100u * a + (100u - pct) - 1u) / (100u - pct));
            uint32_t back = 0;
            assert_int_equal(svcm_erlang_agents_from_staff(a, sh, &back, NULL), SVCM_OK);
            assert_int_equal(back, a * (100u - pct) / 100u);
        }
    }
    /* Nine decimals still count as decimal: 0.123456789. */
    assert_int_equal(svcm_erlang_staff_with_shrinkage(876543211, 0.123456789, &s, NULL),
                     SVCM_OK);
    assert_int_equal(s, 1000000000u);
}

/* A value that is no 9-decimal fraction is used at its exact binary value:
 * j / 1024 for odd j has ten decimals; the answer is the integer
 * ceil(1024 a / (1024 - j)). The double just above 0.1 gives 11 for 9. */
static void test_shrinkage_binary_values_are_exact(void **state)
{
    (void)state;
    uint32_t s = 0, back = 0;
    for (uint32_t j = 1; j < 1024; j += 2) {
        double sh = (double)j / 1024.0;
        for (uint32_t a = 0; a <= 2000; a += 7) {
            assert_int_equal(svcm_erlang_staff_with_shrinkage(a, sh, &s, NULL), SVCM_OK);
            assert_int_equal(s, (uint32_t)((1024ull * a + (1024u - j) - 1u) / (1024u - j)));
            assert_int_equal(svcm_erlang_agents_from_staff(a, sh, &back, NULL), SVCM_OK);
            assert_int_equal(back, (uint32_t)((uint64_t)a * (1024u - j) / 1024u));
        }
    }
    assert_int_equal(svcm_erlang_staff_with_shrinkage(9, nextafter(0.1, 1.0), &s, NULL),
                     SVCM_OK);
    assert_int_equal(s, 11);
    svcm_error err;
    assert_int_equal(svcm_erlang_staff_with_shrinkage(UINT32_MAX, 0.5 + 1.0 / 1024, &s, &err),
                     SVCM_ERANGE);
    assert_int_equal(svcm_erlang_agents_from_staff(UINT32_MAX, 0.0, &back, NULL), SVCM_OK);
    assert_int_equal(back, UINT32_MAX);
    assert_int_equal(svcm_erlang_agents_from_staff(3, 1.0, &back, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "shrinkage");
    assert_int_equal(svcm_erlang_agents_from_staff(3, 0.1, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "out");
}

/* Reverse calculation: 20 staff at 30% shrinkage are 14 agents, the Call
 * Centre Helper example above (SL 0.888); 1 staff at 30% leaves none. */
static void test_eval_staff_is_eval_of_agents_after_shrinkage(void **state)
{
    (void)state;
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    o.shrinkage = 0.3;
    struct svcm_erlang_result r, direct;
    assert_int_equal(svcm_erlang_eval_staff(10.0, 180.0, 20, &o, &r, NULL), SVCM_OK);
    assert_int_equal(r.agents, 14);
    assert_int_equal(r.staff, 20);
    assert_true(fabs(r.service_level - 0.888) <= 0.0005);
    assert_int_equal(svcm_erlang_eval(10.0, 180.0, 14, &o, &direct, NULL), SVCM_OK);
    assert_memory_equal(&r, &direct, sizeof r);
    svcm_error err;
    assert_int_equal(svcm_erlang_eval_staff(10.0, 180.0, 1, &o, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "staff");
    o.shrinkage = -0.1;
    assert_int_equal(svcm_erlang_eval_staff(10.0, 180.0, 20, &o, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "shrinkage");
    assert_int_equal(svcm_erlang_eval_staff(10.0, 180.0, 20, NULL, NULL, &err), SVCM_EINVAL);
}

/* ---------------------------------------------------- Erlang B inverse */

/* Erlang B table (e.g. ITU-D / Iversen, "Teletraffic Engineering and
 * Network Planning", Technical University of Denmark, table of the Erlang
 * B formula): 10 trunks carry 4.461 Erlangs at 1% blocking, 20 trunks
 * 12.031 (3 decimals). */
static void test_erlang_b_capacity_matches_published_table(void **state)
{
    (void)state;
    double a = 0.0;
    assert_int_equal(svcm_erlang_b_capacity(10, 0.01, &a, NULL), SVCM_OK);
    assert_true(fabs(a - 4.461) <= 0.0005);
    assert_int_equal(svcm_erlang_b_capacity(20, 0.01, &a, NULL), SVCM_OK);
    assert_true(fabs(a - 12.031) <= 0.0005);
    /* erlang.com, as above: 15 lines at 1% carry 8.108 Erlangs. */
    assert_int_equal(svcm_erlang_b_capacity(15, 0.01, &a, NULL), SVCM_OK);
    assert_true(fabs(a - 8.108) <= 0.0005);
}

/* The capacity is the root: B(N, capacity) = p to 1e-12 relative, from 1
 * to 10,000 trunks and 1e-6 to 0.9 blocking; and one trunk solves by hand,
 * B(1, A) = A / (1 + A) = p at A = p / (1 - p). */
static void test_erlang_b_capacity_is_the_root(void **state)
{
    (void)state;
    static const uint32_t trunks[] = {1, 2, 7, 30, 120, 1000, 10000};
    static const double p[] = {1e-6, 0.001, 0.01, 0.05, 0.3, 0.9};
    for (size_t i = 0; i < 7; i++)
        for (size_t j = 0; j < 6; j++) {
            double a = 0.0;
            assert_int_equal(svcm_erlang_b_capacity(trunks[i], p[j], &a, NULL), SVCM_OK);
            assert_rel(b_of(a, trunks[i]), p[j], 1e-12);
        }
    double a = 0.0;
    assert_int_equal(svcm_erlang_b_capacity(1, 0.2, &a, NULL), SVCM_OK);
    assert_rel(a, 0.25, 1e-14);
    svcm_error err;
    assert_int_equal(svcm_erlang_b_capacity(0, 0.2, &a, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "trunks");
    assert_int_equal(svcm_erlang_b_capacity(3, 1.0, &a, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "blocking");
    assert_int_equal(svcm_erlang_b_capacity(3, 0.0, &a, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_b_capacity(3, NAN, &a, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_b_capacity(3, 0.1, NULL, &err), SVCM_EINVAL);
}

/* erlang.com (as above): 33.333 Erlangs at 1% need 45 lines, 158.333 at 3%
 * need 168; the answer is the least N, N - 1 blocks more. */
static void test_erlang_b_trunks_is_least_n(void **state)
{
    (void)state;
    uint32_t n = 0;
    assert_int_equal(svcm_erlang_b_trunks(1200.0 / 36.0, 0.01, &n, NULL), SVCM_OK);
    assert_int_equal(n, 45);
    assert_int_equal(svcm_erlang_b_trunks(50000.0 * 0.19 / 60.0, 0.03, &n, NULL), SVCM_OK);
    assert_int_equal(n, 168);
    static const double loads[] = {0.1, 4.461, 50.0, 2500.0};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(svcm_erlang_b_trunks(loads[i], 0.02, &n, NULL), SVCM_OK);
        assert_true(b_of(loads[i], n) <= 0.02 && b_of(loads[i], n - 1) > 0.02);
    }
    /* B(0, A) = 1 by definition, B(1, 0) = 0: no traffic needs one trunk,
     * a 100% blocking target none. */
    assert_int_equal(svcm_erlang_b_trunks(0.0, 0.01, &n, NULL), SVCM_OK);
    assert_int_equal(n, 1);
    assert_int_equal(svcm_erlang_b_trunks(5.0, 1.0, &n, NULL), SVCM_OK);
    assert_int_equal(n, 0);
    svcm_error err;
    assert_int_equal(svcm_erlang_b_trunks(5.0, 0.0, &n, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "blocking");
    assert_int_equal(svcm_erlang_b_trunks(-5.0, 0.1, &n, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "traffic");
    assert_int_equal(svcm_erlang_b_trunks(5.0, 0.1, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_b_trunks(1e12, 1e-300, &n, &err), SVCM_ERANGE);
}

/* ------------------------------------------------- fractional agents */

/* Integer agents give exactly the integer functions (same bits). */
static void test_fractional_b_and_c_reproduce_integer_results(void **state)
{
    (void)state;
    static const double loads[] = {0.0, 0.3, 5.0, 48.0, 1000.0};
    for (size_t i = 0; i < 5; i++)
        for (uint32_t n = 0; n <= 1100; n += (n < 60 ? 1 : 37)) {
            double bf = -1.0, cf = -1.0;
            assert_int_equal(svcm_erlang_b_frac(loads[i], (double)n, &bf, NULL), SVCM_OK);
            double b = b_of(loads[i], n);
            assert_memory_equal(&bf, &b, sizeof b);
            if (n == 0)
                continue;
            assert_int_equal(svcm_erlang_c_frac(loads[i], (double)n, &cf, NULL), SVCM_OK);
            double c = c_of(loads[i], n);
            assert_memory_equal(&cf, &c, sizeof c);
        }
}

/* Reference values of 1/B(x, A) = e^A A^-x Gamma(x + 1, A) computed with
 * mpmath (40 digits, mpmath.gammainc), and C = x B / (x - A (1 - B)). */
static void test_fractional_b_and_c_match_mpmath(void **state)
{
    (void)state;
    static const struct {
        double x, a, b, c;
    } ref[] = {
        {0.5, 1, 0.72519677735834863, 1},
        {2.5, 3, 0.43266459109424648, 1},
        {9.25, 5, 0.031606063152709205, 0.066323519399824972},
        {14.7, 10, 0.041895606978919207, 0.12031074582272687},
        {0.3, 0.01, 0.27769465950747871, 0.28454562021053969},
        {100.5, 95.2, 0.047279808063832188, 0.48480791957337258},
        {1000.25, 990, 0.018826563992215697, 0.65186500096218621},
        {5050.5, 5000, 0.0056912338255436145, 0.36404471941151217},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        double b = -1.0, c = -1.0;
        assert_int_equal(svcm_erlang_b_frac(ref[i].a, ref[i].x, &b, NULL), SVCM_OK);
        assert_rel(b, ref[i].b, 1e-12);
        assert_int_equal(svcm_erlang_c_frac(ref[i].a, ref[i].x, &c, NULL), SVCM_OK);
        assert_rel(c, ref[i].c, 1e-12);
    }
}

/* Jagerman's integral 1/B = A int_0^inf e^{-At} (1+t)^x dt by composite
 * Simpson in long double (s = A t, s up to 80), a check independent of the
 * incomplete gamma code, for small loads where the integral is smooth. */
static void test_fractional_b_matches_jagerman_integral(void **state)
{
    (void)state;
    static const double xs[] = {0.1, 0.5, 1.75, 3.3, 7.9};
    static const double loads[] = {0.5, 2.0, 4.0};
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 3; j++) {
            long double a = loads[j], sum = 0.0L, h = 80.0L / 200000.0L;
            for (int k = 0; k <= 200000; k++) {
                long double s = h * k, w = (k == 0 || k == 200000) ? 1.0L : (k % 2 ? 4.0L : 2.0L);
                sum += w * expl(-s) * powl(1.0L + s / a, (long double)xs[i]);
            }
            double want = (double)(1.0L / (sum * h / 3.0L));
            double b = -1.0;
            assert_int_equal(svcm_erlang_b_frac(loads[j], xs[i], &b, NULL), SVCM_OK);
            assert_rel(b, want, 1e-10);
        }
}

/* B and C decrease strictly with x on a fine grid (0.01 steps) and are
 * continuous at the integers (the left limit equals the integer value). */
static void test_fractional_b_and_c_are_monotone_and_continuous(void **state)
{
    (void)state;
    static const double loads[] = {0.7, 6.0, 40.0};
    for (size_t i = 0; i < 3; i++) {
        double pb = 2.0, pc = 2.0;
        for (int k = 1; k <= 8000; k++) {
            double x = 0.01 * k, b = 0.0, c = 0.0;
            assert_int_equal(svcm_erlang_b_frac(loads[i], x, &b, NULL), SVCM_OK);
            assert_true(b < pb);
            pb = b;
            assert_int_equal(svcm_erlang_c_frac(loads[i], x, &c, NULL), SVCM_OK);
            assert_true(x <= loads[i] ? c == 1.0 : c < pc);
            pc = c;
        }
        for (uint32_t n = 1; n <= 60; n++) {
            double left = 0.0;
            assert_int_equal(svcm_erlang_b_frac(loads[i], n - 1e-9, &left, NULL), SVCM_OK);
            assert_rel(left, b_of(loads[i], n), 1e-7);
        }
    }
    double b = 0.0;
    svcm_error err;
    assert_int_equal(svcm_erlang_b_frac(1.0, -0.5, &b, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "agents");
    assert_int_equal(svcm_erlang_b_frac(1.0, NAN, &b, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_b_frac(NAN, 1.0, &b, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "traffic");
    assert_int_equal(svcm_erlang_b_frac(1.0, 1.0, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_c_frac(1.0, 0.0, &b, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "agents");
    assert_int_equal(svcm_erlang_c_frac(1.0, INFINITY, &b, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_c_frac(-1.0, 2.0, &b, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_c_frac(1.0, 2.0, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_erlang_b_frac(0.0, 0.0, &b, NULL), SVCM_OK);
    assert_rel(b, 1.0, 0.0);
    assert_int_equal(svcm_erlang_b_frac(0.0, 2.5, &b, NULL), SVCM_OK);
    assert_rel(b, 0.0, 0.0);
}

/* x* for 10 Erlangs (100 calls / 30 min, AHT 180 s), 80% and 90% in 20 s,
 * and 52.5 Erlangs (AHT 240 s), 85% in 30 s: computed independently in
 * Python (math only) by Simpson's rule on Jagerman's integral
 * 1/B(x, A) = A int_0^inf e^{-At} (1+t)^x dt (200,000 panels) and 60
 * bisection steps on 1 - C e^{-(x - A) t / AHT}:
 * 13.037206466407842, 14.175338602721267, 58.51322290909264. */
static void test_staff_frac_matches_independent_root(void **state)
{
    (void)state;
    static const struct {
        double a, aht, t, sl, want;
        uint32_t whole;
    } cases[] = {
        {10.0, 180.0, 20.0, 0.8, 13.037206466407842, 14},
        {10.0, 180.0, 20.0, 0.9, 14.175338602721267, 15},
        {52.5, 240.0, 30.0, 0.85, 58.51322290909264, 59},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        svcm_erlang_options o;
        svcm_erlang_options_init(&o);
        o.target_answer_s = cases[i].t;
        o.target_sl = cases[i].sl;
        o.shrinkage = 0.3;
        struct svcm_erlang_frac_result r;
        struct svcm_erlang_result n;
        assert_int_equal(svcm_erlang_staff_frac(cases[i].a, cases[i].aht, &o, &r, NULL), SVCM_OK);
        assert_int_equal(svcm_erlang_staff(cases[i].a, cases[i].aht, &o, &n, NULL), SVCM_OK);
        assert_int_equal(n.agents, cases[i].whole);
        assert_rel(r.agents, cases[i].want, 1e-9);
        assert_true(r.agents > (double)n.agents - 1.0 && r.agents <= (double)n.agents);
        assert_rel(r.staff, r.agents / 0.7, 1e-15);
        assert_true(r.service_level >= cases[i].sl);
        assert_rel(r.service_level, cases[i].sl, 1e-12);
        double c = 0.0;
        assert_int_equal(svcm_erlang_c_frac(cases[i].a, r.agents, &c, NULL), SVCM_OK);
        assert_true(r.p_wait == c);
        assert_rel(r.asa_s, c * cases[i].aht / (r.agents - cases[i].a), 1e-15);
        assert_rel(r.occupancy, cases[i].a / r.agents, 1e-15);
        assert_true(r.traffic == cases[i].a);
    }
}

/* The answer is the least double meeting the goals: one ulp below fails. */
static void test_staff_frac_is_least_double_meeting_goals(void **state)
{
    (void)state;
    static const double loads[] = {0.3, 2.0, 10.0, 117.25, 2000.0};
    for (size_t i = 0; i < 5; i++) {
        for (int g = 0; g < 3; g++) {
            svcm_erlang_options o;
            svcm_erlang_options_init(&o);
            if (g == 1) {
                o.max_occupancy = 0.85;
                o.target_sl = 0.5;
            } else if (g == 2) {
                o.target_sl = 0.0;
                o.max_asa_s = 4.0;
            }
            struct svcm_erlang_frac_result r;
            assert_int_equal(svcm_erlang_staff_frac(loads[i], 300.0, &o, &r, NULL), SVCM_OK);
            double below = nextafter(r.agents, 0.0), c = 0.0;
            assert_int_equal(svcm_erlang_c_frac(loads[i], below, &c, NULL), SVCM_OK);
            double sl = 1.0 - c * exp(-(below - loads[i]) * o.target_answer_s / 300.0);
            double asa = c * 300.0 / (below - loads[i]);
            bool fails = !(below > loads[i]) || sl < o.target_sl ||
                         loads[i] / below > o.max_occupancy || asa > o.max_asa_s;
            assert_true(fails);
            assert_true(r.service_level >= o.target_sl);
            assert_true(r.occupancy <= o.max_occupancy);
            assert_true(r.asa_s <= o.max_asa_s);
            if (g == 1 && r.agents > 0.0 && loads[i] / 0.85 > 1.0)
                assert_true(r.agents >= loads[i] / 0.85);
        }
    }
}

/* No goal: the least double above A; A = 0 gives the least positive one. */
static void test_staff_frac_without_goals_is_just_above_traffic(void **state)
{
    (void)state;
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    o.target_sl = 0.0;
    struct svcm_erlang_frac_result r;
    assert_int_equal(svcm_erlang_staff_frac(7.5, 180.0, &o, &r, NULL), SVCM_OK);
    assert_true(r.agents == nextafter(7.5, 8.0));
    assert_int_equal(svcm_erlang_staff_frac(0.0, 180.0, &o, &r, NULL), SVCM_OK);
    assert_true(r.agents > 0.0 && r.agents < 1e-300);
    assert_true(r.p_wait == 0.0 && r.service_level == 1.0);
}

/* The measures improve with x on the continuous curve (the property that
 * makes the bisection find the least x). */
static void test_continuous_measures_are_monotone_in_x(void **state)
{
    (void)state;
    static const double loads[] = {1.5, 10.0, 95.0};
    for (size_t i = 0; i < 3; i++) {
        double psl = -1.0, pasa = INFINITY;
        for (int k = 1; k <= 4000; k++) {
            double x = loads[i] + 0.005 * k, c = 0.0;
            assert_int_equal(svcm_erlang_c_frac(loads[i], x, &c, NULL), SVCM_OK);
            double sl = 1.0 - c * exp(-(x - loads[i]) * 20.0 / 180.0);
            double asa = c * 180.0 / (x - loads[i]);
            assert_true(sl >= psl);
            assert_true(asa <= pasa);
            psl = sl;
            pasa = asa;
        }
    }
}

static void test_staff_frac_bad_input_and_unreachable_goal(void **state)
{
    (void)state;
    struct svcm_erlang_frac_result r;
    memset(&r, 0x5a, sizeof r);
    struct svcm_erlang_frac_result before = r;
    svcm_error err;
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    assert_int_equal(svcm_erlang_staff_frac(-1.0, 180.0, &o, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "traffic");
    assert_int_equal(svcm_erlang_staff_frac(10.0, 0.0, &o, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "aht_s");
    assert_int_equal(svcm_erlang_staff_frac(10.0, 180.0, &o, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "out");
    o.target_sl = 1.0;
    assert_int_equal(svcm_erlang_staff_frac(10.0, 180.0, &o, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "target_sl");
    svcm_erlang_options_init(&o);
    o.max_agents = 12;
    assert_int_equal(svcm_erlang_staff_frac(10.0, 180.0, &o, &r, &err), SVCM_ERANGE);
    assert_memory_equal(&r, &before, sizeof r);
    assert_int_equal(svcm_erlang_staff_frac(10.0, 180.0, NULL, &r, NULL), SVCM_OK);
    assert_rel(r.agents, 13.037206466407842, 1e-9);
}

/* CCmath's published Erlang C example (the demo script of CCmath's
 * "ERLANG" Python package, https://erlang.ccmath.com): 240 calls per hour,
 * AHT 3 min, 14 agents, acceptable wait 0.333 min: ASA 0.72 min, 61.42%
 * within 20 s, occupancy 85.71%. */
static void test_ccmath_erlang_c_example(void **state)
{
    (void)state;
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    o.target_answer_s = 0.333 * 60.0;
    struct svcm_erlang_result r;
    assert_int_equal(svcm_erlang_eval(12.0, 180.0, 14, &o, &r, NULL), SVCM_OK);
    assert_true(fabs(r.asa_s / 60.0 - 0.72) <= 0.005);
    assert_true(fabs(r.service_level - 0.6142) <= 5e-5);
    assert_true(fabs(r.occupancy - 0.8571) <= 5e-5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erlang_b_small_cases_match_hand_computation),
        cmocka_unit_test(test_erlang_b_matches_logspace_sum_up_to_10000_erlangs),
        cmocka_unit_test(test_erlang_b_erlang_com_15_lines_1pct_is_8_108_erlangs),
        cmocka_unit_test(test_erlang_b_erlang_com_line_counts),
        cmocka_unit_test(test_erlang_b_decreases_with_agents),
        cmocka_unit_test(test_erlang_b_underflows_to_zero_not_nan),
        cmocka_unit_test(test_erlang_c_matches_power_series_for_small_n),
        cmocka_unit_test(test_erlang_c_is_one_when_agents_do_not_exceed_traffic),
        cmocka_unit_test(test_callcentrehelper_worked_example_14_agents),
        cmocka_unit_test(test_callcentrehelper_staffing_is_14_agents_20_staff),
        cmocka_unit_test(test_rios_20_erlangs_15pct_delay_needs_26_agents),
        cmocka_unit_test(test_jonesthenet_250_calls_330s_80_in_30_needs_28),
        cmocka_unit_test(test_tetra_table_8_channels_5pct_is_3_87_erlangs),
        cmocka_unit_test(test_erlang_c_large_traffic_is_finite_and_monotone),
        cmocka_unit_test(test_erlang_b_and_c_match_exact_integer_arithmetic),
        cmocka_unit_test(test_erlang_100000_erlangs_agrees_with_logspace),
        cmocka_unit_test(test_staff_is_minimal_across_loads),
        cmocka_unit_test(test_staff_respects_asa_goal_and_occupancy_cap),
        cmocka_unit_test(test_staff_zero_traffic_needs_one_agent),
        cmocka_unit_test(test_staff_unreachable_within_max_agents_is_erange),
        cmocka_unit_test(test_eval_unstable_queue_reports_no_service),
        cmocka_unit_test(test_shrinkage_rounds_up_but_not_for_float_noise),
        cmocka_unit_test(test_staff_count_overflow_after_shrinkage_is_erange),
        cmocka_unit_test(test_staff_batch_equals_single_calls),
        cmocka_unit_test(test_staff_batch_bad_interval_names_index_and_writes_nothing),
        cmocka_unit_test(test_bad_traffic_agents_and_times_are_einval_naming_the_field),
        cmocka_unit_test(test_bad_options_are_einval_naming_the_field),
        cmocka_unit_test(test_traffic_has_no_spurious_overflow_or_underflow),
        cmocka_unit_test(test_options_init_sets_documented_defaults),
        cmocka_unit_test(test_shrinkage_is_exact_for_decimal_values),
        cmocka_unit_test(test_shrinkage_binary_values_are_exact),
        cmocka_unit_test(test_eval_staff_is_eval_of_agents_after_shrinkage),
        cmocka_unit_test(test_erlang_b_capacity_matches_published_table),
        cmocka_unit_test(test_erlang_b_capacity_is_the_root),
        cmocka_unit_test(test_erlang_b_trunks_is_least_n),
        cmocka_unit_test(test_fractional_b_and_c_reproduce_integer_results),
        cmocka_unit_test(test_fractional_b_and_c_match_mpmath),
        cmocka_unit_test(test_fractional_b_and_c_are_monotone_and_continuous),
        cmocka_unit_test(test_fractional_b_matches_jagerman_integral),
        cmocka_unit_test(test_staff_frac_matches_independent_root),
        cmocka_unit_test(test_staff_frac_is_least_double_meeting_goals),
        cmocka_unit_test(test_staff_frac_without_goals_is_just_above_traffic),
        cmocka_unit_test(test_continuous_measures_are_monotone_in_x),
        cmocka_unit_test(test_staff_frac_bad_input_and_unreachable_goal),
        cmocka_unit_test(test_ccmath_erlang_c_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
