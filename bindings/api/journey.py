# The description of the journey engine's binding surface: the funnel-step,
# touchpoint-loss and totals records and Journey.result()
# (bindings/gen/svcmgen.py turns them into Python and Lua and the stubs).
# The Journey type (constructor, events of several id types, merge, lists of
# records), svcm.funnel (columns of events), the JourneyPath rows (a tuple of
# touchpoint names) and the options dict stay hand-written in
# bindings/python/py_journey.c and bindings/lua/lua_journey.c.
include("svcm/journey.h")

record("FunnelStep", "struct svcm_journey_step_result", "One funnel step.", [
    ("touchpoint", "str", "the step's touchpoint name"),
    ("reached", "u64", "customers reaching this step in order within the window"),
    ("continued", "u64", "customers reaching the next step (0 for the last)"),
    ("continue_rate", "f64", "continued / reached (nan for the last step or none reached)"),
    ("drop_rate", "f64", "1 - continue_rate"),
    ("ci", "interval", "Wilson interval (low, high) of drop_rate"),
    ("conversion", "f64", "reached / reached of the first step"),
    ("timed", "u64", "customers timed from the previous step"),
    ("time_mean", "f64", "mean seconds from the previous step (nan if none)", "time_mean_s"),
    ("time_p50", "f64", "median seconds from the previous step", "time_p50_s"),
    ("time_p90", "f64", "90th percentile seconds from the previous step", "time_p90_s"),
    ("time_max", "f64", "longest seconds from the previous step", "time_max_s"),
])
record("TouchpointLoss", "struct svcm_journey_touchpoint_result",
       "One touchpoint: satisfaction and loss.", [
           ("touchpoint", "str", "touchpoint name"),
           ("events", "u64", "events at this touchpoint"),
           ("scored", "u64", "events with a score"),
           ("mean_score", "f64", "mean score (nan if none)"),
           ("last", "u64", "customers whose last touchpoint this is"),
           ("lost_last", "u64", "lost customers whose last touchpoint this is"),
           ("last_share", "f64", "last / customers"),
           ("lost_share", "f64", "lost_last / lost customers (nan if none lost)"),
           ("excess", "f64", "lost_share - last_share"),
           ("lift", "f64", "lost_share / last_share"),
           ("loss_rate", "f64", "lost_last / last"),
           ("loss_ci", "interval", "Wilson interval (low, high) of loss_rate"),
       ])
record("JourneySummary", "struct svcm_journey_result", "Totals of a Journey.", [
    ("events", "u64", "events added"),
    ("customers", "u64", "distinct customers"),
    ("lost_customers", "u64", "customers marked lost"),
    ("touchpoints", "size", "distinct touchpoints"),
    ("steps", "size", "funnel steps"),
    ("entered", "u64", "customers reaching the first step (0 without steps)"),
    ("completed", "u64", "customers reaching the last step (0 without steps)"),
    ("conversion", "f64", "completed / entered (nan if none entered)"),
], as_dict=True)

klass("Journey", "svcm_journey",
      "Customer-journey accumulator: funnel, satisfaction per touchpoint, paths,\n"
      "last touchpoint before loss.",
      """def __init__(
    self,
    steps: Optional[Sequence[str]] = (),
    window: Optional[float] = None,
    path_len: int = 5,
    confidence: float = 0.95,
) -> None: ...
def add(
    self, customer: _CustomerId, touchpoint: str, time: float, score: float = ...,
    lost: bool = False,
) -> None: ...
def add_batch(
    self,
    customer_ids: Sequence[_CustomerId],
    touchpoints: Sequence[str],
    times: _Times,
    scores: Optional[_Times] = None,
    lost: Optional[Sequence[bool]] = None,
) -> None: ...
def merge(self, other: Journey, /) -> None: ...
def steps(self) -> list[FunnelStep]: ...
def touchpoints(self) -> list[TouchpointLoss]: ...
def paths(self, k: int = 10) -> list[JourneyPath]: ...
@property
def options(self) -> dict[str, object]: ...
""")
method("Journey", "result", "events, customers, lost_customers, touchpoints, steps, entered,\n"
       "completed, conversion (completed / entered, nan if none entered).",
       [], "JourneySummary", "rc = svcm_journey_result(self, &out);", fast=True)
