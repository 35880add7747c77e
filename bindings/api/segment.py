# The description of the segment engine's binding surface. segment(),
# rfm_scores(), tier_summary(), migration() and the customer table stay
# hand-written (py_segment.c / lua_segment.c): they take Policy objects,
# edges in three forms, Segmentation results standing for their tiers, and
# return svcm.Column fields or arrays, which the description has no kinds for.
include("stdio.h")
include("svcm/segment.h")

helper("""
/* One row of tier_summary(): the tier and its summary. py_segment.c and
 * lua_segment.c declare the same struct to fill it. */
struct seg_tier_row {
    int tier;
    svcm_tier_summary s;
};

/* InvalidInput naming `field` (the message is written in err already). */
static int seg_fail(svcm_error *err, const char *field)
{
    err->code = SVCM_EINVAL;
    err->field = field;
    return SVCM_EINVAL;
}
""")

record("TierSummary", "struct seg_tier_row", "Summary of one tier.", [
    ("tier", "int", "tier number"),
    ("name", "name:svcm_tier_name", "tier name", "tier"),
    ("count", "u64", "customers in the tier", "s.count"),
    ("customer_share", "f64", "count / all customers", "s.customer_share"),
    ("monetary_total", "f64", "sum of monetary", "s.monetary_total"),
    ("monetary_share", "f64", "monetary_total / total (0 when the total is 0)",
     "s.monetary_share"),
    ("mean_recency", "f64", "mean recency (NaN if empty)", "s.mean_recency"),
    ("mean_frequency", "f64", "mean frequency (NaN if empty)", "s.mean_frequency"),
    ("mean_monetary", "f64", "mean monetary (NaN if empty)", "s.mean_monetary"),
    ("mean_r_score", "f64", "mean R score (NaN if empty or not given)", "s.mean_r_score"),
    ("mean_f_score", "f64", "mean F score", "s.mean_f_score"),
    ("mean_m_score", "f64", "mean M score", "s.mean_m_score"),
])

function("check_customers",
         "Raise InvalidInput (index = record, field = column) for the first record\n"
         "that breaks the input rules: NaN or infinite values, negative recency,\n"
         "frequency, monetary or tenure, recency above tenure, p_alive outside\n"
         "[0, 1].",
         ["recency: f64s", "frequency: f64s", "monetary: f64s", "tenure: f64s?",
          "p_alive: f64s?"], "none", """
const double *cols[5] = {recency, frequency, monetary, tenure, p_alive};
size_t lens[5] = {recency_n, frequency_n, monetary_n, tenure_n, p_alive_n};
static const char *const cols_name[5] = {"recency", "frequency", "monetary", "tenure",
                                        "p_alive"};
for (int i = 1; i < 5 && rc == SVCM_OK; i++) {
    if (cols[i] != NULL && lens[i] != recency_n) {
        snprintf(err.message, sizeof err.message, "%s has %zu values but recency has %zu",
                 cols_name[i], lens[i], recency_n);
        rc = seg_fail(&err, cols_name[i]);
    }
}
svcm_customers c = {.n = recency_n, .recency = recency, .frequency = frequency,
                    .monetary = monetary, .tenure = tenure, .p_alive = p_alive};
if (rc == SVCM_OK)
    rc = svcm_customers_check(&c, &err);""")

function("reason_name", "Name of a reason code, e.g. 'vip_m_score'.", ["code: int"], "str", """
if (code >= 0 && code < SVCM_SEGMENT_REASON_COUNT) {
    out = svcm_segment_reason_name(code);
} else {
    snprintf(err.message, sizeof err.message, "reason code %d is not in 0..%d", code,
             SVCM_SEGMENT_REASON_COUNT - 1);
    rc = seg_fail(&err, "code");
}""")
fast("reason_name")

# svcm.CustomersBuilder: its constructor, merge(), finish() and repr stay in
# py_segment.c / lua_segment.c (they take or make other objects), and so do
# its Python properties rows, periods, nbytes and its Lua method result()
# (described getters would be Lua methods, a described result() a new
# Python method).
klass("CustomersBuilder", "svcm_customers_builder",
      "The customer table of a transaction log fed in batches, in any order\n"
      "(svcm_customers_builder_*): memory per customer and purchase slot, not\n"
      "per row; finish() gives the table summarize_customers() gives.",
      '''def __init__(self, end: Optional[int] = None, period: _SegmentUnit = "week", *,
             granularity: int = 86400, offset: int = 0,
             returns: str = "error") -> None: ...  # "error", "net" or "drop"
def merge(self, other: "CustomersBuilder") -> None: ...
def finish(self) -> Customers: ...
@property
def rows(self) -> int: ...
@property
def periods(self) -> int: ...
@property
def nbytes(self) -> int: ...
''')
method("CustomersBuilder", "add",
       "Add a batch of transactions (int ids, Unix-second times, values), all or\n"
       "nothing: a bad row raises InvalidInput with its index in this batch.",
       ["ids: i64s", "times: i64s", "values: f64s"], "none", """
if (times_n == ids_n && values_n == ids_n) {
    rc = svcm_customers_builder_add(self, ids, times, values, ids_n, &err);
} else {
    snprintf(err.message, sizeof err.message,
             "ids, times and values differ in length (%zu, %zu, %zu)", ids_n, times_n, values_n);
    rc = seg_fail(&err, times_n != ids_n ? "times" : "values");
}""")
