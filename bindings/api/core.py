# The description of svcm's binding surface, core part: status codes and
# their exception classes (bindings/gen/svcmgen.py; HACKING.md, "Bindings:
# the description"). Lua gets the codes from svcm/common.h's SVCM_ERRORS.
include("svcm.h")

# status(code, Python class, builtin base or None, doc)
status("EINVAL", "InvalidInput", "ValueError",
       "Bad input: a value out of its domain, NaN, a wrong size (SVCM_EINVAL).")
status("ENOMEM", "OutOfMemory", "MemoryError",
       "The C library could not allocate memory (SVCM_ENOMEM).")
status("ERANGE", "OutOfRange", "ValueError",
       "A result or argument outside its representable range (SVCM_ERANGE).")
status("ESTATE", "StateError", "RuntimeError",
       "The operation is not allowed in the object's current state (SVCM_ESTATE).")
status("EFORMAT", "FormatError", "ValueError", "Malformed saved bytes or text (SVCM_EFORMAT).")
status("EEMPTY", "EmptyError", "ValueError", "No data to compute from (SVCM_EEMPTY).")
status("ENOTFOUND", "NotFound", "LookupError", "No such item (SVCM_ENOTFOUND).")
status("EMISMATCH", "Mismatch", "ValueError", "Objects with incompatible settings (SVCM_EMISMATCH).")
status("ENOCONV", "NoConvergence", "ArithmeticError",
       "An iterative fit did not converge (SVCM_ENOCONV).")
status("ENOSPC", "BufferTooSmall", None, "An output buffer is too small (SVCM_ENOSPC).")
status("EEXIST", "AlreadyExists", "ValueError",
       "An item with that key already exists (SVCM_EEXIST).")
status("EIO", "InputOutputError", "OSError", "Reading or writing failed (SVCM_EIO).")

# ------------------------------------------------------------- statistics
record("TestResult", "struct svcm_test_result",
       "Result of a two-sample comparison (second minus first).", [
           ("diff", "f64", "estimate of second minus first"),
           ("ci", "interval", "(lo, hi) confidence interval of diff"),
           ("statistic", "f64", "t (Welch) or z (two-proportion)"),
           ("df", "f64", "degrees of freedom (inf for z)"),
           ("p_value", "f64", "two-sided p-value"),
           ("p_greater", "f64", "one-sided p-value, H1: second > first"),
           ("p_less", "f64", "one-sided p-value, H1: second < first"),
       ])
function("normal_cdf", "Standard normal CDF Phi(x).", ["x: f64"], "f64",
         "rc = svcm_normal_cdf(x, &out);")
function("normal_quantile", "Standard normal quantile (inverse CDF) for p in (0, 1).",
         ["p: f64"], "f64", "rc = svcm_normal_quantile(p, &out);")
function("t_cdf", "CDF of Student's t with df > 0 degrees of freedom.", ["t: f64", "df: f64"],
         "f64", "rc = svcm_t_cdf(t, df, &out);")
function("t_quantile", "Quantile of Student's t.", ["p: f64", "df: f64"], "f64",
         "rc = svcm_t_quantile(p, df, &out);")
function("welch_t_test", "Welch's unequal-variance t-test from summary statistics (sample\n"
         "variances); diff = mean2 - mean1.",
         ["mean1: f64", "var1: f64", "n1: f64", "mean2: f64", "var2: f64", "n2: f64",
          "confidence: f64 = 0.95"], "TestResult",
         "rc = svcm_welch_t_test(mean1, var1, n1, mean2, var2, n2, confidence, &out);")
function("two_proportion_z_test",
         "Pooled two-proportion z-test; diff = x2/n2 - x1/n1 with a Wald interval.",
         ["x1: count", "n1: count", "x2: count", "n2: count", "confidence: f64 = 0.95"],
         "TestResult", "rc = svcm_two_proportion_z_test(x1, n1, x2, n2, confidence, &out);")
# Constant-time calls keep the GIL in Python.
fast("normal_cdf", "normal_quantile", "t_cdf", "t_quantile", "welch_t_test",
     "two_proportion_z_test")

function("wilson", "Wilson score interval (lo, hi) for a binomial proportion.",
         ["successes: count", "n: count", "confidence: f64 = 0.95"], "interval",
         "rc = svcm_wilson(successes, n, confidence, &out);")
function("tier_name", "Name of a tier 0..4.", ["tier: int"], "str",
         """out = svcm_tier_name(tier);
if (out == NULL) {
    rc = SVCM_EINVAL;
    err.field = "tier";
    snprintf(err.message, sizeof err.message, "tier %d is not in 0..4", tier);
}""")
function("tier_parse", "Tier number of a name ('vip', 'key' or 'important', ...).",
         ["name: str"], "int",
         """svcm_tier t = SVCM_TIER_VIP;
rc = svcm_tier_parse(name, &t);
out = (int)t;
if (rc != SVCM_OK) {
    err.field = "tier";
    snprintf(err.message, sizeof err.message, "unknown tier name '%.60s'", name);
}""")
fast("wilson", "tier_name", "tier_parse")

# svcm.Moments: Welford moments. The C type is a value (svcm_moments); the
# binding keeps one on the heap so that it is a handle like the others.
helper("""
static void moments_free(svcm_moments *m) { free(m); }
static int moments_new(svcm_moments **out)
{
    *out = malloc(sizeof **out);
    if (*out == NULL)
        return SVCM_ENOMEM;
    svcm_moments_init(*out);
    return SVCM_OK;
}
static int moments_load(const unsigned char *buf, size_t len, const svcm_allocator *alloc,
                        svcm_moments **out, svcm_error *err)
{
    (void)alloc;
    svcm_moments m;
    int rc = svcm_moments_load(buf, len, &m, err);
    if (rc == SVCM_OK && (rc = moments_new(out)) == SVCM_OK)
        **out = m;
    return rc;
}
static uint64_t moments_count(const svcm_moments *m) { return m->n; }
""")
klass("Moments", "svcm_moments",
      "Running count, mean, variance, min and max (Welford), mergeable.",
      free="moments_free", merge="svcm_moments_merge", save="svcm_moments_save",
      load="moments_load", count="moments_count", save_as="to_bytes", load_as="from_bytes",
      lua_fields=True,
      repr="""snprintf(buf, cap, "svcm.Moments(n=%llu, mean=%.17g)", (unsigned long long)self->n,
         self->n ? self->mean : NAN);""")
constructor("Moments", ["values: f64s?"],
            """rc = moments_new(&out);
if (rc == SVCM_OK && has_values && (rc = svcm_moments_add_batch(out, values, values_n, &err))) {
    moments_free(out);
    out = NULL;
}""")
method("Moments", "add", "Add a number or an array of numbers (all or nothing).",
       ["values: f64v"], "none", "rc = svcm_moments_add_batch(self, values, rows_n, &err);")
method("Moments", "variance", "Sample variance (n - 1); EmptyError if n < 2.", [], "f64",
       "rc = svcm_moments_variance(self, &out);")
method("Moments", "mean_ci", "Student-t interval (lo, hi) for the mean.",
       ["confidence: f64 = 0.95"], "interval",
       "rc = svcm_moments_mean_ci(self, confidence, &out);")
for name, kind, doc, expr in (("n", "u64", "number of values", "self->n"),
                              ("mean", "f64", "mean (nan when empty)", "self->mean"),
                              ("min", "f64", "minimum (nan when empty)", "self->min"),
                              ("max", "f64", "maximum (nan when empty)", "self->max")):
    getter("Moments", name, kind, doc,
           f"out = {expr};" if name == "n" else f"out = self->n ? {expr} : NAN;")
