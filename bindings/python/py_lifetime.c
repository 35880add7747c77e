/* Python binding of the lifetime engine: the models are generated from
 * bindings/api/lifetime.py (managed classes over struct svcmb_lt); here fit()
 * (a class method), the fit diagnostics, __setstate__ of 0.2 pickles,
 * BGNBD.p_alive (a list) and svcm.summarize_transactions. */
#include "svcmpy.h"
#include "gen_py.h"

#include <string.h>

#include "svcm/lifetime.h"

/* From the helper code of bindings/api/lifetime.py (gen_py.c). */
void svcmb_lt_free(struct svcmb_lt *m);
int svcmb_lt_fit(int model, const double *const *d, size_t n, const svcm_lifetime_fit_options *o,
                 struct svcmb_lt **out, svcm_error *err);
int svcmb_lt_diag(const struct svcmb_lt *m, int k, double *out);
void svcmb_lt_setfit(struct svcmb_lt *m, const double *d);

static const svcmpy_class *const lt_classes[5] = {&svcmpy_class_BGNBD, &svcmpy_class_GammaGamma,
                                                  &svcmpy_class_MBGNBD, &svcmpy_class_BGBB,
                                                  &svcmpy_class_ParetoNBD};

/* The model of a type: the class whose dealloc it or a base has. */
static int lt_model_of(PyTypeObject *tp)
{
    for (; tp != NULL; tp = tp->tp_base)
        for (int m = 0; m < 5; m++)
            if (PyType_GetSlot(tp, Py_tp_dealloc) == (void *)lt_classes[m]->dealloc)
                return m;
    return 0;
}

/* fit's keywords and format per model: the columns, then the options. */
static char *lt_fit_kw[5][8] = {
    {"x", "t_x", "T", "weights", "max_iter", "gtol", "penalizer", NULL},
    {"x", "mean_spend", "max_iter", "gtol", "penalizer", NULL},
    {"x", "t_x", "T", "weights", "max_iter", "gtol", NULL},
    {"frequency", "recency", "periods", "weights", "max_iter", "gtol", NULL},
    {"x", "t_x", "T", "weights", "max_iter", "gtol", NULL},
};
static const char *const lt_fit_fmt[5] = {"OOO|O$OOO:fit", "OO|$OOO:fit", "OOO|O$OO:fit",
                                          "OOO|O$OO:fit", "OOO|O$OO:fit"};

/* fit(columns..., [weights=None,] *, max_iter=None, gtol=1e-9[, penalizer=0.0]) */
static PyObject *lt_fit(PyObject *cls, PyObject *args, PyObject *kw)
{
    PyTypeObject *tp = (PyTypeObject *)cls;
    int m = lt_model_of(tp);
    int nc = m == 1 ? 2 : 4; /* column arguments, the weights included */
    PyObject *o[7] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kw, lt_fit_fmt[m], lt_fit_kw[m], &o[0], &o[1], &o[2],
                                     &o[3], &o[4], &o[5], &o[6]))
        return NULL;
    PyObject *module = svcmpy_module_of_type(tp);
    if (module == NULL)
        return NULL;
    svcm_lifetime_fit_options opts;
    svcm_lifetime_fit_options_init(&opts);
    uint32_t iters = opts.max_iter;
    if ((o[nc] != NULL && o[nc] != Py_None &&
         svcmpy_arg_u32(module, o[nc], "max_iter", &iters) < 0) ||
        (o[nc + 1] != NULL && svcmpy_arg_f64(module, o[nc + 1], "gtol", &opts.gtol) < 0) ||
        (o[nc + 2] != NULL && svcmpy_arg_f64(module, o[nc + 2], "penalizer", &opts.penalizer) < 0))
        return NULL;
    opts.max_iter = iters;
    int k = nc == 4 && (o[3] == NULL || o[3] == Py_None) ? 3 : nc;
    svcmpy_bcast c;
    memset(&c, 0, sizeof c);
    if (svcmpy_bcast_get(&c, k, o, (const char *const *)lt_fit_kw[m], 0) < 0) {
        svcmpy_bcast_release(&c);
        return NULL;
    }
    const double *d[4] = {c.data[0], c.data[1], k > 2 ? c.data[2] : NULL, k > 3 ? c.data[3] : NULL};
    struct svcmb_lt *h = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcmb_lt_fit(m, d, (size_t)c.n, &opts, &h, &err);
    Py_END_ALLOW_THREADS
    svcmpy_bcast_release(&c);
    if (rc != SVCM_OK)
        return svcmpy_raise(module, rc, &err);
    PyObject *obj = tp->tp_alloc(tp, 0); /* cls: a subclass fits into itself */
    if (obj == NULL)
        svcmb_lt_free(h);
    else
        ((svcmpy_handle *)obj)->h = h;
    return obj;
}

/* The fit diagnostics (closure: their number in struct svcmb_lt). */
static PyObject *lt_get(PyObject *op, void *which)
{
    const struct svcmb_lt *h = svcmpy_handle_ready(op);
    int k = (int)(intptr_t)which;
    double v[4];
    if (h == NULL)
        return NULL;
    if (k < 6)
        return !svcmb_lt_diag(h, k, v) ? Py_NewRef(Py_None)
               : k >= 1 && k <= 3      ? PyLong_FromDouble(v[0])
                                       : PyFloat_FromDouble(v[0]);
    int n = 0;
    while (n < 4 && svcmb_lt_diag(h, 6 + n, &v[n]))
        n++;
    return n == 0 ? Py_NewRef(Py_None)
           : n == 3 ? Py_BuildValue("(ddd)", v[0], v[1], v[2])
                    : Py_BuildValue("(dddd)", v[0], v[1], v[2], v[3]);
}

#define LT_DIAG(name, k, doc) {name, lt_get, NULL, doc " (None unless fitted)", (void *)k}
static PyGetSetDef lt_getset[] = {
    LT_DIAG("loglik", 0, "log-likelihood at the estimates"),
    LT_DIAG("n", 1, "rows fitted; GammaGamma: customers with x > 0"),
    LT_DIAG("groups", 2, "distinct rows evaluated; None for GammaGamma"),
    LT_DIAG("iterations", 3, "optimiser iterations"),
    LT_DIAG("weight", 4, "total weight fitted; None for GammaGamma"),
    LT_DIAG("grad_norm", 5, "largest gradient component at the estimates, in log-parameters; "
                            "None for MBGNBD and BGBB"),
    LT_DIAG("standard_errors", 6, "standard errors of the parameters, in their order, from the "
                                  "Hessian; NaN where it is not positive definite"),
    {NULL, NULL, NULL, NULL, NULL},
};

/* BGNBD.p_alive(x, t_x, T): a float, or a list for columns. */
static PyObject *bgnbd_p_alive(PyObject *op, PyObject *args)
{
    static const char *const names[] = {"x", "t_x", "T"};
    PyObject *objs[3];
    if (!PyArg_UnpackTuple(args, "p_alive", 3, 3, &objs[0], &objs[1], &objs[2]))
        return NULL;
    svcmpy_bcast c;
    memset(&c, 0, sizeof c);
    const void *p = svcmpy_bcast_get(&c, 3, objs, names, 1) < 0 ? NULL : svcmpy_handle_enter(op);
    PyObject *res = NULL;
    if (p != NULL) {
        svcm_error err;
        svcm_error_clear(&err);
        int rc;
        Py_BEGIN_ALLOW_THREADS
        rc = svcm_bgnbd_p_alive(p, c.data[0], c.data[1], c.data[2], (size_t)c.n, c.out, &err);
        Py_END_ALLOW_THREADS
        svcmpy_handle_leave(op);
        res = rc != SVCM_OK  ? svcmpy_raise_type(Py_TYPE(op), rc, &err)
              : c.all_scalar ? PyFloat_FromDouble(c.out[0])
                             : svcmpy_list_from_doubles(c.out, (size_t)c.n);
    }
    svcmpy_bcast_release(&c);
    return res;
}

/* __setstate__(state): the fit summary of the 0.2 pickles (which were
 * (type, parameters, state)), also given by py_segment.c: None, or (loglik,
 * n, groups, iterations, weight, (standard errors)[, grad_norm]) and
 * GammaGamma's (loglik, n, iterations, (standard errors), grad_norm); or
 * the 0.1 forms without standard errors: (loglik, n, groups, iterations),
 * GammaGamma's (loglik, n, iterations). */
static PyObject *lt_setstate(PyObject *op, PyObject *state)
{
    struct svcmb_lt *h = svcmpy_handle_ready(op);
    if (h == NULL || state == Py_None)
        return h == NULL ? NULL : Py_NewRef(Py_None);
    if (!PyTuple_Check(state)) {
        PyErr_SetString(PyExc_TypeError, "__setstate__: expected None or a tuple");
        return NULL;
    }
    int m = lt_model_of(Py_TYPE(op)), gg = m == 1, grad = m != 2 && m != 3;
    int size = (int)PyTuple_GET_SIZE(state);
    double d[10] = {0.0, 0.0, NAN, 0.0, NAN, NAN, NAN, NAN, NAN, NAN}, *s = d + 6;
    Py_ssize_t v[3] = {0, 0, 0}; /* n, groups, iterations */
    int ok = !gg && size == 4 ? PyArg_ParseTuple(state, "dnnn:__setstate__", d, &v[0], &v[1], &v[2])
             : !gg ? PyArg_ParseTuple(state, grad ? "dnnnd(dddd)d:__setstate__"
                                                  : "dnnnd(dddd):__setstate__",
                                      d, &v[0], &v[1], &v[2], &d[4], &s[0], &s[1], &s[2], &s[3],
                                      &d[5])
             : size == 3 ? PyArg_ParseTuple(state, "dnn:__setstate__", d, &v[0], &v[2])
                         : PyArg_ParseTuple(state, "dnn(ddd)d:__setstate__", d, &v[0], &v[2],
                                            &s[0], &s[1], &s[2], &d[5]);
    if (!ok)
        return NULL;
    if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[2] > 0xFFFFFFFF) {
        PyErr_SetString(PyExc_ValueError, "__setstate__: counts must be >= 0");
        return NULL;
    }
    d[1] = (double)v[0];
    d[3] = (double)v[2];
    if (!gg) {
        d[2] = (double)v[1];
        d[4] = size == 4 ? d[1] : d[4];
    }
    svcmb_lt_setfit(h, d);
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------ summaries */

PyDoc_STRVAR(summarize_doc, "summarize_transactions(ids, times, values, end, *, granularity=86400, "
                            "offset=0, period=604800.0) -> dict\n\nPer-customer (x, t_x, T, "
                            "mean_spend) from transactions (int ids, epoch-second times, values): "
                            "purchases in one slot of `granularity` seconds are one, slots after "
                            "end's are the holdout. A dict of svcm.Column: 'id', 'first', 'x' "
                            "(int64), 't_x', 'T', 'mean_spend' (float64, in `period` seconds), "
                            "sorted by id.");

static PyObject *py_summarize(PyObject *module, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"ids",         "times",  "values", "end",
                             "granularity", "offset", "period", NULL};
    PyObject *oid, *otm, *oval;
    long long end;
    svcm_summary_options o;
    svcm_summary_options_init(&o);
    long long gran = o.granularity, off = o.offset;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOOL|$LLd:summarize_transactions", kwlist, &oid,
                                     &otm, &oval, &end, &gran, &off, &o.period))
        return NULL;
    o.granularity = gran;
    o.offset = off;
    svcmpy_array ids = {0}, tm = {0}, val = {0};
    PyObject *res = NULL;
    svcm_customer_summary *out = NULL;
    if (svcmpy_int64s(oid, &ids, "ids") < 0 || svcmpy_int64s(otm, &tm, "times") < 0 ||
        svcmpy_doubles(oval, &val, "values") < 0)
        goto done;
    if (tm.n != ids.n || val.n != ids.n) {
        PyErr_SetString(PyExc_ValueError, "ids, times and values must have the same length");
        goto done;
    }
    out = PyMem_Malloc(ids.n > 0 ? (size_t)ids.n * sizeof *out : 1);
    if (out == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    size_t count = 0;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = svcm_lifetime_summarize(ids.data, tm.data, val.data, (size_t)ids.n, (int64_t)end, &o,
                                 NULL, out, (size_t)ids.n, &count, &err);
    Py_END_ALLOW_THREADS
    if (rc != SVCM_OK) {
        svcmpy_raise(module, rc, &err);
        goto done;
    }
    /* Column by column: id, first and x (a whole number of repeat purchase
     * slots) int64, the rest float64. */
    static const char *const keys[] = {"id", "first", "x", "t_x", "T", "mean_spend"};
    res = PyDict_New();
    for (int k = 0; res != NULL && k < 6; k++) {
        char code = k < 3 ? 'q' : 'd';
        void *data = svcmpy_column_alloc(code, (Py_ssize_t)count);
        if (data == NULL) {
            Py_CLEAR(res);
            break;
        }
        for (size_t i = 0; i < count; i++) {
            const svcm_customer_summary *c = &out[i];
            if (k < 3)
                ((int64_t *)data)[i] = k == 0 ? c->id : k == 1 ? c->first : (int64_t)c->x;
            else
                ((double *)data)[i] = k == 3 ? c->t_x : k == 4 ? c->T : c->mean_spend;
        }
        /* svcmpy_column_new owns data from here, even when it fails. */
        PyObject *col = svcmpy_column_new(module, code, (Py_ssize_t)count, data);
        if (col == NULL || PyDict_SetItemString(res, keys[k], col) < 0)
            Py_CLEAR(res);
        Py_XDECREF(col);
    }
done:
    PyMem_Free(out);
    svcmpy_array_release(&ids);
    svcmpy_array_release(&tm);
    svcmpy_array_release(&val);
    return res;
}

static PyMethodDef lifetime_functions[] = {
    {"summarize_transactions", (PyCFunction)(void (*)(void))py_summarize,
     METH_VARARGS | METH_KEYWORDS, summarize_doc},
    {NULL, NULL, 0, NULL},
};

#define LT_FIT_DEF(M, doc)                                                                        \
    {"fit", (PyCFunction)(void (*)(void))lt_fit, METH_VARARGS | METH_KEYWORDS | METH_CLASS, doc}
#define LT_SETSTATE                                                                               \
    {"__setstate__", lt_setstate, METH_O,                                                         \
     "__setstate__(state) -> None\n\nThe fit summary of a 0.2 pickle, or None."}
static PyMethodDef lt_methods[5][4] = {
    {LT_FIT_DEF(0, "fit(x, t_x, T, weights=None, *, max_iter=200, gtol=1e-9, penalizer=0.0) -> "
                   "BGNBD\n\nMaximum-likelihood fit (Fader, Hardie & Lee 2005) from repeat "
                   "purchases x, time of the last one t_x and time observed T; weights = "
                   "customers per row. penalizer: L2 penalty lambda (-loglik/n + lambda * "
                   "sum(params**2), as lifetimes). NoConvergence when it does not converge."),
     LT_SETSTATE,
     {"p_alive", bgnbd_p_alive, METH_VARARGS,
      "p_alive(x, t_x, T) -> float | list[float]\n\nP(alive | x, t_x, T); numbers give a "
      "number, sequences/buffers a list (scalars broadcast). Under BG/NBD a customer can only "
      "drop out after a repeat purchase, so x = 0 gives 1, which overstates P(alive) for "
      "one-time buyers; use MBGNBD for them."}},
    {LT_FIT_DEF(1, "fit(x, mean_spend, *, max_iter=200, gtol=1e-9, penalizer=0.0) -> "
                   "GammaGamma\n\nMaximum-likelihood fit (Fader & Hardie 2013) from the "
                   "customers with x > 0; q <= 1 (mean spend undefined) is OutOfRange, 'q'."),
     LT_SETSTATE},
    {LT_FIT_DEF(2, "fit(x, t_x, T, weights=None, *, max_iter=200, gtol=1e-9) -> MBGNBD\n\n"
                   "Maximum-likelihood fit (Batislam, Denizel & Filiztekin 2007); weights = "
                   "customers per row."),
     LT_SETSTATE},
    {LT_FIT_DEF(3, "fit(frequency, recency, periods, weights=None, *, max_iter=200, "
                   "gtol=1e-9) -> BGBB\n\nMaximum-likelihood fit (Fader, Hardie & Shang 2010); "
                   "weights = customers per row."),
     LT_SETSTATE},
    {LT_FIT_DEF(4, "fit(x, t_x, T, weights=None, *, max_iter=200, gtol=1e-9) -> ParetoNBD\n\n"
                   "Maximum-likelihood fit (Schmittlein, Morrison & Colombo 1987); weights = "
                   "customers per row."),
     LT_SETSTATE},
};

int svcmpy_init_lifetime(PyObject *module)
{
    static int (*const add[5])(PyObject *, PyMethodDef *, PyGetSetDef *) = {
        svcmpy_add_BGNBD, svcmpy_add_GammaGamma, svcmpy_add_MBGNBD, svcmpy_add_BGBB,
        svcmpy_add_ParetoNBD};
    int rc = PyModule_AddFunctions(module, lifetime_functions);
    for (int m = 0; rc == 0 && m < 5; m++) {
        /* fit is a class method, which svcmpy_add_members does not make */
        PyObject *tp = add[m](module, lt_methods[m] + 1, lt_getset) < 0
                           ? NULL
                           : PyObject_GetAttrString(module, lt_classes[m]->name + 5);
        PyObject *fit = tp ? PyDescr_NewClassMethod((PyTypeObject *)tp, lt_methods[m]) : NULL;
        rc = fit == NULL ? -1 : PyDict_SetItemString(((PyTypeObject *)tp)->tp_dict, "fit", fit);
        if (rc == 0)
            PyType_Modified((PyTypeObject *)tp);
        Py_XDECREF(fit);
        Py_XDECREF(tp);
    }
    return rc;
}
