/* Runtime of the described surface (bindings/api/<engine>.py -> gen_lua.c):
 * argument reading by kind, records pushed from field tables. */
#include "svcmlua.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void svcmlua_push_value(lua_State *L, const void *p, enum svcmlua_ctype ctype,
                        const char *(*name_of)(int))
{
    switch (ctype) {
    case SVCMLUA_F64: {
        double v;
        memcpy(&v, p, sizeof v);
        lua_pushnumber(L, v);
        return;
    }
    case SVCMLUA_I64:
    case SVCMLUA_I64N: {
        int64_t v;
        memcpy(&v, p, sizeof v);
        if (ctype == SVCMLUA_I64N && v == INT64_MAX)
            lua_pushnil(L);
        else
            lua_pushinteger(L, (lua_Integer)v);
        return;
    }
    case SVCMLUA_F64N: {
        double v;
        memcpy(&v, p, sizeof v);
        if (isnan(v))
            lua_pushnil(L);
        else
            lua_pushnumber(L, v);
        return;
    }
    case SVCMLUA_U32: {
        uint32_t v;
        memcpy(&v, p, sizeof v);
        lua_pushinteger(L, (lua_Integer)v);
        return;
    }
    case SVCMLUA_SIZE: {
        size_t v;
        memcpy(&v, p, sizeof v);
        svcmlua_pushcount(L, v);
        return;
    }
    case SVCMLUA_U64: {
        uint64_t v;
        memcpy(&v, p, sizeof v);
        svcmlua_pushcount(L, v);
        return;
    }
    case SVCMLUA_U8: {
        uint8_t v;
        memcpy(&v, p, sizeof v);
        lua_pushinteger(L, v);
        return;
    }
    case SVCMLUA_BOOL: {
        bool v;
        memcpy(&v, p, sizeof v);
        lua_pushboolean(L, v);
        return;
    }
    case SVCMLUA_STR: {
        const char *v;
        memcpy(&v, p, sizeof v);
        if (v)
            lua_pushstring(L, v);
        else
            lua_pushnil(L);
        return;
    }
    case SVCMLUA_INTERVAL: {
        svcm_interval v;
        memcpy(&v, p, sizeof v);
        svcmlua_pushinterval(L, v);
        return;
    }
    default: { /* SVCMLUA_INT, SVCMLUA_IBOOL, SVCMLUA_NAME: an int */
        int v;
        memcpy(&v, p, sizeof v);
        if (ctype == SVCMLUA_IBOOL)
            lua_pushboolean(L, v != 0);
        else if (ctype == SVCMLUA_NAME && name_of(v) != NULL)
            lua_pushstring(L, name_of(v));
        else if (ctype == SVCMLUA_NAME)
            lua_pushnil(L);
        else
            lua_pushinteger(L, v);
        return;
    }
    }
}

void svcmlua_push_record(lua_State *L, const void *rec, const svcmlua_field *fields, int n)
{
    luaL_checkstack(L, 3, NULL);
    lua_createtable(L, 0, n);
    for (int i = 0; i < n; i++) {
        svcmlua_push_value(L, (const char *)rec + fields[i].offset, fields[i].ctype,
                           fields[i].name_of);
        lua_setfield(L, -2, fields[i].name);
    }
}

void svcmlua_args_begin(lua_State *L, svcmlua_args *a, int base, int nreq, int npos,
                        const char *const *names, int first_is_array)
{
    int top = lua_gettop(L) - base, nparams = 0;
    while (names[nparams] != NULL)
        nparams++;
    /* Each argument read from a table leaves its value on the stack. */
    luaL_checkstack(L, nparams + 8, "too many arguments");
    a->base = base;
    /* One table is the named form, unless the first parameter is itself a
     * table (an array): then it is that argument. */
    a->named = nparams > 0 && !first_is_array && top == 1 && lua_type(L, base + 1) == LUA_TTABLE;
    a->opts = 0;
    a->given = top < 0 ? 0 : top;
    if (a->named) {
        a->opts = base + 1;
        a->given = 0;
    } else if (nparams > 0 && top > nreq && !(first_is_array && top == 1) &&
               lua_type(L, base + top) == LUA_TTABLE) {
        /* A trailing table holds the rest by name (a lone table is the
         * array when the first parameter is one). */
        a->opts = base + top;
        a->given = top - 1;
    }
    if (a->given > npos)
        luaL_error(L, "too many arguments (%d given, at most %d and an options table)", top,
                   npos);
    if (a->opts == 0)
        return;
    /* Every key of the table names a parameter: a misspelt option is an
     * error, not a silent default. */
    lua_pushnil(L);
    while (lua_next(L, a->opts) != 0) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "options: keys must be parameter names, got a %s",
                       luaL_typename(L, -1));
        const char *key = lua_tostring(L, -1);
        int k = 0;
        while (names[k] != NULL && strcmp(names[k], key) != 0)
            k++;
        if (names[k] == NULL)
            luaL_error(L, "unknown option '%s'", key);
    }
}

int svcmlua_arg(lua_State *L, const svcmlua_args *a, int pos, const char *name, int optional)
{
    int idx = 0;
    if (pos >= 1 && pos <= a->given) {
        if (!lua_isnoneornil(L, a->base + pos))
            idx = a->base + pos;
    } else if (a->opts != 0) {
        if (lua_getfield(L, a->opts, name) != LUA_TNIL)
            idx = lua_gettop(L);
        else
            lua_pop(L, 1);
    }
    if (idx == 0 && !optional)
        luaL_error(L, "missing argument '%s'", name);
    return idx;
}

static int wrong_type(lua_State *L, int idx, const char *name, const char *want)
{
    return luaL_error(L, "bad argument '%s' (%s expected, got %s)", name, want,
                      luaL_typename(L, idx));
}

int svcmlua_get_f64(lua_State *L, int idx, const char *name, double *out)
{
    /* A number, not a string that looks like one. */
    if (lua_type(L, idx) != LUA_TNUMBER)
        return wrong_type(L, idx, name, "number");
    *out = lua_tonumber(L, idx);
    return 0;
}

int svcmlua_get_i64(lua_State *L, int idx, const char *name, int64_t *out)
{
    int isnum = 0;
    lua_Integer v = lua_type(L, idx) == LUA_TNUMBER ? lua_tointegerx(L, idx, &isnum) : 0;
    if (!isnum)
        return wrong_type(L, idx, name,
                          lua_type(L, idx) == LUA_TNUMBER ? "integral number" : "integer");
    *out = (int64_t)v;
    return 0;
}

int svcmlua_get_u32(lua_State *L, int idx, const char *name, uint32_t *out)
{
    int64_t v = 0;
    svcmlua_get_i64(L, idx, name, &v);
    if (v < 0 || v > (int64_t)UINT32_MAX)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

int svcmlua_get_int(lua_State *L, int idx, const char *name, int *out)
{
    int64_t v = 0;
    svcmlua_get_i64(L, idx, name, &v);
    if (v < INT_MIN || v > INT_MAX)
        return -1;
    *out = (int)v;
    return 0;
}

int svcmlua_get_size(lua_State *L, int idx, const char *name, size_t *out)
{
    int64_t v = 0;
    svcmlua_get_i64(L, idx, name, &v);
    if (v < 0)
        return -1;
    *out = (size_t)v;
    return 0;
}

int svcmlua_get_count(lua_State *L, int idx, const char *name, uint64_t *out)
{
    int64_t v = 0;
    svcmlua_get_i64(L, idx, name, &v);
    if (v < 0)
        return luaL_error(L, "bad argument '%s' (count must be non-negative)", name);
    *out = (uint64_t)v;
    return 0;
}

int svcmlua_get_bool(lua_State *L, int idx, const char *name, bool *out)
{
    if (lua_type(L, idx) != LUA_TBOOLEAN)
        return wrong_type(L, idx, name, "boolean");
    *out = lua_toboolean(L, idx) != 0;
    return 0;
}

int svcmlua_get_str(lua_State *L, int idx, const char *name, const char **out)
{
    if (lua_type(L, idx) != LUA_TSTRING)
        return wrong_type(L, idx, name, "string");
    size_t len = 0;
    const char *s = lua_tolstring(L, idx, &len);
    if (strlen(s) != len)
        return luaL_error(L, "bad argument '%s' (string contains a zero byte)", name);
    *out = s;
    return 0;
}

int svcmlua_fail_field(lua_State *L, int rc, const char *field, const char *msg)
{
    svcm_error err;
    svcm_error_clear(&err);
    err.code = rc;
    err.field = field;
    snprintf(err.message, sizeof err.message, "%s", msg);
    return svcmlua_fail(L, rc, &err);
}

int svcmlua_range_fail(lua_State *L, const char *name)
{
    return svcmlua_fail_field(L, SVCM_EINVAL, name, "out of the range of its type");
}

int svcmlua_get_choice(lua_State *L, int idx, const char *name, const char *const *choices,
                       int *out)
{
    const char *s = NULL;
    svcmlua_get_str(L, idx, name, &s);
    for (int i = 0; choices[i] != NULL; i++) {
        if (strcmp(s, choices[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 0; choices[i] != NULL; i++) {
        luaL_addstring(&b, i == 0 ? "'" : choices[i + 1] == NULL ? " or '" : ", '");
        luaL_addstring(&b, choices[i]);
        luaL_addchar(&b, '\'');
    }
    luaL_pushresult(&b);
    return luaL_error(L, "bad argument '%s' (expected %s, got '%s')", name, lua_tostring(L, -1),
                      s);
}

void svcmlua_bcast_get(lua_State *L, svcmlua_bcast *c, int k, const int *idx,
                       const char *const *names)
{
    int have = 0;
    c->all_num = 1;
    c->n = 0;
    luaL_checkstack(L, k + 2, NULL);
    for (int i = 0; i < k; i++) {
        /* A boolean is the number 1 or 0, as True and False are in Python. */
        if (lua_type(L, idx[i]) == LUA_TNUMBER || lua_type(L, idx[i]) == LUA_TBOOLEAN) {
            c->data[i] = NULL;
            continue;
        }
        size_t len = 0;
        c->data[i] = svcmlua_checkdoubles(L, idx[i], &len);
        c->all_num = 0;
        if (have && len != c->n)
            luaL_error(L, "bad argument '%s' (%d items, expected %d like the tables before it)",
                       names[i], (int)len, (int)c->n);
        c->n = len;
        have = 1;
    }
    if (c->all_num)
        c->n = 1;
    for (int i = 0; i < k; i++) {
        if (c->data[i] != NULL)
            continue;
        double v = lua_isboolean(L, idx[i]) ? (double)lua_toboolean(L, idx[i])
                                             : lua_tonumber(L, idx[i]);
        double *buf = lua_newuserdatauv(L, c->n * sizeof(double) + 1, 0);
        for (size_t j = 0; j < c->n; j++)
            buf[j] = v;
        c->data[i] = buf;
    }
}

double *svcmlua_bcast_out(lua_State *L, const svcmlua_bcast *c)
{
    return lua_newuserdatauv(L, c->n * sizeof(double) + 1, 0);
}

void svcmlua_bcast_push(lua_State *L, const svcmlua_bcast *c, const double *out)
{
    if (c->all_num)
        lua_pushnumber(L, out[0]);
    else
        svcmlua_pushdoubles(L, out, c->n);
}

/* ------------------------------------------------------- managed classes */
typedef struct {
    void *h;
} handle_box;

void *svcmlua_handle_check(lua_State *L, int idx, const char *mt)
{
    handle_box *b = luaL_checkudata(L, idx, mt);
    if (b->h == NULL)
        luaL_argerror(L, idx, "object is closed");
    return b->h;
}

void **svcmlua_handle_new(lua_State *L, const char *mt)
{
    handle_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->h = NULL;
    luaL_setmetatable(L, mt);
    return &b->h;
}

static const svcmlua_class *class_of(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* c:merge(other) -> c, or nil, msg, code */
static int handle_merge(lua_State *L)
{
    const svcmlua_class *c = class_of(L);
    void *dst = svcmlua_handle_check(L, 1, c->mt);
    int rc = c->merge(dst, svcmlua_handle_check(L, 2, c->mt));
    if (rc) {
        svcm_error err;
        svcm_error_clear(&err);
        snprintf(err.message, sizeof err.message, "%s",
                 rc == SVCM_EMISMATCH && c->mismatch ? c->mismatch : svcm_strerror(rc));
        return svcmlua_fail(L, rc, &err);
    }
    lua_settop(L, 1);
    return 1;
}

/* c:save() -> string */
static int handle_save(lua_State *L)
{
    const svcmlua_class *c = class_of(L);
    void *h = svcmlua_handle_check(L, 1, c->mt);
    size_t len = 0;
    c->save(h, NULL, 0, &len);
    luaL_Buffer buf;
    unsigned char *p = (unsigned char *)luaL_buffinitsize(L, &buf, len);
    int rc = c->save(h, p, len, NULL);
    if (rc)
        return svcmlua_raise(L, rc, NULL);
    luaL_pushresultsize(&buf, len);
    return 1;
}

/* svcm.Name.load(s) -> object, or nil, msg, code, detail */
static int handle_load(lua_State *L)
{
    const svcmlua_class *c = class_of(L);
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    void **slot = svcmlua_handle_new(L, c->mt);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = c->load((const unsigned char *)s, len, slot, &err);
    return rc ? svcmlua_fail(L, rc, &err) : 1;
}

static int handle_close(lua_State *L)
{
    const svcmlua_class *c = class_of(L);
    handle_box *b = luaL_checkudata(L, 1, c->mt);
    if (b->h != NULL)
        c->free(b->h);
    b->h = NULL;
    return 0;
}

static int handle_tostring(lua_State *L)
{
    const svcmlua_class *c = class_of(L);
    handle_box *b = luaL_checkudata(L, 1, c->mt);
    if (b->h == NULL) {
        lua_pushfstring(L, "%s(closed)", c->mt);
        return 1;
    }
    if (c->repr == NULL) {
        lua_pushfstring(L, "%s()", c->mt);
        return 1;
    }
    char buf[256];
    c->repr(b->h, buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

static int handle_len(lua_State *L)
{
    const svcmlua_class *c = class_of(L);
    svcmlua_pushcount(L, c->count(svcmlua_handle_check(L, 1, c->mt)));
    return 1;
}

/* __index when the class has fields: a field's getter is called, anything
 * else is looked up in the methods table (upvalue 2). */
static int handle_index(lua_State *L)
{
    const svcmlua_class *c = class_of(L);
    const char *k = lua_tostring(L, 2);
    for (const luaL_Reg *f = c->fields; k != NULL && f->name != NULL; f++)
        if (strcmp(f->name, k) == 0) {
            lua_settop(L, 1);
            return f->func(L);
        }
    lua_gettable(L, lua_upvalueindex(2));
    return 1;
}

static void set_closure(lua_State *L, svcmlua_class *c, lua_CFunction f, const char *name)
{
    lua_pushlightuserdata(L, c);
    lua_pushcclosure(L, f, 1);
    lua_setfield(L, -2, name);
}

void svcmlua_class_open(lua_State *L, svcmlua_class *c, const luaL_Reg *described,
                        const luaL_Reg *extra, lua_CFunction ctor)
{
    luaL_newmetatable(L, c->mt);
    lua_newtable(L); /* the methods */
    if (described != NULL)
        luaL_setfuncs(L, described, 0);
    if (extra != NULL)
        luaL_setfuncs(L, extra, 0);
    if (c->merge != NULL)
        set_closure(L, c, handle_merge, "merge");
    if (c->save != NULL)
        set_closure(L, c, handle_save, c->save_name);
    set_closure(L, c, handle_close, "close");
    if (c->fields != NULL && c->fields->name != NULL) {
        lua_pushlightuserdata(L, c);
        lua_insert(L, -2);
        lua_pushcclosure(L, handle_index, 2);
    }
    lua_setfield(L, -2, "__index");
    set_closure(L, c, handle_close, "__gc");
    set_closure(L, c, handle_close, "__close");
    set_closure(L, c, handle_tostring, "__tostring");
    if (c->count != NULL)
        set_closure(L, c, handle_len, "__len");
    lua_pop(L, 1);
    lua_createtable(L, 0, 1); /* the class table */
    if (c->load != NULL)
        set_closure(L, c, handle_load, c->load_name);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, ctor);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    lua_setfield(L, -2, c->mt + 5); /* after "svcm." */
}

/* ---------------------------------------------------------- input records */
void svcmlua_record_in(lua_State *L, int idx, const svcmlua_field *fields, int nfields, void *out,
                       const char *what, lua_Integer index)
{
    idx = lua_absindex(L, idx);
    char where[96];
    if (index < 0)
        snprintf(where, sizeof where, "%s", what);
    else
        snprintf(where, sizeof where, "%s[%lld]", what, (long long)index);
    if (lua_type(L, idx) != LUA_TTABLE)
        luaL_error(L, "%s: expected a table, got %s", where, luaL_typename(L, idx));
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, "%s: keys must be field names", where);
        const char *name = lua_tostring(L, -2);
        int i = 0;
        while (i < nfields && strcmp(fields[i].name, name) != 0)
            i++;
        if (i == nfields)
            luaL_error(L, "%s: unknown field '%s'", where, name);
        if (lua_type(L, -1) != LUA_TNUMBER)
            luaL_error(L, "%s: field '%s' must be a number", where, name);
        char *p = (char *)out + fields[i].offset;
        if (fields[i].ctype == SVCMLUA_I64) {
            int isint = 0;
            lua_Integer v = lua_tointegerx(L, -1, &isint);
            if (!isint)
                luaL_error(L, "%s: field '%s' must be an integer", where, name);
            int64_t x = (int64_t)v;
            memcpy(p, &x, sizeof x);
        } else {
            double v = lua_tonumber(L, -1);
            memcpy(p, &v, sizeof v);
        }
        lua_pop(L, 1);
    }
}

void *svcmlua_records_in(lua_State *L, int idx, const svcmlua_field *fields, int nfields,
                         size_t size, const char *what, size_t *n)
{
    idx = lua_absindex(L, idx);
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_Unsigned len = lua_rawlen(L, idx);
    if (len > (SIZE_MAX - 1) / size)
        luaL_error(L, "%s: table too large", what);
    char *arr = lua_newuserdatauv(L, (size_t)len * size + 1, 0);
    memset(arr, 0, (size_t)len * size + 1);
    for (lua_Unsigned i = 0; i < len; i++) {
        lua_rawgeti(L, idx, (lua_Integer)(i + 1));
        svcmlua_record_in(L, -1, fields, nfields, arr + (size_t)i * size, what,
                          (lua_Integer)i);
        lua_pop(L, 1);
    }
    *n = (size_t)len;
    return arr;
}

const int64_t *svcmlua_checkcodes(lua_State *L, int idx, const char *name,
                                  const char *const *choices, size_t *n)
{
    idx = lua_absindex(L, idx);
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_Unsigned len = lua_rawlen(L, idx);
    if (len > (SIZE_MAX - 1) / sizeof(int64_t))
        luaL_error(L, "%s: table too large", name);
    int64_t *v = lua_newuserdatauv(L, (size_t)len * sizeof *v + 1, 0);
    for (lua_Unsigned i = 0; i < len; i++) {
        int t = lua_rawgeti(L, idx, (lua_Integer)(i + 1));
        int isint = 0;
        if (t == LUA_TSTRING) {
            const char *s = lua_tostring(L, -1);
            int k = 0;
            while (choices[k] != NULL && strcmp(choices[k], s) != 0)
                k++;
            if (choices[k] == NULL)
                luaL_error(L, "%s[%d]: '%s' is not one of the names", name, (int)i, s);
            v[i] = k;
        } else {
            lua_Integer x = lua_tointegerx(L, -1, &isint);
            if (t != LUA_TNUMBER || !isint)
                luaL_error(L, "%s[%d]: expected a name or an integer, got %s", name, (int)i,
                           luaL_typename(L, -1));
            v[i] = (int64_t)x;
        }
        lua_pop(L, 1);
    }
    *n = (size_t)len;
    return v;
}
