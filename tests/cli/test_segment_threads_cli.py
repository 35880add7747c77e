"""End-to-end tests of `svcm segment --threads N`: the output is the same
for every thread count and for the default (the online cores), on a
generated customer table (20,000 rows: whole days, geometric purchase
counts, log-normal spend) and on tests/data/cdnow_summary.csv turned into
RFM columns (recency = 7 (T - t_x) days, tenure = 7 T, frequency = x + 1,
monetary = zbar (x + 1)); out-of-range counts are usage errors (exit 2)."""
import csv
import os
import random
import subprocess
import tempfile
import unittest

SVCM = os.environ["SVCM_CLI"]
DATA = os.environ["SVCM_DATA_DIR"]
HEADER = ["id", "recency_days", "frequency", "monetary", "tenure_days"]


def run(*args):
    return subprocess.run([SVCM, *args], capture_output=True, text=True, timeout=120)


class SegmentThreads(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def write(self, name, rows):
        path = os.path.join(self.dir.name, name)
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(HEADER)
            w.writerows(rows)
        return path

    def outputs(self, path, *extra):
        """Customer rows and summary for 1, 2, 3, 7 threads and the default."""
        seen = {}
        for threads in ("1", "2", "3", "7", None):
            args = ["segment", path, "--format", "csv", *extra]
            if threads:
                args += ["--threads", threads]
            res = run(*args)
            self.assertEqual(res.returncode, 0, res.stderr)
            seen[threads] = res.stdout
        return seen

    def assert_all_equal(self, seen):
        one = seen["1"]
        self.assertGreater(len(one.splitlines()), 100)
        for threads, out in seen.items():
            self.assertEqual(out, one, f"--threads {threads}")

    def test_generated_table_same_output_for_every_thread_count(self):
        rng = random.Random(18)
        rows = []
        for i in range(20000):
            t = rng.randint(0, 1500)
            fr = 1 + int(rng.expovariate(0.25))
            rows.append([i, rng.randint(0, t), fr, f"{fr * rng.lognormvariate(3, 1.2):.2f}", t])
        path = self.write("customers.csv", rows)
        seen = self.outputs(path)
        self.assert_all_equal(seen)
        tiers = {line.split(",")[1] for line in seen["1"].splitlines()[1:20001]}
        self.assertGreaterEqual(len(tiers), 4, tiers)  # not a degenerate run

    def test_cdnow_same_output_for_every_thread_count(self):
        rows = []
        with open(os.path.join(DATA, "cdnow_summary.csv")) as f:
            for rec in csv.DictReader(f):
                x, tx, T, zbar = (float(rec[k]) for k in ("x", "t_x", "T", "zbar"))
                rows.append([rec["ID"], repr(7 * (T - tx)), int(x) + 1, repr(zbar * (x + 1)),
                             repr(7 * T)])
        self.assertEqual(len(rows), 2357)
        path = self.write("cdnow.csv", rows * 4)  # 9428 rows: the histogram fit, 9 parts
        self.assert_all_equal(self.outputs(path, "--bins", "4"))

    def test_bad_thread_counts_are_usage_errors(self):
        path = self.write("small.csv", [[1, 5, 2, 10, 20]])
        for bad in ("0", "65", "-1", "two"):
            res = run("segment", path, "--threads", bad)
            self.assertEqual(res.returncode, 2, (bad, res.stderr))
            self.assertIn("--threads", res.stderr)
        self.assertIn("--threads N", run("segment", "--help").stdout)


if __name__ == "__main__":
    unittest.main()
