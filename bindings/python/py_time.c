/* Python surface of the time engine: svcm.parse_time. svcm.Zone is generated
 * whole from bindings/api/time.py (a managed class over struct svcmb_zone). */
#include "svcmpy.h"
#include "gen_py.h"

#include "svcm/time.h"

const svcm_zone *svcmb_zone_of(const struct svcmb_zone *h); /* bindings/api/time.py */

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
    PyObject *tz = Py_None, *epoch = NULL, *amb = NULL;
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
    /* tz: None (UTC), a spec str (a zone made for this call) or a Zone. */
    struct svcmb_zone *h = NULL;
    if (tz != Py_None && !PyUnicode_Check(tz) &&
        (h = svcmpy_handle_of(tz, &svcmpy_class_Zone, "tz")) == NULL)
        return NULL;
    const char *spec = PyUnicode_Check(tz) ? PyUnicode_AsUTF8(tz) : NULL;
    if (PyUnicode_Check(tz) && spec == NULL)
        return NULL;
    svcm_zone *made = NULL;
    int64_t s = 0;
    int32_t ns = 0;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = spec ? svcm_zone_new(spec, NULL, &made, &err) : SVCM_OK;
    if (rc == SVCM_OK)
        rc = svcm_time_parse(text, (size_t)len, &o, h ? svcmb_zone_of(h) : made, &s, &ns, &err);
    svcm_zone_free(made);
    /* The exception's .column (and .line) carry the position (issue 13). */
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, &err);
    return ns == 0 ? PyLong_FromLongLong(s) : PyFloat_FromDouble((double)s + ns * 1e-9);
}

static PyMethodDef time_functions[] = {
    {"parse_time", (PyCFunction)(void (*)(void))py_parse_time, METH_VARARGS | METH_KEYWORDS,
     parse_time_doc},
    {NULL, NULL, 0, NULL},
};

int svcmpy_init_time(PyObject *module)
{
    return PyModule_AddFunctions(module, time_functions) < 0 ||
                   svcmpy_add_Zone(module, NULL, NULL) < 0
               ? -1
               : 0;
}
