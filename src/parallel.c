/* A fork-join of a few tasks on POSIX threads; see parallel.h.
 *
 * POSIX threads rather than C11 <threads.h>: GCC 12's ThreadSanitizer
 * (Debian 12) does not intercept thrd_create, so a C11 thread is unknown to
 * it and crashes its first instrumented access; pthread_create is
 * intercepted by every sanitizer and valgrind, and exists wherever the
 * library is built (Meson's dependency('threads')). */
#define _POSIX_C_SOURCE 200809L
#include "parallel.h"

#include "internal.h"

#include <pthread.h>
#include <stdbool.h>

typedef struct start {
    svcm__task_fn fn;
    void *task;
} start;

static void *trampoline(void *arg)
{
    start *s = arg;
    s->fn(s->task);
    return NULL;
}

void svcm__parallel(svcm__task_fn fn, void *tasks, size_t size, unsigned n)
{
    char *t = tasks;
    if (n > SVCM__MAX_THREADS)
        n = SVCM__MAX_THREADS;
    pthread_t th[SVCM__MAX_THREADS];
    start st[SVCM__MAX_THREADS];
    bool started[SVCM__MAX_THREADS];
    for (unsigned i = 1; i < n; i++) {
        st[i].fn = fn;
        st[i].task = t + i * size;
        started[i] = pthread_create(&th[i], NULL, trampoline, &st[i]) == 0;
    }
    if (n > 0)
        fn(t);
    for (unsigned i = 1; i < n; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
        else
            fn(t + i * size); /* no thread: run its task here */
    }
}

int svcm__threads_check(unsigned threads, unsigned most, svcm_error *err)
{
    if (threads < 1 || threads > most)
        return svcm__error(err, SVCM_EINVAL, SVCM_NO_INDEX, "threads",
                           "threads must be in 1..%u, got %u", most, threads);
    return SVCM_OK;
}
