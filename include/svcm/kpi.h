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
 * svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS);
 * svcm_feedback *part, *total;
 * svcm_feedback_new(&o, NULL, &part);
 * svcm_feedback_new(&o, NULL, &total);
 * svcm_error err;
 * if (svcm_feedback_add_batch(part, scores, n, &err) != SVCM_OK)
 *     fprintf(stderr, "score %zu: %s\n", err.index, err.message);
 * svcm_feedback_merge(total, part);
 * struct svcm_feedback_result s;
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
#include "sketch.h"
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
    SVCM_FEEDBACK_KIND_CSAT = 0,
    /** Net Promoter Score (Reichheld 2003): %promoters(9-10) - %detractors(0-6). */
    SVCM_FEEDBACK_KIND_NPS = 1,
    /** Customer effort score: the mean answer on the scale. */
    SVCM_FEEDBACK_KIND_CES = 2
} svcm_feedback_kind;

/** @brief Largest number of levels (high - low + 1) of a feedback scale. */
#ifndef SVCM_FEEDBACK_MAX_LEVELS
#define SVCM_FEEDBACK_MAX_LEVELS 256
#endif

/**
 * @brief How a CSAT accumulator turns answers into a score. Vendors disagree;
 *        the default keeps the 0.1 behaviour. Values are stable.
 *
 * With `t` = top_boxes on a scale of `L` levels: *satisfied* answers are the
 * top `t` levels, *dissatisfied* ones the bottom `t` levels, the levels in
 * between (if any) are *neutral*.
 *
 * | method | value | interval |
 * |---|---|---|
 * | TOP_BOX (default) | satisfied / all answers | Wilson |
 * | RATED | satisfied / (satisfied + dissatisfied): neutral answers left out | Wilson |
 * | MEAN | mean answer | Student t |
 *
 * RATED is Zendesk's satisfaction score, good / (good + bad), for a numeric
 * scale: on Zendesk's own two-button survey (scale 1-2, top_boxes 1) it is
 * exactly good / (good + bad); on 1-5 with two top boxes, 4-5 are good,
 * 1-2 bad and 3 is left out. (Zendesk's 1-5 survey counts 3 as bad, which
 * is TOP_BOX with two top boxes.) RATED needs 2 t <= L.
 * @since 0.2
 */
typedef enum svcm_csat_method {
    SVCM_CSAT_METHOD_TOP_BOX = 0, /**< share of all answers in the top boxes (default) */
    SVCM_CSAT_METHOD_RATED = 1,   /**< good / (good + bad), neutral answers left out (Zendesk) */
    SVCM_CSAT_METHOD_MEAN = 2     /**< mean answer */
} svcm_csat_method;

/**
 * @brief How a CES accumulator turns answers into a score. Values are stable.
 *
 * | method | value | interval |
 * |---|---|---|
 * | MEAN (default) | mean answer, any scale | Student t |
 * | TOP | share of answers 5-7 ("somewhat agree" or more), in [0, 1] | Wilson |
 * | INDEX | 100 * (share 6-7 - share 1-3), in [-100, 100] | Wald, as NPS |
 *
 * TOP and INDEX are defined on the 1-7 agreement scale of Gartner/CEB's
 * Customer Effort Score 2.0 ("The company made it easy for me to handle my
 * issue", 1 strongly disagree .. 7 strongly agree) and need low = 1,
 * high = 7.
 * @since 0.2
 */
typedef enum svcm_ces_method {
    SVCM_CES_METHOD_MEAN = 0,  /**< mean answer (default) */
    SVCM_CES_METHOD_TOP = 1,   /**< share of answers at or above 5 of 7 */
    SVCM_CES_METHOD_INDEX = 2  /**< %6-7 minus %1-3, in points */
} svcm_ces_method;

/**
 * @brief Confidence interval of an NPS (and of NPS differences in
 *        svcm_feedback_compare()). Values are stable.
 *
 * - WALD (default, as in 0.1): 100 (pP - pD) +- z * 100 sqrt(V / n),
 *   V = pP + pD - (pP - pD)^2.
 * - ADJUSTED: the adjusted-Wald interval of Rocks (2016), The American
 *   Statistician 70(4), recommended by Sauro & Lewis (MeasuringU): add 3 to
 *   n and 3/4 to the promoters and to the detractors, n' = n + 3,
 *   pP' = (P + 0.75) / n', pD' = (D + 0.75) / n', and take the Wald interval
 *   of those: 100 (pP' - pD') +- z * 100 sqrt(V' / n'). The reported value
 *   stays the plain NPS; the interval is centred on the adjusted one.
 * Both are clamped to [-100, 100].
 * @since 0.2
 */
typedef enum svcm_nps_interval {
    SVCM_NPS_INTERVAL_WALD = 0,    /**< Wald (default) */
    SVCM_NPS_INTERVAL_ADJUSTED = 1 /**< adjusted Wald (Rocks 2016) */
} svcm_nps_interval;

/**
 * @brief Settings of a feedback accumulator. Fill with
 *        svcm_feedback_options_init(), then change what you need.
 *
 * The conventions (csat_method, ces_method, nps_interval) of the kinds an
 * accumulator does not count are ignored, but must still be valid values.
 */
typedef struct svcm_feedback_options {
    svcm_feedback_kind kind; /**< what is counted */
    int32_t low;             /**< lowest answer on the scale (CSAT, CES: 1; NPS: 0) */
    int32_t high;            /**< highest answer (CSAT: 5, CES: 7, NPS: 10) */
    uint32_t top_boxes;      /**< CSAT: how many top levels count as satisfied (default 2); ignored otherwise */
    svcm_csat_method csat_method; /**< CSAT: the score (default TOP_BOX). @since 0.2 */
    svcm_ces_method ces_method;   /**< CES: the score (default MEAN). @since 0.2 */
    svcm_nps_interval nps_interval; /**< NPS: the interval (default WALD). @since 0.2 */
} svcm_feedback_options;

/**
 * @brief Fill @p opts with the defaults of @p kind: CSAT 1-5 with two top
 *        boxes, NPS 0-10, CES 1-7; conventions TOP_BOX, MEAN, WALD (the
 *        results of 0.1).
 * @param opts the options to fill.
 * @param kind one of ::svcm_feedback_kind. An unknown kind gives an empty
 *        scale (low = high = 0), which svcm_feedback_new() refuses with
 *        ::SVCM_EINVAL.
 * @par Thread safety: touches only @p opts (nothing when it is NULL).
 * @since 0.1; returns void since 0.2 (was int)
 */
SVCM_API void svcm_feedback_options_init(svcm_feedback_options *opts, svcm_feedback_kind kind);

/** @brief A mergeable histogram of integer survey answers (opaque). */
typedef struct svcm_feedback svcm_feedback;

/**
 * @brief Create an empty feedback accumulator.
 *
 * NPS requires the scale 0-10. Every kind needs low < high and at most
 * SVCM_FEEDBACK_MAX_LEVELS levels; CSAT needs 1 <= top_boxes < levels
 * (RATED: 2 top_boxes <= levels); CES TOP and INDEX need the scale 1-7;
 * csat_method, ces_method and nps_interval must be known values.
 *
 * @param opts settings (NULL is not allowed: the kind must be chosen).
 * @param alloc allocator for the new object, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives the new accumulator; free it with
 *             svcm_feedback_free().
 * @param[out] err optional detail: the field at fault ("kind", "low",
 *        "high", "top_boxes", "csat_method", "ces_method", "nps_interval";
 *        "opts" or "out" when NULL, "alloc" for an incomplete allocator) and
 *        a message; may be NULL. @since 0.2
 * @return SVCM_OK; SVCM_EINVAL for NULL opts/out or invalid settings;
 *         SVCM_ENOMEM if allocation fails (*out untouched on failure).
 * @par Thread safety: reentrant.
 * @since 0.1
 */
SVCM_API int svcm_feedback_new(const svcm_feedback_options *opts, const svcm_allocator *alloc,
                               svcm_feedback **out, svcm_error *err);

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
 *         kinds, scales, top boxes or conventions (csat_method, ces_method,
 *         nps_interval; since 0.2) differ; SVCM_ERANGE if a count would
 *         overflow. @p dst is unchanged on failure.
 * @par Thread safety: touches only @p dst.
 * @since 0.1
 */
SVCM_API int svcm_feedback_merge(svcm_feedback *dst, const svcm_feedback *src);

/** @brief Summary of a feedback accumulator, from svcm_feedback_result(). */
struct svcm_feedback_result {
    svcm_feedback_kind kind; /**< CSAT, NPS or CES */
    uint64_t n;         /**< number of answers */
    /** The score under the accumulator's convention: a share in [0, 1]
     *  (CSAT TOP_BOX and RATED, CES TOP), points in [-100, 100] (NPS, CES
     *  INDEX) or the mean answer (CSAT MEAN, CES MEAN). */
    double value;
    svcm_interval ci;   /**< interval for value at the requested confidence */
    /** standard error of value (same units; NPS ADJUSTED: of the adjusted
     *  estimate the interval is centred on) */
    double std_error;
    double mean;        /**< mean answer (all kinds) */
    uint64_t satisfied; /**< CSAT: answers in the top boxes; CES TOP: answers 5-7, CES INDEX: 6-7 (@since 0.2); else 0 */
    uint64_t promoters; /**< NPS: answers 9-10; else 0 */
    uint64_t passives;  /**< NPS: answers 7-8; else 0 */
    uint64_t detractors; /**< NPS: answers 0-6; else 0 */
    /** CSAT: answers in the bottom top_boxes levels; CES INDEX: answers
     *  1-3; else 0. @since 0.2 */
    uint64_t dissatisfied;
    svcm_csat_method csat_method;   /**< the accumulator's CSAT convention. @since 0.2 */
    svcm_ces_method ces_method;     /**< the accumulator's CES convention. @since 0.2 */
    svcm_nps_interval nps_interval; /**< the accumulator's NPS interval. @since 0.2 */
};

/**
 * @brief The score with a confidence interval.
 *
 * - Shares (CSAT TOP_BOX and RATED, CES TOP): Wilson score interval
 *   (Wilson 1927).
 * - Net scores (NPS, CES INDEX): normal interval 100 * (pP - pD) +- z * 100
 *   * sqrt(V / n) with the multinomial variance V = pP + pD - (pP - pD)^2,
 *   clamped to [-100, 100]; NPS ADJUSTED: the adjusted-Wald interval (see
 *   ::svcm_nps_interval).
 * - Means (CSAT MEAN, CES MEAN): Student t interval, mean +- t(n - 1) * s /
 *   sqrt(n).
 *
 * @param f the accumulator.
 * @param confidence two-sided level in (0, 1), e.g. 0.95.
 * @param[out] out the result.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or confidence outside
 *         (0, 1); SVCM_EEMPTY if no answers were counted (means: fewer than
 *         two; CSAT RATED: no satisfied or dissatisfied answer). @p out is
 *         written only on success.
 * @par Thread safety: reads only @p f.
 * @since 0.1
 */
SVCM_API int svcm_feedback_result(const svcm_feedback *f, double confidence,
                                  struct svcm_feedback_result *out);

/**
 * @brief Compare two periods (b minus a) of the same kind and scale.
 *
 * - Shares (CSAT TOP_BOX and RATED, CES TOP): two-proportion z-test
 *   (svcm_two_proportion_z_test(); diff is in share units).
 * - Net scores (NPS, CES INDEX): z-test with the multinomial variances,
 *   z = (NPS_b - NPS_a) / (100 * sqrt(V_a / n_a + V_b / n_b)); diff in
 *   points, normal interval (not clamped), df = INFINITY. NPS ADJUSTED:
 *   the same with each side adjusted (n + 3, P + 3/4, D + 3/4), as
 *   MeasuringU compares two adjusted NPS; diff stays the plain difference.
 * - Means (CSAT MEAN, CES MEAN): Welch's t-test (svcm_welch_t_test()).
 *
 * @param a the earlier period.
 * @param b the later period.
 * @param confidence level of the interval in (0, 1).
 * @param[out] out the result.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or bad confidence;
 *         SVCM_EMISMATCH if kinds, scales, top boxes or conventions
 *         differ; SVCM_EEMPTY if either is empty (means: fewer than two
 *         answers; CSAT RATED: no satisfied or dissatisfied answer);
 *         SVCM_ERANGE if both samples have zero variance (no test).
 * @par Thread safety: reads only @p a and @p b.
 * @since 0.1
 */
SVCM_API int svcm_feedback_compare(const svcm_feedback *a, const svcm_feedback *b,
                                   double confidence, struct svcm_test_result *out);

/**
 * @brief Save to bytes (src/bytes.h format: header, then kind, scale, top
 *        boxes, conventions and the histogram, little-endian; format
 *        version 2 since 0.2, version 1 (no conventions) still loads with
 *        the default conventions).
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
 * @param alloc allocator for the new object, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives a new accumulator (free with svcm_feedback_free()).
 * @param[out] err optional detail: field "buf" or "out" ("alloc" for an
 *        incomplete allocator) and a message; may be NULL. @since 0.2
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_EFORMAT for a wrong
 *         size, magic, kind tag, version (1 and 2 load), invalid settings
 *         or counts that overflow; SVCM_ENOMEM. *out is untouched on failure.
 * @par Thread safety: reentrant.
 * @since 0.1
 */
SVCM_API int svcm_feedback_load(const unsigned char *buf, size_t len,
                                const svcm_allocator *alloc, svcm_feedback **out,
                                svcm_error *err);

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
    SVCM_RATE_KIND_GENERIC = 0,        /**< unnamed success rate */
    SVCM_RATE_KIND_FCR = 1,            /**< first-contact resolution: resolved on first contact / contacts */
    SVCM_RATE_KIND_COMPLAINT = 2,      /**< complaints / contacts (or orders) */
    SVCM_RATE_KIND_RESOLUTION = 3,     /**< resolved / opened */
    SVCM_RATE_KIND_CHURN = 4,          /**< customers lost / customers at start */
    SVCM_RATE_KIND_RETENTION = 5,      /**< customers kept / customers at start */
    SVCM_RATE_KIND_REPURCHASE = 6,     /**< customers who bought again / customers */
    SVCM_RATE_KIND_REOPEN = 7,         /**< tickets reopened / tickets closed */
    SVCM_RATE_KIND_SLA_COMPLIANCE = 8  /**< tickets within SLA / tickets */
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
struct svcm_rate_result {
    svcm_rate_kind kind; /**< the label the counter was made with */
    uint64_t successes;  /**< number of successes */
    uint64_t trials;     /**< number of trials, >= successes */
    double rate;      /**< successes / trials, in [0, 1] */
    svcm_interval ci; /**< Wilson score interval */
};

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
SVCM_API int svcm_rate_result(const svcm_rate *r, double confidence, struct svcm_rate_result *out);

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
                               struct svcm_test_result *out);

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
 * @param[out] err optional detail: field "buf" or "out" ("alloc" for an
 *        incomplete allocator) and a message; may be NULL. @since 0.2
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_EFORMAT for a wrong
 *         size, magic, tag, version, unknown kind or successes > trials
 *         (out unchanged).
 * @par Thread safety: touches only @p out.
 * @since 0.1
 */
SVCM_API int svcm_rate_load(const unsigned char *buf, size_t len, svcm_rate *out,
                            svcm_error *err);

/**
 * @brief What svcm_fcr_repeats() decided for one ticket. Values are stable.
 * @since 0.2
 */
typedef enum svcm_fcr_outcome {
    /** The same customer opened another ticket within the window: not
     *  resolved at first contact. */
    SVCM_FCR_OUTCOME_REPEATED = 0,
    /** No other ticket of the customer within the window, and the whole
     *  window lies before as_of: resolved at first contact. */
    SVCM_FCR_OUTCOME_RESOLVED = 1,
    /** No repeat yet, but the window runs past as_of: one may still come.
     *  Left out of the rate. */
    SVCM_FCR_OUTCOME_UNDECIDED = 2
} svcm_fcr_outcome;

/**
 * @brief First-contact resolution from repeat contacts, for data without an
 *        FCR flag: a ticket is resolved at first contact when the same
 *        customer opens no other ticket within @p window after it.
 *
 * Exactly: order the tickets by customer, then created, then position in
 * the input (ties at one instant: the later ticket is the repeat of the
 * earlier one). Ticket i, followed in that order by ticket j of the same
 * customer, is REPEATED when created[j] - created[i] <= window. Otherwise
 * it is RESOLVED when created[i] + window <= as_of (its whole window was
 * observed) and UNDECIDED when the window runs past as_of. The rate counts
 * RESOLVED as successes over RESOLVED + REPEATED trials; UNDECIDED tickets
 * (the last ones of each customer, near the end of the data) are left out,
 * so that the end of the data does not pass for resolution.
 *
 * Example: window 7 days; customer A's tickets on days 1, 5 and 15, B's on
 * day 1, as_of day 20: A1 REPEATED (A5 is 4 days later), A5 RESOLVED (next
 * 10 days later; day 12 <= 20), A15 UNDECIDED (day 22 > 20), B1 RESOLVED;
 * the rate is 2 of 3.
 *
 * @param customer customer id of each ticket (any int64; map names to ids
 *        first).
 * @param created creation instant of each ticket (Unix seconds), each <=
 *        @p as_of.
 * @param n number of tickets (the arrays may be NULL when n == 0).
 * @param window the window in seconds, > 0.
 * @param as_of the end of the data (e.g. the latest created instant or the
 *        export time).
 * @param alloc allocator for a scratch copy of the n (customer, created)
 *        pairs (24 bytes each), freed before returning; NULL for malloc.
 *        One with a NULL function is ::SVCM_EINVAL.
 * @param[out] outcome optional (NULL): n ::svcm_fcr_outcome values, one per
 *        ticket, in input order.
 * @param[out] out receives the rate: kind ::SVCM_RATE_KIND_FCR, successes
 *        RESOLVED, trials RESOLVED + REPEATED (overwritten, not added to).
 * @param[out] err optional detail: index and field ("customer", "created",
 *        "window", "outcome", "out", "alloc") and a message.
 * @return SVCM_OK; SVCM_EINVAL for NULL arrays with n > 0, a NULL @p out,
 *         window <= 0 or a ticket created after as_of (err names its
 *         index); SVCM_ENOMEM. Nothing is written on failure.
 * @par Thread safety: reentrant; touches only @p outcome, @p out, @p err.
 * @since 0.2
 */
SVCM_API int svcm_fcr_repeats(const int64_t *customer, const int64_t *created, size_t n,
                              int64_t window, int64_t as_of, const svcm_allocator *alloc,
                              uint8_t *outcome, svcm_rate *out, svcm_error *err);

/** @} */

/* ------------------------------------------------------------------------ */
/** @name SERVQUAL gaps (Parasuraman, Zeithaml & Berry 1988)
 *  @{ */

/** @brief The five SERVQUAL dimensions. Values are stable. */
typedef enum svcm_servqual_dimension {
    SVCM_SERVQUAL_DIMENSION_TANGIBLES = 0,
    SVCM_SERVQUAL_DIMENSION_RELIABILITY = 1,
    SVCM_SERVQUAL_DIMENSION_RESPONSIVENESS = 2,
    SVCM_SERVQUAL_DIMENSION_ASSURANCE = 3,
    SVCM_SERVQUAL_DIMENSION_EMPATHY = 4
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
struct svcm_servqual_result {
    double gap[SVCM_SERVQUAL_DIMENSIONS];         /**< mean of P - E over the dimension's items */
    double expectation[SVCM_SERVQUAL_DIMENSIONS]; /**< mean expectation */
    double perception[SVCM_SERVQUAL_DIMENSIONS];  /**< mean perception */
    size_t items[SVCM_SERVQUAL_DIMENSIONS];       /**< items in the dimension */
    double weight[SVCM_SERVQUAL_DIMENSIONS];      /**< weights used, normalised to sum 1 */
    double unweighted; /**< mean of the five dimension gaps */
    double weighted;   /**< sum of weight[d] * gap[d] */
};

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
                           struct svcm_servqual_result *out, svcm_error *err);

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Consistency across channels
 *  @{ */

/** @brief Spread of one KPI across channels (phone, chat, e-mail, ...). */
struct svcm_consistency_result {
    size_t n;             /**< number of channels */
    double mean;          /**< mean of the values */
    double sd;            /**< sample standard deviation (n - 1 denominator) */
    double sd_population; /**< population standard deviation (n denominator) */
    double cv;            /**< sd / |mean| */
    double cv_population; /**< sd_population / |mean| */
    double min;           /**< smallest value */
    double max;           /**< largest value */
};

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
SVCM_API int svcm_consistency(const double *values, size_t n, struct svcm_consistency_result *out,
                              svcm_error *err);

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Grouped KPIs: one set of accumulators per group key
 *
 * A ::svcm_kpi_groups holds, for every group key (channel, agent, queue,
 * ...), the same list of accumulators, its slots: feedback scores (NPS,
 * CSAT, CES), rates (FCR, reopen, ...), durations (response, resolution
 * times) and SLA counts (met, breached, pending against one target). Groups
 * are created on first use, with no cap on their number; the object merges
 * by key and saves to bytes, so partitions of a data set can be counted
 * apart and combined later.
 *
 * Keys are byte strings of a given length that must be valid UTF-8 (they
 * are text that gets stored and printed); NUL bytes are allowed and
 * compared like any other byte. Groups are numbered 0, 1, ... in the order
 * they were first seen; svcm_kpi_groups_order() gives the order by key.
 *
 * Threading: every function is reentrant; one object must not be used by
 * two threads at the same time (functions taking a `const` pointer may run
 * concurrently with each other).
 *
 * Example: NPS per channel.
 * @code
 * svcm_kpi_slot slot;
 * svcm_kpi_slot_init(&slot, SVCM_KPI_SLOT_KIND_FEEDBACK);
 * svcm_feedback_options_init(&slot.feedback, SVCM_FEEDBACK_KIND_NPS);
 * svcm_kpi_groups_options o;
 * svcm_kpi_groups_options_init(&o);
 * o.slots = &slot;
 * o.n_slots = 1;
 * svcm_kpi_groups *g;
 * svcm_kpi_groups_new(&o, NULL, &g, NULL);
 * size_t k;
 * svcm_kpi_groups_group(g, "email", 5, &k, NULL);
 * svcm_kpi_groups_add_score(g, k, 0, 9.0, NULL);
 * const svcm_feedback *f;
 * svcm_kpi_groups_feedback(g, k, 0, &f);  // then svcm_feedback_result(f, ...)
 * svcm_kpi_groups_free(g);
 * @endcode
 *  @{ */

/** @brief What one slot of every group counts. Values are stable. @since 0.2 */
typedef enum svcm_kpi_slot_kind {
    /** A ::svcm_feedback accumulator (NPS, CSAT or CES answers). */
    SVCM_KPI_SLOT_KIND_FEEDBACK = 0,
    /** A ::svcm_rate counter (successes over trials). */
    SVCM_KPI_SLOT_KIND_RATE = 1,
    /** A ::svcm_durations accumulator (seconds). */
    SVCM_KPI_SLOT_KIND_DURATIONS = 2,
    /** SLA counts against one target: met, breached, pending. */
    SVCM_KPI_SLOT_KIND_SLA = 3
} svcm_kpi_slot_kind;

/** @brief Most slots an object may have. */
#define SVCM_KPI_GROUPS_MAX_SLOTS 64u
/** @brief Longest group key in bytes (keys are saved with a 32-bit length;
 *         the cap keeps a saved object loadable). */
#define SVCM_KPI_GROUPS_MAX_KEY 65536u

/**
 * @brief One slot: its kind and the settings that kind uses (the others
 *        are ignored). Fill with svcm_kpi_slot_init(). @since 0.2
 */
typedef struct svcm_kpi_slot {
    svcm_kpi_slot_kind kind;        /**< what the slot counts */
    svcm_feedback_options feedback; /**< FEEDBACK: scale and kind (see svcm_feedback_new()) */
    svcm_rate_kind rate;            /**< RATE: the label of the counters */
    svcm_sketch_options sketch;     /**< DURATIONS: sketch settings (see svcm_durations_new()) */
} svcm_kpi_slot;

/**
 * @brief Fill @p slot with @p kind and default settings: NPS 0-10 feedback,
 *        ::SVCM_RATE_KIND_GENERIC, the default sketch options.
 * @param slot may be NULL (no-op).
 * @param kind the slot kind (stored as given; svcm_kpi_groups_new() checks it).
 * @par Thread safety: touches only @p slot.
 * @since 0.2
 */
SVCM_API void svcm_kpi_slot_init(svcm_kpi_slot *slot, svcm_kpi_slot_kind kind);

/** @brief Settings of a grouped-KPI object. Fill with
 *         svcm_kpi_groups_options_init(). @since 0.2 */
typedef struct svcm_kpi_groups_options {
    const svcm_kpi_slot *slots; /**< the slots every group gets (copied by svcm_kpi_groups_new()) */
    size_t n_slots;             /**< their number, 1 .. ::SVCM_KPI_GROUPS_MAX_SLOTS */
} svcm_kpi_groups_options;

/**
 * @brief Fill @p opts with the defaults: no slots (set them before use).
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.2
 */
SVCM_API void svcm_kpi_groups_options_init(svcm_kpi_groups_options *opts);

/** @brief Accumulators per group key (opaque). @since 0.2 */
typedef struct svcm_kpi_groups svcm_kpi_groups;

/**
 * @brief Create an object with no groups.
 * @param opts the slots (required).
 * @param alloc allocator for the new object, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives the object (free with svcm_kpi_groups_free());
 *             untouched on failure.
 * @param[out] err optional detail: field "opts", "out", "alloc",
 *             "n_slots", "slots", or "slot.kind", "slot.feedback",
 *             "slot.rate", "slot.sketch" with index = the slot.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, n_slots outside
 *         1..::SVCM_KPI_GROUPS_MAX_SLOTS, an unknown slot kind or settings
 *         the slot's accumulator refuses, or an incomplete allocator;
 *         SVCM_ENOMEM.
 * @par Thread safety: reentrant.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_new(const svcm_kpi_groups_options *opts,
                                 const svcm_allocator *alloc, svcm_kpi_groups **out,
                                 svcm_error *err);

/**
 * @brief Free the object and every accumulator in it. NULL is a no-op.
 * @param g the object; invalid afterwards (so are pointers obtained from it).
 * @par Thread safety: touches only @p g.
 * @since 0.2
 */
SVCM_API void svcm_kpi_groups_free(svcm_kpi_groups *g);

/**
 * @brief Number of slots of every group.
 * @param g the object (NULL gives 0).
 * @return the number of slots.
 * @par Thread safety: reads only @p g.
 * @since 0.2
 */
SVCM_API size_t svcm_kpi_groups_slot_count(const svcm_kpi_groups *g);

/**
 * @brief The settings of slot @p slot (also of a loaded object).
 * @param g the object.
 * @param slot the slot, < svcm_kpi_groups_slot_count().
 * @param[out] out receives the slot.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or a slot out of range.
 * @par Thread safety: reads only @p g.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_slot(const svcm_kpi_groups *g, size_t slot, svcm_kpi_slot *out);

/**
 * @brief Number of groups.
 * @param g the object (NULL gives 0).
 * @return the number of groups, numbered 0 .. count - 1 in first-seen order.
 * @par Thread safety: reads only @p g.
 * @since 0.2
 */
SVCM_API size_t svcm_kpi_groups_count(const svcm_kpi_groups *g);

/**
 * @brief Find the group of @p key, creating it (with empty accumulators)
 *        when it is new. Average O(1): a hash table that grows.
 * @param g the object.
 * @param key @p key_len bytes of valid UTF-8 (may be NULL when key_len is 0).
 * @param key_len length in bytes, at most ::SVCM_KPI_GROUPS_MAX_KEY.
 * @param[out] index receives the group's number.
 * @param[out] err optional detail: field "key" (the message gives the byte
 *             offset of invalid UTF-8), "key_len", "g" or "index".
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, invalid UTF-8 or a key
 *         too long; SVCM_ENOMEM (@p g unchanged).
 * @par Thread safety: touches only @p g and @p err.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_group(svcm_kpi_groups *g, const char *key, size_t key_len,
                                   size_t *index, svcm_error *err);

/**
 * @brief Find the group of @p key without creating it.
 * @param g the object.
 * @param key @p key_len bytes (may be NULL when key_len is 0).
 * @param key_len their number.
 * @param[out] index receives the group's number.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_ENOTFOUND if no
 *         group has that key.
 * @par Thread safety: reads only @p g.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_find(const svcm_kpi_groups *g, const char *key, size_t key_len,
                                  size_t *index);

/**
 * @brief The key of group @p group.
 * @param g the object.
 * @param group the group number.
 * @param[out] key receives a pointer to the key's bytes, owned by @p g and
 *             valid until it is freed; followed by a NUL byte (the key may
 *             hold NUL bytes itself: use @p len).
 * @param[out] len receives the key's length in bytes.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or a group out of range.
 * @par Thread safety: reads only @p g.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_key(const svcm_kpi_groups *g, size_t group, const char **key,
                                 size_t *len);

/**
 * @brief The group numbers sorted by key: bytes compared as unsigned, a
 *        key before every longer key it is a prefix of (for UTF-8 this is
 *        code-point order; without NUL bytes it is strcmp() order).
 * @param g the object.
 * @param[out] order receives svcm_kpi_groups_count() group numbers.
 * @param cap capacity of @p order in elements.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers (order may be NULL when
 *         there are no groups); SVCM_ENOSPC if cap is smaller than the
 *         number of groups (nothing written).
 * @par Thread safety: reads only @p g; no allocation (an in-place heap sort).
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_order(const svcm_kpi_groups *g, size_t *order, size_t cap);

/**
 * @brief Count one survey answer in a FEEDBACK slot of a group.
 * @param g the object.
 * @param group the group number.
 * @param slot a FEEDBACK slot.
 * @param score an integral answer on the slot's scale.
 * @param[out] err optional detail: field "score", "group" or "slot".
 * @return SVCM_OK; SVCM_EINVAL for NULL g, a group or slot out of range, a
 *         slot of another kind, or a score that is NaN, infinite,
 *         fractional or off the scale; SVCM_ERANGE if the count would
 *         overflow. Nothing changes on failure.
 * @par Thread safety: touches only @p g and @p err.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_add_score(svcm_kpi_groups *g, size_t group, size_t slot,
                                       double score, svcm_error *err);

/**
 * @brief Count one trial in a RATE slot of a group.
 * @param g the object.
 * @param group the group number.
 * @param slot a RATE slot.
 * @param success whether the trial succeeded.
 * @param[out] err optional detail: field "group" or "slot".
 * @return SVCM_OK; SVCM_EINVAL for NULL g, a group or slot out of range or
 *         a slot of another kind; SVCM_ERANGE if the count would overflow.
 *         Nothing changes on failure.
 * @par Thread safety: touches only @p g and @p err.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_add_outcome(svcm_kpi_groups *g, size_t group, size_t slot,
                                         bool success, svcm_error *err);

/**
 * @brief Count one duration in a DURATIONS slot of a group.
 * @param g the object.
 * @param group the group number.
 * @param slot a DURATIONS slot.
 * @param seconds the duration, finite and >= 0.
 * @param[out] err optional detail: field "seconds", "group" or "slot".
 * @return SVCM_OK; SVCM_EINVAL for NULL g, a group or slot out of range, a
 *         slot of another kind, or a negative, NaN or infinite duration;
 *         SVCM_ERANGE if the count would overflow; SVCM_ENOMEM. Nothing
 *         changes on failure.
 * @par Thread safety: touches only @p g and @p err.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_add_duration(svcm_kpi_groups *g, size_t group, size_t slot,
                                          double seconds, svcm_error *err);

/**
 * @brief Add SLA counts to an SLA slot of a group (one ticket is one of
 *        the three; see ::svcm_sla_rate for their meaning).
 * @param g the object.
 * @param group the group number.
 * @param slot an SLA slot.
 * @param met tickets that met the target.
 * @param breached tickets past the target.
 * @param pending open tickets still within the target.
 * @param[out] err optional detail: field "group", "slot" or "count".
 * @return SVCM_OK; SVCM_EINVAL for NULL g, a group or slot out of range or
 *         a slot of another kind; SVCM_ERANGE if the slot's total (met +
 *         breached + pending) would pass UINT64_MAX. Nothing changes on
 *         failure.
 * @par Thread safety: touches only @p g and @p err.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_add_sla(svcm_kpi_groups *g, size_t group, size_t slot,
                                     uint64_t met, uint64_t breached, uint64_t pending,
                                     svcm_error *err);

/**
 * @brief The feedback accumulator of a FEEDBACK slot, for
 *        svcm_feedback_result(), svcm_feedback_compare() and the like.
 * @param g the object.
 * @param group the group number.
 * @param slot a FEEDBACK slot.
 * @param[out] out receives a pointer owned by @p g, valid until @p g is
 *             freed (adding to or merging into @p g updates what it sees).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a group or slot out of
 *         range, or a slot of another kind.
 * @par Thread safety: reads only @p g.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_feedback(const svcm_kpi_groups *g, size_t group, size_t slot,
                                      const svcm_feedback **out);

/**
 * @brief A copy of the counter of a RATE slot, for svcm_rate_result().
 * @param g the object.
 * @param group the group number.
 * @param slot a RATE slot.
 * @param[out] out receives the counter.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a group or slot out of
 *         range, or a slot of another kind.
 * @par Thread safety: reads only @p g.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_rate(const svcm_kpi_groups *g, size_t group, size_t slot,
                                  svcm_rate *out);

/**
 * @brief The durations accumulator of a DURATIONS slot, for
 *        svcm_durations_result() and svcm_durations_quantiles().
 * @param g the object.
 * @param group the group number.
 * @param slot a DURATIONS slot.
 * @param[out] out receives a pointer owned by @p g, valid until the next
 *             call that changes @p g (svcm_kpi_groups_merge() replaces it).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a group or slot out of
 *         range, or a slot of another kind.
 * @par Thread safety: reads only @p g.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_durations(const svcm_kpi_groups *g, size_t group, size_t slot,
                                       const svcm_durations **out);

/** @brief SLA compliance of one group, from svcm_kpi_groups_sla_result().
 *  @since 0.2 */
struct svcm_kpi_groups_sla_result {
    uint64_t met;      /**< tickets that met the target */
    uint64_t breached; /**< tickets past the target */
    uint64_t pending;  /**< open tickets still within the target */
    double rate;       /**< met / (met + breached); NaN when nothing is decided */
    svcm_interval ci;  /**< Wilson interval for rate; [NaN, NaN] when nothing is decided */
};

/**
 * @brief The counts of an SLA slot, the compliance rate met / (met +
 *        breached) and its Wilson score interval (Wilson 1927, via
 *        svcm_wilson()); pending tickets are left out of the rate.
 * @param g the object.
 * @param group the group number.
 * @param slot an SLA slot.
 * @param confidence two-sided level in (0, 1).
 * @param[out] out the result; written only on success.
 * @param[out] err optional detail: field "confidence", "group" or "slot".
 * @return SVCM_OK (also when nothing is decided: rate and interval NaN);
 *         SVCM_EINVAL for NULL pointers, a group or slot out of range, a
 *         slot of another kind, or a confidence outside (0, 1) or so close
 *         to 1 that svcm_wilson() refuses it.
 * @par Thread safety: reads only @p g.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_sla_result(const svcm_kpi_groups *g, size_t group, size_t slot,
                                        double confidence, struct svcm_kpi_groups_sla_result *out,
                                        svcm_error *err);

/**
 * @brief dst := dst + src by key: every group of src is merged into the
 *        dst group with the same key, created (at the end, in src's order)
 *        when dst has none. The result equals an object that saw every
 *        value of both.
 * @param dst the object to grow.
 * @param src the object to add (unchanged; may equal dst).
 * @param[out] err optional detail: field "slots" (index = the first slot
 *             that differs), "count" (index = the src group whose counts
 *             would overflow), "dst" or "src".
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_EMISMATCH if the
 *         slot lists differ (number, kinds or settings); SVCM_ERANGE if a
 *         count would overflow; SVCM_ENOMEM. @p dst is unchanged on
 *         failure.
 * @par Thread safety: touches only @p dst and @p err.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_merge(svcm_kpi_groups *dst, const svcm_kpi_groups *src,
                                   svcm_error *err);

/**
 * @brief Save to bytes (src/bytes.h format, version 2 since 0.2: header,
 *        the slots with their feedback conventions, then per group the key
 *        and each slot's saved accumulator or counts, little-endian;
 *        svcm_kpi_groups_load() still reads version 1, with the default
 *        conventions).
 * @param g the object.
 * @param buf destination; may be NULL to query the size.
 * @param cap capacity of @p buf.
 * @param[out] len always receives the size needed (if not NULL).
 * @return SVCM_OK; SVCM_EINVAL if g is NULL; SVCM_ENOSPC if buf is NULL or
 *         cap is too small (nothing written); SVCM_ERANGE if the payload
 *         passes the 4 GiB the format's length field holds (nothing
 *         written).
 * @par Thread safety: reads only @p g.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_save(const svcm_kpi_groups *g, unsigned char *buf, size_t cap,
                                  size_t *len);

/**
 * @brief Load an object saved by svcm_kpi_groups_save().
 *
 * Everything is checked: header, version, slot settings, group count
 * against the bytes left, keys (length, UTF-8, no duplicates), every
 * nested accumulator (as its own loader does, and with the settings of its
 * slot), rates with successes <= trials, SLA totals that fit in 64 bits.
 *
 * @param buf the bytes.
 * @param len their number.
 * @param alloc allocator for the new object, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives a new object (free with svcm_kpi_groups_free());
 *             untouched on failure.
 * @param[out] err optional detail: on SVCM_EFORMAT the field ("header",
 *             "slots", "groups", "key", "feedback", "rate", "durations",
 *             "sla") and the group index where one is at fault.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or an incomplete
 *         allocator; SVCM_EFORMAT for anything malformed; SVCM_ENOMEM.
 * @par Thread safety: reentrant.
 * @since 0.2
 */
SVCM_API int svcm_kpi_groups_load(const unsigned char *buf, size_t len,
                                  const svcm_allocator *alloc, svcm_kpi_groups **out,
                                  svcm_error *err);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* SVCM_KPI_H */
