/* Lua binding of the core: the tier names and constants. The statistics
 * functions, wilson, tier_name, tier_parse and svcm.Moments are generated
 * from bindings/api/core.py. */
#include "svcmlua.h"
#include "gen_lua.h"

void svcmlua_open_core(lua_State *L)
{
    svcmlua_add_Moments(L, NULL);
    lua_getfield(L, -1, "Moments"); /* svcm.moments_from_bytes, as before */
    lua_getfield(L, -1, "from_bytes");
    lua_setfield(L, -3, "moments_from_bytes");
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
