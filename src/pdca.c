/* PDCA cycles: goal, actions, measurements, guarded transitions, the Check
 * and the Act decisions, chains and the audit trail. */
#include <string.h>

#include "internal.h"
#include "pdca_internal.h"
#include "svcm/pdca.h"

typedef struct action_rec {
    char *description;
    char *owner;
    int64_t due;
    svcm_action_status status;
} action_rec;

typedef struct audit_rec {
    int64_t at;
    char *actor;
    char *note;
    svcm_pdca_phase from, to;
} audit_rec;

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
    action_rec *actions;
    size_t n_actions, cap_actions;
    svcm_pdca_sample *samples;
    size_t n_samples, cap_samples;
    audit_rec *audit;
    size_t n_audit, cap_audit;
    bool has_check;
    svcm_pdca_check check;    /* check.signals points into signals */
    svcm_we_signal *signals;
};

static const char *const phase_names[] = {"plan", "do", "check", "act", "closed"};
static const char *const verdict_names[] = {"improved", "improved-target-missed", "no-change",
                                            "worse"};
static const char *const outcome_names[] = {"none", "standardized", "adjusted", "abandoned"};
static const char *const status_names[] = {"open", "done", "dropped"};

const char *svcm_pdca_phase_name(int phase)
{
    return (phase >= 0 && phase <= SVCM_PDCA_CLOSED) ? phase_names[phase] : NULL;
}

const char *svcm_pdca_verdict_name(int verdict)
{
    return (verdict >= 0 && verdict <= SVCM_VERDICT_WORSE) ? verdict_names[verdict] : NULL;
}

const char *svcm_pdca_outcome_name(int outcome)
{
    return (outcome >= 0 && outcome <= SVCM_PDCA_ABANDONED) ? outcome_names[outcome] : NULL;
}

const char *svcm_action_status_name(int status)
{
    return (status >= 0 && status <= SVCM_ACTION_DROPPED) ? status_names[status] : NULL;
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

/* An allocated copy of s (NULL copies as ""). */
static char *dup_text(const svcm_allocator *a, const char *s)
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

static int check_options(const svcm_cycle_options *o, svcm_error *err)
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

/* A new PLAN cycle from validated options. */
static int cycle_create(const svcm_cycle_options *o, const svcm_allocator *alloc,
                        svcm_cycle **out, svcm_error *err)
{
    svcm_allocator a;
    svcm__allocator_resolve(&a, alloc);
    svcm_cycle *c = svcm__calloc(&a, 1, sizeof *c);
    if (c == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    c->alloc = a;
    c->id = o->id;
    c->higher_is_better = o->higher_is_better;
    c->rate = o->rate;
    c->alpha = o->alpha;
    c->phase = SVCM_PDCA_PLAN;
    c->outcome = SVCM_PDCA_OUTCOME_NONE;
    c->title = dup_text(&a, o->title);
    c->owner = dup_text(&a, o->owner);
    c->metric = dup_text(&a, o->metric);
    c->unit = dup_text(&a, o->unit);
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
    int rc = check_options(opts, err);
    if (rc != SVCM_OK)
        return rc;
    return cycle_create(opts, alloc, out, err);
}

/* Is target strictly better than baseline for this direction? */
static bool better(bool higher, double from, double to)
{
    return higher ? to > from : to < from;
}

static int check_goal(bool higher, double baseline, double target, svcm_error *err)
{
    if (!svcm__finite(baseline))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "baseline", "baseline is not finite");
    if (!svcm__finite(target))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "target", "target is not finite");
    if (!better(higher, baseline, target))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "target",
                           "target must be %s than the baseline (%s is better)",
                           higher ? "higher" : "lower", higher ? "higher" : "lower");
    return SVCM_OK;
}

static int refuse_closed(const svcm_cycle *c, svcm_error *err)
{
    if (c->phase == SVCM_PDCA_CLOSED)
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
    if (c->phase != SVCM_PDCA_PLAN)
        return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "phase",
                           "the goal can only be set in PLAN (phase is %s)",
                           phase_names[c->phase]);
    rc = check_goal(c->higher_is_better, baseline, target, err);
    if (rc != SVCM_OK)
        return rc;
    c->has_goal = true;
    c->baseline = baseline;
    c->target = target;
    c->deadline = deadline;
    return SVCM_OK;
}

int svcm_cycle_info_get(const svcm_cycle *c, svcm_cycle_info *out)
{
    if (c == NULL || out == NULL)
        return SVCM_EINVAL;
    svcm_cycle_info i;
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
    if (svcm__grow(&c->alloc, &p, &c->cap_actions, c->n_actions + 1, sizeof(action_rec)) != SVCM_OK)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    c->actions = p;
    action_rec r = {dup_text(&c->alloc, description), dup_text(&c->alloc, owner), due,
                    SVCM_ACTION_OPEN};
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
    if ((int)status < 0 || status > SVCM_ACTION_DROPPED)
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
    const action_rec *r = &c->actions[index];
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
        if (c->actions[i].status == SVCM_ACTION_OPEN && c->actions[i].due < as_of)
            n++;
    *count = n;
    if (n > cap)
        return SVCM_ENOSPC;
    size_t k = 0;
    for (size_t i = 0; i < c->n_actions; i++)
        if (c->actions[i].status == SVCM_ACTION_OPEN && c->actions[i].due < as_of)
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

/* Validate one sample against the cycle's settings (not against order). */
static int check_sample(bool rate, bool has_do_start, int64_t do_start, const svcm_pdca_sample *s,
                        size_t i, svcm_error *err)
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
    if (c->phase == SVCM_PDCA_ACT)
        return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "phase",
                           "ACT accepts no measurements: the decision rests on the Check");
    int64_t last[2] = {0, 0};
    bool have[2];
    have[0] = last_time(c, false, &last[0]);
    have[1] = last_time(c, true, &last[1]);
    for (size_t i = 0; i < n; i++) {
        if (s[i].baseline && c->phase == SVCM_PDCA_CHECK)
            return svcm__error(err, SVCM_ESTATE, i, "baseline",
                               "baseline samples are not accepted after DO");
        if (!s[i].baseline && c->phase == SVCM_PDCA_PLAN)
            return svcm__error(err, SVCM_ESTATE, i, "baseline",
                               "after samples need DO to have begun");
        rc = check_sample(c->rate, c->has_do_start, c->do_start, &s[i], i, err);
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
                         svcm_pdca_phase to, audit_rec *rec, svcm_error *err)
{
    int rc;
    if ((rc = check_utf8(actor, "actor", err)) != SVCM_OK ||
        (rc = check_utf8(note, "note", err)) != SVCM_OK)
        return rc;
    void *p = c->audit;
    if (svcm__grow(&c->alloc, &p, &c->cap_audit, c->n_audit + 1, sizeof(audit_rec)) != SVCM_OK)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    c->audit = p;
    rec->at = now;
    rec->from = c->phase;
    rec->to = to;
    rec->actor = dup_text(&c->alloc, actor);
    rec->note = dup_text(&c->alloc, note);
    if (rec->actor == NULL || rec->note == NULL) {
        svcm__free(&c->alloc, rec->actor);
        svcm__free(&c->alloc, rec->note);
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    }
    return SVCM_OK;
}

/* Commit a prepared entry: cannot fail. */
static void audit_commit(svcm_cycle *c, const audit_rec *rec)
{
    c->audit[c->n_audit++] = *rec;
    c->phase = rec->to;
}

static int transition(svcm_cycle *c, int64_t now, const char *actor, const char *note,
                      svcm_pdca_phase to, svcm_error *err)
{
    audit_rec rec;
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
    int rc = expect_phase(c, SVCM_PDCA_PLAN, "DO", err);
    if (rc != SVCM_OK)
        return rc;
    if (!c->has_goal)
        return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "goal",
                           "DO needs a goal (baseline, target, deadline)");
    size_t live = 0;
    for (size_t i = 0; i < c->n_actions; i++)
        if (c->actions[i].status != SVCM_ACTION_DROPPED)
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
    rc = transition(c, now, actor, note, SVCM_PDCA_DO, err);
    if (rc != SVCM_OK)
        return rc;
    c->has_do_start = true;
    c->do_start = now;
    return SVCM_OK;
}

/* The direction-aware verdict from significance, change and target_met. */
static svcm_pdca_verdict verdict_of(bool higher, const svcm_pdca_check *r)
{
    if (!r->significant || r->change == 0.0)
        return SVCM_VERDICT_NO_CHANGE;
    if (better(higher, r->baseline_mean, r->after_mean))
        return r->target_met ? SVCM_VERDICT_IMPROVED : SVCM_VERDICT_TARGET_MISSED;
    return SVCM_VERDICT_WORSE;
}

/* When neither sample varies the test statistic is undefined: the
 * difference is then either certain (p = 0) or absent (p = 1). */
static void degenerate_test(double diff, double df, svcm_test_result *r)
{
    r->diff = diff;
    r->ci.lo = r->ci.hi = diff;
    r->df = df;
    if (diff == 0.0) {
        r->statistic = 0.0;
        r->p_value = r->p_greater = r->p_less = 1.0;
    } else {
        r->statistic = diff > 0 ? INFINITY : -INFINITY;
        r->p_value = 0.0;
        r->p_greater = diff > 0 ? 0.0 : 1.0;
        r->p_less = diff > 0 ? 1.0 : 0.0;
    }
}

/* The Check result from the samples; signals allocated into *sigs. */
static int compute_check(const svcm_cycle *c, svcm_pdca_check *res, svcm_we_signal **sigs,
                         svcm_error *err)
{
    size_t nb = 0, na = 0;
    bool counts = c->rate;
    for (size_t i = 0; i < c->n_samples; i++) {
        if (c->samples[i].baseline)
            nb++;
        else
            na++;
        counts = counts && c->samples[i].has_counts;
    }
    if (nb < 2 || na < 2)
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, "samples",
                           "the Check needs at least 2 baseline and 2 after samples "
                           "(have %zu and %zu)", nb, na);
    double *xb = svcm__calloc(&c->alloc, nb + na, sizeof(double));
    if (xb == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    double *xa = xb + nb;
    /* The Welch test runs on values / 2^e with |value / 2^e| < 1, so that
     * variances neither overflow (values near DBL_MAX) nor underflow (values
     * near 1e-160); t, df and p are scale-free and a power of 2 scales
     * exactly, so ordinary data give the same bits as unscaled arithmetic. */
    double big = 0.0;
    for (size_t i = 0; i < c->n_samples; i++)
        if (fabs(c->samples[i].value) > big)
            big = fabs(c->samples[i].value);
    int e = 0;
    (void)frexp(big, &e);
    svcm_moments mb, ma;
    svcm_moments_init(&mb);
    svcm_moments_init(&ma);
    uint64_t s1 = 0, n1 = 0, s2 = 0, n2 = 0;
    bool overflow = false;
    for (size_t i = 0, ib = 0, ia = 0; i < c->n_samples; i++) {
        const svcm_pdca_sample *s = &c->samples[i];
        uint64_t *sx = s->baseline ? &s1 : &s2, *nx = s->baseline ? &n1 : &n2;
        if (s->baseline) {
            xb[ib++] = s->value;
            (void)svcm_moments_add(&mb, ldexp(s->value, -e));
        } else {
            xa[ia++] = s->value;
            (void)svcm_moments_add(&ma, ldexp(s->value, -e));
        }
        if (counts) {
            overflow = overflow || *nx > UINT64_MAX - s->trials;
            *sx += s->successes;
            *nx += s->trials;
        }
    }
    svcm_pdca_check r;
    memset(&r, 0, sizeof r);
    r.n_baseline = nb;
    r.n_after = na;
    r.alpha = c->alpha;
    int rc;
    if (counts && !overflow) {
        r.test = SVCM_PDCA_TEST_PROPORTIONS;
        r.baseline_mean = (double)s1 / (double)n1;
        r.after_mean = (double)s2 / (double)n2;
        rc = svcm_two_proportion_z_test(s1, n1, s2, n2, 1.0 - c->alpha, &r.result);
        if (rc == SVCM_ERANGE)
            degenerate_test(r.after_mean - r.baseline_mean, INFINITY, &r.result);
    } else {
        r.test = SVCM_PDCA_TEST_WELCH;
        double vb = 0.0, va = 0.0;
        (void)svcm_moments_variance(&mb, &vb);
        (void)svcm_moments_variance(&ma, &va);
        r.baseline_mean = ldexp(mb.mean, e);
        r.after_mean = ldexp(ma.mean, e);
        rc = svcm_welch_t_test(mb.mean, vb, (double)nb, ma.mean, va, (double)na,
                               1.0 - c->alpha, &r.result);
        if (rc == SVCM_ERANGE)
            degenerate_test(ma.mean - mb.mean, (double)(nb + na - 2), &r.result);
        r.result.diff = ldexp(r.result.diff, e);
        r.result.ci.lo = ldexp(r.result.ci.lo, e);
        r.result.ci.hi = ldexp(r.result.ci.hi, e);
    }
    if (rc != SVCM_OK && rc != SVCM_ERANGE) {
        svcm__free(&c->alloc, xb);
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "the significance test failed");
    }
    r.p_value = r.result.p_value;
    r.change = r.after_mean - r.baseline_mean;
    if (!svcm__finite(r.change) || !svcm__finite(r.result.diff) ||
        !svcm__finite(r.result.ci.lo) || !svcm__finite(r.result.ci.hi) ||
        svcm_xmr_limits(xb, nb, &r.limits, NULL) != SVCM_OK) {
        svcm__free(&c->alloc, xb);
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "samples",
                           "the change, its confidence interval or the control limits "
                           "exceed the double range");
    }
    r.relative_change = r.baseline_mean != 0.0 ? r.change / fabs(r.baseline_mean) : NAN;
    r.target_met = c->higher_is_better ? r.after_mean >= c->target : r.after_mean <= c->target;
    r.significant = r.p_value < c->alpha;
    r.verdict = verdict_of(c->higher_is_better, &r);
    size_t nsig = 0;
    (void)svcm_western_electric(xa, na, r.limits.center, r.limits.sigma, NULL, 0, &nsig, NULL);
    svcm_we_signal *sg = svcm__calloc(&c->alloc, nsig, sizeof *sg);
    if (sg == NULL) {
        svcm__free(&c->alloc, xb);
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    }
    (void)svcm_western_electric(xa, na, r.limits.center, r.limits.sigma, sg, nsig, &nsig, NULL);
    for (size_t i = 0; i < nsig; i++)
        r.rule_count[sg[i].rule - 1]++;
    r.n_signals = nsig;
    svcm__free(&c->alloc, xb);
    *res = r;
    *sigs = sg;
    return SVCM_OK;
}

static void store_check(svcm_cycle *c, const svcm_pdca_check *r, svcm_we_signal *sigs)
{
    svcm__free(&c->alloc, c->signals);
    c->signals = sigs;
    c->check = *r;
    c->check.signals = sigs;
    c->has_check = true;
}

int svcm_cycle_check(svcm_cycle *c, int64_t now, const char *actor, const char *note,
                     svcm_pdca_check *out, svcm_error *err)
{
    if (c == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL cycle");
    int rc = refuse_closed(c, err);
    if (rc != SVCM_OK)
        return rc;
    if (c->phase != SVCM_PDCA_DO && c->phase != SVCM_PDCA_CHECK)
        return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "phase",
                           "the Check runs in DO or CHECK (phase is %s)", phase_names[c->phase]);
    bool enter = c->phase == SVCM_PDCA_DO;
    if (enter) {
        int64_t t;
        if (!last_time(c, false, &t))
            return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "samples",
                               "CHECK needs measurements taken after DO began");
        rc = check_now(c, now, err);
        if (rc != SVCM_OK)
            return rc;
    }
    svcm_pdca_check r;
    svcm_we_signal *sigs = NULL;
    rc = compute_check(c, &r, &sigs, err);
    if (rc != SVCM_OK)
        return rc;
    if (enter) {
        audit_rec rec;
        rc = audit_prepare(c, now, actor, note, SVCM_PDCA_CHECK, &rec, err);
        if (rc != SVCM_OK) {
            svcm__free(&c->alloc, sigs);
            return rc;
        }
        audit_commit(c, &rec);
    }
    store_check(c, &r, sigs);
    if (out != NULL)
        *out = c->check;
    return SVCM_OK;
}

int svcm_cycle_result(const svcm_cycle *c, svcm_pdca_check *out)
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
    int rc = expect_phase(c, SVCM_PDCA_CHECK, "ACT", err);
    if (rc != SVCM_OK)
        return rc;
    if (!c->has_check)
        return svcm__error(err, SVCM_ESTATE, SVCM_NO_INDEX, "check",
                           "ACT needs a Check result (none, or measurements changed since)");
    rc = check_now(c, now, err);
    if (rc != SVCM_OK)
        return rc;
    return transition(c, now, actor, note, SVCM_PDCA_ACT, err);
}

static int close_cycle(svcm_cycle *c, int64_t now, const char *actor, const char *note,
                       svcm_pdca_outcome outcome, svcm_error *err)
{
    int rc = transition(c, now, actor, note, SVCM_PDCA_CLOSED, err);
    if (rc == SVCM_OK)
        c->outcome = outcome;
    return rc;
}

/* Common guard of the three Act decisions. */
static int act_guard(const svcm_cycle *c, int64_t now, const char *what, svcm_error *err)
{
    if (c == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL cycle");
    int rc = expect_phase(c, SVCM_PDCA_ACT, what, err);
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
    return close_cycle(c, now, actor, note, SVCM_PDCA_STANDARDIZED, err);
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
    return close_cycle(c, now, actor, reason, SVCM_PDCA_ABANDONED, err);
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
    rc = check_goal(c->higher_is_better, base, target, err);
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
    rc = cycle_create(&o, &c->alloc, &n, err);
    if (rc != SVCM_OK)
        return rc;
    n->has_goal = true;
    n->baseline = base;
    n->target = target;
    n->deadline = deadline;
    n->has_prev = true;
    n->prev_id = c->id;
    n->prev_title = dup_text(&n->alloc, c->title);
    char *next_title = dup_text(&c->alloc, n->title);
    audit_rec rec;
    rc = n->prev_title == NULL || next_title == NULL
             ? svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL)
             : audit_prepare(c, now, actor, note, SVCM_PDCA_CLOSED, &rec, err);
    if (rc != SVCM_OK) {
        svcm__free(&c->alloc, next_title);
        svcm_cycle_free(n);
        return rc;
    }
    audit_commit(c, &rec);
    c->outcome = SVCM_PDCA_ADJUSTED;
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
    const audit_rec *r = &c->audit[index];
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

/* ------------------------------------------------------------ assembly */

static int bad(int *kind, size_t *index, int k, size_t i)
{
    *kind = k;
    *index = i;
    return SVCM_EFORMAT;
}

/* Check that loaded content satisfies every invariant the API maintains. */
static int validate(const svcm_cycle_info *in, const svcm_pdca_action *actions,
                    const svcm_pdca_sample *samples, const svcm_pdca_audit *audit,
                    const svcm_pdca_check *check, int *kind, size_t *index, svcm_error *err)
{
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.title = in->title;
    o.metric = in->metric;
    o.alpha = in->alpha;
    if (check_options(&o, err) != SVCM_OK)
        return bad(kind, index, SVCM__PDCA_REC_CYCLE, 0);
    if ((unsigned)in->phase > SVCM_PDCA_CLOSED || (unsigned)in->outcome > SVCM_PDCA_ABANDONED)
        return bad(kind, index, SVCM__PDCA_REC_CYCLE, 0);
    if (in->has_goal && check_goal(in->higher_is_better, in->baseline, in->target, err) != SVCM_OK)
        return bad(kind, index, SVCM__PDCA_REC_CYCLE, 0);
    /* field names the key whose line the loader reports. */
    const char *why = NULL, *field = "phase";
    if (in->phase >= SVCM_PDCA_DO && !in->has_goal)
        why = "a cycle past PLAN must have a goal";
    else if ((in->phase >= SVCM_PDCA_DO) != in->has_do_start)
        why = "do-start must be present exactly when the cycle is past PLAN";
    else if ((in->phase == SVCM_PDCA_CLOSED) != (in->outcome != SVCM_PDCA_OUTCOME_NONE))
        why = "an outcome must be given exactly when the cycle is closed";
    else if ((in->outcome == SVCM_PDCA_ADJUSTED) != in->has_next) {
        why = "a successor must be recorded exactly when the cycle was adjusted";
        field = "outcome";
    } else if (in->phase >= SVCM_PDCA_ACT && check == NULL)
        why = "a cycle in ACT or closed must have a Check result";
    else if (check != NULL && in->phase < SVCM_PDCA_CHECK)
        why = "a Check result before CHECK";
    else if (in->n_audit != (size_t)in->phase)
        why = "the audit trail must hold one transition per phase reached";
    else if (in->has_prev && (in->id == 0 || in->prev_id != in->id - 1)) {
        /* ids grow by 1 along a chain, so linked cycles can never loop. */
        why = "the predecessor's id must be this cycle's id - 1";
        field = "prev";
    } else if (in->has_next && (in->id == UINT64_MAX || in->next_id != in->id + 1)) {
        why = "the successor's id must be this cycle's id + 1";
        field = "next";
    }
    if (why != NULL) {
        svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, field, "%s", why);
        return bad(kind, index, SVCM__PDCA_REC_CYCLE, 0);
    }
    for (size_t i = 0; i < in->n_actions; i++) {
        if (actions[i].description[0] == '\0' || (unsigned)actions[i].status > SVCM_ACTION_DROPPED) {
            svcm__error(err, SVCM_EFORMAT, i, "action", "empty description or bad status");
            return bad(kind, index, SVCM__PDCA_REC_ACTION, i);
        }
    }
    bool have[2] = {false, false};
    int64_t last[2] = {0, 0};
    size_t nb = 0, na = 0;
    for (size_t i = 0; i < in->n_samples; i++) {
        const svcm_pdca_sample *s = &samples[i];
        if (check_sample(in->rate, in->has_do_start, in->do_start, s, i, err) != SVCM_OK)
            return bad(kind, index, SVCM__PDCA_REC_SAMPLE, i);
        why = NULL;
        int k = s->baseline ? 1 : 0;
        if (!s->baseline && in->phase == SVCM_PDCA_PLAN)
            why = "an after sample in PLAN";
        else if (have[k] && s->t < last[k])
            why = "samples of one kind must be in time order";
        else if (s->has_counts && s->value != (double)s->successes / (double)s->trials)
            why = "the value must equal successes / trials";
        if (why != NULL) {
            svcm__error(err, SVCM_EFORMAT, i, "sample", "%s", why);
            return bad(kind, index, SVCM__PDCA_REC_SAMPLE, i);
        }
        have[k] = true;
        last[k] = s->t;
        if (s->baseline)
            nb++;
        else
            na++;
    }
    if (in->phase >= SVCM_PDCA_CHECK && (nb < 2 || na < 2)) {
        /* Entering CHECK took a successful Check and samples are never removed. */
        svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "phase",
                    "a cycle past DO needs at least 2 baseline and 2 after samples");
        return bad(kind, index, SVCM__PDCA_REC_CYCLE, 0);
    }
    for (size_t i = 0; i < in->n_audit; i++) {
        const svcm_pdca_audit *a = &audit[i];
        why = NULL;
        if (a->from != (svcm_pdca_phase)i || a->to != (svcm_pdca_phase)(i + 1))
            why = "transitions must go plan, do, check, act, closed in order";
        else if (i > 0 && a->at < audit[i - 1].at)
            why = "transition instants go back in time";
        else if (i == 0 && a->at != in->do_start)
            why = "the DO transition must happen at do-start";
        if (why != NULL) {
            svcm__error(err, SVCM_EFORMAT, i, "audit", "%s", why);
            return bad(kind, index, SVCM__PDCA_REC_AUDIT, i);
        }
    }
    if (check != NULL) {
        /* field: the text-format key holding the inconsistent value. */
        why = NULL;
        if (check->n_baseline != nb || check->n_after != na) {
            why = "the Check's sample counts disagree with the samples";
            field = "check-samples";
        } else if (check->limits.n != nb) {
            why = "the XmR limits must come from the baseline samples";
            field = "check-xmr";
        } else if (!(check->p_value >= 0.0 && check->p_value <= 1.0) ||
                   !(check->result.p_greater >= 0.0 && check->result.p_greater <= 1.0) ||
                   !(check->result.p_less >= 0.0 && check->result.p_less <= 1.0) ||
                   (unsigned)check->test > SVCM_PDCA_TEST_PROPORTIONS) {
            why = "p-value outside [0, 1] or unknown test";
            field = "check-test";
        } else if ((unsigned)check->verdict > SVCM_VERDICT_WORSE || check->alpha != in->alpha ||
                   check->significant != (check->p_value < check->alpha) ||
                   check->target_met != (in->higher_is_better ? check->after_mean >= in->target
                                                              : check->after_mean <= in->target) ||
                   check->verdict != verdict_of(in->higher_is_better, check)) {
            why = "verdict, alpha or significance disagree with the test and the cycle";
            field = "check-verdict";
        }
        if (why != NULL) {
            svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, field, "%s", why);
            return bad(kind, index, SVCM__PDCA_REC_CHECK, 0);
        }
        for (size_t i = 0; i < check->n_signals; i++) {
            const svcm_we_signal *s = &check->signals[i];
            bool order = i == 0 || s->index > check->signals[i - 1].index ||
                         (s->index == check->signals[i - 1].index &&
                          s->rule > check->signals[i - 1].rule);
            if (s->rule < 1 || s->rule > SVCM_WE_RULES || s->index >= na || !order) {
                svcm__error(err, SVCM_EFORMAT, i, "signal",
                            "bad rule, index beyond the after samples, or out of order");
                return bad(kind, index, SVCM__PDCA_REC_SIGNAL, i);
            }
        }
    }
    return SVCM_OK;
}

int svcm__cycle_assemble(const svcm_allocator *alloc, const svcm_cycle_info *in,
                         const svcm_pdca_action *actions, const svcm_pdca_sample *samples,
                         const svcm_pdca_audit *audit, const svcm_pdca_check *check,
                         svcm_cycle **out, int *bad_kind, size_t *bad_index, svcm_error *err)
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
    rc = cycle_create(&o, alloc, &c, err);
    if (rc != SVCM_OK)
        return rc;
    const svcm_allocator *a = &c->alloc;
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
    bool ok = true;
    if (in->has_prev)
        ok = (c->prev_title = dup_text(a, in->prev_title)) != NULL;
    if (ok && in->has_next)
        ok = (c->next_title = dup_text(a, in->next_title)) != NULL;
    c->actions = svcm__calloc(a, in->n_actions, sizeof *c->actions);
    c->samples = svcm__calloc(a, in->n_samples, sizeof *c->samples);
    c->audit = svcm__calloc(a, in->n_audit, sizeof *c->audit);
    ok = ok && c->actions && c->samples && c->audit;
    if (ok) {
        c->cap_actions = in->n_actions;
        c->cap_samples = in->n_samples;
        c->cap_audit = in->n_audit;
        for (size_t i = 0; i < in->n_actions && ok; i++) {
            action_rec *r = &c->actions[c->n_actions++];
            r->description = dup_text(a, actions[i].description);
            r->owner = dup_text(a, actions[i].owner);
            r->due = actions[i].due;
            r->status = actions[i].status;
            ok = r->description && r->owner;
        }
        if (in->n_samples > 0)
            memcpy(c->samples, samples, in->n_samples * sizeof *samples);
        c->n_samples = in->n_samples;
        for (size_t i = 0; i < in->n_audit && ok; i++) {
            audit_rec *r = &c->audit[c->n_audit++];
            r->at = audit[i].at;
            r->actor = dup_text(a, audit[i].actor);
            r->note = dup_text(a, audit[i].note);
            r->from = audit[i].from;
            r->to = audit[i].to;
            ok = r->actor && r->note;
        }
    }
    if (ok && check != NULL) {
        svcm_we_signal *sg = svcm__calloc(a, check->n_signals, sizeof *sg);
        if (sg == NULL) {
            ok = false;
        } else {
            if (check->n_signals > 0)
                memcpy(sg, check->signals, check->n_signals * sizeof *sg);
            svcm_pdca_check r = *check;
            memset(r.rule_count, 0, sizeof r.rule_count);
            for (size_t i = 0; i < r.n_signals; i++)
                r.rule_count[sg[i].rule - 1]++;
            store_check(c, &r, sg);
        }
    }
    if (!ok) {
        svcm_cycle_free(c);
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, NULL);
    }
    *out = c;
    return SVCM_OK;
}
