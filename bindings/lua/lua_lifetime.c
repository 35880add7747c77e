/* Lua surface of the lifetime engine: BG/NBD, Gamma-Gamma, MBG/NBD, BG/BB,
 * Pareto/NBD, CLV and transaction summaries. Models are value userdata (no
 * resources, so no __gc) with the metatables "svcm.BGNBD", "svcm.GammaGamma",
 * "svcm.MBGNBD", "svcm.BGBB" and "svcm.ParetoNBD". The per-customer methods
 * are described in bindings/api/lifetime.py; here: constructors, fits,
 * the fields (__index), p_alive of BG/NBD, clv, expected_purchases_unconditional
 * and the weighted log_likelihood of BG/BB and Pareto/NBD. */
#include "svcmlua.h"
#include "gen_lua.h"

#include <string.h>

#include "svcm/lifetime.h"

#define BGNBD_MT "svcm.BGNBD"
#define GG_MT "svcm.GammaGamma"

typedef struct {
    svcm_bgnbd_params p;
    int fitted;
    struct svcm_bgnbd_fit_result fit;
} lbgnbd;

typedef struct {
    svcm_gammagamma_params p;
    int fitted;
    struct svcm_gammagamma_fit_result fit;
} lgg;

/* The described methods' hook (bindings/api/lifetime.py). */
svcm_bgnbd_params *svcmlua_check_BGNBD(lua_State *L, int idx)
{
    return &((lbgnbd *)luaL_checkudata(L, idx, BGNBD_MT))->p;
}

/* The described methods' hook (bindings/api/lifetime.py). */
svcm_gammagamma_params *svcmlua_check_GammaGamma(lua_State *L, int idx)
{
    return &((lgg *)luaL_checkudata(L, idx, GG_MT))->p;
}

/* ---------------------------------------------------------- columns */

/* Arguments first..first+k-1 (k <= 8), each a number or a sequence table
 * of numbers, broadcast as the described f64v arguments are
 * (svcmlua_bcast_get). Returns whether all were numbers. */
static int check_cols(lua_State *L, int first, int k, const double **data, size_t *n,
                      const char *const *names)
{
    int idx[8];
    for (int i = 0; i < k; i++)
        idx[i] = first + i;
    svcmlua_bcast bc;
    svcmlua_bcast_get(L, &bc, k, idx, names);
    for (int i = 0; i < k; i++)
        data[i] = bc.data[i];
    *n = bc.n;
    return bc.all_num;
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

/* Three columns from first on, plus weights at first+3 unless nil;
 * returns whether all were numbers. */
static int rows_and_weights(lua_State *L, int first, const double **d, size_t *n,
                            const char *const *names)
{
    int k = !lua_isnoneornil(L, first + 3) ? 4 : 3;
    int all = check_cols(L, first, k, d, n, names);
    if (k == 3)
        d[3] = NULL;
    return all;
}

/* svcm.bgnbd_fit(x, t_x, T [, weights [, {max_iter=, gtol=, penalizer=}]]) */
static int l_bgnbd_fit(lua_State *L)
{
    static const char *const names[] = {"x", "t_x", "T", "weights"};
    svcm_lifetime_fit_options o;
    fit_options(L, 5, &o);
    o.penalizer = svcmlua_optfield_number(L, 5, "penalizer", o.penalizer);
    const double *d[4];
    size_t n;
    rows_and_weights(L, 1, d, &n, names);
    struct svcm_bgnbd_fit_result r;
    svcm_error err;
    int rc = svcm_bgnbd_fit(d[0], d[1], d[2], d[3], n, &o, NULL, &r, &err);
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
    else if (strcmp(k, "weight") == 0 && m->fitted)
        lua_pushnumber(L, m->fit.weight);
    else if (strcmp(k, "grad_norm") == 0 && m->fitted)
        lua_pushnumber(L, m->fit.grad_norm);
    else if (strcmp(k, "standard_errors") == 0 && m->fitted) {
        const double se[4] = {m->fit.se.r, m->fit.se.alpha, m->fit.se.a, m->fit.se.b};
        svcmlua_pushdoubles(L, se, 4);
    } else
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
    {"expected_purchases_unconditional", m_expected_uncond},
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

/* svcm.gammagamma_fit(x, mean_spend [, {max_iter=, gtol=, penalizer=}]) */
static int l_gg_fit(lua_State *L)
{
    static const char *const names[] = {"x", "mean_spend"};
    svcm_lifetime_fit_options o;
    fit_options(L, 3, &o);
    o.penalizer = svcmlua_optfield_number(L, 3, "penalizer", o.penalizer);
    const double *d[2];
    size_t n;
    check_cols(L, 1, 2, d, &n, names);
    struct svcm_gammagamma_fit_result r;
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
    else if (strcmp(k, "grad_norm") == 0 && m->fitted)
        lua_pushnumber(L, m->fit.grad_norm);
    else if (strcmp(k, "standard_errors") == 0 && m->fitted) {
        const double se[3] = {m->fit.se.p, m->fit.se.q, m->fit.se.gamma};
        svcmlua_pushdoubles(L, se, 3);
    } else
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

/* The metatable name: methods (hand-written, then the described ones
 * added by members) in the upvalue of index, which serves the fields. */
static void new_metatable(lua_State *L, const char *name, const luaL_Reg *methods,
                          void (*members)(lua_State *L), lua_CFunction index,
                          lua_CFunction tostring)
{
    luaL_newmetatable(L, name);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    members(L);
    lua_pushcclosure(L, index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
}

/* -------------------------------------------------- MBG/NBD and BG/BB */

#define MBG_MT "svcm.MBGNBD"
#define BGBB_MT "svcm.BGBB"

/* Both models: four parameters and, once fitted, the fit's summary. */
typedef struct {
    double p[4];
    svcm_mbgnbd_params pm; /* p as the model's parameters */
    svcm_bgbb_params pb;
    int fitted;
    double se[4];
    double loglik, weight;
    size_t n, groups;
    unsigned iterations;
} ldisc;

/* The described methods' hook (bindings/api/lifetime.py). */
svcm_mbgnbd_params *svcmlua_check_MBGNBD(lua_State *L, int idx)
{
    return &((ldisc *)luaL_checkudata(L, idx, MBG_MT))->pm;
}

/* The described methods' hook (bindings/api/lifetime.py). */
svcm_bgbb_params *svcmlua_check_BGBB(lua_State *L, int idx)
{
    return &((ldisc *)luaL_checkudata(L, idx, BGBB_MT))->pb;
}

static ldisc *push_disc(lua_State *L, const char *mt, const double p[4])
{
    ldisc *m = lua_newuserdatauv(L, sizeof *m, 0);
    memset(m, 0, sizeof *m);
    memcpy(m->p, p, sizeof m->p);
    m->pm = (svcm_mbgnbd_params){p[0], p[1], p[2], p[3]};
    m->pb = (svcm_bgbb_params){p[0], p[1], p[2], p[3]};
    luaL_setmetatable(L, mt);
    return m;
}

/* svcm.mbgnbd(r, alpha, a, b) and svcm.bgbb(alpha, beta, gamma, delta) */
static int disc_new(lua_State *L, int bgbb)
{
    double v[4];
    for (int i = 0; i < 4; i++)
        v[i] = luaL_checknumber(L, i + 1);
    svcm_mbgnbd_params pm = {v[0], v[1], v[2], v[3]};
    svcm_bgbb_params pb = {v[0], v[1], v[2], v[3]};
    svcm_error err;
    int rc = bgbb ? svcm_bgbb_p_alive(&pb, NULL, NULL, NULL, 0, NULL, &err) /* checks p */
                  : svcm_mbgnbd_p_alive(&pm, NULL, NULL, NULL, 0, NULL, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_disc(L, bgbb ? BGBB_MT : MBG_MT, v);
    return 1;
}
static int l_mbgnbd(lua_State *L)
{
    return disc_new(L, 0);
}
static int l_bgbb(lua_State *L)
{
    return disc_new(L, 1);
}

/* Three columns from first on, plus weights at first+3 unless nil;
 * returns whether all were numbers. */
static int disc_cols(lua_State *L, int first, int with_weights, const double **d, size_t *n,
                     const char *const *names)
{
    int k = with_weights && !lua_isnoneornil(L, first + 3) ? 4 : 3;
    int all = check_cols(L, first, k, d, n, names);
    if (k == 3)
        d[3] = NULL;
    return all;
}

/* svcm.mbgnbd_fit(x, t_x, T [, weights [, {max_iter=, gtol=}]]) and
 * svcm.bgbb_fit(frequency, recency, periods [, weights [, {...}]]) */
static int disc_fit(lua_State *L, int bgbb)
{
    static const char *const n_mbg[] = {"x", "t_x", "T", "weights"};
    static const char *const n_bb[] = {"frequency", "recency", "periods", "weights"};
    svcm_lifetime_fit_options o;
    fit_options(L, 5, &o);
    const double *d[4];
    size_t n;
    disc_cols(L, 1, 1, d, &n, bgbb ? n_bb : n_mbg);
    struct svcm_mbgnbd_fit_result rm;
    struct svcm_bgbb_fit_result rb;
    memset(&rm, 0, sizeof rm); /* only one is filled; both are read below */
    memset(&rb, 0, sizeof rb);
    svcm_error err;
    int rc = bgbb ? svcm_bgbb_fit(d[0], d[1], d[2], d[3], n, &o, NULL, &rb, &err)
                  : svcm_mbgnbd_fit(d[0], d[1], d[2], d[3], n, &o, NULL, &rm, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    double pm[4] = {rm.params.r, rm.params.alpha, rm.params.a, rm.params.b},
           sm[4] = {rm.se.r, rm.se.alpha, rm.se.a, rm.se.b},
           pb[4] = {rb.params.alpha, rb.params.beta, rb.params.gamma, rb.params.delta},
           sb[4] = {rb.se.alpha, rb.se.beta, rb.se.gamma, rb.se.delta};
    ldisc *m = push_disc(L, bgbb ? BGBB_MT : MBG_MT, bgbb ? pb : pm);
    m->fitted = 1;
    memcpy(m->se, bgbb ? sb : sm, sizeof m->se);
    m->loglik = bgbb ? rb.loglik : rm.loglik;
    m->weight = bgbb ? rb.weight : rm.weight;
    m->n = bgbb ? rb.n : rm.n;
    m->groups = bgbb ? rb.groups : rm.groups;
    m->iterations = bgbb ? rb.iterations : rm.iterations;
    return 1;
}
static int l_mbgnbd_fit(lua_State *L)
{
    return disc_fit(L, 0);
}
static int l_bgbb_fit(lua_State *L)
{
    return disc_fit(L, 1);
}

/* The model at argument 1, either kind; *bgbb tells which. */
static ldisc *check_disc(lua_State *L, int *bgbb)
{
    ldisc *m = luaL_testudata(L, 1, MBG_MT);
    *bgbb = m == NULL;
    return m != NULL ? m : luaL_checkudata(L, 1, BGBB_MT);
}

/* m:log_likelihood(x, t_x, n [, weights]) of BG/BB: hand-written for the
 * optional weights column. */
static int bb_loglik(lua_State *L)
{
    static const char *const names[] = {"x", "t_x", "n", "weights"};
    ldisc *m = luaL_checkudata(L, 1, BGBB_MT);
    const double *d[4];
    size_t n;
    disc_cols(L, 2, 1, d, &n, names);
    double ll = 0.0;
    svcm_error err;
    int rc = svcm_bgbb_loglik(&m->pb, d[0], d[1], d[2], d[3], n, &ll, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushnumber(L, ll);
    return 1;
}

/* m:expected_purchases_unconditional(t) */
static int d_uncond(lua_State *L)
{
    static const char *const names[] = {"t"};
    int bgbb;
    ldisc *m = check_disc(L, &bgbb);
    const double *d[1];
    size_t n;
    int all = check_cols(L, 2, 1, d, &n, names);
    double *out = out_buffer(L, n);
    svcm_mbgnbd_params pm = {m->p[0], m->p[1], m->p[2], m->p[3]};
    svcm_bgbb_params pb = {m->p[0], m->p[1], m->p[2], m->p[3]};
    svcm_error err;
    int rc = bgbb ? svcm_bgbb_expected_purchases_unconditional(&pb, d[0], n, out, &err)
                  : svcm_mbgnbd_expected_purchases_unconditional(&pm, d[0], n, out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_result(L, all, out, n);
    return 1;
}

/* Fields: the parameters by name, then loglik, n, groups, iterations,
 * weight, standard_errors (nil unless fitted). */
static int disc_index(lua_State *L)
{
    static const char *const pn[2][4] = {{"r", "alpha", "a", "b"},
                                         {"alpha", "beta", "gamma", "delta"}};
    int bgbb;
    ldisc *m = check_disc(L, &bgbb);
    const char *k = luaL_checkstring(L, 2);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return 1;
    for (int i = 0; i < 4; i++)
        if (strcmp(k, pn[bgbb][i]) == 0) {
            lua_pushnumber(L, m->p[i]);
            return 1;
        }
    if (!m->fitted)
        lua_pushnil(L);
    else if (strcmp(k, "loglik") == 0)
        lua_pushnumber(L, m->loglik);
    else if (strcmp(k, "weight") == 0)
        lua_pushnumber(L, m->weight);
    else if (strcmp(k, "n") == 0 || strcmp(k, "groups") == 0)
        lua_pushinteger(L, (lua_Integer)(k[0] == 'n' ? m->n : m->groups));
    else if (strcmp(k, "iterations") == 0)
        lua_pushinteger(L, (lua_Integer)m->iterations);
    else if (strcmp(k, "standard_errors") == 0)
        svcmlua_pushdoubles(L, m->se, 4);
    else
        lua_pushnil(L);
    return 1;
}

static int disc_tostring(lua_State *L)
{
    int bgbb;
    ldisc *m = check_disc(L, &bgbb);
    lua_pushfstring(L,
                    bgbb ? "svcm.BGBB(alpha=%f, beta=%f, gamma=%f, delta=%f)"
                         : "svcm.MBGNBD(r=%f, alpha=%f, a=%f, b=%f)",
                    m->p[0], m->p[1], m->p[2], m->p[3]);
    return 1;
}

static const luaL_Reg bb_methods[] = {
    {"expected_purchases_unconditional", d_uncond},
    {"log_likelihood", bb_loglik},
    {NULL, NULL},
};

static const luaL_Reg mbg_methods[] = {
    {"expected_purchases_unconditional", d_uncond},
    {NULL, NULL},
};

static const luaL_Reg disc_funcs[] = {
    {"mbgnbd", l_mbgnbd},
    {"mbgnbd_fit", l_mbgnbd_fit},
    {"bgbb", l_bgbb},
    {"bgbb_fit", l_bgbb_fit},
    {NULL, NULL},
};

/* Registers the functions into the module table on top of the stack and
 * the two metatables. */
static void open_discrete(lua_State *L)
{
    luaL_setfuncs(L, disc_funcs, 0);
    new_metatable(L, MBG_MT, mbg_methods, svcmlua_members_MBGNBD, disc_index, disc_tostring);
    new_metatable(L, BGBB_MT, bb_methods, svcmlua_members_BGBB, disc_index, disc_tostring);
}

/* --------------------------------------------------------- Pareto/NBD */

#define PNBD_MT "svcm.ParetoNBD"

typedef struct {
    svcm_paretonbd_params p;
    int fitted;
    struct svcm_paretonbd_fit_result fit;
} lpnbd;

/* The described methods' hook (bindings/api/lifetime.py). */
svcm_paretonbd_params *svcmlua_check_ParetoNBD(lua_State *L, int idx)
{
    return &((lpnbd *)luaL_checkudata(L, idx, PNBD_MT))->p;
}

static lpnbd *push_pnbd(lua_State *L)
{
    lpnbd *m = lua_newuserdatauv(L, sizeof *m, 0);
    memset(m, 0, sizeof *m);
    luaL_setmetatable(L, PNBD_MT);
    return m;
}

/* svcm.paretonbd(r, alpha, s, beta) */
static int l_pnbd(lua_State *L)
{
    svcm_paretonbd_params p = {luaL_checknumber(L, 1), luaL_checknumber(L, 2),
                               luaL_checknumber(L, 3), luaL_checknumber(L, 4)};
    svcm_error err;
    int rc = svcm_paretonbd_p_alive(&p, NULL, NULL, NULL, 0, NULL, &err); /* checks p */
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_pnbd(L)->p = p;
    return 1;
}

/* svcm.paretonbd_fit(x, t_x, T [, weights [, {max_iter=, gtol=}]]) */
static int l_pnbd_fit(lua_State *L)
{
    static const char *const names[] = {"x", "t_x", "T", "weights"};
    svcm_lifetime_fit_options o;
    fit_options(L, 5, &o);
    const double *d[4];
    size_t n;
    disc_cols(L, 1, 1, d, &n, names);
    struct svcm_paretonbd_fit_result r;
    svcm_error err;
    int rc = svcm_paretonbd_fit(d[0], d[1], d[2], d[3], n, &o, NULL, &r, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lpnbd *m = push_pnbd(L);
    m->p = r.params;
    m->fitted = 1;
    m->fit = r;
    return 1;
}

/* m:log_likelihood(x, t_x, T [, weights]): hand-written for the optional
 * weights column. */
static int p_loglik(lua_State *L)
{
    static const char *const names[] = {"x", "t_x", "T", "weights"};
    lpnbd *m = luaL_checkudata(L, 1, PNBD_MT);
    const double *d[4];
    size_t n;
    disc_cols(L, 2, 1, d, &n, names);
    double ll = 0.0;
    svcm_error err;
    int rc = svcm_paretonbd_loglik(&m->p, d[0], d[1], d[2], d[3], n, &ll, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushnumber(L, ll);
    return 1;
}

/* m:expected_purchases_unconditional(t): hand-written, as in every model,
 * because a described method reads a lone table argument as its named
 * arguments, not as the column t. */
static int p_uncond(lua_State *L)
{
    static const char *const names[] = {"t"};
    lpnbd *m = luaL_checkudata(L, 1, PNBD_MT);
    const double *d[1];
    size_t n;
    int all = check_cols(L, 2, 1, d, &n, names);
    double *out = out_buffer(L, n);
    svcm_error err;
    int rc = svcm_paretonbd_expected_purchases_unconditional(&m->p, d[0], n, out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    push_result(L, all, out, n);
    return 1;
}

/* Fields: r, alpha, s, beta; then loglik, n, groups, iterations, weight,
 * standard_errors, grad_norm (nil unless fitted). */
static int pnbd_index(lua_State *L)
{
    static const char *const pn[4] = {"r", "alpha", "s", "beta"};
    lpnbd *m = luaL_checkudata(L, 1, PNBD_MT);
    const char *k = luaL_checkstring(L, 2);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return 1;
    const double v[4] = {m->p.r, m->p.alpha, m->p.s, m->p.beta};
    const struct svcm_paretonbd_fit_result *f = &m->fit;
    for (int i = 0; i < 4; i++)
        if (strcmp(k, pn[i]) == 0) {
            lua_pushnumber(L, v[i]);
            return 1;
        }
    if (!m->fitted)
        lua_pushnil(L);
    else if (strcmp(k, "loglik") == 0)
        lua_pushnumber(L, f->loglik);
    else if (strcmp(k, "weight") == 0)
        lua_pushnumber(L, f->weight);
    else if (strcmp(k, "grad_norm") == 0)
        lua_pushnumber(L, f->grad_norm);
    else if (strcmp(k, "n") == 0 || strcmp(k, "groups") == 0)
        lua_pushinteger(L, (lua_Integer)(k[0] == 'n' ? f->n : f->groups));
    else if (strcmp(k, "iterations") == 0)
        lua_pushinteger(L, (lua_Integer)f->iterations);
    else if (strcmp(k, "standard_errors") == 0) {
        const double se[4] = {f->se.r, f->se.alpha, f->se.s, f->se.beta};
        svcmlua_pushdoubles(L, se, 4);
    } else
        lua_pushnil(L);
    return 1;
}

static int pnbd_tostring(lua_State *L)
{
    lpnbd *m = luaL_checkudata(L, 1, PNBD_MT);
    lua_pushfstring(L, "svcm.ParetoNBD(r=%f, alpha=%f, s=%f, beta=%f)", m->p.r, m->p.alpha, m->p.s,
                    m->p.beta);
    return 1;
}

static const luaL_Reg pnbd_methods[] = {
    {"expected_purchases_unconditional", p_uncond},
    {"log_likelihood", p_loglik},
    {NULL, NULL},
};

static const luaL_Reg pnbd_funcs[] = {
    {"paretonbd", l_pnbd},
    {"paretonbd_fit", l_pnbd_fit},
    {NULL, NULL},
};

/* Registers svcm.paretonbd* into the module table on top of the stack. */
static void open_paretonbd(lua_State *L)
{
    luaL_setfuncs(L, pnbd_funcs, 0);
    new_metatable(L, PNBD_MT, pnbd_methods, svcmlua_members_ParetoNBD, pnbd_index, pnbd_tostring);
}

void svcmlua_open_lifetime(lua_State *L)
{
    luaL_setfuncs(L, lifetime_funcs, 0);
    new_metatable(L, BGNBD_MT, bg_methods, svcmlua_members_BGNBD, bg_index, bg_tostring);
    new_metatable(L, GG_MT, gg_methods, svcmlua_members_GammaGamma, gg_index, gg_tostring);
    open_discrete(L);
    open_paretonbd(L);
}
