/* Lua binding of the time engine: svcm.parse_time and svcm.zone (userdata
 * "svcm.Zone"; its methods are described in bindings/api/time.py). */
#include "svcmlua.h"
#include "gen_lua.h"

#include "svcm/time.h"

#define ZONE_MT "svcm.Zone"

typedef struct {
    svcm_zone *zone;
} lzone;

/* The hook of the described methods: the zone, raising once it is closed. */
svcm_zone *svcmlua_check_Zone(lua_State *L, int arg)
{
    lzone *z = luaL_checkudata(L, arg, ZONE_MT);
    if (z->zone == NULL)
        luaL_argerror(L, arg, "zone is closed");
    return z->zone;
}

/* svcm.zone(spec) / svcm.zone_load(bytes) -> Zone | nil, message, code.
 * The handle is pushed before the zone is made, so a Lua memory error
 * afterwards cannot leak it. */
static int new_zone(lua_State *L, int load)
{
    size_t len;
    const char *arg = luaL_checklstring(L, 1, &len);
    lzone *slot = lua_newuserdatauv(L, sizeof *slot, 0);
    slot->zone = NULL;
    luaL_setmetatable(L, ZONE_MT);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = load ? svcm_zone_load((const unsigned char *)arg, len, NULL, &slot->zone, &err)
                  : svcm_zone_new(arg, NULL, &slot->zone, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    return 1;
}

static int l_zone(lua_State *L) { return new_zone(L, 0); }
static int l_zone_load(lua_State *L) { return new_zone(L, 1); }

static int l_zone_gc(lua_State *L)
{
    lzone *z = luaL_checkudata(L, 1, ZONE_MT);
    svcm_zone_free(z->zone);
    z->zone = NULL;
    return 0;
}

/* svcm.parse_time(text[, fmt, tz, epoch, ambiguous]) -> seconds | nil, msg, code
 * tz is nil, a spec string or a Zone; seconds is an integer, or a float when
 * the text has a nonzero fraction. */
static int l_parse_time(lua_State *L)
{
    static const char *const epochs[] = {"none", "s", "ms", NULL};
    static const char *const rules[] = {"earlier", "later", "error", NULL};
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    svcm_time_options o;
    svcm_time_options_init(&o);
    o.format = luaL_optstring(L, 2, NULL);
    o.epoch = (svcm_time_epoch)luaL_checkoption(L, 4, "none", epochs);
    o.ambiguous = (svcm_time_ambiguous)luaL_checkoption(L, 5, "earlier", rules);
    svcm_zone *made = NULL;
    const svcm_zone *z = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = SVCM_OK;
    if (lua_type(L, 3) == LUA_TSTRING) {
        rc = svcm_zone_new(lua_tostring(L, 3), NULL, &made, &err);
        z = made;
    } else if (!lua_isnoneornil(L, 3))
        z = svcmlua_check_Zone(L, 3);
    int64_t s = 0;
    int32_t ns = 0;
    if (rc == SVCM_OK)
        rc = svcm_time_parse(text, len, &o, z, &s, &ns, &err);
    svcm_zone_free(made);
    /* The column is in the detail table, not in the message (as in Python). */
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    if (ns == 0)
        lua_pushinteger(L, (lua_Integer)s);
    else
        lua_pushnumber(L, (lua_Number)s + ns * 1e-9);
    return 1;
}

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
    lua_newtable(L);
    svcmlua_members_Zone(L);
    lua_pushcfunction(L, l_zone_gc);
    lua_setfield(L, -2, "close");
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_setfuncs(L, funcs, 0);
}
