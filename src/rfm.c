/* RFM: the customer view and its input rules, quantile edges, scores. */
#include <string.h>

#include "internal.h"
#include "parallel.h"
#include "rfm_internal.h"
#include "svcm/segment.h"

_Static_assert(sizeof(double) == 8 && sizeof(int64_t) == 8,
               "a stride of 0 stands for 8 bytes: doubles and int64_t must be 8 bytes");

#define HIST_BITS 16
#define HIST_SIZE ((size_t)1 << HIST_BITS)
/* Columns up to this size are selected directly, without the histogram. */
#define SMALL_FIT 4096

static int check_rows(const svcm_customers *c, size_t lo, size_t hi, svcm_error *err);

static inline size_t view_stride(const svcm_customers *c)
{
    return c->stride ? c->stride : sizeof(double);
}

static inline double col_at(const double *col, size_t stride, size_t i)
{
    double v;
    memcpy(&v, (const char *)col + i * stride, sizeof v);
    return v;
}

/* Packed flags (stride 0) are an array of unsigned, not of 8-byte slots. */
static inline unsigned flags_at(const svcm_customers *c, size_t i)
{
    unsigned v;
    memcpy(&v, (const char *)c->flags + i * (c->stride ? c->stride : sizeof v), sizeof v);
    return v;
}

int svcm_customers_from_records(const svcm_customer_record *recs, size_t n, svcm_customers *out)
{
    if (out == NULL || (recs == NULL && n > 0))
        return SVCM_EINVAL;
    memset(out, 0, sizeof *out);
    out->n = n;
    out->stride = sizeof(svcm_customer_record);
    if (n > 0) {
        out->id = &recs[0].id;
        out->recency = &recs[0].recency;
        out->frequency = &recs[0].frequency;
        out->monetary = &recs[0].monetary;
        out->tenure = &recs[0].tenure;
        out->p_alive = &recs[0].p_alive;
        out->flags = &recs[0].flags;
    }
    return SVCM_OK;
}

int svcm_customers_check(const svcm_customers *c, svcm_error *err)
{
    if (c == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "customers view is NULL");
    if (c->stride != 0 && c->stride < sizeof(double))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "stride",
                           "stride %zu is below 8 bytes", c->stride);
    if (c->n == 0)
        return SVCM_OK;
    if (c->recency == NULL || c->frequency == NULL || c->monetary == NULL) {
        const char *f = c->recency == NULL ? "recency"
                        : c->frequency == NULL ? "frequency"
                                               : "monetary";
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, f, "required column is NULL");
    }
    return check_rows(c, 0, c->n, err);
}

/* The per-record rules of svcm_customers_check() over rows [lo, hi) of a
 * view whose pointers and stride have been checked. */
static int check_rows(const svcm_customers *c, size_t lo, size_t hi, svcm_error *err)
{
    const size_t st = view_stride(c);
    for (size_t i = lo; i < hi; i++) {
        double r = col_at(c->recency, st, i);
        double fq = col_at(c->frequency, st, i);
        double mv = col_at(c->monetary, st, i);
        /* !(x >= 0) also catches NaN. */
        if (!svcm__finite(r) || !(r >= 0.0))
            return svcm__error(err, SVCM_EINVAL, i, "recency",
                               "recency must be finite and >= 0, got %g", r);
        if (!svcm__finite(fq) || !(fq >= 0.0))
            return svcm__error(err, SVCM_EINVAL, i, "frequency",
                               "frequency must be finite and >= 0, got %g", fq);
        if (!svcm__finite(mv) || !(mv >= 0.0))
            return svcm__error(err, SVCM_EINVAL, i, "monetary",
                               "monetary must be finite and >= 0, got %g", mv);
        unsigned fl = c->flags ? flags_at(c, i)
                               : (SVCM_CUSTOMER_HAS_TENURE | SVCM_CUSTOMER_HAS_P_ALIVE);
        if (c->tenure != NULL && (fl & SVCM_CUSTOMER_HAS_TENURE)) {
            double t = col_at(c->tenure, st, i);
            if (!svcm__finite(t) || !(t >= 0.0))
                return svcm__error(err, SVCM_EINVAL, i, "tenure",
                                   "tenure must be finite and >= 0, got %g", t);
            if (r > t)
                return svcm__error(err, SVCM_EINVAL, i, "recency",
                                   "recency %g exceeds tenure %g", r, t);
        }
        if (c->p_alive != NULL && (fl & SVCM_CUSTOMER_HAS_P_ALIVE)) {
            double p = col_at(c->p_alive, st, i);
            if (!(p >= 0.0 && p <= 1.0))
                return svcm__error(err, SVCM_EINVAL, i, "p_alive",
                                   "p_alive must be in [0, 1], got %g", p);
        }
    }
    return SVCM_OK;
}

typedef struct check_task {
    const svcm_customers *c;
    size_t lo, hi;
    int rc;
} check_task;

static void check_run(void *arg)
{
    check_task *t = arg;
    t->rc = check_rows(t->c, t->lo, t->hi, NULL);
}

int svcm__customers_check_threads(const svcm_customers *c, unsigned threads, svcm_error *err)
{
    if (c == NULL || c->n == 0 || c->recency == NULL || c->frequency == NULL ||
        c->monetary == NULL || (c->stride != 0 && c->stride < sizeof(double)))
        return svcm_customers_check(c, err);
    const unsigned parts = svcm__parts(c->n, threads, SVCM__MIN_PART_ROWS);
    if (parts < 2)
        return svcm_customers_check(c, err);
    check_task task[SVCM__MAX_THREADS];
    for (unsigned p = 0; p < parts; p++) {
        task[p].c = c;
        svcm__part(c->n, parts, p, &task[p].lo, &task[p].hi);
    }
    svcm__parallel(check_run, task, sizeof task[0], parts);
    /* The first bad record is in the first part that has one: check that
     * part again, with the error detail. */
    for (unsigned p = 0; p < parts; p++)
        if (task[p].rc != SVCM_OK)
            return check_rows(c, task[p].lo, task[p].hi, err);
    return SVCM_OK;
}

/* ------------------------------------------------------------- edges */

/* An unsigned key with the order of the doubles (finite ones, -0 == +0). */
static inline uint64_t order_key(double x)
{
    x += 0.0; /* -0.0 + 0.0 is +0.0: both zeros get one key */
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : (u | ((uint64_t)1 << 63));
}

/* 0-based ranks of the type-1 quantiles j / k: ceil(n j / k) - 1, computed
 * without overflowing n * j. Non-decreasing in j. */
static void quantile_ranks(size_t n, int k, size_t *ranks)
{
    size_t q = n / (size_t)k, rem = n % (size_t)k;
    for (int j = 1; j < k; j++) {
        size_t a = rem * (size_t)j; /* < k * k */
        ranks[j - 1] = q * (size_t)j + (a + (size_t)k - 1) / (size_t)k - 1;
    }
}

static inline void swap_d(double *a, size_t i, size_t j)
{
    double t = a[i];
    a[i] = a[j];
    a[j] = t;
}

/* Heapsort of a[lo, hi): the O(m log m) fallback of select3. */
static void heap_sort(double *a, size_t lo, size_t hi)
{
    double *h = a + lo;
    size_t m = hi - lo;
    for (size_t end = m; end > 0; end--) {
        if (end == m) { /* build the max-heap once */
            for (size_t i = m / 2; i-- > 0;) {
                for (size_t p = i, c; (c = 2 * p + 1) < m; p = c) {
                    if (c + 1 < m && h[c + 1] > h[c])
                        c++;
                    if (!(h[c] > h[p]))
                        break;
                    swap_d(h, p, c);
                }
            }
        }
        swap_d(h, 0, end - 1); /* the maximum goes to the end */
        for (size_t p = 0, c; (c = 2 * p + 1) < end - 1; p = c) {
            if (c + 1 < end - 1 && h[c + 1] > h[c])
                c++;
            if (!(h[c] > h[p]))
                break;
            swap_d(h, p, c);
        }
    }
}

/* Three-way quickselect of rank r in a[lo, hi): on return a[lo, *lt) < v,
 * a[*lt, *gt) == v, a[*gt, hi) > v with *lt <= r < *gt, and v is returned.
 * Equal runs are settled in one pass, so heavy duplicates cost O(n). After
 * 2 log2(n) rounds without finishing (an adversarial order defeating the
 * median of three) the rest is heap-sorted, so the worst case is
 * O(n log n), as in Musser's introselect. */
static double select3(double *a, size_t lo, size_t hi, size_t r, size_t *lt_out, size_t *gt_out)
{
    int budget = 2;
    for (size_t m = hi - lo; m > 1; m >>= 1)
        budget += 2;
    for (;;) {
        if (hi - lo <= 16 || budget-- <= 0) {
            if (hi - lo <= 16) {
                for (size_t i = lo + 1; i < hi; i++) {
                    double x = a[i];
                    size_t j = i;
                    while (j > lo && a[j - 1] > x) {
                        a[j] = a[j - 1];
                        j--;
                    }
                    a[j] = x;
                }
            } else {
                heap_sort(a, lo, hi);
            }
            double v = a[r];
            size_t lt = r, gt = r + 1;
            while (lt > lo && a[lt - 1] == v)
                lt--;
            while (gt < hi && a[gt] == v)
                gt++;
            *lt_out = lt;
            *gt_out = gt;
            return v;
        }
        /* Median of three: sorted or reverse-sorted runs stay O(n). */
        double x0 = a[lo], x1 = a[lo + (hi - lo) / 2], x2 = a[hi - 1], p;
        if (x0 < x1)
            p = x1 < x2 ? x1 : (x0 < x2 ? x2 : x0);
        else
            p = x0 < x2 ? x0 : (x1 < x2 ? x2 : x1);
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            if (a[i] < p)
                swap_d(a, lt++, i++);
            else if (a[i] > p)
                swap_d(a, i, --gt);
            else
                i++;
        }
        if (r < lt) {
            hi = lt;
        } else if (r >= gt) {
            lo = gt;
        } else {
            *lt_out = lt;
            *gt_out = gt;
            return p;
        }
    }
}

/* Values at the sorted ranks rk[0..nr) (non-decreasing, all in [lo, hi)). */
static void multiselect(double *a, size_t lo, size_t hi, const size_t *rk, double *out, int nr)
{
    while (nr > 0) {
        int mid = nr / 2;
        size_t lt, gt;
        double v = select3(a, lo, hi, rk[mid], &lt, &gt);
        int first = mid, last = mid; /* every rank inside the equal run gets v */
        while (first > 0 && rk[first - 1] >= lt)
            first--;
        while (last + 1 < nr && rk[last + 1] < gt)
            last++;
        for (int j = first; j <= last; j++)
            out[j] = v;
        multiselect(a, lo, lt, rk, out, first);
        rk += last + 1;
        out += last + 1;
        nr -= last + 1;
        lo = gt;
    }
}

/* The double whose order_key() is k (the inverse of order_key). */
static inline double key_value(uint64_t k)
{
    uint64_t u = (k >> 63) ? (k & ~((uint64_t)1 << 63)) : ~k;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* ------------------------------------------------------- edge fitting
 *
 * Type-1 quantile edges of up to three columns (recency, frequency,
 * monetary) in two passes over the rows, each split into parts of
 * consecutive rows run on threads (parallel.h):
 *
 * pass 0: each part counts a histogram of the top HIST_BITS bits of every
 *   column's order keys (32-bit counts, a part's own); in a checking fit it
 *   first checks each block of CHECK_BLOCK rows by the record rules, so the
 *   rows are read once while in cache for both.
 * The summed counts give, for each quantile rank, the bucket that holds it
 *   and the rank within the bucket.
 * pass 1: each part copies its values of the needed buckets of at most
 *   COPY_LIMIT(n) rows to its own slots of a scratch array (after the
 *   previous parts' values of that bucket); of a larger needed bucket it
 *   only notes whether any key differs from the bucket's reference key
 *   (one of its keys found in the first 65,536 rows, else its lowest key: a
 *   wrong guess only sends the bucket to the copying run).
 * A large bucket whose keys all equal the reference holds one value, which
 *   is the edge (heavy ties: purchase counts, whole days); one that holds
 *   several values (rare: a narrow, dense range) is copied by a second run
 *   of pass 1 for it alone. Then each rank is selected within its bucket's
 *   values.
 *
 * The value at a rank does not depend on the order of the values, so the
 * edges are the same for any number of parts. */

#define FIT_COLS 3
#define NEED (SVCM_RFM_MAX_BINS - 1) /* at most this many needed buckets a column */
#define NONE NEED                    /* the slot of a bucket no rank needs */
#define CHECK_BLOCK 2048
#define COPY_LIMIT(n) ((n) / 16 > 65536 ? (n) / 16 : 65536)
/* Most parts of one fit: parts hold at most UINT32_MAX rows (32-bit
 * counts), and run at most `threads` at a time. */
#define FIT_PARTS_MAX 64

typedef struct fit_job {
    const svcm_customers *check; /* non-NULL: pass 0 checks its rows first */
    const double *col[FIT_COLS];
    int ncol;
    size_t st;
    const uint8_t *slot;           /* ncol * HIST_SIZE: a bucket's needed slot, or NONE */
    uint8_t copy[FIT_COLS][NEED + 1]; /* pass 1: copy the values of this slot */
    uint64_t ref[FIT_COLS][NEED + 1]; /* pass 1: reference key of each slot not copied */
    bool skip[FIT_COLS];              /* pass 1: nothing to do in this column */
} fit_job;

typedef struct fit_part {
    const fit_job *job;
    size_t lo, hi;
    int phase; /* 0 or 1 */
    int rc;    /* pass 0: the check's result */
    uint32_t *hist; /* ncol * HIST_SIZE, this part's own */
    double *wp[FIT_COLS][NEED + 1]; /* pass 1: next write position of each slot */
    unsigned differ[FIT_COLS]; /* pass 1: bit u: a key of slot u differs from its reference */
} fit_part;

static void fit_hist(const fit_job *j, uint32_t *hist, size_t lo, size_t hi)
{
    const size_t st = j->st;
    for (int c = 0; c < j->ncol; c++) {
        uint32_t *h = hist + (size_t)c * HIST_SIZE;
        const double *col = j->col[c];
        for (size_t i = lo; i < hi; i++)
            h[order_key(col_at(col, st, i)) >> (64 - HIST_BITS)]++;
    }
}

/* Pass 1 on one column: copies of the values of the needed buckets marked
 * for copying (few rows, so the branch is well predicted), and for the
 * others (large buckets, often of one tied value: purchase counts, whole
 * days) one bit each that is set when a key differs from the bucket's
 * reference key, kept in a register: no store per row. */
static void fit_pass1(fit_part *t, int c)
{
    const fit_job *j = t->job;
    const size_t st = j->st, lo = t->lo, hi = t->hi;
    const uint8_t *slot = j->slot + (size_t)c * HIST_SIZE;
    const double *col = j->col[c];
    double *wp[NEED + 1];
    uint64_t ref[NEED + 1];
    uint8_t cp[NEED + 1];
    memcpy(wp, t->wp[c], sizeof wp);
    memcpy(ref, j->ref[c], sizeof ref);
    memcpy(cp, j->copy[c], sizeof cp);
    unsigned differ = 0;
    for (size_t i = lo; i < hi; i++) {
        const double x = col_at(col, st, i);
        const uint64_t k = order_key(x);
        const unsigned u = slot[k >> (64 - HIST_BITS)];
        differ |= (unsigned)(k != ref[u]) << u;
        if (cp[u])
            *wp[u]++ = x;
    }
    t->differ[c] = differ;
}

static void fit_run(void *arg)
{
    fit_part *t = arg;
    const fit_job *j = t->job;
    if (t->phase == 1) {
        for (int c = 0; c < j->ncol; c++)
            if (!j->skip[c])
                fit_pass1(t, c);
        return;
    }
    memset(t->hist, 0, (size_t)j->ncol * HIST_SIZE * sizeof *t->hist);
    t->rc = SVCM_OK;
    if (j->check == NULL) {
        fit_hist(j, t->hist, t->lo, t->hi);
        return;
    }
    for (size_t b = t->lo; b < t->hi; b += CHECK_BLOCK) {
        size_t e = t->hi - b > CHECK_BLOCK ? b + CHECK_BLOCK : t->hi;
        t->rc = check_rows(j->check, b, e, NULL);
        if (t->rc != SVCM_OK)
            return;
        fit_hist(j, t->hist, b, e);
    }
}

/* svcm__parallel over parts, at most `threads` at a time. */
static void run_parts(fit_part *parts, unsigned np, unsigned threads)
{
    for (unsigned i = 0; i < np; i += threads)
        svcm__parallel(fit_run, parts + i, sizeof *parts, np - i < threads ? np - i : threads);
}

/* Edges of few rows: copy each column and select. */
static int fit_small(const fit_job *j, size_t n, const size_t *ranks, int k, double *const *edges,
                     const svcm_allocator *alloc)
{
    double *a = svcm__alloc(alloc, n * sizeof *a);
    if (a == NULL)
        return SVCM_ENOMEM;
    for (int c = 0; c < j->ncol; c++) {
        for (size_t i = 0; i < n; i++)
            a[i] = col_at(j->col[c], j->st, i);
        multiselect(a, 0, n, ranks, edges[c], k - 1);
    }
    svcm__free(alloc, a);
    return SVCM_OK;
}

/* Where the ranks of one column fall, from the summed histograms. */
typedef struct fit_col {
    size_t bucket[NEED], base[NEED]; /* bucket of rank j, and the rank before it */
    int slot[NEED];                  /* its needed slot */
    int nu;                          /* needed slots */
    size_t ub[NEED], ucount[NEED];   /* their buckets and sizes */
    size_t start[NEED];              /* copied: first scratch index */
    double *seg[NEED];               /* copied: the scratch array holding it */
    bool single[NEED];
    double value[NEED];              /* single: the one value */
} fit_col;

/* A zero edge is +0.0 whatever sign the chosen zero had. */
static void plus_zero(int ncol, int k, double *const *edges)
{
    for (int c = 0; c < ncol; c++)
        for (int r = 0; r < k - 1; r++)
            edges[c][r] += 0.0;
}

/* Type-1 quantile edges of j's columns (n > 0 rows; of finite values, or
 * checked here when j->check is set) into edges[c][0..k-2]. Returns SVCM_OK,
 * a record error of the check (err filled), or SVCM_ENOMEM (no detail; a
 * checking fit reports a bad record first). */
static int fit_columns(fit_job *j, size_t n, int k, double *const *edges,
                       const svcm_allocator *alloc, unsigned threads, svcm_error *err)
{
    size_t ranks[NEED];
    quantile_ranks(n, k, ranks);
    if (threads < 1)
        threads = 1;
    if (threads > SVCM__MAX_THREADS)
        threads = SVCM__MAX_THREADS;
    int rc;
    if (n <= SMALL_FIT) { /* the histograms would cost more than they save */
        if (j->check != NULL && (rc = check_rows(j->check, 0, n, err)) != SVCM_OK)
            return rc;
        rc = fit_small(j, n, ranks, k, edges, alloc);
        if (rc == SVCM_OK)
            plus_zero(j->ncol, k, edges);
        return rc;
    }
    unsigned np = svcm__parts(n, threads, SVCM__MIN_PART_ROWS);
    while (np < FIT_PARTS_MAX && (n + np - 1) / np > UINT32_MAX)
        np++;
    const size_t hist_bytes = (size_t)j->ncol * HIST_SIZE * sizeof(uint32_t);
    fit_part *parts = NULL;
    uint32_t *hists = NULL;
    uint8_t *slot = NULL;
    double *scratch = NULL, *scratch2 = NULL;
    fit_col *fc = NULL;
    if ((n + np - 1) / np <= UINT32_MAX && np <= SIZE_MAX / hist_bytes) {
        parts = svcm__alloc(alloc, np * sizeof *parts);
        hists = svcm__alloc(alloc, np * hist_bytes);
        slot = svcm__alloc(alloc, (size_t)j->ncol * HIST_SIZE);
        fc = svcm__alloc(alloc, (size_t)j->ncol * sizeof *fc);
    }
    rc = SVCM_ENOMEM;
    if (parts == NULL || hists == NULL || slot == NULL || fc == NULL) {
        /* Out of memory: a bad record still wins. */
        if (j->check != NULL)
            rc = svcm__customers_check_threads(j->check, threads, err);
        if (rc == SVCM_OK)
            rc = SVCM_ENOMEM;
        goto done;
    }
    j->slot = slot;
    for (unsigned p = 0; p < np; p++) {
        fit_part *t = &parts[p];
        t->job = j;
        svcm__part(n, np, p, &t->lo, &t->hi);
        t->phase = 0;
        t->hist = hists + (size_t)p * j->ncol * HIST_SIZE;
    }
    run_parts(parts, np, threads);
    /* The first bad record is in the first part that has one. */
    for (unsigned p = 0; p < np; p++)
        if (parts[p].rc != SVCM_OK) {
            rc = check_rows(j->check, parts[p].lo, parts[p].hi, err);
            goto done;
        }
    memset(slot, NONE, (size_t)j->ncol * HIST_SIZE);
    size_t total = 0;
    for (int c = 0; c < j->ncol; c++) {
        fit_col *f = &fc[c];
        const size_t off = (size_t)c * HIST_SIZE;
        size_t cum = 0;
        int r = 0;
        for (size_t b = 0; b < HIST_SIZE && r < k - 1; b++) {
            size_t count = 0;
            for (unsigned p = 0; p < np; p++)
                count += parts[p].hist[off + b];
            while (r < k - 1 && ranks[r] < cum + count) {
                f->bucket[r] = b;
                f->base[r] = cum;
                r++;
            }
            cum += count;
        }
        f->nu = 0;
        for (r = 0; r < k - 1; r++) { /* ranks are sorted: equal buckets adjacent */
            if (r > 0 && f->bucket[r] == f->bucket[r - 1]) {
                f->slot[r] = f->slot[r - 1];
                continue;
            }
            int u = f->nu++;
            f->slot[r] = u;
            f->ub[u] = f->bucket[r];
            f->ucount[u] = 0;
            for (unsigned p = 0; p < np; p++)
                f->ucount[u] += parts[p].hist[off + f->ub[u]];
            slot[off + f->ub[u]] = (uint8_t)u;
            j->copy[c][u] = f->ucount[u] <= COPY_LIMIT(n);
            f->start[u] = total;
            if (j->copy[c][u])
                total += f->ucount[u];
        }
        for (int u = f->nu; u <= NEED; u++)
            j->copy[c][u] = 0;
        j->skip[c] = false;
        /* The reference key of a large bucket: one of its keys found
         * near the start (it holds over 1/16 of the rows), else a guess;
         * a wrong guess only sends the bucket to the copying pass. */
        for (int u = 0; u < NEED; u++)
            j->ref[c][u] = u < f->nu ? (uint64_t)f->ub[u] << (64 - HIST_BITS) : 0;
        j->ref[c][NONE] = 0;
        for (int u = 0; u < f->nu; u++) {
            if (j->copy[c][u])
                continue;
            const size_t scan = n < 65536 ? n : 65536;
            for (size_t i = 0; i < scan; i++) {
                uint64_t key = order_key(col_at(j->col[c], j->st, i));
                if (key >> (64 - HIST_BITS) == f->ub[u]) {
                    j->ref[c][u] = key;
                    break;
                }
            }
        }
    }
    if (total > 0 && (total > SIZE_MAX / sizeof(double) ||
                      (scratch = svcm__alloc(alloc, total * sizeof *scratch)) == NULL))
        goto done;
    /* Each part's slots: after the previous parts' values of the bucket. */
    for (int c = 0; c < j->ncol; c++) {
        const fit_col *f = &fc[c];
        size_t at[NEED];
        for (int u = 0; u < f->nu; u++)
            at[u] = f->start[u];
        for (unsigned p = 0; p < np; p++) {
            for (int u = 0; u < f->nu; u++) {
                parts[p].wp[c][u] = j->copy[c][u] ? scratch + at[u] : NULL;
                if (j->copy[c][u])
                    at[u] += parts[p].hist[(size_t)c * HIST_SIZE + f->ub[u]];
            }
            parts[p].phase = 1;
        }
    }
    run_parts(parts, np, threads);
    /* A large bucket whose keys all equal its reference holds one value;
     * one holding several is copied by a second pass. */
    size_t total2 = 0;
    for (int c = 0; c < j->ncol; c++) {
        fit_col *f = &fc[c];
        unsigned differ = 0;
        for (unsigned p = 0; p < np; p++)
            differ |= parts[p].differ[c];
        j->skip[c] = true;
        for (int u = 0; u < f->nu; u++) {
            f->single[u] = !j->copy[c][u] && !(differ >> u & 1u);
            f->value[u] = key_value(j->ref[c][u]);
            f->seg[u] = scratch;
            bool again = !j->copy[c][u] && !f->single[u];
            j->copy[c][u] = again;
            if (again) {
                j->skip[c] = false;
                f->start[u] = total2;
                total2 += f->ucount[u];
            }
        }
    }
    if (total2 > 0) {
        if (total2 > SIZE_MAX / sizeof(double) ||
            (scratch2 = svcm__alloc(alloc, total2 * sizeof *scratch2)) == NULL)
            goto done;
        for (int c = 0; c < j->ncol; c++) {
            fit_col *f = &fc[c];
            size_t at[NEED];
            for (int u = 0; u < f->nu; u++) {
                at[u] = f->start[u];
                if (j->copy[c][u])
                    f->seg[u] = scratch2;
            }
            for (unsigned p = 0; p < np; p++)
                for (int u = 0; u < f->nu; u++) {
                    parts[p].wp[c][u] = j->copy[c][u] ? scratch2 + at[u] : NULL;
                    if (j->copy[c][u])
                        at[u] += parts[p].hist[(size_t)c * HIST_SIZE + f->ub[u]];
                }
        }
        run_parts(parts, np, threads);
    }
    /* Select each rank within its bucket. */
    for (int c = 0; c < j->ncol; c++) {
        const fit_col *f = &fc[c];
        for (int r = 0; r < k - 1;) {
            int e = r, u = f->slot[r];
            size_t local[NEED];
            while (e < k - 1 && f->slot[e] == u) {
                local[e - r] = f->start[u] + (ranks[e] - f->base[e]);
                e++;
            }
            if (f->single[u]) {
                for (int q = r; q < e; q++)
                    edges[c][q] = f->value[u];
            } else {
                multiselect(f->seg[u], f->start[u], f->start[u] + f->ucount[u], local,
                            edges[c] + r, e - r);
            }
            r = e;
        }
    }
    rc = SVCM_OK;
done:
    svcm__free(alloc, scratch2);
    svcm__free(alloc, scratch);
    svcm__free(alloc, fc);
    svcm__free(alloc, slot);
    svcm__free(alloc, hists);
    svcm__free(alloc, parts);
    if (rc == SVCM_OK)
        plus_zero(j->ncol, k, edges);
    return rc;
}

static bool bins_ok(int bins) { return bins >= SVCM_RFM_MIN_BINS && bins <= SVCM_RFM_MAX_BINS; }

int svcm_rfm_column_edges(const double *x, size_t n, int bins, const svcm_allocator *alloc,
                          double *edges, svcm_error *err)
{
    if (edges == NULL || (x == NULL && n > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL pointer");
    if (svcm__allocator_check(alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    if (!bins_ok(bins))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "bins",
                           "bins must be in %d..%d, got %d", SVCM_RFM_MIN_BINS,
                           SVCM_RFM_MAX_BINS, bins);
    for (size_t i = 0; i < n; i++)
        if (!svcm__finite(x[i]))
            return svcm__error(err, SVCM_EINVAL, i, "value", "value is not finite");
    if (n == 0)
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, NULL, "no values to fit edges from");
    fit_job j = {.col = {x}, .ncol = 1, .st = sizeof(double)};
    double *const out[1] = {edges};
    int rc = fit_columns(&j, n, bins, out, alloc, 1, NULL);
    return rc == SVCM_OK ? rc : svcm__error(err, rc, SVCM_NO_INDEX, NULL, NULL);
}

int svcm_rfm_sorted_edges(const double *sorted, size_t n, int bins, double *edges,
                          svcm_error *err)
{
    if (edges == NULL || (sorted == NULL && n > 0))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "NULL pointer");
    if (!bins_ok(bins))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "bins",
                           "bins must be in %d..%d, got %d", SVCM_RFM_MIN_BINS,
                           SVCM_RFM_MAX_BINS, bins);
    for (size_t i = 0; i < n; i++) {
        if (!svcm__finite(sorted[i]))
            return svcm__error(err, SVCM_EINVAL, i, "value", "value is not finite");
        if (i > 0 && sorted[i] < sorted[i - 1])
            return svcm__error(err, SVCM_EINVAL, i, "value", "values are not sorted ascending");
    }
    if (n == 0)
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, NULL, "no values to fit edges from");
    size_t ranks[SVCM_RFM_MAX_BINS - 1];
    quantile_ranks(n, bins, ranks);
    for (int j = 0; j < bins - 1; j++)
        edges[j] = sorted[ranks[j]] + 0.0;
    return SVCM_OK;
}

int svcm_rfm_fit(const svcm_customers *c, int bins, const svcm_allocator *alloc,
                 svcm_rfm_edges *out, svcm_error *err)
{
    if (out == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "output is NULL");
    if (svcm__allocator_check(alloc, err) != SVCM_OK)
        return SVCM_EINVAL;
    if (!bins_ok(bins))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "bins",
                           "bins must be in %d..%d, got %d", SVCM_RFM_MIN_BINS,
                           SVCM_RFM_MAX_BINS, bins);
    int rc = svcm_customers_check(c, err);
    if (rc != SVCM_OK)
        return rc;
    if (c->n == 0)
        return svcm__error(err, SVCM_EEMPTY, SVCM_NO_INDEX, NULL, "no customers to fit edges from");
    rc = svcm__rfm_fit_rows(c, bins, 1, false, alloc, out, NULL);
    return rc == SVCM_OK ? rc : svcm__error(err, rc, SVCM_NO_INDEX, NULL, NULL);
}

int svcm__rfm_fit_rows(const svcm_customers *c, int bins, unsigned threads, bool check,
                       const svcm_allocator *alloc, svcm_rfm_edges *out, svcm_error *err)
{
    svcm_rfm_edges e;
    memset(&e, 0, sizeof e);
    e.bins = bins;
    fit_job j = {.check = check ? c : NULL,
                 .col = {c->recency, c->frequency, c->monetary},
                 .ncol = 3,
                 .st = view_stride(c)};
    double *const edges[3] = {e.recency, e.frequency, e.monetary};
    int rc = fit_columns(&j, c->n, bins, edges, alloc, threads, err);
    if (rc == SVCM_OK)
        *out = e;
    return rc;
}

static int check_edge_column(const double *v, int ne, const char *field, svcm_error *err)
{
    for (int j = 0; j < ne; j++) {
        if (!svcm__finite(v[j]))
            return svcm__error(err, SVCM_EINVAL, (size_t)j, field, "edge is not finite");
        if (j > 0 && v[j] < v[j - 1])
            return svcm__error(err, SVCM_EINVAL, (size_t)j, field,
                               "edges must be non-decreasing (%g after %g)", v[j], v[j - 1]);
    }
    return SVCM_OK;
}

int svcm_rfm_edges_check(const svcm_rfm_edges *e, svcm_error *err)
{
    if (e == NULL)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, NULL, "edges are NULL");
    if (!bins_ok(e->bins))
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "bins",
                           "bins must be in %d..%d, got %d", SVCM_RFM_MIN_BINS,
                           SVCM_RFM_MAX_BINS, e->bins);
    int rc = check_edge_column(e->recency, e->bins - 1, "recency_edges", err);
    if (rc == SVCM_OK)
        rc = check_edge_column(e->frequency, e->bins - 1, "frequency_edges", err);
    if (rc == SVCM_OK)
        rc = check_edge_column(e->monetary, e->bins - 1, "monetary_edges", err);
    return rc;
}

/* Score = 1 + number of edges strictly below x (reversed for recency). The
 * fixed-length loop over at most nine edges compiles to branch-free code. */
static inline unsigned bin_of(double x, const double *e, int ne)
{
    unsigned b = 1;
    for (int j = 0; j < ne; j++)
        b += x > e[j];
    return b;
}

static void score_column(const double *col, size_t st, size_t n, const double *e, int k,
                         bool reverse, uint8_t *out)
{
    const int ne = k - 1;
    const unsigned top = (unsigned)k + 1;
    if (st == sizeof(double)) { /* packed: let the compiler vectorise */
        for (size_t i = 0; i < n; i++) {
            unsigned b = bin_of(col[i], e, ne);
            out[i] = (uint8_t)(reverse ? top - b : b);
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned b = bin_of(col_at(col, st, i), e, ne);
        out[i] = (uint8_t)(reverse ? top - b : b);
    }
}

int svcm_rfm_score(const svcm_customers *c, const svcm_rfm_edges *e, uint8_t *r, uint8_t *f,
                   uint8_t *m, svcm_error *err)
{
    int rc = svcm_rfm_edges_check(e, err);
    if (rc == SVCM_OK)
        rc = svcm_customers_check(c, err);
    if (rc != SVCM_OK)
        return rc;
    const size_t st = view_stride(c);
    if (r != NULL)
        score_column(c->recency, st, c->n, e->recency, e->bins, true, r);
    if (f != NULL)
        score_column(c->frequency, st, c->n, e->frequency, e->bins, false, f);
    if (m != NULL)
        score_column(c->monetary, st, c->n, e->monetary, e->bins, false, m);
    return SVCM_OK;
}
