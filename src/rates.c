/* Rates: successes over trials (FCR, churn, SLA compliance, ...) with Wilson
 * intervals and two-period tests. */
#include <string.h>

#include "bytes.h"
#include "internal.h"
#include "svcm/kpi.h"

static const char *const rate_names[SVCM_RATE_KIND_COUNT] = {
    "generic", "fcr",        "complaint", "resolution",    "churn",
    "retention", "repurchase", "reopen",  "sla_compliance",
};

const char *svcm_rate_kind_name(int kind)
{
    if (kind < 0 || kind >= SVCM_RATE_KIND_COUNT)
        return NULL;
    return rate_names[kind];
}

int svcm_rate_kind_parse(const char *name, svcm_rate_kind *out)
{
    if (name == NULL || out == NULL)
        return SVCM_EINVAL;
    int k = svcm__name_index(name, rate_names, SVCM_RATE_KIND_COUNT);
    if (k < 0)
        return SVCM_EINVAL;
    *out = (svcm_rate_kind)k;
    return SVCM_OK;
}

int svcm_rate_init(svcm_rate *r, int kind)
{
    if (r == NULL || svcm_rate_kind_name(kind) == NULL)
        return SVCM_EINVAL;
    r->kind = (svcm_rate_kind)kind;
    r->successes = 0;
    r->trials = 0;
    return SVCM_OK;
}

static bool consistent(const svcm_rate *r)
{
    return svcm_rate_kind_name((int)r->kind) != NULL && r->successes <= r->trials;
}

int svcm_rate_add_counts(svcm_rate *r, uint64_t successes, uint64_t trials)
{
    if (r == NULL || !consistent(r) || successes > trials)
        return SVCM_EINVAL;
    /* successes <= trials on both sides, so checking trials is enough. */
    if (trials > UINT64_MAX - r->trials)
        return SVCM_ERANGE;
    r->successes += successes;
    r->trials += trials;
    return SVCM_OK;
}

int svcm_rate_add(svcm_rate *r, bool success)
{
    return svcm_rate_add_counts(r, success ? 1 : 0, 1);
}

int svcm_rate_add_batch(svcm_rate *r, const double *outcomes, size_t n, svcm_error *err)
{
    if (r == NULL || (outcomes == NULL && n > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL,
                           "rate or outcomes pointer is NULL");
    if (!consistent(r))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL,
                           "rate has an unknown kind or successes > trials");
    /* Branch-free count; a bad outcome is located in a second pass only
     * when the first one saw one. */
    uint64_t ok = 0;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        double x = outcomes[i];
        ok += (x == 1.0);
        bad |= !((x == 0.0) | (x == 1.0));
    }
    if (bad)
        for (size_t i = 0; i < n; i++)
            if (!(outcomes[i] == 0.0 || outcomes[i] == 1.0))
                return svcm__error(err, SVCM_EINVAL, i, "outcome", "outcome %g is not 0 or 1",
                                   outcomes[i]);
    if ((uint64_t)n > UINT64_MAX - r->trials)
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, NULL, "trial count overflows");
    r->successes += ok;
    r->trials += (uint64_t)n;
    return SVCM_OK;
}

int svcm_rate_merge(svcm_rate *dst, const svcm_rate *src)
{
    if (dst == NULL || src == NULL || !consistent(src) || !consistent(dst))
        return SVCM_EINVAL;
    if (dst->kind != src->kind)
        return SVCM_EMISMATCH;
    return svcm_rate_add_counts(dst, src->successes, src->trials);
}

int svcm_rate_result(const svcm_rate *r, double confidence, struct svcm_rate_result *out)
{
    if (r == NULL || out == NULL || !consistent(r) || !(confidence > 0.0 && confidence < 1.0))
        return SVCM_EINVAL;
    if (r->trials == 0)
        return SVCM_EEMPTY;
    struct svcm_rate_result res;
    res.kind = r->kind;
    res.successes = r->successes;
    res.trials = r->trials;
    res.rate = (double)r->successes / (double)r->trials;
    int rc = svcm_wilson(r->successes, r->trials, confidence, &res.ci);
    if (rc != SVCM_OK)
        return rc;
    *out = res;
    return SVCM_OK;
}

int svcm_rate_compare(const svcm_rate *a, const svcm_rate *b, double confidence,
                      struct svcm_test_result *out)
{
    if (a == NULL || b == NULL || out == NULL || !consistent(a) || !consistent(b))
        return SVCM_EINVAL;
    if (a->kind != b->kind)
        return SVCM_EMISMATCH;
    return svcm_two_proportion_z_test(a->successes, a->trials, b->successes, b->trials,
                                      confidence, out);
}

#define FORMAT_VERSION 1

int svcm_rate_save(const svcm_rate *r, unsigned char *buf, size_t cap, size_t *len)
{
    if (r == NULL)
        return SVCM_EINVAL;
    if (len != NULL)
        *len = SVCM_RATE_SAVED_SIZE;
    /* The kind is saved in 16 bits: an unknown kind such as 65537 would
     * load back as a different, valid one. */
    if (!consistent(r))
        return SVCM_EINVAL;
    if (buf == NULL || cap < SVCM_RATE_SAVED_SIZE)
        return SVCM_ENOSPC;
    svcm__writer w = {buf, cap, 0};
    svcm__w_header(&w, SVCM__KIND_RATE, FORMAT_VERSION);
    svcm__w_u16(&w, (uint16_t)r->kind);
    svcm__w_u64(&w, r->successes);
    svcm__w_u64(&w, r->trials);
    svcm__w_finish(&w);
    return SVCM_OK;
}

static int rate_load(const unsigned char *buf, size_t len, svcm_rate *out)
{
    if (buf == NULL || out == NULL)
        return SVCM_EINVAL;
    svcm__reader rd = {buf, len, 0, true};
    uint16_t version = svcm__r_header(&rd, SVCM__KIND_RATE);
    uint16_t kind = svcm__r_u16(&rd);
    svcm_rate r;
    r.kind = (svcm_rate_kind)kind;
    r.successes = svcm__r_u64(&rd);
    r.trials = svcm__r_u64(&rd);
    if (!svcm__r_done(&rd) || version != FORMAT_VERSION || kind >= SVCM_RATE_KIND_COUNT ||
        r.successes > r.trials)
        return SVCM_EFORMAT;
    *out = r;
    return SVCM_OK;
}

int svcm_rate_load(const unsigned char *buf, size_t len, svcm_rate *out, svcm_error *err)
{
    int rc = rate_load(buf, len, out);
    return svcm__load_error(err, rc, buf, "a rate");
}
