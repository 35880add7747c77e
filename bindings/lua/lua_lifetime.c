/* Lua surface of the lifetime engine: the models are generated from
 * bindings/api/lifetime.py (managed classes over struct svcmb_lt); here
 * svcm.<Model>.fit, the fit diagnostics (fields, nil unless fitted),
 * BGNBD:p_alive (as in Python) and svcm.summarize_transactions. */
#include "svcmlua.h"
#include "gen_lua.h"

#include <string.h>

#include "svcm/lifetime.h"

/* From the helper code of bindings/api/lifetime.py (gen_lua.c). */
int svcmb_lt_fit(int model, const double *const *d, size_t n, const svcm_lifetime_fit_options *o,
                 struct svcmb_lt **out, svcm_error *err);
int svcmb_lt_diag(const struct svcmb_lt *m, int k, double *out);

static const char *const lt_names[5] = {"BGNBD", "GammaGamma", "MBGNBD", "BGBB", "ParetoNBD"};

/* Arguments first..first+k-1, broadcast as the described f64v ones. */
static void lt_cols(lua_State *L, svcmlua_bcast *bc, int first, int k, const char *const *names)
{
    int idx[4];
    for (int i = 0; i < k; i++)
        idx[i] = first + i;
    svcmlua_bcast_get(L, bc, k, idx, names);
}

/* svcm.BGNBD.fit(x, t_x, T [, weights [, {max_iter=, gtol=, penalizer=}]]),
 * svcm.GammaGamma.fit(x, mean_spend [, {max_iter=, gtol=, penalizer=}]),
 * MBGNBD, ParetoNBD and BGBB (frequency, recency, periods) as BGNBD without
 * the penalizer; the model is upvalue 1. */
static int l_fit(lua_State *L)
{
    static const char *const cols[3][4] = {{"x", "t_x", "T", "weights"}, {"x", "mean_spend"},
                                           {"frequency", "recency", "periods", "weights"}};
    int m = (int)lua_tointeger(L, lua_upvalueindex(1));
    int opt = m == 1 ? 3 : 5; /* the options table */
    svcm_lifetime_fit_options o;
    svcm_lifetime_fit_options_init(&o);
    lua_Integer mi = svcmlua_optfield_integer(L, opt, "max_iter", (lua_Integer)o.max_iter);
    o.max_iter = (mi < 0 || mi > 0x7FFFFFFF) ? 0 : (unsigned)mi; /* 0 is refused by C */
    o.gtol = svcmlua_optfield_number(L, opt, "gtol", o.gtol);
    if (m < 2)
        o.penalizer = svcmlua_optfield_number(L, opt, "penalizer", o.penalizer);
    int k = m == 1 ? 2 : lua_isnoneornil(L, 4) ? 3 : 4;
    svcmlua_bcast bc;
    lt_cols(L, &bc, 1, k, cols[m == 1 ? 1 : m == 3 ? 2 : 0]);
    const double *d[4] = {bc.data[0], bc.data[1], k > 2 ? bc.data[2] : NULL,
                          k > 3 ? bc.data[3] : NULL};
    void **slot = svcmlua_handle_new(L, lua_tostring(L, lua_upvalueindex(2)));
    struct svcmb_lt *h = NULL;
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcmb_lt_fit(m, d, bc.n, &o, &h, &err);
    *slot = h;
    return rc != SVCM_OK ? svcmlua_fail(L, rc, &err) : 1;
}

/* __index: the fit diagnostics, nil unless fitted, else the generated
 * __index (upvalue 1: the parameters, then the methods); upvalue 2: the
 * metatable's name. */
static int lt_index(lua_State *L)
{
    static const char *const diag[] = {"loglik", "n",         "groups",          "iterations",
                                       "weight", "grad_norm", "standard_errors", NULL};
    const char *key = lua_tostring(L, 2);
    int k = 0;
    while (key != NULL && diag[k] != NULL && strcmp(diag[k], key) != 0)
        k++;
    if (key == NULL || diag[k] == NULL) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_insert(L, 1);
        lua_call(L, lua_gettop(L) - 1, 1);
        return 1;
    }
    const struct svcmb_lt *h = svcmlua_handle_check(L, 1, lua_tostring(L, lua_upvalueindex(2)));
    double v[4];
    int n = 0;
    if (k < 6 && !svcmb_lt_diag(h, k, v))
        lua_pushnil(L);
    else if (k < 6 && k >= 1 && k <= 3)
        lua_pushinteger(L, (lua_Integer)v[0]);
    else if (k < 6)
        lua_pushnumber(L, v[0]);
    else {
        while (n < 4 && svcmb_lt_diag(h, 6 + n, &v[n]))
            n++;
        if (n == 0)
            lua_pushnil(L);
        else
            svcmlua_pushdoubles(L, v, (size_t)n);
    }
    return 1;
}

/* m:p_alive(x, t_x, T) of BG/NBD: hand-written as in Python (a list). */
static int bg_p_alive(lua_State *L)
{
    static const char *const names[] = {"x", "t_x", "T"};
    const void *p = svcmlua_check_BGNBD(L, 1);
    svcmlua_bcast bc;
    lt_cols(L, &bc, 2, 3, names);
    double *out = svcmlua_bcast_out(L, &bc);
    svcm_error err;
    svcm_error_clear(&err);
    int rc = svcm_bgnbd_p_alive(p, bc.data[0], bc.data[1], bc.data[2], bc.n, out, &err);
    if (rc != SVCM_OK)
        return svcmlua_fail(L, rc, &err);
    svcmlua_bcast_push(L, &bc, out);
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
            if (k < 3)
                lua_pushinteger(L, k == 0 ? s->id : k == 1 ? s->first : (lua_Integer)s->x);
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
    lua_pushcfunction(L, l_summarize);
    lua_setfield(L, -2, "summarize_transactions");
    static const luaL_Reg bg[] = {{"p_alive", bg_p_alive}, {NULL, NULL}};
    svcmlua_add_BGNBD(L, bg);
    svcmlua_add_GammaGamma(L, NULL);
    svcmlua_add_MBGNBD(L, NULL);
    svcmlua_add_BGBB(L, NULL);
    svcmlua_add_ParetoNBD(L, NULL);
    for (int m = 0; m < 5; m++) {
        lua_getfield(L, -1, lt_names[m]); /* the class table: fit */
        lua_pushinteger(L, m);
        lua_pushfstring(L, "svcm.%s", lt_names[m]);
        lua_pushcclosure(L, l_fit, 2);
        lua_setfield(L, -2, "fit");
        lua_pop(L, 1);
        luaL_getmetatable(L, lua_pushfstring(L, "svcm.%s", lt_names[m]));
        lua_getfield(L, -1, "__index"); /* the diagnostics before the generated fields */
        lua_pushvalue(L, -3);
        lua_pushcclosure(L, lt_index, 2);
        lua_setfield(L, -2, "__index");
        lua_pop(L, 2);
    }
}
