"""svcm report and the report.html of svcm demo: one self-contained HTML page.

The page is parsed with html.parser (tags balanced, nothing external, no
script, every section and chart there), its figures are checked against the
data files computed here in Python, and, when Debian's chromium is on PATH,
it is rendered headless at desktop and phone widths: the page must load
without console errors and the screenshots must not be blank (the PNG is
decoded here with zlib).
"""
import csv
import html.parser
import os
import re
import shutil
import struct
import subprocess
import tempfile
import unittest
import zlib

SVCM = os.environ.get("SVCM_CLI", "svcm")

SECTIONS = ("scorecard", "tiers", "kpi", "eisenhower", "pdca", "staffing", "journey")
CHARTS = ("chart-tiers", "chart-response", "chart-eisenhower", "chart-pdca", "chart-staffing",
          "chart-funnel")
TABLES = ("scorecard-table", "tier-summary", "tier-migration", "kpi-times", "kpi-rates",
          "kpi-surveys", "pdca-signals", "pdca-check", "pdca-actions", "staffing-intervals",
          "journey-steps", "journey-loss")
FUNNEL = ("web visit", "front desk", "quote", "purchase")
Z95 = 1.959963984540054


def wilson(x, n, z=Z95):
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5 / (1 + z * z / n)
    return centre - half, centre + half


def iso_seconds(s):
    import datetime
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


def run(*args, env=None, timeout=300):
    return subprocess.run([SVCM, *args], capture_output=True, text=True, timeout=timeout, env=env)


class Page(html.parser.HTMLParser):
    """Tags with their attributes, a check that they nest, and the text of
    elements by id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.tags, self.ids = [], [], [], {}
        self.text_by_class = {}
        self._capture = []  # (class, parts) of open elements with a class

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            if a["id"] in self.ids:
                self.errors.append("duplicate id " + a["id"])
            self.ids[a["id"]] = tag
        if tag in VOID:
            return
        self.stack.append(tag)
        self._capture.append((a.get("class"), []))

    def handle_startendtag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids[a["id"]] = tag

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}> "
                               f"at {self.getpos()}")
            return
        self.stack.pop()
        cls, parts = self._capture.pop()
        text = "".join(parts)
        if cls:
            self.text_by_class.setdefault(cls, []).append(text)
        if self._capture:
            self._capture[-1][1].append(text)

    def handle_data(self, data):
        if self._capture:
            self._capture[-1][1].append(data)


def parse(text):
    p = Page()
    p.feed(text)
    p.close()
    return p


def png_pixels(path):
    """Width, height, channels and the unfiltered rows of an 8-bit RGB(A)
    or grey PNG (what Chromium writes)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    assert depth == 8 and interlace == 0, ihdr
    ch = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(b"".join(idat))
    stride = w * ch
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        cur = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ft == 1:
            for i in range(ch, stride):
                cur[i] = (cur[i] + cur[i - ch]) & 255
        elif ft == 2:
            for i in range(stride):
                cur[i] = (cur[i] + prev[i]) & 255
        elif ft == 3:
            for i in range(stride):
                left = cur[i - ch] if i >= ch else 0
                cur[i] = (cur[i] + ((left + prev[i]) >> 1)) & 255
        elif ft == 4:
            for i in range(stride):
                a = cur[i - ch] if i >= ch else 0
                b = prev[i]
                c = prev[i - ch] if i >= ch else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                cur[i] = (cur[i] + pr) & 255
        rows.append(cur)
        prev = cur
    return w, h, ch, rows


def luminance_stats(w, h, ch, rows, y0=0, y1=None):
    """Mean and variance of the grey level, and the number of distinct
    grey levels, over rows y0..y1."""
    vals = []
    for row in rows[y0:y1 if y1 is not None else h]:
        for x in range(0, w, 2):
            i = x * ch
            if ch >= 3:
                vals.append((299 * row[i] + 587 * row[i + 1] + 114 * row[i + 2]) // 1000)
            else:
                vals.append(row[i])
    mean = sum(vals) / len(vals)
    var = sum((v - mean) ** 2 for v in vals) / len(vals)
    return mean, var, len(set(vals))


class DemoReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = os.path.join(cls.tmp.name, "demo")
        r = run("demo", "--dir", cls.dir)
        assert r.returncode == 0, r.stderr
        cls.stdout = r.stdout
        cls.path = os.path.join(cls.dir, "report.html")
        with open(cls.path, encoding="utf-8") as f:
            cls.text = f.read()
        cls.page = parse(cls.text)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_demo_names_the_report(self):
        self.assertIn("Report: " + self.path, self.stdout)

    def test_well_formed_and_self_contained(self):
        p = self.page
        self.assertEqual(p.errors, [])
        self.assertEqual(p.stack, [], "unclosed tags")
        self.assertTrue(self.text.startswith("<!DOCTYPE html>"))
        tags = [t for t, _ in p.tags]
        self.assertNotIn("script", tags)
        self.assertNotIn("img", tags)
        self.assertNotIn("iframe", tags)
        for t, a in p.tags:
            for k in ("src", "href", "xlink:href", "action"):
                v = a.get(k)
                if v is not None:
                    self.assertTrue(v.startswith("#"), f"<{t} {k}={v!r}>: only in-page links")
            self.assertNotEqual((t, a.get("rel")), ("link", "stylesheet"))
        self.assertNotRegex(self.text, r"(?i)url\(\s*['\"]?(https?:|//)")
        self.assertNotRegex(self.text, r"(?i)@import")
        self.assertNotIn("<?xml", self.text)
        # readable on a phone, printable
        self.assertIn(("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}),
                      p.tags)
        self.assertIn("@media print", self.text)
        self.assertRegex(self.text, r"@media \(max-width:\d+px\)")
        self.assertIn(".scroll{overflow-x:auto", self.text)

    def test_every_section_chart_and_table(self):
        p = self.page
        for i in SECTIONS:
            self.assertEqual(p.ids.get(i), "section", i)
        for i in CHARTS:
            self.assertIn(i, p.ids, i)
        for i in TABLES:
            self.assertEqual(p.ids.get(i), "div", i)
        # the SVG charts: inline, scaled by their viewBox to the width
        svgs = [a for t, a in p.tags if t == "svg"]
        self.assertEqual(len(svgs), 5)  # tiers, response, pdca, staffing, funnel
        for a in svgs:
            self.assertEqual(a.get("width"), "100%")
            self.assertNotIn("height", a)
            self.assertRegex(a.get("viewbox", ""), r"^0 0 \d+ \d+$")
        for fig in ("chart-tiers", "chart-response", "chart-pdca", "chart-staffing", "chart-funnel"):
            self.assertEqual(p.ids[fig], "figure")
            m = re.search(r'<figure id="%s">\s*<svg ' % fig, self.text)
            self.assertIsNotNone(m, fig)
        nav = re.findall(r'<a href="#([a-z]+)">', self.text)
        self.assertEqual(nav, list(SECTIONS))

    def test_eisenhower_counts_are_the_open_tickets(self):
        # svcm priority: as of the latest created instant, tickets resolved
        # by then are left out.
        with open(os.path.join(self.dir, "tickets.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        now = max(r["created"] for r in rows)  # ISO 8601 UTC: sorts as time
        n_open = sum(1 for r in rows if r["created"] <= now and not (r["resolved"] and r["resolved"] <= now))
        m = re.search(r'id="chart-eisenhower".*?</section>', self.text, re.S)
        counts = [int(c) for c in re.findall(r'<div class="count">(\d+)</div>', m.group(0))]
        self.assertEqual(len(counts), 4)
        self.assertEqual(sum(counts), n_open)
        self.assertIn(f"{n_open} open requests", self.text)
        for q in ("do", "schedule", "delegate", "eliminate"):
            self.assertIn(f'<div class="quad q-{q}"><h3>{q}</h3>', self.text)

    def test_tiers_and_migration_match_the_files(self):
        with open(os.path.join(self.dir, "customers.csv"), newline="") as f:
            ids_new = {r["id"] for r in csv.DictReader(f)}
        with open(os.path.join(self.dir, "customers_prev.csv"), newline="") as f:
            ids_old = {r["id"] for r in csv.DictReader(f)}
        self.assertTrue(ids_old < ids_new)
        m = re.search(r'<div class="scroll" id="tier-migration">(.*?)</div>', self.text, re.S)
        body = m.group(1)
        cells = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        new_row = [c for c in cells if c.startswith("<td>new</td>")]
        self.assertEqual(len(new_row), 1)
        arrived = sum(int(x) for x in re.findall(r'<td class="num">(\d+)</td>', new_row[0]))
        self.assertEqual(arrived, len(ids_new - ids_old))
        summary = re.search(r'id="tier-summary">(.*?)</div>', self.text, re.S).group(1)
        counts = [int(x) for x in re.findall(r'<tr><td>[a-z]+</td><td class="num">(\d+)</td>', summary)]
        self.assertEqual(sum(counts), len(ids_new))

    def test_verdicts_in_colour_and_words(self):
        # the demo cycle improved but missed its target: amber, in words
        self.assertIn('<span class="verdict neutral">improved-target-missed</span>', self.text)
        self.assertIn('<span class="verdict bad">no</span>', self.text)  # target met: no
        # an overdue action is flagged in red, in words
        self.assertIn('<td><span class="verdict bad">yes</span></td>', self.text)
        self.assertRegex(self.text, r"\.verdict\.good\{background:")
        self.assertRegex(self.text, r"\.verdict\.bad\{background:")

    def scorecard_row(self, name):
        m = re.search(r"<tr><td>%s</td>(.*?)</tr>" % re.escape(name), self.text)
        self.assertIsNotNone(m, name)
        return m.group(1)

    def test_scorecard_verdicts_match_wilson_intervals(self):
        with open(os.path.join(self.dir, "tickets.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        with open(os.path.join(self.dir, "targets.txt")) as f:
            targets = f.read()
        self.assertIn("fcr >= 70%", targets)
        self.assertIn("reopen_rate <= 8%", targets)
        for col, target, at_least, name in (("fcr", 0.70, True, "fcr"),
                                            ("reopened", 0.08, False, "reopen_rate")):
            x = sum(r[col] == "1" for r in rows)
            n = sum(r[col] in ("0", "1") for r in rows)
            lo, hi = wilson(x, n)
            if at_least:
                want = "met" if lo >= target else "missed" if hi < target else "undetermined"
            else:
                want = "met" if hi <= target else "missed" if lo > target else "undetermined"
            row = self.scorecard_row(name)
            self.assertIn(f'<td class="num">{n}</td>', row)
            self.assertIn(f'<span class="verdict {"good" if want == "met" else "bad" if want == "missed" else "neutral"}">{want}</span>', row)
            self.assertIn("%.3g%% .. %.3g%%" % (100 * lo, 100 * hi), row)
        # every target of the file has a row with a verdict in words
        names = [ln.split()[0] for ln in targets.splitlines() if ln and not ln.startswith("#")]
        for nm in names:
            self.assertRegex(self.scorecard_row(nm), r'<span class="verdict (good|bad|neutral)">(met|missed|undetermined)</span>')
        # the tally cards add up
        tally = re.findall(r'<div class="k">(met|missed|undetermined)</div><div class="v"><span class="verdict [a-z]+">(\d+)</span>', self.text)
        self.assertEqual(sum(int(c) for _, c in tally), len(names))

    def test_funnel_counts_match_the_events(self):
        with open(os.path.join(self.dir, "events.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        by = {}
        for r in rows:
            by.setdefault(r["customer"], []).append((iso_seconds(r["time"]), r["touchpoint"]))
        window = 30 * 86400
        reached = [0] * len(FUNNEL)
        for evs in by.values():
            g = None
            for k, step in enumerate(FUNNEL):
                times = [t for t, tp in evs if tp == step and (g is None or t >= g)]
                if not times:
                    break
                g = min(times)
                if k == 0:
                    g1 = g
                elif g - g1 > window:
                    break
                reached[k] += 1
        body = re.search(r'id="journey-steps">(.*?)</div>', self.text, re.S).group(1)
        for k, step in enumerate(FUNNEL):
            self.assertRegex(body, r"<tr><td>%s</td><td class=\"num\">%d</td>" % (step, reached[k]))
            self.assertIn(f"{step}: {reached[k]} (", self.text)  # the funnel chart's label
        self.assertIn(f"{len(by)} customers, {len(rows)} events", self.text)

    def test_staffing_totals_match_the_intervals(self):
        with open(os.path.join(self.dir, "intervals.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 24)
        calls = sum(int(r["calls"]) for r in rows)
        self.assertIn(f'<div class="k">calls</div><div class="v">{calls}</div>', self.text)
        body = re.search(r'id="staffing-intervals">(.*?)</div>', self.text, re.S).group(1)
        self.assertEqual(body.count("<tr>"), 25)  # header and 24 intervals

    def test_deterministic(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(run("demo", "--dir", d).returncode, 0)
            with open(os.path.join(d, "report.html"), encoding="utf-8") as f:
                self.assertEqual(f.read(), self.text)


@unittest.skipUnless(shutil.which("chromium"), "chromium is not installed")
class Browser(unittest.TestCase):
    """Headless Chromium renders the demo report."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = os.path.join(cls.tmp.name, "demo")
        r = run("demo", "--dir", cls.dir)
        assert r.returncode == 0, r.stderr
        cls.url = "file://" + os.path.abspath(os.path.join(cls.dir, "report.html"))
        cls.profile = os.path.join(cls.tmp.name, "profile")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def chromium(self, *args):
        env = dict(os.environ, HOME=self.tmp.name)
        return subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                               "--hide-scrollbars", "--user-data-dir=" + self.profile, *args,
                               self.url], capture_output=True, text=True, timeout=180, env=env)

    def test_loads_without_console_errors(self):
        r = self.chromium("--enable-logging=stderr", "--v=0", "--dump-dom")
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertNotIn("Uncaught", r.stderr)
        self.assertNotRegex(r.stderr, r"CONSOLE\(\d+\)")
        self.assertNotRegex(r.stderr, r"(?i)net::ERR_|Failed to load resource")
        for i in SECTIONS + CHARTS:
            self.assertIn(f'id="{i}"', r.stdout, i)

    def screenshot(self, width, height):
        png = os.path.join(self.tmp.name, f"report-{width}.png")
        r = self.chromium(f"--screenshot={png}", f"--window-size={width},{height}")
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        w, h, ch, rows = png_pixels(png)
        self.assertEqual((w, h), (width, height))
        return w, h, ch, rows

    def assert_not_blank(self, w, h, ch, rows):
        # The whole picture and its lower part (below the page header) both
        # have content: many grey levels and a clear spread.
        for y0 in (0, h // 2):
            mean, var, levels = luminance_stats(w, h, ch, rows, y0)
            self.assertGreater(var, 200.0, (y0, mean, var))
            self.assertGreater(levels, 40, (y0, levels))

    def test_desktop_screenshot_is_not_blank(self):
        self.assert_not_blank(*self.screenshot(1280, 1000))

    def test_phone_screenshot_is_not_blank(self):
        self.assert_not_blank(*self.screenshot(390, 1400))


class ReportCommand(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.assertEqual(run("demo", "--dir", self.dir, "--data-only").returncode, 0)

    def tearDown(self):
        self.tmp.cleanup()

    def f(self, name):
        return os.path.join(self.dir, name)

    def test_help_documents_every_option(self):
        r = run("report", "--help")
        self.assertEqual(r.returncode, 0)
        options = ("--targets", "--events", "--funnel", "--window",
                   "--customers", "--customers-prev", "--transactions", "--as-of", "--lifetime",
                   "--tickets", "--surveys", "--by", "--open", "--now", "--top", "--cycle",
                   "--intervals", "--interval", "--shrinkage", "--target-sl", "--target-s",
                   "--output", "--title", "--separator", "--no-header", "--na", "--encoding",
                   "--time-format", "--epoch", "--tz", "--ambiguous")
        for o in options:
            self.assertRegex(r.stdout, r"\n  %s[ =]" % re.escape(o), o)
        # every option of the help is accepted (unknown ones are usage errors)
        self.assertEqual(run("report", "--colour").returncode, 2)

    def test_sections_only_for_the_inputs_given(self):
        out = self.f("k.html")
        r = run("report", "--tickets", self.f("tickets.csv"), "--output", out, "--title", "Desk & <co>")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8") as fh:
            text = fh.read()
        p = parse(text)
        self.assertEqual(p.errors, [])
        self.assertEqual(p.ids.get("kpi"), "section")
        for i in ("tiers", "eisenhower", "pdca", "staffing", "kpi-surveys"):
            self.assertNotIn(i, p.ids)
        self.assertIn("<title>Desk &amp; &lt;co&gt;</title>", text)
        self.assertIn("chart-response", p.ids)

    def test_user_strings_are_escaped(self):
        tickets = self.f("tickets.csv")
        with open(tickets, newline="") as fh:
            rows = list(csv.reader(fh))
        ch = rows[0].index("channel")
        for r in rows[1:40]:
            r[ch] = '<script>alert("x")</script>&amp;'
        evil = self.f("evil.csv")
        with open(evil, "w", newline="") as fh:
            csv.writer(fh).writerows(rows)
        out = self.f("e.html")
        r = run("report", "--tickets", evil, "--open", evil, "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8") as fh:
            text = fh.read()
        p = parse(text)
        self.assertEqual(p.errors, [])
        self.assertNotIn("script", [t for t, _ in p.tags])
        self.assertIn("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;", text)

    def test_no_input_is_a_usage_error(self):
        r = run("report", "--output", self.f("x.html"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("nothing to report on", r.stderr)
        self.assertFalse(os.path.exists(self.f("x.html")))
        for args, says in ((("--customers-prev", "a.csv"), "--customers-prev needs --customers"),
                           (("--transactions", "a.csv"), "--transactions needs --as-of"),
                           (("--top", "x", "--cycle", "c"), "--top"),
                           (("--now", "yesterday", "--open", "o"), "--now"),
                           (("--targets", "t.txt", "--cycle", "c"), "--targets needs --tickets or --surveys"),
                           (("--events", "e.csv"), "--events needs --funnel"),
                           (("--events", "e.csv", "--funnel", "a", "--window", "soon"), "--window")):
            r = run("report", *args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(says, r.stderr, args)

    def test_bad_input_fails_naming_it_and_leaves_nothing(self):
        bad = self.f("bad.csv")
        with open(bad, "w") as fh:
            fh.write("id,created,first_response,resolved,channel\nT1,2026-01-02T00:00:00Z,yesterday,,email\n")
        out = self.f("bad.html")
        tmp = self.f("tmp")
        os.mkdir(tmp)
        r = run("report", "--cycle", self.f("cycle.pdca"), "--tickets", bad, "--output", out,
                env=dict(os.environ, TMPDIR=tmp))
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad.csv:2:", r.stderr)
        self.assertIn("svcm report: the tickets section failed", r.stderr)
        self.assertFalse(os.path.exists(out))
        self.assertEqual(os.listdir(tmp), [])  # the work directory is removed
        r = run("report", "--cycle", self.f("missing.pdca"), "--output", out)
        self.assertEqual(r.returncode, 1)
        self.assertIn("missing.pdca", r.stderr)
        self.assertFalse(os.path.exists(out))

    def test_an_unchecked_cycle_has_no_chart(self):
        # The demo cycle before its Check: phase do, no check lines, no
        # signals, no audit entry of the move to check.
        with open(self.f("cycle.pdca"), encoding="utf-8") as fh:
            lines = fh.read().splitlines()
        keep = [("phase do" if ln == "phase check" else ln) for ln in lines
                if not ln.startswith(("check-", "signal ")) and not re.match(r"audit \d+ do check ", ln)]
        self.assertLess(len(keep), len(lines) - 5)
        self.assertIn("phase do", keep)
        cyc = self.f("unchecked.pdca")
        with open(cyc, "w", encoding="utf-8") as fh:
            fh.write("\n".join(keep) + "\n")
        out = self.f("p.html")
        r = run("report", "--cycle", cyc, "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8") as fh:
            text = fh.read()
        self.assertNotIn('id="chart-pdca"', text)
        self.assertIn("not been checked yet", text)
        self.assertIn('id="pdca-actions"', text)
        # and the checked one has its chart and verdict
        r = run("report", "--cycle", self.f("cycle.pdca"), "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8") as fh:
            text = fh.read()
        self.assertIn('id="chart-pdca"', text)
        self.assertIn("improved-target-missed", text)

    def test_bad_targets_are_named(self):
        t = self.f("t.txt")
        with open(t, "w") as fh:
            fh.write("fcr >= 70%\nnps >= lots\n")
        r = run("report", "--targets", t, "--tickets", self.f("tickets.csv"), "--output", self.f("o.html"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("t.txt:2:", r.stderr)
        with open(t, "w") as fh:
            fh.write("fcr >= 70%\nhappiness >= 3\n")
        r = run("report", "--targets", t, "--tickets", self.f("tickets.csv"), "--output", self.f("o.html"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("target 2, happiness: no such KPI", r.stderr)
        self.assertFalse(os.path.exists(self.f("o.html")))
        # a 0/1 column of any name is a rate
        rows = list(csv.reader(open(self.f("tickets.csv"), newline="")))
        rows[0].append("complaint")
        for i, r_ in enumerate(rows[1:]):
            r_.append("1" if i % 50 == 0 else "0")
        with open(self.f("tc.csv"), "w", newline="") as fh:
            csv.writer(fh).writerows(rows)
        with open(t, "w") as fh:
            fh.write("complaint_rate <= 1%\n")
        r = run("report", "--targets", t, "--tickets", self.f("tc.csv"), "--output", self.f("o.html"))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.f("o.html"), encoding="utf-8") as fh:
            text = fh.read()
        x, n = (len(rows) - 2) // 50 + 1, len(rows) - 1
        lo, hi = wilson(x, n)
        want = "met" if hi <= 0.01 else "missed" if lo > 0.01 else "undetermined"
        self.assertRegex(text, r"<tr><td>complaint_rate</td><td><span class=\"verdict [a-z]+\">%s</span>.*?<td class=\"num\">%d</td>" % (want, n))

    def test_a_response_before_creation_is_named(self):
        t = self.f("t.txt")
        with open(t, "w") as fh:
            fh.write("first_response_p90 <= 1h\n")
        bad = self.f("b.csv")
        with open(bad, "w") as fh:
            fh.write("id,created,first_response\nT1,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z\n"
                     "T2,2026-01-02T10:00:00Z,2026-01-02T09:00:00Z\n")
        r = run("report", "--targets", t, "--tickets", bad, "--output", self.f("o.html"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("b.csv:3:25: first_response: before the ticket was created", r.stderr)

    def test_bad_events_are_named(self):
        e = self.f("e.csv")
        with open(e, "w") as fh:
            fh.write("customer,touchpoint,time,lost\nA,web,2026-01-01T00:00:00Z,0\nB,web,2026-01-01T00:00:00Z,2\n")
        r = run("report", "--events", e, "--funnel", "web,buy", "--output", self.f("o.html"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("e.csv:3:", r.stderr)
        self.assertIn("lost", r.stderr)
        r = run("report", "--events", e, "--funnel", "web,web", "--output", self.f("o.html"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("--funnel", r.stderr)
        self.assertFalse(os.path.exists(self.f("o.html")))

    def test_reading_options_reach_every_section(self):
        with open(self.f("tickets.csv")) as fh:
            semi = fh.read().replace(",", ";")
        with open(self.f("semi.csv"), "w") as fh:
            fh.write(semi)
        out = self.f("s.html")
        r = run("report", "--tickets", self.f("semi.csv"), "--open", self.f("semi.csv"),
                "--targets", self.f("targets.txt"), "--surveys", self.f("feedback.csv"),
                "--separator", ";", "--output", out)
        # the surveys file is comma-separated: read with ';' it has no csat column
        self.assertEqual(r.returncode, 1)
        self.assertIn("csat_top2: no such KPI", r.stderr)
        with open(self.f("t.txt"), "w") as fh:
            fh.write("fcr >= 70%\n")
        r = run("report", "--tickets", self.f("semi.csv"), "--open", self.f("semi.csv"),
                "--targets", self.f("t.txt"), "--separator=;", "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8") as fh:
            p = parse(fh.read())
        for i in ("scorecard", "kpi", "eisenhower"):
            self.assertEqual(p.ids.get(i), "section", i)
        self.assertEqual(run("report", "--tickets", "x", "--separator", "xx").returncode, 2)

    def test_standard_output(self):
        r = run("report", "--intervals", self.f("intervals.csv"), "--output", "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        p = parse(r.stdout)
        self.assertEqual(p.errors, [])
        self.assertIn("chart-staffing", p.ids)


if __name__ == "__main__":
    unittest.main()
