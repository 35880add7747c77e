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
#define NOT_NEEDED SIZE_MAX
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

/* One part of the rows of a column, for the passes of fit_column: the
 * histogram of its keys (phase 0); the smallest and largest key in each
 * needed bucket (phase 1); the copy of its values that fall in the needed
 * buckets to their places in the scratch array (phase 2). */
typedef struct hist_task {
    const double *col;
    size_t st, lo, hi;
    size_t *hist;                        /* HIST_SIZE entries, this part's own */
    int phase;
    int nb;                              /* needed buckets */
    size_t need[SVCM_RFM_MAX_BINS - 1];  /* their numbers */
    size_t start[SVCM_RFM_MAX_BINS - 1]; /* phase 2: this part's first slot in each */
    size_t count[SVCM_RFM_MAX_BINS - 1]; /* this part's values in each distinct needed bucket */
    uint64_t kmin[SVCM_RFM_MAX_BINS - 1], kmax[SVCM_RFM_MAX_BINS - 1]; /* phase 1 */
    double *scratch;
} hist_task;

static void hist_run(void *arg)
{
    hist_task *t = arg;
    size_t *hist = t->hist;
    if (t->phase == 0) {
        memset(hist, 0, HIST_SIZE * sizeof *hist);
        for (size_t i = t->lo; i < t->hi; i++)
            hist[order_key(col_at(t->col, t->st, i)) >> (64 - HIST_BITS)]++;
        return;
    }
    /* hist[b] becomes the slot of bucket b (phase 1: its index in need[],
     * phase 2: its write position), or NOT_NEEDED. */
    for (size_t b = 0; b < HIST_SIZE; b++)
        hist[b] = NOT_NEEDED;
    if (t->phase == 1) {
        uint64_t kmin[SVCM_RFM_MAX_BINS - 1], kmax[SVCM_RFM_MAX_BINS - 1];
        for (int j = 0; j < t->nb; j++) {
            hist[t->need[j]] = (size_t)j;
            kmin[j] = UINT64_MAX;
            kmax[j] = 0;
        }
        for (size_t i = t->lo; i < t->hi; i++) {
            uint64_t k = order_key(col_at(t->col, t->st, i));
            size_t j = hist[k >> (64 - HIST_BITS)];
            if (j != NOT_NEEDED) {
                kmin[j] = k < kmin[j] ? k : kmin[j];
                kmax[j] = k > kmax[j] ? k : kmax[j];
            }
        }
        memcpy(t->kmin, kmin, sizeof kmin);
        memcpy(t->kmax, kmax, sizeof kmax);
        return;
    }
    for (int j = 0; j < t->nb; j++)
        hist[t->need[j]] = t->start[j];
    double *scratch = t->scratch;
    for (size_t i = t->lo; i < t->hi; i++) {
        double x = col_at(t->col, t->st, i);
        size_t *pos = &hist[order_key(x) >> (64 - HIST_BITS)];
        if (*pos != NOT_NEEDED)
            scratch[(*pos)++] = x;
    }
}

/* Type-1 quantile edges of a strided column of finite values, the passes
 * over the rows split into up to @p threads parts. Each part counts its own
 * histogram; the counts are summed, and each part then copies its values of
 * the needed buckets to its own slots, in row order, so the scratch array
 * (and every edge) is the same for any number of parts. When the needed
 * buckets hold more than a quarter of the rows (heavy ties: purchase
 * counts, whole days), a pass of key bounds comes first, and a bucket whose
 * smallest and largest keys are equal holds one value, which is then the
 * edge: it is neither copied nor selected. */
static int fit_column(const double *col, size_t st, size_t n, int k, double *edges,
                      const svcm_allocator *alloc, unsigned threads)
{
    size_t ranks[SVCM_RFM_MAX_BINS - 1];
    if (n > SIZE_MAX / sizeof(double))
        return SVCM_ENOMEM;
    quantile_ranks(n, k, ranks);
    if (n <= SMALL_FIT) { /* the histogram would cost more than it saves */
        double *a = svcm__alloc(alloc, n * sizeof *a);
        if (a == NULL)
            return SVCM_ENOMEM;
        for (size_t i = 0; i < n; i++)
            a[i] = col_at(col, st, i);
        double out[SVCM_RFM_MAX_BINS - 1];
        multiselect(a, 0, n, ranks, out, k - 1);
        svcm__free(alloc, a);
        for (int j = 0; j < k - 1; j++)
            edges[j] = out[j] + 0.0;
        return SVCM_OK;
    }
    const unsigned parts = svcm__parts(n, threads, SVCM__MIN_PART_ROWS);
    hist_task task[SVCM__MAX_THREADS];
    size_t *hists = svcm__alloc(alloc, (size_t)parts * HIST_SIZE * sizeof *hists);
    if (hists == NULL)
        return SVCM_ENOMEM;
    for (unsigned p = 0; p < parts; p++) {
        task[p].col = col;
        task[p].st = st;
        svcm__part(n, parts, p, &task[p].lo, &task[p].hi);
        task[p].hist = hists + (size_t)p * HIST_SIZE;
        task[p].phase = 0;
        task[p].nb = 0;
        task[p].scratch = NULL;
    }
    svcm__parallel(hist_run, task, sizeof task[0], parts);
    /* The bucket holding each rank, and its rank within the bucket. */
    size_t bucket[SVCM_RFM_MAX_BINS - 1], base[SVCM_RFM_MAX_BINS - 1];
    size_t cum = 0;
    int j = 0;
    for (size_t b = 0; b < HIST_SIZE && j < k - 1; b++) {
        size_t count = 0;
        for (unsigned p = 0; p < parts; p++)
            count += task[p].hist[b];
        while (j < k - 1 && ranks[j] < cum + count) {
            bucket[j] = b;
            base[j] = cum;
            j++;
        }
        cum += count;
    }
    /* The distinct needed buckets (ranks are sorted: equal ones adjacent),
     * their sizes, and the slot of each rank. */
    size_t ub[SVCM_RFM_MAX_BINS - 1], ucount[SVCM_RFM_MAX_BINS - 1], needed = 0;
    int slot[SVCM_RFM_MAX_BINS - 1], nu = 0;
    for (j = 0; j < k - 1; j++) {
        if (j > 0 && bucket[j] == bucket[j - 1]) {
            slot[j] = slot[j - 1];
            continue;
        }
        slot[j] = nu;
        ub[nu] = bucket[j];
        ucount[nu] = 0;
        for (unsigned p = 0; p < parts; p++) {
            task[p].count[nu] = task[p].hist[bucket[j]];
            ucount[nu] += task[p].count[nu];
        }
        needed += ucount[nu];
        nu++;
    }
    bool single[SVCM_RFM_MAX_BINS - 1] = {false};
    double value[SVCM_RFM_MAX_BINS - 1];
    if (needed > n / 4) {
        for (unsigned p = 0; p < parts; p++) {
            task[p].phase = 1;
            task[p].nb = nu;
            memcpy(task[p].need, ub, sizeof ub);
        }
        svcm__parallel(hist_run, task, sizeof task[0], parts);
        for (int u = 0; u < nu; u++) {
            uint64_t lo = UINT64_MAX, hi = 0;
            for (unsigned p = 0; p < parts; p++) {
                lo = task[p].kmin[u] < lo ? task[p].kmin[u] : lo;
                hi = task[p].kmax[u] > hi ? task[p].kmax[u] : hi;
            }
            single[u] = lo == hi;
            value[u] = key_value(lo);
        }
    }
    /* Lay the buckets still to select out one after another in the scratch
     * array, and within a bucket the parts one after another. */
    size_t seg_start[SVCM_RFM_MAX_BINS - 1];
    size_t total = 0;
    int nb = 0;
    for (int u = 0; u < nu; u++) {
        if (single[u])
            continue;
        seg_start[u] = total;
        for (unsigned p = 0; p < parts; p++) {
            task[p].need[nb] = ub[u];
            task[p].start[nb] = total;
            total += task[p].count[u];
        }
        nb++;
    }
    double *scratch = NULL;
    if (nb > 0) {
        scratch = svcm__alloc(alloc, total * sizeof *scratch);
        if (scratch == NULL) {
            svcm__free(alloc, hists);
            return SVCM_ENOMEM;
        }
        for (unsigned p = 0; p < parts; p++) {
            task[p].phase = 2;
            task[p].nb = nb;
            task[p].scratch = scratch;
        }
        svcm__parallel(hist_run, task, sizeof task[0], parts);
    }
    svcm__free(alloc, hists);
    /* Select within each bucket the ranks that fall into it. */
    double out[SVCM_RFM_MAX_BINS - 1];
    for (j = 0; j < k - 1;) {
        int e = j, u = slot[j];
        size_t local[SVCM_RFM_MAX_BINS - 1];
        while (e < k - 1 && slot[e] == u) {
            local[e - j] = single[u] ? 0 : seg_start[u] + (ranks[e] - base[e]);
            e++;
        }
        if (single[u]) {
            for (int q = j; q < e; q++)
                out[q] = value[u];
        } else {
            multiselect(scratch, seg_start[u], seg_start[u] + ucount[u], local, out + j, e - j);
        }
        j = e;
    }
    svcm__free(alloc, scratch);
    /* A zero edge is +0.0 whatever sign the chosen zero had. */
    for (j = 0; j < k - 1; j++)
        edges[j] = out[j] + 0.0;
    return SVCM_OK;
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
    int rc = fit_column(x, sizeof(double), n, bins, edges, alloc, 1);
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
    rc = svcm__rfm_fit_checked(c, bins, 1, alloc, out);
    return rc == SVCM_OK ? rc : svcm__error(err, rc, SVCM_NO_INDEX, NULL, NULL);
}

int svcm__rfm_fit_checked(const svcm_customers *c, int bins, unsigned threads,
                          const svcm_allocator *alloc, svcm_rfm_edges *out)
{
    svcm_rfm_edges e;
    memset(&e, 0, sizeof e);
    e.bins = bins;
    const size_t st = view_stride(c);
    int rc = fit_column(c->recency, st, c->n, bins, e.recency, alloc, threads);
    if (rc == SVCM_OK)
        rc = fit_column(c->frequency, st, c->n, bins, e.frequency, alloc, threads);
    if (rc == SVCM_OK)
        rc = fit_column(c->monetary, st, c->n, bins, e.monetary, alloc, threads);
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
