# The description of the pdca engine's binding surface: its records,
# xmr_limits() and svcm.Cycle, generated whole (a managed class: the
# constructor, save/load, repr and the methods and properties of scalars).
# check() and result (CheckResult nests a list of signals, XmrLimits and a
# tuple), act() and link() (other cycles, kept alive by their neighbours),
# overdue() (a list), the 5W2H problem record, the goal and links (None or
# a tuple), the lists of audit entries, actions and samples and
# western_electric() stay in bindings/python/py_pdca.c and
# bindings/lua/lua_pdca.c, which use the records and the helpers below.
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
record("Problem", "svcm_problem", "The 5W2H problem record.", [
    ("what", "str", "what the problem is ('' when missing)"),
    ("why", "str", "why it matters"),
    ("who", "str", "who is affected"),
    ("when", "str", "when it occurs"),
    ("where", "str", "where it occurs"),
    ("how", "str", "how it shows"),
    ("how_much", "f64?", "how much it costs (None when missing)"),
    ("how_much_unit", "str", "the unit of how_much"),
], as_dict=True)
record("Signal", "svcm_we_signal", "A Western Electric signal.", [
    ("rule", "int", "Western Electric rule 1..4"),
    ("index", "size", "the sample completing the pattern"),
])

helper(r'''
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static struct svcm_cycle_result pdca_info(const svcm_cycle *c)
{
    struct svcm_cycle_result in;
    (void)svcm_cycle_result(c, &in);
    return in;
}

/* The latest instant the cycle knows (its last audit entry or sample, 0
 * without either): the default `now` of check, enter_act and act. */
int64_t svcm_pdcab_latest(const svcm_cycle *c)
{
    struct svcm_cycle_result in = pdca_info(c);
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

/* The saved text in the managed classes' save shape: sized with buf NULL,
 * then written into exactly cap bytes (svcm_cycle_format wants one more
 * for its NUL). */
static int pdca_save(const svcm_cycle *c, unsigned char *buf, size_t cap, size_t *len)
{
    if (buf == NULL)
        return svcm_cycle_format(c, NULL, 0, len);
    char *tmp = malloc(cap + 1);
    size_t n = 0;
    int rc = tmp != NULL ? svcm_cycle_format(c, tmp, cap + 1, &n) : SVCM_ENOMEM;
    if (rc == SVCM_OK)
        memcpy(buf, tmp, n);
    free(tmp);
    return rc;
}

static int pdca_load(const unsigned char *buf, size_t len, const svcm_allocator *alloc,
                     svcm_cycle **out, svcm_error *err)
{
    return svcm_cycle_parse((const char *)buf, len, alloc, out, err);
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
    ("problem", "Optional[_Problem]"), ("problem_missing", "List[str]"),
    ("goal", "Optional[Tuple[float, float, int]]"), ("do_start", "Optional[int]"),
    ("predecessor", "Optional[Tuple[int, str]]"), ("successor", "Optional[Tuple[int, str]]"),
    ("next", 'Optional["Cycle"]'), ("prev", 'Optional["Cycle"]'),
    ("result", "Optional[CheckResult]"), ("audit", "List[AuditEntry]"),
    ("actions", "List[Action]"), ("samples", "List[Sample]"))
klass("Cycle", "svcm_cycle",
      "A Plan-Do-Check-Act improvement cycle on one KPI. Give baseline, target\n"
      "and deadline together to set the SMART goal (or call set_goal later).", '''
def overdue(self, as_of: int) -> List[int]: ...
def check(self, now: Optional[int] = ..., actor: Optional[str] = ..., note: str = ...) -> CheckResult: ...
def act(self, decision: Literal["standardize", "adjust", "abandon"], now: Optional[int] = ...,
        actor: Optional[str] = ..., note: str = ..., *, target: Optional[float] = ...,
        deadline: Optional[int] = ..., reason: Optional[str] = ...) -> Optional["Cycle"]: ...
def link(self, next: "Cycle") -> None: ...
''' + "".join(f"@property\ndef {name}(self) -> {t}: ...\n" for name, t in PROPERTIES),
      free="svcm_cycle_free", save="pdca_save", load="pdca_load", lua_fields=True,
      repr="""struct svcm_cycle_result in = pdca_info(self);
snprintf(buf, cap, "<svcm.Cycle %llu '%s' %s>", (unsigned long long)in.id, in.title, svcm_pdca_phase_name(in.phase));""")
constructor("Cycle", ["title: str", "metric: str", "higher_is_better: bool = true",
                      "baseline: f64?", "target: f64?", "deadline: i64?", "*",
                      "owner: str = \"\"", "unit: str = \"\"", "rate: bool = false",
                      "alpha: f64 = 0.05", "id: count = 1"], """svcm_cycle_options o;
svcm_cycle_options_init(&o);
o.title = title;
o.metric = metric;
o.higher_is_better = higher_is_better;
o.owner = owner;
o.unit = unit;
o.rate = rate;
o.alpha = alpha;
o.id = id;
if ((has_baseline + has_target + has_deadline) % 3)
    rc = pdca_refuse(&err, SVCM_EINVAL, "goal", "give baseline, target and deadline together");
else if ((rc = svcm_cycle_new(&o, NULL, &out, &err)) == SVCM_OK && has_baseline &&
         (rc = svcm_cycle_set_goal(out, baseline, target, deadline, &err)) != SVCM_OK) {
    svcm_cycle_free(out);
    out = NULL;
}""")

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
         "rc = svcm_cycle_enter_act(self, has_now ? now : svcm_pdcab_latest(self),\n"
         "                          has_actor ? actor : pdca_info(self).owner, note, &err);"),
        ("set_problem", "Attach or replace the cycle's 5W2H problem record (PLAN only; items not\n"
         "given are missing, how_much None is a missing amount). The record may be\n"
         "incomplete: check_problem() requires it complete. Bad text, a NaN or an\n"
         "infinite how_much raise InvalidInput naming the item; outside PLAN\n"
         "raises StateError.",
         ["*", "what: str?", "why: str?", "who: str?", "when: str?", "where: str?", "how: str?",
          "how_much: f64?", "how_much_unit: str?"], "none",
         "svcm_problem p = {what, why, who, when, where, how, has_how_much ? how_much : NAN,\n"
         "                  how_much_unit};\n"
         "if (has_how_much && isnan(how_much))\n"
         "    rc = pdca_refuse(&err, SVCM_EINVAL, \"how_much\", \"NaN: leave it out for a missing amount\");\n"
         "else\n"
         "    rc = svcm_cycle_set_problem(self, &p, &err);"),
        ("remove_problem", "Remove the 5W2H problem record (PLAN only).", [], "none",
         "rc = svcm_cycle_set_problem(self, NULL, &err);"),
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

# The scalar view of the cycle: properties in Python, fields in Lua.
for name, kind, doc, expr in (
        ("phase", "str", "'plan', 'do', 'check', 'act' or 'closed'", "svcm_pdca_phase_name(in.phase)"),
        ("outcome", "str", "'none', 'standardized', 'adjusted' or 'abandoned'",
         "svcm_pdca_outcome_name(in.outcome)"),
        ("id", "u64", "the cycle's id", "in.id"), ("title", "str", "title", "in.title"),
        ("owner", "str", "owner", "in.owner"), ("metric", "str", "KPI name", "in.metric"),
        ("unit", "str", "KPI unit", "in.unit"),
        ("higher_is_better", "bool", "KPI direction", "in.higher_is_better"),
        ("rate", "bool", "the KPI is a rate", "in.rate"),
        ("alpha", "f64", "significance level", "in.alpha")):
    getter("Cycle", name, kind, doc,
           f"struct svcm_cycle_result in = pdca_info(self);\nout = {expr};")
