"""Tests of svcm.MBGNBD (the Python binding of src/mbgnbd.c).

Published values: Batislam, Denizel & Filiztekin (2007), "Empirical
validation and comparison of models for customer base analysis", IJRM 24(3):
CDNOW estimates r = 0.525, alpha = 6.183, a = 0.891, b = 1.614 (reproduced
by the lifetimes package's ModifiedBetaGeoFitter). Closed forms checked
here are computed independently in Python."""
import array
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
            [float(r["T"]) for r in rows])


class MBGNBDTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.x, cls.tx, cls.T = load_summary()
        cls.m = svcm.MBGNBD.fit(cls.x, cls.tx, cls.T)

    def test_fit_reproduces_batislam_2007_cdnow_estimates(self):
        m = self.m
        # Batislam et al. (2007), to the published three decimals
        self.assertAlmostEqual(m.r, 0.525, delta=0.0005)
        self.assertAlmostEqual(m.alpha, 6.183, delta=0.0005)
        self.assertAlmostEqual(m.a, 0.891, delta=0.0005)
        self.assertAlmostEqual(m.b, 1.614, delta=0.0005)
        self.assertEqual(m.n, 2357)
        self.assertEqual(m.weight, 2357.0)
        self.assertLess(m.groups, 2357)
        self.assertGreater(m.iterations, 0)
        self.assertAlmostEqual(m.log_likelihood(self.x, self.tx, self.T), m.loglik,
                               delta=1e-6)
        se = m.standard_errors
        self.assertEqual(len(se), 4)
        self.assertTrue(all(0.0 < s < v for s, v in zip(se, (m.r, m.alpha, m.a, m.b))))

    def test_weights_and_buffers(self):
        rows = {}
        for r in zip(self.x, self.tx, self.T):
            rows[r] = rows.get(r, 0) + 1
        ux, ut, uT = (array.array("d", c) for c in zip(*rows))
        w = array.array("d", rows.values())
        m2 = svcm.MBGNBD.fit(ux, ut, uT, w)
        self.assertAlmostEqual(m2.r, self.m.r, delta=1e-6)
        self.assertAlmostEqual(m2.b, self.m.b, delta=1e-6)
        self.assertAlmostEqual(m2.loglik, self.m.loglik, delta=1e-6)
        m3 = svcm.MBGNBD.fit(ux, ut, uT, weights=w)
        self.assertEqual(m3.standard_errors, m2.standard_errors)

    def test_p_alive_and_expectations_follow_the_closed_forms(self):
        m = svcm.MBGNBD(0.525, 6.183, 0.891, 1.614)
        self.assertIsNone(m.loglik)
        self.assertIsNone(m.standard_errors)
        for x, tx, T in ((0, 0, 38.86), (2, 30.43, 38.86), (5, 20, 38.86)):
            odds = m.a / (m.b + x) * ((m.alpha + T) / (m.alpha + tx)) ** (m.r + x)
            self.assertAlmostEqual(m.p_alive(x, tx, T), 1 / (1 + odds), delta=1e-14)
        self.assertLess(m.p_alive(0, 0, 38.86), 1.0)
        # a customer seen for no time is a new one
        for t in (1.0, 39.0, 78.0):
            self.assertAlmostEqual(m.expected_purchases(t, 0, 0, 0),
                                   m.expected_purchases_unconditional(t), delta=1e-12)
        self.assertEqual(len(m.expected_purchases_unconditional([1.0, 2.0])), 2)
        self.assertEqual(len(m.p_alive([0, 2], [0, 30.43], 38.86)), 2)
        self.assertIn("svcm.MBGNBD(r=0.525", repr(m))

    def test_purchase_pmf_sums_to_1_with_the_unconditional_mean(self):
        m = svcm.MBGNBD(0.525, 6.183, 0.891, 1.614)
        # mpmath 1.3 at 40 digits: B(a, b+1)/B(a, b) NBD(0) + a/(a+b)
        self.assertAlmostEqual(m.purchase_pmf(39, 0), 0.58247318949328895, delta=1e-15)
        p = m.purchase_pmf(39, list(range(1500)))
        self.assertAlmostEqual(math.fsum(p), 1.0, delta=1e-12)
        self.assertAlmostEqual(math.fsum(k * v for k, v in enumerate(p)),
                               m.expected_purchases_unconditional(39), delta=1e-11)
        with self.assertRaises(svcm.InvalidInput):
            m.purchase_pmf(39, 1.5)

    def test_bad_input_raises(self):
        with self.assertRaises(svcm.InvalidInput):
            svcm.MBGNBD(0.525, -1, 0.891, 1.614)
        with self.assertRaises(svcm.InvalidInput):
            self.m.p_alive(1, 5, 3)
        with self.assertRaises(svcm.InvalidInput):
            svcm.MBGNBD.fit([1, 0], [1, 0], [3, 3], [1, -1])
        with self.assertRaises(svcm.EmptyError):
            svcm.MBGNBD.fit([0, 0], [0, 0], [3, 3])
        with self.assertRaises(svcm.NoConvergence):
            svcm.MBGNBD.fit(self.x, self.tx, self.T, max_iter=2)
        with self.assertRaises(ValueError):
            svcm.MBGNBD.fit([1, 0], [1, 0], [3])


if __name__ == "__main__":
    unittest.main()
