/* Tier migration between two snapshots matched by customer id.
 *
 * Two ways to match, with the same result and the same duplicate report:
 * - dense ids (a sequence, the usual CRM case): one byte per id of the id
 *   range, two sequential passes;
 * - any other ids: a hash-partitioned join. One pass per snapshot counts
 *   its ids per bucket (a hash of the id, about BUCKET_TARGET ids a bucket
 *   for both snapshots, so a bucket's hash table stays in cache), a second
 *   scatters them as 8-byte entries (the hash, which names the id, and the
 *   tier); then each bucket builds a small open-addressing table from its
 *   old entries and probes it with its new ones. That is two passes over
 *   memory instead of the dozen of a radix sort of 64-bit keys.
 * Duplicates: the join only notes that a snapshot repeats an id; then
 * first_repeat() finds the smallest index whose id appeared before (old
 * snapshot first), the record the dense path reports too (as if each
 * snapshot were checked in full, in order).
 */
#include <string.h>

#include "internal.h"
#include "parallel.h"
#include "svcm/segment.h"

/* The hashed join keeps 8 bytes a record. mix() is a bijection of 64-bit
 * words, so h = mix(id) names the id; a record goes to bucket h >> (64 -
 * bits), so within a bucket the top bits of h are known and e = h << bits
 * still names the id, with its low bits free (bits >= BUCKET_BITS_MIN):
 * an entry is e | tier, a table slot e | SLOT_NEW | (old tier + 1), and 0
 * is an empty slot (a taken slot has a state bit set). */
#define BUCKET_BITS_MIN 4
#define BUCKET_BITS_MAX 20
#define BUCKET_TARGET 16384u
#define DENSE_NEW 8u
#define SLOT_NEW 8u

/* A bijection of 64-bit words (xor-shift, odd multiply, xor-shift). */
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

/* The hashed join in parts, one a thread (svcm__parallel): each part
 * counts and scatters its own consecutive rows of a snapshot, to the slots
 * a single pass in input order would give them (its share of each bucket
 * comes after the earlier parts'), so the entries are the same; then each
 * part joins its own range of buckets with its own table and counts, and
 * the counts are summed (integers). The result is the one of one thread,
 * bit for bit. */
typedef enum mig_phase { MIG_COUNT, MIG_SCATTER, MIG_JOIN } mig_phase;

typedef struct mig_job {
    mig_phase phase;
    unsigned bits;
    const int64_t *ids;   /* MIG_COUNT, MIG_SCATTER: the snapshot */
    const uint8_t *tiers;
    uint64_t *out;        /* MIG_SCATTER: its entries */
    const uint64_t *eo, *en; /* MIG_JOIN: the entries */
    const size_t *so, *sn;   /* MIG_JOIN: bucket starts */
} mig_job;

typedef struct mig_part {
    const mig_job *job;
    size_t lo, hi;     /* rows (count, scatter) or buckets (join) */
    size_t *hist;      /* nb counts, then this part's next slot per bucket */
    uint64_t *tab;     /* MIG_JOIN: this part's table */
    uint64_t count[SVCM_TIER_COUNT];
    svcm_migration mg;
    bool dup_old, dup_new;
} mig_part;

static void join_buckets(const mig_job *j, mig_part *pt)
{
    const uint64_t low = ((uint64_t)1 << j->bits) - 1; /* the free bits of an entry */
    uint64_t *tab = pt->tab;
    svcm_migration *mg = &pt->mg;
    for (size_t b = pt->lo; b < pt->hi; b++) {
        size_t c = (j->so[b + 1] - j->so[b]) + (j->sn[b + 1] - j->sn[b]);
        if (c == 0)
            continue;
        unsigned tb = 4;
        while (((size_t)1 << tb) < 2 * c)
            tb++;
        const size_t mask = ((size_t)1 << tb) - 1;
        memset(tab, 0, (mask + 1) * sizeof *tab);
        /* The slot of a key is its next tb hash bits, then linear probing. */
        for (size_t i = j->so[b]; i < j->so[b + 1]; i++) {
            uint64_t key = j->eo[i] & ~low;
            size_t s = (size_t)(key >> (64 - tb));
            while (tab[s] != 0 && (tab[s] & ~low) != key)
                s = (s + 1) & mask;
            if (tab[s] != 0) {
                pt->dup_old = true;
                continue;
            }
            tab[s] = key | ((j->eo[i] & 7u) + 1u);
        }
        for (size_t k = j->sn[b]; k < j->sn[b + 1]; k++) {
            uint64_t key = j->en[k] & ~low;
            unsigned t = (unsigned)(j->en[k] & 7u);
            size_t s = (size_t)(key >> (64 - tb));
            while (tab[s] != 0 && (tab[s] & ~low) != key)
                s = (s + 1) & mask;
            uint64_t v = tab[s];
            if (v & SLOT_NEW) {
                pt->dup_new = true;
                continue;
            }
            if (v != 0)
                mg->counts[(v & 7u) - 1u][t]++;
            else
                mg->arrived[t]++;
            tab[s] = key | SLOT_NEW | (v & 7u);
        }
    }
}

static void mig_run(void *arg)
{
    mig_part *pt = arg;
    const mig_job *j = pt->job;
    const unsigned bits = j->bits;
    switch (j->phase) {
    case MIG_COUNT:
        memset(pt->hist, 0, ((size_t)1 << bits) * sizeof *pt->hist);
        for (size_t i = pt->lo; i < pt->hi; i++)
            pt->hist[mix((uint64_t)j->ids[i]) >> (64 - bits)]++;
        break;
    case MIG_SCATTER: {
        uint64_t c[SVCM_TIER_COUNT] = {0};
        size_t *fill = pt->hist;
        for (size_t i = pt->lo; i < pt->hi; i++) {
            uint64_t h = mix((uint64_t)j->ids[i]);
            j->out[fill[h >> (64 - bits)]++] = h << bits | j->tiers[i];
            c[j->tiers[i]]++;
        }
        memcpy(pt->count, c, sizeof c);
        break;
    }
    case MIG_JOIN:
        join_buckets(j, pt);
        break;
    }
}

/* Scatter one snapshot into its buckets, in input order: start[b] ..
 * start[b+1] of out (start has nb + 1 entries); count[t] receives the
 * number of records of tier t. */
static void scatter(mig_job *j, mig_part *pt, unsigned parts, const int64_t *ids,
                    const uint8_t *tiers, size_t n, size_t *start, uint64_t *out,
                    uint64_t count[SVCM_TIER_COUNT])
{
    const size_t nb = (size_t)1 << j->bits;
    j->ids = ids;
    j->tiers = tiers;
    j->out = out;
    for (unsigned t = 0; t < parts; t++)
        svcm__part(n, parts, t, &pt[t].lo, &pt[t].hi);
    j->phase = MIG_COUNT;
    svcm__parallel(mig_run, pt, sizeof *pt, parts);
    /* Part t's rows of bucket b go after every row of smaller buckets and
     * after the rows of bucket b of the parts before t. */
    size_t sum = 0;
    for (size_t b = 0; b < nb; b++) {
        start[b] = sum;
        for (unsigned t = 0; t < parts; t++) {
            size_t c = pt[t].hist[b];
            pt[t].hist[b] = sum;
            sum += c;
        }
    }
    start[nb] = sum;
    j->phase = MIG_SCATTER;
    svcm__parallel(mig_run, pt, sizeof *pt, parts);
    memset(count, 0, SVCM_TIER_COUNT * sizeof *count);
    for (unsigned t = 0; t < parts; t++)
        for (size_t k = 0; k < SVCM_TIER_COUNT; k++)
            count[k] += pt[t].count[k];
}

/* The smallest index whose id appeared at a smaller index, or SVCM_NO_INDEX;
 * SVCM_ENOMEM when its table cannot be allocated. Only called once the join
 * has found a repeat, to name it (one table of every id: slow, but the
 * join does not keep positions). */
static int first_repeat(const int64_t *ids, size_t n, const svcm_allocator *alloc, size_t *at)
{
    size_t size = 16;
    while (size < 2 * n)
        size *= 2;
    uint64_t *tab = svcm__calloc(alloc, size, sizeof *tab);
    if (tab == NULL)
        return SVCM_ENOMEM;
    unsigned tb = 0;
    while (((size_t)1 << tb) < size)
        tb++;
    bool zero = false; /* mix(id) == 0 (id 0) is kept apart from the empty slot */
    *at = SVCM_NO_INDEX;
    for (size_t i = 0; i < n && *at == SVCM_NO_INDEX; i++) {
        uint64_t h = mix((uint64_t)ids[i]);
        if (h == 0) {
            if (zero)
                *at = i;
            zero = true;
            continue;
        }
        size_t s = (size_t)(h >> (64 - tb));
        while (tab[s] != 0 && tab[s] != h)
            s = (s + 1) & (size - 1);
        if (tab[s] == h)
            *at = i;
        tab[s] = h;
    }
    svcm__free(alloc, tab);
    return SVCM_OK;
}

static int migrate_hashed(const int64_t *old_ids, const uint8_t *old_tiers, size_t n_old,
                          const int64_t *new_ids, const uint8_t *new_tiers, size_t n_new,
                          unsigned threads, const svcm_allocator *alloc, svcm_migration *out,
                          svcm_error *err)
{
    const size_t n = n_old + n_new;
    unsigned bits = BUCKET_BITS_MIN;
    while (bits < BUCKET_BITS_MAX && ((size_t)BUCKET_TARGET << bits) < n)
        bits++;
    const size_t nb = (size_t)1 << bits;
    const size_t max_entries = SIZE_MAX / sizeof(uint64_t) / 2;
    if (n_old > max_entries || n_new > max_entries || n > max_entries)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "snapshots too large");
    /* Parts: rows of the larger snapshot, at most one per 1024 rows. */
    const unsigned parts =
        svcm__parts(n_old > n_new ? n_old : n_new, threads, SVCM__MIN_PART_ROWS);
    uint64_t *ent = svcm__alloc(alloc, (n ? n : 1) * sizeof *ent);
    size_t *bounds = svcm__alloc(alloc, (2 * (nb + 1) + (size_t)parts * nb) * sizeof *bounds);
    uint64_t *tab = NULL;
    int rc = SVCM_OK;
    if (ent == NULL || bounds == NULL) {
        rc = svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
        goto done;
    }
    size_t *so = bounds, *sn = bounds + nb + 1;
    uint64_t *eo = ent, *en = ent + n_old;
    mig_job j;
    memset(&j, 0, sizeof j);
    j.bits = bits;
    mig_part pt[SVCM__MAX_THREADS];
    memset(pt, 0, parts * sizeof *pt);
    for (unsigned t = 0; t < parts; t++) {
        pt[t].job = &j;
        pt[t].hist = bounds + 2 * (nb + 1) + (size_t)t * nb;
    }
    uint64_t old_count[SVCM_TIER_COUNT], new_count[SVCM_TIER_COUNT];
    scatter(&j, pt, parts, old_ids, old_tiers, n_old, so, eo, old_count);
    scatter(&j, pt, parts, new_ids, new_tiers, n_new, sn, en, new_count);
    /* One table a part, sized for the largest bucket at most half full. */
    size_t most = 0;
    for (size_t b = 0; b < nb; b++) {
        size_t c = (so[b + 1] - so[b]) + (sn[b + 1] - sn[b]);
        most = c > most ? c : most;
    }
    size_t cap = 16;
    while (cap < 2 * most)
        cap *= 2;
    tab = svcm__alloc(alloc, (size_t)parts * cap * sizeof *tab);
    if (tab == NULL) {
        rc = svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
        goto done;
    }
    j.eo = eo;
    j.en = en;
    j.so = so;
    j.sn = sn;
    j.phase = MIG_JOIN;
    for (unsigned t = 0; t < parts; t++) {
        svcm__part(nb, parts, t, &pt[t].lo, &pt[t].hi);
        pt[t].tab = tab + (size_t)t * cap;
    }
    svcm__parallel(mig_run, pt, sizeof *pt, parts);
    svcm_migration mg;
    memset(&mg, 0, sizeof mg);
    bool dup_old = false, dup_new = false;
    for (unsigned t = 0; t < parts; t++) {
        for (size_t a = 0; a < SVCM_TIER_COUNT; a++) {
            for (size_t b = 0; b < SVCM_TIER_COUNT; b++)
                mg.counts[a][b] += pt[t].mg.counts[a][b];
            mg.arrived[a] += pt[t].mg.arrived[a];
        }
        dup_old = dup_old || pt[t].dup_old;
        dup_new = dup_new || pt[t].dup_new;
    }
    if (dup_old || dup_new) {
        size_t at;
        const int64_t *ids = dup_old ? old_ids : new_ids;
        const char *field = dup_old ? "old_ids" : "new_ids";
        rc = first_repeat(ids, dup_old ? n_old : n_new, alloc, &at);
        rc = rc == SVCM_OK ? dup_error(err, at, field, ids)
                           : svcm__error(err, rc, SVCM_NO_INDEX, field,
                                         "out of memory while locating a repeated id");
        goto done;
    }
    for (size_t t = 0; t < SVCM_TIER_COUNT; t++) {
        uint64_t kept = 0;
        for (size_t u = 0; u < SVCM_TIER_COUNT; u++)
            kept += mg.counts[t][u];
        mg.gone[t] = old_count[t] - kept; /* old ids not seen again */
    }
    *out = mg;
done:
    svcm__free(alloc, ent);
    svcm__free(alloc, bounds);
    svcm__free(alloc, tab);
    return rc;
}

static int migration(const int64_t *old_ids, const uint8_t *old_tiers, size_t n_old,
                     const int64_t *new_ids, const uint8_t *new_tiers, size_t n_new,
                     unsigned threads, const svcm_allocator *alloc, svcm_migration *out,
                     svcm_error *err)
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
    /* A byte per id of the range costs no more than the join's 8-byte
     * entries when the range is below 16 ids a record. */
    uint64_t lo, hi;
    key_range(old_ids, n_old, new_ids, n_new, &lo, &hi);
    const uint64_t span = hi - lo; /* range - 1, no overflow */
    if (span / 16u < (uint64_t)n_old + (uint64_t)n_new && span < (uint64_t)SIZE_MAX)
        return migrate_dense(old_ids, old_tiers, n_old, new_ids, new_tiers, n_new, lo,
                             (size_t)span + 1u, alloc, out, err);
    return migrate_hashed(old_ids, old_tiers, n_old, new_ids, new_tiers, n_new, threads, alloc,
                          out, err);
}

int svcm_segment_migration(const int64_t *old_ids, const uint8_t *old_tiers, size_t n_old,
                           const int64_t *new_ids, const uint8_t *new_tiers, size_t n_new,
                           const svcm_allocator *alloc, svcm_migration *out, svcm_error *err)
{
    return migration(old_ids, old_tiers, n_old, new_ids, new_tiers, n_new, 1, alloc, out, err);
}

int svcm_segment_migration_run(const int64_t *old_ids, const uint8_t *old_tiers, size_t n_old,
                               const int64_t *new_ids, const uint8_t *new_tiers, size_t n_new,
                               const svcm_segment_run_options *run, const svcm_allocator *alloc,
                               svcm_migration *out, svcm_error *err)
{
    svcm_segment_run_options defaults;
    if (run == NULL) {
        svcm_segment_run_options_init(&defaults);
        run = &defaults;
    }
    int rc = svcm_segment_run_options_check(run, err);
    if (rc != SVCM_OK)
        return rc;
    return migration(old_ids, old_tiers, n_old, new_ids, new_tiers, n_new, run->threads, alloc,
                     out, err);
}
