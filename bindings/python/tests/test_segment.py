"""Tests of the segment engine through the svcm Python binding.

Expected scores, tiers and reasons are worked by hand from the documented
rules (see tests/test_segment.c for the same population with the working);
quantile edges follow Hyndman and Fan (1996), definition 1, checked here
against a direct evaluation of inf{y : F_n(y) >= p} written in Python.
"""
import array
import copy
import math
import pickle
import random
import unittest

import svcm

VIP, KEY, REGULAR, POTENTIAL, LOST = range(5)

# Fixed edges, k = 5 (recency, frequency, monetary).
EDGES = ((10, 30, 60, 120), (1, 2, 4, 8), (100, 200, 500, 1000))

# Ten customers, every rule firing under the default policy.
POP_R = [200, 20, 5, 5, 5, 100, 25, 25, 5, 180]
POP_F = [10, 5, 3, 1, 9, 9, 6, 6, 3, 2]
POP_M = [5000, 800, 2000, 50, 1500, 1500, 600, 400, 950, 150]
POP_T = [400, 300, 30, 365, 500, 500, 400, 400, 400, 200]
POP_P = [1, 0.1, 1, 1, 1, 1, 1, 1, 1, 1]
WANT_TIERS = [LOST, LOST, POTENTIAL, POTENTIAL, VIP, KEY, KEY, REGULAR, KEY, REGULAR]
WANT_REASONS = ["lost_inactive", "lost_p_alive", "potential_new",
                "potential_few_purchases", "vip_m_score", "key_score", "key_score",
                "regular", "key_score", "regular"]
WANT_R = [1, 4, 5, 5, 5, 2, 4, 4, 5, 1]
WANT_F = [5, 4, 3, 1, 5, 5, 4, 4, 3, 2]
WANT_M = [5, 4, 5, 1, 5, 5, 4, 3, 4, 2]


def quantile_type1(values, j, k):
    """inf{y : F_n(y) >= j / k}, by counting: count(x <= y) * k >= j * n."""
    n = len(values)
    return min(y for y in values if sum(v <= y for v in values) * k >= j * n)


class RfmScores(unittest.TestCase):
    def test_ten_distinct_values_fall_two_per_bin(self):
        x = array.array("d", [7, 3, 10, 1, 9, 2, 8, 5, 4, 6])
        res = svcm.rfm_scores(x, x, x)
        self.assertEqual(res.edges.frequency, (2.0, 4.0, 6.0, 8.0))
        self.assertEqual(res.edges.bins, 5)
        self.assertEqual(list(res.f), [(int(v) + 1) // 2 for v in x])
        self.assertEqual(list(res.r), [6 - (int(v) + 1) // 2 for v in x])
        self.assertIsInstance(res.r, svcm.Column)
        self.assertEqual(res.r.typecode, "B")

    def test_fixed_edges_and_values_on_edges(self):
        res = svcm.rfm_scores([10, 10.5, 120, 121], [1, 2, 8, 9], [100, 100.01, 1000, 1e6],
                              edges=EDGES)
        self.assertEqual(list(res.r), [5, 4, 2, 1])
        self.assertEqual(list(res.f), [1, 2, 4, 5])
        self.assertEqual(list(res.m), [1, 2, 4, 5])
        as_dict = svcm.rfm_scores([10], [1], [100], edges=dict(
            recency=EDGES[0], frequency=EDGES[1], monetary=EDGES[2]))
        self.assertEqual((as_dict.r[0], as_dict.f[0], as_dict.m[0]), (5, 1, 1))
        with self.assertRaises(TypeError):
            svcm.rfm_scores([10], [1], [100], edges=dict(recency=EDGES[0]))
        # The edges of a result can be passed back.
        again = svcm.rfm_scores([10], [1], [100], edges=res.edges)
        self.assertEqual((again.r[0], again.f[0], again.m[0]), (5, 1, 1))

    def test_degenerate_populations_are_defined(self):
        same = svcm.rfm_scores([3] * 6, [3] * 6, [3] * 6)
        self.assertEqual(list(same.r), [5] * 6)
        self.assertEqual(list(same.f), [1] * 6)
        self.assertEqual(same.edges.monetary, (3.0,) * 4)
        small = svcm.rfm_scores([1, 2, 3], [3, 1, 2], [0, 0, 0])
        self.assertEqual(small.edges.frequency, (1.0, 2.0, 2.0, 3.0))
        self.assertEqual(list(small.f), [4, 1, 2])
        self.assertEqual(list(small.m), [1, 1, 1])
        ties = svcm.rfm_scores([1] * 10, [1, 2, 1, 9, 1, 3, 1, 2, 1, 1], [1] * 10)
        self.assertEqual(ties.edges.frequency, (1.0, 1.0, 1.0, 2.0))
        self.assertEqual(list(ties.f), [1, 4, 1, 5, 1, 5, 1, 4, 1, 1])

    def test_edges_match_the_type1_definition(self):
        rng = random.Random(7)
        for _ in range(50):
            n = rng.randint(1, 40)
            k = rng.randint(2, 10)
            x = [float(rng.randint(0, rng.randint(1, 12))) for _ in range(n)]
            got = svcm.rfm_edges(x, bins=k)
            want = tuple(quantile_type1(x, j, k) for j in range(1, k))
            self.assertEqual(got, want)
            self.assertEqual(svcm.rfm_edges(sorted(x), bins=k, sorted=True), want)

    def test_bad_edges_and_bins_raise_invalid_input(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.rfm_scores([1], [1], [1], edges=((1, 2), (2, 1), (1, 2)))
        self.assertEqual(cm.exception.field, "frequency_edges")
        self.assertEqual(cm.exception.index, 1)
        with self.assertRaises(svcm.InvalidInput):
            svcm.rfm_scores([1], [1], [1], edges=((1, 2), (1, 2), (1,)))
        with self.assertRaises(svcm.InvalidInput):
            svcm.rfm_scores([1], [1], [1], edges=((math.nan,), (1,), (1,)))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.rfm_scores([1], [1], [1], bins=11)
        self.assertEqual(cm.exception.field, "bins")
        with self.assertRaises(TypeError):
            svcm.rfm_scores([1], [1], [1], edges=5)
        with self.assertRaises(svcm.EmptyError):
            svcm.rfm_scores([], [], [])
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.rfm_edges([1, 3, 2], sorted=True)
        self.assertEqual(cm.exception.index, 2)

    def test_bad_records_name_index_and_field(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.rfm_scores([1, 2, 3], [1, -1, 1], [1, 1, 1])
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "frequency"))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.rfm_scores([1, math.nan], [1, 1], [1, 1])
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "recency"))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.rfm_scores([1, 2], [1, 1], [1])
        self.assertEqual(cm.exception.field, "monetary")
        with self.assertRaises(TypeError):
            svcm.rfm_scores([1, "x"], [1, 1], [1, 1])


class Segment(unittest.TestCase):
    def test_every_rule_fires_on_the_hand_worked_population(self):
        res = svcm.segment(POP_R, POP_F, POP_M, tenure=POP_T, p_alive=POP_P, edges=EDGES)
        self.assertEqual(list(res.tiers), WANT_TIERS)
        self.assertEqual([svcm.SEGMENT_REASON_NAMES[c] for c in res.reasons], WANT_REASONS)
        self.assertEqual([svcm.reason_name(c) for c in res.reasons], WANT_REASONS)
        self.assertEqual([res.reason_names[c] for c in res.reasons], WANT_REASONS)
        self.assertIs(res.reason_names, svcm.SEGMENT_REASON_NAMES)
        self.assertEqual(list(res.r), WANT_R)
        self.assertEqual(list(res.f), WANT_F)
        self.assertEqual(list(res.m), WANT_M)
        self.assertEqual(res.edges.recency, (10.0, 30.0, 60.0, 120.0))

    def test_results_are_read_only_columns_sharing_their_memory(self):
        res = svcm.segment(POP_R, POP_F, POP_M, tenure=POP_T, p_alive=POP_P, edges=EDGES)
        for name, want in (("tiers", WANT_TIERS), ("r", WANT_R), ("f", WANT_F),
                           ("m", WANT_M)):
            col = getattr(res, name)
            self.assertIsInstance(col, svcm.Column)
            self.assertEqual(col, want)
            view = memoryview(col)
            self.assertEqual((view.format, view.readonly, view.nbytes), ("B", True, 10))
            self.assertEqual(view.tolist(), want)
            with self.assertRaises(TypeError):
                view[0] = 1  # read-only
        # A view is of the column itself (its own memory), not of a copy.
        self.assertIs(memoryview(res.tiers).obj, res.tiers)
        self.assertEqual(bytes(res.reasons), bytes(svcm.SEGMENT_REASON_NAMES.index(x)
                                                   for x in WANT_REASONS))

    def test_results_pickle_and_copy(self):
        # Plain struct-sequence pickles: each Column field pickles itself
        # (Column.__reduce__) and comes back as a new Column.
        res = svcm.segment(POP_R, POP_F, POP_M, tenure=POP_T, p_alive=POP_P, edges=EDGES)
        scores = svcm.rfm_scores(POP_R, POP_F, POP_M, edges=EDGES)
        empty = svcm.segment([], [], [], edges=EDGES)
        for obj in (res, scores, empty):
            for proto in range(pickle.HIGHEST_PROTOCOL + 1):
                data = pickle.dumps(obj, proto)
                # by reference to the public names only (svcm.Segmentation,
                # svcm.Column), never to the private extension module
                self.assertNotIn(b"_svcm", data)
                back = pickle.loads(data)
                self.assertEqual(type(back), type(obj))
                self.assertEqual(back, obj)
                self.assertIsInstance(back[0], svcm.Column)
                self.assertIsNot(back[0], obj[0])
            self.assertEqual(copy.deepcopy(obj), obj)
            self.assertEqual(copy.copy(obj), obj)
        self.assertEqual(list(pickle.loads(pickle.dumps(res)).tiers), WANT_TIERS)
        self.assertFalse(hasattr(svcm, "_segment_reduce"))  # no copyreg hook left

    def test_array_inputs_are_read_in_place(self):
        d = lambda v: array.array("d", v)  # noqa: E731
        res = svcm.segment(d(POP_R), d(POP_F), d(POP_M), tenure=d(POP_T), p_alive=d(POP_P),
                           edges=EDGES)
        self.assertEqual(list(res.tiers), WANT_TIERS)
        self.assertEqual(res.tiers.typecode, "B")

    def test_policy_thresholds_change_the_outcome(self):
        policy = svcm.Policy(vip_min_monetary=900)
        res = svcm.segment(POP_R, POP_F, POP_M, tenure=POP_T, p_alive=POP_P, edges=EDGES,
                           policy=policy)
        self.assertEqual(res.tiers[8], VIP)
        self.assertEqual(res.reasons[8], svcm.SEGMENT_REASON_VIP_MONETARY)
        off = svcm.Policy(churn_days=math.inf, p_alive_min=0, new_tenure_days=0,
                          new_max_frequency=-1)
        res = svcm.segment(POP_R, POP_F, POP_M, tenure=POP_T, p_alive=POP_P, edges=EDGES,
                           policy=off)
        self.assertEqual(list(res.tiers)[:4], [REGULAR, KEY, VIP, REGULAR])

    def test_optional_columns(self):
        res = svcm.segment(POP_R, POP_F, POP_M, edges=EDGES)
        self.assertEqual(res.tiers[1], KEY)   # no p_alive: not lost
        self.assertEqual(res.tiers[2], VIP)   # no tenure: not new

    def test_tiers_are_invariant_under_shuffling(self):
        rng = random.Random(3)
        n = 3000
        t = [float(rng.randint(0, 1000)) for _ in range(n)]
        r = [rng.random() * x for x in t]
        f = [float(rng.randint(0, 14)) for _ in range(n)]
        m = [rng.random() * 3000 for _ in range(n)]
        p = [rng.random() for _ in range(n)]
        a = svcm.segment(r, f, m, tenure=t, p_alive=p)
        perm = list(range(n))
        rng.shuffle(perm)
        b = svcm.segment([r[i] for i in perm], [f[i] for i in perm], [m[i] for i in perm],
                         tenure=[t[i] for i in perm], p_alive=[p[i] for i in perm])
        self.assertEqual(a.edges, b.edges)
        self.assertEqual([a.tiers[i] for i in perm], list(b.tiers))
        self.assertEqual([a.reasons[i] for i in perm], list(b.reasons))

    def test_bad_input_names_record_and_field(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.segment([5, 50], [2, 2], [10, 10], tenure=[10, 20])
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "recency"))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.segment([5, 5], [2, 2], [10, 10], p_alive=[0.5, 1.5])
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "p_alive"))
        with self.assertRaises(svcm.Mismatch):
            svcm.segment([5], [2], [10], edges=((1,), (1,), (1,)))
        with self.assertRaises(TypeError):
            svcm.segment([5], [2], [10], policy="churn_days = 3")
        self.assertEqual(svcm.codes["EINVAL"], -1)


class SegmentThreads(unittest.TestCase):
    """threads= (svcm_segment_run): every output equals the one-thread run."""

    def population(self, n, seed):
        rng = random.Random(seed)
        t = [float(rng.randint(0, 1500)) for _ in range(n)]
        r = [float(rng.randint(0, int(x))) for x in t]
        f = [float(1 + int(rng.expovariate(0.25))) for _ in range(n)]
        m = [x * rng.lognormvariate(3.0, 1.2) for x in f]
        p = [rng.random() for _ in range(n)]
        return r, f, m, t, p

    def test_threads_give_the_results_of_one_thread(self):
        r, f, m, t, p = self.population(20011, 18)
        d = lambda v: array.array("d", v)  # noqa: E731
        one = svcm.segment(d(r), d(f), d(m), tenure=d(t), p_alive=d(p))
        self.assertEqual(sorted(set(one.tiers)), [VIP, KEY, REGULAR, POTENTIAL, LOST])
        for threads in (2, 3, 7):
            res = svcm.segment(d(r), d(f), d(m), tenure=d(t), p_alive=d(p), threads=threads)
            self.assertEqual(res.edges, one.edges)
            for name in ("tiers", "reasons", "r", "f", "m"):
                self.assertEqual(getattr(res, name), getattr(one, name), (threads, name))
        fixed = svcm.segment(r, f, m, tenure=t, p_alive=p, edges=one.edges, threads=7)
        self.assertEqual(fixed.tiers, one.tiers)
        recs = [(i, r[i], f[i], m[i], t[i] if i % 3 else None, p[i] if i % 5 else None)
                for i in range(len(r))]
        a = svcm.segment_records(recs)
        b = svcm.segment_records(recs, threads=3)
        self.assertEqual((a.edges, a.tiers, a.reasons), (b.edges, b.tiers, b.reasons))

    def test_threads_report_the_first_bad_record(self):
        r, f, m, t, p = self.population(9000, 5)
        m[4000] = -1.0
        r[7000] = math.nan
        for threads in (1, 2, 7):
            with self.assertRaises(svcm.InvalidInput) as cm:
                svcm.segment(r, f, m, tenure=t, threads=threads)
            self.assertEqual((cm.exception.index, cm.exception.field), (4000, "monetary"))

    def test_threads_on_float64_and_int64_buffers_match_one_thread(self):
        # The input kinds of the benchmark, without numpy (whose import leaks
        # under memcheck): float64 buffers are read in place, int64 recency
        # and frequency ('q', as numpy int64) go through the typed copy.
        r, f, m, t, _ = self.population(30011, 7)
        d = lambda v: array.array("d", v)  # noqa: E731
        q = lambda v: array.array("q", [int(x) for x in v])  # noqa: E731
        one = svcm.segment(d(r), d(f), d(m), tenure=d(t), threads=1)
        for threads in (1, 2, 4):
            for args in ((d(r), d(f), d(m)), (q(r), q(f), d(m)),
                         # strided views (every other item): the copy loops
                         (memoryview(d([x for v in r for x in (v, -1.0)]))[::2],
                          memoryview(q([x for v in f for x in (v, -1)]))[::2], d(m))):
                res = svcm.segment(*args, tenure=d(t), threads=threads)
                self.assertEqual(res.edges, one.edges)
                for name in ("tiers", "reasons", "r", "f", "m"):
                    self.assertEqual(getattr(res, name), getattr(one, name), (threads, name))

    def test_bad_thread_counts_are_refused(self):
        for bad in (0, -1, 65):
            with self.assertRaises(svcm.InvalidInput) as cm:
                svcm.segment([5], [2], [10], threads=bad)
            self.assertEqual(cm.exception.field, "threads")
            self.assertIn(f"threads must be in 1..64, got {bad}", str(cm.exception))
            with self.assertRaises(svcm.InvalidInput) as cm:
                svcm.segment_records([(1, 5, 2, 10)], threads=bad)
            self.assertEqual(cm.exception.field, "threads")
        with self.assertRaises(TypeError):
            svcm.segment([5], [2], [10], threads="2")
        with self.assertRaises(TypeError):  # keyword only
            svcm.segment([5], [2], [10], None, None, None, None, 2)


def column(code, values):
    """A Column of the given type code and values, through its pickle form."""
    return svcm.Column._from_bytes(code, array.array(code, values).tobytes())


class ColumnLikeArray(unittest.TestCase):
    """Code written for the array('B') results of 0.1 keeps working on
    svcm.Column: slicing, count(), index(), == with array.array."""

    CODES = {"B": [3, 0, 255, 7, 3, 3, 1, 0, 9],
             "b": [-3, 0, 127, -128, -3, 5, 5],
             "i": [2**31 - 1, -2**31, 0, 4, 4, -1],
             "q": [2**63 - 1, -2**63, 0, 10, -10, 10, 3],
             "d": [0.5, -0.0, 1e308, math.inf, -2.5, 0.5, 3.0]}

    def test_slices_are_columns_equal_to_array_slices(self):
        bounds = (None, 0, 1, 2, 5, -1, -2, -5, 100, -100)
        steps = (None, 1, 2, 3, -1, -2, -3, 100, -100)
        for code, values in self.CODES.items():
            col, arr = column(code, values), array.array(code, values)
            for a in bounds:
                for b in bounds:
                    for c in steps:
                        got = col[a:b:c]
                        self.assertIsInstance(got, svcm.Column)
                        self.assertEqual(got.typecode, code)
                        self.assertEqual(got.tolist(), arr[a:b:c].tolist(), (code, a, b, c))
                        self.assertEqual(got, arr[a:b:c])
                        self.assertEqual(memoryview(got).tolist(), arr[a:b:c].tolist())
            self.assertEqual(col[slice(None)], col)
            self.assertIsNot(col[:], col)

    def test_empty_slices_and_slices_of_empty_columns(self):
        col = column("B", [1, 2, 3])
        for s in (slice(2, 1), slice(3, None), slice(-1, -3), slice(0, 3, -1),
                  slice(100, 200), slice(0, 0)):
            got = col[s]
            self.assertEqual((len(got), got.tolist(), got.typecode), (0, [], "B"))
            self.assertEqual(memoryview(got).nbytes, 0)
            self.assertEqual(got, array.array("B"))
        empty = column("q", [])
        self.assertEqual((len(empty[:]), len(empty[::-1]), len(empty[-5:5:2])), (0, 0, 0))
        with self.assertRaises(ValueError):
            col[::0]

    def test_indices_negative_and_out_of_range(self):
        col = column("q", [10, 20, 30])
        self.assertEqual((col[0], col[-1], col[-3], col[True]), (10, 30, 10, 20))
        for bad in (3, -4, 2**70, -2**70):
            with self.assertRaises(IndexError):
                col[bad]
        for bad in (1.0, "1", None):
            with self.assertRaises(TypeError):
                col[bad]
        res = svcm.segment(POP_R, POP_F, POP_M, tenure=POP_T, p_alive=POP_P, edges=EDGES)
        self.assertEqual(res.tiers[-1], WANT_TIERS[-1])
        self.assertEqual(res.tiers[2:8:3], WANT_TIERS[2:8:3])
        self.assertEqual(res.reasons[::-1].tolist(), res.reasons.tolist()[::-1])

    def test_count_and_index_like_array(self):
        for code, values in self.CODES.items():
            col, arr = column(code, values), array.array(code, values)
            probes = set(values) | {12345, -7, 2**64, 0.5, True, 3.0, 7.5, "3", None}
            for x in probes:
                self.assertEqual(col.count(x), arr.count(x), (code, x))
                for start, stop in ((0, None), (1, None), (-3, None), (2, -1), (-100, 100),
                                    (5, 2), (len(values), None)):
                    extra = (start,) if stop is None else (start, stop)
                    try:
                        want = arr.index(x, *extra)
                    except ValueError:
                        with self.assertRaises(ValueError):
                            col.index(x, *extra)
                    else:
                        self.assertEqual(col.index(x, *extra), want, (code, x, extra))
        col = column("d", [math.nan, 1.0])
        self.assertEqual(col.count(math.nan), 0)  # NaN equals nothing, as in array('d')
        with self.assertRaises(ValueError) as cm:
            col.index(math.nan)
        self.assertIn("not in column", str(cm.exception))
        self.assertEqual(column("d", [-0.0]).count(0.0), 1)
        self.assertEqual(column("B", [1, 1]).count(1.0), 2)
        with self.assertRaises(TypeError):
            col.count()
        with self.assertRaises(TypeError):
            col.index(1.0, "0")

    def test_equality_with_arrays_lists_and_columns(self):
        res = svcm.segment(POP_R, POP_F, POP_M, tenure=POP_T, p_alive=POP_P, edges=EDGES)
        old = array.array("B", WANT_TIERS)  # what 0.1 returned
        self.assertTrue(res.tiers == old)
        self.assertTrue(old == res.tiers)
        self.assertFalse(res.tiers != old)
        self.assertEqual(res.tiers, array.array("q", WANT_TIERS))  # values, as array == array
        self.assertEqual(res.tiers, array.array("d", WANT_TIERS))
        self.assertNotEqual(res.tiers, array.array("B", WANT_TIERS[:-1]))
        self.assertNotEqual(res.tiers, array.array("B", WANT_TIERS[:-1] + [VIP]))
        self.assertNotEqual(res.tiers, array.array("B"))
        self.assertEqual(column("B", []), array.array("B"))
        nan = column("d", [1.0, math.nan])
        self.assertNotEqual(nan, array.array("d", [1.0, math.nan]))  # as array('d') == itself
        self.assertEqual(column("d", [-0.0]), array.array("d", [0.0]))
        self.assertEqual(column("q", [2**63 - 1]), array.array("q", [2**63 - 1]))
        self.assertNotEqual(column("q", [2**63 - 1]), array.array("d", [2.0**63]))
        self.assertEqual(res.tiers, WANT_TIERS)
        self.assertEqual(res.tiers, tuple(WANT_TIERS))
        self.assertNotEqual(res.tiers, bytes(WANT_TIERS))  # not a sequence of numbers here
        with self.assertRaises(TypeError):
            res.tiers < old

    def test_columns_pickle_and_copy_for_every_type_code(self):
        for code, values in self.CODES.items():
            col = column(code, values)
            for proto in range(pickle.HIGHEST_PROTOCOL + 1):
                back = pickle.loads(pickle.dumps(col, proto))
                self.assertIsInstance(back, svcm.Column)
                self.assertEqual((back.typecode, back.tolist()), (code, col.tolist()))
                self.assertEqual(back, col)
            for dup in (copy.copy(col), copy.deepcopy(col)):
                self.assertEqual(dup, col)
                self.assertIsNot(dup, col)
        reduced = column("q", [1, 256]).__reduce__()
        self.assertEqual(reduced[1], ("q", (1).to_bytes(8, "little") + (256).to_bytes(8, "little")))

    def test_from_bytes_refuses_what_is_not_a_column(self):
        with self.assertRaises(ValueError):
            svcm.Column._from_bytes("x", b"")
        with self.assertRaises(ValueError):
            svcm.Column._from_bytes("Bq", b"")
        with self.assertRaises(ValueError) as cm:
            svcm.Column._from_bytes("q", b"1234567")
        self.assertIn("not a whole number of 'q' items", str(cm.exception))
        with self.assertRaises(TypeError):
            svcm.Column._from_bytes("q", "12345678")
        self.assertEqual(svcm.Column._from_bytes("B", memoryview(b"\x01\x02")), [1, 2])


class PolicyType(unittest.TestCase):
    def test_defaults_keywords_and_validation(self):
        p = svcm.Policy()
        self.assertEqual((p.bins, p.churn_days, p.p_alive_min, p.key_min_score), (5, 180.0, 0.2, 4.0))
        self.assertEqual(p.vip_min_monetary, math.inf)
        p.churn_days = 365
        self.assertEqual(p.churn_days, 365.0)
        with self.assertRaises(svcm.InvalidInput) as cm:
            p.p_alive_min = 2
        self.assertEqual(cm.exception.field, "p_alive_min")
        self.assertEqual(p.p_alive_min, 0.2)  # unchanged
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.Policy(bins=3)  # default key_min_score 4 > 3 bins
        self.assertEqual(cm.exception.field, "key_min_score")
        self.assertEqual(svcm.Policy(bins=3, key_min_score=2.5).bins, 3)
        with self.assertRaises(TypeError):
            svcm.Policy(churn=3)
        with self.assertRaises(TypeError):
            svcm.Policy(bins=5.0)
        with self.assertRaises(TypeError):
            svcm.Policy(5)
        self.assertEqual(svcm.Policy(), svcm.Policy())
        self.assertNotEqual(svcm.Policy(), svcm.Policy(churn_days=1))

    def test_text_round_trip(self):
        p = svcm.Policy(churn_days=1 / 3, p_alive_min=0.1 + 0.2, vip_min_monetary=2500,
                        key_weight_r=2, bins=7, key_min_score=5.5, vip_m_top_scores=2)
        text = p.to_text()
        self.assertIn("vip_min_monetary = 2500\n", text)
        self.assertEqual(svcm.Policy.from_text(text), p)
        self.assertIn("vip_min_monetary = inf\n", svcm.Policy().to_text())

    def test_text_with_comments(self):
        p = svcm.Policy.from_text("# tenant 7\n\nchurn_days = 365  # a year\n key_weight_m=2\n")
        self.assertEqual((p.churn_days, p.key_weight_m, p.bins), (365.0, 2.0, 5))

    def test_text_errors_name_line_and_key(self):
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.Policy.from_text("# x\nchurn_days = 100\nchurn_dayz = 3\n")
        e = cm.exception
        self.assertEqual((e.line, e.column, e.index, e.field), (3, 1, None, "key"))
        self.assertIn("churn_dayz", str(e))
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.Policy.from_text("\nbins = five\n")
        self.assertEqual((cm.exception.line, cm.exception.field), (2, "bins"))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.Policy.from_text("bins = 5\np_alive_min = 1.5\n")
        self.assertEqual((cm.exception.line, cm.exception.field), (2, "p_alive_min"))
        # Issue 13: the position is in .line/.column, not in the message.
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.Policy.from_text("bins = 5\nchurn_days = x\n")
        e = cm.exception
        self.assertEqual((e.code, e.line, e.column, e.index), (-5, 2, 14, None))
        self.assertEqual(str(e), "field 'churn_days': 'churn_days' = 'x' is not a number")
        self.assertNotIn("line", str(e))
        with self.assertRaises(svcm.FormatError):
            svcm.Policy.from_text("bins = 5\nbins = 6\n")
        # A decimal beyond the double range is not +inf; "inf" is.
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.Policy.from_text("vip_min_monetary = 1e999\n")
        self.assertEqual((cm.exception.line, cm.exception.field), (1, "vip_min_monetary"))
        self.assertEqual(svcm.Policy.from_text("vip_min_monetary = inf").vip_min_monetary,
                         float("inf"))
        self.assertTrue(issubclass(svcm.FormatError, ValueError))


class Summary(unittest.TestCase):
    def test_summary_beyond_the_double_range_is_out_of_range(self):
        big = 1.7976931348623157e308
        with self.assertRaises(svcm.OutOfRange) as cm:
            svcm.tier_summary([0, 0, 0], [1, 2, 3], [1, 1, 1], [1, big, big])
        self.assertEqual((cm.exception.index, cm.exception.field), (2, "monetary"))

    def test_summary_of_the_hand_worked_population(self):
        s = svcm.tier_summary(WANT_TIERS, POP_R, POP_F, POP_M, r=WANT_R, f=WANT_F, m=WANT_M)
        self.assertEqual(len(s), 5)
        lost = s[LOST]
        self.assertEqual((lost.tier, lost.name, lost.count), (LOST, "lost", 2))
        self.assertAlmostEqual(lost.customer_share, 0.2, places=15)
        self.assertEqual(lost.monetary_total, 5800.0)
        self.assertAlmostEqual(lost.monetary_share, 5800 / 12950, places=15)
        self.assertAlmostEqual(lost.mean_recency, 110.0, places=12)
        self.assertAlmostEqual(lost.mean_r_score, 2.5, places=12)
        self.assertAlmostEqual(s[KEY].mean_r_score, 11 / 3, places=12)
        self.assertEqual(sum(x.count for x in s), 10)

    def test_summary_takes_segmentation_arrays_and_handles_empty_tiers(self):
        res = svcm.segment([1, 2, 3], [2, 2, 2], [0, 0, 0], edges=((1,), (1,), (1,)),
                           policy=svcm.Policy(bins=2, key_min_score=2))
        s = svcm.tier_summary(res.tiers, [1, 2, 3], [2, 2, 2], [0, 0, 0],
                              r=res.r, f=res.f, m=res.m)
        self.assertEqual(s[VIP].count, 0)
        self.assertTrue(math.isnan(s[VIP].mean_recency))
        # R 2, 1, 1; F 2; M 1: mean 5/3 and 4/3 < 2, no VIP: all REGULAR.
        self.assertEqual(list(res.tiers), [REGULAR] * 3)
        self.assertEqual(s[REGULAR].count, 3)
        self.assertAlmostEqual(s[REGULAR].mean_r_score, 4 / 3, places=12)
        self.assertEqual(s[REGULAR].monetary_share, 0.0)  # total value 0
        s2 = svcm.tier_summary(res.tiers, [1, 2, 3], [2, 2, 2], [0, 0, 0])
        self.assertTrue(math.isnan(s2[REGULAR].mean_r_score))
        # A whole Segmentation brings its tiers and scores along.
        s3 = svcm.tier_summary(res, [1, 2, 3], [2, 2, 2], [0, 0, 0])
        self.assertEqual(repr(s3), repr(s))  # repr: NaN fields compare unequal

    def test_summary_errors(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.tier_summary([0, 7], [1, 1], [1, 1], [1, 1])
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "tiers"))
        with self.assertRaises(svcm.InvalidInput):
            svcm.tier_summary([0, 1], [1, 1], [1, 1], [1, 1], r=[1, 1])
        with self.assertRaises(svcm.InvalidInput):
            svcm.tier_summary([0], [1, 1], [1, 1], [1, 1])
        with self.assertRaises(svcm.EmptyError):
            svcm.tier_summary([], [], [], [])


class Migration(unittest.TestCase):
    def test_moves_arrivals_and_departures(self):
        mg = svcm.migration([1, 2, 3, 4, 5], [VIP, KEY, REGULAR, POTENTIAL, LOST],
                            [3, 1, 6, 2, 7], [KEY, VIP, POTENTIAL, LOST, VIP])
        counts = [[0] * 5 for _ in range(5)]
        counts[VIP][VIP] = counts[KEY][LOST] = counts[REGULAR][KEY] = 1
        self.assertEqual([list(row) for row in mg.counts], counts)
        self.assertEqual(mg.gone, (0, 0, 0, 1, 1))
        self.assertEqual(mg.arrived, (1, 0, 0, 1, 0))

    def test_accepts_segmentation_arrays(self):
        old = svcm.segment(POP_R, POP_F, POP_M, edges=EDGES)
        ids = array.array("q", range(100, 110))
        mg = svcm.migration(ids, old.tiers, ids, old.tiers)
        self.assertEqual(sum(mg.counts[t][t] for t in range(5)), 10)
        self.assertEqual(svcm.migration(ids, old, ids, old), mg)

    def test_duplicates_and_bad_tiers(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.migration([1, 2, 3], [0, 0, 0], [3, 1, 3, 2, 1], [1, 1, 1, 1, 1])
        self.assertEqual((cm.exception.index, cm.exception.field), (2, "new_ids"))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.migration([1, 2], [0, 9], [1], [0])
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "old_tiers"))
        with self.assertRaises(svcm.InvalidInput):
            svcm.migration([1, 2], [0], [1], [0])
        with self.assertRaises(ValueError):
            svcm.migration([1], [-1], [1], [0])


class MigrationThreads(unittest.TestCase):
    """threads= (svcm_segment_migration_run): the one-thread counts."""

    @staticmethod
    def snapshots():
        # 6000 old and 5000 new customers with sparse ids (range far above
        # 16 x rows: the hashed join, which splits across threads); 3000 ids
        # in both, 2000 only new, 3000 only old.
        old_ids = array.array("q", (i * 1000003 - 7 for i in range(1, 6001)))
        old_tiers = array.array("B", ((i * 7) % 5 for i in range(1, 6001)))
        new = [2 * j - 1 if j <= 4000 else 10000 + j for j in range(1, 5001)]
        new_ids = array.array("q", (i * 1000003 - 7 for i in new))
        new_tiers = array.array("B", ((i * 11 + j) % 5 for j, i in enumerate(new, 1)))
        return old_ids, old_tiers, new_ids, new_tiers

    def test_threads_give_the_counts_of_one_thread(self):
        oi, ot, ni, nt = self.snapshots()
        one = svcm.migration(oi, ot, ni, nt)
        self.assertEqual(sum(map(sum, one.counts)), 3000)
        self.assertEqual((sum(one.arrived), sum(one.gone)), (2000, 3000))
        for threads in (1, 2, 3, 7, 64):
            self.assertEqual(svcm.migration(oi, ot, ni, nt, threads=threads), one, threads)
        # dense ids (the byte table, on the calling thread) too
        ids = array.array("q", range(4000))
        seg = array.array("B", (i % 5 for i in range(4000)))
        self.assertEqual(svcm.migration(ids, seg, ids[::-1], seg, threads=2),
                         svcm.migration(ids, seg, ids[::-1], seg))

    def test_threads_report_the_same_repeated_id(self):
        oi, ot, ni, nt = self.snapshots()
        ni[4499] = ni[1199]
        ni[4899] = ni[299]
        for threads in (1, 2, 7):
            with self.assertRaises(svcm.InvalidInput) as cm:
                svcm.migration(oi, ot, ni, nt, threads=threads)
            self.assertEqual((cm.exception.index, cm.exception.field), (4499, "new_ids"))

    def test_bad_thread_counts_are_refused(self):
        for bad in (0, -1, 65):
            with self.assertRaises(svcm.InvalidInput) as cm:
                svcm.migration([1], [0], [1], [0], threads=bad)
            self.assertEqual((cm.exception.field, cm.exception.index), ("threads", None))
            self.assertIn(f"threads must be in 1..64, got {bad}", str(cm.exception))
        with self.assertRaises(OverflowError):
            svcm.migration([1], [0], [1], [0], threads=2**70)
        for bad in ("2", 2.0, None):
            with self.assertRaises(TypeError):
                svcm.migration([1], [0], [1], [0], threads=bad)
        with self.assertRaises(TypeError):  # keyword only
            svcm.migration([1], [0], [1], [0], 2)


class DaysSince(unittest.TestCase):
    def test_days_since(self):
        as_of = 1_700_000_000
        d = svcm.days_since([as_of, as_of - 3 * 86400, as_of - 43200], as_of)
        self.assertEqual(list(d), [0.0, 3.0, 0.5])
        self.assertEqual(d.typecode, "d")
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.days_since([as_of, as_of + 1], as_of)
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "time"))


class RecordsFitAndChecks(unittest.TestCase):
    def test_records_with_per_record_optional_fields(self):
        recs = [(100 + i, POP_R[i], POP_F[i], POP_M[i], POP_T[i]) for i in range(10)]
        recs[1] = recs[1] + (0.1,)          # only customer 1 has P(alive)
        res = svcm.segment_records(recs, edges=EDGES)
        self.assertEqual(list(res.tiers), WANT_TIERS)
        self.assertEqual(list(res.r), WANT_R)
        recs[2] = (102, POP_R[2], POP_F[2], POP_M[2], None)  # tenure unknown: VIP
        res = svcm.segment_records(recs, edges=EDGES)
        self.assertEqual(res.tiers[2], VIP)
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.segment_records([(1, 5, 1, 1, 2)], edges=EDGES)  # recency 5 > tenure 2
        self.assertEqual((cm.exception.index, cm.exception.field), (0, "recency"))
        with self.assertRaises(TypeError):
            svcm.segment_records([(1, 5, 1)])
        with self.assertRaises(TypeError):
            svcm.segment_records([(1.5, 5, 1, 1)])

    def test_records_emptied_by_a_value_while_being_read_are_read_as_given(self):
        # A recency whose __float__ empties the outer list, or its own record
        # list, made the loop read past the end of the list (a segfault):
        # the records are now read from a snapshot taken at the call.
        class Emptying:
            def __init__(self, target):
                self.target = target

            def __float__(self):
                self.target.clear()
                return 1.0

        recs = [[i, 1.0, 2.0, 3.0] for i in range(50)]
        recs[0][1] = Emptying(recs)
        res = svcm.segment_records(recs)
        self.assertEqual(len(res.tiers), 50)
        self.assertEqual(recs, [])
        rec = [0, 1.0, 2.0, 3.0, 5.0, 0.5]
        rec[1] = Emptying(rec)
        res = svcm.segment_records([rec], edges=EDGES)
        self.assertEqual(res.reason_names[res.reasons[0]], "potential_new")  # tenure 5 < 90
        with self.assertRaises(TypeError):
            svcm.segment_records(5)

    def test_records_and_columns_agree_with_fitted_edges(self):
        rng = random.Random(11)
        recs = [(i, float(rng.randint(0, 300)), float(rng.randint(0, 9)),
                 rng.random() * 1000) for i in range(2500)]
        a = svcm.segment_records(recs)
        b = svcm.segment([x[1] for x in recs], [x[2] for x in recs], [x[3] for x in recs])
        self.assertEqual(a.edges, b.edges)
        self.assertEqual(a.tiers, b.tiers)
        self.assertEqual(a.reasons, b.reasons)

    def test_rfm_fit_returns_reusable_edges(self):
        x = [7, 3, 10, 1, 9, 2, 8, 5, 4, 6]
        e = svcm.rfm_fit(x, x, x)
        self.assertIsInstance(e, svcm.RfmEdges)
        self.assertEqual(tuple(e), (5, (2.0, 4.0, 6.0, 8.0), (2.0, 4.0, 6.0, 8.0),
                                    (2.0, 4.0, 6.0, 8.0)))
        self.assertEqual(svcm.rfm_fit(x, x, x, bins=2).recency, (5.0,))
        # 5.5 is above edges 2 and 4: bin 3, so R = 6 - 3 = 3, F = M = 3.
        res = svcm.rfm_scores([5.5, 8], [5.5, 8], [5.5, 8], edges=e)
        self.assertEqual((res.r[0], res.f[0], res.m[0]), (3, 3, 3))
        self.assertEqual((res.r[1], res.f[1], res.m[1]), (2, 4, 4))
        with self.assertRaises(svcm.EmptyError):
            svcm.rfm_fit([], [], [])

    def test_check_customers(self):
        self.assertIsNone(svcm.check_customers([1, 2], [1, 1], [5, 5], tenure=[2, 2]))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.check_customers([1, 2], [1, 1], [5, 5], p_alive=[1, -0.5])
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "p_alive"))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.check_customers([1, 2], [1, 1], [5, math.inf])
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "monetary"))


if __name__ == "__main__":
    unittest.main()
