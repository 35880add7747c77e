/**
 * @file svcm/time.h
 * @brief Timestamps and time zones: a locale-free timestamp parser (ISO 8601 /
 *        RFC 3339, Unix epoch seconds or milliseconds, strptime-like format
 *        strings), civil-date arithmetic (time.c), and time zones from fixed
 *        offsets, POSIX TZ rule strings and compiled IANA zone files (TZif,
 *        RFC 8536) (tzfile.c); the parser is in timefmt.c.
 *
 * Instants are `int64_t` Unix seconds (UTC, no leap seconds: every day has
 * 86400 seconds) plus, from the parser, nanoseconds in [0, 999999999].
 * Civil dates use the proleptic Gregorian calendar; the civil functions take
 * years ::SVCM_TIME_YEAR_MIN..::SVCM_TIME_YEAR_MAX.
 *
 * Nothing here reads the process's locale, `TZ` variable or libc's time
 * functions; the only outside state read is the zone file (and `$TZDIR`) when
 * svcm_zone_new() is given an IANA name.
 */
#ifndef SVCM_TIME_H
#define SVCM_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Smallest year of a civil date (1 BC in the proleptic calendar). */
#define SVCM_TIME_YEAR_MIN 0
/** @brief Largest year of a civil date. */
#define SVCM_TIME_YEAR_MAX 9999

/**
 * @brief A civil (wall-clock) date and time, without a zone.
 *
 * On input (svcm_time_from_civil(), svcm_zone_from_local()) @p weekday is
 * ignored; on output it is filled.
 */
typedef struct svcm_civil {
    int32_t year;   /**< ::SVCM_TIME_YEAR_MIN..::SVCM_TIME_YEAR_MAX */
    uint8_t month;  /**< 1..12 */
    uint8_t day;    /**< 1..days in that month (leap years counted) */
    uint8_t hour;   /**< 0..23 */
    uint8_t minute; /**< 0..59 */
    uint8_t second; /**< 0..59 (a leap second :60 exists only in parsed text) */
    uint8_t weekday; /**< output only: 0 = Sunday .. 6 = Saturday */
} svcm_civil;

/** @brief How the parser reads numbers as Unix time (svcm_time_options::epoch). */
typedef enum svcm_time_epoch {
    SVCM_TIME_EPOCH_NONE = 0, /**< text is a date (ISO 8601 or the format) */
    SVCM_TIME_EPOCH_S = 1,    /**< text is Unix seconds, e.g. `1700000000.25` */
    SVCM_TIME_EPOCH_MS = 2    /**< text is Unix milliseconds, e.g. `1700000000250` */
} svcm_time_epoch;

/**
 * @brief What a local civil time maps to when a zone's clocks jump.
 *
 * The rule is the offset to use, named after PEP 495's `fold` and
 * java.time's `withEarlierOffsetAtOverlap`:
 *
 * - A repeated local time (clocks fall back, e.g. 02:30 in Berlin on
 *   2026-10-25 happens at 00:30 UTC and again at 01:30 UTC): EARLIER gives the
 *   first occurrence (the offset before the transition, 00:30 UTC), LATER
 *   the second (the offset after it, 01:30 UTC).
 * - A non-existent local time (clocks spring forward, e.g. 02:30 in Berlin
 *   on 2026-03-29): EARLIER reads it with the offset before the transition
 *   (+01:00, giving 01:30 UTC, shown as 03:30 CEST), LATER with the offset
 *   after it (+02:00, giving 00:30 UTC, shown as 01:30 CET). This is
 *   PEP 495's fold=0 / fold=1 in a gap.
 * - ERROR refuses both with ::SVCM_EINVAL and a message saying the time
 *   "does not exist" or "is ambiguous" in the zone.
 */
typedef enum svcm_time_ambiguous {
    SVCM_TIME_AMBIGUOUS_EARLIER = 0, /**< offset before the transition (default) */
    SVCM_TIME_AMBIGUOUS_LATER = 1,   /**< offset after the transition */
    SVCM_TIME_AMBIGUOUS_ERROR = 2    /**< refuse with SVCM_EINVAL */
} svcm_time_ambiguous;

/** @brief A time zone (opaque). Immutable once made: safe to share between threads. */
typedef struct svcm_zone svcm_zone;

/* ------------------------------------------------------------ civil dates */

/**
 * @brief Days in a month of the proleptic Gregorian calendar.
 * @param year any year (leap: divisible by 4, except centuries not divisible by 400).
 * @param month 1..12.
 * @return 28..31, or 0 when @p month is outside 1..12.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_time_days_in_month(int32_t year, int month);

/**
 * @brief Unix seconds of a civil date and time read as UTC.
 * @param civil the date and time (weekday ignored); second must be 0..59.
 * @param[out] utc receives the Unix seconds.
 * @param[out] err optional detail (field "year", "month", "day", "hour",
 *        "minute", "second", "civil" or "utc").
 * @return SVCM_OK; SVCM_EINVAL for a NULL pointer or a field out of range.
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_time_from_civil(const svcm_civil *civil, int64_t *utc, svcm_error *err);

/**
 * @brief The UTC civil date and time of Unix seconds.
 * @param utc Unix seconds.
 * @param[out] out receives the civil time (weekday filled).
 * @return SVCM_OK; SVCM_EINVAL for NULL @p out; SVCM_ERANGE when the year is
 *         outside ::SVCM_TIME_YEAR_MIN..::SVCM_TIME_YEAR_MAX (nothing written).
 * @par Thread safety: pure function, safe from any thread.
 * @since 0.2
 */
SVCM_API int svcm_time_to_civil(int64_t utc, svcm_civil *out);

/* ------------------------------------------------------------------ zones */

/**
 * @brief Make a zone from a specification, tried in this order:
 *
 * 1. `UTC` (any case): offset 0, abbreviation "UTC".
 * 2. A fixed offset `+HH:MM`, `+HHMM` or `+HH` (or `-`), at most 23:59;
 *    its abbreviation is the offset as `+HH:MM`.
 * 3. A POSIX TZ rule string (POSIX.1-2017 §8.3 with the RFC 8536 §3.3.1
 *    extensions: transition times from -167 to 167 hours), e.g.
 *    `CET-1CEST,M3.5.0,M10.5.0/3`, `EST5EDT,M3.2.0,M11.1.0`, `<+08>-8`,
 *    `<+1030>-10:30<+11>-11,M10.1.0,M4.1.0`; rule dates `Jn` (1..365, Feb 29
 *    never counted), `n` (0..365, counted) and `Mm.w.d`. A zone with DST
 *    must give its rule (POSIX leaves the default to the implementation).
 * 4. An IANA name (`Europe/Berlin`): the compiled file under `$TZDIR`, or
 *    `/usr/share/zoneinfo` when TZDIR is unset, read as by svcm_zone_load().
 *    Names are made of letters, digits and `_ + - . /`; a leading `/` and
 *    `.`/`..` components are refused.
 *
 * @param spec the specification (NUL-terminated, at most 255 bytes).
 * @param alloc allocator for the zone, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives the new zone (free with svcm_zone_free()); set
 *        only on success.
 * @param[out] err optional detail (field "spec", or "tzif" for a bad file;
 *        column = 1-based byte of a POSIX string where parsing failed).
 * @return SVCM_OK; SVCM_EINVAL for NULL or empty @p spec or NULL @p out;
 *         SVCM_EFORMAT for a malformed offset, TZ string, name or zone file;
 *         SVCM_ENOTFOUND when no zone file has that name; SVCM_EIO when the
 *         file cannot be read; SVCM_ENOMEM.
 * @par Thread safety: reentrant; reads the environment variable TZDIR.
 * @since 0.2
 */
SVCM_API int svcm_zone_new(const char *spec, const svcm_allocator *alloc,
                           svcm_zone **out, svcm_error *err);

/**
 * @brief Make a zone from the bytes of a compiled TZif file (RFC 8536,
 *        versions 1 to 4).
 *
 * Version 2+ files are read from their 64-bit data block, and instants after
 * the last transition follow the footer's TZ string (when not empty);
 * instants before the first transition use time type 0. Leap-second records
 * (the `right/` zones) are checked but not applied: instants stay POSIX
 * seconds. The zone's name is "TZif".
 *
 * @param tzif the bytes; not retained.
 * @param len their length.
 * @param alloc allocator for the zone, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives the new zone; set only on success.
 * @param[out] err optional detail (field "tzif").
 * @return SVCM_OK; SVCM_EINVAL for NULL @p tzif (with len > 0) or @p out;
 *         SVCM_EFORMAT for anything malformed (bad magic or version,
 *         truncated data, counts that disagree, unordered transitions, type
 *         or abbreviation indexes out of range, a bad footer, trailing
 *         bytes); SVCM_ENOMEM.
 * @par Thread safety: reentrant.
 * @since 0.2
 */
SVCM_API int svcm_zone_load(const unsigned char *tzif, size_t len, const svcm_allocator *alloc,
                            svcm_zone **out, svcm_error *err);

/**
 * @brief Free a zone.
 * @param zone may be NULL (no-op).
 * @par Thread safety: the zone must not be in use by another thread.
 * @since 0.2
 */
SVCM_API void svcm_zone_free(svcm_zone *zone);

/**
 * @brief The specification the zone was made from ("TZif" for svcm_zone_load()).
 * @param zone the zone, or NULL.
 * @return a string owned by the zone (valid until svcm_zone_free()), or ""
 *         for NULL.
 * @par Thread safety: safe; the zone is immutable.
 * @since 0.2
 */
SVCM_API const char *svcm_zone_name(const svcm_zone *zone);

/**
 * @brief The zone's UTC offset at an instant.
 * @param zone the zone.
 * @param utc Unix seconds (any int64_t: rules repeat every 400 years).
 * @param[out] offset_s receives local time minus UTC, in seconds (east positive).
 * @param[out] is_dst optional: receives 1 when daylight saving time is in effect, else 0.
 * @return SVCM_OK; SVCM_EINVAL for NULL @p zone or @p offset_s.
 * @par Thread safety: safe; the zone is immutable.
 * @since 0.2
 */
SVCM_API int svcm_zone_offset(const svcm_zone *zone, int64_t utc, int32_t *offset_s,
                              int *is_dst);

/**
 * @brief The zone's abbreviation at an instant ("CET", "EDT", "+08", "UTC").
 * @param zone the zone, or NULL.
 * @param utc Unix seconds.
 * @return a string owned by the zone (valid until svcm_zone_free()); "" for NULL.
 * @par Thread safety: safe; the zone is immutable.
 * @since 0.2
 */
SVCM_API const char *svcm_zone_abbrev(const svcm_zone *zone, int64_t utc);

/**
 * @brief The local civil time of an instant in a zone.
 * @param zone the zone.
 * @param utc Unix seconds.
 * @param[out] out receives the local civil time (weekday filled).
 * @param[out] offset_s optional: receives the offset used.
 * @return SVCM_OK; SVCM_EINVAL for NULL @p zone or @p out; SVCM_ERANGE when the
 *         local year is outside ::SVCM_TIME_YEAR_MIN..::SVCM_TIME_YEAR_MAX.
 * @par Thread safety: safe; the zone is immutable.
 * @since 0.2
 */
SVCM_API int svcm_zone_to_local(const svcm_zone *zone, int64_t utc, svcm_civil *out,
                                int32_t *offset_s);

/**
 * @brief The instant of a local civil time in a zone, with @p ambiguous
 *        deciding skipped and repeated local times (see ::svcm_time_ambiguous).
 *
 * Transitions are found by probing the zone one day either side, so zones
 * whose offset changes twice within a day around @p civil may be resolved
 * as if only one of those changes happened.
 *
 * @param zone the zone.
 * @param civil local date and time (weekday ignored), second 0..59.
 * @param ambiguous the rule for skipped and repeated times.
 * @param[out] utc receives Unix seconds.
 * @param[out] err optional detail (field of @p civil, or "ambiguous",
 *        or "local" for a refused time).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a field out of range, an
 *         unknown @p ambiguous value, or (with SVCM_TIME_AMBIGUOUS_ERROR) a
 *         time that does not exist or is ambiguous in the zone.
 * @par Thread safety: safe; the zone is immutable.
 * @since 0.2
 */
SVCM_API int svcm_zone_from_local(const svcm_zone *zone, const svcm_civil *civil,
                                  svcm_time_ambiguous ambiguous, int64_t *utc,
                                  svcm_error *err);

/* ----------------------------------------------------------------- parser */

/** @brief Parser options; fill with svcm_time_options_init() first. */
typedef struct svcm_time_options {
    /** strptime-like format, or NULL for ISO 8601 / RFC 3339 (default NULL);
     *  see svcm_time_parse(). Must be NULL when @p epoch is set. */
    const char *format;
    svcm_time_epoch epoch;         /**< default SVCM_TIME_EPOCH_NONE */
    svcm_time_ambiguous ambiguous; /**< default SVCM_TIME_AMBIGUOUS_EARLIER */
} svcm_time_options;

/**
 * @brief Fill @p opts with the defaults: ISO 8601, no epoch, EARLIER.
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.2
 */
SVCM_API void svcm_time_options_init(svcm_time_options *opts);

/**
 * @brief Parse one timestamp.
 *
 * Spaces and tabs around the text are skipped. Three modes:
 *
 * - **ISO 8601 / RFC 3339** (format NULL, epoch NONE): `YYYY-MM-DD`, then
 *   optionally `T`, `t` or a space and `HH:MM`, `HH:MM:SS` or `HH:MM:SS.f`
 *   (fraction after `.` or `,`, any number of digits, truncated to
 *   nanoseconds), then optionally `Z`/`z`, `+HH:MM`, `+HHMM` or `+HH` (or
 *   `-`). The basic form `YYYYMMDDTHHMM[SS[.f]]` with `Z`/`+HHMM`/`+HH` is
 *   read too. Anything else, e.g. a bare `20260218` or `01/02/2010`, is
 *   refused: layouts are never guessed.
 * - **Epoch** (epoch S or MS): an optional sign, digits and an optional
 *   `.` fraction, e.g. `1700000000`, `-1.5`, `1700000000123`.
 * - **Format string**: literal bytes match themselves, a space matches one
 *   or more spaces, and the directives are: `%Y` 4-digit year; `%y` 2-digit
 *   year, 69..99 -> 1969..1999 and 00..68 -> 2000..2068 (as POSIX
 *   strptime); `%m` month, `%d` day, `%H` hour 0..23, `%I` hour 1..12 (needs
 *   `%p`), `%M` minute, `%S` second, each one or two digits; `%e` day with
 *   an optional leading space; `%f` fraction digits (any number); `%p`
 *   AM/PM; `%b`/`%B` English month name, full or 3-letter, any case; `%j`
 *   day of the year 1..366 (not with %m/%d/%b); `%z` offset as in ISO;
 *   `%Z` only `UTC`, `GMT` or `Z`; `%%` a percent sign. The format must
 *   contain a year (`%Y` or `%y`): time-only formats are refused (join a
 *   date column and a time column first). Missing fields default to
 *   month 1, day 1, 00:00:00.
 *
 * Ranges: month 1..12, day within the month (leap years counted), hour
 * 0..23 (24:00 is refused), minute 0..59, second 0..60. Second 60 is read as
 * a leap second and mapped to the instant one second after :59, i.e. :00 of
 * the next minute (23:59:60Z is 00:00:00Z of the next day).
 *
 * A text without an offset is local time in @p zone (NULL: UTC), mapped with
 * opts->ambiguous (see svcm_zone_from_local()); an offset in the text wins.
 *
 * @param text the text (need not be NUL-terminated; NUL bytes are refused).
 * @param len its length in bytes.
 * @param opts options (NULL: the defaults).
 * @param zone zone for texts without an offset, or NULL for UTC.
 * @param[out] seconds receives Unix seconds (floor for negative epoch values).
 * @param[out] nanos optional: receives nanoseconds in [0, 999999999].
 * @param[out] err optional detail: for text errors line 0, column = 1-based
 *        byte of @p text where parsing failed, field "time" or the directive
 *        (e.g. "%m"); the message of a layout that is not ISO 8601 lists the
 *        choices (ISO 8601, a format string, epoch s|ms).
 * @return SVCM_OK; SVCM_EFORMAT for text that does not match or a field out
 *         of range; SVCM_ERANGE for an epoch value beyond int64_t seconds;
 *         SVCM_EINVAL for NULL @p seconds, NULL @p text with len > 0, bad
 *         options (unknown directive, format without a year, `%I` without
 *         `%p`, format and epoch both set; field "format" or "epoch"), or a
 *         local time refused by SVCM_TIME_AMBIGUOUS_ERROR.
 * @par Thread safety: reentrant; the zone is only read.
 * @since 0.2
 */
SVCM_API int svcm_time_parse(const char *text, size_t len, const svcm_time_options *opts,
                             const svcm_zone *zone, int64_t *seconds, int32_t *nanos,
                             svcm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_TIME_H */
