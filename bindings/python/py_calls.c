/* Python binding of the call-log accumulator: svcm.Calls. */
#include "svcmpy.h"
#include "gen_py.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svcm/calls.h"

int svcmpy_init_calls(PyObject *module);

/* The type, its constructor, merge, save and load are generated
 * (bindings/api/calls.py); add and add_batch take outcomes as names or codes,
 * which the description has no kind for. */
static const char *const outcome_names[3] = {"answered", "abandoned", "other"};
static const char *const sl_names[3] = {"ignore", "against", "met"};

/* An outcome from "answered" / "abandoned" / "other" or 0 / 1 / 2. */
static int outcome_of(PyObject *obj, svcm_calls_outcome *out)
{
    if (PyUnicode_Check(obj)) {
        const char *s = PyUnicode_AsUTF8(obj);
        if (s == NULL)
            return -1;
        for (int k = 0; k < 3; k++)
            if (strcmp(s, outcome_names[k]) == 0) {
                *out = (svcm_calls_outcome)k;
                return 0;
            }
        PyErr_Format(PyExc_ValueError,
                     "outcome: '%s' is not 'answered', 'abandoned' or 'other'", s);
        return -1;
    }
    int64_t v;
    int rc = svcmpy_as_int64(obj, &v);
    if (rc < 0)
        return -1;
    if (rc != 0) {
        PyErr_Format(PyExc_TypeError, "outcome: expected a str or an int, got %s",
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    /* Out-of-range integers reach the library, which names the field. */
    *out = (svcm_calls_outcome)(v < -1 || v > 3 ? 3 : v);
    return 0;
}

static PyObject *calls_add(PyObject *op, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"arrival", "queue_start", "queue_end", "service_start",
                             "service_end", "outcome", NULL};
    svcm_calls_record r = {NAN, NAN, NAN, NAN, NAN, SVCM_CALLS_OUTCOME_ANSWERED};
    PyObject *outcome = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "d|ddddO:add", kwlist, &r.arrival,
                                     &r.queue_start, &r.queue_end, &r.service_start,
                                     &r.service_end, &outcome))
        return NULL;
    if (outcome != NULL && outcome_of(outcome, &r.outcome) < 0)
        return NULL;
    svcm_calls *c = svcmpy_handle_ready(op);
    if (c == NULL)
        return NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_calls_add(c, &r, &err);
    return rc ? svcmpy_raise_type(Py_TYPE(op), rc, &err) : Py_NewRef(Py_None);
}

/* Outcomes of a batch: a buffer of integers, or any iterable of str / int. */
static int outcomes_of(PyObject *obj, svcm_calls_outcome **out, Py_ssize_t *n)
{
    if (PyObject_CheckBuffer(obj)) {
        svcmpy_array a;
        if (svcmpy_int64s(obj, &a, "outcome") < 0)
            return -1;
        svcm_calls_outcome *v = PyMem_Malloc(a.n > 0 ? (size_t)a.n * sizeof *v : 1);
        if (v == NULL) {
            svcmpy_array_release(&a);
            PyErr_NoMemory();
            return -1;
        }
        const int64_t *x = a.data;
        for (Py_ssize_t i = 0; i < a.n; i++)
            v[i] = (svcm_calls_outcome)(x[i] < -1 || x[i] > 3 ? 3 : x[i]);
        *n = a.n;
        svcmpy_array_release(&a);
        *out = v;
        return 0;
    }
    PyObject *t = svcmpy_snapshot(obj, "outcome: expected a sequence of str or int");
    if (t == NULL)
        return -1;
    Py_ssize_t m = PyTuple_GET_SIZE(t);
    svcm_calls_outcome *v = PyMem_Malloc(m > 0 ? (size_t)m * sizeof *v : 1);
    if (v == NULL) {
        Py_DECREF(t);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < m; i++)
        if (outcome_of(PyTuple_GET_ITEM(t, i), &v[i]) < 0) {
            PyMem_Free(v);
            Py_DECREF(t);
            return -1;
        }
    Py_DECREF(t);
    *out = v;
    *n = m;
    return 0;
}

static PyObject *calls_add_batch(PyObject *op, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"arrival", "queue_start", "queue_end", "service_start",
                             "service_end", "outcome", NULL};
    static const char *const names[5] = {"arrival", "queue_start", "queue_end",
                                         "service_start", "service_end"};
    PyObject *obj[5] = {NULL, Py_None, Py_None, Py_None, Py_None};
    PyObject *outcome = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OOOO$O:add_batch", kwlist, &obj[0], &obj[1],
                                     &obj[2], &obj[3], &obj[4], &outcome))
        return NULL;
    if (outcome == NULL) {
        PyErr_SetString(PyExc_TypeError, "add_batch: outcome= is required");
        return NULL;
    }
    svcmpy_array a[5];
    memset(a, 0, sizeof a);
    const double *col[5] = {NULL, NULL, NULL, NULL, NULL};
    svcm_calls_outcome *out = NULL;
    Py_ssize_t n = 0;
    PyObject *res = NULL;
    for (int k = 0; k < 5; k++) {
        if (obj[k] == Py_None)
            continue;
        if (svcmpy_doubles(obj[k], &a[k], names[k]) < 0)
            goto done;
        col[k] = a[k].data;
    }
    if (outcomes_of(outcome, &out, &n) < 0)
        goto done;
    for (int k = 0; k < 5; k++)
        if (col[k] != NULL && a[k].n != n) {
            PyErr_Format(PyExc_ValueError, "add_batch: %s has %zd values, outcome has %zd",
                         names[k], a[k].n, n);
            goto done;
        }
    svcm_calls *c = svcmpy_enter_Calls(op);
    if (c == NULL)
        goto done;
    svcm_error err;
    svcm_error_clear(&err);
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_calls_add_batch(c, col[0], col[1], col[2], col[3], col[4], out, (size_t)n, &err);
    Py_END_ALLOW_THREADS
    svcmpy_leave_Calls(op);
    res = rc ? svcmpy_raise_type(Py_TYPE(op), rc, &err) : Py_NewRef(Py_None);
done:
    for (int k = 0; k < 5; k++)
        svcmpy_array_release(&a[k]);
    PyMem_Free(out);
    return res;
}

static PyObject *calls_options(PyObject *op, void *unused)
{
    svcm_calls *c = svcmpy_handle_ready(op);
    if (c == NULL)
        return NULL;
    svcm_calls_options o;
    svcm_calls_get_options(c, &o);
    return Py_BuildValue("{s:d,s:d,s:s,s:O,s:d}", "target", o.target_s, "short_abandon",
                         o.short_abandon_s, "sl_abandoned", sl_names[o.sl_abandoned],
                         "exclude_short", o.exclude_short ? Py_True : Py_False, "tolerance",
                         o.tolerance_s);
}

static PyMethodDef calls_methods[] = {
    {"add", (PyCFunction)(void (*)(void))calls_add, METH_VARARGS | METH_KEYWORDS,
     "add(arrival, queue_start=nan, queue_end=nan, service_start=nan, service_end=nan,\n"
     "    outcome='answered') -> None\n\nAdd one contact (instants in seconds, nan = absent;\n"
     "outcome 'answered', 'abandoned', 'other' or 0, 1, 2). svcm.InvalidInput names\n"
     "the field of a bad record."},
    {"add_batch", (PyCFunction)(void (*)(void))calls_add_batch, METH_VARARGS | METH_KEYWORDS,
     "add_batch(arrival, queue_start=None, queue_end=None, service_start=None,\n"
     "          service_end=None, *, outcome) -> None\n\nAdd contacts given as columns "
     "(None: all absent), all or nothing;\nthe error's index is the first bad record. The GIL "
     "is released while counting."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef calls_getset[] = {
    {"options", calls_options, NULL,
     "dict of target, short_abandon, sl_abandoned, exclude_short, tolerance", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

int svcmpy_init_calls(PyObject *m) { return svcmpy_add_Calls(m, calls_methods, calls_getset); }
