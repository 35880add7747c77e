/* Conversions between Lua values and C arrays for the svcm module. */
#include "svcmlua.h"

#include <math.h>
#include <stdio.h>

void svcmlua_message(int rc, const svcm_error *err, char *buf, size_t size)
{
    const char *detail = (err && err->message[0]) ? err->message : svcm_strerror(rc);
    int has_index = err && err->index != SVCM_NO_INDEX;
    /* A position in text (line, column) is in the detail table only, so a
     * caller that prints it does not say it twice (issue 13). */
    if (has_index && err->field)
        snprintf(buf, size, "record %zu, field '%s': %s", err->index, err->field, detail);
    else if (has_index)
        snprintf(buf, size, "record %zu: %s", err->index, detail);
    else if (err && err->field)
        snprintf(buf, size, "field '%s': %s", err->field, detail);
    else
        snprintf(buf, size, "%s", detail);
}

/* Set t[key] = v on the table on top of the stack when present. */
static void set_size(lua_State *L, const char *key, size_t v, int present)
{
    if (!present)
        return;
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, key);
}

int svcmlua_fail(lua_State *L, int rc, const svcm_error *err)
{
    char msg[256];
    svcmlua_message(rc, err, msg, sizeof msg);
    /* Callers may have used their LUA_MINSTACK slots: 4 results + 1 temporary. */
    luaL_checkstack(L, 5, "svcm error detail");
    lua_pushnil(L);
    lua_pushstring(L, msg);
    lua_pushinteger(L, rc);
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, rc);
    lua_setfield(L, -2, "code");
    if (err != NULL) {
        set_size(L, "index", err->index, err->index != SVCM_NO_INDEX);
        set_size(L, "line", err->line, err->line > 0);
        set_size(L, "column", err->column, err->column > 0);
        if (err->field != NULL) {
            lua_pushstring(L, err->field);
            lua_setfield(L, -2, "field");
        }
    }
    return 4;
}

int svcmlua_raise(lua_State *L, int rc, const svcm_error *err)
{
    char msg[256];
    svcmlua_message(rc, err, msg, sizeof msg);
    return luaL_error(L, "%s", msg);
}

/* Shared body; want_int selects int64 output. */
static const void *check_array(lua_State *L, int arg, size_t *n, int want_int)
{
    arg = lua_absindex(L, arg);
    size_t esz = want_int ? sizeof(int64_t) : sizeof(double);
    if (lua_type(L, arg) == LUA_TNUMBER) {
        void *buf = lua_newuserdatauv(L, esz, 0);
        if (want_int) {
            lua_Integer v;
            if (!lua_isinteger(L, arg)) {
                double d = lua_tonumber(L, arg);
                if (!(d == floor(d) && fabs(d) < 9.2e18))
                    luaL_argerror(L, arg, "integer expected");
                v = (lua_Integer)d;
            } else {
                v = lua_tointeger(L, arg);
            }
            *(int64_t *)buf = (int64_t)v;
        } else {
            *(double *)buf = lua_tonumber(L, arg);
        }
        *n = 1;
        return buf;
    }
    luaL_checktype(L, arg, LUA_TTABLE);
    lua_Unsigned len = lua_rawlen(L, arg);
    if (len > (lua_Unsigned)(SIZE_MAX / esz) - 1)
        luaL_argerror(L, arg, "table too large");
    void *buf = lua_newuserdatauv(L, (size_t)len * esz + 1, 0);
    for (lua_Unsigned i = 0; i < len; i++) {
        int t = lua_rawgeti(L, arg, (lua_Integer)(i + 1));
        if (t != LUA_TNUMBER) {
            char msg[80];
            snprintf(msg, sizeof msg, "number expected at position %llu, got %s",
                     (unsigned long long)(i + 1), lua_typename(L, t));
            luaL_argerror(L, arg, msg);
        }
        if (want_int) {
            int ok = 0;
            lua_Integer v = lua_tointegerx(L, -1, &ok);
            if (!ok) {
                char msg[80];
                snprintf(msg, sizeof msg, "integer expected at position %llu",
                         (unsigned long long)(i + 1));
                luaL_argerror(L, arg, msg);
            }
            ((int64_t *)buf)[i] = (int64_t)v;
        } else {
            ((double *)buf)[i] = lua_tonumber(L, -1);
        }
        lua_pop(L, 1);
    }
    *n = (size_t)len;
    return buf;
}

const double *svcmlua_checkdoubles(lua_State *L, int arg, size_t *n)
{
    return check_array(L, arg, n, 0);
}

const int64_t *svcmlua_checkint64s(lua_State *L, int arg, size_t *n)
{
    return check_array(L, arg, n, 1);
}

void svcmlua_pushdoubles(lua_State *L, const double *v, size_t n)
{
    lua_createtable(L, n > INT32_MAX ? 0 : (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushnumber(L, v[i]);
        lua_rawseti(L, -2, (lua_Integer)(i + 1));
    }
}

void svcmlua_pushint64s(lua_State *L, const int64_t *v, size_t n)
{
    lua_createtable(L, n > INT32_MAX ? 0 : (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, (lua_Integer)v[i]);
        lua_rawseti(L, -2, (lua_Integer)(i + 1));
    }
}

void svcmlua_pushinterval(lua_State *L, svcm_interval iv)
{
    lua_createtable(L, 2, 0);
    lua_pushnumber(L, iv.lo);
    lua_rawseti(L, -2, 1);
    lua_pushnumber(L, iv.hi);
    lua_rawseti(L, -2, 2);
}

/* Push field key of the table at idx (nil when idx is none/nil). */
static int get_field(lua_State *L, int idx, const char *key)
{
    if (lua_isnoneornil(L, idx)) {
        lua_pushnil(L);
        return LUA_TNIL;
    }
    luaL_checktype(L, idx, LUA_TTABLE);
    return lua_getfield(L, idx, key);
}

double svcmlua_optfield_number(lua_State *L, int idx, const char *key, double def)
{
    int t = get_field(L, idx, key);
    double v = def;
    if (t == LUA_TNUMBER)
        v = lua_tonumber(L, -1);
    else if (t != LUA_TNIL)
        luaL_error(L, "option '%s': number expected, got %s", key, lua_typename(L, t));
    lua_pop(L, 1);
    return v;
}

lua_Integer svcmlua_optfield_integer(lua_State *L, int idx, const char *key, lua_Integer def)
{
    int t = get_field(L, idx, key);
    lua_Integer v = def;
    if (t == LUA_TNUMBER) {
        int ok = 0;
        v = lua_tointegerx(L, -1, &ok);
        if (!ok)
            luaL_error(L, "option '%s': integer expected", key);
    } else if (t != LUA_TNIL) {
        luaL_error(L, "option '%s': integer expected, got %s", key, lua_typename(L, t));
    }
    lua_pop(L, 1);
    return v;
}

int svcmlua_optfield_boolean(lua_State *L, int idx, const char *key, int def)
{
    int t = get_field(L, idx, key);
    int v = def;
    if (t == LUA_TBOOLEAN)
        v = lua_toboolean(L, -1);
    else if (t != LUA_TNIL)
        luaL_error(L, "option '%s': boolean expected, got %s", key, lua_typename(L, t));
    lua_pop(L, 1);
    return v;
}

const char *svcmlua_optfield_string(lua_State *L, int idx, const char *key, const char *def)
{
    int t = get_field(L, idx, key);
    const char *v = def;
    if (t == LUA_TSTRING) {
        v = lua_tostring(L, -1);
        /* The string stays alive: it is referenced by the options table. */
    } else if (t != LUA_TNIL) {
        luaL_error(L, "option '%s': string expected, got %s", key, lua_typename(L, t));
    }
    lua_pop(L, 1);
    return v;
}

void svcmlua_pushcount(lua_State *L, uint64_t v)
{
    if (v <= (uint64_t)LUA_MAXINTEGER)
        lua_pushinteger(L, (lua_Integer)v);
    else
        lua_pushnumber(L, (lua_Number)v);
}

void svcmlua_setnumber(lua_State *L, const char *key, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, key);
}

void svcmlua_setinteger(lua_State *L, const char *key, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, key);
}

void svcmlua_setcount(lua_State *L, const char *key, uint64_t v)
{
    svcmlua_pushcount(L, v);
    lua_setfield(L, -2, key);
}

void svcmlua_setstring(lua_State *L, const char *key, const char *v)
{
    lua_pushstring(L, v);
    lua_setfield(L, -2, key);
}

void svcmlua_setboolean(lua_State *L, const char *key, int v)
{
    lua_pushboolean(L, v);
    lua_setfield(L, -2, key);
}
