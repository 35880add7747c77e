/* Python binding of the journey engine: svcm.Journey and svcm.funnel. The
 * FunnelStep and TouchpointLoss records are described in
 * bindings/api/journey.py (gen_py.h); JourneyPath, whose touchpoints are a
 * tuple, stays here. */
#include "svcmpy.h"
#include "gen_py.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svcm/journey.h"

int svcmpy_init_journey(PyObject *module);

/* `busy` is set while a batch runs without the GIL. */
typedef struct {
    PyObject_HEAD
    svcm_journey *h;
    int busy;
} JourneyObject;

/* The JourneyPath type, in the Journey type's dict under this key (the type
 * is immutable, so Python code cannot replace it). */
#define PATH_TYPE "_path_type"

static PyStructSequence_Field path_fields[] = {
    {"touchpoints", "tuple of touchpoint names in time order"},
    {"truncated", "the customers had more events than path_len"},
    {"customers", "customers with this path"},
    {"share", "customers / all customers"},
    {NULL, NULL},
};
static PyStructSequence_Desc path_desc = {"svcm.JourneyPath", "One path of touchpoints.",
                                          path_fields, 4};

static svcm_journey *ready(PyObject *op)
{
    JourneyObject *self = (JourneyObject *)op;
    if (self->h == NULL || self->busy) {
        svcmpy_state_error(Py_TYPE(op), self->h == NULL ? "object is not initialised"
                                                        : "object is in use by another thread");
        return NULL;
    }
    return self->h;
}

/* The hooks of the described methods (bindings/api/journey.py). */
svcm_journey *svcmpy_enter_Journey(PyObject *op)
{
    svcm_journey *j = ready(op);
    if (j != NULL)
        ((JourneyObject *)op)->busy = 1;
    return j;
}
void svcmpy_leave_Journey(PyObject *op) { ((JourneyObject *)op)->busy = 0; }

static void journey_dealloc(PyObject *op)
{
    JourneyObject *self = (JourneyObject *)op;
    PyTypeObject *tp = Py_TYPE(op);
    svcm_journey_free(self->h);
    self->h = NULL;
    tp->tp_free(op);
    Py_DECREF(tp);
}

static PyTypeObject *path_type_of(PyObject *op)
{
    PyObject *t = PyDict_GetItemString(Py_TYPE(op)->tp_dict, PATH_TYPE);
    if (t == NULL || !PyType_Check(t)) {
        PyErr_SetString(PyExc_RuntimeError, "svcm.Journey: the JourneyPath type is missing");
        return NULL;
    }
    return (PyTypeObject *)t;
}

/* Options from Python arguments: steps (iterable of str), window (None or
 * seconds), path_len, confidence. The step names are kept in *keep. */
static int options_of(PyObject *steps, PyObject *window, Py_ssize_t path_len, double confidence,
                      svcm_journey_options *o, const char ***names, PyObject **keep)
{
    svcm_journey_options_init(o);
    *names = NULL;
    *keep = NULL;
    if (window != NULL && window != Py_None) {
        int rc = svcmpy_as_double(window, &o->window_s);
        if (rc < 0)
            return -1;
        if (rc != 0) {
            PyErr_Format(PyExc_TypeError, "window: expected seconds or None, got %s",
                         Py_TYPE(window)->tp_name);
            return -1;
        }
    }
    o->path_len = path_len < 0 ? 0 : (size_t)path_len;
    o->confidence = confidence;
    if (steps == NULL || steps == Py_None)
        return 0;
    if (PyUnicode_Check(steps)) {
        PyErr_SetString(PyExc_TypeError, "steps: expected a sequence of str, not one str");
        return -1;
    }
    PyObject *t = svcmpy_snapshot(steps, "steps: expected a sequence of str");
    if (t == NULL)
        return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(t);
    const char **v = PyMem_Calloc(n > 0 ? (size_t)n : 1, sizeof *v);
    if (v == NULL) {
        Py_DECREF(t);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PyTuple_GET_ITEM(t, i);
        if (!PyUnicode_Check(s)) {
            PyErr_Format(PyExc_TypeError, "steps[%zd]: expected str, got %s", i,
                         Py_TYPE(s)->tp_name);
            goto fail;
        }
        Py_ssize_t len;
        v[i] = PyUnicode_AsUTF8AndSize(s, &len);
        if (v[i] == NULL)
            goto fail;
        if ((size_t)len != strlen(v[i])) {
            PyErr_Format(PyExc_ValueError, "steps[%zd]: contains a NUL character", i);
            goto fail;
        }
    }
    o->steps = v;
    o->n_steps = (size_t)n;
    *names = v;
    *keep = t;
    return 0;
fail:
    PyMem_Free(v);
    Py_DECREF(t);
    return -1;
}

static int journey_init(PyObject *op, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"steps", "window", "path_len", "confidence", NULL};
    PyObject *steps = NULL, *window = NULL;
    Py_ssize_t path_len = 5;
    double confidence = 0.95;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|OOnd:Journey", kwlist, &steps, &window,
                                     &path_len, &confidence))
        return -1;
    JourneyObject *self = (JourneyObject *)op;
    if (self->busy) {
        svcmpy_state_error(Py_TYPE(op), "object is in use by another thread");
        return -1;
    }
    svcm_journey_options o;
    const char **names;
    PyObject *keep;
    if (options_of(steps, window, path_len, confidence, &o, &names, &keep) < 0)
        return -1;
    svcm_journey *j;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_journey_new(&o, NULL, &j, &err);
    PyMem_Free(names);
    Py_XDECREF(keep);
    if (rc) {
        svcmpy_raise_type(Py_TYPE(op), rc, &err);
        return -1;
    }
    svcm_journey_free(self->h);
    self->h = j;
    return 0;
}

/* A customer id as bytes: str (UTF-8), bytes, or int (its decimal). The
 * object holding the bytes is appended to keep. */
static int id_of(PyObject *obj, PyObject *keep, const char *what, Py_ssize_t i,
                 const char **s, size_t *n)
{
    PyObject *k;
    if (PyUnicode_Check(obj) || PyBytes_Check(obj))
        k = Py_NewRef(obj);
    else if (PyLong_Check(obj))
        k = PyObject_Str(obj);
    else {
        PyErr_Format(PyExc_TypeError, "%s[%zd]: expected str, bytes or int, got %s", what, i,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    if (k == NULL)
        return -1;
    if (PyList_Append(keep, k) < 0) {
        Py_DECREF(k);
        return -1;
    }
    Py_DECREF(k);
    if (PyBytes_Check(k)) {
        *s = PyBytes_AS_STRING(k);
        *n = (size_t)PyBytes_GET_SIZE(k);
        return 0;
    }
    Py_ssize_t len;
    *s = PyUnicode_AsUTF8AndSize(k, &len);
    if (*s == NULL)
        return -1;
    *n = (size_t)len;
    return 0;
}

/* Events from columns; NULL scores / lost: none. *keep holds what the
 * pointers point into. */
static int events_of(PyObject *customers, PyObject *touchpoints, PyObject *times,
                     PyObject *scores, PyObject *lost, svcm_journey_event **out,
                     Py_ssize_t *n_out, PyObject **keep)
{
    *out = NULL;
    *keep = NULL;
    svcmpy_array ta, sa;
    memset(&ta, 0, sizeof ta);
    memset(&sa, 0, sizeof sa);
    PyObject *ct = NULL, *tt = NULL, *lt = NULL, *k = NULL;
    svcm_journey_event *ev = NULL;
    ct = svcmpy_snapshot(customers, "customer_ids: expected a sequence");
    if (ct == NULL)
        goto fail;
    if (PyUnicode_Check(touchpoints)) {
        PyErr_SetString(PyExc_TypeError, "touchpoints: expected a sequence of str, not one str");
        goto fail;
    }
    tt = svcmpy_snapshot(touchpoints, "touchpoints: expected a sequence of str");
    if (tt == NULL)
        goto fail;
    if (svcmpy_doubles(times, &ta, "times") < 0)
        goto fail;
    Py_ssize_t n = PyTuple_GET_SIZE(ct);
    if (PyTuple_GET_SIZE(tt) != n || ta.n != n) {
        PyErr_Format(PyExc_ValueError,
                     "customer_ids, touchpoints and times differ in length (%zd, %zd, %zd)", n,
                     PyTuple_GET_SIZE(tt), ta.n);
        goto fail;
    }
    if (scores != NULL && scores != Py_None) {
        if (svcmpy_doubles(scores, &sa, "scores") < 0)
            goto fail;
        if (sa.n != n) {
            PyErr_Format(PyExc_ValueError, "scores has %zd values, times has %zd", sa.n, n);
            goto fail;
        }
    }
    if (lost != NULL && lost != Py_None) {
        lt = svcmpy_snapshot(lost, "lost: expected a sequence of bool");
        if (lt == NULL)
            goto fail;
        if (PyTuple_GET_SIZE(lt) != n) {
            PyErr_Format(PyExc_ValueError, "lost has %zd values, times has %zd",
                         PyTuple_GET_SIZE(lt), n);
            goto fail;
        }
    }
    k = PyList_New(0);
    ev = PyMem_Calloc(n > 0 ? (size_t)n : 1, sizeof *ev);
    if (k == NULL || ev == NULL) {
        if (ev == NULL)
            PyErr_NoMemory();
        goto fail;
    }
    const double *t = ta.data, *s = sa.data;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (id_of(PyTuple_GET_ITEM(ct, i), k, "customer_ids", i, &ev[i].customer,
                  &ev[i].customer_len) < 0)
            goto fail;
        PyObject *tp = PyTuple_GET_ITEM(tt, i);
        if (!PyUnicode_Check(tp)) {
            PyErr_Format(PyExc_TypeError, "touchpoints[%zd]: expected str, got %s", i,
                         Py_TYPE(tp)->tp_name);
            goto fail;
        }
        if (id_of(tp, k, "touchpoints", i, &ev[i].touchpoint, &ev[i].touchpoint_len) < 0)
            goto fail;
        ev[i].time = t[i];
        ev[i].score = s != NULL ? s[i] : NAN;
        if (lt != NULL) {
            int b = PyObject_IsTrue(PyTuple_GET_ITEM(lt, i));
            if (b < 0)
                goto fail;
            ev[i].lost = b != 0;
        }
    }
    svcmpy_array_release(&ta);
    svcmpy_array_release(&sa);
    Py_DECREF(ct);
    Py_DECREF(tt);
    Py_XDECREF(lt);
    *out = ev;
    *n_out = n;
    *keep = k;
    return 0;
fail:
    svcmpy_array_release(&ta);
    svcmpy_array_release(&sa);
    Py_XDECREF(ct);
    Py_XDECREF(tt);
    Py_XDECREF(lt);
    Py_XDECREF(k);
    PyMem_Free(ev);
    return -1;
}

static PyObject *journey_add(PyObject *op, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"customer", "touchpoint", "time", "score", "lost", NULL};
    PyObject *cust, *tp;
    svcm_journey_event e;
    memset(&e, 0, sizeof e);
    e.score = NAN;
    int lost = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OUd|dp:add", kwlist, &cust, &tp, &e.time,
                                     &e.score, &lost))
        return NULL;
    e.lost = lost != 0;
    PyObject *keep = PyList_New(0);
    if (keep == NULL)
        return NULL;
    PyObject *res = NULL;
    if (id_of(cust, keep, "customer", 0, &e.customer, &e.customer_len) < 0 ||
        id_of(tp, keep, "touchpoint", 0, &e.touchpoint, &e.touchpoint_len) < 0)
        goto done;
    svcm_journey *j = ready(op);
    if (j == NULL)
        goto done;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_journey_add(j, &e, &err);
    res = rc ? svcmpy_raise_type(Py_TYPE(op), rc, &err) : Py_NewRef(Py_None);
done:
    Py_DECREF(keep);
    return res;
}

static PyObject *journey_add_batch(PyObject *op, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"customer_ids", "touchpoints", "times", "scores", "lost", NULL};
    PyObject *c, *t, *x, *s = NULL, *l = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOO|OO:add_batch", kwlist, &c, &t, &x, &s, &l))
        return NULL;
    svcm_journey_event *ev;
    Py_ssize_t n;
    PyObject *keep;
    if (events_of(c, t, x, s, l, &ev, &n, &keep) < 0)
        return NULL;
    PyObject *res = NULL;
    svcm_journey *j = ready(op);
    if (j != NULL) {
        JourneyObject *self = (JourneyObject *)op;
        svcm_error err;
        svcm_error_clear(&err);
        int rc;
        self->busy = 1;
        Py_BEGIN_ALLOW_THREADS
        rc = svcm_journey_add_batch(j, ev, (size_t)n, &err);
        Py_END_ALLOW_THREADS
        self->busy = 0;
        res = rc ? svcmpy_raise_type(Py_TYPE(op), rc, &err) : Py_NewRef(Py_None);
    }
    PyMem_Free(ev);
    Py_DECREF(keep);
    return res;
}

static PyObject *journey_merge(PyObject *op, PyObject *other)
{
    if (Py_TYPE(other) != Py_TYPE(op)) {
        PyErr_Format(PyExc_TypeError, "merge: expected svcm.Journey, got %s",
                     Py_TYPE(other)->tp_name);
        return NULL;
    }
    svcm_journey *h = ready(op);
    svcm_journey *g = h ? ready(other) : NULL;
    if (g == NULL)
        return NULL;
    int rc = svcm_journey_merge(h, g);
    if (rc) {
        svcm_error err;
        svcm_error_clear(&err);
        snprintf(err.message, sizeof err.message, "%s",
                 rc == SVCM_EMISMATCH ? "options differ (steps, window, path_len, confidence)"
                                      : svcm_strerror(rc));
        return svcmpy_raise_type(Py_TYPE(op), rc, &err);
    }
    Py_RETURN_NONE;
}

/* Set item i of a struct sequence, stealing v; -1 if v is NULL. */
static int put(PyObject *row, Py_ssize_t i, PyObject *v)
{
    if (v == NULL)
        return -1;
    PyStructSequence_SetItem(row, i, v);
    return 0;
}

/* The funnel steps (touchpoints = 0) or the touchpoints of j: a list of
 * FunnelStep / TouchpointLoss records. */
static int fetch_rows(const svcm_journey *j, int touchpoints, void *rows, size_t cap, size_t *n,
                      svcm_error *err)
{
    return touchpoints ? svcm_journey_touchpoints(j, rows, cap, n, err)
                       : svcm_journey_steps(j, rows, cap, n, err);
}

static PyObject *rows_list(PyObject *module, const svcm_journey *j, int touchpoints)
{
    size_t n = 0, size = touchpoints ? sizeof(struct svcm_journey_touchpoint_result)
                                     : sizeof(struct svcm_journey_step_result);
    fetch_rows(j, touchpoints, NULL, 0, &n, NULL);
    char *rows = PyMem_Calloc(n ? n : 1, size);
    if (rows == NULL)
        return PyErr_NoMemory();
    svcm_error err;
    svcm_error_clear(&err);
    int rc = fetch_rows(j, touchpoints, rows, n, &n, &err);
    PyObject *list = rc ? svcmpy_raise(module, rc, &err) : PyList_New((Py_ssize_t)n);
    for (size_t k = 0; list != NULL && k < n; k++) {
        PyObject *row = touchpoints ? svcmpy_rec_TouchpointLoss(module, rows + k * size)
                                    : svcmpy_rec_FunnelStep(module, rows + k * size);
        if (row == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)k, row);
    }
    PyMem_Free(rows);
    return list;
}

static PyObject *journey_rows(PyObject *op, int touchpoints)
{
    svcm_journey *j = ready(op);
    PyObject *module = j ? svcmpy_module_of_type(Py_TYPE(op)) : NULL;
    if (module == NULL)
        return NULL;
    return rows_list(module, j, touchpoints);
}

static PyObject *journey_steps(PyObject *op, PyObject *unused) { return journey_rows(op, 0); }

static PyObject *journey_touchpoints(PyObject *op, PyObject *unused)
{
    return journey_rows(op, 1);
}

static PyObject *journey_paths(PyObject *op, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"k", NULL};
    Py_ssize_t top = 10;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|n:paths", kwlist, &top))
        return NULL;
    if (top < 0) {
        PyErr_SetString(PyExc_ValueError, "paths: k must be >= 0");
        return NULL;
    }
    svcm_journey *j = ready(op);
    PyTypeObject *path_type = j ? path_type_of(op) : NULL;
    if (path_type == NULL)
        return NULL;
    struct svcm_journey_result tot;
    svcm_journey_result(j, &tot);
    size_t cap = (size_t)top < tot.customers ? (size_t)top : (size_t)tot.customers;
    struct svcm_journey_path_result *p = PyMem_Calloc(cap ? cap : 1, sizeof *p);
    if (p == NULL)
        return PyErr_NoMemory();
    size_t n = 0;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_journey_paths(j, p, cap, &n, &err);
    if (rc) {
        PyMem_Free(p);
        return svcmpy_raise_type(Py_TYPE(op), rc, &err);
    }
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t k = 0; list != NULL && k < n; k++) {
        PyObject *row = PyStructSequence_New(path_type);
        PyObject *names = PyTuple_New((Py_ssize_t)p[k].length);
        for (size_t i = 0; names != NULL && i < p[k].length; i++) {
            PyObject *s = PyUnicode_FromString(p[k].touchpoints[i]);
            if (s == NULL) {
                Py_CLEAR(names);
                break;
            }
            PyTuple_SET_ITEM(names, (Py_ssize_t)i, s);
        }
        if (row == NULL || put(row, 0, names) < 0 ||
            put(row, 1, PyBool_FromLong(p[k].truncated)) < 0 ||
            put(row, 2, PyLong_FromUnsignedLongLong(p[k].customers)) < 0 ||
            put(row, 3, PyFloat_FromDouble(p[k].share)) < 0) {
            if (row == NULL)
                Py_XDECREF(names);
            Py_XDECREF(row);
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)k, row);
    }
    PyMem_Free(p);
    return list;
}

static PyObject *journey_options(PyObject *op, void *unused)
{
    svcm_journey *j = ready(op);
    if (j == NULL)
        return NULL;
    svcm_journey_options o;
    svcm_journey_get_options(j, &o);
    PyObject *steps = PyTuple_New((Py_ssize_t)o.n_steps);
    for (size_t k = 0; steps != NULL && k < o.n_steps; k++) {
        PyObject *s = PyUnicode_FromString(o.steps[k]);
        if (s == NULL) {
            Py_CLEAR(steps);
            break;
        }
        PyTuple_SET_ITEM(steps, (Py_ssize_t)k, s);
    }
    if (steps == NULL)
        return NULL;
    PyObject *window = isinf(o.window_s) ? Py_NewRef(Py_None) : PyFloat_FromDouble(o.window_s);
    if (window == NULL) {
        Py_DECREF(steps);
        return NULL;
    }
    return Py_BuildValue("{s:N,s:N,s:n,s:d}", "steps", steps, "window", window, "path_len",
                         (Py_ssize_t)o.path_len, "confidence", o.confidence);
}

static PyObject *journey_repr(PyObject *op)
{
    JourneyObject *self = (JourneyObject *)op;
    if (self->h == NULL || self->busy)
        return PyUnicode_FromString("svcm.Journey(<uninitialised or busy>)");
    struct svcm_journey_result r;
    svcm_journey_result(self->h, &r);
    char buf[120];
    snprintf(buf, sizeof buf, "svcm.Journey(events=%llu, customers=%llu, steps=%zu)",
             (unsigned long long)r.events, (unsigned long long)r.customers, r.steps);
    return PyUnicode_FromString(buf);
}

static PyObject *py_funnel(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"customer_ids", "touchpoints", "times", "steps", "window", NULL};
    PyObject *c, *t, *x, *steps, *window = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOOO|O:funnel", kwlist, &c, &t, &x, &steps,
                                     &window))
        return NULL;
    svcm_journey_options o;
    const char **names;
    PyObject *keep_steps;
    PyObject *res = NULL;
    if (options_of(steps, window, 5, 0.95, &o, &names, &keep_steps) < 0)
        return NULL;
    svcm_journey_event *ev = NULL;
    Py_ssize_t n = 0;
    PyObject *keep = NULL;
    svcm_journey *j = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_journey_new(&o, NULL, &j, &err);
    if (rc) {
        svcmpy_raise(module, rc, &err);
        goto done;
    }
    if (events_of(c, t, x, NULL, NULL, &ev, &n, &keep) < 0)
        goto done;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_journey_add_batch(j, ev, (size_t)n, &err);
    Py_END_ALLOW_THREADS
    if (rc) {
        svcmpy_raise(module, rc, &err);
        goto done;
    }
    res = rows_list(module, j, 0);
done:
    svcm_journey_free(j);
    PyMem_Free(ev);
    Py_XDECREF(keep);
    PyMem_Free(names);
    Py_XDECREF(keep_steps);
    return res;
}

static PyMethodDef journey_functions[] = {
    {"funnel", (PyCFunction)(void (*)(void))py_funnel, METH_VARARGS | METH_KEYWORDS,
    "funnel(customer_ids, touchpoints, times, steps, window=None) -> list[FunnelStep]\n\n"
    "Customers reaching each step of an ordered funnel: a customer enters at its\n"
    "first steps[0] event; step k is its earliest steps[k] event at or after step\n"
    "k-1, counted when within window seconds of the entry (None: no window). Events\n"
    "may come in any order. One row per step: .reached, .continued (reached the\n"
    "next step), .drop_rate, .ci (Wilson 95% interval of drop_rate), .conversion and\n"
    "the time from the previous step (.time_mean, .time_p50, .time_p90, .time_max)."},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef journey_methods[] = {
    {"add", (PyCFunction)(void (*)(void))journey_add, METH_VARARGS | METH_KEYWORDS,
     "add(customer, touchpoint, time, score=nan, lost=False) -> None\n\nAdd one event "
     "(customer: str, bytes or int; time in seconds; score nan = none;\nlost marks the "
     "customer lost). Events may come in any time order."},
    {"add_batch", (PyCFunction)(void (*)(void))journey_add_batch, METH_VARARGS | METH_KEYWORDS,
     "add_batch(customer_ids, touchpoints, times, scores=None, lost=None) -> None\n\n"
     "Add events given as columns, all or nothing; the error's index is the\nfirst bad "
     "event. The GIL is released while adding."},
    {"merge", journey_merge, METH_O,
     "merge(other) -> None\n\nAdd another Journey with the same options (else svcm.Mismatch)."},
    {"steps", journey_steps, METH_NOARGS,
     "steps() -> list[FunnelStep]\n\nThe funnel, one row per step (see svcm.funnel)."},
    {"touchpoints", journey_touchpoints, METH_NOARGS,
     "touchpoints() -> list[TouchpointLoss]\n\nEvery touchpoint with its mean score and, "
     "among lost customers, how often\nit is their last touchpoint against all customers "
     "(excess = lost_share -\nlast_share, lift, loss_rate with a Wilson interval), ranked by "
     "excess."},
    {"paths", (PyCFunction)(void (*)(void))journey_paths, METH_VARARGS | METH_KEYWORDS,
     "paths(k=10) -> list[JourneyPath]\n\nThe k most frequent paths (first path_len "
     "touchpoints of each customer, in\ntime order), most customers first."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef journey_getset[] = {
    {"options", journey_options, NULL, "dict of steps, window, path_len, confidence", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot journey_slots[] = {
    {Py_tp_doc, "Journey(steps=(), window=None, path_len=5, confidence=0.95)\n\n"
                "Customer-journey accumulator over touchpoint events: an ordered funnel of\n"
                "steps (reached in order within window seconds of the first step), mean\n"
                "satisfaction per touchpoint, the most frequent paths and the last touchpoint\n"
                "before loss ranked by excess loss. Events may come in any order; mergeable.\n"
                "One thread at a time."},
    {Py_tp_init, journey_init},
    {Py_tp_dealloc, journey_dealloc},
    {Py_tp_methods, journey_methods},
    {Py_tp_getset, journey_getset},
    {Py_tp_repr, journey_repr},
    {0, NULL},
};

static PyType_Spec journey_spec = {"svcm.Journey", sizeof(JourneyObject), 0,
                                   Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE, journey_slots};

int svcmpy_init_journey(PyObject *m)
{
    if (PyModule_AddFunctions(m, journey_functions) < 0)
        return -1;
    PyTypeObject *path = PyStructSequence_NewType(&path_desc);
    if (path == NULL)
        return -1;
    if (PyModule_AddObjectRef(m, "JourneyPath", (PyObject *)path) < 0) {
        Py_DECREF(path);
        return -1;
    }
    PyObject *t = PyType_FromModuleAndSpec(m, &journey_spec, NULL);
    if (t == NULL || svcmpy_members_Journey(t) < 0) {
        Py_XDECREF(t);
        Py_DECREF(path);
        return -1;
    }
    int rc = PyDict_SetItemString(((PyTypeObject *)t)->tp_dict, PATH_TYPE, (PyObject *)path);
    PyType_Modified((PyTypeObject *)t);
    Py_DECREF(path);
    if (rc < 0 || PyModule_AddObjectRef(m, "Journey", t) < 0) {
        Py_DECREF(t);
        return -1;
    }
    Py_DECREF(t);
    return 0;
}
