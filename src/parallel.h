/* Internal: run a few tasks at once on POSIX threads (parallel.c says why
 * not C11 <threads.h>).
 *
 * svcm__parallel(fn, tasks, size, n) calls fn on each of the n task records
 * (tasks + i * size), task 0 on the calling thread and the others on new
 * threads, and returns when all are done. A thread that cannot be created
 * has its task run on the calling thread instead, after task 0: the work is
 * the same, only slower, so callers whose tasks write disjoint outputs get
 * the same results whatever happens. Nothing is allocated; n is at most
 * SVCM__MAX_THREADS. */
#ifndef SVCM_PARALLEL_H
#define SVCM_PARALLEL_H

#include <stddef.h>

#define SVCM__MAX_THREADS 64
/* Rows per part below which another thread does not pay for itself. */
#define SVCM__MIN_PART_ROWS 1024

typedef void (*svcm__task_fn)(void *task);

void svcm__parallel(svcm__task_fn fn, void *tasks, size_t size, unsigned n);

struct svcm_error;
/* The check of a run-options thread count: SVCM_OK when 1 <= threads <=
 * most, else SVCM_EINVAL with field "threads" and the range in err. */
int svcm__threads_check(unsigned threads, unsigned most, struct svcm_error *err);

/* Row range [*lo, *hi) of part i of n parts of rows 0..total, in order. */
static inline void svcm__part(size_t total, unsigned n, unsigned i, size_t *lo, size_t *hi)
{
    size_t q = total / n, r = total % n;
    *lo = q * i + (i < r ? i : r);
    *hi = *lo + q + (i < r ? 1 : 0);
}

/* How many parts to split @p total rows into: at most @p threads, and each
 * part at least @p min_rows long (1 part when total < 2 * min_rows). */
static inline unsigned svcm__parts(size_t total, unsigned threads, size_t min_rows)
{
    if (threads > SVCM__MAX_THREADS)
        threads = SVCM__MAX_THREADS;
    size_t most = total / (min_rows ? min_rows : 1);
    if (most < 1)
        most = 1;
    return threads < most ? (threads ? threads : 1) : (unsigned)most;
}

#endif /* SVCM_PARALLEL_H */
