/**
 * @file svcm/pdca.h
 * @brief Plan-Do-Check-Act improvement cycles: a SMART goal on one KPI,
 *        actions with owners and due dates, time-stamped measurements, a
 *        Check that computes change, significance and control-chart signals,
 *        an Act decision, chained cycles, an audit trail and a text format.
 *
 * @par Life cycle
 * A cycle moves PLAN -> DO -> CHECK -> ACT -> CLOSED. Each transition is
 * guarded; a refused transition returns ::SVCM_ESTATE and its ::svcm_error
 * message says which condition is missing:
 * - PLAN -> DO (svcm_cycle_start()): a goal is set and at least one action
 *   is not dropped;
 * - DO -> CHECK (svcm_cycle_check()): at least one measurement taken after
 *   DO began (an "after" sample);
 * - CHECK -> ACT (svcm_cycle_enter_act()): a Check result that is current
 *   (measurements added after the last Check make it stale);
 * - ACT -> CLOSED: svcm_cycle_standardize(), svcm_cycle_adjust() (which
 *   also opens the next cycle) or svcm_cycle_abandon();
 * - a CLOSED cycle accepts nothing: every mutating call is ::SVCM_ESTATE.
 * Every transition appends an audit entry (instant, actor, note, from, to).
 * Transition instants never go back in time (::SVCM_EINVAL otherwise).
 *
 * @par Chains and ownership
 * svcm_cycle_adjust() returns a new cycle that the caller owns and frees
 * with svcm_cycle_free(), exactly like one from svcm_cycle_new(). The new
 * cycle's id is the predecessor's id + 1; it records its predecessor's id
 * and title, and the predecessor records its successor's id and title.
 * While both are alive they are also linked by pointer (svcm_cycle_next(),
 * svcm_cycle_prev()), so a chain can be walked; freeing a cycle unlinks it
 * from its neighbours (their recorded ids and titles stay). Loaded cycles
 * are re-linked with svcm_cycle_link(). Cycles of one chain share links, so
 * a chain must be used by one thread at a time.
 *
 * @par Text format
 * svcm_cycle_format() writes a cycle as line-oriented UTF-8 text and
 * svcm_cycle_parse() reads it back; the version written is 1, or
 * ::SVCM_PDCA_FORMAT_VERSION (2) for a cycle with a 5W2H problem record
 * (@since 0.2). The text is UTF-8 (RFC 3629), and so is every
 * string a cycle stores: the setters refuse other bytes with ::SVCM_EINVAL,
 * the loader with ::SVCM_EFORMAT. Doubles are written and read the same
 * whatever the LC_NUMERIC locale (decimal only, '.' as the point; changed
 * in 0.2: hexadecimal reals are refused). The
 * format's specification (grammar, string escapes, every record and its
 * fields, versioning, and everything the loader refuses) is
 * docs/pdca-format.md in the source tree.
 */
#ifndef SVCM_PDCA_H
#define SVCM_PDCA_H

#include <stdbool.h>

#include "common.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Newest format version: svcm_cycle_format() writes it for a cycle
 *        that carries a 5W2H problem record and version 1 otherwise (so
 *        such text is unchanged since 0.1); svcm_cycle_parse() reads both.
 *        (@since 0.2: was 1.)
 */
#define SVCM_PDCA_FORMAT_VERSION 2

/** @brief The phase of a cycle. Values are stable. */
typedef enum svcm_pdca_phase {
    SVCM_PDCA_PHASE_PLAN = 0,
    SVCM_PDCA_PHASE_DO = 1,
    SVCM_PDCA_PHASE_CHECK = 2,
    SVCM_PDCA_PHASE_ACT = 3,
    SVCM_PDCA_PHASE_CLOSED = 4
} svcm_pdca_phase;

/** @brief How a closed cycle ended (SVCM_PDCA_OUTCOME_NONE while open). */
typedef enum svcm_pdca_outcome {
    SVCM_PDCA_OUTCOME_NONE = 0,
    SVCM_PDCA_OUTCOME_STANDARDIZED = 1, /**< change adopted, cycle closed */
    SVCM_PDCA_OUTCOME_ADJUSTED = 2,     /**< closed, a linked next cycle opened */
    SVCM_PDCA_OUTCOME_ABANDONED = 3     /**< closed with a reason (the audit note) */
} svcm_pdca_outcome;

/** @brief Status of an action. */
typedef enum svcm_action_status {
    SVCM_ACTION_STATUS_OPEN = 0,
    SVCM_ACTION_STATUS_DONE = 1,
    SVCM_ACTION_STATUS_DROPPED = 2
} svcm_action_status;

/** @brief The verdict of a Check. */
typedef enum svcm_pdca_verdict {
    SVCM_PDCA_VERDICT_IMPROVED = 0,        /**< significant, better, target met */
    SVCM_PDCA_VERDICT_TARGET_MISSED = 1,   /**< significant and better, target missed */
    SVCM_PDCA_VERDICT_NO_CHANGE = 2,       /**< not significant at alpha */
    SVCM_PDCA_VERDICT_WORSE = 3            /**< significant and worse */
} svcm_pdca_verdict;

/** @brief Which test produced the Check's p-value. */
typedef enum svcm_pdca_test {
    SVCM_PDCA_TEST_WELCH = 0,      /**< Welch's t-test on the sample values */
    SVCM_PDCA_TEST_PROPORTIONS = 1 /**< two-proportion z-test on summed counts */
} svcm_pdca_test;

/** @brief Options of a new cycle; fill with svcm_cycle_options_init(). */
typedef struct svcm_cycle_options {
    uint64_t id;            /**< caller's id; default 1 */
    const char *title;      /**< required, non-empty, UTF-8 (copied) */
    const char *owner;      /**< UTF-8; may be NULL (stored as "") */
    const char *metric;     /**< KPI name, required, non-empty, UTF-8 (copied) */
    const char *unit;       /**< UTF-8; may be NULL (stored as "") */
    bool higher_is_better;  /**< direction of the KPI; default true */
    bool rate;              /**< KPI is a rate: samples may carry counts; default false */
    double alpha;           /**< significance level in (0, 1) with 1 - alpha < 1
                                 (alpha > 2^-54); default 0.05 */
} svcm_cycle_options;

/** @brief An opaque PDCA cycle. */
typedef struct svcm_cycle svcm_cycle;

/**
 * @brief A read-only view of a cycle's scalar fields.
 *
 * String pointers are borrowed from the cycle: valid until the cycle is
 * freed (they are never reallocated while it lives, except prev/next titles,
 * which change only when the cycle is adjusted).
 */
struct svcm_cycle_result {
    uint64_t id;            /**< the caller's id of the cycle */
    const char *title;      /**< title (never NULL) */
    const char *owner;      /**< owner ("" when none was given) */
    const char *metric;     /**< name of the KPI the cycle improves */
    const char *unit;       /**< unit of the KPI ("" when none was given) */
    bool higher_is_better;  /**< direction of the KPI */
    bool rate;              /**< the KPI is a rate: samples may carry counts */
    double alpha;           /**< significance level of the Check */
    bool has_goal;          /**< a SMART goal has been set */
    double baseline;        /**< goal baseline (when has_goal) */
    double target;          /**< goal target (when has_goal) */
    int64_t deadline;       /**< goal deadline (when has_goal) */
    svcm_pdca_phase phase;     /**< current phase */
    svcm_pdca_outcome outcome; /**< how the cycle ended (NONE while open) */
    bool has_do_start;         /**< DO has begun */
    int64_t do_start;       /**< when DO began (when has_do_start) */
    bool has_prev;          /**< the cycle continues a predecessor */
    uint64_t prev_id;       /**< the predecessor's id (when has_prev) */
    const char *prev_title; /**< "" when !has_prev */
    bool has_next;          /**< an adjusted successor exists */
    uint64_t next_id;       /**< the successor's id (when has_next) */
    const char *next_title; /**< "" when !has_next */
    size_t n_actions;       /**< number of actions */
    size_t n_samples;       /**< number of measurements */
    size_t n_audit;         /**< number of audit trail entries */
    bool has_check;         /**< a current Check result exists */
};

/** @brief An action (strings borrowed from the cycle, see svcm_cycle_action()). */
typedef struct svcm_pdca_action {
    const char *description;   /**< what is to be done */
    const char *owner;         /**< who does it */
    int64_t due;               /**< when it is due */
    svcm_action_status status; /**< open, done or dropped */
} svcm_pdca_action;

/** @brief A KPI measurement. */
typedef struct svcm_pdca_sample {
    int64_t t;          /**< instant */
    double value;       /**< KPI value (the proportion when counts are given) */
    bool baseline;      /**< true: before DO began; false: after */
    bool has_counts;    /**< successes/trials given (rate KPIs only) */
    uint64_t successes; /**< <= trials */
    uint64_t trials;    /**< > 0 */
} svcm_pdca_sample;

/** @brief An audit trail entry (strings borrowed from the cycle). */
typedef struct svcm_pdca_audit {
    int64_t at;           /**< instant of the transition */
    const char *actor;    /**< who made it */
    const char *note;     /**< why ("" when none was given) */
    svcm_pdca_phase from; /**< phase before */
    svcm_pdca_phase to;   /**< phase after */
} svcm_pdca_audit;

/** @brief Number of Western Electric rules. */
#define SVCM_WE_RULES 4

/** @brief One Western Electric signal: rule 1..4 fired at sample index. */
typedef struct svcm_we_signal {
    int rule;     /**< Western Electric rule 1..4 */
    size_t index; /**< the sample that completes the pattern */
} svcm_we_signal;

/** @brief Individuals (XmR) chart limits. */
typedef struct svcm_xmr {
    size_t n;      /**< number of points */
    double center; /**< mean of the points: the centre line */
    double mr_bar; /**< mean moving range |x[i] - x[i-1]| */
    double sigma;  /**< mr_bar / 1.128 (d2 for n = 2) */
    double ucl;    /**< center + 3 sigma */
    double lcl;    /**< center - 3 sigma */
} svcm_xmr;

/**
 * @brief The result of a Check.
 *
 * `signals` is borrowed from the cycle: valid until the next call that
 * modifies the cycle (or svcm_cycle_free()).
 */
struct svcm_cycle_check_result {
    size_t n_baseline;      /**< baseline samples used */
    size_t n_after;         /**< after-samples used */
    double baseline_mean;   /**< mean of the baseline (pooled proportion for the z-test) */
    double after_mean;      /**< mean of the after-samples (pooled proportion for the z-test) */
    double change;          /**< after_mean - baseline_mean */
    double relative_change; /**< change / |baseline_mean|; NaN when that is 0,
                                 +-inf when the quotient overflows */
    bool target_met;        /**< after_mean reaches the goal target (direction-aware) */
    svcm_pdca_test test;     /**< which test gave the p-value */
    struct svcm_test_result result; /**< the test (diff = after - baseline) */
    double p_value;          /**< result.p_value, two-sided */
    double alpha;            /**< the significance level used */
    bool significant;        /**< p_value < alpha */
    svcm_pdca_verdict verdict; /**< improved, target missed, no change or worse */
    svcm_xmr limits;         /**< XmR limits of the baseline samples */
    size_t rule_count[SVCM_WE_RULES]; /**< signals per rule 1..4 */
    const svcm_we_signal *signals;    /**< after-samples vs baseline limits */
    size_t n_signals;                 /**< number of signals */
};

/**
 * @brief Fill @p opts with defaults: id 1, no title/metric (required),
 *        higher is better, not a rate, alpha 0.05.
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.1
 */
SVCM_API void svcm_cycle_options_init(svcm_cycle_options *opts);

/**
 * @brief Create a cycle in PLAN, without a goal or actions.
 * @param opts options (copied, strings duplicated).
 * @param alloc allocator for the cycle, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives the cycle; free with svcm_cycle_free().
 * @param[out] err optional detail (field "title", "owner", "metric", "unit"
 *        or "alpha"; for invalid UTF-8 the message gives the 0-based byte
 *        offset of the first bad byte).
 * @return SVCM_OK; SVCM_EINVAL for NULL opts/out, a missing or empty title
 *         or metric, a title, owner, metric or unit that is not valid UTF-8
 *         (RFC 3629: overlong forms, surrogates, code points above U+10FFFF
 *         and truncated sequences are invalid), or alpha outside (0, 1) or
 *         so small that 1 - alpha rounds to 1 (alpha <= 2^-54, about
 *         5.6e-17); SVCM_ENOMEM.
 * @par Thread safety: reentrant.
 * @since 0.1
 */
SVCM_API int svcm_cycle_new(const svcm_cycle_options *opts, const svcm_allocator *alloc,
                            svcm_cycle **out, svcm_error *err);

/**
 * @brief Free a cycle (NULL is a no-op); unlinks it from its chain
 *        neighbours, which stay valid and keep the recorded id and title.
 * @param c the cycle, or NULL.
 * @par Thread safety: not with other calls on the same chain.
 * @since 0.1
 */
SVCM_API void svcm_cycle_free(svcm_cycle *c);

/**
 * @brief Set (or replace) the SMART goal: the KPI moves from @p baseline to
 *        @p target by @p deadline. Allowed in PLAN only.
 * @param c the cycle.
 * @param baseline,target finite; target must be strictly better than
 *        baseline in the KPI's direction.
 * @param deadline instant.
 * @param[out] err optional detail.
 * @return SVCM_OK; SVCM_EINVAL for NULL c, non-finite values or a target
 *         that is not better than the baseline; SVCM_ESTATE outside PLAN.
 * @par Thread safety: one thread per cycle.
 * @since 0.1
 */
SVCM_API int svcm_cycle_set_goal(svcm_cycle *c, double baseline, double target,
                                 int64_t deadline, svcm_error *err);

/**
 * @brief Read the cycle's scalar fields.
 * @param c the cycle.
 * @param[out] out receives the fields.
 * @return SVCM_OK; SVCM_EINVAL for NULL arguments.
 * @par Thread safety: read-only.
 * @since 0.1
 */
SVCM_API int svcm_cycle_result(const svcm_cycle *c, struct svcm_cycle_result *out);

/**
 * @brief Add an action (status open). Allowed in every phase but CLOSED.
 * @param c the cycle.
 * @param description non-empty UTF-8 text (copied).
 * @param owner UTF-8; may be NULL (stored as "").
 * @param due due instant.
 * @param[out] index optional: the new action's index.
 * @param[out] err optional detail (field "description" or "owner"; for
 *        invalid UTF-8 the message gives the byte offset).
 * @return SVCM_OK; SVCM_EINVAL for NULL c, an empty description, or a
 *         description or owner that is not valid UTF-8; SVCM_ESTATE when
 *         closed; SVCM_ENOMEM (nothing added).
 * @par Thread safety: one thread per cycle.
 * @since 0.1
 */
SVCM_API int svcm_cycle_add_action(svcm_cycle *c, const char *description, const char *owner,
                                   int64_t due, size_t *index, svcm_error *err);

/**
 * @brief Change an action's status (any status to any other).
 * @param c the cycle.
 * @param index the action (0-based).
 * @param status the new status.
 * @param[out] err optional detail (index and field "status").
 * @return SVCM_OK; SVCM_EINVAL for NULL c or an unknown status;
 *         SVCM_ENOTFOUND for a bad index; SVCM_ESTATE when closed.
 * @par Thread safety: one thread per cycle.
 * @since 0.1
 */
SVCM_API int svcm_cycle_set_action_status(svcm_cycle *c, size_t index,
                                          svcm_action_status status, svcm_error *err);

/**
 * @brief Read action @p index (strings borrowed until the cycle is freed).
 * @param c the cycle.
 * @param index the action (0-based).
 * @param[out] out receives the action.
 * @return SVCM_OK; SVCM_EINVAL for NULL arguments; SVCM_ENOTFOUND for a
 *         bad index.
 * @par Thread safety: read-only.
 * @since 0.1
 */
SVCM_API int svcm_cycle_action(const svcm_cycle *c, size_t index, svcm_pdca_action *out);

/**
 * @brief Indices of the actions overdue as of @p as_of: status open and
 *        due strictly before @p as_of.
 * @param c the cycle.
 * @param as_of the instant.
 * @param[out] idx receives up to @p cap indices, ascending (may be NULL
 *        when cap is 0).
 * @param cap capacity of @p idx.
 * @param[out] count always receives the number of overdue actions.
 * @return SVCM_OK; SVCM_EINVAL for NULL c or count; SVCM_ENOSPC when more
 *         than @p cap are overdue (nothing written to idx).
 * @par Thread safety: read-only.
 * @since 0.1
 */
SVCM_API int svcm_cycle_overdue(const svcm_cycle *c, int64_t as_of, size_t *idx, size_t cap,
                                size_t *count);

/**
 * @brief Record @p n measurements; all or nothing.
 *
 * Baseline samples are allowed in PLAN and DO and must be taken before DO
 * began; after samples are allowed in DO and CHECK and must be taken at or
 * after the DO start (ACT and CLOSED accept no samples: the Act decision
 * rests on the Check result). Within each kind, times must not decrease
 * (including against samples already recorded). Counts are accepted only
 * when the cycle's KPI is a rate; with counts, @p value is ignored and the
 * proportion successes / trials is stored. Adding a sample makes an
 * existing Check result stale.
 *
 * @param c the cycle.
 * @param s samples (may be NULL when n == 0).
 * @param n count.
 * @param[out] err optional: the index of the first bad sample and its field
 *        ("value", "t", "baseline", "counts").
 * @return SVCM_OK; SVCM_EINVAL for NULL c, a non-finite value, counts on a
 *         non-rate KPI, trials == 0 or successes > trials, or times out of
 *         order or on the wrong side of the DO start; SVCM_ESTATE for a kind
 *         not allowed in the current phase (PLAN: no after samples; CHECK:
 *         no baseline samples; ACT, CLOSED: nothing); SVCM_ENOMEM.
 * @par Thread safety: one thread per cycle.
 * @since 0.1
 */
SVCM_API int svcm_cycle_measure(svcm_cycle *c, const svcm_pdca_sample *s, size_t n,
                                svcm_error *err);

/**
 * @brief Read sample @p index (in the order recorded).
 * @param c the cycle.
 * @param index the sample (0-based).
 * @param[out] out receives the sample.
 * @return SVCM_OK; SVCM_EINVAL for NULL arguments; SVCM_ENOTFOUND.
 * @par Thread safety: read-only.
 * @since 0.1
 */
SVCM_API int svcm_cycle_sample(const svcm_cycle *c, size_t index, svcm_pdca_sample *out);

/**
 * @brief PLAN -> DO at instant @p now.
 * @param c the cycle.
 * @param now the transition instant: not before the last audit entry, and
 *        after every baseline sample.
 * @param actor who, UTF-8 (may be NULL: stored as "").
 * @param note why, UTF-8 (may be NULL: stored as "").
 * @param[out] err optional detail (field "actor" or "note" with the byte
 *        offset for invalid UTF-8).
 * @return SVCM_OK; SVCM_EINVAL for NULL c, a @p now that goes back in
 *         time, or an actor or note that is not valid UTF-8; SVCM_ESTATE
 *         when not in PLAN, without a goal, or without an action that is
 *         not dropped (the message says which); SVCM_ENOMEM.
 * @par Thread safety: one thread per cycle.
 * @since 0.1
 */
SVCM_API int svcm_cycle_start(svcm_cycle *c, int64_t now, const char *actor, const char *note,
                              svcm_error *err);

/**
 * @brief Run the Check. In DO this is the DO -> CHECK transition at @p now
 *        (guard: at least one after sample); in CHECK it recomputes the
 *        result (no transition, @p now/actor/note unused).
 *
 * Compares after samples with baseline samples: means, absolute and
 * relative change, target met, a two-sided test (the two-proportion z-test
 * on summed counts when the KPI is a rate and every sample has counts,
 * else Welch's t-test), the XmR limits of the baseline samples and the
 * Western Electric rules over the after samples against those limits. The
 * verdict is direction-aware: significant (p < alpha) and better: improved
 * (target met) or target missed; significant and worse: worse; otherwise
 * no change. When the test is undefined because neither sample varies,
 * p is 0 if the means differ and 1 if they are equal.
 *
 * @param c the cycle.
 * @param now the DO -> CHECK instant (not before the last transition).
 * @param actor who, UTF-8 (may be NULL: ""); unused (and not checked) in CHECK.
 * @param note why, UTF-8 (may be NULL: ""); unused (and not checked) in CHECK.
 * @param[out] out optional: the result (signals borrowed from the cycle).
 * @param[out] err optional detail.
 * @return SVCM_OK; SVCM_EINVAL for NULL c, @p now going back in time, or
 *         (in DO) an actor or note that is not valid UTF-8 (field "actor"
 *         or "note", byte offset in the message);
 *         SVCM_ESTATE outside DO/CHECK or without an after sample;
 *         SVCM_EEMPTY with fewer than 2 baseline or 2 after samples (the
 *         cycle stays in DO); SVCM_ERANGE when the change, its confidence
 *         interval or the baseline's control limits exceed the double range
 *         (values near +-DBL_MAX; nothing changes); SVCM_ENOMEM.
 * @par Thread safety: one thread per cycle.
 * @since 0.1
 */
SVCM_API int svcm_cycle_check(svcm_cycle *c, int64_t now, const char *actor, const char *note,
                              struct svcm_cycle_check_result *out, svcm_error *err);

/**
 * @brief The current Check result (signals borrowed from the cycle).
 * @param c the cycle.
 * @param[out] out receives the result.
 * @return SVCM_OK; SVCM_EINVAL for NULL arguments; SVCM_ENOTFOUND when
 *         there is no current result.
 * @par Thread safety: read-only.
 * @since 0.1
 */
SVCM_API int svcm_cycle_check_result(const svcm_cycle *c, struct svcm_cycle_check_result *out);

/**
 * @brief CHECK -> ACT at @p now.
 * @param c the cycle.
 * @param now the transition instant.
 * @param actor who, UTF-8 (may be NULL: "").
 * @param note why, UTF-8 (may be NULL: "").
 * @param[out] err optional detail.
 * @return SVCM_OK; SVCM_EINVAL for NULL c, @p now going back in time, or
 *         an actor or note that is not valid UTF-8 (field "actor" or
 *         "note", byte offset in the message);
 *         SVCM_ESTATE when not in CHECK or without a current Check result;
 *         SVCM_ENOMEM.
 * @par Thread safety: one thread per cycle.
 * @since 0.1
 */
SVCM_API int svcm_cycle_enter_act(svcm_cycle *c, int64_t now, const char *actor,
                                  const char *note, svcm_error *err);

/**
 * @brief Act: standardize (adopt the change) and close. ACT -> CLOSED.
 * @param c the cycle.
 * @param now the transition instant.
 * @param actor who, UTF-8 (may be NULL: "").
 * @param note why, UTF-8 (may be NULL: "").
 * @param[out] err optional detail.
 * @return SVCM_OK; SVCM_EINVAL for NULL c, @p now going back in time, or
 *         an actor or note that is not valid UTF-8 (field "actor" or
 *         "note", byte offset in the message);
 *         SVCM_ESTATE when not in ACT; SVCM_ENOMEM.
 * @par Thread safety: one thread per cycle.
 * @since 0.1
 */
SVCM_API int svcm_cycle_standardize(svcm_cycle *c, int64_t now, const char *actor,
                                    const char *note, svcm_error *err);

/**
 * @brief Act: abandon and close with a reason. ACT -> CLOSED.
 * @param reason non-empty UTF-8; stored as the audit note.
 * @param c the cycle.
 * @param now the transition instant.
 * @param actor who, UTF-8 (may be NULL: "").
 * @param[out] err optional detail.
 * @return SVCM_OK; SVCM_EINVAL for NULL c, an empty reason, @p now going
 *         back in time, or an actor or reason that is not valid UTF-8
 *         (field "actor" or "reason", byte offset in the message);
 *         SVCM_ESTATE when not in ACT; SVCM_ENOMEM.
 * @par Thread safety: one thread per cycle.
 * @since 0.1
 */
SVCM_API int svcm_cycle_abandon(svcm_cycle *c, int64_t now, const char *actor,
                                const char *reason, svcm_error *err);

/**
 * @brief Act: adjust. Closes @p c (ACT -> CLOSED) and creates the next
 *        cycle in PLAN: same title, owner, KPI and options, id = c's id + 1,
 *        goal baseline = c's Check after-mean, the given target and deadline.
 * @param c the cycle, in ACT.
 * @param now the ACT -> CLOSED instant.
 * @param actor who, UTF-8 (may be NULL: "").
 * @param note why, UTF-8 (may be NULL: "").
 * @param target the new target: strictly better than the new baseline.
 * @param deadline the new deadline.
 * @param[out] next receives the new cycle, owned by the caller (free with
 *        svcm_cycle_free()); linked to @p c both ways.
 * @param[out] err optional detail.
 * @return SVCM_OK; SVCM_EINVAL for NULL c/next, a non-finite target or one
 *         not better than the new baseline, @p now going back in time, or
 *         an actor or note that is not valid UTF-8 (field "actor" or
 *         "note", byte offset in the message);
 *         SVCM_ESTATE when not in ACT; SVCM_ERANGE when c's id is
 *         UINT64_MAX (no id left); SVCM_ENOMEM. On failure c is unchanged.
 * @par Thread safety: one thread per chain.
 * @since 0.1
 */
SVCM_API int svcm_cycle_adjust(svcm_cycle *c, int64_t now, const char *actor, const char *note,
                               double target, int64_t deadline, svcm_cycle **next,
                               svcm_error *err);

/**
 * @brief Read audit entry @p index (strings borrowed until the cycle is freed).
 * @param c the cycle.
 * @param index the entry (0-based, in time order).
 * @param[out] out receives the entry.
 * @return SVCM_OK; SVCM_EINVAL for NULL arguments; SVCM_ENOTFOUND.
 * @par Thread safety: read-only.
 * @since 0.1
 */
SVCM_API int svcm_cycle_audit(const svcm_cycle *c, size_t index, svcm_pdca_audit *out);

/**
 * @brief The successor in the chain, if alive and linked (borrowed).
 * @param c the cycle (may be NULL).
 * @return the successor, or NULL (also for NULL c).
 * @par Thread safety: read-only.
 * @since 0.1
 */
SVCM_API svcm_cycle *svcm_cycle_next(const svcm_cycle *c);

/**
 * @brief The predecessor in the chain, if alive and linked (borrowed).
 * @param c the cycle (may be NULL).
 * @return the predecessor, or NULL (also for NULL c).
 * @par Thread safety: read-only.
 * @since 0.1
 */
SVCM_API svcm_cycle *svcm_cycle_prev(const svcm_cycle *c);

/**
 * @brief Link two loaded cycles by pointer: @p prev must record @p next's
 *        id as its successor, @p next must record @p prev's id as its
 *        predecessor, and @p next's id must be @p prev's id + 1 (as
 *        svcm_cycle_adjust() makes it; so a chain never loops).
 * @param prev the predecessor.
 * @param next the successor.
 * @return SVCM_OK; SVCM_EINVAL for NULL or equal arguments; SVCM_EMISMATCH
 *         when the recorded ids do not agree; SVCM_EEXIST when either is
 *         already linked to another cycle.
 * @par Thread safety: one thread per chain.
 * @since 0.1
 */
SVCM_API int svcm_cycle_link(svcm_cycle *prev, svcm_cycle *next);

/**
 * @brief Write the cycle as text (format: docs/pdca-format.md); each
 *        number is the shortest decimal that reads back to the same
 *        double, whatever the LC_NUMERIC locale.
 *
 * Text-writer contract (the same for every svcm_X_format): on success the
 * text is NUL-terminated and *len is its length without the NUL, so @p cap
 * must be at least *len + 1. With @p buf NULL (any @p cap) or @p cap too
 * small the result is ::SVCM_ENOSPC, *len is set to the length needed
 * (without the NUL) and nothing is written: call once with NULL to size
 * the buffer.
 * @param c the cycle.
 * @param buf destination, or NULL to query the size.
 * @param cap capacity of @p buf in bytes.
 * @param[out] len receives the text length without the NUL (also on
 *        ::SVCM_ENOSPC); must not be NULL.
 * @return SVCM_OK; SVCM_EINVAL for a NULL @p c or @p len; SVCM_ENOSPC
 *         when @p buf is NULL or @p cap < *len + 1 (nothing written).
 * @par Thread safety: read-only.
 * @since 0.1 (0.2: was svcm_cycle_save)
 */
SVCM_API int svcm_cycle_format(const svcm_cycle *c, char *buf, size_t cap, size_t *len);

/**
 * @brief Load a cycle saved by svcm_cycle_format() (not linked to any other).
 * @param text the text (need not be NUL-terminated; NUL bytes are invalid).
 * @param len its length.
 * @param alloc allocator for the cycle, copied (its ctx must outlive it);
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] out receives the new cycle.
 * @param[out] err optional: on SVCM_EFORMAT, line is the 1-based line at
 *        fault and column the 1-based byte column of the offending token
 *        (of the first bad byte for invalid UTF-8 or a NUL byte; 0 when a
 *        whole line or record is at fault), index is SVCM_NO_INDEX, and the
 *        message gives the reason without the position (changed in 0.2:
 *        index held the line).
 * @return SVCM_OK; SVCM_EINVAL for NULL text/out; SVCM_EFORMAT for
 *         malformed input (docs/pdca-format.md lists every case), including
 *         text (or a string spelled with backslash-x escapes) that is not
 *         valid UTF-8; SVCM_ENOMEM.
 * @par Thread safety: reentrant.
 * @since 0.1
 */
SVCM_API int svcm_cycle_parse(const char *text, size_t len, const svcm_allocator *alloc,
                             svcm_cycle **out, svcm_error *err);

/**
 * @brief Individuals (XmR) chart limits: centre = mean, sigma = MRbar /
 *        1.128 (d2 for moving ranges of 2), limits centre +- 3 sigma.
 * @param x points, in time order (may be NULL when n == 0).
 * @param n count, >= 2.
 * @param[out] out the limits.
 * @param[out] err optional: index of the first non-finite point.
 * @return SVCM_OK; SVCM_EINVAL for NULL out, NULL x with n > 0, or a
 *         non-finite point; SVCM_EEMPTY when n < 2; SVCM_ERANGE when a
 *         limit or MRbar exceeds the double range (points near +-DBL_MAX).
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_xmr_limits(const double *x, size_t n, svcm_xmr *out, svcm_error *err);

/**
 * @brief Western Electric rules over @p x against a centre and sigma.
 *
 * A signal is reported at the point that completes the pattern, and only
 * when that point is itself part of it:
 * 1: x[i] beyond 3 sigma; 2: x[i] and at least one of the 2 before it
 * beyond 2 sigma on the same side; 3: x[i] and at least 3 of the 4 before it
 * beyond 1 sigma on the same side; 4: x[i] and the 7 before it strictly on
 * the same side of the centre. "Beyond" is strict (|x - mean| > k sigma).
 * Signals are ordered by index, then rule.
 *
 * @param x points, in time order (may be NULL when n == 0).
 * @param n count.
 * @param mean centre line, finite.
 * @param sigma finite, >= 0.
 * @param[out] out receives the signals (may be NULL when cap is 0).
 * @param cap capacity of @p out (4 n always suffices).
 * @param[out] count receives the number of signals (on SVCM_OK and
 *        SVCM_ENOSPC).
 * @param[out] err optional detail (index of a non-finite point).
 * @return SVCM_OK; SVCM_EINVAL for NULL pointers, non-finite values or a
 *         negative sigma; SVCM_ENOSPC when there are more than @p cap
 *         signals (nothing written, count set).
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API int svcm_western_electric(const double *x, size_t n, double mean, double sigma,
                                   svcm_we_signal *out, size_t cap, size_t *count,
                                   svcm_error *err);

/**
 * @brief Lower-case name of a phase: "plan", "do", "check", "act", "closed".
 * @param phase a ::svcm_pdca_phase value.
 * @return a static string; NULL when out of range.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API const char *svcm_pdca_phase_name(int phase);

/**
 * @brief Name of a verdict: "improved", "improved-target-missed",
 *        "no-change", "worse".
 * @param verdict a ::svcm_pdca_verdict value.
 * @return a static string; NULL when out of range.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API const char *svcm_pdca_verdict_name(int verdict);

/**
 * @brief Name of an outcome: "none", "standardized", "adjusted", "abandoned".
 * @param outcome a ::svcm_pdca_outcome value.
 * @return a static string; NULL when out of range.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API const char *svcm_pdca_outcome_name(int outcome);

/**
 * @brief Name of an action status: "open", "done", "dropped".
 * @param status a ::svcm_action_status value.
 * @return a static string; NULL when out of range.
 * @par Thread safety: pure function.
 * @since 0.1
 */
SVCM_API const char *svcm_action_status_name(int status);

/* ------------------------------------------------- 5W2H problem record */

/**
 * @brief A 5W2H problem record: the analysis of the problem a cycle's Plan
 *        sets out to fix (What, Why, Who, When, Where, How, How much).
 *
 * The six W/H items are free UTF-8 text; How much is a number with a unit
 * (say 1200 "EUR per month" or 35 "complaints per week"). An item is
 * *missing* when its text is NULL or "" or, for How much, when the number
 * is NaN (the unit alone does not make it present). A record may be stored
 * while items are still missing (the analysis is under way);
 * svcm_problem_check() says whether it is complete. Strings returned by
 * svcm_cycle_problem() are borrowed from the cycle.
 * @since 0.2
 */
typedef struct svcm_problem {
    const char *what;          /**< what the problem is */
    const char *why;           /**< why it matters / its cause */
    const char *who;           /**< who is affected or involved */
    const char *when;          /**< when it occurs */
    const char *where;         /**< where it occurs (channel, site, step) */
    const char *how;           /**< how it happens / shows */
    double how_much;           /**< how much it costs or how big it is; NaN = missing;
                                    never infinite */
    const char *how_much_unit; /**< unit of how_much ("" or NULL when none) */
} svcm_problem;

/**
 * @brief The items of a 5W2H record, as bits of svcm_problem_missing()'s
 *        mask, in the order What, Why, Who, When, Where, How, How much.
 *        Values are stable.
 * @since 0.2
 */
typedef enum svcm_problem_item {
    SVCM_PROBLEM_ITEM_WHAT = 1,      /**< What */
    SVCM_PROBLEM_ITEM_WHY = 2,       /**< Why */
    SVCM_PROBLEM_ITEM_WHO = 4,       /**< Who */
    SVCM_PROBLEM_ITEM_WHEN = 8,      /**< When */
    SVCM_PROBLEM_ITEM_WHERE = 16,    /**< Where */
    SVCM_PROBLEM_ITEM_HOW = 32,      /**< How */
    SVCM_PROBLEM_ITEM_HOW_MUCH = 64  /**< How much (the number) */
} svcm_problem_item;

/** @brief Number of 5W2H items. @since 0.2 */
#define SVCM_PROBLEM_ITEM_COUNT 7

/**
 * @brief Name of a 5W2H item: "what", "why", "who", "when", "where", "how",
 *        "how_much" (also the ::svcm_error field names used for them).
 * @param item one ::svcm_problem_item bit.
 * @return a static string; NULL for anything but one of the seven bits.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API const char *svcm_problem_item_name(int item);

/**
 * @brief The items of @p problem that are missing (see ::svcm_problem).
 * @param problem the record; NULL counts as all seven missing.
 * @return a mask of ::svcm_problem_item bits, 0 when the record is
 *         complete; iterate the bits from ::SVCM_PROBLEM_ITEM_WHAT up to
 *         list them in 5W2H order.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API unsigned svcm_problem_missing(const svcm_problem *problem);

/**
 * @brief Check that a 5W2H record is complete and well formed.
 * @param problem the record.
 * @param[out] err optional detail: field = the name of the first missing
 *        item in 5W2H order ("what" .. "how_much") and a message listing
 *        every missing item ("missing: why, where, how much"); for a
 *        malformed record, the item at fault ("how_much" for an infinite
 *        number, the text item that is not valid UTF-8).
 * @return SVCM_OK when all seven items are present; SVCM_EINVAL for a
 *         NULL @p problem, a missing item, text that is not valid UTF-8
 *         or an infinite how_much.
 * @par Thread safety: pure function.
 * @since 0.2
 */
SVCM_API int svcm_problem_check(const svcm_problem *problem, svcm_error *err);

/**
 * @brief Attach (or replace, or remove) the cycle's 5W2H problem record.
 *        Allowed in PLAN only, like the goal. The record may be incomplete
 *        (use svcm_problem_check() to require it complete); it is kept
 *        through the later phases, saved by svcm_cycle_format() and read
 *        back by svcm_cycle_parse(). Plan changes are not audited (the
 *        audit trail holds phase transitions only), so this adds no audit
 *        entry.
 * @param c the cycle.
 * @param problem the record (every string copied), or NULL to remove it.
 * @param[out] err optional detail: field = the item at fault.
 * @return SVCM_OK; SVCM_EINVAL for a NULL @p c, text that is not valid
 *         UTF-8 or an infinite how_much; SVCM_ESTATE outside PLAN;
 *         SVCM_ENOMEM. The cycle is unchanged on failure.
 * @par Thread safety: one thread per cycle.
 * @since 0.2
 */
SVCM_API int svcm_cycle_set_problem(svcm_cycle *c, const svcm_problem *problem, svcm_error *err);

/**
 * @brief Read the cycle's 5W2H problem record.
 * @param c the cycle.
 * @param[out] out receives the record; its strings (never NULL, "" for a
 *        missing item or unit) are borrowed from the cycle and stay valid
 *        until the record is replaced or the cycle freed.
 * @return SVCM_OK; SVCM_EINVAL for NULL arguments; SVCM_ENOTFOUND when
 *         the cycle has no record (@p out untouched).
 * @par Thread safety: read-only.
 * @since 0.2
 */
SVCM_API int svcm_cycle_problem(const svcm_cycle *c, svcm_problem *out);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_PDCA_H */
