/* Thread safety: every engine from several threads at once.
 *
 * common.h promises that the library has no global mutable state and that
 * every function is reentrant. This program holds it to that:
 *
 * 1. One full workload (core stats and moments, feedback and rates, sketch
 *    and durations, calendar and SLA, Erlang and contact metrics, segment
 *    RFM/tiers/summaries/migration/policy text, lifetime BG/NBD and
 *    Gamma-Gamma fits and predictions, Pareto/NBD, MBG/NBD and BG/BB fits
 *    and predictions, time zones and timestamp parsing, Erlang A and the
 *    Erlang B/C helpers, shift patterns and scheduling, priority
 *    classify/order and queue, PDCA cycle life and save/load) runs once on the main thread. Every
 *    output (return codes, every field, error detail, saved bytes) goes into
 *    a log of labelled 64-bit items: doubles by their bit pattern, so the
 *    comparison is bit-for-bit (all of it is deterministic: same code, same
 *    inputs, same floating-point environment).
 * 2. THREADS threads then run the same workload ITERATIONS times each, on
 *    their own objects with their own counting allocator, all at once; every
 *    log must equal the reference item for item, and every allocator must
 *    end with no live block.
 * 3. THREADS threads query objects shared between them through the const
 *    API the headers call safe from any number of threads (one calendar,
 *    sketch, durations, feedback, queue, cycle and time zone, the zone used
 *    for parsing too); answers must equal the
 *    single-threaded ones.
 *
 * Run under ThreadSanitizer (.ci/run) this finds data races; in the plain,
 * ASan and valgrind builds it finds wrong results and leaks under threads. */
/* pthread_barrier_t is POSIX.1-2001 (the build is strict C11). */
#define _POSIX_C_SOURCE 200112L

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svcm/calendar.h"
#include "svcm/common.h"
#include "svcm/erlang.h"
#include "svcm/kpi.h"
#include "svcm/lifetime.h"
#include "svcm/pdca.h"
#include "svcm/priority.h"
#include "svcm/schedule.h"
#include "svcm/segment.h"
#include "svcm/sketch.h"
#include "svcm/stats.h"
#include "svcm/tier.h"
#include "svcm/time.h"

#define THREADS 4
#define ITERATIONS 4

/* ------------------------------------------------------------ the log */

typedef struct item {
    const char *label; /* static string: what the value is */
    uint64_t bits;
} item;

typedef struct rec {
    item *v;
    size_t n, cap;
    int failed; /* a call that must succeed did not, or out of memory */
    char why[256];
} rec;

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 2, 3)))
#endif
static void rec_fail(rec *r, const char *fmt, ...);

static void rec_fail(rec *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
}

static void put_u(rec *r, const char *label, uint64_t bits)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 4096;
        item *v = realloc(r->v, cap * sizeof *v);
        if (v == NULL) {
            rec_fail(r, "out of memory in the log");
            return;
        }
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n++] = (item){label, bits};
}

static void put_i(rec *r, const char *label, int64_t v)
{
    put_u(r, label, (uint64_t)v);
}

static void put_d(rec *r, const char *label, double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    put_u(r, label, b);
}

/* Bytes: the length, then 8 bytes per item (the tail zero-padded). */
static void put_b(rec *r, const char *label, const void *p, size_t len)
{
    const unsigned char *s = p;
    put_u(r, label, len);
    for (size_t i = 0; i < len; i += 8) {
        uint64_t w = 0;
        memcpy(&w, s + i, len - i < 8 ? len - i : 8);
        put_u(r, label, w);
    }
}

static void put_s(rec *r, const char *label, const char *s)
{
    if (s == NULL)
        put_u(r, label, UINT64_MAX);
    else
        put_b(r, label, s, strlen(s));
}

static void put_err(rec *r, const char *label, const svcm_error *e)
{
    put_i(r, label, e->code);
    put_u(r, label, e->index);
    put_s(r, label, e->field);
    put_s(r, label, e->message);
}

static void put_iv(rec *r, const char *label, svcm_interval iv)
{
    put_d(r, label, iv.lo);
    put_d(r, label, iv.hi);
}

static void put_test(rec *r, const char *label, const struct svcm_test_result *t)
{
    put_d(r, label, t->diff);
    put_iv(r, label, t->ci);
    put_d(r, label, t->statistic);
    put_d(r, label, t->df);
    put_d(r, label, t->p_value);
    put_d(r, label, t->p_greater);
    put_d(r, label, t->p_less);
}

/* A call that must succeed: its code is logged, and anything else fails the
 * run with the label. */
#define OK(label, call)                                                                            \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        put_i(r, label, rc_);                                                                      \
        if (rc_ != SVCM_OK)                                                                        \
            rec_fail(r, "%s: %s", label, svcm_status_name(rc_));                                   \
    } while (0)

/* OK() for calls that fill the local svcm_error e: its message goes into
 * the failure. */
#define OKE(label, call)                                                                           \
    do {                                                                                           \
        svcm_error_clear(&e);                                                                      \
        int rc_ = (call);                                                                          \
        put_i(r, label, rc_);                                                                      \
        if (rc_ != SVCM_OK)                                                                        \
            rec_fail(r, "%s: %s (index %zu, field %s: %s)", label, svcm_status_name(rc_), e.index, \
                     e.field ? e.field : "-", e.message);                                          \
    } while (0)

/* A call that must fail with @p want: the code and the error detail are
 * logged (the detail is formatted per call, so it is thread-sensitive). */
#define FAILS(label, want, call)                                                                   \
    do {                                                                                           \
        svcm_error_clear(&e);                                                                      \
        int rc_ = (call);                                                                          \
        put_i(r, label, rc_);                                                                      \
        put_err(r, label, &e);                                                                     \
        if (rc_ != (want))                                                                         \
            rec_fail(r, "%s: %s, want %s", label, svcm_status_name(rc_), svcm_status_name(want));  \
    } while (0)

/* --------------------------------------------- per-thread allocator */

typedef struct counting {
    long live;  /* blocks allocated and not yet freed */
    long total; /* allocations made */
} counting;

static void *c_alloc(void *ctx, size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p != NULL) {
        ((counting *)ctx)->live++;
        ((counting *)ctx)->total++;
    }
    return p;
}

static void *c_realloc(void *ctx, void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (p != NULL && ptr == NULL) {
        ((counting *)ctx)->live++;
        ((counting *)ctx)->total++;
    }
    return p;
}

static void c_free(void *ctx, void *ptr)
{
    if (ptr != NULL)
        ((counting *)ctx)->live--;
    free(ptr);
}

/* --------------------------------------------- deterministic inputs */

/* splitmix64: a per-call state, never a global one (rand() is not
 * thread-safe, and the inputs must be the same in every thread). */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
    return (double)(next_u64(s) >> 11) * 0x1p-53;
}

/* CDNOW summary (x, t_x, T, mean spend), read once by main and then only
 * read by the threads. */
#define CDNOW_MAX 2357
#define CDNOW_USED 800
static struct {
    size_t n;
    double x[CDNOW_MAX], tx[CDNOW_MAX], T[CDNOW_MAX], zbar[CDNOW_MAX];
} cdnow;

/* The BG/BB donation cohort of Fader, Hardie & Shang (2010): (frequency,
 * recency, periods, weight) rows, read once by main. */
#define DONATIONS_MAX 32
static struct {
    size_t count;
    double x[DONATIONS_MAX], tx[DONATIONS_MAX], n[DONATIONS_MAX], w[DONATIONS_MAX];
} donations;

static int donations_load(void)
{
    FILE *f = fopen(SVCM_DATA_DIR "/donations.csv", "r");
    if (f == NULL) {
        perror(SVCM_DATA_DIR "/donations.csv");
        return -1;
    }
    char line[256];
    int ok = fgets(line, sizeof line, f) != NULL; /* header */
    while (ok && donations.count < DONATIONS_MAX && fgets(line, sizeof line, f) != NULL) {
        size_t i = donations.count;
        if (sscanf(line, "%lf,%lf,%lf,%lf", &donations.x[i], &donations.tx[i], &donations.n[i],
                   &donations.w[i]) != 4)
            break;
        donations.count++;
    }
    fclose(f);
    return donations.count > 10 ? 0 : -1;
}

static int cdnow_load(void)
{
    FILE *f = fopen(SVCM_DATA_DIR "/cdnow_summary.csv", "r");
    if (f == NULL) {
        perror(SVCM_DATA_DIR "/cdnow_summary.csv");
        return -1;
    }
    char line[256];
    int id;
    if (fgets(line, sizeof line, f) == NULL) { /* header */
        fclose(f);
        return -1;
    }
    while (cdnow.n < CDNOW_MAX && fgets(line, sizeof line, f) != NULL) {
        size_t i = cdnow.n;
        if (sscanf(line, "%d,%lf,%lf,%lf,%lf", &id, &cdnow.x[i], &cdnow.tx[i], &cdnow.T[i],
                   &cdnow.zbar[i]) != 5)
            break;
        cdnow.n++;
    }
    fclose(f);
    return cdnow.n >= CDNOW_USED ? 0 : -1;
}

/* ------------------------------------------------------ the engines */

static void run_core(rec *r)
{
    static const int codes[] = {0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        put_s(r, "strerror", svcm_strerror(codes[i]));
        put_s(r, "status_name", svcm_status_name(codes[i]));
    }
    put_s(r, "version", svcm_version());
    put_u(r, "version_number", svcm_version_number());
    for (int t = 0; t < SVCM_TIER_COUNT; t++) {
        svcm_tier back;
        put_s(r, "tier_name", svcm_tier_name(t));
        OK("tier_parse", svcm_tier_parse(svcm_tier_name(t), &back));
        put_i(r, "tier_parse", back);
    }

    double v;
    for (int i = -40; i <= 40; i++) {
        double x = i / 8.0;
        OK("normal_cdf", svcm_normal_cdf(x, &v));
        put_d(r, "normal_cdf", v);
        OK("t_cdf", svcm_t_cdf(x, 1.0 + (i + 40) / 7.0, &v));
        put_d(r, "t_cdf", v);
    }
    for (int i = 1; i < 100; i++) {
        OK("normal_quantile", svcm_normal_quantile(i / 100.0, &v));
        put_d(r, "normal_quantile", v);
        OK("t_quantile", svcm_t_quantile(i / 100.0, 2.5 + i, &v));
        put_d(r, "t_quantile", v);
    }
    svcm_interval iv;
    OK("wilson", svcm_wilson(37, 120, 0.95, &iv));
    put_iv(r, "wilson", iv);
    struct svcm_test_result t;
    OK("welch", svcm_welch_t_test(10.2, 4.1, 31, 11.0, 6.5, 44, 0.9, &t));
    put_test(r, "welch", &t);
    OK("two_prop", svcm_two_proportion_z_test(45, 200, 61, 210, 0.95, &t));
    put_test(r, "two_prop", &t);

    uint64_t s = 1;
    double xs[5000];
    for (size_t i = 0; i < 5000; i++)
        xs[i] = 100.0 * uniform(&s) - 20.0;
    svcm_moments a, b;
    svcm_moments_init(&a);
    svcm_moments_init(&b);
    svcm_error e;
    OKE("moments_add_batch", svcm_moments_add_batch(&a, xs, 3000, &e));
    for (size_t i = 3000; i < 5000; i++)
        OK("moments_add", svcm_moments_add(&b, xs[i]));
    OK("moments_merge", svcm_moments_merge(&a, &b));
    put_u(r, "moments.n", a.n);
    put_d(r, "moments.mean", a.mean);
    put_d(r, "moments.m2", a.m2);
    put_d(r, "moments.min", a.min);
    put_d(r, "moments.max", a.max);
    OK("moments_variance", svcm_moments_variance(&a, &v));
    put_d(r, "moments_variance", v);
    OK("moments_mean_ci", svcm_moments_mean_ci(&a, 0.99, &iv));
    put_iv(r, "moments_mean_ci", iv);
    unsigned char buf[SVCM_MOMENTS_SAVED_SIZE];
    size_t len = 0;
    OK("moments_save", svcm_moments_save(&a, buf, sizeof buf, &len));
    put_b(r, "moments_save", buf, len);
    svcm_moments c;
    OK("moments_load", svcm_moments_load(buf, len, &c, NULL));
    put_d(r, "moments_load.m2", c.m2);
    xs[1234] = NAN;
    FAILS("moments_add_batch NaN", SVCM_EINVAL, svcm_moments_add_batch(&b, xs, 5000, &e));
}

static void run_feedback(rec *r, const svcm_allocator *al)
{
    svcm_error e;
    uint64_t s = 2;
    static const int kinds[] = {SVCM_FEEDBACK_KIND_CSAT, SVCM_FEEDBACK_KIND_NPS, SVCM_FEEDBACK_KIND_CES};
    svcm_feedback *f[3] = {NULL, NULL, NULL};
    for (int k = 0; k < 3; k++) {
        svcm_feedback_options o;
        svcm_feedback_options_init(&o, kinds[k]);
        OK("feedback_new", svcm_feedback_new(&o, al, &f[k], NULL));
        if (f[k] == NULL)
            continue;
        double sc[2000];
        int span = o.high - o.low + 1;
        for (size_t i = 0; i < 2000; i++)
            sc[i] = o.low + (int)(uniform(&s) * span);
        OKE("feedback_add_batch", svcm_feedback_add_batch(f[k], sc, 1500, &e));
        for (size_t i = 1500; i < 2000; i++)
            OK("feedback_add", svcm_feedback_add(f[k], sc[i]));
        sc[77] = o.high + 1;
        FAILS("feedback_add_batch out of range", SVCM_EINVAL,
              svcm_feedback_add_batch(f[k], sc, 2000, &e));
        struct svcm_feedback_result sum;
        OK("feedback_result", svcm_feedback_result(f[k], 0.95, &sum));
        put_i(r, "feedback.kind", sum.kind);
        put_u(r, "feedback.n", sum.n);
        put_d(r, "feedback.value", sum.value);
        put_iv(r, "feedback.ci", sum.ci);
        put_d(r, "feedback.std_error", sum.std_error);
        put_d(r, "feedback.mean", sum.mean);
        put_u(r, "feedback.counts",
              sum.satisfied ^ (sum.promoters << 16) ^ (sum.passives << 32) ^
                  (sum.detractors << 48));
        uint64_t hist[16] = {0};
        OK("feedback_histogram", svcm_feedback_histogram(f[k], hist, 16));
        put_b(r, "feedback_histogram", hist, sizeof hist);
        put_s(r, "feedback_kind_name", svcm_feedback_kind_name(kinds[k]));

        unsigned char buf[4096];
        size_t len = 0;
        OK("feedback_save", svcm_feedback_save(f[k], buf, sizeof buf, &len));
        put_b(r, "feedback_save", buf, len);
        svcm_feedback *g = NULL;
        OK("feedback_load", svcm_feedback_load(buf, len, al, &g, NULL));
        if (g != NULL) {
            OK("feedback_merge", svcm_feedback_merge(g, f[k]));
            struct svcm_test_result t;
            OK("feedback_compare", svcm_feedback_compare(f[k], g, 0.95, &t));
            put_test(r, "feedback_compare", &t);
            put_u(r, "feedback_count", svcm_feedback_count(g));
            svcm_feedback_free(g);
        }
    }
    for (int k = 0; k < 3; k++)
        svcm_feedback_free(f[k]);

    /* Rates. */
    svcm_rate ra, rb;
    OK("rate_init", svcm_rate_init(&ra, SVCM_RATE_KIND_FCR));
    OK("rate_init", svcm_rate_init(&rb, SVCM_RATE_KIND_FCR));
    double out[1000];
    for (size_t i = 0; i < 1000; i++)
        out[i] = uniform(&s) < 0.7 ? 1.0 : 0.0;
    OKE("rate_add_batch", svcm_rate_add_batch(&ra, out, 1000, &e));
    for (size_t i = 0; i < 400; i++)
        OK("rate_add", svcm_rate_add(&rb, uniform(&s) < 0.62));
    OK("rate_add_counts", svcm_rate_add_counts(&rb, 30, 70));
    out[500] = 0.5;
    FAILS("rate_add_batch 0.5", SVCM_EINVAL, svcm_rate_add_batch(&ra, out, 1000, &e));
    struct svcm_rate_result rs;
    OK("rate_result", svcm_rate_result(&ra, 0.9, &rs));
    put_u(r, "rate.successes", rs.successes);
    put_u(r, "rate.trials", rs.trials);
    put_d(r, "rate.rate", rs.rate);
    put_iv(r, "rate.ci", rs.ci);
    struct svcm_test_result t;
    OK("rate_compare", svcm_rate_compare(&ra, &rb, 0.95, &t));
    put_test(r, "rate_compare", &t);
    unsigned char buf[SVCM_RATE_SAVED_SIZE];
    size_t len = 0;
    OK("rate_save", svcm_rate_save(&rb, buf, sizeof buf, &len));
    put_b(r, "rate_save", buf, len);
    svcm_rate rc;
    OK("rate_load", svcm_rate_load(buf, len, &rc, NULL));
    OK("rate_merge", svcm_rate_merge(&ra, &rc));
    put_u(r, "rate_merge", ra.successes ^ (ra.trials << 32));
    for (int k = 0; k < SVCM_RATE_KIND_COUNT; k++) {
        svcm_rate_kind back;
        put_s(r, "rate_kind_name", svcm_rate_kind_name(k));
        OK("rate_kind_parse", svcm_rate_kind_parse(svcm_rate_kind_name(k), &back));
        put_i(r, "rate_kind_parse", back);
    }

    /* SERVQUAL and channel consistency. */
    double ex[SVCM_SERVQUAL_ITEMS], pe[SVCM_SERVQUAL_ITEMS];
    for (size_t i = 0; i < SVCM_SERVQUAL_ITEMS; i++) {
        ex[i] = 1.0 + 6.0 * uniform(&s);
        pe[i] = 1.0 + 6.0 * uniform(&s);
    }
    const double w[SVCM_SERVQUAL_DIMENSIONS] = {10, 30, 25, 20, 15};
    struct svcm_servqual_result q;
    OKE("servqual", svcm_servqual(ex, pe, SVCM_SERVQUAL_ITEMS, NULL, w, &q, &e));
    for (int d = 0; d < SVCM_SERVQUAL_DIMENSIONS; d++) {
        put_d(r, "servqual.gap", q.gap[d]);
        put_d(r, "servqual.weight", q.weight[d]);
        put_u(r, "servqual.items", q.items[d]);
        put_s(r, "servqual_dimension_name", svcm_servqual_dimension_name(d));
    }
    put_d(r, "servqual.weighted", q.weighted);
    put_d(r, "servqual.unweighted", q.unweighted);
    struct svcm_consistency_result cr;
    OKE("consistency", svcm_consistency(ex, 7, &cr, &e));
    put_d(r, "consistency.cv", cr.cv);
    put_d(r, "consistency.sd", cr.sd);
    put_d(r, "consistency.cv_population", cr.cv_population);
}

static void put_durations(rec *r, const struct svcm_durations_result *d)
{
    put_u(r, "durations.count", d->count);
    put_d(r, "durations.sum", d->sum);
    put_d(r, "durations.mean", d->mean);
    put_d(r, "durations.std", d->std);
    put_d(r, "durations.min", d->min);
    put_d(r, "durations.max", d->max);
    put_d(r, "durations.p50", d->p50);
    put_d(r, "durations.p90", d->p90);
    put_d(r, "durations.p95", d->p95);
    put_d(r, "durations.p99", d->p99);
}

#define SKETCH_N 20000
static const double quantile_levels[] = {0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1};
#define N_LEVELS (sizeof quantile_levels / sizeof quantile_levels[0])

static void run_sketch(rec *r, const svcm_allocator *al)
{
    svcm_error e;
    uint64_t s = 3;
    double *xs = malloc(SKETCH_N * sizeof *xs);
    if (xs == NULL) {
        rec_fail(r, "out of memory");
        return;
    }
    for (size_t i = 0; i < SKETCH_N; i++)
        xs[i] = i % 97 == 0 ? 0.0 : exp(6.0 * uniform(&s) - 1.0); /* spans ~e^-1..e^5 */
    svcm_sketch_options o;
    svcm_sketch_options_init(&o);
    o.rel_err = 0.01;
    o.exact_limit = 2000;
    svcm_sketch *a = NULL, *b = NULL, *c = NULL;
    OK("sketch_new", svcm_sketch_new(&o, al, &a, NULL));
    OK("sketch_new", svcm_sketch_new(&o, al, &b, NULL));
    if (a != NULL && b != NULL) {
        OKE("sketch_add_batch", svcm_sketch_add_batch(a, xs, SKETCH_N / 2, &e));
        for (size_t i = SKETCH_N / 2; i < SKETCH_N; i++)
            OK("sketch_add", svcm_sketch_add(b, xs[i]));
        OK("sketch_merge", svcm_sketch_merge(a, b));
        double q[N_LEVELS];
        OKE("sketch_quantiles", svcm_sketch_quantiles(a, quantile_levels, N_LEVELS, q, &e));
        for (size_t i = 0; i < N_LEVELS; i++)
            put_d(r, "sketch_quantiles", q[i]);
        struct svcm_sketch_result st;
        OK("sketch_get_stats", svcm_sketch_result(a, &st));
        put_u(r, "sketch.count", st.count);
        put_u(r, "sketch.zero_count", st.zero_count);
        put_d(r, "sketch.sum", st.sum);
        put_d(r, "sketch.mean", st.mean);
        put_u(r, "sketch.buckets", st.buckets);
        put_i(r, "sketch.exact", st.exact);
        size_t len = 0;
        FAILS("sketch_save measure", SVCM_ENOSPC, svcm_sketch_save(a, NULL, 0, &len));
        unsigned char *buf = malloc(len);
        if (buf != NULL) {
            OK("sketch_save", svcm_sketch_save(a, buf, len, &len));
            put_b(r, "sketch_save", buf, len);
            OK("sketch_load", svcm_sketch_load(buf, len, al, &c, NULL));
            if (c != NULL) {
                OK("sketch_quantile", svcm_sketch_quantile(c, 0.95, &q[0]));
                put_d(r, "sketch_quantile", q[0]);
            }
            buf[0] ^= 0x55;
            svcm_sketch *bad = NULL;
            put_i(r, "sketch_load corrupt", svcm_sketch_load(buf, len, al, &bad, NULL));
            svcm_sketch_free(bad);
            free(buf);
        }
        xs[5] = -1.0;
        FAILS("sketch_add_batch negative", SVCM_EINVAL, svcm_sketch_add_batch(b, xs, 10, &e));
        svcm_sketch_reset(b);
        put_u(r, "sketch_count after reset", svcm_sketch_count(b));
        xs[5] = 1.0;
    }
    svcm_sketch_free(a);
    svcm_sketch_free(b);
    svcm_sketch_free(c);

    svcm_durations *d = NULL, *d2 = NULL, *d3 = NULL;
    OK("durations_new", svcm_durations_new(&o, al, &d, NULL));
    OK("durations_new", svcm_durations_new(NULL, al, &d2, NULL));
    if (d != NULL && d2 != NULL) {
        OKE("durations_add_batch", svcm_durations_add_batch(d, xs, SKETCH_N / 3, &e));
        for (size_t i = SKETCH_N / 3; i < SKETCH_N / 3 + 3000; i++)
            OK("durations_add", svcm_durations_add(d2, xs[i]));
        put_i(r, "durations_merge mismatch", svcm_durations_merge(d, d2));
        struct svcm_durations_result dr;
        OK("durations_summary", svcm_durations_result(d, &dr));
        put_durations(r, &dr);
        double q[N_LEVELS];
        OKE("durations_quantiles", svcm_durations_quantiles(d2, quantile_levels, N_LEVELS, q, &e));
        for (size_t i = 0; i < N_LEVELS; i++)
            put_d(r, "durations_quantiles", q[i]);
        size_t len = 0;
        put_i(r, "durations_save measure", svcm_durations_save(d, NULL, 0, &len));
        unsigned char *buf = malloc(len);
        if (buf != NULL) {
            OK("durations_save", svcm_durations_save(d, buf, len, &len));
            put_b(r, "durations_save", buf, len);
            OK("durations_load", svcm_durations_load(buf, len, al, &d3, NULL));
            if (d3 != NULL) {
                OK("durations_summary", svcm_durations_result(d3, &dr));
                put_durations(r, &dr);
                put_u(r, "durations_count", svcm_durations_count(d3));
            }
            free(buf);
        }
    }
    svcm_durations_free(d);
    svcm_durations_free(d2);
    svcm_durations_free(d3);
    free(xs);
}

static const char calendar_text[] = "# support desk, Singapore\n"
                                    "utc_offset = +08:00\n"
                                    "mon = 09:00-12:00, 13:00-18:00\n"
                                    "tue = 09:00-18:00\n"
                                    "wed = 09:00-18:00\n"
                                    "thu = 09:00-18:00\n"
                                    "fri = 09:00-17:00\n"
                                    "sun = 22:00-06:00\n"
                                    "holiday = 2026-01-01, 2026-02-17\n"
                                    "holiday = 2026-12-25\n";
#define T0 INT64_C(1767225600) /* 2026-01-01T00:00:00Z */
#define N_SPANS 400
#define N_TICKETS 200

static void run_calendar_on(rec *r, const svcm_calendar *cal)
{
    svcm_error e;
    uint64_t s = 4;
    int64_t starts[N_SPANS], ends[N_SPANS], secs[N_SPANS], out[N_SPANS];
    for (size_t i = 0; i < N_SPANS; i++) {
        starts[i] = T0 + (int64_t)(uniform(&s) * 365 * 86400.0);
        ends[i] = starts[i] + (int64_t)(uniform(&s) * 30 * 86400.0);
        secs[i] = (int64_t)(uniform(&s) * 200 * 3600.0);
    }
    OKE("business_seconds_batch",
        svcm_calendar_business_seconds_batch(cal, starts, ends, N_SPANS, out, &e));
    put_b(r, "business_seconds_batch", out, sizeof out);
    OKE("add_business_seconds_batch",
        svcm_calendar_add_business_seconds_batch(cal, starts, secs, N_SPANS, out, &e));
    put_b(r, "add_business_seconds_batch", out, sizeof out);
    for (size_t i = 0; i < 50; i++) {
        int64_t v;
        bool open;
        OK("business_seconds", svcm_calendar_business_seconds(cal, starts[i], ends[i], &v));
        put_i(r, "business_seconds", v);
        OK("add_business_seconds", svcm_calendar_add_business_seconds(cal, starts[i], secs[i], &v));
        put_i(r, "add_business_seconds", v);
        OK("is_open", svcm_calendar_is_open(cal, starts[i], &open));
        put_u(r, "is_open", open);
        OK("next_open", svcm_calendar_next_open(cal, starts[i], &v));
        put_i(r, "next_open", v);
    }
    ends[123] = SVCM_CALENDAR_TIME_MAX + 1;
    FAILS("business_seconds_batch end out of range", SVCM_ERANGE,
          svcm_calendar_business_seconds_batch(cal, starts, ends, N_SPANS, out, &e));
    char text[1024];
    size_t len = 0;
    OK("calendar_to_text", svcm_calendar_format(cal, text, sizeof text, &len));
    put_b(r, "calendar_to_text", text, len);

    /* SLA: tickets with a pause each, some open. */
    svcm_sla_ticket tk[N_TICKETS];
    svcm_sla_pause pz[N_TICKETS];
    for (size_t i = 0; i < N_TICKETS; i++) {
        int64_t c = T0 + (int64_t)(uniform(&s) * 300 * 86400.0);
        pz[i].start = c + 3600 + (int64_t)(uniform(&s) * 86400.0);
        pz[i].end = pz[i].start + (int64_t)(uniform(&s) * 86400.0);
        tk[i] = (svcm_sla_ticket){
            .created = c,
            .first_response = c + (int64_t)(uniform(&s) * 7200.0),
            .resolved =
                i % 5 == 0 ? SVCM_SLA_NONE : pz[i].end + (int64_t)(uniform(&s) * 5 * 86400.0),
            .pauses = &pz[i],
            .n_pauses = 1,
            .response_target = 3600,
            .resolution_target = 16 * 3600,
        };
    }
    svcm_sla_summary sum;
    struct svcm_sla_result per[N_TICKETS];
    const int64_t now = T0 + 400 * INT64_C(86400);
    OKE("sla_compliance", svcm_sla_compliance(cal, tk, N_TICKETS, now, 0.95, &sum, per, &e));
    for (int k = 0; k < 2; k++) {
        const svcm_sla_rate *rt = k ? &sum.resolution : &sum.response;
        put_u(r, "sla.met", rt->met);
        put_u(r, "sla.breached", rt->breached);
        put_u(r, "sla.pending", rt->pending);
        put_d(r, "sla.rate", rt->rate);
        put_iv(r, "sla.ci", rt->ci);
    }
    for (size_t i = 0; i < N_TICKETS; i++) {
        const svcm_sla_metric *m[2] = {&per[i].response, &per[i].resolution};
        for (int k = 0; k < 2; k++) {
            put_i(r, "sla.elapsed", m[k]->elapsed);
            put_i(r, "sla.remaining", m[k]->remaining);
            put_i(r, "sla.due", m[k]->due);
            put_u(r, "sla.flags", m[k]->stopped | m[k]->met << 1 | m[k]->breached << 2);
        }
    }
    struct svcm_sla_result one;
    OKE("sla_evaluate", svcm_sla_evaluate(cal, &tk[7], now, &one, &e));
    put_i(r, "sla_evaluate", one.resolution.elapsed);
    tk[9].first_response = tk[9].created - 10;
    FAILS("sla_compliance response before created", SVCM_EINVAL,
          svcm_sla_compliance(cal, tk, N_TICKETS, now, 0.95, &sum, per, &e));
}

static void run_calendar(rec *r, const svcm_allocator *al)
{
    svcm_error e;
    for (int64_t d = -800000; d <= 800000; d += 9973) {
        svcm_date dt;
        int64_t back;
        OK("civil_from_days", svcm_civil_from_days(d, &dt));
        OK("days_from_civil", svcm_days_from_civil(&dt, &back));
        put_i(r, "civil", (int64_t)dt.year * 10000 + dt.month * 100 + dt.day);
        put_i(r, "days_from_civil", back);
    }
    svcm_calendar *cal = NULL;
    OKE("calendar_parse", svcm_calendar_parse(calendar_text, strlen(calendar_text), al, &cal, &e));
    if (cal != NULL)
        run_calendar_on(r, cal);
    svcm_calendar_free(cal);
    static const char bad[] = "mon = 09:00-18:00\ntue = 25:00-26:00\n";
    svcm_calendar *no = NULL;
    FAILS("calendar_parse bad hour", SVCM_EFORMAT,
          svcm_calendar_parse(bad, strlen(bad), al, &no, &e));
    svcm_calendar_free(no);
    /* The same calendar from options. */
    const svcm_calendar_interval iv[] = {{0, 9 * 3600, 17 * 3600}, {2, 22 * 3600, 6 * 3600}};
    const svcm_date hol[] = {{2026, 5, 1}};
    svcm_calendar_options o;
    svcm_calendar_options_init(&o);
    o.utc_offset_minutes = -300;
    o.intervals = iv;
    o.n_intervals = 2;
    o.holidays = hol;
    o.n_holidays = 1;
    OKE("calendar_new", svcm_calendar_new(&o, al, &cal, &e));
    if (cal != NULL) {
        int64_t v;
        OK("business_seconds", svcm_calendar_business_seconds(cal, T0, T0 + 90 * 86400, &v));
        put_i(r, "business_seconds opts", v);
    }
    svcm_calendar_free(cal);
    /* Zoned (New York rule): each thread makes its own zone. */
    o.utc_offset_minutes = 0;
    o.zone = "EST5EDT,M3.2.0,M11.1.0";
    cal = NULL;
    OKE("calendar_new zoned", svcm_calendar_new(&o, al, &cal, &e));
    if (cal != NULL) {
        int64_t v;
        OK("business_seconds zoned",
           svcm_calendar_business_seconds(cal, T0, T0 + 400 * 86400, &v));
        put_i(r, "business_seconds zoned", v);
        OK("next_open zoned", svcm_calendar_next_open(cal, T0 + 77 * 86400, &v));
        put_i(r, "next_open zoned", v);
    }
    svcm_calendar_free(cal);
}

static void put_erlang(rec *r, const struct svcm_erlang_result *x)
{
    put_u(r, "erlang.agents", x->agents);
    put_u(r, "erlang.staff", x->staff);
    put_d(r, "erlang.traffic", x->traffic);
    put_d(r, "erlang.p_wait", x->p_wait);
    put_d(r, "erlang.service_level", x->service_level);
    put_d(r, "erlang.asa_s", x->asa_s);
    put_d(r, "erlang.occupancy", x->occupancy);
}

static void run_erlang(rec *r)
{
    svcm_error e;
    uint64_t s = 5;
    double v;
    OKE("erlang_traffic", svcm_erlang_traffic(360, 240, 1800, &v, &e));
    put_d(r, "erlang_traffic", v);
    for (uint32_t n = 1; n <= 120; n += 7) {
        OKE("erlang_b", svcm_erlang_b(47.3, n, &v, &e));
        put_d(r, "erlang_b", v);
        OKE("erlang_c", svcm_erlang_c(0.8 * n + 0.1, n, &v, &e));
        put_d(r, "erlang_c", v);
        OKE("erlang_service_level", svcm_erlang_service_level(0.8 * n + 0.1, 240, n, 20, &v, &e));
        put_d(r, "erlang_service_level", v);
        OKE("erlang_asa", svcm_erlang_asa(0.8 * n + 0.1, 240, n, &v, &e));
        put_d(r, "erlang_asa", v);
    }
    uint32_t staff;
    OKE("erlang_staff_with_shrinkage", svcm_erlang_staff_with_shrinkage(57, 0.31, &staff, &e));
    put_u(r, "erlang_staff_with_shrinkage", staff);
    svcm_erlang_options o;
    svcm_erlang_options_init(&o);
    o.shrinkage = 0.3;
    o.max_occupancy = 0.9;
    struct svcm_erlang_result x;
    OKE("erlang_eval", svcm_erlang_eval(20.0, 180, 25, &o, &x, &e));
    put_erlang(r, &x);
    OKE("erlang_staff", svcm_erlang_staff(123.4, 300, &o, &x, &e));
    put_erlang(r, &x);
    double tr[64], aht[64];
    struct svcm_erlang_result xs[64];
    for (size_t i = 0; i < 64; i++) {
        tr[i] = 500.0 * uniform(&s);
        aht[i] = 60.0 + 600.0 * uniform(&s);
    }
    OKE("erlang_staff_batch", svcm_erlang_staff_batch(tr, aht, 64, &o, xs, &e));
    for (size_t i = 0; i < 64; i++)
        put_erlang(r, &xs[i]);
    tr[40] = -1;
    FAILS("erlang_staff_batch negative", SVCM_EINVAL,
          svcm_erlang_staff_batch(tr, aht, 64, &o, xs, &e));
    {
        svcm_erlang_chat_options co;
        svcm_erlang_chat_options_init(&co);
        co.concurrency = 3;
        co.aht_s[0] = 300;
        co.aht_s[1] = 420;
        co.aht_s[2] = 600;
        struct svcm_erlang_chat_result cr;
        for (uint32_t n = 5; n <= 60; n += 11) {
            co.patience_s = n % 2 ? 90.0 : INFINITY;
            OKE("erlang_chat_eval", svcm_erlang_chat_eval(17.0 * n, 3600, n, &co, &cr, &e));
            put_d(r, "erlang_chat.p_wait", cr.p_wait);
            put_d(r, "erlang_chat.service_level", cr.service_level);
            put_d(r, "erlang_chat.asa_s", cr.asa_s);
            put_d(r, "erlang_chat.occupancy", cr.occupancy);
        }
        OKE("erlang_chat_staff", svcm_erlang_chat_staff(800, 3600, &co, &cr, &e));
        put_u(r, "erlang_chat.agents", cr.agents);
        co.patience_s = INFINITY;
        FAILS("erlang_chat_eval unstable", SVCM_ERANGE,
              svcm_erlang_chat_eval(1e6, 3600, 2, &co, &cr, &e));
    }

    svcm_contact_counts cc[32];
    for (size_t i = 0; i < 32; i++) {
        double ans = 100 + (int)(900 * uniform(&s)), ab = (int)(100 * uniform(&s));
        cc[i] = (svcm_contact_counts){
            .answered = ans,
            .answered_within_target = (int)(ans * uniform(&s)),
            .abandoned = ab,
            .abandoned_within_target = (int)(ab * uniform(&s)),
            .abandoned_short = (int)(ab * 0.2),
            .wait_time_s = ans * 30 * uniform(&s),
            .handled = ans,
            .talk_time_s = ans * 200,
            .hold_time_s = ans * 20,
            .acw_time_s = ans * 35,
            .staffed_time_s = ans * 400,
        };
    }
    svcm_contact_metrics cm[32];
    OKE("contact_metrics_batch", svcm_contact_metrics_batch(cc, 32, cm, &e));
    svcm_contact_counts tot;
    OKE("contact_counts_sum", svcm_contact_counts_sum(cc, 32, &tot, &e));
    OKE("contact_metrics_compute", svcm_contact_metrics_compute(&tot, &cm[0], &e));
    for (size_t i = 0; i < 32; i++) {
        const double *f = &cm[i].offered;
        for (size_t k = 0; k < sizeof cm[i] / sizeof(double); k++)
            put_d(r, "contact_metrics", f[k]);
    }
    cc[3].answered_within_target = cc[3].answered + 1;
    FAILS("contact_metrics_batch within > answered", SVCM_EINVAL,
          svcm_contact_metrics_batch(cc, 32, cm, &e));
}

/* Above 4096 (the histogram fit) and 3 x 1024 rows (three threads in
 * svcm_segment_run). */
#define N_CUST 9000

static void run_segment(rec *r, const svcm_allocator *al)
{
    svcm_error e;
    uint64_t s = 6;
    double *cols = malloc(5 * N_CUST * sizeof(double));
    int64_t *ids = malloc(2 * N_CUST * sizeof(int64_t));
    uint8_t *out = malloc(6 * N_CUST);
    if (cols == NULL || ids == NULL || out == NULL) {
        rec_fail(r, "out of memory");
        goto done;
    }
    double *rcy = cols, *frq = cols + N_CUST, *mon = cols + 2 * N_CUST;
    double *ten = cols + 3 * N_CUST, *pal = cols + 4 * N_CUST;
    int64_t *times = ids + N_CUST;
    for (size_t i = 0; i < N_CUST; i++) {
        ids[i] = (int64_t)i * 3;
        times[i] = T0 - (int64_t)(uniform(&s) * 400 * 86400.0);
        frq[i] = (int)(20 * uniform(&s) * uniform(&s));
        mon[i] = 5000 * uniform(&s) * uniform(&s);
        ten[i] = 30 + 900 * uniform(&s);
        pal[i] = uniform(&s);
    }
    OKE("segment_days_since", svcm_segment_days_since(times, N_CUST, T0, rcy, &e));
    put_b(r, "segment_days_since", rcy, N_CUST * sizeof(double));
    for (size_t i = 0; i < N_CUST; i++)
        ten[i] += rcy[i]; /* tenure >= recency */
    svcm_customers c = {.n = N_CUST,
                        .id = ids,
                        .recency = rcy,
                        .frequency = frq,
                        .monetary = mon,
                        .tenure = ten,
                        .p_alive = pal};
    OKE("customers_check", svcm_customers_check(&c, &e));
    static const char policy_text[] = "# tenant 7\n"
                                      "churn_days = 300\n"
                                      "key_min_score = 3.5\n"
                                      "vip_min_monetary = 2500\n"
                                      "key_weight_r = 2\n"
                                      "bins = 5\n";
    svcm_segment_options p;
    OKE("segment_policy_parse",
        svcm_segment_options_parse(policy_text, strlen(policy_text), &p, &e));
    OKE("segment_policy_check", svcm_segment_options_check(&p, &e));
    char text[2048];
    size_t len = 0;
    OK("segment_policy_format", svcm_segment_options_format(&p, text, sizeof text, &len));
    put_b(r, "segment_policy_format", text, len);
    svcm_segment_options p2;
    FAILS("segment_policy_parse unknown key", SVCM_EFORMAT,
          svcm_segment_options_parse("bins = 5\nbogus = 1\n", 19, &p2, &e));
    svcm_rfm_edges ed;
    OKE("rfm_fit", svcm_rfm_fit(&c, p.bins, al, &ed, &e));
    OKE("rfm_edges_check", svcm_rfm_edges_check(&ed, &e));
    put_b(r, "rfm_edges.recency", ed.recency, sizeof ed.recency);
    put_b(r, "rfm_edges.frequency", ed.frequency, sizeof ed.frequency);
    put_b(r, "rfm_edges.monetary", ed.monetary, sizeof ed.monetary);
    double col[9];
    OKE("rfm_column_edges", svcm_rfm_column_edges(mon, N_CUST, 10, al, col, &e));
    put_b(r, "rfm_column_edges", col, sizeof col);
    uint8_t *tiers = out, *reasons = out + N_CUST, *rs = out + 2 * N_CUST;
    uint8_t *fs = out + 3 * N_CUST, *ms = out + 4 * N_CUST, *newt = out + 5 * N_CUST;
    OKE("rfm_score", svcm_rfm_score(&c, &ed, rs, fs, ms, &e));
    OKE("segment_assign", svcm_segment_assign(&c, &p, &ed, tiers, reasons, rs, fs, ms, &e));
    put_b(r, "segment_assign", out, 5 * N_CUST);
    /* The threaded path: svcm_segment_run on 3 threads (inside each of the
     * THREADS workload threads), the same bytes as one thread. Scratch
     * memory comes from this thread's counting allocator, which is not
     * thread safe: the library allocates on the calling thread only. */
    {
        uint8_t *run_out = malloc(5 * N_CUST);
        if (run_out == NULL) {
            rec_fail(r, "out of memory");
            goto done;
        }
        svcm_segment_run_options run;
        svcm_segment_run_options_init(&run);
        run.threads = 3;
        svcm_rfm_edges run_ed;
        OKE("segment_run", svcm_segment_run(&c, &p, NULL, &run, al, run_out, run_out + N_CUST,
                                            run_out + 2 * N_CUST, run_out + 3 * N_CUST,
                                            run_out + 4 * N_CUST, &run_ed, &e));
        put_u(r, "segment_run same as assign", memcmp(run_out, out, 5 * N_CUST) == 0);
        put_u(r, "segment_run edges as rfm_fit",
              memcmp(run_ed.recency, ed.recency, sizeof ed.recency) == 0 &&
                  memcmp(run_ed.frequency, ed.frequency, sizeof ed.frequency) == 0 &&
                  memcmp(run_ed.monetary, ed.monetary, sizeof ed.monetary) == 0);
        put_b(r, "segment_run", run_out, 5 * N_CUST);
        free(run_out);
    }
    svcm_tier_summary sum[SVCM_TIER_COUNT];
    OKE("segment_summarize", svcm_segment_summarize(&c, tiers, rs, fs, ms, sum, &e));
    for (int t = 0; t < SVCM_TIER_COUNT; t++) {
        const double *f = &sum[t].customer_share;
        put_u(r, "tier_summary.count", sum[t].count);
        for (int k = 0; k < 9; k++)
            put_d(r, "tier_summary", f[k]);
    }
    for (int k = 0; k < SVCM_SEGMENT_REASON_COUNT; k++)
        put_s(r, "segment_reason_name", svcm_segment_reason_name(k));

    /* Migration: a later snapshot with different policy and shifted ids. */
    p.churn_days = 120;
    OKE("segment_assign", svcm_segment_assign(&c, &p, &ed, newt, NULL, NULL, NULL, NULL, &e));
    int64_t *new_ids = malloc(N_CUST * sizeof *new_ids);
    if (new_ids != NULL) {
        for (size_t i = 0; i < N_CUST; i++)
            new_ids[i] = ids[i] + (i % 7 == 0 ? 1 : 0);
        svcm_migration mg;
        OKE("segment_migration",
            svcm_segment_migration(ids, tiers, N_CUST, new_ids, newt, N_CUST, al, &mg, &e));
        put_b(r, "migration.counts", mg.counts, sizeof mg.counts);
        put_b(r, "migration.arrived", mg.arrived, sizeof mg.arrived);
        put_b(r, "migration.gone", mg.gone, sizeof mg.gone);
        new_ids[10] = new_ids[11];
        FAILS("segment_migration duplicate id", SVCM_EINVAL,
              svcm_segment_migration(ids, tiers, N_CUST, new_ids, newt, N_CUST, al, &mg, &e));
        free(new_ids);
    }
    frq[1500] = -2;
    FAILS("rfm_fit negative frequency", SVCM_EINVAL, svcm_rfm_fit(&c, 5, al, &ed, &e));
    {
        svcm_segment_run_options run;
        svcm_segment_run_options_init(&run);
        run.threads = 4;
        FAILS("segment_run negative frequency", SVCM_EINVAL,
              svcm_segment_run(&c, &p, NULL, &run, al, out, NULL, NULL, NULL, NULL, NULL, &e));
        put_u(r, "segment_run error index", e.index);
    }
done:
    free(cols);
    free(ids);
    free(out);
}

static void run_lifetime(rec *r, const svcm_allocator *al)
{
    svcm_error e;
    const size_t n = CDNOW_USED;
    svcm_lifetime_fit_options o;
    svcm_lifetime_fit_options_init(&o);
    struct svcm_bgnbd_fit_result bf;
    OKE("bgnbd_fit", svcm_bgnbd_fit(cdnow.x, cdnow.tx, cdnow.T, NULL, n, &o, al, &bf, &e));
    put_d(r, "bgnbd.r", bf.params.r);
    put_d(r, "bgnbd.alpha", bf.params.alpha);
    put_d(r, "bgnbd.a", bf.params.a);
    put_d(r, "bgnbd.b", bf.params.b);
    put_d(r, "bgnbd.loglik", bf.loglik);
    put_u(r, "bgnbd.groups", bf.groups);
    put_u(r, "bgnbd.iterations", bf.iterations);

    double *out = malloc(4 * n * sizeof *out);
    double *xs = malloc(n * sizeof *xs), *ms = malloc(n * sizeof *ms);
    if (out == NULL || xs == NULL || ms == NULL) {
        rec_fail(r, "out of memory");
        goto done;
    }
    double ll;
    OKE("bgnbd_loglik", svcm_bgnbd_loglik(&bf.params, cdnow.x, cdnow.tx, cdnow.T, n, &ll, &e));
    put_d(r, "bgnbd_loglik", ll);
    OKE("bgnbd_p_alive", svcm_bgnbd_p_alive(&bf.params, cdnow.x, cdnow.tx, cdnow.T, n, out, &e));
    OKE("bgnbd_expected_purchases",
        svcm_bgnbd_expected_purchases(&bf.params, 39, cdnow.x, cdnow.tx, cdnow.T, n, out + n, &e));
    OKE("bgnbd_expected_purchases_unconditional",
        svcm_bgnbd_expected_purchases_unconditional(&bf.params, cdnow.T, n, out + 2 * n, &e));
    put_b(r, "bgnbd predictions", out, 3 * n * sizeof *out);
    put_d(r, "bgnbd.se.r", bf.se.r);
    put_d(r, "bgnbd.se.b", bf.se.b);
    put_d(r, "bgnbd.grad_norm", bf.grad_norm);
    OKE("bgnbd_p_alive_at",
        svcm_bgnbd_p_alive_at(&bf.params, 26, cdnow.x, cdnow.tx, cdnow.T, n, out + 3 * n, &e));
    put_b(r, "bgnbd p_alive_at", out + 3 * n, n * sizeof *out);
    {
        double ks[40], pk[40];
        for (int k = 0; k < 40; k++)
            ks[k] = k;
        OKE("bgnbd_probability_of_purchases",
            svcm_bgnbd_probability_of_purchases(&bf.params, 39, ks, 40, pk, &e));
        put_b(r, "bgnbd pmf", pk, sizeof pk);
    }

    /* Gamma-Gamma on the customers with repeat purchases. */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (cdnow.x[i] > 0) {
            xs[m] = cdnow.x[i];
            ms[m++] = cdnow.zbar[i];
        }
    struct svcm_gammagamma_fit_result gf;
    OKE("gammagamma_fit", svcm_gammagamma_fit(xs, ms, m, &o, al, &gf, &e));
    put_d(r, "gammagamma.p", gf.params.p);
    put_d(r, "gammagamma.q", gf.params.q);
    put_d(r, "gammagamma.gamma", gf.params.gamma);
    put_d(r, "gammagamma.loglik", gf.loglik);
    put_u(r, "gammagamma.n", gf.n);
    OKE("gammagamma_loglik", svcm_gammagamma_loglik(&gf.params, xs, ms, m, &ll, &e));
    put_d(r, "gammagamma_loglik", ll);
    OKE("gammagamma_conditional_spend",
        svcm_gammagamma_conditional_spend(&gf.params, xs, ms, m, out, &e));
    put_b(r, "gammagamma_conditional_spend", out, m * sizeof *out);
    svcm_clv_options co;
    svcm_clv_options_init(&co);
    co.horizon = 12;
    co.period_length = 4.345;
    co.discount_rate = 0.01;
    co.margin = 0.3;
    OKE("clv",
        svcm_clv(&bf.params, &gf.params, cdnow.x, cdnow.tx, cdnow.T, cdnow.zbar, n, &co, out, &e));
    put_b(r, "clv", out, n * sizeof *out);
    ms[17] = -1;
    FAILS("gammagamma_fit negative spend", SVCM_EINVAL,
          svcm_gammagamma_fit(xs, ms, m, &o, al, &gf, &e));

    /* Transactions to summaries. */
    enum { NT = 600 };
    int64_t tid[NT], tt[NT];
    double tv[NT];
    uint64_t s = 7;
    for (size_t i = 0; i < NT; i++) {
        tid[i] = (int64_t)(next_u64(&s) % 90);
        tt[i] = T0 + (int64_t)(uniform(&s) * 200 * 86400.0);
        tv[i] = 5 + 100 * uniform(&s);
    }
    svcm_summary_options so;
    svcm_summary_options_init(&so);
    svcm_customer_summary cs[NT];
    size_t count = 0;
    OKE("lifetime_summarize",
        svcm_lifetime_summarize(tid, tt, tv, NT, T0 + 210 * 86400, &so, al, cs, NT, &count, &e));
    put_u(r, "lifetime_summarize.count", count);
    for (size_t i = 0; i < count && i < NT; i++) {
        put_i(r, "summary.id", cs[i].id);
        put_i(r, "summary.first", cs[i].first);
        put_d(r, "summary.x", cs[i].x);
        put_d(r, "summary.t_x", cs[i].t_x);
        put_d(r, "summary.T", cs[i].T);
        put_d(r, "summary.mean_spend", cs[i].mean_spend);
    }
    tv[300] = NAN;
    FAILS("lifetime_summarize NaN value", SVCM_EINVAL,
          svcm_lifetime_summarize(tid, tt, tv, NT, T0 + 210 * 86400, &so, al, cs, NT, &count, &e));
done:
    free(out);
    free(xs);
    free(ms);
}

/* Time: zones built with the thread's allocator, parsing in every mode and
 * zone queries over two years. */
static const char *const time_texts[] = {
    "2026-03-29 02:30",          "2026-10-25T02:30:00",      "2026-10-25T02:30:00+05:45",
    "20260218T0930Z",            "2026-02-18t09:30:00.123456789z",
    "2024-02-29 23:59:60Z",      "1969-12-31T23:59:59.5-01:00",
};
#define N_TIME_TEXTS (sizeof time_texts / sizeof time_texts[0])

/* Field by field: the struct has padding. */
static void put_civil(rec *r, const char *label, const svcm_civil *c)
{
    const int64_t f[7] = {c->year, c->month, c->day, c->hour, c->minute, c->second, c->weekday};
    for (int k = 0; k < 7; k++)
        put_i(r, label, f[k]);
}

static void put_local(rec *r, const svcm_zone *z, int64_t t)
{
    int32_t off = 0;
    int dst = 0;
    svcm_civil c;
    OK("zone_offset", svcm_zone_offset(z, t, &off, &dst));
    put_i(r, "zone_offset", off);
    put_i(r, "zone_offset.dst", dst);
    put_s(r, "zone_abbrev", svcm_zone_abbrev(z, t));
    OK("zone_to_local", svcm_zone_to_local(z, t, &c, &off));
    put_civil(r, "zone_to_local", &c);
    put_i(r, "zone_to_local.offset", off);
}

static void parse_all(rec *r, const svcm_zone *z)
{
    svcm_error e;
    svcm_time_options o;
    svcm_time_options_init(&o);
    int64_t s;
    int32_t ns;
    for (int amb = 0; amb < 2; amb++) {
        o.ambiguous = (svcm_time_ambiguous)amb;
        for (size_t i = 0; i < N_TIME_TEXTS; i++) {
            const char *t = time_texts[i];
            OKE("time_parse", svcm_time_parse(t, strlen(t), &o, z, &s, &ns, &e));
            put_i(r, "time_parse", s);
            put_i(r, "time_parse.ns", ns);
        }
    }
    o.format = "%d/%m/%Y %I:%M:%S %p";
    OKE("time_parse format", svcm_time_parse("25/10/2026 02:30:07 AM", 22, &o, z, &s, &ns, &e));
    put_i(r, "time_parse format", s);
    FAILS("time_parse refused", SVCM_EFORMAT, svcm_time_parse("01/02/2010", 10, NULL, z, &s, &ns, &e));
    put_u(r, "time_parse refused column", e.column);
    o.format = NULL;
    o.epoch = SVCM_TIME_EPOCH_MS;
    OKE("time_parse epoch", svcm_time_parse("-1700000000123", 14, &o, z, &s, &ns, &e));
    put_i(r, "time_parse epoch", s);
    put_i(r, "time_parse epoch.ns", ns);
}

static void run_time_on(rec *r, const svcm_zone *z)
{
    svcm_error e;
    parse_all(r, z);
    for (int64_t t = T0 - 400 * 86400; t < T0 + 400 * 86400; t += 86400 / 4 + 17)
        put_local(r, z, t);
    svcm_civil c = {2026, 3, 29, 2, 30, 0, 0};
    int64_t u;
    for (int amb = 0; amb < 2; amb++) {
        OKE("zone_from_local", svcm_zone_from_local(z, &c, (svcm_time_ambiguous)amb, &u, &e));
        put_i(r, "zone_from_local", u);
    }
    put_s(r, "zone_name", svcm_zone_name(z));
}

static void run_time(rec *r, const svcm_allocator *al)
{
    svcm_error e;
    static const char *const specs[] = {"CET-1CEST,M3.5.0,M10.5.0/3", "EST5EDT,M3.2.0,M11.1.0",
                                        "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", "-03:30", "UTC"};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        svcm_zone *z = NULL;
        OKE("zone_new", svcm_zone_new(specs[i], al, &z, &e));
        if (z != NULL)
            run_time_on(r, z);
        svcm_zone_free(z);
    }
    svcm_zone *bad = NULL;
    FAILS("zone_new bad rule", SVCM_EFORMAT, svcm_zone_new("CET-1CEST,M3.5.9", al, &bad, &e));
    svcm_civil c;
    OK("time_to_civil", svcm_time_to_civil(INT64_C(4102444800), &c)); /* 2100-01-01 */
    put_civil(r, "time_to_civil", &c);
}

/* Erlang A (M/M/n+M) and the 0.2 Erlang B/C helpers. */
static void put_erlang_a(rec *r, const struct svcm_erlang_a_result *x)
{
    put_u(r, "erlang_a.agents", x->agents);
    put_u(r, "erlang_a.staff", x->staff);
    const double *f = &x->traffic;
    for (size_t k = 0; k < 8; k++)
        put_d(r, "erlang_a.measure", f[k]);
}

static void run_erlang_a(rec *r)
{
    svcm_error e;
    svcm_erlang_a_options o;
    svcm_erlang_a_options_init(&o);
    o.max_abandon = 0.03;
    o.shrinkage = 0.25;
    struct svcm_erlang_a_result x;
    for (uint32_t n = 5; n <= 60; n += 11) {
        OKE("erlang_a_eval", svcm_erlang_a_eval(0.6 * n + 0.3, 240, 150, n, &o, &x, &e));
        put_erlang_a(r, &x);
    }
    OKE("erlang_a_staff", svcm_erlang_a_staff(41.7, 300, 180, &o, &x, &e));
    put_erlang_a(r, &x);
    OKE("erlang_a_eval_staff", svcm_erlang_a_eval_staff(41.7, 300, 180, 70, &o, &x, &e));
    put_erlang_a(r, &x);
    FAILS("erlang_a_eval patience", SVCM_EINVAL,
          svcm_erlang_a_eval(10, 240, -1, 12, &o, &x, &e));
    uint32_t u;
    double v;
    OKE("erlang_b_trunks", svcm_erlang_b_trunks(33.3, 0.01, &u, &e));
    put_u(r, "erlang_b_trunks", u);
    OKE("erlang_b_capacity", svcm_erlang_b_capacity(45, 0.01, &v, &e));
    put_d(r, "erlang_b_capacity", v);
    for (double a = 0.5; a < 40; a += 3.7) {
        OKE("erlang_b_frac", svcm_erlang_b_frac(a, a * 1.1 + 0.35, &v, &e));
        put_d(r, "erlang_b_frac", v);
        OKE("erlang_c_frac", svcm_erlang_c_frac(a, a * 1.1 + 0.35, &v, &e));
        put_d(r, "erlang_c_frac", v);
    }
    OKE("erlang_agents_from_staff", svcm_erlang_agents_from_staff(57, 0.31, &u, &e));
    put_u(r, "erlang_agents_from_staff", u);
    svcm_erlang_options eo;
    svcm_erlang_options_init(&eo);
    eo.shrinkage = 0.3;
    struct svcm_erlang_result er;
    OKE("erlang_eval_staff", svcm_erlang_eval_staff(20.0, 180, 40, &eo, &er, &e));
    put_erlang(r, &er);
}

/* Shift scheduling: a day of 24 hours, 8-hour shifts (wrapping past
 * midnight) with a one-hour break every 2 hours, both objectives. */
#define SCH_T 24
#define SCH_P 12
static void run_schedule(rec *r, const svcm_allocator *al)
{
    svcm_error e;
    static const uint32_t req[SCH_T] = {2, 1, 1, 1, 1, 2, 4, 7, 9, 11, 12, 12,
                                        13, 12, 11, 10, 10, 11, 9, 7, 5, 4, 3, 3};
    uint32_t counts[SCH_P];
    uint8_t cov[SCH_P * SCH_T];
    double cost[SCH_P];
    for (size_t p = 0; p < SCH_P; p++) {
        svcm_schedule_break br = {4, 1};
        OKE("schedule_pattern",
            svcm_schedule_pattern(SCH_T, 2 * p, 8, &br, 1, 1, cov + p * SCH_T, &e));
        cost[p] = 8.0 + (double)(p % 3) + (p < 3 || p > 9 ? 1.5 : 0.0);
    }
    put_b(r, "schedule_pattern", cov, sizeof cov);
    svcm_schedule_options o;
    svcm_schedule_options_init(&o);
    o.max_seconds = INFINITY; /* a CPU-time limit would make the answer timing-dependent */
    struct svcm_schedule_result res;
    for (int obj = 0; obj < 2; obj++) {
        o.objective = (svcm_schedule_objective)obj;
        o.max_staff = obj ? 14 : SVCM_SCHEDULE_NO_MAX_STAFF;
        OKE("schedule_solve",
            svcm_schedule_solve(req, SCH_T, cov, SCH_P, cost, &o, al, counts, &res, &e));
        put_b(r, "schedule_solve.counts", counts, sizeof counts);
        put_d(r, "schedule_solve.objective", res.objective);
        put_d(r, "schedule_solve.bound", res.bound);
        put_d(r, "schedule_solve.lp_bound", res.lp_bound);
        put_u(r, "schedule_solve.nodes", res.nodes);
        put_u(r, "schedule_solve.pivots", res.pivots);
        put_i(r, "schedule_solve.status", res.status);
    }
    cov[5] = 2;
    FAILS("schedule_solve bad coverage", SVCM_EINVAL,
          svcm_schedule_solve(req, SCH_T, cov, SCH_P, cost, &o, al, counts, &res, &e));
}

/* Pareto/NBD, MBG/NBD (CDNOW) and BG/BB (a discrete cohort built here). */
static void put_four(rec *r, const char *label, const double *v)
{
    for (int k = 0; k < 4; k++)
        put_d(r, label, v[k]);
}

static void run_lifetime_02(rec *r, const svcm_allocator *al)
{
    svcm_error e;
    const size_t n = CDNOW_USED;
    svcm_lifetime_fit_options o;
    svcm_lifetime_fit_options_init(&o);
    double *out = malloc(2 * n * sizeof *out), ll, ts[8] = {1, 2, 5, 10, 20, 39, 52, 78};
    if (out == NULL) {
        rec_fail(r, "out of memory");
        return;
    }
    struct svcm_paretonbd_fit_result pf;
    OKE("paretonbd_fit", svcm_paretonbd_fit(cdnow.x, cdnow.tx, cdnow.T, NULL, n, &o, al, &pf, &e));
    put_four(r, "paretonbd.params", &pf.params.r);
    put_four(r, "paretonbd.se", &pf.se.r);
    put_d(r, "paretonbd.loglik", pf.loglik);
    put_u(r, "paretonbd.iterations", pf.iterations);
    OKE("paretonbd_p_alive", svcm_paretonbd_p_alive(&pf.params, cdnow.x, cdnow.tx, cdnow.T, n, out, &e));
    OKE("paretonbd_expected_purchases",
        svcm_paretonbd_expected_purchases(&pf.params, 39, cdnow.x, cdnow.tx, cdnow.T, n, out + n, &e));
    put_b(r, "paretonbd predictions", out, 2 * n * sizeof *out);
    OKE("paretonbd_expected_purchases_unconditional",
        svcm_paretonbd_expected_purchases_unconditional(&pf.params, ts, 8, out, &e));
    put_b(r, "paretonbd unconditional", out, 8 * sizeof *out);
    OKE("paretonbd_probability_of_purchases",
        svcm_paretonbd_probability_of_purchases(&pf.params, 39, ts, 8, out, &e));
    put_b(r, "paretonbd pmf", out, 8 * sizeof *out);

    struct svcm_mbgnbd_fit_result mf;
    OKE("mbgnbd_fit", svcm_mbgnbd_fit(cdnow.x, cdnow.tx, cdnow.T, NULL, n, &o, al, &mf, &e));
    put_four(r, "mbgnbd.params", &mf.params.r);
    put_four(r, "mbgnbd.se", &mf.se.r);
    put_d(r, "mbgnbd.loglik", mf.loglik);
    OKE("mbgnbd_loglik", svcm_mbgnbd_loglik(&mf.params, cdnow.x, cdnow.tx, cdnow.T, n, &ll, &e));
    put_d(r, "mbgnbd_loglik", ll);
    OKE("mbgnbd_p_alive", svcm_mbgnbd_p_alive(&mf.params, cdnow.x, cdnow.tx, cdnow.T, n, out, &e));
    OKE("mbgnbd_expected_purchases",
        svcm_mbgnbd_expected_purchases(&mf.params, 39, cdnow.x, cdnow.tx, cdnow.T, n, out + n, &e));
    put_b(r, "mbgnbd predictions", out, 2 * n * sizeof *out);
    OKE("mbgnbd_purchase_pmf", svcm_mbgnbd_purchase_pmf(&mf.params, 39, ts, 8, out, &e));
    put_b(r, "mbgnbd pmf", out, 8 * sizeof *out);

    /* The donation cohort (read by main); the weights are copied so that
     * one can be spoiled below. */
    double *bx = donations.x, *btx = donations.tx, *bn = donations.n, bw[DONATIONS_MAX];
    size_t m = donations.count;
    memcpy(bw, donations.w, sizeof bw);
    struct svcm_bgbb_fit_result bf;
    OKE("bgbb_fit", svcm_bgbb_fit(bx, btx, bn, bw, m, &o, al, &bf, &e));
    put_four(r, "bgbb.params", &bf.params.alpha);
    put_d(r, "bgbb.loglik", bf.loglik);
    OKE("bgbb_p_alive", svcm_bgbb_p_alive(&bf.params, bx, btx, bn, m, out, &e));
    OKE("bgbb_expected_purchases", svcm_bgbb_expected_purchases(&bf.params, 5, bx, btx, bn, m, out + m, &e));
    put_b(r, "bgbb predictions", out, 2 * m * sizeof *out);
    bw[3] = -1;
    FAILS("bgbb_fit negative weight", SVCM_EINVAL, svcm_bgbb_fit(bx, btx, bn, bw, m, &o, al, &bf, &e));
    free(out);
}

static void put_prio(rec *r, const struct svcm_priority_result *p)
{
    put_i(r, "priority.id", p->id);
    put_i(r, "priority.due", p->due);
    put_u(r, "priority.index", p->index);
    put_d(r, "priority.importance", p->importance);
    put_d(r, "priority.urgency", p->urgency);
    put_d(r, "priority.score", p->score);
    put_i(r, "priority.quadrant", p->quadrant);
    put_i(r, "priority.priority", p->priority);
}

#define N_REQ 300

static void run_priority(rec *r, const svcm_allocator *al)
{
    svcm_error e;
    uint64_t s = 8;
    svcm_request rq[N_REQ];
    for (size_t i = 0; i < N_REQ; i++) {
        int64_t created = T0 + (int64_t)(uniform(&s) * 86400 * 3);
        rq[i] = (svcm_request){
            .id = 1000 + (int64_t)i,
            .tier = (int)(next_u64(&s) % SVCM_TIER_COUNT),
            .impact = 1 + (int)(next_u64(&s) % SVCM_IMPACT_COUNT),
            .severity = 1 + (int)(next_u64(&s) % 4),
            .value = uniform(&s),
            .created = created,
            .due = i % 9 == 0 ? SVCM_NO_DUE : created + (int64_t)(uniform(&s) * 86400 * 4),
            .urgent = i % 13 == 0,
        };
    }
    static const char itil[] = "# impact x urgency\n1 2 3\n2 3 4\n3 4 5\n";
    svcm_priority_options o;
    svcm_priority_options_init(&o);
    OKE("itil_table_parse", svcm_itil_table_parse(itil, strlen(itil), &o.table, &e));
    OKE("priority_options_validate", svcm_priority_options_check(&o, &e));
    int pr;
    OKE("itil_priority", svcm_itil_priority(&o.table, 2, 3, &pr, &e));
    put_i(r, "itil_priority", pr);
    FAILS("itil_table_parse ragged", SVCM_EFORMAT,
          svcm_itil_table_parse("1 2\n3\n", 6, &o.table, &e));
    OKE("itil_table_parse", svcm_itil_table_parse(itil, strlen(itil), &o.table, &e));
    for (int q = 0; q < SVCM_QUADRANT_COUNT; q++) {
        svcm_quadrant back;
        put_s(r, "quadrant_name", svcm_quadrant_name(q));
        put_s(r, "quadrant_advice", svcm_quadrant_advice(q));
        OK("quadrant_parse", svcm_quadrant_parse(svcm_quadrant_name(q), &back));
        put_i(r, "quadrant_parse", back);
    }
    for (int k = SVCM_IMPACT_MIN; k <= SVCM_IMPACT_MAX; k++)
        put_s(r, "impact_name", svcm_impact_name(k));

    const int64_t now = T0 + 86400 * 4;
    struct svcm_priority_result res[N_REQ];
    OKE("priority_classify", svcm_priority_classify(&o, rq, N_REQ, now, res, &e));
    for (size_t i = 0; i < N_REQ; i++)
        put_prio(r, &res[i]);
    OKE("priority_order", svcm_priority_order(&o, rq, N_REQ, now, al, res, &e));
    for (size_t i = 0; i < N_REQ; i++)
        put_u(r, "priority_order", res[i].index);
    double imp, urg;
    OKE("importance", svcm_importance(&o, &rq[5], &imp, &e));
    OKE("urgency", svcm_urgency(&rq[5], now, &urg, &e));
    put_d(r, "importance", imp);
    put_d(r, "urgency", urg);

    svcm_wsjf_item wi[100];
    size_t order[100];
    double sc[100];
    for (size_t i = 0; i < 100; i++)
        wi[i] = (svcm_wsjf_item){(int64_t)i, 20 * uniform(&s), 20 * uniform(&s), 20 * uniform(&s),
                                 1 + 12 * uniform(&s)};
    OKE("wsjf_order", svcm_wsjf_order(wi, 100, al, order, sc, &e));
    put_b(r, "wsjf_order", order, sizeof order);
    put_b(r, "wsjf_scores", sc, sizeof sc);

    /* The dispatch queue: push all, update and remove some, pop the rest. */
    svcm_pqueue *q = NULL;
    OKE("pqueue_new", svcm_pqueue_new(&o, al, &q, &e));
    if (q == NULL)
        return;
    for (size_t i = 0; i < N_REQ; i++)
        OKE("pqueue_push", svcm_pqueue_push(q, &rq[i], &e));
    FAILS("pqueue_push duplicate", SVCM_EEXIST, svcm_pqueue_push(q, &rq[3], &e));
    for (size_t i = 0; i < N_REQ; i += 10) {
        rq[i].severity = 1;
        rq[i].urgent = true;
        OKE("pqueue_update", svcm_pqueue_update(q, &rq[i], &e));
    }
    for (size_t i = 5; i < N_REQ; i += 25) {
        svcm_request gone;
        OK("pqueue_remove", svcm_pqueue_remove(q, rq[i].id, &gone));
        put_i(r, "pqueue_remove", gone.id);
    }
    OK("pqueue_rescore", svcm_pqueue_rescore(q, now - 3600));
    put_i(r, "pqueue_instant", svcm_pqueue_instant(q));
    size_t k = 0;
    while (svcm_pqueue_size(q) > 0) {
        svcm_request got;
        struct svcm_priority_result pres;
        OK("pqueue_pop", svcm_pqueue_pop(q, now + (int64_t)(k++ / 50) * 3600, &got, &pres));
        put_prio(r, &pres);
    }
    put_i(r, "pqueue_pop empty", svcm_pqueue_pop(q, now, NULL, NULL));
    svcm_pqueue_free(q);
}

static void put_check(rec *r, const struct svcm_cycle_check_result *c)
{
    put_u(r, "check.n_baseline", c->n_baseline);
    put_u(r, "check.n_after", c->n_after);
    put_d(r, "check.baseline_mean", c->baseline_mean);
    put_d(r, "check.after_mean", c->after_mean);
    put_d(r, "check.change", c->change);
    put_d(r, "check.relative_change", c->relative_change);
    put_u(r, "check.target_met", c->target_met);
    put_i(r, "check.test", c->test);
    put_test(r, "check.result", &c->result);
    put_d(r, "check.p_value", c->p_value);
    put_u(r, "check.significant", c->significant);
    put_i(r, "check.verdict", c->verdict);
    put_d(r, "check.limits.center", c->limits.center);
    put_d(r, "check.limits.ucl", c->limits.ucl);
    put_d(r, "check.limits.lcl", c->limits.lcl);
    put_b(r, "check.rule_count", c->rule_count, sizeof c->rule_count);
    put_u(r, "check.n_signals", c->n_signals);
    for (size_t i = 0; i < c->n_signals; i++) {
        put_i(r, "check.signal.rule", c->signals[i].rule);
        put_u(r, "check.signal.index", c->signals[i].index);
    }
}

/* A cycle through PLAN, DO and CHECK (not yet in ACT). */
static svcm_cycle *pdca_checked(rec *r, const svcm_allocator *al, struct svcm_cycle_check_result *chk)
{
    svcm_error e;
    uint64_t s = 9;
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.id = 41;
    o.title = "Faster first reply";
    o.owner = "ana";
    o.metric = "first reply time";
    o.unit = "min";
    o.higher_is_better = false;
    svcm_cycle *c = NULL;
    OKE("cycle_new", svcm_cycle_new(&o, al, &c, &e));
    if (c == NULL)
        return NULL;
    OKE("cycle_set_goal", svcm_cycle_set_goal(c, 42, 30, T0 + 90 * 86400, &e));
    size_t idx;
    OKE("cycle_add_action", svcm_cycle_add_action(c, "macro library", "bo", T0 + 86400, &idx, &e));
    OKE("cycle_add_action",
        svcm_cycle_add_action(c, "triage rota", "cy", T0 + 86400 * 5, &idx, &e));
    OKE("cycle_set_action_status", svcm_cycle_set_action_status(c, 0, SVCM_ACTION_STATUS_DONE, &e));
    svcm_pdca_sample sm[40];
    for (size_t i = 0; i < 40; i++)
        sm[i] = (svcm_pdca_sample){
            .t = T0 + (int64_t)i * 3600, .value = 42 + 8 * (uniform(&s) - 0.5), .baseline = true};
    OKE("cycle_measure", svcm_cycle_measure(c, sm, 40, &e));
    FAILS("cycle_check in PLAN", SVCM_ESTATE,
          svcm_cycle_check(c, T0 + 86400, "ana", NULL, chk, &e));
    OKE("cycle_start", svcm_cycle_start(c, T0 + 86400 * 2, "ana", "go", &e));
    for (size_t i = 0; i < 40; i++)
        sm[i] = (svcm_pdca_sample){.t = T0 + 86400 * 3 + (int64_t)i * 3600,
                                   .value = 33 + 8 * (uniform(&s) - 0.5) + (i == 30 ? 25 : 0),
                                   .baseline = false};
    OKE("cycle_measure", svcm_cycle_measure(c, sm, 40, &e));
    size_t over[4], n_over = 0;
    OK("cycle_overdue", svcm_cycle_overdue(c, T0 + 86400 * 10, over, 4, &n_over));
    put_u(r, "cycle_overdue", n_over);
    OKE("cycle_check", svcm_cycle_check(c, T0 + 86400 * 6, "ana", "looks better", chk, &e));
    put_check(r, chk);
    return c;
}

static void put_cycle_text(rec *r, const svcm_cycle *c, const char *label)
{
    size_t len = 0;
    put_i(r, label, svcm_cycle_format(c, NULL, 0, &len));
    char *buf = malloc(len + 1);
    if (buf == NULL) {
        rec_fail(r, "out of memory");
        return;
    }
    OK(label, svcm_cycle_format(c, buf, len + 1, &len));
    put_b(r, label, buf, len);
    free(buf);
}

static void run_pdca(rec *r, const svcm_allocator *al)
{
    svcm_error e;
    struct svcm_cycle_check_result chk;
    svcm_cycle *c = pdca_checked(r, al, &chk);
    if (c == NULL)
        return;
    OKE("cycle_enter_act", svcm_cycle_enter_act(c, T0 + 86400 * 7, "ana", NULL, &e));
    svcm_cycle *next = NULL;
    OKE("cycle_adjust",
        svcm_cycle_adjust(c, T0 + 86400 * 8, "ana", "push on", 25, T0 + 180 * 86400, &next, &e));
    put_cycle_text(r, c, "cycle_save");
    if (next != NULL) {
        put_cycle_text(r, next, "cycle_save next");
        struct svcm_cycle_result in;
        OK("cycle_info_get", svcm_cycle_result(next, &in));
        put_u(r, "next.id", in.id);
        put_i(r, "next.phase", in.phase);
        put_d(r, "next.baseline", in.baseline);
        put_s(r, "next.prev_title", in.prev_title);
        FAILS("cycle_abandon in PLAN", SVCM_ESTATE,
              svcm_cycle_abandon(next, T0 + 86400 * 9, "bo", "reorg", &e));
        OKE("cycle_add_action next",
            svcm_cycle_add_action(next, "second pass", "bo", T0 + 86400 * 20, NULL, &e));
        OKE("cycle_start next", svcm_cycle_start(next, T0 + 86400 * 9, "bo", NULL, &e));
        put_cycle_text(r, next, "cycle_save next started");
    }
    /* Load what was saved, save again: the same text. */
    size_t len = 0;
    (void)svcm_cycle_format(c, NULL, 0, &len);
    char *buf = malloc(len + 1);
    if (buf != NULL) {
        OK("cycle_save", svcm_cycle_format(c, buf, len + 1, &len));
        svcm_cycle *d = NULL;
        OKE("cycle_load", svcm_cycle_parse(buf, len, al, &d, &e));
        if (d != NULL) {
            put_cycle_text(r, d, "cycle_save loaded");
            struct svcm_cycle_check_result back;
            OK("cycle_result", svcm_cycle_check_result(d, &back));
            put_check(r, &back);
            svcm_pdca_audit au;
            for (size_t i = 0; svcm_cycle_audit(d, i, &au) == SVCM_OK; i++) {
                put_i(r, "audit.at", au.at);
                put_s(r, "audit.actor", au.actor);
                put_s(r, "audit.note", au.note);
                put_u(r, "audit.phases", (uint64_t)au.from << 8 | au.to);
            }
            svcm_cycle_free(d);
        }
        buf[3] = 'X';
        svcm_cycle *bad = NULL;
        FAILS("cycle_load bad magic", SVCM_EFORMAT, svcm_cycle_parse(buf, len, al, &bad, &e));
        svcm_cycle_free(bad);
        free(buf);
    }
    svcm_cycle_free(next);
    svcm_cycle_free(c);

    /* Control charts. */
    double x[60];
    uint64_t s = 10;
    for (size_t i = 0; i < 60; i++)
        x[i] = 10 + uniform(&s) + (i >= 45 ? 1.5 : 0);
    svcm_xmr lim;
    OKE("xmr_limits", svcm_xmr_limits(x, 40, &lim, &e));
    put_d(r, "xmr.center", lim.center);
    put_d(r, "xmr.mr_bar", lim.mr_bar);
    put_d(r, "xmr.sigma", lim.sigma);
    svcm_we_signal sig[64];
    size_t ns = 0;
    OKE("western_electric", svcm_western_electric(x, 60, lim.center, lim.sigma, sig, 64, &ns, &e));
    put_u(r, "western_electric.count", ns);
    for (size_t i = 0; i < ns && i < 64; i++)
        put_u(r, "western_electric", (uint64_t)sig[i].rule << 32 | sig[i].index);
    for (int k = 0; k <= SVCM_PDCA_PHASE_CLOSED; k++)
        put_s(r, "pdca_phase_name", svcm_pdca_phase_name(k));
    for (int k = 0; k <= SVCM_PDCA_VERDICT_WORSE; k++)
        put_s(r, "pdca_verdict_name", svcm_pdca_verdict_name(k));
}

/* The whole workload; fills @p r. Returns the counting allocator's live
 * blocks at the end (0 when every object was freed). */
static long workload(rec *r)
{
    counting cnt = {0, 0};
    const svcm_allocator al = {c_alloc, c_realloc, c_free, &cnt};
    run_core(r);
    run_feedback(r, &al);
    run_sketch(r, &al);
    run_calendar(r, &al);
    run_erlang(r);
    run_segment(r, &al);
    run_lifetime(r, &al);
    run_lifetime_02(r, &al);
    run_time(r, &al);
    run_erlang_a(r);
    run_schedule(r, &al);
    run_priority(r, &al);
    run_pdca(r, &al);
    if (cnt.total == 0)
        rec_fail(r, "the counting allocator was never used");
    return cnt.live;
}

/* ------------------------------------------------- shared objects */

/* Objects built once and then only read, from every thread at once, through
 * functions whose headers say that is safe. */
typedef struct shared {
    const svcm_calendar *cal;
    const svcm_sketch *sketch;
    const svcm_durations *durations;
    const svcm_feedback *feedback;
    const svcm_pqueue *queue;
    const svcm_cycle *cycle;
    const svcm_zone *zone;
} shared;

static void read_shared(rec *r, const shared *sh)
{
    run_calendar_on(r, sh->cal);
    run_time_on(r, sh->zone);
    double q[N_LEVELS];
    svcm_error e;
    OKE("sketch_quantiles", svcm_sketch_quantiles(sh->sketch, quantile_levels, N_LEVELS, q, &e));
    put_b(r, "sketch_quantiles", q, sizeof q);
    struct svcm_sketch_result st;
    OK("sketch_get_stats", svcm_sketch_result(sh->sketch, &st));
    put_d(r, "sketch.sum", st.sum);
    size_t len = 0;
    put_i(r, "sketch_save measure", svcm_sketch_save(sh->sketch, NULL, 0, &len));
    put_u(r, "sketch_save len", len);
    struct svcm_durations_result dr;
    OK("durations_summary", svcm_durations_result(sh->durations, &dr));
    put_durations(r, &dr);
    OKE("durations_quantiles",
        svcm_durations_quantiles(sh->durations, quantile_levels, N_LEVELS, q, &e));
    put_b(r, "durations_quantiles", q, sizeof q);
    struct svcm_feedback_result fs;
    OK("feedback_result", svcm_feedback_result(sh->feedback, 0.9, &fs));
    put_d(r, "feedback.value", fs.value);
    put_iv(r, "feedback.ci", fs.ci);
    struct svcm_test_result t;
    OK("feedback_compare", svcm_feedback_compare(sh->feedback, sh->feedback, 0.95, &t));
    put_test(r, "feedback_compare", &t);
    put_u(r, "pqueue_size", svcm_pqueue_size(sh->queue));
    for (int64_t id = 1000; id < 1000 + N_REQ; id += 3) {
        svcm_request got;
        int rc = svcm_pqueue_get(sh->queue, id, &got);
        put_i(r, "pqueue_get", rc);
        if (rc == SVCM_OK)
            put_d(r, "pqueue_get.value", got.value);
    }
    put_cycle_text(r, sh->cycle, "shared cycle_save");
    struct svcm_cycle_check_result chk;
    OK("cycle_result", svcm_cycle_check_result(sh->cycle, &chk));
    put_check(r, &chk);
    struct svcm_cycle_result in;
    OK("cycle_info_get", svcm_cycle_result(sh->cycle, &in));
    put_u(r, "cycle_info.n_audit", in.n_audit);
    put_s(r, "cycle_info.title", in.title);
}

/* ------------------------------------------------------- the harness */

typedef struct job {
    int id;
    pthread_barrier_t *start; /* all threads begin together */
    const rec *ref;
    const shared *sh; /* NULL: the full workload; else the shared reads */
    int failures;
    char why[512];
} job;

/* Item by item; on a difference the job records where. */
static int same_log(job *j, const rec *got, int iteration)
{
    if (got->failed) {
        snprintf(j->why, sizeof j->why, "thread %d, iteration %d: %s", j->id, iteration, got->why);
        return 0;
    }
    size_t n = got->n < j->ref->n ? got->n : j->ref->n;
    for (size_t i = 0; i < n; i++) {
        const item *a = &got->v[i], *b = &j->ref->v[i];
        if (a->label != b->label || a->bits != b->bits) {
            snprintf(j->why, sizeof j->why,
                     "thread %d, iteration %d, item %zu: %s = %#llx, reference %s = %#llx", j->id,
                     iteration, i, a->label, (unsigned long long)a->bits, b->label,
                     (unsigned long long)b->bits);
            return 0;
        }
    }
    if (got->n != j->ref->n) {
        snprintf(j->why, sizeof j->why, "thread %d, iteration %d: %zu items, reference %zu", j->id,
                 iteration, got->n, j->ref->n);
        return 0;
    }
    return 1;
}

static void *thread_main(void *arg)
{
    job *j = arg;
    pthread_barrier_wait(j->start);
    for (int it = 0; it < ITERATIONS && j->failures == 0; it++) {
        rec r = {0};
        long live = 0;
        if (j->sh == NULL)
            live = workload(&r);
        else
            read_shared(&r, j->sh);
        if (!same_log(j, &r, it))
            j->failures++;
        else if (live != 0) {
            snprintf(j->why, sizeof j->why, "thread %d, iteration %d: %ld blocks not freed", j->id,
                     it, live);
            j->failures++;
        }
        free(r.v);
    }
    return NULL;
}

/* Runs THREADS jobs at once against @p ref; returns the failed jobs. */
static int run_threads(const char *what, const rec *ref, const shared *sh)
{
    pthread_t th[THREADS];
    job jobs[THREADS];
    pthread_barrier_t start;
    int started = 0, failed = 0;
    if (pthread_barrier_init(&start, NULL, THREADS) != 0) {
        fprintf(stderr, "%s: pthread_barrier_init failed\n", what);
        return 1;
    }
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (job){.id = i, .start = &start, .ref = ref, .sh = sh};
        if (pthread_create(&th[i], NULL, thread_main, &jobs[i]) != 0) {
            /* The barrier would never open: give up outright. */
            fprintf(stderr, "%s: pthread_create failed\n", what);
            exit(1);
        }
        started++;
    }
    for (int i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        if (jobs[i].failures) {
            fprintf(stderr, "%s: %s\n", what, jobs[i].why);
            failed++;
        }
    }
    pthread_barrier_destroy(&start);
    printf("%s %s: %d threads x %d iterations, %zu items each\n", failed ? "not ok" : "ok", what,
           started, ITERATIONS, ref->n);
    return failed;
}

/* Builds the shared objects and their single-threaded reference. */
static int shared_phase(void)
{
    int failed = 0;
    svcm_calendar *cal = NULL;
    svcm_sketch *sk = NULL;
    svcm_durations *du = NULL;
    svcm_feedback *fb = NULL;
    svcm_pqueue *pq = NULL;
    svcm_cycle *cy = NULL;
    svcm_zone *zone = NULL;
    rec build = {0}, ref = {0};
    rec *r = &build;
    svcm_error e;

    OKE("calendar_parse",
        svcm_calendar_parse(calendar_text, strlen(calendar_text), NULL, &cal, &e));
    OK("sketch_new", svcm_sketch_new(NULL, NULL, &sk, NULL));
    OK("durations_new", svcm_durations_new(NULL, NULL, &du, NULL));
    svcm_feedback_options fo;
    svcm_feedback_options_init(&fo, SVCM_FEEDBACK_KIND_NPS);
    OK("feedback_new", svcm_feedback_new(&fo, NULL, &fb, NULL));
    svcm_priority_options po;
    svcm_priority_options_init(&po);
    OKE("pqueue_new", svcm_pqueue_new(&po, NULL, &pq, &e));
    struct svcm_cycle_check_result chk;
    cy = pdca_checked(r, NULL, &chk);
    OKE("zone_new", svcm_zone_new("CET-1CEST,M3.5.0,M10.5.0/3", NULL, &zone, &e));
    if (build.failed || cal == NULL || sk == NULL || du == NULL || fb == NULL || pq == NULL ||
        cy == NULL || zone == NULL) {
        fprintf(stderr, "shared objects: %s\n", build.why);
        failed = 1;
        goto done;
    }
    uint64_t s = 11;
    for (int i = 0; i < 5000; i++) {
        double x = exp(8 * uniform(&s));
        OK("sketch_add", svcm_sketch_add(sk, x));
        OK("durations_add", svcm_durations_add(du, x));
        OK("feedback_add", svcm_feedback_add(fb, (double)(next_u64(&s) % 11)));
    }
    for (int i = 0; i < N_REQ; i++) {
        svcm_request q = {.id = 1000 + i,
                          .tier = i % 5,
                          .impact = 1 + i % 4,
                          .severity = 1 + i % 4,
                          .value = uniform(&s),
                          .created = T0 + i,
                          .due = T0 + 86400 + i * 60};
        OKE("pqueue_push", svcm_pqueue_push(pq, &q, &e));
    }
    if (build.failed) {
        fprintf(stderr, "shared objects: %s\n", build.why);
        failed = 1;
        goto done;
    }
    shared sh = {cal, sk, du, fb, pq, cy, zone};
    read_shared(&ref, &sh);
    if (ref.failed) {
        fprintf(stderr, "shared reference: %s\n", ref.why);
        failed = 1;
        goto done;
    }
    failed = run_threads("shared read-only objects", &ref, &sh);
done:
    svcm_calendar_free(cal);
    svcm_sketch_free(sk);
    svcm_durations_free(du);
    svcm_feedback_free(fb);
    svcm_pqueue_free(pq);
    svcm_cycle_free(cy);
    svcm_zone_free(zone);
    free(build.v);
    free(ref.v);
    return failed;
}

int main(void)
{
    if (cdnow_load() != 0 || donations_load() != 0) {
        fprintf(stderr, "cannot read the CDNOW summary or the donation cohort\n");
        return 1;
    }
    /* The reference, single-threaded; it must succeed everywhere it is
     * meant to, or the comparison would prove nothing. */
    rec ref = {0};
    long live = workload(&ref);
    if (ref.failed || live != 0) {
        fprintf(stderr, "reference run: %s (%ld blocks not freed)\n", ref.failed ? ref.why : "ok",
                live);
        free(ref.v);
        return 1;
    }
    printf("ok reference workload: %zu items\n", ref.n);
    int failed = run_threads("every engine, own objects", &ref, NULL);
    free(ref.v);
    failed += shared_phase();
    return failed ? 1 : 0;
}
