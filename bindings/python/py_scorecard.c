/* Python binding of the scorecard engine (svcm/scorecard.h): verdicts on
 * targets, changes against the previous period, the targets text. Module
 * functions only; rich results are dicts. */
#include "svcmpy.h"

#include "svcm/scorecard.h"

int svcmpy_init_scorecard(PyObject *module);

/* "at_least" / ">=" or "at_most" / "<="; -1 with ValueError otherwise. */
static int direction_of(const char *s, svcm_target_direction *out)
{
    if (strcmp(s, "at_least") == 0 || strcmp(s, ">=") == 0) {
        *out = SVCM_TARGET_DIRECTION_AT_LEAST;
        return 0;
    }
    if (strcmp(s, "at_most") == 0 || strcmp(s, "<=") == 0) {
        *out = SVCM_TARGET_DIRECTION_AT_MOST;
        return 0;
    }
    PyErr_Format(PyExc_ValueError, "direction must be 'at_least' or 'at_most', not '%s'", s);
    return -1;
}

static const char *direction_name(svcm_target_direction d)
{
    return d == SVCM_TARGET_DIRECTION_AT_LEAST ? "at_least" : "at_most";
}

/* O& converter: a non-negative int (or __index__) into uint64_t. */
static int count_of(PyObject *obj, void *out)
{
    PyObject *i = PyNumber_Index(obj);
    if (i == NULL)
        return 0;
    PyObject *zero = PyLong_FromLong(0);
    int neg = zero == NULL ? -1 : PyObject_RichCompareBool(i, zero, Py_LT);
    Py_XDECREF(zero);
    unsigned long long v = neg == 0 ? PyLong_AsUnsignedLongLong(i) : 0;
    Py_DECREF(i);
    if (neg != 0) {
        if (neg > 0)
            PyErr_SetString(PyExc_ValueError, "counts must be >= 0");
        return 0;
    }
    if (v == (unsigned long long)-1 && PyErr_Occurred())
        return 0;
    *(uint64_t *)out = (uint64_t)v;
    return 1;
}

static PyObject *result_dict(const struct svcm_target_result *r)
{
    return Py_BuildValue("{s:s,s:d,s:(dd),s:K,s:d,s:s,s:d,s:K}", "verdict",
                         svcm_target_outcome_name(r->outcome), "value", r->value, "ci",
                         r->ci.lo, r->ci.hi, "n", (unsigned long long)r->n, "target", r->target,
                         "direction", direction_name(r->direction), "confidence", r->confidence,
                         "n_to_decide", (unsigned long long)r->n_to_decide);
}

static int proportion(PyObject *args, PyObject *kw, struct svcm_target_result *r,
                      PyObject *module)
{
    static char *kwlist[] = {"successes", "trials", "target", "direction", "confidence", NULL};
    uint64_t s, n;
    double target, confidence = 0.95;
    const char *dir = "at_least";
    svcm_target_direction d;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&O&d|sd", kwlist, count_of, &s, count_of, &n,
                                     &target, &dir,
                                     &confidence) ||
        direction_of(dir, &d) < 0)
        return -1;
    int rc = svcm_target_verdict(s, n, target, d, confidence, r);
    if (rc != SVCM_OK) {
        svcm_error err;
        svcm_error_clear(&err);
        err.code = rc;
        snprintf(err.message, sizeof err.message, "%s",
                 rc == SVCM_EEMPTY ? "no trials"
                                   : "successes must be <= trials, target in [0, 1], "
                                     "confidence in (0, 1)");
        svcmpy_raise(module, rc, &err);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(target_verdict_doc,
             "target_verdict(successes, trials, target, direction='at_least', confidence=0.95)"
             " -> str\n\n"
             "'met' when the whole Wilson interval of successes / trials is on the good side\n"
             "of target (a share in [0, 1]), 'missed' when wholly on the bad side,\n"
             "'undetermined' otherwise.");

static PyObject *target_verdict(PyObject *module, PyObject *args, PyObject *kw)
{
    struct svcm_target_result r;
    if (proportion(args, kw, &r, module) < 0)
        return NULL;
    return PyUnicode_FromString(svcm_target_outcome_name(r.outcome));
}

PyDoc_STRVAR(target_result_doc,
             "target_result(successes, trials, target, direction='at_least', confidence=0.95)"
             " -> dict\n\n"
             "The verdict of target_verdict with its basis: verdict, value, ci (lo, hi), n,\n"
             "target, direction, confidence and n_to_decide (the smallest number of trials\n"
             "that would decide at the observed rate; 0 when decided or when none does).");

static PyObject *target_result(PyObject *module, PyObject *args, PyObject *kw)
{
    struct svcm_target_result r;
    if (proportion(args, kw, &r, module) < 0)
        return NULL;
    return result_dict(&r);
}

/* values (any sequence or buffer of numbers) into moments; -1 with an
 * exception. */
static int moments_of(PyObject *module, PyObject *values, const char *name, svcm_moments *m)
{
    svcmpy_array a = {0};
    if (svcmpy_doubles(values, &a, name) < 0)
        return -1;
    svcm_error err;
    svcm_moments_init(m);
    int rc = svcm_moments_add_batch(m, (const double *)a.data, (size_t)a.n, &err);
    svcmpy_array_release(&a);
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(target_mean_result_doc,
             "target_mean_result(values, target, direction='at_least', confidence=0.95)"
             " -> dict\n\n"
             "Verdict on the mean of values (at least two) with the Student t interval.");

static PyObject *target_mean_result(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"values", "target", "direction", "confidence", NULL};
    PyObject *values;
    double target, confidence = 0.95;
    const char *dir = "at_least";
    svcm_target_direction d;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "Od|sd", kwlist, &values, &target, &dir,
                                     &confidence) ||
        direction_of(dir, &d) < 0)
        return NULL;
    svcm_moments m;
    if (moments_of(module, values, "values", &m) < 0)
        return NULL;
    struct svcm_target_result r;
    int rc = svcm_target_verdict_mean(&m, target, d, confidence, &r);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return result_dict(&r);
}

PyDoc_STRVAR(target_quantile_result_doc,
             "target_quantile_result(values, q, target, direction='at_most', confidence=0.95)"
             " -> dict\n\n"
             "Verdict on the q-quantile of values (e.g. q=0.9 for first response P90 <= 3600)\n"
             "with the distribution-free order-statistic (binomial) interval of the sorted\n"
             "sample.");

static PyObject *target_quantile_result(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"values", "q", "target", "direction", "confidence", NULL};
    PyObject *values;
    double q, target, confidence = 0.95;
    const char *dir = "at_most";
    svcm_target_direction d;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "Odd|sd", kwlist, &values, &q, &target, &dir,
                                     &confidence) ||
        direction_of(dir, &d) < 0)
        return NULL;
    svcmpy_array a = {0};
    if (svcmpy_doubles(values, &a, "values") < 0)
        return NULL;
    struct svcm_target_result r;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_target_verdict_quantile((const double *)a.data, (size_t)a.n, q, target, d,
                                      confidence, NULL, &r, &err);
    Py_END_ALLOW_THREADS
    svcmpy_array_release(&a);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, &err);
    return result_dict(&r);
}

/* NPS answers (0-10) into a default NPS accumulator; NULL with an
 * exception. */
static svcm_feedback *nps_of(PyObject *module, PyObject *scores, const char *name)
{
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS);
    svcm_feedback *f = NULL;
    svcm_error err;
    int rc = svcm_feedback_new(&o, NULL, &f, &err);
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        return NULL;
    }
    svcmpy_array a = {0};
    if (svcmpy_doubles(scores, &a, name) < 0) {
        svcm_feedback_free(f);
        return NULL;
    }
    rc = svcm_feedback_add_batch(f, (const double *)a.data, (size_t)a.n, &err);
    svcmpy_array_release(&a);
    if (rc != SVCM_OK) {
        svcm_feedback_free(f);
        svcmpy_raise(module, rc, &err);
        return NULL;
    }
    return f;
}

PyDoc_STRVAR(target_nps_result_doc,
             "target_nps_result(scores, target, direction='at_least', confidence=0.95)"
             " -> dict\n\n"
             "Verdict on the NPS (points, -100..100) of 0-10 answers with the library's NPS\n"
             "interval (Wald).");

static PyObject *target_nps_result(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"scores", "target", "direction", "confidence", NULL};
    PyObject *scores;
    double target, confidence = 0.95;
    const char *dir = "at_least";
    svcm_target_direction d;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "Od|sd", kwlist, &scores, &target, &dir,
                                     &confidence) ||
        direction_of(dir, &d) < 0)
        return NULL;
    svcm_feedback *f = nps_of(module, scores, "scores");
    if (f == NULL)
        return NULL;
    struct svcm_target_result r;
    int rc = svcm_target_verdict_feedback(f, target, d, confidence, &r);
    svcm_feedback_free(f);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return result_dict(&r);
}

PyDoc_STRVAR(target_mean_change_doc,
             "target_mean_change(previous_values, values, direction='at_least',"
             " confidence=0.95) -> str\n\n"
             "'better', 'worse' or 'unchanged' by Welch's t-test between the periods.");

static PyObject *target_mean_change(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"previous_values", "values", "direction", "confidence", NULL};
    PyObject *pv, *v;
    double confidence = 0.95;
    const char *dir = "at_least";
    svcm_target_direction d;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|sd", kwlist, &pv, &v, &dir, &confidence) ||
        direction_of(dir, &d) < 0)
        return NULL;
    svcm_moments a, b;
    if (moments_of(module, pv, "previous_values", &a) < 0 || moments_of(module, v, "values", &b) < 0)
        return NULL;
    struct svcm_target_change_result r;
    int rc = svcm_target_change_mean(&a, &b, d, confidence, &r);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return PyUnicode_FromString(svcm_target_change_name(r.change));
}

PyDoc_STRVAR(target_durations_result_doc,
             "target_durations_result(durations, q, target, direction='at_most',"
             " confidence=0.95) -> dict\n\n"
             "Verdict on the q-quantile of an svcm.Durations accumulator (seconds), the\n"
             "order-statistic interval read from its sketch (exact while it is exact).");

static PyObject *target_durations_result(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"durations", "q", "target", "direction", "confidence", NULL};
    PyObject *obj;
    double q, target, confidence = 0.95;
    const char *dir = "at_most";
    svcm_target_direction d;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "Odd|sd", kwlist, &obj, &q, &target, &dir,
                                     &confidence) ||
        direction_of(dir, &d) < 0)
        return NULL;
    const svcm_durations *du = svcmpy_durations_of(module, obj);
    if (du == NULL)
        return NULL;
    struct svcm_target_result r;
    int rc = svcm_target_verdict_durations(du, q, target, d, confidence, &r);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return result_dict(&r);
}

PyDoc_STRVAR(target_feedback_result_doc,
             "target_feedback_result(feedback, target, direction='at_least', confidence=0.95)"
             " -> dict\n\n"
             "Verdict on an svcm.NPS, svcm.CSAT or svcm.CES accumulator against a target in\n"
             "its own units (a share in [0, 1], NPS points or a mean answer), with its\n"
             "own interval.");

static PyObject *target_feedback_result(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"feedback", "target", "direction", "confidence", NULL};
    PyObject *obj;
    double target, confidence = 0.95;
    const char *dir = "at_least";
    svcm_target_direction d;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "Od|sd", kwlist, &obj, &target, &dir,
                                     &confidence) ||
        direction_of(dir, &d) < 0)
        return NULL;
    const svcm_feedback *f = svcmpy_feedback_of(module, obj);
    if (f == NULL)
        return NULL;
    struct svcm_target_result r;
    int rc = svcm_target_verdict_feedback(f, target, d, confidence, &r);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return result_dict(&r);
}

PyDoc_STRVAR(target_feedback_change_doc,
             "target_feedback_change(previous, current, direction='at_least',"
             " confidence=0.95) -> str\n\n"
             "'better', 'worse' or 'unchanged' between two svcm.NPS / CSAT / CES\n"
             "accumulators of the same settings (the library's feedback comparison).");

static PyObject *target_feedback_change(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"previous", "current", "direction", "confidence", NULL};
    PyObject *pa, *pb;
    double confidence = 0.95;
    const char *dir = "at_least";
    svcm_target_direction d;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|sd", kwlist, &pa, &pb, &dir, &confidence) ||
        direction_of(dir, &d) < 0)
        return NULL;
    const svcm_feedback *a = svcmpy_feedback_of(module, pa);
    if (a == NULL)
        return NULL;
    const svcm_feedback *b = svcmpy_feedback_of(module, pb);
    if (b == NULL)
        return NULL;
    struct svcm_target_change_result r;
    int rc = svcm_target_change_feedback(a, b, d, confidence, &r);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return PyUnicode_FromString(svcm_target_change_name(r.change));
}

PyDoc_STRVAR(target_scaled_doc,
             "target_scaled(value, unit='') -> float\n\n"
             "A target value in the units the verdicts take: '%' as a share (value / 100),\n"
             "'s', 'm', 'h', 'd' in seconds, '' as it is.");

static int unit_of(const char *s, svcm_target_unit *out);

static PyObject *target_scaled(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"value", "unit", NULL};
    double value;
    const char *unit = "";
    svcm_target_unit u;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "d|s", kwlist, &value, &unit) ||
        unit_of(unit, &u) < 0)
        return NULL;
    svcm_target t;
    memset(&t, 0, sizeof t);
    t.value = value;
    t.unit = u;
    double out;
    int rc = svcm_target_scaled(&t, &out);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, NULL);
    return PyFloat_FromDouble(out);
}

PyDoc_STRVAR(targets_parse_doc,
             "targets_parse(text) -> list[tuple[str, str, float, str]]\n\n"
             "Read a targets file ('fcr >= 70%', 'first_response_p90 <= 1h', '# comment'):\n"
             "one (name, direction, value, unit) per target, direction 'at_least' or\n"
             "'at_most', unit '', '%', 's', 'm', 'h' or 'd'. Errors carry .line and .column.");

static PyObject *targets_parse(PyObject *module, PyObject *arg)
{
    Py_ssize_t len;
    const char *text = PyUnicode_AsUTF8AndSize(arg, &len);
    if (text == NULL)
        return NULL;
    svcm_targets *t = PyMem_Malloc(sizeof *t);
    if (t == NULL)
        return PyErr_NoMemory();
    svcm_error err;
    int rc = svcm_targets_parse(text, (size_t)len, t, &err);
    if (rc != SVCM_OK) {
        PyMem_Free(t);
        return svcmpy_raise(module, rc, &err);
    }
    PyObject *list = PyList_New((Py_ssize_t)t->count);
    for (size_t i = 0; list != NULL && i < t->count; i++) {
        const svcm_target *it = &t->item[i];
        PyObject *row = Py_BuildValue("(ssds)", it->name, direction_name(it->direction),
                                      it->value, svcm_target_unit_name(it->unit));
        if (row == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, row);
    }
    PyMem_Free(t);
    return list;
}

PyDoc_STRVAR(targets_format_doc,
             "targets_format(targets) -> str\n\n"
             "Write (name, direction, value, unit) tuples as targets text that targets_parse\n"
             "reads back to the same tuples.");

static int unit_of(const char *s, svcm_target_unit *out)
{
    for (int u = 0; svcm_target_unit_name(u) != NULL; u++) {
        if (strcmp(svcm_target_unit_name(u), s) == 0) {
            *out = (svcm_target_unit)u;
            return 0;
        }
    }
    PyErr_Format(PyExc_ValueError, "unit must be '', '%%', 's', 'm', 'h' or 'd', not '%s'", s);
    return -1;
}

static PyObject *targets_format(PyObject *module, PyObject *arg)
{
    PyObject *items = svcmpy_snapshot(arg, "targets must be an iterable of tuples");
    if (items == NULL)
        return NULL;
    svcm_targets *t = PyMem_Malloc(sizeof *t);
    if (t == NULL) {
        Py_DECREF(items);
        return PyErr_NoMemory();
    }
    svcm_targets_init(t);
    PyObject *res = NULL;
    svcm_error err;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(items); i++) {
        const char *name, *dir, *unit = "";
        double value;
        svcm_target_direction d;
        svcm_target_unit u;
        PyObject *row = PyTuple_GET_ITEM(items, i);
        if (!PyTuple_Check(row)) {
            PyErr_Format(PyExc_TypeError, "target %zd must be a tuple", i);
            goto done;
        }
        if (!PyArg_ParseTuple(row, "ssd|s", &name, &dir, &value, &unit) ||
            direction_of(dir, &d) < 0 || unit_of(unit, &u) < 0)
            goto done;
        int rc = svcm_targets_add(t, name, d, value, u, &err);
        if (rc != SVCM_OK) {
            svcmpy_raise(module, rc, &err);
            goto done;
        }
    }
    size_t len = 0;
    (void)svcm_targets_format(t, NULL, 0, &len);
    char *buf = PyMem_Malloc(len + 1);
    if (buf == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    int rc = svcm_targets_format(t, buf, len + 1, &len);
    res = rc == SVCM_OK ? PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len)
                        : svcmpy_raise(module, rc, NULL);
    PyMem_Free(buf);
done:
    PyMem_Free(t);
    Py_DECREF(items);
    return res;
}

static PyMethodDef scorecard_functions[] = {
    {"target_verdict", (PyCFunction)(void (*)(void))target_verdict,
     METH_VARARGS | METH_KEYWORDS, target_verdict_doc},
    {"target_result", (PyCFunction)(void (*)(void))target_result, METH_VARARGS | METH_KEYWORDS,
     target_result_doc},
    {"target_mean_result", (PyCFunction)(void (*)(void))target_mean_result,
     METH_VARARGS | METH_KEYWORDS, target_mean_result_doc},
    {"target_quantile_result", (PyCFunction)(void (*)(void))target_quantile_result,
     METH_VARARGS | METH_KEYWORDS, target_quantile_result_doc},
    {"target_nps_result", (PyCFunction)(void (*)(void))target_nps_result,
     METH_VARARGS | METH_KEYWORDS, target_nps_result_doc},
    {"target_mean_change", (PyCFunction)(void (*)(void))target_mean_change,
     METH_VARARGS | METH_KEYWORDS, target_mean_change_doc},
    {"target_durations_result", (PyCFunction)(void (*)(void))target_durations_result,
     METH_VARARGS | METH_KEYWORDS, target_durations_result_doc},
    {"target_feedback_result", (PyCFunction)(void (*)(void))target_feedback_result,
     METH_VARARGS | METH_KEYWORDS, target_feedback_result_doc},
    {"target_feedback_change", (PyCFunction)(void (*)(void))target_feedback_change,
     METH_VARARGS | METH_KEYWORDS, target_feedback_change_doc},
    {"target_scaled", (PyCFunction)(void (*)(void))target_scaled, METH_VARARGS | METH_KEYWORDS,
     target_scaled_doc},
    {"targets_parse", targets_parse, METH_O, targets_parse_doc},
    {"targets_format", targets_format, METH_O, targets_format_doc},
    {NULL, NULL, 0, NULL},
};

int svcmpy_init_scorecard(PyObject *module)
{
    return PyModule_AddFunctions(module, scorecard_functions);
}
