"""Tests of svcm.BGBB (the Python binding of src/bgbb.c).

Published values: Fader, Hardie & Shang (2010), "Customer-Base Analysis in a
Discrete-Time Noncontractual Setting", Marketing Science 29(6): on the 1995
donor cohort (tests/data/donations.csv) alpha = 1.204, beta = 0.750, gamma =
0.657, delta = 2.783, LL = -33,225.58, and Table 6's P(alive in 2002) =
0.11, 0.59, 0.93 for (x, t_x) = (0, 0), (2, 4), (6, 6). Hardie's BG/BB
spreadsheet (as quoted by the lifetimes tests): 12,884.2 expected donations
by the cohort over the next 5 years. Independent checks use Python's own
arithmetic (direct sums of the survival series)."""
import csv
import math
import os
import unittest

import svcm

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "data")


def load_donations():
    with open(os.path.join(DATA, "donations.csv")) as f:
        rows = list(csv.DictReader(f))
    return tuple([float(r[k]) for r in rows]
                 for k in ("frequency", "recency", "periods", "weights"))


class BGBBTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.x, cls.tx, cls.n, cls.w = load_donations()
        cls.m = svcm.BGBB.fit(cls.x, cls.tx, cls.n, cls.w)

    def test_fit_reproduces_fader_hardie_shang_2010(self):
        m = self.m
        self.assertAlmostEqual(m.alpha, 1.204, delta=0.0005)
        self.assertAlmostEqual(m.beta, 0.750, delta=0.0005)
        self.assertAlmostEqual(m.gamma, 0.657, delta=0.0005)
        self.assertAlmostEqual(m.delta, 2.783, delta=0.0005)
        self.assertAlmostEqual(m.loglik, -33225.58, delta=0.005)
        self.assertEqual(m.weight, 11104.0)
        self.assertEqual((m.n, m.groups), (22, 22))
        self.assertAlmostEqual(m.log_likelihood(self.x, self.tx, self.n, self.w), m.loglik,
                               delta=1e-6)
        self.assertEqual(len(m.standard_errors), 4)
        self.assertTrue(all(s > 0 for s in m.standard_errors))

    def test_weights_are_as_many_as_the_rows(self):
        m = self.m
        one = m.log_likelihood(1, 1, 6)
        self.assertAlmostEqual(m.log_likelihood(1, 1, 6, [2.0]), 2 * one, delta=1e-12)
        self.assertAlmostEqual(m.log_likelihood([1, 1], [1, 1], [6, 6], weights=[1.0, 3.0]),
                               4 * one, delta=1e-12)
        with self.assertRaises(svcm.InvalidInput) as cm:
            m.log_likelihood([1, 0], [1, 0], [6, 6], [1.0, 2.0, 3.0])
        self.assertEqual(cm.exception.field, "weights")

    def test_to_bytes_round_trip_and_bad_bytes(self):
        c = svcm.BGBB.from_bytes(self.m.to_bytes())
        for name in ("alpha", "delta", "loglik", "n", "groups", "weight", "standard_errors"):
            self.assertEqual(getattr(c, name), getattr(self.m, name), name)
        self.assertEqual(repr(c), repr(self.m))
        self.assertIsNone(svcm.BGBB.from_bytes(svcm.BGBB(1, 2, 3, 4).to_bytes()).loglik)
        for bad in (b"", self.m.to_bytes()[1:], svcm.MBGNBD(1, 1, 1, 1).to_bytes(),
                    self.m.to_bytes()[:5] + b"\xff" * 112):
            with self.assertRaises(svcm.FormatError):
                svcm.BGBB.from_bytes(bad)

    def test_table_6_and_spreadsheet_total(self):
        pa = self.m.p_alive([0, 2, 6], [0, 4, 6], 6)
        for got, want in zip(pa, (0.11, 0.59, 0.93)):  # FHS 2010 Table 6
            self.assertAlmostEqual(got, want, delta=0.005)
        e = self.m.expected_purchases(5, self.x, self.tx, self.n)
        total = sum(wi * ei for wi, ei in zip(self.w, e))
        self.assertAlmostEqual(total, 12884.2, delta=0.05)  # Hardie's sheet

    def test_expectation_of_a_surely_alive_customer_is_a_direct_sum(self):
        m = svcm.BGBB(1.5, 0.8, 1.0, 2.5)  # gamma = 1: no special case
        x, tx, n, t = 3, 4, 4, 10
        q, s = 1.0, 0.0
        for k in range(1, t + 1):
            q *= (m.delta + n + k - 1) / (m.gamma + m.delta + n + k - 1)
            s += q
        want = (m.alpha + x) / (m.alpha + m.beta + n) * s
        self.assertAlmostEqual(m.expected_purchases(t, x, tx, n), want, delta=1e-13 * want)
        self.assertAlmostEqual(m.expected_purchases_unconditional(0), 0.0)
        self.assertIsNone(m.standard_errors)
        self.assertIn("svcm.BGBB(alpha=1.5", repr(m))

    def test_bad_input_raises(self):
        with self.assertRaises(svcm.InvalidInput):
            svcm.BGBB(1, 1, 0, 1)
        with self.assertRaises(svcm.InvalidInput):
            self.m.p_alive(2, 1, 6)
        with self.assertRaises(svcm.InvalidInput):
            self.m.expected_purchases(1.5, 1, 1, 6)
        with self.assertRaises(svcm.InvalidInput):
            svcm.BGBB.fit([1, 0], [1, 0], [3, 3], [1, float("nan")])
        with self.assertRaises(svcm.EmptyError):
            svcm.BGBB.fit([0, 0], [0, 0], [3, 3])
        with self.assertRaises(svcm.NoConvergence):
            svcm.BGBB.fit([5, 3], [5, 3], [5, 3])


if __name__ == "__main__":
    unittest.main()
