/* Chat staffing: N agents, each holding up to k chats at once, with a
 * handling time that depends on how many chats the agent holds; Poisson
 * arrivals, a FIFO queue once every session is taken, optional exponential
 * patience. An exact birth-death chain on m = chats in the system. */
#include <math.h>
#include <stdbool.h>

#include "internal.h"
#include "svcm/erlang.h"

/* Largest number of queue states summed before giving up (about 1 s). */
#define TAIL_MAX_TERMS (1u << 24)

#define LN2 0.69314718055994530942

/* Time unit: u = aht_s[k-1] / k seconds, so that with all N k sessions
 * taken the chain completes N chats per unit (N "servers" of rate 1, as in
 * erlang_a.c's queue part). */
typedef struct chat_model {
    double lambda; /* arrivals per unit u */
    double n;      /* N: completion rate per unit with every session taken */
    double r;      /* u / patience: abandonment rate per waiting chat (0: none) */
    double u;      /* the unit, seconds */
    uint32_t agents, k;
    double f[SVCM_ERLANG_CHAT_MAX_CONCURRENCY + 1]; /* f[j] = j u / aht_s[j-1], f[0] = 0 */
} chat_model;

/* Sums over the queue states N k + i, i >= 0, with weights relative to
 * state N k: a_0 = 1, a_i = a_{i-1} lambda / (n + i r). */
typedef struct tail_sums {
    double log_t; /* ln T, T = sum_i a_i */
    double s1;    /* sum_i i a_i / T: mean queue length given a full house */
    double s2;    /* sum_i a_i w_i / T, w_i = mean wait (in u) of an answered chat */
    double s3;    /* sum_i a_i v_i / T, v_i = sum_{j=0..i} 1 / (n + j r): would-be wait */
} tail_sums;

/* True once the rest of the sums is below 1e-17 of each (past the mode the
 * ratios fall: the rest is bounded by a geometric series of ratio rho). */
static bool tail_done(double a, double rho, uint32_t i, double n, double t, double s1,
                      double s2)
{
    if (!(rho < 1.0))
        return false;
    double g = rho / (1.0 - rho);
    double rest_t = a * g, rest_1 = a * ((double)i * g + g / (1.0 - rho));
    return rest_t <= 1e-17 * t && rest_1 <= 1e-17 * s1 && (rest_t + rest_1) / n <= 1e-17 * s2;
}

/* The chat that finds i waiting is answered after i + 1 departures from
 * the queue ahead of it, at rates n + j r, unless its own patience ends
 * first: P(answered) = n / (n + (i+1) r), E[W; answered] = P(answered)
 * sum_{j=1..i+1} 1 / (n + j r). With r = 0 the sums are geometric. */
static int tail_sum(double lambda, double n, double r, tail_sums *out)
{
    if (r == 0.0) {
        double rho = lambda / n; /* < 1, checked by the caller */
        out->log_t = -log1p(-rho);
        out->s1 = rho / (1.0 - rho);
        out->s2 = 1.0 / ((1.0 - rho) * n);
        out->s3 = out->s2; /* nobody leaves: the would-be wait is the wait */
        return SVCM_OK;
    }
    const double shift = 930.0;
    double a = 1.0, t = 1.0, s1 = 0.0, h = 1.0 / (n + r), s2 = n / (n + r) * h;
    double s3 = 1.0 / n; /* v_0 = 1 / n; v_i = 1 / n + h_{i-1} */
    double log_scale = 0.0;
    if ((lambda - n) / r > (double)TAIL_MAX_TERMS)
        return SVCM_ERANGE;
    for (uint32_t i = 1;; i++) {
        if (i > TAIL_MAX_TERMS)
            return SVCM_ERANGE;
        double di = (double)i, next = n + (di + 1.0) * r;
        a *= lambda / (n + di * r);
        t += a;
        s1 += di * a;
        s3 += a * (1.0 / n + h);
        h += 1.0 / next;
        s2 += a * (n / next) * h;
        /* v_i >= w_i, so the bound on the rest of s2 bounds s3's too. */
        if (tail_done(a, lambda / next, i, n, t, s1, s2))
            break;
        if (t > 1e280) {
            a = ldexp(a, -(int)shift);
            t = ldexp(t, -(int)shift);
            s1 = ldexp(s1, -(int)shift);
            s2 = ldexp(s2, -(int)shift);
            s3 = ldexp(s3, -(int)shift);
            log_scale += shift * LN2;
        }
    }
    out->log_t = log(t) + log_scale;
    out->s1 = s1 / t;
    out->s2 = s2 / t;
    out->s3 = s3 / t;
    return SVCM_OK;
}

/* Sums over the states m < N k with weights relative to state N k:
 * w_{m-1} = w_m mu(m) / lambda (balance across m-1 <-> m), summed from
 * N k downwards. w is kept as a mantissa and a binary exponent (one step
 * may multiply it by anything a double ratio can hold), the sums in a
 * scale 2^ls moved up whenever a term would pass 2^800, so nothing
 * overflows; terms below 2^-1000 of the sums drop out harmlessly. */
typedef struct low_sums {
    double log_l;   /* ln L, L = sum_{m < N k} w_m (-inf when there is none) */
    double mean_m;  /* sum m w_m / L: mean chats in service given m < N k */
    double mean_mu; /* sum mu(m) w_m / L: mean completion rate given m < N k */
} low_sums;

static double mu_of(const chat_model *c, uint64_t m)
{
    uint64_t q = m / c->agents, rr = m % c->agents;
    double hi = rr > 0 ? c->f[q + 1] : 0.0;
    return (double)rr * hi + (double)(c->agents - rr) * c->f[q];
}

static int clamp_shift(int64_t d)
{
    return d < -2100 ? -2100 : (d > 2100 ? 2100 : (int)d);
}

static void low_sum(const chat_model *c, low_sums *out)
{
    uint64_t top = (uint64_t)c->agents * c->k;
    int le;
    double lm = frexp(c->lambda, &le); /* lambda = lm 2^le, lm in [0.5, 1) */
    double w = 1.0, l = 0.0, sm = 0.0, smu = 0.0;
    int64_t we = 0, ls = 0;
    double mu_hi = mu_of(c, top);
    for (uint64_t m = top; m >= 1; m--) {
        int me, ex;
        double mu_lo = mu_of(c, m - 1), mm = frexp(mu_hi, &me);
        w = frexp(w * (mm / lm), &ex); /* w_{m-1} = w 2^we */
        we += (int64_t)ex + me - le;
        if (we - ls > 800) {
            int d = clamp_shift(ls - we);
            l = ldexp(l, d);
            sm = ldexp(sm, d);
            smu = ldexp(smu, d);
            ls = we;
        }
        double term = ldexp(w, clamp_shift(we - ls));
        l += term;
        sm += (double)(m - 1) * term;
        smu += mu_lo * term;
        mu_hi = mu_lo;
    }
    out->log_l = l > 0.0 ? log(l) + (double)ls * LN2 : -INFINITY;
    out->mean_m = l > 0.0 ? sm / l : 0.0;
    out->mean_mu = l > 0.0 ? smu / l : 0.0;
}

static double clamp01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

/* Answered within tau (in u) given the queue's sums and P(wait): with
 * patience, Mandelbaum & Zeltyn's closed form for the answered part of the
 * would-be wait (as in erlang_a.c, whose derivation depends on the states
 * below the queue only through P(wait)); without, 1 - P(wait) e^{-(n -
 * lambda) tau}. */
static int answered_within(const chat_model *c, double tau, double pw, double pnw,
                           const tail_sums *full, double *sl, double *sl_virtual)
{
    if (tau == 0.0 || pw == 0.0) {
        *sl = *sl_virtual = pnw;
        return SVCM_OK;
    }
    if (c->r == 0.0) {
        *sl = *sl_virtual = clamp01(pnw + pw * -expm1(-(c->n - c->lambda) * tau));
        return SVCM_OK;
    }
    double u = exp(-c->r * tau);
    tail_sums part;
    int rc = tail_sum(c->lambda * u, c->n, c->r, &part);
    if (rc != SVCM_OK)
        return rc;
    double hh = c->lambda * (-expm1(-c->r * tau)) / c->r - c->n * tau;
    double x = hh + (part.log_t - full->log_t);
    double one_minus_ratio = -expm1(x);
    double inv_t = exp(-full->log_t), eh_t = exp(hh - full->log_t);
    *sl_virtual = clamp01(pnw + pw * one_minus_ratio);
    *sl = clamp01(pnw + pw * (c->n / c->lambda) * (one_minus_ratio - inv_t + eh_t));
    return SVCM_OK;
}

/* Every measure for validated input and a stable chain. */
static int chat_core(const chat_model *c, double target_s, struct svcm_erlang_chat_result *r)
{
    double slots = (double)c->agents * (double)c->k;
    if (c->lambda == 0.0) {
        r->sessions = r->p_wait = r->p_abandon = r->asa_s = r->wait_all_s = r->occupancy = 0.0;
        r->wait_virtual_s = 0.0;
        r->service_level = r->sl_virtual = 1.0;
        return SVCM_OK;
    }
    tail_sums tail;
    int rc = tail_sum(c->lambda, c->n, c->r, &tail);
    if (rc != SVCM_OK)
        return rc;
    low_sums low;
    low_sum(c, &low);
    /* P(wait) = T / (L + T) = 1 / (1 + e^x), x = ln L - ln T, and
     * 1 - P(wait) = 1 / (1 + e^-x): neither overflows nor subtracts. */
    double x = low.log_l - tail.log_t;
    double pw = 1.0 / (1.0 + exp(x)), pnw = 1.0 / (1.0 + exp(-x));
    double sessions = pnw * low.mean_m + pw * slots;
    double pab = pw * c->r * tail.s1 / c->lambda;
    if (pab > 0.5) /* throughput = lambda (1 - P(abandon)); no cancellation here */
        pab = 1.0 - (pnw * low.mean_mu + pw * c->n) / c->lambda;
    pab = clamp01(pab);
    r->sessions = sessions;
    r->p_wait = pw;
    r->p_abandon = pab;
    r->occupancy = clamp01(sessions / slots);
    r->wait_all_s = pw * tail.s1 / c->lambda * c->u;
    r->asa_s = pab < 1.0 ? pw * tail.s2 / (1.0 - pab) * c->u : 0.0;
    r->wait_virtual_s = pw * tail.s3 * c->u;
    return answered_within(c, target_s / c->u, pw, pnw, &tail, &r->service_level,
                           &r->sl_virtual);
}

void svcm_erlang_chat_options_init(svcm_erlang_chat_options *opts)
{
    if (opts == NULL)
        return;
    opts->concurrency = 1;
    for (uint32_t j = 0; j < SVCM_ERLANG_CHAT_MAX_CONCURRENCY; j++)
        opts->aht_s[j] = 0.0;
    opts->patience_s = INFINITY;
    opts->target_answer_s = 20.0;
    opts->target_sl = 0.8;
    opts->max_occupancy = 1.0;
    opts->max_asa_s = INFINITY;
    opts->max_abandon = 1.0;
    opts->shrinkage = 0.0;
    opts->max_agents = 1000000u;
}

int svcm_erlang_chat_options_check(const svcm_erlang_chat_options *o, svcm_error *err)
{
    if (o == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "opts",
                           "chat options are NULL (concurrency and aht_s have no default)");
    if (o->concurrency < 1 || o->concurrency > SVCM_ERLANG_CHAT_MAX_CONCURRENCY)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "concurrency",
                           "concurrency must be in [1, %u], got %u",
                           (unsigned)SVCM_ERLANG_CHAT_MAX_CONCURRENCY,
                           (unsigned)o->concurrency);
    for (uint32_t j = 0; j < o->concurrency; j++)
        if (!svcm__finite(o->aht_s[j]) || !(o->aht_s[j] > 0.0))
            return svcm__error(err, SVCM_EINVAL, j, "aht_s",
                               "handling time at concurrency %u must be finite and > 0 "
                               "seconds",
                               (unsigned)(j + 1));
    if (isnan(o->patience_s) || !(o->patience_s > 0.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "patience_s",
                           "mean patience must be > 0 seconds (INFINITY for none)");
    if (!svcm__finite(o->target_answer_s) || o->target_answer_s < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "target_answer_s",
                           "target answer time must be finite and >= 0 seconds");
    if (!(o->target_sl >= 0.0 && o->target_sl < 1.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "target_sl",
                           "service-level goal must be in [0, 1)");
    if (!(o->max_occupancy > 0.0 && o->max_occupancy <= 1.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "max_occupancy",
                           "occupancy cap must be in (0, 1]");
    if (isnan(o->max_asa_s) || !(o->max_asa_s > 0.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "max_asa_s",
                           "ASA goal must be > 0 seconds (INFINITY for none)");
    if (!(o->max_abandon >= 0.0 && o->max_abandon <= 1.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "max_abandon",
                           "abandonment cap must be in [0, 1]");
    if (!(o->shrinkage >= 0.0 && o->shrinkage < 1.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "shrinkage",
                           "shrinkage must be in [0, 1)");
    if (o->max_agents < 1 || o->max_agents > SVCM_ERLANG_MAX_AGENTS)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "max_agents",
                           "max_agents must be in [1, %u]", (unsigned)SVCM_ERLANG_MAX_AGENTS);
    return SVCM_OK;
}

/* Arrival rate per second from validated-or-not inputs, then options. */
static int check_inputs(double chats, double interval_s, const svcm_erlang_chat_options *o,
                        const void *out, double *rate, svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    if (!svcm__finite(chats) || chats < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "chats",
                           "chats must be finite and >= 0");
    if (!svcm__finite(interval_s) || !(interval_s > 0.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "interval_s",
                           "interval must be finite and > 0 seconds");
    int rc = svcm_erlang_chat_options_check(o, err);
    if (rc != SVCM_OK)
        return rc;
    *rate = chats / interval_s;
    if (!svcm__finite(*rate))
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "chats",
                           "chats / interval_s overflows a double");
    return SVCM_OK;
}

static void make_model(double rate, uint32_t agents, const svcm_erlang_chat_options *o,
                       chat_model *c)
{
    c->k = o->concurrency;
    c->agents = agents;
    c->u = o->aht_s[c->k - 1] / (double)c->k;
    c->lambda = rate * c->u;
    c->n = (double)agents;
    c->r = isinf(o->patience_s) ? 0.0 : c->u / o->patience_s;
    c->f[0] = 0.0;
    for (uint32_t j = 1; j <= c->k; j++)
        c->f[j] = (double)j * c->u / o->aht_s[j - 1];
}

/* Is the model stable for this N? (Always, with abandonment.) */
static bool stable(const chat_model *c)
{
    return c->r > 0.0 || c->lambda < c->n;
}

static int eval_agents(double rate, uint32_t agents, const svcm_erlang_chat_options *o,
                       struct svcm_erlang_chat_result *r, svcm_error *err)
{
    chat_model c;
    make_model(rate, agents, o, &c);
    if (!stable(&c))
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "agents",
                           "unstable: %u agents x %u chats finish %.6g chats/s, %.6g "
                           "offered, no abandonment",
                           (unsigned)agents, (unsigned)c.k, c.n / c.u, rate);
    r->agents = agents;
    r->arrival_rate = rate;
    int rc = chat_core(&c, o->target_answer_s, r);
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, "patience_s",
                           "more than %u queue states: patience too long for this load",
                           (unsigned)TAIL_MAX_TERMS);
    return SVCM_OK;
}

int svcm_erlang_chat_eval(double chats, double interval_s, uint32_t agents,
                          const svcm_erlang_chat_options *opts,
                          struct svcm_erlang_chat_result *out, svcm_error *err)
{
    double rate = 0.0;
    int rc = check_inputs(chats, interval_s, opts, out, &rate, err);
    if (rc != SVCM_OK)
        return rc;
    if (agents < 1 || agents > SVCM_ERLANG_MAX_AGENTS)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "agents",
                           "agents must be in [1, %u]", (unsigned)SVCM_ERLANG_MAX_AGENTS);
    struct svcm_erlang_chat_result r;
    rc = eval_agents(rate, agents, opts, &r, err);
    if (rc == SVCM_OK)
        rc = svcm_erlang_staff_with_shrinkage(agents, opts->shrinkage, &r.staff, err);
    if (rc == SVCM_OK)
        *out = r;
    return rc;
}

static bool meets_goals(const struct svcm_erlang_chat_result *r,
                        const svcm_erlang_chat_options *o)
{
    return r->service_level >= o->target_sl && r->occupancy <= o->max_occupancy &&
           r->asa_s <= o->max_asa_s && r->p_abandon <= o->max_abandon;
}

/* j / aht_s[j-1] nondecreasing and concave in j (with 0 at j = 0). */
static bool rate_concave(const svcm_erlang_chat_options *o)
{
    double prev = 0.0, step = INFINITY;
    for (uint32_t j = 1; j <= o->concurrency; j++) {
        double f = (double)j / o->aht_s[j - 1], d = f - prev;
        if (d < 0.0 || d > step * (1.0 + 1e-12))
            return false;
        step = d;
        prev = f;
    }
    return true;
}

/* 1 = meets the goals, 0 = does not (or unstable), < 0 = error. */
static int try_agents(double rate, uint32_t n, const svcm_erlang_chat_options *o,
                      struct svcm_erlang_chat_result *r, svcm_error *err)
{
    chat_model c;
    make_model(rate, n, o, &c);
    if (!stable(&c))
        return 0;
    int rc = eval_agents(rate, n, o, r, err);
    if (rc != SVCM_OK)
        return rc;
    return meets_goals(r, o) ? 1 : 0;
}

static int chat_search(double rate, const svcm_erlang_chat_options *o,
                       struct svcm_erlang_chat_result *best, svcm_error *err)
{
    struct svcm_erlang_chat_result r;
    if (!rate_concave(o)) {
        for (uint32_t n = 1;; n++) {
            int ok = try_agents(rate, n, o, &r, err);
            if (ok < 0)
                return ok;
            if (ok == 1) {
                *best = r;
                return SVCM_OK;
            }
            if (n >= o->max_agents)
                break;
        }
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "chats",
                           "no agent count up to max_agents = %u meets the goals",
                           (unsigned)o->max_agents);
    }
    /* Doubling then bisection: lo always fails (0: none tried), hi meets. */
    uint32_t lo = 0, hi = 1;
    for (;;) {
        int ok = try_agents(rate, hi, o, &r, err);
        if (ok < 0)
            return ok;
        if (ok == 1)
            break;
        if (hi >= o->max_agents)
            return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "chats",
                               "no agent count up to max_agents = %u meets the goals",
                               (unsigned)o->max_agents);
        lo = hi;
        hi = hi > o->max_agents / 2 ? o->max_agents : 2 * hi;
    }
    *best = r;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        int ok = try_agents(rate, mid, o, &r, err);
        if (ok < 0)
            return ok;
        if (ok == 1) {
            hi = mid;
            *best = r;
        } else {
            lo = mid;
        }
    }
    return SVCM_OK;
}

int svcm_erlang_chat_staff(double chats, double interval_s,
                           const svcm_erlang_chat_options *opts,
                           struct svcm_erlang_chat_result *out, svcm_error *err)
{
    double rate = 0.0;
    int rc = check_inputs(chats, interval_s, opts, out, &rate, err);
    if (rc != SVCM_OK)
        return rc;
    struct svcm_erlang_chat_result r;
    rc = chat_search(rate, opts, &r, err);
    if (rc == SVCM_OK)
        rc = svcm_erlang_staff_with_shrinkage(r.agents, opts->shrinkage, &r.staff, err);
    if (rc == SVCM_OK)
        *out = r;
    return rc;
}
