"""Tests of svcm's feedback engine from Python: CSAT, NPS, CES, rates,
comparisons, SERVQUAL and consistency.

Reference values are the same independent ones as the C tests
(tests/test_feedback.c and friends): published tables or hand computations
written out next to each check.
"""
import array
import math
import threading
import unittest

import svcm


def scores(*pairs):
    """[(score, count), ...] -> list of scores."""
    out = []
    for score, count in pairs:
        out += [score] * count
    return out


class NPSTest(unittest.TestCase):
    def test_all_promoters_is_100(self):
        r = svcm.nps([9, 10, 10])
        self.assertEqual(r.value, 100.0)
        self.assertEqual(r.n, 3)
        self.assertEqual(r.ci, (100.0, 100.0))
        self.assertEqual(r.kind, 'nps')

    def test_interval_matches_published_variance_example(self):
        # Cross Validated, "How can I calculate margin of error in a NPS
        # result?" (whuber): 1/2 promoters, 1/3 passives, 1/6 detractors give
        # NPS 1/3 and variance 5/9. n = 300: SE = 100 sqrt(5/9/300) = 4.3033148;
        # 95% CI = 33.333 -+ 1.959964 * 4.3033148 = [24.898991, 41.767675].
        xs = scores((10, 90), (9, 60), (8, 50), (7, 50), (3, 20), (6, 30))
        r = svcm.nps(array.array('d', xs))
        self.assertEqual((r.promoters, r.passives, r.detractors), (150, 100, 50))
        self.assertAlmostEqual(r.value, 100 / 3, places=12)
        self.assertAlmostEqual(r.std_error, 4.303314829119351, places=9)
        self.assertAlmostEqual(r.ci[0], 24.898991254122272, places=7)
        self.assertAlmostEqual(r.ci[1], 41.7676754125444, places=7)

    def test_confidence_just_below_one_is_accepted(self):
        # Regression: 1 - 2**-53 was refused (0.5 + 0.5c rounds to 1). The
        # critical value z must give back the tail 2**-54: 0.5 erfc(z/sqrt 2).
        c = math.nextafter(1.0, 0.0)
        r = svcm.nps(scores((10, 3000), (0, 1000)), confidence=c)
        z = (r.value - r.ci[0]) / r.std_error
        self.assertAlmostEqual(0.5 * math.erfc(z / math.sqrt(2)) / 2**-54, 1.0, places=5)

    def test_confidence_changes_the_interval(self):
        # 50/30/20 of 100: NPS 30, SE 7.8102497 (hand computation);
        # 99%: z = 2.5758293 -> half width 20.117970.
        r = svcm.nps(scores((9, 50), (7, 30), (0, 20)), confidence=0.99)
        self.assertAlmostEqual(r.ci[0], 30 - 2.5758293035489004 * 7.810249675906654, places=7)
        self.assertAlmostEqual(r.confidence, 0.99)

    def test_bad_score_names_the_index(self):
        for bad in (11, -1, 8.5, math.nan, math.inf):
            with self.assertRaises(svcm.InvalidInput) as cm:
                svcm.nps([10, 9, bad, 7])
            self.assertEqual(cm.exception.index, 2)
            self.assertEqual(cm.exception.field, 'score')
            self.assertIsInstance(cm.exception, ValueError)

    def test_empty_raises(self):
        with self.assertRaises(svcm.EmptyError):
            svcm.nps([])
        with self.assertRaises(svcm.InvalidInput):
            svcm.nps([9], confidence=1.0)
        with self.assertRaises(TypeError):
            svcm.nps(['a'])

    def test_accumulator_add_merge_result(self):
        a = svcm.NPS()
        a.add([10, 9, 0])
        a.add(5)
        a.add(array.array('d', [8, 7]))
        self.assertEqual(a.n, 6)
        self.assertEqual(a.counts[10], 1)
        self.assertEqual(a.counts[5], 1)
        self.assertEqual(a.scale, (0, 10))
        self.assertIsNone(a.top_boxes)
        # all or nothing
        with self.assertRaises(svcm.InvalidInput):
            a.add([10, 10, 12])
        self.assertEqual(a.n, 6)
        r = a.result()
        self.assertAlmostEqual(r.value, 100 * (2 - 2) / 6)
        self.assertIn('NPS', repr(a))

    def test_merge_equals_adding_everything_to_one(self):
        xs = [(i * 7 + 3) % 11 for i in range(500)]
        whole = svcm.NPS()
        whole.add(xs)
        p1, p2 = svcm.NPS(), svcm.NPS()
        p1.add(xs[:213])
        p2.add(xs[213:])
        p1.merge(p2)
        self.assertEqual(p1.counts, whole.counts)
        self.assertEqual(p1.result(), whole.result())
        with self.assertRaises(TypeError):  # another class
            p1.merge(svcm.CSAT())
        with self.assertRaises(svcm.Mismatch):
            p1.merge(svcm.NPS(interval='adjusted'))
        with self.assertRaises(TypeError):
            p1.merge([1, 2])

    def test_bytes_round_trip_and_bad_bytes(self):
        a = svcm.NPS()
        a.add([10, 3, 7, 7])
        b = svcm.NPS.from_bytes(a.to_bytes())
        self.assertEqual(b.counts, a.counts)
        self.assertEqual(b.result(), a.result())
        data = a.to_bytes()
        for cut in range(len(data)):
            with self.assertRaises(svcm.FormatError):
                svcm.NPS.from_bytes(data[:cut])
        corrupted = bytearray(data)
        corrupted[0] ^= 0xFF
        with self.assertRaises(svcm.FormatError):
            svcm.NPS.from_bytes(bytes(corrupted))
        with self.assertRaises(svcm.Mismatch):
            svcm.CSAT.from_bytes(data)

    def test_compare_nps_hand_computation(self):
        # a = 50/30/20 of 100 (V 0.61), b = 150/100/50 of 300 (V 5/9);
        # SE = 100 sqrt(0.61/100 + (5/9)/300) = 8.9173157; z = 0.3738046;
        # p = erfc(z / sqrt 2) = 0.7085497; CI [-14.144284, 20.810951].
        a = scores((9, 50), (8, 30), (2, 20))
        b = scores((10, 150), (7, 100), (0, 50))
        c = svcm.compare_nps(a, b)
        self.assertAlmostEqual(c.diff, 10 / 3, places=9)
        self.assertAlmostEqual(c.statistic, 0.3738045687421206, places=9)
        self.assertAlmostEqual(c.p_value, 0.7085497201533804, places=9)
        self.assertAlmostEqual(c.ci[0], -14.144284192276153, places=7)
        self.assertAlmostEqual(c.ci[1], 20.810950858942824, places=7)
        self.assertEqual(c.df, math.inf)
        acc, bcc = svcm.NPS(), svcm.NPS()
        acc.add(a)
        bcc.add(b)
        self.assertEqual(acc.compare(bcc), c)
        with self.assertRaises(TypeError):  # scores or accumulators, not both
            svcm.compare_nps(acc, b)
        with self.assertRaises(TypeError):
            acc.compare(b)
        with self.assertRaises(TypeError):
            svcm.compare_nps(svcm.CSAT(), b)
        with self.assertRaises(svcm.OutOfRange):
            svcm.compare_nps([10, 10], [9, 9])

    def test_add_from_a_worker_thread(self):
        # The batch runs without the GIL; the count must still be exact.
        acc = svcm.NPS()
        data = array.array('d', [9.0]) * 200000
        worker = threading.Thread(target=acc.add, args=(data,))
        worker.start()
        worker.join()
        self.assertEqual(acc.n, 200000)

    def test_single_bad_score_names_the_field(self):
        acc = svcm.NPS()
        with self.assertRaises(svcm.InvalidInput) as cm:
            acc.add(10.5)
        self.assertEqual(cm.exception.field, 'score')
        self.assertIsNone(cm.exception.index)
        self.assertEqual(acc.n, 0)


class CSATTest(unittest.TestCase):
    def test_wilson_interval_matches_newcombe_1998(self):
        # Newcombe (1998), Stat. Med. 17:857-872, Table I (Wilson score):
        # 81/263 -> 0.2553, 0.3662; 0/20 -> 0, 0.1611; 1/29 -> 0.0061, 0.1718.
        for sat, n, lo, hi in ((81, 263, 0.2553, 0.3662), (0, 20, 0.0, 0.1611),
                               (1, 29, 0.0061, 0.1718)):
            xs = [5] * (sat // 2) + [4] * (sat - sat // 2) + [2] * (n - sat)
            r = svcm.csat(xs)
            self.assertEqual(r.satisfied, sat)
            self.assertAlmostEqual(r.value, sat / n)
            self.assertAlmostEqual(r.ci[0], lo, delta=5e-5)
            self.assertAlmostEqual(r.ci[1], hi, delta=5e-5)

    def test_scale_and_top_boxes_are_configurable(self):
        r = svcm.csat([10, 9, 8, 7, 1, 1, 8, 2], scale=10, top_boxes=3)
        self.assertEqual(r.satisfied, 4)
        self.assertEqual(r.value, 0.5)
        acc = svcm.CSAT(10, top_boxes=3)
        self.assertEqual(acc.scale, (1, 10))
        self.assertEqual(acc.top_boxes, 3)
        self.assertEqual(repr(acc), '<svcm.CSAT scale=1..10 n=0>')
        acc = svcm.CSAT(3, low=-3, top_boxes=1)
        acc.add([-3, 3, 0])
        self.assertEqual(acc.result().satisfied, 1)
        with self.assertRaises(svcm.InvalidInput):
            svcm.CSAT(5, top_boxes=5)
        with self.assertRaises(svcm.InvalidInput):
            svcm.CSAT(1)
        with self.assertRaises(svcm.InvalidInput):
            svcm.csat([6], scale=5)

    def test_compare_csat_hand_computation(self):
        # 56/70 vs 48/80: pooled z = -2.6501720, p = 0.00804508,
        # Wald CI [-0.342495, -0.057505] (hand computation).
        a = [5] * 56 + [2] * 14
        b = [4] * 48 + [3] * 32
        c = svcm.compare_csat(a, b)
        self.assertAlmostEqual(c.diff, -0.2, places=12)
        self.assertAlmostEqual(c.statistic, -2.6501719512585336, places=9)
        self.assertAlmostEqual(c.p_value, 0.008045081368196568, places=9)
        self.assertAlmostEqual(c.ci[0], -0.34249510085096296, places=9)
        self.assertAlmostEqual(c.ci[1], -0.05750489914903717, places=9)
        with self.assertRaises(svcm.Mismatch):
            x = svcm.CSAT(5, top_boxes=1)
            x.add([5])
            y = svcm.CSAT()
            y.add([5])
            x.compare(y)

    def test_bytes_round_trip_keeps_settings(self):
        acc = svcm.CSAT(7, top_boxes=3, low=0)
        acc.add([0, 7, 6, 5, 4])
        back = svcm.CSAT.from_bytes(acc.to_bytes())
        self.assertEqual(back.scale, (0, 7))
        self.assertEqual(back.top_boxes, 3)
        self.assertEqual(back.result(), acc.result())


class CESTest(unittest.TestCase):
    def test_mean_t_interval_hand_computation(self):
        # 3,4,4,5,5,6: mean 4.5, s^2 1.1, SE 0.4281744; t(0.975, 5) = 2.570582
        # (t table) -> [3.3993425, 5.6006575].
        r = svcm.ces([3, 4, 4, 5, 5, 6])
        self.assertAlmostEqual(r.value, 4.5)
        self.assertAlmostEqual(r.ci[0], 3.399342544915661, delta=1e-5)
        self.assertAlmostEqual(r.ci[1], 5.600657455084339, delta=1e-5)
        with self.assertRaises(svcm.EmptyError):
            svcm.ces([4])
        with self.assertRaises(svcm.InvalidInput):
            svcm.ces([8])
        self.assertEqual(svcm.ces([5, 1, 5], scale=5).n, 3)

    def test_compare_ces_welch_hand_computation(self):
        # Welch: t = -1.6430705, df = 10.4012267, p = 0.1302194 (Simpson
        # integration of the t density; see tests/test_feedback.c).
        a = svcm.CES()
        a.add([3, 4, 4, 5, 5, 6])
        b = svcm.CES()
        b.add([2, 3, 3, 4, 4, 4, 5])
        c = a.compare(b)
        self.assertEqual(svcm.compare_ces([3, 4, 4, 5, 5, 6], [2, 3, 3, 4, 4, 4, 5]), c)
        self.assertAlmostEqual(c.statistic, -1.6430704522880653, places=9)
        self.assertAlmostEqual(c.df, 10.40122667929155, places=9)
        self.assertAlmostEqual(c.p_value, 0.1302194347928074, delta=1e-6)

    def test_merge_and_bytes(self):
        a, b = svcm.CES(), svcm.CES()
        a.add([1, 2])
        b.add([7, 7])
        a.merge(b)
        self.assertEqual(a.n, 4)
        self.assertAlmostEqual(a.result().mean, 17 / 4)
        self.assertEqual(svcm.CES.from_bytes(a.to_bytes()).counts, a.counts)
        with self.assertRaises(svcm.Mismatch):
            a.merge(svcm.CES(5))


class RateTest(unittest.TestCase):
    def test_kinds_and_counts(self):
        self.assertIn('fcr', svcm.RATE_KINDS)
        self.assertEqual(len(svcm.RATE_KINDS), 9)
        r = svcm.Rate('fcr')
        r.add([1, 0, 1, 1])
        r.add(True)
        r.add(0)
        r.add_counts(3, 4)
        self.assertEqual((r.successes, r.trials, r.kind), (7, 10, 'fcr'))
        self.assertEqual(repr(r), '<svcm.Rate kind=fcr 7/10>')
        self.assertEqual(svcm.Rate().kind, 'generic')
        self.assertEqual(svcm.Rate(kind='SLA_compliance').kind, 'sla_compliance')
        with self.assertRaises(svcm.InvalidInput):
            svcm.Rate('nope')
        with self.assertRaises(svcm.InvalidInput) as cm:
            r.add([1, 0, 0.5])
        self.assertEqual(cm.exception.index, 2)
        self.assertEqual(cm.exception.field, 'outcome')
        with self.assertRaises(svcm.InvalidInput):
            r.add_counts(5, 4)
        with self.assertRaises(ValueError):
            r.add_counts(-1, 4)
        self.assertEqual((r.successes, r.trials), (7, 10))

    def test_wilson_matches_newcombe_1998(self):
        # Newcombe (1998) Table I: 15/148 -> 0.0624, 0.1605.
        r = svcm.Rate('resolution')
        r.add_counts(15, 148)
        s = r.result()
        self.assertAlmostEqual(s.ci[0], 0.0624, delta=5e-5)
        self.assertAlmostEqual(s.ci[1], 0.1605, delta=5e-5)
        self.assertEqual(s.kind, 'resolution')
        self.assertEqual(svcm.rate(15, 148, kind='resolution'), s)
        # Hand computation at 90%: 7/10 -> [0.4416998, 0.8731234].
        s = svcm.rate(7, 10, confidence=0.90)
        self.assertAlmostEqual(s.ci[0], 0.4416997958698352, places=9)
        self.assertAlmostEqual(s.ci[1], 0.873123416096802, places=9)
        with self.assertRaises(svcm.EmptyError):
            svcm.Rate().result()
        with self.assertRaises(ValueError):
            svcm.rate(-1, 3)

    def test_merge_bytes_and_compare(self):
        a, b = svcm.Rate('fcr'), svcm.Rate('fcr')
        a.add_counts(120, 200)
        b.add_counts(150, 220)
        # Hand computation: z = 1.7477258, p = 0.0805115,
        # CI [-0.0098214, 0.1734578].
        c = svcm.compare_rates(a, b)
        self.assertAlmostEqual(c.diff, 0.08181818181818179, places=12)
        self.assertAlmostEqual(c.statistic, 1.7477257950106055, places=9)
        self.assertAlmostEqual(c.p_value, 0.08051151994050242, places=9)
        self.assertAlmostEqual(c.ci[0], -0.00982141511158327, places=9)
        self.assertAlmostEqual(c.ci[1], 0.17345777874794685, places=9)
        back = svcm.Rate.from_bytes(a.to_bytes())
        self.assertEqual((back.kind, back.successes, back.trials), ('fcr', 120, 200))
        with self.assertRaises(svcm.FormatError):
            svcm.Rate.from_bytes(a.to_bytes()[:-1])
        a.merge(b)
        self.assertEqual((a.successes, a.trials), (270, 420))
        with self.assertRaises(svcm.Mismatch):
            a.merge(svcm.Rate('churn'))
        with self.assertRaises(svcm.Mismatch):
            svcm.compare_rates(a, svcm.Rate('churn'))
        with self.assertRaises(TypeError):
            svcm.compare_rates(a, 3)


# Hand-worked 22-item example (see tests/test_servqual.c): dimension gaps
# -1, -1.4, 0, -0.75, -0.2; unweighted -0.67; weights 10/30/25/20/15 give
# weighted -0.70.
E22 = [6, 6, 5, 7, 7, 7, 6, 7, 6, 6, 6, 6, 6, 7, 6, 6, 7, 5, 5, 6, 6, 5]
P22 = [5, 6, 4, 5, 5, 6, 6, 4, 5, 6, 5, 7, 6, 6, 6, 5, 6, 5, 4, 6, 5, 6]


class ServqualTest(unittest.TestCase):
    def test_hand_worked_example(self):
        r = svcm.servqual(E22, P22, weights=[10, 30, 25, 20, 15])
        expect = {'tangibles': -1.0, 'reliability': -1.4, 'responsiveness': 0.0,
                  'assurance': -0.75, 'empathy': -0.2}
        for d, g in expect.items():
            self.assertAlmostEqual(r.gaps[d], g, places=12)
        self.assertAlmostEqual(r.unweighted, -0.67, places=12)
        self.assertAlmostEqual(r.weighted, -0.70, places=12)
        self.assertEqual(r.items['reliability'], 5)
        self.assertAlmostEqual(r.weights['reliability'], 0.3)
        self.assertEqual(tuple(r.gaps), svcm.SERVQUAL_DIMENSIONS)
        same = svcm.servqual(E22, P22, weights={'tangibles': 10, 'reliability': 30,
                                                'responsiveness': 25, 'assurance': 20,
                                                'empathy': 15})
        self.assertAlmostEqual(same.weighted, -0.70, places=12)

    def test_scores_near_dbl_max(self):
        # Regression: overflowing sums gave inf gaps with no error.
        r = svcm.servqual([1e308] * 22, [1.5e308] * 22)
        self.assertAlmostEqual(r.gaps['empathy'] / 5e307, 1.0, places=13)
        with self.assertRaises(svcm.OutOfRange) as cm:  # gap 2e308
            svcm.servqual([-1e308] * 22, [1e308] * 22)
        self.assertEqual((cm.exception.index, cm.exception.field), (0, 'gap'))

    def test_custom_dimensions(self):
        r = svcm.servqual([5, 6, 4, 3, 2, 7], [5, 4, 5, 3, 3, 6],
                          dimensions=['tangibles', 1, 'reliability', 2, 3, 'empathy'])
        self.assertAlmostEqual(r.gaps['reliability'], -0.5)
        self.assertAlmostEqual(r.unweighted, -0.1)

    def test_bad_input(self):
        with self.assertRaises(svcm.InvalidInput):
            svcm.servqual(E22[:21], P22[:21])
        with self.assertRaises(ValueError):
            svcm.servqual(E22, P22[:21])
        e = list(E22)
        e[7] = math.nan
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.servqual(e, P22)
        self.assertEqual((cm.exception.index, cm.exception.field), (7, 'expectation'))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.servqual(E22, P22, weights=[1, 1, -1, 1, 1])
        self.assertEqual(cm.exception.field, 'weight')
        with self.assertRaises(svcm.InvalidInput):
            svcm.servqual(E22, P22, weights=[0, 0, 0, 0, 0])
        with self.assertRaises(ValueError):
            svcm.servqual(E22, P22, weights=[1, 1])
        with self.assertRaises(ValueError):
            svcm.servqual(E22, P22, weights={'tangible': 1})
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.servqual([1, 2], [1, 2], dimensions=['tangibles', 'speed'])
        self.assertEqual(cm.exception.index, 1)
        with self.assertRaises(svcm.InvalidInput):
            svcm.servqual([1, 2], [1, 2], dimensions=[0, 1])  # empty dimensions


class ConsistencyTest(unittest.TestCase):
    def test_four_channels_hand_computation(self):
        # 80, 85, 90, 75: mean 82.5, SS 125, sample SD sqrt(125/3),
        # population SD sqrt(125/4), CV = SD / 82.5.
        r = svcm.consistency({'phone': 80, 'chat': 85, 'email': 90, 'social': 75})
        self.assertAlmostEqual(r.mean, 82.5)
        self.assertAlmostEqual(r.sd, 6.454972243679028, places=12)
        self.assertAlmostEqual(r.sd_population, 5.5901699437494745, places=12)
        self.assertAlmostEqual(r.cv, 0.07824208780217004, places=14)
        self.assertAlmostEqual(r.cv_population, 0.06775963568181181, places=14)
        self.assertEqual((r.n, r.min, r.max), (4, 75.0, 90.0))
        self.assertAlmostEqual(svcm.consistency([-10, -30]).cv, math.sqrt(200) / 20)

    def test_huge_values_that_fit_are_not_out_of_range(self):
        # Regression: sums / squares beyond DBL_MAX raised OutOfRange.
        # {-1e200, 1.1e200}: mean 5e198, sample SD 1.05e200 * sqrt(2),
        # CV 29.698484809834996 (as in tests/test_consistency.c).
        r = svcm.consistency([-1e200, 1.1e200])
        self.assertAlmostEqual(r.mean / 5e198, 1.0, places=14)
        self.assertAlmostEqual(r.cv, 29.698484809834996, places=10)
        self.assertEqual(svcm.consistency([1.5e308, 1.5e308]).mean, 1.5e308)
        with self.assertRaises(svcm.OutOfRange):  # CV 1e600 does not fit
            svcm.consistency([1e300, -1e300, 3e-300])

    def test_errors(self):
        with self.assertRaises(svcm.OutOfRange):
            svcm.consistency([-5, 5])
        with self.assertRaises(svcm.EmptyError):
            svcm.consistency([5])
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.consistency([1, math.inf])
        self.assertEqual(cm.exception.index, 1)


class ConventionsTest(unittest.TestCase):
    """KPI conventions: CSAT method, CES method, NPS interval (the C tests'
    worked examples, tests/test_feedback.c)."""

    CSAT = scores((1, 5), (2, 5), (3, 20), (4, 30), (5, 40))
    # CYS Group's CES 2.0 example (support.cys.group article 3000095529).
    CES = scores((1, 80), (2, 210), (3, 140), (4, 110), (5, 160), (6, 180), (7, 120))
    NPS = scores((10, 250), (8, 675), (3, 75))

    def test_defaults_keep_the_0_1_results(self):
        self.assertEqual(svcm.csat(self.CSAT), svcm.csat(self.CSAT, method='top_box'))
        self.assertEqual(svcm.ces(self.CES), svcm.ces(self.CES, method='mean'))
        self.assertEqual(svcm.nps(self.NPS), svcm.nps(self.NPS, interval='wald'))
        self.assertEqual(svcm.csat(self.CSAT).convention, 'top_box')
        self.assertEqual(svcm.NPS().convention, 'wald')
        self.assertEqual(svcm.CES().convention, 'mean')

    def test_csat_rated_is_zendesks_good_over_good_plus_bad(self):
        # Zendesk help centre (article 203662256): good / (good + bad); the
        # neutral 3 left out: 70 / 80, Wilson 95% [0.784972, 0.930664].
        r = svcm.csat(self.CSAT, method='rated')
        self.assertAlmostEqual(r.value, 0.875, places=15)
        self.assertEqual((r.satisfied, r.dissatisfied, r.n), (70, 10, 100))
        self.assertAlmostEqual(r.ci[0], 0.7849719790084034, places=9)
        self.assertAlmostEqual(r.ci[1], 0.9306644238399514, places=9)
        self.assertEqual(r.convention, 'rated')
        # Zendesk's own good/bad survey: scale 1-2, one top box: 45 / 50.
        z = svcm.csat(scores((2, 45), (1, 5)), 2, top_boxes=1, method='rated')
        self.assertAlmostEqual(z.value, 0.9, places=15)
        m = svcm.csat(self.CSAT, method='mean')
        self.assertAlmostEqual(m.value, 3.95, places=12)
        with self.assertRaises(svcm.EmptyError):
            svcm.csat([3, 3], method='rated')

    def test_ces_mean_top_and_index(self):
        self.assertAlmostEqual(svcm.ces(self.CES).value, 4.08, places=12)  # published
        top = svcm.ces(self.CES, method='top')
        self.assertAlmostEqual(top.value, 0.46, places=15)
        self.assertAlmostEqual(top.ci[0], 0.42932142688110647, places=9)
        index = svcm.ces(self.CES, method='index')
        self.assertAlmostEqual(index.value, -13.0, places=12)
        self.assertEqual((index.satisfied, index.dissatisfied), (300, 430))
        self.assertAlmostEqual(index.ci[0], -18.23387455432109, places=9)
        self.assertAlmostEqual(index.ci[1], -7.7661254456789095, places=9)
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.ces([1, 2], scale=5, method='top')
        self.assertEqual(cm.exception.field, 'ces_method')

    def test_nps_adjusted_wald(self):
        # Rocks (2016) / MeasuringU: n + 3, 3/4 more promoters and
        # detractors; by hand 95% [14.085883, 20.809431], value stays 17.5.
        r = svcm.nps(self.NPS, interval='adjusted')
        self.assertAlmostEqual(r.value, 17.5, places=12)
        self.assertAlmostEqual(r.ci[0], 14.085883061097096, places=9)
        self.assertAlmostEqual(r.ci[1], 20.80943099672942, places=9)
        self.assertEqual(r.convention, 'adjusted')
        acc = svcm.NPS(interval='adjusted')
        acc.add(self.NPS)
        self.assertEqual(acc.result(), r)
        with self.assertRaises(TypeError):  # scores only: acc.result()
            svcm.nps(acc)
        # Where Wald collapses (10 of 10 promoters), adjusted does not.
        self.assertEqual(svcm.nps([10] * 10).ci, (100.0, 100.0))
        self.assertAlmostEqual(svcm.nps([10] * 10, interval='adjusted').ci[0],
                               47.50355154479021, places=9)

    def test_compare_follows_the_convention(self):
        a = svcm.CSAT(method='rated')
        a.add(self.CSAT)
        b = svcm.CSAT(method='rated')
        b.add([5, 1])
        c = a.compare(b)
        self.assertEqual(svcm.compare_csat(self.CSAT, [5, 1], method='rated'), c)
        ref = svcm.two_proportion_z_test(70, 80, 1, 2)
        self.assertAlmostEqual(c.diff, 0.5 - 0.875, places=15)
        self.assertAlmostEqual(c.p_value, ref.p_value, places=15)
        w = svcm.compare_nps([10] * 10, [10] * 10, interval='adjusted')
        self.assertEqual(w.diff, 0.0)
        self.assertGreater(w.ci[1], 0.0)
        with self.assertRaises(svcm.Mismatch):
            a.compare(svcm.CSAT())  # rated vs top_box
        m = svcm.compare_ces(self.CES, self.CES + [7] * 100, method='index')
        self.assertTrue(math.isinf(m.df))

    def test_different_conventions_do_not_merge(self):
        a, b = svcm.CSAT(method='rated'), svcm.CSAT()
        b.add([5])
        with self.assertRaises(svcm.Mismatch):
            a.merge(b)
        self.assertEqual(a.n, 0)

    def test_conventions_survive_bytes_and_pickle(self):
        import pickle
        for acc in (svcm.CSAT(method='mean'), svcm.CES(method='index'),
                    svcm.NPS(interval='adjusted')):
            acc.add([1, 2, 7] if isinstance(acc, svcm.CES) else [1, 2, 5])
            for back in (type(acc).from_bytes(acc.to_bytes()),
                         pickle.loads(pickle.dumps(acc))):
                self.assertEqual(back.convention, acc.convention)
                self.assertEqual(back.result(), acc.result())

    def test_bad_convention_names(self):
        for make in (lambda: svcm.NPS(interval='exact'), lambda: svcm.CSAT(method='top2'),
                     lambda: svcm.CES(method='median'), lambda: svcm.nps([1], interval=''),
                     lambda: svcm.csat([1], method='Rated')):
            with self.assertRaises(svcm.InvalidInput):
                make()
        with self.assertRaises(TypeError):
            svcm.NPS(interval=1)
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.CSAT(top_boxes=3, method='rated')  # 3 + 3 > 5 levels
        self.assertEqual(cm.exception.field, 'top_boxes')

    def test_grouped_slots_carry_the_convention(self):
        g = svcm.KPIGroups([('nps', {'interval': 'adjusted'}), ('csat', {'method': 'rated'})])
        k = g.group('web')
        for x in self.NPS:
            g.add_score(k, 0, x)
        g.add_scores([k] * len(self.CSAT), 1, self.CSAT)
        self.assertEqual(g.feedback(k, 0), svcm.nps(self.NPS, interval='adjusted'))
        self.assertAlmostEqual(g.feedback(k, 1).value, 0.875, places=15)
        self.assertEqual(g.slots[0], ('nps', {'interval': 'adjusted'}))
        self.assertEqual(g.slots[1][1]['method'], 'rated')
        back = svcm.KPIGroups.from_bytes(g.to_bytes())
        self.assertEqual(back.feedback(k, 0), g.feedback(k, 0))
        with self.assertRaises(svcm.InvalidInput):
            svcm.KPIGroups([('ces', {'method': 'best'})])


class FcrRepeatsTest(unittest.TestCase):
    """First-contact resolution from repeat contacts (the worked example of
    tests/test_feedback.c: Call Centre Helper's definition, a repeat contact
    within the window fails FCR; numbers by hand)."""

    D = 86400

    def test_worked_example(self):
        D = self.D
        r, o = svcm.fcr_repeats([7, 9, 7, 7], [D, D, 5 * D, 15 * D], 7 * D, as_of=20 * D)
        self.assertEqual(o, ['repeated', 'resolved', 'resolved', 'undecided'])
        self.assertEqual((r.kind, r.successes, r.trials), ('fcr', 2, 3))
        # as_of defaults to the latest created instant (day 15): A5's window
        # ends on day 12 and B1's on day 8, A15's on day 22.
        r, o = svcm.fcr_repeats(array.array('q', [7, 9, 7, 7]), [D, D, 5 * D, 15 * D], 7 * D)
        self.assertEqual(o, ['repeated', 'resolved', 'resolved', 'undecided'])
        # The rate merges like any other.
        total = svcm.Rate('fcr')
        total.merge(r)
        self.assertEqual(total.trials, 3)

    def test_ties_and_window_edges(self):
        _, o = svcm.fcr_repeats([5, 5, 5], [10, 10, 10], 1, as_of=11)
        self.assertEqual(o, ['repeated', 'repeated', 'resolved'])
        _, o = svcm.fcr_repeats([1, 1], [0, 100], 100, as_of=1000)
        self.assertEqual(o[0], 'repeated')
        _, o = svcm.fcr_repeats([1, 1], [0, 100], 99, as_of=1000)
        self.assertEqual(o[0], 'resolved')

    def test_bad_input(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.fcr_repeats([1, 2], [0, 50], 10, as_of=20)
        self.assertEqual((cm.exception.index, cm.exception.field), (1, 'created'))
        with self.assertRaises(svcm.InvalidInput):
            svcm.fcr_repeats([1], [0], 0)
        with self.assertRaises(ValueError):
            svcm.fcr_repeats([1, 2], [0], 5)
        with self.assertRaises(TypeError):
            svcm.fcr_repeats(['a'], [0], 5)


if __name__ == '__main__':
    unittest.main()
