/* Python binding of the quantile sketch and the durations summary:
 * svcm.Sketch, svcm.Durations, svcm.DurationsSummary. */
#include "svcmpy.h"

#include <math.h>
#include <stdio.h>

#include "svcm/sketch.h"

enum { SK_TYPE_SKETCH, SK_TYPE_DURATIONS, SK_TYPE_SUMMARY, SK_NITEMS };

/* An object wraps either a sketch or a durations accumulator. `busy` is set
 * while a batch insert runs without the GIL: any other use of the object from
 * another thread meanwhile raises instead of racing. */
typedef struct {
    PyObject_HEAD
    void *h;
    int busy;
    int dur; /* h is an svcm_durations (else an svcm_sketch) */
} HandleObject;

static PyStructSequence_Field summary_fields[] = {
    {"count", "number of durations"},
    {"sum", "total"},
    {"mean", "arithmetic mean"},
    {"std", "sample standard deviation (n - 1); nan if count < 2"},
    {"min", "exact minimum"},
    {"max", "exact maximum"},
    {"p50", "median (lower nearest rank, within rel_err)"},
    {"p90", "90th percentile"},
    {"p95", "95th percentile"},
    {"p99", "99th percentile"},
    {NULL, NULL},
};

static PyStructSequence_Desc summary_desc = {
    "svcm.DurationsSummary",
    "Summary of durations: count, sum, mean, std, min, max, p50, p90, p95, p99.",
    summary_fields, 10};

/* ------------------------------------------------------------ shared */

/* Which kind of handle the object holds (set with the handle). */
static int is_durations(PyObject *op) { return ((HandleObject *)op)->dur; }

/* The handle, or NULL with an exception when not initialised or busy. */
static void *ready(PyObject *op)
{
    HandleObject *self = (HandleObject *)op;
    if (self->h == NULL)
        return svcmpy_state_error(Py_TYPE(op), "object is not initialised");
    if (self->busy)
        return svcmpy_state_error(Py_TYPE(op), "object is in use by another thread");
    return self->h;
}

const svcm_durations *svcmpy_durations_of(PyObject *module, PyObject *obj)
{
    PyObject *dt = svcmpy_engine_item(module, SVCMPY_SKETCH, SK_TYPE_DURATIONS);
    if (dt == NULL)
        return NULL;
    if (!Py_IS_TYPE(obj, (PyTypeObject *)dt)) {
        PyErr_Format(PyExc_TypeError, "expected svcm.Durations, not %.100s",
                     Py_TYPE(obj)->tp_name);
        return NULL;
    }
    return ready(obj);
}

static void handle_dealloc(PyObject *op)
{
    HandleObject *self = (HandleObject *)op;
    PyTypeObject *tp = Py_TYPE(op);
    if (is_durations(op))
        svcm_durations_free(self->h);
    else
        svcm_sketch_free(self->h);
    self->h = NULL;
    tp->tp_free(op);
    Py_DECREF(tp);
}

static int parse_options(PyObject *args, PyObject *kw, const char *fmt, svcm_sketch_options *o,
                         PyObject **values)
{
    static char *kwlist[] = {"rel_err", "max_buckets", "exact_limit", "values", NULL};
    svcm_sketch_options_init(o);
    Py_ssize_t maxb = (Py_ssize_t)o->max_buckets, exact = (Py_ssize_t)o->exact_limit;
    *values = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, fmt, kwlist, &o->rel_err, &maxb, &exact, values))
        return -1;
    if (maxb < 0 || exact < 0) {
        PyErr_SetString(PyExc_ValueError, "max_buckets and exact_limit must be >= 0");
        return -1;
    }
    o->max_buckets = (size_t)maxb;
    o->exact_limit = (size_t)exact;
    return 0;
}

static void option_error(svcm_error *err, const svcm_sketch_options *o)
{
    svcm_error_clear(err);
    snprintf(err->message, sizeof err->message,
             "bad options: rel_err %g (allowed %g..%g), max_buckets %zu (%u..%u), "
             "exact_limit %zu (0..%u)",
             o->rel_err, SVCM_SKETCH_MIN_REL_ERR, SVCM_SKETCH_MAX_REL_ERR, o->max_buckets,
             SVCM_SKETCH_MIN_BUCKETS, (unsigned)SVCM_SKETCH_MAX_BUCKETS, o->exact_limit,
             (unsigned)SVCM_SKETCH_MAX_EXACT);
}

/* Add a number, or a buffer/sequence of numbers, all or nothing. */
static int add_values(PyObject *op, PyObject *values)
{
    HandleObject *self = (HandleObject *)op;
    if (ready(op) == NULL)
        return -1;
    int dur = is_durations(op);
    svcm_error err;
    svcm_error_clear(&err);
    int rc;
    /* Converting the values may run Python code (__float__) that re-runs
     * __init__ and frees the handle: take the handle only afterwards. */
    void *h;
    if (PyFloat_Check(values) || PyLong_Check(values)) {
        double x = PyFloat_AsDouble(values);
        if (x == -1.0 && PyErr_Occurred())
            return -1;
        if ((h = ready(op)) == NULL)
            return -1;
        rc = dur ? svcm_durations_add_batch(h, &x, 1, &err) : svcm_sketch_add_batch(h, &x, 1, &err);
    } else {
        svcmpy_array a;
        if (svcmpy_doubles(values, &a, "values") < 0)
            return -1;
        if ((h = ready(op)) == NULL) {
            svcmpy_array_release(&a);
            return -1;
        }
        self->busy = 1;
        Py_BEGIN_ALLOW_THREADS
        rc = dur ? svcm_durations_add_batch(h, a.data, (size_t)a.n, &err)
                 : svcm_sketch_add_batch(h, a.data, (size_t)a.n, &err);
        Py_END_ALLOW_THREADS
        self->busy = 0;
        svcmpy_array_release(&a);
    }
    if (rc) {
        svcmpy_raise_type(Py_TYPE(op), rc, &err);
        return -1;
    }
    return 0;
}

static PyObject *py_add(PyObject *op, PyObject *values)
{
    return add_values(op, values) < 0 ? NULL : Py_NewRef(Py_None);
}

static int quantiles_of(PyObject *op, const double *qs, size_t n, double *out, svcm_error *err)
{
    void *h = ((HandleObject *)op)->h;
    return is_durations(op) ? svcm_durations_quantiles(h, qs, n, out, err)
                            : svcm_sketch_quantiles(h, qs, n, out, err);
}

/* Both read the level(s) first: converting may run Python code (__float__)
 * that re-runs __init__ or lets another thread start a batch insert. */
static PyObject *py_quantile(PyObject *op, PyObject *arg)
{
    double q = PyFloat_AsDouble(arg), v;
    if (q == -1.0 && PyErr_Occurred())
        return NULL;
    if (ready(op) == NULL)
        return NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = quantiles_of(op, &q, 1, &v, &err);
    return rc ? svcmpy_raise_type(Py_TYPE(op), rc, &err) : PyFloat_FromDouble(v);
}

static PyObject *py_quantiles(PyObject *op, PyObject *arg)
{
    svcmpy_array a;
    if (svcmpy_doubles(arg, &a, "qs") < 0)
        return NULL;
    if (ready(op) == NULL) {
        svcmpy_array_release(&a);
        return NULL;
    }
    double *out = PyMem_Malloc(a.n > 0 ? (size_t)a.n * sizeof *out : 1);
    if (out == NULL) {
        svcmpy_array_release(&a);
        return PyErr_NoMemory();
    }
    svcm_error err;
    svcm_error_clear(&err);
    int rc = quantiles_of(op, a.data, (size_t)a.n, out, &err);
    PyObject *res = rc ? svcmpy_raise_type(Py_TYPE(op), rc, &err)
                       : svcmpy_list_from_doubles(out, (size_t)a.n);
    PyMem_Free(out);
    svcmpy_array_release(&a);
    return res;
}

static PyObject *py_merge(PyObject *op, PyObject *other)
{
    void *h = ready(op);
    if (h == NULL)
        return NULL;
    PyObject *m = svcmpy_module_of_type(Py_TYPE(op));
    PyObject *base = m ? svcmpy_engine_item(m, SVCMPY_SKETCH,
                                            is_durations(op) ? SK_TYPE_DURATIONS : SK_TYPE_SKETCH)
                       : NULL;
    if (base == NULL)
        return NULL;
    if (!PyObject_TypeCheck(other, (PyTypeObject *)base)) {
        PyErr_Format(PyExc_TypeError, "merge: expected %s, got %s", Py_TYPE(op)->tp_name,
                     Py_TYPE(other)->tp_name);
        return NULL;
    }
    void *g = ready(other);
    if (g == NULL)
        return NULL;
    int rc = is_durations(op) ? svcm_durations_merge(h, g) : svcm_sketch_merge(h, g);
    if (rc) {
        svcm_error err;
        svcm_error_clear(&err);
        snprintf(err.message, sizeof err.message, "%s",
                 rc == SVCM_EMISMATCH ? "settings differ (rel_err, max_buckets, exact_limit)"
                                      : svcm_strerror(rc));
        return svcmpy_raise_type(Py_TYPE(op), rc, &err);
    }
    Py_RETURN_NONE;
}

static PyObject *py_reset(PyObject *op, PyObject *unused)
{
    void *h = ready(op);
    if (h == NULL)
        return NULL;
    if (is_durations(op))
        svcm_durations_reset(h);
    else
        svcm_sketch_reset(h);
    Py_RETURN_NONE;
}

static PyObject *py_to_bytes(PyObject *op, PyObject *unused)
{
    void *h = ready(op);
    if (h == NULL)
        return NULL;
    int dur = is_durations(op);
    size_t len = 0;
    if (dur)
        svcm_durations_save(h, NULL, 0, &len);
    else
        svcm_sketch_save(h, NULL, 0, &len);
    PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)len);
    if (b == NULL)
        return NULL;
    unsigned char *p = (unsigned char *)PyBytes_AS_STRING(b);
    int rc = dur ? svcm_durations_save(h, p, len, NULL) : svcm_sketch_save(h, p, len, NULL);
    if (rc) {
        Py_DECREF(b);
        return svcmpy_raise_type(Py_TYPE(op), rc, NULL);
    }
    return b;
}

static PyObject *py_from_bytes(PyObject *cls, PyObject *arg)
{
    PyTypeObject *tp = (PyTypeObject *)cls;
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    PyObject *m = svcmpy_module_of_type(tp);
    PyObject *dt = m ? svcmpy_engine_item(m, SVCMPY_SKETCH, SK_TYPE_DURATIONS) : NULL;
    if (dt == NULL) {
        PyBuffer_Release(&view);
        return NULL;
    }
    int dur = PyType_IsSubtype(tp, (PyTypeObject *)dt);
    void *h = NULL;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = dur ? svcm_durations_load(view.buf, (size_t)view.len, NULL, (svcm_durations **)&h, NULL)
             : svcm_sketch_load(view.buf, (size_t)view.len, NULL, (svcm_sketch **)&h, NULL);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    if (rc) {
        svcm_error err;
        svcm_error_clear(&err);
        snprintf(err.message, sizeof err.message, "%s",
                 rc == SVCM_EFORMAT ? "malformed, truncated or inconsistent bytes"
                                    : svcm_strerror(rc));
        return svcmpy_raise_type(tp, rc, &err);
    }
    PyObject *o = tp->tp_alloc(tp, 0);
    if (o == NULL) {
        if (dur)
            svcm_durations_free(h);
        else
            svcm_sketch_free(h);
        return NULL;
    }
    ((HandleObject *)o)->h = h;
    ((HandleObject *)o)->dur = dur;
    return o;
}

static Py_ssize_t py_len(PyObject *op)
{
    void *h = ready(op);
    if (h == NULL)
        return -1;
    uint64_t n = is_durations(op) ? svcm_durations_count(h) : svcm_sketch_count(h);
    return n > (uint64_t)PY_SSIZE_T_MAX ? PY_SSIZE_T_MAX : (Py_ssize_t)n;
}

/* ------------------------------------------------------------ Sketch */

static int sketch_init(PyObject *op, PyObject *args, PyObject *kw)
{
    svcm_sketch_options o;
    PyObject *values;
    if (parse_options(args, kw, "|dnnO:Sketch", &o, &values) < 0)
        return -1;
    HandleObject *self = (HandleObject *)op;
    if (self->busy) {
        svcmpy_state_error(Py_TYPE(op), "object is in use by another thread");
        return -1;
    }
    svcm_sketch *s;
    int rc = svcm_sketch_new(&o, NULL, &s, NULL);
    if (rc) {
        svcm_error err;
        option_error(&err, &o);
        svcmpy_raise_type(Py_TYPE(op), rc, &err);
        return -1;
    }
    svcm_sketch_free(self->h);
    self->h = s;
    self->dur = 0;
    if (values != NULL && values != Py_None)
        return add_values(op, values);
    return 0;
}

static PyObject *sketch_get(PyObject *op, void *which)
{
    svcm_sketch *s = ready(op);
    if (s == NULL)
        return NULL;
    struct svcm_sketch_result st;
    svcm_sketch_options o;
    svcm_sketch_result(s, &st);
    svcm_sketch_get_options(s, &o);
    switch ((int)(intptr_t)which) {
    case 0:
        return PyLong_FromUnsignedLongLong(st.count);
    case 1:
        return PyLong_FromUnsignedLongLong(st.zero_count);
    case 2:
        return PyFloat_FromDouble(st.sum);
    case 3:
        return PyFloat_FromDouble(st.mean);
    case 4:
        return PyFloat_FromDouble(st.min);
    case 5:
        return PyFloat_FromDouble(st.max);
    case 6:
        return PyLong_FromSize_t(st.buckets);
    case 7:
        return PyBool_FromLong(st.exact);
    case 8:
        return PyFloat_FromDouble(st.collapsed_below);
    case 9:
        return PyFloat_FromDouble(o.rel_err);
    case 10:
        return PyLong_FromSize_t(o.max_buckets);
    default:
        return PyLong_FromSize_t(o.exact_limit);
    }
}

static PyObject *sketch_repr(PyObject *op)
{
    HandleObject *self = (HandleObject *)op;
    if (self->h == NULL || self->busy)
        return PyUnicode_FromString("svcm.Sketch(<uninitialised or busy>)");
    struct svcm_sketch_result st;
    svcm_sketch_options o;
    svcm_sketch_result(self->h, &st);
    svcm_sketch_get_options(self->h, &o);
    char buf[200];
    snprintf(buf, sizeof buf, "svcm.Sketch(rel_err=%g, max_buckets=%zu, exact_limit=%zu, count=%llu)",
             o.rel_err, o.max_buckets, o.exact_limit, (unsigned long long)st.count);
    return PyUnicode_FromString(buf);
}

static PyMethodDef sketch_methods[] = {
    {"add", py_add, METH_O,
     "add(values) -> None\n\nAdd a number, or a buffer (array('d'), numpy) or sequence of\n"
     "numbers >= 0; all or nothing. The GIL is released while counting."},
    {"quantile", py_quantile, METH_O,
     "quantile(q) -> float\n\nThe q-quantile, q in [0, 1]: the lower nearest rank\n"
     "x[floor(q (n - 1))], exact while exact, else within rel_err."},
    {"quantiles", py_quantiles, METH_O, "quantiles(qs) -> list[float]\n\nSeveral quantiles at once."},
    {"merge", py_merge, METH_O,
     "merge(other) -> None\n\nAdd another Sketch with the same settings (else svcm.Mismatch)."},
    {"reset", py_reset, METH_NOARGS, "reset() -> None\n\nEmpty the sketch, keeping its settings."},
    {"to_bytes", py_to_bytes, METH_NOARGS, "to_bytes() -> bytes\n\nVersioned little-endian state."},
    {"from_bytes", py_from_bytes, METH_O | METH_CLASS,
     "from_bytes(b) -> Sketch\n\nLoad a sketch saved by to_bytes() (svcm.FormatError if malformed)."},
    SVCMPY_REDUCE_METHOD,
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef sketch_getset[] = {
    {"count", sketch_get, NULL, "number of values", (void *)0},
    {"zero_count", sketch_get, NULL, "number of zeros", (void *)1},
    {"sum", sketch_get, NULL, "exact (compensated) sum", (void *)2},
    {"mean", sketch_get, NULL, "exact mean (nan when empty)", (void *)3},
    {"min", sketch_get, NULL, "exact minimum (nan when empty)", (void *)4},
    {"max", sketch_get, NULL, "exact maximum (nan when empty)", (void *)5},
    {"buckets", sketch_get, NULL, "bucket counters spanned (<= max_buckets)", (void *)6},
    {"exact", sketch_get, NULL, "True while quantiles are exact (count <= exact_limit)", (void *)7},
    {"collapsed_below", sketch_get, NULL,
     "0.0, or the bound at or below which quantiles lost the guarantee", (void *)8},
    {"rel_err", sketch_get, NULL, "relative error setting", (void *)9},
    {"max_buckets", sketch_get, NULL, "bucket limit setting", (void *)10},
    {"exact_limit", sketch_get, NULL, "exact-mode limit setting", (void *)11},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot sketch_slots[] = {
    {Py_tp_doc, "Sketch(rel_err=0.01, max_buckets=2048, exact_limit=1024, values=None)\n\n"
                "Mergeable quantile sketch (DDSketch) for values >= 0 with a relative-error\n"
                "guarantee; exact for up to exact_limit values. One thread at a time: a\n"
                "call made while another thread's add() runs raises svcm.StateError (a RuntimeError)."},
    {Py_tp_init, sketch_init},
    {Py_tp_dealloc, handle_dealloc},
    {Py_tp_methods, sketch_methods},
    {Py_tp_getset, sketch_getset},
    {Py_tp_repr, sketch_repr},
    {Py_sq_length, py_len},
    {0, NULL},
};

static PyType_Spec sketch_spec = {"svcm.Sketch", sizeof(HandleObject), 0,
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, sketch_slots};

/* ------------------------------------------------------------ Durations */

static int durations_init(PyObject *op, PyObject *args, PyObject *kw)
{
    svcm_sketch_options o;
    PyObject *values;
    if (parse_options(args, kw, "|dnnO:Durations", &o, &values) < 0)
        return -1;
    HandleObject *self = (HandleObject *)op;
    if (self->busy) {
        svcmpy_state_error(Py_TYPE(op), "object is in use by another thread");
        return -1;
    }
    svcm_durations *d;
    int rc = svcm_durations_new(&o, NULL, &d, NULL);
    if (rc) {
        svcm_error err;
        option_error(&err, &o);
        svcmpy_raise_type(Py_TYPE(op), rc, &err);
        return -1;
    }
    svcm_durations_free(self->h);
    self->h = d;
    self->dur = 1;
    if (values != NULL && values != Py_None)
        return add_values(op, values);
    return 0;
}

static PyObject *durations_summary(PyObject *op, PyObject *unused)
{
    svcm_durations *d = ready(op);
    if (d == NULL)
        return NULL;
    struct svcm_durations_result r;
    int rc = svcm_durations_result(d, &r);
    if (rc)
        return svcmpy_raise_type(Py_TYPE(op), rc, NULL);
    PyObject *m = svcmpy_module_of_type(Py_TYPE(op));
    PyObject *type = m ? svcmpy_engine_item(m, SVCMPY_SKETCH, SK_TYPE_SUMMARY) : NULL;
    if (type == NULL)
        return NULL;
    PyObject *o = PyStructSequence_New((PyTypeObject *)type);
    if (o == NULL)
        return NULL;
    const double v[9] = {r.sum, r.mean, r.std, r.min, r.max, r.p50, r.p90, r.p95, r.p99};
    PyObject *items[10];
    items[0] = PyLong_FromUnsignedLongLong(r.count);
    for (int i = 0; i < 9; i++)
        items[i + 1] = PyFloat_FromDouble(v[i]);
    int ok = 1;
    for (int i = 0; i < 10; i++) {
        if (items[i] == NULL)
            ok = 0;
        PyStructSequence_SetItem(o, i, items[i]); /* steals (NULL tolerated) */
    }
    if (!ok) {
        Py_DECREF(o);
        return NULL;
    }
    return o;
}

static PyObject *durations_count(PyObject *op, void *unused)
{
    svcm_durations *d = ready(op);
    return d ? PyLong_FromUnsignedLongLong(svcm_durations_count(d)) : NULL;
}

static PyObject *durations_repr(PyObject *op)
{
    HandleObject *self = (HandleObject *)op;
    if (self->h == NULL || self->busy)
        return PyUnicode_FromString("svcm.Durations(<uninitialised or busy>)");
    char buf[80];
    snprintf(buf, sizeof buf, "svcm.Durations(count=%llu)",
             (unsigned long long)svcm_durations_count(self->h));
    return PyUnicode_FromString(buf);
}

static PyMethodDef durations_methods[] = {
    {"add", py_add, METH_O,
     "add(values) -> None\n\nAdd a duration (seconds, >= 0) or a buffer/sequence of them;\n"
     "all or nothing. The GIL is released while counting."},
    {"summary", durations_summary, METH_NOARGS,
     "summary() -> DurationsSummary\n\ncount, sum, mean, std, min, max, p50, p90, p95, p99\n"
     "(svcm.EmptyError when empty)."},
    {"result", durations_summary, METH_NOARGS, "result() -> DurationsSummary\n\nSame as summary()."},
    {"quantile", py_quantile, METH_O, "quantile(q) -> float\n\nAny quantile, q in [0, 1]."},
    {"quantiles", py_quantiles, METH_O, "quantiles(qs) -> list[float]\n\nSeveral quantiles at once."},
    {"merge", py_merge, METH_O,
     "merge(other) -> None\n\nAdd another Durations with the same settings (else svcm.Mismatch)."},
    {"reset", py_reset, METH_NOARGS, "reset() -> None\n\nEmpty the accumulator."},
    {"to_bytes", py_to_bytes, METH_NOARGS, "to_bytes() -> bytes\n\nVersioned little-endian state."},
    {"from_bytes", py_from_bytes, METH_O | METH_CLASS,
     "from_bytes(b) -> Durations\n\nLoad state saved by to_bytes() (svcm.FormatError if malformed)."},
    SVCMPY_REDUCE_METHOD,
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef durations_getset[] = {
    {"count", durations_count, NULL, "number of durations", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot durations_slots[] = {
    {Py_tp_doc, "Durations(rel_err=0.01, max_buckets=2048, exact_limit=1024, values=None)\n\n"
                "Summary of durations (first-response, resolution, handle time): count,\n"
                "mean, std, min, max and quantiles; mergeable and saveable. One thread\n"
                "at a time, as for Sketch."},
    {Py_tp_init, durations_init},
    {Py_tp_dealloc, handle_dealloc},
    {Py_tp_methods, durations_methods},
    {Py_tp_getset, durations_getset},
    {Py_tp_repr, durations_repr},
    {Py_sq_length, py_len},
    {0, NULL},
};

static PyType_Spec durations_spec = {"svcm.Durations", sizeof(HandleObject), 0,
                                     Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, durations_slots};

int svcmpy_init_sketch(PyObject *m)
{
    PyObject *st = PyType_FromModuleAndSpec(m, &sketch_spec, NULL);
    PyObject *dt = st ? PyType_FromModuleAndSpec(m, &durations_spec, NULL) : NULL;
    PyObject *sm = dt ? (PyObject *)PyStructSequence_NewType(&summary_desc) : NULL;
    int rc = -1;
    if (sm != NULL && PyModule_AddObjectRef(m, "Sketch", st) == 0 &&
        PyModule_AddObjectRef(m, "Durations", dt) == 0 &&
        PyModule_AddObjectRef(m, "DurationsSummary", sm) == 0 &&
        svcmpy_engine_set(m, SVCMPY_SKETCH, PyTuple_Pack(SK_NITEMS, st, dt, sm)) == 0)
        rc = 0;
    Py_XDECREF(st);
    Py_XDECREF(dt);
    Py_XDECREF(sm);
    return rc;
}
