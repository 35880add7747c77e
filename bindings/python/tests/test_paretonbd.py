"""Tests of svcm.ParetoNBD (the Pareto/NBD model's Python binding).

Published values: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value
Curves for Customer Base Analysis", and Fader & Hardie (2005), "A Note on
Deriving the Pareto/NBD Model and Related Expressions": CDNOW estimates
r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, LL = -9595.0. The BTYD
vignette (cran/BTYD, inst/doc/BTYD-walkthrough.pdf): customer 1516 (x = 26,
t_x = 30.857, T = 31) at BTYD's printed estimates (0.553, 10.580, 0.606,
11.656) has E[X(52) | ...] = 25.45647 and P(alive) = 0.997874. Values marked
mpmath were computed with mpmath 1.3.0 at 50 digits (hyp2f1 in the note's
likelihood and P(alive); P(X(t) = n) by mpmath.quad over the dropout time)."""
import csv
import math
import os
import unittest

import svcm

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "data")
PUBLISHED = (0.553, 10.578, 0.606, 11.669)


def load_summary():
    with open(os.path.join(DATA, "cdnow_summary.csv")) as f:
        rows = list(csv.DictReader(f))
    return ([float(r["x"]) for r in rows], [float(r["t_x"]) for r in rows],
            [float(r["T"]) for r in rows])


class ParetoNBDTest(unittest.TestCase):
    def test_cdnow_fit_matches_published_estimates(self):
        x, tx, T = load_summary()
        m = svcm.ParetoNBD.fit(x, tx, T)
        # to the published digits; beta (standard error ~6, the flat
        # direction) to 1.5 units of the last digit
        self.assertAlmostEqual(m.r, 0.553, delta=0.0005)
        self.assertAlmostEqual(m.alpha, 10.578, delta=0.0005)
        self.assertAlmostEqual(m.s, 0.606, delta=0.0005)
        self.assertAlmostEqual(m.beta, 11.669, delta=0.0015)
        self.assertAlmostEqual(m.loglik, -9595.0, delta=0.05)
        self.assertEqual(m.n, 2357)
        self.assertEqual(m.weight, 2357.0)
        self.assertLess(m.groups, 2357)
        se = m.standard_errors
        self.assertEqual(len(se), 4)
        self.assertTrue(all(v > 0 for v in se))
        self.assertLessEqual(m.grad_norm, 1e-6)
        self.assertAlmostEqual(m.log_likelihood(x, tx, T), m.loglik, delta=1e-8)

    def test_customer_1516_matches_btyd(self):
        m = svcm.ParetoNBD(0.553, 10.580, 0.606, 11.656)
        # BTYD's printed (rounded) estimates move these by ~0.002 / 0.0015
        self.assertAlmostEqual(m.expected_purchases(52, 26, 30.857143, 31), 25.45647, delta=0.005)
        self.assertAlmostEqual(m.p_alive(26, 30.857143, 31), 0.997874, delta=1e-5)
        self.assertAlmostEqual(m.expected_purchases_unconditional(52), 1.473434, delta=0.002)

    def test_reported_failing_case_is_finite_and_matches_mpmath(self):
        m = svcm.ParetoNBD(*PUBLISHED)
        # mpmath: row log-likelihood, P(alive), E[X(52) | ...]
        ll = m.log_likelihood(221, 103.43, 103.57)
        self.assertAlmostEqual(ll, -76.964978360381070621, delta=1e-12)
        self.assertAlmostEqual(m.p_alive(221, 103.43, 103.57), 0.99915385823227279583,
                               delta=1e-12)
        self.assertAlmostEqual(m.expected_purchases(52, 221, 103.43, 103.57),
                               89.643971406404693765, delta=1e-9)

    def test_lists_broadcast_and_pmf(self):
        m = svcm.ParetoNBD(*PUBLISHED)
        pa = m.p_alive([0, 2], [0, 30.43], 38.86)
        # mpmath
        self.assertAlmostEqual(pa[0], 0.29528660461689415751, delta=1e-13)
        self.assertAlmostEqual(pa[1], 0.869167559153011199, delta=1e-13)
        p = m.probability_of_purchases(39, [0, 1, 10])
        self.assertAlmostEqual(p[0], 0.59362503160238382969, delta=1e-13)
        self.assertAlmostEqual(p[1], 0.16556294727717548405, delta=1e-13)
        self.assertAlmostEqual(p[2], 0.0041934393320804215137, delta=1e-14)
        self.assertIsInstance(m.probability_of_purchases(39, 2), float)

    def test_p_alive_at_a_future_time(self):
        # Given alive at T, the dropout rate is Gamma(s, beta + T) (SMC 1987),
        # so P(alive at T + tau) = P(alive at T) * ((beta+T)/(beta+T+tau))**s.
        r, alpha, s, beta = PUBLISHED
        m = svcm.ParetoNBD(*PUBLISHED)
        x, tx, T = [0, 2], [0, 30.43], [38.86, 38.86]
        now = m.p_alive(x, tx, T)
        self.assertEqual(m.p_alive_at(0.0, x, tx, T), now)
        later = m.p_alive_at(52.0, x, tx, T)
        for a, b, t in zip(later, now, T):
            self.assertAlmostEqual(a, b * ((beta + t) / (beta + t + 52.0)) ** s, delta=1e-13)
        self.assertIsInstance(m.p_alive_at(1.0, 2, 30.43, 38.86), float)
        with self.assertRaises(svcm.InvalidInput) as cm:
            m.p_alive_at(-1.0, x, tx, T)
        self.assertEqual(cm.exception.field, "tau")

    def test_weights_equal_repeated_rows(self):
        x, tx, T = load_summary()
        x, tx, T = x[:500], tx[:500], T[:500]
        a = svcm.ParetoNBD.fit(x + x[:50], tx + tx[:50], T + T[:50])
        b = svcm.ParetoNBD.fit(x, tx, T, [2.0] * 50 + [1.0] * 450)
        for u, v in zip((a.r, a.alpha, a.s, a.beta), (b.r, b.alpha, b.s, b.beta)):
            self.assertAlmostEqual(u, v, delta=1e-6 * v)
        self.assertEqual(b.weight, 550.0)

    def test_errors(self):
        m = svcm.ParetoNBD(*PUBLISHED)
        with self.assertRaises(svcm.InvalidInput) as cm:
            m.p_alive([1, 1.5], [1, 1], [5, 5])
        self.assertEqual(cm.exception.index, 1)
        self.assertEqual(cm.exception.field, "x")
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.ParetoNBD(0.5, 1.0, -1.0, 1.0)
        self.assertEqual(cm.exception.field, "s")
        with self.assertRaises(svcm.InvalidInput):
            m.probability_of_purchases(-1, 0)
        with self.assertRaises(svcm.EmptyError):
            svcm.ParetoNBD.fit([0, 0], [0, 0], [3, 4])
        x, tx, T = load_summary()
        with self.assertRaises(svcm.NoConvergence):
            svcm.ParetoNBD.fit(x, tx, T, max_iter=2)
        self.assertIsNone(m.loglik)
        self.assertIsNone(m.standard_errors)
        self.assertEqual(repr(svcm.ParetoNBD(1, 2, 3, 4)),
                         "svcm.ParetoNBD(r=1, alpha=2, s=3, beta=4)")


if __name__ == "__main__":
    unittest.main()
