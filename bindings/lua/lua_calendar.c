/* Lua binding of the calendar engine: svcm.Calendar, svcm.calendar_parse,
 * svcm.sla, svcm.sla_compliance (the Calendar queries, the civil-date
 * functions and the SlaRate table are generated from bindings/api/calendar.py). */
#include "svcmlua.h"
#include "gen_lua.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svcm/calendar.h"

#define CAL_MT "svcm.Calendar"

typedef struct {
    svcm_calendar *cal;
} lcal;

/* Also the hook of the described methods (bindings/api/calendar.py). */
svcm_calendar *svcmlua_check_Calendar(lua_State *L, int arg)
{
    lcal *c = luaL_checkudata(L, arg, CAL_MT);
    if (c->cal == NULL)
        luaL_argerror(L, arg, "calendar is closed");
    return c->cal;
}

/* The text parsers shared with the Python binding (a helper of
 * bindings/api/calendar.py, in gen_lua.c). */
long svcmbind_parse_hms(const char *s);
int svcmbind_parse_date(const char *s, svcm_date *out);

/* Push an empty calendar handle first, so that the calendar made into it is
 * owned by a collectable object from the start (a Lua memory error after
 * svcm_calendar_new would otherwise leak it). */
static lcal *push_cal_slot(lua_State *L)
{
    lcal *c = lua_newuserdatauv(L, sizeof *c, 0);
    c->cal = NULL;
    luaL_setmetatable(L, CAL_MT);
    return c;
}

/* The value on top of the stack as a time of day; pops it. */
static int32_t pop_time(lua_State *L, int day, lua_Integer k, const char *what)
{
    int32_t v = 0;
    if (lua_type(L, -1) == LUA_TSTRING) {
        size_t len;
        const char *str = lua_tolstring(L, -1, &len);
        /* An embedded NUL would end the C string early: "09:00\0junk". */
        long s = strlen(str) == len ? svcmbind_parse_hms(str) : -1;
        if (s < 0)
            luaL_error(L, "week[%d][%d]: %s '%s' is not HH:MM or HH:MM:SS", day, (int)k, what,
                       lua_tostring(L, -1));
        v = (int32_t)s;
    } else if (lua_isinteger(L, -1)) {
        lua_Integer x = lua_tointeger(L, -1);
        if (x < INT32_MIN || x > INT32_MAX)
            luaL_error(L, "week[%d][%d]: %s out of range", day, (int)k, what);
        v = (int32_t)x;
    } else {
        luaL_error(L, "week[%d][%d]: %s must be 'HH:MM' or integer seconds", day, (int)k, what);
    }
    lua_pop(L, 1);
    return v;
}

/* svcm.Calendar(offset_minutes | zone, week, holidays): the first argument
 * is a fixed UTC offset in minutes, or a zone as svcm_zone_new() takes it
 * (an IANA name, a POSIX TZ rule or "+HH:MM"; daylight saving included). */
static int l_calendar(lua_State *L)
{
    lua_Integer offset = 0;
    const char *zone = NULL;
    if (lua_type(L, 1) == LUA_TSTRING) {
        size_t zlen;
        zone = lua_tolstring(L, 1, &zlen);
        if (strlen(zone) != zlen)
            return luaL_argerror(L, 1, "zone contains a NUL byte");
    } else {
        offset = luaL_optinteger(L, 1, 0);
    }
    if (offset < INT32_MIN || offset > INT32_MAX)
        return luaL_argerror(L, 1, "offset out of range");
    size_t n_iv = 0, n_hol = 0;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        if (lua_rawlen(L, 2) != 7)
            return luaL_argerror(L, 2, "week must have 7 days (Monday first)");
        for (int d = 1; d <= 7; d++) {
            int t = lua_rawgeti(L, 2, d);
            if (t == LUA_TTABLE)
                n_iv += lua_rawlen(L, -1);
            else if (t != LUA_TNIL)
                return luaL_argerror(L, 2, "each day must be a table of {start, end} pairs");
            lua_pop(L, 1);
        }
    }
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        n_hol = lua_rawlen(L, 3);
    }
    if (n_iv > 100000 || n_hol > 10000000)
        return luaL_error(L, "svcm.Calendar: too many intervals or holidays");
    /* Scratch arrays live in userdata so a raise frees them. */
    svcm_calendar_interval *iv = lua_newuserdatauv(L, n_iv * sizeof *iv + 1, 0);
    svcm_date *hol = lua_newuserdatauv(L, n_hol * sizeof *hol + 1, 0);
    size_t k = 0;
    for (int d = 1; d <= 7 && n_iv > 0; d++) {
        if (lua_rawgeti(L, 2, d) != LUA_TTABLE) {
            lua_pop(L, 1);
            continue;
        }
        lua_Integer len = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer j = 1; j <= len; j++) {
            if (lua_rawgeti(L, -1, j) != LUA_TTABLE)
                return luaL_error(L, "week[%d][%d] must be a {start, end} pair", d, (int)j);
            lua_rawgeti(L, -1, 1);
            iv[k].start = pop_time(L, d, j, "start");
            lua_rawgeti(L, -1, 2);
            iv[k].end = pop_time(L, d, j, "end");
            iv[k].weekday = d - 1;
            k++;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    for (size_t i = 0; i < n_hol; i++) {
        int t = lua_rawgeti(L, 3, (lua_Integer)(i + 1));
        if (t == LUA_TSTRING) {
            svcm_date date;
            size_t len;
            const char *str = lua_tolstring(L, -1, &len);
            if (strlen(str) != len || !svcmbind_parse_date(str, &date))
                return luaL_error(L, "holidays[%d]: '%s' is not YYYY-MM-DD", (int)(i + 1),
                                  lua_tostring(L, -1));
            hol[i] = date;
        } else if (t == LUA_TTABLE) {
            lua_Integer y = 0, m = 0, dd = 0;
            lua_getfield(L, -1, "year");
            y = luaL_checkinteger(L, -1);
            lua_getfield(L, -2, "month");
            m = luaL_checkinteger(L, -1);
            lua_getfield(L, -3, "day");
            dd = luaL_checkinteger(L, -1);
            lua_pop(L, 3);
            if (y < INT32_MIN || y > INT32_MAX || m < INT32_MIN || m > INT32_MAX ||
                dd < INT32_MIN || dd > INT32_MAX)
                return luaL_error(L, "holidays[%d]: out of range", (int)(i + 1));
            hol[i] = (svcm_date){(int32_t)y, (int32_t)m, (int32_t)dd};
        } else {
            return luaL_error(L, "holidays[%d]: expected 'YYYY-MM-DD' or {year=, month=, day=}",
                              (int)(i + 1));
        }
        lua_pop(L, 1);
    }
    svcm_calendar_options o;
    svcm_calendar_options_init(&o);
    o.utc_offset_minutes = (int32_t)offset;
    o.zone = zone;
    o.intervals = iv;
    o.n_intervals = k;
    o.holidays = hol;
    o.n_holidays = n_hol;
    lcal *slot = push_cal_slot(L);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_calendar_new(&o, NULL, &slot->cal, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    return 1;
}

static int l_calendar_parse(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    lcal *slot = push_cal_slot(L);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_calendar_parse(text, len, NULL, &slot->cal, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    return 1;
}

static int l_cal_gc(lua_State *L)
{
    lcal *c = luaL_checkudata(L, 1, CAL_MT);
    svcm_calendar_free(c->cal);
    c->cal = NULL;
    return 0;
}

static int batch(lua_State *L, int add)
{
    svcm_calendar *cal = svcmlua_check_Calendar(L, 1);
    size_t n, m;
    const int64_t *a = svcmlua_checkint64s(L, 2, &n);
    const int64_t *b = svcmlua_checkint64s(L, 3, &m);
    if (n != m)
        return luaL_argerror(L, 3, "length differs from argument 2");
    int64_t *out = lua_newuserdatauv(L, n * sizeof *out + 1, 0);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = add ? svcm_calendar_add_business_seconds_batch(cal, a, b, n, out, &err)
                 : svcm_calendar_business_seconds_batch(cal, a, b, n, out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    svcmlua_pushint64s(L, out, n);
    return 1;
}

static int l_business_seconds_batch(lua_State *L) { return batch(L, 0); }
static int l_add_business_seconds_batch(lua_State *L) { return batch(L, 1); }

static int l_to_text(lua_State *L)
{
    svcm_calendar *cal = svcmlua_check_Calendar(L, 1);
    size_t len = 0;
    (void)svcm_calendar_format(cal, NULL, 0, &len);
    luaL_Buffer b;
    char *buf = luaL_buffinitsize(L, &b, len + 1);
    int rc = svcm_calendar_format(cal, buf, len + 1, &len);
    if (rc != SVCM_OK)
        return svcmlua_raise(L, rc, NULL);
    luaL_pushresultsize(&b, len);
    return 1;
}

/* ------------------------------------------------------------------- SLA */

/* An optional integer field of the table at idx; absent -> SVCM_SLA_NONE. */
static int64_t opt_instant(lua_State *L, int idx, const char *key)
{
    int t = lua_getfield(L, idx, key);
    int64_t v = SVCM_SLA_NONE;
    if (t != LUA_TNIL) {
        int ok = 0;
        v = lua_tointegerx(L, -1, &ok);
        if (!ok)
            luaL_error(L, "ticket field '%s': integer expected, got %s", key, luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    return v;
}

static int64_t req_integer(lua_State *L, int idx, const char *key)
{
    int64_t v = opt_instant(L, idx, key);
    if (v == SVCM_SLA_NONE)
        luaL_error(L, "ticket field '%s' is required", key);
    return v;
}

/* Read the ticket table at idx; pauses go into a userdata pushed on the stack. */
static void read_ticket(lua_State *L, int idx, svcm_sla_ticket *t)
{
    idx = lua_absindex(L, idx);
    luaL_checktype(L, idx, LUA_TTABLE);
    memset(t, 0, sizeof *t);
    t->created = req_integer(L, idx, "created");
    t->first_response = opt_instant(L, idx, "first_response");
    t->resolved = opt_instant(L, idx, "resolved");
    t->response_target = req_integer(L, idx, "response_target");
    t->resolution_target = req_integer(L, idx, "resolution_target");
    int ty = lua_getfield(L, idx, "pauses");
    size_t n = 0;
    if (ty == LUA_TTABLE)
        n = lua_rawlen(L, -1);
    else if (ty != LUA_TNIL)
        luaL_error(L, "ticket field 'pauses': table expected");
    if (n > 10000000)
        luaL_error(L, "ticket field 'pauses': too many pauses");
    svcm_sla_pause *p = lua_newuserdatauv(L, n * sizeof *p + 1, 0);
    for (size_t k = 0; k < n; k++) {
        if (lua_rawgeti(L, -2, (lua_Integer)(k + 1)) != LUA_TTABLE)
            luaL_error(L, "pauses[%d] must be a {start, end} pair", (int)(k + 1));
        int ok = 0;
        lua_rawgeti(L, -1, 1);
        p[k].start = lua_tointegerx(L, -1, &ok);
        if (!ok)
            luaL_error(L, "pauses[%d]: integer start expected", (int)(k + 1));
        lua_rawgeti(L, -2, 2);
        if (lua_isnil(L, -1)) {
            p[k].end = SVCM_SLA_NONE;
        } else {
            p[k].end = lua_tointegerx(L, -1, &ok);
            if (!ok)
                luaL_error(L, "pauses[%d]: integer end (or nil while on hold) expected",
                           (int)(k + 1));
        }
        lua_pop(L, 3);
    }
    t->pauses = p;
    t->n_pauses = n;
    lua_remove(L, -2); /* the pauses table; keep the userdata */
}

svcm_sla_metric svcmb_sla_metric(svcm_sla_metric m); /* bindings/api/calendar.py */

static void push_metric(lua_State *L, const svcm_sla_metric *m)
{
    svcm_sla_metric v = svcmb_sla_metric(*m);
    svcmlua_rec_SlaMetric(L, &v);
}

static void push_result(lua_State *L, const struct svcm_sla_result *r)
{
    lua_createtable(L, 0, 2);
    push_metric(L, &r->response);
    lua_setfield(L, -2, "response");
    push_metric(L, &r->resolution);
    lua_setfield(L, -2, "resolution");
}

/* svcm.sla(cal, ticket, now) -> {response = {...}, resolution = {...}} */
static int l_sla(lua_State *L)
{
    svcm_calendar *cal = svcmlua_check_Calendar(L, 1);
    lua_Integer now = luaL_checkinteger(L, 3);
    svcm_sla_ticket t;
    read_ticket(L, 2, &t);
    struct svcm_sla_result r;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_sla_evaluate(cal, &t, now, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_result(L, &r);
    return 1;
}

/* svcm.sla_compliance(cal, tickets, now [, confidence]) -> summary, per_ticket */
static int l_sla_compliance(lua_State *L)
{
    svcm_calendar *cal = svcmlua_check_Calendar(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer now = luaL_checkinteger(L, 3);
    double confidence = luaL_optnumber(L, 4, 0.95);
    size_t n = lua_rawlen(L, 2);
    if (n > 10000000)
        return luaL_argerror(L, 2, "too many tickets");
    svcm_sla_ticket *t = lua_newuserdatauv(L, n * sizeof *t + 1, 0);
    struct svcm_sla_result *per = lua_newuserdatauv(L, n * sizeof *per + 1, 0);
    /* Each ticket's pauses array is a userdata kept alive in this table. */
    lua_createtable(L, n > INT32_MAX ? 0 : (int)n, 0);
    int anchor = lua_gettop(L);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, 2, (lua_Integer)(i + 1));
        read_ticket(L, -1, &t[i]); /* pushes the pauses userdata */
        lua_rawseti(L, anchor, (lua_Integer)(i + 1));
        lua_pop(L, 1);
    }
    svcm_sla_summary s;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_sla_compliance(cal, t, n, now, confidence, &s, per, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_createtable(L, 0, 2);
    svcmlua_rec_SlaRate(L, &s.response);
    lua_setfield(L, -2, "response");
    svcmlua_rec_SlaRate(L, &s.resolution);
    lua_setfield(L, -2, "resolution");
    lua_createtable(L, n > INT32_MAX ? 0 : (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        push_result(L, &per[i]);
        lua_rawseti(L, -2, (lua_Integer)(i + 1));
    }
    return 2;
}

static const luaL_Reg cal_methods[] = {
    {"business_seconds_batch", l_business_seconds_batch},
    {"add_business_seconds_batch", l_add_business_seconds_batch},
    {"to_text", l_to_text},
    {"close", l_cal_gc},
    {NULL, NULL},
};

static const luaL_Reg funcs[] = {
    {"Calendar", l_calendar},
    {"calendar_parse", l_calendar_parse},
    {"sla", l_sla},
    {"sla_compliance", l_sla_compliance},
    {NULL, NULL},
};

void svcmlua_open_calendar(lua_State *L)
{
    luaL_newmetatable(L, CAL_MT);
    lua_pushcfunction(L, l_cal_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_cal_gc);
    lua_setfield(L, -2, "__close");
    luaL_newlib(L, cal_methods);
    svcmlua_members_Calendar(L);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_setfuncs(L, funcs, 0);
}
