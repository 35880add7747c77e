/* Lua binding of the time engine: svcm.parse_time. svcm.Zone is generated
 * whole from bindings/api/time.py. */
#include "svcmlua.h"
#include "gen_lua.h"

#include "svcm/time.h"

const svcm_zone *svcmb_zone_of(const struct svcmb_zone *h); /* bindings/api/time.py */

/* svcm.parse_time(text[, fmt, tz, epoch, ambiguous]) -> seconds | nil, msg, code
 * tz is nil, a spec string or a Zone; seconds is an integer, or a float when
 * the text has a nonzero fraction. The column of a failure is in the detail
 * table, not in the message (as in Python). */
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
    const char *spec = lua_type(L, 3) == LUA_TSTRING ? lua_tostring(L, 3) : NULL;
    const svcm_zone *z = spec || lua_isnoneornil(L, 3) ? NULL
                                                       : svcmb_zone_of(svcmlua_check_Zone(L, 3));
    svcm_zone *made = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int64_t s = 0;
    int32_t ns = 0;
    int rc = spec ? svcm_zone_new(spec, NULL, &made, &err) : SVCM_OK;
    if (rc == SVCM_OK)
        rc = svcm_time_parse(text, len, &o, made ? made : z, &s, &ns, &err);
    svcm_zone_free(made);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    if (ns == 0)
        lua_pushinteger(L, (lua_Integer)s);
    else
        lua_pushnumber(L, (lua_Number)s + ns * 1e-9);
    return 1;
}

void svcmlua_open_time(lua_State *L)
{
    lua_pushcfunction(L, l_parse_time);
    lua_setfield(L, -2, "parse_time");
    svcmlua_add_Zone(L, NULL);
}
