/* Customer journeys: funnel by steps in order within a window, paths, and
 * the last touchpoint before loss. Per-customer state in a hash keyed by
 * the customer id; results are computed at result time (journey.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "svcm/journey.h"
#include "svcm/sketch.h"
#include "svcm/stats.h"

#define NO_STEP UINT32_MAX

typedef struct jr_tp {
    char *name; /* NUL-terminated copy */
    size_t len;
    uint64_t hash;
    uint32_t step; /* funnel step index, or NO_STEP */
    uint64_t events, scored;
    double score_sum, score_c; /* Kahan-compensated sum of the scores */
} jr_tp;

typedef struct jr_ev { /* a path event */
    double t;
    uint32_t tp;
} jr_ev;

typedef struct jr_fev { /* a funnel event */
    double t;
    uint32_t step;
} jr_fev;

typedef struct jr_cust {
    char *id;
    size_t len;
    uint64_t hash;
    uint64_t events;
    bool lost;
    double last_t;
    uint32_t last_tp;
    uint32_t npath;
    jr_fev *f;
    size_t nf, fcap;
} jr_cust;

/* The data part of an accumulator: what add, add_batch and merge change. */
typedef struct jr_data {
    jr_tp *tps;
    size_t ntp, tpcap;
    size_t *tptab; /* open addressing: index + 1, 0 = empty */
    size_t tptab_cap;
    jr_cust *cs;
    size_t ncs, cscap;
    jr_ev *paths; /* path_len slots per customer */
    size_t pathcap; /* customers the pool has room for */
    size_t *cstab;
    size_t cstab_cap;
    uint64_t events, lost;
} jr_data;

struct svcm_journey {
    svcm_allocator alloc;
    svcm_journey_options opts; /* steps points at step_names */
    char **step_names;
    size_t *step_lens;
    jr_data d;
};

void svcm_journey_options_init(svcm_journey_options *opts)
{
    if (opts == NULL)
        return;
    opts->steps = NULL;
    opts->n_steps = 0;
    opts->window_s = INFINITY;
    opts->path_len = 5;
    opts->confidence = 0.95;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

static int check_options(const svcm_journey_options *o, svcm_error *err)
{
    if (o->n_steps > SVCM_JOURNEY_MAX_STEPS)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "n_steps",
                           "at most %u funnel steps", SVCM_JOURNEY_MAX_STEPS);
    if (o->n_steps > 0 && o->steps == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "steps", "is NULL");
    for (size_t k = 0; k < o->n_steps; k++) {
        const char *s = o->steps[k];
        if (s == NULL)
            return svcm__error(err, SVCM_EINVAL, k, "steps", "step name is NULL");
        size_t len = strlen(s);
        if (len == 0 || len > SVCM_JOURNEY_MAX_NAME)
            return svcm__error(err, SVCM_EINVAL, k, "steps",
                               "step name must have 1 to %u bytes", SVCM_JOURNEY_MAX_NAME);
        if (!svcm__utf8_check(s, len, NULL))
            return svcm__error(err, SVCM_EINVAL, k, "steps", "step name is not UTF-8");
        for (size_t i = 0; i < k; i++)
            if (strcmp(o->steps[i], s) == 0)
                return svcm__error(err, SVCM_EINVAL, k, "steps",
                                   "step %zu repeats step %zu", k + 1, i + 1);
    }
    if (isnan(o->window_s) || o->window_s < 0.0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "window_s",
                           "window must be >= 0 (INFINITY for none)");
    if (o->path_len < 1 || o->path_len > SVCM_JOURNEY_MAX_PATH)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "path_len",
                           "path length must be 1 to %u", SVCM_JOURNEY_MAX_PATH);
    if (!(o->confidence > 0.0 && o->confidence < 1.0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "confidence",
                           "confidence must be in (0, 1)");
    return SVCM_OK;
}

static void data_free(const svcm_allocator *a, jr_data *d)
{
    for (size_t i = 0; i < d->ntp; i++)
        svcm__free(a, d->tps[i].name);
    for (size_t i = 0; i < d->ncs; i++) {
        svcm__free(a, d->cs[i].id);
        svcm__free(a, d->cs[i].f);
    }
    svcm__free(a, d->tps);
    svcm__free(a, d->tptab);
    svcm__free(a, d->cs);
    svcm__free(a, d->paths);
    svcm__free(a, d->cstab);
    memset(d, 0, sizeof *d);
}

void svcm_journey_free(svcm_journey *j)
{
    if (j == NULL)
        return;
    svcm_allocator a = j->alloc;
    data_free(&a, &j->d);
    if (j->step_names != NULL)
        for (size_t k = 0; k < j->opts.n_steps; k++)
            svcm__free(&a, j->step_names[k]);
    svcm__free(&a, j->step_names);
    svcm__free(&a, j->step_lens);
    svcm__free(&a, j);
}

int svcm_journey_new(const svcm_journey_options *opts, const svcm_allocator *alloc,
                     svcm_journey **out, svcm_error *err)
{
    int rc = svcm__allocator_check(alloc, err);
    if (rc != SVCM_OK)
        return rc;
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "is NULL");
    svcm_journey_options o;
    if (opts != NULL)
        o = *opts;
    else
        svcm_journey_options_init(&o);
    rc = check_options(&o, err);
    if (rc != SVCM_OK)
        return rc;
    svcm_allocator a;
    rc = svcm__allocator_resolve(&a, alloc, err);
    if (rc != SVCM_OK)
        return rc;
    svcm_journey *j = svcm__calloc(&a, 1, sizeof *j);
    if (j == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    j->alloc = a;
    j->opts = o;
    j->opts.n_steps = 0; /* counts the names copied so far, for free */
    j->opts.steps = NULL;
    if (o.n_steps > 0) {
        j->step_names = svcm__calloc(&a, o.n_steps, sizeof *j->step_names);
        j->step_lens = svcm__calloc(&a, o.n_steps, sizeof *j->step_lens);
        if (j->step_names == NULL || j->step_lens == NULL) {
            svcm_journey_free(j);
            return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
        }
        for (size_t k = 0; k < o.n_steps; k++) {
            if (svcm__strdup(&a, o.steps[k], &j->step_names[k]) != SVCM_OK) {
                svcm_journey_free(j);
                return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
            }
            j->step_lens[k] = strlen(o.steps[k]);
            j->opts.n_steps = k + 1;
        }
        j->opts.steps = (const char *const *)j->step_names;
    }
    *out = j;
    return SVCM_OK;
}

int svcm_journey_get_options(const svcm_journey *j, svcm_journey_options *out)
{
    if (j == NULL || out == NULL)
        return SVCM_EINVAL;
    *out = j->opts;
    return SVCM_OK;
}

/* ------------------------------------------------------------ lookups */

static size_t tp_find(const jr_data *d, const char *s, size_t n, uint64_t h, size_t *slot)
{
    if (d->tptab_cap == 0) {
        *slot = 0;
        return SIZE_MAX;
    }
    size_t mask = d->tptab_cap - 1, i = (size_t)h & mask;
    for (;;) {
        size_t e = d->tptab[i];
        if (e == 0) {
            *slot = i;
            return SIZE_MAX;
        }
        const jr_tp *t = &d->tps[e - 1];
        if (t->hash == h && t->len == n && memcmp(t->name, s, n) == 0)
            return e - 1;
        i = (i + 1) & mask;
    }
}

static size_t cs_find(const jr_data *d, const char *s, size_t n, uint64_t h, size_t *slot)
{
    if (d->cstab_cap == 0) {
        *slot = 0;
        return SIZE_MAX;
    }
    size_t mask = d->cstab_cap - 1, i = (size_t)h & mask;
    for (;;) {
        size_t e = d->cstab[i];
        if (e == 0) {
            *slot = i;
            return SIZE_MAX;
        }
        const jr_cust *c = &d->cs[e - 1];
        if (c->hash == h && c->len == n && memcmp(c->id, s, n) == 0)
            return e - 1;
        i = (i + 1) & mask;
    }
}

/* A table of cap slots (power of two) holding the n hashes. */
static size_t *table_build(const svcm_allocator *a, size_t cap, size_t n, const void *items,
                           size_t stride, size_t hash_off)
{
    size_t *t = svcm__calloc(a, cap, sizeof *t);
    if (t == NULL)
        return NULL;
    const unsigned char *p = items;
    for (size_t k = 0; k < n; k++) {
        uint64_t h;
        memcpy(&h, p + k * stride + hash_off, sizeof h);
        size_t i = (size_t)h & (cap - 1);
        while (t[i] != 0)
            i = (i + 1) & (cap - 1);
        t[i] = k + 1;
    }
    return t;
}

static int name_cmp(const jr_data *d, uint32_t a, uint32_t b)
{
    if (a == b)
        return 0;
    const jr_tp *x = &d->tps[a], *y = &d->tps[b];
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->name, y->name, n);
    if (c != 0)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* ------------------------------------------------------------ funnel */

/* Greedy chain of a customer's funnel events (sorted by time, then step):
 * pos[k] = index of g_k or SIZE_MAX. Returns the steps reached within the
 * window. */
static size_t chain(const jr_fev *f, size_t nf, size_t m, double window, size_t *pos)
{
    for (size_t k = 0; k < m; k++)
        pos[k] = SIZE_MAX;
    size_t i = 0;
    for (size_t k = 0; k < m; k++) {
        while (i < nf && f[i].step != k)
            i++;
        if (i >= nf)
            break;
        pos[k] = i;
        i++;
    }
    size_t r = 0;
    while (r < m && pos[r] != SIZE_MAX && f[pos[r]].t - f[pos[0]].t <= window)
        r++;
    return r;
}

/* Drop the funnel events that can never change the chain (journey.h). */
static void prune(jr_cust *c, size_t m, double window)
{
    size_t pos[SVCM_JOURNEY_MAX_STEPS];
    if (c->nf == 0)
        return;
    chain(c->f, c->nf, m, window, pos);
    if (pos[0] == SIZE_MAX)
        return;
    double bound = c->f[pos[0]].t + window;
    size_t w = 0;
    for (size_t i = 0; i < c->nf; i++) {
        const jr_fev *e = &c->f[i];
        uint32_t k = e->step;
        bool keep;
        if (e->t > bound)
            keep = false;
        else if (k == 0)
            keep = i == pos[0];
        else if (pos[k - 1] != SIZE_MAX && e->t >= c->f[pos[k - 1]].t)
            keep = i == pos[k];
        else
            keep = true;
        if (keep)
            c->f[w++] = *e;
    }
    c->nf = w;
}

/* Insert e into the sorted funnel list (room reserved by the caller). */
static void f_insert(jr_cust *c, jr_fev e)
{
    size_t i = c->nf;
    while (i > 0 && (c->f[i - 1].t > e.t || (c->f[i - 1].t == e.t && c->f[i - 1].step > e.step))) {
        c->f[i] = c->f[i - 1];
        i--;
    }
    c->f[i] = e;
    c->nf++;
}

/* Insert a path event into the customer's earliest path_len events. */
static void path_insert(const jr_data *d, jr_ev *p, uint32_t *np, size_t cap, jr_ev e)
{
    size_t i = *np;
    while (i > 0 && (p[i - 1].t > e.t || (p[i - 1].t == e.t && name_cmp(d, p[i - 1].tp, e.tp) > 0)))
        i--;
    if (i >= cap)
        return;
    size_t last = *np < cap ? *np : cap - 1;
    for (size_t k = last; k > i; k--)
        p[k] = p[k - 1];
    p[i] = e;
    if (*np < cap)
        (*np)++;
}

/* ------------------------------------------------------------ adding */

static void kahan_add(double *sum, double *c, double v)
{
    double y = v - *c;
    double s = *sum + y;
    *c = (s - *sum) - y;
    *sum = s;
}

static int check_event(const svcm_journey_event *ev, size_t index, svcm_error *err)
{
    if (ev->customer == NULL || ev->customer_len == 0 || ev->customer_len > SVCM_JOURNEY_MAX_NAME)
        return svcm__error(err, SVCM_EINVAL, index, "customer",
                           "customer id must have 1 to %u bytes", SVCM_JOURNEY_MAX_NAME);
    if (ev->touchpoint == NULL || ev->touchpoint_len == 0 ||
        ev->touchpoint_len > SVCM_JOURNEY_MAX_NAME)
        return svcm__error(err, SVCM_EINVAL, index, "touchpoint",
                           "touchpoint must have 1 to %u bytes", SVCM_JOURNEY_MAX_NAME);
    size_t bad;
    if (!svcm__utf8_check(ev->touchpoint, ev->touchpoint_len, &bad))
        return svcm__error(err, SVCM_EINVAL, index, "touchpoint",
                           "touchpoint is not UTF-8 (byte %zu)", bad);
    if (memchr(ev->touchpoint, '\0', ev->touchpoint_len) != NULL)
        return svcm__error(err, SVCM_EINVAL, index, "touchpoint", "touchpoint contains a NUL byte");
    if (!svcm__finite(ev->time))
        return svcm__error(err, SVCM_EINVAL, index, "time", "time must be finite");
    if (isinf(ev->score))
        return svcm__error(err, SVCM_EINVAL, index, "score", "score is infinite (NaN = none)");
    return SVCM_OK;
}

static uint32_t step_of(const svcm_journey *j, const char *s, size_t n)
{
    for (size_t k = 0; k < j->opts.n_steps; k++)
        if (j->step_lens[k] == n && memcmp(j->step_names[k], s, n) == 0)
            return (uint32_t)k;
    return NO_STEP;
}

/* Find or create the touchpoint s[0..n); atomic. */
static int tp_get(svcm_journey *j, const char *s, size_t n, uint32_t *out)
{
    jr_data *d = &j->d;
    const svcm_allocator *a = &j->alloc;
    uint64_t h = hash_bytes(s, n);
    size_t slot, k = tp_find(d, s, n, h, &slot);
    if (k != SIZE_MAX) {
        *out = (uint32_t)k;
        return SVCM_OK;
    }
    if (d->ntp >= UINT32_MAX - 1)
        return SVCM_ERANGE;
    if (svcm__grow(a, (void **)&d->tps, &d->tpcap, d->ntp + 1, sizeof *d->tps) != SVCM_OK)
        return SVCM_ENOMEM;
    size_t *tab = NULL, tabcap = d->tptab_cap;
    if ((d->ntp + 1) * 2 > tabcap) {
        tabcap = tabcap ? tabcap * 2 : 16;
        tab = table_build(a, tabcap, d->ntp, d->tps, sizeof *d->tps, offsetof(jr_tp, hash));
        if (tab == NULL)
            return SVCM_ENOMEM;
    }
    char *name = svcm__alloc(a, n + 1);
    if (name == NULL) {
        svcm__free(a, tab);
        return SVCM_ENOMEM;
    }
    memcpy(name, s, n);
    name[n] = '\0';
    if (tab != NULL) {
        svcm__free(a, d->tptab);
        d->tptab = tab;
        d->tptab_cap = tabcap;
        tp_find(d, s, n, h, &slot);
    }
    jr_tp *t = &d->tps[d->ntp];
    memset(t, 0, sizeof *t);
    t->name = name;
    t->len = n;
    t->hash = h;
    t->step = step_of(j, s, n);
    d->tptab[slot] = ++d->ntp;
    *out = (uint32_t)(d->ntp - 1);
    return SVCM_OK;
}

/* Find or create the customer s[0..n), with room for one more funnel event
 * when need_f; atomic. */
static int cs_get(svcm_journey *j, const char *s, size_t n, bool need_f, size_t *out)
{
    jr_data *d = &j->d;
    const svcm_allocator *a = &j->alloc;
    size_t pl = j->opts.path_len;
    uint64_t h = hash_bytes(s, n);
    size_t slot, k = cs_find(d, s, n, h, &slot);
    if (k != SIZE_MAX) {
        jr_cust *c = &d->cs[k];
        if (need_f && svcm__grow(a, (void **)&c->f, &c->fcap, c->nf + 1, sizeof *c->f) != SVCM_OK)
            return SVCM_ENOMEM;
        *out = k;
        return SVCM_OK;
    }
    if (svcm__grow(a, (void **)&d->cs, &d->cscap, d->ncs + 1, sizeof *d->cs) != SVCM_OK)
        return SVCM_ENOMEM;
    if (d->pathcap < d->ncs + 1) {
        size_t want = d->cscap;
        if (want > SIZE_MAX / sizeof(jr_ev) / pl)
            return SVCM_ENOMEM;
        jr_ev *p = svcm__realloc(a, d->paths, want * pl * sizeof *p);
        if (p == NULL)
            return SVCM_ENOMEM;
        d->paths = p;
        d->pathcap = want;
    }
    size_t *tab = NULL, tabcap = d->cstab_cap;
    if ((d->ncs + 1) * 2 > tabcap) {
        tabcap = tabcap ? tabcap * 2 : 16;
        tab = table_build(a, tabcap, d->ncs, d->cs, sizeof *d->cs, offsetof(jr_cust, hash));
        if (tab == NULL)
            return SVCM_ENOMEM;
    }
    char *id = svcm__alloc(a, n + 1);
    jr_fev *f = need_f ? svcm__alloc(a, 4 * sizeof *f) : NULL;
    if (id == NULL || (need_f && f == NULL)) {
        svcm__free(a, id);
        svcm__free(a, f);
        svcm__free(a, tab);
        return SVCM_ENOMEM;
    }
    memcpy(id, s, n);
    id[n] = '\0';
    if (tab != NULL) {
        svcm__free(a, d->cstab);
        d->cstab = tab;
        d->cstab_cap = tabcap;
        cs_find(d, s, n, h, &slot);
    }
    jr_cust *c = &d->cs[d->ncs];
    memset(c, 0, sizeof *c);
    c->id = id;
    c->len = n;
    c->hash = h;
    c->last_t = -INFINITY;
    c->last_tp = NO_STEP;
    c->f = f;
    c->fcap = need_f ? 4 : 0;
    d->cstab[slot] = ++d->ncs;
    *out = d->ncs - 1;
    return SVCM_OK;
}

/* Add one checked event; atomic (a new touchpoint created before a failure
 * stays, with no event: invisible in every result but the touchpoint list,
 * so it is removed again). */
static int add_one(svcm_journey *j, const svcm_journey_event *ev)
{
    jr_data *d = &j->d;
    if (d->events == UINT64_MAX)
        return SVCM_ERANGE;
    size_t ntp0 = d->ntp;
    uint32_t tp;
    int rc = tp_get(j, ev->touchpoint, ev->touchpoint_len, &tp);
    if (rc != SVCM_OK)
        return rc;
    jr_tp *t = &d->tps[tp];
    size_t ci;
    rc = cs_get(j, ev->customer, ev->customer_len, t->step != NO_STEP, &ci);
    if (rc != SVCM_OK) {
        if (d->ntp > ntp0) { /* undo the new touchpoint */
            d->ntp--;
            /* find and clear its slot */
            size_t mask = d->tptab_cap - 1, i = (size_t)t->hash & mask;
            while (d->tptab[i] != d->ntp + 1)
                i = (i + 1) & mask;
            d->tptab[i] = 0;
            /* reinsert the entries after it in the probe run */
            for (i = (i + 1) & mask; d->tptab[i] != 0; i = (i + 1) & mask) {
                size_t e = d->tptab[i];
                d->tptab[i] = 0;
                size_t s2 = (size_t)d->tps[e - 1].hash & mask;
                while (d->tptab[s2] != 0)
                    s2 = (s2 + 1) & mask;
                d->tptab[s2] = e;
            }
            svcm__free(&j->alloc, t->name);
        }
        return rc;
    }
    jr_cust *c = &d->cs[ci];
    d->events++;
    c->events++;
    t->events++;
    if (!isnan(ev->score)) {
        t->scored++;
        kahan_add(&t->score_sum, &t->score_c, ev->score);
    }
    if (ev->lost && !c->lost) {
        c->lost = true;
        d->lost++;
    }
    if (c->last_tp == NO_STEP || ev->time > c->last_t ||
        (ev->time == c->last_t && name_cmp(d, tp, c->last_tp) > 0)) {
        c->last_t = ev->time;
        c->last_tp = tp;
    }
    size_t pl = j->opts.path_len;
    jr_ev pe = {ev->time, tp};
    path_insert(d, d->paths + ci * pl, &c->npath, pl, pe);
    if (t->step != NO_STEP) {
        jr_fev fe = {ev->time, t->step};
        f_insert(c, fe);
        prune(c, j->opts.n_steps, j->opts.window_s);
    }
    return SVCM_OK;
}

int svcm_journey_add(svcm_journey *j, const svcm_journey_event *ev, svcm_error *err)
{
    if (j == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "j", "is NULL");
    if (ev == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "ev", "is NULL");
    int rc = check_event(ev, SVCM_NO_INDEX, err);
    if (rc != SVCM_OK)
        return rc;
    rc = add_one(j, ev);
    if (rc == SVCM_ERANGE)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "event count would pass UINT64_MAX");
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
    return SVCM_OK;
}

/* ------------------------------------------------------------ copies */

static int data_clone(const svcm_journey *j, jr_data *out)
{
    const jr_data *s = &j->d;
    const svcm_allocator *a = &j->alloc;
    size_t pl = j->opts.path_len;
    jr_data d;
    memset(&d, 0, sizeof d);
    d.events = s->events;
    d.lost = s->lost;
    if (s->ntp > 0) {
        d.tps = svcm__calloc(a, s->ntp, sizeof *d.tps);
        d.tptab = svcm__calloc(a, s->tptab_cap, sizeof *d.tptab);
        if (d.tps == NULL || d.tptab == NULL)
            goto fail;
        d.tpcap = s->ntp;
        d.tptab_cap = s->tptab_cap;
        memcpy(d.tptab, s->tptab, s->tptab_cap * sizeof *d.tptab);
        for (size_t i = 0; i < s->ntp; i++) {
            d.tps[i] = s->tps[i];
            d.tps[i].name = svcm__alloc(a, s->tps[i].len + 1);
            if (d.tps[i].name == NULL)
                goto fail;
            d.ntp = i + 1;
            memcpy(d.tps[i].name, s->tps[i].name, s->tps[i].len + 1);
        }
    }
    if (s->ncs > 0) {
        d.cs = svcm__calloc(a, s->ncs, sizeof *d.cs);
        d.cstab = svcm__calloc(a, s->cstab_cap, sizeof *d.cstab);
        d.paths = svcm__calloc(a, s->ncs * pl, sizeof *d.paths);
        if (d.cs == NULL || d.cstab == NULL || d.paths == NULL)
            goto fail;
        d.cscap = d.pathcap = s->ncs;
        d.cstab_cap = s->cstab_cap;
        memcpy(d.cstab, s->cstab, s->cstab_cap * sizeof *d.cstab);
        memcpy(d.paths, s->paths, s->ncs * pl * sizeof *d.paths);
        for (size_t i = 0; i < s->ncs; i++) {
            const jr_cust *c = &s->cs[i];
            jr_cust *e = &d.cs[i];
            *e = *c;
            e->id = svcm__alloc(a, c->len + 1);
            e->f = NULL;
            e->fcap = e->nf = 0;
            d.ncs = i + 1;
            if (e->id == NULL)
                goto fail;
            memcpy(e->id, c->id, c->len + 1);
            if (c->nf > 0) {
                e->f = svcm__alloc(a, c->nf * sizeof *e->f);
                if (e->f == NULL)
                    goto fail;
                memcpy(e->f, c->f, c->nf * sizeof *e->f);
                e->nf = e->fcap = c->nf;
            }
        }
    }
    *out = d;
    return SVCM_OK;
fail:
    data_free(a, &d);
    return SVCM_ENOMEM;
}

static void data_replace(svcm_journey *j, jr_data *d)
{
    data_free(&j->alloc, &j->d);
    j->d = *d;
}

int svcm_journey_add_batch(svcm_journey *j, const svcm_journey_event *ev, size_t n,
                           svcm_error *err)
{
    if (j == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "j", "is NULL");
    if (ev == NULL && n > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "ev", "is NULL");
    for (size_t i = 0; i < n; i++) {
        int rc = check_event(&ev[i], i, err);
        if (rc != SVCM_OK)
            return rc;
    }
    if (n == 0)
        return SVCM_OK;
    if (n > UINT64_MAX - j->d.events)
        return svcm__error(err, SVCM_ERANGE, SVCM_NO_INDEX, NULL,
                           "event count would pass UINT64_MAX");
    jr_data saved = j->d, copy;
    int rc = data_clone(j, &copy);
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
    j->d = copy; /* work on the copy, in place */
    for (size_t i = 0; i < n; i++) {
        rc = add_one(j, &ev[i]);
        if (rc != SVCM_OK) {
            data_free(&j->alloc, &j->d);
            j->d = saved;
            return svcm__error(err, rc, i, NULL, rc == SVCM_ERANGE ? "too many touchpoints"
                                                                   : "out of memory");
        }
    }
    copy = j->d;
    j->d = saved;
    data_replace(j, &copy);
    return SVCM_OK;
}

static bool same_options(const svcm_journey *a, const svcm_journey *b)
{
    if (a->opts.n_steps != b->opts.n_steps || a->opts.path_len != b->opts.path_len ||
        !(a->opts.window_s == b->opts.window_s) || !(a->opts.confidence == b->opts.confidence))
        return false;
    for (size_t k = 0; k < a->opts.n_steps; k++)
        if (strcmp(a->step_names[k], b->step_names[k]) != 0)
            return false;
    return true;
}

/* Merge src's data into j's (j's data may be a copy; src may be j). */
static int merge_into(svcm_journey *j, const jr_data *s)
{
    const svcm_allocator *a = &j->alloc;
    jr_data *d = &j->d;
    size_t pl = j->opts.path_len;
    if (s->events > UINT64_MAX - d->events)
        return SVCM_ERANGE;
    uint32_t *map = s->ntp ? svcm__calloc(a, s->ntp, sizeof *map) : NULL;
    if (s->ntp > 0 && map == NULL)
        return SVCM_ENOMEM;
    int rc = SVCM_OK;
    for (size_t i = 0; i < s->ntp && rc == SVCM_OK; i++) {
        rc = tp_get(j, s->tps[i].name, s->tps[i].len, &map[i]);
        if (rc == SVCM_OK) {
            jr_tp *t = &d->tps[map[i]];
            const jr_tp *u = &s->tps[i];
            t->events += u->events;
            t->scored += u->scored;
            kahan_add(&t->score_sum, &t->score_c, u->score_sum - u->score_c);
        }
    }
    for (size_t i = 0; i < s->ncs && rc == SVCM_OK; i++) {
        const jr_cust *u = &s->cs[i];
        size_t ci;
        rc = cs_get(j, u->id, u->len, false, &ci);
        if (rc != SVCM_OK)
            break;
        jr_cust *c = &d->cs[ci];
        if (u->nf > 0) {
            rc = svcm__grow(a, (void **)&c->f, &c->fcap, c->nf + u->nf, sizeof *c->f);
            if (rc != SVCM_OK)
                break;
            for (size_t k = 0; k < u->nf; k++)
                f_insert(c, u->f[k]);
            prune(c, j->opts.n_steps, j->opts.window_s);
        }
        c->events += u->events;
        if (u->lost && !c->lost) {
            c->lost = true;
            d->lost++;
        }
        if (u->last_tp != NO_STEP) {
            uint32_t lt = map[u->last_tp];
            if (c->last_tp == NO_STEP || u->last_t > c->last_t ||
                (u->last_t == c->last_t && name_cmp(d, lt, c->last_tp) > 0)) {
                c->last_t = u->last_t;
                c->last_tp = lt;
            }
        }
        const jr_ev *up = s->paths + i * pl;
        for (uint32_t k = 0; k < u->npath; k++) {
            jr_ev e = {up[k].t, map[up[k].tp]};
            path_insert(d, d->paths + ci * pl, &c->npath, pl, e);
        }
    }
    if (rc == SVCM_OK)
        d->events += s->events;
    svcm__free(a, map);
    return rc;
}

int svcm_journey_merge(svcm_journey *dst, const svcm_journey *src)
{
    if (dst == NULL || src == NULL)
        return SVCM_EINVAL;
    if (!same_options(dst, src))
        return SVCM_EMISMATCH;
    if (src->d.events > UINT64_MAX - dst->d.events)
        return SVCM_ERANGE;
    jr_data saved = dst->d, copy;
    int rc = data_clone(dst, &copy);
    if (rc != SVCM_OK)
        return rc;
    dst->d = copy;
    /* src may be dst: read it from the saved, untouched data */
    rc = merge_into(dst, src == dst ? &saved : &src->d);
    if (rc != SVCM_OK) {
        data_free(&dst->alloc, &dst->d);
        dst->d = saved;
        return rc;
    }
    copy = dst->d;
    dst->d = saved;
    data_replace(dst, &copy);
    return SVCM_OK;
}

/* ------------------------------------------------------------ results */

static double ratio(uint64_t a, uint64_t b)
{
    return b == 0 ? NAN : (double)a / (double)b;
}

/* Steps reached by each customer: counts[k] and, when d != NULL, the time
 * from step k-1 into d[k]. */
static int funnel(const svcm_journey *j, uint64_t *counts, svcm_durations **dur)
{
    size_t m = j->opts.n_steps;
    size_t pos[SVCM_JOURNEY_MAX_STEPS];
    for (size_t k = 0; k < m; k++)
        counts[k] = 0;
    for (size_t i = 0; i < j->d.ncs; i++) {
        const jr_cust *c = &j->d.cs[i];
        size_t r = chain(c->f, c->nf, m, j->opts.window_s, pos);
        for (size_t k = 0; k < r; k++) {
            counts[k]++;
            if (dur != NULL && k > 0) {
                int rc = svcm_durations_add(dur[k], c->f[pos[k]].t - c->f[pos[k - 1]].t);
                if (rc != SVCM_OK)
                    return rc;
            }
        }
    }
    return SVCM_OK;
}

int svcm_journey_result(const svcm_journey *j, struct svcm_journey_result *out)
{
    if (j == NULL || out == NULL)
        return SVCM_EINVAL;
    uint64_t counts[SVCM_JOURNEY_MAX_STEPS];
    size_t m = j->opts.n_steps;
    funnel(j, counts, NULL);
    memset(out, 0, sizeof *out);
    out->events = j->d.events;
    out->customers = j->d.ncs;
    out->lost_customers = j->d.lost;
    out->touchpoints = j->d.ntp;
    out->steps = m;
    out->entered = m ? counts[0] : 0;
    out->completed = m ? counts[m - 1] : 0;
    out->conversion = ratio(out->completed, out->entered);
    return SVCM_OK;
}

int svcm_journey_steps(const svcm_journey *j, struct svcm_journey_step_result *out, size_t cap,
                       size_t *n, svcm_error *err)
{
    if (j == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "j", "is NULL");
    if (n == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "n", "is NULL");
    if (out == NULL && cap > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "is NULL");
    size_t m = j->opts.n_steps;
    *n = m;
    if (cap < m)
        return svcm__error(err, SVCM_ENOSPC, SVCM_NO_INDEX, "cap", "room for %zu steps needed", m);
    if (m == 0)
        return SVCM_OK;
    svcm_durations *dur[SVCM_JOURNEY_MAX_STEPS] = {NULL};
    uint64_t counts[SVCM_JOURNEY_MAX_STEPS];
    int rc = SVCM_OK;
    for (size_t k = 1; k < m && rc == SVCM_OK; k++)
        rc = svcm_durations_new(NULL, &j->alloc, &dur[k], NULL);
    if (rc == SVCM_OK)
        rc = funnel(j, counts, dur);
    for (size_t k = 0; k < m && rc == SVCM_OK; k++) {
        struct svcm_journey_step_result *r = &out[k];
        r->touchpoint = j->step_names[k];
        r->reached = counts[k];
        r->continued = k + 1 < m ? counts[k + 1] : 0;
        r->continue_rate = k + 1 < m ? ratio(r->continued, r->reached) : NAN;
        r->drop_rate = isnan(r->continue_rate) ? NAN : 1.0 - r->continue_rate;
        r->ci.lo = r->ci.hi = NAN;
        if (!isnan(r->drop_rate))
            svcm_wilson(r->reached - r->continued, r->reached, j->opts.confidence, &r->ci);
        r->conversion = ratio(counts[k], counts[0]);
        r->timed = 0;
        r->time_mean_s = r->time_p50_s = r->time_p90_s = r->time_max_s = NAN;
        struct svcm_durations_result dr;
        if (k > 0 && svcm_durations_result(dur[k], &dr) == SVCM_OK) {
            r->timed = dr.count;
            r->time_mean_s = dr.mean;
            r->time_p50_s = dr.p50;
            r->time_p90_s = dr.p90;
            r->time_max_s = dr.max;
        }
    }
    for (size_t k = 1; k < m; k++)
        svcm_durations_free(dur[k]);
    if (rc != SVCM_OK)
        return svcm__error(err, rc, SVCM_NO_INDEX, NULL, "out of memory");
    return SVCM_OK;
}

typedef struct tp_rank {
    const jr_data *d;
    struct svcm_journey_touchpoint_result r;
    uint32_t tp;
} tp_rank;

static int tp_rank_cmp(const void *pa, const void *pb)
{
    const tp_rank *a = pa, *b = pb;
    double x = a->r.excess, y = b->r.excess;
    if (!isnan(x) && !isnan(y) && x != y)
        return x > y ? -1 : 1;
    if (isnan(x) && isnan(y) && a->r.last != b->r.last)
        return a->r.last > b->r.last ? -1 : 1;
    return name_cmp(a->d, a->tp, b->tp);
}

int svcm_journey_touchpoints(const svcm_journey *j, struct svcm_journey_touchpoint_result *out,
                             size_t cap, size_t *n, svcm_error *err)
{
    if (j == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "j", "is NULL");
    if (n == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "n", "is NULL");
    if (out == NULL && cap > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "is NULL");
    const jr_data *d = &j->d;
    *n = d->ntp;
    if (cap < d->ntp)
        return svcm__error(err, SVCM_ENOSPC, SVCM_NO_INDEX, "cap", "room for %zu touchpoints needed",
                           d->ntp);
    if (d->ntp == 0)
        return SVCM_OK;
    tp_rank *t = svcm__calloc(&j->alloc, d->ntp, sizeof *t);
    if (t == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    for (size_t i = 0; i < d->ncs; i++) {
        const jr_cust *c = &d->cs[i];
        if (c->last_tp == NO_STEP)
            continue;
        t[c->last_tp].r.last++;
        if (c->lost)
            t[c->last_tp].r.lost_last++;
    }
    for (size_t i = 0; i < d->ntp; i++) {
        struct svcm_journey_touchpoint_result *r = &t[i].r;
        const jr_tp *p = &d->tps[i];
        t[i].d = d;
        t[i].tp = (uint32_t)i;
        r->touchpoint = p->name;
        r->events = p->events;
        r->scored = p->scored;
        r->mean_score = p->scored ? p->score_sum / (double)p->scored : NAN;
        r->last_share = ratio(r->last, d->ncs);
        r->lost_share = ratio(r->lost_last, d->lost);
        r->excess = r->lost_share - r->last_share;
        r->lift = r->last ? r->lost_share / r->last_share : NAN;
        r->loss_rate = ratio(r->lost_last, r->last);
        r->loss_ci.lo = r->loss_ci.hi = NAN;
        if (r->last > 0)
            svcm_wilson(r->lost_last, r->last, j->opts.confidence, &r->loss_ci);
    }
    qsort(t, d->ntp, sizeof *t, tp_rank_cmp);
    for (size_t i = 0; i < d->ntp; i++)
        out[i] = t[i].r;
    svcm__free(&j->alloc, t);
    return SVCM_OK;
}

typedef struct path_ref {
    const jr_data *d;
    const jr_ev *p;
    uint32_t n;
    bool truncated;
    uint64_t count;
} path_ref;

static int path_cmp(const void *pa, const void *pb)
{
    const path_ref *a = pa, *b = pb;
    uint32_t n = a->n < b->n ? a->n : b->n;
    for (uint32_t k = 0; k < n; k++) {
        int c = name_cmp(a->d, a->p[k].tp, b->p[k].tp);
        if (c != 0)
            return c;
    }
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    return (int)a->truncated - (int)b->truncated;
}

static int path_count_cmp(const void *pa, const void *pb)
{
    const path_ref *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return path_cmp(pa, pb);
}

int svcm_journey_paths(const svcm_journey *j, struct svcm_journey_path_result *out, size_t cap,
                       size_t *n, svcm_error *err)
{
    if (j == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "j", "is NULL");
    if (n == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "n", "is NULL");
    if (out == NULL && cap > 0)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "out", "is NULL");
    const jr_data *d = &j->d;
    size_t pl = j->opts.path_len;
    *n = 0;
    if (d->ncs == 0 || cap == 0)
        return SVCM_OK;
    path_ref *p = svcm__calloc(&j->alloc, d->ncs, sizeof *p);
    if (p == NULL)
        return svcm__error(err, SVCM_ENOMEM, SVCM_NO_INDEX, NULL, "out of memory");
    for (size_t i = 0; i < d->ncs; i++) {
        p[i].d = d;
        p[i].p = d->paths + i * pl;
        p[i].n = d->cs[i].npath;
        p[i].truncated = d->cs[i].events > pl;
    }
    qsort(p, d->ncs, sizeof *p, path_cmp);
    size_t runs = 0;
    for (size_t i = 0; i < d->ncs;) {
        size_t e = i + 1;
        while (e < d->ncs && path_cmp(&p[i], &p[e]) == 0)
            e++;
        p[runs] = p[i];
        p[runs].count = e - i;
        runs++;
        i = e;
    }
    qsort(p, runs, sizeof *p, path_count_cmp);
    size_t w = runs < cap ? runs : cap;
    for (size_t i = 0; i < w; i++) {
        struct svcm_journey_path_result *r = &out[i];
        memset(r, 0, sizeof *r);
        r->length = p[i].n;
        for (uint32_t k = 0; k < p[i].n; k++)
            r->touchpoints[k] = d->tps[p[i].p[k].tp].name;
        r->truncated = p[i].truncated;
        r->customers = p[i].count;
        r->share = ratio(p[i].count, d->ncs);
    }
    *n = w;
    svcm__free(&j->alloc, p);
    return SVCM_OK;
}
