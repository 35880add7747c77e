/* Lua binding of the feedback engine: CSAT / NPS / CES accumulators and
 * one-shot functions, rates, period comparisons, SERVQUAL and consistency. */
#include "svcmlua.h"
#include "gen_lua.h"

#include "svcm/kpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Records of the one-shot functions, made in the generated code (the helper
 * of bindings/api/feedback.py) from the view structs it describes. */
int svcmlua_feedback_record(lua_State *L, const svcm_feedback *f, double confidence);
void svcmlua_comparison_record(lua_State *L, const struct svcm_test_result *t, double confidence);

#define FEEDBACK_MT "svcm.Feedback"

/* Lua spellings of the conventions, in the order of their enum values. */
static const char *const csat_methods[] = {"top_box", "rated", "mean", NULL};
static const char *const ces_methods[] = {"mean", "top", "index", NULL};
static const char *const nps_intervals[] = {"wald", "adjusted", NULL};

/* The name of the convention of a kind (its method or interval). */
static const char *convention_name(svcm_feedback_kind kind, int csat, int ces, int nps)
{
    if (kind == SVCM_FEEDBACK_KIND_CSAT)
        return csat_methods[csat];
    if (kind == SVCM_FEEDBACK_KIND_CES)
        return ces_methods[ces];
    return nps_intervals[nps];
}

static const char *options_convention(const svcm_feedback_options *o)
{
    return convention_name(o->kind, (int)o->csat_method, (int)o->ces_method,
                           (int)o->nps_interval);
}

/* The convention field (method= for CSAT and CES, interval= for NPS) of the
 * table at idx into o; raises for an unknown name. Returns whether the
 * field was given. */
static int read_convention(lua_State *L, int idx, svcm_feedback_options *o)
{
    const char *key = o->kind == SVCM_FEEDBACK_KIND_NPS ? "interval" : "method";
    const char *const *names = o->kind == SVCM_FEEDBACK_KIND_CSAT  ? csat_methods
                               : o->kind == SVCM_FEEDBACK_KIND_CES ? ces_methods
                                                                   : nps_intervals;
    lua_getfield(L, idx, key);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "%s must be a string", key);
    const char *name = lua_tostring(L, -1);
    int k = 0;
    while (names[k] != NULL && strcmp(name, names[k]) != 0)
        k++;
    if (names[k] == NULL)
        luaL_error(L, "unknown %s '%s' (%s, %s%s%s)", key, name, names[0], names[1],
                   names[2] ? " or " : "", names[2] ? names[2] : "");
    lua_pop(L, 1);
    if (o->kind == SVCM_FEEDBACK_KIND_CSAT)
        o->csat_method = (svcm_csat_method)k;
    else if (o->kind == SVCM_FEEDBACK_KIND_CES)
        o->ces_method = (svcm_ces_method)k;
    else
        o->nps_interval = (svcm_nps_interval)k;
    return 1;
}

/* ------------------------------------------------ feedback accumulators */

typedef struct {
    svcm_feedback *f;
} lfeedback;

static svcm_feedback *check_feedback(lua_State *L, int arg)
{
    lfeedback *u = luaL_checkudata(L, arg, FEEDBACK_MT);
    if (u->f == NULL)
        luaL_argerror(L, arg, "accumulator is closed");
    return u->f;
}

svcm_feedback *svcmlua_check_feedback(lua_State *L, int arg) { return check_feedback(L, arg); }

/* Hooks of the members described in bindings/api/feedback.py. */
svcm_feedback *svcmlua_check__Feedback(lua_State *L, int idx) { return check_feedback(L, idx); }

static svcm_feedback *test_feedback(lua_State *L, int arg)
{
    lfeedback *u = luaL_testudata(L, arg, FEEDBACK_MT);
    if (u == NULL)
        return NULL;
    if (u->f == NULL)
        luaL_argerror(L, arg, "accumulator is closed");
    return u->f;
}

/* Options of kind from the value at arg: nil, a number (the highest
 * answer) or a table {scale=, top_boxes=, low=, method=} ({interval=} for
 * NPS). Returns whether a convention was given. */
static int read_options(lua_State *L, int arg, int kind, svcm_feedback_options *o)
{
    svcm_feedback_options_init(o, kind);
    int explicit = lua_type(L, arg) == LUA_TTABLE && read_convention(L, arg, o);
    if (kind == SVCM_FEEDBACK_KIND_NPS || lua_isnoneornil(L, arg))
        return explicit;
    lua_Integer scale = o->high, low = o->low, top = o->top_boxes;
    if (lua_type(L, arg) == LUA_TNUMBER) {
        scale = luaL_checkinteger(L, arg);
    } else {
        luaL_checktype(L, arg, LUA_TTABLE);
        scale = svcmlua_optfield_integer(L, arg, "scale", scale);
        low = svcmlua_optfield_integer(L, arg, "low", low);
        top = svcmlua_optfield_integer(L, arg, "top_boxes", top);
    }
    if (scale < INT32_MIN || scale > INT32_MAX || low < INT32_MIN || low > INT32_MAX)
        luaL_argerror(L, arg, "scale and low must fit in 32 bits");
    if (top < 0 || top > (lua_Integer)UINT32_MAX)
        luaL_argerror(L, arg, "top_boxes out of range");
    o->high = (int32_t)scale;
    o->low = (int32_t)low;
    if (kind == SVCM_FEEDBACK_KIND_CSAT)
        o->top_boxes = (uint32_t)top;
    return explicit;
}

static lfeedback *push_feedback_slot(lua_State *L)
{
    lfeedback *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->f = NULL;
    luaL_setmetatable(L, FEEDBACK_MT);
    return u;
}

/* Create an accumulator with o into u, or push the failure (the library's
 * detail: the field at fault and why) and return its count of values. */
static int new_or_fail(lua_State *L, lfeedback *u, const svcm_feedback_options *o)
{
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_feedback_new(o, NULL, &u->f, &err);
    return rc == SVCM_OK ? 0 : svcmlua_fail(L, rc, &err);
}

/* Constructor behind svcm.NPS / CSAT / CES (a callable table: argument 1 is
 * the table itself). The kind is upvalue 1. */
static int l_feedback_call(lua_State *L)
{
    int kind = (int)lua_tointeger(L, lua_upvalueindex(1));
    svcm_feedback_options o;
    read_options(L, 2, kind, &o);
    lfeedback *u = push_feedback_slot(L);
    int nret = new_or_fail(L, u, &o);
    return nret ? nret : 1;
}

static int l_feedback_from_bytes(lua_State *L)
{
    int kind = (int)lua_tointeger(L, lua_upvalueindex(1));
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    lfeedback *u = push_feedback_slot(L);
    int rc = svcm_feedback_load((const unsigned char *)s, len, NULL, &u->f, NULL);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    svcm_feedback_options o;
    svcm_feedback_get_options(u->f, &o);
    if ((int)o.kind != kind) {
        svcm_error err;
        svcm_error_clear(&err);
        snprintf(err.message, sizeof err.message, "bytes hold a %s accumulator, not %s",
                 svcm_feedback_kind_name((int)o.kind), svcm_feedback_kind_name(kind));
        return svcmlua_fail(L, SVCM_EMISMATCH, &err); /* u is freed by __gc */
    }
    return 1;
}

/* Count the number or table at arg into f. Returns 0, or the number of
 * values pushed by svcmlua_fail. */
static int add_values(lua_State *L, svcm_feedback *f, int arg)
{
    size_t n;
    const double *xs = svcmlua_checkdoubles(L, arg, &n);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_feedback_add_batch(f, xs, n, &err);
    lua_pop(L, 1); /* the array userdata */
    if (rc != SVCM_OK) {
        /* Lua users count from 1. */
        if (err.index != SVCM_NO_INDEX)
            err.index++;
        return svcmlua_fail(L, rc, &err);
    }
    return 0;
}

static int l_feedback_merge(lua_State *L)
{
    svcm_feedback *f = check_feedback(L, 1), *g = check_feedback(L, 2);
    int rc = svcm_feedback_merge(f, g);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_feedback_to_bytes(lua_State *L)
{
    svcm_feedback *f = check_feedback(L, 1);
    size_t len = 0;
    (void)svcm_feedback_save(f, NULL, 0, &len);
    luaL_Buffer b;
    unsigned char *p = (unsigned char *)luaL_buffinitsize(L, &b, len);
    int rc = svcm_feedback_save(f, p, len, &len);
    if (rc != SVCM_OK)
        return svcmlua_raise(L, rc, NULL);
    luaL_pushresultsize(&b, len);
    return 1;
}

static int l_feedback_counts(lua_State *L)
{
    svcm_feedback *f = check_feedback(L, 1);
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
    svcm_feedback_get_options(check_feedback(L, 1), &o);
    lua_pushinteger(L, o.low);
    lua_pushinteger(L, o.high);
    if (o.kind != SVCM_FEEDBACK_KIND_CSAT)
        return 2;
    lua_pushinteger(L, (lua_Integer)o.top_boxes);
    return 3;
}

static int l_feedback_gc(lua_State *L)
{
    lfeedback *u = luaL_checkudata(L, 1, FEEDBACK_MT);
    svcm_feedback_free(u->f);
    u->f = NULL;
    return 0;
}

static int l_feedback_tostring(lua_State *L)
{
    lfeedback *u = luaL_checkudata(L, 1, FEEDBACK_MT);
    if (u->f == NULL) {
        lua_pushliteral(L, "svcm.Feedback (closed)");
        return 1;
    }
    svcm_feedback_options o;
    svcm_feedback_get_options(u->f, &o);
    /* %llu, not lua_pushfstring's %I: counts above 2^63 would print negative. */
    char b[96];
    snprintf(b, sizeof b, "svcm.%s scale=%d..%d n=%llu", svcm_feedback_kind_name((int)o.kind),
             (int)o.low, (int)o.high, (unsigned long long)svcm_feedback_count(u->f));
    lua_pushstring(L, b);
    return 1;
}

static const luaL_Reg feedback_methods[] = {
    {"merge", l_feedback_merge},
    {"to_bytes", l_feedback_to_bytes},
    {"counts", l_feedback_counts},
    {"scale", l_feedback_scale},
    {NULL, NULL},
};

/* ------------------------------------------------- one-shot functions */

/* The accumulator at arg (a userdata of the right kind), or a temporary
 * built from a table of scores, left in a userdata on the stack so that it
 * is freed by the GC whatever happens. Returns NULL after pushing a failure
 * (*nret set). */
static svcm_feedback *feedback_arg(lua_State *L, int arg, const svcm_feedback_options *o,
                                   int explicit, int *nret)
{
    *nret = 0;
    svcm_feedback *f = test_feedback(L, arg);
    if (f != NULL) {
        svcm_feedback_options have;
        svcm_feedback_get_options(f, &have);
        if (have.kind != o->kind)
            luaL_argerror(L, arg, "accumulator of another kind");
        /* An accumulator keeps its convention; one given must agree. */
        if (explicit && strcmp(options_convention(&have), options_convention(o)) != 0) {
            svcm_error err;
            svcm_error_clear(&err);
            err.field = o->kind == SVCM_FEEDBACK_KIND_NPS ? "interval" : "method";
            snprintf(err.message, sizeof err.message,
                     "the accumulator counts with '%s', not '%s'", options_convention(&have),
                     options_convention(o));
            *nret = svcmlua_fail(L, SVCM_EMISMATCH, &err);
            return NULL;
        }
        return f;
    }
    lfeedback *u = push_feedback_slot(L);
    if ((*nret = new_or_fail(L, u, o)) != 0)
        return NULL;
    *nret = add_values(L, u->f, arg);
    return *nret ? NULL : u->f;
}

static int score_once(lua_State *L, int kind)
{
    lua_settop(L, 2);
    svcm_feedback_options o;
    double confidence = 0.95;
    int explicit = 0;
    if (kind == SVCM_FEEDBACK_KIND_NPS && lua_type(L, 2) != LUA_TTABLE) {
        confidence = luaL_optnumber(L, 2, 0.95);
        svcm_feedback_options_init(&o, kind);
    } else {
        explicit = read_options(L, 2, kind, &o);
        if (lua_type(L, 2) == LUA_TTABLE)
            confidence = svcmlua_optfield_number(L, 2, "confidence", confidence);
    }
    int nret;
    svcm_feedback *f = feedback_arg(L, 1, &o, explicit, &nret);
    if (f == NULL)
        return nret;
    return svcmlua_feedback_record(L, f, confidence);
}

static int l_nps(lua_State *L) { return score_once(L, SVCM_FEEDBACK_KIND_NPS); }
static int l_csat(lua_State *L) { return score_once(L, SVCM_FEEDBACK_KIND_CSAT); }
static int l_ces(lua_State *L) { return score_once(L, SVCM_FEEDBACK_KIND_CES); }

static int compare_once(lua_State *L, int kind)
{
    lua_settop(L, 3);
    svcm_feedback_options o;
    double confidence = 0.95;
    int explicit = 0;
    if (lua_type(L, 3) == LUA_TNUMBER) {
        confidence = lua_tonumber(L, 3);
        svcm_feedback_options_init(&o, kind);
    } else {
        explicit = read_options(L, 3, kind, &o);
        if (lua_type(L, 3) == LUA_TTABLE)
            confidence = svcmlua_optfield_number(L, 3, "confidence", confidence);
    }
    /* Without an explicit convention, scores compared with an accumulator
     * are counted with the accumulator's. */
    svcm_feedback *acc = test_feedback(L, 1);
    if (acc == NULL)
        acc = test_feedback(L, 2);
    if (!explicit && acc != NULL) {
        svcm_feedback_options have;
        svcm_feedback_get_options(acc, &have);
        o.csat_method = have.csat_method;
        o.ces_method = have.ces_method;
        o.nps_interval = have.nps_interval;
    }
    int nret;
    svcm_feedback *fa = feedback_arg(L, 1, &o, explicit, &nret);
    if (fa == NULL)
        return nret;
    svcm_feedback *fb = feedback_arg(L, 2, &o, explicit, &nret);
    if (fb == NULL)
        return nret;
    struct svcm_test_result t;
    int rc = svcm_feedback_compare(fa, fb, confidence, &t);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    svcmlua_comparison_record(L, &t, confidence);
    return 1;
}

static int l_compare_nps(lua_State *L) { return compare_once(L, SVCM_FEEDBACK_KIND_NPS); }
static int l_compare_csat(lua_State *L) { return compare_once(L, SVCM_FEEDBACK_KIND_CSAT); }
static int l_compare_ces(lua_State *L) { return compare_once(L, SVCM_FEEDBACK_KIND_CES); }

/* ---------------------------------------------------------------- rates */

static int opt_rate_kind(lua_State *L, int arg)
{
    if (lua_isnoneornil(L, arg))
        return SVCM_RATE_KIND_GENERIC;
    if (lua_type(L, arg) == LUA_TNUMBER) {
        lua_Integer k = luaL_checkinteger(L, arg);
        if (k < 0 || k >= SVCM_RATE_KIND_COUNT)
            luaL_argerror(L, arg, "unknown rate kind");
        return (int)k;
    }
    const char *name = luaL_checkstring(L, arg);
    svcm_rate_kind k;
    if (svcm_rate_kind_parse(name, &k) != SVCM_OK)
        luaL_argerror(L, arg, lua_pushfstring(L, "unknown rate kind '%s'", name));
    return (int)k;
}

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
    const double *wp = NULL;
    int *dims = NULL;
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        int wt = lua_getfield(L, 3, "weights");
        if (wt != LUA_TNIL && wt != LUA_TTABLE)
            return luaL_error(L, "servqual: weights must be a table");
        if (wt == LUA_TTABLE) {
            if (lua_rawlen(L, -1) > 0) {
                if (lua_rawlen(L, -1) != SVCM_SERVQUAL_DIMENSIONS)
                    return luaL_error(L, "servqual: weights needs 5 values");
                for (int d = 0; d < SVCM_SERVQUAL_DIMENSIONS; d++) {
                    lua_rawgeti(L, -1, d + 1);
                    if (!lua_isnumber(L, -1))
                        return luaL_error(L, "servqual: weight %d is not a number", d + 1);
                    w[d] = lua_tonumber(L, -1);
                    lua_pop(L, 1);
                }
            } else {
                int known = 0, total = 0;
                for (int d = 0; d < SVCM_SERVQUAL_DIMENSIONS; d++) {
                    int t = lua_getfield(L, -1, svcm_servqual_dimension_name(d));
                    if (t != LUA_TNIL && t != LUA_TNUMBER)
                        return luaL_error(L, "servqual: weight of %s is not a number",
                                          svcm_servqual_dimension_name(d));
                    known += t != LUA_TNIL;
                    w[d] = t == LUA_TNUMBER ? lua_tonumber(L, -1) : 0.0;
                    lua_pop(L, 1);
                }
                lua_pushnil(L);
                while (lua_next(L, -2)) {
                    total++;
                    lua_pop(L, 1);
                }
                if (known != total)
                    return luaL_error(L, "servqual: weights has a key that is not a dimension");
            }
            wp = w;
        }
        lua_pop(L, 1);
        int dt = lua_getfield(L, 3, "dimensions");
        if (dt != LUA_TNIL && dt != LUA_TTABLE)
            return luaL_error(L, "servqual: dimensions must be a table");
        if (dt == LUA_TTABLE) {
            if (lua_rawlen(L, -1) != ne)
                return luaL_error(L, "servqual: %d dimensions for %d items",
                                  (int)lua_rawlen(L, -1), (int)ne);
            dims = lua_newuserdatauv(L, ne * sizeof *dims + 1, 0);
            for (size_t i = 0; i < ne; i++) {
                int t = lua_rawgeti(L, -2, (lua_Integer)i + 1);
                int d = -1;
                if (t == LUA_TNUMBER && lua_isinteger(L, -1)) {
                    lua_Integer v = lua_tointeger(L, -1);
                    d = v < 0 || v > 1000 ? -1 : (int)v;
                } else if (t == LUA_TSTRING) {
                    for (int k = 0; k < SVCM_SERVQUAL_DIMENSIONS; k++)
                        if (strcmp(lua_tostring(L, -1), svcm_servqual_dimension_name(k)) == 0)
                            d = k;
                }
                lua_pop(L, 1);
                dims[i] = d; /* range checked in C, which names the index */
            }
            lua_replace(L, -2); /* keep the userdata, drop the table */
        } else {
            lua_pop(L, 1);
        }
    }
    struct svcm_servqual_result r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_servqual(e, p, ne, dims, wp, &r, &err);
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
    {"nps", l_nps},
    {"csat", l_csat},
    {"ces", l_ces},
    {"compare_nps", l_compare_nps},
    {"compare_csat", l_compare_csat},
    {"compare_ces", l_compare_ces},
    {"servqual", l_servqual},
    {"consistency", l_consistency},
    {"fcr_repeats", l_fcr_repeats},
    {NULL, NULL},
};

/* module.name = a table with from_bytes, callable as a constructor. */
static void add_class(lua_State *L, const char *name, lua_CFunction call,
                      lua_CFunction from_bytes, int kind)
{
    lua_createtable(L, 0, 1);
    lua_pushinteger(L, kind);
    lua_pushcclosure(L, from_bytes, 1);
    lua_setfield(L, -2, "from_bytes");
    lua_createtable(L, 0, 1);
    lua_pushinteger(L, kind);
    lua_pushcclosure(L, call, 1);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    lua_setfield(L, -2, name);
}

static void open_kpi_groups(lua_State *L); /* grouped KPIs, at the end */

/* Register the metatable `name` of an object type: __gc and __close (gc),
 * __tostring, and __index, the hand-written methods plus the described ones
 * (added by members). Leaves the metatable and the __index table on the
 * stack, the __index table on top. */
static void new_type(lua_State *L, const char *name, const luaL_Reg *methods,
                     void (*members)(lua_State *), lua_CFunction gc, lua_CFunction tostring)
{
    luaL_newmetatable(L, name);
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    members(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "__index");
}

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
    new_type(L, FEEDBACK_MT, feedback_methods, svcmlua_members__Feedback, l_feedback_gc,
             l_feedback_tostring);
    lua_pop(L, 2);
    svcmlua_add_Rate(L, NULL);
    add_class(L, "NPS", l_feedback_call, l_feedback_from_bytes, SVCM_FEEDBACK_KIND_NPS);
    add_class(L, "CSAT", l_feedback_call, l_feedback_from_bytes, SVCM_FEEDBACK_KIND_CSAT);
    add_class(L, "CES", l_feedback_call, l_feedback_from_bytes, SVCM_FEEDBACK_KIND_CES);
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

static const char *const kg_kind_names[] = {"nps", "csat", "ces", "rate", "durations", "sla",
                                            NULL};

typedef struct {
    svcm_kpi_groups *g;
} lkpigroups;

static svcm_kpi_groups *check_kg(lua_State *L, int arg)
{
    lkpigroups *u = luaL_checkudata(L, arg, KPI_GROUPS_MT);
    if (u->g == NULL)
        luaL_argerror(L, arg, "object is closed");
    return u->g;
}

svcm_kpi_groups *svcmlua_check_KPIGroups(lua_State *L, int idx) { return check_kg(L, idx); }

static lkpigroups *push_kg_slot(lua_State *L)
{
    lkpigroups *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->g = NULL;
    luaL_setmetatable(L, KPI_GROUPS_MT);
    return u;
}

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

/* Settings of slot kind k (index in kg_kind_names) from the table at idx
 * (or none: idx 0). Returns 0, or 1 when a key is unknown. */
static int kg_settings(lua_State *L, int idx, int k, svcm_kpi_slot *s)
{
    static const char *const fb[] = {"scale", "low", "top_boxes", "method", NULL};
    static const char *const ces[] = {"scale", "low", "method", NULL};
    static const char *const nps[] = {"interval", NULL};
    static const char *const rate[] = {"kind", NULL};
    static const char *const sk[] = {"rel_err", "max_buckets", "exact_limit", NULL};
    static const char *const none[] = {NULL};
    static const int fk[] = {SVCM_FEEDBACK_KIND_NPS, SVCM_FEEDBACK_KIND_CSAT, SVCM_FEEDBACK_KIND_CES};
    const char *const *names = k == 5   ? none
                               : k == 0 ? nps
                               : k == 1 ? fb
                               : k == 2         ? ces
                               : k == 3         ? rate
                                                : sk;
    svcm_kpi_slot_init(s, k <= 2   ? SVCM_KPI_SLOT_KIND_FEEDBACK
                          : k == 3 ? SVCM_KPI_SLOT_KIND_RATE
                          : k == 4 ? SVCM_KPI_SLOT_KIND_DURATIONS
                                   : SVCM_KPI_SLOT_KIND_SLA);
    if (k <= 2)
        svcm_feedback_options_init(&s->feedback, fk[k]);
    if (idx == 0)
        return 0;
    if (!kg_only_keys(L, idx, names))
        return 1;
    if (k <= 2)
        read_convention(L, idx, &s->feedback);
    if (k == 1 || k == 2) {
        s->feedback.high = (int32_t)kg_int_field(L, idx, "scale", s->feedback.high, INT32_MIN,
                                                 INT32_MAX);
        s->feedback.low = (int32_t)kg_int_field(L, idx, "low", s->feedback.low, INT32_MIN,
                                                INT32_MAX);
        s->feedback.top_boxes = (uint32_t)kg_int_field(L, idx, "top_boxes",
                                                       s->feedback.top_boxes, 0, UINT32_MAX);
    } else if (k == 3) {
        lua_getfield(L, idx, "kind");
        s->rate = (svcm_rate_kind)opt_rate_kind(L, lua_gettop(L));
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
    while (kg_kind_names[k] != NULL && strcmp(kg_kind_names[k], name) != 0)
        k++;
    lua_pop(L, 1);
    if (kg_kind_names[k] == NULL)
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
    lkpigroups *u = push_kg_slot(L);
    int rc = svcm_kpi_groups_new(&o, NULL, &u->g, &err);
    return rc != SVCM_OK ? kg_fail_c(L, rc, &err) : 1;
}

/* svcm.kpi_groups_load(bytes) -> object, or nil, message, code. */
static int l_kpi_groups_load(lua_State *L)
{
    size_t len;
    const char *b = luaL_checklstring(L, 1, &len);
    svcm_error err;
    svcm_error_clear(&err);
    lkpigroups *u = push_kg_slot(L);
    int rc = svcm_kpi_groups_load((const unsigned char *)b, len, NULL, &u->g, &err);
    return rc != SVCM_OK ? kg_fail_c(L, rc, &err) : 1;
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

/* The 1-based slot number at arg as a C index (range checked in C). */
static size_t kg_slot_arg(lua_State *L, int arg)
{
    lua_Integer v = luaL_checkinteger(L, arg);
    return v < 1 ? SIZE_MAX : (size_t)(v - 1);
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
        lua_pushstring(L, options_convention(&s->feedback));
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

static int kg_added(lua_State *L, int rc, svcm_error *err)
{
    if (rc != SVCM_OK)
        return kg_fail_c(L, rc, err);
    lua_pushboolean(L, 1);
    return 1;
}

/* Group and slot of a result call; the slot must be of kind want. Returns
 * 0, or the number of values pushed by a failure. */
static int kg_locate(lua_State *L, svcm_kpi_groups *g, svcm_kpi_slot_kind want, size_t *k,
                     size_t *slot)
{
    svcm_kpi_slot s;
    *k = kg_group_arg(L, g, 2);
    *slot = kg_slot_arg(L, 3);
    if (*k == SIZE_MAX)
        return kg_no_group(L);
    if (svcm_kpi_groups_slot(g, *slot, &s) != SVCM_OK || s.kind != want)
        return kg_fail(L, SVCM_EINVAL, SVCM_NO_INDEX, "slot",
                       "no slot of this kind with that number");
    return 0;
}

static int l_kg_add_outcome(lua_State *L)
{
    svcm_kpi_groups *g = check_kg(L, 1);
    size_t k, slot;
    int nret = kg_locate(L, g, SVCM_KPI_SLOT_KIND_RATE, &k, &slot);
    if (nret)
        return nret;
    luaL_checktype(L, 4, LUA_TBOOLEAN);
    svcm_error err;
    svcm_error_clear(&err);
    return kg_added(L, svcm_kpi_groups_add_outcome(g, k, slot, lua_toboolean(L, 4), &err), &err);
}

/* ---- results */

static int l_kg_quantiles(lua_State *L)
{
    svcm_kpi_groups *g = check_kg(L, 1);
    size_t k, slot, n;
    int nret = kg_locate(L, g, SVCM_KPI_SLOT_KIND_DURATIONS, &k, &slot);
    if (nret)
        return nret;
    const double *qs = svcmlua_checkdoubles(L, 4, &n);
    double *out = lua_newuserdatauv(L, n > 0 ? n * sizeof *out : 1, 0);
    const svcm_durations *d;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_kpi_groups_durations(g, k, slot, &d);
    if (rc == SVCM_OK)
        rc = svcm_durations_quantiles(d, qs, n, out, &err);
    if (rc != SVCM_OK)
        return kg_fail_c(L, rc, &err);
    svcmlua_pushdoubles(L, out, n);
    return 1;
}

/* ---- merge, saved form, lifetime */

static int l_kg_merge(lua_State *L)
{
    svcm_kpi_groups *g = check_kg(L, 1), *h = check_kg(L, 2);
    svcm_error err;
    svcm_error_clear(&err);
    return kg_added(L, svcm_kpi_groups_merge(g, h, &err), &err);
}

static int l_kg_to_bytes(lua_State *L)
{
    svcm_kpi_groups *g = check_kg(L, 1);
    size_t len = 0;
    int rc = svcm_kpi_groups_save(g, NULL, 0, &len);
    if (rc != SVCM_ENOSPC)
        return svcmlua_fail(L, rc, NULL);
    luaL_Buffer b;
    unsigned char *p = (unsigned char *)luaL_buffinitsize(L, &b, len);
    rc = svcm_kpi_groups_save(g, p, len, &len);
    if (rc != SVCM_OK)
        return svcmlua_raise(L, rc, NULL);
    luaL_pushresultsize(&b, len);
    return 1;
}

static int l_kg_gc(lua_State *L)
{
    lkpigroups *u = luaL_checkudata(L, 1, KPI_GROUPS_MT);
    svcm_kpi_groups_free(u->g);
    u->g = NULL;
    return 0;
}

static int l_kg_tostring(lua_State *L)
{
    lkpigroups *u = luaL_checkudata(L, 1, KPI_GROUPS_MT);
    if (u->g == NULL)
        lua_pushliteral(L, "svcm.KPIGroups (closed)");
    else
        lua_pushfstring(L, "svcm.KPIGroups slots=%d groups=%I",
                        (int)svcm_kpi_groups_slot_count(u->g),
                        (lua_Integer)svcm_kpi_groups_count(u->g));
    return 1;
}

static const luaL_Reg kg_methods[] = {
    {"group", l_kg_group},         {"find", l_kg_find},
    {"key", l_kg_key},             {"keys", l_kg_keys},
    {"order", l_kg_order},         {"count", l_kg_count},
    {"slots", l_kg_slots},         {"add_outcome", l_kg_add_outcome},
    {"quantiles", l_kg_quantiles}, {"merge", l_kg_merge},
    {"to_bytes", l_kg_to_bytes},   {"close", l_kg_gc},
    {NULL, NULL},
};

static void open_kpi_groups(lua_State *L)
{
    new_type(L, KPI_GROUPS_MT, kg_methods, svcmlua_members_KPIGroups, l_kg_gc, l_kg_tostring);
    lua_pushcfunction(L, l_kg_count);
    lua_setfield(L, -3, "__len");
    lua_pop(L, 2);
    lua_pushcfunction(L, l_kpi_groups);
    lua_setfield(L, -2, "kpi_groups");
    lua_pushcfunction(L, l_kpi_groups_load);
    lua_setfield(L, -2, "kpi_groups_load");
}
