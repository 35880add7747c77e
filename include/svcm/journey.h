/**
 * @file svcm/journey.h
 * @brief Customer journeys from a touchpoint event log: an ordered funnel
 *        (customers reaching each step in order within a window, continued
 *        and drop-off rates with Wilson intervals, time between consecutive
 *        steps), satisfaction per touchpoint, the most frequent paths and
 *        the last touchpoint before loss ranked by excess loss.
 *
 * **Events.** An event is (customer id, touchpoint, time, score, lost):
 * the customer id is any non-empty byte string; the touchpoint a non-empty
 * UTF-8 name (compared byte for byte, so "Web" and "web" differ); the time
 * in seconds on any common origin (e.g. Unix time), finite; the score a
 * satisfaction score on the caller's scale, NaN for none; lost marks the
 * customer as lost (by a churn column or the segmentation engine). A
 * customer is lost when any of its events says so.
 *
 * **Events may arrive in any time order** and a customer's events may be
 * split over accumulators that are merged later: every figure is computed
 * at result time from per-customer state kept sorted by time, so the
 * result is that of the whole log sorted by time, whatever the arrival
 * order. Events at the same time are ordered by funnel step, then by
 * touchpoint name (bytes).
 *
 * **Funnel.** With steps s_1..s_m (svcm_journey_options::steps), a
 * customer enters the funnel at its first s_1 event (time g_1); step k
 * (k >= 2) is reached at g_k, the earliest s_k event at or after g_(k-1);
 * the customer reaches step k when g_1..g_k all exist and
 * g_k - g_1 <= window_s (the window runs from the first step). So a
 * customer counts at most once per step, and "in order" allows equal
 * times. For step k:
 * - reached: customers reaching step k;
 * - continued: customers reaching step k + 1 (0 for the last step);
 * - continue_rate = continued / reached and drop_rate = 1 - continue_rate
 *   with the Wilson interval of drop_rate (svcm_wilson()) at
 *   svcm_journey_options::confidence; NaN for the last step (there is no
 *   next step) and when reached is 0;
 * - time from the previous step: g_k - g_(k-1) over the customers reaching
 *   step k, summarized by a quantile sketch (svcm_durations: exact up to
 *   1024 customers, within 1 % beyond; sketch.h).
 *
 * **Memory.** Per customer: its id, the first path_len events (for
 * paths), its last event, and the funnel events that can still matter.
 * Funnel events that can never change a result, whatever arrives later,
 * are dropped when they arrive: every s_1 event but the earliest, events
 * more than window_s after it, and every s_k event after g_(k-1) but the
 * earliest. With events in time order this keeps at most one event per
 * step and customer (plus s_k events seen before step k - 1 was reached),
 * so memory grows with customers x steps, not with events. Events of
 * touchpoints outside the funnel cost nothing beyond the path state.
 *
 * **Paths.** A customer's path is the sequence of the touchpoints of its
 * first path_len events (svcm_journey_options::path_len, default 5) in
 * time order, repeats included; a path is marked truncated when the
 * customer has more events than that, and truncated and complete paths
 * with the same touchpoints are different paths.
 *
 * **Loss.** A customer's last touchpoint is that of its latest event (ties
 * by the greatest touchpoint name). For touchpoint X with C customers in
 * all, L of them lost, c_X customers and l_X lost customers whose last
 * touchpoint is X: last_share = c_X / C, lost_share = l_X / L, excess =
 * lost_share - last_share (in shares: positive when X is over-represented
 * as the last touchpoint of lost customers), lift = lost_share /
 * last_share, and loss_rate = l_X / c_X ("X loses 42 % of the customers
 * who end there") with its Wilson interval. svcm_journey_touchpoints()
 * ranks touchpoints by excess, descending.
 *
 * **Satisfaction.** Mean of the scores (non-NaN) of each touchpoint's events.
 *
 * Accumulators with the same options merge exactly: the result of a merge
 * is that of one accumulator given both logs (score sums may differ in the
 * last bits).
 *
 * Example:
 * @code
 *   const char *steps[] = {"visit", "quote", "buy"};
 *   svcm_journey_options o;
 *   svcm_journey_options_init(&o);
 *   o.steps = steps; o.n_steps = 3; o.window_s = 30 * 86400.0;
 *   svcm_journey *j;
 *   if (svcm_journey_new(&o, NULL, &j, NULL) != SVCM_OK) return;
 *   svcm_journey_event e = {"c1", 2, "visit", 5, 0.0, NAN, false};
 *   svcm_journey_add(j, &e, NULL);
 *   struct svcm_journey_step_result st[3];
 *   size_t n;
 *   svcm_journey_steps(j, st, 3, &n, NULL);   // st[0].reached == 1
 *   svcm_journey_free(j);
 * @endcode
 */
#ifndef SVCM_JOURNEY_H
#define SVCM_JOURNEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svcm/common.h"
#include "svcm/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Most funnel steps. */
#define SVCM_JOURNEY_MAX_STEPS 64u
/** @brief Longest path kept per customer (svcm_journey_options::path_len). */
#define SVCM_JOURNEY_MAX_PATH 16u
/** @brief Longest touchpoint name or customer id, in bytes. */
#define SVCM_JOURNEY_MAX_NAME 1024u

/** @brief Settings of an accumulator; fill with svcm_journey_options_init(). */
typedef struct svcm_journey_options {
    /** Funnel steps: touchpoint names in order, each non-empty UTF-8 of at
     *  most ::SVCM_JOURNEY_MAX_NAME bytes, all different; copied by
     *  svcm_journey_new(). NULL when n_steps is 0 (no funnel; default). */
    const char *const *steps;
    size_t n_steps;    /**< number of steps, 0 .. ::SVCM_JOURNEY_MAX_STEPS (0) */
    double window_s;   /**< a step counts when reached at most this long after the first; >= 0, INFINITY = no window (default) */
    size_t path_len;   /**< touchpoints kept per path, 1 .. ::SVCM_JOURNEY_MAX_PATH (5) */
    double confidence; /**< level of the Wilson intervals, in (0, 1) (0.95) */
} svcm_journey_options;

/** @brief One event of the log. */
typedef struct svcm_journey_event {
    const char *customer;  /**< customer id bytes (need not be NUL-terminated) */
    size_t customer_len;   /**< their number, 1 .. ::SVCM_JOURNEY_MAX_NAME */
    const char *touchpoint; /**< touchpoint name, UTF-8 (need not be NUL-terminated) */
    size_t touchpoint_len; /**< its bytes, 1 .. ::SVCM_JOURNEY_MAX_NAME */
    double time;           /**< seconds, finite */
    double score;          /**< satisfaction score, finite; NaN = none */
    bool lost;             /**< the customer is marked lost */
} svcm_journey_event;

/** @brief A journey accumulator (opaque). */
typedef struct svcm_journey svcm_journey;

/** @brief Totals, from svcm_journey_result(). */
struct svcm_journey_result {
    uint64_t events;          /**< events added */
    uint64_t customers;       /**< distinct customers */
    uint64_t lost_customers;  /**< customers marked lost */
    size_t touchpoints;       /**< distinct touchpoints */
    size_t steps;             /**< funnel steps (the options' n_steps) */
    uint64_t entered;         /**< customers reaching the first step (0 without steps) */
    uint64_t completed;       /**< customers reaching the last step (0 without steps) */
    double conversion;        /**< completed / entered; NaN if none entered */
};

/** @brief One funnel step, from svcm_journey_steps(). */
struct svcm_journey_step_result {
    const char *touchpoint; /**< the step's name, NUL-terminated, owned by the accumulator (valid until it is freed) */
    uint64_t reached;       /**< customers reaching this step in order within the window */
    uint64_t continued;     /**< customers reaching the next step (0 for the last step) */
    double continue_rate;   /**< continued / reached; NaN for the last step or reached 0 */
    double drop_rate;       /**< 1 - continue_rate; NaN likewise */
    svcm_interval ci;       /**< Wilson interval of drop_rate; NaN bounds when drop_rate is NaN */
    double conversion;      /**< reached / reached of the first step; NaN if that is 0 */
    uint64_t timed;         /**< customers timed from the previous step (= reached; 0 for the first step) */
    double time_mean_s;     /**< mean time from the previous step, seconds; NaN if timed is 0 */
    double time_p50_s;      /**< its median (lower nearest rank, sketch.h); NaN if timed is 0 */
    double time_p90_s;      /**< its 90th percentile; NaN if timed is 0 */
    double time_max_s;      /**< its maximum; NaN if timed is 0 */
};

/** @brief One touchpoint, from svcm_journey_touchpoints(). */
struct svcm_journey_touchpoint_result {
    const char *touchpoint; /**< name, NUL-terminated, owned by the accumulator (valid until the next add, merge or free) */
    uint64_t events;        /**< events at this touchpoint */
    uint64_t scored;        /**< of which with a score */
    double mean_score;      /**< mean score; NaN if scored is 0 */
    uint64_t last;          /**< customers whose last touchpoint this is (c_X) */
    uint64_t lost_last;     /**< lost customers whose last touchpoint this is (l_X) */
    double last_share;      /**< c_X / customers */
    double lost_share;      /**< l_X / lost customers; NaN if none is lost */
    double excess;          /**< lost_share - last_share; NaN if none is lost */
    double lift;            /**< lost_share / last_share; NaN if none is lost or c_X is 0 */
    double loss_rate;       /**< l_X / c_X; NaN if c_X is 0 */
    svcm_interval loss_ci;  /**< Wilson interval of loss_rate; NaN bounds if c_X is 0 */
};

/** @brief One path, from svcm_journey_paths(). */
struct svcm_journey_path_result {
    size_t length;          /**< touchpoints in the path, 1 .. path_len */
    /** the touchpoint names, in time order (the first @p length are set,
     *  the rest NULL); owned by the accumulator (valid until the next add,
     *  merge or free) */
    const char *touchpoints[SVCM_JOURNEY_MAX_PATH];
    bool truncated;         /**< the customers had more events than path_len */
    uint64_t customers;     /**< customers with this path */
    double share;           /**< customers / all customers */
};

/**
 * @brief Fill @p opts with the defaults: no funnel steps, no window, paths
 *        of 5 touchpoints, 95 % intervals.
 * @param opts the options to fill; NULL is a no-op.
 * @par Thread safety: touches only @p opts.
 * @since 0.2
 */
SVCM_API void svcm_journey_options_init(svcm_journey_options *opts);

/**
 * @brief Create an empty accumulator.
 * @param opts settings, or NULL for the defaults; copied (the step names too).
 * @param alloc allocator for the object, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL
 *        (field "alloc").
 * @param[out] out receives the accumulator, owned by the caller (free with
 *             svcm_journey_free()); untouched on failure.
 * @param[out] err optional detail: field "out", "alloc", "steps" (index:
 *             the step at fault, for an empty, too long, non-UTF-8 or
 *             repeated name), "n_steps", "window_s", "path_len" or
 *             "confidence" and a message.
 * @return SVCM_OK; SVCM_EINVAL if @p out is NULL or an option is out of
 *         range; SVCM_ENOMEM.
 * @par Thread safety: reentrant.
 * @since 0.2
 */
SVCM_API int svcm_journey_new(const svcm_journey_options *opts, const svcm_allocator *alloc,
                              svcm_journey **out, svcm_error *err);

/**
 * @brief Free an accumulator and every name it owns.
 * @param j may be NULL (no-op).
 * @par Thread safety: @p j must not be in use by another thread.
 * @since 0.2
 */
SVCM_API void svcm_journey_free(svcm_journey *j);

/**
 * @brief The settings an accumulator was made with.
 * @param j the accumulator.
 * @param[out] out receives them; out->steps points to the accumulator's
 *             copies of the names (valid until it is freed).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers.
 * @par Thread safety: reads only @p j.
 * @since 0.2
 */
SVCM_API int svcm_journey_get_options(const svcm_journey *j, svcm_journey_options *out);

/**
 * @brief Add one event (in any time order, see the file comment).
 * @param j the accumulator.
 * @param ev the event.
 * @param[out] err optional: on SVCM_EINVAL the field at fault ("ev",
 *             "customer", "touchpoint", "time", "score"), index
 *             SVCM_NO_INDEX.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, an empty or too long
 *         customer id or touchpoint, a touchpoint that is not UTF-8, a
 *         time that is not finite or an infinite score; SVCM_ERANGE if a
 *         count would pass UINT64_MAX; SVCM_ENOMEM. @p j is unchanged on
 *         failure.
 * @par Thread safety: touches only @p j and @p err.
 * @since 0.2
 */
SVCM_API int svcm_journey_add(svcm_journey *j, const svcm_journey_event *ev, svcm_error *err);

/**
 * @brief Add @p n events, all or nothing. The events are checked first,
 *        then added to a copy of @p j that replaces it on success, so a
 *        call costs memory and time in proportion to @p j as well: feed
 *        large batches.
 * @param j the accumulator.
 * @param ev the events (may be NULL only when n is 0).
 * @param n their number.
 * @param[out] err optional: on SVCM_EINVAL the 0-based index of the first
 *             bad event and its field, as svcm_journey_add().
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or a bad event (as
 *         svcm_journey_add()); SVCM_ERANGE; SVCM_ENOMEM. @p j is unchanged
 *         on failure.
 * @par Thread safety: touches only @p j and @p err.
 * @since 0.2
 */
SVCM_API int svcm_journey_add_batch(svcm_journey *j, const svcm_journey_event *ev, size_t n,
                                    svcm_error *err);

/**
 * @brief dst := dst merged with src: the result is that of one accumulator
 *        given both logs, also when a customer's events are split between
 *        them. Works on a copy of @p dst (memory in proportion to it).
 * @param dst the accumulator to update.
 * @param src the one merged in; unchanged (may be dst: every event counted twice).
 * @return SVCM_OK; SVCM_EINVAL for NULL; SVCM_EMISMATCH if the options
 *         differ (steps, window, path length or confidence); SVCM_ERANGE if a
 *         count would pass UINT64_MAX; SVCM_ENOMEM. @p dst is unchanged on
 *         failure.
 * @par Thread safety: touches only @p dst.
 * @since 0.2
 */
SVCM_API int svcm_journey_merge(svcm_journey *dst, const svcm_journey *src);

/**
 * @brief Totals of the events added so far, with the funnel's entries and
 *        completions.
 * @param j the accumulator.
 * @param[out] out the totals (also with no event: counts 0, conversion NaN).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers.
 * @par Thread safety: reads only @p j.
 * @since 0.2
 */
SVCM_API int svcm_journey_result(const svcm_journey *j, struct svcm_journey_result *out);

/**
 * @brief The funnel, one row per step (see the file comment), computed
 *        from every customer: O(customers x steps).
 * @param j the accumulator.
 * @param[out] out room for @p cap rows (may be NULL when cap is 0).
 * @param cap its capacity.
 * @param[out] n receives the number of steps (also on SVCM_ENOSPC).
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL @p j or @p n, or NULL @p out with
 *         cap > 0; SVCM_ENOSPC if @p cap is below the number of steps
 *         (nothing written); SVCM_ENOMEM (for the time sketches).
 * @par Thread safety: reads only @p j.
 * @since 0.2
 */
SVCM_API int svcm_journey_steps(const svcm_journey *j, struct svcm_journey_step_result *out,
                                size_t cap, size_t *n, svcm_error *err);

/**
 * @brief Every touchpoint seen, ranked by excess loss (descending; NaN
 *        excess, when no customer is lost, ranks by customers ending there,
 *        descending), ties by name.
 * @param j the accumulator.
 * @param[out] out room for @p cap rows (may be NULL when cap is 0).
 * @param cap its capacity.
 * @param[out] n receives the number of touchpoints (also on SVCM_ENOSPC).
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL @p j or @p n, or NULL @p out with
 *         cap > 0; SVCM_ENOSPC if @p cap is below the number of touchpoints
 *         (nothing written); SVCM_ENOMEM.
 * @par Thread safety: reads only @p j.
 * @since 0.2
 */
SVCM_API int svcm_journey_touchpoints(const svcm_journey *j,
                                      struct svcm_journey_touchpoint_result *out, size_t cap,
                                      size_t *n, svcm_error *err);

/**
 * @brief The @p cap most frequent paths (see the file comment), most
 *        customers first, ties by the path's names (bytes, shorter first,
 *        complete before truncated).
 * @param j the accumulator.
 * @param[out] out room for @p cap paths (may be NULL when cap is 0).
 * @param cap how many to return at most (the K of "top K").
 * @param[out] n receives the number written: the smaller of @p cap and
 *             the number of distinct paths.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for NULL @p j or @p n, or NULL @p out with
 *         cap > 0; SVCM_ENOMEM.
 * @par Thread safety: reads only @p j.
 * @since 0.2
 */
SVCM_API int svcm_journey_paths(const svcm_journey *j, struct svcm_journey_path_result *out,
                                size_t cap, size_t *n, svcm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_JOURNEY_H */
