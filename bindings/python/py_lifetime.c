/* Python binding of the lifetime engine: svcm.BGNBD, svcm.GammaGamma,
 * svcm.summarize_transactions. */
#include "svcmpy.h"

#include <math.h>
#include <string.h>

#include "svcm/lifetime.h"

enum { LT_BGNBD, LT_GAMMAGAMMA, LT_NITEMS };

/* ------------------------------------------------------------ columns */

/* Up to five numeric arguments that are each a scalar or a sequence/buffer.
 * Scalars broadcast against the arrays; when every argument is a scalar the
 * result is a scalar too. */
#define COLS_MAX 5

typedef struct cols {
    int k;
    Py_ssize_t n;
    int all_scalar;
    const double *data[COLS_MAX];
    svcmpy_array arr[COLS_MAX];
    double scalar[COLS_MAX];
    double *fill[COLS_MAX]; /* PyMem buffers of broadcast scalars */
} cols;

/* A plain number (int, float, numpy scalar), not a sequence or buffer. */
static int is_scalar(PyObject *o)
{
    return PyNumber_Check(o) && !PySequence_Check(o) && !PyObject_CheckBuffer(o);
}

static void cols_release(cols *c)
{
    for (int i = 0; i < c->k; i++) {
        svcmpy_array_release(&c->arr[i]);
        PyMem_Free(c->fill[i]);
        c->fill[i] = NULL;
    }
}

static int cols_get(cols *c, int k, PyObject *const *objs, const char *const *names)
{
    memset(c, 0, sizeof *c);
    c->k = k;
    c->n = -1;
    c->all_scalar = 1;
    for (int i = 0; i < k; i++) {
        if (is_scalar(objs[i])) {
            c->scalar[i] = PyFloat_AsDouble(objs[i]);
            if (c->scalar[i] == -1.0 && PyErr_Occurred())
                goto fail;
            continue;
        }
        c->all_scalar = 0;
        if (svcmpy_doubles(objs[i], &c->arr[i], names[i]) < 0)
            goto fail;
        if (c->n >= 0 && c->arr[i].n != c->n) {
            PyErr_Format(PyExc_ValueError, "%s has %zd items, expected %zd (like %s)", names[i],
                         c->arr[i].n, c->n, names[0]);
            goto fail;
        }
        c->n = c->arr[i].n;
        c->data[i] = c->arr[i].data;
    }
    if (c->all_scalar)
        c->n = 1;
    for (int i = 0; i < k; i++) {
        if (c->data[i] != NULL)
            continue;
        if (c->all_scalar) {
            c->data[i] = &c->scalar[i];
            continue;
        }
        c->fill[i] = PyMem_Malloc(c->n > 0 ? (size_t)c->n * sizeof(double) : 1);
        if (c->fill[i] == NULL) {
            PyErr_NoMemory();
            goto fail;
        }
        for (Py_ssize_t j = 0; j < c->n; j++)
            c->fill[i][j] = c->scalar[i];
        c->data[i] = c->fill[i];
    }
    return 0;
fail:
    cols_release(c);
    return -1;
}

/* The result: a float for scalar input, else a list (takes out). */
static PyObject *cols_result(const cols *c, const double *out)
{
    if (c->all_scalar)
        return PyFloat_FromDouble(out[0]);
    return svcmpy_list_from_doubles(out, (size_t)c->n);
}

static double *out_buffer(Py_ssize_t n)
{
    double *o = PyMem_Malloc(n > 0 ? (size_t)n * sizeof(double) : 1);
    if (o == NULL)
        PyErr_NoMemory();
    return o;
}

static int fit_options(PyObject *max_iter, double gtol, svcm_lifetime_fit_options *o)
{
    svcm_lifetime_fit_options_init(o);
    if (max_iter != NULL && max_iter != Py_None) {
        unsigned long v = PyLong_AsUnsignedLong(max_iter);
        if (v == (unsigned long)-1 && PyErr_Occurred())
            return -1;
        if (v > 0xFFFFFFFFul) {
            PyErr_SetString(PyExc_ValueError, "max_iter too large");
            return -1;
        }
        o->max_iter = (unsigned)v;
    }
    o->gtol = gtol;
    return 0;
}

/* ---------------------------------------------------------------- BGNBD */

typedef struct {
    PyObject_HEAD svcm_bgnbd_params p;
    int fitted;
    svcm_bgnbd_fit_result fit;
} BGNBDObject;

static void lt_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *bgnbd_new(PyTypeObject *tp, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"r", "alpha", "a", "b", NULL};
    svcm_bgnbd_params p;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "dddd:BGNBD", kwlist, &p.r, &p.alpha, &p.a, &p.b))
        return NULL;
    svcm_error err;
    int rc = svcm_bgnbd_p_alive(&p, NULL, NULL, NULL, 0, NULL, &err); /* checks p */
    if (rc != SVCM_OK)
        return svcmpy_raise_type(tp, rc, &err);
    BGNBDObject *o = (BGNBDObject *)tp->tp_alloc(tp, 0);
    if (o == NULL)
        return NULL;
    o->p = p;
    return (PyObject *)o;
}

static PyObject *bgnbd_fit(PyObject *cls, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"x", "t_x", "T", "max_iter", "gtol", NULL};
    PyObject *objs[3], *max_iter = NULL;
    double gtol = 1e-9;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOO|$Od:fit", kwlist, &objs[0], &objs[1], &objs[2],
                                     &max_iter, &gtol))
        return NULL;
    svcm_lifetime_fit_options opts;
    if (fit_options(max_iter, gtol, &opts) < 0)
        return NULL;
    static const char *const names[] = {"x", "t_x", "T"};
    cols c;
    if (cols_get(&c, 3, objs, names) < 0)
        return NULL;
    svcm_bgnbd_fit_result r;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS rc =
        svcm_bgnbd_fit(c.data[0], c.data[1], c.data[2], (size_t)c.n, &opts, NULL, &r, &err);
    Py_END_ALLOW_THREADS cols_release(&c);
    if (rc != SVCM_OK)
        return svcmpy_raise_type((PyTypeObject *)cls, rc, &err);
    PyTypeObject *tp = (PyTypeObject *)cls;
    BGNBDObject *o = (BGNBDObject *)tp->tp_alloc(tp, 0);
    if (o == NULL)
        return NULL;
    o->p = r.params;
    o->fitted = 1;
    o->fit = r;
    return (PyObject *)o;
}

/* p_alive(x, t_x, T) and log_likelihood(x, t_x, T) share the parsing. */
static PyObject *bgnbd_rows(PyObject *self, PyObject *args, int loglik)
{
    PyObject *objs[3];
    if (!PyArg_UnpackTuple(args, loglik ? "log_likelihood" : "p_alive", 3, 3, &objs[0], &objs[1],
                           &objs[2]))
        return NULL;
    static const char *const names[] = {"x", "t_x", "T"};
    cols c;
    if (cols_get(&c, 3, objs, names) < 0)
        return NULL;
    const svcm_bgnbd_params *p = &((BGNBDObject *)self)->p;
    svcm_error err;
    int rc;
    if (loglik) {
        double ll = 0.0;
        Py_BEGIN_ALLOW_THREADS rc =
            svcm_bgnbd_loglik(p, c.data[0], c.data[1], c.data[2], (size_t)c.n, &ll, &err);
        Py_END_ALLOW_THREADS cols_release(&c);
        if (rc != SVCM_OK)
            return svcmpy_raise_type(Py_TYPE(self), rc, &err);
        return PyFloat_FromDouble(ll);
    }
    double *out = out_buffer(c.n);
    if (out == NULL) {
        cols_release(&c);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS rc =
        svcm_bgnbd_p_alive(p, c.data[0], c.data[1], c.data[2], (size_t)c.n, out, &err);
    Py_END_ALLOW_THREADS PyObject *res =
        rc == SVCM_OK ? cols_result(&c, out) : svcmpy_raise_type(Py_TYPE(self), rc, &err);
    PyMem_Free(out);
    cols_release(&c);
    return res;
}

static PyObject *bgnbd_p_alive(PyObject *self, PyObject *args)
{
    return bgnbd_rows(self, args, 0);
}
static PyObject *bgnbd_loglik(PyObject *self, PyObject *args)
{
    return bgnbd_rows(self, args, 1);
}

static PyObject *bgnbd_expected(PyObject *self, PyObject *args)
{
    double t;
    PyObject *objs[3];
    if (!PyArg_ParseTuple(args, "dOOO:expected_purchases", &t, &objs[0], &objs[1], &objs[2]))
        return NULL;
    static const char *const names[] = {"x", "t_x", "T"};
    cols c;
    if (cols_get(&c, 3, objs, names) < 0)
        return NULL;
    double *out = out_buffer(c.n);
    if (out == NULL) {
        cols_release(&c);
        return NULL;
    }
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS rc = svcm_bgnbd_expected_purchases(
        &((BGNBDObject *)self)->p, t, c.data[0], c.data[1], c.data[2], (size_t)c.n, out, &err);
    Py_END_ALLOW_THREADS PyObject *res =
        rc == SVCM_OK ? cols_result(&c, out) : svcmpy_raise_type(Py_TYPE(self), rc, &err);
    PyMem_Free(out);
    cols_release(&c);
    return res;
}

static PyObject *bgnbd_expected_uncond(PyObject *self, PyObject *arg)
{
    static const char *const names[] = {"t"};
    cols c;
    if (cols_get(&c, 1, &arg, names) < 0)
        return NULL;
    double *out = out_buffer(c.n);
    if (out == NULL) {
        cols_release(&c);
        return NULL;
    }
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS rc = svcm_bgnbd_expected_purchases_unconditional(
        &((BGNBDObject *)self)->p, c.data[0], (size_t)c.n, out, &err);
    Py_END_ALLOW_THREADS PyObject *res =
        rc == SVCM_OK ? cols_result(&c, out) : svcmpy_raise_type(Py_TYPE(self), rc, &err);
    PyMem_Free(out);
    cols_release(&c);
    return res;
}

static PyObject *bgnbd_get(PyObject *self, void *which)
{
    const BGNBDObject *o = (const BGNBDObject *)self;
    switch ((int)(intptr_t)which) {
    case 0:
        return PyFloat_FromDouble(o->p.r);
    case 1:
        return PyFloat_FromDouble(o->p.alpha);
    case 2:
        return PyFloat_FromDouble(o->p.a);
    case 3:
        return PyFloat_FromDouble(o->p.b);
    case 4:
        return o->fitted ? PyFloat_FromDouble(o->fit.loglik) : Py_NewRef(Py_None);
    case 5:
        return o->fitted ? PyLong_FromSize_t(o->fit.n) : Py_NewRef(Py_None);
    case 6:
        return o->fitted ? PyLong_FromSize_t(o->fit.groups) : Py_NewRef(Py_None);
    default:
        return o->fitted ? PyLong_FromUnsignedLong(o->fit.iterations) : Py_NewRef(Py_None);
    }
}

static PyObject *bgnbd_repr(PyObject *self)
{
    const BGNBDObject *o = (const BGNBDObject *)self;
    char buf[200];
    snprintf(buf, sizeof buf, "svcm.BGNBD(r=%.17g, alpha=%.17g, a=%.17g, b=%.17g)", o->p.r,
             o->p.alpha, o->p.a, o->p.b);
    return PyUnicode_FromString(buf);
}

static PyMethodDef bgnbd_methods[] = {
    {"fit", (PyCFunction)(void (*)(void))bgnbd_fit, METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     "fit(x, t_x, T, *, max_iter=200, gtol=1e-9) -> BGNBD\n\nMaximum-likelihood fit (Fader, "
     "Hardie & Lee 2005) from repeat purchases x, time of the last one t_x and time observed T "
     "per customer. Identical rows are evaluated once."},
    {"p_alive", bgnbd_p_alive, METH_VARARGS,
     "p_alive(x, t_x, T) -> float | list[float]\n\nP(alive | x, t_x, T); numbers give a "
     "number, sequences/buffers a list (scalars broadcast)."},
    {"expected_purchases", bgnbd_expected, METH_VARARGS,
     "expected_purchases(t, x, t_x, T) -> float | list[float]\n\nExpected purchases in the next "
     "t time units, E[Y(t) | x, t_x, T] (eq. 10 of the paper)."},
    {"expected_purchases_unconditional", bgnbd_expected_uncond, METH_O,
     "expected_purchases_unconditional(t) -> float | list[float]\n\nE[X(t)] for a new customer."},
    {"log_likelihood", bgnbd_loglik, METH_VARARGS,
     "log_likelihood(x, t_x, T) -> float\n\nTotal log-likelihood of these customers."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef bgnbd_getset[] = {
    {"r", bgnbd_get, NULL, "shape of the purchase-rate gamma", (void *)0},
    {"alpha", bgnbd_get, NULL, "scale of the purchase-rate gamma", (void *)1},
    {"a", bgnbd_get, NULL, "first shape of the dropout beta", (void *)2},
    {"b", bgnbd_get, NULL, "second shape of the dropout beta", (void *)3},
    {"loglik", bgnbd_get, NULL, "log-likelihood at the estimates (None unless fitted)", (void *)4},
    {"n", bgnbd_get, NULL, "customers fitted (None unless fitted)", (void *)5},
    {"groups", bgnbd_get, NULL, "distinct (x, t_x, T) rows evaluated (None unless fitted)",
     (void *)6},
    {"iterations", bgnbd_get, NULL, "optimiser iterations (None unless fitted)", (void *)7},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot bgnbd_slots[] = {
    {Py_tp_new, (void *)bgnbd_new},
    {Py_tp_dealloc, (void *)lt_dealloc},
    {Py_tp_methods, bgnbd_methods},
    {Py_tp_getset, bgnbd_getset},
    {Py_tp_repr, (void *)bgnbd_repr},
    {Py_tp_doc, (void *)"BGNBD(r, alpha, a, b)\n--\n\nThe BG/NBD purchase model with known "
                        "parameters; BGNBD.fit(x, t_x, T) estimates them."},
    {0, NULL},
};

static PyType_Spec bgnbd_spec = {"svcm.BGNBD", sizeof(BGNBDObject), 0, Py_TPFLAGS_DEFAULT,
                                 bgnbd_slots};

/* ----------------------------------------------------------- GammaGamma */

typedef struct {
    PyObject_HEAD svcm_gammagamma_params p;
    int fitted;
    svcm_gammagamma_fit_result fit;
} GGObject;

static PyObject *gg_new(PyTypeObject *tp, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"p", "q", "gamma", NULL};
    svcm_gammagamma_params p;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "ddd:GammaGamma", kwlist, &p.p, &p.q, &p.gamma))
        return NULL;
    svcm_error err;
    double ll;
    int rc = svcm_gammagamma_loglik(&p, NULL, NULL, 0, &ll, &err); /* checks p */
    if (rc != SVCM_OK)
        return svcmpy_raise_type(tp, rc, &err);
    GGObject *o = (GGObject *)tp->tp_alloc(tp, 0);
    if (o == NULL)
        return NULL;
    o->p = p;
    return (PyObject *)o;
}

static PyObject *gg_fit(PyObject *cls, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"x", "mean_spend", "max_iter", "gtol", NULL};
    PyObject *objs[2], *max_iter = NULL;
    double gtol = 1e-9;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|$Od:fit", kwlist, &objs[0], &objs[1], &max_iter,
                                     &gtol))
        return NULL;
    svcm_lifetime_fit_options opts;
    if (fit_options(max_iter, gtol, &opts) < 0)
        return NULL;
    static const char *const names[] = {"x", "mean_spend"};
    cols c;
    if (cols_get(&c, 2, objs, names) < 0)
        return NULL;
    svcm_gammagamma_fit_result r;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS rc =
        svcm_gammagamma_fit(c.data[0], c.data[1], (size_t)c.n, &opts, NULL, &r, &err);
    Py_END_ALLOW_THREADS cols_release(&c);
    if (rc != SVCM_OK)
        return svcmpy_raise_type((PyTypeObject *)cls, rc, &err);
    PyTypeObject *tp = (PyTypeObject *)cls;
    GGObject *o = (GGObject *)tp->tp_alloc(tp, 0);
    if (o == NULL)
        return NULL;
    o->p = r.params;
    o->fitted = 1;
    o->fit = r;
    return (PyObject *)o;
}

static PyObject *gg_rows(PyObject *self, PyObject *args, int loglik)
{
    PyObject *objs[2];
    if (!PyArg_UnpackTuple(args, loglik ? "log_likelihood" : "conditional_expected_spend", 2, 2,
                           &objs[0], &objs[1]))
        return NULL;
    static const char *const names[] = {"x", "mean_spend"};
    cols c;
    if (cols_get(&c, 2, objs, names) < 0)
        return NULL;
    const svcm_gammagamma_params *p = &((GGObject *)self)->p;
    svcm_error err;
    int rc;
    if (loglik) {
        double ll = 0.0;
        Py_BEGIN_ALLOW_THREADS rc =
            svcm_gammagamma_loglik(p, c.data[0], c.data[1], (size_t)c.n, &ll, &err);
        Py_END_ALLOW_THREADS cols_release(&c);
        if (rc != SVCM_OK)
            return svcmpy_raise_type(Py_TYPE(self), rc, &err);
        return PyFloat_FromDouble(ll);
    }
    double *out = out_buffer(c.n);
    if (out == NULL) {
        cols_release(&c);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS rc =
        svcm_gammagamma_conditional_spend(p, c.data[0], c.data[1], (size_t)c.n, out, &err);
    Py_END_ALLOW_THREADS PyObject *res =
        rc == SVCM_OK ? cols_result(&c, out) : svcmpy_raise_type(Py_TYPE(self), rc, &err);
    PyMem_Free(out);
    cols_release(&c);
    return res;
}

static PyObject *gg_spend(PyObject *self, PyObject *args)
{
    return gg_rows(self, args, 0);
}
static PyObject *gg_loglik(PyObject *self, PyObject *args)
{
    return gg_rows(self, args, 1);
}

static PyObject *gg_clv(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"bgnbd",      "x",       "t_x",           "T",
                             "mean_spend", "horizon", "discount_rate", "period_length",
                             "margin",     NULL};
    PyObject *bg, *objs[4];
    svcm_clv_options o;
    svcm_clv_options_init(&o);
    long horizon = (long)o.horizon;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOOOO|lddd:clv", kwlist, &bg, &objs[0], &objs[1],
                                     &objs[2], &objs[3], &horizon, &o.discount_rate,
                                     &o.period_length, &o.margin))
        return NULL;
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL)
        return NULL;
    PyObject *bgtype = svcmpy_engine_item(module, SVCMPY_LIFETIME, LT_BGNBD);
    if (bgtype == NULL)
        return NULL;
    if (!PyObject_TypeCheck(bg, (PyTypeObject *)bgtype)) {
        PyErr_Format(PyExc_TypeError, "bgnbd: expected svcm.BGNBD, got %s", Py_TYPE(bg)->tp_name);
        return NULL;
    }
    if (horizon < 0 || horizon > 0x7FFFFFFFL) {
        PyErr_SetString(PyExc_ValueError, "horizon must be in [1, 2**31)");
        return NULL;
    }
    o.horizon = (unsigned)horizon;
    static const char *const names[] = {"x", "t_x", "T", "mean_spend"};
    cols c;
    if (cols_get(&c, 4, objs, names) < 0)
        return NULL;
    double *out = out_buffer(c.n);
    if (out == NULL) {
        cols_release(&c);
        return NULL;
    }
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS rc =
        svcm_clv(&((BGNBDObject *)bg)->p, &((GGObject *)self)->p, c.data[0], c.data[1], c.data[2],
                 c.data[3], (size_t)c.n, &o, out, &err);
    Py_END_ALLOW_THREADS PyObject *res =
        rc == SVCM_OK ? cols_result(&c, out) : svcmpy_raise_type(Py_TYPE(self), rc, &err);
    PyMem_Free(out);
    cols_release(&c);
    return res;
}

static PyObject *gg_get(PyObject *self, void *which)
{
    const GGObject *o = (const GGObject *)self;
    switch ((int)(intptr_t)which) {
    case 0:
        return PyFloat_FromDouble(o->p.p);
    case 1:
        return PyFloat_FromDouble(o->p.q);
    case 2:
        return PyFloat_FromDouble(o->p.gamma);
    case 3:
        return o->fitted ? PyFloat_FromDouble(o->fit.loglik) : Py_NewRef(Py_None);
    case 4:
        return o->fitted ? PyLong_FromSize_t(o->fit.n) : Py_NewRef(Py_None);
    default:
        return o->fitted ? PyLong_FromUnsignedLong(o->fit.iterations) : Py_NewRef(Py_None);
    }
}

static PyObject *gg_repr(PyObject *self)
{
    const GGObject *o = (const GGObject *)self;
    char buf[160];
    snprintf(buf, sizeof buf, "svcm.GammaGamma(p=%.17g, q=%.17g, gamma=%.17g)", o->p.p, o->p.q,
             o->p.gamma);
    return PyUnicode_FromString(buf);
}

static PyMethodDef gg_methods[] = {
    {"fit", (PyCFunction)(void (*)(void))gg_fit, METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     "fit(x, mean_spend, *, max_iter=200, gtol=1e-9) -> GammaGamma\n\nMaximum-likelihood fit "
     "(Fader & Hardie 2013) from the customers with x > 0 (x = 0 rows are not used)."},
    {"conditional_expected_spend", gg_spend, METH_VARARGS,
     "conditional_expected_spend(x, mean_spend) -> float | list[float]\n\n"
     "p (gamma + x m) / (p x + q - 1); x = 0 gives the population mean."},
    {"log_likelihood", gg_loglik, METH_VARARGS,
     "log_likelihood(x, mean_spend) -> float\n\nTotal log-likelihood of the x > 0 customers."},
    {"clv", (PyCFunction)(void (*)(void))gg_clv, METH_VARARGS | METH_KEYWORDS,
     "clv(bgnbd, x, t_x, T, mean_spend, horizon=12, discount_rate=0.01, "
     "period_length=4.348214285714286, margin=1.0) -> float | list[float]\n\n"
     "margin * E(M) * sum_{k=1..horizon} (E[Y(k L)] - E[Y((k-1) L)]) / (1 + d)^k, "
     "L = period_length (in the unit of t_x and T), d = discount_rate per period."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef gg_getset[] = {
    {"p", gg_get, NULL, "shape of the per-purchase spend gamma", (void *)0},
    {"q", gg_get, NULL, "shape of the gamma of nu across customers", (void *)1},
    {"gamma", gg_get, NULL, "scale of the gamma of nu across customers", (void *)2},
    {"loglik", gg_get, NULL, "log-likelihood at the estimates (None unless fitted)", (void *)3},
    {"n", gg_get, NULL, "customers with x > 0 fitted (None unless fitted)", (void *)4},
    {"iterations", gg_get, NULL, "optimiser iterations (None unless fitted)", (void *)5},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot gg_slots[] = {
    {Py_tp_new, (void *)gg_new},
    {Py_tp_dealloc, (void *)lt_dealloc},
    {Py_tp_methods, gg_methods},
    {Py_tp_getset, gg_getset},
    {Py_tp_repr, (void *)gg_repr},
    {Py_tp_doc, (void *)"GammaGamma(p, q, gamma)\n--\n\nThe Gamma-Gamma spend model with known "
                        "parameters; GammaGamma.fit(x, mean_spend) estimates them."},
    {0, NULL},
};

static PyType_Spec gg_spec = {"svcm.GammaGamma", sizeof(GGObject), 0, Py_TPFLAGS_DEFAULT, gg_slots};

/* ------------------------------------------------------------ summaries */

PyDoc_STRVAR(summarize_doc,
             "summarize_transactions(ids, times, values, end, *, granularity=86400, offset=0, "
             "period=604800.0) -> dict\n\n"
             "Per-customer (x, t_x, T, mean_spend) from transactions (int ids, epoch-second "
             "times, values). Purchases in the same slot of `granularity` seconds are one; "
             "slots after end's are the holdout. Returns a dict of lists 'id', 'first', 'x', "
             "'t_x', 'T', 'mean_spend', sorted by id; times in units of `period` seconds.");

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
    Py_BEGIN_ALLOW_THREADS rc =
        svcm_lifetime_summarize(ids.data, tm.data, val.data, (size_t)ids.n, (int64_t)end, &o, NULL,
                                out, (size_t)ids.n, &count, &err);
    Py_END_ALLOW_THREADS if (rc != SVCM_OK)
    {
        svcmpy_raise(module, rc, &err);
        goto done;
    }
    res = PyDict_New();
    if (res == NULL)
        goto done;
    static const char *const keys[] = {"id", "first", "x", "t_x", "T", "mean_spend"};
    for (int k = 0; k < 6; k++) {
        PyObject *list = PyList_New((Py_ssize_t)count);
        if (list == NULL || PyDict_SetItemString(res, keys[k], list) < 0) {
            Py_XDECREF(list);
            Py_CLEAR(res);
            goto done;
        }
        Py_DECREF(list); /* the dict holds it */
        for (size_t i = 0; i < count; i++) {
            const svcm_customer_summary *s = &out[i];
            PyObject *v = k == 0   ? PyLong_FromLongLong(s->id)
                          : k == 1 ? PyLong_FromLongLong(s->first)
                          : k == 2 ? PyLong_FromDouble(s->x)
                                   : PyFloat_FromDouble(k == 3   ? s->t_x
                                                        : k == 4 ? s->T
                                                                 : s->mean_spend);
            if (v == NULL) {
                Py_CLEAR(res);
                goto done;
            }
            PyList_SET_ITEM(list, (Py_ssize_t)i, v);
        }
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

int svcmpy_init_lifetime(PyObject *module)
{
    if (PyModule_AddFunctions(module, lifetime_functions) < 0)
        return -1;
    PyObject *bg = PyType_FromModuleAndSpec(module, &bgnbd_spec, NULL);
    if (bg == NULL)
        return -1;
    PyObject *gg = PyType_FromModuleAndSpec(module, &gg_spec, NULL);
    if (gg == NULL) {
        Py_DECREF(bg);
        return -1;
    }
    int rc = -1;
    if (PyModule_AddObjectRef(module, "BGNBD", bg) == 0 &&
        PyModule_AddObjectRef(module, "GammaGamma", gg) == 0 &&
        svcmpy_engine_set(module, SVCMPY_LIFETIME, PyTuple_Pack(LT_NITEMS, bg, gg)) == 0)
        rc = 0;
    Py_DECREF(bg);
    Py_DECREF(gg);
    return rc;
}
