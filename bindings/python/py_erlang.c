/* Python surface of the erlang engine: Erlang B/C, service level, ASA,
 * staffing, and contact-centre interval metrics. */
#include "svcmpy.h"
#include "gen_py.h"

#include <stddef.h>

#include <math.h>
#include <string.h>

#include "svcm/erlang.h"


/* An optional number: None keeps *out. */
static int get_optional(PyObject *obj, const char *name, double *out)
{
    if (obj == NULL || obj == Py_None)
        return 0;
    int rc = svcmpy_as_double(obj, out);
    if (rc > 0)
        PyErr_Format(PyExc_TypeError, "%s: expected a number or None", name);
    return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ Erlang A,
 * Erlang B inverse, fractional agents, reverse calculation (0.2) */

/* ------------------------------------------------------------ chat (0.2):
 * agents with up to k concurrent chats, AHT by concurrency. */

#define KW(name, fn, doc) {name, (PyCFunction)(void (*)(void))fn, METH_VARARGS | METH_KEYWORDS, doc}
/* Shift scheduling, defined at the end of the file. */
static PyObject *py_schedule_shifts(PyObject *module, PyObject *args, PyObject *kw);
extern const char svcmpy_schedule_shifts_doc[];
static PyObject *py_schedule_pattern(PyObject *module, PyObject *args, PyObject *kw);
extern const char svcmpy_schedule_pattern_doc[];
/* ------------------------------------------------- fractional staffing */

static PyMethodDef erlang_methods[] = {
    KW("schedule_shifts", py_schedule_shifts, svcmpy_schedule_shifts_doc),
    KW("schedule_pattern", py_schedule_pattern, svcmpy_schedule_pattern_doc),
    {NULL, NULL, 0, NULL},
};
#undef KW

int svcmpy_init_erlang(PyObject *module)
{
    return PyModule_AddFunctions(module, erlang_methods);
}

/* ------------------------------------------------------ shift scheduling
 * (schedule.h, 0.2): svcm.schedule_shifts. */

/* Required staff: a 1-D buffer or sequence of ints in [0, UINT32_MAX]
 * (svcm checks the tighter limit). PyMem_Malloc'ed array or NULL. */
static uint32_t *sched_required(PyObject *module, PyObject *obj, size_t *n)
{
    svcmpy_array arr = {0};
    if (svcmpy_int64s(obj, &arr, "required") < 0)
        return NULL;
    const int64_t *v = arr.data;
    uint32_t *out = PyMem_Malloc((size_t)(arr.n > 0 ? arr.n : 1) * sizeof *out);
    for (Py_ssize_t t = 0; out != NULL && t < arr.n; t++) {
        if (v[t] < 0 || v[t] > (int64_t)UINT32_MAX) {
            PyMem_Free(out);
            out = NULL;
            svcm_error err;
            svcm_error_clear(&err);
            err.code = SVCM_EINVAL;
            err.index = (size_t)t;
            err.field = "required";
            snprintf(err.message, sizeof err.message, "required staff must be >= 0");
            svcmpy_raise(module, SVCM_EINVAL, &err);
        }
        else
            out[t] = (uint32_t)v[t];
    }
    if (out == NULL && !PyErr_Occurred())
        PyErr_NoMemory();
    *n = (size_t)arr.n;
    svcmpy_array_release(&arr);
    return out;
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
static int sched_options(PyObject *module, const char *objective, PyObject *max_staff,
                         PyObject *max_nodes, PyObject *max_pivots, PyObject *max_seconds,
                         svcm_schedule_options *o)
{
    svcm_schedule_options_init(o);
    if (strcmp(objective, "min_cost") == 0)
        o->objective = SVCM_SCHEDULE_OBJECTIVE_MIN_COST;
    else if (strcmp(objective, "min_abs_diff") == 0)
        o->objective = SVCM_SCHEDULE_OBJECTIVE_MIN_ABS_DIFF;
    else {
        svcmpy_raise_field(module, SVCM_EINVAL, "objective",
                    "objective must be 'min_cost' or 'min_abs_diff'");
        return -1;
    }
    uint32_t v32;
    if (max_staff != Py_None) {
        if (svcmpy_arg_u32(module, max_staff, "max_staff", &v32) < 0)
            return -1;
        o->max_staff = v32;
    }
    PyObject *lim[2] = {max_nodes, max_pivots};
    uint64_t *dst[2] = {&o->max_nodes, &o->max_pivots};
    const char *names[2] = {"max_nodes", "max_pivots"};
    for (int k = 0; k < 2; k++) {
        if (lim[k] == Py_None)
            continue;
        int64_t v;
        int rc = svcmpy_as_int64(lim[k], &v);
        if (rc > 0 || (rc == 0 && v < 0))
            svcmpy_raise_field(module, SVCM_EINVAL, names[k], "limit must be an int >= 1");
        if (rc != 0 || v < 0)
            return -1;
        *dst[k] = (uint64_t)v;
    }
    return get_optional(max_seconds, "max_seconds", &o->max_seconds);
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

/* Inputs read from Python, released by sched_free. */
typedef struct sched_in {
    uint32_t *r;
    uint8_t *a;
    svcmpy_array cost;
    uint32_t *x;
    size_t t, p;
} sched_in;

static void sched_free(sched_in *in)
{
    PyMem_Free(in->r);
    PyMem_Free(in->a);
    PyMem_Free(in->x);
    svcmpy_array_release(&in->cost);
}

static int sched_read(PyObject *module, PyObject *req, PyObject *cov, PyObject *cost,
                      sched_in *in)
{
    if ((in->r = sched_required(module, req, &in->t)) == NULL ||
        (in->a = sched_coverage(cov, in->t, &in->p)) == NULL)
        return -1;
    if (cost != Py_None) {
        if (svcmpy_doubles(cost, &in->cost, "cost") < 0)
            return -1;
        if ((size_t)in->cost.n != in->p) {
            PyErr_Format(PyExc_ValueError, "cost: %zd costs for %zu patterns", in->cost.n,
                         in->p);
            return -1;
        }
    }
    in->x = PyMem_Malloc((in->p > 0 ? in->p : 1) * sizeof *in->x);
    if (in->x == NULL)
        PyErr_NoMemory();
    return in->x ? 0 : -1;
}

const char svcmpy_schedule_shifts_doc[] =
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
"nodes, pivots. A limit gives a feasible answer with optimal False.";

static PyObject *py_schedule_shifts(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"required", "coverage", "cost", "objective", "max_staff",
                             "max_nodes", "max_pivots", "max_seconds", NULL};
    PyObject *req, *cov, *cost = Py_None, *max_staff = Py_None, *max_nodes = Py_None,
                         *max_pivots = Py_None, *max_seconds = Py_None;
    const char *objective = "min_cost";
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|OsO$OOO:schedule_shifts", kwlist, &req,
                                     &cov, &cost, &objective, &max_staff, &max_nodes,
                                     &max_pivots, &max_seconds))
        return NULL;
    svcm_schedule_options o;
    if (sched_options(module, objective, max_staff, max_nodes, max_pivots, max_seconds, &o) < 0)
        return NULL;
    sched_in in = {0};
    PyObject *out = NULL;
    if (sched_read(module, req, cov, cost, &in) == 0) {
        struct svcm_schedule_result r;
        svcm_error err;
        int rc;
        const double *c = cost == Py_None ? NULL : in.cost.data;
        Py_BEGIN_ALLOW_THREADS
        rc = svcm_schedule_solve(in.r, in.t, in.a, in.p, c, &o, NULL, in.x, &r, &err);
        Py_END_ALLOW_THREADS
        out = rc == SVCM_OK ? sched_result(&r, in.x, in.p) : svcmpy_raise(module, rc, &err);
    }
    sched_free(&in);
    return out;
}

/* ------------------------------------------------- svcm.schedule_pattern */

/* A period count or offset: an int in [0, PY_SSIZE_T_MAX] (the longest
 * bytes object); 0 or -1 with TypeError or svcm.InvalidInput naming it. */
static int get_size(PyObject *module, PyObject *obj, const char *field, size_t *out)
{
    if (!PyLong_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s: expected an int, got %s", field,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (overflow || v < 0 || (unsigned long long)v > (unsigned long long)PY_SSIZE_T_MAX) {
        svcmpy_raise_field(module, SVCM_EINVAL, field, "must be an integer >= 0 that fits a bytes length");
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

/* breaks: a sequence of (offset, length) pairs, snapshotted first so that
 * conversion hooks cannot change it under us. PyMem_Malloc'ed or NULL. */
static svcm_schedule_break *pattern_breaks(PyObject *module, PyObject *obj, size_t *n)
{
    PyObject *items = svcmpy_snapshot(obj, "breaks: expected a sequence of (offset, length)");
    if (items == NULL)
        return NULL;
    *n = (size_t)PyTuple_GET_SIZE(items);
    svcm_schedule_break *b = PyMem_Malloc(*n * sizeof *b + 1);
    if (b == NULL)
        PyErr_NoMemory();
    for (size_t k = 0; b != NULL && k < *n; k++) {
        PyObject *pair = PyTuple_GET_ITEM(items, (Py_ssize_t)k);
        PyObject *o = NULL, *l = NULL;
        if (!PyTuple_Check(pair) || !PyArg_ParseTuple(pair, "OO", &o, &l)) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "breaks[%zu]: expected an (offset, length) tuple", k);
        } else if (get_size(module, o, "breaks.offset", &b[k].offset) == 0 &&
                   get_size(module, l, "breaks.length", &b[k].length) == 0)
            continue;
        PyMem_Free(b);
        b = NULL;
    }
    Py_DECREF(items);
    return b;
}

const char svcmpy_schedule_pattern_doc[] =
"schedule_pattern(n_periods, start, length, breaks=(), wrap=False) -> bytes\n\n"
"One 0/1 coverage row for schedule_shifts: 1 for the periods start ..\n"
"start + length - 1 of an n_periods horizon, 0 elsewhere and in the breaks,\n"
"each an (offset, length) pair counted from the shift's start. wrap=True\n"
"lets a shift run past the last period into period 0 (a cyclic week).\n"
"Raises svcm.InvalidInput naming the field for a value out of range.";

static PyObject *py_schedule_pattern(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"n_periods", "start", "length", "breaks", "wrap", NULL};
    PyObject *on, *os, *ol, *ob = NULL;
    int wrap = 0;
    size_t n, start, length, nb = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOO|Op:schedule_pattern", kwlist, &on, &os, &ol,
                                     &ob, &wrap) ||
        get_size(module, on, "n_periods", &n) < 0 || get_size(module, os, "start", &start) < 0 ||
        get_size(module, ol, "length", &length) < 0)
        return NULL;
    svcm_schedule_break *b = ob == NULL ? PyMem_Malloc(1) : pattern_breaks(module, ob, &nb);
    if (b == NULL)
        return PyErr_Occurred() ? NULL : PyErr_NoMemory();
    svcm_error err;
    PyObject *row = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n);
    if (row != NULL) {
        uint8_t *r = (uint8_t *)PyBytes_AS_STRING(row);
        int rc = svcm_schedule_pattern(n, start, length, b, nb, wrap, r, &err);
        if (rc != SVCM_OK) {
            Py_CLEAR(row);
            svcmpy_raise(module, rc, &err);
        }
    }
    PyMem_Free(b);
    return row;
}
