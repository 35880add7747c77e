/* Tests of the grouped KPI accumulators (src/kpi_groups.c). */
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

#include "svcm/kpi.h"

/* |a - b| <= tol in double precision (cmocka's float compare is too coarse). */
#define assert_near(a, b, tol) assert_near_at((a), (b), (tol), #a, __FILE__, __LINE__)
static void assert_near_at(double a, double b, double tol, const char *what, const char *file,
                           int line)
{
    if (!(fabs(a - b) <= tol)) {
        print_error("%s = %.17g, expected %.17g (tolerance %g)\n", what, a, b, tol);
        _fail(file, line);
    }
}

/* splitmix64 (Steele, Lea & Flood 2014): a small reproducible generator. */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}
static size_t below(uint64_t *s, size_t n) { return (size_t)(next_u64(s) % n); }

/* ------------------------------------------------------------ fixtures */

enum { S_NPS, S_CSAT, S_FCR, S_FIRST, S_SLA, N_SLOTS };

/* NPS, CSAT 1-5, an FCR rate, first-response durations, SLA counts. */
static void five_slots(svcm_kpi_slot s[N_SLOTS], size_t exact_limit)
{
    svcm_kpi_slot_init(&s[S_NPS], SVCM_KPI_SLOT_KIND_FEEDBACK);
    svcm_kpi_slot_init(&s[S_CSAT], SVCM_KPI_SLOT_KIND_FEEDBACK);
    svcm_feedback_options_init(&s[S_CSAT].feedback, SVCM_FEEDBACK_KIND_CSAT);
    svcm_kpi_slot_init(&s[S_FCR], SVCM_KPI_SLOT_KIND_RATE);
    s[S_FCR].rate = SVCM_RATE_KIND_FCR;
    svcm_kpi_slot_init(&s[S_FIRST], SVCM_KPI_SLOT_KIND_DURATIONS);
    s[S_FIRST].sketch.exact_limit = exact_limit;
    svcm_kpi_slot_init(&s[S_SLA], SVCM_KPI_SLOT_KIND_SLA);
}

static svcm_kpi_groups *make(const svcm_allocator *a, size_t exact_limit)
{
    svcm_kpi_slot s[N_SLOTS];
    five_slots(s, exact_limit);
    svcm_kpi_groups_options o;
    svcm_kpi_groups_options_init(&o);
    o.slots = s;
    o.n_slots = N_SLOTS;
    svcm_kpi_groups *g = NULL;
    assert_int_equal(svcm_kpi_groups_new(&o, a, &g, NULL), SVCM_OK);
    return g;
}

static size_t group_of(svcm_kpi_groups *g, const char *key)
{
    size_t k = SIZE_MAX;
    assert_int_equal(svcm_kpi_groups_group(g, key, strlen(key), &k, NULL), SVCM_OK);
    return k;
}

/* One random event for key k: a value for every slot. */
static void feed(svcm_kpi_groups *g, size_t k, uint64_t *rng)
{
    assert_int_equal(svcm_kpi_groups_add_score(g, k, S_NPS, (double)below(rng, 11), NULL), SVCM_OK);
    assert_int_equal(svcm_kpi_groups_add_score(g, k, S_CSAT, (double)(1 + below(rng, 5)), NULL),
                     SVCM_OK);
    assert_int_equal(svcm_kpi_groups_add_outcome(g, k, S_FCR, below(rng, 3) != 0, NULL), SVCM_OK);
    double secs = 30.0 + (double)below(rng, 200000);
    assert_int_equal(svcm_kpi_groups_add_duration(g, k, S_FIRST, secs, NULL), SVCM_OK);
    size_t o = below(rng, 3);
    assert_int_equal(svcm_kpi_groups_add_sla(g, k, S_SLA, o == 0, o == 1, o == 2, NULL), SVCM_OK);
}

/* The saved bytes: a full picture of the state for "unchanged" checks. */
static unsigned char *saved(const svcm_kpi_groups *g, size_t *len)
{
    assert_int_equal(svcm_kpi_groups_save(g, NULL, 0, len), SVCM_ENOSPC);
    unsigned char *b = malloc(*len);
    assert_non_null(b);
    assert_int_equal(svcm_kpi_groups_save(g, b, *len, len), SVCM_OK);
    return b;
}

static void assert_same_bytes(const svcm_kpi_groups *g, const unsigned char *b, size_t n)
{
    size_t m;
    unsigned char *c = saved(g, &m);
    assert_int_equal(m, n);
    assert_memory_equal(c, b, n);
    free(c);
}

/* Group k of a and group j of b hold the same values. */
static void assert_group_equal(const svcm_kpi_groups *a, size_t k, const svcm_kpi_groups *b,
                               size_t j)
{
    for (size_t s = S_NPS; s <= S_CSAT; s++) {
        const svcm_feedback *fa, *fb;
        uint64_t ha[11] = {0}, hb[11] = {0};
        assert_int_equal(svcm_kpi_groups_feedback(a, k, s, &fa), SVCM_OK);
        assert_int_equal(svcm_kpi_groups_feedback(b, j, s, &fb), SVCM_OK);
        assert_int_equal(svcm_feedback_histogram(fa, ha, 11), SVCM_OK);
        assert_int_equal(svcm_feedback_histogram(fb, hb, 11), SVCM_OK);
        assert_memory_equal(ha, hb, sizeof ha);
    }
    svcm_rate ra, rb;
    assert_int_equal(svcm_kpi_groups_rate(a, k, S_FCR, &ra), SVCM_OK);
    assert_int_equal(svcm_kpi_groups_rate(b, j, S_FCR, &rb), SVCM_OK);
    assert_int_equal(ra.successes, rb.successes);
    assert_int_equal(ra.trials, rb.trials);
    struct svcm_kpi_groups_sla_result sa, sb;
    assert_int_equal(svcm_kpi_groups_sla_result(a, k, S_SLA, 0.95, &sa, NULL), SVCM_OK);
    assert_int_equal(svcm_kpi_groups_sla_result(b, j, S_SLA, 0.95, &sb, NULL), SVCM_OK);
    assert_int_equal(sa.met, sb.met);
    assert_int_equal(sa.breached, sb.breached);
    assert_int_equal(sa.pending, sb.pending);
    const svcm_durations *da, *db;
    assert_int_equal(svcm_kpi_groups_durations(a, k, S_FIRST, &da), SVCM_OK);
    assert_int_equal(svcm_kpi_groups_durations(b, j, S_FIRST, &db), SVCM_OK);
    struct svcm_durations_result xa, xb;
    int rc = svcm_durations_result(da, &xa);
    assert_int_equal(svcm_durations_result(db, &xb), rc);
    if (rc != SVCM_OK)
        return;
    assert_int_equal(xa.count, xb.count);
    assert_true(xa.min == xb.min && xa.max == xb.max);
    /* Moments merged pairwise (Chan et al. 1979) against Welford's running
     * update: equal to rounding. Quantiles come from the same bucket counts. */
    assert_near(xa.mean, xb.mean, 1e-12 * xb.mean);
    assert_near(xa.sum, xb.sum, 1e-12 * xb.sum);
    assert_true(xa.p50 == xb.p50 && xa.p90 == xb.p90 && xa.p95 == xb.p95 && xa.p99 == xb.p99);
}

/* a and b have the same keys and the same values under each. */
static void assert_objects_equal(const svcm_kpi_groups *a, const svcm_kpi_groups *b)
{
    assert_int_equal(svcm_kpi_groups_count(a), svcm_kpi_groups_count(b));
    for (size_t k = 0; k < svcm_kpi_groups_count(a); k++) {
        const char *key;
        size_t len, j;
        assert_int_equal(svcm_kpi_groups_key(a, k, &key, &len), SVCM_OK);
        assert_int_equal(svcm_kpi_groups_find(b, key, len, &j), SVCM_OK);
        assert_group_equal(a, k, b, j);
    }
}

/* ------------------------------------------------------------ settings */

static void expect_new_error(const svcm_kpi_slot *s, size_t n, const svcm_allocator *a,
                             const char *field, size_t index)
{
    svcm_kpi_groups_options o;
    svcm_kpi_groups_options_init(&o);
    o.slots = s;
    o.n_slots = n;
    svcm_kpi_groups *g = (svcm_kpi_groups *)&o; /* must stay untouched */
    svcm_error err;
    assert_int_equal(svcm_kpi_groups_new(&o, a, &g, &err), SVCM_EINVAL);
    assert_ptr_equal(g, (svcm_kpi_groups *)&o);
    assert_string_equal(err.field, field);
    assert_int_equal(err.index, index);
}

static void test_new_rejects_bad_slots_naming_the_field(void **state)
{
    (void)state;
    svcm_kpi_slot s[N_SLOTS + 60];
    five_slots(s, 1024);
    for (size_t i = N_SLOTS; i < N_SLOTS + 60; i++)
        svcm_kpi_slot_init(&s[i], SVCM_KPI_SLOT_KIND_SLA);
    expect_new_error(s, 0, NULL, "n_slots", SVCM_NO_INDEX);
    expect_new_error(s, SVCM_KPI_GROUPS_MAX_SLOTS + 1, NULL, "n_slots", SVCM_NO_INDEX);
    expect_new_error(NULL, 1, NULL, "slots", SVCM_NO_INDEX);
    s[2].kind = (svcm_kpi_slot_kind)7;
    expect_new_error(s, N_SLOTS, NULL, "slot.kind", 2);
    five_slots(s, 1024);
    s[S_CSAT].feedback.top_boxes = 5; /* all five levels: nothing left unsatisfied */
    expect_new_error(s, N_SLOTS, NULL, "slot.feedback", S_CSAT);
    five_slots(s, 1024);
    s[S_FCR].rate = (svcm_rate_kind)SVCM_RATE_KIND_COUNT;
    expect_new_error(s, N_SLOTS, NULL, "slot.rate", S_FCR);
    five_slots(s, 1024);
    s[S_FIRST].sketch.rel_err = NAN;
    expect_new_error(s, N_SLOTS, NULL, "slot.sketch", S_FIRST);
    five_slots(s, 1024);
    svcm_allocator half = {NULL, NULL, NULL, NULL};
    expect_new_error(s, N_SLOTS, &half, "alloc", SVCM_NO_INDEX);
    svcm_kpi_groups_options o;
    svcm_kpi_groups_options_init(&o);
    o.slots = s;
    o.n_slots = SVCM_KPI_GROUPS_MAX_SLOTS; /* the cap itself is allowed */
    svcm_kpi_groups *g = NULL;
    assert_int_equal(svcm_kpi_groups_new(&o, NULL, NULL, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_kpi_groups_new(NULL, NULL, &g, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_kpi_groups_new(&o, NULL, &g, NULL), SVCM_OK);
    assert_int_equal(svcm_kpi_groups_slot_count(g), SVCM_KPI_GROUPS_MAX_SLOTS);
    svcm_kpi_slot got;
    assert_int_equal(svcm_kpi_groups_slot(g, S_CSAT, &got), SVCM_OK);
    assert_int_equal(got.kind, SVCM_KPI_SLOT_KIND_FEEDBACK);
    assert_int_equal(got.feedback.kind, SVCM_FEEDBACK_KIND_CSAT);
    assert_int_equal(svcm_kpi_groups_slot(g, SVCM_KPI_GROUPS_MAX_SLOTS, &got), SVCM_EINVAL);
    svcm_kpi_groups_free(g);
    svcm_kpi_groups_free(NULL);
    assert_int_equal(svcm_kpi_groups_count(NULL), 0);
    assert_int_equal(svcm_kpi_groups_slot_count(NULL), 0);
}

/* ------------------------------------------------------------ keys */

static void test_group_finds_or_inserts_in_first_seen_order(void **state)
{
    (void)state;
    svcm_kpi_groups *g = make(NULL, 1024);
    assert_int_equal(group_of(g, "email"), 0);
    assert_int_equal(group_of(g, "chat"), 1);
    assert_int_equal(group_of(g, "email"), 0);
    assert_int_equal(group_of(g, ""), 2);
    size_t k;
    /* A NUL byte is a byte like any other: "a\0" is not "a". */
    assert_int_equal(svcm_kpi_groups_group(g, "a\0", 2, &k, NULL), SVCM_OK);
    assert_int_equal(k, 3);
    assert_int_equal(svcm_kpi_groups_group(g, "a", 1, &k, NULL), SVCM_OK);
    assert_int_equal(k, 4);
    assert_int_equal(svcm_kpi_groups_count(g), 5);
    const char *key;
    size_t len;
    assert_int_equal(svcm_kpi_groups_key(g, 1, &key, &len), SVCM_OK);
    assert_int_equal(len, 4);
    assert_string_equal(key, "chat");
    assert_int_equal(svcm_kpi_groups_key(g, 5, &key, &len), SVCM_EINVAL);
    assert_int_equal(svcm_kpi_groups_find(g, "chat", 4, &k), SVCM_OK);
    assert_int_equal(k, 1);
    assert_int_equal(svcm_kpi_groups_find(g, "phone", 5, &k), SVCM_ENOTFOUND);
    assert_int_equal(svcm_kpi_groups_find(g, NULL, 1, &k), SVCM_EINVAL);
    svcm_kpi_groups_free(g);
}

static void test_group_refuses_keys_that_are_not_utf8(void **state)
{
    (void)state;
    svcm_kpi_groups *g = make(NULL, 1024);
    svcm_error err;
    size_t k = 99;
    /* RFC 3629: C0 80 is an overlong NUL, ED A0 80 a surrogate, F4 90 80 80
     * above U+10FFFF, and E2 82 a sequence cut short. */
    static const char *const bad[] = {"ab\xC0\x80", "ab\xED\xA0\x80", "ab\xF4\x90\x80\x80",
                                      "ab\xE2\x82", "ab\xFF"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(svcm_kpi_groups_group(g, bad[i], strlen(bad[i]), &k, &err), SVCM_EINVAL);
        assert_string_equal(err.field, "key");
        assert_non_null(strstr(err.message, "byte offset 2"));
    }
    assert_int_equal(k, 99);
    assert_int_equal(svcm_kpi_groups_count(g), 0);
    /* Valid multi-byte text is taken: é, 中, 😀. */
    static const char good[] = "caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80";
    assert_int_equal(svcm_kpi_groups_group(g, good, sizeof good - 1, &k, NULL), SVCM_OK);
    char *big = calloc(SVCM_KPI_GROUPS_MAX_KEY + 1, 1);
    assert_non_null(big);
    memset(big, 'x', SVCM_KPI_GROUPS_MAX_KEY + 1);
    assert_int_equal(svcm_kpi_groups_group(g, big, SVCM_KPI_GROUPS_MAX_KEY + 1, &k, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "key_len");
    assert_int_equal(svcm_kpi_groups_group(g, big, SVCM_KPI_GROUPS_MAX_KEY, &k, NULL), SVCM_OK);
    free(big);
    assert_int_equal(svcm_kpi_groups_group(g, NULL, 3, &k, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "key");
    assert_int_equal(svcm_kpi_groups_group(g, "a", 1, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "index");
    assert_int_equal(svcm_kpi_groups_group(NULL, "a", 1, &k, &err), SVCM_EINVAL);
    assert_int_equal(svcm_kpi_groups_count(g), 2);
    svcm_kpi_groups_free(g);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_order_is_strcmp_order_of_the_keys(void **state)
{
    (void)state;
    /* Prefixes, UTF-8 after ASCII, digits before letters. */
    const char *keys[] = {"b", "ab", "abc", "a", "caf\xC3\xA9", "z", "Z", "10", "9", "", "\xE4\xB8\xAD"};
    size_t n = sizeof keys / sizeof keys[0];
    svcm_kpi_groups *g = make(NULL, 1024);
    for (size_t i = 0; i < n; i++)
        group_of(g, keys[i]);
    size_t order[16];
    assert_int_equal(svcm_kpi_groups_order(g, order, n - 1), SVCM_ENOSPC);
    assert_int_equal(svcm_kpi_groups_order(g, order, n), SVCM_OK);
    qsort(keys, n, sizeof keys[0], cmp_str); /* the independent reference */
    for (size_t i = 0; i < n; i++) {
        const char *key;
        size_t len;
        assert_int_equal(svcm_kpi_groups_key(g, order[i], &key, &len), SVCM_OK);
        assert_string_equal(key, keys[i]);
    }
    assert_int_equal(svcm_kpi_groups_order(g, NULL, 0), SVCM_EINVAL);
    svcm_kpi_groups_free(g);
}

/* ------------------------------------------------------------ adding */

/* Wilson (1927) interval computed here from its formula, for comparison. */
static void wilson_ref(double x, double n, double z, double *lo, double *hi)
{
    double p = x / n, z2 = z * z, d = 1 + z2 / n;
    double c = (p + z2 / (2 * n)) / d, h = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / d;
    *lo = c - h;
    *hi = c + h;
}

static void test_sla_result_is_the_wilson_interval_of_met_over_decided(void **state)
{
    (void)state;
    svcm_kpi_groups *g = make(NULL, 1024);
    size_t k = group_of(g, "email");
    struct svcm_kpi_groups_sla_result r;
    assert_int_equal(svcm_kpi_groups_sla_result(g, k, S_SLA, 0.95, &r, NULL), SVCM_OK);
    assert_true(isnan(r.rate) && isnan(r.ci.lo) && isnan(r.ci.hi)); /* nothing decided */
    assert_int_equal(svcm_kpi_groups_add_sla(g, k, S_SLA, 1, 2, 4, NULL), SVCM_OK);
    assert_int_equal(svcm_kpi_groups_sla_result(g, k, S_SLA, 0.95, &r, NULL), SVCM_OK);
    assert_int_equal(r.met, 1);
    assert_int_equal(r.breached, 2);
    assert_int_equal(r.pending, 4);
    assert_near(r.rate, 1.0 / 3.0, 1e-15);
    /* Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3
     * (Wilson score) for 1 of 3 at 95%: 0.0615 to 0.7923. */
    assert_near(r.ci.lo, 0.0615, 5e-5);
    assert_near(r.ci.hi, 0.7923, 5e-5);
    double lo, hi; /* z = Phi^-1(0.975) = 1.959963984540054 */
    wilson_ref(1, 3, 1.959963984540054, &lo, &hi);
    assert_near(r.ci.lo, lo, 1e-12);
    assert_near(r.ci.hi, hi, 1e-12);
    svcm_error err;
    assert_int_equal(svcm_kpi_groups_sla_result(g, k, S_SLA, 1.0, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "confidence");
    assert_int_equal(svcm_kpi_groups_sla_result(g, k, S_SLA, NAN, &r, &err), SVCM_EINVAL);
    assert_int_equal(svcm_kpi_groups_sla_result(g, k, S_NPS, 0.95, &r, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "slot");
    assert_int_equal(svcm_kpi_groups_sla_result(g, k, S_SLA, 0.95, NULL, &err), SVCM_EINVAL);
    svcm_kpi_groups_free(g);
}

static void test_slots_count_what_they_are_given(void **state)
{
    (void)state;
    svcm_kpi_groups *g = make(NULL, 1024);
    size_t e = group_of(g, "email"), c = group_of(g, "chat");
    /* email NPS 10, 9, 0: (2 - 1) / 3 = 33.33 (Reichheld 2003 definition). */
    double nps[3] = {10, 9, 0};
    for (int i = 0; i < 3; i++)
        assert_int_equal(svcm_kpi_groups_add_score(g, e, S_NPS, nps[i], NULL), SVCM_OK);
    assert_int_equal(svcm_kpi_groups_add_score(g, c, S_CSAT, 5, NULL), SVCM_OK);
    assert_int_equal(svcm_kpi_groups_add_score(g, c, S_CSAT, 2, NULL), SVCM_OK);
    const svcm_feedback *f;
    struct svcm_feedback_result s;
    assert_int_equal(svcm_kpi_groups_feedback(g, e, S_NPS, &f), SVCM_OK);
    assert_int_equal(svcm_feedback_result(f, 0.95, &s), SVCM_OK);
    assert_near(s.value, 100.0 / 3.0, 1e-12);
    assert_int_equal(svcm_kpi_groups_feedback(g, c, S_CSAT, &f), SVCM_OK);
    assert_int_equal(svcm_feedback_result(f, 0.95, &s), SVCM_OK);
    assert_near(s.value, 0.5, 1e-15);
    assert_int_equal(svcm_kpi_groups_add_outcome(g, e, S_FCR, true, NULL), SVCM_OK);
    assert_int_equal(svcm_kpi_groups_add_outcome(g, e, S_FCR, false, NULL), SVCM_OK);
    svcm_rate r;
    assert_int_equal(svcm_kpi_groups_rate(g, e, S_FCR, &r), SVCM_OK);
    assert_int_equal(r.kind, SVCM_RATE_KIND_FCR);
    assert_int_equal(r.successes, 1);
    assert_int_equal(r.trials, 2);
    assert_int_equal(svcm_kpi_groups_add_duration(g, e, S_FIRST, 1800, NULL), SVCM_OK);
    assert_int_equal(svcm_kpi_groups_add_duration(g, e, S_FIRST, 7200, NULL), SVCM_OK);
    const svcm_durations *d;
    struct svcm_durations_result dr;
    assert_int_equal(svcm_kpi_groups_durations(g, e, S_FIRST, &d), SVCM_OK);
    assert_int_equal(svcm_durations_result(d, &dr), SVCM_OK);
    assert_int_equal(dr.count, 2);
    assert_near(dr.mean, 4500, 1e-9);
    assert_near(dr.p50, 1800, 0); /* lower nearest rank of two exact values */
    assert_int_equal(svcm_kpi_groups_durations(g, c, S_FIRST, &d), SVCM_OK);
    assert_int_equal(svcm_durations_result(d, &dr), SVCM_EEMPTY);
    svcm_kpi_groups_free(g);
}

static void test_add_refuses_bad_input_and_changes_nothing(void **state)
{
    (void)state;
    svcm_kpi_groups *g = make(NULL, 1024);
    size_t k = group_of(g, "email");
    assert_int_equal(svcm_kpi_groups_add_sla(g, k, S_SLA, UINT64_MAX - 1, 0, 0, NULL), SVCM_OK);
    size_t n0;
    unsigned char *before = saved(g, &n0);
    svcm_error err;
    static const double bad_scores[] = {11, -1, 2.5, NAN, INFINITY};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(svcm_kpi_groups_add_score(g, k, S_NPS, bad_scores[i], &err), SVCM_EINVAL);
        assert_string_equal(err.field, "score");
    }
    assert_int_equal(svcm_kpi_groups_add_score(g, k, S_CSAT, 0, &err), SVCM_EINVAL);
    static const double bad_secs[] = {-1, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(svcm_kpi_groups_add_duration(g, k, S_FIRST, bad_secs[i], &err),
                         SVCM_EINVAL);
        assert_string_equal(err.field, "seconds");
    }
    /* Wrong kind, group or slot out of range, NULL object. */
    assert_int_equal(svcm_kpi_groups_add_score(g, k, S_FCR, 5, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "slot");
    assert_int_equal(svcm_kpi_groups_add_outcome(g, k, S_NPS, true, &err), SVCM_EINVAL);
    assert_int_equal(svcm_kpi_groups_add_duration(g, k, S_SLA, 1, &err), SVCM_EINVAL);
    assert_int_equal(svcm_kpi_groups_add_sla(g, k, S_FIRST, 1, 0, 0, &err), SVCM_EINVAL);
    assert_int_equal(svcm_kpi_groups_add_outcome(g, 1, S_FCR, true, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "group");
    assert_int_equal(svcm_kpi_groups_add_outcome(g, k, N_SLOTS, true, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "slot");
    assert_int_equal(svcm_kpi_groups_add_outcome(NULL, k, S_FCR, true, &err), SVCM_EINVAL);
    /* The SLA total may not pass UINT64_MAX. */
    assert_int_equal(svcm_kpi_groups_add_sla(g, k, S_SLA, 0, 1, 1, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "count");
    assert_int_equal(svcm_kpi_groups_add_sla(g, k, S_SLA, 0, 0, UINT64_MAX, &err), SVCM_ERANGE);
    const svcm_feedback *f;
    assert_int_equal(svcm_kpi_groups_feedback(g, k, S_FCR, &f), SVCM_EINVAL);
    assert_int_equal(svcm_kpi_groups_feedback(g, k, S_NPS, NULL), SVCM_EINVAL);
    svcm_rate r;
    assert_int_equal(svcm_kpi_groups_rate(g, 2, S_FCR, &r), SVCM_EINVAL);
    const svcm_durations *d;
    assert_int_equal(svcm_kpi_groups_durations(g, k, S_NPS, &d), SVCM_EINVAL);
    assert_same_bytes(g, before, n0);
    assert_int_equal(svcm_kpi_groups_add_sla(g, k, S_SLA, 0, 1, 0, &err), SVCM_OK);
    free(before);
    svcm_kpi_groups_free(g);
}

/* ------------------------------------------------------------ merging */

/* Random events over n_keys keys (one key takes a third of them, so that
 * its sketch leaves exact mode), split over parts objects at random; the
 * parts merged equal one object fed everything, and per-key NPS counts kept
 * here by brute force. */
static void merge_round(uint64_t seed, size_t n_events, size_t n_keys, size_t parts)
{
    uint64_t rng = seed;
    svcm_kpi_groups *all = make(NULL, 64), *part[8], *merged = make(NULL, 64);
    for (size_t p = 0; p < parts; p++)
        part[p] = make(NULL, 64);
    uint64_t *hist = calloc(n_keys * 11, sizeof *hist);
    assert_non_null(hist);
    for (size_t i = 0; i < n_events; i++) {
        size_t key = below(&rng, 3) == 0 ? 0 : below(&rng, n_keys);
        svcm_kpi_groups *to = part[below(&rng, parts)];
        uint64_t ev = next_u64(&rng), v = ev;
        char name[32];
        snprintf(name, sizeof name, "k\xC3\xA9-%zu", key);
        feed(all, group_of(all, name), &v);
        v = ev;
        feed(to, group_of(to, name), &v);
        v = ev;
        hist[key * 11 + below(&v, 11)]++; /* feed()'s first draw is the NPS answer */
    }
    for (size_t p = 0; p < parts; p++)
        assert_int_equal(svcm_kpi_groups_merge(merged, part[p], NULL), SVCM_OK);
    assert_objects_equal(merged, all);
    for (size_t key = 0; key < n_keys; key++) {
        char name[32];
        size_t k;
        uint64_t h[11];
        const svcm_feedback *f;
        snprintf(name, sizeof name, "k\xC3\xA9-%zu", key);
        if (svcm_kpi_groups_find(merged, name, strlen(name), &k) != SVCM_OK) {
            for (int j = 0; j < 11; j++)
                assert_int_equal(hist[key * 11 + j], 0);
            continue;
        }
        assert_int_equal(svcm_kpi_groups_feedback(merged, k, S_NPS, &f), SVCM_OK);
        assert_int_equal(svcm_feedback_histogram(f, h, 11), SVCM_OK);
        assert_memory_equal(h, &hist[key * 11], sizeof h);
    }
    for (size_t p = 0; p < parts; p++)
        svcm_kpi_groups_free(part[p]);
    svcm_kpi_groups_free(all);
    svcm_kpi_groups_free(merged);
    free(hist);
}

static void test_merge_of_random_partitions_equals_one_accumulator(void **state)
{
    (void)state;
    uint64_t rng = 20260302;
    for (int round = 0; round < 12; round++) {
        size_t parts = 2 + below(&rng, 6), keys = 1 + below(&rng, 300);
        merge_round(next_u64(&rng), 500 + below(&rng, 3000), keys, parts);
    }
}

static void test_merge_with_itself_doubles_every_count(void **state)
{
    (void)state;
    uint64_t rng = 7;
    svcm_kpi_groups *g = make(NULL, 16), *twice = make(NULL, 16);
    for (int i = 0; i < 400; i++) {
        char name[16];
        snprintf(name, sizeof name, "g%d", (int)below(&rng, 9));
        uint64_t ev = next_u64(&rng), v = ev;
        feed(g, group_of(g, name), &v);
        for (int c = 0; c < 2; c++) {
            v = ev;
            feed(twice, group_of(twice, name), &v);
        }
    }
    assert_int_equal(svcm_kpi_groups_merge(g, g, NULL), SVCM_OK);
    assert_objects_equal(g, twice);
    svcm_kpi_groups_free(g);
    svcm_kpi_groups_free(twice);
}

static void test_merge_refuses_other_slots_and_overflow_changing_nothing(void **state)
{
    (void)state;
    svcm_kpi_groups *dst = make(NULL, 1024), *src = make(NULL, 1024);
    size_t k = group_of(dst, "a");
    assert_int_equal(svcm_kpi_groups_add_sla(dst, k, S_SLA, UINT64_MAX - 3, 0, 0, NULL), SVCM_OK);
    group_of(src, "new"); /* would be added, were it not for "a" below */
    k = group_of(src, "a");
    assert_int_equal(svcm_kpi_groups_add_sla(src, k, S_SLA, 2, 2, 0, NULL), SVCM_OK);
    size_t n0;
    unsigned char *before = saved(dst, &n0);
    svcm_error err;
    assert_int_equal(svcm_kpi_groups_merge(dst, src, &err), SVCM_ERANGE);
    assert_string_equal(err.field, "count");
    assert_int_equal(err.index, 1);
    assert_same_bytes(dst, before, n0);
    free(before);
    /* Slot lists that differ in number, kind or settings. */
    svcm_kpi_slot s[N_SLOTS];
    svcm_kpi_groups_options o;
    svcm_kpi_groups_options_init(&o);
    o.slots = s;
    for (int variant = 0; variant < 4; variant++) {
        five_slots(s, 1024);
        o.n_slots = variant == 0 ? N_SLOTS - 1 : N_SLOTS;
        if (variant == 1)
            s[S_SLA].kind = SVCM_KPI_SLOT_KIND_RATE;
        if (variant == 2)
            s[S_CSAT].feedback.top_boxes = 3;
        if (variant == 3)
            s[S_FIRST].sketch.rel_err = 0.02;
        svcm_kpi_groups *other;
        assert_int_equal(svcm_kpi_groups_new(&o, NULL, &other, NULL), SVCM_OK);
        assert_int_equal(svcm_kpi_groups_merge(dst, other, &err), SVCM_EMISMATCH);
        assert_string_equal(err.field, "slots");
        svcm_kpi_groups_free(other);
    }
    assert_int_equal(svcm_kpi_groups_merge(dst, NULL, &err), SVCM_EINVAL);
    assert_int_equal(svcm_kpi_groups_merge(NULL, src, &err), SVCM_EINVAL);
    svcm_kpi_groups_free(dst);
    svcm_kpi_groups_free(src);
}

/* ------------------------------------------------------------ save, load */

static svcm_kpi_groups *sample(size_t n_keys, size_t n_events, uint64_t seed, size_t exact)
{
    svcm_kpi_groups *g = make(NULL, exact);
    uint64_t rng = seed;
    for (size_t i = 0; i < n_events; i++) {
        char name[32];
        snprintf(name, sizeof name, "agent \xE2\x84\x96%zu", below(&rng, n_keys));
        feed(g, group_of(g, name), &rng);
    }
    return g;
}

static svcm_kpi_groups *load_ok(const unsigned char *b, size_t n)
{
    svcm_kpi_groups *g = NULL;
    svcm_error err;
    int rc = svcm_kpi_groups_load(b, n, NULL, &g, &err);
    if (rc != SVCM_OK)
        fail_msg("load: %s (%s)", err.message, svcm_status_name(rc));
    return g;
}

static void test_save_load_round_trip_keeps_groups_order_and_values(void **state)
{
    (void)state;
    svcm_kpi_groups *g = sample(40, 3000, 11, 32);
    size_t n;
    unsigned char *b = saved(g, &n);
    unsigned char *small = malloc(n);
    assert_non_null(small);
    memset(small, 0xAB, n);
    size_t len = 0;
    assert_int_equal(svcm_kpi_groups_save(g, small, n - 1, &len), SVCM_ENOSPC);
    assert_int_equal(len, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(small[i], 0xAB); /* nothing written */
    assert_int_equal(svcm_kpi_groups_save(g, NULL, 0, NULL), SVCM_ENOSPC);
    assert_int_equal(svcm_kpi_groups_save(NULL, small, n, &len), SVCM_EINVAL);
    free(small);
    svcm_kpi_groups *h = load_ok(b, n);
    assert_objects_equal(h, g);
    for (size_t k = 0; k < svcm_kpi_groups_count(g); k++) { /* same numbering */
        const char *ka, *kb;
        size_t la, lb;
        assert_int_equal(svcm_kpi_groups_key(g, k, &ka, &la), SVCM_OK);
        assert_int_equal(svcm_kpi_groups_key(h, k, &kb, &lb), SVCM_OK);
        assert_int_equal(la, lb);
        assert_memory_equal(ka, kb, la);
    }
    assert_same_bytes(h, b, n); /* saving the loaded object gives the same bytes */
    svcm_kpi_slot sl;
    assert_int_equal(svcm_kpi_groups_slot(h, S_FIRST, &sl), SVCM_OK);
    assert_int_equal(sl.sketch.exact_limit, 32);
    free(b);
    svcm_kpi_groups_free(h);
    svcm_kpi_groups_free(g);
    /* No groups at all. */
    g = make(NULL, 1024);
    b = saved(g, &n);
    h = load_ok(b, n);
    assert_int_equal(svcm_kpi_groups_count(h), 0);
    free(b);
    svcm_kpi_groups_free(h);
    svcm_kpi_groups_free(g);
}

static void test_six_thousand_groups(void **state)
{
    (void)state;
    enum { N = 6000 };
    svcm_kpi_groups *g = make(NULL, 1024), *half[2] = {make(NULL, 1024), make(NULL, 1024)};
    uint64_t rng = 99;
    for (size_t i = 0; i < 2 * N; i++) {
        char name[32];
        size_t key = i < N ? N - 1 - i : below(&rng, N); /* every key, then at random */
        snprintf(name, sizeof name, "queue-%05zu-\xC3\xB8", key);
        uint64_t ev = next_u64(&rng), v = ev;
        feed(g, group_of(g, name), &v);
        v = ev;
        feed(half[i % 2], group_of(half[i % 2], name), &v);
    }
    assert_int_equal(svcm_kpi_groups_count(g), N);
    size_t *order = malloc(N * sizeof *order);
    assert_non_null(order);
    assert_int_equal(svcm_kpi_groups_order(g, order, N), SVCM_OK);
    for (size_t i = 0; i < N; i++) { /* zero-padded numbers sort as numbers */
        const char *key;
        size_t len;
        char want[32];
        assert_int_equal(svcm_kpi_groups_key(g, order[i], &key, &len), SVCM_OK);
        snprintf(want, sizeof want, "queue-%05zu-\xC3\xB8", i);
        assert_string_equal(key, want);
        assert_int_equal(order[i], N - 1 - i); /* first seen in reverse */
    }
    free(order);
    assert_int_equal(svcm_kpi_groups_merge(half[0], half[1], NULL), SVCM_OK);
    assert_objects_equal(half[0], g);
    size_t n;
    unsigned char *b = saved(g, &n);
    svcm_kpi_groups *h = load_ok(b, n);
    assert_objects_equal(h, g);
    free(b);
    svcm_kpi_groups_free(h);
    svcm_kpi_groups_free(g);
    svcm_kpi_groups_free(half[0]);
    svcm_kpi_groups_free(half[1]);
}

static void expect_format_error(const unsigned char *b, size_t n, const char *field)
{
    svcm_kpi_groups *g = (svcm_kpi_groups *)&n; /* must stay untouched */
    svcm_error err;
    assert_int_equal(svcm_kpi_groups_load(b, n, NULL, &g, &err), SVCM_EFORMAT);
    assert_ptr_equal(g, (svcm_kpi_groups *)&n);
    if (field != NULL)
        assert_string_equal(err.field, field);
}

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void test_load_refuses_every_truncation_and_corrupted_header(void **state)
{
    (void)state;
    svcm_kpi_groups *g = sample(3, 40, 5, 32);
    size_t n;
    unsigned char *b = saved(g, &n);
    for (size_t cut = 0; cut < n; cut++)
        expect_format_error(b, cut, NULL);
    unsigned char *c = malloc(n + 1);
    assert_non_null(c);
    static const size_t header_bytes[] = {0, 3, 4, 5, 6, 7, 8, 11};
    for (size_t i = 0; i < sizeof header_bytes / sizeof header_bytes[0]; i++) {
        memcpy(c, b, n);
        c[header_bytes[i]] ^= 0x01; /* magic, kind tag, version, payload length */
        expect_format_error(c, n, "header");
    }
    memcpy(c, b, n);
    c[n] = 0; /* a trailing byte, with the payload length saying so */
    put_u32(c + 8, (uint32_t)(n + 1 - 12));
    expect_format_error(c, n + 1, "groups");
    uint32_t bad_slots[] = {0, SVCM_KPI_GROUPS_MAX_SLOTS + 1};
    for (int i = 0; i < 2; i++) {
        memcpy(c, b, n);
        put_u32(c + 12, bad_slots[i]);
        expect_format_error(c, n, "slots");
    }
    memcpy(c, b, n);
    c[16] = 9; /* the first slot's kind */
    expect_format_error(c, n, "slots");
    /* Every single-byte change either loads (a valid object) or fails with
     * SVCM_EFORMAT: never anything else. */
    for (size_t i = 0; i < n; i++) {
        memcpy(c, b, n);
        c[i] ^= 0x80;
        svcm_kpi_groups *h = NULL;
        int rc = svcm_kpi_groups_load(c, n, NULL, &h, NULL);
        assert_true(rc == SVCM_OK || rc == SVCM_EFORMAT);
        svcm_kpi_groups_free(h);
    }
    assert_int_equal(svcm_kpi_groups_load(NULL, n, NULL, &g, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_kpi_groups_load(b, n, NULL, NULL, NULL), SVCM_EINVAL);
    free(c);
    free(b);
    svcm_kpi_groups_free(g);
}

/* Offset of the first group's key in the saved bytes of make()'s slots. */
static size_t first_key_offset(void)
{
    /* header 12, n_slots 4, NPS and CSAT 1 + 16 each, rate 2, durations
     * 1 + 24, SLA 1, group count 8, key length 4 */
    return 12 + 4 + 17 + 17 + 2 + 25 + 1 + 8 + 4;
}

static void test_load_refuses_bad_keys_and_counts(void **state)
{
    (void)state;
    svcm_kpi_groups *g = make(NULL, 1024);
    size_t a = group_of(g, "aa"), bb = group_of(g, "ab");
    assert_int_equal(svcm_kpi_groups_add_outcome(g, a, S_FCR, true, NULL), SVCM_OK);
    (void)bb;
    size_t n;
    unsigned char *b = saved(g, &n), *c = malloc(n);
    assert_non_null(c);
    size_t key0 = first_key_offset();
    assert_memory_equal(b + key0, "aa", 2);
    /* Duplicate key: the second group spelled like the first. */
    size_t second = key0 + 2;
    while (second + 1 < n && !(b[second] == 'a' && b[second + 1] == 'b'))
        second++;
    assert_true(second + 1 < n);
    memcpy(c, b, n);
    c[second + 1] = 'a';
    expect_format_error(c, n, "key");
    memcpy(c, b, n);
    c[key0 + 1] = 0xC0; /* not UTF-8 */
    expect_format_error(c, n, "key");
    /* Group count beyond what the bytes can hold. */
    memcpy(c, b, n);
    memset(c + key0 - 12, 0xFF, 8);
    expect_format_error(c, n, "groups");
    /* Rate with more successes than trials: the FCR counts follow the two
     * nested feedback objects of the first group. */
    size_t fb0 = key0 + 2, len0 = (size_t)b[fb0] | (size_t)b[fb0 + 1] << 8;
    size_t fb1 = fb0 + 4 + len0, len1 = (size_t)b[fb1] | (size_t)b[fb1 + 1] << 8;
    size_t rate = fb1 + 4 + len1;
    assert_int_equal(b[rate], 1);     /* successes */
    assert_int_equal(b[rate + 8], 1); /* trials */
    memcpy(c, b, n);
    c[rate] = 2;
    expect_format_error(c, n, "rate");
    /* A nested feedback object of another scale than its slot (CSAT's
     * bytes where NPS's belong) is refused. */
    memcpy(c, b, n);
    c[fb0 + 4 + 12] = SVCM_FEEDBACK_KIND_CES; /* the nested kind byte */
    expect_format_error(c, n, "feedback");
    free(c);
    free(b);
    svcm_kpi_groups_free(g);
}

/* ------------------------------------------------------------ allocation */

/* A counting allocator that fails the k-th allocation (tests/test_alloc.c
 * uses the same technique across the library). */
typedef struct counting {
    long fail_at; /* allocation to fail, or -1 */
    long calls;   /* alloc and realloc calls so far */
    long failed;  /* failures injected */
    long live;    /* blocks not yet freed */
} counting;

static bool fail_now(counting *c)
{
    bool f = c->calls++ == c->fail_at;
    c->failed += f;
    return f;
}
static void *c_alloc(void *ctx, size_t n)
{
    counting *c = ctx;
    if (fail_now(c))
        return NULL;
    void *p = malloc(n);
    c->live += p != NULL;
    return p;
}
static void *c_realloc(void *ctx, void *p, size_t n)
{
    counting *c = ctx;
    if (p == NULL)
        return c_alloc(ctx, n);
    return fail_now(c) ? NULL : realloc(p, n);
}
static void c_free(void *ctx, void *p)
{
    counting *c = ctx;
    c->live -= p != NULL;
    free(p);
}

static counting ct;
static const svcm_allocator CA = {c_alloc, c_realloc, c_free, &ct};

/* An operation on an object made with CA (NULL for new and load). */
typedef int (*op_fn)(svcm_kpi_groups **g, void *arg);

/* Fail allocation k = 0, 1, ... until op succeeds: each failure returns
 * SVCM_ENOMEM, leaves the saved bytes of *g as they were and leaks
 * nothing. */
static void every_k(svcm_kpi_groups *(*setup)(void), op_fn op, void *arg)
{
    for (long k = 0;; k++) {
        svcm_kpi_groups *g = setup ? setup() : NULL;
        size_t n0 = 0;
        unsigned char *before = g ? saved(g, &n0) : NULL;
        long live0 = ct.live;
        ct = (counting){k, 0, 0, ct.live};
        int rc = op(&g, arg);
        bool injected = ct.failed > 0;
        ct.fail_at = -1;
        if (!injected) {
            assert_int_equal(rc, SVCM_OK);
            svcm_kpi_groups_free(g);
            free(before);
            assert_int_equal(ct.live, 0);
            return;
        }
        assert_int_equal(rc, SVCM_ENOMEM);
        if (g != NULL)
            assert_same_bytes(g, before, n0);
        else
            assert_int_equal(ct.live, live0);
        svcm_kpi_groups_free(g);
        free(before);
        assert_int_equal(ct.live, 0);
    }
}

static svcm_kpi_groups *setup_small(void)
{
    ct.fail_at = -1;
    svcm_kpi_groups *g = make(&CA, 4);
    uint64_t rng = 3;
    for (int i = 0; i < 30; i++) {
        char name[16];
        snprintf(name, sizeof name, "g%d", (int)below(&rng, 5));
        feed(g, group_of(g, name), &rng);
    }
    return g;
}

static int op_new(svcm_kpi_groups **g, void *arg)
{
    (void)arg;
    svcm_kpi_slot s[N_SLOTS];
    five_slots(s, 1024);
    svcm_kpi_groups_options o = {s, N_SLOTS};
    return svcm_kpi_groups_new(&o, &CA, g, NULL);
}

/* Groups before op_group inserts one more: every count from 0 to 40
 * crosses each growth of the arrays and of the hash table. */
static int setup_n;

static svcm_kpi_groups *setup_groups(void)
{
    ct.fail_at = -1;
    svcm_kpi_groups *g = make(&CA, 4);
    uint64_t rng = 5;
    for (int i = 0; i < setup_n; i++) {
        char name[16];
        snprintf(name, sizeof name, "g%d", i);
        feed(g, group_of(g, name), &rng);
    }
    return g;
}

static int op_group(svcm_kpi_groups **g, void *arg)
{
    (void)arg;
    size_t k;
    return svcm_kpi_groups_group(*g, "new", 3, &k, NULL);
}

/* Durations past the exact limit grow the sketch's buckets. */
static int op_durations(svcm_kpi_groups **g, void *arg)
{
    (void)arg;
    return svcm_kpi_groups_add_duration(*g, 0, S_FIRST, 12345.0, NULL);
}

static int op_merge(svcm_kpi_groups **g, void *arg)
{
    return svcm_kpi_groups_merge(*g, arg, NULL);
}

static int op_self_merge(svcm_kpi_groups **g, void *arg)
{
    (void)arg;
    return svcm_kpi_groups_merge(*g, *g, NULL);
}

static int op_load(svcm_kpi_groups **g, void *arg)
{
    const unsigned char **b = arg;
    return svcm_kpi_groups_load(b[0], (size_t)(b[1] - b[0]), &CA, g, NULL);
}

static void test_every_allocation_failure_is_enomem_and_changes_nothing(void **state)
{
    (void)state;
    ct = (counting){-1, 0, 0, 0};
    every_k(NULL, op_new, NULL);
    every_k(setup_small, op_durations, NULL);
    every_k(setup_small, op_self_merge, NULL);
    svcm_kpi_groups *src = sample(12, 200, 8, 4); /* libc: not counted */
    every_k(setup_small, op_merge, src);
    size_t n;
    unsigned char *b = saved(src, &n);
    const unsigned char *range[2] = {b, b + n};
    every_k(NULL, op_load, range);
    free(b);
    svcm_kpi_groups_free(src);
    for (setup_n = 0; setup_n <= 40; setup_n++)
        every_k(setup_groups, op_group, NULL);
}


/* Feedback conventions travel with the slot: a grouped CSAT RATED and NPS
 * ADJUSTED give the results of stand-alone accumulators with the same
 * settings, survive save and load, and slots that differ only in a
 * convention do not merge. */
static svcm_kpi_groups *make_conventions(svcm_nps_interval iv)
{
    svcm_kpi_slot s[2];
    svcm_kpi_slot_init(&s[0], SVCM_KPI_SLOT_KIND_FEEDBACK);
    s[0].feedback.nps_interval = iv;
    svcm_kpi_slot_init(&s[1], SVCM_KPI_SLOT_KIND_FEEDBACK);
    svcm_feedback_options_init(&s[1].feedback, SVCM_FEEDBACK_KIND_CSAT);
    s[1].feedback.csat_method = SVCM_CSAT_METHOD_RATED;
    svcm_kpi_groups_options o;
    svcm_kpi_groups_options_init(&o);
    o.slots = s;
    o.n_slots = 2;
    svcm_kpi_groups *g = NULL;
    assert_int_equal(svcm_kpi_groups_new(&o, NULL, &g, NULL), SVCM_OK);
    return g;
}

static void test_feedback_conventions_travel_with_the_slot(void **state)
{
    (void)state;
    svcm_kpi_groups *g = make_conventions(SVCM_NPS_INTERVAL_ADJUSTED);
    size_t k = group_of(g, "web");
    static const double nps[] = {10, 10, 9, 8, 3, 0, 10};
    static const double csat[] = {5, 4, 3, 3, 1, 2, 5};
    for (int i = 0; i < 7; i++) {
        assert_int_equal(svcm_kpi_groups_add_score(g, k, 0, nps[i], NULL), SVCM_OK);
        assert_int_equal(svcm_kpi_groups_add_score(g, k, 1, csat[i], NULL), SVCM_OK);
    }
    /* Stand-alone: NPS 4 - 2 of 7, adjusted interval; CSAT 3 / (3 + 2). */
    svcm_feedback_options on, oc;
    svcm_feedback_options_init(&on, SVCM_FEEDBACK_KIND_NPS);
    on.nps_interval = SVCM_NPS_INTERVAL_ADJUSTED;
    svcm_feedback_options_init(&oc, SVCM_FEEDBACK_KIND_CSAT);
    oc.csat_method = SVCM_CSAT_METHOD_RATED;
    svcm_feedback *fn = NULL, *fc = NULL;
    assert_int_equal(svcm_feedback_new(&on, NULL, &fn, NULL), SVCM_OK);
    assert_int_equal(svcm_feedback_new(&oc, NULL, &fc, NULL), SVCM_OK);
    assert_int_equal(svcm_feedback_add_batch(fn, nps, 7, NULL), SVCM_OK);
    assert_int_equal(svcm_feedback_add_batch(fc, csat, 7, NULL), SVCM_OK);
    size_t n;
    unsigned char *b = saved(g, &n);
    assert_int_equal(b[6], 2); /* format version 2 */
    svcm_kpi_groups *h = NULL;
    assert_int_equal(svcm_kpi_groups_load(b, n, NULL, &h, NULL), SVCM_OK);
    const svcm_kpi_groups *both[2] = {g, h};
    for (int j = 0; j < 2; j++) {
        const svcm_feedback *f;
        struct svcm_feedback_result got, want;
        assert_int_equal(svcm_kpi_groups_feedback(both[j], 0, 0, &f), SVCM_OK);
        assert_int_equal(svcm_feedback_result(f, 0.95, &got), SVCM_OK);
        assert_int_equal(svcm_feedback_result(fn, 0.95, &want), SVCM_OK);
        assert_int_equal(got.nps_interval, SVCM_NPS_INTERVAL_ADJUSTED);
        assert_near(got.ci.lo, want.ci.lo, 0.0);
        assert_near(got.ci.hi, want.ci.hi, 0.0);
        assert_int_equal(svcm_kpi_groups_feedback(both[j], 0, 1, &f), SVCM_OK);
        assert_int_equal(svcm_feedback_result(f, 0.95, &got), SVCM_OK);
        assert_int_equal(svcm_feedback_result(fc, 0.95, &want), SVCM_OK);
        assert_near(got.value, 0.6, 1e-15);
        assert_near(got.value, want.value, 0.0);
        assert_near(got.ci.lo, want.ci.lo, 0.0);
    }
    /* Same slots but the Wald interval: no merge, nothing changed. */
    svcm_kpi_groups *w = make_conventions(SVCM_NPS_INTERVAL_WALD);
    assert_int_equal(svcm_kpi_groups_merge(w, g, NULL), SVCM_EMISMATCH);
    assert_int_equal(svcm_kpi_groups_merge(h, g, NULL), SVCM_OK);
    svcm_kpi_groups_free(w);
    svcm_kpi_groups_free(h);
    svcm_kpi_groups_free(g);
    svcm_feedback_free(fn);
    svcm_feedback_free(fc);
    free(b);
}


/* Grouped KPIs saved by 0.1 (format version 1: no convention bytes in the
 * slot, version-1 feedback bytes nested) still load, with the default
 * conventions. The version-1 bytes are made here from version 2 by taking
 * the three convention bytes out of the slot and of the nested feedback
 * object and patching versions and lengths. */
static void test_version_1_bytes_load_with_default_conventions(void **state)
{
    (void)state;
    svcm_kpi_slot s;
    svcm_kpi_slot_init(&s, SVCM_KPI_SLOT_KIND_FEEDBACK); /* NPS 0-10 */
    svcm_kpi_groups_options o;
    svcm_kpi_groups_options_init(&o);
    o.slots = &s;
    o.n_slots = 1;
    svcm_kpi_groups *g = NULL;
    assert_int_equal(svcm_kpi_groups_new(&o, NULL, &g, NULL), SVCM_OK);
    size_t k = group_of(g, "ab");
    static const double nps[] = {10, 10, 9, 3};
    for (int i = 0; i < 4; i++)
        assert_int_equal(svcm_kpi_groups_add_score(g, k, 0, nps[i], NULL), SVCM_OK);
    size_t n;
    unsigned char *b = saved(g, &n);
    /* v2: header 12, n_slots 4, slot 1 + 1 + 12 + 3 (convention bytes at
     * 30..32), group count 8, key length 4, key "ab", nested length 4, the
     * feedback bytes (their convention bytes at 25..27 of them). */
    const size_t nested_len_at = 33 + 8 + 4 + 2, nested = nested_len_at + 4;
    assert_int_equal(b[6], 2);
    assert_int_equal(b[nested + 6], 2);
    unsigned char *v1 = malloc(n);
    assert_non_null(v1);
    size_t m = 0;
    memcpy(v1, b, 30);
    m = 30;
    memcpy(v1 + m, b + 33, nested + 25 - 33);
    m += nested + 25 - 33;
    memcpy(v1 + m, b + nested + 28, n - (nested + 28));
    m += n - (nested + 28);
    assert_int_equal(m, n - 6);
    v1[6] = 1;
    put_u32(v1 + 8, (uint32_t)(m - 12));
    size_t nv1 = nested - 3; /* where the nested object starts in v1 */
    v1[nv1 + 6] = 1;
    uint32_t inner = (uint32_t)v1[nested_len_at - 3] | (uint32_t)v1[nested_len_at - 2] << 8;
    put_u32(v1 + nested_len_at - 3, inner - 3);
    put_u32(v1 + nv1 + 8, inner - 3 - 12);
    svcm_kpi_groups *h = NULL;
    svcm_error err;
    assert_int_equal(svcm_kpi_groups_load(v1, m, NULL, &h, &err), SVCM_OK);
    const svcm_feedback *f;
    struct svcm_feedback_result r;
    assert_int_equal(svcm_kpi_groups_feedback(h, 0, 0, &f), SVCM_OK);
    assert_int_equal(svcm_feedback_result(f, 0.95, &r), SVCM_OK);
    assert_near(r.value, 50.0, 1e-12);
    assert_int_equal(r.nps_interval, SVCM_NPS_INTERVAL_WALD);
    /* Saved again, it is the version-2 form of the same object. */
    assert_same_bytes(h, b, n);
    /* Version 3 is unknown. */
    b[6] = 3;
    svcm_kpi_groups *x = NULL;
    assert_int_equal(svcm_kpi_groups_load(b, n, NULL, &x, NULL), SVCM_EFORMAT);
    assert_null(x);
    svcm_kpi_groups_free(h);
    svcm_kpi_groups_free(g);
    free(v1);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_rejects_bad_slots_naming_the_field),
        cmocka_unit_test(test_group_finds_or_inserts_in_first_seen_order),
        cmocka_unit_test(test_group_refuses_keys_that_are_not_utf8),
        cmocka_unit_test(test_order_is_strcmp_order_of_the_keys),
        cmocka_unit_test(test_sla_result_is_the_wilson_interval_of_met_over_decided),
        cmocka_unit_test(test_slots_count_what_they_are_given),
        cmocka_unit_test(test_add_refuses_bad_input_and_changes_nothing),
        cmocka_unit_test(test_merge_of_random_partitions_equals_one_accumulator),
        cmocka_unit_test(test_merge_with_itself_doubles_every_count),
        cmocka_unit_test(test_merge_refuses_other_slots_and_overflow_changing_nothing),
        cmocka_unit_test(test_save_load_round_trip_keeps_groups_order_and_values),
        cmocka_unit_test(test_six_thousand_groups),
        cmocka_unit_test(test_load_refuses_every_truncation_and_corrupted_header),
        cmocka_unit_test(test_load_refuses_bad_keys_and_counts),
        cmocka_unit_test(test_feedback_conventions_travel_with_the_slot),
        cmocka_unit_test(test_version_1_bytes_load_with_default_conventions),
        cmocka_unit_test(test_every_allocation_failure_is_enomem_and_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
