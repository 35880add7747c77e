/* Python binding of the feedback engine: CSAT / NPS / CES accumulators and
 * one-shot functions, rates, period comparisons, SERVQUAL and consistency. */
#include "svcmpy.h"
#include "gen_py.h"

#include "svcm/kpi.h"

#include <stdlib.h>
#include <string.h>

/* Defined in the helper of bindings/api/feedback.py. */
extern const svcmpy_class svcmb_kg_class; /* svcm.KPIGroups on the managed runtime */
void svcmb_kg_dealloc(PyObject *op);
int svcmb_feedback_options(svcm_feedback_options *o, int kind, int high, int low, int top,
                           const char *conv, svcm_error *err);

/* Items of this engine's private tuple. */
enum {
    T_SERVQUAL_RESULT,
    T_KPI_GROUPS,
    T_COUNT
};

static PyTypeObject *engine_type(PyObject *module, int item)
{
    return (PyTypeObject *)svcmpy_engine_item(module, SVCMPY_FEEDBACK, item);
}

/* ------------------------------------------------------ result records */

static PyStructSequence_Field servqual_fields[] = {
    {"gaps", "{dimension: mean of perception - expectation}"},
    {"weighted", "sum of weight * gap"},
    {"unweighted", "mean of the five dimension gaps"},
    {"expectations", "{dimension: mean expectation}"},
    {"perceptions", "{dimension: mean perception}"},
    {"items", "{dimension: number of items}"},
    {"weights", "{dimension: weight used, normalised to sum 1}"},
    {NULL, NULL},
};
static PyStructSequence_Desc servqual_desc = {
    "svcm.ServqualResult", "SERVQUAL gap scores per dimension and in total.", servqual_fields,
    7};

/* ------------------------------------------------ feedback accumulators */

/* NPS, CSAT and CES are generated whole (bindings/api/feedback.py). */
static const svcmpy_class *const feedback_classes[] = {&svcmpy_class_NPS, &svcmpy_class_CSAT,
                                                       &svcmpy_class_CES};

/* The accumulator of obj for a call under the GIL, or NULL: with an
 * exception when it cannot be used, without when obj is no accumulator. */
static svcm_feedback *test_feedback(PyObject *obj)
{
    for (int i = 0; i < 3; i++)
        if (svcmpy_handle_is(obj, feedback_classes[i]))
            return svcmpy_handle_ready(obj);
    return NULL;
}

const svcm_feedback *svcmpy_feedback_of(PyObject *module, PyObject *obj)
{
    (void)module;
    svcm_feedback *f = test_feedback(obj);
    if (f == NULL && !PyErr_Occurred())
        PyErr_Format(PyExc_TypeError, "expected svcm.NPS, svcm.CSAT or svcm.CES, not %.100s",
                     Py_TYPE(obj)->tp_name);
    return f;
}

static PyObject *Feedback_get_counts(PyObject *self, void *closure)
{
    svcm_feedback *f = svcmpy_handle_ready(self);
    if (f == NULL)
        return NULL;
    uint64_t h[SVCM_FEEDBACK_MAX_LEVELS];
    svcm_feedback_options opts;
    svcm_feedback_get_options(f, &opts);
    (void)svcm_feedback_histogram(f, h, SVCM_FEEDBACK_MAX_LEVELS);
    size_t levels = (size_t)((int64_t)opts.high - opts.low + 1);
    PyObject *d = PyDict_New();
    for (size_t k = 0; d != NULL && k < levels; k++) {
        PyObject *key = PyLong_FromLong((long)opts.low + (long)k);
        PyObject *val = PyLong_FromUnsignedLongLong(h[k]);
        if (key == NULL || val == NULL || PyDict_SetItem(d, key, val) < 0)
            Py_CLEAR(d);
        Py_XDECREF(key);
        Py_XDECREF(val);
    }
    return d;
}

/* scale (closure NULL) or top_boxes. */
static PyObject *Feedback_get_scale(PyObject *self, void *closure)
{
    svcm_feedback_options opts;
    svcm_feedback *f = svcmpy_handle_ready(self);
    if (f == NULL)
        return NULL;
    svcm_feedback_get_options(f, &opts);
    if (closure == NULL)
        return Py_BuildValue("(ll)", (long)opts.low, (long)opts.high);
    if (opts.kind != SVCM_FEEDBACK_KIND_CSAT)
        Py_RETURN_NONE;
    return PyLong_FromUnsignedLong(opts.top_boxes);
}

static PyGetSetDef Feedback_getset[] = {
    {"counts", Feedback_get_counts, NULL, "{answer: count} for every level of the scale", NULL},
    {"scale", Feedback_get_scale, NULL, "(low, high) answers of the scale", NULL},
    {"top_boxes", Feedback_get_scale, NULL, "CSAT: levels counted as satisfied (else None)",
     "top_boxes"},
    {NULL, NULL, NULL, NULL, NULL},
};

/* ------------------------------------------------------------- SERVQUAL */

/* A dimension: its name or its number (0-4, checked in C, which names the
 * item). */
static int dimension_from(PyObject *item, int *out)
{
    int overflow = 0;
    for (int d = 0; PyUnicode_Check(item) && d < SVCM_SERVQUAL_DIMENSIONS; d++)
        if (PyUnicode_CompareWithASCIIString(item, svcm_servqual_dimension_name(d)) == 0)
            return *out = d, 0;
    long long v = PyLong_Check(item) ? PyLong_AsLongLongAndOverflow(item, &overflow) : -1;
    *out = overflow || v < 0 || v > 1000 ? -1 : (int)v;
    return PyLong_Check(item) ? 0 : -1;
}

static PyObject *dimension_dict(const double *v, const size_t *counts)
{
    PyObject *d = PyDict_New();
    for (int k = 0; d != NULL && k < SVCM_SERVQUAL_DIMENSIONS; k++) {
        PyObject *x = v ? PyFloat_FromDouble(v[k]) : PyLong_FromSize_t(counts[k]);
        if (x == NULL || PyDict_SetItemString(d, svcm_servqual_dimension_name(k), x) < 0)
            Py_CLEAR(d);
        Py_XDECREF(x);
    }
    return d;
}

PyDoc_STRVAR(servqual_doc,
             "servqual(expectations, perceptions, weights=None, dimensions=None) -> "
             "ServqualResult\n\nSERVQUAL gaps (perception - expectation) per dimension and "
             "weighted. Without dimensions the 22 items follow the standard mapping (1-4 "
             "tangibles, 5-9 reliability, 10-13 responsiveness, 14-17 assurance, 18-22 "
             "empathy); dimensions gives each item's dimension (name or 0-4). weights: five "
             "numbers in that order, or a {dimension: weight} dict; normalised.");
static PyObject *py_servqual(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"expectations", "perceptions", "weights", "dimensions", NULL};
    PyObject *pe, *pp, *pw = Py_None, *pd = Py_None, *seq = NULL, *result = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|OO:servqual", kwlist, &pe, &pp, &pw, &pd))
        return NULL;
    svcmpy_array e = {0}, p = {0}, wa = {0};
    int *dims = NULL, dict = PyDict_Check(pw);
    double w[SVCM_SERVQUAL_DIMENSIONS];
    Py_ssize_t known = 0, n = 0;
    if (svcmpy_doubles(pe, &e, "expectations") < 0 || svcmpy_doubles(pp, &p, "perceptions") < 0)
        goto done;
    if (e.n != p.n) {
        PyErr_Format(PyExc_ValueError, "servqual: %zd expectations but %zd perceptions", e.n,
                     p.n);
        goto done;
    }
    for (int d = 0; dict && d < SVCM_SERVQUAL_DIMENSIONS; d++) { /* {dimension: weight} */
        PyObject *x = PyDict_GetItemString(pw, svcm_servqual_dimension_name(d));
        known += x != NULL;
        if ((w[d] = x ? PyFloat_AsDouble(x) : 0.0) == -1.0 && PyErr_Occurred())
            goto done;
    }
    if (dict && known != PyDict_Size(pw)) {
        PyErr_SetString(PyExc_ValueError,
                        "servqual: weights has a key that is not a dimension name");
        goto done;
    }
    if (!dict && pw != Py_None) { /* five numbers */
        if (svcmpy_doubles(pw, &wa, "weights") < 0)
            goto done;
        if (wa.n != SVCM_SERVQUAL_DIMENSIONS) {
            PyErr_Format(PyExc_ValueError, "servqual: weights needs 5 values, got %zd", wa.n);
            goto done;
        }
        memcpy(w, wa.data, sizeof w);
    }
    if (pd != Py_None && (seq = svcmpy_snapshot(pd, "servqual: dimensions must be a sequence")) ==
                             NULL)
        goto done;
    n = seq != NULL ? PySequence_Fast_GET_SIZE(seq) : 0;
    if (seq != NULL && n != e.n) {
        PyErr_Format(PyExc_ValueError, "servqual: %zd dimensions for %zd items", n, e.n);
        goto done;
    }
    if (seq != NULL && (dims = PyMem_Malloc(n > 0 ? (size_t)n * sizeof *dims : 1)) == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    svcm_error err;
    svcm_error_clear(&err);
    for (Py_ssize_t i = 0; i < n; i++)
        if (dimension_from(PySequence_Fast_GET_ITEM(seq, i), &dims[i]) < 0) {
            err.index = (size_t)i;
            err.field = "dimension";
            snprintf(err.message, sizeof err.message, "expected a dimension name or 0-4");
            svcmpy_raise(module, SVCM_EINVAL, &err);
            goto done;
        }
    struct svcm_servqual_result r;
    int rc = svcm_servqual(e.data, p.data, (size_t)e.n, dims, pw == Py_None ? NULL : w, &r, &err);
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        goto done;
    }
    PyTypeObject *tp = engine_type(module, T_SERVQUAL_RESULT);
    if (tp == NULL)
        goto done;
    PyObject *items[7] = {
        dimension_dict(r.gap, NULL),       PyFloat_FromDouble(r.weighted),
        PyFloat_FromDouble(r.unweighted),  dimension_dict(r.expectation, NULL),
        dimension_dict(r.perception, NULL), dimension_dict(NULL, r.items),
        dimension_dict(r.weight, NULL),
    };
    result = PyStructSequence_New(tp);
    for (int k = 0; k < 7; k++) { /* the record steals its items */
        if (items[k] == NULL)
            Py_CLEAR(result);
        if (result != NULL)
            PyStructSequence_SetItem(result, k, items[k]);
        else
            Py_XDECREF(items[k]);
    }
done:
    svcmpy_array_release(&e);
    svcmpy_array_release(&p);
    svcmpy_array_release(&wa);
    Py_XDECREF(seq);
    PyMem_Free(dims);
    return result;
}

/* ---------------------------------------------------------- consistency */

PyDoc_STRVAR(fcr_repeats_doc,
             "fcr_repeats(customers, created, window, as_of=None) -> (Rate, list[str])\n\n"
             "First-contact resolution from repeat contacts: a ticket is 'resolved' when its "
             "customer (int ids) opens no other ticket within window seconds after it "
             "(created, Unix seconds; at one instant the later ticket is the repeat), "
             "'repeated' when one does, and 'undecided' (left out of the rate) when its window "
             "runs past as_of (default: the latest created instant). Returns the FCR Rate and "
             "the outcome of each ticket.");
static PyObject *py_fcr_repeats(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"customers", "created", "window", "as_of", NULL};
    static const char *const outcome_names[] = {"repeated", "resolved", "undecided"};
    PyObject *customers, *created, *as_of_obj = Py_None;
    long long window;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOL|O:fcr_repeats", kwlist, &customers,
                                     &created, &window, &as_of_obj))
        return NULL;
    svcmpy_array c = {0}, t = {0};
    PyObject *result = NULL, *list = NULL;
    uint8_t *outcome = NULL;
    if (svcmpy_int64s(customers, &c, "customers") < 0 || svcmpy_int64s(created, &t, "created") < 0)
        goto done;
    if (c.n != t.n) {
        PyErr_Format(PyExc_ValueError, "fcr_repeats: %zd customers but %zd created instants",
                     c.n, t.n);
        goto done;
    }
    const int64_t *tv = t.data;
    long long given = as_of_obj == Py_None ? INT64_MIN : PyLong_AsLongLong(as_of_obj);
    int64_t as_of = (int64_t)given; /* default: the latest instant */
    for (Py_ssize_t i = 0; as_of_obj == Py_None && i < t.n; i++)
        as_of = tv[i] > as_of ? tv[i] : as_of;
    if ((given == -1 && PyErr_Occurred()) ||
        (outcome = PyMem_Malloc(t.n ? (size_t)t.n : 1)) == NULL) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto done;
    }
    svcm_rate r, *h;
    svcm_error err;
    svcm_error_clear(&err);
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_fcr_repeats(c.data, tv, (size_t)t.n, (int64_t)window, as_of, NULL, outcome, &r,
                          &err);
    Py_END_ALLOW_THREADS
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        goto done;
    }
    PyObject *rate = (h = malloc(sizeof *h)) == NULL ? PyErr_NoMemory()
                                                     : (*h = r, svcmpy_wrap_Rate(module, h));
    list = rate == NULL ? NULL : PyList_New(t.n);
    for (Py_ssize_t i = 0; list != NULL && i < t.n; i++) {
        PyObject *name = PyUnicode_FromString(outcome_names[outcome[i]]);
        if (name == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, name);
    }
    result = list == NULL ? NULL : PyTuple_Pack(2, rate, list);
    Py_XDECREF(rate);
    Py_XDECREF(list);
done:
    PyMem_Free(outcome);
    svcmpy_array_release(&c);
    svcmpy_array_release(&t);
    return result;
}

PyDoc_STRVAR(consistency_doc,
             "consistency(values) -> ConsistencyResult\n\nMean, sample and population SD and "
             "coefficients of variation (SD / |mean|) of one KPI across channels (a sequence, "
             "buffer, or {channel: value} dict). OutOfRange when the mean is 0.");
static PyObject *py_consistency(PyObject *module, PyObject *values)
{
    PyObject *src = PyDict_Check(values) ? PyDict_Values(values) : Py_NewRef(values);
    svcmpy_array a;
    int ok = src == NULL ? -1 : svcmpy_doubles(src, &a, "values");
    Py_XDECREF(src);
    if (ok < 0)
        return NULL;
    struct svcm_consistency_result r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_consistency(a.data, (size_t)a.n, &r, &err);
    svcmpy_array_release(&a);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, &err);
    return svcmpy_rec_ConsistencyResult(module, &r);
}

/* ----------------------------------------------------------------- init */

static PyMethodDef feedback_functions[] = {
    {"servqual", (PyCFunction)(void (*)(void))py_servqual, METH_VARARGS | METH_KEYWORDS,
     servqual_doc},
    {"consistency", py_consistency, METH_O, consistency_doc},
    {"fcr_repeats", (PyCFunction)(void (*)(void))py_fcr_repeats, METH_VARARGS | METH_KEYWORDS,
     fcr_repeats_doc},
    {NULL, NULL, 0, NULL},
};

static PyObject *name_tuple(const char *(*name)(int), int count)
{
    PyObject *t = PyTuple_New(count);
    for (int i = 0; t != NULL && i < count; i++) {
        PyObject *s = PyUnicode_FromString(name(i));
        if (s == NULL) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, i, s);
    }
    return t;
}

/* --------------------------------------------------------- grouped KPIs */

/* svcm.KPIGroups wraps an svcm_kpi_groups: the same slots (NPS/CSAT/CES
 * answers, rates, durations, SLA counts) for every group key. */

/* Slot kind names, in the order of kg_kind_of(). */
/* Slot kinds, their setting keys and defaults (bindings/api/feedback.py). */
extern const char *const svcmb_slot_kinds[7];
extern const char *const svcmb_slot_keys[6][5];
void svcmb_slot_start(int k, svcm_kpi_slot *s);


/* Raise an svcm error (code rc, record index, field) from a KPIGroups method
 * or constructor. Returns NULL. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 5, 6)))
#endif
static PyObject *kg_raise(PyTypeObject *tp, int rc, size_t index, const char *field,
                          const char *fmt, ...);
static PyObject *kg_raise(PyTypeObject *tp, int rc, size_t index, const char *field,
                          const char *fmt, ...)
{
    svcm_error err;
    svcm_error_clear(&err);
    err.index = index;
    err.field = field;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err.message, sizeof err.message, fmt, ap);
    va_end(ap);
    return svcmpy_raise_type(tp, rc, &err);
}

#define kg_ready svcmpy_handle_ready

svcm_kpi_groups *svcmpy_enter_KPIGroups(PyObject *op) { return svcmpy_handle_enter(op); }
void svcmpy_leave_KPIGroups(PyObject *op) { svcmpy_handle_leave(op); }

/* ---- slot descriptions */

/* One setting of slot i, by its key (a convention name, a rate kind, a
 * number or an int in range); TypeError for a value of another type,
 * InvalidInput naming field and the slot for a bad one. */
static int kg_setting(PyTypeObject *tp, const char *key, PyObject *v, size_t i,
                      const char *field, svcm_kpi_slot *s)
{
    static const char *const wants[] = {"a rate kind", "a str", "a number", "an int"};
    svcm_feedback_options *f = &s->feedback;
    int t = strcmp(key, "kind") == 0                                    ? 0
            : strcmp(key, "method") == 0 || strcmp(key, "interval") == 0 ? 1
            : strcmp(key, "rel_err") == 0                                ? 2
                                                                         : 3;
    if ((t == 1 && !PyUnicode_Check(v)) || (t == 2 && !PyFloat_Check(v) && !PyLong_Check(v)) ||
        (t == 3 && !PyLong_Check(v))) {
        PyErr_Format(PyExc_TypeError, "slots[%zu]: %s must be %s, got %s", i, key, wants[t],
                     Py_TYPE(v)->tp_name);
        return -1;
    }
    if (t == 0) { /* a rate kind: its name or its number */
        const char *name = PyUnicode_Check(v) ? PyUnicode_AsUTF8(v) : NULL;
        long k = name == NULL && PyLong_Check(v) ? PyLong_AsLong(v) : -1;
        if (name == NULL && !PyErr_Occurred() && !PyLong_Check(v))
            PyErr_Format(PyExc_TypeError, "kind: expected a name such as 'fcr', got %s",
                         Py_TYPE(v)->tp_name);
        if (PyErr_Occurred())
            return -1;
        if (name != NULL ? svcm_rate_kind_parse(name, &s->rate) != SVCM_OK
                         : k < 0 || k >= SVCM_RATE_KIND_COUNT) {
            kg_raise(tp, SVCM_EINVAL, SVCM_NO_INDEX, "kind", "unknown rate kind '%.60s'",
                     name != NULL ? name : "(a number)");
            return -1;
        }
        s->rate = name != NULL ? s->rate : (svcm_rate_kind)k;
        return 0;
    }
    if (t == 1) { /* a convention of f's kind */
        const char *name = PyUnicode_AsUTF8(v);
        svcm_feedback_options c;
        svcm_error err;
        if (name == NULL)
            return -1;
        if (svcmb_feedback_options(&c, (int)f->kind, 0, 0, 0, name, &err) != SVCM_OK) {
            kg_raise(tp, SVCM_EINVAL, i, field, "unknown %s '%.40s'", key, name);
            return -1;
        }
        f->csat_method = c.csat_method;
        f->ces_method = c.ces_method;
        f->nps_interval = c.nps_interval;
        return 0;
    }
    if (t == 2) {
        s->sketch.rel_err = PyFloat_AsDouble(v);
        return s->sketch.rel_err == -1.0 && PyErr_Occurred() ? -1 : 0;
    }
    int overflow, scale = strcmp(key, "scale") == 0, low = strcmp(key, "low") == 0;
    long long lo = scale || low ? INT32_MIN : 0,
              hi = scale || low ? INT32_MAX
                   : strcmp(key, "top_boxes") == 0 ? (long long)UINT32_MAX
                                                   : (long long)PY_SSIZE_T_MAX;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (x == -1 && PyErr_Occurred())
        return -1;
    if (overflow || x < lo || x > hi) {
        kg_raise(tp, SVCM_EINVAL, i, field, "%s must be in %lld..%lld", key, lo, hi);
        return -1;
    }
    if (scale || low)
        *(scale ? &f->high : &f->low) = (int32_t)x;
    else if (strcmp(key, "top_boxes") == 0)
        f->top_boxes = (uint32_t)x;
    else
        *(strcmp(key, "max_buckets") == 0 ? &s->sketch.max_buckets : &s->sketch.exact_limit) =
            (size_t)x;
    return 0;
}

/* Slot i of kind k (an index into svcmb_slot_kinds) with its settings: None
 * or a dict of the keys of its kind; a rate slot also takes its kind alone. */
static int kg_make_slot(PyTypeObject *tp, int k, PyObject *d, size_t i, svcm_kpi_slot *s)
{
    const char *const *keys = svcmb_slot_keys[k];
    static const char *const field[] = {"slot.feedback", "slot.feedback", "slot.feedback",
                                        "slot.rate", "slot.sketch", "slot.kind"};
    svcmb_slot_start(k, s);
    if (d == Py_None)
        return 0;
    if (k == 3 && !PyDict_Check(d))
        return kg_setting(tp, "kind", d, i, field[k], s);
    if (!PyDict_Check(d)) {
        PyErr_Format(PyExc_TypeError, "slots[%zu]: %s settings must be a dict, got %s", i,
                     svcmb_slot_kinds[k], Py_TYPE(d)->tp_name);
        return -1;
    }
    Py_ssize_t known = 0;
    for (int j = 0; keys[j] != NULL; j++)
        known += PyDict_GetItemString(d, keys[j]) != NULL;
    if (known != PyDict_Size(d)) {
        kg_raise(tp, SVCM_EINVAL, i, field[k], "unknown setting for a %s slot",
                 svcmb_slot_kinds[k]);
        return -1;
    }
    for (int j = 0; keys[j] != NULL; j++) {
        PyObject *v = PyDict_GetItemString(d, keys[j]);
        if (v != NULL && kg_setting(tp, keys[j], v, i, field[k], s) < 0)
            return -1;
    }
    return 0;
}

/* Slot i from its description: "kind" or (kind,) or (kind, settings). */
static int kg_slot_from(PyTypeObject *tp, PyObject *item, size_t i, svcm_kpi_slot *s)
{
    PyObject *name = item, *settings = Py_None;
    if (PyTuple_Check(item) || PyList_Check(item)) {
        Py_ssize_t n = PySequence_Size(item);
        if (n < 1 || n > 2) {
            PyErr_Format(PyExc_TypeError, "slots[%zu]: expected (kind,) or (kind, settings)", i);
            return -1;
        }
        name = PySequence_GetItem(item, 0);
        settings = n == 2 ? PySequence_GetItem(item, 1) : Py_NewRef(Py_None);
        if (name == NULL || settings == NULL) {
            Py_XDECREF(name);
            Py_XDECREF(settings);
            return -1;
        }
    } else {
        Py_INCREF(name);
        Py_INCREF(settings);
    }
    int k = -1, rc = -1;
    if (!PyUnicode_Check(name)) {
        PyErr_Format(PyExc_TypeError, "slots[%zu]: expected a kind name such as 'nps', got %s",
                     i, Py_TYPE(name)->tp_name);
    } else {
        for (int j = 0; svcmb_slot_kinds[j] != NULL; j++)
            if (PyUnicode_CompareWithASCIIString(name, svcmb_slot_kinds[j]) == 0)
                k = j;
        if (k < 0)
            kg_raise(tp, SVCM_EINVAL, i, "slot.kind",
                     "unknown slot kind (nps, csat, ces, rate, durations, sla)");
        else
            rc = kg_make_slot(tp, k, settings, i, s);
    }
    Py_DECREF(name);
    Py_DECREF(settings);
    return rc;
}

static int KPIGroups_init(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"slots", NULL};
    PyObject *slots;
    PyTypeObject *tp = Py_TYPE(self);
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O:KPIGroups", kwlist, &slots))
        return -1;
    PyObject *seq = svcmpy_snapshot(slots, "KPIGroups: slots must be a sequence of slot "
                                           "descriptions");
    if (seq == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    svcm_kpi_slot s[SVCM_KPI_GROUPS_MAX_SLOTS];
    int bad = n < 1 || n > (Py_ssize_t)SVCM_KPI_GROUPS_MAX_SLOTS;
    if (bad)
        kg_raise(tp, SVCM_EINVAL, SVCM_NO_INDEX, "n_slots", "%zd slots, need 1..%u", n,
                 SVCM_KPI_GROUPS_MAX_SLOTS);
    for (Py_ssize_t i = 0; !bad && i < n; i++)
        bad = kg_slot_from(tp, PySequence_Fast_GET_ITEM(seq, i), (size_t)i, &s[i]) < 0;
    Py_DECREF(seq);
    if (bad)
        return -1;
    svcm_kpi_groups_options o;
    svcm_kpi_groups_options_init(&o);
    o.slots = s;
    o.n_slots = (size_t)n;
    svcm_kpi_groups *g;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_kpi_groups_new(&o, NULL, &g, &err);
    if (rc != SVCM_OK) {
        svcmpy_raise_type(tp, rc, &err);
        return -1;
    }
    return svcmpy_handle_set(self, g, &svcmb_kg_class);
}

/* The description of slot i, as the constructor takes it back. */
static PyObject *kg_slot_description(const svcm_kpi_slot *s)
{
    switch (s->kind) {
    case SVCM_KPI_SLOT_KIND_FEEDBACK: {
        const svcm_feedback_options *f = &s->feedback;
        const char *name = svcm_feedback_kind_name((int)f->kind);
        /* The convention is listed when it is not the default. */
        PyObject *t;
        if (f->kind == SVCM_FEEDBACK_KIND_CSAT)
            t = Py_BuildValue("(s{s:l,s:l,s:k})", name, "scale", (long)f->high, "low",
                              (long)f->low, "top_boxes", (unsigned long)f->top_boxes);
        else if (f->kind == SVCM_FEEDBACK_KIND_CES)
            t = Py_BuildValue("(s{s:l,s:l})", name, "scale", (long)f->high, "low",
                              (long)f->low);
        else
            t = Py_BuildValue("(s{})", name);
        int conv = f->kind == SVCM_FEEDBACK_KIND_CSAT  ? (int)f->csat_method
                   : f->kind == SVCM_FEEDBACK_KIND_CES ? (int)f->ces_method
                                                       : (int)f->nps_interval;
        if (t != NULL && conv != 0) {
            static const char *const names[3][3] = {
                {"top_box", "rated", "mean"}, {"wald", "adjusted"}, {"mean", "top", "index"}};
            PyObject *v = PyUnicode_FromString(names[f->kind][conv]);
            if (v == NULL ||
                PyDict_SetItemString(PyTuple_GET_ITEM(t, 1),
                                     f->kind == SVCM_FEEDBACK_KIND_NPS ? "interval" : "method",
                                     v) < 0)
                Py_CLEAR(t);
            Py_XDECREF(v);
        }
        return t;
    }
    case SVCM_KPI_SLOT_KIND_RATE:
        return Py_BuildValue("(s{s:s})", "rate", "kind", svcm_rate_kind_name((int)s->rate));
    case SVCM_KPI_SLOT_KIND_DURATIONS:
        return Py_BuildValue("(s{s:d,s:n,s:n})", "durations", "rel_err", s->sketch.rel_err,
                             "max_buckets", (Py_ssize_t)s->sketch.max_buckets, "exact_limit",
                             (Py_ssize_t)s->sketch.exact_limit);
    default:
        return Py_BuildValue("(s{})", "sla");
    }
}

static PyObject *KPIGroups_get_slots(PyObject *self, void *closure)
{
    const svcm_kpi_groups *g = kg_ready(self);
    if (g == NULL)
        return NULL;
    size_t n = svcm_kpi_groups_slot_count(g);
    PyObject *t = PyTuple_New((Py_ssize_t)n);
    for (size_t i = 0; t != NULL && i < n; i++) {
        svcm_kpi_slot s;
        PyObject *d = svcm_kpi_groups_slot(g, i, &s) == SVCM_OK ? kg_slot_description(&s)
                                                                 : NULL;
        if (d == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_SystemError, "KPIGroups: slot settings unreadable");
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, d);
    }
    return t;
}

/* ---- groups and keys */

/* A key's bytes: a str (UTF-8) or any bytes-like object. */
typedef struct {
    const char *p;
    Py_ssize_t n;
    Py_buffer view;
    int has_view;
} kg_keybuf;

static int kg_key_get(PyObject *key, kg_keybuf *k)
{
    k->has_view = 0;
    if (PyUnicode_Check(key)) {
        k->p = PyUnicode_AsUTF8AndSize(key, &k->n);
        return k->p == NULL ? -1 : 0;
    }
    if (!PyObject_CheckBuffer(key)) {
        PyErr_Format(PyExc_TypeError, "key: expected str or bytes, got %s",
                     Py_TYPE(key)->tp_name);
        return -1;
    }
    if (PyObject_GetBuffer(key, &k->view, PyBUF_SIMPLE) < 0)
        return -1;
    k->has_view = 1;
    k->p = k->view.buf;
    k->n = k->view.len;
    return 0;
}

static void kg_key_release(kg_keybuf *k)
{
    if (k->has_view)
        PyBuffer_Release(&k->view);
    k->has_view = 0;
}

PyDoc_STRVAR(KPIGroups_group_doc,
             "group(key) -> int\n\nThe number of the group of key (str, or bytes of UTF-8), "
             "creating it with empty slots when it is new. Groups are numbered 0, 1, ... in "
             "the order first seen. InvalidInput for invalid UTF-8 or a key over 65536 bytes.");
static PyObject *KPIGroups_group(PyObject *self, PyObject *key)
{
    svcm_kpi_groups *g = kg_ready(self);
    kg_keybuf k;
    if (g == NULL || kg_key_get(key, &k) < 0)
        return NULL;
    size_t index;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_kpi_groups_group(g, k.p, (size_t)k.n, &index, &err);
    kg_key_release(&k);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, &err);
    return PyLong_FromSize_t(index);
}

PyDoc_STRVAR(KPIGroups_find_doc,
             "find(key) -> int | None\n\nThe number of the group of key, or None when there is "
             "none (nothing is created).");
static PyObject *KPIGroups_find(PyObject *self, PyObject *key)
{
    svcm_kpi_groups *g = kg_ready(self);
    kg_keybuf k;
    if (g == NULL || kg_key_get(key, &k) < 0)
        return NULL;
    size_t index;
    int rc = svcm_kpi_groups_find(g, k.p, (size_t)k.n, &index);
    kg_key_release(&k);
    if (rc == SVCM_ENOTFOUND)
        Py_RETURN_NONE;
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    return PyLong_FromSize_t(index);
}

/* Group number v of g: InvalidInput (field "group") unless 0 <= v < count. */
static int kg_group_arg(PyObject *self, const svcm_kpi_groups *g, Py_ssize_t v, size_t *out)
{
    size_t n = svcm_kpi_groups_count(g);
    if (v < 0 || (size_t)v >= n) {
        kg_raise(Py_TYPE(self), SVCM_EINVAL, SVCM_NO_INDEX, "group",
                 "group %zd is not one of the %zu groups", v, n);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

static PyObject *kg_key_str(const svcm_kpi_groups *g, size_t group)
{
    const char *key;
    size_t len;
    if (svcm_kpi_groups_key(g, group, &key, &len) != SVCM_OK) {
        PyErr_SetString(PyExc_SystemError, "KPIGroups: group key unreadable");
        return NULL;
    }
    return PyUnicode_DecodeUTF8(key, (Py_ssize_t)len, "strict");
}

static PyObject *KPIGroups_key(PyObject *self, PyObject *arg)
{
    svcm_kpi_groups *g = kg_ready(self);
    if (g == NULL)
        return NULL;
    Py_ssize_t v = PyNumber_AsSsize_t(arg, PyExc_OverflowError);
    size_t group;
    if ((v == -1 && PyErr_Occurred()) || kg_group_arg(self, g, v, &group) < 0)
        return NULL;
    return kg_key_str(g, group);
}

static PyObject *KPIGroups_keys(PyObject *self, PyObject *unused)
{
    svcm_kpi_groups *g = kg_ready(self);
    if (g == NULL)
        return NULL;
    size_t n = svcm_kpi_groups_count(g);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list != NULL && i < n; i++) {
        PyObject *s = kg_key_str(g, i);
        if (s == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, s);
    }
    return list;
}

static PyObject *KPIGroups_order(PyObject *self, PyObject *unused)
{
    svcm_kpi_groups *g = kg_ready(self);
    if (g == NULL)
        return NULL;
    size_t n = svcm_kpi_groups_count(g);
    size_t *order = PyMem_Malloc(n > 0 ? n * sizeof *order : 1);
    if (order == NULL)
        return PyErr_NoMemory();
    int rc = svcm_kpi_groups_order(g, order, n);
    PyObject *list = rc == SVCM_OK ? PyList_New((Py_ssize_t)n) : NULL;
    for (size_t i = 0; list != NULL && i < n; i++) {
        PyObject *x = PyLong_FromSize_t(order[i]);
        if (x == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, x);
    }
    PyMem_Free(order);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    return list;
}

static PyObject *KPIGroups_merge(PyObject *self, PyObject *other)
{
    return svcmpy_handle_merge(self, other, &svcmb_kg_class);
}
static PyObject *KPIGroups_to_bytes(PyObject *self, PyObject *unused)
{
    return svcmpy_handle_save(self, &svcmb_kg_class);
}
static PyObject *KPIGroups_from_bytes(PyObject *cls, PyObject *data)
{
    return svcmpy_handle_load(cls, data, &svcmb_kg_class);
}
static PyObject *KPIGroups_repr(PyObject *self) { return svcmpy_handle_repr(self, &svcmb_kg_class); }
static Py_ssize_t KPIGroups_len(PyObject *self) { return svcmpy_handle_len(self, &svcmb_kg_class); }

static PyMethodDef KPIGroups_methods[] = {
    {"group", KPIGroups_group, METH_O, KPIGroups_group_doc},
    {"find", KPIGroups_find, METH_O, KPIGroups_find_doc},
    {"key", KPIGroups_key, METH_O, "key(group) -> str\n\nThe key of group number group."},
    {"keys", KPIGroups_keys, METH_NOARGS,
     "keys() -> list[str]\n\nEvery key, in group order (first seen first)."},
    {"order", KPIGroups_order, METH_NOARGS,
     "order() -> list[int]\n\nThe group numbers sorted by key (code-point order)."},
    {"merge", KPIGroups_merge, METH_O,
     "merge(other) -> None\n\nAdd every group of other by key (new keys at the end); "
     "Mismatch if the slots differ. other is unchanged."},
    {"to_bytes", KPIGroups_to_bytes, METH_NOARGS,
     "to_bytes() -> bytes\n\nThe object in svcm's versioned little-endian format."},
    {"from_bytes", KPIGroups_from_bytes, METH_O | METH_CLASS,
     "from_bytes(data) -> KPIGroups\n\nLoad bytes made by to_bytes(); FormatError if "
     "malformed."},
    SVCMPY_REDUCE_METHOD,
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef KPIGroups_getset[] = {
    {"slots", KPIGroups_get_slots, NULL,
     "the slot descriptions, normalised: ((kind, settings), ...)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot KPIGroups_slots[] = {
    {Py_tp_init, (void *)KPIGroups_init},
    {Py_tp_dealloc, (void *)svcmb_kg_dealloc},
    {Py_tp_methods, KPIGroups_methods},
    {Py_tp_getset, KPIGroups_getset},
    {Py_tp_repr, (void *)KPIGroups_repr},
    {Py_sq_length, (void *)KPIGroups_len},
    {Py_tp_doc,
     (void *)"KPIGroups(slots)\n--\n\nThe same KPI accumulators (slots) for every group key "
             "(channel, agent, queue...). slots is a sequence of 1..64 slot descriptions, "
             "each a kind name or a (kind, settings) pair:\n"
             "  'nps'                                      NPS answers 0-10\n"
             "  ('csat', {'scale': 5, 'top_boxes': 2, 'low': 1})\n"
             "  ('ces', {'scale': 7, 'low': 1})\n"
             "  ('rate', 'fcr') or ('rate', {'kind': 'fcr'})   a Rate kind\n"
             "  ('durations', {'rel_err': 0.01, 'max_buckets': 2048, 'exact_limit': 1024})\n"
             "  'sla'                                      met / breached / pending counts\n"
             "Settings left out take those defaults. Groups and slots are numbered from 0; "
             "group(key) finds or creates a group. Mergeable, saveable, picklable."},
    {0, NULL},
};
static PyType_Spec KPIGroups_spec = {"svcm.KPIGroups", sizeof(svcmpy_handle), 0,
                                     Py_TPFLAGS_DEFAULT, KPIGroups_slots};

/* ----------------------------------------------------------------- init */

int svcmpy_init_feedback(PyObject *module)
{
    if (PyModule_AddFunctions(module, feedback_functions) < 0 ||
        svcmpy_add_Rate(module, NULL, NULL) < 0)
        return -1;
    if (svcmpy_add_NPS(module, NULL, Feedback_getset) < 0 ||
        svcmpy_add_CSAT(module, NULL, Feedback_getset) < 0 ||
        svcmpy_add_CES(module, NULL, Feedback_getset) < 0)
        return -1;
    PyObject *tuple = PyTuple_New(T_COUNT);
    if (tuple == NULL)
        return -1;
    const char *names[T_COUNT] = {"ServqualResult", "KPIGroups"};
    for (int i = 0; i < T_COUNT; i++) {
        PyObject *tp = i == T_SERVQUAL_RESULT
                           ? (PyObject *)PyStructSequence_NewType(&servqual_desc)
                           : PyType_FromModuleAndSpec(module, &KPIGroups_spec, NULL);
        /* the described methods and properties (bindings/api/feedback.py) */
        int members = tp == NULL ? -1 : i == T_KPI_GROUPS ? svcmpy_members_KPIGroups(tp) : 0;
        if (members < 0 || PyModule_AddObjectRef(module, names[i], tp) < 0) {
            Py_XDECREF(tp);
            Py_DECREF(tuple);
            return -1;
        }
        PyTuple_SET_ITEM(tuple, i, tp);
    }
    if (svcmpy_engine_set(module, SVCMPY_FEEDBACK, tuple) < 0)
        return -1;
    PyObject *dims = name_tuple(svcm_servqual_dimension_name, SVCM_SERVQUAL_DIMENSIONS);
    if (dims == NULL || PyModule_AddObject(module, "SERVQUAL_DIMENSIONS", dims) < 0) {
        Py_XDECREF(dims);
        return -1;
    }
    PyObject *kinds = name_tuple(svcm_rate_kind_name, SVCM_RATE_KIND_COUNT);
    if (kinds == NULL || PyModule_AddObject(module, "RATE_KINDS", kinds) < 0) {
        Py_XDECREF(kinds);
        return -1;
    }
    return 0;
}
