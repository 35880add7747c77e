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
        # columns, not lists: int64 id, first, x; float64 t_x, T, mean_spend
        for k, code in (("id", "q"), ("first", "q"), ("x", "q"), ("t_x", "d"), ("T", "d"),
                        ("mean_spend", "d")):
            self.assertIsInstance(s[k], svcm.Column, k)
            self.assertEqual(memoryview(s[k]).format, code, k)
            self.assertEqual(len(s[k]), 2357, k)
        # and they feed a fit as they are
        fit = svcm.BGNBD.fit(s["x"], s["t_x"], s["T"])
        self.assertAlmostEqual(fit.r, 0.2426, places=3)

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


def second_difference_se(f, p0):
    """Standard errors from the inverse of minus the Hessian of f at p0, by
    second differences in the natural parameters (Gauss-Jordan inverse)."""
    k = len(p0)
    H = [[0.0] * k for _ in range(k)]
    for i in range(k):
        for j in range(k):
            hi, hj = 1e-3 * p0[i], 1e-3 * p0[j]
            vals = []
            for si, sj in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
                v = list(p0)
                v[i] += si * hi
                v[j] += sj * hj
                vals.append(f(v))
            H[i][j] = -(vals[0] - vals[1] - vals[2] + vals[3]) / (4 * hi * hj)
    M = [row[:] + [1.0 if i == j else 0.0 for j in range(k)] for i, row in enumerate(H)]
    for c in range(k):
        piv = max(range(c, k), key=lambda r: abs(M[r][c]))
        M[c], M[piv] = M[piv], M[c]
        d = M[c][c]
        M[c] = [v / d for v in M[c]]
        for r in range(k):
            if r != c:
                fac = M[r][c]
                M[r] = [a - fac * b for a, b in zip(M[r], M[c])]
    return [math.sqrt(M[i][k + i]) for i in range(k)]


class WhatUsersAskedForTests(unittest.TestCase):
    """0.2: standard errors, weights, penalizer, P(X(t) = n), P(alive) later,
    q <= 1 refused, explicit CLV periods."""

    @classmethod
    def setUpClass(cls):
        cls.x, cls.tx, cls.T, cls.zbar = load_summary()
        cls.model = svcm.BGNBD.fit(cls.x, cls.tx, cls.T)

    def test_standard_errors_match_second_differences(self):
        m = self.model
        self.assertEqual(len(m.standard_errors), 4)
        self.assertLessEqual(m.grad_norm, 1e-6)
        self.assertEqual(m.weight, 2357.0)
        want = second_difference_se(
            lambda v: svcm.BGNBD(*v).log_likelihood(self.x, self.tx, self.T),
            [m.r, m.alpha, m.a, m.b])
        for got, w in zip(m.standard_errors, want):
            self.assertAlmostEqual(got, w, delta=0.01 * w)
        self.assertIsNone(svcm.BGNBD(*PUBLISHED).standard_errors)

    def test_weights_fit_like_repeated_rows(self):
        x, tx, T = self.x[:400], self.tx[:400], self.T[:400]
        a = svcm.BGNBD.fit(x * 2, tx * 2, T * 2)
        b = svcm.BGNBD.fit(x, tx, T, [2.0] * 400)
        for p in ("r", "alpha", "a", "b", "loglik"):
            self.assertAlmostEqual(getattr(b, p), getattr(a, p), delta=1e-6 * abs(getattr(a, p)))
        self.assertEqual(b.weight, 800.0)
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.BGNBD.fit(x, tx, T, [1.0] * 3 + [-1.0] + [1.0] * 396)
        self.assertEqual((cm.exception.index, cm.exception.field), (3, "weights"))

    def test_penalizer_is_the_lifetimes_l2_form(self):
        lam = 0.01
        m = svcm.BGNBD.fit(self.x, self.tx, self.T, penalizer=lam)
        p0 = [m.r, m.alpha, m.a, m.b]
        for k in range(4):
            h = 1e-5 * p0[k]
            up, dn = list(p0), list(p0)
            up[k] += h
            dn[k] -= h
            g = (svcm.BGNBD(*up).log_likelihood(self.x, self.tx, self.T)
                 - svcm.BGNBD(*dn).log_likelihood(self.x, self.tx, self.T)) / (2 * h) / 2357
            self.assertAlmostEqual(g, 2 * lam * p0[k], delta=1e-5 + 1e-3 * abs(g))
        self.assertLess(m.loglik, self.model.loglik)
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.BGNBD.fit(self.x, self.tx, self.T, penalizer=-1.0)
        self.assertEqual(cm.exception.field, "penalizer")

    def test_not_converging_raises_with_iterations(self):
        with self.assertRaises(svcm.NoConvergence) as cm:
            svcm.BGNBD.fit(self.x, self.tx, self.T, max_iter=3)
        self.assertIn("3 iterations", str(cm.exception))

    def test_probability_of_purchases_matches_eq8_sums_to_one_and_has_the_mean(self):
        m = svcm.BGNBD(*PUBLISHED)
        r, al, a, b = PUBLISHED
        t = 39.0
        ps = m.probability_of_purchases(t, list(range(2000)))
        lB = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
        q, z = al / (al + t), t / (al + t)

        def nb(j):
            return math.exp(math.lgamma(r + j) - math.lgamma(r) - math.lgamma(j + 1)) \
                * q ** r * z ** j
        for k in range(10):  # eq. 8 of FHL 2005 as printed
            v = math.exp(math.lgamma(a) + math.lgamma(b + k) - math.lgamma(a + b + k) - lB) * nb(k)
            if k > 0:
                v += math.exp(math.lgamma(a + 1) + math.lgamma(b + k - 1)
                              - math.lgamma(a + b + k) - lB) * (1 - sum(nb(j) for j in range(k)))
            self.assertAlmostEqual(ps[k], v, delta=1e-12)
        self.assertAlmostEqual(math.fsum(ps), 1.0, delta=1e-10)
        self.assertAlmostEqual(math.fsum(k * p for k, p in enumerate(ps)),
                               m.expected_purchases_unconditional(t), delta=1e-8)
        self.assertAlmostEqual(m.probability_of_purchases(t, 0), q ** r, delta=1e-15)
        with self.assertRaises(svcm.InvalidInput) as cm:
            m.probability_of_purchases(t, [0, 1.5])
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "n"))

    def test_p_alive_at_future_time(self):
        m = svcm.BGNBD(*PUBLISHED)
        now = m.p_alive(2, 30.43, 38.86)
        self.assertEqual(m.p_alive_at(0.0, 2, 30.43, 38.86), now)
        later = [m.p_alive_at(tau, 2, 30.43, 38.86) for tau in (4.35, 26.0, 52.0)]
        self.assertTrue(now > later[0] > later[1] > later[2] > 0)
        # Independent: integrate over p ~ Beta(a, b + x) by the midpoint rule
        # (p = u^(1/a)) E[(1-p)^N] = ((alpha+T)/(alpha+T+p tau))^(r+x).
        r, al, a, b = PUBLISHED
        x, T, tau, N = 2, 38.86, 26.0, 200000
        s = 0.0
        for i in range(N):
            p = ((i + 0.5) / N) ** (1 / a)
            s += (1 - p) ** (b + x - 1) * ((al + T) / (al + T + p * tau)) ** (r + x)
        s /= N * a * math.exp(math.lgamma(a) + math.lgamma(b + x) - math.lgamma(a + b + x))
        self.assertAlmostEqual(later[1], now * s, delta=1e-6)
        # a one-time buyer is alive now with probability 1 (BG/NBD), not later
        self.assertEqual(m.p_alive(0, 0, 38), 1.0)
        self.assertLess(m.p_alive_at(52.0, 0, 0, 38), 1.0)
        with self.assertRaises(svcm.InvalidInput) as cm:
            m.p_alive_at(-1.0, 2, 30.0, 38.0)
        self.assertEqual(cm.exception.field, "tau")
        self.assertIn("MBGNBD", svcm.BGNBD.p_alive.__doc__)

    def test_gammagamma_with_q_at_most_one_is_refused(self):
        # Lomax quantiles (p = 1, q = 0.7, gamma = 10): mean spend infinite
        n = 3000
        m = [10 * ((1 - (i + 0.5) / n) ** (-1 / 0.7) - 1) for i in range(n)]
        with self.assertRaises(svcm.OutOfRange) as cm:
            svcm.GammaGamma.fit([1] * n, m)
        self.assertEqual(cm.exception.field, "q")
        self.assertIn("undefined", str(cm.exception))

    def test_gammagamma_standard_errors_and_penalizer(self):
        xs = [x for x in self.x if x > 0]
        ms = [z for x, z in zip(self.x, self.zbar) if x > 0]
        g = svcm.GammaGamma.fit(xs, ms)
        want = second_difference_se(lambda v: svcm.GammaGamma(*v).log_likelihood(xs, ms),
                                    [g.p, g.q, g.gamma])
        for got, w in zip(g.standard_errors, want):
            self.assertAlmostEqual(got, w, delta=0.01 * w)
        self.assertLessEqual(g.grad_norm, 1e-6)
        gp = svcm.GammaGamma.fit(xs, ms, penalizer=0.001)
        self.assertLess(gp.gamma, g.gamma)
        self.assertLess(gp.loglik, g.loglik)

    def test_clv_period_length_and_discount_rate_are_explicit(self):
        gg = svcm.GammaGamma(6.25, 3.74, 15.44)
        bg = svcm.BGNBD(*PUBLISHED)
        r, al, a, b = PUBLISHED
        bg_days = svcm.BGNBD(r, 7 * al, a, b)
        wk = gg.clv(bg, 2, 30.43, 38.86, 22.35, period_length=4.348, discount_rate=0.02)
        dy = gg.clv(bg_days, 2, 7 * 30.43, 7 * 38.86, 22.35, period_length=7 * 4.348,
                    discount_rate=0.02)
        self.assertGreater(wk, 0)
        self.assertAlmostEqual(dy, wk, delta=1e-9 * wk)
        self.assertGreater(gg.clv(bg, 2, 30.43, 38.86, 22.35, discount_rate=0.0), wk)
        with self.assertRaises(svcm.InvalidInput) as cm:
            gg.clv(bg, 2, 30.43, 38.86, 22.35, margin=-1.0)
        self.assertEqual(cm.exception.field, "margin")

    def test_pickle_keeps_the_fit_summary(self):
        import pickle
        m = pickle.loads(pickle.dumps(self.model))
        self.assertEqual(m.standard_errors, self.model.standard_errors)
        self.assertEqual(m.grad_norm, self.model.grad_norm)
        self.assertEqual(m.weight, self.model.weight)
        xs = [x for x in self.x if x > 0]
        ms = [z for x, z in zip(self.x, self.zbar) if x > 0]
        g = svcm.GammaGamma.fit(xs, ms)
        g2 = pickle.loads(pickle.dumps(g))
        self.assertEqual(g2.standard_errors, g.standard_errors)


class DescribedMethods(unittest.TestCase):
    """The per-customer methods described in bindings/api/lifetime.py: a
    float for numbers, an svcm.Column for sequences or buffers (numbers
    broadcast), keywords by the parameter names."""

    def test_column_results_for_sequences_and_floats_for_numbers(self):
        bg = svcm.BGNBD(*PUBLISHED)
        pn = svcm.ParetoNBD(0.553, 10.578, 0.606, 11.669)
        mb = svcm.MBGNBD(0.525, 6.183, 0.891, 1.614)
        bb = svcm.BGBB(1.204, 0.750, 0.657, 2.783)
        gg = svcm.GammaGamma(6.25, 3.74, 15.44)
        calls = [
            (bg.expected_purchases, (10.0,), ([2, 0], [30.0, 0.0], 40.0)),
            (bg.p_alive_at, (26.0,), ([2, 0], [30.0, 0.0], 40.0)),
            (bg.probability_of_purchases, (39.0,), ([0, 1, 2],)),
            (pn.p_alive, (), ([2, 0], [30.0, 0.0], 40.0)),
            (pn.p_alive_at, (26.0,), ([2, 0], [30.0, 0.0], 40.0)),
            (pn.expected_purchases, (10.0,), ([2, 0], [30.0, 0.0], 40.0)),
            (pn.probability_of_purchases, (39.0,), ([0, 1, 2],)),
            (mb.p_alive, (), ([2, 0], [30.0, 0.0], 40.0)),
            (mb.expected_purchases, (10.0,), ([2, 0], [30.0, 0.0], 40.0)),
            (mb.purchase_pmf, (10.0,), ([0, 1, 5],)),
            (bb.p_alive, (), ([3, 0], [5, 0], 6)),
            (bb.expected_purchases, (5.0,), ([3, 0], [5, 0], 6)),
            (gg.conditional_expected_spend, (), ([2, 0], 20.0)),
            (bg.expected_purchases_unconditional, (), ([1.0, 30.0],)),
            (pn.expected_purchases_unconditional, (), ([1.0, 30.0],)),
            (mb.expected_purchases_unconditional, (), ([1.0, 30.0],)),
            (bb.expected_purchases_unconditional, (), ([1.0, 6.0],)),
            # an object argument (a BGNBD), the same shape of result
            (gg.clv, (bg,), ([2, 0], [30.43, 0.0], 38.86, 22.35)),
        ]
        for fn, head, cols in calls:
            with self.subTest(fn.__qualname__):
                col = fn(*head, *cols)
                self.assertIsInstance(col, svcm.Column)
                self.assertEqual(col.typecode, "d")
                self.assertEqual(len(col), len(cols[0]))
                # Row by row with numbers: floats equal to the column's items.
                for i in range(len(cols[0])):
                    row = [c[i] if isinstance(c, list) else c for c in cols]
                    one = fn(*head, *row)
                    self.assertIsInstance(one, float)
                    self.assertEqual(one, col[i])
                # Buffers in, a Column out.
                bufs = [array.array("d", c) if isinstance(c, list) else c for c in cols]
                self.assertEqual(fn(*head, *bufs), col)

    def test_bgnbd_p_alive_still_gives_a_list(self):
        # The one exception: tests/typed_example.py types it list[float].
        p = svcm.BGNBD(*PUBLISHED).p_alive([2, 0], [30.43, 0.0], 38.86)
        self.assertIsInstance(p, list)
        self.assertEqual(p[1], 1.0)

    def test_keywords_name_the_parameters(self):
        bg = svcm.BGNBD(*PUBLISHED)
        self.assertEqual(bg.expected_purchases(39, x=2, t_x=30.43, T=38.86),
                         bg.expected_purchases(39, 2, 30.43, 38.86))
        self.assertEqual(bg.log_likelihood(T=[38.86, 40], t_x=[30.43, 0], x=[2, 0]),
                         bg.log_likelihood([2, 0], [30.43, 0], [38.86, 40]))
        with self.assertRaises(TypeError):
            bg.expected_purchases(39, 2, 30.43, 38.86, horizon=3)

    def test_log_likelihood_of_columns_is_the_sum_of_the_rows(self):
        mb = svcm.MBGNBD(0.525, 6.183, 0.891, 1.614)
        rows = [(2, 30.0, 40.0), (0, 0.0, 40.0), (5, 38.0, 39.0)]
        total = mb.log_likelihood(*[list(c) for c in zip(*rows)])
        self.assertIsInstance(total, float)
        self.assertAlmostEqual(total, sum(mb.log_likelihood(*r) for r in rows), delta=1e-9)

    def test_length_mismatch_and_bad_items_raise(self):
        gg = svcm.GammaGamma(6.25, 3.74, 15.44)
        with self.assertRaises(ValueError):
            gg.conditional_expected_spend([1, 2], [10.0])
        with self.assertRaises(TypeError):
            gg.conditional_expected_spend([1, "a"], [10.0, 20.0])
        with self.assertRaises(svcm.InvalidInput) as cm:
            gg.conditional_expected_spend([1, 2], [10.0, -5.0])
        self.assertEqual(cm.exception.index, 1)


if __name__ == "__main__":
    unittest.main()
