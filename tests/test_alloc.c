/* Allocation-failure injection across every public function that takes an
 * allocator or allocates through one.
 *
 * A counting allocator fails the k-th allocation (alloc or realloc; a failed
 * realloc keeps the old block, as realloc does), either alone or together
 * with every later one. Each call under test is run with k = 0, 1, 2, ...
 * until it succeeds; at every k where a failure was injected the call must
 * return SVCM_ENOMEM, free what it took (live blocks and bytes back where
 * they were; a call on an existing object may instead keep a buffer it grew
 * for that object, see probe::may_keep_growth) and leave its objects and
 * outputs unchanged, compared byte for byte through the objects' own save
 * functions, quantiles or check results, or the output buffers. Every
 * object is then used further and compared with the same object built
 * through libc without failures, and every test ends with no block live. */
/* mkdtemp, setenv and rmdir (POSIX.1-2008) for the zone file found through
 * TZDIR; the build is otherwise strict C11. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "svcm.h"

/* ------------------------------------------------------------ allocator */

/* Header in front of each block: its size, for the live-byte count. */
typedef union block_hdr {
    max_align_t align;
    size_t size;
} block_hdr;

typedef struct counting {
    long fail_at;    /* index of the allocation to fail, or -1 for none */
    bool fail_rest;  /* also fail every allocation after it */
    size_t calls;    /* alloc and realloc calls since the last reset */
    size_t injected; /* failures returned since the last reset */
    size_t live;     /* blocks allocated and not yet freed */
    size_t bytes;    /* their total requested size */
} counting;

static bool should_fail(counting *c)
{
    size_t i = c->calls++;
    if (c->fail_at >= 0 && (c->fail_rest ? i >= (size_t)c->fail_at : i == (size_t)c->fail_at)) {
        c->injected++;
        return true;
    }
    return false;
}

static void *t_alloc(void *ctx, size_t size)
{
    counting *c = ctx;
    if (should_fail(c) || size > SIZE_MAX - sizeof(block_hdr))
        return NULL;
    block_hdr *h = malloc(sizeof *h + size);
    if (h == NULL)
        return NULL;
    h->size = size;
    c->live++;
    c->bytes += size;
    return h + 1;
}

static void *t_realloc(void *ctx, void *ptr, size_t size)
{
    if (ptr == NULL)
        return t_alloc(ctx, size);
    counting *c = ctx;
    if (should_fail(c) || size > SIZE_MAX - sizeof(block_hdr))
        return NULL;
    block_hdr *old = (block_hdr *)ptr - 1;
    size_t old_size = old->size;
    block_hdr *h = realloc(old, sizeof *h + size);
    if (h == NULL)
        return NULL;
    h->size = size;
    c->bytes = c->bytes - old_size + size;
    return h + 1;
}

static void t_free(void *ctx, void *ptr)
{
    if (ptr == NULL)
        return;
    counting *c = ctx;
    block_hdr *h = (block_hdr *)ptr - 1;
    if (c->live == 0)
        fail_msg("free of a block the counting allocator did not hand out");
    c->live--;
    c->bytes -= h->size;
    free(h);
}

static counting ct = {-1, false, 0, 0, 0, 0};
static const svcm_allocator A = {t_alloc, t_realloc, t_free, &ct};

/* Failing k values exercised over the whole run (printed at the end). */
static size_t total_k;

/* --------------------------------------------------------------- driver */

typedef struct blob {
    unsigned char *p;
    size_t n;
} blob;

static void blob_put(blob *b, const void *p, size_t n)
{
    unsigned char *q = realloc(b->p, b->n + n + 1);
    assert_non_null(q);
    if (n > 0)
        memcpy(q + b->n, p, n);
    b->p = q;
    b->n += n;
}

/* Per call: failing k values run, and whether a failure was seen to keep
 * memory for its object (printed at the end, for the record). */
typedef struct call_stat {
    const char *name;
    size_t failing;
    bool kept;
} call_stat;
static call_stat stats[64];
static size_t n_stats;

static call_stat *stat_of(const char *name)
{
    for (size_t i = 0; i < n_stats; i++)
        if (strcmp(stats[i].name, name) == 0)
            return &stats[i];
    assert_true(n_stats < sizeof stats / sizeof stats[0]);
    stats[n_stats] = (call_stat){name, 0, false};
    return &stats[n_stats++];
}

typedef struct probe {
    const char *name;
    int (*op)(void *ctx);              /* the call under test */
    void (*print)(void *ctx, blob *b); /* what a failure must not change; may be NULL */
    void (*after_fail)(void *ctx);     /* further checks after a failure; may be NULL */
    void *ctx;
    /* A failed call on an object may keep a buffer it already grew or
     * allocated for the object (the object is otherwise unchanged): blocks
     * and bytes may then rise, never fall. Such blocks are still the
     * object's: every test ends with all objects freed and no block live,
     * and valgrind checks the same. */
    bool may_keep_growth;
} probe;

/* Run the probe with the k-th allocation failing, k = 0, 1, ..., until a
 * run without an injected failure; returns that run's status (SVCM_OK is
 * asserted). */
static size_t inject(const probe *p)
{
    for (long k = 0;; k++) {
        blob before = {NULL, 0}, after = {NULL, 0};
        if (p->print != NULL)
            p->print(p->ctx, &before);
        size_t live0 = ct.live, bytes0 = ct.bytes;
        ct.fail_at = k;
        ct.calls = 0;
        ct.injected = 0;
        int rc = p->op(p->ctx);
        ct.fail_at = -1;
        if (ct.injected == 0) {
            if (rc != SVCM_OK)
                fail_msg("%s: %s without an injected failure (k = %ld)", p->name,
                         svcm_status_name(rc), k);
            free(before.p);
            return (size_t)k;
        }
        total_k++;
        call_stat *st = stat_of(p->name);
        st->failing++;
        if (rc != SVCM_ENOMEM)
            fail_msg("%s: allocation %ld failed but the call returned %s, want SVCM_ENOMEM",
                     p->name, k, svcm_status_name(rc));
        if (p->may_keep_growth ? ct.live < live0 : ct.live != live0)
            fail_msg("%s: allocation %ld failed: %zu blocks live, want %zu", p->name, k,
                     ct.live, live0);
        if (p->may_keep_growth ? ct.bytes < bytes0 : ct.bytes != bytes0)
            fail_msg("%s: allocation %ld failed: %zu bytes live, want %zu", p->name, k,
                     ct.bytes, bytes0);
        if (ct.live != live0 || ct.bytes != bytes0)
            st->kept = true;
        if (p->print != NULL) {
            p->print(p->ctx, &after);
            if (after.n != before.n || (after.n > 0 && memcmp(after.p, before.p, after.n) != 0))
                fail_msg("%s: allocation %ld failed and the state changed", p->name, k);
        }
        if (p->after_fail != NULL)
            p->after_fail(p->ctx);
        free(before.p);
        free(after.p);
    }
}

static void print_ptr(blob *b, const void *ptr) { blob_put(b, &ptr, sizeof ptr); }

/* Placeholders that *out must still hold after a failed constructor. */
static char sentinel_byte;
#define SENTINEL ((void *)&sentinel_byte)

/* ------------------------------------------------------------- feedback */

typedef struct fb_ctx {
    svcm_feedback_options opts;
    const unsigned char *buf;
    size_t len;
    svcm_feedback *out, *dst, *src;
} fb_ctx;

static int fb_new(void *v)
{
    fb_ctx *c = v;
    return svcm_feedback_new(&c->opts, &A, &c->out, NULL);
}
static int fb_load(void *v)
{
    fb_ctx *c = v;
    return svcm_feedback_load(c->buf, c->len, &A, &c->out, NULL);
}
static int fb_merge(void *v)
{
    fb_ctx *c = v;
    return svcm_feedback_merge(c->dst, c->src);
}
static void fb_print_out(void *v, blob *b) { print_ptr(b, ((fb_ctx *)v)->out); }

static void fb_save(const svcm_feedback *f, blob *b)
{
    size_t len = 0;
    assert_int_equal(svcm_feedback_save(f, NULL, 0, &len), SVCM_ENOSPC);
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    assert_int_equal(svcm_feedback_save(f, buf, len, &len), SVCM_OK);
    blob_put(b, buf, len);
    free(buf);
}
static void fb_print_dst(void *v, blob *b) { fb_save(((fb_ctx *)v)->dst, b); }

/* svcm_fcr_repeats: its scratch copy fails cleanly, outputs untouched. */
typedef struct fcr_ctx {
    const int64_t *customer, *created;
    size_t n;
    uint8_t outcome[6];
    svcm_rate rate;
} fcr_ctx;

static int fcr_op(void *v)
{
    fcr_ctx *c = v;
    return svcm_fcr_repeats(c->customer, c->created, c->n, 10, 100, &A, c->outcome, &c->rate,
                            NULL);
}
static void fcr_print(void *v, blob *b)
{
    fcr_ctx *c = v;
    blob_put(b, c->outcome, sizeof c->outcome);
    blob_put(b, &c->rate.successes, sizeof c->rate.successes);
    blob_put(b, &c->rate.trials, sizeof c->rate.trials);
}

static void test_feedback_new_load_merge_fail_cleanly(void **state)
{
    (void)state;
    fb_ctx c = {0};
    svcm_feedback_options_init(&c.opts, SVCM_FEEDBACK_KIND_NPS);
    double scores[500];
    for (size_t i = 0; i < 500; i++)
        scores[i] = (double)(i * 7 % 11);

    c.out = SENTINEL;
    inject(&(probe){"svcm_feedback_new", fb_new, fb_print_out, NULL, &c, false});
    svcm_feedback *f = c.out;
    assert_int_equal(svcm_feedback_add_batch(f, scores, 500, NULL), SVCM_OK);

    blob saved = {NULL, 0};
    fb_save(f, &saved);
    c.buf = saved.p;
    c.len = saved.n;
    c.out = SENTINEL;
    inject(&(probe){"svcm_feedback_load", fb_load, fb_print_out, NULL, &c, false});
    svcm_feedback *g = c.out;

    c.dst = f;
    c.src = g;
    inject(&(probe){"svcm_feedback_merge", fb_merge, fb_print_dst, NULL, &c, false});
    assert_int_equal(svcm_feedback_count(f), 1000);

    svcm_feedback_free(f);
    svcm_feedback_free(g);
    free(saved.p);

    static const int64_t who[6] = {3, 1, 3, 2, 1, 3}, when[6] = {0, 5, 8, 20, 30, 95};
    fcr_ctx fc = {who, when, 6, {9, 9, 9, 9, 9, 9}, {SVCM_RATE_KIND_GENERIC, 0, 0}};
    inject(&(probe){"svcm_fcr_repeats", fcr_op, fcr_print, NULL, &fc, false});
    /* 3@0 repeated by 3@8; 1@5 resolved (next 25 later); 3@8, 2@20, 1@30
     * resolved; 3@95 undecided (window to 105 > 100). */
    assert_int_equal(fc.rate.successes, 4);
    assert_int_equal(fc.rate.trials, 5);
    assert_int_equal(fc.outcome[5], SVCM_FCR_OUTCOME_UNDECIDED);
    assert_int_equal(ct.live, 0);
}

/* --------------------------------------------------------------- sketch */

/* Values over 21 orders of e in a scrambled order, with some zeros: the
 * buckets grow at both ends long after the sketch stops being exact. */
static double spread(size_t i)
{
    if (i % 97 == 0)
        return 0.0;
    return exp((double)(i * 7919 % 3001) / 3001.0 * 21.0 - 10.0);
}

#define SK_N 3000

static const double qs[] = {0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 1.0};
#define NQ (sizeof qs / sizeof qs[0])

typedef struct sk_ctx {
    svcm_sketch *s, *src, *out;
    const double *xs;
    size_t n;
    double x;
    const unsigned char *buf;
    size_t len;
} sk_ctx;

static void sk_save(const svcm_sketch *s, blob *b)
{
    size_t len = 0;
    assert_int_equal(svcm_sketch_save(s, NULL, 0, &len), SVCM_ENOSPC);
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    assert_int_equal(svcm_sketch_save(s, buf, len, &len), SVCM_OK);
    blob_put(b, buf, len);
    free(buf);
}

/* Saved bytes, count and the answers to a fixed set of quantiles. */
static void sk_print(const svcm_sketch *s, blob *b)
{
    sk_save(s, b);
    uint64_t n = svcm_sketch_count(s);
    blob_put(b, &n, sizeof n);
    if (n > 0) {
        double out[NQ];
        assert_int_equal(svcm_sketch_quantiles(s, qs, NQ, out, NULL), SVCM_OK);
        blob_put(b, out, sizeof out);
    }
}
static void sk_print_s(void *v, blob *b) { sk_print(((sk_ctx *)v)->s, b); }
static void sk_print_out(void *v, blob *b) { print_ptr(b, ((sk_ctx *)v)->out); }

static int sk_new(void *v)
{
    sk_ctx *c = v;
    return svcm_sketch_new(NULL, &A, &c->out, NULL);
}
static int sk_add(void *v)
{
    sk_ctx *c = v;
    return svcm_sketch_add(c->s, c->x);
}
static int sk_add_batch(void *v)
{
    sk_ctx *c = v;
    return svcm_sketch_add_batch(c->s, c->xs, c->n, NULL);
}
static int sk_merge(void *v)
{
    sk_ctx *c = v;
    return svcm_sketch_merge(c->s, c->src);
}
static int sk_load(void *v)
{
    sk_ctx *c = v;
    return svcm_sketch_load(c->buf, c->len, &A, &c->out, NULL);
}

static void assert_same_sketch(const svcm_sketch *got, const svcm_sketch *want)
{
    blob a = {NULL, 0}, b = {NULL, 0};
    sk_print(got, &a);
    sk_print(want, &b);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.p, b.p, a.n);
    free(a.p);
    free(b.p);
}

static svcm_sketch *sk_make(size_t lo, size_t hi)
{
    sk_ctx c = {0};
    c.out = SENTINEL;
    inject(&(probe){"svcm_sketch_new", sk_new, sk_print_out, NULL, &c, false});
    double xs[SK_N];
    for (size_t i = lo; i < hi; i++)
        xs[i - lo] = spread(i);
    c.s = c.out;
    c.xs = xs;
    c.n = hi - lo;
    inject(&(probe){"svcm_sketch_add_batch", sk_add_batch, sk_print_s, NULL, &c, true});
    return c.out;
}

static svcm_sketch *sk_ref(size_t lo, size_t hi)
{
    svcm_sketch *s = NULL;
    assert_int_equal(svcm_sketch_new(NULL, NULL, &s, NULL), SVCM_OK);
    for (size_t i = lo; i < hi; i++)
        assert_int_equal(svcm_sketch_add(s, spread(i)), SVCM_OK);
    return s;
}

static void test_sketch_add_fails_cleanly_through_every_growth(void **state)
{
    (void)state;
    sk_ctx c = {0};
    c.out = SENTINEL;
    inject(&(probe){"svcm_sketch_new", sk_new, sk_print_out, NULL, &c, false});
    c.s = c.out;
    size_t failing = 0;
    for (size_t i = 0; i < SK_N; i++) {
        c.x = spread(i);
        failing += inject(&(probe){"svcm_sketch_add", sk_add, sk_print_s, NULL, &c, false});
    }
    assert_true(failing > 0);
    svcm_sketch *ref = sk_ref(0, SK_N);
    assert_same_sketch(c.s, ref);
    svcm_sketch_free(ref);
    svcm_sketch_free(c.s);
    assert_int_equal(ct.live, 0);
}

static void test_sketch_add_batch_fails_cleanly_in_every_batch_size(void **state)
{
    (void)state;
    sk_ctx c = {0};
    c.out = SENTINEL;
    inject(&(probe){"svcm_sketch_new", sk_new, sk_print_out, NULL, &c, false});
    c.s = c.out;
    double xs[SK_N];
    for (size_t i = 0; i < SK_N; i++)
        xs[i] = spread(i);
    /* Batches of 1, 2, 3, ... values: some stay exact, one crosses the
     * exact limit, the later ones widen the bucket range. */
    size_t failing = 0;
    for (size_t at = 0, len = 1; at < SK_N; at += len, len++) {
        c.xs = xs + at;
        c.n = at + len <= SK_N ? len : SK_N - at;
        failing += inject(&(probe){"svcm_sketch_add_batch", sk_add_batch, sk_print_s, NULL,
                                   &c, true});
    }
    assert_true(failing > 0);
    svcm_sketch *ref = sk_ref(0, SK_N);
    assert_same_sketch(c.s, ref);
    svcm_sketch_free(ref);
    svcm_sketch_free(c.s);
    assert_int_equal(ct.live, 0);
}

static void merge_case(size_t dlo, size_t dhi, size_t slo, size_t shi, bool self)
{
    sk_ctx c = {0};
    c.s = sk_make(dlo, dhi);
    c.src = self ? c.s : sk_make(slo, shi);
    svcm_sketch *ref = sk_ref(dlo, dhi);
    svcm_sketch *ref_src = self ? ref : sk_ref(slo, shi);
    assert_int_equal(svcm_sketch_merge(ref, ref_src), SVCM_OK);
    inject(&(probe){"svcm_sketch_merge", sk_merge, sk_print_s, NULL, &c, false});
    assert_same_sketch(c.s, ref);
    /* Still usable: one more value in each. */
    assert_int_equal(svcm_sketch_add(c.s, 123.0), SVCM_OK);
    assert_int_equal(svcm_sketch_add(ref, 123.0), SVCM_OK);
    assert_same_sketch(c.s, ref);
    if (!self) {
        svcm_sketch_free(c.src);
        svcm_sketch_free(ref_src);
    }
    svcm_sketch_free(c.s);
    svcm_sketch_free(ref);
    assert_int_equal(ct.live, 0);
}

static void test_sketch_merge_fails_cleanly_exact_binned_and_self(void **state)
{
    (void)state;
    merge_case(0, 100, 100, SK_N, false);     /* exact dst, binned src */
    merge_case(0, 600, 600, 1200, false);     /* exact + exact past the limit */
    merge_case(0, 2000, 2000, SK_N, false);   /* binned + binned */
    merge_case(0, 50, 0, 0, true);            /* exact, merged with itself */
    merge_case(0, SK_N, 0, 0, true);          /* binned, merged with itself */
    merge_case(500, 1500, 0, 10, false);      /* binned dst, exact src */
}

static void load_case(size_t n)
{
    sk_ctx c = {0};
    svcm_sketch *ref = sk_ref(0, n);
    blob saved = {NULL, 0};
    sk_save(ref, &saved);
    c.buf = saved.p;
    c.len = saved.n;
    c.out = SENTINEL;
    inject(&(probe){"svcm_sketch_load", sk_load, sk_print_out, NULL, &c, false});
    assert_same_sketch(c.out, ref);
    svcm_sketch_free(c.out);
    svcm_sketch_free(ref);
    free(saved.p);
    assert_int_equal(ct.live, 0);
}

static void test_sketch_load_fails_cleanly_exact_and_binned(void **state)
{
    (void)state;
    load_case(0);
    load_case(500);
    load_case(SK_N);
}

/* ------------------------------------------------------------ durations */

typedef struct du_ctx {
    svcm_durations *d, *src, *out;
    const double *xs;
    size_t n;
    double x;
    const unsigned char *buf;
    size_t len;
} du_ctx;

static void du_save(const svcm_durations *d, blob *b)
{
    size_t len = 0;
    assert_int_equal(svcm_durations_save(d, NULL, 0, &len), SVCM_ENOSPC);
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    assert_int_equal(svcm_durations_save(d, buf, len, &len), SVCM_OK);
    blob_put(b, buf, len);
    free(buf);
    uint64_t n = svcm_durations_count(d);
    blob_put(b, &n, sizeof n);
    if (n > 0) {
        double out[NQ];
        assert_int_equal(svcm_durations_quantiles(d, qs, NQ, out, NULL), SVCM_OK);
        blob_put(b, out, sizeof out);
    }
}
static void du_print_d(void *v, blob *b) { du_save(((du_ctx *)v)->d, b); }
static void du_print_out(void *v, blob *b) { print_ptr(b, ((du_ctx *)v)->out); }

static int du_new(void *v)
{
    du_ctx *c = v;
    return svcm_durations_new(NULL, &A, &c->out, NULL);
}
static int du_add(void *v)
{
    du_ctx *c = v;
    return svcm_durations_add(c->d, c->x);
}
static int du_add_batch(void *v)
{
    du_ctx *c = v;
    return svcm_durations_add_batch(c->d, c->xs, c->n, NULL);
}
static int du_merge(void *v)
{
    du_ctx *c = v;
    return svcm_durations_merge(c->d, c->src);
}
static int du_load(void *v)
{
    du_ctx *c = v;
    return svcm_durations_load(c->buf, c->len, &A, &c->out, NULL);
}

static svcm_durations *du_ref(size_t lo, size_t hi)
{
    svcm_durations *d = NULL;
    assert_int_equal(svcm_durations_new(NULL, NULL, &d, NULL), SVCM_OK);
    for (size_t i = lo; i < hi; i++)
        assert_int_equal(svcm_durations_add(d, spread(i)), SVCM_OK);
    return d;
}

static void assert_same_durations(const svcm_durations *got, const svcm_durations *want)
{
    blob a = {NULL, 0}, b = {NULL, 0};
    du_save(got, &a);
    du_save(want, &b);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.p, b.p, a.n);
    free(a.p);
    free(b.p);
}

static void test_durations_every_allocating_call_fails_cleanly(void **state)
{
    (void)state;
    du_ctx c = {0};
    double xs[SK_N];
    for (size_t i = 0; i < SK_N; i++)
        xs[i] = spread(i);

    /* new, then one value at a time through the exact limit */
    c.out = SENTINEL;
    inject(&(probe){"svcm_durations_new", du_new, du_print_out, NULL, &c, false});
    c.d = c.out;
    size_t failing = 0;
    for (size_t i = 0; i < 1500; i++) {
        c.x = xs[i];
        failing += inject(&(probe){"svcm_durations_add", du_add, du_print_d, NULL, &c, false});
    }
    assert_true(failing > 0);
    svcm_durations *ref = du_ref(0, 1500);
    assert_same_durations(c.d, ref);

    /* a second accumulator fed in growing batches */
    c.out = SENTINEL;
    inject(&(probe){"svcm_durations_new", du_new, du_print_out, NULL, &c, false});
    svcm_durations *first = c.d;
    c.d = c.out;
    failing = 0;
    for (size_t at = 1500, len = 1; at < SK_N; at += len, len += 3) {
        c.xs = xs + at;
        c.n = at + len <= SK_N ? len : SK_N - at;
        failing += inject(&(probe){"svcm_durations_add_batch", du_add_batch, du_print_d, NULL,
                                   &c, true});
    }
    assert_true(failing > 0);
    svcm_durations *ref2 = du_ref(1500, SK_N);
    assert_same_durations(c.d, ref2);

    /* merge the first into a small exact one, then a binned one into itself */
    svcm_durations *second = c.d;
    c.out = SENTINEL;
    inject(&(probe){"svcm_durations_new", du_new, du_print_out, NULL, &c, false});
    c.d = c.out;
    c.xs = xs;
    c.n = 10;
    inject(&(probe){"svcm_durations_add_batch", du_add_batch, du_print_d, NULL, &c, true});
    svcm_durations *ref3 = du_ref(0, 10);
    c.src = first;
    inject(&(probe){"svcm_durations_merge", du_merge, du_print_d, NULL, &c, false});
    assert_int_equal(svcm_durations_merge(ref3, ref), SVCM_OK);
    assert_same_durations(c.d, ref3);
    svcm_durations *third = c.d;
    c.d = second;
    c.src = second;
    inject(&(probe){"svcm_durations_merge (self)", du_merge, du_print_d, NULL, &c, false});
    assert_int_equal(svcm_durations_merge(ref2, ref2), SVCM_OK);
    assert_same_durations(second, ref2);

    /* load of an exact and of a binned accumulator */
    for (int which = 0; which < 2; which++) {
        svcm_durations *orig = which == 0 ? du_ref(0, 100) : second;
        blob saved = {NULL, 0};
        size_t len = 0;
        assert_int_equal(svcm_durations_save(orig, NULL, 0, &len), SVCM_ENOSPC);
        saved.p = malloc(len);
        assert_non_null(saved.p);
        assert_int_equal(svcm_durations_save(orig, saved.p, len, &saved.n), SVCM_OK);
        c.buf = saved.p;
        c.len = saved.n;
        c.out = SENTINEL;
        inject(&(probe){"svcm_durations_load", du_load, du_print_out, NULL, &c, false});
        assert_same_durations(c.out, orig);
        assert_int_equal(svcm_durations_add(c.out, 1.0), SVCM_OK);
        svcm_durations_free(c.out);
        if (which == 0)
            svcm_durations_free(orig);
        free(saved.p);
    }

    svcm_durations_free(first);
    svcm_durations_free(second);
    svcm_durations_free(third);
    svcm_durations_free(ref);
    svcm_durations_free(ref2);
    svcm_durations_free(ref3);
    assert_int_equal(ct.live, 0);
}

/* ------------------------------------------------------------- calendar */

typedef struct cal_ctx {
    svcm_calendar_options opts;
    const char *text;
    size_t len;
    svcm_calendar *out;
} cal_ctx;

static int cal_new(void *v)
{
    cal_ctx *c = v;
    return svcm_calendar_new(&c->opts, &A, &c->out, NULL);
}
static int cal_parse(void *v)
{
    cal_ctx *c = v;
    return svcm_calendar_parse(c->text, c->len, &A, &c->out, NULL);
}
static void cal_print_out(void *v, blob *b) { print_ptr(b, ((cal_ctx *)v)->out); }

static char *cal_text(const svcm_calendar *cal)
{
    size_t len = 0;
    assert_int_equal(svcm_calendar_format(cal, NULL, 0, &len), SVCM_ENOSPC);
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    assert_int_equal(svcm_calendar_format(cal, buf, len + 1, &len), SVCM_OK);
    return buf;
}

static void test_calendar_new_and_parse_fail_cleanly(void **state)
{
    (void)state;
    /* Three shifts a day (the last overnight on Sunday) and 40 holidays:
     * more than any initial capacity. */
    svcm_calendar_interval iv[21];
    for (int d = 0; d < 7; d++) {
        iv[3 * d] = (svcm_calendar_interval){d, 6 * 3600, 10 * 3600};
        iv[3 * d + 1] = (svcm_calendar_interval){d, 11 * 3600, 15 * 3600};
        iv[3 * d + 2] = (svcm_calendar_interval){d, 16 * 3600, d == 6 ? 2 * 3600 : 20 * 3600};
    }
    iv[20].start = 22 * 3600;
    svcm_date hol[40];
    for (int i = 0; i < 40; i++)
        hol[i] = (svcm_date){2026 + i / 12, 1 + i % 12, 1 + i % 28};
    cal_ctx c = {0};
    svcm_calendar_options_init(&c.opts);
    c.opts.utc_offset_minutes = 330;
    c.opts.intervals = iv;
    c.opts.n_intervals = 21;
    c.opts.holidays = hol;
    c.opts.n_holidays = 40;
    c.out = SENTINEL;
    inject(&(probe){"svcm_calendar_new", cal_new, cal_print_out, NULL, &c, false});
    svcm_calendar *made = c.out;
    svcm_calendar *ref = NULL;
    assert_int_equal(svcm_calendar_new(&c.opts, NULL, &ref, NULL), SVCM_OK);
    char *want = cal_text(ref);
    char *got = cal_text(made);
    assert_string_equal(got, want);
    free(got);

    /* The parser grows its interval and holiday lists line by line. */
    char text[8192];
    size_t len = (size_t)snprintf(text, sizeof text, "utc_offset = +05:30\n");
    static const char *days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (int d = 0; d < 7; d++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s = 06:00-10:00, 11:00-15:00, %s\n",
                                days[d], d == 6 ? "22:00-02:00" : "16:00-20:00");
    for (int i = 0; i < 40; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "holiday = %04d-%02d-%02d\n",
                                hol[i].year, hol[i].month, hol[i].day);
    c.text = text;
    c.len = len;
    c.out = SENTINEL;
    inject(&(probe){"svcm_calendar_parse", cal_parse, cal_print_out, NULL, &c, false});
    got = cal_text(c.out);
    assert_string_equal(got, want);
    free(got);
    free(want);
    svcm_calendar_free(c.out);
    svcm_calendar_free(made);
    svcm_calendar_free(ref);

    /* Zoned (0.2): the calendar makes and owns its zone, from the options
     * or from a zone line, through the same allocator. */
    static const char berlin[] = "CET-1CEST,M3.5.0,M10.5.0/3";
    c.opts.utc_offset_minutes = 0;
    c.opts.zone = berlin;
    c.out = SENTINEL;
    inject(&(probe){"svcm_calendar_new (zone)", cal_new, cal_print_out, NULL, &c, false});
    made = c.out;
    want = cal_text(made);
    assert_true(strncmp(want, "zone = CET-1CEST,M3.5.0,M10.5.0/3\n", 34) == 0);
    c.text = want;
    c.len = strlen(want);
    c.out = SENTINEL;
    inject(&(probe){"svcm_calendar_parse (zone)", cal_parse, cal_print_out, NULL, &c, false});
    got = cal_text(c.out);
    assert_string_equal(got, want);
    /* Across the spring changeover (Friday 2026-03-27 15:00 UTC to Monday
     * 2026-03-30 08:00 UTC) both calendars count the same. */
    int64_t x = 0, y = 0;
    assert_int_equal(svcm_calendar_business_seconds(made, 1774623600, 1774857600, &x), SVCM_OK);
    assert_int_equal(svcm_calendar_business_seconds(c.out, 1774623600, 1774857600, &y), SVCM_OK);
    assert_int_equal(x, y);
    assert_true(x > 0);
    free(got);
    free(want);
    svcm_calendar_free(c.out);
    svcm_calendar_free(made);
    assert_int_equal(ct.live, 0);
}

/* -------------------------------------------------------------- segment */

#define SEG_N 5000

typedef struct seg_ctx {
    const double *x;
    size_t n;
    double edges[SVCM_RFM_MAX_BINS - 1];
    svcm_customers cust;
    svcm_rfm_edges fit;
    const int64_t *old_ids, *new_ids;
    const uint8_t *old_tiers, *new_tiers;
    svcm_migration mig;
} seg_ctx;

static int seg_edges(void *v)
{
    seg_ctx *c = v;
    return svcm_rfm_column_edges(c->x, c->n, 5, &A, c->edges, NULL);
}
static int seg_fit(void *v)
{
    seg_ctx *c = v;
    return svcm_rfm_fit(&c->cust, 5, &A, &c->fit, NULL);
}
static int seg_mig(void *v)
{
    seg_ctx *c = v;
    return svcm_segment_migration(c->old_ids, c->old_tiers, SEG_N, c->new_ids, c->new_tiers,
                                  SEG_N, &A, &c->mig, NULL);
}
static void seg_print(void *v, blob *b)
{
    seg_ctx *c = v;
    blob_put(b, c->edges, sizeof c->edges);
    blob_put(b, &c->fit, sizeof c->fit);
    blob_put(b, &c->mig, sizeof c->mig);
}

static void test_segment_edges_fit_and_migration_fail_cleanly(void **state)
{
    (void)state;
    static double rec[SEG_N], freq[SEG_N], mon[SEG_N];
    static int64_t old_ids[SEG_N], new_ids[SEG_N];
    static uint8_t old_tiers[SEG_N], new_tiers[SEG_N];
    for (size_t i = 0; i < SEG_N; i++) {
        rec[i] = (double)(i * 37 % 365);
        freq[i] = (double)(i * 11 % 40);
        mon[i] = (double)(i * 7919 % 10007) / 3.0;
        old_ids[i] = (int64_t)(i * 2654435761u % 1000003) - 500000;
        new_ids[i] = (int64_t)((i + 1000) * 2654435761u % 1000003) - 500000;
        old_tiers[i] = (uint8_t)(i % SVCM_TIER_COUNT);
        new_tiers[i] = (uint8_t)(i * 3 % SVCM_TIER_COUNT);
    }
    seg_ctx c;
    memset(&c, 0xA5, sizeof c);
    c.x = mon;
    c.n = SEG_N;
    c.cust = (svcm_customers){0};
    c.cust.n = SEG_N;
    c.cust.recency = rec;
    c.cust.frequency = freq;
    c.cust.monetary = mon;
    c.old_ids = old_ids;
    c.new_ids = new_ids;
    c.old_tiers = old_tiers;
    c.new_tiers = new_tiers;

    double want_edges[SVCM_RFM_MAX_BINS - 1];
    assert_int_equal(svcm_rfm_column_edges(mon, SEG_N, 5, NULL, want_edges, NULL), SVCM_OK);
    inject(&(probe){"svcm_rfm_column_edges", seg_edges, seg_print, NULL, &c, false});
    assert_memory_equal(c.edges, want_edges, 4 * sizeof(double));

    svcm_rfm_edges want_fit;
    memset(&want_fit, 0xA5, sizeof want_fit);
    assert_int_equal(svcm_rfm_fit(&c.cust, 5, NULL, &want_fit, NULL), SVCM_OK);
    inject(&(probe){"svcm_rfm_fit", seg_fit, seg_print, NULL, &c, false});
    assert_memory_equal(&c.fit, &want_fit, sizeof want_fit);

    svcm_migration want_mig;
    assert_int_equal(svcm_segment_migration(old_ids, old_tiers, SEG_N, new_ids, new_tiers,
                                            SEG_N, NULL, &want_mig, NULL),
                     SVCM_OK);
    inject(&(probe){"svcm_segment_migration", seg_mig, seg_print, NULL, &c, false});
    assert_memory_equal(&c.mig, &want_mig, sizeof want_mig);
    assert_int_equal(ct.live, 0);
}

/* ------------------------------------------------------------- lifetime */

typedef struct lt_ctx {
    size_t n;
    double *x, *tx, *T, *zbar;
    struct svcm_bgnbd_fit_result bg;
    struct svcm_gammagamma_fit_result gg;
    size_t nt;
    int64_t *id, *time;
    double *value;
    int64_t end;
    svcm_customer_summary *sum;
    size_t count;
} lt_ctx;

static int lt_bgnbd(void *v)
{
    lt_ctx *c = v;
    return svcm_bgnbd_fit(c->x, c->tx, c->T, NULL, c->n, NULL, &A, &c->bg, NULL);
}
static int lt_gg(void *v)
{
    lt_ctx *c = v;
    return svcm_gammagamma_fit(c->x, c->zbar, c->n, NULL, &A, &c->gg, NULL);
}
static int lt_summarize(void *v)
{
    lt_ctx *c = v;
    return svcm_lifetime_summarize(c->id, c->time, c->value, c->nt, c->end, NULL, &A, c->sum,
                                   c->nt, &c->count, NULL);
}
static void lt_print(void *v, blob *b)
{
    lt_ctx *c = v;
    blob_put(b, &c->bg, sizeof c->bg);
    blob_put(b, &c->gg, sizeof c->gg);
    blob_put(b, c->sum, c->nt * sizeof *c->sum);
    blob_put(b, &c->count, sizeof c->count);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's
 * days_from_civil). */
static int64_t civil_days(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void test_lifetime_fits_and_summary_fail_cleanly(void **state)
{
    (void)state;
    lt_ctx c;
    memset(&c, 0xA5, sizeof c);
    /* The CDNOW sample (Fader, Hardie & Lee 2005): 2357 customers, 6919
     * transactions. */
    FILE *f = fopen(SVCM_DATA_DIR "/cdnow_summary.csv", "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    size_t cap = 4096;
    c.x = malloc(cap * sizeof *c.x);
    c.tx = malloc(cap * sizeof *c.tx);
    c.T = malloc(cap * sizeof *c.T);
    c.zbar = malloc(cap * sizeof *c.zbar);
    assert_true(c.x && c.tx && c.T && c.zbar);
    c.n = 0;
    int idn;
    while (fgets(line, sizeof line, f) != NULL && c.n < cap) {
        assert_int_equal(sscanf(line, "%d,%lf,%lf,%lf,%lf", &idn, &c.x[c.n], &c.tx[c.n],
                                &c.T[c.n], &c.zbar[c.n]),
                         5);
        c.n++;
    }
    fclose(f);
    assert_int_equal(c.n, 2357);

    f = fopen(SVCM_DATA_DIR "/cdnow_sample_transactions.txt", "r");
    assert_non_null(f);
    cap = 8192;
    c.id = malloc(cap * sizeof *c.id);
    c.time = malloc(cap * sizeof *c.time);
    c.value = malloc(cap * sizeof *c.value);
    assert_true(c.id && c.time && c.value);
    c.nt = 0;
    long master, sample, date;
    int cds;
    double value;
    while (c.nt < cap &&
           fscanf(f, "%ld %ld %ld %d %lf", &master, &sample, &date, &cds, &value) == 5) {
        c.id[c.nt] = sample;
        c.time[c.nt] =
            civil_days(date / 10000, (int)(date / 100 % 100), (int)(date % 100)) * 86400;
        c.value[c.nt] = value;
        c.nt++;
    }
    fclose(f);
    assert_int_equal(c.nt, 6919);
    c.end = civil_days(1997, 9, 30) * 86400;
    c.sum = malloc(c.nt * sizeof *c.sum);
    assert_non_null(c.sum);
    memset(c.sum, 0xA5, c.nt * sizeof *c.sum);

    struct svcm_bgnbd_fit_result bg;
    assert_int_equal(svcm_bgnbd_fit(c.x, c.tx, c.T, NULL, c.n, NULL, NULL, &bg, NULL), SVCM_OK);
    inject(&(probe){"svcm_bgnbd_fit", lt_bgnbd, lt_print, NULL, &c, false});
    assert_memory_equal(&c.bg.params, &bg.params, sizeof bg.params);
    assert_int_equal(c.bg.iterations, bg.iterations);

    struct svcm_gammagamma_fit_result gg;
    assert_int_equal(svcm_gammagamma_fit(c.x, c.zbar, c.n, NULL, NULL, &gg, NULL), SVCM_OK);
    inject(&(probe){"svcm_gammagamma_fit", lt_gg, lt_print, NULL, &c, false});
    assert_memory_equal(&c.gg.params, &gg.params, sizeof gg.params);

    svcm_customer_summary *want = malloc(c.nt * sizeof *want);
    assert_non_null(want);
    size_t want_count = 0;
    assert_int_equal(svcm_lifetime_summarize(c.id, c.time, c.value, c.nt, c.end, NULL, NULL,
                                             want, c.nt, &want_count, NULL),
                     SVCM_OK);
    inject(&(probe){"svcm_lifetime_summarize", lt_summarize, lt_print, NULL, &c, false});
    assert_int_equal(c.count, want_count);
    assert_int_equal(want_count, 2357);
    assert_memory_equal(c.sum, want, want_count * sizeof *want);

    free(want);
    free(c.x);
    free(c.tx);
    free(c.T);
    free(c.zbar);
    free(c.id);
    free(c.time);
    free(c.value);
    free(c.sum);
    assert_int_equal(ct.live, 0);
}

/* ------------------------------------------------------------- priority */

#define PQ_N 10000

static svcm_request request(size_t i)
{
    svcm_request r = {0};
    r.id = (int64_t)i;
    r.tier = (int)(i % 5);
    r.impact = 1 + (int)(i * 3 % 4);
    r.severity = 1 + (int)(i * 7 % 4);
    r.value = (double)(i * 13 % 101) / 100.0;
    r.created = (int64_t)(i * 37 % 86400);
    r.due = i % 9 == 0 ? SVCM_NO_DUE : r.created + 3600 + (int64_t)(i * 101 % 172800);
    r.urgent = i % 17 == 0;
    return r;
}

typedef struct pr_ctx {
    svcm_priority_options opts;
    svcm_request *reqs;
    size_t n;
    struct svcm_priority_result *res, *out;
    svcm_wsjf_item *items;
    size_t *order;
    double *scores;
    svcm_pqueue *q, *qout;
    svcm_request req;
} pr_ctx;

static int pr_sort(void *v)
{
    pr_ctx *c = v;
    return svcm_priority_sort(c->res, c->n, &A);
}
static int pr_order(void *v)
{
    pr_ctx *c = v;
    return svcm_priority_order(&c->opts, c->reqs, c->n, 7200, &A, c->out, NULL);
}
static int pr_wsjf(void *v)
{
    pr_ctx *c = v;
    return svcm_wsjf_order(c->items, c->n, &A, c->order, c->scores, NULL);
}
static void pr_print(void *v, blob *b)
{
    pr_ctx *c = v;
    blob_put(b, c->res, c->n * sizeof *c->res);
    blob_put(b, c->out, c->n * sizeof *c->out);
    blob_put(b, c->order, c->n * sizeof *c->order);
    blob_put(b, c->scores, c->n * sizeof *c->scores);
}

static void sort_cases(size_t n)
{
    pr_ctx c = {0};
    svcm_priority_options_init(&c.opts);
    c.n = n;
    c.reqs = malloc(n * sizeof *c.reqs);
    c.res = malloc(n * sizeof *c.res);
    c.out = malloc(n * sizeof *c.out);
    c.items = malloc(n * sizeof *c.items);
    c.order = malloc(n * sizeof *c.order);
    c.scores = malloc(n * sizeof *c.scores);
    struct svcm_priority_result *want = malloc(n * sizeof *want);
    size_t *want_order = malloc(n * sizeof *want_order);
    double *want_scores = malloc(n * sizeof *want_scores);
    assert_true(c.reqs && c.res && c.out && c.items && c.order && c.scores && want &&
                want_order && want_scores);
    for (size_t i = 0; i < n; i++) {
        c.reqs[i] = request(i);
        c.items[i] = (svcm_wsjf_item){(int64_t)(n - i), (double)(i % 21), (double)(i * 3 % 13),
                                      (double)(i * 5 % 8), 1.0 + (double)(i % 13)};
    }
    memset(c.out, 0xA5, n * sizeof *c.out);
    memset(c.order, 0xA5, n * sizeof *c.order);
    memset(c.scores, 0xA5, n * sizeof *c.scores);

    assert_int_equal(svcm_priority_classify(&c.opts, c.reqs, n, 7200, c.res, NULL), SVCM_OK);
    memcpy(want, c.res, n * sizeof *want);
    assert_int_equal(svcm_priority_sort(want, n, NULL), SVCM_OK);
    inject(&(probe){"svcm_priority_sort", pr_sort, pr_print, NULL, &c, false});
    assert_memory_equal(c.res, want, n * sizeof *want);

    inject(&(probe){"svcm_priority_order", pr_order, pr_print, NULL, &c, false});
    assert_memory_equal(c.out, want, n * sizeof *want);

    assert_int_equal(svcm_wsjf_order(c.items, n, NULL, want_order, want_scores, NULL), SVCM_OK);
    inject(&(probe){"svcm_wsjf_order", pr_wsjf, pr_print, NULL, &c, false});
    assert_memory_equal(c.order, want_order, n * sizeof *want_order);
    assert_memory_equal(c.scores, want_scores, n * sizeof *want_scores);

    free(c.reqs);
    free(c.res);
    free(c.out);
    free(c.items);
    free(c.order);
    free(c.scores);
    free(want);
    free(want_order);
    free(want_scores);
    assert_int_equal(ct.live, 0);
}

static void test_priority_sort_order_and_wsjf_fail_cleanly(void **state)
{
    (void)state;
    sort_cases(3);
    sort_cases(40);
    sort_cases(PQ_N);
}

static int pq_new(void *v)
{
    pr_ctx *c = v;
    return svcm_pqueue_new(&c->opts, &A, &c->qout, NULL);
}
static int pq_push(void *v)
{
    pr_ctx *c = v;
    return svcm_pqueue_push(c->q, &c->req, NULL);
}
static int pq_update(void *v)
{
    pr_ctx *c = v;
    return svcm_pqueue_update(c->q, &c->req, NULL);
}
/* svcm_pqueue_new() documents "set to NULL on failure" (unlike the other
 * constructors, which leave *out untouched). */
static void pq_after_fail_new(void *v)
{
    pr_ctx *c = v;
    assert_null(c->qout);
    c->qout = SENTINEL;
}

/* Cheap fingerprint before every push: size, instant, the peeked head and
 * the requests at both ends of the id range. */
static void pq_print(void *v, blob *b)
{
    pr_ctx *c = v;
    size_t n = svcm_pqueue_size(c->q);
    int64_t now = svcm_pqueue_instant(c->q);
    blob_put(b, &n, sizeof n);
    blob_put(b, &now, sizeof now);
    if (n > 0) {
        svcm_request r;
        struct svcm_priority_result res;
        assert_int_equal(svcm_pqueue_peek(c->q, now, &r, &res), SVCM_OK);
        blob_put(b, &r.id, sizeof r.id);
        blob_put(b, &res.score, sizeof res.score);
        assert_int_equal(svcm_pqueue_get(c->q, 0, &r), SVCM_OK);
        blob_put(b, &r.id, sizeof r.id);
        assert_int_equal(svcm_pqueue_get(c->q, (int64_t)n - 1, &r), SVCM_OK);
        blob_put(b, &r.id, sizeof r.id);
    }
}

/* After a failed push: every queued request is still found, the failed one
 * is not. */
static void pq_after_fail(void *v)
{
    pr_ctx *c = v;
    size_t n = svcm_pqueue_size(c->q);
    for (size_t i = 0; i < n; i++) {
        svcm_request r, want = request(i);
        assert_int_equal(svcm_pqueue_get(c->q, (int64_t)i, &r), SVCM_OK);
        assert_int_equal(r.id, want.id);
        assert_int_equal(r.due, want.due);
    }
    svcm_request r;
    assert_int_equal(svcm_pqueue_get(c->q, c->req.id, &r), SVCM_ENOTFOUND);
}

static void test_pqueue_new_push_update_fail_cleanly_through_10000_pushes(void **state)
{
    (void)state;
    pr_ctx c = {0};
    svcm_priority_options_init(&c.opts);
    c.qout = SENTINEL;
    inject(&(probe){"svcm_pqueue_new", pq_new, NULL, pq_after_fail_new, &c, false});
    c.q = c.qout;
    svcm_pqueue *ref = NULL;
    assert_int_equal(svcm_pqueue_new(&c.opts, NULL, &ref, NULL), SVCM_OK);

    /* The queue grows its arrays one by one and keeps what it grew when a
     * later one fails (documented in queue.c: the old capacity stays
     * valid), so bytes may rise; blocks may not. */
    size_t failing = 0;
    for (size_t i = 0; i < PQ_N; i++) {
        c.req = request(i);
        failing += inject(&(probe){"svcm_pqueue_push", pq_push, pq_print, pq_after_fail, &c,
                                   true});
        assert_int_equal(svcm_pqueue_push(ref, &c.req, NULL), SVCM_OK);
    }
    assert_true(failing > 0);
    for (size_t i = 0; i < PQ_N; i += 7) {
        c.req = request(i);
        c.req.severity = 1;
        c.req.urgent = true;
        inject(&(probe){"svcm_pqueue_update", pq_update, NULL, NULL, &c, false});
        assert_int_equal(svcm_pqueue_update(ref, &c.req, NULL), SVCM_OK);
    }
    /* Same dispatch order as the queue that never failed, at a later
     * instant (re-scoring) for the second half. */
    for (size_t i = 0; i < PQ_N; i++) {
        int64_t now = i < PQ_N / 2 ? 0 : 90000;
        svcm_request a, b;
        struct svcm_priority_result ra, rb;
        assert_int_equal(svcm_pqueue_pop(c.q, now, &a, &ra), SVCM_OK);
        assert_int_equal(svcm_pqueue_pop(ref, now, &b, &rb), SVCM_OK);
        assert_int_equal(a.id, b.id);
        assert_true(ra.score == rb.score);
    }
    assert_int_equal(svcm_pqueue_size(c.q), 0);
    svcm_pqueue_free(c.q);
    svcm_pqueue_free(ref);
    assert_int_equal(ct.live, 0);
}

/* ----------------------------------------------------------------- pdca */

typedef struct pd_ctx {
    svcm_cycle_options opts;
    svcm_cycle *c, *out;
    const char *desc;
    int64_t due;
    const svcm_pdca_sample *s;
    size_t n;
    int64_t now;
    const char *text;
    size_t len;
} pd_ctx;

static char *cycle_text(const svcm_cycle *c)
{
    size_t len = 0;
    assert_int_equal(svcm_cycle_format(c, NULL, 0, &len), SVCM_ENOSPC);
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    assert_int_equal(svcm_cycle_format(c, buf, len + 1, &len), SVCM_OK);
    return buf;
}

static void pd_print(void *v, blob *b)
{
    pd_ctx *p = v;
    char *t = cycle_text(p->c);
    blob_put(b, t, strlen(t));
    free(t);
    struct svcm_cycle_result info;
    assert_int_equal(svcm_cycle_result(p->c, &info), SVCM_OK);
    blob_put(b, &info.phase, sizeof info.phase);
    blob_put(b, &info.n_audit, sizeof info.n_audit);
    blob_put(b, &info.has_check, sizeof info.has_check);
    struct svcm_cycle_check_result chk;
    if (svcm_cycle_check_result(p->c, &chk) == SVCM_OK) {
        blob_put(b, &chk.p_value, sizeof chk.p_value);
        blob_put(b, &chk.n_signals, sizeof chk.n_signals);
        for (size_t i = 0; i < chk.n_signals; i++) { /* field by field: no padding */
            blob_put(b, &chk.signals[i].rule, sizeof chk.signals[i].rule);
            blob_put(b, &chk.signals[i].index, sizeof chk.signals[i].index);
        }
    }
    print_ptr(b, p->out);
}

static void pd_print_out(void *v, blob *b) { print_ptr(b, ((pd_ctx *)v)->out); }

static int pd_new(void *v)
{
    pd_ctx *p = v;
    return svcm_cycle_new(&p->opts, &A, &p->out, NULL);
}
static int pd_add_action(void *v)
{
    pd_ctx *p = v;
    return svcm_cycle_add_action(p->c, p->desc, "owner of the action", p->due, NULL, NULL);
}
static int pd_set_status(void *v)
{
    pd_ctx *p = v;
    return svcm_cycle_set_action_status(p->c, (size_t)p->due, SVCM_ACTION_STATUS_DONE, NULL);
}
static int pd_measure(void *v)
{
    pd_ctx *p = v;
    return svcm_cycle_measure(p->c, p->s, p->n, NULL);
}
static int pd_start(void *v)
{
    pd_ctx *p = v;
    return svcm_cycle_start(p->c, p->now, "lead", "actions agreed with the team", NULL);
}
static int pd_check(void *v)
{
    pd_ctx *p = v;
    return svcm_cycle_check(p->c, p->now, "analyst", "four weeks of data", NULL, NULL);
}
static int pd_enter_act(void *v)
{
    pd_ctx *p = v;
    return svcm_cycle_enter_act(p->c, p->now, "lead", "result reviewed", NULL);
}
static int pd_standardize(void *v)
{
    pd_ctx *p = v;
    return svcm_cycle_standardize(p->c, p->now, "lead", "adopted everywhere", NULL);
}
static int pd_abandon(void *v)
{
    pd_ctx *p = v;
    return svcm_cycle_abandon(p->c, p->now, "lead", "budget withdrawn", NULL);
}
static int pd_adjust(void *v)
{
    pd_ctx *p = v;
    return svcm_cycle_adjust(p->c, p->now, "lead", "next round", 150.0, p->now + 86400,
                             &p->out, NULL);
}
static int pd_load(void *v)
{
    pd_ctx *p = v;
    return svcm_cycle_parse(p->text, p->len, &A, &p->out, NULL);
}

/* The 5W2H record: replaced all or nothing (seven copies). */
static int pd_set_problem(void *v)
{
    pd_ctx *p = v;
    svcm_problem pr = {"Callbacks promised but not made", "No owner for the queue",
                       "Billing customers", "Mondays after 16:00", "Phone, Lyon site",
                       p->desc, 1200.5, "EUR per week"};
    return svcm_cycle_set_problem(p->c, &pr, NULL);
}

static void test_pdca_every_allocating_call_fails_cleanly(void **state)
{
    (void)state;
    pd_ctx p = {0};
    svcm_cycle_options_init(&p.opts);
    p.opts.title = "Raise first-contact resolution in the billing queue";
    p.opts.owner = "service desk";
    p.opts.metric = "FCR";
    p.opts.unit = "%";
    p.out = SENTINEL;
    /* The fingerprint reads p.c: point it at a reference while creating. */
    svcm_cycle *ref = NULL;
    assert_int_equal(svcm_cycle_new(&p.opts, NULL, &ref, NULL), SVCM_OK);
    p.c = ref;
    inject(&(probe){"svcm_cycle_new", pd_new, pd_print, NULL, &p, false});
    p.c = p.out;
    p.out = NULL;
    char *a = cycle_text(p.c), *b = cycle_text(ref);
    assert_string_equal(a, b);
    free(a);
    free(b);
    svcm_cycle_free(ref);
    assert_int_equal(svcm_cycle_set_goal(p.c, 100.0, 105.0, 2000000, NULL), SVCM_OK);
    p.desc = "Tickets closed with \"will call back\" and no follow-up";
    inject(&(probe){"svcm_cycle_set_problem", pd_set_problem, pd_print, NULL, &p, false});

    char desc[64];
    for (int i = 0; i < 100; i++) {
        snprintf(desc, sizeof desc, "action number %d: retrain agents", i);
        p.desc = desc;
        p.due = 1000 + i;
        inject(&(probe){"svcm_cycle_add_action", pd_add_action, pd_print, NULL, &p, true});
    }
    for (int i = 0; i < 100; i += 3) {
        p.due = i;
        inject(&(probe){"svcm_cycle_set_action_status", pd_set_status, pd_print, NULL, &p,
                        false});
    }

    /* Baseline one at a time, then a batch. */
    static svcm_pdca_sample s[1000];
    for (size_t i = 0; i < 1000; i++)
        s[i] = (svcm_pdca_sample){(int64_t)(i + 1) * 100,
                                  100.0 + (double)(i * 7 % 11) - 5.0, i < 300, false, 0, 0};
    for (size_t i = 0; i < 60; i++) {
        p.s = s + i;
        p.n = 1;
        inject(&(probe){"svcm_cycle_measure", pd_measure, pd_print, NULL, &p, false});
    }
    p.s = s + 60;
    p.n = 240;
    inject(&(probe){"svcm_cycle_measure", pd_measure, pd_print, NULL, &p, false});

    p.now = 30050;
    inject(&(probe){"svcm_cycle_start", pd_start, pd_print, NULL, &p, true});

    /* After samples shifted up: beyond the baseline's limits, so the Check
     * has Western Electric signals to allocate. */
    for (size_t i = 300; i < 1000; i++)
        s[i].value += 20.0;
    for (size_t at = 300; at < 895; at += 7) { /* 85 batches of 7 */
        p.s = s + at;
        p.n = 7;
        inject(&(probe){"svcm_cycle_measure", pd_measure, pd_print, NULL, &p, false});
    }
    p.now = 95000;
    inject(&(probe){"svcm_cycle_check", pd_check, pd_print, NULL, &p, false});
    struct svcm_cycle_check_result chk;
    assert_int_equal(svcm_cycle_check_result(p.c, &chk), SVCM_OK);
    assert_true(chk.n_signals > 0);
    /* In CHECK more after samples make the result stale; check recomputes. */
    p.s = s + 895;
    p.n = 105;
    inject(&(probe){"svcm_cycle_measure", pd_measure, pd_print, NULL, &p, false});
    inject(&(probe){"svcm_cycle_check (recompute)", pd_check, pd_print, NULL, &p, false});
    p.now = 100100;
    inject(&(probe){"svcm_cycle_enter_act", pd_enter_act, pd_print, NULL, &p, false});

    /* Load three copies of the cycle in ACT: one each to standardize,
     * abandon and adjust. */
    char *text = cycle_text(p.c);
    p.text = text;
    p.len = strlen(text);
    svcm_cycle *act = p.c;
    svcm_cycle *copies[3];
    p.out = SENTINEL;
    inject(&(probe){"svcm_cycle_parse", pd_load, pd_print_out, NULL, &p, false});
    copies[0] = p.out;
    /* The other two through the same allocator, without failures (each
     * load of this text makes some 480 allocations). */
    for (int i = 1; i < 3; i++)
        assert_int_equal(svcm_cycle_parse(text, p.len, &A, &copies[i], NULL), SVCM_OK);
    for (int i = 0; i < 3; i++) {
        char *t = cycle_text(copies[i]);
        assert_string_equal(t, text);
        free(t);
    }
    p.out = NULL;
    p.now = 200000;
    p.c = copies[0];
    inject(&(probe){"svcm_cycle_standardize", pd_standardize, pd_print, NULL, &p, true});
    p.c = copies[1];
    inject(&(probe){"svcm_cycle_abandon", pd_abandon, pd_print, NULL, &p, true});
    p.c = copies[2];
    p.out = SENTINEL;
    inject(&(probe){"svcm_cycle_adjust", pd_adjust, pd_print, NULL, &p, true});
    svcm_cycle *next = p.out;
    assert_ptr_equal(svcm_cycle_next(copies[2]), next);
    struct svcm_cycle_result info;
    assert_int_equal(svcm_cycle_result(next, &info), SVCM_OK);
    assert_int_equal(info.phase, SVCM_PDCA_PHASE_PLAN);
    /* The next cycle is usable: it takes an action. */
    p.c = next;
    p.out = NULL;
    p.desc = "follow-up";
    p.due = 300000;
    inject(&(probe){"svcm_cycle_add_action", pd_add_action, pd_print, NULL, &p, true});

    free(text);
    svcm_cycle_free(act);
    for (int i = 0; i < 3; i++)
        svcm_cycle_free(copies[i]);
    svcm_cycle_free(next);
    assert_int_equal(ct.live, 0);
}

/* ----------------------------------------------------------------- time */

/* Big-endian 32- and 64-bit fields of a TZif file (RFC 8536 §3). */
static void be32(blob *b, int64_t v)
{
    unsigned char o[4];
    for (int i = 0; i < 4; i++)
        o[i] = (unsigned char)((uint64_t)v >> (24 - 8 * i));
    blob_put(b, o, 4);
}
static void be64(blob *b, int64_t v)
{
    be32(b, (int64_t)((uint64_t)v >> 32));
    be32(b, (int64_t)((uint64_t)v & 0xFFFFFFFFu));
}

#define TZ_N 6
/* One header and data block: TZ_N CET/CEST transitions (2026..2028, at
 * 01:00 UTC on the last Sundays of March and October), types CET +1 and
 * CEST +2 DST, abbreviations "CET\0CEST\0"; 8-byte times when wide. */
static void tzif_block(blob *b, const int64_t *when, bool wide)
{
    blob_put(b, "TZif2", 5);
    blob_put(b, (const char[15]){0}, 15);
    const int64_t counts[6] = {0, 0, 0, TZ_N, 2, 9}; /* isut, isstd, leap, time, type, char */
    for (int i = 0; i < 6; i++)
        be32(b, counts[i]);
    for (int i = 0; i < TZ_N; i++)
        wide ? be64(b, when[i]) : be32(b, when[i]);
    for (int i = 0; i < TZ_N; i++)
        blob_put(b, &(unsigned char){(unsigned char)(i % 2 == 0)}, 1);
    be32(b, 3600);
    blob_put(b, (const unsigned char[2]){0, 0}, 2);
    be32(b, 7200);
    blob_put(b, (const unsigned char[2]){1, 4}, 2);
    blob_put(b, "CET\0CEST", 9);
}

/* A TZif version 2 file for Central European Time (v1 and v2 blocks and
 * the POSIX footer), built here so that the test needs no system files. */
static blob tzif_cet(void)
{
    const int dates[TZ_N][3] = {{2026, 3, 29}, {2026, 10, 25}, {2027, 3, 28},
                                {2027, 10, 31}, {2028, 3, 26}, {2028, 10, 29}};
    int64_t when[TZ_N];
    for (int i = 0; i < TZ_N; i++)
        when[i] = civil_days(dates[i][0], dates[i][1], dates[i][2]) * 86400 + 3600;
    blob b = {NULL, 0};
    tzif_block(&b, when, false);
    tzif_block(&b, when, true);
    blob_put(&b, "\nCET-1CEST,M3.5.0,M10.5.0/3\n", 28);
    return b;
}

typedef struct tz_ctx {
    const char *spec;
    const unsigned char *tzif;
    size_t len;
    svcm_zone *out;
} tz_ctx;

static int tz_new(void *v)
{
    tz_ctx *c = v;
    return svcm_zone_new(c->spec, &A, &c->out, NULL);
}
static int tz_load(void *v)
{
    tz_ctx *c = v;
    return svcm_zone_load(c->tzif, c->len, &A, &c->out, NULL);
}
static void tz_print_out(void *v, blob *b) { print_ptr(b, ((tz_ctx *)v)->out); }

/* Offsets, DST flags and abbreviations every 6 hours from 2025 to 2031
 * (the footer rule after 2028) agree with a zone made through libc. */
static void assert_same_zone(const svcm_zone *got, const svcm_zone *want)
{
    assert_string_equal(svcm_zone_name(got), svcm_zone_name(want));
    int64_t t0 = civil_days(2025, 1, 1) * 86400, t1 = civil_days(2031, 1, 1) * 86400;
    for (int64_t t = t0; t < t1; t += 6 * 3600) {
        int32_t og = 0, ow = 0;
        int dg = 0, dw = 0;
        assert_int_equal(svcm_zone_offset(got, t, &og, &dg), SVCM_OK);
        assert_int_equal(svcm_zone_offset(want, t, &ow, &dw), SVCM_OK);
        assert_int_equal(og, ow);
        assert_int_equal(dg, dw);
        assert_string_equal(svcm_zone_abbrev(got, t), svcm_zone_abbrev(want, t));
    }
}

static void zone_case(tz_ctx *c, const char *name, int (*op)(void *))
{
    tz_ctx ref = *c;
    assert_int_equal(op == tz_load ? svcm_zone_load(c->tzif, c->len, NULL, &ref.out, NULL)
                                   : svcm_zone_new(c->spec, NULL, &ref.out, NULL),
                     SVCM_OK);
    c->out = SENTINEL;
    inject(&(probe){name, op, tz_print_out, NULL, c, false});
    assert_same_zone(c->out, ref.out);
    svcm_zone_free(c->out);
    svcm_zone_free(ref.out);
}

static void test_zone_new_and_load_fail_cleanly(void **state)
{
    (void)state;
    blob tz = tzif_cet();
    tz_ctx c = {"CET-1CEST,M3.5.0,M10.5.0/3", tz.p, tz.n, NULL};
    zone_case(&c, "svcm_zone_new (POSIX rule)", tz_new);
    c.spec = "+05:45";
    zone_case(&c, "svcm_zone_new (fixed offset)", tz_new);
    zone_case(&c, "svcm_zone_load", tz_load);

    /* The same bytes as a zone file found through TZDIR. */
    char dir[] = "/tmp/svcm-alloc-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/Test_CET", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(tz.p, 1, tz.n, f), tz.n);
    assert_int_equal(fclose(f), 0);
    const char *old = getenv("TZDIR");
    char *saved = old ? strdup(old) : NULL;
    assert_int_equal(setenv("TZDIR", dir, 1), 0);
    c.spec = "Test_CET";
    zone_case(&c, "svcm_zone_new (TZif file)", tz_new);
    assert_int_equal(saved ? setenv("TZDIR", saved, 1) : unsetenv("TZDIR"), 0);
    free(saved);
    assert_int_equal(remove(path), 0);
    assert_int_equal(rmdir(dir), 0);
    free(tz.p);
    assert_int_equal(ct.live, 0);
}

/* ------------------------------------------------------------- schedule */

#define SCH_T 24
#define SCH_P 12

typedef struct sch_ctx {
    uint32_t required[SCH_T];
    uint8_t coverage[SCH_P * SCH_T];
    double cost[SCH_P];
    svcm_schedule_options opts;
    uint32_t counts[SCH_P];
    struct svcm_schedule_result res;
} sch_ctx;

static int sch_solve(void *v)
{
    sch_ctx *c = v;
    return svcm_schedule_solve(c->required, SCH_T, c->coverage, SCH_P, c->cost, &c->opts, &A,
                               c->counts, &c->res, NULL);
}
static void sch_print(void *v, blob *b)
{
    sch_ctx *c = v;
    blob_put(b, c->counts, sizeof c->counts);
    blob_put(b, &c->res, sizeof c->res);
}

/* A day of 24 hours, 8-hour shifts starting every 2 hours (wrapping past
 * midnight) with a one-hour break, uneven costs and a demand curve that
 * makes the relaxation fractional, so branch and bound allocates and
 * re-solves nodes. */
static void sch_fill(sch_ctx *c)
{
    static const uint32_t demand[SCH_T] = {2, 1, 1, 1, 1, 2, 4, 7, 9, 11, 12, 12,
                                           13, 12, 11, 10, 10, 11, 9, 7, 5, 4, 3, 3};
    memcpy(c->required, demand, sizeof demand);
    for (size_t p = 0; p < SCH_P; p++) {
        svcm_schedule_break br = {4, 1};
        assert_int_equal(svcm_schedule_pattern(SCH_T, 2 * p, 8, &br, 1, 1,
                                               c->coverage + p * SCH_T, NULL),
                         SVCM_OK);
        c->cost[p] = 8.0 + (double)(p % 3) + (p < 3 || p > 9 ? 1.5 : 0.0);
    }
    svcm_schedule_options_init(&c->opts);
    memset(c->counts, 0xA5, sizeof c->counts);
    memset(&c->res, 0xA5, sizeof c->res);
}

static void test_schedule_solve_fails_cleanly(void **state)
{
    (void)state;
    for (int objective = 0; objective < 2; objective++) {
        sch_ctx c, ref;
        sch_fill(&c);
        if (objective == 1) {
            c.opts.objective = SVCM_SCHEDULE_OBJECTIVE_MIN_ABS_DIFF;
            c.opts.max_staff = 20;
        }
        ref = c;
        assert_int_equal(svcm_schedule_solve(ref.required, SCH_T, ref.coverage, SCH_P, ref.cost,
                                             &ref.opts, NULL, ref.counts, &ref.res, NULL),
                         SVCM_OK);
        assert_int_equal(ref.res.status, SVCM_SCHEDULE_STATUS_OPTIMAL);
        if (objective == 0)
            assert_true(ref.res.nodes > 1); /* the search branched */
        inject(&(probe){objective ? "svcm_schedule_solve (min abs diff)" : "svcm_schedule_solve",
                        sch_solve, sch_print, NULL, &c, false});
        assert_memory_equal(c.counts, ref.counts, sizeof c.counts);
        assert_true(c.res.objective == ref.res.objective);
        assert_true(c.res.nodes == ref.res.nodes && c.res.pivots == ref.res.pivots);
    }
    assert_int_equal(ct.live, 0);
}

/* ------------------------------------------------- lifetime models (0.2) */

#define LT2_N 1000

typedef struct lt2_ctx {
    size_t n, nd;
    double x[LT2_N], tx[LT2_N], T[LT2_N];
    double fx[32], ftx[32], fn[32], fw[32]; /* the donation cohort */
    struct svcm_paretonbd_fit_result pn;
    struct svcm_mbgnbd_fit_result mb;
    struct svcm_bgbb_fit_result bb;
} lt2_ctx;

static int lt2_pnbd(void *v)
{
    lt2_ctx *c = v;
    return svcm_paretonbd_fit(c->x, c->tx, c->T, NULL, c->n, NULL, &A, &c->pn, NULL);
}
static int lt2_mbg(void *v)
{
    lt2_ctx *c = v;
    return svcm_mbgnbd_fit(c->x, c->tx, c->T, NULL, c->n, NULL, &A, &c->mb, NULL);
}
static int lt2_bgbb(void *v)
{
    lt2_ctx *c = v;
    return svcm_bgbb_fit(c->fx, c->ftx, c->fn, c->fw, c->nd, NULL, &A, &c->bb, NULL);
}
static void lt2_print(void *v, blob *b)
{
    lt2_ctx *c = v;
    blob_put(b, &c->pn, sizeof c->pn);
    blob_put(b, &c->mb, sizeof c->mb);
    blob_put(b, &c->bb, sizeof c->bb);
}

static void lt2_read(lt2_ctx *c)
{
    /* The first LT2_N customers of the CDNOW sample (Fader, Hardie & Lee
     * 2005) and the donation cohort of Fader, Hardie & Shang (2010). */
    FILE *f = fopen(SVCM_DATA_DIR "/cdnow_summary.csv", "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    int id;
    double z;
    for (c->n = 0; c->n < LT2_N && fgets(line, sizeof line, f) != NULL; c->n++)
        assert_int_equal(sscanf(line, "%d,%lf,%lf,%lf,%lf", &id, &c->x[c->n], &c->tx[c->n],
                                &c->T[c->n], &z),
                         5);
    fclose(f);
    assert_int_equal(c->n, LT2_N);
    f = fopen(SVCM_DATA_DIR "/donations.csv", "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    for (c->nd = 0; c->nd < 32 && fgets(line, sizeof line, f) != NULL; c->nd++)
        assert_int_equal(sscanf(line, "%lf,%lf,%lf,%lf", &c->fx[c->nd], &c->ftx[c->nd],
                                &c->fn[c->nd], &c->fw[c->nd]),
                         4);
    fclose(f);
    assert_true(c->nd > 10);
}

static void test_lifetime_02_fits_fail_cleanly(void **state)
{
    (void)state;
    lt2_ctx *c = malloc(sizeof *c);
    assert_non_null(c);
    memset(c, 0xA5, sizeof *c);
    lt2_read(c);
    struct svcm_paretonbd_fit_result pn;
    assert_int_equal(svcm_paretonbd_fit(c->x, c->tx, c->T, NULL, c->n, NULL, NULL, &pn, NULL),
                     SVCM_OK);
    inject(&(probe){"svcm_paretonbd_fit", lt2_pnbd, lt2_print, NULL, c, false});
    assert_memory_equal(&c->pn.params, &pn.params, sizeof pn.params);
    assert_memory_equal(&c->pn.se, &pn.se, sizeof pn.se);
    assert_true(c->pn.iterations == pn.iterations && c->pn.converged == 1);

    struct svcm_mbgnbd_fit_result mb;
    assert_int_equal(svcm_mbgnbd_fit(c->x, c->tx, c->T, NULL, c->n, NULL, NULL, &mb, NULL),
                     SVCM_OK);
    inject(&(probe){"svcm_mbgnbd_fit", lt2_mbg, lt2_print, NULL, c, false});
    assert_memory_equal(&c->mb.params, &mb.params, sizeof mb.params);
    assert_memory_equal(&c->mb.se, &mb.se, sizeof mb.se);
    assert_int_equal(c->mb.iterations, mb.iterations);

    struct svcm_bgbb_fit_result bb;
    assert_int_equal(
        svcm_bgbb_fit(c->fx, c->ftx, c->fn, c->fw, c->nd, NULL, NULL, &bb, NULL), SVCM_OK);
    inject(&(probe){"svcm_bgbb_fit", lt2_bgbb, lt2_print, NULL, c, false});
    assert_memory_equal(&c->bb.params, &bb.params, sizeof bb.params);
    assert_memory_equal(&c->bb.se, &bb.se, sizeof bb.se);
    assert_int_equal(c->bb.groups, bb.groups);
    free(c);
    assert_int_equal(ct.live, 0);
}

/* ---------------------------------------------------------------- calls */

typedef struct ca_ctx {
    const unsigned char *buf;
    size_t len;
    svcm_calls *out, *dst, *src;
} ca_ctx;

static void ca_print(blob *b, const svcm_calls *c)
{
    unsigned char buf[256];
    size_t len = 0;
    assert_int_equal(svcm_calls_save(c, buf, sizeof buf, &len), SVCM_OK);
    blob_put(b, buf, len);
}
static void ca_print_out(void *v, blob *b) { print_ptr(b, ((ca_ctx *)v)->out); }
static void ca_print_dst(void *v, blob *b) { ca_print(b, ((ca_ctx *)v)->dst); }
static int ca_new(void *v)
{
    ca_ctx *c = v;
    return svcm_calls_new(NULL, &A, &c->out, NULL);
}
static int ca_load(void *v)
{
    ca_ctx *c = v;
    return svcm_calls_load(c->buf, c->len, &A, &c->out, NULL);
}
static int ca_merge(void *v)
{
    ca_ctx *c = v;
    return svcm_calls_merge(c->dst, c->src);
}

static void test_calls_new_load_merge_fail_cleanly(void **state)
{
    (void)state;
    ca_ctx c = {0};
    c.out = SENTINEL;
    inject(&(probe){"svcm_calls_new", ca_new, ca_print_out, NULL, &c, false});
    svcm_calls *a = c.out;
    svcm_calls_record recs[3] = {
        {0, 0, 12, 12, 100, SVCM_CALLS_OUTCOME_ANSWERED},
        {5, 5, 40, NAN, NAN, SVCM_CALLS_OUTCOME_ABANDONED},
        {9, NAN, NAN, NAN, NAN, SVCM_CALLS_OUTCOME_OTHER},
    };
    for (int i = 0; i < 3; i++)
        assert_int_equal(svcm_calls_add(a, &recs[i], NULL), SVCM_OK);
    unsigned char buf[256];
    size_t len = 0;
    assert_int_equal(svcm_calls_save(a, buf, sizeof buf, &len), SVCM_OK);
    c.buf = buf;
    c.len = len;
    c.out = SENTINEL;
    inject(&(probe){"svcm_calls_load", ca_load, ca_print_out, NULL, &c, false});
    svcm_calls *b = c.out;
    blob x = {NULL, 0}, y = {NULL, 0};
    ca_print(&x, a);
    ca_print(&y, b);
    assert_int_equal(x.n, y.n);
    assert_memory_equal(x.p, y.p, x.n);
    /* merge allocates nothing: it must succeed at k = 0 */
    c.dst = a;
    c.src = b;
    assert_int_equal(inject(&(probe){"svcm_calls_merge", ca_merge, ca_print_dst, NULL, &c, false}),
                     0);
    struct svcm_calls_result r;
    assert_int_equal(svcm_calls_result(a, &r), SVCM_OK);
    assert_int_equal(r.offered, 4);
    free(x.p);
    free(y.p);
    svcm_calls_free(a);
    svcm_calls_free(b);
    assert_int_equal(ct.live, 0);
}

/* ---------------------------------------------------- customers builder */

typedef struct cb_ctx {
    svcm_customers_builder_options opts;
    svcm_customers_builder *out, *dst, *src;
    int64_t id[3000], t[3000];
    double v[3000];
    size_t n;
    svcm_customers *table;
} cb_ctx;

static int cb_new(void *v)
{
    cb_ctx *c = v;
    return svcm_customers_builder_new(&c->opts, &A, &c->out, NULL);
}
static int cb_add(void *v)
{
    cb_ctx *c = v;
    return svcm_customers_builder_add(c->dst, c->id, c->t, c->v, c->n, NULL);
}
static int cb_merge(void *v)
{
    cb_ctx *c = v;
    return svcm_customers_builder_merge(c->dst, c->src, NULL);
}
static int cb_finish(void *v)
{
    cb_ctx *c = v;
    return svcm_customers_builder_finish(c->dst, &A, &c->table, NULL);
}
static void cb_print_out(void *v, blob *b) { print_ptr(b, ((cb_ctx *)v)->out); }
static void cb_print_table(void *v, blob *b) { print_ptr(b, ((cb_ctx *)v)->table); }
/* What dst holds: its rows and periods, and its table (made with libc). */
static void cb_print_dst(void *v, blob *b)
{
    cb_ctx *c = v;
    struct svcm_customers_builder_result r;
    assert_int_equal(svcm_customers_builder_result(c->dst, &r), SVCM_OK);
    blob_put(b, &r.rows, sizeof r.rows);
    blob_put(b, &r.periods, sizeof r.periods);
    svcm_customers *t = NULL;
    assert_int_equal(svcm_customers_builder_finish(c->dst, NULL, &t, NULL), SVCM_OK);
    blob_put(b, &t->n, sizeof t->n);
    blob_put(b, t->id, t->n * sizeof *t->id);
    blob_put(b, t->x, t->n * sizeof *t->x);
    blob_put(b, t->monetary, t->n * sizeof *t->monetary);
    svcm_customers_free(t);
}

static void test_customers_builder_new_add_merge_finish_fail_cleanly(void **state)
{
    (void)state;
    cb_ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    svcm_customers_builder_options_init(&c->opts);
    c->opts.summary.returns = SVCM_SUMMARY_RETURNS_NET;
    c->opts.end = 250 * 86400;
    c->n = 3000; /* 300 customers over 300 days: the index and entries grow */
    for (size_t i = 0; i < c->n; i++) {
        c->id[i] = (int64_t)(i * 7919 % 300);
        c->t[i] = (int64_t)(i * 104729 % 300) * 86400 + (int64_t)i;
        c->v[i] = (double)(i % 13) - 2.0;
    }
    inject(&(probe){"svcm_customers_builder_new", cb_new, cb_print_out, NULL, c, false});
    svcm_customers_builder *a = c->out;
    c->out = NULL;
    inject(&(probe){"svcm_customers_builder_new", cb_new, cb_print_out, NULL, c, false});
    svcm_customers_builder *b = c->out;
    c->dst = a;
    inject(&(probe){"svcm_customers_builder_add", cb_add, cb_print_dst, NULL, c, true});
    c->dst = b;
    c->n = 1000;
    inject(&(probe){"svcm_customers_builder_add", cb_add, cb_print_dst, NULL, c, true});
    /* into a fresh builder, so that the merge grows it */
    c->out = NULL; /* a failed builder_new leaves NULL there */
    inject(&(probe){"svcm_customers_builder_new", cb_new, cb_print_out, NULL, c, false});
    c->dst = c->out;
    c->src = a;
    inject(&(probe){"svcm_customers_builder_merge", cb_merge, cb_print_dst, NULL, c, true});
    c->src = b;
    inject(&(probe){"svcm_customers_builder_merge", cb_merge, cb_print_dst, NULL, c, true});
    inject(&(probe){"svcm_customers_builder_finish", cb_finish, cb_print_table, NULL, c, false});
    /* the merged table is that of all the rows, added to one builder */
    svcm_customers *want = NULL;
    svcm_summary_options so = c->opts.summary;
    int64_t *ids = malloc(4000 * sizeof *ids), *ts = malloc(4000 * sizeof *ts);
    double *vs = malloc(4000 * sizeof *vs);
    assert_true(ids && ts && vs);
    memcpy(ids, c->id, 3000 * sizeof *ids);
    memcpy(ids + 3000, c->id, 1000 * sizeof *ids);
    memcpy(ts, c->t, 3000 * sizeof *ts);
    memcpy(ts + 3000, c->t, 1000 * sizeof *ts);
    memcpy(vs, c->v, 3000 * sizeof *vs);
    memcpy(vs + 3000, c->v, 1000 * sizeof *vs);
    assert_int_equal(svcm_customers_summarize(ids, ts, vs, 4000, c->opts.end, &so, NULL, &want,
                                              NULL),
                     SVCM_OK);
    assert_int_equal(c->table->n, want->n);
    assert_memory_equal(c->table->monetary, want->monetary, want->n * sizeof(double));
    assert_memory_equal(c->table->x, want->x, want->n * sizeof(double));
    svcm_customers_free(want);
    free(ids);
    free(ts);
    free(vs);
    svcm_customers_free(c->table);
    svcm_customers_builder_free(c->dst);
    svcm_customers_builder_free(a);
    svcm_customers_builder_free(b);
    free(c);
    assert_int_equal(ct.live, 0);
}

/* -------------------------------------------------------------- journey */

#include "svcm/journey.h"

typedef struct jo_ctx {
    svcm_journey_options opts;
    svcm_journey *out, *dst, *src;
    svcm_journey_event ev[400];
    char ids[400][16];
    size_t n;
} jo_ctx;

static const char *const jo_steps[3] = {"s0", "s1", "s2"};
static const char *const jo_tps[5] = {"s0", "s1", "s2", "web", "shop"};

static int jo_new(void *v)
{
    jo_ctx *c = v;
    return svcm_journey_new(&c->opts, &A, &c->out, NULL);
}
static int jo_add_all(void *v)
{
    jo_ctx *c = v;
    for (size_t i = 0; i < c->n; i++) {
        int rc = svcm_journey_add(c->dst, &c->ev[i], NULL);
        if (rc != SVCM_OK)
            return rc;
    }
    return SVCM_OK;
}
static int jo_batch(void *v)
{
    jo_ctx *c = v;
    return svcm_journey_add_batch(c->dst, c->ev, c->n, NULL);
}
static int jo_merge(void *v)
{
    jo_ctx *c = v;
    return svcm_journey_merge(c->dst, c->src);
}
static int jo_results(void *v)
{
    jo_ctx *c = v;
    struct svcm_journey_step_result s[3];
    struct svcm_journey_touchpoint_result t[5];
    struct svcm_journey_path_result p[8];
    size_t n;
    int rc = svcm_journey_steps(c->dst, s, 3, &n, NULL);
    if (rc == SVCM_OK)
        rc = svcm_journey_touchpoints(c->dst, t, 5, &n, NULL);
    if (rc == SVCM_OK)
        rc = svcm_journey_paths(c->dst, p, 8, &n, NULL);
    return rc;
}
static void jo_print_out(void *v, blob *b) { print_ptr(b, ((jo_ctx *)v)->out); }
/* What dst reports: totals, funnel counts and times, touchpoints, paths. */
static void jo_print_dst(void *v, blob *b)
{
    jo_ctx *c = v;
    const svcm_journey *j = c->dst;
    struct svcm_journey_result r;
    assert_int_equal(svcm_journey_result(j, &r), SVCM_OK);
    blob_put(b, &r, sizeof r);
    struct svcm_journey_step_result s[3];
    struct svcm_journey_touchpoint_result t[5];
    struct svcm_journey_path_result p[8];
    size_t n;
    assert_int_equal(svcm_journey_steps(j, s, 3, &n, NULL), SVCM_OK);
    for (size_t k = 0; k < n; k++) {
        blob_put(b, &s[k].reached, sizeof s[k].reached);
        blob_put(b, &s[k].time_max_s, sizeof s[k].time_max_s);
    }
    assert_int_equal(svcm_journey_touchpoints(j, t, 5, &n, NULL), SVCM_OK);
    for (size_t k = 0; k < n; k++) {
        blob_put(b, t[k].touchpoint, strlen(t[k].touchpoint));
        blob_put(b, &t[k].events, sizeof t[k].events);
        blob_put(b, &t[k].last, sizeof t[k].last);
    }
    assert_int_equal(svcm_journey_paths(j, p, 8, &n, NULL), SVCM_OK);
    for (size_t k = 0; k < n; k++) {
        blob_put(b, &p[k].customers, sizeof p[k].customers);
        for (size_t i = 0; i < p[k].length; i++)
            blob_put(b, p[k].touchpoints[i], strlen(p[k].touchpoints[i]));
    }
}

static void test_journey_every_allocating_call_fails_cleanly(void **state)
{
    (void)state;
    jo_ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    svcm_journey_options_init(&c->opts);
    c->opts.steps = jo_steps;
    c->opts.n_steps = 3;
    c->opts.window_s = 50;
    c->opts.path_len = 3;
    c->n = 400; /* 60 customers: the tables, path pool and funnel lists grow */
    for (size_t i = 0; i < c->n; i++) {
        int len = snprintf(c->ids[i], sizeof c->ids[i], "id%zu", i * 7919 % 60);
        const char *tp = jo_tps[i * 31 % 5];
        c->ev[i] = (svcm_journey_event){c->ids[i], (size_t)len, tp, strlen(tp),
                                        (double)(i * 104729 % 97), (double)(i % 5), i % 23 == 0};
    }
    c->out = SENTINEL;
    inject(&(probe){"svcm_journey_new", jo_new, jo_print_out, NULL, c, false});
    svcm_journey *a = c->out;
    c->out = SENTINEL;
    inject(&(probe){"svcm_journey_new", jo_new, jo_print_out, NULL, c, false});
    svcm_journey *b = c->out;
    c->dst = a;
    c->n = 200;
    /* one event at a time: a failure keeps grown capacity only */
    svcm_journey *fresh = NULL;
    assert_int_equal(svcm_journey_new(&c->opts, &A, &fresh, NULL), SVCM_OK);
    c->dst = fresh;
    for (size_t i = 0; i < c->n; i++) {
        jo_ctx one = *c;
        one.ev[0] = c->ev[i];
        one.n = 1;
        inject(&(probe){"svcm_journey_add", jo_add_all, jo_print_dst, NULL, &one, true});
    }
    c->dst = a;
    inject(&(probe){"svcm_journey_add_batch", jo_batch, jo_print_dst, NULL, c, false});
    /* the rest into b, merged into a */
    memmove(c->ev, c->ev + 200, 200 * sizeof c->ev[0]);
    memmove(c->ids, c->ids + 200, sizeof c->ids / 2);
    for (size_t i = 0; i < 200; i++)
        c->ev[i].customer = c->ids[i];
    c->dst = b;
    inject(&(probe){"svcm_journey_add_batch", jo_batch, jo_print_dst, NULL, c, false});
    c->dst = a;
    c->src = b;
    inject(&(probe){"svcm_journey_merge", jo_merge, jo_print_dst, NULL, c, false});
    c->src = a;
    inject(&(probe){"svcm_journey_merge", jo_merge, jo_print_dst, NULL, c, false});
    inject(&(probe){"svcm_journey results", jo_results, NULL, NULL, c, false});
    struct svcm_journey_result r;
    assert_int_equal(svcm_journey_result(a, &r), SVCM_OK);
    assert_int_equal(r.events, 800);
    svcm_journey_free(a);
    svcm_journey_free(b);
    svcm_journey_free(fresh);
    free(c);
    assert_int_equal(ct.live, 0);
}

/* ------------------------------------------------------------ scorecard */

#include "svcm/scorecard.h"

typedef struct sc_ctx {
    const double *values;
    size_t n;
    struct svcm_target_result out;
} sc_ctx;

static int sc_quantile(void *v)
{
    sc_ctx *c = v;
    return svcm_target_verdict_quantile(c->values, c->n, 0.9, 93.0,
                                        SVCM_TARGET_DIRECTION_AT_MOST, 0.95, &A, &c->out, NULL);
}
static void sc_print_out(void *v, blob *b)
{
    blob_put(b, &((sc_ctx *)v)->out, sizeof(struct svcm_target_result));
}

static void test_scorecard_quantile_verdict_fails_cleanly(void **state)
{
    (void)state;
    double values[100];
    for (size_t i = 0; i < 100; i++)
        values[i] = (double)((i * 37) % 100 + 1);
    sc_ctx c;
    memset(&c, 0x5A, sizeof c);
    c.values = values;
    c.n = 100;
    /* one allocation (the sorted copy): k = 1 is the first clean run */
    assert_int_equal(inject(&(probe){"svcm_target_verdict_quantile", sc_quantile, sc_print_out,
                                     NULL, &c, false}),
                     1);
    assert_int_equal(c.out.outcome, SVCM_TARGET_OUTCOME_UNDETERMINED);
    assert_int_equal(c.out.n_to_decide, 385);
    assert_int_equal(ct.live, 0);
}

/* ----------------------------------------------------------------- main */

/* A failed test leaves blocks behind: each test starts from a fresh count.
 * Each test runs twice: failing only the k-th allocation (later ones
 * succeed, so clean-up and fallback paths that allocate are exercised), and
 * failing the k-th and every later one. */
static int reset_one(void **state)
{
    (void)state;
    ct = (counting){-1, false, 0, 0, 0, 0};
    return 0;
}

static int reset_rest(void **state)
{
    (void)state;
    ct = (counting){-1, true, 0, 0, 0, 0};
    return 0;
}

static int report(void **state)
{
    (void)state;
    printf("# failing k values exercised: %zu\n", total_k);
    for (size_t i = 0; i < n_stats; i++)
        printf("# %-32s %5zu failing k%s\n", stats[i].name, stats[i].failing,
               stats[i].kept ? " (keeps grown memory for its object)" : "");
    return 0;
}

/* Each test with the k-th allocation failing alone, then with every later
 * one failing too. */
#define TWICE(f)                                                               \
    cmocka_unit_test_setup(f, reset_one),                                      \
    {#f " (every later allocation fails too)", f, reset_rest, NULL, NULL}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TWICE(test_feedback_new_load_merge_fail_cleanly),
        TWICE(test_sketch_add_fails_cleanly_through_every_growth),
        TWICE(test_sketch_add_batch_fails_cleanly_in_every_batch_size),
        TWICE(test_sketch_merge_fails_cleanly_exact_binned_and_self),
        TWICE(test_sketch_load_fails_cleanly_exact_and_binned),
        TWICE(test_durations_every_allocating_call_fails_cleanly),
        TWICE(test_calendar_new_and_parse_fail_cleanly),
        TWICE(test_segment_edges_fit_and_migration_fail_cleanly),
        TWICE(test_lifetime_fits_and_summary_fail_cleanly),
        TWICE(test_priority_sort_order_and_wsjf_fail_cleanly),
        TWICE(test_pqueue_new_push_update_fail_cleanly_through_10000_pushes),
        TWICE(test_pdca_every_allocating_call_fails_cleanly),
        TWICE(test_zone_new_and_load_fail_cleanly),
        TWICE(test_schedule_solve_fails_cleanly),
        TWICE(test_lifetime_02_fits_fail_cleanly),
        TWICE(test_calls_new_load_merge_fail_cleanly),
        TWICE(test_scorecard_quantile_verdict_fails_cleanly),
        TWICE(test_customers_builder_new_add_merge_finish_fail_cleanly),
        TWICE(test_journey_every_allocating_call_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, report);
}
