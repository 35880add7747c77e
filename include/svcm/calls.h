/**
 * @file svcm/calls.h
 * @brief Per-contact call logs to interval reports: a mergeable accumulator
 *        of contact records (arrival, queue, service times and outcome)
 *        giving offered, answered, abandoned, short abandons, service
 *        level, ASA, AHT, longest wait, abandonment rate and the mean
 *        patience estimated from abandonment.
 *
 * **One accumulator per report cell.** An accumulator counts the contacts
 * it is given; grouping is the caller's: keep one accumulator per
 * (interval, group) key (the `svcm calls` command keys them by the
 * interval of the arrival time and the value of a channel, skill or agent
 * column). Accumulators with the same options merge exactly (counts add,
 * totals add, the longest wait is the larger), so a day is the merge of
 * its half hours and a report can be built from shards.
 *
 * **A record** holds five instants in seconds (any common origin, e.g.
 * Unix time); NaN marks one as absent:
 * - `arrival` (required): the contact reaches the centre;
 * - `queue_start`, `queue_end`: it joins and leaves the queue;
 * - `service_start`, `service_end`: an agent serves it.
 *
 * The instants present must be in the order above (equal is fine), up to
 * svcm_calls_options::tolerance_s: an instant earlier than the one before it
 * by at most that much (clock skew and rounding between the systems that
 * stamp a contact: a public bank log has service starting 1 to 2 s "before"
 * the queue exit) is raised to it, so that waits and service times are
 * never negative. The
 * **wait** of a contact runs from `queue_start` (or `arrival` when absent)
 * to `queue_end` (or, for an answered contact, `service_start` when
 * `queue_end` is absent). An answered contact needs `service_start` and
 * `service_end`; an abandoned one needs a queue exit (`queue_end`) and has
 * no service times. Other contacts (transfers, busy signals, phantom calls:
 * whatever the log's outcome column holds that is neither answered nor
 * abandoned) are counted in `other` and enter no other figure.
 *
 * **Conventions** (ICMI, "Service Level Calculations", 2002; the same
 * names as struct svcm_contact_metrics in erlang.h):
 * - offered = answered + abandoned (other contacts are not offered);
 * - "within target": wait <= T; a short abandon: wait < the short-abandon
 *   threshold (so a threshold of 0 makes none short);
 * - service level, by svcm_calls_options::sl_abandoned, with A = answered,
 *   Aw = answered within T, B = abandoned, Bw = abandoned within T (when
 *   svcm_calls_options::exclude_short is set, short abandons are first
 *   removed from B and Bw):
 *   - ::SVCM_CALLS_SL_IGNORE: Aw / A;
 *   - ::SVCM_CALLS_SL_AGAINST: Aw / (A + B);
 *   - ::SVCM_CALLS_SL_MET: (Aw + Bw) / (A + B) (abandons within T count as
 *     met, later ones against);
 * - ASA: total wait of the answered / answered; AHT: total
 *   (service_end - service_start) of the answered / answered;
 * - abandonment rate: abandoned / offered; excluding short abandons:
 *   (abandoned - short) / (offered - short);
 * - mean patience from abandonment: under exponential patience the hazard
 *   of abandoning is estimated by abandoned / total wait of every offered
 *   contact (answered and abandoned: each was exposed to abandoning for its
 *   wait; Mandelbaum and Zeltyn, "Estimating characteristics of queueing
 *   networks using transactional data", 1998); the mean patience is its
 *   inverse, total wait / abandoned.
 *
 * A ratio whose denominator is 0 is NaN (undefined, not zero).
 *
 * Example:
 * @code
 *   svcm_calls_options o;
 *   svcm_calls_options_init(&o);           // T = 20 s, short < 5 s
 *   svcm_calls *c;
 *   if (svcm_calls_new(&o, NULL, &c, NULL) != SVCM_OK) return;
 *   svcm_calls_record r = {0, NAN, 12, 12, 200, SVCM_CALLS_OUTCOME_ANSWERED};
 *   svcm_calls_add(c, &r, NULL);
 *   struct svcm_calls_result res;
 *   svcm_calls_result(c, &res);             // res.asa_s == 12
 *   svcm_calls_free(c);
 * @endcode
 */
#ifndef SVCM_CALLS_H
#define SVCM_CALLS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "svcm/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief What became of a contact. Values are stable. */
typedef enum svcm_calls_outcome {
    SVCM_CALLS_OUTCOME_ANSWERED = 0,  /**< served by an agent */
    SVCM_CALLS_OUTCOME_ABANDONED = 1, /**< the caller hung up in the queue */
    SVCM_CALLS_OUTCOME_OTHER = 2      /**< anything else: counted, not offered */
} svcm_calls_outcome;

/** @brief How abandoned contacts enter the service level. Values are stable. */
typedef enum svcm_calls_sl {
    SVCM_CALLS_SL_IGNORE = 0,  /**< answered within T / answered */
    SVCM_CALLS_SL_AGAINST = 1, /**< answered within T / (answered + abandoned) */
    SVCM_CALLS_SL_MET = 2      /**< (answered + abandoned within T) / (answered + abandoned) */
} svcm_calls_sl;

/** @brief Settings of an accumulator; fill with svcm_calls_options_init(). */
typedef struct svcm_calls_options {
    double target_s;        /**< service-level threshold T, seconds, finite, >= 0 (20) */
    double short_abandon_s; /**< abandons with wait < this are short; finite, >= 0 (5) */
    svcm_calls_sl sl_abandoned; /**< treatment of abandons in the service level (AGAINST) */
    bool exclude_short;     /**< leave short abandons out of the service level (true) */
    /** instants out of order by at most this are taken as equal (see the file
     *  comment); finite, >= 0 (0: any disorder is an error) */
    double tolerance_s;
} svcm_calls_options;

/** @brief One contact. Instants in seconds; NaN = absent. */
typedef struct svcm_calls_record {
    double arrival;       /**< required */
    double queue_start;   /**< joins the queue; NaN: at arrival */
    double queue_end;     /**< leaves the queue; required for an abandoned contact */
    double service_start; /**< answered only */
    double service_end;   /**< answered only */
    svcm_calls_outcome outcome; /**< what became of it */
} svcm_calls_record;

/** @brief A call-log accumulator (opaque). */
typedef struct svcm_calls svcm_calls;

/** @brief Counts and metrics, from svcm_calls_result(). */
struct svcm_calls_result {
    uint64_t offered;                 /**< answered + abandoned */
    uint64_t answered;                /**< answered contacts */
    uint64_t abandoned;               /**< abandoned contacts (short ones included) */
    uint64_t abandoned_short;         /**< abandoned with wait < the short threshold */
    uint64_t other;                   /**< contacts with another outcome */
    uint64_t answered_within_target;  /**< answered with wait <= T */
    uint64_t abandoned_within_target; /**< abandoned with wait <= T */
    double service_level;  /**< by the options' convention, in [0, 1]; NaN if its denominator is 0 */
    double asa_s;          /**< mean wait of the answered; NaN if none */
    double aht_s;          /**< mean service time of the answered; NaN if none */
    double longest_wait_s; /**< longest wait of an offered contact; NaN if none */
    double abandon_rate;   /**< abandoned / offered; NaN if none offered */
    double abandon_rate_excl_short; /**< (abandoned - short) / (offered - short); NaN if 0 / 0 */
    double abandon_hazard; /**< abandoned / total wait, per second; NaN if nothing waited */
    double mean_patience_s; /**< total wait / abandoned; NaN if none abandoned or nothing waited */
    double wait_answered_s; /**< total wait of the answered, seconds */
    double wait_total_s;    /**< total wait of the offered, seconds */
    double handle_s;        /**< total service time of the answered, seconds */
};

/**
 * @brief Fill @p opts with the defaults: T = 20 s, short abandons under
 *        5 s, abandons count against the service level, short abandons
 *        excluded from it, no tolerance for instants out of order.
 * @param opts the options to fill; NULL is a no-op.
 * @par Thread safety: touches only @p opts.
 * @since 0.2
 */
SVCM_API void svcm_calls_options_init(svcm_calls_options *opts);

/**
 * @brief Create an empty accumulator.
 * @param opts settings, or NULL for the defaults; copied.
 * @param alloc allocator for the object, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL
 *        (field "alloc").
 * @param[out] out receives the accumulator, owned by the caller (free with
 *             svcm_calls_free()); untouched on failure.
 * @param[out] err optional detail: field "out", "alloc", "target_s",
 *             "short_abandon_s", "sl_abandoned" or "tolerance_s" and a message.
 * @return SVCM_OK; SVCM_EINVAL if @p out is NULL, a threshold is negative
 *         or not finite, or sl_abandoned is not an ::svcm_calls_sl value;
 *         SVCM_ENOMEM.
 * @par Thread safety: reentrant.
 * @since 0.2
 */
SVCM_API int svcm_calls_new(const svcm_calls_options *opts, const svcm_allocator *alloc,
                            svcm_calls **out, svcm_error *err);

/**
 * @brief Free an accumulator.
 * @param c may be NULL (no-op).
 * @par Thread safety: @p c must not be in use by another thread.
 * @since 0.2
 */
SVCM_API void svcm_calls_free(svcm_calls *c);

/**
 * @brief The settings an accumulator was made with.
 * @param c the accumulator.
 * @param[out] out receives them.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers.
 * @par Thread safety: reads only @p c.
 * @since 0.2
 */
SVCM_API int svcm_calls_get_options(const svcm_calls *c, svcm_calls_options *out);

/**
 * @brief Add one contact.
 * @param c the accumulator.
 * @param rec the record (see the file comment for what each outcome needs).
 * @param[out] err optional: on SVCM_EINVAL the field at fault ("arrival",
 *             "queue_start", "queue_end", "service_start", "service_end",
 *             "outcome"), index SVCM_NO_INDEX.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, an infinite instant, a
 *         missing required instant, instants out of order by more than
 *         the tolerance (queue_end before queue_start, service_end before service_start,
 *         service_start before the queue exit, ...), service times on an
 *         abandoned contact, or an unknown outcome; SVCM_ERANGE if a count
 *         would pass UINT64_MAX or a total overflow a double. @p c is
 *         unchanged on failure.
 * @par Thread safety: touches only @p c and @p err.
 * @since 0.2
 */
SVCM_API int svcm_calls_add(svcm_calls *c, const svcm_calls_record *rec, svcm_error *err);

/**
 * @brief Add @p n contacts given as columns, all or nothing.
 * @param c the accumulator.
 * @param arrival n arrival instants (may be NULL only when n is 0).
 * @param queue_start n instants, or NULL for all absent.
 * @param queue_end n instants, or NULL for all absent.
 * @param service_start n instants, or NULL for all absent.
 * @param service_end n instants, or NULL for all absent.
 * @param outcome n outcomes (may be NULL only when n is 0).
 * @param n number of contacts.
 * @param[out] err optional: on SVCM_EINVAL or SVCM_ERANGE the 0-based index
 *             of the first bad record and its field, as svcm_calls_add().
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or a bad record (as
 *         svcm_calls_add()); SVCM_ERANGE as svcm_calls_add(). @p c is
 *         unchanged on failure.
 * @par Thread safety: touches only @p c and @p err.
 * @since 0.2
 */
SVCM_API int svcm_calls_add_batch(svcm_calls *c, const double *arrival,
                                  const double *queue_start, const double *queue_end,
                                  const double *service_start, const double *service_end,
                                  const svcm_calls_outcome *outcome, size_t n,
                                  svcm_error *err);

/**
 * @brief dst := dst merged with src: the result is that of one accumulator
 *        given both sets of contacts.
 * @param dst the accumulator to update.
 * @param src the one merged in; unchanged (may be dst).
 * @return SVCM_OK; SVCM_EINVAL for NULL; SVCM_EMISMATCH if the options
 *         differ; SVCM_ERANGE if a count would pass UINT64_MAX or a total
 *         overflow a double. @p dst is unchanged on failure.
 * @par Thread safety: touches only @p dst.
 * @since 0.2
 */
SVCM_API int svcm_calls_merge(svcm_calls *dst, const svcm_calls *src);

/**
 * @brief Counts and metrics of the contacts added so far.
 * @param c the accumulator.
 * @param[out] out the result; every ratio with a zero denominator is NaN.
 * @return SVCM_OK (also with no contact: counts 0, ratios NaN);
 *         SVCM_EINVAL for NULL pointers.
 * @par Thread safety: reads only @p c.
 * @since 0.2
 */
SVCM_API int svcm_calls_result(const svcm_calls *c, struct svcm_calls_result *out);

/**
 * @brief Save to versioned bytes (kind "calls", version 1): the options,
 *        the counts and the totals.
 * @param c the accumulator.
 * @param buf destination; may be NULL to query the size.
 * @param cap capacity of @p buf.
 * @param[out] len if not NULL, always receives the size needed.
 * @return SVCM_OK; SVCM_EINVAL if @p c is NULL; SVCM_ENOSPC if @p buf is
 *         NULL or too small (nothing written).
 * @par Thread safety: reads only @p c.
 * @since 0.2
 */
SVCM_API int svcm_calls_save(const svcm_calls *c, unsigned char *buf, size_t cap,
                             size_t *len);

/**
 * @brief Load an accumulator saved by svcm_calls_save().
 * @param buf the bytes.
 * @param len their number.
 * @param alloc allocator for the object, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives a new accumulator owned by the caller (free with
 *             svcm_calls_free()); untouched on failure.
 * @param[out] err optional detail: field "buf", "out" or "alloc" and a
 *             message.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_EFORMAT for
 *         malformed, truncated or inconsistent bytes (bad options, sub-counts
 *         above their totals, negative or non-finite totals) or an unknown
 *         version; SVCM_ENOMEM.
 * @par Thread safety: reentrant.
 * @since 0.2
 */
SVCM_API int svcm_calls_load(const unsigned char *buf, size_t len, const svcm_allocator *alloc,
                             svcm_calls **out, svcm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_CALLS_H */
