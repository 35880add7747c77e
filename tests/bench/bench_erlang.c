/* Benchmark of the erlang engine: erlang_c and the staffing search
 * (agents_needed) calls per second at 10 to 5,000 Erlangs, and contact
 * metrics per second. Prints figures; asserts nothing about time. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "svcm/erlang.h"

static double now_s(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Keep results observable so the loops are not optimised away. */
static volatile double sink;

int main(void)
{
    static const double loads[] = {10.0, 100.0, 1000.0, 5000.0};
    const double budget = 0.25; /* seconds per figure */
    svcm_erlang_options o;
    svcm_erlang_options_init(&o); /* 80% in 20 s */
    printf("%-10s %8s %16s %20s\n", "erlangs", "agents", "erlang_c/s", "agents_needed/s");
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
        double a = loads[i];
        struct svcm_erlang_result r;
        if (svcm_erlang_staff(a, 180.0, &o, &r, NULL) != SVCM_OK)
            return 1;
        long calls = 0;
        double t0 = now_s(), t;
        do {
            for (int k = 0; k < 64; k++) {
                double c;
                svcm_erlang_c(a, r.agents, &c, NULL);
                sink = c;
            }
            calls += 64;
        } while ((t = now_s() - t0) < budget);
        double c_rate = (double)calls / t;
        calls = 0;
        t0 = now_s();
        do {
            for (int k = 0; k < 16; k++) {
                struct svcm_erlang_result s;
                svcm_erlang_staff(a, 180.0, &o, &s, NULL);
                sink = s.service_level;
            }
            calls += 16;
        } while ((t = now_s() - t0) < budget);
        printf("%-10.0f %8u %16.0f %20.0f\n", a, (unsigned)r.agents, c_rate, (double)calls / t);
    }

    enum { N = 4096 };
    static svcm_contact_counts counts[N];
    static svcm_contact_metrics out[N];
    for (int i = 0; i < N; i++) {
        memset(&counts[i], 0, sizeof counts[i]);
        counts[i].answered = 100 + i % 50;
        counts[i].answered_within_target = 80;
        counts[i].abandoned = 10;
        counts[i].abandoned_within_target = 4;
        counts[i].abandoned_short = 2;
        counts[i].wait_time_s = 900;
        counts[i].handled = 100;
        counts[i].talk_time_s = 15000;
        counts[i].staffed_time_s = 25000;
    }
    long n = 0;
    double t0 = now_s(), t;
    do {
        svcm_contact_metrics_batch(counts, N, out, NULL);
        sink = out[N - 1].sl_offered;
        n += N;
    } while ((t = now_s() - t0) < budget);
    printf("contact_metrics_batch: %.0f intervals/s\n", (double)n / t);
    return 0;
}
