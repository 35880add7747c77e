/* Lua surface of the PDCA engine: the hand-written methods of svcm.Cycle
 * and svcm.western_electric; the type and the methods and fields of
 * scalars are described in bindings/api/pdca.py. Action, sample and signal
 * indices are 1-based in Lua. */
#include "svcmlua.h"
#include "gen_lua.h"

#include <math.h>
#include <string.h>

#include "svcm/pdca.h"

/* Defined by the helper of bindings/api/pdca.py (generated into gen_lua.c). */
int64_t svcm_pdcab_latest(const svcm_cycle *c);
int svcm_pdcab_act(svcm_cycle *c, int which, int64_t now, const char *actor, const char *note,
                   double target, int64_t deadline, svcm_cycle **next, svcm_error *err);

#define check_cycle svcmlua_check_Cycle

/* The neighbours' userdata: a registry table with weak keys maps a cycle to
 * {successor, predecessor}, so that a neighbour lives while the cycle does. */
static const char LINKS = 0;

/* Set slot (1 next, 2 prev) of the links of the cycle at idx to the value on
 * top (popped). */
static void set_link(lua_State *L, int idx, int slot)
{
    idx = lua_absindex(L, idx);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &LINKS);
    lua_pushvalue(L, idx);
    if (lua_rawget(L, -2) == LUA_TNIL) {
        lua_pop(L, 1);
        lua_createtable(L, 2, 0);
        lua_pushvalue(L, idx);
        lua_pushvalue(L, -2);
        lua_rawset(L, -4);
    }
    lua_rotate(L, -3, -1); /* links, t, value */
    lua_rawseti(L, -2, slot);
    lua_pop(L, 2);
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
    *svcmlua_handle_new(L, "svcm.Cycle") = next;
    lua_pushvalue(L, -1);
    set_link(L, 1, 1); /* the predecessor keeps its successor alive */
    lua_pushvalue(L, 1);
    set_link(L, -2, 2);
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
    set_link(L, 1, 1);
    lua_pushvalue(L, 1);
    set_link(L, 2, 2);
    lua_pushboolean(L, 1);
    return 1;
}

/* The neighbour in links slot, only while still linked in C (either may
 * have been closed). */
static int neighbour(lua_State *L, int slot)
{
    svcm_cycle *c = check_cycle(L, 1);
    svcm_cycle *linked = slot == 1 ? svcm_cycle_next(c) : svcm_cycle_prev(c);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &LINKS);
    lua_pushvalue(L, 1);
    if (lua_rawget(L, -2) != LUA_TTABLE || lua_rawgeti(L, -1, slot) == LUA_TNIL)
        lua_pushnil(L);
    /* The box starts with the handle (svcmlua_handle_new returns its address). */
    void **box = luaL_testudata(L, -1, "svcm.Cycle");
    if (linked == NULL || box == NULL || *box != linked)
        lua_pushnil(L);
    return 1;
}

static int l_next(lua_State *L) { return neighbour(L, 1); }

static int l_prev(lua_State *L) { return neighbour(L, 2); }

static int l_info(lua_State *L)
{
    struct svcm_cycle_result in;
    (void)svcm_cycle_result(check_cycle(L, 1), &in);
    lua_createtable(L, 0, 8);
    if (in.has_goal) {
        svcmlua_setnumber(L, "baseline", in.baseline);
        svcmlua_setnumber(L, "target", in.target);
        svcmlua_setinteger(L, "deadline", (lua_Integer)in.deadline);
    }
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

/* c:problem() -> the record as a table (how_much nil when missing), or nil */
static int l_problem(lua_State *L)
{
    svcm_problem p;
    if (svcm_cycle_problem(check_cycle(L, 1), &p) != SVCM_OK)
        lua_pushnil(L);
    else
        svcmlua_rec_Problem(L, &p);
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
    {"info", l_info},
    {"audit", l_audit},
    {"actions", l_actions},
    {"samples", l_samples},
    {"problem", l_problem},
    {"problem_missing", l_problem_missing},
    {NULL, NULL},
};

static const luaL_Reg pdca_funcs[] = {
    {"western_electric", l_western_electric},
    {NULL, NULL},
};

void svcmlua_open_pdca(lua_State *L)
{
    luaL_setfuncs(L, pdca_funcs, 0);
    svcmlua_add_Cycle(L, cycle_methods);
    lua_newtable(L); /* the links, weak keys */
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &LINKS);
}
