/* Benchmark: RFM edge fitting + scoring + tiering of N customers from plain
 * arrays (struct of arrays), one core. Target: N = 10 million under 1 s.
 * Usage: bench_segment [N]   (default 10000000). Prints figures; asserts no
 * wall-clock time. */
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
