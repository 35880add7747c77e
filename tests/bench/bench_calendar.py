"""Benchmark of svcm.Calendar from Python: scalar calls and the batch form
over random spans of up to one year. Prints calls per second."""
import array
import random
import time

import svcm

WEEK = [[("09:00", "12:00"), ("13:00", "18:00")]] * 5 + [[("09:00", "12:00")], []]
HOLIDAYS = [f"{2020 + i // 11}-{1 + i % 11:02d}-{1 + (i * 7) % 28:02d}" for i in range(110)]


def rate(n, seconds):
    return n / seconds / 1e6


def main():
    cal = svcm.Calendar(480, WEEK, HOLIDAYS)
    rng = random.Random(42)
    base, year = 1577836800, 365 * 86400
    n = 200_000
    a = [base + rng.randrange(9 * year) for _ in range(n)]
    b = [x + rng.randrange(year) for x in a]
    secs = [rng.randrange(2200 * 3600) for _ in range(n)]

    t0 = time.perf_counter()
    for x, y in zip(a, b):
        cal.business_seconds(x, y)
    t1 = time.perf_counter()
    print(f"Calendar.business_seconds (scalar):        {rate(n, t1 - t0):.2f} M calls/s")

    t0 = time.perf_counter()
    for x, s in zip(a, secs):
        cal.add_business_seconds(x, s)
    t1 = time.perf_counter()
    print(f"Calendar.add_business_seconds (scalar):    {rate(n, t1 - t0):.2f} M calls/s")

    aa, bb, ss = array.array("q", a), array.array("q", b), array.array("q", secs)
    t0 = time.perf_counter()
    cal.business_seconds_batch(aa, bb)
    t1 = time.perf_counter()
    print(f"Calendar.business_seconds_batch (array):   {rate(n, t1 - t0):.2f} M items/s")
    t0 = time.perf_counter()
    cal.add_business_seconds_batch(aa, ss)
    t1 = time.perf_counter()
    print(f"Calendar.add_business_seconds_batch:       {rate(n, t1 - t0):.2f} M items/s")


if __name__ == "__main__":
    main()
