/* Lua binding of the quantile sketch and the durations summary:
 * svcm.Sketch{...}, svcm.Durations{...}. */
#include "svcmlua.h"
#include "gen_lua.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svcm/sketch.h"

#define SKETCH_MT "svcm.Sketch"
#define DURATIONS_MT "svcm.Durations"

/* A userdata box; h is NULL once closed. */
typedef struct {
    void *h;
} box;

static void *check_open(lua_State *L, int arg, const char *mt)
{
    box *b = luaL_checkudata(L, arg, mt);
    if (b->h == NULL)
        luaL_argerror(L, arg, "object is closed");
    return b->h;
}
static svcm_sketch *check_sketch(lua_State *L, int arg) { return check_open(L, arg, SKETCH_MT); }
static svcm_durations *check_dur(lua_State *L, int arg) { return check_open(L, arg, DURATIONS_MT); }

svcm_durations *svcmlua_check_durations(lua_State *L, int arg) { return check_dur(L, arg); }
/* The hooks of the described methods (bindings/api/sketch.py). */
svcm_sketch *svcmlua_check_Sketch(lua_State *L, int idx) { return check_sketch(L, idx); }
svcm_durations *svcmlua_check_Durations(lua_State *L, int idx) { return check_dur(L, idx); }

/* Options table at idx (may be absent): rel_err, max_buckets, exact_limit. */
static void read_options(lua_State *L, int idx, svcm_sketch_options *o)
{
    svcm_sketch_options_init(o);
    o->rel_err = svcmlua_optfield_number(L, idx, "rel_err", o->rel_err);
    lua_Integer mb = svcmlua_optfield_integer(L, idx, "max_buckets", (lua_Integer)o->max_buckets);
    lua_Integer ex = svcmlua_optfield_integer(L, idx, "exact_limit", (lua_Integer)o->exact_limit);
    /* Negative or huge values become out-of-range sizes: SVCM_EINVAL. */
    o->max_buckets = mb < 0 ? SIZE_MAX : (size_t)mb;
    o->exact_limit = ex < 0 ? SIZE_MAX : (size_t)ex;
}

static int fail_options(lua_State *L, int rc)
{
    svcm_error err;
    svcm_error_clear(&err);
    snprintf(err.message, sizeof err.message,
             "bad options: rel_err in %g..%g, max_buckets in %u..%u, exact_limit in 0..%u",
             SVCM_SKETCH_MIN_REL_ERR, SVCM_SKETCH_MAX_REL_ERR, SVCM_SKETCH_MIN_BUCKETS,
             (unsigned)SVCM_SKETCH_MAX_BUCKETS, (unsigned)SVCM_SKETCH_MAX_EXACT);
    return svcmlua_fail(L, rc, &err);
}

/* The constructor is the table's __call: arg 1 is the class table. */
static int l_sketch_new(lua_State *L)
{
    svcm_sketch_options o;
    read_options(L, 2, &o);
    box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->h = NULL;
    luaL_setmetatable(L, SKETCH_MT);
    int rc = svcm_sketch_new(&o, NULL, (svcm_sketch **)&b->h, NULL);
    return rc ? fail_options(L, rc) : 1;
}

static int l_durations_new(lua_State *L)
{
    svcm_sketch_options o;
    read_options(L, 2, &o);
    box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->h = NULL;
    luaL_setmetatable(L, DURATIONS_MT);
    int rc = svcm_durations_new(&o, NULL, (svcm_durations **)&b->h, NULL);
    return rc ? fail_options(L, rc) : 1;
}

static int from_bytes(lua_State *L, int arg, int dur)
{
    size_t len;
    const char *s = luaL_checklstring(L, arg, &len);
    box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->h = NULL;
    luaL_setmetatable(L, dur ? DURATIONS_MT : SKETCH_MT);
    int rc = dur ? svcm_durations_load((const unsigned char *)s, len, NULL,
                                       (svcm_durations **)&b->h, NULL)
                 : svcm_sketch_load((const unsigned char *)s, len, NULL, (svcm_sketch **)&b->h, NULL);
    return rc ? svcmlua_fail(L, rc, NULL) : 1;
}
/* svcm.sketch_from_bytes(s) and svcm.Sketch.from_bytes(s) */
static int l_sketch_from_bytes(lua_State *L) { return from_bytes(L, 1, 0); }
static int l_durations_from_bytes(lua_State *L) { return from_bytes(L, 1, 1); }

static int l_close(lua_State *L, const char *mt, int dur)
{
    box *b = luaL_checkudata(L, 1, mt);
    if (dur)
        svcm_durations_free(b->h);
    else
        svcm_sketch_free(b->h);
    b->h = NULL;
    return 0;
}
static int l_sketch_close(lua_State *L) { return l_close(L, SKETCH_MT, 0); }
static int l_durations_close(lua_State *L) { return l_close(L, DURATIONS_MT, 1); }

/* x:add(number or {numbers}) -> x, or nil, msg, code (nothing added) */
static int add(lua_State *L, int dur)
{
    void *h = dur ? (void *)check_dur(L, 1) : (void *)check_sketch(L, 1);
    size_t n;
    const double *xs = svcmlua_checkdoubles(L, 2, &n);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = dur ? svcm_durations_add_batch(h, xs, n, &err) : svcm_sketch_add_batch(h, xs, n, &err);
    if (rc)
        return svcmlua_fail(L, rc, &err);
    lua_settop(L, 1);
    return 1;
}
static int l_sketch_add(lua_State *L) { return add(L, 0); }
static int l_durations_add(lua_State *L) { return add(L, 1); }

static int quantiles_of(lua_State *L, int dur, const double *qs, size_t n, double *out,
                        svcm_error *err)
{
    return dur ? svcm_durations_quantiles(check_dur(L, 1), qs, n, out, err)
               : svcm_sketch_quantiles(check_sketch(L, 1), qs, n, out, err);
}

/* x:quantiles({q...}) -> {v...}, or nil, msg, code */
static int quantiles(lua_State *L, int dur)
{
    size_t n;
    const double *qs = svcmlua_checkdoubles(L, 2, &n);
    double *out = lua_newuserdatauv(L, n * sizeof *out + 1, 0);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = quantiles_of(L, dur, qs, n, out, &err);
    if (rc)
        return svcmlua_fail(L, rc, &err);
    svcmlua_pushdoubles(L, out, n);
    return 1;
}
static int l_sketch_quantiles(lua_State *L) { return quantiles(L, 0); }
static int l_durations_quantiles(lua_State *L) { return quantiles(L, 1); }

/* x:merge(other) -> x, or nil, msg, code */
static int l_sketch_merge(lua_State *L)
{
    int rc = svcm_sketch_merge(check_sketch(L, 1), check_sketch(L, 2));
    if (rc)
        return svcmlua_fail(L, rc, NULL);
    lua_settop(L, 1);
    return 1;
}
static int l_durations_merge(lua_State *L)
{
    int rc = svcm_durations_merge(check_dur(L, 1), check_dur(L, 2));
    if (rc)
        return svcmlua_fail(L, rc, NULL);
    lua_settop(L, 1);
    return 1;
}

static int to_bytes(lua_State *L, int dur)
{
    void *h = dur ? (void *)check_dur(L, 1) : (void *)check_sketch(L, 1);
    size_t len = 0;
    if (dur)
        svcm_durations_save(h, NULL, 0, &len);
    else
        svcm_sketch_save(h, NULL, 0, &len);
    luaL_Buffer buf;
    unsigned char *p = (unsigned char *)luaL_buffinitsize(L, &buf, len);
    int rc = dur ? svcm_durations_save(h, p, len, NULL) : svcm_sketch_save(h, p, len, NULL);
    if (rc)
        return svcmlua_raise(L, rc, NULL);
    luaL_pushresultsize(&buf, len);
    return 1;
}
static int l_sketch_to_bytes(lua_State *L) { return to_bytes(L, 0); }
static int l_durations_to_bytes(lua_State *L) { return to_bytes(L, 1); }

static int l_sketch_count(lua_State *L)
{
    svcmlua_pushcount(L, svcm_sketch_count(check_sketch(L, 1)));
    return 1;
}
static int l_durations_count(lua_State *L)
{
    svcmlua_pushcount(L, svcm_durations_count(check_dur(L, 1)));
    return 1;
}

/* s:stats() -> {count, zero_count, sum, mean, min, max, buckets, exact,
 * collapsed_below} (mean, min, max are nan when empty) */
static int l_sketch_stats(lua_State *L)
{
    struct svcm_sketch_result st;
    svcm_sketch_result(check_sketch(L, 1), &st);
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
    svcm_sketch_get_options(check_sketch(L, 1), &o);
    lua_createtable(L, 0, 3);
    svcmlua_setnumber(L, "rel_err", o.rel_err);
    svcmlua_setinteger(L, "max_buckets", (lua_Integer)o.max_buckets);
    svcmlua_setinteger(L, "exact_limit", (lua_Integer)o.exact_limit);
    return 1;
}

static int l_sketch_tostring(lua_State *L)
{
    box *b = luaL_checkudata(L, 1, SKETCH_MT);
    if (b->h == NULL) {
        lua_pushliteral(L, "svcm.Sketch(closed)");
        return 1;
    }
    svcm_sketch_options o;
    svcm_sketch_get_options(b->h, &o);
    char buf[96];
    snprintf(buf, sizeof buf, "svcm.Sketch(rel_err=%g, count=%llu)", o.rel_err,
             (unsigned long long)svcm_sketch_count(b->h));
    lua_pushstring(L, buf);
    return 1;
}
static int l_durations_tostring(lua_State *L)
{
    box *b = luaL_checkudata(L, 1, DURATIONS_MT);
    if (b->h == NULL)
        lua_pushliteral(L, "svcm.Durations(closed)");
    else {
        char buf[64];
        snprintf(buf, sizeof buf, "svcm.Durations(count=%llu)",
                 (unsigned long long)svcm_durations_count(b->h));
        lua_pushstring(L, buf);
    }
    return 1;
}

static const luaL_Reg sketch_methods[] = {
    {"add", l_sketch_add},
    {"quantiles", l_sketch_quantiles},
    {"merge", l_sketch_merge},
    {"to_bytes", l_sketch_to_bytes},
    {"stats", l_sketch_stats},
    {"options", l_sketch_options},
    {"close", l_sketch_close},
    {NULL, NULL},
};

static const luaL_Reg durations_methods[] = {
    {"add", l_durations_add},
    {"quantiles", l_durations_quantiles},
    {"merge", l_durations_merge},
    {"to_bytes", l_durations_to_bytes},
    {"close", l_durations_close},
    {NULL, NULL},
};

/* Register metatable mt with methods and the described ones, __gc/__close = closer, __len = len;
 * then set module[name] to a class table callable as a constructor and
 * holding from_bytes. The module table is at the top of the stack. */
static void register_type(lua_State *L, const char *mt, const luaL_Reg *methods,
                          void (*described)(lua_State *), lua_CFunction closer, lua_CFunction len, lua_CFunction tostring,
                          const char *name, lua_CFunction ctor, lua_CFunction load)
{
    luaL_newmetatable(L, mt);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    described(L);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, closer);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, closer);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_createtable(L, 0, 1); /* the class table */
    lua_pushcfunction(L, load);
    lua_setfield(L, -2, "from_bytes");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, ctor);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    lua_setfield(L, -2, name);
}

static const luaL_Reg sketch_funcs[] = {
    {"sketch_from_bytes", l_sketch_from_bytes},
    {"durations_from_bytes", l_durations_from_bytes},
    {NULL, NULL},
};

void svcmlua_open_sketch(lua_State *L)
{
    luaL_setfuncs(L, sketch_funcs, 0);
    register_type(L, SKETCH_MT, sketch_methods, svcmlua_members_Sketch, l_sketch_close, l_sketch_count,
                  l_sketch_tostring, "Sketch", l_sketch_new, l_sketch_from_bytes);
    register_type(L, DURATIONS_MT, durations_methods, svcmlua_members_Durations,
                  l_durations_close, l_durations_count,
                  l_durations_tostring, "Durations", l_durations_new, l_durations_from_bytes);
}
