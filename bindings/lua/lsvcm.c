/* The svcm Lua 5.4 module: local svcm = require "svcm". */
#include "svcmlua.h"
#include "gen_lua.h"

static int l_version(lua_State *L)
{
    lua_pushstring(L, svcm_version());
    return 1;
}

static int l_strerror(lua_State *L)
{
    lua_Integer code = luaL_checkinteger(L, 1);
    lua_pushstring(L, svcm_strerror(code < INT32_MIN || code > INT32_MAX ? INT32_MIN : (int)code));
    return 1;
}

static int l_status_name(lua_State *L)
{
    lua_Integer code = luaL_checkinteger(L, 1);
    lua_pushstring(L, svcm_status_name(code < INT32_MIN || code > INT32_MAX ? INT32_MIN : (int)code));
    return 1;
}

static const luaL_Reg core_funcs[] = {
    {"version", l_version},
    {"strerror", l_strerror},
    {"status_name", l_status_name},
    {NULL, NULL},
};

int luaopen_svcm(lua_State *L);
SVCM_API int luaopen_svcm(lua_State *L)
{
    if (svcm_version_number() != SVCM_VERSION_HEX)
        return luaL_error(L, "svcm: module built for C library %s but loaded %s",
                          SVCM_VERSION_STRING, svcm_version());
    luaL_newlib(L, core_funcs);
    svcmlua_setstring(L, "_VERSION", SVCM_VERSION_STRING);
    /* Status codes by name: svcm.codes.EINVAL == -1. */
    lua_newtable(L);
#define SVCMLUA_CODE(name, value, msg)                                         \
    lua_pushinteger(L, value);                                                 \
    lua_setfield(L, -2, #name);
    SVCM_ERRORS(SVCMLUA_CODE)
#undef SVCMLUA_CODE
    lua_setfield(L, -2, "codes");
    /* Everything the description (bindings/api/<engine>.py) generates. */
    svcmlua_gen_open(L);
#ifdef SVCMLUA_HAVE_CORE
    svcmlua_open_core(L);
#endif
#ifdef SVCMLUA_HAVE_TIME
    svcmlua_open_time(L);
#endif
#ifdef SVCMLUA_HAVE_FEEDBACK
    svcmlua_open_feedback(L);
#endif
#ifdef SVCMLUA_HAVE_SKETCH
    svcmlua_open_sketch(L);
#endif
#ifdef SVCMLUA_HAVE_CALENDAR
    svcmlua_open_calendar(L);
#endif
#ifdef SVCMLUA_HAVE_ERLANG
    svcmlua_open_erlang(L);
#endif
#ifdef SVCMLUA_HAVE_SEGMENT
    svcmlua_open_segment(L);
#endif
#ifdef SVCMLUA_HAVE_LIFETIME
    svcmlua_open_lifetime(L);
#endif
#ifdef SVCMLUA_HAVE_PRIORITY
    svcmlua_open_priority(L);
#endif
#ifdef SVCMLUA_HAVE_PDCA
    svcmlua_open_pdca(L);
#endif
#ifdef SVCMLUA_HAVE_CALLS
    {
        void svcmlua_open_calls(lua_State *L); /* bindings/lua/lua_calls.c */
        svcmlua_open_calls(L);
    }
#endif
#ifdef SVCMLUA_HAVE_JOURNEY
    {
        void svcmlua_open_journey(lua_State *L); /* bindings/lua/lua_journey.c */
        svcmlua_open_journey(L);
    }
#endif
#ifdef SVCMLUA_HAVE_SCORECARD
    {
        void svcmlua_open_scorecard(lua_State *L); /* bindings/lua/lua_scorecard.c */
        svcmlua_open_scorecard(L);
    }
#endif
    return 1;
}
