/* Lua binding of the call-log accumulator: svcm.Calls{...}. */
#include "svcmlua.h"
#include "gen_lua.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "svcm/calls.h"

void svcmlua_open_calls(lua_State *L);


static const char *const outcome_names[] = {"answered", "abandoned", "other", NULL};
static const char *const sl_names[] = {"ignore", "against", "met", NULL};

/* The metatable, constructor, merge, save, load and close are generated
 * (bindings/api/calls.py); add and add_batch take outcomes as names or codes. */

/* An outcome at stack index idx: "answered" / "abandoned" / "other" or
 * 0 / 1 / 2 (other integers reach the library, which refuses them). */
static svcm_calls_outcome check_outcome(lua_State *L, int idx, int arg)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        const char *s = lua_tostring(L, idx);
        for (int k = 0; outcome_names[k] != NULL; k++)
            if (strcmp(s, outcome_names[k]) == 0)
                return (svcm_calls_outcome)k;
        luaL_argerror(L, arg, "outcome must be 'answered', 'abandoned', 'other' or 0..2");
    }
    if (!lua_isinteger(L, idx))
        luaL_argerror(L, arg, "outcome must be a string or an integer");
    lua_Integer v = lua_tointeger(L, idx);
    return (svcm_calls_outcome)(v < -1 || v > 3 ? 3 : v);
}

/* c:add(arrival, queue_start, queue_end, service_start, service_end, outcome)
 * (nil: absent; outcome default "answered") -> c, or nil, msg, code, detail */
static int l_calls_add(lua_State *L)
{
    svcm_calls *c = svcmlua_check_Calls(L, 1);
    svcm_calls_record r;
    r.arrival = luaL_checknumber(L, 2);
    r.queue_start = luaL_optnumber(L, 3, NAN);
    r.queue_end = luaL_optnumber(L, 4, NAN);
    r.service_start = luaL_optnumber(L, 5, NAN);
    r.service_end = luaL_optnumber(L, 6, NAN);
    r.outcome = lua_isnoneornil(L, 7) ? SVCM_CALLS_OUTCOME_ANSWERED : check_outcome(L, 7, 7);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_calls_add(c, &r, &err);
    if (rc)
        return svcmlua_fail(L, rc, &err);
    lua_settop(L, 1);
    return 1;
}

/* c:add_batch{arrival={...}, queue_start={...}, queue_end={...},
 * service_start={...}, service_end={...}, outcome={...}} (time columns other
 * than arrival may be absent) -> c, or nil, msg, code, detail (nothing added) */
static int l_calls_add_batch(lua_State *L)
{
    static const char *const names[5] = {"arrival", "queue_start", "queue_end",
                                         "service_start", "service_end"};
    svcm_calls *c = svcmlua_check_Calls(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    const double *col[5] = {NULL, NULL, NULL, NULL, NULL};
    size_t n = 0;
    bool have_n = false;
    for (int k = 0; k < 5; k++) {
        lua_getfield(L, 2, names[k]); /* at index 3 + 2k; the array above it */
        int at = lua_gettop(L);
        if (lua_isnil(L, at)) {
            if (k == 0)
                return luaL_argerror(L, 2, "arrival is required");
            lua_pushnil(L); /* keep the stack layout */
            continue;
        }
        if (!lua_istable(L, at)) {
            char msg[64];
            snprintf(msg, sizeof msg, "%s must be a table of numbers", names[k]);
            return luaL_argerror(L, 2, msg);
        }
        size_t m;
        col[k] = svcmlua_checkdoubles(L, at, &m);
        if (have_n && m != n) {
            char msg[96];
            snprintf(msg, sizeof msg, "%s has %zu values, arrival has %zu", names[k], m, n);
            return luaL_argerror(L, 2, msg);
        }
        n = m;
        have_n = true;
    }
    lua_getfield(L, 2, "outcome");
    int ot = lua_gettop(L);
    if (!lua_istable(L, ot))
        return luaL_argerror(L, 2, "outcome must be a table");
    if ((size_t)luaL_len(L, ot) != n) {
        char msg[96];
        snprintf(msg, sizeof msg, "outcome has %lld values, arrival has %zu",
                 (long long)luaL_len(L, ot), n);
        return luaL_argerror(L, 2, msg);
    }
    svcm_calls_outcome *out = lua_newuserdatauv(L, n > 0 ? n * sizeof *out : 1, 0);
    for (size_t i = 0; i < n; i++) {
        lua_geti(L, ot, (lua_Integer)i + 1);
        out[i] = check_outcome(L, -1, 2);
        lua_pop(L, 1);
    }
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_calls_add_batch(c, col[0], col[1], col[2], col[3], col[4], out, n, &err);
    if (rc)
        return svcmlua_fail(L, rc, &err);
    lua_settop(L, 1);
    return 1;
}

/* c:options() -> {target=, short_abandon=, sl_abandoned=, exclude_short=, tolerance=} */
static int l_calls_options(lua_State *L)
{
    svcm_calls_options o;
    svcm_calls_get_options(svcmlua_check_Calls(L, 1), &o);
    lua_createtable(L, 0, 5);
    svcmlua_setnumber(L, "tolerance", o.tolerance_s);
    svcmlua_setnumber(L, "target", o.target_s);
    svcmlua_setnumber(L, "short_abandon", o.short_abandon_s);
    svcmlua_setstring(L, "sl_abandoned", sl_names[o.sl_abandoned]);
    svcmlua_setboolean(L, "exclude_short", o.exclude_short);
    return 1;
}

static const luaL_Reg calls_methods[] = {
    {"add", l_calls_add},
    {"add_batch", l_calls_add_batch},
    {"options", l_calls_options},
    {NULL, NULL},
};

void svcmlua_open_calls(lua_State *L) { svcmlua_add_Calls(L, calls_methods); }
