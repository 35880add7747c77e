/* Python binding of the segment engine: RFM scores, tiers with reasons,
 * Policy, per-tier summaries, migration. Batch inputs are read zero-copy from
 * float64 buffers (array('d'), numpy), the C loops run without the GIL and
 * per-customer results come back as svcm.Column objects ('B', one byte
 * each) that own the memory the library wrote: nothing is copied. */
#include "svcmpy.h"
#include "gen_py.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "svcm/segment.h"

enum {
    SEG_ARRAY,   /* array.array */
    SEG_EDGES,   /* RfmEdges */
    SEG_SCORES,  /* RfmScores */
    SEG_RESULT,  /* Segmentation */
    SEG_MIGRATION,
    SEG_POLICY,
    SEG_REASON_NAMES, /* tuple of reason names, by code */
    SEG_CUSTOMERS,    /* the customer table's types */
    SEG_COLUMN,
    SEG_FIT,
    SEG_NITEMS
};

/* ------------------------------------------------------------ helpers */

/* A TierSummary record (bindings/api/segment.py, which declares it too). */
struct seg_tier_row {
    int tier;
    svcm_tier_summary s;
};

/* A new struct sequence of engine type `which`; steals every item (NULL
 * items make the call fail after releasing the others). */
static PyObject *make_struct(PyObject *module, int which, PyObject **items, int n)
{
    int ok = 1;
    for (int i = 0; i < n; i++)
        ok &= items[i] != NULL;
    /* No call with the exception of a failed item still set. */
    PyObject *type = ok ? svcmpy_engine_item(module, SVCMPY_SEGMENT, which) : NULL;
    PyObject *o = type ? PyStructSequence_New((PyTypeObject *)type) : NULL;
    for (int i = 0; i < n; i++) {
        if (o != NULL)
            PyStructSequence_SetItem(o, i, items[i]);
        else
            Py_XDECREF(items[i]);
    }
    return o;
}

/* The byte outputs of a batch call, written by the C library in place and
 * returned as svcm.Column objects that own them (no copy): k blocks of n
 * bytes from svcmpy_column_alloc, large ones advised for huge pages. 0, or
 * -1 with MemoryError and nothing left allocated. */
static int outputs_alloc(uint8_t **out, int k, size_t n)
{
    for (int i = 0; i < k; i++) {
        out[i] = svcmpy_column_alloc('B', (Py_ssize_t)n);
        if (out[i] == NULL) {
            while (i-- > 0) {
                PyMem_Free(out[i]);
                out[i] = NULL;
            }
            return -1;
        }
        svcmpy_advise_huge(out[i], n);
    }
    return 0;
}

static void outputs_free(uint8_t **out, int k)
{
    for (int i = 0; i < k; i++) {
        PyMem_Free(out[i]);
        out[i] = NULL;
    }
}

/* items[i] = an svcm.Column ('B') owning out[i], for i < k. Every block is
 * taken over: freed with its column, or at once when a column cannot be
 * made. 0, or -1 with the exception set and no item left (no Python call
 * is made after the failure). */
static int outputs_columns(PyObject *module, uint8_t **out, int k, size_t n, PyObject **items)
{
    int made = 0;
    for (int i = 0; i < k; i++) {
        items[i] = made == i ? svcmpy_column_new(module, 'B', (Py_ssize_t)n, out[i]) : NULL;
        if (items[i] != NULL)
            made++;
        else if (made != i)
            PyMem_Free(out[i]); /* svcmpy_column_new frees the block it fails on */
        out[i] = NULL;
    }
    if (made == k)
        return 0;
    for (int i = 0; i < made; i++)
        Py_CLEAR(items[i]);
    return -1;
}

/* array('d') holding a copy of n doubles. */
static PyObject *double_array(PyObject *module, const double *v, size_t n)
{
    PyObject *type = svcmpy_engine_item(module, SVCMPY_SEGMENT, SEG_ARRAY);
    PyObject *bytes = type ? PyBytes_FromStringAndSize((const char *)v, (Py_ssize_t)(n * 8)) : NULL;
    if (bytes == NULL)
        return NULL;
    PyObject *arr = PyObject_CallFunction(type, "sO", "d", bytes);
    Py_DECREF(bytes);
    return arr;
}

/* A tuple of n doubles (d) or of n uint64 (u). */
static PyObject *number_tuple(const double *d, const uint64_t *u, int n)
{
    PyObject *t = PyTuple_New(n);
    for (int i = 0; t != NULL && i < n; i++) {
        PyObject *x = d ? PyFloat_FromDouble(d[i]) : PyLong_FromUnsignedLongLong(u[i]);
        if (x == NULL)
            Py_CLEAR(t);
        else
            PyTuple_SET_ITEM(t, i, x);
    }
    return t;
}

static PyObject *make_edges(PyObject *module, const svcm_rfm_edges *e)
{
    const double *cols[3] = {e->recency, e->frequency, e->monetary};
    PyObject *items[4] = {PyLong_FromLong(e->bins), NULL, NULL, NULL};
    for (int i = 0; i < 3 && items[i] != NULL; i++)
        items[i + 1] = number_tuple(cols[i], NULL, e->bins - 1);
    return make_struct(module, SEG_EDGES, items, 4);
}

/* A Segmentation of the five columns of out (taken over), edges e. */
static PyObject *segmentation(PyObject *module, uint8_t **out, size_t n,
                              const svcm_rfm_edges *e)
{
    PyObject *items[7];
    if (outputs_columns(module, out, 5, n, items) < 0)
        return NULL;
    items[5] = make_edges(module, e);
    items[6] = items[5] ? svcmpy_engine_item(module, SVCMPY_SEGMENT, SEG_REASON_NAMES) : NULL;
    Py_XINCREF(items[6]);
    return make_struct(module, SEG_RESULT, items, 7);
}

/* Read one column of edges (any sequence of numbers) into dst. Returns its
 * length, or -1 with an exception set. */
static Py_ssize_t read_edge_column(PyObject *module, PyObject *obj, const char *name, double *dst)
{
    svcmpy_array a;
    if (svcmpy_doubles(obj, &a, name) < 0)
        return -1;
    Py_ssize_t n = a.n;
    if (n < SVCM_RFM_MIN_BINS - 1 || n > SVCM_RFM_MAX_BINS - 1) {
        svcmpy_array_release(&a);
        svcmpy_raise_field(module, SVCM_EINVAL, name, "edges need 1 to 9 cut points (2 to 10 bins)");
        return -1;
    }
    memcpy(dst, a.data, (size_t)n * sizeof(double));
    svcmpy_array_release(&a);
    return n;
}

/* Edges from an RfmEdges-like object (attributes recency, frequency,
 * monetary) or a sequence of three sequences. */
static int parse_edges(PyObject *module, PyObject *obj, svcm_rfm_edges *out)
{
    memset(out, 0, sizeof *out);
    static const char *const names[3] = {"recency_edges", "frequency_edges", "monetary_edges"};
    static const char *const attrs[3] = {"recency", "frequency", "monetary"};
    double *dst[3] = {out->recency, out->frequency, out->monetary};
    Py_ssize_t len[3];
    int by_key = PyDict_Check(obj);
    int by_attr = !by_key && PyObject_HasAttrString(obj, "recency");
    if (!by_key && !by_attr && (!PySequence_Check(obj) || PySequence_Size(obj) != 3)) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError, "edges: expected RfmEdges, a dict with keys recency, "
                                         "frequency, monetary, or three sequences");
        return -1;
    }
    for (int i = 0; i < 3; i++) {
        PyObject *col;
        if (by_key) {
            col = PyDict_GetItemString(obj, attrs[i]); /* borrowed */
            if (col == NULL) {
                PyErr_Format(PyExc_TypeError, "edges: missing key '%s'", attrs[i]);
                return -1;
            }
            Py_INCREF(col);
        } else {
            col = by_attr ? PyObject_GetAttrString(obj, attrs[i]) : PySequence_GetItem(obj, i);
        }
        if (col == NULL)
            return -1;
        len[i] = read_edge_column(module, col, names[i], dst[i]);
        Py_DECREF(col);
        if (len[i] < 0)
            return -1;
    }
    if (len[1] != len[0] || len[2] != len[0]) {
        svcmpy_raise_field(module, SVCM_EINVAL, "edges", "recency, frequency and monetary need the same number of edges");
        return -1;
    }
    out->bins = (int)len[0] + 1;
    svcm_error err;
    int rc = svcm_rfm_edges_check(out, &err);
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        return -1;
    }
    return 0;
}

/* The customer columns of a call, with their buffers. */
typedef struct columns {
    svcmpy_array a[5]; /* recency, frequency, monetary, tenure, p_alive */
    svcm_customers view;
} columns;

static void columns_release(columns *c)
{
    for (int i = 0; i < 5; i++)
        svcmpy_array_release(&c->a[i]);
}

static int columns_read(PyObject *module, columns *c, PyObject *r, PyObject *f, PyObject *m,
                        PyObject *t, PyObject *p)
{
    memset(c, 0, sizeof *c);
    PyObject *objs[5] = {r, f, m, t, p};
    static const char *const names[5] = {"recency", "frequency", "monetary", "tenure", "p_alive"};
    for (int i = 0; i < 5; i++) {
        if (i >= 3 && (objs[i] == NULL || objs[i] == Py_None))
            continue; /* tenure and p_alive are optional */
        if (svcmpy_doubles(objs[i], &c->a[i], names[i]) < 0) {
            columns_release(c);
            return -1;
        }
        if (i > 0 && c->a[i].n != c->a[0].n) {
            char msg[96];
            snprintf(msg, sizeof msg, "%s has %zd values but recency has %zd", names[i],
                     c->a[i].n, c->a[0].n);
            columns_release(c);
            svcmpy_raise_field(module, SVCM_EINVAL, names[i], msg);
            return -1;
        }
    }
    c->view.n = (size_t)c->a[0].n;
    c->view.recency = c->a[0].data;
    c->view.frequency = c->a[1].data;
    c->view.monetary = c->a[2].data;
    c->view.tenure = c->a[3].data;
    c->view.p_alive = c->a[4].data;
    return 0;
}

static int check_bins(PyObject *module, int bins)
{
    if (bins < SVCM_RFM_MIN_BINS || bins > SVCM_RFM_MAX_BINS) {
        svcmpy_raise_field(module, SVCM_EINVAL, "bins", "bins must be in 2..10");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ Policy */

typedef struct PolicyObject {
    PyObject_HEAD
    svcm_segment_options p;
} PolicyObject;

/* The Policy attributes, in the order of the text form. */
static const struct {
    const char *name;
    int is_int;
    size_t offset;
    const char *doc;
} policy_keys[] = {
    {"bins", 1, offsetof(svcm_segment_options, bins), "RFM bins k (2..10); default 5"},
    {"churn_days", 0, offsetof(svcm_segment_options, churn_days),
     "LOST when recency > churn_days; default 180"},
    {"p_alive_min", 0, offsetof(svcm_segment_options, p_alive_min),
     "LOST when p_alive < p_alive_min; default 0.2"},
    {"new_tenure_days", 0, offsetof(svcm_segment_options, new_tenure_days),
     "POTENTIAL when tenure < new_tenure_days; default 90"},
    {"new_max_frequency", 0, offsetof(svcm_segment_options, new_max_frequency),
     "POTENTIAL when frequency <= new_max_frequency; default 1"},
    {"vip_active_days", 0, offsetof(svcm_segment_options, vip_active_days),
     "VIP needs recency <= vip_active_days; default 90"},
    {"vip_m_top_scores", 1, offsetof(svcm_segment_options, vip_m_top_scores),
     "VIP when M is among the top this many scores; default 1"},
    {"vip_min_monetary", 0, offsetof(svcm_segment_options, vip_min_monetary),
     "VIP when monetary >= vip_min_monetary; default inf (off)"},
    {"key_weight_r", 0, offsetof(svcm_segment_options, key_weight_r), "weight of R; default 1"},
    {"key_weight_f", 0, offsetof(svcm_segment_options, key_weight_f), "weight of F; default 1"},
    {"key_weight_m", 0, offsetof(svcm_segment_options, key_weight_m), "weight of M; default 1"},
    {"key_min_score", 0, offsetof(svcm_segment_options, key_min_score),
     "KEY when the weighted mean RFM score >= key_min_score; default 4"},
};
#define NPOLICY_KEYS (sizeof policy_keys / sizeof policy_keys[0])

static PyObject *policy_get(PyObject *self, void *closure)
{
    size_t k = (size_t)(uintptr_t)closure;
    const char *base = (const char *)&((PolicyObject *)self)->p + policy_keys[k].offset;
    if (policy_keys[k].is_int) {
        int v;
        memcpy(&v, base, sizeof v);
        return PyLong_FromLong(v);
    }
    double v;
    memcpy(&v, base, sizeof v);
    return PyFloat_FromDouble(v);
}

/* Set key k of p from a Python number (no range check). */
static int policy_set_value(svcm_segment_options *p, size_t k, PyObject *value)
{
    char *base = (char *)p + policy_keys[k].offset;
    if (policy_keys[k].is_int) {
        if (!PyLong_Check(value)) {
            PyErr_Format(PyExc_TypeError, "%s: expected an int", policy_keys[k].name);
            return -1;
        }
        int overflow = 0;
        long v = PyLong_AsLongAndOverflow(value, &overflow);
        if (v == -1 && PyErr_Occurred())
            return -1;
        if (overflow || v < -1000000 || v > 1000000)
            v = 1000000; /* out of every valid range: refused by the check */
        int iv = (int)v;
        memcpy(base, &iv, sizeof iv);
        return 0;
    }
    double v = PyFloat_AsDouble(value);
    if (v == -1.0 && PyErr_Occurred())
        return -1;
    memcpy(base, &v, sizeof v);
    return 0;
}

static int policy_set(PyObject *self, PyObject *value, void *closure)
{
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "Policy attributes cannot be deleted");
        return -1;
    }
    size_t k = (size_t)(uintptr_t)closure;
    PolicyObject *po = (PolicyObject *)self;
    svcm_segment_options p = po->p;
    if (policy_set_value(&p, k, value) < 0)
        return -1;
    svcm_error err;
    int rc = svcm_segment_options_check(&p, &err);
    if (rc != SVCM_OK) {
        svcmpy_raise_type(Py_TYPE(self), rc, &err);
        return -1;
    }
    po->p = p;
    return 0;
}

/* Filled from policy_keys by svcmpy_init_segment. */
static PyGetSetDef policy_getset[NPOLICY_KEYS + 1];

static PyObject *policy_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    if (PyTuple_GET_SIZE(args) != 0) {
        PyErr_SetString(PyExc_TypeError, "Policy() takes keyword arguments only");
        return NULL;
    }
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    if (kwargs != NULL) {
        PyObject *key, *value;
        Py_ssize_t pos = 0;
        while (PyDict_Next(kwargs, &pos, &key, &value)) {
            size_t k;
            for (k = 0; k < NPOLICY_KEYS; k++)
                if (PyUnicode_CompareWithASCIIString(key, policy_keys[k].name) == 0)
                    break;
            if (k == NPOLICY_KEYS) {
                PyErr_Format(PyExc_TypeError, "Policy() got an unexpected keyword argument '%U'",
                             key);
                return NULL;
            }
            if (policy_set_value(&p, k, value) < 0)
                return NULL;
        }
    }
    svcm_error err;
    int rc = svcm_segment_options_check(&p, &err);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(type, rc, &err);
    PolicyObject *self = (PolicyObject *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    self->p = p;
    return (PyObject *)self;
}

static void policy_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

PyDoc_STRVAR(policy_from_text_doc,
             "from_text(text: str) -> Policy\n\n"
             "Read 'key = value' lines ('#' comments, blank lines allowed); unknown\n"
             "keys and non-numbers raise FormatError, values out of range\n"
             "InvalidInput; the exception's index is the 1-based line and its field\n"
             "the key.");
static PyObject *policy_from_text(PyObject *cls, PyObject *arg)
{
    Py_ssize_t len;
    const char *text = PyUnicode_AsUTF8AndSize(arg, &len);
    if (text == NULL)
        return NULL;
    svcm_segment_options p;
    svcm_error err;
    int rc = svcm_segment_options_parse(text, (size_t)len, &p, &err);
    if (rc != SVCM_OK)
        return svcmpy_raise_type((PyTypeObject *)cls, rc, &err);
    PyTypeObject *type = (PyTypeObject *)cls;
    PolicyObject *self = (PolicyObject *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    self->p = p;
    return (PyObject *)self;
}

PyDoc_STRVAR(policy_to_text_doc,
             "to_text() -> str\n\nEvery key as 'key = value' lines; from_text() reads it back "
             "to an equal Policy.");
static PyObject *policy_to_text(PyObject *self, PyObject *unused)
{
    const svcm_segment_options *p = &((PolicyObject *)self)->p;
    size_t len = 0;
    int rc = svcm_segment_options_format(p, NULL, 0, &len);
    if (rc != SVCM_ENOSPC)
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    char *buf = PyMem_Malloc(len + 1);
    if (buf == NULL)
        return PyErr_NoMemory();
    rc = svcm_segment_options_format(p, buf, len + 1, &len);
    PyObject *s = rc == SVCM_OK ? PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len)
                                : svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    PyMem_Free(buf);
    return s;
}

static bool policy_equal(const svcm_segment_options *a, const svcm_segment_options *b)
{
    for (size_t k = 0; k < NPOLICY_KEYS; k++) {
        const char *pa = (const char *)a + policy_keys[k].offset;
        const char *pb = (const char *)b + policy_keys[k].offset;
        if (memcmp(pa, pb, policy_keys[k].is_int ? sizeof(int) : sizeof(double)) != 0)
            return false;
    }
    return true;
}

static PyObject *policy_richcompare(PyObject *a, PyObject *b, int op)
{
    if ((op != Py_EQ && op != Py_NE) || Py_TYPE(b) != Py_TYPE(a))
        Py_RETURN_NOTIMPLEMENTED;
    bool eq = policy_equal(&((PolicyObject *)a)->p, &((PolicyObject *)b)->p);
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static PyObject *policy_repr(PyObject *self)
{
    const svcm_segment_options *p = &((PolicyObject *)self)->p;
    char buf[160];
    snprintf(buf, sizeof buf, "svcm.Policy(bins=%d, churn_days=%g, key_min_score=%g, ...)",
             p->bins, p->churn_days, p->key_min_score);
    return PyUnicode_FromString(buf);
}

static PyMethodDef policy_methods[] = {
    {"from_text", policy_from_text, METH_O | METH_CLASS, policy_from_text_doc},
    {"to_text", policy_to_text, METH_NOARGS, policy_to_text_doc},
    SVCMPY_REDUCE_METHOD,
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(policy_doc,
             "Policy(**thresholds)\n\n"
             "The five-tier rules, tried in order: LOST (recency > churn_days, or\n"
             "p_alive < p_alive_min), POTENTIAL (tenure < new_tenure_days, or\n"
             "frequency <= new_max_frequency), VIP (recency <= vip_active_days and\n"
             "M score in the top vip_m_top_scores, or monetary >= vip_min_monetary),\n"
             "KEY (weighted mean RFM score >= key_min_score), REGULAR. Keywords set\n"
             "thresholds; values out of range raise InvalidInput naming the field.\n"
             "Policies compare equal when every threshold is equal.");

static PyType_Slot policy_slots[] = {
    {Py_tp_new, policy_new},
    {Py_tp_dealloc, policy_dealloc},
    {Py_tp_methods, policy_methods},
    {Py_tp_getset, policy_getset},
    {Py_tp_richcompare, policy_richcompare},
    {Py_tp_repr, policy_repr},
    {Py_tp_doc, (void *)policy_doc},
    {Py_tp_hash, PyObject_HashNotImplemented},
    {0, NULL},
};

static PyType_Spec policy_spec = {"svcm.Policy", sizeof(PolicyObject), 0, Py_TPFLAGS_DEFAULT,
                                  policy_slots};

/* The policy argument: None (defaults) or a Policy. */
static int get_policy(PyObject *module, PyObject *obj, svcm_segment_options *out)
{
    if (obj == NULL || obj == Py_None) {
        svcm_segment_options_init(out);
        return 0;
    }
    PyObject *type = svcmpy_engine_item(module, SVCMPY_SEGMENT, SEG_POLICY);
    if (type == NULL)
        return -1;
    int is = PyObject_IsInstance(obj, type);
    if (is < 0)
        return -1;
    if (!is) {
        PyErr_Format(PyExc_TypeError, "policy: expected svcm.Policy or None, got %s",
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    *out = ((PolicyObject *)obj)->p;
    return 0;
}

/* ------------------------------------------------------------ functions */

PyDoc_STRVAR(rfm_edges_doc,
             "rfm_edges(values, bins=5, sorted=False) -> tuple[float, ...]\n\n"
             "The bins - 1 quantile edges of one column: edge j is the order statistic\n"
             "x_(ceil(n j / bins)) (Hyndman-Fan definition 1). Pass a sample to fit\n"
             "from a sample; sorted=True reads already sorted values in O(bins).");
static PyObject *py_rfm_edges(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"values", "bins", "sorted", NULL};
    PyObject *values;
    int bins = 5, is_sorted = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|ip:rfm_edges", kwlist, &values, &bins,
                                     &is_sorted))
        return NULL;
    if (check_bins(module, bins) < 0)
        return NULL;
    svcmpy_array a;
    if (svcmpy_doubles(values, &a, "values") < 0)
        return NULL;
    double e[SVCM_RFM_MAX_BINS - 1];
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = is_sorted ? svcm_rfm_sorted_edges(a.data, (size_t)a.n, bins, e, &err)
                   : svcm_rfm_column_edges(a.data, (size_t)a.n, bins, NULL, e, &err);
    Py_END_ALLOW_THREADS
    svcmpy_array_release(&a);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, &err);
    return number_tuple(e, NULL, bins - 1);
}

PyDoc_STRVAR(rfm_scores_doc,
             "rfm_scores(recency, frequency, monetary, bins=5, edges=None) -> RfmScores\n\n"
             "Score each customer 1..bins on R (most recent highest), F and M. Edges\n"
             "are fitted from the population unless given (an RfmEdges, or three\n"
             "sequences of bins - 1 non-decreasing numbers). A value on an edge takes\n"
             "the lower bin; equal values always get equal scores. Results r, f, m\n"
             "are svcm.Column ('B'); bins is ignored when edges are given.");
static PyObject *py_rfm_scores(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"recency", "frequency", "monetary", "bins", "edges", NULL};
    PyObject *r, *f, *m, *edges_obj = Py_None;
    int bins = 5;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO|iO:rfm_scores", kwlist, &r, &f, &m,
                                     &bins, &edges_obj))
        return NULL;
    svcm_rfm_edges e;
    int fit = edges_obj == Py_None;
    if (fit ? check_bins(module, bins) < 0 : parse_edges(module, edges_obj, &e) < 0)
        return NULL;
    columns c;
    if (columns_read(module, &c, r, f, m, NULL, NULL) < 0)
        return NULL;
    size_t n = c.view.n;
    uint8_t *out[3];
    if (outputs_alloc(out, 3, n) < 0) {
        columns_release(&c);
        return NULL;
    }
    svcm_error err;
    int rc = SVCM_OK;
    Py_BEGIN_ALLOW_THREADS
    if (fit)
        rc = svcm_rfm_fit(&c.view, bins, NULL, &e, &err);
    if (rc == SVCM_OK)
        rc = svcm_rfm_score(&c.view, &e, out[0], out[1], out[2], &err);
    Py_END_ALLOW_THREADS
    columns_release(&c);
    if (rc != SVCM_OK) {
        outputs_free(out, 3);
        return svcmpy_raise(module, rc, &err);
    }
    PyObject *items[4];
    if (outputs_columns(module, out, 3, n, items) < 0)
        return NULL;
    items[3] = make_edges(module, &e);
    return make_struct(module, SEG_SCORES, items, 4);
}

/* threads= of segment(), segment_records() and migration():
 * 1..SVCM_SEGMENT_MAX_THREADS, else InvalidError naming "threads". */
static int check_threads(PyObject *module, Py_ssize_t threads)
{
    if (threads >= 1 && threads <= SVCM_SEGMENT_MAX_THREADS)
        return 0;
    char msg[96];
    snprintf(msg, sizeof msg, "threads must be in 1..%d, got %zd", SVCM_SEGMENT_MAX_THREADS,
             threads);
    svcmpy_raise_field(module, SVCM_EINVAL, "threads", msg);
    return -1;
}

PyDoc_STRVAR(segment_doc,
             "segment(recency, frequency, monetary, tenure=None, policy=None, p_alive=None,\n"
             "        edges=None, *, threads=1) -> Segmentation\n\n"
             "Tier every customer under a Policy (default Policy()). tiers are ints\n"
             "0..4 in the order VIP, KEY, REGULAR, POTENTIAL, LOST; reasons are the\n"
             "rule codes (names in SEGMENT_REASON_NAMES); both, and the scores r, f, m, are\n"
             "svcm.Column ('B': numpy.asarray and memoryview share the memory). Edges\n"
             "are fitted with policy.bins unless given (an empty population then raises\n"
             "EmptyError); reason_names[code] names a reason.\n"
             "threads (1..64) runs the checks, the edge fit and the tiering on that\n"
             "many threads (svcm_segment_run), with the GIL released; the results are\n"
             "bit for bit those of one thread. The default is 1, as in the C library:\n"
             "a library call should not take every core of a process that may run it\n"
             "from several threads, pool workers or Dask tasks at once (the GIL is\n"
             "released, so such calls already run in parallel); pass\n"
             "threads=len(os.sched_getaffinity(0)) for one large population.");
/* Check, fit (unless edges are given) and tier the customers of a view;
 * returns a Segmentation, or NULL with an exception set. */
static PyObject *segment_view(PyObject *module, const svcm_customers *view,
                              const svcm_segment_options *p, int fit, svcm_rfm_edges *e,
                              unsigned threads)
{
    size_t n = view->n;
    uint8_t *out[5];
    if (outputs_alloc(out, 5, n) < 0)
        return NULL;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    /* The policy is checked first, so that a bad one is named before any
     * fitting; then the records, once, and the fit unless edges are given. */
    svcm_segment_run_options run;
    svcm_segment_run_options_init(&run);
    run.threads = threads;
    rc = svcm_segment_run(view, p, fit ? NULL : e, &run, NULL, out[0], out[1], out[2], out[3],
                          out[4], e, &err);
    Py_END_ALLOW_THREADS
    if (rc != SVCM_OK) {
        outputs_free(out, 5);
        return svcmpy_raise(module, rc, &err);
    }
    return segmentation(module, out, n, e);
}

static PyObject *py_segment(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"recency", "frequency", "monetary", "tenure", "policy",
                             "p_alive", "edges", "threads", NULL};
    PyObject *r, *f, *m, *t = Py_None, *pol = Py_None, *pa = Py_None, *edges_obj = Py_None;
    Py_ssize_t threads = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO|OOOO$n:segment", kwlist, &r, &f, &m, &t,
                                     &pol, &pa, &edges_obj, &threads))
        return NULL;
    if (check_threads(module, threads) < 0)
        return NULL;
    svcm_segment_options p;
    if (get_policy(module, pol, &p) < 0)
        return NULL;
    svcm_rfm_edges e;
    int fit = edges_obj == Py_None;
    if (!fit && parse_edges(module, edges_obj, &e) < 0)
        return NULL;
    columns c;
    if (columns_read(module, &c, r, f, m, t, pa) < 0)
        return NULL;
    PyObject *res = segment_view(module, &c.view, &p, fit, &e, (unsigned)threads);
    columns_release(&c);
    return res;
}

/* A number field of a record; *present = 0 for None when optional. */
static int record_number(PyObject *rec, Py_ssize_t i, Py_ssize_t idx, const char *name,
                         int optional, double *out, int *present)
{
    PyObject *item = PySequence_Fast_GET_ITEM(rec, i);
    if (optional && item == Py_None) {
        *present = 0;
        return 0;
    }
    int rc = svcmpy_as_double(item, out);
    if (rc != 0) {
        if (rc > 0)
            PyErr_Format(PyExc_TypeError, "records[%zd].%s: expected a number", idx, name);
        return -1;
    }
    *present = 1;
    return 0;
}

PyDoc_STRVAR(segment_records_doc,
             "segment_records(records, policy=None, edges=None, *, threads=1)\n"
             "    -> Segmentation\n\n"
             "Like segment(), for records (id, recency, frequency, monetary[, tenure\n"
             "[, p_alive]]) where tenure and p_alive may be None per record (unknown\n"
             "for that customer only). Results are in record order.");
static PyObject *py_segment_records(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"records", "policy", "edges", "threads", NULL};
    PyObject *recs_obj, *pol = Py_None, *edges_obj = Py_None;
    Py_ssize_t threads = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|OO$n:segment_records", kwlist, &recs_obj,
                                     &pol, &edges_obj, &threads))
        return NULL;
    if (check_threads(module, threads) < 0)
        return NULL;
    svcm_segment_options p;
    if (get_policy(module, pol, &p) < 0)
        return NULL;
    svcm_rfm_edges e;
    int fit = edges_obj == Py_None;
    if (!fit && parse_edges(module, edges_obj, &e) < 0)
        return NULL;
    /* Tuples, not PySequence_Fast: for a list that is the list itself, and
     * an item's __float__ that empties it would leave the loop reading past
     * its end (a tuple snapshot holds its items). */
    PyObject *seq = PySequence_Tuple(recs_obj);
    if (seq == NULL) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            PyErr_SetString(PyExc_TypeError, "records: expected a sequence of records");
        }
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    svcm_customer_record *recs = PyMem_Malloc((size_t)n * sizeof *recs + 1);
    PyObject *res = NULL;
    if (recs == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *rec = PySequence_Tuple(PySequence_Fast_GET_ITEM(seq, i));
        if (rec == NULL || PySequence_Fast_GET_SIZE(rec) < 4 || PySequence_Fast_GET_SIZE(rec) > 6) {
            Py_XDECREF(rec);
            if (rec == NULL && !PyErr_ExceptionMatches(PyExc_TypeError))
                goto done; /* raised by the record's own __iter__ */
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError,
                         "records[%zd]: expected (id, recency, frequency, monetary[, tenure"
                         "[, p_alive]])", i);
            goto done;
        }
        Py_ssize_t len = PySequence_Fast_GET_SIZE(rec);
        svcm_customer_record *c = &recs[i];
        memset(c, 0, sizeof *c);
        int present = 0, bad = svcmpy_as_int64(PySequence_Fast_GET_ITEM(rec, 0), &c->id);
        if (bad > 0)
            PyErr_Format(PyExc_TypeError, "records[%zd].id: expected an int64", i);
        bad = bad || record_number(rec, 1, i, "recency", 0, &c->recency, &present) < 0 ||
              record_number(rec, 2, i, "frequency", 0, &c->frequency, &present) < 0 ||
              record_number(rec, 3, i, "monetary", 0, &c->monetary, &present) < 0;
        if (!bad && len > 4) {
            bad = record_number(rec, 4, i, "tenure", 1, &c->tenure, &present) < 0;
            if (present)
                c->flags |= SVCM_CUSTOMER_HAS_TENURE;
        }
        if (!bad && len > 5) {
            bad = record_number(rec, 5, i, "p_alive", 1, &c->p_alive, &present) < 0;
            if (present)
                c->flags |= SVCM_CUSTOMER_HAS_P_ALIVE;
        }
        Py_DECREF(rec);
        if (bad)
            goto done;
    }
    svcm_customers view;
    int rc = svcm_customers_from_records(recs, (size_t)n, &view);
    res = rc == SVCM_OK ? segment_view(module, &view, &p, fit, &e, (unsigned)threads) : svcmpy_raise(module, rc, NULL);
done:
    PyMem_Free(recs);
    Py_DECREF(seq);
    return res;
}

PyDoc_STRVAR(rfm_fit_doc,
             "rfm_fit(recency, frequency, monetary, bins=5) -> RfmEdges\n\n"
             "Fit quantile edges of the three measures (see rfm_edges) to store and\n"
             "pass back later as edges=.");
static PyObject *py_rfm_fit(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"recency", "frequency", "monetary", "bins", NULL};
    PyObject *r, *f, *m;
    int bins = 5;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO|i:rfm_fit", kwlist, &r, &f, &m, &bins))
        return NULL;
    if (check_bins(module, bins) < 0)
        return NULL;
    columns c;
    if (columns_read(module, &c, r, f, m, NULL, NULL) < 0)
        return NULL;
    svcm_rfm_edges e;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_rfm_fit(&c.view, bins, NULL, &e, &err);
    Py_END_ALLOW_THREADS
    columns_release(&c);
    return rc == SVCM_OK ? make_edges(module, &e) : svcmpy_raise(module, rc, &err);
}

/* Bytes 0..255 (tiers, scores) from a buffer or a sequence of ints: data
 * points into the buffer (zero-copy for array('B'), bytes) or into a PyMem
 * copy in owned. */
typedef struct small_ints {
    Py_buffer view;
    int has_view;
    uint8_t *owned;
    const uint8_t *data;
    Py_ssize_t n;
} small_ints;

static int small_read(PyObject *obj, const char *name, small_ints *s)
{
    memset(s, 0, sizeof *s);
    Py_buffer *view = &s->view;
    if (PyObject_CheckBuffer(obj) && PyObject_GetBuffer(obj, view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) == 0) {
        const char *fmt = view->format ? view->format : "B";
        if (view->itemsize == 1 && (strcmp(fmt, "B") == 0 || strcmp(fmt, "b") == 0 ||
                                    strcmp(fmt, "c") == 0) && view->ndim <= 1) {
            s->has_view = 1;
            s->data = view->buf;
            s->n = view->len;
            return 0;
        }
        PyBuffer_Release(view);
    }
    PyErr_Clear();
    svcmpy_array a;
    if (svcmpy_int64s(obj, &a, name) < 0)
        return -1;
    s->owned = PyMem_Malloc((size_t)a.n + 1);
    if (s->owned == NULL) {
        svcmpy_array_release(&a);
        PyErr_NoMemory();
        return -1;
    }
    const int64_t *v = a.data;
    for (Py_ssize_t i = 0; i < a.n; i++) {
        if (v[i] < 0 || v[i] > 255) {
            long long bad = (long long)v[i];
            svcmpy_array_release(&a);
            PyMem_Free(s->owned);
            s->owned = NULL;
            PyErr_Format(PyExc_ValueError, "%s[%zd]: %lld is not a small non-negative int", name,
                         i, bad);
            return -1;
        }
        s->owned[i] = (uint8_t)v[i];
    }
    s->n = a.n;
    s->data = s->owned;
    svcmpy_array_release(&a);
    return 0;
}

/* Field `name` of obj when obj is a Segmentation (new reference), else NULL
 * (an exception is set only on a real failure). */
static PyObject *segmentation_field(PyObject *module, PyObject *obj, const char *name)
{
    PyObject *type = svcmpy_engine_item(module, SVCMPY_SEGMENT, SEG_RESULT);
    if (type == NULL || !PyObject_TypeCheck(obj, (PyTypeObject *)type))
        return NULL;
    return PyObject_GetAttrString(obj, name);
}

/* small_read() of a tiers argument that may also be a whole Segmentation. */
static int tiers_read(PyObject *module, PyObject *obj, const char *name, small_ints *s)
{
    PyObject *t = segmentation_field(module, obj, "tiers");
    if (t == NULL && PyErr_Occurred())
        return -1;
    int rc = small_read(t ? t : obj, name, s); /* a view keeps its exporter alive */
    Py_XDECREF(t);
    return rc;
}

static void small_release(small_ints *s)
{
    if (s->has_view)
        PyBuffer_Release(&s->view);
    s->has_view = 0;
    PyMem_Free(s->owned);
    s->owned = NULL;
}

PyDoc_STRVAR(tier_summary_doc,
             "tier_summary(tiers, recency, frequency, monetary, r=None, f=None, m=None)\n"
             "    -> tuple[TierSummary, ...]\n\n"
             "Per tier (index = tier): count, customer share, monetary total and share,\n"
             "mean recency, frequency and monetary, and mean R/F/M scores when r, f\n"
             "and m are given (NaN otherwise, and for empty tiers). tiers may be a\n"
             "whole Segmentation: its tiers, and its scores unless r, f, m are given.");
static PyObject *py_tier_summary(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"tiers", "recency", "frequency", "monetary", "r", "f", "m", NULL};
    PyObject *to, *ro, *fo, *mo, *so[3] = {Py_None, Py_None, Py_None};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOO|OOO:tier_summary", kwlist, &to, &ro, &fo,
                                     &mo, &so[0], &so[1], &so[2]))
        return NULL;
    static const char *const snames[3] = {"r", "f", "m"};
    small_ints tiers, sc[3];
    memset(sc, 0, sizeof sc);
    columns c;
    if (columns_read(module, &c, ro, fo, mo, NULL, NULL) < 0)
        return NULL;
    PyObject *res = NULL;
    if (tiers_read(module, to, "tiers", &tiers) < 0) {
        columns_release(&c);
        return NULL;
    }
    int nsc = 0;
    for (int i = 0; i < 3; i++) {
        /* Scores default to those of a Segmentation passed as tiers. */
        PyObject *own = so[i] == Py_None ? segmentation_field(module, to, snames[i]) : NULL;
        if (own == NULL && PyErr_Occurred())
            goto done;
        if (own == NULL && so[i] == Py_None)
            continue;
        int rc = small_read(own ? own : so[i], snames[i], &sc[i]);
        Py_XDECREF(own);
        if (rc < 0)
            goto done;
        nsc++;
        if (sc[i].n != tiers.n) {
            svcmpy_raise_field(module, SVCM_EINVAL, snames[i], "scores and tiers differ in length");
            goto done;
        }
    }
    if (tiers.n != (Py_ssize_t)c.view.n) {
        svcmpy_raise_field(module, SVCM_EINVAL, "tiers", "tiers and recency differ in length");
        goto done;
    }
    svcm_tier_summary s[SVCM_TIER_COUNT];
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_segment_summarize(&c.view, tiers.data, nsc ? sc[0].data : NULL,
                                nsc ? sc[1].data : NULL, nsc ? sc[2].data : NULL, s, &err);
    Py_END_ALLOW_THREADS
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        goto done;
    }
    res = PyTuple_New(SVCM_TIER_COUNT);
    if (res == NULL)
        goto done;
    for (int t = 0; t < SVCM_TIER_COUNT; t++) {
        struct seg_tier_row row = {t, s[t]};
        PyObject *o = svcmpy_rec_TierSummary(module, &row);
        if (o == NULL) {
            Py_CLEAR(res);
            goto done;
        }
        PyTuple_SET_ITEM(res, t, o);
    }
done:
    small_release(&tiers);
    for (int i = 0; i < 3; i++)
        small_release(&sc[i]);
    columns_release(&c);
    return res;
}

PyDoc_STRVAR(migration_doc,
             "migration(old_ids, old_tiers, new_ids, new_tiers, *, threads=1) -> Migration\n\n"
             "Match two snapshots by id: counts[old][new] for customers in both,\n"
             "arrived[new] for ids only in the new snapshot, gone[old] for ids only\n"
             "in the old one. A repeated id raises InvalidInput with the index of\n"
             "its first repeat and field 'old_ids' or 'new_ids'. The tiers may be\n"
             "whole Segmentation results.\n"
             "threads (1..64; else InvalidInput, field 'threads') runs the join on\n"
             "that many threads (svcm_segment_migration_run), with the GIL released:\n"
             "ids that are not dense (a hashed join) are split into parts of at least\n"
             "1024 rows; the counts and the repeated id reported are those of one\n"
             "thread, bit for bit. The default is 1, as for segment().");
static PyObject *py_migration(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"old_ids", "old_tiers", "new_ids", "new_tiers", "threads", NULL};
    PyObject *oi, *ot, *ni, *nt;
    Py_ssize_t threads = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOO|$n:migration", kwlist, &oi, &ot, &ni,
                                     &nt, &threads))
        return NULL;
    if (check_threads(module, threads) < 0)
        return NULL;
    svcmpy_array oid, nid;
    small_ints otr, ntr;
    memset(&otr, 0, sizeof otr);
    memset(&ntr, 0, sizeof ntr);
    memset(&nid, 0, sizeof nid);
    PyObject *res = NULL;
    if (svcmpy_int64s(oi, &oid, "old_ids") < 0)
        return NULL;
    if (svcmpy_int64s(ni, &nid, "new_ids") < 0 || tiers_read(module, ot, "old_tiers", &otr) < 0 ||
        tiers_read(module, nt, "new_tiers", &ntr) < 0)
        goto done;
    if (otr.n != oid.n || ntr.n != nid.n) {
        svcmpy_raise_field(module, SVCM_EINVAL, otr.n != oid.n ? "old_tiers" : "new_tiers",
                "ids and tiers differ in length");
        goto done;
    }
    svcm_migration mg;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    svcm_segment_run_options run;
    svcm_segment_run_options_init(&run);
    run.threads = (unsigned)threads;
    rc = svcm_segment_migration_run(oid.data, otr.data, (size_t)oid.n, nid.data, ntr.data,
                                    (size_t)nid.n, &run, NULL, &mg, &err);
    Py_END_ALLOW_THREADS
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        goto done;
    }
    PyObject *counts = PyTuple_New(SVCM_TIER_COUNT);
    if (counts != NULL) {
        for (int t = 0; t < SVCM_TIER_COUNT; t++) {
            PyObject *row = number_tuple(NULL, mg.counts[t], SVCM_TIER_COUNT);
            if (row == NULL) {
                Py_CLEAR(counts);
                break;
            }
            PyTuple_SET_ITEM(counts, t, row);
        }
    }
    PyObject *items[3] = {counts, number_tuple(NULL, mg.arrived, SVCM_TIER_COUNT),
                          number_tuple(NULL, mg.gone, SVCM_TIER_COUNT)};
    res = make_struct(module, SEG_MIGRATION, items, 3);
done:
    svcmpy_array_release(&oid);
    svcmpy_array_release(&nid);
    small_release(&otr);
    small_release(&ntr);
    return res;
}

PyDoc_STRVAR(days_since_doc,
             "days_since(instants, as_of) -> array('d')\n\n"
             "(as_of - t) / 86400 for each Unix-seconds instant t: recency from the\n"
             "last activity, tenure from the first. An instant after as_of raises\n"
             "InvalidInput (field 'time').");
static PyObject *py_days_since(PyObject *module, PyObject *args)
{
    PyObject *obj;
    long long as_of;
    if (!PyArg_ParseTuple(args, "OL:days_since", &obj, &as_of))
        return NULL;
    svcmpy_array a;
    if (svcmpy_int64s(obj, &a, "instants") < 0)
        return NULL;
    double *out = PyMem_Malloc((size_t)a.n * sizeof(double) + 1);
    if (out == NULL) {
        svcmpy_array_release(&a);
        return PyErr_NoMemory();
    }
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_segment_days_since(a.data, (size_t)a.n, (int64_t)as_of, out, &err);
    Py_END_ALLOW_THREADS
    PyObject *res = rc == SVCM_OK ? double_array(module, out, (size_t)a.n)
                                  : svcmpy_raise(module, rc, &err);
    svcmpy_array_release(&a);
    PyMem_Free(out);
    return res;
}


/* ------------------------------------------------------------ types */

static PyStructSequence_Field edges_fields[] = {
    {"bins", "number of bins k"},
    {"recency", "k - 1 recency edges (days)"},
    {"frequency", "k - 1 frequency edges"},
    {"monetary", "k - 1 monetary edges"},
    {NULL, NULL},
};
static PyStructSequence_Desc edges_desc = {
    "svcm.RfmEdges", "RFM cut points; pass back as edges= to score with the same bins.",
    edges_fields, 4};

static PyStructSequence_Field scores_fields[] = {
    {"r", "recency scores, svcm.Column ('B'), most recent = bins"},
    {"f", "frequency scores, svcm.Column ('B')"},
    {"m", "monetary scores, svcm.Column ('B')"},
    {"edges", "the RfmEdges used"},
    {NULL, NULL},
};
static PyStructSequence_Desc scores_desc = {"svcm.RfmScores", "RFM scores 1..bins.",
                                            scores_fields, 4};

static PyStructSequence_Field result_fields[] = {
    {"tiers", "tiers 0..4 (VIP, KEY, REGULAR, POTENTIAL, LOST), svcm.Column ('B')"},
    {"reasons", "reason codes (see SEGMENT_REASON_NAMES), svcm.Column ('B')"},
    {"r", "recency scores, svcm.Column ('B')"},
    {"f", "frequency scores, svcm.Column ('B')"},
    {"m", "monetary scores, svcm.Column ('B')"},
    {"edges", "the RfmEdges used"},
    {"reason_names", "reason names by code: reason_names[reasons[i]]"},
    {NULL, NULL},
};
static PyStructSequence_Desc result_desc = {"svcm.Segmentation",
                                            "Tiers, reasons and RFM scores of a population.",
                                            result_fields, 7};

static PyStructSequence_Field migration_fields[] = {
    {"counts", "counts[old_tier][new_tier] for ids in both snapshots"},
    {"arrived", "ids only in the new snapshot, by new tier"},
    {"gone", "ids only in the old snapshot, by old tier"},
    {NULL, NULL},
};
static PyStructSequence_Desc migration_desc = {"svcm.Migration",
                                               "Tier migration between two snapshots.",
                                               migration_fields, 3};


/* ------------------------------------------------------ customer table */
/* The customer table (segment.h, "Customer table"): svcm.Customers owns an
 * svcm_customers table; its columns are read-only memoryviews of the
 * library-owned memory, each holding a reference to the table through a
 * small exporter object, so numpy.asarray(c.recency) shares the memory and
 * the table lives as long as any view of it. */

static const char *const cu_unit_names[SVCM_TIME_UNIT_COUNT] = {"day", "week", "second"};

/* Columns in the order of the SVCM_CUSTOMERS_COLUMN_* bits (bit k). */
static const char *const cu_col_names[10] = {"id", "recency", "frequency", "monetary", "tenure",
                                              "p_alive", "x", "t_x", "T", "mean_repeat_spend"};

static const void *cu_column(const svcm_customers *c, int k)
{
    const void *cols[10] = {c->id, c->recency, c->frequency, c->monetary, c->tenure,
                            c->p_alive, c->x, c->t_x, c->T, c->mean_repeat_spend};
    return cols[k];
}

/* A unit name ("day", "week", "second") into *out; InvalidInput naming
 * `field` for another string, TypeError for a non-string. */
static int cu_unit(PyObject *module, PyObject *obj, const char *field, svcm_time_unit *out)
{
    if (!PyUnicode_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s: expected 'day', 'week' or 'second'", field);
        return -1;
    }
    for (int u = 0; u < SVCM_TIME_UNIT_COUNT; u++)
        if (PyUnicode_CompareWithASCIIString(obj, cu_unit_names[u]) == 0) {
            *out = (svcm_time_unit)u;
            return 0;
        }
    if (PyErr_Occurred())
        return -1;
    svcmpy_raise_field(module, SVCM_EINVAL, field, "unknown time unit (expected 'day', 'week' or 'second')");
    return -1;
}

/* ---- column exporter: the buffer behind one column's memoryview */

typedef struct ColumnObject {
    PyObject_HEAD
    PyObject *owner; /* the Customers object whose memory this is */
    void *data;
    Py_ssize_t n;
    int is_id; /* int64 ids, else doubles */
} ColumnObject;

static int column_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    ColumnObject *c = (ColumnObject *)self;
    if (flags & PyBUF_WRITABLE) {
        PyErr_SetString(PyExc_BufferError, "customer columns are read-only");
        view->obj = NULL;
        return -1;
    }
    view->buf = c->data;
    view->obj = Py_NewRef(self);
    view->len = c->n * 8;
    view->readonly = 1;
    view->itemsize = 8;
    view->format = (flags & PyBUF_FORMAT) ? (c->is_id ? "q" : "d") : NULL;
    view->ndim = 1;
    view->shape = (flags & PyBUF_ND) ? &c->n : NULL;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? &view->itemsize : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    return 0;
}

static void column_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    Py_XDECREF(((ColumnObject *)self)->owner);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyType_Slot column_slots[] = {
    {Py_bf_getbuffer, column_getbuffer},
    {Py_tp_dealloc, column_dealloc},
    {Py_tp_doc, (void *)"The memory of one customer-table column (read through memoryview)."},
    {0, NULL},
};

static PyType_Spec column_spec = {"svcm._CustomersColumn", sizeof(ColumnObject), 0,
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
                                  column_slots};

/* ---- svcm.Customers */

typedef struct CustomersObject {
    PyObject_HEAD
    svcm_customers *c; /* owned (svcm_customers_new / _summarize); never NULL once made */
} CustomersObject;

static void customers_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    svcm_customers_free(((CustomersObject *)self)->c);
    tp->tp_free(self);
    Py_DECREF(tp);
}

/* A Customers object of type tp taking ownership of c (freed on failure). */
static PyObject *customers_wrap(PyTypeObject *tp, svcm_customers *c)
{
    CustomersObject *o = (CustomersObject *)tp->tp_alloc(tp, 0);
    if (o == NULL) {
        svcm_customers_free(c);
        return NULL;
    }
    o->c = c;
    return (PyObject *)o;
}

/* The memoryview of column k, or None when the table lacks it. */
static PyObject *customers_get(PyObject *self, void *closure)
{
    int k = (int)(intptr_t)closure;
    const svcm_customers *c = ((CustomersObject *)self)->c;
    const void *data = cu_column(c, k);
    if (data == NULL)
        Py_RETURN_NONE;
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    PyObject *tp = module ? svcmpy_engine_item(module, SVCMPY_SEGMENT, SEG_COLUMN)
                          : NULL;
    if (tp == NULL)
        return NULL;
    ColumnObject *col = PyObject_New(ColumnObject, (PyTypeObject *)tp);
    if (col == NULL)
        return NULL;
    col->owner = Py_NewRef(self);
    col->data = (void *)(uintptr_t)data; /* exported read-only */
    col->n = (Py_ssize_t)c->n;
    col->is_id = k == 0;
    PyObject *mv = PyMemoryView_FromObject((PyObject *)col);
    Py_DECREF(col);
    return mv;
}

static PyObject *customers_unit(PyObject *self, void *closure)
{
    return PyUnicode_FromString(cu_unit_names[((CustomersObject *)self)->c->unit]);
}

static Py_ssize_t customers_len(PyObject *self)
{
    return (Py_ssize_t)((CustomersObject *)self)->c->n;
}

static PyObject *customers_repr(PyObject *self)
{
    const svcm_customers *c = ((CustomersObject *)self)->c;
    return PyUnicode_FromFormat("svcm.Customers(n=%zd, unit='%s')", (Py_ssize_t)c->n,
                                cu_unit_names[c->unit]);
}

/* Read the columns given as keywords (objs[k] NULL or None: absent) into
 * a[]; *n the common length (0 when none), *bits which were given. */
static int cu_read_columns(PyObject *module, PyObject *const *objs, svcmpy_array *a,
                           size_t *n, unsigned *bits)
{
    int first = -1;
    *bits = 0;
    for (int k = 0; k < 10; k++) {
        if (objs[k] == NULL || objs[k] == Py_None)
            continue;
        int rc = k == 0 ? svcmpy_int64s(objs[k], &a[k], cu_col_names[k])
                        : svcmpy_doubles(objs[k], &a[k], cu_col_names[k]);
        if (rc < 0)
            return -1;
        *bits |= 1u << k;
        if (first < 0) {
            first = k;
        } else if (a[k].n != a[first].n) {
            char msg[120];
            snprintf(msg, sizeof msg, "%s has %zd values but %s has %zd", cu_col_names[k], a[k].n,
                     cu_col_names[first], a[first].n);
            svcmpy_raise_field(module, SVCM_EINVAL, cu_col_names[k], msg);
            return -1;
        }
    }
    *n = first < 0 ? 0 : (size_t)a[first].n;
    return 0;
}

PyDoc_STRVAR(customers_doc,
             "Customers(*, unit='day', id=None, recency=None, frequency=None, monetary=None,\n"
             "          tenure=None, p_alive=None, x=None, t_x=None, T=None,\n"
             "          mean_repeat_spend=None)\n--\n\n"
             "A customer table: the given columns (buffers or sequences of equal\n"
             "length) are copied into a table the library owns; absent ones are None.\n"
             "Times (recency, tenure, t_x, T) are in `unit` ('day', 'week' or\n"
             "'second'). Columns read back as read-only memoryviews of the table's\n"
             "memory ('q' for id, 'd' otherwise; numpy.asarray shares it).\n"
             "svcm.summarize_customers() builds one from transactions.");
static PyObject *customers_new(PyTypeObject *tp, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"unit", "id", "recency", "frequency", "monetary", "tenure", "p_alive",
                             "x", "t_x", "T", "mean_repeat_spend", NULL};
    PyObject *unit_obj = NULL, *o[10] = {NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|$OOOOOOOOOOO:Customers", kwlist, &unit_obj,
                                     &o[0], &o[1], &o[2], &o[3], &o[4], &o[5], &o[6], &o[7], &o[8],
                                     &o[9]))
        return NULL;
    PyObject *module = svcmpy_module_of_type(tp);
    if (module == NULL)
        return NULL;
    svcm_customers_options opts;
    svcm_customers_options_init(&opts);
    if (unit_obj != NULL && cu_unit(module, unit_obj, "unit", &opts.unit) < 0)
        return NULL;
    svcmpy_array a[10];
    memset(a, 0, sizeof a);
    PyObject *res = NULL;
    if (cu_read_columns(module, o, a, &opts.n, &opts.columns) == 0) {
        svcm_customers *c = NULL;
        svcm_error err;
        int rc = svcm_customers_new(&opts, NULL, &c, &err);
        if (rc != SVCM_OK) {
            svcmpy_raise(module, rc, &err);
        } else {
            for (int k = 0; k < 10; k++)
                if (opts.columns & (1u << k))
                    memcpy((void *)(uintptr_t)cu_column(c, k), a[k].data, opts.n * 8);
            res = customers_wrap(tp, c);
        }
    }
    for (int k = 0; k < 10; k++)
        svcmpy_array_release(&a[k]);
    return res;
}

static PyObject *customers_from_columns(PyObject *cls, PyObject *args, PyObject *kw)
{
    return customers_new((PyTypeObject *)cls, args, kw);
}

PyDoc_STRVAR(customers_segment_doc,
             "segment(policy=None, edges=None) -> Segmentation\n\n"
             "RFM scores and tiers of the table, as svcm.segment() gives them: recency\n"
             "and tenure are converted from the table's unit to days (the unit of the\n"
             "policy and of the edges); edges are fitted with policy.bins unless given.\n"
             "The p_alive column, when present, takes part in the LOST rule.");
static PyObject *customers_segment(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"policy", "edges", NULL};
    PyObject *pol = Py_None, *edges_obj = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|OO:segment", kwlist, &pol, &edges_obj))
        return NULL;
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    svcm_segment_options p;
    svcm_rfm_edges e, used;
    if (module == NULL || get_policy(module, pol, &p) < 0 ||
        (edges_obj != Py_None && parse_edges(module, edges_obj, &e) < 0))
        return NULL;
    const svcm_customers *c = ((CustomersObject *)self)->c;
    size_t n = c->n;
    /* The scores of the Segmentation: RFM in days, as customers_segment
     * scales them (recency * seconds-per-unit / 86400). */
    svcm_customers days = {.n = n, .recency = c->recency, .frequency = c->frequency,
                           .monetary = c->monetary};
    uint8_t *out[5];
    if (outputs_alloc(out, 5, n) < 0)
        return NULL;
    double *rd = c->unit != SVCM_TIME_UNIT_DAY && c->recency ? PyMem_Malloc(n * 8 + 1) : NULL;
    if (rd == NULL && c->unit != SVCM_TIME_UNIT_DAY && c->recency) {
        outputs_free(out, 5);
        return PyErr_NoMemory();
    }
    double scale = svcm_time_unit_seconds((int)c->unit) / 86400.0;
    for (size_t i = 0; rd != NULL && i < n; i++)
        rd[i] = c->recency[i] * scale;
    if (rd != NULL)
        days.recency = rd;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_segment_options_check(&p, &err); /* the policy is named first */
    if (rc == SVCM_OK)
        rc = svcm_customers_segment(c, &p, edges_obj == Py_None ? NULL : &e, NULL, out[0],
                                    out[1], &used, &err);
    if (rc == SVCM_OK)
        rc = svcm_rfm_score(&days, &used, out[2], out[3], out[4], &err);
    Py_END_ALLOW_THREADS
    PyMem_Free(rd);
    if (rc != SVCM_OK) {
        outputs_free(out, 5);
        return svcmpy_raise(module, rc, &err);
    }
    return segmentation(module, out, n, &used);
}

/* svcm.<name>(*params) with its fit diagnostics put back through the
 * model's own __setstate__ (the form its pickles use). Steals both. */
static PyObject *cu_model(PyObject *module, const char *name, PyObject *params, PyObject *state)
{
    PyObject *type = params && state ? PyObject_GetAttrString(module, name) : NULL;
    PyObject *model = type ? PyObject_CallObject(type, params) : NULL;
    PyObject *ok = model ? PyObject_CallMethod(model, "__setstate__", "(O)", state) : NULL;
    if (ok == NULL)
        Py_CLEAR(model);
    Py_XDECREF(ok);
    Py_XDECREF(type);
    Py_XDECREF(params);
    Py_XDECREF(state);
    return model;
}

/* An unsigned count from an int (None keeps *out); ValueError above 2**32. */
static int cu_count(PyObject *obj, const char *name, unsigned *out)
{
    if (obj == NULL || obj == Py_None)
        return 0;
    unsigned long v = PyLong_AsUnsignedLong(obj);
    if (v == (unsigned long)-1 && PyErr_Occurred())
        return -1;
    if (v > 0xFFFFFFFFul) {
        PyErr_Format(PyExc_ValueError, "%s too large", name);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/* The LifetimeFit of a successful svcm_lifetime_table_fit(). */
static PyObject *cu_fit_result(PyObject *module, const struct svcm_lifetime_table_result *r,
                               const double *out, size_t n, int want_clv)
{
    const struct svcm_bgnbd_fit_result *b = &r->bgnbd;
    const struct svcm_gammagamma_fit_result *g = &r->gammagamma;
    PyObject *bg = cu_model(module, "BGNBD",
                            Py_BuildValue("(dddd)", b->params.r, b->params.alpha, b->params.a,
                                          b->params.b),
                            /* the full pickle state: standard errors and gradient too */
                            Py_BuildValue("(dnnnd(dddd)d)", b->loglik, (Py_ssize_t)b->n,
                                          (Py_ssize_t)b->groups, (Py_ssize_t)b->iterations,
                                          b->weight, b->se.r, b->se.alpha, b->se.a, b->se.b,
                                          b->grad_norm));
    PyObject *gg = bg == NULL ? NULL
                   : want_clv ? cu_model(module, "GammaGamma",
                                       Py_BuildValue("(ddd)", g->params.p, g->params.q,
                                                     g->params.gamma),
                                       Py_BuildValue("(dnn(ddd)d)", g->loglik,
                                                     (Py_ssize_t)g->n,
                                                     (Py_ssize_t)g->iterations, g->se.p, g->se.q,
                                                     g->se.gamma, g->grad_norm))
                            : Py_NewRef(Py_None);
    PyObject *items[6] = {bg, gg, NULL, NULL, NULL, NULL};
    /* each step only after the previous succeeded: no call with an error set */
    if (bg != NULL && gg != NULL && (items[2] = double_array(module, out, n)) != NULL &&
        (items[3] = double_array(module, out + n, n)) != NULL &&
        (items[4] = want_clv ? double_array(module, out + 2 * n, n) : Py_NewRef(Py_None)))
        items[5] = PyUnicode_FromString(cu_unit_names[r->unit]);
    if (items[5] == NULL) {
        for (int i = 0; i < 6; i++)
            Py_XDECREF(items[i]);
        return NULL;
    }
    return make_struct(module, SEG_FIT, items, 6);
}

PyDoc_STRVAR(customers_fit_doc,
             "fit_lifetime(horizon=52.0, unit='week', *, clv=True, max_iter=200, gtol=1e-9,\n"
             "             clv_horizon=12, period_length=4.348, discount_rate=0.01,\n"
             "             margin=1.0) -> LifetimeFit\n\n"
             "Fit BG/NBD (Fader, Hardie & Lee 2005) on every customer and, with clv,\n"
             "Gamma-Gamma (Fader & Hardie 2013) on those with repeat purchases over\n"
             "mean_repeat_spend; return the models and per customer P(alive), the\n"
             "expected purchases in the next `horizon` units and the CLV (clv_horizon\n"
             "periods of period_length units). (x, t_x, T) come from the x, t_x and T\n"
             "columns, else from frequency, recency and tenure; the table's times are\n"
             "converted to `unit`, the unit of the models, horizon and period_length.\n"
             "A failure inside a model names its stage ('BG/NBD fit: ', 'CLV: ', ...).");
static PyObject *customers_fit(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"horizon",     "unit",          "clv",           "max_iter",
                             "gtol",        "clv_horizon",   "period_length", "discount_rate",
                             "margin",      NULL};
    svcm_lifetime_table_options o;
    svcm_lifetime_table_options_init(&o);
    PyObject *unit_obj = NULL, *max_iter = NULL, *clv_h = NULL;
    int want_clv = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|dO$pOdOddd:fit_lifetime", kwlist, &o.horizon,
                                     &unit_obj, &want_clv, &max_iter, &o.fit.gtol, &clv_h,
                                     &o.clv.period_length, &o.clv.discount_rate, &o.clv.margin))
        return NULL;
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL || (unit_obj != NULL && cu_unit(module, unit_obj, "unit", &o.unit) < 0) ||
        cu_count(max_iter, "max_iter", &o.fit.max_iter) < 0 ||
        cu_count(clv_h, "clv_horizon", &o.clv.horizon) < 0)
        return NULL;
    const svcm_customers *c = ((CustomersObject *)self)->c;
    size_t n = c->n;
    double *out = PyMem_Malloc(3 * n * sizeof(double) + 1);
    if (out == NULL)
        return PyErr_NoMemory();
    struct svcm_lifetime_table_result r;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_lifetime_table_fit(c, &o, NULL, &r, out, out + n, want_clv ? out + 2 * n : NULL,
                                 &err);
    Py_END_ALLOW_THREADS
    PyObject *res = rc == SVCM_OK ? cu_fit_result(module, &r, out, n, want_clv)
                                  : svcmpy_raise(module, rc, &err);
    PyMem_Free(out);
    return res;
}

static PyMethodDef customers_methods[] = {
    {"from_columns", (PyCFunction)(void (*)(void))customers_from_columns,
     METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     "from_columns(*, unit='day', id=None, recency=None, ...) -> Customers\n\n"
     "The same as Customers(...): a table holding a copy of the given columns."},
    {"segment", (PyCFunction)(void (*)(void))customers_segment, METH_VARARGS | METH_KEYWORDS,
     customers_segment_doc},
    {"fit_lifetime", (PyCFunction)(void (*)(void))customers_fit, METH_VARARGS | METH_KEYWORDS,
     customers_fit_doc},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef customers_getset[] = {
    {"id", customers_get, NULL, "customer ids, memoryview('q'), or None", (void *)0},
    {"recency", customers_get, NULL, "time since the last purchase (unit), or None", (void *)1},
    {"frequency", customers_get, NULL, "purchases, the first included, or None", (void *)2},
    {"monetary", customers_get, NULL, "total value of the purchases, or None", (void *)3},
    {"tenure", customers_get, NULL, "time since the first purchase (unit), or None", (void *)4},
    {"p_alive", customers_get, NULL, "P(alive), or None", (void *)5},
    {"x", customers_get, NULL, "repeat purchases (BG/NBD x), or None", (void *)6},
    {"t_x", customers_get, NULL, "first to last repeat purchase (unit), or None", (void *)7},
    {"T", customers_get, NULL, "first purchase to the end of observation (unit), or None",
     (void *)8},
    {"mean_repeat_spend", customers_get, NULL,
     "mean value of the repeat purchases (0 when x = 0), or None", (void *)9},
    {"unit", customers_unit, NULL, "time unit of the time columns: 'day', 'week' or 'second'",
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot customers_slots[] = {
    {Py_tp_new, customers_new},
    {Py_tp_dealloc, customers_dealloc},
    {Py_tp_methods, customers_methods},
    {Py_tp_getset, customers_getset},
    {Py_tp_repr, customers_repr},
    {Py_sq_length, customers_len},
    {Py_tp_doc, (void *)customers_doc},
    {0, NULL},
};

static PyType_Spec customers_spec = {"svcm.Customers", sizeof(CustomersObject), 0,
                                     Py_TPFLAGS_DEFAULT, customers_slots};

PyDoc_STRVAR(summarize_customers_doc,
             "summarize_customers(ids, times, values, end, period='week', *,\n"
             "                    granularity=86400, offset=0, returns='error') -> Customers\n\n"
             "The customer table of raw transactions (int ids, Unix-second times,\n"
             "values) observed until `end`, one row per customer sorted by id, with\n"
             "every column: x, t_x, T and mean_repeat_spend as summarize_transactions()\n"
             "computes them, frequency = x + 1, tenure = T, recency = T - t_x,\n"
             "monetary = all calibration purchases, p_alive = 0. Times are in\n"
             "`period` ('week', 'day' or 'second'); purchases in one slot of\n"
             "`granularity` seconds (shifted by offset) are one. Negative values\n"
             "(returns): 'error' (default) raises naming the record, 'drop' leaves\n"
             "them out, 'net' adds them into their slot (a slot with a return that\n"
             "nets to <= 0 is no purchase; a customer left without one is not in\n"
             "the table).");
/* svcm_summary_returns by name: 0, or -1 with an exception (field "returns"). */
static int cu_returns(PyObject *module, PyObject *obj, svcm_summary_returns *out)
{
    static const char *const names[] = {"error", "net", "drop"};
    static const svcm_summary_returns codes[] = {
        SVCM_SUMMARY_RETURNS_ERROR, SVCM_SUMMARY_RETURNS_NET, SVCM_SUMMARY_RETURNS_DROP};
    if (!PyUnicode_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "returns: expected 'error', 'net' or 'drop'");
        return -1;
    }
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (PyUnicode_CompareWithASCIIString(obj, names[k]) == 0) {
            *out = codes[k];
            return 0;
        }
    if (PyErr_Occurred())
        return -1;
    svcmpy_raise_field(module, SVCM_EINVAL, "returns", "unknown rule for returns (expected 'error', 'net' or 'drop')");
    return -1;
}

/* period (a unit name; default week), returns, granularity and offset of
 * summarize_customers() and CustomersBuilder() into o. */
static int cu_summary(PyObject *module, PyObject *per, PyObject *ret, long long gran,
                      long long off, svcm_summary_options *o)
{
    svcm_time_unit u = SVCM_TIME_UNIT_WEEK;
    if ((per != NULL && cu_unit(module, per, "period", &u) < 0) ||
        (ret != NULL && cu_returns(module, ret, &o->returns) < 0))
        return -1;
    o->period = svcm_time_unit_seconds((int)u);
    o->granularity = gran;
    o->offset = off;
    return 0;
}

static PyObject *py_summarize_customers(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"ids", "times", "values", "end", "period", "granularity", "offset",
                             "returns", NULL};
    PyObject *oid, *otm, *oval, *per = NULL, *ret = NULL;
    long long end;
    svcm_summary_options o;
    svcm_summary_options_init(&o);
    long long gran = o.granularity, off = o.offset;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOOL|O$LLO:summarize_customers", kwlist, &oid,
                                     &otm, &oval, &end, &per, &gran, &off, &ret))
        return NULL;
    if (cu_summary(module, per, ret, gran, off, &o) < 0)
        return NULL;
    svcmpy_array ids = {0}, tm = {0}, val = {0};
    PyObject *res = NULL, *tp = svcmpy_engine_item(module, SVCMPY_SEGMENT, SEG_CUSTOMERS);
    if (tp == NULL || svcmpy_int64s(oid, &ids, "ids") < 0 || svcmpy_int64s(otm, &tm, "times") < 0 ||
        svcmpy_doubles(oval, &val, "values") < 0)
        goto done;
    if (tm.n != ids.n || val.n != ids.n) {
        svcmpy_raise_field(module, SVCM_EINVAL, tm.n != ids.n ? "times" : "values", "ids, times and values differ in length");
        goto done;
    }
    svcm_customers *c = NULL;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_customers_summarize(ids.data, tm.data, val.data, (size_t)ids.n, (int64_t)end, &o,
                                  NULL, &c, &err);
    Py_END_ALLOW_THREADS
    res = rc == SVCM_OK ? customers_wrap((PyTypeObject *)tp, c) : svcmpy_raise(module, rc, &err);
done:
    svcmpy_array_release(&ids);
    svcmpy_array_release(&tm);
    svcmpy_array_release(&val);
    return res;
}

/* CustomersBuilder.finish() -> Customers (the rest of svcm.CustomersBuilder
 * is generated from bindings/api/segment.py). */
static PyObject *builder_finish(PyObject *self, PyObject *unused)
{
    (void)unused;
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    PyObject *tp = module ? svcmpy_engine_item(module, SVCMPY_SEGMENT, SEG_CUSTOMERS) : NULL;
    svcm_customers_builder *b = tp ? svcmpy_enter_CustomersBuilder(self) : NULL;
    if (b == NULL)
        return NULL;
    svcm_customers *c = NULL;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_customers_builder_finish(b, NULL, &c, &err);
    Py_END_ALLOW_THREADS
    svcmpy_leave_CustomersBuilder(self);
    return rc == SVCM_OK ? customers_wrap((PyTypeObject *)tp, c)
                         : svcmpy_raise_type(Py_TYPE(self), rc, &err);
}

static PyMethodDef builder_methods[] = {
    {"finish", builder_finish, METH_NOARGS,
     "finish() -> Customers\n\n"
     "The customer table of the rows added so far; the builder stays usable."},
    {NULL, NULL, 0, NULL},
};

static PyStructSequence_Field fit_fields[] = {
    {"bgnbd", "the fitted svcm.BGNBD (loglik, n, groups, iterations set)"},
    {"gammagamma", "the fitted svcm.GammaGamma, or None without clv"},
    {"p_alive", "P(alive) per customer, array('d')"},
    {"expected", "expected purchases in the next horizon units, array('d')"},
    {"clv", "customer lifetime value per customer, array('d'), or None without clv"},
    {"unit", "the models' time unit"},
    {NULL, NULL},
};
static PyStructSequence_Desc fit_desc = {"svcm.LifetimeFit",
                                         "Models and per-customer values of Customers.fit_lifetime().",
                                         fit_fields, 6};

#define KW(f) (PyCFunction)(void (*)(void))(f), METH_VARARGS | METH_KEYWORDS
static PyMethodDef segment_methods[] = {
    {"rfm_edges", KW(py_rfm_edges), rfm_edges_doc},
    {"rfm_scores", KW(py_rfm_scores), rfm_scores_doc},
    {"segment", KW(py_segment), segment_doc},
    {"segment_records", KW(py_segment_records), segment_records_doc},
    {"rfm_fit", KW(py_rfm_fit), rfm_fit_doc},
    {"tier_summary", KW(py_tier_summary), tier_summary_doc},
    {"migration", KW(py_migration), migration_doc},
    {"days_since", py_days_since, METH_VARARGS, days_since_doc},
    {"summarize_customers", KW(py_summarize_customers), summarize_customers_doc},
    {NULL, NULL, 0, NULL},
};
#undef KW

int svcmpy_init_segment(PyObject *m)
{
    if (PyModule_AddFunctions(m, segment_methods) < 0)
        return -1;
    for (size_t k = 0; k < NPOLICY_KEYS; k++)
        policy_getset[k] = (PyGetSetDef){policy_keys[k].name, policy_get, policy_set,
                                         policy_keys[k].doc, (void *)(uintptr_t)k};
    PyObject *items[SEG_NITEMS] = {NULL};
    PyObject *array_mod = PyImport_ImportModule("array");
    if (array_mod != NULL) {
        items[SEG_ARRAY] = PyObject_GetAttrString(array_mod, "array");
        Py_DECREF(array_mod);
    }
    items[SEG_EDGES] = (PyObject *)PyStructSequence_NewType(&edges_desc);
    items[SEG_SCORES] = (PyObject *)PyStructSequence_NewType(&scores_desc);
    items[SEG_RESULT] = (PyObject *)PyStructSequence_NewType(&result_desc);
    items[SEG_MIGRATION] = (PyObject *)PyStructSequence_NewType(&migration_desc);
    items[SEG_POLICY] = PyType_FromModuleAndSpec(m, &policy_spec, NULL);
    items[SEG_REASON_NAMES] = PyTuple_New(SVCM_SEGMENT_REASON_COUNT);
    for (int i = 0; items[SEG_REASON_NAMES] != NULL && i < SVCM_SEGMENT_REASON_COUNT; i++) {
        PyObject *s = PyUnicode_FromString(svcm_segment_reason_name(i));
        if (s == NULL)
            Py_CLEAR(items[SEG_REASON_NAMES]);
        else
            PyTuple_SET_ITEM(items[SEG_REASON_NAMES], i, s);
    }
    items[SEG_CUSTOMERS] = PyType_FromModuleAndSpec(m, &customers_spec, NULL);
    items[SEG_COLUMN] = PyType_FromModuleAndSpec(m, &column_spec, NULL);
    items[SEG_FIT] = (PyObject *)PyStructSequence_NewType(&fit_desc);
    /* The tuple takes every item (a failed one stays NULL in it). */
    PyObject *tuple = PyTuple_New(SEG_NITEMS);
    int ok = tuple != NULL;
    for (int i = 0; i < SEG_NITEMS; i++) {
        ok &= items[i] != NULL;
        if (tuple != NULL)
            PyTuple_SET_ITEM(tuple, i, items[i]);
        else
            Py_XDECREF(items[i]);
    }
    static const char *const exported[SEG_NITEMS] = {
        [SEG_EDGES] = "RfmEdges",   [SEG_SCORES] = "RfmScores",
        [SEG_RESULT] = "Segmentation", [SEG_MIGRATION] = "Migration",
        [SEG_POLICY] = "Policy",    [SEG_REASON_NAMES] = "SEGMENT_REASON_NAMES",
        [SEG_CUSTOMERS] = "Customers", [SEG_FIT] = "LifetimeFit"};
    for (int i = 0; ok && i < SEG_NITEMS; i++)
        if (exported[i] && PyModule_AddObjectRef(m, exported[i], items[i]) < 0)
            ok = 0;
    if (!ok || svcmpy_add_CustomersBuilder(m, builder_methods, NULL) < 0) {
        Py_XDECREF(tuple);
        return -1;
    }
    if (svcmpy_engine_set(m, SVCMPY_SEGMENT, tuple) < 0)
        return -1;
    static const char *const consts[SVCM_SEGMENT_REASON_COUNT] = {
        "SEGMENT_REASON_LOST_INACTIVE", "SEGMENT_REASON_LOST_P_ALIVE", "SEGMENT_REASON_POTENTIAL_NEW",
        "SEGMENT_REASON_POTENTIAL_FEW", "SEGMENT_REASON_VIP_M_SCORE",  "SEGMENT_REASON_VIP_MONETARY",
        "SEGMENT_REASON_KEY_SCORE",     "SEGMENT_REASON_REGULAR"};
    for (int i = 0; i < SVCM_SEGMENT_REASON_COUNT; i++)
        if (PyModule_AddIntConstant(m, consts[i], i) < 0)
            return -1;
    /* Segmentation, RfmScores and the other results pickle as struct
     * sequences; their Column fields pickle themselves (columns.c). */
    return PyModule_AddIntConstant(m, "RFM_MAX_BINS", SVCM_RFM_MAX_BINS);
}
