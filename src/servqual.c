/* SERVQUAL gap scores (Parasuraman, Zeithaml & Berry 1988). */
#include <string.h>

#include "internal.h"
#include "svcm/kpi.h"

static const char *const dimension_names[SVCM_SERVQUAL_DIMENSIONS] = {
    "tangibles", "reliability", "responsiveness", "assurance", "empathy",
};

/* Items per dimension of the 22-item instrument (PZB 1988, Appendix):
 * 1-4 tangibles, 5-9 reliability, 10-13 responsiveness, 14-17 assurance,
 * 18-22 empathy. */
static const int standard_last_item[SVCM_SERVQUAL_DIMENSIONS] = {4, 9, 13, 17, 22};

const char *svcm_servqual_dimension_name(int dimension)
{
    if (dimension < 0 || dimension >= SVCM_SERVQUAL_DIMENSIONS)
        return NULL;
    return dimension_names[dimension];
}

static int standard_dimension(size_t item)
{
    int d = 0;
    while ((int)item + 1 > standard_last_item[d])
        d++;
    return d;
}

int svcm_servqual(const double *expectations, const double *perceptions, size_t n_items,
                  const int *dimension_of, const double *weights, struct svcm_servqual_result *out,
                  svcm_error *err)
{
    if (expectations == NULL || perceptions == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "a required pointer is NULL");
    if (dimension_of == NULL && n_items != SVCM_SERVQUAL_ITEMS)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL,
                           "the standard mapping needs 22 items, got %zu", n_items);
    struct svcm_servqual_result r;
    memset(&r, 0, sizeof r);
    double sum_e[SVCM_SERVQUAL_DIMENSIONS] = {0}, sum_p[SVCM_SERVQUAL_DIMENSIONS] = {0};
    double sum_g[SVCM_SERVQUAL_DIMENSIONS] = {0};
    for (size_t i = 0; i < n_items; i++) {
        if (!svcm__finite(expectations[i]))
            return svcm__error(err, SVCM_EINVAL, i, "expectation", "expectation is not finite");
        if (!svcm__finite(perceptions[i]))
            return svcm__error(err, SVCM_EINVAL, i, "perception", "perception is not finite");
        int d = dimension_of ? dimension_of[i] : standard_dimension(i);
        if (d < 0 || d >= SVCM_SERVQUAL_DIMENSIONS)
            return svcm__error(err, SVCM_EINVAL, i, "dimension", "unknown dimension %d", d);
        sum_e[d] += expectations[i];
        sum_p[d] += perceptions[i];
        sum_g[d] += perceptions[i] - expectations[i];
        r.items[d]++;
    }
    for (int d = 0; d < SVCM_SERVQUAL_DIMENSIONS; d++)
        if (r.items[d] == 0)
            return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "dimension",
                               "dimension '%s' has no items", dimension_names[d]);
    double wsum = 0.0;
    for (int d = 0; d < SVCM_SERVQUAL_DIMENSIONS; d++) {
        double w = weights ? weights[d] : 1.0;
        if (!svcm__finite(w) || w < 0.0)
            return svcm__error(err, SVCM_EINVAL, (size_t)d, "weight",
                               "weight must be finite and non-negative");
        wsum += w;
    }
    if (!(wsum > 0.0) || !svcm__finite(wsum))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "weight",
                           "weights must not all be zero and their sum must be finite");
    for (int d = 0; d < SVCM_SERVQUAL_DIMENSIONS; d++) {
        double k = (double)r.items[d];
        r.expectation[d] = sum_e[d] / k;
        r.perception[d] = sum_p[d] / k;
        r.gap[d] = sum_g[d] / k;
        if (!svcm__finite(sum_e[d]) || !svcm__finite(sum_p[d]) || !svcm__finite(sum_g[d])) {
            /* A sum beyond DBL_MAX: the means may still fit, so add the
             * scores pre-divided by the item count instead. */
            r.expectation[d] = r.perception[d] = r.gap[d] = 0.0;
            for (size_t i = 0; i < n_items; i++) {
                if ((dimension_of ? dimension_of[i] : standard_dimension(i)) != d)
                    continue;
                r.expectation[d] += expectations[i] / k;
                r.perception[d] += perceptions[i] / k;
                r.gap[d] += perceptions[i] / k - expectations[i] / k;
            }
        }
        r.weight[d] = (weights ? weights[d] : 1.0) / wsum;
        r.unweighted += r.gap[d] / SVCM_SERVQUAL_DIMENSIONS;
        r.weighted += r.weight[d] * r.gap[d];
    }
    for (int d = 0; d < SVCM_SERVQUAL_DIMENSIONS; d++)
        if (!svcm__finite(r.expectation[d]) || !svcm__finite(r.perception[d]) ||
            !svcm__finite(r.gap[d]))
            return svcm__error(err, SVCM_ERANGE, (size_t)d, "gap",
                               "the mean gap of '%s' overflows a double", dimension_names[d]);
    if (!svcm__finite(r.weighted) || !svcm__finite(r.unweighted))
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, "gap",
                           "the combined gap overflows a double");
    *out = r;
    return SVCM_OK;
}
