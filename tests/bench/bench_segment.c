/* Benchmark: RFM edge fitting + scoring + tiering of N customers from plain
 * arrays (struct of arrays): svcm_rfm_fit + svcm_segment_assign on one
 * core, then svcm_segment_run (the same work, input checked once) on 1 and
 * 2 threads side by side with the target (issue 18: 10 M customers in
 * <= 0.20 s) and the 1 -> 2 thread scaling. Each figure is the best of 3.
 * Usage: bench_segment [N] [THREADS]   (default 10000000, 2). Prints
 * figures; asserts no wall-clock time (but fails if the threaded results
 * differ from the one-thread ones). */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svcm/segment.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of the process (all threads): the figure to compare on a shared
 * machine, where wall time depends on what else runs. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng = 0x2545F4914F6CDD1Du;
static double unif(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (double)((rng * 0x2545F4914F6CDD1Du) >> 11) * 0x1p-53;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000u;
    if (n == 0)
        n = 1;
    unsigned threads = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 2u;
    if (threads < 1 || threads > SVCM_SEGMENT_MAX_THREADS)
        threads = 2;
    double *r = malloc(n * sizeof *r), *f = malloc(n * sizeof *f);
    double *m = malloc(n * sizeof *m), *t = malloc(n * sizeof *t);
    uint8_t *tier = malloc(n), *why = malloc(n), *rs = malloc(n), *fs = malloc(n), *ms = malloc(n);
    int64_t *ids = malloc(n * sizeof *ids);
    if (!r || !f || !m || !t || !tier || !why || !rs || !fs || !ms || !ids) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    /* Whole days of recency (many ties), geometric purchase counts,
     * log-normal-ish spend. */
    for (size_t i = 0; i < n; i++) {
        t[i] = floor(unif() * 1500.0);
        r[i] = floor(unif() * (t[i] + 1.0));
        f[i] = 1.0 + floor(-log1p(-unif()) * 4.0);
        m[i] = f[i] * exp(3.0 + 1.2 * (unif() + unif() + unif() - 1.5));
        ids[i] = (int64_t)((uint64_t)i * 2654435761u); /* odd multiplier: distinct */
    }
    svcm_customers c = {.n = n, .recency = r, .frequency = f, .monetary = m, .tenure = t};
    svcm_segment_options p;
    svcm_segment_options_init(&p);
    svcm_rfm_edges e;
    svcm_error err;

    double t0 = now();
    int rc = svcm_rfm_fit(&c, p.bins, NULL, &e, &err);
    double t1 = now();
    if (rc == SVCM_OK)
        rc = svcm_segment_assign(&c, &p, &e, tier, why, rs, fs, ms, &err);
    double t2 = now();
    if (rc != SVCM_OK) {
        fprintf(stderr, "failed: %s\n", err.message);
        return 1;
    }
    size_t count[SVCM_TIER_COUNT] = {0};
    for (size_t i = 0; i < n; i++)
        count[tier[i]]++;
    printf("segment: %zu customers, k = %d\n", n, p.bins);
    printf("  fit edges (3 columns)        %8.3f s\n", t1 - t0);
    printf("  score + tier + reasons       %8.3f s\n", t2 - t1);
    printf("  total                        %8.3f s  (%.1f ns/customer)\n", t2 - t0,
           1e9 * (t2 - t0) / (double)n);
    printf("  tiers: vip %zu, key %zu, regular %zu, potential %zu, lost %zu\n", count[0],
           count[1], count[2], count[3], count[4]);

    /* svcm_segment_run on 1 and `threads` threads: best of 3 each, and the
     * outputs compared byte for byte with the one-thread run above. */
    uint8_t *tier2 = malloc(n), *why2 = malloc(n), *rs2 = malloc(n), *fs2 = malloc(n),
            *ms2 = malloc(n);
    if (!tier2 || !why2 || !rs2 || !fs2 || !ms2) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    unsigned counts[2] = {1, threads};
    double best[2] = {INFINITY, INFINITY}, best_cpu[2] = {INFINITY, INFINITY};
    for (int k = 0; k < 2; k++) {
        svcm_segment_run_options run;
        svcm_segment_run_options_init(&run);
        run.threads = counts[k];
        for (int rep = 0; rep < 3; rep++) {
            svcm_rfm_edges e2;
            double ca = cpu_now(), a = now();
            rc = svcm_segment_run(&c, &p, NULL, &run, NULL, tier2, why2, rs2, fs2, ms2, &e2,
                                  &err);
            double b = now(), cb = cpu_now();
            if (cb - ca < best_cpu[k])
                best_cpu[k] = cb - ca;
            if (rc != SVCM_OK) {
                fprintf(stderr, "svcm_segment_run failed: %s\n", err.message);
                return 1;
            }
            if (memcmp(&e2, &e, sizeof e) != 0 || memcmp(tier2, tier, n) != 0 ||
                memcmp(why2, why, n) != 0 || memcmp(rs2, rs, n) != 0 ||
                memcmp(fs2, fs, n) != 0 || memcmp(ms2, ms, n) != 0) {
                fprintf(stderr, "svcm_segment_run on %u threads differs from one thread\n",
                        counts[k]);
                return 1;
            }
            if (b - a < best[k])
                best[k] = b - a;
        }
    }
    printf("  svcm_segment_run, fit + score + tier + reasons (best of 3; wall, and CPU of "
           "all threads):\n");
    printf("    1 thread                   %8.3f s  (CPU %.3f s; before: 0.394 s idle)\n",
           best[0], best_cpu[0]);
    printf("    %u threads                  %8.3f s  (CPU %.3f s; target <= 0.20 s at 10 M, "
           "aim 0.17 s; before: 0.222 s idle; scaling 1 -> %u: %.2fx)\n",
           threads, best[1], best_cpu[1], threads, best[0] / best[1]);
    free(tier2);
    free(why2);
    free(rs2);
    free(fs2);
    free(ms2);

    svcm_tier_summary s[SVCM_TIER_COUNT];
    double t3 = now();
    rc = svcm_segment_summarize(&c, tier, rs, fs, ms, s, &err);
    double t4 = now();
    if (rc != SVCM_OK)
        return 1;
    printf("  summarize                    %8.3f s\n", t4 - t3);

    svcm_migration mg;
    double t5 = now();
    rc = svcm_segment_migration(ids, tier, n, ids, tier, n, NULL, &mg, &err);
    double t6 = now();
    if (rc != SVCM_OK) {
        fprintf(stderr, "migration failed: %s\n", err.message);
        return 1;
    }
    printf("  migration (two snapshots)    %8.3f s\n", t6 - t5);
    free(r);
    free(f);
    free(m);
    free(t);
    free(tier);
    free(why);
    free(rs);
    free(fs);
    free(ms);
    free(ids);
    return 0;
}
