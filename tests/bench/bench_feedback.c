/* Benchmark: NPS counting throughput of svcm_feedback_add_batch (target:
 * >= 100 million scores/s on one core), and the rate batch for comparison.
 * Prints figures; asserts no time. Usage: bench_feedback [n_scores]. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "svcm/kpi.h"

static double now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000u;
    if (n == 0)
        n = 1;
    double *xs = malloc(n * sizeof *xs);
    double *bits = malloc(n * sizeof *bits);
    if (xs == NULL || bits == NULL) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    /* Pseudo-random answers over all eleven levels (xorshift64), so the
     * histogram lanes see an unpredictable mix. */
    uint64_t s = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < n; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        unsigned r = (unsigned)(s >> 40) % 20u;
        xs[i] = (double)(r < 10 ? 10 - r / 3 : r % 11);
        bits[i] = (double)(r & 1u);
    }
    svcm_feedback_options o;
    svcm_feedback_options_init(&o, SVCM_FEEDBACK_KIND_NPS);
    const int reps = 5;
    double best = 1e300;
    struct svcm_feedback_result res = {0};
    for (int rep = 0; rep < reps; rep++) {
        svcm_feedback *f = NULL;
        if (svcm_feedback_new(&o, NULL, &f, NULL) != SVCM_OK)
            return 1;
        double t0 = now();
        int rc = svcm_feedback_add_batch(f, xs, n, NULL);
        double dt = now() - t0;
        if (rc != SVCM_OK || svcm_feedback_result(f, 0.95, &res) != SVCM_OK)
            return 1;
        if (dt < best)
            best = dt;
        svcm_feedback_free(f);
    }
    printf("nps_add_batch: %zu scores, best of %d: %.4f s, %.1f million scores/s (NPS %.2f)\n", n,
           reps, best, (double)n / best / 1e6, res.value);
    best = 1e300;
    for (int rep = 0; rep < reps; rep++) {
        svcm_rate r;
        svcm_rate_init(&r, SVCM_RATE_KIND_FCR);
        double t0 = now();
        int rc = svcm_rate_add_batch(&r, bits, n, NULL);
        double dt = now() - t0;
        if (rc != SVCM_OK)
            return 1;
        if (dt < best)
            best = dt;
    }
    printf("rate_add_batch: %zu outcomes, best of %d: %.4f s, %.1f million outcomes/s\n", n, reps,
           best, (double)n / best / 1e6);
    free(xs);
    free(bits);
    return 0;
}
