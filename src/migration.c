/* Tier migration between two snapshots matched by customer id.
 *
 * Two ways to match, with the same result and the same duplicate report:
 * - dense ids (a sequence, the usual CRM case): one byte per id of the id
 *   range, two sequential passes;
 * - any other ids: a hash-partitioned join. One pass scatters each
 *   snapshot into buckets by a hash of the id (about BUCKET_TARGET ids a
 *   bucket, so a bucket's hash table stays in cache); then each bucket
 *   builds a small open-addressing table from its old ids and probes it
 *   with its new ids. That is two passes over memory instead of the dozen
 *   of a radix sort of 64-bit keys.
 * Duplicates: the scatter is stable, so a bucket sees its ids in input
 * order and the first id found already present is that bucket's smallest
 * repeating index; the smallest over all buckets is the record reported,
 * old snapshot first (as if each snapshot were checked in full, in order).
 */
#include <string.h>

#include "internal.h"
#include "svcm/segment.h"

/* An id with its position and tier: idx_tier = index << 3 | tier. */
typedef struct entry {
    uint64_t key;
    uint64_t idx_tier;
} entry;

/* A slot of a bucket's hash table. */
typedef struct slot {
    uint64_t key;
    uint8_t used;  /* 0 empty, 1 taken */
    uint8_t old;   /* old tier + 1, 0 when only in the new snapshot */
    uint8_t fresh; /* seen in the new snapshot */
} slot;

#define BUCKET_BITS_MAX 20
#define BUCKET_TARGET 16384u
#define DENSE_NEW 8u

static inline uint64_t mix(uint64_t key)
{
    key ^= key >> 33;
    key *= UINT64_C(0xff51afd7ed558ccd);
    key ^= key >> 33;
    return key;
}

static int check_tiers(const uint8_t *t, size_t n, const char *field, svcm_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (t[i] >= SVCM_TIER_COUNT)
            return svcm__error(err, SVCM_EINVAL, i, field, "tier %u is not in 0..4",
                               (unsigned)t[i]);
    return SVCM_OK;
}

/* Smallest and largest id of both snapshots, as sign-flipped keys (so that
 * unsigned order is signed order). */
static void key_range(const int64_t *a, size_t na, const int64_t *b, size_t nb, uint64_t *lo,
                      uint64_t *hi)
{
    const uint64_t flip = (uint64_t)1 << 63;
    uint64_t l = UINT64_MAX, h = 0;
    for (size_t i = 0; i < na; i++) {
        uint64_t k = (uint64_t)a[i] ^ flip;
        l = k < l ? k : l;
        h = k > h ? k : h;
    }
    for (size_t i = 0; i < nb; i++) {
        uint64_t k = (uint64_t)b[i] ^ flip;
        l = k < l ? k : l;
        h = k > h ? k : h;
    }
    *lo = l;
    *hi = h;
}

static int dup_error(svcm_error *err, size_t idx, const char *field, const int64_t *ids)
{
    return svcm__error(err, SVCM_EINVAL, idx, field, "id %lld appears more than once",
                       (long long)ids[idx]);
}

/* Dense ids: a byte per id in [lo, lo + range): the old tier + 1 in the low
 * three bits (0: not in the old snapshot), DENSE_NEW once seen in the new
 * one. */
static int migrate_dense(const int64_t *old_ids, const uint8_t *old_tiers, size_t n_old,
                         const int64_t *new_ids, const uint8_t *new_tiers, size_t n_new,
                         uint64_t lo, size_t range, const svcm_allocator *alloc,
                         svcm_migration *out, svcm_error *err)
{
    uint8_t *tab = svcm__calloc(alloc, range, 1);
    if (tab == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    const uint64_t flip = (uint64_t)1 << 63;
    uint64_t old_count[SVCM_TIER_COUNT] = {0};
    int rc = SVCM_OK;
    for (size_t i = 0; i < n_old; i++) {
        uint8_t *b = &tab[((uint64_t)old_ids[i] ^ flip) - lo];
        if (*b != 0) {
            rc = dup_error(err, i, "old_ids", old_ids);
            goto done;
        }
        *b = (uint8_t)(old_tiers[i] + 1u);
        old_count[old_tiers[i]]++;
    }
    svcm_migration mg;
    memset(&mg, 0, sizeof mg);
    for (size_t j = 0; j < n_new; j++) {
        uint8_t *b = &tab[((uint64_t)new_ids[j] ^ flip) - lo];
        if (*b & DENSE_NEW) {
            rc = dup_error(err, j, "new_ids", new_ids);
            goto done;
        }
        unsigned was = *b & 7u;
        if (was != 0)
            mg.counts[was - 1][new_tiers[j]]++;
        else
            mg.arrived[new_tiers[j]]++;
        *b = (uint8_t)(*b | DENSE_NEW);
    }
    for (size_t t = 0; t < SVCM_TIER_COUNT; t++) {
        uint64_t kept = 0;
        for (size_t u = 0; u < SVCM_TIER_COUNT; u++)
            kept += mg.counts[t][u];
        mg.gone[t] = old_count[t] - kept;
    }
    *out = mg;
done:
    svcm__free(alloc, tab);
    return rc;
}

/* Stable scatter of one snapshot into its buckets: start[b] .. start[b+1]
 * of out (start has nb + 1 entries and is filled here). */
static void scatter(const int64_t *ids, const uint8_t *tiers, size_t n, unsigned bits,
                    size_t *start, size_t *fill, entry *out)
{
    const size_t nb = (size_t)1 << bits;
    memset(start, 0, (nb + 1) * sizeof *start);
    for (size_t i = 0; i < n; i++)
        start[(mix((uint64_t)ids[i]) >> (64 - bits)) + 1]++;
    for (size_t b = 0; b < nb; b++)
        start[b + 1] += start[b];
    memcpy(fill, start, nb * sizeof *fill);
    for (size_t i = 0; i < n; i++) {
        uint64_t k = (uint64_t)ids[i];
        out[fill[mix(k) >> (64 - bits)]++] = (entry){k, (uint64_t)i << 3 | tiers[i]};
    }
}

/* The slot of key in a table of mask + 1 slots: the existing one, or the
 * empty one where it goes. */
static slot *find(slot *tab, size_t mask, uint64_t key)
{
    size_t s = (size_t)(mix(key) * UINT64_C(0x9E3779B97F4A7C15) >> 32) & mask;
    while (tab[s].used && tab[s].key != key)
        s = (s + 1) & mask;
    return &tab[s];
}

static int migrate_hashed(const int64_t *old_ids, const uint8_t *old_tiers, size_t n_old,
                          const int64_t *new_ids, const uint8_t *new_tiers, size_t n_new,
                          const svcm_allocator *alloc, svcm_migration *out, svcm_error *err)
{
    const size_t n = n_old + n_new;
    unsigned bits = 1; /* at least two buckets: a shift by 64 is undefined */
    while (bits < BUCKET_BITS_MAX && ((size_t)BUCKET_TARGET << bits) < n)
        bits++;
    const size_t nb = (size_t)1 << bits;
    const size_t max_entries = SIZE_MAX / sizeof(entry) / 2;
    if (n_old > max_entries || n_new > max_entries || n > max_entries)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "snapshots too large");
    entry *ent = svcm__alloc(alloc, (n ? n : 1) * sizeof *ent);
    size_t *bounds = svcm__alloc(alloc, (3 * nb + 2) * sizeof *bounds);
    slot *tab = NULL;
    int rc = SVCM_OK;
    if (ent == NULL || bounds == NULL) {
        rc = svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
        goto done;
    }
    size_t *so = bounds, *sn = bounds + nb + 1, *fill = bounds + 2 * nb + 2;
    entry *eo = ent, *en = ent + n_old;
    scatter(old_ids, old_tiers, n_old, bits, so, fill, eo);
    scatter(new_ids, new_tiers, n_new, bits, sn, fill, en);
    /* One table, sized for the largest bucket at most half full. */
    size_t most = 0;
    for (size_t b = 0; b < nb; b++) {
        size_t c = (so[b + 1] - so[b]) + (sn[b + 1] - sn[b]);
        most = c > most ? c : most;
    }
    size_t cap = 16;
    while (cap < 2 * most)
        cap *= 2;
    tab = svcm__alloc(alloc, cap * sizeof *tab);
    if (tab == NULL) {
        rc = svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
        goto done;
    }
    svcm_migration mg;
    memset(&mg, 0, sizeof mg);
    size_t dup_old = SVCM_NO_INDEX, dup_new = SVCM_NO_INDEX;
    for (size_t b = 0; b < nb; b++) {
        size_t c = (so[b + 1] - so[b]) + (sn[b + 1] - sn[b]);
        if (c == 0)
            continue;
        size_t size = 16;
        while (size < 2 * c)
            size *= 2;
        const size_t mask = size - 1;
        memset(tab, 0, size * sizeof *tab);
        for (size_t i = so[b]; i < so[b + 1]; i++) {
            slot *s = find(tab, mask, eo[i].key);
            size_t idx = (size_t)(eo[i].idx_tier >> 3);
            if (s->used) {
                if (idx < dup_old)
                    dup_old = idx;
                continue;
            }
            *s = (slot){eo[i].key, 1, (uint8_t)((eo[i].idx_tier & 7u) + 1u), 0};
        }
        for (size_t j = sn[b]; j < sn[b + 1]; j++) {
            slot *s = find(tab, mask, en[j].key);
            size_t idx = (size_t)(en[j].idx_tier >> 3);
            unsigned t = (unsigned)(en[j].idx_tier & 7u);
            if (s->used && s->fresh) {
                if (idx < dup_new)
                    dup_new = idx;
                continue;
            }
            if (s->used)
                mg.counts[s->old - 1][t]++;
            else
                mg.arrived[t]++;
            *s = (slot){en[j].key, 1, s->used ? s->old : 0, 1};
        }
    }
    for (size_t i = 0; i < n_old; i++)
        mg.gone[old_tiers[i]]++;
    for (size_t t = 0; t < SVCM_TIER_COUNT; t++)
        for (size_t u = 0; u < SVCM_TIER_COUNT; u++)
            mg.gone[t] -= mg.counts[t][u]; /* old ids not seen again */
    if (dup_old != SVCM_NO_INDEX)
        rc = dup_error(err, dup_old, "old_ids", old_ids);
    else if (dup_new != SVCM_NO_INDEX)
        rc = dup_error(err, dup_new, "new_ids", new_ids);
    else
        *out = mg;
done:
    svcm__free(alloc, ent);
    svcm__free(alloc, bounds);
    svcm__free(alloc, tab);
    return rc;
}

int svcm_segment_migration(const int64_t *old_ids, const uint8_t *old_tiers, size_t n_old,
                           const int64_t *new_ids, const uint8_t *new_tiers, size_t n_new,
                           const svcm_allocator *alloc, svcm_migration *out, svcm_error *err)
{
    if (out == NULL || ((old_ids == NULL || old_tiers == NULL) && n_old > 0) ||
        ((new_ids == NULL || new_tiers == NULL) && n_new > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL pointer");
    if (svcm__allocator_check(alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    int rc = check_tiers(old_tiers, n_old, "old_tiers", err);
    if (rc == SVCM_OK)
        rc = check_tiers(new_tiers, n_new, "new_tiers", err);
    if (rc != SVCM_OK)
        return rc;
    if (n_old + n_new == 0) {
        memset(out, 0, sizeof *out);
        return SVCM_OK;
    }
    /* A byte per id of the range costs no more than the join's 16-byte
     * entries when the range is below 16 ids a record. */
    uint64_t lo, hi;
    key_range(old_ids, n_old, new_ids, n_new, &lo, &hi);
    const uint64_t span = hi - lo; /* range - 1, no overflow */
    if (span / 16u < (uint64_t)n_old + (uint64_t)n_new && span < (uint64_t)SIZE_MAX)
        return migrate_dense(old_ids, old_tiers, n_old, new_ids, new_tiers, n_new, lo,
                             (size_t)span + 1u, alloc, out, err);
    return migrate_hashed(old_ids, old_tiers, n_old, new_ids, new_tiers, n_new, alloc, out,
                          err);
}
