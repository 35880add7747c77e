/* Lua surface of the erlang engine: Erlang B/C, service level, ASA,
 * staffing, and contact-centre interval metrics. */
#include "svcmlua.h"
#include "gen_lua.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "svcm/erlang.h"

/* ------------------------------------------------------------ Erlang A,
 * Erlang B inverse, fractional agents, reverse calculation (0.2) */

/* Shift scheduling, defined at the end of the file. */
static int l_schedule_shifts(lua_State *L);
static int l_schedule_pattern(lua_State *L);
/* ------------------------------------------------------------ chat (0.2):
 * agents with up to k concurrent chats, AHT by concurrency. */

/* ------------------------------------------------- fractional staffing */

static const luaL_Reg erlang_funcs[] = {
    {"schedule_shifts", l_schedule_shifts},
    {"schedule_pattern", l_schedule_pattern},
    {NULL, NULL},
};

void svcmlua_open_erlang(lua_State *L)
{
    luaL_setfuncs(L, erlang_funcs, 0);
}

/* ------------------------------------------------------ shift scheduling
 * (schedule.h, 0.2): svcm.schedule_shifts(required, coverage, opts). */

static int sched_fail_at(lua_State *L, size_t index, const char *field, const char *msg)
{
    svcm_error err;
    svcm_error_clear(&err);
    err.code = SVCM_EINVAL;
    err.index = index;
    err.field = field;
    snprintf(err.message, sizeof err.message, "%s", msg);
    return svcmlua_fail(L, SVCM_EINVAL, &err);
}

/* Argument 2, a table of 0/1 rows of t numbers, into a userdata of p x t
 * bytes left on the stack (values outside 0..255 become 255 so that svcm
 * names the pattern). Raises on misuse. */
static uint8_t *sched_coverage_arg(lua_State *L, size_t t, size_t *np)
{
    luaL_checktype(L, 2, LUA_TTABLE);
    size_t p = (size_t)luaL_len(L, 2);
    if (t > 0 && p > SIZE_MAX / t)
        luaL_argerror(L, 2, "coverage matrix too large");
    uint8_t *a = lua_newuserdatauv(L, p * t + 1, 0);
    for (size_t j = 0; j < p; j++) {
        if (lua_geti(L, 2, (lua_Integer)j + 1) != LUA_TTABLE)
            luaL_argerror(L, 2, "coverage rows must be tables of 0/1");
        if ((size_t)luaL_len(L, -1) != t)
            luaL_error(L, "coverage row %d has %d periods, required has %d", (int)j + 1,
                       (int)luaL_len(L, -1), (int)t);
        for (size_t k = 0; k < t; k++) {
            lua_geti(L, -1, (lua_Integer)k + 1);
            int isint;
            lua_Integer v = lua_tointegerx(L, -1, &isint);
            if (!isint)
                luaL_error(L, "coverage row %d, period %d: expected an integer", (int)j + 1,
                           (int)k + 1);
            a[j * t + k] = v >= 0 && v <= 255 ? (uint8_t)v : 255;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    *np = p;
    return a;
}

/* An optional integer field of the options table at index 3. */
static int sched_opt_int(lua_State *L, const char *name, lua_Integer *out)
{
    int set = 0;
    if (lua_getfield(L, 3, name) != LUA_TNIL) {
        int isint;
        *out = lua_tointegerx(L, -1, &isint);
        if (!isint)
            luaL_error(L, "option %s: expected an integer", name);
        set = 1;
    }
    lua_pop(L, 1);
    return set;
}

/* objective, max_staff and the limits; 0, or the result count of the failure pushed. */
static int sched_options_arg(lua_State *L, svcm_schedule_options *o)
{
    svcm_schedule_options_init(o);
    if (lua_isnoneornil(L, 3))
        return 0;
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_getfield(L, 3, "objective");
    const char *obj = lua_isnil(L, -1) ? "min_cost" : luaL_checkstring(L, -1);
    int bad = strcmp(obj, "min_cost") != 0 && strcmp(obj, "min_abs_diff") != 0;
    o->objective = strcmp(obj, "min_abs_diff") == 0 ? SVCM_SCHEDULE_OBJECTIVE_MIN_ABS_DIFF
                                                    : SVCM_SCHEDULE_OBJECTIVE_MIN_COST;
    lua_pop(L, 1);
    if (bad)
        return svcmlua_fail_field(L, SVCM_EINVAL, "objective",
                          "objective must be 'min_cost' or 'min_abs_diff'");
    lua_Integer v;
    if (sched_opt_int(L, "max_staff", &v)) {
        if (v < 0 || v >= (lua_Integer)UINT32_MAX)
            return svcmlua_fail_field(L, SVCM_EINVAL, "max_staff", "max_staff must be >= 0");
        o->max_staff = (uint32_t)v;
    }
    if (sched_opt_int(L, "max_nodes", &v))
        o->max_nodes = v < 0 ? 0 : (uint64_t)v;
    if (sched_opt_int(L, "max_pivots", &v))
        o->max_pivots = v < 0 ? 0 : (uint64_t)v;
    lua_getfield(L, 3, "max_seconds");
    if (!lua_isnil(L, -1))
        o->max_seconds = luaL_checknumber(L, -1);
    lua_pop(L, 1);
    return 0;
}

/* opts.cost as a userdata of p doubles on the stack, or NULL when absent. */
static const double *sched_cost_arg(lua_State *L, size_t p)
{
    if (lua_isnoneornil(L, 3) || lua_getfield(L, 3, "cost") == LUA_TNIL) {
        if (!lua_isnoneornil(L, 3))
            lua_pop(L, 1);
        return NULL;
    }
    luaL_checktype(L, -1, LUA_TTABLE);
    if ((size_t)luaL_len(L, -1) != p)
        luaL_error(L, "cost has %d entries for %d patterns", (int)luaL_len(L, -1), (int)p);
    double *c = lua_newuserdatauv(L, (p + 1) * sizeof *c, 0);
    for (size_t j = 0; j < p; j++) {
        lua_geti(L, -2, (lua_Integer)j + 1);
        int isnum;
        c[j] = lua_tonumberx(L, -1, &isnum);
        if (!isnum)
            luaL_error(L, "cost %d: expected a number", (int)j + 1);
        lua_pop(L, 1);
    }
    return c;
}

static void sched_push_result(lua_State *L, const struct svcm_schedule_result *r, const uint32_t *x,
                              size_t p)
{
    static const char *const status[] = {"optimal", "node_limit", "pivot_limit", "time_limit"};
    lua_createtable(L, 0, 10);
    svcmlua_setnumber(L, "cost", r->objective);
    lua_createtable(L, (int)p, 0);
    for (size_t j = 0; j < p; j++) {
        lua_pushinteger(L, (lua_Integer)x[j]);
        lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
    lua_setfield(L, -2, "counts");
    const double nums[] = {r->gap, r->bound, r->lp_bound};
    const char *const names[] = {"gap", "bound", "lp_bound"};
    for (int k = 0; k < 3; k++) {
        lua_pushnumber(L, nums[k]);
        lua_setfield(L, -2, names[k]);
    }
    svcmlua_setboolean(L, "optimal", r->status == SVCM_SCHEDULE_STATUS_OPTIMAL);
    svcmlua_setstring(L, "status", status[r->status]);
    const uint64_t ints[] = {r->staff, r->nodes, r->pivots};
    const char *const inames[] = {"staff", "nodes", "pivots"};
    for (int k = 0; k < 3; k++) {
        lua_pushinteger(L, (lua_Integer)ints[k]);
        lua_setfield(L, -2, inames[k]);
    }
}

static int l_schedule_shifts(lua_State *L)
{
    size_t t, p;
    lua_settop(L, 3); /* the options stay at index 3, scratch goes above */
    const int64_t *req = svcmlua_checkint64s(L, 1, &t);
    uint32_t *r = lua_newuserdatauv(L, (t + 1) * sizeof *r, 0);
    for (size_t k = 0; k < t; k++) {
        if (req[k] < 0 || req[k] > (int64_t)UINT32_MAX)
            return sched_fail_at(L, k, "required", "required staff must be >= 0");
        r[k] = (uint32_t)req[k];
    }
    const uint8_t *a = sched_coverage_arg(L, t, &p);
    svcm_schedule_options o;
    int failed = sched_options_arg(L, &o); /* the failure's result count, or 0 */
    if (failed)
        return failed;
    const double *cost = sched_cost_arg(L, p);
    uint32_t *x = lua_newuserdatauv(L, (p + 1) * sizeof *x, 0);
    struct svcm_schedule_result res;
    svcm_error err;
    int rc = svcm_schedule_solve(r, t, a, p, cost, &o, NULL, x, &res, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    sched_push_result(L, &res, x, p);
    return 1;
}

/* ------------------------------------------------- svcm.schedule_pattern */

/* A period count or offset argument: an integer >= 0 (misuse raises). */
static size_t pattern_size(lua_State *L, int arg)
{
    lua_Integer v = luaL_checkinteger(L, arg);
    luaL_argcheck(L, v >= 0, arg, "expected an integer >= 0");
    return (size_t)v;
}

/* breaks (index 4): nil or an array of {offset, length} pairs, read into a
 * userdata left on the stack. */
static const svcm_schedule_break *pattern_breaks_arg(lua_State *L, size_t *nb)
{
    *nb = 0;
    if (lua_isnoneornil(L, 4))
        return NULL;
    luaL_checktype(L, 4, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 4);
    luaL_argcheck(L, n >= 0 && (lua_Unsigned)n < SIZE_MAX / sizeof(svcm_schedule_break), 4,
                  "too many breaks");
    svcm_schedule_break *b = lua_newuserdatauv(L, ((size_t)n + 1) * sizeof *b, 0);
    for (lua_Integer k = 1; k <= n; k++) {
        if (lua_geti(L, 4, k) != LUA_TTABLE)
            luaL_error(L, "breaks[%d]: expected an {offset, length} pair", (int)k);
        lua_Integer v[2];
        for (int j = 0; j < 2; j++) {
            int isnum;
            lua_geti(L, -1 - j, j + 1);
            v[j] = lua_tointegerx(L, -1, &isnum);
            if (!isnum || v[j] < 0)
                luaL_error(L, "breaks[%d][%d]: expected an integer >= 0", (int)k, j + 1);
        }
        b[k - 1] = (svcm_schedule_break){(size_t)v[0], (size_t)v[1]};
        lua_pop(L, 3);
    }
    *nb = (size_t)n;
    return b;
}

/* svcm.schedule_pattern(n_periods, start, length[, breaks[, wrap]])
 *   -> {0/1 per period} | nil, msg, code
 * start and the break offsets count periods from 0, as in C; the row is a
 * Lua array (row[1] is period 0), ready for schedule_shifts' coverage. */
static int l_schedule_pattern(lua_State *L)
{
    size_t n = pattern_size(L, 1), start = pattern_size(L, 2), length = pattern_size(L, 3), nb;
    int wrap = lua_toboolean(L, 5);
    lua_settop(L, 5);
    const svcm_schedule_break *b = pattern_breaks_arg(L, &nb);
    luaL_argcheck(L, n < (size_t)INT_MAX, 1, "more periods than a Lua array holds");
    uint8_t *row = lua_newuserdatauv(L, n + 1, 0);
    svcm_error err;
    int rc = svcm_schedule_pattern(n, start, length, b, nb, wrap, row, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t k = 0; k < n; k++) {
        lua_pushinteger(L, row[k]);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}
