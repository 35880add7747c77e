/**
 * @file svcm/sketch.h
 * @brief Mergeable quantile sketch with a relative-error guarantee, and a
 *        durations summary (first-response, resolution, handle time) built
 *        on it.
 *
 * The sketch follows DDSketch (Masson, Rim and Lee, "DDSketch: A Fast and
 * Fully-Mergeable Quantile Sketch with Relative-Error Guarantees", VLDB
 * 2019): non-negative values are counted in logarithmically sized buckets
 * so that every bucket's representative is within a relative error
 * `rel_err` of every value in it. Zero has its own counter.
 *
 * **Quantile definition.** For n values sorted ascending x_0 <= ... <=
 * x_{n-1}, the q-quantile is the lower nearest rank x_r with
 * r = floor(q * (n - 1)) (the paper's definition). Answers for q = 0 and
 * q = 1 are the exact minimum and maximum.
 *
 * **Guarantee.** While at most `exact_limit` values have been added the
 * sketch keeps them and answers exactly. Past that it answers with a value v
 * such that |v - x_r| <= rel_err * x_r, unless buckets were collapsed (see
 * below).
 *
 * Subnormal inputs (below DBL_MIN, about 2.2e-308) are accepted, but their
 * representatives are rounded to the subnormal spacing (4.9e-324), so the
 * bound holds there only up to that spacing.
 *
 * **Bounded memory.** At most `max_buckets` bucket counters (8 bytes each)
 * are kept, plus, while exact, room for up to 2 x `exact_limit` raw values. When the values span more buckets
 * than that, the lowest buckets are folded into the lowest kept one: the
 * guarantee then holds for every quantile whose exact value is above
 * struct svcm_sketch_result::collapsed_below; quantiles at or below it may be too
 * large. With the defaults (1 %, 2048 buckets) values from 1e-6 to 1e9
 * (a microsecond to 31 years, in seconds) fit without collapsing.
 *
 * **Fast mapping.** Bucket indices come from the binary exponent and a cubic
 * polynomial of the mantissa (the paper's "cubically interpolated" variant),
 * not from log(): about 1 % more buckets than the optimal logarithmic
 * mapping for the same guarantee, at a fraction of the cost.
 *
 * Example: first-response times from two shards, merged, then P90.
 * @code
 * svcm_sketch *a, *b;
 * svcm_sketch_new(NULL, NULL, &a);            // 1 %, 2048 buckets
 * svcm_sketch_new(NULL, NULL, &b);
 * svcm_sketch_add_batch(a, shard1, n1, NULL); // seconds, >= 0
 * svcm_sketch_add_batch(b, shard2, n2, NULL);
 * svcm_sketch_merge(a, b);
 * double p90;
 * svcm_sketch_quantile(a, 0.9, &p90);         // within 1 % of the exact P90
 * svcm_sketch_free(a);
 * svcm_sketch_free(b);
 * @endcode
 */
#ifndef SVCM_SKETCH_H
#define SVCM_SKETCH_H

#include "common.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @name Limits of the sketch options
 *  @{ */
/** @brief Smallest accepted relative error (bucket indices then stay far
 *  inside 32 bits over the whole double range). */
#define SVCM_SKETCH_MIN_REL_ERR 1e-4
/** @brief Largest accepted relative error. */
#define SVCM_SKETCH_MAX_REL_ERR 0.5
/** @brief Smallest accepted max_buckets. */
#define SVCM_SKETCH_MIN_BUCKETS 16u
#ifndef SVCM_SKETCH_MAX_BUCKETS
/** @brief Largest accepted max_buckets (8 MiB of counters). */
#define SVCM_SKETCH_MAX_BUCKETS (1u << 20)
#endif
#ifndef SVCM_SKETCH_MAX_EXACT
/** @brief Largest accepted exact_limit. */
#define SVCM_SKETCH_MAX_EXACT (1u << 16)
#endif
/** @} */

/** @brief A quantile sketch (opaque). */
typedef struct svcm_sketch svcm_sketch;

/** @brief Settings of a sketch; fill with svcm_sketch_options_init(). */
typedef struct svcm_sketch_options {
    /** Relative error guaranteed for quantiles, in
     *  [SVCM_SKETCH_MIN_REL_ERR, SVCM_SKETCH_MAX_REL_ERR]; default 0.01. */
    double rel_err;
    /** Most bucket counters kept, in [SVCM_SKETCH_MIN_BUCKETS,
     *  SVCM_SKETCH_MAX_BUCKETS]; default 2048. */
    size_t max_buckets;
    /** Up to this many values are kept raw and quantiles are exact;
     *  0 .. SVCM_SKETCH_MAX_EXACT, default 1024. */
    size_t exact_limit;
} svcm_sketch_options;

/** @brief Counts and exact statistics of a sketch. */
struct svcm_sketch_result {
    uint64_t count;         /**< values added */
    uint64_t zero_count;    /**< values equal to zero */
    double sum;             /**< sum of values (compensated summation);
                                 +inf once it exceeds DBL_MAX */
    double mean;            /**< sum / count; NaN when empty, +inf when
                                 the sum is */
    double min;             /**< exact minimum; NaN when empty */
    double max;             /**< exact maximum; NaN when empty */
    size_t buckets;         /**< bucket counters spanned (<= max_buckets) */
    int exact;              /**< 1 while quantiles are exact (count <= exact_limit) */
    /** 0 if no bucket was collapsed; otherwise quantiles whose exact value
     *  is at or below this bound lose the relative-error guarantee. */
    double collapsed_below;
};

/**
 * @brief Fill @p opts with the defaults: rel_err 0.01, max_buckets 2048,
 *        exact_limit 1024.
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.1
 */
SVCM_API void svcm_sketch_options_init(svcm_sketch_options *opts);

/**
 * @brief Create an empty sketch.
 * @param opts settings, or NULL for the defaults.
 * @param alloc allocator for the sketch, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives the new sketch, owned by the caller (free with
 *             svcm_sketch_free()); untouched on failure.
 * @param[out] err optional detail: field "opts" or "out" ("alloc" for an
 *        incomplete allocator) and a message; may be NULL. @since 0.2
 * @return SVCM_OK; SVCM_EINVAL if out is NULL or an option is out of range;
 *         SVCM_ENOMEM.
 * @par Thread safety: reentrant.
 * @since 0.1
 */
SVCM_API int svcm_sketch_new(const svcm_sketch_options *opts,
                             const svcm_allocator *alloc, svcm_sketch **out,
                             svcm_error *err);

/**
 * @brief Free a sketch and everything it owns.
 * @param s may be NULL (no-op).
 * @par Thread safety: @p s must not be in use by another thread.
 * @since 0.1
 */
SVCM_API void svcm_sketch_free(svcm_sketch *s);

/**
 * @brief Empty the sketch, keeping its settings (memory is released).
 * @param s may be NULL (no-op).
 * @par Thread safety: touches only @p s.
 * @since 0.1
 */
SVCM_API void svcm_sketch_reset(svcm_sketch *s);

/**
 * @brief Add one value.
 * @param s the sketch.
 * @param x a finite value >= 0 (-0.0 counts as zero).
 * @return SVCM_OK; SVCM_EINVAL if s is NULL or x is negative, NaN or
 *         infinite; SVCM_ERANGE if the count would pass UINT64_MAX;
 *         SVCM_ENOMEM. The sketch is unchanged on failure.
 * @par Thread safety: touches only @p s.
 * @since 0.1
 */
SVCM_API int svcm_sketch_add(svcm_sketch *s, double x);

/**
 * @brief Add @p n values, all or nothing.
 *
 * Values are validated first, memory is reserved, then they are counted
 * (a few nanoseconds per value: no log() is called). While the sketch is
 * exact the values are also kept sorted, so a single add then costs
 * O(count) moves (count <= exact_limit).
 *
 * @param s the sketch.
 * @param xs the values (may be NULL when n is 0), each finite and >= 0.
 * @param n number of values.
 * @param[out] err optional; on SVCM_EINVAL names the first bad value's index
 *             (field "value").
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or a negative, NaN or
 *         infinite value; SVCM_ERANGE if the count would pass UINT64_MAX;
 *         SVCM_ENOMEM. The sketch is unchanged on failure.
 * @par Thread safety: touches only @p s and @p err.
 * @since 0.1
 */
SVCM_API int svcm_sketch_add_batch(svcm_sketch *s, const double *xs, size_t n,
                                   svcm_error *err);

/**
 * @brief dst := dst merged with src, as if every value added to src had been
 *        added to dst (bucket counts, zero count, count, min and max are
 *        then identical to one sketch fed all values; the sum may differ in
 *        the last bits).
 * @param dst the sketch to update.
 * @param src the sketch to merge in; unchanged. May be dst itself (doubles
 *        every count).
 * @return SVCM_OK; SVCM_EINVAL for NULL; SVCM_EMISMATCH if the settings
 *         (rel_err, max_buckets, exact_limit) differ; SVCM_ERANGE if the
 *         count would pass UINT64_MAX; SVCM_ENOMEM. dst is unchanged on
 *         failure.
 * @par Thread safety: touches only @p dst.
 * @since 0.1
 */
SVCM_API int svcm_sketch_merge(svcm_sketch *dst, const svcm_sketch *src);

/**
 * @brief Number of values added.
 * @param s the sketch; NULL gives 0.
 * @return the number of values added (zeros included); 0 for NULL.
 * @par Thread safety: reads only @p s.
 * @since 0.1
 */
SVCM_API uint64_t svcm_sketch_count(const svcm_sketch *s);

/**
 * @brief Count, zero count, exact sum, mean, min and max, and memory use.
 * @param s the sketch.
 * @param[out] out the statistics (mean, min and max are NaN when empty).
 * @return SVCM_OK; SVCM_EINVAL if either pointer is NULL.
 * @par Thread safety: reads only @p s.
 * @since 0.1
 */
SVCM_API int svcm_sketch_result(const svcm_sketch *s,
                                   struct svcm_sketch_result *out);

/**
 * @brief The settings the sketch was created (or loaded) with.
 * @param s the sketch.
 * @param[out] out the settings.
 * @return SVCM_OK; SVCM_EINVAL if either pointer is NULL.
 * @par Thread safety: reads only @p s.
 * @since 0.1
 */
SVCM_API int svcm_sketch_get_options(const svcm_sketch *s,
                                     svcm_sketch_options *out);

/**
 * @brief The q-quantile (lower nearest rank, see the file comment).
 * @param s the sketch.
 * @param q in [0, 1].
 * @param[out] out the quantile: exact while the sketch is exact, else within
 *             rel_err of the exact value.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or q outside [0, 1] (or
 *         NaN); SVCM_EEMPTY if no value was added.
 * @par Thread safety: reads only @p s.
 * @since 0.1
 */
SVCM_API int svcm_sketch_quantile(const svcm_sketch *s, double q, double *out);

/**
 * @brief Several quantiles at once, all or nothing.
 * @param s the sketch.
 * @param qs the levels (may be NULL when n is 0), each in [0, 1].
 * @param n number of levels.
 * @param[out] out receives n quantiles, in the order of @p qs.
 * @param[out] err optional; on SVCM_EINVAL names the bad level (field "q").
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or a level outside [0, 1];
 *         SVCM_EEMPTY if no value was added. Nothing is written on failure.
 * @par Thread safety: reads only @p s; writes @p out and @p err.
 * @since 0.1
 */
SVCM_API int svcm_sketch_quantiles(const svcm_sketch *s, const double *qs,
                                   size_t n, double *out, svcm_error *err);

/**
 * @brief Save to versioned little-endian bytes (kind "sketch", version 1).
 * @param s the sketch.
 * @param buf destination; may be NULL to query the size.
 * @param cap capacity of @p buf.
 * @param[out] len if not NULL, always receives the size needed.
 * @return SVCM_OK; SVCM_EINVAL if s is NULL; SVCM_ENOSPC if buf is NULL or
 *         cap is too small (nothing written).
 * @par Thread safety: reads only @p s.
 * @since 0.1
 */
SVCM_API int svcm_sketch_save(const svcm_sketch *s, unsigned char *buf,
                              size_t cap, size_t *len);

/**
 * @brief Load a sketch saved by svcm_sketch_save().
 *
 * Every field is checked: settings in range, counts that add up, bucket
 * indices reachable by a double, first and last buckets non-empty, min and
 * max consistent with the buckets, a sum that count values in [min, max]
 * including max can have, raw values sorted (and summing to the sum).
 *
 * @param buf the bytes.
 * @param len their number.
 * @param alloc allocator for the sketch, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives a new sketch owned by the caller; untouched on
 *             failure.
 * @param[out] err optional detail: field "buf" or "out" ("alloc" for an
 *        incomplete allocator) and a message; may be NULL. @since 0.2
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_EFORMAT for
 *         malformed, truncated or inconsistent bytes or an unknown version;
 *         SVCM_ENOMEM.
 * @par Thread safety: reentrant.
 * @since 0.1
 */
SVCM_API int svcm_sketch_load(const unsigned char *buf, size_t len,
                              const svcm_allocator *alloc, svcm_sketch **out,
                              svcm_error *err);

/* ------------------------------------------------------------------ */

/** @brief A durations accumulator (opaque): moments plus a sketch. */
typedef struct svcm_durations svcm_durations;

/** @brief Summary of durations (seconds). */
struct svcm_durations_result {
    uint64_t count; /**< number of durations */
    double sum;     /**< total; +inf once it exceeds DBL_MAX */
    double mean;    /**< arithmetic mean (Welford) */
    double std;     /**< sample standard deviation (n - 1); NaN if count < 2 or the variance exceeds the double range */
    double min;     /**< exact minimum */
    double max;     /**< exact maximum */
    double p50;     /**< median (lower nearest rank, within rel_err) */
    double p90;     /**< 90th percentile */
    double p95;     /**< 95th percentile */
    double p99;     /**< 99th percentile */
};

/**
 * @brief Create an empty durations accumulator.
 * @param opts sketch settings, or NULL for the defaults.
 * @param alloc allocator for the object, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives the accumulator, owned by the caller (free with
 *             svcm_durations_free()); untouched on failure.
 * @param[out] err optional detail: field "opts" or "out" ("alloc" for an
 *        incomplete allocator) and a message; may be NULL. @since 0.2
 * @return SVCM_OK; SVCM_EINVAL if out is NULL or an option is out of range;
 *         SVCM_ENOMEM.
 * @par Thread safety: reentrant.
 * @since 0.1
 */
SVCM_API int svcm_durations_new(const svcm_sketch_options *opts,
                                const svcm_allocator *alloc,
                                svcm_durations **out, svcm_error *err);

/**
 * @brief Free an accumulator.
 * @param d may be NULL (no-op).
 * @par Thread safety: @p d must not be in use by another thread.
 * @since 0.1
 */
SVCM_API void svcm_durations_free(svcm_durations *d);

/**
 * @brief Empty the accumulator, keeping its settings.
 * @param d may be NULL (no-op).
 * @par Thread safety: touches only @p d.
 * @since 0.1
 */
SVCM_API void svcm_durations_reset(svcm_durations *d);

/**
 * @brief Add one duration.
 * @param d the accumulator.
 * @param seconds finite and >= 0.
 * @return SVCM_OK; SVCM_EINVAL if d is NULL or the value is negative, NaN
 *         or infinite; SVCM_ERANGE if the count would pass UINT64_MAX;
 *         SVCM_ENOMEM. Unchanged on failure.
 * @par Thread safety: touches only @p d.
 * @since 0.1
 */
SVCM_API int svcm_durations_add(svcm_durations *d, double seconds);

/**
 * @brief Add @p n durations, all or nothing.
 * @param d the accumulator.
 * @param xs durations (may be NULL when n is 0), each finite and >= 0.
 * @param n number of durations.
 * @param[out] err optional; on SVCM_EINVAL names the first bad index
 *             (field "value").
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or a bad value;
 *         SVCM_ERANGE if the count would pass UINT64_MAX; SVCM_ENOMEM.
 *         Unchanged on failure.
 * @par Thread safety: touches only @p d and @p err.
 * @since 0.1
 */
SVCM_API int svcm_durations_add_batch(svcm_durations *d, const double *xs,
                                      size_t n, svcm_error *err);

/**
 * @brief dst := dst merged with src (moments by Chan et al., sketches as
 *        svcm_sketch_merge()).
 * @param dst the accumulator to update.
 * @param src the one merged in; unchanged (may be dst).
 * @return SVCM_OK; SVCM_EINVAL for NULL; SVCM_EMISMATCH if the sketch
 *         settings differ; SVCM_ERANGE if the count would pass UINT64_MAX;
 *         SVCM_ENOMEM. dst is unchanged on failure.
 * @par Thread safety: touches only @p dst.
 * @since 0.1
 */
SVCM_API int svcm_durations_merge(svcm_durations *dst,
                                  const svcm_durations *src);

/**
 * @brief Number of durations added.
 * @param d the accumulator; NULL gives 0.
 * @return the number of durations added; 0 for NULL.
 * @par Thread safety: reads only @p d.
 * @since 0.1
 */
SVCM_API uint64_t svcm_durations_count(const svcm_durations *d);

/**
 * @brief Count, sum, mean, standard deviation, min, max and P50/P90/P95/P99.
 * @param d the accumulator.
 * @param[out] out the summary; untouched on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_EEMPTY if no
 *         duration was added.
 * @par Thread safety: reads only @p d.
 * @since 0.1
 */
SVCM_API int svcm_durations_result(const svcm_durations *d,
                                    struct svcm_durations_result *out);

/**
 * @brief Any quantiles of the durations (see svcm_sketch_quantiles()).
 * @param d the accumulator.
 * @param qs levels in [0, 1] (may be NULL when n is 0).
 * @param n number of levels.
 * @param[out] out receives n quantiles.
 * @param[out] err optional; names the bad level (field "q").
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or a level outside [0, 1];
 *         SVCM_EEMPTY if no duration was added. Nothing written on failure.
 * @par Thread safety: reads only @p d.
 * @since 0.1
 */
SVCM_API int svcm_durations_quantiles(const svcm_durations *d,
                                      const double *qs, size_t n, double *out,
                                      svcm_error *err);

/**
 * @brief Save to versioned bytes (kind "durations", version 1): the
 *        moments and the sketch.
 * @param d the accumulator.
 * @param buf destination; may be NULL to query the size.
 * @param cap capacity of @p buf.
 * @param[out] len if not NULL, always receives the size needed.
 * @return SVCM_OK; SVCM_EINVAL if d is NULL; SVCM_ENOSPC if buf is NULL or
 *         too small (nothing written).
 * @par Thread safety: reads only @p d.
 * @since 0.1
 */
SVCM_API int svcm_durations_save(const svcm_durations *d, unsigned char *buf,
                                 size_t cap, size_t *len);

/**
 * @brief Load an accumulator saved by svcm_durations_save().
 * @param buf the bytes.
 * @param len their number.
 * @param alloc allocator for the object, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives a new accumulator owned by the caller; untouched
 *             on failure.
 * @param[out] err optional detail: field "buf" or "out" ("alloc" for an
 *        incomplete allocator) and a message; may be NULL. @since 0.2
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_EFORMAT for
 *         malformed bytes (see svcm_sketch_load()) or moments that disagree
 *         with the sketch (count, min, max, mean times count against the
 *         sum); SVCM_ENOMEM.
 * @par Thread safety: reentrant.
 * @since 0.1
 */
SVCM_API int svcm_durations_load(const unsigned char *buf, size_t len,
                                 const svcm_allocator *alloc,
                                 svcm_durations **out, svcm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_SKETCH_H */
