# The description of the lifetime engine's binding surface: the
# per-customer methods of svcm.BGNBD, svcm.GammaGamma, svcm.MBGNBD,
# svcm.BGBB and svcm.ParetoNBD whose arguments are columns that broadcast
# against numbers (kind f64v): a float when every column argument is a
# number, else an svcm.Column (Python) / a sequence table (Lua).
# Hand-written in bindings/python/py_lifetime.c and bindings/lua/lua_lifetime.c
# (their stub lines are the klass stubs below), from one table of the five
# models in each file:
# - constructors and fit() (classmethods / module functions building objects),
#   pickling, repr;
# - the properties: Lua reads them as fields (m.r), where a described getter
#   would be a method; the fit ones are None unless fitted;
# - GammaGamma.clv (takes a BGNBD);
# - log_likelihood of BGBB and ParetoNBD (an optional weights column: f64v
#   has no optional form);
# - BGNBD.p_alive: tests/typed_example.py pins its Python result as
#   list[float] (and float), which a described f64v result is not; it is the
#   one method still giving a list;
# - svcm.summarize_transactions (three arrays in, a dict of Columns out).
include("svcm/lifetime.h")

COLS = ["x: f64v", "t_x: f64v", "T: f64v"]
# Class docstrings: what the per-customer methods return.
SCALAR_OR_LIST = ("Numbers in give a float out; sequences/buffers give an svcm.Column\n"
                  "(scalars broadcast)")


def params(names, doc):
    """Stub lines of the four (or three) parameter properties."""
    return "".join(f"@property\ndef {n}(self) -> float: ...  # {d}\n" for n, d in zip(names, doc))


FIT_PROPS = '''@property
def loglik(self) -> Optional[float]: ...  # None unless fitted
@property
def n(self) -> Optional[int]: ...
@property
def groups(self) -> Optional[int]: ...
@property
def iterations(self) -> Optional[int]: ...
@property
def weight(self) -> Optional[float]: ...  # total weight fitted
@property
def standard_errors(self) -> Optional[Tuple[float, float, float, float]]: ...
'''
# The parameters of BG/NBD and MBG/NBD.
BG_PARAMS = params(["r", "alpha", "a", "b"], ["shape of the purchase-rate gamma",
                                              "scale of the purchase-rate gamma",
                                              "first shape of the dropout beta",
                                              "second shape of the dropout beta"])
PICKLE = '''def __reduce__(self) -> tuple[object, ...]: ...  # pickle, copy: parameters, fit summary
def __setstate__(self, state: Optional[tuple[object, ...]], /) -> None: ...
'''


def fit_stub(cls, cols, penalizer=False):
    pen = ", penalizer: float = ..." if penalizer else ""
    a = ", ".join(f"{c}: _LifetimeNumbers" for c in cols)
    return (f"@classmethod\ndef fit(cls, {a}, weights: Optional[_LifetimeNumbers] = ..., *,\n"
            f"        max_iter: Optional[int] = ..., gtol: float = ...{pen}) -> {cls}: ...\n")


# ---------------------------------------------------------------- BG/NBD
klass("BGNBD", "svcm_bgnbd_params",
      "BG/NBD purchase model (Fader, Hardie & Lee 2005).\n"
      + SCALAR_OR_LIST + ", but a list from p_alive.\n\n"
      "One-time buyers: a BG/NBD customer can only drop out right after a\n"
      "repeat purchase, so p_alive is 1 for every customer with x = 0, which\n"
      "overstates it for one-time buyers who have gone; MBGNBD is offered for\n"
      "data with many of them.",
      "def __init__(self, r: float, alpha: float, a: float, b: float) -> None: ...\n"
      + fit_stub("BGNBD", ["x", "t_x", "T"], penalizer=True)
      + BG_PARAMS
      + FIT_PROPS + '''@property
def grad_norm(self) -> Optional[float]: ...
@overload
def p_alive(self, x: float, t_x: float, T: float) -> float: ...
@overload
def p_alive(self, x: _LifetimeNumbers, t_x: _NumOrNumbers, T: _NumOrNumbers) -> List[float]: ...
@overload
def p_alive(self, x: float, t_x: _LifetimeNumbers, T: _NumOrNumbers) -> List[float]: ...
@overload
def p_alive(self, x: float, t_x: float, T: _LifetimeNumbers) -> List[float]: ...
''' + PICKLE)
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
    method("BGNBD", name, doc, args, ret, call)

# ----------------------------------------------------------- Gamma-Gamma
_CLV_TAIL = ("horizon: int = ..., discount_rate: float = ..., period_length: float = ...,\n"
             "        margin: float = ...")
klass("GammaGamma", "svcm_gammagamma_params",
      "Gamma-Gamma spend model (Fader & Hardie 2013).\n" + SCALAR_OR_LIST + ".",
      "def __init__(self, p: float, q: float, gamma: float) -> None: ...\n"
      "@classmethod\n"
      "def fit(cls, x: _LifetimeNumbers, mean_spend: _LifetimeNumbers, *, "
      "max_iter: Optional[int] = ...,\n"
      "        gtol: float = ..., penalizer: float = ...) -> GammaGamma: ...\n"
      + params(["p", "q", "gamma"], ["shape of the per-purchase spend gamma",
                                     "shape of the gamma of nu across customers",
                                     "scale of the gamma of nu across customers"])
      + '''@property
def loglik(self) -> Optional[float]: ...  # None unless fitted
@property
def n(self) -> Optional[int]: ...  # customers with x > 0 fitted
@property
def iterations(self) -> Optional[int]: ...
@property
def standard_errors(self) -> Optional[Tuple[float, float, float]]: ...  # p, q, gamma
@property
def grad_norm(self) -> Optional[float]: ...
@overload
def clv(self, bgnbd: BGNBD, x: float, t_x: float, T: float, mean_spend: float,
        ''' + _CLV_TAIL + ''') -> float: ...
@overload
def clv(self, bgnbd: BGNBD, x: _LifetimeNumbers, t_x: _NumOrNumbers, T: _NumOrNumbers,
        mean_spend: _NumOrNumbers, ''' + _CLV_TAIL + ''') -> Column: ...
@overload
def clv(self, bgnbd: BGNBD, x: float, t_x: _LifetimeNumbers, T: _NumOrNumbers,
        mean_spend: _NumOrNumbers, ''' + _CLV_TAIL + ''') -> Column: ...
@overload
def clv(self, bgnbd: BGNBD, x: float, t_x: float, T: _LifetimeNumbers,
        mean_spend: _NumOrNumbers, ''' + _CLV_TAIL + ''') -> Column: ...
@overload
def clv(self, bgnbd: BGNBD, x: float, t_x: float, T: float, mean_spend: _LifetimeNumbers,
        ''' + _CLV_TAIL + ''') -> Column: ...
''' + PICKLE)
method("GammaGamma", "conditional_expected_spend",
       "p (gamma + x m) / (p x + q - 1); x = 0 gives the population mean.", ["x: f64v", "mean_spend: f64v"], "f64v",
       "rc = svcm_gammagamma_conditional_spend(self, x, mean_spend, rows_n, out, &err);")
method("GammaGamma", "log_likelihood", "Total log-likelihood of the x > 0 customers.",
       ["x: f64v", "mean_spend: f64v"], "f64",
       "rc = svcm_gammagamma_loglik(self, x, mean_spend, rows_n, &out, &err);")

# ------------------------------------------------------ MBG/NBD and BG/BB
klass("MBGNBD", "svcm_mbgnbd_params",
      "MBG/NBD purchase model (Batislam, Denizel & Filiztekin 2007): BG/NBD\n"
      "with a possible dropout right after the first purchase too.\n"
      + SCALAR_OR_LIST + ".",
      "def __init__(self, r: float, alpha: float, a: float, b: float) -> None: ...\n"
      + fit_stub("MBGNBD", ["x", "t_x", "T"])
      + BG_PARAMS
      + FIT_PROPS + PICKLE)
klass("BGBB", "svcm_bgbb_params",
      "BG/BB discrete-time model (Fader, Hardie & Shang 2010): x\n"
      "transactions in n opportunities, the last at t_x (whole numbers).\n"
      + SCALAR_OR_LIST + ".",
      "def __init__(self, alpha: float, beta: float, gamma: float, delta: float) -> None: ...\n"
      + fit_stub("BGBB", ["frequency", "recency", "periods"])
      + params(["alpha", "beta", "gamma", "delta"],
               ["first shape of the transaction-probability beta",
                "second shape of the transaction-probability beta",
                "first shape of the dropout beta", "second shape of the dropout beta"])
      + FIT_PROPS
      + "def log_likelihood(self, x: _NumOrNumbers, t_x: _NumOrNumbers, n: _NumOrNumbers,\n"
        "                   weights: Optional[_LifetimeNumbers] = ...) -> float: ...\n"
      + PICKLE)
DOCS = {"MBGNBD": ("P(alive | x, t_x, T); below 1 also for x = 0.", "E[Y(t) | x, t_x, T]."),
        "BGBB": ("P(alive in period n + 1 | x, t_x, n).",
                 "Expected transactions in the next t (whole) opportunities,\n"
                 "E(X(n, n + t) | x, t_x, n).")}
for cls, pre, last in (("MBGNBD", "svcm_mbgnbd", "T"), ("BGBB", "svcm_bgbb", "n")):
    cols = ["x: f64v", "t_x: f64v", f"{last}: f64v"]
    alive, expected = DOCS[cls]
    method(cls, "p_alive", alive, cols, "f64v",
           f"rc = {pre}_p_alive(self, x, t_x, {last}, rows_n, out, &err);")
    method(cls, "expected_purchases", expected, ["t: f64"] + cols, "f64v",
           f"rc = {pre}_expected_purchases(self, t, x, t_x, {last}, rows_n, out, &err);")
method("MBGNBD", "log_likelihood", "Total log-likelihood of these customers.",
       ["x: f64v", "t_x: f64v", "T: f64v"], "f64",
       "rc = svcm_mbgnbd_loglik(self, x, t_x, T, rows_n, &out, &err);")
method("MBGNBD", "purchase_pmf", "P(X(t) = k): probability that a new customer makes exactly k repeat\n"
       "purchases in (0, t].",
       ["t: f64", "k: f64v"], "f64v",
       "rc = svcm_mbgnbd_purchase_pmf(self, t, k, rows_n, out, &err);")

# ------------------------------------------------------------- Pareto/NBD
klass("ParetoNBD", "svcm_paretonbd_params",
      "Pareto/NBD purchase model (Schmittlein, Morrison & Colombo 1987):\n"
      "Poisson purchases at a gamma-distributed rate, exponential lifetimes at\n"
      "a gamma-distributed dropout rate.\n"
      + SCALAR_OR_LIST + ".",
      "def __init__(self, r: float, alpha: float, s: float, beta: float) -> None: ...\n"
      + fit_stub("ParetoNBD", ["x", "t_x", "T"])
      + params(["r", "alpha", "s", "beta"], ["shape of the purchase-rate gamma",
                                             "scale of the purchase-rate gamma",
                                             "shape of the dropout-rate gamma",
                                             "scale of the dropout-rate gamma"])
      + FIT_PROPS + '''@property
def grad_norm(self) -> Optional[float]: ...
def log_likelihood(self, x: _NumOrNumbers, t_x: _NumOrNumbers, T: _NumOrNumbers,
                   weights: Optional[_LifetimeNumbers] = ...) -> float: ...
''' + PICKLE)
for name, doc, args, call in (
        ("p_alive", "P(alive | x, t_x, T).", COLS,
         "rc = svcm_paretonbd_p_alive(self, x, t_x, T, rows_n, out, &err);"),
        ("p_alive_at", "P(alive at T + tau | x, t_x, T) = p_alive times "
         "((beta+T)/(beta+T+tau))**s;\ntau = 0 gives p_alive.",
         ["tau: f64"] + COLS,
         "rc = svcm_paretonbd_p_alive_at(self, tau, x, t_x, T, rows_n, out, &err);"),
        ("expected_purchases", "E[X(t) | x, t_x, T].", ["t: f64"] + COLS,
         "rc = svcm_paretonbd_expected_purchases(self, t, x, t_x, T, rows_n, out, &err);"),
        ("probability_of_purchases", "P(X(t) = n) for a new customer.", ["t: f64", "n: f64v"],
         "rc = svcm_paretonbd_probability_of_purchases(self, t, n, rows_n, out, &err);")):
    method("ParetoNBD", name, doc, args, "f64v", call)

# E[X(t)] for a new customer: expected_purchases_unconditional of the
# four purchase models.
for cls, pre in (("BGNBD", "svcm_bgnbd"), ("MBGNBD", "svcm_mbgnbd"), ("BGBB", "svcm_bgbb"),
                 ("ParetoNBD", "svcm_paretonbd")):
    method(cls, "expected_purchases_unconditional",
           "E[X(t)] over a new customer's first t opportunities." if cls == "BGBB"
           else "E[X(t)] for a new customer.", ["t: f64v"], "f64v",
           f"rc = {pre}_expected_purchases_unconditional(self, t, rows_n, out, &err);")
