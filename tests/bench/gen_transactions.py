#!/usr/bin/env python3
"""Write a synthetic transaction log (id,time,amount) for the streaming
benchmarks: ROWS line items of about CUSTOMERS customers over two years
(2024-01-01 .. 2025-12-31, UTC), grouped by customer and in time order
within each customer. Each customer makes baskets on distinct days
(a geometric number of them, mean 20) of 1 to 4 line items each (items of
one basket share the day, a few seconds apart), amounts in cents from a
log-normal. Deterministic for a given seed; nothing is read.

usage: gen_transactions.py OUT.csv [ROWS [CUSTOMERS [SEED]]]
       (defaults: 5000000 rows, 100000 customers, seed 1)
"""
import datetime
import math
import random
import sys


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    out = argv[1]
    rows = int(argv[2]) if len(argv) > 2 else 5_000_000
    customers = int(argv[3]) if len(argv) > 3 else 100_000
    seed = int(argv[4]) if len(argv) > 4 else 1
    rnd = random.Random(seed)
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    days = 731
    per_customer = rows / customers  # line items
    p_basket = 1.0 / (per_customer / 2.5)  # geometric baskets, 2.5 items each
    written = 0
    cust = 0
    with open(out, "w", newline="") as f:
        f.write("id,time,amount\n")
        buf = []
        while written < rows:
            cust += 1
            baskets = 1 + int(math.log(1.0 - rnd.random()) / math.log(1.0 - p_basket))
            first = rnd.randrange(days)
            span = days - first
            chosen = sorted(rnd.sample(range(span), min(baskets, span)))
            for d in chosen:
                t = start + datetime.timedelta(days=first + d, seconds=rnd.randrange(86000))
                for k in range(rnd.randint(1, 4)):
                    stamp = (t + datetime.timedelta(seconds=k)).strftime("%Y-%m-%dT%H:%M:%S")
                    cents = max(1, int(rnd.lognormvariate(7.5, 1.0)))
                    buf.append(f"C{cust:07d},{stamp},{cents // 100}.{cents % 100:02d}\n")
                    written += 1
                    if written == rows:
                        break
                if written == rows:
                    break
            if len(buf) >= 100_000:
                f.writelines(buf)
                buf.clear()
        f.writelines(buf)
    print(f"{out}: {written} rows, {cust} customers")


if __name__ == "__main__":
    main(sys.argv)
