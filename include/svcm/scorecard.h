/**
 * @file svcm/scorecard.h
 * @brief Service targets with statistical verdicts: a target per KPI
 *        ("fcr >= 70%", "first_response_p90 <= 1h"), a verdict from the
 *        KPI's confidence interval, the sample size that would decide an
 *        undetermined verdict, and changed / unchanged against the previous
 *        period by the library's own two-sample tests.
 *
 * **Verdicts.** A target has a value T and a direction: at least T (higher
 * is better) or at most T (lower is better). With the KPI's two-sided
 * confidence interval [lo, hi] at the requested confidence:
 *
 * | direction | met | missed | undetermined |
 * |---|---|---|---|
 * | at least T | lo >= T | hi < T | otherwise |
 * | at most T | hi <= T | lo > T | otherwise |
 *
 * The limits are inclusive on the good side, as the targets are written
 * (">=" and "<="). The intervals are the library's own:
 *
 * - proportions: the Wilson score interval (svcm_wilson());
 * - means: the Student t interval (svcm_moments_mean_ci());
 * - feedback scores: the interval of svcm_feedback_result() (CSAT shares:
 *   Wilson; NPS: Wald or adjusted Wald, as the accumulator is set; means:
 *   Student t);
 * - quantiles: the distribution-free order-statistic interval: with
 *   B ~ Binomial(n, q) and x_(1) <= ... <= x_(n) the sorted sample, the
 *   interval is [x_(l), x_(u)] with l the largest rank such that
 *   P(B <= l - 1) <= alpha / 2 and u the smallest such that
 *   P(B <= u - 1) >= 1 - alpha / 2 (alpha = 1 - confidence), so that
 *   P(x_(l) <= xi_q <= x_(u)) >= 1 - alpha for any continuous
 *   distribution. When no rank qualifies the limit is -inf (lower) or +inf
 *   (upper): the sample is too small to bound the quantile on that side.
 *   svcm_target_verdict_quantile() takes the order statistics from the
 *   sorted sample (exact); svcm_target_verdict_durations() reads them from
 *   the accumulator's sketch at those ranks (exact while the sketch keeps
 *   its values, within its relative error afterwards).
 *
 * **Sample size that would decide.** For an undetermined verdict,
 * svcm_target_result::n_to_decide is the smallest sample size n whose
 * interval, computed at the observed estimate (the same proportion, mean
 * and standard deviation, or NPS variance), lies wholly on one side of the
 * target. It is 0 when the verdict is decided already, and 0 when no n
 * decides: the estimate equals the target, or more than 2^53 observations
 * would be needed. Proportions: the Wilson interval at the observed
 * proportion p (closed form with p, not a rounded count); means: the t
 * interval with the observed s; NPS: the Wald half-width
 * z 100 sqrt(V / n), V the observed multinomial variance; quantiles: the
 * Wilson sample size for the share of values within the target against q
 * (the order-statistic interval excludes T exactly when a binomial test of
 * that share against q rejects, so this is its normal-score
 * approximation), raised to at least n + 1 and to the smallest size at
 * which the order statistic on the deciding side exists (q^m <= alpha/2
 * for the upper rank, (1 - q)^m <= alpha/2 for the lower).
 *
 * **Changes.** svcm_target_change_rate(), svcm_target_change_feedback()
 * and svcm_target_change_mean() compare the previous period with the
 * current one by the library's tests (svcm_rate_compare(),
 * svcm_feedback_compare(), svcm_welch_t_test()): changed when the
 * two-sided p-value is below 1 - confidence, and then better or worse by
 * the target's direction.
 *
 * **Targets text.** One target a line, `NAME OP NUMBER[UNIT]`:
 * @code
 * # service standards, 2026
 * csat_top2 >= 90%
 * complaint_rate <= 1%
 * first_response_p90 <= 1h
 * nps >= 30
 * @endcode
 * NAME is 1 to ::SVCM_TARGET_NAME_MAX bytes of `a-z`, `0-9` and `_`,
 * starting with a letter, unique in the file; OP is `>=` (at least) or `<=`
 * (at most); NUMBER is a decimal as every text format of the library reads
 * it (no `+`, no hexadecimal, finite); UNIT is nothing, `%` (0 to 100),
 * or a duration unit `s`, `m`, `h`, `d` (seconds, minutes, hours, days;
 * the value >= 0). Blanks (spaces, tabs) may surround the tokens; `#`
 * starts a comment to the end of the line; lines end in LF (a CR before
 * it is ignored); blank lines are skipped. svcm_targets_format() writes
 * `NAME OP NUMBER[UNIT]` with one space either side of OP and no comments.
 *
 * Every function here is reentrant; none keeps state between calls.
 */
#ifndef SVCM_SCORECARD_H
#define SVCM_SCORECARD_H

#include "common.h"
#include "kpi.h"
#include "sketch.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Longest target name, in bytes (without the NUL). */
#define SVCM_TARGET_NAME_MAX 63
/** @brief Most targets in one ::svcm_targets. */
#define SVCM_TARGETS_MAX 64

/** @brief Which side of a target is good. Values are stable. @since 0.2 */
typedef enum svcm_target_direction {
    SVCM_TARGET_DIRECTION_AT_LEAST = 0, /**< KPI >= target (higher is better) */
    SVCM_TARGET_DIRECTION_AT_MOST = 1   /**< KPI <= target (lower is better) */
} svcm_target_direction;

/** @brief The verdict on one target. Values are stable. @since 0.2 */
typedef enum svcm_target_outcome {
    SVCM_TARGET_OUTCOME_MET = 0,         /**< the whole interval is on the good side */
    SVCM_TARGET_OUTCOME_MISSED = 1,      /**< the whole interval is on the bad side */
    SVCM_TARGET_OUTCOME_UNDETERMINED = 2 /**< the interval contains the target */
} svcm_target_outcome;

/** @brief Change against the previous period. Values are stable. @since 0.2 */
typedef enum svcm_target_change {
    SVCM_TARGET_CHANGE_UNCHANGED = 0, /**< p-value >= 1 - confidence */
    SVCM_TARGET_CHANGE_BETTER = 1,    /**< significant, towards the good side */
    SVCM_TARGET_CHANGE_WORSE = 2      /**< significant, towards the bad side */
} svcm_target_change;

/** @brief The unit a target value is written in. Values are stable. @since 0.2 */
typedef enum svcm_target_unit {
    SVCM_TARGET_UNIT_NONE = 0,    /**< a plain number (NPS points, a mean score) */
    SVCM_TARGET_UNIT_PERCENT = 1, /**< `%`: 0 to 100, a share of value / 100 */
    SVCM_TARGET_UNIT_SECONDS = 2, /**< `s` */
    SVCM_TARGET_UNIT_MINUTES = 3, /**< `m` */
    SVCM_TARGET_UNIT_HOURS = 4,   /**< `h` */
    SVCM_TARGET_UNIT_DAYS = 5     /**< `d` */
} svcm_target_unit;

/**
 * @brief A verdict with the interval it rests on, from the
 *        svcm_target_verdict*() functions. Plain data: copy freely.
 * @since 0.2
 */
struct svcm_target_result {
    svcm_target_outcome outcome; /**< met, missed or undetermined */
    double value;       /**< the estimate (proportion in [0, 1], mean, NPS points, quantile) */
    svcm_interval ci;   /**< its interval (quantiles: limits may be -inf / +inf) */
    uint64_t n;         /**< sample size (trials, answers, values) */
    double target;      /**< the target, in the estimate's units */
    svcm_target_direction direction; /**< the good side */
    double confidence;  /**< the two-sided confidence level used */
    /** Undetermined: the smallest sample size that would decide at the
     *  observed estimate (see the file comment); 0 when decided, or when no
     *  sample size decides (estimate equal to the target). */
    uint64_t n_to_decide;
};

/**
 * @brief Changed or unchanged against the previous period, from the
 *        svcm_target_change_*() functions.
 * @since 0.2
 */
struct svcm_target_change_result {
    svcm_target_change change;   /**< unchanged, better or worse */
    /** The test (diff = current - previous). When the test is undefined
     *  because neither period varies, diff is the plain difference, the
     *  interval is [diff, diff], statistic 0, p_value 1 if diff is 0 and
     *  0 otherwise (the one-sided p-values follow). */
    struct svcm_test_result test;
};

/** @brief One target: a named KPI, a direction and a value. @since 0.2 */
typedef struct svcm_target {
    char name[SVCM_TARGET_NAME_MAX + 1]; /**< NUL-terminated, `[a-z][a-z0-9_]*` */
    svcm_target_direction direction;     /**< `>=` or `<=` */
    double value;                        /**< as written, in @ref unit */
    svcm_target_unit unit;               /**< the unit of @ref value */
} svcm_target;

/**
 * @brief A set of targets: a plain value (no allocation), filled by
 *        svcm_targets_init() and svcm_targets_add() or by
 *        svcm_targets_parse(); a caller may also fill it directly and
 *        validate it with svcm_targets_check().
 * @since 0.2
 */
typedef struct svcm_targets {
    size_t count;                       /**< targets in use, <= SVCM_TARGETS_MAX */
    svcm_target item[SVCM_TARGETS_MAX]; /**< item[0 .. count) in file order */
} svcm_targets;

/**
 * @brief Verdict on a proportion: @p successes of @p trials against a
 *        target share, with the Wilson interval.
 * @param successes successes, <= trials.
 * @param trials trials, > 0.
 * @param target the target share, in [0, 1].
 * @param direction ::svcm_target_direction.
 * @param confidence two-sided level in (0, 1), e.g. 0.95.
 * @param[out] out the verdict (value = successes / trials).
 * @return SVCM_OK; SVCM_EINVAL for a NULL @p out, successes > trials, a
 *         target outside [0, 1] or NaN, an unknown direction or a
 *         confidence outside (0, 1); SVCM_EEMPTY when trials is 0.
 *         @p out is written only on success.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_target_verdict(uint64_t successes, uint64_t trials, double target,
                                 svcm_target_direction direction, double confidence,
                                 struct svcm_target_result *out);

/**
 * @brief Verdict on a mean (a score, a handle time) against a target, with
 *        the Student t interval of svcm_moments_mean_ci().
 * @param m the values' moments (at least two values).
 * @param target the target, finite.
 * @param direction ::svcm_target_direction.
 * @param confidence two-sided level in (0, 1).
 * @param[out] out the verdict (value = mean). With a zero standard
 *        deviation the interval is [mean, mean] and n_to_decide is 0.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a non-finite target, an
 *         unknown direction or a bad confidence; SVCM_EEMPTY with fewer
 *         than two values; SVCM_ERANGE when the variance or a limit
 *         exceeds the double range.
 * @par Thread safety: reads only @p m.
 * @since 0.2
 */
SVCM_API int svcm_target_verdict_mean(const svcm_moments *m, double target,
                                      svcm_target_direction direction, double confidence,
                                      struct svcm_target_result *out);

/**
 * @brief Verdict on a survey score (CSAT, NPS, CES) against a target in the
 *        score's own units (svcm_feedback_result::value: a share in
 *        [0, 1], NPS points, or a mean answer), with the accumulator's
 *        interval.
 * @param f the accumulator.
 * @param target the target, finite.
 * @param direction ::svcm_target_direction.
 * @param confidence two-sided level in (0, 1).
 * @param[out] out the verdict; n is the number of answers the score uses
 *        (CSAT RATED: satisfied + dissatisfied).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a non-finite target, an
 *         unknown direction or a bad confidence; SVCM_EEMPTY as
 *         svcm_feedback_result() (no answers; means: fewer than two).
 * @par Thread safety: reads only @p f.
 * @since 0.2
 */
SVCM_API int svcm_target_verdict_feedback(const svcm_feedback *f, double target,
                                          svcm_target_direction direction,
                                          double confidence,
                                          struct svcm_target_result *out);

/**
 * @brief Verdict on the q-quantile of a sample (e.g. the P90 of first
 *        response times) with the order-statistic interval of the sorted
 *        sample (see the file comment). The estimate is the lower nearest
 *        rank x_(r+1), r = floor(q (n - 1)), as svcm_sketch_quantile().
 * @param values the sample (any order; not modified), finite.
 * @param n number of values, > 0.
 * @param q the quantile level, in (0, 1).
 * @param target the target, finite.
 * @param direction ::svcm_target_direction.
 * @param confidence two-sided level in (0, 1).
 * @param alloc allocator for a sorted copy of @p values, or NULL (libc).
 * @param[out] out the verdict.
 * @param[out] err optional detail (index and field "values" for a
 *        non-finite value; "alloc" for an incomplete allocator).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a non-finite value or
 *         target, q outside (0, 1), an unknown direction, a bad confidence
 *         or an incomplete allocator; SVCM_EEMPTY when n is 0;
 *         SVCM_ENOMEM. @p out is written only on success.
 * @par Thread safety: reads only @p values.
 * @since 0.2
 */
SVCM_API int svcm_target_verdict_quantile(const double *values, size_t n, double q,
                                          double target, svcm_target_direction direction,
                                          double confidence, const svcm_allocator *alloc,
                                          struct svcm_target_result *out, svcm_error *err);

/**
 * @brief Verdict on the q-quantile of a durations accumulator, the order
 *        statistics read from its sketch at the interval's ranks (exact
 *        while the sketch is exact, within its relative error after).
 * @param d the accumulator.
 * @param q the quantile level, in (0, 1).
 * @param target the target in seconds, finite.
 * @param direction ::svcm_target_direction.
 * @param confidence two-sided level in (0, 1).
 * @param[out] out the verdict.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, q outside (0, 1), a
 *         non-finite target, an unknown direction or a bad confidence;
 *         SVCM_EEMPTY when no duration was added.
 * @par Thread safety: reads only @p d.
 * @since 0.2
 */
SVCM_API int svcm_target_verdict_durations(const svcm_durations *d, double q, double target,
                                           svcm_target_direction direction,
                                           double confidence,
                                           struct svcm_target_result *out);

/**
 * @brief Changed or unchanged: the two-proportion z-test of
 *        svcm_rate_compare() between two periods of a rate.
 * @param previous the earlier period.
 * @param current the later period.
 * @param direction the good side (for better / worse).
 * @param confidence two-sided level in (0, 1); changed when
 *        p < 1 - confidence.
 * @param[out] out the change and the test.
 * @return SVCM_OK (also when both periods are all successes or all
 *         failures: unchanged or changed by the plain difference, see
 *         ::svcm_target_change_result); otherwise the error of
 *         svcm_rate_compare() (SVCM_EINVAL, SVCM_EMISMATCH, SVCM_EEMPTY)
 *         or SVCM_EINVAL for a NULL @p out or an unknown direction.
 * @par Thread safety: reads only its inputs.
 * @since 0.2
 */
SVCM_API int svcm_target_change_rate(const svcm_rate *previous, const svcm_rate *current,
                                     svcm_target_direction direction, double confidence,
                                     struct svcm_target_change_result *out);

/**
 * @brief Changed or unchanged: svcm_feedback_compare() between two periods
 *        of a survey score (z-tests for shares and NPS, Welch for means).
 * @param previous the earlier period.
 * @param current the later period (same kind, scale and conventions).
 * @param direction the good side.
 * @param confidence two-sided level in (0, 1).
 * @param[out] out the change and the test.
 * @return SVCM_OK (also when neither period varies, see
 *         ::svcm_target_change_result); otherwise the error of
 *         svcm_feedback_compare() (SVCM_EINVAL, SVCM_EMISMATCH,
 *         SVCM_EEMPTY) or SVCM_EINVAL for a NULL @p out or an unknown
 *         direction.
 * @par Thread safety: reads only its inputs.
 * @since 0.2
 */
SVCM_API int svcm_target_change_feedback(const svcm_feedback *previous,
                                         const svcm_feedback *current,
                                         svcm_target_direction direction, double confidence,
                                         struct svcm_target_change_result *out);

/**
 * @brief Changed or unchanged: Welch's t-test (svcm_welch_t_test()) between
 *        two periods' means.
 * @param previous the earlier period's moments (at least two values).
 * @param current the later period's moments (at least two values).
 * @param direction the good side.
 * @param confidence two-sided level in (0, 1).
 * @param[out] out the change and the test.
 * @return SVCM_OK (also when neither period varies, see
 *         ::svcm_target_change_result); SVCM_EINVAL for NULL pointers, an
 *         unknown direction or a bad confidence; SVCM_EEMPTY when a period
 *         has fewer than two values; SVCM_ERANGE when a variance exceeds
 *         the double range.
 * @par Thread safety: reads only its inputs.
 * @since 0.2
 */
SVCM_API int svcm_target_change_mean(const svcm_moments *previous, const svcm_moments *current,
                                     svcm_target_direction direction, double confidence,
                                     struct svcm_target_change_result *out);

/**
 * @brief Lower-case word of a verdict: "met", "missed", "undetermined".
 * @param outcome an ::svcm_target_outcome value (any int is accepted).
 * @return a static string; NULL for an unknown value.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API const char *svcm_target_outcome_name(int outcome);

/**
 * @brief Lower-case word of a change: "unchanged", "better", "worse".
 * @param change an ::svcm_target_change value (any int is accepted).
 * @return a static string; NULL for an unknown value.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API const char *svcm_target_change_name(int change);

/**
 * @brief Suffix of a unit as the targets text writes it: "", "%", "s",
 *        "m", "h", "d".
 * @param unit an ::svcm_target_unit value (any int is accepted).
 * @return a static string; NULL for an unknown value.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API const char *svcm_target_unit_name(int unit);

/**
 * @brief The target value in the units the verdict functions take: a
 *        percentage as a share (value / 100), a duration in seconds, a
 *        plain number as it is.
 * @param t the target.
 * @param[out] out the value (a duration may round to +inf seconds only if
 *        its value is near DBL_MAX: SVCM_ERANGE then).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or an unknown unit;
 *         SVCM_ERANGE when the scaled value overflows.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_target_scaled(const svcm_target *t, double *out);

/**
 * @brief Empty @p t (count 0).
 * @param t the set; NULL is a no-op.
 * @par Thread safety: touches only @p t.
 * @since 0.2
 */
SVCM_API void svcm_targets_init(svcm_targets *t);

/**
 * @brief Append a target, checked as svcm_targets_check() checks each one.
 * @param t the set.
 * @param name the name, NUL-terminated (copied).
 * @param direction ::svcm_target_direction.
 * @param value the value, in @p unit.
 * @param unit ::svcm_target_unit.
 * @param[out] err optional detail: index = the new item's position, field
 *        "name", "direction", "value", "unit" or "count".
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad name (empty, too
 *         long, a byte outside `a-z0-9_`, not starting with a letter), a
 *         name already in the set, an unknown direction or unit, a value
 *         that is not finite, a percentage outside [0, 100] or a negative
 *         duration; SVCM_ERANGE when the set is full. @p t is unchanged on
 *         failure.
 * @par Thread safety: touches only @p t and @p err.
 * @since 0.2
 */
SVCM_API int svcm_targets_add(svcm_targets *t, const char *name,
                              svcm_target_direction direction, double value,
                              svcm_target_unit unit, svcm_error *err);

/**
 * @brief Check a caller-built set: count <= ::SVCM_TARGETS_MAX and every
 *        item as svcm_targets_add() requires (a NUL within the name array,
 *        unique names).
 * @param t the set.
 * @param[out] err optional detail: index of the first bad item (or
 *        SVCM_NO_INDEX for the count) and field "count", "name",
 *        "direction", "value" or "unit".
 * @return SVCM_OK; SVCM_EINVAL for NULL or the first problem found.
 * @par Thread safety: reads only @p t.
 * @since 0.2
 */
SVCM_API int svcm_targets_check(const svcm_targets *t, svcm_error *err);

/**
 * @brief Index of the target named @p name.
 * @param t the set.
 * @param name NUL-terminated name.
 * @param[out] index its position.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_ENOTFOUND when no
 *         target has that name.
 * @par Thread safety: reads only @p t.
 * @since 0.2
 */
SVCM_API int svcm_targets_find(const svcm_targets *t, const char *name, size_t *index);

/**
 * @brief Read targets text (see the file comment).
 * @param text the text (need not be NUL-terminated; a NUL byte is an
 *        error).
 * @param len its length in bytes.
 * @param[out] out the targets, written only on success.
 * @param[out] err optional detail: line and column (1-based byte column of
 *        the token at fault; 0 for a whole line) and field "text" (syntax,
 *        UTF-8), "name", "direction", "value", "unit" or "count"; index is
 *        the target's position for an invalid value, else SVCM_NO_INDEX.
 * @return SVCM_OK; SVCM_EINVAL for NULL @p out or @p text with len > 0;
 *         SVCM_EFORMAT for text that is not UTF-8, a NUL byte, a bad
 *         name, operator or number token, an unknown unit or anything
 *         after the value; SVCM_EINVAL for a duplicate name, a value out
 *         of range (percentage outside [0, 100], negative duration, not
 *         finite) or more than ::SVCM_TARGETS_MAX targets.
 * @par Thread safety: touches only @p out and @p err.
 * @since 0.2
 */
SVCM_API int svcm_targets_parse(const char *text, size_t len, svcm_targets *out,
                                svcm_error *err);

/**
 * @brief Write targets as text that svcm_targets_parse() reads back to the
 *        same set (one `NAME OP NUMBER[UNIT]` line each, numbers in the
 *        shortest form that reads back to the same double).
 *
 * The text is NUL-terminated and `*len` is its length without the NUL, so
 * @p cap must be at least `*len + 1`. With @p buf NULL (any @p cap) or
 * @p cap too small: SVCM_ENOSPC, `*len` set to the length needed, @p buf
 * untouched. So: `format(t, NULL, 0, &n)`, allocate `n + 1`,
 * `format(t, buf, n + 1, &n)`. An empty set is the empty text.
 * @param t the set (checked with svcm_targets_check() first).
 * @param buf destination, or NULL to query the size.
 * @param cap capacity of @p buf in bytes.
 * @param[out] len the length of the text, without the NUL.
 * @return SVCM_OK; SVCM_EINVAL for NULL @p t or @p len or a set that
 *         svcm_targets_check() refuses; SVCM_ENOSPC as above.
 * @par Thread safety: reads only @p t.
 * @since 0.2
 */
SVCM_API int svcm_targets_format(const svcm_targets *t, char *buf, size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_SCORECARD_H */
