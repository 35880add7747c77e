/* Feedback scores: CSAT, NPS and CES as mergeable histograms of answers. */
#include <math.h>
#include <stdlib.h>
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
    opts->csat_method = SVCM_CSAT_METHOD_TOP_BOX;
    opts->ces_method = SVCM_CES_METHOD_MEAN;
    opts->nps_interval = SVCM_NPS_INTERVAL_WALD;
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

/* Number of levels of valid settings, 0 when invalid (then *field and
 * *why say what is wrong). The enums are read as ints: a value outside the
 * enumeration is possible from C and from loaded bytes. */
static uint32_t check_options_why(const svcm_feedback_options *o, const char **field,
                                  const char **why)
{
    *field = "kind";
    *why = "unknown feedback kind";
    if (svcm_feedback_kind_name((int)o->kind) == NULL)
        return 0;
    *field = "high";
    *why = "the scale needs low < high";
    if (o->low >= o->high)
        return 0;
    int64_t levels = (int64_t)o->high - (int64_t)o->low + 1;
    *why = "the scale has more than SVCM_FEEDBACK_MAX_LEVELS levels";
    if (levels > SVCM_FEEDBACK_MAX_LEVELS)
        return 0;
    *field = o->low != 0 ? "low" : "high";
    *why = "NPS needs the scale 0-10";
    if (o->kind == SVCM_FEEDBACK_KIND_NPS && (o->low != 0 || o->high != 10))
        return 0;
    int csat = (int)o->csat_method, ces = (int)o->ces_method, nps = (int)o->nps_interval;
    *field = "csat_method";
    *why = "unknown CSAT method (TOP_BOX, RATED or MEAN)";
    if (csat < SVCM_CSAT_METHOD_TOP_BOX || csat > SVCM_CSAT_METHOD_MEAN)
        return 0;
    *field = "ces_method";
    *why = "unknown CES method (MEAN, TOP or INDEX)";
    if (ces < SVCM_CES_METHOD_MEAN || ces > SVCM_CES_METHOD_INDEX)
        return 0;
    *field = "nps_interval";
    *why = "unknown NPS interval (WALD or ADJUSTED)";
    if (nps < SVCM_NPS_INTERVAL_WALD || nps > SVCM_NPS_INTERVAL_ADJUSTED)
        return 0;
    if (o->kind == SVCM_FEEDBACK_KIND_CSAT) {
        *field = "top_boxes";
        *why = "CSAT needs 1 <= top_boxes < levels";
        if (o->top_boxes < 1 || o->top_boxes >= levels)
            return 0;
        *why = "CSAT RATED needs 2 * top_boxes <= levels (top and bottom boxes apart)";
        if (csat == SVCM_CSAT_METHOD_RATED && 2 * (int64_t)o->top_boxes > levels)
            return 0;
    }
    *field = "ces_method";
    *why = "CES TOP and INDEX are defined on the 1-7 scale";
    if (o->kind == SVCM_FEEDBACK_KIND_CES && ces != SVCM_CES_METHOD_MEAN &&
        (o->low != 1 || o->high != 7))
        return 0;
    return (uint32_t)levels;
}

static uint32_t check_options(const svcm_feedback_options *o)
{
    const char *field, *why;
    return check_options_why(o, &field, &why);
}

/* The settings with the fields the kind ignores at their defaults, so that
 * merge and compare agree and one object has one saved form. */
static svcm_feedback_options canonical(const svcm_feedback_options *o)
{
    svcm_feedback_options c = *o;
    if (c.kind != SVCM_FEEDBACK_KIND_CSAT) {
        c.top_boxes = 2;
        c.csat_method = SVCM_CSAT_METHOD_TOP_BOX;
    }
    if (c.kind != SVCM_FEEDBACK_KIND_CES)
        c.ces_method = SVCM_CES_METHOD_MEAN;
    if (c.kind != SVCM_FEEDBACK_KIND_NPS)
        c.nps_interval = SVCM_NPS_INTERVAL_WALD;
    return c;
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
    f->opts = canonical(opts);
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
    const char *field, *why;
    (void)check_options_why(opts, &field, &why);
    return svcm__error(err, rc, SVCM_NO_INDEX, field, "%s", why);
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
           a->opts.high == b->opts.high && a->opts.top_boxes == b->opts.top_boxes &&
           a->opts.csat_method == b->opts.csat_method &&
           a->opts.ces_method == b->opts.ces_method &&
           a->opts.nps_interval == b->opts.nps_interval;
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

/* The statistical form of a score under its convention. */
typedef enum form { FORM_SHARE, FORM_NET, FORM_MEAN } form;

static form form_of(const svcm_feedback_options *o)
{
    switch (o->kind) {
    case SVCM_FEEDBACK_KIND_CSAT:
        return o->csat_method == SVCM_CSAT_METHOD_MEAN ? FORM_MEAN : FORM_SHARE;
    case SVCM_FEEDBACK_KIND_NPS:
        return FORM_NET;
    default:
        return o->ces_method == SVCM_CES_METHOD_TOP     ? FORM_SHARE
               : o->ces_method == SVCM_CES_METHOD_INDEX ? FORM_NET
                                                        : FORM_MEAN;
    }
}

/* Summary numbers of a histogram. top/bottom: CSAT satisfied/dissatisfied,
 * CES TOP answers 5-7, CES INDEX answers 6-7 / 1-3. succ/trials: the share
 * (FORM_SHARE); plus/minus: the net score's two sides (FORM_NET). */
typedef struct stats {
    uint64_t n, top, bottom, promoters, passives, detractors;
    uint64_t succ, trials, plus, minus;
    double mean, var; /* var: sample variance, NaN when n < 2 */
} stats;

static uint64_t sum_counts(const svcm_feedback *f, uint32_t from, uint32_t to)
{
    uint64_t c = 0;
    for (uint32_t k = from; k < to; k++)
        c += f->counts[k];
    return c;
}

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
    const svcm_feedback_options *o = &f->opts;
    if (o->kind == SVCM_FEEDBACK_KIND_CSAT) {
        s.top = sum_counts(f, f->levels - o->top_boxes, f->levels);
        s.bottom = sum_counts(f, 0, o->top_boxes);
        s.succ = s.top;
        s.trials = o->csat_method == SVCM_CSAT_METHOD_RATED ? s.top + s.bottom : s.n;
    } else if (o->kind == SVCM_FEEDBACK_KIND_NPS) {
        s.promoters = f->counts[9] + f->counts[10];
        s.passives = f->counts[7] + f->counts[8];
        s.detractors = s.n - s.promoters - s.passives;
        s.plus = s.promoters;
        s.minus = s.detractors;
    } else if (o->ces_method == SVCM_CES_METHOD_TOP) { /* scale 1-7: level k is answer k + 1 */
        s.top = sum_counts(f, 4, 7);
        s.succ = s.top;
        s.trials = s.n;
    } else if (o->ces_method == SVCM_CES_METHOD_INDEX) {
        s.top = sum_counts(f, 5, 7);
        s.bottom = sum_counts(f, 0, 3);
        s.plus = s.top;
        s.minus = s.bottom;
    }
    return s;
}

/* A net score in points and the multinomial variance of pP - pD for one
 * answer, V = pP + pD - (pP - pD)^2 (variance of a +1/0/-1 score), with its
 * sample size. Adjusted (Rocks 2016): 3/4 more on each side, n + 3. */
static void net_parts(const stats *s, bool adjusted, double *score, double *v, double *n)
{
    double add = adjusted ? 0.75 : 0.0;
    double nn = (double)s->n + 4.0 * add;
    double pp = ((double)s->plus + add) / nn, pd = ((double)s->minus + add) / nn;
    double var = pp + pd - (pp - pd) * (pp - pd);
    *score = 100.0 * (pp - pd);
    *v = var > 0.0 ? var : 0.0;
    *n = nn;
}

static bool adjusted_of(const svcm_feedback_options *o)
{
    return o->kind == SVCM_FEEDBACK_KIND_NPS && o->nps_interval == SVCM_NPS_INTERVAL_ADJUSTED;
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

/* Whether the accumulator has enough answers for its score. */
static bool enough(const svcm_feedback *f, const stats *s)
{
    switch (form_of(&f->opts)) {
    case FORM_SHARE:
        return s->trials > 0;
    case FORM_MEAN:
        return s->n >= 2;
    default:
        return s->n > 0;
    }
}

int svcm_feedback_result(const svcm_feedback *f, double confidence, struct svcm_feedback_result *out)
{
    if (f == NULL || out == NULL || !good_confidence(confidence))
        return SVCM_EINVAL;
    if (f->n == 0)
        return SVCM_EEMPTY;
    stats s = summarise(f);
    if (!enough(f, &s))
        return SVCM_EEMPTY;
    struct svcm_feedback_result r;
    memset(&r, 0, sizeof r);
    r.kind = f->opts.kind;
    r.csat_method = f->opts.csat_method;
    r.ces_method = f->opts.ces_method;
    r.nps_interval = f->opts.nps_interval;
    r.n = s.n;
    r.mean = s.mean;
    r.satisfied = s.top;
    r.dissatisfied = s.bottom;
    r.promoters = s.promoters;
    r.passives = s.passives;
    r.detractors = s.detractors;
    double nn = (double)s.n;
    int rc = SVCM_OK;
    switch (form_of(&f->opts)) {
    case FORM_SHARE:
        r.value = (double)s.succ / (double)s.trials;
        r.std_error = sqrt(r.value * (1.0 - r.value) / (double)s.trials);
        rc = svcm_wilson(s.succ, s.trials, confidence, &r.ci);
        break;
    case FORM_NET: {
        double v, z, centre, adj_n, plain_v, plain_n;
        net_parts(&s, false, &r.value, &plain_v, &plain_n);
        net_parts(&s, adjusted_of(&f->opts), &centre, &v, &adj_n);
        r.std_error = 100.0 * sqrt(v / adj_n);
        rc = z_two_sided(confidence, &z);
        r.ci.lo = fmax(-100.0, centre - z * r.std_error);
        r.ci.hi = fmin(100.0, centre + z * r.std_error);
        break;
    }
    default: {
        double t;
        r.value = s.mean;
        r.std_error = sqrt(s.var / nn);
        rc = t_two_sided(confidence, nn - 1.0, &t);
        r.ci.lo = r.value - t * r.std_error;
        r.ci.hi = r.value + t * r.std_error;
        break;
    }
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
    if (a->n == 0 || b->n == 0)
        return SVCM_EEMPTY;
    stats sa = summarise(a), sb = summarise(b);
    if (!enough(a, &sa) || !enough(b, &sb))
        return SVCM_EEMPTY;
    form fm = form_of(&a->opts);
    if (fm == FORM_SHARE)
        return svcm_two_proportion_z_test(sa.succ, sa.trials, sb.succ, sb.trials, confidence,
                                          out);
    if (fm == FORM_MEAN)
        return svcm_welch_t_test(sa.mean, sa.var, (double)sa.n, sb.mean, sb.var, (double)sb.n,
                                 confidence, out);
    /* Net scores: difference of two independent multinomial estimates
     * (adjusted ones for NPS ADJUSTED; diff stays the plain difference). */
    bool adj = adjusted_of(&a->opts);
    double na, va, nna, nb, vb, nnb, pa, pb, z, unused_v, unused_n;
    net_parts(&sa, adj, &na, &va, &nna);
    net_parts(&sb, adj, &nb, &vb, &nnb);
    double se = 100.0 * sqrt(va / nna + vb / nnb);
    if (!(se > 0.0))
        return SVCM_ERANGE;
    int rc = z_two_sided(confidence, &z);
    if (rc != SVCM_OK)
        return rc;
    net_parts(&sa, false, &pa, &unused_v, &unused_n);
    net_parts(&sb, false, &pb, &unused_v, &unused_n);
    struct svcm_test_result r;
    double centre = nb - na;
    r.diff = pb - pa;
    r.statistic = centre / se;
    r.df = INFINITY;
    r.ci.lo = centre - z * se;
    r.ci.hi = centre + z * se;
    double p_tail;
    (void)svcm_normal_cdf(r.statistic, &r.p_less);
    (void)svcm_normal_cdf(-r.statistic, &r.p_greater);
    (void)svcm_normal_cdf(-fabs(r.statistic), &p_tail);
    r.p_value = fmin(1.0, 2.0 * p_tail);
    *out = r;
    return SVCM_OK;
}

/* Version 1 (0.1): u8 kind, u32 low, u32 high, u32 top_boxes, the counts.
 * Version 2 (0.2): the same with u8 csat_method, u8 ces_method,
 * u8 nps_interval after top_boxes. */
#define FORMAT_VERSION 2

int svcm_feedback_save(const svcm_feedback *f, unsigned char *buf, size_t cap, size_t *len)
{
    if (f == NULL)
        return SVCM_EINVAL;
    size_t need = SVCM__HEADER_SIZE + 1 + 4 + 4 + 4 + 3 + (size_t)f->levels * 8;
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
    svcm__w_u8(&w, (uint8_t)f->opts.csat_method);
    svcm__w_u8(&w, (uint8_t)f->opts.ces_method);
    svcm__w_u8(&w, (uint8_t)f->opts.nps_interval);
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
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS); /* version 1: default conventions */
    o.kind = (svcm_feedback_kind)svcm__r_u8(&r);
    o.low = to_i32(svcm__r_u32(&r));
    o.high = to_i32(svcm__r_u32(&r));
    o.top_boxes = svcm__r_u32(&r);
    if (version == 2) {
        o.csat_method = (svcm_csat_method)svcm__r_u8(&r);
        o.ces_method = (svcm_ces_method)svcm__r_u8(&r);
        o.nps_interval = (svcm_nps_interval)svcm__r_u8(&r);
    }
    if (!r.ok || version < 1 || version > FORMAT_VERSION)
        return SVCM_EFORMAT;
    uint32_t levels = check_options(&o);
    if (levels == 0)
        return SVCM_EFORMAT;
    /* One object, one saved form: settings a kind ignores are canonical. */
    svcm_feedback_options canon = canonical(&o);
    if (canon.top_boxes != o.top_boxes || canon.csat_method != o.csat_method ||
        canon.ces_method != o.ces_method || canon.nps_interval != o.nps_interval)
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
    return svcm__load_error(err, rc, buf, "a feedback accumulator");
}

/* ------------------------------------------- FCR from repeat contacts */

typedef struct contact {
    int64_t customer, created;
    size_t row;
} contact;

static int contact_cmp(const void *pa, const void *pb)
{
    const contact *a = pa, *b = pb;
    if (a->customer != b->customer)
        return a->customer < b->customer ? -1 : 1;
    if (a->created != b->created)
        return a->created < b->created ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* b - a for b >= a, exact in uint64 whatever the int64 values. */
static uint64_t gap(int64_t a, int64_t b) { return (uint64_t)b - (uint64_t)a; }

int svcm_fcr_repeats(const int64_t *customer, const int64_t *created, size_t n, int64_t window,
                     int64_t as_of, const svcm_allocator *alloc, uint8_t *outcome, svcm_rate *out,
                     svcm_error *err)
{
    if (n > 0 && (customer == NULL || created == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, customer == NULL ? "customer" : "created",
                           "is NULL");
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "is NULL");
    if (window <= 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "window",
                           "window must be positive, not %lld", (long long)window);
    for (size_t i = 0; i < n; i++)
        if (created[i] > as_of)
            return svcm__error(err, SVCM_EINVAL, i, "created",
                               "created at %lld, after as_of %lld", (long long)created[i],
                               (long long)as_of);
    svcm_allocator a;
    int rc = svcm__allocator_resolve(&a, alloc, err);
    if (rc != SVCM_OK)
        return rc;
    if (n > SIZE_MAX / sizeof(contact))
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    contact *c = svcm__alloc(&a, (n ? n : 1) * sizeof *c);
    if (c == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    for (size_t i = 0; i < n; i++)
        c[i] = (contact){customer[i], created[i], i};
    qsort(c, n, sizeof *c, contact_cmp);
    svcm_rate r = {SVCM_RATE_KIND_FCR, 0, 0};
    for (size_t k = 0; k < n; k++) {
        uint8_t o;
        if (k + 1 < n && c[k + 1].customer == c[k].customer &&
            gap(c[k].created, c[k + 1].created) <= (uint64_t)window)
            o = SVCM_FCR_OUTCOME_REPEATED;
        else if (gap(c[k].created, as_of) >= (uint64_t)window)
            o = SVCM_FCR_OUTCOME_RESOLVED;
        else
            o = SVCM_FCR_OUTCOME_UNDECIDED;
        r.successes += o == SVCM_FCR_OUTCOME_RESOLVED;
        r.trials += o != SVCM_FCR_OUTCOME_UNDECIDED;
        if (outcome != NULL)
            outcome[c[k].row] = o;
    }
    svcm__free(&a, c);
    *out = r;
    return SVCM_OK;
}
