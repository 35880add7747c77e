"""End-to-end tests of `svcm customers` and `svcm segment --transactions`.

Runs the built binary (path in SVCM_CLI) on the CDNOW transaction log of
tests/data (turned into a CSV with ISO dates in a temporary folder) and on
small hand-made logs.

Published values checked:
- tests/data/cdnow_summary.csv, the calibration summary of the CDNOW sample
  of Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way",
  Marketing Science 24(2): x, t_x, T and the mean repeat spend of all 2,357
  customers (calibration ends 1997-09-30, purchases merged per day, times in
  weeks; the file rounds to two decimals).
- BG/NBD on that summary [FHL05]: r = 0.243, alpha = 4.414, a = 0.793,
  b = 2.426, LL = -9582.4.
- Gamma-Gamma on the 946 repeat buyers, Fader & Hardie (2013), "The
  Gamma-Gamma Model of Monetary Value": p = 6.25, q = 3.74, gamma = 15.44.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

SVCM = os.environ["SVCM_CLI"]
DATA = os.environ["SVCM_DATA_DIR"]


def run(*args, cwd=None):
    return subprocess.run([SVCM, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def cdnow_log(path):
    """The raw CDNOW sample (master id, sample id, YYYYMMDD, CDs, dollars) as
    a CSV log with ISO dates; returns the number of rows and those after
    1997-09-30."""
    rows = after = 0
    with open(os.path.join(DATA, "cdnow_sample_transactions.txt")) as src, \
            open(path, "w", newline="") as dst:
        w = csv.writer(dst)
        w.writerow(["master", "customer", "date", "cds", "dollars"])
        for line in src:
            if not line.strip():
                continue
            master, cust, day, cds, dollars = line.split()
            w.writerow([master, cust, f"{day[:4]}-{day[4:6]}-{day[6:]}", cds, dollars])
            rows += 1
            after += day > "19970930"
    return rows, after


CDNOW_COLS = ["--col", "id=customer", "--col", "time=date", "--col", "amount=dollars",
              "--as-of", "1997-09-30"]


def table(text):
    return list(csv.DictReader(io.StringIO(text)))


class Cdnow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="svcm-cust-")
        cls.log = os.path.join(cls.dir, "cdnow.csv")
        cls.rows, cls.after = cdnow_log(cls.log)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def test_customers_reproduce_published_cdnow_summary_for_every_customer(self):
        r = run("customers", self.log, *CDNOW_COLS, "--unit", "week", "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = {int(row["id"]): row for row in table(r.stdout)}
        with open(os.path.join(DATA, "cdnow_summary.csv")) as f:
            published = list(csv.DictReader(f))
        self.assertEqual(len(published), 2357)
        self.assertEqual(sorted(got), [int(p["ID"]) for p in published])
        for p in published:
            g = got[int(p["ID"])]
            self.assertEqual(float(g["x"]), float(p["x"]), p["ID"])
            # the published file rounds to two decimals
            self.assertAlmostEqual(float(g["t_x"]), float(p["t_x"]), delta=0.005 + 1e-9)
            self.assertAlmostEqual(float(g["T"]), float(p["T"]), delta=0.005 + 1e-9)
            self.assertAlmostEqual(float(g["mean_repeat_spend"]), float(p["zbar"]),
                                   delta=0.005 + 1e-9)
            self.assertEqual(float(g["frequency"]), float(p["x"]) + 1)
            self.assertEqual(float(g["tenure"]), float(g["T"]))
            self.assertAlmostEqual(float(g["recency"]), float(g["T"]) - float(g["t_x"]),
                                   delta=1e-12)
        # Customer 1: 1997-01-01 29.33 (first), 01-18 29.73 and 08-02 14.96,
        # 12-12 26.48 (after --as-of, left out).
        one = got[1]
        self.assertEqual((one["first_purchase"], one["last_purchase"]),
                         ("1997-01-01", "1997-08-02"))
        self.assertAlmostEqual(float(one["monetary"]), 29.33 + 29.73 + 14.96, delta=1e-9)
        # the report counts what was left out
        self.assertIn(f"{self.rows} rows: {self.after} after --as-of 1997-09-30 left out",
                      r.stderr)
        self.assertEqual((self.rows, self.after), (6919, 1959))

    def test_customers_json_report_and_day_unit(self):
        r = run("customers", self.log, *CDNOW_COLS, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        d = json.loads(r.stdout)
        self.assertEqual((d["period"], d["unit"]), ("day", "day"))
        self.assertEqual(d["report"], {"rows": 6919, "after_as_of": 1959, "missing_id": 0,
                                       "returns": 0, "returns_rule": "error",
                                       "customers": 2357, "left_without_purchase": 0})
        c1 = d["customers"][0]
        self.assertEqual(c1["id"], "0001")
        # days: 1997-01-01 to 08-02 is 213 days, to 09-30 is 272
        self.assertEqual((c1["x"], c1["t_x"], c1["T"]), (2, 213, 272))
        self.assertEqual(c1["recency"], 59)

    def test_week_period_merges_purchases_of_one_iso_week(self):
        r = run("customers", self.log, *CDNOW_COLS, "--period", "week", "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        day = {row["id"]: row for row in table(run("customers", self.log, *CDNOW_COLS,
                                                   "--format", "csv").stdout)}
        weeks = table(r.stdout)
        self.assertEqual(len(weeks), 2357)
        for w in weeks:
            d = day[w["id"]]
            # a week holds one or more purchase days: never more repeats
            self.assertLessEqual(float(w["x"]), float(d["x"]))
            self.assertEqual(float(w["t_x"]), int(float(w["t_x"])))
            self.assertAlmostEqual(float(w["monetary"]), float(d["monetary"]), delta=1e-6)
        # 1997-01-01 was a Wednesday: its ISO week starts on Monday 1996-12-30;
        # 1997-09-30 is in the week of Monday 09-29, 39 weeks later.
        first = weeks[0]
        self.assertEqual(first["first_purchase"], "1996-12-30")
        self.assertEqual(float(first["T"]), 39.0)
        # customer 1 bought on 01-01 and 01-18 (different weeks) and 08-02
        self.assertEqual(float(first["x"]), 2.0)

    def test_raw_cdnow_file_reads_with_the_reading_options(self):
        # the file as published: blanks between fields, no header, YYYYMMDD
        raw = os.path.join(DATA, "cdnow_sample_transactions.txt")
        r = run("customers", raw, "--separator", "whitespace", "--no-header", "--col", "id=2",
                "--col", "time=3", "--time-format", "%Y%m%d", "--col", "amount=5",
                "--as-of", "1997-09-30", "--unit", "week", "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        want = run("customers", self.log, *CDNOW_COLS, "--unit", "week", "--format", "csv")
        self.assertEqual(r.stdout, want.stdout)
        self.assertEqual(len(table(r.stdout)), 2357)
        r = run("customers", raw, "--separator", "whitespace", "--no-header", "--col", "id=9",
                "--col", "time=3", "--col", "amount=5", "--as-of", "1997-09-30")
        self.assertEqual(r.returncode, 1)
        self.assertIn(":1: id: without a header, columns are numbers 1..5, not '9'", r.stderr)

    def test_segment_from_transactions_fits_published_cdnow_models(self):
        r = run("segment", "--transactions", self.log, *CDNOW_COLS, "--lifetime",
                "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        d = json.loads(r.stdout)
        self.assertEqual(len(d["customers"]), 2357)
        self.assertEqual(sum(t["customers"] for t in d["summary"]), 2357)
        models = {m["model"]: m for m in d["lifetime"]}

        def params(m):
            return {k: float(v) for k, v in re.findall(r"(\w+)=(\S+)", m["parameters"])}

        bg = params(models["BG/NBD"])
        for k, v in {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}.items():
            self.assertAlmostEqual(bg[k], v, delta=0.0015, msg=k)
        self.assertAlmostEqual(models["BG/NBD"]["loglik"], -9582.4, delta=0.05)
        gg = params(models["Gamma-Gamma"])
        for k, v in {"p": 6.25, "q": 3.74, "gamma": 15.44}.items():
            self.assertAlmostEqual(gg[k], v, delta=0.006, msg=k)
        self.assertEqual(models["Gamma-Gamma"]["customers"], 946)

    def test_segment_from_transactions_equals_segment_of_the_customer_table(self):
        tab = os.path.join(self.dir, "table.csv")
        r = run("customers", self.log, *CDNOW_COLS, "--format", "csv", "--output", tab)
        self.assertEqual(r.returncode, 0, r.stderr)
        a = run("segment", "--transactions", self.log, *CDNOW_COLS, "--customers-only",
                "--format", "csv")
        b = run("segment", tab, "--col", "recency_days=recency", "--col", "tenure_days=tenure",
                "--customers-only", "--format", "csv")
        self.assertEqual(a.returncode, 0, a.stderr)
        self.assertEqual(b.returncode, 0, b.stderr)
        self.assertEqual(a.stdout, b.stdout)
        self.assertEqual(len(table(a.stdout)), 2357)


# A small log. Customer a: 01-01 buys 10, 01-03 buys 8 and returns 8
# (nets to 0), 01-06 buys 6 and returns 2 (nets to 4). Customer b: 01-02
# buys 5 and returns 5. Customer c: 01-04 buys 3; 02-01 buys 7 (after
# --as-of 01-10). Customer d: only 01-20 (after --as-of).
SMALL = """id,when,value
a,2026-01-01,10
a,2026-01-03T09:00,8
a,2026-01-03T17:30,-8
b,2026-01-02,5
a,2026-01-06,6
a,2026-01-06T12:00,-2
b,2026-01-02T13:00,-5
c,2026-01-04,3
c,2026-02-01,7
d,2026-01-20,1
"""
SMALL_COLS = ["--col", "time=when", "--col", "amount=value", "--as-of", "2026-01-10"]


class SmallLogs(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="svcm-cust-")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def customers(self, path, *args):
        r = run("customers", path, "--format", "json", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        d = json.loads(r.stdout)
        return {c["id"]: c for c in d["customers"]}, d["report"], r.stderr

    def test_returns_are_an_error_by_default_naming_file_line_and_column(self):
        log = self.write("log.csv", SMALL)
        r = run("customers", log, *SMALL_COLS)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        # line 4 is the first return; "value" is the third field, at byte 20
        self.assertIn(f"{log}:4:20: amount: '-8' is a return", r.stderr)
        self.assertIn("--returns net", r.stderr)

    def test_returns_net_into_their_day_and_cancel_days_at_or_below_zero(self):
        log = self.write("log.csv", SMALL)
        got, rep, err = self.customers(log, *SMALL_COLS, "--returns", "net")
        self.assertEqual(sorted(got), ["a", "c"])  # b returned everything, d is later
        a = got["a"]
        # purchases 01-01 (10) and 01-06 (4); 01-03 nets to 0: no purchase
        self.assertEqual((a["x"], a["t_x"], a["T"]), (1, 5, 9))
        self.assertEqual((a["monetary"], a["mean_repeat_spend"]), (14, 4))
        self.assertEqual((a["first_purchase"], a["last_purchase"]), ("2026-01-01", "2026-01-06"))
        c = got["c"]
        self.assertEqual((c["x"], c["T"], c["monetary"]), (0, 6, 3))
        self.assertEqual(rep["returns"], 3)
        self.assertEqual(rep["returns_rule"], "net")
        self.assertEqual(rep["after_as_of"], 2)
        self.assertEqual(rep["left_without_purchase"], 1)
        self.assertIn("3 returns (netted)", err)
        self.assertIn("1 more left without a purchase by their returns", err)

    def test_returns_drop_leaves_them_out_and_counts_them(self):
        log = self.write("log.csv", SMALL)
        got, rep, err = self.customers(log, *SMALL_COLS, "--returns", "drop")
        self.assertEqual(sorted(got), ["a", "b", "c"])
        a = got["a"]
        self.assertEqual((a["x"], a["t_x"], a["monetary"], a["mean_repeat_spend"]),
                         (2, 5, 24, 7))
        self.assertEqual((got["b"]["x"], got["b"]["monetary"], got["b"]["T"]), (0, 5, 8))
        self.assertEqual(rep["returns"], 3)
        self.assertIn("3 returns (dropped)", err)

    def test_rows_after_as_of_are_left_out_and_counted(self):
        log = self.write("log.csv", SMALL.replace("-8\n", "8\n").replace("-2\n", "2\n")
                         .replace("-5\n", "5\n"))
        got, rep, err = self.customers(log, *SMALL_COLS)
        self.assertNotIn("d", got)  # all of d's rows are after 01-10
        self.assertEqual(got["c"]["monetary"], 3)  # 02-01 is left out
        self.assertEqual((rep["rows"], rep["after_as_of"], rep["customers"]), (10, 2, 3))
        self.assertIn("10 rows: 2 after --as-of 2026-01-10 left out", err)
        # the whole --as-of day is in: a purchase at 23:59 counts
        log2 = self.write("late.csv", "id,time,amount\nz,2026-01-01,1\nz,2026-01-10T23:59:59,2\n"
                                      "z,2026-01-11T00:00:00,4\n")
        got, rep, _ = self.customers(log2, "--as-of", "2026-01-10")
        self.assertEqual((got["z"]["x"], got["z"]["monetary"], rep["after_as_of"]), (1, 3, 1))
        # nothing up to --as-of: an error, not an empty table
        r = run("customers", log2, "--as-of", "2025-12-31")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no purchase up to --as-of 2025-12-31", r.stderr)

    def test_missing_id_is_an_error_unless_skipped_and_counted(self):
        log = self.write("log.csv", "id,time,amount\nx,2026-01-01,1\n,2026-01-02,2\n"
                                    "  ,2026-01-03,3\nx,2026-01-04,4\n")
        r = run("customers", log, "--as-of", "2026-01-10")
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{log}:3:1: id: missing customer id", r.stderr)
        got, rep, err = self.customers(log, "--as-of", "2026-01-10", "--skip-missing-id")
        self.assertEqual(list(got), ["x"])
        self.assertEqual((got["x"]["x"], got["x"]["monetary"]), (1, 5))
        self.assertEqual(rep["missing_id"], 2)
        self.assertIn("2 without id skipped", err)

    def test_times_in_a_zone_and_latin1_ids_and_na_ids(self):
        # 23:30 in New York on 01-10 is 04:30 UTC on 01-11: after --as-of
        log = self.write("tz.csv", "id,time,amount\nx,2026-01-01T12:00,1\nx,2026-01-10T23:30,2\n")
        got, rep, _ = self.customers(log, "--as-of", "2026-01-10", "--tz", "America/New_York")
        self.assertEqual((got["x"]["x"], rep["after_as_of"]), (0, 1))
        got, rep, _ = self.customers(log, "--as-of", "2026-01-10")
        self.assertEqual((got["x"]["x"], rep["after_as_of"]), (1, 0))
        path = os.path.join(self.dir, "l1.csv")
        with open(path, "wb") as f:
            f.write(b"id,time,amount\nJos\xe9,2026-01-01,1\nNA,2026-01-02,1\n")
        got, rep, _ = self.customers(path, "--as-of", "2026-01-10", "--encoding", "latin-1",
                                     "--skip-missing-id")
        self.assertEqual(list(got), ["Jos\u00e9"])
        self.assertEqual(rep["missing_id"], 1)

    def test_bad_fields_name_file_line_column_and_field(self):
        cases = [
            ("id,time,amount\nx,2026-01-01,1\nx,yesterday,2\n", ":3:3: time: 'yesterday'"),
            ("id,time,amount\nx,2026-01-01,1\nx,2026-01-02,lots\n", ":3:14: amount: 'lots' is not"),
            ("id,time,amount\nx,2026-01-01,1\nx,2026-01-02,nan\n", ":3:14: amount: 'nan' is not"),
            ("id,time,amount\nx,20260101,1\n", ":2:3: time: '20260101' is ambiguous"),
            ("id,time,amount\nx,2026-01-01\n", ":2: expected 3 fields"),
            ("id,time\nx,2026-01-01\n", ":1: amount: no column named 'amount'"),
            ("id,time,amount,amount\nx,2026-01-01,1,2\n", ":1: columns 3 and 4 are both named 'amount'"),
            ("id,time,amount\nx,+2000000000000000,1\n", ":2:3: time: '+2000000000000000' is out "
                                                        "of range"),
            # two repeat purchases of 1e308 on one day: the mean spend overflows
            ("id,time,amount\nx,2026-01-01,1\nx,2026-01-02,1e308\nx,2026-01-02T10:00,1e308\n",
             ":3: amount: customer 'x': the mean spend exceeds the double range"),
            ('id,time,amount\n"x\n",2026-01-01,"1\n', ":3:14: quoted field is not closed"),
            ("", ": empty file"),
        ]
        for i, (text, want) in enumerate(cases):
            log = self.write(f"bad{i}.csv", text)
            r = run("customers", log, "--as-of", "2026-01-10")
            self.assertEqual(r.returncode, 1, text)
            self.assertIn(log + want, r.stderr)

    def test_usage_errors_exit_2(self):
        log = self.write("log.csv", "id,time,amount\nx,2026-01-01,1\n")
        for args in ([log], [log, "--as-of", "soon"], [log, "--as-of", "2026-01-01",
                     "--period", "month"], [log, "--as-of", "2026-01-01", "--returns", "keep"],
                     [log, "--as-of", "2026-01-01", "--unit", "year"], ["--as-of", "2026-01-01"],
                     [log, "--as-of", "99999999-01-01"]):
            r = run("customers", *args)
            self.assertEqual(r.returncode, 2, args)
        r = run("segment", "--transactions", log)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--as-of", r.stderr)
        r = run("segment", log, "--as-of", "2026-01-01")
        self.assertEqual(r.returncode, 2)
        r = run("customers", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("usage: svcm customers", r.stdout)
        self.assertIn("--transactions LOG", run("segment", "--help").stdout)

    def test_ids_are_text_kept_as_written_in_order_of_first_appearance(self):
        log = self.write("log.csv", 'id,time,amount\n"b, inc",2026-01-02,1\n007,2026-01-01,2\n'
                                    '7,2026-01-03,4\n"b, inc",2026-01-05,8\n')
        r = run("customers", log, "--as-of", "2026-01-10", "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = table(r.stdout)
        self.assertEqual([x["id"] for x in rows], ["b, inc", "007", "7"])
        self.assertEqual((rows[0]["x"], rows[0]["monetary"]), ("1", "9"))
        text = run("customers", log, "--as-of", "2026-01-10").stdout
        self.assertTrue(text.startswith("Customers (purchases merged per day; t_x, T, recency, "
                                        "tenure in days)\n"), text)
        self.assertIn("first_purchase", text.splitlines()[1])

    def test_segment_transactions_reports_and_segments_a_small_log(self):
        log = self.write("log.csv", SMALL)
        out = os.path.join(self.dir, "seg.json")
        r = run("segment", "--transactions", log, *SMALL_COLS, "--returns", "drop",
                "--format", "json", "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("3 returns (dropped)", r.stderr)
        with open(out) as f:
            d = json.load(f)
        self.assertEqual([c["id"] for c in d["customers"]], ["a", "b", "c"])
        r = run("segment", "--transactions", log, *SMALL_COLS)
        self.assertEqual(r.returncode, 1)
        self.assertIn(":4:20: amount:", r.stderr)


if __name__ == "__main__":
    unittest.main()
