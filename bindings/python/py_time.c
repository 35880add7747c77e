/* Python surface of the time engine: svcm.parse_time and svcm.Zone. */
#include "svcmpy.h"

#include <stdio.h>
#include <string.h>

#include "svcm/time.h"

enum { TIME_ZONE_TYPE, TIME_NITEMS };

typedef struct {
    PyObject_HEAD
    svcm_zone *zone;
    PyObject *tzif; /* bytes the zone was loaded from (from_tzif), else NULL */
} ZoneObject;

/* "earlier" / "later" / "error" -> the enum; -1 with ValueError. */
static int ambiguous_of(const char *s, svcm_time_ambiguous *out)
{
    static const char *const names[] = {"earlier", "later", "error"};
    for (int i = 0; i < 3; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (svcm_time_ambiguous)i;
            return 0;
        }
    }
    PyErr_Format(PyExc_ValueError, "ambiguous: expected 'earlier', 'later' or 'error', got '%s'",
                 s);
    return -1;
}

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

static svcm_zone *zone_of(PyObject *self) { return ((ZoneObject *)self)->zone; }

static int instant_of(PyObject *arg, long long *out)
{
    *out = PyLong_AsLongLong(arg);
    return *out == -1 && PyErr_Occurred() ? -1 : 0;
}

PyDoc_STRVAR(offset_doc,
    "offset(utc: int) -> tuple[int, bool]\n\n"
    "(offset in seconds east of UTC, daylight saving in effect) at the instant\n"
    "utc (int seconds since the epoch).");
static PyObject *zone_offset(PyObject *self, PyObject *arg)
{
    long long t;
    if (instant_of(arg, &t) < 0)
        return NULL;
    int32_t off = 0;
    int dst = 0;
    (void)svcm_zone_offset(zone_of(self), t, &off, &dst);
    return Py_BuildValue("(lO)", (long)off, dst ? Py_True : Py_False);
}

PyDoc_STRVAR(abbrev_doc,
    "abbrev(utc: int) -> str\n\nThe zone abbreviation at the instant, e.g. 'CEST'.");
static PyObject *zone_abbrev(PyObject *self, PyObject *arg)
{
    long long t;
    if (instant_of(arg, &t) < 0)
        return NULL;
    return PyUnicode_FromString(svcm_zone_abbrev(zone_of(self), t));
}

PyDoc_STRVAR(to_local_doc,
    "to_local(utc: int) -> tuple[int, int, int, int, int, int]\n\n"
    "(year, month, day, hour, minute, second) of the instant in this zone.\n"
    "Raises svcm.OutOfRange outside years 0..9999.");
static PyObject *zone_to_local(PyObject *self, PyObject *arg)
{
    long long t;
    if (instant_of(arg, &t) < 0)
        return NULL;
    svcm_civil c;
    int rc = svcm_zone_to_local(zone_of(self), t, &c, NULL);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    return Py_BuildValue("(iiiiii)", (int)c.year, c.month, c.day, c.hour, c.minute, c.second);
}

/* A civil field for a uint8_t slot: values outside 0..255 become 255, which
 * every field refuses, so the C call names the field. */
static uint8_t u8(int v) { return (uint8_t)(v < 0 || v > 255 ? 255 : v); }

PyDoc_STRVAR(to_utc_doc,
    "to_utc(year, month, day, hour=0, minute=0, second=0, ambiguous='earlier') -> int\n\n"
    "The instant of a local time in this zone. ambiguous decides skipped and\n"
    "repeated local times: 'earlier' uses the offset before the transition,\n"
    "'later' the offset after it (PEP 495 fold=0 / fold=1), 'error' raises\n"
    "svcm.InvalidInput.");
static PyObject *zone_to_utc(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"year", "month", "day", "hour", "minute", "second", "ambiguous",
                             NULL};
    int y, mo, d, h = 0, mi = 0, s = 0;
    const char *amb = "earlier";
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "iii|iiis:to_utc", kwlist, &y, &mo, &d, &h,
                                     &mi, &s, &amb))
        return NULL;
    svcm_time_ambiguous rule;
    if (ambiguous_of(amb, &rule) < 0)
        return NULL;
    svcm_error err;
    svcm_error_clear(&err);
    svcm_civil c = {y, u8(mo), u8(d), u8(h), u8(mi), u8(s), 0};
    int64_t t = 0;
    int rc = svcm_zone_from_local(zone_of(self), &c, rule, &t, &err);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, &err);
    return PyLong_FromLongLong(t);
}

static PyObject *zone_name(PyObject *self, void *closure)
{
    (void)closure;
    return PyUnicode_FromString(svcm_zone_name(zone_of(self)));
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
    {"offset", zone_offset, METH_O, offset_doc},
    {"abbrev", zone_abbrev, METH_O, abbrev_doc},
    {"to_local", zone_to_local, METH_O, to_local_doc},
    {"to_utc", (PyCFunction)(void (*)(void))zone_to_utc, METH_VARARGS | METH_KEYWORDS, to_utc_doc},
    {"from_tzif", zone_from_tzif, METH_O | METH_CLASS, from_tzif_doc},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef zone_getset[] = {
    {"name", zone_name, NULL, "the specification the zone was made from", NULL},
    {NULL, NULL, NULL, NULL, NULL},
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
    {Py_tp_getset, zone_getset},
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

static int epoch_of(PyObject *epoch, svcm_time_epoch *out)
{
    *out = SVCM_TIME_EPOCH_NONE;
    if (epoch == NULL || epoch == Py_None)
        return 0;
    const char *s = PyUnicode_Check(epoch) ? PyUnicode_AsUTF8(epoch) : NULL;
    if (s != NULL && (strcmp(s, "s") == 0 || strcmp(s, "ms") == 0)) {
        *out = s[0] == 'm' ? SVCM_TIME_EPOCH_MS : SVCM_TIME_EPOCH_S;
        return 0;
    }
    PyErr_Clear();
    PyErr_SetString(PyExc_ValueError, "epoch: expected None, 's' or 'ms'");
    return -1;
}

/* The svcm exception for rc; its .column (and .line) carry the position,
 * the message does not repeat it (issue 13). */
static PyObject *raise_at(PyObject *module, int rc, svcm_error *err)
{
    return svcmpy_raise(module, rc, err);
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
    const char *text, *fmt = NULL, *amb = "earlier";
    Py_ssize_t len;
    PyObject *tz = NULL, *epoch = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "s#|zOOs:parse_time", kwlist, &text, &len,
                                     &fmt, &tz, &epoch, &amb))
        return NULL;
    svcm_time_options o;
    svcm_time_options_init(&o);
    o.format = fmt;
    if (epoch_of(epoch, &o.epoch) < 0 || ambiguous_of(amb, &o.ambiguous) < 0)
        return NULL;
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
    if (rc != SVCM_OK)
        return raise_at(module, rc, &err);
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
    if (zt == NULL) {
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
