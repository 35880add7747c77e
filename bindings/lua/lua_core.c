/* Lua binding of the core: statistics helpers, Welford moments, tiers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svcmlua.h"
#include "gen_lua.h"

#define MOMENTS_MT "svcm.Moments"

/* svcm.wilson(successes, n [, confidence]) -> lo, hi */
static int l_wilson(lua_State *L)
{
    uint64_t x = svcmlua_checkcount(L, 1), n = svcmlua_checkcount(L, 2);
    svcm_interval iv;
    int rc = svcm_wilson(x, n, luaL_optnumber(L, 3, 0.95), &iv);
    if (rc)
        return svcmlua_fail(L, rc, NULL);
    lua_pushnumber(L, iv.lo);
    lua_pushnumber(L, iv.hi);
    return 2;
}

static int l_tier_name(lua_State *L)
{
    lua_Integer t = luaL_checkinteger(L, 1);
    const char *name = svcm_tier_name(t < 0 || t > 100 ? -1 : (int)t);
    if (name == NULL)
        return luaL_argerror(L, 1, "tier must be 0..4");
    lua_pushstring(L, name);
    return 1;
}

static int l_tier_parse(lua_State *L)
{
    svcm_tier t;
    const char *s = luaL_checkstring(L, 1);
    if (svcm_tier_parse(s, &t) != SVCM_OK) {
        svcm_error err;
        svcm_error_clear(&err);
        err.field = "tier";
        snprintf(err.message, sizeof err.message, "unknown tier name '%.60s'", s);
        return svcmlua_fail(L, SVCM_EINVAL, &err);
    }
    lua_pushinteger(L, t);
    return 1;
}

/* ------------------------------------------------------------ Moments */

static svcm_moments *check_moments(lua_State *L, int arg)
{
    return luaL_checkudata(L, arg, MOMENTS_MT);
}

/* m:add(x or {x...}) -> m, or nil, msg, code */
static int l_moments_add(lua_State *L)
{
    svcm_moments *m = check_moments(L, 1);
    size_t n;
    const double *xs = svcmlua_checkdoubles(L, 2, &n);
    svcm_error err;
    int rc = svcm_moments_add_batch(m, xs, n, &err);
    if (rc)
        return svcmlua_fail(L, rc, &err);
    lua_settop(L, 1);
    return 1;
}

/* svcm.Moments([values]) */
static int l_moments_new(lua_State *L)
{
    int has_values = !lua_isnoneornil(L, 1);
    svcm_moments *m = lua_newuserdatauv(L, sizeof *m, 0);
    svcm_moments_init(m);
    luaL_setmetatable(L, MOMENTS_MT);
    if (has_values) {
        size_t n;
        const double *xs = svcmlua_checkdoubles(L, 1, &n);
        svcm_error err;
        int rc = svcm_moments_add_batch(m, xs, n, &err);
        if (rc)
            return svcmlua_fail(L, rc, &err);
        lua_pop(L, 1); /* the array */
    }
    return 1;
}

static int l_moments_merge(lua_State *L)
{
    svcm_moments *a = check_moments(L, 1), *b = check_moments(L, 2);
    svcm_moments_merge(a, b);
    lua_settop(L, 1);
    return 1;
}

static int l_moments_variance(lua_State *L)
{
    double v;
    int rc = svcm_moments_variance(check_moments(L, 1), &v);
    if (rc)
        return svcmlua_fail(L, rc, NULL);
    lua_pushnumber(L, v);
    return 1;
}

static int l_moments_mean_ci(lua_State *L)
{
    svcm_interval iv;
    int rc = svcm_moments_mean_ci(check_moments(L, 1), luaL_optnumber(L, 2, 0.95), &iv);
    if (rc)
        return svcmlua_fail(L, rc, NULL);
    lua_pushnumber(L, iv.lo);
    lua_pushnumber(L, iv.hi);
    return 2;
}

static int l_moments_to_bytes(lua_State *L)
{
    unsigned char buf[SVCM_MOMENTS_SAVED_SIZE];
    size_t len;
    int rc = svcm_moments_save(check_moments(L, 1), buf, sizeof buf, &len);
    if (rc)
        return svcmlua_fail(L, rc, NULL);
    lua_pushlstring(L, (const char *)buf, len);
    return 1;
}

static int l_moments_from_bytes(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    svcm_moments tmp;
    int rc = svcm_moments_load((const unsigned char *)s, len, &tmp, NULL);
    if (rc)
        return svcmlua_fail(L, rc, NULL);
    svcm_moments *m = lua_newuserdatauv(L, sizeof *m, 0);
    *m = tmp;
    luaL_setmetatable(L, MOMENTS_MT);
    return 1;
}

static int l_moments_index(lua_State *L)
{
    svcm_moments *m = check_moments(L, 1);
    const char *k = luaL_checkstring(L, 2);
    if (strcmp(k, "n") == 0)
        lua_pushinteger(L, (lua_Integer)m->n);
    else if (strcmp(k, "mean") == 0)
        lua_pushnumber(L, m->n ? m->mean : NAN);
    else if (strcmp(k, "min") == 0)
        lua_pushnumber(L, m->n ? m->min : NAN);
    else if (strcmp(k, "max") == 0)
        lua_pushnumber(L, m->n ? m->max : NAN);
    else {
        luaL_getmetatable(L, MOMENTS_MT);
        lua_getfield(L, -1, "__methods");
        lua_getfield(L, -1, k);
    }
    return 1;
}

static int l_moments_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_moments(L, 1)->n);
    return 1;
}

static const luaL_Reg moments_methods[] = {
    {"add", l_moments_add},
    {"merge", l_moments_merge},
    {"variance", l_moments_variance},
    {"mean_ci", l_moments_mean_ci},
    {"to_bytes", l_moments_to_bytes},
    {NULL, NULL},
};

static const luaL_Reg core_funcs[] = {
    {"wilson", l_wilson},
    {"tier_name", l_tier_name},
    {"tier_parse", l_tier_parse},
    {"Moments", l_moments_new},
    {"moments_from_bytes", l_moments_from_bytes},
    {NULL, NULL},
};

void svcmlua_open_core(lua_State *L)
{
    luaL_setfuncs(L, core_funcs, 0);
    /* Moments are plain values: no __gc needed, the userdata holds no pointer. */
    luaL_newmetatable(L, MOMENTS_MT);
    luaL_newlib(L, moments_methods);
    lua_setfield(L, -2, "__methods");
    lua_pushcfunction(L, l_moments_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_moments_len);
    lua_setfield(L, -2, "__len");
    lua_pop(L, 1);
    lua_createtable(L, SVCM_TIER_COUNT, 0);
    for (int i = 0; i < SVCM_TIER_COUNT; i++) {
        lua_pushstring(L, svcm_tier_name(i));
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "TIER_NAMES");
    static const char *const consts[SVCM_TIER_COUNT] = {"TIER_VIP", "TIER_KEY", "TIER_REGULAR",
                                                        "TIER_POTENTIAL", "TIER_LOST"};
    for (int i = 0; i < SVCM_TIER_COUNT; i++) {
        lua_pushinteger(L, i);
        lua_setfield(L, -2, consts[i]);
    }
}
