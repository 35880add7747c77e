# The lifetime engine: svcm.BGNBD, GammaGamma, MBGNBD, BGBB and ParetoNBD, managed
# classes over one handle (struct svcmb_lt: parameters, fit diagnostics). Hand-written
# (py_lifetime.c, lua_lifetime.c, through the svcmb_lt_* functions, external so that
# they reach them): fit (a class method); the fit diagnostics (None / nil unless fitted:
# Python getters have no optional kind); __setstate__ of 0.2 pickles (py_segment.c uses
# it); BGNBD.p_alive (a list: typed_example.py and test_typing pin list[float], mypy
# types a generated f64v result of a numpy array Any); summarize_transactions.
include("svcm/lifetime.h")

BG = [("r", "shape of the purchase-rate gamma"), ("alpha", "scale of the purchase-rate gamma"),
      ("a", "first shape of the dropout beta"), ("b", "second shape of the dropout beta")]
MODELS = [  # class, C prefix, parameters and their docs
    ("BGNBD", "svcm_bgnbd", BG),
    ("GammaGamma", "svcm_gammagamma", [
        ("p", "shape of the per-purchase spend gamma"),
        ("q", "shape of the gamma of nu across customers"),
        ("gamma", "scale of the gamma of nu across customers")]),
    ("MBGNBD", "svcm_mbgnbd", BG),
    ("BGBB", "svcm_bgbb", [
        ("alpha", "first shape of the transaction-probability beta"),
        ("beta", "second shape of the transaction-probability beta"),
        ("gamma", "first shape of the dropout beta"), ("delta", "second shape of the dropout beta")]),
    ("ParetoNBD", "svcm_paretonbd", BG[:2] + [("s", "shape of the dropout-rate gamma"),
                                              ("beta", "scale of the dropout-rate gamma")]),
]
PRE = {cls: pre for cls, pre, _p in MODELS}

helper("""
/* A lifetime model: v holds the parameters (the svcm_*_params structs are
 * plain doubles, so a pointer to the handle is one to them), then the
 * diagnostics of the fit that made it, by SVCMB_LT_LOGLIK.. (NaN where the
 * model has none): loglik, n, groups, iterations, weight, grad_norm and the
 * standard errors. */
struct svcmb_lt {
    double v[14]; /* v[4 + SVCMB_LT_...]: the diagnostics */
    int model, fitted;
};
#define LT_P(m, T) ((const T *)(m)->v)
enum { SVCMB_LT_LOGLIK, SVCMB_LT_N, SVCMB_LT_GROUPS, SVCMB_LT_ITER, SVCMB_LT_WEIGHT,
       SVCMB_LT_GRAD, SVCMB_LT_SE };
void svcmb_lt_free(struct svcmb_lt *m);
int svcmb_lt_fit(int model, const double *const *d, size_t n, const svcm_lifetime_fit_options *o,
                 struct svcmb_lt **out, svcm_error *err);
int svcmb_lt_diag(const struct svcmb_lt *m, int k, double *out);
void svcmb_lt_setfit(struct svcmb_lt *m, const double *d);

void svcmb_lt_free(struct svcmb_lt *m) { free(m); }

/* The diagnostics d (by SVCMB_LT_LOGLIK..) of a fit, into m. */
void svcmb_lt_setfit(struct svcmb_lt *m, const double *d)
{
    memcpy(m->v + 4, d, 10 * sizeof *d);
    m->fitted = 1;
}

/* Diagnostic k of m into *out: 0 when m was not fitted or has none. */
int svcmb_lt_diag(const struct svcmb_lt *m, int k, double *out)
{
    *out = m->v[4 + k];
    if (k >= SVCMB_LT_SE)
        return m->fitted && k - SVCMB_LT_SE < (m->model == 1 ? 3 : 4);
    return m->fitted && !isnan(m->v[4 + k]);
}

/* SVCM_EINVAL: weights has n items, not rows. */
static int lt_rows(size_t n, size_t rows, svcm_error *err)
{
    err->field = "weights";
    snprintf(err->message, sizeof err->message, "weights has %zu items, expected %zu", n, rows);
    return SVCM_EINVAL;
}

/* Checks the parameters as the model's functions do (a call on no rows). */
static int lt_check(const struct svcmb_lt *m, svcm_error *err)
{
    double ll;
    switch (m->model) {
    case 0: return svcm_bgnbd_p_alive(LT_P(m, svcm_bgnbd_params), NULL, NULL, NULL, 0, NULL, err);
    case 1: return svcm_gammagamma_loglik(LT_P(m, svcm_gammagamma_params), NULL, NULL, 0, &ll, err);
    case 2: return svcm_mbgnbd_p_alive(LT_P(m, svcm_mbgnbd_params), NULL, NULL, NULL, 0, NULL, err);
    case 3: return svcm_bgbb_p_alive(LT_P(m, svcm_bgbb_params), NULL, NULL, NULL, 0, NULL, err);
    default:
        return svcm_paretonbd_p_alive(LT_P(m, svcm_paretonbd_params), NULL, NULL, NULL, 0, NULL, err);
    }
}

static struct svcmb_lt *lt_alloc(int model)
{
    struct svcmb_lt *m = calloc(1, sizeof *m);
    if (m != NULL) {
        m->model = model;
        for (int k = 0; k < 10; k++)
            m->v[4 + k] = NAN;
    }
    return m;
}

/* The constructor: model with parameters v, checked. */
static int lt_new(int model, const double *v, struct svcmb_lt **out, svcm_error *err)
{
    struct svcmb_lt *m = lt_alloc(model);
    int rc = m == NULL ? SVCM_ENOMEM : (memcpy(m->v, v, 4 * sizeof *v), lt_check(m, err));
    if (rc != SVCM_OK)
        svcmb_lt_free(m);
    *out = rc == SVCM_OK ? m : NULL;
    return rc;
}

/* The estimates and diagnostics of the fit result r of any model. */
#define LT_TAKE(r, rows, grad)                                                   \\
    do {                                                                         \\
        memcpy(m->v, &(r).params, sizeof(r).params);                             \\
        memcpy(m->v + 4 + SVCMB_LT_SE, &(r).se, sizeof(r).se);                   \\
        m->v[4 + SVCMB_LT_LOGLIK] = (r).loglik;                                  \\
        m->v[4 + SVCMB_LT_N] = (double)(r).n;                                    \\
        m->v[4 + SVCMB_LT_ITER] = (double)(r).iterations;                        \\
        rows;                                                                    \\
        grad;                                                                    \\
    } while (0)
#define LT_ROWS(r) \\
    (m->v[4 + SVCMB_LT_GROUPS] = (double)(r).groups, m->v[4 + SVCMB_LT_WEIGHT] = (r).weight)
#define LT_GRAD(r) (m->v[4 + SVCMB_LT_GRAD] = (r).grad_norm)

/* Fits model to the columns d (x, t_x, T, weights or NULL; GammaGamma: x,
 * mean_spend) of n rows into a new handle. */
int svcmb_lt_fit(int model, const double *const *d, size_t n, const svcm_lifetime_fit_options *o,
                 struct svcmb_lt **out, svcm_error *err)
{
    union {
        struct svcm_bgnbd_fit_result bgnbd;
        struct svcm_gammagamma_fit_result gg;
        struct svcm_mbgnbd_fit_result mbgnbd;
        struct svcm_bgbb_fit_result bgbb;
        struct svcm_paretonbd_fit_result pnbd;
    } r;
    struct svcmb_lt *m = lt_alloc(model);
    int rc = SVCM_ENOMEM;
    memset(&r, 0, sizeof r);
    if (m != NULL)
        switch (model) {
        case 0:
            rc = svcm_bgnbd_fit(d[0], d[1], d[2], d[3], n, o, NULL, &r.bgnbd, err);
            LT_TAKE(r.bgnbd, LT_ROWS(r.bgnbd), LT_GRAD(r.bgnbd));
            break;
        case 1:
            rc = svcm_gammagamma_fit(d[0], d[1], n, o, NULL, &r.gg, err);
            LT_TAKE(r.gg, (void)0, LT_GRAD(r.gg));
            break;
        case 2:
            rc = svcm_mbgnbd_fit(d[0], d[1], d[2], d[3], n, o, NULL, &r.mbgnbd, err);
            LT_TAKE(r.mbgnbd, LT_ROWS(r.mbgnbd), (void)0);
            break;
        case 3:
            rc = svcm_bgbb_fit(d[0], d[1], d[2], d[3], n, o, NULL, &r.bgbb, err);
            LT_TAKE(r.bgbb, LT_ROWS(r.bgbb), (void)0);
            break;
        default:
            rc = svcm_paretonbd_fit(d[0], d[1], d[2], d[3], n, o, NULL, &r.pnbd, err);
            LT_TAKE(r.pnbd, LT_ROWS(r.pnbd), LT_GRAD(r.pnbd));
        }
    if (m != NULL && rc != SVCM_OK)
        svcmb_lt_free(m);
    else if (m != NULL)
        m->fitted = 1;
    *out = rc == SVCM_OK ? m : NULL;
    return rc;
}

/* The saved form: "LT", version 1, the model, fitted (0/1), then the four
 * parameters and the ten diagnostics as little-endian IEEE doubles. */
enum { LT_SAVED = 5 + 14 * 8 };
static int lt_save(const struct svcmb_lt *m, unsigned char *buf, size_t cap, size_t *len)
{
    if (len != NULL)
        *len = LT_SAVED;
    if (buf == NULL)
        return SVCM_OK;
    if (cap < LT_SAVED)
        return SVCM_ENOSPC;
    memcpy(buf, "LT\\1", 3);
    buf[3] = (unsigned char)m->model;
    buf[4] = (unsigned char)m->fitted;
    for (int i = 0; i < 14; i++) {
        uint64_t u;
        memcpy(&u, m->v + i, 8);
        for (int b = 0; b < 8; b++)
            buf[5 + 8 * i + b] = (unsigned char)(u >> (8 * b));
    }
    return SVCM_OK;
}

static int lt_load(int model, const unsigned char *buf, size_t len, struct svcmb_lt **out,
                   svcm_error *err)
{
    *out = NULL;
    if (len != LT_SAVED || memcmp(buf, "LT\\1", 3) != 0 || buf[3] != model || buf[4] > 1) {
        snprintf(err->message, sizeof err->message, "not a saved %s model",
                 (const char *[]){"BGNBD", "GammaGamma", "MBGNBD", "BGBB", "ParetoNBD"}[model]);
        return SVCM_EFORMAT;
    }
    struct svcmb_lt *m = lt_alloc(model);
    if (m == NULL)
        return SVCM_ENOMEM;
    m->fitted = buf[4];
    for (int i = 0; i < 14; i++) {
        uint64_t u = 0;
        for (int b = 7; b >= 0; b--)
            u = u << 8 | buf[5 + 8 * i + b];
        memcpy(m->v + i, &u, 8);
    }
    if (lt_check(m, err) != SVCM_OK) {
        svcmb_lt_free(m);
        return SVCM_EFORMAT;
    }
    *out = m;
    return SVCM_OK;
}

/* "svcm.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426)" */
static void lt_repr(const struct svcmb_lt *m, const char *cls, const char *const *names,
                    char *buf, size_t cap)
{
    int len = snprintf(buf, cap, "svcm.%s(", cls);
    for (int i = 0; i < (m->model == 1 ? 3 : 4) && len > 0 && (size_t)len < cap; i++)
        len += snprintf(buf + len, cap - (size_t)len, "%s%s=%.17g", i > 0 ? ", " : "", names[i],
                        m->v[i]);
    if (len > 0 && (size_t)len + 1 < cap)
        memcpy(buf + len, ")", 2);
}
""")

SCALAR_OR_LIST = ("Numbers in give a float out; sequences/buffers give an svcm.Column\n"
                  "(scalars broadcast)")
DOCS = {
    "BGNBD": "BG/NBD purchase model (Fader, Hardie & Lee 2005); BGNBD.fit(x, t_x, T)\n"
             "estimates it. " + SCALAR_OR_LIST + ".\n\n"
             "One-time buyers: a BG/NBD customer can only drop out right after a\n"
             "repeat purchase, so p_alive is 1 for every customer with x = 0, which\n"
             "overstates it for one-time buyers who have gone; MBGNBD is offered for\n"
             "data with many of them.",
    "GammaGamma": "Gamma-Gamma spend model (Fader & Hardie 2013); GammaGamma.fit(x,\n"
                  "mean_spend) estimates it. " + SCALAR_OR_LIST + ".",
    "MBGNBD": "MBG/NBD purchase model (Batislam, Denizel & Filiztekin 2007): BG/NBD\n"
              "with a possible dropout right after the first purchase too.\n"
              + SCALAR_OR_LIST + ".",
    "BGBB": "BG/BB discrete-time model (Fader, Hardie & Shang 2010): x\n"
            "transactions in n opportunities, the last at t_x (whole numbers).\n"
            + SCALAR_OR_LIST + ".",
    "ParetoNBD": "Pareto/NBD purchase model (Schmittlein, Morrison & Colombo 1987):\n"
                 "Poisson purchases at a gamma-distributed rate, exponential lifetimes at\n"
                 "a gamma-distributed dropout rate.\n" + SCALAR_OR_LIST + ".",
}
FIT_PROPS = '''@property
def loglik(self) -> Optional[float]: ...
@property
def n(self) -> Optional[int]: ...  # rows fitted (GammaGamma: customers with x > 0)
@property
def groups(self) -> Optional[int]: ...  # distinct rows (None for GammaGamma)
@property
def iterations(self) -> Optional[int]: ...  # None unless fitted, as all of these
@property
def weight(self) -> Optional[float]: ...  # total weight fitted (None for GammaGamma)
@property
def grad_norm(self) -> Optional[float]: ...  # None for MBGNBD and BGBB
@property
def standard_errors(self) -> Optional[Tuple[float, ...]]: ...  # in the parameters' order
def __setstate__(self, state: Optional[tuple[object, ...]], /) -> None: ...  # a 0.2 pickle's
'''
FIT_COLS = {"GammaGamma": ["x", "mean_spend"], "BGBB": ["frequency", "recency", "periods"]}
WEIGHTED = {"BGBB": "n", "ParetoNBD": "T"}
for i, (cls, pre, params) in enumerate(MODELS):
    cols = FIT_COLS.get(cls, ["x", "t_x", "T"])
    w = "" if cls == "GammaGamma" else ", weights: Optional[_LifetimeNumbers] = ..."
    pen = ", penalizer: float = ..." if cls in ("BGNBD", "GammaGamma") else ""
    stub = ("@classmethod\ndef fit(cls, " + ", ".join(f"{c}: _LifetimeNumbers" for c in cols)
            + f"{w}, *,\n        max_iter: Optional[int] = ..., gtol: float = ...{pen}) -> {cls}: ...\n"
            + FIT_PROPS)
    if cls == "BGNBD":
        stub += ("@overload\ndef p_alive(self, x: float, t_x: float, T: float) -> float: ...\n"
                 "@overload\ndef p_alive(self, x: _LifetimeNumbers, t_x: _NumOrNumbers, "
                 "T: _NumOrNumbers) -> List[float]: ...\n@overload\ndef p_alive(self, x: float, "
                 "t_x: _LifetimeNumbers, T: _NumOrNumbers) -> List[float]: ...\n@overload\n"
                 "def p_alive(self, x: float, t_x: float, T: _LifetimeNumbers) -> List[float]: ...\n")
    names = ", ".join(f'"{n}"' for n, _ in params)
    klass(cls, "struct svcmb_lt", DOCS[cls], stub, free="svcmb_lt_free", save="lt_save",
          load=f"lt_load_{cls}", save_as="to_bytes", load_as="from_bytes", lua_fields=True,
          repr=f'lt_repr(self, "{cls}", (const char *const[]){{{names}}}, buf, cap);')
    helper(f"static int lt_load_{cls}(const unsigned char *b, size_t n, const svcm_allocator *a,\n"
           f"                         struct svcmb_lt **out, svcm_error *err)\n"
           f"{{\n    (void)a;\n    return lt_load({i}, b, n, out, err);\n}}")
    v = ", ".join(n for n, _ in params) + (", 0.0" if len(params) == 3 else "")
    constructor(cls, [f"{n}: f64" for n, _ in params],
                f"rc = lt_new({i}, (const double[4]){{{v}}}, &out, &err);")
    for k, (n, doc) in enumerate(params):
        getter(cls, n, "f64", doc, f"out = self->v[{k}];")


def lt_method(cls, name, doc, args, ret, call):
    """A method whose C call takes the model's parameters as `self`."""
    method(cls, name, doc, args, ret, call.replace("(self,", f"(LT_P(self, {PRE[cls]}_params),"))


COLS = ["x: f64v", "t_x: f64v", "T: f64v"]
for name, doc, args, ret, call in (
        ("p_alive_at", "P(alive at T + tau | x, t_x, T): P(alive) times E[(1-p)^N(tau)], the\n"
         "chance of surviving the purchases made in the next tau time units; tau = 0\n"
         "gives p_alive.", ["tau: f64"] + COLS, "f64v",
         "rc = svcm_bgnbd_p_alive_at(self, tau, x, t_x, T, rows_n, out, &err);"),
        ("probability_of_purchases", "P(X(t) = n) for a new customer (eq. 8 of the paper).",
         ["t: f64", "n: f64v"], "f64v",
         "rc = svcm_bgnbd_probability_of_purchases(self, t, n, rows_n, out, &err);"),
        ("expected_purchases", "Expected purchases in the next t time units, E[Y(t) | x, "
         "t_x, T]\n(eq. 10 of the paper).", ["t: f64"] + COLS, "f64v",
         "rc = svcm_bgnbd_expected_purchases(self, t, x, t_x, T, rows_n, out, &err);"),
        ("log_likelihood", "Total log-likelihood of these customers.", COLS, "f64",
         "rc = svcm_bgnbd_loglik(self, x, t_x, T, rows_n, &out, &err);")):
    lt_method("BGNBD", name, doc, args, ret, call)

# ----------------------------------------------------------- Gamma-Gamma
lt_method("GammaGamma", "conditional_expected_spend",
          "p (gamma + x m) / (p x + q - 1); x = 0 gives the population mean.",
          ["x: f64v", "mean_spend: f64v"], "f64v",
          "rc = svcm_gammagamma_conditional_spend(self, x, mean_spend, rows_n, out, &err);")
lt_method("GammaGamma", "log_likelihood", "Total log-likelihood of the x > 0 customers.",
          ["x: f64v", "mean_spend: f64v"], "f64",
          "rc = svcm_gammagamma_loglik(self, x, mean_spend, rows_n, &out, &err);")
method("GammaGamma", "clv",
       "margin * E(M) * sum_{k=1..horizon} (E[Y(k L)] - E[Y((k-1) L)]) / (1 + d)^k,\n"
       "L = period_length (in the unit of t_x and T: the default 4.348 is a month only when\n"
       "times are in weeks; 30.44 for months in days), d = discount_rate per period (not per\n"
       "year). Never negative: margin must be >= 0.",
       ["bgnbd: BGNBD", "x: f64v", "t_x: f64v", "T: f64v", "mean_spend: f64v",
        "horizon: u32 = 12", "discount_rate: f64 = 0.01",
        "period_length: f64 = 4.348214285714286", "margin: f64 = 1.0"], "f64v",
       """svcm_clv_options o;
svcm_clv_options_init(&o);
o.horizon = horizon;
o.discount_rate = discount_rate;
o.period_length = period_length;
o.margin = margin;
rc = svcm_clv(LT_P(bgnbd, svcm_bgnbd_params), LT_P(self, svcm_gammagamma_params), x, t_x, T, mean_spend, rows_n, &o, out, &err);""")

# ------------------------------------------------------ MBG/NBD and BG/BB
MDOCS = {"MBGNBD": ("P(alive | x, t_x, T); below 1 also for x = 0.", "E[Y(t) | x, t_x, T]."),
         "BGBB": ("P(alive in period n + 1 | x, t_x, n).",
                  "Expected transactions in the next t (whole) opportunities,\n"
                  "E(X(n, n + t) | x, t_x, n).")}
for cls, pre, last in (("MBGNBD", "svcm_mbgnbd", "T"), ("BGBB", "svcm_bgbb", "n")):
    cols = ["x: f64v", "t_x: f64v", f"{last}: f64v"]
    alive, expected = MDOCS[cls]
    lt_method(cls, "p_alive", alive, cols, "f64v",
              f"rc = {pre}_p_alive(self, x, t_x, {last}, rows_n, out, &err);")
    lt_method(cls, "expected_purchases", expected, ["t: f64"] + cols, "f64v",
              f"rc = {pre}_expected_purchases(self, t, x, t_x, {last}, rows_n, out, &err);")
lt_method("MBGNBD", "log_likelihood", "Total log-likelihood of these customers.", COLS, "f64",
          "rc = svcm_mbgnbd_loglik(self, x, t_x, T, rows_n, &out, &err);")
lt_method("MBGNBD", "purchase_pmf", "P(X(t) = k): probability that a new customer makes exactly "
          "k repeat\npurchases in (0, t].", ["t: f64", "k: f64v"], "f64v",
          "rc = svcm_mbgnbd_purchase_pmf(self, t, k, rows_n, out, &err);")

# ------------------------------------------------------------- Pareto/NBD
for name, doc, args, call in (
        ("p_alive", "P(alive | x, t_x, T).", COLS,
         "rc = svcm_paretonbd_p_alive(self, x, t_x, T, rows_n, out, &err);"),
        ("p_alive_at", "P(alive at T + tau | x, t_x, T) = p_alive times "
         "((beta+T)/(beta+T+tau))**s;\ntau = 0 gives p_alive.", ["tau: f64"] + COLS,
         "rc = svcm_paretonbd_p_alive_at(self, tau, x, t_x, T, rows_n, out, &err);"),
        ("expected_purchases", "E[X(t) | x, t_x, T].", ["t: f64"] + COLS,
         "rc = svcm_paretonbd_expected_purchases(self, t, x, t_x, T, rows_n, out, &err);"),
        ("probability_of_purchases", "P(X(t) = n) for a new customer.", ["t: f64", "n: f64v"],
         "rc = svcm_paretonbd_probability_of_purchases(self, t, n, rows_n, out, &err);")):
    lt_method("ParetoNBD", name, doc, args, "f64v", call)

# The weighted log-likelihood of BG/BB and Pareto/NBD: weights is an array
# (f64v has no optional form); in Lua by name, m:log_likelihood(x, t_x, n,
# {weights = w}), as a trailing table is the options table.
for cls, last in WEIGHTED.items():
    lt_method(cls, "log_likelihood", "Total log-likelihood of these customers; weights: customers "
              "per row (as many\nas the rows).", ["x: f64v", "t_x: f64v", f"{last}: f64v",
                                                    "weights: f64s?"], "f64",
              f"rc = has_weights && weights_n != rows_n ? lt_rows(weights_n, rows_n, &err)\n"
              f"     : {PRE[cls]}_loglik(self, x, t_x, {last}, "
              "has_weights ? weights : NULL, rows_n, &out, &err);")

# E[X(t)] for a new customer: expected_purchases_unconditional of the
# four purchase models.
for cls, pre in (("BGNBD", "svcm_bgnbd"), ("MBGNBD", "svcm_mbgnbd"), ("BGBB", "svcm_bgbb"),
                 ("ParetoNBD", "svcm_paretonbd")):
    lt_method(cls, "expected_purchases_unconditional",
              "E[X(t)] over a new customer's first t opportunities." if cls == "BGBB"
              else "E[X(t)] for a new customer.", ["t: f64v"], "f64v",
              f"rc = {pre}_expected_purchases_unconditional(self, t, rows_n, out, &err);")
