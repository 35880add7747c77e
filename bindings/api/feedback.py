# The feedback engine's binding surface: the result records, the managed
# classes NPS, CSAT, CES and Rate, nps/csat/ces/compare_*, rate(),
# compare_rates and the methods of svcm.KPIGroups. Hand-written (py_feedback.c,
# lua_feedback.c): KPIGroups' constructor (slot descriptions), keys (bytes
# with NULs), order() and slots; the accumulators' counts/scale/top_boxes;
# servqual and ServqualResult (dict fields), consistency (a dict or a list)
# and fcr_repeats (a Rate and a list of names).
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

/* KPIGroups slot descriptions, for the hand-written constructors of both
 * languages (which declare these): the slot kinds by name (NULL-terminated),
 * the setting keys of each kind (NULL-terminated rows) and the defaults of a
 * slot of kind k. */
extern const char *const svcmb_slot_kinds[7];
extern const char *const svcmb_slot_keys[6][5];
void svcmb_slot_start(int k, svcm_kpi_slot *s);
const char *const svcmb_slot_kinds[7] = {"nps", "csat", "ces", "rate", "durations", "sla", NULL};
const char *const svcmb_slot_keys[6][5] = {{"interval"}, {"scale", "low", "top_boxes", "method"},
                                           {"scale", "low", "method"}, {"kind"},
                                           {"rel_err", "max_buckets", "exact_limit"}, {NULL}};
void svcmb_slot_start(int k, svcm_kpi_slot *s)
{
    static const int fk[] = {SVCM_FEEDBACK_KIND_NPS, SVCM_FEEDBACK_KIND_CSAT,
                             SVCM_FEEDBACK_KIND_CES};
    svcm_kpi_slot_init(s, k <= 2   ? SVCM_KPI_SLOT_KIND_FEEDBACK
                          : k == 3 ? SVCM_KPI_SLOT_KIND_RATE
                          : k == 4 ? SVCM_KPI_SLOT_KIND_DURATIONS
                                   : SVCM_KPI_SLOT_KIND_SLA);
    if (k <= 2)
        svcm_feedback_options_init(&s->feedback, fk[k]);
}

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
rc = svcmb_rate_kind(kind, &k, &err);
if (rc == SVCM_OK) {
    svcm_rate_init(&r, k);
    rc = svcm_rate_add_counts(&r, successes, trials);
    if (rc == SVCM_OK)
        rc = svcmb_rate(&r, confidence, &out);
}""")

# ------------------------------------------------- NPS, CSAT, CES, Rate
helper("""
/* Options of kind from the constructor's arguments: the highest and lowest
 * answers, the top boxes (CSAT) and the convention's name (NULL: the
 * default); an unknown name is SVCM_EINVAL naming "method" / "interval". */
static int svcmb_options(svcm_feedback_options *o, int kind, int high, int low, int top,
                         const char *conv, svcm_error *err)
{
    static const char *const names[3][4] = {{"top_box", "rated", "mean"},
                                            {"wald", "adjusted"}, {"mean", "top", "index"}};
    const char *const *n = names[kind];
    svcm_feedback_options_init(o, kind);
    if (kind != SVCM_FEEDBACK_KIND_NPS) {
        o->high = high;
        o->low = low;
    }
    if (kind == SVCM_FEEDBACK_KIND_CSAT)
        o->top_boxes = top < 0 ? 0u : (uint32_t)top;
    for (int i = 0; conv != NULL && n[i] != NULL; i++)
        if (strcmp(conv, n[i]) == 0) {
            o->csat_method = kind == SVCM_FEEDBACK_KIND_CSAT ? (svcm_csat_method)i : o->csat_method;
            o->ces_method = kind == SVCM_FEEDBACK_KIND_CES ? (svcm_ces_method)i : o->ces_method;
            o->nps_interval = kind == SVCM_FEEDBACK_KIND_NPS ? (svcm_nps_interval)i
                                                             : o->nps_interval;
            return SVCM_OK;
        }
    if (conv == NULL)
        return SVCM_OK;
    err->field = kind == SVCM_FEEDBACK_KIND_NPS ? "interval" : "method";
    snprintf(err->message, sizeof err->message, "unknown %s '%.40s' (one of %s, %s%s%s)",
             err->field, conv, n[0], n[1], n[2] ? ", " : "", n[2] ? n[2] : "");
    return SVCM_EINVAL;
}
static int svcmb_new(int kind, int high, int low, int top, const char *conv, svcm_feedback **out,
                     svcm_error *err)
{
    svcm_feedback_options o;
    int rc = svcmb_options(&o, kind, high, low, top, conv, err);
    return rc == SVCM_OK ? svcm_feedback_new(&o, NULL, out, err) : rc;
}
/* Load an accumulator of kind (Mismatch for another). */
static int svcmb_load(int kind, const unsigned char *b, size_t n, svcm_feedback **out,
                      svcm_error *err)
{
    svcm_feedback_options o;
    int rc = svcm_feedback_load(b, n, NULL, out, err);
    if (rc != SVCM_OK)
        return rc;
    svcm_feedback_get_options(*out, &o);
    if ((int)o.kind == kind)
        return SVCM_OK;
    svcm_feedback_free(*out);
    *out = NULL;
    snprintf(err->message, sizeof err->message, "bytes hold a %s accumulator, not %s",
             svcm_feedback_kind_name((int)o.kind), svcm_feedback_kind_name(kind));
    return SVCM_EMISMATCH;
}
#define SVCMB_LOAD(K)                                                                       \
    static int svcmb_load_##K(const unsigned char *b, size_t n, const svcm_allocator *a,    \
                              svcm_feedback **out, svcm_error *err)                         \
    {                                                                                       \
        (void)a;                                                                            \
        return svcmb_load(SVCM_FEEDBACK_KIND_##K, b, n, out, err);                          \
    }
SVCMB_LOAD(NPS)
SVCMB_LOAD(CSAT)
SVCMB_LOAD(CES)
/* nps/csat/ces (into *one) and compare_* (b, into *two): the scores
 * counted in temporary accumulators of kind. */
static int svcmb_score(int kind, const double *a, size_t a_n, const double *b, size_t b_n,
                       int high, int low, int top, const char *conv, double confidence,
                       struct svcmb_feedback_view *one, struct svcmb_test_view *two,
                       svcm_error *err)
{
    svcm_feedback *fa = NULL, *fb = NULL;
    int rc = svcmb_new(kind, high, low, top, conv, &fa, err);
    if (rc == SVCM_OK)
        rc = svcm_feedback_add_batch(fa, a, a_n, err);
    if (rc == SVCM_OK && two != NULL)
        rc = svcmb_new(kind, high, low, top, conv, &fb, err);
    if (rc == SVCM_OK && two != NULL)
        rc = svcm_feedback_add_batch(fb, b, b_n, err);
    if (rc == SVCM_OK && one != NULL)
        rc = svcmb_feedback(fa, confidence, one);
    if (rc == SVCM_OK && two != NULL) {
        two->confidence = confidence;
        rc = svcm_feedback_compare(fa, fb, confidence, &two->r);
    }
    svcm_feedback_free(fa);
    svcm_feedback_free(fb);
    return rc;
}
/* For KPIGroups' slot settings in the hand-written files. */
int svcmb_feedback_options(svcm_feedback_options *o, int kind, int high, int low, int top,
                           const char *conv, svcm_error *err);
int svcmb_feedback_options(svcm_feedback_options *o, int kind, int high, int low, int top,
                           const char *conv, svcm_error *err)
{
    return svcmb_options(o, kind, high, low, top, conv, err);
}
""")

FEEDBACK_STUB = '''@property
def counts(self) -> dict[int, int]: ...
@property
def scale(self) -> tuple[int, int]: ...
@property
def top_boxes(self) -> int | None: ...
'''
# Lua shows the kind in lower case ("svcm.nps scale=0..10 n=3").
REPR = """svcm_feedback_options o;
svcm_feedback_get_options(self, &o);
#ifdef SVCM_GEN_LUA_H
snprintf(buf, cap, "svcm.%s scale=%d..%d n=%llu", svcm_feedback_kind_name((int)o.kind),
#else
snprintf(buf, cap, "<svcm.%s scale=%d..%d n=%llu>", "%K%",
#endif
         (int)o.low, (int)o.high, (unsigned long long)svcm_feedback_count(self));"""
CONV = ("'wald' (default) or 'adjusted' (adjusted Wald, Rocks 2016: n + 3, 3/4 more "
        "promoters and detractors)")
for K, doc, args, call in (
        ("NPS", "Mergeable Net Promoter Score accumulator (answers 0-10; promoters 9-10,\n"
         "detractors 0-6). interval: " + CONV + ".", ["*", "interval: str?"],
         "0, 0, 0, has_interval ? interval : NULL"),
        ("CSAT", "Mergeable CSAT accumulator: answers low..scale. method 'top_box' (default):\n"
         "share of all answers in the top_boxes highest levels; 'rated': those over the top\n"
         "and bottom top_boxes levels, the neutral ones left out (Zendesk's good / (good +\n"
         "bad)); 'mean': the mean answer.",
         ["scale: int = 5", "*", "top_boxes: int = 2", "low: int = 1", "method: str?"],
         "scale, low, top_boxes, has_method ? method : NULL"),
        ("CES", "Mergeable customer effort score accumulator: answers low..scale. method\n"
         "'mean' (default): the mean answer; 'top': share of answers 5-7; 'index': %6-7\n"
         "minus %1-3 in points (top and index need the 1-7 scale of CES 2.0).",
         ["scale: int = 7", "*", "low: int = 1", "method: str?"],
         "scale, low, 2, has_method ? method : NULL")):
    klass(K, "svcm_feedback", doc, FEEDBACK_STUB, free="svcm_feedback_free",
          merge="svcm_feedback_merge", save="svcm_feedback_save", load=f"svcmb_load_{K}",
          save_as="to_bytes", load_as="from_bytes",
          mismatch="the accumulators differ in scale or convention",
          repr=REPR.replace("%K%", K))
    constructor(K, args, f"rc = svcmb_new(SVCM_FEEDBACK_KIND_{K}, {call}, &out, &err);")
    method(K, "add", "Count one answer (a number) or many (a buffer such as array('d') or a\n"
           "sequence). All or nothing: a bad score raises InvalidInput naming its index\n"
           "and nothing is counted.", ["scores: f64v"], "none",
           "rc = svcmb_add(self, scores, rows_n, SVCMB_ALL_NUMBERS(bc), &err);")
    method(K, "result", "The score with its interval (CSAT: Wilson; NPS: multinomial "
           "normal; CES: Student t).\nRaises EmptyError when nothing was counted (CES: fewer "
           "than two answers).", [CONF], "FeedbackResult",
           "rc = svcmb_feedback(self, confidence, &out);")
    getter(K, "n", "u64", "number of answers counted", "out = svcm_feedback_count(self);")
    OPTS = "svcm_feedback_options o;\nsvcm_feedback_get_options(self, &o);\n"
    getter(K, "kind", "str", "'nps', 'csat' or 'ces'",
           OPTS + "out = svcm_feedback_kind_name((int)o.kind);")
    getter(K, "convention", "str", "the KPI convention: CSAT and CES method, NPS interval",
           OPTS + "out = svcmb_convention(&o);")

INTERVAL_DOC = ("'wald' (default) or 'adjusted' (adjusted Wald, Rocks 2016: n + 3 and 3/4 "
                "more\npromoters and detractors)")
CSAT_DOC = ("method 'top_box' (default): share of all answers in the top_boxes highest levels,\n"
            "Wilson interval; 'rated': those over the top and bottom top_boxes levels, the\n"
            "neutral ones left out (Zendesk's good / (good + bad)), Wilson interval; 'mean':\n"
            "the mean answer, t interval.")
CES_DOC = ("method 'mean' (default): the mean answer, Student t interval; 'top': share of\n"
           "answers 5-7, Wilson interval; 'index': %6-7 minus %1-3 in points, Wald interval\n"
           "as NPS (top and index need the 1-7 scale of CES 2.0).")
for name, K, doc, args, opts in (
        ("nps", "NPS", "Net Promoter Score of answers 0-10 with its multinomial normal interval:\n"
         + INTERVAL_DOC + ".", [CONF, "*", "interval: str?"],
         "10, 0, 2, has_interval ? interval : NULL"),
        ("csat", "CSAT", "CSAT of answers low..scale. " + CSAT_DOC,
         ["scale: int = 5", "*", "top_boxes: int = 2", "low: int = 1", CONF, "method: str?"],
         "scale, low, top_boxes, has_method ? method : NULL"),
        ("ces", "CES", "CES of answers low..scale. " + CES_DOC,
         ["scale: int = 7", "*", "low: int = 1", CONF, "method: str?"],
         "scale, low, 2, has_method ? method : NULL")):
    function(name, doc + f"\nAn accumulator's score: svcm.{K}.result().", ["scores: f64s"] + args,
             "FeedbackResult", f"rc = svcmb_score(SVCM_FEEDBACK_KIND_{K}, scores, scores_n, NULL, "
             f"0, {opts}, confidence, &out, NULL, &err);")
    cargs = [CONF, "*"] + [x for x in args if x not in (CONF, "*")]
    function(f"compare_{name}", f"{K} of b minus {K} of a (two periods' scores): "
             + {"NPS": "z-test with multinomial\nvariances ('adjusted': of the adjusted-Wald "
                "estimates).", "CSAT": "two-proportion z-test on\nthe shares (top_box, "
                "rated) or Welch's t-test (mean).", "CES": "Welch's t-test (mean),\n"
                "two-proportion z-test (top) or the NPS-style z-test (index)."}[K]
             + f"\nTwo accumulators: a.compare(b).", ["a: f64s", "b: f64s"] + cargs, "Comparison",
             f"rc = svcmb_score(SVCM_FEEDBACK_KIND_{K}, a, a_n, b, b_n, {opts}, confidence, NULL, "
             "&out, &err);")
    method(K, "compare", f"other minus this {K}: the test of svcm.compare_{name}() (the same "
           "scale and\nconvention, else Mismatch).", [f"other: {K}", CONF], "Comparison",
           "out.confidence = confidence;\nrc = svcm_feedback_compare(self, other, confidence, "
           "&out.r);")

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
# svcm.KPIGroups runs on the managed classes' runtime, but its type is
# registered by hand: its constructor reads slot descriptions (kind names
# with settings dicts / tables), which no argument kind says.
helper("""
static void svcmb_kg_free(void *h) { svcm_kpi_groups_free(h); }
static int svcmb_kg_merge(void *d, const void *s)
{
    svcm_error e;
    return svcm_kpi_groups_merge(d, s, &e);
}
static int svcmb_kg_save(const void *h, unsigned char *b, size_t cap, size_t *n)
{
    return svcm_kpi_groups_save(h, b, cap, n);
}
static int svcmb_kg_load(const unsigned char *b, size_t n, void **out, svcm_error *err)
{
    svcm_kpi_groups *g = NULL;
    int rc = svcm_kpi_groups_load(b, n, NULL, &g, err);
    *out = g;
    return rc;
}
static uint64_t svcmb_kg_count(const void *h) { return svcm_kpi_groups_count(h); }
static void svcmb_kg_repr(const void *h, char *buf, size_t cap)
{
#ifdef SVCM_GEN_LUA_H
    snprintf(buf, cap, "svcm.KPIGroups slots=%zu groups=%zu",
#else
    snprintf(buf, cap, "<svcm.KPIGroups slots=%zu groups=%zu>",
#endif
             svcm_kpi_groups_slot_count(h), svcm_kpi_groups_count(h));
}
#define SVCMB_KG_CLASS                                                                      \
    "svcm.KPIGroups", svcmb_kg_free, svcmb_kg_merge, "the slots differ", svcmb_kg_save,     \
        svcmb_kg_load, svcmb_kg_repr, svcmb_kg_count, "to_bytes", "from_bytes"
#ifdef SVCM_GEN_LUA_H
extern svcmlua_class svcmb_kg_class;
svcmlua_class svcmb_kg_class = {SVCMB_KG_CLASS, NULL};
#else
void svcmb_kg_dealloc(PyObject *op);
extern const svcmpy_class svcmb_kg_class;
const svcmpy_class svcmb_kg_class = {SVCMB_KG_CLASS, svcmb_kg_dealloc};
void svcmb_kg_dealloc(PyObject *op) { svcmpy_handle_dealloc(op, &svcmb_kg_class); }
#endif
""")
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
method("KPIGroups", "add_outcome", "Count one trial (True/False or 1/0) of a group in a rate slot.",
       WHERE + ["success: f64v"], "none", where("RATE", """{
    if (rows_n != 1 || (success[0] != 0.0 && success[0] != 1.0)) {
        err.field = "success";
        snprintf(err.message, sizeof err.message, "success must be one outcome, True or False");
        rc = SVCM_EINVAL;
    } else {
        rc = svcm_kpi_groups_add_outcome(self, gi, si, success[0] == 1.0, &err);
    }
}"""), locals=LOC, fast=True)
method("KPIGroups", "quantiles", "Quantiles of a group's durations slot.", WHERE + ["qs: f64s"],
       "f64s", where("DURATIONS", """{
    const svcm_durations *d;
    rc = svcm_kpi_groups_durations(self, gi, si, &d);
    if (rc == SVCM_OK)
        rc = svcm_durations_quantiles(d, qs, qs_n, out, &err);
}"""), locals=LOC)
