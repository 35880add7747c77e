"""Benchmark: svcm.Sketch().add() on an array('d') of 10 million values
(zero-copy buffer, GIL released) against the C batch loop (bench_sketch),
and on a list for comparison.

Target: Python within 2x of C. Prints figures; asserts no time.
Usage: python3 bench_sketch.py [n_values]   (PYTHONPATH = the build dir)
"""
import array
import os
import pathlib
import random
import re
import subprocess
import sys
import time

import svcm


def best_of(fn, reps=3):
    best = float('inf')
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def c_figure(n):
    """Run the C benchmark beside this build, if it was built."""
    build = pathlib.Path(os.environ.get('PYTHONPATH', '.').split(os.pathsep)[0])
    exe = build / 'tests' / 'bench' / 'bench_sketch'
    if not exe.exists():
        return None
    out = subprocess.run([str(exe), str(n)], capture_output=True, text=True, check=True).stdout
    m = re.search(r'sketch_add_batch:.*?([0-9.]+) million values/s', out)
    return float(m.group(1)) if m else None


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    rnd = random.Random(1)
    base = array.array('d', (rnd.lognormvariate(5.7, 1.2) for _ in range(1_000_000)))
    data = (base * (n // len(base) + 1))[:n]

    def fresh_add():
        s = svcm.Sketch()
        s.add(data)
        return s

    dt = best_of(fresh_add)
    py_rate = n / dt / 1e6
    print(f'python Sketch().add(array("d")): {n} values, best of 3: {dt:.4f} s, '
          f'{py_rate:.1f} million values/s (p99 {fresh_add().quantile(0.99):.1f})')
    small = data[:1_000_000].tolist()
    dt_list = best_of(lambda: svcm.Sketch().add(small))
    print(f'python Sketch().add(list): 1000000 values, {1e6 / dt_list / 1e6:.1f} million values/s')
    dt_d = best_of(lambda: svcm.Durations().add(data), reps=1)
    print(f'python Durations().add(array("d")): {n / dt_d / 1e6:.1f} million values/s')
    c_rate = c_figure(n)
    if c_rate is not None:
        print(f'C svcm_sketch_add_batch: {c_rate:.1f} million values/s; '
              f'python/C speed ratio {py_rate / c_rate:.2f} (target >= 0.5)')
    else:
        print('C benchmark not found (build tests/bench/bench_sketch to compare)')


if __name__ == '__main__':
    main()
