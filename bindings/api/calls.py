# The description of the calls engine's binding surface: svcm.Calls (contact
# records -> contact-centre measures). Its add(), add_batch()
# (outcomes as names or codes) and options stay hand-written (py_calls.c,
# lua_calls.c); the type itself, constructor, merge, save and load are generated.
include("svcm/calls.h")

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
      """def add(self, arrival: float, queue_start: float = ..., queue_end: float = ...,
        service_start: float = ..., service_end: float = ...,
        outcome: _Outcome = "answered") -> None: ...
def add_batch(self, arrival: _CallTimes, queue_start: Optional[_CallTimes] = None,
              queue_end: Optional[_CallTimes] = None,
              service_start: Optional[_CallTimes] = None,
              service_end: Optional[_CallTimes] = None, *,
              outcome: Union[Sequence[_Outcome], memoryview, "array.array[int]"]) -> None: ...
@property
def options(self) -> dict[str, Union[float, str, bool]]: ...
""",
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
