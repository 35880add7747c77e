/**
 * @file svcm/lifetime.h
 * @brief Customer lifetime: BG/NBD purchase model, Gamma-Gamma spend model,
 *        P(alive), expected purchases, CLV, and transaction summaries.
 *
 * Sources:
 * - BG/NBD: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy
 *   Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2).
 * - Gamma-Gamma: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value
 *   Curves for Customer Base Analysis", Journal of Marketing Research 42(4);
 *   Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value".
 *
 * Per-customer data is (x, t_x, T) in one time unit of the caller's choice
 * (weeks in the papers): x = number of repeat purchases (a whole number
 * in [0, 1e12]), t_x = time from the first purchase to the last repeat
 * purchase (0 when x = 0), T = time from the first purchase to the end of
 * the observation period, with 0 <= t_x <= T. A record breaking these rules, or
 * holding NaN or an infinity, is ::SVCM_EINVAL with the record index and the
 * field ("x", "t_x", "T", "mean_spend", "t").
 *
 * Customer table (@since 0.2): svcm_customers_summarize() turns transactions
 * into an ::svcm_customers table (include/svcm/segment.h) that segmentation
 * and svcm_lifetime_table_fit() read directly; the latter fits BG/NBD and
 * Gamma-Gamma on it and fills P(alive), expected purchases and CLV.
 *
 * Model parameters are plain value structs; every function here is pure (no
 * global state) and reentrant. Fits allocate scratch memory through the
 * optional allocator and free it before returning.
 */
#ifndef SVCM_LIFETIME_H
#define SVCM_LIFETIME_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief BG/NBD parameters: purchase rate ~ Gamma(r, alpha), dropout
 *         probability ~ Beta(a, b). All must be finite and > 0. */
typedef struct svcm_bgnbd_params {
    double r;     /**< shape of the purchase-rate gamma */
    double alpha; /**< scale of the purchase-rate gamma, in time units */
    double a;     /**< first shape of the dropout beta */
    double b;     /**< second shape of the dropout beta */
} svcm_bgnbd_params;

/** @brief Gamma-Gamma parameters: spend per purchase ~ Gamma(p, nu),
 *         nu ~ Gamma(q, gamma) across customers. All finite and > 0. */
typedef struct svcm_gammagamma_params {
    double p;     /**< shape of the per-purchase spend gamma */
    double q;     /**< shape of the gamma of nu across customers */
    double gamma; /**< scale of the gamma of nu across customers */
} svcm_gammagamma_params;

/** @brief Settings of the maximum-likelihood fits. */
typedef struct svcm_lifetime_fit_options {
    /** Most quasi-Newton (BFGS) iterations; default 200. */
    unsigned max_iter;
    /** Stop when every component of the gradient of the mean
     *  log-likelihood with respect to the log-parameters is below this;
     *  default 1e-9. Must be > 0. The fit also stops, successfully, when
     *  no step lowers the likelihood at machine precision while every
     *  component is below 1e-6 (large data sets reach that floor first). */
    double gtol;
    /** L2 penalty coefficient lambda, finite and >= 0; default 0 (plain
     *  maximum likelihood). Only svcm_bgnbd_fit() and svcm_gammagamma_fit()
     *  use it; the other fits refuse a non-zero value with ::SVCM_EINVAL
     *  (field "penalizer"). The fit minimises
     *  -loglik / W + lambda * (sum of the squared parameters), W the total
     *  weight (the number of customers), i.e. it maximises loglik - W lambda
     *  sum(params^2). This is the form of the Python package lifetimes
     *  (penalizer_coef), so a value tuned there carries over; the penalty
     *  is on the parameters themselves, not their logs, and is scaled per
     *  customer, so its strength does not grow or shrink with the size of
     *  the data set. It pulls the estimates towards 0: use it when a fit
     *  runs off to infinity (::SVCM_ENOCONV, "ran off to infinity (try a
     *  penalizer)": small data, or customers too alike for the mixing
     *  distributions to be estimated) or when the estimates are implausibly
     *  large; it cannot stop an estimate running off to 0; typical values are 0.001
     *  to 0.1, start at 0.001 and increase until the fit converges, then
     *  compare the log-likelihood with the unpenalised one. alpha (BG/NBD)
     *  and gamma (Gamma-Gamma) are in the units of time and money, so the
     *  same lambda penalises them more in small units: express the data in
     *  units that keep them near 1-100 (weeks, a currency unit). The
     *  reported loglik is the unpenalised log-likelihood at the estimates.
     *  @since 0.2 */
    double penalizer;
} svcm_lifetime_fit_options;

/** @brief Result of svcm_bgnbd_fit(). */
struct svcm_bgnbd_fit_result {
    svcm_bgnbd_params params; /**< the estimates (the last point when not converged) */
    /** Asymptotic standard errors in parameter order (r, alpha, a, b):
     *  square roots of the diagonal of the inverse observed information
     *  (numerical Hessian of the weighted, penalised when
     *  svcm_lifetime_fit_options::penalizer > 0, log-likelihood at the
     *  estimates); NaN when not converged or when that Hessian is not
     *  positive definite. @since 0.2 */
    svcm_bgnbd_params se;
    double loglik;            /**< weighted log-likelihood at params (unpenalised) */
    double weight;            /**< total weight (customers when weights is NULL) @since 0.2 */
    size_t n;                 /**< records given */
    size_t groups;            /**< distinct (x, t_x, T) rows of positive weight evaluated */
    unsigned iterations;      /**< BFGS iterations taken */
    /** Largest component of the gradient of the minimised objective (mean
     *  negative log-likelihood plus penalty) with respect to the
     *  log-parameters at params. @since 0.2 */
    double grad_norm;
    int converged;            /**< 1 when the fit returned SVCM_OK, else 0 @since 0.2 */
};

/** @brief Result of svcm_gammagamma_fit(). */
struct svcm_gammagamma_fit_result {
    svcm_gammagamma_params params; /**< the estimates (the last point when not converged) */
    /** Asymptotic standard errors in parameter order (p, q, gamma), as in
     *  struct svcm_bgnbd_fit_result::se; NaN when not converged or the
     *  Hessian is not positive definite. @since 0.2 */
    svcm_gammagamma_params se;
    double loglik;       /**< log-likelihood of the mean spends at params (unpenalised) */
    size_t n;            /**< customers used (those with x > 0) */
    unsigned iterations; /**< BFGS iterations taken */
    /** Largest gradient component of the minimised objective in the
     *  log-parameters at params. @since 0.2 */
    double grad_norm;
    int converged;       /**< 1 when the fit returned SVCM_OK, else 0 @since 0.2 */
};

/**
 * @brief Fill @p opts with the defaults (max_iter 200, gtol 1e-9,
 *        penalizer 0).
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.1
 */
SVCM_API void svcm_lifetime_fit_options_init(svcm_lifetime_fit_options *opts);

/**
 * @brief Fit the BG/NBD model by maximum likelihood.
 *
 * Rows of positive weight are grouped and identical (x, t_x, T) rows
 * evaluated once, weighted by their summed weight, so data recorded in days
 * (t_x and T multiples of 1/7 week) fits in time that grows with the number
 * of distinct rows, not customers. The likelihood of Fader, Hardie & Lee
 * (2005) is evaluated in logs with lgamma and log-sum-exp; it is maximised
 * over the log-parameters by BFGS with an analytic gradient, started at
 * r = a = b = 1, alpha = weighted mean of T. With
 * svcm_lifetime_fit_options::penalizer > 0 the L2-penalised likelihood is
 * maximised instead (see that field).
 *
 * One-time buyers: under BG/NBD a customer can only drop out right after a
 * repeat purchase, so every customer with x = 0 is alive with probability
 * 1 (svcm_bgnbd_p_alive()), however long ago the first purchase was. For
 * data with many one-time buyers this overstates their P(alive); MBG/NBD
 * (svcm_mbgnbd_fit()), which lets a customer drop out after the first
 * purchase too, is offered for that case.
 *
 * @param x repeat purchases per customer (whole numbers in [0, 1e12]).
 * @param t_x time of the last repeat purchase (0 when x = 0), <= T.
 * @param T length of observation per customer, >= 0.
 * @param weights optional count of customers behind each row (finite,
 *        >= 0; rows of weight 0 are ignored); NULL means 1 each (@since 0.2).
 * @param n number of rows.
 * @param opts fit settings; NULL means the defaults.
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out the estimates. Written on SVCM_OK and on SVCM_ENOCONV
 *             (then with the last point reached, converged = 0 and NaN
 *             standard errors, always finite); untouched on any other code.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK (standard errors NaN when the Hessian is not positive
 *         definite);
 *         SVCM_EINVAL for NULL pointers (with n > 0 or a NULL @p out), bad
 *         options (field "max_iter", "gtol" or "penalizer"), a bad record
 *         (index and field: x negative, fractional or not finite; T
 *         negative or not finite; t_x outside [0, T]; t_x != 0 with x = 0),
 *         a bad weight (index, field "weights") or weights summing beyond
 *         the double range (field "weights");
 *         SVCM_EEMPTY when the total weight is 0 (also n == 0) or no row of
 *         positive weight has x > 0 (field "x": the model is then not
 *         identified);
 *         SVCM_ENOMEM when scratch memory cannot be allocated;
 *         SVCM_ENOCONV when the optimiser does not reach gtol within
 *         max_iter iterations (message: iterations and gradient norm) or
 *         the estimates run off to 0 or infinity (a factor beyond e^15 from
 *         the start; the field names the parameter), as when nobody ever
 *         drops out; @p out then holds the last point.
 * @par Ownership: reads the arrays, keeps nothing.
 * @par Thread safety: reentrant; touches only @p out and @p err.
 * @since 0.1; weights, standard errors, grad_norm, converged and the
 *        last point on SVCM_ENOCONV @since 0.2
 */
SVCM_API int svcm_bgnbd_fit(const double *x, const double *t_x, const double *T,
                            const double *weights, size_t n,
                            const svcm_lifetime_fit_options *opts,
                            const svcm_allocator *alloc, struct svcm_bgnbd_fit_result *out,
                            svcm_error *err);

/**
 * @brief Total BG/NBD log-likelihood of @p n customers (the likelihood of
 *        Fader, Hardie & Lee 2005, summed).
 * @param params the model; each parameter finite and > 0.
 * @param x,t_x,T the customers (see the file comment).
 * @param n count (0 gives 0).
 * @param[out] out the sum; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad parameter (field
 *         "r", "alpha", "a" or "b", index SVCM_NO_INDEX) or a bad record;
 *         SVCM_ERANGE when a record's term (its index) or the sum
 *         (SVCM_NO_INDEX) is beyond the double range, which only parameters
 *         near the ends of that range cause (e.g. r = 1e308).
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_bgnbd_loglik(const svcm_bgnbd_params *params, const double *x,
                               const double *t_x, const double *T, size_t n,
                               double *out, svcm_error *err);

/**
 * @brief P(alive | x, t_x, T) for each customer (Fader, Hardie & Lee
 *        2008, "Computing P(alive) Using the BG/NBD Model"):
 *        1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).
 *
 * Customers with x = 0 are alive with probability 1 under BG/NBD (dropout
 * only happens right after a repeat purchase), which overstates P(alive)
 * for one-time buyers who have in fact gone; MBG/NBD (svcm_mbgnbd_p_alive())
 * lets them drop out after the first purchase and is offered for data with
 * many of them. For a later date see svcm_bgnbd_p_alive_at(). This is the
 * input of segment's "lost" rule.
 *
 * @param params the model; each parameter finite and > 0.
 * @param x,t_x,T the customers.
 * @param n count.
 * @param[out] out n probabilities; written only when every record is valid.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers (with n > 0), a bad
 *         parameter or a bad record (index and field).
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_bgnbd_p_alive(const svcm_bgnbd_params *params, const double *x,
                                const double *t_x, const double *T, size_t n,
                                double *out, svcm_error *err);

/**
 * @brief Expected purchases in the next @p t time units for each customer,
 *        E[Y(t) | x, t_x, T] (Fader, Hardie & Lee 2005, eq. 10).
 *
 * The Gaussian hypergeometric function of eq. 10 is evaluated after Euler's
 * transformation 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a,c-b;c;z), whose
 * parameters do not grow with x, with the factor 1/(a-1) taken out
 * analytically, so a = 1 is handled without cancellation. The series is
 * summed until a bound on its remaining tail is below 1e-16 relative. When
 * its two parts would cancel (b large against r + x, r tiny, r large: a
 * bound on the rounding error above 1e-13 relative), a series of positive
 * terms for the same value is used instead (see src/bgnbd.c); the result
 * is then accurate to about 1e-16 times the number of terms summed.
 *
 * @param params the model; each parameter finite and > 0.
 * @param t horizon, finite and >= 0.
 * @param x,t_x,T the customers.
 * @param n count.
 * @param[out] out n expectations; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad parameter, a bad
 *         @p t (field "t") or a bad record; SVCM_ENOCONV (index of the
 *         first such record, field "t") when neither series reaches its
 *         tolerance in 10^6 terms within the double range: t / (alpha + T +
 *         t) very close to 1, or extreme parameters (e.g. r or a beyond
 *         about 1e6).
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_bgnbd_expected_purchases(const svcm_bgnbd_params *params, double t,
                                           const double *x, const double *t_x,
                                           const double *T, size_t n, double *out,
                                           svcm_error *err);

/**
 * @brief Expected purchases of a new customer in (0, t], E[X(t)]
 *        (Fader, Hardie & Lee 2005), for each t.
 * @param params the model; each parameter finite and > 0.
 * @param t horizons, each finite and >= 0.
 * @param n count.
 * @param[out] out n expectations; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad parameter or a bad
 *         t (index and field "t"); SVCM_ENOCONV as in
 *         svcm_bgnbd_expected_purchases().
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_bgnbd_expected_purchases_unconditional(const svcm_bgnbd_params *params,
                                                         const double *t, size_t n,
                                                         double *out, svcm_error *err);

/**
 * @brief P(X(t) = k) for a new customer: the probability of exactly k
 *        repeat purchases in (0, t] under BG/NBD, for each k of @p counts
 *        (Fader, Hardie & Lee 2005, eq. 8; Fader, Hardie & Lee, "Computing
 *        P(X(t)=x) for the BG/NBD"):
 *        B(a, b+k)/B(a, b) NB(k) + [k > 0] B(a+1, b+k-1)/B(a, b)
 *        P(N(t) >= k), with NB(k) = Gamma(r+k)/(Gamma(r) k!) (alpha/(alpha+
 *        t))^r (t/(alpha+t))^k the negative binomial count of a customer who
 *        never drops out. The first term is "alive with k purchases", the
 *        second "dropped out right after the k-th". The tail P(N(t) >= k)
 *        of the paper's 1 - sum_{j<k} NB(j) is evaluated as the regularized
 *        incomplete beta function I_{t/(alpha+t)}(k, r) (a continued
 *        fraction), so a large k costs no sum and nothing cancels.
 * @param params the model; each parameter finite and > 0.
 * @param t horizon, finite and >= 0 (t = 0 gives 1 for k = 0, else 0).
 * @param counts the k, whole numbers in [0, 1e12].
 * @param n count of @p counts.
 * @param[out] out n probabilities; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers (with n > 0), a bad
 *         parameter, a bad @p t (field "t") or a bad k (index, field "n");
 *         SVCM_ENOCONV (index, field "n") when the continued fraction does
 *         not converge in 10^5 steps (extreme parameters, e.g. r and k
 *         beyond 1e9).
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_bgnbd_probability_of_purchases(const svcm_bgnbd_params *params, double t,
                                                 const double *counts, size_t n, double *out,
                                                 svcm_error *err);

/**
 * @brief P(alive at T + tau | x, t_x, T): the probability that a customer
 *        with history (x, t_x, T) is still alive @p tau time units after the
 *        end of observation, for each customer.
 *
 * Derivation (from the model's definition, Fader, Hardie & Lee 2005): a
 * BG/NBD customer drops out only right after a purchase, with probability
 * p each time. Given alive at T the posterior of the purchase rate is
 * Gamma(r+x, alpha+T) and that of p is Beta(a, b+x), independent; the
 * customer survives k further purchases with probability (1-p)^k, and
 * purchases in (T, T+tau] at the Poisson rate lambda, so
 *   P(alive at T+tau) = P(alive at T) E[(1-p)^N(tau)]
 *     = P(alive at T) sum_k NB_k B(a, b+x+k)/B(a, b+x),
 * NB_k = Gamma(r+x+k)/(Gamma(r+x) k!) ((alpha+T)/(alpha+T+tau))^(r+x)
 * (tau/(alpha+T+tau))^k, which is 2F1(r+x, a; a+b+x; -tau/(alpha+T))
 * times P(alive at T) (svcm_bgnbd_p_alive()). So it is *not* P(alive at T):
 * the future purchases a live customer makes are so many chances to drop
 * out. tau = 0 gives svcm_bgnbd_p_alive(). The sum has positive terms and
 * is summed in logs until a bound on its tail is below 1e-16 relative.
 * Customers with x = 0 are alive at T with probability 1 (see
 * svcm_bgnbd_fit() on one-time buyers), but not at T + tau > T.
 *
 * @param params the model; each parameter finite and > 0.
 * @param tau time after T, finite and >= 0 (same unit as T).
 * @param x,t_x,T the customers.
 * @param n count.
 * @param[out] out n probabilities; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers (with n > 0), a bad
 *         parameter, a bad @p tau (field "tau") or a bad record (index and
 *         field); SVCM_ENOCONV (index, field "tau") when the series does not
 *         reach its tolerance in 10^6 terms (tau / (alpha + T) beyond about
 *         1e5 with a large r + x).
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_bgnbd_p_alive_at(const svcm_bgnbd_params *params, double tau, const double *x,
                                   const double *t_x, const double *T, size_t n, double *out,
                                   svcm_error *err);

/**
 * @brief Fit the Gamma-Gamma spend model by maximum likelihood.
 *
 * The likelihood of a customer's mean spend m over x purchases is
 * Gamma(px+q)/(Gamma(px)Gamma(q)) gamma^q m^(px-1) x^(px) /
 * (gamma + m x)^(px+q) (Fader & Hardie 2013, "The Gamma-Gamma Model of
 * Monetary Value"). Records with x = 0 carry no spend information and are
 * not used (their mean_spend must still be finite and >= 0, conventionally
 * 0); records with x > 0 need mean_spend > 0. With
 * svcm_lifetime_fit_options::penalizer > 0 the L2-penalised likelihood is
 * maximised instead (see that field).
 *
 * The population mean spend per purchase is E[M] = p gamma / (q - 1), which
 * is infinite when q <= 1 (nu ~ Gamma(q, gamma) puts too much weight near
 * 0): such a fit cannot value a customer (a lifetimes-style CLV then comes
 * out negative or undefined), so it is refused with ::SVCM_ERANGE, field
 * "q", and a message saying why (spends too heavy-tailed for the model:
 * remove outliers, use a larger penalizer or another spend model).
 *
 * @param x purchases behind each mean (whole numbers >= 0).
 * @param mean_spend mean value of those purchases.
 * @param n number of customers.
 * @param opts fit settings; NULL means the defaults.
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out the estimates. Written on SVCM_OK, on SVCM_ENOCONV (the
 *             last point, converged = 0, NaN standard errors) and on the
 *             SVCM_ERANGE for q <= 1 (the estimates, converged = 0);
 *             untouched on any other code.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, bad options (field
 *         "max_iter", "gtol" or "penalizer") or a bad record (index, field
 *         "x" or "mean_spend"); SVCM_EEMPTY when no record has x > 0;
 *         SVCM_ENOMEM; SVCM_ENOCONV when the optimiser does not converge
 *         (message: iterations and gradient norm) or the estimates run off
 *         to 0 or infinity (a factor beyond e^15 from the start, gamma
 *         starting at the mean spend), e.g. when every customer has the
 *         same mean spend; SVCM_ERANGE (field "q") when the estimate of q
 *         is <= 1, so the mean spend is undefined (see above).
 * @par Thread safety: reentrant; touches only @p out and @p err.
 * @since 0.1; penalizer, standard errors, q <= 1 refusal @since 0.2
 */
SVCM_API int svcm_gammagamma_fit(const double *x, const double *mean_spend, size_t n,
                                 const svcm_lifetime_fit_options *opts,
                                 const svcm_allocator *alloc,
                                 struct svcm_gammagamma_fit_result *out, svcm_error *err);

/**
 * @brief Total Gamma-Gamma log-likelihood of the customers with x > 0 (the
 *        density of the mean spend, as in svcm_gammagamma_fit()).
 * @param params the model; each parameter finite and > 0.
 * @param x,mean_spend,n the customers (x = 0 records contribute nothing).
 * @param[out] out the sum; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad parameter (field
 *         "p", "q" or "gamma") or a bad record; SVCM_ERANGE as in
 *         svcm_bgnbd_loglik() (e.g. p x beyond the double range).
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_gammagamma_loglik(const svcm_gammagamma_params *params, const double *x,
                                    const double *mean_spend, size_t n, double *out,
                                    svcm_error *err);

/**
 * @brief Conditional expected spend per purchase,
 *        E(M | x, m) = p (gamma + x m) / (p x + q - 1) (Fader & Hardie 2013, "The
 *        Gamma-Gamma Model of Monetary Value"): a weighted mean of the population mean
 *        p gamma / (q - 1) and the customer's own mean m.
 * @param params the model; each parameter finite and > 0.
 * @param x,mean_spend the customers; x = 0 gives the population mean.
 * @param n count.
 * @param[out] out n expected spends; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad parameter or a bad
 *         record; SVCM_ERANGE when p x + q <= 1 for a record (its index,
 *         field "x"; with x = 0 this means q <= 1, field "q": the
 *         population mean is infinite), or when the expected spend exceeds
 *         the double range (field "mean_spend").
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_gammagamma_conditional_spend(const svcm_gammagamma_params *params,
                                               const double *x, const double *mean_spend,
                                               size_t n, double *out, svcm_error *err);

/** @brief Most periods svcm_clv() sums (each costs two series per customer). */
#ifndef SVCM_CLV_MAX_HORIZON
#define SVCM_CLV_MAX_HORIZON 12000u
#endif

/** @brief Settings of svcm_clv(). */
typedef struct svcm_clv_options {
    /** Number of future periods summed; default 12; 1..SVCM_CLV_MAX_HORIZON. */
    unsigned horizon;
    /** Length of one period, in the time unit of t_x and T (whatever the
     *  caller chose: nothing assumes weeks, days or 30-day months); finite
     *  and > 0. The default 365.25 / 12 / 7 = 4.348 is an average calendar
     *  month only when t_x and T are in weeks (the svcm_lifetime_summarize()
     *  default): with times in days set 365.25 / 12 = 30.44 for months, 7
     *  for weeks, 1 for days. */
    double period_length;
    /** Discount rate per period of period_length (not per year): the
     *  purchases of period k are divided by (1 + discount_rate)^k. Finite
     *  and >= 0; default 0.01 (about 12.7% a year with monthly periods).
     *  For an annual rate R and periods of a fraction f of a year use
     *  (1 + R)^f - 1. */
    double discount_rate;
    /** Margin applied to spend (profit per unit of revenue), finite and >= 0
     *  (a CLV is never negative; @since 0.2, was any finite value); default
     *  1 (CLV in revenue). */
    double margin;
} svcm_clv_options;

/**
 * @brief Fill @p opts with the defaults (12 periods of 4.348 time units,
 *        a month when times are in weeks; discount 0.01 per period;
 *        margin 1).
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.1
 */
SVCM_API void svcm_clv_options_init(svcm_clv_options *opts);

/**
 * @brief Discounted customer lifetime value over a finite horizon.
 *
 * CLV = margin * E(M | x, m) * sum_{k=1..K} (E[Y(k L)] - E[Y((k-1) L)]) /
 * (1 + d)^k, with E[Y(t)] the BG/NBD conditional expected purchases
 * (svcm_bgnbd_expected_purchases()), E(M | x, m) the Gamma-Gamma
 * conditional spend, K = horizon, L = period_length, d = discount_rate:
 * the purchases expected in period k are valued at the expected spend and
 * discounted to the end of the observation period as if paid at the end of
 * period k. Period length and rate are both explicit (see
 * ::svcm_clv_options): there is no built-in month or year. Each term is >= 0
 * (E[Y] never decreases; rounding is clamped) and the spend model refuses
 * q <= 1 (svcm_gammagamma_conditional_spend()), so a CLV is never negative.
 *
 * @param bgnbd the purchase model.
 * @param spend the spend model.
 * @param x,t_x,T the customers.
 * @param mean_spend their mean spend per repeat purchase (0 when x = 0).
 * @param n count.
 * @param opts settings; NULL means the defaults.
 * @param[out] out n values; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, bad parameters, bad
 *         options (field "horizon", "period_length", "discount_rate" or
 *         "margin": negative or not finite) or a bad record; SVCM_ERANGE as in
 *         svcm_gammagamma_conditional_spend(), or when a CLV exceeds the
 *         double range (index, field "mean_spend"); SVCM_ENOCONV as in
 *         svcm_bgnbd_expected_purchases().
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_clv(const svcm_bgnbd_params *bgnbd, const svcm_gammagamma_params *spend,
                      const double *x, const double *t_x, const double *T,
                      const double *mean_spend, size_t n, const svcm_clv_options *opts,
                      double *out, svcm_error *err);

/** @brief One customer's summary, as produced by svcm_lifetime_summarize(). */
typedef struct svcm_customer_summary {
    int64_t id;        /**< the customer id */
    int64_t first;     /**< time of the first purchase (epoch seconds) */
    double x;          /**< repeat purchases (distinct purchase slots after the first) */
    double t_x;        /**< first to last repeat purchase, in periods */
    double T;          /**< first purchase to the end, in periods */
    double mean_spend; /**< mean value of the repeat purchases; 0 when x = 0 */
    double monetary;   /**< summed value of all purchases up to the end, the first included;
                            +inf when the sum exceeds the double range (@since 0.2) */
} svcm_customer_summary;

/** @brief What svcm_lifetime_summarize() does with a return (a transaction
 *         of negative value). @since 0.2 */
typedef enum svcm_summary_returns {
    /** A negative value is ::SVCM_EINVAL (index, field "value"): no
     *  silent guess. The default. */
    SVCM_SUMMARY_RETURNS_ERROR = 0,
    /** A return is added into the total of its customer's slot. A slot
     *  that holds a return and nets to <= 0 is not a purchase: it is left
     *  out whole (no x, no t_x, no spend, nothing added to monetary), and
     *  a customer left with no purchase is not in the summary. A return is
     *  netted only against its own slot, never carried back to earlier
     *  slots; a slot without returns counts as before, whatever its value
     *  (0 included). */
    SVCM_SUMMARY_RETURNS_NET = 1,
    /** Negative transactions are left out, as if absent. */
    SVCM_SUMMARY_RETURNS_DROP = 2
} svcm_summary_returns;

/** @brief Settings of svcm_lifetime_summarize(). */
typedef struct svcm_summary_options {
    /** Transactions of one customer in the same slot count as one purchase
     *  whose value is their sum: slots are [k * granularity + offset,
     *  (k+1) * granularity + offset). Seconds; default 86400 (one UTC day).
     *  Must be >= 1. */
    int64_t granularity;
    /** Shift of the slot boundaries in seconds, e.g. a UTC offset to cut
     *  days at local midnight (-18000 for UTC-5); default 0. */
    int64_t offset;
    /** Length of the output time unit in seconds; default 604800 (weeks,
     *  as in the BG/NBD paper). Must be > 0 and finite. */
    double period;
    /** Negative values (returns): an ::svcm_summary_returns value; default
     *  ::SVCM_SUMMARY_RETURNS_ERROR; anything else is ::SVCM_EINVAL (field
     *  "returns"). @since 0.2 */
    svcm_summary_returns returns;
} svcm_summary_options;

/**
 * @brief Fill @p opts with the defaults (daily slots, weeks out, a return
 *        is an error).
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.1
 */
SVCM_API void svcm_summary_options_init(svcm_summary_options *opts);

/**
 * @brief Turn raw transactions into per-customer (x, t_x, T, mean spend).
 *
 * Transactions may come in any order. Each is placed in its slot (see
 * svcm_summary_options::granularity); one customer's transactions in the
 * same slot are one purchase worth their summed value. The first purchase
 * (slot) of a customer starts its clock and is not counted; x counts the
 * later slots up to and including the slot of @p end, t_x is the distance
 * in slots from the first to the last of them and T the distance to the
 * slot of @p end, both converted to periods; mean_spend averages the values
 * of the repeat purchases only. Transactions in slots after the slot of
 * @p end are the holdout and are ignored, so a customer whose first
 * purchase is after @p end does not appear. Negative values (returns) follow
 * svcm_summary_options::returns: an error by default, netted into their slot
 * or dropped (@since 0.2). With the defaults and end =
 * 1997-09-30, the CDNOW sample's transactions give the published
 * calibration summary (T = 38.86 weeks for a customer who joined on
 * 1997-01-01).
 *
 * @param ids customer ids.
 * @param times transaction times, epoch seconds.
 * @param values transaction values, finite; >= 0 unless opts->returns
 *        allows returns.
 * @param n number of transactions.
 * @param end the end of the calibration period (its slot is included).
 * @param opts settings; NULL means the defaults.
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 *        Memory: about 40 bytes per transaction up to @p end (they are
 *        sorted in one array), whatever the number of customers.
 * @param[out] out room for @p cap summaries, sorted by id; may be NULL
 *             when cap == 0. n entries always suffice.
 * @param cap capacity of @p out.
 * @param[out] count receives the number of customers (also on
 *             SVCM_ENOSPC, so a first call with cap 0 measures).
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, bad options (field
 *         "granularity", "period" or "returns") or a bad transaction
 *         (index, field "value" for a NaN or infinite value, or a negative
 *         one under ::SVCM_SUMMARY_RETURNS_ERROR; "time" when the
 *         slot arithmetic would overflow); SVCM_ENOSPC when @p cap is
 *         smaller than the number of customers (nothing written to
 *         @p out); SVCM_ERANGE when a customer's T in periods (index of its
 *         first transaction, field "time": granularity / period too large)
 *         or mean spend (index of its first repeat transaction, field
 *         "value": values near DBL_MAX summed in one slot) exceeds the
 *         double range (nothing written to @p out); SVCM_ENOMEM.
 * @par Thread safety: reentrant; touches only @p out, @p count and @p err.
 * @since 0.1
 */
SVCM_API int svcm_lifetime_summarize(const int64_t *ids, const int64_t *times,
                                     const double *values, size_t n, int64_t end,
                                     const svcm_summary_options *opts,
                                     const svcm_allocator *alloc,
                                     svcm_customer_summary *out, size_t cap,
                                     size_t *count, svcm_error *err);

/* ------------------------------------------------------------- MBG/NBD */

/** @brief MBG/NBD parameters (Batislam, Denizel & Filiztekin 2007,
 *         "Empirical validation and comparison of models for customer base
 *         analysis", IJRM 24(3)): purchase rate ~ Gamma(r, alpha), dropout
 *         probability after each purchase, the first included, ~ Beta(a,
 *         b). All must be finite and > 0. */
typedef struct svcm_mbgnbd_params {
    double r;     /**< shape of the purchase-rate gamma */
    double alpha; /**< scale of the purchase-rate gamma, in time units */
    double a;     /**< first shape of the dropout beta */
    double b;     /**< second shape of the dropout beta */
} svcm_mbgnbd_params;

/** @brief Result of svcm_mbgnbd_fit(). */
struct svcm_mbgnbd_fit_result {
    svcm_mbgnbd_params params; /**< the maximum-likelihood estimates */
    /** Asymptotic standard errors of the estimates: square roots of the
     *  diagonal of the inverse observed information (numerical Hessian of
     *  the weighted log-likelihood at the estimates). */
    svcm_mbgnbd_params se;
    double loglik;        /**< weighted log-likelihood at params */
    double weight;        /**< total weight (customers when weights is NULL) */
    size_t n;             /**< records given */
    size_t groups;        /**< distinct (x, t_x, T) rows of positive weight evaluated */
    unsigned iterations;  /**< BFGS iterations taken */
};

/**
 * @brief Fit the MBG/NBD model by maximum likelihood.
 *
 * MBG/NBD is BG/NBD except that a customer may drop out right after the
 * first purchase too, so one-time buyers (x = 0) are alive with probability
 * below 1. The likelihood of a customer (Batislam et al. 2007) is
 * B(a, b+x+1)/B(a, b) Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x)) (1 +
 * a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)); it is evaluated in logs and
 * maximised over the log-parameters by BFGS with an analytic gradient (the
 * optimiser of svcm_bgnbd_fit()), started at r = a = b = 1, alpha = the
 * weighted mean of T. Identical rows are merged, their weights summed.
 *
 * @param x repeat purchases per customer (whole numbers in [0, 1e12]).
 * @param t_x time of the last repeat purchase (0 when x = 0), <= T.
 * @param T length of observation per customer, >= 0.
 * @param weights customers each row stands for (finite, >= 0; 0 drops the
 *        row); NULL means 1 each.
 * @param n number of rows.
 * @param opts fit settings; NULL means the defaults.
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out the estimates; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK;
 *         SVCM_EINVAL for NULL pointers (arrays with n > 0, or @p out), bad
 *         options (field "max_iter" or "gtol"), a bad record (index and
 *         field "x", "t_x" or "T", as for svcm_bgnbd_fit()), a bad weight
 *         (index, field "weights": negative, NaN or infinite) or weights
 *         summing beyond the double range (field "weights");
 *         SVCM_EEMPTY when the total weight is 0 (also n == 0) or no row of
 *         positive weight has x > 0 (field "x": not identified);
 *         SVCM_ENOMEM when scratch memory cannot be allocated;
 *         SVCM_ENOCONV when the optimiser does not converge within max_iter
 *         iterations, the estimates run off to 0 or infinity (a factor
 *         beyond e^15 from the start; the field names the parameter), or
 *         the Hessian at the estimates is not positive definite (no strict
 *         maximum, so no standard errors).
 * @par Ownership: reads the arrays, keeps nothing.
 * @par Thread safety: reentrant; touches only @p out and @p err.
 * @since 0.2
 */
SVCM_API int svcm_mbgnbd_fit(const double *x, const double *t_x, const double *T,
                             const double *weights, size_t n,
                             const svcm_lifetime_fit_options *opts, const svcm_allocator *alloc,
                             struct svcm_mbgnbd_fit_result *out, svcm_error *err);

/**
 * @brief Total MBG/NBD log-likelihood of @p n customers (the likelihood of
 *        svcm_mbgnbd_fit(), summed, unweighted).
 * @param params the model; each parameter finite and > 0.
 * @param x,t_x,T the customers (see the file comment).
 * @param n count (0 gives 0).
 * @param[out] out the sum; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad parameter (field
 *         "r", "alpha", "a" or "b", index SVCM_NO_INDEX) or a bad record;
 *         SVCM_ERANGE when a record's term (its index) or the sum
 *         (SVCM_NO_INDEX) is beyond the double range, which only parameters
 *         near the ends of that range cause.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_mbgnbd_loglik(const svcm_mbgnbd_params *params, const double *x,
                                const double *t_x, const double *T, size_t n, double *out,
                                svcm_error *err);

/**
 * @brief P(alive | x, t_x, T) under MBG/NBD (Batislam et al. 2007):
 *        1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)), below 1 also for
 *        x = 0.
 * @param params the model; each parameter finite and > 0.
 * @param x,t_x,T the customers.
 * @param n count.
 * @param[out] out n probabilities; written only when every record is valid.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers (with n > 0), a bad
 *         parameter or a bad record (index and field).
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_mbgnbd_p_alive(const svcm_mbgnbd_params *params, const double *x,
                                 const double *t_x, const double *T, size_t n, double *out,
                                 svcm_error *err);

/**
 * @brief Expected purchases in the next @p t time units for each customer,
 *        E[Y(t) | x, t_x, T] = P(alive) (a+b+x)/(a-1) [1 -
 *        ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))]
 *        (Batislam et al. 2007).
 *
 * The bracket is BG/NBD's with b+1 for b and is evaluated as in
 * svcm_bgnbd_expected_purchases() (a = 1 included, same accuracy).
 *
 * @param params the model; each parameter finite and > 0.
 * @param t horizon, finite and >= 0.
 * @param x,t_x,T the customers.
 * @param n count.
 * @param[out] out n expectations; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad parameter, a bad
 *         @p t (field "t") or a bad record; SVCM_ENOCONV (index of the
 *         first such record, field "t") when the hypergeometric series
 *         cannot be summed to 1e-13 relative, as in
 *         svcm_bgnbd_expected_purchases().
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_mbgnbd_expected_purchases(const svcm_mbgnbd_params *params, double t,
                                            const double *x, const double *t_x,
                                            const double *T, size_t n, double *out,
                                            svcm_error *err);

/**
 * @brief Expected purchases of a new customer in (0, t], E[X(t)] =
 *        b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))]
 *        (Batislam et al. 2007), for each t.
 * @param params the model; each parameter finite and > 0.
 * @param t horizons, each finite and >= 0.
 * @param n count.
 * @param[out] out n expectations; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad parameter or a bad
 *         t (index and field "t"); SVCM_ENOCONV as in
 *         svcm_mbgnbd_expected_purchases().
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_mbgnbd_expected_purchases_unconditional(const svcm_mbgnbd_params *params,
                                                          const double *t, size_t n,
                                                          double *out, svcm_error *err);

/**
 * @brief P(X(t) = k): the probability that a new customer makes exactly k
 *        repeat purchases in (0, t] under MBG/NBD, for each k.
 *
 * Derived from the model's definition (Batislam et al. 2007): the customer
 * is either alive with k purchases, E[(1-p)^(k+1)] P(N(t) = k), or dropped
 * out right after the k-th purchase (after the first, at time 0, when k =
 * 0), E[p (1-p)^k] P(N(t) >= k), with N(t) negative binomial (r, alpha):
 * B(a, b+k+1)/B(a, b) NBD(k) + B(a+1, b+k)/B(a, b) I_z(k, r), z =
 * t/(alpha+t), I the regularized incomplete beta function (a continued
 * fraction; within 5e-12 relative of 40-digit values in the tests).
 *
 * @param params the model; each parameter finite and > 0.
 * @param t horizon, finite and >= 0.
 * @param k purchase counts, whole numbers in [0, 1e12].
 * @param n count.
 * @param[out] out n probabilities; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers (with n > 0), a bad
 *         parameter, a bad @p t (field "t") or a bad k (index, field "k");
 *         SVCM_ENOCONV (index, field "k") when the continued fraction does
 *         not converge in 10^4 steps (extreme parameters: its length grows
 *         like the square root of r and k, e.g. r = 1e12).
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_mbgnbd_purchase_pmf(const svcm_mbgnbd_params *params, double t,
                                      const double *k, size_t n, double *out,
                                      svcm_error *err);

/* ---------------------------------------------------------------- BG/BB */

/** @brief BG/BB parameters (Fader, Hardie & Shang 2010, "Customer-Base
 *         Analysis in a Discrete-Time Noncontractual Setting", Marketing
 *         Science 29(6)): an alive customer transacts in a period with
 *         probability p ~ Beta(alpha, beta) and drops out before each later
 *         period with probability theta ~ Beta(gamma, delta). All must be
 *         finite and > 0. */
typedef struct svcm_bgbb_params {
    double alpha; /**< first shape of the transaction-probability beta */
    double beta;  /**< second shape of the transaction-probability beta */
    double gamma; /**< first shape of the dropout beta */
    double delta; /**< second shape of the dropout beta */
} svcm_bgbb_params;

/** @brief Result of svcm_bgbb_fit(). */
struct svcm_bgbb_fit_result {
    svcm_bgbb_params params; /**< the maximum-likelihood estimates */
    /** Asymptotic standard errors (inverse observed information, as in
     *  struct svcm_mbgnbd_fit_result::se). */
    svcm_bgbb_params se;
    double loglik;       /**< weighted log-likelihood at params */
    double weight;       /**< total weight (customers when weights is NULL) */
    size_t n;            /**< records given */
    size_t groups;       /**< distinct (x, t_x, periods) rows of positive weight */
    unsigned iterations; /**< BFGS iterations taken */
};

/**
 * @brief Fit the BG/BB model to discrete-time data by maximum likelihood.
 *
 * Each record is (x, t_x, periods) for a customer who had @p periods
 * transaction opportunities after the first transaction: x = opportunities
 * with a transaction, t_x = the opportunity of the last one (0 when x = 0),
 * all whole numbers with x <= t_x <= periods <= 1e6 (the likelihood sums
 * periods - t_x terms). The likelihood is FHS eq. 5, in logs; BFGS on the
 * log-parameters with an analytic gradient (the optimiser of
 * svcm_bgnbd_fit()), started at alpha = beta = gamma = delta = 1.
 *
 * @param x transactions per record.
 * @param t_x opportunity of the last transaction.
 * @param periods opportunities observed.
 * @param weights customers each row stands for (finite, >= 0); NULL means
 *        1 each.
 * @param n number of rows.
 * @param opts fit settings; NULL means the defaults.
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out the estimates; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK;
 *         SVCM_EINVAL for NULL pointers (arrays with n > 0, or @p out), bad
 *         options (field "max_iter" or "gtol"), a bad record (index, field
 *         "periods", "x" or "t_x": not whole, out of order, beyond 1e6, or
 *         t_x != 0 with x = 0), a bad weight (index, field "weights") or
 *         weights summing beyond the double range;
 *         SVCM_EEMPTY when the total weight is 0 (also n == 0) or no row of
 *         positive weight has x > 0 (field "x");
 *         SVCM_ENOMEM when scratch memory cannot be allocated;
 *         SVCM_ENOCONV when the optimiser does not converge within max_iter
 *         iterations, an estimate runs off to 0 or infinity (beyond e^+-15;
 *         the field names it), e.g. when every customer transacts in every
 *         period, or the Hessian at the estimates is not positive definite.
 * @par Ownership: reads the arrays, keeps nothing.
 * @par Thread safety: reentrant; touches only @p out and @p err.
 * @since 0.2
 */
SVCM_API int svcm_bgbb_fit(const double *x, const double *t_x, const double *periods,
                           const double *weights, size_t n,
                           const svcm_lifetime_fit_options *opts, const svcm_allocator *alloc,
                           struct svcm_bgbb_fit_result *out, svcm_error *err);

/**
 * @brief Weighted BG/BB log-likelihood, sum of weight * log L (FHS eq. 5).
 * @param params the model; each parameter finite and > 0.
 * @param x,t_x,periods the records (see svcm_bgbb_fit()).
 * @param weights finite and >= 0; NULL means 1 each.
 * @param n count (0 gives 0).
 * @param[out] out the sum; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad parameter (field
 *         "alpha", "beta", "gamma" or "delta"), a bad record or weight;
 *         SVCM_ERANGE when a record's term (its index) or the sum is beyond
 *         the double range (parameters near the ends of that range).
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_bgbb_loglik(const svcm_bgbb_params *params, const double *x,
                              const double *t_x, const double *periods, const double *weights,
                              size_t n, double *out, svcm_error *err);

/**
 * @brief P(alive in period periods+1 | x, t_x, periods) (FHS eq. 11):
 *        B(alpha+x, beta+n-x)/B(alpha, beta) B(gamma, delta+n+1)/B(gamma,
 *        delta) / L, n = periods.
 * @param params the model; each parameter finite and > 0.
 * @param x,t_x,periods the records.
 * @param n count.
 * @param[out] out n probabilities; written only when every record is valid.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers (with n > 0), a bad
 *         parameter or a bad record (index and field).
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_bgbb_p_alive(const svcm_bgbb_params *params, const double *x,
                               const double *t_x, const double *periods, size_t n, double *out,
                               svcm_error *err);

/**
 * @brief Expected transactions in the next @p t opportunities,
 *        E(X(n, n+t) | x, t_x, n) (FHS eq. 13), for each record.
 *
 * The difference of Gamma ratios in eq. 13 is evaluated as (delta+n)
 * (1 - e^(-(gamma-1) M))/(gamma-1) with M the mean of psi(c+delta+n+t) -
 * psi(c+delta+n) over c between 1 and gamma, so gamma = 1 is not a special
 * case and nothing cancels: it agrees with 50-digit values to about 1e-14
 * relative, 2e-12 when delta + periods is as large as 1e5.
 *
 * @param params the model; each parameter finite and > 0.
 * @param t future opportunities, a whole number in [0, 1e12].
 * @param x,t_x,periods the records.
 * @param n count.
 * @param[out] out n expectations; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad parameter, a bad
 *         @p t (field "t") or a bad record.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_bgbb_expected_purchases(const svcm_bgbb_params *params, double t,
                                          const double *x, const double *t_x,
                                          const double *periods, size_t n, double *out,
                                          svcm_error *err);

/**
 * @brief Expected transactions of a new customer in its first t
 *        opportunities, E[X(t)] = alpha/(alpha+beta) delta/(gamma-1) [1 -
 *        Gamma(gamma+delta) Gamma(1+delta+t) / (Gamma(gamma+delta+t)
 *        Gamma(1+delta))] (FHS eq. 8), for each t.
 * @param params the model; each parameter finite and > 0.
 * @param t horizons, whole numbers in [0, 1e12].
 * @param n count.
 * @param[out] out n expectations; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad parameter or a bad
 *         t (index and field "t").
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_bgbb_expected_purchases_unconditional(const svcm_bgbb_params *params,
                                                        const double *t, size_t n, double *out,
                                                        svcm_error *err);

/* ---------------------------------------------------------- Pareto/NBD */

/** @brief Pareto/NBD parameters (Schmittlein, Morrison & Colombo 1987):
 *         purchase rate ~ Gamma(r, alpha), dropout rate ~ Gamma(s, beta).
 *         All must be finite and > 0. */
typedef struct svcm_paretonbd_params {
    double r;     /**< shape of the purchase-rate gamma */
    double alpha; /**< scale of the purchase-rate gamma, in time units */
    double s;     /**< shape of the dropout-rate gamma */
    double beta;  /**< scale of the dropout-rate gamma, in time units */
} svcm_paretonbd_params;

/** @brief Result of svcm_paretonbd_fit(). */
struct svcm_paretonbd_fit_result {
    svcm_paretonbd_params params; /**< the estimates (the last point when not converged) */
    /** Asymptotic standard errors: square roots of the diagonal of the
     *  inverse observed information (numerical Hessian of the weighted
     *  log-likelihood at the estimates); NaN when not converged or when
     *  that Hessian is not positive definite. */
    svcm_paretonbd_params se;
    double loglik;       /**< weighted log-likelihood at params */
    double weight;       /**< total weight (customers when weights is NULL) */
    size_t n;            /**< records given */
    size_t groups;       /**< distinct (x, t_x, T) rows of positive weight evaluated */
    unsigned iterations; /**< BFGS iterations taken */
    /** Largest component of the gradient of the mean log-likelihood with
     *  respect to the log-parameters at params. */
    double grad_norm;
    int converged;       /**< 1 when the fit returned SVCM_OK, else 0 */
};

/**
 * @brief Fit the Pareto/NBD model by maximum likelihood.
 *
 * Rows of positive weight are sorted and identical (x, t_x, T) rows merged,
 * so the cost grows with the number of distinct rows. The likelihood (Fader
 * & Hardie 2005, "A Note on Deriving the Pareto/NBD Model and Related
 * Expressions") is evaluated in logs as a sum of two positive
 * hypergeometric terms (see src/paretonbd.c), finite for every valid input;
 * it is maximised over the log-parameters by BFGS with an analytic
 * gradient, started at r = s = 1, alpha = beta = weighted mean of T.
 *
 * @param x repeat purchases per customer (whole numbers in [0, 1e12]).
 * @param t_x time of the last repeat purchase (0 when x = 0), <= T.
 * @param T length of observation per customer, >= 0.
 * @param weights optional count of customers behind each row (finite,
 *        >= 0; rows of weight 0 are ignored); NULL means 1 each.
 * @param n number of rows.
 * @param opts fit settings; NULL means the defaults.
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out the estimates. Written on SVCM_OK and on SVCM_ENOCONV
 *             (then with the last point reached, converged = 0 and NaN
 *             standard errors); untouched on any other code.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK;
 *         SVCM_EINVAL for NULL pointers (with n > 0 or a NULL @p out), bad
 *         options (field "max_iter" or "gtol"), a bad record (index and
 *         field "x", "t_x", "T" or "weights") or weights summing beyond the
 *         double range (field "weights");
 *         SVCM_EEMPTY when the total weight is 0 or no row of positive
 *         weight has x > 0 (the model is then not identified);
 *         SVCM_ENOMEM when scratch memory cannot be allocated;
 *         SVCM_ENOCONV when BFGS does not reach gtol within max_iter
 *         iterations, or an estimate runs off to 0 or infinity (beyond a
 *         factor e^15 from its start; the field names the parameter).
 * @par Ownership: reads the arrays, keeps nothing.
 * @par Thread safety: reentrant; touches only @p out and @p err.
 * @since 0.2
 */
SVCM_API int svcm_paretonbd_fit(const double *x, const double *t_x, const double *T,
                                const double *weights, size_t n,
                                const svcm_lifetime_fit_options *opts,
                                const svcm_allocator *alloc, struct svcm_paretonbd_fit_result *out,
                                svcm_error *err);

/**
 * @brief Total (weighted) Pareto/NBD log-likelihood of @p n rows.
 * @param params the model; each parameter finite and > 0.
 * @param x,t_x,T the customers (see the file comment).
 * @param weights optional weight per row (finite, >= 0); NULL means 1 each.
 * @param n count (0 gives 0).
 * @param[out] out the sum; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad parameter (field
 *         "r", "alpha", "s" or "beta", index SVCM_NO_INDEX) or a bad record
 *         (index and field, "weights" included); SVCM_ERANGE when a row's
 *         term (its index) or the sum (SVCM_NO_INDEX) is beyond the double
 *         range (parameters near the ends of that range);
 *         SVCM_ENOCONV (index of the row) when its hypergeometric term
 *         cannot be summed, which takes parameters far outside any fit
 *         (e.g. alpha / beta beyond 1e300).
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_paretonbd_loglik(const svcm_paretonbd_params *params, const double *x,
                                   const double *t_x, const double *T, const double *weights,
                                   size_t n, double *out, svcm_error *err);

/**
 * @brief P(alive | x, t_x, T) for each customer: the probability that the
 *        customer has not dropped out by T, (alpha+T)^-(r+x) (beta+T)^-s
 *        divided by the bracket of the likelihood (Fader & Hardie 2005
 *        note).
 * @param params the model; each parameter finite and > 0.
 * @param x,t_x,T the customers.
 * @param n count.
 * @param[out] out n probabilities; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers (with n > 0), a bad
 *         parameter or a bad record (index and field); SVCM_ERANGE or
 *         SVCM_ENOCONV as in svcm_paretonbd_loglik().
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_paretonbd_p_alive(const svcm_paretonbd_params *params, const double *x,
                                    const double *t_x, const double *T, size_t n, double *out,
                                    svcm_error *err);

/**
 * @brief P(alive at T + tau | x, t_x, T) for each customer: the probability
 *        that the customer is still alive tau time units after T.
 *
 * Under Pareto/NBD the dropout rate mu of a customer alive at T has the
 * posterior Gamma(s, beta + T) whatever the purchases (Schmittlein,
 * Morrison & Colombo 1987), and the lifetime is exponential given mu, so
 *   P(alive at T+tau) = P(alive at T) E[e^(-mu tau)]
 *                     = P(alive at T) ((beta+T) / (beta+T+tau))^s.
 * tau = 0 gives svcm_paretonbd_p_alive() exactly.
 * @param params the model; each parameter finite and > 0.
 * @param tau time after T, finite and >= 0 (same unit as T).
 * @param x,t_x,T the customers.
 * @param n count.
 * @param[out] out n probabilities; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers (with n > 0), a bad
 *         parameter, a bad @p tau (field "tau") or a bad record (index and
 *         field); SVCM_ERANGE or SVCM_ENOCONV as in svcm_paretonbd_p_alive().
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_paretonbd_p_alive_at(const svcm_paretonbd_params *params, double tau,
                                       const double *x, const double *t_x, const double *T,
                                       size_t n, double *out, svcm_error *err);

/**
 * @brief Expected purchases in the next @p t time units for each customer,
 *        E[X(t) | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1))
 *        [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive) (Fader & Hardie 2005
 *        note; the limit (r+x)(beta+T)/(alpha+T) log(1 +
 *        t/(beta+T)) P(alive) at s = 1).
 * @param params the model; each parameter finite and > 0.
 * @param t horizon, finite and >= 0.
 * @param x,t_x,T the customers.
 * @param n count.
 * @param[out] out n expectations; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad parameter, a bad
 *         @p t (field "t") or a bad record; SVCM_ERANGE or SVCM_ENOCONV as
 *         in svcm_paretonbd_loglik() (index of the record).
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_paretonbd_expected_purchases(const svcm_paretonbd_params *params, double t,
                                               const double *x, const double *t_x,
                                               const double *T, size_t n, double *out,
                                               svcm_error *err);

/**
 * @brief Expected purchases of a new customer in (0, t], E[X(t)] =
 *        r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] (Schmittlein,
 *        Morrison & Colombo 1987; r beta / alpha log(1 + t/beta) at s = 1),
 *        for each t.
 * @param params the model; each parameter finite and > 0.
 * @param t horizons, each finite and >= 0.
 * @param n count.
 * @param[out] out n expectations; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a bad parameter or a bad
 *         t (index and field "t"); SVCM_ERANGE (index, field "t") when an
 *         expectation exceeds the double range (r / alpha near DBL_MAX).
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_paretonbd_expected_purchases_unconditional(const svcm_paretonbd_params *params,
                                                             const double *t, size_t n,
                                                             double *out, svcm_error *err);

/**
 * @brief P(X(t) = k) for a new customer: the probability of exactly k
 *        purchases in (0, t], for each k of @p counts (Fader & Hardie 2005
 *        note, evaluated as one integral over the dropout time,
 *        see src/paretonbd.c).
 * @param params the model; each parameter finite and > 0.
 * @param t horizon, finite and >= 0 (t = 0 gives 1 for k = 0, else 0).
 * @param counts the k, whole numbers in [0, 1e12].
 * @param n count of @p counts.
 * @param[out] out n probabilities; written only on success.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers (with n > 0), a bad
 *         parameter, a bad @p t (field "t") or a bad k (index, field "n");
 *         SVCM_ERANGE or SVCM_ENOCONV (index) as in svcm_paretonbd_loglik().
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_paretonbd_probability_of_purchases(const svcm_paretonbd_params *params,
                                                     double t, const double *counts, size_t n,
                                                     double *out, svcm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_LIFETIME_H */
