/* The loader's second half: records parsed from the text format (pdca_io.c)
 * are checked against every invariant the API maintains, then assembled into
 * a cycle. A record that breaks one is named by kind and index so that the
 * reader can blame its line. */
#include <string.h>

#include "internal.h"
#include "pdca_internal.h"
#include "svcm/pdca.h"

static int bad(int *kind, size_t *index, int k, size_t i)
{
    *kind = k;
    *index = i;
    return SVCM_EFORMAT;
}

/* The first broken invariant between the cycle's phase and the records it
 * needs; *field names the key whose line the loader reports. NULL if none. */
static const char *phase_invariant(const struct svcm_cycle_result *in, const struct svcm_cycle_check_result *check,
                                   const char **field)
{
    *field = "phase";
    if (in->phase >= SVCM_PDCA_PHASE_DO && !in->has_goal)
        return "a cycle past PLAN must have a goal";
    if ((in->phase >= SVCM_PDCA_PHASE_DO) != in->has_do_start)
        return "do-start must be present exactly when the cycle is past PLAN";
    if ((in->phase == SVCM_PDCA_PHASE_CLOSED) != (in->outcome != SVCM_PDCA_OUTCOME_NONE))
        return "an outcome must be given exactly when the cycle is closed";
    if ((in->outcome == SVCM_PDCA_OUTCOME_ADJUSTED) != in->has_next) {
        *field = "outcome";
        return "a successor must be recorded exactly when the cycle was adjusted";
    }
    if (in->phase >= SVCM_PDCA_PHASE_ACT && check == NULL)
        return "a cycle in ACT or closed must have a Check result";
    if (check != NULL && in->phase < SVCM_PDCA_PHASE_CHECK)
        return "a Check result before CHECK";
    if (in->n_audit != (size_t)in->phase)
        return "the audit trail must hold one transition per phase reached";
    if (in->has_prev && (in->id == 0 || in->prev_id != in->id - 1)) {
        /* ids grow by 1 along a chain, so linked cycles can never loop. */
        *field = "prev";
        return "the predecessor's id must be this cycle's id - 1";
    }
    if (in->has_next && (in->id == UINT64_MAX || in->next_id != in->id + 1)) {
        *field = "next";
        return "the successor's id must be this cycle's id + 1";
    }
    return NULL;
}

/* The cycle's own fields: options, enums, goal, phase invariants. */
static int validate_cycle(const struct svcm_cycle_result *in, const struct svcm_cycle_check_result *check,
                          svcm_error *err)
{
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.title = in->title;
    o.metric = in->metric;
    o.alpha = in->alpha;
    if (svcm__cycle_check_options(&o, err) != SVCM_OK)
        return SVCM_EFORMAT;
    if ((unsigned)in->phase > SVCM_PDCA_PHASE_CLOSED || (unsigned)in->outcome > SVCM_PDCA_OUTCOME_ABANDONED)
        return SVCM_EFORMAT;
    if (in->has_goal &&
        svcm__cycle_check_goal(in->higher_is_better, in->baseline, in->target, err) != SVCM_OK)
        return SVCM_EFORMAT;
    const char *field = NULL;
    const char *why = phase_invariant(in, check, &field);
    if (why != NULL)
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, field, "%s", why);
    return SVCM_OK;
}

/* Every action has a description and a known status; *at the one that fails. */
static int validate_actions(const struct svcm_cycle_result *in, const svcm_pdca_action *actions,
                            size_t *at, svcm_error *err)
{
    for (size_t i = 0; i < in->n_actions; i++) {
        if (actions[i].description[0] == '\0' ||
            (unsigned)actions[i].status > SVCM_ACTION_STATUS_DROPPED) {
            *at = i;
            return svcm__error(err, SVCM_EFORMAT, i, "action", "empty description or bad status");
        }
    }
    return SVCM_OK;
}

/* Samples suit the cycle, each kind in time order; counts them by kind
 * (nb baseline, na after); *at the one that fails. */
static int validate_samples(const struct svcm_cycle_result *in, const svcm_pdca_sample *samples,
                            size_t *nb, size_t *na, size_t *at, svcm_error *err)
{
    bool have[2] = {false, false};
    int64_t last[2] = {0, 0};
    for (size_t i = 0; i < in->n_samples; i++) {
        const svcm_pdca_sample *s = &samples[i];
        *at = i;
        if (svcm__cycle_check_sample(in->rate, in->has_do_start, in->do_start, s, i, err) !=
            SVCM_OK)
            return SVCM_EFORMAT;
        const char *why = NULL;
        int k = s->baseline ? 1 : 0;
        if (!s->baseline && in->phase == SVCM_PDCA_PHASE_PLAN)
            why = "an after sample in PLAN";
        else if (have[k] && s->t < last[k])
            why = "samples of one kind must be in time order";
        else if (s->has_counts && s->value != (double)s->successes / (double)s->trials)
            why = "the value must equal successes / trials";
        if (why != NULL)
            return svcm__error(err, SVCM_EFORMAT, i, "sample", "%s", why);
        have[k] = true;
        last[k] = s->t;
        if (s->baseline)
            ++*nb;
        else
            ++*na;
    }
    return SVCM_OK;
}

/* One transition per phase, in order, never back in time, the first at
 * do-start; *at the entry that fails. */
static int validate_audit(const struct svcm_cycle_result *in, const svcm_pdca_audit *audit, size_t *at,
                          svcm_error *err)
{
    for (size_t i = 0; i < in->n_audit; i++) {
        const svcm_pdca_audit *a = &audit[i];
        const char *why = NULL;
        if (a->from != (svcm_pdca_phase)i || a->to != (svcm_pdca_phase)(i + 1))
            why = "transitions must go plan, do, check, act, closed in order";
        else if (i > 0 && a->at < audit[i - 1].at)
            why = "transition instants go back in time";
        else if (i == 0 && a->at != in->do_start)
            why = "the DO transition must happen at do-start";
        if (why != NULL) {
            *at = i;
            return svcm__error(err, SVCM_EFORMAT, i, "audit", "%s", why);
        }
    }
    return SVCM_OK;
}

/* The first way the Check result disagrees with the samples (nb, na) or the
 * cycle; *field names the text-format key holding the value. NULL if none. */
static const char *check_mismatch(const struct svcm_cycle_result *in, const struct svcm_cycle_check_result *check,
                                  size_t nb, size_t na, const char **field)
{
    if (check->n_baseline != nb || check->n_after != na) {
        *field = "check-samples";
        return "the Check's sample counts disagree with the samples";
    }
    if (check->limits.n != nb) {
        *field = "check-xmr";
        return "the XmR limits must come from the baseline samples";
    }
    if (!(check->p_value >= 0.0 && check->p_value <= 1.0) ||
        !(check->result.p_greater >= 0.0 && check->result.p_greater <= 1.0) ||
        !(check->result.p_less >= 0.0 && check->result.p_less <= 1.0) ||
        (unsigned)check->test > SVCM_PDCA_TEST_PROPORTIONS) {
        *field = "check-test";
        return "p-value outside [0, 1] or unknown test";
    }
    bool met = in->higher_is_better ? check->after_mean >= in->target
                                    : check->after_mean <= in->target;
    if ((unsigned)check->verdict > SVCM_PDCA_VERDICT_WORSE || check->alpha != in->alpha ||
        check->significant != (check->p_value < check->alpha) || check->target_met != met ||
        check->verdict != svcm__pdca_verdict(in->higher_is_better, check)) {
        *field = "check-verdict";
        return "verdict, alpha or significance disagree with the test and the cycle";
    }
    return NULL;
}

/* Signals have a known rule, point into the after samples and come in
 * (index, rule) order; *at the one that fails. */
static int validate_signals(const struct svcm_cycle_check_result *check, size_t na, size_t *at,
                            svcm_error *err)
{
    for (size_t i = 0; i < check->n_signals; i++) {
        const svcm_we_signal *s = &check->signals[i];
        bool order = i == 0 || s->index > check->signals[i - 1].index ||
                     (s->index == check->signals[i - 1].index &&
                      s->rule > check->signals[i - 1].rule);
        if (s->rule < 1 || s->rule > SVCM_WE_RULES || s->index >= na || !order) {
            *at = i;
            return svcm__error(err, SVCM_EFORMAT, i, "signal",
                               "bad rule, index beyond the after samples, or out of order");
        }
    }
    return SVCM_OK;
}

/* Check that loaded content satisfies every invariant the API maintains. */
static int validate(const struct svcm_cycle_result *in, const svcm_pdca_action *actions,
                    const svcm_pdca_sample *samples, const svcm_pdca_audit *audit,
                    const struct svcm_cycle_check_result *check, int *kind, size_t *index, svcm_error *err)
{
    size_t at = 0, nb = 0, na = 0;
    if (validate_cycle(in, check, err) != SVCM_OK)
        return bad(kind, index, SVCM__PDCA_REC_CYCLE, 0);
    if (validate_actions(in, actions, &at, err) != SVCM_OK)
        return bad(kind, index, SVCM__PDCA_REC_ACTION, at);
    if (validate_samples(in, samples, &nb, &na, &at, err) != SVCM_OK)
        return bad(kind, index, SVCM__PDCA_REC_SAMPLE, at);
    if (in->phase >= SVCM_PDCA_PHASE_CHECK && (nb < 2 || na < 2)) {
        /* Entering CHECK took a successful Check and samples are never removed. */
        svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "phase",
                    "a cycle past DO needs at least 2 baseline and 2 after samples");
        return bad(kind, index, SVCM__PDCA_REC_CYCLE, 0);
    }
    if (validate_audit(in, audit, &at, err) != SVCM_OK)
        return bad(kind, index, SVCM__PDCA_REC_AUDIT, at);
    if (check == NULL)
        return SVCM_OK;
    const char *field = NULL;
    const char *why = check_mismatch(in, check, nb, na, &field);
    if (why != NULL) {
        svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, field, "%s", why);
        return bad(kind, index, SVCM__PDCA_REC_CHECK, 0);
    }
    if (validate_signals(check, na, &at, err) != SVCM_OK)
        return bad(kind, index, SVCM__PDCA_REC_SIGNAL, at);
    return SVCM_OK;
}

/* The cycle's scalar fields beyond its options. */
static void copy_state(svcm_cycle *c, const struct svcm_cycle_result *in)
{
    c->has_goal = in->has_goal;
    c->baseline = in->baseline;
    c->target = in->target;
    c->deadline = in->deadline;
    c->phase = in->phase;
    c->outcome = in->outcome;
    c->has_do_start = in->has_do_start;
    c->do_start = in->do_start;
    c->has_prev = in->has_prev;
    c->prev_id = in->prev_id;
    c->has_next = in->has_next;
    c->next_id = in->next_id;
}

/* Copies of the chain titles, actions, samples and audit trail; false when
 * out of memory (what was copied is owned by c, freed with it). */
static bool copy_records(svcm_cycle *c, const struct svcm_cycle_result *in,
                         const svcm_pdca_action *actions, const svcm_pdca_sample *samples,
                         const svcm_pdca_audit *audit)
{
    const svcm_allocator *a = &c->alloc;
    bool ok = true;
    if (in->has_prev)
        ok = (c->prev_title = svcm__cycle_dup_text(a, in->prev_title)) != NULL;
    if (ok && in->has_next)
        ok = (c->next_title = svcm__cycle_dup_text(a, in->next_title)) != NULL;
    c->actions = svcm__calloc(a, in->n_actions, sizeof *c->actions);
    c->samples = svcm__calloc(a, in->n_samples, sizeof *c->samples);
    c->audit = svcm__calloc(a, in->n_audit, sizeof *c->audit);
    if (!(ok && c->actions && c->samples && c->audit))
        return false;
    c->cap_actions = in->n_actions;
    c->cap_samples = in->n_samples;
    c->cap_audit = in->n_audit;
    for (size_t i = 0; i < in->n_actions && ok; i++) {
        svcm__action_rec *r = &c->actions[c->n_actions++];
        r->description = svcm__cycle_dup_text(a, actions[i].description);
        r->owner = svcm__cycle_dup_text(a, actions[i].owner);
        r->due = actions[i].due;
        r->status = actions[i].status;
        ok = r->description && r->owner;
    }
    if (in->n_samples > 0)
        memcpy(c->samples, samples, in->n_samples * sizeof *samples);
    c->n_samples = in->n_samples;
    for (size_t i = 0; i < in->n_audit && ok; i++) {
        svcm__audit_rec *r = &c->audit[c->n_audit++];
        r->at = audit[i].at;
        r->actor = svcm__cycle_dup_text(a, audit[i].actor);
        r->note = svcm__cycle_dup_text(a, audit[i].note);
        r->from = audit[i].from;
        r->to = audit[i].to;
        ok = r->actor && r->note;
    }
    return ok;
}

/* The Check result with a copy of its signals; rule counts are recomputed
 * from the signals (the text does not carry them). False when out of memory. */
static bool copy_check(svcm_cycle *c, const struct svcm_cycle_check_result *check)
{
    svcm_we_signal *sg = svcm__calloc(&c->alloc, check->n_signals, sizeof *sg);
    if (sg == NULL)
        return false;
    if (check->n_signals > 0)
        memcpy(sg, check->signals, check->n_signals * sizeof *sg);
    struct svcm_cycle_check_result r = *check;
    memset(r.rule_count, 0, sizeof r.rule_count);
    for (size_t i = 0; i < r.n_signals; i++)
        r.rule_count[sg[i].rule - 1]++;
    svcm__cycle_store_check(c, &r, sg);
    return true;
}

int svcm__cycle_assemble(const svcm_allocator *alloc, const struct svcm_cycle_result *in,
                         const svcm_pdca_action *actions, const svcm_pdca_sample *samples,
                         const svcm_pdca_audit *audit, const struct svcm_cycle_check_result *check,
                         const svcm_problem *problem, svcm_cycle **out, int *bad_kind,
                         size_t *bad_index, svcm_error *err)
{
    int rc = validate(in, actions, samples, audit, check, bad_kind, bad_index, err);
    if (rc != SVCM_OK)
        return rc;
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.id = in->id;
    o.title = in->title;
    o.owner = in->owner;
    o.metric = in->metric;
    o.unit = in->unit;
    o.higher_is_better = in->higher_is_better;
    o.rate = in->rate;
    o.alpha = in->alpha;
    svcm_cycle *c = NULL;
    *bad_kind = SVCM__PDCA_REC_CYCLE;
    *bad_index = 0;
    rc = svcm__cycle_create(&o, alloc, &c, err);
    if (rc != SVCM_OK)
        return rc;
    copy_state(c, in);
    bool ok = copy_records(c, in, actions, samples, audit);
    if (ok && check != NULL)
        ok = copy_check(c, check);
    if (!ok) {
        svcm_cycle_free(c);
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    }
    if (problem != NULL) {
        /* The reader has checked the texts (UTF-8) and the number (finite
         * or nan), so only memory can fail here; a refusal would still be
         * blamed on the problem line. */
        rc = svcm__cycle_store_problem(c, problem, err);
        if (rc != SVCM_OK) {
            svcm_cycle_free(c);
            if (rc == SVCM_EINVAL) {
                *bad_kind = SVCM__PDCA_REC_PROBLEM;
                return SVCM_EFORMAT;
            }
            return rc;
        }
    }
    *out = c;
    return SVCM_OK;
}
