/* Python surface of the time engine: svcm.parse_time and svcm.Zone (its
 * methods and name are described in bindings/api/time.py). */
#include "svcmpy.h"
#include "gen_py.h"

#include "svcm/time.h"

enum { TIME_ZONE_TYPE, TIME_NITEMS };

typedef struct {
    PyObject_HEAD
    svcm_zone *zone;
    PyObject *tzif; /* bytes the zone was loaded from (from_tzif), else NULL */
} ZoneObject;

static svcm_zone *zone_of(PyObject *self) { return ((ZoneObject *)self)->zone; }

/* The hooks of the described members: a zone never changes after it is
 * made, so nothing is marked in use. */
svcm_zone *svcmpy_enter_Zone(PyObject *op) { return zone_of(op); }
void svcmpy_leave_Zone(PyObject *op) { (void)op; }

static PyObject *wrap_zone(PyTypeObject *tp, svcm_zone *z)
{
    ZoneObject *self = (ZoneObject *)tp->tp_alloc(tp, 0);
    if (self == NULL) {
        svcm_zone_free(z);
        return NULL;
    }
    self->zone = z;
    return (PyObject *)self;
}

static PyObject *zone_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"spec", NULL};
    const char *spec;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "s:Zone", kwlist, &spec))
        return NULL;
    svcm_zone *z = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_zone_new(spec, NULL, &z, &err);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(tp, rc, &err);
    return wrap_zone(tp, z);
}

PyDoc_STRVAR(from_tzif_doc,
    "from_tzif(data: bytes) -> Zone\n\n"
    "A zone from the bytes of a compiled TZif file (RFC 8536).\n"
    "Raises svcm.FormatError for malformed bytes.");
static PyObject *zone_from_tzif(PyObject *cls, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    svcm_zone *z = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_zone_load(view.buf, (size_t)view.len, NULL, &z, &err);
    /* Kept for pickling: the zone has no other saved form. */
    PyObject *kept = rc == SVCM_OK ? PyBytes_FromStringAndSize(view.buf, view.len) : NULL;
    PyBuffer_Release(&view);
    if (rc != SVCM_OK)
        return svcmpy_raise_type((PyTypeObject *)cls, rc, &err);
    if (kept == NULL) {
        svcm_zone_free(z);
        return NULL;
    }
    PyObject *self = wrap_zone((PyTypeObject *)cls, z);
    if (self == NULL) {
        Py_DECREF(kept);
        return NULL;
    }
    ((ZoneObject *)self)->tzif = kept;
    return self;
}

static void zone_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    svcm_zone_free(((ZoneObject *)self)->zone);
    Py_XDECREF(((ZoneObject *)self)->tzif);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *zone_repr(PyObject *self)
{
    PyObject *name = PyUnicode_FromString(svcm_zone_name(zone_of(self)));
    if (name == NULL)
        return NULL;
    PyObject *r = PyUnicode_FromFormat("svcm.Zone(%R)", name);
    Py_DECREF(name);
    return r;
}

PyDoc_STRVAR(zone_reduce_doc,
    "__reduce__() -> tuple\n\n"
    "Pickle and copy: Zone(spec) for a zone made from a spec (an IANA name is\n"
    "read again where it is unpickled), Zone.from_tzif(data) with the bytes\n"
    "for one made from TZif bytes.");
static PyObject *zone_reduce(PyObject *self, PyObject *unused)
{
    (void)unused;
    const ZoneObject *o = (const ZoneObject *)self;
    if (o->tzif == NULL)
        return Py_BuildValue("(O(s))", Py_TYPE(self), svcm_zone_name(o->zone));
    PyObject *load = PyObject_GetAttrString((PyObject *)Py_TYPE(self), "from_tzif");
    if (load == NULL)
        return NULL;
    return Py_BuildValue("(N(O))", load, o->tzif);
}

static PyMethodDef zone_methods[] = {
    {"__reduce__", zone_reduce, METH_NOARGS, zone_reduce_doc},
    {"from_tzif", zone_from_tzif, METH_O | METH_CLASS, from_tzif_doc},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(zone_doc,
    "Zone(spec: str)\n\n"
    "A time zone: 'UTC', a fixed offset '+HH:MM' / '+HHMM' / '+HH', a POSIX\n"
    "TZ rule string ('CET-1CEST,M3.5.0,M10.5.0/3'), or an IANA name read from\n"
    "the system's zone files ($TZDIR, else /usr/share/zoneinfo).\n"
    "Raises svcm.FormatError for a malformed spec, svcm.NotFound for an\n"
    "unknown name.");

static PyType_Slot zone_slots[] = {
    {Py_tp_new, zone_new},
    {Py_tp_dealloc, zone_dealloc},
    {Py_tp_methods, zone_methods},
    {Py_tp_repr, zone_repr},
    {Py_tp_doc, (void *)zone_doc},
    {0, NULL},
};

static PyType_Spec zone_spec = {
    .name = "svcm.Zone",
    .basicsize = sizeof(ZoneObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = zone_slots,
};

/* ------------------------------------------------------------ parse_time */

/* tz: None, a str spec or a Zone. *made is a zone to free (or NULL). */
static int zone_arg(PyObject *module, PyObject *tz, const svcm_zone **z, svcm_zone **made)
{
    *z = NULL;
    *made = NULL;
    if (tz == NULL || tz == Py_None)
        return 0;
    PyObject *tp = svcmpy_engine_item(module, SVCMPY_TIME, TIME_ZONE_TYPE);
    if (tp == NULL)
        return -1;
    if (PyObject_TypeCheck(tz, (PyTypeObject *)tp)) {
        *z = zone_of(tz);
        return 0;
    }
    if (!PyUnicode_Check(tz)) {
        PyErr_SetString(PyExc_TypeError, "tz: expected a str, a svcm.Zone or None");
        return -1;
    }
    const char *spec = PyUnicode_AsUTF8(tz);
    if (spec == NULL)
        return -1;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_zone_new(spec, NULL, made, &err);
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        return -1;
    }
    *z = *made;
    return 0;
}

PyDoc_STRVAR(parse_time_doc,
    "parse_time(text, fmt=None, tz='UTC', epoch=None, ambiguous='earlier') -> int | float\n\n"
    "Unix seconds of a timestamp: ISO 8601 / RFC 3339 when fmt is None, else\n"
    "the strptime-like format (%Y %y %m %d %e %H %I %M %S %f %p %b %B %j %z %Z\n"
    "%%); epoch='s' or 'ms' reads Unix seconds or milliseconds. Texts without\n"
    "an offset are local time in tz (a spec str, a svcm.Zone, or None for\n"
    "UTC). Returns an int, or a float when the text has a nonzero fraction.\n"
    "Raises svcm.FormatError (with .column) for text that does not match.");
static PyObject *py_parse_time(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"text", "fmt", "tz", "epoch", "ambiguous", NULL};
    static const char *const epochs[] = {"s", "ms", NULL}; /* after SVCM_TIME_EPOCH_NONE */
    static const char *const rules[] = {"earlier", "later", "error", NULL};
    const char *text, *fmt = NULL;
    Py_ssize_t len;
    PyObject *tz = NULL, *epoch = NULL, *amb = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "s#|zOOO:parse_time", kwlist, &text, &len,
                                     &fmt, &tz, &epoch, &amb))
        return NULL;
    svcm_time_options o;
    svcm_time_options_init(&o);
    o.format = fmt;
    int e = -1, rule = 0;
    if ((epoch != NULL && epoch != Py_None && svcmpy_arg_choice(epoch, "?epoch", epochs, &e) < 0) ||
        (amb != NULL && svcmpy_arg_choice(amb, "ambiguous", rules, &rule) < 0))
        return NULL;
    o.epoch = (svcm_time_epoch)(e + 1);
    o.ambiguous = (svcm_time_ambiguous)rule;
    const svcm_zone *z;
    svcm_zone *made;
    if (zone_arg(module, tz, &z, &made) < 0)
        return NULL;
    int64_t s = 0;
    int32_t ns = 0;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_time_parse(text, (size_t)len, &o, z, &s, &ns, &err);
    svcm_zone_free(made);
    /* The exception's .column (and .line) carry the position, the message
     * does not repeat it (issue 13). */
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, &err);
    if (ns == 0)
        return PyLong_FromLongLong(s);
    return PyFloat_FromDouble((double)s + ns * 1e-9);
}

static PyMethodDef time_functions[] = {
    {"parse_time", (PyCFunction)(void (*)(void))py_parse_time, METH_VARARGS | METH_KEYWORDS,
     parse_time_doc},
    {NULL, NULL, 0, NULL},
};

int svcmpy_init_time(PyObject *module)
{
    if (PyModule_AddFunctions(module, time_functions) < 0)
        return -1;
    PyObject *types = PyTuple_New(TIME_NITEMS);
    if (types == NULL)
        return -1;
    PyObject *zt = PyType_FromModuleAndSpec(module, &zone_spec, NULL);
    if (zt == NULL || svcmpy_members_Zone(zt) < 0) {
        Py_XDECREF(zt);
        Py_DECREF(types);
        return -1;
    }
    PyTuple_SET_ITEM(types, TIME_ZONE_TYPE, zt);
    if (PyModule_AddObjectRef(module, "Zone", zt) < 0) {
        Py_DECREF(types);
        return -1;
    }
    return svcmpy_engine_set(module, SVCMPY_TIME, types);
}
