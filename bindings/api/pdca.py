# The description of the pdca engine's binding surface: its records, the
# functions of arrays and the methods and properties of svcm.Cycle whose
# arguments and results are scalars. The constructor, check() and
# result (CheckResult nests a list of signals, XmrLimits and a tuple),
# act() and link() (other cycles), overdue() (a list), the 5W2H problem
# record and remove_problem() (Python only: in Lua it is set_problem(nil)), saving and loading, the goal and links (None or a tuple) and the
# lists of audit entries, actions and samples stay in
# bindings/python/py_pdca.c and bindings/lua/lua_pdca.c, which use the
# records and the helpers below.
include("svcm/pdca.h")

record("XmrLimits", "svcm_xmr", "Individuals (XmR) chart limits.", [
    ("n", "size", "number of points"),
    ("center", "f64", "centre line (mean)"),
    ("mr_bar", "f64", "mean moving range"),
    ("sigma", "f64", "mr_bar / 1.128"),
    ("ucl", "f64", "upper control limit"),
    ("lcl", "f64", "lower control limit"),
])
record("AuditEntry", "svcm_pdca_audit", "A PDCA audit trail entry.", [
    ("at", "i64", "instant of the transition"),
    ("actor", "str", "who"),
    ("note", "str", "why"),
    ("from_phase", "name:svcm_pdca_phase_name", "phase left", "from"),
    ("to_phase", "name:svcm_pdca_phase_name", "phase entered", "to"),
])
record("Action", "svcm_pdca_action", "A PDCA action.", [
    ("description", "str", "what"),
    ("owner", "str", "who"),
    ("due", "i64", "due instant"),
    ("status", "name:svcm_action_status_name", "'open', 'done' or 'dropped'"),
])
record("Sample", "svcm_pdca_sample", "A PDCA measurement.", [
    ("t", "i64", "instant"),
    ("value", "f64", "KPI value (the proportion when counts are given)"),
    ("baseline", "bool", "taken before DO began"),
    ("successes", "u64", "successes (0 without counts)"),
    ("trials", "u64", "trials (0 without counts)"),
    ("has_counts", "bool", "successes and trials were given"),
])
record("Signal", "svcm_we_signal", "A Western Electric signal.", [
    ("rule", "int", "Western Electric rule 1..4"),
    ("index", "size", "the sample completing the pattern"),
])

helper(r'''
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Action and signal indices are 0-based in Python and 1-based in Lua. */
#ifdef Py_PYTHON_H
#define PDCA_BASE 0
#else
#define PDCA_BASE 1
#endif

/* Shared with py_pdca.c and lua_pdca.c (each module has its own copy). */
int64_t svcm_pdcab_latest(const svcm_cycle *c);
int svcm_pdcab_act(svcm_cycle *c, int which, int64_t now, const char *actor, const char *note,
                   double target, int64_t deadline, svcm_cycle **next, svcm_error *err);

/* The latest instant the cycle knows (its last audit entry or sample, 0
 * without either): the default `now` of check, enter_act and act. */
int64_t svcm_pdcab_latest(const svcm_cycle *c)
{
    struct svcm_cycle_result in;
    (void)svcm_cycle_result(c, &in);
    int64_t t = INT64_MIN;
    svcm_pdca_audit a;
    if (in.n_audit > 0 && svcm_cycle_audit(c, in.n_audit - 1, &a) == SVCM_OK)
        t = a.at;
    for (size_t i = 0; i < in.n_samples; i++) {
        svcm_pdca_sample s;
        if (svcm_cycle_sample(c, i, &s) == SVCM_OK && s.t > t)
            t = s.t;
    }
    return t == INT64_MIN ? 0 : t;
}

static int pdca_refuse(svcm_error *err, int rc, const char *field, const char *message)
{
    err->code = rc;
    err->field = field;
    snprintf(err->message, sizeof err->message, "%s", message);
    return rc;
}

/* The Act decision (0 standardize, 1 adjust, 2 abandon); from CHECK the
 * cycle first enters ACT. The abandon reason, the adjust target and the
 * next id are checked before leaving CHECK, so that a refused decision
 * changes nothing. */
int svcm_pdcab_act(svcm_cycle *c, int which, int64_t now, const char *actor, const char *note,
                   double target, int64_t deadline, svcm_cycle **next, svcm_error *err)
{
    struct svcm_cycle_result in;
    struct svcm_cycle_check_result r;
    (void)svcm_cycle_result(c, &in);
    bool from_check = in.phase == SVCM_PDCA_PHASE_CHECK;
    if (which == 2 && note[0] == '\0')
        return pdca_refuse(err, SVCM_EINVAL, "reason", "abandoning a cycle needs a reason (note)");
    if (which == 1 && from_check && svcm_cycle_check_result(c, &r) == SVCM_OK &&
        !(isfinite(target) && (in.higher_is_better ? target > r.after_mean : target < r.after_mean)))
        return pdca_refuse(err, SVCM_EINVAL, "target",
                           "target must be finite and better than the new baseline");
    if (which == 1 && from_check && in.id == UINT64_MAX)
        return pdca_refuse(err, SVCM_ERANGE, "id", "no id left for the next cycle");
    int rc = from_check ? svcm_cycle_enter_act(c, now, actor, "", err) : SVCM_OK;
    if (rc != SVCM_OK)
        return rc;
    if (which == 0)
        return svcm_cycle_standardize(c, now, actor, note, err);
    if (which == 2)
        return svcm_cycle_abandon(c, now, actor, note, err);
    return svcm_cycle_adjust(c, now, actor, note, target, deadline, next, err);
}
''')

# svcm.western_electric's result holds up to 4 signals per value, more rows
# than a Record[] result has (one per value): it stays hand-written.
function("xmr_limits", "Individuals chart: centre, MRbar, sigma = MRbar / 1.128, UCL, LCL.",
         ["values: f64s"], "XmrLimits", "rc = svcm_xmr_limits(values, values_n, &out, &err);")

# Stubs of the hand-written members of svcm.Cycle: methods, then properties.
PROPERTIES = (
    ("problem", "Optional[dict[str, Union[str, float, None]]]"), ("problem_missing", "List[str]"),
    ("outcome", 'Literal["none", "standardized", "adjusted", "abandoned"]'), ("id", "int"),
    ("title", "str"), ("owner", "str"), ("metric", "str"), ("unit", "str"),
    ("higher_is_better", "bool"), ("rate", "bool"), ("alpha", "float"),
    ("goal", "Optional[Tuple[float, float, int]]"), ("do_start", "Optional[int]"),
    ("predecessor", "Optional[Tuple[int, str]]"), ("successor", "Optional[Tuple[int, str]]"),
    ("next", 'Optional["Cycle"]'), ("prev", 'Optional["Cycle"]'),
    ("result", "Optional[CheckResult]"), ("audit", "List[AuditEntry]"),
    ("actions", "List[Action]"), ("samples", "List[Sample]"))
klass("Cycle", "svcm_cycle",
      "A Plan-Do-Check-Act improvement cycle on one KPI. Give baseline, target\n"
      "and deadline together to set the SMART goal (or call set_goal later).", '''
def __init__(self, title: str, metric: str, higher_is_better: bool = ...,
             baseline: Optional[float] = ..., target: Optional[float] = ...,
             deadline: Optional[int] = ..., *, owner: str = ..., unit: str = ...,
             rate: bool = ..., alpha: float = ..., id: int = ...) -> None: ...
def overdue(self, as_of: int) -> List[int]: ...
def remove_problem(self) -> None: ...
def check(self, now: Optional[int] = ..., actor: Optional[str] = ..., note: str = ...) -> CheckResult: ...
def act(self, decision: Literal["standardize", "adjust", "abandon"], now: Optional[int] = ...,
        actor: Optional[str] = ..., note: str = ..., *, target: Optional[float] = ...,
        deadline: Optional[int] = ..., reason: Optional[str] = ...) -> Optional["Cycle"]: ...
def link(self, next: "Cycle") -> None: ...
def set_problem(self, *, what: Optional[str] = ..., why: Optional[str] = ...,
                who: Optional[str] = ..., when: Optional[str] = ...,
                where: Optional[str] = ..., how: Optional[str] = ...,
                how_much: Optional[float] = ..., how_much_unit: Optional[str] = ...) -> None: ...
def save(self) -> str: ...
@classmethod
def load(cls, text: Union[str, bytes]) -> "Cycle": ...
def __reduce__(self) -> tuple[object, ...]: ...  # pickle, copy: through the saved form
''' + "".join(f"@property\ndef {name}(self) -> {t}: ...\n" for name, t in PROPERTIES))

for name, doc, args, ret, call in (
        ("set_goal", "Set the SMART goal (PLAN only); target must beat baseline.",
         ["baseline: f64", "target: f64", "deadline: i64"], "none",
         "rc = svcm_cycle_set_goal(self, baseline, target, deadline, &err);"),
        ("add_action", "Add an open action; returns its index.",
         ["description: str", "owner: str? = \"\"", "due: i64 = 0"], "i64",
         "size_t idx = 0;\n"
         "rc = svcm_cycle_add_action(self, description, owner, due, &idx, &err);\n"
         "out = (int64_t)idx + PDCA_BASE;"),
        ("set_action_status", "Set an action's status: 'open', 'done' or 'dropped'.",
         ["index: i64", "status: choice(open|done|dropped)"], "none",
         "if (index < PDCA_BASE)\n"
         "    rc = pdca_refuse(&err, SVCM_ENOTFOUND, \"index\", \"no such action\");\n"
         "else\n"
         "    rc = svcm_cycle_set_action_status(self, (size_t)(index - PDCA_BASE),\n"
         "                                      (svcm_action_status)status, &err);\n"
         "if (rc != SVCM_OK && err.index != SVCM_NO_INDEX)\n"
         "    err.index += PDCA_BASE;"),
        ("measure", "Record one KPI sample; with counts (rate KPIs) value is ignored.",
         ["t: i64", "value: f64", "baseline: bool = false", "successes: count?", "trials: count?"],
         "none",
         "svcm_pdca_sample s = {t, value, baseline, has_successes, successes, trials};\n"
         "if (has_successes != has_trials)\n"
         "    rc = pdca_refuse(&err, SVCM_EINVAL, \"counts\", \"give successes and trials together\");\n"
         "else\n"
         "    rc = svcm_cycle_measure(self, &s, 1, &err);"),
        ("measure_many", "Record many samples of one kind at once; all or nothing.",
         ["times: i64s", "values: f64s", "baseline: bool = false"], "none",
         "svcm_pdca_sample *s = times_n != values_n ? NULL : calloc(times_n ? times_n : 1, sizeof *s);\n"
         "if (times_n != values_n)\n"
         "    rc = pdca_refuse(&err, SVCM_EINVAL, \"values\", \"as many times as values needed\");\n"
         "else if (s == NULL)\n"
         "    rc = pdca_refuse(&err, SVCM_ENOMEM, NULL, \"out of memory\");\n"
         "for (size_t i = 0; s != NULL && i < times_n; i++)\n"
         "    s[i] = (svcm_pdca_sample){times[i], values[i], baseline, false, 0, 0};\n"
         "if (s != NULL)\n"
         "    rc = svcm_cycle_measure(self, s, times_n, &err);\n"
         "free(s);"),
        ("start", "PLAN -> DO.", ["now: i64", "actor: str? = \"\"", "note: str? = \"\""], "none",
         "rc = svcm_cycle_start(self, now, actor, note, &err);"),
        ("enter_act", "CHECK -> ACT. now defaults to the latest instant the cycle knows,\n"
         "actor to the cycle's owner.", ["now: i64?", "actor: str?", "note: str = \"\""], "none",
         "struct svcm_cycle_result in;\n"
         "(void)svcm_cycle_result(self, &in);\n"
         "rc = svcm_cycle_enter_act(self, has_now ? now : svcm_pdcab_latest(self),\n"
         "                          has_actor ? actor : in.owner, note, &err);"),
        ("check_problem", "Require a complete 5W2H record: nothing when all seven items are\n"
         "present, else InvalidInput whose field is the first missing item ('what'\n"
         ".. 'how_much') and whose message lists them all (no record: all seven).\n"
         "problem_missing gives the list itself.", [], "none",
         "svcm_problem p;\n"
         "if (svcm_cycle_problem(self, &p) != SVCM_OK) {\n"
         "    memset(&p, 0, sizeof p); /* no record: every item missing */\n"
         "    p.how_much = NAN;\n"
         "}\n"
         "rc = svcm_problem_check(&p, &err);")):
    method("Cycle", name, doc, args, ret, call, fast=True)

# A property in Python, a method in Lua. The other properties of the
# cycle's scalar view are fields of c:info() in Lua, which would gain a
# method each if they were described here.
getter("Cycle", "phase", "str", "'plan', 'do', 'check', 'act' or 'closed'",
       "struct svcm_cycle_result in;\n(void)svcm_cycle_result(self, &in);\n"
       "out = svcm_pdca_phase_name(in.phase);")
