/* Durations summary: Welford moments for mean and standard deviation, a
 * quantile sketch for the percentiles. */
#include <math.h>

#include "bytes.h"
#include "internal.h"
#include "svcm/sketch.h"

#define DURATIONS_VERSION 1

struct svcm_durations {
    svcm_allocator alloc;
    svcm_sketch *sketch;
    svcm_moments moments;
};

/* A durations object around sketch s (taken over: freed on failure) with
 * moments m; SVCM_OK or SVCM_ENOMEM. */
static int wrap(const svcm_allocator *a, svcm_sketch *s, const svcm_moments *m,
                svcm_durations **out)
{
    svcm_durations *d = svcm__calloc(a, 1, sizeof *d);
    if (d == NULL) {
        svcm_sketch_free(s);
        return SVCM_ENOMEM;
    }
    d->alloc = *a;
    d->sketch = s;
    d->moments = *m;
    *out = d;
    return SVCM_OK;
}

static int durations_new(const svcm_sketch_options *opts, const svcm_allocator *alloc,
              svcm_durations **out)
{
    if (out == NULL)
        return SVCM_EINVAL;
    svcm_allocator a;
    if (svcm__allocator_resolve(&a, alloc, NULL) != SVCM_OK)
        return SVCM_EINVAL;
    svcm_sketch *s;
    int rc = svcm_sketch_new(opts, &a, &s, NULL);
    if (rc != SVCM_OK)
        return rc;
    svcm_moments m;
    svcm_moments_init(&m);
    return wrap(&a, s, &m, out);
}

int svcm_durations_new(const svcm_sketch_options *opts, const svcm_allocator *alloc,
                       svcm_durations **out, svcm_error *err)
{
    int rc = svcm__allocator_check(alloc, err);
    if (rc != SVCM_OK)
        return rc;
    rc = durations_new(opts, alloc, out);
    return svcm__new_error(err, rc, opts, false, out, "svcm_sketch_options");
}

void svcm_durations_free(svcm_durations *d)
{
    if (d == NULL)
        return;
    svcm_allocator a = d->alloc;
    svcm_sketch_free(d->sketch);
    svcm__free(&a, d);
}

void svcm_durations_reset(svcm_durations *d)
{
    if (d == NULL)
        return;
    svcm_sketch_reset(d->sketch);
    svcm_moments_init(&d->moments);
}

int svcm_durations_add_batch(svcm_durations *d, const double *xs, size_t n, svcm_error *err)
{
    if (d == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "durations pointer is NULL");
    /* The sketch validates (finite, >= 0) and is all or nothing; once it
     * has taken the values the moments cannot refuse them. */
    int rc = svcm_sketch_add_batch(d->sketch, xs, n, err);
    if (rc != SVCM_OK)
        return rc;
    return svcm_moments_add_batch(&d->moments, xs, n, err);
}

int svcm_durations_add(svcm_durations *d, double seconds)
{
    return svcm_durations_add_batch(d, &seconds, 1, NULL);
}

int svcm_durations_merge(svcm_durations *dst, const svcm_durations *src)
{
    if (dst == NULL || src == NULL)
        return SVCM_EINVAL;
    svcm_moments m = src->moments; /* src may be dst */
    int rc = svcm_sketch_merge(dst->sketch, src->sketch);
    if (rc != SVCM_OK)
        return rc;
    return svcm_moments_merge(&dst->moments, &m);
}

uint64_t svcm_durations_count(const svcm_durations *d)
{
    return d == NULL ? 0 : svcm_sketch_count(d->sketch);
}

int svcm_durations_result(const svcm_durations *d, struct svcm_durations_result *out)
{
    if (d == NULL || out == NULL)
        return SVCM_EINVAL;
    static const double qs[4] = {0.50, 0.90, 0.95, 0.99};
    double p[4];
    int rc = svcm_sketch_quantiles(d->sketch, qs, 4, p, NULL);
    if (rc != SVCM_OK)
        return rc;
    struct svcm_sketch_result st;
    svcm_sketch_result(d->sketch, &st);
    struct svcm_durations_result r;
    r.count = st.count;
    r.sum = st.sum;
    r.mean = d->moments.mean;
    double var;
    r.std = svcm_moments_variance(&d->moments, &var) == SVCM_OK ? sqrt(var) : NAN;
    r.min = st.min;
    r.max = st.max;
    r.p50 = p[0];
    r.p90 = p[1];
    r.p95 = p[2];
    r.p99 = p[3];
    *out = r;
    return SVCM_OK;
}

int svcm_durations_quantiles(const svcm_durations *d, const double *qs, size_t n, double *out,
                             svcm_error *err)
{
    if (d == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "durations pointer is NULL");
    return svcm_sketch_quantiles(d->sketch, qs, n, out, err);
}

/* Saved form, version 1: header, u32 length + saved moments, u32 length +
 * saved sketch. */
int svcm_durations_save(const svcm_durations *d, unsigned char *buf, size_t cap, size_t *len)
{
    if (d == NULL)
        return SVCM_EINVAL;
    size_t slen = 0;
    svcm_sketch_save(d->sketch, NULL, 0, &slen);
    size_t need = SVCM__HEADER_SIZE + 4 + SVCM_MOMENTS_SAVED_SIZE + 4 + slen;
    if (len != NULL)
        *len = need;
    if (buf == NULL || cap < need)
        return SVCM_ENOSPC;
    svcm__writer w = {buf, cap, 0};
    svcm__w_header(&w, SVCM__KIND_DURATIONS, DURATIONS_VERSION);
    svcm__w_u32(&w, SVCM_MOMENTS_SAVED_SIZE);
    svcm_moments_save(&d->moments, buf + w.pos, cap - w.pos, NULL);
    w.pos += SVCM_MOMENTS_SAVED_SIZE;
    svcm__w_u32(&w, (uint32_t)slen);
    svcm_sketch_save(d->sketch, buf + w.pos, cap - w.pos, NULL);
    w.pos += slen;
    svcm__w_finish(&w);
    return SVCM_OK;
}

static int durations_load(const unsigned char *buf, size_t len, const svcm_allocator *alloc,
               svcm_durations **out)
{
    if (buf == NULL || out == NULL)
        return SVCM_EINVAL;
    svcm__reader r = {buf, len, 0, true};
    uint16_t version = svcm__r_header(&r, SVCM__KIND_DURATIONS);
    if (!r.ok || version != DURATIONS_VERSION)
        return SVCM_EFORMAT;
    uint32_t mlen = svcm__r_u32(&r);
    const unsigned char *mp = svcm__r_take(&r, mlen);
    svcm_moments m;
    if (mp == NULL || svcm_moments_load(mp, mlen, &m, NULL) != SVCM_OK)
        return SVCM_EFORMAT;
    uint32_t slen = svcm__r_u32(&r);
    const unsigned char *sp = svcm__r_take(&r, slen);
    if (sp == NULL || !svcm__r_done(&r))
        return SVCM_EFORMAT;
    svcm_allocator a;
    if (svcm__allocator_resolve(&a, alloc, NULL) != SVCM_OK)
        return SVCM_EINVAL;
    svcm_sketch *s;
    int rc = svcm_sketch_load(sp, slen, &a, &s, NULL);
    if (rc != SVCM_OK)
        return rc;
    struct svcm_sketch_result st;
    svcm_sketch_result(s, &st);
    /* The two halves must describe the same values. */
    if (m.n != st.count || (m.n > 0 && (m.min != st.min || m.max != st.max)) ||
        (isfinite(st.sum) && !(fabs(m.mean * (double)m.n - st.sum) <= 1e-9 * st.sum))) {
        svcm_sketch_free(s);
        return SVCM_EFORMAT;
    }
    return wrap(&a, s, &m, out);
}

int svcm_durations_load(const unsigned char *buf, size_t len, const svcm_allocator *alloc,
                        svcm_durations **out, svcm_error *err)
{
    int rc = svcm__allocator_check(alloc, err);
    if (rc != SVCM_OK)
        return rc;
    rc = durations_load(buf, len, alloc, out);
    return svcm__load_error(err, rc, buf, "a durations accumulator");
}
