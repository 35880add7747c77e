/**
 * @file svcm/schedule.h
 * @brief Shift scheduling: how many agents to put on each shift pattern so
 *        that every period is staffed (minimum cost), or so that staffing
 *        follows the requirement as closely as possible (minimum total
 *        absolute difference, optionally under a head-count cap).
 *
 * The horizon is T periods (e.g. a week of 30-minute intervals, T = 336).
 * A shift pattern is a 0/1 row over the T periods (1 where an agent on that
 * pattern works); svcm_schedule_pattern() builds one from a start, a length
 * and breaks. Given the required agents r_t per period and P patterns with
 * costs c_p, svcm_schedule_solve() finds non-negative integer counts x_p:
 *
 * - ::SVCM_SCHEDULE_OBJECTIVE_MIN_COST: minimise sum_p c_p x_p subject to
 *   coverage_t = sum_{p covers t} x_p >= r_t for every t (the set-covering
 *   model of Dantzig, "A comment on Edie's traffic delays at toll booths",
 *   Operations Research 2(3), 1954).
 * - ::SVCM_SCHEDULE_OBJECTIVE_MIN_ABS_DIFF: minimise sum_t |coverage_t - r_t|
 *   subject to sum_p x_p <= max_staff (when a cap is given); written as a
 *   linear programme with deviation variables
 *   coverage_t - d+_t + d-_t = r_t, d+_t, d-_t >= 0.
 *
 * Both are solved exactly by branch and bound: a bounded dual simplex on a
 * dense tableau gives the linear-relaxation bound at each node (warm-started
 * from the previous node), depth-first search branches on the most
 * fractional count, and rounding heuristics supply incumbents. Limits on
 * nodes, simplex pivots and CPU time stop the search early; a feasible
 * answer is always returned, with the best bound and the gap.
 *
 * Memory: the solver allocates a tableau of about (T + 1) x (P + 2T + 1)
 * doubles (about 2.6 MB for a week of 336 periods and 40 patterns) and
 * frees it before returning.
 */
#ifndef SVCM_SCHEDULE_H
#define SVCM_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Largest required staff per period accepted (r_t). */
#define SVCM_SCHEDULE_MAX_REQUIRED 1000000u
/** @brief Largest cost per agent on a pattern accepted. */
#define SVCM_SCHEDULE_MAX_COST 1e12
/** @brief svcm_schedule_options::max_staff value meaning "no cap". */
#define SVCM_SCHEDULE_NO_MAX_STAFF UINT32_MAX

/** @brief What svcm_schedule_solve() minimises. @since 0.2 */
typedef enum svcm_schedule_objective {
    /** sum_p cost_p x_p with every period covered (coverage_t >= r_t). */
    SVCM_SCHEDULE_OBJECTIVE_MIN_COST = 0,
    /** sum_t |coverage_t - r_t|, head count at most max_staff. */
    SVCM_SCHEDULE_OBJECTIVE_MIN_ABS_DIFF = 1
} svcm_schedule_objective;

/** @brief How the search ended (struct svcm_schedule_result::status). @since 0.2 */
typedef enum svcm_schedule_status {
    /** The counts are proven optimal (gap 0). */
    SVCM_SCHEDULE_STATUS_OPTIMAL = 0,
    /** Stopped after svcm_schedule_options::max_nodes nodes. */
    SVCM_SCHEDULE_STATUS_NODE_LIMIT = 1,
    /** Stopped after svcm_schedule_options::max_pivots simplex pivots. */
    SVCM_SCHEDULE_STATUS_PIVOT_LIMIT = 2,
    /** Stopped after svcm_schedule_options::max_seconds of CPU time. */
    SVCM_SCHEDULE_STATUS_TIME_LIMIT = 3
} svcm_schedule_status;

/**
 * @brief Objective and search limits for svcm_schedule_solve(). Fill with
 *        svcm_schedule_options_init() first. @since 0.2
 */
typedef struct svcm_schedule_options {
    svcm_schedule_objective objective; /**< default MIN_COST */
    /** Head-count cap sum_p x_p <= max_staff, MIN_ABS_DIFF only;
     *  ::SVCM_SCHEDULE_NO_MAX_STAFF (the default) for none. */
    uint32_t max_staff;
    uint64_t max_nodes;  /**< branch-and-bound nodes, >= 1 (default 200,000) */
    uint64_t max_pivots; /**< simplex pivots over the whole search, >= 1 (default 20,000,000) */
    /** CPU seconds (C clock()), > 0; INFINITY for none (default 60). */
    double max_seconds;
} svcm_schedule_options;

/**
 * @brief Fill @p opts with the defaults: minimum cost, no head-count cap,
 *        200,000 nodes, 20,000,000 pivots, 60 CPU seconds.
 * @param opts may be NULL (no-op).
 * @par Thread safety: touches only @p opts.
 * @since 0.2
 */
SVCM_API void svcm_schedule_options_init(svcm_schedule_options *opts);

/**
 * @brief What svcm_schedule_solve() found. @since 0.2
 *
 * The objective is an integer whenever the costs are (always for
 * MIN_ABS_DIFF); the bound is then rounded up to an integer.
 */
struct svcm_schedule_result {
    /** Objective value of the counts returned: total cost (MIN_COST) or
     *  sum_t |coverage_t - r_t| (MIN_ABS_DIFF). */
    double objective;
    /** Best lower bound on the optimum; equals objective when optimal. */
    double bound;
    /** (objective - bound) / objective, 0 when objective is 0 or when
     *  proven optimal. */
    double gap;
    /** Value of the linear relaxation at the root (the LP bound), NaN when
     *  a limit stopped the search before the root relaxation was solved. */
    double lp_bound;
    svcm_schedule_status status; /**< optimal or which limit stopped the search */
    uint64_t staff;  /**< head count: sum of the counts */
    uint64_t nodes;  /**< branch-and-bound nodes solved */
    uint64_t pivots; /**< simplex pivots done */
};

/** @brief A break inside a shift, for svcm_schedule_pattern(). @since 0.2 */
typedef struct svcm_schedule_break {
    size_t offset; /**< first period of the break, counted from the shift start */
    size_t length; /**< periods off, >= 1 */
} svcm_schedule_break;

/**
 * @brief Build one coverage row: 1 for the periods [start, start + length)
 *        of the horizon, 0 elsewhere and in the breaks.
 * @param n_periods T, the horizon, >= 1.
 * @param start first period of the shift, < n_periods.
 * @param length periods from start to end of the shift (breaks included),
 *        1 <= length <= n_periods.
 * @param breaks @p n_breaks breaks (may be NULL when n_breaks == 0); each
 *        must lie inside the shift: offset + length <= the shift's length.
 *        Breaks may overlap.
 * @param n_breaks number of breaks.
 * @param wrap nonzero: a shift that runs past the last period continues at
 *        period 0 (a cyclic week or day); zero: that is an error.
 * @param[out] row n_periods bytes, written only on success.
 * @param[out] err optional detail: field "n_periods", "start", "length",
 *        "breaks" (index = the break) or "row".
 * @return SVCM_OK; SVCM_EINVAL for a value outside its range, a shift past
 *         the horizon without @p wrap, a break outside its shift, or NULL
 *         pointers.
 * @par Thread safety: pure function; touches only @p row and @p err.
 * @since 0.2
 */
SVCM_API int svcm_schedule_pattern(size_t n_periods, size_t start, size_t length,
                                   const svcm_schedule_break *breaks, size_t n_breaks,
                                   int wrap, uint8_t *row, svcm_error *err);

/**
 * @brief Integer shift scheduling by branch and bound (see the file
 *        description for the two models).
 *
 * The search stops at the first of: proven optimality, opts->max_nodes
 * nodes, opts->max_pivots pivots, opts->max_seconds CPU seconds. It always
 * ends with a feasible answer (every period covered for MIN_COST, head count
 * within max_staff for MIN_ABS_DIFF) and returns SVCM_OK: when a limit
 * stopped it, result->status says which one and result->gap is the
 * remaining relative gap (possibly > 0).
 *
 * @param required @p n_periods required agents r_t, each <=
 *        ::SVCM_SCHEDULE_MAX_REQUIRED.
 * @param n_periods T >= 1.
 * @param coverage row-major @p n_patterns x @p n_periods bytes, each 0 or 1:
 *        coverage[p * n_periods + t] = 1 when pattern p works period t.
 * @param n_patterns P >= 1.
 * @param cost P costs per agent, finite, in [0, ::SVCM_SCHEDULE_MAX_COST];
 *        NULL means 1 each. Ignored by MIN_ABS_DIFF.
 * @param opts objective and limits (NULL means the defaults).
 * @param alloc allocator for scratch memory, freed before return;
 *        NULL for malloc/free. One with a NULL function is ::SVCM_EINVAL.
 * @param[out] counts P agents per pattern, written only on success.
 * @param[out] result the summary, written only on success.
 * @param[out] err optional detail: field "required" / "cost" (index = the
 *        period / pattern), "coverage" (index = the pattern for a byte other
 *        than 0 or 1; for MIN_COST, index = the period that needs agents but
 *        no pattern covers), "n_periods", "n_patterns", "objective",
 *        "max_staff", "max_nodes", "max_pivots", "max_seconds", "counts",
 *        "result".
 * @return SVCM_OK (also when a limit stopped the search; see
 *         result->status); SVCM_EINVAL for a value outside its range, a
 *         period with r_t > 0 that no pattern covers (MIN_COST, which has no
 *         feasible answer then), max_staff other than
 *         ::SVCM_SCHEDULE_NO_MAX_STAFF with MIN_COST, or NULL pointers;
 *         SVCM_ENOMEM if an allocation fails. On failure nothing is written
 *         to @p counts or @p result.
 * @par Thread safety: reentrant; touches only its outputs. Memory is
 *      allocated through @p alloc and freed before the call returns.
 * @since 0.2
 */
SVCM_API int svcm_schedule_solve(const uint32_t *required, size_t n_periods,
                                 const uint8_t *coverage, size_t n_patterns,
                                 const double *cost,
                                 const svcm_schedule_options *opts,
                                 const svcm_allocator *alloc, uint32_t *counts,
                                 struct svcm_schedule_result *result, svcm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SVCM_SCHEDULE_H */
