"""End-to-end tests of the svcm command-line tool.

Runs the built binary (path in SVCM_CLI) on small files and checks its
output, exit codes and files. SVG charts must be well-formed XML; when
rsvg-convert is installed they are also rendered to PNG.
"""
import csv
import io
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

SVCM = os.environ["SVCM_CLI"]


def run(*args, cwd=None):
    return subprocess.run([SVCM, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


class Basics(unittest.TestCase):
    def test_version_help_and_unknown_command(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^svcm \d+\.\d+\.\d+\n$")
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        for cmd in ("demo", "segment", "kpi", "priority", "pdca", "staff"):
            self.assertIn(cmd, r.stdout)
        self.assertEqual(run("frobnicate").returncode, 2)
        self.assertEqual(run().returncode, 2)
        for cmd in ("demo", "segment", "kpi", "priority", "pdca", "staff"):
            r = run(cmd, "--help")
            self.assertEqual(r.returncode, 0, cmd)
            self.assertIn("usage: svcm " + cmd, r.stdout)

    def test_usage_errors_exit_2(self):
        self.assertEqual(run("staff", "--calls", "x", "--aht", "1", "--interval", "1").returncode, 2)
        self.assertEqual(run("segment").returncode, 2)
        self.assertEqual(run("segment", "--format", "xml", "a.csv").returncode, 2)
        self.assertEqual(run("kpi", "--confidence", "2", "f.csv").returncode, 2)


class WithFiles(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="svcm-cli-")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", newline="") as f:
            f.write(text)
        return path

    def test_staff_finds_the_smallest_agent_count(self):
        # 360 calls of 240 s in 30 minutes is 48 Erlangs; 80% in 20 s needs 54
        # agents (53 reach 75.2%), as the erlang engine's tests establish.
        r = run("staff", "--calls", "360", "--aht", "240", "--interval", "1800", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = json.loads(r.stdout)
        best = [x for x in rows if x["note"] == "smallest meeting the goals"]
        self.assertEqual(len(best), 1)
        self.assertEqual(best[0]["agents"], 54)
        self.assertEqual(best[0]["erlangs"], 48.0)
        below = [x for x in rows if x["agents"] == 53][0]
        self.assertLess(below["sl_pct"], 80.0)

    def test_survey_kpis_match_hand_computation(self):
        # nps: 5 promoters (9, 10), 3 passives (7, 8), 2 detractors -> 50 - 20 = 30.
        # csat 1-5: top-2-box = answers 4 or 5: 6 of 10 = 60%.
        # ces: mean of 1..7 answers given = (1+2+2+3+3+3+4+5+6+7)/10 = 3.6.
        rows = ["id,channel,nps,csat,ces"]
        nps = [9, 10, 9, 10, 9, 7, 8, 7, 3, 0]
        csat = [5, 4, 5, 4, 4, 5, 3, 2, 1, 3]
        ces = [1, 2, 2, 3, 3, 3, 4, 5, 6, 7]
        for i in range(10):
            rows.append(f"F{i},{'chat' if i % 2 else 'email'},{nps[i]},{csat[i]},{ces[i]}")
        rows.append("F99,chat,,,")  # nothing answered: not counted
        path = self.write("feedback.csv", "\n".join(rows) + "\n")
        r = run("kpi", path, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = {x["metric"]: x for x in json.loads(r.stdout)}
        self.assertEqual(got["nps"]["n"], 10)
        self.assertAlmostEqual(got["nps"]["value"], 30.0, places=6)
        self.assertAlmostEqual(got["csat"]["value"], 60.0, places=6)
        self.assertAlmostEqual(got["ces"]["value"], 3.6, places=6)
        for m in got.values():
            self.assertLessEqual(m["ci_lo"], m["value"])
            self.assertGreaterEqual(m["ci_hi"], m["value"])
        r = run("kpi", path, "--by", "channel", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual({x["group"] for x in doc["scores"]}, {"chat", "email"})
        self.assertEqual({x["metric"] for x in doc["consistency"]}, {"nps", "csat", "ces"})

    def test_columns_can_be_renamed(self):
        path = self.write("renamed.csv", "ref,likelihood\nA,10\nB,9\nC,3\nD,8\n")
        r = run("kpi", path, "--col", "nps=likelihood", "--col", "id=ref", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        (nps,) = json.loads(r.stdout)
        self.assertAlmostEqual(nps["value"], 25.0, places=6)  # 2 promoters, 1 detractor of 4
        self.assertEqual(run("kpi", path, "--col", "nps").returncode, 2)
        t = self.write("t.csv", "opened,answered,closed\n"
                       "2026-03-02T09:00:00Z,2026-03-02T09:30:00Z,2026-03-02T10:00:00Z\n")
        r = run("kpi", t, "--col", "created=opened", "--col", "first_response=answered",
                "--col", "resolved=closed", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        times = {x["metric"]: x for x in json.loads(r.stdout)["times"]}
        self.assertAlmostEqual(times["first_response"]["max_h"], 0.5, places=3)

    def test_out_of_scale_answer_names_file_row_and_field(self):
        path = self.write("bad.csv", "id,nps\nA,9\nB,11\n")
        out = os.path.join(self.dir, "out.txt")
        r = run("kpi", path, "--output", out)
        self.assertEqual(r.returncode, 1)
        self.assertIn("'B'", r.stderr)
        self.assertIn("nps", r.stderr)
        self.assertFalse(os.path.exists(out))  # nothing half-written

    def test_ticket_kpis_times_sla_and_rates(self):
        # Three tickets; first responses after 30 min, 2 h and 10 min; one open.
        text = ("id,created,first_response,resolved,channel,fcr,reopened\n"
                "T1,2026-03-02T09:00:00Z,2026-03-02T09:30:00Z,2026-03-02T12:00:00Z,email,1,0\n"
                "T2,2026-03-02T10:00:00Z,2026-03-02T12:00:00Z,2026-03-03T12:00:00Z,email,0,1\n"
                "T3,2026-03-02T11:00:00Z,2026-03-02T11:10:00Z,,phone,1,0\n")
        path = self.write("tickets.csv", text)
        r = run("kpi", path, "--now", "2026-03-03T12:00:00Z", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        times = {x["metric"]: x for x in doc["times"]}
        self.assertEqual(times["first_response"]["n"], 3)
        self.assertEqual(times["resolution"]["n"], 2)
        self.assertAlmostEqual(times["first_response"]["max_h"], 2.0, places=2)
        rates = {x["metric"]: x for x in doc["rates"]}
        # first response within 1 h: T1 and T3 met, T2 breached.
        self.assertEqual((rates["sla_first_response"]["successes"], rates["sla_first_response"]["trials"]), (2, 3))
        # resolution within 24 h: T1 met (3 h), T2 breached (26 h), T3 open for 25 h: breached.
        self.assertEqual((rates["sla_resolution"]["successes"], rates["sla_resolution"]["trials"]), (1, 3))
        self.assertEqual((rates["fcr"]["successes"], rates["fcr"]["trials"]), (2, 3))
        self.assertEqual((rates["reopen"]["successes"], rates["reopen"]["trials"]), (1, 3))

    def test_calendar_counts_business_hours_only(self):
        cal = self.write("cal.txt", "mon = 09:00-17:00\ntue = 09:00-17:00\n")
        # Created Monday 16:00, answered Tuesday 10:00: 2 business hours.
        text = ("id,created,first_response,resolved\n"
                "T1,2026-03-02T16:00:00Z,2026-03-03T10:00:00Z,2026-03-03T10:00:00Z\n")
        path = self.write("t.csv", text)
        r = run("kpi", path, "--calendar", cal, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        times = {x["metric"]: x for x in json.loads(r.stdout)["times"]}
        self.assertAlmostEqual(times["first_response"]["max_h"], 2.0, places=2)
        bad = self.write("bad-cal.txt", "mon = 09:00-17:00\nfunday = 09:00-10:00\n")
        r = run("kpi", path, "--calendar", bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad-cal.txt:2", r.stderr)

    def test_tickets_out_of_order_are_rejected_with_the_row(self):
        text = ("id,created,first_response,resolved\n"
                "T1,2026-03-02T09:00:00Z,2026-03-02T08:00:00Z,\n")
        r = run("kpi", self.write("t.csv", text))
        self.assertEqual(r.returncode, 1)
        self.assertIn("'T1'", r.stderr)
        self.assertIn("first_response", r.stderr)

    def test_segment_outputs_parse_and_agree(self):
        rows = ["id,recency_days,frequency,monetary,tenure_days"]
        for i in range(200):
            rows.append(f"C{i},{(i * 37) % 400},{1 + (i * 7) % 30},{10 + (i * 53) % 2000},{400 + i}")
        path = self.write("c.csv", "\n".join(rows) + "\n")
        r = run("segment", path, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual(len(doc["customers"]), 200)
        self.assertEqual(sum(t["customers"] for t in doc["summary"]), 200)
        self.assertAlmostEqual(sum(t["value_share_pct"] for t in doc["summary"]), 100.0, places=3)
        r2 = run("segment", path, "--format", "csv", "--customers-only")
        self.assertEqual(r2.returncode, 0, r2.stderr)
        recs = list(csv.DictReader(io.StringIO(r2.stdout)))
        self.assertEqual([x["tier"] for x in recs], [x["tier"] for x in doc["customers"]])
        # Every customer inactive for more than the default 180 days is lost.
        for src, rec in zip(rows[1:], recs):
            recency = int(src.split(",")[1])
            if recency > 180:
                self.assertEqual(rec["tier"], "lost")
                self.assertEqual(rec["reason"], "lost_inactive")
        # A policy file changes the rule; a bad key names its line.
        pol = self.write("p.txt", "# stricter churn\nchurn_days = 30\n")
        r3 = run("segment", path, "--policy", pol, "--format", "json", "--summary-only")
        lost = [t for t in json.loads(r3.stdout) if t["tier"] == "lost"][0]["customers"]
        self.assertGreater(lost, [t for t in doc["summary"] if t["tier"] == "lost"][0]["customers"])
        badpol = self.write("bad.txt", "churn_days = 30\nchurn_dayz = 5\n")
        r4 = run("segment", path, "--policy", badpol)
        self.assertEqual(r4.returncode, 1)
        self.assertIn("bad.txt:2", r4.stderr)

    def test_segment_bad_number_names_line_and_column(self):
        path = self.write("c.csv", "id,recency_days,frequency,monetary\nA,1,2,3\nB,1,two,3\n")
        out = os.path.join(self.dir, "o.csv")
        r = run("segment", path, "--output", out)
        self.assertEqual(r.returncode, 1)
        self.assertIn("c.csv:3", r.stderr)
        self.assertIn("'frequency' (field 3)", r.stderr)
        self.assertFalse(os.path.exists(out))
        r = run("segment", self.write("q.csv", 'id,recency_days,frequency,monetary\n"A,1,2,3\n'))
        self.assertEqual(r.returncode, 1)
        self.assertIn("q.csv:2:1", r.stderr)

    def test_segment_migration_counts_moves_new_and_gone(self):
        head = "id,recency_days,frequency,monetary\n"
        old = self.write("old.csv", head + "A,10,5,100\nB,10,5,100\nC,400,5,100\n")
        new = self.write("new.csv", head + "A,10,5,100\nB,300,5,100\nD,10,5,100\n")
        r = run("segment", "--migrate", old, new, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = {x["from \\ to"]: x for x in json.loads(r.stdout)}
        moved = sum(v for k, v in rows["lost"].items() if k not in ("from \\ to", "gone"))
        self.assertEqual(rows["lost"]["gone"], 1)  # C only in the old snapshot
        self.assertEqual(moved, 0)
        self.assertEqual(sum(v for k, v in rows["new"].items() if k != "from \\ to" and v != ""), 1)
        dup = self.write("dup.csv", head + "A,1,1,1\nA,2,2,2\n")
        r = run("segment", "--migrate", old, dup)
        self.assertEqual(r.returncode, 1)
        self.assertIn("dup.csv", r.stderr)

    def test_priority_orders_do_first(self):
        text = ("id,tier,impact,severity,value,created,due,urgent\n"
                "low,regular,individual,4,0.1,2026-03-02T08:00:00Z,2026-03-09T08:00:00Z,0\n"
                "fire,vip,organisation,1,0.9,2026-03-02T08:00:00Z,2026-03-02T09:05:00Z,0\n"
                "soon,regular,individual,4,0.1,2026-03-02T08:00:00Z,2026-03-02T09:10:00Z,0\n")
        path = self.write("p.csv", text)
        r = run("priority", path, "--now", "2026-03-02T09:00:00Z", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = json.loads(r.stdout)
        self.assertEqual([x["id"] for x in rows][0], "fire")
        self.assertEqual(rows[0]["quadrant"], "do")
        self.assertEqual([x["rank"] for x in rows], [1, 2, 3])
        bad = self.write("bad.csv", text.replace("organisation", "galaxy"))
        r = run("priority", bad, "--now", "2026-03-02T09:00:00Z")
        self.assertEqual(r.returncode, 1)
        self.assertIn("'fire'", r.stderr)
        self.assertIn("impact", r.stderr)


class Lifetime(unittest.TestCase):
    def test_lifetime_on_cdnow_reproduces_the_published_fit(self):
        # The CDNOW sample (see shared/data/README.md) as segmentation columns:
        # frequency = x + 1 purchases, tenure = 7 T days, recency = 7 (T - t_x)
        # days. svcm segment --lifetime turns them back into (x, t_x, T) and
        # must reproduce Fader, Hardie & Lee (2005): r = 0.243, alpha = 4.414,
        # a = 0.793, b = 2.426, log-likelihood -9582.4.
        src = os.path.join(os.environ["SVCM_DATA_DIR"], "cdnow_summary.csv")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "cdnow.csv")
            with open(src) as f, open(path, "w") as out:
                out.write("id,recency_days,frequency,monetary,tenure_days\n")
                for row in csv.DictReader(f):
                    x, tx, T, z = int(row["x"]), float(row["t_x"]), float(row["T"]), float(row["zbar"])
                    out.write(f"{row['ID']},{7 * (T - tx)!r},{x + 1},{z * (x + 1)!r},{7 * T!r}\n")
            r = run("segment", path, "--lifetime", "--summary-only", "--format", "json")
            self.assertEqual(r.returncode, 0, r.stderr)
            doc = json.loads(r.stdout)
            bg = [m for m in doc["lifetime"] if m["model"] == "BG/NBD"][0]
            params = dict(kv.split("=") for kv in bg["parameters"].split())
            for name, want in (("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426)):
                self.assertAlmostEqual(float(params[name]), want, delta=0.0006, msg=name)
            self.assertAlmostEqual(bg["loglik"], -9582.4, delta=0.05)
            self.assertEqual(bg["customers"], 2357)
            r = run("segment", path, "--lifetime", "--customers-only", "--format", "csv")
            recs = list(csv.DictReader(io.StringIO(r.stdout)))
            self.assertEqual(len(recs), 2357)
            for rec in recs:
                self.assertTrue(0.0 <= float(rec["p_alive"]) <= 1.0)
                self.assertGreaterEqual(float(rec["clv"]), 0.0)

    def test_lifetime_needs_tenure_and_whole_frequencies(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "c.csv")
            with open(path, "w") as f:
                f.write("id,recency_days,frequency,monetary\nA,1,2,3\n")
            r = run("segment", path, "--lifetime")
            self.assertEqual(r.returncode, 1)
            self.assertIn("tenure", r.stderr)
            with open(path, "w") as f:
                f.write("id,recency_days,frequency,monetary,tenure_days\nA,1,2.5,3,10\n")
            r = run("segment", path, "--lifetime")
            self.assertEqual(r.returncode, 1)
            self.assertIn("'A'", r.stderr)


class Demo(unittest.TestCase):
    def test_demo_runs_is_deterministic_and_charts_are_valid_svg(self):
        with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
            r = run("demo", "--dir", d1)
            self.assertEqual(r.returncode, 0, r.stderr)
            for heading in ("Customer tiers", "Ticket KPIs", "Survey KPIs", "What to work on first",
                            "Did the improvement work?", "Staffing"):
                self.assertIn(heading, r.stdout)
            self.assertIn("improved-target-missed", r.stdout)
            r2 = run("demo", "--dir", d2, "--data-only")
            self.assertEqual(r2.returncode, 0, r2.stderr)
            for name in ("customers.csv", "tickets.csv", "feedback.csv", "cycle.pdca"):
                with open(os.path.join(d1, name), "rb") as a, open(os.path.join(d2, name), "rb") as b:
                    self.assertEqual(a.read(), b.read(), name)
            svgs = ["tiers.svg", "first_response.svg", "eisenhower.svg", "pdca.svg"]
            for name in svgs:
                root = ET.parse(os.path.join(d1, name)).getroot()
                self.assertEqual(root.tag, "{http://www.w3.org/2000/svg}svg", name)
                texts = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
                self.assertTrue(texts, name)
            tiers = ET.parse(os.path.join(d1, "tiers.svg")).getroot()
            labels = {t.text for t in tiers.iter("{http://www.w3.org/2000/svg}text")}
            self.assertTrue({"vip", "key", "regular", "potential", "lost"} <= labels)
            rsvg = shutil.which("rsvg-convert")
            if rsvg:
                for name in svgs:
                    png = os.path.join(d1, name + ".png")
                    subprocess.run([rsvg, "-o", png, os.path.join(d1, name)], check=True, timeout=60)
                    with open(png, "rb") as f:
                        self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    def test_pdca_reads_the_demo_cycle_and_rejects_garbage(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(run("demo", "--dir", d, "--data-only").returncode, 0)
            r = run("pdca", os.path.join(d, "cycle.pdca"), "--format", "json")
            self.assertEqual(r.returncode, 0, r.stderr)
            doc = json.loads(r.stdout)
            check = {x["field"]: x["value"] for x in doc["check"]}
            self.assertEqual(check["verdict"], "improved-target-missed")
            self.assertEqual(check["test"], "Welch t")
            self.assertTrue(any(s["rule"] == 1 for s in doc["signals"]))
            self.assertEqual([a["to"] for a in doc["audit"]], ["do", "check"])
            bad = os.path.join(d, "bad.pdca")
            with open(bad, "w") as f:
                f.write("this is not a cycle\n")
            r = run("pdca", bad)
            self.assertEqual(r.returncode, 1)
            self.assertIn("bad.pdca:", r.stderr)


if __name__ == "__main__":
    unittest.main()
