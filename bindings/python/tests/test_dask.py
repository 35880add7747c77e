"""Scale-out: examples/dask_kpis.py on a local Dask cluster of worker
processes gives the single-process results: NPS, CSAT and tier counts
exactly, response-time quantiles and RFM edges within the sketch's relative
error of the exact order statistics (computed here by sorting)."""
import logging
import math
import os
import sys
import unittest

import svcm

# Under valgrind (meson test --setup valgrind) the worker processes would
# inherit valgrind's preload without running under memcheck, and Dask's own C
# extensions (yaml, msgpack) report leaks of their own: the test skips there,
# without importing Dask. The accumulators used here are covered under
# valgrind by test_feedback, test_sketch, test_core and test_segment.
UNDER_VALGRIND = "vgpreload" in os.environ.get("LD_PRELOAD", "")
HAVE_DASK = False
if not UNDER_VALGRIND:
    try:
        import dask.bag
        from dask.distributed import Client, LocalCluster
        HAVE_DASK = True
    except ImportError:  # Debian: apt-get install python3-dask python3-distributed
        pass

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "examples")
EXAMPLES = os.path.normpath(EXAMPLES)

N_CUSTOMERS = 20_000
PARTITIONS = 8
WORKERS = 3


def lower_rank_quantile(sorted_values, q):
    """The sketch's definition: x_r with r = floor(q (n - 1)), 0-based."""
    return sorted_values[math.floor(q * (len(sorted_values) - 1))]


def hf1_edges(sorted_values, bins):
    """Hyndman-Fan definition 1: edge j = x_(ceil(n j / k)), 1-based."""
    n = len(sorted_values)
    return tuple(sorted_values[-(-n * j // bins) - 1] for j in range(1, bins))


@unittest.skipIf(UNDER_VALGRIND, "worker processes cannot run under memcheck")
@unittest.skipUnless(HAVE_DASK, "dask and distributed are not installed")
class DaskScaleOut(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Worker processes import dask_kpis (and svcm) through PYTHONPATH.
        cls.saved_path = os.environ.get("PYTHONPATH")
        here = os.path.dirname(os.path.abspath(__file__))
        os.environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (EXAMPLES, here, cls.saved_path) if p)
        sys.path.insert(0, EXAMPLES)
        import dask_kpis
        cls.kpis = dask_kpis
        cls.records = dask_kpis.make_customers(N_CUSTOMERS, seed=11)
        cls.cluster = LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
        cls.client = Client(cls.cluster)
        try:
            cls.result = dask_kpis.run_dask(cls.records, PARTITIONS, cls.client)
            cls.single = dask_kpis.run_single(cls.records, edges=cls.result["edges"])
            cls.worker_pids = set(cls.client.run(os.getpid).values())
            bag = dask.bag.from_sequence(range(PARTITIONS * 4), npartitions=PARTITIONS)
            cls.task_pids = set(cls.client.compute(
                bag.map_partitions(lambda part: [os.getpid()])).result())
        finally:
            cls.client.close()
            cls.cluster.close()

    @classmethod
    def tearDownClass(cls):
        sys.path.remove(EXAMPLES)
        if cls.saved_path is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = cls.saved_path

    def column(self, i):
        return sorted(r[i] for r in self.records)

    def test_partitions_ran_in_worker_processes(self):
        self.assertEqual(len(self.worker_pids), WORKERS)
        self.assertNotIn(os.getpid(), self.worker_pids)
        self.assertTrue(self.task_pids <= self.worker_pids)

    def test_nps_counts_and_result_equal_single_process(self):
        nps, single = self.result["nps"], self.single["nps"]
        self.assertEqual(nps.counts, single.counts)
        self.assertEqual(nps.n, N_CUSTOMERS)
        self.assertEqual(tuple(nps.result()), tuple(single.result()))
        # Independent count: promoters 9-10, detractors 0-6 (Reichheld 2003).
        answers = [r[3] for r in self.records]
        promoters = sum(a >= 9 for a in answers)
        detractors = sum(a <= 6 for a in answers)
        self.assertAlmostEqual(nps.result().value,
                               100.0 * (promoters - detractors) / N_CUSTOMERS, places=9)

    def test_csat_counts_and_result_equal_single_process(self):
        csat, single = self.result["csat"], self.single["csat"]
        self.assertEqual(csat.counts, single.counts)
        self.assertEqual(tuple(csat.result()), tuple(single.result()))
        top2 = sum(r[4] >= 4 for r in self.records)
        self.assertEqual(csat.result().satisfied, top2)

    def test_response_quantiles_within_sketch_bound(self):
        exact = self.column(5)
        self.assertEqual(self.result["response_count"], N_CUSTOMERS)
        for q, v in zip(self.kpis.QUANTILES, self.result["response_quantiles"]):
            x = lower_rank_quantile(exact, q)
            self.assertLessEqual(abs(v - x), self.kpis.REL_ERR * x, f"q={q}")

    def test_response_moments_match_two_pass_values(self):
        exact = self.column(5)
        mean = math.fsum(exact) / len(exact)
        var = math.fsum((x - mean) ** 2 for x in exact) / (len(exact) - 1)
        self.assertTrue(math.isclose(self.result["response_mean"], mean, rel_tol=1e-12))
        self.assertTrue(math.isclose(self.result["response_variance"], var, rel_tol=1e-10))

    def test_rfm_edges_within_sketch_bound_of_exact_edges(self):
        edges = self.result["edges"]
        self.assertEqual(edges.bins, self.kpis.BINS)
        for i, name in enumerate(("recency", "frequency", "monetary")):
            exact = hf1_edges(self.column(i), self.kpis.BINS)
            # The hand-rolled Hyndman-Fan edges agree with the library's.
            self.assertEqual(exact, svcm.rfm_edges([r[i] for r in self.records], self.kpis.BINS))
            for a, x in zip(getattr(edges, name), exact):
                self.assertLessEqual(abs(a - x), self.kpis.REL_ERR * x, name)

    def test_tiers_with_broadcast_edges_equal_single_process(self):
        self.assertEqual(self.result["tiers"], self.single["tiers"])
        self.assertEqual(sum(self.result["tiers"].values()), N_CUSTOMERS)

    def test_merge_is_order_independent(self):
        parts = [self.records[i::5] for i in range(5)]
        sums = [self.kpis.summarize(p) for p in parts]
        left = sums[0]
        for s in sums[1:]:
            left = self.kpis.merge(left, s)
        right = sums[-1]
        for s in reversed(sums[:-1]):
            right = self.kpis.merge(s, right)
        a, b = self.kpis.finish(left), self.kpis.finish(right)
        self.assertEqual(a["nps"].counts, b["nps"].counts)
        self.assertEqual(a["csat"].counts, b["csat"].counts)
        self.assertEqual(a["response_count"], b["response_count"])
        self.assertEqual(a["edges"], b["edges"])


if __name__ == "__main__":
    unittest.main()
