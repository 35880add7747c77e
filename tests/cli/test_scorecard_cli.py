"""svcm scorecard: targets with statistical verdicts, on the public extracts
in tests/data (sources and licences in tests/data/README.md) and on small
files written here. Every expected figure is computed here with Python's own
parsing and arithmetic: Wilson limits from their closed form, order-statistic
ranks from the exact binomial CDF (math.comb), sample sizes by a linear scan.
"""
import csv
import datetime as dt
import json
import math
import os
import statistics
import subprocess
import tempfile
import unittest
from math import comb, sqrt

SVCM = os.environ["SVCM_CLI"]
DATA = os.environ["SVCM_DATA_DIR"]
PACIFIC = "PST8PDT,M3.2.0,M11.1.0"  # as in test_real_data.py
Z = statistics.NormalDist().inv_cdf(0.975)


def run(*args):
    return subprocess.run([SVCM, "scorecard", *args], capture_output=True, text=True, timeout=120)


def wilson(p, n):
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
    while verdict(*wilson(p, n), target, at_least) == "undetermined":
        n += 1
    return n


def order_interval(values, q, alpha=0.05):
    """[x_(l), x_(u)] with the binomial ranks; -inf / inf when none."""
    xs = sorted(values)
    n = len(xs)
    cdf, lo, hi = 0.0, None, None
    for k in range(n):
        cdf += comb(n, k) * q**k * (1 - q) ** (n - k)
        if cdf <= alpha / 2:
            lo = k + 1
        if cdf >= 1 - alpha / 2:
            hi = k + 1
            break
    return (xs[lo - 1] if lo else -math.inf), (xs[hi - 1] if hi else math.inf)


def pacific_to_utc(local):
    def nth_sunday(year, month, n):
        d = dt.date(year, month, 1)
        d += dt.timedelta(days=(6 - d.weekday()) % 7)
        return d + dt.timedelta(weeks=n - 1)
    start = dt.datetime.combine(nth_sunday(local.year, 3, 2), dt.time(3))
    end = dt.datetime.combine(nth_sunday(local.year, 11, 1), dt.time(2))
    return local + dt.timedelta(hours=7 if start <= local < end else 8)


class Files(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir.name, name)
        with open(path, "w", newline="") as f:
            f.write(text)
        return path


class SF311(Files):
    FILE = os.path.join(DATA, "sf311_cases_sample.csv")
    ARGS = ("--col", "created=Opened", "--col", "resolved=Closed",
            "--time-format", "%m/%d/%Y %I:%M:%S %p", "--tz", PACIFIC)

    def durations(self):
        by = {}
        with open(self.FILE, newline="") as f:
            for row in csv.DictReader(f):
                if not row["Closed"]:
                    continue
                fmt = "%m/%d/%Y %I:%M:%S %p"
                opened = pacific_to_utc(dt.datetime.strptime(row["Opened"], fmt))
                closed = pacific_to_utc(dt.datetime.strptime(row["Closed"], fmt))
                secs = (closed - opened).total_seconds()
                if secs >= 0:  # the one case closed before it opened is skipped
                    by.setdefault(row["Source"], []).append(secs)
        return by

    def test_closed_before_opened_is_named(self):
        targets = self.write("t", "resolution_p90 <= 24h\n")
        r = run(targets, self.FILE, *self.ARGS)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, f"svcm scorecard: {self.FILE}:170:34: resolved: "
                                   "resolved before created\n")

    def test_resolution_percentiles_by_source_match_order_statistics(self):
        targets = self.write("t", "resolution_p90 <= 24h\nresolution_p50 <= 5d\n")
        r = run(targets, self.FILE, *self.ARGS, "--by", "Source", "--invalid", "skip",
                "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual({(x["note"], x["rows"]) for x in doc["notes"]},
                         {("skipped", 1), ("zone", None)})
        rows = {(x["group"], x["target"]): x for x in doc["scorecard"]}
        ref = self.durations()
        self.assertEqual({g for g, _ in rows}, set(ref))
        seen = set()
        for source, values in ref.items():
            # values are shown in the target's unit: hours for 24h, days for 5d
            for name, q, target_s, unit in (("resolution_p90", 0.9, 86400, 3600),
                                            ("resolution_p50", 0.5, 5 * 86400, 86400)):
                got = rows[(source, name)]
                xs = sorted(values)
                lo, hi = order_interval(values, q)
                self.assertEqual(got["n"], len(values))
                self.assertAlmostEqual(got["value"], xs[math.floor(q * (len(xs) - 1))] / unit,
                                       delta=1e-9)
                for key, want in (("lo", lo), ("hi", hi)):
                    if math.isinf(want):
                        self.assertIsNone(got[key], (source, name, key))
                    else:
                        self.assertAlmostEqual(got[key], want / unit, delta=1e-9)
                want = verdict(lo, hi, target_s, False)
                self.assertEqual(got["verdict"], want, (source, name))
                self.assertEqual(got["decide_n"] is None, want != "undetermined")
                if want == "undetermined":
                    self.assertGreater(got["decide_n"], len(values))
                seen.add(want)
        self.assertEqual(seen, {"met", "missed", "undetermined"})


class ClothingRatings(Files):
    FILE = os.path.join(DATA, "kaggle_clothing_reviews_ratings.csv")

    def test_csat_by_department_matches_wilson(self):
        targets = self.write("t", "# satisfaction\ncsat_top2 >= 80%\n")
        r = run(targets, self.FILE, "--col", "csat=Rating", "--by", "Department Name",
                "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = {x["group"]: x for x in json.loads(r.stdout)}
        want = {}
        with open(self.FILE, newline="") as f:
            for row in csv.DictReader(f):
                g = want.setdefault(row["Department Name"], [0, 0])
                g[0] += int(row["Rating"]) >= 4
                g[1] += 1
        self.assertEqual(set(got), set(want))
        verdicts = set()
        for dep, (s, n) in want.items():
            lo, hi = wilson(s / n, n)
            v = verdict(lo, hi, 0.8, True)
            x = got[dep]
            self.assertEqual((x["target"], x["n"], x["verdict"]), ("csat_top2", n, v), dep)
            self.assertAlmostEqual(x["value"], 100 * s / n, delta=1e-9)
            self.assertAlmostEqual(x["lo"], 100 * lo, delta=1e-7)
            self.assertAlmostEqual(x["hi"], 100 * hi, delta=1e-7)
            self.assertEqual(x["decide_n"], deciding_n(s / n, 0.8, True) if v == "undetermined"
                             else None, dep)
            verdicts.add(v)
        self.assertEqual(verdicts, {"missed", "undetermined"})

    def test_text_table_says_verdicts_in_words(self):
        targets = self.write("t", "csat_top2 >= 80%\ncsat_mean >= 4\n")
        r = run(targets, self.FILE, "--col", "csat=Rating", "--format", "table")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("undetermined", r.stdout)
        self.assertIn("decide_n", r.stdout)


class Synthetic(Files):
    def tickets(self, name, fcr_ok, n):
        rows = ["id,created,first_response,fcr,complaints_successes,complaints_trials"]
        for i in range(n):
            rows.append(f"{i},{1000 + i},{1000 + i + 60 * (i % 30)},{int(i < fcr_ok)},"
                        f"{int(i % 50 == 0)},10")
        return self.write(name, "\n".join(rows) + "\n")

    def test_previous_period_change_uses_two_proportion_test(self):
        targets = self.write("t", "fcr >= 70%\ncomplaints <= 1%\nfirst_response_p90 <= 30m\n")
        before = self.tickets("before.csv", 50, 100)
        after = self.tickets("after.csv", 80, 100)
        r = run(targets, after, "--previous", before, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = {x["target"]: x for x in json.loads(r.stdout)}
        # 50/100 -> 80/100: pooled 0.65, z = 0.3 / sqrt(0.65 * 0.35 * 0.02) = 4.45
        self.assertEqual(rows["fcr"]["change"], "better")
        self.assertEqual(rows["fcr"]["previous"], 50.0)
        lo, hi = wilson(0.8, 100)
        self.assertEqual(rows["fcr"]["verdict"], verdict(lo, hi, 0.7, True))
        # complaints by counts: 2 of 1000 in both periods
        self.assertEqual(rows["complaints"]["n"], 1000)
        self.assertAlmostEqual(rows["complaints"]["value"], 0.2)
        self.assertEqual(rows["complaints"]["change"], "unchanged")
        lo, hi = wilson(0.002, 1000)
        self.assertEqual(rows["complaints"]["verdict"], verdict(lo, hi, 0.01, False))
        self.assertEqual(rows["first_response_p90"]["change"], "unchanged")
        r = run(targets, before, "--previous", after, "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(",fcr,50,", r.stdout)
        self.assertIn(",worse", r.stdout)

    def test_bad_input_is_named(self):
        data = self.write("d.csv", "id,fcr,nps\n1,1,9\n2,2,10\n")
        targets = self.write("t", "fcr >= 70%\n")
        r = run(targets, data)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, f"svcm scorecard: {data}:3:3: fcr: must be 0 or 1\n")
        targets = self.write("t", "fcr >= 70%\nnps >= 3O\n")
        r = run(targets, data)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, f"svcm scorecard: {targets}:2:9: unit: unknown unit "
                                   "(want %, s, m, h, d or none)\n")
        targets = self.write("t", "nps >= 30%\n")
        r = run(targets, data)
        self.assertEqual(r.returncode, 1)
        self.assertIn("a score target is a plain number", r.stderr)
        targets = self.write("t", "nps >= 30\n")
        data = self.write("d.csv", "id,nps\n1,9\n2,11\n")
        r = run(targets, data)
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith(f"svcm scorecard: {data}:3:3: nps: "), r.stderr)
        r = run(targets, self.write("e.csv", "id,x\n1,2\n"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("no column any target reads", r.stderr)
        self.assertEqual(run(targets).returncode, 2)
        self.assertEqual(run(targets, data, "--previous").returncode, 2)
        self.assertEqual(run(targets, data, "--format", "xml").returncode, 2)

    def test_nps_verdict(self):
        # 50 promoters, 30 passives, 20 detractors: NPS 30, V = 0.61
        data = self.write("s.csv", "nps\n" + "10\n" * 50 + "7\n" * 30 + "3\n" * 20)
        targets = self.write("t", "nps >= 20\n")
        r = run(targets, data, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        x = json.loads(r.stdout)[0]
        half = Z * 100 * sqrt(0.61 / 100)
        self.assertAlmostEqual(x["lo"], 30 - half, delta=1e-6)
        self.assertEqual(x["verdict"], "undetermined")
        self.assertEqual(x["decide_n"], math.ceil((Z * 100) ** 2 * 0.61 / 100))


if __name__ == "__main__":
    unittest.main()
