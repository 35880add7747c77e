/* PDCA cycles, the state machine: goal, actions, measurements, guarded
 * transitions, running the Check (computed in pdca_check.c) and the Act
 * decisions, chains and the audit trail. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "pdca_internal.h"
#include "svcm/pdca.h"

static const char *const phase_names[] = {"plan", "do", "check", "act", "closed"};
static const char *const verdict_names[] = {"improved", "improved-target-missed", "no-change",
                                            "worse"};
static const char *const outcome_names[] = {"none", "standardized", "adjusted", "abandoned"};
static const char *const status_names[] = {"open", "done", "dropped"};

const char *svcm_pdca_phase_name(int phase)
{
    return (phase >= 0 && phase <= SVCM_PDCA_PHASE_CLOSED) ? phase_names[phase] : NULL;
}

const char *svcm_pdca_verdict_name(int verdict)
{
    return (verdict >= 0 && verdict <= SVCM_PDCA_VERDICT_WORSE) ? verdict_names[verdict] : NULL;
}

const char *svcm_pdca_outcome_name(int outcome)
{
    return (outcome >= 0 && outcome <= SVCM_PDCA_OUTCOME_ABANDONED) ? outcome_names[outcome] : NULL;
}

const char *svcm_action_status_name(int status)
{
    return (status >= 0 && status <= SVCM_ACTION_STATUS_DROPPED) ? status_names[status] : NULL;
}

void svcm_cycle_options_init(svcm_cycle_options *opts)
{
    if (opts == NULL)
        return;
    memset(opts, 0, sizeof *opts);
    opts->id = 1;
    opts->higher_is_better = true;
    opts->rate = false;
    opts->alpha = 0.05;
}

static const char *or_empty(const char *s) { return s != NULL ? s : ""; }

char *svcm__cycle_dup_text(const svcm_allocator *a, const char *s)
{
    char *p = NULL;
    if (svcm__strdup(a, or_empty(s), &p) != SVCM_OK)
        return NULL;
    return p;
}

void svcm_cycle_free(svcm_cycle *c)
{
    if (c == NULL)
        return;
    if (c->prev != NULL)
        c->prev->next = NULL;
    if (c->next != NULL)
        c->next->prev = NULL;
    const svcm_allocator *a = &c->alloc;
    for (size_t i = 0; i < c->n_actions; i++) {
        svcm__free(a, c->actions[i].description);
        svcm__free(a, c->actions[i].owner);
    }
    for (size_t i = 0; i < c->n_audit; i++) {
        svcm__free(a, c->audit[i].actor);
        svcm__free(a, c->audit[i].note);
    }
    svcm__free(a, c->actions);
    svcm__free(a, c->samples);
    svcm__free(a, c->audit);
    svcm__free(a, c->signals);
    svcm__free(a, c->title);
    svcm__free(a, c->owner);
    svcm__free(a, c->metric);
    svcm__free(a, c->unit);
    svcm__free(a, c->prev_title);
    svcm__free(a, c->next_title);
    for (int i = 0; i < SVCM__PROBLEM_TEXTS; i++)
        svcm__free(a, c->problem[i]);
    svcm__free(a, c);
}

/* Text the cycle will keep must be valid UTF-8 (NULL stands for ""). */
static int check_utf8(const char *s, const char *field, svcm_error *err)
{
    size_t bad = 0;
    if (s == NULL || svcm__utf8_check(s, strlen(s), &bad))
        return SVCM_OK;
    return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, field,
                       "invalid UTF-8 at byte offset %zu", bad);
}

int svcm__cycle_check_options(const svcm_cycle_options *o, svcm_error *err)
{
    if (o->title == NULL || o->title[0] == '\0')
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "title", "a cycle needs a title");
    if (o->metric == NULL || o->metric[0] == '\0')
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "metric",
                           "a cycle needs the name of the KPI it improves");
    int rc;
    if ((rc = check_utf8(o->title, "title", err)) != SVCM_OK ||
        (rc = check_utf8(o->owner, "owner", err)) != SVCM_OK ||
        (rc = check_utf8(o->metric, "metric", err)) != SVCM_OK ||
        (rc = check_utf8(o->unit, "unit", err)) != SVCM_OK)
        return rc;
    /* The Check's interval is at confidence 1 - alpha, which must stay
     * below 1: alpha under about 5.6e-17 (2^-54) would make every Check fail. */
    if (!(o->alpha > 0.0 && o->alpha < 1.0 && 1.0 - o->alpha < 1.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "alpha",
                           "significance level must be in (0, 1), with 1 - alpha < 1");
    return SVCM_OK;
}

int svcm__cycle_create(const svcm_cycle_options *o, const svcm_allocator *alloc,
                       svcm_cycle **out, svcm_error *err)
{
    svcm_allocator a;
    if (svcm__allocator_resolve(&a, alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    svcm_cycle *c = svcm__calloc(&a, 1, sizeof *c);
    if (c == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    c->alloc = a;
    c->id = o->id;
    c->higher_is_better = o->higher_is_better;
    c->rate = o->rate;
    c->alpha = o->alpha;
    c->phase = SVCM_PDCA_PHASE_PLAN;
    c->outcome = SVCM_PDCA_OUTCOME_NONE;
    c->title = svcm__cycle_dup_text(&a, o->title);
    c->owner = svcm__cycle_dup_text(&a, o->owner);
    c->metric = svcm__cycle_dup_text(&a, o->metric);
    c->unit = svcm__cycle_dup_text(&a, o->unit);
    if (!c->title || !c->owner || !c->metric || !c->unit) {
        svcm_cycle_free(c);
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    }
    *out = c;
    return SVCM_OK;
}

int svcm_cycle_new(const svcm_cycle_options *opts, const svcm_allocator *alloc,
                   svcm_cycle **out, svcm_error *err)
{
    if (opts == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    int rc = svcm__cycle_check_options(opts, err);
    if (rc != SVCM_OK)
        return rc;
    return svcm__cycle_create(opts, alloc, out, err);
}

int svcm__cycle_check_goal(bool higher, double baseline, double target, svcm_error *err)
{
    if (!svcm__finite(baseline))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "baseline", "baseline is not finite");
    if (!svcm__finite(target))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "target", "target is not finite");
    if (!svcm__pdca_better(higher, baseline, target))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "target",
                           "target must be %s than the baseline (%s is better)",
                           higher ? "higher" : "lower", higher ? "higher" : "lower");
    return SVCM_OK;
}

static int refuse_closed(const svcm_cycle *c, svcm_error *err)
{
    if (c->phase == SVCM_PDCA_PHASE_CLOSED)
        return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "phase",
                           "the cycle is closed and accepts nothing");
    return SVCM_OK;
}

int svcm_cycle_set_goal(svcm_cycle *c, double baseline, double target, int64_t deadline,
                        svcm_error *err)
{
    if (c == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL cycle");
    int rc = refuse_closed(c, err);
    if (rc != SVCM_OK)
        return rc;
    if (c->phase != SVCM_PDCA_PHASE_PLAN)
        return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "phase",
                           "the goal can only be set in PLAN (phase is %s)",
                           phase_names[c->phase]);
    rc = svcm__cycle_check_goal(c->higher_is_better, baseline, target, err);
    if (rc != SVCM_OK)
        return rc;
    c->has_goal = true;
    c->baseline = baseline;
    c->target = target;
    c->deadline = deadline;
    return SVCM_OK;
}

int svcm_cycle_result(const svcm_cycle *c, struct svcm_cycle_result *out)
{
    if (c == NULL || out == NULL)
        return SVCM_EINVAL;
    struct svcm_cycle_result i;
    memset(&i, 0, sizeof i);
    i.id = c->id;
    i.title = c->title;
    i.owner = c->owner;
    i.metric = c->metric;
    i.unit = c->unit;
    i.higher_is_better = c->higher_is_better;
    i.rate = c->rate;
    i.alpha = c->alpha;
    i.has_goal = c->has_goal;
    i.baseline = c->baseline;
    i.target = c->target;
    i.deadline = c->deadline;
    i.phase = c->phase;
    i.outcome = c->outcome;
    i.has_do_start = c->has_do_start;
    i.do_start = c->do_start;
    i.has_prev = c->has_prev;
    i.prev_id = c->prev_id;
    i.prev_title = or_empty(c->prev_title);
    i.has_next = c->has_next;
    i.next_id = c->next_id;
    i.next_title = or_empty(c->next_title);
    i.n_actions = c->n_actions;
    i.n_samples = c->n_samples;
    i.n_audit = c->n_audit;
    i.has_check = c->has_check;
    *out = i;
    return SVCM_OK;
}

int svcm_cycle_add_action(svcm_cycle *c, const char *description, const char *owner,
                          int64_t due, size_t *index, svcm_error *err)
{
    if (c == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL cycle");
    int rc = refuse_closed(c, err);
    if (rc != SVCM_OK)
        return rc;
    if (description == NULL || description[0] == '\0')
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "description",
                           "an action needs a description");
    if ((rc = check_utf8(description, "description", err)) != SVCM_OK ||
        (rc = check_utf8(owner, "owner", err)) != SVCM_OK)
        return rc;
    void *p = c->actions;
    if (svcm__grow(&c->alloc, &p, &c->cap_actions, c->n_actions + 1, sizeof *c->actions) !=
        SVCM_OK)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    c->actions = p;
    svcm__action_rec r = {svcm__cycle_dup_text(&c->alloc, description),
                          svcm__cycle_dup_text(&c->alloc, owner), due, SVCM_ACTION_STATUS_OPEN};
    if (r.description == NULL || r.owner == NULL) {
        svcm__free(&c->alloc, r.description);
        svcm__free(&c->alloc, r.owner);
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    }
    if (index != NULL)
        *index = c->n_actions;
    c->actions[c->n_actions++] = r;
    return SVCM_OK;
}

int svcm_cycle_set_action_status(svcm_cycle *c, size_t index, svcm_action_status status,
                                 svcm_error *err)
{
    if (c == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL cycle");
    if ((int)status < 0 || status > SVCM_ACTION_STATUS_DROPPED)
        return svcm__error(err, SVCM_EINVAL, index, "status", "unknown action status %d",
                           (int)status);
    int rc = refuse_closed(c, err);
    if (rc != SVCM_OK)
        return rc;
    if (index >= c->n_actions)
        return svcm__error(err, SVCM_ENOTFOUND, index, NULL, "no action %zu (there are %zu)",
                           index, c->n_actions);
    c->actions[index].status = status;
    return SVCM_OK;
}

int svcm_cycle_action(const svcm_cycle *c, size_t index, svcm_pdca_action *out)
{
    if (c == NULL || out == NULL)
        return SVCM_EINVAL;
    if (index >= c->n_actions)
        return SVCM_ENOTFOUND;
    const svcm__action_rec *r = &c->actions[index];
    *out = (svcm_pdca_action){r->description, r->owner, r->due, r->status};
    return SVCM_OK;
}

int svcm_cycle_overdue(const svcm_cycle *c, int64_t as_of, size_t *idx, size_t cap,
                       size_t *count)
{
    if (c == NULL || count == NULL || (idx == NULL && cap > 0))
        return SVCM_EINVAL;
    size_t n = 0;
    for (size_t i = 0; i < c->n_actions; i++)
        if (c->actions[i].status == SVCM_ACTION_STATUS_OPEN && c->actions[i].due < as_of)
            n++;
    *count = n;
    if (n > cap)
        return SVCM_ENOSPC;
    size_t k = 0;
    for (size_t i = 0; i < c->n_actions; i++)
        if (c->actions[i].status == SVCM_ACTION_STATUS_OPEN && c->actions[i].due < as_of)
            idx[k++] = i;
    return SVCM_OK;
}

/* Latest time among samples of one kind, if any. */
static bool last_time(const svcm_cycle *c, bool baseline, int64_t *t)
{
    for (size_t i = c->n_samples; i-- > 0;)
        if (c->samples[i].baseline == baseline) {
            *t = c->samples[i].t;
            return true;
        }
    return false;
}

int svcm__cycle_check_sample(bool rate, bool has_do_start, int64_t do_start,
                             const svcm_pdca_sample *s, size_t i, svcm_error *err)
{
    if (s->has_counts) {
        if (!rate)
            return svcm__error(err, SVCM_EINVAL, i, "counts",
                               "counts are only accepted when the KPI is a rate");
        if (s->trials == 0)
            return svcm__error(err, SVCM_EINVAL, i, "counts", "trials must be > 0");
        if (s->successes > s->trials)
            return svcm__error(err, SVCM_EINVAL, i, "counts", "successes exceed trials");
    } else if (!svcm__finite(s->value)) {
        return svcm__error(err, SVCM_EINVAL, i, "value", "value is not finite");
    }
    if (has_do_start) {
        if (s->baseline && s->t >= do_start)
            return svcm__error(err, SVCM_EINVAL, i, "t",
                               "a baseline sample must be taken before DO began");
        if (!s->baseline && s->t < do_start)
            return svcm__error(err, SVCM_EINVAL, i, "t",
                               "an after sample must be taken at or after the DO start");
    }
    return SVCM_OK;
}

int svcm_cycle_measure(svcm_cycle *c, const svcm_pdca_sample *s, size_t n, svcm_error *err)
{
    if (c == NULL || (s == NULL && n > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    int rc = refuse_closed(c, err);
    if (rc != SVCM_OK)
        return rc;
    if (c->phase == SVCM_PDCA_PHASE_ACT)
        return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "phase",
                           "ACT accepts no measurements: the decision rests on the Check");
    int64_t last[2] = {0, 0};
    bool have[2];
    have[0] = last_time(c, false, &last[0]);
    have[1] = last_time(c, true, &last[1]);
    for (size_t i = 0; i < n; i++) {
        if (s[i].baseline && c->phase == SVCM_PDCA_PHASE_CHECK)
            return svcm__error(err, SVCM_ESTATE, i, "baseline",
                               "baseline samples are not accepted after DO");
        if (!s[i].baseline && c->phase == SVCM_PDCA_PHASE_PLAN)
            return svcm__error(err, SVCM_ESTATE, i, "baseline",
                               "after samples need DO to have begun");
        rc = svcm__cycle_check_sample(c->rate, c->has_do_start, c->do_start, &s[i], i, err);
        if (rc != SVCM_OK)
            return rc;
        int k = s[i].baseline ? 1 : 0;
        if (have[k] && s[i].t < last[k])
            return svcm__error(err, SVCM_EINVAL, i, "t",
                               "time goes back: samples of one kind must be in time order");
        have[k] = true;
        last[k] = s[i].t;
    }
    void *p = c->samples;
    if (svcm__grow(&c->alloc, &p, &c->cap_samples, c->n_samples + n, sizeof *s) != SVCM_OK)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    c->samples = p;
    for (size_t i = 0; i < n; i++) {
        svcm_pdca_sample v = s[i];
        if (v.has_counts)
            v.value = (double)v.successes / (double)v.trials;
        else
            v.successes = v.trials = 0;
        c->samples[c->n_samples++] = v;
    }
    if (n > 0)
        c->has_check = false; /* stale: the data changed */
    return SVCM_OK;
}

int svcm_cycle_sample(const svcm_cycle *c, size_t index, svcm_pdca_sample *out)
{
    if (c == NULL || out == NULL)
        return SVCM_EINVAL;
    if (index >= c->n_samples)
        return SVCM_ENOTFOUND;
    *out = c->samples[index];
    return SVCM_OK;
}

/* Transition instants never go back in time. */
static int check_now(const svcm_cycle *c, int64_t now, svcm_error *err)
{
    if (c->n_audit > 0 && now < c->audit[c->n_audit - 1].at)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "now",
                           "the transition instant is before the previous one");
    return SVCM_OK;
}

/* Prepare an audit entry for from -> phase+1 without changing the cycle:
 * reserves room and copies the strings. */
static int audit_prepare(svcm_cycle *c, int64_t now, const char *actor, const char *note,
                         svcm_pdca_phase to, svcm__audit_rec *rec, svcm_error *err)
{
    int rc;
    if ((rc = check_utf8(actor, "actor", err)) != SVCM_OK ||
        (rc = check_utf8(note, "note", err)) != SVCM_OK)
        return rc;
    void *p = c->audit;
    if (svcm__grow(&c->alloc, &p, &c->cap_audit, c->n_audit + 1, sizeof *c->audit) != SVCM_OK)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    c->audit = p;
    rec->at = now;
    rec->from = c->phase;
    rec->to = to;
    rec->actor = svcm__cycle_dup_text(&c->alloc, actor);
    rec->note = svcm__cycle_dup_text(&c->alloc, note);
    if (rec->actor == NULL || rec->note == NULL) {
        svcm__free(&c->alloc, rec->actor);
        svcm__free(&c->alloc, rec->note);
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    }
    return SVCM_OK;
}

/* Commit a prepared entry: cannot fail. */
static void audit_commit(svcm_cycle *c, const svcm__audit_rec *rec)
{
    c->audit[c->n_audit++] = *rec;
    c->phase = rec->to;
}

static int transition(svcm_cycle *c, int64_t now, const char *actor, const char *note,
                      svcm_pdca_phase to, svcm_error *err)
{
    svcm__audit_rec rec;
    int rc = audit_prepare(c, now, actor, note, to, &rec, err);
    if (rc != SVCM_OK)
        return rc;
    audit_commit(c, &rec);
    return SVCM_OK;
}

static int expect_phase(const svcm_cycle *c, svcm_pdca_phase want, const char *what,
                        svcm_error *err)
{
    int rc = refuse_closed(c, err);
    if (rc != SVCM_OK)
        return rc;
    if (c->phase != want)
        return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "phase", "%s needs phase %s (phase is %s)",
                           what, phase_names[want], phase_names[c->phase]);
    return SVCM_OK;
}

int svcm_cycle_start(svcm_cycle *c, int64_t now, const char *actor, const char *note,
                     svcm_error *err)
{
    if (c == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL cycle");
    int rc = expect_phase(c, SVCM_PDCA_PHASE_PLAN, "DO", err);
    if (rc != SVCM_OK)
        return rc;
    if (!c->has_goal)
        return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "goal",
                           "DO needs a goal (baseline, target, deadline)");
    size_t live = 0;
    for (size_t i = 0; i < c->n_actions; i++)
        if (c->actions[i].status != SVCM_ACTION_STATUS_DROPPED)
            live++;
    if (live == 0)
        return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "actions",
                           "DO needs at least one action that is not dropped");
    rc = check_now(c, now, err);
    if (rc != SVCM_OK)
        return rc;
    int64_t t;
    if (last_time(c, true, &t) && t >= now)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "now",
                           "DO must begin after the last baseline sample");
    rc = transition(c, now, actor, note, SVCM_PDCA_PHASE_DO, err);
    if (rc != SVCM_OK)
        return rc;
    c->has_do_start = true;
    c->do_start = now;
    return SVCM_OK;
}

void svcm__cycle_store_check(svcm_cycle *c, const struct svcm_cycle_check_result *r, svcm_we_signal *sigs)
{
    svcm__free(&c->alloc, c->signals);
    c->signals = sigs;
    c->check = *r;
    c->check.signals = sigs;
    c->has_check = true;
}

int svcm_cycle_check(svcm_cycle *c, int64_t now, const char *actor, const char *note,
                     struct svcm_cycle_check_result *out, svcm_error *err)
{
    if (c == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL cycle");
    int rc = refuse_closed(c, err);
    if (rc != SVCM_OK)
        return rc;
    if (c->phase != SVCM_PDCA_PHASE_DO && c->phase != SVCM_PDCA_PHASE_CHECK)
        return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "phase",
                           "the Check runs in DO or CHECK (phase is %s)", phase_names[c->phase]);
    bool enter = c->phase == SVCM_PDCA_PHASE_DO;
    if (enter) {
        int64_t t;
        if (!last_time(c, false, &t))
            return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "samples",
                               "CHECK needs measurements taken after DO began");
        rc = check_now(c, now, err);
        if (rc != SVCM_OK)
            return rc;
    }
    struct svcm_cycle_check_result r;
    svcm_we_signal *sigs = NULL;
    rc = svcm__pdca_check_compute(c, &r, &sigs, err);
    if (rc != SVCM_OK)
        return rc;
    if (enter) {
        svcm__audit_rec rec;
        rc = audit_prepare(c, now, actor, note, SVCM_PDCA_PHASE_CHECK, &rec, err);
        if (rc != SVCM_OK) {
            svcm__free(&c->alloc, sigs);
            return rc;
        }
        audit_commit(c, &rec);
    }
    svcm__cycle_store_check(c, &r, sigs);
    if (out != NULL)
        *out = c->check;
    return SVCM_OK;
}

int svcm_cycle_check_result(const svcm_cycle *c, struct svcm_cycle_check_result *out)
{
    if (c == NULL || out == NULL)
        return SVCM_EINVAL;
    if (!c->has_check)
        return SVCM_ENOTFOUND;
    *out = c->check;
    return SVCM_OK;
}

int svcm_cycle_enter_act(svcm_cycle *c, int64_t now, const char *actor, const char *note,
                         svcm_error *err)
{
    if (c == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL cycle");
    int rc = expect_phase(c, SVCM_PDCA_PHASE_CHECK, "ACT", err);
    if (rc != SVCM_OK)
        return rc;
    if (!c->has_check)
        return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "check",
                           "ACT needs a Check result (none, or measurements changed since)");
    rc = check_now(c, now, err);
    if (rc != SVCM_OK)
        return rc;
    return transition(c, now, actor, note, SVCM_PDCA_PHASE_ACT, err);
}

static int close_cycle(svcm_cycle *c, int64_t now, const char *actor, const char *note,
                       svcm_pdca_outcome outcome, svcm_error *err)
{
    int rc = transition(c, now, actor, note, SVCM_PDCA_PHASE_CLOSED, err);
    if (rc == SVCM_OK)
        c->outcome = outcome;
    return rc;
}

/* Common guard of the three Act decisions. */
static int act_guard(const svcm_cycle *c, int64_t now, const char *what, svcm_error *err)
{
    if (c == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL cycle");
    int rc = expect_phase(c, SVCM_PDCA_PHASE_ACT, what, err);
    if (rc != SVCM_OK)
        return rc;
    return check_now(c, now, err);
}

int svcm_cycle_standardize(svcm_cycle *c, int64_t now, const char *actor, const char *note,
                           svcm_error *err)
{
    int rc = act_guard(c, now, "standardize", err);
    if (rc != SVCM_OK)
        return rc;
    return close_cycle(c, now, actor, note, SVCM_PDCA_OUTCOME_STANDARDIZED, err);
}

int svcm_cycle_abandon(svcm_cycle *c, int64_t now, const char *actor, const char *reason,
                       svcm_error *err)
{
    int rc = act_guard(c, now, "abandon", err);
    if (rc != SVCM_OK)
        return rc;
    if (reason == NULL || reason[0] == '\0')
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "reason",
                           "abandoning a cycle needs a reason");
    rc = check_utf8(reason, "reason", err);
    if (rc != SVCM_OK)
        return rc;
    return close_cycle(c, now, actor, reason, SVCM_PDCA_OUTCOME_ABANDONED, err);
}

int svcm_cycle_adjust(svcm_cycle *c, int64_t now, const char *actor, const char *note,
                      double target, int64_t deadline, svcm_cycle **next, svcm_error *err)
{
    int rc = act_guard(c, now, "adjust", err);
    if (rc != SVCM_OK)
        return rc;
    if (next == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL next");
    double base = c->check.after_mean; /* ACT always has a current Check */
    rc = svcm__cycle_check_goal(c->higher_is_better, base, target, err);
    if (rc != SVCM_OK)
        return rc;
    if (c->id == UINT64_MAX)
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "id", "no id left for the next cycle");
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.id = c->id + 1;
    o.title = c->title;
    o.owner = c->owner;
    o.metric = c->metric;
    o.unit = c->unit;
    o.higher_is_better = c->higher_is_better;
    o.rate = c->rate;
    o.alpha = c->alpha;
    svcm_cycle *n = NULL;
    rc = svcm__cycle_create(&o, &c->alloc, &n, err);
    if (rc != SVCM_OK)
        return rc;
    n->has_goal = true;
    n->baseline = base;
    n->target = target;
    n->deadline = deadline;
    n->has_prev = true;
    n->prev_id = c->id;
    n->prev_title = svcm__cycle_dup_text(&n->alloc, c->title);
    char *next_title = svcm__cycle_dup_text(&c->alloc, n->title);
    svcm__audit_rec rec;
    rc = n->prev_title == NULL || next_title == NULL
             ? svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL)
             : audit_prepare(c, now, actor, note, SVCM_PDCA_PHASE_CLOSED, &rec, err);
    if (rc != SVCM_OK) {
        svcm__free(&c->alloc, next_title);
        svcm_cycle_free(n);
        return rc;
    }
    audit_commit(c, &rec);
    c->outcome = SVCM_PDCA_OUTCOME_ADJUSTED;
    svcm__free(&c->alloc, c->next_title);
    c->has_next = true;
    c->next_id = n->id;
    c->next_title = next_title;
    if (c->next != NULL)
        c->next->prev = NULL;
    c->next = n;
    n->prev = c;
    *next = n;
    return SVCM_OK;
}

int svcm_cycle_audit(const svcm_cycle *c, size_t index, svcm_pdca_audit *out)
{
    if (c == NULL || out == NULL)
        return SVCM_EINVAL;
    if (index >= c->n_audit)
        return SVCM_ENOTFOUND;
    const svcm__audit_rec *r = &c->audit[index];
    *out = (svcm_pdca_audit){r->at, r->actor, r->note, r->from, r->to};
    return SVCM_OK;
}

svcm_cycle *svcm_cycle_next(const svcm_cycle *c) { return c != NULL ? c->next : NULL; }

svcm_cycle *svcm_cycle_prev(const svcm_cycle *c) { return c != NULL ? c->prev : NULL; }

int svcm_cycle_link(svcm_cycle *prev, svcm_cycle *next)
{
    if (prev == NULL || next == NULL || prev == next)
        return SVCM_EINVAL;
    if (!prev->has_next || prev->next_id != next->id || !next->has_prev ||
        next->prev_id != prev->id || prev->id == UINT64_MAX || next->id != prev->id + 1)
        return SVCM_EMISMATCH;
    if ((prev->next != NULL && prev->next != next) || (next->prev != NULL && next->prev != prev))
        return SVCM_EEXIST;
    prev->next = next;
    next->prev = prev;
    return SVCM_OK;
}

/* ---------------------------------------------------- 5W2H problem record */

static const char *const problem_item_names[SVCM_PROBLEM_ITEM_COUNT] = {
    "what", "why", "who", "when", "where", "how", "how_much"};

const char *svcm_problem_item_name(int item)
{
    for (int i = 0; i < SVCM_PROBLEM_ITEM_COUNT; i++)
        if (item == 1 << i)
            return problem_item_names[i];
    return NULL;
}

/* The six texts and the unit of p, in struct order. */
static void problem_texts(const svcm_problem *p, const char *t[SVCM__PROBLEM_TEXTS])
{
    t[0] = p->what;
    t[1] = p->why;
    t[2] = p->who;
    t[3] = p->when;
    t[4] = p->where;
    t[5] = p->how;
    t[6] = p->how_much_unit;
}

unsigned svcm_problem_missing(const svcm_problem *p)
{
    if (p == NULL)
        return (1u << SVCM_PROBLEM_ITEM_COUNT) - 1u;
    const char *t[SVCM__PROBLEM_TEXTS];
    problem_texts(p, t);
    unsigned m = 0;
    for (int i = 0; i < 6; i++)
        if (t[i] == NULL || t[i][0] == '\0')
            m |= 1u << i;
    if (p->how_much != p->how_much) /* NaN */
        m |= SVCM_PROBLEM_ITEM_HOW_MUCH;
    return m;
}

/* Well formed: UTF-8 texts, how much finite or NaN. */
static int problem_wellformed(const svcm_problem *p, svcm_error *err)
{
    const char *t[SVCM__PROBLEM_TEXTS];
    problem_texts(p, t);
    for (int i = 0; i < SVCM__PROBLEM_TEXTS; i++) {
        int rc = check_utf8(t[i], i < 6 ? problem_item_names[i] : "how_much_unit", err);
        if (rc != SVCM_OK)
            return rc;
    }
    if (p->how_much == p->how_much && !svcm__finite(p->how_much))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "how_much",
                           "how much must be a finite number (or NaN when not known)");
    return SVCM_OK;
}

int svcm_problem_check(const svcm_problem *p, svcm_error *err)
{
    if (p == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "problem record is NULL");
    int rc = problem_wellformed(p, err);
    if (rc != SVCM_OK)
        return rc;
    unsigned m = svcm_problem_missing(p);
    if (m == 0)
        return SVCM_OK;
    char list[96] = "";
    size_t n = 0;
    const char *first = NULL;
    for (int i = 0; i < SVCM_PROBLEM_ITEM_COUNT; i++) {
        if (!(m & (1u << i)))
            continue;
        if (first == NULL)
            first = problem_item_names[i];
        /* "how much" reads better than the field name in a sentence */
        int k = snprintf(list + n, sizeof list - n, "%s%s", n > 0 ? ", " : "",
                         i == 6 ? "how much" : problem_item_names[i]);
        n += (size_t)k;
    }
    return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, first, "5W2H record incomplete; missing: %s",
                       list);
}

int svcm__cycle_store_problem(svcm_cycle *c, const svcm_problem *p, svcm_error *err)
{
    if (p == NULL) {
        for (int i = 0; i < SVCM__PROBLEM_TEXTS; i++) {
            svcm__free(&c->alloc, c->problem[i]);
            c->problem[i] = NULL;
        }
        c->has_problem = false;
        return SVCM_OK;
    }
    int rc = problem_wellformed(p, err);
    if (rc != SVCM_OK)
        return rc;
    const char *t[SVCM__PROBLEM_TEXTS];
    problem_texts(p, t);
    char *copy[SVCM__PROBLEM_TEXTS] = {NULL};
    for (int i = 0; i < SVCM__PROBLEM_TEXTS; i++) {
        copy[i] = svcm__cycle_dup_text(&c->alloc, t[i]);
        if (copy[i] == NULL) {
            for (int j = 0; j < i; j++)
                svcm__free(&c->alloc, copy[j]);
            return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
        }
    }
    for (int i = 0; i < SVCM__PROBLEM_TEXTS; i++) {
        svcm__free(&c->alloc, c->problem[i]);
        c->problem[i] = copy[i];
    }
    c->how_much = p->how_much;
    c->has_problem = true;
    return SVCM_OK;
}

int svcm_cycle_set_problem(svcm_cycle *c, const svcm_problem *problem, svcm_error *err)
{
    if (c == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL cycle");
    int rc = refuse_closed(c, err);
    if (rc != SVCM_OK)
        return rc;
    if (c->phase != SVCM_PDCA_PHASE_PLAN)
        return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "phase",
                           "the problem record can only be set in PLAN (phase is %s)",
                           phase_names[c->phase]);
    return svcm__cycle_store_problem(c, problem, err);
}

int svcm_cycle_problem(const svcm_cycle *c, svcm_problem *out)
{
    if (c == NULL || out == NULL)
        return SVCM_EINVAL;
    if (!c->has_problem)
        return SVCM_ENOTFOUND;
    out->what = c->problem[0];
    out->why = c->problem[1];
    out->who = c->problem[2];
    out->when = c->problem[3];
    out->where = c->problem[4];
    out->how = c->problem[5];
    out->how_much_unit = c->problem[6];
    out->how_much = c->how_much;
    return SVCM_OK;
}
