/* Lua binding of the priority engine: quadrants, ITIL tables,
 * prioritize/classify, WSJF and the dispatch queue (svcm.Queue). */
#include "svcmlua.h"
#include "gen_lua.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "svcm/priority.h"

/* Fill err for a record index and field, the message formatted as printf
 * does; returns rc. */
#ifdef __GNUC__
__attribute__((format(printf, 5, 6)))
#endif
static int set_error(svcm_error *err, int rc, size_t index, const char *field, const char *fmt,
                     ...)
{
    svcm_error_clear(err);
    err->code = rc;
    err->index = index;
    err->field = field;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
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
        return set_error(err, SVCM_EINVAL, index, "tier",
                         "unknown tier %lld (need 0 = vip .. 4 = lost)", (long long)v);
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
        return set_error(err, SVCM_EINVAL, index, key, "missing field '%s'", key);
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
        if (rc != SVCM_OK) /* s stays valid: the value is still on the stack */
            rc = set_error(err, SVCM_EINVAL, index, key, "unknown %s name '%.40s'", key, s);
        lua_pop(L, 1);
        return rc;
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
    static const char *const required[] = {"id", "severity", "created"};
    lua_Integer v[3];
    for (int k = 0; k < 3; k++)
        if (!get_int_field(L, idx, required[k], &v[k]))
            return set_error(err, SVCM_EINVAL, index, required[k], "missing field '%s'",
                             required[k]);
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
    r->due = (int64_t)svcmlua_optfield_integer(L, idx, "due", SVCM_NO_DUE);
    r->value = svcmlua_optfield_number(L, idx, "value", 0.0);
    r->urgent = svcmlua_optfield_boolean(L, idx, "urgent", 0) != 0;
    return SVCM_OK;
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

/* The integers of nested sequence tables at idx (depth levels: 2 for an ITIL
 * table's rows of cells, 3 for a grading table's [urgency][impact][difficulty])
 * into cells, row-major from *at. dims[level] is the length every table of
 * that level must have; 0 takes it (1..16) from the first. row: the 0-based
 * row of the text form that idx starts, which a status ("rows" or "cols")
 * names. Wrong types raise. */
static int cells_in(lua_State *L, int idx, int level, int depth, int *dims, int *cells, size_t *at,
                    size_t row, svcm_error *err)
{
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx))
        luaL_error(L, "table level %d: table expected, got %s", level, luaL_typename(L, idx));
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    if (dims[level] == 0 && n >= 1 && n <= SVCM_ITIL_MAX)
        dims[level] = (int)n;
    size_t at_row = level ? row * (level + 1 < depth ? (size_t)dims[level] : 1) : SVCM_NO_INDEX;
    const char *field = level + 1 < depth ? "rows" : "cols";
    if (dims[level] == 0)
        return set_error(err, SVCM_EINVAL, at_row, field, "table level %d needs 1..16 items, got %lld",
                         level, (long long)n);
    if (n != dims[level])
        return set_error(err, SVCM_EINVAL, at_row, field,
                         "table level %d needs %d items, got %lld (a hole?)", level, dims[level],
                         (long long)n);
    int rc = SVCM_OK;
    for (lua_Integer i = 1; rc == SVCM_OK && i <= n; i++) {
        lua_rawgeti(L, idx, i);
        if (level + 1 < depth) {
            rc = cells_in(L, -1, level + 1, depth, dims, cells, at, row * (size_t)n + (size_t)(i - 1),
                          err);
        } else {
            int ok = 0;
            lua_Integer c = lua_tointegerx(L, -1, &ok);
            if (!ok)
                luaL_error(L, "table cell %d: integer expected, got %s", (int)*at,
                           luaL_typename(L, -1));
            cells[(*at)++] = clamp_int(c);
        }
        lua_pop(L, 1);
    }
    return rc;
}

/* An ITIL table (grade NULL) or a grading table (itil NULL) from the value
 * at idx: nil (the built-in one), a string (the text form) or nested tables
 * of integers. Misuse raises; bad content gives a status in err. */
static int table_in(lua_State *L, int idx, svcm_itil_table *itil, svcm_grade_table *grade,
                    svcm_error *err)
{
    enum { G = SVCM_GRADE_LEVELS };
    int cells[SVCM_ITIL_MAX * SVCM_ITIL_MAX], dims[3] = {grade ? G : 0, grade ? G : 0, G};
    size_t at = 0, len;
    svcm_error_clear(err);
    if (lua_isnoneornil(L, idx)) {
        grade ? svcm_grade_table_init(grade) : svcm_itil_table_init(itil);
        return SVCM_OK;
    }
    if (lua_type(L, idx) == LUA_TSTRING) {
        const char *s = lua_tolstring(L, idx, &len);
        return grade ? svcm_grade_table_parse(s, len, grade, err)
                     : svcm_itil_table_parse(s, len, itil, err);
    }
    int rc = cells_in(L, idx, 0, grade ? 3 : 2, dims, cells, &at, 0, err);
    if (rc != SVCM_OK || itil != NULL)
        return rc != SVCM_OK ? rc
                             : svcm_itil_table_from_array((size_t)dims[0], (size_t)dims[1], cells,
                                                          itil, err);
    for (int k = 0; k < G * G * G; k++) {
        if (cells[k] < 1 || cells[k] > G)
            return set_error(err, SVCM_EINVAL, (size_t)(k / G), "cell",
                             "grade %d at urgency %d, impact %d, difficulty %d is outside 1..4",
                             cells[k], k / (G * G) + 1, k / G % G + 1, k % G + 1);
        grade->cell[k / (G * G)][k / G % G][k % G] = (unsigned char)cells[k];
    }
    return svcm_grade_table_check(grade, err);
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
    int rc = table_in(L, -1, &o->table, NULL, err);
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
            if (k < 5)
                return set_error(err, SVCM_EINVAL, SVCM_NO_INDEX, names[k], "missing column '%s'",
                                 names[k]);
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
    for (int k = 0; k < 7; k++)
        if (col[k] != NULL && len[k] != n)
            return set_error(err, SVCM_EINVAL, SVCM_NO_INDEX, names[k],
                             "column '%s' has %zu entries, 'id' has %zu", names[k], len[k], n);
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
    int rc = table_in(L, 3, &t, NULL, &err);
    int p = 0;
    if (rc == SVCM_OK)
        rc = svcm_itil_priority(&t, impact, urgency, &p, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushinteger(L, p);
    return 1;
}

/* Push nested sequences of the table cells at v: dims[0] tables (integers
 * at the last of depth levels) whose elements lie strides[0] bytes apart. */
static void push_cells(lua_State *L, const unsigned char *v, const int *dims,
                       const size_t *strides, int depth)
{
    lua_createtable(L, dims[0], 0);
    for (int i = 0; i < dims[0]; i++) {
        const unsigned char *p = v + (size_t)i * strides[0];
        if (depth > 1)
            push_cells(L, p, dims + 1, strides + 1, depth - 1);
        else
            lua_pushinteger(L, *p);
        lua_rawseti(L, -2, i + 1);
    }
}

/* svcm.itil_table / grade_table([table]) (text 0: nested sequences) and
 * svcm.format_itil_table([table [, levels]]) / format_grade_table([table]) (text
 * 1; levels sets an ITIL table's number of priority levels). Bad content
 * returns nil, message, code, detail. */
static int table_call(lua_State *L, int grade, int text)
{
    svcm_itil_table it;
    svcm_grade_table gt;
    svcm_error err;
    int rc = table_in(L, 1, grade ? NULL : &it, grade ? &gt : NULL, &err);
    if (rc == SVCM_OK && !grade && text && !lua_isnoneornil(L, 2))
        it.levels = clamp_int(luaL_checkinteger(L, 2));
    if (rc == SVCM_OK && !grade && text)
        rc = svcm_itil_table_check(&it, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    static const int gdims[] = {SVCM_GRADE_LEVELS, SVCM_GRADE_LEVELS, SVCM_GRADE_LEVELS};
    static const size_t gstrides[] = {SVCM_GRADE_LEVELS * SVCM_GRADE_LEVELS, SVCM_GRADE_LEVELS, 1};
    static const size_t istrides[] = {SVCM_ITIL_MAX, 1};
    if (!text && grade)
        push_cells(L, &gt.cell[0][0][0], gdims, gstrides, 3);
    else if (!text)
        push_cells(L, &it.cell[0][0], (int[]){it.rows, it.cols}, istrides, 2);
    if (!text)
        return 1;
    char buf[SVCM_ITIL_MAX * SVCM_ITIL_MAX * 3 + 32]; /* 16 x 16 two-digit cells fit */
    size_t len = 0;
    rc = grade ? svcm_grade_table_format(&gt, buf, sizeof buf, &len)
               : svcm_itil_table_format(&it, buf, sizeof buf, &len);
    if (rc != SVCM_OK) /* cannot happen: the table is checked */
        return svcmlua_fail(L, rc, NULL);
    lua_pushlstring(L, buf, len);
    return 1;
}

static int l_itil_table(lua_State *L) { return table_call(L, 0, 0); }
static int l_format_itil_table(lua_State *L) { return table_call(L, 0, 1); }
static int l_grade_table(lua_State *L) { return table_call(L, 1, 0); }
static int l_format_grade_table(lua_State *L) { return table_call(L, 1, 1); }


static int run_batch(lua_State *L, int ordered)
{
    lua_settop(L, 3);
    int64_t now = (int64_t)luaL_checkinteger(L, 2);
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
        if (t < 1 || t > SVCM_PRIORITY_MAX_THREADS)
            return svcmlua_fail(L, set_error(&err, SVCM_EINVAL, SVCM_NO_INDEX, "threads",
                                             "threads must be in 1..%d, got %lld",
                                             SVCM_PRIORITY_MAX_THREADS, (long long)t),
                                &err);
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

/* svcm.importance(item [, options]) and svcm.urgency(item, now). */
static int request_measure(lua_State *L, int urgency)
{
    int64_t now = urgency ? (int64_t)luaL_checkinteger(L, 2) : 0;
    svcm_priority_options o;
    svcm_priority_options_init(&o);
    svcm_request r;
    svcm_error err;
    int rc = urgency ? SVCM_OK : read_options(L, 2, &o, &err);
    if (rc == SVCM_OK)
        rc = read_request(L, 1, SVCM_NO_INDEX, &r, &err);
    double v = 0.0;
    if (rc == SVCM_OK)
        rc = urgency ? svcm_urgency(&r, now, &v, &err) : svcm_importance(&o, &r, &v, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushnumber(L, v);
    return 1;
}

static int l_importance(lua_State *L) { return request_measure(L, 0); }
static int l_urgency(lua_State *L) { return request_measure(L, 1); }

/* ------------------------------------------------------------------ queue */

/* svcm.Queue on the managed-class runtime (lgen.c): close, __gc, __close,
 * __len, __tostring, to_bytes and Queue.from_bytes come from there; the
 * constructor (options with an ITIL table) is hand-written. */
/* The class functions, shared with Python (bindings/api/priority.py). */
void pri_queue_free(void *h);
int pri_queue_save(const void *h, unsigned char *b, size_t cap, size_t *n);
int pri_queue_load(const unsigned char *b, size_t n, void **out, svcm_error *err);
uint64_t pri_queue_count(const void *h);
static svcmlua_class queue_class = {"svcm.Queue", pri_queue_free, NULL, NULL, pri_queue_save,
                                    pri_queue_load, NULL, pri_queue_count, "to_bytes",
                                    "from_bytes", NULL};

svcm_pqueue *svcmlua_check_Queue(lua_State *L, int idx)
{
    return svcmlua_handle_check(L, idx, "svcm.Queue");
}

/* svcm.Queue([options]): argument 1 is the class table. */
static int l_queue_new(lua_State *L)
{
    svcm_priority_options o;
    svcm_error err;
    int rc = read_options(L, 2, &o, &err);
    void **slot = rc == SVCM_OK ? svcmlua_handle_new(L, "svcm.Queue") : NULL;
    svcm_pqueue *q = NULL;
    if (rc == SVCM_OK && (rc = svcm_pqueue_new(&o, NULL, &q, &err)) == SVCM_OK)
        *slot = q;
    return rc != SVCM_OK ? svcmlua_fail(L, rc, &err) : 1;
}

static int queue_put(lua_State *L, int update)
{
    svcmlua_check_Queue(L, 1);
    svcm_request r;
    svcm_error err;
    int rc = read_request(L, 2, SVCM_NO_INDEX, &r, &err);
    /* Reading the fields may run __index metamethods, which may close the
     * queue: fetch the handle only now. */
    if (rc == SVCM_OK) {
        svcm_pqueue *q = svcmlua_check_Queue(L, 1);
        rc = update ? svcm_pqueue_update(q, &r, &err) : svcm_pqueue_push(q, &r, &err);
    }
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_queue_push(lua_State *L) { return queue_put(L, 0); }
static int l_queue_update(lua_State *L) { return queue_put(L, 1); }

static int queue_front(lua_State *L, int pop)
{
    svcm_pqueue *q = svcmlua_check_Queue(L, 1);
    int64_t now = (int64_t)luaL_checkinteger(L, 2);
    struct svcm_priority_result res;
    int rc = pop ? svcm_pqueue_pop(q, now, NULL, &res) : svcm_pqueue_peek(q, now, NULL, &res);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, NULL);
    push_result(L, &res);
    return 1;
}

static int l_queue_pop(lua_State *L) { return queue_front(L, 1); }
static int l_queue_peek(lua_State *L) { return queue_front(L, 0); }

/* ------------------------------------------------------------ problem grading */


/* svcm.problem_grade(urgency, impact, difficulty [, table]) -> grade 1..4,
 * and svcm.problem_request(item, urgency, impact, difficulty [, table]) ->
 * a shallow copy of item with severity = the grade and impact = the level
 * (the levels from argument first + 1). */
static int grade_call(lua_State *L, int first)
{
    int v[3];
    for (int k = 0; k < 3; k++)
        v[k] = clamp_int(luaL_checkinteger(L, first + 1 + k));
    int targ = first + 4, given = !lua_isnoneornil(L, targ);
    svcm_grade_table t;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = given ? table_in(L, targ, NULL, &t, &err) : SVCM_OK;
    svcm_request r;
    memset(&r, 0, sizeof r);
    if (rc == SVCM_OK && first == 0)
        rc = svcm_problem_grade(given ? &t : NULL, v[0], v[1], v[2], &r.severity, &err);
    else if (rc == SVCM_OK)
        rc = svcm_problem_request(given ? &t : NULL, v[0], v[1], v[2], &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    if (first == 0) {
        lua_pushinteger(L, r.severity);
        return 1;
    }
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

static int l_problem_grade(lua_State *L) { return grade_call(L, 0); }



static int l_problem_request(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    return grade_call(L, 1);
}

static const luaL_Reg queue_methods[] = {
    {"push", l_queue_push},
    {"update", l_queue_update},
    {"pop", l_queue_pop},
    {"peek", l_queue_peek},
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
    svcmlua_class_open(L, &queue_class, NULL, queue_methods, l_queue_new);
    luaL_getmetatable(L, "svcm.Queue"); /* and the described methods */
    lua_getfield(L, -1, "__index");
    svcmlua_members_Queue(L);
    lua_pop(L, 2);
}
