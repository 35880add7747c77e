/* Feedback scores: CSAT, NPS and CES as mergeable histograms of answers. */
#include <math.h>
#include <string.h>

#include "bytes.h"
#include "internal.h"
#include "svcm/kpi.h"

/* Sub-histograms of the batch loop: consecutive scores usually hit the same
 * level, and incrementing one counter back to back stalls on store-to-load
 * forwarding; four independent lanes break the chain. */
#define LANES 4

struct svcm_feedback {
    svcm_allocator alloc;
    svcm_feedback_options opts;
    uint32_t levels; /* high - low + 1 */
    uint64_t n;      /* sum of counts */
    uint64_t counts[]; /* counts[i]: answers equal to low + i */
};

const char *svcm_feedback_kind_name(int kind)
{
    switch (kind) {
    case SVCM_FEEDBACK_KIND_CSAT:
        return "csat";
    case SVCM_FEEDBACK_KIND_NPS:
        return "nps";
    case SVCM_FEEDBACK_KIND_CES:
        return "ces";
    default:
        return NULL;
    }
}

void svcm_feedback_options_init(svcm_feedback_options *opts, svcm_feedback_kind kind)
{
    if (opts == NULL)
        return;
    opts->kind = kind;
    if (svcm_feedback_kind_name((int)kind) == NULL) {
        /* An empty scale: svcm_feedback_new() refuses these settings. */
        opts->low = 0;
        opts->high = 0;
        opts->top_boxes = 0;
        return;
    }
    opts->top_boxes = 2;
    switch (kind) {
    case SVCM_FEEDBACK_KIND_CSAT:
        opts->low = 1;
        opts->high = 5;
        break;
    case SVCM_FEEDBACK_KIND_NPS:
        opts->low = 0;
        opts->high = 10;
        break;
    default:
        opts->low = 1;
        opts->high = 7;
        break;
    }
}

/* Number of levels of valid settings, 0 when invalid. */
static uint32_t check_options(const svcm_feedback_options *o)
{
    if (svcm_feedback_kind_name((int)o->kind) == NULL || o->low >= o->high)
        return 0;
    int64_t levels = (int64_t)o->high - (int64_t)o->low + 1;
    if (levels > SVCM_FEEDBACK_MAX_LEVELS)
        return 0;
    if (o->kind == SVCM_FEEDBACK_KIND_NPS && (o->low != 0 || o->high != 10))
        return 0;
    if (o->kind == SVCM_FEEDBACK_KIND_CSAT && (o->top_boxes < 1 || o->top_boxes >= levels))
        return 0;
    return (uint32_t)levels;
}

static int create(const svcm_feedback_options *opts, uint32_t levels, const svcm_allocator *alloc,
                  svcm_feedback **out)
{
    svcm_allocator a;
    if (svcm__allocator_resolve(&a, alloc, NULL) != SVCM_OK)
        return SVCM_EINVAL;
    svcm_feedback *f =
        svcm__calloc(&a, 1, sizeof *f + (size_t)levels * sizeof f->counts[0]);
    if (f == NULL)
        return SVCM_ENOMEM;
    f->alloc = a;
    f->opts = *opts;
    if (f->opts.kind != SVCM_FEEDBACK_KIND_CSAT)
        f->opts.top_boxes = 2; /* ignored; kept canonical so merge/compare agree */
    f->levels = levels;
    *out = f;
    return SVCM_OK;
}

static int feedback_new(const svcm_feedback_options *opts, const svcm_allocator *alloc,
             svcm_feedback **out)
{
    if (opts == NULL || out == NULL)
        return SVCM_EINVAL;
    uint32_t levels = check_options(opts);
    if (levels == 0)
        return SVCM_EINVAL;
    return create(opts, levels, alloc, out);
}

int svcm_feedback_new(const svcm_feedback_options *opts, const svcm_allocator *alloc,
                      svcm_feedback **out, svcm_error *err)
{
    int rc = svcm__allocator_check(alloc, err);
    if (rc != SVCM_OK)
        return rc;
    rc = feedback_new(opts, alloc, out);
    if (rc == SVCM_OK)
        return rc;
    if (rc != SVCM_EINVAL)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
    if (out == NULL || opts == NULL)
        return svcm__error(err, rc, SVCM_NO_INDEX, out == NULL ? "out" : "opts", "is NULL");
    return svcm__error(err, rc, SVCM_NO_INDEX, "opts", "invalid settings (see svcm_feedback_options)");
}

void svcm_feedback_free(svcm_feedback *f)
{
    if (f == NULL)
        return;
    svcm_allocator a = f->alloc;
    svcm__free(&a, f);
}

int svcm_feedback_get_options(const svcm_feedback *f, svcm_feedback_options *out)
{
    if (f == NULL || out == NULL)
        return SVCM_EINVAL;
    *out = f->opts;
    return SVCM_OK;
}

uint64_t svcm_feedback_count(const svcm_feedback *f) { return f != NULL ? f->n : 0; }

int svcm_feedback_histogram(const svcm_feedback *f, uint64_t *out, size_t cap)
{
    if (f == NULL || out == NULL)
        return SVCM_EINVAL;
    if (cap < f->levels)
        return SVCM_ENOSPC;
    memcpy(out, f->counts, (size_t)f->levels * sizeof out[0]);
    return SVCM_OK;
}

/* Level index of a score, or -1 when it is not an integral value on the
 * scale. The range test comes first (it is false for NaN), which makes the
 * conversion to int32 well defined. */
static inline int64_t level_of(const svcm_feedback *f, double x)
{
    if (!(x >= (double)f->opts.low && x <= (double)f->opts.high))
        return -1;
    int32_t k = (int32_t)x;
    if ((double)k != x)
        return -1;
    return (int64_t)k - f->opts.low;
}

static int bad_score(const svcm_feedback *f, svcm_error *err, size_t i, double x)
{
    if (!svcm__finite(x))
        return svcm__error(err, SVCM_EINVAL, i, "score", "score is not finite");
    if (x != floor(x))
        return svcm__error(err, SVCM_EINVAL, i, "score", "score %g is not an integer", x);
    return svcm__error(err, SVCM_EINVAL, i, "score", "score %g is outside the scale %ld..%ld",
                       x, (long)f->opts.low, (long)f->opts.high);
}

int svcm_feedback_add(svcm_feedback *f, double score)
{
    if (f == NULL)
        return SVCM_EINVAL;
    int64_t k = level_of(f, score);
    if (k < 0)
        return SVCM_EINVAL;
    if (f->n == UINT64_MAX)
        return SVCM_ERANGE;
    f->counts[k]++;
    f->n++;
    return SVCM_OK;
}

int svcm_feedback_add_batch(svcm_feedback *f, const double *scores, size_t n, svcm_error *err)
{
    if (f == NULL || (scores == NULL && n > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL,
                           "accumulator or scores pointer is NULL");
    if ((uint64_t)n > UINT64_MAX - f->n)
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, NULL, "answer count overflows");
    /* Count into local lanes first: the accumulator is touched only once
     * every score has passed, which makes the call all or nothing. */
    uint64_t lane[LANES * SVCM_FEEDBACK_MAX_LEVELS];
    const size_t L = f->levels;
    memset(lane, 0, LANES * L * sizeof lane[0]);
    const double lo = (double)f->opts.low, hi = (double)f->opts.high;
    const int32_t base = f->opts.low;
    uint64_t *h0 = lane, *h1 = lane + L, *h2 = lane + 2 * L, *h3 = lane + 3 * L;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        double a = scores[i], b = scores[i + 1], c = scores[i + 2], d = scores[i + 3];
        /* Comparisons are false for NaN, so NaN and infinities fail here. */
        if (!((a >= lo) & (a <= hi) & (b >= lo) & (b <= hi) & (c >= lo) & (c <= hi) &
              (d >= lo) & (d <= hi)))
            break;
        int32_t ka = (int32_t)a, kb = (int32_t)b, kc = (int32_t)c, kd = (int32_t)d;
        if (!(((double)ka == a) & ((double)kb == b) & ((double)kc == c) & ((double)kd == d)))
            break;
        h0[ka - base]++;
        h1[kb - base]++;
        h2[kc - base]++;
        h3[kd - base]++;
    }
    for (; i < n; i++) {
        int64_t k = level_of(f, scores[i]);
        if (k < 0)
            return bad_score(f, err, i, scores[i]);
        h0[k]++;
    }
    for (size_t k = 0; k < L; k++)
        f->counts[k] += h0[k] + h1[k] + h2[k] + h3[k];
    f->n += (uint64_t)n;
    return SVCM_OK;
}

static bool same_settings(const svcm_feedback *a, const svcm_feedback *b)
{
    return a->opts.kind == b->opts.kind && a->opts.low == b->opts.low &&
           a->opts.high == b->opts.high && a->opts.top_boxes == b->opts.top_boxes;
}

int svcm_feedback_merge(svcm_feedback *dst, const svcm_feedback *src)
{
    if (dst == NULL || src == NULL)
        return SVCM_EINVAL;
    if (!same_settings(dst, src))
        return SVCM_EMISMATCH;
    /* Every count is at most n, so n not overflowing covers the counts. */
    if (src->n > UINT64_MAX - dst->n)
        return SVCM_ERANGE;
    uint64_t add_n = src->n; /* read before writing: src may equal dst */
    for (uint32_t k = 0; k < dst->levels; k++)
        dst->counts[k] += src->counts[k];
    dst->n += add_n;
    return SVCM_OK;
}

/* Summary numbers of a histogram. */
typedef struct stats {
    uint64_t n, top, promoters, passives, detractors;
    double mean, var; /* var: sample variance, NaN when n < 2 */
} stats;

static stats summarise(const svcm_feedback *f)
{
    stats s = {0};
    s.n = f->n;
    double sum = 0.0;
    for (uint32_t k = 0; k < f->levels; k++)
        sum += (double)f->counts[k] * ((double)f->opts.low + (double)k);
    s.mean = s.n ? sum / (double)s.n : 0.0;
    double ss = 0.0;
    for (uint32_t k = 0; k < f->levels; k++) {
        double d = (double)f->opts.low + (double)k - s.mean;
        ss += (double)f->counts[k] * d * d;
    }
    s.var = s.n >= 2 ? ss / (double)(s.n - 1) : NAN;
    if (f->opts.kind == SVCM_FEEDBACK_KIND_CSAT) {
        for (uint32_t k = f->levels - f->opts.top_boxes; k < f->levels; k++)
            s.top += f->counts[k];
    } else if (f->opts.kind == SVCM_FEEDBACK_KIND_NPS) {
        s.promoters = f->counts[9] + f->counts[10];
        s.passives = f->counts[7] + f->counts[8];
        s.detractors = s.n - s.promoters - s.passives;
    }
    return s;
}

/* NPS in points and the multinomial variance of pP - pD for one answer,
 * V = pP + pD - (pP - pD)^2 (variance of a +1/0/-1 score). */
static void nps_parts(const stats *s, double *score, double *v)
{
    double pp = (double)s->promoters / (double)s->n, pd = (double)s->detractors / (double)s->n;
    double var = pp + pd - (pp - pd) * (pp - pd);
    *score = 100.0 * (pp - pd);
    *v = var > 0.0 ? var : 0.0;
}

static bool good_confidence(double c) { return c > 0.0 && c < 1.0; }

/* Two-sided critical values from the lower tail (1 - c) / 2: 1 - c is exact
 * for c >= 0.5 (Sterbenz), whereas 0.5 + 0.5 c rounds to 1 for c within
 * 2^-53 of 1 and the quantile of 1 does not exist. */
static int z_two_sided(double confidence, double *z)
{
    double q;
    int rc = svcm_normal_quantile(0.5 * (1.0 - confidence), &q);
    *z = -q;
    return rc;
}

static int t_two_sided(double confidence, double df, double *t)
{
    double q;
    int rc = svcm_t_quantile(0.5 * (1.0 - confidence), df, &q);
    *t = -q;
    return rc;
}

int svcm_feedback_result(const svcm_feedback *f, double confidence, struct svcm_feedback_result *out)
{
    if (f == NULL || out == NULL || !good_confidence(confidence))
        return SVCM_EINVAL;
    if (f->n == 0 || (f->opts.kind == SVCM_FEEDBACK_KIND_CES && f->n < 2))
        return SVCM_EEMPTY;
    stats s = summarise(f);
    struct svcm_feedback_result r;
    memset(&r, 0, sizeof r);
    r.kind = f->opts.kind;
    r.n = s.n;
    r.mean = s.mean;
    double nn = (double)s.n;
    int rc = SVCM_OK;
    if (f->opts.kind == SVCM_FEEDBACK_KIND_CSAT) {
        r.satisfied = s.top;
        r.value = (double)s.top / nn;
        r.std_error = sqrt(r.value * (1.0 - r.value) / nn);
        rc = svcm_wilson(s.top, s.n, confidence, &r.ci);
    } else if (f->opts.kind == SVCM_FEEDBACK_KIND_NPS) {
        r.promoters = s.promoters;
        r.passives = s.passives;
        r.detractors = s.detractors;
        double v, z;
        nps_parts(&s, &r.value, &v);
        r.std_error = 100.0 * sqrt(v / nn);
        rc = z_two_sided(confidence, &z);
        r.ci.lo = fmax(-100.0, r.value - z * r.std_error);
        r.ci.hi = fmin(100.0, r.value + z * r.std_error);
    } else {
        double t;
        r.value = s.mean;
        r.std_error = sqrt(s.var / nn);
        rc = t_two_sided(confidence, nn - 1.0, &t);
        r.ci.lo = r.value - t * r.std_error;
        r.ci.hi = r.value + t * r.std_error;
    }
    if (rc != SVCM_OK)
        return rc;
    *out = r;
    return SVCM_OK;
}

int svcm_feedback_compare(const svcm_feedback *a, const svcm_feedback *b, double confidence,
                          struct svcm_test_result *out)
{
    if (a == NULL || b == NULL || out == NULL || !good_confidence(confidence))
        return SVCM_EINVAL;
    if (!same_settings(a, b))
        return SVCM_EMISMATCH;
    uint64_t need = a->opts.kind == SVCM_FEEDBACK_KIND_CES ? 2 : 1;
    if (a->n < need || b->n < need)
        return SVCM_EEMPTY;
    stats sa = summarise(a), sb = summarise(b);
    if (a->opts.kind == SVCM_FEEDBACK_KIND_CSAT)
        return svcm_two_proportion_z_test(sa.top, sa.n, sb.top, sb.n, confidence, out);
    if (a->opts.kind == SVCM_FEEDBACK_KIND_CES)
        return svcm_welch_t_test(sa.mean, sa.var, (double)sa.n, sb.mean, sb.var, (double)sb.n,
                                 confidence, out);
    /* NPS: difference of two independent multinomial estimates. */
    double na, va, nb, vb, z;
    nps_parts(&sa, &na, &va);
    nps_parts(&sb, &nb, &vb);
    double se = 100.0 * sqrt(va / (double)sa.n + vb / (double)sb.n);
    if (!(se > 0.0))
        return SVCM_ERANGE;
    int rc = z_two_sided(confidence, &z);
    if (rc != SVCM_OK)
        return rc;
    struct svcm_test_result r;
    r.diff = nb - na;
    r.statistic = r.diff / se;
    r.df = INFINITY;
    r.ci.lo = r.diff - z * se;
    r.ci.hi = r.diff + z * se;
    double p_tail;
    (void)svcm_normal_cdf(r.statistic, &r.p_less);
    (void)svcm_normal_cdf(-r.statistic, &r.p_greater);
    (void)svcm_normal_cdf(-fabs(r.statistic), &p_tail);
    r.p_value = fmin(1.0, 2.0 * p_tail);
    *out = r;
    return SVCM_OK;
}

#define FORMAT_VERSION 1

int svcm_feedback_save(const svcm_feedback *f, unsigned char *buf, size_t cap, size_t *len)
{
    if (f == NULL)
        return SVCM_EINVAL;
    size_t need = SVCM__HEADER_SIZE + 1 + 4 + 4 + 4 + (size_t)f->levels * 8;
    if (len != NULL)
        *len = need;
    if (buf == NULL || cap < need)
        return SVCM_ENOSPC;
    svcm__writer w = {buf, cap, 0};
    svcm__w_header(&w, SVCM__KIND_FEEDBACK, FORMAT_VERSION);
    svcm__w_u8(&w, (uint8_t)f->opts.kind);
    svcm__w_u32(&w, (uint32_t)f->opts.low);
    svcm__w_u32(&w, (uint32_t)f->opts.high);
    svcm__w_u32(&w, f->opts.top_boxes);
    for (uint32_t k = 0; k < f->levels; k++)
        svcm__w_u64(&w, f->counts[k]);
    svcm__w_finish(&w);
    return SVCM_OK;
}

/* Two's complement u32 -> int32 without implementation-defined conversion. */
static int32_t to_i32(uint32_t u)
{
    return u <= INT32_MAX ? (int32_t)u : -(int32_t)(UINT32_MAX - u) - 1;
}

static int feedback_load(const unsigned char *buf, size_t len, const svcm_allocator *alloc,
              svcm_feedback **out)
{
    if (buf == NULL || out == NULL)
        return SVCM_EINVAL;
    svcm__reader r = {buf, len, 0, true};
    uint16_t version = svcm__r_header(&r, SVCM__KIND_FEEDBACK);
    svcm_feedback_options o;
    o.kind = (svcm_feedback_kind)svcm__r_u8(&r);
    o.low = to_i32(svcm__r_u32(&r));
    o.high = to_i32(svcm__r_u32(&r));
    o.top_boxes = svcm__r_u32(&r);
    if (!r.ok || version != FORMAT_VERSION)
        return SVCM_EFORMAT;
    uint32_t levels = check_options(&o);
    if (levels == 0 || (o.kind != SVCM_FEEDBACK_KIND_CSAT && o.top_boxes != 2))
        return SVCM_EFORMAT;
    if (r.len - r.pos != (size_t)levels * 8)
        return SVCM_EFORMAT;
    svcm_feedback *f;
    int rc = create(&o, levels, alloc, &f);
    if (rc != SVCM_OK)
        return rc;
    for (uint32_t k = 0; k < levels; k++) {
        uint64_t c = svcm__r_u64(&r);
        if (c > UINT64_MAX - f->n) {
            svcm_feedback_free(f);
            return SVCM_EFORMAT;
        }
        f->counts[k] = c;
        f->n += c;
    }
    if (!svcm__r_done(&r)) {
        svcm_feedback_free(f);
        return SVCM_EFORMAT;
    }
    *out = f;
    return SVCM_OK;
}

int svcm_feedback_load(const unsigned char *buf, size_t len, const svcm_allocator *alloc,
                       svcm_feedback **out, svcm_error *err)
{
    int rc = svcm__allocator_check(alloc, err);
    if (rc != SVCM_OK)
        return rc;
    rc = feedback_load(buf, len, alloc, out);
    if (rc == SVCM_OK)
        return rc;
    if (rc == SVCM_EINVAL)
        return svcm__error(err, rc, SVCM_NO_INDEX, buf == NULL ? "buf" : "out", "is NULL");
    if (rc == SVCM_EFORMAT)
        return svcm__error(err, rc, SVCM_NO_INDEX, "buf",
                           "not a feedback accumulator saved by this library, or damaged");
    return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
}
