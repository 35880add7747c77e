/* Lua binding of the call-log accumulator: svcm.Calls{...}. */
#include "svcmlua.h"
#include "gen_lua.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "svcm/calls.h"

void svcmlua_open_calls(lua_State *L);

#define CALLS_MT "svcm.Calls"

static const char *const outcome_names[] = {"answered", "abandoned", "other", NULL};
static const char *const sl_names[] = {"ignore", "against", "met", NULL};

/* A userdata box; h is NULL once closed. */
typedef struct {
    svcm_calls *h;
} box;

static svcm_calls *check_calls(lua_State *L, int arg)
{
    box *b = luaL_checkudata(L, arg, CALLS_MT);
    if (b->h == NULL)
        luaL_argerror(L, arg, "object is closed");
    return b->h;
}
/* The hook of the described methods (bindings/api/calls.py). */
svcm_calls *svcmlua_check_Calls(lua_State *L, int idx) { return check_calls(L, idx); }

/* svcm.Calls{target=20, short_abandon=5, sl_abandoned="against",
 * exclude_short=true, tolerance=0} -> Calls, or nil, msg, code, detail. The constructor
 * is the class table's __call: arg 1 is the class table. */
static int l_calls_new(lua_State *L)
{
    svcm_calls_options o;
    svcm_calls_options_init(&o);
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    o.target_s = svcmlua_optfield_number(L, 2, "target", o.target_s);
    o.short_abandon_s = svcmlua_optfield_number(L, 2, "short_abandon", o.short_abandon_s);
    const char *sl = svcmlua_optfield_string(L, 2, "sl_abandoned", "against");
    int k = 0;
    while (sl_names[k] != NULL && strcmp(sl, sl_names[k]) != 0)
        k++;
    if (sl_names[k] == NULL)
        return luaL_argerror(L, 2, "sl_abandoned must be 'ignore', 'against' or 'met'");
    o.sl_abandoned = (svcm_calls_sl)k;
    o.exclude_short = svcmlua_optfield_boolean(L, 2, "exclude_short", 1) != 0;
    o.tolerance_s = svcmlua_optfield_number(L, 2, "tolerance", o.tolerance_s);
    box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->h = NULL;
    luaL_setmetatable(L, CALLS_MT);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_calls_new(&o, NULL, &b->h, &err);
    return rc ? svcmlua_fail(L, rc, &err) : 1;
}

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
    svcm_calls *c = check_calls(L, 1);
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
    svcm_calls *c = check_calls(L, 1);
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

/* c:merge(other) -> c, or nil, msg, code (options differ) */
static int l_calls_merge(lua_State *L)
{
    int rc = svcm_calls_merge(check_calls(L, 1), check_calls(L, 2));
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

/* c:options() -> {target=, short_abandon=, sl_abandoned=, exclude_short=, tolerance=} */
static int l_calls_options(lua_State *L)
{
    svcm_calls_options o;
    svcm_calls_get_options(check_calls(L, 1), &o);
    lua_createtable(L, 0, 5);
    svcmlua_setnumber(L, "tolerance", o.tolerance_s);
    svcmlua_setnumber(L, "target", o.target_s);
    svcmlua_setnumber(L, "short_abandon", o.short_abandon_s);
    svcmlua_setstring(L, "sl_abandoned", sl_names[o.sl_abandoned]);
    svcmlua_setboolean(L, "exclude_short", o.exclude_short);
    return 1;
}

/* c:save() -> string */
static int l_calls_save(lua_State *L)
{
    svcm_calls *c = check_calls(L, 1);
    size_t len = 0;
    svcm_calls_save(c, NULL, 0, &len);
    luaL_Buffer buf;
    unsigned char *p = (unsigned char *)luaL_buffinitsize(L, &buf, len);
    int rc = svcm_calls_save(c, p, len, NULL);
    if (rc)
        return svcmlua_raise(L, rc, NULL);
    luaL_pushresultsize(&buf, len);
    return 1;
}

/* svcm.Calls.load(s) -> Calls, or nil, msg, code, detail */
static int l_calls_load(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->h = NULL;
    luaL_setmetatable(L, CALLS_MT);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_calls_load((const unsigned char *)s, len, NULL, &b->h, &err);
    return rc ? svcmlua_fail(L, rc, &err) : 1;
}

static int l_calls_close(lua_State *L)
{
    box *b = luaL_checkudata(L, 1, CALLS_MT);
    svcm_calls_free(b->h);
    b->h = NULL;
    return 0;
}

static int l_calls_tostring(lua_State *L)
{
    box *b = luaL_checkudata(L, 1, CALLS_MT);
    if (b->h == NULL) {
        lua_pushliteral(L, "svcm.Calls(closed)");
        return 1;
    }
    struct svcm_calls_result r;
    svcm_calls_result(b->h, &r);
    char buf[96];
    snprintf(buf, sizeof buf, "svcm.Calls(offered=%llu, other=%llu)",
             (unsigned long long)r.offered, (unsigned long long)r.other);
    lua_pushstring(L, buf);
    return 1;
}

static const luaL_Reg calls_methods[] = {
    {"add", l_calls_add},
    {"add_batch", l_calls_add_batch},
    {"merge", l_calls_merge},
    {"options", l_calls_options},
    {"save", l_calls_save},
    {"close", l_calls_close},
    {NULL, NULL},
};

void svcmlua_open_calls(lua_State *L)
{
    luaL_newmetatable(L, CALLS_MT);
    lua_newtable(L);
    luaL_setfuncs(L, calls_methods, 0);
    svcmlua_members_Calls(L);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_calls_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_calls_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, l_calls_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_createtable(L, 0, 1); /* the class table */
    lua_pushcfunction(L, l_calls_load);
    lua_setfield(L, -2, "load");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, l_calls_new);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    lua_setfield(L, -2, "Calls");
}
