/* Call logs: per-contact records to interval counts and metrics (service
 * level under the ICMI conventions, ASA, AHT, abandonment, patience). */
#include <math.h>
#include <string.h>

#include "bytes.h"
#include "internal.h"
#include "svcm/calls.h"

#define CALLS_VERSION 1
/* The kind tag of saved accumulators (src/bytes.h lists the taken ones). */
#define CALLS_KIND ((uint16_t)SVCM__KIND_CALLS)

/* What one accumulator holds; also what a record adds. */
typedef struct calls_counts {
    uint64_t answered, abandoned, abandoned_short, other;
    uint64_t answered_within, abandoned_within, abandoned_short_within;
    double wait_answered; /* seconds */
    double wait_total;    /* answered + abandoned */
    double handle;        /* service time of the answered */
    double longest;       /* longest wait of an offered contact; -1: none */
} calls_counts;

struct svcm_calls {
    svcm_allocator alloc;
    svcm_calls_options opts;
    calls_counts n;
};

void svcm_calls_options_init(svcm_calls_options *opts)
{
    if (opts == NULL)
        return;
    opts->target_s = 20.0;
    opts->short_abandon_s = 5.0;
    opts->sl_abandoned = SVCM_CALLS_SL_AGAINST;
    opts->exclude_short = true;
    opts->tolerance_s = 0.0;
}

static int check_options(const svcm_calls_options *o, svcm_error *err)
{
    if (!svcm__finite(o->target_s) || o->target_s < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "target_s",
                           "service-level threshold must be finite and >= 0");
    if (!svcm__finite(o->short_abandon_s) || o->short_abandon_s < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "short_abandon_s",
                           "short-abandon threshold must be finite and >= 0");
    if (!svcm__finite(o->tolerance_s) || o->tolerance_s < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "tolerance_s",
                           "tolerance must be finite and >= 0");
    int sl = (int)o->sl_abandoned;
    if (sl < (int)SVCM_CALLS_SL_IGNORE || sl > (int)SVCM_CALLS_SL_MET)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "sl_abandoned",
                           "unknown treatment of abandons (%d)", sl);
    return SVCM_OK;
}

static void counts_zero(calls_counts *n)
{
    memset(n, 0, sizeof *n);
    n->longest = -1.0;
}

static int calls_make(const svcm_calls_options *o, const calls_counts *n,
                      const svcm_allocator *a, svcm_calls **out)
{
    svcm_calls *c = svcm__calloc(a, 1, sizeof *c);
    if (c == NULL)
        return SVCM_ENOMEM;
    c->alloc = *a;
    c->opts = *o;
    c->opts.exclude_short = o->exclude_short ? true : false;
    c->n = *n;
    *out = c;
    return SVCM_OK;
}

int svcm_calls_new(const svcm_calls_options *opts, const svcm_allocator *alloc,
                   svcm_calls **out, svcm_error *err)
{
    int rc = svcm__allocator_check(alloc, err);
    if (rc != SVCM_OK)
        return rc;
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "is NULL");
    svcm_calls_options o;
    if (opts != NULL)
        o = *opts;
    else
        svcm_calls_options_init(&o);
    rc = check_options(&o, err);
    if (rc != SVCM_OK)
        return rc;
    svcm_allocator a;
    rc = svcm__allocator_resolve(&a, alloc, err);
    if (rc != SVCM_OK)
        return rc;
    calls_counts n;
    counts_zero(&n);
    rc = calls_make(&o, &n, &a, out);
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
    return SVCM_OK;
}

void svcm_calls_free(svcm_calls *c)
{
    if (c == NULL)
        return;
    svcm_allocator a = c->alloc;
    svcm__free(&a, c);
}

int svcm_calls_get_options(const svcm_calls *c, svcm_calls_options *out)
{
    if (c == NULL || out == NULL)
        return SVCM_EINVAL;
    *out = c->opts;
    return SVCM_OK;
}

/* Check one record and compute what it adds into d (zeroed by the caller).
 * index is the record's position for error reports. */
static int record_counts(const svcm_calls_options *o, const svcm_calls_record *r,
                         size_t index, calls_counts *d, svcm_error *err)
{
    static const char *const names[5] = {"arrival", "queue_start", "queue_end",
                                         "service_start", "service_end"};
    double t[5] = {r->arrival, r->queue_start, r->queue_end, r->service_start,
                   r->service_end};
    int outcome = (int)r->outcome;
    if (outcome < (int)SVCM_CALLS_OUTCOME_ANSWERED || outcome > (int)SVCM_CALLS_OUTCOME_OTHER)
        return svcm__error(err, SVCM_EINVAL, index, "outcome", "unknown outcome (%d)", outcome);
    if (isnan(r->arrival))
        return svcm__error(err, SVCM_EINVAL, index, "arrival", "arrival is missing");
    /* Every instant present is finite and no earlier than the one before. */
    int prev = -1;
    for (int k = 0; k < 5; k++) {
        if (isnan(t[k]))
            continue;
        if (isinf(t[k]))
            return svcm__error(err, SVCM_EINVAL, index, names[k], "%s is infinite", names[k]);
        if (prev >= 0 && t[k] < t[prev]) {
            /* Within the tolerance: raised to the earlier instant. */
            if (!(t[prev] - t[k] <= o->tolerance_s))
                return svcm__error(err, SVCM_EINVAL, index, names[k],
                                   "%s is before %s (by %g s)", names[k], names[prev],
                                   t[prev] - t[k]);
            t[k] = t[prev];
        }
        prev = k;
    }
    if (r->outcome == SVCM_CALLS_OUTCOME_OTHER) {
        d->other = 1;
        return SVCM_OK;
    }
    double q0 = isnan(t[1]) ? t[0] : t[1];
    double q1 = t[2];
    if (r->outcome == SVCM_CALLS_OUTCOME_ANSWERED) {
        if (isnan(r->service_start))
            return svcm__error(err, SVCM_EINVAL, index, "service_start",
                               "answered contact without service_start");
        if (isnan(r->service_end))
            return svcm__error(err, SVCM_EINVAL, index, "service_end",
                               "answered contact without service_end");
        if (isnan(q1))
            q1 = t[3];
    } else {
        if (!isnan(r->service_start))
            return svcm__error(err, SVCM_EINVAL, index, "service_start",
                               "abandoned contact with a service_start");
        if (!isnan(r->service_end))
            return svcm__error(err, SVCM_EINVAL, index, "service_end",
                               "abandoned contact with a service_end");
        if (isnan(q1))
            return svcm__error(err, SVCM_EINVAL, index, "queue_end",
                               "abandoned contact without queue_end");
    }
    double wait = q1 - q0;
    if (!svcm__finite(wait))
        return svcm__error(err, SVCM_EINVAL, index, "queue_end",
                           "wait overflows a double");
    d->wait_total = wait;
    d->longest = wait;
    if (r->outcome == SVCM_CALLS_OUTCOME_ANSWERED) {
        double handle = t[4] - t[3];
        if (!svcm__finite(handle))
            return svcm__error(err, SVCM_EINVAL, index, "service_end",
                               "service time overflows a double");
        d->answered = 1;
        d->answered_within = wait <= o->target_s;
        d->wait_answered = wait;
        d->handle = handle;
    } else {
        d->abandoned = 1;
        d->abandoned_within = wait <= o->target_s;
        d->abandoned_short = wait < o->short_abandon_s;
        d->abandoned_short_within = d->abandoned_short && d->abandoned_within;
    }
    return SVCM_OK;
}

/* a += b, or SVCM_ERANGE naming the field that overflows (a unchanged). */
static int counts_add(calls_counts *a, const calls_counts *b, size_t index, svcm_error *err)
{
    calls_counts s = *a;
#define SVCM__ADDU(f)                                                          \
    if (b->f > UINT64_MAX - s.f)                                               \
        return svcm__error(err, SVCM_ERANGE, index, #f, "count passes UINT64_MAX"); \
    s.f += b->f;
    SVCM__ADDU(answered)
    SVCM__ADDU(abandoned)
    SVCM__ADDU(abandoned_short)
    SVCM__ADDU(other)
    SVCM__ADDU(answered_within)
    SVCM__ADDU(abandoned_within)
    SVCM__ADDU(abandoned_short_within)
#undef SVCM__ADDU
    if (s.answered > UINT64_MAX - s.abandoned)
        return svcm__error(err, SVCM_ERANGE, index, "offered", "count passes UINT64_MAX");
#define SVCM__ADDF(f)                                                          \
    s.f += b->f;                                                               \
    if (!svcm__finite(s.f))                                                    \
        return svcm__error(err, SVCM_ERANGE, index, #f, "total overflows a double");
    SVCM__ADDF(wait_answered)
    SVCM__ADDF(wait_total)
    SVCM__ADDF(handle)
#undef SVCM__ADDF
    if (b->longest > s.longest)
        s.longest = b->longest;
    *a = s;
    return SVCM_OK;
}

int svcm_calls_add(svcm_calls *c, const svcm_calls_record *rec, svcm_error *err)
{
    if (c == NULL || rec == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, c == NULL ? "calls" : "rec",
                           "is NULL");
    calls_counts d;
    counts_zero(&d);
    int rc = record_counts(&c->opts, rec, SVCM_NO_INDEX, &d, err);
    if (rc != SVCM_OK)
        return rc;
    return counts_add(&c->n, &d, SVCM_NO_INDEX, err);
}

int svcm_calls_add_batch(svcm_calls *c, const double *arrival, const double *queue_start,
                         const double *queue_end, const double *service_start,
                         const double *service_end, const svcm_calls_outcome *outcome,
                         size_t n, svcm_error *err)
{
    if (c == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "calls", "is NULL");
    if (n > 0 && arrival == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "arrival", "is NULL with n > 0");
    if (n > 0 && outcome == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "outcome", "is NULL with n > 0");
    /* All or nothing: the sum is built aside and replaces the state only
     * when every record passed. */
    calls_counts sum = c->n;
    for (size_t i = 0; i < n; i++) {
        svcm_calls_record r;
        r.arrival = arrival[i];
        r.queue_start = queue_start != NULL ? queue_start[i] : NAN;
        r.queue_end = queue_end != NULL ? queue_end[i] : NAN;
        r.service_start = service_start != NULL ? service_start[i] : NAN;
        r.service_end = service_end != NULL ? service_end[i] : NAN;
        r.outcome = outcome[i];
        calls_counts d;
        counts_zero(&d);
        int rc = record_counts(&c->opts, &r, i, &d, err);
        if (rc == SVCM_OK)
            rc = counts_add(&sum, &d, i, err);
        if (rc != SVCM_OK)
            return rc;
    }
    c->n = sum;
    return SVCM_OK;
}

static bool same_options(const svcm_calls_options *a, const svcm_calls_options *b)
{
    return a->target_s == b->target_s && a->short_abandon_s == b->short_abandon_s &&
           a->sl_abandoned == b->sl_abandoned && a->exclude_short == b->exclude_short &&
           a->tolerance_s == b->tolerance_s;
}

int svcm_calls_merge(svcm_calls *dst, const svcm_calls *src)
{
    if (dst == NULL || src == NULL)
        return SVCM_EINVAL;
    if (!same_options(&dst->opts, &src->opts))
        return SVCM_EMISMATCH;
    calls_counts b = src->n; /* src may be dst */
    return counts_add(&dst->n, &b, SVCM_NO_INDEX, NULL);
}

/* num / den, NaN when den is 0: the metric is undefined, not zero. */
static double ratio(double num, double den)
{
    return den > 0.0 ? num / den : NAN;
}

int svcm_calls_result(const svcm_calls *c, struct svcm_calls_result *out)
{
    if (c == NULL || out == NULL)
        return SVCM_EINVAL;
    const calls_counts *n = &c->n;
    struct svcm_calls_result r;
    memset(&r, 0, sizeof r);
    r.answered = n->answered;
    r.abandoned = n->abandoned;
    r.abandoned_short = n->abandoned_short;
    r.other = n->other;
    r.offered = n->answered + n->abandoned;
    r.answered_within_target = n->answered_within;
    r.abandoned_within_target = n->abandoned_within;
    /* Abandons that enter the service level, and those of them within T. */
    uint64_t b = n->abandoned, bw = n->abandoned_within;
    if (c->opts.exclude_short) {
        b -= n->abandoned_short;
        bw -= n->abandoned_short_within;
    }
    double aw = (double)n->answered_within, a = (double)n->answered;
    switch (c->opts.sl_abandoned) {
    case SVCM_CALLS_SL_IGNORE:
        r.service_level = ratio(aw, a);
        break;
    case SVCM_CALLS_SL_MET:
        r.service_level = ratio(aw + (double)bw, a + (double)b);
        break;
    case SVCM_CALLS_SL_AGAINST:
    default:
        r.service_level = ratio(aw, a + (double)b);
        break;
    }
    r.asa_s = ratio(n->wait_answered, a);
    r.aht_s = ratio(n->handle, a);
    r.longest_wait_s = r.offered > 0 ? n->longest : NAN;
    r.abandon_rate = ratio((double)n->abandoned, (double)r.offered);
    r.abandon_rate_excl_short = ratio((double)(n->abandoned - n->abandoned_short),
                                      (double)(r.offered - n->abandoned_short));
    r.abandon_hazard = ratio((double)n->abandoned, n->wait_total);
    r.mean_patience_s =
        n->wait_total > 0.0 ? ratio(n->wait_total, (double)n->abandoned) : NAN;
    r.wait_answered_s = n->wait_answered;
    r.wait_total_s = n->wait_total;
    r.handle_s = n->handle;
    *out = r;
    return SVCM_OK;
}

/* Saved form, version 1 (after the 12-byte header):
 *   f64 target_s, f64 short_abandon_s, f64 tolerance_s, u8 sl_abandoned,
 *   u8 exclude_short,
 *   u64 answered, abandoned, abandoned_short, other, answered_within,
 *       abandoned_within, abandoned_short_within,
 *   f64 wait_answered, wait_total, handle, longest (-1: none). */
#define CALLS_PAYLOAD (3u * 8u + 1u + 1u + 7u * 8u + 4u * 8u)

int svcm_calls_save(const svcm_calls *c, unsigned char *buf, size_t cap, size_t *len)
{
    size_t need = SVCM__HEADER_SIZE + CALLS_PAYLOAD;
    if (len != NULL)
        *len = need;
    if (c == NULL)
        return SVCM_EINVAL;
    if (buf == NULL || cap < need)
        return SVCM_ENOSPC;
    svcm__writer w = {buf, cap, 0};
    svcm__w_header(&w, CALLS_KIND, CALLS_VERSION);
    svcm__w_f64(&w, c->opts.target_s);
    svcm__w_f64(&w, c->opts.short_abandon_s);
    svcm__w_f64(&w, c->opts.tolerance_s);
    svcm__w_u8(&w, (uint8_t)c->opts.sl_abandoned);
    svcm__w_u8(&w, c->opts.exclude_short ? 1 : 0);
    const calls_counts *n = &c->n;
    svcm__w_u64(&w, n->answered);
    svcm__w_u64(&w, n->abandoned);
    svcm__w_u64(&w, n->abandoned_short);
    svcm__w_u64(&w, n->other);
    svcm__w_u64(&w, n->answered_within);
    svcm__w_u64(&w, n->abandoned_within);
    svcm__w_u64(&w, n->abandoned_short_within);
    svcm__w_f64(&w, n->wait_answered);
    svcm__w_f64(&w, n->wait_total);
    svcm__w_f64(&w, n->handle);
    svcm__w_f64(&w, n->longest);
    svcm__w_finish(&w);
    return SVCM_OK;
}

static bool nonneg(double x) { return svcm__finite(x) && x >= 0.0; }

/* The saved state must be one some sequence of records could produce. */
static bool counts_consistent(const calls_counts *n)
{
    if (n->answered_within > n->answered || n->abandoned_within > n->abandoned ||
        n->abandoned_short > n->abandoned || n->abandoned_short_within > n->abandoned_short ||
        n->abandoned_short_within > n->abandoned_within ||
        n->answered > UINT64_MAX - n->abandoned)
        return false;
    if (!nonneg(n->wait_answered) || !nonneg(n->wait_total) || !nonneg(n->handle))
        return false;
    uint64_t offered = n->answered + n->abandoned;
    if (offered == 0)
        return n->longest == -1.0 && n->wait_total == 0.0 && n->handle == 0.0;
    if (!nonneg(n->longest) || n->longest > n->wait_total)
        return false;
    if (n->answered == 0 && (n->wait_answered != 0.0 || n->handle != 0.0))
        return false;
    return true;
}

int svcm_calls_load(const unsigned char *buf, size_t len, const svcm_allocator *alloc,
                    svcm_calls **out, svcm_error *err)
{
    int rc = svcm__allocator_check(alloc, err);
    if (rc != SVCM_OK)
        return rc;
    if (buf == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, buf == NULL ? "buf" : "out",
                           "is NULL");
    svcm__reader r = {buf, len, 0, true};
    uint16_t version = svcm__r_header(&r, CALLS_KIND);
    svcm_calls_options o;
    calls_counts n;
    o.target_s = svcm__r_f64(&r);
    o.short_abandon_s = svcm__r_f64(&r);
    o.tolerance_s = svcm__r_f64(&r);
    uint8_t sl = svcm__r_u8(&r);
    uint8_t ex = svcm__r_u8(&r);
    n.answered = svcm__r_u64(&r);
    n.abandoned = svcm__r_u64(&r);
    n.abandoned_short = svcm__r_u64(&r);
    n.other = svcm__r_u64(&r);
    n.answered_within = svcm__r_u64(&r);
    n.abandoned_within = svcm__r_u64(&r);
    n.abandoned_short_within = svcm__r_u64(&r);
    n.wait_answered = svcm__r_f64(&r);
    n.wait_total = svcm__r_f64(&r);
    n.handle = svcm__r_f64(&r);
    n.longest = svcm__r_f64(&r);
    if (!svcm__r_done(&r) || version != CALLS_VERSION)
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "buf",
                           "not a calls accumulator saved by this library, or damaged");
    o.sl_abandoned = (svcm_calls_sl)sl;
    o.exclude_short = ex != 0;
    if (sl > (uint8_t)SVCM_CALLS_SL_MET || ex > 1 || check_options(&o, NULL) != SVCM_OK ||
        !counts_consistent(&n))
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "buf",
                           "calls accumulator with inconsistent options or counts");
    svcm_allocator a;
    rc = svcm__allocator_resolve(&a, alloc, err);
    if (rc != SVCM_OK)
        return rc;
    rc = calls_make(&o, &n, &a, out);
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
    return SVCM_OK;
}
