/* Python binding of the core: statistics helpers, Welford moments, tiers. */
#include "svcmpy.h"
#include "gen_py.h"

#include <math.h>
#include <stdio.h>

enum { CORE_MOMENTS, CORE_NITEMS };

/* Parse a non-negative integer count argument. */
static int to_u64(PyObject *o, uint64_t *out, const char *name)
{
    if (!PyLong_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s: expected an int, got %s", name, Py_TYPE(o)->tp_name);
        return -1;
    }
    unsigned long long v = PyLong_AsUnsignedLongLong(o);
    if (v == (unsigned long long)-1 && PyErr_Occurred()) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "%s: expected a non-negative int below 2**64", name);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

PyDoc_STRVAR(wilson_doc,
             "wilson(successes, n, confidence=0.95) -> (lo, hi)\n\n"
             "Wilson score interval for a binomial proportion.");
static PyObject *py_wilson(PyObject *m, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"successes", "n", "confidence", NULL};
    PyObject *xo, *no;
    double conf = 0.95;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|d:wilson", kwlist, &xo, &no, &conf))
        return NULL;
    uint64_t x, n;
    if (to_u64(xo, &x, "successes") < 0 || to_u64(no, &n, "n") < 0)
        return NULL;
    svcm_interval iv;
    int rc = svcm_wilson(x, n, conf, &iv);
    return rc ? svcmpy_raise(m, rc, NULL) : svcmpy_interval(iv);
}

PyDoc_STRVAR(tier_name_doc, "tier_name(tier: int) -> str\n\nName of a tier 0..4.");
static PyObject *py_tier_name(PyObject *m, PyObject *arg)
{
    long t = PyLong_AsLong(arg);
    if (t == -1 && PyErr_Occurred())
        return NULL;
    const char *name = svcm_tier_name(t < INT32_MIN || t > INT32_MAX ? -1 : (int)t);
    if (name == NULL) {
        svcm_error err;
        svcm_error_clear(&err);
        err.field = "tier";
        snprintf(err.message, sizeof err.message, "tier %ld is not in 0..4", t);
        return svcmpy_raise(m, SVCM_EINVAL, &err);
    }
    return PyUnicode_FromString(name);
}

PyDoc_STRVAR(tier_parse_doc,
             "tier_parse(name: str) -> int\n\nTier number of a name ('vip', 'key' or 'important', ...).");
static PyObject *py_tier_parse(PyObject *m, PyObject *arg)
{
    const char *s = PyUnicode_AsUTF8(arg);
    if (s == NULL)
        return NULL;
    svcm_tier t;
    if (svcm_tier_parse(s, &t) != SVCM_OK) {
        svcm_error err;
        svcm_error_clear(&err);
        err.field = "tier";
        snprintf(err.message, sizeof err.message, "unknown tier name '%.60s'", s);
        return svcmpy_raise(m, SVCM_EINVAL, &err);
    }
    return PyLong_FromLong(t);
}

/* ------------------------------------------------------------ Moments */

typedef struct {
    PyObject_HEAD
    svcm_moments m;
    int busy; /* a batch add runs without the GIL */
} MomentsObject;

/* 0, or -1 with svcm.StateError while another thread's add() runs. */
static int moments_idle(PyObject *op)
{
    if (((MomentsObject *)op)->busy) {
        svcmpy_state_error(Py_TYPE(op), "object is in use by another thread");
        return -1;
    }
    return 0;
}

static int moments_add_obj(MomentsObject *self, PyObject *values)
{
    svcm_error err;
    if (moments_idle((PyObject *)self) < 0)
        return -1;
    if (PyFloat_Check(values) || PyLong_Check(values)) {
        double x = PyFloat_AsDouble(values);
        if (x == -1.0 && PyErr_Occurred())
            return -1;
        int rc = svcm_moments_add(&self->m, x);
        if (rc) {
            svcm_error_clear(&err);
            err.index = 0;
            err.field = "value";
            snprintf(err.message, sizeof err.message, "value is not finite");
            svcmpy_raise_type(Py_TYPE(self), rc, &err);
            return -1;
        }
        return 0;
    }
    svcmpy_array a;
    if (svcmpy_doubles(values, &a, "values") < 0)
        return -1;
    if (moments_idle((PyObject *)self) < 0) { /* converting may have run Python code */
        svcmpy_array_release(&a);
        return -1;
    }
    int rc;
    self->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_moments_add_batch(&self->m, a.data, (size_t)a.n, &err);
    Py_END_ALLOW_THREADS
    self->busy = 0;
    svcmpy_array_release(&a);
    if (rc) {
        svcmpy_raise_type(Py_TYPE(self), rc, &err);
        return -1;
    }
    return 0;
}

static int moments_init(PyObject *op, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"values", NULL};
    PyObject *values = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:Moments", kwlist, &values))
        return -1;
    MomentsObject *self = (MomentsObject *)op;
    if (moments_idle(op) < 0)
        return -1;
    svcm_moments_init(&self->m);
    if (values != NULL && values != Py_None)
        return moments_add_obj(self, values);
    return 0;
}

static PyObject *moments_add(PyObject *op, PyObject *values)
{
    if (moments_add_obj((MomentsObject *)op, values) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *moments_merge(PyObject *op, PyObject *other)
{
    if (moments_idle(op) < 0)
        return NULL;
    if (!PyObject_TypeCheck(other, Py_TYPE(op))) {
        PyErr_Format(PyExc_TypeError, "merge: expected svcm.Moments, got %s",
                     Py_TYPE(other)->tp_name);
        return NULL;
    }
    if (moments_idle(other) < 0)
        return NULL;
    svcm_moments_merge(&((MomentsObject *)op)->m, &((MomentsObject *)other)->m);
    Py_RETURN_NONE;
}

static PyObject *moments_variance(PyObject *op, PyObject *unused)
{
    if (moments_idle(op) < 0)
        return NULL;
    double v;
    int rc = svcm_moments_variance(&((MomentsObject *)op)->m, &v);
    return rc ? svcmpy_raise_type(Py_TYPE(op), rc, NULL) : PyFloat_FromDouble(v);
}

static PyObject *moments_mean_ci(PyObject *op, PyObject *args, PyObject *kw)
{
    if (moments_idle(op) < 0)
        return NULL;
    static char *kwlist[] = {"confidence", NULL};
    double conf = 0.95;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|d:mean_ci", kwlist, &conf))
        return NULL;
    svcm_interval iv;
    int rc = svcm_moments_mean_ci(&((MomentsObject *)op)->m, conf, &iv);
    return rc ? svcmpy_raise_type(Py_TYPE(op), rc, NULL) : svcmpy_interval(iv);
}

static PyObject *moments_to_bytes(PyObject *op, PyObject *unused)
{
    if (moments_idle(op) < 0)
        return NULL;
    unsigned char buf[SVCM_MOMENTS_SAVED_SIZE];
    size_t len;
    int rc = svcm_moments_save(&((MomentsObject *)op)->m, buf, sizeof buf, &len);
    if (rc)
        return svcmpy_raise_type(Py_TYPE(op), rc, NULL);
    return PyBytes_FromStringAndSize((const char *)buf, (Py_ssize_t)len);
}

static PyObject *moments_from_bytes(PyObject *cls, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    svcm_moments m;
    int rc = svcm_moments_load(view.buf, (size_t)view.len, &m, NULL);
    PyBuffer_Release(&view);
    if (rc)
        return svcmpy_raise_type((PyTypeObject *)cls, rc, NULL);
    PyObject *o = PyObject_CallNoArgs(cls);
    if (o != NULL)
        ((MomentsObject *)o)->m = m;
    return o;
}

static PyObject *moments_get(PyObject *op, void *which)
{
    if (moments_idle(op) < 0)
        return NULL;
    const svcm_moments *m = &((MomentsObject *)op)->m;
    switch ((int)(intptr_t)which) {
    case 0:
        return PyLong_FromUnsignedLongLong(m->n);
    case 1:
        return PyFloat_FromDouble(m->n ? m->mean : NAN);
    case 2:
        return PyFloat_FromDouble(m->n ? m->min : NAN);
    default:
        return PyFloat_FromDouble(m->n ? m->max : NAN);
    }
}

static PyObject *moments_repr(PyObject *op)
{
    if (moments_idle(op) < 0)
        return NULL;
    const svcm_moments *m = &((MomentsObject *)op)->m;
    char buf[160];
    snprintf(buf, sizeof buf, "svcm.Moments(n=%llu, mean=%.17g)", (unsigned long long)m->n,
             m->n ? m->mean : NAN);
    return PyUnicode_FromString(buf);
}

static Py_ssize_t moments_len(PyObject *op)
{
    uint64_t n = ((MomentsObject *)op)->m.n;
    return n > (uint64_t)PY_SSIZE_T_MAX ? PY_SSIZE_T_MAX : (Py_ssize_t)n;
}

static PyMethodDef moments_methods[] = {
    {"add", moments_add, METH_O, "add(values) -> None\n\nAdd a number or a sequence/buffer of numbers (all or nothing)."},
    {"merge", moments_merge, METH_O, "merge(other) -> None\n\nAdd another Moments' values to this one."},
    {"variance", moments_variance, METH_NOARGS, "variance() -> float\n\nSample variance (n - 1); EmptyError if n < 2."},
    {"mean_ci", (PyCFunction)(void (*)(void))moments_mean_ci, METH_VARARGS | METH_KEYWORDS,
     "mean_ci(confidence=0.95) -> (lo, hi)\n\nStudent-t interval for the mean."},
    {"to_bytes", moments_to_bytes, METH_NOARGS, "to_bytes() -> bytes\n\nVersioned little-endian state."},
    {"from_bytes", moments_from_bytes, METH_O | METH_CLASS, "from_bytes(b) -> Moments\n\nLoad state saved by to_bytes()."},
    SVCMPY_REDUCE_METHOD,
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef moments_getset[] = {
    {"n", moments_get, NULL, "number of values", (void *)0},
    {"mean", moments_get, NULL, "mean (nan when empty)", (void *)1},
    {"min", moments_get, NULL, "minimum (nan when empty)", (void *)2},
    {"max", moments_get, NULL, "maximum (nan when empty)", (void *)3},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot moments_slots[] = {
    {Py_tp_doc, "Moments(values=None)\n\nRunning count, mean, variance, min and max (Welford), mergeable."},
    {Py_tp_init, moments_init},
    {Py_tp_methods, moments_methods},
    {Py_tp_getset, moments_getset},
    {Py_tp_repr, moments_repr},
    {Py_sq_length, moments_len},
    {0, NULL},
};

static PyType_Spec moments_spec = {"svcm.Moments", sizeof(MomentsObject), 0,
                                   Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, moments_slots};

static PyMethodDef core_methods[] = {
    {"wilson", (PyCFunction)(void (*)(void))py_wilson, METH_VARARGS | METH_KEYWORDS, wilson_doc},
    {"tier_name", py_tier_name, METH_O, tier_name_doc},
    {"tier_parse", py_tier_parse, METH_O, tier_parse_doc},
    {NULL, NULL, 0, NULL},
};

int svcmpy_init_core(PyObject *m)
{
    if (PyModule_AddFunctions(m, core_methods) < 0)
        return -1;
    PyObject *mt = PyType_FromModuleAndSpec(m, &moments_spec, NULL);
    if (mt == NULL)
        return -1;
    if (PyModule_AddObjectRef(m, "Moments", mt) < 0 ||
        svcmpy_engine_set(m, SVCMPY_CORE, PyTuple_Pack(CORE_NITEMS, mt)) < 0) {
        Py_DECREF(mt);
        return -1;
    }
    Py_DECREF(mt);
    PyObject *names = PyTuple_New(SVCM_TIER_COUNT);
    if (names == NULL)
        return -1;
    for (int i = 0; i < SVCM_TIER_COUNT; i++) {
        PyObject *s = PyUnicode_FromString(svcm_tier_name(i));
        if (s == NULL) {
            Py_DECREF(names);
            return -1;
        }
        PyTuple_SET_ITEM(names, i, s);
    }
    if (PyModule_AddObject(m, "TIER_NAMES", names) < 0) {
        Py_DECREF(names);
        return -1;
    }
    static const char *const consts[SVCM_TIER_COUNT] = {"TIER_VIP", "TIER_KEY", "TIER_REGULAR",
                                                        "TIER_POTENTIAL", "TIER_LOST"};
    for (int i = 0; i < SVCM_TIER_COUNT; i++)
        if (PyModule_AddIntConstant(m, consts[i], i) < 0)
            return -1;
    return 0;
}
