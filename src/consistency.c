/* Consistency of one KPI across channels: mean, SD and coefficient of
 * variation. */
#include <math.h>

#include "internal.h"
#include "svcm/kpi.h"

int svcm_consistency(const double *values, size_t n, struct svcm_consistency_result *out,
                     svcm_error *err)
{
    if ((values == NULL && n > 0) || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "a required pointer is NULL");
    for (size_t i = 0; i < n; i++)
        if (!svcm__finite(values[i]))
            return svcm__error(err, SVCM_EINVAL, i, "value", "value is not finite");
    if (n < 2)
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, NULL,
                           "need at least two channels, got %zu", n);
    /* Two passes: the mean first, then squared deviations from it, which
     * avoids the cancellation of sum(x^2) - n * mean^2. */
    double sum = 0.0, lo = values[0], hi = values[0];
    for (size_t i = 0; i < n; i++) {
        sum += values[i];
        lo = fmin(lo, values[i]);
        hi = fmax(hi, values[i]);
    }
    double mean = sum / (double)n;
    if (!svcm__finite(mean)) {
        /* The sum overflowed but the mean of finite values always fits:
         * add the values pre-divided by n (each |x / n| <= DBL_MAX / n). */
        mean = 0.0;
        for (size_t i = 0; i < n; i++)
            mean += values[i] / (double)n;
    }
    if (mean == 0.0)
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "value",
                           "mean is 0: the coefficient of variation is undefined");
    double ss = 0.0, scale = 1.0;
    for (size_t i = 0; i < n; i++)
        ss += (values[i] - mean) * (values[i] - mean);
    if (!svcm__finite(ss)) {
        /* Deviations beyond ~1e154 overflow when squared: redo the sum in
         * units of the largest magnitude, where every term is at most 4. */
        scale = fmax(fabs(lo), fabs(hi));
        ss = 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = values[i] / scale - mean / scale;
            ss += d * d;
        }
    }
    struct svcm_consistency_result r;
    r.n = n;
    r.mean = mean;
    r.sd = scale * sqrt(ss / (double)(n - 1));
    r.sd_population = scale * sqrt(ss / (double)n);
    r.cv = r.sd / fabs(mean);
    r.cv_population = r.sd_population / fabs(mean);
    if (!svcm__finite(r.cv))
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "value",
                           "the coefficient of variation overflows (mean %g, sd %g)", mean,
                           r.sd);
    r.min = lo;
    r.max = hi;
    *out = r;
    return SVCM_OK;
}
