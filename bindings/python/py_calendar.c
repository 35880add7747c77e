/* Python binding of the calendar engine: svcm.Calendar, svcm.sla,
 * svcm.sla_compliance (the Calendar queries, svcm.SlaRate and the civil-date
 * functions are generated from bindings/api/calendar.py). */
#include "svcmpy.h"
#include "gen_py.h"

#include <string.h>

#include "svcm/calendar.h"

/* Items of the engine tuple (SlaRate is a described record of
 * bindings/api/calendar.py). */
enum { T_CALENDAR, T_RESULT, T_SUMMARY, T_COUNT };

typedef struct {
    PyObject_HEAD
    svcm_calendar *cal;
} CalendarObject;

/* ------------------------------------------------------------ conversions */

/* The text parsers shared with the Lua binding (a helper of
 * bindings/api/calendar.py, in gen_py.c). */
long svcmbind_parse_hms(const char *s);
int svcmbind_parse_date(const char *s, svcm_date *out);

/* A time of day: a "HH:MM[:SS]" string or an int of seconds. */
static int time_of_day(PyObject *o, int32_t *out, const char *what, int day, Py_ssize_t k)
{
    if (PyUnicode_Check(o)) {
        Py_ssize_t len;
        const char *s = PyUnicode_AsUTF8AndSize(o, &len);
        if (s == NULL)
            return -1;
        /* An embedded NUL would end the C string early: "09:00\0junk". */
        long v = strlen(s) == (size_t)len ? svcmbind_parse_hms(s) : -1;
        if (v < 0) {
            PyErr_Format(PyExc_ValueError, "week[%d][%zd]: %s '%s' is not HH:MM or HH:MM:SS", day,
                         k, what, s);
            return -1;
        }
        *out = (int32_t)v;
        return 0;
    }
    if (PyLong_Check(o)) {
        long v = PyLong_AsLong(o);
        if (v == -1 && PyErr_Occurred())
            return -1;
        if (v < INT32_MIN || v > INT32_MAX) {
            PyErr_Format(PyExc_ValueError, "week[%d][%zd]: %s out of range", day, k, what);
            return -1;
        }
        *out = (int32_t)v; /* the C library checks 0 .. 86400 */
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "week[%d][%zd]: %s must be 'HH:MM' or int seconds, got %s", day,
                 k, what, Py_TYPE(o)->tp_name);
    return -1;
}

/* Read the week: 7 items (Monday first), each None or a sequence of
 * (start, end) pairs. *out is PyMem-allocated. */
static int read_week(PyObject *week, svcm_calendar_interval **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (week == NULL || week == Py_None)
        return 0;
    PyObject *days = svcmpy_snapshot(week, "week must be a sequence of 7 days (Monday first)");
    if (days == NULL)
        return -1;
    if (PySequence_Fast_GET_SIZE(days) != 7) {
        PyErr_Format(PyExc_ValueError, "week must have 7 days (Monday first), got %zd",
                     PySequence_Fast_GET_SIZE(days));
        Py_DECREF(days);
        return -1;
    }
    svcm_calendar_interval *iv = NULL;
    size_t count = 0, cap = 0;
    for (int d = 0; d < 7; d++) {
        PyObject *day = PySequence_Fast_GET_ITEM(days, d);
        if (day == Py_None)
            continue;
        PyObject *list = svcmpy_snapshot(day, "each day must be a sequence of (start, end) pairs");
        if (list == NULL)
            goto fail;
        for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(list); k++) {
            PyObject *pair = PySequence_Fast_GET_ITEM(list, k);
            if (!PySequence_Check(pair) || PyUnicode_Check(pair) || PySequence_Size(pair) != 2) {
                PyErr_Format(PyExc_TypeError, "week[%d][%zd] must be a (start, end) pair", d, k);
                Py_DECREF(list);
                goto fail;
            }
            if (count == cap) {
                size_t ncap = cap ? 2 * cap : 16;
                void *p = PyMem_Realloc(iv, ncap * sizeof *iv);
                if (p == NULL) {
                    PyErr_NoMemory();
                    Py_DECREF(list);
                    goto fail;
                }
                iv = p;
                cap = ncap;
            }
            PyObject *a = PySequence_GetItem(pair, 0), *b = PySequence_GetItem(pair, 1);
            int ok = a && b && time_of_day(a, &iv[count].start, "start", d, k) == 0 &&
                     time_of_day(b, &iv[count].end, "end", d, k) == 0;
            Py_XDECREF(a);
            Py_XDECREF(b);
            if (!ok) {
                Py_DECREF(list);
                goto fail;
            }
            iv[count].weekday = d;
            count++;
        }
        Py_DECREF(list);
    }
    Py_DECREF(days);
    *out = iv;
    *n = count;
    return 0;
fail:
    Py_DECREF(days);
    PyMem_Free(iv);
    return -1;
}

/* A date from "YYYY-MM-DD" (optionally with a leading '-') or from any
 * object with year, month and day attributes (datetime.date). */
static int read_date(PyObject *o, svcm_date *out, Py_ssize_t i)
{
    if (PyUnicode_Check(o)) {
        Py_ssize_t len;
        const char *s = PyUnicode_AsUTF8AndSize(o, &len);
        if (s == NULL)
            return -1;
        /* An embedded NUL would end the C string early. */
        if (strlen(s) != (size_t)len || !svcmbind_parse_date(s, out)) {
            PyErr_Format(PyExc_ValueError, "holidays[%zd]: '%s' is not YYYY-MM-DD", i, s);
            return -1;
        }
        return 0;
    }
    long v[3];
    static const char *const names[3] = {"year", "month", "day"};
    for (int k = 0; k < 3; k++) {
        PyObject *a = PyObject_GetAttrString(o, names[k]);
        if (a == NULL) {
            if (!PyErr_ExceptionMatches(PyExc_AttributeError))
                return -1; /* raised by the object's own attribute code */
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError,
                         "holidays[%zd]: expected 'YYYY-MM-DD' or a date, got %s", i,
                         Py_TYPE(o)->tp_name);
            return -1;
        }
        v[k] = PyLong_AsLong(a);
        Py_DECREF(a);
        if (v[k] == -1 && PyErr_Occurred())
            return -1;
        if (v[k] < INT32_MIN || v[k] > INT32_MAX) {
            PyErr_Format(PyExc_ValueError, "holidays[%zd]: %s out of range", i, names[k]);
            return -1;
        }
    }
    out->year = (int32_t)v[0];
    out->month = (int32_t)v[1];
    out->day = (int32_t)v[2];
    return 0;
}

static int read_holidays(PyObject *obj, svcm_date **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (obj == NULL || obj == Py_None)
        return 0;
    PyObject *seq = svcmpy_snapshot(obj, "holidays must be a sequence of dates");
    if (seq == NULL)
        return -1;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(seq);
    svcm_date *h = PyMem_Malloc(len > 0 ? (size_t)len * sizeof *h : 1);
    if (h == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        if (read_date(PySequence_Fast_GET_ITEM(seq, i), &h[i], i) < 0) {
            PyMem_Free(h);
            Py_DECREF(seq);
            return -1;
        }
    }
    Py_DECREF(seq);
    *out = h;
    *n = (size_t)len;
    return 0;
}

static PyObject *wrap_calendar(PyTypeObject *tp, svcm_calendar *cal)
{
    CalendarObject *self = (CalendarObject *)tp->tp_alloc(tp, 0);
    if (self == NULL) {
        svcm_calendar_free(cal);
        return NULL;
    }
    self->cal = cal;
    return (PyObject *)self;
}

/* -------------------------------------------------------------- Calendar */

static PyObject *calendar_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"utc_offset_minutes", "week", "holidays", "zone", NULL};
    int offset = 0;
    PyObject *week = NULL, *holidays = NULL;
    const char *zone = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|iOOz:Calendar", kwlist, &offset, &week,
                                     &holidays, &zone))
        return NULL;
    svcm_calendar_interval *iv;
    svcm_date *hol;
    size_t n_iv, n_hol;
    if (read_week(week, &iv, &n_iv) < 0)
        return NULL;
    if (read_holidays(holidays, &hol, &n_hol) < 0) {
        PyMem_Free(iv);
        return NULL;
    }
    svcm_calendar_options o;
    svcm_calendar_options_init(&o);
    o.utc_offset_minutes = offset;
    o.zone = zone;
    o.intervals = iv;
    o.n_intervals = n_iv;
    o.holidays = hol;
    o.n_holidays = n_hol;
    svcm_calendar *cal = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_calendar_new(&o, NULL, &cal, &err);
    if (rc == SVCM_EINVAL && err.index != SVCM_NO_INDEX && err.index < n_iv && err.field &&
        strcmp(err.field, "holiday") != 0) {
        /* Name the day and position rather than the flattened index. */
        char msg[sizeof err.message + 64];
        size_t pos = 0;
        for (size_t i = 0; i < err.index; i++)
            pos += iv[i].weekday == iv[err.index].weekday;
        snprintf(msg, sizeof msg, "week[%d][%zu]: %s", (int)iv[err.index].weekday, pos,
                 err.message);
        size_t len = strlen(msg); /* ASCII only: cut anywhere */
        if (len >= sizeof err.message)
            len = sizeof err.message - 1;
        memcpy(err.message, msg, len);
        err.message[len] = '\0';
    }
    PyMem_Free(iv);
    PyMem_Free(hol);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(tp, rc, &err);
    return wrap_calendar(tp, cal);
}

static void calendar_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    svcm_calendar_free(((CalendarObject *)self)->cal);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static svcm_calendar *cal_of(PyObject *self) { return ((CalendarObject *)self)->cal; }

/* The hooks of the described methods (bindings/api/calendar.py): a calendar
 * never changes after it is made, so nothing is marked in use. */
svcm_calendar *svcmpy_enter_Calendar(PyObject *op) { return cal_of(op); }
void svcmpy_leave_Calendar(PyObject *op) { (void)op; }

/* Shared body of the two batch methods. */
static PyObject *calendar_batch(PyObject *self, PyObject *args, int add)
{
    PyObject *xo, *yo;
    if (!PyArg_ParseTuple(args, add ? "OO:add_business_seconds_batch" : "OO:business_seconds_batch",
                          &xo, &yo))
        return NULL;
    svcmpy_array x, y;
    if (svcmpy_int64s(xo, &x, "starts") < 0)
        return NULL;
    if (svcmpy_int64s(yo, &y, add ? "seconds" : "ends") < 0) {
        svcmpy_array_release(&x);
        return NULL;
    }
    PyObject *res = NULL;
    if (x.n != y.n) {
        PyErr_Format(PyExc_ValueError, "starts and %s differ in length (%zd, %zd)",
                     add ? "seconds" : "ends", x.n, y.n);
        goto done;
    }
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL)
        goto done;
    int64_t *out = svcmpy_column_alloc('q', x.n);
    if (out == NULL)
        goto done;
    svcm_error err;
    svcm_error_clear(&err);
    int rc;
    Py_BEGIN_ALLOW_THREADS
    if (add)
        rc = svcm_calendar_add_business_seconds_batch(cal_of(self), x.data, y.data, (size_t)x.n,
                                                      out, &err);
    else
        rc = svcm_calendar_business_seconds_batch(cal_of(self), x.data, y.data, (size_t)x.n, out,
                                                  &err);
    Py_END_ALLOW_THREADS
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        PyMem_Free(out);
    } else {
        res = svcmpy_column_new(module, 'q', x.n, out); /* owns out, even on failure */
    }
done:
    svcmpy_array_release(&x);
    svcmpy_array_release(&y);
    return res;
}

PyDoc_STRVAR(bs_batch_doc,
    "business_seconds_batch(starts, ends) -> svcm.Column\n\n"
    "business_seconds() over parallel sequences or int64 buffers (GIL released):\n"
    "an int64 column (type code 'q'; numpy and pandas wrap it without a copy).");
static PyObject *calendar_bs_batch(PyObject *self, PyObject *args)
{
    return calendar_batch(self, args, 0);
}

PyDoc_STRVAR(add_batch_doc,
    "add_business_seconds_batch(starts, seconds) -> svcm.Column\n\n"
    "add_business_seconds() over parallel sequences or int64 buffers (GIL\n"
    "released): an int64 column (type code 'q').");
static PyObject *calendar_add_batch(PyObject *self, PyObject *args)
{
    return calendar_batch(self, args, 1);
}

PyDoc_STRVAR(to_text_doc,
    "to_text() -> str\n\nThe calendar in the text format read by Calendar.parse().");
static PyObject *calendar_to_text(PyObject *self, PyObject *unused)
{
    size_t len = 0;
    (void)svcm_calendar_format(cal_of(self), NULL, 0, &len);
    char *buf = PyMem_Malloc(len + 1);
    if (buf == NULL)
        return PyErr_NoMemory();
    int rc = svcm_calendar_format(cal_of(self), buf, len + 1, &len);
    PyObject *res = rc == SVCM_OK ? PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len)
                                  : svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    PyMem_Free(buf);
    return res;
}

PyDoc_STRVAR(parse_doc,
    "Calendar.parse(text: str) -> Calendar\n\n"
    "Read the calendar text format (utc_offset = +08:00 or zone = Europe/Berlin,\n"
    "mon = 09:00-12:00, 13:00-18:00, sat = closed, sun = 22:00-06:00,\n"
    "holiday = 2026-01-01). Raises svcm.FormatError with .line and .column\n"
    "(svcm.NotFound for a zone name with no zone file).");
static PyObject *calendar_parse(PyObject *cls, PyObject *arg)
{
    Py_ssize_t len;
    const char *text = PyUnicode_AsUTF8AndSize(arg, &len);
    if (text == NULL)
        return NULL;
    svcm_calendar *cal = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_calendar_parse(text, (size_t)len, NULL, &cal, &err);
    if (rc != SVCM_OK)
        return svcmpy_raise_type((PyTypeObject *)cls, rc, &err);
    return wrap_calendar((PyTypeObject *)cls, cal);
}

static PyObject *calendar_repr(PyObject *self)
{
    return PyUnicode_FromFormat("<svcm.Calendar at %p>", (void *)self);
}

static PyMethodDef calendar_methods[] = {
    {"business_seconds_batch", calendar_bs_batch, METH_VARARGS, bs_batch_doc},
    {"add_business_seconds_batch", calendar_add_batch, METH_VARARGS, add_batch_doc},
    {"to_text", calendar_to_text, METH_NOARGS, to_text_doc},
    {"parse", calendar_parse, METH_O | METH_CLASS, parse_doc},
    SVCMPY_REDUCE_METHOD,
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(calendar_doc,
    "Calendar(utc_offset_minutes=0, week=None, holidays=(), zone=None)\n\n"
    "A business-hours calendar. week: 7 lists (Monday first) of (start, end)\n"
    "pairs, each 'HH:MM' / 'HH:MM:SS' or int seconds since local midnight;\n"
    "end < start is an overnight shift into the next day; '24:00' may end an\n"
    "interval. holidays: 'YYYY-MM-DD' strings or date objects (local dates;\n"
    "a holiday closes its whole local day, cutting shifts at midnight).\n"
    "Local time is UTC + utc_offset_minutes, or with zone (an IANA name such\n"
    "as 'Europe/Berlin', a POSIX TZ rule such as 'CET-1CEST,M3.5.0,M10.5.0/3',\n"
    "or an offset '+05:30') the zone's local time, daylight saving included;\n"
    "zone with a non-zero utc_offset_minutes raises svcm.InvalidInput.");

static PyType_Slot calendar_slots[] = {
    {Py_tp_new, calendar_new},
    {Py_tp_dealloc, calendar_dealloc},
    {Py_tp_methods, calendar_methods},
    {Py_tp_repr, calendar_repr},
    {Py_tp_doc, (void *)calendar_doc},
    {0, NULL},
};

static PyType_Spec calendar_spec = {
    .name = "svcm.Calendar",
    .basicsize = sizeof(CalendarObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = calendar_slots,
};

/* ------------------------------------------------------------------- SLA */

static PyStructSequence_Field result_fields[] = {
    {"response", "first-response metric (SlaMetric)"},
    {"resolution", "resolution metric (SlaMetric)"},
    {NULL, NULL},
};
static PyStructSequence_Desc result_desc = {"svcm.SlaResult", "Both SLA metrics of a ticket.",
                                            result_fields, 2};

static PyStructSequence_Field summary_fields[] = {
    {"response", "first-response compliance (SlaRate)"},
    {"resolution", "resolution compliance (SlaRate)"},
    {NULL, NULL},
};
static PyStructSequence_Desc summary_desc = {"svcm.SlaSummary", "SLA compliance of many tickets.",
                                             summary_fields, 2};

svcm_sla_metric svcmb_sla_metric(svcm_sla_metric m); /* bindings/api/calendar.py */

static PyObject *make_metric(PyObject *module, const svcm_sla_metric *m)
{
    svcm_sla_metric v = svcmb_sla_metric(*m);
    return svcmpy_rec_SlaMetric(module, &v);
}

static PyObject *make_pair(PyObject *module, int type, PyObject *a, PyObject *b)
{
    PyObject *tp = svcmpy_engine_item(module, SVCMPY_CALENDAR, type);
    PyObject *o = (tp && a && b) ? PyStructSequence_New((PyTypeObject *)tp) : NULL;
    if (o == NULL) {
        Py_XDECREF(a);
        Py_XDECREF(b);
        return NULL;
    }
    PyStructSequence_SET_ITEM(o, 0, a);
    PyStructSequence_SET_ITEM(o, 1, b);
    return o;
}

/* Also the row builder of the per-ticket table. */
static PyObject *make_result(PyObject *module, const void *rec)
{
    const struct svcm_sla_result *r = rec;
    return make_pair(module, T_RESULT, make_metric(module, &r->response),
                     make_metric(module, &r->resolution));
}

/* The per-ticket results of sla_compliance(per_ticket=True) as a table:
 * one column per metric field, named <metric>_<field>; rows are SLAResult
 * records. */
_Static_assert(sizeof(bool) == 1, "bool columns are read as uint8");
#define SLA_COLUMNS(M)                                                                            \
    {#M "_elapsed", offsetof(struct svcm_sla_result, M.elapsed), SVCMPY_I64, 'q'},               \
    {#M "_remaining", offsetof(struct svcm_sla_result, M.remaining), SVCMPY_I64, 'q'},           \
    {#M "_due", offsetof(struct svcm_sla_result, M.due), SVCMPY_I64, 'q'},                       \
    {#M "_stopped", offsetof(struct svcm_sla_result, M.stopped), SVCMPY_U8, 'B'},                \
    {#M "_met", offsetof(struct svcm_sla_result, M.met), SVCMPY_U8, 'B'},                        \
    {#M "_breached", offsetof(struct svcm_sla_result, M.breached), SVCMPY_U8, 'B'}
static const svcmpy_field sla_result_columns[] = {SLA_COLUMNS(response), SLA_COLUMNS(resolution)};
#undef SLA_COLUMNS

static svcm_calendar *check_calendar(PyObject *module, PyObject *o)
{
    PyObject *tp = svcmpy_engine_item(module, SVCMPY_CALENDAR, T_CALENDAR);
    if (tp == NULL)
        return NULL;
    if (!PyObject_TypeCheck(o, (PyTypeObject *)tp)) {
        PyErr_Format(PyExc_TypeError, "calendar must be an svcm.Calendar, got %s",
                     Py_TYPE(o)->tp_name);
        return NULL;
    }
    return cal_of(o);
}

/* An optional instant: None -> SVCM_SLA_NONE. */
static int opt_instant(PyObject *o, int64_t *out, const char *name)
{
    if (o == NULL || o == Py_None) {
        *out = SVCM_SLA_NONE;
        return 0;
    }
    int rc = svcmpy_as_int64(o, out);
    if (rc == 1)
        PyErr_Format(PyExc_TypeError, "%s must be an int instant or None", name);
    else if (rc == 2)
        PyErr_Format(PyExc_OverflowError, "%s is out of the int64 range", name);
    return rc == 0 ? 0 : -1;
}

/* Pauses: a sequence of (start, end) pairs, end None while ongoing.
 * *out is PyMem-allocated (NULL for none). */
static int read_pauses(PyObject *o, svcm_sla_pause **out, size_t *n, const char *name)
{
    *out = NULL;
    *n = 0;
    if (o == NULL || o == Py_None)
        return 0;
    PyObject *seq = svcmpy_snapshot(o, "pauses must be a sequence of (start, end) pairs");
    if (seq == NULL)
        return -1;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(seq);
    svcm_sla_pause *p = PyMem_Malloc(len > 0 ? (size_t)len * sizeof *p : 1);
    if (p == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(seq, i);
        if (!PySequence_Check(pair) || PySequence_Size(pair) != 2) {
            PyErr_Format(PyExc_TypeError, "%s[%zd] must be a (start, end) pair", name, i);
            goto fail;
        }
        PyObject *a = PySequence_GetItem(pair, 0), *b = PySequence_GetItem(pair, 1);
        int ok = a && b && a != Py_None && opt_instant(a, &p[i].start, "pause start") == 0 &&
                 opt_instant(b, &p[i].end, "pause end") == 0;
        if (a == Py_None && !PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "%s[%zd]: a pause needs a start", name, i);
        Py_XDECREF(a);
        Py_XDECREF(b);
        if (!ok)
            goto fail;
    }
    Py_DECREF(seq);
    *out = p;
    *n = (size_t)len;
    return 0;
fail:
    Py_DECREF(seq);
    PyMem_Free(p);
    return -1;
}

PyDoc_STRVAR(sla_doc,
    "sla(calendar, created, first_response=None, resolved=None, pauses=(), *,\n"
    "    response_target, resolution_target, now) -> SlaResult\n\n"
    "SLA timers of one ticket as of `now`. Instants are int seconds since the\n"
    "epoch; targets are business seconds. pauses: (start, end) pairs, end None\n"
    "while on hold (taken to end at now). The response clock stops at\n"
    "first_response, or at resolved when there is none. Bad input raises\n"
    "svcm.InvalidInput naming the field.");
static PyObject *py_sla(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"calendar", "created", "first_response", "resolved", "pauses",
                             "response_target", "resolution_target", "now", NULL};
    PyObject *calo, *fro = Py_None, *reso = Py_None, *pauseso = Py_None;
    long long created = 0, rt = 0, st = 0, now = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OL|OOO$LLL:sla", kwlist, &calo, &created, &fro,
                                     &reso, &pauseso, &rt, &st, &now))
        return NULL;
    /* The keyword-only arguments have no default: all three are required. */
    static const char *const req[3] = {"response_target", "resolution_target", "now"};
    for (int i = 0; i < 3; i++) {
        if (kwds == NULL || PyDict_GetItemString(kwds, req[i]) == NULL) {
            PyErr_Format(PyExc_TypeError, "sla() missing required keyword argument '%s'", req[i]);
            return NULL;
        }
    }
    svcm_calendar *cal = check_calendar(module, calo);
    if (cal == NULL)
        return NULL;
    svcm_sla_ticket t;
    memset(&t, 0, sizeof t);
    t.created = created;
    t.response_target = rt;
    t.resolution_target = st;
    svcm_sla_pause *p = NULL;
    if (opt_instant(fro, &t.first_response, "first_response") < 0 ||
        opt_instant(reso, &t.resolved, "resolved") < 0 ||
        read_pauses(pauseso, &p, &t.n_pauses, "pauses") < 0)
        return NULL;
    t.pauses = p;
    struct svcm_sla_result r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_sla_evaluate(cal, &t, now, &r, &err);
    PyMem_Free(p);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, &err);
    return make_result(module, &r);
}

/* An int64 array of length n where None (or a None item) means "none". */
static int opt_instants(PyObject *o, Py_ssize_t n, int64_t **out, const char *name)
{
    *out = PyMem_Malloc(n > 0 ? (size_t)n * sizeof **out : 1);
    if (*out == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (o == NULL || o == Py_None) {
        for (Py_ssize_t i = 0; i < n; i++)
            (*out)[i] = SVCM_SLA_NONE;
        return 0;
    }
    if (PyList_Check(o) || PyTuple_Check(o)) {
        /* A tuple snapshot: an item's __index__ may shrink a list. */
        PyObject *t = svcmpy_snapshot(o, name);
        if (t == NULL)
            goto fail;
        if (PyTuple_GET_SIZE(t) != n) {
            PyErr_Format(PyExc_ValueError, "%s has %zd items, expected %zd", name,
                         PyTuple_GET_SIZE(t), n);
            Py_DECREF(t);
            goto fail;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *item = PyTuple_GET_ITEM(t, i);
            if (item == Py_None) {
                (*out)[i] = SVCM_SLA_NONE;
                continue;
            }
            int rc = svcmpy_as_int64(item, &(*out)[i]);
            if (rc != 0) {
                if (rc > 0)
                    PyErr_Format(PyExc_TypeError, "%s[%zd]: expected an int instant or None",
                                 name, i);
                Py_DECREF(t);
                goto fail;
            }
        }
        Py_DECREF(t);
        return 0;
    }
    svcmpy_array a;
    if (svcmpy_int64s(o, &a, name) < 0)
        goto fail;
    if (a.n != n) {
        PyErr_Format(PyExc_ValueError, "%s has %zd items, expected %zd", name, a.n, n);
        svcmpy_array_release(&a);
        goto fail;
    }
    if (n > 0)
        memcpy(*out, a.data, (size_t)n * sizeof **out);
    svcmpy_array_release(&a);
    return 0;
fail:
    PyMem_Free(*out);
    *out = NULL;
    return -1;
}

/* A target: one int for every ticket, or an array of n. */
static int targets(PyObject *o, Py_ssize_t n, int64_t **out, const char *name)
{
    if (PyLong_Check(o)) {
        long long v = PyLong_AsLongLong(o);
        if (v == -1 && PyErr_Occurred())
            return -1;
        *out = PyMem_Malloc(n > 0 ? (size_t)n * sizeof **out : 1);
        if (*out == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t i = 0; i < n; i++)
            (*out)[i] = v;
        return 0;
    }
    if (o == Py_None) {
        PyErr_Format(PyExc_TypeError, "%s is required", name);
        return -1;
    }
    return opt_instants(o, n, out, name);
}

PyDoc_STRVAR(compliance_doc,
    "sla_compliance(calendar, created, first_response, resolved, *,\n"
    "               response_target, resolution_target, now, pauses=None,\n"
    "               confidence=0.95, per_ticket=False) -> SlaSummary\n\n"
    "Evaluate many tickets given as parallel arrays (first_response and\n"
    "resolved may hold None, or svcm.SLA_NONE in int64 buffers, or be None\n"
    "for all) and count compliance per\n"
    "metric: met / (met + breached), with a Wilson interval; open tickets\n"
    "within target are pending. Targets are an int for all tickets or an\n"
    "array. pauses: None or one sequence of (start, end) pairs per ticket.\n"
    "With per_ticket=True returns (SlaSummary, svcm.Table): the table's columns\n"
    "are response_elapsed, response_remaining, response_due (int64) and\n"
    "response_stopped, response_met, response_breached (uint8 0/1), and the same\n"
    "for resolution_; its rows are SlaResult records. A bad ticket raises\n"
    "svcm.InvalidInput with its index and field.");
static PyObject *py_sla_compliance(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"calendar", "created", "first_response", "resolved",
                             "response_target", "resolution_target", "now", "pauses",
                             "confidence", "per_ticket", NULL};
    PyObject *calo, *createdo, *fro = Py_None, *reso = Py_None, *rto = NULL, *sto = NULL;
    PyObject *pauseso = Py_None;
    long long now = 0;
    double confidence = 0.95;
    int per = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|OO$OOLOdp:sla_compliance", kwlist, &calo,
                                     &createdo, &fro, &reso, &rto, &sto, &now, &pauseso,
                                     &confidence, &per))
        return NULL;
    if (rto == NULL || sto == NULL || kwds == NULL || PyDict_GetItemString(kwds, "now") == NULL) {
        PyErr_SetString(PyExc_TypeError,
                        "sla_compliance() needs response_target, resolution_target and now");
        return NULL;
    }
    svcm_calendar *cal = check_calendar(module, calo);
    if (cal == NULL)
        return NULL;
    svcmpy_array created;
    if (svcmpy_int64s(createdo, &created, "created") < 0)
        return NULL;
    Py_ssize_t n = created.n;
    int64_t *fr = NULL, *rs = NULL, *rt = NULL, *st = NULL;
    svcm_sla_ticket *t = NULL;
    svcm_sla_pause **pp = NULL;
    struct svcm_sla_result *results = NULL;
    PyObject *res = NULL, *pseq = NULL;
    if (opt_instants(fro, n, &fr, "first_response") < 0 || opt_instants(reso, n, &rs, "resolved") < 0 ||
        targets(rto, n, &rt, "response_target") < 0 ||
        targets(sto, n, &st, "resolution_target") < 0)
        goto done;
    t = PyMem_Calloc(n > 0 ? (size_t)n : 1, sizeof *t);
    pp = PyMem_Calloc(n > 0 ? (size_t)n : 1, sizeof *pp);
    if (t == NULL || pp == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (pauseso != Py_None) {
        pseq = svcmpy_snapshot(pauseso, "pauses must be a sequence (one item per ticket)");
        if (pseq == NULL)
            goto done;
        if (PySequence_Fast_GET_SIZE(pseq) != n) {
            PyErr_Format(PyExc_ValueError, "pauses has %zd items, expected %zd",
                         PySequence_Fast_GET_SIZE(pseq), n);
            goto done;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        t[i].created = ((const int64_t *)created.data)[i];
        t[i].first_response = fr[i];
        t[i].resolved = rs[i];
        t[i].response_target = rt[i];
        t[i].resolution_target = st[i];
        if (pseq != NULL) {
            char name[48];
            snprintf(name, sizeof name, "pauses[%zd]", i);
            if (read_pauses(PySequence_Fast_GET_ITEM(pseq, i), &pp[i], &t[i].n_pauses, name) < 0)
                goto done;
            t[i].pauses = pp[i];
        }
    }
    if (per) {
        results = PyMem_Malloc(n > 0 ? (size_t)n * sizeof *results : 1);
        if (results == NULL) {
            PyErr_NoMemory();
            goto done;
        }
    }
    svcm_sla_summary s;
    svcm_error err;
    svcm_error_clear(&err);
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_sla_compliance(cal, t, (size_t)n, now, confidence, &s, results, &err);
    Py_END_ALLOW_THREADS
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        goto done;
    }
    PyObject *summary = make_pair(module, T_SUMMARY, svcmpy_rec_SlaRate(module, &s.response),
                                  svcmpy_rec_SlaRate(module, &s.resolution));
    if (summary == NULL || !per) {
        res = summary;
        goto done;
    }
    PyObject *table = svcmpy_table_from_records(
        module, results, sizeof *results, n, sla_result_columns,
        (int)(sizeof sla_result_columns / sizeof sla_result_columns[0]), make_result);
    if (table == NULL) {
        Py_DECREF(summary);
        goto done;
    }
    res = PyTuple_Pack(2, summary, table);
    Py_DECREF(summary);
    Py_DECREF(table);
done:
    if (pp != NULL)
        for (Py_ssize_t i = 0; i < n; i++)
            PyMem_Free(pp[i]);
    PyMem_Free(pp);
    PyMem_Free(t);
    PyMem_Free(results);
    PyMem_Free(fr);
    PyMem_Free(rs);
    PyMem_Free(rt);
    PyMem_Free(st);
    Py_XDECREF(pseq);
    svcmpy_array_release(&created);
    return res;
}

static PyMethodDef calendar_functions[] = {
    {"sla", (PyCFunction)(void (*)(void))py_sla, METH_VARARGS | METH_KEYWORDS, sla_doc},
    {"sla_compliance", (PyCFunction)(void (*)(void))py_sla_compliance,
     METH_VARARGS | METH_KEYWORDS, compliance_doc},
    {NULL, NULL, 0, NULL},
};

int svcmpy_init_calendar(PyObject *module)
{
    if (PyModule_AddFunctions(module, calendar_functions) < 0)
        return -1;
    PyObject *none = PyLong_FromLongLong(SVCM_SLA_NONE);
    if (none == NULL || PyModule_AddObjectRef(module, "SLA_NONE", none) < 0) {
        Py_XDECREF(none);
        return -1;
    }
    Py_DECREF(none);
    PyObject *types = PyTuple_New(T_COUNT);
    if (types == NULL)
        return -1;
    PyObject *cal = PyType_FromModuleAndSpec(module, &calendar_spec, NULL);
    if (cal == NULL || svcmpy_members_Calendar(cal) < 0) {
        Py_XDECREF(cal);
        Py_DECREF(types);
        return -1;
    }
    PyTuple_SET_ITEM(types, T_CALENDAR, cal);
    PyStructSequence_Desc *descs[2] = {&result_desc, &summary_desc};
    for (int i = 0; i < 2; i++) {
        PyTypeObject *tp = PyStructSequence_NewType(descs[i]);
        if (tp == NULL) {
            Py_DECREF(types);
            return -1;
        }
        PyTuple_SET_ITEM(types, T_RESULT + i, (PyObject *)tp);
    }
    static const char *const names[T_COUNT] = {"Calendar", "SlaResult", "SlaSummary"};
    for (int i = 0; i < T_COUNT; i++) {
        if (PyModule_AddObjectRef(module, names[i], PyTuple_GET_ITEM(types, i)) < 0) {
            Py_DECREF(types);
            return -1;
        }
    }
    return svcmpy_engine_set(module, SVCMPY_CALENDAR, types);
}
