"""pickle (protocols 0 to 5), copy.copy and copy.deepcopy of every type
that has a saved form, through that form (__reduce__ gives the type's
loader and the saved bytes or text; the lifetime models' bytes hold the
fit diagnostics too). A copy shows the same
value for every public attribute and the same results as the original, and
is independent of it: changing one leaves the other as it was.

Queue goes through to_bytes() too: its options, instant and requests."""
import copy
import csv
import os
import pickle
import unittest

import svcm

DAY = 86400
NINE_TO_FIVE = [[("09:00", "17:00")]] * 5 + [[], []]
X, TX, TT = [0, 2, 1, 5, 3], [0, 30, 10, 35, 20], [40, 40, 38, 39, 40]
GX, GM = [7, 1, 4, 1, 7, 7, 3, 2, 3, 1, 7, 5], [28, 49, 42, 13, 26, 25, 37, 72, 26, 89, 39, 87]
DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "data")


def columns(name, keys, rows=None):
    with open(os.path.join(DATA, name)) as f:
        recs = list(csv.DictReader(f))[:rows]
    return tuple([float(r[k]) for r in recs] for k in keys)


# The first 500 CDNOW customers (x, t_x, T) and the donation cohort of
# Fader, Hardie & Shang 2010 (frequency, recency, periods, weights).
CX, CTX, CT = columns("cdnow_summary.csv", ("x", "t_x", "T"), 500)
DX, DTX, DN, DW = columns("donations.csv", ("frequency", "recency", "periods", "weights"))
# A TZif file from the system, when there is one (Zone.from_bytes).
TZIF = "/usr/share/zoneinfo/Europe/Berlin"
BERLIN = open(TZIF, "rb").read() if os.path.exists(TZIF) else None
SUMMER, WINTER = 1782000000, 1767225600  # 2026-06-21, 2026-01-01 UTC


class SubMoments(svcm.Moments):
    pass


class SubSketch(svcm.Sketch):
    pass


class SubDurations(svcm.Durations):
    pass


def cycle():
    c = svcm.Cycle("Faster replies", "first reply hours", False, 8.0, 4.0, 10 ** 6,
                   owner="ana", unit="h", id=7)
    c.add_action("triage rota", "bo", 10 ** 5)
    for i, v in enumerate([8.0, 9.0, 7.5, 8.5]):
        c.measure(1 + i, v, baseline=True)
    c.start(100, "ana", "go")
    for i, v in enumerate([4.5, 5.0, 3.5, 4.0]):
        c.measure(200 + i, v)
    c.check(400, "ana")
    return c


def queue():
    q = svcm.Queue(aging_per_hour=0.5, table=[[1, 2], [2, 3]])
    for i, tier in ((1, "key"), (2, "regular"), (3, "vip")):
        q.push(dict(id=i, tier=tier, impact="team", severity=2, created=100 * i,
                    due=7200 if i != 2 else None))
    q.rescore(3600)
    return q


def kpi_groups():
    g = svcm.KPIGroups(["nps", ("rate", "fcr"), ("durations", {"exact_limit": 8}), "sla"])
    g.add_scores([g.group("phone"), g.group("chat"), 1], 0, [10, 3, 9])
    g.add_outcomes([0, 1, 0], 1, [1, 0, 1])
    g.add_durations([1] * 12, 2, [float(i * i) for i in range(12)])
    g.add_sla(0, 3, met=4, breached=1, pending=2)
    return g


def filled(obj, values):
    obj.add(values)
    return obj


# name -> (factory, extra observations: callables of the object, a change
# to make to a copy, or None for a type without mutators)
TYPES = {
    "Moments": (lambda: svcm.Moments([1.0, 2.0, 4.0, 8.0]),
                [lambda m: m.variance(), lambda m: m.mean_ci(0.9), lambda m: len(m),
                 lambda m: m.to_bytes()],
                lambda m: m.add([100.0])),
    "SubMoments": (lambda: SubMoments([1.0, 2.0]), [lambda m: m.to_bytes()],
                   lambda m: m.add(5.0)),
    "NPS": (lambda: filled(svcm.NPS(), [0, 9, 10, 7, 10]),
            [lambda a: a.result(), lambda a: a.to_bytes()], lambda a: a.add(0)),
    "CSAT": (lambda: filled(svcm.CSAT(7, top_boxes=3, low=1), [1, 7, 5, 6]),
             [lambda a: a.result(0.9), lambda a: a.to_bytes()], lambda a: a.add([2, 2])),
    "CES": (lambda: filled(svcm.CES(5, low=1), [1, 5, 3]),
            [lambda a: a.result(), lambda a: a.to_bytes()], lambda a: a.add(4)),
    "Rate": (lambda: (lambda r: (r.add([1, 0, 1]), r.add_counts(5, 9), r)[-1])(svcm.Rate("fcr")),
             [lambda r: r.result(), lambda r: r.to_bytes()], lambda r: r.add_counts(1, 1)),
    "KPIGroups": (kpi_groups, [lambda g: g.keys(), lambda g: g.feedback(1, 0),
                               lambda g: g.rate(0, 1), lambda g: g.durations(1, 2),
                               lambda g: g.sla(0, 3), lambda g: g.order(), len,
                               lambda g: g.to_bytes()],
                  lambda g: g.add_score(g.group("new"), 0, 10)),
    "Policy": (lambda: svcm.Policy(bins=4, churn_days=200.0, vip_m_top_scores=2),
               [lambda p: p.to_text()], lambda p: setattr(p, "churn_days", 90.0)),
    "Calendar": (lambda: svcm.Calendar(60, NINE_TO_FIVE, ["2026-01-01", "2026-12-25"]),
                 [lambda c: c.to_text(), lambda c: c.business_seconds(0, 30 * DAY),
                  lambda c: c.is_open(9 * 3600), lambda c: c.next_open(0),
                  lambda c: c.add_business_seconds(0, 3 * 3600)], None),
    "Cycle": (cycle, [lambda c: c.save(), lambda c: c.overdue(2 * 10 ** 5)],
              lambda c: c.add_action("more", "cy", 10 ** 6)),
    "Cycle adjusted": (lambda: (lambda c: (c.act("adjust", 500, "ana", "again", target=3.0,
                                                 deadline=10 ** 7), c)[1])(cycle()),
                       [lambda c: c.save()], None),
    "BGNBD": (lambda: svcm.BGNBD(0.243, 4.414, 0.793, 2.426),
              [repr, lambda m: m.p_alive(X, TX, TT), lambda m: m.log_likelihood(X, TX, TT)],
              None),
    "BGNBD fitted": (lambda: svcm.BGNBD.fit(X, TX, TT, penalizer=0.1),
                     [repr, lambda m: m.p_alive(X, TX, TT)], None),
    "GammaGamma": (lambda: svcm.GammaGamma(6.25, 3.74, 15.44),
                   [repr, lambda m: m.conditional_expected_spend(GX, GM)], None),
    "GammaGamma fitted": (lambda: svcm.GammaGamma.fit(GX, GM),
                          [repr, lambda m: m.log_likelihood(GX, GM)], None),
    "ParetoNBD": (lambda: svcm.ParetoNBD(0.553, 10.578, 0.606, 11.669),
                  [repr, lambda m: m.p_alive(X, TX, TT),
                   lambda m: m.probability_of_purchases(39.0, [0, 1, 2])], None),
    "ParetoNBD fitted": (lambda: svcm.ParetoNBD.fit(CX, CTX, CT),
                         [repr, lambda m: m.log_likelihood(X, TX, TT)], None),
    "MBGNBD": (lambda: svcm.MBGNBD(0.525, 6.183, 0.891, 1.614),
               [repr, lambda m: m.p_alive(X, TX, TT), lambda m: m.purchase_pmf(10.0, [0, 3])],
               None),
    "MBGNBD fitted": (lambda: svcm.MBGNBD.fit(CX, CTX, CT),
                      [repr, lambda m: m.expected_purchases(10.0, X, TX, TT)], None),
    "BGBB": (lambda: svcm.BGBB(1.204, 0.750, 0.657, 2.783),
             [repr, lambda m: m.p_alive(DX, DTX, DN)], None),
    "BGBB fitted": (lambda: svcm.BGBB.fit(DX, DTX, DN, DW),
                    [repr, lambda m: m.log_likelihood(DX, DTX, DN, DW)], None),
    "Zone": (lambda: svcm.Zone("CET-1CEST,M3.5.0,M10.5.0/3"),
             [lambda z: z.offset(SUMMER), lambda z: z.abbrev(WINTER),
              lambda z: z.to_local(SUMMER), lambda z: z.to_utc(2026, 3, 29, 2, 30)], None),
    "Zone fixed": (lambda: svcm.Zone("-03:30"), [lambda z: z.offset(SUMMER)], None),
    "Sketch": (lambda: svcm.Sketch(0.02, 512, 4, values=[0.0, 1.0, 2.0, 3.0, 50.0, 7.5]),
               [lambda s: s.quantiles([0.1, 0.5, 0.99]), lambda s: len(s),
                lambda s: s.to_bytes()], lambda s: s.add([1000.0])),
    "SubSketch": (lambda: SubSketch(values=[1.0, 2.0]), [lambda s: s.to_bytes()],
                  lambda s: s.reset()),
    "Durations": (lambda: svcm.Durations(values=[30.0, 60.0, 90.0, 600.0]),
                  [lambda d: d.summary(), lambda d: d.quantiles([0.5, 0.9]),
                   lambda d: d.to_bytes()], lambda d: d.add(5.0)),
    "Calls": (lambda: svcm.Calls(30.0, 3.0, "met", False),
              [lambda c: c.save(), lambda c: c.options,
               lambda c: {k: v for k, v in c.result().items() if v == v}],
              lambda c: c.add(0.0, 0.0, 50.0, outcome="abandoned")),
    "SubDurations": (lambda: SubDurations(values=[1.0]), [lambda d: d.to_bytes()],
                     lambda d: d.add([2.0, 3.0])),
    "Queue": (queue, [lambda q: q.to_bytes(), lambda q: q.peek(q.instant),
                      lambda q: [q.get(i) for i in (3, 1, 2)], lambda q: 2 in q],
              lambda q: q.push(dict(id=9, tier="vip", impact="organisation", severity=1,
                                    created=0, due=60))),
}
if BERLIN is not None:
    TYPES["Zone from TZif"] = (lambda: svcm.Zone.from_bytes(BERLIN),
                               [lambda z: z.offset(SUMMER), lambda z: z.abbrev(WINTER),
                                lambda z: z.offset(2 ** 40), lambda z: z.to_utc(2026, 10, 25, 2, 30,
                                                                               ambiguous="later")],
                               None)

# Attributes that are not the object's own state: the Python objects of the
# linked cycles (a loaded cycle keeps its links' ids, in predecessor and
# successor, but is not linked to any object).
NOT_STATE = {"next", "prev"}


def observe(obj, calls):
    """Every public attribute and the given results, as comparable text."""
    seen = {}
    for name in dir(type(obj)):
        if name.startswith("_") or name in NOT_STATE:
            continue
        try:
            value = getattr(obj, name)
        except Exception as exc:  # an attribute that refuses is observed as such
            value = exc
        if not callable(value):
            seen[name] = repr(value)
    for i, call in enumerate(calls):
        try:
            seen["call%d" % i] = repr(call(obj))
        except Exception as exc:
            seen["call%d" % i] = "%s: %s" % (type(exc).__name__, exc)
    return seen


COPIERS = [("copy.copy", copy.copy), ("copy.deepcopy", copy.deepcopy)] + [
    ("pickle protocol %d" % p, lambda o, p=p: pickle.loads(pickle.dumps(o, p)))
    for p in range(pickle.HIGHEST_PROTOCOL + 1)]


class PickleCopyTest(unittest.TestCase):
    def test_every_saveable_type_is_listed(self):
        # A saved form (bytes or text), or a model whose parameters are its
        # state (it has a fit classmethod): each must pickle, so be in TYPES.
        saveable = {n for n in dir(svcm) if isinstance(getattr(svcm, n), type)
                    and any(hasattr(getattr(svcm, n), m)
                            for m in ("to_bytes", "to_text", "save", "fit"))}
        self.assertEqual(saveable, {n for n in TYPES if " " not in n and "Sub" not in n})

    def test_round_trip_keeps_every_attribute_and_result(self):
        for name, (factory, calls, _) in TYPES.items():
            obj = factory()
            want = observe(obj, calls)
            for how, copier in COPIERS:
                with self.subTest(name, how=how):
                    twin = copier(obj)
                    self.assertIs(type(twin), type(obj))
                    self.assertIsNot(twin, obj)
                    self.assertEqual(observe(twin, calls), want)

    def test_copies_are_independent(self):
        for name, (factory, calls, change) in TYPES.items():
            if change is None:
                continue
            for how, copier in COPIERS:
                with self.subTest(name, how=how):
                    obj = factory()
                    twin = copier(obj)
                    before = observe(obj, calls)
                    change(twin)
                    self.assertNotEqual(observe(twin, calls), before, "the change shows")
                    self.assertEqual(observe(obj, calls), before, "the original is unchanged")
                    change(obj)
                    self.assertEqual(observe(obj, calls), observe(twin, calls))

    def test_fitted_models_keep_their_fit_diagnostics(self):
        bg = svcm.BGNBD.fit(X, TX, TT, penalizer=0.1)
        again = pickle.loads(pickle.dumps(bg))
        self.assertEqual((again.loglik, again.n, again.groups, again.iterations),
                         (bg.loglik, bg.n, bg.groups, bg.iterations))
        self.assertIsNotNone(again.loglik)
        self.assertIsNone(pickle.loads(pickle.dumps(svcm.BGNBD(1, 1, 1, 1))).loglik)
        gg = copy.deepcopy(svcm.GammaGamma.fit(GX, GM))
        self.assertEqual(gg.n, 12)

    def test_setstate_refuses_bad_states(self):
        for model, good in ((svcm.BGNBD(1, 1, 1, 1), (-3.0, 5, 4, 10)),
                            (svcm.GammaGamma(2, 2, 2), (-3.0, 5, 10))):
            for bad in ([-3.0, 5, 4, 10], (-3.0,), good + (1,), ("x",) + good[1:],
                        good[:1] + (-1,) + good[2:], good[:-1] + (2 ** 40,)):
                with self.subTest(type(model).__name__, bad=bad):
                    with self.assertRaises((TypeError, ValueError, OverflowError)):
                        model.__setstate__(bad)
                    self.assertIsNone(model.loglik)
            model.__setstate__(None)
            self.assertIsNone(model.loglik)
            model.__setstate__(good)
            self.assertEqual(model.loglik, -3.0)

    def test_fitted_02_models_keep_their_fit_summary(self):
        for model in (svcm.ParetoNBD.fit(CX, CTX, CT), svcm.MBGNBD.fit(CX, CTX, CT),
                      svcm.BGBB.fit(DX, DTX, DN, DW)):
            with self.subTest(type(model).__name__):
                again = pickle.loads(pickle.dumps(model))
                for name in ("loglik", "n", "groups", "iterations", "weight",
                             "standard_errors"):
                    self.assertIsNotNone(getattr(model, name), name)
                    self.assertEqual(getattr(again, name), getattr(model, name), name)
                params = {"ParetoNBD": "r alpha s beta", "MBGNBD": "r alpha a b",
                          "BGBB": "alpha beta gamma delta"}[type(model).__name__]
                unfitted = type(model)(*[getattr(model, p) for p in params.split()])
                self.assertIsNone(pickle.loads(pickle.dumps(unfitted)).loglik)
        self.assertEqual(copy.copy(svcm.ParetoNBD.fit(CX, CTX, CT)).grad_norm,
                         svcm.ParetoNBD.fit(CX, CTX, CT).grad_norm)
        self.assertEqual(svcm.BGBB.fit(DX, DTX, DN, DW).weight, sum(DW))

    def test_02_models_setstate_refuses_bad_states(self):
        se = (0.1, 0.2, 0.3, 0.4)
        for model, good in ((svcm.MBGNBD(1, 1, 1, 1), (-3.0, 5, 4, 10, 5.0, se)),
                            (svcm.BGBB(1, 1, 1, 1), (-3.0, 5, 4, 10, 5.0, se)),
                            (svcm.ParetoNBD(1, 1, 1, 1), (-3.0, 5, 4, 10, 5.0, se, 1e-7))):
            for bad in (list(good), good[:1], good + (1,), ("x",) + good[1:],
                        good[:1] + (-1,) + good[2:], good[:3] + (2 ** 40,) + good[4:],
                        good[:5] + ((1.0, 2.0),) + good[6:], good[:5] + (None,) + good[6:]):
                with self.subTest(type(model).__name__, bad=bad):
                    with self.assertRaises((TypeError, ValueError, OverflowError)):
                        model.__setstate__(bad)
                    self.assertIsNone(model.loglik)
            model.__setstate__(None)
            self.assertIsNone(model.loglik)
            model.__setstate__(good)
            self.assertEqual((model.loglik, model.n, model.standard_errors), (-3.0, 5, se))

    @unittest.skipIf(BERLIN is None, "no system TZif file " + TZIF)
    def test_zone_from_tzif_pickles_its_bytes(self):
        z = svcm.Zone.from_bytes(BERLIN)
        data = pickle.dumps(z)
        self.assertIn(BERLIN, data)
        twin = pickle.loads(data)
        self.assertEqual(twin.name, "TZif")
        # every hour of 2026 and a century of yearly samples (the footer
        # rule after the last transition) agree with the original
        for t in list(range(WINTER, WINTER + 366 * DAY, 3600)) + \
                [WINTER + k * 365 * DAY for k in range(-60, 100)]:
            self.assertEqual(twin.offset(t), z.offset(t), t)
            self.assertEqual(twin.abbrev(t), z.abbrev(t), t)

    def test_zone_from_spec_pickles_its_spec(self):
        for spec in ("UTC", "+05:45", "EST5EDT,M3.2.0,M11.1.0",
                     "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"):
            z = svcm.Zone(spec)
            twin = pickle.loads(pickle.dumps(z))
            self.assertEqual(twin.name, spec)
            self.assertEqual(z.__reduce__(), (svcm.Zone.from_bytes, (spec.encode(),)))
            for t in range(WINTER, WINTER + 366 * DAY, 6 * 3600):
                self.assertEqual(twin.offset(t), z.offset(t), (spec, t))

    def test_queue_pickles_its_bytes_and_pops_alike(self):
        q = queue()
        self.assertEqual(q.__reduce__(), (svcm.Queue.from_bytes, (q.to_bytes(),)))
        for how, copier in COPIERS:
            with self.subTest(how):
                a, b = queue(), copier(q)
                self.assertEqual([a.pop(7000).id for _ in range(3)],
                                 [b.pop(7000).id for _ in range(3)])

    def test_damaged_pickles_raise_the_loaders_errors(self):
        data = pickle.dumps(svcm.NPS())
        good = svcm.NPS().to_bytes()
        self.assertIn(good, data)
        with self.assertRaises(svcm.FormatError):
            pickle.loads(data.replace(good, bytes([good[0] ^ 0xFF]) + good[1:]))


if __name__ == "__main__":
    unittest.main()
