/* Tests of the durations summary (moments + quantile sketch).
 *
 * Reference values: hand computations shown in comments, and a two-pass
 * mean / variance and sorted order statistics of the same data (different
 * algorithms from the Welford moments and the sketch). */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svcm.h"
#include "svcm/sketch.h"

static uint64_t rng_state;
static double rng_unit(void) /* splitmix64 -> (0, 1) */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) * 0x1p-53;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static svcm_durations *make(size_t exact_limit)
{
    svcm_sketch_options o;
    svcm_sketch_options_init(&o);
    o.exact_limit = exact_limit;
    svcm_durations *d = NULL;
    assert_int_equal(svcm_durations_new(&o, NULL, &d, NULL), SVCM_OK);
    return d;
}

static void test_summary_of_one_to_ten_matches_hand_computation(void **state)
{
    (void)state;
    svcm_durations *d = make(1024);
    const double xs[10] = {7, 3, 10, 1, 5, 2, 9, 4, 8, 6};
    assert_int_equal(svcm_durations_add_batch(d, xs, 10, NULL), SVCM_OK);
    struct svcm_durations_result r;
    assert_int_equal(svcm_durations_result(d, &r), SVCM_OK);
    /* mean 55 / 10 = 5.5; sum of squared deviations 2 (4.5^2 + 3.5^2 +
     * 2.5^2 + 1.5^2 + 0.5^2) = 82.5; sample variance 82.5 / 9; std
     * sqrt(9.1666...) = 3.0276503540974917. Ranks floor(q * 9): p50 4 -> 5,
     * p90 floor(8.1) = 8 -> 9, p95 floor(8.55) = 8 -> 9, p99 8 -> 9. */
    assert_int_equal(r.count, 10);
    assert_true(r.sum == 55.0);
    assert_true(fabs(r.mean - 5.5) <= 1e-15);
    assert_true(fabs(r.std - 3.0276503540974917) <= 1e-14);
    assert_true(r.min == 1.0 && r.max == 10.0);
    assert_true(r.p50 == 5.0 && r.p90 == 9.0 && r.p95 == 9.0 && r.p99 == 9.0);
    assert_int_equal(svcm_durations_count(d), 10);
    svcm_durations_free(d);
}

static void test_summary_of_lognormal_times_matches_two_pass_and_sorting(void **state)
{
    (void)state;
    enum { N = 100000 };
    double *xs = malloc(N * sizeof *xs), *sorted = malloc(N * sizeof *sorted);
    assert_true(xs && sorted);
    rng_state = 7;
    for (int i = 0; i < N; i++) { /* handle times: lognormal, median 5 min */
        double z = sqrt(-2.0 * log(rng_unit())) * cos(6.283185307179586 * rng_unit());
        xs[i] = 300.0 * exp(0.8 * z);
    }
    svcm_durations *d = make(1024);
    assert_int_equal(svcm_durations_add_batch(d, xs, N, NULL), SVCM_OK);
    struct svcm_durations_result r;
    assert_int_equal(svcm_durations_result(d, &r), SVCM_OK);
    double mean = 0.0, ss = 0.0;
    for (int i = 0; i < N; i++)
        mean += xs[i];
    mean /= N;
    for (int i = 0; i < N; i++)
        ss += (xs[i] - mean) * (xs[i] - mean);
    assert_true(fabs(r.mean - mean) <= 1e-12 * mean);
    assert_true(fabs(r.std - sqrt(ss / (N - 1))) <= 1e-10 * sqrt(ss / (N - 1)));
    assert_true(fabs(r.sum - mean * N) <= 1e-12 * mean * N);
    memcpy(sorted, xs, N * sizeof *sorted);
    qsort(sorted, N, sizeof *sorted, cmp_double);
    assert_true(r.min == sorted[0] && r.max == sorted[N - 1]);
    const double qs[4] = {0.5, 0.9, 0.95, 0.99};
    const double got[4] = {r.p50, r.p90, r.p95, r.p99};
    for (int i = 0; i < 4; i++) {
        double x = sorted[(size_t)floor(qs[i] * (N - 1))];
        assert_true(fabs(got[i] - x) <= 0.01 * x);
    }
    /* Any q through the batch call. */
    const double more[3] = {0.0, 0.999, 1.0};
    double out[3];
    assert_int_equal(svcm_durations_quantiles(d, more, 3, out, NULL), SVCM_OK);
    assert_true(out[0] == sorted[0] && out[2] == sorted[N - 1]);
    double x999 = sorted[(size_t)floor(0.999 * (N - 1))];
    assert_true(fabs(out[1] - x999) <= 0.01 * x999);
    svcm_durations_free(d);
    free(xs);
    free(sorted);
}

static void test_single_duration_has_nan_std_and_empty_is_an_error(void **state)
{
    (void)state;
    svcm_durations *d = make(1024);
    struct svcm_durations_result r;
    memset(&r, 0, sizeof r);
    assert_int_equal(svcm_durations_result(d, &r), SVCM_EEMPTY);
    assert_int_equal(r.count, 0); /* untouched */
    double q = 0.5, v;
    assert_int_equal(svcm_durations_quantiles(d, &q, 1, &v, NULL), SVCM_EEMPTY);
    assert_int_equal(svcm_durations_add(d, 42.0), SVCM_OK);
    assert_int_equal(svcm_durations_result(d, &r), SVCM_OK);
    assert_int_equal(r.count, 1);
    assert_true(isnan(r.std));
    assert_true(r.mean == 42.0 && r.p50 == 42.0 && r.p99 == 42.0);
    assert_int_equal(svcm_durations_result(NULL, &r), SVCM_EINVAL);
    assert_int_equal(svcm_durations_result(d, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_durations_count(NULL), 0);
    svcm_durations_free(d);
    svcm_durations_free(NULL);
    svcm_durations_reset(NULL);
}

static void test_bad_durations_are_rejected_with_index_and_nothing_added(void **state)
{
    (void)state;
    svcm_durations *d = make(1024);
    assert_int_equal(svcm_durations_add(d, 10.0), SVCM_OK);
    const double bad[4] = {-5.0, NAN, INFINITY, -INFINITY};
    for (int i = 0; i < 4; i++) {
        double xs[3] = {1.0, bad[i], 2.0};
        svcm_error err;
        svcm_error_clear(&err);
        assert_int_equal(svcm_durations_add_batch(d, xs, 3, &err), SVCM_EINVAL);
        assert_int_equal(err.index, 1);
        assert_string_equal(err.field, "value");
        assert_int_equal(svcm_durations_add(d, bad[i]), SVCM_EINVAL);
    }
    struct svcm_durations_result r;
    assert_int_equal(svcm_durations_result(d, &r), SVCM_OK);
    assert_int_equal(r.count, 1);
    assert_true(r.mean == 10.0);
    assert_int_equal(svcm_durations_add(NULL, 1.0), SVCM_EINVAL);
    assert_int_equal(svcm_durations_add_batch(NULL, bad, 1, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_durations_add_batch(d, NULL, 1, NULL), SVCM_EINVAL);
    double q = 1.5, v;
    svcm_error err;
    assert_int_equal(svcm_durations_quantiles(d, &q, 1, &v, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "q");
    assert_int_equal(svcm_durations_quantiles(NULL, &q, 1, &v, NULL), SVCM_EINVAL);
    svcm_durations_free(d);
}

static void test_new_rejects_bad_options(void **state)
{
    (void)state;
    svcm_sketch_options o;
    svcm_sketch_options_init(&o);
    o.rel_err = 0.9;
    svcm_durations *d = NULL;
    assert_int_equal(svcm_durations_new(&o, NULL, &d, NULL), SVCM_EINVAL);
    assert_null(d);
    assert_int_equal(svcm_durations_new(NULL, NULL, NULL, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_durations_new(NULL, NULL, &d, NULL), SVCM_OK);
    svcm_durations_free(d);
}

static void test_merge_equals_one_accumulator_fed_everything(void **state)
{
    (void)state;
    enum { N = 20000 };
    double xs[N];
    rng_state = 8;
    for (int i = 0; i < N; i++)
        xs[i] = (i % 50 == 0) ? 0.0 : 60.0 / pow(rng_unit(), 0.7);
    svcm_durations *all = make(64), *a = make(64), *b = make(64);
    svcm_durations_add_batch(all, xs, N, NULL);
    svcm_durations_add_batch(a, xs, 7000, NULL);
    svcm_durations_add_batch(b, xs + 7000, N - 7000, NULL);
    assert_int_equal(svcm_durations_merge(a, b), SVCM_OK);
    struct svcm_durations_result x, y;
    svcm_durations_result(all, &x);
    svcm_durations_result(a, &y);
    assert_int_equal(x.count, y.count);
    assert_true(fabs(x.mean - y.mean) <= 1e-12 * x.mean);
    assert_true(fabs(x.std - y.std) <= 1e-10 * x.std);
    assert_true(x.min == y.min && x.max == y.max);
    assert_true(x.p50 == y.p50 && x.p90 == y.p90 && x.p95 == y.p95 && x.p99 == y.p99);
    /* Self-merge doubles the counts and keeps mean, quantiles. */
    assert_int_equal(svcm_durations_merge(b, b), SVCM_OK);
    assert_int_equal(svcm_durations_count(b), 2 * (N - 7000));
    svcm_sketch_options o;
    svcm_sketch_options_init(&o);
    o.rel_err = 0.02;
    svcm_durations *other = NULL;
    svcm_durations_new(&o, NULL, &other, NULL);
    svcm_durations_add(other, 1.0);
    assert_int_equal(svcm_durations_merge(a, other), SVCM_EMISMATCH);
    assert_int_equal(svcm_durations_count(a), N);
    assert_int_equal(svcm_durations_merge(a, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_durations_merge(NULL, a), SVCM_EINVAL);
    svcm_durations_reset(a);
    assert_int_equal(svcm_durations_count(a), 0);
    assert_int_equal(svcm_durations_result(a, &y), SVCM_EEMPTY);
    svcm_durations_free(all);
    svcm_durations_free(a);
    svcm_durations_free(b);
    svcm_durations_free(other);
}

static unsigned char *save(const svcm_durations *d, size_t *len)
{
    assert_int_equal(svcm_durations_save(d, NULL, 0, len), SVCM_ENOSPC);
    unsigned char *buf = malloc(*len);
    assert_non_null(buf);
    assert_int_equal(svcm_durations_save(d, buf, *len - 1, NULL), SVCM_ENOSPC);
    assert_int_equal(svcm_durations_save(d, buf, *len, NULL), SVCM_OK);
    return buf;
}

static void test_save_load_round_trip_and_rejects_damage(void **state)
{
    (void)state;
    for (int exact = 0; exact < 3; exact++) {
        svcm_durations *d = make(exact == 0 ? 0 : 1024);
        const double xs[5] = {0.0, 12.0, 30.5, 4.0, 900.0};
        if (exact < 2)
            svcm_durations_add_batch(d, xs, 5, NULL); /* exact == 2: empty */
        size_t len;
        unsigned char *buf = save(d, &len);
        svcm_durations *e = NULL;
        assert_int_equal(svcm_durations_load(buf, len, NULL, &e, NULL), SVCM_OK);
        struct svcm_durations_result x, y;
        int rx = svcm_durations_result(d, &x), ry = svcm_durations_result(e, &y);
        assert_int_equal(rx, ry);
        if (rx == SVCM_OK)
            assert_memory_equal(&x, &y, sizeof x);
        size_t len2;
        unsigned char *buf2 = save(e, &len2);
        assert_int_equal(len, len2);
        assert_memory_equal(buf, buf2, len);
        svcm_durations_free(e);
        e = NULL;
        for (size_t cut = 0; cut < len; cut++)
            assert_int_equal(svcm_durations_load(buf, cut, NULL, &e, NULL), SVCM_EFORMAT);
        for (size_t i = 0; i < len; i++) {
            for (int bit = 0; bit < 8; bit++) {
                buf[i] ^= (unsigned char)(1u << bit);
                int rc = svcm_durations_load(buf, len, NULL, &e, NULL);
                assert_true(rc == SVCM_OK || rc == SVCM_EFORMAT);
                svcm_durations_free(e);
                e = NULL;
                buf[i] ^= (unsigned char)(1u << bit);
            }
        }
        assert_null(e);
        free(buf);
        free(buf2);
        svcm_durations_free(d);
    }
}

static void test_load_rejects_moments_that_disagree_with_the_sketch(void **state)
{
    (void)state;
    svcm_durations *a = make(1024), *b = make(1024);
    svcm_durations_add(a, 5.0);
    svcm_durations_add(b, 5.0);
    svcm_durations_add(b, 6.0);
    size_t la, lb;
    unsigned char *ba = save(a, &la), *bb = save(b, &lb);
    /* Layout: 12 header, u32 52, 52 moments bytes, u32 length, sketch. Put
     * b's moments (n = 2) in front of a's sketch (count 1). */
    memcpy(ba + 16, bb + 16, 52);
    svcm_durations *e = NULL;
    assert_int_equal(svcm_durations_load(ba, la, NULL, &e, NULL), SVCM_EFORMAT);
    assert_null(e);
    assert_int_equal(svcm_durations_load(NULL, la, NULL, &e, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_durations_load(ba, la, NULL, NULL, NULL), SVCM_EINVAL);
    assert_int_equal(svcm_durations_save(NULL, ba, la, &la), SVCM_EINVAL);
    free(ba);
    free(bb);
    svcm_durations_free(a);
    svcm_durations_free(b);
}

typedef struct {
    int allocs_left; /* fail when it reaches 0; negative: never */
    long live;
} counting_ctx;

static void *c_alloc(void *ctx, size_t n)
{
    counting_ctx *c = ctx;
    if (c->allocs_left == 0)
        return NULL;
    if (c->allocs_left > 0)
        c->allocs_left--;
    void *p = malloc(n);
    c->live += p != NULL;
    return p;
}
static void *c_realloc(void *ctx, void *p, size_t n)
{
    counting_ctx *c = ctx;
    if (c->allocs_left == 0)
        return NULL;
    if (c->allocs_left > 0)
        c->allocs_left--;
    void *q = realloc(p, n);
    c->live += (p == NULL && q != NULL);
    return q;
}
static void c_free(void *ctx, void *p)
{
    counting_ctx *c = ctx;
    c->live -= p != NULL;
    free(p);
}

static void test_out_of_memory_is_reported_and_changes_nothing(void **state)
{
    (void)state;
    counting_ctx ctx = {-1, 0};
    svcm_allocator a = {c_alloc, c_realloc, c_free, &ctx};
    double xs[2000];
    for (int i = 0; i < 2000; i++)
        xs[i] = 1.0 + i * 0.37;
    for (int k = 0; k < 16; k++) {
        svcm_durations *d = NULL, *e = NULL;
        ctx.allocs_left = k;
        int rc = svcm_durations_new(NULL, &a, &d, NULL);
        if (rc != SVCM_OK) {
            assert_int_equal(rc, SVCM_ENOMEM);
            assert_null(d);
            assert_int_equal(ctx.live, 0);
            continue;
        }
        rc = svcm_durations_add_batch(d, xs, 2000, NULL);
        assert_true(rc == SVCM_OK || rc == SVCM_ENOMEM);
        if (rc == SVCM_ENOMEM)
            assert_int_equal(svcm_durations_count(d), 0);
        else {
            size_t len = 0;
            svcm_durations_save(d, NULL, 0, &len);
            unsigned char *buf = malloc(len);
            svcm_durations_save(d, buf, len, NULL);
            rc = svcm_durations_load(buf, len, &a, &e, NULL);
            assert_true(rc == SVCM_OK || rc == SVCM_ENOMEM);
            free(buf);
        }
        svcm_durations_free(d);
        svcm_durations_free(e);
        assert_int_equal(ctx.live, 0);
    }
}

static void test_extreme_durations_summarize_and_round_trip(void **state)
{
    (void)state;
    /* {0, DBL_MAX}: the variance is not a double, so std is NaN, and the
     * state (moments with m2 = +inf) still saves and loads back. */
    svcm_durations *d = NULL, *back = NULL;
    assert_int_equal(svcm_durations_new(NULL, NULL, &d, NULL), SVCM_OK);
    assert_int_equal(svcm_durations_add(d, 0.0), SVCM_OK);
    assert_int_equal(svcm_durations_add(d, DBL_MAX), SVCM_OK);
    struct svcm_durations_result r;
    assert_int_equal(svcm_durations_result(d, &r), SVCM_OK);
    assert_true(isnan(r.std));
    assert_true(r.mean == DBL_MAX / 2);
    size_t len = 0;
    assert_int_equal(svcm_durations_save(d, NULL, 0, &len), SVCM_ENOSPC);
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    assert_int_equal(svcm_durations_save(d, buf, len, &len), SVCM_OK);
    assert_int_equal(svcm_durations_load(buf, len, NULL, &back, NULL), SVCM_OK);
    struct svcm_durations_result r2;
    assert_int_equal(svcm_durations_result(back, &r2), SVCM_OK);
    assert_true(r2.mean == r.mean && isnan(r2.std) && r2.max == DBL_MAX);
    free(buf);
    svcm_durations_free(d);
    svcm_durations_free(back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_of_one_to_ten_matches_hand_computation),
        cmocka_unit_test(test_summary_of_lognormal_times_matches_two_pass_and_sorting),
        cmocka_unit_test(test_single_duration_has_nan_std_and_empty_is_an_error),
        cmocka_unit_test(test_bad_durations_are_rejected_with_index_and_nothing_added),
        cmocka_unit_test(test_new_rejects_bad_options),
        cmocka_unit_test(test_merge_equals_one_accumulator_fed_everything),
        cmocka_unit_test(test_save_load_round_trip_and_rejects_damage),
        cmocka_unit_test(test_load_rejects_moments_that_disagree_with_the_sketch),
        cmocka_unit_test(test_out_of_memory_is_reported_and_changes_nothing),
        cmocka_unit_test(test_extreme_durations_summarize_and_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
