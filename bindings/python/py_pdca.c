/* Python binding of the PDCA engine: svcm.Cycle, svcm.western_electric,
 * svcm.xmr_limits. */
#include "svcmpy.h"
#include "gen_py.h"

#include "svcm/pdca.h"

/* Items of the engine tuple (XmrLimits, AuditEntry and Action are the
 * described records of bindings/api/pdca.py). */
enum {
    T_CYCLE,
    T_CHECK,
    T_SAMPLE,
    T_COUNT
};

typedef struct {
    PyObject_HEAD
    svcm_cycle *c;
    PyObject *next; /* the successor's Python object, or NULL */
    PyObject *prev; /* the predecessor's Python object, or NULL */
} CycleObject;

static PyTypeObject *engine_type(PyObject *module, int i)
{
    return (PyTypeObject *)svcmpy_engine_item(module, SVCMPY_PDCA, i);
}

/* ----------------------------------------------------------- records */

static PyStructSequence_Field check_fields[] = {
    {"verdict", "'improved', 'improved-target-missed', 'no-change' or 'worse'"},
    {"p_value", "two-sided p-value of the test"},
    {"change", "after mean - baseline mean"},
    {"relative_change", "change / |baseline mean| (nan when that is 0)"},
    {"target_met", "the after mean reaches the goal target"},
    {"significant", "p_value < alpha"},
    {"signals", "Western Electric signals: list of (rule, after-sample index)"},
    {"baseline_mean", "mean of the baseline samples (pooled proportion for rates)"},
    {"after_mean", "mean of the after samples"},
    {"n_baseline", "number of baseline samples"},
    {"n_after", "number of after samples"},
    {"test", "'welch' or 'proportions'"},
    {"statistic", "t or z"},
    {"df", "degrees of freedom (inf for z)"},
    {"ci", "(lo, hi) confidence interval of the change at 1 - alpha"},
    {"alpha", "significance level"},
    {"limits", "XmrLimits of the baseline samples"},
    {"rule_counts", "signals per rule 1..4"},
    {NULL, NULL},
};
static PyStructSequence_Desc check_desc = {"svcm.CheckResult", "Result of a PDCA Check.",
                                           check_fields, 18};

static PyStructSequence_Field sample_fields[] = {
    {"t", "instant"},
    {"value", "KPI value"},
    {"baseline", "taken before DO began"},
    {"successes", "successes, or None"},
    {"trials", "trials, or None"},
    {NULL, NULL},
};
static PyStructSequence_Desc sample_desc = {"svcm.Sample", "A PDCA measurement.",
                                            sample_fields, 5};

/* Fill a struct sequence from "N" items built by Py_BuildValue. */
static PyObject *record(PyTypeObject *tp, PyObject *items)
{
    if (items == NULL)
        return NULL;
    PyObject *r = PyStructSequence_New(tp);
    if (r == NULL) {
        Py_DECREF(items);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(items); i++)
        PyStructSequence_SET_ITEM(r, i, Py_NewRef(PyTuple_GET_ITEM(items, i)));
    Py_DECREF(items);
    return r;
}

static PyObject *signals_list(const svcm_we_signal *s, size_t n)
{
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (list == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        PyObject *t = Py_BuildValue("(in)", s[i].rule, (Py_ssize_t)s[i].index);
        if (t == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    return list;
}

/* western_electric()'s result: a table with columns rule (int) and index
 * (int64), whose rows are (rule, index) tuples. */
static PyObject *signal_row(PyObject *module, const void *rec)
{
    (void)module;
    const svcm_we_signal *s = rec;
    return Py_BuildValue("(in)", s->rule, (Py_ssize_t)s->index);
}
static const svcmpy_field signal_columns[] = {
    {"rule", offsetof(svcm_we_signal, rule), SVCMPY_INT, 'i'},
    {"index", offsetof(svcm_we_signal, index), SVCMPY_SIZE, 'q'},
};

static PyObject *check_record(PyObject *module, const struct svcm_cycle_check_result *r)
{
    PyObject *sig = signals_list(r->signals, r->n_signals);
    PyObject *lim = sig ? svcmpy_rec_XmrLimits(module, &r->limits) : NULL;
    if (lim == NULL) {
        Py_XDECREF(sig);
        return NULL;
    }
    return record(engine_type(module, T_CHECK),
                  Py_BuildValue("(sdddOONddnnsdd(dd)dN(nnnn))", svcm_pdca_verdict_name(r->verdict),
                                r->p_value, r->change, r->relative_change,
                                r->target_met ? Py_True : Py_False,
                                r->significant ? Py_True : Py_False, sig, r->baseline_mean,
                                r->after_mean, (Py_ssize_t)r->n_baseline,
                                (Py_ssize_t)r->n_after,
                                r->test == SVCM_PDCA_TEST_PROPORTIONS ? "proportions" : "welch",
                                r->result.statistic, r->result.df, r->result.ci.lo,
                                r->result.ci.hi, r->alpha, lim, (Py_ssize_t)r->rule_count[0],
                                (Py_ssize_t)r->rule_count[1], (Py_ssize_t)r->rule_count[2],
                                (Py_ssize_t)r->rule_count[3]));
}

/* ------------------------------------------------------------- Cycle */

static PyObject *raise(PyObject *self, int rc, const svcm_error *err)
{
    return svcmpy_raise_type(Py_TYPE(self), rc, err);
}

/* A new Cycle object of type tp owning c (freed on failure). */
static PyObject *wrap(PyTypeObject *tp, svcm_cycle *c)
{
    CycleObject *o = (CycleObject *)tp->tp_alloc(tp, 0);
    if (o == NULL) {
        svcm_cycle_free(c);
        return NULL;
    }
    o->c = c;
    o->next = NULL;
    o->prev = NULL;
    return (PyObject *)o;
}

static PyObject *Cycle_new(PyTypeObject *tp, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"title", "metric", "higher_is_better", "baseline", "target",
                             "deadline", "owner", "unit", "rate", "alpha", "id", NULL};
    const char *title, *metric, *owner = "", *unit = "";
    int higher = 1, rate = 0;
    PyObject *baseline = Py_None, *target = Py_None, *deadline = Py_None;
    double alpha = 0.05;
    PyObject *pid = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "ss|pOOO$sspdO:Cycle", kwlist, &title, &metric,
                                     &higher, &baseline, &target, &deadline, &owner, &unit,
                                     &rate, &alpha, &pid))
        return NULL;
    unsigned long long id = 1;
    if (pid != NULL) {
        id = PyLong_AsUnsignedLongLong(pid); /* OverflowError when negative */
        if (id == (unsigned long long)-1 && PyErr_Occurred())
            return NULL;
    }
    int given = (baseline != Py_None) + (target != Py_None) + (deadline != Py_None);
    if (given != 0 && given != 3) {
        PyErr_SetString(PyExc_TypeError, "Cycle: give baseline, target and deadline together");
        return NULL;
    }
    double b = 0, t = 0;
    long long d = 0;
    if (given == 3) {
        b = PyFloat_AsDouble(baseline);
        if (b == -1.0 && PyErr_Occurred())
            return NULL;
        t = PyFloat_AsDouble(target);
        if (t == -1.0 && PyErr_Occurred())
            return NULL;
        d = PyLong_AsLongLong(deadline);
        if (d == -1 && PyErr_Occurred())
            return NULL;
    }
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.id = (uint64_t)id;
    o.title = title;
    o.metric = metric;
    o.owner = owner;
    o.unit = unit;
    o.higher_is_better = higher != 0;
    o.rate = rate != 0;
    o.alpha = alpha;
    svcm_cycle *c = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_new(&o, NULL, &c, &err);
    if (rc == SVCM_OK && given == 3) {
        rc = svcm_cycle_set_goal(c, b, t, (int64_t)d, &err);
        if (rc != SVCM_OK) {
            svcm_cycle_free(c);
            c = NULL;
        }
    }
    if (rc != SVCM_OK)
        return svcmpy_raise_type(tp, rc, &err);
    return wrap(tp, c);
}

static int Cycle_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(((CycleObject *)self)->next);
    Py_VISIT(((CycleObject *)self)->prev);
    return 0;
}

static int Cycle_clear(PyObject *self)
{
    Py_CLEAR(((CycleObject *)self)->next);
    Py_CLEAR(((CycleObject *)self)->prev);
    return 0;
}

static void Cycle_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    Cycle_clear(self);
    svcm_cycle_free(((CycleObject *)self)->c);
    tp->tp_free(self);
    Py_DECREF(tp);
}

#define CYC(self) (((CycleObject *)(self))->c)

static struct svcm_cycle_result info_of(PyObject *self)
{
    struct svcm_cycle_result in;
    (void)svcm_cycle_result(CYC(self), &in);
    return in;
}

/* The latest instant the cycle knows: last audit entry or sample. */
static int64_t latest(PyObject *self)
{
    struct svcm_cycle_result in = info_of(self);
    int64_t t = INT64_MIN;
    svcm_pdca_audit a;
    if (in.n_audit > 0 && svcm_cycle_audit(CYC(self), in.n_audit - 1, &a) == SVCM_OK)
        t = a.at;
    for (size_t i = 0; i < in.n_samples; i++) {
        svcm_pdca_sample s;
        if (svcm_cycle_sample(CYC(self), i, &s) == SVCM_OK && s.t > t)
            t = s.t;
    }
    return t == INT64_MIN ? 0 : t;
}

/* Parse (now=None, actor=None, note="") into C values. */
static int when_who(PyObject *self, PyObject *args, PyObject *kw, const char *fname,
                    int64_t *now, const char **actor, const char **note)
{
    static char *kwlist[] = {"now", "actor", "note", NULL};
    PyObject *pnow = Py_None;
    const char *a = NULL;
    *note = "";
    char fmt[64];
    snprintf(fmt, sizeof fmt, "|Ozs:%s", fname);
    if (!PyArg_ParseTupleAndKeywords(args, kw, fmt, kwlist, &pnow, &a, note))
        return -1;
    if (pnow == Py_None) {
        *now = latest(self);
    } else {
        long long v = PyLong_AsLongLong(pnow);
        if (v == -1 && PyErr_Occurred())
            return -1;
        *now = (int64_t)v;
    }
    *actor = a != NULL ? a : info_of(self).owner;
    return 0;
}

PyDoc_STRVAR(set_goal_doc, "set_goal(baseline, target, deadline)\n\n"
                           "Set the SMART goal (PLAN only); target must beat baseline.");
static PyObject *Cycle_set_goal(PyObject *self, PyObject *args)
{
    double b, t;
    long long d;
    if (!PyArg_ParseTuple(args, "ddL:set_goal", &b, &t, &d))
        return NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_set_goal(CYC(self), b, t, (int64_t)d, &err);
    if (rc != SVCM_OK)
        return raise(self, rc, &err);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(add_action_doc, "add_action(description, owner='', due=0) -> int\n\n"
                             "Add an open action; returns its index.");
static PyObject *Cycle_add_action(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"description", "owner", "due", NULL};
    const char *desc, *owner = "";
    long long due = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "s|zL:add_action", kwlist, &desc, &owner, &due))
        return NULL;
    size_t idx = 0;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_add_action(CYC(self), desc, owner, (int64_t)due, &idx, &err);
    if (rc != SVCM_OK)
        return raise(self, rc, &err);
    return PyLong_FromSize_t(idx);
}

static int parse_status(const char *s, svcm_action_status *out)
{
    for (int i = 0; i <= SVCM_ACTION_STATUS_DROPPED; i++)
        if (strcmp(s, svcm_action_status_name(i)) == 0) {
            *out = (svcm_action_status)i;
            return 0;
        }
    PyErr_Format(PyExc_ValueError, "unknown action status '%s' (open, done, dropped)", s);
    return -1;
}

PyDoc_STRVAR(set_action_status_doc, "set_action_status(index, status)\n\n"
                                    "status is 'open', 'done' or 'dropped'.");
static PyObject *Cycle_set_action_status(PyObject *self, PyObject *args)
{
    Py_ssize_t idx;
    const char *st;
    if (!PyArg_ParseTuple(args, "ns:set_action_status", &idx, &st))
        return NULL;
    svcm_action_status status;
    if (parse_status(st, &status) < 0)
        return NULL;
    if (idx < 0) {
        PyErr_SetString(PyExc_IndexError, "action index must be >= 0");
        return NULL;
    }
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_set_action_status(CYC(self), (size_t)idx, status, &err);
    if (rc != SVCM_OK)
        return raise(self, rc, &err);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(overdue_doc, "overdue(as_of) -> list[int]\n\n"
                          "Indices of open actions due strictly before as_of.");
static PyObject *Cycle_overdue(PyObject *self, PyObject *arg)
{
    long long as_of = PyLong_AsLongLong(arg);
    if (as_of == -1 && PyErr_Occurred())
        return NULL;
    size_t n = 0;
    (void)svcm_cycle_overdue(CYC(self), (int64_t)as_of, NULL, 0, &n);
    size_t *idx = PyMem_Malloc(n > 0 ? n * sizeof *idx : 1);
    if (idx == NULL)
        return PyErr_NoMemory();
    int rc = svcm_cycle_overdue(CYC(self), (int64_t)as_of, idx, n, &n);
    PyObject *list = NULL;
    if (rc != SVCM_OK) {
        raise(self, rc, NULL);
    } else if ((list = PyList_New((Py_ssize_t)n)) != NULL) {
        for (size_t i = 0; i < n; i++) {
            PyObject *v = PyLong_FromSize_t(idx[i]);
            if (v == NULL) {
                Py_CLEAR(list);
                break;
            }
            PyList_SET_ITEM(list, (Py_ssize_t)i, v);
        }
    }
    PyMem_Free(idx);
    return list;
}

PyDoc_STRVAR(measure_doc,
             "measure(t, value, baseline=False, successes=None, trials=None)\n\n"
             "Record one KPI sample; with counts (rate KPIs) value is ignored.");
static PyObject *Cycle_measure(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"t", "value", "baseline", "successes", "trials", NULL};
    long long t;
    double value;
    int baseline = 0;
    PyObject *succ = Py_None, *trials = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "Ld|pOO:measure", kwlist, &t, &value, &baseline,
                                     &succ, &trials))
        return NULL;
    svcm_pdca_sample s = {(int64_t)t, value, baseline != 0, false, 0, 0};
    if ((succ == Py_None) != (trials == Py_None)) {
        PyErr_SetString(PyExc_TypeError, "measure: give successes and trials together");
        return NULL;
    }
    if (succ != Py_None) {
        unsigned long long a = PyLong_AsUnsignedLongLong(succ);
        if (a == (unsigned long long)-1 && PyErr_Occurred())
            return NULL;
        unsigned long long b = PyLong_AsUnsignedLongLong(trials);
        if (b == (unsigned long long)-1 && PyErr_Occurred())
            return NULL;
        s.has_counts = true;
        s.successes = a;
        s.trials = b;
    }
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_measure(CYC(self), &s, 1, &err);
    if (rc != SVCM_OK)
        return raise(self, rc, &err);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(measure_many_doc, "measure_many(times, values, baseline=False)\n\n"
                               "Record many samples of one kind at once; all or nothing.");
static PyObject *Cycle_measure_many(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"times", "values", "baseline", NULL};
    PyObject *pt, *pv;
    int baseline = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|p:measure_many", kwlist, &pt, &pv, &baseline))
        return NULL;
    svcmpy_array ts, vs;
    if (svcmpy_int64s(pt, &ts, "times") < 0)
        return NULL;
    if (svcmpy_doubles(pv, &vs, "values") < 0) {
        svcmpy_array_release(&ts);
        return NULL;
    }
    PyObject *ret = NULL;
    if (ts.n != vs.n) {
        PyErr_Format(PyExc_ValueError, "measure_many: %zd times but %zd values", ts.n, vs.n);
        goto done;
    }
    svcm_pdca_sample *s = PyMem_Calloc(ts.n > 0 ? (size_t)ts.n : 1, sizeof *s);
    if (s == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < ts.n; i++) {
        s[i].t = ((const int64_t *)ts.data)[i];
        s[i].value = ((const double *)vs.data)[i];
        s[i].baseline = baseline != 0;
    }
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_measure(CYC(self), s, (size_t)ts.n, &err);
    PyMem_Free(s);
    if (rc != SVCM_OK)
        raise(self, rc, &err);
    else
        ret = Py_NewRef(Py_None);
done:
    svcmpy_array_release(&ts);
    svcmpy_array_release(&vs);
    return ret;
}

PyDoc_STRVAR(start_doc, "start(now, actor='', note='')\n\nPLAN -> DO.");
static PyObject *Cycle_start(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"now", "actor", "note", NULL};
    long long now;
    const char *actor = "", *note = "";
    if (!PyArg_ParseTupleAndKeywords(args, kw, "L|zz:start", kwlist, &now, &actor, &note))
        return NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_start(CYC(self), (int64_t)now, actor, note, &err);
    if (rc != SVCM_OK)
        return raise(self, rc, &err);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(check_doc,
             "check(now=None, actor=None, note='') -> CheckResult\n\n"
             "Run the Check (DO -> CHECK, or a re-check in CHECK). now defaults to the\n"
             "latest instant the cycle knows, actor to the cycle's owner.");
static PyObject *Cycle_check(PyObject *self, PyObject *args, PyObject *kw)
{
    int64_t now;
    const char *actor, *note;
    if (when_who(self, args, kw, "check", &now, &actor, &note) < 0)
        return NULL;
    struct svcm_cycle_check_result r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_check(CYC(self), now, actor, note, &r, &err);
    if (rc != SVCM_OK)
        return raise(self, rc, &err);
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    return module ? check_record(module, &r) : NULL;
}

PyDoc_STRVAR(enter_act_doc, "enter_act(now=None, actor=None, note='')\n\nCHECK -> ACT.");
static PyObject *Cycle_enter_act(PyObject *self, PyObject *args, PyObject *kw)
{
    int64_t now;
    const char *actor, *note;
    if (when_who(self, args, kw, "enter_act", &now, &actor, &note) < 0)
        return NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_enter_act(CYC(self), now, actor, note, &err);
    if (rc != SVCM_OK)
        return raise(self, rc, &err);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(act_doc,
             "act(decision, now=None, actor=None, note='', *, target=None, deadline=None,\n"
             "    reason=None)\n\n"
             "The Act decision: 'standardize', 'adjust' or 'abandon' (note, or reason,\n"
             "is required). From CHECK the cycle first enters ACT. 'adjust'\n"
             "needs target and deadline and returns the next Cycle, which this cycle\n"
             "keeps as .next; the others return None.");
static PyObject *Cycle_act(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"decision", "now", "actor", "note", "target", "deadline", "reason",
                             NULL};
    const char *decision, *actor = NULL, *note = "", *reason = NULL;
    PyObject *pnow = Py_None, *ptarget = Py_None, *pdeadline = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "s|Ozs$OOz:act", kwlist, &decision, &pnow, &actor,
                                     &note, &ptarget, &pdeadline, &reason))
        return NULL;
    if (reason != NULL) /* reason= is note= under the name abandon uses */
        note = reason;
    int which = strcmp(decision, "standardize") == 0 ? 0
                : strcmp(decision, "adjust") == 0    ? 1
                : strcmp(decision, "abandon") == 0   ? 2
                                                     : -1;
    if (which < 0) {
        PyErr_Format(PyExc_ValueError,
                     "unknown decision '%s' (standardize, adjust, abandon)", decision);
        return NULL;
    }
    int64_t now = 0;
    if (pnow == Py_None) {
        now = latest(self);
    } else {
        long long v = PyLong_AsLongLong(pnow);
        if (v == -1 && PyErr_Occurred())
            return NULL;
        now = (int64_t)v;
    }
    struct svcm_cycle_result in = info_of(self);
    if (actor == NULL)
        actor = in.owner;
    double target = 0;
    long long deadline = 0;
    if (which == 1) {
        if (ptarget == Py_None || pdeadline == Py_None) {
            PyErr_SetString(PyExc_TypeError, "act('adjust') needs target and deadline");
            return NULL;
        }
        target = PyFloat_AsDouble(ptarget);
        if (target == -1.0 && PyErr_Occurred())
            return NULL;
        deadline = PyLong_AsLongLong(pdeadline);
        if (deadline == -1 && PyErr_Occurred())
            return NULL;
    }
    svcm_error err;
    svcm_error_clear(&err);
    if (which == 2 && note[0] == '\0') {
        err.code = SVCM_EINVAL;
        err.field = "reason";
        snprintf(err.message, sizeof err.message, "abandoning a cycle needs a reason (note)");
        return raise(self, SVCM_EINVAL, &err);
    }
    /* Validate the adjust target and id before leaving CHECK so that a
     * refused decision changes nothing. */
    struct svcm_cycle_check_result r;
    if (which == 1 && in.phase == SVCM_PDCA_PHASE_CHECK && svcm_cycle_check_result(CYC(self), &r) == SVCM_OK &&
        !(isfinite(target) && (in.higher_is_better ? target > r.after_mean : target < r.after_mean))) {
        err.code = SVCM_EINVAL;
        err.field = "target";
        snprintf(err.message, sizeof err.message,
                 "target must be finite and better than the new baseline %.17g", r.after_mean);
        return raise(self, SVCM_EINVAL, &err);
    }
    if (which == 1 && in.phase == SVCM_PDCA_PHASE_CHECK && in.id == UINT64_MAX) {
        err.code = SVCM_ERANGE;
        err.field = "id";
        snprintf(err.message, sizeof err.message, "no id left for the next cycle");
        return raise(self, SVCM_ERANGE, &err);
    }
    int rc = SVCM_OK;
    if (in.phase == SVCM_PDCA_PHASE_CHECK)
        rc = svcm_cycle_enter_act(CYC(self), now, actor, "", &err);
    if (rc != SVCM_OK)
        return raise(self, rc, &err);
    svcm_cycle *next = NULL;
    if (which == 0)
        rc = svcm_cycle_standardize(CYC(self), now, actor, note, &err);
    else if (which == 2)
        rc = svcm_cycle_abandon(CYC(self), now, actor, note, &err);
    else
        rc = svcm_cycle_adjust(CYC(self), now, actor, note, target, (int64_t)deadline, &next, &err);
    if (rc != SVCM_OK)
        return raise(self, rc, &err);
    if (next == NULL)
        Py_RETURN_NONE;
    PyObject *o = wrap(Py_TYPE(self), next);
    if (o == NULL)
        return NULL;
    Py_XSETREF(((CycleObject *)self)->next, Py_NewRef(o));
    ((CycleObject *)o)->prev = Py_NewRef(self);
    return o;
}

PyDoc_STRVAR(link_doc, "link(next)\n\nLink a loaded cycle to its recorded successor.");
static PyObject *Cycle_link(PyObject *self, PyObject *arg)
{
    if (!PyObject_TypeCheck(arg, Py_TYPE(self))) {
        PyErr_SetString(PyExc_TypeError, "link: expected a Cycle");
        return NULL;
    }
    int rc = svcm_cycle_link(CYC(self), CYC(arg));
    if (rc != SVCM_OK)
        return raise(self, rc, NULL);
    Py_XSETREF(((CycleObject *)self)->next, Py_NewRef(arg));
    Py_XSETREF(((CycleObject *)arg)->prev, Py_NewRef(self));
    Py_RETURN_NONE;
}

PyDoc_STRVAR(save_doc, "save() -> str\n\nThe cycle in svcm's versioned text format.");
static PyObject *Cycle_save(PyObject *self, PyObject *unused)
{
    /* Try a generous guess first (one formatting pass less when it fits),
     * then the exact size. */
    struct svcm_cycle_result in = info_of(self);
    size_t cap = 4096 + 96 * (in.n_samples + in.n_actions + in.n_audit), len = 0;
    char *buf = PyMem_Malloc(cap);
    if (buf == NULL)
        return PyErr_NoMemory();
    int rc = svcm_cycle_format(CYC(self), buf, cap, &len);
    if (rc == SVCM_ENOSPC) {
        PyMem_Free(buf);
        buf = PyMem_Malloc(len + 1);
        if (buf == NULL)
            return PyErr_NoMemory();
        rc = svcm_cycle_format(CYC(self), buf, len + 1, &len);
    }
    PyObject *s = rc == SVCM_OK ? PyUnicode_DecodeUTF8(buf, (Py_ssize_t)len, "strict")
                                : raise(self, rc, NULL);
    PyMem_Free(buf);
    return s;
}

PyDoc_STRVAR(load_doc, "Cycle.load(text: str) -> Cycle\n\n"
                       "Load a saved cycle; FormatError names the line (index) and reason.");
static PyObject *Cycle_load(PyObject *cls, PyObject *arg)
{
    Py_ssize_t n = 0;
    const char *text = NULL;
    if (PyUnicode_Check(arg)) {
        text = PyUnicode_AsUTF8AndSize(arg, &n);
        if (text == NULL)
            return NULL;
    } else if (PyBytes_Check(arg)) {
        text = PyBytes_AS_STRING(arg);
        n = PyBytes_GET_SIZE(arg);
    } else {
        PyErr_SetString(PyExc_TypeError, "Cycle.load: expected str or bytes");
        return NULL;
    }
    svcm_cycle *c = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc;
    /* The text belongs to an immutable str/bytes kept alive by the caller,
     * and the new cycle to nobody else yet: the GIL is not needed. */
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_cycle_parse(text, (size_t)n, NULL, &c, &err);
    Py_END_ALLOW_THREADS
    if (rc != SVCM_OK)
        return svcmpy_raise_type((PyTypeObject *)cls, rc, &err);
    return wrap((PyTypeObject *)cls, c);
}

/* ----------------------------------------------------------- getters */

static PyObject *get_phase(PyObject *self, void *c)
{
    return PyUnicode_FromString(svcm_pdca_phase_name(info_of(self).phase));
}

static PyObject *get_outcome(PyObject *self, void *c)
{
    return PyUnicode_FromString(svcm_pdca_outcome_name(info_of(self).outcome));
}

static PyObject *get_id(PyObject *self, void *c)
{
    return PyLong_FromUnsignedLongLong(info_of(self).id);
}

/* String fields by offset in struct svcm_cycle_result. */
static PyObject *get_text(PyObject *self, void *closure)
{
    struct svcm_cycle_result in = info_of(self);
    const char *s = *(const char *const *)((const char *)&in + (size_t)closure);
    return PyUnicode_FromString(s);
}

static PyObject *get_higher(PyObject *self, void *c)
{
    return PyBool_FromLong(info_of(self).higher_is_better);
}

static PyObject *get_rate(PyObject *self, void *c) { return PyBool_FromLong(info_of(self).rate); }

static PyObject *get_alpha(PyObject *self, void *c)
{
    return PyFloat_FromDouble(info_of(self).alpha);
}

static PyObject *get_goal(PyObject *self, void *c)
{
    struct svcm_cycle_result in = info_of(self);
    if (!in.has_goal)
        Py_RETURN_NONE;
    return Py_BuildValue("(ddL)", in.baseline, in.target, (long long)in.deadline);
}

static PyObject *get_do_start(PyObject *self, void *c)
{
    struct svcm_cycle_result in = info_of(self);
    if (!in.has_do_start)
        Py_RETURN_NONE;
    return PyLong_FromLongLong((long long)in.do_start);
}

static PyObject *get_predecessor(PyObject *self, void *c)
{
    struct svcm_cycle_result in = info_of(self);
    if (!in.has_prev)
        Py_RETURN_NONE;
    return Py_BuildValue("(Ks)", (unsigned long long)in.prev_id, in.prev_title);
}

static PyObject *get_successor(PyObject *self, void *c)
{
    struct svcm_cycle_result in = info_of(self);
    if (!in.has_next)
        Py_RETURN_NONE;
    return Py_BuildValue("(Ks)", (unsigned long long)in.next_id, in.next_title);
}

/* The linked neighbour's object, checked against the C link. */
static PyObject *get_next(PyObject *self, void *c)
{
    PyObject *n = ((CycleObject *)self)->next;
    if (n == NULL || svcm_cycle_next(CYC(self)) != CYC(n))
        Py_RETURN_NONE;
    return Py_NewRef(n);
}

static PyObject *get_prev(PyObject *self, void *c)
{
    PyObject *p = ((CycleObject *)self)->prev;
    if (p == NULL || svcm_cycle_prev(CYC(self)) != CYC(p))
        Py_RETURN_NONE;
    return Py_NewRef(p);
}

static PyObject *get_result(PyObject *self, void *c)
{
    struct svcm_cycle_check_result r;
    if (svcm_cycle_check_result(CYC(self), &r) != SVCM_OK)
        Py_RETURN_NONE;
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    return module ? check_record(module, &r) : NULL;
}

static PyObject *get_audit(PyObject *self, void *c)
{
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL)
        return NULL;
    struct svcm_cycle_result in = info_of(self);
    PyObject *list = PyList_New((Py_ssize_t)in.n_audit);
    for (size_t i = 0; list != NULL && i < in.n_audit; i++) {
        svcm_pdca_audit a;
        (void)svcm_cycle_audit(CYC(self), i, &a);
        PyObject *r = svcmpy_rec_AuditEntry(module, &a);
        if (r == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, r);
    }
    return list;
}

static PyObject *get_actions(PyObject *self, void *c)
{
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL)
        return NULL;
    struct svcm_cycle_result in = info_of(self);
    PyObject *list = PyList_New((Py_ssize_t)in.n_actions);
    for (size_t i = 0; list != NULL && i < in.n_actions; i++) {
        svcm_pdca_action a;
        (void)svcm_cycle_action(CYC(self), i, &a);
        PyObject *r = svcmpy_rec_Action(module, &a);
        if (r == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, r);
    }
    return list;
}

static PyObject *get_samples(PyObject *self, void *c)
{
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL)
        return NULL;
    struct svcm_cycle_result in = info_of(self);
    PyObject *list = PyList_New((Py_ssize_t)in.n_samples);
    for (size_t i = 0; list != NULL && i < in.n_samples; i++) {
        svcm_pdca_sample s;
        (void)svcm_cycle_sample(CYC(self), i, &s);
        PyObject *items =
            s.has_counts
                ? Py_BuildValue("(LdOKK)", (long long)s.t, s.value, s.baseline ? Py_True : Py_False,
                                (unsigned long long)s.successes, (unsigned long long)s.trials)
                : Py_BuildValue("(LdOOO)", (long long)s.t, s.value, s.baseline ? Py_True : Py_False,
                                Py_None, Py_None);
        PyObject *r = record(engine_type(module, T_SAMPLE), items);
        if (r == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, r);
    }
    return list;
}

/* ------------------------------------------------- 5W2H problem record */

PyDoc_STRVAR(set_problem_doc,
    "set_problem(*, what=None, why=None, who=None, when=None, where=None, how=None,\n"
    "            how_much=None, how_much_unit=None)\n\n"
    "Attach or replace the cycle's 5W2H problem record (PLAN only; items not\n"
    "given are missing, how_much None is a missing amount). The record may be\n"
    "incomplete: check_problem() requires it complete. Bad text or an\n"
    "infinite how_much raise InvalidInput naming the item; outside PLAN\n"
    "raises StateError.");
static PyObject *Cycle_set_problem(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"what", "why", "who", "when", "where", "how", "how_much",
                             "how_much_unit", NULL};
    svcm_problem p;
    memset(&p, 0, sizeof p);
    PyObject *amount = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|$zzzzzzOz:set_problem", kwlist, &p.what, &p.why,
                                     &p.who, &p.when, &p.where, &p.how, &amount,
                                     &p.how_much_unit))
        return NULL;
    p.how_much = NAN;
    if (amount != Py_None) {
        p.how_much = PyFloat_AsDouble(amount);
        if (p.how_much == -1.0 && PyErr_Occurred())
            return NULL;
        if (p.how_much != p.how_much) {
            PyErr_SetString(PyExc_ValueError, "how_much: NaN; pass None for a missing amount");
            return NULL;
        }
    }
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_set_problem(CYC(self), &p, &err);
    if (rc != SVCM_OK)
        return raise(self, rc, &err);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(remove_problem_doc, "remove_problem()\n\n"
                                 "Remove the 5W2H problem record (PLAN only).");
static PyObject *Cycle_remove_problem(PyObject *self, PyObject *unused)
{
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_set_problem(CYC(self), NULL, &err);
    if (rc != SVCM_OK)
        return raise(self, rc, &err);
    Py_RETURN_NONE;
}

/* The cycle's record, or an empty one (all missing) when it has none. */
static void problem_or_empty(PyObject *self, svcm_problem *p, int *present)
{
    *present = svcm_cycle_problem(CYC(self), p) == SVCM_OK;
    if (!*present) {
        memset(p, 0, sizeof *p);
        p->how_much = NAN;
    }
}

PyDoc_STRVAR(check_problem_doc,
    "check_problem()\n\n"
    "Require a complete 5W2H record: returns None when all seven items are\n"
    "present, else raises InvalidInput whose field is the first missing item\n"
    "('what' .. 'how_much') and whose message lists them all (no record:\n"
    "all seven). See problem_missing for the list itself.");
static PyObject *Cycle_check_problem(PyObject *self, PyObject *unused)
{
    svcm_problem p;
    int present;
    problem_or_empty(self, &p, &present);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_problem_check(&p, &err);
    if (rc != SVCM_OK)
        return raise(self, rc, &err);
    Py_RETURN_NONE;
}

static PyObject *get_problem(PyObject *self, void *c)
{
    svcm_problem p;
    if (svcm_cycle_problem(CYC(self), &p) != SVCM_OK)
        Py_RETURN_NONE;
    PyObject *amount = p.how_much != p.how_much ? Py_NewRef(Py_None)
                                                : PyFloat_FromDouble(p.how_much);
    if (amount == NULL)
        return NULL;
    return Py_BuildValue("{s:s,s:s,s:s,s:s,s:s,s:s,s:N,s:s}", "what", p.what, "why", p.why,
                         "who", p.who, "when", p.when, "where", p.where, "how", p.how,
                         "how_much", amount, "how_much_unit", p.how_much_unit);
}

static PyObject *get_problem_missing(PyObject *self, void *c)
{
    svcm_problem p;
    int present;
    problem_or_empty(self, &p, &present);
    unsigned m = svcm_problem_missing(&p);
    PyObject *list = PyList_New(0);
    if (list == NULL)
        return NULL;
    for (int i = 0; i < SVCM_PROBLEM_ITEM_COUNT; i++) {
        if (!(m & (1u << i)))
            continue;
        PyObject *s = PyUnicode_FromString(svcm_problem_item_name(1 << i));
        if (s == NULL || PyList_Append(list, s) < 0) {
            Py_XDECREF(s);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(s);
    }
    return list;
}

#define TEXT_FIELD(name) ((void *)offsetof(struct svcm_cycle_result, name))

static PyGetSetDef Cycle_getset[] = {
    {"phase", get_phase, NULL, "'plan', 'do', 'check', 'act' or 'closed'", NULL},
    {"outcome", get_outcome, NULL, "'none', 'standardized', 'adjusted' or 'abandoned'", NULL},
    {"id", get_id, NULL, "the cycle's id", NULL},
    {"title", get_text, NULL, "title", TEXT_FIELD(title)},
    {"owner", get_text, NULL, "owner", TEXT_FIELD(owner)},
    {"metric", get_text, NULL, "KPI name", TEXT_FIELD(metric)},
    {"unit", get_text, NULL, "KPI unit", TEXT_FIELD(unit)},
    {"higher_is_better", get_higher, NULL, "KPI direction", NULL},
    {"rate", get_rate, NULL, "the KPI is a rate", NULL},
    {"alpha", get_alpha, NULL, "significance level", NULL},
    {"goal", get_goal, NULL, "(baseline, target, deadline) or None", NULL},
    {"do_start", get_do_start, NULL, "when DO began, or None", NULL},
    {"predecessor", get_predecessor, NULL, "(id, title) of the predecessor, or None", NULL},
    {"successor", get_successor, NULL, "(id, title) of the successor, or None", NULL},
    {"next", get_next, NULL, "the successor Cycle created by act('adjust') or link(), or None",
     NULL},
    {"prev", get_prev, NULL, "the predecessor Cycle (after act('adjust') or link()), or None",
     NULL},
    {"result", get_result, NULL, "the current CheckResult, or None", NULL},
    {"audit", get_audit, NULL, "list of AuditEntry", NULL},
    {"actions", get_actions, NULL, "list of Action", NULL},
    {"samples", get_samples, NULL, "list of Sample", NULL},
    {"problem", get_problem, NULL,
     "the 5W2H problem record as a dict (what, why, who, when, where, how: str, '' when "
     "missing; how_much: float or None; how_much_unit: str), or None",
     NULL},
    {"problem_missing", get_problem_missing, NULL,
     "names of the 5W2H items missing, in 5W2H order ([] when complete; all seven without a "
     "record)",
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef Cycle_methods[] = {
    {"set_goal", Cycle_set_goal, METH_VARARGS, set_goal_doc},
    {"add_action", (PyCFunction)(void (*)(void))Cycle_add_action, METH_VARARGS | METH_KEYWORDS,
     add_action_doc},
    {"set_action_status", Cycle_set_action_status, METH_VARARGS, set_action_status_doc},
    {"overdue", Cycle_overdue, METH_O, overdue_doc},
    {"measure", (PyCFunction)(void (*)(void))Cycle_measure, METH_VARARGS | METH_KEYWORDS,
     measure_doc},
    {"measure_many", (PyCFunction)(void (*)(void))Cycle_measure_many,
     METH_VARARGS | METH_KEYWORDS, measure_many_doc},
    {"start", (PyCFunction)(void (*)(void))Cycle_start, METH_VARARGS | METH_KEYWORDS, start_doc},
    {"check", (PyCFunction)(void (*)(void))Cycle_check, METH_VARARGS | METH_KEYWORDS, check_doc},
    {"enter_act", (PyCFunction)(void (*)(void))Cycle_enter_act, METH_VARARGS | METH_KEYWORDS,
     enter_act_doc},
    {"act", (PyCFunction)(void (*)(void))Cycle_act, METH_VARARGS | METH_KEYWORDS, act_doc},
    {"link", Cycle_link, METH_O, link_doc},
    {"set_problem", (PyCFunction)(void (*)(void))Cycle_set_problem, METH_VARARGS | METH_KEYWORDS,
     set_problem_doc},
    {"remove_problem", Cycle_remove_problem, METH_NOARGS, remove_problem_doc},
    {"check_problem", Cycle_check_problem, METH_NOARGS, check_problem_doc},
    {"save", Cycle_save, METH_NOARGS, save_doc},
    {"load", Cycle_load, METH_O | METH_CLASS, load_doc},
    SVCMPY_REDUCE_METHOD,
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(Cycle_doc,
             "Cycle(title, metric, higher_is_better=True, baseline=None, target=None,\n"
             "      deadline=None, *, owner='', unit='', rate=False, alpha=0.05, id=1)\n\n"
             "A Plan-Do-Check-Act improvement cycle on one KPI. Give baseline, target\n"
             "and deadline together to set the SMART goal (or call set_goal later).");

static PyObject *Cycle_repr(PyObject *self)
{
    struct svcm_cycle_result in = info_of(self);
    PyObject *title = PyUnicode_FromString(in.title);
    if (title == NULL)
        return NULL;
    PyObject *r = PyUnicode_FromFormat("<svcm.Cycle %llu %R %s>", (unsigned long long)in.id,
                                       title, svcm_pdca_phase_name(in.phase));
    Py_DECREF(title);
    return r;
}

static PyType_Slot Cycle_slots[] = {
    {Py_tp_repr, Cycle_repr},
    {Py_tp_new, Cycle_new},
    {Py_tp_dealloc, Cycle_dealloc},
    {Py_tp_traverse, Cycle_traverse},
    {Py_tp_clear, Cycle_clear},
    {Py_tp_methods, Cycle_methods},
    {Py_tp_getset, Cycle_getset},
    {Py_tp_doc, (void *)Cycle_doc},
    {0, NULL},
};

static PyType_Spec Cycle_spec = {
    .name = "svcm.Cycle",
    .basicsize = sizeof(CycleObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = Cycle_slots,
};

/* --------------------------------------------------------- functions */

PyDoc_STRVAR(we_doc, "western_electric(values, mean, sigma) -> svcm.Table\n\n"
                     "Western Electric rules 1-4: (rule, index) at the point completing\n"
                     "each pattern, ordered by index then rule, as a table with the columns\n"
                     "rule (int) and index (int64) whose rows are (rule, index) tuples.");
static PyObject *py_western_electric(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"values", "mean", "sigma", NULL};
    PyObject *pv;
    double mean, sigma;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "Odd:western_electric", kwlist, &pv, &mean,
                                     &sigma))
        return NULL;
    svcmpy_array v;
    if (svcmpy_doubles(pv, &v, "values") < 0)
        return NULL;
    size_t cap = (size_t)v.n * SVCM_WE_RULES;
    svcm_we_signal *out = PyMem_Malloc(cap > 0 ? cap * sizeof *out : 1);
    PyObject *ret = NULL;
    if (out == NULL) {
        PyErr_NoMemory();
    } else {
        size_t n = 0;
        svcm_error err;
        svcm_error_clear(&err);
        int rc;
        Py_BEGIN_ALLOW_THREADS
        rc = svcm_western_electric(v.data, (size_t)v.n, mean, sigma, out, cap, &n, &err);
        Py_END_ALLOW_THREADS
        ret = rc == SVCM_OK ? svcmpy_table_from_records(module, out, sizeof *out, (Py_ssize_t)n,
                                                        signal_columns, 2, signal_row)
                            : svcmpy_raise(module, rc, &err);
    }
    PyMem_Free(out);
    svcmpy_array_release(&v);
    return ret;
}

PyDoc_STRVAR(xmr_doc, "xmr_limits(values) -> XmrLimits\n\n"
                      "Individuals chart: centre, MRbar, sigma = MRbar / 1.128, UCL, LCL.");
static PyObject *py_xmr_limits(PyObject *module, PyObject *arg)
{
    svcmpy_array v;
    if (svcmpy_doubles(arg, &v, "values") < 0)
        return NULL;
    svcm_xmr x;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_xmr_limits(v.data, (size_t)v.n, &x, &err);
    svcmpy_array_release(&v);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, &err);
    return svcmpy_rec_XmrLimits(module, &x);
}

static PyMethodDef pdca_functions[] = {
    {"western_electric", (PyCFunction)(void (*)(void))py_western_electric,
     METH_VARARGS | METH_KEYWORDS, we_doc},
    {"xmr_limits", py_xmr_limits, METH_O, xmr_doc},
    {NULL, NULL, 0, NULL},
};

int svcmpy_init_pdca(PyObject *module)
{
    if (PyModule_AddFunctions(module, pdca_functions) < 0)
        return -1;
    PyObject *t[T_COUNT] = {NULL};
    t[T_CYCLE] = PyType_FromModuleAndSpec(module, &Cycle_spec, NULL);
    t[T_CHECK] = (PyObject *)PyStructSequence_NewType(&check_desc);
    t[T_SAMPLE] = (PyObject *)PyStructSequence_NewType(&sample_desc);
    PyObject *tuple = NULL;
    for (int i = 0; i < T_COUNT; i++)
        if (t[i] == NULL)
            goto fail;
    if (PyModule_AddObjectRef(module, "Cycle", t[T_CYCLE]) < 0 ||
        PyModule_AddObjectRef(module, "CheckResult", t[T_CHECK]) < 0 ||
        PyModule_AddObjectRef(module, "Sample", t[T_SAMPLE]) < 0)
        goto fail;
    tuple = PyTuple_New(T_COUNT);
    if (tuple == NULL)
        goto fail;
    for (int i = 0; i < T_COUNT; i++)
        PyTuple_SET_ITEM(tuple, i, t[i]); /* steals */
    return svcmpy_engine_set(module, SVCMPY_PDCA, tuple);
fail:
    for (int i = 0; i < T_COUNT; i++)
        Py_XDECREF(t[i]);
    return -1;
}
