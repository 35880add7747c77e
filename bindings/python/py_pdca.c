/* Python binding of the PDCA engine: the hand-written parts of svcm.Cycle
 * and svcm.western_electric (the rest is described in bindings/api/pdca.py).
 * svcm.Cycle is the generated type's subclass that holds the Python objects
 * of its linked neighbours, so that c.next is c.next and a chain's middle
 * lives while a neighbour does. */
#include "svcmpy.h"
#include "gen_py.h"

#include "svcm/pdca.h"

/* Defined by the helper of bindings/api/pdca.py (generated into gen_py.c). */
int64_t svcm_pdcab_latest(const svcm_cycle *c);
int svcm_pdcab_act(svcm_cycle *c, int which, int64_t now, const char *actor, const char *note,
                   double target, int64_t deadline, svcm_cycle **next, svcm_error *err);

typedef struct {
    svcmpy_handle base;
    PyObject *next; /* the successor's Python object, or NULL */
    PyObject *prev; /* the predecessor's Python object, or NULL */
} CycleObject;

#define CYC(self) ((svcm_cycle *)((svcmpy_handle *)(self))->h)

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

/* The cycle of self, or NULL with StateError (not initialised). */
static svcm_cycle *cyc(PyObject *self) { return svcmpy_handle_ready(self); }

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
                              (PyTypeObject *)svcmpy_engine_item(module, SVCMPY_PDCA, 0))
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
    PyObject_GC_UnTrack(self);
    Cycle_clear(self);
    svcmpy_class_Cycle.dealloc(self); /* frees the cycle, the object and a type reference */
}

/* Link the Python objects a -> b (the C cycles are linked already). */
static void link_objects(PyObject *a, PyObject *b)
{
    Py_XSETREF(((CycleObject *)a)->next, Py_NewRef(b));
    Py_XSETREF(((CycleObject *)b)->prev, Py_NewRef(a));
}

PyDoc_STRVAR(overdue_doc, "overdue(as_of) -> list[int]\n\n"
                          "Indices of open actions due strictly before as_of.");
static PyObject *Cycle_overdue(PyObject *self, PyObject *arg)
{
    long long as_of = PyLong_AsLongLong(arg);
    svcm_cycle *c = as_of == -1 && PyErr_Occurred() ? NULL : cyc(self);
    if (c == NULL)
        return NULL;
    size_t n = 0;
    (void)svcm_cycle_overdue(c, (int64_t)as_of, NULL, 0, &n);
    size_t *idx = PyMem_Malloc(n > 0 ? n * sizeof *idx : 1);
    if (idx == NULL)
        return PyErr_NoMemory();
    int rc = svcm_cycle_overdue(c, (int64_t)as_of, idx, n, &n);
    PyObject *list = rc != SVCM_OK ? raise(self, rc, NULL) : PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list != NULL && i < n; i++) {
        PyObject *v = PyLong_FromSize_t(idx[i]);
        if (v == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, v);
    }
    PyMem_Free(idx);
    return list;
}

/* The defaults of check() and act(): now None is the latest instant the
 * cycle knows, actor None its owner. The cycle, or NULL with an exception. */
static svcm_cycle *when_who(PyObject *self, PyObject *pnow, const char **actor, int64_t *now)
{
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    struct svcm_cycle_result in;
    if (module == NULL || (pnow != Py_None && svcmpy_arg_i64(module, pnow, "?now", now) < 0))
        return NULL;
    svcm_cycle *c = cyc(self);
    if (c != NULL && pnow == Py_None)
        *now = svcm_pdcab_latest(c);
    if (c != NULL && *actor == NULL && svcm_cycle_result(c, &in) == SVCM_OK)
        *actor = in.owner;
    return c;
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
    svcm_cycle *c;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|Ozs:check", kwlist, &pnow, &actor, &note) ||
        (c = when_who(self, pnow, &actor, &now)) == NULL)
        return NULL;
    struct svcm_cycle_check_result r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_check(c, now, actor, note, &r, &err);
    return rc != SVCM_OK ? raise(self, rc, &err) : check_record(self, &r);
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
        svcmpy_arg_choice(pdecision, "decision", decisions, &which) < 0)
        return NULL;
    if (which == 1 && (ptarget == Py_None || pdeadline == Py_None)) {
        PyErr_SetString(PyExc_TypeError, "act('adjust') needs target and deadline");
        return NULL;
    }
    svcm_cycle *c;
    if ((which == 1 && (svcmpy_arg_f64(module, ptarget, "target", &target) < 0 ||
                        svcmpy_arg_i64(module, pdeadline, "deadline", &deadline) < 0)) ||
        (c = when_who(self, pnow, &actor, &now)) == NULL)
        return NULL;
    svcm_cycle *next = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    /* reason= is note= under the name abandon uses. */
    int rc = svcm_pdcab_act(c, which, now, actor, reason ? reason : note, target, deadline,
                            &next, &err);
    if (rc != SVCM_OK)
        return raise(self, rc, &err);
    if (next == NULL)
        Py_RETURN_NONE;
    PyObject *o = svcmpy_wrap_Cycle(module, next);
    if (o != NULL)
        link_objects(self, o);
    return o;
}

PyDoc_STRVAR(link_doc, "link(next)\n\nLink a loaded cycle to its recorded successor.");
static PyObject *Cycle_link(PyObject *self, PyObject *arg)
{
    if (!PyObject_TypeCheck(arg, Py_TYPE(self))) {
        PyErr_SetString(PyExc_TypeError, "link: expected a Cycle");
        return NULL;
    }
    svcm_cycle *a = cyc(self), *b = a != NULL ? cyc(arg) : NULL;
    if (b == NULL)
        return NULL;
    int rc = svcm_cycle_link(a, b);
    if (rc != SVCM_OK)
        return raise(self, rc, NULL);
    link_objects(self, arg);
    Py_RETURN_NONE;
}

/* ----------------------------------------------------------- getters */

/* The optional parts of the cycle's view (fields of c:info() in Lua), by
 * closure: None when absent. */
enum { P_GOAL, P_DO_START, P_PREDECESSOR, P_SUCCESSOR };

static PyObject *get_info(PyObject *self, void *closure)
{
    struct svcm_cycle_result in;
    svcm_cycle *c = cyc(self);
    if (c == NULL)
        return NULL;
    (void)svcm_cycle_result(c, &in);
    switch ((intptr_t)closure) {
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
    svcm_cycle *c = cyc(self);
    if (c == NULL)
        return NULL;
    svcm_cycle *linked = closure ? svcm_cycle_prev(c) : svcm_cycle_next(c);
    if (n == NULL || linked != CYC(n))
        Py_RETURN_NONE;
    return Py_NewRef(n);
}

static PyObject *get_result(PyObject *self, void *unused)
{
    struct svcm_cycle_check_result r;
    svcm_cycle *c = cyc(self);
    if (c == NULL)
        return NULL;
    if (svcm_cycle_check_result(c, &r) != SVCM_OK)
        Py_RETURN_NONE;
    return check_record(self, &r);
}

/* The list getters' closures. */
enum { L_AUDIT, L_ACTIONS, L_SAMPLES };

/* The audit trail, the actions or the samples as a list of records. */
static PyObject *get_list(PyObject *self, void *closure)
{
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    svcm_cycle *c = module != NULL ? cyc(self) : NULL;
    if (c == NULL)
        return NULL;
    int which = (int)(intptr_t)closure;
    struct svcm_cycle_result in;
    (void)svcm_cycle_result(c, &in);
    size_t n = which == L_AUDIT ? in.n_audit : which == L_ACTIONS ? in.n_actions : in.n_samples;
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list != NULL && i < n; i++) {
        svcm_pdca_audit a;
        svcm_pdca_action b;
        svcm_pdca_sample s;
        PyObject *r;
        if (which == L_AUDIT)
            r = svcm_cycle_audit(c, i, &a) ? NULL : svcmpy_rec_AuditEntry(module, &a);
        else if (which == L_ACTIONS)
            r = svcm_cycle_action(c, i, &b) ? NULL : svcmpy_rec_Action(module, &b);
        else
            r = svcm_cycle_sample(c, i, &s) ? NULL : svcmpy_rec_Sample(module, &s);
        if (r == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, r);
    }
    return list;
}

/* ------------------------------------------------- 5W2H problem record */

static PyObject *get_problem(PyObject *self, void *unused)
{
    svcm_problem p;
    svcm_cycle *c = cyc(self);
    PyObject *module = c ? svcmpy_module_of_type(Py_TYPE(self)) : NULL;
    if (module == NULL)
        return NULL;
    if (svcm_cycle_problem(c, &p) != SVCM_OK)
        Py_RETURN_NONE;
    return svcmpy_rec_Problem(module, &p);
}

static PyObject *get_problem_missing(PyObject *self, void *unused)
{
    svcm_problem p;
    svcm_cycle *c = cyc(self);
    if (c == NULL)
        return NULL;
    if (svcm_cycle_problem(c, &p) != SVCM_OK) {
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
    {NULL, NULL, 0, NULL},
};

/* svcm.Cycle: the generated type's subclass with the neighbours' objects. */
static PyType_Slot Cycle_slots[] = {
    {Py_tp_dealloc, Cycle_dealloc},
    {Py_tp_traverse, Cycle_traverse},
    {Py_tp_clear, Cycle_clear},
    {Py_tp_methods, Cycle_methods},
    {Py_tp_getset, Cycle_getset},
    {Py_tp_doc, NULL}, /* the generated type's, set by svcmpy_init_pdca */
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
    if (PyModule_AddFunctions(module, pdca_functions) < 0 ||
        svcmpy_add_Cycle(module, NULL, NULL) < 0)
        return -1;
    PyObject *base = PyObject_GetAttrString(module, "Cycle");
    if (base != NULL)
        Cycle_slots[5].pfunc = (void *)((PyTypeObject *)base)->tp_doc;
    PyObject *cycle = base ? PyType_FromModuleAndSpec(module, &Cycle_spec, base) : NULL;
    PyObject *check = cycle ? (PyObject *)PyStructSequence_NewType(&check_desc) : NULL;
    int rc = -1;
    if (check != NULL && PyModule_AddObjectRef(module, "Cycle", cycle) == 0 &&
        PyModule_AddObjectRef(module, "CheckResult", check) == 0 &&
        svcmpy_engine_set(module, SVCMPY_PDCA, PyTuple_Pack(1, check)) == 0)
        rc = 0;
    Py_XDECREF(base);
    Py_XDECREF(cycle);
    Py_XDECREF(check);
    return rc;
}
