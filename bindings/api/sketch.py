# The description of the sketch engine's binding surface: svcm.Sketch
# (DDSketch quantiles) and svcm.Durations (duration summaries). Their
# constructors, add(), quantiles(), merge(), saving and len() are
# hand-written (py_sketch.c, lua_sketch.c): they take numbers or arrays,
# other objects and bytes.
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

# Stubs of the hand-written members (the aliases are in stubs/sketch.pyi).
def settings(cls):
    return f'''def __init__(self, rel_err: float = 0.01, max_buckets: int = 2048,
             exact_limit: int = 1024, values: Optional[_SketchValues] = None) -> None: ...
def add(self, values: _SketchValues, /) -> None: ...
def quantiles(self, qs: _Doubles, /) -> list[float]: ...
def merge(self, other: {cls}, /) -> None: ...
def to_bytes(self) -> bytes: ...
@classmethod
def from_bytes(cls, b: Union[bytes, bytearray, memoryview], /) -> {cls}: ...
def __reduce__(self) -> tuple[object, ...]: ...  # pickle, copy: through the saved form
def __len__(self) -> int: ...
'''

klass("Sketch", "svcm_sketch",
      "Mergeable quantile sketch (DDSketch) for values >= 0 with a relative-error\n"
      "guarantee; exact for up to exact_limit values.",
      settings("Sketch"))
klass("Durations", "svcm_durations",
      "Summary of durations (first-response, resolution, handle time): count,\n"
      "mean, std, min, max and quantiles; mergeable and saveable.",
      settings("Durations"))

for cls, c in (("Sketch", "svcm_sketch"), ("Durations", "svcm_durations")):
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
