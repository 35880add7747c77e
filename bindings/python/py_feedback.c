/* Python binding of the feedback engine: CSAT / NPS / CES accumulators and
 * one-shot functions, rates, period comparisons, SERVQUAL and consistency. */
#include "svcmpy.h"
#include "gen_py.h"

#include "svcm/kpi.h"

#include <string.h>

/* Items of this engine's private tuple. */
enum {
    T_FEEDBACK_RESULT,
    T_COMPARISON,
    T_RATE_RESULT,
    T_SERVQUAL_RESULT,
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
    {"value", "the score under the convention: a share in [0, 1] (CSAT top_box and rated, CES "
              "top), points in [-100, 100] (NPS, CES index) or the mean answer (mean)"},
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
    {"dissatisfied", "CSAT: answers in the bottom top_boxes levels; CES index: answers 1-3 "
                     "(else 0)"},
    {"convention", "CSAT method ('top_box', 'rated', 'mean'), CES method ('mean', 'top', "
                   "'index') or NPS interval ('wald', 'adjusted')"},
    {NULL, NULL},
};
static PyStructSequence_Desc feedback_result_desc = {
    "svcm.FeedbackResult", "A CSAT, NPS or CES score with its confidence interval.",
    feedback_result_fields, 13};

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

static PyObject *feedback_record(PyObject *module, const struct svcm_feedback_result *r,
                                 double confidence)
{
    PyTypeObject *tp = engine_type(module, T_FEEDBACK_RESULT);
    if (tp == NULL)
        return NULL;
    PyObject *items[13] = {
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
        PyLong_FromUnsignedLongLong(r->dissatisfied),
        PyUnicode_FromString(convention_name(r->kind, (int)r->csat_method, (int)r->ces_method,
                                             (int)r->nps_interval)),
    };
    return fill_record(tp, items, 13);
}

static PyObject *comparison_record(PyObject *module, const struct svcm_test_result *t, double confidence)
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

static PyObject *rate_record(PyObject *module, const struct svcm_rate_result *s, double confidence)
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

const svcm_feedback *svcmpy_feedback_of(PyObject *module, PyObject *obj)
{
    if (!is_feedback(module, obj)) {
        PyErr_Format(PyExc_TypeError, "expected svcm.NPS, svcm.CSAT or svcm.CES, not %.100s",
                     Py_TYPE(obj)->tp_name);
        return NULL;
    }
    return check_idle((FeedbackObject *)obj) < 0 ? NULL : ((FeedbackObject *)obj)->f;
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
    struct svcm_feedback_result r;
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
    if (opts.kind != SVCM_FEEDBACK_KIND_CSAT)
        Py_RETURN_NONE;
    return PyLong_FromUnsignedLong(opts.top_boxes);
}

static PyObject *Feedback_get_convention(PyObject *self, void *closure)
{
    svcm_feedback_options o;
    svcm_feedback_get_options(((FeedbackObject *)self)->f, &o);
    return PyUnicode_FromString(
        convention_name(o.kind, (int)o.csat_method, (int)o.ces_method, (int)o.nps_interval));
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
    {"add", Feedback_add, METH_O, Feedback_add_doc},
    {"merge", Feedback_merge, METH_O, Feedback_merge_doc},
    {"result", (PyCFunction)(void (*)(void))Feedback_result, METH_VARARGS | METH_KEYWORDS,
     Feedback_result_doc},
    {"to_bytes", Feedback_to_bytes, METH_NOARGS, Feedback_to_bytes_doc},
    {"from_bytes", Feedback_from_bytes, METH_O | METH_CLASS, Feedback_from_bytes_doc},
    SVCMPY_REDUCE_METHOD,
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Feedback_getset[] = {
    {"n", Feedback_get_n, NULL, "number of answers counted", NULL},
    {"counts", Feedback_get_counts, NULL, "{answer: count} for every level of the scale", NULL},
    {"scale", Feedback_get_scale, NULL, "(low, high) answers of the scale", NULL},
    {"top_boxes", Feedback_get_top_boxes, NULL, "CSAT: levels counted as satisfied (else None)",
     NULL},
    {"convention", Feedback_get_convention, NULL,
     "the KPI convention: CSAT and CES method, NPS interval", NULL},
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
    if (add_scores(module, NULL, *tmp, obj) < 0) {
        svcm_feedback_free(*tmp);
        *tmp = NULL;
        return NULL;
    }
    return *tmp;
}

static PyObject *score_once(PyObject *module, PyObject *scores, const svcm_feedback_options *o,
                            bool explicit, double confidence)
{
    svcm_feedback *tmp;
    svcm_feedback *f =
        feedback_of(module, scores, o, explicit, &tmp, svcm_feedback_kind_name((int)o->kind));
    if (f == NULL)
        return NULL;
    struct svcm_feedback_result r;
    int rc = svcm_feedback_result(f, confidence, &r);
    svcm_feedback_free(tmp);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return feedback_record(module, &r, confidence);
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
    return comparison_record(module, &t, confidence);
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
    struct svcm_rate_result s;
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
    int rc = svcm_rate_load(view.buf, (size_t)view.len, &r, NULL);
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
    SVCMPY_REDUCE_METHOD,
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
    struct svcm_rate_result sum;
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
    struct svcm_test_result t;
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
    PyTypeObject *tp = engine_type(module, T_RATE);
    if (tp == NULL)
        goto done;
    RateObject *rate = (RateObject *)PyType_GenericAlloc(tp, 0);
    if (rate == NULL)
        goto done;
    rate->r = r;
    rate->busy = 0;
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
    result = PyTuple_Pack(2, (PyObject *)rate, list);
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
    {"rate", (PyCFunction)(void (*)(void))py_rate, METH_VARARGS | METH_KEYWORDS, rate_doc},
    {"compare_rates", (PyCFunction)(void (*)(void))py_compare_rates,
     METH_VARARGS | METH_KEYWORDS, compare_rates_doc},
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

static int init_kpi_groups(PyObject *module); /* grouped KPIs, at the end */

int svcmpy_init_feedback(PyObject *module)
{
    if (PyModule_AddFunctions(module, feedback_functions) < 0)
        return -1;
    PyObject *tuple = PyTuple_New(T_COUNT);
    if (tuple == NULL)
        return -1;
    PyStructSequence_Desc *descs[] = {&feedback_result_desc, &comparison_desc, &rate_result_desc,
                                      &servqual_desc};
    const char *names[T_COUNT] = {"FeedbackResult", "Comparison", "RateResult",
                                  "ServqualResult", "NPS", "CSAT", "CES", "Rate"};
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
    if (svcmpy_engine_set(module, SVCMPY_FEEDBACK, tuple) < 0 || init_kpi_groups(module) < 0)
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

/* --------------------------------------------------------- grouped KPIs */

/* svcm.KPIGroups wraps an svcm_kpi_groups: the same slots (NPS/CSAT/CES
 * answers, rates, durations, SLA counts) for every group key. Its two types
 * extend this engine's private tuple after T_COUNT. */
enum { T_KPI_GROUPS = T_COUNT, T_KPI_SLA_RESULT, T_KPI_COUNT };

/* Slot kind names, in the order of kg_kind_of(). */
static const char *const kg_kind_names[] = {"nps", "csat", "ces", "rate", "durations", "sla"};
#define KG_KIND_NAMES 6

typedef struct {
    PyObject_HEAD
    svcm_kpi_groups *g;
    int busy; /* set while a batch runs without the GIL */
} KPIGroupsObject;

static PyStructSequence_Field kg_sla_fields[] = {
    {"met", "tickets that met the target"},
    {"breached", "tickets past the target"},
    {"pending", "open tickets still within the target"},
    {"rate", "met / (met + breached); nan when nothing is decided"},
    {"ci", "(lo, hi) Wilson score interval for rate"},
    {"confidence", "confidence level of ci"},
    {NULL, NULL},
};
static PyStructSequence_Desc kg_sla_desc = {
    "svcm.KPIGroupsSLAResult", "SLA compliance of one group: counts, rate, Wilson interval.",
    kg_sla_fields, 6};

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

/* ---- slot descriptions */

/* One int setting of a slot description in [lo, hi]; absent leaves *out. */
static int kg_int_setting(PyTypeObject *tp, PyObject *d, const char *key, size_t i,
                          const char *field, long long lo, long long hi, long long *out)
{
    PyObject *v = PyDict_GetItemString(d, key);
    if (v == NULL)
        return 0;
    if (!PyLong_Check(v)) {
        PyErr_Format(PyExc_TypeError, "slots[%zu]: %s must be an int, got %s", i, key,
                     Py_TYPE(v)->tp_name);
        return -1;
    }
    int overflow;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (x == -1 && PyErr_Occurred())
        return -1;
    if (overflow || x < lo || x > hi) {
        kg_raise(tp, SVCM_EINVAL, i, field, "%s must be in %lld..%lld", key, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

/* Settings must be None or a dict whose keys are all in names. */
static int kg_check_keys(PyTypeObject *tp, PyObject *d, size_t i, const char *field,
                         const char *kind, const char *const *names, int n)
{
    if (d == Py_None)
        return 0;
    if (!PyDict_Check(d)) {
        PyErr_Format(PyExc_TypeError, "slots[%zu]: %s settings must be a dict, got %s", i, kind,
                     Py_TYPE(d)->tp_name);
        return -1;
    }
    Py_ssize_t known = 0;
    for (int k = 0; k < n; k++)
        known += PyDict_GetItemString(d, names[k]) != NULL;
    if (known != PyDict_Size(d)) {
        kg_raise(tp, SVCM_EINVAL, i, field, "unknown setting for a %s slot", kind);
        return -1;
    }
    return 0;
}

/* A convention setting (a str) of slot i: the index of its name in names,
 * unchanged *out when absent; -1 with an exception set. */
static int kg_convention_setting(PyTypeObject *tp, PyObject *d, const char *key, size_t i,
                                 const char *const *names, int *out)
{
    PyObject *v = PyDict_GetItemString(d, key);
    if (v == NULL)
        return 0;
    if (!PyUnicode_Check(v)) {
        PyErr_Format(PyExc_TypeError, "slots[%zu]: %s must be a str, got %s", i, key,
                     Py_TYPE(v)->tp_name);
        return -1;
    }
    const char *name = PyUnicode_AsUTF8(v);
    if (name == NULL)
        return -1;
    for (int k = 0; names[k] != NULL; k++)
        if (strcmp(name, names[k]) == 0) {
            *out = k;
            return 0;
        }
    kg_raise(tp, SVCM_EINVAL, i, "slot.feedback", "unknown %s '%.40s'", key, name);
    return -1;
}

/* FEEDBACK settings of kind fk: {scale, low, top_boxes, method} (csat),
 * {scale, low, method} (ces), {interval} (nps). */
static int kg_feedback_slot(PyTypeObject *tp, PyObject *d, size_t i, int fk, svcm_kpi_slot *s)
{
    static const char *const csat_keys[] = {"scale", "low", "top_boxes", "method"};
    static const char *const ces_keys[] = {"scale", "low", "method"};
    static const char *const nps_keys[] = {"interval"};
    const char *kind = svcm_feedback_kind_name(fk);
    const char *const *names = fk == SVCM_FEEDBACK_KIND_CSAT  ? csat_keys
                               : fk == SVCM_FEEDBACK_KIND_CES ? ces_keys
                                                              : nps_keys;
    int n = fk == SVCM_FEEDBACK_KIND_CSAT ? 4 : fk == SVCM_FEEDBACK_KIND_CES ? 3 : 1;
    svcm_feedback_options_init(&s->feedback, fk);
    if (kg_check_keys(tp, d, i, "slot.feedback", kind, names, n) < 0)
        return -1;
    if (d == Py_None)
        return 0;
    int csat = (int)s->feedback.csat_method, ces = (int)s->feedback.ces_method,
        nps = (int)s->feedback.nps_interval;
    if (fk == SVCM_FEEDBACK_KIND_NPS) {
        if (kg_convention_setting(tp, d, "interval", i, nps_intervals, &nps) < 0)
            return -1;
        s->feedback.nps_interval = (svcm_nps_interval)nps;
        return 0;
    }
    if (kg_convention_setting(tp, d, "method", i,
                              fk == SVCM_FEEDBACK_KIND_CSAT ? csat_methods : ces_methods,
                              fk == SVCM_FEEDBACK_KIND_CSAT ? &csat : &ces) < 0)
        return -1;
    s->feedback.csat_method = (svcm_csat_method)csat;
    s->feedback.ces_method = (svcm_ces_method)ces;
    long long high = s->feedback.high, low = s->feedback.low, top = s->feedback.top_boxes;
    if (kg_int_setting(tp, d, "scale", i, "slot.feedback", INT32_MIN, INT32_MAX, &high) < 0 ||
        kg_int_setting(tp, d, "low", i, "slot.feedback", INT32_MIN, INT32_MAX, &low) < 0 ||
        kg_int_setting(tp, d, "top_boxes", i, "slot.feedback", 0, UINT32_MAX, &top) < 0)
        return -1;
    s->feedback.high = (int32_t)high;
    s->feedback.low = (int32_t)low;
    s->feedback.top_boxes = (uint32_t)top;
    return 0;
}

/* DURATIONS settings {rel_err, max_buckets, exact_limit}. */
static int kg_durations_slot(PyTypeObject *tp, PyObject *d, size_t i, svcm_kpi_slot *s)
{
    static const char *const names[] = {"rel_err", "max_buckets", "exact_limit"};
    if (kg_check_keys(tp, d, i, "slot.sketch", "durations", names, 3) < 0)
        return -1;
    if (d == Py_None)
        return 0;
    PyObject *v = PyDict_GetItemString(d, "rel_err");
    if (v != NULL) {
        if (!PyFloat_Check(v) && !PyLong_Check(v)) {
            PyErr_Format(PyExc_TypeError, "slots[%zu]: rel_err must be a number, got %s", i,
                         Py_TYPE(v)->tp_name);
            return -1;
        }
        Py_INCREF(v);
        s->sketch.rel_err = PyFloat_AsDouble(v);
        Py_DECREF(v);
        if (s->sketch.rel_err == -1.0 && PyErr_Occurred())
            return -1;
    }
    long long maxb = (long long)s->sketch.max_buckets, exact = (long long)s->sketch.exact_limit;
    if (kg_int_setting(tp, d, "max_buckets", i, "slot.sketch", 0, PY_SSIZE_T_MAX, &maxb) < 0 ||
        kg_int_setting(tp, d, "exact_limit", i, "slot.sketch", 0, PY_SSIZE_T_MAX, &exact) < 0)
        return -1;
    s->sketch.max_buckets = (size_t)maxb;
    s->sketch.exact_limit = (size_t)exact;
    return 0;
}

/* RATE settings: a rate kind (name or int) or {kind: ...}. */
static int kg_rate_slot(PyTypeObject *tp, PyObject *d, size_t i, svcm_kpi_slot *s)
{
    static const char *const names[] = {"kind"};
    PyObject *module = svcmpy_module_of_type(tp);
    if (module == NULL)
        return -1;
    PyObject *kind = d;
    if (d == Py_None || PyDict_Check(d)) {
        if (kg_check_keys(tp, d, i, "slot.rate", "rate", names, 1) < 0)
            return -1;
        kind = d == Py_None ? NULL : PyDict_GetItemString(d, "kind");
    }
    Py_XINCREF(kind);
    int k = parse_rate_kind(module, kind);
    Py_XDECREF(kind);
    if (k < 0)
        return -1;
    s->rate = (svcm_rate_kind)k;
    return 0;
}

/* Slot i of kind k (an index into kg_kind_names) with its settings. */
static int kg_make_slot(PyTypeObject *tp, int k, PyObject *settings, size_t i, svcm_kpi_slot *s)
{
    static const char *const none[] = {NULL};
    static const int fk[] = {SVCM_FEEDBACK_KIND_NPS, SVCM_FEEDBACK_KIND_CSAT, SVCM_FEEDBACK_KIND_CES};
    if (k <= 2) {
        svcm_kpi_slot_init(s, SVCM_KPI_SLOT_KIND_FEEDBACK);
        return kg_feedback_slot(tp, settings, i, fk[k], s);
    }
    if (k == 3) {
        svcm_kpi_slot_init(s, SVCM_KPI_SLOT_KIND_RATE);
        return kg_rate_slot(tp, settings, i, s);
    }
    if (k == 4) {
        svcm_kpi_slot_init(s, SVCM_KPI_SLOT_KIND_DURATIONS);
        return kg_durations_slot(tp, settings, i, s);
    }
    svcm_kpi_slot_init(s, SVCM_KPI_SLOT_KIND_SLA);
    return kg_check_keys(tp, settings, i, "slot.kind", "sla", none, 0);
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

/* Parse "nn" + rest: group and slot numbers; the group is checked here, the
 * slot (range and kind) by the C call, which names it. */
static int kg_where(PyObject *self, Py_ssize_t group, Py_ssize_t slot, size_t *gi, size_t *si)
{
    if (kg_group_arg(self, ((KPIGroupsObject *)self)->g, group, gi) < 0)
        return -1;
    if (slot < 0) {
        kg_raise(Py_TYPE(self), SVCM_EINVAL, SVCM_NO_INDEX, "slot", "slot %zd is negative",
                 slot);
        return -1;
    }
    *si = (size_t)slot;
    return 0;
}

static PyObject *kg_done(PyObject *self, int rc, const svcm_error *err)
{
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, err);
    Py_RETURN_NONE;
}

static PyObject *KPIGroups_add_score(PyObject *self, PyObject *args)
{
    Py_ssize_t group, slot;
    double score;
    size_t gi, si;
    if (!PyArg_ParseTuple(args, "nnd:add_score", &group, &slot, &score) ||
        kg_ready(self) == NULL || kg_where(self, group, slot, &gi, &si) < 0)
        return NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_kpi_groups_add_score(((KPIGroupsObject *)self)->g, gi, si, score, &err);
    return kg_done(self, rc, &err);
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
        kg_ready(self) == NULL || kg_where(self, group, slot, &gi, &si) < 0 ||
        kg_outcome(success, &ok) < 0)
        return NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_kpi_groups_add_outcome(((KPIGroupsObject *)self)->g, gi, si, ok, &err);
    return kg_done(self, rc, &err);
}

static PyObject *KPIGroups_add_duration(PyObject *self, PyObject *args)
{
    Py_ssize_t group, slot;
    double seconds;
    size_t gi, si;
    if (!PyArg_ParseTuple(args, "nnd:add_duration", &group, &slot, &seconds) ||
        kg_ready(self) == NULL || kg_where(self, group, slot, &gi, &si) < 0)
        return NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_kpi_groups_add_duration(((KPIGroupsObject *)self)->g, gi, si, seconds, &err);
    return kg_done(self, rc, &err);
}

static PyObject *KPIGroups_add_sla(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"group", "slot", "met", "breached", "pending", NULL};
    Py_ssize_t group, slot;
    PyObject *pm = NULL, *pb = NULL, *pp = NULL;
    uint64_t c[3] = {0, 0, 0};
    size_t gi, si;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "nn|OOO:add_sla", kwlist, &group, &slot, &pm,
                                     &pb, &pp) ||
        (pm && get_count(pm, "met", &c[0]) < 0) || (pb && get_count(pb, "breached", &c[1]) < 0) ||
        (pp && get_count(pp, "pending", &c[2]) < 0) || kg_ready(self) == NULL ||
        kg_where(self, group, slot, &gi, &si) < 0)
        return NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_kpi_groups_add_sla(((KPIGroupsObject *)self)->g, gi, si, c[0], c[1], c[2],
                                     &err);
    return kg_done(self, rc, &err);
}

/* ---- adding, batches */

enum { KG_SCORES, KG_OUTCOMES, KG_DURATIONS };

typedef struct {
    svcm_kpi_groups *g;
    size_t slot;
    const int64_t *groups;
    const double *v;
    size_t n;
    int what;
    svcm_error err;
} kg_batch;

/* Record i's value is one the slot accepts (the C rules, checked up front so
 * that a bad record leaves the object unchanged). */
static int kg_value_ok(const kg_batch *b, const svcm_kpi_slot *s, double x)
{
    if (b->what == KG_SCORES)
        return isfinite(x) && x == floor(x) && x >= s->feedback.low && x <= s->feedback.high;
    if (b->what == KG_OUTCOMES)
        return x == 0.0 || x == 1.0;
    return isfinite(x) && x >= 0.0;
}

static int kg_batch_check(kg_batch *b)
{
    static const svcm_kpi_slot_kind want[] = {SVCM_KPI_SLOT_KIND_FEEDBACK,
                                              SVCM_KPI_SLOT_KIND_RATE,
                                              SVCM_KPI_SLOT_KIND_DURATIONS};
    static const char *const field[] = {"scores", "outcomes", "seconds"};
    svcm_kpi_slot s;
    size_t count = svcm_kpi_groups_count(b->g), n_slots = svcm_kpi_groups_slot_count(b->g);
    svcm_error *e = &b->err;
    if (svcm_kpi_groups_slot(b->g, b->slot, &s) != SVCM_OK || s.kind != want[b->what]) {
        e->field = "slot";
        snprintf(e->message, sizeof e->message, "slot %zu of %zu is not of this kind", b->slot,
                 n_slots);
        return SVCM_EINVAL;
    }
    for (size_t i = 0; i < b->n; i++) {
        e->index = i;
        if (b->groups[i] < 0 || (uint64_t)b->groups[i] >= count) {
            e->field = "groups";
            snprintf(e->message, sizeof e->message, "group %lld is not one of the %zu groups",
                     (long long)b->groups[i], count);
            return SVCM_EINVAL;
        }
        if (!kg_value_ok(b, &s, b->v[i])) {
            e->field = field[b->what];
            if (b->what == KG_SCORES)
                snprintf(e->message, sizeof e->message,
                         "score %g is not an integer on the scale %ld..%ld", b->v[i],
                         (long)s.feedback.low, (long)s.feedback.high);
            else if (b->what == KG_OUTCOMES)
                snprintf(e->message, sizeof e->message, "outcome %g is not 0 or 1", b->v[i]);
            else
                snprintf(e->message, sizeof e->message, "duration %g is not finite and >= 0",
                         b->v[i]);
            return SVCM_EINVAL;
        }
    }
    e->index = SVCM_NO_INDEX;
    return SVCM_OK;
}

/* Only a 64-bit count overflow or out-of-memory can stop the loop. */
static int kg_batch_run(kg_batch *b)
{
    int rc = kg_batch_check(b);
    for (size_t i = 0; rc == SVCM_OK && i < b->n; i++) {
        size_t k = (size_t)b->groups[i];
        if (b->what == KG_SCORES)
            rc = svcm_kpi_groups_add_score(b->g, k, b->slot, b->v[i], &b->err);
        else if (b->what == KG_OUTCOMES)
            rc = svcm_kpi_groups_add_outcome(b->g, k, b->slot, b->v[i] == 1.0, &b->err);
        else
            rc = svcm_kpi_groups_add_duration(b->g, k, b->slot, b->v[i], &b->err);
        if (rc != SVCM_OK)
            b->err.index = i;
    }
    return rc;
}

static PyObject *kg_add_batch(PyObject *self, PyObject *args, int what, const char *fmt)
{
    PyObject *pg, *pv;
    Py_ssize_t slot;
    if (!PyArg_ParseTuple(args, fmt, &pg, &slot, &pv))
        return NULL;
    KPIGroupsObject *o = (KPIGroupsObject *)self;
    svcmpy_array ga = {0}, va = {0};
    PyObject *res = NULL;
    if (kg_ready(self) == NULL || svcmpy_int64s(pg, &ga, "groups") < 0 ||
        svcmpy_doubles(pv, &va, "values") < 0)
        goto done;
    if (ga.n != va.n) {
        PyErr_Format(PyExc_ValueError, "%zd groups but %zd values", ga.n, va.n);
        goto done;
    }
    if (slot < 0) {
        kg_raise(Py_TYPE(self), SVCM_EINVAL, SVCM_NO_INDEX, "slot", "slot %zd is negative",
                 slot);
        goto done;
    }
    {
        kg_batch b = {o->g, (size_t)slot, ga.data, va.data, (size_t)ga.n, what, {0}};
        svcm_error_clear(&b.err);
        int rc;
        o->busy = 1;
        Py_BEGIN_ALLOW_THREADS
        rc = kg_batch_run(&b);
        Py_END_ALLOW_THREADS
        o->busy = 0;
        res = kg_done(self, rc, &b.err);
    }
done:
    svcmpy_array_release(&ga);
    svcmpy_array_release(&va);
    return res;
}

static PyObject *KPIGroups_add_scores(PyObject *self, PyObject *args)
{
    return kg_add_batch(self, args, KG_SCORES, "OnO:add_scores");
}
static PyObject *KPIGroups_add_outcomes(PyObject *self, PyObject *args)
{
    return kg_add_batch(self, args, KG_OUTCOMES, "OnO:add_outcomes");
}
static PyObject *KPIGroups_add_durations(PyObject *self, PyObject *args)
{
    return kg_add_batch(self, args, KG_DURATIONS, "OnO:add_durations");
}

/* ---- results */

/* Group and slot of a result call, the slot of kind `kind` (the C getters
 * have no error detail, so the field is named here). */
static int kg_locate(PyObject *self, Py_ssize_t group, Py_ssize_t slot, svcm_kpi_slot_kind kind,
                     size_t *gi, size_t *si)
{
    static const char *const names[] = {"feedback", "rate", "durations", "sla"};
    const svcm_kpi_groups *g = ((KPIGroupsObject *)self)->g;
    svcm_kpi_slot s;
    if (kg_where(self, group, slot, gi, si) < 0)
        return -1;
    if (svcm_kpi_groups_slot(g, *si, &s) != SVCM_OK || s.kind != kind) {
        kg_raise(Py_TYPE(self), SVCM_EINVAL, SVCM_NO_INDEX, "slot",
                 "slot %zd of %zu is not a %s slot", slot, svcm_kpi_groups_slot_count(g),
                 names[kind]);
        return -1;
    }
    return 0;
}

static PyObject *KPIGroups_feedback(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"group", "slot", "confidence", NULL};
    Py_ssize_t group, slot;
    double confidence = 0.95;
    size_t gi, si;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "nn|d:feedback", kwlist, &group, &slot,
                                     &confidence) ||
        kg_ready(self) == NULL ||
        kg_locate(self, group, slot, SVCM_KPI_SLOT_KIND_FEEDBACK, &gi, &si) < 0)
        return NULL;
    const svcm_feedback *f;
    struct svcm_feedback_result r;
    int rc = svcm_kpi_groups_feedback(((KPIGroupsObject *)self)->g, gi, si, &f);
    if (rc == SVCM_OK)
        rc = svcm_feedback_result(f, confidence, &r);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    return module == NULL ? NULL : feedback_record(module, &r, confidence);
}

static PyObject *KPIGroups_rate(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"group", "slot", "confidence", NULL};
    Py_ssize_t group, slot;
    double confidence = 0.95;
    size_t gi, si;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "nn|d:rate", kwlist, &group, &slot,
                                     &confidence) ||
        kg_ready(self) == NULL ||
        kg_locate(self, group, slot, SVCM_KPI_SLOT_KIND_RATE, &gi, &si) < 0)
        return NULL;
    svcm_rate r;
    struct svcm_rate_result s;
    int rc = svcm_kpi_groups_rate(((KPIGroupsObject *)self)->g, gi, si, &r);
    if (rc == SVCM_OK)
        rc = svcm_rate_result(&r, confidence, &s);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    return module == NULL ? NULL : rate_record(module, &s, confidence);
}

/* The durations accumulator of (group, slot), or NULL with an exception. */
static const svcm_durations *kg_durations(PyObject *self, Py_ssize_t group, Py_ssize_t slot)
{
    size_t gi, si;
    const svcm_durations *d = NULL;
    if (kg_ready(self) == NULL ||
        kg_locate(self, group, slot, SVCM_KPI_SLOT_KIND_DURATIONS, &gi, &si) < 0)
        return NULL;
    int rc = svcm_kpi_groups_durations(((KPIGroupsObject *)self)->g, gi, si, &d);
    if (rc != SVCM_OK)
        svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    return d;
}

static PyObject *KPIGroups_durations(PyObject *self, PyObject *args)
{
    Py_ssize_t group, slot;
    if (!PyArg_ParseTuple(args, "nn:durations", &group, &slot))
        return NULL;
    const svcm_durations *d = kg_durations(self, group, slot);
    if (d == NULL)
        return NULL;
    struct svcm_durations_result r;
    int rc = svcm_durations_result(d, &r);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, NULL);
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    return module == NULL ? NULL : svcmpy_rec_DurationsSummary(module, &r);
}

static PyObject *KPIGroups_quantiles(PyObject *self, PyObject *args)
{
    Py_ssize_t group, slot;
    PyObject *pq;
    if (!PyArg_ParseTuple(args, "nnO:quantiles", &group, &slot, &pq))
        return NULL;
    const svcm_durations *d = kg_durations(self, group, slot);
    svcmpy_array qa;
    if (d == NULL || svcmpy_doubles(pq, &qa, "qs") < 0)
        return NULL;
    double *out = PyMem_Malloc(qa.n > 0 ? (size_t)qa.n * sizeof *out : 1);
    PyObject *res = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    if (out == NULL) {
        PyErr_NoMemory();
    } else {
        int rc = svcm_durations_quantiles(d, qa.data, (size_t)qa.n, out, &err);
        res = rc == SVCM_OK ? svcmpy_list_from_doubles(out, (size_t)qa.n)
                            : svcmpy_raise_type(Py_TYPE(self), rc, &err);
    }
    PyMem_Free(out);
    svcmpy_array_release(&qa);
    return res;
}

static PyObject *KPIGroups_sla(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"group", "slot", "confidence", NULL};
    Py_ssize_t group, slot;
    double confidence = 0.95;
    size_t gi, si;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "nn|d:sla", kwlist, &group, &slot,
                                     &confidence) ||
        kg_ready(self) == NULL || kg_where(self, group, slot, &gi, &si) < 0)
        return NULL;
    struct svcm_kpi_groups_sla_result r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_kpi_groups_sla_result(((KPIGroupsObject *)self)->g, gi, si, confidence, &r,
                                        &err);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, &err);
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    PyTypeObject *tp = module == NULL ? NULL : engine_type(module, T_KPI_SLA_RESULT);
    if (tp == NULL)
        return NULL;
    PyObject *items[6] = {
        PyLong_FromUnsignedLongLong(r.met), PyLong_FromUnsignedLongLong(r.breached),
        PyLong_FromUnsignedLongLong(r.pending), PyFloat_FromDouble(r.rate),
        svcmpy_interval(r.ci), PyFloat_FromDouble(confidence),
    };
    return fill_record(tp, items, 6);
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

#define KG_KW(f) (PyCFunction)(void (*)(void))(f), METH_VARARGS | METH_KEYWORDS
static PyMethodDef KPIGroups_methods[] = {
    {"group", KPIGroups_group, METH_O, KPIGroups_group_doc},
    {"find", KPIGroups_find, METH_O, KPIGroups_find_doc},
    {"key", KPIGroups_key, METH_O, "key(group) -> str\n\nThe key of group number group."},
    {"keys", KPIGroups_keys, METH_NOARGS,
     "keys() -> list[str]\n\nEvery key, in group order (first seen first)."},
    {"order", KPIGroups_order, METH_NOARGS,
     "order() -> list[int]\n\nThe group numbers sorted by key (code-point order)."},
    {"add_score", KPIGroups_add_score, METH_VARARGS,
     "add_score(group, slot, score) -> None\n\nCount one answer in a feedback slot "
     "(nps/csat/ces) of a group; InvalidInput for an answer off the scale."},
    {"add_outcome", KPIGroups_add_outcome, METH_VARARGS,
     "add_outcome(group, slot, success) -> None\n\nCount one trial (True/False or 1/0) in "
     "a rate slot."},
    {"add_duration", KPIGroups_add_duration, METH_VARARGS,
     "add_duration(group, slot, seconds) -> None\n\nCount one duration (finite, >= 0) in a "
     "durations slot."},
    {"add_sla", KG_KW(KPIGroups_add_sla),
     "add_sla(group, slot, met=0, breached=0, pending=0) -> None\n\nAdd SLA ticket counts "
     "to an sla slot."},
    {"add_scores", KPIGroups_add_scores, METH_VARARGS,
     "add_scores(groups, slot, scores) -> None\n\nadd_score for each pair of two equally "
     "long arrays (buffers or sequences), counted without the GIL. Every record is checked "
     "first (InvalidInput names its index): a bad one leaves the object unchanged."},
    {"add_outcomes", KPIGroups_add_outcomes, METH_VARARGS,
     "add_outcomes(groups, slot, outcomes) -> None\n\nadd_outcome for each pair (outcomes "
     "0 or 1), as add_scores."},
    {"add_durations", KPIGroups_add_durations, METH_VARARGS,
     "add_durations(groups, slot, seconds) -> None\n\nadd_duration for each pair, as "
     "add_scores. Only running out of memory can stop a checked batch midway (the records "
     "before the one named stay counted)."},
    {"feedback", KG_KW(KPIGroups_feedback),
     "feedback(group, slot, confidence=0.95) -> FeedbackResult\n\nThe score of a feedback "
     "slot, as NPS/CSAT/CES.result() gives it; EmptyError when nothing was counted."},
    {"rate", KG_KW(KPIGroups_rate),
     "rate(group, slot, confidence=0.95) -> RateResult\n\nThe rate of a rate slot, as "
     "Rate.result() gives it; EmptyError without trials."},
    {"durations", KPIGroups_durations, METH_VARARGS,
     "durations(group, slot) -> DurationsSummary\n\nThe summary of a durations slot, as "
     "Durations.summary() gives it; EmptyError when empty."},
    {"quantiles", KPIGroups_quantiles, METH_VARARGS,
     "quantiles(group, slot, qs) -> list[float]\n\nQuantiles of a durations slot."},
    {"sla", KG_KW(KPIGroups_sla),
     "sla(group, slot, confidence=0.95) -> KPIGroupsSLAResult\n\nThe counts of an sla slot, "
     "the rate met / (met + breached) and its Wilson interval (nan when nothing is "
     "decided)."},
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

/* Add KPIGroups and KPIGroupsSLAResult to the module and to the end of this
 * engine's tuple (set just before by svcmpy_init_feedback). */
static int init_kpi_groups(PyObject *module)
{
    PyObject *tp = PyType_FromModuleAndSpec(module, &KPIGroups_spec, NULL);
    PyObject *rt = tp ? (PyObject *)PyStructSequence_NewType(&kg_sla_desc) : NULL;
    PyObject *old = svcmpy_state_of(module)->engine[SVCMPY_FEEDBACK];
    PyObject *more = rt ? PyTuple_Pack(2, tp, rt) : NULL;
    PyObject *all = more ? PySequence_Concat(old, more) : NULL;
    int rc = -1;
    if (all != NULL && PyTuple_GET_SIZE(all) == T_KPI_COUNT &&
        PyModule_AddObjectRef(module, "KPIGroups", tp) == 0 &&
        PyModule_AddObjectRef(module, "KPIGroupsSLAResult", rt) == 0)
        rc = svcmpy_engine_set(module, SVCMPY_FEEDBACK, Py_NewRef(all));
    Py_XDECREF(all);
    Py_XDECREF(more);
    Py_XDECREF(rt);
    Py_XDECREF(tp);
    return rc;
}
