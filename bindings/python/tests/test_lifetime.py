"""Tests of the lifetime engine's Python binding: BGNBD, GammaGamma, CLV,
summarize_transactions.

Published values: Fader, Hardie & Lee (2005), "Counting Your Customers the
Easy Way", Marketing Science 24(2) (CDNOW estimates r = 0.243, alpha =
4.414, a = 0.793, b = 2.426, LL = -9582.4); Hardie's BG/NBD workbook as
quoted by the lifetimes test suite (1.226 expected holdout purchases for
x = 2, t_x = 30.43, T = 38.86); Fader & Hardie (2013), "The Gamma-Gamma
Model of Monetary Value" (p = 6.25, q = 3.74, gamma = 15.44; CLVTools'
reference LL -4055.9177)."""
import array
import calendar
import csv
import math
import os
import unittest

import svcm

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "data")


def load_summary():
    with open(os.path.join(DATA, "cdnow_summary.csv")) as f:
        rows = list(csv.DictReader(f))
    return ([float(r["x"]) for r in rows], [float(r["t_x"]) for r in rows],
            [float(r["T"]) for r in rows], [float(r["zbar"]) for r in rows])


def load_transactions():
    ids, times, values = [], [], []
    with open(os.path.join(DATA, "cdnow_sample_transactions.txt")) as f:
        for line in f:
            _, sample, date, _, value = line.split()
            ids.append(int(sample))
            times.append(calendar.timegm((int(date[:4]), int(date[4:6]), int(date[6:]), 0, 0, 0)))
            values.append(float(value))
    return ids, times, values


END = calendar.timegm((1997, 9, 30, 0, 0, 0))
PUBLISHED = (0.243, 4.414, 0.793, 2.426)


class BGNBDTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.x, cls.tx, cls.T, cls.zbar = load_summary()
        cls.model = svcm.BGNBD.fit(cls.x, cls.tx, cls.T)

    def test_fit_reproduces_fader_hardie_lee_2005_cdnow_estimates(self):
        m = self.model
        self.assertAlmostEqual(m.r, 0.243, delta=0.0005)
        self.assertAlmostEqual(m.alpha, 4.414, delta=0.0005)
        self.assertAlmostEqual(m.a, 0.793, delta=0.0005)
        self.assertAlmostEqual(m.b, 2.426, delta=0.0005)
        self.assertAlmostEqual(m.loglik, -9582.4, delta=0.05)
        self.assertEqual(m.n, 2357)
        self.assertLess(m.groups, m.n)
        self.assertAlmostEqual(m.log_likelihood(self.x, self.tx, self.T), m.loglik, delta=1e-6)

    def test_fit_accepts_buffers(self):
        m = svcm.BGNBD.fit(array.array("d", self.x), array.array("d", self.tx),
                           array.array("d", self.T))
        self.assertAlmostEqual(m.r, self.model.r, delta=1e-12)

    def test_expected_purchases_matches_hardie_worked_example(self):
        self.assertAlmostEqual(self.model.expected_purchases(39, 2, 30.43, 38.86), 1.226,
                               delta=0.0005)

    def test_unconditional_expectation_matches_hardie_workbook(self):
        got = self.model.expected_purchases_unconditional([0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0])
        want = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
        for g, w in zip(got, want):
            self.assertAlmostEqual(g, w, delta=0.0005)
        self.assertIsInstance(self.model.expected_purchases_unconditional(1.0), float)

    def test_p_alive_from_known_parameters_matches_hand_computation(self):
        # 1 / (1 + 0.793/3.426 (43.274/34.844)^2.243) = 0.7265785700806730
        m = svcm.BGNBD(*PUBLISHED)
        self.assertAlmostEqual(m.p_alive(2, 30.43, 38.86), 0.726578570080673, delta=1e-12)
        self.assertEqual(m.p_alive([2, 0], [30.43, 0], 38.86)[1], 1.0)
        self.assertIsNone(m.loglik)
        self.assertEqual(m.r, 0.243)

    def test_p_alive_batch_over_whole_data_is_a_list_in_unit_interval(self):
        p = self.model.p_alive(self.x, self.tx, self.T)
        self.assertEqual(len(p), 2357)
        self.assertTrue(all(0.0 < v <= 1.0 for v in p))

    def test_bad_record_raises_invalid_input_naming_index_and_field(self):
        m = svcm.BGNBD(*PUBLISHED)
        cases = [([1, -1], [1, 0], [5, 5], "x"), ([1, 0], [1, 2], [5, 5], "t_x"),
                 ([1, 1], [1, 6], [5, 5], "t_x"), ([1, 1], [1, math.nan], [5, 5], "t_x"),
                 ([1, 1.5], [1, 1], [5, 5], "x"), ([1, 1], [1, 1], [5, math.inf], "T")]
        for x, tx, T, field in cases:
            with self.assertRaises(svcm.InvalidInput) as cm:
                m.p_alive(x, tx, T)
            self.assertEqual(cm.exception.index, 1)
            self.assertEqual(cm.exception.field, field)
        with self.assertRaises(ValueError):
            m.p_alive([1, 2], [1], [5, 5])
        with self.assertRaises(svcm.InvalidInput):
            svcm.BGNBD(0.2, -1.0, 1.0, 1.0)
        with self.assertRaises(svcm.InvalidInput):
            m.expected_purchases(-1, 1, 1, 5)

    def test_bgnbd_log_likelihood_matches_hand_computation(self):
        # r = alpha = a = b = 1, x = 1, t_x = 1, T = 2: 1/18 + 1/8 = 13/72
        m = svcm.BGNBD(1.0, 1.0, 1.0, 1.0)
        self.assertAlmostEqual(m.log_likelihood(1, 1, 2), math.log(13.0 / 72.0), delta=1e-14)
        self.assertEqual(repr(m), "svcm.BGNBD(r=1, alpha=1, a=1, b=1)")
        self.assertIsNone(m.n)

    def test_fit_without_repeat_purchases_raises_empty_error(self):
        with self.assertRaises(svcm.EmptyError):
            svcm.BGNBD.fit([0, 0], [0, 0], [3, 4])

    def test_fit_with_too_few_iterations_raises_no_convergence(self):
        with self.assertRaises(svcm.NoConvergence):
            svcm.BGNBD.fit(self.x, self.tx, self.T, max_iter=2)


class GammaGammaAndSummaryTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ids, times, values = load_transactions()
        cls.s = svcm.summarize_transactions(ids, times, values, END)

    def test_summaries_reproduce_cdnow_summary_csv(self):
        x, tx, T, zbar = load_summary()
        s = self.s
        self.assertEqual(s["id"], list(range(1, 2358)))
        self.assertEqual(s["x"], [int(v) for v in x])
        for k, ref in (("t_x", tx), ("T", T), ("mean_spend", zbar)):
            for got, want in zip(s[k], ref):
                self.assertAlmostEqual(got, want, delta=0.005 + 1e-9)
        self.assertEqual(s["first"][0], calendar.timegm((1997, 1, 1, 0, 0, 0)))

    def test_same_day_purchases_merge(self):
        day = 86400
        s = svcm.summarize_transactions([1, 1, 1], [0, day + 5, day + 9], [1.0, 2.0, 3.0],
                                        10 * day, period=day)
        self.assertEqual(s["x"], [1])
        self.assertEqual(s["mean_spend"], [5.0])
        self.assertEqual(s["T"], [10.0])

    def test_summary_options_change_slots_and_units(self):
        # 23:00 and 01:00 UTC: two UTC days, one day at UTC-5.
        s = svcm.summarize_transactions([1, 1], [23 * 3600, 25 * 3600], [1.0, 2.0], 86400 * 7)
        self.assertEqual(s["x"], [1])
        s = svcm.summarize_transactions([1, 1], [23 * 3600, 25 * 3600], [1.0, 2.0], 86400 * 7,
                                        offset=-18000)
        self.assertEqual(s["x"], [0])
        s = svcm.summarize_transactions([1, 1], [0, 3600], [1.0, 2.0], 7200, granularity=3600,
                                        period=3600.0)
        self.assertEqual((s["x"], s["t_x"], s["T"]), ([1], [1.0], [2.0]))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.summarize_transactions([1], [0], [1.0], 0, granularity=0)
        self.assertEqual(cm.exception.field, "granularity")

    def test_summary_beyond_the_double_range_is_out_of_range(self):
        big = 1.7976931348623157e308
        day = 86400
        s = svcm.summarize_transactions([7, 7, 7], [0, day, 2 * day], [big, big, big], 2 * day)
        self.assertEqual(s["mean_spend"], [big])  # was inf
        with self.assertRaises(svcm.OutOfRange) as cm:
            svcm.summarize_transactions([7, 7, 7], [0, day, day + 60], [big, big, big], 2 * day)
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "value"))
        with self.assertRaises(ValueError):
            svcm.summarize_transactions([1, 2], [0], [1.0, 2.0], 0)

    def test_gammagamma_log_likelihood_matches_hand_computation(self):
        # p = 1, q = 2, gamma = 1; x = 1, m = 1: Gamma(3)/(Gamma(1)Gamma(2)) / 2^3 = 1/4
        g = svcm.GammaGamma(1.0, 2.0, 1.0)
        self.assertAlmostEqual(g.log_likelihood([1, 0], [1.0, 0.0]), math.log(0.25), delta=1e-14)
        self.assertIsNone(g.loglik)
        self.assertEqual(repr(g), "svcm.GammaGamma(p=1, q=2, gamma=1)")

    def test_summary_bad_value_raises_with_index(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.summarize_transactions([1, 2], [0, 0], [1.0, -2.0], 0)
        self.assertEqual(cm.exception.index, 1)
        self.assertEqual(cm.exception.field, "value")

    def test_gammagamma_fit_reproduces_fader_hardie_2013_estimates(self):
        g = svcm.GammaGamma.fit(self.s["x"], self.s["mean_spend"])
        self.assertAlmostEqual(g.p, 6.25, delta=0.005)
        self.assertAlmostEqual(g.q, 3.74, delta=0.005)
        self.assertAlmostEqual(g.gamma, 15.44, delta=0.005)
        self.assertAlmostEqual(g.loglik, -4055.9177, delta=0.0005)
        self.assertEqual(g.n, 946)

    def test_conditional_spend_matches_hand_computation(self):
        g = svcm.GammaGamma(6.25, 3.74, 15.44)
        # 6.25 (15.44 + 2 * 22.35) / (12.5 + 2.74); x = 0: 6.25 * 15.44 / 2.74
        self.assertAlmostEqual(g.conditional_expected_spend(2, 22.35), 375.875 / 15.24, delta=1e-12)
        self.assertAlmostEqual(g.conditional_expected_spend([0], [0])[0], 96.5 / 2.74, delta=1e-12)
        with self.assertRaises(svcm.OutOfRange):
            svcm.GammaGamma(0.2, 0.9, 10.0).conditional_expected_spend(0, 0)

    def test_clv_matches_hand_computation(self):
        bg = svcm.BGNBD(*PUBLISHED)
        g = svcm.GammaGamma(6.25, 3.74, 15.44)
        e = [bg.expected_purchases(4.0 * k, 2, 30.43, 38.86) for k in (1, 2, 3)]
        want = 0.5 * (375.875 / 15.24) * (e[0] / 1.1 + (e[1] - e[0]) / 1.1 ** 2
                                          + (e[2] - e[1]) / 1.1 ** 3)
        got = g.clv(bg, 2, 30.43, 38.86, 22.35, horizon=3, discount_rate=0.1,
                    period_length=4.0, margin=0.5)
        self.assertAlmostEqual(got, want, delta=1e-12 * want)
        many = g.clv(bg, [2, 0], [30.43, 0], [38.86, 38.86], [22.35, 0])
        self.assertEqual(len(many), 2)
        with self.assertRaises(TypeError):
            g.clv(g, 2, 30.43, 38.86, 22.35)
        with self.assertRaises(svcm.InvalidInput) as cm:
            g.clv(bg, 2, 30.43, 38.86, 22.35, discount_rate=-1.0)
        self.assertEqual(cm.exception.field, "discount_rate")

    def test_extreme_parameters_give_accurate_values_or_range_errors(self):
        # mpmath 1.3 reference (hyp2f1 at 60 digits and a posterior
        # integral agree): a, b huge with a/(a+b) fixed was NaN, then an
        # error, before the positive-term series.
        bg = svcm.BGNBD(0.243, 4.414, 1e8, 1e9)
        self.assertAlmostEqual(bg.expected_purchases(39, 2, 30.43, 38.86),
                               1.5319423456076186242, delta=1e-13)
        # b = 1e10 lost 5 digits to cancellation (0.219000816...).
        bg = svcm.BGNBD(0.243, 4.414, 0.793, 1e10)
        self.assertAlmostEqual(bg.expected_purchases(39, 0, 0, 38.86),
                               0.21899986133888841928, delta=1e-13)
        # A spend beyond the double range is OutOfRange, not inf.
        g = svcm.GammaGamma(6.25, 1.5, 1e308)
        with self.assertRaises(svcm.OutOfRange) as cm:
            g.conditional_expected_spend([1, 2], [1, 1.7976931348623157e308])
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "mean_spend"))
        with self.assertRaises(svcm.OutOfRange):
            svcm.BGNBD(1.7976931348623157e308, 1, 1, 1).log_likelihood(2, 30, 38)

    def test_gammagamma_bad_spend_raises_invalid_input(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.GammaGamma.fit([1, 2], [3.0, 0.0])
        self.assertEqual(cm.exception.index, 1)
        self.assertEqual(cm.exception.field, "mean_spend")
        with self.assertRaises(svcm.EmptyError):
            svcm.GammaGamma.fit([0], [0.0])


if __name__ == "__main__":
    unittest.main()
