/* Lua surface of the PDCA engine: svcm.Cycle(...), svcm.Cycle.load(text),
 * svcm.western_electric, svcm.xmr_limits. Action and sample indices are
 * 1-based in Lua. XmR limits and actions are the described records of
 * bindings/api/pdca.py (svcmlua_rec_XmrLimits, svcmlua_rec_Action). */
#include "svcmlua.h"
#include "gen_lua.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svcm/pdca.h"

#define CYCLE_MT "svcm.Cycle"

typedef struct {
    svcm_cycle *c; /* NULL once closed */
} lcycle;

static svcm_cycle *check_cycle(lua_State *L, int idx)
{
    lcycle *u = luaL_checkudata(L, idx, CYCLE_MT);
    if (u->c == NULL)
        luaL_argerror(L, idx, "cycle is closed");
    return u->c;
}

/* Push a new userdata owning c; uservalue 1 holds the successor's
 * userdata and uservalue 2 the predecessor's (Lua's GC handles the cycle). */
static void push_cycle(lua_State *L, svcm_cycle *c)
{
    lcycle *u = lua_newuserdatauv(L, sizeof *u, 2);
    u->c = c;
    luaL_setmetatable(L, CYCLE_MT);
}

/* svcm.Cycle(title, metric [, higher_is_better, baseline, target, deadline [, opts]])
 * opts: owner, unit, rate, alpha, id. */
static int l_cycle_new(lua_State *L)
{
    const char *title = luaL_checkstring(L, 1);
    const char *metric = luaL_checkstring(L, 2);
    int higher = lua_isnoneornil(L, 3) ? 1 : (luaL_checktype(L, 3, LUA_TBOOLEAN), lua_toboolean(L, 3));
    int given = !lua_isnoneornil(L, 4) + !lua_isnoneornil(L, 5) + !lua_isnoneornil(L, 6);
    if (given != 0 && given != 3)
        return luaL_error(L, "Cycle: give baseline, target and deadline together");
    double b = given ? luaL_checknumber(L, 4) : 0.0;
    double t = given ? luaL_checknumber(L, 5) : 0.0;
    lua_Integer d = given ? luaL_checkinteger(L, 6) : 0;
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.title = title;
    o.metric = metric;
    o.higher_is_better = higher != 0;
    o.owner = svcmlua_optfield_string(L, 7, "owner", "");
    o.unit = svcmlua_optfield_string(L, 7, "unit", "");
    o.rate = svcmlua_optfield_boolean(L, 7, "rate", 0) != 0;
    o.alpha = svcmlua_optfield_number(L, 7, "alpha", 0.05);
    lua_Integer id = svcmlua_optfield_integer(L, 7, "id", 1);
    if (id < 0)
        return svcmlua_fail_field(L, SVCM_EINVAL, "id", "id must be >= 0");
    o.id = (uint64_t)id;
    svcm_cycle *c = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_new(&o, NULL, &c, &err);
    if (rc == SVCM_OK && given) {
        rc = svcm_cycle_set_goal(c, b, t, (int64_t)d, &err);
        if (rc != SVCM_OK)
            svcm_cycle_free(c);
    }
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_cycle(L, c);
    return 1;
}

static int l_cycle_load(lua_State *L)
{
    size_t n = 0;
    const char *text = luaL_checklstring(L, 1, &n);
    svcm_cycle *c = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_parse(text, n, NULL, &c, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err); /* the detail table has the line */
    push_cycle(L, c);
    return 1;
}

static int l_tostring(lua_State *L)
{
    lcycle *u = luaL_checkudata(L, 1, CYCLE_MT);
    if (u->c == NULL) {
        lua_pushliteral(L, "svcm.Cycle (closed)");
        return 1;
    }
    struct svcm_cycle_result in;
    (void)svcm_cycle_result(u->c, &in);
    char id[24];
    snprintf(id, sizeof id, "%" PRIu64, in.id);
    lua_pushfstring(L, "svcm.Cycle %s %s %s", id, in.title, svcm_pdca_phase_name(in.phase));
    return 1;
}

static int l_gc(lua_State *L)
{
    lcycle *u = luaL_checkudata(L, 1, CYCLE_MT);
    svcm_cycle_free(u->c);
    u->c = NULL;
    return 0;
}

static int ok_or_fail(lua_State *L, int rc, const svcm_error *err)
{
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, err);
    lua_pushboolean(L, 1);
    return 1;
}

static struct svcm_cycle_result info_of(svcm_cycle *c)
{
    struct svcm_cycle_result in;
    (void)svcm_cycle_result(c, &in);
    return in;
}

/* The latest instant the cycle knows: last audit entry or sample. */
static int64_t latest(svcm_cycle *c)
{
    struct svcm_cycle_result in = info_of(c);
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

/* (now, actor, note) at arg, arg+1, arg+2 with defaults. */
static void when_who(lua_State *L, svcm_cycle *c, int arg, int64_t *now, const char **actor,
                     const char **note)
{
    *now = lua_isnoneornil(L, arg) ? latest(c) : (int64_t)luaL_checkinteger(L, arg);
    *actor = luaL_optstring(L, arg + 1, info_of(c).owner);
    *note = luaL_optstring(L, arg + 2, "");
}

static int l_set_goal(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    double b = luaL_checknumber(L, 2), t = luaL_checknumber(L, 3);
    lua_Integer d = luaL_checkinteger(L, 4);
    svcm_error err;
    svcm_error_clear(&err);
    return ok_or_fail(L, svcm_cycle_set_goal(c, b, t, (int64_t)d, &err), &err);
}

static int l_add_action(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    const char *desc = luaL_checkstring(L, 2);
    const char *owner = luaL_optstring(L, 3, "");
    lua_Integer due = luaL_optinteger(L, 4, 0);
    size_t idx = 0;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_add_action(c, desc, owner, (int64_t)due, &idx, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushinteger(L, (lua_Integer)idx + 1);
    return 1;
}

static int l_set_action_status(lua_State *L)
{
    static const char *const names[] = {"open", "done", "dropped", NULL};
    svcm_cycle *c = check_cycle(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2);
    int st = luaL_checkoption(L, 3, NULL, names);
    if (i < 1)
        return svcmlua_fail_field(L, SVCM_ENOTFOUND, NULL, "action indices start at 1");
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_set_action_status(c, (size_t)(i - 1), (svcm_action_status)st, &err);
    if (rc != SVCM_OK && err.index != SVCM_NO_INDEX)
        err.index++; /* report the Lua index */
    return ok_or_fail(L, rc, &err);
}

static int l_overdue(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    int64_t as_of = (int64_t)luaL_checkinteger(L, 2);
    size_t n = 0;
    (void)svcm_cycle_overdue(c, as_of, NULL, 0, &n);
    size_t *idx = lua_newuserdatauv(L, (n > 0 ? n : 1) * sizeof *idx, 0);
    (void)svcm_cycle_overdue(c, as_of, idx, n, &n);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, (lua_Integer)idx[i] + 1);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* c:measure(t, value [, baseline [, successes, trials]]) */
static int l_measure(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    svcm_pdca_sample s = {0};
    s.t = (int64_t)luaL_checkinteger(L, 2);
    s.value = luaL_checknumber(L, 3);
    s.baseline = lua_toboolean(L, 4) != 0;
    if (!lua_isnoneornil(L, 5) || !lua_isnoneornil(L, 6)) {
        lua_Integer a = luaL_checkinteger(L, 5), b = luaL_checkinteger(L, 6);
        if (a < 0 || b < 0)
            return svcmlua_fail_field(L, SVCM_EINVAL, "counts", "counts must be >= 0");
        s.has_counts = true;
        s.successes = (uint64_t)a;
        s.trials = (uint64_t)b;
    }
    svcm_error err;
    svcm_error_clear(&err);
    return ok_or_fail(L, svcm_cycle_measure(c, &s, 1, &err), &err);
}

/* c:measure_many(times, values [, baseline]) */
static int l_measure_many(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    /* Read before the array helpers push their buffers (an absent argument
     * 4 would otherwise be the first buffer, which is true). */
    bool baseline = lua_toboolean(L, 4) != 0;
    size_t nt = 0, nv = 0;
    const int64_t *ts = svcmlua_checkint64s(L, 2, &nt);
    const double *vs = svcmlua_checkdoubles(L, 3, &nv);
    if (nt != nv)
        return luaL_error(L, "measure_many: %d times but %d values", (int)nt, (int)nv);
    svcm_pdca_sample *s = lua_newuserdatauv(L, (nt > 0 ? nt : 1) * sizeof *s, 0);
    for (size_t i = 0; i < nt; i++)
        s[i] = (svcm_pdca_sample){ts[i], vs[i], baseline, false, 0, 0};
    svcm_error err;
    svcm_error_clear(&err);
    return ok_or_fail(L, svcm_cycle_measure(c, s, nt, &err), &err);
}

static int l_start(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    int64_t now = (int64_t)luaL_checkinteger(L, 2);
    const char *actor = luaL_optstring(L, 3, "");
    const char *note = luaL_optstring(L, 4, "");
    svcm_error err;
    svcm_error_clear(&err);
    return ok_or_fail(L, svcm_cycle_start(c, now, actor, note, &err), &err);
}

/* {{rule, index}, ...} with 1-based indices. */
static void push_signals(lua_State *L, const svcm_we_signal *s, size_t n)
{
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 2, 0);
        lua_pushinteger(L, s[i].rule);
        lua_rawseti(L, -2, 1);
        lua_pushinteger(L, (lua_Integer)s[i].index + 1);
        lua_rawseti(L, -2, 2);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static void push_check(lua_State *L, const struct svcm_cycle_check_result *r)
{
    lua_createtable(L, 0, 18);
    svcmlua_setstring(L, "verdict", svcm_pdca_verdict_name(r->verdict));
    svcmlua_setnumber(L, "p_value", r->p_value);
    svcmlua_setnumber(L, "change", r->change);
    svcmlua_setnumber(L, "relative_change", r->relative_change);
    svcmlua_setboolean(L, "target_met", r->target_met);
    svcmlua_setboolean(L, "significant", r->significant);
    push_signals(L, r->signals, r->n_signals);
    lua_setfield(L, -2, "signals");
    svcmlua_setnumber(L, "baseline_mean", r->baseline_mean);
    svcmlua_setnumber(L, "after_mean", r->after_mean);
    svcmlua_setinteger(L, "n_baseline", (lua_Integer)r->n_baseline);
    svcmlua_setinteger(L, "n_after", (lua_Integer)r->n_after);
    svcmlua_setstring(L, "test", r->test == SVCM_PDCA_TEST_PROPORTIONS ? "proportions" : "welch");
    svcmlua_setnumber(L, "statistic", r->result.statistic);
    svcmlua_setnumber(L, "df", r->result.df);
    svcmlua_pushinterval(L, r->result.ci);
    lua_setfield(L, -2, "ci");
    svcmlua_setnumber(L, "alpha", r->alpha);
    svcmlua_rec_XmrLimits(L, &r->limits);
    lua_setfield(L, -2, "limits");
    lua_createtable(L, SVCM_WE_RULES, 0);
    for (int i = 0; i < SVCM_WE_RULES; i++) {
        lua_pushinteger(L, (lua_Integer)r->rule_count[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "rule_counts");
}

static int l_check(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    int64_t now;
    const char *actor, *note;
    when_who(L, c, 2, &now, &actor, &note);
    struct svcm_cycle_check_result r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_cycle_check(c, now, actor, note, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_check(L, &r);
    return 1;
}

static int l_result(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    struct svcm_cycle_check_result r;
    if (svcm_cycle_check_result(c, &r) != SVCM_OK)
        lua_pushnil(L);
    else
        push_check(L, &r);
    return 1;
}

static int l_enter_act(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    int64_t now;
    const char *actor, *note;
    when_who(L, c, 2, &now, &actor, &note);
    svcm_error err;
    svcm_error_clear(&err);
    return ok_or_fail(L, svcm_cycle_enter_act(c, now, actor, note, &err), &err);
}

/* c:act(decision [, now, actor, note, {target=, deadline=}]): from CHECK the
 * cycle first enters ACT. "adjust" returns the next cycle, others true. */
static int l_act(lua_State *L)
{
    static const char *const names[] = {"standardize", "adjust", "abandon", NULL};
    int which = luaL_checkoption(L, 2, NULL, names);
    double target = 0;
    lua_Integer deadline = 0;
    /* Read the options before fetching the cycle: lua_getfield may run an
     * __index metamethod, which could close the cycle. */
    if (which == 1) {
        luaL_checktype(L, 6, LUA_TTABLE);
        if (lua_getfield(L, 6, "target") != LUA_TNUMBER ||
            lua_getfield(L, 6, "deadline") != LUA_TNUMBER)
            return luaL_error(L, "act('adjust') needs {target = number, deadline = integer}");
        target = lua_tonumber(L, -2);
        int isint = 0;
        deadline = lua_tointegerx(L, -1, &isint);
        if (!isint)
            return luaL_error(L, "act('adjust'): deadline must be an integer");
        lua_pop(L, 2);
    }
    svcm_cycle *c = check_cycle(L, 1);
    int64_t now;
    const char *actor, *note;
    when_who(L, c, 3, &now, &actor, &note);
    struct svcm_cycle_result in = info_of(c);
    if (which == 2 && note[0] == '\0')
        return svcmlua_fail_field(L, SVCM_EINVAL, "reason", "abandoning a cycle needs a reason (note)");
    struct svcm_cycle_check_result r;
    /* Validate the adjust target and id before leaving CHECK so that a
     * refused decision changes nothing. */
    if (which == 1 && in.phase == SVCM_PDCA_PHASE_CHECK && svcm_cycle_check_result(c, &r) == SVCM_OK &&
        !(isfinite(target) && (in.higher_is_better ? target > r.after_mean : target < r.after_mean)))
        return svcmlua_fail_field(L, SVCM_EINVAL, "target",
                        "target must be finite and better than the new baseline");
    if (which == 1 && in.phase == SVCM_PDCA_PHASE_CHECK && in.id == UINT64_MAX)
        return svcmlua_fail_field(L, SVCM_ERANGE, "id", "no id left for the next cycle");
    svcm_error err;
    svcm_error_clear(&err);
    int rc = SVCM_OK;
    if (in.phase == SVCM_PDCA_PHASE_CHECK)
        rc = svcm_cycle_enter_act(c, now, actor, "", &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    svcm_cycle *next = NULL;
    if (which == 0)
        rc = svcm_cycle_standardize(c, now, actor, note, &err);
    else if (which == 2)
        rc = svcm_cycle_abandon(c, now, actor, note, &err);
    else
        rc = svcm_cycle_adjust(c, now, actor, note, target, (int64_t)deadline, &next, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    if (next == NULL) {
        lua_pushboolean(L, 1);
        return 1;
    }
    push_cycle(L, next);
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, 1, 1); /* the predecessor keeps its successor alive */
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 2);
    return 1;
}

static int l_link(lua_State *L)
{
    svcm_cycle *a = check_cycle(L, 1);
    svcm_cycle *b = check_cycle(L, 2);
    int rc = svcm_cycle_link(a, b);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    lua_pushvalue(L, 2);
    lua_setiuservalue(L, 1, 1);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, 2, 2);
    lua_pushboolean(L, 1);
    return 1;
}

/* The neighbour in uservalue slot, only while still linked in C (either
 * may have been closed). */
static int neighbour(lua_State *L, int slot)
{
    svcm_cycle *c = check_cycle(L, 1);
    lua_getiuservalue(L, 1, slot);
    if (!lua_isnil(L, -1)) {
        lcycle *u = luaL_testudata(L, -1, CYCLE_MT);
        svcm_cycle *linked = slot == 1 ? svcm_cycle_next(c) : svcm_cycle_prev(c);
        if (u == NULL || u->c == NULL || linked != u->c) {
            lua_pop(L, 1);
            lua_pushnil(L);
        }
    }
    return 1;
}

static int l_next(lua_State *L) { return neighbour(L, 1); }

static int l_prev(lua_State *L) { return neighbour(L, 2); }

static int l_save(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    size_t len = 0;
    (void)svcm_cycle_format(c, NULL, 0, &len);
    luaL_Buffer b;
    char *p = luaL_buffinitsize(L, &b, len + 1);
    int rc = svcm_cycle_format(c, p, len + 1, &len);
    if (rc != SVCM_OK)
        return svcmlua_raise(L, rc, NULL);
    luaL_pushresultsize(&b, len);
    return 1;
}

static int l_phase(lua_State *L)
{
    lua_pushstring(L, svcm_pdca_phase_name(info_of(check_cycle(L, 1)).phase));
    return 1;
}

static int l_info(lua_State *L)
{
    struct svcm_cycle_result in = info_of(check_cycle(L, 1));
    lua_createtable(L, 0, 20);
    svcmlua_setcount(L, "id", in.id);
    svcmlua_setstring(L, "title", in.title);
    svcmlua_setstring(L, "owner", in.owner);
    svcmlua_setstring(L, "metric", in.metric);
    svcmlua_setstring(L, "unit", in.unit);
    svcmlua_setboolean(L, "higher_is_better", in.higher_is_better);
    svcmlua_setboolean(L, "rate", in.rate);
    svcmlua_setnumber(L, "alpha", in.alpha);
    if (in.has_goal) {
        svcmlua_setnumber(L, "baseline", in.baseline);
        svcmlua_setnumber(L, "target", in.target);
        svcmlua_setinteger(L, "deadline", (lua_Integer)in.deadline);
    }
    svcmlua_setstring(L, "phase", svcm_pdca_phase_name(in.phase));
    svcmlua_setstring(L, "outcome", svcm_pdca_outcome_name(in.outcome));
    if (in.has_do_start)
        svcmlua_setinteger(L, "do_start", (lua_Integer)in.do_start);
    if (in.has_prev) {
        svcmlua_setcount(L, "prev_id", in.prev_id);
        svcmlua_setstring(L, "prev_title", in.prev_title);
    }
    if (in.has_next) {
        svcmlua_setcount(L, "next_id", in.next_id);
        svcmlua_setstring(L, "next_title", in.next_title);
    }
    return 1;
}

static int l_audit(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    struct svcm_cycle_result in = info_of(c);
    lua_createtable(L, (int)in.n_audit, 0);
    for (size_t i = 0; i < in.n_audit; i++) {
        svcm_pdca_audit a;
        (void)svcm_cycle_audit(c, i, &a);
        lua_createtable(L, 0, 5);
        svcmlua_setinteger(L, "at", (lua_Integer)a.at);
        svcmlua_setstring(L, "actor", a.actor);
        svcmlua_setstring(L, "note", a.note);
        svcmlua_setstring(L, "from", svcm_pdca_phase_name(a.from));
        svcmlua_setstring(L, "to", svcm_pdca_phase_name(a.to));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int l_actions(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    struct svcm_cycle_result in = info_of(c);
    lua_createtable(L, (int)in.n_actions, 0);
    for (size_t i = 0; i < in.n_actions; i++) {
        svcm_pdca_action a;
        (void)svcm_cycle_action(c, i, &a);
        svcmlua_rec_Action(L, &a);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int l_samples(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    struct svcm_cycle_result in = info_of(c);
    lua_createtable(L, (int)in.n_samples, 0);
    for (size_t i = 0; i < in.n_samples; i++) {
        svcm_pdca_sample s;
        (void)svcm_cycle_sample(c, i, &s);
        lua_createtable(L, 0, 5);
        svcmlua_setinteger(L, "t", (lua_Integer)s.t);
        svcmlua_setnumber(L, "value", s.value);
        svcmlua_setboolean(L, "baseline", s.baseline);
        if (s.has_counts) {
            svcmlua_setcount(L, "successes", s.successes);
            svcmlua_setcount(L, "trials", s.trials);
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* svcm.western_electric(values, mean, sigma) -> {{rule, index}, ...} */
static int l_western_electric(lua_State *L)
{
    double mean = luaL_checknumber(L, 2), sigma = luaL_checknumber(L, 3);
    size_t n = 0;
    const double *x = svcmlua_checkdoubles(L, 1, &n);
    size_t cap = n * SVCM_WE_RULES;
    svcm_we_signal *out = lua_newuserdatauv(L, (cap > 0 ? cap : 1) * sizeof *out, 0);
    size_t count = 0;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_western_electric(x, n, mean, sigma, out, cap, &count, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_signals(L, out, count);
    return 1;
}

static int l_xmr_limits(lua_State *L)
{
    size_t n = 0;
    const double *x = svcmlua_checkdoubles(L, 1, &n);
    svcm_xmr r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_xmr_limits(x, n, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    svcmlua_rec_XmrLimits(L, &r);
    return 1;
}

/* ------------------------------------------------- 5W2H problem record */

/* Field k of the table at idx as a string without NUL bytes, or NULL when
 * absent; misuse (a non-string, a NUL byte) raises. */
static const char *problem_text(lua_State *L, int idx, const char *k)
{
    lua_getfield(L, idx, k);
    const char *s = NULL;
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "problem.%s: string expected, got %s", k, luaL_typename(L, -1));
        size_t n;
        s = lua_tolstring(L, -1, &n);
        if (strlen(s) != n)
            luaL_error(L, "problem.%s: NUL byte in the text", k);
    }
    lua_pop(L, 1); /* s stays valid: the table still holds the string */
    return s;
}

/* c:set_problem(t) with t = {what=, why=, who=, when=, where=, how=,
 * how_much=, how_much_unit=} (any may be nil: missing), or nil to remove
 * the record. true, or nil, message, code, detail. */
static int l_set_problem(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    svcm_error err;
    svcm_error_clear(&err);
    if (lua_isnoneornil(L, 2))
        return ok_or_fail(L, svcm_cycle_set_problem(c, NULL, &err), &err);
    luaL_checktype(L, 2, LUA_TTABLE);
    svcm_problem p;
    p.what = problem_text(L, 2, "what");
    p.why = problem_text(L, 2, "why");
    p.who = problem_text(L, 2, "who");
    p.when = problem_text(L, 2, "when");
    p.where = problem_text(L, 2, "where");
    p.how = problem_text(L, 2, "how");
    p.how_much_unit = problem_text(L, 2, "how_much_unit");
    p.how_much = NAN;
    lua_getfield(L, 2, "how_much");
    if (!lua_isnil(L, -1)) {
        int ok = 0;
        p.how_much = (double)lua_tonumberx(L, -1, &ok);
        if (!ok || lua_type(L, -1) != LUA_TNUMBER)
            luaL_error(L, "problem.how_much: number expected, got %s", luaL_typename(L, -1));
        if (p.how_much != p.how_much)
            luaL_error(L, "problem.how_much: NaN; leave it nil for a missing amount");
    }
    lua_pop(L, 1);
    return ok_or_fail(L, svcm_cycle_set_problem(c, &p, &err), &err);
}

/* c:problem() -> the record as a table (how_much nil when missing), or nil */
static int l_problem(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    svcm_problem p;
    if (svcm_cycle_problem(c, &p) != SVCM_OK) {
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, 0, 8);
    svcmlua_setstring(L, "what", p.what);
    svcmlua_setstring(L, "why", p.why);
    svcmlua_setstring(L, "who", p.who);
    svcmlua_setstring(L, "when", p.when);
    svcmlua_setstring(L, "where", p.where);
    svcmlua_setstring(L, "how", p.how);
    if (p.how_much == p.how_much)
        svcmlua_setnumber(L, "how_much", p.how_much);
    svcmlua_setstring(L, "how_much_unit", p.how_much_unit);
    return 1;
}

/* The cycle's record, or an empty one (every item missing). */
static void problem_or_empty(svcm_cycle *c, svcm_problem *p)
{
    if (svcm_cycle_problem(c, p) != SVCM_OK) {
        memset(p, 0, sizeof *p);
        p->how_much = NAN;
    }
}

/* c:problem_missing() -> list of the missing items' names, 5W2H order */
static int l_problem_missing(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    svcm_problem p;
    problem_or_empty(c, &p);
    unsigned m = svcm_problem_missing(&p);
    lua_newtable(L);
    lua_Integer n = 0;
    for (int i = 0; i < SVCM_PROBLEM_ITEM_COUNT; i++) {
        if (m & (1u << i)) {
            lua_pushstring(L, svcm_problem_item_name(1 << i));
            lua_rawseti(L, -2, ++n);
        }
    }
    return 1;
}

/* c:check_problem() -> true when complete, else nil, message, code,
 * detail (field = the first missing item) */
static int l_check_problem(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    svcm_problem p;
    problem_or_empty(c, &p);
    svcm_error err;
    svcm_error_clear(&err);
    return ok_or_fail(L, svcm_problem_check(&p, &err), &err);
}

static const luaL_Reg cycle_methods[] = {
    {"set_goal", l_set_goal},
    {"add_action", l_add_action},
    {"set_action_status", l_set_action_status},
    {"overdue", l_overdue},
    {"measure", l_measure},
    {"measure_many", l_measure_many},
    {"start", l_start},
    {"check", l_check},
    {"result", l_result},
    {"enter_act", l_enter_act},
    {"act", l_act},
    {"link", l_link},
    {"next", l_next},
    {"prev", l_prev},
    {"save", l_save},
    {"phase", l_phase},
    {"info", l_info},
    {"audit", l_audit},
    {"actions", l_actions},
    {"samples", l_samples},
    {"set_problem", l_set_problem},
    {"problem", l_problem},
    {"problem_missing", l_problem_missing},
    {"check_problem", l_check_problem},
    {"close", l_gc},
    {NULL, NULL},
};

static const luaL_Reg pdca_funcs[] = {
    {"western_electric", l_western_electric},
    {"xmr_limits", l_xmr_limits},
    {NULL, NULL},
};

static int l_cycle_call(lua_State *L)
{
    lua_remove(L, 1); /* the svcm.Cycle table */
    return l_cycle_new(L);
}

void svcmlua_open_pdca(lua_State *L)
{
    luaL_setfuncs(L, pdca_funcs, 0);
    if (luaL_newmetatable(L, CYCLE_MT)) {
        lua_newtable(L);
        luaL_setfuncs(L, cycle_methods, 0);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, l_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, l_gc);
        lua_setfield(L, -2, "__close");
        lua_pushcfunction(L, l_tostring);
        lua_setfield(L, -2, "__tostring");
    }
    lua_pop(L, 1);
    /* svcm.Cycle(...) constructs; svcm.Cycle.load(text) loads. */
    lua_newtable(L);
    lua_pushcfunction(L, l_cycle_load);
    lua_setfield(L, -2, "load");
    lua_newtable(L);
    lua_pushcfunction(L, l_cycle_call);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    lua_setfield(L, -2, "Cycle");
}
