/**
 * @file svcm/priority.h
 * @brief What do we work on first? Eisenhower quadrants from importance and
 *        time-based urgency, ITIL impact x urgency priority tables, a
 *        weighted dispatch score with aging, WSJF, and a live dispatch queue.
 *
 * @par Importance (0..1)
 * A weighted mean of four normalised inputs (weights in
 * ::svcm_priority_options, any non-negative values with a positive sum):
 *
 *     importance = (w_tier*T + w_impact*I + w_severity*S + w_value*V)
 *                  / (w_tier + w_impact + w_severity + w_value)
 *     T = (4 - tier) / 4           VIP 1, key 0.75, regular 0.5, potential 0.25, lost 0
 *     I = (4 - impact) / 3         organisation 1, department 2/3, team 1/3, individual 0
 *     S = (4 - severity) / 3       severity 1 (critical) 1 .. severity 4 (minor) 0
 *     V = value                    business value, already on 0..1
 *
 * A request is *important* when importance >= important_threshold.
 *
 * @par Urgency (0..1), derived from time
 * The fraction of the request's window [created, due] that has elapsed at
 * the instant `now`:
 *
 *     urgency = 0                                  now <= created
 *             = (now - created) / (due - created)  created < now < due
 *             = 1                                  now >= due (due or past due)
 *
 * so the same request grows more urgent as time passes and is most urgent
 * once due. The explicit `urgent` flag forces urgency 1; a request without a
 * deadline (due = ::SVCM_NO_DUE) has urgency 0 unless flagged. A request is
 * *urgent* when urgency >= urgent_threshold.
 *
 * @par ITIL priority
 * The request's ITIL impact level is its importance cut into `rows` equal
 * bands (level 1 = the top band), its ITIL urgency level is its urgency cut
 * into `cols` equal bands, and the priority is the cell of the options'
 * table (built in: the ITIL v3 3x3 table, P1..P5).
 *
 * @par Dispatch score
 *
 *     base  = w_quadrant * Q + w_itil * P + w_tier_score * T + w_sla * U
 *     score = base + aging_per_hour * max(0, now - created) / 3600
 *     Q = DO 1, SCHEDULE 2/3, DELEGATE 1/3, ELIMINATE 0
 *     P = (levels - priority) / (levels - 1)   P1 = 1, lowest = 0 (1 if levels == 1)
 *     U = urgency (the share of the SLA window used up; 1 at or past due)
 *
 * Higher scores go first. 0 <= base <= B = w_quadrant + w_itil +
 * w_tier_score + w_sla (100 with the defaults). Aging is linear and
 * uncapped, which gives the starvation bound: with r = aging_per_hour/3600
 * > 0, a request created at c is dispatched before every request created
 * after c + B/r (its score exceeds theirs at every instant), so it waits
 * only behind the finitely many requests that arrived before then.
 *
 * @par Order
 * Dispatch order is score descending, then due ascending (no deadline
 * last), then id ascending, then input position: a total order, so sorting
 * is stable and deterministic.
 *
 * @par Dispatch queue and time
 * A score depends on the instant, and two requests' scores can cross as
 * time passes, so no single heap order is right for every instant. The
 * queue therefore keeps an *instant of scoring*: its heap is ordered by the
 * scores at that instant (initially 0). push() and update() score the new
 * request at that instant (O(log n)); pop(t) and peek(t) at the same
 * instant are O(log n); at a different instant they first re-score every
 * entry and rebuild the heap (O(n), exactly what rescore(t) does). Hence
 * successive pops at instant t return the requests in exactly the order of
 * svcm_priority_order() at t. Callers that dispatch continuously should
 * pass a clock rounded to their tolerance (say, the minute) so that most
 * pops hit the O(log n) path.
 */
#ifndef SVCM_PRIORITY_H
#define SVCM_PRIORITY_H

#include <stdbool.h>

#include "common.h"
#include "tier.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief How far a request's effect reaches, 1 = widest. Values are stable.
 *
 * Numbered like ITIL and ServiceNow number impact (1 = highest), so the
 * first three are also the impact levels High, Medium, Low of the built-in
 * ITIL table: svcm_itil_priority(NULL, SVCM_IMPACT_ORGANISATION,
 * SVCM_URGENCY_LEVEL_HIGH, ...) gives priority 1. (@since 0.2: was 0 =
 * individual .. 3 = organisation.)
 */
typedef enum svcm_impact {
    SVCM_IMPACT_ORGANISATION = 1, /**< the whole organisation (ITIL impact High) */
    SVCM_IMPACT_DEPARTMENT = 2,   /**< a department or site (ITIL impact Medium) */
    SVCM_IMPACT_TEAM = 3,         /**< a team (ITIL impact Low) */
    SVCM_IMPACT_INDIVIDUAL = 4    /**< one person (beyond the built-in table's 3 rows) */
} svcm_impact;

/** @brief Number of impact scopes. */
#define SVCM_IMPACT_COUNT 4
/** @brief Widest impact scope (organisation). @since 0.2 */
#define SVCM_IMPACT_MIN 1
/** @brief Narrowest impact scope (individual). @since 0.2 */
#define SVCM_IMPACT_MAX 4

/**
 * @brief ITIL urgency levels of the built-in table (1 = highest, as ITIL
 *        and ServiceNow number them). Values are stable.
 * @since 0.2
 */
typedef enum svcm_urgency_level {
    SVCM_URGENCY_LEVEL_HIGH = 1,   /**< must be handled at once */
    SVCM_URGENCY_LEVEL_MEDIUM = 2, /**< soon */
    SVCM_URGENCY_LEVEL_LOW = 3     /**< can wait */
} svcm_urgency_level;

/** @brief Number of urgency levels of the built-in ITIL table. @since 0.2 */
#define SVCM_URGENCY_LEVEL_COUNT 3

/** @brief Most severe severity level (critical). */
#define SVCM_SEVERITY_MIN 1
/** @brief Least severe severity level (minor). */
#define SVCM_SEVERITY_MAX 4

/** @brief svcm_request::due value meaning "no deadline". */
#define SVCM_NO_DUE INT64_MAX

/** @brief Eisenhower quadrants. Values are stable. */
typedef enum svcm_quadrant {
    SVCM_QUADRANT_DO = 0,        /**< urgent and important */
    SVCM_QUADRANT_SCHEDULE = 1,  /**< important, not urgent */
    SVCM_QUADRANT_DELEGATE = 2,  /**< urgent, not important */
    SVCM_QUADRANT_ELIMINATE = 3  /**< neither */
} svcm_quadrant;

/** @brief Number of quadrants. */
#define SVCM_QUADRANT_COUNT 4

/** @brief A request to prioritise (a plain value record). */
typedef struct svcm_request {
    int64_t id;       /**< caller's identifier (unique within a queue) */
    svcm_tier tier;   /**< customer tier, an ::svcm_tier value (0..4) in one byte, as
                           svcm_segment_assign() writes them (@since 0.2; was int) */
    int impact;       /**< ::svcm_impact, 1 (organisation) .. 4 (individual)
                           (@since 0.2; was 0 = individual .. 3) */
    int severity;     /**< 1 (critical) .. 4 (minor) */
    double value;     /**< business value on 0..1 */
    int64_t created;  /**< instant the request was raised */
    int64_t due;      /**< due instant or SLA deadline (>= created), or SVCM_NO_DUE */
    bool urgent;      /**< explicit "urgent" flag: forces urgency 1 */
} svcm_request;

/** @brief Largest number of rows, columns and priority levels of a table. */
#define SVCM_ITIL_MAX 16

/**
 * @brief An ITIL priority table: priority = cell[impact - 1][urgency - 1].
 *
 * Impact level 1 and urgency level 1 are the highest; priority 1 is the
 * most urgent. A valid table has 1 <= rows, cols <= SVCM_ITIL_MAX,
 * 1 <= levels <= SVCM_ITIL_MAX and every cell of the rows x cols block in
 * 1..levels (0 marks a hole and is rejected). Cells outside the block are
 * ignored.
 */
typedef struct svcm_itil_table {
    int rows;    /**< impact levels */
    int cols;    /**< urgency levels */
    int levels;  /**< priorities 1..levels */
    unsigned char cell[SVCM_ITIL_MAX][SVCM_ITIL_MAX]; /**< [impact-1][urgency-1] */
} svcm_itil_table;

/** @brief Weights, thresholds and table used to prioritise requests. */
typedef struct svcm_priority_options {
    double w_tier;              /**< importance weight of the tier (default 0.25) */
    double w_impact;            /**< importance weight of the impact scope (0.30) */
    double w_severity;          /**< importance weight of the severity (0.30) */
    double w_value;             /**< importance weight of the business value (0.15) */
    double important_threshold; /**< important when importance >= this (0.5), in [0, 1] */
    double urgent_threshold;    /**< urgent when urgency >= this (0.75), in [0, 1] */
    double w_quadrant;          /**< score weight of the quadrant (40) */
    double w_itil;              /**< score weight of the ITIL priority (30) */
    double w_tier_score;        /**< score weight of the customer tier (10) */
    double w_sla;               /**< score weight of the SLA window used up (20) */
    double aging_per_hour;      /**< score added per hour waited (1.0); 0 disables aging */
    svcm_itil_table table;      /**< ITIL table (default: svcm_itil_table_init()) */
} svcm_priority_options;

/** @brief The classification of one request at one instant. */
struct svcm_priority_result {
    int64_t id;             /**< the request's id */
    int64_t due;            /**< the request's due instant (tie-break) */
    size_t index;           /**< position of the request in the input */
    double importance;      /**< 0..1 */
    double urgency;         /**< 0..1 */
    double score;           /**< dispatch score, higher first */
    svcm_quadrant quadrant; /**< Eisenhower quadrant */
    int priority;           /**< ITIL priority, 1..table.levels */
};

/* ---------------------------------------------------------------- quadrants */

/**
 * @brief The Eisenhower quadrant of an (urgent, important) pair.
 * @param urgent whether the request is urgent.
 * @param important whether the request is important.
 * @return DO, SCHEDULE, DELEGATE or ELIMINATE.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API svcm_quadrant svcm_quadrant_of(bool urgent, bool important);

/**
 * @brief Lower-case name of a quadrant: "do", "schedule", "delegate",
 *        "eliminate".
 * @param quadrant a ::svcm_quadrant value.
 * @return a static string; NULL when @p quadrant is out of range.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API const char *svcm_quadrant_name(int quadrant);

/**
 * @brief The advice a quadrant implies (one English sentence).
 * @param quadrant a ::svcm_quadrant value.
 * @return a static string; NULL when @p quadrant is out of range.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API const char *svcm_quadrant_advice(int quadrant);

/**
 * @brief Parse a quadrant name (case-insensitive).
 * @param name NUL-terminated name, e.g. "schedule".
 * @param[out] out the quadrant.
 * @return SVCM_OK; SVCM_EINVAL for NULL arguments or an unknown name.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_quadrant_parse(const char *name, svcm_quadrant *out);

/**
 * @brief Lower-case name of an impact scope: "organisation" (1),
 *        "department" (2), "team" (3), "individual" (4).
 * @param impact a ::svcm_impact value, 1..4 (@since 0.2; was 0..3).
 * @return a static string; NULL when @p impact is out of range.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API const char *svcm_impact_name(int impact);

/**
 * @brief Parse an impact scope name (case-insensitive; "organization" is
 *        accepted too).
 * @param name NUL-terminated name.
 * @param[out] out the scope, 1 (organisation) .. 4 (individual).
 * @return SVCM_OK; SVCM_EINVAL for NULL arguments or an unknown name.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_impact_parse(const char *name, svcm_impact *out);

/* --------------------------------------------------------------- ITIL tables */

/**
 * @brief Fill @p table with the ITIL v3 impact x urgency table (ITIL
 *        Service Operation, Incident Management prioritisation):
 *
 *     impact \ urgency   High  Medium  Low
 *     High                 1      2     3
 *     Medium               2      3     4
 *     Low                  3      4     5
 *
 * with priorities 1 Critical, 2 High, 3 Medium, 4 Low, 5 Planning.
 * @param[out] table receives the table; NULL is a no-op.
 * @par Thread safety: safe; touches only @p table.
 * @since 0.1
 */
SVCM_API void svcm_itil_table_init(svcm_itil_table *table);

/**
 * @brief Check a caller-built table (see ::svcm_itil_table).
 * @param table the table.
 * @param[out] err optional detail: index = row (0-based) at fault, field
 *        "rows", "cols", "levels" or "cell".
 * @return SVCM_OK; SVCM_EINVAL for NULL, dimensions or levels out of
 *         1..SVCM_ITIL_MAX, or a cell that is 0 (a hole) or above levels.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_itil_table_check(const svcm_itil_table *table, svcm_error *err);

/**
 * @brief Build a table from a rows x cols row-major array of priorities;
 *        levels becomes the largest cell.
 * @param rows impact levels, 1..SVCM_ITIL_MAX.
 * @param cols urgency levels, 1..SVCM_ITIL_MAX.
 * @param cells rows*cols priorities, each in 1..SVCM_ITIL_MAX.
 * @param[out] out receives the table, only on success.
 * @param[out] err optional detail (index = row, field "rows", "cols" or "cell").
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, bad dimensions or a cell
 *         out of range (0 is a hole).
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_itil_table_from_array(size_t rows, size_t cols, const int *cells,
                                        svcm_itil_table *out, svcm_error *err);

/**
 * @brief Parse the text form of a table: one row per line, cells as
 *        decimal integers separated by spaces, tabs or commas. Blank lines
 *        and lines starting with '#' are skipped. Every row must have as
 *        many cells as the first; levels becomes the largest cell, unless
 *        a line "levels N" (N in 1..SVCM_ITIL_MAX; @since 0.2) comes
 *        before the first row, which sets levels to N and makes a cell
 *        above N an error. svcm_itil_table_format() writes this form.
 *
 * Example: "1 2 3\n2 3 4\n3 4 5\n" is the built-in table; "levels 6\n1
 * 2\n2 3\n" a 2 x 2 table of 6 priority levels.
 * @param text the text (need not be NUL-terminated).
 * @param len its length in bytes.
 * @param[out] out receives the table, only on success.
 * @param[out] err optional detail: line and column (1-based; column 0
 *             for a whole row) of the fault, index = the 0-based table row
 *             for an error inside a row, else SVCM_NO_INDEX; the message
 *             does not repeat the position (changed in 0.2: index held
 *             the line and the message began "line N:").
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers or a cell outside
 *         1..SVCM_ITIL_MAX (field "cell"); SVCM_EFORMAT for text, comments
 *         included, that is not valid UTF-8 (RFC 3629; field "line", line
 *         and column of the first bad byte; checked before anything
 *         else), a token that is
 *         not an integer (field "cell"), a row with a different number of
 *         cells (field "cols"), too many rows or columns, or no rows at all
 *         (field "rows"), or a "levels" line that is repeated, comes after
 *         a row or does not hold one number (field "levels"); SVCM_EINVAL
 *         too for a "levels" number outside 1..SVCM_ITIL_MAX (field
 *         "levels") or a cell above it (field "cell").
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_itil_table_parse(const char *text, size_t len, svcm_itil_table *out,
                                   svcm_error *err);

/**
 * @brief Write a table as text that svcm_itil_table_parse() reads back to
 *        an equal table (same rows, cols, levels and cells of the rows x
 *        cols block): one line per impact level, the cells in decimal
 *        separated by one space, each line ending in "\n", preceded by a
 *        line "levels N" only when levels is above the largest cell. The
 *        built-in table is "1 2 3\n2 3 4\n3 4 5\n".
 *
 * Text-writer contract (the same for every svcm_X_format): on success the
 * text is NUL-terminated and *len is its length without the NUL, so @p cap
 * must be at least *len + 1. With @p buf NULL (any @p cap) or @p cap too
 * small the result is ::SVCM_ENOSPC, *len is set to the length needed
 * (without the NUL) and nothing is written: call once with NULL to size
 * the buffer.
 * @param table the table (checked with svcm_itil_table_check() first).
 * @param buf destination, or NULL to query the size.
 * @param cap capacity of @p buf in bytes.
 * @param[out] len receives the text length without the NUL (also on
 *        ::SVCM_ENOSPC); must not be NULL.
 * @return SVCM_OK; SVCM_EINVAL for a NULL @p len, a NULL or invalid table
 *         (see svcm_itil_table_check()); SVCM_ENOSPC when @p buf is NULL
 *         or @p cap < *len + 1 (nothing written). Allocates nothing.
 * @par Thread safety: touches only @p buf and @p len.
 * @since 0.2
 */
SVCM_API int svcm_itil_table_format(const svcm_itil_table *table, char *buf, size_t cap,
                                    size_t *len);

/**
 * @brief Look up a priority.
 * @param table a table, or NULL for the built-in ITIL table (impact and
 *        urgency 1 = high, 2 = medium, 3 = low).
 * @param impact impact level, 1..rows (1 = highest); an ::svcm_impact
 *        scope can be passed as is (organisation 1 .. team 3 on the
 *        built-in table).
 * @param urgency urgency level, 1..cols (1 = highest), e.g. an
 *        ::svcm_urgency_level.
 * @param[out] out receives the priority (1 = most urgent).
 * @param[out] err optional detail (field "impact", "urgency" or the
 *        table's).
 * @return SVCM_OK; SVCM_EINVAL for a NULL @p out, an invalid table, or a
 *         level out of range.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_itil_priority(const svcm_itil_table *table, int impact, int urgency,
                                int *out, svcm_error *err);

/* ------------------------------------------------------------ classification */

/**
 * @brief Fill @p opts with the defaults listed in ::svcm_priority_options.
 * @param[out] opts the options; NULL is a no-op.
 * @par Thread safety: safe; touches only @p opts.
 * @since 0.1
 */
SVCM_API void svcm_priority_options_init(svcm_priority_options *opts);

/**
 * @brief Check options: every weight finite and >= 0, the four importance
 *        weights with a positive finite sum, the four score weights with a
 *        finite sum, thresholds in [0, 1], aging finite and >= 0 and small
 *        enough that every score stays finite (aging_per_hour * 2^64 / 3600
 *        plus the score weights' sum must be finite, i.e. aging_per_hour
 *        below about 9.7e288), a valid table.
 * @param opts the options.
 * @param[out] err optional detail (field = the option's name).
 * @return SVCM_OK; SVCM_EINVAL for NULL or a bad option.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_priority_options_check(const svcm_priority_options *opts, svcm_error *err);

/**
 * @brief Check one request: tier in 0..4, impact in 1..4, severity in 1..4,
 *        value finite in [0, 1], due >= created (or SVCM_NO_DUE).
 * @param req the request.
 * @param[out] err optional detail (index SVCM_NO_INDEX, field "tier",
 *        "impact", "severity", "value" or "due").
 * @return SVCM_OK; SVCM_EINVAL for NULL or a bad field.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_request_check(const svcm_request *req, svcm_error *err);

/**
 * @brief Importance of a request (see the file comment), 0..1.
 * @param opts options, or NULL for the defaults.
 * @param req the request.
 * @param[out] out receives the importance.
 * @param[out] err optional detail.
 * @return SVCM_OK; SVCM_EINVAL for NULL @p req / @p out, bad options or a
 *         bad request.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_importance(const svcm_priority_options *opts, const svcm_request *req,
                             double *out, svcm_error *err);

/**
 * @brief Urgency of a request at instant @p now (see the file comment), 0..1.
 * @param req the request.
 * @param now the current instant.
 * @param[out] out receives the urgency.
 * @param[out] err optional detail.
 * @return SVCM_OK; SVCM_EINVAL for NULL @p req / @p out or a bad request.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_urgency(const svcm_request *req, int64_t now, double *out, svcm_error *err);

/**
 * @brief Classify and score requests at instant @p now, in input order.
 * @param opts options, or NULL for the defaults.
 * @param reqs @p n requests (may be NULL when n is 0).
 * @param n number of requests.
 * @param now the current instant.
 * @param[out] out @p n results; written only when every request is valid.
 * @param[out] err optional detail: index of the first bad request and its
 *        field (index SVCM_NO_INDEX for a bad option).
 * @return SVCM_OK; SVCM_EINVAL for NULL arrays with n > 0, bad options or
 *         a bad request.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_priority_classify(const svcm_priority_options *opts, const svcm_request *reqs,
                                    size_t n, int64_t now, struct svcm_priority_result *out,
                                    svcm_error *err);

/**
 * @brief Sort results into dispatch order in place: score descending, due
 *        ascending, id ascending, input index ascending (a total order, so
 *        the result is deterministic and stable).
 * @param res @p n results, e.g. from svcm_priority_classify().
 * @param n number of results.
 * @param alloc allocator for O(n) scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @return SVCM_OK; SVCM_EINVAL for NULL @p res with n > 0 or a NaN score;
 *         SVCM_ERANGE for more than UINT32_MAX results; SVCM_ENOMEM. The
 *         results are unchanged on failure.
 * @par Thread safety: safe; touches only @p res.
 * @since 0.1
 */
SVCM_API int svcm_priority_sort(struct svcm_priority_result *res, size_t n, const svcm_allocator *alloc);

/**
 * @brief Classify requests at @p now and return them in dispatch order:
 *        svcm_priority_classify() then svcm_priority_sort().
 * @param opts options, or NULL for the defaults.
 * @param reqs @p n requests.
 * @param n number of requests.
 * @param now the current instant.
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out @p n results in dispatch order (struct svcm_priority_result::index
 *        gives each one's input position); written only on success.
 * @param[out] err optional detail as for svcm_priority_classify().
 * @return SVCM_OK; SVCM_EINVAL as for svcm_priority_classify();
 *         SVCM_ERANGE for more than UINT32_MAX requests; SVCM_ENOMEM.
 *         Nothing is written on failure.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_priority_order(const svcm_priority_options *opts, const svcm_request *reqs,
                                 size_t n, int64_t now, const svcm_allocator *alloc,
                                 struct svcm_priority_result *out, svcm_error *err);

/** @brief Largest svcm_priority_run_options::threads. @since 0.2 */
#define SVCM_PRIORITY_MAX_THREADS 64

/**
 * @brief How svcm_priority_run() runs: execution settings, kept apart from
 *        ::svcm_priority_options (which say how requests are scored and
 *        travel with a saved queue; these only say how fast a batch is
 *        ordered, and never change a result).
 *
 * Initialise with svcm_priority_run_options_init().
 * @since 0.2
 */
typedef struct svcm_priority_run_options {
    /** Threads to use, 1..::SVCM_PRIORITY_MAX_THREADS; default 1 (the
     *  calling thread only: no thread is created). Results are bit for bit
     *  the same for every value. */
    unsigned threads;
} svcm_priority_run_options;

/**
 * @brief Fill @p o with the defaults (1 thread).
 * @param[out] o the settings; NULL is a no-op.
 * @par Thread safety: touches only @p o.
 * @since 0.2
 */
SVCM_API void svcm_priority_run_options_init(svcm_priority_run_options *o);

/**
 * @brief Check execution settings.
 * @param o the settings.
 * @param[out] err optional: field "threads" for a thread count out of range.
 * @return SVCM_OK; SVCM_EINVAL for NULL or threads outside
 *         1..::SVCM_PRIORITY_MAX_THREADS.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_priority_run_options_check(const svcm_priority_run_options *o,
                                             svcm_error *err);

/**
 * @brief Column outputs of svcm_priority_run(): one array per field of
 *        struct svcm_priority_result, each NULL (not wanted) or room for n
 *        entries. Entry i of every column belongs to the i-th result in
 *        dispatch order. The struct itself is only read.
 * @since 0.2
 */
typedef struct svcm_priority_columns {
    int64_t *index;     /**< input position of each result (struct svcm_priority_result::index) */
    int64_t *id;        /**< the request's id */
    int64_t *due;       /**< the request's due instant (::SVCM_NO_DUE for none) */
    double *importance; /**< 0..1 */
    double *urgency;    /**< 0..1 */
    double *score;      /**< dispatch score */
    uint8_t *quadrant;  /**< ::svcm_quadrant values */
    uint8_t *priority;  /**< ITIL priority, 1..table.levels */
} svcm_priority_columns;

/**
 * @brief svcm_priority_order() on up to @p run->threads threads, writing
 *        the results as structs, as columns, or both.
 *
 * The results and their order are those of svcm_priority_order(), bit for
 * bit, whatever the thread count (the dispatch order is a total order).
 * The requests are split into parts of consecutive rows (at least 1024
 * rows each, so small batches use fewer threads) for the checks and
 * scores, the radix passes of the sort (each part counts its digits and
 * writes its own slots) and the writing of the results (each part its own
 * output rows). The error reported is the first bad request, as with one
 * thread. Threads are POSIX threads, created and joined inside the call
 * (none with threads = 1); a thread that cannot be created has its part
 * run on the calling thread instead (the results stay the same; there is
 * no failure for lack of threads). All memory is allocated by the calling
 * thread through @p alloc, so an allocator need not be thread safe.
 * Scratch: 24 bytes per request plus 24 KB per thread.
 * @param opts options, or NULL for the defaults.
 * @param run execution settings, or NULL for the defaults (1 thread).
 * @param reqs @p n requests (may be NULL when n is 0).
 * @param n number of requests.
 * @param now the current instant.
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out @p n results in dispatch order, or NULL.
 * @param[out] cols column outputs (see ::svcm_priority_columns), or NULL;
 *        @p out and @p cols may not both be NULL when n > 0.
 * @param[out] err optional detail as for svcm_priority_classify(); field
 *        "threads" for bad settings.
 * @return SVCM_OK; SVCM_EINVAL for bad settings, NULL @p reqs with n > 0,
 *         both outputs NULL with n > 0, an incomplete allocator, bad
 *         options or a bad request; SVCM_ERANGE for more than UINT32_MAX
 *         requests; SVCM_ENOMEM. Nothing is written on failure.
 * @par Thread safety: reentrant; touches only the outputs and @p err. The
 *      outputs must not be read or written by other threads during the
 *      call.
 * @since 0.2
 */
SVCM_API int svcm_priority_run(const svcm_priority_options *opts,
                               const svcm_priority_run_options *run, const svcm_request *reqs,
                               size_t n, int64_t now, const svcm_allocator *alloc,
                               struct svcm_priority_result *out, svcm_priority_columns *cols,
                               svcm_error *err);

/* ---------------------------------------------------------------------- WSJF */

/** @brief Inputs of Weighted Shortest Job First (SAFe). */
typedef struct svcm_wsjf_item {
    int64_t id;               /**< caller's identifier */
    double business_value;    /**< user-business value, >= 0 */
    double time_criticality;  /**< time criticality, >= 0 */
    double risk_reduction;    /**< risk reduction / opportunity enablement, >= 0 */
    double job_size;          /**< job size (duration proxy), > 0 */
} svcm_wsjf_item;

/**
 * @brief WSJF = cost of delay / job size, with cost of delay = business
 *        value + time criticality + risk reduction-opportunity enablement
 *        (SAFe, "WSJF").
 * @param business_value user-business value, finite, >= 0.
 * @param time_criticality time criticality, finite, >= 0.
 * @param risk_reduction risk reduction / opportunity enablement, finite, >= 0.
 * @param job_size job size, finite, > 0.
 * @param[out] out receives WSJF.
 * @return SVCM_OK; SVCM_EINVAL for NaN, infinite or negative inputs, a job
 *         size <= 0, a NULL @p out, or inputs whose cost of delay or WSJF
 *         overflows a double.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_wsjf(double business_value, double time_criticality, double risk_reduction,
                       double job_size, double *out);

/**
 * @brief WSJF of many items, in input order (all or nothing).
 * @param items @p n items.
 * @param n number of items.
 * @param[out] out @p n scores.
 * @param[out] err optional detail: index of the first bad item and its field
 *        ("business_value", "time_criticality", "risk_reduction", "job_size";
 *        on overflow the field whose term takes the cost of delay past
 *        DBL_MAX, else "job_size").
 * @return SVCM_OK; SVCM_EINVAL for NULL arrays with n > 0 or a bad item
 *         (including one whose WSJF overflows a double).
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_wsjf_batch(const svcm_wsjf_item *items, size_t n, double *out, svcm_error *err);

/**
 * @brief Order items by WSJF descending; ties by smaller job size, then id,
 *        then input position (deterministic and stable).
 * @param items @p n items.
 * @param n number of items.
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] order @p n input positions in dispatch order.
 * @param[out] scores optional: @p n WSJF values in input order (may be NULL).
 * @param[out] err optional detail as for svcm_wsjf_batch().
 * @return SVCM_OK; SVCM_EINVAL as for svcm_wsjf_batch() or a NULL @p order
 *         with n > 0; SVCM_ERANGE for more than UINT32_MAX items;
 *         SVCM_ENOMEM. Nothing is written on failure.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_wsjf_order(const svcm_wsjf_item *items, size_t n, const svcm_allocator *alloc,
                             size_t *order, double *scores, svcm_error *err);

/* ------------------------------------------------------------- dispatch queue */

/** @brief A dispatch queue of requests (opaque; see the file comment). */
typedef struct svcm_pqueue svcm_pqueue;

/**
 * @brief Create an empty queue whose instant of scoring is 0.
 * @param opts options (copied), or NULL for the defaults.
 * @param alloc allocator for the queue, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives the queue; set to NULL on failure.
 * @param[out] err optional detail for bad options.
 * @return SVCM_OK; SVCM_EINVAL for NULL @p out or bad options; SVCM_ENOMEM.
 * @par Thread safety: the new queue is owned by the caller; use it from one
 *      thread at a time.
 * @since 0.1
 */
SVCM_API int svcm_pqueue_new(const svcm_priority_options *opts, const svcm_allocator *alloc,
                             svcm_pqueue **out, svcm_error *err);

/**
 * @brief Free a queue and everything it holds.
 * @param q the queue; NULL is a no-op.
 * @par Thread safety: not with other calls on the same queue.
 * @since 0.1
 */
SVCM_API void svcm_pqueue_free(svcm_pqueue *q);

/**
 * @brief Number of requests in the queue.
 * @param q the queue (NULL gives 0).
 * @return the count.
 * @par Thread safety: read-only.
 * @since 0.1
 */
SVCM_API size_t svcm_pqueue_size(const svcm_pqueue *q);

/**
 * @brief The queue's instant of scoring: the instant of the last re-score
 *        (by rescore, or by pop/peek at a new instant), initially 0.
 * @param q the queue (NULL gives 0).
 * @return the instant.
 * @par Thread safety: read-only.
 * @since 0.1
 */
SVCM_API int64_t svcm_pqueue_instant(const svcm_pqueue *q);

/**
 * @brief Add a request, scored at the queue's instant. O(log n) amortised.
 * @param q the queue.
 * @param req the request (copied).
 * @param[out] err optional detail (field of a bad request, or "id").
 * @return SVCM_OK; SVCM_EINVAL for NULL or a bad request; SVCM_EEXIST if a
 *         request with the same id is queued; SVCM_ENOMEM; SVCM_ERANGE past
 *         UINT32_MAX - 1 entries. The queue is unchanged on failure.
 * @par Thread safety: one thread at a time per queue.
 * @since 0.1
 */
SVCM_API int svcm_pqueue_push(svcm_pqueue *q, const svcm_request *req, svcm_error *err);

/**
 * @brief Replace the queued request that has the same id as @p req and
 *        move it to its new place. O(log n).
 * @param q the queue.
 * @param req the new fields (copied).
 * @param[out] err optional detail.
 * @return SVCM_OK; SVCM_EINVAL for NULL or a bad request; SVCM_ENOTFOUND
 *         if no request has that id. The queue is unchanged on failure.
 * @par Thread safety: one thread at a time per queue.
 * @since 0.1
 */
SVCM_API int svcm_pqueue_update(svcm_pqueue *q, const svcm_request *req, svcm_error *err);

/**
 * @brief Remove the request with id @p id. O(log n).
 * @param q the queue.
 * @param id the id.
 * @param[out] removed optional: receives the removed request.
 * @return SVCM_OK; SVCM_EINVAL for NULL @p q; SVCM_ENOTFOUND.
 * @par Thread safety: one thread at a time per queue.
 * @since 0.1
 */
SVCM_API int svcm_pqueue_remove(svcm_pqueue *q, int64_t id, svcm_request *removed);

/**
 * @brief Copy the queued request with id @p id.
 * @param q the queue.
 * @param id the id.
 * @param[out] out optional: receives the request (NULL just tests presence).
 * @return SVCM_OK; SVCM_EINVAL for NULL @p q; SVCM_ENOTFOUND.
 * @par Thread safety: read-only.
 * @since 0.1
 */
SVCM_API int svcm_pqueue_get(const svcm_pqueue *q, int64_t id, svcm_request *out);

/**
 * @brief Re-score every request at instant @p now and rebuild the heap. O(n).
 * @param q the queue.
 * @param now the new instant of scoring.
 * @return SVCM_OK; SVCM_EINVAL for NULL @p q.
 * @par Thread safety: one thread at a time per queue.
 * @since 0.1
 */
SVCM_API int svcm_pqueue_rescore(svcm_pqueue *q, int64_t now);

/**
 * @brief Look at the first request in dispatch order at instant @p now
 *        (re-scoring first when @p now differs from the queue's instant).
 * @param q the queue.
 * @param now the current instant.
 * @param[out] req optional: receives the request.
 * @param[out] res optional: receives its classification at @p now (index 0).
 * @return SVCM_OK; SVCM_EINVAL for NULL @p q; SVCM_EEMPTY when empty.
 * @par Thread safety: one thread at a time per queue (it may re-score).
 * @since 0.1
 */
SVCM_API int svcm_pqueue_peek(svcm_pqueue *q, int64_t now, svcm_request *req,
                              struct svcm_priority_result *res);

/**
 * @brief Remove and return the first request in dispatch order at instant
 *        @p now (re-scoring first when @p now differs from the queue's
 *        instant). O(log n) at the queue's instant.
 * @param q the queue.
 * @param now the current instant.
 * @param[out] req optional: receives the request.
 * @param[out] res optional: receives its classification at @p now (index 0).
 * @return SVCM_OK; SVCM_EINVAL for NULL @p q; SVCM_EEMPTY when empty.
 * @par Thread safety: one thread at a time per queue.
 * @since 0.1
 */
SVCM_API int svcm_pqueue_pop(svcm_pqueue *q, int64_t now, svcm_request *req,
                             struct svcm_priority_result *res);

/**
 * @brief Save a queue to versioned little-endian bytes (kind "priority",
 *        version 1): its options, its instant of scoring and every queued
 *        request, so that svcm_pqueue_load() gives a queue that pops in the
 *        same order at every instant and finds the same ids.
 * @param q the queue.
 * @param buf destination; may be NULL to query the size.
 * @param cap capacity of @p buf.
 * @param[out] len if not NULL, always receives the size needed.
 * @return SVCM_OK; SVCM_EINVAL if @p q is NULL; SVCM_ENOSPC if @p buf is
 *         NULL or @p cap is too small (nothing written); SVCM_ERANGE when
 *         the saved form would exceed the format's 4 GiB payload (over about
 *         119 million requests; nothing written).
 * @par Thread safety: reads only @p q (do not change it meanwhile).
 * @since 0.2
 */
SVCM_API int svcm_pqueue_save(const svcm_pqueue *q, unsigned char *buf, size_t cap,
                              size_t *len);

/**
 * @brief Load a queue saved by svcm_pqueue_save().
 *
 * Every field is checked: header (magic, kind, version, payload length),
 * options as svcm_priority_options_check(), a request count that fills
 * the payload exactly, each request as svcm_request_check() with an
 * urgent flag of 0 or 1, and ids that are all different.
 *
 * @param buf the bytes.
 * @param len their number.
 * @param alloc allocator for the queue, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives a new queue owned by the caller; set to NULL on
 *        failure.
 * @param[out] err optional detail: field "bytes" (magic, kind, length,
 *        truncation), "version", "count", the option's name, or the
 *        request's field ("id" for a repeated id, "urgent", "tier", ...)
 *        with index = the request's position in the saved form.
 * @return SVCM_OK; SVCM_EINVAL for NULL @p buf or @p out or an incomplete
 *         allocator; SVCM_EFORMAT for malformed, truncated or inconsistent
 *         bytes or an unknown version; SVCM_ENOMEM.
 * @par Thread safety: reentrant.
 * @since 0.2
 */
SVCM_API int svcm_pqueue_load(const unsigned char *buf, size_t len, const svcm_allocator *alloc,
                              svcm_pqueue **out, svcm_error *err);

/* ------------------------------------------------------------ problem grading */

/** @brief Levels of each grading input and grades: 1..SVCM_GRADE_LEVELS. @since 0.2 */
#define SVCM_GRADE_LEVELS 4

/**
 * @brief A problem-grading table: grade = cell[urgency - 1][impact - 1][difficulty - 1].
 *
 * The three inputs are levels 1..4 with 1 = most urgent, widest impact
 * (the ::svcm_impact scopes: organisation 1 .. individual 4) and hardest
 * to resolve; the grade is 1..4 with 1 = most severe (most resources,
 * first in line). A valid table has every cell in 1..4 and is
 * *monotone*: a worse input never gives a milder grade, i.e. lowering any
 * one level by one (making it worse) never raises the grade:
 *
 *     cell[u][i][d] <= cell[u+1][i][d], cell[u][i+1][d], cell[u][i][d+1]
 *
 * @par Default rule (svcm_grade_table_init())
 * The score s = urgency + impact + difficulty (3 = worst on all three .. 12
 * = mildest) is cut into four grades:
 *
 *     s  3..5   grade 1   (10 of the 64 combinations)
 *     s  6..7   grade 2   (22)
 *     s  8..9   grade 3   (22)
 *     s 10..12  grade 4   (10)
 *
 * The three factors weigh the same, because the service handbooks name
 * them side by side without ranking them; a sum lets a bad level on one
 * factor be offset by good levels on the others (an organisation-wide
 * problem that can wait and is easy to fix, levels 4, 1, 4, is grade 3,
 * not 1), which a lexicographic rule would not allow. The cut points are
 * symmetric and keep the extreme grades for the clearly extreme cases:
 * grade 1 is levels (1,1,1), (1,1,2), (1,1,3) and (1,2,2) in any order,
 * grade 4 their mirror image. The sum grows with every level, so the rule
 * is monotone. Callers with their own policy pass their own table.
 *
 * @par Feeding the priority engine
 * The grade uses the same scale as ::svcm_request::severity (1 = critical
 * .. 4 = minor) and the impact level the same scale as
 * ::svcm_request::impact; svcm_problem_request() writes both into a
 * request, so the grade enters the importance term S (and the impact term
 * I) of the dispatch score. The urgency level is not a request field:
 * a request's urgency comes from its created/due window, so set @c due
 * from the deadline the problem's urgency implies.
 * @since 0.2
 */
typedef struct svcm_grade_table {
    unsigned char cell[SVCM_GRADE_LEVELS][SVCM_GRADE_LEVELS][SVCM_GRADE_LEVELS]; /**< [u-1][i-1][d-1] */
} svcm_grade_table;

/**
 * @brief Fill @p table with the default rule (see ::svcm_grade_table).
 * @param[out] table receives the table; NULL is a no-op.
 * @par Thread safety: safe; touches only @p table.
 * @since 0.2
 */
SVCM_API void svcm_grade_table_init(svcm_grade_table *table);

/**
 * @brief Check a caller-built grading table: every cell in 1..4 and the
 *        table monotone (see ::svcm_grade_table).
 * @param table the table.
 * @param[out] err optional detail: field "cell"; index = the 0-based row
 *        of the text form, (urgency - 1) * 4 + (impact - 1), of the
 *        offending cell; the message names its urgency, impact and
 *        difficulty and, for a monotonicity fault, the neighbour it breaks
 *        with.
 * @return SVCM_OK; SVCM_EINVAL for a NULL table, a cell outside 1..4, or a
 *         cell whose grade is milder (higher) than that of a cell that
 *         differs by one milder level of one input.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_grade_table_check(const svcm_grade_table *table, svcm_error *err);

/**
 * @brief Parse the text form of a grading table: 16 rows of 4 cells, row
 *        (urgency - 1) * 4 + (impact - 1), column = difficulty, cells 1..4
 *        as decimal integers separated by spaces, tabs or commas. Blank
 *        lines and lines starting with '#' are skipped. A line "urgency N"
 *        may precede each block of four rows; N must be the number of the
 *        block that follows (1..4). svcm_grade_table_format() writes this
 *        form. The parsed table must pass svcm_grade_table_check().
 * @param text the text (need not be NUL-terminated).
 * @param len its length in bytes.
 * @param[out] out receives the table, only on success.
 * @param[out] err optional detail: line and column (1-based; column 0 for
 *        a whole row) of the fault, index = the 0-based table row for an
 *        error inside a row, else SVCM_NO_INDEX.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, a cell outside 1..4
 *         (field "cell") or a table that is not monotone (field "cell", at
 *         the offending cell); SVCM_EFORMAT for text that is not valid
 *         UTF-8 (field "line"), a token that is not an integer (field
 *         "cell"), a row without exactly 4 cells (field "cols"), more or
 *         fewer than 16 rows (field "rows") or a misplaced or misnumbered
 *         "urgency" line (field "urgency").
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_grade_table_parse(const char *text, size_t len, svcm_grade_table *out,
                                    svcm_error *err);

/**
 * @brief Write a grading table as text that svcm_grade_table_parse() reads
 *        back to an equal table: for each urgency level a line "urgency N"
 *        then four lines (impact 1..4) of four cells (difficulty 1..4)
 *        separated by one space; every line ends in "\n".
 *
 * Text-writer contract (the same for every svcm_X_format): on success the
 * text is NUL-terminated and *len is its length without the NUL, so @p cap
 * must be at least *len + 1. With @p buf NULL (any @p cap) or @p cap too
 * small the result is ::SVCM_ENOSPC, *len is set to the length needed
 * (without the NUL) and nothing is written.
 * @param table the table (checked with svcm_grade_table_check() first).
 * @param buf destination, or NULL to query the size.
 * @param cap capacity of @p buf in bytes.
 * @param[out] len receives the text length without the NUL (also on
 *        ::SVCM_ENOSPC); must not be NULL.
 * @return SVCM_OK; SVCM_EINVAL for a NULL @p len or a NULL or invalid
 *         table; SVCM_ENOSPC when @p buf is NULL or @p cap < *len + 1
 *         (nothing written). Allocates nothing.
 * @par Thread safety: touches only @p buf and @p len.
 * @since 0.2
 */
SVCM_API int svcm_grade_table_format(const svcm_grade_table *table, char *buf, size_t cap,
                                     size_t *len);

/**
 * @brief Grade a problem: 1 (most severe) .. 4.
 * @param table a table (checked first), or NULL for the default rule.
 * @param urgency urgency level, 1 (most urgent) .. 4.
 * @param impact impact scope, 1 (organisation, widest) .. 4 (individual).
 * @param difficulty difficulty of resolution, 1 (hardest) .. 4 (easiest).
 * @param[out] grade receives the grade.
 * @param[out] err optional detail: field "urgency", "impact",
 *        "difficulty", "grade" (NULL @p grade) or the table's.
 * @return SVCM_OK; SVCM_EINVAL for a NULL @p grade, an invalid table or a
 *         level outside 1..4.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_problem_grade(const svcm_grade_table *table, int urgency, int impact,
                                int difficulty, int *grade, svcm_error *err);

/**
 * @brief Feed a graded problem to the priority engine: set the request's
 *        severity to the grade and its impact to the impact level (the
 *        same 1..4 scales, see ::svcm_grade_table); no other field changes.
 * @param table a table (checked first), or NULL for the default rule.
 * @param urgency urgency level, 1..4 (used for the grade only).
 * @param impact impact scope, 1..4.
 * @param difficulty difficulty of resolution, 1..4.
 * @param[in,out] req the request to update; untouched on failure.
 * @param[out] err optional detail as for svcm_problem_grade(), or field
 *        "req" for a NULL request.
 * @return SVCM_OK; SVCM_EINVAL as for svcm_problem_grade() or a NULL @p req.
 * @par Thread safety: touches only @p req.
 * @since 0.2
 */
SVCM_API int svcm_problem_request(const svcm_grade_table *table, int urgency, int impact,
                                  int difficulty, svcm_request *req, svcm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_PRIORITY_H */
