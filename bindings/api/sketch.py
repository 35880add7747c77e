# The description of the sketch engine's binding surface: svcm.Sketch
# (DDSketch quantiles) and svcm.Durations (duration summaries), both
# generated whole.
include("svcm/sketch.h")

record("DurationsSummary", "struct svcm_durations_result",
       "Summary of durations: count, sum, mean, std, min, max, p50, p90, p95, p99.", [
           ("count", "u64", "number of durations"),
           ("sum", "f64", "total"),
           ("mean", "f64", "arithmetic mean"),
           ("std", "f64", "sample standard deviation (n - 1); nan if count < 2"),
           ("min", "f64", "exact minimum"),
           ("max", "f64", "exact maximum"),
           ("p50", "f64", "median (lower nearest rank, within rel_err)"),
           ("p90", "f64", "90th percentile"),
           ("p95", "f64", "95th percentile"),
           ("p99", "f64", "99th percentile"),
       ])

helper("""
/* The message of options svcm_sketch_new / svcm_durations_new refused. */
static void sketch_option_error(svcm_error *err, const svcm_sketch_options *o)
{
    svcm_error_clear(err);
    snprintf(err->message, sizeof err->message,
             "bad options: rel_err %g (allowed %g..%g), max_buckets %zu (%u..%u), "
             "exact_limit %zu (0..%u)",
             o->rel_err, SVCM_SKETCH_MIN_REL_ERR, SVCM_SKETCH_MAX_REL_ERR, o->max_buckets,
             SVCM_SKETCH_MIN_BUCKETS, (unsigned)SVCM_SKETCH_MAX_BUCKETS, o->exact_limit,
             (unsigned)SVCM_SKETCH_MAX_EXACT);
}
""")

# Both types are generated whole (managed classes).
klass("Sketch", "svcm_sketch",
      "Mergeable quantile sketch (DDSketch) for values >= 0 with a relative-error\n"
      "guarantee; exact for up to exact_limit values. One thread at a time: a\n"
      "call made while another thread's add() runs raises svcm.StateError (a RuntimeError).",
      free="svcm_sketch_free", merge="svcm_sketch_merge", save="svcm_sketch_save",
      load="svcm_sketch_load", count="svcm_sketch_count", save_as="to_bytes",
      load_as="from_bytes", mismatch="settings differ (rel_err, max_buckets, exact_limit)",
      repr="""svcm_sketch_options o;
svcm_sketch_get_options(self, &o);
snprintf(buf, cap, "svcm.Sketch(rel_err=%g, max_buckets=%zu, exact_limit=%zu, count=%llu)",
         o.rel_err, o.max_buckets, o.exact_limit, (unsigned long long)svcm_sketch_count(self));""")
klass("Durations", "svcm_durations",
      "Summary of durations (first-response, resolution, handle time): count,\n"
      "mean, std, min, max and quantiles; mergeable and saveable. One thread\n"
      "at a time, as for Sketch.",
      free="svcm_durations_free", merge="svcm_durations_merge", save="svcm_durations_save",
      load="svcm_durations_load", count="svcm_durations_count", save_as="to_bytes",
      load_as="from_bytes", mismatch="settings differ (rel_err, max_buckets, exact_limit)",
      repr="""snprintf(buf, cap, "svcm.Durations(count=%llu)",
         (unsigned long long)svcm_durations_count(self));""")

for cls, c in (("Sketch", "svcm_sketch"), ("Durations", "svcm_durations")):
    constructor(cls, ["rel_err: f64 = 0.01", "max_buckets: size = 2048",
                      "exact_limit: size = 1024", "values: f64s?"],
                f"""svcm_sketch_options o;
svcm_sketch_options_init(&o);
o.rel_err = rel_err;
o.max_buckets = max_buckets;
o.exact_limit = exact_limit;
rc = {c}_new(&o, NULL, &out, NULL);
if (rc)
    sketch_option_error(&err, &o);
else if (has_values && (rc = {c}_add_batch(out, values, values_n, &err)) != SVCM_OK) {{
    {c}_free(out);
    out = NULL;
}}""")
    method(cls, "add", "Add a number, or an array (buffer or sequence) of numbers >= 0;\n"
           "all or nothing. The GIL is released while counting.", ["values: f64v"], "none",
           f"rc = {c}_add_batch(self, values, rows_n, &err);")
    method(cls, "quantiles", "Several quantiles at once.", ["qs: f64s"], "f64s",
           f"rc = {c}_quantiles(self, qs, qs_n, out, &err);")
    method(cls, "quantile", "The q-quantile, q in [0, 1]: the lower nearest rank x[floor(q (n - 1))],\n"
           "exact while exact, else within rel_err.",
           ["q: f64"], "f64", f"rc = {c}_quantiles(self, &q, 1, &out, &err);")
    method(cls, "reset", "Empty it, keeping its settings.", [], "none", f"{c}_reset(self);")
for name in ("summary", "result"):
    method("Durations", name, "count, sum, mean, std, min, max, p50, p90, p95, p99\n"
           "(svcm.EmptyError when empty).", [], "DurationsSummary",
           "rc = svcm_durations_result(self, &out);")
getter("Durations", "count", "u64", "number of durations", "out = svcm_durations_count(self);")

# Sketch properties: its statistics and settings.
STAT = "struct svcm_sketch_result st;\nsvcm_sketch_result(self, &st);\n"
OPT = "svcm_sketch_options o;\nsvcm_sketch_get_options(self, &o);\n"
for name, kind, doc, expr in (
        ("count", "u64", "number of values", STAT + "out = st.count;"),
        ("zero_count", "u64", "number of zeros", STAT + "out = st.zero_count;"),
        ("sum", "f64", "exact (compensated) sum", STAT + "out = st.sum;"),
        ("mean", "f64", "exact mean (nan when empty)", STAT + "out = st.mean;"),
        ("min", "f64", "exact minimum (nan when empty)", STAT + "out = st.min;"),
        ("max", "f64", "exact maximum (nan when empty)", STAT + "out = st.max;"),
        ("buckets", "size", "bucket counters spanned (<= max_buckets)", STAT + "out = st.buckets;"),
        ("exact", "bool", "True while quantiles are exact (count <= exact_limit)",
         STAT + "out = st.exact;"),
        ("collapsed_below", "f64", "0.0, or the bound at or below which quantiles lost the "
         "guarantee", STAT + "out = st.collapsed_below;"),
        ("rel_err", "f64", "relative error setting", OPT + "out = o.rel_err;"),
        ("max_buckets", "size", "bucket limit setting", OPT + "out = o.max_buckets;"),
        ("exact_limit", "size", "exact-mode limit setting", OPT + "out = o.exact_limit;")):
    getter("Sketch", name, kind, doc, expr)
# The same as two records (Lua reads them so; its getters are methods).
record("SketchStats", "struct svcm_sketch_result", "The statistics of a Sketch.", [
    ("count", "u64", "number of values"), ("zero_count", "u64", "number of zeros"),
    ("sum", "f64", "exact sum"), ("mean", "f64", "mean (nan when empty)"),
    ("min", "f64", "minimum (nan when empty)"), ("max", "f64", "maximum (nan when empty)"),
    ("buckets", "size", "bucket counters spanned"), ("exact", "ibool", "quantiles are exact"),
    ("collapsed_below", "f64", "0.0, or the bound of the lost guarantee")], as_dict=True)
record("SketchOptions", "svcm_sketch_options", "The settings of a Sketch.", [
    ("rel_err", "f64", "relative error"), ("max_buckets", "size", "bucket limit"),
    ("exact_limit", "size", "exact-mode limit")], as_dict=True)
method("Sketch", "stats", "count, zero_count, sum, mean, min, max, buckets, exact and\n"
       "collapsed_below as a dict.", [], "SketchStats", "svcm_sketch_result(self, &out);",
       fast=True)
method("Sketch", "options", "rel_err, max_buckets and exact_limit as a dict.", [],
       "SketchOptions", "svcm_sketch_get_options(self, &out);", fast=True)
