/* Relative-error quantile sketch (DDSketch, Masson, Rim & Lee, VLDB 2019)
 * with a cubic fast index mapping, collapsing-lowest bounded storage and an
 * exact mode for small counts. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "internal.h"
#include "svcm/sketch.h"

/* Limits may be overridden at build time, within what the format holds. */
_Static_assert(SVCM_SKETCH_MAX_BUCKETS <= (1u << 26) && SVCM_SKETCH_MAX_EXACT <= (1u << 26),
               "sketch limits must fit the saved format and 32-bit indices");

#define SKETCH_VERSION 1
#define FLAG_EXACT 1u
#define FLAG_COLLAPSED 2u

/* The mapping. For x = 2^e * (1 + s), s in [0, 1), the approximate log2 is
 * f(x) = e + P(s) with P(s) = A s^3 + B s^2 + C s (DDSketch's cubically
 * interpolated mapping; P(0) = 0, P(1) = 1, P increasing). Bucket k holds
 * the x with (k - 1) / m < f(x) <= k / m.
 *
 * Why the guarantee holds: over one bucket, ln(hi / lo) = integral of
 * d(ln x) = integral of df / g where g = df / d(ln x) = (1 + s) P'(s)
 * = (18 s^3 - 24 s^2 + 8 s + 50) / 35 >= 10/7 on [0, 1) (minimum at s = 0
 * and s = 2/3). So ln(hi / lo) <= 1 / (m * 10/7), and m = 0.7 / ln(gamma)
 * gives hi / lo <= gamma = (1 + a) / (1 - a). The representative
 * 2 lo hi / (lo + hi) is then within (hi - lo) / (hi + lo) <= a of every
 * value in the bucket (Masson et al., section 2). SAFETY widens m a little
 * so that rounding in f (at most ~1e-9 index units) stays inside the bound. */
#define MAP_A (6.0 / 35.0)
#define MAP_B (-3.0 / 5.0)
#define MAP_C (10.0 / 7.0)
#define SAFETY (1.0 + 1e-7)

struct svcm_sketch {
    svcm_allocator alloc;
    svcm_sketch_options opt;
    double mult; /* m: buckets per unit of f */
    uint64_t count;
    uint64_t zero_count;
    double sum, comp; /* Neumaier compensated sum */
    double min, max;  /* +inf / -inf when empty */
    /* Buckets: bins[i] counts index base + i; nonempty indices lie in
     * [lo, hi] (valid when binned > 0), and hi - lo < max_buckets. */
    uint64_t *bins;
    size_t cap;
    int32_t base, lo, hi;
    uint64_t binned;
    int collapsed;
    /* Exact mode (count <= exact_limit): the values, sorted. */
    double *raw;
    size_t raw_cap;
};

static double map_mult(double rel_err)
{
    double ln_gamma = log1p(2.0 * rel_err / (1.0 - rel_err));
    return 0.7 / ln_gamma * SAFETY;
}

/* Bucket index of a finite x > 0. */
static inline int32_t map_index(double mult, double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    int e = (int)(u >> 52);
    if (SVCM__UNLIKELY(e == 0)) { /* subnormal: scale into the normal range */
        x *= 0x1p52;
        memcpy(&u, &x, sizeof u);
        e = (int)(u >> 52) - 52;
    }
    uint64_t mb = (u & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull;
    double d;
    memcpy(&d, &mb, sizeof d);
    double s = d - 1.0;
    double t = ((double)(e - 1023) + ((MAP_A * s + MAP_B) * s + MAP_C) * s) * mult;
    int32_t k = (int32_t)t; /* truncation; the next line makes it a ceiling */
    return k + (t > (double)k);
}

/* Solve P(s) = y for y in [0, 1): P is increasing with P' >= 26/35 on
 * [0, 1], so Newton from s = y converges in a few steps. */
static double map_solve(double y)
{
    double s = y;
    for (int i = 0; i < 8; i++) {
        double p = ((MAP_A * s + MAP_B) * s + MAP_C) * s - y;
        double dp = (3.0 * MAP_A * s + 2.0 * MAP_B) * s + MAP_C;
        double ns = s - p / dp;
        if (ns < 0.0)
            ns = 0.0;
        if (ns > 1.0)
            ns = 1.0;
        if (ns == s)
            break;
        s = ns;
    }
    return s;
}

/* x with f(x) = t, as mantissa in [1, 2] and binary exponent. */
static void map_inverse(double t, double *mant, int *exp2)
{
    double e = floor(t);
    *mant = 1.0 + map_solve(t - e);
    *exp2 = (int)e;
}

/* Representative of bucket k: 2 lo hi / (lo + hi), computed without
 * overflow as lo * 2 / (1 + lo / hi). May be +inf past DBL_MAX (callers
 * clamp to the exact max). */
static double bucket_value(double mult, int32_t k)
{
    double ml, mh;
    int el, eh;
    map_inverse(((double)k - 1.0) / mult, &ml, &el);
    map_inverse((double)k / mult, &mh, &eh);
    double ratio = ldexp(ml / mh, el - eh);
    return ldexp(2.0 * ml / (1.0 + ratio), el);
}

/* Upper bound of bucket k. */
static double bucket_upper(double mult, int32_t k)
{
    double mh;
    int eh;
    map_inverse((double)k / mult, &mh, &eh);
    return ldexp(mh, eh);
}

static int options_valid(const svcm_sketch_options *o)
{
    return o->rel_err >= SVCM_SKETCH_MIN_REL_ERR && o->rel_err <= SVCM_SKETCH_MAX_REL_ERR &&
           o->max_buckets >= SVCM_SKETCH_MIN_BUCKETS &&
           o->max_buckets <= SVCM_SKETCH_MAX_BUCKETS && o->exact_limit <= SVCM_SKETCH_MAX_EXACT;
}

void svcm_sketch_options_init(svcm_sketch_options *opts)
{
    if (opts == NULL)
        return;
    opts->rel_err = 0.01;
    opts->max_buckets = 2048;
    opts->exact_limit = 1024;
}

static void state_clear(svcm_sketch *s)
{
    s->count = 0;
    s->zero_count = 0;
    s->sum = 0.0;
    s->comp = 0.0;
    s->min = INFINITY;
    s->max = -INFINITY;
    s->base = s->lo = s->hi = 0;
    s->binned = 0;
    s->collapsed = 0;
}

static int sketch_new(const svcm_sketch_options *opts, const svcm_allocator *alloc,
           svcm_sketch **out)
{
    svcm_sketch_options o;
    svcm_sketch_options_init(&o);
    if (opts != NULL)
        o = *opts;
    if (out == NULL || !options_valid(&o))
        return SVCM_EINVAL;
    svcm_allocator a;
    if (svcm__allocator_resolve(&a, alloc, NULL) != SVCM_OK)
        return SVCM_EINVAL;
    svcm_sketch *s = svcm__calloc(&a, 1, sizeof *s);
    if (s == NULL)
        return SVCM_ENOMEM;
    s->alloc = a;
    s->opt = o;
    s->mult = map_mult(o.rel_err);
    state_clear(s);
    *out = s;
    return SVCM_OK;
}

int svcm_sketch_new(const svcm_sketch_options *opts, const svcm_allocator *alloc,
                    svcm_sketch **out, svcm_error *err)
{
    int rc = svcm__allocator_check(alloc, err);
    if (rc != SVCM_OK)
        return rc;
    rc = sketch_new(opts, alloc, out);
    return svcm__new_error(err, rc, opts, false, out, "svcm_sketch_options");
}

void svcm_sketch_free(svcm_sketch *s)
{
    if (s == NULL)
        return;
    svcm_allocator a = s->alloc;
    svcm__free(&a, s->bins);
    svcm__free(&a, s->raw);
    svcm__free(&a, s);
}

void svcm_sketch_reset(svcm_sketch *s)
{
    if (s == NULL)
        return;
    svcm__free(&s->alloc, s->bins);
    svcm__free(&s->alloc, s->raw);
    s->bins = NULL;
    s->cap = 0;
    s->raw = NULL;
    s->raw_cap = 0;
    state_clear(s);
}

static inline int is_exact(const svcm_sketch *s) { return s->count <= s->opt.exact_limit; }

/* Make the bins cover [klo, khi] (klo <= khi), folding buckets that fall
 * below the window into its lowest bucket. All allocation happens before
 * any change, so on SVCM_ENOMEM the sketch is unchanged. On success *floor
 * receives the lowest index the bins may now hold: indices below it must be
 * counted in it. */
static int bins_reserve(svcm_sketch *s, int32_t klo, int32_t khi, int32_t *floor)
{
    int64_t w = (int64_t)s->opt.max_buckets;
    int64_t nlo = klo, nhi = khi;
    if (s->binned > 0) {
        if (s->lo < nlo)
            nlo = s->lo;
        if (s->hi > nhi)
            nhi = s->hi;
    }
    int64_t fl = nhi - w + 1;
    if (nlo < fl)
        nlo = fl;
    size_t need = (size_t)(nhi - nlo + 1);
    *floor = (int32_t)nlo;
    int fold = s->binned > 0 && s->lo < nlo;
    if (s->bins != NULL && nlo >= s->base && nhi < (int64_t)s->base + (int64_t)s->cap) {
        if (fold) { /* [lo, nlo] lies inside the bins */
            uint64_t moved = 0;
            for (int64_t k = s->lo; k < nlo; k++) {
                moved += s->bins[k - s->base];
                s->bins[k - s->base] = 0;
            }
            s->bins[nlo - s->base] += moved;
            s->lo = (int32_t)nlo;
            s->collapsed = 1;
        }
        return SVCM_OK;
    }
    size_t ncap = s->cap;
    uint64_t *dst;
    if (need > s->cap) {
        ncap = s->cap * 2 > 64 ? s->cap * 2 : 64;
        if (ncap > s->opt.max_buckets)
            ncap = s->opt.max_buckets;
        if (ncap < need)
            ncap = need;
        dst = svcm__calloc(&s->alloc, ncap, sizeof *dst);
        if (dst == NULL)
            return SVCM_ENOMEM;
    } else {
        dst = s->bins; /* rebase in place */
    }
    int64_t nbase = nlo - (int64_t)(ncap - need) / 2;
    if (s->binned > 0) {
        /* Buckets below nlo (possibly all of them) fold into nlo; the rest
         * move as one block. */
        uint64_t moved = 0;
        int64_t top = s->hi < nlo ? s->hi : nlo - 1;
        for (int64_t k = s->lo; k <= top; k++)
            moved += s->bins[k - s->base];
        int64_t from = s->lo > nlo ? s->lo : nlo;
        size_t len = s->hi >= from ? (size_t)(s->hi - from + 1) : 0;
        if (len > 0)
            memmove(dst + (from - nbase), s->bins + (from - s->base), len * sizeof *dst);
        if (dst == s->bins) { /* clear what lies outside the moved block */
            memset(dst, 0, (size_t)(from - nbase) * sizeof *dst);
            size_t end = (size_t)(from - nbase) + len;
            memset(dst + end, 0, (ncap - end) * sizeof *dst);
        }
        if (fold) {
            dst[nlo - nbase] += moved;
            s->lo = (int32_t)nlo;
            s->collapsed = 1;
        }
    }
    if (dst != s->bins) {
        svcm__free(&s->alloc, s->bins);
        s->bins = dst;
        s->cap = ncap;
    }
    s->base = (int32_t)nbase;
    return SVCM_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Grow the raw buffer to at least want values (want <= 2 exact_limit):
 * doubling, but never past 2 exact_limit, which bounds the memory. */
static int raw_reserve(svcm_sketch *s, size_t want)
{
    if (want <= s->raw_cap)
        return SVCM_OK;
    size_t ncap = s->raw_cap < 16 ? 32 : 2 * s->raw_cap;
    if (ncap > 2 * s->opt.exact_limit)
        ncap = 2 * s->opt.exact_limit;
    if (ncap < want)
        ncap = want;
    double *p = svcm__realloc(&s->alloc, s->raw, ncap * sizeof *p);
    if (p == NULL)
        return SVCM_ENOMEM;
    s->raw = p;
    s->raw_cap = ncap;
    return SVCM_OK;
}

/* Merge sorted b[0..nb) into sorted raw[0..na) (capacity na + nb), from the
 * back so that no scratch is needed. */
static void merge_sorted(double *raw, size_t na, const double *b, size_t nb)
{
    size_t i = na, j = nb, o = na + nb;
    while (j > 0) {
        if (i > 0 && raw[i - 1] > b[j - 1])
            raw[--o] = raw[--i];
        else
            raw[--o] = b[--j];
    }
}

/* Neumaier: add x to (sum, comp). */
static inline void kb_add(double *sum, double *comp, double x)
{
    double t = *sum + x;
    if (fabs(*sum) >= fabs(x))
        *comp += (*sum - t) + x;
    else
        *comp += (x - t) + *sum;
    *sum = t;
}

int svcm_sketch_add_batch(svcm_sketch *s, const double *xs, size_t n, svcm_error *err)
{
    if (s == NULL || (xs == NULL && n > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL,
                           "sketch or values pointer is NULL");
    if (n == 0)
        return SVCM_OK;
    /* Pass 1: validate; zeros, smallest positive, largest, sum. */
    uint64_t zeros = 0;
    double pmin = INFINITY, vmax = 0.0, bsum = 0.0, bcomp = 0.0;
    for (size_t i = 0; i < n; i++) {
        double x = xs[i];
        if (!(x >= 0.0 && x <= DBL_MAX))
            return svcm__error(err, SVCM_EINVAL, i, "value",
                               isnan(x) ? "value is NaN"
                               : x < 0.0 ? "value is negative"
                                         : "value is infinite");
        if (x == 0.0) {
            zeros++;
            continue;
        }
        if (x < pmin)
            pmin = x;
        if (x > vmax)
            vmax = x;
        kb_add(&bsum, &bcomp, x);
    }
    if (s->count > UINT64_MAX - (uint64_t)n)
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, NULL, "count would overflow");
    uint64_t ncount = s->count + (uint64_t)n;
    int exact_after = ncount <= s->opt.exact_limit;
    if (exact_after) {
        /* Room for the new values sorted apart behind the merged result. */
        int rc = raw_reserve(s, (size_t)ncount + (n > 1 ? n : 0));
        if (rc != SVCM_OK)
            return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
    }
    size_t npos = n - (size_t)zeros;
    int32_t kmin = 0, kmax = 0, floor = 0;
    if (npos > 0) {
        kmin = map_index(s->mult, pmin);
        kmax = map_index(s->mult, vmax);
        int rc = bins_reserve(s, kmin, kmax, &floor);
        if (rc != SVCM_OK)
            return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
    }
    /* Nothing below can fail. */
    if (exact_after) {
        size_t na = (size_t)s->count;
        if (n == 1) {
            double x = xs[0] == 0.0 ? 0.0 : xs[0]; /* -0.0 is kept as 0 */
            size_t lo = 0, hi = na; /* first position holding a value > x */
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (s->raw[mid] > x)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            memmove(s->raw + lo + 1, s->raw + lo, (na - lo) * sizeof *s->raw);
            s->raw[lo] = x;
        } else {
            /* Sort the new values at the end of the buffer (past na + n),
             * then merge them in from the back. */
            double *tail = s->raw + s->raw_cap - n;
            for (size_t i = 0; i < n; i++)
                tail[i] = xs[i] == 0.0 ? 0.0 : xs[i];
            qsort(tail, n, sizeof *tail, cmp_double);
            merge_sorted(s->raw, na, tail, n);
        }
    } else if (s->raw != NULL) {
        svcm__free(&s->alloc, s->raw);
        s->raw = NULL;
        s->raw_cap = 0;
    }
    if (npos > 0) {
        /* Pass 2: count. Indices are clamped to [klo, kmax]: below the
         * window means collapsed; the clamp also absorbs any rounding that
         * would put a value a hair outside the range of pmin and vmax. */
        int32_t klo = kmin > floor ? kmin : floor;
        int32_t khi = kmax > klo ? kmax : klo; /* all below the window: klo */
        uint64_t *bins = s->bins;
        const int32_t base = s->base;
        const double mult = s->mult;
        for (size_t i = 0; i < n; i++) {
            double x = xs[i];
            if (x == 0.0)
                continue;
            int32_t k = map_index(mult, x);
            k = k < klo ? klo : k;
            k = k > khi ? khi : k;
            bins[k - base]++;
        }
        if (kmin < floor)
            s->collapsed = 1;
        if (s->binned == 0 || klo < s->lo)
            s->lo = klo;
        if (s->binned == 0 || khi > s->hi)
            s->hi = khi;
        s->binned += npos;
        if (pmin < s->min)
            s->min = pmin;
        if (vmax > s->max)
            s->max = vmax;
    }
    if (zeros > 0) {
        s->zero_count += zeros;
        s->min = 0.0;
        if (s->max < 0.0)
            s->max = 0.0;
    }
    kb_add(&s->sum, &s->comp, bsum);
    s->comp += bcomp;
    s->count = ncount;
    return SVCM_OK;
}

int svcm_sketch_add(svcm_sketch *s, double x)
{
    return svcm_sketch_add_batch(s, &x, 1, NULL);
}

/* The compensated sum. Once the running sum overflows, the compensation
 * holds inf - inf = NaN rounding terms that must not be added to it. */
static double sketch_sum(const svcm_sketch *s)
{
    return isinf(s->sum) ? s->sum : s->sum + s->comp;
}

static int same_settings(const svcm_sketch *a, const svcm_sketch *b)
{
    return a->opt.rel_err == b->opt.rel_err && a->opt.max_buckets == b->opt.max_buckets &&
           a->opt.exact_limit == b->opt.exact_limit;
}

int svcm_sketch_merge(svcm_sketch *dst, const svcm_sketch *src)
{
    if (dst == NULL || src == NULL)
        return SVCM_EINVAL;
    if (!same_settings(dst, src))
        return SVCM_EMISMATCH;
    if (src->count == 0)
        return SVCM_OK;
    if (dst->count > UINT64_MAX - src->count)
        return SVCM_ERANGE;
    /* Read src's scalars first: src may be dst. */
    const uint64_t scount = src->count, szero = src->zero_count, sbinned = src->binned;
    const double ssum = src->sum, scomp = src->comp, smin = src->min, smax = src->max;
    const int32_t slo = src->lo, shi = src->hi;
    const int scollapsed = src->collapsed;
    uint64_t ncount = dst->count + scount;
    int exact_after = ncount <= dst->opt.exact_limit;
    if (exact_after) {
        int rc = raw_reserve(dst, (size_t)ncount);
        if (rc != SVCM_OK)
            return rc;
    }
    int32_t floor = 0;
    if (sbinned > 0) {
        /* For dst == src the range is already covered: nothing moves. */
        int rc = bins_reserve(dst, slo, shi, &floor);
        if (rc != SVCM_OK)
            return rc;
    }
    /* Nothing below can fail. */
    if (exact_after) {
        size_t na = (size_t)dst->count;
        if (src == dst) {
            for (size_t i = na; i-- > 0;) /* each value twice, from the top */
                dst->raw[2 * i] = dst->raw[2 * i + 1] = dst->raw[i];
        } else {
            merge_sorted(dst->raw, na, src->raw, (size_t)scount);
        }
    } else if (dst->raw != NULL) {
        svcm__free(&dst->alloc, dst->raw);
        dst->raw = NULL;
        dst->raw_cap = 0;
    }
    if (sbinned > 0) {
        for (int32_t k = slo; k <= shi; k++) {
            uint64_t c = src->bins[k - src->base];
            int32_t t = k < floor ? floor : k;
            dst->bins[t - dst->base] += c;
        }
        int32_t klo = slo < floor ? floor : slo;
        if (dst->binned == 0 || klo < dst->lo)
            dst->lo = klo;
        if (dst->binned == 0 || shi > dst->hi)
            dst->hi = shi;
        if (slo < floor || scollapsed)
            dst->collapsed = 1;
        dst->binned += sbinned;
    }
    dst->zero_count += szero;
    kb_add(&dst->sum, &dst->comp, ssum);
    dst->comp += scomp;
    if (smin < dst->min)
        dst->min = smin;
    if (smax > dst->max)
        dst->max = smax;
    dst->count = ncount;
    return SVCM_OK;
}

uint64_t svcm_sketch_count(const svcm_sketch *s) { return s == NULL ? 0 : s->count; }

int svcm_sketch_result(const svcm_sketch *s, struct svcm_sketch_result *out)
{
    if (s == NULL || out == NULL)
        return SVCM_EINVAL;
    struct svcm_sketch_result st;
    st.count = s->count;
    st.zero_count = s->zero_count;
    st.sum = sketch_sum(s);
    st.mean = s->count > 0 ? st.sum / (double)s->count : NAN;
    st.min = s->count > 0 ? s->min : NAN;
    st.max = s->count > 0 ? s->max : NAN;
    st.buckets = s->binned > 0 ? (size_t)(s->hi - s->lo + 1) : 0;
    st.exact = is_exact(s);
    st.collapsed_below = s->collapsed && !st.exact ? bucket_upper(s->mult, s->lo) : 0.0;
    *out = st;
    return SVCM_OK;
}

int svcm_sketch_get_options(const svcm_sketch *s, svcm_sketch_options *out)
{
    if (s == NULL || out == NULL)
        return SVCM_EINVAL;
    *out = s->opt;
    return SVCM_OK;
}

/* The value of rank r (0-based) of a non-empty sketch. */
static double value_at_rank(const svcm_sketch *s, uint64_t r)
{
    if (r == 0)
        return s->min;
    if (r >= s->count - 1)
        return s->max;
    if (is_exact(s))
        return s->raw[r];
    if (r < s->zero_count)
        return 0.0;
    uint64_t cum = s->zero_count;
    int32_t k = s->lo;
    for (; k < s->hi; k++) {
        cum += s->bins[k - s->base];
        if (cum > r)
            break;
    }
    double v = bucket_value(s->mult, k);
    /* The exact value lies in [min, max]: clamping only brings v closer. */
    return v < s->min ? s->min : v > s->max ? s->max : v;
}

static uint64_t rank_of(const svcm_sketch *s, double q)
{
    double r = floor(q * (double)(s->count - 1));
    /* (double)(count - 1) may round up past count - 1 for huge counts. */
    return r >= (double)(s->count - 1) ? s->count - 1 : (uint64_t)r;
}

int svcm_sketch_quantile(const svcm_sketch *s, double q, double *out)
{
    if (s == NULL || out == NULL || !(q >= 0.0 && q <= 1.0))
        return SVCM_EINVAL;
    if (s->count == 0)
        return SVCM_EEMPTY;
    *out = value_at_rank(s, rank_of(s, q));
    return SVCM_OK;
}

int svcm_sketch_quantiles(const svcm_sketch *s, const double *qs, size_t n, double *out,
                          svcm_error *err)
{
    if (s == NULL || ((qs == NULL || out == NULL) && n > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL pointer");
    for (size_t i = 0; i < n; i++)
        if (!(qs[i] >= 0.0 && qs[i] <= 1.0))
            return svcm__error(err, SVCM_EINVAL, i, "q", "quantile level must be in [0, 1]");
    if (s->count == 0)
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, NULL, "the sketch is empty");
    for (size_t i = 0; i < n; i++)
        out[i] = value_at_rank(s, rank_of(s, qs[i]));
    return SVCM_OK;
}

/* Saved form, version 1 (after the 12-byte header):
 *   f64 rel_err, u32 max_buckets, u32 exact_limit, u8 flags (1 exact,
 *   2 collapsed), u64 count, u64 zero_count, f64 sum, f64 min, f64 max, then
 *   exact: count f64 values, sorted;
 *   else:  i32 lo, u32 nbins, nbins u64 counts for lo .. lo + nbins - 1. */
static void sketch_write(const svcm_sketch *s, svcm__writer *w)
{
    int exact = is_exact(s);
    svcm__w_header(w, SVCM__KIND_SKETCH, SKETCH_VERSION);
    svcm__w_f64(w, s->opt.rel_err);
    svcm__w_u32(w, (uint32_t)s->opt.max_buckets);
    svcm__w_u32(w, (uint32_t)s->opt.exact_limit);
    /* In exact mode the buckets are rebuilt on load: no collapsed flag. */
    svcm__w_u8(w, (uint8_t)(exact ? FLAG_EXACT : (s->collapsed ? FLAG_COLLAPSED : 0u)));
    svcm__w_u64(w, s->count);
    svcm__w_u64(w, s->zero_count);
    svcm__w_f64(w, sketch_sum(s));
    svcm__w_f64(w, s->min);
    svcm__w_f64(w, s->max);
    if (exact) {
        for (uint64_t i = 0; i < s->count; i++)
            svcm__w_f64(w, s->raw[i]);
    } else {
        uint32_t nb = s->binned > 0 ? (uint32_t)(s->hi - s->lo + 1) : 0;
        svcm__w_u32(w, (uint32_t)s->lo);
        svcm__w_u32(w, nb);
        for (uint32_t i = 0; i < nb; i++)
            svcm__w_u64(w, s->bins[s->lo + (int32_t)i - s->base]);
    }
    svcm__w_finish(w);
}

int svcm_sketch_save(const svcm_sketch *s, unsigned char *buf, size_t cap, size_t *len)
{
    if (s == NULL)
        return SVCM_EINVAL;
    svcm__writer m = {NULL, 0, 0};
    sketch_write(s, &m);
    if (len != NULL)
        *len = m.pos;
    if (buf == NULL || cap < m.pos)
        return SVCM_ENOSPC;
    svcm__writer w = {buf, cap, 0};
    sketch_write(s, &w);
    return SVCM_OK;
}

/* Load the exact form: rebuild the buckets by adding the values. */
static int load_exact(svcm__reader *r, svcm_sketch *s, uint64_t count, uint64_t zeros,
                      double sum, double min, double max)
{
    if (count > r->len - r->pos || count * 8 != r->len - r->pos)
        return SVCM_EFORMAT; /* also bounds count before allocating */
    double *v = svcm__calloc(&s->alloc, count > 0 ? (size_t)count : 1, sizeof *v);
    if (v == NULL)
        return SVCM_ENOMEM;
    uint64_t z = 0;
    int ok = 1;
    for (uint64_t i = 0; i < count && ok; i++) {
        v[i] = svcm__r_f64(r);
        if (!(v[i] >= 0.0 && v[i] <= DBL_MAX) || (i > 0 && v[i] < v[i - 1]) ||
            signbit(v[i]))
            ok = 0;
        z += v[i] == 0.0;
    }
    if (ok && count > 0)
        ok = v[0] == min && v[count - 1] == max && z == zeros;
    if (ok && count == 0)
        ok = min == INFINITY && max == -INFINITY && zeros == 0;
    int rc = ok ? svcm_sketch_add_batch(s, v, (size_t)count, NULL) : SVCM_EFORMAT;
    svcm__free(&s->alloc, v);
    /* The values are all there: the saved sum must be theirs (to rounding). */
    double have = sketch_sum(s); /* +inf if the values overflow a double */
    if (rc == SVCM_OK && !(sum == have || fabs(sum - have) <= 1e-9 * have))
        rc = SVCM_EFORMAT;
    return rc;
}

/* Load the bucket form, checking every count and index, and the sum
 * against min, max and count. */
static int load_bins(svcm__reader *r, svcm_sketch *s, uint64_t count, uint64_t zeros,
                     double sum, double min, double max, int collapsed)
{
    int32_t lo = (int32_t)svcm__r_u32(r);
    uint32_t nb = svcm__r_u32(r);
    if (!r->ok || (uint64_t)nb * 8 != r->len - r->pos || nb > s->opt.max_buckets)
        return SVCM_EFORMAT;
    if (zeros > count || (nb == 0) != (zeros == count) || (zeros > 0) != (min == 0.0))
        return SVCM_EFORMAT;
    if (!(min >= 0.0 && min <= max && max <= DBL_MAX) || signbit(min))
        return SVCM_EFORMAT;
    /* The sum holds max and count values in [min, max] (1e-9: rounding of
     * the compensated sum); else the mean would fall outside [min, max]. */
    double n = (double)count;
    if (!(sum <= max * n * (1.0 + 1e-9) && sum >= max * (1.0 - 1e-9) &&
          sum >= min * n * (1.0 - 1e-9)))
        return SVCM_EFORMAT;
    if (nb == 0)
        return max == 0.0 && !collapsed ? SVCM_OK : SVCM_EFORMAT;
    int64_t hi = (int64_t)lo + nb - 1;
    /* The extreme buckets hold min and max (one index of slack: the mapping
     * is monotone only up to rounding). */
    if (lo < map_index(s->mult, 0x1p-1074) - 1 || hi > map_index(s->mult, DBL_MAX) + 1 ||
        llabs(hi - map_index(s->mult, max)) > 1)
        return SVCM_EFORMAT;
    if (min > 0.0 && (collapsed ? map_index(s->mult, min) > lo
                                : abs(map_index(s->mult, min) - lo) > 1))
        return SVCM_EFORMAT;
    if (collapsed && nb != s->opt.max_buckets)
        return SVCM_EFORMAT;
    uint64_t *bins = svcm__calloc(&s->alloc, nb, sizeof *bins);
    if (bins == NULL)
        return SVCM_ENOMEM;
    uint64_t total = 0;
    int ok = 1;
    for (uint32_t i = 0; i < nb; i++) {
        bins[i] = svcm__r_u64(r);
        if (bins[i] > UINT64_MAX - total)
            ok = 0;
        else
            total += bins[i];
    }
    if (!ok || bins[0] == 0 || bins[nb - 1] == 0 || total != count - zeros) {
        svcm__free(&s->alloc, bins);
        return SVCM_EFORMAT;
    }
    s->bins = bins;
    s->cap = nb;
    s->base = s->lo = lo;
    s->hi = (int32_t)hi;
    s->binned = total;
    s->collapsed = collapsed;
    return SVCM_OK;
}

static int sketch_load(const unsigned char *buf, size_t len, const svcm_allocator *alloc,
            svcm_sketch **out)
{
    if (buf == NULL || out == NULL)
        return SVCM_EINVAL;
    svcm__reader r = {buf, len, 0, true};
    uint16_t version = svcm__r_header(&r, SVCM__KIND_SKETCH);
    svcm_sketch_options o;
    o.rel_err = svcm__r_f64(&r);
    o.max_buckets = svcm__r_u32(&r);
    o.exact_limit = svcm__r_u32(&r);
    unsigned flags = svcm__r_u8(&r);
    uint64_t count = svcm__r_u64(&r);
    uint64_t zeros = svcm__r_u64(&r);
    double sum = svcm__r_f64(&r), min = svcm__r_f64(&r), max = svcm__r_f64(&r);
    if (!r.ok || version != SKETCH_VERSION || !options_valid(&o) ||
        (flags & ~(FLAG_EXACT | FLAG_COLLAPSED)) != 0 || zeros > count ||
        !(sum >= 0.0) || (count == 0 && sum != 0.0) || signbit(min))
        return SVCM_EFORMAT;
    int exact = (flags & FLAG_EXACT) != 0;
    if (exact != (count <= o.exact_limit) || (exact && (flags & FLAG_COLLAPSED)))
        return SVCM_EFORMAT;
    svcm_sketch *s;
    int rc = svcm_sketch_new(&o, alloc, &s, NULL);
    if (rc != SVCM_OK)
        return rc;
    if (exact) {
        rc = load_exact(&r, s, count, zeros, sum, min, max);
    } else {
        rc = load_bins(&r, s, count, zeros, sum, min, max, (flags & FLAG_COLLAPSED) != 0);
        if (rc == SVCM_OK) {
            s->count = count;
            s->zero_count = zeros;
            s->min = min;
            s->max = max;
        }
    }
    if (rc == SVCM_OK && !svcm__r_done(&r))
        rc = SVCM_EFORMAT;
    if (rc != SVCM_OK) {
        svcm_sketch_free(s);
        return rc;
    }
    s->sum = sum;
    s->comp = 0.0;
    *out = s;
    return SVCM_OK;
}

int svcm_sketch_load(const unsigned char *buf, size_t len, const svcm_allocator *alloc,
                     svcm_sketch **out, svcm_error *err)
{
    int rc = svcm__allocator_check(alloc, err);
    if (rc != SVCM_OK)
        return rc;
    rc = sketch_load(buf, len, alloc, out);
    return svcm__load_error(err, rc, buf, "a sketch");
}
