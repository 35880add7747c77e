/* Python binding of the PDCA engine: the hand-written parts of svcm.Cycle
 * and svcm.western_electric (the rest is described in bindings/api/pdca.py). */
#include "svcmpy.h"
#include "gen_py.h"

#include "svcm/pdca.h"

/* Defined by the helper of bindings/api/pdca.py (generated into gen_py.c). */
int64_t svcm_pdcab_latest(const svcm_cycle *c);
int svcm_pdcab_act(svcm_cycle *c, int which, int64_t now, const char *actor, const char *note,
                   double target, int64_t deadline, svcm_cycle **next, svcm_error *err);

/* Items of the engine tuple (the other records and the methods of scalars
 * are described in bindings/api/pdca.py). */
enum {
    T_CYCLE,
    T_CHECK,
    T_COUNT
};

typedef struct {
    PyObject_HEAD
    svcm_cycle *c;
    PyObject *next; /* the successor's Python object, or NULL */
    PyObject *prev; /* the predecessor's Python object, or NULL */
} CycleObject;

#define CYC(self) (((CycleObject *)(self))->c)

/* The hooks of the described methods: they are all fast (they keep the
 * GIL), so nothing needs to be marked in use. */
svcm_cycle *svcmpy_enter_Cycle(PyObject *op) { return CYC(op); }
void svcmpy_leave_Cycle(PyObject *op) { (void)op; }

/* ----------------------------------------------------------- records */

static PyStructSequence_Field check_fields[] = {
    {"verdict", "'improved', 'improved-target-missed', 'no-change' or 'worse'"},
    {"p_value", "two-sided p-value of the test"},
    {"change", "after mean - baseline mean"},
    {"relative_change", "change / |baseline mean| (nan when that is 0)"},
    {"target_met", "the after mean reaches the goal target"},
    {"significant", "p_value < alpha"},
    {"signals", "Western Electric signals: list of Signal (rule, after-sample index)"},
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

static PyObject *check_record(PyObject *self, const struct svcm_cycle_check_result *r)
{
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL)
        return NULL;
    PyObject *sig = PyList_New((Py_ssize_t)r->n_signals);
    for (size_t i = 0; sig != NULL && i < r->n_signals; i++) {
        PyObject *s = svcmpy_rec_Signal(module, &r->signals[i]);
        if (s == NULL)
            Py_CLEAR(sig);
        else
            PyList_SET_ITEM(sig, (Py_ssize_t)i, s);
    }
    PyObject *lim = sig ? svcmpy_rec_XmrLimits(module, &r->limits) : NULL;
    if (lim == NULL) {
        Py_XDECREF(sig);
        return NULL;
    }
    PyObject *items = Py_BuildValue(
        "(sdddOONddnnsdd(dd)dN(nnnn))", svcm_pdca_verdict_name(r->verdict), r->p_value,
        r->change, r->relative_change, r->target_met ? Py_True : Py_False,
        r->significant ? Py_True : Py_False, sig, r->baseline_mean, r->after_mean,
        (Py_ssize_t)r->n_baseline, (Py_ssize_t)r->n_after,
        r->test == SVCM_PDCA_TEST_PROPORTIONS ? "proportions" : "welch", r->result.statistic,
        r->result.df, r->result.ci.lo, r->result.ci.hi, r->alpha, lim,
        (Py_ssize_t)r->rule_count[0], (Py_ssize_t)r->rule_count[1],
        (Py_ssize_t)r->rule_count[2], (Py_ssize_t)r->rule_count[3]);
    PyObject *o = items ? PyStructSequence_New(
                              (PyTypeObject *)svcmpy_engine_item(module, SVCMPY_PDCA, T_CHECK))
                        : NULL;
    for (Py_ssize_t i = 0; o != NULL && i < PyTuple_GET_SIZE(items); i++)
        PyStructSequence_SET_ITEM(o, i, Py_NewRef(PyTuple_GET_ITEM(items, i)));
    Py_XDECREF(items);
    return o;
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
    PyObject *module = svcmpy_module_of_type(tp);
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.owner = o.unit = "";
    int higher = 1, rate = 0;
    PyObject *pb = Py_None, *pt = Py_None, *pd = Py_None, *pid = NULL;
    if (module == NULL ||
        !PyArg_ParseTupleAndKeywords(args, kw, "ss|pOOO$sspdO:Cycle", kwlist, &o.title, &o.metric,
                                     &higher, &pb, &pt, &pd, &o.owner, &o.unit, &rate, &o.alpha,
                                     &pid))
        return NULL;
    o.higher_is_better = higher != 0;
    o.rate = rate != 0;
    if (pid != NULL) {
        unsigned long long id = PyLong_AsUnsignedLongLong(pid); /* OverflowError when < 0 */
        if (id == (unsigned long long)-1 && PyErr_Occurred())
            return NULL;
        o.id = (uint64_t)id;
    }
    int given = (pb != Py_None) + (pt != Py_None) + (pd != Py_None);
    if (given != 0 && given != 3) {
        PyErr_SetString(PyExc_TypeError, "Cycle: give baseline, target and deadline together");
        return NULL;
    }
    double b = 0, t = 0;
    int64_t d = 0;
    if (given == 3 && (svcmpy_arg_f64(module, pb, "baseline", &b) < 0 ||
                       svcmpy_arg_f64(module, pt, "target", &t) < 0 ||
                       svcmpy_arg_i64(module, pd, "deadline", &d) < 0))
        return NULL;
    svcm_cycle *c = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_new(&o, NULL, &c, &err);
    if (rc == SVCM_OK && given == 3 && (rc = svcm_cycle_set_goal(c, b, t, d, &err)) != SVCM_OK)
        svcm_cycle_free(c);
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

static struct svcm_cycle_result info_of(PyObject *self)
{
    struct svcm_cycle_result in;
    (void)svcm_cycle_result(CYC(self), &in);
    return in;
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

/* The defaults of check() and act(): now None is the latest instant the
 * cycle knows, actor None its owner. */
static int when_who(PyObject *self, PyObject *pnow, const char **actor, int64_t *now)
{
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    *now = svcm_pdcab_latest(CYC(self));
    if (*actor == NULL)
        *actor = info_of(self).owner;
    return module == NULL ? -1 : pnow == Py_None ? 0 : svcmpy_arg_i64(module, pnow, "?now", now);
}

PyDoc_STRVAR(check_doc,
             "check(now=None, actor=None, note='') -> CheckResult\n\n"
             "Run the Check (DO -> CHECK, or a re-check in CHECK). now defaults to the\n"
             "latest instant the cycle knows, actor to the cycle's owner.");
static PyObject *Cycle_check(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"now", "actor", "note", NULL};
    PyObject *pnow = Py_None;
    const char *actor = NULL, *note = "";
    int64_t now;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|Ozs:check", kwlist, &pnow, &actor, &note) ||
        when_who(self, pnow, &actor, &now) < 0)
        return NULL;
    struct svcm_cycle_check_result r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_check(CYC(self), now, actor, note, &r, &err);
    if (rc != SVCM_OK)
        return raise(self, rc, &err);
    return check_record(self, &r);
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
    static const char *const decisions[] = {"standardize", "adjust", "abandon", NULL};
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    PyObject *pdecision, *pnow = Py_None, *ptarget = Py_None, *pdeadline = Py_None;
    const char *actor = NULL, *note = "", *reason = NULL;
    int which;
    int64_t now, deadline = 0;
    double target = 0;
    if (module == NULL ||
        !PyArg_ParseTupleAndKeywords(args, kw, "O|Ozs$OOz:act", kwlist, &pdecision, &pnow,
                                     &actor, &note, &ptarget, &pdeadline, &reason) ||
        svcmpy_arg_choice(pdecision, "decision", decisions, &which) < 0 ||
        when_who(self, pnow, &actor, &now) < 0)
        return NULL;
    if (which == 1 && (ptarget == Py_None || pdeadline == Py_None)) {
        PyErr_SetString(PyExc_TypeError, "act('adjust') needs target and deadline");
        return NULL;
    }
    if (which == 1 && (svcmpy_arg_f64(module, ptarget, "target", &target) < 0 ||
                       svcmpy_arg_i64(module, pdeadline, "deadline", &deadline) < 0))
        return NULL;
    svcm_cycle *next = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    /* reason= is note= under the name abandon uses. */
    int rc = svcm_pdcab_act(CYC(self), which, now, actor, reason ? reason : note, target,
                            deadline, &next, &err);
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

/* The scalar properties of the cycle's view (fields of c:info() in Lua),
 * by closure. */
enum {
    P_OUTCOME, P_ID, P_TITLE, P_OWNER, P_METRIC, P_UNIT, P_HIGHER, P_RATE, P_ALPHA,
    P_GOAL, P_DO_START, P_PREDECESSOR, P_SUCCESSOR /* None when absent */
};

static PyObject *get_info(PyObject *self, void *closure)
{
    struct svcm_cycle_result in = info_of(self);
    switch ((intptr_t)closure) {
    case P_OUTCOME:
        return PyUnicode_FromString(svcm_pdca_outcome_name(in.outcome));
    case P_ID:
        return PyLong_FromUnsignedLongLong(in.id);
    case P_TITLE:
        return PyUnicode_FromString(in.title);
    case P_OWNER:
        return PyUnicode_FromString(in.owner);
    case P_METRIC:
        return PyUnicode_FromString(in.metric);
    case P_UNIT:
        return PyUnicode_FromString(in.unit);
    case P_HIGHER:
        return PyBool_FromLong(in.higher_is_better);
    case P_RATE:
        return PyBool_FromLong(in.rate);
    case P_ALPHA:
        return PyFloat_FromDouble(in.alpha);
    case P_GOAL:
        return in.has_goal ? Py_BuildValue("(ddL)", in.baseline, in.target, (long long)in.deadline)
                           : Py_NewRef(Py_None);
    case P_DO_START:
        return in.has_do_start ? PyLong_FromLongLong((long long)in.do_start) : Py_NewRef(Py_None);
    case P_PREDECESSOR:
        return in.has_prev ? Py_BuildValue("(Ks)", (unsigned long long)in.prev_id, in.prev_title)
                           : Py_NewRef(Py_None);
    default:
        return in.has_next ? Py_BuildValue("(Ks)", (unsigned long long)in.next_id, in.next_title)
                           : Py_NewRef(Py_None);
    }
}

/* The linked neighbour's object (closure 0: next, 1: prev), checked
 * against the C link. */
static PyObject *get_neighbour(PyObject *self, void *closure)
{
    PyObject *n = closure ? ((CycleObject *)self)->prev : ((CycleObject *)self)->next;
    svcm_cycle *linked = closure ? svcm_cycle_prev(CYC(self)) : svcm_cycle_next(CYC(self));
    if (n == NULL || linked != CYC(n))
        Py_RETURN_NONE;
    return Py_NewRef(n);
}

static PyObject *get_result(PyObject *self, void *c)
{
    struct svcm_cycle_check_result r;
    if (svcm_cycle_check_result(CYC(self), &r) != SVCM_OK)
        Py_RETURN_NONE;
    return check_record(self, &r);
}

/* The list getters' closures. */
enum { L_AUDIT, L_ACTIONS, L_SAMPLES };

/* The audit trail, the actions or the samples as a list of records. */
static PyObject *get_list(PyObject *self, void *closure)
{
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL)
        return NULL;
    int which = (int)(intptr_t)closure;
    struct svcm_cycle_result in = info_of(self);
    size_t n = which == L_AUDIT ? in.n_audit : which == L_ACTIONS ? in.n_actions : in.n_samples;
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list != NULL && i < n; i++) {
        svcm_pdca_audit a;
        svcm_pdca_action b;
        svcm_pdca_sample c;
        PyObject *r;
        if (which == L_AUDIT)
            r = svcm_cycle_audit(CYC(self), i, &a) ? NULL : svcmpy_rec_AuditEntry(module, &a);
        else if (which == L_ACTIONS)
            r = svcm_cycle_action(CYC(self), i, &b) ? NULL : svcmpy_rec_Action(module, &b);
        else
            r = svcm_cycle_sample(CYC(self), i, &c) ? NULL : svcmpy_rec_Sample(module, &c);
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
    if (svcm_cycle_problem(CYC(self), &p) != SVCM_OK) {
        memset(&p, 0, sizeof p); /* no record: every item missing */
        p.how_much = NAN;
    }
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

static PyGetSetDef Cycle_getset[] = {
    {"outcome", get_info, NULL, "'none', 'standardized', 'adjusted' or 'abandoned'",
     (void *)P_OUTCOME},
    {"id", get_info, NULL, "the cycle's id", (void *)P_ID},
    {"title", get_info, NULL, "title", (void *)P_TITLE},
    {"owner", get_info, NULL, "owner", (void *)P_OWNER},
    {"metric", get_info, NULL, "KPI name", (void *)P_METRIC},
    {"unit", get_info, NULL, "KPI unit", (void *)P_UNIT},
    {"higher_is_better", get_info, NULL, "KPI direction", (void *)P_HIGHER},
    {"rate", get_info, NULL, "the KPI is a rate", (void *)P_RATE},
    {"alpha", get_info, NULL, "significance level", (void *)P_ALPHA},
    {"goal", get_info, NULL, "(baseline, target, deadline) or None", (void *)P_GOAL},
    {"do_start", get_info, NULL, "when DO began, or None", (void *)P_DO_START},
    {"predecessor", get_info, NULL, "(id, title) of the predecessor, or None",
     (void *)P_PREDECESSOR},
    {"successor", get_info, NULL, "(id, title) of the successor, or None", (void *)P_SUCCESSOR},
    {"next", get_neighbour, NULL,
     "the successor Cycle created by act('adjust') or link(), or None", NULL},
    {"prev", get_neighbour, NULL,
     "the predecessor Cycle (after act('adjust') or link()), or None", (void *)1},
    {"result", get_result, NULL, "the current CheckResult, or None", NULL},
    {"audit", get_list, NULL, "list of AuditEntry", (void *)L_AUDIT},
    {"actions", get_list, NULL, "list of Action", (void *)L_ACTIONS},
    {"samples", get_list, NULL, "list of Sample", (void *)L_SAMPLES},
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
    {"overdue", Cycle_overdue, METH_O, overdue_doc},
    {"check", (PyCFunction)(void (*)(void))Cycle_check, METH_VARARGS | METH_KEYWORDS, check_doc},
    {"act", (PyCFunction)(void (*)(void))Cycle_act, METH_VARARGS | METH_KEYWORDS, act_doc},
    {"link", Cycle_link, METH_O, link_doc},
    {"set_problem", (PyCFunction)(void (*)(void))Cycle_set_problem, METH_VARARGS | METH_KEYWORDS,
     set_problem_doc},
    {"remove_problem", Cycle_remove_problem, METH_NOARGS, remove_problem_doc},
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
                     "rule (int) and index (int64) whose rows are Signal records.");
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
                                                        svcmpy_cols_Signal, SVCMPY_NCOLS_Signal,
                                                        svcmpy_rec_Signal)
                            : svcmpy_raise(module, rc, &err);
    }
    PyMem_Free(out);
    svcmpy_array_release(&v);
    return ret;
}

static PyMethodDef pdca_functions[] = {
    {"western_electric", (PyCFunction)(void (*)(void))py_western_electric,
     METH_VARARGS | METH_KEYWORDS, we_doc},
    {NULL, NULL, 0, NULL},
};

int svcmpy_init_pdca(PyObject *module)
{
    if (PyModule_AddFunctions(module, pdca_functions) < 0)
        return -1;
    PyObject *cycle = PyType_FromModuleAndSpec(module, &Cycle_spec, NULL);
    PyObject *check = cycle ? (PyObject *)PyStructSequence_NewType(&check_desc) : NULL;
    int rc = -1;
    if (check != NULL && svcmpy_members_Cycle(cycle) == 0 &&
        PyModule_AddObjectRef(module, "Cycle", cycle) == 0 &&
        PyModule_AddObjectRef(module, "CheckResult", check) == 0 &&
        svcmpy_engine_set(module, SVCMPY_PDCA, PyTuple_Pack(T_COUNT, cycle, check)) == 0)
        rc = 0;
    Py_XDECREF(cycle);
    Py_XDECREF(check);
    return rc;
}
