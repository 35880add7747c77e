"""End-to-end tests of the KPI conventions of `svcm kpi`: --csat, --ces,
--nps-interval and --fcr-window, each against a worked example with its
source named, and the defaults that keep the 0.1 figures.

Runs the built binary (path in SVCM_CLI).
"""
import csv
import json
import os
import shutil
import subprocess
import tempfile
import unittest

SVCM = os.environ["SVCM_CLI"]
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
REVIEWS = os.path.join(DATA, "kaggle_clothing_reviews_ratings.csv")


def run(*args):
    return subprocess.run([SVCM, *args], capture_output=True, timeout=120)


def ok_json(*args):
    r = run(*args, "--format", "json")
    if r.returncode != 0:
        raise AssertionError(r.stderr.decode("utf-8", "replace"))
    return json.loads(r.stdout.decode("utf-8"))


def metric(doc, table, name, group="all"):
    """One row of a table; a report of one table is a bare JSON list."""
    t = doc if isinstance(doc, list) else doc[table]
    rows = [x for x in t if x["metric"] == name and x["group"] == group]
    assert len(rows) == 1, (table, name, t)
    return rows[0]


class Conventions(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="svcm-conv-")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def answers(self, column, counts, first):
        """A survey file with counts[k] answers first + k in one column."""
        rows = [column]
        for k, c in enumerate(counts):
            rows += [str(first + k)] * c
        return self.write(column + ".csv", "\n".join(rows) + "\n")

    # CSAT on real answers: the Kaggle clothing reviews (tests/data/README.md),
    # Rating 1-5 read as CSAT. The expected shares are counted here from the
    # file itself, by each convention's definition.

    def review_counts(self):
        with open(REVIEWS, encoding="utf-8") as f:
            ratings = [int(r["Rating"]) for r in csv.DictReader(f)]
        return {k: ratings.count(k) for k in range(1, 6)}, ratings

    def test_csat_three_conventions_on_real_reviews(self):
        c, ratings = self.review_counts()
        n = len(ratings)
        good, bad = c[4] + c[5], c[1] + c[2]
        self.assertGreater(c[3], 0)  # the neutral answers exist
        base = ("kpi", REVIEWS, "--col", "csat=Rating")
        top2 = metric(ok_json(*base), "scores", "csat")
        self.assertEqual(top2["n"], n)
        self.assertAlmostEqual(top2["value"], 100.0 * good / n, places=9)
        # The default is top-2-box: the same with --csat top2.
        self.assertEqual(metric(ok_json(*base, "--csat", "top2"), "scores", "csat"), top2)
        # Zendesk: good / (good + bad), the neutral 3 left out (Zendesk help
        # centre, "Using customer satisfaction ratings", article 203662256).
        rated = metric(ok_json(*base, "--csat", "rated"), "scores", "csat")
        self.assertEqual(rated["n"], n)
        self.assertAlmostEqual(rated["value"], 100.0 * good / (good + bad), places=9)
        self.assertGreater(rated["value"], top2["value"])
        mean = metric(ok_json(*base, "--csat", "mean"), "scores", "csat")
        self.assertAlmostEqual(mean["value"], sum(ratings) / n, places=9)
        self.assertLess(mean["ci_lo"], mean["value"])
        # Per group too (Department Name), with the convention in the title.
        r = run(*base, "--csat", "rated", "--by", "Department Name")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"4-5 of rated", r.stdout)

    # CES: the 1000 answers of CYS Group's worked example ("Customer Effort
    # Score 7-point scale to average", support.cys.group article 3000095529):
    # 80, 210, 140, 110, 160, 180, 120 answers 1..7; published mean 4.08.
    # Top (5-7) and index (%6-7 - %1-3, CYS article 3000095531) by hand:
    # 460 / 1000 = 46%; 30% - 43% = -13.

    def test_ces_mean_top_and_index_on_the_cys_example(self):
        f = self.answers("ces", [80, 210, 140, 110, 160, 180, 120], 1)
        mean = metric(ok_json("kpi", f), "scores", "ces")
        self.assertAlmostEqual(mean["value"], 4.08, places=12)
        top = metric(ok_json("kpi", f, "--ces", "top"), "scores", "ces")
        self.assertAlmostEqual(top["value"], 46.0, places=9)
        index = metric(ok_json("kpi", f, "--ces", "index"), "scores", "ces")
        self.assertAlmostEqual(index["value"], -13.0, places=9)
        # Wald as NPS: V = 0.30 + 0.43 - 0.13^2, SE = 100 sqrt(V / 1000).
        self.assertAlmostEqual(index["ci_lo"], -18.23387455432109, places=6)
        self.assertAlmostEqual(index["ci_hi"], -7.7661254456789095, places=6)

    # NPS: adjusted Wald (Rocks 2016, The American Statistician 70(4);
    # MeasuringU: n + 3, 3/4 more promoters and detractors). By hand for 250
    # promoters, 675 passives, 75 detractors: Wald [14.137219, 20.862781],
    # adjusted [14.085883, 20.809431]; the score stays 17.5.

    def test_nps_wald_default_and_adjusted(self):
        f = self.answers("nps", [75] + [0] * 6 + [675, 0, 250], 0)
        wald = metric(ok_json("kpi", f), "scores", "nps")
        self.assertAlmostEqual(wald["value"], 17.5, places=9)
        self.assertAlmostEqual(wald["ci_lo"], 14.137219245413355, places=6)
        self.assertAlmostEqual(wald["ci_hi"], 20.862780754586645, places=6)
        self.assertEqual(metric(ok_json("kpi", f, "--nps-interval", "wald"), "scores", "nps"),
                         wald)
        adj = metric(ok_json("kpi", f, "--nps-interval", "adjusted"), "scores", "nps")
        self.assertAlmostEqual(adj["value"], 17.5, places=9)
        self.assertAlmostEqual(adj["ci_lo"], 14.085883061097096, places=6)
        self.assertAlmostEqual(adj["ci_hi"], 20.80943099672942, places=6)

    # FCR from repeat contacts (--fcr-window 7d), worked by hand. The as-of
    # instant is the latest created, 2024-03-20 09:00.
    #  ann T1 03-01 09:00: ann again 03-05 (4 days)          -> not FCR
    #  ann T3 03-05 09:00: next 03-15 (10 days), 03-12 <= end -> FCR
    #  ann T5 03-15 09:00: no repeat, window ends 03-22       -> left out
    #  bob T2 03-01 12:00: next 03-20 (18.9 days)             -> FCR
    #  bob T7 03-20 09:00: window ends 03-27                  -> left out
    #  cy  T4 03-06 08:00: no repeat, 03-13 <= end            -> FCR
    #  T6 has no customer                                     -> left out
    # FCR = 3 of 4.
    TICKETS = ("id,customer,created,resolved\n"
               "T1,ann,2024-03-01T09:00:00Z,2024-03-01T10:00:00Z\n"
               "T2,bob,2024-03-01T12:00:00Z,2024-03-01T13:00:00Z\n"
               "T3,ann,2024-03-05T09:00:00Z,2024-03-05T10:00:00Z\n"
               "T4,cy,2024-03-06T08:00:00Z,2024-03-06T09:00:00Z\n"
               "T5,ann,2024-03-15T09:00:00Z,2024-03-15T10:00:00Z\n"
               "T6,,2024-03-16T09:00:00Z,2024-03-16T10:00:00Z\n"
               "T7,bob,2024-03-20T09:00:00Z,2024-03-20T10:00:00Z\n")

    def test_fcr_from_repeat_contacts_within_the_window(self):
        t = self.write("t.csv", self.TICKETS)
        doc = ok_json("kpi", t, "--fcr-window", "7d")
        fcr = metric(doc, "rates", "fcr")
        self.assertEqual((fcr["successes"], fcr["trials"]), (3, 4))
        notes = [(x["note"], x["rows"]) for x in doc["notes"]]
        self.assertIn(("fcr", 2), notes)  # T5, T7: window past the data
        self.assertIn(("fcr", 1), notes)  # T6: no customer
        # Without the option (and no fcr column) there is no FCR row.
        doc = ok_json("kpi", t)
        self.assertEqual([x for x in doc["rates"] if x["metric"] == "fcr"], [])

    def test_fcr_window_edges_and_as_of(self):
        t = self.write("t.csv", self.TICKETS)
        # A 4-day window: ann's repeat after exactly 4 days still counts (T1
        # not FCR); with --now 2024-04-01 every window ends inside the data:
        # T1 0, T3 1, T5 1, T2 1, T7 1, T4 1 -> 5 of 6.
        doc = ok_json("kpi", t, "--fcr-window", "4d", "--now", "2024-04-01T00:00:00Z")
        fcr = metric(doc, "rates", "fcr")
        self.assertEqual((fcr["successes"], fcr["trials"]), (5, 6))
        # One second less than 4 days: T1's repeat is outside, 6 of 6.
        doc = ok_json("kpi", t, "--fcr-window", "345599", "--now", "2024-04-01T00:00:00Z")
        fcr = metric(doc, "rates", "fcr")
        self.assertEqual((fcr["successes"], fcr["trials"]), (6, 6))
        # Two tickets at the same instant: the later row is the repeat.
        same = self.write("s.csv", "customer,created,resolved\n"
                          "dee,2024-03-01T09:00:00Z,2024-03-01T10:00:00Z\n"
                          "dee,2024-03-01T09:00:00Z,2024-03-01T11:00:00Z\n")
        doc = ok_json("kpi", same, "--fcr-window", "1h", "--now", "2024-03-02T00:00:00Z")
        fcr = metric(doc, "rates", "fcr")
        self.assertEqual((fcr["successes"], fcr["trials"]), (1, 2))

    def test_fcr_column_wins_over_the_window(self):
        t = self.write("f.csv", "customer,created,resolved,fcr\n"
                       "ann,2024-03-01T09:00:00Z,2024-03-01T10:00:00Z,1\n"
                       "ann,2024-03-02T09:00:00Z,2024-03-02T10:00:00Z,1\n")
        doc = ok_json("kpi", t, "--fcr-window", "7d")
        fcr = metric(doc, "rates", "fcr")
        self.assertEqual((fcr["successes"], fcr["trials"]), (2, 2))
        self.assertIn("fcr", [x["note"] for x in doc["notes"]])

    def test_fcr_window_needs_a_customer_column(self):
        t = self.write("n.csv", "created,resolved\n"
                       "2024-03-01T09:00:00Z,2024-03-01T10:00:00Z\n")
        r = run("kpi", t, "--fcr-window", "7d")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"customer column", r.stderr)
        # --col customer=COLUMN maps it.
        t = self.write("m.csv", "client,created,resolved\n"
                       "a,2024-03-01T09:00:00Z,2024-03-01T10:00:00Z\n"
                       "a,2024-03-02T09:00:00Z,2024-03-02T10:00:00Z\n")
        doc = ok_json("kpi", t, "--fcr-window", "2d", "--col", "customer=client",
                      "--now", "2024-03-10T00:00:00Z")
        fcr = metric(doc, "rates", "fcr")
        self.assertEqual((fcr["successes"], fcr["trials"]), (1, 2))

    def test_bad_convention_values_are_usage_errors(self):
        f = self.answers("csat", [1, 1, 1, 1, 1], 1)
        for opt, val in [("--csat", "top3"), ("--ces", "median"), ("--nps-interval", "exact"),
                         ("--fcr-window", "0"), ("--fcr-window", "soon")]:
            r = run("kpi", f, opt, val)
            self.assertEqual(r.returncode, 2, (opt, val))
            self.assertIn(opt.encode(), r.stderr)

    def test_help_lists_every_convention_with_its_default_first(self):
        r = run("kpi", "--help")
        self.assertEqual(r.returncode, 0)
        text = r.stdout.decode("utf-8")
        for words in ["--csat M           top2", "--ces M            mean",
                      "--nps-interval I   wald", "--fcr-window DUR", "Zendesk",
                      "Rocks 2016", "first choice is the default"]:
            self.assertIn(words, text)


if __name__ == "__main__":
    unittest.main()
