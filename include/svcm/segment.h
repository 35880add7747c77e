/**
 * @file svcm/segment.h
 * @brief Customer segmentation: RFM scores, a five-tier policy with reason
 *        codes, per-tier summaries and tier migration between snapshots.
 *
 * The flow:
 *
 * 1. Describe the customers with an ::svcm_customers view: either plain
 *    arrays (struct of arrays) or an array of ::svcm_customer_record records through
 *    svcm_customers_from_records().
 * 2. Fit RFM edges with svcm_rfm_fit() (quantiles of the population), or
 *    supply fixed edges so that scores stay stable across runs and tenants.
 * 3. Score with svcm_rfm_score(), and/or assign tiers with
 *    svcm_segment_assign() under an ::svcm_segment_options. Or do 2 and 3
 *    in one call, on several threads, with svcm_segment_run().
 * 4. Summarise with svcm_segment_summarize(); compare two snapshots with
 *    svcm_segment_migration().
 *
 * @code
 * svcm_customers c = {.n = n, .recency = days_idle, .frequency = orders,
 *                     .monetary = spend};          // tenure, p_alive: NULL
 * svcm_segment_options p;
 * svcm_segment_options_init(&p);
 * svcm_rfm_edges e;
 * svcm_error err;
 * int rc = svcm_rfm_fit(&c, p.bins, &e, NULL, &err);   // or fixed edges
 * if (rc == SVCM_OK)
 *     rc = svcm_segment_assign(&c, &p, &e, tiers, reasons, NULL, NULL, NULL, &err);
 * if (rc != SVCM_OK)
 *     fprintf(stderr, "record %zu: %s\n", err.index, err.message);
 * @endcode
 *
 * @par Scores
 * Each of R, F and M is scored 1..k (k = `bins`, 2..::SVCM_RFM_MAX_BINS) from
 * k - 1 non-decreasing edges e[0..k-2]. The bin of a value x is
 * 1 + (number of edges strictly below x): intervals are closed on the right,
 * (e[j-1], e[j]], so a value exactly on edge e[j] goes to bin j + 1, the
 * lower one. F = bin(frequency), M = bin(monetary), and recency is reversed,
 * R = k + 1 - bin(recency), so the most recent customers score highest. A
 * score depends on the value alone: equal values always get equal scores
 * (ties are never split), whatever the input order.
 *
 * @par Fitted edges
 * Edge j (1 <= j <= k - 1) is the sample quantile at p = j / k by the
 * inverse of the empirical distribution function (Hyndman and Fan 1996,
 * definition 1; R's `quantile(type = 1)`, numpy's "inverted_cdf"): the
 * order statistic x_(ceil(n p)) (1-based). Edges are therefore data values,
 * and with distinct values and n divisible by k every bin holds exactly
 * n / k customers. Degenerate populations are not errors:
 * - all values equal to c: every edge is c, everyone is in bin 1
 *   (F = M = 1, R = k);
 * - many duplicates: edges coincide and the bins between them stay empty;
 *   equal values share the lowest bin whose edge they reach;
 * - n < k: edges repeat order statistics; the top bin stays empty;
 * - n = 0: nothing to fit, ::SVCM_EEMPTY.
 * Fitting never sorts the whole column: a radix histogram on the top 16
 * bits of each value locates the buckets holding the wanted ranks, and a
 * three-way quickselect finishes inside those buckets (expected O(n) per
 * column; a heap-sort fallback bounds adversarial orders at O(n log n)).
 * Columns of up to 4096 values skip the histogram. To fit from a sample,
 * pass the sample to svcm_rfm_column_edges(); to fit from already sorted
 * values, use svcm_rfm_sorted_edges() (O(k) after an O(n) order check).
 *
 * @par Input rules (all functions that take an ::svcm_customers)
 * recency, frequency and monetary are finite and >= 0; tenure, when given,
 * is finite, >= 0 and >= recency (the last activity cannot precede the
 * first); p_alive, when given, is in [0, 1]. A violation is ::SVCM_EINVAL
 * with the record index and the field name, and no output is written.
 */
#ifndef SVCM_SEGMENT_H
#define SVCM_SEGMENT_H

#include "common.h"
#include "lifetime.h"
#include "tier.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Largest number of RFM bins (scores run 1..bins). */
#define SVCM_RFM_MAX_BINS 10
/** @brief Smallest number of RFM bins. */
#define SVCM_RFM_MIN_BINS 2

/**
 * @brief The time unit of a customer table's time columns (@since 0.2).
 *        Values are stable.
 */
typedef enum svcm_time_unit {
    SVCM_TIME_UNIT_DAY = 0,    /**< 86400 seconds (the default: a zeroed table is in days) */
    SVCM_TIME_UNIT_WEEK = 1,   /**< 604800 seconds (the unit of the BG/NBD papers) */
    SVCM_TIME_UNIT_SECOND = 2  /**< 1 second */
} svcm_time_unit;

/** @brief Number of time units. */
#define SVCM_TIME_UNIT_COUNT 3

/** @name svcm_customer_record::flags bits
 *  @{ */
#define SVCM_CUSTOMER_HAS_TENURE 1u  /**< svcm_customer_record::tenure is given */
#define SVCM_CUSTOMER_HAS_P_ALIVE 2u /**< svcm_customer_record::p_alive is given */
/** @} */

/**
 * @brief One customer as a record (array-of-structs input).
 *
 * Recency and tenure are in days; compute them from instants with
 * svcm_segment_days_since() when you hold timestamps.
 */
typedef struct svcm_customer_record {
    int64_t id;       /**< customer id, for the caller (not read by scoring or tiering) */
    double recency;   /**< days since the last activity, >= 0 */
    double frequency; /**< number of purchases (or visits), >= 0 */
    double monetary;  /**< monetary value, >= 0 */
    double tenure;    /**< days since the first activity; read only with SVCM_CUSTOMER_HAS_TENURE */
    double p_alive;   /**< P(alive) in [0, 1]; read only with SVCM_CUSTOMER_HAS_P_ALIVE */
    unsigned flags;   /**< SVCM_CUSTOMER_HAS_* bits */
} svcm_customer_record;

/**
 * @brief A read-only view of n customers: struct of arrays, or strided.
 *
 * For plain arrays set the pointers and leave `stride` and `flags` at 0 /
 * NULL. For records use svcm_customers_from_records(). Element i of a column
 * is at `(const char *)column + i * stride` (stride 0 means 8 bytes, the
 * size of a double and of an int64_t). The view does not own the memory.
 */
typedef struct svcm_customers {
    size_t n;                 /**< number of customers */
    const int64_t *id;        /**< ids, or NULL; no function reads them (migration takes its own id arrays) */
    const double *recency;    /**< days since last activity; required when n > 0 */
    const double *frequency;  /**< purchases; required when n > 0 */
    const double *monetary;   /**< value; required when n > 0 */
    const double *tenure;     /**< days since first activity; NULL = unknown */
    const double *p_alive;    /**< P(alive); NULL = unknown */
    const unsigned *flags;    /**< per-record SVCM_CUSTOMER_HAS_* bits (with stride 0: a packed unsigned array), or NULL: a given column means a given value */
    size_t stride;            /**< bytes between records; 0 = packed arrays */
    /** Unit of recency, tenure, t_x and T (@since 0.2). 0, the value of a
     *  zeroed view, is ::SVCM_TIME_UNIT_DAY. The svcm_rfm_* and
     *  svcm_segment_* functions read recency and tenure as days; for a
     *  table in another unit use svcm_customers_segment(), which converts. */
    svcm_time_unit unit;
    const double *x;          /**< repeat purchases (BG/NBD x: purchases after the first), or NULL (@since 0.2) */
    const double *t_x;        /**< time from the first to the last repeat purchase (0 when x = 0), or NULL (@since 0.2) */
    const double *T;          /**< time from the first purchase to the end of observation, or NULL (@since 0.2) */
    const double *mean_repeat_spend; /**< mean value of the repeat purchases, the first excluded (Fader & Hardie 2013); 0 when x = 0; or NULL (@since 0.2) */
} svcm_customers;

/**
 * @brief Fill a view over an array of records.
 * @param recs the records (may be NULL when n == 0); must outlive the view.
 * @param n number of records.
 * @param[out] out the view (stride = sizeof(svcm_customer_record), flags set, so
 *             tenure and p_alive are read per record according to flags).
 * @return SVCM_OK; SVCM_EINVAL if out is NULL, or recs is NULL with n > 0.
 * @par Thread safety: touches only @p out.
 * @since 0.1
 */
SVCM_API int svcm_customers_from_records(const svcm_customer_record *recs, size_t n,
                                         svcm_customers *out);

/**
 * @brief Check every record of a view against the input rules (see the file
 *        comment): the first bad record, lowest index first, is reported.
 * @param c the view.
 * @param[out] err optional: record index and field ("recency", "frequency",
 *             "monetary", "tenure", "p_alive") of the first violation; for a
 *             missing required column the index is SVCM_NO_INDEX.
 * @return SVCM_OK; SVCM_EINVAL for a NULL view, a missing required column
 *         (n > 0), a stride that is neither 0 nor at least 8, or a bad
 *         record.
 * @par Thread safety: reads only; safe from any thread.
 * @since 0.1
 */
SVCM_API int svcm_customers_check(const svcm_customers *c, svcm_error *err);

/**
 * @brief Convert instants to days before @p as_of: out[i] = (as_of - t[i]) / 86400.
 *
 * Use it for recency (t = last activity) and tenure (t = first activity).
 * @param t instants, Unix seconds (may be NULL when n == 0).
 * @param n count.
 * @param as_of the reference instant.
 * @param[out] out n doubles (may alias nothing in @p t).
 * @param[out] err optional: index of the first instant after @p as_of
 *             (field "time").
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers (n > 0) or an instant after
 *         as_of (nothing written).
 * @par Thread safety: touches only @p out and @p err.
 * @since 0.1
 */
SVCM_API int svcm_segment_days_since(const int64_t *t, size_t n, int64_t as_of,
                                     double *out, svcm_error *err);

/* ------------------------------------------------------------------ RFM */

/** @brief RFM edges: k - 1 non-decreasing cut points per measure. */
typedef struct svcm_rfm_edges {
    int bins;                                /**< k, SVCM_RFM_MIN_BINS..SVCM_RFM_MAX_BINS */
    double recency[SVCM_RFM_MAX_BINS - 1];   /**< first bins - 1 entries used */
    double frequency[SVCM_RFM_MAX_BINS - 1]; /**< first bins - 1 entries used */
    double monetary[SVCM_RFM_MAX_BINS - 1];  /**< first bins - 1 entries used */
} svcm_rfm_edges;

/**
 * @brief Quantile edges of one column (unsorted, e.g. a sample).
 *
 * edges[j - 1] = x_(ceil(n j / k)), j = 1..k-1 (Hyndman-Fan definition 1).
 * @param x values, finite (any sign); may be NULL when n == 0.
 * @param n count.
 * @param bins k, SVCM_RFM_MIN_BINS..SVCM_RFM_MAX_BINS.
 * @param[out] edges bins - 1 doubles, written only on success.
 * @param alloc allocator for scratch memory (at most n doubles and a 64 K
 *        entry histogram), freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] err optional: index of the first non-finite value (field
 *             "value").
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, bins out of range or a
 *         non-finite value; SVCM_EEMPTY if n == 0; SVCM_ENOMEM.
 * @par Thread safety: touches only @p edges and @p err.
 * @since 0.1
 */
SVCM_API int svcm_rfm_column_edges(const double *x, size_t n, int bins,
                                   const svcm_allocator *alloc, double *edges, svcm_error *err);

/**
 * @brief Quantile edges of one column already sorted ascending, in O(k).
 *
 * Same definition as svcm_rfm_column_edges(); the order is checked (O(n)).
 * @param sorted non-decreasing finite values.
 * @param n count.
 * @param bins k, SVCM_RFM_MIN_BINS..SVCM_RFM_MAX_BINS.
 * @param[out] edges bins - 1 doubles, written only on success.
 * @param[out] err optional: index of the first non-finite or out-of-order
 *             value (field "value").
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, bad bins, a non-finite
 *         value or a value below its predecessor; SVCM_EEMPTY if n == 0.
 * @par Thread safety: touches only @p edges and @p err.
 * @since 0.1
 */
SVCM_API int svcm_rfm_sorted_edges(const double *sorted, size_t n, int bins, double *edges,
                                   svcm_error *err);

/**
 * @brief Fit recency, frequency and monetary edges from a population.
 * @param c the customers (validated first; see the input rules).
 * @param bins k, SVCM_RFM_MIN_BINS..SVCM_RFM_MAX_BINS.
 * @param[out] out the edges, written only on success.
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] err optional detail.
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, bad bins or a bad record;
 *         SVCM_EEMPTY if c->n == 0; SVCM_ENOMEM.
 * @par Thread safety: touches only @p out and @p err.
 * @since 0.1
 */
SVCM_API int svcm_rfm_fit(const svcm_customers *c, int bins, const svcm_allocator *alloc,
                          svcm_rfm_edges *out, svcm_error *err);

/**
 * @brief Check edges: bins in range, every used edge finite and each column
 *        non-decreasing.
 * @param e the edges.
 * @param[out] err optional: field "bins", "recency_edges",
 *             "frequency_edges" or "monetary_edges", index = the edge.
 * @return SVCM_OK; SVCM_EINVAL otherwise.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_rfm_edges_check(const svcm_rfm_edges *e, svcm_error *err);

/**
 * @brief Score customers 1..bins on R, F and M with the given edges.
 * @param c the customers (validated first).
 * @param e the edges (checked first).
 * @param[out] r,f,m n scores each; any may be NULL to skip that measure.
 * @param[out] err optional detail.
 * @return SVCM_OK; SVCM_EINVAL for NULL c or e, bad edges or a bad record
 *         (nothing written).
 * @par Thread safety: touches only the outputs and @p err.
 * @since 0.1
 */
SVCM_API int svcm_rfm_score(const svcm_customers *c, const svcm_rfm_edges *e, uint8_t *r,
                            uint8_t *f, uint8_t *m, svcm_error *err);

/* --------------------------------------------------------------- Policy */

/**
 * @brief Why a customer got its tier: the rule that fired. Values stable.
 */
typedef enum svcm_segment_reason {
    SVCM_SEGMENT_REASON_LOST_INACTIVE = 0,   /**< recency > churn_days */
    SVCM_SEGMENT_REASON_LOST_P_ALIVE = 1,    /**< p_alive given and < p_alive_min */
    SVCM_SEGMENT_REASON_POTENTIAL_NEW = 2,   /**< tenure given and < new_tenure_days */
    SVCM_SEGMENT_REASON_POTENTIAL_FEW = 3,   /**< frequency <= new_max_frequency */
    SVCM_SEGMENT_REASON_VIP_M_SCORE = 4,     /**< M score in the top vip_m_top_scores, and active */
    SVCM_SEGMENT_REASON_VIP_MONETARY = 5,    /**< monetary >= vip_min_monetary, and active */
    SVCM_SEGMENT_REASON_KEY_SCORE = 6,       /**< weighted RFM score >= key_min_score */
    SVCM_SEGMENT_REASON_REGULAR = 7          /**< no rule above fired */
} svcm_segment_reason;

/** @brief Number of reason codes. */
#define SVCM_SEGMENT_REASON_COUNT 8

/**
 * @brief Name of a reason code, e.g. "lost_inactive", "vip_m_score".
 * @param reason an ::svcm_segment_reason value.
 * @return a static string; NULL if @p reason is out of range.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API const char *svcm_segment_reason_name(int reason);

/**
 * @brief The tier rules and their thresholds.
 *
 * Rules are tried in this order; the first that holds decides:
 * 1. LOST: recency > churn_days (::SVCM_SEGMENT_REASON_LOST_INACTIVE); else p_alive
 *    given and p_alive < p_alive_min (::SVCM_SEGMENT_REASON_LOST_P_ALIVE).
 * 2. POTENTIAL: tenure given and tenure < new_tenure_days
 *    (::SVCM_SEGMENT_REASON_POTENTIAL_NEW); else frequency <= new_max_frequency
 *    (::SVCM_SEGMENT_REASON_POTENTIAL_FEW).
 * 3. VIP, only if recency <= vip_active_days: M score >= bins + 1 -
 *    vip_m_top_scores (::SVCM_SEGMENT_REASON_VIP_M_SCORE); else monetary >=
 *    vip_min_monetary (::SVCM_SEGMENT_REASON_VIP_MONETARY).
 * 4. KEY: (key_weight_r R + key_weight_f F + key_weight_m M) /
 *    (key_weight_r + key_weight_f + key_weight_m) >= key_min_score
 *    (::SVCM_SEGMENT_REASON_KEY_SCORE).
 * 5. REGULAR (::SVCM_SEGMENT_REASON_REGULAR).
 *
 * Initialise with svcm_segment_options_init(); zero is not "default".
 */
typedef struct svcm_segment_options {
    int bins;                 /**< RFM bins k; default 5 */
    double churn_days;        /**< LOST beyond this recency; default 180; >= 0 (+inf = off) */
    double p_alive_min;       /**< LOST below this P(alive); default 0.2; in [0, 1] (0 turns the rule off) */
    double new_tenure_days;   /**< POTENTIAL below this tenure; default 90; >= 0, may be +inf (0 = off) */
    double new_max_frequency; /**< POTENTIAL at or below this frequency; default 1; finite (negative = off) */
    double vip_active_days;   /**< VIP needs recency <= this; default 90; >= 0, may be +inf */
    int vip_m_top_scores;     /**< VIP by M score: the top this many scores; default 1 (M = k); 0..bins (0 = off) */
    double vip_min_monetary;  /**< VIP by value at or above this; default +inf = off; >= 0 */
    double key_weight_r;      /**< weight of R in the KEY score; default 1; finite, >= 0 */
    double key_weight_f;      /**< weight of F; default 1; >= 0 */
    double key_weight_m;      /**< weight of M; default 1; >= 0; the three sum > 0 */
    double key_min_score;     /**< KEY at or above this weighted mean score; default 4; in [1, bins] */
} svcm_segment_options;

/**
 * @brief Fill @p p with the defaults documented on ::svcm_segment_options.
 * @param p may be NULL (no-op).
 * @par Thread safety: touches only @p p.
 * @since 0.1
 */
SVCM_API void svcm_segment_options_init(svcm_segment_options *p);

/**
 * @brief Check every threshold of a policy against its documented range.
 * @param p the policy.
 * @param[out] err optional: field = the offending key (as in the text form).
 * @return SVCM_OK; SVCM_EINVAL for NULL or a value out of range (NaN included).
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_segment_options_check(const svcm_segment_options *p, svcm_error *err);

/**
 * @brief Read a policy from "key = value" text.
 *
 * Keys are the member names of ::svcm_segment_options; keys not given keep
 * their defaults. One setting per line; `#` starts a comment; blank lines
 * and spaces around keys and values are ignored; values are decimal numbers
 * (`inf` is accepted where +infinity is allowed; a decimal beyond the
 * double range, such as 1e999, is not a number). A key may appear once.
 * Numbers are read the same in every LC_NUMERIC locale: the decimal point
 * is '.', and a leading '+', hexadecimal, and spellings of infinity or NaN
 * other than `inf` and `nan` are refused (changed in 0.2).
 * The whole text, comments included, must be valid UTF-8 (RFC 3629).
 * @param text the text (need not be NUL-terminated).
 * @param len its length in bytes.
 * @param[out] out the policy, written only on success.
 * @param[out] err optional: line and column (1-based) of the fault,
 *             index SVCM_NO_INDEX, field = the key (static string; "key"
 *             for an unknown key, "line" for a line without '=' or for
 *             text that is not UTF-8, where the column is that of the
 *             first bad byte); the message does not repeat the position.
 *             On a range error found after reading (e.g. key_min_score
 *             above bins) line and column are those of that key's value,
 *             or 0 if it was defaulted (changed in 0.2: index held the
 *             line and the message began "line N:").
 * @return SVCM_OK; SVCM_EFORMAT for text that is not valid UTF-8
 *         (overlong forms, surrogates, code points above U+10FFFF, stray or
 *         missing continuation bytes: checked before anything else), a line
 *         without '=', an unknown or repeated key, or a value that is not a
 *         number (hexadecimal, nan(...) and overflowing decimals included);
 *         SVCM_EINVAL for a number out of range (see
 *         svcm_segment_options_check()) or NULL pointers.
 * @par Thread safety: touches only @p out and @p err.
 * @since 0.1
 */
SVCM_API int svcm_segment_options_parse(const char *text, size_t len, svcm_segment_options *out,
                                       svcm_error *err);

/**
 * @brief Write a policy as text that svcm_segment_options_parse() reads back
 *        to the identical policy (every key, one "key = value" line each;
 *        each number is the shortest decimal that reads back to the same
 *        double, e.g. 0.2, not 0.20000000000000001; +inf as `inf`; the
 *        LC_NUMERIC locale plays no part).
 *
 * Text-writer contract (the same for every svcm_X_format): on success the
 * text is NUL-terminated and *len is its length without the NUL, so @p cap
 * must be at least *len + 1. With @p buf NULL (any @p cap) or @p cap too
 * small the result is ::SVCM_ENOSPC, *len is set to the length needed
 * (without the NUL) and nothing is written: call once with NULL to size
 * the buffer.
 * @param p the policy (checked first).
 * @param buf destination, or NULL to query the size.
 * @param cap capacity of @p buf in bytes.
 * @param[out] len receives the text length without the NUL (also on
 *        ::SVCM_ENOSPC); must not be NULL (changed in 0.2: was optional).
 * @return SVCM_OK; SVCM_EINVAL for a NULL @p len or a NULL or invalid
 *         policy (see svcm_segment_options_check()); SVCM_ENOSPC when
 *         @p buf is NULL or @p cap < *len + 1 (nothing written).
 * @par Thread safety: touches only @p buf and @p len.
 * @since 0.1 (0.2: was svcm_segment_policy_format)
 */
SVCM_API int svcm_segment_options_format(const svcm_segment_options *p, char *buf, size_t cap,
                                        size_t *len);

/* --------------------------------------------------------------- Tiers */

/**
 * @brief Assign each customer a tier (and the reason) under a policy.
 * @param c the customers (validated first).
 * @param p the policy (checked first).
 * @param e RFM edges, typically from svcm_rfm_fit() or fixed; e->bins must
 *        equal p->bins.
 * A customer's tier depends only on its own record, the policy and the
 * edges, never on the input order or on the other customers.
 * @param[out] tiers n svcm_tier values (required when n > 0).
 * @param[out] reasons n svcm_segment_reason values, or NULL.
 * @param[out] r,f,m n RFM scores each, or NULL.
 * @param[out] err optional detail.
 * @return SVCM_OK; SVCM_EINVAL for NULL required pointers, a bad policy,
 *         bad edges or a bad record; SVCM_EMISMATCH if e->bins != p->bins.
 *         Nothing is written on failure.
 * @par Thread safety: touches only the outputs and @p err.
 * @since 0.1
 */
SVCM_API int svcm_segment_assign(const svcm_customers *c, const svcm_segment_options *p,
                                 const svcm_rfm_edges *e, svcm_tier *tiers, uint8_t *reasons,
                                 uint8_t *r, uint8_t *f, uint8_t *m, svcm_error *err);

/** @brief Largest svcm_segment_run_options::threads (@since 0.2). */
#define SVCM_SEGMENT_MAX_THREADS 64

/**
 * @brief How svcm_segment_run() runs: execution settings, kept apart from
 *        the policy (::svcm_segment_options and its text format say what
 *        the tiers are; these only say how fast they are computed, and
 *        never change a result) (@since 0.2).
 *
 * Initialise with svcm_segment_run_options_init().
 */
typedef struct svcm_segment_run_options {
    /** Threads to use, 1..::SVCM_SEGMENT_MAX_THREADS; default 1 (the
     *  calling thread only: no thread is created). Results are bit for bit
     *  the same for every value. */
    unsigned threads;
} svcm_segment_run_options;

/**
 * @brief Fill @p o with the defaults (1 thread).
 * @param o may be NULL (no-op).
 * @par Thread safety: touches only @p o.
 * @since 0.2
 */
SVCM_API void svcm_segment_run_options_init(svcm_segment_run_options *o);

/**
 * @brief Check execution settings.
 * @param o the settings.
 * @param[out] err optional: field "threads" for a thread count out of range.
 * @return SVCM_OK; SVCM_EINVAL for NULL or threads outside
 *         1..::SVCM_SEGMENT_MAX_THREADS.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_segment_run_options_check(const svcm_segment_run_options *o, svcm_error *err);

/**
 * @brief Fit RFM edges (unless given), score and tier every customer, on
 *        up to @p run->threads threads: svcm_rfm_fit() then
 *        svcm_segment_assign() in one call, with the input checked once.
 *
 * The record checks, the two histogram passes of each column's edge fit
 * and the scoring and tiering are split into parts of consecutive rows (at
 * least 1024 rows each, so small inputs use fewer threads); the per-part
 * histograms are summed, and every record's output depends only on the
 * record, the policy and the edges. Edges, scores, tiers, reasons and the
 * error reported (the first bad record) are therefore bit for bit those of
 * one thread, whatever the thread count. Threads are POSIX threads,
 * created and joined inside the call (none with threads = 1); a thread
 * that cannot be created has its part run on the calling thread instead
 * (the results stay the same; there is no failure for lack of threads). All memory is
 * allocated by the calling thread through @p alloc, so an allocator need
 * not be thread safe. Scratch: 512 KB per thread for the histograms, plus
 * the values of the buckets holding the quantiles.
 * @param c the customers (validated first).
 * @param p the policy (checked first).
 * @param edges fixed edges (checked; e->bins must equal p->bins), or NULL
 *        to fit them from @p c (as svcm_rfm_fit() with p->bins).
 * @param run execution settings, or NULL for the defaults (1 thread).
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] tiers n ::svcm_tier values (required when n > 0).
 * @param[out] reasons n ::svcm_segment_reason values, or NULL.
 * @param[out] r,f,m n RFM scores each, or NULL.
 * @param[out] fitted the edges used, or NULL.
 * @param[out] err optional detail (record index and field as in
 *             svcm_customers_check(); field "threads" for bad settings).
 * @return SVCM_OK; SVCM_EINVAL for bad settings, an incomplete allocator,
 *         a bad policy, bad edges, a bad record or a NULL @p tiers with
 *         n > 0; SVCM_EMISMATCH if edges->bins != p->bins; SVCM_EEMPTY
 *         when edges are to be fitted and n == 0; SVCM_ENOMEM. Nothing is
 *         written on failure.
 * @par Thread safety: reentrant; touches only the outputs and @p err. The
 *      outputs must not be read or written by other threads during the
 *      call.
 * @since 0.2
 */
SVCM_API int svcm_segment_run(const svcm_customers *c, const svcm_segment_options *p,
                              const svcm_rfm_edges *edges, const svcm_segment_run_options *run,
                              const svcm_allocator *alloc, svcm_tier *tiers, uint8_t *reasons,
                              uint8_t *r, uint8_t *f, uint8_t *m, svcm_rfm_edges *fitted,
                              svcm_error *err);

/** @brief Summary of one tier. */
typedef struct svcm_tier_summary {
    uint64_t count;        /**< customers in the tier */
    double customer_share; /**< count / n */
    double monetary_total; /**< sum of monetary */
    double monetary_share; /**< monetary_total / total of all tiers; 0 when that total is 0 */
    double mean_recency;   /**< NaN for an empty tier */
    double mean_frequency; /**< NaN for an empty tier */
    double mean_monetary;  /**< NaN for an empty tier */
    double mean_r_score;   /**< NaN for an empty tier or when no scores were given */
    double mean_f_score;   /**< likewise */
    double mean_m_score;   /**< likewise */
} svcm_tier_summary;

/**
 * @brief Per-tier counts, shares, monetary totals and mean R/F/M (raw and
 *        scores).
 * @param c the customers (validated first).
 * @param tiers n tiers, each < SVCM_TIER_COUNT.
 * @param r,f,m n scores each (1..SVCM_RFM_MAX_BINS), or all three NULL.
 * @param[out] out SVCM_TIER_COUNT summaries indexed by svcm_tier.
 * @param[out] err optional detail (field "tiers", "r_scores", ... for bad
 *             tiers or scores).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, only some score arrays
 *         given, a bad record, tier or score; SVCM_EEMPTY if n == 0;
 *         SVCM_ERANGE when a per-tier sum of recency, frequency or
 *         monetary exceeds the double range (index of the record where it
 *         does, field the column), or the monetary total of all tiers does
 *         (SVCM_NO_INDEX, field "monetary"); nothing written.
 * @par Thread safety: touches only @p out and @p err.
 * @since 0.1
 */
SVCM_API int svcm_segment_summarize(const svcm_customers *c, const svcm_tier *tiers,
                                    const uint8_t *r, const uint8_t *f, const uint8_t *m,
                                    svcm_tier_summary out[SVCM_TIER_COUNT], svcm_error *err);

/* ------------------------------------------------------------ Migration */

/** @brief Tier migration between an old and a new snapshot. */
typedef struct svcm_migration {
    uint64_t counts[SVCM_TIER_COUNT][SVCM_TIER_COUNT]; /**< [old tier][new tier], ids in both */
    uint64_t arrived[SVCM_TIER_COUNT]; /**< ids only in the new snapshot, by new tier */
    uint64_t gone[SVCM_TIER_COUNT];    /**< ids only in the old snapshot, by old tier */
} svcm_migration;

/**
 * @brief Match two snapshots by customer id and count tier moves.
 *
 * Runs in O(n) time. Dense ids (largest minus smallest id below 16 times
 * n_old + n_new, as ids from a sequence are) use one byte of scratch per id
 * in that range; other ids are matched by a hash-partitioned join with 8
 * bytes per record plus a cache-sized table (and, only when an id repeats,
 * a table of 16 to 32 bytes per record of that snapshot to name the repeat).
 * Both give the same result and report the same duplicate.
 * @param old_ids,old_tiers,n_old the old snapshot (pointers may be NULL when
 *        n_old == 0).
 * @param new_ids,new_tiers,n_new the new snapshot.
 * @param[out] out the counts, written only on success.
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] err optional: for a duplicate id, the index of its second
 *             occurrence (the smallest such index) with field "old_ids" or
 *             "new_ids"; for a tier >= SVCM_TIER_COUNT, its index with field
 *             "old_tiers" or "new_tiers".
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, duplicate ids or bad
 *         tiers; SVCM_ENOMEM (also when the table that names a repeated id
 *         cannot be allocated: field "old_ids" or "new_ids", index
 *         SVCM_NO_INDEX).
 * @par Thread safety: touches only @p out and @p err.
 * @since 0.1
 */
SVCM_API int svcm_segment_migration(const int64_t *old_ids, const uint8_t *old_tiers,
                                    size_t n_old, const int64_t *new_ids,
                                    const uint8_t *new_tiers, size_t n_new,
                                    const svcm_allocator *alloc, svcm_migration *out,
                                    svcm_error *err);

/**
 * @brief svcm_segment_migration() on up to @p run->threads threads.
 *
 * The hashed join (ids that are not dense) is split into parts: each part
 * counts and scatters its own consecutive rows of each snapshot (at least
 * 1024 rows a part, so small snapshots use fewer threads) to the places
 * one pass in input order gives them, then joins its own range of
 * buckets with its own table; the per-part counts are summed. The counts
 * and the duplicate reported are therefore those of
 * svcm_segment_migration(), bit for bit, whatever the thread count. Dense
 * ids (the byte table) and the search that names a repeated id run on the
 * calling thread. Threads are POSIX threads, created and joined inside
 * the call (none with threads = 1); a thread that cannot be created has
 * its part run on the calling thread instead (same results). All memory is
 * allocated by the calling thread through @p alloc. Scratch as for
 * svcm_segment_migration(), plus, per thread, 8 bytes per bucket (about
 * one bucket per 16384 records) and a bucket table.
 * @param old_ids,old_tiers,n_old the old snapshot (pointers may be NULL when
 *        n_old == 0).
 * @param new_ids,new_tiers,n_new the new snapshot.
 * @param run execution settings (::svcm_segment_run_options; only threads
 *        is used), or NULL for the defaults (1 thread).
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out the counts, written only on success.
 * @param[out] err optional detail as for svcm_segment_migration(); field
 *        "threads" for bad settings.
 * @return as svcm_segment_migration(); also SVCM_EINVAL for bad settings.
 * @par Thread safety: touches only @p out and @p err.
 * @since 0.2
 */
SVCM_API int svcm_segment_migration_run(const int64_t *old_ids, const uint8_t *old_tiers,
                                        size_t n_old, const int64_t *new_ids,
                                        const uint8_t *new_tiers, size_t n_new,
                                        const svcm_segment_run_options *run,
                                        const svcm_allocator *alloc, svcm_migration *out,
                                        svcm_error *err);

/* ------------------------------------------------------- Customer table */

/**
 * @name Customer table (@since 0.2)
 *
 * One ::svcm_customers table serves RFM, tiering, BG/NBD, Gamma-Gamma and
 * CLV. Its columns, each optional (NULL = absent), per customer i:
 * - `id`: the customer id;
 * - `recency`: time since the last purchase, `tenure`: time since the first
 *   purchase (both in `unit`);
 * - `frequency`: number of purchases, the first included; `monetary`: their
 *   total value;
 * - `p_alive`: P(alive), e.g. from svcm_lifetime_table_fit();
 * - `x`, `t_x`, `T`, `mean_repeat_spend`: the lifetime summary of Fader,
 *   Hardie & Lee (2005): repeat purchases, time of the last repeat purchase
 *   and length of observation, both from the first purchase (in `unit`),
 *   and the mean value of the repeat purchases (Fader & Hardie 2013: the
 *   first purchase is not part of it).
 *
 * With every column present, frequency = x + 1, tenure = T and recency =
 * T - t_x. A table is either borrowed (the caller's arrays in a view it
 * fills) or owned (allocated by svcm_customers_new() or
 * svcm_customers_summarize(), released by svcm_customers_free(); its
 * columns are packed arrays that the caller may write through a cast).
 * @{
 */

/** @brief svcm_customers_options::columns bits: which columns an owned
 *         table has. */
#define SVCM_CUSTOMERS_COLUMN_ID 0x001u                /**< id (int64_t) */
#define SVCM_CUSTOMERS_COLUMN_RECENCY 0x002u           /**< recency */
#define SVCM_CUSTOMERS_COLUMN_FREQUENCY 0x004u         /**< frequency */
#define SVCM_CUSTOMERS_COLUMN_MONETARY 0x008u          /**< monetary */
#define SVCM_CUSTOMERS_COLUMN_TENURE 0x010u            /**< tenure */
#define SVCM_CUSTOMERS_COLUMN_P_ALIVE 0x020u           /**< p_alive */
#define SVCM_CUSTOMERS_COLUMN_X 0x040u                 /**< x */
#define SVCM_CUSTOMERS_COLUMN_T_X 0x080u               /**< t_x */
#define SVCM_CUSTOMERS_COLUMN_T 0x100u                 /**< T */
#define SVCM_CUSTOMERS_COLUMN_MEAN_REPEAT_SPEND 0x200u /**< mean_repeat_spend */
#define SVCM_CUSTOMERS_COLUMN_ALL 0x3ffu               /**< every column */

/**
 * @brief Seconds in one time unit.
 * @param unit an ::svcm_time_unit value (any int is accepted).
 * @return 86400, 604800 or 1; 0 for an unknown unit.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API double svcm_time_unit_seconds(int unit);

/** @brief Shape of an owned table made by svcm_customers_new(). */
typedef struct svcm_customers_options {
    size_t n;            /**< rows; default 0 */
    unsigned columns;    /**< SVCM_CUSTOMERS_COLUMN_* bits; default SVCM_CUSTOMERS_COLUMN_ALL */
    svcm_time_unit unit; /**< unit of the time columns; default SVCM_TIME_UNIT_DAY */
} svcm_customers_options;

/**
 * @brief Fill @p opts with the defaults (0 rows, every column, days).
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.2
 */
SVCM_API void svcm_customers_options_init(svcm_customers_options *opts);

/**
 * @brief Allocate an owned table: the chosen columns, zero-filled, packed.
 * @param opts shape; NULL means the defaults.
 * @param alloc allocator for the table, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives the table (NULL on failure).
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for a NULL @p out, unknown column bits
 *         (field "columns") or an unknown unit (field "unit"); SVCM_ENOMEM.
 * @par Ownership: the caller owns the table and releases it with
 *      svcm_customers_free(); never free a borrowed view with it.
 * @par Thread safety: reentrant; touches only @p out and @p err.
 * @since 0.2
 */
SVCM_API int svcm_customers_new(const svcm_customers_options *opts, const svcm_allocator *alloc,
                                svcm_customers **out, svcm_error *err);

/**
 * @brief Release a table from svcm_customers_new() or
 *        svcm_customers_summarize().
 * @param c the table; NULL is a no-op.
 * @par Thread safety: touches only @p c.
 * @since 0.2
 */
SVCM_API void svcm_customers_free(svcm_customers *c);

/**
 * @brief Summarise raw transactions into an owned table with every column.
 *
 * The rows are the customers of svcm_lifetime_summarize() (same rules,
 * options and errors, returns included: see svcm_summary_options::returns;
 * sorted by id), with x, t_x, T and mean_repeat_spend
 * as it computes them, frequency = x + 1, tenure = T, recency = T - t_x,
 * monetary = the summed value of all calibration purchases (the first
 * included) and p_alive = 0 (fill it with svcm_lifetime_table_fit()). The
 * table's unit follows svcm_summary_options::period, which must be the
 * length of an ::svcm_time_unit (604800, the default, gives weeks).
 * @param ids,times,values,n,end,opts as in svcm_lifetime_summarize().
 * @param alloc allocator for scratch memory and the table, copied (its ctx
 *        must outlive the table);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives the table (NULL on failure).
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; the codes of svcm_lifetime_summarize(), except
 *         SVCM_ENOSPC; SVCM_EINVAL also for a NULL @p out or a period that
 *         is not a time unit (field "period"); SVCM_ERANGE also when a
 *         customer's monetary total exceeds the double range (index of its
 *         first transaction, field "value").
 * @par Ownership: the caller releases the table with svcm_customers_free().
 * @par Thread safety: reentrant; touches only @p out and @p err.
 * @since 0.2
 */
SVCM_API int svcm_customers_summarize(const int64_t *ids, const int64_t *times,
                                      const double *values, size_t n, int64_t end,
                                      const svcm_summary_options *opts,
                                      const svcm_allocator *alloc, svcm_customers **out,
                                      svcm_error *err);

/**
 * @brief RFM scoring and tiering of a table in any time unit: recency and
 *        tenure are converted to days (the unit of the policy), edges are
 *        fitted (svcm_rfm_fit()) unless given, then svcm_segment_assign().
 * @param c the table (input rules of this file; an unknown unit is
 *        ::SVCM_EINVAL, field "unit").
 * @param p the policy.
 * @param edges fixed edges in days, or NULL to fit them from @p c.
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] tiers n ::svcm_tier values (required when n > 0); the same
 *             bytes svcm_request::tier takes.
 * @param[out] reasons n ::svcm_segment_reason values, or NULL.
 * @param[out] fitted the edges used (days), or NULL.
 * @param[out] err optional detail.
 * @return SVCM_OK; the codes of svcm_rfm_fit() and svcm_segment_assign();
 *         SVCM_ENOMEM. Nothing is written on failure.
 * @par Thread safety: reentrant; touches only the outputs and @p err.
 * @since 0.2
 */
SVCM_API int svcm_customers_segment(const svcm_customers *c, const svcm_segment_options *p,
                                    const svcm_rfm_edges *edges, const svcm_allocator *alloc,
                                    svcm_tier *tiers, uint8_t *reasons, svcm_rfm_edges *fitted,
                                    svcm_error *err);

/** @brief Settings of svcm_lifetime_table_fit(). */
typedef struct svcm_lifetime_table_options {
    /** Time unit of the models: the table's times are converted to it, and
     *  alpha, horizon and clv.period_length are in it; default
     *  SVCM_TIME_UNIT_WEEK (the papers' unit). */
    svcm_time_unit unit;
    /** Horizon of the expected purchases, in @p unit; default 52; finite, >= 0. */
    double horizon;
    svcm_lifetime_fit_options fit; /**< both fits; default svcm_lifetime_fit_options_init() */
    svcm_clv_options clv;          /**< CLV; default svcm_clv_options_init() (months of weeks) */
} svcm_lifetime_table_options;

/**
 * @brief Fill @p opts with the defaults (weeks, 52 weeks ahead, default fit
 *        and CLV options).
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.2
 */
SVCM_API void svcm_lifetime_table_options_init(svcm_lifetime_table_options *opts);

/** @brief The models fitted by svcm_lifetime_table_fit(). */
struct svcm_lifetime_table_result {
    struct svcm_bgnbd_fit_result bgnbd;           /**< BG/NBD, on every customer */
    struct svcm_gammagamma_fit_result gammagamma; /**< Gamma-Gamma on customers with x > 0; zeroed when @p clv is NULL */
    svcm_time_unit unit;                   /**< the models' time unit */
};

/**
 * @brief Fit BG/NBD (and Gamma-Gamma) on a customer table and fill the
 *        P(alive), expected purchases and CLV columns.
 *
 * (x, t_x, T) come from the x, t_x and T columns when all three are given,
 * else from the RFM columns: x = frequency - 1 (frequency a whole number
 * >= 1), T = tenure, t_x = tenure - recency (0 when x = 0). Times are
 * converted from the table's unit to opts->unit. BG/NBD is fitted on every
 * customer (svcm_bgnbd_fit()). When @p clv is wanted, Gamma-Gamma is fitted
 * on the customers with x > 0 over mean_repeat_spend, the mean of the
 * repeat purchases (Fader & Hardie 2013; never monetary / frequency, which
 * includes the first purchase), and svcm_clv() values each customer.
 * @param c the table; n > 0.
 * @param opts settings; NULL means the defaults.
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out the models, or NULL.
 * @param[out] p_alive n P(alive) values (svcm_bgnbd_p_alive()), or NULL.
 * @param[out] expected n expected purchases over opts->horizon
 *             (svcm_bgnbd_expected_purchases()), or NULL.
 * @param[out] clv n CLVs (svcm_clv() with opts->clv), or NULL.
 * @param[out] err optional detail: record index and field ("x", "t_x",
 *             "T", "frequency", "recency", "tenure", "mean_repeat_spend")
 *             or option ("unit", "horizon", and those of the fits and CLV);
 *             a failure inside a model starts its message with the stage:
 *             "BG/NBD fit: ", "P(alive): ", "expected purchases: ",
 *             "Gamma-Gamma fit: " or "CLV: ".
 * @return SVCM_OK; SVCM_EINVAL for a NULL @p c, an unknown unit (field
 *         "unit", of the table or the options), a bad horizon, missing
 *         columns (the first missing one named; mean_repeat_spend only when
 *         @p clv is wanted) or a bad record; SVCM_EEMPTY when n == 0 or
 *         nobody has x > 0; SVCM_ENOMEM; SVCM_ENOCONV and SVCM_ERANGE from
 *         the fits, expectations and CLV (field and index as there).
 *         Nothing is written on failure.
 * @par Thread safety: reentrant; touches only the outputs and @p err.
 * @since 0.2
 */
SVCM_API int svcm_lifetime_table_fit(const svcm_customers *c,
                                     const svcm_lifetime_table_options *opts,
                                     const svcm_allocator *alloc,
                                     struct svcm_lifetime_table_result *out, double *p_alive,
                                     double *expected, double *clv, svcm_error *err);

/* ------------------------------------------------ streaming customer table */

/**
 * @brief Settings of a streaming customer-table builder (@since 0.2).
 *
 * The rules are those of svcm_customers_summarize(): @c summary as in
 * svcm_lifetime_summarize() (slot geometry, the period, which must be the
 * length of an ::svcm_time_unit, and the returns rule), @c end its end of
 * observation.
 */
typedef struct svcm_customers_builder_options {
    svcm_summary_options summary; /**< default: svcm_summary_options_init() */
    /** End of observation in seconds: rows in a later slot are left out
     *  (the holdout); default INT64_MAX (none is). */
    int64_t end;
} svcm_customers_builder_options;

/**
 * @brief Streaming summarizer of transactions into a customer table.
 *
 * Rows (customer id, time, value) are added in batches, in any order and of
 * any size; svcm_customers_builder_finish() then gives the table that
 * svcm_customers_summarize() gives for all the rows at once.
 *
 * Memory: one entry of 40 bytes (plus 8 to 16 of index) per customer and
 * distinct purchase slot (the svcm_summary_options::granularity, e.g. a
 * day), not per row: the purchases of one customer in one slot are merged
 * into one as they arrive, exactly as the sort-based summarizer merges them
 * (x = distinct purchase slots - 1). Rows after @c end and dropped returns
 * take no memory. Equal results: the table is that of
 * svcm_customers_summarize() on the same rows, bit for bit, whenever each
 * customer-slot's values add up to the same double in any order (always for
 * at most two values per slot, and for whole numbers or any values that are
 * multiples of a common power of two within 2^53 of it, such as whole cents
 * scaled to integers); otherwise a merged slot's sum may differ in its last
 * bits, since the sort-based summarizer adds a slot's values in time order
 * and the builder in the order they arrive.
 * @since 0.2
 */
typedef struct svcm_customers_builder svcm_customers_builder;

/** @brief What a builder holds (svcm_customers_builder_result()). */
struct svcm_customers_builder_result {
    size_t rows;    /**< rows of the accepted batches, merged builders' included */
    size_t periods; /**< customer-slots held (entries) */
    size_t bytes;   /**< bytes the builder has allocated */
};

/**
 * @brief Fill @p opts with the defaults (svcm_summary_options_init(), no end).
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.2
 */
SVCM_API void svcm_customers_builder_options_init(svcm_customers_builder_options *opts);

/**
 * @brief Create an empty builder.
 * @param opts settings, copied; NULL means the defaults.
 * @param alloc allocator for the builder, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives the builder (NULL on failure).
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for a NULL @p out, a granularity < 1 (field
 *         "granularity"), a period that is not finite and > 0 or not a time
 *         unit (field "period"), an unknown returns rule (field "returns"),
 *         an @c end - offset that overflows (field "end") or an incomplete
 *         allocator (field "alloc"); SVCM_ENOMEM.
 * @par Ownership: the caller releases the builder with
 *      svcm_customers_builder_free().
 * @par Thread safety: reentrant; touches only @p out and @p err.
 * @since 0.2
 */
SVCM_API int svcm_customers_builder_new(const svcm_customers_builder_options *opts,
                                        const svcm_allocator *alloc,
                                        svcm_customers_builder **out, svcm_error *err);

/**
 * @brief Release a builder.
 * @param b the builder; NULL is a no-op.
 * @par Thread safety: touches only @p b.
 * @since 0.2
 */
SVCM_API void svcm_customers_builder_free(svcm_customers_builder *b);

/**
 * @brief Add a batch of transactions (all or nothing).
 *
 * Every row is checked as svcm_lifetime_summarize() checks it before any is
 * added; rows after the end and dropped returns are counted in @c rows and
 * otherwise left out.
 * @param b the builder.
 * @param ids,times,values n customer ids, times (seconds) and values; may
 *        be NULL when n == 0.
 * @param n rows in the batch.
 * @param[out] err optional detail on failure; its index is the row's
 *        position in this batch.
 * @return SVCM_OK; SVCM_EINVAL for a NULL @p b or array, a value that is
 *         not finite or negative under ::SVCM_SUMMARY_RETURNS_ERROR (field
 *         "value") or a time - offset that overflows (field "time");
 *         SVCM_ENOMEM (field NULL; the builder is as before the call).
 * @par Thread safety: not thread safe on the same builder; distinct
 *      builders may be fed from distinct threads and merged.
 * @since 0.2
 */
SVCM_API int svcm_customers_builder_add(svcm_customers_builder *b, const int64_t *ids,
                                        const int64_t *times, const double *values, size_t n,
                                        svcm_error *err);

/**
 * @brief Add everything @p src holds into @p dst (all or nothing), as if
 *        src's rows had been added to dst after dst's own.
 * @param dst the builder that grows.
 * @param src a builder made with the same options; unchanged.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for a NULL argument, @p dst == @p src (field
 *         "src") or different options (field "opts"); SVCM_ENOMEM (dst as
 *         before the call).
 * @par Thread safety: not thread safe on @p dst; @p src is only read.
 * @since 0.2
 */
SVCM_API int svcm_customers_builder_merge(svcm_customers_builder *dst,
                                          const svcm_customers_builder *src, svcm_error *err);

/**
 * @brief The customer table of the rows added so far.
 *
 * Sorts the builder's entries (no allocation besides the table); the builder
 * stays usable: more rows may be added and the table made again.
 * @param b the builder.
 * @param alloc allocator for the table, copied (its ctx must outlive the
 *        table); NULL for malloc/free. One with a NULL function is
 *        ::SVCM_EINVAL.
 * @param[out] out receives the table, as svcm_customers_summarize() makes it
 *        (sorted by id; p_alive 0); NULL on failure.
 * @param[out] err optional detail on failure.
 * @return SVCM_OK; SVCM_EINVAL for a NULL @p b or @p out or an incomplete
 *         allocator; SVCM_ERANGE when a customer's T (field "time"), mean
 *         repeat spend or monetary total (field "value") exceeds the double
 *         range, with its id in the message and the index (counted over
 *         the accepted batches) of the first row of its first purchase
 *         slot (T), of its first repeat slot (mean spend) or of its first
 *         kept row (monetary); SVCM_ENOMEM.
 * @par Ownership: the caller releases the table with svcm_customers_free().
 * @par Thread safety: not thread safe on the same builder.
 * @since 0.2
 */
SVCM_API int svcm_customers_builder_finish(svcm_customers_builder *b, const svcm_allocator *alloc,
                                           svcm_customers **out, svcm_error *err);

/**
 * @brief What the builder holds: rows taken, customer-slots, bytes.
 * @param b the builder.
 * @param[out] out the figures.
 * @return SVCM_OK; SVCM_EINVAL when @p b or @p out is NULL.
 * @par Thread safety: reads @p b only.
 * @since 0.2
 */
SVCM_API int svcm_customers_builder_result(const svcm_customers_builder *b,
                                           struct svcm_customers_builder_result *out);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* SVCM_SEGMENT_H */
