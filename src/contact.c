/* Contact-centre metrics from interval counts: service level (four
 * treatments of abandoned calls), ASA, abandonment, AHT, occupancy. */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "svcm/erlang.h"

/* The fields in declaration order, with their names for error reports. */
#define SVCM__CONTACT_FIELDS(X)                                                \
    X(answered)                                                                \
    X(answered_within_target)                                                  \
    X(abandoned)                                                               \
    X(abandoned_within_target)                                                 \
    X(abandoned_short)                                                         \
    X(wait_time_s)                                                             \
    X(handled)                                                                 \
    X(talk_time_s)                                                             \
    X(hold_time_s)                                                             \
    X(acw_time_s)                                                              \
    X(staffed_time_s)

static int check_counts(const svcm_contact_counts *c, size_t index, svcm_error *err)
{
#define SVCM__CHECK(f)                                                         \
    if (!svcm__finite(c->f) || c->f < 0.0)                                     \
        return svcm__error(err, SVCM_EINVAL, index, #f,                        \
                           #f " must be finite and >= 0");
    SVCM__CONTACT_FIELDS(SVCM__CHECK)
#undef SVCM__CHECK
    if (c->answered_within_target > c->answered)
        return svcm__error(err, SVCM_EINVAL, index, "answered_within_target",
                           "answered within target exceeds answered");
    if (c->abandoned_within_target > c->abandoned)
        return svcm__error(err, SVCM_EINVAL, index, "abandoned_within_target",
                           "abandoned within target exceeds abandoned");
    if (c->abandoned_short > c->abandoned)
        return svcm__error(err, SVCM_EINVAL, index, "abandoned_short",
                           "short abandons exceed abandoned");
    return SVCM_OK;
}

/* num / den, NaN when den is 0: the metric is undefined, not zero. */
static double ratio(double num, double den)
{
    return den > 0.0 ? num / den : NAN;
}

static int compute(const svcm_contact_counts *c, svcm_contact_metrics *out, size_t index,
                   svcm_error *err)
{
    svcm_contact_metrics m;
    double offered = c->answered + c->abandoned;
    double abandoned_after = c->abandoned - c->abandoned_within_target;
    double handle = c->talk_time_s + c->hold_time_s + c->acw_time_s;
    m.offered = offered;
    /* The four treatments of abandoned calls in ICMI's "Service Level
     * Calculations" (QueueTips, 2002) and Cisco ICM's service-level types. */
    m.sl_answered = ratio(c->answered_within_target, c->answered);
    m.sl_offered = ratio(c->answered_within_target, offered);
    m.sl_excl_short = ratio(c->answered_within_target, c->answered + abandoned_after);
    m.sl_abandon_positive =
        ratio(c->answered_within_target + c->abandoned_within_target, offered);
    m.asa_s = ratio(c->wait_time_s, c->answered);
    m.abandon_rate = ratio(c->abandoned, offered);
    /* The denominator as answered + (abandoned - short), not offered - short:
     * offered rounds when answered is tiny next to abandoned, and offered -
     * short could then be 0 with answered calls in the interval. */
    double long_abandons = c->abandoned - c->abandoned_short;
    m.abandon_rate_excl_short = ratio(long_abandons, c->answered + long_abandons);
    m.aht_s = ratio(handle, c->handled);
    m.occupancy = ratio(handle, c->staffed_time_s);
    /* Sums of fields near DBL_MAX, or a large total over a tiny count, do
     * not fit in a double: no metric may come out infinite. */
#define SVCM__FINITE(f)                                                        \
    if (isinf(m.f))                                                            \
        return svcm__error(err, SVCM_ERANGE, index, #f, #f " overflows a double");
    SVCM__FINITE(offered)
    SVCM__FINITE(sl_offered)
    SVCM__FINITE(sl_abandon_positive)
    SVCM__FINITE(asa_s)
    SVCM__FINITE(aht_s)
    SVCM__FINITE(occupancy)
#undef SVCM__FINITE
    if (out != NULL)
        *out = m;
    return SVCM_OK;
}

int svcm_contact_metrics_compute(const svcm_contact_counts *counts,
                                 svcm_contact_metrics *out, svcm_error *err)
{
    if (counts == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    int rc = check_counts(counts, SVCM_NO_INDEX, err);
    if (rc != SVCM_OK)
        return rc;
    return compute(counts, out, SVCM_NO_INDEX, err);
}

int svcm_contact_metrics_batch(const svcm_contact_counts *counts, size_t n,
                               svcm_contact_metrics *out, svcm_error *err)
{
    if (n > 0 && (counts == NULL || out == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL array with n > 0");
    for (size_t i = 0; i < n; i++) {
        int rc = check_counts(&counts[i], i, err);
        if (rc == SVCM_OK)
            rc = compute(&counts[i], NULL, i, err); /* overflow check only */
        if (rc != SVCM_OK)
            return rc;
    }
    for (size_t i = 0; i < n; i++)
        (void)compute(&counts[i], &out[i], i, err);
    return SVCM_OK;
}

int svcm_contact_counts_sum(const svcm_contact_counts *counts, size_t n,
                            svcm_contact_counts *out, svcm_error *err)
{
    if (out == NULL || (n > 0 && counts == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    svcm_contact_counts sum;
    memset(&sum, 0, sizeof sum);
    for (size_t i = 0; i < n; i++) {
        int rc = check_counts(&counts[i], i, err);
        if (rc != SVCM_OK)
            return rc;
#define SVCM__ADD(f)                                                           \
    sum.f += counts[i].f;                                                      \
    if (!svcm__finite(sum.f))                                                  \
        return svcm__error(err, SVCM_ERANGE, i, #f, "sum of " #f " overflows");
        SVCM__CONTACT_FIELDS(SVCM__ADD)
#undef SVCM__ADD
    }
    *out = sum;
    return SVCM_OK;
}
