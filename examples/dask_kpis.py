"""Service KPIs over a partitioned data set with Dask: map_partitions + merge.

Each partition is summarised into svcm's mergeable accumulators (NPS and CSAT
counters, quantile sketches, Welford moments); the summaries travel between
processes as bytes (to_bytes / from_bytes: versioned, little-endian) and are
merged pairwise. The merge is associative and commutative, so any reduction
tree gives the same counts.

What is exact and what is not:
- NPS, CSAT: the merged counters equal the single-process counters, so the
  results (score, interval) are identical.
- Response-time quantiles: a merged sketch answers within its relative error
  (rel_err, 1 % by default) of the exact quantile, as a single sketch does.
- RFM edges: svcm.rfm_edges picks order statistics (Hyndman-Fan definition
  1), which do not merge. Here each column gets a sketch per partition; the
  merged sketch gives every edge within rel_err of the exact edge (same rank,
  value approximate). The edges are then broadcast and every partition is
  scored with them: scores and tiers per customer are then exactly what a
  single process computes with the same edges. For exact edges, gather the
  column (or a sample of it) on one machine and call svcm.rfm_edges.

Run:  python3 examples/dask_kpis.py [--customers N] [--partitions P] [--workers W]
(with the svcm package importable: pip install --no-build-isolation ., or
PYTHONPATH=build). Needs Debian's python3-dask and python3-distributed.
"""
import argparse
import collections
import random

import svcm

QUANTILES = (0.5, 0.9, 0.95, 0.99)
BINS = 5
REL_ERR = 0.01


def make_customers(n, seed=7):
    """A deterministic synthetic data set: one record per customer.

    (recency days, order count, spend, NPS answer 0..10, CSAT answer 1..5,
    first-response seconds)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        recency = float(rng.randrange(0, 400))
        frequency = float(1 + int(rng.expovariate(1 / 6.0)))
        monetary = round(rng.lognormvariate(4.0, 1.0), 2)
        nps = min(10, max(0, int(rng.gauss(7.5, 2.2))))
        csat = rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5, 5))
        response = round(rng.lognormvariate(6.0, 1.2), 3)
        out.append((recency, frequency, monetary, nps, csat, response))
    return out


def _sketch():
    return svcm.Sketch(rel_err=REL_ERR)


def summarize(records):
    """One partition -> a dict of serialized accumulators."""
    records = list(records)
    nps, csat, moments = svcm.NPS(), svcm.CSAT(5), svcm.Moments()
    response, rec, freq, mon = _sketch(), _sketch(), _sketch(), _sketch()
    if records:
        cols = list(zip(*records))
        rec.add(cols[0])
        freq.add(cols[1])
        mon.add(cols[2])
        nps.add(cols[3])
        csat.add(cols[4])
        response.add(cols[5])
        moments.add(cols[5])
    return {"nps": nps.to_bytes(), "csat": csat.to_bytes(),
            "response": response.to_bytes(), "response_moments": moments.to_bytes(),
            "recency": rec.to_bytes(), "frequency": freq.to_bytes(),
            "monetary": mon.to_bytes()}


_KINDS = {"nps": svcm.NPS, "csat": svcm.CSAT, "response": svcm.Sketch,
          "response_moments": svcm.Moments, "recency": svcm.Sketch,
          "frequency": svcm.Sketch, "monetary": svcm.Sketch}


def merge(a, b):
    """Merge two summaries (associative, commutative)."""
    out = {}
    for key, kind in _KINDS.items():
        x = kind.from_bytes(a[key])
        x.merge(kind.from_bytes(b[key]))
        out[key] = x.to_bytes()
    return out


def sketch_edges(sketch, bins=BINS):
    """RFM edges from a sketch: the same ranks as svcm.rfm_edges.

    Edge j is the order statistic of 1-based rank ceil(n j / k) (Hyndman-Fan
    definition 1); the sketch's q-quantile is the 0-based rank
    floor(q (n - 1)), so q is set half a rank above the wanted rank r to stay
    clear of rounding. Each edge is within the sketch's rel_err of the exact
    one."""
    n = sketch.count
    edges = []
    for j in range(1, bins):
        r = -(-n * j // bins) - 1  # ceil(n j / k) - 1, 0-based
        q = 1.0 if r >= n - 1 else (r + 0.5) / (n - 1)
        edges.append(sketch.quantile(q))
    return tuple(edges)


def finish(summary, bins=BINS):
    """Merged summary -> KPIs and RFM edges (plain Python values)."""
    response = svcm.Sketch.from_bytes(summary["response"])
    moments = svcm.Moments.from_bytes(summary["response_moments"])
    return {
        "nps": svcm.NPS.from_bytes(summary["nps"]),
        "csat": svcm.CSAT.from_bytes(summary["csat"]),
        "response_quantiles": tuple(response.quantiles(QUANTILES)),
        "response_count": response.count,
        "response_mean": moments.mean,
        "response_variance": moments.variance(),
        "edges": svcm.RfmEdges((bins, *(sketch_edges(svcm.Sketch.from_bytes(summary[c]), bins)
                                       for c in ("recency", "frequency", "monetary")))),
    }


def tier_counts(records, edges):
    """One partition -> tier counts under fixed (broadcast) edges."""
    records = list(records)
    if not records:
        return collections.Counter()
    cols = list(zip(*records))
    seg = svcm.segment(cols[0], cols[1], cols[2], edges=edges)
    return collections.Counter(seg.tiers)


def run_dask(records, partitions, client):
    """The distributed pipeline; `client` is a dask.distributed.Client."""
    import dask.bag as db

    bag = db.from_sequence(records, npartitions=partitions)
    summary = bag.map_partitions(lambda part: [summarize(part)]).fold(merge)
    result = finish(client.compute(summary).result())
    edges = result["edges"]
    counts = bag.map_partitions(lambda part: [tier_counts(part, edges)]).fold(
        lambda a, b: a + b)
    result["tiers"] = client.compute(counts).result()
    return result


def run_single(records, edges=None):
    """The same numbers in one process, for comparison; tiers with `edges`
    (default: the edges from the single-process sketches)."""
    result = finish(summarize(records))
    result["tiers"] = tier_counts(records, edges or result["edges"])
    return result


def exact_edges(records, bins=BINS):
    """The exact RFM edges (all values in one place)."""
    cols = list(zip(*records))
    return svcm.RfmEdges((bins, *(svcm.rfm_edges(cols[i], bins) for i in range(3))))


def within(approx, exact, rel_err=REL_ERR):
    """Every value of `approx` within rel_err of the matching `exact` value."""
    return len(approx) == len(exact) and all(
        abs(a - x) <= rel_err * abs(x) for a, x in zip(approx, exact))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    from dask.distributed import Client, LocalCluster

    records = make_customers(args.customers)
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        r = run_dask(records, args.partitions, client)
    nps, csat = r["nps"].result(), r["csat"].result()
    print(f"customers {args.customers}, partitions {args.partitions}, workers {args.workers}")
    print(f"NPS  {nps.value:7.2f}  95% CI [{nps.ci[0]:.2f}, {nps.ci[1]:.2f}]  n={nps.n}")
    print(f"CSAT {csat.value:7.4f}  95% CI [{csat.ci[0]:.4f}, {csat.ci[1]:.4f}]  n={csat.n}")
    qs = ", ".join(f"p{round(q * 100)} {v:.1f}" for q, v in zip(QUANTILES, r["response_quantiles"]))
    print(f"first response (s): mean {r['response_mean']:.1f}, {qs}")
    e = r["edges"]
    for name in ("recency", "frequency", "monetary"):
        print(f"RFM edges, {name}: " + ", ".join(f"{x:.2f}" for x in getattr(e, name)))
    names = ("VIP", "KEY", "REGULAR", "POTENTIAL", "LOST")
    print("tiers: " + ", ".join(f"{names[t]} {r['tiers'][t]}" for t in range(5)))
    single = run_single(records, edges=e)
    exact = exact_edges(records)
    same = (single["nps"].counts == r["nps"].counts and single["csat"].counts == r["csat"].counts
            and single["tiers"] == r["tiers"]
            and all(within(getattr(e, c), getattr(exact, c))
                    for c in ("recency", "frequency", "monetary")))
    print("single process: same counts and tiers, edges within "
          f"{REL_ERR:.0%} of the exact ones:", "yes" if same else "NO")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
