"""Benchmark: svcm.prioritize on 1 million requests given as parallel
arrays (array.array columns), side by side in one run with the same
classification and sort written in pandas (when pandas is importable:
Debian's python3-pandas) and with the C benchmark (tests/bench/bench_priority
in the build tree); on 1 and 2 threads (threads=); then Queue push/pop
pairs. Targets (issue 14, item 6): at least 10x faster than pandas, within
1.5x of C (one thread each). Prints wall and CPU time; asserts nothing about
time."""
import array
import os
import random
import re
import subprocess
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


def best_of(k, fn):
    """Best wall and CPU seconds of k calls, and the last result."""
    wall = cpu = float("inf")
    out = None
    for _ in range(k):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu, out


def pandas_prioritize(df, now):
    """The default svcm scoring written in pandas: importance (weighted mean
    of tier, impact, severity and value scores), urgency (elapsed share of
    the window), quadrant, ITIL priority, score with aging, then the
    dispatch sort (score descending, due, id)."""
    import numpy as np
    tier_norm = np.array([1.0, 0.75, 0.5, 0.25, 0.0])
    lvl = np.array([0.0, 1.0, 2.0 / 3.0, 1.0 / 3.0, 0.0])  # 1..4 -> 1..0
    imp = (0.4 * tier_norm[df["tier"].to_numpy()] + 0.3 * lvl[df["impact"].to_numpy()]
           + 0.2 * lvl[df["severity"].to_numpy()] + 0.1 * df["value"].to_numpy())
    created, due = df["created"].to_numpy(), df["due"].to_numpy()
    urg = np.clip((now - created) / (due - created), 0.0, 1.0)
    urg = np.where(df["urgent"].to_numpy() != 0, 1.0, urg)
    important, urgent = imp >= 0.5, urg >= 0.5
    quadrant = np.where(important, np.where(urgent, 0, 1), np.where(urgent, 2, 3))
    il = np.minimum((imp * 4).astype(np.int64), 3)
    ul = np.minimum((urg * 4).astype(np.int64), 3)
    prio = 1 + (6 - il - ul) * 4 // 6
    qs = np.array([1.0, 2.0 / 3.0, 1.0 / 3.0, 0.0])[quadrant]
    score = (0.4 * qs + 0.3 * (5 - prio) / 4 + 0.2 * tier_norm[df["tier"].to_numpy()]
             + 0.1 * urg + 0.01 * (now - created) / 3600.0)
    out = df.assign(importance=imp, urgency=urg, quadrant=quadrant, priority=prio,
                    score=score)
    return out.sort_values(["score", "due", "id"], ascending=[False, True, True],
                           kind="mergesort")


def c_figure():
    """(wall, CPU) seconds of the C benchmark's classify and order, on 1 and
    on 2 threads (None when the executable or a figure is missing)."""
    exe = os.path.join(os.environ.get("PYTHONPATH", "").split(os.pathsep)[0],
                       "tests", "bench", "bench_priority")
    if not os.path.exists(exe):
        return None, None
    out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    m = re.search(r"classify and order \d+ requests: wall\s+([0-9.]+) ms, cpu\s+([0-9.]+) ms",
                  out)
    m2 = re.search(r"on 2 threads \(svcm_priority_run\):\s+wall\s+([0-9.]+) ms, "
                   r"cpu\s+([0-9.]+) ms", out)
    return ((float(m.group(1)) / 1e3, float(m.group(2)) / 1e3) if m else None,
            (float(m2.group(1)) / 1e3, float(m2.group(2)) / 1e3) if m2 else None)


def main():
    rnd = random.Random(1)
    cols = columns(N, rnd)
    wall, cpu, out = best_of(3, lambda: svcm.prioritize(cols, NOW))
    assert len(out.order) == N and memoryview(out.order).format == "q"
    print(f"prioritize {N} requests (parallel arrays, columnar result): "
          f"wall {wall * 1e3:.1f} ms, cpu {cpu * 1e3:.1f} ms (best of 3)")
    wall2, cpu2, out2 = best_of(3, lambda: svcm.prioritize(cols, NOW, threads=2))
    assert bytes(memoryview(out2.order)) == bytes(memoryview(out.order))
    print(f"prioritize, threads=2:            wall {wall2 * 1e3:.1f} ms, "
          f"cpu {cpu2 * 1e3:.1f} ms (best of 3; same result)")
    c, c2 = c_figure()
    if c:
        print(f"  C classify and order (same N):  wall {c[0] * 1e3:.1f} ms, "
              f"cpu {c[1] * 1e3:.1f} ms; python / C {wall / c[0]:.2f}x "
              f"(cpu {cpu / c[1]:.2f}x; target <= 1.5x)")
    if c2:
        print(f"  C on 2 threads (same N):        wall {c2[0] * 1e3:.1f} ms; "
              f"python / C {wall2 / c2[0]:.2f}x (2 threads each)")
    try:
        import numpy as np
        import pandas as pd
    except ImportError:
        print("  pandas equivalent: skipped (pandas not importable)")
    else:
        df = pd.DataFrame({k: np.asarray(v) for k, v in cols.items()})
        pw, pc, _ = best_of(3, lambda: pandas_prioritize(df, NOW))
        print(f"  pandas equivalent (same data): wall {pw * 1e3:.1f} ms, cpu {pc * 1e3:.1f} ms; "
              f"pandas / svcm {pw / wall:.1f}x (cpu {pc / cpu:.1f}x), "
              f"{pw / wall2:.1f}x with threads=2 (target >= 10x)")

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
