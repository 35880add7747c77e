"""Tests of svcm.Sketch and svcm.Durations.

Reference values are exact order statistics of the same data (sorting), the
lower nearest rank x[floor(q (n - 1))] of Masson, Rim and Lee, "DDSketch",
VLDB 2019; mean and standard deviation come from the statistics module (a
two-pass algorithm, independent of the C Welford code).
"""
import array
import math
import pickle
import random
import statistics
import threading
import unittest

import svcm


def exact_quantile(sorted_xs, q):
    return sorted_xs[math.floor(q * (len(sorted_xs) - 1))]


def lognormal(n, seed, mu=6.0, sigma=1.5):
    rnd = random.Random(seed)
    return [rnd.lognormvariate(mu, sigma) for _ in range(n)]


class SketchTest(unittest.TestCase):
    def assert_within(self, sk, xs, rel_err):
        s = sorted(xs)
        for i in range(0, 1001):
            q = i / 1000
            x = exact_quantile(s, q)
            v = sk.quantile(q)
            self.assertLessEqual(abs(v - x), rel_err * x, f"q={q}: {v} vs {x}")

    def test_defaults_and_properties(self):
        sk = svcm.Sketch()
        self.assertEqual(sk.rel_err, 0.01)
        self.assertEqual(sk.max_buckets, 2048)
        self.assertEqual(sk.exact_limit, 1024)
        self.assertEqual(len(sk), 0)
        self.assertEqual(sk.count, 0)
        self.assertTrue(math.isnan(sk.min) and math.isnan(sk.max) and math.isnan(sk.mean))
        self.assertTrue(sk.exact)
        self.assertIn("rel_err=0.01", repr(sk))

    def test_stats_and_options_dicts_match_the_properties(self):
        # The Lua tables s:stats() / s:options(), one description for both.
        sk = svcm.Sketch(0.02, 1000, 2, values=[0.0, 3.0, 5.0])
        self.assertEqual(sk.options(), {"rel_err": 0.02, "max_buckets": 1000, "exact_limit": 2})
        st = sk.stats()
        self.assertEqual(list(st), ["count", "zero_count", "sum", "mean", "min", "max",
                                    "buckets", "exact", "collapsed_below"])
        self.assertEqual((st["count"], st["zero_count"], st["sum"], st["min"], st["max"]),
                         (3, 1, 8.0, 0.0, 5.0))
        self.assertIs(st["exact"], False)
        for k, v in st.items():
            self.assertEqual(v, getattr(sk, k), k)

    def test_accepts_number_list_array_and_memoryview(self):
        sk = svcm.Sketch(exact_limit=100)
        sk.add(5)
        sk.add(1.5)
        sk.add([2, 3.0])
        sk.add(array.array("d", [4.0, 0.0]))
        sk.add(array.array("f", [6.0]))
        sk.add(array.array("i", [7]))
        sk.add(memoryview(array.array("d", [8.0, 9.0]))[::2])  # strided: 8 only
        sk.add(())
        self.assertEqual(len(sk), 9)
        self.assertEqual(sk.zero_count, 1)
        self.assertEqual(sk.sum, 36.5)
        self.assertEqual(sk.min, 0.0)
        self.assertEqual(sk.max, 8.0)
        # sorted 0 1.5 2 3 4 5 6 7 8: q 0.5 -> rank 4 -> 4.0
        self.assertEqual(sk.quantile(0.5), 4.0)
        self.assertEqual(sk.quantiles([0, 0.25, 1]), [0.0, 2.0, 8.0])
        self.assertEqual(sk.quantiles(array.array("d", [0.75])), [6.0])

    def test_lognormal_quantiles_within_relative_error(self):
        xs = lognormal(50000, 1)
        for rel_err in (0.01, 0.001, 0.05):
            sk = svcm.Sketch(rel_err=rel_err, max_buckets=1 << 16, exact_limit=0)
            sk.add(array.array("d", xs))
            self.assertFalse(sk.exact)
            self.assertEqual(sk.collapsed_below, 0.0)
            self.assert_within(sk, xs, rel_err)

    def test_adversarial_data_within_relative_error(self):
        rnd = random.Random(2)
        cases = {
            "constant": [42.0] * 5000,
            "zeros": [0.0] * 5000,
            "single": [3.25],
            "pareto": [30.0 * rnd.paretovariate(1.1) for _ in range(20000)],
            "bimodal": [rnd.uniform(60, 70) if i % 3 == 0 else rnd.uniform(86400, 172800)
                        for i in range(20000)],
            "huge range": [10 ** rnd.uniform(-6, 9) for _ in range(20000)],
        }
        for name, xs in cases.items():
            with self.subTest(name):
                sk = svcm.Sketch(exact_limit=0)
                sk.add(xs)
                self.assertEqual(sk.collapsed_below, 0.0)
                self.assert_within(sk, xs, 0.01)

    def test_exact_mode_is_exact_then_switches(self):
        xs = lognormal(200, 3)
        sk = svcm.Sketch(exact_limit=200)
        sk.add(xs)
        self.assertTrue(sk.exact)
        s = sorted(xs)
        for i in range(101):
            self.assertEqual(sk.quantile(i / 100), exact_quantile(s, i / 100))
        sk.add(1.0)
        self.assertFalse(sk.exact)
        self.assert_within(sk, xs + [1.0], 0.01)

    def test_bad_values_raise_with_index_and_add_nothing(self):
        sk = svcm.Sketch()
        sk.add([1.0, 2.0])
        for bad in (-1.0, float("nan"), float("inf")):
            with self.assertRaises(svcm.InvalidInput) as cm:
                sk.add([3.0, 4.0, bad])
            self.assertEqual(cm.exception.index, 2)
            self.assertEqual(cm.exception.field, "value")
            self.assertIsInstance(cm.exception, ValueError)
            with self.assertRaises(svcm.InvalidInput):
                sk.add(bad)
        self.assertEqual(len(sk), 2)
        with self.assertRaises(TypeError):
            sk.add(["a"])
        with self.assertRaises(TypeError):
            sk.add(None)
        self.assertEqual(len(sk), 2)

    def test_quantile_levels_and_empty(self):
        sk = svcm.Sketch()
        with self.assertRaises(svcm.EmptyError):
            sk.quantile(0.5)
        with self.assertRaises(svcm.EmptyError):
            sk.quantiles([0.5])
        sk.add(1.0)
        for q in (-0.1, 1.1, float("nan")):
            with self.assertRaises(svcm.InvalidInput):
                sk.quantile(q)
        with self.assertRaises(svcm.InvalidInput) as cm:
            sk.quantiles([0.5, 2.0])
        self.assertEqual(cm.exception.index, 1)
        self.assertEqual(cm.exception.field, "q")
        self.assertEqual(sk.quantiles([]), [])

    def test_bad_options_raise(self):
        for kw in ({"rel_err": 0.0}, {"rel_err": 0.6}, {"max_buckets": 4},
                   {"exact_limit": 1 << 20}):
            with self.subTest(kw):
                with self.assertRaises(svcm.InvalidInput):
                    svcm.Sketch(**kw)
        with self.assertRaises(ValueError):
            svcm.Sketch(max_buckets=-1)

    def test_merge_equals_one_sketch_fed_all(self):
        xs = lognormal(30000, 4) + [0.0] * 100
        for exact_limit in (0, 1024):
            whole = svcm.Sketch(exact_limit=exact_limit, values=xs)
            a = svcm.Sketch(exact_limit=exact_limit, values=xs[:10000])
            b = svcm.Sketch(exact_limit=exact_limit, values=xs[10000:])
            a.merge(b)
            self.assertEqual(len(a), len(whole))
            self.assertEqual((a.min, a.max, a.buckets), (whole.min, whole.max, whole.buckets))
            qs = [i / 200 for i in range(201)]
            self.assertEqual(a.quantiles(qs), whole.quantiles(qs))
        with self.assertRaises(svcm.Mismatch):
            a.merge(svcm.Sketch(rel_err=0.02))
        with self.assertRaises(TypeError):
            a.merge(svcm.Durations())
        with self.assertRaises(TypeError):
            a.merge(3)

    def test_bytes_round_trip_pickle_and_damage(self):
        sk = svcm.Sketch(exact_limit=10, values=lognormal(1000, 5))
        b = sk.to_bytes()
        self.assertEqual(b[:4], b"SVCM")
        back = svcm.Sketch.from_bytes(b)
        self.assertEqual(back.to_bytes(), b)
        qs = [i / 50 for i in range(51)]
        self.assertEqual(back.quantiles(qs), sk.quantiles(qs))
        again = pickle.loads(pickle.dumps(sk))
        self.assertEqual(again.quantiles(qs), sk.quantiles(qs))
        self.assertEqual(svcm.Sketch.from_bytes(bytearray(b)).count, 1000)
        for cut in range(0, len(b), 7):
            with self.assertRaises(svcm.FormatError):
                svcm.Sketch.from_bytes(b[:cut])
        with self.assertRaises(svcm.FormatError):
            svcm.Durations.from_bytes(b)  # a sketch is not a durations state
        with self.assertRaises(TypeError):
            svcm.Sketch.from_bytes("text")

    def test_bounded_memory_under_a_huge_range(self):
        rnd = random.Random(6)
        xs = [10 ** rnd.uniform(-300, 300) for _ in range(20000)]
        sk = svcm.Sketch(exact_limit=0, values=xs)
        self.assertEqual(sk.buckets, 2048)
        self.assertGreater(sk.collapsed_below, 0.0)
        s = sorted(xs)
        for i in range(1001):
            x = exact_quantile(s, i / 1000)
            if x > sk.collapsed_below:
                self.assertLessEqual(abs(sk.quantile(i / 1000) - x), 0.01 * x)

    def test_reset_keeps_settings(self):
        sk = svcm.Sketch(rel_err=0.02, values=[1, 2, 3])
        sk.reset()
        self.assertEqual(len(sk), 0)
        self.assertEqual(sk.rel_err, 0.02)

    def test_batch_insert_runs_in_parallel_threads(self):
        xs = array.array("d", lognormal(100000, 7))
        sketches = [svcm.Sketch(exact_limit=0) for _ in range(4)]
        threads = [threading.Thread(target=s.add, args=(xs,)) for s in sketches]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        qs = [0.5, 0.9, 0.99]
        ref = svcm.Sketch(exact_limit=0, values=xs).quantiles(qs)
        for s in sketches:
            self.assertEqual(len(s), len(xs))
            self.assertEqual(s.quantiles(qs), ref)

    def test_concurrent_use_of_one_sketch_never_loses_or_doubles_values(self):
        xs = array.array("d", lognormal(200000, 10))
        sk = svcm.Sketch(exact_limit=0)
        ok, refused = [], []

        def worker():
            try:
                sk.add(xs)
                ok.append(1)
            except RuntimeError:  # another thread's add() held the object
                refused.append(1)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(ok) + len(refused), 4)
        self.assertGreaterEqual(len(ok), 1)
        self.assertEqual(len(sk), len(xs) * len(ok))

    def test_uninitialised_object_raises(self):
        sk = svcm.Sketch.__new__(svcm.Sketch)
        with self.assertRaises(RuntimeError):
            sk.quantile(0.5)
        with self.assertRaises(RuntimeError):
            len(sk)

    def test_sum_past_dbl_max_is_inf_and_round_trips(self):
        # 2 * DBL_MAX overflows: the sum is +inf (it was NaN, and the saved
        # bytes then failed to load).
        big = 1.7976931348623157e308
        for exact_limit in (0, 1024):
            sk = svcm.Sketch(exact_limit=exact_limit)
            sk.add([big, big])
            self.assertEqual(sk.sum, math.inf)
            back = svcm.Sketch.from_bytes(sk.to_bytes())
            self.assertEqual(back.sum, math.inf)
            self.assertEqual(back.max, big)

    def test_reinit_while_converting_values_does_not_use_freed_sketch(self):
        # __float__ re-runs __init__, which frees the old sketch; add() must
        # then count into the new one (it wrote into freed memory).
        sk = svcm.Sketch()

        class Evil:
            def __float__(self):
                sk.__init__()
                return 2.0

        sk.add([1.0, Evil(), 3.0])
        self.assertEqual(len(sk), 3)
        self.assertEqual(sk.quantiles([0.0, 1.0]), [1.0, 3.0])

        class EvilInt(int):
            def __float__(self):
                sk.__init__()
                return 5.0

        sk.add(EvilInt(5))
        self.assertEqual(len(sk), 1)
        self.assertEqual(sk.quantile(0.5), 5.0)


class DurationsTest(unittest.TestCase):
    def test_summary_of_one_to_ten(self):
        d = svcm.Durations()
        d.add([7, 3, 10, 1, 5, 2, 9, 4, 8, 6])
        r = d.summary()
        self.assertEqual(r.count, 10)
        self.assertEqual(r.sum, 55.0)
        self.assertAlmostEqual(r.mean, 5.5, places=14)
        # statistics.stdev: two-pass sample standard deviation = 3.0276503540974917
        self.assertAlmostEqual(r.std, statistics.stdev(range(1, 11)), places=13)
        self.assertEqual((r.min, r.max), (1.0, 10.0))
        self.assertEqual((r.p50, r.p90, r.p95, r.p99), (5.0, 9.0, 9.0, 9.0))
        self.assertEqual(d.result(), r)
        self.assertEqual(len(d), 10)
        self.assertEqual(d.count, 10)

    def test_lognormal_summary_matches_statistics_module(self):
        xs = lognormal(50000, 8, mu=5.7, sigma=0.8)
        d = svcm.Durations(values=array.array("d", xs))
        r = d.summary()
        self.assertLessEqual(abs(r.mean - statistics.fmean(xs)), 1e-12 * r.mean)
        sd = statistics.stdev(xs)
        self.assertLessEqual(abs(r.std - sd), 1e-9 * sd)
        s = sorted(xs)
        for q, v in ((0.5, r.p50), (0.9, r.p90), (0.95, r.p95), (0.99, r.p99)):
            x = exact_quantile(s, q)
            self.assertLessEqual(abs(v - x), 0.01 * x)
        x = exact_quantile(s, 0.999)
        self.assertLessEqual(abs(d.quantile(0.999) - x), 0.01 * x)
        self.assertEqual(d.quantiles([0, 1]), [s[0], s[-1]])

    def test_single_and_empty(self):
        d = svcm.Durations()
        with self.assertRaises(svcm.EmptyError):
            d.summary()
        d.add(42)
        r = d.summary()
        self.assertTrue(math.isnan(r.std))
        self.assertEqual(r.p50, 42.0)

    def test_bad_durations_raise_and_add_nothing(self):
        d = svcm.Durations(values=[1.0])
        with self.assertRaises(svcm.InvalidInput) as cm:
            d.add([2.0, -3.0])
        self.assertEqual(cm.exception.index, 1)
        self.assertEqual(len(d), 1)
        with self.assertRaises(svcm.InvalidInput):
            svcm.Durations(rel_err=2.0)

    def test_merge_bytes_and_pickle(self):
        xs = lognormal(5000, 9)
        whole = svcm.Durations(values=xs)
        a = svcm.Durations(values=xs[:1234])
        b = svcm.Durations(values=xs[1234:])
        a.merge(b)
        ra, rw = a.summary(), whole.summary()
        self.assertEqual(ra.count, rw.count)
        self.assertEqual((ra.p50, ra.p90, ra.p95, ra.p99), (rw.p50, rw.p90, rw.p95, rw.p99))
        self.assertLessEqual(abs(ra.std - rw.std), 1e-10 * rw.std)
        with self.assertRaises(svcm.Mismatch):
            a.merge(svcm.Durations(max_buckets=1024))
        with self.assertRaises(TypeError):
            a.merge(svcm.Sketch())
        blob = a.to_bytes()
        back = svcm.Durations.from_bytes(blob)
        self.assertEqual(back.summary(), ra)
        self.assertEqual(back.to_bytes(), blob)
        self.assertEqual(pickle.loads(pickle.dumps(a)).summary(), ra)
        with self.assertRaises(svcm.FormatError):
            svcm.Durations.from_bytes(blob[:-1])
        with self.assertRaises(svcm.FormatError):
            svcm.Sketch.from_bytes(blob)
        a.reset()
        self.assertEqual(len(a), 0)


if __name__ == "__main__":
    unittest.main()
