/* Tests of the journey accumulator (svcm/journey.h).
 *
 * Reference values: a small log whose funnel, loss ranking and paths are
 * worked out by hand below; a brute-force funnel over full, unpruned event
 * lists as the reference for random logs fed in any order, split and
 * merged. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/journey.h"
#include "svcm/stats.h"

#define EV(c, tp, t, s, lost) {c, sizeof(c) - 1, tp, sizeof(tp) - 1, t, s, lost}

/* Funnel visit -> quote -> buy, window 10 s, paths of 3 touchpoints.
 *  c1: visit@0 (score 4), quote@3 (5), buy@5        reaches 3; +3 s, +2 s
 *  c2: visit@1 (score 2), quote@20                  quote 19 s after visit > 10: reaches 1
 *  c3: quote@0, visit@2, buy@4, quote@6             g1 = 2, g2 = quote@6, no buy after 6: reaches 2; +4 s
 *  c4: buy@9, visit@7, quote@8, visit@5 (out of order)  g1 = 5, g2 = 8, g3 = 9: reaches 3; +3 s, +1 s
 *  c5: support@0, lost                              no funnel
 *  c6: buy@0 (lost), visit@3                        buy is before visit: reaches 1
 *  c7: visit@0, quote@1                             reaches 2; +1 s
 * reached: visit 6, quote 4 (c1 c3 c4 c7), buy 2 (c1 c4).
 * visit: continued 4, continue 4/6, drop 1/3 = Wilson(2 of 6);
 * quote: continued 2, continue 1/2, drop 1/2 = Wilson(2 of 4);
 * buy: last step, rates NaN.
 * quote times {3, 4, 3, 1}: mean 11/4, sorted 1 3 3 4, P50 = x[floor(0.5*3)] = 3,
 * P90 = x[floor(0.9*3)] = x[2] = 3, max 4; buy times {2, 1}: mean 1.5,
 * P50 = x[0] = 1, P90 = x[floor(0.9)] = 1, max 2.
 * Events 18 (visit 7, quote 6, buy 4, support 1); customers 7, lost 2
 * (c5, c6); entered 6, completed 2, conversion 1/3.
 * Last touchpoints: c1 buy, c2 quote, c3 quote, c4 buy, c5 support,
 * c6 visit, c7 quote: buy 2/7, quote 3/7, support 1/7, visit 1/7; lost:
 * support 1/2, visit 1/2. Excess: support 1/2 - 1/7 = 5/14, visit 5/14,
 * buy -2/7, quote -3/7; ranked support, visit (tie by name), buy, quote.
 * Lift of support (1/2) / (1/7) = 3.5, its loss rate 1/1.
 * Mean score: visit (4 + 2) / 2 = 3, quote 5.
 * Paths (3 touchpoints): visit quote x 2 (c2 c7), then one each, by name:
 * buy visit; quote visit buy (truncated); support; visit quote buy;
 * visit visit quote (truncated). */
static const svcm_journey_event worked[18] = {
    EV("c1", "visit", 0, 4, false),  EV("c1", "quote", 3, 5, false),
    EV("c1", "buy", 5, NAN, false),  EV("c2", "visit", 1, 2, false),
    EV("c2", "quote", 20, NAN, false), EV("c3", "quote", 0, NAN, false),
    EV("c3", "visit", 2, NAN, false), EV("c3", "buy", 4, NAN, false),
    EV("c3", "quote", 6, NAN, false), EV("c4", "buy", 9, NAN, false),
    EV("c4", "visit", 7, NAN, false), EV("c4", "quote", 8, NAN, false),
    EV("c4", "visit", 5, NAN, false), EV("c5", "support", 0, NAN, true),
    EV("c6", "buy", 0, NAN, true),   EV("c6", "visit", 3, NAN, false),
    EV("c7", "visit", 0, NAN, false), EV("c7", "quote", 1, NAN, false),
};

static const char *const steps3[3] = {"visit", "quote", "buy"};

static svcm_journey *make(const char *const *steps, size_t m, double window, size_t path_len)
{
    svcm_journey_options o;
    svcm_journey_options_init(&o);
    o.steps = steps;
    o.n_steps = m;
    o.window_s = window;
    o.path_len = path_len;
    svcm_journey *j = NULL;
    assert_int_equal(svcm_journey_new(&o, NULL, &j, NULL), SVCM_OK);
    return j;
}

static void near(double got, double want)
{
    if (!(fabs(got - want) <= 1e-12 * (1 + fabs(want))))
        fail_msg("got %.17g, want %.17g", got, want);
}

static void test_worked_funnel_by_hand(void **state)
{
    (void)state;
    svcm_journey *j = make(steps3, 3, 10, 3);
    svcm_error err;
    assert_int_equal(svcm_journey_add_batch(j, worked, 18, &err), SVCM_OK);
    struct svcm_journey_result r;
    assert_int_equal(svcm_journey_result(j, &r), SVCM_OK);
    assert_int_equal(r.events, 18);
    assert_int_equal(r.customers, 7);
    assert_int_equal(r.lost_customers, 2);
    assert_int_equal(r.touchpoints, 4);
    assert_int_equal(r.steps, 3);
    assert_int_equal(r.entered, 6);
    assert_int_equal(r.completed, 2);
    near(r.conversion, 1.0 / 3.0);
    struct svcm_journey_step_result s[3];
    size_t n = 0;
    assert_int_equal(svcm_journey_steps(j, s, 3, &n, &err), SVCM_OK);
    assert_int_equal(n, 3);
    assert_string_equal(s[0].touchpoint, "visit");
    assert_string_equal(s[2].touchpoint, "buy");
    assert_int_equal(s[0].reached, 6);
    assert_int_equal(s[0].continued, 4);
    near(s[0].continue_rate, 4.0 / 6.0);
    near(s[0].drop_rate, 1.0 - 4.0 / 6.0);
    /* Wilson 95 % for 2 of 6: (0.0967714, 0.7000067) (Wilson 1927, z = 1.959964) */
    assert_true(fabs(s[0].ci.lo - 0.0967714111) < 1e-8);
    assert_true(fabs(s[0].ci.hi - 0.7000066849) < 1e-8);
    assert_int_equal(s[0].timed, 0);
    assert_true(isnan(s[0].time_p50_s));
    near(s[0].conversion, 1.0);
    assert_int_equal(s[1].reached, 4);
    assert_int_equal(s[1].continued, 2);
    near(s[1].drop_rate, 0.5);
    /* 2 of 4: (0.1500390, 0.8499610) */
    assert_true(fabs(s[1].ci.lo - 0.1500389892) < 1e-8);
    assert_true(fabs(s[1].ci.hi - 0.8499610108) < 1e-8);
    assert_int_equal(s[1].timed, 4);
    near(s[1].time_mean_s, 2.75);
    near(s[1].time_p50_s, 3);
    near(s[1].time_p90_s, 3);
    near(s[1].time_max_s, 4);
    near(s[1].conversion, 4.0 / 6.0);
    assert_int_equal(s[2].reached, 2);
    assert_int_equal(s[2].continued, 0);
    assert_true(isnan(s[2].continue_rate));
    assert_true(isnan(s[2].drop_rate));
    assert_true(isnan(s[2].ci.lo) && isnan(s[2].ci.hi));
    assert_int_equal(s[2].timed, 2);
    near(s[2].time_mean_s, 1.5);
    near(s[2].time_p50_s, 1);
    near(s[2].time_p90_s, 1);
    near(s[2].time_max_s, 2);

    struct svcm_journey_touchpoint_result t[4];
    assert_int_equal(svcm_journey_touchpoints(j, t, 4, &n, &err), SVCM_OK);
    assert_int_equal(n, 4);
    assert_string_equal(t[0].touchpoint, "support");
    assert_string_equal(t[1].touchpoint, "visit");
    assert_string_equal(t[2].touchpoint, "buy");
    assert_string_equal(t[3].touchpoint, "quote");
    near(t[0].excess, 5.0 / 14.0);
    near(t[1].excess, 5.0 / 14.0);
    near(t[2].excess, -2.0 / 7.0);
    near(t[3].excess, -3.0 / 7.0);
    near(t[0].lift, 3.5);
    near(t[0].loss_rate, 1.0);
    assert_int_equal(t[0].last, 1);
    assert_int_equal(t[0].lost_last, 1);
    assert_int_equal(t[3].last, 3);
    assert_int_equal(t[3].lost_last, 0);
    near(t[3].lift, 0.0);
    near(t[3].last_share, 3.0 / 7.0);
    assert_int_equal(t[1].events, 7);
    assert_int_equal(t[1].scored, 2);
    near(t[1].mean_score, 3);
    assert_int_equal(t[3].events, 6);
    near(t[3].mean_score, 5);
    assert_int_equal(t[2].scored, 0);
    assert_true(isnan(t[2].mean_score));

    struct svcm_journey_path_result p[10];
    assert_int_equal(svcm_journey_paths(j, p, 10, &n, &err), SVCM_OK);
    assert_int_equal(n, 6);
    assert_int_equal(p[0].customers, 2);
    near(p[0].share, 2.0 / 7.0);
    assert_int_equal(p[0].length, 2);
    assert_string_equal(p[0].touchpoints[0], "visit");
    assert_string_equal(p[0].touchpoints[1], "quote");
    assert_null(p[0].touchpoints[2]);
    assert_false(p[0].truncated);
    assert_string_equal(p[1].touchpoints[0], "buy");
    assert_string_equal(p[2].touchpoints[0], "quote");
    assert_int_equal(p[2].length, 3);
    assert_true(p[2].truncated);
    assert_string_equal(p[3].touchpoints[0], "support");
    assert_int_equal(p[4].length, 3);
    assert_false(p[4].truncated);
    assert_string_equal(p[5].touchpoints[1], "visit");
    assert_true(p[5].truncated);
    /* top 2 only */
    assert_int_equal(svcm_journey_paths(j, p, 2, &n, &err), SVCM_OK);
    assert_int_equal(n, 2);
    assert_int_equal(svcm_journey_paths(j, NULL, 0, &n, &err), SVCM_OK);
    assert_int_equal(n, 0);
    svcm_journey_free(j);
}

/* ---------------------------------------------------- random reference */

typedef struct ref_ev {
    int c, step;
    double t;
} ref_ev;

static int ref_cmp(const void *a, const void *b)
{
    const ref_ev *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->step - y->step;
}

/* Brute force: the greedy chain over a customer's full sorted funnel list. */
static void ref_funnel(const ref_ev *all, size_t n, int customers, size_t m, double window,
                       uint64_t *reached, double *time_sum)
{
    ref_ev *f = malloc((n + 1) * sizeof *f);
    assert_non_null(f);
    for (size_t k = 0; k < m; k++)
        reached[k] = 0, time_sum[k] = 0;
    for (int c = 0; c < customers; c++) {
        size_t nf = 0;
        for (size_t i = 0; i < n; i++)
            if (all[i].c == c && all[i].step >= 0)
                f[nf++] = all[i];
        qsort(f, nf, sizeof *f, ref_cmp);
        double g[8], g0 = 0;
        size_t i = 0;
        for (size_t k = 0; k < m; k++) {
            while (i < nf && f[i].step != (int)k)
                i++;
            if (i >= nf)
                break;
            g[k] = f[i].t;
            if (k == 0)
                g0 = g[0];
            if (g[k] - g0 > window)
                break;
            reached[k]++;
            if (k > 0)
                time_sum[k] += g[k] - g[k - 1];
            i++;
        }
    }
    free(f);
}

static const char *const tps6[6] = {"a", "b", "c", "d", "e", "f"};
static const char *const cust[40] = {
    "k0",  "k1",  "k2",  "k3",  "k4",  "k5",  "k6",  "k7",  "k8",  "k9",
    "k10", "k11", "k12", "k13", "k14", "k15", "k16", "k17", "k18", "k19",
    "k20", "k21", "k22", "k23", "k24", "k25", "k26", "k27", "k28", "k29",
    "k30", "k31", "k32", "k33", "k34", "k35", "k36", "k37", "k38", "k39"};

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Everything an accumulator reports, as text, to compare two of them. */
static void dump(const svcm_journey *j, char *buf, size_t cap)
{
    size_t used = 0, n;
    struct svcm_journey_result r;
    assert_int_equal(svcm_journey_result(j, &r), SVCM_OK);
    used += (size_t)snprintf(buf + used, cap - used, "%llu %llu %llu %zu|",
                             (unsigned long long)r.events, (unsigned long long)r.customers,
                             (unsigned long long)r.lost_customers, r.touchpoints);
    struct svcm_journey_step_result s[8];
    assert_int_equal(svcm_journey_steps(j, s, 8, &n, NULL), SVCM_OK);
    for (size_t k = 0; k < n; k++)
        used += (size_t)snprintf(buf + used, cap - used, "%s %llu %llu %.12g %.17g %.17g|",
                                 s[k].touchpoint, (unsigned long long)s[k].reached,
                                 (unsigned long long)s[k].continued, s[k].time_mean_s,
                                 s[k].time_p50_s, s[k].time_max_s);
    struct svcm_journey_touchpoint_result t[8];
    assert_int_equal(svcm_journey_touchpoints(j, t, 8, &n, NULL), SVCM_OK);
    for (size_t k = 0; k < n; k++)
        used += (size_t)snprintf(buf + used, cap - used, "%s %llu %llu %llu %llu %.17g|",
                                 t[k].touchpoint, (unsigned long long)t[k].events,
                                 (unsigned long long)t[k].scored, (unsigned long long)t[k].last,
                                 (unsigned long long)t[k].lost_last, t[k].mean_score);
    struct svcm_journey_path_result p[20];
    assert_int_equal(svcm_journey_paths(j, p, 20, &n, NULL), SVCM_OK);
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < p[k].length; i++)
            used += (size_t)snprintf(buf + used, cap - used, "%s,", p[k].touchpoints[i]);
        used += (size_t)snprintf(buf + used, cap - used, "%d %llu|", p[k].truncated,
                                 (unsigned long long)p[k].customers);
    }
    assert_true(used < cap);
}

static void test_random_logs_any_order_split_and_merged_match_brute_force(void **state)
{
    (void)state;
    static const char *const st[4] = {"a", "b", "c", "d"};
    enum { N = 600, C = 40 };
    static svcm_journey_event ev[N];
    static ref_ev ref[N];
    static char d1[20000], d2[20000], d3[20000];
    for (int round = 0; round < 30; round++) {
        double window = round % 3 == 0 ? INFINITY : (double)(5 + round);
        size_t n = 50 + next() % (N - 50);
        for (size_t i = 0; i < n; i++) {
            int c = (int)(next() % C), tp = (int)(next() % 6);
            double t = (double)(next() % 60);
            ev[i] = (svcm_journey_event){cust[c], strlen(cust[c]), tps6[tp], 1, t,
                                         next() % 3 ? (double)(next() % 5 + 1) : NAN,
                                         next() % 17 == 0};
            ref[i] = (ref_ev){c, tp < 4 ? tp : -1, t};
        }
        uint64_t want[4];
        double tsum[4];
        ref_funnel(ref, n, C, 4, window, want, tsum);

        svcm_journey *one = make(st, 4, window, 4);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(svcm_journey_add(one, &ev[i], NULL), SVCM_OK);
        struct svcm_journey_step_result s[4];
        size_t m;
        assert_int_equal(svcm_journey_steps(one, s, 4, &m, NULL), SVCM_OK);
        for (size_t k = 0; k < 4; k++) {
            assert_int_equal(s[k].reached, want[k]);
            if (k > 0 && want[k] > 0)
                near(s[k].time_mean_s * (double)want[k], tsum[k]);
        }
        dump(one, d1, sizeof d1);

        /* reversed order, in two accumulators splitting customers' events */
        svcm_journey *x = make(st, 4, window, 4), *y = make(st, 4, window, 4);
        for (size_t i = n; i-- > 0;)
            assert_int_equal(svcm_journey_add(next() % 2 ? x : y, &ev[i], NULL), SVCM_OK);
        assert_int_equal(svcm_journey_merge(x, y), SVCM_OK);
        dump(x, d2, sizeof d2);
        assert_string_equal(d1, d2);

        /* one batch in shuffled order */
        for (size_t i = n - 1; i > 0; i--) {
            size_t k = next() % (i + 1);
            svcm_journey_event tmp = ev[i];
            ev[i] = ev[k];
            ev[k] = tmp;
        }
        svcm_journey *z = make(st, 4, window, 4);
        assert_int_equal(svcm_journey_add_batch(z, ev, n, NULL), SVCM_OK);
        dump(z, d3, sizeof d3);
        assert_string_equal(d1, d3);
        svcm_journey_free(one);
        svcm_journey_free(x);
        svcm_journey_free(y);
        svcm_journey_free(z);
    }
}

static void test_self_merge_counts_events_twice_same_funnel(void **state)
{
    (void)state;
    svcm_journey *j = make(steps3, 3, 10, 3);
    assert_int_equal(svcm_journey_add_batch(j, worked, 18, NULL), SVCM_OK);
    assert_int_equal(svcm_journey_merge(j, j), SVCM_OK);
    struct svcm_journey_result r;
    assert_int_equal(svcm_journey_result(j, &r), SVCM_OK);
    assert_int_equal(r.events, 36);
    assert_int_equal(r.customers, 7);
    assert_int_equal(r.entered, 6);
    assert_int_equal(r.completed, 2);
    struct svcm_journey_touchpoint_result t[4];
    size_t n;
    assert_int_equal(svcm_journey_touchpoints(j, t, 4, &n, NULL), SVCM_OK);
    assert_string_equal(t[1].touchpoint, "visit");
    assert_int_equal(t[1].events, 14);
    near(t[1].mean_score, 3);
    svcm_journey_free(j);
}

static void test_window_zero_needs_same_instant_and_no_window_reaches_all(void **state)
{
    (void)state;
    static const char *const st[2] = {"a", "b"};
    svcm_journey_event e[3] = {EV("x", "a", 10, NAN, false), EV("x", "b", 10, NAN, false),
                               EV("y", "a", 10, NAN, false)};
    svcm_journey_event late = EV("y", "b", 1e9, NAN, false);
    svcm_journey *j0 = make(st, 2, 0, 5), *ji = make(st, 2, INFINITY, 5);
    assert_int_equal(svcm_journey_add_batch(j0, e, 3, NULL), SVCM_OK);
    assert_int_equal(svcm_journey_add(j0, &late, NULL), SVCM_OK);
    assert_int_equal(svcm_journey_add_batch(ji, e, 3, NULL), SVCM_OK);
    assert_int_equal(svcm_journey_add(ji, &late, NULL), SVCM_OK);
    struct svcm_journey_result r;
    assert_int_equal(svcm_journey_result(j0, &r), SVCM_OK);
    assert_int_equal(r.completed, 1); /* x: a and b at the same instant */
    assert_int_equal(svcm_journey_result(ji, &r), SVCM_OK);
    assert_int_equal(r.completed, 2);
    svcm_journey_free(j0);
    svcm_journey_free(ji);
}

static void test_empty_and_no_steps(void **state)
{
    (void)state;
    svcm_journey *j = make(NULL, 0, INFINITY, 5);
    struct svcm_journey_result r;
    assert_int_equal(svcm_journey_result(j, &r), SVCM_OK);
    assert_int_equal(r.events, 0);
    assert_true(isnan(r.conversion));
    size_t n = 9;
    assert_int_equal(svcm_journey_steps(j, NULL, 0, &n, NULL), SVCM_OK);
    assert_int_equal(n, 0);
    assert_int_equal(svcm_journey_touchpoints(j, NULL, 0, &n, NULL), SVCM_OK);
    assert_int_equal(n, 0);
    assert_int_equal(svcm_journey_paths(j, NULL, 0, &n, NULL), SVCM_OK);
    assert_int_equal(n, 0);
    /* no customer lost: excess and lift NaN, ranked by customers ending there */
    assert_int_equal(svcm_journey_add_batch(j, worked, 13, NULL), SVCM_OK);
    struct svcm_journey_touchpoint_result t[4];
    assert_int_equal(svcm_journey_touchpoints(j, t, 4, &n, NULL), SVCM_OK);
    assert_int_equal(n, 3);
    assert_true(isnan(t[0].excess) && isnan(t[0].lost_share) && isnan(t[0].lift));
    assert_string_equal(t[0].touchpoint, "buy"); /* c1 c4: 2; quote c2 c3: 2 (name) */
    assert_string_equal(t[1].touchpoint, "quote");
    near(t[0].loss_rate, 0);
    svcm_journey_free(j);
    /* a funnel with no event */
    j = make(steps3, 3, 10, 3);
    struct svcm_journey_step_result s[3];
    assert_int_equal(svcm_journey_steps(j, s, 3, &n, NULL), SVCM_OK);
    assert_int_equal(s[0].reached, 0);
    assert_true(isnan(s[0].drop_rate) && isnan(s[0].conversion) && isnan(s[1].time_mean_s));
    svcm_journey_free(j);
}

static void test_sizes_enospc_and_null(void **state)
{
    (void)state;
    svcm_journey *j = make(steps3, 3, 10, 3);
    assert_int_equal(svcm_journey_add_batch(j, worked, 18, NULL), SVCM_OK);
    struct svcm_journey_step_result s[3];
    struct svcm_journey_touchpoint_result t[4];
    size_t n = 0;
    svcm_error err;
    s[0].reached = 77;
    assert_int_equal(svcm_journey_steps(j, s, 2, &n, &err), SVCM_ENOSPC);
    assert_int_equal(n, 3);
    assert_int_equal(s[0].reached, 77);
    assert_int_equal(svcm_journey_steps(j, NULL, 0, &n, NULL), SVCM_ENOSPC);
    assert_int_equal(svcm_journey_touchpoints(j, t, 3, &n, NULL), SVCM_ENOSPC);
    assert_int_equal(n, 4);
    assert_int_equal(svcm_journey_steps(j, NULL, 3, &n, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "out");
    assert_int_equal(svcm_journey_steps(j, s, 3, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_journey_steps(NULL, s, 3, &n, &err), SVCM_EINVAL);
    assert_int_equal(svcm_journey_touchpoints(NULL, t, 4, &n, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_journey_touchpoints(j, t, 4, NULL, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_journey_touchpoints(j, NULL, 4, &n, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_journey_paths(NULL, NULL, 0, &n, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_journey_paths(j, NULL, 0, NULL, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_journey_paths(j, NULL, 1, &n, NULL), SVCM_EINVAL);
    struct svcm_journey_result r;
    assert_int_equal(svcm_journey_result(NULL, &r), SVCM_EINVAL);
    assert_int_equal(svcm_journey_result(j, NULL), SVCM_EINVAL);
    svcm_journey_options o;
    assert_int_equal(svcm_journey_get_options(j, &o), SVCM_OK);
    assert_int_equal(o.n_steps, 3);
    assert_string_equal(o.steps[1], "quote");
    assert_true(o.window_s == 10);
    assert_int_equal(svcm_journey_get_options(NULL, &o), SVCM_EINVAL);
    assert_int_equal(svcm_journey_get_options(j, NULL), SVCM_EINVAL);
    svcm_journey_free(j);
    svcm_journey_free(NULL);
    svcm_journey_options_init(NULL);
}

static void test_bad_options_are_refused(void **state)
{
    (void)state;
    svcm_journey_options o;
    svcm_journey *j = (svcm_journey *)&o;
    svcm_error err;
    static const char *const dup[3] = {"a", "b", "a"};
    static const char *const empty[2] = {"a", ""};
    static const char *const bad_utf8[1] = {"\xc3("};
    static const char *const with_null[2] = {"a", NULL};
    struct {
        const char *const *steps;
        size_t n;
        double window;
        size_t path_len;
        double conf;
        const char *field;
        size_t index;
    } cases[] = {
        {dup, 3, 1, 5, 0.95, "steps", 2},
        {empty, 2, 1, 5, 0.95, "steps", 1},
        {bad_utf8, 1, 1, 5, 0.95, "steps", 0},
        {with_null, 2, 1, 5, 0.95, "steps", 1},
        {NULL, 2, 1, 5, 0.95, "steps", SVCM_NO_INDEX},
        {steps3, SVCM_JOURNEY_MAX_STEPS + 1, 1, 5, 0.95, "n_steps", SVCM_NO_INDEX},
        {steps3, 3, -1, 5, 0.95, "window_s", SVCM_NO_INDEX},
        {steps3, 3, NAN, 5, 0.95, "window_s", SVCM_NO_INDEX},
        {steps3, 3, 1, 0, 0.95, "path_len", SVCM_NO_INDEX},
        {steps3, 3, 1, SVCM_JOURNEY_MAX_PATH + 1, 0.95, "path_len", SVCM_NO_INDEX},
        {steps3, 3, 1, 5, 1.0, "confidence", SVCM_NO_INDEX},
        {steps3, 3, 1, 5, NAN, "confidence", SVCM_NO_INDEX},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        svcm_journey_options_init(&o);
        o.steps = cases[i].steps;
        o.n_steps = cases[i].n;
        o.window_s = cases[i].window;
        o.path_len = cases[i].path_len;
        o.confidence = cases[i].conf;
        assert_int_equal(svcm_journey_new(&o, NULL, &j, &err), SVCM_EINVAL);
        assert_string_equal(err.field, cases[i].field);
        assert_int_equal(err.index, cases[i].index);
        assert_ptr_equal(j, (svcm_journey *)&o);
    }
    assert_int_equal(svcm_journey_new(NULL, NULL, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "out");
    svcm_allocator half = {NULL, NULL, NULL, NULL};
    assert_int_equal(svcm_journey_new(NULL, &half, &j, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "alloc");
    assert_int_equal(svcm_journey_new(NULL, NULL, &j, &err), SVCM_OK);
    svcm_journey_free(j);
}

static void test_bad_events_are_refused_and_change_nothing(void **state)
{
    (void)state;
    svcm_journey *j = make(steps3, 3, 10, 3);
    assert_int_equal(svcm_journey_add_batch(j, worked, 18, NULL), SVCM_OK);
    char before[4000], after[4000];
    dump(j, before, sizeof before);
    svcm_error err;
    svcm_journey_event good = EV("c9", "visit", 1, 3, false);
    struct {
        svcm_journey_event e;
        const char *field;
    } cases[] = {
        {{NULL, 0, "visit", 5, 0, NAN, false}, "customer"},
        {{"c", 0, "visit", 5, 0, NAN, false}, "customer"},
        {{"c", SVCM_JOURNEY_MAX_NAME + 1, "visit", 5, 0, NAN, false}, "customer"},
        {{"c", 1, NULL, 5, 0, NAN, false}, "touchpoint"},
        {{"c", 1, "visit", 0, 0, NAN, false}, "touchpoint"},
        {{"c", 1, "\xff", 1, 0, NAN, false}, "touchpoint"},
        {{"c", 1, "a\0b", 3, 0, NAN, false}, "touchpoint"},
        {{"c", 1, "visit", 5, NAN, NAN, false}, "time"},
        {{"c", 1, "visit", 5, INFINITY, NAN, false}, "time"},
        {{"c", 1, "visit", 5, 0, -INFINITY, false}, "score"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(svcm_journey_add(j, &cases[i].e, &err), SVCM_EINVAL);
        assert_string_equal(err.field, cases[i].field);
        assert_int_equal(err.index, SVCM_NO_INDEX);
        svcm_journey_event batch[3] = {good, good, cases[i].e};
        assert_int_equal(svcm_journey_add_batch(j, batch, 3, &err), SVCM_EINVAL);
        assert_string_equal(err.field, cases[i].field);
        assert_int_equal(err.index, 2);
    }
    assert_int_equal(svcm_journey_add(NULL, &good, &err), SVCM_EINVAL);
    assert_int_equal(svcm_journey_add(j, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "ev");
    assert_int_equal(svcm_journey_add_batch(NULL, &good, 1, &err), SVCM_EINVAL);
    assert_int_equal(svcm_journey_add_batch(j, NULL, 1, &err), SVCM_EINVAL);
    assert_int_equal(svcm_journey_add_batch(j, NULL, 0, &err), SVCM_OK);
    dump(j, after, sizeof after);
    assert_string_equal(before, after);
    svcm_journey_free(j);
}

static void test_merge_refuses_other_options(void **state)
{
    (void)state;
    static const char *const other[3] = {"visit", "quote", "pay"};
    svcm_journey *a = make(steps3, 3, 10, 3);
    svcm_journey *b[5] = {make(other, 3, 10, 3), make(steps3, 2, 10, 3), make(steps3, 3, 11, 3),
                          make(steps3, 3, 10, 4), NULL};
    svcm_journey_options o;
    svcm_journey_options_init(&o);
    o.steps = steps3;
    o.n_steps = 3;
    o.window_s = 10;
    o.path_len = 3;
    o.confidence = 0.9;
    assert_int_equal(svcm_journey_new(&o, NULL, &b[4], NULL), SVCM_OK);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(svcm_journey_merge(a, b[i]), SVCM_EMISMATCH);
        svcm_journey_free(b[i]);
    }
    assert_int_equal(svcm_journey_merge(a, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_journey_merge(NULL, a), SVCM_EINVAL);
    svcm_journey_free(a);
}

/* Many customers and touchpoints: the hash tables grow and stay right. */
static void test_many_customers_and_touchpoints(void **state)
{
    (void)state;
    static const char *const st[2] = {"t0", "t1"};
    svcm_journey *j = make(st, 2, INFINITY, 2);
    char id[32], tp[32];
    for (int i = 0; i < 5000; i++) {
        int len = snprintf(id, sizeof id, "customer-%d", i);
        int tl = snprintf(tp, sizeof tp, "t%d", i % 97);
        svcm_journey_event e = {id, (size_t)len, tp, (size_t)tl, (double)i, NAN, i % 10 == 0};
        assert_int_equal(svcm_journey_add(j, &e, NULL), SVCM_OK);
        tl = snprintf(tp, sizeof tp, "t%d", (i + 1) % 97);
        e.touchpoint_len = (size_t)tl;
        e.time = (double)i + 1;
        assert_int_equal(svcm_journey_add(j, &e, NULL), SVCM_OK);
    }
    struct svcm_journey_result r;
    assert_int_equal(svcm_journey_result(j, &r), SVCM_OK);
    assert_int_equal(r.customers, 5000);
    assert_int_equal(r.touchpoints, 97);
    assert_int_equal(r.lost_customers, 500);
    /* t0 then t1: customers i = 0 mod 97 */
    assert_int_equal(r.completed, (5000 + 96) / 97);
    svcm_journey_free(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worked_funnel_by_hand),
        cmocka_unit_test(test_random_logs_any_order_split_and_merged_match_brute_force),
        cmocka_unit_test(test_self_merge_counts_events_twice_same_funnel),
        cmocka_unit_test(test_window_zero_needs_same_instant_and_no_window_reaches_all),
        cmocka_unit_test(test_empty_and_no_steps),
        cmocka_unit_test(test_sizes_enospc_and_null),
        cmocka_unit_test(test_bad_options_are_refused),
        cmocka_unit_test(test_bad_events_are_refused_and_change_nothing),
        cmocka_unit_test(test_merge_refuses_other_options),
        cmocka_unit_test(test_many_customers_and_touchpoints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
