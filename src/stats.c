/* Statistics helpers: normal and t distributions, Wilson, Welch, z-test,
 * Welford moments. */
#include <float.h>
#include <math.h>

#include "bytes.h"
#include "internal.h"
#include "svcm/stats.h"

#define SVCM__SQRT2 1.41421356237309504880
#define SVCM__SQRT2PI 2.50662827463100050242
#define SVCM__PI 3.14159265358979323846

int svcm_normal_cdf(double x, double *out)
{
    if (out == NULL || isnan(x))
        return SVCM_EINVAL;
    *out = 0.5 * erfc(-x / SVCM__SQRT2);
    return SVCM_OK;
}

/* Lower-tail quantile for p in (0, 0.5]: Acklam's rational approximation
 * (relative error 1.15e-9), then Halley steps on Phi(x) - p computed with
 * erfc, which converge cubically to full double precision. */
static double normal_quantile_lower(double p)
{
    static const double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                -2.759285104469687e+02, 1.383577518672690e+02,
                                -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                -1.556989798598866e+02, 6.680131188771972e+01,
                                -1.328068155288572e+01};
    static const double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                -2.400758277161838e+00, -2.549732539343734e+00,
                                4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[4] = {7.784695709041462e-03, 3.224671290700398e-01,
                                2.445134137142996e+00, 3.754408661907416e+00};
    double x;
    if (p < 0.02425) {
        double q = sqrt(-2.0 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    } else {
        double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
    }
    for (int i = 0; i < 2; i++) {
        /* u = (Phi(x) - p) / phi(x), written as a ratio to p so that it stays
         * representable deep in the tail. */
        double cdf = 0.5 * erfc(-x / SVCM__SQRT2);
        double log_phi = -0.5 * x * x - log(SVCM__SQRT2PI);
        double u = (cdf - p) * exp(-log_phi);
        if (!isfinite(u))
            break;
        x = x - u / (1.0 + 0.5 * x * u);
    }
    return x;
}

int svcm_normal_quantile(double p, double *out)
{
    if (out == NULL || !(p > 0.0 && p < 1.0))
        return SVCM_EINVAL;
    if (p <= 0.5)
        *out = normal_quantile_lower(p);
    else
        *out = -normal_quantile_lower(1.0 - p); /* 1 - p is exact here */
    return SVCM_OK;
}

/* Continued fraction for the incomplete beta function (modified Lentz). */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 100000; m++) {
        double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 4.0 * DBL_EPSILON)
            break;
    }
    return h;
}

/* Regularized incomplete beta I_x(a, b), given x and y = 1 - x computed
 * without cancellation by the caller. */
static double ibeta(double a, double b, double x, double y)
{
    if (x <= 0.0)
        return 0.0;
    if (y <= 0.0)
        return 1.0;
    double lfront = svcm__lgamma(a + b) - svcm__lgamma(a) - svcm__lgamma(b) + a * log(x) + b * log(y);
    if (x < (a + 1.0) / (a + b + 2.0))
        return exp(lfront) * beta_cf(a, b, x) / a;
    return 1.0 - exp(lfront) * beta_cf(b, a, y) / b;
}

/* P(T <= t) for t <= 0 or t > 0, with the tail computed directly. */
static double t_cdf(double t, double df)
{
    if (isinf(df) || df > 1e12)
        return 0.5 * erfc(-t / SVCM__SQRT2);
    if (isinf(t))
        return t > 0 ? 1.0 : 0.0;
    double t2 = t * t;
    double x = df / (df + t2), y = t2 / (df + t2);
    double tail = 0.5 * ibeta(0.5 * df, 0.5, x, y); /* P(T > |t|) */
    return t > 0 ? 1.0 - tail : tail;
}

static double t_pdf(double t, double df)
{
    if (isinf(df) || df > 1e12)
        return exp(-0.5 * t * t) / SVCM__SQRT2PI;
    double lc = svcm__lgamma(0.5 * (df + 1.0)) - svcm__lgamma(0.5 * df) - 0.5 * log(df * SVCM__PI);
    return exp(lc - 0.5 * (df + 1.0) * log1p(t * t / df));
}

int svcm_t_cdf(double t, double df, double *out)
{
    if (out == NULL || isnan(t) || isnan(df) || !(df > 0.0))
        return SVCM_EINVAL;
    *out = t_cdf(t, df);
    return SVCM_OK;
}

/* Solve t_cdf(x) = q for q in (0, 0.5], x <= 0: bracket, then Newton steps
 * safeguarded by bisection. */
static double t_quantile_lower(double q, double df)
{
    double z = normal_quantile_lower(q);
    if (q == 0.5)
        return 0.0;
    double hi = 0.0, lo = z < -1.0 ? 2.0 * z : -2.0;
    while (t_cdf(lo, df) > q) {
        hi = lo;
        lo *= 4.0;
        if (lo < -1e300)
            return -INFINITY;
    }
    double x = z < lo || z > hi ? 0.5 * (lo + hi) : z;
    for (int i = 0; i < 200; i++) {
        double f = t_cdf(x, df) - q;
        if (f == 0.0)
            return x;
        if (f > 0.0)
            hi = x;
        else
            lo = x;
        double pdf = t_pdf(x, df);
        double nx = pdf > 0.0 ? x - f / pdf : 0.5 * (lo + hi);
        if (!(nx > lo && nx < hi))
            nx = 0.5 * (lo + hi);
        if (fabs(nx - x) <= 1e-15 * fabs(x) + 1e-300)
            return nx;
        x = nx;
    }
    return x;
}

int svcm_t_quantile(double p, double df, double *out)
{
    if (out == NULL || !(p > 0.0 && p < 1.0) || isnan(df) || !(df > 0.0))
        return SVCM_EINVAL;
    if (isinf(df) || df > 1e12)
        return svcm_normal_quantile(p, out);
    *out = p <= 0.5 ? t_quantile_lower(p, df) : -t_quantile_lower(1.0 - p, df);
    return SVCM_OK;
}

/* Two-sided critical value z(1 - (1 - confidence) / 2), taken from the lower
 * tail: 0.5 + 0.5 c rounds to 1 for c within 2^-53 of 1, (1 - c) / 2 does not. */
static int z_crit(double confidence, double *z)
{
    if (!(confidence > 0.0 && confidence < 1.0))
        return SVCM_EINVAL;
    double q;
    int rc = svcm_normal_quantile(0.5 * (1.0 - confidence), &q);
    if (rc == SVCM_OK)
        *z = -q;
    return rc;
}

/* The same for Student's t with df degrees of freedom. */
static int t_crit(double confidence, double df, double *t)
{
    double q;
    int rc = svcm_t_quantile(0.5 * (1.0 - confidence), df, &q);
    if (rc == SVCM_OK)
        *t = -q;
    return rc;
}

int svcm_wilson(uint64_t successes, uint64_t n, double confidence, svcm_interval *out)
{
    if (out == NULL || successes > n)
        return SVCM_EINVAL;
    double z;
    int rc = z_crit(confidence, &z);
    if (rc != SVCM_OK)
        return rc;
    if (n == 0)
        return SVCM_EEMPTY;
    double nn = (double)n, ph = (double)successes / nn, z2 = z * z;
    double denom = 1.0 + z2 / nn;
    double centre = (ph + z2 / (2.0 * nn)) / denom;
    double half = z * sqrt(ph * (1.0 - ph) / nn + z2 / (4.0 * nn * nn)) / denom;
    svcm_interval iv = {centre - half, centre + half};
    if (successes == 0 || iv.lo < 0.0)
        iv.lo = 0.0;
    if (successes == n || iv.hi > 1.0)
        iv.hi = 1.0;
    *out = iv;
    return SVCM_OK;
}

/* Fill p-values of a statistic with a t (or normal, df = INFINITY) law. */
static void fill_p(struct svcm_test_result *r)
{
    r->p_less = t_cdf(r->statistic, r->df);
    r->p_greater = t_cdf(-r->statistic, r->df);
    double two = 2.0 * t_cdf(-fabs(r->statistic), r->df);
    r->p_value = two > 1.0 ? 1.0 : two;
}

int svcm_welch_t_test(double mean1, double var1, double n1, double mean2, double var2,
                      double n2, double confidence, struct svcm_test_result *out)
{
    if (out == NULL || !svcm__finite(mean1) || !svcm__finite(mean2) || !svcm__finite(var1) ||
        !svcm__finite(var2) || !svcm__finite(n1) || !svcm__finite(n2) || var1 < 0.0 ||
        var2 < 0.0 || n1 < 2.0 || n2 < 2.0 || !(confidence > 0.0 && confidence < 1.0))
        return SVCM_EINVAL;
    double s1 = var1 / n1, s2 = var2 / n2, se2 = s1 + s2;
    if (!(se2 > 0.0))
        return SVCM_ERANGE;
    struct svcm_test_result r;
    r.diff = mean2 - mean1;
    double se = sqrt(se2);
    r.statistic = r.diff / se;
    r.df = se2 * se2 / (s1 * s1 / (n1 - 1.0) + s2 * s2 / (n2 - 1.0));
    fill_p(&r);
    double tc;
    int rc = t_crit(confidence, r.df, &tc);
    if (rc != SVCM_OK)
        return rc;
    r.ci.lo = r.diff - tc * se;
    r.ci.hi = r.diff + tc * se;
    *out = r;
    return SVCM_OK;
}

int svcm_two_proportion_z_test(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2,
                               double confidence, struct svcm_test_result *out)
{
    if (out == NULL || x1 > n1 || x2 > n2)
        return SVCM_EINVAL;
    double z;
    int rc = z_crit(confidence, &z);
    if (rc != SVCM_OK)
        return rc;
    if (n1 == 0 || n2 == 0)
        return SVCM_EEMPTY;
    double a = (double)n1, b = (double)n2;
    double p1 = (double)x1 / a, p2 = (double)x2 / b;
    double pool = ((double)x1 + (double)x2) / (a + b);
    double se_pool = sqrt(pool * (1.0 - pool) * (1.0 / a + 1.0 / b));
    if (!(se_pool > 0.0))
        return SVCM_ERANGE;
    struct svcm_test_result r;
    r.diff = p2 - p1;
    r.statistic = r.diff / se_pool;
    r.df = INFINITY;
    fill_p(&r);
    double se = sqrt(p1 * (1.0 - p1) / a + p2 * (1.0 - p2) / b);
    r.ci.lo = r.diff - z * se;
    r.ci.hi = r.diff + z * se;
    *out = r;
    return SVCM_OK;
}

void svcm_moments_init(svcm_moments *m)
{
    if (m == NULL)
        return;
    m->n = 0;
    m->mean = 0.0;
    m->m2 = 0.0;
    m->min = INFINITY;
    m->max = -INFINITY;
}

static inline void moments_push(svcm_moments *m, double x)
{
    m->n++;
    double d = x - m->mean;
    if (SVCM__LIKELY(isfinite(d))) {
        m->mean += d / (double)m->n;
        m->m2 += d * (x - m->mean);
    } else {
        /* x and the mean are finite but their difference overflows: update
         * the mean without forming it; the sum of squares exceeds the double
         * range and is held as +inf (variance then reports SVCM_ERANGE). */
        double nn = (double)m->n;
        m->mean += x / nn - m->mean / nn;
        m->m2 = INFINITY;
    }
    if (x < m->min)
        m->min = x;
    if (x > m->max)
        m->max = x;
}

int svcm_moments_add(svcm_moments *m, double x)
{
    if (m == NULL || !svcm__finite(x))
        return SVCM_EINVAL;
    moments_push(m, x);
    return SVCM_OK;
}

int svcm_moments_add_batch(svcm_moments *m, const double *xs, size_t n, svcm_error *err)
{
    if (m == NULL || (xs == NULL && n > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL,
                           "moments or values pointer is NULL");
    for (size_t i = 0; i < n; i++)
        if (!svcm__finite(xs[i]))
            return svcm__error(err, SVCM_EINVAL, i, "value", "value is not finite");
    for (size_t i = 0; i < n; i++)
        moments_push(m, xs[i]);
    return SVCM_OK;
}

int svcm_moments_merge(svcm_moments *dst, const svcm_moments *src)
{
    if (dst == NULL || src == NULL)
        return SVCM_EINVAL;
    if (src->n == 0)
        return SVCM_OK;
    if (dst->n == 0) {
        *dst = *src;
        return SVCM_OK;
    }
    /* Chan, Golub and LeVeque (1979), pairwise update. */
    double na = (double)dst->n, nb = (double)src->n, n = na + nb;
    double d = src->mean - dst->mean;
    if (isfinite(d)) {
        dst->mean += d * nb / n;
        dst->m2 += src->m2 + d * d * na * nb / n;
    } else { /* means of opposite signs near the double range: see moments_push */
        dst->mean = dst->mean * (na / n) + src->mean * (nb / n);
        dst->m2 = INFINITY;
    }
    dst->n += src->n;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    return SVCM_OK;
}

int svcm_moments_variance(const svcm_moments *m, double *out)
{
    if (m == NULL || out == NULL)
        return SVCM_EINVAL;
    if (m->n < 2)
        return SVCM_EEMPTY;
    double v = m->m2 / (double)(m->n - 1);
    if (!isfinite(v))
        return SVCM_ERANGE;
    *out = v;
    return SVCM_OK;
}

int svcm_moments_mean_ci(const svcm_moments *m, double confidence, svcm_interval *out)
{
    if (m == NULL || out == NULL || !(confidence > 0.0 && confidence < 1.0))
        return SVCM_EINVAL;
    if (m->n < 2)
        return SVCM_EEMPTY;
    double var = m->m2 / (double)(m->n - 1), tc;
    if (!isfinite(var))
        return SVCM_ERANGE;
    int rc = t_crit(confidence, (double)(m->n - 1), &tc);
    if (rc != SVCM_OK)
        return rc;
    double half = tc * sqrt(var / (double)m->n);
    if (!isfinite(m->mean - half) || !isfinite(m->mean + half))
        return SVCM_ERANGE;
    out->lo = m->mean - half;
    out->hi = m->mean + half;
    return SVCM_OK;
}

int svcm_moments_save(const svcm_moments *m, unsigned char *buf, size_t cap, size_t *len)
{
    if (m == NULL)
        return SVCM_EINVAL;
    if (len != NULL)
        *len = SVCM_MOMENTS_SAVED_SIZE;
    if (buf == NULL || cap < SVCM_MOMENTS_SAVED_SIZE)
        return SVCM_ENOSPC;
    svcm__writer w = {buf, cap, 0};
    svcm__w_header(&w, SVCM__KIND_MOMENTS, 1);
    svcm__w_u64(&w, m->n);
    svcm__w_f64(&w, m->mean);
    svcm__w_f64(&w, m->m2);
    svcm__w_f64(&w, m->min);
    svcm__w_f64(&w, m->max);
    svcm__w_finish(&w);
    return SVCM_OK;
}

static int moments_load(const unsigned char *buf, size_t len, svcm_moments *out)
{
    if (buf == NULL || out == NULL)
        return SVCM_EINVAL;
    svcm__reader r = {buf, len, 0, true};
    uint16_t version = svcm__r_header(&r, SVCM__KIND_MOMENTS);
    svcm_moments m;
    m.n = svcm__r_u64(&r);
    m.mean = svcm__r_f64(&r);
    m.m2 = svcm__r_f64(&r);
    m.min = svcm__r_f64(&r);
    m.max = svcm__r_f64(&r);
    if (!svcm__r_done(&r) || version != 1)
        return SVCM_EFORMAT;
    if (m.n == 0) {
        if (m.mean != 0.0 || m.m2 != 0.0 || m.min != INFINITY || m.max != -INFINITY)
            return SVCM_EFORMAT;
    } else if (!svcm__finite(m.mean) || isnan(m.m2) || m.m2 < 0.0 ||
               (m.n < 2 && m.m2 != 0.0) ||
               !svcm__finite(m.min) || !svcm__finite(m.max) || m.min > m.max) {
        return SVCM_EFORMAT;
    }
    *out = m;
    return SVCM_OK;
}

int svcm_moments_load(const unsigned char *buf, size_t len, svcm_moments *out, svcm_error *err)
{
    int rc = moments_load(buf, len, out);
    return svcm__load_error(err, rc, buf, "moments");
}
