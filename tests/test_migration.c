/* Tests of tier migration between snapshots (src/migration.c). The small
 * cases are worked by hand; the random ones are checked against a
 * quadratic matching written independently in the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/segment.h"

enum { V = SVCM_TIER_VIP, K = SVCM_TIER_KEY, R = SVCM_TIER_REGULAR, P = SVCM_TIER_POTENTIAL,
       L = SVCM_TIER_LOST };

static void test_moves_new_and_gone_customers_are_counted_apart(void **state)
{
    (void)state;
    /* old: 1 VIP, 2 KEY, 3 REGULAR, 4 POTENTIAL, 5 LOST
     * new: 3 KEY, 1 VIP, 6 POTENTIAL, 2 LOST, 7 VIP
     * both: 1 VIP->VIP, 2 KEY->LOST, 3 REGULAR->KEY
     * gone: 4 (POTENTIAL), 5 (LOST); new: 6 (POTENTIAL), 7 (VIP). */
    int64_t old_ids[5] = {1, 2, 3, 4, 5}, new_ids[5] = {3, 1, 6, 2, 7};
    uint8_t old_t[5] = {V, K, R, P, L}, new_t[5] = {K, V, P, L, V};
    svcm_migration mg;
    assert_int_equal(svcm_segment_migration(old_ids, old_t, 5, new_ids, new_t, 5, NULL, &mg, NULL),
                     SVCM_OK);
    svcm_migration want;
    memset(&want, 0, sizeof want);
    want.counts[V][V] = 1;
    want.counts[K][L] = 1;
    want.counts[R][K] = 1;
    want.gone[P] = 1;
    want.gone[L] = 1;
    want.arrived[P] = 1;
    want.arrived[V] = 1;
    assert_memory_equal(&mg, &want, sizeof mg);
}

static void test_extreme_and_negative_ids_match(void **state)
{
    (void)state;
    int64_t old_ids[4] = {INT64_MIN, -1, 0, INT64_MAX};
    int64_t new_ids[4] = {INT64_MAX, 0, INT64_MIN, -1};
    uint8_t old_t[4] = {V, K, R, P}, new_t[4] = {L, L, V, K};
    svcm_migration mg;
    assert_int_equal(svcm_segment_migration(old_ids, old_t, 4, new_ids, new_t, 4, NULL, &mg, NULL),
                     SVCM_OK);
    assert_int_equal(mg.counts[V][V], 1); /* INT64_MIN */
    assert_int_equal(mg.counts[K][K], 1); /* -1 */
    assert_int_equal(mg.counts[R][L], 1); /* 0 */
    assert_int_equal(mg.counts[P][L], 1); /* INT64_MAX */
    for (int t = 0; t < SVCM_TIER_COUNT; t++) {
        assert_int_equal(mg.gone[t], 0);
        assert_int_equal(mg.arrived[t], 0);
    }
}

static void test_empty_snapshots(void **state)
{
    (void)state;
    int64_t ids[2] = {10, 20};
    uint8_t t[2] = {K, L};
    svcm_migration mg;
    assert_int_equal(svcm_segment_migration(NULL, NULL, 0, ids, t, 2, NULL, &mg, NULL), SVCM_OK);
    assert_int_equal(mg.arrived[K], 1);
    assert_int_equal(mg.arrived[L], 1);
    assert_int_equal(svcm_segment_migration(ids, t, 2, NULL, NULL, 0, NULL, &mg, NULL), SVCM_OK);
    assert_int_equal(mg.gone[K], 1);
    assert_int_equal(mg.gone[L], 1);
    assert_int_equal(svcm_segment_migration(NULL, NULL, 0, NULL, NULL, 0, NULL, &mg, NULL),
                     SVCM_OK);
}

static void test_duplicate_ids_name_the_first_repeat(void **state)
{
    (void)state;
    int64_t old_ids[3] = {1, 2, 3};
    uint8_t old_t[3] = {V, V, V};
    /* 3 repeats at index 2, 1 repeats at index 4: the smaller is reported. */
    int64_t new_ids[5] = {3, 1, 3, 2, 1};
    uint8_t new_t[5] = {K, K, K, K, K};
    svcm_migration mg;
    memset(&mg, 0x77, sizeof mg);
    svcm_migration before = mg;
    svcm_error err;
    assert_int_equal(svcm_segment_migration(old_ids, old_t, 3, new_ids, new_t, 5, NULL, &mg, &err),
                     SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, "new_ids");
    assert_memory_equal(&mg, &before, sizeof mg);
    int64_t dup_old[4] = {9, 9, 9, 8};
    uint8_t t4[4] = {V, K, R, P};
    assert_int_equal(svcm_segment_migration(dup_old, t4, 4, old_ids, old_t, 3, NULL, &mg, &err),
                     SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "old_ids");
}

/* The same duplicates with ids far apart: the sorting path (not the dense
 * byte table) must report the same records. */
static void test_duplicate_sparse_ids_name_the_first_repeat(void **state)
{
    (void)state;
    const int64_t w = INT64_C(1000000000000000);
    int64_t old_ids[3] = {1 * w, 2 * w, -3 * w};
    uint8_t old_t[3] = {V, V, V};
    int64_t new_ids[5] = {-3 * w, 1 * w, -3 * w, 2 * w, 1 * w};
    uint8_t new_t[5] = {K, K, K, K, K};
    svcm_migration mg;
    memset(&mg, 0x77, sizeof mg);
    svcm_migration before = mg;
    svcm_error err;
    assert_int_equal(svcm_segment_migration(old_ids, old_t, 3, new_ids, new_t, 5, NULL, &mg, &err),
                     SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_string_equal(err.field, "new_ids");
    assert_memory_equal(&mg, &before, sizeof mg);
    int64_t dup_old[4] = {9 * w, 9 * w, 9 * w, -8 * w};
    uint8_t t4[4] = {V, K, R, P};
    assert_int_equal(svcm_segment_migration(dup_old, t4, 4, old_ids, old_t, 3, NULL, &mg, &err),
                     SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "old_ids");
}

static void test_bad_tiers_and_null_pointers_are_invalid(void **state)
{
    (void)state;
    int64_t ids[3] = {1, 2, 3};
    uint8_t good[3] = {V, K, R}, bad[3] = {V, 5, R};
    svcm_migration mg;
    svcm_error err;
    assert_int_equal(svcm_segment_migration(ids, good, 3, ids, bad, 3, NULL, &mg, &err),
                     SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "new_tiers");
    assert_int_equal(svcm_segment_migration(ids, bad, 3, ids, good, 3, NULL, &mg, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "old_tiers");
    assert_int_equal(svcm_segment_migration(NULL, good, 3, ids, good, 3, NULL, &mg, &err),
                     SVCM_EINVAL);
    assert_int_equal(svcm_segment_migration(ids, good, 3, ids, good, 3, NULL, NULL, &err),
                     SVCM_EINVAL);
}

static uint64_t rng = 0x853C49E6748FEA9Bu;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_random_snapshots_match_a_quadratic_count(void **state)
{
    (void)state;
    enum { N = 700 };
    static int64_t a[N], b[N];
    static uint8_t ta[N], tb[N];
    for (int trial = 0; trial < 20; trial++) {
        /* Distinct ids: a multiplicative spread of 0..N-1 plus an offset, so
         * that the sets overlap partly; wide ids exercise every radix pass. */
        int64_t scale = trial % 2 ? 1 : (int64_t)0x0000100000000001;
        size_t na = 1 + rnd() % N, nb = 1 + rnd() % N;
        for (size_t i = 0; i < na; i++) {
            a[i] = ((int64_t)((i * 7919) % N) - N / 3) * scale;
            ta[i] = (uint8_t)(rnd() % 5);
        }
        for (size_t i = 0; i < nb; i++) {
            b[i] = ((int64_t)((i * 104729 + 11) % N) - N / 2) * scale;
            tb[i] = (uint8_t)(rnd() % 5);
        }
        svcm_migration mg, want;
        memset(&want, 0, sizeof want);
        for (size_t i = 0; i < na; i++) {
            size_t j = 0;
            while (j < nb && b[j] != a[i])
                j++;
            if (j < nb)
                want.counts[ta[i]][tb[j]]++;
            else
                want.gone[ta[i]]++;
        }
        for (size_t j = 0; j < nb; j++) {
            size_t i = 0;
            while (i < na && a[i] != b[j])
                i++;
            if (i == na)
                want.arrived[tb[j]]++;
        }
        assert_int_equal(svcm_segment_migration(a, ta, na, b, tb, nb, NULL, &mg, NULL), SVCM_OK);
        assert_memory_equal(&mg, &want, sizeof mg);
    }
}

/* The hashed join (ids spread by an odd multiplier, a bijection of 64-bit
 * words) against the dense byte table (the same ids as a sequence) on
 * large snapshots that overlap partly: the same counts, and the same
 * record reported once ids repeat. Many buckets, and every tier. */
static void test_hashed_join_matches_dense_table_on_large_snapshots(void **state)
{
    (void)state;
    enum { N = 120000 };
    int64_t *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    int64_t *sa = malloc(N * sizeof *sa), *sb = malloc(N * sizeof *sb);
    uint8_t *ta = malloc(N), *tb = malloc(N);
    assert_true(a && b && sa && sb && ta && tb);
    const uint64_t spread = UINT64_C(0x9E3779B97F4A7C15);
    for (int trial = 0; trial < 6; trial++) {
        size_t na = N / 2 + rnd() % (N / 2), nb = N / 2 + rnd() % (N / 2);
        /* Distinct ids from two shuffles of 0..N-1, shifted to overlap. */
        for (size_t i = 0; i < N; i++)
            a[i] = b[i] = (int64_t)i;
        for (size_t i = N; i-- > 1;) {
            size_t j = rnd() % (i + 1), k = rnd() % (i + 1);
            int64_t t = a[i];
            a[i] = a[j];
            a[j] = t;
            t = b[i];
            b[i] = b[k];
            b[k] = t;
        }
        for (size_t i = 0; i < nb; i++)
            b[i] += N / 4;
        /* Trial 3: the old snapshot repeats an id; 4: the new one; 5: both. */
        if (trial == 3 || trial == 5) {
            size_t at = 1 + rnd() % (na - 1);
            a[at] = a[rnd() % at];
        }
        if (trial == 4 || trial == 5) {
            size_t at = 1 + rnd() % (nb - 1);
            b[at] = b[rnd() % at];
        }
        for (size_t i = 0; i < na; i++) {
            sa[i] = (int64_t)((uint64_t)a[i] * spread);
            ta[i] = (uint8_t)(rnd() % 5);
        }
        for (size_t i = 0; i < nb; i++) {
            sb[i] = (int64_t)((uint64_t)b[i] * spread);
            tb[i] = (uint8_t)(rnd() % 5);
        }
        svcm_migration dense, hashed;
        svcm_error ed, eh;
        memset(&dense, 0, sizeof dense);
        memset(&hashed, 0x55, sizeof hashed);
        int rd = svcm_segment_migration(a, ta, na, b, tb, nb, NULL, &dense, &ed);
        int rh = svcm_segment_migration(sa, ta, na, sb, tb, nb, NULL, &hashed, &eh);
        assert_int_equal(rh, rd);
        if (rd == SVCM_OK) {
            assert_memory_equal(&hashed, &dense, sizeof dense);
        } else {
            assert_int_equal(rd, SVCM_EINVAL);
            assert_int_equal(eh.index, ed.index);
            assert_string_equal(eh.field, ed.field);
        }
        /* On threads (parts of >= 1024 rows: up to 117 here): the same. */
        const unsigned threads[] = {1, 2, 3, 7, 64};
        for (size_t k = 0; k < sizeof threads / sizeof threads[0]; k++) {
            svcm_segment_run_options run;
            svcm_segment_run_options_init(&run);
            run.threads = threads[k];
            svcm_migration mt;
            svcm_error et;
            memset(&mt, 0x55, sizeof mt);
            assert_int_equal(
                svcm_segment_migration_run(sa, ta, na, sb, tb, nb, &run, NULL, &mt, &et), rd);
            if (rd == SVCM_OK) {
                assert_memory_equal(&mt, &dense, sizeof dense);
            } else {
                assert_int_equal(et.index, ed.index);
                assert_string_equal(et.field, ed.field);
            }
        }
    }
    free(a);
    free(b);
    free(sa);
    free(sb);
    free(ta);
    free(tb);
}

static void test_migration_run_checks_its_settings(void **state)
{
    (void)state;
    int64_t ids[3] = {1, INT64_C(1) << 40, -(INT64_C(1) << 50)};
    uint8_t t[3] = {V, K, R};
    svcm_migration mg, want;
    svcm_error err;
    assert_int_equal(svcm_segment_migration(ids, t, 3, ids, t, 2, NULL, &want, NULL), SVCM_OK);
    assert_int_equal(svcm_segment_migration_run(ids, t, 3, ids, t, 2, NULL, NULL, &mg, NULL),
                     SVCM_OK);
    assert_memory_equal(&mg, &want, sizeof mg);
    svcm_segment_run_options run = {0};
    assert_int_equal(svcm_segment_migration_run(ids, t, 3, ids, t, 2, &run, NULL, &mg, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "threads");
    run.threads = SVCM_SEGMENT_MAX_THREADS + 1;
    assert_int_equal(svcm_segment_migration_run(ids, t, 3, ids, t, 2, &run, NULL, &mg, &err),
                     SVCM_EINVAL);
    assert_string_equal(err.field, "threads");
    run.threads = 4; /* 5 rows: one part */
    assert_int_equal(svcm_segment_migration_run(ids, t, 3, ids, t, 2, &run, NULL, &mg, NULL),
                     SVCM_OK);
    assert_memory_equal(&mg, &want, sizeof mg);
    assert_int_equal(svcm_segment_migration_run(ids, t, 3, NULL, t, 2, &run, NULL, &mg, NULL),
                     SVCM_EINVAL);
}

typedef struct {
    int calls, fail_at, live;
} fail_ctx;
static void *f_alloc(void *ctx, size_t size)
{
    fail_ctx *fc = ctx;
    if (fc->calls++ >= fc->fail_at)
        return NULL;
    fc->live++;
    return malloc(size);
}
static void *f_realloc(void *ctx, void *p, size_t size)
{
    (void)ctx;
    (void)p;
    (void)size;
    return NULL;
}
static void f_free(void *ctx, void *p)
{
    fail_ctx *fc = ctx;
    if (p != NULL)
        fc->live--;
    free(p);
}

static void test_out_of_memory_is_reported_without_leaks(void **state)
{
    (void)state;
    /* Dense ids use one allocation (the byte table), sparse ids three (the
     * entries, the bucket bounds and the bucket table), and a fourth (the
     * table that names the repeat) when an id repeats. */
    int64_t ids[3] = {1, 2, 3};
    int64_t sparse[3] = {1, INT64_C(1) << 40, -(INT64_C(1) << 50)};
    uint8_t t[3] = {V, K, R};
    for (int fail_at = 0; fail_at < 5; fail_at++) {
        fail_ctx fc = {0, fail_at, 0};
        svcm_allocator al = {f_alloc, f_realloc, f_free, &fc};
        svcm_migration mg;
        int rc = svcm_segment_migration(ids, t, 3, ids, t, 3, &al, &mg, NULL);
        assert_int_equal(rc, fail_at < 1 ? SVCM_ENOMEM : SVCM_OK);
        assert_int_equal(fc.live, 0);
        fc = (fail_ctx){0, fail_at, 0};
        rc = svcm_segment_migration(sparse, t, 3, sparse, t, 3, &al, &mg, NULL);
        assert_int_equal(rc, fail_at < 3 ? SVCM_ENOMEM : SVCM_OK);
        assert_int_equal(fc.live, 0);
        fc = (fail_ctx){0, fail_at, 0};
        svcm_segment_run_options run = {2};
        rc = svcm_segment_migration_run(sparse, t, 3, sparse, t, 3, &run, &al, &mg, NULL);
        assert_int_equal(rc, fail_at < 3 ? SVCM_ENOMEM : SVCM_OK);
        assert_int_equal(fc.live, 0);
        /* A repeated sparse id: a fourth allocation names it. */
        int64_t dup[3] = {sparse[0], sparse[1], sparse[0]};
        fc = (fail_ctx){0, fail_at, 0};
        svcm_error err;
        rc = svcm_segment_migration(sparse, t, 3, dup, t, 3, &al, &mg, &err);
        assert_int_equal(rc, fail_at < 4 ? SVCM_ENOMEM : SVCM_EINVAL);
        if (fail_at == 3)
            assert_string_equal(err.field, "new_ids");
        if (fail_at >= 4)
            assert_int_equal(err.index, 2);
        assert_int_equal(fc.live, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moves_new_and_gone_customers_are_counted_apart),
        cmocka_unit_test(test_extreme_and_negative_ids_match),
        cmocka_unit_test(test_empty_snapshots),
        cmocka_unit_test(test_duplicate_ids_name_the_first_repeat),
        cmocka_unit_test(test_duplicate_sparse_ids_name_the_first_repeat),
        cmocka_unit_test(test_hashed_join_matches_dense_table_on_large_snapshots),
        cmocka_unit_test(test_migration_run_checks_its_settings),
        cmocka_unit_test(test_bad_tiers_and_null_pointers_are_invalid),
        cmocka_unit_test(test_random_snapshots_match_a_quadratic_count),
        cmocka_unit_test(test_out_of_memory_is_reported_without_leaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
