/* Lua surface of the erlang engine: Erlang B/C, service level, ASA,
 * staffing, and contact-centre interval metrics. */
#include "svcmlua.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "svcm/erlang.h"

static int fail_field(lua_State *L, int rc, const char *field, const char *msg)
{
    svcm_error err;
    svcm_error_clear(&err);
    err.code = rc;
    err.field = field;
    snprintf(err.message, sizeof err.message, "%s", msg);
    return svcmlua_fail(L, rc, &err);
}

/* An agent count from a Lua integer; 0 or, when out of [0, UINT32_MAX], -1
 * (the caller returns the failure triple). Non-integers raise. */
static int to_agents(lua_State *L, lua_Integer v, uint32_t *out)
{
    (void)L;
    if (v < 0 || (uint64_t)v > UINT32_MAX)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static void push_result(lua_State *L, const struct svcm_erlang_result *r)
{
    lua_createtable(L, 0, 7);
    svcmlua_setinteger(L, "agents", (lua_Integer)r->agents);
    svcmlua_setinteger(L, "staff", (lua_Integer)r->staff);
    svcmlua_setnumber(L, "traffic", r->traffic);
    svcmlua_setnumber(L, "p_wait", r->p_wait);
    svcmlua_setnumber(L, "service_level", r->service_level);
    svcmlua_setnumber(L, "asa", r->asa_s);
    svcmlua_setnumber(L, "occupancy", r->occupancy);
}

/* svcm.erlang_b(a, n) / svcm.erlang_c(a, n) */
static int erlang_bc(lua_State *L, int which_c)
{
    double a = luaL_checknumber(L, 1);
    lua_Integer n = luaL_checkinteger(L, 2);
    uint32_t agents;
    if (to_agents(L, n, &agents) < 0)
        return fail_field(L, SVCM_EINVAL, "agents", "agents must be in [0, 4294967295]");
    double out = 0.0;
    svcm_error err;
    int rc = which_c ? svcm_erlang_c(a, agents, &out, &err)
                     : svcm_erlang_b(a, agents, &out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushnumber(L, out);
    return 1;
}

static int l_erlang_b(lua_State *L) { return erlang_bc(L, 0); }
static int l_erlang_c(lua_State *L) { return erlang_bc(L, 1); }

/* svcm.traffic_erlangs(calls, aht_s, interval_s) */
static int l_traffic(lua_State *L)
{
    double a = 0.0;
    svcm_error err;
    int rc = svcm_erlang_traffic(luaL_checknumber(L, 1), luaL_checknumber(L, 2),
                                 luaL_checknumber(L, 3), &a, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushnumber(L, a);
    return 1;
}

/* svcm.service_level(calls, aht_s, interval_s, agents, target_s) */
static int l_service_level(lua_State *L)
{
    double calls = luaL_checknumber(L, 1), aht = luaL_checknumber(L, 2);
    double interval = luaL_checknumber(L, 3);
    lua_Integer n = luaL_checkinteger(L, 4);
    double target = luaL_checknumber(L, 5);
    uint32_t agents;
    if (to_agents(L, n, &agents) < 0)
        return fail_field(L, SVCM_EINVAL, "agents", "agents must be in [0, 4294967295]");
    double a = 0.0, out = 0.0;
    svcm_error err;
    int rc = svcm_erlang_traffic(calls, aht, interval, &a, &err);
    if (rc == SVCM_OK)
        rc = svcm_erlang_service_level(a, aht, agents, target, &out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushnumber(L, out);
    return 1;
}

/* svcm.asa(calls, aht_s, interval_s, agents) */
static int l_asa(lua_State *L)
{
    double calls = luaL_checknumber(L, 1), aht = luaL_checknumber(L, 2);
    double interval = luaL_checknumber(L, 3);
    lua_Integer n = luaL_checkinteger(L, 4);
    uint32_t agents;
    if (to_agents(L, n, &agents) < 0)
        return fail_field(L, SVCM_EINVAL, "agents", "agents must be in [0, 4294967295]");
    double a = 0.0, out = 0.0;
    svcm_error err;
    int rc = svcm_erlang_traffic(calls, aht, interval, &a, &err);
    if (rc == SVCM_OK)
        rc = svcm_erlang_asa(a, aht, agents, &out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushnumber(L, out);
    return 1;
}

/* Options from the fields of the table at idx (absent fields: defaults).
 * Returns 0, or -1 when max_agents is out of range (caller fails). */
static int read_options(lua_State *L, int idx, svcm_erlang_options *o)
{
    svcm_erlang_options_init(o);
    o->target_answer_s = svcmlua_optfield_number(L, idx, "target_s", o->target_answer_s);
    o->target_sl = svcmlua_optfield_number(L, idx, "target_sl", o->target_sl);
    o->max_occupancy = svcmlua_optfield_number(L, idx, "max_occupancy", o->max_occupancy);
    o->max_asa_s = svcmlua_optfield_number(L, idx, "max_asa_s", o->max_asa_s);
    o->shrinkage = svcmlua_optfield_number(L, idx, "shrinkage", o->shrinkage);
    lua_Integer m = svcmlua_optfield_integer(L, idx, "max_agents", (lua_Integer)o->max_agents);
    return to_agents(L, m, &o->max_agents);
}

/* A required number field of the table at idx. */
static double need_number(lua_State *L, int idx, const char *key)
{
    int t = lua_getfield(L, idx, key);
    if (t != LUA_TNUMBER)
        luaL_error(L, "field '%s': number expected, got %s", key, lua_typename(L, t));
    double v = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return v;
}

/* Shared body of agents_needed and staffing. Forms:
 *   f(calls, aht_s, interval_s, target_s, target_sl [, opts])
 *   f{calls=, aht_s=, interval_s=, target_s=, target_sl=, ...options} */
static int staffing_common(lua_State *L, int want_table)
{
    double calls, aht, interval;
    svcm_erlang_options o;
    int opts_idx;
    int bad_max = 0;
    if (lua_istable(L, 1)) {
        calls = need_number(L, 1, "calls");
        aht = need_number(L, 1, "aht_s");
        interval = need_number(L, 1, "interval_s");
        opts_idx = 1;
        bad_max = read_options(L, 1, &o) < 0;
    } else {
        calls = luaL_checknumber(L, 1);
        aht = luaL_checknumber(L, 2);
        interval = luaL_checknumber(L, 3);
        opts_idx = 6;
        bad_max = read_options(L, 6, &o) < 0;
        o.target_answer_s = luaL_optnumber(L, 4, o.target_answer_s);
        o.target_sl = luaL_optnumber(L, 5, o.target_sl);
    }
    if (bad_max)
        return fail_field(L, SVCM_EINVAL, "max_agents", "max_agents must be in [0, 4294967295]");
    lua_Integer n = svcmlua_optfield_integer(L, opts_idx, "agents", -1);
    uint32_t agents = 0;
    int evaluate = n != -1;
    if (evaluate && to_agents(L, n, &agents) < 0)
        return fail_field(L, SVCM_EINVAL, "agents", "agents must be in [0, 4294967295]");
    double a = 0.0;
    svcm_error err;
    struct svcm_erlang_result r;
    int rc = svcm_erlang_traffic(calls, aht, interval, &a, &err);
    if (rc == SVCM_OK)
        rc = evaluate ? svcm_erlang_eval(a, aht, agents, &o, &r, &err)
                      : svcm_erlang_staff(a, aht, &o, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    if (want_table)
        push_result(L, &r);
    else
        lua_pushinteger(L, (lua_Integer)r.agents);
    return 1;
}

static int l_agents_needed(lua_State *L) { return staffing_common(L, 0); }
static int l_staffing(lua_State *L) { return staffing_common(L, 1); }

/* svcm.staffing_batch(calls, aht_s, interval_s [, opts]): calls a table,
 * aht_s a table of the same length or one number. */
static int l_staffing_batch(lua_State *L)
{
    size_t n = 0, naht = 0;
    lua_settop(L, 4); /* the arrays below are pushed above the arguments */
    double interval = luaL_checknumber(L, 3);
    svcm_erlang_options o;
    if (read_options(L, 4, &o) < 0)
        return fail_field(L, SVCM_EINVAL, "max_agents", "max_agents must be in [0, 4294967295]");
    const double *calls = svcmlua_checkdoubles(L, 1, &n);
    int aht_scalar = lua_type(L, 2) == LUA_TNUMBER;
    const double *aht = svcmlua_checkdoubles(L, 2, &naht);
    if (!aht_scalar && naht != n)
        return luaL_argerror(L, 2, "length differs from calls");
    /* Scratch in a userdata so that a raise cannot leak it. */
    size_t per = 2 * sizeof(double) + sizeof(struct svcm_erlang_result);
    if (n > (SIZE_MAX - 1) / per)
        return luaL_argerror(L, 1, "table too large");
    char *scratch = lua_newuserdatauv(L, n * per + 1, 0);
    struct svcm_erlang_result *out = (struct svcm_erlang_result *)(void *)scratch;
    double *traffic = (double *)(void *)(scratch + n * sizeof(struct svcm_erlang_result));
    double *ahts = traffic + n;
    svcm_error err;
    for (size_t i = 0; i < n; i++) {
        ahts[i] = aht_scalar ? aht[0] : aht[i];
        int rc = svcm_erlang_traffic(calls[i], ahts[i], interval, &traffic[i], &err);
        if (rc != SVCM_OK) {
            err.index = i;
            return svcmlua_fail(L, rc, &err);
        }
    }
    int rc = svcm_erlang_staff_batch(traffic, ahts, n, &o, out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, n > INT32_MAX ? 0 : (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        push_result(L, &out[i]);
        lua_rawseti(L, -2, (lua_Integer)(i + 1));
    }
    return 1;
}

/* svcm.staff_with_shrinkage(agents, shrinkage) */
static int l_staff_with_shrinkage(lua_State *L)
{
    lua_Integer n = luaL_checkinteger(L, 1);
    double s = luaL_checknumber(L, 2);
    uint32_t agents, out = 0;
    if (to_agents(L, n, &agents) < 0)
        return fail_field(L, SVCM_EINVAL, "agents", "agents must be in [0, 4294967295]");
    svcm_error err;
    int rc = svcm_erlang_staff_with_shrinkage(agents, s, &out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushinteger(L, (lua_Integer)out);
    return 1;
}

static const char *const count_names[] = {
    "answered",       "answered_within_target", "abandoned",   "abandoned_within_target",
    "abandoned_short", "wait_time_s",           "handled",     "talk_time_s",
    "hold_time_s",    "acw_time_s",             "staffed_time_s",
};
#define NCOUNTS (sizeof count_names / sizeof count_names[0])

static double *count_slot(svcm_contact_counts *c, size_t i)
{
    double *slots[NCOUNTS] = {&c->answered,       &c->answered_within_target,
                              &c->abandoned,      &c->abandoned_within_target,
                              &c->abandoned_short, &c->wait_time_s,
                              &c->handled,        &c->talk_time_s,
                              &c->hold_time_s,    &c->acw_time_s,
                              &c->staffed_time_s};
    return slots[i];
}

/* Counts from the table at idx: unknown keys and non-numbers raise;
 * missing keys are 0. */
static void read_counts(lua_State *L, int idx, svcm_contact_counts *c)
{
    idx = lua_absindex(L, idx);
    luaL_checktype(L, idx, LUA_TTABLE);
    memset(c, 0, sizeof *c);
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, "counts: keys must be field names");
        const char *name = lua_tostring(L, -2);
        size_t i = 0;
        while (i < NCOUNTS && strcmp(count_names[i], name) != 0)
            i++;
        if (i == NCOUNTS)
            luaL_error(L, "counts: unknown field '%s'", name);
        if (lua_type(L, -1) != LUA_TNUMBER)
            luaL_error(L, "counts: field '%s' must be a number", name);
        *count_slot(c, i) = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
}

static void push_metrics(lua_State *L, const svcm_contact_metrics *m)
{
    lua_createtable(L, 0, 10);
#define SVCMLUA_SET(key, val)                                                  \
    lua_pushnumber(L, val);                                                    \
    lua_setfield(L, -2, key);
    SVCMLUA_SET("offered", m->offered)
    SVCMLUA_SET("sl_answered", m->sl_answered)
    SVCMLUA_SET("sl_offered", m->sl_offered)
    SVCMLUA_SET("sl_excl_short", m->sl_excl_short)
    SVCMLUA_SET("sl_abandon_positive", m->sl_abandon_positive)
    SVCMLUA_SET("asa", m->asa_s)
    SVCMLUA_SET("abandon_rate", m->abandon_rate)
    SVCMLUA_SET("abandon_rate_excl_short", m->abandon_rate_excl_short)
    SVCMLUA_SET("aht", m->aht_s)
    SVCMLUA_SET("occupancy", m->occupancy)
#undef SVCMLUA_SET
}

/* svcm.contact_metrics{answered=..., ...} (also svcm.contact_centre) */
static int l_contact_metrics(lua_State *L)
{
    svcm_contact_counts c;
    read_counts(L, 1, &c);
    svcm_contact_metrics m;
    svcm_error err;
    int rc = svcm_contact_metrics_compute(&c, &m, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_metrics(L, &m);
    return 1;
}

/* An array of count tables as a userdata-backed C array (pushed). */
static svcm_contact_counts *read_counts_list(lua_State *L, int idx, size_t *n)
{
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_Unsigned len = lua_rawlen(L, idx);
    if (len > SIZE_MAX / sizeof(svcm_contact_counts) - 1)
        luaL_argerror(L, idx, "table too large");
    svcm_contact_counts *c = lua_newuserdatauv(L, (size_t)len * sizeof *c + 1, 0);
    for (lua_Unsigned i = 0; i < len; i++) {
        lua_rawgeti(L, idx, (lua_Integer)(i + 1));
        read_counts(L, -1, &c[i]);
        lua_pop(L, 1);
    }
    *n = (size_t)len;
    return c;
}

/* svcm.contact_metrics_batch{ {..}, {..} } */
static int l_contact_metrics_batch(lua_State *L)
{
    size_t n = 0;
    svcm_contact_counts *c = read_counts_list(L, 1, &n);
    svcm_contact_metrics *m = lua_newuserdatauv(L, n * sizeof *m + 1, 0);
    svcm_error err;
    int rc = svcm_contact_metrics_batch(c, n, m, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, n > INT32_MAX ? 0 : (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        push_metrics(L, &m[i]);
        lua_rawseti(L, -2, (lua_Integer)(i + 1));
    }
    return 1;
}

/* svcm.contact_counts_sum{ {..}, {..} } -> counts table */
static int l_contact_counts_sum(lua_State *L)
{
    size_t n = 0;
    svcm_contact_counts *c = read_counts_list(L, 1, &n);
    svcm_contact_counts sum;
    svcm_error err;
    int rc = svcm_contact_counts_sum(c, n, &sum, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, 0, (int)NCOUNTS);
    for (size_t i = 0; i < NCOUNTS; i++) {
        lua_pushnumber(L, *count_slot(&sum, i));
        lua_setfield(L, -2, count_names[i]);
    }
    return 1;
}

/* ------------------------------------------------------------ Erlang A,
 * Erlang B inverse, fractional agents, reverse calculation (0.2) */

static void push_a_result(lua_State *L, const struct svcm_erlang_a_result *r)
{
    lua_createtable(L, 0, 10);
    svcmlua_setinteger(L, "agents", (lua_Integer)r->agents);
    svcmlua_setinteger(L, "staff", (lua_Integer)r->staff);
    const struct {
        const char *name;
        double value;
    } fields[] = {
        {"traffic", r->traffic},         {"p_wait", r->p_wait},
        {"p_abandon", r->p_abandon},     {"service_level", r->service_level},
        {"sl_virtual", r->sl_virtual},   {"asa", r->asa_s},
        {"wait_all", r->wait_all_s},     {"occupancy", r->occupancy},
        {"wait_virtual", r->wait_virtual_s},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        lua_pushnumber(L, fields[i].value);
        lua_setfield(L, -2, fields[i].name);
    }
}

/* Erlang A options from the table at idx (absent fields: defaults).
 * Returns 0, or -1 when max_agents is out of range (caller fails). */
static int read_a_options(lua_State *L, int idx, svcm_erlang_a_options *o)
{
    svcm_erlang_a_options_init(o);
    o->target_answer_s = svcmlua_optfield_number(L, idx, "target_s", o->target_answer_s);
    o->target_sl = svcmlua_optfield_number(L, idx, "target_sl", o->target_sl);
    o->max_occupancy = svcmlua_optfield_number(L, idx, "max_occupancy", o->max_occupancy);
    o->max_asa_s = svcmlua_optfield_number(L, idx, "max_asa_s", o->max_asa_s);
    o->max_abandon = svcmlua_optfield_number(L, idx, "max_abandon", o->max_abandon);
    o->shrinkage = svcmlua_optfield_number(L, idx, "shrinkage", o->shrinkage);
    lua_Integer m = svcmlua_optfield_integer(L, idx, "max_agents", (lua_Integer)o->max_agents);
    return to_agents(L, m, &o->max_agents);
}

/* svcm.erlang_a(calls, aht_s, interval_s, agents, patience_s [, target_s]) */
static int l_erlang_a(lua_State *L)
{
    double calls = luaL_checknumber(L, 1), aht = luaL_checknumber(L, 2);
    double interval = luaL_checknumber(L, 3);
    lua_Integer n = luaL_checkinteger(L, 4);
    double patience = luaL_checknumber(L, 5);
    svcm_erlang_a_options o;
    svcm_erlang_a_options_init(&o);
    o.target_answer_s = luaL_optnumber(L, 6, o.target_answer_s);
    uint32_t agents;
    if (to_agents(L, n, &agents) < 0)
        return fail_field(L, SVCM_EINVAL, "agents", "agents must be in [0, 4294967295]");
    double a = 0.0;
    svcm_error err;
    struct svcm_erlang_a_result r;
    int rc = svcm_erlang_traffic(calls, aht, interval, &a, &err);
    if (rc == SVCM_OK)
        rc = svcm_erlang_a_eval(a, aht, patience, agents, &o, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_a_result(L, &r);
    return 1;
}

/* svcm.agents_needed_a(calls, aht_s, interval_s, patience_s, target_sl,
 * target_s [, {max_abandon=, max_occupancy=, max_asa_s=, max_agents=}]) and
 * svcm.staffing_a(calls, aht_s, interval_s, patience_s [, options]) whose
 * options also take target_s, target_sl, shrinkage and staff (reverse). */
static int staffing_a_common(lua_State *L, int want_table)
{
    double calls = luaL_checknumber(L, 1), aht = luaL_checknumber(L, 2);
    double interval = luaL_checknumber(L, 3), patience = luaL_checknumber(L, 4);
    int opts_idx = want_table ? 5 : 7;
    svcm_erlang_a_options o;
    if (read_a_options(L, opts_idx, &o) < 0)
        return fail_field(L, SVCM_EINVAL, "max_agents", "max_agents must be in [0, 4294967295]");
    if (!want_table) {
        o.target_sl = luaL_checknumber(L, 5);
        o.target_answer_s = luaL_checknumber(L, 6);
    }
    lua_Integer staff = want_table ? svcmlua_optfield_integer(L, opts_idx, "staff", -1) : -1;
    uint32_t s = 0;
    if (staff != -1 && to_agents(L, staff, &s) < 0)
        return fail_field(L, SVCM_EINVAL, "staff", "staff must be in [0, 4294967295]");
    double a = 0.0;
    svcm_error err;
    struct svcm_erlang_a_result r;
    int rc = svcm_erlang_traffic(calls, aht, interval, &a, &err);
    if (rc == SVCM_OK)
        rc = staff != -1 ? svcm_erlang_a_eval_staff(a, aht, patience, s, &o, &r, &err)
                         : svcm_erlang_a_staff(a, aht, patience, &o, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    if (want_table)
        push_a_result(L, &r);
    else
        lua_pushinteger(L, (lua_Integer)r.agents);
    return 1;
}

static int l_agents_needed_a(lua_State *L) { return staffing_a_common(L, 0); }
static int l_staffing_a(lua_State *L) { return staffing_a_common(L, 1); }

/* svcm.eval_staff(calls, aht_s, interval_s, staff [, {target_s=, shrinkage=}]) */
static int l_eval_staff(lua_State *L)
{
    double calls = luaL_checknumber(L, 1), aht = luaL_checknumber(L, 2);
    double interval = luaL_checknumber(L, 3);
    lua_Integer staff = luaL_checkinteger(L, 4);
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    o.target_answer_s = svcmlua_optfield_number(L, 5, "target_s", o.target_answer_s);
    o.shrinkage = svcmlua_optfield_number(L, 5, "shrinkage", o.shrinkage);
    uint32_t s;
    if (to_agents(L, staff, &s) < 0)
        return fail_field(L, SVCM_EINVAL, "staff", "staff must be in [0, 4294967295]");
    double a = 0.0;
    svcm_error err;
    struct svcm_erlang_result r;
    int rc = svcm_erlang_traffic(calls, aht, interval, &a, &err);
    if (rc == SVCM_OK)
        rc = svcm_erlang_eval_staff(a, aht, s, &o, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_result(L, &r);
    return 1;
}

/* svcm.agents_from_staff(staff, shrinkage) */
static int l_agents_from_staff(lua_State *L)
{
    lua_Integer n = luaL_checkinteger(L, 1);
    double sh = luaL_checknumber(L, 2);
    uint32_t staff, out = 0;
    if (to_agents(L, n, &staff) < 0)
        return fail_field(L, SVCM_EINVAL, "staff", "staff must be in [0, 4294967295]");
    svcm_error err;
    int rc = svcm_erlang_agents_from_staff(staff, sh, &out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushinteger(L, (lua_Integer)out);
    return 1;
}

/* svcm.erlang_b_capacity(trunks, blocking) */
static int l_erlang_b_capacity(lua_State *L)
{
    lua_Integer n = luaL_checkinteger(L, 1);
    double p = luaL_checknumber(L, 2), out = 0.0;
    uint32_t trunks;
    if (to_agents(L, n, &trunks) < 0)
        return fail_field(L, SVCM_EINVAL, "trunks", "trunks must be in [0, 4294967295]");
    svcm_error err;
    int rc = svcm_erlang_b_capacity(trunks, p, &out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushnumber(L, out);
    return 1;
}

/* svcm.erlang_b_trunks(a, blocking) */
static int l_erlang_b_trunks(lua_State *L)
{
    double a = luaL_checknumber(L, 1), p = luaL_checknumber(L, 2);
    uint32_t out = 0;
    svcm_error err;
    int rc = svcm_erlang_b_trunks(a, p, &out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushinteger(L, (lua_Integer)out);
    return 1;
}

/* svcm.erlang_b_frac(a, x) / svcm.erlang_c_frac(a, x) */
static int erlang_frac(lua_State *L, int which_c)
{
    double a = luaL_checknumber(L, 1), x = luaL_checknumber(L, 2), out = 0.0;
    svcm_error err;
    int rc = which_c ? svcm_erlang_c_frac(a, x, &out, &err) : svcm_erlang_b_frac(a, x, &out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushnumber(L, out);
    return 1;
}

static int l_erlang_b_frac(lua_State *L) { return erlang_frac(L, 0); }
static int l_erlang_c_frac(lua_State *L) { return erlang_frac(L, 1); }

/* Shift scheduling, defined at the end of the file. */
static int l_schedule_shifts(lua_State *L);
static int l_schedule_pattern(lua_State *L);
/* ------------------------------------------------------------ chat (0.2):
 * agents with up to k concurrent chats, AHT by concurrency. */

static void push_chat_result(lua_State *L, const struct svcm_erlang_chat_result *r)
{
    lua_createtable(L, 0, 10);
    svcmlua_setinteger(L, "agents", (lua_Integer)r->agents);
    svcmlua_setinteger(L, "staff", (lua_Integer)r->staff);
    const struct {
        const char *name;
        double value;
    } fields[] = {
        {"arrival_rate", r->arrival_rate}, {"sessions", r->sessions},
        {"p_wait", r->p_wait},             {"p_abandon", r->p_abandon},
        {"service_level", r->service_level}, {"asa", r->asa_s},
        {"wait_all", r->wait_all_s},       {"occupancy", r->occupancy},
        {"sl_virtual", r->sl_virtual},     {"wait_virtual", r->wait_virtual_s},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        lua_pushnumber(L, fields[i].value);
        lua_setfield(L, -2, fields[i].name);
    }
}

/* The chat model and goals from the options table at idx (absent: aht at
 * every level of concurrency 1). Returns 0, or pushes the failure triple
 * and returns its count; raises on wrong types. */
static int read_chat_options(lua_State *L, int idx, double aht, svcm_erlang_chat_options *o)
{
    svcm_erlang_chat_options_init(o);
    lua_Integer k = 1;
    int have_k = 0;
    if (!lua_isnoneornil(L, idx)) {
        have_k = lua_getfield(L, idx, "concurrency") != LUA_TNIL;
        lua_pop(L, 1);
        k = svcmlua_optfield_integer(L, idx, "concurrency", 1);
    }
    if (have_k && (k < 1 || k > (lua_Integer)SVCM_ERLANG_CHAT_MAX_CONCURRENCY))
        return fail_field(L, SVCM_EINVAL, "concurrency", "concurrency must be in [1, 16]");
    int type = lua_isnoneornil(L, idx) ? LUA_TNIL : lua_getfield(L, idx, "aht_by_concurrency");
    if (type == LUA_TNIL) {
        if (!lua_isnoneornil(L, idx))
            lua_pop(L, 1);
        if (!have_k)
            k = 1;
        for (lua_Integer j = 0; j < k; j++)
            o->aht_s[j] = aht;
    } else {
        if (type != LUA_TTABLE)
            return luaL_error(L, "aht_by_concurrency: expected a table of numbers, got %s",
                              lua_typename(L, type));
        lua_Integer len = (lua_Integer)lua_rawlen(L, -1);
        if (len < 1 || len > (lua_Integer)SVCM_ERLANG_CHAT_MAX_CONCURRENCY) {
            lua_pop(L, 1);
            return fail_field(L, SVCM_EINVAL, "aht_by_concurrency",
                              "needs 1 to 16 handling times, one per concurrency level");
        }
        if (have_k && k != len)
            return luaL_error(L, "aht_by_concurrency: %d levels given but concurrency=%d",
                              (int)len, (int)k);
        for (lua_Integer j = 1; j <= len; j++) {
            lua_geti(L, -1, j);
            int isnum = 0;
            double v = (double)lua_tonumberx(L, -1, &isnum);
            lua_pop(L, 1);
            if (!isnum)
                return luaL_error(L, "aht_by_concurrency[%d]: expected a number", (int)j);
            o->aht_s[j - 1] = v;
        }
        lua_pop(L, 1);
        if (!(o->aht_s[0] == aht))
            return luaL_error(L,
                              "aht_by_concurrency: its first level (%f) must equal aht (%f), "
                              "the handling time of a chat handled alone",
                              (lua_Number)o->aht_s[0], (lua_Number)aht);
        k = len;
    }
    o->concurrency = (uint32_t)k;
    o->patience_s = svcmlua_optfield_number(L, idx, "patience", o->patience_s);
    o->target_answer_s = svcmlua_optfield_number(L, idx, "target_s", o->target_answer_s);
    o->target_sl = svcmlua_optfield_number(L, idx, "target_sl", o->target_sl);
    o->max_occupancy = svcmlua_optfield_number(L, idx, "max_occupancy", o->max_occupancy);
    o->max_asa_s = svcmlua_optfield_number(L, idx, "max_asa_s", o->max_asa_s);
    o->max_abandon = svcmlua_optfield_number(L, idx, "max_abandon", o->max_abandon);
    o->shrinkage = svcmlua_optfield_number(L, idx, "shrinkage", o->shrinkage);
    lua_Integer m = svcmlua_optfield_integer(L, idx, "max_agents", (lua_Integer)o->max_agents);
    if (to_agents(L, m, &o->max_agents) < 0)
        return fail_field(L, SVCM_EINVAL, "max_agents", "max_agents must be in [0, 4294967295]");
    return 0;
}

/* svcm.erlang_chat(chats, aht_s, interval_s, agents [, {concurrency=,
 * aht_by_concurrency={...}, patience=, target_s=, shrinkage=}]) */
static int l_erlang_chat(lua_State *L)
{
    double chats = luaL_checknumber(L, 1), aht = luaL_checknumber(L, 2);
    double interval = luaL_checknumber(L, 3);
    lua_Integer n = luaL_checkinteger(L, 4);
    if (!lua_isnoneornil(L, 5))
        luaL_checktype(L, 5, LUA_TTABLE);
    lua_settop(L, 5);
    svcm_erlang_chat_options o;
    int nret = read_chat_options(L, 5, aht, &o);
    if (nret > 0)
        return nret;
    uint32_t agents;
    if (to_agents(L, n, &agents) < 0)
        return fail_field(L, SVCM_EINVAL, "agents", "agents must be in [0, 4294967295]");
    svcm_error err;
    struct svcm_erlang_chat_result r;
    int rc = svcm_erlang_chat_eval(chats, interval, agents, &o, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_chat_result(L, &r);
    return 1;
}

/* svcm.agents_needed_chat(chats, aht_s, interval_s [, options]): options as
 * erlang_chat's plus target_sl, max_abandon, max_occupancy, max_asa_s,
 * max_agents. Returns the agent count. */
static int l_agents_needed_chat(lua_State *L)
{
    double chats = luaL_checknumber(L, 1), aht = luaL_checknumber(L, 2);
    double interval = luaL_checknumber(L, 3);
    if (!lua_isnoneornil(L, 4))
        luaL_checktype(L, 4, LUA_TTABLE);
    lua_settop(L, 4);
    svcm_erlang_chat_options o;
    int nret = read_chat_options(L, 4, aht, &o);
    if (nret > 0)
        return nret;
    svcm_error err;
    struct svcm_erlang_chat_result r;
    int rc = svcm_erlang_chat_staff(chats, interval, &o, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushinteger(L, (lua_Integer)r.agents);
    return 1;
}

/* ------------------------------------------------- fractional staffing */

static void push_number_fields(lua_State *L, const char *const *names, const double *values,
                               size_t n)
{
    lua_createtable(L, 0, (int)n);
    for (size_t i = 0; i < n; i++) {
        lua_pushnumber(L, values[i]);
        lua_setfield(L, -2, names[i]);
    }
}

static void push_frac_result(lua_State *L, const struct svcm_erlang_frac_result *r)
{
    static const char *const names[] = {"agents", "staff", "traffic", "p_wait",
                                        "service_level", "asa", "occupancy"};
    const double values[] = {r->agents, r->staff, r->traffic, r->p_wait,
                             r->service_level, r->asa_s, r->occupancy};
    push_number_fields(L, names, values, 7);
}

static void push_a_frac_result(lua_State *L, const struct svcm_erlang_a_frac_result *r)
{
    static const char *const names[] = {"agents",        "staff",      "traffic", "p_wait",
                                        "p_abandon",     "service_level", "sl_virtual",
                                        "asa",           "wait_all",   "occupancy",
                                        "wait_virtual"};
    const double values[] = {r->agents,     r->staff,         r->traffic,    r->p_wait,
                             r->p_abandon,  r->service_level, r->sl_virtual, r->asa_s,
                             r->wait_all_s, r->occupancy,     r->wait_virtual_s};
    push_number_fields(L, names, values, 11);
}

/* svcm.staffing_frac(calls, aht_s, interval_s [, {target_s=, target_sl=,
 * max_occupancy=, max_asa_s=, shrinkage=, max_agents=}]) */
static int l_staffing_frac(lua_State *L)
{
    double calls = luaL_checknumber(L, 1), aht = luaL_checknumber(L, 2);
    double interval = luaL_checknumber(L, 3);
    svcm_erlang_options o;
    if (read_options(L, 4, &o) < 0)
        return fail_field(L, SVCM_EINVAL, "max_agents", "max_agents must be in [0, 4294967295]");
    double a = 0.0;
    svcm_error err;
    struct svcm_erlang_frac_result r;
    int rc = svcm_erlang_traffic(calls, aht, interval, &a, &err);
    if (rc == SVCM_OK)
        rc = svcm_erlang_staff_frac(a, aht, &o, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_frac_result(L, &r);
    return 1;
}

/* svcm.erlang_a_frac(calls, aht_s, interval_s, agents, patience_s
 * [, target_s [, {shrinkage=}]]): agents is a real number >= 1. */
static int l_erlang_a_frac(lua_State *L)
{
    double calls = luaL_checknumber(L, 1), aht = luaL_checknumber(L, 2);
    double interval = luaL_checknumber(L, 3), x = luaL_checknumber(L, 4);
    double patience = luaL_checknumber(L, 5);
    svcm_erlang_a_options o;
    if (read_a_options(L, 7, &o) < 0)
        return fail_field(L, SVCM_EINVAL, "max_agents", "max_agents must be in [0, 4294967295]");
    o.target_answer_s = luaL_optnumber(L, 6, 20.0);
    double a = 0.0;
    svcm_error err;
    struct svcm_erlang_a_frac_result r;
    int rc = svcm_erlang_traffic(calls, aht, interval, &a, &err);
    if (rc == SVCM_OK)
        rc = svcm_erlang_a_eval_frac(a, aht, patience, x, &o, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_a_frac_result(L, &r);
    return 1;
}

/* svcm.staffing_a_frac(calls, aht_s, interval_s, patience_s [, {target_s=,
 * target_sl=, max_abandon=, max_occupancy=, max_asa_s=, shrinkage=,
 * max_agents=}]) */
static int l_staffing_a_frac(lua_State *L)
{
    double calls = luaL_checknumber(L, 1), aht = luaL_checknumber(L, 2);
    double interval = luaL_checknumber(L, 3), patience = luaL_checknumber(L, 4);
    svcm_erlang_a_options o;
    if (read_a_options(L, 5, &o) < 0)
        return fail_field(L, SVCM_EINVAL, "max_agents", "max_agents must be in [0, 4294967295]");
    double a = 0.0;
    svcm_error err;
    struct svcm_erlang_a_frac_result r;
    int rc = svcm_erlang_traffic(calls, aht, interval, &a, &err);
    if (rc == SVCM_OK)
        rc = svcm_erlang_a_staff_frac(a, aht, patience, &o, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_a_frac_result(L, &r);
    return 1;
}

static const luaL_Reg erlang_funcs[] = {
    {"schedule_shifts", l_schedule_shifts},
    {"schedule_pattern", l_schedule_pattern},
    {"erlang_b", l_erlang_b},
    {"erlang_c", l_erlang_c},
    {"traffic_erlangs", l_traffic},
    {"service_level", l_service_level},
    {"asa", l_asa},
    {"agents_needed", l_agents_needed},
    {"staffing", l_staffing},
    {"staffing_batch", l_staffing_batch},
    {"staff_with_shrinkage", l_staff_with_shrinkage},
    {"contact_metrics", l_contact_metrics},
    {"contact_centre", l_contact_metrics},
    {"contact_metrics_batch", l_contact_metrics_batch},
    {"contact_counts_sum", l_contact_counts_sum},
    {"erlang_a", l_erlang_a},
    {"erlang_a_frac", l_erlang_a_frac},
    {"staffing_a_frac", l_staffing_a_frac},
    {"staffing_frac", l_staffing_frac},
    {"erlang_chat", l_erlang_chat},
    {"agents_needed_chat", l_agents_needed_chat},
    {"agents_needed_a", l_agents_needed_a},
    {"staffing_a", l_staffing_a},
    {"eval_staff", l_eval_staff},
    {"agents_from_staff", l_agents_from_staff},
    {"erlang_b_capacity", l_erlang_b_capacity},
    {"erlang_b_trunks", l_erlang_b_trunks},
    {"erlang_b_frac", l_erlang_b_frac},
    {"erlang_c_frac", l_erlang_c_frac},
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
        return fail_field(L, SVCM_EINVAL, "objective",
                          "objective must be 'min_cost' or 'min_abs_diff'");
    lua_Integer v;
    if (sched_opt_int(L, "max_staff", &v)) {
        if (v < 0 || v >= (lua_Integer)UINT32_MAX)
            return fail_field(L, SVCM_EINVAL, "max_staff", "max_staff must be >= 0");
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
