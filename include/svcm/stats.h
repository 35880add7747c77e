/**
 * @file svcm/stats.h
 * @brief Statistics helpers shared by the engines: normal and Student t
 *        distributions, Wilson intervals, Welch's t-test, the two-proportion
 *        z-test and mergeable Welford moments.
 *
 * All functions here are pure: no allocation, no state, safe from any thread.
 * Non-finite inputs are ::SVCM_EINVAL; outputs are written only on success.
 */
#ifndef SVCM_STATS_H
#define SVCM_STATS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief A closed interval [lo, hi]. */
typedef struct svcm_interval {
    double lo; /**< lower limit */
    double hi; /**< upper limit, >= lo */
} svcm_interval;

/**
 * @brief Result of a two-sample comparison (second sample minus first).
 */
struct svcm_test_result {
    double diff;       /**< estimate of (second - first) */
    svcm_interval ci;  /**< confidence interval for diff */
    double statistic;  /**< t (Welch) or z (two-proportion) */
    double df;         /**< degrees of freedom (Welch-Satterthwaite); INFINITY for z */
    double p_value;    /**< two-sided p-value */
    double p_greater;  /**< one-sided p-value for H1: second > first */
    double p_less;     /**< one-sided p-value for H1: second < first */
};

/**
 * @brief Standard normal CDF, Phi(x).
 * @param x any finite value (or +-INFINITY, giving 1 or 0).
 * @param[out] out receives Phi(x).
 * @return SVCM_OK; SVCM_EINVAL if x is NaN or out is NULL.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_normal_cdf(double x, double *out);

/**
 * @brief Standard normal quantile (inverse CDF), accurate to 1e-9 absolute
 *        over (1e-300, 1 - 1e-16); uses an initial rational approximation
 *        refined by Halley steps on erfc.
 * @param p probability, strictly inside (0, 1).
 * @param[out] out receives x with Phi(x) = p.
 * @return SVCM_OK; SVCM_EINVAL if p is not in (0, 1) or out is NULL.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_normal_quantile(double p, double *out);

/**
 * @brief CDF of Student's t distribution with @p df degrees of freedom
 *        (df may be fractional, as in Welch's test).
 * @param t any non-NaN value.
 * @param df degrees of freedom, > 0 (INFINITY gives the normal CDF).
 * @param[out] out receives P(T <= t).
 * @return SVCM_OK; SVCM_EINVAL for NaN t, df <= 0 or NaN, or NULL out.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_t_cdf(double t, double df, double *out);

/**
 * @brief Quantile of Student's t distribution.
 * @param p probability in (0, 1).
 * @param df degrees of freedom, > 0 (INFINITY gives the normal quantile).
 * @param[out] out receives t with P(T <= t) = p (to about 1e-12 relative).
 * @return SVCM_OK; SVCM_EINVAL for p outside (0, 1), bad df, or NULL out.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_t_quantile(double p, double df, double *out);

/**
 * @brief Wilson score interval for a binomial proportion (Wilson 1927).
 * @param successes number of successes, <= n.
 * @param n number of trials, > 0.
 * @param confidence two-sided confidence level in (0, 1), e.g. 0.95.
 * @param[out] out receives [lo, hi], clamped to [0, 1].
 * @return SVCM_OK; SVCM_EEMPTY if n == 0; SVCM_EINVAL if successes > n,
 *         confidence is not in (0, 1), or out is NULL.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_wilson(uint64_t successes, uint64_t n, double confidence,
                         svcm_interval *out);

/**
 * @brief Welch's unequal-variance t-test from summary statistics.
 *
 * diff = mean2 - mean1; df by the Welch-Satterthwaite equation; the
 * interval is diff +- t(1 - (1 - confidence)/2, df) * SE.
 *
 * @param mean1,var1,n1 first sample: mean, sample variance (n - 1
 *        denominator), size (>= 2).
 * @param mean2,var2,n2 second sample, likewise.
 * @param confidence level for the interval, in (0, 1).
 * @param[out] out the result.
 * @return SVCM_OK; SVCM_EINVAL for non-finite values, negative variance,
 *         n < 2, bad confidence, or NULL out; SVCM_ERANGE when both
 *         variances are zero (the statistic is undefined).
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_welch_t_test(double mean1, double var1, double n1,
                               double mean2, double var2, double n2,
                               double confidence, struct svcm_test_result *out);

/**
 * @brief Two-proportion z-test: is x2/n2 different from x1/n1?
 *
 * The statistic uses the pooled proportion; the interval for
 * diff = x2/n2 - x1/n1 uses the unpooled (Wald) standard error.
 *
 * @param x1,n1 successes and trials of the first sample (x1 <= n1, n1 > 0).
 * @param x2,n2 the second sample, likewise.
 * @param confidence level for the interval, in (0, 1).
 * @param[out] out the result (df is INFINITY).
 * @return SVCM_OK; SVCM_EEMPTY if n1 or n2 is 0; SVCM_EINVAL if x > n,
 *         bad confidence or NULL out; SVCM_ERANGE if the pooled proportion
 *         is 0 or 1 (no variance: the statistic is undefined).
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_two_proportion_z_test(uint64_t x1, uint64_t n1, uint64_t x2,
                                        uint64_t n2, double confidence,
                                        struct svcm_test_result *out);

/**
 * @brief Running count, mean, M2 (sum of squared deviations), min and max,
 *        updated with Welford's method and merged with Chan et al.'s formula.
 *
 * A plain value: initialise with svcm_moments_init(), copy freely.
 */
typedef struct svcm_moments {
    uint64_t n;  /**< number of values */
    double mean; /**< running mean; 0 when n == 0 */
    double m2;   /**< sum of squared deviations from the mean; may be +INFINITY (see svcm_moments_variance()) */
    double min;  /**< smallest value; +INFINITY when n == 0 */
    double max;  /**< largest value; -INFINITY when n == 0 */
} svcm_moments;

/**
 * @brief Set @p m to the empty state.
 * @param m may be NULL (no-op).
 * @par Thread safety: touches only @p m.
 * @since 0.1
 */
SVCM_API void svcm_moments_init(svcm_moments *m);

/**
 * @brief Add one finite value.
 * @param m the accumulator.
 * @param x the value, finite.
 * @return SVCM_OK; SVCM_EINVAL if m is NULL or x is not finite (m unchanged).
 * @par Thread safety: touches only @p m.
 * @since 0.1
 */
SVCM_API int svcm_moments_add(svcm_moments *m, double x);

/**
 * @brief Add @p n values; all or nothing.
 * @param m the accumulator.
 * @param xs values (may be NULL when n == 0).
 * @param n count.
 * @param[out] err optional: on SVCM_EINVAL, the index of the first
 *             non-finite value (field "value").
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or a non-finite value, in
 *         which case @p m is unchanged.
 * @par Thread safety: touches only @p m and @p err.
 * @since 0.1
 */
SVCM_API int svcm_moments_add_batch(svcm_moments *m, const double *xs,
                                    size_t n, svcm_error *err);

/**
 * @brief dst := dst merged with src (as if all of src's values were added).
 * @param dst the accumulator that receives @p src's values.
 * @param src the accumulator to add; unchanged.
 * @return SVCM_OK; SVCM_EINVAL if either is NULL.
 * @par Thread safety: touches only @p dst.
 * @since 0.1
 */
SVCM_API int svcm_moments_merge(svcm_moments *dst, const svcm_moments *src);

/**
 * @brief Sample variance (n - 1 denominator).
 *
 * Values of both signs near the double range can make the sum of squares
 * exceed it; the moments then hold m2 = +INFINITY (the mean stays finite and
 * correct) and the variance is not representable.
 * @param m the accumulator.
 * @param[out] out the variance, written only on success.
 * @return SVCM_OK; SVCM_EINVAL for NULL; SVCM_EEMPTY if n < 2;
 *         SVCM_ERANGE if the variance exceeds the double range.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_moments_variance(const svcm_moments *m, double *out);

/**
 * @brief Confidence interval for the mean: mean +- t(df = n - 1) * s / sqrt(n).
 * @param m the accumulator.
 * @param confidence the confidence level, in (0, 1).
 * @param[out] out the interval, written only on success.
 * @return SVCM_OK; SVCM_EINVAL for NULL or bad confidence; SVCM_EEMPTY if n < 2;
 *         SVCM_ERANGE if the variance or a limit exceeds the double range.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_moments_mean_ci(const svcm_moments *m, double confidence,
                                  svcm_interval *out);

/** @brief Size in bytes of a saved ::svcm_moments. */
#define SVCM_MOMENTS_SAVED_SIZE 52u

/**
 * @brief Save to SVCM_MOMENTS_SAVED_SIZE bytes (versioned, little-endian).
 * @param m the moments.
 * @param buf destination; may be NULL to query the size.
 * @param cap capacity of @p buf.
 * @param[out] len always receives the size needed (if not NULL).
 * @return SVCM_OK; SVCM_EINVAL if m is NULL; SVCM_ENOSPC if buf is NULL or
 *         cap is too small (nothing written).
 * @par Thread safety: reads only @p m.
 * @since 0.1
 */
SVCM_API int svcm_moments_save(const svcm_moments *m, unsigned char *buf,
                               size_t cap, size_t *len);

/**
 * @brief Load moments saved by svcm_moments_save(). Every state a sequence of
 *        adds and merges can reach loads back, including m2 = +INFINITY.
 * @param buf the saved bytes.
 * @param len their number, SVCM_MOMENTS_SAVED_SIZE.
 * @param[out] out the moments, written only on success.
 * @param[out] err optional detail: field "buf" or "out" ("alloc" for an
 *        incomplete allocator) and a message; may be NULL. @since 0.2
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_EFORMAT for a wrong
 *         size, magic, version or inconsistent content (out unchanged).
 * @par Thread safety: touches only @p out.
 * @since 0.1
 */
SVCM_API int svcm_moments_load(const unsigned char *buf, size_t len,
                               svcm_moments *out, svcm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_STATS_H */
