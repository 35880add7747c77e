/* Lua binding of the journey engine: svcm.Journey{...} and svcm.funnel. The
 * step and touchpoint tables are the records of bindings/api/journey.py
 * (gen_lua.h). */
#include "svcmlua.h"
#include "gen_lua.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "svcm/journey.h"

void svcmlua_open_journey(lua_State *L);

#define JOURNEY_MT "svcm.Journey"

/* A userdata box; h is NULL once closed. */
typedef struct {
    svcm_journey *h;
} box;

/* Also the hook of the described methods (bindings/api/journey.py). */
svcm_journey *svcmlua_check_Journey(lua_State *L, int arg)
{
    box *b = luaL_checkudata(L, arg, JOURNEY_MT);
    if (b->h == NULL)
        luaL_argerror(L, arg, "object is closed");
    return b->h;
}

/* The string (or integer, as its decimal) at stack top, anchored in the
 * table at anchor; raises naming arg and what. */
static const char *anchored_string(lua_State *L, int anchor, int arg, const char *what,
                                   bool allow_int, size_t *len)
{
    int t = lua_type(L, -1);
    if (t != LUA_TSTRING && !(allow_int && lua_isinteger(L, -1)))
        luaL_argerror(L, arg, lua_pushfstring(L, "%s must be %s", what,
                                              allow_int ? "strings or integers" : "strings"));
    const char *s = lua_tolstring(L, -1, len); /* converts an integer in place */
    lua_rawseti(L, anchor, luaL_len(L, anchor) + 1);
    return s;
}

/* Options from the table at idx (may be none): steps (array of strings),
 * window (seconds, nil: none), path_len, confidence. Step names stay
 * anchored in a table pushed on the stack. */
static void check_options(lua_State *L, int idx, svcm_journey_options *o, const char **names)
{
    svcm_journey_options_init(o);
    lua_newtable(L);
    int anchor = lua_gettop(L);
    if (lua_isnoneornil(L, idx))
        return;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_getfield(L, idx, "window");
    if (!lua_isnil(L, -1)) {
        if (!lua_isnumber(L, -1))
            luaL_argerror(L, idx, "window must be a number of seconds or nil");
        o->window_s = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    lua_Integer pl = svcmlua_optfield_integer(L, idx, "path_len", 5);
    o->path_len = pl < 0 ? 0 : (size_t)pl;
    o->confidence = svcmlua_optfield_number(L, idx, "confidence", 0.95);
    lua_getfield(L, idx, "steps");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    if (!lua_istable(L, -1))
        luaL_argerror(L, idx, "steps must be a table of strings");
    int st = lua_gettop(L);
    lua_Integer n = luaL_len(L, st);
    if (n > (lua_Integer)SVCM_JOURNEY_MAX_STEPS)
        n = SVCM_JOURNEY_MAX_STEPS + 1; /* the library refuses it */
    for (lua_Integer i = 0; i < n && i < (lua_Integer)SVCM_JOURNEY_MAX_STEPS; i++) {
        lua_geti(L, st, i + 1);
        size_t len;
        names[i] = anchored_string(L, anchor, idx, "steps", false, &len);
        if (strlen(names[i]) != len)
            luaL_argerror(L, idx, "a step name contains a NUL byte");
    }
    lua_pop(L, 1);
    o->steps = names;
    o->n_steps = (size_t)n;
}

static int new_journey(lua_State *L, int opt_idx)
{
    svcm_journey_options o;
    const char *names[SVCM_JOURNEY_MAX_STEPS];
    check_options(L, opt_idx, &o, names);
    box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->h = NULL;
    luaL_setmetatable(L, JOURNEY_MT);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_journey_new(&o, NULL, &b->h, &err);
    return rc ? svcmlua_fail(L, rc, &err) : 1;
}

/* svcm.Journey{steps={...}, window=nil, path_len=5, confidence=0.95}
 * -> Journey, or nil, msg, code, detail (arg 1 is the class table) */
static int l_journey_new(lua_State *L)
{
    lua_settop(L, 2);
    return new_journey(L, 2);
}

/* j:add(customer, touchpoint, time, score, lost) -> j, or nil, msg, code, detail */
static int l_journey_add(lua_State *L)
{
    svcm_journey *j = svcmlua_check_Journey(L, 1);
    lua_settop(L, 6);
    lua_newtable(L);
    int anchor = 7;
    svcm_journey_event e;
    memset(&e, 0, sizeof e);
    lua_pushvalue(L, 2);
    e.customer = anchored_string(L, anchor, 2, "customer", true, &e.customer_len);
    lua_pushvalue(L, 3);
    e.touchpoint = anchored_string(L, anchor, 3, "touchpoint", false, &e.touchpoint_len);
    e.time = luaL_checknumber(L, 4);
    e.score = luaL_optnumber(L, 5, NAN);
    e.lost = lua_toboolean(L, 6) != 0;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_journey_add(j, &e, &err);
    if (rc)
        return svcmlua_fail(L, rc, &err);
    lua_settop(L, 1);
    return 1;
}

/* Events from the columns customer, touchpoint, time (and optional score,
 * lost) of the table at idx, into a userdata pushed on the stack; strings
 * anchored in a table pushed below it. */
static svcm_journey_event *check_events(lua_State *L, int idx, size_t *n_out)
{
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_newtable(L);
    int anchor = lua_gettop(L);
    static const char *const cols[5] = {"customer", "touchpoint", "time", "score", "lost"};
    int at[5];
    lua_Integer n = -1;
    for (int k = 0; k < 5; k++) {
        lua_getfield(L, idx, cols[k]);
        at[k] = lua_gettop(L);
        if (lua_isnil(L, at[k])) {
            if (k < 3)
                luaL_argerror(L, idx, lua_pushfstring(L, "%s is required", cols[k]));
            at[k] = 0;
            continue;
        }
        if (!lua_istable(L, at[k]))
            luaL_argerror(L, idx, lua_pushfstring(L, "%s must be a table", cols[k]));
        lua_Integer m = luaL_len(L, at[k]);
        if (n >= 0 && m != n)
            luaL_argerror(L, idx, lua_pushfstring(L, "%s has %I values, customer has %I",
                                                  cols[k], m, n));
        n = m;
    }
    size_t times_n;
    const double *times = svcmlua_checkdoubles(L, at[2], &times_n);
    const double *scores = NULL;
    if (at[3] != 0) {
        size_t sn;
        scores = svcmlua_checkdoubles(L, at[3], &sn);
    }
    svcm_journey_event *ev = lua_newuserdatauv(L, n > 0 ? (size_t)n * sizeof *ev : 1, 0);
    for (lua_Integer i = 0; i < n; i++) {
        svcm_journey_event *e = &ev[i];
        lua_geti(L, at[0], i + 1);
        e->customer = anchored_string(L, anchor, idx, "customer", true, &e->customer_len);
        lua_geti(L, at[1], i + 1);
        e->touchpoint = anchored_string(L, anchor, idx, "touchpoint", false, &e->touchpoint_len);
        e->time = times[i];
        e->score = scores != NULL ? scores[i] : NAN;
        e->lost = false;
        if (at[4] != 0) {
            lua_geti(L, at[4], i + 1);
            e->lost = lua_toboolean(L, -1) != 0;
            lua_pop(L, 1);
        }
    }
    *n_out = (size_t)n;
    return ev;
}

/* j:add_batch{customer={...}, touchpoint={...}, time={...}, score={...},
 * lost={...}} -> j, or nil, msg, code, detail (nothing added) */
static int l_journey_add_batch(lua_State *L)
{
    svcm_journey *j = svcmlua_check_Journey(L, 1);
    lua_settop(L, 2);
    size_t n;
    svcm_journey_event *ev = check_events(L, 2, &n);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_journey_add_batch(j, ev, n, &err);
    if (rc)
        return svcmlua_fail(L, rc, &err);
    lua_settop(L, 1);
    return 1;
}

/* j:merge(other) -> j, or nil, msg, code (options differ) */
static int l_journey_merge(lua_State *L)
{
    int rc = svcm_journey_merge(svcmlua_check_Journey(L, 1), svcmlua_check_Journey(L, 2));
    if (rc) {
        svcm_error err;
        svcm_error_clear(&err);
        snprintf(err.message, sizeof err.message, "%s",
                 rc == SVCM_EMISMATCH ? "options differ" : svcm_strerror(rc));
        return svcmlua_fail(L, rc, &err);
    }
    lua_settop(L, 1);
    return 1;
}

/* The funnel steps (touchpoints = 0) or the touchpoints of j: an array of
 * step / touchpoint tables. */
static int push_rows(lua_State *L, const svcm_journey *j, int touchpoints)
{
    size_t n = 0, size = touchpoints ? sizeof(struct svcm_journey_touchpoint_result)
                                     : sizeof(struct svcm_journey_step_result);
    if (touchpoints)
        svcm_journey_touchpoints(j, NULL, 0, &n, NULL);
    else
        svcm_journey_steps(j, NULL, 0, &n, NULL);
    char *rows = lua_newuserdatauv(L, (n ? n : 1) * size, 0);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = touchpoints ? svcm_journey_touchpoints(j, (void *)rows, n, &n, &err)
                         : svcm_journey_steps(j, (void *)rows, n, &n, &err);
    if (rc)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t k = 0; k < n; k++) {
        if (touchpoints)
            svcmlua_rec_TouchpointLoss(L, rows + k * size);
        else
            svcmlua_rec_FunnelStep(L, rows + k * size);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

/* j:steps() -> array of step tables (see svcm.funnel) */
static int l_journey_steps(lua_State *L) { return push_rows(L, svcmlua_check_Journey(L, 1), 0); }

/* j:touchpoints() -> array of {touchpoint, events, scored, mean_score, last,
 * lost_last, last_share, lost_share, excess, lift, loss_rate, loss_ci},
 * ranked by excess loss */
static int l_journey_touchpoints(lua_State *L)
{
    return push_rows(L, svcmlua_check_Journey(L, 1), 1);
}

/* j:paths(k=10) -> array of {touchpoints={...}, truncated, customers, share} */
static int l_journey_paths(lua_State *L)
{
    svcm_journey *j = svcmlua_check_Journey(L, 1);
    lua_Integer k = luaL_optinteger(L, 2, 10);
    luaL_argcheck(L, k >= 0, 2, "k must be >= 0");
    struct svcm_journey_result tot;
    svcm_journey_result(j, &tot);
    size_t cap = (uint64_t)k < tot.customers ? (size_t)k : (size_t)tot.customers;
    struct svcm_journey_path_result *p = lua_newuserdatauv(L, (cap ? cap : 1) * sizeof *p, 0);
    size_t n = 0;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_journey_paths(j, p, cap, &n, &err);
    if (rc)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 4);
        lua_createtable(L, (int)p[i].length, 0);
        for (size_t m = 0; m < p[i].length; m++) {
            lua_pushstring(L, p[i].touchpoints[m]);
            lua_rawseti(L, -2, (lua_Integer)m + 1);
        }
        lua_setfield(L, -2, "touchpoints");
        svcmlua_setboolean(L, "truncated", p[i].truncated);
        svcmlua_pushcount(L, p[i].customers);
        lua_setfield(L, -2, "customers");
        svcmlua_setnumber(L, "share", p[i].share);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* j:options() -> {steps={...}, window=(nil when none), path_len, confidence} */
static int l_journey_options(lua_State *L)
{
    svcm_journey_options o;
    svcm_journey_get_options(svcmlua_check_Journey(L, 1), &o);
    lua_createtable(L, 0, 4);
    lua_createtable(L, (int)o.n_steps, 0);
    for (size_t k = 0; k < o.n_steps; k++) {
        lua_pushstring(L, o.steps[k]);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "steps");
    if (!isinf(o.window_s)) {
        svcmlua_setnumber(L, "window", o.window_s);
    }
    svcmlua_setinteger(L, "path_len", (lua_Integer)o.path_len);
    svcmlua_setnumber(L, "confidence", o.confidence);
    return 1;
}

/* svcm.funnel(customers, touchpoints, times, steps, window) -> array of
 * {touchpoint, reached, continued, continue_rate, drop_rate, ci={lo, hi},
 * conversion, timed, time_mean, time_p50, time_p90, time_max}, or nil, msg,
 * code, detail */
static int l_funnel(lua_State *L)
{
    lua_settop(L, 5);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    luaL_checktype(L, 4, LUA_TTABLE);
    if (!lua_isnil(L, 5))
        luaL_checknumber(L, 5);
    lua_createtable(L, 0, 2); /* 6: options */
    lua_pushvalue(L, 4);
    lua_setfield(L, 6, "steps");
    lua_pushvalue(L, 5);
    lua_setfield(L, 6, "window");
    lua_createtable(L, 0, 3); /* 7: columns */
    lua_pushvalue(L, 1);
    lua_setfield(L, 7, "customer");
    lua_pushvalue(L, 2);
    lua_setfield(L, 7, "touchpoint");
    lua_pushvalue(L, 3);
    lua_setfield(L, 7, "time");
    int r = new_journey(L, 6);
    if (lua_isnil(L, -r))
        return r; /* nil, msg, code, detail */
    int jat = lua_gettop(L);
    svcm_journey *j = svcmlua_check_Journey(L, jat);
    size_t n;
    svcm_journey_event *ev = check_events(L, 7, &n);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_journey_add_batch(j, ev, n, &err);
    if (rc)
        return svcmlua_fail(L, rc, &err);
    return push_rows(L, j, 0);
}

static int l_journey_close(lua_State *L)
{
    box *b = luaL_checkudata(L, 1, JOURNEY_MT);
    svcm_journey_free(b->h);
    b->h = NULL;
    return 0;
}

static int l_journey_tostring(lua_State *L)
{
    box *b = luaL_checkudata(L, 1, JOURNEY_MT);
    if (b->h == NULL) {
        lua_pushliteral(L, "svcm.Journey(closed)");
        return 1;
    }
    struct svcm_journey_result r;
    svcm_journey_result(b->h, &r);
    char buf[120];
    snprintf(buf, sizeof buf, "svcm.Journey(events=%llu, customers=%llu, steps=%zu)",
             (unsigned long long)r.events, (unsigned long long)r.customers, r.steps);
    lua_pushstring(L, buf);
    return 1;
}

static const luaL_Reg journey_methods[] = {
    {"add", l_journey_add},
    {"add_batch", l_journey_add_batch},
    {"merge", l_journey_merge},
    {"steps", l_journey_steps},
    {"touchpoints", l_journey_touchpoints},
    {"paths", l_journey_paths},
    {"options", l_journey_options},
    {"close", l_journey_close},
    {NULL, NULL},
};

void svcmlua_open_journey(lua_State *L)
{
    luaL_newmetatable(L, JOURNEY_MT);
    lua_newtable(L);
    luaL_setfuncs(L, journey_methods, 0);
    svcmlua_members_Journey(L);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_journey_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_journey_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, l_journey_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_createtable(L, 0, 0); /* the class table */
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, l_journey_new);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    lua_setfield(L, -2, "Journey");
    lua_pushcfunction(L, l_funnel);
    lua_setfield(L, -2, "funnel");
}
