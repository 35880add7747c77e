# The description of the segment engine's binding surface. segment(),
# rfm_scores(), tier_summary(), migration() and the customer table stay
# hand-written (py_segment.c / lua_segment.c): they take Policy objects,
# edges in three forms, Segmentation results standing for their tiers, and
# return svcm.Column fields or arrays, which the description has no kinds for.
include("stdio.h")
include("string.h")
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

static const char *const seg_units[SVCM_TIME_UNIT_COUNT] = {"day", "week", "second"};

/* A time unit by name into *u, else InvalidInput naming `field`. */
static int seg_unit(const char *name, const char *field, svcm_time_unit *u, svcm_error *err)
{
    for (int k = 0; k < SVCM_TIME_UNIT_COUNT; k++)
        if (strcmp(name, seg_units[k]) == 0) {
            *u = (svcm_time_unit)k;
            return SVCM_OK;
        }
    snprintf(err->message, sizeof err->message,
             "unknown time unit (expected 'day', 'week' or 'second')");
    return seg_fail(err, field);
}

/* The summary options period, returns, granularity and offset into o. */
static int seg_summary(svcm_summary_options *o, const char *period, const char *returns,
                       int64_t granularity, int64_t offset, svcm_error *err)
{
    static const char *const rules[] = {"error", "net", "drop"};
    static const svcm_summary_returns codes[] = {
        SVCM_SUMMARY_RETURNS_ERROR, SVCM_SUMMARY_RETURNS_NET, SVCM_SUMMARY_RETURNS_DROP};
    svcm_time_unit u = SVCM_TIME_UNIT_WEEK;
    int rc = seg_unit(period, "period", &u, err);
    o->period = svcm_time_unit_seconds((int)u);
    o->granularity = granularity;
    o->offset = offset;
    for (int k = 0; rc == SVCM_OK && k < 3; k++)
        if (strcmp(returns, rules[k]) == 0) {
            o->returns = codes[k];
            return SVCM_OK;
        }
    if (rc == SVCM_OK)
        snprintf(err->message, sizeof err->message,
                 "unknown rule for returns (expected 'error', 'net' or 'drop')");
    return rc == SVCM_OK ? seg_fail(err, "returns") : rc;
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

function("time_unit_seconds", "Seconds in a time unit: 'day' 86400, 'week' 604800, 'second' 1.",
         ["unit: str"], "f64", """
svcm_time_unit u = SVCM_TIME_UNIT_DAY;
rc = seg_unit(unit, "unit", &u, &err);
out = svcm_time_unit_seconds((int)u);""")
fast("time_unit_seconds")

# svcm.CustomersBuilder, generated whole but for finish(), which makes a
# customer table (hand-written in py_segment.c / lua_segment.c).
klass("CustomersBuilder", "svcm_customers_builder",
      "The customer table of a transaction log fed in batches, in any order:\n"
      "add(ids, times, values) as often as needed, then finish() gives the\n"
      "table summarize_customers() gives for all the rows at once (same\n"
      "arguments; end=None: no end). Memory holds one entry per customer and\n"
      "purchase slot (granularity), not per row; rows after `end` and dropped\n"
      "returns take none. Bit-identical to summarize_customers() whenever a\n"
      "slot's values add up the same in any order (rows in time order, at most\n"
      "two per slot, or values that are multiples of a power of two such as\n"
      "0.25); otherwise a merged slot may differ in its last bit.",
      "def finish(self) -> Customers: ...\n",
      free="svcm_customers_builder_free", lua_fields=True,
      repr="""struct svcm_customers_builder_result r;
svcm_customers_builder_result(self, &r);
snprintf(buf, cap, "svcm.CustomersBuilder(rows=%zu, periods=%zu)", r.rows, r.periods);""")
constructor("CustomersBuilder", ["end: i64?", "period: str = \"week\"", "*",
                                 "granularity: i64 = 86400", "offset: i64 = 0",
                                 "returns: str = \"error\""], """
svcm_customers_builder_options o;
svcm_customers_builder_options_init(&o);
if (has_end)
    o.end = end;
rc = seg_summary(&o.summary, period, returns, granularity, offset, &err);
if (rc == SVCM_OK)
    rc = svcm_customers_builder_new(&o, NULL, &out, &err);""")
method("CustomersBuilder", "merge",
       "Add what another builder made with the same arguments holds (other is\n"
       "unchanged), as if its rows had been added after this one's.",
       ["other: CustomersBuilder"], "none",
       "rc = svcm_customers_builder_merge(self, other, &err);")
for name, member, doc in (("rows", "rows", "rows added (merged builders' included)"),
                          ("periods", "periods", "customer-periods held: what memory grows with"),
                          ("nbytes", "bytes", "bytes the builder has allocated")):
    getter("CustomersBuilder", name, "size", doc, f"""struct svcm_customers_builder_result r;
svcm_customers_builder_result(self, &r);
out = r.{member};""")
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
