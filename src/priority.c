/* Importance, time-based urgency, Eisenhower quadrants, the dispatch score,
 * deterministic ordering, and WSJF. */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "internal.h"
#include "parallel.h"
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

/* Inlined by the batch loops (a call to the exported function could be
 * interposed, so the compiler would not inline it). */
static inline svcm_quadrant quadrant_of(bool urgent, bool important)
{
    if (important)
        return urgent ? SVCM_QUADRANT_DO : SVCM_QUADRANT_SCHEDULE;
    return urgent ? SVCM_QUADRANT_DELEGATE : SVCM_QUADRANT_ELIMINATE;
}

svcm_quadrant svcm_quadrant_of(bool urgent, bool important)
{
    return quadrant_of(urgent, important);
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

static inline int check_request(const svcm_request *r, size_t index, svcm_error *err)
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

static inline double importance_of(const svcm_priority_options *o, const svcm_request *r)
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

static inline double urgency_of(const svcm_request *r, int64_t now)
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
static inline int level_of(double x, int n)
{
    int k = (int)(x * n); /* x * n >= 0, so truncation is floor */
    return k >= n - 1 ? 1 : n - k;
}

/* One request at instant now, valid under valid options. Inlined into the
 * batch loops; queue.c calls it through svcm__priority_eval(). */
static inline void eval_one(const svcm_priority_options *o, const svcm_request *r, int64_t now,
                            struct svcm_priority_result *out)
{
    double imp = importance_of(o, r);
    double urg = urgency_of(r, now);
    svcm_quadrant q = quadrant_of(urg >= o->urgent_threshold, imp >= o->important_threshold);
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

void svcm__priority_eval(const svcm_priority_options *o, const svcm_request *r, int64_t now,
                         struct svcm_priority_result *out)
{
    eval_one(o, r, now, out);
}

/* The batch loops' form of eval_one: the same operations on the same
 * operands, so the same doubles bit for bit, with what does not depend on
 * the request worked out once (the ITIL score of each priority) and the
 * data-dependent choices (the urgency cases, the quadrant, the aging term)
 * written as selects rather than branches that random requests mispredict.
 * queue.c and the single-request calls keep eval_one; both give the same
 * results (the tests compare the batch results with the single calls). */
typedef struct eval_plan {
    svcm_priority_options o;
    double itil_score[SVCM_ITIL_MAX + 1]; /* ps of eval_one, by priority 1..levels */
} eval_plan;

static void eval_plan_init(eval_plan *pl, const svcm_priority_options *o)
{
    pl->o = *o;
    const svcm_itil_table *t = &o->table;
    pl->itil_score[0] = 0.0;
    for (int p = 1; p <= SVCM_ITIL_MAX; p++)
        pl->itil_score[p] = t->levels > 1 ? (double)(t->levels - p) / (t->levels - 1) : 1.0;
}

/* Bit patterns of doubles, for selects the compiler keeps branch-free
 * (with ?: on doubles it may emit a branch, which random requests
 * mispredict). */
static inline uint64_t dbits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline double bitsd(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* A mask of all ones when c holds, else 0. */
static inline uint64_t mask_of(bool c) { return (uint64_t)0 - (uint64_t)c; }

/* urgency_of() without branches: every case is worked out, the one that
 * applies is kept (later selects take precedence, as earlier returns do). */
static inline double urgency_sel(const svcm_request *r, int64_t now)
{
    uint64_t den = span(r->created, r->due);
    double u = (double)span(r->created, now) / (double)(den != 0 ? den : 1);
    u = now <= r->created ? 0.0 : u;
    u = now >= r->due ? 1.0 : u;
    u = r->due == SVCM_NO_DUE ? 0.0 : u;
    return r->urgent ? 1.0 : u;
}

/* The fields of a result (eval_one's), in registers. */
typedef struct eval_out {
    double importance, urgency, score;
    unsigned quadrant, priority;
} eval_out;

static inline eval_out eval_fast(const eval_plan *pl, const svcm_request *r, int64_t now)
{
    const svcm_priority_options *o = &pl->o;
    eval_out e;
    double imp = importance_of(o, r);
    double urg = urgency_sel(r, now);
    /* quadrant_of(): 0 do, 1 schedule, 2 delegate, 3 eliminate */
    unsigned q = (unsigned)!(urg >= o->urgent_threshold) + 2u * !(imp >= o->important_threshold);
    const svcm_itil_table *t = &o->table;
    int p = t->cell[level_of(imp, t->rows) - 1][level_of(urg, t->cols) - 1];
    double qs = quadrant_norm[q];
    double ps = pl->itil_score[p];
    double ts = tier_norm[r->tier];
    /* eval_one: wait = now > created ? span : 0, then + (wait > 0 ? aged : 0);
     * a span of 1 or more converts to a double >= 1, so both tests are
     * now > created. */
    uint64_t waited = mask_of(now > r->created);
    double wait = (double)span(r->created, now);
    double base = o->w_quadrant * qs + o->w_itil * ps + o->w_tier_score * ts + o->w_sla * urg;
    double aged = bitsd(dbits(o->aging_per_hour * wait / 3600.0) & waited);
    e.importance = imp;
    e.urgency = urg;
    e.score = base + aged;
    e.quadrant = q;
    e.priority = (unsigned)p;
    return e;
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

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif
/* Records ahead of the one being gathered whose loads are started early. */
#define GATHER_AHEAD 16
/* Requests ahead of the one being scored in input order whose loads are
 * started early: the hardware prefetcher alone left the keying pass
 * waiting on memory (the loop is long, so it streams slowly). */
#define KEYS_AHEAD 16
/* Pairs ahead of the run being ordered whose keys and records are loaded early. */
#define RUN_AHEAD 32

/* Start loading request r (it may straddle two cache lines). */
static inline void prefetch_request(const svcm_request *r)
{
    PREFETCH(r);
    PREFETCH((const char *)r + sizeof *r - 1);
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
    eval_plan pl; /* a local copy of the options: out cannot alias it */
    eval_plan_init(&pl, opts);
    for (size_t i = 0; i < n; i++) {
        if (i + KEYS_AHEAD < n)
            prefetch_request(&reqs[i + KEYS_AHEAD]);
        eval_out e = eval_fast(&pl, &reqs[i], now);
        struct svcm_priority_result *r = &out[i];
        r->id = reqs[i].id;
        r->due = reqs[i].due;
        r->index = i;
        r->importance = e.importance;
        r->urgency = e.urgency;
        r->score = e.score;
        r->quadrant = (svcm_quadrant)e.quadrant;
        r->priority = (int)e.priority;
    }
    return SVCM_OK;
}

/* ---------------------------------------------------------------- ordering */

/* Sorting (svcm_priority_order, svcm_priority_sort, svcm_wsjf_order).
 *
 * Each record gets a 64-bit key whose unsigned order is the order of its
 * score, highest first: the double mapped to an order-preserving integer
 * (-0 and +0 are one key), complemented. The bits above the highest bit in
 * which two keys differ are the same in every key and say nothing, so the
 * radix sort works on the 32 bits just below it (that bit is the highest
 * bit of the largest key XOR the smallest, which svcm_priority_run finds
 * while it keys the requests): pairs (those 32 bits, position) go through
 * an LSD radix sort of three 11-bit digits, skipping a digit that every
 * pair shares; the first pass that moves makes the pairs from the keys as
 * it scatters them (no pass writes pairs in input order). LSD radix
 * sorting is stable. A run of pairs equal in those 32 bits is then ordered
 * by a comparator: the full keys, then the tie-break fields, then the
 * position (svcm_priority_run orders its runs in the output pass, from the
 * requests it evaluates there: gather_part). The order is total,
 * so the result is deterministic and the same as any correct sort's (the
 * tests compare it with qsort). Runs are short unless many scores are
 * equal or crowd within about 2^-31 of the spread of the keys; a run is
 * sorted in O(m log m) (heap sort past 24 records, no recursion) even
 * when every key is equal. Pairs are 8 bytes, hence at most UINT32_MAX
 * records; the full keys take 8 more bytes a record. */
typedef struct sort_pair {
    uint32_t key;
    uint32_t idx;
} sort_pair;

#define SORT_MAX ((size_t)UINT32_MAX)

/* Strict "a before b" for positions a and b whose keys are equal. */
typedef bool (*tie_less_fn)(const void *ctx, size_t a, size_t b);

#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)
#define RADIX_PASSES 3 /* ceil(32 / 11) */

typedef struct sorter {
    const svcm_allocator *alloc;
    uint64_t *keys; /* the full key of each position, filled by the caller */
    sort_pair *a, *b;
    uint32_t *hist;  /* RADIX_PASSES * RADIX_SIZE counts per part */
    unsigned parts;  /* parts of the work, one a thread */
} sorter;

static void sorter_free(sorter *s)
{
    svcm__free(s->alloc, s->keys);
    svcm__free(s->alloc, s->a);
    svcm__free(s->alloc, s->b);
    svcm__free(s->alloc, s->hist);
}

/* Scratch for n records in `parts` parts (one a thread), allocated before
 * anything is written anywhere. */
static int sorter_init(sorter *s, size_t n, unsigned parts, const svcm_allocator *alloc)
{
    s->alloc = alloc;
    s->parts = parts;
    s->keys = NULL;
    s->a = s->b = NULL;
    s->hist = NULL;
    if (n > SORT_MAX)
        return SVCM_ERANGE;
    size_t m = n ? n : 1;
    s->keys = svcm__alloc(alloc, m * sizeof *s->keys);
    s->a = svcm__alloc(alloc, m * sizeof(sort_pair));
    s->b = svcm__alloc(alloc, m * sizeof(sort_pair));
    s->hist = svcm__alloc(alloc, (size_t)parts * RADIX_PASSES * RADIX_SIZE * sizeof *s->hist);
    if (s->keys == NULL || s->a == NULL || s->b == NULL || s->hist == NULL) {
        sorter_free(s);
        return SVCM_ENOMEM;
    }
    return SVCM_OK;
}

/* A double mapped to an unsigned integer with the same order (-0 == +0). */
static inline uint64_t ordered_bits(double x)
{
    x += 0.0;
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u & UINT64_C(0x8000000000000000)) ? ~u : u | UINT64_C(0x8000000000000000);
}

/* Sort key that puts higher values first. */
static inline uint64_t desc_key(double x) { return ~ordered_bits(x); }

typedef struct run_ctx {
    const uint64_t *keys;
    tie_less_fn less;
    const void *ctx;
    const char *recs; /* the records less reads: position i at recs + i * rec_size */
    size_t rec_size;
} run_ctx;

static inline bool pair_less(sort_pair x, sort_pair y, const run_ctx *c)
{
    uint64_t kx = c->keys[x.idx], ky = c->keys[y.idx];
    if (kx != ky)
        return kx < ky;
    return c->less(c->ctx, x.idx, y.idx);
}

static void sift_pairs(sort_pair *a, size_t n, size_t i, const run_ctx *c)
{
    for (;;) {
        size_t k = 2 * i + 1;
        if (k >= n)
            return;
        if (k + 1 < n && pair_less(a[k], a[k + 1], c))
            k++;
        if (!pair_less(a[i], a[k], c))
            return;
        sort_pair t = a[i];
        a[i] = a[k];
        a[k] = t;
        i = k;
    }
}

/* Order a run: insertion sort when short, heap sort otherwise
 * (no recursion, O(m log m) even when every key is equal). */
static void sort_run(sort_pair *a, size_t m, const run_ctx *c)
{
    if (m <= 24) {
        for (size_t i = 1; i < m; i++) {
            sort_pair v = a[i];
            size_t j = i;
            while (j > 0 && pair_less(v, a[j - 1], c)) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
        return;
    }
    for (size_t i = m / 2; i-- > 0;)
        sift_pairs(a, m, i, c);
    for (size_t end = m; end-- > 1;) {
        sort_pair t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_pairs(a, end, 0, c);
    }
}

/* The sort and svcm_priority_run() go through phases; each phase splits
 * its rows into the sorter's parts (consecutive rows, at least
 * SVCM__MIN_PART_ROWS a part) and runs them at once, one a thread
 * (svcm__parallel; part 0 on the calling thread, and with one part no
 * thread is created). Every part writes only its own slots, and the LSD
 * radix passes give each part the slots its digits would get in one
 * sequential pass (parts in order), so the result is the one a single
 * thread gets, bit for bit. */
typedef enum part_phase {
    PHASE_KEYS,    /* check and key requests (svcm_priority_run) */
    PHASE_HIST,    /* each part's counts of every digit of its keys */
    PHASE_PAIRS,   /* pairs from keys (when no radix pass had to move them) */
    PHASE_COUNT,   /* each part's counts of one digit (after a pass moved pairs) */
    PHASE_SCATTER, /* one radix pass */
    PHASE_RUNS,    /* runs of equal radix keys, by the comparator */
    PHASE_GATHER   /* runs ordered, results in dispatch order (svcm_priority_run) */
} part_phase;

typedef struct sort_job {
    part_phase phase;
    sorter *s;
    size_t n;
    unsigned shift;       /* the pairs hold keys >> shift */
    bool ranged;          /* kmin, kmax hold the range of the keys */
    uint64_t kmin, kmax;
    unsigned pass;        /* PHASE_COUNT, PHASE_SCATTER: the digit */
    const sort_pair *src; /* PHASE_COUNT, PHASE_SCATTER: the pairs (PHASE_SCATTER: NULL to
                             make them from the keys) */
    sort_pair *dst;       /* PHASE_SCATTER: the next pairs; PHASE_RUNS, PHASE_GATHER: sorted */
    run_ctx runs;
    /* svcm_priority_run */
    const svcm_priority_options *o;
    const svcm_request *reqs;
    int64_t now;
    struct svcm_priority_result *out;
    svcm_priority_columns *cols;
} sort_job;

typedef struct sort_part {
    sort_job *job;
    unsigned index;
    size_t lo, hi; /* rows [lo, hi) */
    size_t bad;    /* PHASE_KEYS: the part's first bad request, or SVCM_NO_INDEX */
    uint64_t kmin, kmax; /* PHASE_KEYS: the smallest and largest key of the part */
} sort_part;

static inline unsigned digit_of(uint32_t key, unsigned pass)
{
    return (key >> (pass * RADIX_BITS)) & (RADIX_SIZE - 1);
}

static void keys_part(const sort_job *j, sort_part *pt)
{
    eval_plan pl; /* a local copy: no store aliases it */
    eval_plan_init(&pl, j->o);
    uint64_t *keys = j->s->keys;
    const svcm_request *reqs = j->reqs;
    const int64_t now = j->now;
    uint64_t kmin = UINT64_MAX, kmax = 0;
    pt->bad = SVCM_NO_INDEX;
    for (size_t i = pt->lo; i < pt->hi; i++) {
        if (i + KEYS_AHEAD < pt->hi)
            prefetch_request(&reqs[i + KEYS_AHEAD]);
        if (check_request(&reqs[i], i, NULL) != SVCM_OK) {
            pt->bad = i;
            return;
        }
        uint64_t k = desc_key(eval_fast(&pl, &reqs[i], now).score);
        keys[i] = k;
        kmin = k < kmin ? k : kmin;
        kmax = k > kmax ? k : kmax;
    }
    pt->kmin = kmin;
    pt->kmax = kmax;
}

/* Rows of results the output pass builds in local buffers before copying
 * them to the outputs, and the number of rows from which the copies bypass
 * the cache. */
#define OUT_BLOCK 256
#define STREAM_MIN_ROWS 65536

/* Copy `bytes` bytes to dst. With `stream`, the whole aligned 64-byte lines
 * of dst are written with non-temporal stores: a line is written whole
 * without first being read (the outputs of a large batch are written once
 * and not read again here), which halves the memory traffic of the output
 * pass; the partial lines at either end are copied as usual. */
static inline void put_block(void *dst, const void *src, size_t bytes, bool stream)
{
#if defined(__SSE2__)
    if (stream) {
        char *d = dst;
        const char *s = src;
        size_t head = (64 - ((uintptr_t)d & 63)) & 63;
        if (head > bytes)
            head = bytes;
        memcpy(d, s, head);
        d += head;
        s += head;
        bytes -= head;
        for (; bytes >= 64; bytes -= 64, d += 64, s += 64) {
            __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)s);
            __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
            __m128i x2 = _mm_loadu_si128((const __m128i *)(const void *)(s + 32));
            __m128i x3 = _mm_loadu_si128((const __m128i *)(const void *)(s + 48));
            _mm_stream_si128((__m128i *)(void *)d, x0);
            _mm_stream_si128((__m128i *)(void *)(d + 16), x1);
            _mm_stream_si128((__m128i *)(void *)(d + 32), x2);
            _mm_stream_si128((__m128i *)(void *)(d + 48), x3);
        }
        memcpy(d, s, bytes);
        return;
    }
#else
    (void)stream;
#endif
    memcpy(dst, src, bytes);
}

/* Results of up to OUT_BLOCK consecutive output rows, one array a column. */
typedef struct out_block {
    struct svcm_priority_result res[OUT_BLOCK];
    int64_t index[OUT_BLOCK], id[OUT_BLOCK], due[OUT_BLOCK];
    double importance[OUT_BLOCK], urgency[OUT_BLOCK], score[OUT_BLOCK];
    uint8_t quadrant[OUT_BLOCK], priority[OUT_BLOCK];
} out_block;

/* One evaluated request: what the outputs take, and its place in the order
 * (key, due, id, position: pair_less with request_tie_less). */
typedef struct out_row {
    eval_out e;
    uint64_t key;
    int64_t id, due;
    uint32_t idx;
} out_row;

static inline bool out_row_less(const out_row *x, const out_row *y)
{
    if (x->key != y->key)
        return x->key < y->key;
    if (x->due != y->due)
        return x->due < y->due;
    if (x->id != y->id)
        return x->id < y->id;
    return x->idx < y->idx;
}

static inline out_row out_row_of(const eval_plan *pl, const svcm_request *reqs, uint32_t idx,
                                 int64_t now)
{
    const svcm_request *q = &reqs[idx];
    out_row r;
    r.e = eval_fast(pl, q, now);
    r.key = desc_key(r.e.score);
    r.id = q->id;
    r.due = q->due;
    r.idx = idx;
    return r;
}

static inline void out_put(out_block *b, size_t k, const out_row *r, bool structs)
{
    if (structs) {
        struct svcm_priority_result *o = &b->res[k];
        o->id = r->id;
        o->due = r->due;
        o->index = r->idx;
        o->importance = r->e.importance;
        o->urgency = r->e.urgency;
        o->score = r->e.score;
        o->quadrant = (svcm_quadrant)r->e.quadrant;
        o->priority = (int)r->e.priority;
    }
    b->index[k] = (int64_t)r->idx;
    b->id[k] = r->id;
    b->due[k] = r->due;
    b->importance[k] = r->e.importance;
    b->urgency[k] = r->e.urgency;
    b->score[k] = r->e.score;
    b->quadrant[k] = (uint8_t)r->e.quadrant;
    b->priority[k] = (uint8_t)r->e.priority;
}

/* Rows i0 .. i0 + m - 1 of the outputs from the block. */
static void out_flush(const sort_job *j, const out_block *b, size_t i0, size_t m, bool stream)
{
    const svcm_priority_columns *c = j->cols;
    if (j->out != NULL)
        put_block(j->out + i0, b->res, m * sizeof *b->res, stream);
    if (c == NULL)
        return;
    if (c->index != NULL)
        put_block(c->index + i0, b->index, m * sizeof *b->index, stream);
    if (c->id != NULL)
        put_block(c->id + i0, b->id, m * sizeof *b->id, stream);
    if (c->due != NULL)
        put_block(c->due + i0, b->due, m * sizeof *b->due, stream);
    if (c->importance != NULL)
        put_block(c->importance + i0, b->importance, m * sizeof *b->importance, stream);
    if (c->urgency != NULL)
        put_block(c->urgency + i0, b->urgency, m * sizeof *b->urgency, stream);
    if (c->score != NULL)
        put_block(c->score + i0, b->score, m * sizeof *b->score, stream);
    if (c->quadrant != NULL)
        put_block(c->quadrant + i0, b->quadrant, m, stream);
    if (c->priority != NULL)
        put_block(c->priority + i0, b->priority, m, stream);
}

/* The output pass of svcm_priority_run, which also orders the runs of equal
 * radix keys. Each request is evaluated again, in dispatch order (the same
 * arithmetic, so the same score and key): cheaper than keeping n results
 * in scratch and gathering them. A run of up to RUN_LOCAL pairs is ordered
 * here from the requests just evaluated (its full keys, dues and ids), so
 * its records are read once; a longer run is first ordered in place by
 * sort_run. The requests' loads are started GATHER_AHEAD pairs early:
 * independent loads, not one miss at a time. The results of OUT_BLOCK rows
 * go to a local block, then to the outputs (put_block). The part's pairs
 * start and end at run ends. */
#define RUN_LOCAL 32

static void gather_part(const sort_job *j, const sort_part *pt)
{
    eval_plan pl;
    eval_plan_init(&pl, j->o);
    sort_pair *sorted = j->dst; /* long runs are ordered in place */
    const svcm_request *reqs = j->reqs;
    const int64_t now = j->now;
    const bool structs = j->out != NULL;
    const bool stream = j->n >= STREAM_MIN_ROWS;
    const size_t lo = pt->lo, hi = pt->hi;
    out_block b;
    out_row run[RUN_LOCAL];
    size_t pf = lo;    /* the requests of the pairs before pf have been prefetched */
    size_t plain = lo; /* the pairs before plain are in order (a long run) */
    size_t i0 = lo, k = 0; /* the block holds output rows i0 .. i0 + k - 1 */
    for (size_t i = lo; i < hi;) {
        size_t e = i + 1;
        if (i >= plain) {
            while (e < hi && sorted[e].key == sorted[i].key)
                e++;
            if (e - i > RUN_LOCAL) {
                sort_run(sorted + i, e - i, &j->runs);
                plain = e;
                e = i + 1;
            }
        }
        const size_t m = e - i;
        if (k + m > OUT_BLOCK) {
            out_flush(j, &b, i0, k, stream);
            i0 += k;
            k = 0;
        }
        const size_t want = hi - e > GATHER_AHEAD ? e + GATHER_AHEAD : hi;
        for (; pf < want; pf++)
            prefetch_request(&reqs[sorted[pf].idx]);
        if (m == 1) {
            out_row r = out_row_of(&pl, reqs, sorted[i].idx, now);
            out_put(&b, k, &r, structs);
        } else {
            for (size_t t = 0; t < m; t++) {
                out_row r = out_row_of(&pl, reqs, sorted[i + t].idx, now);
                size_t u = t;
                while (u > 0 && out_row_less(&r, &run[u - 1])) {
                    run[u] = run[u - 1];
                    u--;
                }
                run[u] = r;
            }
            for (size_t t = 0; t < m; t++)
                out_put(&b, k + t, &run[t], structs);
        }
        k += m;
        i = e;
    }
    if (k > 0)
        out_flush(j, &b, i0, k, stream);
#if defined(__SSE2__)
    if (stream)
        _mm_sfence(); /* the streamed lines are visible before the part ends */
#endif
}

static void part_run(void *arg)
{
    sort_part *pt = arg;
    const sort_job *j = pt->job;
    const sorter *s = j->s;
    uint32_t *hist = s->hist + (size_t)pt->index * RADIX_PASSES * RADIX_SIZE;
    switch (j->phase) {
    case PHASE_KEYS:
        keys_part(j, pt);
        break;
    case PHASE_HIST: {
        uint32_t *h0 = hist, *h1 = hist + RADIX_SIZE, *h2 = hist + 2 * RADIX_SIZE;
        const uint64_t *keys = s->keys;
        const unsigned shift = j->shift;
        memset(hist, 0, (size_t)RADIX_PASSES * RADIX_SIZE * sizeof *hist);
        for (size_t i = pt->lo; i < pt->hi; i++) {
            uint32_t k = (uint32_t)(keys[i] >> shift);
            h0[digit_of(k, 0)]++;
            h1[digit_of(k, 1)]++;
            h2[digit_of(k, 2)]++;
        }
        break;
    }
    case PHASE_PAIRS:
        for (size_t i = pt->lo; i < pt->hi; i++) {
            s->a[i].key = (uint32_t)(s->keys[i] >> j->shift);
            s->a[i].idx = (uint32_t)i;
        }
        break;
    case PHASE_COUNT: {
        uint32_t *h = hist + (size_t)j->pass * RADIX_SIZE;
        memset(h, 0, RADIX_SIZE * sizeof *h);
        for (size_t i = pt->lo; i < pt->hi; i++)
            h[digit_of(j->src[i].key, j->pass)]++;
        break;
    }
    case PHASE_SCATTER: {
        uint32_t *h = hist + (size_t)j->pass * RADIX_SIZE;
        const sort_pair *src = j->src;
        sort_pair *dst = j->dst;
        const unsigned pass = j->pass;
        if (src == NULL) { /* the first pass that moves: pairs made from the keys */
            const uint64_t *keys = s->keys;
            const unsigned shift = j->shift;
            for (size_t i = pt->lo; i < pt->hi; i++) {
                sort_pair v = {(uint32_t)(keys[i] >> shift), (uint32_t)i};
                dst[h[digit_of(v.key, pass)]++] = v;
            }
            break;
        }
        for (size_t i = pt->lo; i < pt->hi; i++)
            dst[h[digit_of(src[i].key, pass)]++] = src[i];
        break;
    }
    case PHASE_RUNS: {
        /* The full keys and records of the pairs in runs are read at
         * random: their loads are started RUN_AHEAD pairs early. */
        sort_pair *a = j->dst;
        const run_ctx *c = &j->runs;
        const size_t lo = pt->lo, hi = pt->hi;
        size_t pf = lo; /* pairs before pf have been looked at for prefetching */
        for (size_t i = lo; i < hi;) {
            size_t e = i + 1;
            while (e < hi && a[e].key == a[i].key)
                e++;
            const size_t want = hi - e > RUN_AHEAD ? e + RUN_AHEAD : hi;
            for (; pf < want; pf++) {
                if ((pf > lo && a[pf].key == a[pf - 1].key) ||
                    (pf + 1 < hi && a[pf + 1].key == a[pf].key)) {
                    const size_t idx = a[pf].idx;
                    PREFETCH(&c->keys[idx]);
                    PREFETCH(c->recs + idx * c->rec_size);
                    PREFETCH(c->recs + idx * c->rec_size + c->rec_size - 1);
                }
            }
            if (e - i > 1)
                sort_run(a + i, e - i, c);
            i = e;
        }
        break;
    }
    case PHASE_GATHER:
        gather_part(j, pt);
        break;
    }
}

/* The sorter's parts over rows 0..n-1, in order. */
static void parts_split(sort_job *j, sort_part *pt)
{
    for (unsigned t = 0; t < j->s->parts; t++) {
        pt[t].job = j;
        pt[t].index = t;
        pt[t].bad = SVCM_NO_INDEX;
        svcm__part(j->n, j->s->parts, t, &pt[t].lo, &pt[t].hi);
    }
}

static void parts_run(sort_job *j, sort_part *pt, part_phase phase)
{
    j->phase = phase;
    svcm__parallel(part_run, pt, sizeof *pt, j->s->parts);
}

/* Sort positions 0..j->n - 1 by s->keys, then by less; returns the sorted
 * pairs (s->a or s->b). pt has s->parts entries. With runs_later, the runs
 * of equal radix keys are left for the caller to order (j->runs, j->dst and
 * the parts in pt, which end at run ends, are set for it). */
static const sort_pair *sort_keys(sort_job *j, sort_part *pt, tie_less_fn less, const void *ctx,
                                  const void *recs, size_t rec_size, bool runs_later)
{
    sorter *s = j->s;
    const size_t n = j->n;
    const unsigned parts = s->parts;
    sort_pair *a = s->a, *b = s->b;
    if (n == 0)
        return a;
    /* The highest bit in which two keys differ is the highest bit of
     * kmax ^ kmin (the keys agree above it, so kmin has 0 there, kmax 1). */
    uint64_t diff = 0;
    if (j->ranged)
        diff = j->kmax ^ j->kmin;
    else
        for (size_t i = 1; i < n; i++)
            diff |= s->keys[i] ^ s->keys[0];
    unsigned shift = 0; /* (diff >> shift) fits in 32 bits */
    while ((diff >> shift) > UINT32_MAX)
        shift++;
    j->shift = shift;
    parts_split(j, pt);
    parts_run(j, pt, PHASE_HIST);
    const uint32_t key0 = (uint32_t)(s->keys[0] >> shift);
    bool moved = false;
    for (unsigned p = 0; p < RADIX_PASSES; p++) {
        /* Digit totals do not depend on the order: the counts of the pairs
         * phase tell whether every key has the same digit. */
        const unsigned d0 = digit_of(key0, p);
        size_t same = 0;
        for (unsigned t = 0; t < parts; t++)
            same += s->hist[((size_t)t * RADIX_PASSES + p) * RADIX_SIZE + d0];
        if (same == n)
            continue; /* the pass would not move anything */
        j->src = moved ? a : NULL;
        j->dst = b;
        j->pass = p;
        if (moved && parts > 1)
            parts_run(j, pt, PHASE_COUNT); /* each part's share of the moved pairs */
        /* Part t's pairs of digit d go after every pair of a smaller digit
         * and after the pairs of digit d of parts before t. */
        uint32_t sum = 0;
        for (size_t d = 0; d < RADIX_SIZE; d++) {
            for (unsigned t = 0; t < parts; t++) {
                uint32_t *h = &s->hist[((size_t)t * RADIX_PASSES + p) * RADIX_SIZE + d];
                uint32_t c = *h;
                *h = sum;
                sum += c;
            }
        }
        parts_run(j, pt, PHASE_SCATTER);
        sort_pair *t = a;
        a = b;
        b = t;
        moved = true;
    }
    if (!moved) /* every radix key is the same: one run of pairs in input order */
        parts_run(j, pt, PHASE_PAIRS);
    /* Runs of equal radix keys: parts end where a run ends. */
    j->runs = (run_ctx){s->keys, less, ctx, recs, rec_size};
    j->dst = a;
    for (unsigned t = 1; t < parts; t++) {
        size_t lo = pt[t].lo < pt[t - 1].lo ? pt[t - 1].lo : pt[t].lo;
        while (lo > 0 && lo < n && a[lo].key == a[lo - 1].key)
            lo++;
        pt[t].lo = lo;
        pt[t - 1].hi = lo;
    }
    pt[parts - 1].hi = n;
    if (!runs_later)
        parts_run(j, pt, PHASE_RUNS);
    return a;
}

/* Sort positions 0..n-1 of a sorter filled with keys, on one thread. */
static const sort_pair *sort_keys_1(sorter *s, size_t n, tie_less_fn less, const void *ctx,
                                    const void *recs, size_t rec_size)
{
    sort_job j;
    memset(&j, 0, sizeof j);
    j.s = s;
    j.n = n;
    sort_part pt[1];
    return sort_keys(&j, pt, less, ctx, recs, rec_size, false);
}

/* Results with equal scores: earlier due, smaller id, smaller index,
 * position. */
static bool result_tie_less(const void *ctx, size_t a, size_t b)
{
    const struct svcm_priority_result *x = (const struct svcm_priority_result *)ctx + a;
    const struct svcm_priority_result *y = (const struct svcm_priority_result *)ctx + b;
    if (x->due != y->due)
        return x->due < y->due;
    if (x->id != y->id)
        return x->id < y->id;
    if (x->index != y->index)
        return x->index < y->index;
    return a < b;
}

/* Requests with equal scores: earlier due, smaller id, input position (the
 * result's index). */
static bool request_tie_less(const void *ctx, size_t a, size_t b)
{
    const svcm_request *x = (const svcm_request *)ctx + a;
    const svcm_request *y = (const svcm_request *)ctx + b;
    if (x->due != y->due)
        return x->due < y->due;
    if (x->id != y->id)
        return x->id < y->id;
    return a < b;
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
    int rc = sorter_init(&s, n, 1, alloc);
    if (rc != SVCM_OK)
        return rc;
    struct svcm_priority_result *copy = svcm__alloc(alloc, n * sizeof *copy);
    if (copy == NULL) {
        sorter_free(&s);
        return SVCM_ENOMEM;
    }
    memcpy(copy, res, n * sizeof *copy);
    for (size_t i = 0; i < n; i++)
        s.keys[i] = desc_key(copy[i].score);
    const sort_pair *sorted = sort_keys_1(&s, n, result_tie_less, copy, copy, sizeof *copy);
    /* A gather (independent loads, started GATHER_AHEAD records early)
     * rather than an in-place cycle walk, whose loads depend on each other
     * and so pay every cache miss in turn. */
    for (size_t i = 0; i < n; i++) {
        if (i + GATHER_AHEAD < n)
            PREFETCH(&copy[sorted[i + GATHER_AHEAD].idx]);
        res[i] = copy[sorted[i].idx];
    }
    svcm__free(alloc, copy);
    sorter_free(&s);
    return SVCM_OK;
}

/* svcm_priority_order() and svcm_priority_run(): arguments checked except
 * the options and the requests. */
static int order_run(const svcm_priority_options *opts, unsigned threads, const svcm_request *reqs,
                     size_t n, int64_t now, const svcm_allocator *alloc,
                     struct svcm_priority_result *out, svcm_priority_columns *cols,
                     svcm_error *err)
{
    /* All scratch first: once an output is written nothing can fail. */
    sorter s;
    int rc = sorter_init(&s, n, svcm__parts(n, threads, SVCM__MIN_PART_ROWS), alloc);
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL,
                           rc == SVCM_ERANGE ? "more than UINT32_MAX requests" : "out of memory");
    svcm_priority_options def;
    if (opts == NULL) {
        svcm_priority_options_init(&def);
        opts = &def;
    } else if ((rc = svcm_priority_options_check(opts, err)) != SVCM_OK) {
        sorter_free(&s);
        return rc;
    }
    sort_job j;
    memset(&j, 0, sizeof j);
    j.s = &s;
    j.n = n;
    j.o = opts;
    j.reqs = reqs;
    j.now = now;
    j.out = out;
    j.cols = cols;
    sort_part pt[SVCM__MAX_THREADS];
    /* Each request checked and keyed by its score; nothing else is kept.
     * Each part stops at its first bad request, so the first bad request
     * of all is the first found by the first part that found one. */
    parts_split(&j, pt);
    parts_run(&j, pt, PHASE_KEYS);
    j.kmin = UINT64_MAX;
    j.kmax = 0;
    for (unsigned t = 0; t < s.parts; t++) {
        if (pt[t].bad != SVCM_NO_INDEX) {
            rc = check_request(&reqs[pt[t].bad], pt[t].bad, err);
            sorter_free(&s);
            return rc;
        }
        j.kmin = pt[t].kmin < j.kmin ? pt[t].kmin : j.kmin;
        j.kmax = pt[t].kmax > j.kmax ? pt[t].kmax : j.kmax;
    }
    j.ranged = true;
    /* The runs are ordered by the output pass (gather_part), in the parts
     * the sort left (they end at run ends). */
    j.src = sort_keys(&j, pt, request_tie_less, reqs, reqs, sizeof *reqs, true);
    parts_run(&j, pt, PHASE_GATHER);
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
    return order_run(opts, 1, reqs, n, now, alloc, out, NULL, err);
}

void svcm_priority_run_options_init(svcm_priority_run_options *o)
{
    if (o != NULL) {
        memset(o, 0, sizeof *o);
        o->threads = 1;
    }
}

int svcm_priority_run_options_check(const svcm_priority_run_options *o, svcm_error *err)
{
    if (o == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "run options are NULL");
    return svcm__threads_check(o->threads, SVCM_PRIORITY_MAX_THREADS, err);
}

int svcm_priority_run(const svcm_priority_options *opts, const svcm_priority_run_options *run,
                      const svcm_request *reqs, size_t n, int64_t now,
                      const svcm_allocator *alloc, struct svcm_priority_result *out,
                      svcm_priority_columns *cols, svcm_error *err)
{
    svcm_priority_run_options defaults;
    if (run == NULL) {
        svcm_priority_run_options_init(&defaults);
        run = &defaults;
    }
    int rc = svcm_priority_run_options_check(run, err);
    if (rc != SVCM_OK)
        return rc;
    if (n > 0 && (reqs == NULL || (out == NULL && cols == NULL)))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL,
                           "requests, or both out and cols, are NULL");
    if (svcm__allocator_check(alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    return order_run(opts, run->threads, reqs, n, now, alloc, out, cols, err);
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
    const wsjf_ctx *c = ctx; /* equal WSJF here */
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
    int rc = sorter_init(&s, n, 1, alloc);
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
        s.keys[i] = desc_key(w[i]);
    }
    wsjf_ctx ctx = {items, w};
    const sort_pair *sorted = sort_keys_1(&s, n, wsjf_tie_less, &ctx, items, sizeof *items);
    for (size_t i = 0; i < n; i++)
        order[i] = sorted[i].idx;
    if (scores != NULL)
        memcpy(scores, w, n * sizeof *scores);
    svcm__free(alloc, w);
    sorter_free(&s);
    return SVCM_OK;
}
