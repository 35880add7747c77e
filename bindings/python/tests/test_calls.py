"""Tests of svcm.Calls, the call-log accumulator.

Reference values: the worked log of tests/test_calls.c, counted by hand
there (T = 20 s, short abandons under 5 s), and one accumulator fed
everything as the reference for merges and batches.
"""
import array
import copy
import math
import pickle
import random
import unittest

import svcm

NAN = math.nan
# (arrival, queue_start, queue_end, service_start, service_end, outcome)
WORKED = [
    (0, NAN, NAN, 12, 192, "answered"),       # wait 12, within T
    (5, 10, 40, 40, 100, "answered"),         # wait 30
    (100, 100, 100, 100, 340, "answered"),    # wait 0
    (5, 5, 8, NAN, NAN, "abandoned"),         # wait 3: short
    (199, 200, 215, NAN, NAN, "abandoned"),   # wait 15, within T
    (300, 300, 360, NAN, NAN, "abandoned"),   # wait 60
    (50, NAN, NAN, NAN, NAN, "other"),
]


def fill(c, rows=WORKED):
    for r in rows:
        c.add(*r[:5], outcome=r[5])
    return c


class CallsTest(unittest.TestCase):
    def test_worked_log(self):
        r = fill(svcm.Calls()).result()
        self.assertEqual((r["offered"], r["answered"], r["abandoned"], r["abandoned_short"],
                          r["other"]), (6, 3, 3, 1, 1))
        self.assertAlmostEqual(r["asa_s"], 14.0)            # (12 + 30 + 0) / 3
        self.assertAlmostEqual(r["aht_s"], 160.0)           # (180 + 60 + 240) / 3
        self.assertEqual(r["longest_wait_s"], 60.0)
        self.assertAlmostEqual(r["abandon_rate"], 0.5)
        self.assertAlmostEqual(r["abandon_rate_excl_short"], 0.4)  # 2 / 5
        self.assertAlmostEqual(r["abandon_hazard"], 0.025)  # 3 / 120 s
        self.assertAlmostEqual(r["mean_patience_s"], 40.0)  # 120 / 3
        self.assertAlmostEqual(r["service_level"], 0.4)     # 2 / (3 + 2)

    def test_service_level_conventions(self):
        want = {("ignore", False): 2 / 3, ("ignore", True): 2 / 3,
                ("against", False): 1 / 3, ("against", True): 0.4,
                ("met", False): 2 / 3, ("met", True): 0.6}
        for (sl, excl), v in want.items():
            c = fill(svcm.Calls(sl_abandoned=sl, exclude_short=excl))
            self.assertAlmostEqual(c.result()["service_level"], v, msg=(sl, excl))
            self.assertEqual(c.options["sl_abandoned"], sl)

    def test_tolerance_raises_slightly_early_instants(self):
        # service "starts" 1 s before the queue exit, as in the bank log
        strict, lax = svcm.Calls(), svcm.Calls(tolerance=2)
        with self.assertRaises(svcm.InvalidInput):
            strict.add(95, 100, 130, 129, 190)
        lax.add(95, 100, 130, 129, 190)
        r = lax.result()
        self.assertEqual((r["asa_s"], r["aht_s"]), (30.0, 60.0))
        self.assertEqual(lax.options["tolerance"], 2.0)
        with self.assertRaises(svcm.Mismatch):
            strict.merge(lax)

    def test_empty_gives_nan_ratios(self):
        r = svcm.Calls().result()
        self.assertEqual(r["offered"], 0)
        for k in ("service_level", "asa_s", "aht_s", "longest_wait_s", "abandon_rate",
                  "abandon_hazard", "mean_patience_s"):
            self.assertTrue(math.isnan(r[k]), k)

    def test_batch_equals_one_by_one_and_accepts_buffers(self):
        cols = list(zip(*WORKED))
        a = fill(svcm.Calls())
        b = svcm.Calls()
        b.add_batch(*[list(x) for x in cols[:5]], outcome=list(cols[5]))  # names
        self.assertEqual(a.save(), b.save())
        codes = {"answered": 0, "abandoned": 1, "other": 2}
        c = svcm.Calls()
        c.add_batch(*[array.array("d", x) for x in cols[:5]],
                    outcome=array.array("q", [codes[o] for o in cols[5]]))
        self.assertEqual(a.save(), c.save())
        # None columns are absent: wait = service_start - arrival.
        d = svcm.Calls()
        d.add_batch([0, 100], None, None, [25, 110], [85, 200], outcome=[0, 0])
        self.assertEqual(d.result()["asa_s"], 17.5)

    def test_merge_equals_one_accumulator(self):
        rnd = random.Random(7)
        rows = []
        for i in range(300):
            t = 30.0 * i
            w = float(rnd.randrange(90))
            k = rnd.random()
            if k < 0.6:
                rows.append((t, t + 2, t + 2 + w, t + 2 + w, t + 2 + w + rnd.randrange(600),
                             "answered"))
            elif k < 0.9:
                rows.append((t, t + 1, t + 1 + w, NAN, NAN, "abandoned"))
            else:
                rows.append((t, NAN, NAN, NAN, NAN, "other"))
        whole = fill(svcm.Calls(sl_abandoned="met"), rows)
        parts = [fill(svcm.Calls(sl_abandoned="met"), rows[i::3]) for i in range(3)]
        parts[2].merge(parts[0])
        parts[2].merge(parts[1])
        self.assertEqual(parts[2].save(), whole.save())
        with self.assertRaises(svcm.Mismatch):
            svcm.Calls(sl_abandoned="ignore").merge(whole)
        with self.assertRaises(TypeError):
            whole.merge(svcm.Durations())

    def test_bad_records_name_index_and_field(self):
        c = svcm.Calls()
        with self.assertRaises(svcm.InvalidInput) as cm:
            c.add(0, 10, 5, outcome="abandoned")
        self.assertEqual(cm.exception.field, "queue_end")
        self.assertIsNone(cm.exception.index)
        with self.assertRaises(svcm.InvalidInput) as cm:
            c.add_batch([0, 0, 0], [0, 0, 0], [1, 2, 3], [1, 2, 1], [5, 5, 5], outcome=[0, 0, 0])
        self.assertEqual((cm.exception.index, cm.exception.field), (2, "service_start"))
        self.assertEqual(c.result()["offered"], 0)  # all or nothing
        with self.assertRaises(svcm.InvalidInput) as cm:
            c.add_batch([0, 1], outcome=[2, 7])
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "outcome"))
        with self.assertRaises(ValueError) as cm:
            c.add(0, outcome="hung up")
        self.assertIn("outcome", str(cm.exception))
        with self.assertRaises(TypeError):
            c.add(0, outcome=1)  # codes only in add_batch
        with self.assertRaises(svcm.InvalidInput) as cm:
            c.add_batch([0, 1], outcome=[0])
        self.assertEqual(cm.exception.field, "outcome")
        with self.assertRaises(svcm.InvalidInput) as cm:
            c.add_batch([0, 1], [0], outcome=[0, 0])
        self.assertEqual(cm.exception.field, "queue_start")
        with self.assertRaises(TypeError):
            c.add_batch([0])  # outcome is required
        with self.assertRaises(ValueError) as cm:
            c.add_batch([0, 1], outcome=["answered", "hung up"])
        self.assertEqual(str(cm.exception), "outcome[1]: 'hung up' is not one of the names")
        with self.assertRaises(TypeError):
            c.add_batch([0], outcome=[None])
        with self.assertRaises(ValueError):
            svcm.Calls(sl_abandoned="sometimes")
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.Calls(target=-1)
        self.assertEqual(cm.exception.field, "target_s")

    def test_generated_type(self):
        # svcm.Calls is generated whole from bindings/api/calls.py (a managed
        # class): the constructor, state checks, merge, repr and subclasses.
        self.assertTrue(svcm.Calls.__doc__.startswith("Calls(target: float = 20.0,"))
        raw = svcm.Calls.__new__(svcm.Calls)
        self.assertEqual(repr(raw), "svcm.Calls(<uninitialised or busy>)")
        with self.assertRaises(svcm.StateError):
            raw.result()
        with self.assertRaises(svcm.StateError):
            raw.save()
        with self.assertRaises(svcm.StateError):
            svcm.Calls().merge(raw)
        with self.assertRaises(TypeError) as cm:
            svcm.Calls().merge(3)
        self.assertEqual(str(cm.exception), "merge: expected svcm.Calls, got int")
        with self.assertRaises(TypeError):
            svcm.Calls(20.0, 5.0, "met", True, 0.0, 1)  # too many
        with self.assertRaises(TypeError):
            svcm.Calls(tolerence=1)  # misspelt
        with self.assertRaises(ValueError) as cm:
            svcm.Calls(sl_abandoned="sometimes")
        self.assertIn("sl_abandoned", str(cm.exception))

        class Mine(svcm.Calls):
            pass

        m = fill(Mine(30.0, tolerance=1.0))
        self.assertEqual(repr(m), "svcm.Calls(offered=6, other=1)")
        self.assertEqual(m.options["target"], 30.0)
        c = fill(svcm.Calls(30.0, tolerance=1.0))
        c.merge(m)
        m.merge(c)
        self.assertEqual(m.result()["offered"], 18)
        self.assertIsInstance(Mine.load(m.save()), Mine)
        c.__init__(target=10.0)  # re-initialising replaces the state
        self.assertEqual((c.result()["offered"], c.options["target"]), (0, 10.0))

    def test_save_load_pickle_copy(self):
        c = fill(svcm.Calls(target=15, short_abandon=2))
        for twin in (svcm.Calls.load(c.save()), pickle.loads(pickle.dumps(c)), copy.deepcopy(c)):
            self.assertIsNot(twin, c)
            self.assertEqual(twin.save(), c.save())
            self.assertEqual(twin.options, c.options)
        with self.assertRaises(svcm.FormatError):
            svcm.Calls.load(c.save()[:-1])
        with self.assertRaises(svcm.FormatError):
            svcm.Calls.load(b"SVCM" + bytes(20))


if __name__ == "__main__":
    unittest.main()
