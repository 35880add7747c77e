# The description of the erlang engine's binding surface (Erlang B/C/A, chat,
# staffing, contact-centre interval metrics). Shift scheduling is hand-written
# in bindings/python/py_erlang.c and bindings/lua/lua_erlang.c.
include("svcm/erlang.h")
include("stdlib.h")

record("Staffing", "struct svcm_erlang_result",
       "What N agents achieve on the offered traffic (Erlang C).", [
           ("agents", "u32", "agents on the phones, N"),
           ("staff", "u32", "scheduled staff after shrinkage: ceil(N / (1 - shrinkage))"),
           ("traffic", "f64", "offered load A in Erlangs"),
           ("p_wait", "f64", "Erlang C: probability that a call waits"),
           ("service_level", "f64", "fraction answered within the target time"),
           ("asa", "f64", "average speed of answer over all calls, seconds", "asa_s"),
           ("occupancy", "f64", "A / N, capped at 1"),
       ])
record("ContactMetrics", "svcm_contact_metrics",
       "Contact-centre metrics of an interval; undefined ratios are nan.", [
           ("offered", "f64", "answered + abandoned"),
           ("sl_answered", "f64", "(a) answered within T / answered"),
           ("sl_offered", "f64", "(b) answered within T / (answered + abandoned)"),
           ("sl_excl_short", "f64", "(c) answered within T / (answered + abandoned after T)"),
           ("sl_abandon_positive", "f64",
            "(d) (answered + abandoned within T) / (answered + abandoned)"),
           ("asa", "f64", "wait_time_s / answered, seconds", "asa_s"),
           ("abandon_rate", "f64", "abandoned / offered"),
           ("abandon_rate_excl_short", "f64", "(abandoned - short) / (offered - short)"),
           ("aht", "f64", "(talk + hold + after-call work) / handled, seconds", "aht_s"),
           ("occupancy", "f64", "(talk + hold + after-call work) / staffed time"),
       ])
# Erlang A (M/M/N+M) and its fractional form share their measures.
A_MEASURES = [
    ("traffic", "f64", "offered load A in Erlangs"),
    ("p_wait", "f64", "probability that an arrival has to wait"),
    ("p_abandon", "f64", "probability that an arrival abandons"),
    ("service_level", "f64", "answered within target_s / offered"),
    ("sl_virtual", "f64", "would-be wait <= target_s, over offered calls"),
    ("asa", "f64", "mean wait of the answered calls, seconds", "asa_s"),
    ("wait_all", "f64", "mean wait of all calls, abandoned ones included, seconds",
     "wait_all_s"),
    ("occupancy", "f64", "occupancy of the agents"),
    ("wait_virtual", "f64", "mean would-be wait with unlimited patience, seconds",
     "wait_virtual_s"),
]
record("ErlangA", "struct svcm_erlang_a_result",
       "What N agents achieve when callers abandon (Erlang A).",
       [("agents", "u32", "agents on the phones, N"),
        ("staff", "u32", "scheduled staff after shrinkage")] + A_MEASURES)
record("ErlangAFrac", "struct svcm_erlang_a_frac_result",
       "Erlang A for a real number of agents, interpolated between integers.",
       [("agents", "f64", "agents on the phones, x >= 1 (real)"),
        ("staff", "f64", "scheduled staff, x / (1 - shrinkage) (real)")] + A_MEASURES)
record("ErlangFrac", "struct svcm_erlang_frac_result",
       "Erlang C for a real number of agents (continuous curve).", [
           ("agents", "f64", "agents on the phones, x (real, > traffic)"),
           ("staff", "f64", "scheduled staff, x / (1 - shrinkage) (real)"),
           ("traffic", "f64", "offered load A in Erlangs"),
           ("p_wait", "f64", "Erlang C for x agents"),
           ("service_level", "f64", "1 - C(x, A) exp(-(x - A) t / AHT)"),
           ("asa", "f64", "C(x, A) AHT / (x - A), seconds", "asa_s"),
           ("occupancy", "f64", "A / x"),
       ])
record("ErlangChat", "struct svcm_erlang_chat_result",
       "What N chat agents holding up to k chats each achieve.", [
           ("agents", "u32", "agents N"),
           ("staff", "u32", "scheduled staff after shrinkage"),
           ("arrival_rate", "f64", "chats per second offered"),
           ("sessions", "f64", "mean number of chats in service"),
           ("p_wait", "f64", "probability that a chat finds every session taken"),
           ("p_abandon", "f64", "probability that a chat abandons (0 without patience)"),
           ("service_level", "f64", "answered within T / offered"),
           ("asa", "f64", "mean wait of the answered chats, seconds", "asa_s"),
           ("wait_all", "f64", "mean wait of all chats, seconds", "wait_all_s"),
           ("occupancy", "f64", "sessions / (N k)"),
           ("sl_virtual", "f64", "would-be wait <= T over offered chats"),
           ("wait_virtual", "f64", "mean would-be wait over all chats, seconds",
            "wait_virtual_s"),
       ])

# -------------------------------------------------------------- functions
CALLS = ["calls: f64", "aht_s: f64", "interval_s: f64"]
# Offered load A of the call arguments, then `call` when that succeeded.
def traffic_then(call):
    return ("double a = 0.0;\nrc = svcm_erlang_traffic(calls, aht_s, interval_s, &a, &err);\n"
            "if (rc == SVCM_OK)\n    " + call)

# Erlang C / Erlang A options from the arguments of the same names; an
# argument given as None (or absent) keeps the library default.
def options(kind, given):
    t = "svcm_erlang_options" if kind == "c" else "svcm_erlang_a_options"
    lines = [f"{t} o;", f"{t[:-8]}_options_init(&o);"]
    member = {"target_s": "target_answer_s"}
    for name in given:
        opt = name.endswith("?")
        name = name.rstrip("?")
        set_ = f"o.{member.get(name, name)} = {name};"
        lines.append(f"if (has_{name})\n    {set_}" if opt else set_)
    return "\n".join(lines) + "\n"

function("erlang_b", "Erlang B blocking probability for A Erlangs offered to N servers\n"
         "(stable recursion; exact for any traffic that fits a double).",
         ["traffic_erlangs: f64", "agents: u32"], "f64",
         "rc = svcm_erlang_b(traffic_erlangs, agents, &out, &err);")
function("erlang_c", "Erlang C: probability that a call waits with N agents and A Erlangs\n"
         "(1.0 when N <= A: the queue is unstable).",
         ["traffic_erlangs: f64", "agents: u32"], "f64",
         "rc = svcm_erlang_c(traffic_erlangs, agents, &out, &err);")
function("traffic_erlangs", "Offered load A = calls * aht_s / interval_s, in Erlangs.",
         CALLS, "f64", "rc = svcm_erlang_traffic(calls, aht_s, interval_s, &out, &err);")
function("service_level",
         "Fraction of calls answered within target_s seconds with `agents` agents:\n"
         "1 - C * exp(-(N - A) * target_s / aht_s); 0.0 when N <= A.",
         CALLS + ["agents: u32", "target_s: f64"], "f64",
         traffic_then("rc = svcm_erlang_service_level(a, aht_s, agents, target_s, &out, &err);"))
function("asa", "Average speed of answer in seconds over all calls: C * aht_s / (N - A);\n"
         "inf when N <= A.",
         CALLS + ["agents: u32"], "f64",
         traffic_then("rc = svcm_erlang_asa(a, aht_s, agents, &out, &err);"))
function("agents_needed",
         "The smallest number of agents on the phones that answers target_sl of\n"
         "calls within target_s seconds and, when given, keeps occupancy <=\n"
         "max_occupancy and ASA <= max_asa_s. Raises svcm.OutOfRange when no count\n"
         "up to max_agents (default 1,000,000) does.",
         CALLS + ["target_s: f64 = 20.0", "target_sl: f64 = 0.8", "max_occupancy: f64?",
                  "max_asa_s: f64?", "max_agents: u32?"], "u32",
         options("c", ["target_s", "target_sl", "max_occupancy?", "max_asa_s?", "max_agents?"]) +
         "struct svcm_erlang_result r;\n" +
         traffic_then("rc = svcm_erlang_staff(a, aht_s, &o, &r, &err);") + "\nout = r.agents;")
function("staffing",
         "With agents=None: the least agents meeting the goals (as agents_needed)\n"
         "and what they achieve. With agents=N: what N agents achieve. staff is\n"
         "ceil(agents / (1 - shrinkage)), the scheduled head count.",
         CALLS + ["target_s: f64 = 20.0", "target_sl: f64 = 0.8", "*", "max_occupancy: f64?",
                  "max_asa_s: f64?", "shrinkage: f64 = 0.0", "agents: u32?", "max_agents: u32?"],
         "Staffing",
         options("c", ["target_s", "target_sl", "max_occupancy?", "max_asa_s?", "shrinkage",
                       "max_agents?"]) +
         traffic_then("rc = has_agents ? svcm_erlang_eval(a, aht_s, agents, &o, &out, &err)\n"
                      "               : svcm_erlang_staff(a, aht_s, &o, &out, &err);"))
function("staff_with_shrinkage", "Scheduled staff ceil(agents / (1 - shrinkage)) (float noise "
         "ignored:\n14 agents at 0.3 give 20).",
         ["agents: u32", "shrinkage: f64"], "u32",
         "rc = svcm_erlang_staff_with_shrinkage(agents, shrinkage, &out, &err);")
COUNTS = ["answered", "answered_within_target", "abandoned", "abandoned_within_target",
          "abandoned_short", "wait_time_s", "handled", "talk_time_s", "hold_time_s",
          "acw_time_s", "staffed_time_s"]
for name in ("contact_metrics", "contact_centre"):
    function(name, "Contact-centre metrics of one interval from its counts (keywords, each\n"
             "0 when absent): the four service-level definitions, ASA, abandon rates,\n"
             "AHT and occupancy. Undefined ratios are nan.",
             ["*"] + [f"{c}: f64 = 0.0" for c in COUNTS], "ContactMetrics",
             "svcm_contact_counts c;\n" + "".join(f"c.{n} = {n};\n" for n in COUNTS) +
             "rc = svcm_contact_metrics_compute(&c, &out, &err);")
record("ContactCounts", "svcm_contact_counts",
       "Counts of one interval, each 0 when absent (the keywords of contact_metrics).",
       [(c, "f64", c.replace("_", " ")) for c in COUNTS], as_dict=True)
function("contact_metrics_batch",
         "contact_metrics() for each interval (dicts with the same keys); all or\n"
         "nothing, errors name the interval index and field. The result is an\n"
         "svcm.Table: one float64 column per ContactMetrics field; t[i] and\n"
         "iteration give ContactMetrics records.",
         ["counts: ContactCounts[]"], "ContactMetrics[]",
         "rc = svcm_contact_metrics_batch(counts, counts_n, out, &err);")
function("contact_counts_sum",
         "Field-by-field sum of interval counts (e.g. a day from its half hours);\n"
         "pass the result to contact_metrics(**sum) for the day's metrics.",
         ["counts: ContactCounts[]"], "ContactCounts",
         "rc = svcm_contact_counts_sum(counts, counts_n, &out, &err);")
function("erlang_a",
         "Erlang A (M/M/N+M): what `agents` achieve when callers abandon after an\n"
         "exponential patience with mean patience_s seconds.",
         CALLS + ["agents: u32", "patience_s: f64", "target_s: f64 = 20.0", "*",
                  "shrinkage: f64 = 0.0"], "ErlangA",
         options("a", ["target_s", "shrinkage"]) +
         traffic_then("rc = svcm_erlang_a_eval(a, aht_s, patience_s, agents, &o, &out, &err);"))
function("agents_needed_a",
         "Erlang A staffing: the least agents that answer target_sl of the calls\n"
         "within target_s seconds and, when given, keep P(abandon) <= max_abandon,\n"
         "occupancy <= max_occupancy and the answered calls' ASA <= max_asa_s.\n"
         "Raises svcm.OutOfRange when no count up to max_agents does.",
         CALLS + ["patience_s: f64", "target_sl: f64", "target_s: f64", "max_abandon: f64?", "*",
                  "max_occupancy: f64?", "max_asa_s: f64?", "max_agents: u32?"], "u32",
         options("a", ["target_s", "target_sl", "max_abandon?", "max_occupancy?", "max_asa_s?",
                       "max_agents?"]) +
         "struct svcm_erlang_a_result r;\n" +
         traffic_then("rc = svcm_erlang_a_staff(a, aht_s, patience_s, &o, &r, &err);") +
         "\nout = r.agents;")
function("staffing_a",
         "Erlang A staffing with its result. With staff=S, the reverse calculation:\n"
         "what S scheduled staff achieve, with floor(S * (1 - shrinkage)) agents on\n"
         "the phones (exact for decimals).",
         CALLS + ["patience_s: f64", "target_s: f64 = 20.0", "target_sl: f64 = 0.8", "*",
                  "max_abandon: f64?", "max_occupancy: f64?", "max_asa_s: f64?",
                  "shrinkage: f64 = 0.0", "staff: u32?", "max_agents: u32?"], "ErlangA",
         options("a", ["target_s", "target_sl", "max_abandon?", "max_occupancy?", "max_asa_s?",
                       "shrinkage", "max_agents?"]) +
         traffic_then("rc = has_staff\n"
                      "    ? svcm_erlang_a_eval_staff(a, aht_s, patience_s, staff, &o, &out, &err)\n"
                      "    : svcm_erlang_a_staff(a, aht_s, patience_s, &o, &out, &err);"))
function("eval_staff",
         "Reverse calculation under Erlang C: what `staff` scheduled people\n"
         "achieve, with floor(staff * (1 - shrinkage)) agents on the phones.",
         CALLS + ["staff: u32", "target_s: f64 = 20.0", "*", "shrinkage: f64 = 0.0"], "Staffing",
         options("c", ["target_s", "shrinkage"]) +
         traffic_then("rc = svcm_erlang_eval_staff(a, aht_s, staff, &o, &out, &err);"))
function("agents_from_staff", "Agents on the phones that `staff` scheduled people give:\n"
         "floor(staff * (1 - shrinkage)), exact for decimal shrinkage.",
         ["staff: u32", "shrinkage: f64"], "u32",
         "rc = svcm_erlang_agents_from_staff(staff, shrinkage, &out, &err);")
function("erlang_b_capacity", "The traffic in Erlangs that `trunks` carry at the given blocking\n"
         "probability: the root A of Erlang B(trunks, A) = blocking.",
         ["trunks: u32", "blocking: f64"], "f64",
         "rc = svcm_erlang_b_capacity(trunks, blocking, &out, &err);")
function("erlang_b_trunks", "The least number of trunks whose Erlang B blocking is <= blocking.",
         ["traffic_erlangs: f64", "blocking: f64"], "u32",
         "rc = svcm_erlang_b_trunks(traffic_erlangs, blocking, &out, &err);")
function("erlang_b_frac", "Erlang B for a real number of servers (Jagerman's analytic "
         "continuation\nthrough the incomplete gamma function); integers give erlang_b exactly.",
         ["traffic_erlangs: f64", "agents: f64"], "f64",
         "rc = svcm_erlang_b_frac(traffic_erlangs, agents, &out, &err);")
function("erlang_c_frac", "Erlang C for a real number of agents, from erlang_b_frac; integers "
         "give\nerlang_c exactly.",
         ["traffic_erlangs: f64", "agents: f64"], "f64",
         "rc = svcm_erlang_c_frac(traffic_erlangs, agents, &out, &err);")
function("staffing_frac",
         "Fractional Erlang C staffing: the least real number of agents meeting\n"
         "the goals on the continuous Erlang C curve (erlang_c_frac).",
         CALLS + ["target_s: f64 = 20.0", "target_sl: f64 = 0.8", "*", "max_occupancy: f64?",
                  "max_asa_s: f64?", "shrinkage: f64 = 0.0", "max_agents: u32?"], "ErlangFrac",
         options("c", ["target_s", "target_sl", "max_occupancy?", "max_asa_s?", "shrinkage",
                       "max_agents?"]) +
         traffic_then("rc = svcm_erlang_staff_frac(a, aht_s, &o, &out, &err);"))
function("erlang_a_frac",
         "Erlang A for a real number of agents >= 1: every measure interpolated\n"
         "linearly between floor(agents) and floor(agents) + 1 (an integer gives\n"
         "erlang_a's values).",
         CALLS + ["agents: f64", "patience_s: f64", "target_s: f64 = 20.0", "*",
                  "shrinkage: f64 = 0.0"], "ErlangAFrac",
         options("a", ["target_s", "shrinkage"]) +
         traffic_then("rc = svcm_erlang_a_eval_frac(a, aht_s, patience_s, agents, &o, &out, "
                      "&err);"))
function("staffing_a_frac",
         "Fractional Erlang A staffing: the least real number of agents >= 1 whose\n"
         "interpolated measures (erlang_a_frac) meet the goals.",
         CALLS + ["patience_s: f64", "target_s: f64 = 20.0", "target_sl: f64 = 0.8", "*",
                  "max_abandon: f64?", "max_occupancy: f64?", "max_asa_s: f64?",
                  "shrinkage: f64 = 0.0", "max_agents: u32?"], "ErlangAFrac",
         options("a", ["target_s", "target_sl", "max_abandon?", "max_occupancy?", "max_asa_s?",
                       "shrinkage", "max_agents?"]) +
         traffic_then("rc = svcm_erlang_a_staff_frac(a, aht_s, patience_s, &o, &out, &err);"))
function("staffing_batch",
         "staffing() for every interval of a forecast: calls and aht_s are\n"
         "sequences or buffers of the same length (either may be one number).\n"
         "All or nothing; errors name the interval index. The result is an\n"
         "svcm.Table with columns agents, staff (int64), traffic, p_wait,\n"
         "service_level, asa, occupancy (float64); t[i] and iteration give\n"
         "Staffing records.",
         ["calls: f64v", "aht_s: f64v", "interval_s: f64", "target_s: f64 = 20.0",
          "target_sl: f64 = 0.8", "*", "max_occupancy: f64?", "max_asa_s: f64?",
          "shrinkage: f64 = 0.0", "max_agents: u32?"], "Staffing[]",
         options("c", ["target_s", "target_sl", "max_occupancy?", "max_asa_s?", "shrinkage",
                       "max_agents?"]) + """double *traffic = malloc((rows_n ? rows_n : 1) * sizeof *traffic);
rc = traffic == NULL ? SVCM_ENOMEM : SVCM_OK;
for (size_t i = 0; rc == SVCM_OK && i < rows_n; i++) {
    rc = svcm_erlang_traffic(calls[i], aht_s[i], interval_s, &traffic[i], &err);
    if (rc != SVCM_OK)
        err.index = i;
}
if (rc == SVCM_OK)
    rc = svcm_erlang_staff_batch(traffic, aht_s, rows_n, &o, out, &err);
free(traffic);""")
fast("traffic_erlangs", "staff_with_shrinkage", "agents_from_staff", "contact_metrics",
     "contact_centre")

# Chat staffing: agents with up to k concurrent chats, AHT by concurrency.
helper("""
/* The chat model from the arguments: concurrency (given or not),
 * aht_by_concurrency (NULL: aht at every level; else one AHT per level
 * 1..k, the first equal to aht) and patience (given or not). */
static int chat_model(svcm_erlang_chat_options *o, double aht, int has_k, uint32_t k,
                      const double *levels, size_t nlevels, int has_patience, double patience,
                      svcm_error *err)
{
    svcm_erlang_chat_options_init(o);
    err->field = "aht_by_concurrency";
    if (has_k && (k < 1 || k > SVCM_ERLANG_CHAT_MAX_CONCURRENCY)) {
        err->field = "concurrency";
        snprintf(err->message, sizeof err->message, "concurrency must be in [1, 16]");
        return SVCM_EINVAL;
    }
    if (levels == NULL) {
        k = has_k ? k : 1;
        for (uint32_t j = 0; j < k; j++)
            o->aht_s[j] = aht;
    } else if (nlevels < 1 || nlevels > SVCM_ERLANG_CHAT_MAX_CONCURRENCY) {
        snprintf(err->message, sizeof err->message,
                 "needs 1 to 16 handling times, one per concurrency level");
        return SVCM_EINVAL;
    } else if (has_k && k != nlevels) {
        snprintf(err->message, sizeof err->message, "%zu levels given but concurrency=%u",
                 nlevels, (unsigned)k);
        return SVCM_EINVAL;
    } else if (!(levels[0] == aht)) {
        snprintf(err->message, sizeof err->message,
                 "its first level (%.17g) must equal aht (%.17g), the handling time of a "
                 "chat handled alone", levels[0], aht);
        return SVCM_EINVAL;
    } else {
        k = (uint32_t)nlevels;
        memcpy(o->aht_s, levels, nlevels * sizeof *levels);
    }
    err->field = NULL;
    o->concurrency = k;
    if (has_patience)
        o->patience_s = patience;
    return SVCM_OK;
}
""")
CHAT_MODEL = ["concurrency: u32?", "aht_by_concurrency: f64s?", "patience: f64?"]
MODEL = ("svcm_erlang_chat_options o;\n"
         "rc = chat_model(&o, aht, has_concurrency, concurrency,\n"
         "                has_aht_by_concurrency ? aht_by_concurrency : NULL, "
         "aht_by_concurrency_n,\n"
         "                has_patience, patience, &err);\n"
         "o.target_answer_s = target_s;\n")
function("erlang_chat",
         "Chat staffing model: `agents` agents each hold up to `concurrency` chats\n"
         "(chats spread evenly); a chat whose agent holds j chats takes\n"
         "aht_by_concurrency[j-1] seconds on average (default: aht at every level;\n"
         "the first level must equal aht, and concurrency defaults to its length).\n"
         "With patience (seconds), waiting chats abandon; without, load at or above\n"
         "capacity raises svcm.OutOfRange.",
         ["chats: f64", "aht: f64", "interval: f64", "agents: u32"] + CHAT_MODEL +
         ["target_s: f64 = 20.0", "*", "shrinkage: f64 = 0.0"], "ErlangChat",
         MODEL + "o.shrinkage = shrinkage;\n"
         "if (rc == SVCM_OK)\n"
         "    rc = svcm_erlang_chat_eval(chats, interval, agents, &o, &out, &err);")
function("agents_needed_chat",
         "The least agents for which erlang_chat() (same model arguments) answers\n"
         "target_sl of the chats within target_s seconds and, when given, keeps\n"
         "p_abandon <= max_abandon, occupancy <= max_occupancy and asa <=\n"
         "max_asa_s. Raises svcm.OutOfRange when no count up to max_agents does.",
         ["chats: f64", "aht: f64", "interval: f64", "target_sl: f64 = 0.8",
          "target_s: f64 = 20.0"] + CHAT_MODEL +
         ["*", "max_abandon: f64?", "max_occupancy: f64?", "max_asa_s: f64?",
          "max_agents: u32?"], "u32",
         MODEL + "o.target_sl = target_sl;\n" +
         "".join(f"if (has_{m})\n    o.{m} = {m};\n"
                 for m in ("max_abandon", "max_occupancy", "max_asa_s", "max_agents")) +
         "struct svcm_erlang_chat_result r;\n"
         "if (rc == SVCM_OK)\n"
         "    rc = svcm_erlang_chat_staff(chats, interval, &o, &r, &err);\n"
         "out = r.agents;")
