/* Python binding of the quantile sketch and the durations summary:
 * svcm.Sketch, svcm.Durations, svcm.DurationsSummary. */
#include "svcmpy.h"
#include "gen_py.h"

#include <math.h>
#include <stdio.h>

#include "svcm/sketch.h"

enum { SK_TYPE_SKETCH, SK_TYPE_DURATIONS, SK_NITEMS };

/* An object wraps either a sketch or a durations accumulator. `busy` is set
 * while a batch insert runs without the GIL: any other use of the object from
 * another thread meanwhile raises instead of racing. */
typedef struct {
    PyObject_HEAD
    void *h;
    int busy;
    int dur; /* h is an svcm_durations (else an svcm_sketch) */
} HandleObject;

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

/* The hooks of the described methods (bindings/api/sketch.py): the handle,
 * marked in use while the method runs without the GIL. */
static void *enter(PyObject *op)
{
    void *h = ready(op);
    if (h != NULL)
        ((HandleObject *)op)->busy = 1;
    return h;
}
static void leave(PyObject *op) { ((HandleObject *)op)->busy = 0; }
svcm_sketch *svcmpy_enter_Sketch(PyObject *op) { return enter(op); }
void svcmpy_leave_Sketch(PyObject *op) { leave(op); }
svcm_durations *svcmpy_enter_Durations(PyObject *op) { return enter(op); }
void svcmpy_leave_Durations(PyObject *op) { leave(op); }

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
    {"quantiles", py_quantiles, METH_O, "quantiles(qs) -> list[float]\n\nSeveral quantiles at once."},
    {"merge", py_merge, METH_O,
     "merge(other) -> None\n\nAdd another Sketch with the same settings (else svcm.Mismatch)."},
    {"to_bytes", py_to_bytes, METH_NOARGS, "to_bytes() -> bytes\n\nVersioned little-endian state."},
    {"from_bytes", py_from_bytes, METH_O | METH_CLASS,
     "from_bytes(b) -> Sketch\n\nLoad a sketch saved by to_bytes() (svcm.FormatError if malformed)."},
    SVCMPY_REDUCE_METHOD,
    {NULL, NULL, 0, NULL},
};

static PyType_Slot sketch_slots[] = {
    {Py_tp_doc, "Sketch(rel_err=0.01, max_buckets=2048, exact_limit=1024, values=None)\n\n"
                "Mergeable quantile sketch (DDSketch) for values >= 0 with a relative-error\n"
                "guarantee; exact for up to exact_limit values. One thread at a time: a\n"
                "call made while another thread's add() runs raises svcm.StateError (a RuntimeError)."},
    {Py_tp_init, sketch_init},
    {Py_tp_dealloc, handle_dealloc},
    {Py_tp_methods, sketch_methods},
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
    {"quantiles", py_quantiles, METH_O, "quantiles(qs) -> list[float]\n\nSeveral quantiles at once."},
    {"merge", py_merge, METH_O,
     "merge(other) -> None\n\nAdd another Durations with the same settings (else svcm.Mismatch)."},
    {"to_bytes", py_to_bytes, METH_NOARGS, "to_bytes() -> bytes\n\nVersioned little-endian state."},
    {"from_bytes", py_from_bytes, METH_O | METH_CLASS,
     "from_bytes(b) -> Durations\n\nLoad state saved by to_bytes() (svcm.FormatError if malformed)."},
    SVCMPY_REDUCE_METHOD,
    {NULL, NULL, 0, NULL},
};

static PyType_Slot durations_slots[] = {
    {Py_tp_doc, "Durations(rel_err=0.01, max_buckets=2048, exact_limit=1024, values=None)\n\n"
                "Summary of durations (first-response, resolution, handle time): count,\n"
                "mean, std, min, max and quantiles; mergeable and saveable. One thread\n"
                "at a time, as for Sketch."},
    {Py_tp_init, durations_init},
    {Py_tp_dealloc, handle_dealloc},
    {Py_tp_methods, durations_methods},
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
    int rc = -1;
    if (dt != NULL && svcmpy_members_Sketch(st) == 0 &&
        svcmpy_members_Durations(dt) == 0 && PyModule_AddObjectRef(m, "Sketch", st) == 0 &&
        PyModule_AddObjectRef(m, "Durations", dt) == 0 &&
        svcmpy_engine_set(m, SVCMPY_SKETCH, PyTuple_Pack(SK_NITEMS, st, dt)) == 0)
        rc = 0;
    Py_XDECREF(st);
    Py_XDECREF(dt);
    return rc;
}
