"""Tests of the erlang engine's Python surface (Erlang B/C, staffing,
contact-centre interval metrics)."""
import array
import math
import unittest
from fractions import Fraction

import svcm


def erlang_c_series(a, n):
    """Erlang C by the power-series form with exact rationals (small n)."""
    from fractions import Fraction
    a = Fraction(a)
    term, total = Fraction(1), Fraction(0)
    for k in range(n):
        total += term
        term = term * a / (k + 1)
    last = term * n / (n - a)
    return float(last / (total + last))


class ErlangFormulas(unittest.TestCase):
    def test_erlang_b_hand_values(self):
        # B(1, 1) = 1/2 and B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2.
        self.assertEqual(svcm.erlang_b(1.0, 1), 0.5)
        self.assertAlmostEqual(svcm.erlang_b(1.0, 2), 0.2, places=15)
        self.assertEqual(svcm.erlang_b(traffic_erlangs=3.0, agents=0), 1.0)

    def test_erlang_b_erlang_com_15_lines_1pct_is_8_108_erlangs(self):
        # erlang.com calculator manual: 15 lines at 1% blocking carry 8.108 E.
        self.assertLessEqual(svcm.erlang_b(8.1075, 15), 0.01)
        self.assertGreaterEqual(svcm.erlang_b(8.1085, 15), 0.01)

    def test_erlang_c_matches_exact_power_series(self):
        for a in (0.5, 3.0, 10.0, 17.5):
            for n in range(int(a) + 1, int(a) + 25):
                self.assertAlmostEqual(svcm.erlang_c(a, n) / erlang_c_series(a, n), 1.0,
                                       places=12)

    def test_erlang_c_unstable_is_one(self):
        self.assertEqual(svcm.erlang_c(10.0, 10), 1.0)

    def test_callcentrehelper_worked_example(self):
        # Call Centre Helper, "Erlang C Formula - Made Simple With an Easy
        # Worked Example": 100 calls / 30 min, AHT 180 s, 14 agents ->
        # P(wait) 0.174, service level (20 s) 0.888, occupancy 0.714.
        self.assertAlmostEqual(svcm.traffic_erlangs(100, 180, 1800), 10.0)
        self.assertAlmostEqual(svcm.erlang_c(10.0, 14), 0.174, delta=0.0005)
        self.assertAlmostEqual(svcm.service_level(100, 180, 1800, 14, 20), 0.888, delta=0.0005)
        # ASA by hand from C: C * 180 / (14 - 10).
        self.assertAlmostEqual(svcm.asa(100, 180, 1800, 14), svcm.erlang_c(10.0, 14) * 45.0,
                               places=12)
        self.assertEqual(svcm.agents_needed(100, 180, 1800, 20, 0.8), 14)
        s = svcm.staffing(100, 180, 1800, 20, 0.8, max_occupancy=0.85, shrinkage=0.3)
        self.assertEqual((s.agents, s.staff), (14, 20))
        self.assertAlmostEqual(s.occupancy, 0.714, delta=0.0005)
        self.assertAlmostEqual(s.p_wait, 0.174, delta=0.0005)
        # pyworkforce's over-occupancy case of the same example: cap 0.7 ->
        # 15 agents, 22 staff, service level 0.941, P(wait) 0.102.
        s = svcm.staffing(100, 180, 1800, 20, 0.8, max_occupancy=0.7, shrinkage=0.3)
        self.assertEqual((s.agents, s.staff), (15, 22))
        self.assertAlmostEqual(s.service_level, 0.941, delta=0.0005)
        self.assertAlmostEqual(s.p_wait, 0.102, delta=0.0005)
        self.assertEqual(svcm.agents_needed(100, 180, 1800, 20, 0.8, max_occupancy=0.7), 15)

    def test_jonesthenet_250_calls_330s_needs_28(self):
        # Jones the Net, "Erlang uplift": 250 calls/hour, AHT 330 s,
        # 80% in 30 s -> 28 advisors.
        self.assertEqual(svcm.agents_needed(250, 330, 3600, 30, 0.8), 28)

    def test_agents_needed_is_minimal(self):
        for calls in (5, 100, 1000, 20000):
            n = svcm.agents_needed(calls, 240, 1800, 15, 0.9)
            self.assertGreaterEqual(svcm.service_level(calls, 240, 1800, n, 15), 0.9)
            if n > 1:
                self.assertLess(svcm.service_level(calls, 240, 1800, n - 1, 15), 0.9)

    def test_asa_goal(self):
        n = svcm.agents_needed(720, 240, 3600, 0, 0.0, max_asa_s=5.0)
        self.assertLessEqual(svcm.asa(720, 240, 3600, n), 5.0)
        self.assertGreater(svcm.asa(720, 240, 3600, n - 1), 5.0)

    def test_10000_erlangs_finite_and_monotone(self):
        prev = 1.0
        for n in range(10001, 10400, 20):
            c = svcm.erlang_c(10000.0, n)
            self.assertTrue(0.0 < c < prev)
            prev = c
        n = svcm.agents_needed(10000 * 1800 / 300, 300, 1800, 20, 0.8)
        self.assertGreater(n, 10000)
        self.assertLess(svcm.service_level(60000, 300, 1800, n - 1, 20), 0.8)

    def test_unstable_staffing_reports_no_service(self):
        s = svcm.staffing(100, 180, 1800, agents=9)
        self.assertEqual((s.p_wait, s.service_level, s.occupancy), (1.0, 0.0, 1.0))
        self.assertTrue(math.isinf(s.asa))
        self.assertTrue(math.isinf(svcm.asa(100, 180, 1800, 10)))

    def test_staffing_batch_equals_single_calls(self):
        calls = array.array('d', [10, 100, 1000])
        got = svcm.staffing_batch(calls, [120, 180, 240], 1800, 20, 0.8, shrinkage=0.2)
        for c, aht, s in zip(calls, [120, 180, 240], got):
            self.assertEqual(s, svcm.staffing(c, aht, 1800, 20, 0.8, shrinkage=0.2))
        self.assertEqual(len(svcm.staffing_batch([1, 2], 60.0, 1800)), 2)
        self.assertEqual(svcm.staffing_batch([], [], 1800), [])

    def test_batch_results_are_columns(self):
        # issue 14, item 3: one typed column per field, records on demand
        got = svcm.staffing_batch([10, 100, 1000], [120, 180, 240], 1800, 20, 0.8)
        self.assertIsInstance(got, svcm.Table)
        self.assertEqual(got.columns, svcm.Staffing._fields if hasattr(svcm.Staffing, "_fields")
                         else ("agents", "staff", "traffic", "p_wait", "service_level", "asa",
                               "occupancy"))
        self.assertEqual(memoryview(got.agents).format, "q")
        self.assertEqual(memoryview(got.service_level).format, "d")
        for i, rec in enumerate(got):
            for name in got.columns:
                self.assertEqual(getattr(got, name)[i], getattr(rec, name), name)
        days = [dict(answered=90, answered_within_target=80, abandoned=10, wait_time_s=900,
                     handled=90, talk_time_s=16200, staffed_time_s=28800),
                dict(answered=50, answered_within_target=45, abandoned=0, wait_time_s=100,
                     handled=50, talk_time_s=9000, staffed_time_s=14400)]
        ms = svcm.contact_metrics_batch(days)
        self.assertIsInstance(ms, svcm.Table)
        self.assertEqual(len(ms.sl_answered), 2)
        self.assertEqual(list(ms.sl_answered), [m.sl_answered for m in ms])
        self.assertEqual(list(ms), [svcm.contact_metrics(**d) for d in days])

    def test_staff_with_shrinkage(self):
        self.assertEqual(svcm.staff_with_shrinkage(14, 0.3), 20)
        self.assertEqual(svcm.staff_with_shrinkage(15, 0.3), 22)


class ErlangErrors(unittest.TestCase):
    def test_bad_values_raise_invalid_input_naming_field(self):
        cases = [
            (lambda: svcm.erlang_c(float('nan'), 3), 'traffic'),
            (lambda: svcm.erlang_b(-1.0, 3), 'traffic'),
            (lambda: svcm.erlang_c(1.0, 0), 'agents'),
            (lambda: svcm.erlang_c(1.0, -4), 'agents'),
            (lambda: svcm.service_level(10, 0, 1800, 3, 20), 'aht_s'),
            (lambda: svcm.service_level(10, 60, 1800, 3, -1), 'target_s'),
            (lambda: svcm.asa(-10, 60, 1800, 3), 'calls'),
            (lambda: svcm.traffic_erlangs(10, 60, 0), 'interval_s'),
            (lambda: svcm.agents_needed(10, 60, 1800, 20, 1.0), 'target_sl'),
            (lambda: svcm.agents_needed(10, 60, 1800, 20, 0.8, max_occupancy=0), 'max_occupancy'),
            (lambda: svcm.staffing(10, 60, 1800, shrinkage=1.0), 'shrinkage'),
            (lambda: svcm.staff_with_shrinkage(3, -0.5), 'shrinkage'),
            (lambda: svcm.agents_needed(10, 60, 1800, 20, 0.8, max_agents=-1), 'max_agents'),
            (lambda: svcm.agents_needed(10, 60, 1800, 20, 0.8, max_agents=0), 'max_agents'),
            (lambda: svcm.agents_needed(10, 60, 1800, 20, 0.8, max_asa_s=float('nan')),
             'max_asa_s'),
        ]
        for fn, field in cases:
            with self.assertRaises(svcm.InvalidInput) as cm:
                fn()
            self.assertEqual(cm.exception.field, field)
            self.assertIsInstance(cm.exception, ValueError)

    def test_unreachable_goal_is_out_of_range(self):
        with self.assertRaises(svcm.OutOfRange):
            svcm.agents_needed(100, 180, 1800, 20, 0.8, max_agents=12)

    def test_batch_error_names_interval(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.staffing_batch([10, float('nan'), 3], 60, 1800)
        self.assertEqual((cm.exception.index, cm.exception.field), (1, 'calls'))
        with self.assertRaises(ValueError):
            svcm.staffing_batch([1, 2], [60], 1800)

    def test_wrong_types_raise_type_error(self):
        with self.assertRaises(TypeError):
            svcm.erlang_c(10.0, 14.5)
        with self.assertRaises(TypeError):
            svcm.erlang_c("10", 14)


class ContactMetrics(unittest.TestCase):
    ICMI = dict(answered=1000, abandoned=60, answered_within_target=860,
                abandoned_within_target=20, abandoned_short=10)

    def test_icmi_service_level_formulas(self):
        # ICMI, "Service Level Calculations" (2002): 83%, 86%, 81%, 83%.
        m = svcm.contact_metrics(**self.ICMI)
        self.assertEqual(round(100 * m.sl_abandon_positive), 83)
        self.assertEqual(round(100 * m.sl_answered), 86)
        self.assertEqual(round(100 * m.sl_offered), 81)
        self.assertEqual(round(100 * m.sl_excl_short), 83)
        self.assertAlmostEqual(m.sl_excl_short, 860 / 1040, places=15)
        self.assertAlmostEqual(m.abandon_rate, 60 / 1060, places=15)
        self.assertAlmostEqual(m.abandon_rate_excl_short, 50 / 1050, places=15)
        # contact_centre is the same function (aht and occupancy are nan here).
        self.assertEqual(tuple(svcm.contact_centre(**self.ICMI))[:8], tuple(m)[:8])

    def test_asa_aht_occupancy_by_hand(self):
        m = svcm.contact_metrics(answered=400, wait_time_s=6000, handled=400,
                                 talk_time_s=60000, hold_time_s=4000, acw_time_s=16000,
                                 staffed_time_s=100000)
        self.assertAlmostEqual(m.asa, 15.0)
        self.assertAlmostEqual(m.aht, 200.0)
        self.assertAlmostEqual(m.occupancy, 0.8)

    def test_empty_interval_is_nan(self):
        m = svcm.contact_metrics()
        self.assertTrue(math.isnan(m.sl_answered) and math.isnan(m.aht))

    def test_bad_counts_name_the_field(self):
        for field in ('answered', 'hold_time_s', 'staffed_time_s'):
            with self.assertRaises(svcm.InvalidInput) as cm:
                svcm.contact_metrics(**{field: -1})
            self.assertEqual(cm.exception.field, field)
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.contact_metrics(answered=5, answered_within_target=6)
        self.assertEqual(cm.exception.field, 'answered_within_target')
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.contact_metrics(answered=float('nan'))
        with self.assertRaises(TypeError):
            svcm.contact_metrics(answerd=5)
        with self.assertRaises(TypeError):
            svcm.contact_metrics({'answered': 5})

    def test_overflowing_metric_is_out_of_range(self):
        # Regression: offered = 2e308 and ASA = 1e310 s came out as inf.
        with self.assertRaises(svcm.OutOfRange) as cm:
            svcm.contact_metrics(answered=1e308, abandoned=1e308)
        self.assertEqual(cm.exception.field, 'offered')
        with self.assertRaises(svcm.OutOfRange) as cm:
            svcm.contact_metrics_batch([dict(answered=1),
                                        dict(answered=1e-10, wait_time_s=1e300)])
        self.assertEqual((cm.exception.index, cm.exception.field), (1, 'asa_s'))

    def test_abandon_rate_excl_short_survives_rounding(self):
        # 1 answered, 1e17 abandons all short: no long abandons over 1 call.
        m = svcm.contact_metrics(answered=1, abandoned=1e17, abandoned_short=1e17)
        self.assertEqual(m.abandon_rate_excl_short, 0.0)

    def test_batch_and_sum(self):
        days = [dict(answered=100, answered_within_target=90),
                dict(answered=300, answered_within_target=150)]
        ms = svcm.contact_metrics_batch(days)
        self.assertEqual([round(m.sl_answered, 12) for m in ms], [0.9, 0.5])
        total = svcm.contact_counts_sum(days)
        self.assertEqual(total['answered'], 400)
        self.assertAlmostEqual(svcm.contact_metrics(**total).sl_answered, 0.6)
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.contact_metrics_batch(days + [dict(abandoned=1, abandoned_short=2)])
        self.assertEqual((cm.exception.index, cm.exception.field), (2, 'abandoned_short'))
        with self.assertRaises(TypeError):
            svcm.contact_counts_sum([1, 2])
        # Input records (ContactCounts[] in bindings/api/erlang.py): the
        # messages name the interval and the key.
        for bad, msg in (([dict(answered=1), dict(anwsered=2)], "counts[1]: unknown field 'anwsered'"),
                         ([dict(answered=1), 5], "counts[1]: expected a dict, got int"),
                         ([{1: 2}], "counts[0]: keys must be field names"),
                         (7, "counts: expected a sequence of dicts")):
            with self.assertRaises(TypeError) as cm:
                svcm.contact_metrics_batch(bad)
            self.assertEqual(str(cm.exception), msg)
        self.assertEqual(len(svcm.contact_metrics_batch([])), 0)
        self.assertEqual(svcm.contact_counts_sum([])['answered'], 0.0)
        self.assertEqual(svcm.contact_counts_sum(counts=(dict(handled=2.5),))['handled'], 2.5)


def erlang_a_chain(a, n, r, states=400):
    """P(wait) and P(abandon) of M/M/N+M from the birth-death chain in exact
    rationals (service rate 1, abandonment rate r), truncated after
    `states` queue states (the rest is below 1e-40 for the cases used)."""
    from fractions import Fraction
    a, r = Fraction(a), Fraction(r)
    w = [Fraction(1)]
    for j in range(1, n + states):
        death = j if j <= n else n + (j - n) * r
        w.append(w[-1] * a / death)
    total = sum(w)
    wait = sum(w[n:]) / total
    queue = sum((j - n) * w[j] for j in range(n, len(w))) / total
    return float(wait), float(r * queue / a)


class ErlangA(unittest.TestCase):
    def test_pyworkforce_regression_14_agents(self):
        # pyworkforce (github.com/rodrigo-arenas/pyworkforce),
        # pyworkforce/queuing/tests/test_abandonment.py,
        # test_erlanga_regression_metrics: 100 calls / 30 min, AHT 3 min,
        # patience 5 min, 14 positions, 20 s: P(wait) 0.14526, P(abandon)
        # 0.013984, service level 0.916792, occupancy 0.704297.
        r = svcm.erlang_a(100, 180, 1800, 14, 300, 20)
        self.assertAlmostEqual(r.p_wait, 0.14526, delta=0.5e-5)
        self.assertAlmostEqual(r.p_abandon, 0.013984, delta=0.5e-6)
        self.assertAlmostEqual(r.service_level, 0.916792, delta=0.5e-6)
        self.assertAlmostEqual(r.occupancy, 0.704297, delta=0.5e-6)
        self.assertAlmostEqual(r.wait_all / 60, 0.069919, delta=0.5e-6)
        self.assertEqual((r.agents, r.staff), (14, 14))

    def test_matches_exact_rational_chain(self):
        from fractions import Fraction
        for calls, agents, patience in ((100, 14, 300), (100, 8, 90), (40, 3, 600)):
            a = calls * 180 / 1800
            wait, abandon = erlang_a_chain(a, agents, Fraction(180, patience))
            r = svcm.erlang_a(calls, 180, 1800, agents, patience)
            self.assertAlmostEqual(r.p_wait / wait, 1.0, places=12)
            self.assertAlmostEqual(r.p_abandon / abandon, 1.0, places=12)
            # Little's law and exponential patience: P(ab) = E[wait] / patience.
            self.assertAlmostEqual(r.p_abandon, r.wait_all / patience, places=14)

    def test_agents_needed_a_is_minimal(self):
        for calls in (20, 100, 1000, 20000):
            for max_ab in (None, 0.01):
                n = svcm.agents_needed_a(calls, 240, 1800, 120, 0.8, 20, max_abandon=max_ab)
                ok = svcm.erlang_a(calls, 240, 1800, n, 120, 20)
                self.assertGreaterEqual(ok.service_level, 0.8)
                if max_ab is not None:
                    self.assertLessEqual(ok.p_abandon, max_ab)
                if n > 1:
                    less = svcm.erlang_a(calls, 240, 1800, n - 1, 120, 20)
                    self.assertTrue(less.service_level < 0.8 or
                                    (max_ab is not None and less.p_abandon > max_ab))

    def test_staffing_a_with_shrinkage_and_reverse(self):
        r = svcm.staffing_a(100, 180, 1800, 300, 20, 0.8, max_occupancy=0.85,
                            max_abandon=0.05, shrinkage=0.3)
        self.assertTrue(r.service_level >= 0.8 and r.occupancy <= 0.85)
        self.assertEqual(r.staff, svcm.staff_with_shrinkage(r.agents, 0.3))
        back = svcm.staffing_a(100, 180, 1800, 300, staff=21, shrinkage=0.3)
        self.assertEqual((back.agents, back.staff), (14, 21))
        self.assertEqual(back.p_wait, svcm.erlang_a(100, 180, 1800, 14, 300).p_wait)

    def test_bad_input_names_the_field(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.erlang_a(100, 180, 1800, 14, 0)
        self.assertIn("patience_s", str(cm.exception))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.agents_needed_a(100, 180, 1800, 300, 0.8, 20, max_abandon=2.0)
        self.assertIn("max_abandon", str(cm.exception))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.staffing_a(100, 180, 1800, 300, staff=1, shrinkage=0.3)
        self.assertIn("staff", str(cm.exception))
        with self.assertRaises(svcm.InvalidInput):
            svcm.erlang_a(100, 180, 1800, 0, 300)
        with self.assertRaises(TypeError):
            svcm.erlang_a(100, 180, 1800, 14.5, 300)
        with self.assertRaises(svcm.OutOfRange):
            svcm.agents_needed_a(100, 180, 1800, 300, 0.8, 20, max_agents=5)


class ErlangBInverseAndFractional(unittest.TestCase):
    def test_capacity_matches_published_erlang_b_table(self):
        # Erlang B table (ITU-D / Iversen, "Teletraffic Engineering and
        # Network Planning"): 10 trunks carry 4.461 E at 1%, 20 carry 12.031 E.
        self.assertAlmostEqual(svcm.erlang_b_capacity(10, 0.01), 4.461, delta=0.0005)
        self.assertAlmostEqual(svcm.erlang_b_capacity(20, 0.01), 12.031, delta=0.0005)
        for n in (1, 5, 50, 500):
            a = svcm.erlang_b_capacity(n, 0.02)
            self.assertAlmostEqual(svcm.erlang_b(a, n) / 0.02, 1.0, places=12)
        with self.assertRaises(svcm.InvalidInput):
            svcm.erlang_b_capacity(10, 1.5)
        with self.assertRaises(svcm.InvalidInput):
            svcm.erlang_b_capacity(0, 0.01)

    def test_trunks_is_least_n(self):
        # erlang.com: 33.333 Erlangs at 1% blocking need 45 lines.
        self.assertEqual(svcm.erlang_b_trunks(1200 / 36, 0.01), 45)
        with self.assertRaises(svcm.InvalidInput):
            svcm.erlang_b_trunks(10, 0)

    def test_fractional_agents(self):
        # mpmath (40 digits): 1/B(9.25, 5) = e^5 5^-9.25 Gamma(10.25, 5).
        self.assertAlmostEqual(svcm.erlang_b_frac(5, 9.25) / 0.031606063152709205, 1, places=12)
        self.assertAlmostEqual(svcm.erlang_c_frac(5, 9.25) / 0.066323519399824972, 1, places=12)
        for n in range(1, 30):
            self.assertEqual(svcm.erlang_b_frac(7.5, n), svcm.erlang_b(7.5, n))
            self.assertEqual(svcm.erlang_c_frac(7.5, n), svcm.erlang_c(7.5, n))
        xs = [8 + k / 20 for k in range(100)]
        cs = [svcm.erlang_c_frac(7.5, x) for x in xs]
        self.assertTrue(all(b < a for a, b in zip(cs, cs[1:])))
        with self.assertRaises(svcm.InvalidInput):
            svcm.erlang_b_frac(1.0, -1.0)


def jagerman_c(x, a, panels=20000):
    """Continuous Erlang C from Jagerman's integral 1/B(x, A) = A
    int_0^inf e^{-At} (1+t)^x dt by Simpson's rule (math only, independent
    of the library's incomplete gamma functions)."""
    top = max(0.0, x / a - 1.0) + 60.0 / a + 60.0 * math.sqrt(x + 1.0) / a
    h = top / panels

    def f(t):
        return math.exp(-a * t + x * math.log1p(t))
    total = f(0.0) + f(top)
    for i in range(1, panels):
        total += (4 if i % 2 else 2) * f(i * h)
    b = 1.0 / (a * total * h / 3.0)
    return x * b / (x - a * (1.0 - b))


class FractionalStaffing(unittest.TestCase):
    def test_staffing_frac_is_the_root_of_the_continuous_curve(self):
        # 100 calls / 30 min, AHT 180 s: 10 Erlangs; 80% within 20 s.
        r = svcm.staffing_frac(100, 180, 1800, 20, 0.8, shrinkage=0.3)
        self.assertEqual(svcm.agents_needed(100, 180, 1800, 20, 0.8), 14)
        self.assertTrue(13.0 < r.agents <= 14.0)
        self.assertAlmostEqual(r.staff, r.agents / 0.7, delta=1e-12)

        def sl(x):
            return 1.0 - jagerman_c(x, 10.0) * math.exp(-(x - 10.0) * 20.0 / 180.0)
        self.assertGreaterEqual(sl(r.agents), 0.8 - 1e-10)
        self.assertLess(sl(r.agents - 1e-6), 0.8)
        self.assertAlmostEqual(r.service_level, 0.8, delta=1e-12)
        self.assertAlmostEqual(r.p_wait, jagerman_c(r.agents, 10.0), delta=1e-10)
        self.assertAlmostEqual(r.occupancy, 10.0 / r.agents, delta=1e-15)

    def test_staffing_frac_occupancy_cap(self):
        r = svcm.staffing_frac(100, 180, 1800, 20, 0.1, max_occupancy=0.8)
        self.assertAlmostEqual(r.agents, 12.5, delta=1e-12)
        self.assertLessEqual(r.occupancy, 0.8)

    def test_erlang_a_frac_interpolates_the_exact_chain(self):
        # A = 10, AHT 180 s, patience 300 s: the chain in exact rationals at
        # 11 and 12 agents, mixed at x = 11.25.
        w0, a0 = erlang_a_chain(10, 11, Fraction(180, 300))
        w1, a1 = erlang_a_chain(10, 12, Fraction(180, 300))
        r = svcm.erlang_a_frac(100, 180, 1800, 11.25, 300, shrinkage=0.2)
        self.assertAlmostEqual(r.p_wait, 0.75 * w0 + 0.25 * w1, delta=1e-12)
        self.assertAlmostEqual(r.p_abandon, 0.75 * a0 + 0.25 * a1, delta=1e-12)
        self.assertEqual(r.agents, 11.25)
        self.assertAlmostEqual(r.staff, 11.25 / 0.8, delta=1e-12)
        for n in (3, 11, 20):
            f = svcm.erlang_a_frac(100, 180, 1800, n, 300)
            e = svcm.erlang_a(100, 180, 1800, n, 300)
            for name in ('p_wait', 'p_abandon', 'service_level', 'sl_virtual', 'asa',
                         'wait_all', 'occupancy'):
                self.assertEqual(getattr(f, name), getattr(e, name), name)

    def test_would_be_wait_matches_exact_chain(self):
        # CCmath's Erlang X demo (https://erlang.ccmath.com, ERLANG package):
        # 4 calls / min, AHT 3 min, patience 1 min, 14 agents, 100 lines, no
        # redials: ASA 0.1 min (the mean would-be wait), 87.97% within 20 s
        # (would-be wait), 7.43% abandon, occupancy 79.34%. Also the exact
        # chain: sum over queue states of sum_{j<=k} 1 / (N + j r), in AHT.
        r = svcm.erlang_a(240, 180, 3600, 14, 60, 0.333 * 60)
        self.assertAlmostEqual(r.wait_virtual / 60, 0.10, delta=0.005)
        self.assertAlmostEqual(r.sl_virtual, 0.8797, delta=5e-5)
        self.assertAlmostEqual(r.p_abandon, 0.0743, delta=5e-5)
        self.assertAlmostEqual(r.occupancy, 0.7934, delta=5e-5)
        rate = Fraction(3)
        w = [Fraction(1)]
        for j in range(1, 14 + 200):
            w.append(w[-1] * 12 / (j if j <= 14 else 14 + (j - 14) * rate))
        virtual = sum(w[14 + k] * sum(1 / (14 + i * rate) for i in range(k + 1))
                      for k in range(len(w) - 14)) / sum(w)
        self.assertAlmostEqual(r.wait_virtual, float(virtual) * 180, delta=1e-10)
        f = svcm.erlang_a_frac(240, 180, 3600, 13.5, 60, 20)
        lo, hi = svcm.erlang_a(240, 180, 3600, 13, 60), svcm.erlang_a(240, 180, 3600, 14, 60)
        self.assertAlmostEqual(f.wait_virtual, (lo.wait_virtual + hi.wait_virtual) / 2,
                               delta=1e-12)

    def test_staffing_a_frac_abandonment_cap_is_exact_root(self):
        # max 1% abandon, no service-level goal: between 14 and 15 agents,
        # P(abandon) of the interpolated curve equals 1%.
        r = svcm.staffing_a_frac(100, 180, 1800, 300, target_sl=0.0, max_abandon=0.01)
        _, p14 = erlang_a_chain(10, 14, Fraction(180, 300))
        _, p15 = erlang_a_chain(10, 15, Fraction(180, 300))
        self.assertAlmostEqual(r.agents, 14 + (p14 - 0.01) / (p14 - p15), delta=1e-9)
        n = svcm.agents_needed_a(100, 180, 1800, 300, 0.8, 20)
        r = svcm.staffing_a_frac(100, 180, 1800, 300, 20, 0.8)
        self.assertTrue(n - 1 < r.agents <= n)
        self.assertGreaterEqual(r.service_level, 0.8)
        below = svcm.erlang_a_frac(100, 180, 1800, math.nextafter(r.agents, 0), 300, 20)
        self.assertLess(below.service_level, 0.8)

    def test_fractional_errors_name_the_field(self):
        for x in (0.5, -1.0, math.nan, math.inf):
            with self.assertRaises(svcm.InvalidInput) as cm:
                svcm.erlang_a_frac(100, 180, 1800, x, 300)
            self.assertEqual(cm.exception.field, 'agents')
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.staffing_frac(100, 180, 1800, 20, 1.0)
        self.assertEqual(cm.exception.field, 'target_sl')
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.staffing_a_frac(100, 180, 1800, 0)
        self.assertEqual(cm.exception.field, 'patience_s')
        with self.assertRaises(svcm.OutOfRange):
            svcm.staffing_frac(1000, 180, 1800, max_agents=5)
        with self.assertRaises(svcm.OutOfRange):
            svcm.staffing_a_frac(1000, 180, 1800, 60, max_agents=5)
        with self.assertRaises(TypeError):
            svcm.erlang_a_frac(100, 180, 1800, '11.5', 300)
        with self.assertRaises(TypeError):
            svcm.staffing_frac(100, 180, 1800, max_occupancy='x')


class ExactShrinkage(unittest.TestCase):
    def test_decimal_shrinkage_is_exact(self):
        # ceil(21 / (1 - 0.3)) = 30, ceil(14 / 0.7) = 20, ceil(9 / 0.9) = 10.
        self.assertEqual(svcm.staff_with_shrinkage(21, 0.3), 30)
        self.assertEqual(svcm.staff_with_shrinkage(14, 0.3), 20)
        self.assertEqual(svcm.staff_with_shrinkage(9, 0.1), 10)
        from fractions import Fraction
        for pct in range(0, 100, 3):
            for agents in range(0, 120, 7):
                want = -(-agents * 100 // (100 - pct))
                self.assertEqual(svcm.staff_with_shrinkage(agents, pct / 100), want)
                self.assertEqual(svcm.agents_from_staff(agents, pct / 100),
                                 int(agents * Fraction(100 - pct, 100)))

    def test_eval_staff_reverse_calculation(self):
        # 20 staff at 30% shrinkage: 14 agents, Call Centre Helper's worked
        # example (service level 0.888 within 20 s).
        r = svcm.eval_staff(100, 180, 1800, 20, shrinkage=0.3)
        self.assertEqual((r.agents, r.staff), (14, 20))
        self.assertAlmostEqual(r.service_level, 0.888, delta=0.0005)
        with self.assertRaises(svcm.InvalidInput):
            svcm.eval_staff(100, 180, 1800, 1, shrinkage=0.3)


class GeneratedSurface(unittest.TestCase):
    """Functions and records generated from bindings/api/erlang.py
    (bindings/gen/svcmgen.py; runtime in records.c)."""

    def test_results_are_records_that_pickle(self):
        import pickle
        for r, cls, n in ((svcm.erlang_a(100, 180, 1800, 12, 120), svcm.ErlangA, 11),
                          (svcm.erlang_a_frac(100, 180, 1800, 12.5, 120), svcm.ErlangAFrac, 11),
                          (svcm.staffing_frac(100, 180, 1800), svcm.ErlangFrac, 7),
                          (svcm.staffing(100, 180, 1800), svcm.Staffing, 7),
                          (svcm.erlang_chat(100, 180, 1800, 12), svcm.ErlangChat, 12)):
            self.assertIs(type(r), cls)
            self.assertIsInstance(r, tuple)
            self.assertEqual(len(r), n)
            self.assertEqual(r, pickle.loads(pickle.dumps(r)))
        a = svcm.erlang_a(100, 180, 1800, 12, 120)
        self.assertIsInstance(a.agents, int)
        self.assertEqual((a.agents, a.staff), (12, 12))
        self.assertEqual(a.wait_virtual, a[-1])
        self.assertIsInstance(svcm.staffing_frac(100, 180, 1800).agents, float)

    def test_argument_kinds(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.erlang_b(1.0, 2 ** 32)
        self.assertEqual(cm.exception.field, "agents")
        with self.assertRaises(TypeError):
            svcm.erlang_b(1.0, 2.0)  # a count is an int, not a float
        with self.assertRaisesRegex(TypeError, "max_agents: expected an int or None"):
            svcm.staffing(100, 180, 1800, max_agents="12")
        # None keeps the library default, like leaving the argument out.
        self.assertEqual(svcm.staffing(100, 180, 1800, max_occupancy=None),
                         svcm.staffing(100, 180, 1800))
        with self.assertRaises(TypeError):
            svcm.staffing(100, 180, 1800, 20.0, 0.8, None)  # keyword-only after target_sl

    def test_docstrings_start_with_the_signature(self):
        self.assertTrue(svcm.erlang_b.__doc__.startswith(
            "erlang_b(traffic_erlangs: float, agents: int) -> float\n\n"))
        self.assertIn("agents: int | None = None", svcm.staffing.__doc__)


if __name__ == '__main__':
    unittest.main()
