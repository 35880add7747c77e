/* Grouped KPIs: the same list of accumulators (feedback, rate, durations,
 * SLA counts) for every group key, in a hash table that grows without cap. */
#include <string.h>

#include "bytes.h"
#include "internal.h"
#include "svcm/kpi.h"

/* Kind tag of the saved form. bytes.h hands out tags in its enum; this one
 * takes the first free tag, and the assertion fails the build if another
 * object claims it first (then move the tag into the enum). */
#define FORMAT_VERSION 2 /* 0.2: feedback conventions; 1 still loads */

typedef struct sla_counts {
    uint64_t met, breached, pending;
} sla_counts;

/* One slot of one group; which member is live follows the slot's kind. */
typedef union cell {
    svcm_feedback *fb;
    svcm_rate rate;
    svcm_durations *dur;
    sla_counts sla;
} cell;

typedef struct group {
    char *key; /* len bytes and a NUL */
    size_t len;
    uint64_t hash;
} group;

struct svcm_kpi_groups {
    svcm_allocator alloc;
    svcm_kpi_slot *slots;
    size_t n_slots;
    size_t n;        /* groups in use */
    group *groups;   /* groups_cap entries */
    size_t groups_cap;
    cell *cells;     /* cells_cap * n_slots entries; group k's at k * n_slots */
    size_t cells_cap;
    size_t *table;   /* table_cap entries (a power of two): 0 or group + 1 */
    size_t table_cap;
};

/* ------------------------------------------------------------ slots */

void svcm_kpi_slot_init(svcm_kpi_slot *slot, svcm_kpi_slot_kind kind)
{
    if (slot == NULL)
        return;
    memset(slot, 0, sizeof *slot);
    slot->kind = kind;
    svcm_feedback_options_init(&slot->feedback, SVCM_FEEDBACK_KIND_NPS);
    slot->rate = SVCM_RATE_KIND_GENERIC;
    svcm_sketch_options_init(&slot->sketch);
}

void svcm_kpi_groups_options_init(svcm_kpi_groups_options *opts)
{
    if (opts == NULL)
        return;
    opts->slots = NULL;
    opts->n_slots = 0;
}

/* Whether the slot's accumulator takes its settings: made once and freed
 * (with the object's allocator); SVCM_OK, SVCM_EINVAL or SVCM_ENOMEM. */
static int check_slot(const svcm_allocator *a, const svcm_kpi_slot *s, size_t i, svcm_error *err)
{
    int rc = SVCM_OK;
    if (s->kind == SVCM_KPI_SLOT_KIND_FEEDBACK) {
        svcm_feedback *f = NULL;
        rc = svcm_feedback_new(&s->feedback, a, &f, NULL);
        svcm_feedback_free(f);
        if (rc == SVCM_EINVAL)
            return svcm__error(err, rc, i, "slot.feedback", "invalid feedback scale or kind");
    } else if (s->kind == SVCM_KPI_SLOT_KIND_DURATIONS) {
        svcm_durations *d = NULL;
        rc = svcm_durations_new(&s->sketch, a, &d, NULL);
        svcm_durations_free(d);
        if (rc == SVCM_EINVAL)
            return svcm__error(err, rc, i, "slot.sketch", "invalid sketch options");
    } else if (s->kind == SVCM_KPI_SLOT_KIND_RATE) {
        if (svcm_rate_kind_name((int)s->rate) == NULL)
            return svcm__error(err, SVCM_EINVAL, i, "slot.rate", "unknown rate kind %d",
                               (int)s->rate);
    } else if (s->kind != SVCM_KPI_SLOT_KIND_SLA) {
        return svcm__error(err, SVCM_EINVAL, i, "slot.kind", "unknown slot kind %d", (int)s->kind);
    }
    if (rc == SVCM_ENOMEM)
        return svcm__error(err, rc, i, NULL, "out of memory");
    return SVCM_OK;
}

static bool sketch_opts_equal(const svcm_sketch_options *a, const svcm_sketch_options *b)
{
    return a->rel_err == b->rel_err && a->max_buckets == b->max_buckets &&
           a->exact_limit == b->exact_limit;
}

/* Equal slots: same kind and same settings for that kind. */
static bool slot_equal(const svcm_kpi_slot *a, const svcm_kpi_slot *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case SVCM_KPI_SLOT_KIND_FEEDBACK:
        return a->feedback.kind == b->feedback.kind && a->feedback.low == b->feedback.low &&
               a->feedback.high == b->feedback.high &&
               (a->feedback.kind != SVCM_FEEDBACK_KIND_CSAT ||
                (a->feedback.top_boxes == b->feedback.top_boxes &&
                 a->feedback.csat_method == b->feedback.csat_method)) &&
               (a->feedback.kind != SVCM_FEEDBACK_KIND_CES ||
                a->feedback.ces_method == b->feedback.ces_method) &&
               (a->feedback.kind != SVCM_FEEDBACK_KIND_NPS ||
                a->feedback.nps_interval == b->feedback.nps_interval);
    case SVCM_KPI_SLOT_KIND_RATE:
        return a->rate == b->rate;
    case SVCM_KPI_SLOT_KIND_DURATIONS:
        return sketch_opts_equal(&a->sketch, &b->sketch);
    default:
        return true;
    }
}

/* ------------------------------------------------------------ cells */

/* Empty accumulators for one group's cells; SVCM_OK or SVCM_ENOMEM (then
 * nothing is left allocated). */
static int cells_make(const svcm_kpi_groups *g, cell *c)
{
    for (size_t s = 0; s < g->n_slots; s++) {
        const svcm_kpi_slot *sl = &g->slots[s];
        int rc = SVCM_OK;
        memset(&c[s], 0, sizeof c[s]);
        if (sl->kind == SVCM_KPI_SLOT_KIND_FEEDBACK)
            rc = svcm_feedback_new(&sl->feedback, &g->alloc, &c[s].fb, NULL);
        else if (sl->kind == SVCM_KPI_SLOT_KIND_DURATIONS)
            rc = svcm_durations_new(&sl->sketch, &g->alloc, &c[s].dur, NULL);
        else if (sl->kind == SVCM_KPI_SLOT_KIND_RATE)
            (void)svcm_rate_init(&c[s].rate, (int)sl->rate);
        if (rc != SVCM_OK) {
            for (size_t t = 0; t < s; t++) {
                if (g->slots[t].kind == SVCM_KPI_SLOT_KIND_FEEDBACK)
                    svcm_feedback_free(c[t].fb);
                else if (g->slots[t].kind == SVCM_KPI_SLOT_KIND_DURATIONS)
                    svcm_durations_free(c[t].dur);
            }
            return SVCM_ENOMEM;
        }
    }
    return SVCM_OK;
}

static void cells_free(const svcm_kpi_groups *g, cell *c)
{
    for (size_t s = 0; s < g->n_slots; s++) {
        if (g->slots[s].kind == SVCM_KPI_SLOT_KIND_FEEDBACK)
            svcm_feedback_free(c[s].fb);
        else if (g->slots[s].kind == SVCM_KPI_SLOT_KIND_DURATIONS)
            svcm_durations_free(c[s].dur);
    }
}

static cell *cells_of(const svcm_kpi_groups *g, size_t k)
{
    return &g->cells[k * g->n_slots];
}

/* ------------------------------------------------------------ object */

static int new_object(const svcm_kpi_slot *slots, size_t n_slots, const svcm_allocator *a,
                      svcm_kpi_groups **out)
{
    svcm_kpi_groups *g = svcm__calloc(a, 1, sizeof *g);
    if (g == NULL)
        return SVCM_ENOMEM;
    g->alloc = *a;
    g->slots = svcm__calloc(a, n_slots, sizeof *g->slots);
    if (g->slots == NULL) {
        svcm__free(a, g);
        return SVCM_ENOMEM;
    }
    memcpy(g->slots, slots, n_slots * sizeof *slots);
    g->n_slots = n_slots;
    *out = g;
    return SVCM_OK;
}

int svcm_kpi_groups_new(const svcm_kpi_groups_options *opts, const svcm_allocator *alloc,
                        svcm_kpi_groups **out, svcm_error *err)
{
    if (opts == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, opts ? "out" : "opts",
                           "pointer is NULL");
    svcm_allocator a;
    int rc = svcm__allocator_resolve(&a, alloc, err);
    if (rc != SVCM_OK)
        return rc;
    if (opts->n_slots < 1 || opts->n_slots > SVCM_KPI_GROUPS_MAX_SLOTS)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "n_slots",
                           "%zu slots; 1 to %u allowed", opts->n_slots,
                           SVCM_KPI_GROUPS_MAX_SLOTS);
    if (opts->slots == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "slots", "pointer is NULL");
    for (size_t i = 0; i < opts->n_slots; i++)
        if ((rc = check_slot(&a, &opts->slots[i], i, err)) != SVCM_OK)
            return rc;
    rc = new_object(opts->slots, opts->n_slots, &a, out);
    return rc == SVCM_OK ? rc : svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
}

void svcm_kpi_groups_free(svcm_kpi_groups *g)
{
    if (g == NULL)
        return;
    svcm_allocator a = g->alloc;
    for (size_t k = 0; k < g->n; k++) {
        cells_free(g, cells_of(g, k));
        svcm__free(&a, g->groups[k].key);
    }
    svcm__free(&a, g->cells);
    svcm__free(&a, g->groups);
    svcm__free(&a, g->table);
    svcm__free(&a, g->slots);
    svcm__free(&a, g);
}

size_t svcm_kpi_groups_slot_count(const svcm_kpi_groups *g)
{
    return g == NULL ? 0 : g->n_slots;
}

int svcm_kpi_groups_slot(const svcm_kpi_groups *g, size_t slot, svcm_kpi_slot *out)
{
    if (g == NULL || out == NULL || slot >= g->n_slots)
        return SVCM_EINVAL;
    *out = g->slots[slot];
    return SVCM_OK;
}

size_t svcm_kpi_groups_count(const svcm_kpi_groups *g)
{
    return g == NULL ? 0 : g->n;
}

/* ------------------------------------------------------------ hash table */

/* FNV-1a, 64 bits (Fowler, Noll, Vo; IETF draft-eastlake-fnv). */
static uint64_t hash_key(const char *key, size_t len)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

/* The table slot holding key, or the empty slot where it would go. */
static size_t probe(const svcm_kpi_groups *g, const char *key, size_t len, uint64_t h)
{
    size_t mask = g->table_cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        size_t e = g->table[i];
        if (e == 0)
            return i;
        const group *gr = &g->groups[e - 1];
        if (gr->hash == h && gr->len == len && (len == 0 || memcmp(gr->key, key, len) == 0))
            return i;
    }
}

/* Room for need groups: arrays and a table at most half full. The old
 * table is kept on failure, so nothing observable changes. */
static int reserve(svcm_kpi_groups *g, size_t need)
{
    void *p = g->groups;
    if (svcm__grow(&g->alloc, &p, &g->groups_cap, need, sizeof *g->groups) != SVCM_OK)
        return SVCM_ENOMEM;
    g->groups = p;
    p = g->cells;
    if (svcm__grow(&g->alloc, &p, &g->cells_cap, need, g->n_slots * sizeof *g->cells) != SVCM_OK)
        return SVCM_ENOMEM;
    g->cells = p;
    size_t cap = g->table_cap ? g->table_cap : 16;
    while (cap / 2 < need) {
        if (cap > SIZE_MAX / 4)
            return SVCM_ENOMEM;
        cap *= 2;
    }
    if (cap == g->table_cap)
        return SVCM_OK;
    size_t *t = svcm__calloc(&g->alloc, cap, sizeof *t);
    if (t == NULL)
        return SVCM_ENOMEM;
    svcm__free(&g->alloc, g->table);
    g->table = t;
    g->table_cap = cap;
    for (size_t k = 0; k < g->n; k++)
        t[probe(g, g->groups[k].key, g->groups[k].len, g->groups[k].hash)] = k + 1;
    return SVCM_OK;
}

/* Fill groups[k] (k >= n, room reserved) with a copy of key and empty
 * cells, without making it visible; SVCM_OK or SVCM_ENOMEM. */
static int stage_group(svcm_kpi_groups *g, size_t k, const char *key, size_t len, uint64_t h)
{
    char *copy = svcm__alloc(&g->alloc, len + 1);
    if (copy == NULL)
        return SVCM_ENOMEM;
    if (len > 0)
        memcpy(copy, key, len);
    copy[len] = '\0';
    if (cells_make(g, cells_of(g, k)) != SVCM_OK) {
        svcm__free(&g->alloc, copy);
        return SVCM_ENOMEM;
    }
    g->groups[k] = (group){copy, len, h};
    return SVCM_OK;
}

/* Make staged group n visible. */
static void commit_group(svcm_kpi_groups *g)
{
    const group *gr = &g->groups[g->n];
    g->table[probe(g, gr->key, gr->len, gr->hash)] = g->n + 1;
    g->n++;
}

static int check_key(const char *key, size_t len, svcm_error *err)
{
    size_t bad;
    if (key == NULL && len > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "key", "pointer is NULL");
    if (len > SVCM_KPI_GROUPS_MAX_KEY)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "key_len",
                           "key of %zu bytes; at most %u allowed", len, SVCM_KPI_GROUPS_MAX_KEY);
    if (!svcm__utf8_check(key, len, &bad))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "key",
                           "invalid UTF-8 at byte offset %zu", bad);
    return SVCM_OK;
}

int svcm_kpi_groups_group(svcm_kpi_groups *g, const char *key, size_t key_len, size_t *index,
                          svcm_error *err)
{
    if (g == NULL || index == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, g ? "index" : "g", "pointer is NULL");
    int rc = check_key(key, key_len, err);
    if (rc != SVCM_OK)
        return rc;
    uint64_t h = hash_key(key, key_len);
    if (g->table_cap > 0) {
        size_t e = g->table[probe(g, key, key_len, h)];
        if (e != 0) {
            *index = e - 1;
            return SVCM_OK;
        }
    }
    if (reserve(g, g->n + 1) != SVCM_OK || stage_group(g, g->n, key, key_len, h) != SVCM_OK)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    *index = g->n;
    commit_group(g);
    return SVCM_OK;
}

int svcm_kpi_groups_find(const svcm_kpi_groups *g, const char *key, size_t key_len, size_t *index)
{
    if (g == NULL || index == NULL || (key == NULL && key_len > 0))
        return SVCM_EINVAL;
    if (g->table_cap == 0)
        return SVCM_ENOTFOUND;
    size_t e = g->table[probe(g, key, key_len, hash_key(key, key_len))];
    if (e == 0)
        return SVCM_ENOTFOUND;
    *index = e - 1;
    return SVCM_OK;
}

int svcm_kpi_groups_key(const svcm_kpi_groups *g, size_t group_no, const char **key, size_t *len)
{
    if (g == NULL || key == NULL || len == NULL || group_no >= g->n)
        return SVCM_EINVAL;
    *key = g->groups[group_no].key;
    *len = g->groups[group_no].len;
    return SVCM_OK;
}

/* ------------------------------------------------------------ order */

/* Unsigned bytes, then length: code-point order for UTF-8. */
static int key_cmp(const group *a, const group *b)
{
    size_t m = a->len < b->len ? a->len : b->len;
    int c = m ? memcmp(a->key, b->key, m) : 0;
    if (c != 0)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

/* Heap sort (Williams 1964): in place, no allocation; keys are distinct,
 * so stability does not matter. */
static void sift_down(const group *gr, size_t *o, size_t root, size_t n)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && key_cmp(&gr[o[child]], &gr[o[child + 1]]) < 0)
            child++;
        if (key_cmp(&gr[o[root]], &gr[o[child]]) >= 0)
            return;
        size_t t = o[root];
        o[root] = o[child];
        o[child] = t;
    }
}

int svcm_kpi_groups_order(const svcm_kpi_groups *g, size_t *order, size_t cap)
{
    if (g == NULL || (order == NULL && g->n > 0))
        return SVCM_EINVAL;
    if (cap < g->n)
        return SVCM_ENOSPC;
    size_t n = g->n;
    for (size_t k = 0; k < n; k++)
        order[k] = k;
    for (size_t r = n / 2; r-- > 0;)
        sift_down(g->groups, order, r, n);
    for (size_t end = n; end-- > 1;) {
        size_t t = order[0];
        order[0] = order[end];
        order[end] = t;
        sift_down(g->groups, order, 0, end);
    }
    return SVCM_OK;
}

/* ------------------------------------------------------------ adding */

/* The cell of (group, slot) when the slot is of kind; else SVCM_EINVAL. */
static int cell_at(const svcm_kpi_groups *g, size_t k, size_t slot, svcm_kpi_slot_kind kind,
                   cell **out, svcm_error *err)
{
    if (g == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "g", "pointer is NULL");
    if (k >= g->n)
        return svcm__error(err, SVCM_EINVAL, k, "group", "group %zu of %zu", k, g->n);
    if (slot >= g->n_slots)
        return svcm__error(err, SVCM_EINVAL, slot, "slot", "slot %zu of %zu", slot, g->n_slots);
    if (g->slots[slot].kind != kind)
        return svcm__error(err, SVCM_EINVAL, slot, "slot", "slot %zu is not of this kind", slot);
    *out = &g->cells[k * g->n_slots + slot];
    return SVCM_OK;
}

int svcm_kpi_groups_add_score(svcm_kpi_groups *g, size_t group_no, size_t slot, double score,
                              svcm_error *err)
{
    cell *c = NULL;
    int rc = cell_at(g, group_no, slot, SVCM_KPI_SLOT_KIND_FEEDBACK, &c, err);
    if (rc != SVCM_OK)
        return rc;
    rc = svcm_feedback_add(c->fb, score);
    if (rc == SVCM_EINVAL)
        return svcm__error(err, rc, group_no, "score",
                           "%g is not an integral answer on the scale %d-%d", score,
                           (int)g->slots[slot].feedback.low, (int)g->slots[slot].feedback.high);
    if (rc == SVCM_ERANGE)
        return svcm__error(err, rc, group_no, "score", "answer count would overflow");
    return rc;
}

int svcm_kpi_groups_add_outcome(svcm_kpi_groups *g, size_t group_no, size_t slot, bool success,
                                svcm_error *err)
{
    cell *c = NULL;
    int rc = cell_at(g, group_no, slot, SVCM_KPI_SLOT_KIND_RATE, &c, err);
    if (rc != SVCM_OK)
        return rc;
    rc = svcm_rate_add(&c->rate, success);
    if (rc == SVCM_ERANGE)
        return svcm__error(err, rc, group_no, "count", "trial count would overflow");
    return rc;
}

int svcm_kpi_groups_add_duration(svcm_kpi_groups *g, size_t group_no, size_t slot,
                                 double seconds, svcm_error *err)
{
    cell *c = NULL;
    int rc = cell_at(g, group_no, slot, SVCM_KPI_SLOT_KIND_DURATIONS, &c, err);
    if (rc != SVCM_OK)
        return rc;
    if (!svcm__finite(seconds) || seconds < 0)
        return svcm__error(err, SVCM_EINVAL, group_no, "seconds",
                           "%g is not a finite duration >= 0", seconds);
    rc = svcm_durations_add(c->dur, seconds);
    if (rc == SVCM_ERANGE)
        return svcm__error(err, rc, group_no, "count", "duration count would overflow");
    if (rc == SVCM_ENOMEM)
        return svcm__error(err, rc, group_no, NULL, "out of memory");
    return rc;
}

/* a + b + c of two SLA count triples fits in 64 bits. */
static bool sla_fits(const sla_counts *s, uint64_t met, uint64_t breached, uint64_t pending)
{
    uint64_t have = s->met + s->breached + s->pending; /* kept <= UINT64_MAX */
    return met <= UINT64_MAX - have && breached <= UINT64_MAX - have - met &&
           pending <= UINT64_MAX - have - met - breached;
}

int svcm_kpi_groups_add_sla(svcm_kpi_groups *g, size_t group_no, size_t slot, uint64_t met,
                            uint64_t breached, uint64_t pending, svcm_error *err)
{
    cell *c = NULL;
    int rc = cell_at(g, group_no, slot, SVCM_KPI_SLOT_KIND_SLA, &c, err);
    if (rc != SVCM_OK)
        return rc;
    if (!sla_fits(&c->sla, met, breached, pending))
        return svcm__error(err, SVCM_ERANGE, group_no, "count", "SLA ticket total would overflow");
    c->sla.met += met;
    c->sla.breached += breached;
    c->sla.pending += pending;
    return SVCM_OK;
}

/* ------------------------------------------------------------ reading */

int svcm_kpi_groups_feedback(const svcm_kpi_groups *g, size_t group_no, size_t slot,
                             const svcm_feedback **out)
{
    cell *c = NULL;
    if (out == NULL || cell_at(g, group_no, slot, SVCM_KPI_SLOT_KIND_FEEDBACK, &c, NULL) != 0)
        return SVCM_EINVAL;
    *out = c->fb;
    return SVCM_OK;
}

int svcm_kpi_groups_rate(const svcm_kpi_groups *g, size_t group_no, size_t slot, svcm_rate *out)
{
    cell *c = NULL;
    if (out == NULL || cell_at(g, group_no, slot, SVCM_KPI_SLOT_KIND_RATE, &c, NULL) != 0)
        return SVCM_EINVAL;
    *out = c->rate;
    return SVCM_OK;
}

int svcm_kpi_groups_durations(const svcm_kpi_groups *g, size_t group_no, size_t slot,
                              const svcm_durations **out)
{
    cell *c = NULL;
    if (out == NULL || cell_at(g, group_no, slot, SVCM_KPI_SLOT_KIND_DURATIONS, &c, NULL) != 0)
        return SVCM_EINVAL;
    *out = c->dur;
    return SVCM_OK;
}

int svcm_kpi_groups_sla_result(const svcm_kpi_groups *g, size_t group_no, size_t slot,
                               double confidence, struct svcm_kpi_groups_sla_result *out,
                               svcm_error *err)
{
    cell *c = NULL;
    int rc = cell_at(g, group_no, slot, SVCM_KPI_SLOT_KIND_SLA, &c, err);
    if (rc != SVCM_OK)
        return rc;
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "pointer is NULL");
    struct svcm_kpi_groups_sla_result r = {c->sla.met, c->sla.breached, c->sla.pending, NAN,
                                    {NAN, NAN}};
    svcm_interval probe_ci;
    /* Checked on its own so that a bad level fails also when nothing is
     * decided (one success of one trial is a valid probe). */
    if (svcm_wilson(1, 1, confidence, &probe_ci) != SVCM_OK)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "confidence",
                           "%g is not a level in (0, 1) the Wilson interval takes", confidence);
    uint64_t decided = r.met + r.breached;
    if (decided > 0) {
        r.rate = (double)r.met / (double)decided;
        (void)svcm_wilson(r.met, decided, confidence, &r.ci);
    }
    *out = r;
    return SVCM_OK;
}

/* ------------------------------------------------------------ merging */

/* Whether adding src's cells to dst's (same slots) keeps every count in
 * range; 0 when it does, else the error code (SVCM_ERANGE). */
static int cells_fit(const svcm_kpi_groups *g, const cell *d, const cell *s)
{
    for (size_t k = 0; k < g->n_slots; k++) {
        uint64_t a = 0, b = 0;
        switch (g->slots[k].kind) {
        case SVCM_KPI_SLOT_KIND_FEEDBACK:
            a = svcm_feedback_count(d[k].fb), b = svcm_feedback_count(s[k].fb);
            break;
        case SVCM_KPI_SLOT_KIND_RATE:
            a = d[k].rate.trials, b = s[k].rate.trials;
            break;
        case SVCM_KPI_SLOT_KIND_DURATIONS:
            a = svcm_durations_count(d[k].dur), b = svcm_durations_count(s[k].dur);
            break;
        default:
            if (!sla_fits(&d[k].sla, s[k].sla.met, s[k].sla.breached, s[k].sla.pending))
                return SVCM_ERANGE;
            break;
        }
        if (b > UINT64_MAX - a)
            return SVCM_ERANGE;
    }
    return SVCM_OK;
}

/* A new durations accumulator holding a's values and b's (either may be
 * NULL): merging into an empty one is how the library copies one. */
static int dur_combine(const svcm_kpi_groups *g, const svcm_kpi_slot *sl, const svcm_durations *a,
                       const svcm_durations *b, svcm_durations **out)
{
    svcm_durations *d;
    int rc = svcm_durations_new(&sl->sketch, &g->alloc, &d, NULL);
    if (rc != SVCM_OK)
        return rc;
    if ((a && (rc = svcm_durations_merge(d, a)) != SVCM_OK) ||
        (b && (rc = svcm_durations_merge(d, b)) != SVCM_OK)) {
        svcm_durations_free(d);
        return rc;
    }
    *out = d;
    return SVCM_OK;
}

/* Add every non-allocating count of s to d (fit checked before). */
static void cells_add_counts(const svcm_kpi_groups *g, cell *d, const cell *s)
{
    for (size_t k = 0; k < g->n_slots; k++) {
        switch (g->slots[k].kind) {
        case SVCM_KPI_SLOT_KIND_FEEDBACK:
            (void)svcm_feedback_merge(d[k].fb, s[k].fb);
            break;
        case SVCM_KPI_SLOT_KIND_RATE:
            (void)svcm_rate_merge(&d[k].rate, &s[k].rate);
            break;
        case SVCM_KPI_SLOT_KIND_SLA:
            d[k].sla.met += s[k].sla.met;
            d[k].sla.breached += s[k].sla.breached;
            d[k].sla.pending += s[k].sla.pending;
            break;
        default:
            break;
        }
    }
}

/* State of one merge: where each src group goes, the staged durations of
 * groups dst already has (one per durations slot), the groups to add. */
typedef struct merge_plan {
    size_t *to;              /* src group -> dst group, or SIZE_MAX: new */
    svcm_durations **staged; /* src->n * n_slots, NULL where unused */
    size_t n_new;            /* new groups staged at dst->groups[dst->n ..) */
    size_t made;             /* of which made so far */
} merge_plan;

static void plan_free(svcm_kpi_groups *dst, const svcm_kpi_groups *src, merge_plan *p)
{
    if (p->staged)
        for (size_t i = 0; i < src->n * dst->n_slots; i++)
            svcm_durations_free(p->staged[i]);
    for (size_t k = dst->n; k < dst->n + p->made; k++) {
        cells_free(dst, cells_of(dst, k));
        svcm__free(&dst->alloc, dst->groups[k].key);
    }
    svcm__free(&dst->alloc, p->staged);
    svcm__free(&dst->alloc, p->to);
}

/* Map src groups to dst groups and check every count fits. */
static int plan_map(const svcm_kpi_groups *dst, const svcm_kpi_groups *src, merge_plan *p,
                    svcm_error *err)
{
    for (size_t i = 0; i < src->n; i++) {
        size_t j;
        const group *gr = &src->groups[i];
        if (svcm_kpi_groups_find(dst, gr->key, gr->len, &j) != SVCM_OK) {
            p->to[i] = SIZE_MAX;
            p->n_new++;
        } else if (cells_fit(dst, cells_of(dst, j), cells_of(src, i)) != SVCM_OK) {
            return svcm__error(err, SVCM_ERANGE, i, "count",
                               "a count of this group would overflow");
        } else {
            p->to[i] = j;
        }
    }
    return SVCM_OK;
}

/* Allocate everything the merge needs; nothing visible changes. */
static int plan_stage(svcm_kpi_groups *dst, const svcm_kpi_groups *src, merge_plan *p)
{
    if (reserve(dst, dst->n + p->n_new) != SVCM_OK)
        return SVCM_ENOMEM;
    for (size_t i = 0; i < src->n; i++) {
        const group *gr = &src->groups[i];
        size_t j = p->to[i];
        if (j == SIZE_MAX) {
            j = dst->n + p->made;
            if (stage_group(dst, j, gr->key, gr->len, gr->hash) != SVCM_OK)
                return SVCM_ENOMEM;
            p->made++;
        }
        for (size_t k = 0; k < dst->n_slots; k++) {
            if (dst->slots[k].kind != SVCM_KPI_SLOT_KIND_DURATIONS)
                continue;
            const svcm_durations *have = cells_of(dst, j)[k].dur;
            if (dur_combine(dst, &dst->slots[k], have, cells_of(src, i)[k].dur,
                            &p->staged[i * dst->n_slots + k]) != SVCM_OK)
                return SVCM_ENOMEM;
        }
    }
    return SVCM_OK;
}

/* Apply a staged plan: cannot fail. src may be dst: its groups [0, n) are
 * read before any new group becomes visible, and staged durations replace
 * the old ones only after every combine was made. */
static void plan_commit(svcm_kpi_groups *dst, const svcm_kpi_groups *src, merge_plan *p)
{
    size_t made = 0, n_src = src->n;
    for (size_t i = 0; i < n_src; i++) {
        size_t j = p->to[i] == SIZE_MAX ? dst->n + made++ : p->to[i];
        cells_add_counts(dst, cells_of(dst, j), cells_of(src, i));
        for (size_t k = 0; k < dst->n_slots; k++) {
            svcm_durations **st = &p->staged[i * dst->n_slots + k];
            if (*st == NULL)
                continue;
            svcm_durations_free(cells_of(dst, j)[k].dur);
            cells_of(dst, j)[k].dur = *st;
            *st = NULL;
        }
    }
    for (size_t m = 0; m < made; m++)
        commit_group(dst);
    p->made = 0;
}

static int slots_match(const svcm_kpi_groups *a, const svcm_kpi_groups *b, svcm_error *err)
{
    if (a->n_slots != b->n_slots)
        return svcm__error(err, SVCM_EMISMATCH, SVCM_NO_INDEX, "slots",
                           "%zu slots against %zu", a->n_slots, b->n_slots);
    for (size_t k = 0; k < a->n_slots; k++)
        if (!slot_equal(&a->slots[k], &b->slots[k]))
            return svcm__error(err, SVCM_EMISMATCH, k, "slots", "slot kinds or settings differ");
    return SVCM_OK;
}

int svcm_kpi_groups_merge(svcm_kpi_groups *dst, const svcm_kpi_groups *src, svcm_error *err)
{
    if (dst == NULL || src == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, dst ? "src" : "dst",
                           "pointer is NULL");
    int rc = slots_match(dst, src, err);
    if (rc != SVCM_OK)
        return rc;
    merge_plan p = {NULL, NULL, 0, 0};
    p.to = svcm__calloc(&dst->alloc, src->n, sizeof *p.to);
    p.staged = svcm__calloc(&dst->alloc, src->n * dst->n_slots, sizeof *p.staged);
    if (p.to == NULL || p.staged == NULL) {
        rc = svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    } else if ((rc = plan_map(dst, src, &p, err)) == SVCM_OK) {
        rc = plan_stage(dst, src, &p);
        if (rc == SVCM_OK)
            plan_commit(dst, src, &p);
        else
            svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
    }
    plan_free(dst, src, &p);
    return rc;
}

/* ------------------------------------------------------------ saving */

/* Saved form, version 2 (0.2), after the header:
 *   u32 n_slots; per slot: u8 kind, then FEEDBACK: u8 kind, u32 low,
 *   u32 high, u32 top_boxes, u8 csat_method, u8 ces_method,
 *   u8 nps_interval (version 1: no convention bytes, the defaults); RATE:
 *   u8 rate kind; DURATIONS: f64 rel_err, u64 max_buckets, u64
 *   exact_limit; SLA: nothing.
 *   u64 n_groups; per group: u32 key length, the key bytes, then per slot
 *   FEEDBACK: u32 length + svcm_feedback_save() bytes; RATE: u64
 *   successes, u64 trials; DURATIONS: u32 length + svcm_durations_save()
 *   bytes; SLA: u64 met, u64 breached, u64 pending. */

static void w_slot(svcm__writer *w, const svcm_kpi_slot *s)
{
    svcm__w_u8(w, (uint8_t)s->kind);
    if (s->kind == SVCM_KPI_SLOT_KIND_FEEDBACK) {
        svcm__w_u8(w, (uint8_t)s->feedback.kind);
        svcm__w_u32(w, (uint32_t)s->feedback.low);
        svcm__w_u32(w, (uint32_t)s->feedback.high);
        svcm__w_u32(w, s->feedback.top_boxes);
        svcm__w_u8(w, (uint8_t)s->feedback.csat_method);
        svcm__w_u8(w, (uint8_t)s->feedback.ces_method);
        svcm__w_u8(w, (uint8_t)s->feedback.nps_interval);
    } else if (s->kind == SVCM_KPI_SLOT_KIND_RATE) {
        svcm__w_u8(w, (uint8_t)s->rate);
    } else if (s->kind == SVCM_KPI_SLOT_KIND_DURATIONS) {
        svcm__w_f64(w, s->sketch.rel_err);
        svcm__w_u64(w, (uint64_t)s->sketch.max_buckets);
        svcm__w_u64(w, (uint64_t)s->sketch.exact_limit);
    }
}

/* A nested saved object: u32 length, then its bytes when they fit. */
static void w_nested(svcm__writer *w, const svcm_feedback *f, const svcm_durations *d)
{
    size_t n = 0;
    if (f != NULL)
        (void)svcm_feedback_save(f, NULL, 0, &n);
    else
        (void)svcm_durations_save(d, NULL, 0, &n);
    svcm__w_u32(w, (uint32_t)n);
    if (w->buf != NULL && w->pos <= w->cap && n <= w->cap - w->pos) {
        if (f != NULL)
            (void)svcm_feedback_save(f, w->buf + w->pos, n, NULL);
        else
            (void)svcm_durations_save(d, w->buf + w->pos, n, NULL);
    }
    w->pos += n;
}

static void w_cells(svcm__writer *w, const svcm_kpi_groups *g, const cell *c)
{
    for (size_t k = 0; k < g->n_slots; k++) {
        switch (g->slots[k].kind) {
        case SVCM_KPI_SLOT_KIND_FEEDBACK:
            w_nested(w, c[k].fb, NULL);
            break;
        case SVCM_KPI_SLOT_KIND_RATE:
            svcm__w_u64(w, c[k].rate.successes);
            svcm__w_u64(w, c[k].rate.trials);
            break;
        case SVCM_KPI_SLOT_KIND_DURATIONS:
            w_nested(w, NULL, c[k].dur);
            break;
        default:
            svcm__w_u64(w, c[k].sla.met);
            svcm__w_u64(w, c[k].sla.breached);
            svcm__w_u64(w, c[k].sla.pending);
            break;
        }
    }
}

static void w_all(svcm__writer *w, const svcm_kpi_groups *g)
{
    svcm__w_header(w, SVCM__KIND_KPI_GROUPS, FORMAT_VERSION);
    svcm__w_u32(w, (uint32_t)g->n_slots);
    for (size_t k = 0; k < g->n_slots; k++)
        w_slot(w, &g->slots[k]);
    svcm__w_u64(w, (uint64_t)g->n);
    for (size_t i = 0; i < g->n; i++) {
        svcm__w_u32(w, (uint32_t)g->groups[i].len);
        svcm__w_bytes(w, g->groups[i].key, g->groups[i].len);
        w_cells(w, g, cells_of(g, i));
    }
    svcm__w_finish(w);
}

int svcm_kpi_groups_save(const svcm_kpi_groups *g, unsigned char *buf, size_t cap, size_t *len)
{
    if (g == NULL)
        return SVCM_EINVAL;
    svcm__writer m = {NULL, 0, 0};
    w_all(&m, g);
    if (len != NULL)
        *len = m.pos;
    if (m.pos - SVCM__HEADER_SIZE > UINT32_MAX)
        return SVCM_ERANGE;
    if (buf == NULL || cap < m.pos)
        return SVCM_ENOSPC;
    svcm__writer w = {buf, cap, 0};
    w_all(&w, g);
    return SVCM_OK;
}

/* ------------------------------------------------------------ loading */

/* Two's complement u32 -> int32 without implementation-defined conversion. */
static int32_t to_i32(uint32_t u)
{
    return u <= INT32_MAX ? (int32_t)u : -(int32_t)(UINT32_MAX - u) - 1;
}

static void r_slot(svcm__reader *r, svcm_kpi_slot *s, uint16_t version)
{
    svcm_kpi_slot_init(s, (svcm_kpi_slot_kind)svcm__r_u8(r));
    if (s->kind == SVCM_KPI_SLOT_KIND_FEEDBACK) {
        s->feedback.kind = (svcm_feedback_kind)svcm__r_u8(r);
        s->feedback.low = to_i32(svcm__r_u32(r));
        s->feedback.high = to_i32(svcm__r_u32(r));
        s->feedback.top_boxes = svcm__r_u32(r);
        if (version >= 2) {
            s->feedback.csat_method = (svcm_csat_method)svcm__r_u8(r);
            s->feedback.ces_method = (svcm_ces_method)svcm__r_u8(r);
            s->feedback.nps_interval = (svcm_nps_interval)svcm__r_u8(r);
        }
    } else if (s->kind == SVCM_KPI_SLOT_KIND_RATE) {
        s->rate = (svcm_rate_kind)svcm__r_u8(r);
    } else if (s->kind == SVCM_KPI_SLOT_KIND_DURATIONS) {
        s->sketch.rel_err = svcm__r_f64(r);
        uint64_t mb = svcm__r_u64(r), el = svcm__r_u64(r);
        /* Out-of-range values stay out of range for check_slot. */
        s->sketch.max_buckets = mb > SIZE_MAX ? SIZE_MAX : (size_t)mb;
        s->sketch.exact_limit = el > SIZE_MAX ? SIZE_MAX : (size_t)el;
    }
}

/* Read the slots into a new object; SVCM_EFORMAT, SVCM_ENOMEM or SVCM_OK. */
static int r_object(svcm__reader *r, uint16_t version, const svcm_allocator *a,
                    svcm_kpi_groups **out, svcm_error *err)
{
    svcm_kpi_slot slots[SVCM_KPI_GROUPS_MAX_SLOTS];
    uint32_t n = svcm__r_u32(r);
    if (!r->ok || n < 1 || n > SVCM_KPI_GROUPS_MAX_SLOTS)
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "slots", "bad number of slots");
    for (uint32_t k = 0; k < n; k++) {
        r_slot(r, &slots[k], version);
        int rc = r->ok ? check_slot(a, &slots[k], k, NULL) : SVCM_EINVAL;
        if (rc == SVCM_ENOMEM)
            return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
        /* The feedback loader insists on top_boxes 2 outside CSAT; so do we,
         * so that one object has one saved form. */
        if (rc != SVCM_OK || (slots[k].kind == SVCM_KPI_SLOT_KIND_FEEDBACK &&
                              slots[k].feedback.kind != SVCM_FEEDBACK_KIND_CSAT &&
                              slots[k].feedback.top_boxes != 2))
            return svcm__error(err, SVCM_EFORMAT, k, "slots", "slot %u is malformed", k);
    }
    int rc = new_object(slots, n, a, out);
    return rc == SVCM_OK ? rc : svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
}

/* Load a nested object and merge it into the cell's (same settings, or the
 * merge refuses with SVCM_EMISMATCH); SVCM_OK, SVCM_EFORMAT, SVCM_ENOMEM. */
static int r_nested(svcm__reader *r, const svcm_kpi_groups *g, cell *c, bool feedback)
{
    uint32_t n = svcm__r_u32(r);
    const unsigned char *p = svcm__r_take(r, n);
    if (p == NULL)
        return SVCM_EFORMAT;
    int rc;
    if (feedback) {
        svcm_feedback *f = NULL;
        rc = svcm_feedback_load(p, n, &g->alloc, &f, NULL);
        if (rc == SVCM_OK)
            rc = svcm_feedback_merge(c->fb, f);
        svcm_feedback_free(f);
    } else {
        svcm_durations *d = NULL;
        rc = svcm_durations_load(p, n, &g->alloc, &d, NULL);
        if (rc == SVCM_OK)
            rc = svcm_durations_merge(c->dur, d);
        svcm_durations_free(d);
    }
    return rc == SVCM_OK || rc == SVCM_ENOMEM ? rc : SVCM_EFORMAT;
}

static const char *const slot_field[4] = {"feedback", "rate", "durations", "sla"};

/* Read one group's cells into c (empty accumulators of g's slots). */
static int r_cells(svcm__reader *r, const svcm_kpi_groups *g, cell *c, size_t i, svcm_error *err)
{
    for (size_t k = 0; k < g->n_slots; k++) {
        svcm_kpi_slot_kind kind = g->slots[k].kind;
        int rc = SVCM_OK;
        if (kind == SVCM_KPI_SLOT_KIND_FEEDBACK || kind == SVCM_KPI_SLOT_KIND_DURATIONS) {
            rc = r_nested(r, g, &c[k], kind == SVCM_KPI_SLOT_KIND_FEEDBACK);
        } else if (kind == SVCM_KPI_SLOT_KIND_RATE) {
            uint64_t s = svcm__r_u64(r), t = svcm__r_u64(r);
            if (!r->ok || s > t || svcm_rate_add_counts(&c[k].rate, s, t) != SVCM_OK)
                rc = SVCM_EFORMAT;
        } else {
            uint64_t m = svcm__r_u64(r), b = svcm__r_u64(r), p = svcm__r_u64(r);
            if (!r->ok || !sla_fits(&c[k].sla, m, b, p))
                rc = SVCM_EFORMAT;
            c[k].sla = (sla_counts){m, b, p};
        }
        if (rc == SVCM_ENOMEM)
            return svcm__error(err, rc, i, NULL, "out of memory");
        if (rc != SVCM_OK)
            return svcm__error(err, rc, i, slot_field[kind], "slot %zu is malformed", k);
    }
    return SVCM_OK;
}

/* Read one group: key, then cells; it becomes group number g->n. */
static int r_group(svcm__reader *r, svcm_kpi_groups *g, size_t i, svcm_error *err)
{
    uint32_t len = svcm__r_u32(r);
    const char *key = (const char *)svcm__r_take(r, len);
    size_t j;
    if (key == NULL || len > SVCM_KPI_GROUPS_MAX_KEY || !svcm__utf8_check(key, len, NULL))
        return svcm__error(err, SVCM_EFORMAT, i, "key", "key is cut short, too long or not UTF-8");
    if (svcm_kpi_groups_find(g, key, len, &j) == SVCM_OK)
        return svcm__error(err, SVCM_EFORMAT, i, "key", "key repeats group %zu", j);
    uint64_t h = hash_key(key, len);
    if (reserve(g, g->n + 1) != SVCM_OK || stage_group(g, g->n, key, len, h) != SVCM_OK)
        return svcm__error(err, SVCM_ENOMEM, i, NULL, "out of memory");
    int rc = r_cells(r, g, cells_of(g, g->n), i, err);
    if (rc != SVCM_OK) {
        cells_free(g, cells_of(g, g->n));
        svcm__free(&g->alloc, g->groups[g->n].key);
        return rc;
    }
    commit_group(g);
    return SVCM_OK;
}

/* Smallest saved size of one group: its key length and each slot's least. */
static size_t min_group_size(const svcm_kpi_groups *g)
{
    size_t n = 4;
    for (size_t k = 0; k < g->n_slots; k++)
        n += g->slots[k].kind == SVCM_KPI_SLOT_KIND_RATE ? 16
             : g->slots[k].kind == SVCM_KPI_SLOT_KIND_SLA ? 24 : 4 + SVCM__HEADER_SIZE;
    return n;
}

int svcm_kpi_groups_load(const unsigned char *buf, size_t len, const svcm_allocator *alloc,
                         svcm_kpi_groups **out, svcm_error *err)
{
    if (buf == NULL || out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, buf ? "out" : "buf", "pointer is NULL");
    svcm_allocator a;
    int rc = svcm__allocator_resolve(&a, alloc, err);
    if (rc != SVCM_OK)
        return rc;
    svcm__reader r = {buf, len, 0, true};
    uint16_t version = svcm__r_header(&r, SVCM__KIND_KPI_GROUPS);
    if (version < 1 || version > FORMAT_VERSION || !r.ok)
        return svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "header",
                           "not saved grouped KPIs of version 1 to %d", FORMAT_VERSION);
    svcm_kpi_groups *g;
    if ((rc = r_object(&r, version, &a, &g, err)) != SVCM_OK)
        return rc;
    uint64_t n = svcm__r_u64(&r);
    /* Each group takes at least min_group_size bytes: a count beyond what
     * is left is refused before anything is allocated for it. */
    if (!r.ok || n > (r.len - r.pos) / min_group_size(g))
        rc = svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "groups", "group count %llu too large",
                         (unsigned long long)n);
    for (uint64_t i = 0; i < n && rc == SVCM_OK; i++)
        rc = r_group(&r, g, (size_t)i, err);
    if (rc == SVCM_OK && !svcm__r_done(&r))
        rc = svcm__error(err, SVCM_EFORMAT, SVCM_NO_INDEX, "groups", "bytes left after the last group");
    if (rc != SVCM_OK) {
        svcm_kpi_groups_free(g);
        return rc;
    }
    *out = g;
    return SVCM_OK;
}
