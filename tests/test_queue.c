/* Tests of the dispatch queue's saved form: svcm_pqueue_save() and
 * svcm_pqueue_load(). The reference for every order is the documented one:
 * successive pops at instant t give svcm_priority_order() at t. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "svcm/priority.h"

#define HOUR 3600
#define HEADER 12u
/* Default options saved: 11 doubles, rows, cols, levels, a 3x3 table. */
#define OPTS_BYTES (11u * 8u + 3u + 9u)
#define PREFIX (HEADER + OPTS_BYTES + 8u + 4u) /* + instant, count */
#define REQ 36u

/* ------------------------------------------------------------- helpers */

static uint64_t rng_state;
static uint64_t rnd(void) /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

static svcm_request random_request(int64_t id)
{
    svcm_request r;
    memset(&r, 0, sizeof r);
    r.id = id;
    r.tier = (uint8_t)(rnd() % 5);
    r.impact = 1 + (int)(rnd() % 4);
    r.severity = 1 + (int)(rnd() % 4);
    r.value = (double)(rnd() % 9) / 8.0;
    r.created = (int64_t)(rnd() % (48 * HOUR));
    r.due = rnd() % 5 == 0 ? SVCM_NO_DUE : r.created + (int64_t)(rnd() % (24 * HOUR));
    r.urgent = rnd() % 13 == 0;
    return r;
}

static void assert_request_equal(const svcm_request *a, const svcm_request *b)
{
    assert_int_equal(a->id, b->id);
    assert_int_equal(a->tier, b->tier);
    assert_int_equal(a->impact, b->impact);
    assert_int_equal(a->severity, b->severity);
    assert_memory_equal(&a->value, &b->value, sizeof a->value);
    assert_int_equal(a->created, b->created);
    assert_int_equal(a->due, b->due);
    assert_int_equal(a->urgent, b->urgent);
}

/* Saved bytes of q in a malloc'd buffer. */
static unsigned char *save(const svcm_pqueue *q, size_t *len)
{
    assert_int_equal(svcm_pqueue_save(q, NULL, 0, len), SVCM_ENOSPC);
    unsigned char *buf = malloc(*len);
    assert_non_null(buf);
    size_t len2 = 0;
    assert_int_equal(svcm_pqueue_save(q, buf, *len, &len2), SVCM_OK);
    assert_int_equal(len2, *len);
    return buf;
}

static svcm_pqueue *reload(const svcm_pqueue *q)
{
    size_t len;
    unsigned char *buf = save(q, &len);
    svcm_pqueue *c = NULL;
    svcm_error err;
    assert_int_equal(svcm_pqueue_load(buf, len, NULL, &c, &err), SVCM_OK);
    free(buf);
    return c;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Load buf and expect SVCM_EFORMAT naming field (and index, unless ANY). */
#define ANY ((size_t)-2)
static void expect_format(const unsigned char *buf, size_t len, const char *field, size_t index)
{
    svcm_error err;
    svcm_pqueue *q = (svcm_pqueue *)(void *)&err; /* must be reset to NULL */
    memset(&err, 0, sizeof err);
    assert_int_equal(svcm_pqueue_load(buf, len, NULL, &q, &err), SVCM_EFORMAT);
    assert_null(q);
    assert_int_equal(err.code, SVCM_EFORMAT);
    assert_non_null(err.field);
    assert_string_equal(err.field, field);
    if (index != ANY)
        assert_int_equal(err.index, index);
    assert_true(err.message[0] != '\0');
}

/* ------------------------------------------------------------- the format */

static void test_save_layout_header_and_sizes(void **state)
{
    (void)state;
    svcm_pqueue *q = NULL;
    assert_int_equal(svcm_pqueue_new(NULL, NULL, &q, NULL), SVCM_OK);
    for (int64_t id = 1; id <= 3; id++) {
        svcm_request r = random_request(id);
        assert_int_equal(svcm_pqueue_push(q, &r, NULL), SVCM_OK);
    }
    size_t len;
    unsigned char *buf = save(q, &len);
    /* Size worked out from the layout in src/queue.c, not from the code. */
    assert_int_equal(len, PREFIX + 3 * REQ);
    assert_memory_equal(buf, "SVCM", 4);
    assert_int_equal(buf[4] | buf[5] << 8, 9);  /* kind tag: priority */
    assert_int_equal(buf[6] | buf[7] << 8, 1);  /* version 1 */
    assert_int_equal(buf[8] | buf[9] << 8 | buf[10] << 16 | (uint32_t)buf[11] << 24,
                     len - HEADER);
    /* The first saved request is the one a pop at the instant returns. */
    svcm_request top;
    assert_int_equal(svcm_pqueue_peek(q, 0, &top, NULL), SVCM_OK);
    assert_int_equal((int64_t)get_u64(buf + PREFIX), top.id);
    free(buf);
    svcm_pqueue_free(q);
}

static void test_save_enospc_writes_nothing_and_reports_size(void **state)
{
    (void)state;
    svcm_pqueue *q = NULL;
    assert_int_equal(svcm_pqueue_new(NULL, NULL, &q, NULL), SVCM_OK);
    svcm_request r = random_request(7);
    assert_int_equal(svcm_pqueue_push(q, &r, NULL), SVCM_OK);
    size_t len = 0;
    assert_int_equal(svcm_pqueue_save(q, NULL, 1000, &len), SVCM_ENOSPC);
    assert_int_equal(len, PREFIX + REQ);
    unsigned char buf[PREFIX + REQ + 8];
    memset(buf, 0xA5, sizeof buf);
    size_t len2 = 0;
    assert_int_equal(svcm_pqueue_save(q, buf, len - 1, &len2), SVCM_ENOSPC);
    assert_int_equal(len2, len);
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0xA5);
    assert_int_equal(svcm_pqueue_save(q, buf, sizeof buf, NULL), SVCM_OK);
    assert_int_equal(buf[len], 0xA5); /* nothing past the saved form */
    assert_int_equal(svcm_pqueue_save(NULL, buf, sizeof buf, &len2), SVCM_EINVAL);
    svcm_pqueue_free(q);
}

static void test_empty_queue_round_trip_keeps_instant_and_options(void **state)
{
    (void)state;
    svcm_priority_options o;
    svcm_priority_options_init(&o);
    o.aging_per_hour = 2.5;
    o.w_sla = 7.0;
    int cells[] = {1, 2, 2, 3};
    assert_int_equal(svcm_itil_table_from_array(2, 2, cells, &o.table, NULL), SVCM_OK);
    svcm_pqueue *q = NULL;
    assert_int_equal(svcm_pqueue_new(&o, NULL, &q, NULL), SVCM_OK);
    assert_int_equal(svcm_pqueue_rescore(q, -12345), SVCM_OK);
    size_t len;
    unsigned char *buf = save(q, &len);
    assert_int_equal(len, HEADER + 11 * 8 + 3 + 4 + 8 + 4);
    svcm_pqueue *c = reload(q);
    assert_int_equal(svcm_pqueue_size(c), 0);
    assert_int_equal(svcm_pqueue_instant(c), -12345);
    assert_int_equal(svcm_pqueue_pop(c, -12345, NULL, NULL), SVCM_EEMPTY);
    /* The options came back: the same request scores the same in both. */
    svcm_request r = random_request(1);
    struct svcm_priority_result a, b;
    assert_int_equal(svcm_pqueue_push(q, &r, NULL), SVCM_OK);
    assert_int_equal(svcm_pqueue_push(c, &r, NULL), SVCM_OK);
    assert_int_equal(svcm_pqueue_peek(q, 99 * HOUR, NULL, &a), SVCM_OK);
    assert_int_equal(svcm_pqueue_peek(c, 99 * HOUR, NULL, &b), SVCM_OK);
    assert_memory_equal(&a.score, &b.score, sizeof a.score);
    assert_int_equal(a.priority, b.priority);
    struct svcm_priority_result ref;
    assert_int_equal(svcm_priority_classify(&o, &r, 1, 99 * HOUR, &ref, NULL), SVCM_OK);
    assert_memory_equal(&ref.score, &b.score, sizeof ref.score);
    free(buf);
    svcm_pqueue_free(q);
    svcm_pqueue_free(c);
}

/* ----------------------------------------------------- the property test */

/* A model of the queue: the requests it should hold, in any order. */
typedef struct model {
    svcm_request r[512];
    size_t n;
} model;

static void model_remove(model *m, int64_t id)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->r[i].id == id) {
            m->r[i] = m->r[--m->n];
            return;
        }
    fail_msg("id %lld not in the model", (long long)id);
}

/* Pop everything from q and c at instant t, in lockstep, and check both
 * against svcm_priority_order() of the model at t. */
static void drain_and_compare(svcm_pqueue *q, svcm_pqueue *c, const model *m, int64_t t)
{
    struct svcm_priority_result *ref = malloc((m->n + 1) * sizeof *ref);
    assert_non_null(ref);
    assert_int_equal(svcm_priority_order(NULL, m->r, m->n, t, NULL, ref, NULL), SVCM_OK);
    for (size_t k = 0; k < m->n; k++) {
        svcm_request a, b;
        struct svcm_priority_result ra, rb;
        assert_int_equal(svcm_pqueue_pop(q, t, &a, &ra), SVCM_OK);
        assert_int_equal(svcm_pqueue_pop(c, t, &b, &rb), SVCM_OK);
        assert_request_equal(&a, &b);
        assert_int_equal(a.id, ref[k].id);
        assert_memory_equal(&ra.score, &rb.score, sizeof ra.score);
        assert_memory_equal(&rb.score, &ref[k].score, sizeof rb.score);
    }
    assert_int_equal(svcm_pqueue_pop(c, t, NULL, NULL), SVCM_EEMPTY);
    free(ref);
}

/* One random operation applied to both queues and the model. */
static void random_op(svcm_pqueue *q, svcm_pqueue *c, model *m, int64_t *next_id, int64_t *now)
{
    uint64_t op = rnd() % 10;
    if (op < 5 && m->n < 512) { /* push */
        svcm_request r = random_request((*next_id)++ * 7919 % 100003 - 50000);
        assert_int_equal(svcm_pqueue_push(q, &r, NULL), SVCM_OK);
        assert_int_equal(svcm_pqueue_push(c, &r, NULL), SVCM_OK);
        m->r[m->n++] = r;
    } else if (op < 7 && m->n > 0) { /* pop, sometimes at a new instant */
        if (rnd() % 3 == 0)
            *now += (int64_t)(rnd() % (4 * HOUR));
        svcm_request a, b;
        assert_int_equal(svcm_pqueue_pop(q, *now, &a, NULL), SVCM_OK);
        assert_int_equal(svcm_pqueue_pop(c, *now, &b, NULL), SVCM_OK);
        assert_request_equal(&a, &b);
        model_remove(m, a.id);
    } else if (op < 8 && m->n > 0) { /* remove by id */
        int64_t id = m->r[rnd() % m->n].id;
        assert_int_equal(svcm_pqueue_remove(q, id, NULL), SVCM_OK);
        assert_int_equal(svcm_pqueue_remove(c, id, NULL), SVCM_OK);
        model_remove(m, id);
    } else if (m->n > 0) { /* update by id */
        size_t i = (size_t)(rnd() % m->n);
        svcm_request r = random_request(m->r[i].id);
        assert_int_equal(svcm_pqueue_update(q, &r, NULL), SVCM_OK);
        assert_int_equal(svcm_pqueue_update(c, &r, NULL), SVCM_OK);
        m->r[i] = r;
    }
}

static void check_copy(const svcm_pqueue *q, const svcm_pqueue *c, const model *m)
{
    assert_int_equal(svcm_pqueue_size(c), m->n);
    assert_int_equal(svcm_pqueue_instant(c), svcm_pqueue_instant(q));
    for (size_t i = 0; i < m->n; i++) {
        svcm_request got;
        assert_int_equal(svcm_pqueue_get(c, m->r[i].id, &got), SVCM_OK);
        assert_request_equal(&got, &m->r[i]);
    }
    assert_int_equal(svcm_pqueue_get(c, 1000000, NULL), SVCM_ENOTFOUND);
    /* Saving the copy gives the very same bytes. */
    size_t la, lb;
    unsigned char *a = save(q, &la);
    unsigned char *b = save(c, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
}

static void test_round_trip_after_random_operations_pops_identically(void **state)
{
    (void)state;
    rng_state = UINT64_C(0x9E3779B97F4A7C15);
    for (int trial = 0; trial < 40; trial++) {
        svcm_pqueue *q = NULL;
        assert_int_equal(svcm_pqueue_new(NULL, NULL, &q, NULL), SVCM_OK);
        model m = {.n = 0};
        int64_t next_id = 1, now = 0;
        svcm_pqueue *c = reload(q);
        int steps = (int)(rnd() % 600);
        for (int s = 0; s < steps; s++) {
            random_op(q, c, &m, &next_id, &now);
            if (rnd() % 50 == 0) { /* swap in a fresh copy and go on */
                svcm_pqueue_free(c);
                c = reload(q);
                check_copy(q, c, &m);
            }
        }
        svcm_pqueue_free(c);
        c = reload(q);
        check_copy(q, c, &m);
        /* Same instant (the O(log n) path) or a later one (re-score). */
        drain_and_compare(q, c, &m, trial % 2 ? now : now + (int64_t)(rnd() % (50 * HOUR)));
        svcm_pqueue_free(q);
        svcm_pqueue_free(c);
    }
}

/* ------------------------------------------------------------ bad bytes */

static unsigned char *sample(size_t *len, size_t n)
{
    svcm_pqueue *q = NULL;
    assert_int_equal(svcm_pqueue_new(NULL, NULL, &q, NULL), SVCM_OK);
    for (size_t i = 0; i < n; i++) {
        svcm_request r = random_request((int64_t)i + 1);
        assert_int_equal(svcm_pqueue_push(q, &r, NULL), SVCM_OK);
    }
    unsigned char *buf = save(q, len);
    svcm_pqueue_free(q);
    return buf;
}

static void test_every_truncation_is_refused(void **state)
{
    (void)state;
    rng_state = 42;
    size_t len;
    unsigned char *buf = sample(&len, 4);
    for (size_t k = 0; k < len; k++)
        expect_format(buf, k, "bytes", SVCM_NO_INDEX);
    /* Cut and with the header's length patched to match: refused further in. */
    for (size_t k = HEADER; k < len; k++) {
        unsigned char *cut = malloc(k);
        memcpy(cut, buf, k);
        put_u32(cut + 8, (uint32_t)(k - HEADER));
        svcm_pqueue *q = NULL;
        svcm_error err;
        assert_int_equal(svcm_pqueue_load(cut, k, NULL, &q, &err), SVCM_EFORMAT);
        assert_null(q);
        assert_true(strcmp(err.field, "bytes") == 0 || strcmp(err.field, "count") == 0);
        free(cut);
    }
    free(buf);
}

static void test_trailing_byte_is_refused(void **state)
{
    (void)state;
    size_t len;
    unsigned char *buf = sample(&len, 2);
    unsigned char *longer = calloc(1, len + 1);
    memcpy(longer, buf, len);
    expect_format(longer, len + 1, "bytes", SVCM_NO_INDEX); /* header says len */
    put_u32(longer + 8, (uint32_t)(len + 1 - HEADER));
    expect_format(longer, len + 1, "count", SVCM_NO_INDEX);
    free(longer);
    free(buf);
}

/* Copy of buf with a change, loaded, expecting field/index. */
typedef void (*mutator)(unsigned char *b);
static void expect_mutation(const unsigned char *buf, size_t len, mutator f, const char *field,
                            size_t index)
{
    unsigned char *b = malloc(len);
    memcpy(b, buf, len);
    f(b);
    expect_format(b, len, field, index);
    free(b);
}

#define R(i, off) (PREFIX + (i) * REQ + (off)) /* field of saved request i */
static void m_magic(unsigned char *b) { b[0] = 'X'; }
static void m_kind(unsigned char *b) { b[4] = 4; } /* a sketch's tag */
static void m_version(unsigned char *b) { b[6] = 2; }
static void m_nan_weight(unsigned char *b) { put_u64(b + HEADER, UINT64_C(0x7ff8000000000000)); }
static void m_negative_aging(unsigned char *b) { b[HEADER + 10 * 8 + 7] |= 0x80; }
static void m_threshold(unsigned char *b) { put_u64(b + HEADER + 4 * 8, UINT64_C(0x4000000000000000)); }
static void m_rows_zero(unsigned char *b) { b[HEADER + 88] = 0; }
static void m_rows_big(unsigned char *b) { b[HEADER + 88] = 17; }
static void m_cell_hole(unsigned char *b) { b[HEADER + 91 + 4] = 0; }
static void m_cell_above(unsigned char *b) { b[HEADER + 91 + 4] = 6; }
static void m_count_up(unsigned char *b) { b[PREFIX - 4]++; }
static void m_count_down(unsigned char *b) { b[PREFIX - 4]--; }
static void m_count_huge(unsigned char *b) { put_u32(b + PREFIX - 4, UINT32_MAX); }
static void m_tier(unsigned char *b) { b[R(1, 8)] = 5; }
static void m_impact(unsigned char *b) { b[R(2, 9)] = 5; }
static void m_severity(unsigned char *b) { b[R(0, 10)] = 0; }
static void m_urgent(unsigned char *b) { b[R(1, 11)] = 2; }
static void m_value_nan(unsigned char *b) { put_u64(b + R(2, 12), UINT64_C(0x7ff8000000000001)); }
static void m_value_big(unsigned char *b) { put_u64(b + R(0, 12), UINT64_C(0x3ff0000000000001)); }
static void m_due_before(unsigned char *b)
{
    put_u64(b + R(1, 20), 1000);
    put_u64(b + R(1, 28), 999);
}
static void m_duplicate_id(unsigned char *b) { memcpy(b + R(2, 0), b + R(0, 0), 8); }

static void test_corrupted_fields_are_refused_naming_the_field(void **state)
{
    (void)state;
    rng_state = 7;
    size_t len;
    unsigned char *buf = sample(&len, 3);
    const struct {
        mutator f;
        const char *field;
        size_t index;
    } cases[] = {
        {m_magic, "bytes", SVCM_NO_INDEX},     {m_kind, "bytes", SVCM_NO_INDEX},
        {m_version, "version", SVCM_NO_INDEX}, {m_nan_weight, "w_tier", SVCM_NO_INDEX},
        {m_negative_aging, "aging_per_hour", SVCM_NO_INDEX},
        {m_threshold, "important_threshold", SVCM_NO_INDEX},
        {m_rows_zero, "rows", SVCM_NO_INDEX},  {m_rows_big, "rows", SVCM_NO_INDEX},
        {m_cell_hole, "cell", SVCM_NO_INDEX},  {m_cell_above, "cell", SVCM_NO_INDEX},
        {m_count_up, "count", SVCM_NO_INDEX},  {m_count_down, "count", SVCM_NO_INDEX},
        {m_count_huge, "count", SVCM_NO_INDEX}, {m_tier, "tier", 1},
        {m_impact, "impact", 2},               {m_severity, "severity", 0},
        {m_urgent, "urgent", 1},               {m_value_nan, "value", 2},
        {m_value_big, "value", 0},             {m_due_before, "due", 1},
        {m_duplicate_id, "id", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_mutation(buf, len, cases[i].f, cases[i].field, cases[i].index);
    free(buf);
}

/* Any single flipped bit is refused or loads a queue that behaves. */
static void test_every_bit_flip_is_refused_or_consistent(void **state)
{
    (void)state;
    rng_state = 99;
    size_t len;
    unsigned char *buf = sample(&len, 3);
    size_t loaded = 0;
    for (size_t bit = 0; bit < len * 8; bit++) {
        buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        svcm_pqueue *q = NULL;
        int rc = svcm_pqueue_load(buf, len, NULL, &q, NULL);
        if (rc == SVCM_OK) {
            loaded++;
            assert_int_equal(svcm_pqueue_size(q), 3);
            size_t l2;
            unsigned char *again = save(q, &l2);
            assert_int_equal(l2, len); /* a valid queue saves back to the same size */
            free(again);
            svcm_pqueue_free(q);
        } else {
            assert_int_equal(rc, SVCM_EFORMAT);
            assert_null(q);
        }
        buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    }
    /* Some flips (low bits of a value, created, an id) keep a valid queue. */
    assert_true(loaded > 0);
    free(buf);
}

/* ----------------------------------------------------------- arguments */

typedef struct counting {
    long calls, fail_at, live;
} counting;

static void *c_alloc(void *ctx, size_t n)
{
    counting *c = ctx;
    if (c->calls++ == c->fail_at)
        return NULL;
    void *p = malloc(n);
    c->live += p != NULL;
    return p;
}
static void *c_realloc(void *ctx, void *p, size_t n)
{
    counting *c = ctx;
    if (c->calls++ == c->fail_at)
        return NULL;
    void *r = realloc(p, n);
    c->live += p == NULL && r != NULL;
    return r;
}
static void c_free(void *ctx, void *p)
{
    counting *c = ctx;
    c->live -= p != NULL;
    free(p);
}

static void test_allocation_failure_at_every_step_leaks_nothing(void **state)
{
    (void)state;
    rng_state = 3;
    size_t len;
    unsigned char *buf = sample(&len, 40);
    counting ctx = {0, 0, 0};
    svcm_allocator a = {c_alloc, c_realloc, c_free, &ctx};
    for (long k = 0;; k++) {
        ctx = (counting){0, k, 0};
        svcm_pqueue *q = NULL;
        svcm_error err;
        int rc = svcm_pqueue_load(buf, len, &a, &q, &err);
        if (rc == SVCM_OK) {
            assert_true(k > 0); /* at least one allocation was made */
            size_t l2;
            unsigned char *again = save(q, &l2);
            assert_memory_equal(again, buf, len);
            free(again);
            svcm_pqueue_free(q);
            assert_int_equal(ctx.live, 0);
            break;
        }
        assert_int_equal(rc, SVCM_ENOMEM);
        assert_int_equal(err.code, SVCM_ENOMEM);
        assert_null(q);
        assert_int_equal(ctx.live, 0);
    }
    free(buf);
}

static void test_load_argument_errors(void **state)
{
    (void)state;
    size_t len;
    unsigned char *buf = sample(&len, 1);
    svcm_pqueue *q = NULL;
    svcm_error err;
    assert_int_equal(svcm_pqueue_load(NULL, len, NULL, &q, &err), SVCM_EINVAL);
    assert_int_equal(svcm_pqueue_load(buf, len, NULL, NULL, &err), SVCM_EINVAL);
    counting ctx = {0, -1, 0};
    svcm_allocator half = {c_alloc, c_realloc, NULL, &ctx};
    assert_int_equal(svcm_pqueue_load(buf, len, &half, &q, &err), SVCM_EINVAL);
    assert_string_equal(err.field, "alloc");
    assert_null(q);
    assert_int_equal(ctx.calls, 0);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_save_layout_header_and_sizes),
        cmocka_unit_test(test_save_enospc_writes_nothing_and_reports_size),
        cmocka_unit_test(test_empty_queue_round_trip_keeps_instant_and_options),
        cmocka_unit_test(test_round_trip_after_random_operations_pops_identically),
        cmocka_unit_test(test_every_truncation_is_refused),
        cmocka_unit_test(test_trailing_byte_is_refused),
        cmocka_unit_test(test_corrupted_fields_are_refused_naming_the_field),
        cmocka_unit_test(test_every_bit_flip_is_refused_or_consistent),
        cmocka_unit_test(test_allocation_failure_at_every_step_leaks_nothing),
        cmocka_unit_test(test_load_argument_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
