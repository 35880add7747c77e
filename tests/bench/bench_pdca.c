/* Benchmark of the pdca engine: the Check (Welch, XmR, Western Electric)
 * over 1,000 to 1,000,000 samples, the standalone Western Electric rules,
 * and save/load of a cycle. Prints figures; asserts nothing about time. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "svcm/pdca.h"

static double now_s(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of this thread: on a shared machine the wall clock also counts
 * the time other processes held the core. */
static double cpu_s(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static volatile double sink;

/* Deterministic uniform values in [mean - 0.5, mean + 0.5) (xorshift64). */
static double noise(uint64_t *s, double mean)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return mean + (double)(*s >> 11) / 9007199254740992.0 - 0.5;
}

/* A cycle in DO with n baseline and n after samples. */
static svcm_cycle *make(size_t n)
{
    svcm_cycle_options o;
    svcm_cycle_options_init(&o);
    o.title = "bench";
    o.metric = "m";
    svcm_cycle *c = NULL;
    if (svcm_cycle_new(&o, NULL, &c, NULL) != SVCM_OK)
        return NULL;
    svcm_pdca_sample *s = calloc(n, sizeof *s);
    uint64_t seed = 88172645463325252ull;
    for (size_t i = 0; i < n; i++)
        s[i] = (svcm_pdca_sample){(int64_t)i, noise(&seed, 10.0), true, false, 0, 0};
    int rc = svcm_cycle_set_goal(c, 10, 10.2, 0, NULL);
    if (rc == SVCM_OK)
        rc = svcm_cycle_add_action(c, "a", NULL, 0, NULL, NULL);
    if (rc == SVCM_OK)
        rc = svcm_cycle_measure(c, s, n, NULL);
    if (rc == SVCM_OK)
        rc = svcm_cycle_start(c, (int64_t)n, NULL, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        s[i] = (svcm_pdca_sample){(int64_t)(n + i), noise(&seed, 10.1), false, false, 0, 0};
    if (rc == SVCM_OK)
        rc = svcm_cycle_measure(c, s, n, NULL);
    free(s);
    if (rc != SVCM_OK) {
        svcm_cycle_free(c);
        return NULL;
    }
    return c;
}

int main(void)
{
    static const size_t sizes[] = {1000, 100000, 1000000};
    printf("%-10s %14s %16s %14s %14s\n", "samples", "check ms", "samples/s", "save ms", "load ms");
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        svcm_cycle *c = make(n);
        if (c == NULL)
            return 1;
        struct svcm_cycle_check_result r;
        int reps = n >= 1000000 ? 1 : n >= 100000 ? 5 : 500;
        double t0 = now_s();
        for (int i = 0; i < reps; i++) {
            if (svcm_cycle_check(c, (int64_t)(2 * n), NULL, NULL, &r, NULL) != SVCM_OK)
                return 1;
            sink = r.p_value;
        }
        double tc = (now_s() - t0) / reps;
        size_t len = 0;
        svcm_cycle_format(c, NULL, 0, &len);
        char *buf = malloc(len + 1);
        t0 = now_s();
        if (svcm_cycle_format(c, buf, len + 1, &len) != SVCM_OK)
            return 1;
        double ts = now_s() - t0;
        svcm_cycle *d = NULL;
        t0 = now_s();
        if (svcm_cycle_parse(buf, len, NULL, &d, NULL) != SVCM_OK)
            return 1;
        double tl = now_s() - t0;
        printf("%-10zu %14.3f %16.0f %14.3f %14.3f\n", 2 * n, tc * 1e3, 2.0 * (double)n / tc,
               ts * 1e3, tl * 1e3);
        svcm_cycle_free(d);
        free(buf);
        svcm_cycle_free(c);
    }
    /* Issue 18: save and load of a cycle with 2 M samples (~40 MB of
     * text), best of 3 runs, against the target of 0.3 s each. */
    {
        svcm_cycle *c = make(1000000);
        if (c == NULL)
            return 1;
        size_t len = 0;
        svcm_cycle_format(c, NULL, 0, &len);
        char *buf = malloc(len + 1);
        if (buf == NULL)
            return 1;
        double best[4] = {1e9, 1e9, 1e9, 1e9}; /* save wall, cpu; load wall, cpu */
        for (int rep = 0; rep < 3; rep++) {
            double w0 = now_s(), c0 = cpu_s();
            if (svcm_cycle_format(c, buf, len + 1, &len) != SVCM_OK)
                return 1;
            double w1 = now_s(), c1 = cpu_s();
            svcm_cycle *d = NULL;
            if (svcm_cycle_parse(buf, len, NULL, &d, NULL) != SVCM_OK)
                return 1;
            double w2 = now_s(), c2 = cpu_s();
            svcm_cycle_free(d);
            double t[4] = {w1 - w0, c1 - c0, w2 - w1, c2 - c1};
            for (int i = 0; i < 4; i++)
                if (t[i] < best[i])
                    best[i] = t[i];
        }
        printf("save 2000000 samples (%.1f MB): %.3f s (cpu %.3f s), target <= 0.300 s\n",
               (double)len / 1e6, best[0], best[1]);
        printf("load 2000000 samples (%.1f MB): %.3f s (cpu %.3f s), target <= 0.300 s\n",
               (double)len / 1e6, best[2], best[3]);
        free(buf);
        svcm_cycle_free(c);
    }
    size_t n = 1000000;
    double *x = malloc(n * sizeof *x);
    svcm_we_signal *sig = malloc(4 * n * sizeof *sig);
    uint64_t seed = 2463534242ull;
    for (size_t i = 0; i < n; i++)
        x[i] = noise(&seed, 0.0) * 6.0;
    size_t count = 0;
    double t0 = now_s();
    if (svcm_western_electric(x, n, 0.0, 1.0, sig, 4 * n, &count, NULL) != SVCM_OK)
        return 1;
    double t = now_s() - t0;
    printf("western_electric: %zu points in %.3f ms (%.0f points/s, %zu signals)\n", n, t * 1e3,
           (double)n / t, count);
    free(sig);
    free(x);
    return 0;
}
