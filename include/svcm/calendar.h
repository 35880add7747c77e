/**
 * @file svcm/calendar.h
 * @brief Business-hours calendars (weekly schedule, a fixed UTC offset or a
 *        time zone with daylight saving, holidays) and SLA timers for
 *        tickets measured on them.
 *
 * A calendar answers "how many business seconds lie between two instants",
 * "which instant is N business seconds after this one", "is this instant
 * within hours" and "when do we next open". With a fixed offset, long spans
 * cost O(log) time: whole weeks are counted in O(1) and holidays are found
 * by binary search. With a zone, a query also probes the zone once per day
 * of its span (a year-long span: a few hundred offset look-ups).
 *
 * Model and conventions:
 *
 * - Instants are `int64_t` seconds since the Unix epoch, UTC, within
 *   [-SVCM_CALENDAR_TIME_MAX, SVCM_CALENDAR_TIME_MAX] (about +-3.17 million
 *   years); dates use the proleptic Gregorian calendar.
 * - Local time is either UTC plus one fixed offset (`utc_offset`), or the
 *   local time of a zone (`zone`, see svcm_zone_new(): an IANA name such as
 *   `Europe/Berlin`, a POSIX TZ rule such as `CET-1CEST,M3.5.0,M10.5.0/3`,
 *   or a fixed offset such as `+05:30`), daylight saving included (since
 *   0.2). The weekly schedule and the holidays are local; every query
 *   (business seconds, adding business seconds, is open, next open, and so
 *   the SLA functions) counts elapsed UTC seconds, exact across changeovers:
 *   - open hours that fall in a spring-forward gap do not exist that day
 *     (a Sunday open 00:00-24:00 on 2026-03-29 in Berlin has 23 hours);
 *   - open hours in a repeated (fall-back) hour happen twice and count
 *     twice (the Sunday of 2026-10-25 in Berlin has 25 hours);
 *   - is_open() answers for the local time of the instant, so both
 *     instants of a repeated local time are open or both closed.
 *   The zone is assumed to change its UTC offset at most once in any 24
 *   hours (true of every zone in use; as svcm_zone_from_local() assumes).
 *   A zoned calendar takes instants within the time engine's years
 *   0000..9999 (::SVCM_ERANGE beyond), not +-SVCM_CALENDAR_TIME_MAX.
 * - The weekly schedule is a set of open intervals per weekday (Monday = 0)
 *   in seconds since local midnight. An interval is half-open,
 *   [start, end): open at its start instant, closed at its end instant.
 *   `end` may be 86400 (24:00). An interval with end < start is an overnight
 *   shift: Mon 22:00-06:00 is Monday 22:00 to Tuesday 06:00 (Sunday shifts
 *   run into Monday). Intervals may touch but not overlap; start == end is
 *   invalid; a weekday without intervals has zero hours.
 * - A holiday is a local date with no business time: it closes the local
 *   calendar day 00:00-24:00. A shift that crosses midnight is cut at
 *   midnight, so with Mon 22:00-06:00 and a holiday on Tuesday, Monday
 *   22:00-24:00 counts and Tuesday 00:00-06:00 does not.
 *
 * Thread safety: a calendar is immutable after creation, so every query on
 * one calendar is safe from any number of threads at once.
 */
#ifndef SVCM_CALENDAR_H
#define SVCM_CALENDAR_H

#include <stdbool.h>

#include "common.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Largest magnitude of an instant the calendar accepts (seconds). */
#define SVCM_CALENDAR_TIME_MAX INT64_C(100000000000000)
/** @brief Largest magnitude of a year in an ::svcm_date. */
#define SVCM_CALENDAR_YEAR_MAX 1000000
/** @brief Largest magnitude of a UTC offset in minutes (14 hours). */
#define SVCM_CALENDAR_OFFSET_MAX 840
/** @brief Seconds in a day; also the largest interval end (24:00). */
#define SVCM_CALENDAR_DAY 86400

/** @brief A proleptic Gregorian calendar date. */
typedef struct svcm_date {
    int32_t year;  /**< e.g. 2026; 0 is 1 BC; |year| <= SVCM_CALENDAR_YEAR_MAX */
    int32_t month; /**< 1..12 */
    int32_t day;   /**< 1..31, valid for the month */
} svcm_date;

/**
 * @brief Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant,
 *        "chrono-Compatible Low-Level Date Algorithms", days_from_civil).
 * @param date the date (e.g. 2000-03-01 gives 11017; 1969-12-31 gives -1).
 * @param[out] days receives the day number.
 * @return SVCM_OK; SVCM_EINVAL if a pointer is NULL, the month or day is not
 *         valid (Feb 29 only in leap years), or |year| > SVCM_CALENDAR_YEAR_MAX.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_days_from_civil(const svcm_date *date, int64_t *days);

/**
 * @brief The proleptic Gregorian date of a day number (inverse of
 *        svcm_days_from_civil(); Hinnant's civil_from_days).
 * @param days days since 1970-01-01 (negative before).
 * @param[out] out receives the date.
 * @return SVCM_OK; SVCM_EINVAL if out is NULL; SVCM_ERANGE if the year would
 *         exceed SVCM_CALENDAR_YEAR_MAX in magnitude (out unchanged).
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_civil_from_days(int64_t days, svcm_date *out);

/** @brief One open interval of the weekly schedule. */
typedef struct svcm_calendar_interval {
    int32_t weekday; /**< 0 = Monday ... 6 = Sunday */
    int32_t start;   /**< seconds since local midnight, 0 .. 86399 */
    int32_t end;     /**< 0 .. 86400, != start; end < start is an overnight shift */
} svcm_calendar_interval;

/** @brief What a calendar is made of. Fill with svcm_calendar_options_init(). */
typedef struct svcm_calendar_options {
    int32_t utc_offset_minutes; /**< local = UTC + offset; |offset| <= 840 (default 0); must be 0 with @p zone */
    /** Zone specification as for svcm_zone_new() (IANA name, POSIX TZ rule
     *  or fixed offset), or NULL (default) for the fixed @p utc_offset_minutes.
     *  Read by svcm_calendar_new() only: the calendar makes and owns its own
     *  zone, so the string need not outlive the call. @since 0.2 */
    const char *zone;
    const svcm_calendar_interval *intervals; /**< weekly open intervals (default none) */
    size_t n_intervals;                      /**< number of entries in @p intervals */
    const svcm_date *holidays; /**< local dates; order and duplicates do not matter */
    size_t n_holidays;         /**< number of entries in @p holidays */
} svcm_calendar_options;

/** @brief A business-hours calendar (opaque, immutable once made). */
typedef struct svcm_calendar svcm_calendar;

/**
 * @brief Fill @p opts with the defaults: offset 0, no zone, no intervals
 *        (always closed), no holidays.
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.1
 */
SVCM_API void svcm_calendar_options_init(svcm_calendar_options *opts);

/**
 * @brief Build a calendar.
 *
 * The intervals and holidays are copied and the zone (if any) is made from
 * its specification and owned by the calendar; the caller keeps ownership of
 * everything in @p opts.
 *
 * @param opts the schedule; NULL means the defaults (a calendar that is never
 *        open).
 * @param alloc allocator for the calendar, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives the new calendar; free it with svcm_calendar_free().
 * @param[out] err optional detail: on SVCM_EINVAL, index is the interval (field
 *        "weekday", "start", "end" or "overlap") or holiday (field "holiday")
 *        at fault, or SVCM_NO_INDEX for field "utc_offset_minutes" or "zone";
 *        a zone that cannot be made gives field "zone" and the zone's reason.
 * @return SVCM_OK; SVCM_EINVAL for a NULL @p out, a NULL array with a non-zero
 *         count, an offset beyond +-14 h, a zone together with a non-zero
 *         offset, a weekday outside 0..6, a start outside 0..86399, an end
 *         outside 0..86400, start == end, two intervals that overlap
 *         (overnight shifts included), or an invalid holiday date;
 *         SVCM_EFORMAT for a malformed zone specification, SVCM_ENOTFOUND
 *         for an IANA name with no zone file, SVCM_EIO for a zone file that
 *         cannot be read (as svcm_zone_new()); SVCM_ENOMEM. On failure *out
 *         is unchanged.
 * @par Thread safety: reentrant; with an IANA zone name, reads the zone file
 *      and the environment variable TZDIR.
 * @since 0.1
 */
SVCM_API int svcm_calendar_new(const svcm_calendar_options *opts,
                               const svcm_allocator *alloc, svcm_calendar **out,
                               svcm_error *err);

/**
 * @brief Free a calendar.
 * @param cal may be NULL (no-op).
 * @par Thread safety: the calendar must not be in use by another thread.
 * @since 0.1
 */
SVCM_API void svcm_calendar_free(svcm_calendar *cal);

/**
 * @brief Business seconds between two instants.
 *
 * Counts the open seconds of [start, end). When start > end the result is
 * the negative of the count over [end, start), so that
 * f(a, b) + f(b, c) == f(a, c) for any a, b, c.
 *
 * @param cal the calendar.
 * @param start,end instants, each within +-SVCM_CALENDAR_TIME_MAX (zoned:
 *        within the years 0000..9999).
 * @param[out] out receives the count (exact; at most the span).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_ERANGE for an instant
 *         out of range (out unchanged).
 * @par Thread safety: safe from any thread (the calendar is immutable).
 * @since 0.1
 */
SVCM_API int svcm_calendar_business_seconds(const svcm_calendar *cal,
                                            int64_t start, int64_t end,
                                            int64_t *out);

/**
 * @brief Batch form of svcm_calendar_business_seconds(): out[i] = business
 *        seconds from starts[i] to ends[i]. All or nothing.
 * @param cal the calendar.
 * @param starts,ends n instants each (may be NULL when n == 0).
 * @param n number of spans.
 * @param[out] out n results (written only on success).
 * @param[out] err optional: index of the first instant out of range, field
 *        "start" or "end".
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_ERANGE for an
 *         instant out of range.
 * @par Thread safety: safe from any thread; touches only @p out and @p err.
 * @since 0.1
 */
SVCM_API int svcm_calendar_business_seconds_batch(const svcm_calendar *cal,
                                                  const int64_t *starts,
                                                  const int64_t *ends, size_t n,
                                                  int64_t *out, svcm_error *err);

/**
 * @brief The earliest instant t >= start with exactly @p seconds business
 *        seconds in [start, t).
 *
 * With seconds > 0 the result is the end of the last counted second, so it
 * is inside hours or exactly at a closing instant (a ticket due at close is
 * due then, not at the next opening). With seconds == 0 the result is start
 * itself, open or not; use svcm_calendar_next_open() for the next opening.
 * For any a <= b: add(a, business_seconds(a, b)) <= b, with the same
 * business position.
 *
 * @param cal the calendar.
 * @param start instant within +-SVCM_CALENDAR_TIME_MAX (zoned: the years
 *        0000..9999).
 * @param seconds business seconds to add, >= 0.
 * @param[out] out receives the instant.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or seconds < 0;
 *         SVCM_ERANGE when start or the result is out of range;
 *         SVCM_ENOTFOUND when seconds > 0 and the calendar has no business
 *         time at all (out unchanged on failure).
 * @par Thread safety: safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_calendar_add_business_seconds(const svcm_calendar *cal,
                                                int64_t start, int64_t seconds,
                                                int64_t *out);

/**
 * @brief Batch form of svcm_calendar_add_business_seconds(). All or nothing.
 * @param cal the calendar.
 * @param starts,seconds n values each (may be NULL when n == 0).
 * @param n count.
 * @param[out] out n instants (written only on success).
 * @param[out] err optional: index of the first failing record, field "start"
 *        or "seconds".
 * @return as svcm_calendar_add_business_seconds(), for the first failing
 *         record.
 * @par Thread safety: safe from any thread; touches only @p out and @p err.
 * @since 0.1
 */
SVCM_API int svcm_calendar_add_business_seconds_batch(const svcm_calendar *cal,
                                                      const int64_t *starts,
                                                      const int64_t *seconds,
                                                      size_t n, int64_t *out,
                                                      svcm_error *err);

/**
 * @brief Whether an instant is within business hours (intervals are
 *        half-open: open at the opening instant, closed at the closing one).
 * @param cal the calendar.
 * @param t instant within +-SVCM_CALENDAR_TIME_MAX (zoned: the years
 *        0000..9999).
 * @param[out] open receives the answer.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_ERANGE for t out of
 *         range.
 * @par Thread safety: safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_calendar_is_open(const svcm_calendar *cal, int64_t t,
                                   bool *open);

/**
 * @brief The earliest instant >= t that is within business hours (t itself
 *        when open).
 * @param cal the calendar.
 * @param t instant within +-SVCM_CALENDAR_TIME_MAX (zoned: the years
 *        0000..9999).
 * @param[out] out receives the instant.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers; SVCM_ERANGE when t or the
 *         answer is out of range; SVCM_ENOTFOUND when the calendar has no
 *         business time at all.
 * @par Thread safety: safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_calendar_next_open(const svcm_calendar *cal, int64_t t,
                                     int64_t *out);

/**
 * @brief Parse the calendar text format.
 *
 * One `key = value` per line; blank lines and lines starting with `#` are
 * ignored; keys and the word `closed` are case-insensitive:
 *
 *     utc_offset = +08:00               # +-HH:MM, default +00:00
 *     zone = Europe/Berlin              # or instead of utc_offset (0.2)
 *     mon = 09:00-12:00, 13:00-18:00    # mon..sun: intervals, or "closed"
 *     sat = closed
 *     sun = 22:00-06:00                 # overnight: into Monday
 *     holiday = 2026-01-01, 2026-12-25  # YYYY-MM-DD, one or more
 *
 * `zone` takes what svcm_zone_new() takes, without blanks: an IANA name
 * (`Europe/Berlin`, read from the zone files), a POSIX TZ rule
 * (`CET-1CEST,M3.5.0,M10.5.0/3`) or a fixed offset (`+05:30`); the schedule
 * and holidays are then in that zone's local time, daylight saving
 * included (see the model above). `zone` and `utc_offset` together are an
 * error (field of the later one).
 *
 * Times are HH:MM or HH:MM:SS; 24:00 may end an interval. A weekday not
 * listed is closed; a weekday, utc_offset or zone given twice is an error;
 * holiday lines may repeat. The whole text, comments included, must be
 * valid UTF-8 (RFC 3629).
 *
 * @param text the text (need not be NUL-terminated).
 * @param len its length in bytes.
 * @param alloc allocator for the calendar and the parser's scratch, copied;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives the calendar (unchanged on failure); the caller
 *        owns it and frees it with svcm_calendar_free().
 * @param[out] err optional: on SVCM_EFORMAT, line and column are the
 *        1-based line and byte column of the offending token (for invalid
 *        UTF-8, of the first bad byte), index is SVCM_NO_INDEX, field names
 *        the key ("line" when the key is unknown or missing, or the text is
 *        not UTF-8) and message the reason, without the position (changed
 *        in 0.2: index held the line and the message began "line N:").
 * @return SVCM_OK; SVCM_EINVAL for NULL @p out, or NULL @p text with len > 0;
 *         SVCM_EFORMAT for text that is not valid UTF-8 (overlong forms,
 *         surrogates, code points above U+10FFFF, stray or missing
 *         continuation bytes: checked before anything else), any syntax
 *         error, unknown key, duplicate key, bad time or date, or an invalid
 *         schedule (overlapping intervals, start == end), or a malformed
 *         zone (column of the fault in a POSIX rule); SVCM_ENOTFOUND for a
 *         zone name with no zone file and SVCM_EIO for one that cannot be
 *         read (field "zone", line and column of the value); SVCM_ENOMEM.
 * @par Thread safety: reentrant; a zone name reads its zone file and TZDIR.
 * @since 0.1
 */
SVCM_API int svcm_calendar_parse(const char *text, size_t len,
                                 const svcm_allocator *alloc,
                                 svcm_calendar **out, svcm_error *err);

/**
 * @brief Write the calendar in the text format read by
 *        svcm_calendar_parse() (`zone = SPEC` or `utc_offset = +HH:MM` first,
 *        then all seven days, intervals sorted by start, holidays sorted and
 *        unique); parsing the text gives back an equivalent calendar with
 *        the same text.
 * @param cal the calendar.
 * @param buf destination, NUL-terminated on success; may be NULL to query.
 * @param cap capacity of @p buf in bytes: at least *len + 1.
 * @param[out] len receives the text length without the NUL, on success and
 *        on SVCM_ENOSPC (the length needed, without the NUL).
 * @return SVCM_OK; SVCM_EINVAL if cal or len is NULL (changed in 0.2: len
 *         is required); SVCM_ENOSPC if buf is NULL or cap < *len + 1
 *         (nothing written).
 * @par Thread safety: safe from any thread; touches only @p buf and @p len.
 * @since 0.1
 */
SVCM_API int svcm_calendar_format(const svcm_calendar *cal, char *buf,
                                   size_t cap, size_t *len);

/* ------------------------------------------------------------------ SLA */

/** @brief "No such instant" for optional ticket instants and due times. */
#define SVCM_SLA_NONE INT64_MIN
/** @brief Largest SLA target in business seconds (about 31.7 years). */
#define SVCM_SLA_TARGET_MAX INT64_C(1000000000)

/** @brief A pause of the SLA clock (ticket pending / on hold): [start, end). */
typedef struct svcm_sla_pause {
    int64_t start; /**< when the clock stopped (Unix seconds) */
    int64_t end; /**< SVCM_SLA_NONE: still paused (last pause of an unresolved ticket only) */
} svcm_sla_pause;

/**
 * @brief A ticket's SLA inputs.
 *
 * Pauses stop both clocks. The response clock stops at first_response, or
 * at resolved when the ticket was resolved without a recorded response.
 */
typedef struct svcm_sla_ticket {
    int64_t created;           /**< when the clocks start */
    int64_t first_response;    /**< SVCM_SLA_NONE if none yet */
    int64_t resolved;          /**< SVCM_SLA_NONE if still open */
    const svcm_sla_pause *pauses; /**< ordered, non-overlapping (may touch) */
    size_t n_pauses;           /**< number of entries in @p pauses */
    int64_t response_target;   /**< business seconds, 0 .. SVCM_SLA_TARGET_MAX */
    int64_t resolution_target; /**< business seconds, 0 .. SVCM_SLA_TARGET_MAX */
} svcm_sla_ticket;

/** @brief One metric (first response or resolution) of one ticket. */
typedef struct svcm_sla_metric {
    int64_t elapsed;   /**< business seconds on the clock up to the stop event (or now), pauses excluded */
    int64_t remaining; /**< target - elapsed; negative once over target */
    int64_t due;       /**< instant the target is (was) reached given the pauses so far; SVCM_SLA_NONE if never within range */
    bool stopped;      /**< the stop event happened */
    bool met;          /**< stopped with elapsed <= target */
    bool breached;     /**< elapsed > target (stopped or not) */
} svcm_sla_metric;

/** @brief Both metrics of a ticket. */
struct svcm_sla_result {
    svcm_sla_metric response;   /**< first response */
    svcm_sla_metric resolution; /**< resolution */
};

/**
 * @brief Compliance of one metric over many tickets.
 *
 * A ticket is decided when it met the target or breached it (an open ticket
 * already past its target is breached: it cannot be met any more); open
 * tickets still within target are pending and left out of the rate.
 */
typedef struct svcm_sla_rate {
    uint64_t met;      /**< tickets that met the target */
    uint64_t breached; /**< tickets past the target (stopped or not) */
    uint64_t pending;  /**< open tickets still within the target */
    double rate;      /**< met / (met + breached); NaN when nothing is decided */
    svcm_interval ci; /**< Wilson interval for rate; [NaN, NaN] when nothing is decided */
} svcm_sla_rate;

/** @brief Compliance of both metrics. */
typedef struct svcm_sla_summary {
    svcm_sla_rate response;   /**< first-response compliance */
    svcm_sla_rate resolution; /**< resolution compliance */
} svcm_sla_summary;

/**
 * @brief Evaluate one ticket's SLA timers as of @p now.
 *
 * elapsed = business seconds of [created, stop) minus those of the pauses
 * within it, where stop is the metric's stop event or @p now. The due instant
 * walks the business clock from created, skipping the pauses that fall
 * before the stop event; an ongoing pause is taken to end at @p now, so the
 * due instant of a paused ticket moves as now advances.
 *
 * @param cal the calendar.
 * @param ticket the ticket.
 * @param now the as-of instant (>= every recorded instant of the ticket).
 * @param[out] out the result.
 * @param[out] err optional: on SVCM_EINVAL, field "created",
 *        "first_response", "resolved", "pause.start", "pause.end", "now",
 *        "response_target" or "resolution_target" (index 0 for the ticket,
 *        or the pause index for pause fields).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, an instant out of range,
 *         first_response or resolved before created or after now,
 *         first_response after resolved, a target outside
 *         0..SVCM_SLA_TARGET_MAX, a pause with start >= end, before
 *         created, ending after resolved (or now), starting before the
 *         previous pause ends, or left ongoing when it is not the last pause
 *         or the ticket is resolved. Nothing is written on failure.
 * @par Thread safety: safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_sla_evaluate(const svcm_calendar *cal,
                               const svcm_sla_ticket *ticket, int64_t now,
                               struct svcm_sla_result *out, svcm_error *err);

/**
 * @brief Evaluate many tickets and count compliance per metric.
 * @param cal the calendar.
 * @param tickets n tickets (may be NULL when n == 0).
 * @param n count.
 * @param now the as-of instant.
 * @param confidence level of the Wilson intervals (Wilson 1927, via
 *        svcm_wilson()), in (0, 1).
 * @param[out] out the counts, rates and intervals.
 * @param[out] per_ticket optional array of n results (NULL to skip).
 * @param[out] err optional: on SVCM_EINVAL, index is the ticket at fault and
 *        field as in svcm_sla_evaluate() (pause fields name "pause.start" /
 *        "pause.end" and the message gives the pause index).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, bad confidence (outside
 *         (0, 1), or so close to 1 that svcm_wilson() refuses it; field
 *         "confidence") or any bad ticket (nothing written).
 * @par Thread safety: safe from any thread; touches only its outputs.
 * @since 0.1
 */
SVCM_API int svcm_sla_compliance(const svcm_calendar *cal,
                                 const svcm_sla_ticket *tickets, size_t n,
                                 int64_t now, double confidence,
                                 svcm_sla_summary *out,
                                 struct svcm_sla_result *per_ticket, svcm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_CALENDAR_H */
