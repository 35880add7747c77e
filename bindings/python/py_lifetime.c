/* Python binding of the lifetime engine: svcm.BGNBD, svcm.GammaGamma,
 * svcm.MBGNBD, svcm.BGBB, svcm.ParetoNBD, svcm.summarize_transactions.
 * The per-customer methods are described in bindings/api/lifetime.py.
 * Here the five model types share one object layout and one table of what
 * differs between them (lt_models): the constructor, fit(), the properties
 * (the fit ones are None unless fitted), repr and pickling; plus what the
 * description cannot express: BGNBD.p_alive (a list, pinned by
 * tests/typed_example.py), GammaGamma.clv (takes a BGNBD) and the
 * log_likelihood with optional weights of BGBB and ParetoNBD. The models'
 * parameters never change after construction, so the described methods
 * read them without marking the object in use. */
#include "svcmpy.h"
#include "gen_py.h"

#include <math.h>
#include <string.h>

#include "svcm/lifetime.h"

enum { LT_BGNBD, LT_GG, LT_MBGNBD, LT_BGBB, LT_PNBD, LT_NMODELS };

/* A model with a grad_norm diagnostic. The four-parameter models (all but
 * GammaGamma) also fit three columns and optional weights, and report
 * groups and weight. */
enum { LT_GRAD = 1 };

/* The properties: 0-3 the parameters, then the fit diagnostics. */
enum { LT_LOGLIK = 4, LT_N, LT_GROUPS, LT_ITERATIONS, LT_WEIGHT, LT_SE, LT_GRAD_NORM, LT_NPROPS };

typedef struct {
    const char *tpname;  /* "svcm.Name" */
    int np;              /* parameters: 4, or 3 (GammaGamma) */
    int flags;           /* LT_GRAD */
    char *kw[5];         /* the constructor's keywords (the parameters) */
    const char *new_fmt; /* its PyArg format */
    const char *param_doc[4];
    char *fit_kw[8];     /* fit's keywords: the columns, then the options */
    const char *fit_fmt;
    const char *fit_doc, *doc;
} lt_model;

static lt_model lt_models[LT_NMODELS] = {
    {"svcm.BGNBD", 4, LT_GRAD, {"r", "alpha", "a", "b", NULL}, "dddd:BGNBD",
     {"shape of the purchase-rate gamma", "scale of the purchase-rate gamma",
      "first shape of the dropout beta", "second shape of the dropout beta"},
     {"x", "t_x", "T", "weights", "max_iter", "gtol", "penalizer", NULL}, "OOO|O$OOO:fit",
     "fit(x, t_x, T, weights=None, *, max_iter=200, gtol=1e-9, penalizer=0.0) -> BGNBD\n\n"
     "Maximum-likelihood fit (Fader, Hardie & Lee 2005) from repeat purchases x, time of the "
     "last one t_x and time observed T per customer; weights = customers per row. Identical "
     "rows are evaluated once. penalizer: L2 penalty lambda, the form of lifetimes "
     "(minimises -loglik/n + lambda * sum(params**2)); 0.001-0.1 when a fit runs off to "
     "infinity. Raises NoConvergence when the fit does not converge. Note: BG/NBD gives every "
     "one-time buyer (x = 0) P(alive) = 1; MBGNBD is offered for data with many of them.",
     "BGNBD(r, alpha, a, b)\n--\n\nThe BG/NBD purchase model with known parameters; "
     "BGNBD.fit(x, t_x, T) estimates them. A BG/NBD customer drops out only after a repeat "
     "purchase, so one-time buyers (x = 0) have P(alive) = 1, an overstatement; MBGNBD is "
     "offered for them."},
    {"svcm.GammaGamma", 3, LT_GRAD, {"p", "q", "gamma", NULL, NULL},
     "ddd:GammaGamma",
     {"shape of the per-purchase spend gamma", "shape of the gamma of nu across customers",
      "scale of the gamma of nu across customers", NULL},
     {"x", "mean_spend", "max_iter", "gtol", "penalizer", NULL}, "OO|$OOO:fit",
     "fit(x, mean_spend, *, max_iter=200, gtol=1e-9, penalizer=0.0) -> GammaGamma\n\n"
     "Maximum-likelihood fit (Fader & Hardie 2013) from the customers with x > 0 (x = 0 rows "
     "are not used). An estimate q <= 1 (mean spend p gamma / (q - 1) undefined) raises the "
     "range error, field 'q'. penalizer: L2 penalty as in BGNBD.fit.",
     "GammaGamma(p, q, gamma)\n--\n\nThe Gamma-Gamma spend model with known parameters; "
     "GammaGamma.fit(x, mean_spend) estimates them."},
    {"svcm.MBGNBD", 4, 0, {"r", "alpha", "a", "b", NULL}, "dddd:MBGNBD",
     {"shape of the purchase-rate gamma", "scale of the purchase-rate gamma",
      "first shape of the dropout beta", "second shape of the dropout beta"},
     {"x", "t_x", "T", "weights", "max_iter", "gtol", NULL}, "OOO|O$OO:fit",
     "fit(x, t_x, T, weights=None, *, max_iter=200, gtol=1e-9) -> MBGNBD\n\nMaximum-likelihood "
     "fit (Batislam, Denizel & Filiztekin 2007); weights = customers per row.",
     "MBGNBD(r, alpha, a, b)\n--\n\nThe MBG/NBD purchase model with known parameters; "
     "MBGNBD.fit(x, t_x, T) estimates them."},
    {"svcm.BGBB", 4, 0, {"alpha", "beta", "gamma", "delta", NULL}, "dddd:BGBB",
     {"first shape of the transaction-probability beta",
      "second shape of the transaction-probability beta", "first shape of the dropout beta",
      "second shape of the dropout beta"},
     {"frequency", "recency", "periods", "weights", "max_iter", "gtol", NULL}, "OOO|O$OO:fit",
     "fit(frequency, recency, periods, weights=None, *, max_iter=200, gtol=1e-9) -> BGBB\n\n"
     "Maximum-likelihood fit (Fader, Hardie & Shang 2010) from transactions x, the opportunity "
     "t_x of the last one and the opportunities n, whole numbers; weights = customers per row.",
     "BGBB(alpha, beta, gamma, delta)\n--\n\nThe BG/BB discrete-time model with known "
     "parameters; BGBB.fit(frequency, recency, periods) estimates them."},
    {"svcm.ParetoNBD", 4, LT_GRAD, {"r", "alpha", "s", "beta", NULL}, "dddd:ParetoNBD",
     {"shape of the purchase-rate gamma", "scale of the purchase-rate gamma",
      "shape of the dropout-rate gamma", "scale of the dropout-rate gamma"},
     {"x", "t_x", "T", "weights", "max_iter", "gtol", NULL}, "OOO|O$OO:fit",
     "fit(x, t_x, T, weights=None, *, max_iter=200, gtol=1e-9) -> ParetoNBD\n\nMaximum-"
     "likelihood fit (Schmittlein, Morrison & Colombo 1987); weights = customers per row.",
     "ParetoNBD(r, alpha, s, beta)\n--\n\nThe Pareto/NBD purchase model with known "
     "parameters; ParetoNBD.fit(x, t_x, T) estimates them."},
};

/* The fit diagnostics' names and docs, from LT_LOGLIK on. */
static const char *const lt_fit_props[LT_NPROPS - LT_LOGLIK][2] = {
    {"loglik", "log-likelihood at the estimates (None unless fitted)"},
    {"n", "rows fitted; GammaGamma: customers with x > 0 (None unless fitted)"},
    {"groups", "distinct rows evaluated (None unless fitted)"},
    {"iterations", "optimiser iterations (None unless fitted)"},
    {"weight", "total weight fitted (None unless fitted)"},
    {"standard_errors", "standard errors of the parameters, in their order, from the Hessian "
                        "at the estimates; NaN where it is not positive definite (None unless "
                        "fitted)"},
    {"grad_norm", "largest gradient component at the estimates, in log-parameters (None "
                  "unless fitted)"},
};

/* ------------------------------------------------------ the model layer */

/* The parameters of any model, in their order. */
typedef union {
    double v[4];
    svcm_bgnbd_params bgnbd;
    svcm_gammagamma_params gg;
    svcm_mbgnbd_params mbgnbd;
    svcm_bgbb_params bgbb;
    svcm_paretonbd_params pnbd;
} lt_params;
_Static_assert(sizeof(svcm_bgnbd_params) == 4 * sizeof(double) &&
                   sizeof(svcm_gammagamma_params) == 3 * sizeof(double) &&
                   sizeof(svcm_mbgnbd_params) == 4 * sizeof(double) &&
                   sizeof(svcm_bgbb_params) == 4 * sizeof(double) &&
                   sizeof(svcm_paretonbd_params) == 4 * sizeof(double),
               "lifetime parameters are plain doubles");

/* A fit's diagnostics; groups and weight of the four-parameter models,
 * grad_norm of those with LT_GRAD. */
typedef struct {
    double loglik, weight, grad_norm, se[4];
    size_t n, groups;
    unsigned iterations;
} lt_fit;

/* Validates p as the model's constructor does: a call on no rows. */
static int lt_check(int m, const lt_params *p, svcm_error *err)
{
    double ll;
    switch (m) {
    case LT_BGNBD:
        return svcm_bgnbd_p_alive(&p->bgnbd, NULL, NULL, NULL, 0, NULL, err);
    case LT_GG:
        return svcm_gammagamma_loglik(&p->gg, NULL, NULL, 0, &ll, err);
    case LT_MBGNBD:
        return svcm_mbgnbd_p_alive(&p->mbgnbd, NULL, NULL, NULL, 0, NULL, err);
    case LT_BGBB:
        return svcm_bgbb_p_alive(&p->bgbb, NULL, NULL, NULL, 0, NULL, err);
    default:
        return svcm_paretonbd_p_alive(&p->pnbd, NULL, NULL, NULL, 0, NULL, err);
    }
}

/* The estimates and diagnostics of a C fit result r (any model). */
#define LT_TAKE(r)                                                                                \
    do {                                                                                          \
        memcpy(p->v, &(r).params, sizeof(r).params);                                              \
        memcpy(f->se, &(r).se, sizeof(r).se);                                                     \
        f->loglik = (r).loglik;                                                                   \
        f->n = (r).n;                                                                             \
        f->iterations = (r).iterations;                                                           \
    } while (0)
#define LT_TAKE_ROWS(r)                                                                           \
    do {                                                                                          \
        f->groups = (r).groups;                                                                   \
        f->weight = (r).weight;                                                                   \
    } while (0)

/* Fits model m to the columns d (x, t_x, T, weights or NULL; GammaGamma: x,
 * mean_spend) of n rows into p and f. */
static int lt_run_fit(int m, const double *const *d, size_t n, const svcm_lifetime_fit_options *o,
                      lt_params *p, lt_fit *f, svcm_error *err)
{
    union {
        struct svcm_bgnbd_fit_result bgnbd;
        struct svcm_gammagamma_fit_result gg;
        struct svcm_mbgnbd_fit_result mbgnbd;
        struct svcm_bgbb_fit_result bgbb;
        struct svcm_paretonbd_fit_result pnbd;
    } r;
    int rc;
    memset(&r, 0, sizeof r);
    memset(f, 0, sizeof *f);
    f->grad_norm = NAN;
    switch (m) {
    case LT_BGNBD:
        rc = svcm_bgnbd_fit(d[0], d[1], d[2], d[3], n, o, NULL, &r.bgnbd, err);
        LT_TAKE(r.bgnbd);
        LT_TAKE_ROWS(r.bgnbd);
        f->grad_norm = r.bgnbd.grad_norm;
        break;
    case LT_GG:
        rc = svcm_gammagamma_fit(d[0], d[1], n, o, NULL, &r.gg, err);
        LT_TAKE(r.gg);
        f->grad_norm = r.gg.grad_norm;
        break;
    case LT_MBGNBD:
        rc = svcm_mbgnbd_fit(d[0], d[1], d[2], d[3], n, o, NULL, &r.mbgnbd, err);
        LT_TAKE(r.mbgnbd);
        LT_TAKE_ROWS(r.mbgnbd);
        break;
    case LT_BGBB:
        rc = svcm_bgbb_fit(d[0], d[1], d[2], d[3], n, o, NULL, &r.bgbb, err);
        LT_TAKE(r.bgbb);
        LT_TAKE_ROWS(r.bgbb);
        break;
    default:
        rc = svcm_paretonbd_fit(d[0], d[1], d[2], d[3], n, o, NULL, &r.pnbd, err);
        LT_TAKE(r.pnbd);
        LT_TAKE_ROWS(r.pnbd);
        f->grad_norm = r.pnbd.grad_norm;
        break;
    }
    return rc;
}

/* ------------------------------------------------------------- objects */

typedef struct {
    PyObject_HEAD int model;
    int fitted;
    lt_params p;
    lt_fit fit;
} LTObject;

/* The described methods' hooks (bindings/api/lifetime.py). */
#define LT_HOOKS(Name, ctype, member)                                                             \
    ctype *svcmpy_enter_##Name(PyObject *op)                                                      \
    {                                                                                             \
        return &((LTObject *)op)->p.member;                                                       \
    }                                                                                             \
    void svcmpy_leave_##Name(PyObject *op)                                                        \
    {                                                                                             \
        (void)op;                                                                                 \
    }
LT_HOOKS(BGNBD, svcm_bgnbd_params, bgnbd)
LT_HOOKS(GammaGamma, svcm_gammagamma_params, gg)
LT_HOOKS(MBGNBD, svcm_mbgnbd_params, mbgnbd)
LT_HOOKS(BGBB, svcm_bgbb_params, bgbb)
LT_HOOKS(ParetoNBD, svcm_paretonbd_params, pnbd)

/* The model of a type (the types are final: no subclasses). */
static int lt_model_of(PyTypeObject *tp)
{
    int m = 0;
    while (m < LT_NMODELS - 1 && strcmp(tp->tp_name, lt_models[m].tpname) != 0 &&
           strcmp(tp->tp_name, lt_models[m].tpname + 5) != 0)
        m++;
    return m;
}

static PyObject *lt_alloc(PyTypeObject *tp, int m, const lt_params *p, const lt_fit *f)
{
    LTObject *o = (LTObject *)tp->tp_alloc(tp, 0);
    if (o == NULL)
        return NULL;
    o->model = m;
    o->p = *p;
    if (f != NULL) {
        o->fit = *f;
        o->fitted = 1;
    }
    return (PyObject *)o;
}

static void lt_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *lt_new(PyTypeObject *tp, PyObject *args, PyObject *kw)
{
    int m = lt_model_of(tp);
    lt_params p = {{0.0, 0.0, 0.0, 0.0}};
    if (!PyArg_ParseTupleAndKeywords(args, kw, lt_models[m].new_fmt, lt_models[m].kw, &p.v[0],
                                     &p.v[1], &p.v[2], &p.v[3]))
        return NULL;
    svcm_error err;
    int rc = lt_check(m, &p, &err);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(tp, rc, &err);
    return lt_alloc(tp, m, &p, NULL);
}

/* fit(columns..., [weights=None,] *, max_iter=200, gtol=1e-9[, penalizer=0.0]) */
static PyObject *lt_fit_model(PyObject *cls, PyObject *args, PyObject *kw)
{
    PyTypeObject *tp = (PyTypeObject *)cls;
    int m = lt_model_of(tp);
    lt_model *md = &lt_models[m];
    int nc = md->np == 4 ? 4 : 2; /* column arguments, the weights included */
    PyObject *o[7] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kw, md->fit_fmt, md->fit_kw, &o[0], &o[1], &o[2], &o[3],
                                     &o[4], &o[5], &o[6]))
        return NULL;
    PyObject *module = svcmpy_module_of_type(tp);
    if (module == NULL)
        return NULL;
    /* The options as the described functions read theirs: InvalidInput
     * naming the option when out of range. */
    svcm_lifetime_fit_options opts;
    svcm_lifetime_fit_options_init(&opts);
    PyObject *max_iter = o[nc], *gtol = o[nc + 1], *penalizer = o[nc + 2];
    uint32_t iters = opts.max_iter;
    if ((max_iter != NULL && max_iter != Py_None &&
         svcmpy_arg_u32(module, max_iter, "max_iter", &iters) < 0) ||
        (gtol != NULL && svcmpy_arg_f64(module, gtol, "gtol", &opts.gtol) < 0) ||
        (penalizer != NULL && svcmpy_arg_f64(module, penalizer, "penalizer", &opts.penalizer) < 0))
        return NULL;
    opts.max_iter = iters;
    int k = nc == 4 && (o[3] == NULL || o[3] == Py_None) ? 3 : nc;
    svcmpy_bcast c;
    memset(&c, 0, sizeof c);
    if (svcmpy_bcast_get(&c, k, o, (const char *const *)md->fit_kw, 0) < 0) {
        svcmpy_bcast_release(&c);
        return NULL;
    }
    const double *d[4] = {c.data[0], c.data[1], k > 2 ? c.data[2] : NULL, k > 3 ? c.data[3] : NULL};
    lt_params p;
    lt_fit f;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = lt_run_fit(m, d, (size_t)c.n, &opts, &p, &f, &err);
    Py_END_ALLOW_THREADS
    svcmpy_bcast_release(&c);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(tp, rc, &err);
    return lt_alloc(tp, m, &p, &f);
}

/* The parameters (0-3) and fit diagnostics (LT_LOGLIK on, None unless
 * fitted). */
static PyObject *lt_get(PyObject *self, void *which)
{
    const LTObject *o = (const LTObject *)self;
    const lt_fit *f = &o->fit;
    int k = (int)(intptr_t)which;
    if (k < 4)
        return PyFloat_FromDouble(o->p.v[k]);
    if (!o->fitted)
        return Py_NewRef(Py_None);
    switch (k) {
    case LT_LOGLIK:
        return PyFloat_FromDouble(f->loglik);
    case LT_N:
        return PyLong_FromSize_t(f->n);
    case LT_GROUPS:
        return PyLong_FromSize_t(f->groups);
    case LT_ITERATIONS:
        return PyLong_FromUnsignedLong(f->iterations);
    case LT_WEIGHT:
        return PyFloat_FromDouble(f->weight);
    case LT_SE:
        return lt_models[o->model].np == 4
                   ? Py_BuildValue("(dddd)", f->se[0], f->se[1], f->se[2], f->se[3])
                   : Py_BuildValue("(ddd)", f->se[0], f->se[1], f->se[2]);
    default:
        return PyFloat_FromDouble(f->grad_norm);
    }
}

static PyObject *lt_repr(PyObject *self)
{
    const LTObject *o = (const LTObject *)self;
    const lt_model *md = &lt_models[o->model];
    char buf[256];
    int len = snprintf(buf, sizeof buf, "%s(", md->tpname);
    for (int i = 0; i < md->np; i++)
        len += snprintf(buf + len, sizeof buf - (size_t)len, "%s%s=%.17g", i > 0 ? ", " : "",
                        md->kw[i], o->p.v[i]);
    return PyUnicode_FromFormat("%s)", buf);
}

/* Pickle and copy: (type, the parameters, the fit summary or None). The
 * summary: (loglik, n, groups, iterations, weight, (standard errors)[,
 * grad_norm]) of the four-parameter models, (loglik, n, iterations,
 * (standard errors), grad_norm) of GammaGamma. */
static PyObject *lt_reduce(PyObject *self, PyObject *unused)
{
    (void)unused;
    const LTObject *o = (const LTObject *)self;
    const lt_model *md = &lt_models[o->model];
    const lt_fit *f = &o->fit;
    const double *v = o->p.v, *s = f->se;
    PyObject *state;
    if (!o->fitted)
        state = Py_NewRef(Py_None);
    else if (md->np == 4)
        state = Py_BuildValue((md->flags & LT_GRAD) ? "(dnnnd(dddd)d)" : "(dnnnd(dddd))",
                              f->loglik, (Py_ssize_t)f->n, (Py_ssize_t)f->groups,
                              (Py_ssize_t)f->iterations, f->weight, s[0], s[1], s[2], s[3],
                              f->grad_norm);
    else
        state = Py_BuildValue("(dnn(ddd)d)", f->loglik, (Py_ssize_t)f->n,
                              (Py_ssize_t)f->iterations, s[0], s[1], s[2], f->grad_norm);
    if (state == NULL)
        return NULL;
    return md->np == 4 ? Py_BuildValue("(O(dddd)N)", Py_TYPE(self), v[0], v[1], v[2], v[3], state)
                       : Py_BuildValue("(O(ddd)N)", Py_TYPE(self), v[0], v[1], v[2], state);
}

/* The summary of lt_reduce, or None; also the 0.1 forms without standard
 * errors: (loglik, n, groups, iterations) and GammaGamma's (loglik, n,
 * iterations). */
static PyObject *lt_setstate(PyObject *self, PyObject *state)
{
    LTObject *o = (LTObject *)self;
    const lt_model *md = &lt_models[o->model];
    if (state == Py_None)
        Py_RETURN_NONE;
    if (!PyTuple_Check(state)) {
        PyErr_SetString(PyExc_TypeError, "__setstate__: expected None or a tuple");
        return NULL;
    }
    lt_fit f = {.se = {NAN, NAN, NAN, NAN}, .grad_norm = NAN};
    double *s = f.se;
    Py_ssize_t v[3] = {0, 0, 0}; /* n, groups, iterations */
    Py_ssize_t size = PyTuple_GET_SIZE(state);
    int ok;
    if (md->np == 4 && size == 4)
        ok = PyArg_ParseTuple(state, "dnnn:__setstate__", &f.loglik, &v[0], &v[1], &v[2]);
    else if (md->np == 4)
        ok = PyArg_ParseTuple(state,
                              (md->flags & LT_GRAD) ? "dnnnd(dddd)d:__setstate__"
                                                    : "dnnnd(dddd):__setstate__",
                              &f.loglik, &v[0], &v[1], &v[2], &f.weight, &s[0], &s[1], &s[2],
                              &s[3], &f.grad_norm);
    else
        ok = size == 3 ? PyArg_ParseTuple(state, "dnn:__setstate__", &f.loglik, &v[0], &v[2])
                       : PyArg_ParseTuple(state, "dnn(ddd)d:__setstate__", &f.loglik, &v[0],
                                          &v[2], &s[0], &s[1], &s[2], &f.grad_norm);
    if (!ok)
        return NULL;
    if (v[0] < 0 || v[1] < 0 || v[2] < 0 || (size_t)v[2] > UINT_MAX) {
        PyErr_SetString(PyExc_ValueError, "__setstate__: counts must be >= 0");
        return NULL;
    }
    if (md->np == 4 && size == 4)
        f.weight = (double)v[0];
    f.n = (size_t)v[0];
    f.groups = (size_t)v[1];
    f.iterations = (unsigned)v[2];
    o->fit = f;
    o->fitted = 1;
    Py_RETURN_NONE;
}

/* ------------------------------------------- hand-written column methods */

/* BGNBD.p_alive(x, t_x, T): a float, or a list for columns (the described
 * methods give an svcm.Column; tests/typed_example.py pins the list). */
static PyObject *bgnbd_p_alive(PyObject *self, PyObject *args)
{
    static const char *const names[] = {"x", "t_x", "T"};
    PyObject *objs[3];
    if (!PyArg_UnpackTuple(args, "p_alive", 3, 3, &objs[0], &objs[1], &objs[2]))
        return NULL;
    svcmpy_bcast c;
    memset(&c, 0, sizeof c);
    PyObject *res = NULL;
    if (svcmpy_bcast_get(&c, 3, objs, names, 1) == 0) {
        svcm_error err;
        int rc;
        Py_BEGIN_ALLOW_THREADS
        rc = svcm_bgnbd_p_alive(&((LTObject *)self)->p.bgnbd, c.data[0], c.data[1], c.data[2],
                                (size_t)c.n, c.out, &err);
        Py_END_ALLOW_THREADS
        if (rc != SVCM_OK)
            svcmpy_raise_type(Py_TYPE(self), rc, &err);
        else if (c.all_scalar)
            res = PyFloat_FromDouble(c.out[0]);
        else
            res = svcmpy_list_from_doubles(c.out, (size_t)c.n);
    }
    svcmpy_bcast_release(&c);
    return res;
}

/* GammaGamma.clv(bgnbd, x, t_x, T, mean_spend, horizon=12, ...): takes a
 * BGNBD, which the description cannot. */
static PyObject *gg_clv(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"bgnbd",      "x",       "t_x",           "T",
                             "mean_spend", "horizon", "discount_rate", "period_length",
                             "margin",     NULL};
    static const char *const names[] = {"x", "t_x", "T", "mean_spend"};
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
    svcmpy_bcast c;
    memset(&c, 0, sizeof c);
    PyObject *res = NULL;
    if (svcmpy_bcast_get(&c, 4, objs, names, 1) == 0) {
        svcm_error err;
        int rc;
        Py_BEGIN_ALLOW_THREADS
        rc = svcm_clv(&((LTObject *)bg)->p.bgnbd, &((LTObject *)self)->p.gg, c.data[0], c.data[1],
                      c.data[2], c.data[3], (size_t)c.n, &o, c.out, &err);
        Py_END_ALLOW_THREADS
        res = rc == SVCM_OK ? svcmpy_bcast_result(module, &c)
                            : svcmpy_raise_type(Py_TYPE(self), rc, &err);
    }
    svcmpy_bcast_release(&c);
    return res;
}

/* log_likelihood(x, t_x, T or n, weights=None) of BGBB and ParetoNBD:
 * hand-written for the optional weights column (f64v has no optional
 * form). */
static PyObject *lt_loglik_weighted(PyObject *self, PyObject *args)
{
    const LTObject *o = (const LTObject *)self;
    const char *names[] = {"x", "t_x", o->model == LT_BGBB ? "n" : "T", "weights"};
    PyObject *objs[4] = {NULL, NULL, NULL, NULL};
    if (!PyArg_ParseTuple(args, "OOO|O:log_likelihood", &objs[0], &objs[1], &objs[2], &objs[3]))
        return NULL;
    int k = objs[3] != NULL && objs[3] != Py_None ? 4 : 3;
    svcmpy_bcast c;
    memset(&c, 0, sizeof c);
    if (svcmpy_bcast_get(&c, k, objs, names, 0) < 0) {
        svcmpy_bcast_release(&c);
        return NULL;
    }
    const double *w = k == 4 ? c.data[3] : NULL;
    double ll = 0.0;
    svcm_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = o->model == LT_BGBB ? svcm_bgbb_loglik(&o->p.bgbb, c.data[0], c.data[1], c.data[2], w,
                                                (size_t)c.n, &ll, &err)
                             : svcm_paretonbd_loglik(&o->p.pnbd, c.data[0], c.data[1], c.data[2],
                                                     w, (size_t)c.n, &ll, &err);
    Py_END_ALLOW_THREADS
    svcmpy_bcast_release(&c);
    if (rc != SVCM_OK)
        return svcmpy_raise_type(Py_TYPE(self), rc, &err);
    return PyFloat_FromDouble(ll);
}

/* The hand-written method of each model besides fit and pickling. */
static const PyMethodDef lt_extra[LT_NMODELS] = {
    {"p_alive", bgnbd_p_alive, METH_VARARGS,
     "p_alive(x, t_x, T) -> float | list[float]\n\nP(alive | x, t_x, T); numbers give a "
     "number, sequences/buffers a list (scalars broadcast). Under BG/NBD a customer can only "
     "drop out after a repeat purchase, so x = 0 gives 1, which overstates P(alive) for "
     "one-time buyers; use MBGNBD for them."},
    {"clv", (PyCFunction)(void (*)(void))gg_clv, METH_VARARGS | METH_KEYWORDS,
     "clv(bgnbd, x, t_x, T, mean_spend, horizon=12, discount_rate=0.01, "
     "period_length=4.348214285714286, margin=1.0) -> float | Column\n\n"
     "margin * E(M) * sum_{k=1..horizon} (E[Y(k L)] - E[Y((k-1) L)]) / (1 + d)^k, "
     "L = period_length (in the unit of t_x and T: the default 4.348 is a month only when "
     "times are in weeks; 30.44 for months in days), d = discount_rate per period (not per "
     "year). Never negative: margin must be >= 0."},
    {NULL, NULL, 0, NULL},
    {"log_likelihood", lt_loglik_weighted, METH_VARARGS,
     "log_likelihood(x, t_x, n, weights=None) -> float\n\nWeighted total log-likelihood."},
    {"log_likelihood", lt_loglik_weighted, METH_VARARGS,
     "log_likelihood(x, t_x, T, weights=None) -> float\n\nWeighted total log-likelihood."},
};

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

/* Per model: the methods (fit, the hand-written one, pickling) and the
 * properties (the parameters, then the fit diagnostics it has), filled
 * from lt_models when the types are made; the types keep pointers to them. */
static PyMethodDef lt_methods[LT_NMODELS][5];
static PyGetSetDef lt_getset[LT_NMODELS][LT_NPROPS + 1];

static void lt_describe(int m)
{
    const lt_model *md = &lt_models[m];
    PyMethodDef *me = lt_methods[m];
    *me++ = (PyMethodDef){"fit", (PyCFunction)(void (*)(void))lt_fit_model,
                          METH_VARARGS | METH_KEYWORDS | METH_CLASS, md->fit_doc};
    if (lt_extra[m].ml_name != NULL)
        *me++ = lt_extra[m];
    *me++ = (PyMethodDef){"__reduce__", lt_reduce, METH_NOARGS,
                          "__reduce__() -> tuple\n\nPickle and copy: the parameters and any "
                          "fit summary."};
    *me++ = (PyMethodDef){"__setstate__", lt_setstate, METH_O,
                          "__setstate__(state) -> None\n\nThe fit summary from __reduce__, or "
                          "None."};
    *me = (PyMethodDef){NULL, NULL, 0, NULL};
    PyGetSetDef *g = lt_getset[m];
    for (int k = 0; k < LT_NPROPS; k++) {
        if (k >= md->np && k < LT_LOGLIK)
            continue;
        if (md->np != 4 && (k == LT_GROUPS || k == LT_WEIGHT))
            continue;
        if (!(md->flags & LT_GRAD) && k == LT_GRAD_NORM)
            continue;
        const char *name = k < 4 ? md->kw[k] : lt_fit_props[k - LT_LOGLIK][0];
        const char *doc = k < 4 ? md->param_doc[k] : lt_fit_props[k - LT_LOGLIK][1];
        *g++ = (PyGetSetDef){name, lt_get, NULL, doc, (void *)(intptr_t)k};
    }
    *g = (PyGetSetDef){NULL, NULL, NULL, NULL, NULL};
}

int svcmpy_init_lifetime(PyObject *module)
{
    static int (*const members[LT_NMODELS])(PyObject *) = {
        svcmpy_members_BGNBD, svcmpy_members_GammaGamma, svcmpy_members_MBGNBD,
        svcmpy_members_BGBB, svcmpy_members_ParetoNBD};
    if (PyModule_AddFunctions(module, lifetime_functions) < 0)
        return -1;
    PyObject *types = PyTuple_New(LT_NMODELS);
    if (types == NULL)
        return -1;
    for (int m = 0; m < LT_NMODELS; m++) {
        lt_describe(m);
        PyType_Slot slots[] = {
            {Py_tp_new, (void *)lt_new},       {Py_tp_dealloc, (void *)lt_dealloc},
            {Py_tp_methods, lt_methods[m]},    {Py_tp_getset, lt_getset[m]},
            {Py_tp_repr, (void *)lt_repr},     {Py_tp_doc, (void *)lt_models[m].doc},
            {0, NULL},
        };
        PyType_Spec spec = {lt_models[m].tpname, sizeof(LTObject), 0, Py_TPFLAGS_DEFAULT, slots};
        PyObject *tp = PyType_FromModuleAndSpec(module, &spec, NULL);
        if (tp == NULL || members[m](tp) < 0 ||
            PyModule_AddObjectRef(module, lt_models[m].tpname + 5, tp) < 0) {
            Py_XDECREF(tp);
            Py_DECREF(types);
            return -1;
        }
        PyTuple_SET_ITEM(types, m, tp);
    }
    return svcmpy_engine_set(module, SVCMPY_LIFETIME, types);
}
