/* Python binding of the feedback engine: CSAT / NPS / CES accumulators and
 * one-shot functions, rates, period comparisons, SERVQUAL and consistency. */
#include "svcmpy.h"

#include "svcm/kpi.h"

#include <string.h>

/* Items of this engine's private tuple. */
enum {
    T_FEEDBACK_RESULT,
    T_COMPARISON,
    T_RATE_RESULT,
    T_SERVQUAL_RESULT,
    T_CONSISTENCY_RESULT,
    T_NPS,
    T_CSAT,
    T_CES,
    T_RATE,
    T_COUNT
};

static PyTypeObject *engine_type(PyObject *module, int item)
{
    return (PyTypeObject *)svcmpy_engine_item(module, SVCMPY_FEEDBACK, item);
}

/* ------------------------------------------------------ result records */

static PyStructSequence_Field feedback_result_fields[] = {
    {"value", "CSAT: top-box share in [0, 1]; NPS: score in [-100, 100]; CES: mean answer"},
    {"n", "number of answers"},
    {"ci", "(lo, hi) confidence interval for value"},
    {"std_error", "standard error of value"},
    {"mean", "mean answer"},
    {"confidence", "confidence level of ci"},
    {"kind", "'csat', 'nps' or 'ces'"},
    {"satisfied", "CSAT: answers in the top boxes (else 0)"},
    {"promoters", "NPS: answers 9-10 (else 0)"},
    {"passives", "NPS: answers 7-8 (else 0)"},
    {"detractors", "NPS: answers 0-6 (else 0)"},
    {NULL, NULL},
};
static PyStructSequence_Desc feedback_result_desc = {
    "svcm.FeedbackResult", "A CSAT, NPS or CES score with its confidence interval.",
    feedback_result_fields, 11};

static PyStructSequence_Field comparison_fields[] = {
    {"diff", "second minus first (NPS: points; CSAT and rates: share; CES: mean)"},
    {"ci", "(lo, hi) confidence interval for diff"},
    {"p_value", "two-sided p-value"},
    {"statistic", "z (NPS, CSAT, rates) or Welch t (CES)"},
    {"df", "degrees of freedom (inf for z tests)"},
    {"p_greater", "one-sided p-value for second > first"},
    {"p_less", "one-sided p-value for second < first"},
    {"confidence", "confidence level of ci"},
    {NULL, NULL},
};
static PyStructSequence_Desc comparison_desc = {
    "svcm.Comparison", "A two-period comparison: difference, interval, p-value.",
    comparison_fields, 8};

static PyStructSequence_Field rate_result_fields[] = {
    {"rate", "successes / trials"},
    {"ci", "(lo, hi) Wilson score interval"},
    {"successes", "successes counted"},
    {"trials", "trials counted"},
    {"kind", "KPI label, e.g. 'fcr'"},
    {"confidence", "confidence level of ci"},
    {NULL, NULL},
};
static PyStructSequence_Desc rate_result_desc = {
    "svcm.RateResult", "A rate with its Wilson interval.", rate_result_fields, 6};

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

static PyStructSequence_Field consistency_fields[] = {
    {"mean", "mean of the values"},
    {"sd", "sample standard deviation (n - 1)"},
    {"cv", "sd / |mean|"},
    {"sd_population", "population standard deviation (n)"},
    {"cv_population", "sd_population / |mean|"},
    {"n", "number of channels"},
    {"min", "smallest value"},
    {"max", "largest value"},
    {NULL, NULL},
};
static PyStructSequence_Desc consistency_desc = {
    "svcm.ConsistencyResult", "Spread of one KPI across channels.", consistency_fields, 8};

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

static PyObject *feedback_record(PyObject *module, const svcm_feedback_summary *r,
                                 double confidence)
{
    PyTypeObject *tp = engine_type(module, T_FEEDBACK_RESULT);
    if (tp == NULL)
        return NULL;
    PyObject *items[11] = {
        PyFloat_FromDouble(r->value),
        PyLong_FromUnsignedLongLong(r->n),
        svcmpy_interval(r->ci),
        PyFloat_FromDouble(r->std_error),
        PyFloat_FromDouble(r->mean),
        PyFloat_FromDouble(confidence),
        PyUnicode_FromString(svcm_feedback_kind_name((int)r->kind)),
        PyLong_FromUnsignedLongLong(r->satisfied),
        PyLong_FromUnsignedLongLong(r->promoters),
        PyLong_FromUnsignedLongLong(r->passives),
        PyLong_FromUnsignedLongLong(r->detractors),
    };
    return fill_record(tp, items, 11);
}

static PyObject *comparison_record(PyObject *module, const svcm_test_result *t, double confidence)
{
    PyTypeObject *tp = engine_type(module, T_COMPARISON);
    if (tp == NULL)
        return NULL;
    PyObject *items[8] = {
        PyFloat_FromDouble(t->diff),      svcmpy_interval(t->ci),
        PyFloat_FromDouble(t->p_value),   PyFloat_FromDouble(t->statistic),
        PyFloat_FromDouble(t->df),        PyFloat_FromDouble(t->p_greater),
        PyFloat_FromDouble(t->p_less),    PyFloat_FromDouble(confidence),
    };
    return fill_record(tp, items, 8);
}

static PyObject *rate_record(PyObject *module, const svcm_rate_summary *s, double confidence)
{
    PyTypeObject *tp = engine_type(module, T_RATE_RESULT);
    if (tp == NULL)
        return NULL;
    PyObject *items[6] = {
        PyFloat_FromDouble(s->rate),
        svcmpy_interval(s->ci),
        PyLong_FromUnsignedLongLong(s->successes),
        PyLong_FromUnsignedLongLong(s->trials),
        PyUnicode_FromString(svcm_rate_kind_name((int)s->kind)),
        PyFloat_FromDouble(confidence),
    };
    return fill_record(tp, items, 6);
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

/* Count scores (a number, a buffer or a sequence) into f, releasing the GIL
 * for the batch. Returns 0, or -1 with an exception set. */
static int add_scores(PyObject *module, FeedbackObject *owner, svcm_feedback *f, PyObject *scores)
{
    svcm_error err;
    svcm_error_clear(&err);
    int rc;
    if (PyFloat_Check(scores) || PyLong_Check(scores)) {
        double x = PyFloat_AsDouble(scores);
        if (x == -1.0 && PyErr_Occurred())
            return -1;
        rc = svcm_feedback_add(f, x);
        if (rc == SVCM_EINVAL) {
            svcm_feedback_options o;
            svcm_feedback_get_options(f, &o);
            err.field = "score";
            snprintf(err.message, sizeof err.message,
                     "score %g is not an integer on the scale %ld..%ld", x, (long)o.low,
                     (long)o.high);
        }
    } else {
        svcmpy_array a;
        if (svcmpy_doubles(scores, &a, "scores") < 0)
            return -1;
        if (owner != NULL)
            owner->busy = 1;
        Py_BEGIN_ALLOW_THREADS
        rc = svcm_feedback_add_batch(f, a.data, (size_t)a.n, &err);
        Py_END_ALLOW_THREADS
        if (owner != NULL)
            owner->busy = 0;
        svcmpy_array_release(&a);
    }
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        return -1;
    }
    return 0;
}

static int kind_of_type(PyObject *module, PyTypeObject *tp)
{
    for (int i = T_NPS; i <= T_CES; i++)
        if (engine_type(module, i) == tp)
            return i == T_NPS ? SVCM_FEEDBACK_NPS
                   : i == T_CSAT ? SVCM_FEEDBACK_CSAT
                                 : SVCM_FEEDBACK_CES;
    return -1;
}

static int type_item_of_kind(int kind)
{
    return kind == SVCM_FEEDBACK_NPS ? T_NPS : kind == SVCM_FEEDBACK_CSAT ? T_CSAT : T_CES;
}

/* Options from Python arguments: scale is the highest answer. */
static int make_options(int kind, int scale, int top_boxes, int low, svcm_feedback_options *o)
{
    svcm_feedback_options_init(o, kind);
    if (kind != SVCM_FEEDBACK_NPS) {
        o->high = scale;
        o->low = low;
    }
    if (kind == SVCM_FEEDBACK_CSAT)
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
    int rc = svcm_feedback_new(o, NULL, &f);
    if (rc != SVCM_OK) {
        svcm_error err;
        svcm_error_clear(&err);
        snprintf(err.message, sizeof err.message,
                 "invalid scale %ld..%ld (top boxes %lu): need low < high, at most %d levels, "
                 "1 <= top_boxes < levels",
                 (long)o->low, (long)o->high, (unsigned long)o->top_boxes,
                 SVCM_FEEDBACK_MAX_LEVELS);
        return svcmpy_raise_type(tp, rc, rc == SVCM_EINVAL ? &err : NULL);
    }
    return new_feedback_object(tp, f);
}

static PyObject *NPS_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, ":NPS", kwlist))
        return NULL;
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_NPS);
    return create_feedback(tp, &o);
}

static PyObject *CSAT_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"scale", "top_boxes", "low", NULL};
    int scale = 5, top = 2, low = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|i$ii:CSAT", kwlist, &scale, &top, &low))
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_CSAT, scale, top, low, &o);
    return create_feedback(tp, &o);
}

static PyObject *CES_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"scale", "low", NULL};
    int scale = 7, low = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|i$i:CES", kwlist, &scale, &low))
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_CES, scale, 2, low, &o);
    return create_feedback(tp, &o);
}

static void Feedback_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    svcm_feedback_free(((FeedbackObject *)self)->f);
    tp->tp_free(self);
    Py_DECREF(tp);
}

PyDoc_STRVAR(Feedback_add_doc,
             "add(scores) -> None\n\nCount one answer (a number) or many (a buffer such as "
             "array('d') or a sequence). All or nothing: a bad score raises InvalidInput "
             "naming its index and nothing is counted.");
static PyObject *Feedback_add(PyObject *self, PyObject *scores)
{
    FeedbackObject *o = (FeedbackObject *)self;
    if (check_idle(o) < 0)
        return NULL;
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL || add_scores(module, o, o->f, scores) < 0)
        return NULL;
    Py_RETURN_NONE;
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

PyDoc_STRVAR(Feedback_result_doc,
             "result(confidence=0.95) -> FeedbackResult\n\nThe score with its interval "
             "(CSAT: Wilson; NPS: multinomial normal; CES: Student t). Raises EmptyError "
             "when nothing was counted (CES: fewer than two answers).");
static PyObject *Feedback_result(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"confidence", NULL};
    double confidence = 0.95;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|d:result", kwlist, &confidence))
        return NULL;
    FeedbackObject *o = (FeedbackObject *)self;
    if (check_idle(o) < 0)
        return NULL;
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL)
        return NULL;
    svcm_feedback_summary r;
    int rc = svcm_feedback_result(o->f, confidence, &r);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return feedback_record(module, &r, confidence);
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
    int rc = svcm_feedback_load(view.buf, (size_t)view.len, NULL, &f);
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

static PyObject *Feedback_get_n(PyObject *self, void *closure)
{
    if (check_idle((FeedbackObject *)self) < 0)
        return NULL;
    return PyLong_FromUnsignedLongLong(svcm_feedback_count(((FeedbackObject *)self)->f));
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
    if (opts.kind != SVCM_FEEDBACK_CSAT)
        Py_RETURN_NONE;
    return PyLong_FromUnsignedLong(opts.top_boxes);
}

static PyObject *Feedback_repr(PyObject *self)
{
    svcm_feedback_options opts;
    FeedbackObject *o = (FeedbackObject *)self;
    svcm_feedback_get_options(o->f, &opts);
    const char *name = opts.kind == SVCM_FEEDBACK_NPS    ? "NPS"
                       : opts.kind == SVCM_FEEDBACK_CSAT ? "CSAT"
                                                         : "CES";
    if (o->busy) /* the count is being written by another thread */
        return PyUnicode_FromFormat("<svcm.%s scale=%ld..%ld (busy)>", name, (long)opts.low,
                                    (long)opts.high);
    return PyUnicode_FromFormat("<svcm.%s scale=%ld..%ld n=%llu>", name, (long)opts.low,
                                (long)opts.high, (unsigned long long)svcm_feedback_count(o->f));
}

static PyMethodDef Feedback_methods[] = {
    {"add", Feedback_add, METH_O, Feedback_add_doc},
    {"merge", Feedback_merge, METH_O, Feedback_merge_doc},
    {"result", (PyCFunction)(void (*)(void))Feedback_result, METH_VARARGS | METH_KEYWORDS,
     Feedback_result_doc},
    {"to_bytes", Feedback_to_bytes, METH_NOARGS, Feedback_to_bytes_doc},
    {"from_bytes", Feedback_from_bytes, METH_O | METH_CLASS, Feedback_from_bytes_doc},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Feedback_getset[] = {
    {"n", Feedback_get_n, NULL, "number of answers counted", NULL},
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
    NPS_new, "NPS()\n--\n\nMergeable Net Promoter Score accumulator (answers 0-10; promoters "
             "9-10, detractors 0-6).")};
static PyType_Slot CSAT_slots[] = {FEEDBACK_SLOTS(
    CSAT_new, "CSAT(scale=5, *, top_boxes=2, low=1)\n--\n\nMergeable CSAT accumulator: "
              "answers low..scale; the score is the share in the top_boxes highest levels.")};
static PyType_Slot CES_slots[] = {FEEDBACK_SLOTS(
    CES_new, "CES(scale=7, *, low=1)\n--\n\nMergeable customer effort score accumulator: the "
             "mean of answers low..scale.")};

#define FEEDBACK_SPEC(name, slots)                                                          \
    {"svcm." name, sizeof(FeedbackObject), 0, Py_TPFLAGS_DEFAULT, slots}
static PyType_Spec NPS_spec = FEEDBACK_SPEC("NPS", NPS_slots);
static PyType_Spec CSAT_spec = FEEDBACK_SPEC("CSAT", CSAT_slots);
static PyType_Spec CES_spec = FEEDBACK_SPEC("CES", CES_slots);

/* ------------------------------------------------- one-shot functions */

/* A feedback accumulator for obj: the object's own when obj is an
 * accumulator of the wanted kind, else a temporary built from scores with
 * options o (*tmp receives it; free it after use). */
static svcm_feedback *feedback_of(PyObject *module, PyObject *obj, const svcm_feedback_options *o,
                                  svcm_feedback **tmp, const char *what)
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
        return fo->f;
    }
    int rc = svcm_feedback_new(o, NULL, tmp);
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, NULL);
        return NULL;
    }
    if (add_scores(module, NULL, *tmp, obj) < 0) {
        svcm_feedback_free(*tmp);
        *tmp = NULL;
        return NULL;
    }
    return *tmp;
}

static PyObject *score_once(PyObject *module, PyObject *scores, const svcm_feedback_options *o,
                            double confidence)
{
    svcm_feedback *tmp;
    svcm_feedback *f = feedback_of(module, scores, o, &tmp, svcm_feedback_kind_name((int)o->kind));
    if (f == NULL)
        return NULL;
    svcm_feedback_summary r;
    int rc = svcm_feedback_result(f, confidence, &r);
    svcm_feedback_free(tmp);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return feedback_record(module, &r, confidence);
}

PyDoc_STRVAR(nps_doc, "nps(scores, confidence=0.95) -> FeedbackResult\n\n"
                      "Net Promoter Score of answers 0-10 (a buffer such as array('d'), a "
                      "sequence, or an NPS accumulator) with its multinomial normal interval.");
static PyObject *py_nps(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"scores", "confidence", NULL};
    PyObject *scores;
    double confidence = 0.95;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|d:nps", kwlist, &scores, &confidence))
        return NULL;
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_NPS);
    return score_once(module, scores, &o, confidence);
}

PyDoc_STRVAR(csat_doc,
             "csat(scores, scale=5, *, top_boxes=2, low=1, confidence=0.95) -> FeedbackResult\n\n"
             "Share of answers in the top_boxes highest levels of low..scale, with a Wilson "
             "interval.");
static PyObject *py_csat(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"scores", "scale", "top_boxes", "low", "confidence", NULL};
    PyObject *scores;
    int scale = 5, top = 2, low = 1;
    double confidence = 0.95;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|i$iid:csat", kwlist, &scores, &scale, &top,
                                     &low, &confidence))
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_CSAT, scale, top, low, &o);
    return score_once(module, scores, &o, confidence);
}

PyDoc_STRVAR(ces_doc, "ces(scores, scale=7, *, low=1, confidence=0.95) -> FeedbackResult\n\n"
                      "Mean answer on low..scale with a Student t interval.");
static PyObject *py_ces(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"scores", "scale", "low", "confidence", NULL};
    PyObject *scores;
    int scale = 7, low = 1;
    double confidence = 0.95;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|i$id:ces", kwlist, &scores, &scale, &low,
                                     &confidence))
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_CES, scale, 2, low, &o);
    return score_once(module, scores, &o, confidence);
}

static PyObject *compare_once(PyObject *module, PyObject *a, PyObject *b,
                              const svcm_feedback_options *o, double confidence, const char *what)
{
    svcm_feedback *ta, *tb;
    svcm_feedback *fa = feedback_of(module, a, o, &ta, what);
    if (fa == NULL)
        return NULL;
    svcm_feedback *fb = feedback_of(module, b, o, &tb, what);
    if (fb == NULL) {
        svcm_feedback_free(ta);
        return NULL;
    }
    svcm_test_result t;
    int rc = svcm_feedback_compare(fa, fb, confidence, &t);
    svcm_feedback_free(ta);
    svcm_feedback_free(tb);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return comparison_record(module, &t, confidence);
}

PyDoc_STRVAR(compare_nps_doc,
             "compare_nps(a, b, confidence=0.95) -> Comparison\n\nNPS of b minus NPS of a "
             "(points), z-test with multinomial variances. a and b are NPS accumulators or "
             "score sequences.");
static PyObject *py_compare_nps(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"a", "b", "confidence", NULL};
    PyObject *a, *b;
    double confidence = 0.95;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|d:compare_nps", kwlist, &a, &b, &confidence))
        return NULL;
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_NPS);
    return compare_once(module, a, b, &o, confidence, "compare_nps");
}

PyDoc_STRVAR(compare_csat_doc,
             "compare_csat(a, b, confidence=0.95, *, scale=5, top_boxes=2, low=1) -> "
             "Comparison\n\nTop-box share of b minus a, two-proportion z-test. a and b are CSAT "
             "accumulators or score sequences (scored with scale/top_boxes/low).");
static PyObject *py_compare_csat(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"a", "b", "confidence", "scale", "top_boxes", "low", NULL};
    PyObject *a, *b;
    double confidence = 0.95;
    int scale = 5, top = 2, low = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|d$iii:compare_csat", kwlist, &a, &b,
                                     &confidence, &scale, &top, &low))
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_CSAT, scale, top, low, &o);
    return compare_once(module, a, b, &o, confidence, "compare_csat");
}

PyDoc_STRVAR(compare_ces_doc,
             "compare_ces(a, b, confidence=0.95, *, scale=7, low=1) -> Comparison\n\n"
             "Mean of b minus mean of a, Welch's t-test. a and b are CES accumulators or score "
             "sequences.");
static PyObject *py_compare_ces(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"a", "b", "confidence", "scale", "low", NULL};
    PyObject *a, *b;
    double confidence = 0.95;
    int scale = 7, low = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|d$ii:compare_ces", kwlist, &a, &b,
                                     &confidence, &scale, &low))
        return NULL;
    svcm_feedback_options o;
    make_options(SVCM_FEEDBACK_CES, scale, 2, low, &o);
    return compare_once(module, a, b, &o, confidence, "compare_ces");
}

/* ---------------------------------------------------------------- rates */

typedef struct {
    PyObject_HEAD
    svcm_rate r;
    int busy; /* set while a batch runs without the GIL */
} RateObject;

static int rate_idle(RateObject *o)
{
    if (o->busy) {
        svcmpy_state_error(Py_TYPE(o), "object is in use by another thread");
        return -1;
    }
    return 0;
}

/* A non-negative integer count; -1 with ValueError/TypeError set. */
static int get_count(PyObject *obj, const char *what, uint64_t *out)
{
    if (!PyLong_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s: expected an int, got %s", what, Py_TYPE(obj)->tp_name);
        return -1;
    }
    unsigned long long v = PyLong_AsUnsignedLongLong(obj);
    if (v == (unsigned long long)-1 && PyErr_Occurred()) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "%s: expected a count in 0..2**64-1", what);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

/* A rate kind from a name or an int; -1 with ValueError/TypeError set. */
static int parse_rate_kind(PyObject *module, PyObject *obj)
{
    if (obj == NULL)
        return SVCM_RATE_GENERIC;
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

static PyObject *Rate_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"kind", NULL};
    PyObject *kind = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:Rate", kwlist, &kind))
        return NULL;
    PyObject *module = svcmpy_module_of_type(tp);
    if (module == NULL)
        return NULL;
    int k = parse_rate_kind(module, kind);
    if (k < 0)
        return NULL;
    RateObject *self = (RateObject *)PyType_GenericAlloc(tp, 0);
    if (self == NULL)
        return NULL;
    svcm_rate_init(&self->r, k);
    self->busy = 0;
    return (PyObject *)self;
}

static void Rate_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

PyDoc_STRVAR(Rate_add_doc,
             "add(outcomes) -> None\n\nCount one outcome (True/False or 1/0) or many (a "
             "buffer or sequence of 0/1). All or nothing.");
static PyObject *Rate_add(PyObject *self, PyObject *outcomes)
{
    RateObject *o = (RateObject *)self;
    if (rate_idle(o) < 0)
        return NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc;
    if (PyBool_Check(outcomes)) {
        rc = svcm_rate_add(&o->r, outcomes == Py_True);
    } else if (PyLong_Check(outcomes) || PyFloat_Check(outcomes)) {
        double x = PyFloat_AsDouble(outcomes);
        if (x == -1.0 && PyErr_Occurred())
            return NULL;
        rc = svcm_rate_add_batch(&o->r, &x, 1, &err);
    } else {
        svcmpy_array a;
        if (svcmpy_doubles(outcomes, &a, "outcomes") < 0)
            return NULL;
        o->busy = 1;
        Py_BEGIN_ALLOW_THREADS
        rc = svcm_rate_add_batch(&o->r, a.data, (size_t)a.n, &err);
        Py_END_ALLOW_THREADS
        o->busy = 0;
        svcmpy_array_release(&a);
    }
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, &err);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Rate_add_counts_doc,
             "add_counts(successes, trials) -> None\n\nCount trials of which successes "
             "succeeded (successes <= trials).");
static PyObject *Rate_add_counts(PyObject *self, PyObject *args)
{
    PyObject *ps, *pt;
    uint64_t s, t;
    if (!PyArg_ParseTuple(args, "OO:add_counts", &ps, &pt))
        return NULL;
    if (get_count(ps, "successes", &s) < 0 || get_count(pt, "trials", &t) < 0 ||
        rate_idle((RateObject *)self) < 0)
        return NULL;
    int rc = svcm_rate_add_counts(&((RateObject *)self)->r, s, t);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    Py_RETURN_NONE;
}

static PyObject *Rate_merge(PyObject *self, PyObject *other)
{
    if (!Py_IS_TYPE(other, Py_TYPE(self))) {
        PyErr_Format(PyExc_TypeError, "merge: expected a Rate, got %s", Py_TYPE(other)->tp_name);
        return NULL;
    }
    if (rate_idle((RateObject *)self) < 0 || rate_idle((RateObject *)other) < 0)
        return NULL;
    int rc = svcm_rate_merge(&((RateObject *)self)->r, &((RateObject *)other)->r);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    Py_RETURN_NONE;
}

static PyObject *Rate_result(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"confidence", NULL};
    double confidence = 0.95;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|d:result", kwlist, &confidence))
        return NULL;
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL)
        return NULL;
    if (rate_idle((RateObject *)self) < 0)
        return NULL;
    svcm_rate_summary s;
    int rc = svcm_rate_result(&((RateObject *)self)->r, confidence, &s);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return rate_record(module, &s, confidence);
}

static PyObject *Rate_to_bytes(PyObject *self, PyObject *unused)
{
    unsigned char buf[SVCM_RATE_SAVED_SIZE];
    size_t len;
    if (rate_idle((RateObject *)self) < 0)
        return NULL;
    int rc = svcm_rate_save(&((RateObject *)self)->r, buf, sizeof buf, &len);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    return PyBytes_FromStringAndSize((const char *)buf, (Py_ssize_t)len);
}

static PyObject *Rate_from_bytes(PyObject *cls, PyObject *data)
{
    Py_buffer view;
    if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    svcm_rate r;
    int rc = svcm_rate_load(view.buf, (size_t)view.len, &r);
    PyBuffer_Release(&view);
    if (rc != SVCM_OK)
        return svcmpy_raise_type((PyTypeObject *)cls, rc, NULL);
    RateObject *self = (RateObject *)PyType_GenericAlloc((PyTypeObject *)cls, 0);
    if (self == NULL)
        return NULL;
    self->r = r;
    self->busy = 0;
    return (PyObject *)self;
}

static PyObject *Rate_get_kind(PyObject *self, void *closure)
{
    return PyUnicode_FromString(svcm_rate_kind_name((int)((RateObject *)self)->r.kind));
}
static PyObject *Rate_get_successes(PyObject *self, void *closure)
{
    if (rate_idle((RateObject *)self) < 0)
        return NULL;
    return PyLong_FromUnsignedLongLong(((RateObject *)self)->r.successes);
}
static PyObject *Rate_get_trials(PyObject *self, void *closure)
{
    if (rate_idle((RateObject *)self) < 0)
        return NULL;
    return PyLong_FromUnsignedLongLong(((RateObject *)self)->r.trials);
}
static PyObject *Rate_repr(PyObject *self)
{
    RateObject *o = (RateObject *)self;
    if (o->busy)
        return PyUnicode_FromFormat("<svcm.Rate kind=%s (busy)>",
                                    svcm_rate_kind_name((int)o->r.kind));
    return PyUnicode_FromFormat("<svcm.Rate kind=%s %llu/%llu>",
                                svcm_rate_kind_name((int)o->r.kind),
                                (unsigned long long)o->r.successes,
                                (unsigned long long)o->r.trials);
}

static PyMethodDef Rate_methods[] = {
    {"add", Rate_add, METH_O, Rate_add_doc},
    {"add_counts", Rate_add_counts, METH_VARARGS, Rate_add_counts_doc},
    {"merge", Rate_merge, METH_O,
     "merge(other) -> None\n\nAdd another Rate's counts (same kind, else Mismatch)."},
    {"result", (PyCFunction)(void (*)(void))Rate_result, METH_VARARGS | METH_KEYWORDS,
     "result(confidence=0.95) -> RateResult\n\nThe rate with its Wilson interval; EmptyError "
     "without trials."},
    {"to_bytes", Rate_to_bytes, METH_NOARGS, "to_bytes() -> bytes\n\nThe counter as bytes."},
    {"from_bytes", Rate_from_bytes, METH_O | METH_CLASS,
     "from_bytes(data) -> Rate\n\nLoad bytes made by to_bytes(); FormatError if malformed."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Rate_getset[] = {
    {"kind", Rate_get_kind, NULL, "KPI label, e.g. 'fcr'", NULL},
    {"successes", Rate_get_successes, NULL, "successes counted", NULL},
    {"trials", Rate_get_trials, NULL, "trials counted", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot Rate_slots[] = {
    {Py_tp_new, (void *)Rate_new},
    {Py_tp_dealloc, (void *)Rate_dealloc},
    {Py_tp_methods, Rate_methods},
    {Py_tp_getset, Rate_getset},
    {Py_tp_repr, (void *)Rate_repr},
    {Py_tp_doc, (void *)"Rate(kind='generic')\n--\n\nMergeable successes-over-trials counter "
                        "labelled with a KPI kind: generic, fcr, complaint, resolution, churn, "
                        "retention, repurchase, reopen, sla_compliance."},
    {0, NULL},
};
static PyType_Spec Rate_spec = {"svcm.Rate", sizeof(RateObject), 0, Py_TPFLAGS_DEFAULT,
                                Rate_slots};

PyDoc_STRVAR(rate_doc, "rate(successes, trials, kind='generic', confidence=0.95) -> RateResult\n\n"
                       "A rate from counts with its Wilson interval.");
static PyObject *py_rate(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"successes", "trials", "kind", "confidence", NULL};
    PyObject *ps, *pt, *kind = NULL;
    double confidence = 0.95;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|Od:rate", kwlist, &ps, &pt, &kind,
                                     &confidence))
        return NULL;
    int k = parse_rate_kind(module, kind);
    if (k < 0)
        return NULL;
    uint64_t s, t;
    if (get_count(ps, "successes", &s) < 0 || get_count(pt, "trials", &t) < 0)
        return NULL;
    svcm_rate r;
    svcm_rate_init(&r, k);
    int rc = svcm_rate_add_counts(&r, s, t);
    svcm_rate_summary sum;
    if (rc == SVCM_OK)
        rc = svcm_rate_result(&r, confidence, &sum);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return rate_record(module, &sum, confidence);
}

PyDoc_STRVAR(compare_rates_doc,
             "compare_rates(a, b, confidence=0.95) -> Comparison\n\nRate of b minus rate of a "
             "(two Rate objects of the same kind), two-proportion z-test.");
static PyObject *py_compare_rates(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"a", "b", "confidence", NULL};
    PyObject *a, *b;
    double confidence = 0.95;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|d:compare_rates", kwlist, &a, &b,
                                     &confidence))
        return NULL;
    PyTypeObject *tp = engine_type(module, T_RATE);
    if (tp == NULL)
        return NULL;
    if (!Py_IS_TYPE(a, tp) || !Py_IS_TYPE(b, tp)) {
        PyErr_SetString(PyExc_TypeError, "compare_rates: a and b must be svcm.Rate objects");
        return NULL;
    }
    if (rate_idle((RateObject *)a) < 0 || rate_idle((RateObject *)b) < 0)
        return NULL;
    svcm_test_result t;
    int rc = svcm_rate_compare(&((RateObject *)a)->r, &((RateObject *)b)->r, confidence, &t);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return comparison_record(module, &t, confidence);
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
            for (int d = 0; d < SVCM_SERVQUAL_DIMENSIONS; d++) {
                PyObject *x = PyDict_GetItemString(pw, svcm_servqual_dimension_name(d));
                w[d] = x ? PyFloat_AsDouble(x) : 0.0;
                if (w[d] == -1.0 && PyErr_Occurred())
                    goto done;
            }
            if (PyDict_Size(pw) > 0) {
                Py_ssize_t known = 0;
                for (int d = 0; d < SVCM_SERVQUAL_DIMENSIONS; d++)
                    known += PyDict_GetItemString(pw, svcm_servqual_dimension_name(d)) != NULL;
                if (known != PyDict_Size(pw)) {
                    PyErr_SetString(PyExc_ValueError,
                                    "servqual: weights has a key that is not a dimension name");
                    goto done;
                }
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
    svcm_servqual_result r;
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
    svcm_consistency_result r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_consistency(a.data, (size_t)a.n, &r, &err);
    svcmpy_array_release(&a);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, &err);
    PyTypeObject *tp = engine_type(module, T_CONSISTENCY_RESULT);
    if (tp == NULL)
        return NULL;
    PyObject *items[8] = {
        PyFloat_FromDouble(r.mean),          PyFloat_FromDouble(r.sd),
        PyFloat_FromDouble(r.cv),            PyFloat_FromDouble(r.sd_population),
        PyFloat_FromDouble(r.cv_population), PyLong_FromSize_t(r.n),
        PyFloat_FromDouble(r.min),           PyFloat_FromDouble(r.max),
    };
    return fill_record(tp, items, 8);
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
    {"rate", (PyCFunction)(void (*)(void))py_rate, METH_VARARGS | METH_KEYWORDS, rate_doc},
    {"compare_rates", (PyCFunction)(void (*)(void))py_compare_rates,
     METH_VARARGS | METH_KEYWORDS, compare_rates_doc},
    {"servqual", (PyCFunction)(void (*)(void))py_servqual, METH_VARARGS | METH_KEYWORDS,
     servqual_doc},
    {"consistency", py_consistency, METH_O, consistency_doc},
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

int svcmpy_init_feedback(PyObject *module)
{
    if (PyModule_AddFunctions(module, feedback_functions) < 0)
        return -1;
    PyObject *tuple = PyTuple_New(T_COUNT);
    if (tuple == NULL)
        return -1;
    PyStructSequence_Desc *descs[] = {&feedback_result_desc, &comparison_desc, &rate_result_desc,
                                      &servqual_desc, &consistency_desc};
    const char *names[T_COUNT] = {"FeedbackResult", "Comparison", "RateResult",
                                  "ServqualResult", "ConsistencyResult", "NPS", "CSAT", "CES",
                                  "Rate"};
    PyType_Spec *specs[] = {&NPS_spec, &CSAT_spec, &CES_spec, &Rate_spec};
    for (int i = 0; i < T_COUNT; i++) {
        PyObject *tp = i < T_NPS ? (PyObject *)PyStructSequence_NewType(descs[i])
                                 : PyType_FromModuleAndSpec(module, specs[i - T_NPS], NULL);
        if (tp == NULL || PyModule_AddObjectRef(module, names[i], tp) < 0) {
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
