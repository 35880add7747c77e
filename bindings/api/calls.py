# The description of the calls engine's binding surface: svcm.Calls (contact
# records -> contact-centre measures), generated whole.
include("svcm/calls.h")

helper("""
static const char *calls_sl_name(int sl)
{
    static const char *const names[3] = {"ignore", "against", "met"};
    return sl >= 0 && sl < 3 ? names[sl] : "?";
}""")
record("CallsOptions", "svcm_calls_options", "The options of a Calls accumulator.", [
    ("target", "f64", "service-level threshold T, seconds", "target_s"),
    ("short_abandon", "f64", "abandons with a shorter wait are short", "short_abandon_s"),
    ("sl_abandoned", "name:calls_sl_name", "'ignore', 'against' or 'met'"),
    ("exclude_short", "bool", "short abandons left out of the service level"),
    ("tolerance", "f64", "disorder taken as equal instants, seconds", "tolerance_s"),
], as_dict=True)

record("CallsResult", "struct svcm_calls_result",
       "Contact-centre measures of the contacts added; NaN where a denominator is 0.", [
           ("offered", "u64", "answered + abandoned"),
           ("answered", "u64", "answered contacts"),
           ("abandoned", "u64", "abandoned contacts (short ones included)"),
           ("abandoned_short", "u64", "abandoned with wait < the short threshold"),
           ("other", "u64", "contacts with another outcome"),
           ("answered_within_target", "u64", "answered with wait <= T"),
           ("abandoned_within_target", "u64", "abandoned with wait <= T"),
           ("service_level", "f64", "by the options' convention, in [0, 1]"),
           ("asa_s", "f64", "mean wait of the answered"),
           ("aht_s", "f64", "mean service time of the answered"),
           ("longest_wait_s", "f64", "longest wait of an offered contact"),
           ("abandon_rate", "f64", "abandoned / offered"),
           ("abandon_rate_excl_short", "f64", "(abandoned - short) / (offered - short)"),
           ("abandon_hazard", "f64", "abandoned / total wait, per second"),
           ("mean_patience_s", "f64", "total wait / abandoned"),
           ("wait_answered_s", "f64", "total wait of the answered, seconds"),
           ("wait_total_s", "f64", "total wait of the offered, seconds"),
           ("handle_s", "f64", "total service time of the answered, seconds"),
       ], as_dict=True)

klass("Calls", "svcm_calls",
      "Call-log accumulator: per-contact records to offered, answered, abandoned,\n"
      "service level (abandons 'ignore'd, counted 'against' or early ones as 'met';\n"
      "short abandons, wait < short_abandon, left out when exclude_short), ASA, AHT,\n"
      "longest wait, abandonment rate and mean patience (total wait / abandoned).\n"
      "Instants out of order by at most tolerance seconds count as equal.\n"
      "Mergeable, saveable and picklable. One thread at a time.",
      "",
      free="svcm_calls_free", merge="svcm_calls_merge", save="svcm_calls_save",
      load="svcm_calls_load",
      mismatch="options differ (target, short_abandon, sl_abandoned, exclude_short, tolerance)",
      repr="""struct svcm_calls_result r;
svcm_calls_result(self, &r);
snprintf(buf, cap, "svcm.Calls(offered=%llu, other=%llu)", (unsigned long long)r.offered,
         (unsigned long long)r.other);""")
constructor("Calls", ["target: f64 = 20.0", "short_abandon: f64 = 5.0",
                      "sl_abandoned: choice(ignore|against|met) = 1", "exclude_short: bool = 1",
                      "tolerance: f64 = 0.0"],
            """svcm_calls_options o;
svcm_calls_options_init(&o);
o.target_s = target;
o.short_abandon_s = short_abandon;
o.sl_abandoned = (svcm_calls_sl)sl_abandoned;
o.exclude_short = exclude_short;
o.tolerance_s = tolerance;
rc = svcm_calls_new(&o, NULL, &out, &err);""")
method("Calls", "result", "The measures of the contacts added so far.", [], "CallsResult",
       "svcm_calls_result(self, &out);")
getter("Calls", "options", "CallsOptions", "target, short_abandon, sl_abandoned, exclude_short, tolerance",
       "svcm_calls_get_options(self, &out);")
TIMES = ["queue_start", "queue_end", "service_start", "service_end"]
method("Calls", "add", "Add one contact (instants in seconds, nan = absent). svcm.InvalidInput\n"
       "names the field of a bad record.",
       ["arrival: f64"] + [f"{t}: f64 = NAN" for t in TIMES] +
       ["outcome: choice(answered|abandoned|other) = 0"], "none",
       "svcm_calls_record r = {arrival, " + ", ".join(TIMES) +
       ", (svcm_calls_outcome)outcome};\nrc = svcm_calls_add(self, &r, &err);", fast=True)
method("Calls", "add_batch", "Add contacts given as columns (absent: all nan) and outcomes as names\n"
       "('answered', 'abandoned', 'other') or codes (0, 1, 2), all or nothing; the\n"
       "error's index is the first bad record. The GIL is released while counting.",
       ["arrival: f64s"] + [f"{t}: f64s?" for t in TIMES] +
       ["*", "outcome: codes(answered|abandoned|other)"], "none",
       """const double *col[4] = {""" + ", ".join(f"has_{t} ? {t} : NULL" for t in TIMES) + """};
const size_t len[4] = {""" + ", ".join(f"{t}_n" for t in TIMES) + """};
static const char *const names[4] = {""" + ", ".join(f'"{t}"' for t in TIMES) + """};
for (int k = 0; rc == SVCM_OK && k < 4; k++)
    if (col[k] != NULL && len[k] != arrival_n) {
        rc = SVCM_EINVAL;
        err.field = names[k];
        snprintf(err.message, sizeof err.message, "%zu values, arrival has %zu", len[k],
                 arrival_n);
    }
svcm_calls_outcome *o = NULL;
if (rc == SVCM_OK && outcome_n != arrival_n) {
    rc = SVCM_EINVAL;
    err.field = "outcome";
    snprintf(err.message, sizeof err.message, "%zu values, arrival has %zu", outcome_n,
             arrival_n);
} else if (rc == SVCM_OK && (o = malloc(arrival_n ? arrival_n * sizeof *o : 1)) == NULL)
    rc = SVCM_ENOMEM;
for (size_t i = 0; rc == SVCM_OK && i < arrival_n; i++) /* others reach the library */
    o[i] = (svcm_calls_outcome)(outcome[i] < -1 || outcome[i] > 3 ? 3 : outcome[i]);
if (rc == SVCM_OK)
    rc = svcm_calls_add_batch(self, arrival, col[0], col[1], col[2], col[3], o, arrival_n, &err);
free(o);""")
