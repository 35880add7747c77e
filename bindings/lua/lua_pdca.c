/* Lua surface of the PDCA engine: the hand-written parts of svcm.Cycle
 * (svcm.Cycle(...), svcm.Cycle.load(text)) and svcm.western_electric; the
 * records and the methods of scalars are described in bindings/api/pdca.py.
 * Action, sample and signal indices are 1-based in Lua. */
#include "svcmlua.h"
#include "gen_lua.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svcm/pdca.h"

/* Defined by the helper of bindings/api/pdca.py (generated into gen_lua.c). */
int64_t svcm_pdcab_latest(const svcm_cycle *c);
int svcm_pdcab_act(svcm_cycle *c, int which, int64_t now, const char *actor, const char *note,
                   double target, int64_t deadline, svcm_cycle **next, svcm_error *err);

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

/* The hook of the described methods. */
svcm_cycle *svcmlua_check_Cycle(lua_State *L, int idx) { return check_cycle(L, idx); }

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
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.title = luaL_checkstring(L, 1);
    o.metric = luaL_checkstring(L, 2);
    o.higher_is_better =
        lua_isnoneornil(L, 3) || (luaL_checktype(L, 3, LUA_TBOOLEAN), lua_toboolean(L, 3));
    int given = !lua_isnoneornil(L, 4) + !lua_isnoneornil(L, 5) + !lua_isnoneornil(L, 6);
    if (given != 0 && given != 3)
        return luaL_error(L, "Cycle: give baseline, target and deadline together");
    double b = given ? luaL_checknumber(L, 4) : 0.0;
    double t = given ? luaL_checknumber(L, 5) : 0.0;
    lua_Integer d = given ? luaL_checkinteger(L, 6) : 0;
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
    if (rc == SVCM_OK && given && (rc = svcm_cycle_set_goal(c, b, t, (int64_t)d, &err)) != SVCM_OK)
        svcm_cycle_free(c);
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

/* A sequence of Signal records with 1-based indices. */
static void push_signals(lua_State *L, const svcm_we_signal *s, size_t n)
{
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        svcm_we_signal one = {s[i].rule, s[i].index + 1};
        svcmlua_rec_Signal(L, &one);
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

/* (now, actor, note) at arg, arg+1, arg+2: now defaults to the latest
 * instant the cycle knows, actor to its owner. */
static void when_who(lua_State *L, svcm_cycle *c, int arg, int64_t *now, const char **actor,
                     const char **note)
{
    struct svcm_cycle_result in;
    (void)svcm_cycle_result(c, &in);
    *now = lua_isnoneornil(L, arg) ? svcm_pdcab_latest(c) : (int64_t)luaL_checkinteger(L, arg);
    *actor = luaL_optstring(L, arg + 1, in.owner);
    *note = luaL_optstring(L, arg + 2, "");
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
    svcm_cycle *next = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_pdcab_act(c, which, now, actor, note, target, (int64_t)deadline, &next, &err);
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

static int l_info(lua_State *L)
{
    struct svcm_cycle_result in;
    (void)svcm_cycle_result(check_cycle(L, 1), &in);
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

/* c:audit(), c:actions(), c:samples(): sequences of records. */
enum { L_AUDIT, L_ACTIONS, L_SAMPLES };

static int push_list(lua_State *L, int which)
{
    svcm_cycle *c = check_cycle(L, 1);
    struct svcm_cycle_result in;
    (void)svcm_cycle_result(c, &in);
    size_t n = which == L_AUDIT ? in.n_audit : which == L_ACTIONS ? in.n_actions : in.n_samples;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        svcm_pdca_audit a;
        svcm_pdca_action b;
        svcm_pdca_sample s;
        if (which == L_AUDIT && svcm_cycle_audit(c, i, &a) == SVCM_OK)
            svcmlua_rec_AuditEntry(L, &a);
        else if (which == L_ACTIONS && svcm_cycle_action(c, i, &b) == SVCM_OK)
            svcmlua_rec_Action(L, &b);
        else if (which == L_SAMPLES && svcm_cycle_sample(c, i, &s) == SVCM_OK)
            svcmlua_rec_Sample(L, &s);
        else
            lua_pushboolean(L, 0); /* not reached: i < n */
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int l_audit(lua_State *L) { return push_list(L, L_AUDIT); }

static int l_actions(lua_State *L) { return push_list(L, L_ACTIONS); }

static int l_samples(lua_State *L) { return push_list(L, L_SAMPLES); }

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

/* c:problem_missing() -> list of the missing items' names, 5W2H order */
static int l_problem_missing(lua_State *L)
{
    svcm_cycle *c = check_cycle(L, 1);
    svcm_problem p;
    if (svcm_cycle_problem(c, &p) != SVCM_OK) {
        memset(&p, 0, sizeof p); /* no record: every item missing */
        p.how_much = NAN;
    }
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

static const luaL_Reg cycle_methods[] = {
    {"overdue", l_overdue},
    {"check", l_check},
    {"result", l_result},
    {"act", l_act},
    {"link", l_link},
    {"next", l_next},
    {"prev", l_prev},
    {"save", l_save},
    {"info", l_info},
    {"audit", l_audit},
    {"actions", l_actions},
    {"samples", l_samples},
    {"set_problem", l_set_problem},
    {"problem", l_problem},
    {"problem_missing", l_problem_missing},
    {"close", l_gc},
    {NULL, NULL},
};

static const luaL_Reg pdca_funcs[] = {
    {"western_electric", l_western_electric},
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
        svcmlua_members_Cycle(L);
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
