/* Runtime of the described surface (bindings/api/<engine>.py -> gen_py.c): record
 * types built from field tables, argument conversions by kind. */
#include "svcmpy.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

PyObject *svcmpy_raise_field(PyObject *module, int rc, const char *field, const char *msg)
{
    svcm_error err;
    svcm_error_clear(&err);
    err.code = rc;
    err.field = field;
    snprintf(err.message, sizeof err.message, "%s", msg);
    return svcmpy_raise(module, rc, &err);
}

int svcmpy_records_init(PyObject *module, PyStructSequence_Desc *const *descs, int n)
{
    PyObject *types = PyTuple_New(n);
    if (types == NULL)
        return -1;
    for (int i = 0; i < n; i++) {
        PyTypeObject *tp = PyStructSequence_NewType(descs[i]);
        if (tp == NULL) {
            Py_DECREF(types);
            return -1;
        }
        /* "svcm.Name": __module__ is "svcm" already; the module attribute
         * is the part after the dot. */
        PyTuple_SET_ITEM(types, i, (PyObject *)tp);
        if (PyModule_AddObjectRef(module, strchr(descs[i]->name, '.') + 1, (PyObject *)tp) < 0) {
            Py_DECREF(types);
            return -1;
        }
    }
    svcmpy_state *st = svcmpy_state_of(module);
    Py_XSETREF(st->records, types);
    return 0;
}

/* One field of the C record at p as a new Python object. */
static PyObject *field_value(const char *p, const svcmpy_rfield *f)
{
    const char *q = p + f->offset;
    switch (f->ctype) {
    case SVCMPY_F64:
    case SVCMPY_F64N: {
        double v;
        memcpy(&v, q, sizeof v);
        return f->ctype == SVCMPY_F64N && isnan(v) ? Py_NewRef(Py_None) : PyFloat_FromDouble(v);
    }
    case SVCMPY_I64:
    case SVCMPY_I64N: {
        int64_t v;
        memcpy(&v, q, sizeof v);
        return f->ctype == SVCMPY_I64N && v == INT64_MAX ? Py_NewRef(Py_None)
                                                         : PyLong_FromLongLong((long long)v);
    }
    case SVCMPY_SIZE: {
        size_t v;
        memcpy(&v, q, sizeof v);
        return PyLong_FromSize_t(v);
    }
    case SVCMPY_U32: {
        uint32_t v;
        memcpy(&v, q, sizeof v);
        return PyLong_FromUnsignedLong(v);
    }
    case SVCMPY_U64: {
        uint64_t v;
        memcpy(&v, q, sizeof v);
        return PyLong_FromUnsignedLongLong(v);
    }
    case SVCMPY_U8: {
        uint8_t v;
        memcpy(&v, q, sizeof v);
        return PyLong_FromLong(v);
    }
    case SVCMPY_BOOL: {
        bool v;
        memcpy(&v, q, sizeof v);
        return PyBool_FromLong(v);
    }
    case SVCMPY_STR: {
        const char *v;
        memcpy(&v, q, sizeof v);
        return v ? PyUnicode_FromString(v) : Py_NewRef(Py_None);
    }
    case SVCMPY_INTERVAL: {
        svcm_interval v;
        memcpy(&v, q, sizeof v);
        return svcmpy_interval(v);
    }
    default: { /* SVCMPY_INT, SVCMPY_IBOOL, SVCMPY_NAME: an int */
        int v;
        memcpy(&v, q, sizeof v);
        if (f->ctype == SVCMPY_IBOOL)
            return PyBool_FromLong(v);
        if (f->ctype == SVCMPY_NAME) {
            const char *s = f->name_of(v);
            return s ? PyUnicode_FromString(s) : Py_NewRef(Py_None);
        }
        return PyLong_FromLong(v);
    }
    }
}

PyObject *svcmpy_record(PyObject *module, int index, const void *rec,
                        const svcmpy_rfield *fields, int nfields)
{
    svcmpy_state *st = svcmpy_state_of(module);
    if (st == NULL || st->records == NULL || index < 0 ||
        index >= PyTuple_GET_SIZE(st->records)) {
        PyErr_SetString(PyExc_SystemError, "svcm: record type missing");
        return NULL;
    }
    PyObject *o = PyStructSequence_New((PyTypeObject *)PyTuple_GET_ITEM(st->records, index));
    if (o == NULL)
        return NULL;
    for (int i = 0; i < nfields; i++) {
        PyObject *v = field_value(rec, &fields[i]);
        if (v == NULL) {
            /* The struct sequence's dealloc tolerates the NULL items left. */
            Py_DECREF(o);
            return NULL;
        }
        PyStructSequence_SetItem(o, i, v);
    }
    return o;
}

/* The name of an argument that may be None starts with '?' (the
 * generator's mark): its TypeError says so, and the field is the rest. */
static const char *or_none(const char **name)
{
    if ((*name)[0] != '?')
        return "";
    (*name)++;
    return " or None";
}

int svcmpy_arg_f64(PyObject *module, PyObject *obj, const char *name, double *out)
{
    const char *alt = or_none(&name);
    int rc = svcmpy_as_double(obj, out);
    if (rc == 1 && alt[0])
        PyErr_Format(PyExc_TypeError, "%s: expected a number%s", name, alt);
    else if (rc == 1)
        PyErr_Format(PyExc_TypeError, "%s: expected a number, got %s", name,
                     Py_TYPE(obj)->tp_name);
    else if (rc == 2)
        svcmpy_raise_field(module, SVCM_EINVAL, name, "out of the range of a double");
    return rc == 0 ? 0 : -1;
}

/* An integer in [lo, hi]; TypeError for a non-integer (floats included). */
static int arg_range(PyObject *module, PyObject *obj, const char *name, int64_t lo, int64_t hi,
                     int64_t *out)
{
    const char *alt = or_none(&name);
    int rc = svcmpy_as_int64(obj, out);
    if (rc == 1 && alt[0]) {
        PyErr_Format(PyExc_TypeError, "%s: expected an int%s", name, alt);
        return -1;
    }
    if (rc == 1) {
        PyErr_Format(PyExc_TypeError, "%s: expected an int, got %s", name, Py_TYPE(obj)->tp_name);
        return -1;
    }
    if (rc == -1)
        return -1;
    if (rc == 2 || *out < lo || *out > hi) {
        char msg[96];
        snprintf(msg, sizeof msg, "must be an integer in [%lld, %lld]", (long long)lo,
                 (long long)hi);
        svcmpy_raise_field(module, SVCM_EINVAL, name, msg);
        return -1;
    }
    return 0;
}

int svcmpy_arg_i64(PyObject *module, PyObject *obj, const char *name, int64_t *out)
{
    return arg_range(module, obj, name, INT64_MIN, INT64_MAX, out);
}

int svcmpy_arg_u32(PyObject *module, PyObject *obj, const char *name, uint32_t *out)
{
    int64_t v;
    if (arg_range(module, obj, name, 0, UINT32_MAX, &v) < 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

int svcmpy_arg_int(PyObject *module, PyObject *obj, const char *name, int *out)
{
    int64_t v;
    if (arg_range(module, obj, name, INT_MIN, INT_MAX, &v) < 0)
        return -1;
    *out = (int)v;
    return 0;
}

int svcmpy_arg_size(PyObject *module, PyObject *obj, const char *name, size_t *out)
{
    int64_t v;
    if (arg_range(module, obj, name, 0, PY_SSIZE_T_MAX, &v) < 0)
        return -1;
    *out = (size_t)v;
    return 0;
}

int svcmpy_arg_bool(PyObject *module, PyObject *obj, const char *name, bool *out)
{
    (void)module;
    (void)name;
    int t = PyObject_IsTrue(obj);
    if (t < 0)
        return -1;
    *out = t != 0;
    return 0;
}

int svcmpy_arg_str(PyObject *module, PyObject *obj, const char *name, const char **out)
{
    (void)module;
    (void)or_none(&name);
    if (!PyUnicode_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s: expected a str, got %s", name, Py_TYPE(obj)->tp_name);
        return -1;
    }
    Py_ssize_t len;
    const char *s = PyUnicode_AsUTF8AndSize(obj, &len);
    if (s == NULL)
        return -1;
    if ((size_t)len != strlen(s)) {
        PyErr_Format(PyExc_ValueError, "%s: embedded null character", name);
        return -1;
    }
    *out = s;
    return 0;
}

int svcmpy_arg_count(PyObject *module, PyObject *obj, const char *name, uint64_t *out)
{
    const char *alt = or_none(&name);
    if (!PyLong_Check(obj) && PyIndex_Check(obj) == 0) {
        PyErr_Format(PyExc_TypeError, "%s: expected an int%s, got %s", name, alt,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    PyObject *v = PyNumber_Index(obj);
    if (v == NULL)
        return -1;
    /* Negative: InvalidInput naming the argument; too large: the
     * OverflowError Python gives for any int that does not fit. */
    int overflow = 0;
    long long sv = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (sv == -1 && overflow == 0 && PyErr_Occurred()) {
        Py_DECREF(v);
        return -1;
    }
    if (overflow < 0 || (overflow == 0 && sv < 0)) {
        Py_DECREF(v);
        svcmpy_raise_field(module, SVCM_EINVAL, name, "must be an integer >= 0");
        return -1;
    }
    unsigned long long x = PyLong_AsUnsignedLongLong(v);
    Py_DECREF(v);
    if (x == (unsigned long long)-1 && PyErr_Occurred())
        return -1;
    *out = (uint64_t)x;
    return 0;
}

int svcmpy_add_members(PyObject *type, PyMethodDef *methods, PyGetSetDef *getsets)
{
    /* Into the type's dict directly, as type creation does: attribute
     * assignment is refused on immutable types (Py_TPFLAGS_IMMUTABLETYPE). */
    PyTypeObject *tp = (PyTypeObject *)type;
    PyObject *dict = tp->tp_dict;
    for (PyMethodDef *m = methods; m->ml_name != NULL; m++) {
        PyObject *d = PyDescr_NewMethod(tp, m);
        int rc = d == NULL ? -1 : PyDict_SetItemString(dict, m->ml_name, d);
        Py_XDECREF(d);
        if (rc < 0)
            return -1;
    }
    for (PyGetSetDef *g = getsets; g->name != NULL; g++) {
        PyObject *d = PyDescr_NewGetSet(tp, g);
        int rc = d == NULL ? -1 : PyDict_SetItemString(dict, g->name, d);
        Py_XDECREF(d);
        if (rc < 0)
            return -1;
    }
    PyType_Modified(tp);
    return 0;
}

int svcmpy_arg_choice(PyObject *obj, const char *name, const char *const *choices, int *out)
{
    const char *alt = or_none(&name);
    const char *s = PyUnicode_Check(obj) ? PyUnicode_AsUTF8(obj) : NULL;
    if (s == NULL && !PyErr_Occurred())
        PyErr_Format(PyExc_TypeError, "%s: expected a str%s, got %s", name, alt,
                     Py_TYPE(obj)->tp_name);
    if (s == NULL)
        return -1;
    for (int i = 0; choices[i] != NULL; i++) {
        if (strcmp(s, choices[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    char list[160] = "";
    size_t used = 0;
    for (int i = 0; choices[i] != NULL && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s'%s'",
                                 i == 0 ? "" : choices[i + 1] == NULL ? " or " : ", ", choices[i]);
    PyErr_Format(PyExc_ValueError, "%s: expected %s, got '%.60s'", name, list, s);
    return -1;
}

/* A plain number (int, float, numpy scalar), not a sequence or buffer. */
static int is_number(PyObject *o)
{
    return PyNumber_Check(o) && !PySequence_Check(o) && !PyObject_CheckBuffer(o);
}

int svcmpy_bcast_get(svcmpy_bcast *c, int k, PyObject *const *objs, const char *const *names,
                     int want_out)
{
    c->k = k;
    c->n = -1;
    c->all_scalar = 1;
    for (int i = 0; i < k; i++) {
        if (is_number(objs[i])) {
            c->scalar[i] = PyFloat_AsDouble(objs[i]);
            if (c->scalar[i] == -1.0 && PyErr_Occurred())
                return -1;
            continue;
        }
        c->all_scalar = 0;
        if (svcmpy_doubles(objs[i], &c->arr[i], names[i]) < 0)
            return -1;
        if (c->n >= 0 && c->arr[i].n != c->n) {
            PyErr_Format(PyExc_ValueError, "%s has %zd items, expected %zd (like the arrays "
                         "before it)", names[i], c->arr[i].n, c->n);
            return -1;
        }
        c->n = c->arr[i].n;
        c->data[i] = c->arr[i].data;
    }
    if (c->all_scalar)
        c->n = 1;
    size_t bytes = (c->n > 0 ? (size_t)c->n : 1) * sizeof(double);
    for (int i = 0; i < k; i++) {
        if (c->data[i] != NULL)
            continue;
        if (c->all_scalar) {
            c->data[i] = &c->scalar[i];
            continue;
        }
        c->fill[i] = PyMem_Malloc(bytes);
        if (c->fill[i] == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t j = 0; j < c->n; j++)
            c->fill[i][j] = c->scalar[i];
        c->data[i] = c->fill[i];
    }
    if (want_out) {
        c->out = c->all_scalar ? &c->out1 : svcmpy_column_alloc('d', c->n);
        if (c->out == NULL)
            return -1;
    }
    return 0;
}

PyObject *svcmpy_bcast_result(PyObject *module, svcmpy_bcast *c)
{
    if (c->all_scalar)
        return PyFloat_FromDouble(c->out[0]);
    double *data = c->out;
    c->out = NULL; /* the column owns it now, also when making it fails */
    return svcmpy_column_new(module, 'd', c->n, data);
}

void svcmpy_bcast_release(svcmpy_bcast *c)
{
    for (int i = 0; i < c->k; i++) {
        svcmpy_array_release(&c->arr[i]);
        PyMem_Free(c->fill[i]);
        c->fill[i] = NULL;
    }
    if (c->out != &c->out1)
        PyMem_Free(c->out);
    c->out = NULL;
}

PyObject *svcmpy_record_dict(const void *rec, const svcmpy_rfield *fields,
                             const char *const *names, int nfields)
{
    PyObject *d = PyDict_New();
    for (int i = 0; d != NULL && i < nfields; i++) {
        PyObject *v = field_value(rec, &fields[i]);
        if (v == NULL || PyDict_SetItemString(d, names[i], v) < 0)
            Py_CLEAR(d);
        Py_XDECREF(v);
    }
    return d;
}

/* ------------------------------------------------------- managed classes */
void *svcmpy_handle_ready(PyObject *op)
{
    svcmpy_handle *self = (svcmpy_handle *)op;
    if (self->h == NULL || self->busy) {
        svcmpy_state_error(Py_TYPE(op), self->h == NULL ? "object is not initialised"
                                                        : "object is in use by another thread");
        return NULL;
    }
    return self->h;
}

void *svcmpy_handle_enter(PyObject *op)
{
    void *h = svcmpy_handle_ready(op);
    if (h != NULL)
        ((svcmpy_handle *)op)->busy = 1;
    return h;
}

void svcmpy_handle_leave(PyObject *op) { ((svcmpy_handle *)op)->busy = 0; }

int svcmpy_handle_is(PyObject *obj, const svcmpy_class *c)
{
    /* By the dealloc slot, so that instances from another svcm module
     * object (subinterpreters, reloads) and subclasses count. */
    PyObject *mro = Py_TYPE(obj)->tp_mro;
    if (mro == NULL || !PyTuple_Check(mro))
        return 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(mro); i++) {
        PyTypeObject *t = (PyTypeObject *)PyTuple_GET_ITEM(mro, i);
        if (PyType_HasFeature(t, Py_TPFLAGS_HEAPTYPE) &&
            PyType_GetSlot(t, Py_tp_dealloc) == (void *)c->dealloc)
            return 1;
    }
    return 0;
}

void *svcmpy_handle_of(PyObject *obj, const svcmpy_class *c, const char *what)
{
    if (!svcmpy_handle_is(obj, c)) {
        PyErr_Format(PyExc_TypeError, "%s: expected %s, got %s", what, c->name,
                     Py_TYPE(obj)->tp_name);
        return NULL;
    }
    return svcmpy_handle_ready(obj);
}

int svcmpy_handle_set(PyObject *op, void *h, const svcmpy_class *c)
{
    svcmpy_handle *self = (svcmpy_handle *)op;
    if (self->busy) {
        c->free(h);
        svcmpy_state_error(Py_TYPE(op), "object is in use by another thread");
        return -1;
    }
    void *old = self->h;
    self->h = h;
    if (old != NULL)
        c->free(old);
    return 0;
}

void svcmpy_handle_dealloc(PyObject *op, const svcmpy_class *c)
{
    svcmpy_handle *self = (svcmpy_handle *)op;
    PyTypeObject *tp = Py_TYPE(op);
    if (self->h != NULL)
        c->free(self->h);
    self->h = NULL;
    tp->tp_free(op);
    Py_DECREF(tp);
}

PyObject *svcmpy_handle_merge(PyObject *op, PyObject *other, const svcmpy_class *c)
{
    void *src = svcmpy_handle_of(other, c, "merge");
    void *dst = src != NULL ? svcmpy_handle_ready(op) : NULL;
    if (dst == NULL)
        return NULL;
    int rc = c->merge(dst, src);
    if (rc) {
        svcm_error err;
        svcm_error_clear(&err);
        snprintf(err.message, sizeof err.message, "%s",
                 rc == SVCM_EMISMATCH && c->mismatch ? c->mismatch : svcm_strerror(rc));
        return svcmpy_raise_type(Py_TYPE(op), rc, &err);
    }
    Py_RETURN_NONE;
}

PyObject *svcmpy_handle_save(PyObject *op, const svcmpy_class *c)
{
    void *h = svcmpy_handle_ready(op);
    if (h == NULL)
        return NULL;
    size_t len = 0;
    c->save(h, NULL, 0, &len);
    PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)len);
    if (b == NULL)
        return NULL;
    int rc = c->save(h, (unsigned char *)PyBytes_AS_STRING(b), len, NULL);
    if (rc) {
        Py_DECREF(b);
        return svcmpy_raise_type(Py_TYPE(op), rc, NULL);
    }
    return b;
}

PyObject *svcmpy_handle_load(PyObject *cls, PyObject *arg, const svcmpy_class *c)
{
    PyTypeObject *tp = (PyTypeObject *)cls;
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    void *h = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = c->load(view.buf, (size_t)view.len, &h, &err);
    PyBuffer_Release(&view);
    if (rc)
        return svcmpy_raise_type(tp, rc, &err);
    PyObject *o = tp->tp_alloc(tp, 0);
    if (o == NULL) {
        c->free(h);
        return NULL;
    }
    ((svcmpy_handle *)o)->h = h;
    return o;
}

PyObject *svcmpy_handle_repr(PyObject *op, const svcmpy_class *c)
{
    svcmpy_handle *self = (svcmpy_handle *)op;
    if (self->h == NULL || self->busy)
        return PyUnicode_FromFormat("%s(<uninitialised or busy>)", c->name);
    if (c->repr == NULL)
        return PyUnicode_FromFormat("%s()", c->name);
    char buf[256];
    c->repr(self->h, buf, sizeof buf);
    return PyUnicode_FromString(buf);
}

Py_ssize_t svcmpy_handle_len(PyObject *op, const svcmpy_class *c)
{
    void *h = svcmpy_handle_ready(op);
    if (h == NULL)
        return -1;
    uint64_t n = c->count(h);
    return n > (uint64_t)PY_SSIZE_T_MAX ? PY_SSIZE_T_MAX : (Py_ssize_t)n;
}

/* ---------------------------------------------------------- input records */
static int record_field_in(PyObject *key, PyObject *value, const svcmpy_rfield *fields,
                           const char *const *names, int nfields, void *out, const char *where);

int svcmpy_record_in(PyObject *obj, const svcmpy_rfield *fields, const char *const *names,
                     int nfields, void *out, const char *what, Py_ssize_t index)
{
    char where[96];
    if (index < 0)
        snprintf(where, sizeof where, "%s", what);
    else
        snprintf(where, sizeof where, "%s[%zd]", what, index);
    if (!PyDict_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s: expected a dict, got %s", where, Py_TYPE(obj)->tp_name);
        return -1;
    }
    /* The items first: reading a value may run Python code (__float__)
     * that changes the dict. */
    PyObject *items = PyDict_Items(obj);
    if (items == NULL)
        return -1;
    int result = 0;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(items) && result == 0; k++) {
        PyObject *key = PyTuple_GET_ITEM(PyList_GET_ITEM(items, k), 0);
        PyObject *value = PyTuple_GET_ITEM(PyList_GET_ITEM(items, k), 1);
        result = record_field_in(key, value, fields, names, nfields, out, where);
    }
    Py_DECREF(items);
    return result;
}

static int record_field_in(PyObject *key, PyObject *value, const svcmpy_rfield *fields,
                           const char *const *names, int nfields, void *out, const char *where)
{
    const char *name = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
    if (name == NULL) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s: keys must be field names", where);
        return -1;
    }
    int i = 0;
    while (i < nfields && strcmp(names[i], name) != 0)
        i++;
    if (i == nfields) {
        PyErr_Format(PyExc_TypeError, "%s: unknown field '%s'", where, name);
        return -1;
    }
    char *p = (char *)out + fields[i].offset;
    int rc;
    if (fields[i].ctype == SVCMPY_I64) {
        int64_t v;
        rc = svcmpy_as_int64(value, &v);
        if (rc == 0)
            memcpy(p, &v, sizeof v);
    } else {
        double v;
        rc = svcmpy_as_double(value, &v);
        if (rc == 0)
            memcpy(p, &v, sizeof v);
    }
    if (rc > 0)
        PyErr_Format(PyExc_TypeError, "%s.%s: expected a number", where, name);
    if (rc != 0)
        return -1;
    return 0;
}

void *svcmpy_records_in(PyObject *seq_obj, const svcmpy_rfield *fields, const char *const *names,
                        int nfields, size_t size, const char *what, size_t *n)
{
    char msg[96];
    snprintf(msg, sizeof msg, "%s: expected a sequence of dicts", what);
    PyObject *seq = svcmpy_snapshot(seq_obj, msg); /* hooks may change the original */
    if (seq == NULL)
        return NULL;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(seq);
    char *arr = (size_t)len > ((size_t)PY_SSIZE_T_MAX - 1) / size
                    ? NULL
                    : PyMem_Calloc(len > 0 ? (size_t)len : 1, size);
    if (arr == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < len; i++)
        if (svcmpy_record_in(PySequence_Fast_GET_ITEM(seq, i), fields, names, nfields,
                             arr + (size_t)i * size, what, i) < 0) {
            PyMem_Free(arr);
            Py_DECREF(seq);
            return NULL;
        }
    Py_DECREF(seq);
    *n = (size_t)len;
    return arr;
}

PyObject *svcmpy_handle_wrap(PyObject *module, const svcmpy_class *c, void *h)
{
    PyObject *tp = PyObject_GetAttrString(module, c->name + 5); /* after "svcm." */
    PyObject *o = tp != NULL && PyType_Check(tp) ? ((PyTypeObject *)tp)->tp_alloc((PyTypeObject *)tp, 0)
                                                 : NULL;
    if (tp != NULL && !PyType_Check(tp))
        PyErr_Format(PyExc_TypeError, "svcm.%s is not a type", c->name + 5);
    Py_XDECREF(tp);
    if (o == NULL) {
        c->free(h);
        return NULL;
    }
    ((svcmpy_handle *)o)->h = h;
    return o;
}

int svcmpy_codes(PyObject *obj, svcmpy_array *out, const char *name, const char *const *choices)
{
    memset(out, 0, sizeof *out);
    /* Integer arrays in C; names (lists, object arrays, pandas Series of
     * str) item by item. */
    if (!PyList_Check(obj) && !PyTuple_Check(obj)) {
        if (svcmpy_int64s(obj, out, name) == 0)
            return 0;
        if (!PyErr_ExceptionMatches(PyExc_TypeError) && !PyErr_ExceptionMatches(PyExc_ValueError))
            return -1;
        PyErr_Clear();
        memset(out, 0, sizeof *out);
    }
    PyObject *items = svcmpy_snapshot(obj, "expected a sequence"); /* hooks may change obj */
    if (items == NULL)
        return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(items);
    int64_t *v = PyMem_Malloc(n > 0 ? (size_t)n * sizeof *v : 1);
    if (v == NULL) {
        Py_DECREF(items);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *it = PyTuple_GET_ITEM(items, i);
        int rc = 0;
        if (PyUnicode_Check(it)) {
            const char *s = PyUnicode_AsUTF8(it);
            int k = 0;
            while (s != NULL && choices[k] != NULL && strcmp(choices[k], s) != 0)
                k++;
            if (s != NULL && choices[k] == NULL)
                PyErr_Format(PyExc_ValueError, "%s[%zd]: '%s' is not one of the names", name, i,
                             s);
            rc = s != NULL && choices[k] != NULL ? 0 : -1;
            v[i] = k;
        } else if ((rc = svcmpy_as_int64(it, &v[i])) > 0) {
            PyErr_Format(PyExc_TypeError, "%s[%zd]: expected a str or an int, got %s", name, i,
                         Py_TYPE(it)->tp_name);
        }
        if (rc != 0) {
            PyMem_Free(v);
            Py_DECREF(items);
            return -1;
        }
    }
    Py_DECREF(items);
    out->data = v;
    out->owned = v;
    out->n = n;
    return 0;
}
