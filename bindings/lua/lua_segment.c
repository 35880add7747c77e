/* Lua surface of the segment engine: RFM scores, tiers with reasons, policy
 * tables and text, per-tier summaries, migration. Tiers and reason codes
 * keep their C values (tiers 0..4: vip, key, regular, potential, lost). */
#include "svcmlua.h"
#include "gen_lua.h"

#include <stdio.h>
#include <string.h>

#include "svcm/segment.h"

/* A TierSummary record (bindings/api/segment.py, which declares it too). */
struct seg_tier_row {
    int tier;
    svcm_tier_summary s;
};

static void push_bytes(lua_State *L, const uint8_t *v, size_t n)
{
    lua_createtable(L, n > INT32_MAX ? 0 : (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, v[i]);
        lua_rawseti(L, -2, (lua_Integer)(i + 1));
    }
}

static void push_edges(lua_State *L, const svcm_rfm_edges *e)
{
    lua_createtable(L, 0, 4);
    svcmlua_setinteger(L, "bins", e->bins);
    svcmlua_pushdoubles(L, e->recency, (size_t)e->bins - 1);
    lua_setfield(L, -2, "recency");
    svcmlua_pushdoubles(L, e->frequency, (size_t)e->bins - 1);
    lua_setfield(L, -2, "frequency");
    svcmlua_pushdoubles(L, e->monetary, (size_t)e->bins - 1);
    lua_setfield(L, -2, "monetary");
}

/* Edges from the table at idx: {recency = {...}, frequency = {...},
 * monetary = {...}} (bins, if present, is ignored: it follows the lengths).
 * Returns 0, or pushes the failure triple and returns its count. */
static int read_edges(lua_State *L, int idx, svcm_rfm_edges *out)
{
    static const char *const keys[3] = {"recency", "frequency", "monetary"};
    static const char *const fields[3] = {"recency_edges", "frequency_edges", "monetary_edges"};
    double *dst[3] = {out->recency, out->frequency, out->monetary};
    size_t len[3];
    memset(out, 0, sizeof *out);
    luaL_checktype(L, idx, LUA_TTABLE);
    for (int i = 0; i < 3; i++) {
        lua_getfield(L, idx, keys[i]);
        const double *v = svcmlua_checkdoubles(L, -1, &len[i]);
        if (len[i] < 1 || len[i] > SVCM_RFM_MAX_BINS - 1) {
            lua_pop(L, 2);
            return svcmlua_fail_field(L, SVCM_EINVAL, fields[i],
                              "edges need 1 to 9 cut points (2 to 10 bins)");
        }
        memcpy(dst[i], v, len[i] * sizeof(double));
        lua_pop(L, 2);
    }
    if (len[1] != len[0] || len[2] != len[0])
        return svcmlua_fail_field(L, SVCM_EINVAL, "edges",
                          "recency, frequency and monetary need the same number of edges");
    out->bins = (int)len[0] + 1;
    svcm_error err;
    int rc = svcm_rfm_edges_check(out, &err);
    return rc == SVCM_OK ? 0 : svcmlua_fail(L, rc, &err);
}

/* Customer columns from arguments 1..3 and options tenure / p_alive of the
 * table at stack index opts (0: no options). Array buffers stay on the
 * stack until the call returns. */
static int read_columns(lua_State *L, int opts, svcm_customers *c)
{
    static const char *const names[5] = {"recency", "frequency", "monetary", "tenure", "p_alive"};
    const double *col[5] = {NULL};
    size_t n[5] = {0};
    for (int i = 0; i < 3; i++)
        col[i] = svcmlua_checkdoubles(L, i + 1, &n[i]);
    for (int i = 3; i < 5; i++) {
        if (opts == 0 || lua_isnoneornil(L, opts))
            break;
        if (lua_getfield(L, opts, names[i]) != LUA_TNIL)
            col[i] = svcmlua_checkdoubles(L, -1, &n[i]);
        else
            n[i] = n[0];
    }
    for (int i = 1; i < 5; i++) {
        if (col[i] != NULL && n[i] != n[0]) {
            char msg[96];
            snprintf(msg, sizeof msg, "%s has %zu values but recency has %zu", names[i], n[i],
                     n[0]);
            return svcmlua_fail_field(L, SVCM_EINVAL, names[i], msg);
        }
    }
    memset(c, 0, sizeof *c);
    c->n = n[0];
    c->recency = col[0];
    c->frequency = col[1];
    c->monetary = col[2];
    c->tenure = col[3];
    c->p_alive = col[4];
    return 0;
}

/* ------------------------------------------------------------ policy */

static const struct {
    const char *name;
    int is_int;
    size_t offset;
} policy_keys[] = {
#define SVCMLUA_KEY(name, is_int) {#name, is_int, offsetof(svcm_segment_options, name)}
    SVCMLUA_KEY(bins, 1),
    SVCMLUA_KEY(churn_days, 0),
    SVCMLUA_KEY(p_alive_min, 0),
    SVCMLUA_KEY(new_tenure_days, 0),
    SVCMLUA_KEY(new_max_frequency, 0),
    SVCMLUA_KEY(vip_active_days, 0),
    SVCMLUA_KEY(vip_m_top_scores, 1),
    SVCMLUA_KEY(vip_min_monetary, 0),
    SVCMLUA_KEY(key_weight_r, 0),
    SVCMLUA_KEY(key_weight_f, 0),
    SVCMLUA_KEY(key_weight_m, 0),
    SVCMLUA_KEY(key_min_score, 0),
#undef SVCMLUA_KEY
};
#define NPOLICY_KEYS (sizeof policy_keys / sizeof policy_keys[0])

static void push_policy(lua_State *L, const svcm_segment_options *p)
{
    lua_createtable(L, 0, (int)NPOLICY_KEYS);
    for (size_t k = 0; k < NPOLICY_KEYS; k++) {
        const char *at = (const char *)p + policy_keys[k].offset;
        if (policy_keys[k].is_int) {
            int v;
            memcpy(&v, at, sizeof v);
            lua_pushinteger(L, v);
        } else {
            double v;
            memcpy(&v, at, sizeof v);
            lua_pushnumber(L, v);
        }
        lua_setfield(L, -2, policy_keys[k].name);
    }
}

/* A policy from the table at idx (absent keys keep their defaults). Unknown
 * keys and non-numbers raise (misuse); the ranges are checked by the caller. */
static void read_policy(lua_State *L, int idx, svcm_segment_options *p)
{
    svcm_segment_options_init(p);
    if (lua_isnoneornil(L, idx))
        return;
    idx = lua_absindex(L, idx);
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        size_t k = NPOLICY_KEYS;
        if (lua_type(L, -2) == LUA_TSTRING) {
            const char *key = lua_tostring(L, -2);
            for (k = 0; k < NPOLICY_KEYS; k++)
                if (strcmp(key, policy_keys[k].name) == 0)
                    break;
        }
        if (k == NPOLICY_KEYS)
            luaL_error(L, "policy: unknown key '%s'",
                       lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
        char *at = (char *)p + policy_keys[k].offset;
        if (policy_keys[k].is_int) {
            int ok = 0;
            lua_Integer v = lua_tointegerx(L, -1, &ok);
            if (!ok)
                luaL_error(L, "policy: '%s' must be an integer", policy_keys[k].name);
            int iv = (v < -1000000 || v > 1000000) ? 1000000 : (int)v; /* out of range anyway */
            memcpy(at, &iv, sizeof iv);
        } else {
            if (lua_type(L, -1) != LUA_TNUMBER)
                luaL_error(L, "policy: '%s' must be a number", policy_keys[k].name);
            double v = lua_tonumber(L, -1);
            memcpy(at, &v, sizeof v);
        }
        lua_pop(L, 1);
    }
}

/* svcm.policy([tbl]) -> full policy table, or nil, msg, code */
static int l_policy(lua_State *L)
{
    lua_settop(L, 1);
    svcm_segment_options p;
    read_policy(L, 1, &p);
    svcm_error err;
    int rc = svcm_segment_options_check(&p, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_policy(L, &p);
    return 1;
}

/* svcm.policy_from_text(text) -> policy table, or nil, msg, code (the error
 * message names the line; the code is EFORMAT or EINVAL) */
static int l_policy_from_text(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    svcm_segment_options p;
    svcm_error err;
    int rc = svcm_segment_options_parse(text, len, &p, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_policy(L, &p);
    return 1;
}

/* svcm.policy_to_text(tbl) -> string, or nil, msg, code */
static int l_policy_to_text(lua_State *L)
{
    lua_settop(L, 1);
    svcm_segment_options p;
    read_policy(L, 1, &p);
    svcm_error err;
    int rc = svcm_segment_options_check(&p, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    size_t len = 0;
    (void)svcm_segment_options_format(&p, NULL, 0, &len);
    char *buf = lua_newuserdatauv(L, len + 1, 0);
    rc = svcm_segment_options_format(&p, buf, len + 1, &len);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    lua_pushlstring(L, buf, len);
    return 1;
}

/* ------------------------------------------------------------ functions */

/* svcm.rfm_edges(values [, bins [, sorted]]) -> {edges...} */
static int l_rfm_edges(lua_State *L)
{
    lua_settop(L, 3); /* optional arguments become nil slots below the buffers */
    size_t n;
    const double *v = svcmlua_checkdoubles(L, 1, &n);
    lua_Integer bins = luaL_optinteger(L, 2, 5);
    int is_sorted = lua_toboolean(L, 3);
    if (bins < SVCM_RFM_MIN_BINS || bins > SVCM_RFM_MAX_BINS)
        return svcmlua_fail_field(L, SVCM_EINVAL, "bins", "bins must be in 2..10");
    double e[SVCM_RFM_MAX_BINS - 1];
    svcm_error err;
    int rc = is_sorted ? svcm_rfm_sorted_edges(v, n, (int)bins, e, &err)
                       : svcm_rfm_column_edges(v, n, (int)bins, NULL, e, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    svcmlua_pushdoubles(L, e, (size_t)bins - 1);
    return 1;
}

/* svcm.rfm_scores(recency, frequency, monetary [, {bins =, edges =}])
 * -> {r = {...}, f = {...}, m = {...}, edges = {...}} */
static int l_rfm_scores(lua_State *L)
{
    lua_settop(L, 4);
    luaL_checkstack(L, 24, "svcm"); /* buffers and result tables */
    svcm_customers c;
    int nret = read_columns(L, 0, &c); /* no optional columns here */
    if (nret)
        return nret;
    lua_Integer bins = svcmlua_optfield_integer(L, 4, "bins", 5);
    svcm_rfm_edges e;
    int fit = 1;
    if (!lua_isnoneornil(L, 4)) {
        luaL_checktype(L, 4, LUA_TTABLE);
        if (lua_getfield(L, 4, "edges") != LUA_TNIL) {
            fit = 0;
            nret = read_edges(L, lua_gettop(L), &e);
            if (nret)
                return nret;
        }
        lua_pop(L, 1);
    }
    if (fit && (bins < SVCM_RFM_MIN_BINS || bins > SVCM_RFM_MAX_BINS))
        return svcmlua_fail_field(L, SVCM_EINVAL, "bins", "bins must be in 2..10");
    uint8_t *buf = lua_newuserdatauv(L, 3 * c.n + 1, 0);
    svcm_error err;
    int rc = fit ? svcm_rfm_fit(&c, (int)bins, NULL, &e, &err) : SVCM_OK;
    if (rc == SVCM_OK)
        rc = svcm_rfm_score(&c, &e, buf, buf + c.n, buf + 2 * c.n, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, 0, 4);
    push_bytes(L, buf, c.n);
    lua_setfield(L, -2, "r");
    push_bytes(L, buf + c.n, c.n);
    lua_setfield(L, -2, "f");
    push_bytes(L, buf + 2 * c.n, c.n);
    lua_setfield(L, -2, "m");
    push_edges(L, &e);
    lua_setfield(L, -2, "edges");
    return 1;
}

/* Policy and edges from the options table at opts (absent: defaults and
 * fitting). Returns 0, or the failure triple's count. */
static int read_policy_edges(lua_State *L, int opts, svcm_segment_options *p, svcm_rfm_edges *e,
                             int *fit)
{
    *fit = 1;
    if (lua_isnoneornil(L, opts)) {
        svcm_segment_options_init(p);
        return 0;
    }
    luaL_checktype(L, opts, LUA_TTABLE);
    lua_getfield(L, opts, "policy");
    read_policy(L, -1, p);
    lua_pop(L, 1);
    if (lua_getfield(L, opts, "edges") != LUA_TNIL) {
        *fit = 0;
        int nret = read_edges(L, lua_gettop(L), e);
        if (nret)
            return nret;
    }
    lua_pop(L, 1);
    return 0;
}

/* The threads option of the options table at opts: an integer 1..
 * SVCM_SEGMENT_MAX_THREADS, default 1. A non-integer raises; an integer out
 * of range is the failure triple (field "threads"), whose count is
 * returned; 0 when *threads was set. */
static int read_threads(lua_State *L, int opts, unsigned *threads)
{
    *threads = 1;
    if (lua_isnoneornil(L, opts))
        return 0;
    if (lua_getfield(L, opts, "threads") == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    int isint = 0;
    lua_Integer t = lua_tointegerx(L, -1, &isint);
    if (!isint)
        return luaL_error(L, "threads: integer expected, got %s", luaL_typename(L, -1));
    lua_pop(L, 1);
    if (t < 1 || t > SVCM_SEGMENT_MAX_THREADS) {
        char msg[96];
        snprintf(msg, sizeof msg, "threads must be in 1..%d, got %lld", SVCM_SEGMENT_MAX_THREADS,
                 (long long)t);
        return svcmlua_fail_field(L, SVCM_EINVAL, "threads", msg);
    }
    *threads = (unsigned)t;
    return 0;
}

/* The reason names by code 0..7 (the keys are the C codes). */
static void push_reason_names(lua_State *L)
{
    lua_createtable(L, 0, SVCM_SEGMENT_REASON_COUNT);
    for (int i = 0; i < SVCM_SEGMENT_REASON_COUNT; i++) {
        lua_pushstring(L, svcm_segment_reason_name(i));
        lua_rawseti(L, -2, i);
    }
}

/* The result of segment(): the five byte columns of buf (n each), edges e. */
static int push_segmentation(lua_State *L, const uint8_t *buf, size_t n, const svcm_rfm_edges *e)
{
    static const char *const names[5] = {"tiers", "reasons", "r", "f", "m"};
    lua_createtable(L, 0, 7);
    for (int i = 0; i < 5; i++) {
        push_bytes(L, buf + (size_t)i * n, n);
        lua_setfield(L, -2, names[i]);
    }
    push_edges(L, e);
    lua_setfield(L, -2, "edges");
    push_reason_names(L);
    lua_setfield(L, -2, "reason_names");
    return 1;
}

/* Check, fit unless edges were given, tier (svcm_segment_run on the
 * threads of the options table at opts); push the result table. */
static int segment_view(lua_State *L, const svcm_customers *c, int opts)
{
    svcm_segment_options p;
    svcm_rfm_edges e;
    unsigned threads;
    int fit, nret = read_policy_edges(L, opts, &p, &e, &fit);
    if (nret == 0)
        nret = read_threads(L, opts, &threads);
    if (nret)
        return nret;
    uint8_t *buf = lua_newuserdatauv(L, 5 * c->n + 1, 0);
    svcm_error err;
    /* The policy is checked first, so that a bad one is named before any
     * fitting; then the records, once, and the fit unless edges are given. */
    svcm_segment_run_options run;
    svcm_segment_run_options_init(&run);
    run.threads = threads;
    int rc = svcm_segment_run(c, &p, fit ? NULL : &e, &run, NULL, buf, buf + c->n,
                              buf + 2 * c->n, buf + 3 * c->n, buf + 4 * c->n, &e, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    return push_segmentation(L, buf, c->n, &e);
}

/* svcm.segment(recency, frequency, monetary [, {tenure =, p_alive =,
 * policy =, edges =, threads =}]) -> {tiers, reasons, r, f, m, edges,
 * reason_names}; threads: 1..64 (default 1), results as with one. */
static int l_segment(lua_State *L)
{
    lua_settop(L, 4);
    luaL_checkstack(L, 24, "svcm"); /* buffers and result tables */
    if (!lua_isnoneornil(L, 4))
        luaL_checktype(L, 4, LUA_TTABLE);
    svcm_customers c;
    int nret = read_columns(L, 4, &c);
    if (nret)
        return nret;
    return segment_view(L, &c, 4);
}

/* A number field of record table at idx; returns 1 when present. Raises
 * when required and absent, or not a number. */
static int record_field(lua_State *L, int idx, lua_Integer i, const char *key, int required,
                        double *out)
{
    int t = lua_getfield(L, idx, key);
    if (t == LUA_TNIL && !required) {
        lua_pop(L, 1);
        return 0;
    }
    if (t != LUA_TNUMBER)
        luaL_error(L, "records[%d].%s: number expected, got %s", (int)i, key,
                   lua_typename(L, t));
    *out = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return 1;
}

/* svcm.segment_records({{id =, recency =, frequency =, monetary =
 * [, tenure =] [, p_alive =]}, ...} [, {policy =, edges =}]): tenure and
 * p_alive may be absent per record. */
static int l_segment_records(lua_State *L)
{
    lua_settop(L, 2);
    luaL_checkstack(L, 24, "svcm"); /* buffers and result tables */
    luaL_checktype(L, 1, LUA_TTABLE);
    size_t n = (size_t)lua_rawlen(L, 1);
    if (n > SIZE_MAX / sizeof(svcm_customer_record) - 1)
        return luaL_argerror(L, 1, "too many records");
    svcm_customer_record *recs = lua_newuserdatauv(L, n * sizeof *recs + 1, 0);
    for (size_t i = 0; i < n; i++) {
        lua_Integer li = (lua_Integer)(i + 1);
        if (lua_rawgeti(L, 1, li) != LUA_TTABLE)
            return luaL_error(L, "records[%d]: table expected", (int)li);
        int idx = lua_gettop(L);
        svcm_customer_record *c = &recs[i];
        memset(c, 0, sizeof *c);
        lua_getfield(L, idx, "id");
        int ok = 0;
        c->id = (int64_t)lua_tointegerx(L, -1, &ok);
        if (!ok)
            return luaL_error(L, "records[%d].id: integer expected", (int)li);
        lua_pop(L, 1);
        record_field(L, idx, li, "recency", 1, &c->recency);
        record_field(L, idx, li, "frequency", 1, &c->frequency);
        record_field(L, idx, li, "monetary", 1, &c->monetary);
        if (record_field(L, idx, li, "tenure", 0, &c->tenure))
            c->flags |= SVCM_CUSTOMER_HAS_TENURE;
        if (record_field(L, idx, li, "p_alive", 0, &c->p_alive))
            c->flags |= SVCM_CUSTOMER_HAS_P_ALIVE;
        lua_pop(L, 1);
    }
    svcm_customers view;
    int rc = svcm_customers_from_records(recs, n, &view);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    return segment_view(L, &view, 2);
}

/* svcm.rfm_fit(recency, frequency, monetary [, bins]) -> edges table */
static int l_rfm_fit(lua_State *L)
{
    lua_settop(L, 4);
    luaL_checkstack(L, 24, "svcm"); /* buffers and result tables */
    lua_Integer bins = luaL_optinteger(L, 4, 5);
    svcm_customers c;
    int nret = read_columns(L, 0, &c);
    if (nret)
        return nret;
    if (bins < SVCM_RFM_MIN_BINS || bins > SVCM_RFM_MAX_BINS)
        return svcmlua_fail_field(L, SVCM_EINVAL, "bins", "bins must be in 2..10");
    svcm_rfm_edges e;
    svcm_error err;
    int rc = svcm_rfm_fit(&c, (int)bins, NULL, &e, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_edges(L, &e);
    return 1;
}

/* Small non-negative integers (tiers, scores) from the table at arg into a
 * userdata left on the stack; values outside 0..255 fail (returns the
 * triple count), else 0. */
static int check_bytes(lua_State *L, int arg, const char *field, const uint8_t **out, size_t *n)
{
    const int64_t *v = svcmlua_checkint64s(L, arg, n);
    uint8_t *b = lua_newuserdatauv(L, *n + 1, 0);
    for (size_t i = 0; i < *n; i++) {
        if (v[i] < 0 || v[i] > 255) {
            svcm_error err;
            svcm_error_clear(&err);
            err.code = SVCM_EINVAL;
            err.index = i;
            err.field = field;
            snprintf(err.message, sizeof err.message, "not a tier or score");
            return svcmlua_fail(L, SVCM_EINVAL, &err);
        }
        b[i] = (uint8_t)v[i];
    }
    *out = b;
    return 0;
}

/* svcm.tier_summary(tiers, recency, frequency, monetary [, {r =, f =, m =}])
 * -> sequence of 5 summaries in tier order; tiers may be a segment() result */
/* When argument arg is a segment() result, replace it by its tiers; returns
 * 1 if it was one. */
static int unwrap_tiers(lua_State *L, int arg)
{
    if (lua_type(L, arg) == LUA_TTABLE && lua_getfield(L, arg, "tiers") == LUA_TTABLE) {
        lua_replace(L, arg);
        return 1;
    }
    if (lua_type(L, arg) == LUA_TTABLE)
        lua_pop(L, 1);
    return 0;
}

static int l_tier_summary(lua_State *L)
{
    lua_settop(L, 5);
    luaL_checkstack(L, 24, "svcm"); /* buffers and result tables */
    /* A segment() result as argument 1 brings its tiers and, unless options
     * are given, its r, f and m scores. */
    if (lua_isnil(L, 5) && lua_type(L, 1) == LUA_TTABLE && lua_getfield(L, 1, "tiers") != LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushvalue(L, 1);
        lua_replace(L, 5);
    } else if (lua_type(L, 1) == LUA_TTABLE && lua_isnil(L, 5)) {
        lua_pop(L, 1);
    }
    unwrap_tiers(L, 1);
    const uint8_t *tiers, *sc[3] = {NULL, NULL, NULL};
    size_t nt;
    int nret = check_bytes(L, 1, "tiers", &tiers, &nt);
    if (nret)
        return nret;
    /* Columns are arguments 2..4: shift them to read_columns' 1..3. */
    const double *col[3];
    size_t n[3];
    static const char *const cnames[3] = {"recency", "frequency", "monetary"};
    for (int i = 0; i < 3; i++) {
        col[i] = svcmlua_checkdoubles(L, i + 2, &n[i]);
        if (n[i] != nt)
            return svcmlua_fail_field(L, SVCM_EINVAL, cnames[i],
                              "column and tiers differ in length");
    }
    static const char *const snames[3] = {"r", "f", "m"};
    if (!lua_isnoneornil(L, 5)) {
        luaL_checktype(L, 5, LUA_TTABLE);
        for (int i = 0; i < 3; i++) {
            if (lua_getfield(L, 5, snames[i]) == LUA_TNIL)
                continue;
            size_t ns;
            nret = check_bytes(L, lua_gettop(L), snames[i], &sc[i], &ns);
            if (nret)
                return nret;
            if (ns != nt)
                return svcmlua_fail_field(L, SVCM_EINVAL, snames[i],
                                  "scores and tiers differ in length");
        }
    }
    svcm_customers c = {.n = nt, .recency = col[0], .frequency = col[1], .monetary = col[2]};
    svcm_tier_summary s[SVCM_TIER_COUNT];
    svcm_error err;
    int rc = svcm_segment_summarize(&c, tiers, sc[0], sc[1], sc[2], s, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, SVCM_TIER_COUNT, 0);
    for (int t = 0; t < SVCM_TIER_COUNT; t++) {
        struct seg_tier_row row = {t, s[t]};
        svcmlua_rec_TierSummary(L, &row);
        lua_rawseti(L, -2, t + 1);
    }
    return 1;
}

/* svcm.migration(old_ids, old_tiers, new_ids, new_tiers [, {threads =}])
 * -> {counts = {[old+1] = {[new+1] = n}}, arrived = {...}, gone = {...}};
 * threads: 1..64 (default 1; svcm_segment_migration_run), the counts and
 * the duplicate reported are those of one thread. */
static int l_migration(lua_State *L)
{
    lua_settop(L, 5);
    luaL_checkstack(L, 24, "svcm"); /* buffers and result tables */
    if (!lua_isnoneornil(L, 5))
        luaL_checktype(L, 5, LUA_TTABLE);
    unsigned threads;
    int tret = read_threads(L, 5, &threads);
    if (tret)
        return tret;
    unwrap_tiers(L, 2); /* segment() results stand for their tiers */
    unwrap_tiers(L, 4);
    size_t no, nn, nto, ntn;
    const int64_t *oi = svcmlua_checkint64s(L, 1, &no);
    const int64_t *ni = svcmlua_checkint64s(L, 3, &nn);
    const uint8_t *ot, *nt;
    int nret = check_bytes(L, 2, "old_tiers", &ot, &nto);
    if (nret == 0)
        nret = check_bytes(L, 4, "new_tiers", &nt, &ntn);
    if (nret)
        return nret;
    if (nto != no || ntn != nn)
        return svcmlua_fail_field(L, SVCM_EINVAL, nto != no ? "old_tiers" : "new_tiers",
                          "ids and tiers differ in length");
    svcm_migration mg;
    svcm_error err;
    svcm_segment_run_options run;
    svcm_segment_run_options_init(&run);
    run.threads = threads;
    int rc = svcm_segment_migration_run(oi, ot, no, ni, nt, nn, &run, NULL, &mg, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, 0, 3);
    lua_createtable(L, SVCM_TIER_COUNT, 0);
    for (int t = 0; t < SVCM_TIER_COUNT; t++) {
        svcmlua_pushint64s(L, (const int64_t *)mg.counts[t], SVCM_TIER_COUNT);
        lua_rawseti(L, -2, t + 1);
    }
    lua_setfield(L, -2, "counts");
    svcmlua_pushint64s(L, (const int64_t *)mg.arrived, SVCM_TIER_COUNT);
    lua_setfield(L, -2, "arrived");
    svcmlua_pushint64s(L, (const int64_t *)mg.gone, SVCM_TIER_COUNT);
    lua_setfield(L, -2, "gone");
    return 1;
}

/* svcm.days_since(instants, as_of) -> {days...} */
static int l_days_since(lua_State *L)
{
    lua_settop(L, 2);
    size_t n;
    const int64_t *t = svcmlua_checkint64s(L, 1, &n);
    lua_Integer as_of = luaL_checkinteger(L, 2);
    double *out = lua_newuserdatauv(L, n * sizeof(double) + 1, 0);
    svcm_error err;
    int rc = svcm_segment_days_since(t, n, (int64_t)as_of, out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    svcmlua_pushdoubles(L, out, n);
    return 1;
}

static const luaL_Reg segment_funcs[] = {
    {"rfm_edges", l_rfm_edges},
    {"rfm_scores", l_rfm_scores},
    {"segment", l_segment},
    {"segment_records", l_segment_records},
    {"rfm_fit", l_rfm_fit},
    {"policy", l_policy},
    {"policy_from_text", l_policy_from_text},
    {"policy_to_text", l_policy_to_text},
    {"tier_summary", l_tier_summary},
    {"migration", l_migration},
    {"days_since", l_days_since},
    {NULL, NULL},
};

static void customers_open(lua_State *L); /* the customer-table block at the end */

void svcmlua_open_segment(lua_State *L)
{
    luaL_setfuncs(L, segment_funcs, 0);
    customers_open(L);
    push_reason_names(L);
    lua_setfield(L, -2, "SEGMENT_REASON_NAMES");
}

/* ------------------------------------------------------ customer table */
/* The customer table (segment.h, "Customer table") as a plain Lua table
 * {unit = "day"|"week"|"second", id = {...}, recency = {...}, ...}: the
 * functions below copy it into an owned svcm_customers (boxed in a
 * userdata whose __gc frees it, so a raise cannot leak it) and return
 * results as tables. */

#define CUSTOMERS_BOX "svcm_internal.CustomersBox" /* never reaches Lua code */

static const char *const cu_units[SVCM_TIME_UNIT_COUNT] = {"day", "week", "second"};
static const char *const cu_cols[10] = {"id", "recency", "frequency", "monetary", "tenure",
                                        "p_alive", "x", "t_x", "T", "mean_repeat_spend"};

static const void *cu_col(const svcm_customers *c, int k)
{
    const void *cols[10] = {c->id, c->recency, c->frequency, c->monetary, c->tenure,
                            c->p_alive, c->x, c->t_x, c->T, c->mean_repeat_spend};
    return cols[k];
}

static int cu_box_gc(lua_State *L)
{
    svcm_customers **box = luaL_checkudata(L, 1, CUSTOMERS_BOX);
    svcm_customers_free(*box);
    *box = NULL;
    return 0;
}

/* A unit name into *u; 0, or the failure triple's count (field `field`). */
static int cu_unit(lua_State *L, const char *name, const char *field, svcm_time_unit *u)
{
    for (int k = 0; k < SVCM_TIME_UNIT_COUNT; k++)
        if (strcmp(name, cu_units[k]) == 0) {
            *u = (svcm_time_unit)k;
            return 0;
        }
    return svcmlua_fail_field(L, SVCM_EINVAL, field,
                      "unknown time unit (expected 'day', 'week' or 'second')");
}

/* The table at arg copied into an owned table, boxed on the stack. Returns
 * 0 with *out set, or the failure triple's count. */
static int cu_read(lua_State *L, int arg, svcm_customers **out)
{
    luaL_checktype(L, arg, LUA_TTABLE);
    svcm_customers_options o;
    svcm_customers_options_init(&o);
    o.columns = 0;
    lua_getfield(L, arg, "unit");
    const char *un = lua_isnil(L, -1) ? "day" : luaL_checkstring(L, -1);
    int nret = cu_unit(L, un, "unit", &o.unit);
    if (nret)
        return nret;
    const void *data[10] = {NULL};
    size_t len[10] = {0};
    int first = -1;
    for (int k = 0; k < 10; k++) {
        if (lua_getfield(L, arg, cu_cols[k]) == LUA_TNIL)
            continue; /* the nil stays: the stack only grows here */
        int idx = lua_gettop(L);
        data[k] = k == 0 ? (const void *)svcmlua_checkint64s(L, idx, &len[k])
                         : (const void *)svcmlua_checkdoubles(L, idx, &len[k]);
        o.columns |= 1u << k;
        if (first < 0) {
            first = k;
        } else if (len[k] != len[first]) {
            char msg[120];
            snprintf(msg, sizeof msg, "%s has %zu values but %s has %zu", cu_cols[k], len[k],
                     cu_cols[first], len[first]);
            return svcmlua_fail_field(L, SVCM_EINVAL, cu_cols[k], msg);
        }
    }
    o.n = first < 0 ? 0 : len[first];
    svcm_customers **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, CUSTOMERS_BOX);
    svcm_error err;
    int rc = svcm_customers_new(&o, NULL, box, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    for (int k = 0; k < 10; k++)
        if (data[k] != NULL)
            memcpy((void *)(uintptr_t)cu_col(*box, k), data[k], o.n * 8);
    *out = *box;
    return 0;
}

/* Push a table as a Lua customer table. */
static void cu_push(lua_State *L, const svcm_customers *c)
{
    lua_createtable(L, 0, 12);
    svcmlua_setstring(L, "unit", cu_units[c->unit]);
    svcmlua_setinteger(L, "n", (lua_Integer)c->n);
    for (int k = 0; k < 10; k++) {
        const void *v = cu_col(c, k);
        if (v == NULL)
            continue;
        if (k == 0)
            svcmlua_pushint64s(L, v, c->n);
        else
            svcmlua_pushdoubles(L, v, c->n);
        lua_setfield(L, -2, cu_cols[k]);
    }
}

/* The options period ("week"), granularity, offset and returns ("error",
 * "net" or "drop") of the table at opts into o; 0, or the failure's count. */
static int read_summary(lua_State *L, int opts, svcm_summary_options *o)
{
    static const char *const rules[] = {"error", "net", "drop"};
    static const svcm_summary_returns codes[] = {
        SVCM_SUMMARY_RETURNS_ERROR, SVCM_SUMMARY_RETURNS_NET, SVCM_SUMMARY_RETURNS_DROP};
    svcm_time_unit u = SVCM_TIME_UNIT_WEEK;
    int nret = cu_unit(L, svcmlua_optfield_string(L, opts, "period", "week"), "period", &u);
    if (nret)
        return nret;
    o->period = svcm_time_unit_seconds((int)u);
    o->granularity = (int64_t)svcmlua_optfield_integer(L, opts, "granularity", o->granularity);
    o->offset = (int64_t)svcmlua_optfield_integer(L, opts, "offset", o->offset);
    const char *ret = svcmlua_optfield_string(L, opts, "returns", "error");
    for (int k = 0; k < 3; k++)
        if (strcmp(ret, rules[k]) == 0) {
            o->returns = codes[k];
            return 0;
        }
    return svcmlua_fail_field(L, SVCM_EINVAL, "returns",
                              "unknown rule for returns (expected 'error', 'net' or 'drop')");
}

/* svcm.summarize_customers(ids, times, values, end [, {period = "week",
 * granularity =, offset =, returns = "error" | "net" | "drop"}]) -> customer
 * table */
static int l_summarize_customers(lua_State *L)
{
    lua_settop(L, 5);
    luaL_checkstack(L, 24, "svcm");
    size_t n, nt, nv;
    const int64_t *ids = svcmlua_checkint64s(L, 1, &n);
    const int64_t *times = svcmlua_checkint64s(L, 2, &nt);
    const double *values = svcmlua_checkdoubles(L, 3, &nv);
    lua_Integer end = luaL_checkinteger(L, 4);
    if (!lua_isnoneornil(L, 5))
        luaL_checktype(L, 5, LUA_TTABLE);
    svcm_summary_options o;
    svcm_summary_options_init(&o);
    int nret = read_summary(L, 5, &o);
    if (nret)
        return nret;
    if (nt != n || nv != n)
        return svcmlua_fail_field(L, SVCM_EINVAL, nt != n ? "times" : "values",
                          "ids, times and values differ in length");
    svcm_customers **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, CUSTOMERS_BOX);
    svcm_error err;
    int rc = svcm_customers_summarize(ids, times, values, n, (int64_t)end, &o, NULL, box, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    cu_push(L, *box);
    return 1;
}

/* svcm.customers_segment(table [, {policy =, edges =}]) -> the result of
 * svcm.segment: recency and tenure are converted from table.unit to days. */
static int l_customers_segment(lua_State *L)
{
    lua_settop(L, 2);
    luaL_checkstack(L, 40, "svcm"); /* columns, buffers and result tables */
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    svcm_segment_options p;
    svcm_rfm_edges e, used;
    int fit, nret = read_policy_edges(L, 2, &p, &e, &fit);
    svcm_customers *c = NULL;
    if (nret || (nret = cu_read(L, 1, &c)) != 0)
        return nret;
    size_t n = c->n;
    uint8_t *buf = lua_newuserdatauv(L, 5 * n + 1, 0);
    /* the scores in days, scaled as svcm_customers_segment scales them */
    double *rd = lua_newuserdatauv(L, n * 8 + 1, 0), scale;
    scale = svcm_time_unit_seconds((int)c->unit) / 86400.0;
    for (size_t i = 0; c->recency != NULL && i < n; i++)
        rd[i] = c->recency[i] * scale;
    svcm_customers days = {.n = n, .recency = c->recency ? rd : NULL, .frequency = c->frequency,
                           .monetary = c->monetary};
    svcm_error err;
    int rc = svcm_segment_options_check(&p, &err); /* the policy is named first */
    if (rc == SVCM_OK)
        rc = svcm_customers_segment(c, &p, fit ? NULL : &e, NULL, buf, buf + n, &used, &err);
    if (rc == SVCM_OK)
        rc = svcm_rfm_score(&days, &used, buf + 2 * n, buf + 3 * n, buf + 4 * n, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    return push_segmentation(L, buf, n, &used);
}

/* A count option (absent: *out kept); out of range becomes 0, which the C
 * checks refuse naming the field. */
static void cu_count(lua_State *L, int opts, const char *key, unsigned *out)
{
    lua_Integer v = svcmlua_optfield_integer(L, opts, key, (lua_Integer)*out);
    *out = v < 0 || v > 0x7FFFFFFF ? 0u : (unsigned)v;
}

/* The models of a successful fit as tables {r, alpha, a, b, loglik, n,
 * groups, iterations} and {p, q, gamma, loglik, n, iterations}. */
static void cu_push_models(lua_State *L, const struct svcm_lifetime_table_result *r, int want_clv)
{
    const struct svcm_bgnbd_fit_result *b = &r->bgnbd;
    lua_createtable(L, 0, 8);
    svcmlua_setnumber(L, "r", b->params.r);
    svcmlua_setnumber(L, "alpha", b->params.alpha);
    svcmlua_setnumber(L, "a", b->params.a);
    svcmlua_setnumber(L, "b", b->params.b);
    svcmlua_setnumber(L, "loglik", b->loglik);
    svcmlua_setinteger(L, "n", (lua_Integer)b->n);
    svcmlua_setinteger(L, "groups", (lua_Integer)b->groups);
    svcmlua_setinteger(L, "iterations", (lua_Integer)b->iterations);
    lua_setfield(L, -2, "bgnbd");
    if (!want_clv)
        return;
    const struct svcm_gammagamma_fit_result *g = &r->gammagamma;
    lua_createtable(L, 0, 6);
    svcmlua_setnumber(L, "p", g->params.p);
    svcmlua_setnumber(L, "q", g->params.q);
    svcmlua_setnumber(L, "gamma", g->params.gamma);
    svcmlua_setnumber(L, "loglik", g->loglik);
    svcmlua_setinteger(L, "n", (lua_Integer)g->n);
    svcmlua_setinteger(L, "iterations", (lua_Integer)g->iterations);
    lua_setfield(L, -2, "gammagamma");
}

/* svcm.lifetime_table_fit(table [, {unit = "week", horizon = 52, clv = true,
 * max_iter =, gtol =, clv_horizon =, period_length =, discount_rate =,
 * margin =}]) -> {bgnbd =, gammagamma =, p_alive =, expected =, clv =,
 * unit =} */
static int l_lifetime_table_fit(lua_State *L)
{
    lua_settop(L, 2);
    luaL_checkstack(L, 40, "svcm");
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    svcm_lifetime_table_options o;
    svcm_lifetime_table_options_init(&o);
    int nret = cu_unit(L, svcmlua_optfield_string(L, 2, "unit", "week"), "unit", &o.unit);
    if (nret)
        return nret;
    o.horizon = svcmlua_optfield_number(L, 2, "horizon", o.horizon);
    int want_clv = svcmlua_optfield_boolean(L, 2, "clv", 1);
    cu_count(L, 2, "max_iter", &o.fit.max_iter);
    o.fit.gtol = svcmlua_optfield_number(L, 2, "gtol", o.fit.gtol);
    cu_count(L, 2, "clv_horizon", &o.clv.horizon);
    o.clv.period_length = svcmlua_optfield_number(L, 2, "period_length", o.clv.period_length);
    o.clv.discount_rate = svcmlua_optfield_number(L, 2, "discount_rate", o.clv.discount_rate);
    o.clv.margin = svcmlua_optfield_number(L, 2, "margin", o.clv.margin);
    svcm_customers *c = NULL;
    if ((nret = cu_read(L, 1, &c)) != 0)
        return nret;
    size_t n = c->n;
    double *out = lua_newuserdatauv(L, 3 * n * sizeof(double) + 1, 0);
    struct svcm_lifetime_table_result r;
    svcm_error err;
    int rc = svcm_lifetime_table_fit(c, &o, NULL, &r, out, out + n, want_clv ? out + 2 * n : NULL,
                                     &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, 0, 6);
    cu_push_models(L, &r, want_clv);
    svcmlua_pushdoubles(L, out, n);
    lua_setfield(L, -2, "p_alive");
    svcmlua_pushdoubles(L, out + n, n);
    lua_setfield(L, -2, "expected");
    if (want_clv) {
        svcmlua_pushdoubles(L, out + 2 * n, n);
        lua_setfield(L, -2, "clv");
    }
    svcmlua_setstring(L, "unit", cu_units[r.unit]);
    return 1;
}

/* b:finish() -> customer table (as svcm.summarize_customers), or nil, msg,
 * code, detail (the rest of svcm.CustomersBuilder is generated). */
static int l_builder_finish(lua_State *L)
{
    svcm_customers_builder *b = svcmlua_check_CustomersBuilder(L, 1);
    luaL_checkstack(L, 8, "svcm");
    svcm_customers **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, CUSTOMERS_BOX);
    svcm_error err;
    int rc = svcm_customers_builder_finish(b, NULL, box, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    cu_push(L, *box);
    return 1;
}

static const luaL_Reg builder_methods[] = {{"finish", l_builder_finish}, {NULL, NULL}};

static const luaL_Reg customers_funcs[] = {
    {"summarize_customers", l_summarize_customers},
    {"customers_segment", l_customers_segment},
    {"lifetime_table_fit", l_lifetime_table_fit},
    {NULL, NULL},
};

/* Called by svcmlua_open_segment with the module table on top. */
static void customers_open(lua_State *L)
{
    luaL_setfuncs(L, customers_funcs, 0);
    luaL_newmetatable(L, CUSTOMERS_BOX);
    lua_pushcfunction(L, cu_box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, cu_box_gc);
    lua_setfield(L, -2, "__close");
    lua_pop(L, 1);
    svcmlua_add_CustomersBuilder(L, builder_methods);
}
