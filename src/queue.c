/* The dispatch queue: a binary max-heap of requests ordered by their score
 * at the queue's instant of scoring, with an open-addressing id -> slot map
 * so that update and remove by id are O(log n). */
#include <string.h>

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
    svcm_priority_result r;
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
        int rc = svcm_priority_options_validate(opts, err);
        if (rc != SVCM_OK)
            return rc;
        o = *opts;
    }
    svcm_allocator a;
    svcm__allocator_resolve(&a, alloc);
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
    int rc = svcm_request_validate(req, err);
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
    int rc = svcm_request_validate(req, err);
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

static int front(svcm_pqueue *q, int64_t now, svcm_request *req, svcm_priority_result *res)
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

int svcm_pqueue_peek(svcm_pqueue *q, int64_t now, svcm_request *req, svcm_priority_result *res)
{
    return front(q, now, req, res);
}

int svcm_pqueue_pop(svcm_pqueue *q, int64_t now, svcm_request *req, svcm_priority_result *res)
{
    int rc = front(q, now, req, res);
    if (rc != SVCM_OK)
        return rc;
    remove_bucket(q, map_find(q, q->reqs[q->heap[0].slot].id), NULL);
    return SVCM_OK;
}
