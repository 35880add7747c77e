"""Benchmark of the segment engine's Python surface: svcm.segment() on
10 million customers held in array('d') columns (read in place, GIL
released, results as array('B')), compared with the C benchmark on the same
kind of data. Target: within 1.5x of C. Prints figures only.

Usage: bench_segment.py [N]   (default 10000000; C figure taken from
tests/bench/bench_segment in the build tree when present)."""
import array
import math
import os
import random
import re
import subprocess
import sys
import time

import svcm


def columns(n):
    """Whole days of recency within tenure, geometric purchase counts and
    log-normal-ish spend, like bench_segment.c; a 1M-customer block is
    repeated to keep the set-up short (timing does not depend on it)."""
    rng = random.Random(1)
    block = min(n, 1_000_000)
    t = [math.floor(rng.random() * 1500.0) for _ in range(block)]
    r = [math.floor(rng.random() * (x + 1.0)) for x in t]
    f = [1.0 + math.floor(-math.log1p(-rng.random()) * 4.0) for _ in range(block)]
    m = [x * math.exp(3.0 + 1.2 * (rng.random() + rng.random() + rng.random() - 1.5))
         for x in f]
    reps, rest = divmod(n, block)
    out = []
    for col in (r, f, m, t):
        a = array.array("d", col) * reps
        a.extend(col[:rest])
        out.append(a)
    return out


def c_figure(n):
    exe = os.path.join(os.environ.get("PYTHONPATH", "").split(os.pathsep)[0],
                       "tests", "bench", "bench_segment")
    if not os.path.exists(exe):
        return None
    out = subprocess.run([exe, str(n)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"total\s+([0-9.]+) s", out)
    return float(m.group(1)) if m else None


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    r, f, m, t = columns(n)
    policy = svcm.Policy()
    best = math.inf
    for _ in range(2):
        t0 = time.perf_counter()
        res = svcm.segment(r, f, m, tenure=t, policy=policy)
        best = min(best, time.perf_counter() - t0)
    counts = [res.tiers.count(k) for k in range(5)] if n <= 1_000_000 else None
    print(f"python svcm.segment: {n} customers, fit + score + tier + reasons")
    print(f"  best of 2                    {best:8.3f} s  ({1e9 * best / n:.1f} ns/customer)")
    if counts:
        print(f"  tiers {counts}")
    c = c_figure(n)
    if c:
        print(f"  C benchmark (same N)         {c:8.3f} s")
        print(f"  python / C                   {best / c:8.2f}x  (target <= 1.5x)")
    input_kinds(min(n, 1_000_000))


def input_kinds(n):
    """svcm.segment() on the same columns as numpy float64 arrays, numpy
    int64 arrays (recency and frequency) and pandas Series, in one run:
    targets (issue 14) Series within 1.5x of numpy, int64 within 1.2x of
    float64. Skipped without pandas (Debian's python3-pandas)."""
    try:
        import numpy as np
        import pandas as pd
    except ImportError:
        print("input kinds: skipped (numpy/pandas not importable)")
        return
    rng = np.random.default_rng(1)
    t = np.floor(rng.random(n) * 1500.0)
    r = np.floor(rng.random(n) * (t + 1.0))
    f = 1.0 + np.floor(-np.log1p(-rng.random(n)) * 4.0)
    m = f * np.exp(3.0 + 1.2 * (rng.random(n) + rng.random(n) + rng.random(n) - 1.5))
    df = pd.DataFrame({"r": r, "f": f, "m": m})
    kinds = [
        ("numpy float64", (r, f, m)),
        ("numpy int64 (r, f)", (r.astype(np.int64), f.astype(np.int64), m)),
        ("pandas Series float64", (df.r, df.f, df.m)),
        ("pandas Series int64 (r, f)", (df.r.astype("int64"), df.f.astype("int64"), df.m)),
    ]
    times = {}
    for name, cols in kinds:
        best = math.inf
        for _ in range(5):
            t0 = time.perf_counter()
            svcm.segment(*cols)
            best = min(best, time.perf_counter() - t0)
        times[name] = best
    print(f"python svcm.segment on {n} customers by input kind (best of 5):")
    for name, _ in kinds:
        print(f"  {name:28s} {times[name]:8.3f} s")
    print(f"  Series / numpy               {times['pandas Series float64'] / times['numpy float64']:8.2f}x"
          "  (target <= 1.5x)")
    print(f"  int64 / float64              {times['numpy int64 (r, f)'] / times['numpy float64']:8.2f}x"
          "  (target <= 1.2x)")


if __name__ == "__main__":
    main()
