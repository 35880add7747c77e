/* Private to the pdca engine: the cycle's representation and the helpers
 * its files share. pdca.c owns the cycle and its transitions, pdca_check.c
 * computes the Check, pdca_load.c validates and assembles a loaded cycle,
 * pdca_io.c reads and writes the text format (docs/pdca-format.md). */
#ifndef SVCM_PDCA_INTERNAL_H
#define SVCM_PDCA_INTERNAL_H

#include "internal.h"
#include "svcm/pdca.h"

typedef struct svcm__action_rec {
    char *description;
    char *owner;
    int64_t due;
    svcm_action_status status;
} svcm__action_rec;

typedef struct svcm__audit_rec {
    int64_t at;
    char *actor;
    char *note;
    svcm_pdca_phase from, to;
} svcm__audit_rec;

/* The texts of a 5W2H record, in struct svcm_problem order: the six items,
 * then the unit of how much. */
#define SVCM__PROBLEM_TEXTS 7

struct svcm_cycle {
    svcm_allocator alloc;
    uint64_t id;
    char *title, *owner, *metric, *unit;
    bool higher_is_better, rate;
    double alpha;
    bool has_goal;
    double baseline, target;
    int64_t deadline;
    svcm_pdca_phase phase;
    svcm_pdca_outcome outcome;
    bool has_do_start;
    int64_t do_start;
    bool has_prev, has_next;
    uint64_t prev_id, next_id;
    char *prev_title, *next_title; /* NULL when absent */
    svcm_cycle *prev, *next;       /* live links, not owned */
    svcm__action_rec *actions;
    size_t n_actions, cap_actions;
    svcm_pdca_sample *samples;
    size_t n_samples, cap_samples;
    svcm__audit_rec *audit;
    size_t n_audit, cap_audit;
    bool has_check;
    struct svcm_cycle_check_result check;    /* check.signals points into signals */
    svcm_we_signal *signals;
    /* The 5W2H problem record: what, why, who, when, where, how, unit
     * (allocated, "" when missing) and how much (NaN when missing). */
    bool has_problem;
    char *problem[SVCM__PROBLEM_TEXTS];
    double how_much;
};

/* ------------------------------------------- pdca.c: the cycle itself */

/* An allocated copy of s (NULL copies as ""); NULL when out of memory. */
char *svcm__cycle_dup_text(const svcm_allocator *a, const char *s);
/* SVCM_EINVAL naming the field unless the options make a valid cycle. */
int svcm__cycle_check_options(const svcm_cycle_options *o, svcm_error *err);
/* SVCM_EINVAL unless baseline and target are finite, target the better. */
int svcm__cycle_check_goal(bool higher, double baseline, double target, svcm_error *err);
/* SVCM_EINVAL unless sample s (index i) suits the cycle's settings. */
int svcm__cycle_check_sample(bool rate, bool has_do_start, int64_t do_start,
                             const svcm_pdca_sample *s, size_t i, svcm_error *err);
/* A new PLAN cycle from options already checked. */
int svcm__cycle_create(const svcm_cycle_options *o, const svcm_allocator *alloc,
                       svcm_cycle **out, svcm_error *err);
/* Replace c's 5W2H record by p (NULL removes it): SVCM_EINVAL naming the
 * item for bad text or an infinite how much, SVCM_ENOMEM; c unchanged on
 * failure. No phase check (the caller's). */
int svcm__cycle_store_problem(svcm_cycle *c, const svcm_problem *p, svcm_error *err);
/* Make r (with its signals sigs, now owned by c) the current Check. */
void svcm__cycle_store_check(svcm_cycle *c, const struct svcm_cycle_check_result *r, svcm_we_signal *sigs);

/* ---------------------------------------- pdca_check.c: the statistics */

/* Is `to` strictly better than `from` for this direction? */
bool svcm__pdca_better(bool higher, double from, double to);
/* The direction-aware verdict from significance, change and target_met. */
svcm_pdca_verdict svcm__pdca_verdict(bool higher, const struct svcm_cycle_check_result *r);
/* The Check of c's samples (c unchanged); on SVCM_OK *sigs is an allocation
 * from c's allocator holding res->n_signals signals. SVCM_EEMPTY, SVCM_ERANGE
 * or SVCM_ENOMEM otherwise. */
int svcm__pdca_check_compute(const svcm_cycle *c, struct svcm_cycle_check_result *res, svcm_we_signal **sigs,
                             svcm_error *err);

/* ------------------------- pdca_load.c: from parsed records to a cycle */

/* Kinds of the record at fault, reported through *bad_kind. */
#define SVCM__PDCA_REC_CYCLE 0
#define SVCM__PDCA_REC_ACTION 1
#define SVCM__PDCA_REC_SAMPLE 2
#define SVCM__PDCA_REC_AUDIT 3
#define SVCM__PDCA_REC_CHECK 4
#define SVCM__PDCA_REC_SIGNAL 5
#define SVCM__PDCA_REC_PROBLEM 6

/* Builds a cycle from parsed records (problem: the 5W2H record or NULL)
 * after checking every invariant the API maintains; on SVCM_EFORMAT, *bad_kind / *bad_index name the record. */
int svcm__cycle_assemble(const svcm_allocator *alloc, const struct svcm_cycle_result *info,
                         const svcm_pdca_action *actions, const svcm_pdca_sample *samples,
                         const svcm_pdca_audit *audit, const struct svcm_cycle_check_result *check,
                         const svcm_problem *problem, svcm_cycle **out, int *bad_kind,
                         size_t *bad_index, svcm_error *err);

#endif /* SVCM_PDCA_INTERNAL_H */
