/* Python surface of the erlang engine's hand-written part: shift scheduling
 * (svcm.schedule_shifts, svcm.schedule_pattern), whose coverage matrix,
 * (offset, length) pairs and results the description has no kinds for.
 * Everything else is described in bindings/api/erlang.py. */
#include "svcmpy.h"
#include "gen_py.h"

#include <stdio.h>
#include <string.h>

#include "svcm/erlang.h"

/* svcm.InvalidInput naming field and index; NULL. */
static void *fail_at(PyObject *module, const char *field, size_t index, const char *msg)
{
    svcm_error err;
    svcm_error_clear(&err);
    err.code = SVCM_EINVAL;
    err.index = index;
    err.field = field;
    snprintf(err.message, sizeof err.message, "%s", msg);
    return svcmpy_raise(module, SVCM_EINVAL, &err);
}

/* One coverage row into a[0..t): values outside 0..255 become 255, so
 * that svcm reports every value other than 0 and 1 with the pattern's index. */
static int sched_row(PyObject *row, size_t j, size_t t, uint8_t *a)
{
    svcmpy_array arr = {0};
    if (svcmpy_int64s(row, &arr, "coverage") < 0)
        return -1;
    int ok = (size_t)arr.n == t;
    if (!ok)
        PyErr_Format(PyExc_ValueError,
                     "coverage: pattern %zu has %zd periods, required has %zu", j, arr.n, t);
    const int64_t *v = arr.data;
    for (size_t k = 0; ok && k < t; k++)
        a[k] = v[k] >= 0 && v[k] <= 255 ? (uint8_t)v[k] : 255;
    svcmpy_array_release(&arr);
    return ok ? 0 : -1;
}

/* Coverage: a sequence of rows, or a 2-D buffer (read through
 * memoryview.tolist()). PyMem_Malloc'ed P x T bytes or NULL. */
static uint8_t *sched_coverage(PyObject *obj, size_t t, size_t *np)
{
    PyObject *rows = NULL;
    if (PyObject_CheckBuffer(obj)) {
        PyObject *mv = PyMemoryView_FromObject(obj);
        rows = mv ? PyObject_CallMethod(mv, "tolist", NULL) : NULL;
        Py_XDECREF(mv);
        if (rows == NULL)
            return NULL;
        Py_SETREF(rows, svcmpy_snapshot(rows, "coverage: expected rows of 0/1"));
    }
    else
        rows = svcmpy_snapshot(obj, "coverage: expected a sequence of 0/1 rows");
    if (rows == NULL)
        return NULL;
    size_t p = (size_t)PyTuple_GET_SIZE(rows);
    uint8_t *a = t > 0 && p > SIZE_MAX / t ? NULL : PyMem_Malloc(p * t + 1);
    if (a == NULL)
        PyErr_NoMemory();
    for (size_t j = 0; a != NULL && j < p; j++)
        if (sched_row(PyTuple_GET_ITEM(rows, (Py_ssize_t)j), j, t, a + j * t) < 0) {
            PyMem_Free(a);
            a = NULL;
        }
    Py_DECREF(rows);
    *np = p;
    return a;
}

/* objective, max_staff and the limits into *o; 0 or -1 with an exception. */
static int sched_options(PyObject *module, const char *objective, PyObject *const lim[4],
                         svcm_schedule_options *o)
{
    svcm_schedule_options_init(o);
    int abs_diff = strcmp(objective, "min_abs_diff") == 0;
    if (!abs_diff && strcmp(objective, "min_cost") != 0) {
        svcmpy_raise_field(module, SVCM_EINVAL, "objective",
                           "objective must be 'min_cost' or 'min_abs_diff'");
        return -1;
    }
    o->objective = abs_diff ? SVCM_SCHEDULE_OBJECTIVE_MIN_ABS_DIFF
                            : SVCM_SCHEDULE_OBJECTIVE_MIN_COST;
    return (lim[0] != Py_None && svcmpy_arg_u32(module, lim[0], "max_staff", &o->max_staff)) ||
                   (lim[1] != Py_None &&
                    svcmpy_arg_count(module, lim[1], "max_nodes", &o->max_nodes)) ||
                   (lim[2] != Py_None &&
                    svcmpy_arg_count(module, lim[2], "max_pivots", &o->max_pivots)) ||
                   (lim[3] != Py_None &&
                    svcmpy_arg_f64(module, lim[3], "?max_seconds", &o->max_seconds))
               ? -1
               : 0;
}

/* The answer as types.SimpleNamespace. */
static PyObject *sched_result(const struct svcm_schedule_result *r, const uint32_t *x, size_t p)
{
    PyObject *counts = PyList_New((Py_ssize_t)p);
    for (size_t j = 0; counts != NULL && j < p; j++) {
        PyObject *v = PyLong_FromUnsignedLong(x[j]);
        if (v == NULL)
            Py_CLEAR(counts);
        else
            PyList_SET_ITEM(counts, (Py_ssize_t)j, v);
    }
    static const char *const status[] = {"optimal", "node_limit", "pivot_limit", "time_limit"};
    PyObject *types = counts ? PyImport_ImportModule("types") : NULL;
    PyObject *ns_type = types ? PyObject_GetAttrString(types, "SimpleNamespace") : NULL;
    PyObject *kw = ns_type ? Py_BuildValue(
        "{s:d,s:O,s:d,s:d,s:d,s:O,s:s,s:K,s:K,s:K}", "cost", r->objective, "counts", counts,
        "gap", r->gap, "bound", r->bound, "lp_bound", r->lp_bound, "optimal",
        r->status == SVCM_SCHEDULE_STATUS_OPTIMAL ? Py_True : Py_False, "status",
        status[r->status], "staff", (unsigned long long)r->staff, "nodes",
        (unsigned long long)r->nodes, "pivots", (unsigned long long)r->pivots) : NULL;
    PyObject *empty = kw ? PyTuple_New(0) : NULL;
    PyObject *ns = empty ? PyObject_Call(ns_type, empty, kw) : NULL;
    Py_XDECREF(empty);
    Py_XDECREF(kw);
    Py_XDECREF(ns_type);
    Py_XDECREF(types);
    Py_XDECREF(counts);
    return ns;
}

PyDoc_STRVAR(schedule_shifts_doc,
"schedule_shifts(required, coverage, cost=None, objective='min_cost',\n"
"                max_staff=None, *, max_nodes=None, max_pivots=None,\n"
"                max_seconds=None) -> types.SimpleNamespace\n\n"
"Agents per shift pattern by branch and bound. required: agents needed per\n"
"period (ints >= 0); coverage: one 0/1 row per pattern over those periods\n"
"(sequence of rows or a 2-D buffer); cost: per-agent cost of each pattern\n"
"(default 1). objective 'min_cost': cheapest counts covering every period;\n"
"'min_abs_diff': least sum |coverage - required|, head count <= max_staff.\n"
"Attributes: cost (objective value), counts, gap, bound, lp_bound, optimal,\n"
"status ('optimal', 'node_limit', 'pivot_limit', 'time_limit'), staff,\n"
"nodes, pivots. A limit gives a feasible answer with optimal False.");

static PyObject *schedule_shifts(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"required", "coverage", "cost", "objective", "max_staff",
                             "max_nodes", "max_pivots", "max_seconds", NULL};
    PyObject *req, *cov, *cost = Py_None, *lim[4] = {Py_None, Py_None, Py_None, Py_None};
    const char *objective = "min_cost";
    svcm_schedule_options o;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|OsO$OOO:schedule_shifts", kwlist, &req,
                                     &cov, &cost, &objective, &lim[0], &lim[1], &lim[2],
                                     &lim[3]) ||
        sched_options(module, objective, lim, &o) < 0)
        return NULL;
    svcmpy_array ra = {0}, ca = {0};
    uint32_t *r = NULL, *x = NULL;
    uint8_t *a = NULL;
    size_t t = 0, p = 0;
    PyObject *out = NULL;
    if (svcmpy_int64s(req, &ra, "required") < 0)
        goto done;
    t = (size_t)ra.n;
    const int64_t *rv = ra.data;
    if ((r = PyMem_Malloc((t + 1) * sizeof *r)) == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (size_t k = 0; k < t; k++) {
        if (rv[k] < 0 || rv[k] > (int64_t)UINT32_MAX) {
            fail_at(module, "required", k, "required staff must be >= 0");
            goto done;
        }
        r[k] = (uint32_t)rv[k];
    }
    if ((a = sched_coverage(cov, t, &p)) == NULL ||
        (cost != Py_None && svcmpy_doubles(cost, &ca, "cost") < 0))
        goto done;
    if (cost != Py_None && (size_t)ca.n != p) {
        PyErr_Format(PyExc_ValueError, "cost: %zd costs for %zu patterns", ca.n, p);
        goto done;
    }
    if ((x = PyMem_Malloc((p + 1) * sizeof *x)) == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    struct svcm_schedule_result res;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_schedule_solve(r, t, a, p, ca.data, &o, NULL, x, &res, &err);
    Py_END_ALLOW_THREADS
    out = rc == SVCM_OK ? sched_result(&res, x, p) : svcmpy_raise(module, rc, &err);
done:
    svcmpy_array_release(&ra);
    svcmpy_array_release(&ca);
    PyMem_Free(r);
    PyMem_Free(a);
    PyMem_Free(x);
    return out;
}

PyDoc_STRVAR(schedule_pattern_doc,
"schedule_pattern(n_periods, start, length, breaks=(), wrap=False) -> bytes\n\n"
"One 0/1 coverage row for schedule_shifts: 1 for the periods start ..\n"
"start + length - 1 of an n_periods horizon, 0 elsewhere and in the breaks,\n"
"each an (offset, length) pair counted from the shift's start. wrap=True\n"
"lets a shift run past the last period into period 0 (a cyclic week).\n"
"Raises svcm.InvalidInput naming the field for a value out of range.");

static PyObject *schedule_pattern(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"n_periods", "start", "length", "breaks", "wrap", NULL};
    PyObject *on, *os, *ol, *ob = NULL, *items = NULL, *row = NULL;
    int wrap = 0;
    size_t n, start, length, nb = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOO|Op:schedule_pattern", kwlist, &on, &os, &ol,
                                     &ob, &wrap) ||
        svcmpy_arg_size(module, on, "n_periods", &n) < 0 ||
        svcmpy_arg_size(module, os, "start", &start) < 0 ||
        svcmpy_arg_size(module, ol, "length", &length) < 0)
        return NULL;
    /* breaks: a snapshot, so that conversion hooks cannot change it under us */
    if (ob != NULL &&
        (items = svcmpy_snapshot(ob, "breaks: expected a sequence of (offset, length)")) == NULL)
        return NULL;
    nb = items ? (size_t)PyTuple_GET_SIZE(items) : 0;
    svcm_schedule_break *b = PyMem_Malloc(nb * sizeof *b + 1);
    if (b == NULL)
        PyErr_NoMemory();
    for (size_t k = 0; b != NULL && k < nb; k++) {
        PyObject *pair = PyTuple_GET_ITEM(items, (Py_ssize_t)k);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_Format(PyExc_TypeError, "breaks[%zu]: expected an (offset, length) tuple", k);
            goto done;
        }
        if (svcmpy_arg_size(module, PyTuple_GET_ITEM(pair, 0), "breaks.offset", &b[k].offset) ||
            svcmpy_arg_size(module, PyTuple_GET_ITEM(pair, 1), "breaks.length", &b[k].length))
            goto done;
    }
    svcm_error err;
    if (b != NULL && (row = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n)) != NULL) {
        int rc = svcm_schedule_pattern(n, start, length, b, nb, wrap,
                                       (uint8_t *)PyBytes_AS_STRING(row), &err);
        if (rc != SVCM_OK) {
            Py_CLEAR(row);
            svcmpy_raise(module, rc, &err);
        }
    }
done:
    Py_XDECREF(items);
    PyMem_Free(b);
    return row;
}

#define KW(fn) {#fn, (PyCFunction)(void (*)(void))fn, METH_VARARGS | METH_KEYWORDS, fn##_doc}
static PyMethodDef erlang_methods[] = {KW(schedule_shifts), KW(schedule_pattern),
                                       {NULL, NULL, 0, NULL}};
#undef KW

int svcmpy_init_erlang(PyObject *module) { return PyModule_AddFunctions(module, erlang_methods); }
