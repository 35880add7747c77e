"""Benchmark of the pdca engine's Python surface: a full cycle (create,
measure_many, start, check, save, load) and western_electric over a
buffer, with binding overhead included. Prints figures only."""
import array
import random
import time

import svcm


def cycle(n, rng):
    c = svcm.Cycle("bench", "m", True, 10.0, 10.2, 0)
    c.add_action("a")
    c.measure_many(array.array("q", range(n)),
                   array.array("d", (rng.gauss(10, 1) for _ in range(n))), baseline=True)
    c.start(n)
    c.measure_many(array.array("q", range(n, 2 * n)),
                   array.array("d", (rng.gauss(10.1, 1) for _ in range(n))))
    return c


def main():
    rng = random.Random(7)
    print(f"{'samples':>8} {'check ms':>10} {'save ms':>10} {'load ms':>10}")
    for n in (1_000, 100_000):
        c = cycle(n, rng)
        t0 = time.perf_counter()
        c.check()
        t1 = time.perf_counter()
        text = c.save()
        t2 = time.perf_counter()
        svcm.Cycle.load(text)
        t3 = time.perf_counter()
        print(f"{2 * n:>8} {1e3 * (t1 - t0):>10.3f} {1e3 * (t2 - t1):>10.3f} {1e3 * (t3 - t2):>10.3f}")
    x = array.array("d", (rng.gauss(0, 1) for _ in range(1_000_000)))
    t0 = time.perf_counter()
    s = svcm.western_electric(x, 0.0, 1.0)
    t = time.perf_counter() - t0
    print(f"western_electric: 1000000 points in {1e3 * t:.1f} ms ({len(s)} signals)")


if __name__ == "__main__":
    main()
