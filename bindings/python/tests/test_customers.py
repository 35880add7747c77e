"""One customer table, Python side: segment output feeds priority input.

svcm_request.tier is one byte (svcm_tier), the same bytes svcm.segment
returns as Segmentation.tiers (an svcm.Column, type code 'B'), so the column
is passed to svcm.prioritize as its tier column without conversion (issue 13,
item 4).
"""
import array
import calendar
import csv
import math
import os
import unittest

import svcm

# Importance with only the tier weighted is T = (4 - tier) / 4 (priority.h).
TIER_ONLY = {"w_impact": 0.0, "w_severity": 0.0, "w_value": 0.0}


class SegmentTiersIntoPriority(unittest.TestCase):
    def setUp(self):
        # 400 days idle: lost (churn_days 180); one purchase: potential.
        self.seg = svcm.segment([400, 5, 10, 3], [3, 1, 4, 9], [50, 5, 80, 900])
        self.n = len(self.seg.tiers)

    def columns(self, tiers):
        n = len(tiers)
        return {"id": list(range(n)), "tier": tiers, "impact": [4] * n,
                "severity": [1] * n, "created": [0] * n}

    def test_segmentation_tiers_are_the_tier_column_of_prioritize(self):
        tiers = self.seg.tiers
        self.assertEqual(tiers.typecode, "B")
        self.assertEqual(tiers[0], 4)  # lost
        self.assertEqual(tiers[1], 3)
        res = svcm.prioritize(self.columns(tiers), 10, **TIER_ONLY)
        self.assertEqual(len(res), self.n)
        # the lost customer (tier 4, importance 0) comes last
        self.assertEqual(res[-1].id, 0)
        same = svcm.prioritize(self.columns(list(tiers)), 10, **TIER_ONLY)
        self.assertEqual(res, same)
        names = ["vip", "key", "regular", "potential", "lost"]
        by_name = svcm.prioritize([dict(id=i, tier=names[t], impact=4, severity=1, created=0)
                                   for i, t in enumerate(tiers)], 10, **TIER_ONLY)
        self.assertEqual(res, by_name)

    def test_importance_follows_the_segment_tier(self):
        for i, t in enumerate(self.seg.tiers):
            item = dict(id=i, tier=t, impact=4, severity=1, created=0)
            self.assertAlmostEqual(svcm.importance(item, **TIER_ONLY), (4 - t) / 4, delta=1e-15)

    def test_tiers_outside_the_byte_are_refused_not_wrapped(self):
        # 256 would wrap to 0 (VIP) and -1 to 255 if narrowed blindly.
        for bad in (5, 256, -1, 2 ** 40):
            with self.assertRaises(svcm.InvalidInput) as cm:
                svcm.prioritize(self.columns([0, bad]), 10)
            self.assertEqual(cm.exception.field, "tier")
            self.assertEqual(cm.exception.index, 1)
            with self.assertRaises(svcm.InvalidInput) as cm:
                svcm.prioritize([dict(id=1, tier=bad, impact=4, severity=1, created=0)], 10)
            self.assertEqual(cm.exception.field, "tier")



# ------------------------------------------------------------ customer table
# svcm.Customers over the CDNOW sample. Published values, with the
# tolerances of tests/test_customers.c:
# - [FHL05] Fader, Hardie & Lee (2005), "Counting Your Customers the Easy
#   Way", Marketing Science 24(2), BG/NBD on CDNOW: r = 0.2426, alpha =
#   4.4135, a = 0.7929, b = 2.4258 (Hardie's workbook, four decimals),
#   LL = -9582.4; the workbook's E[Y(39) | x=2, t_x=30.43, T=38.86] = 1.226.
# - [FH13] Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value":
#   p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat buyers; CLVTools'
#   reference log-likelihood -4055.9177.

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "data")
END = calendar.timegm((1997, 9, 30, 0, 0, 0))


def load_transactions():
    ids, times, values = [], [], []
    with open(os.path.join(DATA, "cdnow_sample_transactions.txt")) as f:
        for line in f:
            _, sample, date, _, value = line.split()
            ids.append(int(sample))
            times.append(calendar.timegm((int(date[:4]), int(date[4:6]), int(date[6:]), 0, 0, 0)))
            values.append(float(value))
    return ids, times, values


def load_summary():
    with open(os.path.join(DATA, "cdnow_summary.csv")) as f:
        return list(csv.DictReader(f))


class CustomerTable(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tx = load_transactions()
        cls.table = svcm.summarize_customers(*cls.tx, END)  # weeks by default
        cls.fit = cls.table.fit_lifetime(horizon=39)

    def test_summarized_table_matches_the_published_summary(self):
        c, rows = self.table, load_summary()
        self.assertEqual(len(c), 2357)
        self.assertEqual(c.unit, "week")
        for i, row in enumerate(rows):
            self.assertEqual(c.id[i], int(row["ID"]))
            self.assertEqual(c.x[i], float(row["x"]))
            # the CSV rounds t_x, T and zbar to 0.01
            self.assertLessEqual(abs(c.t_x[i] - float(row["t_x"])), 0.005 + 1e-9)
            self.assertLessEqual(abs(c.T[i] - float(row["T"])), 0.005 + 1e-9)
            self.assertLessEqual(abs(c.mean_repeat_spend[i] - float(row["zbar"])), 0.005 + 1e-9)
            # segment.h: frequency = x + 1, tenure = T, recency = T - t_x
            self.assertEqual(c.frequency[i], c.x[i] + 1)
            self.assertEqual(c.tenure[i], c.T[i])
            self.assertEqual(c.recency[i], c.T[i] - c.t_x[i])
            self.assertEqual(c.p_alive[i], 0.0)

    def test_fitted_models_carry_their_standard_errors(self):
        # The table's fit hands back the same models a direct fit gives,
        # diagnostics included (not only the parameters).
        direct = svcm.BGNBD.fit(self.table.x, self.table.t_x, self.table.T)
        got = self.fit.bgnbd
        self.assertEqual(len(got.standard_errors), 4)
        for a, b in zip(got.standard_errors, direct.standard_errors):
            self.assertAlmostEqual(a, b, delta=1e-6 * abs(b))
        self.assertTrue(all(se > 0 for se in self.fit.gammagamma.standard_errors))

    def test_monetary_is_the_sum_of_each_customers_purchases(self):
        c = self.table
        total = {}
        for cid, t, v in zip(*self.tx):
            if t < END + 86400:  # calibration purchases (end's day included)
                total[cid] = total.get(cid, 0.0) + v
        for i in range(len(c)):
            self.assertAlmostEqual(c.monetary[i], total[c.id[i]], delta=1e-9 * total[c.id[i]])

    def test_fit_reproduces_fhl05_bgnbd_and_fh13_gammagamma(self):
        bg, gg = self.fit.bgnbd, self.fit.gammagamma
        self.assertIsInstance(bg, svcm.BGNBD)
        self.assertIsInstance(gg, svcm.GammaGamma)
        # [FHL05]
        self.assertLessEqual(abs(bg.r - 0.2426), 2e-4)
        self.assertLessEqual(abs(bg.alpha - 4.4135), 2e-3)
        self.assertLessEqual(abs(bg.a - 0.7929), 2e-4)
        self.assertLessEqual(abs(bg.b - 2.4258), 2e-3)
        self.assertLessEqual(abs(bg.loglik - -9582.4), 0.5)
        self.assertEqual(bg.n, 2357)
        # [FH13] on the mean repeat spend; CLVTools' log-likelihood
        self.assertEqual(gg.n, 946)
        self.assertLessEqual(abs(gg.p - 6.25), 0.005)
        self.assertLessEqual(abs(gg.q - 3.74), 0.005)
        self.assertLessEqual(abs(gg.gamma - 15.44), 0.005)
        self.assertLessEqual(abs(gg.loglik - -4055.9177), 0.0005)
        # [FHL05] workbook: customer 1 expects 1.226 purchases in 39 weeks
        self.assertLessEqual(abs(self.fit.expected[0] - 1.226), 0.002)
        self.assertEqual(self.fit.unit, "week")

    def test_p_alive_follows_its_closed_form(self):
        # Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD
        # model", written out independently here.
        bg, c = self.fit.bgnbd, self.table
        for i in range(len(c)):
            x, want = c.x[i], 1.0
            if x > 0:
                want = 1.0 / (1.0 + bg.a / (bg.b + x - 1.0) *
                              ((bg.alpha + c.T[i]) / (bg.alpha + c.t_x[i])) ** (bg.r + x))
            self.assertLessEqual(abs(self.fit.p_alive[i] - want), 1e-12)

    def test_columns_agree_with_the_fitted_models_methods(self):
        c, f = self.table, self.fit
        x, t_x, T = list(c.x[:50]), list(c.t_x[:50]), list(c.T[:50])
        m = list(c.mean_repeat_spend[:50])
        exp = f.bgnbd.expected_purchases(39.0, x, t_x, T)
        clv = f.gammagamma.clv(f.bgnbd, x, t_x, T, m)
        for i in range(50):
            self.assertLessEqual(abs(f.expected[i] - exp[i]), 1e-12 * max(1.0, exp[i]))
            self.assertLessEqual(abs(f.clv[i] - clv[i]), 1e-9 * max(1.0, abs(clv[i])))

    def test_rfm_columns_in_days_fit_like_the_lifetime_columns(self):
        c = self.table
        days = svcm.Customers.from_columns(
            unit="day", frequency=c.frequency, recency=[7 * r for r in c.recency],
            tenure=[7 * t for t in c.T], mean_repeat_spend=c.mean_repeat_spend)
        self.assertIsNone(days.x)
        f = days.fit_lifetime(horizon=39)  # models in weeks
        for k in ("r", "alpha", "a", "b"):
            self.assertLessEqual(abs(getattr(f.bgnbd, k) - getattr(self.fit.bgnbd, k)), 1e-6, k)
        for k in ("p", "q", "gamma"):
            self.assertLessEqual(abs(getattr(f.gammagamma, k) - getattr(self.fit.gammagamma, k)),
                                 1e-6, k)

    def test_columns_are_read_only_views_that_keep_the_table_alive(self):
        c = svcm.summarize_customers(*self.tx, END, period="day")
        self.assertEqual(c.unit, "day")
        rec, ids = c.recency, c.id
        self.assertIsInstance(rec, memoryview)
        self.assertEqual((rec.format, ids.format, rec.readonly), ("d", "q", True))
        with self.assertRaises(TypeError):
            rec[0] = 1.0
        want = [7 * r for r in self.table.recency[:5]]
        del c
        for got, w in zip(rec[:5], want):
            self.assertLessEqual(abs(got - w), 1e-9 * max(1.0, w))
        self.assertEqual(ids[0], 1)
        # numpy's own import leaks under memcheck (as in test_convert.py)
        if "vgpreload" in os.environ.get("LD_PRELOAD", ""):
            return
        try:
            import numpy
        except ImportError:
            return
        a = numpy.asarray(rec)
        self.assertFalse(a.flags.owndata)  # shares the table's memory
        self.assertEqual(a[0], rec[0])

    def test_segment_in_weeks_equals_svcm_segment_in_days(self):
        c = self.table
        p_alive = [0.1 if i % 7 == 0 else 0.9 for i in range(len(c))]
        weeks = svcm.Customers(unit="week", recency=c.recency, frequency=c.frequency,
                               monetary=c.monetary, tenure=c.tenure, p_alive=p_alive)
        got = weeks.segment()
        want = svcm.segment([7 * r for r in c.recency], c.frequency, c.monetary,
                            tenure=[7 * t for t in c.tenure], p_alive=p_alive)
        self.assertEqual(type(got), svcm.Segmentation)
        for k in ("tiers", "reasons", "r", "f", "m", "edges", "reason_names"):
            self.assertEqual(getattr(got, k), getattr(want, k), k)
        self.assertIn(svcm.SEGMENT_REASON_LOST_P_ALIVE, got.reasons)
        pol = svcm.Policy(churn_days=30)
        fixed = weeks.segment(policy=pol, edges=want.edges)
        want2 = svcm.segment([7 * r for r in c.recency], c.frequency, c.monetary,
                             tenure=[7 * t for t in c.tenure], p_alive=p_alive, policy=pol,
                             edges=want.edges)
        self.assertEqual(fixed, want2)

    def test_without_clv_no_spend_is_needed(self):
        c = self.table
        t = svcm.Customers(unit="week", x=c.x, t_x=c.t_x, T=c.T)
        f = t.fit_lifetime(39, clv=False)
        self.assertIsNone(f.gammagamma)
        self.assertIsNone(f.clv)
        self.assertEqual(list(f.p_alive), list(self.fit.p_alive))
        with self.assertRaises(svcm.InvalidInput) as cm:
            t.fit_lifetime()
        self.assertEqual(cm.exception.field, "mean_repeat_spend")

    def test_clv_options_are_checked_and_the_stage_named(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            self.table.fit_lifetime(clv_horizon=0)
        self.assertEqual(cm.exception.field, "horizon")
        self.assertTrue(str(cm.exception).startswith("field 'horizon': CLV: "), str(cm.exception))
        # the CLV options reach svcm_clv: the same values as GammaGamma.clv
        c = self.table
        two = c.fit_lifetime(horizon=39, period_length=2.0, discount_rate=0.0,
                             clv_horizon=1, margin=0.5)
        want = two.gammagamma.clv(two.bgnbd, c.x, c.t_x, c.T, c.mean_repeat_spend, horizon=1,
                                  discount_rate=0.0, period_length=2.0, margin=0.5)
        self.assertEqual(list(two.clv), want)
        self.assertNotEqual(list(two.clv), list(self.fit.clv))

    def test_time_unit_seconds(self):
        self.assertEqual(svcm.time_unit_seconds("day"), 24 * 60 * 60)
        self.assertEqual(svcm.time_unit_seconds("week"), 7 * 24 * 60 * 60)
        self.assertEqual(svcm.time_unit_seconds("second"), 1.0)
        for u in (0, 1, 2 ** 70):  # a unit is a name (the C enum value is no longer taken)
            with self.assertRaises(TypeError):
                svcm.time_unit_seconds(u)
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.time_unit_seconds("month")
        self.assertEqual(cm.exception.field, "unit")


class CustomerTableErrors(unittest.TestCase):
    def field_of(self, exc, fn, *a, **kw):
        with self.assertRaises(exc) as cm:
            fn(*a, **kw)
        return cm.exception.field, cm.exception.index

    def test_bad_input_raises_naming_the_field(self):
        inv = svcm.InvalidInput
        self.assertEqual(self.field_of(inv, svcm.Customers, unit="month"), ("unit", None))
        self.assertEqual(self.field_of(inv, svcm.Customers, recency=[1, 2], frequency=[1]),
                         ("frequency", None))
        self.assertEqual(self.field_of(inv, svcm.summarize_customers, [1], [0], [1.0], 10,
                                       period="hour"), ("period", None))
        self.assertEqual(self.field_of(inv, svcm.summarize_customers, [1, 2], [0], [1.0, 2.0],
                                       10), ("times", None))
        self.assertEqual(self.field_of(inv, svcm.summarize_customers, [1, 2], [0, 0],
                                       [1.0, math.nan], 10), ("value", 1))
        rfm = svcm.Customers(frequency=[3, 1.5, 5], recency=[2, 5, 10], tenure=[20, 30, 30],
                             monetary=[1, 2, 3], mean_repeat_spend=[4, 0, 5])
        self.assertEqual(self.field_of(inv, rfm.fit_lifetime), ("frequency", 1))
        ok = svcm.Customers(frequency=[3, 1, 5], recency=[2, 5, 10], tenure=[20, 30, 30],
                            monetary=[1, 2, 3], mean_repeat_spend=[4, 0, 5])
        self.assertEqual(self.field_of(inv, ok.fit_lifetime, math.nan), ("horizon", None))
        self.assertEqual(self.field_of(inv, ok.fit_lifetime, unit="year"), ("unit", None))
        self.assertEqual(self.field_of(inv, ok.fit_lifetime, gtol=-1.0), ("gtol", None))
        late = svcm.Customers(frequency=[3], recency=[40], tenure=[30], monetary=[1])
        self.assertEqual(self.field_of(inv, late.segment), ("recency", 0))
        bare = svcm.Customers(frequency=[3], monetary=[1])
        self.assertEqual(self.field_of(inv, bare.segment)[0], "recency")
        self.assertEqual(self.field_of(inv, ok.segment, policy=None,
                                       edges=([1.0], [2.0, 3.0], [1.0]))[0], "edges")
        with self.assertRaises(TypeError):
            svcm.Customers(unit=7)
        with self.assertRaises(TypeError):
            ok.segment(policy="vip")
        with self.assertRaises(svcm.EmptyError):
            svcm.Customers().fit_lifetime()
        with self.assertRaises(svcm.EmptyError):
            svcm.Customers(unit="week", recency=[], frequency=[], monetary=[]).segment()

    def test_arrays_and_buffers_are_accepted_alike(self):
        cols = dict(frequency=[3, 1, 5], recency=[2, 5, 10], tenure=[20, 30, 30],
                    monetary=[1, 2, 3])
        a = svcm.Customers(**cols)
        b = svcm.Customers(**{k: array.array("d", v) for k, v in cols.items()})
        self.assertEqual(a.segment(), b.segment())
        self.assertEqual(list(a.recency), list(b.recency))


class SummarizeReturns(unittest.TestCase):
    # Customer 1: day 0 buys 10; day 2 buys 8 and returns 8 (nets to 0);
    # day 5 buys 6 and returns 2 (nets to 4). Customer 2: day 1 buys 5 and
    # returns 5. End day 10, days out.
    D = 86400
    ids = [1, 1, 1, 1, 1, 2, 2]
    times = [0, 2 * D, 2 * D + 60, 5 * D, 5 * D + 1, D, D + 5]
    values = [10.0, 8.0, -8.0, 6.0, -2.0, 5.0, -5.0]

    def summarize(self, **kw):
        return svcm.summarize_customers(self.ids, self.times, self.values, 10 * self.D, "day",
                                        **kw)

    def test_returns_are_an_error_by_default_naming_the_record(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            self.summarize()
        self.assertEqual((cm.exception.field, cm.exception.index), ("value", 2))
        with self.assertRaises(svcm.InvalidInput) as cm:
            self.summarize(returns="keep")
        self.assertEqual(cm.exception.field, "returns")
        with self.assertRaises(TypeError):
            self.summarize(returns=1)

    def test_net_cancels_slots_at_or_below_zero_and_drop_leaves_returns_out(self):
        c = self.summarize(returns="net")
        self.assertEqual(list(c.id), [1])  # customer 2 returned everything
        self.assertEqual((c.x[0], c.t_x[0], c.T[0], c.monetary[0], c.mean_repeat_spend[0]),
                         (1.0, 5.0, 10.0, 14.0, 4.0))
        c = self.summarize(returns="drop")
        self.assertEqual(list(c.id), [1, 2])
        self.assertEqual((c.x[0], c.monetary[0], c.mean_repeat_spend[0]), (2.0, 24.0, 7.0))
        self.assertEqual((c.x[1], c.monetary[1], c.T[1]), (0.0, 5.0, 9.0))


class CustomersBuilderStreams(unittest.TestCase):
    """svcm.CustomersBuilder: the table of summarize_customers() fed in batches."""
    D = 86400

    def log(self, n, seed, neg):
        import random
        rnd = random.Random(seed)
        ids = [rnd.randrange(-10, 40) for _ in range(n)]
        times = [rnd.randrange(300) * self.D + rnd.randrange(self.D) for _ in range(n)]
        # multiples of 0.25: a slot's sum is the same in any order
        values = [rnd.randrange(4000) * 0.25 * (-1 if neg and rnd.random() < 0.2 else 1)
                  for _ in range(n)]
        return ids, times, values

    def columns(self, c):
        return [list(c.id)] + [list(getattr(c, k)) for k in
                               ("x", "t_x", "T", "frequency", "monetary", "recency", "tenure",
                                "mean_repeat_spend", "p_alive")]

    def test_batches_in_any_order_give_the_table_of_summarize_customers(self):
        import random
        for seed, returns, period in ((1, "error", "day"), (2, "net", "week"), (3, "drop", "day")):
            ids, times, values = self.log(2000, seed, returns != "error")
            rows = list(zip(ids, times, values))
            random.Random(seed).shuffle(rows)
            kw = {"returns": returns}
            if period == "week":
                kw.update(granularity=7 * self.D, offset=4 * self.D)
            end = 200 * self.D
            a = svcm.CustomersBuilder(end, period, **kw)
            b = svcm.CustomersBuilder(end, period, **kw)
            for k in range(0, len(rows), 300):
                part = rows[k:k + 300]
                (a if k // 300 % 2 else b).add(array.array("q", [r[0] for r in part]),
                                               [r[1] for r in part],
                                               array.array("d", [r[2] for r in part]))
            a.merge(b)
            self.assertEqual(a.rows, 2000)
            self.assertGreater(a.periods, 0)
            self.assertGreater(a.nbytes, 0)
            got = a.finish()
            want = svcm.summarize_customers(ids, times, values, end, period, **kw)
            self.assertEqual(got.unit, period)
            self.assertEqual(self.columns(got), self.columns(want))

    def test_memory_grows_with_customer_days_not_rows(self):
        b = svcm.CustomersBuilder(None, "day")
        for _ in range(50):
            b.add([7] * 100, [3 * self.D + 5] * 100, [1.0] * 100)
        self.assertEqual((b.rows, b.periods), (5000, 1))
        c = b.finish()
        self.assertEqual((list(c.id), c.x[0], c.monetary[0]), ([7], 0.0, 5000.0))
        self.assertEqual(repr(b), "svcm.CustomersBuilder(rows=5000, periods=1)")

    def test_bad_input_raises_naming_the_field_and_adds_nothing(self):
        b = svcm.CustomersBuilder(10 * self.D, "day")
        with self.assertRaises(svcm.InvalidInput) as cm:
            b.add([1, 2], [0, self.D], [1.0, -2.0])
        self.assertEqual((cm.exception.field, cm.exception.index), ("value", 1))
        with self.assertRaises(svcm.InvalidInput) as cm:
            b.add([1, 2], [0, self.D], [1.0, math.nan])
        self.assertEqual(cm.exception.field, "value")
        self.assertEqual(b.rows, 0)
        with self.assertRaises(ValueError):
            b.add([1, 2], [0], [1.0, 2.0])
        with self.assertRaises(TypeError):
            b.add([1, "x"], [0, 0], [1.0, 2.0])
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.CustomersBuilder(0, "hour")
        self.assertEqual(cm.exception.field, "period")
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.CustomersBuilder(0, "day", returns="keep")
        self.assertEqual(cm.exception.field, "returns")
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.CustomersBuilder(0, "day", granularity=0)
        self.assertEqual(cm.exception.field, "granularity")
        with self.assertRaises(TypeError):
            svcm.CustomersBuilder(1.5, "day")
        with self.assertRaises(svcm.InvalidInput) as cm:
            b.merge(svcm.CustomersBuilder(11 * self.D, "day"))
        self.assertEqual(cm.exception.field, "opts")
        with self.assertRaises(svcm.InvalidInput) as cm:
            b.merge(b)
        self.assertEqual(cm.exception.field, "src")
        with self.assertRaises(TypeError):
            b.merge(svcm.Calls())
        self.assertEqual(len(b.finish()), 0)


if __name__ == "__main__":
    unittest.main()
