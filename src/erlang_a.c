/* Erlang A (M/M/N+M): Poisson arrivals, exponential handle times, N agents
 * and callers who abandon after an exponential patience (Palm 1943). */
#include <math.h>
#include <stdbool.h>

#include "internal.h"
#include "svcm/erlang.h"

/* Largest number of queue states summed before giving up (about 1 s). */
#define TAIL_MAX_TERMS (1u << 24)

/* Sums over the queue states N + k, k >= 0, with weights relative to state
 * N: a_0 = 1, a_k = a_{k-1} lambda / (N + k r) in units where the service
 * rate is 1 (r = AHT / patience). */
typedef struct tail_sums {
    double log_t; /* ln T, T = sum_k a_k */
    double s1;    /* sum_k k a_k / T (mean queue length given state >= N) */
    double s2;    /* sum_k a_k w_k / T, w_k = mean wait of an answered caller */
    double s3;    /* sum_k a_k v_k / T, v_k = sum_{j=0..k} 1 / (N + j r): mean would-be wait */
} tail_sums;

/* True once the rest of the sums is below 1e-17 of each: past the mode the
 * ratios fall, so the rest is bounded by a geometric series with ratio
 * rho = lambda / (N + (k+1) r); k a_k and the answered wait (at most
 * (k+1)/N) are bounded by its first moment. */
static bool tail_done(double a, double rho, uint32_t k, double n, double t, double s1,
                      double s2)
{
    if (!(rho < 1.0))
        return false;
    double g = rho / (1.0 - rho);
    double rest_t = a * g, rest_1 = a * ((double)k * g + g / (1.0 - rho));
    return rest_t <= 1e-17 * t && rest_1 <= 1e-17 * s1 && (rest_t + rest_1) / n <= 1e-17 * s2;
}

/* The caller who finds k waiting is answered after k+1 departures from
 * the queue ahead, at rates N + j r, unless his own patience (rate r) ends
 * first: P(answered) = prod_j (N + j r) / (N + (j+1) r) = N / (N + (k+1) r)
 * and E[W; answered] = P(answered) sum_{i=1..k+1} 1 / (N + i r) (the
 * derivative of the Laplace transform of the sum of exponentials at r). */
static int tail_sum(double lambda, double n, double r, tail_sums *out)
{
    const double shift = 930.0; /* rescale by 2^-930 before overflow */
    double a = 1.0, t = 1.0, s1 = 0.0, h = 1.0 / (n + r), s2 = n / (n + r) * h;
    double s3 = 1.0 / n; /* v_0 = 1 / N; v_k = 1 / N + h_{k-1} */
    double log_scale = 0.0;
    /* Past N the weights grow until N + k r reaches lambda: a chain whose
     * mode lies beyond the cap is refused before any work. */
    if ((lambda - n) / r > (double)TAIL_MAX_TERMS)
        return SVCM_ERANGE;
    for (uint32_t k = 1;; k++) {
        if (k > TAIL_MAX_TERMS)
            return SVCM_ERANGE;
        double dk = (double)k, next = n + (dk + 1.0) * r;
        a *= lambda / (n + dk * r);
        t += a;
        s1 += dk * a;
        s3 += a * (1.0 / n + h);
        h += 1.0 / next;
        s2 += a * (n / next) * h;
        /* v_k >= w_k, so the bound on the rest of s2 bounds s3's too. */
        if (tail_done(a, lambda / next, k, n, t, s1, s2))
            break;
        if (t > 1e280) {
            a = ldexp(a, -(int)shift);
            t = ldexp(t, -(int)shift);
            s1 = ldexp(s1, -(int)shift);
            s2 = ldexp(s2, -(int)shift);
            s3 = ldexp(s3, -(int)shift);
            log_scale += shift * 0.69314718055994530942;
        }
    }
    out->log_t = log(t) + log_scale;
    out->s1 = s1 / t;
    out->s2 = s2 / t;
    out->s3 = s3 / t;
    return SVCM_OK;
}

static double clamp01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

/* Erlang B(N, A) and E_N, the mean number of idle agents given that fewer
 * than N are busy, by the recursions B_k = A B_{k-1} / (k + A B_{k-1}) and
 * E_k = 1 + E_{k-1} (1 - B_{k-1}) (both from pi_{k-1} / pi_k = k / A; every
 * term is positive, so neither cancels). */
static void erlang_b_idle(double traffic, uint32_t agents, double *b_out, double *e_out)
{
    double b = 1.0, e = 0.0;
    for (uint32_t k = 1; k <= agents; k++) {
        e = 1.0 + e * (1.0 - b);
        double ab = traffic * b;
        b = ab / ((double)k + ab);
    }
    *b_out = b;
    *e_out = e;
}

/* P(wait) and 1 - P(wait) without subtraction: P(wait) = pi_N T with
 * pi_N = B / (1 - B + B T) (the states below N are Erlang B's), i.e.
 * 1 / (1 + q) with q = (1 - B) / (B T), in logs because T may be far
 * beyond DBL_MAX. */
static void wait_probability(double b, double log_t, double *pw, double *pnw)
{
    if (b == 0.0) {
        *pw = 0.0;
        *pnw = 1.0;
        return;
    }
    double q = exp(log1p(-b) - log(b) - log_t);
    *pw = 1.0 / (1.0 + q);
    *pnw = q / (1.0 + q);
}

/* Answered within tau and would-be wait <= tau (tau in AHT units). The
 * would-be wait V has P(V > t) = P(wait) e^{h(t)} T(lambda u) / T(lambda)
 * with u = e^{-r t}, h(t) = lambda (1 - u) / r - N t (Mandelbaum & Zeltyn
 * 2007, J(t) written with the incomplete gamma series, which is the tail sum
 * at arrival rate lambda u); integrating e^{-r v} against its density gives
 * P(answered, V <= t) = 1 - P(wait) + P(wait) N / lambda
 *                       (1 - 1/T - e^h T_u / T + e^h / T). */
static int service_levels(double lambda, double n, double r, double tau, double pw,
                          double pnw, const tail_sums *full, double *sl, double *sl_virtual)
{
    if (tau == 0.0 || pw == 0.0) {
        *sl = *sl_virtual = pnw;
        return SVCM_OK;
    }
    double u = exp(-r * tau);
    tail_sums part;
    int rc = tail_sum(lambda * u, n, r, &part);
    if (rc != SVCM_OK)
        return rc;
    double hh = lambda * (-expm1(-r * tau)) / r - n * tau;
    double x = hh + (part.log_t - full->log_t); /* ln(e^h T_u / T) <= 0 */
    double one_minus_ratio = -expm1(x);
    double inv_t = exp(-full->log_t), eh_t = exp(hh - full->log_t);
    *sl_virtual = clamp01(pnw + pw * one_minus_ratio);
    *sl = clamp01(pnw + pw * (n / lambda) * (one_minus_ratio - inv_t + eh_t));
    return SVCM_OK;
}

/* Every measure for validated input. */
static int erlang_a_core(double traffic, double aht_s, double patience_s, uint32_t agents,
                         double target_s, struct svcm_erlang_a_result *r)
{
    r->traffic = traffic;
    if (traffic == 0.0) {
        r->p_wait = r->p_abandon = r->asa_s = r->wait_all_s = r->occupancy = 0.0;
        r->wait_virtual_s = 0.0;
        r->service_level = r->sl_virtual = 1.0;
        return SVCM_OK;
    }
    double rate = aht_s / patience_s, n = (double)agents, b, idle, pw, pnw;
    tail_sums full;
    int rc = tail_sum(traffic, n, rate, &full);
    if (rc != SVCM_OK)
        return rc;
    erlang_b_idle(traffic, agents, &b, &idle);
    wait_probability(b, full.log_t, &pw, &pnw);
    /* P(abandon) = theta E[Q] / lambda and the mean wait of all callers
     * E[Q] / lambda (Little's law): accurate when abandonment is rare. When
     * it is common, carried load = N - E[idle] = N - (1 - P(wait)) E_N is
     * accurate instead, and 1 - P(abandon) = carried / A. */
    double pab = pw * rate * full.s1 / traffic;
    double occ = traffic * (1.0 - pab) / n;
    if (pab > 0.5) {
        occ = 1.0 - pnw * idle / n;
        pab = 1.0 - n * occ / traffic;
    }
    r->p_wait = pw;
    r->p_abandon = clamp01(pab);
    r->occupancy = clamp01(occ);
    r->wait_all_s = pw * full.s1 / traffic * aht_s;
    r->asa_s = pw * full.s2 / (n * occ / traffic) * aht_s;
    r->wait_virtual_s = pw * full.s3 * aht_s;
    return service_levels(traffic, n, rate, target_s / aht_s, pw, pnw, &full,
                          &r->service_level, &r->sl_virtual);
}

void svcm_erlang_a_options_init(svcm_erlang_a_options *opts)
{
    if (opts == NULL)
        return;
    opts->target_answer_s = 20.0;
    opts->target_sl = 0.8;
    opts->max_occupancy = 1.0;
    opts->max_asa_s = INFINITY;
    opts->max_abandon = 1.0;
    opts->shrinkage = 0.0;
    opts->max_agents = 1000000u;
}

static int check_a_options(const svcm_erlang_a_options *o, svcm_error *err)
{
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

/* Traffic, AHT, patience and options; opts already resolved. */
static int check_inputs(double traffic, double aht_s, double patience_s,
                        const svcm_erlang_a_options *opts, const void *out, svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    if (!svcm__finite(traffic) || traffic < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "traffic",
                           "traffic must be finite and >= 0 Erlangs");
    if (!svcm__finite(aht_s) || !(aht_s > 0.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "aht_s",
                           "average handle time must be finite and > 0 seconds");
    if (!svcm__finite(patience_s) || !(patience_s > 0.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "patience_s",
                           "mean patience must be finite and > 0 seconds");
    return check_a_options(opts, err);
}

static int eval_agents(double traffic, double aht_s, double patience_s, uint32_t agents,
                       const svcm_erlang_a_options *o, struct svcm_erlang_a_result *r,
                       svcm_error *err)
{
    r->agents = agents;
    int rc = erlang_a_core(traffic, aht_s, patience_s, agents, o->target_answer_s, r);
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, "patience_s",
                           "more than %u queue states: patience too long for this load",
                           (unsigned)TAIL_MAX_TERMS);
    return SVCM_OK;
}

int svcm_erlang_a_eval(double traffic, double aht_s, double patience_s, uint32_t agents,
                       const svcm_erlang_a_options *opts, struct svcm_erlang_a_result *out,
                       svcm_error *err)
{
    svcm_erlang_a_options defaults;
    if (opts == NULL) {
        svcm_erlang_a_options_init(&defaults);
        opts = &defaults;
    }
    int rc = check_inputs(traffic, aht_s, patience_s, opts, out, err);
    if (rc != SVCM_OK)
        return rc;
    if (agents < 1 || agents > SVCM_ERLANG_MAX_AGENTS)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "agents",
                           "agents must be in [1, %u]", (unsigned)SVCM_ERLANG_MAX_AGENTS);
    struct svcm_erlang_a_result r;
    rc = eval_agents(traffic, aht_s, patience_s, agents, opts, &r, err);
    if (rc == SVCM_OK)
        rc = svcm_erlang_staff_with_shrinkage(agents, opts->shrinkage, &r.staff, err);
    if (rc == SVCM_OK)
        *out = r;
    return rc;
}

static bool meets_goals(const struct svcm_erlang_a_result *r, const svcm_erlang_a_options *o)
{
    return r->service_level >= o->target_sl && r->occupancy <= o->max_occupancy &&
           r->asa_s <= o->max_asa_s && r->p_abandon <= o->max_abandon;
}

/* Doubling then bisection: lo always fails (0 stands for "none tried"),
 * hi always meets, so hi ends as the least meeting count. */
static int a_search(double traffic, double aht_s, double patience_s,
                    const svcm_erlang_a_options *o, struct svcm_erlang_a_result *best,
                    svcm_error *err)
{
    uint32_t lo = 0, hi = 1;
    struct svcm_erlang_a_result r;
    for (;;) {
        int rc = eval_agents(traffic, aht_s, patience_s, hi, o, &r, err);
        if (rc != SVCM_OK)
            return rc;
        if (meets_goals(&r, o))
            break;
        if (hi >= o->max_agents)
            return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "traffic",
                               "no agent count up to max_agents = %u meets the goals",
                               (unsigned)o->max_agents);
        lo = hi;
        hi = hi > o->max_agents / 2 ? o->max_agents : 2 * hi;
    }
    *best = r;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        int rc = eval_agents(traffic, aht_s, patience_s, mid, o, &r, err);
        if (rc != SVCM_OK)
            return rc;
        if (meets_goals(&r, o)) {
            hi = mid;
            *best = r;
        } else {
            lo = mid;
        }
    }
    return SVCM_OK;
}

int svcm_erlang_a_staff(double traffic, double aht_s, double patience_s,
                        const svcm_erlang_a_options *opts, struct svcm_erlang_a_result *out,
                        svcm_error *err)
{
    svcm_erlang_a_options defaults;
    if (opts == NULL) {
        svcm_erlang_a_options_init(&defaults);
        opts = &defaults;
    }
    int rc = check_inputs(traffic, aht_s, patience_s, opts, out, err);
    if (rc != SVCM_OK)
        return rc;
    struct svcm_erlang_a_result r;
    rc = a_search(traffic, aht_s, patience_s, opts, &r, err);
    if (rc == SVCM_OK)
        rc = svcm_erlang_staff_with_shrinkage(r.agents, opts->shrinkage, &r.staff, err);
    if (rc == SVCM_OK)
        *out = r;
    return rc;
}

int svcm_erlang_a_eval_staff(double traffic, double aht_s, double patience_s, uint32_t staff,
                             const svcm_erlang_a_options *opts, struct svcm_erlang_a_result *out,
                             svcm_error *err)
{
    svcm_erlang_a_options defaults;
    if (opts == NULL) {
        svcm_erlang_a_options_init(&defaults);
        opts = &defaults;
    }
    int rc = check_inputs(traffic, aht_s, patience_s, opts, out, err);
    if (rc != SVCM_OK)
        return rc;
    uint32_t agents = 0;
    rc = svcm_erlang_agents_from_staff(staff, opts->shrinkage, &agents, err);
    if (rc != SVCM_OK)
        return rc;
    if (agents == 0 || agents > SVCM_ERLANG_MAX_AGENTS)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "staff",
                           "%u staff give %u agents after %.9g shrinkage; need 1 to %u",
                           (unsigned)staff, (unsigned)agents, opts->shrinkage,
                           (unsigned)SVCM_ERLANG_MAX_AGENTS);
    struct svcm_erlang_a_result r;
    rc = eval_agents(traffic, aht_s, patience_s, agents, opts, &r, err);
    if (rc != SVCM_OK)
        return rc;
    r.staff = staff;
    *out = r;
    return SVCM_OK;
}

/* ------------------------------------------------------ fractional agents */

static void frac_from_int(const struct svcm_erlang_a_result *r, double x,
                          struct svcm_erlang_a_frac_result *out)
{
    out->agents = x;
    out->traffic = r->traffic;
    out->p_wait = r->p_wait;
    out->p_abandon = r->p_abandon;
    out->service_level = r->service_level;
    out->sl_virtual = r->sl_virtual;
    out->asa_s = r->asa_s;
    out->wait_all_s = r->wait_all_s;
    out->occupancy = r->occupancy;
    out->wait_virtual_s = r->wait_virtual_s;
}

/* (1 - f) m(n) + f m(n + 1) for every measure; f in [0, 1]. */
static void frac_mix(const struct svcm_erlang_a_result *lo, const struct svcm_erlang_a_result *hi,
                     double x, double f, struct svcm_erlang_a_frac_result *out)
{
    double g = 1.0 - f;
    out->agents = x;
    out->traffic = lo->traffic;
    out->p_wait = g * lo->p_wait + f * hi->p_wait;
    out->p_abandon = g * lo->p_abandon + f * hi->p_abandon;
    out->service_level = g * lo->service_level + f * hi->service_level;
    out->sl_virtual = g * lo->sl_virtual + f * hi->sl_virtual;
    out->asa_s = g * lo->asa_s + f * hi->asa_s;
    out->wait_all_s = g * lo->wait_all_s + f * hi->wait_all_s;
    out->occupancy = g * lo->occupancy + f * hi->occupancy;
    out->wait_virtual_s = g * lo->wait_virtual_s + f * hi->wait_virtual_s;
}

int svcm_erlang_a_eval_frac(double traffic, double aht_s, double patience_s, double agents,
                            const svcm_erlang_a_options *opts,
                            struct svcm_erlang_a_frac_result *out, svcm_error *err)
{
    svcm_erlang_a_options defaults;
    if (opts == NULL) {
        svcm_erlang_a_options_init(&defaults);
        opts = &defaults;
    }
    int rc = check_inputs(traffic, aht_s, patience_s, opts, out, err);
    if (rc != SVCM_OK)
        return rc;
    if (!svcm__finite(agents) || !(agents >= 1.0) || agents > (double)SVCM_ERLANG_MAX_AGENTS)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "agents",
                           "agents must be finite and in [1, %u]",
                           (unsigned)SVCM_ERLANG_MAX_AGENTS);
    double whole = floor(agents), f = agents - whole;
    struct svcm_erlang_a_result lo, hi;
    rc = eval_agents(traffic, aht_s, patience_s, (uint32_t)whole, opts, &lo, err);
    if (rc != SVCM_OK)
        return rc;
    struct svcm_erlang_a_frac_result r;
    if (f == 0.0) {
        frac_from_int(&lo, agents, &r);
    } else {
        rc = eval_agents(traffic, aht_s, patience_s, (uint32_t)whole + 1u, opts, &hi, err);
        if (rc != SVCM_OK)
            return rc;
        frac_mix(&lo, &hi, agents, f, &r);
    }
    r.staff = agents / (1.0 - opts->shrinkage);
    *out = r;
    return SVCM_OK;
}

static bool frac_meets(const struct svcm_erlang_a_frac_result *r, const svcm_erlang_a_options *o)
{
    return r->service_level >= o->target_sl && r->occupancy <= o->max_occupancy &&
           r->asa_s <= o->max_asa_s && r->p_abandon <= o->max_abandon;
}

int svcm_erlang_a_staff_frac(double traffic, double aht_s, double patience_s,
                             const svcm_erlang_a_options *opts,
                             struct svcm_erlang_a_frac_result *out, svcm_error *err)
{
    svcm_erlang_a_options defaults;
    if (opts == NULL) {
        svcm_erlang_a_options_init(&defaults);
        opts = &defaults;
    }
    int rc = check_inputs(traffic, aht_s, patience_s, opts, out, err);
    if (rc != SVCM_OK)
        return rc;
    struct svcm_erlang_a_result hi, lo;
    rc = a_search(traffic, aht_s, patience_s, opts, &hi, err);
    if (rc != SVCM_OK)
        return rc;
    struct svcm_erlang_a_frac_result best, r;
    frac_from_int(&hi, (double)hi.agents, &best);
    if (hi.agents > 1) {
        rc = eval_agents(traffic, aht_s, patience_s, hi.agents - 1u, opts, &lo, err);
        if (rc != SVCM_OK)
            return rc;
        /* lo fails and hi meets (the integer search); each interpolated
         * measure is monotone on [n - 1, n], so bisection on x keeps that. */
        double a = (double)lo.agents, b = (double)hi.agents;
        for (;;) {
            double mid = a + 0.5 * (b - a);
            if (!(mid > a && mid < b))
                break;
            frac_mix(&lo, &hi, mid, mid - (double)lo.agents, &r);
            if (frac_meets(&r, opts)) {
                b = mid;
                best = r;
            } else {
                a = mid;
            }
        }
    }
    best.staff = best.agents / (1.0 - opts->shrinkage);
    *out = best;
    return SVCM_OK;
}
