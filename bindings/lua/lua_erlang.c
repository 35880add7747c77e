/* Lua surface of the erlang engine's hand-written part: shift scheduling
 * (svcm.schedule_shifts, svcm.schedule_pattern), whose coverage matrix,
 * {offset, length} pairs and results the description has no kinds for.
 * Everything else is described in bindings/api/erlang.py. */
#include "svcmlua.h"
#include "gen_lua.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "svcm/erlang.h"

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

/* objective, max_staff and the limits from the options at index 3; 0, or
 * the result count of the failure pushed. */
static int sched_options_arg(lua_State *L, svcm_schedule_options *o)
{
    svcm_schedule_options_init(o);
    const char *obj = svcmlua_optfield_string(L, 3, "objective", "min_cost");
    int abs_diff = strcmp(obj, "min_abs_diff") == 0;
    if (!abs_diff && strcmp(obj, "min_cost") != 0)
        return svcmlua_fail_field(L, SVCM_EINVAL, "objective",
                                  "objective must be 'min_cost' or 'min_abs_diff'");
    o->objective = abs_diff ? SVCM_SCHEDULE_OBJECTIVE_MIN_ABS_DIFF
                            : SVCM_SCHEDULE_OBJECTIVE_MIN_COST;
    lua_Integer v = svcmlua_optfield_integer(L, 3, "max_staff", o->max_staff);
    if (v < 0 || v > (lua_Integer)UINT32_MAX)
        return svcmlua_fail_field(L, SVCM_EINVAL, "max_staff", "max_staff must be >= 0");
    o->max_staff = (uint32_t)v;
    v = svcmlua_optfield_integer(L, 3, "max_nodes", (lua_Integer)o->max_nodes);
    o->max_nodes = v < 0 ? 0 : (uint64_t)v; /* svcm names a limit of 0 */
    v = svcmlua_optfield_integer(L, 3, "max_pivots", (lua_Integer)o->max_pivots);
    o->max_pivots = v < 0 ? 0 : (uint64_t)v;
    o->max_seconds = svcmlua_optfield_number(L, 3, "max_seconds", o->max_seconds);
    return 0;
}

/* svcm.schedule_shifts(required, coverage[, {cost=, objective=, max_staff=,
 * max_nodes=, max_pivots=, max_seconds=}]) -> result table | nil, msg, code */
static int l_schedule_shifts(lua_State *L)
{
    size_t t, p, nc = 0;
    lua_settop(L, 3); /* the options stay at index 3, scratch goes above */
    const int64_t *req = svcmlua_checkint64s(L, 1, &t);
    uint32_t *r = lua_newuserdatauv(L, (t + 1) * sizeof *r, 0);
    for (size_t k = 0; k < t; k++) {
        if (req[k] < 0 || req[k] > (int64_t)UINT32_MAX) {
            svcm_error err;
            svcm_error_clear(&err);
            err.index = k;
            err.field = "required";
            snprintf(err.message, sizeof err.message, "required staff must be >= 0");
            return svcmlua_fail(L, SVCM_EINVAL, &err);
        }
        r[k] = (uint32_t)req[k];
    }
    const uint8_t *a = sched_coverage_arg(L, t, &p);
    svcm_schedule_options o;
    int failed = sched_options_arg(L, &o); /* the failure's result count, or 0 */
    if (failed)
        return failed;
    const double *cost = NULL;
    if (!lua_isnil(L, 3) && lua_getfield(L, 3, "cost") != LUA_TNIL) {
        luaL_checktype(L, -1, LUA_TTABLE);
        cost = svcmlua_checkdoubles(L, lua_gettop(L), &nc);
        if (nc != p)
            luaL_error(L, "cost has %d entries for %d patterns", (int)nc, (int)p);
    }
    uint32_t *x = lua_newuserdatauv(L, (p + 1) * sizeof *x, 0);
    struct svcm_schedule_result res;
    svcm_error err;
    int rc = svcm_schedule_solve(r, t, a, p, cost, &o, NULL, x, &res, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    static const char *const status[] = {"optimal", "node_limit", "pivot_limit", "time_limit"};
    lua_createtable(L, 0, 10);
    lua_createtable(L, (int)p, 0);
    for (size_t j = 0; j < p; j++) {
        lua_pushinteger(L, (lua_Integer)x[j]);
        lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
    lua_setfield(L, -2, "counts");
    svcmlua_setnumber(L, "cost", res.objective);
    svcmlua_setnumber(L, "gap", res.gap);
    svcmlua_setnumber(L, "bound", res.bound);
    svcmlua_setnumber(L, "lp_bound", res.lp_bound);
    svcmlua_setboolean(L, "optimal", res.status == SVCM_SCHEDULE_STATUS_OPTIMAL);
    svcmlua_setstring(L, "status", status[res.status]);
    svcmlua_setinteger(L, "staff", (lua_Integer)res.staff);
    svcmlua_setinteger(L, "nodes", (lua_Integer)res.nodes);
    svcmlua_setinteger(L, "pivots", (lua_Integer)res.pivots);
    return 1;
}

/* A period count or offset argument: an integer >= 0 (misuse raises). */
static size_t pattern_size(lua_State *L, int arg)
{
    lua_Integer v = luaL_checkinteger(L, arg);
    luaL_argcheck(L, v >= 0, arg, "expected an integer >= 0");
    return (size_t)v;
}

/* svcm.schedule_pattern(n_periods, start, length[, breaks[, wrap]])
 *   -> {0/1 per period} | nil, msg, code
 * breaks: {offset, length} pairs. start and the break offsets count periods
 * from 0, as in C; the row is a Lua array (row[1] is period 0), ready for
 * schedule_shifts' coverage. */
static int l_schedule_pattern(lua_State *L)
{
    size_t n = pattern_size(L, 1), start = pattern_size(L, 2), length = pattern_size(L, 3);
    int wrap = lua_toboolean(L, 5);
    lua_settop(L, 5);
    lua_Integer nb = 0;
    if (!lua_isnil(L, 4)) {
        luaL_checktype(L, 4, LUA_TTABLE);
        nb = luaL_len(L, 4);
    }
    luaL_argcheck(L, nb >= 0 && (lua_Unsigned)nb < SIZE_MAX / sizeof(svcm_schedule_break), 4,
                  "too many breaks");
    svcm_schedule_break *b = lua_newuserdatauv(L, ((size_t)nb + 1) * sizeof *b, 0);
    for (lua_Integer k = 1; k <= nb; k++) {
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
    luaL_argcheck(L, n < (size_t)INT_MAX, 1, "more periods than a Lua array holds");
    uint8_t *row = lua_newuserdatauv(L, n + 1, 0);
    svcm_error err;
    int rc = svcm_schedule_pattern(n, start, length, b, (size_t)nb, wrap, row, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t k = 0; k < n; k++) {
        lua_pushinteger(L, row[k]);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

void svcmlua_open_erlang(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"schedule_shifts", l_schedule_shifts},
        {"schedule_pattern", l_schedule_pattern},
        {NULL, NULL},
    };
    luaL_setfuncs(L, funcs, 0);
}
