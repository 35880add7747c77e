/* Lua surface of the lifetime engine: BG/NBD, Gamma-Gamma, CLV and
 * transaction summaries. Models are value userdata (no resources, so no
 * __gc) with the metatables "svcm.BGNBD" and "svcm.GammaGamma". */
#include "svcmlua.h"

#include <string.h>

#include "svcm/lifetime.h"

#define BGNBD_MT "svcm.BGNBD"
#define GG_MT "svcm.GammaGamma"

typedef struct {
    svcm_bgnbd_params p;
    int fitted;
    svcm_bgnbd_fit_result fit;
} lbgnbd;

typedef struct {
    svcm_gammagamma_params p;
    int fitted;
    svcm_gammagamma_fit_result fit;
} lgg;

/* ---------------------------------------------------------- columns */

/* Arguments first..first+k-1, each a number or a sequence table of
 * numbers; numbers broadcast against tables. Buffers live in userdata
 * pushed onto the stack. Returns whether all were numbers. */
static int check_cols(lua_State *L, int first, int k, const double **data, size_t *n,
                      const char *const *names)
{
    int all_num = 1;
    size_t len = 0, lens[8];
    int have = 0;
    for (int i = 0; i < k; i++) {
        int arg = first + i;
        if (lua_type(L, arg) == LUA_TNUMBER) {
            data[i] = NULL;
            continue;
        }
        all_num = 0;
        data[i] = svcmlua_checkdoubles(L, arg, &lens[i]);
        if (have && lens[i] != len)
            luaL_error(L, "%s has %d items, expected %d", names[i], (int)lens[i], (int)len);
        len = lens[i];
        have = 1;
    }
    if (all_num)
        len = 1;
    for (int i = 0; i < k; i++) {
        if (data[i] != NULL)
            continue;
        double v = lua_tonumber(L, first + i);
        double *buf = lua_newuserdatauv(L, len * sizeof(double) + 1, 0);
        for (size_t j = 0; j < len; j++)
            buf[j] = v;
        data[i] = buf;
    }
    *n = len;
    return all_num;
}

static double *out_buffer(lua_State *L, size_t n)
{
    return lua_newuserdatauv(L, n * sizeof(double) + 1, 0);
}

static void push_result(lua_State *L, int all_num, const double *out, size_t n)
{
    if (all_num)
        lua_pushnumber(L, out[0]);
    else
        svcmlua_pushdoubles(L, out, n);
}

static void fit_options(lua_State *L, int idx, svcm_lifetime_fit_options *o)
{
    svcm_lifetime_fit_options_init(o);
    lua_Integer mi = svcmlua_optfield_integer(L, idx, "max_iter", (lua_Integer)o->max_iter);
    o->max_iter = (mi < 0 || mi > 0x7FFFFFFF) ? 0 : (unsigned)mi; /* 0 is refused by C */
    o->gtol = svcmlua_optfield_number(L, idx, "gtol", o->gtol);
}

/* ------------------------------------------------------------ BG/NBD */

static lbgnbd *push_bgnbd(lua_State *L)
{
    lbgnbd *m = lua_newuserdatauv(L, sizeof *m, 0);
    memset(m, 0, sizeof *m);
    luaL_setmetatable(L, BGNBD_MT);
    return m;
}

/* svcm.bgnbd(r, alpha, a, b) */
static int l_bgnbd(lua_State *L)
{
    svcm_bgnbd_params p = {luaL_checknumber(L, 1), luaL_checknumber(L, 2), luaL_checknumber(L, 3),
                           luaL_checknumber(L, 4)};
    svcm_error err;
    int rc = svcm_bgnbd_p_alive(&p, NULL, NULL, NULL, 0, NULL, &err); /* checks p */
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_bgnbd(L)->p = p;
    return 1;
}

/* svcm.bgnbd_fit(x, t_x, T [, {max_iter=, gtol=}]) */
static int l_bgnbd_fit(lua_State *L)
{
    static const char *const names[] = {"x", "t_x", "T"};
    svcm_lifetime_fit_options o;
    fit_options(L, 4, &o);
    const double *d[3];
    size_t n;
    check_cols(L, 1, 3, d, &n, names);
    svcm_bgnbd_fit_result r;
    svcm_error err;
    int rc = svcm_bgnbd_fit(d[0], d[1], d[2], n, &o, NULL, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lbgnbd *m = push_bgnbd(L);
    m->p = r.params;
    m->fitted = 1;
    m->fit = r;
    return 1;
}

/* m:p_alive(x, t_x, T) */
static int m_p_alive(lua_State *L)
{
    static const char *const names[] = {"x", "t_x", "T"};
    lbgnbd *m = luaL_checkudata(L, 1, BGNBD_MT);
    const double *d[3];
    size_t n;
    int all = check_cols(L, 2, 3, d, &n, names);
    double *out = out_buffer(L, n);
    svcm_error err;
    int rc = svcm_bgnbd_p_alive(&m->p, d[0], d[1], d[2], n, out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_result(L, all, out, n);
    return 1;
}

/* m:expected_purchases(t, x, t_x, T) */
static int m_expected(lua_State *L)
{
    static const char *const names[] = {"x", "t_x", "T"};
    lbgnbd *m = luaL_checkudata(L, 1, BGNBD_MT);
    double t = luaL_checknumber(L, 2);
    const double *d[3];
    size_t n;
    int all = check_cols(L, 3, 3, d, &n, names);
    double *out = out_buffer(L, n);
    svcm_error err;
    int rc = svcm_bgnbd_expected_purchases(&m->p, t, d[0], d[1], d[2], n, out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_result(L, all, out, n);
    return 1;
}

/* m:expected_purchases_unconditional(t) */
static int m_expected_uncond(lua_State *L)
{
    static const char *const names[] = {"t"};
    lbgnbd *m = luaL_checkudata(L, 1, BGNBD_MT);
    const double *d[1];
    size_t n;
    int all = check_cols(L, 2, 1, d, &n, names);
    double *out = out_buffer(L, n);
    svcm_error err;
    int rc = svcm_bgnbd_expected_purchases_unconditional(&m->p, d[0], n, out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_result(L, all, out, n);
    return 1;
}

/* m:log_likelihood(x, t_x, T) */
static int m_bg_loglik(lua_State *L)
{
    static const char *const names[] = {"x", "t_x", "T"};
    lbgnbd *m = luaL_checkudata(L, 1, BGNBD_MT);
    const double *d[3];
    size_t n;
    check_cols(L, 2, 3, d, &n, names);
    double ll = 0.0;
    svcm_error err;
    int rc = svcm_bgnbd_loglik(&m->p, d[0], d[1], d[2], n, &ll, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushnumber(L, ll);
    return 1;
}

static int bg_index(lua_State *L)
{
    lbgnbd *m = luaL_checkudata(L, 1, BGNBD_MT);
    const char *k = luaL_checkstring(L, 2);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return 1;
    if (strcmp(k, "r") == 0)
        lua_pushnumber(L, m->p.r);
    else if (strcmp(k, "alpha") == 0)
        lua_pushnumber(L, m->p.alpha);
    else if (strcmp(k, "a") == 0)
        lua_pushnumber(L, m->p.a);
    else if (strcmp(k, "b") == 0)
        lua_pushnumber(L, m->p.b);
    else if (strcmp(k, "loglik") == 0 && m->fitted)
        lua_pushnumber(L, m->fit.loglik);
    else if (strcmp(k, "n") == 0 && m->fitted)
        lua_pushinteger(L, (lua_Integer)m->fit.n);
    else if (strcmp(k, "groups") == 0 && m->fitted)
        lua_pushinteger(L, (lua_Integer)m->fit.groups);
    else if (strcmp(k, "iterations") == 0 && m->fitted)
        lua_pushinteger(L, (lua_Integer)m->fit.iterations);
    else
        lua_pushnil(L);
    return 1;
}

static int bg_tostring(lua_State *L)
{
    lbgnbd *m = luaL_checkudata(L, 1, BGNBD_MT);
    lua_pushfstring(L, "svcm.BGNBD(r=%f, alpha=%f, a=%f, b=%f)", m->p.r, m->p.alpha, m->p.a,
                    m->p.b);
    return 1;
}

static const luaL_Reg bg_methods[] = {
    {"p_alive", m_p_alive},
    {"expected_purchases", m_expected},
    {"expected_purchases_unconditional", m_expected_uncond},
    {"log_likelihood", m_bg_loglik},
    {NULL, NULL},
};

/* ------------------------------------------------------- Gamma-Gamma */

static lgg *push_gg(lua_State *L)
{
    lgg *m = lua_newuserdatauv(L, sizeof *m, 0);
    memset(m, 0, sizeof *m);
    luaL_setmetatable(L, GG_MT);
    return m;
}

/* svcm.gammagamma(p, q, gamma) */
static int l_gg(lua_State *L)
{
    svcm_gammagamma_params p = {luaL_checknumber(L, 1), luaL_checknumber(L, 2),
                                luaL_checknumber(L, 3)};
    double ll;
    svcm_error err;
    int rc = svcm_gammagamma_loglik(&p, NULL, NULL, 0, &ll, &err); /* checks p */
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_gg(L)->p = p;
    return 1;
}

/* svcm.gammagamma_fit(x, mean_spend [, {max_iter=, gtol=}]) */
static int l_gg_fit(lua_State *L)
{
    static const char *const names[] = {"x", "mean_spend"};
    svcm_lifetime_fit_options o;
    fit_options(L, 3, &o);
    const double *d[2];
    size_t n;
    check_cols(L, 1, 2, d, &n, names);
    svcm_gammagamma_fit_result r;
    svcm_error err;
    int rc = svcm_gammagamma_fit(d[0], d[1], n, &o, NULL, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lgg *m = push_gg(L);
    m->p = r.params;
    m->fitted = 1;
    m->fit = r;
    return 1;
}

/* m:conditional_expected_spend(x, mean_spend) */
static int m_spend(lua_State *L)
{
    static const char *const names[] = {"x", "mean_spend"};
    lgg *m = luaL_checkudata(L, 1, GG_MT);
    const double *d[2];
    size_t n;
    int all = check_cols(L, 2, 2, d, &n, names);
    double *out = out_buffer(L, n);
    svcm_error err;
    int rc = svcm_gammagamma_conditional_spend(&m->p, d[0], d[1], n, out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_result(L, all, out, n);
    return 1;
}

/* m:log_likelihood(x, mean_spend) */
static int m_gg_loglik(lua_State *L)
{
    static const char *const names[] = {"x", "mean_spend"};
    lgg *m = luaL_checkudata(L, 1, GG_MT);
    const double *d[2];
    size_t n;
    check_cols(L, 2, 2, d, &n, names);
    double ll = 0.0;
    svcm_error err;
    int rc = svcm_gammagamma_loglik(&m->p, d[0], d[1], n, &ll, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushnumber(L, ll);
    return 1;
}

/* m:clv(bgnbd, x, t_x, T, mean_spend [, {horizon=, discount_rate=,
 * period_length=, margin=}]) */
static int m_clv(lua_State *L)
{
    static const char *const names[] = {"x", "t_x", "T", "mean_spend"};
    lgg *m = luaL_checkudata(L, 1, GG_MT);
    lbgnbd *bg = luaL_checkudata(L, 2, BGNBD_MT);
    svcm_clv_options o;
    svcm_clv_options_init(&o);
    lua_Integer h = svcmlua_optfield_integer(L, 7, "horizon", (lua_Integer)o.horizon);
    o.horizon = (h < 0 || h > 0x7FFFFFFF) ? 0 : (unsigned)h; /* 0 is refused by C */
    o.discount_rate = svcmlua_optfield_number(L, 7, "discount_rate", o.discount_rate);
    o.period_length = svcmlua_optfield_number(L, 7, "period_length", o.period_length);
    o.margin = svcmlua_optfield_number(L, 7, "margin", o.margin);
    const double *d[4];
    size_t n;
    int all = check_cols(L, 3, 4, d, &n, names);
    double *out = out_buffer(L, n);
    svcm_error err;
    int rc = svcm_clv(&bg->p, &m->p, d[0], d[1], d[2], d[3], n, &o, out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_result(L, all, out, n);
    return 1;
}

static int gg_index(lua_State *L)
{
    lgg *m = luaL_checkudata(L, 1, GG_MT);
    const char *k = luaL_checkstring(L, 2);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return 1;
    if (strcmp(k, "p") == 0)
        lua_pushnumber(L, m->p.p);
    else if (strcmp(k, "q") == 0)
        lua_pushnumber(L, m->p.q);
    else if (strcmp(k, "gamma") == 0)
        lua_pushnumber(L, m->p.gamma);
    else if (strcmp(k, "loglik") == 0 && m->fitted)
        lua_pushnumber(L, m->fit.loglik);
    else if (strcmp(k, "n") == 0 && m->fitted)
        lua_pushinteger(L, (lua_Integer)m->fit.n);
    else if (strcmp(k, "iterations") == 0 && m->fitted)
        lua_pushinteger(L, (lua_Integer)m->fit.iterations);
    else
        lua_pushnil(L);
    return 1;
}

static int gg_tostring(lua_State *L)
{
    lgg *m = luaL_checkudata(L, 1, GG_MT);
    lua_pushfstring(L, "svcm.GammaGamma(p=%f, q=%f, gamma=%f)", m->p.p, m->p.q, m->p.gamma);
    return 1;
}

static const luaL_Reg gg_methods[] = {
    {"conditional_expected_spend", m_spend},
    {"log_likelihood", m_gg_loglik},
    {"clv", m_clv},
    {NULL, NULL},
};

/* ---------------------------------------------------------- summaries */

/* svcm.summarize_transactions(ids, times, values, end [, {granularity=,
 * offset=, period=}]) -> {id=, first=, x=, t_x=, T=, mean_spend=} */
static int l_summarize(lua_State *L)
{
    /* Options first: the array readers push userdata above them. */
    svcm_summary_options o;
    svcm_summary_options_init(&o);
    o.granularity = (int64_t)svcmlua_optfield_integer(L, 5, "granularity", o.granularity);
    o.offset = (int64_t)svcmlua_optfield_integer(L, 5, "offset", o.offset);
    o.period = svcmlua_optfield_number(L, 5, "period", o.period);
    lua_Integer end = luaL_checkinteger(L, 4);
    size_t n1, n2, n3;
    const int64_t *ids = svcmlua_checkint64s(L, 1, &n1);
    const int64_t *tm = svcmlua_checkint64s(L, 2, &n2);
    const double *v = svcmlua_checkdoubles(L, 3, &n3);
    if (n2 != n1 || n3 != n1)
        return luaL_error(L, "ids, times and values must have the same length");
    svcm_customer_summary *out = lua_newuserdatauv(L, n1 * sizeof *out + 1, 0);
    size_t count = 0;
    svcm_error err;
    int rc = svcm_lifetime_summarize(ids, tm, v, n1, (int64_t)end, &o, NULL, out, n1, &count, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    static const char *const keys[] = {"id", "first", "x", "t_x", "T", "mean_spend"};
    lua_createtable(L, 0, 6);
    for (int k = 0; k < 6; k++) {
        lua_createtable(L, count > 0x7FFFFFFF ? 0 : (int)count, 0);
        for (size_t i = 0; i < count; i++) {
            const svcm_customer_summary *s = &out[i];
            if (k == 0)
                lua_pushinteger(L, (lua_Integer)s->id);
            else if (k == 1)
                lua_pushinteger(L, (lua_Integer)s->first);
            else if (k == 2)
                lua_pushinteger(L, (lua_Integer)s->x);
            else
                lua_pushnumber(L, k == 3 ? s->t_x : k == 4 ? s->T : s->mean_spend);
            lua_rawseti(L, -2, (lua_Integer)(i + 1));
        }
        lua_setfield(L, -2, keys[k]);
    }
    return 1;
}

static const luaL_Reg lifetime_funcs[] = {
    {"bgnbd", l_bgnbd},
    {"bgnbd_fit", l_bgnbd_fit},
    {"gammagamma", l_gg},
    {"gammagamma_fit", l_gg_fit},
    {"summarize_transactions", l_summarize},
    {NULL, NULL},
};

static void new_metatable(lua_State *L, const char *name, const luaL_Reg *methods,
                          lua_CFunction index, lua_CFunction tostring)
{
    luaL_newmetatable(L, name);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_pushcclosure(L, index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
}

void svcmlua_open_lifetime(lua_State *L)
{
    luaL_setfuncs(L, lifetime_funcs, 0);
    new_metatable(L, BGNBD_MT, bg_methods, bg_index, bg_tostring);
    new_metatable(L, GG_MT, gg_methods, gg_index, gg_tostring);
}
