/* Lua binding of the time engine: svcm.parse_time and svcm.zone (userdata
 * "svcm.Zone"). */
#include "svcmlua.h"

#include <stdio.h>
#include <string.h>

#include "svcm/time.h"

#define ZONE_MT "svcm.Zone"

typedef struct {
    svcm_zone *zone;
} lzone;

static svcm_zone *check_zone(lua_State *L, int arg)
{
    lzone *z = luaL_checkudata(L, arg, ZONE_MT);
    if (z->zone == NULL)
        luaL_argerror(L, arg, "zone is closed");
    return z->zone;
}

/* The handle is pushed before the zone is made, so a Lua memory error
 * afterwards cannot leak it. */
static lzone *push_zone_slot(lua_State *L)
{
    lzone *z = lua_newuserdatauv(L, sizeof *z, 0);
    z->zone = NULL;
    luaL_setmetatable(L, ZONE_MT);
    return z;
}

static svcm_time_ambiguous check_ambiguous(lua_State *L, int arg)
{
    static const char *const names[] = {"earlier", "later", "error", NULL};
    return (svcm_time_ambiguous)luaL_checkoption(L, arg, "earlier", names);
}

/* svcm.zone(spec) -> Zone | nil, message, code */
static int l_zone(lua_State *L)
{
    const char *spec = luaL_checkstring(L, 1);
    lzone *slot = push_zone_slot(L);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_zone_new(spec, NULL, &slot->zone, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    return 1;
}

/* svcm.zone_load(bytes) -> Zone | nil, message, code */
static int l_zone_load(lua_State *L)
{
    size_t len;
    const char *data = luaL_checklstring(L, 1, &len);
    lzone *slot = push_zone_slot(L);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_zone_load((const unsigned char *)data, len, NULL, &slot->zone, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    return 1;
}

static int l_zone_gc(lua_State *L)
{
    lzone *z = luaL_checkudata(L, 1, ZONE_MT);
    svcm_zone_free(z->zone);
    z->zone = NULL;
    return 0;
}

static int l_name(lua_State *L)
{
    lua_pushstring(L, svcm_zone_name(check_zone(L, 1)));
    return 1;
}

/* z:offset(utc) -> offset_s, is_dst */
static int l_offset(lua_State *L)
{
    svcm_zone *z = check_zone(L, 1);
    lua_Integer t = luaL_checkinteger(L, 2);
    int32_t off = 0;
    int dst = 0;
    (void)svcm_zone_offset(z, (int64_t)t, &off, &dst);
    lua_pushinteger(L, off);
    lua_pushboolean(L, dst);
    return 2;
}

static int l_abbrev(lua_State *L)
{
    svcm_zone *z = check_zone(L, 1);
    lua_pushstring(L, svcm_zone_abbrev(z, (int64_t)luaL_checkinteger(L, 2)));
    return 1;
}

/* z:to_local(utc) -> year, month, day, hour, minute, second | nil, msg, code */
static int l_to_local(lua_State *L)
{
    svcm_zone *z = check_zone(L, 1);
    svcm_civil c;
    int rc = svcm_zone_to_local(z, (int64_t)luaL_checkinteger(L, 2), &c, NULL);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    lua_Integer v[6] = {c.year, c.month, c.day, c.hour, c.minute, c.second};
    for (int i = 0; i < 6; i++)
        lua_pushinteger(L, v[i]);
    return 6;
}

/* A civil field for a uint8_t slot: out-of-range values become 255, which
 * every field refuses, so the C call names the field. */
static uint8_t field_u8(lua_State *L, int arg)
{
    lua_Integer v = luaL_optinteger(L, arg, 0);
    return (uint8_t)(v < 0 || v > 255 ? 255 : v);
}

/* z:to_utc(year, month, day[, hour, minute, second, ambiguous]) -> utc | nil, msg, code */
static int l_to_utc(lua_State *L)
{
    svcm_zone *z = check_zone(L, 1);
    lua_Integer y = luaL_checkinteger(L, 2);
    luaL_checkinteger(L, 3);
    luaL_checkinteger(L, 4);
    svcm_civil c = {(int32_t)(y < -1 || y > 100000 ? -1 : y), field_u8(L, 3), field_u8(L, 4),
                    field_u8(L, 5), field_u8(L, 6), field_u8(L, 7), 0};
    svcm_time_ambiguous rule = check_ambiguous(L, 8);
    int64_t t = 0;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_zone_from_local(z, &c, rule, &t, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushinteger(L, (lua_Integer)t);
    return 1;
}

/* tz argument: nil, a spec string or a Zone; *made is freed by the caller. */
static const svcm_zone *zone_arg(lua_State *L, int arg, svcm_zone **made, svcm_error *err,
                                 int *rc)
{
    *made = NULL;
    *rc = SVCM_OK;
    if (lua_isnoneornil(L, arg))
        return NULL;
    if (lua_type(L, arg) == LUA_TSTRING) {
        *rc = svcm_zone_new(lua_tostring(L, arg), NULL, made, err);
        return *made;
    }
    return check_zone(L, arg);
}

static svcm_time_epoch check_epoch(lua_State *L, int arg)
{
    static const char *const names[] = {"none", "s", "ms", NULL};
    return (svcm_time_epoch)luaL_checkoption(L, arg, "none", names);
}

/* svcm.parse_time(text[, fmt, tz, epoch, ambiguous]) -> seconds | nil, msg, code
 * seconds is an integer, or a float when the text has a nonzero fraction. */
static int l_parse_time(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    svcm_time_options o;
    svcm_time_options_init(&o);
    o.format = luaL_optstring(L, 2, NULL);
    o.epoch = check_epoch(L, 4);
    o.ambiguous = check_ambiguous(L, 5);
    svcm_zone *made;
    svcm_error err;
    svcm_error_clear(&err);
    int rc;
    const svcm_zone *z = zone_arg(L, 3, &made, &err, &rc);
    int64_t s = 0;
    int32_t ns = 0;
    if (rc == SVCM_OK)
        rc = svcm_time_parse(text, len, &o, z, &s, &ns, &err);
    svcm_zone_free(made);
    if (rc != SVCM_OK) {
        if (err.column > 0) {
            char msg[sizeof err.message + 32];
            snprintf(msg, sizeof msg, "column %zu: %s", err.column, err.message);
            size_t n = strlen(msg);
            n = n < sizeof err.message - 1 ? n : sizeof err.message - 1;
            memcpy(err.message, msg, n);
            err.message[n] = '\0';
        }
        return svcmlua_fail(L, rc, &err);
    }
    if (ns == 0)
        lua_pushinteger(L, (lua_Integer)s);
    else
        lua_pushnumber(L, (lua_Number)s + ns * 1e-9);
    return 1;
}

static const luaL_Reg zone_methods[] = {
    {"name", l_name},
    {"offset", l_offset},
    {"abbrev", l_abbrev},
    {"to_local", l_to_local},
    {"to_utc", l_to_utc},
    {"close", l_zone_gc},
    {NULL, NULL},
};

static const luaL_Reg funcs[] = {
    {"zone", l_zone},
    {"zone_load", l_zone_load},
    {"parse_time", l_parse_time},
    {NULL, NULL},
};

void svcmlua_open_time(lua_State *L)
{
    luaL_newmetatable(L, ZONE_MT);
    lua_pushcfunction(L, l_zone_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_zone_gc);
    lua_setfield(L, -2, "__close");
    luaL_newlib(L, zone_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_setfuncs(L, funcs, 0);
}
