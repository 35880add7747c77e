"""The documented CLI commands on real public exports (tests/data, sources and
licences in tests/data/README.md), checked against figures computed here
independently with Python's own parsing and arithmetic.
"""
import csv
import datetime as dt
import json
import os
import statistics
import subprocess
import unittest

SVCM = os.environ["SVCM_CLI"]
DATA = os.environ["SVCM_DATA_DIR"]
# US Pacific time as the rule in force since 2007 (the SF 311 cases are from
# 2008-2016): PST = UTC-8, PDT = UTC-7 from the second Sunday of March 02:00
# to the first Sunday of November 02:00.
PACIFIC = "PST8PDT,M3.2.0,M11.1.0"


def run(*args):
    return subprocess.run([SVCM, *args], capture_output=True, text=True, timeout=120)


def nth_sunday(year, month, n):
    d = dt.date(year, month, 1)
    d += dt.timedelta(days=(6 - d.weekday()) % 7)
    return d + dt.timedelta(weeks=n - 1)


def pacific_to_utc(local):
    """Local wall time -> UTC, the way svcm reads it by default: a repeated
    hour (clocks back) is its first occurrence (PDT), a skipped hour (clocks
    forward) is read with the offset before the change (PST)."""
    start = dt.datetime.combine(nth_sunday(local.year, 3, 2), dt.time(3))
    end = dt.datetime.combine(nth_sunday(local.year, 11, 1), dt.time(2))
    offset = 7 if start <= local < end else 8
    return local + dt.timedelta(hours=offset)


class SF311(unittest.TestCase):
    """DataSF 311 cases: local times without offsets in `MM/DD/YYYY hh:mm:ss
    AM`, open cases with an empty Closed, one case closed before it opened."""

    FILE = os.path.join(DATA, "sf311_cases_sample.csv")
    ARGS = ("--col", "created=Opened", "--col", "resolved=Closed",
            "--time-format", "%m/%d/%Y %I:%M:%S %p", "--tz", PACIFIC)

    def reference(self):
        by = {}
        with open(self.FILE, newline="") as f:
            for row in csv.DictReader(f):
                opened = pacific_to_utc(dt.datetime.strptime(row["Opened"], "%m/%d/%Y %I:%M:%S %p"))
                closed = row["Closed"] and pacific_to_utc(
                    dt.datetime.strptime(row["Closed"], "%m/%d/%Y %I:%M:%S %p"))
                by.setdefault(row["Source"], []).append(
                    None if not closed else (closed - opened).total_seconds())
        return by

    def test_the_case_closed_before_it_opened_is_named(self):
        r = run("kpi", self.FILE, *self.ARGS)
        self.assertEqual(r.returncode, 1)
        # Case 3953406, file line 170 (its Closed field at byte 34): closed
        # 12,314 s before it opened.
        self.assertEqual(r.stderr, f"svcm kpi: {self.FILE}:170:34: resolved: "
                                   "resolved before created\n")

    def test_resolution_times_by_source_match_python(self):
        r = run("kpi", self.FILE, *self.ARGS, "--by", "Source", "--invalid", "skip",
                "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        ref = self.reference()
        notes = {(x["note"], x["detail"]): x["rows"] for x in doc["notes"]}
        self.assertEqual(notes[("skipped", "resolved before created")], 1)
        self.assertIn(("zone", PACIFIC), notes)
        times = {x["group"]: x for x in doc["times"]}
        rates = {x["group"]: x for x in doc["rates"]}
        self.assertEqual(set(times), set(ref))
        for source, values in ref.items():
            closed = [v for v in values if v is not None and v >= 0]
            t = times[source]
            self.assertEqual(t["n"], len(closed), source)
            # Mean (Welford in the library): to 1e-9 relative; maximum exact.
            self.assertAlmostEqual(t["mean_h"], statistics.fmean(closed) / 3600,
                                   delta=1e-9 * t["mean_h"])
            self.assertEqual(t["max_h"], max(closed) / 3600)
            # The median from the sketch is within its 1% relative error of
            # the lower median (nearest rank).
            low_median = sorted(closed)[(len(closed) - 1) // 2] / 3600
            self.assertLessEqual(abs(t["p50_h"] - low_median), 0.01 * low_median + 1e-12)
            # SLA: resolved within 24 h of elapsed (24x7) time; open cases
            # past 24 h at the latest instant count as breached.
            self.assertEqual(rates[source]["successes"], sum(v <= 86400 for v in closed), source)

    def test_daylight_saving_changes_the_answer(self):
        # Read as UTC, cases spanning a change are off by an hour: the
        # totals differ, so the zone is really applied.
        def total(*tz):
            r = run("kpi", self.FILE, *self.ARGS[:6], *tz, "--invalid", "skip", "--format", "json")
            self.assertEqual(r.returncode, 0, r.stderr)
            t = json.loads(r.stdout)["times"][0]
            return t["mean_h"] * t["n"]
        self.assertNotAlmostEqual(total("--tz", PACIFIC), total(), places=3)

    @unittest.skipUnless(os.path.exists("/usr/share/zoneinfo/America/Los_Angeles") or
                         os.environ.get("TZDIR"), "no IANA zone files on this machine")
    def test_the_iana_zone_gives_the_same_figures(self):
        args = list(self.ARGS)
        a = run("kpi", self.FILE, *args, "--invalid", "skip", "--format", "json")
        args[-1] = "America/Los_Angeles"
        b = run("kpi", self.FILE, *args, "--invalid", "skip", "--format", "json")
        self.assertEqual(b.returncode, 0, b.stderr)
        self.assertEqual(json.loads(a.stdout)["times"], json.loads(b.stdout)["times"])


class ClothingReviews(unittest.TestCase):
    """Kaggle's clothing reviews: a 1-5 rating read as CSAT (top-2-box)."""

    FILE = os.path.join(DATA, "kaggle_clothing_reviews_ratings.csv")

    def test_csat_by_department_matches_python(self):
        r = run("kpi", self.FILE, "--col", "csat=Rating", "--by", "Department Name",
                "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = {x["group"]: x for x in json.loads(r.stdout)["scores"] if x["metric"] == "csat"}
        want = {}
        with open(self.FILE, newline="") as f:
            for row in csv.DictReader(f):
                g = want.setdefault(row["Department Name"], [0, 0])
                g[0] += int(row["Rating"]) >= 4
                g[1] += 1
        self.assertEqual(set(got), set(want))
        for dept, (good, n) in want.items():
            self.assertEqual(got[dept]["n"], n)
            self.assertAlmostEqual(got[dept]["value"], 100 * good / n, places=9)


class OnlineRetail(unittest.TestCase):
    """UCI Online Retail as published: DD/MM/YYYY HH:MM UK times, returns
    (negative quantities), rows without a customer, and in one extract
    Latin-1 bytes (a pound sign)."""

    def customers(self, name, as_of, *extra):
        path = os.path.join(DATA, name)
        r = run("customers", path, "--col", "id=CustomerID", "--col", "time=InvoiceDate",
                "--col", "amount=Quantity*UnitPrice", "--time-format", "%d/%m/%Y %H:%M",
                "--tz", "GMT0BST,M3.5.0/1,M10.5.0", "--as-of", as_of, "--returns", "net",
                "--skip-missing-id", *extra, "--format", "json")
        return path, r

    def reference(self, path, encoding):
        """Per customer, the net value of each UTC day; the days that net to
        more than zero are purchases (svcm's --returns net rule)."""
        days = {}
        with open(path, newline="", encoding=encoding) as f:
            for row in csv.DictReader(f):
                if not row["CustomerID"]:
                    continue
                day = dt.datetime.strptime(row["InvoiceDate"], "%d/%m/%Y %H:%M").date()  # GMT in Dec
                key = (row["CustomerID"], day)
                days[key] = days.get(key, 0.0) + float(row["Quantity"]) * float(row["UnitPrice"])
        want = {}
        for (cid, _), v in days.items():
            if v > 0:
                want[cid] = want.get(cid, 0.0) + v
        return want, {cid for cid, _ in days}

    def check(self, name, as_of, encoding, *extra):
        path, r = self.customers(name, as_of, *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = {x["id"]: x for x in json.loads(r.stdout)["customers"]}
        want, ids = self.reference(path, encoding)
        self.assertEqual(set(got), set(want))
        for cid, v in want.items():
            self.assertAlmostEqual(got[cid]["monetary"], v, delta=1e-9 * abs(v))
            self.assertEqual(got[cid]["x"], 0)  # one day of invoices: no repeat
        self.assertIn(f"{len(ids) - len(want)} more left without a purchase", r.stderr)
        return got, r

    def test_quantity_times_price_with_returns_netted(self):
        got, r = self.check("uci_online_retail_sample.csv", "2010-12-01", "ascii")
        self.assertIn("13 without id skipped, 14 returns (netted)", r.stderr)
        self.assertAlmostEqual(got["13093"]["monetary"], 799.40, places=9)

    def test_latin1_export(self):
        # The one Latin-1 byte (a pound sign) is in Description, a column
        # the command does not read: the fields it reads are checked, the
        # others are not, so the file reads the same either way.
        got, r = self.check("uci_online_retail_latin1.csv", "2010-12-20", "latin-1",
                            "--encoding", "latin-1")
        self.assertIn("19 without id skipped, 33 returns (netted); 11 customers", r.stderr)
        self.assertAlmostEqual(got["14113"]["monetary"], 408.25, places=9)
        _, plain = self.customers("uci_online_retail_latin1.csv", "2010-12-20")
        self.assertEqual(plain.stdout, r.stdout)
        # Where the pound sign is read (as the id), UTF-8 is enforced.
        path = os.path.join(DATA, "uci_online_retail_latin1.csv")
        args = ("customers", path, "--col", "id=Description", "--col", "time=InvoiceDate",
                "--col", "amount=UnitPrice", "--time-format", "%d/%m/%Y %H:%M",
                "--as-of", "2010-12-20", "--returns", "drop", "--skip-missing-id", "--format", "json")
        r = run(*args)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not valid UTF-8", r.stderr)
        r = run(*args, "--encoding", "latin-1")
        self.assertEqual(r.returncode, 0, r.stderr)
        ids = {x["id"] for x in json.loads(r.stdout)["customers"]}
        self.assertIn("Dotcomgiftshop Gift Voucher \u00a340.00", ids)


if __name__ == "__main__":
    unittest.main()
