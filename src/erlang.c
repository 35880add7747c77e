/* Erlang B and C, service level, ASA, occupancy and staffing (M/M/N). */
#include <float.h>
#include <math.h>

#include "internal.h"
#include "svcm/erlang.h"

/* One step of the Erlang B recursion (the standard stable form, e.g. in Koole,
 * "Call Center Optimization", 2013):
 * B(n) = A B(n-1) / (n + A B(n-1)). Every term is positive, so there is no
 * cancellation, and relative errors shrink from step to step. */
static inline double erlang_b_step(double traffic, double b_prev, uint32_t n)
{
    double ab = traffic * b_prev;
    return ab / ((double)n + ab);
}

/* B(n) for n = 0..agents. Once B underflows to 0 it stays 0. */
static double erlang_b_run(double traffic, uint32_t agents)
{
    double b = 1.0;
    for (uint32_t n = 1; n <= agents && b > 0.0; n++)
        b = erlang_b_step(traffic, b, n);
    return b;
}

/* Erlang C from Erlang B: C = N B / (N - A (1 - B)), valid for N > A
 * (the standard identity C = B / (1 - rho (1 - B)), rho = A / N). */
static inline double erlang_c_from_b(double traffic, uint32_t agents, double b)
{
    if ((double)agents <= traffic)
        return 1.0;
    double n = (double)agents;
    double c = n * b / (n - traffic * (1.0 - b));
    return c > 1.0 ? 1.0 : c;
}

static int check_traffic(double traffic, svcm_error *err)
{
    if (!svcm__finite(traffic) || traffic < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "traffic",
                           "traffic must be finite and >= 0 Erlangs");
    return SVCM_OK;
}

static int check_aht(double aht_s, svcm_error *err)
{
    if (!svcm__finite(aht_s) || !(aht_s > 0.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "aht_s",
                           "average handle time must be finite and > 0 seconds");
    return SVCM_OK;
}

static int check_agents(uint32_t agents, uint32_t min, svcm_error *err)
{
    if (agents < min || agents > SVCM_ERLANG_MAX_AGENTS)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "agents",
                           "agents must be in [%u, %u]", (unsigned)min,
                           (unsigned)SVCM_ERLANG_MAX_AGENTS);
    return SVCM_OK;
}

static int check_options(const svcm_erlang_options *o, svcm_error *err)
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
    if (!(o->shrinkage >= 0.0 && o->shrinkage < 1.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "shrinkage",
                           "shrinkage must be in [0, 1)");
    if (o->max_agents < 1 || o->max_agents > SVCM_ERLANG_MAX_AGENTS)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "max_agents",
                           "max_agents must be in [1, %u]", (unsigned)SVCM_ERLANG_MAX_AGENTS);
    return SVCM_OK;
}

int svcm_erlang_traffic(double calls, double aht_s, double interval_s, double *out,
                        svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    if (!svcm__finite(calls) || calls < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "calls",
                           "calls must be finite and >= 0");
    int rc = check_aht(aht_s, err);
    if (rc != SVCM_OK)
        return rc;
    if (!svcm__finite(interval_s) || !(interval_s > 0.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "interval_s",
                           "interval must be finite and > 0 seconds");
    /* calls / interval * aht in mantissa-exponent form: the mantissa part
     * is the same computation on [0.5, 1) values (scaling by powers of two
     * is exact), and the exponents add exactly, so the result overflows or
     * underflows only when the true value does (the plain formula gave
     * ERANGE for 1e300 calls / 1e-10 s * 1e-20 s = 1e290 Erlangs, and 0 for
     * 1e-300 / 1e300 * 1e300). */
    int ec, ea, ei;
    double mc = frexp(calls, &ec), ma = frexp(aht_s, &ea), mi = frexp(interval_s, &ei);
    double a = ldexp(mc / mi * ma, ec + ea - ei);
    if (!svcm__finite(a))
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "calls",
                           "traffic overflows a double");
    *out = a;
    return SVCM_OK;
}

int svcm_erlang_b(double traffic, uint32_t agents, double *out, svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    int rc = check_traffic(traffic, err);
    if (rc == SVCM_OK)
        rc = check_agents(agents, 0, err);
    if (rc != SVCM_OK)
        return rc;
    *out = erlang_b_run(traffic, agents);
    return SVCM_OK;
}

int svcm_erlang_c(double traffic, uint32_t agents, double *out, svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    int rc = check_traffic(traffic, err);
    if (rc == SVCM_OK)
        rc = check_agents(agents, 1, err);
    if (rc != SVCM_OK)
        return rc;
    if ((double)agents <= traffic) {
        *out = 1.0; /* unstable: no need to run the recursion */
        return SVCM_OK;
    }
    *out = erlang_c_from_b(traffic, agents, erlang_b_run(traffic, agents));
    return SVCM_OK;
}

void svcm_erlang_options_init(svcm_erlang_options *opts)
{
    if (opts == NULL)
        return;
    opts->target_answer_s = 20.0;
    opts->target_sl = 0.8;
    opts->max_occupancy = 1.0;
    opts->max_asa_s = INFINITY;
    opts->shrinkage = 0.0;
    opts->max_agents = 1000000u;
}

/* Fill the queueing measures of r for N agents given C(N, A). */
static void fill_measures(double traffic, double aht_s, uint32_t agents, double c,
                          double target_s, struct svcm_erlang_result *r)
{
    double n = (double)agents;
    r->agents = agents;
    r->traffic = traffic;
    r->p_wait = c;
    if (n <= traffic) {
        r->service_level = 0.0;
        r->asa_s = INFINITY;
        r->occupancy = 1.0;
        return;
    }
    double gap = n - traffic;
    /* P(wait <= t) = 1 - C exp(-(N - A) t / AHT) for M/M/N FIFO (Gans,
     * Koole & Mandelbaum, "Telephone call centers", MSOM 2003). */
    double sl = 1.0 - c * exp(-gap * target_s / aht_s);
    r->service_level = sl < 0.0 ? 0.0 : sl;
    r->asa_s = c * aht_s / gap;
    r->occupancy = traffic / n;
}

int svcm_erlang_service_level(double traffic, double aht_s, uint32_t agents,
                              double target_s, double *out, svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    int rc = check_traffic(traffic, err);
    if (rc == SVCM_OK)
        rc = check_aht(aht_s, err);
    if (rc == SVCM_OK)
        rc = check_agents(agents, 1, err);
    if (rc != SVCM_OK)
        return rc;
    if (!svcm__finite(target_s) || target_s < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "target_s",
                           "target answer time must be finite and >= 0 seconds");
    double c = 1.0;
    if ((double)agents > traffic)
        c = erlang_c_from_b(traffic, agents, erlang_b_run(traffic, agents));
    struct svcm_erlang_result r;
    fill_measures(traffic, aht_s, agents, c, target_s, &r);
    *out = r.service_level;
    return SVCM_OK;
}

int svcm_erlang_asa(double traffic, double aht_s, uint32_t agents, double *out,
                    svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    int rc = check_traffic(traffic, err);
    if (rc == SVCM_OK)
        rc = check_aht(aht_s, err);
    if (rc == SVCM_OK)
        rc = check_agents(agents, 1, err);
    if (rc != SVCM_OK)
        return rc;
    double c = 1.0;
    if ((double)agents > traffic)
        c = erlang_c_from_b(traffic, agents, erlang_b_run(traffic, agents));
    struct svcm_erlang_result r;
    fill_measures(traffic, aht_s, agents, c, 0.0, &r);
    *out = r.asa_s;
    return SVCM_OK;
}

/* If s is the double nearest to k / 10^9 for some integer k, store
 * 10^9 - k (the denominator of 1 - s over 10^9) and return true. The
 * division of two exactly representable integers is correctly rounded, so
 * (double)k / 1e9 is that nearest double; 9-decimal fractions are 1e-9
 * apart, far more than a double's spacing below 1, so k is unique. */
static bool shrinkage_decimal(double s, uint64_t *keep)
{
    double k = nearbyint(s * 1e9);
    if (k / 1e9 != s)
        return false;
    *keep = 1000000000u - (uint64_t)k;
    return true;
}

static int check_shrinkage(double shrinkage, svcm_error *err)
{
    if (!(shrinkage >= 0.0 && shrinkage < 1.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "shrinkage",
                           "shrinkage must be in [0, 1)");
    return SVCM_OK;
}

/* Sign of c (1 - s) - a, exactly: c - a is an exact integer and fma rounds
 * c - a - c s once, and a correctly rounded result keeps the sign (every
 * nonzero exact value here is a multiple of 2^-1074, so none rounds to 0). */
static int staff_cmp(double c, double a, double s)
{
    double d = fma(-c, s, c - a);
    return (d > 0.0) - (d < 0.0);
}

int svcm_erlang_staff_with_shrinkage(uint32_t agents, double shrinkage, uint32_t *out,
                                     svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    int rc = check_shrinkage(shrinkage, err);
    if (rc != SVCM_OK)
        return rc;
    /* Staff x paid time x (1 - shrinkage) = agents on the phones: the
     * usual planning rule (e.g. Call Centre Helper's worked example,
     * 14 agents at 30% shrinkage -> 20 staff). */
    uint64_t keep, staff;
    if (shrinkage_decimal(shrinkage, &keep)) {
        /* agents * 10^9 < 4.3e18 fits in 64 bits. */
        staff = ((uint64_t)agents * 1000000000u + keep - 1u) / keep;
    } else {
        double c = ceil((double)agents / (1.0 - shrinkage));
        if (c > (double)UINT32_MAX + 2.0)
            return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "agents",
                               "scheduled staff exceeds %u", (unsigned)UINT32_MAX);
        /* The estimate is within one of the answer: step to the least c
         * with c (1 - s) >= agents. */
        while (staff_cmp(c, (double)agents, shrinkage) < 0)
            c += 1.0;
        while (c > 0.0 && staff_cmp(c - 1.0, (double)agents, shrinkage) >= 0)
            c -= 1.0;
        staff = (uint64_t)c;
    }
    if (staff > UINT32_MAX)
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "agents",
                           "scheduled staff exceeds %u", (unsigned)UINT32_MAX);
    *out = (uint32_t)staff;
    return SVCM_OK;
}

int svcm_erlang_agents_from_staff(uint32_t staff, double shrinkage, uint32_t *out,
                                  svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    int rc = check_shrinkage(shrinkage, err);
    if (rc != SVCM_OK)
        return rc;
    uint64_t keep;
    if (shrinkage_decimal(shrinkage, &keep)) {
        *out = (uint32_t)((uint64_t)staff * keep / 1000000000u);
        return SVCM_OK;
    }
    /* Largest a with a <= staff (1 - s): staff - a - staff s >= 0. */
    double a = floor((double)staff * (1.0 - shrinkage));
    while (a > 0.0 && fma(-(double)staff, shrinkage, (double)staff - a) < 0.0)
        a -= 1.0;
    while (a < (double)staff && fma(-(double)staff, shrinkage, (double)staff - a - 1.0) >= 0.0)
        a += 1.0;
    *out = (uint32_t)a;
    return SVCM_OK;
}

int svcm_erlang_eval(double traffic, double aht_s, uint32_t agents,
                     const svcm_erlang_options *opts, struct svcm_erlang_result *out,
                     svcm_error *err)
{
    svcm_erlang_options defaults;
    if (opts == NULL) {
        svcm_erlang_options_init(&defaults);
        opts = &defaults;
    }
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    int rc = check_traffic(traffic, err);
    if (rc == SVCM_OK)
        rc = check_aht(aht_s, err);
    if (rc == SVCM_OK)
        rc = check_agents(agents, 1, err);
    if (rc == SVCM_OK)
        rc = check_options(opts, err);
    if (rc != SVCM_OK)
        return rc;
    struct svcm_erlang_result r;
    double c = 1.0;
    if ((double)agents > traffic)
        c = erlang_c_from_b(traffic, agents, erlang_b_run(traffic, agents));
    fill_measures(traffic, aht_s, agents, c, opts->target_answer_s, &r);
    rc = svcm_erlang_staff_with_shrinkage(agents, opts->shrinkage, &r.staff, err);
    if (rc != SVCM_OK)
        return rc;
    *out = r;
    return SVCM_OK;
}

/* The search itself, on validated input. Returns SVCM_OK or SVCM_ERANGE
 * (with err filled, index as given). */
static int staff_search(double traffic, double aht_s, const svcm_erlang_options *o,
                        struct svcm_erlang_result *out, size_t index, svcm_error *err)
{
    /* The first stable N is floor(A) + 1; below it C = 1 and no goal with
     * target_sl > 0 or a finite ASA can be met, and occupancy would be 1. */
    double first = floor(traffic) + 1.0;
    if (first > (double)o->max_agents)
        return svcm__error(err, SVCM_ERANGE, index, "traffic",
                           "%.6g Erlangs need more than max_agents = %u agents",
                           traffic, (unsigned)o->max_agents);
    uint32_t n = (uint32_t)first;
    double b = erlang_b_run(traffic, n);
    for (;;) {
        double c = erlang_c_from_b(traffic, n, b);
        struct svcm_erlang_result r;
        fill_measures(traffic, aht_s, n, c, o->target_answer_s, &r);
        if (r.service_level >= o->target_sl && r.occupancy <= o->max_occupancy &&
            r.asa_s <= o->max_asa_s) {
            int rc = svcm_erlang_staff_with_shrinkage(n, o->shrinkage, &r.staff, err);
            if (rc != SVCM_OK) {
                if (err != NULL)
                    err->index = index;
                return rc;
            }
            *out = r;
            return SVCM_OK;
        }
        if (n >= o->max_agents)
            break;
        n++;
        b = erlang_b_step(traffic, b, n); /* reuse B(n-1): one step per candidate */
    }
    return svcm__error(err, SVCM_ERANGE, index, "traffic",
                       "no agent count up to max_agents = %u meets the goals",
                       (unsigned)o->max_agents);
}

int svcm_erlang_staff(double traffic, double aht_s, const svcm_erlang_options *opts,
                      struct svcm_erlang_result *out, svcm_error *err)
{
    svcm_erlang_options defaults;
    if (opts == NULL) {
        svcm_erlang_options_init(&defaults);
        opts = &defaults;
    }
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    int rc = check_traffic(traffic, err);
    if (rc == SVCM_OK)
        rc = check_aht(aht_s, err);
    if (rc == SVCM_OK)
        rc = check_options(opts, err);
    if (rc != SVCM_OK)
        return rc;
    return staff_search(traffic, aht_s, opts, out, SVCM_NO_INDEX, err);
}

int svcm_erlang_staff_batch(const double *traffic, const double *aht_s, size_t n,
                            const svcm_erlang_options *opts, struct svcm_erlang_result *out,
                            svcm_error *err)
{
    svcm_erlang_options defaults;
    if (opts == NULL) {
        svcm_erlang_options_init(&defaults);
        opts = &defaults;
    }
    if (n > 0 && (traffic == NULL || aht_s == NULL || out == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL array with n > 0");
    int rc = check_options(opts, err);
    if (rc != SVCM_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (!svcm__finite(traffic[i]) || traffic[i] < 0.0)
            return svcm__error(err, SVCM_EINVAL, i, "traffic",
                               "traffic must be finite and >= 0 Erlangs");
        if (!svcm__finite(aht_s[i]) || !(aht_s[i] > 0.0))
            return svcm__error(err, SVCM_EINVAL, i, "aht_s",
                               "average handle time must be finite and > 0 seconds");
    }
    /* Search every interval before writing any output, so that an
     * unreachable goal in interval i leaves out untouched. The searches are
     * cheap (O(N) each) and their results are kept only in the second pass
     * to avoid an allocation. */
    for (size_t i = 0; i < n; i++) {
        struct svcm_erlang_result r;
        rc = staff_search(traffic[i], aht_s[i], opts, &r, i, err);
        if (rc != SVCM_OK)
            return rc;
    }
    for (size_t i = 0; i < n; i++)
        (void)staff_search(traffic[i], aht_s[i], opts, &out[i], i, err);
    return SVCM_OK;
}

int svcm_erlang_eval_staff(double traffic, double aht_s, uint32_t staff,
                           const svcm_erlang_options *opts, struct svcm_erlang_result *out,
                           svcm_error *err)
{
    svcm_erlang_options defaults;
    if (opts == NULL) {
        svcm_erlang_options_init(&defaults);
        opts = &defaults;
    }
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    int rc = check_options(opts, err);
    if (rc != SVCM_OK)
        return rc;
    uint32_t agents = 0;
    rc = svcm_erlang_agents_from_staff(staff, opts->shrinkage, &agents, err);
    if (rc != SVCM_OK)
        return rc;
    if (agents == 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "staff",
                           "%u staff leave no agent after %.9g shrinkage",
                           (unsigned)staff, opts->shrinkage);
    struct svcm_erlang_result r;
    rc = svcm_erlang_eval(traffic, aht_s, agents, opts, &r, err);
    if (rc != SVCM_OK)
        return rc;
    r.staff = staff;
    *out = r;
    return SVCM_OK;
}

/* ------------------------------------------------------- Erlang B inverse */

int svcm_erlang_b_trunks(double traffic, double blocking, uint32_t *out, svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    int rc = check_traffic(traffic, err);
    if (rc != SVCM_OK)
        return rc;
    if (!(blocking > 0.0 && blocking <= 1.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "blocking",
                           "blocking target must be in (0, 1]");
    /* Carried traffic A (1 - B) cannot exceed N, so B <= blocking needs
     * N >= A (1 - blocking): beyond the agent limit, say so before the
     * recursion runs up to it. */
    if (traffic * (1.0 - blocking) > (double)SVCM_ERLANG_MAX_AGENTS)
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "traffic",
                           "more than %u trunks needed", (unsigned)SVCM_ERLANG_MAX_AGENTS);
    /* B decreases strictly in N, so the first N at or below the target is
     * the least; one recursion step per candidate. */
    double b = 1.0;
    uint32_t n = 0;
    while (b > blocking) {
        if (n >= SVCM_ERLANG_MAX_AGENTS)
            return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "traffic",
                               "more than %u trunks needed",
                               (unsigned)SVCM_ERLANG_MAX_AGENTS);
        n++;
        b = erlang_b_step(traffic, b, n);
    }
    *out = n;
    return SVCM_OK;
}

int svcm_erlang_b_capacity(uint32_t trunks, double blocking, double *out, svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    int rc = check_agents(trunks, 1, err);
    if (rc != SVCM_OK) {
        if (err != NULL)
            err->field = "trunks";
        return rc;
    }
    if (!(blocking > 0.0 && blocking < 1.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "blocking",
                           "blocking target must be in (0, 1)");
    double n = (double)trunks, lo = 0.0, hi = n / (1.0 - blocking);
    double a = 0.5 * hi;
    for (int it = 0; it < 200 && hi - lo > 4.0 * DBL_EPSILON * hi; it++) {
        double b = erlang_b_run(a, trunks);
        if (b > blocking)
            hi = a;
        else
            lo = a;
        /* dB/dA = B (N / A - 1 + B) (differentiate the sum form of 1/B). */
        double slope = b * (n / a - 1.0 + b);
        double next = a - (b - blocking) / slope;
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi); /* Newton left the bracket: bisect */
        if (fabs(next - a) <= 2.0 * DBL_EPSILON * a) {
            a = next;
            break;
        }
        a = next;
    }
    *out = a;
    return SVCM_OK;
}

/* ---------------------------------------------------- fractional agents */

/* Gamma(a, x) e^x x^-a by a continued fraction (Legendre's, evaluated
 * front to back by the modified Lentz method), for x >= a + 1 where it
 * converges fast. */
static double upper_gamma_cf(double a, double x)
{
    const double tiny = 1e-300;
    double bk = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / bk, h = d;
    for (int k = 1; k < 10000; k++) {
        double ak = -(double)k * ((double)k - a);
        bk += 2.0;
        d = ak * d + bk;
        d = fabs(d) < tiny ? tiny : d;
        c = bk + ak / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        double step = c * d;
        h *= step;
        if (fabs(step - 1.0) < 1e-16)
            break;
    }
    return h;
}

/* 1 / B(f, A) = e^A A^-f Gamma(f + 1, A) for 0 < f < 1 and A > 0
 * (Jagerman 1974). Below a + 1 the lower function's series
 * gamma(a, x) = e^-x x^a sum_n x^n / (a (a+1) ... (a+n)) is used. */
static double erlang_b_inv_frac(double traffic, double f)
{
    double a = f + 1.0;
    if (traffic >= a + 1.0)
        return traffic * upper_gamma_cf(a, traffic);
    double term = 1.0 / a, sum = term;
    for (int k = 1; k < 1000 && term > 1e-17 * sum; k++) {
        term *= traffic / (a + (double)k);
        sum += term;
    }
    return exp(traffic) * pow(traffic, -f) * tgamma(a) - traffic * sum;
}

static double erlang_b_real(double traffic, double agents)
{
    double whole = floor(agents), f = agents - whole;
    if (traffic == 0.0)
        return agents == 0.0 ? 1.0 : 0.0;
    double b = f > 0.0 ? 1.0 / erlang_b_inv_frac(traffic, f) : 1.0;
    /* The recursion holds for real x: B(x) = A B(x-1) / (x + A B(x-1)). */
    uint32_t steps = (uint32_t)whole;
    for (uint32_t k = 1; k <= steps && b > 0.0; k++) {
        double ab = traffic * b;
        b = ab / ((f + (double)k) + ab);
    }
    return b;
}

static int check_real_agents(double agents, bool positive, svcm_error *err)
{
    if (!svcm__finite(agents) || agents < 0.0 || (positive && !(agents > 0.0)) ||
        agents > (double)SVCM_ERLANG_MAX_AGENTS)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "agents",
                           "agents must be finite and in %s0, %u]", positive ? "(" : "[",
                           (unsigned)SVCM_ERLANG_MAX_AGENTS);
    return SVCM_OK;
}

int svcm_erlang_b_frac(double traffic, double agents, double *out, svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    int rc = check_traffic(traffic, err);
    if (rc == SVCM_OK)
        rc = check_real_agents(agents, false, err);
    if (rc != SVCM_OK)
        return rc;
    *out = erlang_b_real(traffic, agents);
    return SVCM_OK;
}

int svcm_erlang_c_frac(double traffic, double agents, double *out, svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    int rc = check_traffic(traffic, err);
    if (rc == SVCM_OK)
        rc = check_real_agents(agents, true, err);
    if (rc != SVCM_OK)
        return rc;
    if (agents <= traffic) {
        *out = 1.0;
        return SVCM_OK;
    }
    double b = erlang_b_real(traffic, agents);
    double c = agents * b / (agents - traffic * (1.0 - b));
    *out = c > 1.0 ? 1.0 : c;
    return SVCM_OK;
}

/* The measures of the continuous Erlang C at x > A (x <= A: unstable). */
static void frac_measures(double traffic, double aht_s, double x, double target_s,
                          struct svcm_erlang_frac_result *r)
{
    r->agents = x;
    r->traffic = traffic;
    if (x <= traffic) {
        r->p_wait = 1.0;
        r->service_level = 0.0;
        r->asa_s = INFINITY;
        r->occupancy = 1.0;
        return;
    }
    double b = erlang_b_real(traffic, x);
    double c = x * b / (x - traffic * (1.0 - b));
    c = c > 1.0 ? 1.0 : c;
    double gap = x - traffic, sl = 1.0 - c * exp(-gap * target_s / aht_s);
    r->p_wait = c;
    r->service_level = sl < 0.0 ? 0.0 : sl;
    r->asa_s = c * aht_s / gap;
    r->occupancy = traffic / x;
}

static bool frac_meets(const struct svcm_erlang_frac_result *r, const svcm_erlang_options *o)
{
    return r->agents > r->traffic && r->service_level >= o->target_sl &&
           r->occupancy <= o->max_occupancy && r->asa_s <= o->max_asa_s;
}

int svcm_erlang_staff_frac(double traffic, double aht_s, const svcm_erlang_options *opts,
                           struct svcm_erlang_frac_result *out, svcm_error *err)
{
    svcm_erlang_options defaults;
    if (opts == NULL) {
        svcm_erlang_options_init(&defaults);
        opts = &defaults;
    }
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "output is NULL");
    int rc = check_traffic(traffic, err);
    if (rc == SVCM_OK)
        rc = check_aht(aht_s, err);
    if (rc == SVCM_OK)
        rc = check_options(opts, err);
    if (rc != SVCM_OK)
        return rc;
    struct svcm_erlang_result whole;
    rc = staff_search(traffic, aht_s, opts, &whole, SVCM_NO_INDEX, err);
    if (rc != SVCM_OK)
        return rc;
    /* hi meets the goals; lo fails them (n - 1 by the integer search, or A,
     * where the queue is unstable). Every measure is monotone in x, so
     * bisection keeps that invariant down to adjacent doubles. */
    double hi = (double)whole.agents, lo = hi - 1.0;
    if (lo < traffic)
        lo = traffic;
    struct svcm_erlang_frac_result best, r;
    frac_measures(traffic, aht_s, hi, opts->target_answer_s, &best);
    for (;;) {
        double mid = lo + 0.5 * (hi - lo);
        if (!(mid > lo && mid < hi))
            break;
        frac_measures(traffic, aht_s, mid, opts->target_answer_s, &r);
        if (frac_meets(&r, opts)) {
            hi = mid;
            best = r;
        } else {
            lo = mid;
        }
    }
    best.staff = best.agents / (1.0 - opts->shrinkage);
    *out = best;
    return SVCM_OK;
}
