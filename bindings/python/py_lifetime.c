/* Python binding of the lifetime engine: svcm.BGNBD, svcm.GammaGamma,
 * svcm.MBGNBD, svcm.BGBB, svcm.ParetoNBD, svcm.summarize_transactions.
 * The per-customer methods are described in bindings/api/lifetime.py;
 * here: the types, constructors, fit(), pickling, the properties (the fit
 * ones are None unless fitted), BGNBD.p_alive, GammaGamma.clv and the
 * weighted log_likelihood of BGBB and ParetoNBD. The models' parameters
 * never change after construction, so the described methods read them
 * without marking the object in use. */
#include "svcmpy.h"
#include "gen_py.h"

#include <math.h>
#include <string.h>

#include "svcm/lifetime.h"

enum { LT_BGNBD, LT_GAMMAGAMMA, LT_NITEMS };

/* ------------------------------------------------------------ columns */

/* Up to five numeric arguments that are each a scalar or a sequence/buffer,
 * broadcast as the described f64v arguments are (svcmpy_bcast_get): when
 * every argument is a scalar the result is a scalar too. cols_get releases
 * what it took when it fails; cols_release after success. */
typedef svcmpy_bcast cols;

static void cols_release(cols *c) { svcmpy_bcast_release(c); }

static int cols_get(cols *c, int k, PyObject *const *objs, const char *const *names)
{
    memset(c, 0, sizeof *c);
    if (svcmpy_bcast_get(c, k, objs, names, 0) < 0) {
        svcmpy_bcast_release(c);
        return -1;
    }
    return 0;
}

/* The result: a float for scalar input, else a list (BGNBD.p_alive only,
 * see there). */
static PyObject *cols_result(const cols *c, const double *out)
{
    if (c->all_scalar)
        return PyFloat_FromDouble(out[0]);
    return svcmpy_list_from_doubles(out, (size_t)c->n);
}

/* The result of the other hand-written column methods, as the described
 * ones give it: a float for scalar input, else an svcm.Column (a copy of
 * out). */
static PyObject *cols_column(PyObject *self, const cols *c, const double *out)
{
    if (c->all_scalar)
        return PyFloat_FromDouble(out[0]);
    PyObject *module = svcmpy_module_of_type(Py_TYPE(self));
    if (module == NULL)
        return NULL;
    double *data = svcmpy_column_alloc('d', c->n);
    if (data == NULL)
        return NULL;
    if (c->n > 0)
        memcpy(data, out, (size_t)c->n * sizeof *data);
    return svcmpy_column_new(module, 'd', c->n, data);
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

/* The fit summary of the 4-parameter models (BGNBD, MBGNBD, BGBB, ParetoNBD)
 * as pickled:
 * (loglik, n, groups, iterations, weight, (4 standard errors)[, grad_norm]).
 * with_grad selects the ParetoNBD form. */
typedef struct {
    double loglik, weight, se[4], grad_norm;
    size_t n, groups;
    unsigned iterations;
} fit_summary;

static PyObject *summary_state(const fit_summary *f, int with_grad)
{
    PyObject *se = Py_BuildValue("(dddd)", f->se[0], f->se[1], f->se[2], f->se[3]);
    if (se == NULL)
        return NULL;
    return with_grad ? Py_BuildValue("(dnnndNd)", f->loglik, (Py_ssize_t)f->n,
                                     (Py_ssize_t)f->groups, (Py_ssize_t)f->iterations,
                                     f->weight, se, f->grad_norm)
                     : Py_BuildValue("(dnnndN)", f->loglik, (Py_ssize_t)f->n,
                                     (Py_ssize_t)f->groups, (Py_ssize_t)f->iterations,
                                     f->weight, se);
}

static int summary_of_state(PyObject *state, int with_grad, fit_summary *f)
{
    if (!PyTuple_Check(state)) {
        PyErr_SetString(PyExc_TypeError, "__setstate__: expected None or a tuple");
        return -1;
    }
    Py_ssize_t v[3];
    double *s = f->se;
    if (!PyArg_ParseTuple(state, with_grad ? "dnnnd(dddd)d:__setstate__" : "dnnnd(dddd):__setstate__",
                          &f->loglik, &v[0], &v[1], &v[2], &f->weight, &s[0], &s[1], &s[2], &s[3],
                          &f->grad_norm))
        return -1;
    if (v[0] < 0 || v[1] < 0 || v[2] < 0 || (size_t)v[2] > UINT_MAX) {
        PyErr_SetString(PyExc_ValueError, "__setstate__: counts must be >= 0");
        return -1;
    }
    f->n = (size_t)v[0];
    f->groups = (size_t)v[1];
    f->iterations = (unsigned)v[2];
    return 0;
}

/* ---------------------------------------------------------------- BGNBD */

typedef struct {
    PyObject_HEAD svcm_bgnbd_params p;
    int fitted;
    struct svcm_bgnbd_fit_result fit;
} BGNBDObject;

/* The described methods' hooks (bindings/api/lifetime.py). */
svcm_bgnbd_params *svcmpy_enter_BGNBD(PyObject *op)
{
    return &((BGNBDObject *)op)->p;
}
void svcmpy_leave_BGNBD(PyObject *op)
{
    (void)op;
}

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
    static char *kwlist[] = {"x", "t_x", "T", "weights", "max_iter", "gtol", "penalizer", NULL};
    static const char *const names[] = {"x", "t_x", "T", "weights"};
    PyObject *objs[4] = {NULL, NULL, NULL, NULL}, *max_iter = NULL;
    double gtol = 1e-9, penalizer = 0.0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOO|O$Odd:fit", kwlist, &objs[0], &objs[1],
                                     &objs[2], &objs[3], &max_iter, &gtol, &penalizer))
        return NULL;
    svcm_lifetime_fit_options opts;
    if (fit_options(max_iter, gtol, &opts) < 0)
        return NULL;
    opts.penalizer = penalizer;
    cols c;
    int k = objs[3] != NULL && objs[3] != Py_None ? 4 : 3;
    if (cols_get(&c, k, objs, names) < 0)
        return NULL;
    struct svcm_bgnbd_fit_result r;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS rc =
        svcm_bgnbd_fit(c.data[0], c.data[1], c.data[2], k == 4 ? c.data[3] : NULL, (size_t)c.n,
                       &opts, NULL, &r, &err);
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

/* p_alive(x, t_x, T): hand-written because its Python result for columns,
 * a list, is pinned by tests/typed_example.py (the described methods give
 * an svcm.Column). */
static PyObject *bgnbd_p_alive(PyObject *self, PyObject *args)
{
    PyObject *objs[3];
    if (!PyArg_UnpackTuple(args, "p_alive", 3, 3, &objs[0], &objs[1], &objs[2]))
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
    const svcm_bgnbd_params *p = &((BGNBDObject *)self)->p;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS rc =
        svcm_bgnbd_p_alive(p, c.data[0], c.data[1], c.data[2], (size_t)c.n, out, &err);
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
        rc == SVCM_OK ? cols_column(self, &c, out) : svcmpy_raise_type(Py_TYPE(self), rc, &err);
    PyMem_Free(out);
    cols_release(&c);
    return res;
}

/* Getters: 0-3 the parameters, then loglik, n, groups, iterations, weight,
 * standard_errors, grad_norm (None unless fitted). */
static PyObject *bgnbd_get(PyObject *self, void *which)
{
    const BGNBDObject *o = (const BGNBDObject *)self;
    const struct svcm_bgnbd_fit_result *f = &o->fit;
    const double v[4] = {o->p.r, o->p.alpha, o->p.a, o->p.b};
    int k = (int)(intptr_t)which;
    if (k < 4)
        return PyFloat_FromDouble(v[k]);
    if (!o->fitted)
        return Py_NewRef(Py_None);
    switch (k) {
    case 4:
        return PyFloat_FromDouble(f->loglik);
    case 5:
        return PyLong_FromSize_t(f->n);
    case 6:
        return PyLong_FromSize_t(f->groups);
    case 7:
        return PyLong_FromUnsignedLong(f->iterations);
    case 8:
        return PyFloat_FromDouble(f->weight);
    case 9:
        return Py_BuildValue("(dddd)", f->se.r, f->se.alpha, f->se.a, f->se.b);
    default:
        return PyFloat_FromDouble(f->grad_norm);
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

/* Pickle and copy: (type, the four parameters, the fit summary or None),
 * the summary in the form of ParetoNBD's. */
static PyObject *bgnbd_reduce(PyObject *self, PyObject *unused)
{
    (void)unused;
    const BGNBDObject *o = (const BGNBDObject *)self;
    const struct svcm_bgnbd_fit_result *r = &o->fit;
    PyObject *state;
    if (o->fitted) {
        fit_summary f = {r->loglik,    r->weight, {r->se.r, r->se.alpha, r->se.a, r->se.b},
                         r->grad_norm, r->n,      r->groups,
                         r->iterations};
        state = summary_state(&f, 1);
        if (state == NULL)
            return NULL;
    } else {
        state = Py_NewRef(Py_None);
    }
    return Py_BuildValue("(O(dddd)N)", Py_TYPE(self), o->p.r, o->p.alpha, o->p.a, o->p.b, state);
}

static PyObject *bgnbd_setstate(PyObject *self, PyObject *state)
{
    BGNBDObject *o = (BGNBDObject *)self;
    if (state == Py_None)
        Py_RETURN_NONE;
    fit_summary f;
    if (PyTuple_Check(state) && PyTuple_GET_SIZE(state) == 4) {
        /* the 0.1 form (loglik, n, groups, iterations): no standard errors */
        Py_ssize_t v[3];
        if (!PyArg_ParseTuple(state, "dnnn:__setstate__", &f.loglik, &v[0], &v[1], &v[2]))
            return NULL;
        if (v[0] < 0 || v[1] < 0 || v[2] < 0 || (size_t)v[2] > UINT_MAX) {
            PyErr_SetString(PyExc_ValueError, "__setstate__: counts must be >= 0");
            return NULL;
        }
        f = (fit_summary){f.loglik, (double)v[0], {NAN, NAN, NAN, NAN}, NAN,
                          (size_t)v[0], (size_t)v[1], (unsigned)v[2]};
    } else if (summary_of_state(state, 1, &f) < 0) {
        return NULL;
    }
    struct svcm_bgnbd_fit_result r = {.params = o->p,
                                      .se = {f.se[0], f.se[1], f.se[2], f.se[3]},
                                      .loglik = f.loglik,
                                      .weight = f.weight,
                                      .n = f.n,
                                      .groups = f.groups,
                                      .iterations = f.iterations,
                                      .grad_norm = f.grad_norm,
                                      .converged = 1};
    o->fit = r;
    o->fitted = 1;
    Py_RETURN_NONE;
}

static PyMethodDef bgnbd_methods[] = {
    {"fit", (PyCFunction)(void (*)(void))bgnbd_fit, METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     "fit(x, t_x, T, weights=None, *, max_iter=200, gtol=1e-9, penalizer=0.0) -> BGNBD\n\n"
     "Maximum-likelihood fit (Fader, Hardie & Lee 2005) from repeat purchases x, time of the "
     "last one t_x and time observed T per customer; weights = customers per row. Identical "
     "rows are evaluated once. penalizer: L2 penalty lambda, the form of lifetimes "
     "(minimises -loglik/n + lambda * sum(params**2)); 0.001-0.1 when a fit runs off to "
     "infinity. Raises NoConvergence when the fit does not converge. Note: BG/NBD gives every "
     "one-time buyer (x = 0) P(alive) = 1; MBGNBD is offered for data with many of them."},
    {"p_alive", bgnbd_p_alive, METH_VARARGS,
     "p_alive(x, t_x, T) -> float | list[float]\n\nP(alive | x, t_x, T); numbers give a "
     "number, sequences/buffers a list (scalars broadcast). Under BG/NBD a customer can only "
     "drop out after a repeat purchase, so x = 0 gives 1, which overstates P(alive) for "
     "one-time buyers; use MBGNBD for them."},
    {"__reduce__", bgnbd_reduce, METH_NOARGS,
     "__reduce__() -> tuple\n\nPickle and copy: the parameters and any fit diagnostics."},
    {"__setstate__", bgnbd_setstate, METH_O,
     "__setstate__(state) -> None\n\nThe fit summary (loglik, n, groups, iterations, weight, "
     "standard errors, grad_norm) from __reduce__, or None."},
    {"expected_purchases_unconditional", bgnbd_expected_uncond, METH_O,
     "expected_purchases_unconditional(t) -> float | Column\n\nE[X(t)] for a new customer."},
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
    {"weight", bgnbd_get, NULL, "total weight fitted (None unless fitted)", (void *)8},
    {"standard_errors", bgnbd_get, NULL,
     "standard errors (r, alpha, a, b) from the Hessian at the estimates; NaN where it is not "
     "positive definite (None unless fitted)",
     (void *)9},
    {"grad_norm", bgnbd_get, NULL,
     "largest gradient component at the estimates, in log-parameters (None unless fitted)",
     (void *)10},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot bgnbd_slots[] = {
    {Py_tp_new, (void *)bgnbd_new},
    {Py_tp_dealloc, (void *)lt_dealloc},
    {Py_tp_methods, bgnbd_methods},
    {Py_tp_getset, bgnbd_getset},
    {Py_tp_repr, (void *)bgnbd_repr},
    {Py_tp_doc, (void *)"BGNBD(r, alpha, a, b)\n--\n\nThe BG/NBD purchase model with known "
                        "parameters; BGNBD.fit(x, t_x, T) estimates them. A BG/NBD customer "
                        "drops out only after a repeat purchase, so one-time buyers (x = 0) "
                        "have P(alive) = 1, an overstatement; MBGNBD is offered for them."},
    {0, NULL},
};

static PyType_Spec bgnbd_spec = {"svcm.BGNBD", sizeof(BGNBDObject), 0, Py_TPFLAGS_DEFAULT,
                                 bgnbd_slots};

/* ----------------------------------------------------------- GammaGamma */

typedef struct {
    PyObject_HEAD svcm_gammagamma_params p;
    int fitted;
    struct svcm_gammagamma_fit_result fit;
} GGObject;

/* The described methods' hooks (bindings/api/lifetime.py). */
svcm_gammagamma_params *svcmpy_enter_GammaGamma(PyObject *op)
{
    return &((GGObject *)op)->p;
}
void svcmpy_leave_GammaGamma(PyObject *op)
{
    (void)op;
}

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
    static char *kwlist[] = {"x", "mean_spend", "max_iter", "gtol", "penalizer", NULL};
    PyObject *objs[2], *max_iter = NULL;
    double gtol = 1e-9, penalizer = 0.0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|$Odd:fit", kwlist, &objs[0], &objs[1], &max_iter,
                                     &gtol, &penalizer))
        return NULL;
    svcm_lifetime_fit_options opts;
    if (fit_options(max_iter, gtol, &opts) < 0)
        return NULL;
    opts.penalizer = penalizer;
    static const char *const names[] = {"x", "mean_spend"};
    cols c;
    if (cols_get(&c, 2, objs, names) < 0)
        return NULL;
    struct svcm_gammagamma_fit_result r;
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
        rc == SVCM_OK ? cols_column(self, &c, out) : svcmpy_raise_type(Py_TYPE(self), rc, &err);
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
    case 5:
        return o->fitted ? PyLong_FromUnsignedLong(o->fit.iterations) : Py_NewRef(Py_None);
    case 6:
        return o->fitted ? Py_BuildValue("(ddd)", o->fit.se.p, o->fit.se.q, o->fit.se.gamma)
                         : Py_NewRef(Py_None);
    default:
        return o->fitted ? PyFloat_FromDouble(o->fit.grad_norm) : Py_NewRef(Py_None);
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

static PyObject *gg_reduce(PyObject *self, PyObject *unused)
{
    const GGObject *o = (const GGObject *)self;
    const struct svcm_gammagamma_fit_result *f = &o->fit;
    PyObject *state = o->fitted ? Py_BuildValue("(dnn(ddd)d)", f->loglik, (Py_ssize_t)f->n,
                                                (Py_ssize_t)f->iterations, f->se.p, f->se.q,
                                                f->se.gamma, f->grad_norm)
                                : Py_NewRef(Py_None);
    return Py_BuildValue("(O(ddd)N)", Py_TYPE(self), o->p.p, o->p.q, o->p.gamma, state);
}

static PyObject *gg_setstate(PyObject *self, PyObject *state)
{
    GGObject *o = (GGObject *)self;
    if (state == Py_None)
        Py_RETURN_NONE;
    struct svcm_gammagamma_fit_result f = {.params = o->p, .converged = 1};
    Py_ssize_t v[2] = {0, 0};
    if (!PyTuple_Check(state)) {
        PyErr_SetString(PyExc_TypeError, "__setstate__: expected None or a tuple");
        return NULL;
    }
    /* also the 0.1 form (loglik, n, iterations): no standard errors */
    f.se = (svcm_gammagamma_params){NAN, NAN, NAN};
    f.grad_norm = NAN;
    if (!(PyTuple_GET_SIZE(state) == 3
              ? PyArg_ParseTuple(state, "dnn:__setstate__", &f.loglik, &v[0], &v[1])
              : PyArg_ParseTuple(state, "dnn(ddd)d:__setstate__", &f.loglik, &v[0], &v[1],
                                 &f.se.p, &f.se.q, &f.se.gamma, &f.grad_norm)))
        return NULL;
    if (v[0] < 0 || v[1] < 0 || (size_t)v[1] > UINT_MAX) {
        PyErr_SetString(PyExc_ValueError, "__setstate__: counts must be >= 0");
        return NULL;
    }
    f.n = (size_t)v[0];
    f.iterations = (unsigned)v[1];
    o->fit = f;
    o->fitted = 1;
    Py_RETURN_NONE;
}

static PyMethodDef gg_methods[] = {
    {"fit", (PyCFunction)(void (*)(void))gg_fit, METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     "fit(x, mean_spend, *, max_iter=200, gtol=1e-9, penalizer=0.0) -> GammaGamma\n\n"
     "Maximum-likelihood fit (Fader & Hardie 2013) from the customers with x > 0 (x = 0 rows "
     "are not used). An estimate q <= 1 (mean spend p gamma / (q - 1) undefined) raises the "
     "range error, field 'q'. penalizer: L2 penalty as in BGNBD.fit."},
    {"clv", (PyCFunction)(void (*)(void))gg_clv, METH_VARARGS | METH_KEYWORDS,
     "clv(bgnbd, x, t_x, T, mean_spend, horizon=12, discount_rate=0.01, "
     "period_length=4.348214285714286, margin=1.0) -> float | Column\n\n"
     "margin * E(M) * sum_{k=1..horizon} (E[Y(k L)] - E[Y((k-1) L)]) / (1 + d)^k, "
     "L = period_length (in the unit of t_x and T: the default 4.348 is a month only when "
     "times are in weeks; 30.44 for months in days), d = discount_rate per period (not per "
     "year). Never negative: margin must be >= 0."},
    {"__reduce__", gg_reduce, METH_NOARGS,
     "__reduce__() -> tuple\n\nPickle and copy: the parameters and any fit diagnostics."},
    {"__setstate__", gg_setstate, METH_O,
     "__setstate__(state) -> None\n\nThe fit diagnostics (loglik, n, iterations, standard "
     "errors, grad_norm) from __reduce__, or None."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef gg_getset[] = {
    {"p", gg_get, NULL, "shape of the per-purchase spend gamma", (void *)0},
    {"q", gg_get, NULL, "shape of the gamma of nu across customers", (void *)1},
    {"gamma", gg_get, NULL, "scale of the gamma of nu across customers", (void *)2},
    {"loglik", gg_get, NULL, "log-likelihood at the estimates (None unless fitted)", (void *)3},
    {"n", gg_get, NULL, "customers with x > 0 fitted (None unless fitted)", (void *)4},
    {"iterations", gg_get, NULL, "optimiser iterations (None unless fitted)", (void *)5},
    {"standard_errors", gg_get, NULL,
     "standard errors (p, q, gamma) from the Hessian at the estimates; NaN where it is not "
     "positive definite (None unless fitted)",
     (void *)6},
    {"grad_norm", gg_get, NULL,
     "largest gradient component at the estimates, in log-parameters (None unless fitted)",
     (void *)7},
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

/* ------------------------------------------------- MBGNBD and BGBB */

/* svcm.MBGNBD and svcm.BGBB share one object layout: four parameters and,
 * once fitted, the fit's summary. */
typedef struct {
    PyObject_HEAD double p[4];
    svcm_mbgnbd_params pm; /* p as the model's parameters */
    svcm_bgbb_params pb;
    int fitted;
    double se[4];
    double loglik, weight;
    size_t n, groups;
    unsigned iterations;
} DiscObject;

/* The described methods' hooks (bindings/api/lifetime.py). */
svcm_mbgnbd_params *svcmpy_enter_MBGNBD(PyObject *op)
{
    return &((DiscObject *)op)->pm;
}
void svcmpy_leave_MBGNBD(PyObject *op)
{
    (void)op;
}

/* The described methods' hooks (bindings/api/lifetime.py). */
svcm_bgbb_params *svcmpy_enter_BGBB(PyObject *op)
{
    return &((DiscObject *)op)->pb;
}
void svcmpy_leave_BGBB(PyObject *op)
{
    (void)op;
}

static PyObject *disc_alloc(PyTypeObject *tp, const double p[4])
{
    DiscObject *o = (DiscObject *)tp->tp_alloc(tp, 0);
    if (o == NULL)
        return NULL;
    memcpy(o->p, p, sizeof o->p);
    o->pm = (svcm_mbgnbd_params){p[0], p[1], p[2], p[3]};
    o->pb = (svcm_bgbb_params){p[0], p[1], p[2], p[3]};
    return (PyObject *)o;
}

static PyObject *mbg_new(PyTypeObject *tp, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"r", "alpha", "a", "b", NULL};
    double v[4];
    if (!PyArg_ParseTupleAndKeywords(args, kw, "dddd:MBGNBD", kwlist, &v[0], &v[1], &v[2], &v[3]))
        return NULL;
    svcm_mbgnbd_params p = {v[0], v[1], v[2], v[3]};
    svcm_error err;
    int rc = svcm_mbgnbd_p_alive(&p, NULL, NULL, NULL, 0, NULL, &err); /* checks p */
    if (rc != SVCM_OK)
        return svcmpy_raise_type(tp, rc, &err);
    return disc_alloc(tp, v);
}

static PyObject *bb_new(PyTypeObject *tp, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"alpha", "beta", "gamma", "delta", NULL};
    double v[4];
    if (!PyArg_ParseTupleAndKeywords(args, kw, "dddd:BGBB", kwlist, &v[0], &v[1], &v[2], &v[3]))
        return NULL;
    svcm_bgbb_params p = {v[0], v[1], v[2], v[3]};
    svcm_error err;
    int rc = svcm_bgbb_p_alive(&p, NULL, NULL, NULL, 0, NULL, &err); /* checks p */
    if (rc != SVCM_OK)
        return svcmpy_raise_type(tp, rc, &err);
    return disc_alloc(tp, v);
}

/* The three data columns plus optional weights (None: no weights). */
static int disc_columns(cols *c, PyObject *const *objs, PyObject *weights,
                        const char *const *names)
{
    PyObject *all[4] = {objs[0], objs[1], objs[2], weights};
    return cols_get(c, weights != NULL && weights != Py_None ? 4 : 3, all, names);
}

/* fit() of either model; bgbb selects the model. */
static PyObject *disc_fit(PyObject *cls, PyObject *args, PyObject *kw, int bgbb)
{
    static char *kw_mbg[] = {"x", "t_x", "T", "weights", "max_iter", "gtol", NULL};
    static char *kw_bb[] = {"frequency", "recency", "periods", "weights", "max_iter", "gtol", NULL};
    static const char *const n_mbg[] = {"x", "t_x", "T", "weights"};
    static const char *const n_bb[] = {"frequency", "recency", "periods", "weights"};
    PyObject *objs[3], *weights = NULL, *max_iter = NULL;
    double gtol = 1e-9;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOO|O$Od:fit", bgbb ? kw_bb : kw_mbg, &objs[0],
                                     &objs[1], &objs[2], &weights, &max_iter, &gtol))
        return NULL;
    svcm_lifetime_fit_options opts;
    cols c;
    if (fit_options(max_iter, gtol, &opts) < 0 ||
        disc_columns(&c, objs, weights, bgbb ? n_bb : n_mbg) < 0)
        return NULL;
    const double *w = c.k == 4 ? c.data[3] : NULL;
    struct svcm_mbgnbd_fit_result rm;
    struct svcm_bgbb_fit_result rb;
    memset(&rm, 0, sizeof rm); /* only one is filled; both are read below */
    memset(&rb, 0, sizeof rb);
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS rc =
        bgbb ? svcm_bgbb_fit(c.data[0], c.data[1], c.data[2], w, (size_t)c.n, &opts, NULL, &rb,
                             &err)
             : svcm_mbgnbd_fit(c.data[0], c.data[1], c.data[2], w, (size_t)c.n, &opts, NULL, &rm,
                               &err);
    Py_END_ALLOW_THREADS cols_release(&c);
    if (rc != SVCM_OK)
        return svcmpy_raise_type((PyTypeObject *)cls, rc, &err);
    double p[4] = {rm.params.r, rm.params.alpha, rm.params.a, rm.params.b},
           se[4] = {rm.se.r, rm.se.alpha, rm.se.a, rm.se.b};
    if (bgbb) {
        const double pb[4] = {rb.params.alpha, rb.params.beta, rb.params.gamma, rb.params.delta},
                     sb[4] = {rb.se.alpha, rb.se.beta, rb.se.gamma, rb.se.delta};
        memcpy(p, pb, sizeof p);
        memcpy(se, sb, sizeof se);
    }
    DiscObject *o = (DiscObject *)disc_alloc((PyTypeObject *)cls, p);
    if (o == NULL)
        return NULL;
    o->fitted = 1;
    memcpy(o->se, se, sizeof se);
    o->loglik = bgbb ? rb.loglik : rm.loglik;
    o->weight = bgbb ? rb.weight : rm.weight;
    o->n = bgbb ? rb.n : rm.n;
    o->groups = bgbb ? rb.groups : rm.groups;
    o->iterations = bgbb ? rb.iterations : rm.iterations;
    return (PyObject *)o;
}

static PyObject *mbg_fit(PyObject *cls, PyObject *args, PyObject *kw)
{
    return disc_fit(cls, args, kw, 0);
}
static PyObject *bb_fit(PyObject *cls, PyObject *args, PyObject *kw)
{
    return disc_fit(cls, args, kw, 1);
}

static PyObject *disc_uncond(PyObject *self, PyObject *arg, int bgbb)
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
    const DiscObject *o = (const DiscObject *)self;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS rc =
        bgbb ? svcm_bgbb_expected_purchases_unconditional(&o->pb, c.data[0], (size_t)c.n, out, &err)
             : svcm_mbgnbd_expected_purchases_unconditional(&o->pm, c.data[0], (size_t)c.n, out,
                                                            &err);
    Py_END_ALLOW_THREADS PyObject *res =
        rc == SVCM_OK ? cols_column(self, &c, out) : svcmpy_raise_type(Py_TYPE(self), rc, &err);
    PyMem_Free(out);
    cols_release(&c);
    return res;
}

static PyObject *mbg_uncond(PyObject *self, PyObject *arg)
{
    return disc_uncond(self, arg, 0);
}

static PyObject *bb_uncond(PyObject *self, PyObject *arg)
{
    return disc_uncond(self, arg, 1);
}

/* BGBB.log_likelihood(x, t_x, n, weights=None): hand-written for the
 * optional weights column. */
static PyObject *bb_loglik(PyObject *self, PyObject *args)
{
    static const char *const names[] = {"x", "t_x", "n", "weights"};
    PyObject *objs[3], *weights = NULL;
    if (!PyArg_ParseTuple(args, "OOO|O:log_likelihood", &objs[0], &objs[1], &objs[2], &weights))
        return NULL;
    cols c;
    if (disc_columns(&c, objs, weights, names) < 0)
        return NULL;
    const svcm_bgbb_params *p = &((DiscObject *)self)->pb;
    const double *w = c.k == 4 ? c.data[3] : NULL;
    double ll = 0.0;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS rc =
        svcm_bgbb_loglik(p, c.data[0], c.data[1], c.data[2], w, (size_t)c.n, &ll, &err);
    Py_END_ALLOW_THREADS cols_release(&c);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, &err);
    return PyFloat_FromDouble(ll);
}

/* Getters: 0-3 the parameters, then loglik, n, groups, iterations, weight,
 * standard_errors (None unless fitted). */
static PyObject *disc_get(PyObject *self, void *which)
{
    const DiscObject *o = (const DiscObject *)self;
    int k = (int)(intptr_t)which;
    if (k < 4)
        return PyFloat_FromDouble(o->p[k]);
    if (!o->fitted)
        return Py_NewRef(Py_None);
    switch (k) {
    case 4:
        return PyFloat_FromDouble(o->loglik);
    case 5:
        return PyLong_FromSize_t(o->n);
    case 6:
        return PyLong_FromSize_t(o->groups);
    case 7:
        return PyLong_FromUnsignedLong(o->iterations);
    case 8:
        return PyFloat_FromDouble(o->weight);
    default:
        return Py_BuildValue("(dddd)", o->se[0], o->se[1], o->se[2], o->se[3]);
    }
}

static PyObject *disc_repr(PyObject *self, int bgbb)
{
    const DiscObject *o = (const DiscObject *)self;
    char buf[240];
    snprintf(buf, sizeof buf,
             bgbb ? "svcm.BGBB(alpha=%.17g, beta=%.17g, gamma=%.17g, delta=%.17g)"
                  : "svcm.MBGNBD(r=%.17g, alpha=%.17g, a=%.17g, b=%.17g)",
             o->p[0], o->p[1], o->p[2], o->p[3]);
    return PyUnicode_FromString(buf);
}
static PyObject *mbg_repr(PyObject *self)
{
    return disc_repr(self, 0);
}
static PyObject *bb_repr(PyObject *self)
{
    return disc_repr(self, 1);
}

/* Pickle and copy: (type, the four parameters, the fit summary or None). */
static PyObject *disc_reduce(PyObject *self, PyObject *unused)
{
    (void)unused;
    const DiscObject *o = (const DiscObject *)self;
    PyObject *state;
    if (o->fitted) {
        fit_summary f = {o->loglik, o->weight, {0}, 0.0, o->n, o->groups, o->iterations};
        memcpy(f.se, o->se, sizeof f.se);
        state = summary_state(&f, 0);
        if (state == NULL)
            return NULL;
    } else {
        state = Py_NewRef(Py_None);
    }
    return Py_BuildValue("(O(dddd)N)", Py_TYPE(self), o->p[0], o->p[1], o->p[2], o->p[3], state);
}

static PyObject *disc_setstate(PyObject *self, PyObject *state)
{
    DiscObject *o = (DiscObject *)self;
    if (state == Py_None)
        Py_RETURN_NONE;
    fit_summary f;
    if (summary_of_state(state, 0, &f) < 0)
        return NULL;
    memcpy(o->se, f.se, sizeof o->se);
    o->loglik = f.loglik;
    o->weight = f.weight;
    o->n = f.n;
    o->groups = f.groups;
    o->iterations = f.iterations;
    o->fitted = 1;
    Py_RETURN_NONE;
}

#define DISC_PICKLE_METHODS                                                                       \
    {"__reduce__", disc_reduce, METH_NOARGS,                                                      \
     "__reduce__() -> tuple\n\nPickle and copy: the parameters and any fit summary."},           \
        {"__setstate__", disc_setstate, METH_O,                                                   \
         "__setstate__(state) -> None\n\nThe fit summary (loglik, n, groups, iterations, "       \
         "weight, standard errors) from __reduce__, or None."}

static PyMethodDef mbg_methods[] = {
    {"fit", (PyCFunction)(void (*)(void))mbg_fit, METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     "fit(x, t_x, T, weights=None, *, max_iter=200, gtol=1e-9) -> MBGNBD\n\nMaximum-likelihood "
     "fit (Batislam, Denizel & Filiztekin 2007); weights = customers per row."},
    DISC_PICKLE_METHODS,
    {"expected_purchases_unconditional", mbg_uncond, METH_O,
     "expected_purchases_unconditional(t) -> float | Column\n\nE[X(t)] for a new "
     "customer."},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef bb_methods[] = {
    {"fit", (PyCFunction)(void (*)(void))bb_fit, METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     "fit(frequency, recency, periods, weights=None, *, max_iter=200, gtol=1e-9) -> BGBB\n\n"
     "Maximum-likelihood fit (Fader, Hardie & Shang 2010) from transactions x, the opportunity "
     "t_x of the last one and the opportunities n, whole numbers; weights = customers per row."},
    {"log_likelihood", bb_loglik, METH_VARARGS,
     "log_likelihood(x, t_x, n, weights=None) -> float\n\nWeighted total log-likelihood."},
    DISC_PICKLE_METHODS,
    {"expected_purchases_unconditional", bb_uncond, METH_O,
     "expected_purchases_unconditional(t) -> float | Column\n\nE[X(t)] over a new "
     "customer's first t opportunities."},
    {NULL, NULL, 0, NULL},
};

#define DISC_FIT_GETTERS                                                                          \
    {"loglik", disc_get, NULL, "log-likelihood at the estimates (None unless fitted)",           \
     (void *)4},                                                                                  \
        {"n", disc_get, NULL, "rows fitted (None unless fitted)", (void *)5},                    \
        {"groups", disc_get, NULL, "distinct rows evaluated (None unless fitted)", (void *)6},   \
        {"iterations", disc_get, NULL, "optimiser iterations (None unless fitted)", (void *)7},  \
        {"weight", disc_get, NULL, "total weight fitted (None unless fitted)", (void *)8},       \
        {"standard_errors", disc_get, NULL,                                                      \
         "standard errors of the four parameters, in their order (None unless fitted)",          \
         (void *)9},                                                                              \
        {NULL, NULL, NULL, NULL, NULL}

static PyGetSetDef mbg_getset[] = {
    {"r", disc_get, NULL, "shape of the purchase-rate gamma", (void *)0},
    {"alpha", disc_get, NULL, "scale of the purchase-rate gamma", (void *)1},
    {"a", disc_get, NULL, "first shape of the dropout beta", (void *)2},
    {"b", disc_get, NULL, "second shape of the dropout beta", (void *)3},
    DISC_FIT_GETTERS,
};

static PyGetSetDef bb_getset[] = {
    {"alpha", disc_get, NULL, "first shape of the transaction-probability beta", (void *)0},
    {"beta", disc_get, NULL, "second shape of the transaction-probability beta", (void *)1},
    {"gamma", disc_get, NULL, "first shape of the dropout beta", (void *)2},
    {"delta", disc_get, NULL, "second shape of the dropout beta", (void *)3},
    DISC_FIT_GETTERS,
};

static PyType_Slot mbg_slots[] = {
    {Py_tp_new, (void *)mbg_new},
    {Py_tp_dealloc, (void *)lt_dealloc},
    {Py_tp_methods, mbg_methods},
    {Py_tp_getset, mbg_getset},
    {Py_tp_repr, (void *)mbg_repr},
    {Py_tp_doc, (void *)"MBGNBD(r, alpha, a, b)\n--\n\nThe MBG/NBD purchase model with known "
                        "parameters; MBGNBD.fit(x, t_x, T) estimates them."},
    {0, NULL},
};

static PyType_Slot bb_slots[] = {
    {Py_tp_new, (void *)bb_new},
    {Py_tp_dealloc, (void *)lt_dealloc},
    {Py_tp_methods, bb_methods},
    {Py_tp_getset, bb_getset},
    {Py_tp_repr, (void *)bb_repr},
    {Py_tp_doc, (void *)"BGBB(alpha, beta, gamma, delta)\n--\n\nThe BG/BB discrete-time model "
                        "with known parameters; BGBB.fit(frequency, recency, periods) estimates "
                        "them."},
    {0, NULL},
};

static PyType_Spec mbg_spec = {"svcm.MBGNBD", sizeof(DiscObject), 0, Py_TPFLAGS_DEFAULT,
                               mbg_slots};
static PyType_Spec bb_spec = {"svcm.BGBB", sizeof(DiscObject), 0, Py_TPFLAGS_DEFAULT, bb_slots};

/* Adds svcm.MBGNBD and svcm.BGBB to the module. */
static int lt_add_discrete(PyObject *module)
{
    PyType_Spec *specs[2] = {&mbg_spec, &bb_spec};
    const char *names[2] = {"MBGNBD", "BGBB"};
    for (int i = 0; i < 2; i++) {
        PyObject *tp = PyType_FromModuleAndSpec(module, specs[i], NULL);
        if (tp == NULL)
            return -1;
        int rc = (i == 0 ? svcmpy_members_MBGNBD(tp) : svcmpy_members_BGBB(tp)) < 0
                     ? -1
                     : PyModule_AddObjectRef(module, names[i], tp);
        Py_DECREF(tp);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ----------------------------------------------------------- ParetoNBD */

/* svcm.ParetoNBD: the four parameters and, once fitted, the fit's summary. */
typedef struct {
    PyObject_HEAD svcm_paretonbd_params p;
    int fitted;
    struct svcm_paretonbd_fit_result fit;
} PNBDObject;

/* The described methods' hooks (bindings/api/lifetime.py). */
svcm_paretonbd_params *svcmpy_enter_ParetoNBD(PyObject *op)
{
    return &((PNBDObject *)op)->p;
}
void svcmpy_leave_ParetoNBD(PyObject *op)
{
    (void)op;
}

static PyObject *pnbd_new(PyTypeObject *tp, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"r", "alpha", "s", "beta", NULL};
    svcm_paretonbd_params p;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "dddd:ParetoNBD", kwlist, &p.r, &p.alpha, &p.s,
                                     &p.beta))
        return NULL;
    svcm_error err;
    int rc = svcm_paretonbd_p_alive(&p, NULL, NULL, NULL, 0, NULL, &err); /* checks p */
    if (rc != SVCM_OK)
        return svcmpy_raise_type(tp, rc, &err);
    PNBDObject *o = (PNBDObject *)tp->tp_alloc(tp, 0);
    if (o != NULL)
        o->p = p;
    return (PyObject *)o;
}

static PyObject *pnbd_fit(PyObject *cls, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"x", "t_x", "T", "weights", "max_iter", "gtol", NULL};
    static const char *const names[] = {"x", "t_x", "T", "weights"};
    PyObject *objs[4] = {NULL, NULL, NULL, NULL}, *max_iter = NULL;
    double gtol = 1e-9;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOO|O$Od:fit", kwlist, &objs[0], &objs[1],
                                     &objs[2], &objs[3], &max_iter, &gtol))
        return NULL;
    svcm_lifetime_fit_options opts;
    cols c;
    int k = objs[3] != NULL && objs[3] != Py_None ? 4 : 3;
    if (fit_options(max_iter, gtol, &opts) < 0 || cols_get(&c, k, objs, names) < 0)
        return NULL;
    struct svcm_paretonbd_fit_result r;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS rc = svcm_paretonbd_fit(c.data[0], c.data[1], c.data[2],
                                                   k == 4 ? c.data[3] : NULL, (size_t)c.n, &opts,
                                                   NULL, &r, &err);
    Py_END_ALLOW_THREADS cols_release(&c);
    if (rc != SVCM_OK)
        return svcmpy_raise_type((PyTypeObject *)cls, rc, &err);
    PNBDObject *o = (PNBDObject *)((PyTypeObject *)cls)->tp_alloc((PyTypeObject *)cls, 0);
    if (o == NULL)
        return NULL;
    o->p = r.params;
    o->fitted = 1;
    o->fit = r;
    return (PyObject *)o;
}

static PyObject *pnbd_uncond(PyObject *self, PyObject *arg)
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
    const svcm_paretonbd_params *p = &((PNBDObject *)self)->p;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS rc =
        svcm_paretonbd_expected_purchases_unconditional(p, c.data[0], (size_t)c.n, out, &err);
    Py_END_ALLOW_THREADS PyObject *res =
        rc == SVCM_OK ? cols_column(self, &c, out) : svcmpy_raise_type(Py_TYPE(self), rc, &err);
    PyMem_Free(out);
    cols_release(&c);
    return res;
}

/* log_likelihood(x, t_x, T, weights=None): hand-written for the optional
 * weights column. */
static PyObject *pnbd_loglik(PyObject *self, PyObject *args)
{
    static const char *const names[] = {"x", "t_x", "T", "weights"};
    PyObject *objs[4] = {NULL, NULL, NULL, NULL};
    if (!PyArg_ParseTuple(args, "OOO|O:log_likelihood", &objs[0], &objs[1], &objs[2], &objs[3]))
        return NULL;
    int k = objs[3] != NULL && objs[3] != Py_None ? 4 : 3;
    cols c;
    if (cols_get(&c, k, objs, names) < 0)
        return NULL;
    const svcm_paretonbd_params *p = &((PNBDObject *)self)->p;
    const double *w = k == 4 ? c.data[3] : NULL;
    double ll = 0.0;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS rc =
        svcm_paretonbd_loglik(p, c.data[0], c.data[1], c.data[2], w, (size_t)c.n, &ll, &err);
    Py_END_ALLOW_THREADS cols_release(&c);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, &err);
    return PyFloat_FromDouble(ll);
}

/* Getters: 0-3 the parameters, then loglik, n, groups, iterations, weight,
 * standard_errors, grad_norm (None unless fitted). */
static PyObject *pnbd_get(PyObject *self, void *which)
{
    const PNBDObject *o = (const PNBDObject *)self;
    const struct svcm_paretonbd_fit_result *f = &o->fit;
    const double v[4] = {o->p.r, o->p.alpha, o->p.s, o->p.beta};
    int k = (int)(intptr_t)which;
    if (k < 4)
        return PyFloat_FromDouble(v[k]);
    if (!o->fitted)
        return Py_NewRef(Py_None);
    switch (k) {
    case 4:
        return PyFloat_FromDouble(f->loglik);
    case 5:
        return PyLong_FromSize_t(f->n);
    case 6:
        return PyLong_FromSize_t(f->groups);
    case 7:
        return PyLong_FromUnsignedLong(f->iterations);
    case 8:
        return PyFloat_FromDouble(f->weight);
    case 9:
        return Py_BuildValue("(dddd)", f->se.r, f->se.alpha, f->se.s, f->se.beta);
    default:
        return PyFloat_FromDouble(f->grad_norm);
    }
}

static PyObject *pnbd_repr(PyObject *self)
{
    const PNBDObject *o = (const PNBDObject *)self;
    char buf[240];
    snprintf(buf, sizeof buf, "svcm.ParetoNBD(r=%.17g, alpha=%.17g, s=%.17g, beta=%.17g)", o->p.r,
             o->p.alpha, o->p.s, o->p.beta);
    return PyUnicode_FromString(buf);
}

/* Pickle and copy: (type, the four parameters, the fit summary or None). */
static PyObject *pnbd_reduce(PyObject *self, PyObject *unused)
{
    (void)unused;
    const PNBDObject *o = (const PNBDObject *)self;
    const struct svcm_paretonbd_fit_result *r = &o->fit;
    PyObject *state;
    if (o->fitted) {
        fit_summary f = {r->loglik,    r->weight, {r->se.r, r->se.alpha, r->se.s, r->se.beta},
                         r->grad_norm, r->n,      r->groups,
                         r->iterations};
        state = summary_state(&f, 1);
        if (state == NULL)
            return NULL;
    } else {
        state = Py_NewRef(Py_None);
    }
    return Py_BuildValue("(O(dddd)N)", Py_TYPE(self), o->p.r, o->p.alpha, o->p.s, o->p.beta,
                         state);
}

static PyObject *pnbd_setstate(PyObject *self, PyObject *state)
{
    PNBDObject *o = (PNBDObject *)self;
    if (state == Py_None)
        Py_RETURN_NONE;
    fit_summary f;
    if (summary_of_state(state, 1, &f) < 0)
        return NULL;
    struct svcm_paretonbd_fit_result r = {.params = o->p,
                                   .se = {f.se[0], f.se[1], f.se[2], f.se[3]},
                                   .loglik = f.loglik,
                                   .weight = f.weight,
                                   .n = f.n,
                                   .groups = f.groups,
                                   .iterations = f.iterations,
                                   .grad_norm = f.grad_norm,
                                   .converged = 1};
    o->fit = r;
    o->fitted = 1;
    Py_RETURN_NONE;
}

static PyMethodDef pnbd_methods[] = {
    {"fit", (PyCFunction)(void (*)(void))pnbd_fit, METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     "fit(x, t_x, T, weights=None, *, max_iter=200, gtol=1e-9) -> ParetoNBD\n\nMaximum-"
     "likelihood fit (Schmittlein, Morrison & Colombo 1987); weights = customers per row."},
    {"log_likelihood", pnbd_loglik, METH_VARARGS,
     "log_likelihood(x, t_x, T, weights=None) -> float\n\nWeighted total log-likelihood."},
    {"__reduce__", pnbd_reduce, METH_NOARGS,
     "__reduce__() -> tuple\n\nPickle and copy: the parameters and any fit summary."},
    {"__setstate__", pnbd_setstate, METH_O,
     "__setstate__(state) -> None\n\nThe fit summary (loglik, n, groups, iterations, weight, "
     "standard errors, grad_norm) from __reduce__, or None."},
    {"expected_purchases_unconditional", pnbd_uncond, METH_O,
     "expected_purchases_unconditional(t) -> float | Column\n\nE[X(t)] for a new "
     "customer."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef pnbd_getset[] = {
    {"r", pnbd_get, NULL, "shape of the purchase-rate gamma", (void *)0},
    {"alpha", pnbd_get, NULL, "scale of the purchase-rate gamma", (void *)1},
    {"s", pnbd_get, NULL, "shape of the dropout-rate gamma", (void *)2},
    {"beta", pnbd_get, NULL, "scale of the dropout-rate gamma", (void *)3},
    {"loglik", pnbd_get, NULL, "log-likelihood at the estimates (None unless fitted)", (void *)4},
    {"n", pnbd_get, NULL, "rows fitted (None unless fitted)", (void *)5},
    {"groups", pnbd_get, NULL, "distinct rows evaluated (None unless fitted)", (void *)6},
    {"iterations", pnbd_get, NULL, "optimiser iterations (None unless fitted)", (void *)7},
    {"weight", pnbd_get, NULL, "total weight fitted (None unless fitted)", (void *)8},
    {"standard_errors", pnbd_get, NULL,
     "standard errors of (r, alpha, s, beta) (None unless fitted)", (void *)9},
    {"grad_norm", pnbd_get, NULL, "largest gradient component at the end (None unless fitted)",
     (void *)10},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot pnbd_slots[] = {
    {Py_tp_new, (void *)pnbd_new},
    {Py_tp_dealloc, (void *)lt_dealloc},
    {Py_tp_methods, pnbd_methods},
    {Py_tp_getset, pnbd_getset},
    {Py_tp_repr, (void *)pnbd_repr},
    {Py_tp_doc, (void *)"ParetoNBD(r, alpha, s, beta)\n--\n\nThe Pareto/NBD purchase model with "
                        "known parameters; ParetoNBD.fit(x, t_x, T) estimates them."},
    {0, NULL},
};

static PyType_Spec pnbd_spec = {"svcm.ParetoNBD", sizeof(PNBDObject), 0, Py_TPFLAGS_DEFAULT,
                                pnbd_slots};

/* Adds svcm.ParetoNBD to the module. */
static int lt_add_paretonbd(PyObject *module)
{
    PyObject *tp = PyType_FromModuleAndSpec(module, &pnbd_spec, NULL);
    if (tp == NULL)
        return -1;
    int rc = svcmpy_members_ParetoNBD(tp) < 0 ? -1 : PyModule_AddObjectRef(module, "ParetoNBD", tp);
    Py_DECREF(tp);
    return rc;
}

/* ------------------------------------------------------------ summaries */

PyDoc_STRVAR(summarize_doc,
             "summarize_transactions(ids, times, values, end, *, granularity=86400, offset=0, "
             "period=604800.0) -> dict\n\n"
             "Per-customer (x, t_x, T, mean_spend) from transactions (int ids, epoch-second "
             "times, values). Purchases in the same slot of `granularity` seconds are one; "
             "slots after end's are the holdout. Returns a dict of svcm.Column: 'id', 'first', "
             "'x' (int64), 't_x', 'T', 'mean_spend' (float64), sorted by id; times in units of "
             "`period` seconds.");

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
    static const char *const keys[] = {"id", "first", "x", "t_x", "T", "mean_spend"};
    static const char codes[] = {'q', 'q', 'q', 'd', 'd', 'd'};
    void *data[6];
    for (int k = 0; k < 6; k++) {
        data[k] = svcmpy_column_alloc(codes[k], (Py_ssize_t)count);
        if (data[k] == NULL) {
            while (k-- > 0)
                PyMem_Free(data[k]);
            goto done;
        }
    }
    int64_t *cid = data[0], *cfirst = data[1], *cx = data[2];
    double *ctx = data[3], *cT = data[4], *cm = data[5];
    for (size_t i = 0; i < count; i++) {
        cid[i] = out[i].id;
        cfirst[i] = out[i].first;
        cx[i] = (int64_t)out[i].x; /* a whole number of repeat purchase slots */
        ctx[i] = out[i].t_x;
        cT[i] = out[i].T;
        cm[i] = out[i].mean_spend;
    }
    res = PyDict_New();
    for (int k = 0; k < 6; k++) {
        /* svcmpy_column_new owns data[k] from here, even when it fails. */
        PyObject *col = svcmpy_column_new(module, codes[k], (Py_ssize_t)count, data[k]);
        if (col == NULL || res == NULL || PyDict_SetItemString(res, keys[k], col) < 0)
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

int svcmpy_init_lifetime(PyObject *module)
{
    if (PyModule_AddFunctions(module, lifetime_functions) < 0)
        return -1;
    if (lt_add_discrete(module) < 0)
        return -1;
    if (lt_add_paretonbd(module) < 0)
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
    if (svcmpy_members_BGNBD(bg) == 0 && svcmpy_members_GammaGamma(gg) == 0 &&
        PyModule_AddObjectRef(module, "BGNBD", bg) == 0 &&
        PyModule_AddObjectRef(module, "GammaGamma", gg) == 0 &&
        svcmpy_engine_set(module, SVCMPY_LIFETIME, PyTuple_Pack(LT_NITEMS, bg, gg)) == 0)
        rc = 0;
    Py_DECREF(bg);
    Py_DECREF(gg);
    return rc;
}
