"""Robustness of the svcm Python binding against misuse.

Every public function, constructor, method and attribute of the module is
called with a valid argument list (the "base" call) and then with each
argument in turn replaced by values of the wrong kind: None, strings,
bytes, dicts, plain objects, huge and negative integers, NaN and
infinities, empty, 2-D and strided buffers, sequences of junk and a very
long sequence. Every call must either return or raise TypeError,
ValueError, OverflowError or an svcm.Error subclass with a non-empty
message; SystemError, any other exception, a crash or a hang (faulthandler
aborts a call that runs longer than CALL_TIMEOUT seconds) fails the test.

Targeted cases follow: objects whose __init__ failed or never ran,
objects re-initialised, accumulators merged with themselves, cycles linked
to themselves, objects whose conversion hooks mutate the container being
read, lying __len__, copy/pickle/subclassing of every type, and a second
thread re-initialising, resetting and merging an object while a batch runs
without the GIL. Crashes found are reproduced in child processes
(KnownCrashTest) so that each fails on its own.

SVCM_MISUSE_TRACE=1 prints every call before it is made (to find a crash).
"""
import array
import copy
import csv
import faulthandler
import math
import os
import pickle
import struct
import subprocess
import sys
import threading
import time
import unittest

import svcm

# Seconds a single call may take; SVCM_TIMEOUT_SCALE stretches it where
# everything runs slower (valgrind, sanitizers: set by meson's test setups).
CALL_TIMEOUT = 10.0 * float(os.environ.get("SVCM_TIMEOUT_SCALE", "1"))
TRACE = bool(os.environ.get("SVCM_MISUSE_TRACE"))  # print each call first
HOUR = 3600
DAY = 86400


def item(id=1, **kw):
    d = dict(id=id, tier="regular", impact="team", severity=3, value=0.2, created=0,
             due=None, urgent=False)
    d.update(kw)
    return d


NINE_TO_FIVE = [[("09:00", "17:00")]] * 5 + [[], []]
R = [10.0, 40.0, 200.0, 5.0, 90.0, 30.0]
F = [3, 1, 1, 8, 2, 5]
M = [100.0, 20.0, 5.0, 900.0, 50.0, 300.0]
E22 = [5.0] * 22
P22 = [4.0] * 22


def filled(cls, *args, values=None, **kw):
    acc = cls(*args, **kw)
    if values is not None:
        acc.add(values)
    return acc


def cycle_in_do():
    c = svcm.Cycle("t", "m", True, 1.0, 2.0, 10 ** 6)
    c.add_action("do it", "o", 10 ** 5)
    for i, v in enumerate([1.0, 1.2, 0.9, 1.1]):
        c.measure(1 + i, v, baseline=True)
    c.start(100, "a", "go")
    for i, v in enumerate([2.0, 2.2, 1.9, 2.1]):
        c.measure(200 + i, v)
    return c


def queue_with_item():
    q = svcm.Queue()
    q.push(item(1))
    return q


def cal():
    return svcm.Calendar(0, NINE_TO_FIVE)


def loaded_pair():
    """A saved cycle and its saved successor, loaded back unlinked."""
    c = cycle_in_do()
    c.check(400, "a")
    n = c.act("adjust", 500, "a", "again", target=3.0, deadline=10 ** 7)
    return svcm.Cycle.load(c.save()), svcm.Cycle.load(n.save())


_SUCCESSOR = [None]


def cycle_to_link():
    a, _SUCCESSOR[0] = loaded_pair()
    return a


def cdnow(rows=300):
    """The first rows of the CDNOW summary (x, t_x, T, mean spend)."""
    path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "data",
                        "cdnow_summary.csv")
    with open(path) as f:
        recs = list(csv.DictReader(f))[:rows]
    return ([float(r["x"]) for r in recs], [float(r["t_x"]) for r in recs],
            [float(r["T"]) for r in recs], [float(r["zbar"]) for r in recs])


CD_X, CD_TX, CD_T, CD_Z = cdnow()
CD_SPEND = [(x, z) for x, z in zip(CD_X, CD_Z) if x > 0]
# A customer table in weeks with every column (segment.h relations).
CD_TABLE = {"unit": "week", "id": list(range(1, len(CD_X) + 1)), "x": CD_X, "t_x": CD_TX,
            "T": CD_T, "mean_repeat_spend": CD_Z, "frequency": [x + 1 for x in CD_X],
            "recency": [T - t for T, t in zip(CD_T, CD_TX)], "tenure": CD_T,
            "monetary": [z * (x + 1) for x, z in zip(CD_X, CD_Z)]}
BG = svcm.BGNBD(0.243, 4.414, 0.793, 2.426)
# A few BG/BB rows (frequency, recency, periods, weights) of the donation
# cohort's shape.
BB_X, BB_TX, BB_N, BB_W = [0, 1, 1, 2, 3, 6], [0, 1, 3, 4, 5, 6], [6] * 6, [3464, 1091, 277,
                                                                            300, 200, 100]
RULE = "CET-1CEST,M3.5.0,M10.5.0/3"


def tzif_utc():
    """A minimal TZif version 2 file (RFC 8536): one type, UTC, footer UTC0."""
    def block():
        head = b"TZif2" + bytes(15) + struct.pack(">6l", 0, 0, 0, 0, 1, 4)
        return head + struct.pack(">lBB", 0, 0, 0) + b"UTC\x00"
    return block() + block() + b"\nUTC0\n"


SHIFTS = [[1, 1, 1, 0, 0, 0], [0, 0, 1, 1, 1, 0], [1, 0, 0, 0, 1, 1]]

# name -> (args, kwargs), factories so each call gets fresh objects.
FUNCTIONS = {
    "agents_needed": lambda: ((100, 180.0, 1800.0, 20.0, 0.8), {}),
    "agents_needed_a": lambda: ((100, 180.0, 1800.0, 120.0, 0.8, 20.0),
                                {"max_abandon": 0.05, "max_agents": 50}),
    "agents_from_staff": lambda: ((14, 0.3), {}),
    "erlang_a": lambda: ((100, 180.0, 1800.0, 12, 120.0), {"target_s": 20.0, "shrinkage": 0.1}),
    "erlang_chat": lambda: ((100, 300.0, 3600.0, 5), {"aht_by_concurrency": [300.0, 420.0],
                                                       "patience": 90.0, "shrinkage": 0.1}),
    "agents_needed_chat": lambda: ((100, 300.0, 3600.0, 0.8, 20.0),
                                   {"concurrency": 2, "max_abandon": 0.05, "max_agents": 50}),
    "erlang_b_capacity": lambda: ((10, 0.01), {}),
    "erlang_b_frac": lambda: ((10.0, 12.5), {}),
    "erlang_b_trunks": lambda: ((10.0, 0.01), {}),
    "erlang_c_frac": lambda: ((10.0, 12.5), {}),
    "erlang_a_frac": lambda: ((100, 180.0, 1800.0, 11.5, 120.0), {"target_s": 20.0,
                                                                   "shrinkage": 0.1}),
    "staffing_frac": lambda: ((100, 180.0, 1800.0, 20.0, 0.8), {"max_occupancy": 0.9,
                                                                 "shrinkage": 0.1,
                                                                 "max_agents": 50}),
    "staffing_a_frac": lambda: ((100, 180.0, 1800.0, 120.0, 20.0, 0.8),
                                {"max_abandon": 0.05, "shrinkage": 0.1, "max_agents": 50}),
    "eval_staff": lambda: ((100, 180.0, 1800.0, 15), {"target_s": 20.0, "shrinkage": 0.2}),
    "parse_time": lambda: (("2026-03-29 02:30",), {"tz": RULE, "ambiguous": "later"}),
    "schedule_pattern": lambda: ((48, 40, 16), {"breaks": [(4, 1), (8, 2)], "wrap": True}),
    "schedule_shifts": lambda: (([2, 2, 3, 2, 2, 1], SHIFTS), {"cost": [1.0, 1.5, 1.2],
                                                              "max_nodes": 1000}),
    "staffing_a": lambda: ((100, 180.0, 1800.0, 120.0), {"max_abandon": 0.05,
                                                         "shrinkage": 0.2}),
    "asa": lambda: ((100, 180.0, 1800.0, 12), {}),
    "ces": lambda: (([1, 2, 7],), {}),
    "check_customers": lambda: ((R, F, M), {"tenure": R, "p_alive": [0.5] * 6}),
    "civil_from_days": lambda: ((0,), {}),
    "classify": lambda: (([item(1), item(2, due=HOUR)], 0), {"sort": True}),
    "compare_ces": lambda: (([1, 2, 3], [4, 5, 6]), {}),
    "compare_csat": lambda: (([1, 5, 4], [5, 5, 2]), {}),
    "compare_nps": lambda: (([0, 9, 10], [10, 10, 3, 9]), {}),
    "compare_rates": lambda: ((filled(svcm.Rate, "fcr", values=[1, 0, 1]),
                               filled(svcm.Rate, "fcr", values=[1, 1, 0])), {}),
    "consistency": lambda: (([1.0, 2.0, 3.0],), {}),
    "fcr_repeats": lambda: (([1, 2, 1], [0, 10, 20], 15), {"as_of": 100}),
    "contact_centre": lambda: ((), dict(answered=10, answered_within_target=8, abandoned=2,
                                        handled=10, talk_time_s=1000.0, wait_time_s=50.0)),
    "contact_metrics": lambda: ((), dict(answered=10, answered_within_target=8, abandoned=2,
                                         handled=10, talk_time_s=1000.0, wait_time_s=50.0)),
    "contact_counts_sum": lambda: (([dict(answered=1), dict(abandoned=2)],), {}),
    "contact_metrics_batch": lambda: (([dict(answered=1), dict(abandoned=2)],), {}),
    "csat": lambda: (([1, 5, 4],), {}),
    "days_from_civil": lambda: ((2026, 1, 1), {}),
    "days_since": lambda: (([0, DAY], 3 * DAY), {}),
    "erlang_b": lambda: ((10.0, 12), {}),
    "erlang_c": lambda: ((10.0, 12), {}),
    "format_itil_table": lambda: ((), {}),
    "format_grade_table": lambda: ((), {}),
    "grade_table": lambda: ((), {}),
    "problem_grade": lambda: ((1, 2, 3), {}),
    "problem_request": lambda: ((item(1), 1, 2, 3), {}),
    "importance": lambda: ((item(1),), {}),
    "itil_priority": lambda: ((1, 2), {}),
    "itil_table": lambda: ((), {}),
    "migration": lambda: (([1, 2], [0, 1], [1, 3], [1, 2]), {}),
    "normal_cdf": lambda: ((0.0,), {}),
    "normal_quantile": lambda: ((0.5,), {}),
    "nps": lambda: (([9, 10, 3],), {}),
    "prioritize": lambda: (([item(1), item(2, due=HOUR)], 0), {}),
    "quadrant": lambda: ((True, False), {}),
    "quadrant_advice": lambda: (("do",), {}),
    "rate": lambda: ((3, 5), {"kind": "fcr"}),
    "reason_name": lambda: ((0,), {}),
    "rfm_edges": lambda: ((R,), {}),
    "rfm_fit": lambda: ((R, F, M), {}),
    "rfm_scores": lambda: ((R, F, M), {"bins": 3}),
    "segment": lambda: ((R, F, M), {"tenure": R}),
    "segment_records": lambda: (([(i, R[i], F[i], M[i]) for i in range(6)],), {}),
    "service_level": lambda: ((100, 180.0, 1800.0, 12, 20.0), {}),
    "servqual": lambda: ((E22, P22), {}),
    "sla": lambda: ((cal(), 0), dict(response_target=HOUR, resolution_target=8 * HOUR,
                                     now=DAY)),
    "sla_compliance": lambda: ((cal(), [0], [60], [HOUR]),
                               dict(response_target=HOUR, resolution_target=8 * HOUR,
                                    now=DAY)),
    "staff_with_shrinkage": lambda: ((10, 0.3), {}),
    "staffing": lambda: ((100, 180.0, 1800.0), {}),
    "staffing_batch": lambda: (([100, 50], [180.0, 200.0], 1800.0), {}),
    "status_name": lambda: ((-1,), {}),
    "strerror": lambda: ((-1,), {}),
    "summarize_transactions": lambda: (([1, 1, 2], [0, DAY, 0], [1.0, 2.0, 3.0], 7 * DAY), {}),
    "summarize_customers": lambda: (([1, 1, 2], [0, DAY, 0], [1.0, 2.0, 3.0], 7 * DAY),
                                    {"period": "day"}),
    "time_unit_seconds": lambda: (("week",), {}),
    "t_cdf": lambda: ((0.5, 5), {}),
    "t_quantile": lambda: ((0.9, 5), {}),
    "target_change": lambda: ((80, 100, 90, 100), {"direction": "at_least"}),
    "target_durations_result": lambda: ((svcm.Durations(values=[1.0, 2.0, 3.0]), 0.9, 2.0), {}),
    "target_feedback_change": lambda: ((filled(svcm.NPS, values=[0, 9]), filled(svcm.NPS, values=[9, 10])), {}),
    "target_feedback_result": lambda: ((filled(svcm.NPS, values=[0, 9, 10]), 10.0), {}),
    "target_mean_change": lambda: ((R, M), {"direction": "at_most"}),
    "target_mean_result": lambda: ((R, 30.0), {"direction": "at_most"}),
    "target_nps_result": lambda: (([10, 9, 3, 7, 0], 10.0), {}),
    "target_quantile_result": lambda: ((R, 0.9, 100.0), {"confidence": 0.9}),
    "target_result": lambda: ((95, 100, 0.9), {"direction": "at_least"}),
    "target_scaled": lambda: ((90.0,), {"unit": "%"}),
    "target_verdict": lambda: ((95, 100, 0.9), {"confidence": 0.95}),
    "targets_format": lambda: (([("fcr", ">=", 70.0, "%"), ("nps", "at_least", 30.0)],), {}),
    "targets_parse": lambda: (("fcr >= 70%\nfirst_response_p90 <= 1h\n",), {}),
    "tier_name": lambda: ((0,), {}),
    "tier_parse": lambda: (("vip",), {}),
    "tier_summary": lambda: (([0, 1, 2, 3, 4, 1], R, F, M), {}),
    "traffic_erlangs": lambda: ((100, 180.0, 1800.0), {}),
    "two_proportion_z_test": lambda: ((5, 10, 6, 10), {}),
    "urgency": lambda: ((item(1, due=HOUR), 0), {}),
    "version": lambda: ((), {}),
    "welch_t_test": lambda: ((1.0, 1.0, 10, 2.0, 1.0, 10), {}),
    "western_electric": lambda: (([1.0, 2.0, 3.0, 9.0], 2.0, 1.0), {}),
    "wilson": lambda: ((3, 10), {}),
    "wsjf": lambda: ((1, 2, 3, 4), {}),
    "wsjf_order": lambda: (([1, 2], [2, 2], [3, 2], [4, 2]), {}),
    "xmr_limits": lambda: (([1.0, 2.0, 3.0, 2.0],), {}),
}

# class -> (instance factory, constructor call, {method: call}).
KPI_SLOTS = ["nps", ("rate", "fcr"), ("durations", {"rel_err": 0.01}), "sla"]


def kpi_groups():
    g = svcm.KPIGroups(KPI_SLOTS)
    for key in ("email", "phone"):
        k = g.group(key)
        g.add_score(k, 0, 9)
        g.add_outcome(k, 1, True)
        g.add_duration(k, 2, 60.0)
        g.add_sla(k, 3, 1, 1, 0)
    return g


ACC = {"add": lambda: (([1, 2],), {}), "result": lambda: ((), {}),
       "to_bytes": lambda: ((), {})}
CLASSES = {
    "BGNBD": (lambda: svcm.BGNBD(0.243, 4.414, 0.793, 2.426),
              lambda: ((0.243, 4.414, 0.793, 2.426), {}), {
        "to_bytes": lambda: ((), {}),
        "from_bytes": lambda: ((svcm.BGNBD(0.243, 4.414, 0.793, 2.426).to_bytes(),), {}),
        "fit": lambda: ((CD_X, CD_TX, CD_T), {}),
        "p_alive": lambda: ((2, 30.0, 40.0), {}),
        "expected_purchases": lambda: ((10.0, 2, 30.0, 40.0), {}),
        "expected_purchases_unconditional": lambda: ((10.0,), {}),
        "log_likelihood": lambda: (([2, 0], [30.0, 0.0], [40.0, 40.0]), {}),
        "probability_of_purchases": lambda: ((39.0, [0, 1, 2]), {}),
        "p_alive_at": lambda: ((26.0, [2, 0], [30.0, 0.0], [40.0, 40.0]), {}),
    }),
    "ParetoNBD": (lambda: svcm.ParetoNBD(0.553, 10.578, 0.606, 11.669),
                  lambda: ((0.553, 10.578, 0.606, 11.669), {}), {
        "to_bytes": lambda: ((), {}),
        "from_bytes": lambda: ((svcm.ParetoNBD(0.553, 10.578, 0.606, 11.669).to_bytes(),), {}),
        "fit": lambda: ((CD_X, CD_TX, CD_T), {}),
        "p_alive": lambda: ((2, 30.0, 40.0), {}),
        "p_alive_at": lambda: ((26.0, [2, 0], [30.0, 0.0], [40.0, 40.0]), {}),
        "expected_purchases": lambda: ((10.0, [2, 0], [30.0, 0.0], [40.0, 40.0]), {}),
        "expected_purchases_unconditional": lambda: (([10.0, 20.0],), {}),
        "probability_of_purchases": lambda: ((39.0, [0, 1, 2]), {}),
        "log_likelihood": lambda: (([2, 0], [30.0, 0.0], [40.0, 40.0], [1.0, 3.0]), {}),
    }),
    "MBGNBD": (lambda: svcm.MBGNBD(0.525, 6.183, 0.891, 1.614),
               lambda: ((0.525, 6.183, 0.891, 1.614), {}), {
        "to_bytes": lambda: ((), {}),
        "from_bytes": lambda: ((svcm.MBGNBD(0.525, 6.183, 0.891, 1.614).to_bytes(),), {}),
        "fit": lambda: ((CD_X, CD_TX, CD_T), {"weights": [1.0] * len(CD_X)}),
        "p_alive": lambda: ((0, 0.0, 40.0), {}),
        "expected_purchases": lambda: ((10.0, 2, 30.0, 40.0), {}),
        "expected_purchases_unconditional": lambda: ((10.0,), {}),
        "purchase_pmf": lambda: ((10.0, [0, 1, 5]), {}),
        "log_likelihood": lambda: (([2, 0], [30.0, 0.0], [40.0, 40.0]), {}),
    }),
    "BGBB": (lambda: svcm.BGBB(1.204, 0.750, 0.657, 2.783),
             lambda: ((1.204, 0.750, 0.657, 2.783), {}), {
        "to_bytes": lambda: ((), {}),
        "from_bytes": lambda: ((svcm.BGBB(1.204, 0.750, 0.657, 2.783).to_bytes(),), {}),
        "fit": lambda: ((BB_X, BB_TX, BB_N, BB_W), {"gtol": 1e-8}),
        "p_alive": lambda: ((BB_X, BB_TX, BB_N), {}),
        "expected_purchases": lambda: ((5.0, 3, 5, 6), {}),
        "expected_purchases_unconditional": lambda: (([1.0, 6.0],), {}),
        "log_likelihood": lambda: ((BB_X, BB_TX, BB_N, BB_W), {}),
    }),
    "Zone": (lambda: svcm.Zone(RULE), lambda: ((RULE,), {}), {
        "offset": lambda: ((1782000000,), {}),
        "abbrev": lambda: ((1767225600,), {}),
        "to_local": lambda: ((1782000000,), {}),
        "to_utc": lambda: ((2026, 10, 25, 2, 30), {"ambiguous": "later"}),
        "from_bytes": lambda: ((tzif_utc(),), {}),
        "to_bytes": lambda: ((), {}),
    }),
    "GammaGamma": (lambda: svcm.GammaGamma(6.25, 3.74, 15.44),
                   lambda: ((6.25, 3.74, 15.44), {}), {
        "to_bytes": lambda: ((), {}),
        "from_bytes": lambda: ((svcm.GammaGamma(6.25, 3.74, 15.44).to_bytes(),), {}),
        "fit": lambda: (([x for x, _ in CD_SPEND], [z for _, z in CD_SPEND]), {}),
        "conditional_expected_spend": lambda: ((2, 20.0), {}),
        "log_likelihood": lambda: (([1, 2], [10.0, 20.0]), {}),
        "clv": lambda: ((BG, 2, 30.43, 38.86, 22.35), {"horizon": 3}),
    }),
    "NPS": (lambda: filled(svcm.NPS, values=[0, 9]), lambda: ((), {}), dict(ACC, **{
        "merge": lambda: ((svcm.NPS(),), {}),
        "compare": lambda: ((filled(svcm.NPS, values=[9, 3]),), {}),
        "from_bytes": lambda: ((svcm.NPS().to_bytes(),), {}),
        "add": lambda: (([9, 10],), {})})),
    "CSAT": (lambda: filled(svcm.CSAT, values=[1, 5]), lambda: ((5,), {"top_boxes": 2}),
             dict(ACC, **{"merge": lambda: ((svcm.CSAT(),), {}),
                          "compare": lambda: ((filled(svcm.CSAT, values=[4, 2]),), {}),
                          "from_bytes": lambda: ((svcm.CSAT().to_bytes(),), {})})),
    "CES": (lambda: filled(svcm.CES, values=[1, 5]), lambda: ((7,), {"low": 1}),
            dict(ACC, **{"merge": lambda: ((svcm.CES(),), {}),
                         "compare": lambda: ((filled(svcm.CES, values=[6, 2]),), {}),
                         "from_bytes": lambda: ((svcm.CES().to_bytes(),), {})})),
    "Rate": (lambda: filled(svcm.Rate, "fcr", values=[1, 0]), lambda: (("fcr",), {}),
             dict(ACC, **{"merge": lambda: ((svcm.Rate("fcr"),), {}),
                          "add_counts": lambda: ((3, 5), {}),
                          "add": lambda: (([1, 0],), {}),
                          "from_bytes": lambda: ((svcm.Rate().to_bytes(),), {})})),
    "KPIGroups": (kpi_groups, lambda: ((KPI_SLOTS,), {}), {
        "group": lambda: (("chat",), {}), "find": lambda: ((b"phone",), {}),
        "key": lambda: ((1,), {}), "keys": lambda: ((), {}), "order": lambda: ((), {}),
        "add_score": lambda: ((0, 0, 9), {}), "add_outcome": lambda: ((1, 1, True), {}),
        "add_duration": lambda: ((0, 2, 5.0), {}),
        "add_sla": lambda: ((1, 3), {"met": 2, "breached": 1, "pending": 0}),
        "add_scores": lambda: (([0, 1], 0, [9, 10]), {}),
        "add_outcomes": lambda: (([0, 1], 1, [1, 0]), {}),
        "add_durations": lambda: (([0, 1], 2, [1.0, 2.0]), {}),
        "feedback": lambda: ((0, 0), {"confidence": 0.9}), "rate": lambda: ((0, 1), {}),
        "durations": lambda: ((0, 2), {}), "quantiles": lambda: ((0, 2, [0.5]), {}),
        "sla": lambda: ((0, 3), {"confidence": 0.9}),
        "merge": lambda: ((kpi_groups(),), {}), "to_bytes": lambda: ((), {}),
        "from_bytes": lambda: ((kpi_groups().to_bytes(),), {})}),
    "Moments": (lambda: svcm.Moments([1.0, 2.0]), lambda: (([1.0, 2.0],), {}), {
        "add": lambda: (([1.0],), {}), "merge": lambda: ((svcm.Moments([3.0]),), {}),
        "variance": lambda: ((), {}), "mean_ci": lambda: ((0.9,), {}),
        "to_bytes": lambda: ((), {}),
        "from_bytes": lambda: ((svcm.Moments([1.0]).to_bytes(),), {})}),
    "Sketch": (lambda: svcm.Sketch(values=[1.0, 2.0, 3.0]),
               lambda: ((0.01, 2048, 1024), {"values": [1.0]}), {
        "add": lambda: (([1.0],), {}), "quantile": lambda: ((0.5,), {}),
        "quantiles": lambda: (([0.1, 0.9],), {}),
        "merge": lambda: ((svcm.Sketch(values=[5.0]),), {}),
        "reset": lambda: ((), {}), "to_bytes": lambda: ((), {}),
        "stats": lambda: ((), {}), "options": lambda: ((), {}),
        "from_bytes": lambda: ((svcm.Sketch(values=[1.0]).to_bytes(),), {})}),
    "Durations": (lambda: svcm.Durations(values=[1.0, 2.0, 3.0]),
                  lambda: ((0.01, 2048, 1024), {"values": [1.0]}), {
        "add": lambda: (([1.0],), {}), "quantile": lambda: ((0.5,), {}),
        "quantiles": lambda: (([0.1, 0.9],), {}), "summary": lambda: ((), {}),
        "result": lambda: ((), {}),
        "merge": lambda: ((svcm.Durations(values=[5.0]),), {}),
        "reset": lambda: ((), {}), "to_bytes": lambda: ((), {}),
        "from_bytes": lambda: ((svcm.Durations(values=[1.0]).to_bytes(),), {})}),
    "Calls": (lambda: svcm.Calls(), lambda: ((20.0, 5.0, "met", True), {}), {
        "add": lambda: ((0.0, 0.0, 8.0, 8.0, 60.0), {"outcome": "answered"}),
        "add_batch": lambda: (([0.0, 1.0], [0.0, 1.0], [3.0, 9.0]), {"outcome": [1, 1]}),
        "merge": lambda: ((svcm.Calls(),), {}), "result": lambda: ((), {}),
        "save": lambda: ((), {}), "load": lambda: ((svcm.Calls().save(),), {})}),
    "Calendar": (cal, lambda: ((0, NINE_TO_FIVE, ["2026-01-01"]), {}), {
        "business_seconds": lambda: ((0, 3 * DAY), {}),
        "business_seconds_batch": lambda: (([0, DAY], [DAY, 3 * DAY]), {}),
        "add_business_seconds": lambda: ((0, HOUR), {}),
        "add_business_seconds_batch": lambda: (([0, DAY], [HOUR, 60]), {}),
        "is_open": lambda: ((0,), {}), "next_open": lambda: ((0,), {}),
        "to_text": lambda: ((), {}), "parse": lambda: ((cal().to_text(),), {})}),
    "Cycle": (cycle_in_do, lambda: (("t", "m", True, 1.0, 2.0, 99), {"owner": "o"}), {
        "set_goal": lambda: ((1.0, 2.0, 10 ** 6), {}),
        "add_action": lambda: (("d", "o", 5), {}),
        "set_action_status": lambda: ((0, "done"), {}),
        "overdue": lambda: ((10,), {}),
        "measure": lambda: ((300, 1.0), {}),
        "measure_many": lambda: (([301, 302], [1.0, 2.0]), {}),
        "start": lambda: ((100, "a", "n"), {}),
        "check": lambda: ((400,), {"actor": "a"}),
        "enter_act": lambda: ((400,), {"actor": "a"}),
        "act": lambda: (("standardize", 500, "a", "ok"), {}),
        "link": (cycle_to_link, lambda: ((_SUCCESSOR[0],), {})),
        # in PLAN with a complete 5W2H record: the base calls succeed
        "set_problem": (lambda: svcm.Cycle("t", "m"),
                        lambda: ((), {"what": "w", "how_much": 1.5, "how_much_unit": "h"})),
        "remove_problem": (lambda: svcm.Cycle("t", "m"), lambda: ((), {})),
        "check_problem": (lambda: (lambda c: (c.set_problem(
            what="a", why="b", who="c", when="d", where="e", how="f", how_much=0.0), c)[1])(
                svcm.Cycle("t", "m")), lambda: ((), {})),
        "save": lambda: ((), {}),
        "load": lambda: ((cycle_in_do().save(),), {})}),
    "Customers": (lambda: svcm.Customers(**CD_TABLE), lambda: ((), dict(CD_TABLE)), {
        "from_columns": lambda: ((), dict(CD_TABLE)),
        "segment": lambda: ((), {"policy": svcm.Policy(bins=4)}),
        "fit_lifetime": lambda: ((39.0,), {"clv_horizon": 6})}),
    "CustomersBuilder": (
        lambda: (lambda b: (b.add([1, 1, 2], [0, DAY, 0], [1.0, 2.0, 3.0]), b)[1])(
            svcm.CustomersBuilder(7 * DAY, "day")),
        lambda: ((7 * DAY, "day"), {"returns": "net"}), {
            "add": lambda: (([1, 3], [DAY, 2 * DAY], [4.0, 5.0]), {}),
            "merge": lambda: ((svcm.CustomersBuilder(7 * DAY, "day"),), {}),
            "finish": lambda: ((), {})}),
    "Policy": (svcm.Policy, lambda: ((), {"bins": 4}), {
        "from_text": lambda: ((svcm.Policy().to_text(),), {}),
        "to_text": lambda: ((), {})}),
    "Queue": (queue_with_item, lambda: ((), {}), {
        "push": lambda: ((item(2),), {}), "update": lambda: ((item(1, severity=1),), {}),
        "remove": lambda: ((1,), {}), "get": lambda: ((1,), {}),
        "pop": lambda: ((0,), {}), "peek": lambda: ((0,), {}),
        "rescore": lambda: ((HOUR,), {}), "to_bytes": lambda: ((), {}),
        "from_bytes": lambda: ((queue_with_item().to_bytes(),), {})}),
}

# The journey engine (svcm.funnel, svcm.Journey).
JOURNEY_COLS = (["a", "a", "b"], ["x", "y", "x"], [0.0, 1.0, 2.0])
FUNCTIONS["funnel"] = lambda: (JOURNEY_COLS + (["x", "y"],), {"window": 10.0})
CLASSES["Journey"] = (
    lambda: (lambda j: (j.add_batch(*JOURNEY_COLS), j)[1])(svcm.Journey(["x", "y"], 10.0, 3)),
    lambda: ((["x", "y"], 10.0, 3, 0.9), {}), {
        "add": lambda: (("c", "x", 5.0), {"score": 4.0, "lost": True}),
        "add_batch": lambda: (JOURNEY_COLS, {"scores": [1.0, 2.0, 3.0], "lost": [0, 1, 0]}),
        "merge": lambda: ((svcm.Journey(["x", "y"], 10.0, 3),), {}),
        "result": lambda: ((), {}), "steps": lambda: ((), {}),
        "touchpoints": lambda: ((), {}), "paths": lambda: ((2,), {})})


# Calls that crash the interpreter: each is reproduced in a child process by
# KnownCrashTest (so it fails there) and skipped by the in-process harness.
KNOWN_CRASHES = set()


class Evil:
    """A number whose conversion empties the container holding it."""

    def __init__(self, victim):
        self.victim = victim

    def _hit(self):
        self.victim.clear()
        return 1

    def __index__(self):
        return self._hit()

    def __float__(self):
        return float(self._hit())

    def __int__(self):
        return self._hit()


class LyingLen:
    """A sequence claiming 2**62 items that has none."""

    def __len__(self):
        return 2 ** 62

    def __getitem__(self, i):
        if isinstance(i, int):
            raise IndexError(i)
        raise HookError("getitem hook")


class HookError(Exception):
    """Raised by the test's own conversion hooks; must propagate unchanged."""


class Raiser:
    """A number whose conversion raises."""

    def __index__(self):
        raise HookError("index hook")

    def __float__(self):
        raise HookError("float hook")


def bad_values():
    strided = memoryview(array.array("d", range(8)))[::2]
    two_d = memoryview(array.array("d", [1.0, 2.0, 3.0, 4.0])).cast("B").cast("d", [2, 2])
    return [
        None, "x", "", "nan", b"\x00\x01", bytearray(b"ab"), {}, {"a": 1}, object(),
        2 ** 70, -2 ** 70, 2 ** 63, -1, -(2 ** 31), 0, 1.5, -0.0,
        math.nan, math.inf, -math.inf, 1e308, -1e308, 5e-324, True, 1j,
        [], (), [None], ["x"], [[1, 2]], [math.nan], [2 ** 70], [-1],
        array.array("d"), array.array("b", [1, 2]), array.array("q", [-1, 2 ** 62]),
        strided, two_d, memoryview(b""), memoryview(b"abc"),
        range(3), iter([1, 2]), LyingLen(), Raiser(), [Raiser()],
        svcm.NPS(), cal(), [1.0] * 20000,
    ]


def allowed(exc, setting=False):
    if isinstance(exc, SystemError):
        return False
    # Besides the three the binding raises itself: LookupError for a missing
    # record field or an index out of range; what CPython's own protocols
    # raise for the argument object (BufferError for a strided buffer given
    # as bytes, NotImplementedError iterating a 2-D memoryview, a bare
    # MemoryError preallocating for a 2**62-item __len__); HookError from the
    # test's own hooks, propagated unchanged.
    ok = (TypeError, ValueError, OverflowError, LookupError, svcm.Error, HookError,
          BufferError, MemoryError)
    if setting:
        ok += (AttributeError,)
    if isinstance(exc, NotImplementedError):
        return "multi-dimensional sub-views" in str(exc)
    if type(exc) is MemoryError:
        return True
    return isinstance(exc, ok) and str(exc) != ""


def params_of(fn):
    """Parameter names from the signature line of the docstring."""
    doc = (getattr(fn, "__doc__", None) or "").split("\n\n")[0].replace("\n", " ")
    if "(" not in doc:
        return []
    inner, depth, cur, parts = doc[doc.index("(") + 1:], 1, "", []
    for ch in inner:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0:
            break
        if ch == "," and depth == 1:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    names = []
    for p in parts:
        p = p.split("=")[0].split(":")[0].strip().lstrip("*")
        if p.isidentifier() and p not in ("self", "fields"):
            names.append(p)
    return names


class Harness:
    def __init__(self, test):
        self.test = test
        self.calls = 0
        self.failures = []
        self.callables = set()

    def call(self, label, fn, args, kw, setting=False):
        if label in KNOWN_CRASHES:
            return  # run in a child process by KnownCrashTest instead
        self.calls += 1
        if TRACE:
            print(label, file=sys.stderr, flush=True)
        faulthandler.dump_traceback_later(CALL_TIMEOUT, exit=True)
        try:
            fn(*args, **kw)
        except BaseException as exc:  # noqa: B902 - classify every outcome
            if isinstance(exc, KeyboardInterrupt):
                raise
            if not allowed(exc, setting):
                self.failures.append("%s: %s: %r" % (label, type(exc).__name__, exc))
        finally:
            faulthandler.cancel_dump_traceback_later()

    def fuzz(self, label, get_fn, base):
        """Base call, then each argument and each keyword replaced by bad values."""
        self.callables.add(label)
        fn = get_fn()
        args, kw = base()
        try:
            fn(*args, **kw)
        except Exception as exc:  # the base must be a valid call (or a state error)
            if not isinstance(exc, svcm.StateError):
                self.failures.append("%s: base call failed: %r" % (label, exc))
        self.call(label + "()", get_fn(), (), {})
        fn = get_fn()
        args, kw = base()
        self.call(label + "(+extra)", fn, tuple(args) + (1,) * 12, kw)
        fn = get_fn()
        args, kw = base()
        self.call(label + "(bogus=)", fn, args, dict(kw, bogus_keyword=1))
        names = params_of(fn)
        for bad in bad_values():
            for i in range(len(args)):
                fn = get_fn()
                a, k = base()
                a = list(a)
                a[i] = bad
                self.call("%s(arg%d=%s)" % (label, i, short(bad)), fn, a, k)
            for name in sorted(set(names[len(args):]) | set(kw)):
                fn = get_fn()
                a, k = base()
                k[name] = bad
                self.call("%s(%s=%s)" % (label, name, short(bad)), fn, a, k)
            if args and isinstance(args[0], (list, dict)):
                # bad values inside the first container argument
                a, k = base()
                box = copy.deepcopy(a[0])
                if isinstance(box, list) and box:
                    if isinstance(box[0], dict):
                        for key in list(box[0]):
                            b2 = copy.deepcopy(box)
                            b2[0][key] = bad
                            self.call("%s(arg0[0][%s]=%s)" % (label, key, short(bad)),
                                      get_fn(), [b2] + list(a[1:]), k)
                    else:
                        box[-1] = bad
                        self.call("%s(arg0[-1]=%s)" % (label, short(bad)), get_fn(),
                                  [box] + list(a[1:]), k)
                elif isinstance(box, dict):
                    for key in list(box):
                        b2 = dict(box)
                        b2[key] = bad
                        self.call("%s(arg0[%s]=%s)" % (label, key, short(bad)), get_fn(),
                                  [b2] + list(a[1:]), k)

    def attributes(self, label, obj):
        for name, d in vars(type(obj)).items():
            if name.startswith("_") or not hasattr(d, "__set__") or callable(d):
                continue
            self.callables.add(label + "." + name)
            self.call(label + "." + name, getattr, (obj, name), {})
            for bad in bad_values()[:25]:
                self.call("%s.%s = %s" % (label, name, short(bad)), setattr,
                          (obj, name, bad), {}, setting=True)
            self.call("del %s.%s" % (label, name), delattr, (obj, name), {}, setting=True)


def short(v):
    r = repr(v)
    return r if len(r) < 30 else r[:27] + "..."


def methods_of(cls):
    # Through the svcm classes of the MRO: svcm.Cycle extends the generated type.
    return [m for c in cls.__mro__ if c.__module__ == "svcm" for m, v in vars(c).items()
            if not m.startswith("_") and callable(v) and not isinstance(v, type)]


class HarnessTest(unittest.TestCase):
    def test_harness_flags_bad_outcomes(self):
        h = Harness(self)

        def raiser(exc):
            raise exc

        for exc in (SystemError("x"), RuntimeError("x"), AttributeError("x"), ValueError(""),
                    NotImplementedError("other")):
            h.call("bad", raiser, (exc,), {})
        self.assertEqual(len(h.failures), 5, h.failures)
        h.failures = []
        for exc in (TypeError("t"), ValueError("v"), OverflowError("o"),
                    svcm.InvalidInput("i"), HookError("h")):
            h.call("good", raiser, (exc,), {})
        h.call("returns", lambda: 1, (), {})
        self.assertEqual(h.failures, [])


class EnumerationTest(unittest.TestCase):
    def test_tables_cover_every_public_callable(self):
        funcs = {n for n in dir(svcm) if not n.startswith("_")
                 and callable(getattr(svcm, n)) and not isinstance(getattr(svcm, n), type)}
        self.assertEqual(funcs, set(FUNCTIONS))
        for name, (_, _, meths) in CLASSES.items():
            self.assertEqual(set(methods_of(getattr(svcm, name))), set(meths), name)
        handles = {n for n in dir(svcm) if isinstance(getattr(svcm, n), type)
                   and not issubclass(getattr(svcm, n), BaseException)
                   and not hasattr(getattr(svcm, n), "n_fields")} - {"Quadrant"}
        # Result containers are made by the batch calls only (ResultTypeMisuse).
        self.assertEqual(handles - {"Column", "Table"}, set(CLASSES))


class ResultTypeMisuse(unittest.TestCase):
    """svcm.Table and svcm.Column (batch results) cannot be built or written
    and refuse bad indices and arguments with TypeError or IndexError."""

    def test_misuse_of_result_columns(self):
        r = svcm.prioritize({"id": [1, 2], "tier": [0, 1], "impact": [1, 2],
                             "severity": [1, 1], "created": [0, 0]}, 10)
        for bad in (lambda: svcm.Table(), lambda: svcm.Column(), lambda: r["order"],
                    lambda: r.order["x"], lambda: r.to_dict(1), lambda: r.order.tolist(1),
                    lambda: r < r, lambda: r.order < r.order):
            with self.assertRaises(TypeError):
                bad()
        for bad in (lambda: r[2], lambda: r[-3], lambda: r.order[2 ** 62],
                    lambda: r.order[-3]):
            with self.assertRaises(IndexError):
                bad()
        with self.assertRaises((TypeError, BufferError)):
            memoryview(r.score).cast("B")[0:1] = b"x"
        with self.assertRaises(AttributeError):
            r.order = None
        self.assertFalse(r == 5)
        self.assertTrue(r.order != "order")


class FunctionMisuseTest(unittest.TestCase):
    def test_every_function_rejects_bad_arguments_cleanly(self):
        h = Harness(self)
        for name, base in FUNCTIONS.items():
            h.fuzz(name, lambda name=name: getattr(svcm, name), base)
        print("\n%d functions, %d calls" % (len(h.callables), h.calls), file=sys.stderr)
        self.assertEqual(h.failures, [], "\n" + "\n".join(h.failures))


class MethodMisuseTest(unittest.TestCase):
    def test_every_constructor_method_and_attribute_rejects_bad_arguments(self):
        h = Harness(self)
        for cname, (factory, ctor, meths) in CLASSES.items():
            cls = getattr(svcm, cname)
            h.fuzz(cname, lambda cls=cls: cls, ctor)
            for m, base in meths.items():
                fac = factory
                if isinstance(base, tuple):  # (own instance factory, call)
                    fac, base = base
                h.fuzz("%s.%s" % (cname, m),
                       lambda m=m, fac=fac: getattr(fac(), m), base)
            h.attributes(cname, factory())
        print("\n%d methods/attributes, %d calls" % (len(h.callables), h.calls),
              file=sys.stderr)
        self.assertEqual(h.failures, [], "\n" + "\n".join(h.failures))

    def test_result_types_reject_bad_construction(self):
        h = Harness(self)
        for n in dir(svcm):
            t = getattr(svcm, n)
            if isinstance(t, type) and hasattr(t, "n_fields"):
                for bad in bad_values()[:30]:
                    h.call(n, t, (bad,), {})
                h.call(n + "()", t, (), {})
        self.assertEqual(h.failures, [], "\n" + "\n".join(h.failures))


class LifecycleMisuseTest(unittest.TestCase):
    def every_method(self, h, label, obj, meths):
        for m, base in meths.items():
            if isinstance(base, tuple):
                base = base[1]
            a, k = base()
            h.call("%s.%s" % (label, m), getattr(obj, m), a, k)
        for name, d in vars(type(obj)).items():
            if not name.startswith("_") and hasattr(d, "__get__") and not callable(d):
                h.call("%s.%s" % (label, name), getattr, (obj, name), {})
        h.call(label + " repr", repr, (obj,), {})

    def test_uninitialised_objects_raise_on_every_method(self):
        # tp_new without __init__ (or with its __init__ bypassed).
        h = Harness(self)
        for cname, (_, _, meths) in CLASSES.items():
            cls = getattr(svcm, cname)
            try:
                obj = cls.__new__(cls)
            except TypeError as exc:
                self.assertTrue(str(exc))
                continue
            self.every_method(h, cname + ".__new__", obj, meths)
        self.assertEqual(h.failures, [], "\n" + "\n".join(h.failures))

    def test_failed_init_leaves_a_usable_or_refusing_object(self):
        h = Harness(self)
        for cname in ("Sketch", "Durations", "Moments"):
            _, _, meths = CLASSES[cname]
            cls = getattr(svcm, cname)
            obj = cls(values=[1.0, 2.0]) if cname != "Moments" else cls([1.0, 2.0])
            for bad in ({"rel_err": -1.0}, {"max_buckets": 2 ** 70}, {"values": ["x"]},
                        {"values": [math.nan]}, {"exact_limit": -5}):
                if cname == "Moments":
                    bad = {"values": bad.get("values", [math.inf])}
                h.call(cname + ".__init__(bad)", obj.__init__, (), bad)
                self.every_method(h, cname + " after failed init", obj, meths)
            fresh = cls.__new__(cls)
            h.call(cname + ".__init__(bad) on new", fresh.__init__, (), {"values": ["x"]})
            self.every_method(h, cname + " new+failed init", fresh, meths)
        self.assertEqual(h.failures, [], "\n" + "\n".join(h.failures))

    def test_reinitialised_objects_start_over(self):
        for cname in ("Sketch", "Durations"):
            cls = getattr(svcm, cname)
            obj = cls(values=[1.0, 2.0, 3.0])
            obj.__init__(values=[7.0])
            self.assertEqual(obj.count, 1, cname)
            self.assertEqual(obj.quantile(0.5), 7.0, cname)
            obj.__init__()
            self.assertEqual(obj.count, 0, cname)
        m = svcm.Moments([1.0, 2.0])
        m.__init__([5.0])
        self.assertEqual((m.n, m.mean), (1, 5.0))
        for cname in ("NPS", "CSAT", "CES", "Rate", "BGNBD", "GammaGamma", "Calendar",
                      "Cycle", "Policy", "Queue"):
            factory, ctor, meths = CLASSES[cname]
            obj = factory()
            a, k = ctor()
            try:  # re-running __init__ either resets or is refused; never corrupts
                obj.__init__(*a, **k)
            except Exception as exc:
                self.assertTrue(allowed(exc), "%s: %r" % (cname, exc))
            h = Harness(self)
            self.every_method(h, cname + " reinit", obj, meths)
            self.assertEqual(h.failures, [], "\n" + "\n".join(h.failures))

    def test_merge_with_itself_doubles_or_refuses(self):
        for cname, values in (("NPS", [0, 9, 10]), ("CSAT", [1, 5]), ("CES", [1, 7]),
                              ("Rate", [1, 0, 1]), ("Moments", None), ("Sketch", None),
                              ("Durations", None)):
            cls = getattr(svcm, cname)
            if values is None:
                obj = cls([1.0, 2.0, 4.0]) if cname == "Moments" else cls(values=[1.0, 2.0, 4.0])
            else:
                obj = filled(cls, values=values)
            before = obj.to_bytes()
            try:
                obj.merge(obj)
            except Exception as exc:
                self.assertTrue(allowed(exc), "%s: %r" % (cname, exc))
                self.assertEqual(obj.to_bytes(), before, cname + ": refused merge changed it")
                continue
            twice = type(obj).from_bytes(before)
            twice.merge(type(obj).from_bytes(before))
            for attr in ("n", "count", "trials", "successes"):
                if hasattr(obj, attr):
                    self.assertEqual(getattr(obj, attr), getattr(twice, attr), cname)
            self.assertEqual(obj.to_bytes(), twice.to_bytes(), cname)
            h = Harness(self)
            self.every_method(h, cname + " self-merged", obj, CLASSES[cname][2])
            self.assertEqual(h.failures, [], "\n" + "\n".join(h.failures))

    def test_cycle_linked_to_itself_or_twice(self):
        h = Harness(self)
        c = svcm.Cycle("t", "m")
        h.call("Cycle.link(self)", c.link, (c,), {})
        d = svcm.Cycle("u", "m")
        h.call("Cycle.link(d)", c.link, (d,), {})
        h.call("Cycle.link(d) again", c.link, (d,), {})
        h.call("d.link(c) (loop)", d.link, (c,), {})
        self.every_method(h, "linked cycle", c, CLASSES["Cycle"][2])
        del d
        self.every_method(h, "cycle after successor dropped", c, CLASSES["Cycle"][2])
        self.assertEqual(h.failures, [], "\n" + "\n".join(h.failures))

    def test_cycle_adjust_chain_survives_dropping_predecessor(self):
        c = cycle_in_do()
        c.check(400, "a")
        nxt = c.act("adjust", 500, "a", "again", target=3.0, deadline=10 ** 7)
        self.assertIs(nxt.prev, c)
        del c
        self.assertIsNotNone(nxt.prev)
        self.assertIsNotNone(nxt.save())

    def test_queue_after_emptying(self):
        h = Harness(self)
        q = queue_with_item()
        q.pop(0)
        self.every_method(h, "empty queue", q, CLASSES["Queue"][2])
        self.assertEqual(h.failures, [], "\n" + "\n".join(h.failures))


class ConversionHookTest(unittest.TestCase):
    def test_hooks_that_mutate_the_container(self):
        h = Harness(self)
        for name in ("nps", "consistency", "xmr_limits", "rfm_edges", "days_since"):
            victim = [1, 2, 3]
            victim.insert(0, Evil(victim))
            a, k = FUNCTIONS[name]()
            a = [victim] + list(a[1:])
            h.call(name + "(evil list)", getattr(svcm, name), a, k)
        for name in ("importance", "urgency"):
            d = item(1, due=HOUR)
            d["severity"] = Evil(d)
            a, k = FUNCTIONS[name]()
            h.call(name + "(evil dict)", getattr(svcm, name), [d] + list(a[1:]), k)
        for name in ("prioritize", "classify", "contact_metrics_batch", "contact_counts_sum",
                     "segment_records"):
            a, k = FUNCTIONS[name]()
            lst = list(a[0])
            first = lst[0]
            if isinstance(first, dict):
                first = dict(first)
                first[list(first)[-1]] = Evil(lst)
            else:
                first = tuple(first[:-1]) + (Evil(lst),)
            lst[0] = first
            h.call(name + "(evil records)", getattr(svcm, name), [lst] + list(a[1:]), k)
        q = svcm.Queue()
        d = item(5)
        d["severity"] = Evil(d)
        h.call("Queue.push(evil dict)", q.push, (d,), {})
        week = [list(x) for x in NINE_TO_FIVE]
        week[0] = [(Evil(week), "17:00")]
        h.call("Calendar(evil week)", svcm.Calendar, (0, week), {})
        self.assertEqual(h.failures, [], "\n" + "\n".join(h.failures))

    def test_huge_lengths_and_long_sequences(self):
        h = Harness(self)
        for name in ("nps", "consistency", "xmr_limits"):
            h.call(name + "(LyingLen)", getattr(svcm, name), (LyingLen(),), {})
        # a long valid input completes; a long bad one stops at the first bad item
        r = svcm.nps([10] * 200000 + [0] * 200000)
        self.assertEqual(r.n, 400000)
        with self.assertRaises((TypeError, ValueError)) as cm:
            svcm.consistency([1.0] * 300000 + ["x"])
        self.assertIn("300000", str(cm.exception))
        self.assertEqual(h.failures, [], "\n" + "\n".join(h.failures))


class ThreadMisuseTest(unittest.TestCase):
    """One thread adds a large batch (the GIL released) while another
    re-initialises, resets, merges, saves and reads the same object."""

    def hammer(self, label, obj, adder, others, seconds=0.4):
        h = Harness(self)
        stop = time.monotonic() + seconds

        def loop(fns):
            while time.monotonic() < stop:
                for i, f in enumerate(fns):
                    h.call("%s op%d" % (label, i), f, (obj,), {})

        ts = [threading.Thread(target=loop, args=([adder],)),
              threading.Thread(target=loop, args=(others,))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        # "in use by another thread" is timing-dependent, so it is accepted
        # here (its class, plain RuntimeError rather than svcm.StateError, is
        # what test_uninitialised_objects_raise_on_every_method checks for
        # the sibling "not initialised" path); anything else fails.
        return sorted(set(f for f in h.failures if "in use by another thread" not in f))

    def test_concurrent_reinit_reset_and_merge_during_a_batch(self):
        big = array.array("d", [1.0 + (i % 1000) for i in range(300000)])
        scores = array.array("q", [i % 11 for i in range(300000)])
        bits = array.array("q", [i % 2 for i in range(300000)])
        handle_ops = [lambda s: s.__init__(), lambda s: s.reset(), lambda s: s.merge(s),
                      lambda s: type(s)(values=[1.0]).merge(s), lambda s: s.to_bytes(),
                      lambda s: s.quantile(0.5), lambda s: s.count, repr,
                      lambda s: s.__init__(values=[2.0])]
        acc_ops = [lambda a: a.merge(a), lambda a: type(a)().merge(a), lambda a: a.result(),
                   lambda a: a.to_bytes(), lambda a: a.__init__(), repr]
        failures = []
        failures += self.hammer("Sketch", svcm.Sketch(), lambda s: s.add(big), handle_ops)
        failures += self.hammer("Durations", svcm.Durations(), lambda s: s.add(big), handle_ops)
        failures += self.hammer("NPS", svcm.NPS(), lambda a: a.add(scores), acc_ops)
        failures += self.hammer("Rate", svcm.Rate(), lambda a: a.add(bits), acc_ops)
        failures += self.hammer("Moments", svcm.Moments(), lambda m: m.add(big),
                                [lambda m: m.__init__(), lambda m: m.merge(m), lambda m: m.to_bytes()])
        self.assertEqual(failures, [], "\n" + "\n".join(failures))


class TypeProtocolTest(unittest.TestCase):
    def test_copy_pickle_subclass_and_compare_every_type(self):
        h = Harness(self)
        for cname, (factory, _, _) in CLASSES.items():
            obj = factory()
            h.call(cname + " copy", copy.copy, (obj,), {})
            h.call(cname + " deepcopy", copy.deepcopy, (obj,), {})
            h.call(cname + " pickle", pickle.dumps, (obj,), {})
            h.call(cname + " ==", lambda o: (o == o, o == 1, o != None), (obj,), {})  # noqa: E711
            h.call(cname + " hash", hash, (obj,), {})
            h.call(cname + " subclass", type, (cname + "Sub", (getattr(svcm, cname),), {}), {})
            h.call(cname + " weakref", __import__("weakref").ref, (obj,), {})
        self.assertEqual(h.failures, [], "\n" + "\n".join(h.failures))


# Crashes found by this file: (binding site, reproducer). Each reproducer
# passes an int-like object whose __index__ (or __float__) empties the list
# the binding is reading. The binding took the length once and reads the
# caller's own list through PySequence_Fast (which does not copy a list)
# with borrowed items, so the next item read is through a freed/NULL item
# array: SIGSEGV. (convert.c and py_priority.c already snapshot to a tuple.)
CRASHES = {
    "contact_metrics_batch": ("py_erlang.c:570-581 counts_list()", """
lst = [dict(answered=1), dict(abandoned=2)]
lst[0]["answered"] = Evil(lst)
svcm.contact_metrics_batch(lst)
"""),
    "contact_counts_sum": ("py_erlang.c:570-581 counts_list()", """
lst = [dict(answered=1), dict(abandoned=2)]
lst[0]["answered"] = Evil(lst)
svcm.contact_counts_sum(lst)
"""),
    "sla_pause_start": ("py_calendar.c:675-686 read_pauses()", """
p = [(10, 20), (30, 40)]
p[0] = (Evil(p), 20)
svcm.sla(CAL, 0, pauses=p, response_target=3600, resolution_target=3600, now=10 ** 5)
"""),
    "sla_pause_end": ("py_calendar.c:675-686 read_pauses()", """
p = [(10, 20), (30, 40)]
p[0] = (10, Evil(p))
svcm.sla(CAL, 0, pauses=p, response_target=3600, resolution_target=3600, now=10 ** 5)
"""),
    "sla_compliance_first_response": ("py_calendar.c:773-785 opt_instants()", """
f = [60, 70, 80]
f[0] = Evil(f)
svcm.sla_compliance(CAL, [0, 0, 0], f, [3600] * 3, response_target=3600,
                    resolution_target=3600, now=10 ** 5)
"""),
    "sla_compliance_resolved": ("py_calendar.c:773-785 opt_instants()", """
r = [60, 70, 80]
r[0] = Evil(r)
svcm.sla_compliance(CAL, [0, 0, 0], [1, 1, 1], r, response_target=3600,
                    resolution_target=3600, now=10 ** 5)
"""),
    "sla_compliance_response_target": ("py_calendar.c:773-785 opt_instants() via targets",
                                       """
rt = [60, 70, 80]
rt[0] = Evil(rt)
svcm.sla_compliance(CAL, [0, 0, 0], [1, 1, 1], [2, 2, 2], response_target=rt,
                    resolution_target=3600, now=10 ** 5)
"""),
    "sla_compliance_pauses_per_ticket": ("py_calendar.c:890-908 (pseq items)", """
p = [[(1, 2)], [(1, 2)], []]
p[0] = [(Evil(p), 2)]
svcm.sla_compliance(CAL, [0, 0, 0], [1, 1, 1], [3600] * 3, pauses=p, response_target=3600,
                    resolution_target=3600, now=10 ** 5)
"""),
    "sla_compliance_pauses_inner": ("py_calendar.c:675-686 read_pauses()", """
q = [(1, 2), (3, 4)]
q[0] = (Evil(q), 2)
svcm.sla_compliance(CAL, [0], [1], [3600], pauses=[q], response_target=3600,
                    resolution_target=3600, now=10 ** 5)
"""),
}

EVIL_SRC = """
import svcm
class Evil:
    def __init__(s, v): s.v = v
    def __index__(s): s.v.clear(); return 1
    def __float__(s): s.v.clear(); return 1.0
    def __int__(s): s.v.clear(); return 1
CAL = svcm.Calendar(0, [[("09:00", "17:00")]] * 5 + [[], []])
try:
%s
except (TypeError, ValueError, svcm.Error) as exc:
    assert str(exc), "empty message"
"""


class KnownCrashTest(unittest.TestCase):
    """Each reproducer in CRASHES runs in a child process (so a crash fails
    that test only); it must finish with a clean exception or a result."""

    def test_conversion_hook_shrinking_the_list_does_not_crash(self):
        for name, (site, body) in CRASHES.items():
            with self.subTest(name, site=site):
                src = EVIL_SRC % "\n".join("    " + ln for ln in body.strip().splitlines())
                p = subprocess.run([sys.executable, "-X", "faulthandler", "-c", src],
                                   capture_output=True, text=True, timeout=60)
                self.assertEqual(p.returncode, 0, "BUG %s at %s: child exited %d\n%s"
                                 % (name, site, p.returncode, p.stderr[-1500:]))


if __name__ == "__main__":
    unittest.main()
