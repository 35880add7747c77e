"""Benchmark: svcm.prioritize on 1 million requests given as parallel
arrays (array.array columns), and Queue push/pop pairs. Prints wall and
CPU time; asserts nothing about time."""
import array
import random
import time

import svcm

N = 1_000_000
NOW = 1_700_000_000


def columns(n, rnd):
    created = array.array("q", (NOW - rnd.randrange(72 * 3600) for _ in range(n)))
    return {
        "id": array.array("q", range(n)),
        "tier": array.array("q", (rnd.randrange(5) for _ in range(n))),
        "impact": array.array("q", (rnd.randrange(1, 5) for _ in range(n))),
        "severity": array.array("q", (rnd.randrange(1, 5) for _ in range(n))),
        "value": array.array("d", (rnd.random() for _ in range(n))),
        "created": created,
        "due": array.array("q", (c + 3600 * rnd.randrange(1, 97) for c in created)),
        "urgent": array.array("q", (rnd.random() < 0.02 for _ in range(n))),
    }


def main():
    rnd = random.Random(1)
    cols = columns(N, rnd)
    t0, c0 = time.perf_counter(), time.process_time()
    out = svcm.prioritize(cols, NOW)
    t1, c1 = time.perf_counter(), time.process_time()
    assert len(out) == N
    print(f"prioritize {N} requests (parallel arrays): wall {(t1 - t0) * 1e3:.1f} ms, "
          f"cpu {(c1 - c0) * 1e3:.1f} ms ({(c1 - c0) * 1e9 / N:.0f} ns cpu per request, "
          f"results as Python objects)")

    q = svcm.Queue()
    for i in range(100_000):
        q.push(id=i, tier=i % 5, impact=1 + i % 4, severity=1 + i % 4, value=0.5,
               created=NOW - i, due=NOW + 3600)
    pairs = 200_000
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(pairs):
        q.push(id=10**7 + i, tier=i % 5, impact=1 + i % 4, severity=1 + i % 4, value=0.5,
               created=NOW, due=NOW + 7200)
        q.pop(NOW)
    t1, c1 = time.perf_counter(), time.process_time()
    print(f"Queue: {pairs} push/pop pairs at 100000 entries from Python: "
          f"wall {(t1 - t0) * 1e9 / (2 * pairs):.0f} ns, "
          f"cpu {(c1 - c0) * 1e9 / (2 * pairs):.0f} ns per operation")


if __name__ == "__main__":
    main()
