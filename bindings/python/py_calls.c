/* Python binding of the call-log accumulator: svcm.Calls. */
#include "svcmpy.h"
#include "gen_py.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svcm/calls.h"

int svcmpy_init_calls(PyObject *module);

/* `busy` is set while a batch runs without the GIL: any other use of the
 * object from another thread meanwhile raises instead of racing. */
typedef struct {
    PyObject_HEAD
    svcm_calls *h;
    int busy;
} CallsObject;

static const char *const outcome_names[3] = {"answered", "abandoned", "other"};
static const char *const sl_names[3] = {"ignore", "against", "met"};

static svcm_calls *ready(PyObject *op)
{
    CallsObject *self = (CallsObject *)op;
    if (self->h == NULL || self->busy) {
        svcmpy_state_error(Py_TYPE(op), self->h == NULL ? "object is not initialised"
                                                        : "object is in use by another thread");
        return NULL;
    }
    return self->h;
}

/* The hooks of the described methods (bindings/api/calls.py). */
svcm_calls *svcmpy_enter_Calls(PyObject *op)
{
    svcm_calls *c = ready(op);
    if (c != NULL)
        ((CallsObject *)op)->busy = 1;
    return c;
}
void svcmpy_leave_Calls(PyObject *op) { ((CallsObject *)op)->busy = 0; }

static void calls_dealloc(PyObject *op)
{
    CallsObject *self = (CallsObject *)op;
    PyTypeObject *tp = Py_TYPE(op);
    svcm_calls_free(self->h);
    self->h = NULL;
    tp->tp_free(op);
    Py_DECREF(tp);
}

/* Is tp svcm.Calls or a subclass of it (from any svcm module instance)? */
static int is_calls_type(PyTypeObject *tp)
{
    PyObject *mro = tp->tp_mro;
    if (mro == NULL || !PyTuple_Check(mro))
        return 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(mro); i++) {
        PyTypeObject *t = (PyTypeObject *)PyTuple_GET_ITEM(mro, i);
        if (PyType_HasFeature(t, Py_TPFLAGS_HEAPTYPE) &&
            PyType_GetSlot(t, Py_tp_dealloc) == (void *)calls_dealloc)
            return 1;
    }
    return 0;
}

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

static int calls_init(PyObject *op, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"target", "short_abandon", "sl_abandoned", "exclude_short",
                             "tolerance", NULL};
    svcm_calls_options o;
    svcm_calls_options_init(&o);
    const char *sl = "against";
    int exclude = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|ddspd:Calls", kwlist, &o.target_s,
                                     &o.short_abandon_s, &sl, &exclude, &o.tolerance_s))
        return -1;
    int k = 0;
    while (k < 3 && strcmp(sl, sl_names[k]) != 0)
        k++;
    if (k == 3) {
        PyErr_Format(PyExc_ValueError,
                     "sl_abandoned: '%s' is not 'ignore', 'against' or 'met'", sl);
        return -1;
    }
    o.sl_abandoned = (svcm_calls_sl)k;
    o.exclude_short = exclude != 0;
    CallsObject *self = (CallsObject *)op;
    if (self->busy) {
        svcmpy_state_error(Py_TYPE(op), "object is in use by another thread");
        return -1;
    }
    svcm_calls *c;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_calls_new(&o, NULL, &c, &err);
    if (rc) {
        svcmpy_raise_type(Py_TYPE(op), rc, &err);
        return -1;
    }
    svcm_calls_free(self->h);
    self->h = c;
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
    svcm_calls *c = ready(op);
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
    svcm_calls *c = ready(op);
    if (c == NULL)
        goto done;
    CallsObject *self = (CallsObject *)op;
    svcm_error err;
    svcm_error_clear(&err);
    int rc;
    self->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_calls_add_batch(c, col[0], col[1], col[2], col[3], col[4], out, (size_t)n, &err);
    Py_END_ALLOW_THREADS
    self->busy = 0;
    res = rc ? svcmpy_raise_type(Py_TYPE(op), rc, &err) : Py_NewRef(Py_None);
done:
    for (int k = 0; k < 5; k++)
        svcmpy_array_release(&a[k]);
    PyMem_Free(out);
    return res;
}

static PyObject *calls_merge(PyObject *op, PyObject *other)
{
    if (!is_calls_type(Py_TYPE(other))) {
        PyErr_Format(PyExc_TypeError, "merge: expected svcm.Calls, got %s",
                     Py_TYPE(other)->tp_name);
        return NULL;
    }
    svcm_calls *h = ready(op);
    svcm_calls *g = h ? ready(other) : NULL;
    if (g == NULL)
        return NULL;
    int rc = svcm_calls_merge(h, g);
    if (rc) {
        svcm_error err;
        svcm_error_clear(&err);
        snprintf(err.message, sizeof err.message, "%s",
                 rc == SVCM_EMISMATCH
                     ? "options differ (target, short_abandon, sl_abandoned, exclude_short, "
                       "tolerance)"
                     : svcm_strerror(rc));
        return svcmpy_raise_type(Py_TYPE(op), rc, &err);
    }
    Py_RETURN_NONE;
}

static PyObject *calls_options(PyObject *op, void *unused)
{
    svcm_calls *c = ready(op);
    if (c == NULL)
        return NULL;
    svcm_calls_options o;
    svcm_calls_get_options(c, &o);
    return Py_BuildValue("{s:d,s:d,s:s,s:O,s:d}", "target", o.target_s, "short_abandon",
                         o.short_abandon_s, "sl_abandoned", sl_names[o.sl_abandoned],
                         "exclude_short", o.exclude_short ? Py_True : Py_False, "tolerance",
                         o.tolerance_s);
}

static PyObject *calls_save(PyObject *op, PyObject *unused)
{
    svcm_calls *c = ready(op);
    if (c == NULL)
        return NULL;
    size_t len = 0;
    svcm_calls_save(c, NULL, 0, &len);
    PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)len);
    if (b == NULL)
        return NULL;
    int rc = svcm_calls_save(c, (unsigned char *)PyBytes_AS_STRING(b), len, NULL);
    if (rc) {
        Py_DECREF(b);
        return svcmpy_raise_type(Py_TYPE(op), rc, NULL);
    }
    return b;
}

static PyObject *calls_load(PyObject *cls, PyObject *arg)
{
    PyTypeObject *tp = (PyTypeObject *)cls;
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    svcm_calls *h = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_calls_load(view.buf, (size_t)view.len, NULL, &h, &err);
    PyBuffer_Release(&view);
    if (rc)
        return svcmpy_raise_type(tp, rc, &err);
    PyObject *o = tp->tp_alloc(tp, 0);
    if (o == NULL) {
        svcm_calls_free(h);
        return NULL;
    }
    ((CallsObject *)o)->h = h;
    return o;
}

static PyObject *calls_repr(PyObject *op)
{
    CallsObject *self = (CallsObject *)op;
    if (self->h == NULL || self->busy)
        return PyUnicode_FromString("svcm.Calls(<uninitialised or busy>)");
    struct svcm_calls_result r;
    svcm_calls_result(self->h, &r);
    char buf[120];
    snprintf(buf, sizeof buf, "svcm.Calls(offered=%llu, other=%llu)",
             (unsigned long long)r.offered, (unsigned long long)r.other);
    return PyUnicode_FromString(buf);
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
    {"merge", calls_merge, METH_O,
     "merge(other) -> None\n\nAdd another Calls with the same options (else svcm.Mismatch)."},
    {"save", calls_save, METH_NOARGS, "save() -> bytes\n\nVersioned little-endian state."},
    {"load", calls_load, METH_O | METH_CLASS,
     "load(b) -> Calls\n\nLoad state saved by save() (svcm.FormatError if malformed)."},
    SVCMPY_REDUCE_METHOD,
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef calls_getset[] = {
    {"options", calls_options, NULL,
     "dict of target, short_abandon, sl_abandoned, exclude_short, tolerance", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot calls_slots[] = {
    {Py_tp_doc, "Calls(target=20.0, short_abandon=5.0, sl_abandoned='against',\n"
                "      exclude_short=True, tolerance=0.0)\n\n"
                "Call-log accumulator: per-contact records to offered, answered, abandoned,\n"
                "service level (abandons 'ignore'd, counted 'against' or early ones as 'met';\n"
                "short abandons, wait < short_abandon, left out when exclude_short), ASA, AHT,\n"
                "longest wait, abandonment rate and mean patience (total wait / abandoned).\n"
                "Instants out of order by at most tolerance seconds count as equal.\n"
                "Mergeable, saveable and picklable. One thread at a time."},
    {Py_tp_init, calls_init},
    {Py_tp_dealloc, calls_dealloc},
    {Py_tp_methods, calls_methods},
    {Py_tp_getset, calls_getset},
    {Py_tp_repr, calls_repr},
    {0, NULL},
};

static PyType_Spec calls_spec = {"svcm.Calls", sizeof(CallsObject), 0,
                                 Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, calls_slots};

int svcmpy_init_calls(PyObject *m)
{
    PyObject *t = PyType_FromModuleAndSpec(m, &calls_spec, NULL);
    if (t == NULL)
        return -1;
    int rc = svcmpy_members_Calls(t) < 0 ? -1 : PyModule_AddObjectRef(m, "Calls", t);
    Py_DECREF(t);
    return rc;
}
