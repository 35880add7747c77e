/**
 * @file svcm/erlang.h
 * @brief Contact-centre queueing and interval metrics: Erlang B, Erlang C,
 *        service level, ASA, occupancy, staffing with shrinkage (erlang.c),
 *        and service level / ASA / abandonment / AHT / occupancy from
 *        interval counts (contact.c).
 *
 * The queueing model is M/M/N (Erlang C): Poisson arrivals, exponential
 * handle times, N identical agents, an unlimited FIFO queue and callers who
 * never abandon. Traffic is offered load in Erlangs,
 * A = calls * AHT / interval.
 *
 * Erlang B is computed with the stable recursion
 * B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1)) (no factorials or powers), so
 * results stay finite and accurate for any traffic that fits a double
 * (tested to 10,000 Erlangs); Erlang C follows from B as
 * C = N B / (N - A (1 - B)). Probabilities too small for a double (below
 * about 1e-308) come out as 0.
 *
 * All functions here are pure: no allocation, no state, safe from any
 * thread. Outputs are caller-owned structs or scalars, written only on
 * success; nothing is retained after a call returns.
 */
#ifndef SVCM_ERLANG_H
#define SVCM_ERLANG_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Largest agent count the functions accept (the recursion is O(N)).
 *  Overridable when building the library; callers see the library's value
 *  through SVCM_EINVAL on larger counts. */
#ifndef SVCM_ERLANG_MAX_AGENTS
#define SVCM_ERLANG_MAX_AGENTS 100000000u
#endif

/**
 * @brief Offered traffic in Erlangs: A = calls * aht_s / interval_s.
 * @param calls calls offered in the interval, finite and >= 0 (may be
 *        fractional, e.g. a forecast).
 * @param aht_s average handle time in seconds, finite and > 0.
 * @param interval_s interval length in seconds, finite and > 0.
 * @param[out] out receives A.
 * @param[out] err optional detail (field "calls", "aht_s", "interval_s").
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain or NULL out;
 *         SVCM_ERANGE if A overflows a double.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_erlang_traffic(double calls, double aht_s, double interval_s,
                                 double *out, svcm_error *err);

/**
 * @brief Erlang B: probability that a call finds all @p agents busy in a
 *        loss system (M/M/N/N), by the recursion
 *        B(n) = A B(n-1) / (n + A B(n-1)), B(0) = 1.
 * @param traffic offered load A in Erlangs, finite and >= 0.
 * @param agents servers N, 0 <= N <= SVCM_ERLANG_MAX_AGENTS (B(0) = 1).
 * @param[out] out receives B(N, A) in [0, 1].
 * @param[out] err optional detail (field "traffic" or "agents").
 * @return SVCM_OK; SVCM_EINVAL for bad traffic, too many agents or NULL out.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_erlang_b(double traffic, uint32_t agents, double *out,
                           svcm_error *err);

/**
 * @brief Erlang C: probability that a call has to wait (M/M/N),
 *        C = N B / (N - A (1 - B)) with B = Erlang B(N, A).
 *
 * When N <= A the queue is unstable (it grows without bound): every call
 * waits and the result is 1.
 *
 * @param traffic offered load A in Erlangs, finite and >= 0.
 * @param agents N, 1 <= N <= SVCM_ERLANG_MAX_AGENTS.
 * @param[out] out receives C(N, A) in [0, 1].
 * @param[out] err optional detail (field "traffic" or "agents").
 * @return SVCM_OK; SVCM_EINVAL for bad traffic, N outside its range or
 *         NULL out.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_erlang_c(double traffic, uint32_t agents, double *out,
                           svcm_error *err);

/**
 * @brief What N agents achieve on offered traffic A (see svcm_erlang_eval()).
 *
 * For N <= A (unstable queue): p_wait = 1, service_level = 0,
 * asa_s = INFINITY and occupancy = 1 (agents are never idle).
 */
struct svcm_erlang_result {
    uint32_t agents;      /**< agents on the phones, N */
    uint32_t staff;       /**< scheduled staff after shrinkage: ceil(N / (1 - shrinkage)) */
    double traffic;       /**< offered load A in Erlangs */
    double p_wait;        /**< Erlang C: probability a call waits at all */
    /** fraction answered within the target time t: 1 - C e^{-(N - A) t / AHT} */
    double service_level;
    double asa_s;         /**< average speed of answer over all calls: C AHT / (N - A), seconds */
    double occupancy;     /**< A / N (capped at 1) */
};

/**
 * @brief Targets and limits for svcm_erlang_eval() and svcm_erlang_staff().
 *        Fill with svcm_erlang_options_init() first.
 */
typedef struct svcm_erlang_options {
    double target_answer_s; /**< service-level answer time t in seconds, >= 0 (default 20) */
    double target_sl;       /**< service-level goal in [0, 1); 0 means none (default 0.8) */
    double max_occupancy;   /**< occupancy cap in (0, 1]; 1 means no cap (default 1) */
    double max_asa_s;       /**< ASA goal in seconds, > 0; INFINITY means none (default INFINITY) */
    double shrinkage;       /**< fraction of paid time off the phones, in [0, 1) (default 0) */
    uint32_t max_agents;    /**< search limit, 1..SVCM_ERLANG_MAX_AGENTS (default 1,000,000) */
} svcm_erlang_options;

/**
 * @brief Fill @p opts with the defaults: 80% within 20 s, no occupancy cap,
 *        no ASA goal, no shrinkage, at most 1,000,000 agents.
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.1
 */
SVCM_API void svcm_erlang_options_init(svcm_erlang_options *opts);

/**
 * @brief Service level: the fraction of calls answered within @p target_s,
 *        SL = 1 - C(N, A) exp(-(N - A) target_s / aht_s)
 *        (M/M/N waiting-time distribution); 0 when N <= A.
 * @param traffic offered load A in Erlangs, finite and >= 0.
 * @param aht_s average handle time in seconds, finite and > 0.
 * @param agents N, 1 <= N <= SVCM_ERLANG_MAX_AGENTS.
 * @param target_s answer-time target in seconds, finite and >= 0.
 * @param[out] out receives SL in [0, 1].
 * @param[out] err optional detail naming the bad field.
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain or NULL out.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_erlang_service_level(double traffic, double aht_s,
                                       uint32_t agents, double target_s,
                                       double *out, svcm_error *err);

/**
 * @brief Average speed of answer over all calls (those answered at once
 *        count as 0): ASA = C(N, A) aht_s / (N - A); INFINITY when N <= A.
 * @param traffic offered load A in Erlangs, finite and >= 0.
 * @param aht_s average handle time in seconds, finite and > 0.
 * @param agents N, 1 <= N <= SVCM_ERLANG_MAX_AGENTS.
 * @param[out] out receives ASA in seconds.
 * @param[out] err optional detail naming the bad field.
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain or NULL out.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_erlang_asa(double traffic, double aht_s, uint32_t agents,
                             double *out, svcm_error *err);

/**
 * @brief Scheduled staff needed to keep @p agents on the phones when a
 *        fraction @p shrinkage of paid time is lost (breaks, training,
 *        absence): staff = ceil(agents / (1 - shrinkage)), computed exactly.
 *
 * Shrinkage is a decimal to the user, so a double that is the nearest
 * double to a fraction k / 10^9 (at most nine decimals, as 0.3 or 0.125) is
 * read as exactly k / 10^9 and the quotient is taken in integer arithmetic:
 * ceil(14 / (1 - 0.3)) = 20, ceil(21 / (1 - 0.3)) = 30 and
 * ceil(9 / (1 - 0.1)) = 10 (the binary value of 0.1 is slightly above 0.1
 * and would give 11). Any other double is used
 * at its exact binary value, with the comparison done by a fused
 * multiply-add (no rounding error decides the result).
 *
 * (Since 0.2; in 0.1 quotients within 1e-9 of an integer counted as it.)
 * @param agents agents needed on the phones.
 * @param shrinkage fraction in [0, 1).
 * @param[out] out receives the staff count.
 * @param[out] err optional detail (field "shrinkage" or "agents").
 * @return SVCM_OK; SVCM_EINVAL for shrinkage outside [0, 1) or NULL out;
 *         SVCM_ERANGE if the result exceeds UINT32_MAX.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_erlang_staff_with_shrinkage(uint32_t agents, double shrinkage,
                                              uint32_t *out, svcm_error *err);

/**
 * @brief Everything N agents achieve: p_wait, service level within
 *        opts->target_answer_s, ASA, occupancy and staff after
 *        opts->shrinkage (the goals in @p opts are not checked here).
 * @param traffic offered load A in Erlangs, finite and >= 0.
 * @param aht_s average handle time in seconds, finite and > 0.
 * @param agents N, 1 <= N <= SVCM_ERLANG_MAX_AGENTS.
 * @param opts options (NULL means the defaults).
 * @param[out] out the result.
 * @param[out] err optional detail naming the bad field.
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain, bad options
 *         or NULL out; SVCM_ERANGE if the staff count exceeds UINT32_MAX.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_erlang_eval(double traffic, double aht_s, uint32_t agents,
                              const svcm_erlang_options *opts,
                              struct svcm_erlang_result *out, svcm_error *err);

/**
 * @brief The smallest number of agents N that meets every goal in @p opts:
 *        service level >= target_sl within target_answer_s, occupancy
 *        A / N <= max_occupancy and ASA <= max_asa_s; with its result.
 *
 * Only stable staffing is considered (N > A), so with no goal at all
 * (target_sl = 0, max_occupancy = 1, max_asa_s = INFINITY) the answer is
 * floor(A) + 1. All three measures improve monotonically with N, so the
 * first N that meets them all is the minimum (N - 1 fails at least one,
 * or is unstable). The Erlang B
 * recursion runs once up to the first stable N and then advances one step
 * per candidate: the search costs O(N) in total, not O(N^2).
 *
 * @param traffic offered load A in Erlangs, finite and >= 0. With A = 0
 *        the answer is 1 agent.
 * @param aht_s average handle time in seconds, finite and > 0.
 * @param opts goals and limits (NULL means the defaults).
 * @param[out] out the result for the N found (staff includes shrinkage).
 * @param[out] err optional detail naming the bad field.
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain, bad options
 *         or NULL out; SVCM_ERANGE if no N up to opts->max_agents meets the
 *         goals (out unchanged) or the staff count exceeds UINT32_MAX.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_erlang_staff(double traffic, double aht_s,
                               const svcm_erlang_options *opts,
                               struct svcm_erlang_result *out, svcm_error *err);

/**
 * @brief svcm_erlang_staff() for @p n intervals at once (a day's forecast),
 *        all or nothing. To stay all or nothing without allocating, every
 *        search runs twice (once to check, once to write), so the batch costs
 *        about twice the single calls.
 * @param traffic n offered loads in Erlangs (may be NULL when n == 0).
 * @param aht_s n average handle times in seconds (may be NULL when n == 0).
 * @param n number of intervals.
 * @param opts goals and limits shared by every interval (NULL: defaults).
 * @param[out] out n results (untouched on failure).
 * @param[out] err optional: the index and field of the first bad interval.
 * @return SVCM_OK; SVCM_EINVAL for a bad value (with its index), bad
 *         options or NULL pointers; SVCM_ERANGE if an interval cannot meet
 *         the goals within opts->max_agents (with its index).
 * @par Thread safety: pure function; touches only @p out and @p err.
 * @since 0.1
 */
SVCM_API int svcm_erlang_staff_batch(const double *traffic, const double *aht_s,
                                     size_t n, const svcm_erlang_options *opts,
                                     struct svcm_erlang_result *out, svcm_error *err);

/* ------------------------------------------------------------------------
 * Erlang B inverse, fractional agents, exact shrinkage (erlang.c)
 * ------------------------------------------------------------------------ */

/**
 * @brief Trunks needed: the least N with Erlang B(N, A) <= @p blocking.
 * @param traffic offered load A in Erlangs, finite and >= 0 (A = 0 needs 1
 *        trunk, as B(0, A) = 1 by definition and B(1, 0) = 0).
 * @param blocking target blocking probability in (0, 1] (1 needs 0 trunks).
 * @param[out] out receives N.
 * @param[out] err optional detail (field "traffic", "blocking" or "out").
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain or NULL out;
 *         SVCM_ERANGE if more than SVCM_ERLANG_MAX_AGENTS trunks are needed.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_b_trunks(double traffic, double blocking, uint32_t *out,
                                  svcm_error *err);

/**
 * @brief Capacity of a trunk group: the traffic A in Erlangs that @p trunks
 *        carry at blocking @p blocking, i.e. the root of B(N, A) = p.
 *        B(N, A) increases strictly with A from 0 to 1, so the root is
 *        unique; it is found by Newton's method on a bracket [0, N / (1 - p)]
 *        that bisection keeps valid (B(N, A) >= 1 - N / A bounds the top).
 * @param trunks N, 1 <= N <= SVCM_ERLANG_MAX_AGENTS.
 * @param blocking target p in (0, 1).
 * @param[out] out receives A (relative accuracy about 1e-13).
 * @param[out] err optional detail (field "trunks", "blocking" or "out").
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain or NULL out.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_b_capacity(uint32_t trunks, double blocking, double *out,
                                    svcm_error *err);

/**
 * @brief Erlang B for a real number of servers x >= 0: the analytic
 *        continuation 1/B(x, A) = A integral_0^inf e^(-A t) (1 + t)^x dt
 *        (Jagerman, "Some properties of the Erlang loss function", Bell
 *        System Technical Journal 53, 1974), evaluated as
 *        1/B(f, A) = e^A A^-f Gamma(f + 1, A) for the fractional part f
 *        (series or continued fraction for the incomplete gamma function)
 *        and then the usual recursion up to x. Integer x gives exactly
 *        svcm_erlang_b(); B decreases strictly in x (the integrand grows
 *        with x). Chosen over linear interpolation between floor(x) and
 *        ceil(x) because it is smooth in x and is the function that the
 *        integer formula is a sample of.
 * @param traffic offered load A in Erlangs, finite and >= 0.
 * @param agents x, finite, 0 <= x <= SVCM_ERLANG_MAX_AGENTS.
 * @param[out] out receives B(x, A) in [0, 1].
 * @param[out] err optional detail (field "traffic", "agents" or "out").
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain or NULL out.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_b_frac(double traffic, double agents, double *out,
                                svcm_error *err);

/**
 * @brief Erlang C for a real number of agents x > 0:
 *        C = x B / (x - A (1 - B)) with B = svcm_erlang_b_frac(); 1 when
 *        x <= A. Integer x gives exactly svcm_erlang_c().
 * @param traffic offered load A in Erlangs, finite and >= 0.
 * @param agents x, finite, 0 < x <= SVCM_ERLANG_MAX_AGENTS.
 * @param[out] out receives C(x, A) in [0, 1].
 * @param[out] err optional detail (field "traffic", "agents" or "out").
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain or NULL out.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_c_frac(double traffic, double agents, double *out,
                                svcm_error *err);

/**
 * @brief Agents on the phones that @p staff scheduled people give after
 *        shrinkage: the largest a with a <= staff (1 - shrinkage), computed
 *        exactly (the reverse of svcm_erlang_staff_with_shrinkage(); see
 *        there for how the shrinkage value is read).
 * @param staff scheduled staff.
 * @param shrinkage fraction in [0, 1).
 * @param[out] out receives the agent count (10 staff at 30% give 7).
 * @param[out] err optional detail (field "shrinkage" or "out").
 * @return SVCM_OK; SVCM_EINVAL for shrinkage outside [0, 1) or NULL out.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_agents_from_staff(uint32_t staff, double shrinkage,
                                           uint32_t *out, svcm_error *err);

/**
 * @brief Reverse calculation: what @p staff scheduled people achieve.
 *        svcm_erlang_eval() with agents = svcm_erlang_agents_from_staff(
 *        staff, opts->shrinkage); out->staff is @p staff.
 * @param traffic offered load A in Erlangs, finite and >= 0.
 * @param aht_s average handle time in seconds, finite and > 0.
 * @param staff scheduled staff; at least one agent must remain after
 *        shrinkage.
 * @param opts options (NULL means the defaults).
 * @param[out] out the result.
 * @param[out] err optional detail naming the bad field ("staff" when no
 *             agent remains).
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain, bad options,
 *         no agent left after shrinkage or NULL out.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_eval_staff(double traffic, double aht_s, uint32_t staff,
                                    const svcm_erlang_options *opts,
                                    struct svcm_erlang_result *out, svcm_error *err);

/**
 * @brief What a real number of agents x achieves under Erlang C
 *        (svcm_erlang_staff_frac()). Same measures as struct
 *        svcm_erlang_result, with agents and staff as real numbers.
 */
struct svcm_erlang_frac_result {
    double agents;        /**< agents on the phones, x (real, > traffic) */
    double staff;         /**< scheduled staff after shrinkage, x / (1 - shrinkage) (real) */
    double traffic;       /**< offered load A in Erlangs */
    double p_wait;        /**< Erlang C for x agents: svcm_erlang_c_frac() */
    double service_level; /**< 1 - C(x, A) e^{-(x - A) t / AHT} */
    double asa_s;         /**< C(x, A) AHT / (x - A), seconds */
    double occupancy;     /**< A / x */
};

/**
 * @brief Fractional staffing under Erlang C: the least real number of
 *        agents x that meets every goal in @p opts (service level >=
 *        target_sl within target_answer_s, A / x <= max_occupancy, ASA <=
 *        max_asa_s), on the continuous Erlang C curve of
 *        svcm_erlang_c_frac() (Jagerman's continuation, not interpolation).
 *
 * Monotonicity: the continuous C(x, A) decreases in x for x > A (as the
 * integer one does; the Erlang delay formula is decreasing and convex in a
 * continuous number of servers, cf. Harel, "Convexity properties of the
 * Erlang loss formula", Operations Research 38, 1990, and the tests check
 * it on fine grids of x), so the service level
 * 1 - C e^{-(x - A) t / AHT} (both factors of the product fall), the ASA
 * C AHT / (x - A) and the occupancy A / x all improve as x grows. The
 * goals therefore hold on an interval [x*, inf), and x* lies
 * between the integer answer of svcm_erlang_staff() minus one (or A) and
 * that answer. It is found by bisection down to adjacent doubles: out->agents
 * is the least double at which the computed measures meet the goals. With
 * no goal at all, x* is the least double above A.
 *
 * @param traffic offered load A in Erlangs, finite and >= 0.
 * @param aht_s average handle time in seconds, finite and > 0.
 * @param opts goals and limits (NULL means the defaults); max_agents bounds
 *        the integer answer as in svcm_erlang_staff().
 * @param[out] out the result for x* (staff = x* / (1 - shrinkage)).
 * @param[out] err optional detail naming the bad field.
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain, bad options
 *         or NULL out; SVCM_ERANGE if no agent count up to opts->max_agents
 *         meets the goals (out unchanged).
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_staff_frac(double traffic, double aht_s,
                                    const svcm_erlang_options *opts,
                                    struct svcm_erlang_frac_result *out, svcm_error *err);

/* ------------------------------------------------------------------------
 * Erlang A: M/M/N+M, callers who abandon (erlang_a.c)
 * ------------------------------------------------------------------------ */

/**
 * @brief What N agents achieve when callers abandon (Erlang A, M/M/N+M:
 *        Poisson arrivals, exponential handle times with mean aht_s,
 *        exponential patience with mean patience_s; Palm 1943). See
 *        svcm_erlang_a_eval().
 *
 * "Offered" means every arrival. Two service levels and three waits are
 * given because tools differ: @c service_level counts the calls answered
 * within T (abandoned calls count against), @c sl_virtual counts the calls
 * whose would-be wait (the wait they would have had with unlimited
 * patience) is at most T; @c asa_s averages the wait of answered calls
 * only, @c wait_all_s that of all calls, abandoned ones up to the moment
 * they hang up (some tools call this ASA), and @c wait_virtual_s the
 * would-be wait of all calls (CCmath's Erlang X calls this ASA).
 */
struct svcm_erlang_a_result {
    uint32_t agents;      /**< agents on the phones, N */
    uint32_t staff;       /**< scheduled staff after shrinkage */
    double traffic;       /**< offered load A in Erlangs */
    double p_wait;        /**< probability that an arrival has to wait */
    double p_abandon;     /**< probability that an arrival abandons */
    double service_level; /**< P(answered within T): answered within T / offered */
    double sl_virtual;    /**< P(would-be wait <= T) over offered calls */
    double asa_s;         /**< mean wait of the answered calls, seconds */
    double wait_all_s;    /**< mean wait of all calls, abandoned ones included, seconds */
    double occupancy;     /**< A (1 - p_abandon) / N */
    /** mean would-be wait: the wait an arrival would have with unlimited
     *  patience (those ahead still abandon), over all calls, seconds; the
     *  "ASA" of CCmath's Erlang X (since 0.2) */
    double wait_virtual_s;
};

/**
 * @brief Goals and limits for Erlang A staffing; fill with
 *        svcm_erlang_a_options_init() first.
 */
typedef struct svcm_erlang_a_options {
    double target_answer_s; /**< service-level answer time T, >= 0 (default 20) */
    double target_sl;       /**< goal for service_level in [0, 1); 0: none (default 0.8) */
    double max_occupancy;   /**< occupancy cap in (0, 1]; 1: none (default 1) */
    double max_asa_s;       /**< goal for asa_s (answered calls), > 0; INFINITY: none (default) */
    double max_abandon;     /**< cap on p_abandon in [0, 1]; 1: none (default 1) */
    double shrinkage;       /**< fraction of paid time off the phones, [0, 1) (default 0) */
    uint32_t max_agents;    /**< search limit, 1..SVCM_ERLANG_MAX_AGENTS (default 1,000,000) */
} svcm_erlang_a_options;

/**
 * @brief Fill @p opts with the defaults: 80% answered within 20 s, no
 *        occupancy, ASA or abandonment cap, no shrinkage, at most 1,000,000
 *        agents.
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.2
 */
SVCM_API void svcm_erlang_a_options_init(svcm_erlang_a_options *opts);

/**
 * @brief Erlang A measures for N agents.
 *
 * Computed from the birth-death chain exactly: Erlang B for the states up
 * to N, then the queue states N + k, whose weights relative to state N are
 * a_k = prod_{i<=k} A / (N + i AHT/patience), summed until the rest is below
 * 1e-17 of the sum, with rescaling so that nothing overflows (tested to
 * 5,000 Erlangs). The answered-within-T probability uses the closed form of
 * the would-be wait distribution of Mandelbaum & Zeltyn ("The M/M/n+G
 * queue: summary of performance measures", 2007), whose incomplete gamma
 * function is the same kind of sum at traffic A exp(-T / patience). The cost
 * is O(N + K) where K = max(0, (A - N) patience / AHT) + O(sqrt(A patience /
 * AHT)); more than 2^24 queue states is SVCM_ERANGE.
 *
 * @param traffic offered load A in Erlangs, finite and >= 0.
 * @param aht_s average handle time in seconds, finite and > 0.
 * @param patience_s mean patience in seconds, finite and > 0.
 * @param agents N, 1 <= N <= SVCM_ERLANG_MAX_AGENTS.
 * @param opts options: target_answer_s and shrinkage are used (NULL means
 *        the defaults; the goals are not checked here).
 * @param[out] out the result.
 * @param[out] err optional detail naming the bad field.
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain, bad options
 *         or NULL out; SVCM_ERANGE if the staff count exceeds UINT32_MAX or
 *         the chain needs more than 2^24 queue states (field "patience_s").
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_a_eval(double traffic, double aht_s, double patience_s,
                                uint32_t agents, const svcm_erlang_a_options *opts,
                                struct svcm_erlang_a_result *out, svcm_error *err);

/**
 * @brief The smallest N that meets every goal in @p opts under Erlang A:
 *        service_level >= target_sl, occupancy <= max_occupancy,
 *        asa_s <= max_asa_s and p_abandon <= max_abandon.
 *
 * Erlang A is stable for any N >= 1, so the search starts at 1: it doubles
 * N until the goals are met and then bisects between the last failing and
 * the first meeting count. This finds the least N because every goal
 * improves monotonically with N (more agents never lengthen the wait; the
 * tests check each measure over a grid of loads and patiences), so the
 * answer is never above the minimum.
 *
 * @param traffic offered load A in Erlangs, finite and >= 0 (A = 0 needs 1).
 * @param aht_s average handle time in seconds, finite and > 0.
 * @param patience_s mean patience in seconds, finite and > 0.
 * @param opts goals and limits (NULL means the defaults).
 * @param[out] out the result for the N found (staff includes shrinkage).
 * @param[out] err optional detail naming the bad field.
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain, bad options
 *         or NULL out; SVCM_ERANGE if no N up to max_agents meets the goals
 *         (out unchanged), the staff count exceeds UINT32_MAX, or an
 *         evaluation needs more than 2^24 queue states.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_a_staff(double traffic, double aht_s, double patience_s,
                                 const svcm_erlang_a_options *opts,
                                 struct svcm_erlang_a_result *out, svcm_error *err);

/**
 * @brief Reverse calculation under Erlang A: what @p staff scheduled people
 *        achieve, i.e. svcm_erlang_a_eval() with agents =
 *        svcm_erlang_agents_from_staff(staff, opts->shrinkage); out->staff
 *        is @p staff.
 * @param traffic offered load A in Erlangs, finite and >= 0.
 * @param aht_s average handle time in seconds, finite and > 0.
 * @param patience_s mean patience in seconds, finite and > 0.
 * @param staff scheduled staff; at least one agent must remain.
 * @param opts options (NULL means the defaults).
 * @param[out] out the result.
 * @param[out] err optional detail naming the bad field.
 * @return SVCM_OK; SVCM_EINVAL as for svcm_erlang_a_eval() or when no agent
 *         remains after shrinkage (field "staff"); SVCM_ERANGE as for
 *         svcm_erlang_a_eval().
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_a_eval_staff(double traffic, double aht_s, double patience_s,
                                      uint32_t staff, const svcm_erlang_a_options *opts,
                                      struct svcm_erlang_a_result *out, svcm_error *err);

/**
 * @brief What a real number of agents x achieves under Erlang A
 *        (svcm_erlang_a_eval_frac(), svcm_erlang_a_staff_frac()). Same
 *        measures as struct svcm_erlang_a_result, with agents and staff as
 *        real numbers.
 */
struct svcm_erlang_a_frac_result {
    double agents;        /**< agents on the phones, x >= 1 (real) */
    double staff;         /**< scheduled staff after shrinkage, x / (1 - shrinkage) (real) */
    double traffic;       /**< offered load A in Erlangs */
    double p_wait;        /**< probability that an arrival has to wait */
    double p_abandon;     /**< probability that an arrival abandons */
    double service_level; /**< P(answered within T) over offered */
    double sl_virtual;    /**< P(would-be wait <= T) over offered */
    double asa_s;         /**< mean wait of the answered calls, seconds */
    double wait_all_s;    /**< mean wait of all calls, seconds */
    double occupancy;     /**< occupancy of the agents */
    double wait_virtual_s; /**< mean would-be wait over all calls, seconds */
};

/**
 * @brief Erlang A for a real number of agents x >= 1, by linear
 *        interpolation: with n = floor(x) and f = x - n, every measure is
 *        (1 - f) m(n) + f m(n + 1), m being svcm_erlang_a_eval()'s measure.
 *
 * Interpolation rather than a continuous extension: the queue states of
 * M/M/n+M have death rates n + k AHT / patience, which have no natural
 * meaning for a fractional n (unlike Erlang B's integral representation
 * behind svcm_erlang_c_frac()), so the measures are interpolated, as
 * planning tools do. Integer x gives exactly svcm_erlang_a_eval()'s
 * measures (f = 0 evaluates n only). The curve is piecewise linear and
 * continuous, and monotone in x wherever the integer measures are (see
 * svcm_erlang_a_staff()).
 *
 * @param traffic offered load A in Erlangs, finite and >= 0.
 * @param aht_s average handle time in seconds, finite and > 0.
 * @param patience_s mean patience in seconds, finite and > 0.
 * @param agents x, finite, 1 <= x <= SVCM_ERLANG_MAX_AGENTS.
 * @param opts options: target_answer_s and shrinkage are used (NULL means
 *        the defaults; the goals are not checked here).
 * @param[out] out the result (staff = x / (1 - shrinkage)).
 * @param[out] err optional detail naming the bad field.
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain, bad options
 *         or NULL out; SVCM_ERANGE if an evaluation needs more than 2^24
 *         queue states (field "patience_s").
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_a_eval_frac(double traffic, double aht_s, double patience_s,
                                     double agents, const svcm_erlang_a_options *opts,
                                     struct svcm_erlang_a_frac_result *out, svcm_error *err);

/**
 * @brief Fractional staffing under Erlang A: the least real x >= 1 at
 *        which the interpolated measures of svcm_erlang_a_eval_frac() meet
 *        every goal in @p opts (as svcm_erlang_a_staff()).
 *
 * With n the integer answer of svcm_erlang_a_staff(), n - 1 fails the
 * goals and n meets them; every goal's measure is monotone in the agent
 * count (svcm_erlang_a_staff()), so on [n - 1, n] each interpolated
 * measure is a monotone linear function and the goals hold on an interval
 * [x*, n]; x* is found by bisection down to adjacent doubles (the least
 * double meeting the goals). When n = 1 the answer is 1 (the curve starts
 * there).
 *
 * @param traffic offered load A in Erlangs, finite and >= 0.
 * @param aht_s average handle time in seconds, finite and > 0.
 * @param patience_s mean patience in seconds, finite and > 0.
 * @param opts goals and limits (NULL means the defaults).
 * @param[out] out the result for x* (staff = x* / (1 - shrinkage)).
 * @param[out] err optional detail naming the bad field.
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain, bad options
 *         or NULL out; SVCM_ERANGE if no count up to max_agents meets the
 *         goals (out unchanged) or an evaluation needs more than 2^24 queue
 *         states.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_a_staff_frac(double traffic, double aht_s, double patience_s,
                                      const svcm_erlang_a_options *opts,
                                      struct svcm_erlang_a_frac_result *out, svcm_error *err);

/* ------------------------------------------------------------------------
 * Interval metrics (contact.c)
 * ------------------------------------------------------------------------ */

/**
 * @brief What an ACD reports for one interval (or a sum of intervals).
 *
 * Counts are doubles so that averaged or forecast counts are allowed; every
 * field must be finite and >= 0. "Within target" means within the
 * service-level threshold T (e.g. 20 s); "short" abandons are those within
 * the centre's short-abandon threshold (e.g. 5 s).
 */
typedef struct svcm_contact_counts {
    double answered;                /**< calls answered */
    double answered_within_target;  /**< answered within T, <= answered */
    double abandoned;               /**< calls abandoned in queue */
    double abandoned_within_target; /**< abandoned before T, <= abandoned */
    double abandoned_short;         /**< short abandons, <= abandoned */
    double wait_time_s;             /**< total queue time of the answered calls, seconds */
    double handled;                 /**< calls handled (the AHT denominator) */
    double talk_time_s;             /**< total talk time, seconds */
    double hold_time_s;             /**< total hold time, seconds */
    double acw_time_s;              /**< total after-call work, seconds */
    double staffed_time_s;          /**< total agent time logged in and staffed, seconds */
} svcm_contact_counts;

/**
 * @brief Metrics of one interval. A ratio whose denominator is 0 (e.g. no
 *        calls offered) is NaN: the metric is undefined, not zero.
 *
 * Service level, with ICMI's names for the treatment of abandoned calls
 * (ICMI "Service Level Calculations", QueueTips, 2002; Cisco ICM
 * "abandoned calls ignored / negatively / positively impact"):
 */
typedef struct svcm_contact_metrics {
    double offered;             /**< answered + abandoned */
    /** (a) answered within T / answered: abandons ignored entirely */
    double sl_answered;
    /** (b) answered within T / (answered + abandoned): every abandon counts against */
    double sl_offered;
    /** (c) answered within T / (answered + abandoned after T): abandons before T excluded */
    double sl_excl_short;
    /** (d) (answered within T + abandoned before T) / (answered + abandoned):
     *  abandons before T count as met */
    double sl_abandon_positive;
    double asa_s;               /**< wait_time_s / answered */
    double abandon_rate;        /**< abandoned / offered */
    /** (abandoned - short) / (offered - short): short abandons removed from both */
    double abandon_rate_excl_short;
    double aht_s;               /**< (talk + hold + after-call work) / handled */
    double occupancy;           /**< (talk + hold + after-call work) / staffed time */
} svcm_contact_metrics;

/**
 * @brief Compute the metrics of one interval.
 * @param counts the interval's counts.
 * @param[out] out the metrics.
 * @param[out] err optional: on SVCM_EINVAL, the field at fault; on
 *             SVCM_ERANGE, the metric that overflows (index SVCM_NO_INDEX).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a negative or non-finite
 *         field, or a sub-count larger than its total
 *         (answered_within_target > answered, abandoned_within_target or
 *         abandoned_short > abandoned); SVCM_ERANGE if a metric does not fit
 *         in a double (offered = answered + abandoned beyond DBL_MAX, or a
 *         total divided by a tiny count, e.g. ASA of 1e300 s over 1e-10
 *         calls). @p out is written only on success.
 * @par Thread safety: pure function; touches only @p out and @p err.
 * @since 0.1
 */
SVCM_API int svcm_contact_metrics_compute(const svcm_contact_counts *counts,
                                          svcm_contact_metrics *out,
                                          svcm_error *err);

/**
 * @brief svcm_contact_metrics_compute() for @p n intervals, all or nothing.
 * @param counts n intervals (may be NULL when n == 0).
 * @param n number of intervals.
 * @param[out] out n metrics (untouched on failure).
 * @param[out] err optional: the index and field of the first bad interval.
 * @return SVCM_OK; SVCM_EINVAL as for svcm_contact_metrics_compute(), with
 *         the interval's index, or for NULL pointers; SVCM_ERANGE as for
 *         svcm_contact_metrics_compute(), with the interval's index.
 * @par Thread safety: pure function; touches only @p out and @p err.
 * @since 0.1
 */
SVCM_API int svcm_contact_metrics_batch(const svcm_contact_counts *counts,
                                        size_t n, svcm_contact_metrics *out,
                                        svcm_error *err);

/**
 * @brief Add the counts of @p n intervals into @p out (e.g. a day from its
 *        half hours); the metrics of the sum are the day's metrics.
 * @param counts n intervals (may be NULL when n == 0).
 * @param n number of intervals.
 * @param[out] out the field-by-field sum (all zero when n == 0).
 * @param[out] err optional: the index and field of the first bad interval.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or a bad interval (as in
 *         svcm_contact_metrics_compute(), with its index); SVCM_ERANGE if a
 *         sum overflows. @p out is untouched on failure.
 * @par Thread safety: pure function; touches only @p out and @p err.
 * @since 0.1
 */
SVCM_API int svcm_contact_counts_sum(const svcm_contact_counts *counts,
                                     size_t n, svcm_contact_counts *out,
                                     svcm_error *err);

/* ------------------------------------------------------------------------
 * Chat: agents with up to k concurrent sessions (erlang_chat.c)
 * ------------------------------------------------------------------------ */

/** @brief Largest number of concurrent chats per agent the chat model takes. */
#define SVCM_ERLANG_CHAT_MAX_CONCURRENCY 16u

/**
 * @brief What N chat agents achieve (svcm_erlang_chat_eval()).
 *
 * The model (the kind of model behind CCmath's "Erlang Chat" and Koole's
 * "Staffing chat sessions", 2013: concurrency with a handling time that
 * grows with each added chat; their exact rules are not published): chats
 * arrive as a Poisson stream, each agent holds at most k chats at once, the
 * chats in service are taken to be spread evenly over the agents (an
 * assumption: new chats go to the least busy agent and the load stays
 * balanced), and a chat whose agent holds j chats is handled at rate
 * 1 / aht_s[j-1]; so with m chats in service the total completion rate is
 * the sum over agents of j_agent / aht_s[j_agent - 1]. When all N k sessions
 * are taken, chats queue (FIFO) and, with a finite patience, leave the
 * queue at rate 1 / patience_s each; exponential handling and patience
 * times. "Offered" means every arrival.
 */
struct svcm_erlang_chat_result {
    uint32_t agents;      /**< agents N */
    uint32_t staff;       /**< scheduled staff after shrinkage */
    double arrival_rate;  /**< chats per second offered */
    double sessions;      /**< mean number of chats in service */
    double p_wait;        /**< probability that a chat finds every session taken */
    double p_abandon;     /**< probability that a chat abandons (0 without patience) */
    double service_level; /**< answered within T / offered */
    double asa_s;         /**< mean wait of the answered chats, seconds */
    double wait_all_s;    /**< mean wait of all chats, abandoned ones up to leaving, seconds */
    double occupancy;     /**< sessions / (N k): share of the session slots in use */
    double sl_virtual;    /**< P(would-be wait <= T) over offered chats (as Erlang A's) */
    /** mean would-be wait (the wait with unlimited patience; those ahead
     *  still abandon) over all chats, seconds: the "ASA" of CCmath's Erlang
     *  Chat */
    double wait_virtual_s;
};

/**
 * @brief The chat model and its goals; fill with
 *        svcm_erlang_chat_options_init() first, then set concurrency and
 *        aht_s[0 .. concurrency-1].
 */
typedef struct svcm_erlang_chat_options {
    uint32_t concurrency;   /**< k, chats one agent may hold, 1..SVCM_ERLANG_CHAT_MAX_CONCURRENCY (default 1) */
    double aht_s[SVCM_ERLANG_CHAT_MAX_CONCURRENCY]; /**< aht_s[j-1]: mean handling time of a chat while its agent holds j chats, finite and > 0 for j <= k (default 0: must be set) */
    double patience_s;      /**< mean patience, > 0; INFINITY: nobody abandons (default) */
    double target_answer_s; /**< service-level answer time T, >= 0 (default 20) */
    double target_sl;       /**< goal for service_level in [0, 1); 0: none (default 0.8) */
    double max_occupancy;   /**< cap on occupancy in (0, 1]; 1: none (default 1) */
    double max_asa_s;       /**< goal for asa_s, > 0; INFINITY: none (default) */
    double max_abandon;     /**< cap on p_abandon in [0, 1]; 1: none (default 1) */
    double shrinkage;       /**< fraction of paid time not on chats, [0, 1) (default 0) */
    uint32_t max_agents;    /**< search limit, 1..SVCM_ERLANG_MAX_AGENTS (default 1,000,000) */
} svcm_erlang_chat_options;

/**
 * @brief Fill @p opts with the defaults: concurrency 1 with aht_s unset
 *        (0, refused until set), no abandonment, 80% answered within 20 s,
 *        no occupancy, ASA or abandonment cap, no shrinkage, at most
 *        1,000,000 agents.
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.2
 */
SVCM_API void svcm_erlang_chat_options_init(svcm_erlang_chat_options *opts);

/**
 * @brief Validate chat options: concurrency in range, aht_s[0..k-1] finite
 *        and > 0, patience > 0 (INFINITY allowed), goals in their domains.
 * @param opts the options (NULL is SVCM_EINVAL).
 * @param[out] err optional detail naming the field ("aht_s" with the level
 *             index 0..k-1 in err->index, "concurrency", "patience_s", ...).
 * @return SVCM_OK or SVCM_EINVAL.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_chat_options_check(const svcm_erlang_chat_options *opts,
                                            svcm_error *err);

/**
 * @brief Chat measures for N agents with up to opts->concurrency chats each.
 *
 * Computed exactly from the birth-death chain on m = chats in the system:
 * the states below N k (m = q N + r in service: r agents hold q + 1 chats,
 * N - r hold q) are summed downwards from N k with rescaling, the queue
 * states above N k as in svcm_erlang_a_eval() (the queue sees a constant
 * completion rate N k / aht_s[k-1]), so nothing overflows for thousands of
 * sessions. Without patience the queue is geometric and the service level
 * is 1 - p_wait exp(-(N k / aht_s[k-1] - lambda) T). With k = 1 the model
 * is Erlang C (svcm_erlang_eval()), or Erlang A (svcm_erlang_a_eval()) with
 * a patience; with every aht_s[j] equal it is Erlang C or A with N k agents.
 * Cost O(N k) plus the queue states.
 *
 * @param chats chats offered in the interval, finite and >= 0.
 * @param interval_s the interval, seconds, finite and > 0.
 * @param agents N, 1 <= N <= SVCM_ERLANG_MAX_AGENTS.
 * @param opts the model (concurrency, aht_s, patience_s) and
 *        target_answer_s, shrinkage; the goals are checked but not applied.
 *        NULL is SVCM_EINVAL (aht_s has no default).
 * @param[out] out the result, written only on success.
 * @param[out] err optional detail naming the bad field.
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain, bad options
 *         or NULL out; SVCM_ERANGE when nobody abandons and the load is at
 *         or above capacity (chats / interval_s >= N k / aht_s[k-1]: the
 *         queue grows without bound; field "agents"), when the staff count
 *         exceeds UINT32_MAX, or when the queue needs more than 2^24 states
 *         (field "patience_s").
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_chat_eval(double chats, double interval_s, uint32_t agents,
                                   const svcm_erlang_chat_options *opts,
                                   struct svcm_erlang_chat_result *out, svcm_error *err);

/**
 * @brief The smallest N that meets every goal in @p opts under the chat
 *        model: service_level >= target_sl, occupancy <= max_occupancy,
 *        asa_s <= max_asa_s and p_abandon <= max_abandon.
 *
 * The search starts at N = 1 (an unstable count simply fails the goals), so
 * it never starts above the answer. When the per-agent completion rate
 * j / aht_s[j-1] is nondecreasing and concave in j (a chat slows down as
 * its agent takes more, but taking one more never slows the agent down
 * overall), spreading the chats over one more agent never lowers the
 * service-completion rate in any state (a concave rate summed over a more
 * even spread is larger), so waits shorten and fewer chats abandon as N
 * grows (the tests check every goal's measure for monotonicity over grids
 * of loads, with and without patience); the search then doubles N until
 * the goals are met and bisects. Otherwise the measures need not be
 * monotone and it tries N = 1, 2, 3, ... in turn (O(N^2 k) work), so the
 * answer is the least meeting count either way.
 *
 * @param chats chats offered in the interval, finite and >= 0 (0 needs 1).
 * @param interval_s the interval, seconds, finite and > 0.
 * @param opts the model and goals (NULL is SVCM_EINVAL).
 * @param[out] out the result for the N found (staff includes shrinkage).
 * @param[out] err optional detail naming the bad field.
 * @return SVCM_OK; SVCM_EINVAL for a value outside its domain, bad options
 *         or NULL out; SVCM_ERANGE if no N up to max_agents meets the goals
 *         (out unchanged), the staff count exceeds UINT32_MAX, or an
 *         evaluation needs more than 2^24 queue states.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_erlang_chat_staff(double chats, double interval_s,
                                    const svcm_erlang_chat_options *opts,
                                    struct svcm_erlang_chat_result *out, svcm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_ERLANG_H */
