/* Python binding of the priority engine: quadrants, ITIL tables,
 * prioritize/classify, WSJF and the dispatch Queue. */
#include "svcmpy.h"
#include "gen_py.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "svcm/priority.h"

/* Engine tuple: the PriorityResult, Queue and Quadrant types, then the four
 * Quadrant values (shared by every result). */
enum { PRI_RESULT, PRI_QUEUE, PRI_QUADRANT_TYPE, PRI_QUADRANT0, PRI_COUNT = PRI_QUADRANT0 + 4 };

/* The quadrant value: a str ("do", ...) that also has .advice. */
static PyObject *quadrant_value(PyObject *module, int q)
{
    PyObject *v = svcmpy_engine_item(module, SVCMPY_PRIORITY, PRI_QUADRANT0 + q);
    return v ? Py_NewRef(v) : NULL;
}

/* Raise the exception of rc for a record index and field, the message
 * formatted as printf does. Returns NULL. */
#ifdef __GNUC__
__attribute__((format(printf, 5, 6)))
#endif
static PyObject *raise_field(PyObject *module, int rc, size_t index, const char *field,
                             const char *fmt, ...)
{
    svcm_error err;
    svcm_error_clear(&err);
    err.code = rc;
    err.index = index;
    err.field = field;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err.message, sizeof err.message, fmt, ap);
    va_end(ap);
    return svcmpy_raise(module, rc, &err);
}

/* ----------------------------------------------------------- conversions */

/* A Python int to int64; -1 with an exception set. */
static int get_int64(PyObject *o, int64_t *out, const char *field)
{
    if (PyFloat_Check(o)) {
        double d = PyFloat_AS_DOUBLE(o);
        if (!isfinite(d) || d != floor(d) || fabs(d) >= 9.2e18) {
            PyErr_Format(PyExc_ValueError, "%s: not an integer", field);
            return -1;
        }
        *out = (int64_t)d;
        return 0;
    }
    if (!PyLong_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s: expected an int, got %s", field, Py_TYPE(o)->tp_name);
        return -1;
    }
    long long v = PyLong_AsLongLong(o);
    if (v == -1 && PyErr_Occurred())
        return -1;
    *out = (int64_t)v;
    return 0;
}

/* An int field that fits in C int (out-of-range values are clamped to
 * INT_MIN/INT_MAX so that the C validation names the field). */
static int get_small_int(PyObject *o, int *out, const char *field)
{
    int64_t v;
    if (get_int64(o, &v, field) < 0)
        return -1;
    *out = v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : (int)v;
    return 0;
}

/* A tier number into svcm_request's byte: out-of-range values are refused
 * here, before narrowing could wrap them into a valid tier. */
static int tier_byte(PyObject *module, int64_t v, size_t index, uint8_t *out)
{
    if (v < 0 || v >= SVCM_TIER_COUNT) {
        raise_field(module, SVCM_EINVAL, index, "tier",
                    "unknown tier %lld (need 0 = vip .. 4 = lost)", (long long)v);
        return -1;
    }
    *out = (uint8_t)v;
    return 0;
}

/* Tier or impact (field "tier" / "impact"): an int or a name ("vip",
 * "team", ...). */
static int get_named(PyObject *module, PyObject *o, size_t index, const char *field, int *out)
{
    if (!PyUnicode_Check(o))
        return get_small_int(o, out, field);
    const char *s = PyUnicode_AsUTF8(o);
    if (s == NULL)
        return -1;
    int rc;
    if (field[0] == 't') {
        svcm_tier t;
        rc = svcm_tier_parse(s, &t);
        *out = (int)t;
    } else {
        svcm_impact im;
        rc = svcm_impact_parse(s, &im);
        *out = (int)im;
    }
    if (rc == SVCM_OK)
        return 0;
    raise_field(module, SVCM_EINVAL, index, field, "unknown %s name '%.40s'", field, s);
    return -1;
}

/* One request from a mapping. Required keys: id, tier, impact, severity,
 * created; optional: value (0.0), due (None = no deadline), urgent (False). */
static int request_from_mapping(PyObject *module, PyObject *m, size_t index, svcm_request *r)
{
    static const char *const required[] = {"id", "tier", "impact", "severity", "created"};
    PyObject *v[5] = {NULL};
    int ok = -1;
    if (!PyMapping_Check(m) || PyUnicode_Check(m)) {
        PyErr_Format(PyExc_TypeError, "item %zu: expected a dict, got %s", index,
                     Py_TYPE(m)->tp_name);
        return -1;
    }
    memset(r, 0, sizeof *r);
    r->due = SVCM_NO_DUE;
    for (int k = 0; k < 5; k++) {
        v[k] = PyMapping_GetItemString(m, required[k]);
        if (v[k] == NULL) {
            if (PyErr_ExceptionMatches(PyExc_KeyError)) {
                PyErr_Clear();
                raise_field(module, SVCM_EINVAL, index, required[k], "missing key '%s'",
                            required[k]);
            }
            goto done;
        }
    }
    int tier;
    if (get_int64(v[0], &r->id, "id") < 0 || get_named(module, v[1], index, "tier", &tier) < 0 ||
        tier_byte(module, tier, index, &r->tier) < 0 ||
        get_named(module, v[2], index, "impact", &r->impact) < 0 ||
        get_small_int(v[3], &r->severity, "severity") < 0 ||
        get_int64(v[4], &r->created, "created") < 0)
        goto done;
    static const char *const optional[] = {"value", "due", "urgent"};
    for (int k = 0; k < 3; k++) {
        PyObject *o = PyMapping_GetItemString(m, optional[k]);
        if (o == NULL) {
            if (!PyErr_ExceptionMatches(PyExc_KeyError))
                goto done;
            PyErr_Clear();
            continue;
        }
        int bad = 0;
        if (k == 0) {
            r->value = PyFloat_AsDouble(o);
            bad = r->value == -1.0 && PyErr_Occurred();
        } else if (k == 1) {
            if (o != Py_None)
                bad = get_int64(o, &r->due, "due") < 0;
        } else {
            int t = PyObject_IsTrue(o);
            bad = t < 0;
            r->urgent = t > 0;
        }
        Py_DECREF(o);
        if (bad)
            goto done;
    }
    ok = 0;
done:
    for (int k = 0; k < 5; k++)
        Py_XDECREF(v[k]);
    return ok;
}

/* A column of the parallel-array form: a sequence or buffer. due may hold
 * None (no deadline) when it is a list or tuple. */
static int column_int64(PyObject *cols, const char *key, int required, svcmpy_array *a,
                        int none_is_no_due)
{
    PyObject *o = PyDict_GetItemString(cols, key); /* borrowed */
    memset(a, 0, sizeof *a);
    if (o == NULL) {
        if (required) {
            PyErr_Format(PyExc_KeyError, "prioritize: missing column '%s'", key);
            return -1;
        }
        return 1; /* absent */
    }
    if (none_is_no_due && (PyList_Check(o) || PyTuple_Check(o))) {
        PyObject *t = svcmpy_snapshot(o, key); /* get_int64 may run __index__ */
        if (t == NULL)
            return -1;
        Py_ssize_t n = PyTuple_GET_SIZE(t);
        int64_t *buf = PyMem_Malloc(n > 0 ? (size_t)n * sizeof *buf : 1);
        if (buf == NULL) {
            Py_DECREF(t);
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *it = PyTuple_GET_ITEM(t, i);
            if (it == Py_None) {
                buf[i] = SVCM_NO_DUE;
            } else if (get_int64(it, &buf[i], key) < 0) {
                PyMem_Free(buf);
                Py_DECREF(t);
                return -1;
            }
        }
        Py_DECREF(t);
        a->owned = buf;
        a->data = buf;
        a->n = n;
        return 0;
    }
    return svcmpy_int64s(o, a, key);
}

/* Large blocks of the batch calls (the request array, the ordering's
 * scratch): svcmpy_big_take() (convert.c: 2 MiB aligned huge-page blocks, a
 * few freed ones kept for the next call), else malloc. Free with
 * big_free(). No Python state: safe without the GIL. */

static void *big_alloc(size_t size)
{
    void *p = svcmpy_big_take(size);
    return p != NULL ? p : malloc(size > 0 ? size : 1);
}

static void big_free(void *p)
{
    if (!svcmpy_big_give(p))
        free(p);
}

static void *alloc_big(void *ctx, size_t size)
{
    (void)ctx;
    return big_alloc(size);
}

static void *realloc_big(void *ctx, void *p, size_t size)
{
    (void)ctx;
    return realloc(p, size > 0 ? size : 1);
}

static void free_big(void *ctx, void *p)
{
    (void)ctx;
    big_free(p);
}

/* The allocator prioritize() gives svcm_priority_run() for its scratch. */
static const svcm_allocator big_allocator = {alloc_big, realloc_big, free_big, NULL};

/* Requests from items (a list of dicts, or a dict of columns). Returns an
 * array from big_alloc() (caller frees with big_free()) or NULL with an
 * exception set. */
static svcm_request *requests_from_items(PyObject *module, PyObject *items, size_t *n_out)
{
    if (PyDict_Check(items)) {
        static const char *const names[] = {"id", "tier", "impact", "severity", "created",
                                            "due", "urgent"};
        svcmpy_array col[7];
        svcmpy_array value;
        memset(col, 0, sizeof col);
        memset(&value, 0, sizeof value);
        svcm_request *reqs = NULL;
        int present[7] = {0};
        for (int k = 0; k < 7; k++) {
            int rc = column_int64(items, names[k], k < 5, &col[k], k == 5);
            if (rc < 0)
                goto cols_done;
            present[k] = rc == 0;
        }
        PyObject *vo = PyDict_GetItemString(items, "value");
        int have_value = vo != NULL;
        if (have_value && svcmpy_doubles(vo, &value, "value") < 0)
            goto cols_done;
        Py_ssize_t n = col[0].n;
        for (int k = 0; k < 7; k++) {
            if (present[k] && col[k].n != n) {
                raise_field(module, SVCM_EINVAL, SVCM_NO_INDEX, names[k],
                            "column '%s' has %zd entries, 'id' has %zd", names[k], col[k].n, n);
                goto cols_done;
            }
        }
        if (have_value && value.n != n) {
            raise_field(module, SVCM_EINVAL, SVCM_NO_INDEX, "value",
                        "column 'value' differs in length from 'id'");
            goto cols_done;
        }
        reqs = big_alloc((size_t)n * sizeof *reqs);
        if (reqs == NULL) {
            PyErr_NoMemory();
            goto cols_done;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            const int64_t *c[7];
            for (int k = 0; k < 7; k++)
                c[k] = col[k].data;
            svcm_request *r = &reqs[i];
            r->id = c[0][i];
#define SVCMPY_CLAMP(v) ((v) < INT32_MIN ? INT32_MIN : (v) > INT32_MAX ? INT32_MAX : (int)(v))
            if (tier_byte(module, c[1][i], (size_t)i, &r->tier) < 0) {
                big_free(reqs);
                reqs = NULL;
                goto cols_done;
            }
            r->impact = SVCMPY_CLAMP(c[2][i]);
            r->severity = SVCMPY_CLAMP(c[3][i]);
#undef SVCMPY_CLAMP
            r->created = c[4][i];
            r->due = present[5] ? c[5][i] : SVCM_NO_DUE;
            r->urgent = present[6] ? c[6][i] != 0 : false;
            r->value = have_value ? ((const double *)value.data)[i] : 0.0;
        }
        *n_out = (size_t)n;
    cols_done:
        for (int k = 0; k < 7; k++)
            svcmpy_array_release(&col[k]);
        svcmpy_array_release(&value);
        return reqs;
    }
    PyObject *seq = svcmpy_snapshot(items, "items: expected a list of dicts or a dict of columns");
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    svcm_request *reqs = big_alloc((size_t)n * sizeof *reqs);
    if (reqs == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (request_from_mapping(module, PySequence_Fast_GET_ITEM(seq, i), (size_t)i, &reqs[i]) <
            0) {
            big_free(reqs);
            Py_DECREF(seq);
            return NULL;
        }
    }
    Py_DECREF(seq);
    *n_out = (size_t)n;
    return reqs;
}

/* The ints of nested sequences (depth levels: 2 for an ITIL table's rows of
 * cells, 3 for a grading table's [urgency][impact][difficulty]) into cells,
 * row-major from *at. dims[level] is the length every sequence of that level
 * must have; 0 takes it (1..16) from the first. row: the 0-based row of the
 * text form that o starts, which an InvalidInput ("rows" or "cols") names. */
static int cells_in(PyObject *module, PyObject *o, int level, int depth, int *dims, int *cells,
                    size_t *at, size_t row)
{
    PyObject *t = svcmpy_snapshot(o, level ? "table: each row must be a sequence of ints"
                                           : "table: expected nested sequences of ints or a str");
    if (t == NULL)
        return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(t);
    if (dims[level] == 0 && n >= 1 && n <= SVCM_ITIL_MAX)
        dims[level] = (int)n;
    int rc = n < 1 || n != dims[level] ? -1 : 0;
    size_t at_row = level ? row * (level + 1 < depth ? (size_t)dims[level] : 1) : SVCM_NO_INDEX;
    const char *field = level + 1 < depth ? "rows" : "cols";
    if (rc < 0 && dims[level] == 0)
        raise_field(module, SVCM_EINVAL, at_row, field, "table level %d needs 1..16 items, got %zd",
                    level, n);
    else if (rc < 0)
        raise_field(module, SVCM_EINVAL, at_row, field,
                    "table level %d needs %d items, got %zd (a hole?)", level, dims[level], n);
    for (Py_ssize_t i = 0; rc == 0 && i < n; i++) {
        PyObject *x = PyTuple_GET_ITEM(t, i);
        rc = level + 1 < depth
                 ? cells_in(module, x, level + 1, depth, dims, cells, at, row * (size_t)n + (size_t)i)
                 : get_small_int(x, &cells[(*at)++], "cell");
    }
    Py_DECREF(t);
    return rc;
}

/* An ITIL table (grade NULL) or a grading table (itil NULL) from None (the
 * built-in one), a str (the text form) or nested sequences of ints. */
static int table_in(PyObject *module, PyObject *o, svcm_itil_table *itil, svcm_grade_table *grade)
{
    enum { L = SVCM_GRADE_LEVELS };
    svcm_error err;
    svcm_error_clear(&err);
    int rc, cells[SVCM_ITIL_MAX * SVCM_ITIL_MAX], dims[3] = {grade ? L : 0, grade ? L : 0, L};
    size_t at = 0;
    Py_ssize_t len;
    const char *s;
    if (o == NULL || o == Py_None) {
        grade ? svcm_grade_table_init(grade) : svcm_itil_table_init(itil);
        return 0;
    } else if (PyUnicode_Check(o)) {
        if ((s = PyUnicode_AsUTF8AndSize(o, &len)) == NULL)
            return -1;
        rc = grade ? svcm_grade_table_parse(s, (size_t)len, grade, &err)
                   : svcm_itil_table_parse(s, (size_t)len, itil, &err);
    } else if (cells_in(module, o, 0, grade ? 3 : 2, dims, cells, &at, 0) < 0) {
        return -1;
    } else if (itil != NULL) {
        rc = svcm_itil_table_from_array((size_t)dims[0], (size_t)dims[1], cells, itil, &err);
    } else {
        for (int k = 0; k < L * L * L; k++) {
            if (cells[k] < 1 || cells[k] > L) {
                raise_field(module, SVCM_EINVAL, (size_t)(k / L), "cell",
                            "grade %d at urgency %d, impact %d, difficulty %d is outside 1..4",
                            cells[k], k / (L * L) + 1, k / L % L + 1, k % L + 1);
                return -1;
            }
            grade->cell[k / (L * L)][k / L % L][k % L] = (unsigned char)cells[k];
        }
        rc = svcm_grade_table_check(grade, &err);
    }
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        return -1;
    }
    return 0;
}

/* Nested lists of the table cells at v: dims[0] lists (ints at the last of
 * depth levels) whose elements lie strides[0] bytes apart. */
static PyObject *cell_lists(const unsigned char *v, const int *dims, const size_t *strides,
                            int depth)
{
    PyObject *l = PyList_New(dims[0]);
    for (int i = 0; l != NULL && i < dims[0]; i++) {
        const unsigned char *p = v + (size_t)i * strides[0];
        PyObject *x = depth > 1 ? cell_lists(p, dims + 1, strides + 1, depth - 1)
                                : PyLong_FromLong(*p);
        if (x == NULL)
            Py_CLEAR(l);
        else
            PyList_SET_ITEM(l, i, x);
    }
    return l;
}

/* Options from keyword arguments (may be NULL). */
static int options_from_kwargs(PyObject *module, PyObject *kw, const char *skip,
                               svcm_priority_options *o)
{
    svcm_priority_options_init(o);
    if (kw == NULL)
        return 0;
    struct {
        const char *name;
        double *p;
    } dbl[] = {
        {"w_tier", &o->w_tier},
        {"w_impact", &o->w_impact},
        {"w_severity", &o->w_severity},
        {"w_value", &o->w_value},
        {"important_threshold", &o->important_threshold},
        {"urgent_threshold", &o->urgent_threshold},
        {"w_quadrant", &o->w_quadrant},
        {"w_itil", &o->w_itil},
        {"w_tier_score", &o->w_tier_score},
        {"w_sla", &o->w_sla},
        {"aging_per_hour", &o->aging_per_hour},
    };
    PyObject *key, *val;
    Py_ssize_t pos = 0;
    while (PyDict_Next(kw, &pos, &key, &val)) {
        const char *k = PyUnicode_AsUTF8(key);
        if (k == NULL)
            return -1;
        if (skip != NULL && strcmp(k, skip) == 0)
            continue;
        if (strcmp(k, "table") == 0) {
            if (table_in(module, val, &o->table, NULL) < 0)
                return -1;
            continue;
        }
        size_t i = 0;
        for (; i < sizeof dbl / sizeof dbl[0]; i++)
            if (strcmp(k, dbl[i].name) == 0)
                break;
        if (i == sizeof dbl / sizeof dbl[0]) {
            PyErr_Format(PyExc_TypeError, "unexpected option '%s'", k);
            return -1;
        }
        double d = PyFloat_AsDouble(val);
        if (d == -1.0 && PyErr_Occurred())
            return -1;
        *dbl[i].p = d;
    }
    svcm_error err;
    int rc = svcm_priority_options_check(o, &err);
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        return -1;
    }
    return 0;
}

static PyObject *make_result(PyObject *module, const struct svcm_priority_result *r)
{
    PyObject *tp = svcmpy_engine_item(module, SVCMPY_PRIORITY, PRI_RESULT);
    if (tp == NULL)
        return NULL;
    PyObject *o = PyStructSequence_New((PyTypeObject *)tp);
    if (o == NULL)
        return NULL;
    PyObject *v[7] = {
        PyLong_FromLongLong(r->id),        quadrant_value(module, (int)r->quadrant),
        PyLong_FromLong(r->priority),      PyFloat_FromDouble(r->score),
        PyFloat_FromDouble(r->importance), PyFloat_FromDouble(r->urgency),
        PyLong_FromSize_t(r->index),
    };
    int bad = 0;
    for (int i = 0; i < 7; i++) {
        if (v[i] == NULL)
            bad = 1;
        PyStructSequence_SetItem(o, i, v[i]); /* steals; NULL is tolerated */
    }
    if (bad) {
        Py_DECREF(o);
        return NULL;
    }
    return o;
}

static int parse_now(PyObject *o, int64_t *now) { return get_int64(o, now, "now"); }

/* ------------------------------------------------------------- functions */

PyDoc_STRVAR(quadrant_doc,
    "quadrant(urgent: bool, important: bool) -> Quadrant\n\n"
    "The Eisenhower quadrant: 'do' (urgent and important), 'schedule'\n"
    "(important only), 'delegate' (urgent only) or 'eliminate' (neither).\n"
    "The result is a str; its .advice (or quadrant_advice(name)) is the\n"
    "advice it implies.");
static PyObject *py_quadrant(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"urgent", "important", NULL};
    int urgent, important;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "pp:quadrant", kwlist, &urgent, &important))
        return NULL;
    return quadrant_value(module, (int)svcm_quadrant_of(urgent, important));
}

PyDoc_STRVAR(quadrant_advice_doc,
    "quadrant_advice(quadrant: str | int) -> str\n\n"
    "The advice of a quadrant given by name ('do', ...) or number (0..3).");
static PyObject *py_quadrant_advice(PyObject *module, PyObject *arg)
{
    int q;
    if (PyUnicode_Check(arg)) {
        svcm_quadrant qq;
        const char *s = PyUnicode_AsUTF8(arg);
        if (s == NULL)
            return NULL;
        if (svcm_quadrant_parse(s, &qq) != SVCM_OK)
            return raise_field(module, SVCM_EINVAL, SVCM_NO_INDEX, "quadrant",
                               "unknown quadrant name");
        q = (int)qq;
    } else if (get_small_int(arg, &q, "quadrant") < 0) {
        return NULL;
    }
    const char *a = svcm_quadrant_advice(q);
    if (a == NULL)
        return raise_field(module, SVCM_EINVAL, SVCM_NO_INDEX, "quadrant",
                           "quadrant must be 0..3");
    return PyUnicode_FromString(a);
}

PyDoc_STRVAR(itil_priority_doc,
    "itil_priority(impact: int | str, urgency: int | str, table=None) -> int\n\n"
    "ITIL priority (1 = most urgent) from an impact x urgency table. With the\n"
    "built-in ITIL v3 table, impact and urgency are 1 = high, 2 = medium,\n"
    "3 = low (the names 'high', 'medium', 'low' work too) and the result is\n"
    "1 (critical) .. 5 (planning); IMPACT_ORGANISATION .. IMPACT_TEAM and\n"
    "URGENCY_LEVEL_HIGH .. URGENCY_LEVEL_LOW are these levels. table may be\n"
    "rows of ints or their text form ('1 2 3\\n2 3 4\\n3 4 5').");
/* An ITIL level: an int (1 = highest) or "high", "medium"/"med", "low". */
static int get_level(PyObject *o, int *out, const char *field)
{
    if (PyUnicode_Check(o)) {
        const char *s = PyUnicode_AsUTF8(o);
        if (s == NULL)
            return -1;
        static const char *const names[][2] = {{"high", "h"}, {"medium", "med"}, {"low", "l"}};
        for (int i = 0; i < 3; i++) {
            if (PyOS_stricmp(s, names[i][0]) == 0 || PyOS_stricmp(s, names[i][1]) == 0) {
                *out = i + 1;
                return 0;
            }
        }
        PyErr_Format(PyExc_ValueError, "%s: expected 1.., 'high', 'medium' or 'low', got '%s'",
                     field, s);
        return -1;
    }
    return get_small_int(o, out, field);
}

static PyObject *py_itil_priority(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"impact", "urgency", "table", NULL};
    PyObject *impact_obj, *urgency_obj;
    int impact, urgency;
    PyObject *table = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|O:itil_priority", kwlist, &impact_obj,
                                     &urgency_obj, &table))
        return NULL;
    if (get_level(impact_obj, &impact, "impact") < 0 ||
        get_level(urgency_obj, &urgency, "urgency") < 0)
        return NULL;
    svcm_itil_table t;
    if (table_in(module, table, &t, NULL) < 0)
        return NULL;
    int p;
    svcm_error err;
    int rc = svcm_itil_priority(&t, impact, urgency, &p, &err);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, &err);
    return PyLong_FromLong(p);
}

/* itil_table() / grade_table() (text 0: nested lists) and format_itil_table()
 * / format_grade_table() (text 1; levels only for an ITIL table). */
static PyObject *table_call(PyObject *module, PyObject *args, PyObject *kw, int grade, int text)
{
    static char *kwlist[] = {"table", "levels", NULL}, *one[] = {"table", NULL};
    static const char *const fmt[2][2] = {{"|O:itil_table", "|O$O:format_itil_table"},
                                          {"|O:grade_table", "|O:format_grade_table"}};
    PyObject *table = Py_None, *levels = Py_None;
    svcm_itil_table it;
    svcm_grade_table gt;
    if (!PyArg_ParseTupleAndKeywords(args, kw, fmt[grade][text],
                                     text && !grade ? kwlist : one, &table, &levels) ||
        table_in(module, table, grade ? NULL : &it, grade ? &gt : NULL) < 0 ||
        (levels != Py_None && get_small_int(levels, &it.levels, "levels") < 0))
        return NULL;
    static const int gdims[] = {SVCM_GRADE_LEVELS, SVCM_GRADE_LEVELS, SVCM_GRADE_LEVELS};
    static const size_t gstrides[] = {SVCM_GRADE_LEVELS * SVCM_GRADE_LEVELS, SVCM_GRADE_LEVELS, 1};
    static const size_t istrides[] = {SVCM_ITIL_MAX, 1};
    if (!text && grade)
        return cell_lists(&gt.cell[0][0][0], gdims, gstrides, 3);
    if (!text)
        return cell_lists(&it.cell[0][0], (int[]){it.rows, it.cols}, istrides, 2);
    svcm_error err;
    svcm_error_clear(&err);
    char buf[SVCM_ITIL_MAX * SVCM_ITIL_MAX * 3 + 32]; /* 16 x 16 two-digit cells fit */
    size_t len = 0;
    int rc = grade ? svcm_grade_table_format(&gt, buf, sizeof buf, &len)
                   : svcm_itil_table_check(&it, &err);
    if (rc == SVCM_OK && !grade)
        rc = svcm_itil_table_format(&it, buf, sizeof buf, &len);
    return rc != SVCM_OK ? svcmpy_raise(module, rc, &err)
                         : PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len);
}

PyDoc_STRVAR(itil_table_doc,
    "itil_table(table=None) -> list[list[int]]\n\n"
    "Validate a table (rows of ints, or the text form: one row per line,\n"
    "cells separated by spaces or commas, '#' comments) and return its rows.\n"
    "None gives the built-in ITIL v3 table. Bad text raises FormatError\n"
    "whose index is the line; holes and bad cells raise InvalidInput.");
static PyObject *py_itil_table(PyObject *module, PyObject *args, PyObject *kw)
{
    return table_call(module, args, kw, 0, 0);
}

PyDoc_STRVAR(format_itil_table_doc,
    "format_itil_table(table=None, *, levels=None) -> str\n\n"
    "The text form of a table (svcm_itil_table_format): one line per impact\n"
    "level, cells separated by one space, preceded by 'levels N' only when\n"
    "the table has more priority levels than its largest cell. table is\n"
    "None (the built-in ITIL v3 table: '1 2 3\\n2 3 4\\n3 4 5\\n'), rows of\n"
    "ints or text as itil_table() takes; levels, when given, sets the number\n"
    "of priority levels (1..16, at least the largest cell). The text reads\n"
    "back with itil_table() / itil_priority(table=...) to the same table.\n"
    "Bad text raises FormatError, a bad table or levels InvalidInput.");
static PyObject *py_format_itil_table(PyObject *module, PyObject *args, PyObject *kw)
{
    return table_call(module, args, kw, 0, 1);
}

/* ------------------------------------------------------------ problem grading */

PyDoc_STRVAR(problem_grade_doc,
    "problem_grade(urgency: int, impact: int, difficulty: int, table=None) -> int\n\n"
    "Grade a problem 1 (most severe) .. 4 from its urgency, impact scope and\n"
    "difficulty of resolution, each 1..4 with 1 = most urgent / widest impact\n"
    "(IMPACT_ORGANISATION) / hardest. table None is the default rule: the sum\n"
    "s of the three levels, grade 1 for s <= 5, 2 for 6..7, 3 for 8..9, 4 for\n"
    "10..12; else a 4 x 4 x 4 table [urgency][impact][difficulty] or its text\n"
    "form (see grade_table()). Bad levels or tables raise InvalidInput.");
/* problem_grade() (item NULL) and problem_request(): the three levels and
 * the optional table, graded by the library. */
static PyObject *grade_call(PyObject *module, PyObject *args, PyObject *kw, int with_item)
{
    static char *kwlist[] = {"item", "urgency", "impact", "difficulty", "table", NULL};
    PyObject *item = NULL, *lv[3], *table = Py_None;
    int v[3];
    if (with_item ? !PyArg_ParseTupleAndKeywords(args, kw, "OOOO|O:problem_request", kwlist,
                                                 &item, &lv[0], &lv[1], &lv[2], &table)
                  : !PyArg_ParseTupleAndKeywords(args, kw, "OOO|O:problem_grade", kwlist + 1,
                                                 &lv[0], &lv[1], &lv[2], &table))
        return NULL;
    if (item != NULL && !PyDict_Check(item)) {
        PyErr_Format(PyExc_TypeError, "item: expected a dict, got %s", Py_TYPE(item)->tp_name);
        return NULL;
    }
    for (int k = 0; k < 3; k++)
        if (get_small_int(lv[k], &v[k], kwlist[k + 1]) < 0)
            return NULL;
    svcm_grade_table t;
    if (table != Py_None && table_in(module, table, NULL, &t) < 0)
        return NULL;
    const svcm_grade_table *tp = table != Py_None ? &t : NULL;
    svcm_request r;
    memset(&r, 0, sizeof r);
    svcm_error err;
    int rc = item ? svcm_problem_request(tp, v[0], v[1], v[2], &r, &err)
                  : svcm_problem_grade(tp, v[0], v[1], v[2], &r.severity, &err);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, &err);
    if (item == NULL)
        return PyLong_FromLong(r.severity);
    PyObject *out = PyDict_Copy(item);
    PyObject *set = out ? Py_BuildValue("{s:i,s:i}", "severity", r.severity, "impact", r.impact)
                        : NULL;
    if (set == NULL || PyDict_Update(out, set) < 0) {
        Py_XDECREF(set);
        Py_XDECREF(out);
        return NULL;
    }
    Py_DECREF(set);
    return out;
}

static PyObject *py_problem_grade(PyObject *module, PyObject *args, PyObject *kw)
{
    return grade_call(module, args, kw, 0);
}

PyDoc_STRVAR(grade_table_doc,
    "grade_table(table=None) -> list[list[list[int]]]\n\n"
    "Validate a grading table and return it as [urgency][impact][difficulty]\n"
    "grades (4 x 4 x 4, values 1..4, monotone: a worse input never gives a\n"
    "milder grade). table is None (the default rule), nested ints, or the\n"
    "text form: 16 rows of 4 cells (row = (urgency-1)*4 + impact-1, column =\n"
    "difficulty), optional 'urgency N' lines before each block of 4 rows,\n"
    "'#' comments. Bad text raises FormatError (.line, .column); bad cells\n"
    "and non-monotone tables raise InvalidInput naming the cell.");
static PyObject *py_grade_table(PyObject *module, PyObject *args, PyObject *kw)
{
    return table_call(module, args, kw, 1, 0);
}

PyDoc_STRVAR(format_grade_table_doc,
    "format_grade_table(table=None) -> str\n\n"
    "The text form of a grading table (svcm_grade_table_format): for each\n"
    "urgency level a line 'urgency N' and four rows (impact 1..4) of four\n"
    "grades (difficulty 1..4). It reads back with grade_table() to the same\n"
    "table. table is as grade_table() takes.");
static PyObject *py_format_grade_table(PyObject *module, PyObject *args, PyObject *kw)
{
    return table_call(module, args, kw, 1, 1);
}

PyDoc_STRVAR(problem_request_doc,
    "problem_request(item: dict, urgency: int, impact: int, difficulty: int,\n"
    "                table=None) -> dict\n\n"
    "Feed a graded problem to the priority engine (svcm_problem_request): a\n"
    "copy of the request dict item with 'severity' set to the problem's grade\n"
    "and 'impact' to its impact level (the same 1..4 scales), ready for\n"
    "prioritize() / classify() / Queue.push(). Other keys are kept.");
static PyObject *py_problem_request(PyObject *module, PyObject *args, PyObject *kw)
{
    return grade_call(module, args, kw, 1);
}

/* Columns of a batch result, in this order (results_row reads them). */
static const char *const result_columns[] = {"order",      "id",      "quadrant", "priority",
                                             "score",      "importance", "urgency", "due"};
enum { COL_ORDER, COL_ID, COL_QUADRANT, COL_PRIORITY, COL_SCORE, COL_IMPORTANCE, COL_URGENCY,
       COL_DUE, NCOLS };

/* Row i of a results table as a PriorityResult. */
static PyObject *results_row(PyObject *module, PyObject *const *cols, Py_ssize_t i)
{
    struct svcm_priority_result r;
    memset(&r, 0, sizeof r);
    r.index = (size_t)((const int64_t *)svcmpy_column_data(cols[COL_ORDER]))[i];
    r.id = ((const int64_t *)svcmpy_column_data(cols[COL_ID]))[i];
    r.quadrant = (svcm_quadrant)((const unsigned char *)svcmpy_column_data(cols[COL_QUADRANT]))[i];
    r.priority = ((const unsigned char *)svcmpy_column_data(cols[COL_PRIORITY]))[i];
    r.score = ((const double *)svcmpy_column_data(cols[COL_SCORE]))[i];
    r.importance = ((const double *)svcmpy_column_data(cols[COL_IMPORTANCE]))[i];
    r.urgency = ((const double *)svcmpy_column_data(cols[COL_URGENCY]))[i];
    r.due = ((const int64_t *)svcmpy_column_data(cols[COL_DUE]))[i];
    return make_result(module, &r);
}

/* The n results as an svcm.Table: order (int64 input positions), id
 * (int64), quadrant (uint8: 0 do, 1 schedule, 2 delegate, 3 eliminate),
 * priority (uint8), score, importance, urgency (float64), due (int64). */
static const char result_codes[NCOLS] = {'q', 'q', 'B', 'B', 'd', 'd', 'd', 'q'};

/* Blocks for the NCOLS result columns of n rows (huge pages asked for the
 * large ones): 0, or -1 with MemoryError set and nothing held. */
static void free_result_columns(void *data[NCOLS])
{
    for (int k = 0; k < NCOLS; k++)
        if (!svcmpy_big_give(data[k]))
            PyMem_Free(data[k]);
}

/* A large column is a block from svcmpy_big_take(), often one a result
 * freed earlier left (no page faults to write it), which the Column gives
 * back when it goes; the others come from svcmpy_column_alloc(). Every
 * block is written whole before the Column is made. */
static int alloc_result_columns(void *data[NCOLS], size_t n)
{
    for (int k = 0; k < NCOLS; k++) {
        size_t bytes = n * (result_codes[k] == 'B' ? 1u : 8u);
        data[k] = n <= PY_SSIZE_T_MAX / 8 ? svcmpy_big_take(bytes) : NULL;
        if (data[k] == NULL) {
            data[k] = svcmpy_column_alloc(result_codes[k], (Py_ssize_t)n);
            svcmpy_advise_huge(data[k], bytes);
        }
        if (data[k] == NULL) {
            while (k-- > 0)
                if (!svcmpy_big_give(data[k]))
                    PyMem_Free(data[k]);
            return -1;
        }
    }
    return 0;
}

/* The table over the filled blocks (owned by the table from here on). */
static PyObject *result_columns_table(PyObject *module, void *data[NCOLS], size_t n)
{
    PyObject *cols[NCOLS];
    for (int k = 0; k < NCOLS; k++)
        cols[k] = svcmpy_column_new(module, result_codes[k], (Py_ssize_t)n, data[k]);
    return svcmpy_table_new(module, result_columns, cols, NCOLS, (Py_ssize_t)n, results_row);
}

static PyObject *results_table(PyObject *module, const struct svcm_priority_result *res,
                               size_t n)
{
    void *data[NCOLS];
    if (alloc_result_columns(data, n) < 0)
        return NULL;
    int64_t *order = data[COL_ORDER], *id = data[COL_ID], *due = data[COL_DUE];
    unsigned char *quad = data[COL_QUADRANT], *prio = data[COL_PRIORITY];
    double *score = data[COL_SCORE], *imp = data[COL_IMPORTANCE], *urg = data[COL_URGENCY];
    for (size_t i = 0; i < n; i++) {
        order[i] = (int64_t)res[i].index;
        id[i] = res[i].id;
        quad[i] = (unsigned char)res[i].quadrant;
        prio[i] = (unsigned char)res[i].priority;
        score[i] = res[i].score;
        imp[i] = res[i].importance;
        urg[i] = res[i].urgency;
        due[i] = res[i].due;
    }
    return result_columns_table(module, data, n);
}

/* prioritize(): svcm_priority_run writes the result columns in place (no
 * array of result structs to fill and transpose). */
static PyObject *ordered_table(PyObject *module, const svcm_priority_options *o,
                               const svcm_request *reqs, size_t n, int64_t now, unsigned threads)
{
    void *data[NCOLS];
    if (alloc_result_columns(data, n) < 0)
        return NULL;
    svcm_priority_columns c = {data[COL_ORDER],   data[COL_ID],         data[COL_DUE],
                               data[COL_IMPORTANCE], data[COL_URGENCY], data[COL_SCORE],
                               data[COL_QUADRANT], data[COL_PRIORITY]};
    svcm_priority_run_options run;
    svcm_priority_run_options_init(&run);
    run.threads = threads;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_priority_run(o, &run, reqs, n, now, &big_allocator, NULL, &c, &err);
    Py_END_ALLOW_THREADS
    if (rc != SVCM_OK) {
        free_result_columns(data);
        return svcmpy_raise(module, rc, &err);
    }
    return result_columns_table(module, data, n);
}

/* threads= of prioritize(): an int in 1..SVCM_PRIORITY_MAX_THREADS, else
 * InvalidError naming "threads" (TypeError for a non-int). */
static int threads_from(PyObject *module, PyObject *v, unsigned *threads)
{
    int64_t t = 1;
    if (v != NULL && PyBool_Check(v)) {
        PyErr_SetString(PyExc_TypeError, "prioritize: threads must be an int");
        return -1;
    }
    if (v != NULL && svcmpy_arg_i64(module, v, "threads", &t) < 0)
        return -1;
    if (t < 1 || t > SVCM_PRIORITY_MAX_THREADS) {
        raise_field(module, SVCM_EINVAL, SVCM_NO_INDEX, "threads",
                    "threads must be in 1..%d, got %lld", SVCM_PRIORITY_MAX_THREADS, (long long)t);
        return -1;
    }
    *threads = (unsigned)t;
    return 0;
}

/* Shared body of classify() and prioritize(). */
static PyObject *run_batch(PyObject *module, PyObject *args, PyObject *kw, int ordered)
{
    PyObject *items, *now_obj;
    if (!PyArg_ParseTuple(args, ordered ? "OO:prioritize" : "OO:classify", &items, &now_obj))
        return NULL;
    int64_t now;
    if (parse_now(now_obj, &now) < 0)
        return NULL;
    /* classify(..., sort=True) sorts the classified records separately;
     * prioritize(..., threads=N) orders on N threads; the other keywords
     * are options. */
    const char *extra_name = ordered ? "threads" : "sort";
    PyObject *extra = kw ? Py_XNewRef(PyDict_GetItemString(kw, extra_name)) : NULL;
    int sort = 0;
    unsigned threads = 1;
    int bad = ordered ? threads_from(module, extra, &threads) < 0
                      : (extra != NULL && (sort = PyObject_IsTrue(extra)) < 0);
    Py_XDECREF(extra);
    svcm_priority_options o;
    if (bad || options_from_kwargs(module, kw, extra_name, &o) < 0)
        return NULL;
    size_t n = 0;
    svcm_request *reqs = requests_from_items(module, items, &n);
    if (reqs == NULL)
        return NULL;
    if (ordered) {
        PyObject *table = ordered_table(module, &o, reqs, n, now, threads);
        big_free(reqs);
        return table;
    }
    struct svcm_priority_result *res = PyMem_Malloc(n > 0 ? n * sizeof *res : 1);
    if (res == NULL) {
        big_free(reqs);
        return PyErr_NoMemory();
    }
    svcmpy_advise_huge(res, n * sizeof *res);
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_priority_classify(&o, reqs, n, now, res, &err);
    if (rc == SVCM_OK && sort) {
        rc = svcm_priority_sort(res, n, NULL);
        if (rc != SVCM_OK)
            svcm_error_clear(&err);
    }
    Py_END_ALLOW_THREADS
    big_free(reqs);
    if (rc != SVCM_OK) {
        PyMem_Free(res);
        return svcmpy_raise(module, rc, &err);
    }
    PyObject *table = results_table(module, res, n);
    PyMem_Free(res);
    return table;
}

PyDoc_STRVAR(prioritize_doc,
    "prioritize(items, now: int, *, threads: int = 1, **options) -> Table\n\n"
    "Classify requests at instant now (seconds) and return them in dispatch\n"
    "order: score descending, then due, then id, then input position.\n"
    "items is a list of dicts or a dict of parallel columns (sequences or\n"
    "buffers) with keys id, tier (0..4 or 'vip'..'lost'), impact (1..4 or\n"
    "'organisation', 'department', 'team', 'individual'), severity (1..4),\n"
    "created, and optionally value (0..1, default 0), due (None = no\n"
    "deadline) and urgent (default False). The result is an svcm.Table of\n"
    "columns (typed buffers: numpy.asarray wraps them without copying):\n"
    "order (int64 input positions in dispatch order), id, quadrant (uint8:\n"
    "0 do, 1 schedule, 2 delegate, 3 eliminate), priority (uint8), score,\n"
    "importance, urgency (float64) and due (int64; INT64_MAX for none).\n"
    "r[i] and iteration give PriorityResult records, which unpack as\n"
    "(id, quadrant, priority, score) and also have importance, urgency and\n"
    "index. Options: w_tier, w_impact, w_severity, w_value,\n"
    "important_threshold, urgent_threshold, w_quadrant, w_itil,\n"
    "w_tier_score, w_sla, aging_per_hour, table. threads (1..64, default 1)\n"
    "orders on that many threads with the GIL released\n"
    "(svcm_priority_run); the result is the same for every thread count.");
static PyObject *py_prioritize(PyObject *module, PyObject *args, PyObject *kw)
{
    return run_batch(module, args, kw, 1);
}

PyDoc_STRVAR(classify_doc,
    "classify(items, now: int, sort: bool = False, **options) -> Table\n\n"
    "Like prioritize() but in input order; sort=True then sorts the results\n"
    "into dispatch order (the same order prioritize() gives).");
static PyObject *py_classify(PyObject *module, PyObject *args, PyObject *kw)
{
    return run_batch(module, args, kw, 0);
}

PyDoc_STRVAR(importance_doc,
    "importance(item: dict, **options) -> float\n\n"
    "Importance on 0..1: the weighted mean of tier, impact, severity and value.");
/* importance(item, **options) and urgency(item, now). */
static PyObject *request_measure(PyObject *module, PyObject *args, PyObject *kw, int urgency)
{
    PyObject *item, *now_obj = NULL;
    if (!PyArg_ParseTuple(args, urgency ? "OO:urgency" : "O:importance", &item, &now_obj))
        return NULL;
    int64_t now = 0;
    svcm_priority_options o;
    svcm_request r;
    if (options_from_kwargs(module, kw, NULL, &o) < 0 || (urgency && parse_now(now_obj, &now) < 0) ||
        request_from_mapping(module, item, SVCM_NO_INDEX, &r) < 0)
        return NULL;
    double v;
    svcm_error err;
    int rc = urgency ? svcm_urgency(&r, now, &v, &err) : svcm_importance(&o, &r, &v, &err);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, &err);
    return PyFloat_FromDouble(v);
}

static PyObject *py_importance(PyObject *module, PyObject *args, PyObject *kw)
{
    return request_measure(module, args, kw, 0);
}

PyDoc_STRVAR(urgency_doc,
    "urgency(item: dict, now: int) -> float\n\n"
    "Urgency on 0..1: the share of [created, due] elapsed at now (1 when due\n"
    "or flagged urgent, 0 without a deadline).");
static PyObject *py_urgency(PyObject *module, PyObject *args)
{
    return request_measure(module, args, NULL, 1);
}

/* ------------------------------------------------------------------ Queue */

/* svcm.Queue on the managed-class runtime (records.c): the object is an
 * svcmpy_handle; dealloc, to_bytes, from_bytes, pickling and len() come from
 * there. Only the constructor (options with an ITIL table) is hand-written. */
/* The class functions, shared with Lua (bindings/api/priority.py). */
void pri_queue_free(void *h);
int pri_queue_save(const void *h, unsigned char *b, size_t cap, size_t *n);
int pri_queue_load(const unsigned char *b, size_t n, void **out, svcm_error *err);
uint64_t pri_queue_count(const void *h);
static void queue_dealloc(PyObject *op);
static const svcmpy_class queue_class = {"svcm.Queue", pri_queue_free, NULL, NULL,
                                         pri_queue_save, pri_queue_load, NULL, pri_queue_count,
                                         "to_bytes", "from_bytes", queue_dealloc};
static void queue_dealloc(PyObject *op) { svcmpy_handle_dealloc(op, &queue_class); }

static int queue_init(PyObject *self, PyObject *args, PyObject *kw)
{
    if (PyTuple_GET_SIZE(args) != 0) {
        PyErr_SetString(PyExc_TypeError, "Queue() takes keyword options only");
        return -1;
    }
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    svcm_priority_options o;
    if (module == NULL || options_from_kwargs(module, kw, NULL, &o) < 0)
        return -1;
    svcm_pqueue *q = NULL;
    svcm_error err;
    int rc = svcm_pqueue_new(&o, NULL, &q, &err);
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        return -1;
    }
    return svcmpy_handle_set(self, q, &queue_class);
}

/* push/update: one dict, or keywords. */
static PyObject *queue_put(PyObject *self, PyObject *args, PyObject *kw, int update)
{
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    Py_ssize_t na = PyTuple_GET_SIZE(args);
    int nkw = kw != NULL && PyDict_Size(kw) != 0;
    svcm_request r;
    if (module == NULL)
        return NULL;
    if (na + nkw != 1) {
        PyErr_SetString(PyExc_TypeError, "expected one dict or keyword fields");
        return NULL;
    }
    if (request_from_mapping(module, na ? PyTuple_GET_ITEM(args, 0) : kw, SVCM_NO_INDEX, &r) < 0)
        return NULL;
    svcm_pqueue *q = svcmpy_handle_ready(self); /* after reading: the dict may run code */
    svcm_error err;
    if (q == NULL)
        return NULL;
    int rc = update ? svcm_pqueue_update(q, &r, &err) : svcm_pqueue_push(q, &r, &err);
    return rc != SVCM_OK ? svcmpy_raise(module, rc, &err) : Py_NewRef(Py_None);
}

PyDoc_STRVAR(queue_push_doc,
    "push(item: dict | **fields) -> None\n\n"
    "Add a request (keys as for prioritize). AlreadyExists for a duplicate id.");
static PyObject *queue_push(PyObject *self, PyObject *args, PyObject *kw)
{
    return queue_put(self, args, kw, 0);
}

PyDoc_STRVAR(queue_update_doc,
    "update(item: dict | **fields) -> None\n\n"
    "Replace the queued request with the same id. NotFound if there is none.");
static PyObject *queue_update(PyObject *self, PyObject *args, PyObject *kw)
{
    return queue_put(self, args, kw, 1);
}

static PyObject *queue_front(PyObject *self, PyObject *arg, int pop)
{
    int64_t now;
    svcm_pqueue *q;
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL || parse_now(arg, &now) < 0 || (q = svcmpy_handle_ready(self)) == NULL)
        return NULL;
    struct svcm_priority_result res;
    int rc = pop ? svcm_pqueue_pop(q, now, NULL, &res) : svcm_pqueue_peek(q, now, NULL, &res);
    return rc != SVCM_OK ? svcmpy_raise(module, rc, NULL) : make_result(module, &res);
}

PyDoc_STRVAR(queue_pop_doc,
    "pop(now: int) -> PriorityResult\n\n"
    "Remove and return the first request in dispatch order at instant now\n"
    "(re-scoring everything first when now differs from the last instant).\n"
    "EmptyError when the queue is empty.");
static PyObject *queue_pop(PyObject *self, PyObject *arg) { return queue_front(self, arg, 1); }

PyDoc_STRVAR(queue_peek_doc,
    "peek(now: int) -> PriorityResult\n\nLike pop() without removing.");
static PyObject *queue_peek(PyObject *self, PyObject *arg) { return queue_front(self, arg, 0); }

/* Hooks of the described methods (bindings/api/priority.py): they keep the
 * GIL, so nothing else can reach the queue while they run. */
svcm_pqueue *svcmpy_enter_Queue(PyObject *op) { return svcmpy_handle_ready(op); }

void svcmpy_leave_Queue(PyObject *op) { (void)op; }

static Py_ssize_t queue_len(PyObject *self) { return svcmpy_handle_len(self, &queue_class); }

static int queue_contains(PyObject *self, PyObject *key)
{
    int64_t id;
    svcm_pqueue *q = svcmpy_handle_ready(self);
    if (q == NULL)
        return -1;
    if (!PyLong_Check(key) || get_int64(key, &id, "id") < 0) {
        PyErr_Clear();
        return 0;
    }
    return svcm_pqueue_get(q, id, NULL) == SVCM_OK;
}

static PyObject *queue_to_bytes(PyObject *self, PyObject *unused)
{
    (void)unused;
    return svcmpy_handle_save(self, &queue_class);
}

static PyObject *queue_from_bytes(PyObject *cls, PyObject *arg)
{
    return svcmpy_handle_load(cls, arg, &queue_class);
}

static PyMethodDef queue_methods[] = {
    {"to_bytes", queue_to_bytes, METH_NOARGS,
     "to_bytes() -> bytes\n\nVersioned little-endian state: options, instant and every request."},
    {"from_bytes", queue_from_bytes, METH_O | METH_CLASS,
     "from_bytes(b) -> Queue\n\nLoad a queue saved by to_bytes() (svcm.FormatError if malformed)."},
    SVCMPY_REDUCE_METHOD,
    {"push", (PyCFunction)(void (*)(void))queue_push, METH_VARARGS | METH_KEYWORDS,
     queue_push_doc},
    {"update", (PyCFunction)(void (*)(void))queue_update, METH_VARARGS | METH_KEYWORDS,
     queue_update_doc},
    {"pop", queue_pop, METH_O, queue_pop_doc},
    {"peek", queue_peek, METH_O, queue_peek_doc},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(queue_doc,
    "Queue(**options)\n\n"
    "A dispatch queue: a heap of requests ordered by their score at the\n"
    "queue's instant, with update and remove by id. pop(now) and peek(now)\n"
    "re-score everything when now changes, so successive pops at one instant\n"
    "come out exactly as prioritize() would order them. Options as for\n"
    "prioritize(). len(q) is the number of requests; 'id in q' tests one.");

static PyType_Slot queue_slots[] = {
    {Py_tp_init, queue_init},       {Py_tp_dealloc, queue_dealloc},
    {Py_tp_methods, queue_methods}, {Py_tp_doc, (void *)queue_doc},
    {Py_sq_length, queue_len},      {Py_sq_contains, queue_contains},
    {0, NULL},
};

static PyType_Spec queue_spec = {
    .name = "svcm.Queue",
    .basicsize = sizeof(svcmpy_handle),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = queue_slots,
};

/* -------------------------------------------------------------- Quadrant */

static PyObject *quadrant_get_advice(PyObject *self, void *closure)
{
    const char *s = PyUnicode_AsUTF8(self);
    svcm_quadrant q;
    if (s == NULL)
        return NULL;
    if (svcm_quadrant_parse(s, &q) != SVCM_OK) {
        PyErr_SetString(PyExc_ValueError, "not a quadrant name");
        return NULL;
    }
    return PyUnicode_FromString(svcm_quadrant_advice((int)q));
}

static PyGetSetDef quadrant_getset[] = {
    {"advice", quadrant_get_advice, NULL, "The advice this quadrant implies.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot quadrant_slots[] = {
    {Py_tp_getset, quadrant_getset},
    {Py_tp_doc, (void *)"An Eisenhower quadrant name (a str) with its .advice."},
    {0, NULL},
};

static PyType_Spec quadrant_spec = {
    .name = "svcm.Quadrant",
    .basicsize = 0, /* a plain str underneath */
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = quadrant_slots,
};

/* ------------------------------------------------------------------- init */

static PyStructSequence_Field result_fields[] = {
    {"id", "the request's id"},
    {"quadrant", "Eisenhower quadrant: 'do', 'schedule', 'delegate' or 'eliminate'"},
    {"priority", "ITIL priority, 1 = most urgent"},
    {"score", "dispatch score, higher first"},
    {"importance", "importance on 0..1"},
    {"urgency", "urgency on 0..1"},
    {"index", "position of the request in the input"},
    {NULL, NULL},
};

static PyStructSequence_Desc result_desc = {
    "svcm.PriorityResult",
    "A classified request: unpacks as (id, quadrant, priority, score).",
    result_fields,
    4,
};

static PyMethodDef priority_methods[] = {
    {"quadrant", (PyCFunction)(void (*)(void))py_quadrant, METH_VARARGS | METH_KEYWORDS,
     quadrant_doc},
    {"quadrant_advice", py_quadrant_advice, METH_O, quadrant_advice_doc},
    {"itil_priority", (PyCFunction)(void (*)(void))py_itil_priority, METH_VARARGS | METH_KEYWORDS,
     itil_priority_doc},
    {"itil_table", (PyCFunction)(void (*)(void))py_itil_table, METH_VARARGS | METH_KEYWORDS,
     itil_table_doc},
    {"format_itil_table", (PyCFunction)(void (*)(void))py_format_itil_table,
     METH_VARARGS | METH_KEYWORDS, format_itil_table_doc},
    {"problem_grade", (PyCFunction)(void (*)(void))py_problem_grade, METH_VARARGS | METH_KEYWORDS,
     problem_grade_doc},
    {"grade_table", (PyCFunction)(void (*)(void))py_grade_table, METH_VARARGS | METH_KEYWORDS,
     grade_table_doc},
    {"format_grade_table", (PyCFunction)(void (*)(void))py_format_grade_table,
     METH_VARARGS | METH_KEYWORDS, format_grade_table_doc},
    {"problem_request", (PyCFunction)(void (*)(void))py_problem_request,
     METH_VARARGS | METH_KEYWORDS, problem_request_doc},
    {"prioritize", (PyCFunction)(void (*)(void))py_prioritize, METH_VARARGS | METH_KEYWORDS,
     prioritize_doc},
    {"classify", (PyCFunction)(void (*)(void))py_classify, METH_VARARGS | METH_KEYWORDS,
     classify_doc},
    {"importance", (PyCFunction)(void (*)(void))py_importance, METH_VARARGS | METH_KEYWORDS,
     importance_doc},
    {"urgency", py_urgency, METH_VARARGS, urgency_doc},
    {NULL, NULL, 0, NULL},
};

/* IMPACT_* and URGENCY_LEVEL_*: the C enums' values (1 = highest). */
static int add_level_constants(PyObject *module)
{
    static const struct {
        const char *name;
        int value;
    } c[] = {
        {"IMPACT_ORGANISATION", SVCM_IMPACT_ORGANISATION},
        {"IMPACT_DEPARTMENT", SVCM_IMPACT_DEPARTMENT},
        {"IMPACT_TEAM", SVCM_IMPACT_TEAM},
        {"IMPACT_INDIVIDUAL", SVCM_IMPACT_INDIVIDUAL},
        {"URGENCY_LEVEL_HIGH", SVCM_URGENCY_LEVEL_HIGH},
        {"URGENCY_LEVEL_MEDIUM", SVCM_URGENCY_LEVEL_MEDIUM},
        {"URGENCY_LEVEL_LOW", SVCM_URGENCY_LEVEL_LOW},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        if (PyModule_AddIntConstant(module, c[i].name, c[i].value) < 0)
            return -1;
    return 0;
}

int svcmpy_init_priority(PyObject *module)
{
    if (PyModule_AddFunctions(module, priority_methods) < 0 || add_level_constants(module) < 0)
        return -1;
    PyObject *tuple = PyTuple_New(PRI_COUNT);
    PyObject *bases = PyTuple_Pack(1, (PyObject *)&PyUnicode_Type);
    if (tuple == NULL || bases == NULL)
        goto fail;
    /* The tuple owns each type as soon as it is made (a NULL item is fine
     * when the tuple is freed on failure). */
    PyObject *result = (PyObject *)PyStructSequence_NewType(&result_desc);
    PyTuple_SET_ITEM(tuple, PRI_RESULT, result);
    PyObject *queue = result ? PyType_FromModuleAndSpec(module, &queue_spec, NULL) : NULL;
    PyTuple_SET_ITEM(tuple, PRI_QUEUE, queue);
    PyObject *qtype = queue ? PyType_FromModuleAndSpec(module, &quadrant_spec, bases) : NULL;
    PyTuple_SET_ITEM(tuple, PRI_QUADRANT_TYPE, qtype);
    if (qtype == NULL || svcmpy_members_Queue(queue) < 0 ||
        PyModule_AddObjectRef(module, "PriorityResult", result) < 0 ||
        PyModule_AddObjectRef(module, "Queue", queue) < 0 ||
        PyModule_AddObjectRef(module, "Quadrant", qtype) < 0)
        goto fail;
    for (int q = 0; q < SVCM_QUADRANT_COUNT; q++) {
        PyObject *v = PyObject_CallFunction(qtype, "s", svcm_quadrant_name(q));
        if (v == NULL)
            goto fail;
        PyTuple_SET_ITEM(tuple, PRI_QUADRANT0 + q, v);
    }
    Py_DECREF(bases);
    return svcmpy_engine_set(module, SVCMPY_PRIORITY, tuple);
fail:
    Py_XDECREF(bases);
    Py_XDECREF(tuple);
    return -1;
}
