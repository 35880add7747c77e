/* Benchmark: insert rate of svcm_sketch_add_batch (target: >= 20 million
 * values/s on one core), single-value adds, the durations accumulator, the
 * merge of two full sketches, quantile queries and save/load.
 * Prints figures; asserts no time. Usage: bench_sketch [n_values]. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "svcm/sketch.h"

static double now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Lognormal handle times (median 5 min, sigma 1.2) from xorshift64 and
 * Box-Muller: an unpredictable walk over ~500 buckets. */
static void fill(double *xs, size_t n)
{
    uint64_t s = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < n; i += 2) {
        double u[2];
        for (int k = 0; k < 2; k++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            u[k] = ((double)(s >> 11) + 0.5) * 0x1p-53;
        }
        double r = sqrt(-2.0 * log(u[0]));
        xs[i] = 300.0 * exp(1.2 * r * cos(6.283185307179586 * u[1]));
        if (i + 1 < n)
            xs[i + 1] = 300.0 * exp(1.2 * r * sin(6.283185307179586 * u[1]));
    }
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000u;
    if (n == 0)
        n = 1;
    double *xs = malloc(n * sizeof *xs);
    if (xs == NULL) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    fill(xs, n);
    const int reps = 3;
    double best = 1e300, p99 = 0.0;
    for (int rep = 0; rep < reps; rep++) {
        svcm_sketch *s = NULL;
        if (svcm_sketch_new(NULL, NULL, &s, NULL) != SVCM_OK)
            return 1;
        double t0 = now();
        int rc = svcm_sketch_add_batch(s, xs, n, NULL);
        double dt = now() - t0;
        if (rc != SVCM_OK)
            return 1;
        svcm_sketch_quantile(s, 0.99, &p99);
        svcm_sketch_free(s);
        if (dt < best)
            best = dt;
    }
    printf("sketch_add_batch: %zu values, best of %d: %.4f s, %.1f million values/s (p99 %.1f s)\n",
           n, reps, best, (double)n / best / 1e6, p99);

    svcm_sketch *s = NULL;
    svcm_sketch_new(NULL, NULL, &s, NULL);
    double t0 = now();
    for (size_t i = 0; i < n; i++)
        svcm_sketch_add(s, xs[i]);
    double dt = now() - t0;
    printf("sketch_add (one at a time): %.1f million values/s\n", (double)n / dt / 1e6);

    svcm_durations *d = NULL;
    svcm_durations_new(NULL, NULL, &d, NULL);
    t0 = now();
    svcm_durations_add_batch(d, xs, n, NULL);
    dt = now() - t0;
    struct svcm_durations_result r;
    svcm_durations_result(d, &r);
    printf("durations_add_batch: %.1f million values/s (mean %.1f, std %.1f, p50 %.1f)\n",
           (double)n / dt / 1e6, r.mean, r.std, r.p50);
    svcm_durations_free(d);

    /* Two full sketches: 2048 buckets each over 1e-6 .. 1e9 s. */
    svcm_sketch_options o;
    svcm_sketch_options_init(&o);
    o.exact_limit = 0;
    svcm_sketch *a = NULL, *b = NULL;
    svcm_sketch_new(&o, NULL, &a, NULL);
    svcm_sketch_new(&o, NULL, &b, NULL);
    for (int i = 0; i < 200000; i++) {
        double x = pow(10.0, -6.0 + 15.0 * (i % 100000) / 99999.0);
        svcm_sketch_add(i < 100000 ? a : b, x);
    }
    struct svcm_sketch_result st;
    svcm_sketch_result(a, &st);
    const int merges = 20000;
    t0 = now();
    for (int i = 0; i < merges; i++)
        svcm_sketch_merge(a, b);
    dt = now() - t0;
    printf("sketch_merge of two full sketches (%zu buckets): %.2f us per merge\n", st.buckets,
           dt / merges * 1e6);

    const int queries = 100000;
    double sink = 0.0, q;
    t0 = now();
    for (int i = 0; i < queries; i++) {
        svcm_sketch_quantile(a, (i % 1000) / 999.0, &q);
        sink += q;
    }
    dt = now() - t0;
    printf("sketch_quantile on a full sketch: %.2f us per query (checksum %.3g)\n",
           dt / queries * 1e6, sink);

    size_t len = 0;
    svcm_sketch_save(a, NULL, 0, &len);
    unsigned char *buf = malloc(len);
    const int saves = 20000;
    t0 = now();
    for (int i = 0; i < saves; i++) {
        svcm_sketch *t = NULL;
        svcm_sketch_save(a, buf, len, NULL);
        svcm_sketch_load(buf, len, NULL, &t, NULL);
        svcm_sketch_free(t);
    }
    dt = now() - t0;
    printf("sketch save + load (%zu bytes): %.2f us per round trip\n", len, dt / saves * 1e6);
    free(buf);
    svcm_sketch_free(a);
    svcm_sketch_free(b);
    svcm_sketch_free(s);
    free(xs);
    return 0;
}
