/* Lua binding of the quantile sketch and the durations summary:
 * svcm.Sketch{...} and svcm.Durations{...} are generated whole from
 * bindings/api/sketch.py; Sketch's stats() and options() tables are here. */
#include "svcmlua.h"
#include "gen_lua.h"

#include "svcm/sketch.h"

/* s:stats() -> {count, zero_count, sum, mean, min, max, buckets, exact,
 * collapsed_below} (mean, min, max are nan when empty) */
static int l_sketch_stats(lua_State *L)
{
    struct svcm_sketch_result st;
    svcm_sketch_result(svcmlua_check_Sketch(L, 1), &st);
    lua_createtable(L, 0, 9);
    svcmlua_setcount(L, "count", st.count);
    svcmlua_setcount(L, "zero_count", st.zero_count);
    svcmlua_setnumber(L, "sum", st.sum);
    svcmlua_setnumber(L, "mean", st.mean);
    svcmlua_setnumber(L, "min", st.min);
    svcmlua_setnumber(L, "max", st.max);
    svcmlua_setinteger(L, "buckets", (lua_Integer)st.buckets);
    svcmlua_setboolean(L, "exact", st.exact);
    svcmlua_setnumber(L, "collapsed_below", st.collapsed_below);
    return 1;
}

/* s:options() -> {rel_err, max_buckets, exact_limit} */
static int l_sketch_options(lua_State *L)
{
    svcm_sketch_options o;
    svcm_sketch_get_options(svcmlua_check_Sketch(L, 1), &o);
    lua_createtable(L, 0, 3);
    svcmlua_setnumber(L, "rel_err", o.rel_err);
    svcmlua_setinteger(L, "max_buckets", (lua_Integer)o.max_buckets);
    svcmlua_setinteger(L, "exact_limit", (lua_Integer)o.exact_limit);
    return 1;
}

static const luaL_Reg sketch_methods[] = {
    {"stats", l_sketch_stats},
    {"options", l_sketch_options},
    {NULL, NULL},
};

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
    svcmlua_add_Sketch(L, sketch_methods);
    svcmlua_add_Durations(L, NULL);
    alias_load(L, "Sketch", "sketch_from_bytes");
    alias_load(L, "Durations", "durations_from_bytes");
}
