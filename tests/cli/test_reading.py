"""End-to-end tests of how the svcm CLI reads real exports: time formats and
zones, missing-value tokens, encodings, separators, files without a header,
columns made of two, optional ticket columns and impossible rows.

Runs the built binary (path in SVCM_CLI). Expected figures are computed by
hand in the comments; instants are converted with the zone rules of the
test's POSIX TZ string, so the tests need no zone files.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

SVCM = os.environ["SVCM_CLI"]
BERLIN = "CET-1CEST,M3.5.0,M10.5.0/3"  # Europe/Berlin's rule since 1996


def run(*args):
    return subprocess.run([SVCM, *args], capture_output=True, timeout=120)


def ok_json(*args):
    r = run(*args, "--format", "json")
    if r.returncode != 0:
        raise AssertionError(r.stderr.decode("utf-8", "replace"))
    return json.loads(r.stdout.decode("utf-8"))


def metric(doc, table, name, group="all"):
    rows = [x for x in doc[table] if x["metric"] == name and x["group"] == group]
    assert len(rows) == 1, (table, name, doc[table])
    return rows[0]


class Reading(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="svcm-read-")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    # Local times in a format, read in a zone with daylight saving.

    TICKETS_DMY = ("id,created,resolved\n"
                   "T1,27/03/2026 16:00,27/03/2026 18:30\n"  # CET: 2.5 h
                   "T2,28/03/2026 09:00,NULL\n"              # open
                   "T3,29/03/2026 01:30,29/03/2026 03:30\n")  # 01:30 CET -> 03:30 CEST: 1 h

    def test_time_format_and_zone_across_the_spring_change(self):
        t = self.write("t.csv", self.TICKETS_DMY)
        doc = ok_json("kpi", t, "--time-format", "%d/%m/%Y %H:%M", "--tz", BERLIN)
        res = metric(doc, "times", "resolution")
        # Two resolved tickets, 2.5 h and 1 h (the clock jumps 02:00 -> 03:00).
        self.assertEqual(res["n"], 2)
        self.assertEqual(res["max_h"], 2.5)
        self.assertEqual(res["mean_h"], 1.75)
        notes = {(x["note"], x["detail"]) for x in doc["notes"]}
        self.assertIn(("zone", BERLIN), notes)
        self.assertIn(("not computed", "first-response time and its SLA: no first_response column"),
                      notes)
        # In UTC the third ticket would take 2 h: the zone matters.
        res_utc = metric(ok_json("kpi", t, "--time-format", "%d/%m/%Y %H:%M"), "times", "resolution")
        self.assertEqual(res_utc["mean_h"], 2.25)

    def test_a_repeated_local_time_follows_ambiguous(self):
        # 25 October 2026: 02:30 happens twice in Berlin (CEST, then CET).
        t = self.write("t.csv", "id,created,resolved\nT1,2026-10-25 02:30,2026-10-25 04:00\n")
        first = metric(ok_json("kpi", t, "--tz", BERLIN), "times", "resolution")
        self.assertEqual(first["max_h"], 2.5)  # 00:30 UTC -> 03:00 UTC
        later = metric(ok_json("kpi", t, "--tz", BERLIN, "--ambiguous", "later"), "times", "resolution")
        self.assertEqual(later["max_h"], 1.5)  # 01:30 UTC -> 03:00 UTC
        r = run("kpi", t, "--tz", BERLIN, "--ambiguous", "error")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"is ambiguous", r.stderr)
        self.assertIn(b":2: column 'created'", r.stderr)

    def test_epoch_milliseconds(self):
        t = self.write("t.csv", "id,created,first_response\nA,1700000000000,1700000090500\n")
        fr = metric(ok_json("kpi", t, "--epoch", "ms"), "times", "first_response")
        self.assertEqual(fr["max_h"], 90 / 3600)  # 90.5 s, the fraction dropped

    def test_bad_time_options_are_usage_errors(self):
        t = self.write("t.csv", self.TICKETS_DMY)
        for args in (("--time-format", "%d/%m"), ("--time-format", "%Y-%Q"), ("--epoch", "us"),
                     ("--tz", "Mars/Olympus_Mons"), ("--ambiguous", "both"),
                     ("--time-format", "%Y", "--epoch", "s")):
            r = run("kpi", t, *args)
            self.assertEqual(r.returncode, 2, args)
            self.assertTrue(r.stderr.startswith(b"svcm kpi: "), r.stderr)

    def test_a_layout_that_does_not_match_names_row_and_column(self):
        t = self.write("t.csv", self.TICKETS_DMY)
        r = run("kpi", t)  # 27/03/2026 is not ISO 8601 and is never guessed
        self.assertEqual(r.returncode, 1)
        self.assertIn(b":2: column 'created' (field 2): '27/03/2026 16:00' is not an instant",
                      r.stderr)

    # Missing values.

    def test_missing_value_tokens(self):
        t = self.write("t.csv", "id,created,resolved\nA,2026-01-05T09:00Z,N/A\n"
                                "B,2026-01-05T10:00Z,2026-01-05T11:00Z\nC,2026-01-05T11:00Z,None\n")
        res = metric(ok_json("kpi", t), "times", "resolution")
        self.assertEqual(res["n"], 1)  # N/A and None are missing: two open tickets
        r = run("kpi", t, "--na", "")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b":2: column 'resolved' (field 3): 'N/A' is not an instant", r.stderr)
        res = metric(ok_json("kpi", t, "--na", "N/A,None"), "times", "resolution")
        self.assertEqual(res["n"], 1)
        # A missing value where one is required is named as such.
        t2 = self.write("t2.csv", "id,created,resolved\nA,NULL,2026-01-05T11:00Z\n")
        r = run("kpi", t2)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"column 'created' (field 2): 'NULL' is a missing value", r.stderr)

    # Encodings.

    def test_latin1_is_converted_and_invalid_utf8_refused(self):
        data = b"id,nps,channel\nA,10,T\xe9l\xe9phone\nB,0,T\xe9l\xe9phone\nC,9,Courriel\n"
        s = self.write("s.csv", data)
        r = run("kpi", s, "--by", "channel")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b":2: column 'channel' (field 3)", r.stderr)
        self.assertIn(b"is not valid UTF-8 (byte 2); for a Latin-1 file use --encoding latin-1",
                      r.stderr)
        doc = ok_json("kpi", s, "--by", "channel", "--encoding", "latin-1")
        groups = {x["group"]: x for x in doc["scores"] if x["metric"] == "nps"}
        self.assertEqual(set(groups), {"T\u00e9l\u00e9phone", "Courriel"})
        self.assertEqual(groups["T\u00e9l\u00e9phone"]["value"], 0)  # 1 promoter, 1 detractor
        self.assertEqual(run("kpi", s, "--encoding", "ebcdic").returncode, 2)

    # Separators and headers.

    SURVEY = [("A", 10, "chat"), ("B", 6, "mail"), ("C", 9, "chat"), ("D", 8, "mail")]
    # NPS over all: promoters A, C; detractor B: (2 - 1) / 4 = 25.

    def nps_of(self, doc):
        rows = [x for x in doc if x["metric"] == "nps"]  # one table without --by
        self.assertEqual(len(rows), 1)
        return rows[0]["value"]

    def test_separators(self):
        semi = self.write("semi.csv", "id;nps;channel\n" +
                          "".join(f"{a};{b};{c}\n" for a, b, c in self.SURVEY))
        self.assertEqual(self.nps_of(ok_json("kpi", semi, "--separator", ";")), 25)
        tab = self.write("tab.tsv", "id\tnps\tchannel\n" +
                         "".join(f"{a}\t{b}\t{c}\n" for a, b, c in self.SURVEY))
        self.assertEqual(self.nps_of(ok_json("kpi", tab, "--separator", "tab")), 25)
        ws = self.write("ws.txt", "  id   nps\tchannel  \r\n" +
                        "".join(f"{a}   {b} \t {c}\r\n" for a, b, c in self.SURVEY) + "   \n")
        self.assertEqual(self.nps_of(ok_json("kpi", ws, "--separator", "whitespace")), 25)
        # The wrong separator leaves one column: neither tickets nor a survey.
        r = run("kpi", semi)
        self.assertEqual(r.returncode, 1)
        for bad in ("ab", "\"", "\u00e9"):
            self.assertEqual(run("kpi", semi, "--separator", bad).returncode, 2, bad)

    def test_no_header_columns_are_numbered(self):
        f = self.write("nh.csv", "".join(f"{a},{c},{b}\n" for a, b, c in self.SURVEY))
        doc = ok_json("kpi", f, "--no-header", "--col", "id=1", "--col", "nps=3")
        self.assertEqual(self.nps_of(doc), 25)
        doc = ok_json("kpi", f, "--no-header", "--col", "id=1", "--col", "nps=3", "--by", "2")
        nps = {x["group"]: x["value"] for x in doc["scores"] if x["metric"] == "nps"}
        self.assertEqual(nps, {"chat": 100, "mail": -50})  # A 10, C 9; B 6, D 8
        r = run("kpi", f, "--no-header", "--col", "nps=4")
        self.assertEqual(r.returncode, 1)  # no column 4: not a survey file

    # Columns made of two.

    def test_date_and_time_columns_are_joined(self):
        t = self.write("t.csv", "id,date,time,closed_date,closed_time\n"
                                "A,2026-01-05,09:00,2026-01-05,12:30\n"
                                "B,2026-01-05,10:00,,\n")
        doc = ok_json("kpi", t, "--col", "created=date+time", "--col", "resolved=closed_date+closed_time")
        res = metric(doc, "times", "resolution")
        self.assertEqual((res["n"], res["max_h"]), (1, 3.5))

    def test_quantity_times_price(self):
        c = self.write("c.csv", "id,recency_days,frequency,qty,price\n"
                                "A,10,3,2,12.5\nB,200,1,1,3\nC,30,2,4,0.25\n")
        r = run("segment", c, "--col", "monetary=qty*price", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        # Monetary 2 * 12.5 = 25, 1 * 3 = 3, 4 * 0.25 = 1: the tier totals
        # show the products (quantity alone would be 2, 1 and 4).
        value = {x["tier"]: x["value"] for x in doc["summary"] if x["customers"]}
        self.assertEqual(value, {"key": 25.0, "lost": 3.0, "regular": 1.0})
        tier = {x["id"]: x["tier"] for x in doc["customers"]}
        self.assertEqual(tier, {"A": "key", "B": "lost", "C": "regular"})
        bad = self.write("bad.csv", "id,recency_days,frequency,qty,price\nA,10,3,2,x\n")
        r = run("segment", bad, "--col", "monetary=qty*price")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b":2: column 'qty*price' (field 5): 'x' is not a finite number", r.stderr)

    # Optional ticket columns and impossible rows.

    def test_tickets_need_first_response_or_resolved(self):
        t = self.write("t.csv", "id,created\nA,2026-01-05T09:00Z\n")
        r = run("kpi", t)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"needs a first_response or a resolved column", r.stderr)
        t = self.write("t2.csv", "id,created,first_response\nA,2026-01-05T09:00Z,2026-01-05T09:20Z\n")
        doc = ok_json("kpi", t)
        self.assertEqual([x["metric"] for x in doc["times"]], ["first_response"])
        self.assertEqual([x["metric"] for x in doc["rates"]], ["sla_first_response"])
        self.assertEqual(doc["notes"][0]["detail"], "resolution time and its SLA: no resolved column")

    def test_impossible_rows_stop_the_run_or_are_skipped_and_counted(self):
        t = self.write("t.csv", "id,created,first_response,resolved,fcr\n"
                                "A,2026-01-05T09:00Z,2026-01-05T09:10Z,2026-01-05T10:00Z,1\n"
                                "B,2026-01-05T09:00Z,,2026-01-05T08:00Z,\n"      # resolved before created
                                "C,2026-01-05T09:00Z,2026-01-05T08:59Z,,\n"      # answered before created
                                "D,2026-01-05T09:00Z,2026-01-05T11:00Z,2026-01-05T10:00Z,0\n"  # answered after resolved
                                "E,2026-01-05T09:00Z,,2026-01-05T07:00Z,\n"      # resolved before created
                                "F,2026-01-05T09:00Z,2026-01-05T09:30Z,2026-01-05T12:00Z,2\n")  # fcr 2
        r = run("kpi", t)
        self.assertEqual(r.returncode, 1)
        # file:line:column of the field the library refused, then the row's id
        self.assertIn(b"t.csv:3:22: resolved: resolved before created (row 'B')", r.stderr)
        doc = ok_json("kpi", t, "--invalid", "skip")
        skipped = {x["detail"]: x["rows"] for x in doc["notes"] if x["note"] == "skipped"}
        self.assertEqual(skipped, {"resolved before created": 2, "first_response before created": 1,
                                   "first_response after resolved": 1, "fcr is not 0 or 1": 1})
        # Only A is left: 10 min to answer, 1 h to resolve, FCR 1 of 1.
        self.assertEqual(metric(doc, "times", "first_response")["n"], 1)
        self.assertEqual(metric(doc, "times", "resolution")["max_h"], 1)
        self.assertEqual(metric(doc, "rates", "fcr")["trials"], 1)
        self.assertEqual(run("kpi", t, "--invalid", "drop").returncode, 2)

    def test_help_documents_every_reading_option(self):
        out = run("kpi", "--help").stdout.decode()
        for opt in ("--separator", "--no-header", "--na", "--encoding", "--time-format", "--epoch",
                    "--tz", "--ambiguous", "--invalid", "A*B", "A+B"):
            self.assertIn(opt, out)


if __name__ == "__main__":
    unittest.main()
