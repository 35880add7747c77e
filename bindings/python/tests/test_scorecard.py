"""Tests of the scorecard functions (targets with statistical verdicts).

Reference values are computed here with the standard library only: the
Wilson limits from their closed form with NormalDist's z, the sample size
that would decide by a linear scan over that closed form, order-statistic
ranks from the exact binomial CDF (math.comb). tests/test_scorecard.c
checks the same numbers in C.
"""
import math
import statistics
import unittest
from math import comb, sqrt

import svcm

Z = statistics.NormalDist().inv_cdf(0.975)


def wilson(s, n):
    p = s / n
    d = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / d
    h = Z / d * sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return max(0.0, c - h), min(1.0, c + h)


def verdict(lo, hi, target, at_least):
    if at_least:
        return "met" if lo >= target else "missed" if hi < target else "undetermined"
    return "met" if hi <= target else "missed" if lo > target else "undetermined"


def deciding_n(p, target, at_least):
    n = 1
    while True:
        d = 1 + Z * Z / n
        c = (p + Z * Z / (2 * n)) / d
        h = Z / d * sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
        if verdict(max(0.0, c - h), min(1.0, c + h), target, at_least) != "undetermined":
            return n
        n += 1


def order_ranks(n, q, alpha=0.05):
    cdf, lo, hi = 0.0, None, None
    for k in range(n):
        cdf += comb(n, k) * q**k * (1 - q) ** (n - k)
        if cdf <= alpha / 2:
            lo = k + 1
        if cdf >= 1 - alpha / 2:
            hi = k + 1
            break
    return lo, hi


class TargetVerdict(unittest.TestCase):
    CASES = [(95, 100, 0.9, "at_least"), (190, 200, 0.9, "at_least"), (80, 100, 0.9, "at_least"),
             (3, 1000, 0.01, "at_most"), (12, 1000, 0.01, "at_most"), (30, 1000, 0.01, "at_most"),
             (18, 200, 0.1, "at_most"), (7, 9, 0.5, "at_least")]

    def test_verdicts_follow_the_wilson_interval(self):
        for s, n, t, d in self.CASES:
            lo, hi = wilson(s, n)
            want = verdict(lo, hi, t, d == "at_least")
            self.assertEqual(svcm.target_verdict(s, n, t, d), want, (s, n, t, d))
            r = svcm.target_result(s, n, t, direction=d, confidence=0.95)
            self.assertEqual(r["verdict"], want)
            self.assertAlmostEqual(r["ci"][0], lo, places=9)
            self.assertAlmostEqual(r["ci"][1], hi, places=9)
            self.assertEqual(r["n"], n)
            self.assertEqual(r["direction"], d)
            want_n = deciding_n(s / n, t, d == "at_least") if want == "undetermined" else 0
            self.assertEqual(r["n_to_decide"], want_n, (s, n, t, d))

    def test_issue_surface(self):
        self.assertEqual(svcm.target_verdict(960, 1000, 0.9), "met")
        self.assertEqual(svcm.target_verdict(95, 100, 0.9, direction="at_least", confidence=0.95),
                         "undetermined")
        self.assertEqual(svcm.target_verdict(30, 1000, 0.01, "at_most"), "missed")
        # a lower confidence narrows the interval: 95/100 decides at 80 %
        self.assertEqual(svcm.target_verdict(95, 100, 0.9, "at_least", 0.8), "met")

    def test_bad_input(self):
        with self.assertRaises(svcm.EmptyError):
            svcm.target_verdict(0, 0, 0.5)
        with self.assertRaises(svcm.InvalidInput):
            svcm.target_verdict(3, 2, 0.5)
        with self.assertRaises(svcm.Error):
            svcm.target_verdict(1, 2, 1.5)
        with self.assertRaises(svcm.Error):
            svcm.target_verdict(1, 2, 0.5, "at_least", 1.0)
        with self.assertRaises(ValueError):
            svcm.target_verdict(1, 2, 0.5, "more")
        with self.assertRaises(TypeError):
            svcm.target_verdict("1", 2, 0.5)
        with self.assertRaises(ValueError):
            svcm.target_verdict(-1, 2, 0.5)
        with self.assertRaises(OverflowError):
            svcm.target_verdict(2**64, 2**64, 0.5)


class OtherVerdicts(unittest.TestCase):
    def test_quantile_uses_order_statistic_ranks(self):
        values = [float((i * 37) % 100 + 1) for i in range(100)]  # 1..100 scrambled
        lo, hi = order_ranks(100, 0.9)
        self.assertEqual((lo, hi), (84, 96))
        r = svcm.target_quantile_result(values, 0.9, 100.0)
        self.assertEqual(r["ci"], (84.0, 96.0))
        self.assertEqual(r["value"], 90.0)
        self.assertEqual(r["verdict"], "met")
        self.assertEqual(svcm.target_quantile_result(values, 0.9, 80.0)["verdict"], "missed")
        r = svcm.target_quantile_result(values, 0.9, 93.0, "at_most")
        self.assertEqual(r["verdict"], "undetermined")
        self.assertEqual(r["n_to_decide"], deciding_n(0.93, 0.9, True))
        r = svcm.target_quantile_result(values[:20], 0.9, 1e9)
        self.assertEqual(r["ci"][1], math.inf)
        with self.assertRaises(svcm.Error) as cm:
            svcm.target_quantile_result([1.0, math.nan], 0.5, 1.0)
        self.assertEqual((cm.exception.index, cm.exception.field), (1, "values"))
        with self.assertRaises(svcm.EmptyError):
            svcm.target_quantile_result([], 0.5, 1.0)

    def test_mean_uses_t_interval(self):
        r = svcm.target_mean_result(range(1, 11), 3.0)
        half = 2.262157 * statistics.stdev(range(1, 11)) / sqrt(10)  # t(0.975, 9)
        self.assertAlmostEqual(r["ci"][0], 5.5 - half, places=5)
        self.assertEqual(r["verdict"], "met")
        r = svcm.target_mean_result(range(1, 11), 5.0)
        self.assertEqual((r["verdict"], r["n_to_decide"]), ("undetermined", 144))
        with self.assertRaises(svcm.EmptyError):
            svcm.target_mean_result([1.0], 0.0)

    def test_nps(self):
        scores = [10] * 50 + [7] * 30 + [3] * 20  # NPS 30, V = 0.61
        r = svcm.target_nps_result(scores, 20)
        self.assertAlmostEqual(r["value"], 30.0)
        self.assertAlmostEqual(r["ci"][1] - 30.0, Z * 100 * sqrt(0.61 / 100), places=6)
        self.assertEqual(r["verdict"], "undetermined")
        self.assertEqual(r["n_to_decide"], math.ceil((Z * 100) ** 2 * 0.61 / 100))
        self.assertEqual(svcm.target_nps_result(scores, 50)["verdict"], "missed")
        with self.assertRaises(svcm.Error):
            svcm.target_nps_result([11], 0)


class Accumulators(unittest.TestCase):
    def test_durations_match_the_sample(self):
        values = [float((i * 37) % 100 + 1) for i in range(100)]
        d = svcm.Durations(values=values)
        for t in (80.0, 93.0, 100.0):
            self.assertEqual(svcm.target_durations_result(d, 0.9, t),
                             svcm.target_quantile_result(values, 0.9, t))
        with self.assertRaises(TypeError):
            svcm.target_durations_result(svcm.NPS(), 0.9, 1.0)
        with self.assertRaises(TypeError) as cm:
            svcm.target_durations_result(5, 0.9, 1.0)
        # An object argument (bindings/api/scorecard.py: "durations: Durations").
        self.assertEqual(str(cm.exception), "durations: expected svcm.Durations, got int")
        with self.assertRaises(svcm.StateError):
            svcm.target_durations_result(svcm.Durations.__new__(svcm.Durations), 0.9, 1.0)
        self.assertEqual(svcm.target_durations_result(q=0.9, target=100.0, durations=d)["n"], 100)
        with self.assertRaises(svcm.EmptyError):
            svcm.target_durations_result(svcm.Durations(), 0.9, 1.0)

    def test_feedback_objects(self):
        a, b = svcm.NPS(), svcm.NPS()
        a.add([10] * 50 + [7] * 30 + [3] * 20)
        b.add([10] * 70 + [7] * 20 + [3] * 10)
        self.assertEqual(svcm.target_feedback_result(a, 20), svcm.target_nps_result(
            [10] * 50 + [7] * 30 + [3] * 20, 20))
        self.assertEqual(svcm.target_feedback_change(a, b), "better")
        self.assertEqual(svcm.target_feedback_change(a, b, "at_most"), "worse")
        c = svcm.CSAT()
        c.add([5] * 95 + [1] * 5)
        r = svcm.target_feedback_result(c, 0.9)
        self.assertEqual((r["verdict"], r["n_to_decide"]), ("undetermined", 139))
        with self.assertRaises(svcm.Mismatch):
            svcm.target_feedback_change(a, c)
        with self.assertRaises(TypeError):
            svcm.target_feedback_result(svcm.Durations(values=[1.0]), 0.0)

    def test_scaled(self):
        self.assertEqual(svcm.target_scaled(90, "%"), 0.9)
        self.assertEqual(svcm.target_scaled(1.5, "h"), 5400.0)
        self.assertEqual(svcm.target_scaled(30), 30.0)
        with self.assertRaises(ValueError):
            svcm.target_scaled(1, "w")
        with self.assertRaises(svcm.OutOfRange):
            svcm.target_scaled(1e308, "d")


class Changes(unittest.TestCase):
    def test_rate_change(self):
        self.assertEqual(svcm.target_change(80, 100, 90, 100), "better")
        self.assertEqual(svcm.target_change(80, 100, 90, 100, "at_most"), "worse")
        self.assertEqual(svcm.target_change(85, 100, 90, 100), "unchanged")
        self.assertEqual(svcm.target_change(10, 10, 20, 20), "unchanged")
        # direction is a choice (bindings/api/scorecard.py): the symbols are
        # synonyms, anything else names the choices.
        self.assertEqual(svcm.target_change(80, 100, 90, 100, "<="), "worse")
        self.assertEqual(svcm.target_change(80, 100, 90, 100, direction=">="), "better")
        with self.assertRaisesRegex(ValueError, "direction: expected 'at_least', 'at_most', "
                                    "'>=' or '<=', got 'up'"):
            svcm.target_change(80, 100, 90, 100, "up")
        with self.assertRaisesRegex(TypeError, "direction: expected a str"):
            svcm.target_change(80, 100, 90, 100, 1)
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.target_change(-1, 100, 90, 100)
        self.assertEqual(cm.exception.field, "previous_successes")
        with self.assertRaises(svcm.EmptyError):
            svcm.target_change(0, 0, 1, 2)

    def test_mean_change(self):
        self.assertEqual(svcm.target_mean_change(range(1, 11), range(11, 21)), "better")
        self.assertEqual(svcm.target_mean_change(range(1, 11), range(11, 21), "at_most"), "worse")
        self.assertEqual(svcm.target_mean_change([1, 2, 3], [1.5, 2.5, 3.5]), "unchanged")
        with self.assertRaises(svcm.EmptyError):
            svcm.target_mean_change([1], [1, 2])


class TargetsText(unittest.TestCase):
    TEXT = ("# standards\ncsat_top2 >= 90%\ncomplaint_rate <= 1%\nfirst_response_p90 <= 1h\n"
            "resolution_p90 <= 24h\nfcr >= 70%\nnps >= 30\nsuggestion_adoption >= 20%\n")

    def test_parse_and_round_trip(self):
        t = svcm.targets_parse(self.TEXT)
        self.assertEqual(len(t), 7)
        self.assertEqual(t[0], ("csat_top2", "at_least", 90.0, "%"))
        self.assertEqual(t[2], ("first_response_p90", "at_most", 1.0, "h"))
        self.assertEqual(t[5], ("nps", "at_least", 30.0, ""))
        text = svcm.targets_format(t)
        self.assertEqual(text, self.TEXT.split("\n", 1)[1])
        self.assertEqual(svcm.targets_parse(text), t)
        self.assertEqual(svcm.targets_format([("x", ">=", 0.1)]), "x >= 0.1\n")
        self.assertEqual(svcm.targets_parse(""), [])

    def test_errors_carry_line_and_column(self):
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.targets_parse("fcr >= 70%\nnps => 30\n")
        e = cm.exception
        self.assertEqual((e.line, e.column, e.field), (2, 5, "direction"))
        with self.assertRaises(svcm.Error) as cm:
            svcm.targets_parse("fcr >= 70%\nfcr >= 80%\n")
        self.assertEqual((cm.exception.line, cm.exception.column, cm.exception.field), (2, 1, "name"))
        with self.assertRaises(svcm.Error) as cm:
            svcm.targets_format([("fcr", ">=", 170.0, "%")])
        self.assertEqual(cm.exception.field, "value")
        with self.assertRaises(ValueError):
            svcm.targets_format([("fcr", ">=", 1.0, "weeks")])
        with self.assertRaises(TypeError):
            svcm.targets_format([["fcr", ">=", 1.0]])
        with self.assertRaises(TypeError):
            svcm.targets_format(5)
        with self.assertRaises(TypeError):
            svcm.targets_parse(b"fcr >= 1")


if __name__ == "__main__":
    unittest.main()
