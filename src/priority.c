/* Importance, time-based urgency, Eisenhower quadrants, the dispatch score,
 * deterministic ordering, and WSJF. */
#include <string.h>

#include "internal.h"
#include "priority_internal.h"
#include "svcm/priority.h"

/* ------------------------------------------------------------------ names */

static const char *const quadrant_names[SVCM_QUADRANT_COUNT] = {"do", "schedule", "delegate",
                                                                "eliminate"};
static const char *const quadrant_advice[SVCM_QUADRANT_COUNT] = {
    "Do it now: it is urgent and important, so handle it yourself first.",
    "Schedule it: it is important but not urgent, so plan a time to do it properly.",
    "Delegate it: it is urgent but not important, so hand it to someone who can act now.",
    "Eliminate it: it is neither urgent nor important, so drop it or park it.",
};
/* Indexed by impact - 1: 1 = organisation (widest) .. 4 = individual. */
static const char *const impact_names[SVCM_IMPACT_COUNT] = {"organisation", "department", "team",
                                                            "individual"};

svcm_quadrant svcm_quadrant_of(bool urgent, bool important)
{
    if (important)
        return urgent ? SVCM_QUADRANT_DO : SVCM_QUADRANT_SCHEDULE;
    return urgent ? SVCM_QUADRANT_DELEGATE : SVCM_QUADRANT_ELIMINATE;
}

const char *svcm_quadrant_name(int quadrant)
{
    return (quadrant >= 0 && quadrant < SVCM_QUADRANT_COUNT) ? quadrant_names[quadrant] : NULL;
}

const char *svcm_quadrant_advice(int quadrant)
{
    return (quadrant >= 0 && quadrant < SVCM_QUADRANT_COUNT) ? quadrant_advice[quadrant] : NULL;
}

int svcm_quadrant_parse(const char *name, svcm_quadrant *out)
{
    if (name == NULL || out == NULL)
        return SVCM_EINVAL;
    int i = svcm__name_index(name, quadrant_names, SVCM_QUADRANT_COUNT);
    if (i < 0)
        return SVCM_EINVAL;
    *out = (svcm_quadrant)i;
    return SVCM_OK;
}

const char *svcm_impact_name(int impact)
{
    return (impact >= SVCM_IMPACT_MIN && impact <= SVCM_IMPACT_MAX)
               ? impact_names[impact - SVCM_IMPACT_MIN]
               : NULL;
}

int svcm_impact_parse(const char *name, svcm_impact *out)
{
    if (name == NULL || out == NULL)
        return SVCM_EINVAL;
    int i = svcm__name_index(name, impact_names, SVCM_IMPACT_COUNT);
    if (i < 0 && svcm__name_eq(name, "organization"))
        i = SVCM_IMPACT_ORGANISATION - SVCM_IMPACT_MIN;
    if (i < 0)
        return SVCM_EINVAL;
    *out = (svcm_impact)(i + SVCM_IMPACT_MIN);
    return SVCM_OK;
}

/* ---------------------------------------------------------------- options */

void svcm_priority_options_init(svcm_priority_options *o)
{
    if (o == NULL)
        return;
    memset(o, 0, sizeof *o);
    o->w_tier = 0.25;
    o->w_impact = 0.30;
    o->w_severity = 0.30;
    o->w_value = 0.15;
    o->important_threshold = 0.5;
    o->urgent_threshold = 0.75;
    o->w_quadrant = 40.0;
    o->w_itil = 30.0;
    o->w_tier_score = 10.0;
    o->w_sla = 20.0;
    o->aging_per_hour = 1.0;
    svcm_itil_table_init(&o->table);
}

static int check_weight(double w, const char *field, svcm_error *err)
{
    if (!svcm__finite(w) || w < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, field,
                           "%s must be finite and >= 0, got %g", field, w);
    return SVCM_OK;
}

int svcm_priority_options_check(const svcm_priority_options *o, svcm_error *err)
{
    if (o == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "options are NULL");
    const struct {
        double v;
        const char *name;
    } weights[] = {
        {o->w_tier, "w_tier"},         {o->w_impact, "w_impact"},
        {o->w_severity, "w_severity"}, {o->w_value, "w_value"},
        {o->w_quadrant, "w_quadrant"}, {o->w_itil, "w_itil"},
        {o->w_tier_score, "w_tier_score"}, {o->w_sla, "w_sla"},
        {o->aging_per_hour, "aging_per_hour"},
    };
    for (size_t i = 0; i < sizeof weights / sizeof weights[0]; i++) {
        int rc = check_weight(weights[i].v, weights[i].name, err);
        if (rc != SVCM_OK)
            return rc;
    }
    double sum = o->w_tier + o->w_impact + o->w_severity + o->w_value;
    if (!(sum > 0.0) || !svcm__finite(sum))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "w_tier",
                           "the importance weights must have a positive finite sum");
    double bsum = o->w_quadrant + o->w_itil + o->w_tier_score + o->w_sla;
    if (!svcm__finite(bsum))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "w_quadrant",
                           "the score weights must have a finite sum");
    /* A wait is below 2^64 time units: bounding the aging term for that
     * wait keeps every score finite (no inf ties that would undo aging). */
    if (!svcm__finite(o->aging_per_hour * 0x1p64) ||
        !svcm__finite(bsum + o->aging_per_hour * 0x1p64 / 3600.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "aging_per_hour",
                           "aging_per_hour %g can overflow the score", o->aging_per_hour);
    if (!(o->important_threshold >= 0.0 && o->important_threshold <= 1.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "important_threshold",
                           "important_threshold must be in [0, 1], got %g",
                           o->important_threshold);
    if (!(o->urgent_threshold >= 0.0 && o->urgent_threshold <= 1.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "urgent_threshold",
                           "urgent_threshold must be in [0, 1], got %g", o->urgent_threshold);
    int rc = svcm_itil_table_check(&o->table, err);
    if (rc != SVCM_OK && err != NULL)
        err->index = SVCM_NO_INDEX; /* the option is at fault, not a record */
    return rc;
}

/* ------------------------------------------------------------ evaluation */

static int check_request(const svcm_request *r, size_t index, svcm_error *err)
{
    if (r->tier >= SVCM_TIER_COUNT)
        return svcm__error(err, SVCM_EINVAL, index, "tier",
                           "unknown tier %u (need 0 = vip .. 4 = lost)", (unsigned)r->tier);
    if (r->impact < SVCM_IMPACT_MIN || r->impact > SVCM_IMPACT_MAX)
        return svcm__error(err, SVCM_EINVAL, index, "impact",
                           "impact %d is outside 1 = organisation .. 4 = individual", r->impact);
    if (r->severity < SVCM_SEVERITY_MIN || r->severity > SVCM_SEVERITY_MAX)
        return svcm__error(err, SVCM_EINVAL, index, "severity",
                           "severity %d is outside %d..%d", r->severity, SVCM_SEVERITY_MIN,
                           SVCM_SEVERITY_MAX);
    if (!(r->value >= 0.0 && r->value <= 1.0))
        return svcm__error(err, SVCM_EINVAL, index, "value",
                           "business value %g is not in [0, 1]", r->value);
    if (r->due != SVCM_NO_DUE && r->due < r->created)
        return svcm__error(err, SVCM_EINVAL, index, "due",
                           "due %lld is before created %lld", (long long)r->due,
                           (long long)r->created);
    return SVCM_OK;
}

int svcm_request_check(const svcm_request *req, svcm_error *err)
{
    if (req == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "request is NULL");
    return check_request(req, SVCM_NO_INDEX, err);
}

/* Normalised inputs (see the header): T by tier, I by impact, S by
 * severity, Q by quadrant. Tables, because the hot loop should not divide. */
static const double tier_norm[SVCM_TIER_COUNT] = {1.0, 0.75, 0.5, 0.25, 0.0};
/* I = (4 - impact) / 3; index 0 is unused (impact starts at 1). */
static const double impact_norm[SVCM_IMPACT_MAX + 1] = {0.0, 1.0, 2.0 / 3.0, 1.0 / 3.0, 0.0};
static const double severity_norm[SVCM_SEVERITY_MAX + 1] = {0.0, 1.0, 2.0 / 3.0, 1.0 / 3.0, 0.0};
static const double quadrant_norm[SVCM_QUADRANT_COUNT] = {1.0, 2.0 / 3.0, 1.0 / 3.0, 0.0};

static double importance_of(const svcm_priority_options *o, const svcm_request *r)
{
    double t = tier_norm[r->tier];
    double i = impact_norm[r->impact];
    double s = severity_norm[r->severity];
    double wsum = o->w_tier + o->w_impact + o->w_severity + o->w_value;
    double v = (o->w_tier * t + o->w_impact * i + o->w_severity * s + o->w_value * r->value) / wsum;
    return v > 1.0 ? 1.0 : v; /* rounding can overshoot 1 by an ulp */
}

/* b - a for a <= b, exact: the true difference is below 2^64. */
static inline uint64_t span(int64_t a, int64_t b) { return (uint64_t)b - (uint64_t)a; }

static double urgency_of(const svcm_request *r, int64_t now)
{
    if (r->urgent)
        return 1.0;
    if (r->due == SVCM_NO_DUE)
        return 0.0;
    if (now >= r->due)
        return 1.0;
    if (now <= r->created)
        return 0.0;
    /* created < now < due: the differences are exact in uint64 (no int64
     * overflow), and converting each one (rather than each instant) keeps
     * them positive when the instants are too large for a double's 53 bits. */
    return (double)span(r->created, now) / (double)span(r->created, r->due);
}

/* Band of x in [0, 1] among n equal bands, as a level: 1 = top band. */
static int level_of(double x, int n)
{
    int k = (int)(x * n); /* x * n >= 0, so truncation is floor */
    return k >= n - 1 ? 1 : n - k;
}

void svcm__priority_eval(const svcm_priority_options *o, const svcm_request *r, int64_t now,
                         struct svcm_priority_result *out)
{
    double imp = importance_of(o, r);
    double urg = urgency_of(r, now);
    svcm_quadrant q = svcm_quadrant_of(urg >= o->urgent_threshold, imp >= o->important_threshold);
    const svcm_itil_table *t = &o->table;
    int p = t->cell[level_of(imp, t->rows) - 1][level_of(urg, t->cols) - 1];
    double qs = quadrant_norm[q];
    double ps = t->levels > 1 ? (double)(t->levels - p) / (t->levels - 1) : 1.0;
    double ts = tier_norm[r->tier];
    double wait = now > r->created ? (double)span(r->created, now) : 0.0;
    double base = o->w_quadrant * qs + o->w_itil * ps + o->w_tier_score * ts + o->w_sla * urg;
    out->id = r->id;
    out->due = r->due;
    out->index = 0;
    out->importance = imp;
    out->urgency = urg;
    out->score = base + (wait > 0.0 ? o->aging_per_hour * wait / 3600.0 : 0.0);
    out->quadrant = q;
    out->priority = p;
}

int svcm_importance(const svcm_priority_options *opts, const svcm_request *req, double *out,
                    svcm_error *err)
{
    svcm_priority_options def;
    if (req == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "request or out is NULL");
    if (opts == NULL) {
        svcm_priority_options_init(&def);
        opts = &def;
    } else {
        int rc = svcm_priority_options_check(opts, err);
        if (rc != SVCM_OK)
            return rc;
    }
    int rc = check_request(req, SVCM_NO_INDEX, err);
    if (rc != SVCM_OK)
        return rc;
    *out = importance_of(opts, req);
    return SVCM_OK;
}

int svcm_urgency(const svcm_request *req, int64_t now, double *out, svcm_error *err)
{
    if (req == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "request or out is NULL");
    int rc = check_request(req, SVCM_NO_INDEX, err);
    if (rc != SVCM_OK)
        return rc;
    *out = urgency_of(req, now);
    return SVCM_OK;
}

/* Check the options (NULL: the defaults, copied into *def) and every
 * request of a batch; *use receives the options to evaluate with. */
static int check_batch(const svcm_priority_options *opts, svcm_priority_options *def,
                       const svcm_priority_options **use, const svcm_request *reqs, size_t n,
                       svcm_error *err)
{
    if (opts == NULL) {
        svcm_priority_options_init(def);
        opts = def;
    } else {
        int rc = svcm_priority_options_check(opts, err);
        if (rc != SVCM_OK)
            return rc;
    }
    for (size_t i = 0; i < n; i++) {
        int rc = check_request(&reqs[i], i, err);
        if (rc != SVCM_OK)
            return rc;
    }
    *use = opts;
    return SVCM_OK;
}

int svcm_priority_classify(const svcm_priority_options *opts, const svcm_request *reqs, size_t n,
                           int64_t now, struct svcm_priority_result *out, svcm_error *err)
{
    svcm_priority_options def;
    if (n > 0 && (reqs == NULL || out == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "requests or out is NULL");
    int rc = check_batch(opts, &def, &opts, reqs, n, err);
    if (rc != SVCM_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        svcm__priority_eval(opts, &reqs[i], now, &out[i]);
        out[i].index = i;
    }
    return SVCM_OK;
}

/* ---------------------------------------------------------------- ordering */

/* Sorting is an LSD radix sort of (key, position) pairs on the top 32 bits
 * of a 64-bit order-preserving key (passes where every key shares the
 * digit are skipped); then each run of pairs equal in those bits is ordered
 * by a comparator on the full keys that ends with the position. The order
 * is total, so the result is deterministic; runs are short unless scores
 * crowd within a relative 1e-6 of each other, and even then each is sorted
 * in O(m log m). Pairs are 8 bytes, hence at most UINT32_MAX records. */
typedef struct sort_pair {
    uint32_t key;
    uint32_t idx;
} sort_pair;

#define SORT_MAX ((size_t)UINT32_MAX)

/* Strict "a before b" on the full keys of positions a and b. */
typedef bool (*tie_less_fn)(const void *ctx, size_t a, size_t b);

#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)
#define RADIX_PASSES 3 /* ceil(32 / 11) */

typedef struct sorter {
    const svcm_allocator *alloc;
    sort_pair *a, *b;
    size_t *hist;
} sorter;

static void sorter_free(sorter *s)
{
    svcm__free(s->alloc, s->a);
    svcm__free(s->alloc, s->b);
    svcm__free(s->alloc, s->hist);
}

/* Scratch for n pairs, allocated before anything is written anywhere. */
static int sorter_init(sorter *s, size_t n, const svcm_allocator *alloc)
{
    s->alloc = alloc;
    s->a = s->b = NULL;
    s->hist = NULL;
    if (n > SORT_MAX)
        return SVCM_ERANGE;
    s->a = svcm__alloc(alloc, n * sizeof(sort_pair));
    s->b = svcm__alloc(alloc, n * sizeof(sort_pair));
    s->hist = svcm__alloc(alloc, (size_t)RADIX_PASSES * RADIX_SIZE * sizeof(size_t));
    if (s->a == NULL || s->b == NULL || s->hist == NULL) {
        sorter_free(s);
        return SVCM_ENOMEM;
    }
    return SVCM_OK;
}

/* A double mapped to an unsigned integer with the same order (-0 == +0). */
static uint64_t ordered_bits(double x)
{
    x += 0.0;
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u & UINT64_C(0x8000000000000000)) ? ~u : u | UINT64_C(0x8000000000000000);
}

/* Radix key that puts higher values first. */
static uint32_t desc_key(double x) { return (uint32_t)(~ordered_bits(x) >> 32); }

static inline bool pair_less(sort_pair x, sort_pair y, tie_less_fn less, const void *ctx)
{
    return less(ctx, x.idx, y.idx);
}

static void sift_pairs(sort_pair *a, size_t n, size_t i, tie_less_fn less, const void *ctx)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            return;
        if (c + 1 < n && pair_less(a[c], a[c + 1], less, ctx))
            c++;
        if (!pair_less(a[i], a[c], less, ctx))
            return;
        sort_pair t = a[i];
        a[i] = a[c];
        a[c] = t;
        i = c;
    }
}

/* Order a run: insertion sort when short, heap sort otherwise
 * (no recursion, O(m log m) even when every key is equal). */
static void sort_run(sort_pair *a, size_t m, tie_less_fn less, const void *ctx)
{
    if (m <= 24) {
        for (size_t i = 1; i < m; i++) {
            sort_pair v = a[i];
            size_t j = i;
            while (j > 0 && pair_less(v, a[j - 1], less, ctx)) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
        return;
    }
    for (size_t i = m / 2; i-- > 0;)
        sift_pairs(a, m, i, less, ctx);
    for (size_t end = m; end-- > 1;) {
        sort_pair t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_pairs(a, end, 0, less, ctx);
    }
}

/* Sort the n pairs the caller put in s->a; returns the sorted array (s->a
 * or s->b). */
static sort_pair *radix_order(sorter *s, size_t n, tie_less_fn less, const void *ctx)
{
    sort_pair *a = s->a, *b = s->b;
    size_t *hist = s->hist;
    if (n == 0)
        return a;
    memset(hist, 0, (size_t)RADIX_PASSES * RADIX_SIZE * sizeof *hist);
    for (size_t i = 0; i < n; i++) {
        uint32_t k = a[i].key;
        for (int p = 0; p < RADIX_PASSES; p++)
            hist[(size_t)p * RADIX_SIZE + ((k >> (p * RADIX_BITS)) & (RADIX_SIZE - 1))]++;
    }
    for (int p = 0; p < RADIX_PASSES; p++) {
        size_t *h = hist + (size_t)p * RADIX_SIZE;
        unsigned shift = (unsigned)(p * RADIX_BITS);
        if (h[(a[0].key >> shift) & (RADIX_SIZE - 1)] == n)
            continue; /* every key has this digit: the pass would not move anything */
        size_t sum = 0;
        for (size_t d = 0; d < RADIX_SIZE; d++) {
            size_t c = h[d];
            h[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            b[h[(a[i].key >> shift) & (RADIX_SIZE - 1)]++] = a[i];
        sort_pair *t = a;
        a = b;
        b = t;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && a[j].key == a[i].key)
            j++;
        if (j - i > 1)
            sort_run(a + i, j - i, less, ctx);
        i = j;
    }
    return a;
}

/* Dispatch order: higher score, earlier due, smaller id, smaller input
 * index, position. */
static bool result_tie_less(const void *ctx, size_t a, size_t b)
{
    const struct svcm_priority_result *x = (const struct svcm_priority_result *)ctx + a;
    const struct svcm_priority_result *y = (const struct svcm_priority_result *)ctx + b;
    if (x->score != y->score)
        return x->score > y->score;
    if (x->due != y->due)
        return x->due < y->due;
    if (x->id != y->id)
        return x->id < y->id;
    if (x->index != y->index)
        return x->index < y->index;
    return a < b;
}

/* Sort valid results: src (n records) is written to dst in dispatch order.
 * A gather (independent loads) rather than an in-place cycle walk, whose
 * loads depend on each other and so pay every cache miss in turn. */
static void sort_results(sorter *s, const struct svcm_priority_result *src, struct svcm_priority_result *dst,
                         size_t n)
{
    for (size_t i = 0; i < n; i++) {
        s->a[i].key = desc_key(src[i].score);
        s->a[i].idx = (uint32_t)i;
    }
    const sort_pair *sorted = radix_order(s, n, result_tie_less, src);
    for (size_t i = 0; i < n; i++)
        dst[i] = src[sorted[i].idx];
}

int svcm_priority_sort(struct svcm_priority_result *res, size_t n, const svcm_allocator *alloc)
{
    if (svcm__allocator_check(alloc, NULL) != SVCM_OK)
        return SVCM_EINVAL;
    if (n == 0)
        return SVCM_OK;
    if (res == NULL)
        return SVCM_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (isnan(res[i].score))
            return SVCM_EINVAL;
    sorter s;
    struct svcm_priority_result *copy = NULL;
    int rc = sorter_init(&s, n, alloc);
    if (rc != SVCM_OK)
        return rc;
    copy = svcm__alloc(alloc, n * sizeof *copy);
    if (copy == NULL) {
        sorter_free(&s);
        return SVCM_ENOMEM;
    }
    memcpy(copy, res, n * sizeof *copy);
    sort_results(&s, copy, res, n);
    svcm__free(alloc, copy);
    sorter_free(&s);
    return SVCM_OK;
}

int svcm_priority_order(const svcm_priority_options *opts, const svcm_request *reqs, size_t n,
                        int64_t now, const svcm_allocator *alloc, struct svcm_priority_result *out,
                        svcm_error *err)
{
    if (n > 0 && (reqs == NULL || out == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "requests or out is NULL");
    if (svcm__allocator_check(alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    /* All scratch first: once out is written nothing can fail. Classifying
     * into scratch and gathering into out measured faster than evaluating
     * twice or permuting out in place. */
    sorter s;
    struct svcm_priority_result *tmp = NULL;
    int rc = sorter_init(&s, n, alloc);
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL,
                           rc == SVCM_ERANGE ? "more than UINT32_MAX requests" : "out of memory");
    tmp = svcm__alloc(alloc, n * sizeof *tmp);
    if (tmp == NULL) {
        sorter_free(&s);
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    }
    rc = svcm_priority_classify(opts, reqs, n, now, tmp, err);
    if (rc == SVCM_OK)
        sort_results(&s, tmp, out, n);
    svcm__free(alloc, tmp);
    sorter_free(&s);
    return rc;
}

/* -------------------------------------------------------------------- WSJF */

int svcm_wsjf(double business_value, double time_criticality, double risk_reduction,
              double job_size, double *out)
{
    if (out == NULL || !(business_value >= 0.0) || !(time_criticality >= 0.0) ||
        !(risk_reduction >= 0.0) || !(job_size > 0.0) || !svcm__finite(business_value) ||
        !svcm__finite(time_criticality) || !svcm__finite(risk_reduction) ||
        !svcm__finite(job_size))
        return SVCM_EINVAL;
    /* SAFe: cost of delay = UBV + TC + RR|OE; WSJF = cost of delay / job size. */
    double v = (business_value + time_criticality + risk_reduction) / job_size;
    if (!svcm__finite(v))
        return SVCM_EINVAL;
    *out = v;
    return SVCM_OK;
}

static int check_wsjf_item(const svcm_wsjf_item *it, size_t i, double *out, svcm_error *err)
{
    const struct {
        double v;
        const char *name;
    } f[] = {{it->business_value, "business_value"},
             {it->time_criticality, "time_criticality"},
             {it->risk_reduction, "risk_reduction"}};
    for (size_t k = 0; k < 3; k++)
        if (!svcm__finite(f[k].v) || f[k].v < 0.0)
            return svcm__error(err, SVCM_EINVAL, i, f[k].name,
                               "%s must be finite and >= 0, got %g", f[k].name, f[k].v);
    if (!svcm__finite(it->job_size) || !(it->job_size > 0.0))
        return svcm__error(err, SVCM_EINVAL, i, "job_size",
                           "job_size must be finite and > 0, got %g", it->job_size);
    /* Overflow: name the field whose term first takes the sum past
     * DBL_MAX, else the job size that is too small for the quotient. */
    double cod = it->business_value + it->time_criticality;
    const char *over = !svcm__finite(cod)                      ? "time_criticality"
                       : !svcm__finite(cod + it->risk_reduction) ? "risk_reduction"
                                                                 : "job_size";
    if (svcm_wsjf(it->business_value, it->time_criticality, it->risk_reduction, it->job_size,
                  out) != SVCM_OK)
        return svcm__error(err, SVCM_EINVAL, i, over, "WSJF overflows a double at %s", over);
    return SVCM_OK;
}

int svcm_wsjf_batch(const svcm_wsjf_item *items, size_t n, double *out, svcm_error *err)
{
    if (n > 0 && (items == NULL || out == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "items or out is NULL");
    double v;
    for (size_t i = 0; i < n; i++) {
        int rc = check_wsjf_item(&items[i], i, &v, err);
        if (rc != SVCM_OK)
            return rc;
    }
    for (size_t i = 0; i < n; i++)
        check_wsjf_item(&items[i], i, &out[i], NULL);
    return SVCM_OK;
}

/* WSJF order: higher WSJF, smaller job, smaller id, input position. */
typedef struct wsjf_ctx {
    const svcm_wsjf_item *items;
    const double *wsjf;
} wsjf_ctx;

static bool wsjf_tie_less(const void *ctx, size_t a, size_t b)
{
    const wsjf_ctx *c = ctx;
    if (c->wsjf[a] != c->wsjf[b])
        return c->wsjf[a] > c->wsjf[b];
    const svcm_wsjf_item *x = &c->items[a], *y = &c->items[b];
    if (x->job_size != y->job_size)
        return x->job_size < y->job_size;
    if (x->id != y->id)
        return x->id < y->id;
    return a < b;
}

int svcm_wsjf_order(const svcm_wsjf_item *items, size_t n, const svcm_allocator *alloc,
                    size_t *order, double *scores, svcm_error *err)
{
    if (n > 0 && (items == NULL || order == NULL))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "items or order is NULL");
    if (svcm__allocator_check(alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    double v;
    for (size_t i = 0; i < n; i++) {
        int rc = check_wsjf_item(&items[i], i, &v, err);
        if (rc != SVCM_OK)
            return rc;
    }
    sorter s;
    int rc = sorter_init(&s, n, alloc);
    double *w = rc == SVCM_OK ? svcm__calloc(alloc, n, sizeof *w) : NULL;
    if (rc == SVCM_OK && w == NULL) {
        sorter_free(&s);
        rc = SVCM_ENOMEM;
    }
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL,
                           rc == SVCM_ERANGE ? "more than UINT32_MAX items" : "out of memory");
    for (size_t i = 0; i < n; i++) {
        check_wsjf_item(&items[i], i, &w[i], NULL);
        s.a[i].key = desc_key(w[i]);
        s.a[i].idx = (uint32_t)i;
    }
    wsjf_ctx ctx = {items, w};
    const sort_pair *sorted = radix_order(&s, n, wsjf_tie_less, &ctx);
    for (size_t i = 0; i < n; i++)
        order[i] = sorted[i].idx;
    if (scores != NULL)
        memcpy(scores, w, n * sizeof *scores);
    svcm__free(alloc, w);
    sorter_free(&s);
    return SVCM_OK;
}
