/* Lua binding of the scorecard engine (svcm/scorecard.h): verdicts on
 * targets, changes against the previous period, the targets text. Module
 * functions only; rich results are tables. Misuse (wrong Lua types, an
 * unknown direction or unit) raises; bad data returns nil, message, code,
 * detail. */
#include <string.h>

#include "svcmlua.h"
#include "gen_lua.h"
#include "svcm/scorecard.h"

void svcmlua_open_scorecard(lua_State *L);

static const char *const directions[] = {"at_least", "at_most", NULL};
static const char *const units[] = {"", "%", "s", "m", "h", "d", NULL};

/* Position of s in list, or -1. */
static int option_index(const char *s, const char *const *list)
{
    for (int i = 0; list[i] != NULL; i++)
        if (strcmp(list[i], s) == 0)
            return i;
    return -1;
}

static svcm_target_direction opt_direction(lua_State *L, int arg, const char *def)
{
    return (svcm_target_direction)luaL_checkoption(L, arg, def, directions);
}

/* svcm.target_feedback_result(feedback, target [, direction [, confidence]]) */
static int l_target_feedback_result(lua_State *L)
{
    double target = luaL_checknumber(L, 2);
    svcm_target_direction d = opt_direction(L, 3, "at_least");
    double confidence = luaL_optnumber(L, 4, 0.95);
    lua_settop(L, 4);
    const svcm_feedback *f = svcmlua_check_feedback(L, 1);
    struct svcm_target_result r;
    int rc = svcm_target_verdict_feedback(f, target, d, confidence, &r);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    svcmlua_rec_TargetResult(L, &r);
    return 1;
}

/* svcm.target_feedback_change(previous, current [, direction [, confidence]]) */
static int l_target_feedback_change(lua_State *L)
{
    svcm_target_direction d = opt_direction(L, 3, "at_least");
    double confidence = luaL_optnumber(L, 4, 0.95);
    lua_settop(L, 4);
    const svcm_feedback *a = svcmlua_check_feedback(L, 1);
    const svcm_feedback *b = svcmlua_check_feedback(L, 2);
    struct svcm_target_change_result r;
    int rc = svcm_target_change_feedback(a, b, d, confidence, &r);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    lua_pushstring(L, svcm_target_change_name(r.change));
    return 1;
}

/* svcm.targets_parse(text) -> { {name=, direction=, value=, unit=}, ... } */
static int l_targets_parse(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    svcm_targets *t = lua_newuserdatauv(L, sizeof *t, 0); /* freed by the GC */
    svcm_error err;
    int rc = svcm_targets_parse(text, len, t, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, (int)t->count, 0);
    for (size_t i = 0; i < t->count; i++) {
        const svcm_target *it = &t->item[i];
        lua_createtable(L, 0, 4);
        svcmlua_setstring(L, "name", it->name);
        svcmlua_setstring(L, "direction", directions[it->direction]);
        svcmlua_setnumber(L, "value", it->value);
        svcmlua_setstring(L, "unit", svcm_target_unit_name(it->unit));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int bad_target(lua_State *L, lua_Integer i, const char *what)
{
    return luaL_error(L, "bad argument #1 to 'targets_format' (target %d%s)", (int)i, what);
}

/* svcm.targets_format(targets) -> text; targets as targets_parse returns
 * them (unit optional, "" by default). */
static int l_targets_format(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    svcm_targets *t = lua_newuserdatauv(L, sizeof *t, 0);
    svcm_targets_init(t);
    lua_Integer n = luaL_len(L, 1);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_geti(L, 1, i) != LUA_TTABLE)
            return bad_target(L, i, " is not a table");
        int row = lua_gettop(L);
        int tn = lua_getfield(L, row, "name"), td = lua_getfield(L, row, "direction");
        lua_getfield(L, row, "value");
        int tu = lua_getfield(L, row, "unit");
        int d = td == LUA_TSTRING ? option_index(lua_tostring(L, row + 2), directions) : -1;
        int u = tu == LUA_TNIL      ? 0
                : tu == LUA_TSTRING ? option_index(lua_tostring(L, row + 4), units)
                                    : -1;
        if (tn != LUA_TSTRING)
            return bad_target(L, i, ": name must be a string");
        if (d < 0)
            return bad_target(L, i, ": direction must be 'at_least' or 'at_most'");
        if (!lua_isnumber(L, row + 3))
            return bad_target(L, i, ": value must be a number");
        if (u < 0)
            return bad_target(L, i, ": unit must be '', '%', 's', 'm', 'h' or 'd'");
        svcm_error err;
        int rc = svcm_targets_add(t, lua_tostring(L, row + 1), (svcm_target_direction)d,
                                  lua_tonumber(L, row + 3), (svcm_target_unit)u, &err);
        if (rc != SVCM_OK)
            return svcmlua_fail(L, rc, &err);
        lua_settop(L, row - 1);
    }
    size_t len = 0;
    (void)svcm_targets_format(t, NULL, 0, &len);
    luaL_Buffer b;
    char *buf = luaL_buffinitsize(L, &b, len + 1);
    int rc = svcm_targets_format(t, buf, len + 1, &len);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    luaL_pushresultsize(&b, len);
    return 1;
}

static const luaL_Reg scorecard_functions[] = {
    {"target_feedback_result", l_target_feedback_result},
    {"target_feedback_change", l_target_feedback_change},
    {"targets_parse", l_targets_parse},
    {"targets_format", l_targets_format},
    {NULL, NULL},
};

void svcmlua_open_scorecard(lua_State *L) { luaL_setfuncs(L, scorecard_functions, 0); }
