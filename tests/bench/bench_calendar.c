/* Benchmark of the calendar: business_seconds and add_business_seconds over
 * random spans of up to one year, on a Monday-to-Friday schedule with a
 * lunch break, a Saturday morning, an overnight shift and 110 holidays over
 * ten years. Prints calls per second; asserts nothing about time. */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "svcm/calendar.h"

#define N 1000000
#define H 3600
#define DAY INT64_C(86400)

static uint64_t state = 42;
static uint64_t rnd(void) /* splitmix64 */
{
    uint64_t z = (state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
    svcm_calendar_interval iv[16];
    size_t n = 0;
    for (int d = 0; d < 5; d++) {
        iv[n++] = (svcm_calendar_interval){d, 9 * H, 12 * H};
        iv[n++] = (svcm_calendar_interval){d, 13 * H, 18 * H};
    }
    iv[n++] = (svcm_calendar_interval){5, 9 * H, 12 * H};
    iv[n++] = (svcm_calendar_interval){2, 22 * H, 6 * H};
    svcm_date hol[110];
    for (int i = 0; i < 110; i++)
        hol[i] = (svcm_date){2020 + i / 11, 1 + i % 11, 1 + (i * 7) % 28};
    svcm_calendar_options o;
    svcm_calendar_options_init(&o);
    o.utc_offset_minutes = 480;
    o.intervals = iv;
    o.n_intervals = n;
    o.holidays = hol;
    o.n_holidays = 110;
    svcm_calendar *cal = NULL;
    if (svcm_calendar_new(&o, NULL, &cal, NULL) != SVCM_OK)
        return 1;

    int64_t *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b), *out = malloc(N * sizeof *out);
    if (!a || !b || !out)
        return 1;
    const int64_t base = INT64_C(1577836800); /* 2020-01-01 */
    for (int i = 0; i < N; i++) {
        a[i] = base + (int64_t)(rnd() % (uint64_t)(9 * 365 * DAY));
        b[i] = a[i] + (int64_t)(rnd() % (uint64_t)(365 * DAY));
    }
    int64_t sink = 0;
    double t0 = now();
    for (int i = 0; i < N; i++) {
        int64_t v;
        svcm_calendar_business_seconds(cal, a[i], b[i], &v);
        sink += v;
    }
    double t1 = now();
    printf("business_seconds (spans up to 1 year):      %.2f M calls/s\n", N / (t1 - t0) / 1e6);
    for (int i = 0; i < N; i++)
        b[i] = (int64_t)(rnd() % (uint64_t)(2200 * H)); /* up to ~1 year of business time */
    t0 = now();
    for (int i = 0; i < N; i++) {
        int64_t v;
        svcm_calendar_add_business_seconds(cal, a[i], b[i], &v);
        sink += v;
    }
    t1 = now();
    printf("add_business_seconds (up to ~1 year):       %.2f M calls/s\n", N / (t1 - t0) / 1e6);
    t0 = now();
    svcm_calendar_add_business_seconds_batch(cal, a, b, N, out, NULL);
    t1 = now();
    printf("add_business_seconds_batch (validate+fill): %.2f M items/s\n", N / (t1 - t0) / 1e6);
    t0 = now();
    for (int i = 0; i < N; i++) {
        bool open;
        svcm_calendar_is_open(cal, a[i], &open);
        sink += open;
    }
    t1 = now();
    printf("is_open:                                    %.2f M calls/s\n", N / (t1 - t0) / 1e6);
    printf("(checksum %lld)\n", (long long)(sink + out[N - 1]));
    free(a);
    free(b);
    free(out);
    svcm_calendar_free(cal);
    return 0;
}
