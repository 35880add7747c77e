/* Python binding of the feedback engine: CSAT / NPS / CES accumulators and
 * one-shot functions, rates, period comparisons, SERVQUAL and consistency. */
#include "svcmpy.h"
#include "gen_py.h"

#include "svcm/kpi.h"

#include <stdlib.h>
#include <string.h>

/* Records of the one-shot functions, made in the generated code (the helper
 * of bindings/api/feedback.py) from the view structs it describes. */
PyObject *svcmpy_feedback_record(PyObject *module, const svcm_feedback *f, double confidence);
PyObject *svcmpy_comparison_record(PyObject *module, const struct svcm_test_result *t,
                                   double confidence);

/* Items of this engine's private tuple. */
enum {
    T_SERVQUAL_RESULT,
    T_NPS,
    T_CSAT,
    T_CES,
    T_KPI_GROUPS,
    T_COUNT
};

static PyTypeObject *engine_type(PyObject *module, int item)
{
    return (PyTypeObject *)svcmpy_engine_item(module, SVCMPY_FEEDBACK, item);
}

/* ------------------------------------------------------ result records */

/* Python spellings of the conventions, in the order of their enum values. */
static const char *const csat_methods[] = {"top_box", "rated", "mean", NULL};
static const char *const ces_methods[] = {"mean", "top", "index", NULL};
static const char *const nps_intervals[] = {"wald", "adjusted", NULL};

/* The name of the convention of a kind (its method or interval). */
static const char *convention_name(svcm_feedback_kind kind, int csat, int ces, int nps)
{
    if (kind == SVCM_FEEDBACK_KIND_CSAT)
        return csat_methods[csat];
    if (kind == SVCM_FEEDBACK_KIND_CES)
        return ces_methods[ces];
    return nps_intervals[nps];
}

/* A convention keyword: NULL (None) gives -1, a known name its index; an
 * unknown name raises InvalidInput naming the keyword and gives -2. */
static int convention_of(PyObject *module, PyTypeObject *tp, const char *s,
                         const char *const *names, const char *keyword)
{
    if (s == NULL)
        return -1;
    for (int i = 0; names[i] != NULL; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    svcm_error err;
    svcm_error_clear(&err);
    err.field = keyword;
    snprintf(err.message, sizeof err.message, "unknown %s '%.40s' (one of %s, %s%s%s)", keyword,
             s, names[0], names[1], names[2] ? ", " : "", names[2] ? names[2] : "");
    if (tp != NULL)
        svcmpy_raise_type(tp, SVCM_EINVAL, &err);
    else
        svcmpy_raise(module, SVCM_EINVAL, &err);
    return -2;
}

static PyStructSequence_Field servqual_fields[] = {
    {"gaps", "{dimension: mean of perception - expectation}"},
    {"weighted", "sum of weight * gap"},
    {"unweighted", "mean of the five dimension gaps"},
    {"expectations", "{dimension: mean expectation}"},
    {"perceptions", "{dimension: mean perception}"},
    {"items", "{dimension: number of items}"},
    {"weights", "{dimension: weight used, normalised to sum 1}"},
    {NULL, NULL},
};
static PyStructSequence_Desc servqual_desc = {
    "svcm.ServqualResult", "SERVQUAL gap scores per dimension and in total.", servqual_fields,
    7};

/* Fill a struct sequence from a format of Python objects (steals them).
 * Returns the record or NULL; on failure every item is released. */
static PyObject *fill_record(PyTypeObject *tp, PyObject **items, Py_ssize_t n)
{
    PyObject *rec = NULL;
    for (Py_ssize_t i = 0; i < n; i++)
        if (items[i] == NULL)
            goto fail;
    rec = PyStructSequence_New(tp);
    if (rec == NULL)
        goto fail;
    for (Py_ssize_t i = 0; i < n; i++)
        PyStructSequence_SetItem(rec, i, items[i]);
    return rec;
fail:
    for (Py_ssize_t i = 0; i < n; i++)
        Py_XDECREF(items[i]);
    return NULL;
}

/* ------------------------------------------------ feedback accumulators */

typedef struct {
    PyObject_HEAD
    svcm_feedback *f;
    int busy; /* set while a batch runs without the GIL */
} FeedbackObject;

static int is_feedback(PyObject *module, PyObject *obj)
{
    for (int i = T_NPS; i <= T_CES; i++) {
        PyTypeObject *tp = engine_type(module, i);
        if (tp == NULL) {
            PyErr_Clear();
            return 0;
        }
        if (Py_IS_TYPE(obj, tp))
            return 1;
    }
    return 0;
}

static int check_idle(FeedbackObject *o)
{
    if (o->busy) {
        svcmpy_state_error(Py_TYPE(o), "object is in use by another thread");
        return -1;
    }
    return 0;
}

/* Hooks of the members described in bindings/api/feedback.py: the C object,
 * marked in use while a call runs without the GIL. */
svcm_feedback *svcmpy_enter__Feedback(PyObject *op)
{
    FeedbackObject *o = (FeedbackObject *)op;
    if (check_idle(o) < 0)
        return NULL;
    o->busy = 1;
    return o->f;
}

void svcmpy_leave__Feedback(PyObject *op)
{
    ((FeedbackObject *)op)->busy = 0;
}

const svcm_feedback *svcmpy_feedback_of(PyObject *module, PyObject *obj)
{
    if (!is_feedback(module, obj)) {
        PyErr_Format(PyExc_TypeError, "expected svcm.NPS, svcm.CSAT or svcm.CES, not %.100s",
                     Py_TYPE(obj)->tp_name);
        return NULL;
    }
    return check_idle((FeedbackObject *)obj) < 0 ? NULL : ((FeedbackObject *)obj)->f;
}

static int kind_of_type(PyObject *module, PyTypeObject *tp)
{
    for (int i = T_NPS; i <= T_CES; i++)
        if (engine_type(module, i) == tp)
            return i == T_NPS ? SVCM_FEEDBACK_KIND_NPS
                   : i == T_CSAT ? SVCM_FEEDBACK_KIND_CSAT
                                 : SVCM_FEEDBACK_KIND_CES;
    return -1;
}

static int type_item_of_kind(int kind)
{
    return kind == SVCM_FEEDBACK_KIND_NPS ? T_NPS : kind == SVCM_FEEDBACK_KIND_CSAT ? T_CSAT : T_CES;
}

/* Options from Python arguments: scale is the highest answer; convention
 * is the method (CSAT, CES) or interval (NPS), -1 for the default. */
static int make_options(int kind, int scale, int top_boxes, int low, int convention,
                        svcm_feedback_options *o)
{
    svcm_feedback_options_init(o, kind);
    if (convention >= 0 && kind == SVCM_FEEDBACK_KIND_CSAT)
        o->csat_method = (svcm_csat_method)convention;
    else if (convention >= 0 && kind == SVCM_FEEDBACK_KIND_CES)
        o->ces_method = (svcm_ces_method)convention;
    else if (convention >= 0)
        o->nps_interval = (svcm_nps_interval)convention;
    if (kind != SVCM_FEEDBACK_KIND_NPS) {
        o->high = scale;
        o->low = low;
    }
    if (kind == SVCM_FEEDBACK_KIND_CSAT)
        o->top_boxes = top_boxes < 0 ? 0u : (uint32_t)top_boxes;
    return 0;
}

static PyObject *new_feedback_object(PyTypeObject *tp, svcm_feedback *f)
{
    FeedbackObject *self = (FeedbackObject *)PyType_GenericAlloc(tp, 0);
    if (self == NULL) {
        svcm_feedback_free(f);
        return NULL;
    }
    self->f = f;
    self->busy = 0;
    return (PyObject *)self;
}

static PyObject *create_feedback(PyTypeObject *tp, const svcm_feedback_options *o)
{
    svcm_feedback *f = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_feedback_new(o, NULL, &f, &err);
    if (rc != SVCM_OK) {
        return svcmpy_raise_type(tp, rc, rc == SVCM_EINVAL ? &err : NULL);
    }
    return new_feedback_object(tp, f);
}

static PyObject *NPS_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"interval", NULL};
    const char *interval = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|$z:NPS", kwlist, &interval))
        return NULL;
    int iv = convention_of(NULL, tp, interval, nps_intervals, "interval");
    if (iv == -2)
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_KIND_NPS, 10, 2, 0, iv, &o);
    return create_feedback(tp, &o);
}

static PyObject *CSAT_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"scale", "top_boxes", "low", "method", NULL};
    int scale = 5, top = 2, low = 1;
    const char *method = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|i$iiz:CSAT", kwlist, &scale, &top, &low,
                                     &method))
        return NULL;
    int m = convention_of(NULL, tp, method, csat_methods, "method");
    if (m == -2)
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_KIND_CSAT, scale, top, low, m, &o);
    return create_feedback(tp, &o);
}

static PyObject *CES_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"scale", "low", "method", NULL};
    int scale = 7, low = 1;
    const char *method = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|i$iz:CES", kwlist, &scale, &low, &method))
        return NULL;
    int m = convention_of(NULL, tp, method, ces_methods, "method");
    if (m == -2)
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_KIND_CES, scale, 2, low, m, &o);
    return create_feedback(tp, &o);
}

static void Feedback_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    svcm_feedback_free(((FeedbackObject *)self)->f);
    tp->tp_free(self);
    Py_DECREF(tp);
}

PyDoc_STRVAR(Feedback_merge_doc,
             "merge(other) -> None\n\nAdd every answer counted by other (same kind and scale, "
             "else Mismatch).");
static PyObject *Feedback_merge(PyObject *self, PyObject *other)
{
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL)
        return NULL;
    if (!is_feedback(module, other)) {
        PyErr_Format(PyExc_TypeError, "merge: expected an NPS, CSAT or CES accumulator, got %s",
                     Py_TYPE(other)->tp_name);
        return NULL;
    }
    FeedbackObject *o = (FeedbackObject *)self, *p = (FeedbackObject *)other;
    if (check_idle(o) < 0 || check_idle(p) < 0)
        return NULL;
    int rc = svcm_feedback_merge(o->f, p->f);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Feedback_to_bytes_doc,
             "to_bytes() -> bytes\n\nThe accumulator in svcm's versioned little-endian format.");
static PyObject *Feedback_to_bytes(PyObject *self, PyObject *unused)
{
    FeedbackObject *o = (FeedbackObject *)self;
    if (check_idle(o) < 0)
        return NULL;
    size_t len = 0;
    (void)svcm_feedback_save(o->f, NULL, 0, &len);
    PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)len);
    if (b == NULL)
        return NULL;
    int rc = svcm_feedback_save(o->f, (unsigned char *)PyBytes_AS_STRING(b), len, &len);
    if (rc != SVCM_OK) {
        Py_DECREF(b);
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    }
    return b;
}

/* Load from any bytes-like object; the saved kind must match want (-1:
 * any). Returns a new accumulator object or NULL. */
static PyObject *load_feedback(PyObject *module, PyObject *data, int want)
{
    Py_buffer view;
    if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    svcm_feedback *f = NULL;
    int rc = svcm_feedback_load(view.buf, (size_t)view.len, NULL, &f, NULL);
    PyBuffer_Release(&view);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    svcm_feedback_options o;
    svcm_feedback_get_options(f, &o);
    if (want >= 0 && (int)o.kind != want) {
        svcm_feedback_free(f);
        svcm_error err;
        svcm_error_clear(&err);
        snprintf(err.message, sizeof err.message, "bytes hold a %s accumulator, not %s",
                 svcm_feedback_kind_name((int)o.kind), svcm_feedback_kind_name(want));
        return svcmpy_raise(module, SVCM_EMISMATCH, &err);
    }
    PyTypeObject *tp = engine_type(module, type_item_of_kind((int)o.kind));
    if (tp == NULL) {
        svcm_feedback_free(f);
        return NULL;
    }
    return new_feedback_object(tp, f);
}

PyDoc_STRVAR(Feedback_from_bytes_doc,
             "from_bytes(data) -> accumulator\n\nLoad bytes made by to_bytes(). Raises "
             "FormatError for malformed bytes and Mismatch for another kind.");
static PyObject *Feedback_from_bytes(PyObject *cls, PyObject *data)
{
    PyObject *module = svcmpy_module_of_type((PyTypeObject *)cls);
    if (module == NULL)
        return NULL;
    return load_feedback(module, data, kind_of_type(module, (PyTypeObject *)cls));
}

static PyObject *Feedback_get_counts(PyObject *self, void *closure)
{
    FeedbackObject *o = (FeedbackObject *)self;
    if (check_idle(o) < 0)
        return NULL;
    uint64_t h[SVCM_FEEDBACK_MAX_LEVELS];
    svcm_feedback_options opts;
    svcm_feedback_get_options(o->f, &opts);
    (void)svcm_feedback_histogram(o->f, h, SVCM_FEEDBACK_MAX_LEVELS);
    size_t levels = (size_t)((int64_t)opts.high - opts.low + 1);
    PyObject *d = PyDict_New();
    for (size_t k = 0; d != NULL && k < levels; k++) {
        PyObject *key = PyLong_FromLong((long)opts.low + (long)k);
        PyObject *val = PyLong_FromUnsignedLongLong(h[k]);
        if (key == NULL || val == NULL || PyDict_SetItem(d, key, val) < 0)
            Py_CLEAR(d);
        Py_XDECREF(key);
        Py_XDECREF(val);
    }
    return d;
}

static PyObject *Feedback_get_scale(PyObject *self, void *closure)
{
    svcm_feedback_options opts;
    svcm_feedback_get_options(((FeedbackObject *)self)->f, &opts);
    return Py_BuildValue("(ll)", (long)opts.low, (long)opts.high);
}

static PyObject *Feedback_get_top_boxes(PyObject *self, void *closure)
{
    svcm_feedback_options opts;
    svcm_feedback_get_options(((FeedbackObject *)self)->f, &opts);
    if (opts.kind != SVCM_FEEDBACK_KIND_CSAT)
        Py_RETURN_NONE;
    return PyLong_FromUnsignedLong(opts.top_boxes);
}

static PyObject *Feedback_repr(PyObject *self)
{
    svcm_feedback_options opts;
    FeedbackObject *o = (FeedbackObject *)self;
    svcm_feedback_get_options(o->f, &opts);
    const char *name = opts.kind == SVCM_FEEDBACK_KIND_NPS    ? "NPS"
                       : opts.kind == SVCM_FEEDBACK_KIND_CSAT ? "CSAT"
                                                         : "CES";
    if (o->busy) /* the count is being written by another thread */
        return PyUnicode_FromFormat("<svcm.%s scale=%ld..%ld (busy)>", name, (long)opts.low,
                                    (long)opts.high);
    return PyUnicode_FromFormat("<svcm.%s scale=%ld..%ld n=%llu>", name, (long)opts.low,
                                (long)opts.high, (unsigned long long)svcm_feedback_count(o->f));
}

static PyMethodDef Feedback_methods[] = {
    {"merge", Feedback_merge, METH_O, Feedback_merge_doc},
    {"to_bytes", Feedback_to_bytes, METH_NOARGS, Feedback_to_bytes_doc},
    {"from_bytes", Feedback_from_bytes, METH_O | METH_CLASS, Feedback_from_bytes_doc},
    SVCMPY_REDUCE_METHOD,
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Feedback_getset[] = {
    {"counts", Feedback_get_counts, NULL, "{answer: count} for every level of the scale", NULL},
    {"scale", Feedback_get_scale, NULL, "(low, high) answers of the scale", NULL},
    {"top_boxes", Feedback_get_top_boxes, NULL, "CSAT: levels counted as satisfied (else None)",
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

#define FEEDBACK_SLOTS(newfn, doc)                                                          \
    {Py_tp_new, (void *)(newfn)}, {Py_tp_dealloc, (void *)Feedback_dealloc},                \
        {Py_tp_methods, Feedback_methods}, {Py_tp_getset, Feedback_getset},                 \
        {Py_tp_repr, (void *)Feedback_repr}, {Py_tp_doc, (void *)(doc)}, { 0, NULL }

static PyType_Slot NPS_slots[] = {FEEDBACK_SLOTS(
    NPS_new, "NPS(*, interval='wald')\n--\n\nMergeable Net Promoter Score accumulator (answers "
             "0-10; promoters 9-10, detractors 0-6). interval: 'wald' (default) or 'adjusted' "
             "(adjusted Wald, Rocks 2016: n + 3, 3/4 more promoters and detractors).")};
static PyType_Slot CSAT_slots[] = {FEEDBACK_SLOTS(
    CSAT_new, "CSAT(scale=5, *, top_boxes=2, low=1, method='top_box')\n--\n\nMergeable CSAT "
              "accumulator: answers low..scale. method 'top_box' (default): share of all "
              "answers in the top_boxes highest levels; 'rated': those over the top and bottom "
              "top_boxes levels, the neutral ones left out (Zendesk's good / (good + bad)); "
              "'mean': the mean answer.")};
static PyType_Slot CES_slots[] = {FEEDBACK_SLOTS(
    CES_new, "CES(scale=7, *, low=1, method='mean')\n--\n\nMergeable customer effort score "
             "accumulator: answers low..scale. method 'mean' (default): the mean answer; 'top': "
             "share of answers 5-7; 'index': %6-7 minus %1-3 in points (top and index need the "
             "1-7 scale of CES 2.0).")};

#define FEEDBACK_SPEC(name, slots)                                                          \
    {"svcm." name, sizeof(FeedbackObject), 0, Py_TPFLAGS_DEFAULT, slots}
static PyType_Spec NPS_spec = FEEDBACK_SPEC("NPS", NPS_slots);
static PyType_Spec CSAT_spec = FEEDBACK_SPEC("CSAT", CSAT_slots);
static PyType_Spec CES_spec = FEEDBACK_SPEC("CES", CES_slots);

/* ------------------------------------------------- one-shot functions */

/* A feedback accumulator for obj: the object's own when obj is an
 * accumulator of the wanted kind, else a temporary built from scores with
 * options o (*tmp receives it; free it after use). An accumulator keeps its
 * own convention; one given explicitly (explicit) must agree with it. */
static svcm_feedback *feedback_of(PyObject *module, PyObject *obj, const svcm_feedback_options *o,
                                  bool explicit, svcm_feedback **tmp, const char *what)
{
    *tmp = NULL;
    if (is_feedback(module, obj)) {
        FeedbackObject *fo = (FeedbackObject *)obj;
        svcm_feedback_options have;
        svcm_feedback_get_options(fo->f, &have);
        if (have.kind != o->kind) {
            PyErr_Format(PyExc_TypeError, "%s: expected %s scores or accumulator, got %s", what,
                         svcm_feedback_kind_name((int)o->kind), Py_TYPE(obj)->tp_name);
            return NULL;
        }
        if (check_idle(fo) < 0)
            return NULL;
        const char *want = convention_name(o->kind, (int)o->csat_method, (int)o->ces_method,
                                           (int)o->nps_interval);
        const char *own = convention_name(have.kind, (int)have.csat_method,
                                          (int)have.ces_method, (int)have.nps_interval);
        if (explicit && strcmp(want, own) != 0) {
            svcm_error err;
            svcm_error_clear(&err);
            err.field = o->kind == SVCM_FEEDBACK_KIND_NPS ? "interval" : "method";
            snprintf(err.message, sizeof err.message,
                     "%s: the accumulator counts with '%s', not '%s'", what, own, want);
            svcmpy_raise(module, SVCM_EMISMATCH, &err);
            return NULL;
        }
        return fo->f;
    }
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_feedback_new(o, NULL, tmp, &err);
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        return NULL;
    }
    svcmpy_array a;
    if (svcmpy_doubles(obj, &a, "scores") == 0) {
        Py_BEGIN_ALLOW_THREADS
        rc = svcm_feedback_add_batch(*tmp, a.data, (size_t)a.n, &err);
        Py_END_ALLOW_THREADS
        svcmpy_array_release(&a);
        if (rc == SVCM_OK)
            return *tmp;
        svcmpy_raise(module, rc, &err);
    }
    svcm_feedback_free(*tmp);
    *tmp = NULL;
    return NULL;
}

static PyObject *score_once(PyObject *module, PyObject *scores, const svcm_feedback_options *o,
                            bool explicit, double confidence)
{
    svcm_feedback *tmp;
    svcm_feedback *f =
        feedback_of(module, scores, o, explicit, &tmp, svcm_feedback_kind_name((int)o->kind));
    if (f == NULL)
        return NULL;
    PyObject *res = svcmpy_feedback_record(module, f, confidence);
    svcm_feedback_free(tmp);
    return res;
}

PyDoc_STRVAR(nps_doc, "nps(scores, confidence=0.95, *, interval='wald') -> FeedbackResult\n\n"
                      "Net Promoter Score of answers 0-10 (a buffer such as array('d'), a "
                      "sequence, or an NPS accumulator) with its multinomial normal interval: "
                      "'wald' (default) or 'adjusted' (adjusted Wald, Rocks 2016: n + 3 and 3/4 "
                      "more promoters and detractors). An accumulator keeps its own interval.");
static PyObject *py_nps(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"scores", "confidence", "interval", NULL};
    PyObject *scores;
    double confidence = 0.95;
    const char *interval = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|d$z:nps", kwlist, &scores, &confidence,
                                     &interval))
        return NULL;
    int iv = convention_of(module, NULL, interval, nps_intervals, "interval");
    if (iv == -2)
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_KIND_NPS, 10, 2, 0, iv, &o);
    return score_once(module, scores, &o, iv >= 0, confidence);
}

PyDoc_STRVAR(csat_doc,
             "csat(scores, scale=5, *, top_boxes=2, low=1, confidence=0.95, method='top_box') -> "
             "FeedbackResult\n\n"
             "CSAT of answers low..scale. method 'top_box' (default): share of all answers in "
             "the top_boxes highest levels, Wilson interval; 'rated': those over the top and "
             "bottom top_boxes levels, the neutral ones left out (Zendesk's good / (good + "
             "bad)), Wilson interval; 'mean': the mean answer, t interval. An accumulator "
             "keeps its own method.");
static PyObject *py_csat(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"scores", "scale", "top_boxes", "low", "confidence", "method", NULL};
    PyObject *scores;
    int scale = 5, top = 2, low = 1;
    double confidence = 0.95;
    const char *method = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|i$iidz:csat", kwlist, &scores, &scale, &top,
                                     &low, &confidence, &method))
        return NULL;
    int m = convention_of(module, NULL, method, csat_methods, "method");
    if (m == -2)
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_KIND_CSAT, scale, top, low, m, &o);
    return score_once(module, scores, &o, m >= 0, confidence);
}

PyDoc_STRVAR(ces_doc, "ces(scores, scale=7, *, low=1, confidence=0.95, method='mean') -> "
                      "FeedbackResult\n\n"
                      "CES of answers low..scale. method 'mean' (default): the mean answer, "
                      "Student t interval; 'top': share of answers 5-7, Wilson interval; "
                      "'index': %6-7 minus %1-3 in points, Wald interval as NPS (top and index "
                      "need the 1-7 scale of CES 2.0). An accumulator keeps its own method.");
static PyObject *py_ces(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"scores", "scale", "low", "confidence", "method", NULL};
    PyObject *scores;
    int scale = 7, low = 1;
    double confidence = 0.95;
    const char *method = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|i$idz:ces", kwlist, &scores, &scale, &low,
                                     &confidence, &method))
        return NULL;
    int m = convention_of(module, NULL, method, ces_methods, "method");
    if (m == -2)
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_KIND_CES, scale, 2, low, m, &o);
    return score_once(module, scores, &o, m >= 0, confidence);
}

static PyObject *compare_once(PyObject *module, PyObject *a, PyObject *b,
                              const svcm_feedback_options *o, bool explicit, double confidence,
                              const char *what)
{
    /* Without an explicit convention, scores compared with an accumulator
     * are counted with the accumulator's. */
    svcm_feedback_options oo = *o;
    PyObject *acc = is_feedback(module, a) ? a : is_feedback(module, b) ? b : NULL;
    if (!explicit && acc != NULL) {
        svcm_feedback_options have;
        svcm_feedback_get_options(((FeedbackObject *)acc)->f, &have);
        oo.csat_method = have.csat_method;
        oo.ces_method = have.ces_method;
        oo.nps_interval = have.nps_interval;
    }
    svcm_feedback *ta, *tb;
    svcm_feedback *fa = feedback_of(module, a, &oo, explicit, &ta, what);
    if (fa == NULL)
        return NULL;
    svcm_feedback *fb = feedback_of(module, b, &oo, explicit, &tb, what);
    if (fb == NULL) {
        svcm_feedback_free(ta);
        return NULL;
    }
    struct svcm_test_result t;
    int rc = svcm_feedback_compare(fa, fb, confidence, &t);
    svcm_feedback_free(ta);
    svcm_feedback_free(tb);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return svcmpy_comparison_record(module, &t, confidence);
}

PyDoc_STRVAR(compare_nps_doc,
             "compare_nps(a, b, confidence=0.95, *, interval='wald') -> Comparison\n\nNPS of b "
             "minus NPS of a (points), z-test with multinomial variances ('adjusted': of the "
             "adjusted-Wald estimates). a and b are NPS accumulators or score sequences; "
             "without interval, sequences take the accumulator's.");
static PyObject *py_compare_nps(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"a", "b", "confidence", "interval", NULL};
    PyObject *a, *b;
    double confidence = 0.95;
    const char *interval = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|d$z:compare_nps", kwlist, &a, &b,
                                     &confidence, &interval))
        return NULL;
    int iv = convention_of(module, NULL, interval, nps_intervals, "interval");
    if (iv == -2)
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_KIND_NPS, 10, 2, 0, iv, &o);
    return compare_once(module, a, b, &o, iv >= 0, confidence, "compare_nps");
}

PyDoc_STRVAR(compare_csat_doc,
             "compare_csat(a, b, confidence=0.95, *, scale=5, top_boxes=2, low=1, "
             "method='top_box') -> Comparison\n\nCSAT of b minus a: two-proportion z-test on "
             "the shares (top_box, rated) or Welch's t-test (mean). a and b are CSAT "
             "accumulators or score sequences (scored with scale/top_boxes/low/method; without "
             "method, sequences take the accumulator's).");
static PyObject *py_compare_csat(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"a", "b", "confidence", "scale", "top_boxes", "low", "method", NULL};
    PyObject *a, *b;
    double confidence = 0.95;
    int scale = 5, top = 2, low = 1;
    const char *method = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|d$iiiz:compare_csat", kwlist, &a, &b,
                                     &confidence, &scale, &top, &low, &method))
        return NULL;
    int m = convention_of(module, NULL, method, csat_methods, "method");
    if (m == -2)
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_KIND_CSAT, scale, top, low, m, &o);
    return compare_once(module, a, b, &o, m >= 0, confidence, "compare_csat");
}

PyDoc_STRVAR(compare_ces_doc,
             "compare_ces(a, b, confidence=0.95, *, scale=7, low=1, method='mean') -> "
             "Comparison\n\nCES of b minus a: Welch's t-test (mean), two-proportion z-test "
             "(top) or the NPS-style z-test (index). a and b are CES accumulators or score "
             "sequences (without method, sequences take the accumulator's).");
static PyObject *py_compare_ces(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"a", "b", "confidence", "scale", "low", "method", NULL};
    PyObject *a, *b;
    double confidence = 0.95;
    int scale = 7, low = 1;
    const char *method = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|d$iiz:compare_ces", kwlist, &a, &b,
                                     &confidence, &scale, &low, &method))
        return NULL;
    int m = convention_of(module, NULL, method, ces_methods, "method");
    if (m == -2)
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_KIND_CES, scale, 2, low, m, &o);
    return compare_once(module, a, b, &o, m >= 0, confidence, "compare_ces");
}

/* ---------------------------------------------------------------- rates */


/* A rate kind from a name or an int; -1 with ValueError/TypeError set. */
static int parse_rate_kind(PyObject *module, PyObject *obj)
{
    if (obj == NULL)
        return SVCM_RATE_KIND_GENERIC;
    if (PyUnicode_Check(obj)) {
        const char *name = PyUnicode_AsUTF8(obj);
        svcm_rate_kind k;
        if (name == NULL)
            return -1;
        if (svcm_rate_kind_parse(name, &k) != SVCM_OK) {
            svcm_error err;
            svcm_error_clear(&err);
            err.field = "kind";
            snprintf(err.message, sizeof err.message, "unknown rate kind '%.60s'", name);
            svcmpy_raise(module, SVCM_EINVAL, &err);
            return -1;
        }
        return (int)k;
    }
    if (PyLong_Check(obj)) {
        long k = PyLong_AsLong(obj);
        if (k == -1 && PyErr_Occurred())
            return -1;
        if (svcm_rate_kind_name(k < 0 || k > 1000 ? -1 : (int)k) == NULL) {
            svcmpy_raise(module, SVCM_EINVAL, NULL);
            return -1;
        }
        return (int)k;
    }
    PyErr_Format(PyExc_TypeError, "kind: expected a name such as 'fcr', got %s",
                 Py_TYPE(obj)->tp_name);
    return -1;
}

/* ------------------------------------------------------------- SERVQUAL */

static int dimension_from(PyObject *item, int *out)
{
    if (PyUnicode_Check(item)) {
        for (int d = 0; d < SVCM_SERVQUAL_DIMENSIONS; d++)
            if (PyUnicode_CompareWithASCIIString(item, svcm_servqual_dimension_name(d)) == 0) {
                *out = d;
                return 0;
            }
        return -1;
    }
    if (PyLong_Check(item)) {
        long v = PyLong_AsLong(item);
        if (v == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return -1;
        }
        *out = v < INT32_MIN || v > INT32_MAX ? -1 : (int)v; /* range checked in C */
        return 0;
    }
    return -1;
}

static PyObject *dimension_dict(const double *v, const size_t *counts)
{
    PyObject *d = PyDict_New();
    for (int k = 0; d != NULL && k < SVCM_SERVQUAL_DIMENSIONS; k++) {
        PyObject *x = v ? PyFloat_FromDouble(v[k]) : PyLong_FromSize_t(counts[k]);
        if (x == NULL || PyDict_SetItemString(d, svcm_servqual_dimension_name(k), x) < 0)
            Py_CLEAR(d);
        Py_XDECREF(x);
    }
    return d;
}

PyDoc_STRVAR(servqual_doc,
             "servqual(expectations, perceptions, weights=None, dimensions=None) -> "
             "ServqualResult\n\nSERVQUAL gaps (perception - expectation) per dimension and "
             "weighted. Without dimensions the 22 items follow the standard mapping (1-4 "
             "tangibles, 5-9 reliability, 10-13 responsiveness, 14-17 assurance, 18-22 "
             "empathy); dimensions gives each item's dimension (name or 0-4). weights: five "
             "numbers in that order, or a {dimension: weight} dict; normalised.");
static PyObject *py_servqual(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"expectations", "perceptions", "weights", "dimensions", NULL};
    PyObject *pe, *pp, *pw = Py_None, *pd = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|OO:servqual", kwlist, &pe, &pp, &pw, &pd))
        return NULL;
    svcmpy_array e = {0}, p = {0};
    int *dims = NULL;
    PyObject *result = NULL;
    double w[SVCM_SERVQUAL_DIMENSIONS];
    const double *wp = NULL;
    if (svcmpy_doubles(pe, &e, "expectations") < 0 || svcmpy_doubles(pp, &p, "perceptions") < 0)
        goto done;
    if (e.n != p.n) {
        PyErr_Format(PyExc_ValueError,
                     "servqual: %zd expectations but %zd perceptions", e.n, p.n);
        goto done;
    }
    if (pw != Py_None) {
        if (PyDict_Check(pw)) {
            Py_ssize_t known = 0;
            for (int d = 0; d < SVCM_SERVQUAL_DIMENSIONS; d++) {
                PyObject *x = PyDict_GetItemString(pw, svcm_servqual_dimension_name(d));
                known += x != NULL;
                w[d] = x ? PyFloat_AsDouble(x) : 0.0;
                if (w[d] == -1.0 && PyErr_Occurred())
                    goto done;
            }
            if (known != PyDict_Size(pw)) {
                PyErr_SetString(PyExc_ValueError,
                                "servqual: weights has a key that is not a dimension name");
                goto done;
            }
        } else {
            svcmpy_array wa;
            if (svcmpy_doubles(pw, &wa, "weights") < 0)
                goto done;
            if (wa.n != SVCM_SERVQUAL_DIMENSIONS) {
                svcmpy_array_release(&wa);
                PyErr_Format(PyExc_ValueError, "servqual: weights needs 5 values, got %zd",
                             wa.n);
                goto done;
            }
            memcpy(w, wa.data, sizeof w);
            svcmpy_array_release(&wa);
        }
        wp = w;
    }
    if (pd != Py_None) {
        PyObject *seq = svcmpy_snapshot(pd, "servqual: dimensions must be a sequence");
        if (seq == NULL)
            goto done;
        Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
        if (n != e.n) {
            Py_DECREF(seq);
            PyErr_Format(PyExc_ValueError, "servqual: %zd dimensions for %zd items", n, e.n);
            goto done;
        }
        dims = PyMem_Malloc(n > 0 ? (size_t)n * sizeof *dims : 1);
        if (dims == NULL) {
            Py_DECREF(seq);
            PyErr_NoMemory();
            goto done;
        }
        for (Py_ssize_t i = 0; i < n; i++)
            if (dimension_from(PySequence_Fast_GET_ITEM(seq, i), &dims[i]) < 0) {
                Py_DECREF(seq);
                svcm_error err;
                svcm_error_clear(&err);
                err.index = (size_t)i;
                err.field = "dimension";
                snprintf(err.message, sizeof err.message,
                         "expected a dimension name or 0-4");
                svcmpy_raise(module, SVCM_EINVAL, &err);
                goto done;
            }
        Py_DECREF(seq);
    }
    struct svcm_servqual_result r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_servqual(e.data, p.data, (size_t)e.n, dims, wp, &r, &err);
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        goto done;
    }
    PyTypeObject *tp = engine_type(module, T_SERVQUAL_RESULT);
    if (tp == NULL)
        goto done;
    PyObject *items[7] = {
        dimension_dict(r.gap, NULL),       PyFloat_FromDouble(r.weighted),
        PyFloat_FromDouble(r.unweighted),  dimension_dict(r.expectation, NULL),
        dimension_dict(r.perception, NULL), dimension_dict(NULL, r.items),
        dimension_dict(r.weight, NULL),
    };
    result = fill_record(tp, items, 7);
done:
    svcmpy_array_release(&e);
    svcmpy_array_release(&p);
    PyMem_Free(dims);
    return result;
}

/* ---------------------------------------------------------- consistency */

PyDoc_STRVAR(fcr_repeats_doc,
             "fcr_repeats(customers, created, window, as_of=None) -> (Rate, list[str])\n\n"
             "First-contact resolution from repeat contacts: a ticket is 'resolved' when its "
             "customer (int ids) opens no other ticket within window seconds after it "
             "(created, Unix seconds; at one instant the later ticket is the repeat), "
             "'repeated' when one does, and 'undecided' (left out of the rate) when its window "
             "runs past as_of (default: the latest created instant). Returns the FCR Rate and "
             "the outcome of each ticket.");
static PyObject *py_fcr_repeats(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"customers", "created", "window", "as_of", NULL};
    static const char *const outcome_names[] = {"repeated", "resolved", "undecided"};
    PyObject *customers, *created, *as_of_obj = Py_None;
    long long window;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOL|O:fcr_repeats", kwlist, &customers,
                                     &created, &window, &as_of_obj))
        return NULL;
    svcmpy_array c = {0}, t = {0};
    PyObject *result = NULL, *list = NULL;
    uint8_t *outcome = NULL;
    if (svcmpy_int64s(customers, &c, "customers") < 0 || svcmpy_int64s(created, &t, "created") < 0)
        goto done;
    if (c.n != t.n) {
        PyErr_Format(PyExc_ValueError, "fcr_repeats: %zd customers but %zd created instants",
                     c.n, t.n);
        goto done;
    }
    const int64_t *tv = t.data;
    int64_t as_of = INT64_MIN;
    if (as_of_obj == Py_None) {
        for (Py_ssize_t i = 0; i < t.n; i++)
            as_of = tv[i] > as_of ? tv[i] : as_of;
    } else {
        long long v = PyLong_AsLongLong(as_of_obj);
        if (v == -1 && PyErr_Occurred())
            goto done;
        as_of = (int64_t)v;
    }
    outcome = PyMem_Malloc(t.n ? (size_t)t.n : 1);
    if (outcome == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    svcm_rate r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_fcr_repeats(c.data, tv, (size_t)t.n, (int64_t)window, as_of, NULL, outcome, &r,
                          &err);
    Py_END_ALLOW_THREADS
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        goto done;
    }
    svcm_rate *h = malloc(sizeof *h);
    if (h == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    *h = r;
    PyObject *rate = svcmpy_wrap_Rate(module, h);
    if (rate == NULL)
        goto done;
    list = PyList_New(t.n);
    for (Py_ssize_t i = 0; list != NULL && i < t.n; i++) {
        PyObject *name = PyUnicode_FromString(outcome_names[outcome[i]]);
        if (name == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, name);
    }
    if (list == NULL) {
        Py_DECREF(rate);
        goto done;
    }
    result = PyTuple_Pack(2, rate, list);
    Py_DECREF(rate);
    Py_DECREF(list);
done:
    PyMem_Free(outcome);
    svcmpy_array_release(&c);
    svcmpy_array_release(&t);
    return result;
}

PyDoc_STRVAR(consistency_doc,
             "consistency(values) -> ConsistencyResult\n\nMean, sample and population SD and "
             "coefficients of variation (SD / |mean|) of one KPI across channels (a sequence, "
             "buffer, or {channel: value} dict). OutOfRange when the mean is 0.");
static PyObject *py_consistency(PyObject *module, PyObject *values)
{
    PyObject *src = values;
    PyObject *owned = NULL;
    if (PyDict_Check(values)) {
        owned = PyDict_Values(values);
        if (owned == NULL)
            return NULL;
        src = owned;
    }
    svcmpy_array a;
    int ok = svcmpy_doubles(src, &a, "values");
    Py_XDECREF(owned);
    if (ok < 0)
        return NULL;
    struct svcm_consistency_result r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_consistency(a.data, (size_t)a.n, &r, &err);
    svcmpy_array_release(&a);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, &err);
    return svcmpy_rec_ConsistencyResult(module, &r);
}

/* ----------------------------------------------------------------- init */

static PyMethodDef feedback_functions[] = {
    {"nps", (PyCFunction)(void (*)(void))py_nps, METH_VARARGS | METH_KEYWORDS, nps_doc},
    {"csat", (PyCFunction)(void (*)(void))py_csat, METH_VARARGS | METH_KEYWORDS, csat_doc},
    {"ces", (PyCFunction)(void (*)(void))py_ces, METH_VARARGS | METH_KEYWORDS, ces_doc},
    {"compare_nps", (PyCFunction)(void (*)(void))py_compare_nps, METH_VARARGS | METH_KEYWORDS,
     compare_nps_doc},
    {"compare_csat", (PyCFunction)(void (*)(void))py_compare_csat, METH_VARARGS | METH_KEYWORDS,
     compare_csat_doc},
    {"compare_ces", (PyCFunction)(void (*)(void))py_compare_ces, METH_VARARGS | METH_KEYWORDS,
     compare_ces_doc},
    {"servqual", (PyCFunction)(void (*)(void))py_servqual, METH_VARARGS | METH_KEYWORDS,
     servqual_doc},
    {"consistency", py_consistency, METH_O, consistency_doc},
    {"fcr_repeats", (PyCFunction)(void (*)(void))py_fcr_repeats, METH_VARARGS | METH_KEYWORDS,
     fcr_repeats_doc},
    {NULL, NULL, 0, NULL},
};

static PyObject *name_tuple(const char *(*name)(int), int count)
{
    PyObject *t = PyTuple_New(count);
    for (int i = 0; t != NULL && i < count; i++) {
        PyObject *s = PyUnicode_FromString(name(i));
        if (s == NULL) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, i, s);
    }
    return t;
}

/* --------------------------------------------------------- grouped KPIs */

/* svcm.KPIGroups wraps an svcm_kpi_groups: the same slots (NPS/CSAT/CES
 * answers, rates, durations, SLA counts) for every group key. */

/* Slot kind names, in the order of kg_kind_of(). */
static const char *const kg_kind_names[] = {"nps", "csat", "ces", "rate", "durations", "sla"};
#define KG_KIND_NAMES 6

typedef struct {
    PyObject_HEAD
    svcm_kpi_groups *g;
    int busy; /* set while a batch runs without the GIL */
} KPIGroupsObject;

/* Raise an svcm error (code rc, record index, field) from a KPIGroups method
 * or constructor. Returns NULL. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 5, 6)))
#endif
static PyObject *kg_raise(PyTypeObject *tp, int rc, size_t index, const char *field,
                          const char *fmt, ...);
static PyObject *kg_raise(PyTypeObject *tp, int rc, size_t index, const char *field,
                          const char *fmt, ...)
{
    svcm_error err;
    svcm_error_clear(&err);
    err.index = index;
    err.field = field;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err.message, sizeof err.message, fmt, ap);
    va_end(ap);
    return svcmpy_raise_type(tp, rc, &err);
}

/* The object, or NULL with StateError while a batch runs in another thread. */
static svcm_kpi_groups *kg_ready(PyObject *self)
{
    KPIGroupsObject *o = (KPIGroupsObject *)self;
    if (o->busy) {
        svcmpy_state_error(Py_TYPE(self), "object is in use by another thread");
        return NULL;
    }
    return o->g;
}

svcm_kpi_groups *svcmpy_enter_KPIGroups(PyObject *op)
{
    KPIGroupsObject *o = (KPIGroupsObject *)op;
    if (kg_ready(op) == NULL)
        return NULL;
    o->busy = 1;
    return o->g;
}

void svcmpy_leave_KPIGroups(PyObject *op)
{
    ((KPIGroupsObject *)op)->busy = 0;
}

/* ---- slot descriptions */

/* One setting of slot i, by its key (a convention name, a rate kind, a
 * number or an int in range); TypeError for a value of another type,
 * InvalidInput naming field and the slot for a bad one. */
static int kg_setting(PyTypeObject *tp, const char *key, PyObject *v, size_t i,
                      const char *field, svcm_kpi_slot *s)
{
    static const char *const wants[] = {"a rate kind", "a str", "a number", "an int"};
    svcm_feedback_options *f = &s->feedback;
    int t = strcmp(key, "kind") == 0                                    ? 0
            : strcmp(key, "method") == 0 || strcmp(key, "interval") == 0 ? 1
            : strcmp(key, "rel_err") == 0                                ? 2
                                                                         : 3;
    if ((t == 1 && !PyUnicode_Check(v)) || (t == 2 && !PyFloat_Check(v) && !PyLong_Check(v)) ||
        (t == 3 && !PyLong_Check(v))) {
        PyErr_Format(PyExc_TypeError, "slots[%zu]: %s must be %s, got %s", i, key, wants[t],
                     Py_TYPE(v)->tp_name);
        return -1;
    }
    if (t == 0) { /* a name or an int */
        PyObject *module = svcmpy_module_of_type(tp);
        int k = module == NULL ? -1 : parse_rate_kind(module, v);
        s->rate = (svcm_rate_kind)(k < 0 ? 0 : k);
        return k < 0 ? -1 : 0;
    }
    if (t == 1) { /* a convention of f's kind */
        const char *name = PyUnicode_AsUTF8(v);
        const char *const *names = f->kind == SVCM_FEEDBACK_KIND_CSAT  ? csat_methods
                                   : f->kind == SVCM_FEEDBACK_KIND_CES ? ces_methods
                                                                       : nps_intervals;
        int c = 0;
        if (name == NULL)
            return -1;
        while (names[c] != NULL && strcmp(name, names[c]) != 0)
            c++;
        if (names[c] == NULL) {
            kg_raise(tp, SVCM_EINVAL, i, field, "unknown %s '%.40s'", key, name);
            return -1;
        }
        f->csat_method = f->kind == SVCM_FEEDBACK_KIND_CSAT ? (svcm_csat_method)c : f->csat_method;
        f->ces_method = f->kind == SVCM_FEEDBACK_KIND_CES ? (svcm_ces_method)c : f->ces_method;
        f->nps_interval = f->kind == SVCM_FEEDBACK_KIND_NPS ? (svcm_nps_interval)c
                                                            : f->nps_interval;
        return 0;
    }
    if (t == 2) {
        s->sketch.rel_err = PyFloat_AsDouble(v);
        return s->sketch.rel_err == -1.0 && PyErr_Occurred() ? -1 : 0;
    }
    int overflow, scale = strcmp(key, "scale") == 0, low = strcmp(key, "low") == 0;
    long long lo = scale || low ? INT32_MIN : 0,
              hi = scale || low ? INT32_MAX
                   : strcmp(key, "top_boxes") == 0 ? (long long)UINT32_MAX
                                                   : (long long)PY_SSIZE_T_MAX;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (x == -1 && PyErr_Occurred())
        return -1;
    if (overflow || x < lo || x > hi) {
        kg_raise(tp, SVCM_EINVAL, i, field, "%s must be in %lld..%lld", key, lo, hi);
        return -1;
    }
    if (scale || low)
        *(scale ? &f->high : &f->low) = (int32_t)x;
    else if (strcmp(key, "top_boxes") == 0)
        f->top_boxes = (uint32_t)x;
    else
        *(strcmp(key, "max_buckets") == 0 ? &s->sketch.max_buckets : &s->sketch.exact_limit) =
            (size_t)x;
    return 0;
}

/* Slot i of kind k (an index into kg_kind_names) with its settings: None or
 * a dict of the keys of its kind; a rate slot also takes its kind alone. */
static int kg_make_slot(PyTypeObject *tp, int k, PyObject *d, size_t i, svcm_kpi_slot *s)
{
    static const char *const keys[6][5] = {{"interval"}, {"scale", "low", "top_boxes", "method"},
                                           {"scale", "low", "method"}, {"kind"},
                                           {"rel_err", "max_buckets", "exact_limit"}, {NULL}};
    static const char *const field[] = {"slot.feedback", "slot.feedback", "slot.feedback",
                                        "slot.rate", "slot.sketch", "slot.kind"};
    static const int fk[] = {SVCM_FEEDBACK_KIND_NPS, SVCM_FEEDBACK_KIND_CSAT,
                             SVCM_FEEDBACK_KIND_CES};
    svcm_kpi_slot_init(s, k <= 2   ? SVCM_KPI_SLOT_KIND_FEEDBACK
                          : k == 3 ? SVCM_KPI_SLOT_KIND_RATE
                          : k == 4 ? SVCM_KPI_SLOT_KIND_DURATIONS
                                   : SVCM_KPI_SLOT_KIND_SLA);
    if (k <= 2)
        svcm_feedback_options_init(&s->feedback, fk[k]);
    if (d == Py_None)
        return 0;
    if (k == 3 && !PyDict_Check(d))
        return kg_setting(tp, "kind", d, i, field[k], s);
    if (!PyDict_Check(d)) {
        PyErr_Format(PyExc_TypeError, "slots[%zu]: %s settings must be a dict, got %s", i,
                     kg_kind_names[k], Py_TYPE(d)->tp_name);
        return -1;
    }
    Py_ssize_t known = 0;
    for (int j = 0; keys[k][j] != NULL; j++)
        known += PyDict_GetItemString(d, keys[k][j]) != NULL;
    if (known != PyDict_Size(d)) {
        kg_raise(tp, SVCM_EINVAL, i, field[k], "unknown setting for a %s slot",
                 kg_kind_names[k]);
        return -1;
    }
    for (int j = 0; keys[k][j] != NULL; j++) {
        PyObject *v = PyDict_GetItemString(d, keys[k][j]);
        if (v != NULL && kg_setting(tp, keys[k][j], v, i, field[k], s) < 0)
            return -1;
    }
    return 0;
}

/* Slot i from its description: "kind" or (kind,) or (kind, settings). */
static int kg_slot_from(PyTypeObject *tp, PyObject *item, size_t i, svcm_kpi_slot *s)
{
    PyObject *name = item, *settings = Py_None;
    if (PyTuple_Check(item) || PyList_Check(item)) {
        Py_ssize_t n = PySequence_Size(item);
        if (n < 1 || n > 2) {
            PyErr_Format(PyExc_TypeError, "slots[%zu]: expected (kind,) or (kind, settings)", i);
            return -1;
        }
        name = PySequence_GetItem(item, 0);
        settings = n == 2 ? PySequence_GetItem(item, 1) : Py_NewRef(Py_None);
        if (name == NULL || settings == NULL) {
            Py_XDECREF(name);
            Py_XDECREF(settings);
            return -1;
        }
    } else {
        Py_INCREF(name);
        Py_INCREF(settings);
    }
    int k = -1, rc = -1;
    if (!PyUnicode_Check(name)) {
        PyErr_Format(PyExc_TypeError, "slots[%zu]: expected a kind name such as 'nps', got %s",
                     i, Py_TYPE(name)->tp_name);
    } else {
        for (int j = 0; j < KG_KIND_NAMES; j++)
            if (PyUnicode_CompareWithASCIIString(name, kg_kind_names[j]) == 0)
                k = j;
        if (k < 0)
            kg_raise(tp, SVCM_EINVAL, i, "slot.kind",
                     "unknown slot kind (nps, csat, ces, rate, durations, sla)");
        else
            rc = kg_make_slot(tp, k, settings, i, s);
    }
    Py_DECREF(name);
    Py_DECREF(settings);
    return rc;
}

static PyObject *kg_wrap(PyTypeObject *tp, svcm_kpi_groups *g)
{
    KPIGroupsObject *self = (KPIGroupsObject *)PyType_GenericAlloc(tp, 0);
    if (self == NULL) {
        svcm_kpi_groups_free(g);
        return NULL;
    }
    self->g = g;
    self->busy = 0;
    return (PyObject *)self;
}

static PyObject *KPIGroups_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"slots", NULL};
    PyObject *slots;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O:KPIGroups", kwlist, &slots))
        return NULL;
    PyObject *seq = svcmpy_snapshot(slots, "KPIGroups: slots must be a sequence of slot "
                                           "descriptions");
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n < 1 || n > (Py_ssize_t)SVCM_KPI_GROUPS_MAX_SLOTS) {
        Py_DECREF(seq);
        return kg_raise(tp, SVCM_EINVAL, SVCM_NO_INDEX, "n_slots", "%zd slots, need 1..%u", n,
                        SVCM_KPI_GROUPS_MAX_SLOTS);
    }
    svcm_kpi_slot s[SVCM_KPI_GROUPS_MAX_SLOTS];
    for (Py_ssize_t i = 0; i < n; i++)
        if (kg_slot_from(tp, PySequence_Fast_GET_ITEM(seq, i), (size_t)i, &s[i]) < 0) {
            Py_DECREF(seq);
            return NULL;
        }
    Py_DECREF(seq);
    svcm_kpi_groups_options o;
    svcm_kpi_groups_options_init(&o);
    o.slots = s;
    o.n_slots = (size_t)n;
    svcm_kpi_groups *g;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_kpi_groups_new(&o, NULL, &g, &err);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(tp, rc, &err);
    return kg_wrap(tp, g);
}

static void KPIGroups_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    svcm_kpi_groups_free(((KPIGroupsObject *)self)->g);
    tp->tp_free(self);
    Py_DECREF(tp);
}

/* The description of slot i, as the constructor takes it back. */
static PyObject *kg_slot_description(const svcm_kpi_slot *s)
{
    switch (s->kind) {
    case SVCM_KPI_SLOT_KIND_FEEDBACK: {
        const svcm_feedback_options *f = &s->feedback;
        const char *name = svcm_feedback_kind_name((int)f->kind);
        /* The convention is listed when it is not the default. */
        PyObject *t;
        if (f->kind == SVCM_FEEDBACK_KIND_CSAT)
            t = Py_BuildValue("(s{s:l,s:l,s:k})", name, "scale", (long)f->high, "low",
                              (long)f->low, "top_boxes", (unsigned long)f->top_boxes);
        else if (f->kind == SVCM_FEEDBACK_KIND_CES)
            t = Py_BuildValue("(s{s:l,s:l})", name, "scale", (long)f->high, "low",
                              (long)f->low);
        else
            t = Py_BuildValue("(s{})", name);
        int conv = f->kind == SVCM_FEEDBACK_KIND_CSAT  ? (int)f->csat_method
                   : f->kind == SVCM_FEEDBACK_KIND_CES ? (int)f->ces_method
                                                       : (int)f->nps_interval;
        if (t != NULL && conv != 0) {
            PyObject *v = PyUnicode_FromString(convention_name(
                f->kind, (int)f->csat_method, (int)f->ces_method, (int)f->nps_interval));
            if (v == NULL ||
                PyDict_SetItemString(PyTuple_GET_ITEM(t, 1),
                                     f->kind == SVCM_FEEDBACK_KIND_NPS ? "interval" : "method",
                                     v) < 0)
                Py_CLEAR(t);
            Py_XDECREF(v);
        }
        return t;
    }
    case SVCM_KPI_SLOT_KIND_RATE:
        return Py_BuildValue("(s{s:s})", "rate", "kind", svcm_rate_kind_name((int)s->rate));
    case SVCM_KPI_SLOT_KIND_DURATIONS:
        return Py_BuildValue("(s{s:d,s:n,s:n})", "durations", "rel_err", s->sketch.rel_err,
                             "max_buckets", (Py_ssize_t)s->sketch.max_buckets, "exact_limit",
                             (Py_ssize_t)s->sketch.exact_limit);
    default:
        return Py_BuildValue("(s{})", "sla");
    }
}

static PyObject *KPIGroups_get_slots(PyObject *self, void *closure)
{
    const svcm_kpi_groups *g = ((KPIGroupsObject *)self)->g; /* settings never change */
    size_t n = svcm_kpi_groups_slot_count(g);
    PyObject *t = PyTuple_New((Py_ssize_t)n);
    for (size_t i = 0; t != NULL && i < n; i++) {
        svcm_kpi_slot s;
        PyObject *d = svcm_kpi_groups_slot(g, i, &s) == SVCM_OK ? kg_slot_description(&s)
                                                                 : NULL;
        if (d == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_SystemError, "KPIGroups: slot settings unreadable");
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, d);
    }
    return t;
}

/* ---- groups and keys */

/* A key's bytes: a str (UTF-8) or any bytes-like object. */
typedef struct {
    const char *p;
    Py_ssize_t n;
    Py_buffer view;
    int has_view;
} kg_keybuf;

static int kg_key_get(PyObject *key, kg_keybuf *k)
{
    k->has_view = 0;
    if (PyUnicode_Check(key)) {
        k->p = PyUnicode_AsUTF8AndSize(key, &k->n);
        return k->p == NULL ? -1 : 0;
    }
    if (!PyObject_CheckBuffer(key)) {
        PyErr_Format(PyExc_TypeError, "key: expected str or bytes, got %s",
                     Py_TYPE(key)->tp_name);
        return -1;
    }
    if (PyObject_GetBuffer(key, &k->view, PyBUF_SIMPLE) < 0)
        return -1;
    k->has_view = 1;
    k->p = k->view.buf;
    k->n = k->view.len;
    return 0;
}

static void kg_key_release(kg_keybuf *k)
{
    if (k->has_view)
        PyBuffer_Release(&k->view);
    k->has_view = 0;
}

PyDoc_STRVAR(KPIGroups_group_doc,
             "group(key) -> int\n\nThe number of the group of key (str, or bytes of UTF-8), "
             "creating it with empty slots when it is new. Groups are numbered 0, 1, ... in "
             "the order first seen. InvalidInput for invalid UTF-8 or a key over 65536 bytes.");
static PyObject *KPIGroups_group(PyObject *self, PyObject *key)
{
    svcm_kpi_groups *g = kg_ready(self);
    kg_keybuf k;
    if (g == NULL || kg_key_get(key, &k) < 0)
        return NULL;
    size_t index;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_kpi_groups_group(g, k.p, (size_t)k.n, &index, &err);
    kg_key_release(&k);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, &err);
    return PyLong_FromSize_t(index);
}

PyDoc_STRVAR(KPIGroups_find_doc,
             "find(key) -> int | None\n\nThe number of the group of key, or None when there is "
             "none (nothing is created).");
static PyObject *KPIGroups_find(PyObject *self, PyObject *key)
{
    svcm_kpi_groups *g = kg_ready(self);
    kg_keybuf k;
    if (g == NULL || kg_key_get(key, &k) < 0)
        return NULL;
    size_t index;
    int rc = svcm_kpi_groups_find(g, k.p, (size_t)k.n, &index);
    kg_key_release(&k);
    if (rc == SVCM_ENOTFOUND)
        Py_RETURN_NONE;
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    return PyLong_FromSize_t(index);
}

/* Group number v of g: InvalidInput (field "group") unless 0 <= v < count. */
static int kg_group_arg(PyObject *self, const svcm_kpi_groups *g, Py_ssize_t v, size_t *out)
{
    size_t n = svcm_kpi_groups_count(g);
    if (v < 0 || (size_t)v >= n) {
        kg_raise(Py_TYPE(self), SVCM_EINVAL, SVCM_NO_INDEX, "group",
                 "group %zd is not one of the %zu groups", v, n);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

static PyObject *kg_key_str(const svcm_kpi_groups *g, size_t group)
{
    const char *key;
    size_t len;
    if (svcm_kpi_groups_key(g, group, &key, &len) != SVCM_OK) {
        PyErr_SetString(PyExc_SystemError, "KPIGroups: group key unreadable");
        return NULL;
    }
    return PyUnicode_DecodeUTF8(key, (Py_ssize_t)len, "strict");
}

static PyObject *KPIGroups_key(PyObject *self, PyObject *arg)
{
    svcm_kpi_groups *g = kg_ready(self);
    if (g == NULL)
        return NULL;
    Py_ssize_t v = PyNumber_AsSsize_t(arg, PyExc_OverflowError);
    size_t group;
    if ((v == -1 && PyErr_Occurred()) || kg_group_arg(self, g, v, &group) < 0)
        return NULL;
    return kg_key_str(g, group);
}

static PyObject *KPIGroups_keys(PyObject *self, PyObject *unused)
{
    svcm_kpi_groups *g = kg_ready(self);
    if (g == NULL)
        return NULL;
    size_t n = svcm_kpi_groups_count(g);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list != NULL && i < n; i++) {
        PyObject *s = kg_key_str(g, i);
        if (s == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, s);
    }
    return list;
}

static PyObject *KPIGroups_order(PyObject *self, PyObject *unused)
{
    svcm_kpi_groups *g = kg_ready(self);
    if (g == NULL)
        return NULL;
    size_t n = svcm_kpi_groups_count(g);
    size_t *order = PyMem_Malloc(n > 0 ? n * sizeof *order : 1);
    if (order == NULL)
        return PyErr_NoMemory();
    int rc = svcm_kpi_groups_order(g, order, n);
    PyObject *list = rc == SVCM_OK ? PyList_New((Py_ssize_t)n) : NULL;
    for (size_t i = 0; list != NULL && i < n; i++) {
        PyObject *x = PyLong_FromSize_t(order[i]);
        if (x == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, x);
    }
    PyMem_Free(order);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    return list;
}

static Py_ssize_t KPIGroups_len(PyObject *self)
{
    svcm_kpi_groups *g = kg_ready(self);
    return g == NULL ? -1 : (Py_ssize_t)svcm_kpi_groups_count(g);
}

/* ---- adding, one value */

static PyObject *kg_done(PyObject *self, int rc, const svcm_error *err)
{
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, err);
    Py_RETURN_NONE;
}

/* Group and slot numbers of a call, the slot of kind `kind`: InvalidInput
 * naming the field unless both exist. */
static int kg_locate(PyObject *self, Py_ssize_t group, Py_ssize_t slot, svcm_kpi_slot_kind kind,
                     size_t *gi, size_t *si)
{
    static const char *const names[] = {"feedback", "rate", "durations", "sla"};
    const svcm_kpi_groups *g = ((KPIGroupsObject *)self)->g;
    svcm_kpi_slot s;
    if (kg_group_arg(self, g, group, gi) < 0)
        return -1;
    *si = (size_t)slot;
    if (slot < 0 || svcm_kpi_groups_slot(g, *si, &s) != SVCM_OK || s.kind != kind) {
        kg_raise(Py_TYPE(self), SVCM_EINVAL, SVCM_NO_INDEX, "slot",
                 "slot %zd of %zu is not a %s slot", slot, svcm_kpi_groups_slot_count(g),
                 names[kind]);
        return -1;
    }
    return 0;
}

/* An outcome: a bool or the int 0 or 1. */
static int kg_outcome(PyObject *v, bool *out)
{
    if (PyBool_Check(v)) {
        *out = v == Py_True;
        return 0;
    }
    long x = PyLong_Check(v) ? PyLong_AsLong(v) : -2;
    if (x == -1 && PyErr_Occurred())
        PyErr_Clear();
    if (x != 0 && x != 1) {
        PyErr_Format(PyExc_TypeError, "success: expected True, False, 0 or 1, got %s",
                     Py_TYPE(v)->tp_name);
        return -1;
    }
    *out = x == 1;
    return 0;
}

static PyObject *KPIGroups_add_outcome(PyObject *self, PyObject *args)
{
    Py_ssize_t group, slot;
    PyObject *success;
    size_t gi, si;
    bool ok;
    if (!PyArg_ParseTuple(args, "nnO:add_outcome", &group, &slot, &success) ||
        kg_ready(self) == NULL ||
        kg_locate(self, group, slot, SVCM_KPI_SLOT_KIND_RATE, &gi, &si) < 0 ||
        kg_outcome(success, &ok) < 0)
        return NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_kpi_groups_add_outcome(((KPIGroupsObject *)self)->g, gi, si, ok, &err);
    return kg_done(self, rc, &err);
}

static PyObject *KPIGroups_quantiles(PyObject *self, PyObject *args)
{
    Py_ssize_t group, slot;
    PyObject *pq;
    if (!PyArg_ParseTuple(args, "nnO:quantiles", &group, &slot, &pq))
        return NULL;
    const svcm_durations *d;
    size_t gi, si;
    svcmpy_array qa;
    if (kg_ready(self) == NULL ||
        kg_locate(self, group, slot, SVCM_KPI_SLOT_KIND_DURATIONS, &gi, &si) < 0)
        return NULL;
    int rc = svcm_kpi_groups_durations(((KPIGroupsObject *)self)->g, gi, si, &d);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    if (svcmpy_doubles(pq, &qa, "qs") < 0)
        return NULL;
    double *out = PyMem_Malloc(qa.n > 0 ? (size_t)qa.n * sizeof *out : 1);
    PyObject *res = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    if (out == NULL) {
        PyErr_NoMemory();
    } else {
        rc = svcm_durations_quantiles(d, qa.data, (size_t)qa.n, out, &err);
        res = rc == SVCM_OK ? svcmpy_list_from_doubles(out, (size_t)qa.n)
                            : svcmpy_raise_type(Py_TYPE(self), rc, &err);
    }
    PyMem_Free(out);
    svcmpy_array_release(&qa);
    return res;
}

/* ---- merge and saved form */

static PyObject *KPIGroups_merge(PyObject *self, PyObject *other)
{
    if (!Py_IS_TYPE(other, Py_TYPE(self))) {
        PyErr_Format(PyExc_TypeError, "merge: expected a KPIGroups, got %s",
                     Py_TYPE(other)->tp_name);
        return NULL;
    }
    if (kg_ready(self) == NULL || kg_ready(other) == NULL)
        return NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_kpi_groups_merge(((KPIGroupsObject *)self)->g, ((KPIGroupsObject *)other)->g,
                                   &err);
    return kg_done(self, rc, &err);
}

static PyObject *KPIGroups_to_bytes(PyObject *self, PyObject *unused)
{
    svcm_kpi_groups *g = kg_ready(self);
    if (g == NULL)
        return NULL;
    size_t len = 0;
    int rc = svcm_kpi_groups_save(g, NULL, 0, &len);
    if (rc != SVCM_ENOSPC)
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)len);
    if (b == NULL)
        return NULL;
    rc = svcm_kpi_groups_save(g, (unsigned char *)PyBytes_AS_STRING(b), len, &len);
    if (rc != SVCM_OK) {
        Py_DECREF(b);
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    }
    return b;
}

static PyObject *KPIGroups_from_bytes(PyObject *cls, PyObject *data)
{
    Py_buffer view;
    if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    svcm_kpi_groups *g = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_kpi_groups_load(view.buf, (size_t)view.len, NULL, &g, &err);
    PyBuffer_Release(&view);
    if (rc != SVCM_OK)
        return svcmpy_raise_type((PyTypeObject *)cls, rc, &err);
    return kg_wrap((PyTypeObject *)cls, g);
}

static PyObject *KPIGroups_repr(PyObject *self)
{
    KPIGroupsObject *o = (KPIGroupsObject *)self;
    if (o->busy)
        return PyUnicode_FromFormat("<svcm.KPIGroups slots=%zu (busy)>",
                                    svcm_kpi_groups_slot_count(o->g));
    return PyUnicode_FromFormat("<svcm.KPIGroups slots=%zu groups=%zu>",
                                svcm_kpi_groups_slot_count(o->g), svcm_kpi_groups_count(o->g));
}

static PyMethodDef KPIGroups_methods[] = {
    {"group", KPIGroups_group, METH_O, KPIGroups_group_doc},
    {"find", KPIGroups_find, METH_O, KPIGroups_find_doc},
    {"key", KPIGroups_key, METH_O, "key(group) -> str\n\nThe key of group number group."},
    {"keys", KPIGroups_keys, METH_NOARGS,
     "keys() -> list[str]\n\nEvery key, in group order (first seen first)."},
    {"order", KPIGroups_order, METH_NOARGS,
     "order() -> list[int]\n\nThe group numbers sorted by key (code-point order)."},
    {"add_outcome", KPIGroups_add_outcome, METH_VARARGS,
     "add_outcome(group, slot, success) -> None\n\nCount one trial (True/False or 1/0) in "
     "a rate slot."},
    {"quantiles", KPIGroups_quantiles, METH_VARARGS,
     "quantiles(group, slot, qs) -> list[float]\n\nQuantiles of a durations slot."},
    {"merge", KPIGroups_merge, METH_O,
     "merge(other) -> None\n\nAdd every group of other by key (new keys at the end); "
     "Mismatch if the slots differ. other is unchanged."},
    {"to_bytes", KPIGroups_to_bytes, METH_NOARGS,
     "to_bytes() -> bytes\n\nThe object in svcm's versioned little-endian format."},
    {"from_bytes", KPIGroups_from_bytes, METH_O | METH_CLASS,
     "from_bytes(data) -> KPIGroups\n\nLoad bytes made by to_bytes(); FormatError if "
     "malformed."},
    SVCMPY_REDUCE_METHOD,
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef KPIGroups_getset[] = {
    {"slots", KPIGroups_get_slots, NULL,
     "the slot descriptions, normalised: ((kind, settings), ...)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot KPIGroups_slots[] = {
    {Py_tp_new, (void *)KPIGroups_new},
    {Py_tp_dealloc, (void *)KPIGroups_dealloc},
    {Py_tp_methods, KPIGroups_methods},
    {Py_tp_getset, KPIGroups_getset},
    {Py_tp_repr, (void *)KPIGroups_repr},
    {Py_sq_length, (void *)KPIGroups_len},
    {Py_tp_doc,
     (void *)"KPIGroups(slots)\n--\n\nThe same KPI accumulators (slots) for every group key "
             "(channel, agent, queue...). slots is a sequence of 1..64 slot descriptions, "
             "each a kind name or a (kind, settings) pair:\n"
             "  'nps'                                      NPS answers 0-10\n"
             "  ('csat', {'scale': 5, 'top_boxes': 2, 'low': 1})\n"
             "  ('ces', {'scale': 7, 'low': 1})\n"
             "  ('rate', 'fcr') or ('rate', {'kind': 'fcr'})   a Rate kind\n"
             "  ('durations', {'rel_err': 0.01, 'max_buckets': 2048, 'exact_limit': 1024})\n"
             "  'sla'                                      met / breached / pending counts\n"
             "Settings left out take those defaults. Groups and slots are numbered from 0; "
             "group(key) finds or creates a group. Mergeable, saveable, picklable."},
    {0, NULL},
};
static PyType_Spec KPIGroups_spec = {"svcm.KPIGroups", sizeof(KPIGroupsObject), 0,
                                     Py_TPFLAGS_DEFAULT, KPIGroups_slots};

/* ----------------------------------------------------------------- init */

int svcmpy_init_feedback(PyObject *module)
{
    if (PyModule_AddFunctions(module, feedback_functions) < 0 ||
        svcmpy_add_Rate(module, NULL, NULL) < 0)
        return -1;
    PyObject *tuple = PyTuple_New(T_COUNT);
    if (tuple == NULL)
        return -1;
    const char *names[T_COUNT] = {"ServqualResult", "NPS", "CSAT", "CES", "KPIGroups"};
    PyType_Spec *specs[] = {&NPS_spec, &CSAT_spec, &CES_spec, &KPIGroups_spec};
    for (int i = 0; i < T_COUNT; i++) {
        PyObject *tp = i < T_NPS ? (PyObject *)PyStructSequence_NewType(&servqual_desc)
                                 : PyType_FromModuleAndSpec(module, specs[i - T_NPS], NULL);
        /* the described methods and properties (bindings/api/feedback.py) */
        int members = tp == NULL          ? -1
                      : i == T_KPI_GROUPS ? svcmpy_members_KPIGroups(tp)
                      : i >= T_NPS        ? svcmpy_members__Feedback(tp)
                                          : 0;
        if (members < 0 || PyModule_AddObjectRef(module, names[i], tp) < 0) {
            Py_XDECREF(tp);
            Py_DECREF(tuple);
            return -1;
        }
        PyTuple_SET_ITEM(tuple, i, tp);
    }
    if (svcmpy_engine_set(module, SVCMPY_FEEDBACK, tuple) < 0)
        return -1;
    PyObject *dims = name_tuple(svcm_servqual_dimension_name, SVCM_SERVQUAL_DIMENSIONS);
    if (dims == NULL || PyModule_AddObject(module, "SERVQUAL_DIMENSIONS", dims) < 0) {
        Py_XDECREF(dims);
        return -1;
    }
    PyObject *kinds = name_tuple(svcm_rate_kind_name, SVCM_RATE_KIND_COUNT);
    if (kinds == NULL || PyModule_AddObject(module, "RATE_KINDS", kinds) < 0) {
        Py_XDECREF(kinds);
        return -1;
    }
    return 0;
}
