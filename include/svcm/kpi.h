/**
 * @file svcm/kpi.h
 * @brief Customer-feedback KPIs: CSAT, NPS and CES accumulators with
 *        confidence intervals and period comparisons; success rates (FCR,
 *        churn, SLA compliance, ...) with Wilson intervals; SERVQUAL gaps;
 *        consistency of a KPI across channels.
 *
 * Accumulators can be merged and saved to bytes, so that partitions of a
 * data set can be counted apart and combined later: merging two
 * accumulators gives exactly the state of one that saw all the values.
 *
 * Threading: every function is reentrant; one accumulator must not be used
 * by two threads at the same time (reading functions that take a `const`
 * pointer may run concurrently with each other).
 *
 * Example: NPS of one partition, merged into a running total.
 * @code
 * svcm_feedback_options o;
 * svcm_feedback_options_init(&o, SVCM_FEEDBACK_NPS);
 * svcm_feedback *part, *total;
 * svcm_feedback_new(&o, NULL, &part);
 * svcm_feedback_new(&o, NULL, &total);
 * svcm_error err;
 * if (svcm_feedback_add_batch(part, scores, n, &err) != SVCM_OK)
 *     fprintf(stderr, "score %zu: %s\n", err.index, err.message);
 * svcm_feedback_merge(total, part);
 * svcm_feedback_summary s;
 * if (svcm_feedback_result(total, 0.95, &s) == SVCM_OK)
 *     printf("NPS %.1f [%.1f, %.1f], n = %llu\n", s.value, s.ci.lo, s.ci.hi,
 *            (unsigned long long)s.n);
 * svcm_feedback_free(part);
 * svcm_feedback_free(total);
 * @endcode
 */
#ifndef SVCM_KPI_H
#define SVCM_KPI_H

#include <stdbool.h>

#include "common.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/** @name Feedback scores: CSAT, NPS, CES
 *  @{ */

/** @brief Which survey score a feedback accumulator counts. Values are stable. */
typedef enum svcm_feedback_kind {
    /** Customer satisfaction: share of answers in the top boxes of the scale. */
    SVCM_FEEDBACK_CSAT = 0,
    /** Net Promoter Score (Reichheld 2003): %promoters(9-10) - %detractors(0-6). */
    SVCM_FEEDBACK_NPS = 1,
    /** Customer effort score: the mean answer on the scale. */
    SVCM_FEEDBACK_CES = 2
} svcm_feedback_kind;

/** @brief Largest number of levels (high - low + 1) of a feedback scale. */
#ifndef SVCM_FEEDBACK_MAX_LEVELS
#define SVCM_FEEDBACK_MAX_LEVELS 256
#endif

/**
 * @brief Settings of a feedback accumulator. Fill with
 *        svcm_feedback_options_init(), then change what you need.
 */
typedef struct svcm_feedback_options {
    svcm_feedback_kind kind; /**< what is counted */
    int32_t low;             /**< lowest answer on the scale (CSAT, CES: 1; NPS: 0) */
    int32_t high;            /**< highest answer (CSAT: 5, CES: 7, NPS: 10) */
    uint32_t top_boxes;      /**< CSAT: how many top levels count as satisfied (default 2); ignored otherwise */
} svcm_feedback_options;

/**
 * @brief Fill @p opts with the defaults of @p kind: CSAT 1-5 with two top
 *        boxes, NPS 0-10, CES 1-7.
 * @param opts the options to fill.
 * @param kind one of ::svcm_feedback_kind.
 * @return SVCM_OK; SVCM_EINVAL if opts is NULL or kind is unknown (opts
 *         unchanged).
 * @par Thread safety: touches only @p opts.
 * @since 0.1
 */
SVCM_API int svcm_feedback_options_init(svcm_feedback_options *opts, int kind);

/** @brief A mergeable histogram of integer survey answers (opaque). */
typedef struct svcm_feedback svcm_feedback;

/**
 * @brief Create an empty feedback accumulator.
 *
 * NPS requires the scale 0-10. Every kind needs low < high and at most
 * SVCM_FEEDBACK_MAX_LEVELS levels; CSAT needs 1 <= top_boxes < levels.
 *
 * @param opts settings (NULL is not allowed: the kind must be chosen).
 * @param alloc allocator, copied; NULL for malloc/free.
 * @param[out] out receives the new accumulator; free it with
 *             svcm_feedback_free().
 * @return SVCM_OK; SVCM_EINVAL for NULL opts/out or invalid settings;
 *         SVCM_ENOMEM if allocation fails (*out untouched on failure).
 * @par Thread safety: reentrant.
 * @since 0.1
 */
SVCM_API int svcm_feedback_new(const svcm_feedback_options *opts, const svcm_allocator *alloc,
                               svcm_feedback **out);

/**
 * @brief Free an accumulator. NULL is a no-op.
 * @param f the accumulator; invalid afterwards.
 * @par Thread safety: touches only @p f.
 * @since 0.1
 */
SVCM_API void svcm_feedback_free(svcm_feedback *f);

/**
 * @brief The settings @p f was created (or loaded) with.
 * @param f the accumulator.
 * @param[out] out receives the settings.
 * @return SVCM_OK; SVCM_EINVAL if either pointer is NULL.
 * @par Thread safety: reads only @p f.
 * @since 0.1
 */
SVCM_API int svcm_feedback_get_options(const svcm_feedback *f, svcm_feedback_options *out);

/**
 * @brief Number of answers counted so far.
 * @param f the accumulator (NULL gives 0).
 * @return the count.
 * @par Thread safety: reads only @p f.
 * @since 0.1
 */
SVCM_API uint64_t svcm_feedback_count(const svcm_feedback *f);

/**
 * @brief Copy the histogram: out[i] is the number of answers equal to
 *        low + i, for i in [0, high - low].
 * @param f the accumulator.
 * @param[out] out destination of high - low + 1 counts.
 * @param cap capacity of @p out in elements.
 * @return SVCM_OK; SVCM_EINVAL if f or out is NULL; SVCM_ENOSPC if cap is
 *         smaller than the number of levels (nothing written).
 * @par Thread safety: reads only @p f.
 * @since 0.1
 */
SVCM_API int svcm_feedback_histogram(const svcm_feedback *f, uint64_t *out, size_t cap);

/**
 * @brief Count one answer.
 * @param f the accumulator.
 * @param score an integral value in [low, high].
 * @return SVCM_OK; SVCM_EINVAL if f is NULL or score is NaN, infinite,
 *         fractional or off the scale; SVCM_ERANGE if the count would
 *         overflow. @p f is unchanged on failure.
 * @par Thread safety: touches only @p f.
 * @since 0.1
 */
SVCM_API int svcm_feedback_add(svcm_feedback *f, double score);

/**
 * @brief Count @p n answers; all or nothing.
 *
 * This is the hot path (a single pass, several sub-histograms); it counts
 * over 100 million scores per second on one core.
 *
 * @param f the accumulator.
 * @param scores the answers (may be NULL when n == 0); each must be an
 *        integral value in [low, high].
 * @param n number of answers.
 * @param[out] err optional; on SVCM_EINVAL names the first bad score's
 *             index (field "score").
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or a bad score;
 *         SVCM_ERANGE if the count would overflow. @p f is unchanged on
 *         failure.
 * @par Thread safety: touches only @p f and @p err.
 * @since 0.1
 */
SVCM_API int svcm_feedback_add_batch(svcm_feedback *f, const double *scores, size_t n,
                                     svcm_error *err);

/**
 * @brief dst := dst + src, as if every answer counted by src had been
 *        added to dst.
 * @param dst the accumulator to grow.
 * @param src the accumulator to add (unchanged; may equal dst).
 * @return SVCM_OK; SVCM_EINVAL if either is NULL; SVCM_EMISMATCH if their
 *         kinds, scales or top boxes differ; SVCM_ERANGE if a count would
 *         overflow. @p dst is unchanged on failure.
 * @par Thread safety: touches only @p dst.
 * @since 0.1
 */
SVCM_API int svcm_feedback_merge(svcm_feedback *dst, const svcm_feedback *src);

/** @brief Summary of a feedback accumulator, from svcm_feedback_result(). */
typedef struct svcm_feedback_summary {
    svcm_feedback_kind kind; /**< CSAT, NPS or CES */
    uint64_t n;         /**< number of answers */
    /** CSAT: share of answers in the top boxes, in [0, 1]; NPS: score in
     *  [-100, 100]; CES: mean answer. */
    double value;
    svcm_interval ci;   /**< interval for value at the requested confidence */
    double std_error;   /**< standard error of value (same units) */
    double mean;        /**< mean answer (all kinds) */
    uint64_t satisfied; /**< CSAT: answers in the top boxes; else 0 */
    uint64_t promoters; /**< NPS: answers 9-10; else 0 */
    uint64_t passives;  /**< NPS: answers 7-8; else 0 */
    uint64_t detractors; /**< NPS: answers 0-6; else 0 */
} svcm_feedback_summary;

/**
 * @brief The score with a confidence interval.
 *
 * - CSAT: Wilson score interval for the top-box share (Wilson 1927).
 * - NPS: normal interval 100 * (pP - pD) +- z * 100 * sqrt(V / n) with the
 *   multinomial variance V = pP + pD - (pP - pD)^2, clamped to [-100, 100].
 * - CES: Student t interval for the mean, mean +- t(n - 1) * s / sqrt(n).
 *
 * @param f the accumulator.
 * @param confidence two-sided level in (0, 1), e.g. 0.95.
 * @param[out] out the result.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or confidence outside
 *         (0, 1); SVCM_EEMPTY if no answers were counted (CES: fewer than
 *         two). @p out is written only on success.
 * @par Thread safety: reads only @p f.
 * @since 0.1
 */
SVCM_API int svcm_feedback_result(const svcm_feedback *f, double confidence,
                                  svcm_feedback_summary *out);

/**
 * @brief Compare two periods (b minus a) of the same kind and scale.
 *
 * - CSAT: two-proportion z-test on the top-box shares
 *   (svcm_two_proportion_z_test(); diff is in share units).
 * - NPS: z-test with the multinomial variances,
 *   z = (NPS_b - NPS_a) / (100 * sqrt(V_a / n_a + V_b / n_b)); diff in
 *   points, normal interval (not clamped), df = INFINITY.
 * - CES: Welch's t-test on the means (svcm_welch_t_test()).
 *
 * @param a the earlier period.
 * @param b the later period.
 * @param confidence level of the interval in (0, 1).
 * @param[out] out the result.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or bad confidence;
 *         SVCM_EMISMATCH if kinds, scales or top boxes differ;
 *         SVCM_EEMPTY if either is empty (CES: fewer than two answers);
 *         SVCM_ERANGE if both samples have zero variance (no test).
 * @par Thread safety: reads only @p a and @p b.
 * @since 0.1
 */
SVCM_API int svcm_feedback_compare(const svcm_feedback *a, const svcm_feedback *b,
                                   double confidence, svcm_test_result *out);

/**
 * @brief Save to bytes (src/bytes.h format: header, then kind, scale, top
 *        boxes and the histogram, little-endian).
 * @param f the accumulator.
 * @param buf destination; may be NULL to query the size.
 * @param cap capacity of @p buf.
 * @param[out] len always receives the size needed (if not NULL).
 * @return SVCM_OK; SVCM_EINVAL if f is NULL; SVCM_ENOSPC if buf is NULL or
 *         cap is too small (nothing written).
 * @par Thread safety: reads only @p f.
 * @since 0.1
 */
SVCM_API int svcm_feedback_save(const svcm_feedback *f, unsigned char *buf, size_t cap,
                                size_t *len);

/**
 * @brief Load an accumulator saved by svcm_feedback_save().
 * @param buf the bytes.
 * @param len their number.
 * @param alloc allocator for the new object, copied; NULL for malloc/free.
 * @param[out] out receives a new accumulator (free with svcm_feedback_free()).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_EFORMAT for a wrong
 *         size, magic, kind tag, version, invalid settings or counts that
 *         overflow; SVCM_ENOMEM. *out is untouched on failure.
 * @par Thread safety: reentrant.
 * @since 0.1
 */
SVCM_API int svcm_feedback_load(const unsigned char *buf, size_t len,
                                const svcm_allocator *alloc, svcm_feedback **out);

/**
 * @brief Lower-case name of a feedback kind: "csat", "nps", "ces".
 * @param kind an ::svcm_feedback_kind value (any int is accepted).
 * @return a static string; NULL for an unknown kind.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API const char *svcm_feedback_kind_name(int kind);

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Rates: successes over trials
 *  @{ */

/** @brief Which KPI a rate measures (a label for reports). Values are stable. */
typedef enum svcm_rate_kind {
    SVCM_RATE_GENERIC = 0,        /**< unnamed success rate */
    SVCM_RATE_FCR = 1,            /**< first-contact resolution: resolved on first contact / contacts */
    SVCM_RATE_COMPLAINT = 2,      /**< complaints / contacts (or orders) */
    SVCM_RATE_RESOLUTION = 3,     /**< resolved / opened */
    SVCM_RATE_CHURN = 4,          /**< customers lost / customers at start */
    SVCM_RATE_RETENTION = 5,      /**< customers kept / customers at start */
    SVCM_RATE_REPURCHASE = 6,     /**< customers who bought again / customers */
    SVCM_RATE_REOPEN = 7,         /**< tickets reopened / tickets closed */
    SVCM_RATE_SLA_COMPLIANCE = 8  /**< tickets within SLA / tickets */
} svcm_rate_kind;

/** @brief Number of ::svcm_rate_kind values. */
#define SVCM_RATE_KIND_COUNT 9

/**
 * @brief Lower-case name of a rate kind: "generic", "fcr", "complaint",
 *        "resolution", "churn", "retention", "repurchase", "reopen",
 *        "sla_compliance".
 * @param kind an ::svcm_rate_kind value (any int is accepted).
 * @return a static string; NULL for an unknown kind.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API const char *svcm_rate_kind_name(int kind);

/**
 * @brief Parse a rate kind name (as returned by svcm_rate_kind_name(),
 *        case-insensitive).
 * @param name NUL-terminated name.
 * @param[out] out the kind.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or an unknown name.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_rate_kind_parse(const char *name, svcm_rate_kind *out);

/**
 * @brief A mergeable successes-over-trials counter. A plain value:
 *        initialise with svcm_rate_init(), copy freely.
 */
typedef struct svcm_rate {
    svcm_rate_kind kind; /**< label */
    uint64_t successes;  /**< events counted as success (resolved, churned, ...) */
    uint64_t trials;     /**< all events; successes <= trials */
} svcm_rate;

/**
 * @brief Set @p r to an empty counter labelled @p kind.
 * @param r the counter.
 * @param kind one of ::svcm_rate_kind.
 * @return SVCM_OK; SVCM_EINVAL if r is NULL or kind unknown (r unchanged).
 * @par Thread safety: touches only @p r.
 * @since 0.1
 */
SVCM_API int svcm_rate_init(svcm_rate *r, int kind);

/**
 * @brief Count one trial.
 * @param r the counter.
 * @param success whether the trial is a success.
 * @return SVCM_OK; SVCM_EINVAL if r is NULL or inconsistent (unknown kind
 *         or successes > trials); SVCM_ERANGE on overflow (r unchanged).
 * @par Thread safety: touches only @p r.
 * @since 0.1
 */
SVCM_API int svcm_rate_add(svcm_rate *r, bool success);

/**
 * @brief Count @p trials trials of which @p successes succeeded.
 * @param r the counter.
 * @param successes successes, <= trials.
 * @param trials trials.
 * @return SVCM_OK; SVCM_EINVAL if r is NULL, successes > trials or r is
 *         inconsistent; SVCM_ERANGE on overflow (r unchanged).
 * @par Thread safety: touches only @p r.
 * @since 0.1
 */
SVCM_API int svcm_rate_add_counts(svcm_rate *r, uint64_t successes, uint64_t trials);

/**
 * @brief Count a batch of outcomes, each 0 (failure) or 1 (success); all
 *        or nothing.
 * @param r the counter.
 * @param outcomes the outcomes (may be NULL when n == 0).
 * @param n their number.
 * @param[out] err optional; on SVCM_EINVAL names the first bad outcome
 *             (field "outcome").
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, an outcome other than 0
 *         or 1 (NaN included) or an inconsistent r; SVCM_ERANGE on
 *         overflow. @p r is unchanged on failure.
 * @par Thread safety: touches only @p r and @p err.
 * @since 0.1
 */
SVCM_API int svcm_rate_add_batch(svcm_rate *r, const double *outcomes, size_t n,
                                 svcm_error *err);

/**
 * @brief dst := dst + src.
 * @param dst the counter to grow.
 * @param src the counter to add.
 * @return SVCM_OK; SVCM_EINVAL if either is NULL or inconsistent;
 *         SVCM_EMISMATCH if their kinds differ; SVCM_ERANGE on overflow
 *         (dst unchanged on failure).
 * @par Thread safety: touches only @p dst.
 * @since 0.1
 */
SVCM_API int svcm_rate_merge(svcm_rate *dst, const svcm_rate *src);

/** @brief A rate with its interval, from svcm_rate_result(). */
typedef struct svcm_rate_summary {
    svcm_rate_kind kind; /**< the label the counter was made with */
    uint64_t successes;  /**< number of successes */
    uint64_t trials;     /**< number of trials, >= successes */
    double rate;      /**< successes / trials, in [0, 1] */
    svcm_interval ci; /**< Wilson score interval */
} svcm_rate_summary;

/**
 * @brief The rate and its Wilson score interval (Wilson 1927).
 * @param r the counter.
 * @param confidence two-sided level in (0, 1).
 * @param[out] out the result.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, bad confidence or
 *         successes > trials; SVCM_EEMPTY if trials == 0.
 * @par Thread safety: reads only @p r.
 * @since 0.1
 */
SVCM_API int svcm_rate_result(const svcm_rate *r, double confidence, svcm_rate_summary *out);

/**
 * @brief Compare two periods (b minus a) with the two-proportion z-test
 *        (svcm_two_proportion_z_test()).
 * @param a the earlier period.
 * @param b the later period.
 * @param confidence level of the interval in (0, 1).
 * @param[out] out the result.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, bad confidence or
 *         inconsistent counters; SVCM_EMISMATCH if the kinds differ;
 *         SVCM_EEMPTY if either has no trials; SVCM_ERANGE if the pooled
 *         rate is 0 or 1.
 * @par Thread safety: reads only @p a and @p b.
 * @since 0.1
 */
SVCM_API int svcm_rate_compare(const svcm_rate *a, const svcm_rate *b, double confidence,
                               svcm_test_result *out);

/** @brief Size in bytes of a saved ::svcm_rate. */
#define SVCM_RATE_SAVED_SIZE 30u

/**
 * @brief Save to SVCM_RATE_SAVED_SIZE bytes (src/bytes.h format).
 * @param r the counter.
 * @param buf destination; may be NULL to query the size.
 * @param cap capacity of @p buf.
 * @param[out] len always receives the size needed (if not NULL).
 * @return SVCM_OK; SVCM_EINVAL if r is NULL or inconsistent (unknown kind
 *         or successes > trials; nothing written); SVCM_ENOSPC if buf is
 *         NULL or cap is too small (nothing written).
 * @par Thread safety: reads only @p r.
 * @since 0.1
 */
SVCM_API int svcm_rate_save(const svcm_rate *r, unsigned char *buf, size_t cap, size_t *len);

/**
 * @brief Load a counter saved by svcm_rate_save().
 * @param buf the bytes.
 * @param len their number.
 * @param[out] out the counter.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_EFORMAT for a wrong
 *         size, magic, tag, version, unknown kind or successes > trials
 *         (out unchanged).
 * @par Thread safety: touches only @p out.
 * @since 0.1
 */
SVCM_API int svcm_rate_load(const unsigned char *buf, size_t len, svcm_rate *out);

/** @} */

/* ------------------------------------------------------------------------ */
/** @name SERVQUAL gaps (Parasuraman, Zeithaml & Berry 1988)
 *  @{ */

/** @brief The five SERVQUAL dimensions. Values are stable. */
typedef enum svcm_servqual_dimension {
    SVCM_SERVQUAL_TANGIBLES = 0,
    SVCM_SERVQUAL_RELIABILITY = 1,
    SVCM_SERVQUAL_RESPONSIVENESS = 2,
    SVCM_SERVQUAL_ASSURANCE = 3,
    SVCM_SERVQUAL_EMPATHY = 4
} svcm_servqual_dimension;

/** @brief Number of SERVQUAL dimensions. */
#define SVCM_SERVQUAL_DIMENSIONS 5
/** @brief Number of items of the standard instrument. */
#define SVCM_SERVQUAL_ITEMS 22

/**
 * @brief Lower-case name of a dimension: "tangibles", "reliability",
 *        "responsiveness", "assurance", "empathy".
 * @param dimension an ::svcm_servqual_dimension value (any int is accepted).
 * @return a static string; NULL for an unknown dimension.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API const char *svcm_servqual_dimension_name(int dimension);

/** @brief SERVQUAL gaps per dimension and in total. */
typedef struct svcm_servqual_result {
    double gap[SVCM_SERVQUAL_DIMENSIONS];         /**< mean of P - E over the dimension's items */
    double expectation[SVCM_SERVQUAL_DIMENSIONS]; /**< mean expectation */
    double perception[SVCM_SERVQUAL_DIMENSIONS];  /**< mean perception */
    size_t items[SVCM_SERVQUAL_DIMENSIONS];       /**< items in the dimension */
    double weight[SVCM_SERVQUAL_DIMENSIONS];      /**< weights used, normalised to sum 1 */
    double unweighted; /**< mean of the five dimension gaps */
    double weighted;   /**< sum of weight[d] * gap[d] */
} svcm_servqual_result;

/**
 * @brief SERVQUAL gap scores: gap = perception - expectation per item,
 *        averaged per dimension, then combined with caller weights.
 *
 * Scores may be one respondent's answers or item means over respondents.
 * With @p dimension_of NULL the standard 22-item instrument is assumed:
 * items 1-4 tangibles, 5-9 reliability, 10-13 responsiveness, 14-17
 * assurance, 18-22 empathy (Parasuraman, Zeithaml & Berry 1988). Every
 * dimension must have at least one item.
 *
 * @param expectations expectation score of each item (finite).
 * @param perceptions perception score of each item (finite).
 * @param n_items number of items (22 when dimension_of is NULL).
 * @param dimension_of dimension (::svcm_servqual_dimension) of each item,
 *        or NULL for the standard mapping.
 * @param weights five non-negative finite weights in dimension order, not
 *        all zero (normalised to sum 1), or NULL for equal weights.
 * @param[out] out the result.
 * @param[out] err optional: index and field ("expectation", "perception",
 *             "dimension", "weight") of the first bad value; on SVCM_ERANGE
 *             field "gap" and the dimension (SVCM_NO_INDEX for the combined
 *             gaps).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, non-finite scores, an
 *         unknown dimension, a dimension without items, bad weights, or
 *         n_items != 22 with the standard mapping; SVCM_ERANGE if a mean
 *         score or gap does not fit in a double (scores near +-DBL_MAX).
 *         @p out is written only on success.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_servqual(const double *expectations, const double *perceptions, size_t n_items,
                           const int *dimension_of, const double *weights,
                           svcm_servqual_result *out, svcm_error *err);

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Consistency across channels
 *  @{ */

/** @brief Spread of one KPI across channels (phone, chat, e-mail, ...). */
typedef struct svcm_consistency_result {
    size_t n;             /**< number of channels */
    double mean;          /**< mean of the values */
    double sd;            /**< sample standard deviation (n - 1 denominator) */
    double sd_population; /**< population standard deviation (n denominator) */
    double cv;            /**< sd / |mean| */
    double cv_population; /**< sd_population / |mean| */
    double min;           /**< smallest value */
    double max;           /**< largest value */
} svcm_consistency_result;

/**
 * @brief Mean, standard deviations and coefficients of variation of one
 *        KPI measured on each of @p n channels.
 *
 * The sample SD treats the channels as a sample of possible channels; the
 * population SD treats them as all there are. The coefficient of variation
 * divides by |mean| so that it is non-negative for KPIs that can be negative
 * (NPS). Computed in two passes (mean, then squared deviations).
 *
 * @param values the KPI per channel (finite).
 * @param n number of channels, >= 2.
 * @param[out] out the result.
 * @param[out] err optional: index of the first non-finite value (field
 *             "value").
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or a non-finite value;
 *         SVCM_EEMPTY if n < 2; SVCM_ERANGE if the mean is 0 (the
 *         coefficient of variation is undefined) or so small next to the SD
 *         that the coefficient of variation overflows a double. @p out is
 *         written only on success.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_consistency(const double *values, size_t n, svcm_consistency_result *out,
                              svcm_error *err);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* SVCM_KPI_H */
