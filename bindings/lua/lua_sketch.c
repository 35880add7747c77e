/* Lua binding of the quantile sketch and the durations summary:
 * svcm.Sketch{...} and svcm.Durations{...} are generated whole from
 * bindings/api/sketch.py; this file registers them. */
#include "svcmlua.h"
#include "gen_lua.h"

/* svcm.<name>_from_bytes: the class tables' from_bytes, also as functions. */
static void alias_load(lua_State *L, const char *cls, const char *name)
{
    lua_getfield(L, -1, cls);
    lua_getfield(L, -1, "from_bytes");
    lua_setfield(L, -3, name);
    lua_pop(L, 1);
}

void svcmlua_open_sketch(lua_State *L)
{
    svcmlua_add_Sketch(L, NULL);
    svcmlua_add_Durations(L, NULL);
    alias_load(L, "Sketch", "sketch_from_bytes");
    alias_load(L, "Durations", "durations_from_bytes");
}
