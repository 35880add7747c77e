/* Conversions between Python objects and C arrays for the svcm extension. */
#include "svcmpy.h"

#include <math.h>
#include <string.h>

PyObject *svcmpy_snapshot(PyObject *obj, const char *msg)
{
    if (PyTuple_Check(obj))
        return Py_NewRef(obj);
    PyObject *t = PySequence_Tuple(obj);
    if (t == NULL && PyErr_ExceptionMatches(PyExc_TypeError)) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError, msg);
    }
    return t;
}

void svcmpy_array_release(svcmpy_array *a)
{
    if (a == NULL)
        return;
    if (a->has_view) {
        PyBuffer_Release(&a->view);
        a->has_view = 0;
    }
    PyMem_Free(a->owned);
    a->owned = NULL;
    a->data = NULL;
    a->n = 0;
}

/* The element code of a buffer's format, with a native byte-order prefix
 * stripped; 0 when the format is not a single native scalar. */
static char scalar_code(const char *fmt)
{
    if (fmt == NULL)
        return 'B';
    if (fmt[0] == '@' || fmt[0] == '=' || fmt[0] == '<')
        fmt++;
    if (fmt[0] == '\0' || fmt[1] != '\0')
        return 0;
    return strchr("bBhHiIlLqQnNfd?", fmt[0]) ? fmt[0] : 0;
}

/* Read element i (at p) of a buffer with code c as double / int64. */
static double item_double(char c, const char *p)
{
    switch (c) {
#define SVCMPY_CASE(code, type)                                                \
    case code: {                                                               \
        type v;                                                                \
        memcpy(&v, p, sizeof v);                                               \
        return (double)v;                                                      \
    }
        SVCMPY_CASE('b', signed char)
        SVCMPY_CASE('B', unsigned char)
        SVCMPY_CASE('h', short)
        SVCMPY_CASE('H', unsigned short)
        SVCMPY_CASE('i', int)
        SVCMPY_CASE('I', unsigned int)
        SVCMPY_CASE('l', long)
        SVCMPY_CASE('L', unsigned long)
        SVCMPY_CASE('q', long long)
        SVCMPY_CASE('Q', unsigned long long)
        SVCMPY_CASE('n', Py_ssize_t)
        SVCMPY_CASE('N', size_t)
        SVCMPY_CASE('f', float)
        SVCMPY_CASE('d', double)
        SVCMPY_CASE('?', _Bool)
#undef SVCMPY_CASE
    default:
        return NAN;
    }
}

static int u64_to_i64(unsigned long long v, int64_t *out)
{
    if (v > (unsigned long long)INT64_MAX)
        return -1;
    *out = (int64_t)v;
    return 0;
}

static int item_int64(char c, const char *p, int64_t *out)
{
    switch (c) {
#define SVCMPY_SIGNED(code, type)                                              \
    case code: {                                                               \
        type v;                                                                \
        memcpy(&v, p, sizeof v);                                               \
        *out = (int64_t)v;                                                     \
        return 0;                                                              \
    }
#define SVCMPY_UNSIGNED(code, type)                                            \
    case code: {                                                               \
        type v;                                                                \
        memcpy(&v, p, sizeof v);                                               \
        return u64_to_i64((unsigned long long)v, out);                         \
    }
        SVCMPY_SIGNED('b', signed char)
        SVCMPY_SIGNED('h', short)
        SVCMPY_SIGNED('i', int)
        SVCMPY_SIGNED('l', long)
        SVCMPY_SIGNED('q', long long)
        SVCMPY_SIGNED('n', Py_ssize_t)
        SVCMPY_UNSIGNED('B', unsigned char)
        SVCMPY_UNSIGNED('H', unsigned short)
        SVCMPY_UNSIGNED('I', unsigned int)
        SVCMPY_UNSIGNED('L', unsigned long)
        SVCMPY_UNSIGNED('Q', unsigned long long)
        SVCMPY_UNSIGNED('N', size_t)
        SVCMPY_UNSIGNED('?', _Bool)
#undef SVCMPY_SIGNED
#undef SVCMPY_UNSIGNED
    default: { /* 'f', 'd': only integral values in range */
        double d = item_double(c, p);
        if (!isfinite(d) || d != floor(d) || d < -9.2233720368547758e18 ||
            d >= 9.2233720368547758e18)
            return -1;
        *out = (int64_t)d;
        return 0;
    }
    }
}

/* Shared body: want_int selects int64 output. */
static int to_array(PyObject *obj, svcmpy_array *out, const char *argname,
                    int want_int)
{
    memset(out, 0, sizeof *out);
    if (obj == NULL || obj == Py_None) {
        PyErr_Format(PyExc_TypeError, "%s: expected a sequence or buffer of numbers, got None",
                     argname);
        return -1;
    }
    const size_t esz = want_int ? sizeof(int64_t) : sizeof(double);
    if (PyObject_CheckBuffer(obj) && !PyUnicode_Check(obj)) {
        if (PyObject_GetBuffer(obj, &out->view, PyBUF_RECORDS_RO) != 0)
            return -1;
        out->has_view = 1;
        Py_buffer *v = &out->view;
        if (v->ndim > 1) {
            PyErr_Format(PyExc_ValueError, "%s: expected a 1-dimensional buffer, got %d dimensions",
                         argname, v->ndim);
            goto fail;
        }
        char c = scalar_code(v->format);
        if (c == 0) {
            PyErr_Format(PyExc_TypeError, "%s: unsupported buffer format '%s' (need native numbers)",
                         argname, v->format ? v->format : "B");
            goto fail;
        }
        Py_ssize_t n = v->ndim == 0 ? 1 : v->shape[0];
        Py_ssize_t stride = v->ndim == 0 ? v->itemsize : v->strides[0];
        out->n = n;
        char want = want_int ? 'q' : 'd';
        if ((c == want || (want_int && (c == 'l' || c == 'n'))) &&
            v->itemsize == (Py_ssize_t)esz && stride == (Py_ssize_t)esz) {
            out->data = v->buf;
            return 0;
        }
        out->owned = PyMem_Malloc(n > 0 ? (size_t)n * esz : 1);
        if (out->owned == NULL) {
            PyErr_NoMemory();
            goto fail;
        }
        const char *base = v->buf;
        for (Py_ssize_t i = 0; i < n; i++) {
            const char *p = base + i * stride;
            if (want_int) {
                if (item_int64(c, p, (int64_t *)out->owned + i) != 0) {
                    PyErr_Format(PyExc_ValueError, "%s[%zd]: not an integer in the int64 range",
                                 argname, i);
                    goto fail;
                }
            } else {
                ((double *)out->owned)[i] = item_double(c, p);
            }
        }
        out->data = out->owned;
        PyBuffer_Release(&out->view);
        out->has_view = 0;
        return 0;
    }
    /* A tuple snapshot, not the list itself: converting an item may run
     * Python code (__float__, __index__) that shrinks the list. */
    PyObject *seq = PySequence_Check(obj) ? PySequence_Tuple(obj) : NULL;
    if (seq == NULL) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s: expected a sequence or buffer of numbers, got %s",
                     argname, Py_TYPE(obj)->tp_name);
        return -1;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    out->n = n;
    out->owned = PyMem_Malloc(n > 0 ? (size_t)n * esz : 1);
    if (out->owned == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
        if (!PyNumber_Check(item) || PyComplex_Check(item)) {
            PyErr_Format(PyExc_TypeError, "%s[%zd]: expected a number, got %s", argname, i,
                         Py_TYPE(item)->tp_name);
            goto seq_fail;
        }
        if (want_int) {
            int64_t val;
            if (PyFloat_Check(item)) {
                double d = PyFloat_AS_DOUBLE(item);
                if (!isfinite(d) || d != floor(d) || d < -9.2233720368547758e18 ||
                    d >= 9.2233720368547758e18) {
                    PyErr_Format(PyExc_ValueError, "%s[%zd]: not an integer in the int64 range",
                                 argname, i);
                    goto seq_fail;
                }
                val = (int64_t)d;
            } else {
                long long ll = PyLong_AsLongLong(item);
                if (ll == -1 && PyErr_Occurred()) {
                    PyErr_Clear();
                    PyErr_Format(PyExc_ValueError, "%s[%zd]: not an integer in the int64 range",
                                 argname, i);
                    goto seq_fail;
                }
                val = (int64_t)ll;
            }
            ((int64_t *)out->owned)[i] = val;
        } else {
            double d = PyFloat_AsDouble(item);
            if (d == -1.0 && PyErr_Occurred()) {
                PyErr_Clear();
                PyErr_Format(PyExc_TypeError, "%s[%zd]: expected a number", argname, i);
                goto seq_fail;
            }
            ((double *)out->owned)[i] = d;
        }
    }
    Py_DECREF(seq);
    out->data = out->owned;
    return 0;
seq_fail:
    Py_DECREF(seq);
fail:
    svcmpy_array_release(out);
    return -1;
}

int svcmpy_doubles(PyObject *obj, svcmpy_array *out, const char *argname)
{
    return to_array(obj, out, argname, 0);
}

int svcmpy_int64s(PyObject *obj, svcmpy_array *out, const char *argname)
{
    return to_array(obj, out, argname, 1);
}

PyObject *svcmpy_list_from_doubles(const double *v, size_t n)
{
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (list == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        PyObject *f = PyFloat_FromDouble(v[i]);
        if (f == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, f);
    }
    return list;
}

PyObject *svcmpy_list_from_int64s(const int64_t *v, size_t n)
{
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (list == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        PyObject *x = PyLong_FromLongLong((long long)v[i]);
        if (x == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, x);
    }
    return list;
}

PyObject *svcmpy_interval(svcm_interval iv)
{
    return Py_BuildValue("(dd)", iv.lo, iv.hi);
}
