"""End-to-end tests of `svcm journey` (touchpoint funnels, paths, loss).

Runs the built binary (SVCM_CLI) on the hand-counted log of
tests/test_journey.c and on a real one: tests/data/uci_clickstream_eshop_sample.csv,
the first 49 sessions (332 clicks) of the UCI "Clickstream data for online
shopping" log (see tests/data/README.md). A session is the customer, the
catalogue page number (1 to 5) the touchpoint and the click's order in the
session its time; the funnel pages 1 -> 2 -> 3 is checked against a
brute-force computation written here from the documented definition.
"""
import csv
import json
import math
import os
import shutil
import subprocess
import tempfile
import unittest
import xml.dom.minidom
from collections import Counter, defaultdict

SVCM = os.environ["SVCM_CLI"]
DATA_DIR = os.environ.get("SVCM_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "data"))
CLICKS = os.path.join(DATA_DIR, "uci_clickstream_eshop_sample.csv")
ESHOP = ["--col", "customer=session ID", "--col", "touchpoint=page", "--col", "time=order"]

WORKED = """customer,touchpoint,time,score,lost
c1,visit,0,4,0
c1,quote,3,5,0
c1,buy,5,,0
c2,visit,1,2,0
c2,quote,20,,0
c3,quote,0,,0
c3,visit,2,,0
c3,buy,4,,0
c3,quote,6,,0
c4,buy,9,,0
c4,visit,7,,0
c4,quote,8,,0
c4,visit,5,,0
c5,support,0,,1
c6,buy,0,,yes
c6,visit,3,,0
c7,visit,0,,false
c7,quote,1,,0
"""


def run(*args):
    return subprocess.run([SVCM, "journey", *args], capture_output=True, text=True, timeout=120)


def report(*args):
    r = run(*args, "--format", "json")
    if r.returncode != 0:
        raise AssertionError(r.stderr)
    return json.loads(r.stdout)


def brute_funnel(events, steps, window):
    """Customers reaching each step: entry at the first steps[0] event, step
    k the earliest steps[k] event at or after step k-1, within window of the
    entry; with the time from the previous step."""
    by = defaultdict(list)
    for c, tp, t in events:
        if tp in steps:
            by[c].append((t, steps.index(tp)))
    reached = [0] * len(steps)
    times = [[] for _ in steps]
    for ev in by.values():
        ev.sort()
        i, g = 0, []
        for k in range(len(steps)):
            while i < len(ev) and ev[i][1] != k:
                i += 1
            if i >= len(ev) or (g and ev[i][0] - g[0] > window):
                break
            g.append(ev[i][0])
            reached[k] += 1
            if k:
                times[k].append(g[k] - g[k - 1])
            i += 1
    return reached, times


class Worked(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.path = os.path.join(self.dir, "events.csv")
        with open(self.path, "w") as f:
            f.write(WORKED)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_funnel_loss_and_paths_by_hand(self):
        svg = os.path.join(self.dir, "funnel.svg")
        r = report(self.path, "--funnel", "visit,quote,buy", "--window", "10", "--lost-col",
                   "lost", "--path-len", "3", "--svg", svg)
        f = r["funnel"]
        self.assertEqual([s["reached"] for s in f], [6, 4, 2])
        self.assertEqual([s["continued"] for s in f], [4, 2, 0])
        self.assertAlmostEqual(f[0]["drop_rate"], 1 / 3)
        self.assertIsNone(f[2]["drop_rate"])
        self.assertAlmostEqual(f[0]["drop_ci_low"], 0.0967714111, places=8)
        self.assertAlmostEqual(f[1]["time_mean_s"], 2.75)
        tp = r["touchpoints"]
        self.assertEqual([t["touchpoint"] for t in tp], ["support", "visit", "buy", "quote"])
        self.assertAlmostEqual(tp[0]["excess"], 5 / 14)
        self.assertEqual(tp[1]["mean_score"], 3)
        p = r["paths"]
        self.assertEqual(p[0]["path"], "visit > quote")
        self.assertEqual(p[0]["customers"], 2)
        self.assertEqual(p[2]["path"], "quote > visit > buy > ...")
        doc = xml.dom.minidom.parse(svg)
        self.assertEqual(len([g for g in doc.getElementsByTagName("g")
                              if g.getAttribute("class") == "step"]), 3)
        text = open(svg).read()
        self.assertIn("visit: 6", text)
        self.assertIn("drop 33.3%", text)

    def test_tier_column_of_svcm_segment_marks_lost(self):
        # The same log with the lost flags spelled as svcm segment's tiers:
        # 'lost' is lost, the other four tiers are not; the results agree.
        others = ["vip", "key", "regular", "potential"]
        lines = WORKED.strip().split("\n")
        rows = [lines[0].replace(",lost", ",tier")]
        for i, line in enumerate(lines[1:]):
            head, flag = line.rsplit(",", 1)
            lost = flag in ("1", "yes", "true", "lost")
            rows.append(head + "," + ("lost" if lost else others[i % 4]))
        tiered = os.path.join(self.dir, "tiered.csv")
        with open(tiered, "w") as f:
            f.write("\n".join(rows) + "\n")
        want = report(self.path, "--funnel", "visit,quote,buy", "--lost-col", "lost")
        got = report(tiered, "--funnel", "visit,quote,buy", "--lost-col", "tier")
        self.assertEqual(got["touchpoints"], want["touchpoints"])
        self.assertEqual(got["funnel"], want["funnel"])

    def test_text_and_csv_formats(self):
        r = run(self.path, "--funnel", "visit,quote")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Funnel", r.stdout)
        self.assertIn("Most frequent paths", r.stdout)
        r = run(self.path, "--format", "csv", "--top", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("reached", r.stdout)  # no --funnel: no funnel table

    def test_errors_name_file_line_column(self):
        bad = os.path.join(self.dir, "bad.csv")
        with open(bad, "w") as f:
            f.write("customer,touchpoint,time,lost\na,x,0,0\nb,y,1,maybe\n")
        r = run(bad, "--lost-col", "lost")
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{bad}:3:", r.stderr)
        self.assertIn("lost", r.stderr)
        with open(bad, "w") as f:
            f.write("customer,touchpoint,time\na,x,0\nb,,1\n")
        r = run(bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{bad}:3", r.stderr)
        with open(bad, "w") as f:
            f.write("customer,touchpoint,time\na,x,yesterday\n")
        r = run(bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{bad}:2", r.stderr)
        r = run(self.path, "--funnel", "a,,b")
        self.assertEqual(r.returncode, 2)
        r = run(self.path, "--funnel", "a,a")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--funnel", r.stderr)
        r = run(self.path, "--svg", os.path.join(self.dir, "x.svg"))
        self.assertEqual(r.returncode, 2)
        r = run(self.path, "--path-len", "0")
        self.assertEqual(r.returncode, 2)
        r = run()
        self.assertEqual(r.returncode, 2)
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--funnel", r.stdout)


class RealClickstream(unittest.TestCase):
    def events(self):
        with open(CLICKS, newline="") as f:
            return [(r["session ID"], r["page"], int(r["order"])) for r in csv.DictReader(f)]

    def test_page_funnel_matches_brute_force(self):
        ev = self.events()
        self.assertEqual(len(ev), 332)
        for window in (math.inf, 5):
            args = ["--window", str(window)] if window != math.inf else []
            r = report(CLICKS, *ESHOP, "--funnel", "1,2,3", *args)
            reached, times = brute_funnel(ev, ["1", "2", "3"], window)
            self.assertEqual([s["reached"] for s in r["funnel"]], reached)
            for k in (1, 2):
                if times[k]:
                    self.assertAlmostEqual(r["funnel"][k]["time_mean_s"],
                                           sum(times[k]) / len(times[k]))
                    self.assertEqual(r["funnel"][k]["time_max_s"], max(times[k]))
        self.assertGreater(reached[1], 0)

    def test_paths_and_last_touchpoints(self):
        ev = self.events()
        r = report(CLICKS, *ESHOP, "--path-len", "2", "--top", "3")
        by = defaultdict(list)
        for c, tp, t in ev:
            by[c].append((t, tp))
        paths = Counter()
        last = Counter()
        for c, e in by.items():
            e.sort()
            paths[(tuple(tp for _, tp in e[:2]), len(e) > 2)] += 1
            last[e[-1][1]] += 1
        top = sorted(paths.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))[:3]
        got = [(p["path"], p["customers"]) for p in r["paths"]]
        want = [(" > ".join(k[0]) + (" > ..." if k[1] else ""), n) for k, n in top]
        self.assertEqual(got, want)
        self.assertEqual({t["touchpoint"]: t["last"] for t in r["touchpoints"]}, dict(last))
        self.assertEqual(sum(t["events"] for t in r["touchpoints"]), 332)


if __name__ == "__main__":
    unittest.main()
