"""Benchmark of the erlang engine's Python surface: erlang_c and
agents_needed calls per second at 10 to 5,000 Erlangs (one call per
Python call, so binding overhead is included). Prints figures only."""
import time

import svcm


def rate(fn, budget=0.25):
    n, t0 = 0, time.perf_counter()
    while True:
        for _ in range(32):
            fn()
        n += 32
        t = time.perf_counter() - t0
        if t >= budget:
            return n / t


def main():
    interval, aht = 1800.0, 180.0
    print(f"{'erlangs':>8} {'agents':>7} {'erlang_c/s':>12} {'agents_needed/s':>16}")
    for a in (10.0, 100.0, 1000.0, 5000.0):
        calls = a * interval / aht
        n = svcm.agents_needed(calls, aht, interval, 20.0, 0.8)
        c = rate(lambda: svcm.erlang_c(a, n))
        s = rate(lambda: svcm.agents_needed(calls, aht, interval, 20.0, 0.8))
        print(f"{a:>8.0f} {n:>7} {c:>12.0f} {s:>16.0f}")
    days = [dict(answered=100, answered_within_target=80, abandoned=10,
                 abandoned_within_target=4, handled=100, talk_time_s=15000,
                 staffed_time_s=25000)] * 1000
    r = rate(lambda: svcm.contact_metrics_batch(days), budget=0.25) * 1000
    print(f"contact_metrics_batch: {r:.0f} intervals/s")


if __name__ == '__main__':
    main()
