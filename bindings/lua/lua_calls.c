/* Lua binding of the call-log accumulator: svcm.Calls{...}, generated whole
 * from bindings/api/calls.py; this file registers it. */
#include "svcmlua.h"
#include "gen_lua.h"

void svcmlua_open_calls(lua_State *L);

void svcmlua_open_calls(lua_State *L) { svcmlua_add_Calls(L, NULL); }
