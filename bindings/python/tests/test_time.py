"""Tests of svcm.parse_time and svcm.Zone.

Expected instants come from the standard library: calendar.timegm and
datetime for UTC texts, and zoneinfo (the system's tzdata) for zones,
including PEP 495 fold=0 / fold=1 for skipped and repeated local times.
Zone tests that need the system's tzdata are skipped when it is missing.
"""
import calendar as pycal
import datetime
import os
import unittest

import svcm

try:
    import zoneinfo
except ImportError:  # pragma: no cover - Python < 3.9
    zoneinfo = None

ZONEINFO_DIR = os.environ.get("TZDIR") or "/usr/share/zoneinfo"


def have_zone(name):
    return zoneinfo is not None and os.path.exists(os.path.join(ZONEINFO_DIR, name))


def utc(*fields):
    return pycal.timegm(fields + (0,) * (6 - len(fields)))


class ParseTime(unittest.TestCase):
    def test_iso_forms(self):
        self.assertEqual(svcm.parse_time("2026-03-29"), utc(2026, 3, 29))
        self.assertEqual(svcm.parse_time("2026-03-29T12:34:56Z"), utc(2026, 3, 29, 12, 34, 56))
        self.assertEqual(svcm.parse_time("2026-03-29 12:34:56+08:00"),
                         utc(2026, 3, 29, 4, 34, 56))
        self.assertEqual(svcm.parse_time("2026-03-29T12:34-0530"), utc(2026, 3, 29, 18, 4))
        got = svcm.parse_time("2026-03-29T12:34:56.25Z")
        self.assertIsInstance(got, float)
        self.assertEqual(got, utc(2026, 3, 29, 12, 34, 56) + 0.25)
        self.assertIsInstance(svcm.parse_time("2026-03-29T12:34:56.000Z"), int)

    def test_formats_from_exports(self):
        self.assertEqual(svcm.parse_time("12/25/2013 11:59:08 PM", "%m/%d/%Y %I:%M:%S %p"),
                         utc(2013, 12, 25, 23, 59, 8))
        self.assertEqual(svcm.parse_time("29-02-2016 01:16", "%d-%m-%Y %H:%M"),
                         utc(2016, 2, 29, 1, 16))
        self.assertEqual(svcm.parse_time("990201", "%y%m%d"), utc(1999, 2, 1))
        self.assertEqual(svcm.parse_time("01/12/2010 08:26", "%d/%m/%Y %H:%M"),
                         utc(2010, 12, 1, 8, 26))
        self.assertEqual(svcm.parse_time("18 Feb 2026", fmt="%d %b %Y"), utc(2026, 2, 18))

    def test_epoch(self):
        self.assertEqual(svcm.parse_time("1700000000", epoch="s"), 1700000000)
        self.assertEqual(svcm.parse_time("1700000000500", epoch="ms"), 1700000000.5)
        self.assertEqual(svcm.parse_time("-1.5", epoch="s"), -1.5)
        with self.assertRaises(ValueError):
            svcm.parse_time("1", epoch="us")

    def test_refusals_carry_the_column(self):
        cases = [("20260218", None, 1), ("01/02/2010", None, 3), ("2026-02-30", None, 9),
                 ("2026-03-29T24:00", None, 12), ("2026-03-29Tx", None, 12),
                 ("13/01/2020", "%m/%d/%Y", 1)]
        for text, fmt, col in cases:
            with self.subTest(text=text):
                with self.assertRaises(svcm.FormatError) as cm:
                    svcm.parse_time(text, fmt)
                self.assertEqual(cm.exception.column, col)
                self.assertEqual(cm.exception.code, -5)
                self.assertIsNone(cm.exception.line)  # one line of text
                # issue 13: the position is in the attributes only
                self.assertNotIn("column", str(cm.exception))
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.parse_time("01/02/2010")
        self.assertIn("epoch s|ms", str(cm.exception))

    def test_bad_options(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.parse_time("7:02:47", "%H:%M:%S")
        self.assertEqual(cm.exception.field, "format")
        with self.assertRaises(svcm.InvalidInput):
            svcm.parse_time("1", "%Y", epoch="s")
        with self.assertRaises(ValueError):
            svcm.parse_time("2026-01-01", ambiguous="sometimes")
        with self.assertRaises(TypeError):
            svcm.parse_time("2026-01-01", tz=5)
        with self.assertRaises(svcm.FormatError):
            svcm.parse_time("2026-01-01", tz="+25:00")

    def test_tz_for_texts_without_offset(self):
        rule = "CET-1CEST,M3.5.0,M10.5.0/3"
        # 12:00 CEST is 10:00 UTC; an explicit offset wins over tz.
        self.assertEqual(svcm.parse_time("2026-07-01 12:00", tz=rule), utc(2026, 7, 1, 10))
        self.assertEqual(svcm.parse_time("2026-07-01 12:00Z", tz=rule), utc(2026, 7, 1, 12))
        self.assertEqual(svcm.parse_time("2026-07-01 12:00", tz=None), utc(2026, 7, 1, 12))
        z = svcm.Zone(rule)
        self.assertEqual(svcm.parse_time("2026-07-01 12:00", tz=z), utc(2026, 7, 1, 10))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.parse_time("2026-03-29 02:30", tz=z, ambiguous="error")
        self.assertIn("does not exist", str(cm.exception))


class ZoneTests(unittest.TestCase):
    def test_fixed_and_rule_zones(self):
        z = svcm.Zone("+05:45")
        self.assertEqual(z.name, "+05:45")
        self.assertEqual(z.offset(0), (20700, False))
        self.assertEqual(z.to_local(0), (1970, 1, 1, 5, 45, 0))
        ny = svcm.Zone("EST5EDT,M3.2.0,M11.1.0")
        self.assertEqual(ny.offset(utc(2026, 3, 8, 6, 59, 59)), (-18000, False))
        self.assertEqual(ny.offset(utc(2026, 3, 8, 7)), (-14400, True))
        self.assertEqual(ny.abbrev(utc(2026, 7, 1)), "EDT")
        self.assertIn("EST5EDT", repr(ny))

    def test_bad_specs(self):
        with self.assertRaises(svcm.FormatError):
            svcm.Zone("../etc/passwd")
        with self.assertRaises(svcm.NotFound):
            svcm.Zone("No_Such/Zone_Here")
        with self.assertRaises(svcm.InvalidInput):
            svcm.Zone("")
        with self.assertRaises(svcm.FormatError):
            svcm.Zone.from_bytes(b"TZif2 not really")
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.Zone("UTC").to_utc(2026, 2, 30)
        self.assertEqual(cm.exception.field, "day")
        with self.assertRaises(svcm.InvalidInput):
            svcm.Zone("UTC").to_utc(2026, 300, 1)

    @unittest.skipUnless(have_zone("Europe/Berlin") and have_zone("America/New_York"),
                         "system tzdata not installed")
    def test_offsets_match_zoneinfo(self):
        names = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
                 "America/Santiago", "Asia/Kolkata", "Europe/Dublin", "America/Nuuk"]
        for name in names:
            if not have_zone(name):
                continue
            ours, ref = svcm.Zone(name), zoneinfo.ZoneInfo(name)
            for t in range(-2208988800, 4102444800, 86400 * 7 + 3599):
                d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).astimezone(ref)
                want = (int(d.utcoffset().total_seconds()), bool(d.dst()))
                self.assertEqual(ours.offset(t), want, (name, t))
                self.assertEqual(ours.abbrev(t), d.tzname(), (name, t))

    @unittest.skipUnless(have_zone("Europe/Berlin") and have_zone("America/New_York"),
                         "system tzdata not installed")
    def test_to_utc_matches_pep495_fold(self):
        cases = [("Europe/Berlin", (2026, 3, 29, 2, 30)), ("Europe/Berlin", (2026, 10, 25, 2, 30)),
                 ("America/New_York", (2026, 3, 8, 2, 30)),
                 ("America/New_York", (2026, 11, 1, 1, 30)),
                 ("Europe/Berlin", (2026, 7, 1, 12, 0))]
        for name, f in cases:
            z, ref = svcm.Zone(name), zoneinfo.ZoneInfo(name)
            for fold, rule in ((0, "earlier"), (1, "later")):
                want = int(datetime.datetime(*f, tzinfo=ref, fold=fold).timestamp())
                self.assertEqual(z.to_utc(*f, ambiguous=rule), want, (name, f, rule))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.Zone("Europe/Berlin").to_utc(2026, 10, 25, 2, 30, ambiguous="error")
        self.assertIn("is ambiguous", str(cm.exception))

    @unittest.skipUnless(have_zone("Europe/Berlin"), "system tzdata not installed")
    def test_from_bytes_of_tzif_equals_named_zone(self):
        with open(os.path.join(ZONEINFO_DIR, "Europe/Berlin"), "rb") as f:
            data = f.read()
        a, b = svcm.Zone.from_bytes(data), svcm.Zone("Europe/Berlin")
        self.assertEqual(a.name, "TZif")
        for t in range(0, 4102444800, 86400 * 30):
            self.assertEqual(a.offset(t), b.offset(t))
        with self.assertRaises(svcm.FormatError):
            svcm.Zone.from_bytes(data[:-1])
        # the saved form is the TZif bytes, or the spec of a zone made from one
        self.assertEqual(a.to_bytes(), data)
        self.assertEqual(b.to_bytes(), b"Europe/Berlin")
        self.assertEqual(svcm.Zone.from_bytes(b"+05:30").offset(0), (19800, False))
        with self.assertRaises(svcm.FormatError):
            svcm.Zone.from_bytes(b"UTC\0junk")


if __name__ == "__main__":
    unittest.main()
