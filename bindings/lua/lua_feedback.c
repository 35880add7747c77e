/* Lua binding of the feedback engine: CSAT / NPS / CES accumulators and
 * one-shot functions, rates, period comparisons, SERVQUAL and consistency. */
#include "svcmlua.h"
#include "gen_lua.h"

#include "svcm/kpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Defined in the helper of bindings/api/feedback.py. */
int svcmb_feedback_options(svcm_feedback_options *o, int kind, int high, int low, int top,
                           const char *conv, svcm_error *err);

/* ------------------------------------------------ feedback accumulators */

/* NPS, CSAT and CES are generated whole (bindings/api/feedback.py); their
 * metatables by kind (CSAT 0, NPS 1, CES 2). */
static const char *const feedback_mts[] = {"svcm.CSAT", "svcm.NPS", "svcm.CES"};

static svcm_feedback *test_feedback(lua_State *L, int arg)
{
    for (int i = 0; i < 3; i++)
        if (luaL_testudata(L, arg, feedback_mts[i]) != NULL)
            return svcmlua_handle_check(L, arg, feedback_mts[i]);
    return NULL;
}

svcm_feedback *svcmlua_check_feedback(lua_State *L, int arg)
{
    svcm_feedback *f = test_feedback(L, arg);
    if (f == NULL)
        luaL_typeerror(L, arg, "svcm.NPS, svcm.CSAT or svcm.CES");
    return f;
}

static int l_feedback_counts(lua_State *L)
{
    svcm_feedback *f = svcmlua_check_feedback(L, 1);
    svcm_feedback_options o;
    svcm_feedback_get_options(f, &o);
    uint64_t h[SVCM_FEEDBACK_MAX_LEVELS];
    (void)svcm_feedback_histogram(f, h, SVCM_FEEDBACK_MAX_LEVELS);
    int levels = (int)((int64_t)o.high - o.low + 1);
    lua_createtable(L, 0, levels);
    for (int k = 0; k < levels; k++) {
        svcmlua_pushcount(L, h[k]);
        lua_rawseti(L, -2, (lua_Integer)o.low + k);
    }
    return 1;
}

static int l_feedback_scale(lua_State *L)
{
    svcm_feedback_options o;
    svcm_feedback_get_options(svcmlua_check_feedback(L, 1), &o);
    lua_pushinteger(L, o.low);
    lua_pushinteger(L, o.high);
    if (o.kind != SVCM_FEEDBACK_KIND_CSAT)
        return 2;
    lua_pushinteger(L, (lua_Integer)o.top_boxes);
    return 3;
}

static const luaL_Reg feedback_methods[] = {
    {"counts", l_feedback_counts},
    {"scale", l_feedback_scale},
    {NULL, NULL},
};

/* ------------------------------------------------------------- SERVQUAL */

static void push_dimension_table(lua_State *L, const double *v, const size_t *counts)
{
    lua_createtable(L, 0, SVCM_SERVQUAL_DIMENSIONS);
    for (int d = 0; d < SVCM_SERVQUAL_DIMENSIONS; d++) {
        if (v)
            lua_pushnumber(L, v[d]);
        else
            lua_pushinteger(L, (lua_Integer)counts[d]);
        lua_setfield(L, -2, svcm_servqual_dimension_name(d));
    }
}

/* svcm.servqual(expectations, perceptions [, {weights=, dimensions=}]):
 * weights is a list of five numbers or a {dimension = weight} table;
 * dimensions lists each item's dimension as a name or 0-4. */
static int l_servqual(lua_State *L)
{
    lua_settop(L, 3); /* the arrays below are pushed above the options */
    size_t ne, np;
    const double *e = svcmlua_checkdoubles(L, 1, &ne);
    const double *p = svcmlua_checkdoubles(L, 2, &np);
    if (ne != np)
        return luaL_error(L, "servqual: %d expectations but %d perceptions", (int)ne, (int)np);
    double w[SVCM_SERVQUAL_DIMENSIONS];
    int *dims = NULL, wt = LUA_TNIL, dt = LUA_TNIL, wi = 0, di = 0, known = 0, total = 0;
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        wt = lua_getfield(L, 3, "weights");
        wi = lua_gettop(L);
        dt = lua_getfield(L, 3, "dimensions");
        di = lua_gettop(L);
    }
    if ((wt != LUA_TNIL && wt != LUA_TTABLE) || (dt != LUA_TNIL && dt != LUA_TTABLE))
        return luaL_error(L, "servqual: weights and dimensions must be tables");
    int list = wt == LUA_TTABLE && lua_rawlen(L, wi) > 0; /* five numbers, else by name */
    if (list && lua_rawlen(L, wi) != SVCM_SERVQUAL_DIMENSIONS)
        return luaL_error(L, "servqual: weights needs 5 values");
    for (int d = 0; wt == LUA_TTABLE && d < SVCM_SERVQUAL_DIMENSIONS; d++) {
        const char *name = svcm_servqual_dimension_name(d);
        int t = list ? lua_rawgeti(L, wi, d + 1) : lua_getfield(L, wi, name);
        if (t != LUA_TNUMBER && (list || t != LUA_TNIL))
            return luaL_error(L, "servqual: weight %d (%s) is not a number", d + 1, name);
        known += t != LUA_TNIL;
        w[d] = t == LUA_TNUMBER ? lua_tonumber(L, -1) : 0.0;
        lua_pop(L, 1);
    }
    if (!list && wt == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, wi)) {
            total++;
            lua_pop(L, 1);
        }
        if (known != total)
            return luaL_error(L, "servqual: weights has a key that is not a dimension");
    }
    if (dt == LUA_TTABLE && lua_rawlen(L, di) != ne)
        return luaL_error(L, "servqual: %d dimensions for %d items", (int)lua_rawlen(L, di),
                          (int)ne);
    if (dt == LUA_TTABLE)
        dims = lua_newuserdatauv(L, ne * sizeof *dims + 1, 0);
    for (size_t i = 0; dims != NULL && i < ne; i++) { /* a name or 0-4, checked in C */
        int t = lua_rawgeti(L, di, (lua_Integer)i + 1);
        lua_Integer v = t == LUA_TNUMBER && lua_isinteger(L, -1) ? lua_tointeger(L, -1) : -1;
        dims[i] = v < 0 || v > 1000 ? -1 : (int)v;
        for (int k = 0; t == LUA_TSTRING && k < SVCM_SERVQUAL_DIMENSIONS; k++)
            if (strcmp(lua_tostring(L, -1), svcm_servqual_dimension_name(k)) == 0)
                dims[i] = k;
        lua_pop(L, 1);
    }
    struct svcm_servqual_result r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_servqual(e, p, ne, dims, wt == LUA_TTABLE ? w : NULL, &r, &err);
    if (rc != SVCM_OK) {
        if (err.index != SVCM_NO_INDEX)
            err.index++;
        return svcmlua_fail(L, rc, &err);
    }
    lua_createtable(L, 0, 7);
    push_dimension_table(L, r.gap, NULL);
    lua_setfield(L, -2, "gaps");
    svcmlua_setnumber(L, "weighted", r.weighted);
    svcmlua_setnumber(L, "unweighted", r.unweighted);
    push_dimension_table(L, r.expectation, NULL);
    lua_setfield(L, -2, "expectations");
    push_dimension_table(L, r.perception, NULL);
    lua_setfield(L, -2, "perceptions");
    push_dimension_table(L, NULL, r.items);
    lua_setfield(L, -2, "items");
    push_dimension_table(L, r.weight, NULL);
    lua_setfield(L, -2, "weights");
    return 1;
}

/* ---------------------------------------------------------- consistency */

/* svcm.consistency(values): a list, or a {channel = value} table. */
static int l_consistency(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    size_t n;
    const double *xs;
    if (lua_rawlen(L, 1) > 0) {
        xs = svcmlua_checkdoubles(L, 1, &n);
    } else {
        lua_newtable(L);
        lua_Integer k = 0;
        lua_pushnil(L);
        while (lua_next(L, 1)) {
            if (lua_type(L, -1) != LUA_TNUMBER)
                return luaL_argerror(L, 1, "values must be numbers");
            lua_rawseti(L, -3, ++k);
        }
        xs = svcmlua_checkdoubles(L, -1, &n);
    }
    struct svcm_consistency_result r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_consistency(xs, n, &r, &err);
    if (rc != SVCM_OK) {
        if (err.index != SVCM_NO_INDEX)
            err.index++;
        return svcmlua_fail(L, rc, &err);
    }
    svcmlua_rec_ConsistencyResult(L, &r);
    return 1;
}

/* ----------------------------------------------------------------- open */

/* svcm.fcr_repeats(customers, created, window [, as_of]) -> rate, outcomes:
 * first-contact resolution from repeat contacts (svcm_fcr_repeats()); as_of
 * defaults to the latest created instant. outcomes[i] is "resolved",
 * "repeated" or "undecided". Failures: nil, message, code, detail. */
static int l_fcr_repeats(lua_State *L)
{
    static const char *const names[] = {"repeated", "resolved", "undecided"};
    lua_settop(L, 4); /* the arrays below are pushed above the arguments */
    size_t nc, nt;
    const int64_t *customers = svcmlua_checkint64s(L, 1, &nc);
    const int64_t *created = svcmlua_checkint64s(L, 2, &nt);
    lua_Integer window = luaL_checkinteger(L, 3);
    if (nc != nt)
        return luaL_argerror(L, 2, "as many created instants as customers needed");
    int64_t as_of = INT64_MIN;
    if (lua_isnoneornil(L, 4)) {
        for (size_t i = 0; i < nt; i++)
            as_of = created[i] > as_of ? created[i] : as_of;
    } else {
        as_of = (int64_t)luaL_checkinteger(L, 4);
    }
    uint8_t *outcome = lua_newuserdatauv(L, nt ? nt : 1, 0); /* freed by the GC */
    svcm_rate r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_fcr_repeats(customers, created, nt, (int64_t)window, as_of, NULL, outcome, &r,
                              &err);
    if (rc != SVCM_OK) {
        if (err.index != SVCM_NO_INDEX)
            err.index++; /* Lua counts from 1 */
        return svcmlua_fail(L, rc, &err);
    }
    void **slot = svcmlua_handle_new(L, "svcm.Rate"); /* the box first: no leak on a Lua error */
    svcm_rate *u = malloc(sizeof *u);
    if (u == NULL)
        return svcmlua_fail(L, SVCM_ENOMEM, NULL);
    *u = r;
    *slot = u;
    lua_createtable(L, (int)(nt < INT32_MAX ? nt : 0), 0);
    for (size_t i = 0; i < nt; i++) {
        lua_pushstring(L, names[outcome[i]]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 2;
}

static const luaL_Reg feedback_funcs[] = {
    {"servqual", l_servqual},
    {"consistency", l_consistency},
    {"fcr_repeats", l_fcr_repeats},
    {NULL, NULL},
};

static void open_kpi_groups(lua_State *L); /* grouped KPIs, at the end */

/* module[field] = {name(0), ..., name(count - 1)}. */
static void set_names(lua_State *L, const char *field, const char *(*name)(int), int count)
{
    lua_createtable(L, count, 0);
    for (int k = 0; k < count; k++) {
        lua_pushstring(L, name(k));
        lua_rawseti(L, -2, k + 1);
    }
    lua_setfield(L, -2, field);
}

void svcmlua_open_feedback(lua_State *L)
{
    luaL_setfuncs(L, feedback_funcs, 0);
    open_kpi_groups(L);
    svcmlua_add_Rate(L, NULL);
    svcmlua_add_NPS(L, feedback_methods);
    svcmlua_add_CSAT(L, feedback_methods);
    svcmlua_add_CES(L, feedback_methods);
    set_names(L, "SERVQUAL_DIMENSIONS", svcm_servqual_dimension_name, SVCM_SERVQUAL_DIMENSIONS);
    set_names(L, "RATE_KINDS", svcm_rate_kind_name, SVCM_RATE_KIND_COUNT);
}

/* --------------------------------------------------------- grouped KPIs */

/* svcm.kpi_groups{slot, ...}: an svcm_kpi_groups in a userdata. A slot is a
 * kind name ("nps", "sla", ...) or a table {kind, settings...}:
 * {"csat", scale=5, top_boxes=2, low=1}, {"ces", scale=7, low=1},
 * {"rate", kind="fcr"}, {"durations", rel_err=0.01, max_buckets=2048,
 * exact_limit=1024}. Groups and slots are numbered from 1, as Lua counts. */
#define KPI_GROUPS_MT "svcm.KPIGroups"

/* Slot kinds, their setting keys and defaults (bindings/api/feedback.py). */
extern const char *const svcmb_slot_kinds[7];
extern const char *const svcmb_slot_keys[6][5];
void svcmb_slot_start(int k, svcm_kpi_slot *s);

extern svcmlua_class svcmb_kg_class; /* in the helper of bindings/api/feedback.py */

#define check_kg(L, arg) ((svcm_kpi_groups *)svcmlua_handle_check(L, arg, KPI_GROUPS_MT))

svcm_kpi_groups *svcmlua_check_KPIGroups(lua_State *L, int idx) { return check_kg(L, idx); }

/* Fail with code rc, a 1-based index (or SVCM_NO_INDEX), field and text. */
static int kg_fail(lua_State *L, int rc, size_t index, const char *field, const char *msg)
{
    svcm_error err;
    svcm_error_clear(&err);
    err.index = index;
    err.field = field;
    snprintf(err.message, sizeof err.message, "%s", msg);
    return svcmlua_fail(L, rc, &err);
}

/* Fail with the C library's detail, its 0-based group/slot index made 1-based. */
static int kg_fail_c(lua_State *L, int rc, svcm_error *err)
{
    if (err->index != SVCM_NO_INDEX)
        err->index++;
    return svcmlua_fail(L, rc, err);
}

/* Only the keys [1] and names[] in the slot table at idx. */
static int kg_only_keys(lua_State *L, int idx, const char *const *names)
{
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        int known = lua_type(L, -1) == LUA_TNUMBER && lua_tointeger(L, -1) == 1;
        for (int k = 0; !known && names[k] != NULL; k++)
            known = lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), names[k]) == 0;
        if (!known) {
            lua_pop(L, 1);
            return 0;
        }
    }
    return 1;
}

static lua_Integer kg_int_field(lua_State *L, int idx, const char *key, lua_Integer def,
                                lua_Integer lo, lua_Integer hi)
{
    lua_Integer v = svcmlua_optfield_integer(L, idx, key, def);
    if (v < lo || v > hi)
        luaL_error(L, "kpi_groups: %s out of range", key);
    return v;
}

/* The convention (method=, NPS interval=) of the slot table at idx into f;
 * raises for an unknown one. */
static void kg_convention(lua_State *L, int idx, svcm_feedback_options *f)
{
    const char *key = f->kind == SVCM_FEEDBACK_KIND_NPS ? "interval" : "method";
    int t = lua_getfield(L, idx, key);
    svcm_feedback_options c;
    svcm_error err;
    svcm_error_clear(&err);
    if (t != LUA_TNIL && t != LUA_TSTRING)
        luaL_error(L, "%s must be a string", key);
    if (svcmb_feedback_options(&c, (int)f->kind, 0, 0, 0, lua_tostring(L, -1), &err) != SVCM_OK)
        luaL_error(L, "%s", err.message);
    lua_pop(L, 1);
    f->csat_method = c.csat_method;
    f->ces_method = c.ces_method;
    f->nps_interval = c.nps_interval;
}

/* Settings of slot kind k (index in svcmb_slot_kinds) from the table at idx
 * (or none: idx 0). Returns 0, or 1 when a key is unknown. */
static int kg_settings(lua_State *L, int idx, int k, svcm_kpi_slot *s)
{
    svcmb_slot_start(k, s);
    if (idx == 0)
        return 0;
    if (!kg_only_keys(L, idx, svcmb_slot_keys[k]))
        return 1;
    if (k <= 2)
        kg_convention(L, idx, &s->feedback);
    if (k == 1 || k == 2) {
        s->feedback.high = (int32_t)kg_int_field(L, idx, "scale", s->feedback.high, INT32_MIN,
                                                 INT32_MAX);
        s->feedback.low = (int32_t)kg_int_field(L, idx, "low", s->feedback.low, INT32_MIN,
                                                INT32_MAX);
        s->feedback.top_boxes = (uint32_t)kg_int_field(L, idx, "top_boxes",
                                                       s->feedback.top_boxes, 0, UINT32_MAX);
    } else if (k == 3) {
        int t = lua_getfield(L, idx, "kind"); /* a name or its number */
        lua_Integer n = t == LUA_TNUMBER ? luaL_checkinteger(L, -1) : -1;
        const char *name = t == LUA_TNIL || t == LUA_TNUMBER ? "generic" : luaL_checkstring(L, -1);
        if (svcm_rate_kind_parse(name, &s->rate) != SVCM_OK || n >= SVCM_RATE_KIND_COUNT ||
            (t == LUA_TNUMBER && n < 0))
            luaL_error(L, "kpi_groups: unknown rate kind");
        s->rate = t == LUA_TNUMBER ? (svcm_rate_kind)n : s->rate;
        lua_pop(L, 1);
    } else if (k == 4) {
        s->sketch.rel_err = svcmlua_optfield_number(L, idx, "rel_err", s->sketch.rel_err);
        s->sketch.max_buckets = (size_t)kg_int_field(
            L, idx, "max_buckets", (lua_Integer)s->sketch.max_buckets, 0, INT32_MAX);
        s->sketch.exact_limit = (size_t)kg_int_field(
            L, idx, "exact_limit", (lua_Integer)s->sketch.exact_limit, 0, INT32_MAX);
    }
    return 0;
}

/* Slot i (1-based) from the value at idx. Returns 0, or the number of
 * values pushed by a failure. */
static int kg_slot_from(lua_State *L, int idx, size_t i, svcm_kpi_slot *s)
{
    static const char *const field[] = {"slot.feedback", "slot.feedback", "slot.feedback",
                                        "slot.rate", "slot.sketch", "slot.kind"};
    int table = lua_type(L, idx) == LUA_TTABLE;
    if (table)
        lua_rawgeti(L, idx, 1);
    else
        lua_pushvalue(L, idx);
    if (lua_type(L, -1) != LUA_TSTRING)
        return luaL_error(L, "kpi_groups: slot %d must be a kind name or {kind, ...}", (int)i);
    const char *name = lua_tostring(L, -1);
    int k = 0;
    while (svcmb_slot_kinds[k] != NULL && strcmp(svcmb_slot_kinds[k], name) != 0)
        k++;
    lua_pop(L, 1);
    if (svcmb_slot_kinds[k] == NULL)
        return kg_fail(L, SVCM_EINVAL, i, "slot.kind",
                       "unknown slot kind (nps, csat, ces, rate, durations, sla)");
    if (kg_settings(L, table ? idx : 0, k, s))
        return kg_fail(L, SVCM_EINVAL, i, field[k], "unknown setting for this slot kind");
    return 0;
}

/* svcm.kpi_groups{slot, ...} -> object, or nil, message, code. */
static int l_kpi_groups(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    size_t n = lua_rawlen(L, 1);
    if (n < 1 || n > SVCM_KPI_GROUPS_MAX_SLOTS)
        return kg_fail(L, SVCM_EINVAL, SVCM_NO_INDEX, "n_slots", "need 1..64 slots");
    svcm_kpi_slot s[SVCM_KPI_GROUPS_MAX_SLOTS];
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, 1, (lua_Integer)i + 1);
        int nret = kg_slot_from(L, 2, i + 1, &s[i]);
        if (nret)
            return nret;
        lua_pop(L, 1);
    }
    svcm_kpi_groups_options o;
    svcm_kpi_groups_options_init(&o);
    o.slots = s;
    o.n_slots = n;
    svcm_error err;
    svcm_error_clear(&err);
    void **box = svcmlua_handle_new(L, KPI_GROUPS_MT);
    svcm_kpi_groups *g = NULL;
    int rc = svcm_kpi_groups_new(&o, NULL, &g, &err);
    *box = g;
    return rc != SVCM_OK ? kg_fail_c(L, rc, &err) : 1;
}

/* svcm.KPIGroups{slot, ...}: the class table is argument 1. */
static int l_kpi_groups_call(lua_State *L)
{
    lua_remove(L, 1);
    return l_kpi_groups(L);
}

/* ---- groups and keys */

static int l_kg_group(lua_State *L)
{
    svcm_kpi_groups *g = check_kg(L, 1);
    size_t len, index;
    const char *key = luaL_checklstring(L, 2, &len);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_kpi_groups_group(g, key, len, &index, &err);
    if (rc != SVCM_OK)
        return kg_fail_c(L, rc, &err);
    lua_pushinteger(L, (lua_Integer)index + 1);
    return 1;
}

static int l_kg_find(lua_State *L)
{
    svcm_kpi_groups *g = check_kg(L, 1);
    size_t len, index;
    const char *key = luaL_checklstring(L, 2, &len);
    if (svcm_kpi_groups_find(g, key, len, &index) != SVCM_OK)
        lua_pushnil(L);
    else
        lua_pushinteger(L, (lua_Integer)index + 1);
    return 1;
}

/* The 1-based group number at arg as a C index, or SIZE_MAX when it names
 * no group. */
static size_t kg_group_arg(lua_State *L, const svcm_kpi_groups *g, int arg)
{
    lua_Integer v = luaL_checkinteger(L, arg);
    return v < 1 || (uint64_t)v > svcm_kpi_groups_count(g) ? SIZE_MAX : (size_t)(v - 1);
}

static int kg_no_group(lua_State *L)
{
    return kg_fail(L, SVCM_EINVAL, SVCM_NO_INDEX, "group", "no group with that number");
}

static int l_kg_key(lua_State *L)
{
    svcm_kpi_groups *g = check_kg(L, 1);
    size_t k = kg_group_arg(L, g, 2), len;
    const char *key;
    if (k == SIZE_MAX || svcm_kpi_groups_key(g, k, &key, &len) != SVCM_OK)
        return kg_no_group(L);
    lua_pushlstring(L, key, len);
    return 1;
}

static int l_kg_keys(lua_State *L)
{
    svcm_kpi_groups *g = check_kg(L, 1);
    size_t n = svcm_kpi_groups_count(g);
    lua_createtable(L, (int)(n < INT32_MAX ? n : 0), 0);
    for (size_t i = 0; i < n; i++) {
        const char *key;
        size_t len;
        (void)svcm_kpi_groups_key(g, i, &key, &len); /* i < n: cannot fail */
        lua_pushlstring(L, key, len);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int l_kg_order(lua_State *L)
{
    svcm_kpi_groups *g = check_kg(L, 1);
    size_t n = svcm_kpi_groups_count(g);
    size_t *order = lua_newuserdatauv(L, n > 0 ? n * sizeof *order : 1, 0);
    int rc = svcm_kpi_groups_order(g, order, n);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    lua_createtable(L, (int)(n < INT32_MAX ? n : 0), 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, (lua_Integer)order[i] + 1);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int l_kg_count(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)svcm_kpi_groups_count(check_kg(L, 1)));
    return 1;
}

/* Push the description of slot s: a table {kind, settings...}. */
static void kg_push_slot(lua_State *L, const svcm_kpi_slot *s)
{
    lua_createtable(L, 1, 3);
    if (s->kind == SVCM_KPI_SLOT_KIND_FEEDBACK) {
        lua_pushstring(L, svcm_feedback_kind_name((int)s->feedback.kind));
        if (s->feedback.kind != SVCM_FEEDBACK_KIND_NPS) {
            lua_pushinteger(L, s->feedback.high);
            lua_setfield(L, -3, "scale");
            lua_pushinteger(L, s->feedback.low);
            lua_setfield(L, -3, "low");
        }
        if (s->feedback.kind == SVCM_FEEDBACK_KIND_CSAT) {
            lua_pushinteger(L, (lua_Integer)s->feedback.top_boxes);
            lua_setfield(L, -3, "top_boxes");
        }
        static const char *const names[3][3] = {
            {"top_box", "rated", "mean"}, {"wald", "adjusted"}, {"mean", "top", "index"}};
        const svcm_feedback_options *f = &s->feedback;
        lua_pushstring(L, names[f->kind][f->kind == SVCM_FEEDBACK_KIND_CSAT  ? (int)f->csat_method
                                         : f->kind == SVCM_FEEDBACK_KIND_CES ? (int)f->ces_method
                                                                   : (int)f->nps_interval]);
        lua_setfield(L, -3, s->feedback.kind == SVCM_FEEDBACK_KIND_NPS ? "interval" : "method");
    } else if (s->kind == SVCM_KPI_SLOT_KIND_RATE) {
        svcmlua_setstring(L, "kind", svcm_rate_kind_name((int)s->rate));
        lua_pushliteral(L, "rate");
    } else if (s->kind == SVCM_KPI_SLOT_KIND_DURATIONS) {
        svcmlua_setnumber(L, "rel_err", s->sketch.rel_err);
        svcmlua_setinteger(L, "max_buckets", (lua_Integer)s->sketch.max_buckets);
        svcmlua_setinteger(L, "exact_limit", (lua_Integer)s->sketch.exact_limit);
        lua_pushliteral(L, "durations");
    } else {
        lua_pushliteral(L, "sla");
    }
    lua_rawseti(L, -2, 1);
}

static int l_kg_slots(lua_State *L)
{
    svcm_kpi_groups *g = check_kg(L, 1);
    size_t n = svcm_kpi_groups_slot_count(g);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        svcm_kpi_slot s;
        (void)svcm_kpi_groups_slot(g, i, &s); /* i < n: cannot fail */
        kg_push_slot(L, &s);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* ---- adding */

static const luaL_Reg kg_methods[] = {
    {"group", l_kg_group},         {"find", l_kg_find},
    {"key", l_kg_key},             {"keys", l_kg_keys},
    {"order", l_kg_order},         {"count", l_kg_count},
    {"slots", l_kg_slots},
    {NULL, NULL},
};

static void open_kpi_groups(lua_State *L)
{
    svcmlua_class_open(L, &svcmb_kg_class, NULL, kg_methods, l_kpi_groups_call);
    luaL_getmetatable(L, KPI_GROUPS_MT);
    lua_getfield(L, -1, "__index");
    svcmlua_members_KPIGroups(L);
    lua_pop(L, 2);
    lua_pushcfunction(L, l_kpi_groups);
    lua_setfield(L, -2, "kpi_groups");
    lua_getfield(L, -1, "KPIGroups");
    lua_getfield(L, -1, "from_bytes");
    lua_setfield(L, -3, "kpi_groups_load");
    lua_pop(L, 1);
}
