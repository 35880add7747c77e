"""Tests of svcm.KPIGroups (grouped KPI accumulators, src/kpi_groups.c) from
Python: every slot kind agrees with the stand-alone accumulator fed the same
values, merging partitions equals counting everything in one object, the
saved form and pickle round-trip, and bad input names its field.

Reference values: a published NPS interval (whuber, Cross Validated, the
same example as test_feedback.py), Wilson 1927 written out below, and
brute-force counts computed here from the raw answers.
"""
import array
import copy
import math
import pickle
import random
import statistics
import unittest

import svcm

NPS, CSAT, FCR, FIRST, SLA = range(5)
SLOTS = ["nps", ("csat", {"scale": 5, "top_boxes": 2, "low": 1}), ("rate", "fcr"),
         ("durations", {"exact_limit": 4096}), ("sla",)]
CHANNELS = ["email", "chat", "phone", "Ünïcode", "a\x00b"]


def events(n, seed):
    """n random (channel, nps, csat, fcr, seconds, sla outcome) events."""
    rng = random.Random(seed)
    return [(rng.choice(CHANNELS), rng.randint(0, 10), rng.randint(1, 5), rng.random() < 0.7,
             float(rng.randint(30, 90000)), rng.randrange(3)) for _ in range(n)]


def feed(g, evs):
    for key, nps, csat, fcr, secs, sla in evs:
        k = g.group(key)
        g.add_score(k, NPS, nps)
        g.add_score(k, CSAT, csat)
        g.add_outcome(k, FCR, fcr)
        g.add_duration(k, FIRST, secs)
        g.add_sla(k, SLA, met=int(sla == 0), breached=int(sla == 1), pending=int(sla == 2))


def results(g):
    """{key: every result of the group}, for comparing objects by key."""
    return {key: (g.feedback(k, NPS), g.feedback(k, CSAT), g.rate(k, FCR),
                  g.durations(k, FIRST), g.sla(k, SLA))
            for k, key in enumerate(g.keys())}


def wilson(successes, n, confidence):
    """Wilson (1927) score interval, written out independently."""
    z = statistics.NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


class AgreesWithStandAloneAccumulators(unittest.TestCase):
    def setUp(self):
        self.evs = events(3000, 17)
        self.g = svcm.KPIGroups(SLOTS)
        feed(self.g, self.evs)

    def test_each_group_equals_its_own_accumulators(self):
        self.assertEqual(sorted(self.g.keys()), sorted(CHANNELS))
        for key in CHANNELS:
            mine = [e for e in self.evs if e[0] == key]
            k = self.g.find(key)
            nps, csat, fcr, dur = svcm.NPS(), svcm.CSAT(5, top_boxes=2, low=1), \
                svcm.Rate("fcr"), svcm.Durations(exact_limit=4096)
            nps.add([e[1] for e in mine])
            csat.add([e[2] for e in mine])
            fcr.add([int(e[3]) for e in mine])
            dur.add([e[4] for e in mine])
            with self.subTest(key):
                self.assertEqual(self.g.feedback(k, NPS), nps.result())
                self.assertEqual(self.g.feedback(k, CSAT, 0.9), csat.result(0.9))
                self.assertEqual(self.g.rate(k, FCR), fcr.result())
                self.assertEqual(self.g.durations(k, FIRST), dur.summary())
                self.assertEqual(self.g.quantiles(k, FIRST, [0.25, 0.75]),
                                 dur.quantiles([0.25, 0.75]))

    def test_nps_counts_match_a_brute_force_count(self):
        for key in CHANNELS:
            answers = [e[1] for e in self.evs if e[0] == key]
            promoters = sum(a >= 9 for a in answers)
            detractors = sum(a <= 6 for a in answers)
            r = self.g.feedback(self.g.find(key), NPS)
            self.assertEqual((r.promoters, r.detractors, r.n),
                             (promoters, detractors, len(answers)))
            self.assertAlmostEqual(r.value, 100 * (promoters - detractors) / len(answers),
                                   delta=1e-12)

    def test_sla_rate_and_wilson_interval(self):
        for key in CHANNELS:
            outcomes = [e[5] for e in self.evs if e[0] == key]
            met, breached = outcomes.count(0), outcomes.count(1)
            r = self.g.sla(self.g.find(key), SLA, confidence=0.9)
            self.assertEqual((r.met, r.breached, r.pending), (met, breached, outcomes.count(2)))
            self.assertAlmostEqual(r.rate, met / (met + breached), delta=1e-15)
            lo, hi = wilson(met, met + breached, 0.9)
            self.assertAlmostEqual(r.ci[0], lo, delta=1e-12)
            self.assertAlmostEqual(r.ci[1], hi, delta=1e-12)
            self.assertEqual(r.confidence, 0.9)


class PublishedValues(unittest.TestCase):
    def test_nps_interval_of_a_group_matches_published_example(self):
        # Cross Validated, "How can I calculate margin of error in a NPS
        # result?" (whuber): 150 promoters, 100 passives, 50 detractors give
        # NPS 33.333 and the 95% interval [24.898991, 41.767675].
        g = svcm.KPIGroups(["nps"])
        k = g.group("web")
        g.add_scores([k] * 300, 0, [10] * 90 + [9] * 60 + [8] * 50 + [7] * 50 + [3] * 20
                     + [6] * 30)
        r = g.feedback(k, 0)
        self.assertAlmostEqual(r.value, 100 / 3, delta=1e-12)
        self.assertAlmostEqual(r.ci[0], 24.898991, delta=1e-6)
        self.assertAlmostEqual(r.ci[1], 41.767675, delta=1e-6)


class MergeAndSave(unittest.TestCase):
    def test_merge_of_two_partitions_equals_one_object(self):
        evs = events(2000, 5)
        whole = svcm.KPIGroups(SLOTS)
        feed(whole, evs)
        a, b = svcm.KPIGroups(SLOTS), svcm.KPIGroups(SLOTS)
        feed(a, evs[:700])
        feed(b, evs[700:])
        a.merge(b)
        got, want = results(a), results(whole)
        self.assertEqual(got.keys(), want.keys())
        for key in want:
            # counts exact; merged moments differ from sequential ones by
            # rounding only (relative 1e-12)
            self.assertEqual(got[key][:3] + got[key][4:], want[key][:3] + want[key][4:])
            for x, y in zip(got[key][3], want[key][3]):
                self.assertAlmostEqual(x, y, delta=1e-12 * abs(y), msg=key)
        self.assertEqual(len(a), len(whole))

    def test_merge_refuses_other_slots_and_types(self):
        g = svcm.KPIGroups(SLOTS)
        with self.assertRaises(svcm.Mismatch):
            g.merge(svcm.KPIGroups(["nps"]))
        with self.assertRaises(TypeError):
            g.merge(svcm.NPS())

    def test_to_bytes_round_trip(self):
        g = svcm.KPIGroups(SLOTS)
        feed(g, events(500, 9))
        data = g.to_bytes()
        twin = svcm.KPIGroups.from_bytes(data)
        self.assertEqual(twin.to_bytes(), data)
        self.assertEqual(twin.keys(), g.keys())
        self.assertEqual(twin.slots, g.slots)
        self.assertEqual(results(twin), results(g))

    def test_pickle_and_copy_round_trip_and_are_independent(self):
        g = svcm.KPIGroups(SLOTS)
        feed(g, events(300, 3))
        for twin in [pickle.loads(pickle.dumps(g, p)) for p in range(pickle.HIGHEST_PROTOCOL + 1)] \
                + [copy.copy(g), copy.deepcopy(g)]:
            self.assertIs(type(twin), svcm.KPIGroups)
            self.assertEqual(twin.to_bytes(), g.to_bytes())
            twin.add_score(twin.group("new"), NPS, 10)
            self.assertIsNone(g.find("new"))

    def test_malformed_bytes_are_format_errors(self):
        data = svcm.KPIGroups(SLOTS).to_bytes()
        for bad in (b"", data[:-1], data + b"\x00", b"x" * len(data)):
            with self.assertRaises(svcm.FormatError):
                svcm.KPIGroups.from_bytes(bad)


class GroupsAndKeys(unittest.TestCase):
    def test_groups_are_numbered_in_first_seen_order_and_ordered_by_key(self):
        g = svcm.KPIGroups(["sla"])
        keys = ["phone", "chat", b"email", "Ärger", ""]
        self.assertEqual([g.group(k) for k in keys], [0, 1, 2, 3, 4])
        self.assertEqual(g.group("chat"), 1)
        self.assertEqual(len(g), 5)
        self.assertEqual(g.keys(), ["phone", "chat", "email", "Ärger", ""])
        self.assertEqual(g.key(3), "Ärger")
        # code-point order, computed here by Python's own str sort
        self.assertEqual([g.keys()[i] for i in g.order()], sorted(g.keys()))
        self.assertEqual(g.find(b"phone"), 0)
        self.assertIsNone(g.find("fax"))
        self.assertEqual(len(g), 5)

    def test_invalid_utf8_key_names_the_key(self):
        g = svcm.KPIGroups(["sla"])
        with self.assertRaises(svcm.InvalidInput) as cm:
            g.group(b"\xff\xfe")
        self.assertEqual(cm.exception.field, "key")
        self.assertEqual(len(g), 0)
        with self.assertRaises(TypeError):
            g.group(5)


class BadInput(unittest.TestCase):
    def test_bad_slot_descriptions(self):
        cases = [
            ([("nps", {"scale": 10})], svcm.InvalidInput, "slot.feedback", 0),
            (["sla", "nope"], svcm.InvalidInput, "slot.kind", 1),
            ([("csat", {"scale": 5, "top_boxes": 9})], svcm.InvalidInput, "slot.feedback", 0),
            ([("rate", "no such kind")], svcm.InvalidInput, "kind", None),
            ([("durations", {"rel_err": -1.0})], svcm.InvalidInput, "slot.sketch", 0),
            ([("sla", {"target": 1})], svcm.InvalidInput, "slot.kind", 0),
            ([], svcm.InvalidInput, "n_slots", None),
            (["sla"] * 65, svcm.InvalidInput, "n_slots", None),
        ]
        for slots, exc, field, index in cases:
            with self.subTest(slots=slots[:2]):
                with self.assertRaises(exc) as cm:
                    svcm.KPIGroups(slots)
                self.assertEqual(cm.exception.field, field)
                self.assertEqual(cm.exception.index, index)
        for slots in ([5], [("nps", {}, 1)], [("csat", [5])], [("csat", {"scale": "5"})], 7):
            with self.subTest(slots=slots):
                with self.assertRaises(TypeError):
                    svcm.KPIGroups(slots)

    def test_unknown_group_or_wrong_slot_names_the_field(self):
        g = svcm.KPIGroups(SLOTS)
        k = g.group("email")
        calls = [lambda: g.add_score(k + 1, NPS, 9), lambda: g.add_score(-1, NPS, 9),
                 lambda: g.feedback(7, NPS), lambda: g.rate(1, FCR), lambda: g.key(1),
                 lambda: g.add_sla(3, SLA, met=1), lambda: g.sla(2, SLA),
                 lambda: g.add_outcome(1, FCR, True), lambda: g.add_duration(5, FIRST, 1.0)]
        for call in calls:
            with self.assertRaises(svcm.InvalidInput) as cm:
                call()
            self.assertEqual(cm.exception.field, "group")
        for call in (lambda: g.add_score(k, FCR, 1), lambda: g.feedback(k, SLA),
                     lambda: g.rate(k, NPS), lambda: g.durations(k, 5),
                     lambda: g.add_outcome(k, 9, True), lambda: g.sla(k, NPS),
                     lambda: g.add_scores([k], SLA, [1])):
            with self.assertRaises(svcm.InvalidInput) as cm:
                call()
            self.assertEqual(cm.exception.field, "slot")

    def test_bad_values_name_their_field_and_change_nothing(self):
        g = svcm.KPIGroups(SLOTS)
        k = g.group("email")
        before = g.to_bytes()
        for call, field in ((lambda: g.add_score(k, NPS, 11), "score"),
                            (lambda: g.add_score(k, CSAT, 2.5), "score"),
                            (lambda: g.add_duration(k, FIRST, -1.0), "seconds"),
                            (lambda: g.add_duration(k, FIRST, math.nan), "seconds"),
                            (lambda: g.feedback(k, NPS, confidence=1.5), None),
                            (lambda: g.sla(k, SLA, confidence=0.0), "confidence")):
            with self.subTest(field=field):
                with self.assertRaises((svcm.InvalidInput, svcm.EmptyError)):
                    call()
        self.assertEqual(g.to_bytes(), before)
        with self.assertRaises(TypeError):
            g.add_outcome(k, FCR, "yes")
        with self.assertRaises(ValueError):
            g.add_sla(k, SLA, met=-1)

    def test_batches_are_all_or_nothing(self):
        g = svcm.KPIGroups(SLOTS)
        a, b = g.group("a"), g.group("b")
        before = g.to_bytes()
        for call, field, index in (
                (lambda: g.add_scores([a, b, a], NPS, [9, 10, 11]), "scores", 2),
                (lambda: g.add_scores([a, 2, a], NPS, [9, 10, 1]), "groups", 1),
                (lambda: g.add_outcomes([a, b], FCR, [1, 0.5]), "outcomes", 1),
                (lambda: g.add_durations(array.array("q", [b, a]), FIRST,
                                         array.array("d", [1.0, math.inf])), "seconds", 1)):
            with self.assertRaises(svcm.InvalidInput) as cm:
                call()
            self.assertEqual((cm.exception.field, cm.exception.index), (field, index))
        self.assertEqual(g.to_bytes(), before)
        with self.assertRaises(ValueError):
            g.add_scores([a, b], NPS, [9])
        g.add_scores(array.array("q", [a, b, a]), NPS, array.array("d", [9, 10, 0]))
        g.add_outcomes([a, a, b], FCR, [True, False, 1])
        g.add_durations([b], FIRST, [12.5])
        self.assertEqual(g.feedback(a, NPS).n, 2)
        self.assertEqual(g.rate(a, FCR).trials, 2)
        self.assertEqual(g.durations(b, FIRST).sum, 12.5)

    def test_empty_slots_raise_empty_error_and_sla_gives_nan(self):
        g = svcm.KPIGroups(SLOTS)
        k = g.group("x")
        for call in (lambda: g.feedback(k, NPS), lambda: g.rate(k, FCR),
                     lambda: g.durations(k, FIRST)):
            with self.assertRaises(svcm.EmptyError):
                call()
        g.add_sla(k, SLA, pending=4)
        r = g.sla(k, SLA)
        self.assertEqual(r.pending, 4)
        self.assertTrue(math.isnan(r.rate) and math.isnan(r.ci[0]) and math.isnan(r.ci[1]))

    def test_slots_are_normalised_descriptions_the_constructor_takes_back(self):
        g = svcm.KPIGroups(SLOTS)
        self.assertEqual(g.slots[CSAT], ("csat", {"scale": 5, "low": 1, "top_boxes": 2}))
        self.assertEqual(g.slots[FCR], ("rate", {"kind": "fcr"}))
        self.assertEqual(g.slots[FIRST][1]["exact_limit"], 4096)
        self.assertEqual(svcm.KPIGroups(g.slots).slots, g.slots)


if __name__ == "__main__":
    unittest.main()
