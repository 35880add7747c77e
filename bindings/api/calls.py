# The description of the calls engine's binding surface: svcm.Calls (contact
# records -> contact-centre measures). Its constructor, add(), add_batch()
# (outcomes as names or codes), merge(), save/load and options stay
# hand-written (py_calls.c, lua_calls.c).
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
      "service level, ASA, AHT, longest wait, abandonment rate and mean patience.",
      """def __init__(self, target: float = 20.0, short_abandon: float = 5.0,
             sl_abandoned: Literal["ignore", "against", "met"] = "against",
             exclude_short: bool = True, tolerance: float = 0.0) -> None: ...
def add(self, arrival: float, queue_start: float = ..., queue_end: float = ...,
        service_start: float = ..., service_end: float = ...,
        outcome: _Outcome = "answered") -> None: ...
def add_batch(self, arrival: _CallTimes, queue_start: Optional[_CallTimes] = None,
              queue_end: Optional[_CallTimes] = None,
              service_start: Optional[_CallTimes] = None,
              service_end: Optional[_CallTimes] = None, *,
              outcome: Union[Sequence[_Outcome], memoryview, "array.array[int]"]) -> None: ...
def merge(self, other: Calls, /) -> None: ...
def save(self) -> bytes: ...
@classmethod
def load(cls, b: Union[bytes, bytearray, memoryview], /) -> Calls: ...
def __reduce__(self) -> tuple[object, ...]: ...  # pickle, copy: through the saved form
@property
def options(self) -> dict[str, Union[float, str, bool]]: ...
""")
method("Calls", "result", "The measures of the contacts added so far.", [], "CallsResult",
       "svcm_calls_result(self, &out);")
