"""Benchmark: svcm.nps() on an array('d') of 10 million scores (zero-copy
buffer, GIL released) against the C batch loop (bench_feedback).

Target: Python within 2x of C. Prints figures; asserts no time.
Usage: python3 bench_feedback.py [n_scores]   (PYTHONPATH = the build dir)
"""
import array
import os
import pathlib
import re
import subprocess
import sys
import time

import svcm


def best_of(fn, reps=5):
    best = float('inf')
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def c_figure(n):
    """Run the C benchmark beside this build, if it was built."""
    build = pathlib.Path(os.environ.get('PYTHONPATH', '.').split(os.pathsep)[0])
    exe = build / 'tests' / 'bench' / 'bench_feedback'
    if not exe.exists():
        return None
    out = subprocess.run([str(exe), str(n)], capture_output=True, text=True, check=True).stdout
    m = re.search(r'nps_add_batch:.*?([0-9.]+) million scores/s', out)
    return float(m.group(1)) if m else None


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    pattern = array.array('d', [10, 9, 9, 8, 7, 10, 6, 3, 9, 10, 0, 5, 8])
    data = (pattern * (n // len(pattern) + 1))[:n]
    result = svcm.nps(data)
    dt = best_of(lambda: svcm.nps(data))
    py_rate = n / dt / 1e6
    print(f'python svcm.nps(array("d")): {n} scores, best of 5: {dt:.4f} s, '
          f'{py_rate:.1f} million scores/s (NPS {result.value:.2f})')
    acc = svcm.NPS()
    dt_add = best_of(lambda: acc.add(data))
    print(f'python NPS().add(array("d")): {n} scores, best of 5: {dt_add:.4f} s, '
          f'{n / dt_add / 1e6:.1f} million scores/s')
    c_rate = c_figure(n)
    if c_rate is not None:
        print(f'C svcm_feedback_add_batch: {c_rate:.1f} million scores/s; '
              f'python/C speed ratio {py_rate / c_rate:.2f} (target >= 0.5)')
    else:
        print('C benchmark not found (build tests/bench/bench_feedback to compare)')


if __name__ == '__main__':
    main()
