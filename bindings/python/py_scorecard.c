/* Python binding of the scorecard engine (svcm/scorecard.h): verdicts on
 * targets, changes against the previous period, the targets text. Module
 * functions only; rich results are dicts. */
#include "svcmpy.h"
#include "gen_py.h"

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
    return svcmpy_rec_TargetResult(module, &r);
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
    {"target_feedback_result", (PyCFunction)(void (*)(void))target_feedback_result,
     METH_VARARGS | METH_KEYWORDS, target_feedback_result_doc},
    {"target_feedback_change", (PyCFunction)(void (*)(void))target_feedback_change,
     METH_VARARGS | METH_KEYWORDS, target_feedback_change_doc},
    {"targets_parse", targets_parse, METH_O, targets_parse_doc},
    {"targets_format", targets_format, METH_O, targets_format_doc},
    {NULL, NULL, 0, NULL},
};

int svcmpy_init_scorecard(PyObject *module)
{
    return PyModule_AddFunctions(module, scorecard_functions);
}
