/* Tests of RFM edges and scores (src/rfm.c).
 *
 * Quantile edges follow Hyndman and Fan (1996), "Sample quantiles in
 * statistical packages", The American Statistician 50(4), definition 1:
 * Q(p) = inf { y : F_n(y) >= p }, F_n the empirical CDF. The expected edges
 * below are worked by hand from that definition (shown in comments), and the
 * randomised tests compare the radix/quickselect fit with two independent
 * computations: a full qsort, and the inf-definition evaluated by counting. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svcm/segment.h"

/* White box: this file compiles src/rfm.c itself so that the static
 * selection helpers (heap_sort, select3) can be tested directly; the linker
 * then takes no rfm object from the library. */
#include "rfm.c" /* found through the src/ include path */

/* Field by field: svcm_rfm_edges has padding after bins. */
static void assert_edges_equal(const svcm_rfm_edges *a, const svcm_rfm_edges *b)
{
    assert_int_equal(a->bins, b->bins);
    assert_memory_equal(a->recency, b->recency, sizeof a->recency);
    assert_memory_equal(a->frequency, b->frequency, sizeof a->frequency);
    assert_memory_equal(a->monetary, b->monetary, sizeof a->monetary);
}

/* xorshift64*: a fixed, portable random stream for the tests. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Du;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static svcm_customers soa(size_t n, const double *r, const double *f, const double *m)
{
    svcm_customers c;
    memset(&c, 0, sizeof c);
    c.n = n;
    c.recency = r;
    c.frequency = f;
    c.monetary = m;
    return c;
}

static void test_fitted_edges_split_ten_distinct_values_into_pairs(void **state)
{
    (void)state;
    /* n = 10, k = 5: edge j = x_(ceil(10 j / 5)) = x_(2j) = 2, 4, 6, 8. */
    double x[10] = {7, 3, 10, 1, 9, 2, 8, 5, 4, 6};
    double e[4];
    assert_int_equal(svcm_rfm_column_edges(x, 10, 5, NULL, e, NULL), SVCM_OK);
    const double want[4] = {2, 4, 6, 8};
    assert_memory_equal(e, want, sizeof want);
    /* Scored as F: two customers per score; as R (reversed): 1, 2 -> 5. */
    svcm_customers c = soa(10, x, x, x);
    svcm_rfm_edges edges = {.bins = 5};
    memcpy(edges.recency, e, sizeof e);
    memcpy(edges.frequency, e, sizeof e);
    memcpy(edges.monetary, e, sizeof e);
    uint8_t r[10], f[10];
    assert_int_equal(svcm_rfm_score(&c, &edges, r, f, NULL, NULL), SVCM_OK);
    for (int i = 0; i < 10; i++) {
        uint8_t bin = (uint8_t)((x[i] + 1) / 2); /* 1,2 -> 1; 3,4 -> 2; ... */
        assert_int_equal(f[i], bin);
        assert_int_equal(r[i], 6 - bin);
    }
}

static void test_fitted_edges_when_n_is_not_a_multiple_of_bins(void **state)
{
    (void)state;
    /* n = 7, k = 5, x = 10..70: F_n(10k) = k / 7.
     * p = 0.2: F(10) = .143, F(20) = .286 >= .2 -> 20
     * p = 0.4: F(30) = .429 -> 30;  p = 0.6: F(40) = .571, F(50) = .714 -> 50
     * p = 0.8: F(60) = .857 -> 60. */
    double x[7] = {40, 70, 10, 60, 20, 50, 30};
    double e[4];
    assert_int_equal(svcm_rfm_column_edges(x, 7, 5, NULL, e, NULL), SVCM_OK);
    const double want[4] = {20, 30, 50, 60};
    assert_memory_equal(e, want, sizeof want);
    double sorted[7] = {10, 20, 30, 40, 50, 60, 70}, e2[4];
    assert_int_equal(svcm_rfm_sorted_edges(sorted, 7, 5, e2, NULL), SVCM_OK);
    assert_memory_equal(e2, want, sizeof want);
}

static void test_value_on_an_edge_takes_the_lower_bin(void **state)
{
    (void)state;
    svcm_rfm_edges e = {.bins = 4, .recency = {10, 20, 30}, .frequency = {10, 20, 30},
                        .monetary = {10, 20, 30}};
    double x[7] = {10, 10.000001, 20, 29.9, 30, 30.5, 0};
    svcm_customers c = soa(7, x, x, x);
    uint8_t r[7], f[7];
    assert_int_equal(svcm_rfm_score(&c, &e, r, f, NULL, NULL), SVCM_OK);
    const uint8_t wf[7] = {1, 2, 2, 3, 3, 4, 1};
    const uint8_t wr[7] = {4, 3, 3, 2, 2, 1, 4}; /* k + 1 - bin */
    assert_memory_equal(f, wf, 7);
    assert_memory_equal(r, wr, 7);
}

static void test_all_equal_population_scores_everyone_in_the_first_bin(void **state)
{
    (void)state;
    double x[6] = {3, 3, 3, 3, 3, 3};
    svcm_customers c = soa(6, x, x, x);
    svcm_rfm_edges e;
    assert_int_equal(svcm_rfm_fit(&c, 5, NULL, &e, NULL), SVCM_OK);
    for (int j = 0; j < 4; j++) {
        assert_true(e.recency[j] == 3.0);
        assert_true(e.monetary[j] == 3.0);
    }
    uint8_t r[6], f[6], m[6];
    assert_int_equal(svcm_rfm_score(&c, &e, r, f, m, NULL), SVCM_OK);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(r[i], 5);
        assert_int_equal(f[i], 1);
        assert_int_equal(m[i], 1);
    }
}

static void test_fewer_customers_than_bins_leave_the_top_bin_empty(void **state)
{
    (void)state;
    /* n = 3, k = 5: ranks ceil(3 j / 5) = 1, 2, 2, 3 -> edges 1, 2, 2, 3. */
    double x[3] = {3, 1, 2};
    double e[4];
    assert_int_equal(svcm_rfm_column_edges(x, 3, 5, NULL, e, NULL), SVCM_OK);
    const double want[4] = {1, 2, 2, 3};
    assert_memory_equal(e, want, sizeof want);
    svcm_customers c = soa(3, x, x, x);
    svcm_rfm_edges ed;
    assert_int_equal(svcm_rfm_fit(&c, 5, NULL, &ed, NULL), SVCM_OK);
    uint8_t f[3];
    assert_int_equal(svcm_rfm_score(&c, &ed, NULL, f, NULL, NULL), SVCM_OK);
    /* 1 -> no edge below -> 1; 2 -> one edge below -> 2; 3 -> three -> 4. */
    assert_int_equal(f[0], 4);
    assert_int_equal(f[1], 1);
    assert_int_equal(f[2], 2);
    /* One customer: every edge is its value. */
    double one = 42, e1[4];
    assert_int_equal(svcm_rfm_column_edges(&one, 1, 5, NULL, e1, NULL), SVCM_OK);
    for (int j = 0; j < 4; j++)
        assert_true(e1[j] == 42.0);
}

static void test_duplicates_make_edges_coincide_and_ties_are_never_split(void **state)
{
    (void)state;
    /* Sorted: 1 1 1 1 1 1 2 2 3 9, ranks 2, 4, 6, 8 -> 1, 1, 1, 2. */
    double fq[10] = {1, 2, 1, 9, 1, 3, 1, 2, 1, 1};
    double e[4];
    assert_int_equal(svcm_rfm_column_edges(fq, 10, 5, NULL, e, NULL), SVCM_OK);
    const double want[4] = {1, 1, 1, 2};
    assert_memory_equal(e, want, sizeof want);
    svcm_customers c = soa(10, fq, fq, fq);
    svcm_rfm_edges ed;
    assert_int_equal(svcm_rfm_fit(&c, 5, NULL, &ed, NULL), SVCM_OK);
    uint8_t f[10];
    assert_int_equal(svcm_rfm_score(&c, &ed, NULL, f, NULL, NULL), SVCM_OK);
    for (int i = 0; i < 10; i++) {
        uint8_t want_f = fq[i] == 1 ? 1 : fq[i] == 2 ? 4 : 5;
        assert_int_equal(f[i], want_f);
    }
}

static void test_zeros_and_negative_zero_give_positive_zero_edges(void **state)
{
    (void)state;
    double x[5] = {0, -0.0, 0, 5, -0.0};
    double e[4];
    assert_int_equal(svcm_rfm_column_edges(x, 5, 5, NULL, e, NULL), SVCM_OK);
    for (int j = 0; j < 4; j++) {
        assert_true(e[j] == 0.0);
        assert_false(signbit(e[j]));
    }
    /* Negative values are fine for a plain column (not for customers). */
    double y[4] = {-3, -1, -2, -4}, ey[3];
    assert_int_equal(svcm_rfm_column_edges(y, 4, 4, NULL, ey, NULL), SVCM_OK);
    const double want[3] = {-4, -3, -2};
    assert_memory_equal(ey, want, sizeof want);
}

/* Definition 1 by counting: the smallest data value y with
 * count(x <= y) * k >= j * n (exact integer form of F_n(y) >= j / k). */
static double quantile_by_counting(const double *x, size_t n, int j, int k)
{
    double best = INFINITY;
    for (size_t a = 0; a < n; a++) {
        size_t cnt = 0;
        for (size_t b = 0; b < n; b++)
            cnt += x[b] <= x[a];
        if (cnt * (size_t)k >= (size_t)j * n && x[a] < best)
            best = x[a];
    }
    return best;
}

static void test_fit_matches_counting_definition_on_random_small_samples(void **state)
{
    (void)state;
    for (int trial = 0; trial < 300; trial++) {
        size_t n = 1 + rnd() % 60;
        int k = 2 + (int)(rnd() % 9);
        double x[60];
        for (size_t i = 0; i < n; i++)
            x[i] = (double)(rnd() % (1 + trial % 7 * 3)) - (trial % 2 ? 2.0 : 0.0);
        double e[9];
        assert_int_equal(svcm_rfm_column_edges(x, n, k, NULL, e, NULL), SVCM_OK);
        for (int j = 1; j < k; j++)
            assert_true(e[j - 1] == quantile_by_counting(x, n, j, k));
    }
}

static void test_fit_matches_full_sort_on_large_varied_columns(void **state)
{
    (void)state;
    const size_t n = 200003;
    double *x = malloc(n * sizeof *x), *s = malloc(n * sizeof *s);
    assert_non_null(x);
    assert_non_null(s);
    for (int shape = 0; shape < 6; shape++) {
        for (size_t i = 0; i < n; i++) {
            double u = (double)(rnd() >> 11) * 0x1p-53;
            switch (shape) {
            case 0: x[i] = u; break;                              /* uniform */
            case 1: x[i] = -log1p(-u) * 250.0; break;             /* exponential */
            case 2: x[i] = (double)(rnd() % 4); break;            /* heavy ties */
            case 3: x[i] = 1e6 + u * 1e-6; break;                 /* one narrow bucket */
            case 4: x[i] = (double)i; break;                      /* already sorted */
            default: x[i] = (double)(n - i) * (u < 0.5 ? 1 : -1); /* mixed signs */
            }
        }
        memcpy(s, x, n * sizeof *x);
        qsort(s, n, sizeof *s, cmp_double);
        for (int k = 2; k <= SVCM_RFM_MAX_BINS; k += 3) {
            double e[9], es[9];
            assert_int_equal(svcm_rfm_column_edges(x, n, k, NULL, e, NULL), SVCM_OK);
            assert_int_equal(svcm_rfm_sorted_edges(s, n, k, es, NULL), SVCM_OK);
            for (int j = 1; j < k; j++) {
                size_t rank = (n * (size_t)j + (size_t)k - 1) / (size_t)k - 1;
                assert_true(e[j - 1] == s[rank]);
                assert_true(es[j - 1] == s[rank]);
            }
        }
    }
    free(x);
    free(s);
}

static void test_scores_do_not_depend_on_input_order(void **state)
{
    (void)state;
    enum { N = 5000 };
    static double r[N], f[N], m[N], r2[N], f2[N], m2[N];
    static size_t perm[N];
    for (size_t i = 0; i < N; i++) {
        r[i] = (double)(rnd() % 400);
        f[i] = (double)(rnd() % 12);
        m[i] = (double)(rnd() % 100000) / 100.0;
        perm[i] = i;
    }
    for (size_t i = N - 1; i > 0; i--) { /* Fisher-Yates */
        size_t j = rnd() % (i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (size_t i = 0; i < N; i++) {
        r2[i] = r[perm[i]];
        f2[i] = f[perm[i]];
        m2[i] = m[perm[i]];
    }
    svcm_customers a = soa(N, r, f, m), b = soa(N, r2, f2, m2);
    svcm_rfm_edges ea, eb;
    assert_int_equal(svcm_rfm_fit(&a, 5, NULL, &ea, NULL), SVCM_OK);
    assert_int_equal(svcm_rfm_fit(&b, 5, NULL, &eb, NULL), SVCM_OK);
    assert_edges_equal(&ea, &eb);
    static uint8_t sa[3][N], sb[3][N];
    assert_int_equal(svcm_rfm_score(&a, &ea, sa[0], sa[1], sa[2], NULL), SVCM_OK);
    assert_int_equal(svcm_rfm_score(&b, &eb, sb[0], sb[1], sb[2], NULL), SVCM_OK);
    for (size_t i = 0; i < N; i++)
        for (int c = 0; c < 3; c++)
            assert_int_equal(sb[c][i], sa[c][perm[i]]);
}

static void test_fixed_edges_keep_scores_stable_across_populations(void **state)
{
    (void)state;
    svcm_rfm_edges e = {.bins = 3, .recency = {30, 90}, .frequency = {2, 5},
                        .monetary = {100, 1000}};
    double r1[2] = {10, 100}, f1[2] = {1, 7}, m1[2] = {50, 5000};
    double r2[3] = {10, 10, 10}, f2[3] = {1, 1, 1}, m2[3] = {50, 50, 50};
    svcm_customers a = soa(2, r1, f1, m1), b = soa(3, r2, f2, m2);
    uint8_t ra[2], fa[2], ma[2], rb[3], fb[3], mb[3];
    assert_int_equal(svcm_rfm_score(&a, &e, ra, fa, ma, NULL), SVCM_OK);
    assert_int_equal(svcm_rfm_score(&b, &e, rb, fb, mb, NULL), SVCM_OK);
    /* Customer (10, 1, 50) scores (3, 1, 1) in both populations. */
    assert_int_equal(ra[0], 3);
    assert_int_equal(fa[0], 1);
    assert_int_equal(ma[0], 1);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rb[i], 3);
        assert_int_equal(fb[i], 1);
        assert_int_equal(mb[i], 1);
    }
    assert_int_equal(ra[1], 1);
    assert_int_equal(fa[1], 3);
    assert_int_equal(ma[1], 3);
}

static void test_bad_edges_are_rejected_with_field_and_index(void **state)
{
    (void)state;
    svcm_error err;
    svcm_rfm_edges e = {.bins = 5, .recency = {1, 2, 3, 4}, .frequency = {1, 2, 3, 4},
                        .monetary = {1, 2, 3, 4}};
    assert_int_equal(svcm_rfm_edges_check(&e, &err), SVCM_OK);
    e.frequency[2] = 1.5; /* 1, 2, 1.5: decreasing */
    assert_int_equal(svcm_rfm_edges_check(&e, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "frequency_edges");
    assert_int_equal(err.index, 2);
    e.frequency[2] = 3;
    e.monetary[0] = NAN;
    assert_int_equal(svcm_rfm_edges_check(&e, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "monetary_edges");
    assert_int_equal(err.index, 0);
    e.monetary[0] = INFINITY;
    assert_int_equal(svcm_rfm_edges_check(&e, &err), SVCM_EINVAL);
    e.monetary[0] = 1;
    e.bins = 1;
    assert_int_equal(svcm_rfm_edges_check(&e, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "bins");
    e.bins = 11;
    assert_int_equal(svcm_rfm_edges_check(&e, &err), SVCM_EINVAL);
    assert_int_equal(svcm_rfm_edges_check(NULL, &err), SVCM_EINVAL);
    /* Equal edges are allowed (non-decreasing). */
    svcm_rfm_edges flat = {.bins = 3, .recency = {5, 5}, .frequency = {0, 0}, .monetary = {7, 7}};
    assert_int_equal(svcm_rfm_edges_check(&flat, &err), SVCM_OK);
    /* Scoring with bad edges writes nothing. */
    double x[1] = {1};
    svcm_customers c = soa(1, x, x, x);
    uint8_t r[1] = {0xAA};
    e.bins = 5;
    e.recency[3] = -1;
    assert_int_equal(svcm_rfm_score(&c, &e, r, NULL, NULL, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "recency_edges");
    assert_int_equal(err.index, 3);
    assert_int_equal(r[0], 0xAA);
}

static void test_bad_customers_are_rejected_with_record_and_field(void **state)
{
    (void)state;
    struct {
        size_t at;
        double r, f, m, t, p;
        const char *field;
    } cases[] = {
        {2, 1, -1, 1, 10, 0.5, "frequency"},
        {1, NAN, 1, 1, 10, 0.5, "recency"},
        {0, -0.5, 1, 1, 10, 0.5, "recency"},
        {3, 1, 1, INFINITY, 10, 0.5, "monetary"},
        {3, 1, 1, -2, 10, 0.5, "monetary"},
        {1, 20, 1, 1, 10, 0.5, "recency"}, /* recency beyond tenure */
        {2, 1, 1, 1, -1, 0.5, "tenure"},
        {2, 1, 1, 1, NAN, 0.5, "tenure"},
        {1, 1, 1, 1, 10, 1.5, "p_alive"},
        {0, 1, 1, 1, 10, -0.1, "p_alive"},
        {0, 1, 1, 1, 10, NAN, "p_alive"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double r[4] = {1, 2, 3, 4}, f[4] = {1, 1, 1, 1}, m[4] = {5, 5, 5, 5};
        double t[4] = {10, 10, 10, 10}, p[4] = {1, 1, 1, 1};
        size_t at = cases[k].at;
        r[at] = cases[k].r;
        f[at] = cases[k].f;
        m[at] = cases[k].m;
        t[at] = cases[k].t;
        p[at] = cases[k].p;
        svcm_customers c = soa(4, r, f, m);
        c.tenure = t;
        c.p_alive = p;
        svcm_error err;
        svcm_error_clear(&err);
        assert_int_equal(svcm_customers_check(&c, &err), SVCM_EINVAL);
        assert_int_equal(err.index, at);
        assert_string_equal(err.field, cases[k].field);
        svcm_rfm_edges e;
        memset(&e, 0x55, sizeof e);
        svcm_rfm_edges before = e;
        assert_int_equal(svcm_rfm_fit(&c, 5, NULL, &e, &err), SVCM_EINVAL);
        assert_edges_equal(&e, &before);
        assert_int_equal(err.index, at);
    }
    /* Recency equal to tenure is fine (one purchase, on day one). */
    double r[1] = {10}, f[1] = {1}, m[1] = {1}, t[1] = {10};
    svcm_customers c = soa(1, r, f, m);
    c.tenure = t;
    assert_int_equal(svcm_customers_check(&c, NULL), SVCM_OK);
    /* Missing required column, bad stride, NULL view. */
    svcm_error err;
    c.frequency = NULL;
    assert_int_equal(svcm_customers_check(&c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "frequency");
    assert_int_equal(err.index, SVCM_NO_INDEX);
    c.frequency = f;
    c.stride = 4;
    assert_int_equal(svcm_customers_check(&c, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "stride");
    assert_int_equal(svcm_customers_check(NULL, &err), SVCM_EINVAL);
}

static void test_records_and_arrays_give_the_same_scores(void **state)
{
    (void)state;
    enum { N = 300 };
    static svcm_customer_record recs[N];
    static double r[N], f[N], m[N];
    for (size_t i = 0; i < N; i++) {
        r[i] = (double)(rnd() % 300);
        f[i] = (double)(rnd() % 9);
        m[i] = (double)(rnd() % 5000);
        recs[i] = (svcm_customer_record){.id = (int64_t)i, .recency = r[i], .frequency = f[i],
                                  .monetary = m[i], .tenure = NAN, .p_alive = NAN, .flags = 0};
    }
    svcm_customers a = soa(N, r, f, m), b;
    assert_int_equal(svcm_customers_from_records(recs, N, &b), SVCM_OK);
    svcm_rfm_edges ea, eb;
    assert_int_equal(svcm_rfm_fit(&a, 6, NULL, &ea, NULL), SVCM_OK);
    /* NaN tenure and p_alive are not read: their flags are off. */
    assert_int_equal(svcm_rfm_fit(&b, 6, NULL, &eb, NULL), SVCM_OK);
    assert_edges_equal(&ea, &eb);
    static uint8_t sa[3][N], sb[3][N];
    assert_int_equal(svcm_rfm_score(&a, &ea, sa[0], sa[1], sa[2], NULL), SVCM_OK);
    assert_int_equal(svcm_rfm_score(&b, &eb, sb[0], sb[1], sb[2], NULL), SVCM_OK);
    assert_memory_equal(sa, sb, sizeof sa);
    /* Flag on: the NaN is now read and refused. */
    recs[7].flags = SVCM_CUSTOMER_HAS_TENURE;
    svcm_error err;
    assert_int_equal(svcm_rfm_fit(&b, 6, NULL, &eb, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 7);
    assert_string_equal(err.field, "tenure");
    assert_int_equal(svcm_customers_from_records(NULL, 3, &b), SVCM_EINVAL);
    assert_int_equal(svcm_customers_from_records(NULL, 0, &b), SVCM_OK);
    assert_int_equal(b.n, 0);
}

static void test_fit_argument_errors_and_empty_population(void **state)
{
    (void)state;
    double x[3] = {1, 2, 3}, e[9];
    svcm_error err;
    assert_int_equal(svcm_rfm_column_edges(x, 0, 5, NULL, e, &err), SVCM_EEMPTY);
    assert_int_equal(svcm_rfm_column_edges(x, 3, 1, NULL, e, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "bins");
    assert_int_equal(svcm_rfm_column_edges(x, 3, 11, NULL, e, &err), SVCM_EINVAL);
    assert_int_equal(svcm_rfm_column_edges(NULL, 3, 5, NULL, e, &err), SVCM_EINVAL);
    assert_int_equal(svcm_rfm_column_edges(x, 3, 5, NULL, NULL, &err), SVCM_EINVAL);
    x[1] = NAN;
    assert_int_equal(svcm_rfm_column_edges(x, 3, 5, NULL, e, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 1);
    assert_string_equal(err.field, "value");
    double unsorted[3] = {1, 3, 2};
    assert_int_equal(svcm_rfm_sorted_edges(unsorted, 3, 5, e, &err), SVCM_EINVAL);
    assert_int_equal(err.index, 2);
    assert_int_equal(svcm_rfm_sorted_edges(unsorted, 0, 5, e, &err), SVCM_EEMPTY);
    svcm_customers c = soa(0, NULL, NULL, NULL);
    svcm_rfm_edges ed;
    assert_int_equal(svcm_rfm_fit(&c, 5, NULL, &ed, &err), SVCM_EEMPTY);
    assert_int_equal(svcm_rfm_fit(&c, 5, NULL, NULL, &err), SVCM_EINVAL);
    /* Scoring nobody is fine. */
    svcm_rfm_edges fixed = {.bins = 2, .recency = {1}, .frequency = {1}, .monetary = {1}};
    assert_int_equal(svcm_rfm_score(&c, &fixed, NULL, NULL, NULL, NULL), SVCM_OK);
}

/* An allocator that fails from the n-th call on. */
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
    if (p == NULL)
        return f_alloc(ctx, size);
    fail_ctx *fc = ctx;
    if (fc->calls++ >= fc->fail_at)
        return NULL;
    return realloc(p, size);
}
static void f_free(void *ctx, void *p)
{
    fail_ctx *fc = ctx;
    if (p != NULL)
        fc->live--;
    free(p);
}

static void test_fit_reports_out_of_memory_without_leaking(void **state)
{
    (void)state;
    /* 50 values take the direct path (one allocation, reused for the three
     * columns), 5000 the histogram path (parts, histograms, bucket slots,
     * per-column plans, the scratch array: five for the three columns). */
    static double x[5000];
    for (int i = 0; i < 5000; i++)
        x[i] = i % 77;
    for (size_t n = 50; n <= 5000; n += 4950) {
        svcm_customers c = soa(n, x, x, x);
        int ok_seen = 0;
        for (int fail_at = 0; fail_at < 10; fail_at++) {
            fail_ctx fc = {0, fail_at, 0};
            svcm_allocator a = {f_alloc, f_realloc, f_free, &fc};
            svcm_rfm_edges e;
            memset(&e, 0, sizeof e);
            int rc = svcm_rfm_fit(&c, 5, &a, &e, NULL);
            assert_true(rc == SVCM_OK || rc == SVCM_ENOMEM);
            if (rc == SVCM_ENOMEM)
                assert_int_equal(e.bins, 0); /* untouched */
            ok_seen += rc == SVCM_OK;
            assert_int_equal(fc.live, 0);
            assert_int_equal(rc, fail_at < (n == 50 ? 1 : 5) ? SVCM_ENOMEM : SVCM_OK);
        }
        assert_true(ok_seen > 0);
    }
}

static void test_heap_sort_fallback_sorts_like_qsort(void **state)
{
    (void)state;
    for (size_t m = 0; m < 300; m += 7) {
        double a[300], b[300];
        for (size_t i = 0; i < m; i++)
            a[i] = b[i] = (double)(rnd() % (1 + m / 3)) - 5.0;
        heap_sort(a, 0, m);
        qsort(b, m, sizeof *b, cmp_double);
        assert_memory_equal(a, b, m * sizeof *a);
    }
    /* A sub-range only: the outside is untouched. */
    double c[6] = {9, 3, 2, 1, 0, -9};
    heap_sort(c, 1, 5);
    const double want[6] = {9, 0, 1, 2, 3, -9};
    assert_memory_equal(c, want, sizeof c);
}

/* Orders known to hurt median-of-three pivots: Musser's median-of-3 killer
 * (Musser 1997, "Introspective sorting and selection algorithms"), organ
 * pipes and saw teeth. The killer drives select3 past its round budget into
 * the heap-sort fallback (checked once with an instrumented copy: 11 of
 * these 17 selections take it). Selection must stay exact on all of them. */
static void test_select_is_exact_on_adversarial_orders(void **state)
{
    (void)state;
    enum { M = 1 << 14 };
    static double a[M], s[M];
    for (int shape = 0; shape < 3; shape++) {
        for (size_t i = 0; i < M; i++) {
            if (shape == 0) { /* Musser: k = M/2; a[i] = i+1 for odd i < k, ... */
                size_t k = M / 2;
                if (i < k)
                    a[i] = (i % 2 == 0) ? (double)(i + 1) : (double)(k + i);
                else
                    a[i] = (double)(2 * (i - k + 1));
            } else if (shape == 1) {
                a[i] = (double)(i < M / 2 ? i : M - i);
            } else {
                a[i] = (double)(i % 97);
            }
        }
        memcpy(s, a, sizeof a);
        qsort(s, M, sizeof *s, cmp_double);
        for (size_t r = 0; r < M; r += M / 16 - 1) {
            double b[M];
            memcpy(b, a, sizeof a);
            size_t lt, gt;
            double v = select3(b, 0, M, r, &lt, &gt);
            assert_true(v == s[r]);
            assert_true(lt <= r && r < gt);
            for (size_t i = 0; i < M; i++) /* the three-way split holds */
                assert_true(i < lt ? b[i] < v : i < gt ? b[i] == v : b[i] > v);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fitted_edges_split_ten_distinct_values_into_pairs),
        cmocka_unit_test(test_fitted_edges_when_n_is_not_a_multiple_of_bins),
        cmocka_unit_test(test_value_on_an_edge_takes_the_lower_bin),
        cmocka_unit_test(test_all_equal_population_scores_everyone_in_the_first_bin),
        cmocka_unit_test(test_fewer_customers_than_bins_leave_the_top_bin_empty),
        cmocka_unit_test(test_duplicates_make_edges_coincide_and_ties_are_never_split),
        cmocka_unit_test(test_zeros_and_negative_zero_give_positive_zero_edges),
        cmocka_unit_test(test_fit_matches_counting_definition_on_random_small_samples),
        cmocka_unit_test(test_fit_matches_full_sort_on_large_varied_columns),
        cmocka_unit_test(test_scores_do_not_depend_on_input_order),
        cmocka_unit_test(test_fixed_edges_keep_scores_stable_across_populations),
        cmocka_unit_test(test_bad_edges_are_rejected_with_field_and_index),
        cmocka_unit_test(test_bad_customers_are_rejected_with_record_and_field),
        cmocka_unit_test(test_records_and_arrays_give_the_same_scores),
        cmocka_unit_test(test_fit_argument_errors_and_empty_population),
        cmocka_unit_test(test_fit_reports_out_of_memory_without_leaking),
        cmocka_unit_test(test_heap_sort_fallback_sorts_like_qsort),
        cmocka_unit_test(test_select_is_exact_on_adversarial_orders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
