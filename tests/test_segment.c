/* Tests of tier assignment, per-tier summaries and day conversion
 * (src/segment.c). Expected tiers, reasons and summaries are worked by hand
 * from the documented rules; the working is in the comments. */
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

#include "svcm/segment.h"

/* Field by field: svcm_rfm_edges has padding after bins. */
static void assert_edges_equal(const svcm_rfm_edges *a, const svcm_rfm_edges *b)
{
    assert_int_equal(a->bins, b->bins);
    assert_memory_equal(a->recency, b->recency, sizeof a->recency);
    assert_memory_equal(a->frequency, b->frequency, sizeof a->frequency);
    assert_memory_equal(a->monetary, b->monetary, sizeof a->monetary);
}

#define CLOSE(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* Fixed edges, k = 5:
 *   recency   10, 30, 60, 120  -> R = 5 (<= 10), 4, 3, 2, 1 (> 120)
 *   frequency  1,  2,  4,   8  -> F = 1 (<= 1), 2, 3, 4, 5 (> 8)
 *   monetary 100, 200, 500, 1000 -> M = 1 (<= 100), 2, 3, 4, 5 (> 1000) */
static const svcm_rfm_edges fixed = {.bins = 5,
                                     .recency = {10, 30, 60, 120},
                                     .frequency = {1, 2, 4, 8},
                                     .monetary = {100, 200, 500, 1000}};

/* Ten customers, one or more per rule, under the default policy
 * (churn 180, p_alive_min 0.2, new tenure 90, new frequency <= 1, VIP active
 * 90 days and M = 5, KEY mean score >= 4). */
enum { NPOP = 10 };
static const double pop_r[NPOP] = {200, 20, 5, 5, 5, 100, 25, 25, 5, 180};
static const double pop_f[NPOP] = {10, 5, 3, 1, 9, 9, 6, 6, 3, 2};
static const double pop_m[NPOP] = {5000, 800, 2000, 50, 1500, 1500, 600, 400, 950, 150};
static const double pop_t[NPOP] = {400, 300, 30, 365, 500, 500, 400, 400, 400, 200};
static const double pop_p[NPOP] = {1, 0.1, 1, 1, 1, 1, 1, 1, 1, 1};
/*  0: recency 200 > 180                            -> LOST, inactive (despite M = 5)
 *  1: p_alive 0.1 < 0.2                            -> LOST, p_alive
 *  2: tenure 30 < 90                               -> POTENTIAL, new (despite M = 5)
 *  3: frequency 1 <= 1                             -> POTENTIAL, few purchases
 *  4: R5 F5 M5, recency 5 <= 90                    -> VIP, M score
 *  5: R2 F5 M5 but recency 100 > 90: no VIP; mean (2+5+5)/3 = 4 -> KEY
 *  6: R4 F4 M4, mean 4 (on the threshold)          -> KEY
 *  7: R4 F4 M3, mean 11/3 < 4                      -> REGULAR
 *  8: R5 F3 M4, mean 4                             -> KEY
 *  9: recency 180 is not > 180; R1 F2 M2, mean 5/3 -> REGULAR */
static const uint8_t want_tier[NPOP] = {
    SVCM_TIER_LOST, SVCM_TIER_LOST, SVCM_TIER_POTENTIAL, SVCM_TIER_POTENTIAL, SVCM_TIER_VIP,
    SVCM_TIER_KEY,  SVCM_TIER_KEY,  SVCM_TIER_REGULAR,   SVCM_TIER_KEY,       SVCM_TIER_REGULAR};
static const uint8_t want_reason[NPOP] = {
    SVCM_SEGMENT_REASON_LOST_INACTIVE, SVCM_SEGMENT_REASON_LOST_P_ALIVE, SVCM_SEGMENT_REASON_POTENTIAL_NEW,
    SVCM_SEGMENT_REASON_POTENTIAL_FEW, SVCM_SEGMENT_REASON_VIP_M_SCORE,  SVCM_SEGMENT_REASON_KEY_SCORE,
    SVCM_SEGMENT_REASON_KEY_SCORE,     SVCM_SEGMENT_REASON_REGULAR,      SVCM_SEGMENT_REASON_KEY_SCORE,
    SVCM_SEGMENT_REASON_REGULAR};
static const uint8_t want_r[NPOP] = {1, 4, 5, 5, 5, 2, 4, 4, 5, 1};
static const uint8_t want_f[NPOP] = {5, 4, 3, 1, 5, 5, 4, 4, 3, 2};
static const uint8_t want_m[NPOP] = {5, 4, 5, 1, 5, 5, 4, 3, 4, 2};

static svcm_customers population(void)
{
    svcm_customers c;
    memset(&c, 0, sizeof c);
    c.n = NPOP;
    c.recency = pop_r;
    c.frequency = pop_f;
    c.monetary = pop_m;
    c.tenure = pop_t;
    c.p_alive = pop_p;
    return c;
}

static void test_every_rule_fires_on_a_hand_worked_population(void **state)
{
    (void)state;
    svcm_customers c = population();
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    uint8_t t[NPOP], why[NPOP], r[NPOP], f[NPOP], m[NPOP];
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, t, why, r, f, m, NULL), SVCM_OK);
    assert_memory_equal(r, want_r, NPOP);
    assert_memory_equal(f, want_f, NPOP);
    assert_memory_equal(m, want_m, NPOP);
    assert_memory_equal(t, want_tier, NPOP);
    assert_memory_equal(why, want_reason, NPOP);
    /* Reasons and scores are optional outputs. */
    uint8_t t2[NPOP];
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, t2, NULL, NULL, NULL, NULL, NULL),
                     SVCM_OK);
    assert_memory_equal(t2, want_tier, NPOP);
}

static void test_vip_by_monetary_threshold_and_rules_switched_off(void **state)
{
    (void)state;
    svcm_customers c = population();
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    p.vip_min_monetary = 900; /* customer 8: M4 but 950 >= 900 -> VIP by value */
    uint8_t t[NPOP], why[NPOP];
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, t, why, NULL, NULL, NULL, NULL),
                     SVCM_OK);
    assert_int_equal(t[8], SVCM_TIER_VIP);
    assert_int_equal(why[8], SVCM_SEGMENT_REASON_VIP_MONETARY);
    assert_int_equal(why[4], SVCM_SEGMENT_REASON_VIP_M_SCORE); /* the score rule is tried first */
    assert_int_equal(t[5], SVCM_TIER_KEY);             /* 1500 but recency 100 > 90 */
    /* Switch the LOST and POTENTIAL rules off: customer 0 (R1 F5 M5, recency
     * 200 > 90 so no VIP) has mean 11/3 -> REGULAR; customer 1 (R4 F4 M4) is
     * KEY; customer 2 (R5 F3 M5, recency 5) is VIP; customer 3 (R5 F1 M1)
     * mean 7/3 -> REGULAR. */
    svcm_segment_options_init(&p);
    p.churn_days = INFINITY;
    p.p_alive_min = 0;
    p.new_tenure_days = 0;
    p.new_max_frequency = -1;
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, t, why, NULL, NULL, NULL, NULL),
                     SVCM_OK);
    assert_int_equal(t[0], SVCM_TIER_REGULAR);
    assert_int_equal(t[1], SVCM_TIER_KEY);
    assert_int_equal(t[2], SVCM_TIER_VIP);
    assert_int_equal(t[3], SVCM_TIER_REGULAR);
    /* Weights: only R counts, threshold 5 -> KEY iff R = 5 (and no earlier
     * rule): customer 8 (R5, not VIP) is KEY, 6 (R4) is REGULAR. */
    svcm_segment_options_init(&p);
    p.key_weight_f = 0;
    p.key_weight_m = 0;
    p.key_min_score = 5;
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, t, why, NULL, NULL, NULL, NULL),
                     SVCM_OK);
    assert_int_equal(t[8], SVCM_TIER_KEY);
    assert_int_equal(t[6], SVCM_TIER_REGULAR);
    assert_int_equal(t[5], SVCM_TIER_REGULAR);
}

static void test_p_alive_and_tenure_are_optional(void **state)
{
    (void)state;
    svcm_customers c = population();
    c.p_alive = NULL; /* customer 1 (R4 F4 M4) is now KEY */
    c.tenure = NULL;  /* customer 2 (R5 F3 M5, active) is now VIP */
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    uint8_t t[NPOP], why[NPOP];
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, t, why, NULL, NULL, NULL, NULL),
                     SVCM_OK);
    assert_int_equal(t[1], SVCM_TIER_KEY);
    assert_int_equal(t[2], SVCM_TIER_VIP);
    assert_int_equal(why[2], SVCM_SEGMENT_REASON_VIP_M_SCORE);
    assert_int_equal(t[3], SVCM_TIER_POTENTIAL);
    assert_int_equal(why[3], SVCM_SEGMENT_REASON_POTENTIAL_FEW);
}

static void test_records_with_per_record_flags_match_arrays(void **state)
{
    (void)state;
    svcm_customer_record recs[NPOP];
    for (size_t i = 0; i < NPOP; i++)
        recs[i] = (svcm_customer_record){.id = (int64_t)(100 + i), .recency = pop_r[i],
                                  .frequency = pop_f[i], .monetary = pop_m[i],
                                  .tenure = pop_t[i], .p_alive = NAN,
                                  .flags = SVCM_CUSTOMER_HAS_TENURE};
    recs[1].p_alive = 0.1; /* only customer 1 carries P(alive) */
    recs[1].flags |= SVCM_CUSTOMER_HAS_P_ALIVE;
    svcm_customers c;
    assert_int_equal(svcm_customers_from_records(recs, NPOP, &c), SVCM_OK);
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    uint8_t t[NPOP], why[NPOP];
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, t, why, NULL, NULL, NULL, NULL),
                     SVCM_OK);
    assert_memory_equal(t, want_tier, NPOP);
    assert_memory_equal(why, want_reason, NPOP);
    /* Without the tenure flag on customer 2 it is no longer new: VIP. */
    recs[2].flags = 0;
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, t, why, NULL, NULL, NULL, NULL),
                     SVCM_OK);
    assert_int_equal(t[2], SVCM_TIER_VIP);
}

static void test_packed_flags_mark_missing_values_in_arrays(void **state)
{
    (void)state;
    /* Arrays with a packed flags array: only customer 1 has P(alive), only
     * customer 2 lacks tenure; the NaNs behind cleared flags are not read. */
    double p_alive[NPOP], tenure[NPOP];
    unsigned flags[NPOP];
    for (size_t i = 0; i < NPOP; i++) {
        p_alive[i] = NAN;
        tenure[i] = pop_t[i];
        flags[i] = SVCM_CUSTOMER_HAS_TENURE;
    }
    p_alive[1] = 0.1;
    flags[1] |= SVCM_CUSTOMER_HAS_P_ALIVE;
    tenure[2] = NAN;
    flags[2] = 0;
    svcm_customers c = population();
    c.tenure = tenure;
    c.p_alive = p_alive;
    c.flags = flags;
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    uint8_t t[NPOP], why[NPOP];
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, t, why, NULL, NULL, NULL, NULL),
                     SVCM_OK);
    assert_int_equal(t[1], SVCM_TIER_LOST);
    assert_int_equal(why[1], SVCM_SEGMENT_REASON_LOST_P_ALIVE);
    assert_int_equal(t[2], SVCM_TIER_VIP); /* tenure unknown: not new */
    for (size_t i = 3; i < NPOP; i++)
        assert_int_equal(t[i], want_tier[i]);
}

static uint64_t rng = 88172645463325252u;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_tiers_are_invariant_under_shuffling(void **state)
{
    (void)state;
    enum { N = 4000 };
    static double r[N], f[N], m[N], t[N], pa[N], r2[N], f2[N], m2[N], t2[N], pa2[N];
    static size_t perm[N];
    for (size_t i = 0; i < N; i++) {
        t[i] = (double)(rnd() % 1000);
        r[i] = (double)(rnd() % 1000) * t[i] / 1000.0;
        f[i] = (double)(rnd() % 15);
        m[i] = (double)(rnd() % 300000) / 100.0;
        pa[i] = (double)(rnd() % 1001) / 1000.0;
        perm[i] = i;
    }
    for (size_t i = N - 1; i > 0; i--) {
        size_t j = rnd() % (i + 1), x = perm[i];
        perm[i] = perm[j];
        perm[j] = x;
    }
    for (size_t i = 0; i < N; i++) {
        r2[i] = r[perm[i]];
        f2[i] = f[perm[i]];
        m2[i] = m[perm[i]];
        t2[i] = t[perm[i]];
        pa2[i] = pa[perm[i]];
    }
    svcm_customers a = {.n = N, .recency = r, .frequency = f, .monetary = m, .tenure = t,
                        .p_alive = pa};
    svcm_customers b = {.n = N, .recency = r2, .frequency = f2, .monetary = m2, .tenure = t2,
                        .p_alive = pa2};
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    svcm_rfm_edges ea, eb;
    assert_int_equal(svcm_rfm_fit(&a, p.bins, NULL, &ea, NULL), SVCM_OK);
    assert_int_equal(svcm_rfm_fit(&b, p.bins, NULL, &eb, NULL), SVCM_OK);
    assert_edges_equal(&ea, &eb);
    static uint8_t ta[N], tb[N], wa[N], wb[N];
    assert_int_equal(svcm_segment_assign(&a, &p, &ea, ta, wa, NULL, NULL, NULL, NULL), SVCM_OK);
    assert_int_equal(svcm_segment_assign(&b, &p, &eb, tb, wb, NULL, NULL, NULL, NULL), SVCM_OK);
    int seen[SVCM_SEGMENT_REASON_COUNT] = {0};
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(tb[i], ta[perm[i]]);
        assert_int_equal(wb[i], wa[perm[i]]);
        seen[wa[i]] = 1;
    }
    /* The random population exercises every rule but the value threshold
     * (off by default). */
    for (int k = 0; k < SVCM_SEGMENT_REASON_COUNT; k++)
        if (k != SVCM_SEGMENT_REASON_VIP_MONETARY)
            assert_true(seen[k]);
}

static void test_records_and_packed_flags_match_arrays_on_a_large_population(void **state)
{
    (void)state;
    enum { N = 3001 };
    static svcm_customer_record recs[N];
    static double r[N], f[N], m[N], t[N], pa[N];
    for (size_t i = 0; i < N; i++) {
        t[i] = (double)(rnd() % 800);
        r[i] = (double)(rnd() % 800) * t[i] / 800.0;
        f[i] = (double)(rnd() % 12);
        m[i] = (double)(rnd() % 90000) / 10.0;
        pa[i] = (double)(rnd() % 101) / 100.0;
        recs[i] = (svcm_customer_record){.id = (int64_t)i, .recency = r[i], .frequency = f[i],
                                  .monetary = m[i], .tenure = t[i], .p_alive = pa[i],
                                  .flags = SVCM_CUSTOMER_HAS_TENURE | SVCM_CUSTOMER_HAS_P_ALIVE};
    }
    svcm_customers a = {.n = N, .recency = r, .frequency = f, .monetary = m, .tenure = t,
                        .p_alive = pa};
    svcm_customers b;
    assert_int_equal(svcm_customers_from_records(recs, N, &b), SVCM_OK);
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    svcm_rfm_edges e;
    assert_int_equal(svcm_rfm_fit(&a, 5, NULL, &e, NULL), SVCM_OK);
    static uint8_t out_a[5][N], out_b[5][N];
    assert_int_equal(svcm_segment_assign(&a, &p, &e, out_a[0], out_a[1], out_a[2], out_a[3],
                                         out_a[4], NULL),
                     SVCM_OK);
    assert_int_equal(svcm_segment_assign(&b, &p, &e, out_b[0], out_b[1], out_b[2], out_b[3],
                                         out_b[4], NULL),
                     SVCM_OK);
    assert_memory_equal(out_a, out_b, sizeof out_a);
    /* The same with every third P(alive) missing, as packed flags on the
     * arrays (4-byte steps) and as record flags (record-sized steps). */
    static unsigned flags[N];
    for (size_t i = 0; i < N; i++) {
        flags[i] = SVCM_CUSTOMER_HAS_TENURE | (i % 3 ? SVCM_CUSTOMER_HAS_P_ALIVE : 0u);
        recs[i].flags = flags[i];
    }
    a.flags = flags;
    assert_int_equal(svcm_segment_assign(&a, &p, &e, out_a[0], out_a[1], NULL, NULL, NULL, NULL),
                     SVCM_OK);
    assert_int_equal(svcm_segment_assign(&b, &p, &e, out_b[0], out_b[1], NULL, NULL, NULL, NULL),
                     SVCM_OK);
    assert_memory_equal(out_a[0], out_b[0], N);
    assert_memory_equal(out_a[1], out_b[1], N);
    size_t p_alive_lost = 0;
    for (size_t i = 0; i < N; i++) {
        if (i % 3 == 0)
            assert_int_not_equal(out_a[1][i], SVCM_SEGMENT_REASON_LOST_P_ALIVE);
        p_alive_lost += out_a[1][i] == SVCM_SEGMENT_REASON_LOST_P_ALIVE;
    }
    assert_true(p_alive_lost > 0);
    /* A bad record near the end: nothing written anywhere. */
    recs[N - 2].p_alive = 2; /* 2999: its P(alive) flag is on */
    memset(out_b, 0xCC, sizeof out_b);
    svcm_error err;
    assert_int_equal(svcm_segment_assign(&b, &p, &e, out_b[0], out_b[1], NULL, NULL, NULL, &err),
                     SVCM_EINVAL);
    assert_int_equal(err.index, N - 2);
    assert_string_equal(err.field, "p_alive");
    for (size_t i = 0; i < N; i++)
        assert_int_equal(out_b[0][i], 0xCC);
}

static void test_assign_refuses_bad_input_and_writes_nothing(void **state)
{
    (void)state;
    double r[NPOP], f[NPOP];
    memcpy(r, pop_r, sizeof r);
    memcpy(f, pop_f, sizeof f);
    svcm_customers c = population();
    c.recency = r;
    c.frequency = f;
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    uint8_t t[NPOP], why[NPOP];
    memset(t, 0xEE, sizeof t);
    memset(why, 0xEE, sizeof why);
    svcm_error err;
    f[9] = -1; /* the last record: earlier ones must not have been written */
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, t, why, NULL, NULL, NULL, &err),
                     SVCM_EINVAL);
    assert_int_equal(err.index, 9);
    assert_string_equal(err.field, "frequency");
    f[9] = 2;
    r[4] = 600; /* tenure 500 */
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, t, why, NULL, NULL, NULL, &err),
                     SVCM_EINVAL);
    assert_int_equal(err.index, 4);
    assert_string_equal(err.field, "recency");
    r[4] = 5;
    p.key_min_score = NAN;
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, t, why, NULL, NULL, NULL, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "key_min_score");
    svcm_segment_options_init(&p);
    p.bins = 4;
    p.vip_m_top_scores = 1;
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, t, why, NULL, NULL, NULL, &err),
                     SVCM_EMISMATCH);
    svcm_segment_options_init(&p);
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, NULL, why, NULL, NULL, NULL, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_segment_assign(&c, NULL, &fixed, t, why, NULL, NULL, NULL, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_segment_assign(&c, &p, NULL, t, why, NULL, NULL, NULL, &err),
                     SVCM_EINVAL);
    for (size_t i = 0; i < NPOP; i++) {
        assert_int_equal(t[i], 0xEE);
        assert_int_equal(why[i], 0xEE);
    }
    /* Nobody to assign is fine, even without outputs. */
    c.n = 0;
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, NULL, NULL, NULL, NULL, NULL, &err),
                     SVCM_OK);
}

static void test_summary_of_the_hand_worked_population(void **state)
{
    (void)state;
    svcm_customers c = population();
    svcm_tier_summary s[SVCM_TIER_COUNT];
    assert_int_equal(svcm_segment_summarize(&c, want_tier, want_r, want_f, want_m, s, NULL),
                     SVCM_OK);
    /* Total monetary: 5000+800+2000+50+1500+1500+600+400+950+150 = 12950. */
    const double total = 12950;
    /* LOST = customers 0, 1: value 5800, recency (200+20)/2 = 110, frequency
     * 7.5, monetary 2900, R (1+4)/2, F (5+4)/2, M (5+4)/2. */
    assert_int_equal(s[SVCM_TIER_LOST].count, 2);
    CLOSE(s[SVCM_TIER_LOST].customer_share, 0.2, 1e-15);
    CLOSE(s[SVCM_TIER_LOST].monetary_total, 5800, 0);
    CLOSE(s[SVCM_TIER_LOST].monetary_share, 5800 / total, 1e-15);
    CLOSE(s[SVCM_TIER_LOST].mean_recency, 110, 1e-12);
    CLOSE(s[SVCM_TIER_LOST].mean_frequency, 7.5, 1e-12);
    CLOSE(s[SVCM_TIER_LOST].mean_monetary, 2900, 1e-12);
    CLOSE(s[SVCM_TIER_LOST].mean_r_score, 2.5, 1e-12);
    CLOSE(s[SVCM_TIER_LOST].mean_f_score, 4.5, 1e-12);
    CLOSE(s[SVCM_TIER_LOST].mean_m_score, 4.5, 1e-12);
    /* KEY = 5, 6, 8: value 1500+600+950 = 3050; recency (100+25+5)/3;
     * R (2+4+5)/3 = 11/3. */
    assert_int_equal(s[SVCM_TIER_KEY].count, 3);
    CLOSE(s[SVCM_TIER_KEY].monetary_total, 3050, 0);
    CLOSE(s[SVCM_TIER_KEY].mean_recency, 130.0 / 3.0, 1e-12);
    CLOSE(s[SVCM_TIER_KEY].mean_r_score, 11.0 / 3.0, 1e-12);
    /* VIP = 4 alone. */
    assert_int_equal(s[SVCM_TIER_VIP].count, 1);
    CLOSE(s[SVCM_TIER_VIP].mean_monetary, 1500, 0);
    double shares = 0, values = 0;
    uint64_t count = 0;
    for (int t = 0; t < SVCM_TIER_COUNT; t++) {
        shares += s[t].customer_share;
        values += s[t].monetary_share;
        count += s[t].count;
    }
    assert_int_equal(count, NPOP);
    CLOSE(shares, 1.0, 1e-12);
    CLOSE(values, 1.0, 1e-12);
}

static void test_summary_empty_tiers_missing_scores_and_zero_value(void **state)
{
    (void)state;
    double r[3] = {1, 2, 3}, f[3] = {2, 2, 2}, m[3] = {0, 0, 0};
    svcm_customers c = {.n = 3, .recency = r, .frequency = f, .monetary = m};
    uint8_t t[3] = {SVCM_TIER_KEY, SVCM_TIER_KEY, SVCM_TIER_LOST};
    svcm_tier_summary s[SVCM_TIER_COUNT];
    assert_int_equal(svcm_segment_summarize(&c, t, NULL, NULL, NULL, s, NULL), SVCM_OK);
    assert_int_equal(s[SVCM_TIER_VIP].count, 0);
    assert_true(s[SVCM_TIER_VIP].customer_share == 0.0);
    assert_true(isnan(s[SVCM_TIER_VIP].mean_recency));
    assert_true(isnan(s[SVCM_TIER_KEY].mean_r_score)); /* no scores given */
    CLOSE(s[SVCM_TIER_KEY].mean_recency, 1.5, 1e-15);
    assert_true(s[SVCM_TIER_KEY].monetary_share == 0.0); /* total value is 0 */
    svcm_error err;
    uint8_t sc[3] = {1, 2, 3}, bad[3] = {1, 0, 3};
    assert_int_equal(svcm_segment_summarize(&c, t, sc, NULL, sc, s, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "f_scores");
    assert_int_equal(svcm_segment_summarize(&c, t, sc, sc, bad, s, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "m_scores");
    assert_int_equal(err.index, 1);
    uint8_t badt[3] = {0, 5, 1};
    assert_int_equal(svcm_segment_summarize(&c, badt, NULL, NULL, NULL, s, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "tiers");
    assert_int_equal(err.index, 1);
    m[2] = NAN;
    assert_int_equal(svcm_segment_summarize(&c, t, NULL, NULL, NULL, s, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, "monetary");
    c.n = 0;
    assert_int_equal(svcm_segment_summarize(&c, t, NULL, NULL, NULL, s, &err), SVCM_EEMPTY);
    assert_int_equal(svcm_segment_summarize(&c, t, NULL, NULL, NULL, NULL, &err), SVCM_EINVAL);
}

static void test_days_since_converts_instants_and_refuses_the_future(void **state)
{
    (void)state;
    const int64_t as_of = 1700000000;
    int64_t t[4] = {as_of, as_of - 86400 * 3, as_of - 43200, INT64_MIN};
    double d[4];
    assert_int_equal(svcm_segment_days_since(t, 3, as_of, d, NULL), SVCM_OK);
    assert_true(d[0] == 0.0);
    assert_true(d[1] == 3.0);
    assert_true(d[2] == 0.5);
    /* Far-apart instants do not overflow: (INT64_MAX - INT64_MIN) / 86400. */
    int64_t far = INT64_MIN;
    double dd;
    assert_int_equal(svcm_segment_days_since(&far, 1, INT64_MAX, &dd, NULL), SVCM_OK);
    CLOSE(dd, 18446744073709551615.0 / 86400.0, 1e3);
    double out[2] = {-7, -7};
    int64_t bad[2] = {as_of - 1, as_of + 1};
    svcm_error err;
    assert_int_equal(svcm_segment_days_since(bad, 2, as_of, out, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "time");
    assert_true(out[0] == -7);
    assert_int_equal(svcm_segment_days_since(NULL, 2, as_of, out, &err), SVCM_EINVAL);
    assert_int_equal(svcm_segment_days_since(NULL, 0, as_of, NULL, &err), SVCM_OK);
}

static void test_key_weight_near_dbl_max_does_not_overflow_into_key(void **state)
{
    (void)state;
    /* Only R is weighted, by 1e308: the KEY score is R itself. Customer 5
     * of the population has R = 2 < 4 and must stay REGULAR; 1e308 * 2 used
     * to overflow to inf and make it KEY. Customer 6 (R = 4) is KEY either
     * way; with weights 1e308 on all three, 5 has mean (2+5+5)/3 = 4: KEY. */
    svcm_customers c = population();
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    p.vip_m_top_scores = 0; /* VIP off, so the KEY rule decides */
    p.key_weight_r = 1e308;
    p.key_weight_f = 0.0;
    p.key_weight_m = 0.0;
    uint8_t tiers[NPOP], reasons[NPOP];
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, tiers, reasons, NULL, NULL, NULL, NULL),
                     SVCM_OK);
    assert_int_equal(tiers[5], SVCM_TIER_REGULAR);
    assert_int_equal(reasons[5], SVCM_SEGMENT_REASON_REGULAR);
    assert_int_equal(tiers[6], SVCM_TIER_KEY);
    p.key_weight_f = p.key_weight_m = 1e307; /* sum 1.2e308: finite */
    p.key_weight_r = 1e307;
    assert_int_equal(svcm_segment_assign(&c, &p, &fixed, tiers, reasons, NULL, NULL, NULL, NULL),
                     SVCM_OK);
    assert_int_equal(tiers[5], SVCM_TIER_KEY);
    assert_int_equal(tiers[7], SVCM_TIER_REGULAR); /* mean 11/3 */
}

static void test_summary_sums_beyond_the_double_range_are_erange(void **state)
{
    (void)state;
    /* Two finite monetary values of DBL_MAX in one tier sum to inf: the
     * total was inf and the share inf / inf = NaN, with SVCM_OK. */
    double rec[3] = {1, 2, 3}, fr[3] = {1, 1, 1}, mo[3] = {1, DBL_MAX, DBL_MAX};
    svcm_customers c = {.n = 3, .recency = rec, .frequency = fr, .monetary = mo};
    uint8_t tiers[3] = {0, 0, 0};
    svcm_tier_summary out[SVCM_TIER_COUNT];
    memset(out, 0x5a, sizeof out);
    unsigned char before[sizeof out];
    memcpy(before, out, sizeof out);
    svcm_error err;
    assert_int_equal(svcm_segment_summarize(&c, tiers, NULL, NULL, NULL, out, &err), SVCM_ERANGE);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, "monetary");
    assert_memory_equal(out, before, sizeof out);
    /* In different tiers each sum is finite but the total is not. */
    tiers[2] = 1;
    assert_int_equal(svcm_segment_summarize(&c, tiers, NULL, NULL, NULL, out, &err), SVCM_ERANGE);
    assert_int_equal(err.index, SVCM_NO_INDEX);
    assert_string_equal(err.field, "monetary");
    assert_memory_equal(out, before, sizeof out);
    /* Recency, same tier. */
    double rec2[3] = {DBL_MAX, DBL_MAX, 1}, mo2[3] = {1, 1, 1};
    c.recency = rec2;
    c.monetary = mo2;
    tiers[2] = 0;
    assert_int_equal(svcm_segment_summarize(&c, tiers, NULL, NULL, NULL, out, &err), SVCM_ERANGE);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "recency");
    /* One DBL_MAX is fine: share 1, mean DBL_MAX / 3 (hand: exact scaling). */
    double mo3[3] = {0, DBL_MAX, 0};
    c.recency = rec;
    c.monetary = mo3;
    assert_int_equal(svcm_segment_summarize(&c, tiers, NULL, NULL, NULL, out, &err), SVCM_OK);
    assert_true(out[0].monetary_share == 1.0);
    assert_true(out[0].mean_monetary == DBL_MAX / 3.0);
}

/* ------------------------------------------------ svcm_segment_run threads */

static uint64_t run_rng = 0x9E3779B97F4A7C15u;
static double run_unif(void)
{
    run_rng ^= run_rng >> 12;
    run_rng ^= run_rng << 25;
    run_rng ^= run_rng >> 27;
    return (double)((run_rng * 0x2545F4914F6CDD1Du) >> 11) * 0x1p-53;
}

/* The outputs of one segmentation run. */
typedef struct run_out {
    uint8_t *tiers, *reasons, *r, *f, *m;
    svcm_rfm_edges e;
} run_out;

static void run_out_alloc(run_out *o, size_t n)
{
    size_t b = n ? n : 1;
    o->tiers = malloc(b);
    o->reasons = malloc(b);
    o->r = malloc(b);
    o->f = malloc(b);
    o->m = malloc(b);
    assert_non_null(o->tiers);
    assert_non_null(o->reasons);
    assert_non_null(o->r);
    assert_non_null(o->f);
    assert_non_null(o->m);
    memset(o->tiers, 0xEE, b);
    memset(o->reasons, 0xEE, b);
    memset(o->r, 0xEE, b);
    memset(o->f, 0xEE, b);
    memset(o->m, 0xEE, b);
    memset(&o->e, 0, sizeof o->e);
}

static void run_out_free(run_out *o)
{
    free(o->tiers);
    free(o->reasons);
    free(o->r);
    free(o->f);
    free(o->m);
}

/* The one-thread reference (svcm_rfm_fit + svcm_segment_assign), then
 * svcm_segment_run on 1, 2, 3 and 7 threads: every output byte for byte. */
static void assert_threads_match_reference(const svcm_customers *c, const svcm_segment_options *p)
{
    run_out ref;
    run_out_alloc(&ref, c->n);
    svcm_error err;
    assert_int_equal(svcm_rfm_fit(c, p->bins, NULL, &ref.e, &err), SVCM_OK);
    assert_int_equal(svcm_segment_assign(c, p, &ref.e, ref.tiers, ref.reasons, ref.r, ref.f,
                                         ref.m, &err),
                     SVCM_OK);
    const unsigned counts[] = {1, 2, 3, 7};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        svcm_segment_run_options run;
        svcm_segment_run_options_init(&run);
        run.threads = counts[k];
        run_out o;
        run_out_alloc(&o, c->n);
        assert_int_equal(svcm_segment_run(c, p, NULL, &run, NULL, o.tiers, o.reasons, o.r, o.f,
                                          o.m, &o.e, &err),
                         SVCM_OK);
        assert_edges_equal(&o.e, &ref.e);
        assert_memory_equal(o.tiers, ref.tiers, c->n);
        assert_memory_equal(o.reasons, ref.reasons, c->n);
        assert_memory_equal(o.r, ref.r, c->n);
        assert_memory_equal(o.f, ref.f, c->n);
        assert_memory_equal(o.m, ref.m, c->n);
        /* Fixed edges: the same outputs, no fit. */
        run_out g;
        run_out_alloc(&g, c->n);
        assert_int_equal(svcm_segment_run(c, p, &ref.e, &run, NULL, g.tiers, NULL, NULL, NULL,
                                          g.m, &g.e, &err),
                         SVCM_OK);
        assert_edges_equal(&g.e, &ref.e);
        assert_memory_equal(g.tiers, ref.tiers, c->n);
        assert_memory_equal(g.m, ref.m, c->n);
        run_out_free(&g);
        run_out_free(&o);
    }
    run_out_free(&ref);
}

static void test_run_on_threads_matches_one_thread_on_random_inputs(void **state)
{
    (void)state;
    /* Sizes around the small-fit limit (4096) and the part size (1024),
     * with ties (whole days, counts), -0.0 and continuous values. */
    const size_t sizes[] = {1, 7, 1500, 4097, 20011, 150001};
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        double *r = malloc(n * sizeof *r), *f = malloc(n * sizeof *f);
        double *m = malloc(n * sizeof *m), *t = malloc(n * sizeof *t);
        double *pa = malloc(n * sizeof *pa);
        assert_true(r && f && m && t && pa);
        for (size_t i = 0; i < n; i++) {
            t[i] = floor(run_unif() * 1500.0);
            r[i] = i % 97 == 0 ? -0.0 : floor(run_unif() * (t[i] + 1.0));
            f[i] = 1.0 + floor(-log1p(-run_unif()) * 4.0);
            m[i] = i % 13 == 0 ? 0.0 : f[i] * exp(3.0 + 1.2 * (run_unif() - 0.5));
            pa[i] = run_unif();
        }
        svcm_customers c = {.n = n, .recency = r, .frequency = f, .monetary = m, .tenure = t,
                            .p_alive = pa};
        for (int bins = SVCM_RFM_MIN_BINS; bins <= SVCM_RFM_MAX_BINS; bins += 3) {
            p.bins = bins;
            p.key_min_score = 1.5;
            assert_threads_match_reference(&c, &p);
        }
        free(r);
        free(f);
        free(m);
        free(t);
        free(pa);
    }
}

static void test_run_on_threads_matches_one_thread_on_records(void **state)
{
    (void)state;
    enum { N = 30011 };
    svcm_customer_record *recs = calloc(N, sizeof *recs);
    assert_non_null(recs);
    for (size_t i = 0; i < N; i++) {
        recs[i].tenure = floor(run_unif() * 800.0);
        recs[i].recency = floor(run_unif() * (recs[i].tenure + 1.0));
        recs[i].frequency = 1.0 + floor(run_unif() * 20.0);
        recs[i].monetary = 10.0 * floor(run_unif() * 300.0);
        recs[i].p_alive = run_unif();
        recs[i].flags = (unsigned)(i % 4); /* every combination of the two bits */
    }
    svcm_customers c;
    assert_int_equal(svcm_customers_from_records(recs, N, &c), SVCM_OK);
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    assert_threads_match_reference(&c, &p);
    free(recs);
}

/* tests/data/cdnow_summary.csv (x, t_x, T in weeks, zbar): recency =
 * 7 (T - t_x) days, tenure = 7 T, frequency = x + 1, monetary = zbar (x + 1);
 * as read (2357 customers, edges by direct selection) and repeated eight
 * times (18856, through the histogram passes). */
static void test_run_on_threads_matches_one_thread_on_cdnow(void **state)
{
    (void)state;
    FILE *fp = fopen(SVCM_DATA_DIR "/cdnow_summary.csv", "r");
    assert_non_null(fp);
    char line[256];
    assert_non_null(fgets(line, sizeof line, fp)); /* header */
    size_t n = 0, cap = 4096;
    double *r = malloc(8 * cap * sizeof *r), *f = malloc(8 * cap * sizeof *f);
    double *m = malloc(8 * cap * sizeof *m), *t = malloc(8 * cap * sizeof *t);
    assert_true(r && f && m && t);
    while (fgets(line, sizeof line, fp) != NULL) {
        long id;
        double x, tx, T, zbar;
        assert_int_equal(sscanf(line, "%ld,%lf,%lf,%lf,%lf", &id, &x, &tx, &T, &zbar), 5);
        assert_true(n < cap);
        r[n] = 7.0 * (T - tx);
        t[n] = 7.0 * T;
        f[n] = x + 1.0;
        m[n] = zbar * (x + 1.0);
        n++;
    }
    fclose(fp);
    assert_int_equal(n, 2357);
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    svcm_customers c = {.n = n, .recency = r, .frequency = f, .monetary = m, .tenure = t};
    assert_threads_match_reference(&c, &p);
    for (size_t k = 1; k < 8; k++) {
        memcpy(r + k * n, r, n * sizeof *r);
        memcpy(f + k * n, f, n * sizeof *f);
        memcpy(m + k * n, m, n * sizeof *m);
        memcpy(t + k * n, t, n * sizeof *t);
    }
    c.n = 8 * n;
    assert_threads_match_reference(&c, &p);
    free(r);
    free(f);
    free(m);
    free(t);
}

static void test_run_refuses_bad_input_and_writes_nothing(void **state)
{
    (void)state;
    enum { N = 9000 };
    double *r = malloc(N * sizeof *r), *f = malloc(N * sizeof *f), *m = malloc(N * sizeof *m);
    assert_true(r && f && m);
    for (size_t i = 0; i < N; i++) {
        r[i] = (double)(i % 400);
        f[i] = (double)(1 + i % 9);
        m[i] = (double)(i % 1000);
    }
    svcm_customers c = {.n = N, .recency = r, .frequency = f, .monetary = m};
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    svcm_segment_run_options run;
    svcm_segment_run_options_init(&run);
    assert_int_equal(run.threads, 1);
    svcm_segment_run_options_init(NULL); /* no-op */
    run_out o;
    run_out_alloc(&o, N);
    uint8_t *untouched = malloc(N);
    assert_non_null(untouched);
    memset(untouched, 0xEE, N);
    svcm_error err;

    /* Thread counts out of range. */
    run.threads = 0;
    assert_int_equal(svcm_segment_run_options_check(&run, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "threads");
    assert_int_equal(svcm_segment_run(&c, &p, NULL, &run, NULL, o.tiers, NULL, NULL, NULL, NULL,
                                      NULL, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "threads");
    run.threads = SVCM_SEGMENT_MAX_THREADS + 1;
    assert_int_equal(svcm_segment_run_options_check(&run, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "threads");
    run.threads = SVCM_SEGMENT_MAX_THREADS;
    assert_int_equal(svcm_segment_run_options_check(&run, &err), SVCM_OK);
    assert_int_equal(svcm_segment_run_options_check(NULL, &err), SVCM_EINVAL);

    /* The first bad record, lowest index first, whatever the thread count:
     * bad records in the fourth and the fifth of seven parts. */
    r[6000] = NAN;
    m[4000] = -1.0;
    const unsigned counts[] = {1, 2, 3, 7};
    for (size_t k = 0; k < 4; k++) {
        run.threads = counts[k];
        svcm_error want, got;
        assert_int_equal(svcm_customers_check(&c, &want), SVCM_EINVAL);
        assert_int_equal(svcm_segment_run(&c, &p, NULL, &run, NULL, o.tiers, o.reasons, o.r,
                                          o.f, o.m, &o.e, &got),
                         SVCM_EINVAL);
        assert_int_equal(got.index, 4000);
        assert_int_equal(got.index, want.index);
        assert_string_equal(got.field, "monetary");
        assert_string_equal(got.message, want.message);
    }
    m[4000] = 1.0;
    run.threads = 7;
    assert_int_equal(svcm_segment_run(&c, &p, NULL, &run, NULL, o.tiers, NULL, NULL, NULL, NULL,
                                      NULL, &err),
                     SVCM_EINVAL);
    assert_int_equal(err.index, 6000);
    assert_string_equal(err.field, "recency");
    r[6000] = 1.0;

    /* Missing tiers, bad policy, bad or mismatched edges, bad allocator. */
    assert_int_equal(svcm_segment_run(&c, &p, NULL, &run, NULL, NULL, NULL, NULL, NULL, NULL,
                                      NULL, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "tiers");
    svcm_segment_options bad = p;
    bad.churn_days = NAN;
    assert_int_equal(svcm_segment_run(&c, &bad, NULL, &run, NULL, o.tiers, NULL, NULL, NULL,
                                      NULL, NULL, &err),
                     SVCM_EINVAL);
    svcm_rfm_edges e = fixed;
    e.bins = 4;
    assert_int_equal(svcm_segment_run(&c, &p, &e, &run, NULL, o.tiers, NULL, NULL, NULL, NULL,
                                      NULL, &err),
                     SVCM_EMISMATCH);
    e = fixed;
    e.monetary[2] = 50.0; /* decreasing */
    assert_int_equal(svcm_segment_run(&c, &p, &e, &run, NULL, o.tiers, NULL, NULL, NULL, NULL,
                                      NULL, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "monetary_edges");
    svcm_allocator half = {0};
    assert_int_equal(svcm_segment_run(&c, &p, NULL, &run, &half, o.tiers, NULL, NULL, NULL,
                                      NULL, NULL, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_segment_run(NULL, &p, NULL, &run, NULL, o.tiers, NULL, NULL, NULL,
                                      NULL, NULL, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_segment_run(&c, NULL, NULL, &run, NULL, o.tiers, NULL, NULL, NULL,
                                      NULL, NULL, &err),
                     SVCM_EINVAL);
    /* Nothing was written by any failed call. */
    assert_memory_equal(o.tiers, untouched, N);
    assert_memory_equal(o.reasons, untouched, N);
    assert_memory_equal(o.r, untouched, N);
    assert_memory_equal(o.m, untouched, N);

    /* Empty: edges cannot be fitted; with fixed edges there is nothing to
     * do; NULL settings are one thread. */
    svcm_customers empty = {.n = 0};
    assert_int_equal(svcm_segment_run(&empty, &p, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                      NULL, &err),
                     SVCM_EEMPTY);
    svcm_rfm_edges used;
    assert_int_equal(svcm_segment_run(&empty, &p, &fixed, NULL, NULL, NULL, NULL, NULL, NULL,
                                      NULL, &used, &err),
                     SVCM_OK);
    assert_edges_equal(&used, &fixed);
    assert_int_equal(svcm_segment_run(&c, &p, &fixed, NULL, NULL, o.tiers, NULL, NULL, NULL,
                                      NULL, NULL, &err),
                     SVCM_OK);
    free(untouched);
    run_out_free(&o);
    free(r);
    free(f);
    free(m);
}

/* An allocator that fails from its `fail_at`-th allocation on and counts
 * live blocks (svcm_segment_run allocates on the calling thread only). */
typedef struct failing {
    long calls, fail_at, live;
} failing;

static void *f_alloc(void *ctx, size_t size)
{
    failing *f = ctx;
    if (f->calls++ >= f->fail_at)
        return NULL;
    void *p = malloc(size ? size : 1);
    f->live += p != NULL;
    return p;
}

static void *f_realloc(void *ctx, void *ptr, size_t size)
{
    failing *f = ctx;
    if (f->calls++ >= f->fail_at)
        return NULL;
    void *p = realloc(ptr, size ? size : 1);
    f->live += p != NULL && ptr == NULL;
    return p;
}

static void f_free(void *ctx, void *ptr)
{
    ((failing *)ctx)->live -= ptr != NULL;
    free(ptr);
}

/* Every allocation of the threaded fit failing in turn: SVCM_ENOMEM,
 * nothing written, nothing leaked; then success with the same results. */
static void test_run_out_of_memory_writes_nothing_and_leaks_nothing(void **state)
{
    (void)state;
    enum { N = 12000 };
    double *r = malloc(N * sizeof *r), *f = malloc(N * sizeof *f), *m = malloc(N * sizeof *m);
    assert_true(r && f && m);
    for (size_t i = 0; i < N; i++) {
        r[i] = (double)(i * 7919 % 500);
        f[i] = (double)(1 + i % 3); /* single-value buckets */
        m[i] = (double)(i * 104729 % 100000) / 100.0;
    }
    svcm_customers c = {.n = N, .recency = r, .frequency = f, .monetary = m};
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    run_out ref;
    run_out_alloc(&ref, N);
    assert_int_equal(svcm_segment_run(&c, &p, NULL, NULL, NULL, ref.tiers, ref.reasons, ref.r,
                                      ref.f, ref.m, &ref.e, NULL),
                     SVCM_OK);
    uint8_t *untouched = malloc(N);
    assert_non_null(untouched);
    memset(untouched, 0xEE, N);
    const unsigned counts[] = {1, 2, 7};
    for (size_t k = 0; k < 3; k++) {
        svcm_segment_run_options run;
        svcm_segment_run_options_init(&run);
        run.threads = counts[k];
        long failures = 0;
        for (long at = 0;; at++) {
            failing fl = {0, at, 0};
            svcm_allocator a = {f_alloc, f_realloc, f_free, &fl};
            run_out o;
            run_out_alloc(&o, N);
            svcm_error err;
            int rc = svcm_segment_run(&c, &p, NULL, &run, &a, o.tiers, o.reasons, o.r, o.f, o.m,
                                      &o.e, &err);
            assert_int_equal(fl.live, 0);
            if (rc == SVCM_OK) {
                assert_edges_equal(&o.e, &ref.e);
                assert_memory_equal(o.tiers, ref.tiers, N);
                assert_memory_equal(o.reasons, ref.reasons, N);
                run_out_free(&o);
                break;
            }
            assert_int_equal(rc, SVCM_ENOMEM);
            assert_int_equal(err.code, SVCM_ENOMEM);
            assert_memory_equal(o.tiers, untouched, N);
            assert_memory_equal(o.m, untouched, N);
            run_out_free(&o);
            failures++;
            assert_true(at < 100);
        }
        assert_true(failures >= 2); /* the histograms and a scratch array */
    }
    free(untouched);
    run_out_free(&ref);
    free(r);
    free(f);
    free(m);
}


static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The edges of one column by sorting (svcm_rfm_sorted_edges): the oracle. */
static void sorted_column_edges(const double *x, size_t n, int bins, double *edges)
{
    double *s = malloc(n * sizeof *s);
    assert_non_null(s);
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_dbl);
    assert_int_equal(svcm_rfm_sorted_edges(s, n, bins, edges, NULL), SVCM_OK);
    free(s);
}

/* Needed histogram buckets of more than 65,536 rows are not copied in the
 * fit's second pass, only compared with a reference key: one value in the
 * bucket (found near the start: the reference; not found: a guess, right
 * or wrong), or several (a dense narrow range), which a third pass copies.
 * Every case gives the edges of sorting, on any number of threads, and
 * every allocation failing in turn is SVCM_ENOMEM without a leak. */
static void test_run_fits_large_buckets_of_one_or_several_values(void **state)
{
    (void)state;
    enum { N = 200003 };
    double *r = malloc(N * sizeof *r), *f = malloc(N * sizeof *f), *m = malloc(N * sizeof *m);
    assert_true(r && f && m);
    for (size_t i = 0; i < N; i++) {
        r[i] = 10.0 + (double)(i * 7919 % 50000) * 1e-9; /* one bucket, 50,000 values */
        f[i] = i < N / 2 ? 5.0 : 7.3; /* 7.3 first seen past row 65,536: a wrong guess */
        m[i] = i < N / 2 ? 3.0 : 7.0;  /* 7.0: the guess (its bucket's lowest key) is right */
    }
    svcm_customers c = {.n = N, .recency = r, .frequency = f, .monetary = m};
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    p.key_min_score = 1.5; /* in [1, bins] for every bins */
    for (int bins = SVCM_RFM_MIN_BINS; bins <= SVCM_RFM_MAX_BINS; bins += 4) {
        p.bins = bins;
        svcm_rfm_edges e, want;
        memset(&want, 0, sizeof want);
        want.bins = bins;
        sorted_column_edges(r, N, bins, want.recency);
        sorted_column_edges(f, N, bins, want.frequency);
        sorted_column_edges(m, N, bins, want.monetary);
        assert_int_equal(svcm_rfm_fit(&c, bins, NULL, &e, NULL), SVCM_OK);
        assert_edges_equal(&e, &want);
        assert_threads_match_reference(&c, &p);
    }
    p.bins = 5;
    run_out ref;
    run_out_alloc(&ref, N);
    assert_int_equal(svcm_segment_run(&c, &p, NULL, NULL, NULL, ref.tiers, ref.reasons, ref.r,
                                      ref.f, ref.m, &ref.e, NULL),
                     SVCM_OK);
    long failures = 0;
    for (long at = 0;; at++) {
        failing fl = {0, at, 0};
        svcm_allocator a = {f_alloc, f_realloc, f_free, &fl};
        svcm_segment_run_options run;
        svcm_segment_run_options_init(&run);
        run.threads = 2;
        run_out o;
        run_out_alloc(&o, N);
        int rc = svcm_segment_run(&c, &p, NULL, &run, &a, o.tiers, o.reasons, o.r, o.f, o.m,
                                  &o.e, NULL);
        assert_int_equal(fl.live, 0);
        if (rc == SVCM_OK) {
            assert_edges_equal(&o.e, &ref.e);
            assert_memory_equal(o.tiers, ref.tiers, N);
            run_out_free(&o);
            break;
        }
        assert_int_equal(rc, SVCM_ENOMEM);
        run_out_free(&o);
        failures++;
        assert_true(at < 100);
    }
    assert_true(failures >= 5); /* down to the third pass's scratch array */
    run_out_free(&ref);
    free(r);
    free(f);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_rule_fires_on_a_hand_worked_population),
        cmocka_unit_test(test_vip_by_monetary_threshold_and_rules_switched_off),
        cmocka_unit_test(test_p_alive_and_tenure_are_optional),
        cmocka_unit_test(test_records_with_per_record_flags_match_arrays),
        cmocka_unit_test(test_packed_flags_mark_missing_values_in_arrays),
        cmocka_unit_test(test_tiers_are_invariant_under_shuffling),
        cmocka_unit_test(test_records_and_packed_flags_match_arrays_on_a_large_population),
        cmocka_unit_test(test_assign_refuses_bad_input_and_writes_nothing),
        cmocka_unit_test(test_summary_of_the_hand_worked_population),
        cmocka_unit_test(test_summary_empty_tiers_missing_scores_and_zero_value),
        cmocka_unit_test(test_days_since_converts_instants_and_refuses_the_future),
        cmocka_unit_test(test_key_weight_near_dbl_max_does_not_overflow_into_key),
        cmocka_unit_test(test_summary_sums_beyond_the_double_range_are_erange),
        cmocka_unit_test(test_run_on_threads_matches_one_thread_on_random_inputs),
        cmocka_unit_test(test_run_on_threads_matches_one_thread_on_records),
        cmocka_unit_test(test_run_on_threads_matches_one_thread_on_cdnow),
        cmocka_unit_test(test_run_refuses_bad_input_and_writes_nothing),
        cmocka_unit_test(test_run_fits_large_buckets_of_one_or_several_values),
        cmocka_unit_test(test_run_out_of_memory_writes_nothing_and_leaks_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
