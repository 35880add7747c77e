/* Tier migration between two snapshots matched by customer id. */
#include <string.h>

#include "internal.h"
#include "svcm/segment.h"

/* An id with its position in the snapshot. */
typedef struct entry {
    uint64_t key; /* the id with the sign bit flipped: unsigned order = signed order */
    size_t idx;
} entry;

#define DIGIT_BITS 11
#define DIGITS ((64 + DIGIT_BITS - 1) / DIGIT_BITS)
#define RADIX ((size_t)1 << DIGIT_BITS)

/* Stable LSD radix sort of a[0..n) by key, using tmp[0..n); the result ends
 * in *sorted (a or tmp). Passes whose digit is the same everywhere are
 * skipped, so small id ranges cost few passes. */
static entry *radix_sort(entry *a, entry *tmp, size_t n, size_t *count)
{
    memset(count, 0, DIGITS * RADIX * sizeof *count);
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < DIGITS; d++)
            count[(size_t)d * RADIX + ((a[i].key >> (d * DIGIT_BITS)) & (RADIX - 1))]++;
    entry *src = a, *dst = tmp;
    for (int d = 0; d < DIGITS; d++) {
        size_t *c = count + (size_t)d * RADIX;
        if (n == 0 || c[(src[0].key >> (d * DIGIT_BITS)) & (RADIX - 1)] == n)
            continue;
        size_t sum = 0;
        for (size_t b = 0; b < RADIX; b++) {
            size_t t = c[b];
            c[b] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++)
            dst[c[(src[i].key >> (d * DIGIT_BITS)) & (RADIX - 1)]++] = src[i];
        entry *t = src;
        src = dst;
        dst = t;
    }
    return src;
}

/* Sort the ids of one snapshot into out[0..n), using tmp[0..n) as scratch;
 * report the smallest index that repeats an earlier id. */
static int sort_snapshot(const int64_t *ids, size_t n, entry *out, entry *tmp, size_t *count,
                         const char *field, svcm_error *err)
{
    for (size_t i = 0; i < n; i++) {
        out[i].key = (uint64_t)ids[i] ^ ((uint64_t)1 << 63);
        out[i].idx = i;
    }
    entry *s = radix_sort(out, tmp, n, count);
    if (s != out) /* an odd number of passes: bring the result home */
        memcpy(out, s, n * sizeof *out);
    /* Stable sort: within a run of equal ids the indices ascend, so the
     * second entry of a run is that id's first repeat. */
    size_t dup = SVCM_NO_INDEX;
    for (size_t i = 1; i < n; i++)
        if (out[i].key == out[i - 1].key && (i < 2 || out[i - 1].key != out[i - 2].key) &&
            out[i].idx < dup)
            dup = out[i].idx;
    if (dup != SVCM_NO_INDEX)
        return svcm__error(err, SVCM_EINVAL, dup, field, "id %lld appears more than once",
                           (long long)ids[dup]);
    return SVCM_OK;
}

static int check_tiers(const uint8_t *t, size_t n, const char *field, svcm_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (t[i] >= SVCM_TIER_COUNT)
            return svcm__error(err, SVCM_EINVAL, i, field, "tier %u is not in 0..4",
                               (unsigned)t[i]);
    return SVCM_OK;
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
    /* One block: old entries, new entries, and scratch for the larger. */
    const size_t big = n_old > n_new ? n_old : n_new;
    const size_t max_entries = SIZE_MAX / sizeof(entry) / 4;
    if (n_old > max_entries || n_new > max_entries)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "snapshots too large");
    entry *block = svcm__alloc(alloc, (n_old + n_new + big) * sizeof(entry));
    size_t *count = svcm__alloc(alloc, DIGITS * RADIX * sizeof(size_t));
    if (block == NULL || count == NULL) {
        rc = svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
        goto done;
    }
    entry *so = block, *sn = block + n_old, *tmp = block + n_old + n_new;
    rc = sort_snapshot(old_ids, n_old, so, tmp, count, "old_ids", err);
    if (rc == SVCM_OK)
        rc = sort_snapshot(new_ids, n_new, sn, tmp, count, "new_ids", err);
    if (rc != SVCM_OK)
        goto done;
    svcm_migration mg;
    memset(&mg, 0, sizeof mg);
    size_t i = 0, j = 0;
    while (i < n_old || j < n_new) {
        if (j == n_new || (i < n_old && so[i].key < sn[j].key)) {
            mg.gone[old_tiers[so[i].idx]]++;
            i++;
        } else if (i == n_old || sn[j].key < so[i].key) {
            mg.arrived[new_tiers[sn[j].idx]]++;
            j++;
        } else {
            mg.counts[old_tiers[so[i].idx]][new_tiers[sn[j].idx]]++;
            i++;
            j++;
        }
    }
    *out = mg;
done:
    svcm__free(alloc, block);
    svcm__free(alloc, count);
    return rc;
}
