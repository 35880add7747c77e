/* The dispatch queue: a binary max-heap of requests ordered by their score
 * at the queue's instant of scoring, with an open-addressing id -> slot map
 * so that update and remove by id are O(log n). */
#include <string.h>

#include "bytes.h"
#include "internal.h"
#include "priority_internal.h"
#include "svcm/priority.h"

/* A heap entry carries its sort keys so that sifting never leaves the heap
 * array; slot is where the request lives in reqs. */
typedef struct hentry {
    double score;
    int64_t due;
    int64_t id;
    uint32_t slot;
} hentry;

struct svcm_pqueue {
    svcm_allocator alloc;
    svcm_priority_options opts;
    int64_t now;          /* instant of scoring */
    size_t n;             /* requests, in slots 0..n-1 and heap[0..n-1] */
    size_t cap;           /* capacity of reqs, pos and heap */
    svcm_request *reqs;   /* by slot */
    uint32_t *pos;        /* slot -> heap position */
    hentry *heap;
    uint32_t *map;        /* open addressing: slot + 1, 0 = empty */
    size_t mcap;          /* power of two, >= 2 * n */
};

#define QUEUE_MAX_ENTRIES (UINT32_MAX - 1u)

/* Dispatch order: higher score, then earlier due, then smaller id. */
static inline bool before(const hentry *a, const hentry *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    if (a->due != b->due)
        return a->due < b->due;
    return a->id < b->id;
}

static inline size_t hash_id(int64_t id, size_t mask)
{
    /* splitmix64 finaliser: ids are often sequential. */
    uint64_t x = (uint64_t)id;
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return (size_t)x & mask;
}

/* Map bucket holding id, or SIZE_MAX. */
static size_t map_find(const svcm_pqueue *q, int64_t id)
{
    if (q->mcap == 0)
        return SIZE_MAX;
    size_t mask = q->mcap - 1;
    for (size_t b = hash_id(id, mask);; b = (b + 1) & mask) {
        uint32_t s = q->map[b];
        if (s == 0)
            return SIZE_MAX;
        if (q->reqs[s - 1].id == id)
            return b;
    }
}

static void map_put(uint32_t *map, size_t mcap, int64_t id, uint32_t slot)
{
    size_t mask = mcap - 1;
    size_t b = hash_id(id, mask);
    while (map[b] != 0)
        b = (b + 1) & mask;
    map[b] = slot + 1;
}

/* Delete bucket b with backward shifting (linear probing, no tombstones). */
static void map_delete(svcm_pqueue *q, size_t b)
{
    size_t mask = q->mcap - 1;
    size_t hole = b;
    for (size_t j = (b + 1) & mask; q->map[j] != 0; j = (j + 1) & mask) {
        size_t home = hash_id(q->reqs[q->map[j] - 1].id, mask);
        /* Move j into the hole unless its home lies cyclically in (hole, j]. */
        bool stays = (hole <= j) ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            q->map[hole] = q->map[j];
            hole = j;
        }
    }
    q->map[hole] = 0;
}

static inline void place(svcm_pqueue *q, size_t i, hentry e)
{
    q->heap[i] = e;
    q->pos[e.slot] = (uint32_t)i;
}

static void sift_up(svcm_pqueue *q, size_t i)
{
    hentry e = q->heap[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(&e, &q->heap[p]))
            break;
        place(q, i, q->heap[p]);
        i = p;
    }
    place(q, i, e);
}

static void sift_down(svcm_pqueue *q, size_t i)
{
    hentry e = q->heap[i];
    size_t n = q->n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && before(&q->heap[c + 1], &q->heap[c]))
            c++;
        if (!before(&q->heap[c], &e))
            break;
        place(q, i, q->heap[c]);
        i = c;
    }
    place(q, i, e);
}

static hentry entry_of(const svcm_pqueue *q, uint32_t slot)
{
    struct svcm_priority_result r;
    svcm__priority_eval(&q->opts, &q->reqs[slot], q->now, &r);
    hentry e = {r.score, r.due, r.id, slot};
    return e;
}

int svcm_pqueue_new(const svcm_priority_options *opts, const svcm_allocator *alloc,
                    svcm_pqueue **out, svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "out is NULL");
    *out = NULL;
    svcm_priority_options o;
    if (opts == NULL) {
        svcm_priority_options_init(&o);
    } else {
        int rc = svcm_priority_options_check(opts, err);
        if (rc != SVCM_OK)
            return rc;
        o = *opts;
    }
    svcm_allocator a;
    if (svcm__allocator_resolve(&a, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    svcm_pqueue *q = svcm__calloc(&a, 1, sizeof *q);
    if (q == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    q->alloc = a;
    q->opts = o;
    *out = q;
    return SVCM_OK;
}

void svcm_pqueue_free(svcm_pqueue *q)
{
    if (q == NULL)
        return;
    svcm_allocator a = q->alloc;
    svcm__free(&a, q->reqs);
    svcm__free(&a, q->pos);
    svcm__free(&a, q->heap);
    svcm__free(&a, q->map);
    svcm__free(&a, q);
}

size_t svcm_pqueue_size(const svcm_pqueue *q) { return q ? q->n : 0; }

int64_t svcm_pqueue_instant(const svcm_pqueue *q) { return q ? q->now : 0; }

/* Room for one more entry: arrays and a map at most half full. */
static int reserve_one(svcm_pqueue *q)
{
    if (q->n >= QUEUE_MAX_ENTRIES)
        return SVCM_ERANGE;
    if (q->n == q->cap) {
        size_t ncap = q->cap ? q->cap * 2 : 16;
        if (ncap > QUEUE_MAX_ENTRIES)
            ncap = QUEUE_MAX_ENTRIES;
        /* Each array grows separately; a failure leaves the old cap valid. */
        svcm_request *r = svcm__realloc(&q->alloc, q->reqs, ncap * sizeof *r);
        if (r == NULL)
            return SVCM_ENOMEM;
        q->reqs = r;
        uint32_t *p = svcm__realloc(&q->alloc, q->pos, ncap * sizeof *p);
        if (p == NULL)
            return SVCM_ENOMEM;
        q->pos = p;
        hentry *h = svcm__realloc(&q->alloc, q->heap, ncap * sizeof *h);
        if (h == NULL)
            return SVCM_ENOMEM;
        q->heap = h;
        q->cap = ncap;
    }
    if (2 * (q->n + 1) > q->mcap) {
        size_t ncap = q->mcap ? q->mcap * 2 : 32;
        uint32_t *m = svcm__calloc(&q->alloc, ncap, sizeof *m);
        if (m == NULL)
            return SVCM_ENOMEM;
        for (size_t s = 0; s < q->n; s++)
            map_put(m, ncap, q->reqs[s].id, (uint32_t)s);
        svcm__free(&q->alloc, q->map);
        q->map = m;
        q->mcap = ncap;
    }
    return SVCM_OK;
}

int svcm_pqueue_push(svcm_pqueue *q, const svcm_request *req, svcm_error *err)
{
    if (q == NULL || req == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "queue or request is NULL");
    int rc = svcm_request_check(req, err);
    if (rc != SVCM_OK)
        return rc;
    if (map_find(q, req->id) != SIZE_MAX)
        return svcm__error(err, SVCM_EEXIST, SVCM_NO_INDEX, "id",
                           "a request with id %lld is already queued", (long long)req->id);
    rc = reserve_one(q);
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "cannot grow the queue");
    uint32_t slot = (uint32_t)q->n;
    q->reqs[slot] = *req;
    q->n++;
    place(q, slot, entry_of(q, slot));
    sift_up(q, slot);
    map_put(q->map, q->mcap, req->id, slot);
    return SVCM_OK;
}

int svcm_pqueue_update(svcm_pqueue *q, const svcm_request *req, svcm_error *err)
{
    if (q == NULL || req == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "queue or request is NULL");
    int rc = svcm_request_check(req, err);
    if (rc != SVCM_OK)
        return rc;
    size_t b = map_find(q, req->id);
    if (b == SIZE_MAX)
        return svcm__error(err, SVCM_ENOTFOUND, SVCM_NO_INDEX, "id",
                           "no request with id %lld is queued", (long long)req->id);
    uint32_t slot = q->map[b] - 1;
    q->reqs[slot] = *req;
    size_t i = q->pos[slot];
    place(q, i, entry_of(q, slot));
    sift_up(q, i);
    sift_down(q, q->pos[slot]);
    return SVCM_OK;
}

/* Remove the request in map bucket b. */
static void remove_bucket(svcm_pqueue *q, size_t b, svcm_request *removed)
{
    uint32_t slot = q->map[b] - 1;
    if (removed != NULL)
        *removed = q->reqs[slot];
    map_delete(q, b);
    /* Out of the heap: the last entry fills the hole and moves either way. */
    size_t i = q->pos[slot];
    size_t last = q->n - 1;
    q->n--;
    if (i != last) {
        hentry moved = q->heap[last];
        place(q, i, moved);
        sift_up(q, i);
        sift_down(q, q->pos[moved.slot]);
    }
    /* Keep slots dense: the request in the last slot moves into the gap. */
    if (slot != last) {
        q->reqs[slot] = q->reqs[last];
        size_t hp = q->pos[last];
        q->heap[hp].slot = slot;
        q->pos[slot] = (uint32_t)hp;
        size_t mb = map_find(q, q->reqs[slot].id);
        /* map_find compares ids through the stale slot number: fix it now. */
        q->map[mb] = slot + 1;
    }
}

int svcm_pqueue_remove(svcm_pqueue *q, int64_t id, svcm_request *removed)
{
    if (q == NULL)
        return SVCM_EINVAL;
    size_t b = map_find(q, id);
    if (b == SIZE_MAX)
        return SVCM_ENOTFOUND;
    remove_bucket(q, b, removed);
    return SVCM_OK;
}

int svcm_pqueue_get(const svcm_pqueue *q, int64_t id, svcm_request *out)
{
    if (q == NULL)
        return SVCM_EINVAL;
    size_t b = map_find(q, id);
    if (b == SIZE_MAX)
        return SVCM_ENOTFOUND;
    if (out != NULL)
        *out = q->reqs[q->map[b] - 1];
    return SVCM_OK;
}

int svcm_pqueue_rescore(svcm_pqueue *q, int64_t now)
{
    if (q == NULL)
        return SVCM_EINVAL;
    q->now = now;
    for (size_t i = 0; i < q->n; i++)
        q->heap[i] = entry_of(q, q->heap[i].slot);
    for (size_t i = 0; i < q->n; i++)
        q->pos[q->heap[i].slot] = (uint32_t)i;
    for (size_t i = q->n / 2; i-- > 0;) /* Floyd's heap construction, O(n) */
        sift_down(q, i);
    return SVCM_OK;
}

static int front(svcm_pqueue *q, int64_t now, svcm_request *req, struct svcm_priority_result *res)
{
    if (q == NULL)
        return SVCM_EINVAL;
    if (q->n == 0)
        return SVCM_EEMPTY;
    if (now != q->now)
        svcm_pqueue_rescore(q, now);
    uint32_t slot = q->heap[0].slot;
    if (req != NULL)
        *req = q->reqs[slot];
    if (res != NULL)
        svcm__priority_eval(&q->opts, &q->reqs[slot], now, res);
    return SVCM_OK;
}

int svcm_pqueue_peek(svcm_pqueue *q, int64_t now, svcm_request *req, struct svcm_priority_result *res)
{
    return front(q, now, req, res);
}

int svcm_pqueue_pop(svcm_pqueue *q, int64_t now, svcm_request *req, struct svcm_priority_result *res)
{
    int rc = front(q, now, req, res);
    if (rc != SVCM_OK)
        return rc;
    remove_bucket(q, map_find(q, q->reqs[q->heap[0].slot].id), NULL);
    return SVCM_OK;
}

/* ------------------------------------------------------------ saved bytes */

/* Saved form, version 1 (after the 12-byte header, little-endian):
 *   options: 11 f64 in struct order (w_tier .. aging_per_hour), u8 rows,
 *            u8 cols, u8 levels, rows * cols u8 cells (row-major);
 *   i64 instant of scoring, u32 count, then count requests in heap order,
 *   REQ_BYTES each: i64 id, u8 tier, u8 impact, u8 severity, u8 urgent,
 *   f64 value, i64 created, i64 due.
 * The order is a function of (options, instant, requests) because every
 * entry is scored at the instant and ids are unique; heap order only makes
 * the loaded heap identical, so saving it again gives the same bytes.
 * The kind tag is the one bytes.h reserves for the priority engine. */
#define PQUEUE_KIND SVCM__KIND_PRIORITY
#define PQUEUE_VERSION 1
#define REQ_BYTES 36u

static void opts_write(svcm__writer *w, const svcm_priority_options *o)
{
    const double d[] = {o->w_tier, o->w_impact, o->w_severity, o->w_value,
                        o->important_threshold, o->urgent_threshold, o->w_quadrant,
                        o->w_itil, o->w_tier_score, o->w_sla, o->aging_per_hour};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        svcm__w_f64(w, d[i]);
    const svcm_itil_table *t = &o->table;
    svcm__w_u8(w, (uint8_t)t->rows);
    svcm__w_u8(w, (uint8_t)t->cols);
    svcm__w_u8(w, (uint8_t)t->levels);
    for (int r = 0; r < t->rows; r++)
        svcm__w_bytes(w, t->cell[r], (size_t)t->cols);
}

static void req_write(svcm__writer *w, const svcm_request *r)
{
    svcm__w_i64(w, r->id);
    svcm__w_u8(w, (uint8_t)r->tier);
    svcm__w_u8(w, (uint8_t)r->impact);
    svcm__w_u8(w, (uint8_t)r->severity);
    svcm__w_u8(w, r->urgent ? 1u : 0u);
    svcm__w_f64(w, r->value);
    svcm__w_i64(w, r->created);
    svcm__w_i64(w, r->due);
}

static void queue_write(const svcm_pqueue *q, svcm__writer *w)
{
    svcm__w_header(w, PQUEUE_KIND, PQUEUE_VERSION);
    opts_write(w, &q->opts);
    svcm__w_i64(w, q->now);
    svcm__w_u32(w, (uint32_t)q->n);
    for (size_t i = 0; i < q->n; i++)
        req_write(w, &q->reqs[q->heap[i].slot]);
    svcm__w_finish(w);
}

int svcm_pqueue_save(const svcm_pqueue *q, unsigned char *buf, size_t cap, size_t *len)
{
    if (q == NULL)
        return SVCM_EINVAL;
    svcm__writer m = {NULL, 0, 0};
    queue_write(q, &m);
    if (len != NULL)
        *len = m.pos;
    /* The header's u32 payload length bounds what can be saved. */
    if (m.pos - SVCM__HEADER_SIZE > UINT32_MAX)
        return SVCM_ERANGE;
    if (buf == NULL || cap < m.pos)
        return SVCM_ENOSPC;
    svcm__writer w = {buf, cap, 0};
    queue_write(q, &w);
    return SVCM_OK;
}

/* Options from r; an invalid set is SVCM_EFORMAT naming the option. */
static int opts_read(svcm__reader *r, svcm_priority_options *o, svcm_error *err)
{
    double *d[] = {&o->w_tier, &o->w_impact, &o->w_severity, &o->w_value,
                   &o->important_threshold, &o->urgent_threshold, &o->w_quadrant,
                   &o->w_itil, &o->w_tier_score, &o->w_sla, &o->aging_per_hour};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        *d[i] = svcm__r_f64(r);
    svcm_itil_table *t = &o->table;
    memset(t, 0, sizeof *t);
    t->rows = svcm__r_u8(r);
    t->cols = svcm__r_u8(r);
    t->levels = svcm__r_u8(r);
    if (r->ok && t->rows <= SVCM_ITIL_MAX && t->cols <= SVCM_ITIL_MAX) {
        for (int i = 0; i < t->rows; i++) {
            const unsigned char *p = svcm__r_take(r, (size_t)t->cols);
            if (p != NULL)
                memcpy(t->cell[i], p, (size_t)t->cols);
        }
    }
    if (!r->ok)
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "bytes", "truncated options");
    svcm_error e;
    if (svcm_priority_options_check(o, &e) != SVCM_OK)
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, e.field, "saved options: %s",
                           e.message);
    return SVCM_OK;
}

/* Arrays for exactly n requests and a map at most half full. */
static int queue_alloc(svcm_pqueue *q, size_t n)
{
    if (n == 0)
        return SVCM_OK;
    size_t mcap = 32;
    while (mcap < 2 * n)
        mcap *= 2;
    q->reqs = svcm__calloc(&q->alloc, n, sizeof *q->reqs);
    q->pos = svcm__calloc(&q->alloc, n, sizeof *q->pos);
    q->heap = svcm__calloc(&q->alloc, n, sizeof *q->heap);
    q->map = svcm__calloc(&q->alloc, mcap, sizeof *q->map);
    if (q->reqs == NULL || q->pos == NULL || q->heap == NULL || q->map == NULL)
        return SVCM_ENOMEM;
    q->cap = n;
    q->mcap = mcap;
    return SVCM_OK;
}

static int req_read(svcm__reader *r, size_t i, svcm_request *req, svcm_error *err)
{
    req->id = svcm__r_i64(r);
    req->tier = svcm__r_u8(r);
    req->impact = svcm__r_u8(r);
    req->severity = svcm__r_u8(r);
    uint8_t urgent = svcm__r_u8(r);
    req->urgent = urgent != 0;
    req->value = svcm__r_f64(r);
    req->created = svcm__r_i64(r);
    req->due = svcm__r_i64(r);
    /* prefix_read checked the length: no overrun here. */
    if (urgent > 1)
        return svcm__error(err, SVCM_EFORMAT, i, "urgent", "urgent flag is %u, not 0 or 1",
                           (unsigned)urgent);
    svcm_error e;
    if (svcm_request_check(req, &e) != SVCM_OK)
        return svcm__error(err, SVCM_EFORMAT, i, e.field, "saved request: %s", e.message);
    return SVCM_OK;
}

/* Requests into slots 0..n-1 (heap order), then the heap at q->now. */
static int reqs_read(svcm_pqueue *q, svcm__reader *r, size_t n, svcm_error *err)
{
    for (size_t i = 0; i < n; i++) {
        int rc = req_read(r, i, &q->reqs[i], err);
        if (rc != SVCM_OK)
            return rc;
        if (map_find(q, q->reqs[i].id) != SIZE_MAX)
            return svcm__error(err, SVCM_EFORMAT, i, "id", "id %lld is saved twice",
                               (long long)q->reqs[i].id);
        map_put(q->map, q->mcap, q->reqs[i].id, (uint32_t)i);
        q->n = i + 1;
    }
    for (size_t i = 0; i < n; i++)
        place(q, i, entry_of(q, (uint32_t)i));
    for (size_t i = n / 2; i-- > 0;) /* a no-op for bytes this library saved */
        sift_down(q, i);
    return SVCM_OK;
}

/* Header, options, instant and count; checks the count against the length. */
static int prefix_read(svcm__reader *r, svcm_priority_options *o, int64_t *now, size_t *n,
                       svcm_error *err)
{
    uint16_t version = svcm__r_header(r, PQUEUE_KIND);
    if (!r->ok)
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "bytes",
                           "not a saved queue: bad magic, kind or length");
    if (version != PQUEUE_VERSION)
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "version",
                           "unknown format version %u", (unsigned)version);
    int rc = opts_read(r, o, err);
    if (rc != SVCM_OK)
        return rc;
    *now = svcm__r_i64(r);
    uint32_t count = svcm__r_u32(r);
    if (!r->ok)
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "bytes", "truncated header fields");
    size_t left = r->len - r->pos;
    if (count > QUEUE_MAX_ENTRIES || left / REQ_BYTES != count || left % REQ_BYTES != 0)
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "count",
                           "%lu requests do not fill the %zu bytes left",
                           (unsigned long)count, left);
    *n = count;
    return SVCM_OK;
}

int svcm_pqueue_load(const unsigned char *buf, size_t len, const svcm_allocator *alloc,
                     svcm_pqueue **out, svcm_error *err)
{
    if (buf == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "buf or out is NULL");
    *out = NULL;
    svcm_allocator a;
    if (svcm__allocator_resolve(&a, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    svcm__reader r = {buf, len, 0, true};
    svcm_priority_options o;
    int64_t now = 0;
    size_t n = 0;
    int rc = prefix_read(&r, &o, &now, &n, err);
    if (rc != SVCM_OK)
        return rc;
    svcm_pqueue *q = svcm__calloc(&a, 1, sizeof *q);
    if (q == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    q->alloc = a;
    q->opts = o;
    q->now = now;
    rc = queue_alloc(q, n);
    if (rc != SVCM_OK)
        rc = svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
    else
        rc = reqs_read(q, &r, n, err);
    if (rc != SVCM_OK) {
        svcm_pqueue_free(q);
        return rc;
    }
    *out = q;
    return SVCM_OK;
}
