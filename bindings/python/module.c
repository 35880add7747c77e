/* The svcm CPython extension: module state, exceptions, engine wiring. */
#include "svcmpy.h"
#include "gen_py.h"

#include <stdio.h>

/* Exception classes by status code come from the description
 * (bindings/api/core.py, status(...) entries -> svcmpy_statuses). */
_Static_assert(SVCMPY_NSTATUSES == SVCMPY_NCODES - 1,
               "every status code of SVCM_ERRORS but SVCM_OK needs a status() entry "
               "in bindings/api/core.py");

svcmpy_state *svcmpy_state_of(PyObject *module)
{
    return (svcmpy_state *)PyModule_GetState(module);
}

PyObject *svcmpy_module_of_type(PyTypeObject *tp)
{
    return PyType_GetModuleByDef(tp, &svcmpy_module_def);
}

PyObject *svcmpy_engine_item(PyObject *module, int engine, Py_ssize_t i)
{
    svcmpy_state *st = svcmpy_state_of(module);
    if (st == NULL || engine < 0 || engine >= SVCMPY_ENGINE_COUNT ||
        st->engine[engine] == NULL || i < 0 || i >= PyTuple_GET_SIZE(st->engine[engine])) {
        PyErr_SetString(PyExc_SystemError, "svcm: engine object missing");
        return NULL;
    }
    return PyTuple_GET_ITEM(st->engine[engine], i);
}

int svcmpy_engine_set(PyObject *module, int engine, PyObject *tuple)
{
    svcmpy_state *st = svcmpy_state_of(module);
    if (tuple == NULL)
        return -1;
    if (st == NULL || engine < 0 || engine >= SVCMPY_ENGINE_COUNT || !PyTuple_Check(tuple)) {
        Py_DECREF(tuple);
        PyErr_SetString(PyExc_SystemError, "svcm: bad engine slot");
        return -1;
    }
    Py_XSETREF(st->engine[engine], tuple);
    return 0;
}

/* "record N, field 'f': message": a position in parsed text (line,
 * column) is never in the text, only in the attributes (issue 13), so it
 * is not said twice when a caller prints it. */
static void raise_message(char *msg, size_t size, int rc, const svcm_error *err)
{
    const char *detail = (err && err->message[0]) ? err->message : svcm_strerror(rc);
    int has_index = err && err->index != SVCM_NO_INDEX;
    if (has_index && err->field)
        snprintf(msg, size, "record %zu, field '%s': %s", err->index, err->field, detail);
    else if (has_index)
        snprintf(msg, size, "record %zu: %s", err->index, detail);
    else if (err && err->field)
        snprintf(msg, size, "field '%s': %s", err->field, detail);
    else
        snprintf(msg, size, "%s", detail);
}

/* Sets code, index, line, column, field on exc (None when absent). */
static int raise_attrs(PyObject *exc, int rc, const svcm_error *err)
{
    const char *names[5] = {"code", "index", "line", "column", "field"};
    PyObject *v[5];
    v[0] = PyLong_FromLong(rc);
    v[1] = err && err->index != SVCM_NO_INDEX ? PyLong_FromSize_t(err->index) : Py_NewRef(Py_None);
    v[2] = err && err->line > 0 ? PyLong_FromSize_t(err->line) : Py_NewRef(Py_None);
    v[3] = err && err->column > 0 ? PyLong_FromSize_t(err->column) : Py_NewRef(Py_None);
    v[4] = err && err->field ? PyUnicode_FromString(err->field) : Py_NewRef(Py_None);
    int rv = 0;
    for (int k = 0; k < 5; k++)
        if (rv == 0 && (v[k] == NULL || PyObject_SetAttrString(exc, names[k], v[k]) < 0))
            rv = -1;
    for (int k = 0; k < 5; k++)
        Py_XDECREF(v[k]);
    return rv;
}

PyObject *svcmpy_raise(PyObject *module, int rc, const svcm_error *err)
{
    svcmpy_state *st = module ? svcmpy_state_of(module) : NULL;
    if (st == NULL) {
        PyErr_SetString(PyExc_RuntimeError, svcm_strerror(rc));
        return NULL;
    }
    PyObject *cls = (rc <= 0 && rc > -SVCMPY_NCODES) ? st->by_code[-rc] : NULL;
    if (cls == NULL)
        cls = st->error;
    char msg[256];
    raise_message(msg, sizeof msg, rc, err);
    PyObject *exc = PyObject_CallFunction(cls, "s", msg);
    if (exc == NULL)
        return NULL;
    if (raise_attrs(exc, rc, err) == 0)
        PyErr_SetObject(cls, exc);
    Py_DECREF(exc);
    return NULL;
}

PyObject *svcmpy_raise_type(PyTypeObject *tp, int rc, const svcm_error *err)
{
    PyObject *module = svcmpy_module_of_type(tp);
    if (module == NULL)
        return NULL;
    return svcmpy_raise(module, rc, err);
}

PyObject *svcmpy_state_error(PyTypeObject *tp, const char *message)
{
    svcm_error err;
    svcm_error_clear(&err);
    snprintf(err.message, sizeof err.message, "%s %s", tp->tp_name, message);
    err.code = SVCM_ESTATE;
    return svcmpy_raise_type(tp, SVCM_ESTATE, &err);
}

PyDoc_STRVAR(version_doc, "version() -> str\n\nThe svcm C library version, e.g. '0.2.0'.");
static PyObject *py_version(PyObject *module, PyObject *unused)
{
    return PyUnicode_FromString(svcm_version());
}

PyDoc_STRVAR(strerror_doc, "strerror(code: int) -> str\n\nThe message of an svcm status code.");
static PyObject *py_strerror(PyObject *module, PyObject *arg)
{
    int overflow = 0;
    long code = PyLong_AsLongAndOverflow(arg, &overflow);
    if (code == -1 && PyErr_Occurred())
        return NULL;
    if (overflow || code < INT32_MIN || code > INT32_MAX)
        code = INT32_MIN;
    return PyUnicode_FromString(svcm_strerror((int)code));
}

PyDoc_STRVAR(status_name_doc,
             "status_name(code: int) -> str\n\nThe symbolic name of a status code, e.g. 'SVCM_EINVAL'.");
static PyObject *py_status_name(PyObject *module, PyObject *arg)
{
    int overflow = 0;
    long code = PyLong_AsLongAndOverflow(arg, &overflow);
    if (code == -1 && PyErr_Occurred())
        return NULL;
    if (overflow || code < INT32_MIN || code > INT32_MAX)
        code = INT32_MIN;
    return PyUnicode_FromString(svcm_status_name((int)code));
}

static PyMethodDef module_methods[] = {
    {"version", py_version, METH_NOARGS, version_doc},
    {"strerror", py_strerror, METH_O, strerror_doc},
    {"status_name", py_status_name, METH_O, status_name_doc},
    {NULL, NULL, 0, NULL},
};

static int add_exceptions(PyObject *m, svcmpy_state *st)
{
    st->error = PyErr_NewExceptionWithDoc("svcm.Error",
        "Base class of every error raised by svcm. Attributes: code (the C "
        "status code), index (0-based record at fault, or None), line and "
        "column (1-based position in parsed text, or None), field (or None). "
        "str(exc) is \"record N, field 'f': message\" without the parts that "
        "are None; the line and column are only in the attributes, never in "
        "the message.",
        NULL, NULL);
    if (st->error == NULL || PyModule_AddObjectRef(m, "Error", st->error) < 0)
        return -1;
    st->by_code[0] = Py_NewRef(st->error);
    for (size_t i = 0; i < SVCMPY_NSTATUSES; i++) {
        const svcmpy_status *x = &svcmpy_statuses[i];
        PyObject *extra = x->base ? *x->base : NULL;
        PyObject *bases = extra ? PyTuple_Pack(2, st->error, extra) : PyTuple_Pack(1, st->error);
        if (bases == NULL)
            return -1;
        PyObject *cls = PyErr_NewExceptionWithDoc(x->name, x->doc, bases, NULL);
        Py_DECREF(bases);
        if (cls == NULL)
            return -1;
        st->by_code[-x->code] = cls;
        if (PyModule_AddObjectRef(m, x->name + 5, cls) < 0)
            return -1;
    }
    /* Status codes by name: svcm.codes["EINVAL"] == -1. */
    PyObject *codes = PyDict_New();
    if (codes == NULL)
        return -1;
#define SVCMPY_CODE(name, value, msg)                                          \
    {                                                                          \
        PyObject *v = PyLong_FromLong(value);                                  \
        if (v == NULL || PyDict_SetItemString(codes, #name, v) < 0) {          \
            Py_XDECREF(v);                                                     \
            Py_DECREF(codes);                                                  \
            return -1;                                                         \
        }                                                                      \
        Py_DECREF(v);                                                          \
    }
    SVCM_ERRORS(SVCMPY_CODE)
#undef SVCMPY_CODE
    if (PyModule_AddObject(m, "codes", codes) < 0) {
        Py_DECREF(codes);
        return -1;
    }
    return 0;
}

static int module_exec(PyObject *m)
{
    if (svcm_version_number() != SVCM_VERSION_HEX) {
        PyErr_Format(PyExc_ImportError,
                     "svcm: extension built for C library %s but loaded %s",
                     SVCM_VERSION_STRING, svcm_version());
        return -1;
    }
    svcmpy_state *st = svcmpy_state_of(m);
    if (add_exceptions(m, st) < 0)
        return -1;
    if (PyModule_AddStringConstant(m, "__version__", svcm_version()) < 0)
        return -1;
    if (svcmpy_gen_init(m) < 0)
        return -1;
#ifdef SVCMPY_HAVE_CORE
    if (svcmpy_init_core(m) < 0)
        return -1;
    if (svcmpy_init_columns(m) < 0)
        return -1;
#endif
#ifdef SVCMPY_HAVE_TIME
    if (svcmpy_init_time(m) < 0)
        return -1;
#endif
#ifdef SVCMPY_HAVE_FEEDBACK
    if (svcmpy_init_feedback(m) < 0)
        return -1;
#endif
#ifdef SVCMPY_HAVE_SKETCH
    if (svcmpy_init_sketch(m) < 0)
        return -1;
#endif
#ifdef SVCMPY_HAVE_CALENDAR
    if (svcmpy_init_calendar(m) < 0)
        return -1;
#endif
#ifdef SVCMPY_HAVE_ERLANG
    if (svcmpy_init_erlang(m) < 0)
        return -1;
#endif
#ifdef SVCMPY_HAVE_SEGMENT
    if (svcmpy_init_segment(m) < 0)
        return -1;
#endif
#ifdef SVCMPY_HAVE_LIFETIME
    if (svcmpy_init_lifetime(m) < 0)
        return -1;
#endif
#ifdef SVCMPY_HAVE_PRIORITY
    if (svcmpy_init_priority(m) < 0)
        return -1;
#endif
#ifdef SVCMPY_HAVE_PDCA
    if (svcmpy_init_pdca(m) < 0)
        return -1;
#endif
#ifdef SVCMPY_HAVE_CALLS
    {
        int svcmpy_init_calls(PyObject *module); /* bindings/python/py_calls.c */
        if (svcmpy_init_calls(m) < 0)
            return -1;
    }
#endif
#ifdef SVCMPY_HAVE_JOURNEY
    {
        int svcmpy_init_journey(PyObject *module); /* bindings/python/py_journey.c */
        if (svcmpy_init_journey(m) < 0)
            return -1;
    }
#endif
#ifdef SVCMPY_HAVE_SCORECARD
    {
        int svcmpy_init_scorecard(PyObject *module); /* bindings/python/py_scorecard.c */
        if (svcmpy_init_scorecard(m) < 0)
            return -1;
    }
#endif
    return 0;
}

static int module_traverse(PyObject *m, visitproc visit, void *arg)
{
    svcmpy_state *st = svcmpy_state_of(m);
    if (st == NULL)
        return 0;
    Py_VISIT(st->error);
    for (int i = 0; i < SVCMPY_NCODES; i++)
        Py_VISIT(st->by_code[i]);
    for (int i = 0; i < SVCMPY_ENGINE_COUNT; i++)
        Py_VISIT(st->engine[i]);
    Py_VISIT(st->records);
    return 0;
}

static int module_clear(PyObject *m)
{
    svcmpy_state *st = svcmpy_state_of(m);
    if (st == NULL)
        return 0;
    Py_CLEAR(st->error);
    for (int i = 0; i < SVCMPY_NCODES; i++)
        Py_CLEAR(st->by_code[i]);
    for (int i = 0; i < SVCMPY_ENGINE_COUNT; i++)
        Py_CLEAR(st->engine[i]);
    Py_CLEAR(st->records);
    return 0;
}

static void module_free(void *m)
{
    module_clear((PyObject *)m);
}

PyDoc_STRVAR(module_doc,
    "svcm: service metrics.\n\n"
    "Customer segmentation (five tiers, RFM, BG/NBD), Eisenhower and ITIL\n"
    "priority with a dispatch queue, PDCA improvement cycles, and KPIs\n"
    "(CSAT, NPS, CES, rates, durations, SLA, Erlang C, SERVQUAL) computed\n"
    "by the svcm C library. Errors derive from svcm.Error.");

PyModuleDef svcmpy_module_def = {
    PyModuleDef_HEAD_INIT,
    /* The extension inside the package svcm (bindings/python/svcm/__init__.py
     * re-exports every public name); classes and exceptions keep names
     * "svcm.X" and so __module__ "svcm". */
    .m_name = "svcm._svcm",
    .m_doc = module_doc,
    .m_size = sizeof(svcmpy_state),
    .m_methods = module_methods,
    .m_traverse = module_traverse,
    .m_clear = module_clear,
    .m_free = module_free,
};

PyMODINIT_FUNC PyInit__svcm(void);
PyMODINIT_FUNC PyInit__svcm(void)
{
    /* Single-phase init with per-module state: the state lives in the module
     * object and heap types find it through PyType_GetModuleByDef. */
    PyObject *m = PyModule_Create(&svcmpy_module_def);
    if (m == NULL)
        return NULL;
    if (module_exec(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
