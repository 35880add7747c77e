/* Lua binding of the priority engine: quadrants, ITIL tables,
 * prioritize/classify, WSJF and the dispatch queue (svcm.Queue). */
#include "svcmlua.h"

#include <stdio.h>
#include <string.h>

#include "svcm/priority.h"

#define QUEUE_MT "svcm.Queue"

static int set_error(svcm_error *err, int rc, size_t index, const char *field, const char *msg)
{
    svcm_error_clear(err);
    err->code = rc;
    err->index = index;
    err->field = field;
    snprintf(err->message, sizeof err->message, "%s", msg);
    return rc;
}

/* Field key of the table at idx as an integer; raises on a non-integer. */
static int get_int_field(lua_State *L, int idx, const char *key, lua_Integer *out)
{
    int t = lua_getfield(L, idx, key);
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    int ok = 0;
    *out = lua_tointegerx(L, -1, &ok);
    if (!ok)
        luaL_error(L, "field '%s': integer expected, got %s", key, luaL_typename(L, -1));
    lua_pop(L, 1);
    return 1;
}

static int clamp_int(lua_Integer v)
{
    return v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : (int)v;
}

/* A tier number into svcm_request's byte: out-of-range values are refused
 * here, before narrowing could wrap them into a valid tier. */
static int tier_byte(int64_t v, size_t index, uint8_t *out, svcm_error *err)
{
    if (v < 0 || v >= SVCM_TIER_COUNT) {
        char msg[96];
        snprintf(msg, sizeof msg, "unknown tier %lld (need 0 = vip .. 4 = lost)", (long long)v);
        return set_error(err, SVCM_EINVAL, index, "tier", msg);
    }
    *out = (uint8_t)v;
    return SVCM_OK;
}

/* tier / impact: an integer or a name. */
static int get_named(lua_State *L, int idx, const char *key, size_t index, int *out,
                     svcm_error *err)
{
    int t = lua_getfield(L, idx, key);
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        char msg[64];
        snprintf(msg, sizeof msg, "missing field '%s'", key);
        return set_error(err, SVCM_EINVAL, index, key, msg);
    }
    if (t == LUA_TSTRING) {
        const char *s = lua_tostring(L, -1);
        int rc;
        if (key[0] == 't') {
            svcm_tier tier;
            rc = svcm_tier_parse(s, &tier);
            *out = (int)tier;
        } else {
            svcm_impact im;
            rc = svcm_impact_parse(s, &im);
            *out = (int)im;
        }
        if (rc != SVCM_OK) {
            char msg[96];
            snprintf(msg, sizeof msg, "unknown %s name '%.40s'", key, s);
            lua_pop(L, 1);
            return set_error(err, SVCM_EINVAL, index, key, msg);
        }
        lua_pop(L, 1);
        return SVCM_OK;
    }
    int ok = 0;
    lua_Integer v = lua_tointegerx(L, -1, &ok);
    if (!ok)
        luaL_error(L, "field '%s': integer or name expected, got %s", key, luaL_typename(L, -1));
    lua_pop(L, 1);
    *out = clamp_int(v);
    return SVCM_OK;
}

/* A request from the table at idx. Misuse raises; missing fields and bad
 * names give SVCM_EINVAL in err. */
static int read_request(lua_State *L, int idx, size_t index, svcm_request *r, svcm_error *err)
{
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx))
        luaL_error(L, "item %d: table expected, got %s", (int)(index + 1), luaL_typename(L, idx));
    memset(r, 0, sizeof *r);
    r->due = SVCM_NO_DUE;
    static const char *const required[] = {"id", "severity", "created"};
    lua_Integer v[3];
    for (int k = 0; k < 3; k++) {
        if (!get_int_field(L, idx, required[k], &v[k])) {
            char msg[64];
            snprintf(msg, sizeof msg, "missing field '%s'", required[k]);
            return set_error(err, SVCM_EINVAL, index, required[k], msg);
        }
    }
    r->id = (int64_t)v[0];
    r->severity = clamp_int(v[1]);
    r->created = (int64_t)v[2];
    int tier = 0;
    int rc = get_named(L, idx, "tier", index, &tier, err);
    if (rc == SVCM_OK)
        rc = tier_byte(tier, index, &r->tier, err);
    if (rc == SVCM_OK)
        rc = get_named(L, idx, "impact", index, &r->impact, err);
    if (rc != SVCM_OK)
        return rc;
    lua_Integer due;
    if (get_int_field(L, idx, "due", &due))
        r->due = (int64_t)due;
    int t = lua_getfield(L, idx, "value");
    if (t == LUA_TNUMBER)
        r->value = lua_tonumber(L, -1);
    else if (t != LUA_TNIL)
        luaL_error(L, "field 'value': number expected, got %s", luaL_typename(L, -1));
    lua_pop(L, 1);
    t = lua_getfield(L, idx, "urgent");
    if (t != LUA_TNIL && t != LUA_TBOOLEAN)
        luaL_error(L, "field 'urgent': boolean expected, got %s", luaL_typename(L, -1));
    r->urgent = lua_toboolean(L, -1) != 0;
    lua_pop(L, 1);
    return SVCM_OK;
}

static void push_request(lua_State *L, const svcm_request *r)
{
    lua_createtable(L, 0, 8);
    svcmlua_setinteger(L, "id", (lua_Integer)r->id);
    svcmlua_setstring(L, "tier", svcm_tier_name(r->tier));
    svcmlua_setstring(L, "impact", svcm_impact_name(r->impact));
    svcmlua_setinteger(L, "severity", r->severity);
    svcmlua_setnumber(L, "value", r->value);
    svcmlua_setinteger(L, "created", (lua_Integer)r->created);
    if (r->due != SVCM_NO_DUE) {
        svcmlua_setinteger(L, "due", (lua_Integer)r->due);
    }
    svcmlua_setboolean(L, "urgent", r->urgent);
}

static void push_result(lua_State *L, const struct svcm_priority_result *r)
{
    lua_createtable(L, 0, 7);
    svcmlua_setinteger(L, "id", (lua_Integer)r->id);
    svcmlua_setstring(L, "quadrant", svcm_quadrant_name(r->quadrant));
    svcmlua_setinteger(L, "priority", r->priority);
    svcmlua_setnumber(L, "score", r->score);
    svcmlua_setnumber(L, "importance", r->importance);
    svcmlua_setnumber(L, "urgency", r->urgency);
    lua_pushinteger(L, (lua_Integer)r->index + 1); /* 1-based, as Lua counts */
    lua_setfield(L, -2, "index");
}

/* An ITIL table from the value at idx: nil (built-in), a string (text form)
 * or a table of rows. Misuse raises; bad content gives a status in err. */
static int read_table(lua_State *L, int idx, svcm_itil_table *t, svcm_error *err)
{
    idx = lua_absindex(L, idx);
    if (lua_isnoneornil(L, idx)) {
        svcm_itil_table_init(t);
        return SVCM_OK;
    }
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        return svcm_itil_table_parse(s, len, t, err);
    }
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_Integer nr = (lua_Integer)lua_rawlen(L, idx), nc = -1;
    if (nr < 1 || nr > SVCM_ITIL_MAX)
        return set_error(err, SVCM_EINVAL, SVCM_NO_INDEX, "rows", "table needs 1..16 rows");
    int cells[SVCM_ITIL_MAX * SVCM_ITIL_MAX];
    for (lua_Integer i = 1; i <= nr; i++) {
        if (lua_rawgeti(L, idx, i) != LUA_TTABLE)
            luaL_error(L, "table row %d: table expected", (int)i);
        lua_Integer m = (lua_Integer)lua_rawlen(L, -1);
        if (nc < 0)
            nc = m;
        if (m != nc || m < 1 || m > SVCM_ITIL_MAX) {
            lua_pop(L, 1);
            char msg[96];
            snprintf(msg, sizeof msg, "row %d has %d cells, expected %d (a hole)", (int)i, (int)m,
                     (int)nc);
            return set_error(err, SVCM_EINVAL, (size_t)(i - 1), "cols", msg);
        }
        for (lua_Integer j = 1; j <= m; j++) {
            lua_rawgeti(L, -1, j);
            int ok = 0;
            lua_Integer c = lua_tointegerx(L, -1, &ok);
            if (!ok)
                luaL_error(L, "table row %d, cell %d: integer expected", (int)i, (int)j);
            cells[(i - 1) * nc + (j - 1)] = clamp_int(c);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    return svcm_itil_table_from_array((size_t)nr, (size_t)nc, cells, t, err);
}

/* Options from the table at idx (may be absent). */
static int read_options(lua_State *L, int idx, svcm_priority_options *o, svcm_error *err)
{
    svcm_priority_options_init(o);
    if (lua_isnoneornil(L, idx))
        return SVCM_OK;
    idx = lua_absindex(L, idx);
    luaL_checktype(L, idx, LUA_TTABLE);
#define SVCMLUA_OPT(name) o->name = svcmlua_optfield_number(L, idx, #name, o->name)
    SVCMLUA_OPT(w_tier);
    SVCMLUA_OPT(w_impact);
    SVCMLUA_OPT(w_severity);
    SVCMLUA_OPT(w_value);
    SVCMLUA_OPT(important_threshold);
    SVCMLUA_OPT(urgent_threshold);
    SVCMLUA_OPT(w_quadrant);
    SVCMLUA_OPT(w_itil);
    SVCMLUA_OPT(w_tier_score);
    SVCMLUA_OPT(w_sla);
    SVCMLUA_OPT(aging_per_hour);
#undef SVCMLUA_OPT
    lua_getfield(L, idx, "table");
    int rc = read_table(L, -1, &o->table, err);
    lua_pop(L, 1);
    if (rc != SVCM_OK)
        return rc;
    return svcm_priority_options_check(o, err);
}

/* Requests from items at idx: an array of tables, or a table of columns
 * (items.id is a table). Returns a userdata-backed array on the stack. */
static int read_items(lua_State *L, int idx, svcm_request **out, size_t *n_out, svcm_error *err)
{
    idx = lua_absindex(L, idx);
    luaL_checktype(L, idx, LUA_TTABLE);
    int columns = lua_getfield(L, idx, "id") == LUA_TTABLE;
    lua_pop(L, 1);
    if (!columns) {
        size_t n = (size_t)lua_rawlen(L, idx);
        svcm_request *reqs = lua_newuserdatauv(L, n * sizeof *reqs + 1, 0);
        for (size_t i = 0; i < n; i++) {
            lua_rawgeti(L, idx, (lua_Integer)(i + 1));
            int rc = read_request(L, -1, i, &reqs[i], err);
            lua_pop(L, 1);
            if (rc != SVCM_OK)
                return rc;
        }
        *out = reqs;
        *n_out = n;
        return SVCM_OK;
    }
    static const char *const names[] = {"id", "tier", "impact", "severity", "created",
                                        "due", "urgent"};
    const int64_t *col[7] = {NULL};
    size_t len[7] = {0};
    for (int k = 0; k < 7; k++) {
        int t = lua_getfield(L, idx, names[k]);
        if (t == LUA_TNIL) {
            lua_pop(L, 1);
            if (k < 5) {
                char msg[64];
                snprintf(msg, sizeof msg, "missing column '%s'", names[k]);
                return set_error(err, SVCM_EINVAL, SVCM_NO_INDEX, names[k], msg);
            }
            continue;
        }
        if (k == 6 && t == LUA_TTABLE) { /* booleans allowed */
            size_t n = (size_t)lua_rawlen(L, -1);
            int64_t *b = lua_newuserdatauv(L, n * sizeof *b + 1, 0);
            for (size_t i = 0; i < n; i++) {
                lua_rawgeti(L, -2, (lua_Integer)(i + 1));
                b[i] = lua_isboolean(L, -1) ? lua_toboolean(L, -1) : (lua_tointeger(L, -1) != 0);
                lua_pop(L, 1);
            }
            col[k] = b;
            len[k] = n;
        } else {
            col[k] = svcmlua_checkint64s(L, -1, &len[k]);
        }
        lua_remove(L, -2); /* keep the array userdata, drop the column */
    }
    const double *value = NULL;
    size_t nvalue = 0;
    if (lua_getfield(L, idx, "value") != LUA_TNIL) {
        value = svcmlua_checkdoubles(L, -1, &nvalue);
        lua_remove(L, -2);
    } else {
        lua_pop(L, 1);
    }
    size_t n = len[0];
    for (int k = 0; k < 7; k++) {
        if (col[k] != NULL && len[k] != n) {
            char msg[96];
            snprintf(msg, sizeof msg, "column '%s' has %zu entries, 'id' has %zu", names[k],
                     len[k], n);
            return set_error(err, SVCM_EINVAL, SVCM_NO_INDEX, names[k], msg);
        }
    }
    if (value != NULL && nvalue != n)
        return set_error(err, SVCM_EINVAL, SVCM_NO_INDEX, "value",
                         "column 'value' differs in length from 'id'");
    svcm_request *reqs = lua_newuserdatauv(L, n * sizeof *reqs + 1, 0);
    for (size_t i = 0; i < n; i++) {
        svcm_request *r = &reqs[i];
        r->id = col[0][i];
        int rc = tier_byte(col[1][i], i, &r->tier, err);
        if (rc != SVCM_OK)
            return rc;
        r->impact = clamp_int(col[2][i]);
        r->severity = clamp_int(col[3][i]);
        r->created = col[4][i];
        r->due = col[5] ? col[5][i] : SVCM_NO_DUE;
        r->urgent = col[6] ? col[6][i] != 0 : false;
        r->value = value ? value[i] : 0.0;
    }
    *out = reqs;
    *n_out = n;
    return SVCM_OK;
}

static int64_t check_now(lua_State *L, int arg) { return (int64_t)luaL_checkinteger(L, arg); }

/* ------------------------------------------------------------- functions */

static int l_quadrant(lua_State *L)
{
    luaL_checkany(L, 1);
    luaL_checkany(L, 2);
    svcm_quadrant q = svcm_quadrant_of(lua_toboolean(L, 1), lua_toboolean(L, 2));
    lua_pushstring(L, svcm_quadrant_name(q));
    lua_pushstring(L, svcm_quadrant_advice(q));
    return 2;
}

static int l_quadrant_advice(lua_State *L)
{
    int q;
    if (lua_type(L, 1) == LUA_TSTRING) {
        svcm_quadrant qq;
        if (svcm_quadrant_parse(lua_tostring(L, 1), &qq) != SVCM_OK)
            return luaL_argerror(L, 1, "unknown quadrant name");
        q = (int)qq;
    } else {
        q = clamp_int(luaL_checkinteger(L, 1));
    }
    const char *a = svcm_quadrant_advice(q);
    if (a == NULL)
        return luaL_argerror(L, 1, "quadrant must be 0..3");
    lua_pushstring(L, a);
    return 1;
}

/* An ITIL level: an integer (1 = highest) or "high", "medium"/"med", "low". */
static int check_level(lua_State *L, int arg)
{
    if (lua_type(L, arg) == LUA_TSTRING) {
        static const char *const names[] = {"high", "medium", "low", "h", "med", "l", NULL};
        return luaL_checkoption(L, arg, NULL, names) % 3 + 1;
    }
    return clamp_int(luaL_checkinteger(L, arg));
}

static int l_itil_priority(lua_State *L)
{
    int impact = check_level(L, 1);
    int urgency = check_level(L, 2);
    svcm_itil_table t;
    svcm_error err;
    int rc = read_table(L, 3, &t, &err);
    int p = 0;
    if (rc == SVCM_OK)
        rc = svcm_itil_priority(&t, impact, urgency, &p, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushinteger(L, p);
    return 1;
}

static int l_itil_table(lua_State *L)
{
    svcm_itil_table t;
    svcm_error err;
    int rc = read_table(L, 1, &t, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, t.rows, 0);
    for (int i = 0; i < t.rows; i++) {
        lua_createtable(L, t.cols, 0);
        for (int j = 0; j < t.cols; j++) {
            lua_pushinteger(L, t.cell[i][j]);
            lua_rawseti(L, -2, j + 1);
        }
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* svcm.format_itil_table([table [, levels]]) -> text: the text form of a
 * table given as read_table takes it; levels (optional) sets the number of
 * priority levels. Bad content returns nil, message, code, detail. */
static int l_format_itil_table(lua_State *L)
{
    svcm_itil_table t;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = read_table(L, 1, &t, &err);
    if (rc == SVCM_OK && !lua_isnoneornil(L, 2))
        t.levels = clamp_int(luaL_checkinteger(L, 2));
    if (rc == SVCM_OK)
        rc = svcm_itil_table_check(&t, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    char buf[SVCM_ITIL_MAX * SVCM_ITIL_MAX * 3 + 32];
    size_t len = 0;
    rc = svcm_itil_table_format(&t, buf, sizeof buf, &len);
    if (rc != SVCM_OK) /* cannot happen: 16 x 16 two-digit cells fit */
        return svcmlua_fail(L, rc, NULL);
    lua_pushlstring(L, buf, len);
    return 1;
}

static int run_batch(lua_State *L, int ordered)
{
    lua_settop(L, 3);
    int64_t now = check_now(L, 2);
    svcm_priority_options o;
    svcm_error err;
    int rc = read_options(L, 3, &o, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    svcm_request *reqs = NULL;
    size_t n = 0;
    rc = read_items(L, 1, &reqs, &n, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    /* prioritize(items, now, {threads = N}): svcm_priority_run on N
     * threads (1..SVCM_PRIORITY_MAX_THREADS, default 1), the same result. */
    svcm_priority_run_options run;
    svcm_priority_run_options_init(&run);
    if (ordered) {
        lua_Integer t = svcmlua_optfield_integer(L, 3, "threads", 1);
        if (t < 1 || t > SVCM_PRIORITY_MAX_THREADS) {
            svcm_error_clear(&err);
            err.code = SVCM_EINVAL;
            err.field = "threads";
            snprintf(err.message, sizeof err.message, "threads must be in 1..%d, got %lld",
                     SVCM_PRIORITY_MAX_THREADS, (long long)t);
            return svcmlua_fail(L, SVCM_EINVAL, &err);
        }
        run.threads = (unsigned)t;
    }
    struct svcm_priority_result *res = lua_newuserdatauv(L, n * sizeof *res + 1, 0);
    rc = ordered ? svcm_priority_run(&o, &run, reqs, n, now, NULL, res, NULL, &err)
                 : svcm_priority_classify(&o, reqs, n, now, res, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    /* classify(items, now, {sort = true}) sorts the classified records. */
    if (!ordered && svcmlua_optfield_boolean(L, 3, "sort", 0)) {
        rc = svcm_priority_sort(res, n, NULL);
        if (rc != SVCM_OK)
            return svcmlua_fail(L, rc, NULL);
    }
    lua_createtable(L, n > INT32_MAX ? 0 : (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        push_result(L, &res[i]);
        lua_rawseti(L, -2, (lua_Integer)(i + 1));
    }
    return 1;
}

static int l_prioritize(lua_State *L) { return run_batch(L, 1); }
static int l_classify(lua_State *L) { return run_batch(L, 0); }

static int l_importance(lua_State *L)
{
    svcm_priority_options o;
    svcm_request r;
    svcm_error err;
    int rc = read_options(L, 2, &o, &err);
    if (rc == SVCM_OK)
        rc = read_request(L, 1, SVCM_NO_INDEX, &r, &err);
    double v = 0.0;
    if (rc == SVCM_OK)
        rc = svcm_importance(&o, &r, &v, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushnumber(L, v);
    return 1;
}

static int l_urgency(lua_State *L)
{
    int64_t now = check_now(L, 2);
    svcm_request r;
    svcm_error err;
    int rc = read_request(L, 1, SVCM_NO_INDEX, &r, &err);
    double v = 0.0;
    if (rc == SVCM_OK)
        rc = svcm_urgency(&r, now, &v, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushnumber(L, v);
    return 1;
}

/* WSJF items from four numbers or four arrays (+ optional ids at arg 5). */
static svcm_wsjf_item *read_wsjf(lua_State *L, size_t *n_out, int *scalar)
{
    lua_settop(L, 5); /* arrays read below are pushed above the arguments */
    *scalar = lua_type(L, 1) == LUA_TNUMBER;
    const double *c[4];
    size_t len[4];
    for (int k = 0; k < 4; k++)
        c[k] = svcmlua_checkdoubles(L, k + 1, &len[k]);
    for (int k = 1; k < 4; k++)
        if (len[k] != len[0])
            luaL_argerror(L, k + 1, "arrays differ in length");
    const int64_t *ids = NULL;
    size_t nids = 0;
    if (!lua_isnoneornil(L, 5)) {
        ids = svcmlua_checkint64s(L, 5, &nids);
        if (nids != len[0])
            luaL_argerror(L, 5, "ids differ in length from the values");
    }
    size_t n = len[0];
    svcm_wsjf_item *items = lua_newuserdatauv(L, n * sizeof *items + 1, 0);
    for (size_t i = 0; i < n; i++) {
        items[i].id = ids ? ids[i] : (int64_t)(i + 1);
        items[i].business_value = c[0][i];
        items[i].time_criticality = c[1][i];
        items[i].risk_reduction = c[2][i];
        items[i].job_size = c[3][i];
    }
    *n_out = n;
    return items;
}

static int l_wsjf(lua_State *L)
{
    size_t n;
    int scalar;
    svcm_wsjf_item *items = read_wsjf(L, &n, &scalar);
    double *out = lua_newuserdatauv(L, n * sizeof *out + 1, 0);
    svcm_error err;
    int rc;
    if (scalar) {
        rc = svcm_wsjf(items[0].business_value, items[0].time_criticality,
                       items[0].risk_reduction, items[0].job_size, out);
        if (rc != SVCM_OK) /* the batch form names the field at fault */
            rc = svcm_wsjf_batch(items, 1, out, &err);
    } else {
        rc = svcm_wsjf_batch(items, n, out, &err);
    }
    if (rc != SVCM_OK) {
        if (scalar)
            err.index = SVCM_NO_INDEX;
        return svcmlua_fail(L, rc, &err);
    }
    if (scalar)
        lua_pushnumber(L, out[0]);
    else
        svcmlua_pushdoubles(L, out, n);
    return 1;
}

static int l_wsjf_order(lua_State *L)
{
    size_t n;
    int scalar;
    svcm_wsjf_item *items = read_wsjf(L, &n, &scalar);
    size_t *order = lua_newuserdatauv(L, n * sizeof *order + 1, 0);
    double *scores = lua_newuserdatauv(L, n * sizeof *scores + 1, 0);
    svcm_error err;
    int rc = svcm_wsjf_order(items, n, NULL, order, scores, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, n > INT32_MAX ? 0 : (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 2);
        svcmlua_setinteger(L, "id", (lua_Integer)items[order[i]].id);
        svcmlua_setnumber(L, "wsjf", scores[order[i]]);
        lua_rawseti(L, -2, (lua_Integer)(i + 1));
    }
    return 1;
}

/* ------------------------------------------------------------------ queue */

typedef struct {
    svcm_pqueue *q;
} lqueue;

static svcm_pqueue *check_queue(lua_State *L)
{
    lqueue *u = luaL_checkudata(L, 1, QUEUE_MT);
    if (u->q == NULL)
        luaL_argerror(L, 1, "queue is closed");
    return u->q;
}

static int l_queue_new(lua_State *L)
{
    svcm_priority_options o;
    svcm_error err;
    int rc = read_options(L, 1, &o, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lqueue *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->q = NULL;
    luaL_setmetatable(L, QUEUE_MT);
    rc = svcm_pqueue_new(&o, NULL, &u->q, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    return 1;
}

static int l_queue_gc(lua_State *L)
{
    lqueue *u = luaL_checkudata(L, 1, QUEUE_MT);
    svcm_pqueue_free(u->q);
    u->q = NULL;
    return 0;
}

static int queue_put(lua_State *L, int update)
{
    check_queue(L);
    svcm_request r;
    svcm_error err;
    int rc = read_request(L, 2, SVCM_NO_INDEX, &r, &err);
    /* Reading the fields may run __index metamethods, which may close the
     * queue: fetch the handle only now. */
    if (rc == SVCM_OK) {
        svcm_pqueue *q = check_queue(L);
        rc = update ? svcm_pqueue_update(q, &r, &err) : svcm_pqueue_push(q, &r, &err);
    }
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_queue_push(lua_State *L) { return queue_put(L, 0); }
static int l_queue_update(lua_State *L) { return queue_put(L, 1); }

static int l_queue_remove(lua_State *L)
{
    svcm_pqueue *q = check_queue(L);
    svcm_request r;
    int rc = svcm_pqueue_remove(q, (int64_t)luaL_checkinteger(L, 2), &r);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    push_request(L, &r);
    return 1;
}

static int l_queue_get(lua_State *L)
{
    svcm_pqueue *q = check_queue(L);
    svcm_request r;
    int rc = svcm_pqueue_get(q, (int64_t)luaL_checkinteger(L, 2), &r);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    push_request(L, &r);
    return 1;
}

static int queue_front(lua_State *L, int pop)
{
    svcm_pqueue *q = check_queue(L);
    int64_t now = check_now(L, 2);
    struct svcm_priority_result res;
    int rc = pop ? svcm_pqueue_pop(q, now, NULL, &res) : svcm_pqueue_peek(q, now, NULL, &res);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    push_result(L, &res);
    return 1;
}

static int l_queue_pop(lua_State *L) { return queue_front(L, 1); }
static int l_queue_peek(lua_State *L) { return queue_front(L, 0); }

static int l_queue_rescore(lua_State *L)
{
    svcm_pqueue_rescore(check_queue(L), check_now(L, 2));
    return 0;
}

static int l_queue_size(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)svcm_pqueue_size(check_queue(L)));
    return 1;
}

static int l_queue_instant(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)svcm_pqueue_instant(check_queue(L)));
    return 1;
}

/* q:to_bytes(): the saved form (options, instant, requests). */
static int l_queue_to_bytes(lua_State *L)
{
    svcm_pqueue *q = check_queue(L);
    size_t len = 0;
    svcm_pqueue_save(q, NULL, 0, &len);
    luaL_Buffer buf;
    unsigned char *p = (unsigned char *)luaL_buffinitsize(L, &buf, len);
    int rc = svcm_pqueue_save(q, p, len, NULL);
    if (rc != SVCM_OK)
        return svcmlua_raise(L, rc, NULL);
    luaL_pushresultsize(&buf, len);
    return 1;
}

/* svcm.queue_from_bytes(s): nil, message, code for malformed bytes. */
static int l_queue_from_bytes(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    lqueue *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->q = NULL;
    luaL_setmetatable(L, QUEUE_MT);
    svcm_error err;
    int rc = svcm_pqueue_load((const unsigned char *)s, len, NULL, &u->q, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    return 1;
}

/* ------------------------------------------------------------ problem grading */

/* A grading table from the value at idx: nil (default rule), a string
 * (text form) or t[urgency][impact][difficulty]. Misuse (wrong types)
 * raises; bad content gives a status in err. */
static int read_grade_table(lua_State *L, int idx, svcm_grade_table *t, svcm_error *err)
{
    idx = lua_absindex(L, idx);
    if (lua_isnoneornil(L, idx)) {
        svcm_grade_table_init(t);
        return SVCM_OK;
    }
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        return svcm_grade_table_parse(s, len, t, err);
    }
    luaL_checktype(L, idx, LUA_TTABLE);
    if (lua_rawlen(L, idx) != SVCM_GRADE_LEVELS)
        return set_error(err, SVCM_EINVAL, SVCM_NO_INDEX, "rows",
                         "table needs 4 urgency levels of 4 impact rows of 4 cells");
    for (int u = 1; u <= SVCM_GRADE_LEVELS; u++) {
        if (lua_rawgeti(L, idx, u) != LUA_TTABLE)
            luaL_error(L, "grade table urgency %d: table expected", u);
        if (lua_rawlen(L, -1) != SVCM_GRADE_LEVELS) {
            lua_pop(L, 1);
            return set_error(err, SVCM_EINVAL, (size_t)((u - 1) * SVCM_GRADE_LEVELS), "rows",
                             "each urgency level needs 4 impact rows");
        }
        for (int i = 1; i <= SVCM_GRADE_LEVELS; i++) {
            if (lua_rawgeti(L, -1, i) != LUA_TTABLE)
                luaL_error(L, "grade table urgency %d, impact %d: table expected", u, i);
            if (lua_rawlen(L, -1) != SVCM_GRADE_LEVELS) {
                lua_pop(L, 2);
                return set_error(err, SVCM_EINVAL,
                                 (size_t)((u - 1) * SVCM_GRADE_LEVELS + i - 1), "cols",
                                 "each row needs 4 cells (difficulty 1..4)");
            }
            for (int d = 1; d <= SVCM_GRADE_LEVELS; d++) {
                lua_rawgeti(L, -1, d);
                int ok = 0;
                lua_Integer c = lua_tointegerx(L, -1, &ok);
                if (!ok)
                    luaL_error(L, "grade table urgency %d, impact %d, difficulty %d: integer "
                                  "expected", u, i, d);
                lua_pop(L, 1);
                if (c < 1 || c > SVCM_GRADE_LEVELS) {
                    lua_pop(L, 2);
                    char msg[96];
                    snprintf(msg, sizeof msg,
                             "grade %lld at urgency %d, impact %d, difficulty %d is outside 1..4",
                             (long long)c, u, i, d);
                    return set_error(err, SVCM_EINVAL,
                                     (size_t)((u - 1) * SVCM_GRADE_LEVELS + i - 1), "cell", msg);
                }
                t->cell[u - 1][i - 1][d - 1] = (unsigned char)c;
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    return svcm_grade_table_check(t, err);
}

/* svcm.problem_grade(urgency, impact, difficulty [, table]) -> grade 1..4 */
static int l_problem_grade(lua_State *L)
{
    int u = clamp_int(luaL_checkinteger(L, 1));
    int i = clamp_int(luaL_checkinteger(L, 2));
    int d = clamp_int(luaL_checkinteger(L, 3));
    svcm_grade_table t;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = lua_isnoneornil(L, 4) ? SVCM_OK : read_grade_table(L, 4, &t, &err);
    int g = 0;
    if (rc == SVCM_OK)
        rc = svcm_problem_grade(lua_isnoneornil(L, 4) ? NULL : &t, u, i, d, &g, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushinteger(L, g);
    return 1;
}

/* svcm.grade_table([table]) -> t[urgency][impact][difficulty] */
static int l_grade_table(lua_State *L)
{
    svcm_grade_table t;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = read_grade_table(L, 1, &t, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, SVCM_GRADE_LEVELS, 0);
    for (int u = 0; u < SVCM_GRADE_LEVELS; u++) {
        lua_createtable(L, SVCM_GRADE_LEVELS, 0);
        for (int i = 0; i < SVCM_GRADE_LEVELS; i++) {
            lua_createtable(L, SVCM_GRADE_LEVELS, 0);
            for (int d = 0; d < SVCM_GRADE_LEVELS; d++) {
                lua_pushinteger(L, t.cell[u][i][d]);
                lua_rawseti(L, -2, d + 1);
            }
            lua_rawseti(L, -2, i + 1);
        }
        lua_rawseti(L, -2, u + 1);
    }
    return 1;
}

/* svcm.format_grade_table([table]) -> text */
static int l_format_grade_table(lua_State *L)
{
    svcm_grade_table t;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = read_grade_table(L, 1, &t, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    char buf[512];
    size_t len = 0;
    rc = svcm_grade_table_format(&t, buf, sizeof buf, &len);
    if (rc != SVCM_OK) /* cannot happen: checked, and 176 bytes long */
        return svcmlua_fail(L, rc, NULL);
    lua_pushlstring(L, buf, len);
    return 1;
}

/* svcm.problem_request(item, urgency, impact, difficulty [, table]) -> a
 * shallow copy of item with severity = the grade and impact = the level. */
static int l_problem_request(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    int u = clamp_int(luaL_checkinteger(L, 2));
    int i = clamp_int(luaL_checkinteger(L, 3));
    int d = clamp_int(luaL_checkinteger(L, 4));
    svcm_grade_table t;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = lua_isnoneornil(L, 5) ? SVCM_OK : read_grade_table(L, 5, &t, &err);
    svcm_request r;
    memset(&r, 0, sizeof r);
    if (rc == SVCM_OK)
        rc = svcm_problem_request(lua_isnoneornil(L, 5) ? NULL : &t, u, i, d, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    svcmlua_setinteger(L, "severity", r.severity);
    svcmlua_setinteger(L, "impact", r.impact);
    return 1;
}

static const luaL_Reg queue_methods[] = {
    {"to_bytes", l_queue_to_bytes},
    {"push", l_queue_push},
    {"update", l_queue_update},
    {"remove", l_queue_remove},
    {"get", l_queue_get},
    {"pop", l_queue_pop},
    {"peek", l_queue_peek},
    {"rescore", l_queue_rescore},
    {"size", l_queue_size},
    {"instant", l_queue_instant},
    {"close", l_queue_gc},
    {NULL, NULL},
};

static const luaL_Reg priority_funcs[] = {
    {"quadrant", l_quadrant},
    {"quadrant_advice", l_quadrant_advice},
    {"itil_priority", l_itil_priority},
    {"itil_table", l_itil_table},
    {"format_itil_table", l_format_itil_table},
    {"problem_grade", l_problem_grade},
    {"grade_table", l_grade_table},
    {"format_grade_table", l_format_grade_table},
    {"problem_request", l_problem_request},
    {"prioritize", l_prioritize},
    {"classify", l_classify},
    {"importance", l_importance},
    {"urgency", l_urgency},
    {"wsjf", l_wsjf},
    {"wsjf_order", l_wsjf_order},
    {"queue", l_queue_new},
    {"queue_from_bytes", l_queue_from_bytes},
    {NULL, NULL},
};

/* IMPACT_* and URGENCY_LEVEL_*: the C enums' values (1 = highest). */
static void set_level_constants(lua_State *L)
{
    static const struct {
        const char *name;
        int value;
    } c[] = {
        {"IMPACT_ORGANISATION", SVCM_IMPACT_ORGANISATION},
        {"IMPACT_DEPARTMENT", SVCM_IMPACT_DEPARTMENT},
        {"IMPACT_TEAM", SVCM_IMPACT_TEAM},
        {"IMPACT_INDIVIDUAL", SVCM_IMPACT_INDIVIDUAL},
        {"URGENCY_LEVEL_HIGH", SVCM_URGENCY_LEVEL_HIGH},
        {"URGENCY_LEVEL_MEDIUM", SVCM_URGENCY_LEVEL_MEDIUM},
        {"URGENCY_LEVEL_LOW", SVCM_URGENCY_LEVEL_LOW},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        lua_pushinteger(L, c[i].value);
        lua_setfield(L, -2, c[i].name);
    }
}

void svcmlua_open_priority(lua_State *L)
{
    luaL_setfuncs(L, priority_funcs, 0);
    set_level_constants(L);
    if (luaL_newmetatable(L, QUEUE_MT)) {
        luaL_newlib(L, queue_methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, l_queue_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, l_queue_gc);
        lua_setfield(L, -2, "__close");
        lua_pushcfunction(L, l_queue_size);
        lua_setfield(L, -2, "__len");
    }
    lua_pop(L, 1);
}
