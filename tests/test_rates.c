/* Tests of the success-rate counters (src/rates.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

/* Field by field: the struct has padding after kind. */
static void assert_rate_equal(const svcm_rate *a, const svcm_rate *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->successes, b->successes);
    assert_int_equal(a->trials, b->trials);
}

static void test_kind_names_round_trip(void **state)
{
    (void)state;
    for (int k = 0; k < SVCM_RATE_KIND_COUNT; k++) {
        svcm_rate_kind parsed;
        assert_non_null(svcm_rate_kind_name(k));
        assert_int_equal(svcm_rate_kind_parse(svcm_rate_kind_name(k), &parsed), SVCM_OK);
        assert_int_equal(parsed, k);
    }
    svcm_rate_kind k;
    assert_int_equal(svcm_rate_kind_parse("SLA_Compliance", &k), SVCM_OK);
    assert_int_equal(k, SVCM_RATE_KIND_SLA_COMPLIANCE);
    assert_string_equal(svcm_rate_kind_name(SVCM_RATE_KIND_FCR), "fcr");
    assert_string_equal(svcm_rate_kind_name(SVCM_RATE_KIND_CHURN), "churn");
    assert_null(svcm_rate_kind_name(SVCM_RATE_KIND_COUNT));
    assert_null(svcm_rate_kind_name(-1));
    assert_int_equal(svcm_rate_kind_parse("fcrx", &k), SVCM_EINVAL);
    assert_int_equal(svcm_rate_kind_parse("fc", &k), SVCM_EINVAL);
    assert_int_equal(svcm_rate_kind_parse(NULL, &k), SVCM_EINVAL);
    assert_int_equal(svcm_rate_kind_parse("fcr", NULL), SVCM_EINVAL);
}

static void test_init_rejects_unknown_kind(void **state)
{
    (void)state;
    svcm_rate r = {SVCM_RATE_KIND_FCR, 3, 4};
    assert_int_equal(svcm_rate_init(&r, 99), SVCM_EINVAL);
    assert_int_equal(r.trials, 4); /* unchanged */
    assert_int_equal(svcm_rate_init(NULL, 0), SVCM_EINVAL);
    assert_int_equal(svcm_rate_init(&r, SVCM_RATE_KIND_CHURN), SVCM_OK);
    assert_int_equal(r.kind, SVCM_RATE_KIND_CHURN);
    assert_int_equal(r.successes, 0);
    assert_int_equal(r.trials, 0);
}

static void test_add_outcomes_counts_and_batches_agree(void **state)
{
    (void)state;
    svcm_rate a, b;
    svcm_rate_init(&a, SVCM_RATE_KIND_FCR);
    svcm_rate_init(&b, SVCM_RATE_KIND_FCR);
    double xs[] = {1, 0, 1, 1, 0, 1, -0.0};
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(svcm_rate_add(&a, xs[i] == 1.0), SVCM_OK);
    assert_int_equal(svcm_rate_add_batch(&b, xs, 7, NULL), SVCM_OK);
    assert_int_equal(a.successes, 4);
    assert_int_equal(a.trials, 7);
    assert_rate_equal(&a, &b);
    assert_int_equal(svcm_rate_add_counts(&a, 10, 20), SVCM_OK);
    assert_int_equal(a.successes, 14);
    assert_int_equal(a.trials, 27);
    assert_int_equal(svcm_rate_add_batch(&a, NULL, 0, NULL), SVCM_OK);
}

static void test_batch_rejects_non_binary_outcome_naming_index(void **state)
{
    (void)state;
    svcm_rate r;
    svcm_rate_init(&r, SVCM_RATE_KIND_REOPEN);
    const double bad[] = {NAN, 2, 0.5, -1, INFINITY};
    for (size_t b = 0; b < 5; b++) {
        double xs[] = {1, 0, 0, 1};
        xs[2] = bad[b];
        svcm_error err;
        assert_int_equal(svcm_rate_add_batch(&r, xs, 4, &err), SVCM_EINVAL);
        assert_int_equal(err.index, 2);
        assert_string_equal(err.field, "outcome");
    }
    assert_int_equal(r.trials, 0);
    svcm_error err;
    double one = 1;
    assert_int_equal(svcm_rate_add_batch(NULL, &one, 1, &err), SVCM_EINVAL);
    assert_int_equal(svcm_rate_add_batch(&r, NULL, 1, &err), SVCM_EINVAL);
    assert_int_equal(err.index, SVCM_NO_INDEX);
}

static void test_add_counts_rejects_bad_counts_and_overflow(void **state)
{
    (void)state;
    svcm_rate r;
    svcm_rate_init(&r, SVCM_RATE_KIND_COMPLAINT);
    assert_int_equal(svcm_rate_add_counts(&r, 5, 4), SVCM_EINVAL);
    assert_int_equal(svcm_rate_add_counts(NULL, 1, 4), SVCM_EINVAL);
    assert_int_equal(svcm_rate_add_counts(&r, 1, UINT64_MAX), SVCM_OK);
    assert_int_equal(svcm_rate_add(&r, true), SVCM_ERANGE);
    double one = 1;
    svcm_error err;
    assert_int_equal(svcm_rate_add_batch(&r, &one, 1, &err), SVCM_ERANGE);
    assert_int_equal(r.successes, 1);
    assert_int_equal(r.trials, UINT64_MAX);
    /* A hand-edited counter with successes > trials is refused. */
    svcm_rate broken = {SVCM_RATE_KIND_FCR, 5, 3};
    assert_int_equal(svcm_rate_add(&broken, true), SVCM_EINVAL);
    svcm_rate unknown = {(svcm_rate_kind)99, 0, 0}; /* documented: unknown kind */
    assert_int_equal(svcm_rate_add(&unknown, true), SVCM_EINVAL);
    assert_int_equal(unknown.trials, 0);
    struct svcm_rate_result s;
    assert_int_equal(svcm_rate_result(&broken, 0.95, &s), SVCM_EINVAL);
}

/* Newcombe (1998), Stat. Med. 17:857-872, Table I, Wilson score method:
 * 15/148 -> 0.0624, 0.1605 and 81/263 -> 0.2553, 0.3662. */
static void test_rate_wilson_interval_matches_newcombe_1998(void **state)
{
    (void)state;
    svcm_rate r;
    svcm_rate_init(&r, SVCM_RATE_KIND_RESOLUTION);
    svcm_rate_add_counts(&r, 15, 148);
    struct svcm_rate_result s;
    assert_int_equal(svcm_rate_result(&r, 0.95, &s), SVCM_OK);
    assert_int_equal(s.kind, SVCM_RATE_KIND_RESOLUTION);
    assert_near(s.rate, 15.0 / 148.0, 1e-15);
    assert_near(s.ci.lo, 0.0624, 5e-5);
    assert_near(s.ci.hi, 0.1605, 5e-5);
    svcm_rate_init(&r, SVCM_RATE_KIND_RESOLUTION);
    svcm_rate_add_counts(&r, 81, 263);
    assert_int_equal(svcm_rate_result(&r, 0.95, &s), SVCM_OK);
    assert_near(s.ci.lo, 0.2553, 5e-5);
    assert_near(s.ci.hi, 0.3662, 5e-5);
}

/* Hand computation, Wilson at 90%: 7/10, z = 1.6448536, z^2 = 2.7055434;
 * centre = (0.7 + z^2/20) / (1 + z^2/10) = 0.6574116;
 * half = z sqrt(0.021 + z^2/400) / (1 + z^2/10) = 0.2157118;
 * -> [0.4416998, 0.8731234]. */
static void test_rate_wilson_hand_computation_at_90_percent(void **state)
{
    (void)state;
    svcm_rate r;
    svcm_rate_init(&r, SVCM_RATE_KIND_SLA_COMPLIANCE);
    svcm_rate_add_counts(&r, 7, 10);
    struct svcm_rate_result s;
    assert_int_equal(svcm_rate_result(&r, 0.90, &s), SVCM_OK);
    assert_near(s.ci.lo, 0.4416997958698352, 1e-9);
    assert_near(s.ci.hi, 0.873123416096802, 1e-9);
}

static void test_result_rejects_empty_and_bad_confidence(void **state)
{
    (void)state;
    svcm_rate r;
    svcm_rate_init(&r, SVCM_RATE_KIND_CHURN);
    struct svcm_rate_result s;
    assert_int_equal(svcm_rate_result(&r, 0.95, &s), SVCM_EEMPTY);
    svcm_rate_add_counts(&r, 1, 2);
    assert_int_equal(svcm_rate_result(&r, 1.0, &s), SVCM_EINVAL);
    assert_int_equal(svcm_rate_result(&r, NAN, &s), SVCM_EINVAL);
    assert_int_equal(svcm_rate_result(NULL, 0.95, &s), SVCM_EINVAL);
    assert_int_equal(svcm_rate_result(&r, 0.95, NULL), SVCM_EINVAL);
}

static void test_merge_equals_counting_everything_in_one(void **state)
{
    (void)state;
    double xs[100];
    for (int i = 0; i < 100; i++)
        xs[i] = (i * 37 % 11) < 4 ? 1.0 : 0.0;
    svcm_rate all, p1, p2;
    svcm_rate_init(&all, SVCM_RATE_KIND_RETENTION);
    svcm_rate_init(&p1, SVCM_RATE_KIND_RETENTION);
    svcm_rate_init(&p2, SVCM_RATE_KIND_RETENTION);
    svcm_rate_add_batch(&all, xs, 100, NULL);
    svcm_rate_add_batch(&p1, xs, 41, NULL);
    svcm_rate_add_batch(&p2, xs + 41, 59, NULL);
    assert_int_equal(svcm_rate_merge(&p1, &p2), SVCM_OK);
    assert_rate_equal(&all, &p1);
    svcm_rate other;
    svcm_rate_init(&other, SVCM_RATE_KIND_CHURN);
    assert_int_equal(svcm_rate_merge(&p1, &other), SVCM_EMISMATCH);
    assert_int_equal(svcm_rate_merge(&p1, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_rate_merge(NULL, &p1), SVCM_EINVAL);
    assert_rate_equal(&all, &p1);
}

/* Hand computation, two-proportion z-test: a = 120/200 = 0.6 (FCR last
 * month), b = 150/220 = 0.681818; pooled p = 270/420 = 0.642857;
 * SE0 = sqrt(p (1 - p) (1/200 + 1/220)) = 0.0468141; z = 0.0818182 / SE0 =
 * 1.7477258; p = erfc(z / sqrt 2) = 0.0805115; unpooled SE = 0.0467558;
 * CI = 0.0818182 -+ 1.959964 * 0.0467558 = [-0.0098214, 0.1734578]. */
static void test_compare_two_proportion_hand_computation(void **state)
{
    (void)state;
    svcm_rate a, b;
    svcm_rate_init(&a, SVCM_RATE_KIND_FCR);
    svcm_rate_init(&b, SVCM_RATE_KIND_FCR);
    svcm_rate_add_counts(&a, 120, 200);
    svcm_rate_add_counts(&b, 150, 220);
    struct svcm_test_result t;
    assert_int_equal(svcm_rate_compare(&a, &b, 0.95, &t), SVCM_OK);
    assert_near(t.diff, 0.08181818181818179, 1e-12);
    assert_near(t.statistic, 1.7477257950106055, 1e-9);
    assert_near(t.p_value, 0.08051151994050242, 1e-9);
    assert_near(t.ci.lo, -0.00982141511158327, 1e-9);
    assert_near(t.ci.hi, 0.17345777874794685, 1e-9);
    svcm_rate c;
    svcm_rate_init(&c, SVCM_RATE_KIND_CHURN);
    svcm_rate_add_counts(&c, 1, 2);
    assert_int_equal(svcm_rate_compare(&a, &c, 0.95, &t), SVCM_EMISMATCH);
    svcm_rate e;
    svcm_rate_init(&e, SVCM_RATE_KIND_FCR);
    assert_int_equal(svcm_rate_compare(&a, &e, 0.95, &t), SVCM_EEMPTY);
    svcm_rate z1, z2;
    svcm_rate_init(&z1, SVCM_RATE_KIND_FCR);
    svcm_rate_init(&z2, SVCM_RATE_KIND_FCR);
    svcm_rate_add_counts(&z1, 0, 5);
    svcm_rate_add_counts(&z2, 0, 9);
    assert_int_equal(svcm_rate_compare(&z1, &z2, 0.95, &t), SVCM_ERANGE);
    assert_int_equal(svcm_rate_compare(&a, &b, 0.0, &t), SVCM_EINVAL);
    assert_int_equal(svcm_rate_compare(NULL, &b, 0.95, &t), SVCM_EINVAL);
}

static void test_save_load_round_trip(void **state)
{
    (void)state;
    svcm_rate r, back;
    svcm_rate_init(&r, SVCM_RATE_KIND_REPURCHASE);
    svcm_rate_add_counts(&r, 0x123456789ull, 0xfedcba987ull);
    unsigned char buf[64];
    size_t len = 0;
    assert_int_equal(svcm_rate_save(&r, NULL, 0, &len), SVCM_ENOSPC);
    assert_int_equal(len, SVCM_RATE_SAVED_SIZE);
    assert_int_equal(svcm_rate_save(&r, buf, len - 1, &len), SVCM_ENOSPC);
    assert_int_equal(svcm_rate_save(&r, buf, sizeof buf, &len), SVCM_OK);
    assert_int_equal(svcm_rate_load(buf, len, &back, NULL), SVCM_OK);
    assert_rate_equal(&r, &back);
    assert_int_equal(svcm_rate_save(NULL, buf, sizeof buf, &len), SVCM_EINVAL);
}

/* Regression: save() wrote an inconsistent counter. The kind is stored in
 * 16 bits, so kind 65537 was saved as 1 and loaded back as a valid FCR
 * counter; successes > trials was saved and only rejected on load. */
static void test_save_rejects_inconsistent_counter(void **state)
{
    (void)state;
    svcm_rate r;
    assert_int_equal(svcm_rate_init(&r, SVCM_RATE_KIND_GENERIC), SVCM_OK);
    r.kind = (svcm_rate_kind)65537;
    unsigned char buf[SVCM_RATE_SAVED_SIZE];
    memset(buf, 0x7e, sizeof buf);
    size_t len = 0;
    assert_int_equal(svcm_rate_save(&r, buf, sizeof buf, &len), SVCM_EINVAL);
    assert_int_equal(len, SVCM_RATE_SAVED_SIZE);
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0x7e);
    r.kind = SVCM_RATE_KIND_FCR;
    r.successes = 3;
    r.trials = 2;
    assert_int_equal(svcm_rate_save(&r, buf, sizeof buf, &len), SVCM_EINVAL);
    assert_int_equal(buf[0], 0x7e);
}

static void test_load_rejects_truncated_and_corrupted_bytes(void **state)
{
    (void)state;
    svcm_rate r, out;
    svcm_rate_init(&r, SVCM_RATE_KIND_FCR);
    svcm_rate_add_counts(&r, 3, 5);
    svcm_rate_init(&out, SVCM_RATE_KIND_GENERIC);
    unsigned char buf[64], bad[64];
    size_t len;
    svcm_rate_save(&r, buf, sizeof buf, &len);
    for (size_t cut = 0; cut < len; cut++)
        assert_int_equal(svcm_rate_load(buf, cut, &out, NULL), SVCM_EFORMAT);
    for (size_t pos = 0; pos < 12; pos++) {
        memcpy(bad, buf, len);
        bad[pos] ^= 0x10;
        assert_int_equal(svcm_rate_load(bad, len, &out, NULL), SVCM_EFORMAT);
    }
    memcpy(bad, buf, len);
    bad[12] = SVCM_RATE_KIND_COUNT; /* unknown kind */
    assert_int_equal(svcm_rate_load(bad, len, &out, NULL), SVCM_EFORMAT);
    memcpy(bad, buf, len);
    bad[14] = 9; /* successes 9 > trials 5 */
    assert_int_equal(svcm_rate_load(bad, len, &out, NULL), SVCM_EFORMAT);
    memcpy(bad, buf, len);
    bad[len] = 0;
    assert_int_equal(svcm_rate_load(bad, len + 1, &out, NULL), SVCM_EFORMAT);
    assert_int_equal(svcm_rate_load(NULL, len, &out, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_rate_load(buf, len, NULL, NULL), SVCM_EINVAL);
    assert_int_equal(out.kind, SVCM_RATE_KIND_GENERIC); /* untouched */
    assert_int_equal(out.trials, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_names_round_trip),
        cmocka_unit_test(test_init_rejects_unknown_kind),
        cmocka_unit_test(test_add_outcomes_counts_and_batches_agree),
        cmocka_unit_test(test_batch_rejects_non_binary_outcome_naming_index),
        cmocka_unit_test(test_add_counts_rejects_bad_counts_and_overflow),
        cmocka_unit_test(test_rate_wilson_interval_matches_newcombe_1998),
        cmocka_unit_test(test_rate_wilson_hand_computation_at_90_percent),
        cmocka_unit_test(test_result_rejects_empty_and_bad_confidence),
        cmocka_unit_test(test_merge_equals_counting_everything_in_one),
        cmocka_unit_test(test_compare_two_proportion_hand_computation),
        cmocka_unit_test(test_save_load_round_trip),
        cmocka_unit_test(test_load_rejects_truncated_and_corrupted_bytes),
        cmocka_unit_test(test_save_rejects_inconsistent_counter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
