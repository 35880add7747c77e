# The description of the feedback engine's binding surface (CSAT / NPS / CES,
# rates, period comparisons, consistency, grouped KPIs): the result records,
# svcm.rate(), and the methods and properties of the accumulators
# (_Feedback: the methods svcm.NPS, svcm.CSAT and svcm.CES share), svcm.Rate
# and svcm.KPIGroups.
#
# Hand-written in bindings/python/py_feedback.c and bindings/lua/lua_feedback.c:
# the constructors, add() / add_outcome() (a number, a bool or an array),
# merge() (another object), saving and loading, the properties that are
# dicts or tuples, KPIGroups' keys (bytes with NULs) and quantiles() (a
# list); the one-shot functions nps/csat/ces/compare_*, compare_rates,
# servqual, consistency and fcr_repeats (they take an accumulator or an
# array, two Rate objects, or a {channel: value} mapping); and
# ServqualResult (its fields are dicts).
include("svcm/kpi.h")
include("svcm/sketch.h")
include("stdio.h")
include("math.h")

helper("""
/* Groups and slots of svcm.KPIGroups count from 0 in Python and from 1 in
 * Lua, as each language counts (gen_lua.c defines SVCM_GEN_LUA_H). */
#ifdef SVCM_GEN_LUA_H
#define SVCMB_BASE 1
#define SVCMB_ALL_NUMBERS(bc) ((bc).all_num)
#else
#define SVCMB_BASE 0
#define SVCMB_ALL_NUMBERS(bc) ((bc).all_scalar)
#endif

/* The results with the confidence level the caller asked for, which the
 * library's result structs do not hold; FeedbackResult also names its
 * convention (the method of CSAT or CES, the interval of NPS). */
struct svcmb_feedback_view {
    struct svcm_feedback_result r;
    double confidence;
    const char *convention;
};
struct svcmb_test_view {
    struct svcm_test_result r;
    double confidence;
};
struct svcmb_rate_view {
    struct svcm_rate_result r;
    double confidence;
};
struct svcmb_sla_view {
    struct svcm_kpi_groups_sla_result r;
    double confidence;
};

/* The name of the convention of p (a result or the options of a kind). */
#define svcmb_convention(p) svcmb_convention_name((p)->kind, (p)->csat_method, \
                                                  (p)->ces_method, (p)->nps_interval)
static const char *svcmb_convention_name(svcm_feedback_kind kind, svcm_csat_method csat,
                                         svcm_ces_method ces, svcm_nps_interval nps)
{
    static const char *const csats[] = {"top_box", "rated", "mean"};
    static const char *const cess[] = {"mean", "top", "index"};
    static const char *const npss[] = {"wald", "adjusted"};
    if (kind == SVCM_FEEDBACK_KIND_CSAT)
        return csats[csat];
    if (kind == SVCM_FEEDBACK_KIND_CES)
        return cess[ces];
    return npss[nps];
}

/* The FeedbackResult of f at this confidence level into *v. */
static int svcmb_feedback(const svcm_feedback *f, double confidence,
                          struct svcmb_feedback_view *v)
{
    int rc = svcm_feedback_result(f, confidence, &v->r);
    v->confidence = confidence;
    v->convention = rc == SVCM_OK ? svcmb_convention(&v->r) : NULL;
    return rc;
}

/* add(): one score (a bad one names the field "score") or many (a bad one
 * names its record; then nothing is counted). */
static int svcmb_add(svcm_feedback *f, const double *x, size_t n, int one, svcm_error *err)
{
    if (!one)
        return svcm_feedback_add_batch(f, x, n, err);
    int rc = svcm_feedback_add(f, x[0]);
    if (rc == SVCM_EINVAL) {
        svcm_feedback_options o;
        svcm_feedback_get_options(f, &o);
        err->field = "score";
        snprintf(err->message, sizeof err->message,
                 "score %g is not an integer on the scale %ld..%ld", x[0], (long)o.low,
                 (long)o.high);
    }
    return rc;
}

static int svcmb_rate(const svcm_rate *r, double confidence, struct svcmb_rate_view *v)
{
    v->confidence = confidence;
    return svcm_rate_result(r, confidence, &v->r);
}

/* The C number of a group given as the language counts, else SVCM_EINVAL
 * with err naming `field`. */
static int svcmb_group(const svcm_kpi_groups *g, int64_t group, const char *field, size_t *gi,
                       svcm_error *err)
{
    size_t n = svcm_kpi_groups_count(g);
    if (group < SVCMB_BASE || (uint64_t)(group - SVCMB_BASE) >= n) {
        err->field = field;
        snprintf(err->message, sizeof err->message, "group %lld is not one of the %zu groups",
                 (long long)group, n);
        return SVCM_EINVAL;
    }
    *gi = (size_t)(group - SVCMB_BASE);
    return SVCM_OK;
}

/* The C number of a slot of kind `kind`, else SVCM_EINVAL naming "slot". */
static int svcmb_slot(const svcm_kpi_groups *g, int64_t slot, svcm_kpi_slot_kind kind,
                      svcm_kpi_slot *s, size_t *si, svcm_error *err)
{
    static const char *const kinds[] = {"feedback", "rate", "durations", "sla"};
    if (slot < SVCMB_BASE || svcm_kpi_groups_slot(g, (size_t)(slot - SVCMB_BASE), s) != SVCM_OK ||
        s->kind != kind) {
        err->field = "slot";
        snprintf(err->message, sizeof err->message, "slot %lld of %zu is not a %s slot",
                 (long long)slot, svcm_kpi_groups_slot_count(g), kinds[kind]);
        return SVCM_EINVAL;
    }
    *si = (size_t)(slot - SVCMB_BASE);
    return SVCM_OK;
}

static int svcmb_where(const svcm_kpi_groups *g, int64_t group, int64_t slot,
                       svcm_kpi_slot_kind kind, size_t *gi, size_t *si, svcm_error *err)
{
    svcm_kpi_slot s;
    int rc = svcmb_group(g, group, "group", gi, err);
    return rc != SVCM_OK ? rc : svcmb_slot(g, slot, kind, &s, si, err);
}

/* add_scores / add_outcomes / add_durations: check every record first (so
 * that a bad one changes nothing), then add them. */
enum { SVCMB_SCORES, SVCMB_OUTCOMES, SVCMB_DURATIONS };

static int svcmb_value_ok(int what, const svcm_kpi_slot *s, double x)
{
    if (what == SVCMB_SCORES)
        return isfinite(x) && x == floor(x) && x >= s->feedback.low && x <= s->feedback.high;
    if (what == SVCMB_OUTCOMES)
        return x == 0.0 || x == 1.0;
    return isfinite(x) && x >= 0.0;
}

static int svcmb_add_batch(svcm_kpi_groups *g, const int64_t *groups, size_t groups_n,
                           int64_t slot, const double *v, size_t v_n, int what, svcm_error *e)
{
    static const svcm_kpi_slot_kind kind[] = {SVCM_KPI_SLOT_KIND_FEEDBACK,
                                              SVCM_KPI_SLOT_KIND_RATE,
                                              SVCM_KPI_SLOT_KIND_DURATIONS};
    static const char *const field[] = {"scores", "outcomes", "seconds"};
    static const char *const what_is[] = {"score", "outcome", "duration"};
    static const char *const rule[] = {"an integer on the scale of the slot", "0 or 1",
                                       "finite and >= 0"};
    size_t gi, si;
    svcm_kpi_slot s;
    if (groups_n != v_n) {
        e->field = field[what];
        snprintf(e->message, sizeof e->message, "%zu groups but %zu values", groups_n, v_n);
        return SVCM_EINVAL;
    }
    int rc = svcmb_slot(g, slot, kind[what], &s, &si, e);
    for (size_t i = 0; rc == SVCM_OK && i < groups_n; i++) {
        e->index = i;
        rc = svcmb_group(g, groups[i], "groups", &gi, e);
        if (rc == SVCM_OK && !svcmb_value_ok(what, &s, v[i])) {
            e->field = field[what];
            snprintf(e->message, sizeof e->message, "%s %g is not %s", what_is[what], v[i],
                     rule[what]);
            rc = SVCM_EINVAL;
        }
    }
    /* Only a 64-bit count overflow or out-of-memory can stop this loop. */
    for (size_t i = 0; rc == SVCM_OK && i < groups_n; i++) {
        gi = (size_t)(groups[i] - SVCMB_BASE);
        e->index = i;
        rc = what == SVCMB_SCORES ? svcm_kpi_groups_add_score(g, gi, si, v[i], e)
             : what == SVCMB_OUTCOMES
                 ? svcm_kpi_groups_add_outcome(g, gi, si, v[i] == 1.0, e)
                 : svcm_kpi_groups_add_duration(g, gi, si, v[i], e);
    }
    if (rc == SVCM_OK)
        e->index = SVCM_NO_INDEX;
    return rc;
}

/* For the hand-written one-shot functions of py_feedback.c / lua_feedback.c. */
#ifdef SVCM_GEN_LUA_H
int svcmlua_feedback_record(lua_State *L, const svcm_feedback *f, double confidence);
int svcmlua_feedback_record(lua_State *L, const svcm_feedback *f, double confidence)
{
    struct svcmb_feedback_view v;
    int rc = svcmb_feedback(f, confidence, &v);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    svcmlua_rec_FeedbackResult(L, &v);
    return 1;
}
void svcmlua_comparison_record(lua_State *L, const struct svcm_test_result *t, double confidence);
void svcmlua_comparison_record(lua_State *L, const struct svcm_test_result *t, double confidence)
{
    struct svcmb_test_view v = {*t, confidence};
    svcmlua_rec_Comparison(L, &v);
}
#else
PyObject *svcmpy_feedback_record(PyObject *module, const svcm_feedback *f, double confidence);
PyObject *svcmpy_feedback_record(PyObject *module, const svcm_feedback *f, double confidence)
{
    struct svcmb_feedback_view v;
    int rc = svcmb_feedback(f, confidence, &v);
    return rc != SVCM_OK ? svcmpy_raise(module, rc, NULL) : svcmpy_rec_FeedbackResult(module, &v);
}
PyObject *svcmpy_comparison_record(PyObject *module, const struct svcm_test_result *t,
                                   double confidence);
PyObject *svcmpy_comparison_record(PyObject *module, const struct svcm_test_result *t,
                                   double confidence)
{
    struct svcmb_test_view v = {*t, confidence};
    return svcmpy_rec_Comparison(module, &v);
}
#endif
""")

CONFIDENCE = ("confidence", "f64", "confidence level of ci")

record("FeedbackResult", "struct svcmb_feedback_view",
       "A CSAT, NPS or CES score with its confidence interval.", [
           ("value", "f64", "the score under the convention: a share in [0, 1] (CSAT top_box "
            "and rated, CES top), points in [-100, 100] (NPS, CES index) or the mean answer "
            "(mean)", "r.value"),
           ("n", "u64", "number of answers", "r.n"),
           ("ci", "interval", "(lo, hi) confidence interval for value", "r.ci"),
           ("std_error", "f64", "standard error of value", "r.std_error"),
           ("mean", "f64", "mean answer", "r.mean"),
           CONFIDENCE,
           ("kind", "name:svcm_feedback_kind_name", "'csat', 'nps' or 'ces'", "r.kind"),
           ("satisfied", "u64", "CSAT: answers in the top boxes (else 0)", "r.satisfied"),
           ("promoters", "u64", "NPS: answers 9-10 (else 0)", "r.promoters"),
           ("passives", "u64", "NPS: answers 7-8 (else 0)", "r.passives"),
           ("detractors", "u64", "NPS: answers 0-6 (else 0)", "r.detractors"),
           ("dissatisfied", "u64", "CSAT: answers in the bottom top_boxes levels; CES index: "
            "answers 1-3 (else 0)", "r.dissatisfied"),
           ("convention", "str", "CSAT method ('top_box', 'rated', 'mean'), CES method ('mean', "
            "'top', 'index') or NPS interval ('wald', 'adjusted')"),
       ])

record("Comparison", "struct svcmb_test_view",
       "A two-period comparison: difference, interval, p-value.", [
           ("diff", "f64", "second minus first (NPS: points; CSAT and rates: share; CES: mean)",
            "r.diff"),
           ("ci", "interval", "(lo, hi) confidence interval for diff", "r.ci"),
           ("p_value", "f64", "two-sided p-value", "r.p_value"),
           ("statistic", "f64", "z (NPS, CSAT, rates) or Welch t (CES)", "r.statistic"),
           ("df", "f64", "degrees of freedom (inf for z tests)", "r.df"),
           ("p_greater", "f64", "one-sided p-value for second > first", "r.p_greater"),
           ("p_less", "f64", "one-sided p-value for second < first", "r.p_less"),
           CONFIDENCE,
       ])

record("RateResult", "struct svcmb_rate_view", "A rate with its Wilson interval.", [
    ("rate", "f64", "successes / trials", "r.rate"),
    ("ci", "interval", "(lo, hi) Wilson score interval", "r.ci"),
    ("successes", "u64", "successes counted", "r.successes"),
    ("trials", "u64", "trials counted", "r.trials"),
    ("kind", "name:svcm_rate_kind_name", "KPI label, e.g. 'fcr'", "r.kind"),
    CONFIDENCE,
])

record("KPIGroupsSLAResult", "struct svcmb_sla_view",
       "SLA compliance of one group: counts, rate, Wilson interval.", [
           ("met", "u64", "tickets that met the target", "r.met"),
           ("breached", "u64", "tickets past the target", "r.breached"),
           ("pending", "u64", "open tickets still within the target", "r.pending"),
           ("rate", "f64", "met / (met + breached); nan when nothing is decided", "r.rate"),
           ("ci", "interval", "(lo, hi) Wilson score interval for rate", "r.ci"),
           CONFIDENCE,
       ])

record("ConsistencyResult", "struct svcm_consistency_result",
       "Spread of one KPI across channels.", [
           ("mean", "f64", "mean of the values"),
           ("sd", "f64", "sample standard deviation (n - 1)"),
           ("cv", "f64", "sd / |mean|"),
           ("sd_population", "f64", "population standard deviation (n)"),
           ("cv_population", "f64", "sd_population / |mean|"),
           ("n", "size", "number of channels"),
           ("min", "f64", "smallest value"),
           ("max", "f64", "largest value"),
       ])

CONF = "confidence: f64 = 0.95"

function("rate", "The rate successes / trials with its Wilson interval; kind is a label "
         "such as 'fcr'\n(svcm.RATE_KINDS).",
         ["successes: count", "trials: count", 'kind: str = "generic"', CONF], "RateResult",
         """svcm_rate_kind k;
svcm_rate r;
if (svcm_rate_kind_parse(kind, &k) != SVCM_OK) {
    err.field = "kind";
    snprintf(err.message, sizeof err.message, "unknown rate kind '%.60s'", kind);
    rc = SVCM_EINVAL;
} else {
    svcm_rate_init(&r, k);
    rc = svcm_rate_add_counts(&r, successes, trials);
    if (rc == SVCM_OK)
        rc = svcmb_rate(&r, confidence, &out);
}""")

# ------------------------------------------------- NPS, CSAT, CES, Rate
klass("_Feedback", "svcm_feedback",
      "What svcm.NPS, svcm.CSAT and svcm.CES have in common.",
      '''def merge(self, other: _Feedback, /) -> None: ...
def to_bytes(self) -> bytes: ...
@classmethod
def from_bytes(cls, data: _Buffer, /) -> Self: ...
def __reduce__(self) -> tuple[object, ...]: ...  # pickle, copy: through the saved form
@property
def counts(self) -> dict[int, int]: ...
@property
def scale(self) -> tuple[int, int]: ...
@property
def top_boxes(self) -> int | None: ...
''')
method("_Feedback", "add", "Count one answer (a number) or many (a buffer such as array('d') or a\n"
       "sequence). All or nothing: a bad score raises InvalidInput naming its index\n"
       "and nothing is counted.", ["scores: f64v"], "none",
       "rc = svcmb_add(self, scores, rows_n, SVCMB_ALL_NUMBERS(bc), &err);")
method("_Feedback", "result", "The score with its interval (CSAT: Wilson; NPS: multinomial "
       "normal; CES: Student t).\nRaises EmptyError when nothing was counted (CES: fewer than "
       "two answers).", [CONF], "FeedbackResult",
       "rc = svcmb_feedback(self, confidence, &out);")
getter("_Feedback", "n", "u64", "number of answers counted", "out = svcm_feedback_count(self);")
OPTS = "svcm_feedback_options o;\nsvcm_feedback_get_options(self, &o);\n"
getter("_Feedback", "kind", "str", "'nps', 'csat' or 'ces'",
       OPTS + "out = svcm_feedback_kind_name((int)o.kind);")
getter("_Feedback", "convention", "str",
       "the KPI convention: CSAT and CES method, NPS interval",
       OPTS + "out = svcmb_convention(&o);")

# svcm_rate is a value in C; the binding keeps one on the heap, a handle like
# the others.
helper("""
static void svcmb_rate_free(svcm_rate *r) { free(r); }
static int svcmb_rate_new(svcm_rate **out, const svcm_rate *from)
{
    *out = malloc(sizeof **out);
    if (*out == NULL)
        return SVCM_ENOMEM;
    **out = *from;
    return SVCM_OK;
}
static int svcmb_rate_load(const unsigned char *buf, size_t len, const svcm_allocator *alloc,
                           svcm_rate **out, svcm_error *err)
{
    (void)alloc;
    svcm_rate r;
    int rc = svcm_rate_load(buf, len, &r, err);
    return rc == SVCM_OK ? svcmb_rate_new(out, &r) : rc;
}
/* A kind from its name; EINVAL naming the field otherwise. */
static int svcmb_rate_kind(const char *name, svcm_rate_kind *k, svcm_error *err)
{
    if (svcm_rate_kind_parse(name, k) == SVCM_OK)
        return SVCM_OK;
    err->field = "kind";
    snprintf(err->message, sizeof err->message, "unknown rate kind '%.60s'", name);
    return SVCM_EINVAL;
}
""")
klass("Rate", "svcm_rate",
      "Mergeable successes-over-trials counter labelled with a KPI kind: generic, fcr,\n"
      "complaint, resolution, churn, retention, repurchase, reopen, sla_compliance.",
      free="svcmb_rate_free", merge="svcm_rate_merge", save="svcm_rate_save",
      load="svcmb_rate_load", save_as="to_bytes", load_as="from_bytes",
      mismatch="kinds differ",
      repr="""snprintf(buf, cap, "<svcm.Rate kind=%s %llu/%llu>", svcm_rate_kind_name((int)self->kind),
         (unsigned long long)self->successes, (unsigned long long)self->trials);""")
constructor("Rate", ['kind: str = "generic"'], """svcm_rate_kind k = SVCM_RATE_KIND_GENERIC;
svcm_rate r;
rc = svcmb_rate_kind(kind, &k, &err);
svcm_rate_init(&r, k);
if (rc == SVCM_OK)
    rc = svcmb_rate_new(&out, &r);""")
method("Rate", "add", "Count one outcome (True/False or 1/0) or many (a buffer or sequence of\n"
       "0/1). All or nothing.", ["outcomes: f64v"], "none",
       "rc = svcm_rate_add_batch(self, outcomes, rows_n, &err);")
function("compare_rates", "Rate of b minus rate of a (two Rate objects of the same kind),\n"
         "two-proportion z-test.", ["a: Rate", "b: Rate", CONF], "Comparison",
         "rc = svcm_rate_compare(a, b, confidence, &out.r);\nout.confidence = confidence;")
method("Rate", "add_counts", "Add successes out of trials (successes <= trials).",
       ["successes: count", "trials: count"], "none",
       "rc = svcm_rate_add_counts(self, successes, trials);", fast=True)
method("Rate", "result", "The rate with its Wilson interval (EmptyError when no trials).",
       [CONF], "RateResult", "rc = svcmb_rate(self, confidence, &out);", fast=True)
getter("Rate", "kind", "str", "KPI label, e.g. 'fcr'",
       "out = svcm_rate_kind_name((int)self->kind);")
getter("Rate", "successes", "u64", "successes counted", "out = self->successes;")
getter("Rate", "trials", "u64", "trials counted", "out = self->trials;")

# ------------------------------------------------------------ KPIGroups
klass("KPIGroups", "svcm_kpi_groups",
      "One set of KPI accumulators (slots) per group key: feedback scores, rates,\n"
      "durations and SLA counts.",
      '''def __init__(self, slots: Iterable[_SlotDescription]) -> None: ...
@property
def slots(self) -> tuple[tuple[str, dict[str, object]], ...]: ...
def __len__(self) -> int: ...
def group(self, key: _Key, /) -> int: ...
def find(self, key: _Key, /) -> Union[int, None]: ...
def key(self, group: int, /) -> str: ...
def keys(self) -> list[str]: ...
def order(self) -> list[int]: ...
def add_outcome(self, group: int, slot: int, success: Union[bool, int], /) -> None: ...
def quantiles(self, group: int, slot: int, qs: _Scores, /) -> list[float]: ...
def merge(self, other: KPIGroups, /) -> None: ...
def to_bytes(self) -> bytes: ...
@classmethod
def from_bytes(cls, data: _Buffer, /) -> KPIGroups: ...
def __reduce__(self) -> tuple[object, ...]: ...  # pickle, copy: through the saved form
''')
WHERE = ["group: i64", "slot: i64"]
LOC = "size_t gi, si;"


def where(kind, then):
    return (f"rc = svcmb_where(self, group, slot, SVCM_KPI_SLOT_KIND_{kind}, &gi, &si, &err);\n"
            f"if (rc == SVCM_OK)\n    {then}")


for name, kind, arg, fn in (("add_score", "FEEDBACK", "score", "svcm_kpi_groups_add_score"),
                            ("add_duration", "DURATIONS", "seconds",
                             "svcm_kpi_groups_add_duration")):
    method("KPIGroups", name, f"Count one {arg} of a group in a {kind.lower()} slot.",
           WHERE + [f"{arg}: f64"], "none",
           where(kind, f"rc = {fn}(self, gi, si, {arg}, &err);"), locals=LOC, fast=True)
method("KPIGroups", "add_sla", "Count tickets of a group in an SLA slot.",
       WHERE + ["met: count = 0", "breached: count = 0", "pending: count = 0"], "none",
       where("SLA", "rc = svcm_kpi_groups_add_sla(self, gi, si, met, breached, pending, &err);"),
       locals=LOC, fast=True)
for name, what, arg in (("add_scores", "SCORES", "scores"), ("add_outcomes", "OUTCOMES",
                                                              "outcomes"),
                        ("add_durations", "DURATIONS", "seconds")):
    method("KPIGroups", name, f"Add {arg} to the slot of each record's group (group numbers "
           "and values\nof the same length). All or nothing: a bad record raises naming its "
           "index.", ["groups: i64s", "slot: i64", f"{arg}: f64s"], "none",
           f"rc = svcmb_add_batch(self, groups, groups_n, slot, {arg}, {arg}_n, SVCMB_{what}, "
           "&err);")
method("KPIGroups", "feedback", "The FeedbackResult of a group's feedback slot.",
       WHERE + [CONF], "FeedbackResult", where("FEEDBACK", """{
    const svcm_feedback *f;
    rc = svcm_kpi_groups_feedback(self, gi, si, &f);
    if (rc == SVCM_OK)
        rc = svcmb_feedback(f, confidence, &out);
}"""), locals=LOC, fast=True)
method("KPIGroups", "rate", "The RateResult of a group's rate slot.", WHERE + [CONF],
       "RateResult", where("RATE", """{
    svcm_rate r;
    rc = svcm_kpi_groups_rate(self, gi, si, &r);
    if (rc == SVCM_OK)
        rc = svcmb_rate(&r, confidence, &out);
}"""), locals=LOC, fast=True)
method("KPIGroups", "durations", "The summary of a group's durations slot.", WHERE,
       "DurationsSummary", where("DURATIONS", """{
    const svcm_durations *d;
    rc = svcm_kpi_groups_durations(self, gi, si, &d);
    if (rc == SVCM_OK)
        rc = svcm_durations_result(d, &out);
}"""), locals=LOC, fast=True)
method("KPIGroups", "sla", "SLA compliance of a group's SLA slot.", WHERE + [CONF],
       "KPIGroupsSLAResult", where("SLA", """{
    out.confidence = confidence;
    rc = svcm_kpi_groups_sla_result(self, gi, si, confidence, &out.r, &err);
}"""), locals=LOC, fast=True)
