"""Tests of svcm.funnel and svcm.Journey, the customer-journey engine.

Reference values: the worked log of tests/test_journey.c, counted by hand
there (funnel visit -> quote -> buy, window 10 s, paths of 3), and a
brute-force funnel in Python for random logs.
"""
import array
import math
import random
import unittest

import svcm

NAN = math.nan
# (customer, touchpoint, time, score, lost)
WORKED = [
    ("c1", "visit", 0, 4, False), ("c1", "quote", 3, 5, False), ("c1", "buy", 5, NAN, False),
    ("c2", "visit", 1, 2, False), ("c2", "quote", 20, NAN, False),
    ("c3", "quote", 0, NAN, False), ("c3", "visit", 2, NAN, False),
    ("c3", "buy", 4, NAN, False), ("c3", "quote", 6, NAN, False),
    ("c4", "buy", 9, NAN, False), ("c4", "visit", 7, NAN, False),
    ("c4", "quote", 8, NAN, False), ("c4", "visit", 5, NAN, False),
    ("c5", "support", 0, NAN, True),
    ("c6", "buy", 0, NAN, True), ("c6", "visit", 3, NAN, False),
    ("c7", "visit", 0, NAN, False), ("c7", "quote", 1, NAN, False),
]
STEPS = ["visit", "quote", "buy"]


def columns(rows):
    return [list(c) for c in zip(*rows)]


def brute_funnel(rows, steps, window):
    """Greedy chain per customer over its full sorted funnel events."""
    by = {}
    for c, tp, t, *_ in rows:
        if tp in steps:
            by.setdefault(c, []).append((t, steps.index(tp)))
    reached = [0] * len(steps)
    for ev in by.values():
        ev.sort()
        i, g0 = 0, None
        for k in range(len(steps)):
            while i < len(ev) and ev[i][1] != k:
                i += 1
            if i >= len(ev):
                break
            if k == 0:
                g0 = ev[i][0]
            if window is not None and ev[i][0] - g0 > window:
                break
            reached[k] += 1
            i += 1
    return reached


class Funnel(unittest.TestCase):
    def test_worked_log_by_hand(self):
        c, tp, t, _, _ = columns(WORKED)
        rows = svcm.funnel(c, tp, t, STEPS, window=10)
        self.assertEqual([r.reached for r in rows], [6, 4, 2])
        self.assertEqual([r.continued for r in rows], [4, 2, 0])
        self.assertAlmostEqual(rows[0].drop_rate, 1 / 3, places=12)
        self.assertAlmostEqual(rows[1].drop_rate, 0.5, places=12)
        self.assertTrue(math.isnan(rows[2].drop_rate))
        # Wilson 95 % for 2 of 6 and 2 of 4 (worked in tests/test_journey.c)
        self.assertAlmostEqual(rows[0].ci[0], 0.0967714111, places=8)
        self.assertAlmostEqual(rows[0].ci[1], 0.7000066849, places=8)
        self.assertAlmostEqual(rows[1].ci[0], 0.1500389892, places=8)
        self.assertIsInstance(rows[0].ci, tuple)
        self.assertEqual(rows[1].touchpoint, "quote")
        self.assertAlmostEqual(rows[1].time_mean, 2.75)
        self.assertEqual(rows[2].time_max, 2)
        self.assertIsInstance(rows[0], svcm.FunnelStep)

    def test_no_window_and_columns_as_arrays(self):
        c, tp, t, _, _ = columns(WORKED)
        rows = svcm.funnel(c, tp, array.array("d", t), STEPS)
        # without a window c2 reaches quote too
        self.assertEqual([r.reached for r in rows], [6, 5, 2])

    def test_random_logs_match_brute_force(self):
        rnd = random.Random(7)
        for _ in range(20):
            rows = [(rnd.randrange(30), rnd.choice("abcdef"), float(rnd.randrange(50)), NAN, False)
                    for _ in range(rnd.randrange(1, 300))]
            window = rnd.choice([None, 5.0, 12.0])
            c, tp, t, _, _ = columns(rows)
            got = [r.reached for r in svcm.funnel(c, tp, t, ["a", "b", "c"], window=window)]
            self.assertEqual(got, brute_funnel(rows, ["a", "b", "c"], window))

    def test_bad_input_names_the_record(self):
        c, tp, t, _, _ = columns(WORKED)
        t[4] = math.inf
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.funnel(c, tp, t, STEPS)
        self.assertEqual(cm.exception.index, 4)
        self.assertEqual(cm.exception.field, "time")
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.funnel(["a"], [""], [0], STEPS)
        self.assertEqual(cm.exception.field, "touchpoint")
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.funnel(["a"], ["x"], [0], ["x", "x"])
        self.assertEqual(cm.exception.field, "steps")
        with self.assertRaises(svcm.InvalidInput):
            svcm.funnel(["a"], ["x"], [0], ["x"], window=-1)
        with self.assertRaises(ValueError):
            svcm.funnel(["a", "b"], ["x"], [0], ["x"])
        with self.assertRaises(TypeError):
            svcm.funnel(["a"], "x", [0], ["x"])
        with self.assertRaises(TypeError):
            svcm.funnel(["a"], ["x"], [0], "x")
        with self.assertRaises(TypeError):
            svcm.funnel([1.5], ["x"], [0], ["x"])
        with self.assertRaises(TypeError):
            svcm.funnel(["a"], [3], [0], ["x"])
        with self.assertRaises(TypeError):
            svcm.funnel(["a"], ["x"], [0], ["x"], window="1d")

    def test_empty_log(self):
        rows = svcm.funnel([], [], [], STEPS)
        self.assertEqual([r.reached for r in rows], [0, 0, 0])
        self.assertTrue(math.isnan(rows[0].conversion))


class Journey(unittest.TestCase):
    def make(self, rows=WORKED, **kw):
        j = svcm.Journey(steps=STEPS, window=10, path_len=3, **kw)
        for r in rows:
            j.add(*r)
        return j

    def test_touchpoints_paths_and_totals_by_hand(self):
        j = self.make()
        r = j.result()
        self.assertEqual((r["events"], r["customers"], r["lost_customers"]), (18, 7, 2))
        self.assertEqual((r["entered"], r["completed"]), (6, 2))
        self.assertAlmostEqual(r["conversion"], 1 / 3)
        tps = j.touchpoints()
        self.assertEqual([t.touchpoint for t in tps], ["support", "visit", "buy", "quote"])
        self.assertAlmostEqual(tps[0].excess, 5 / 14)
        self.assertAlmostEqual(tps[0].lift, 3.5)
        self.assertEqual(tps[1].mean_score, 3)
        self.assertEqual(tps[3].mean_score, 5)
        self.assertEqual(tps[0].loss_rate, 1)
        self.assertIsInstance(tps[0].loss_ci, tuple)
        paths = j.paths(2)
        self.assertEqual(len(paths), 2)
        self.assertEqual(paths[0].touchpoints, ("visit", "quote"))
        self.assertEqual(paths[0].customers, 2)
        self.assertFalse(paths[0].truncated)
        self.assertEqual(paths[1].touchpoints, ("buy", "visit"))
        self.assertEqual(len(j.paths()), 6)
        self.assertEqual(j.paths(0), [])
        self.assertEqual([s.reached for s in j.steps()], [6, 4, 2])
        self.assertEqual(j.options, {"steps": tuple(STEPS), "window": 10.0, "path_len": 3,
                                     "confidence": 0.95})
        self.assertIn("events=18", repr(j))

    def test_batch_and_merge_equal_single_pass(self):
        one = self.make()
        c, tp, t, s, lost = columns(WORKED)
        b = svcm.Journey(steps=STEPS, window=10, path_len=3)
        b.add_batch(c[::-1], tp[::-1], t[::-1], s[::-1], lost[::-1])
        x = self.make(WORKED[::2])
        y = self.make(WORKED[1::2])
        x.merge(y)
        for other in (b, x):
            self.assertEqual(other.result(), one.result())
            # repr: nan fields compare unequal
            self.assertEqual(repr(other.touchpoints()), repr(one.touchpoints()))
            self.assertEqual(other.paths(), one.paths())
            self.assertEqual(repr([r[:8] for r in other.steps()]),
                             repr([r[:8] for r in one.steps()]))

    def test_customer_ids_may_be_int_or_bytes(self):
        j = svcm.Journey(steps=["a"])
        j.add(1, "a", 0)
        j.add("1", "a", 1)
        j.add(b"1", "a", 2)
        self.assertEqual(j.result()["customers"], 1)

    def test_errors(self):
        j = self.make()
        with self.assertRaises(svcm.Mismatch):
            j.merge(svcm.Journey(steps=STEPS))
        with self.assertRaises(TypeError):
            j.merge(object())
        with self.assertRaises(svcm.InvalidInput) as cm:
            j.add_batch(["a", "b"], ["x", "y"], [0, math.nan])
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "time"))
        with self.assertRaises(svcm.InvalidInput) as cm:
            j.add("a", "x", 0, score=math.inf)
        self.assertEqual(cm.exception.field, "score")
        with self.assertRaises(svcm.InvalidInput):
            svcm.Journey(path_len=0)
        with self.assertRaises(svcm.InvalidInput):
            svcm.Journey(confidence=1.5)
        with self.assertRaises(ValueError):
            j.paths(-1)
        with self.assertRaises(ValueError):
            j.add_batch(["a"], ["x"], [0], scores=[1, 2])
        with self.assertRaises(ValueError):
            j.add_batch(["a"], ["x"], [0], lost=[True, False])
        self.assertEqual(j.result()["events"], 18)


if __name__ == "__main__":
    unittest.main()
