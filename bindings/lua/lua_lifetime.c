/* Lua surface of the lifetime engine: BG/NBD, Gamma-Gamma, MBG/NBD, BG/BB,
 * Pareto/NBD, CLV and transaction summaries. Models are value userdata (no
 * resources, so no __gc) with the metatables "svcm.BGNBD", "svcm.GammaGamma",
 * "svcm.MBGNBD", "svcm.BGBB" and "svcm.ParetoNBD", one layout for all five
 * and one table of what differs (lt_models). The per-customer methods are
 * described in bindings/api/lifetime.py; here: constructors, fits, the
 * fields (__index), p_alive of BG/NBD (as in Python), clv and the weighted
 * log_likelihood of BG/BB and Pareto/NBD. */
#include "svcmlua.h"
#include "gen_lua.h"

#include <math.h>
#include <string.h>

#include "svcm/lifetime.h"

enum { LT_BGNBD, LT_GG, LT_MBGNBD, LT_BGBB, LT_PNBD, LT_NMODELS };

/* Flags of a model: a grad_norm field, a penalizer fit option. The
 * four-parameter models (all but Gamma-Gamma) also fit three columns and
 * optional weights, and report groups and weight. */
enum { LT_GRAD = 1, LT_PENALIZER = 2 };

typedef struct {
    const char *mt;   /* the metatable, "svcm.Name" */
    const char *ctor; /* svcm.<ctor>(parameters) and svcm.<ctor>_fit(columns...) */
    int np;           /* parameters: 4, or 3 (Gamma-Gamma) */
    int flags;
    const char *params[4];
    const char *cols[4]; /* the fit's columns, the weights last */
} lt_model;

static const lt_model lt_models[LT_NMODELS] = {
    {"svcm.BGNBD", "bgnbd", 4, LT_GRAD | LT_PENALIZER, {"r", "alpha", "a", "b"},
     {"x", "t_x", "T", "weights"}},
    {"svcm.GammaGamma", "gammagamma", 3, LT_GRAD | LT_PENALIZER, {"p", "q", "gamma", NULL},
     {"x", "mean_spend", NULL, NULL}},
    {"svcm.MBGNBD", "mbgnbd", 4, 0, {"r", "alpha", "a", "b"}, {"x", "t_x", "T", "weights"}},
    {"svcm.BGBB", "bgbb", 4, 0, {"alpha", "beta", "gamma", "delta"},
     {"frequency", "recency", "periods", "weights"}},
    {"svcm.ParetoNBD", "paretonbd", 4, LT_GRAD, {"r", "alpha", "s", "beta"},
     {"x", "t_x", "T", "weights"}},
};

/* ------------------------------------------------------ the model layer */

/* The parameters of any model, in their order. */
typedef union {
    double v[4];
    svcm_bgnbd_params bgnbd;
    svcm_gammagamma_params gg;
    svcm_mbgnbd_params mbgnbd;
    svcm_bgbb_params bgbb;
    svcm_paretonbd_params pnbd;
} lt_params;
_Static_assert(sizeof(svcm_bgnbd_params) == 4 * sizeof(double) &&
                   sizeof(svcm_gammagamma_params) == 3 * sizeof(double) &&
                   sizeof(svcm_mbgnbd_params) == 4 * sizeof(double) &&
                   sizeof(svcm_bgbb_params) == 4 * sizeof(double) &&
                   sizeof(svcm_paretonbd_params) == 4 * sizeof(double),
               "lifetime parameters are plain doubles");

/* A fit's diagnostics; groups and weight of the four-parameter models,
 * grad_norm of those with LT_GRAD. */
typedef struct {
    double loglik, weight, grad_norm, se[4];
    size_t n, groups;
    unsigned iterations;
} lt_fit;

/* Validates p as the model's constructor does: a call on no rows. */
static int lt_check(int m, const lt_params *p, svcm_error *err)
{
    double ll;
    switch (m) {
    case LT_BGNBD:
        return svcm_bgnbd_p_alive(&p->bgnbd, NULL, NULL, NULL, 0, NULL, err);
    case LT_GG:
        return svcm_gammagamma_loglik(&p->gg, NULL, NULL, 0, &ll, err);
    case LT_MBGNBD:
        return svcm_mbgnbd_p_alive(&p->mbgnbd, NULL, NULL, NULL, 0, NULL, err);
    case LT_BGBB:
        return svcm_bgbb_p_alive(&p->bgbb, NULL, NULL, NULL, 0, NULL, err);
    default:
        return svcm_paretonbd_p_alive(&p->pnbd, NULL, NULL, NULL, 0, NULL, err);
    }
}

/* The estimates and diagnostics of a C fit result r (any model). */
#define LT_TAKE(r)                                                                                \
    do {                                                                                          \
        memcpy(p->v, &(r).params, sizeof(r).params);                                              \
        memcpy(f->se, &(r).se, sizeof(r).se);                                                     \
        f->loglik = (r).loglik;                                                                   \
        f->n = (r).n;                                                                             \
        f->iterations = (r).iterations;                                                           \
    } while (0)
#define LT_TAKE_ROWS(r)                                                                           \
    do {                                                                                          \
        f->groups = (r).groups;                                                                   \
        f->weight = (r).weight;                                                                   \
    } while (0)

/* Fits model m to the columns d (x, t_x, T, weights or NULL; GammaGamma: x,
 * mean_spend) of n rows into p and f. */
static int lt_run_fit(int m, const double *const *d, size_t n, const svcm_lifetime_fit_options *o,
                      lt_params *p, lt_fit *f, svcm_error *err)
{
    union {
        struct svcm_bgnbd_fit_result bgnbd;
        struct svcm_gammagamma_fit_result gg;
        struct svcm_mbgnbd_fit_result mbgnbd;
        struct svcm_bgbb_fit_result bgbb;
        struct svcm_paretonbd_fit_result pnbd;
    } r;
    int rc;
    memset(&r, 0, sizeof r);
    memset(f, 0, sizeof *f);
    f->grad_norm = NAN;
    switch (m) {
    case LT_BGNBD:
        rc = svcm_bgnbd_fit(d[0], d[1], d[2], d[3], n, o, NULL, &r.bgnbd, err);
        LT_TAKE(r.bgnbd);
        LT_TAKE_ROWS(r.bgnbd);
        f->grad_norm = r.bgnbd.grad_norm;
        break;
    case LT_GG:
        rc = svcm_gammagamma_fit(d[0], d[1], n, o, NULL, &r.gg, err);
        LT_TAKE(r.gg);
        f->grad_norm = r.gg.grad_norm;
        break;
    case LT_MBGNBD:
        rc = svcm_mbgnbd_fit(d[0], d[1], d[2], d[3], n, o, NULL, &r.mbgnbd, err);
        LT_TAKE(r.mbgnbd);
        LT_TAKE_ROWS(r.mbgnbd);
        break;
    case LT_BGBB:
        rc = svcm_bgbb_fit(d[0], d[1], d[2], d[3], n, o, NULL, &r.bgbb, err);
        LT_TAKE(r.bgbb);
        LT_TAKE_ROWS(r.bgbb);
        break;
    default:
        rc = svcm_paretonbd_fit(d[0], d[1], d[2], d[3], n, o, NULL, &r.pnbd, err);
        LT_TAKE(r.pnbd);
        LT_TAKE_ROWS(r.pnbd);
        f->grad_norm = r.pnbd.grad_norm;
        break;
    }
    return rc;
}

/* ------------------------------------------------------------ userdata */

typedef struct {
    int model, fitted;
    lt_params p;
    lt_fit fit;
} ltm;

/* The described methods' hooks (bindings/api/lifetime.py). */
#define LT_HOOK(Name, ctype, member, m)                                                           \
    ctype *svcmlua_check_##Name(lua_State *L, int idx)                                            \
    {                                                                                             \
        return &((ltm *)luaL_checkudata(L, idx, lt_models[m].mt))->p.member;                      \
    }
LT_HOOK(BGNBD, svcm_bgnbd_params, bgnbd, LT_BGNBD)
LT_HOOK(GammaGamma, svcm_gammagamma_params, gg, LT_GG)
LT_HOOK(MBGNBD, svcm_mbgnbd_params, mbgnbd, LT_MBGNBD)
LT_HOOK(BGBB, svcm_bgbb_params, bgbb, LT_BGBB)
LT_HOOK(ParetoNBD, svcm_paretonbd_params, pnbd, LT_PNBD)

static ltm *lt_push(lua_State *L, int m)
{
    ltm *o = lua_newuserdatauv(L, sizeof *o, 0);
    memset(o, 0, sizeof *o);
    o->model = m;
    luaL_setmetatable(L, lt_models[m].mt);
    return o;
}

/* Arguments first..first+k-1, each a number or a sequence table of
 * numbers, broadcast as the described f64v arguments are. */
static void lt_cols(lua_State *L, svcmlua_bcast *bc, int first, int k, const char *const *names)
{
    int idx[4];
    for (int i = 0; i < k; i++)
        idx[i] = first + i;
    svcmlua_bcast_get(L, bc, k, idx, names);
}

/* svcm.bgnbd(r, alpha, a, b), svcm.gammagamma(p, q, gamma), ...: the
 * model is upvalue 1. */
static int l_new(lua_State *L)
{
    int m = (int)lua_tointeger(L, lua_upvalueindex(1));
    lt_params p = {{0.0, 0.0, 0.0, 0.0}};
    for (int i = 0; i < lt_models[m].np; i++)
        p.v[i] = luaL_checknumber(L, i + 1);
    svcm_error err;
    int rc = lt_check(m, &p, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lt_push(L, m)->p = p;
    return 1;
}

/* svcm.bgnbd_fit(x, t_x, T [, weights [, {max_iter=, gtol=, penalizer=}]]),
 * svcm.gammagamma_fit(x, mean_spend [, {max_iter=, gtol=, penalizer=}]),
 * svcm.mbgnbd_fit / paretonbd_fit(x, t_x, T [, weights [, {max_iter=, gtol=}]]),
 * svcm.bgbb_fit(frequency, recency, periods [, weights [, {...}]]). */
static int l_fit(lua_State *L)
{
    int m = (int)lua_tointeger(L, lua_upvalueindex(1));
    const lt_model *md = &lt_models[m];
    int opt = md->np == 4 ? 5 : 3; /* the options table */
    svcm_lifetime_fit_options o;
    svcm_lifetime_fit_options_init(&o);
    lua_Integer mi = svcmlua_optfield_integer(L, opt, "max_iter", (lua_Integer)o.max_iter);
    o.max_iter = (mi < 0 || mi > 0x7FFFFFFF) ? 0 : (unsigned)mi; /* 0 is refused by C */
    o.gtol = svcmlua_optfield_number(L, opt, "gtol", o.gtol);
    if (md->flags & LT_PENALIZER)
        o.penalizer = svcmlua_optfield_number(L, opt, "penalizer", o.penalizer);
    int k = md->np == 4 ? (lua_isnoneornil(L, 4) ? 3 : 4) : 2;
    svcmlua_bcast bc;
    lt_cols(L, &bc, 1, k, md->cols);
    const double *d[4] = {bc.data[0], bc.data[1], k > 2 ? bc.data[2] : NULL,
                          k > 3 ? bc.data[3] : NULL};
    lt_params p;
    lt_fit f;
    svcm_error err;
    int rc = lt_run_fit(m, d, bc.n, &o, &p, &f, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    ltm *u = lt_push(L, m);
    u->p = p;
    u->fit = f;
    u->fitted = 1;
    return 1;
}

/* Fields: the parameters by name, then loglik, n, iterations,
 * standard_errors, groups and weight (four-parameter models), grad_norm
 * (LT_GRAD), nil unless fitted. Upvalues: the methods, the model. */
static int lt_index(lua_State *L)
{
    const lt_model *md = &lt_models[lua_tointeger(L, lua_upvalueindex(2))];
    const ltm *o = luaL_checkudata(L, 1, md->mt);
    const lt_fit *f = &o->fit;
    const char *k = luaL_checkstring(L, 2);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return 1;
    for (int i = 0; i < md->np; i++)
        if (strcmp(k, md->params[i]) == 0) {
            lua_pushnumber(L, o->p.v[i]);
            return 1;
        }
    int rows = md->np == 4, grad = md->flags & LT_GRAD;
    if (!o->fitted)
        lua_pushnil(L);
    else if (strcmp(k, "loglik") == 0)
        lua_pushnumber(L, f->loglik);
    else if (strcmp(k, "n") == 0)
        lua_pushinteger(L, (lua_Integer)f->n);
    else if (strcmp(k, "iterations") == 0)
        lua_pushinteger(L, (lua_Integer)f->iterations);
    else if (strcmp(k, "standard_errors") == 0)
        svcmlua_pushdoubles(L, f->se, (size_t)md->np);
    else if (rows && strcmp(k, "groups") == 0)
        lua_pushinteger(L, (lua_Integer)f->groups);
    else if (rows && strcmp(k, "weight") == 0)
        lua_pushnumber(L, f->weight);
    else if (grad && strcmp(k, "grad_norm") == 0)
        lua_pushnumber(L, f->grad_norm);
    else
        lua_pushnil(L);
    return 1;
}

/* "svcm.BGNBD(r=..., alpha=..., a=..., b=...)"; upvalue: the model. */
static int lt_tostring(lua_State *L)
{
    const lt_model *md = &lt_models[lua_tointeger(L, lua_upvalueindex(1))];
    const ltm *o = luaL_checkudata(L, 1, md->mt);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, md->mt);
    for (int i = 0; i < md->np; i++) {
        lua_pushfstring(L, "%s%s=%f", i > 0 ? ", " : "(", md->params[i], o->p.v[i]);
        luaL_addvalue(&b);
    }
    luaL_addchar(&b, ')');
    luaL_pushresult(&b);
    return 1;
}

/* ------------------------------------------ hand-written column methods */

/* m:p_alive(x, t_x, T) of BG/NBD: hand-written as in Python, where it
 * gives a list. */
static int bg_p_alive(lua_State *L)
{
    static const char *const names[] = {"x", "t_x", "T"};
    const ltm *o = luaL_checkudata(L, 1, lt_models[LT_BGNBD].mt);
    svcmlua_bcast bc;
    lt_cols(L, &bc, 2, 3, names);
    double *out = svcmlua_bcast_out(L, &bc);
    svcm_error err;
    int rc = svcm_bgnbd_p_alive(&o->p.bgnbd, bc.data[0], bc.data[1], bc.data[2], bc.n, out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    svcmlua_bcast_push(L, &bc, out);
    return 1;
}

/* m:clv(bgnbd, x, t_x, T, mean_spend [, {horizon=, discount_rate=,
 * period_length=, margin=}]) of Gamma-Gamma: takes a BG/NBD. */
static int gg_clv(lua_State *L)
{
    static const char *const names[] = {"x", "t_x", "T", "mean_spend"};
    const ltm *g = luaL_checkudata(L, 1, lt_models[LT_GG].mt);
    const ltm *bg = luaL_checkudata(L, 2, lt_models[LT_BGNBD].mt);
    svcm_clv_options o;
    svcm_clv_options_init(&o);
    lua_Integer h = svcmlua_optfield_integer(L, 7, "horizon", (lua_Integer)o.horizon);
    o.horizon = (h < 0 || h > 0x7FFFFFFF) ? 0 : (unsigned)h; /* 0 is refused by C */
    o.discount_rate = svcmlua_optfield_number(L, 7, "discount_rate", o.discount_rate);
    o.period_length = svcmlua_optfield_number(L, 7, "period_length", o.period_length);
    o.margin = svcmlua_optfield_number(L, 7, "margin", o.margin);
    svcmlua_bcast bc;
    lt_cols(L, &bc, 3, 4, names);
    double *out = svcmlua_bcast_out(L, &bc);
    svcm_error err;
    int rc = svcm_clv(&bg->p.bgnbd, &g->p.gg, bc.data[0], bc.data[1], bc.data[2], bc.data[3],
                      bc.n, &o, out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    svcmlua_bcast_push(L, &bc, out);
    return 1;
}

/* m:log_likelihood(x, t_x, n or T [, weights]) of BG/BB and Pareto/NBD:
 * hand-written for the optional weights column. */
static int lt_loglik_weighted(lua_State *L)
{
    const ltm *o = luaL_testudata(L, 1, lt_models[LT_BGBB].mt);
    if (o == NULL)
        o = luaL_checkudata(L, 1, lt_models[LT_PNBD].mt);
    const char *names[] = {"x", "t_x", o->model == LT_BGBB ? "n" : "T", "weights"};
    int k = lua_isnoneornil(L, 5) ? 3 : 4; /* before lt_cols pushes its buffers */
    svcmlua_bcast bc;
    lt_cols(L, &bc, 2, k, names);
    const double *w = k == 4 ? bc.data[3] : NULL;
    double ll = 0.0;
    svcm_error err;
    int rc = o->model == LT_BGBB ? svcm_bgbb_loglik(&o->p.bgbb, bc.data[0], bc.data[1],
                                                    bc.data[2], w, bc.n, &ll, &err)
                                 : svcm_paretonbd_loglik(&o->p.pnbd, bc.data[0], bc.data[1],
                                                         bc.data[2], w, bc.n, &ll, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    lua_pushnumber(L, ll);
    return 1;
}

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

void svcmlua_open_lifetime(lua_State *L)
{
    static void (*const members[LT_NMODELS])(lua_State *L) = {
        svcmlua_members_BGNBD, svcmlua_members_GammaGamma, svcmlua_members_MBGNBD,
        svcmlua_members_BGBB, svcmlua_members_ParetoNBD};
    /* The hand-written methods of each model. */
    static const luaL_Reg extra[LT_NMODELS][2] = {
        {{"p_alive", bg_p_alive}, {NULL, NULL}},
        {{"clv", gg_clv}, {NULL, NULL}},
        {{NULL, NULL}, {NULL, NULL}},
        {{"log_likelihood", lt_loglik_weighted}, {NULL, NULL}},
        {{"log_likelihood", lt_loglik_weighted}, {NULL, NULL}},
    };
    lua_pushcfunction(L, l_summarize);
    lua_setfield(L, -2, "summarize_transactions");
    for (int m = 0; m < LT_NMODELS; m++) {
        const lt_model *md = &lt_models[m];
        lua_pushinteger(L, m);
        lua_pushcclosure(L, l_new, 1);
        lua_setfield(L, -2, md->ctor);
        lua_pushinteger(L, m);
        lua_pushcclosure(L, l_fit, 1);
        lua_pushfstring(L, "%s_fit", md->ctor);
        lua_insert(L, -2);
        lua_settable(L, -3);
        /* The metatable: the methods (hand-written, then the described
         * ones) in the first upvalue of __index, which serves the fields. */
        luaL_newmetatable(L, md->mt);
        lua_newtable(L);
        luaL_setfuncs(L, extra[m], 0);
        members[m](L);
        lua_pushinteger(L, m);
        lua_pushcclosure(L, lt_index, 2);
        lua_setfield(L, -2, "__index");
        lua_pushinteger(L, m);
        lua_pushcclosure(L, lt_tostring, 1);
        lua_setfield(L, -2, "__tostring");
        lua_pop(L, 1);
    }
}
