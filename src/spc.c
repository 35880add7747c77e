/* Statistical process control: individuals (XmR) limits and the Western
 * Electric run rules. */
#include "internal.h"
#include "svcm/pdca.h"

/* d2 for subgroups of 2: the expected range of two standard normal draws,
 * 2 / sqrt(pi) = 1.1284; control-chart tables round it to 1.128 (Montgomery,
 * Introduction to Statistical Quality Control, Appendix VI), as we do. */
#define SVCM__D2_N2 1.128

int svcm_xmr_limits(const double *x, size_t n, svcm_xmr *out, svcm_error *err)
{
    if (out == NULL || (x == NULL && n > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    if (n < 2)
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, NULL,
                           "an XmR chart needs at least 2 points, got %zu", n);
    double big = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!svcm__finite(x[i]))
            return svcm__error(err, SVCM_EINVAL, i, "value", "point is not finite");
        if (fabs(x[i]) > big)
            big = fabs(x[i]);
    }
    /* Work on x / 2^e with |x / 2^e| < 1: the sum and the moving ranges
     * cannot overflow, and scaling by a power of 2 is exact, so ordinary
     * data give the same bits as unscaled arithmetic. */
    int e = 0;
    (void)frexp(big, &e);
    double sum = 0.0, mr = 0.0;
    for (size_t i = 0; i < n; i++) {
        sum += ldexp(x[i], -e);
        if (i > 0)
            mr += fabs(ldexp(x[i], -e) - ldexp(x[i - 1], -e));
    }
    svcm_xmr r;
    r.n = n;
    r.center = sum / (double)n;
    r.mr_bar = mr / (double)(n - 1);
    r.sigma = r.mr_bar / SVCM__D2_N2;
    r.ucl = ldexp(r.center + 3.0 * r.sigma, e);
    r.lcl = ldexp(r.center - 3.0 * r.sigma, e);
    r.center = ldexp(r.center, e);
    r.mr_bar = ldexp(r.mr_bar, e);
    r.sigma = ldexp(r.sigma, e);
    if (!svcm__finite(r.ucl) || !svcm__finite(r.lcl) || !svcm__finite(r.mr_bar))
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, NULL,
                           "the control limits exceed the double range");
    *out = r;
    return SVCM_OK;
}

/* Side of point x beyond k sigma: +1 above, -1 below, 0 within. */
static int beyond(double x, double mean, double sigma, double k)
{
    double d = x - mean, ks = k * sigma;
    if (!isfinite(d)) { /* |x - mean| > DBL_MAX: compare halves, exact for such x */
        d = 0.5 * x - 0.5 * mean;
        ks = k * (0.5 * sigma);
    }
    if (d > ks)
        return 1;
    if (d < -ks)
        return -1;
    return 0;
}

/* A point's zone: its side of the centre line (0 on it) and how many of
 * the 1, 2, 3 sigma lines it is strictly beyond on that side. */
typedef struct zone {
    signed char side;
    signed char level;
} zone;

static zone zone_of(double x, double mean, double sigma)
{
    zone z = {(signed char)beyond(x, mean, sigma, 0.0), 0};
    for (int k = 1; k <= 3 && beyond(x, mean, sigma, (double)k) != 0; k++)
        z.level = (signed char)k;
    return z;
}

/* How many of the last m zones (ring of 5, newest at i) are on side with
 * level >= lvl. */
static size_t hits(const zone *ring, size_t i, size_t m, int side, int lvl)
{
    size_t h = 0;
    for (size_t j = 0; j < m && j <= i; j++) {
        zone z = ring[(i - j) % 5];
        if (z.side == side && z.level >= lvl)
            h++;
    }
    return h;
}

/* One scan over x: counts the signals and writes them to out when out is
 * not NULL (the caller guarantees room). Each rule fires at the point that
 * completes its pattern, only when that point takes part in it. */
static size_t scan(const double *x, size_t n, double mean, double sigma, svcm_we_signal *out)
{
    zone ring[5];
    size_t count = 0, run = 0;
    int run_side = 0;
    for (size_t i = 0; i < n; i++) {
        zone z = zone_of(x[i], mean, sigma);
        ring[i % 5] = z;
        run = (z.side != 0 && z.side == run_side) ? run + 1 : (z.side != 0 ? 1 : 0);
        run_side = z.side;
        bool fire[SVCM_WE_RULES] = {
            z.level >= 3,                                               /* 1 beyond 3 sigma */
            z.level >= 2 && hits(ring, i, 3, z.side, 2) >= 2,           /* 2 of 3 beyond 2 */
            z.level >= 1 && hits(ring, i, 5, z.side, 1) >= 4,           /* 4 of 5 beyond 1 */
            run >= 8,                                                   /* 8 on one side */
        };
        for (int r = 0; r < SVCM_WE_RULES; r++) {
            if (!fire[r])
                continue;
            if (out != NULL)
                out[count] = (svcm_we_signal){r + 1, i};
            count++;
        }
    }
    return count;
}

int svcm_western_electric(const double *x, size_t n, double mean, double sigma,
                          svcm_we_signal *out, size_t cap, size_t *count, svcm_error *err)
{
    if (count == NULL || (x == NULL && n > 0) || (out == NULL && cap > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL argument");
    if (!svcm__finite(mean))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "mean", "mean is not finite");
    if (!svcm__finite(sigma) || sigma < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "sigma",
                           "sigma must be finite and >= 0");
    for (size_t i = 0; i < n; i++)
        if (!svcm__finite(x[i]))
            return svcm__error(err, SVCM_EINVAL, i, "value", "point is not finite");
    /* Write in one pass when 4 n signals surely fit; else count first, so
     * that nothing is written when they do not. */
    size_t total;
    if (n <= cap / SVCM_WE_RULES) {
        total = scan(x, n, mean, sigma, out);
    } else {
        total = scan(x, n, mean, sigma, NULL);
        if (total <= cap)
            (void)scan(x, n, mean, sigma, out);
    }
    *count = total;
    if (total > cap)
        return svcm__error(err, SVCM_ENOSPC, SVCM_NO_INDEX, NULL,
                           "%zu signals do not fit in %zu", total, cap);
    return SVCM_OK;
}
