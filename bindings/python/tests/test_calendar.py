"""Tests of svcm.Calendar, svcm.sla and svcm.sla_compliance.

Instants are built with the standard library (calendar.timegm), an
independent date implementation; expected values are hand computations
written next to each case, a minute-by-minute count in pure Python over an
independent model of the schedule, Python's date.toordinal() for day
numbers, and the closed form of the Wilson interval (Wilson 1927).
"""
import array
import calendar as pycal
import datetime
import math
import os
import pickle
import random
import tempfile
import unittest

import svcm

H = 3600
DAY = 86400
NINE_TO_FIVE = [[("09:00", "17:00")]] * 5 + [[], []]


def at(y, mo, d, hh=0, mm=0, offset_min=0):
    """UTC instant of a local wall-clock time in a fixed offset."""
    return pycal.timegm((y, mo, d, hh, mm, 0)) - offset_min * 60


def model_open(week, holidays, offset_min, t):
    """Independent is-open: intervals as given, dates via datetime."""
    local = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=t + offset_min * 60)
    tod = local.hour * 3600 + local.minute * 60 + local.second
    if local.date() in holidays:
        return False
    wd = local.weekday()
    for s, e in week[wd]:
        if (s <= tod < e) if e > s else tod >= s:
            return True
    for s, e in week[(wd - 1) % 7]:
        if e < s and tod < e:
            return True
    return False


class DateTests(unittest.TestCase):
    def test_days_from_civil_matches_toordinal(self):
        for d in [datetime.date(1970, 1, 1), datetime.date(2000, 3, 1),
                  datetime.date(1, 1, 1), datetime.date(9999, 12, 31),
                  datetime.date(1600, 2, 29)]:
            n = svcm.days_from_civil(d.year, d.month, d.day)
            self.assertEqual(n, d.toordinal() - 719163)
            self.assertEqual(svcm.civil_from_days(n), (d.year, d.month, d.day))

    def test_days_from_civil_rejects_invalid_dates(self):
        with self.assertRaises(svcm.InvalidInput):
            svcm.days_from_civil(2023, 2, 29)
        with self.assertRaises(svcm.OutOfRange):
            svcm.civil_from_days(10**12)


class CalendarTests(unittest.TestCase):
    def setUp(self):
        self.cal = svcm.Calendar(0, NINE_TO_FIVE, [])

    def test_nine_to_five_over_a_weekend(self):
        fri16, mon10 = at(2026, 1, 9, 16), at(2026, 1, 12, 10)
        # Fri 16:00-17:00 (1 h) + Mon 09:00-10:00 (1 h)
        self.assertEqual(self.cal.business_seconds(fri16, mon10), 2 * H)
        self.assertEqual(self.cal.business_seconds(mon10, fri16), -2 * H)
        self.assertEqual(self.cal.add_business_seconds(fri16, 2 * H), mon10)
        # one hour lands on Friday's close, not Monday's opening
        self.assertEqual(self.cal.add_business_seconds(fri16, H), at(2026, 1, 9, 17))
        self.assertEqual(self.cal.add_business_seconds(at(2026, 1, 10, 12), 0), at(2026, 1, 10, 12))

    def test_open_close_and_next_open(self):
        mon9 = at(2026, 1, 12, 9)
        self.assertTrue(self.cal.is_open(mon9))
        self.assertFalse(self.cal.is_open(mon9 - 1))
        self.assertFalse(self.cal.is_open(at(2026, 1, 12, 17)))
        self.assertEqual(self.cal.next_open(at(2026, 1, 9, 17)), mon9)
        self.assertEqual(self.cal.next_open(mon9 + 7), mon9 + 7)

    def test_next_open_reaches_the_last_instant_of_the_range(self):
        # Regression: the answer 1e14 (a Saturday, 09:46:40 UTC) was reported
        # out of range. Open Saturdays 09:46:40-10:00 only.
        big = 10**14
        cal = svcm.Calendar(0, [None] * 5 + [[(35200, 36000)], None])
        self.assertEqual(cal.next_open(big - H), big)
        with self.assertRaises(svcm.OutOfRange):
            cal.next_open(big + 1)

    def test_holidays_as_strings_or_dates(self):
        for hol in (["2026-01-01"], [datetime.date(2026, 1, 1)]):
            cal = svcm.Calendar(0, NINE_TO_FIVE, hol)
            # Wed 12-17 (5 h), Thu holiday, Fri 09-12 (3 h)
            self.assertEqual(cal.business_seconds(at(2025, 12, 31, 12), at(2026, 1, 2, 12)), 8 * H)
            self.assertFalse(cal.is_open(at(2026, 1, 1, 10)))

    def test_overnight_shift_and_holiday_on_the_next_day(self):
        week = [[("22:00", "06:00")], [], [], [], [], [], []]
        mon = at(2026, 1, 12)
        cal = svcm.Calendar(0, week)
        self.assertEqual(cal.business_seconds(mon + 23 * H, mon + DAY + 5 * H), 6 * H)
        cal = svcm.Calendar(0, week, ["2026-01-13"])
        # Tuesday is a holiday: only Monday 22:00-24:00 counts
        self.assertEqual(cal.business_seconds(mon, mon + 2 * DAY), 2 * H)

    def test_seconds_since_midnight_and_negative_offset(self):
        week = [[(9 * H, 17 * H)]] * 5 + [None, None]
        cal = svcm.Calendar(-300, week)
        # Monday 09:00 in UTC-05:00 is 14:00Z
        self.assertTrue(cal.is_open(at(2026, 1, 12, 14)))
        self.assertFalse(cal.is_open(at(2026, 1, 12, 13, 59)))
        self.assertEqual(cal.business_seconds(at(2026, 1, 12), at(2026, 1, 13)), 8 * H)

    def test_random_spans_match_a_minute_by_minute_count(self):
        rng = random.Random(2026)
        for _ in range(6):
            week = [[] for _ in range(7)]
            for d in range(7):
                t = 0
                while rng.random() < 0.6 and t < 1380:
                    s = rng.randrange(t, 1420)
                    e = rng.randrange(s + 1, 1441)
                    week[d].append((s * 60, e * 60))
                    t = e + 1
            # overnight shifts: 23:00 to at most 01:00, before the next day's first interval
            for d in range(7):
                last_end = week[d][-1][1] if week[d] else 0
                nxt = week[(d + 1) % 7]
                first_next = nxt[0][0] if nxt else DAY
                if rng.random() < 0.5 and last_end <= 23 * H and first_next > 0:
                    week[d].append((23 * H, min(first_next, H)))
            offset = rng.randrange(-840, 841)
            base = at(2026, 3, 1) + rng.randrange(-5000, 5000) * DAY
            hol = {(datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=base)).date()
                   + datetime.timedelta(days=rng.randrange(0, 20)) for _ in range(3)}
            cal = svcm.Calendar(offset, week, sorted(hol))
            a = base + rng.randrange(0, 3 * DAY // 60) * 60
            b = a + rng.randrange(0, 14 * DAY // 60) * 60
            brute = sum(60 for t in range(a, b, 60) if model_open(week, hol, offset, t))
            self.assertEqual(cal.business_seconds(a, b), brute)

    def test_add_lands_at_or_before_end_with_the_same_position(self):
        rng = random.Random(7)
        cal = svcm.Calendar(120, [[("08:30", "12:00"), ("22:00", "02:00")]] * 6 + [[]],
                            ["2026-05-01", "2026-12-25"])
        for _ in range(300):
            s = at(2026, 1, 1) + rng.randrange(0, 365 * DAY)
            e = s + rng.randrange(0, 60 * DAY)
            n = cal.business_seconds(s, e)
            t = cal.add_business_seconds(s, n)
            self.assertLessEqual(t, e)
            self.assertEqual(cal.business_seconds(s, t), n)

    def test_batch_forms_accept_int64_buffers(self):
        starts = array.array("q", [at(2026, 1, 9, 16), at(2026, 1, 10)])
        ends = array.array("q", [at(2026, 1, 12, 10), at(2026, 1, 13)])
        # Sat 00:00 to Tue 00:00 holds only Monday: 8 h
        self.assertEqual(self.cal.business_seconds_batch(starts, ends), [2 * H, 8 * H])
        self.assertEqual(self.cal.add_business_seconds_batch(starts, [2 * H, 9 * H]),
                         [at(2026, 1, 12, 10), at(2026, 1, 13, 10)])
        with self.assertRaises(ValueError):
            self.cal.business_seconds_batch([1, 2], [3])

    def test_batch_forms_return_int64_columns(self):
        starts = [at(2026, 1, 9, 16), at(2026, 1, 10)]
        out = self.cal.business_seconds_batch(starts, [at(2026, 1, 12, 10), at(2026, 1, 13)])
        self.assertIsInstance(out, svcm.Column)
        self.assertEqual(out.typecode, "q")
        self.assertEqual(memoryview(out).format, "q")
        self.assertEqual(out.tolist(), [2 * H, 8 * H])
        due = self.cal.add_business_seconds_batch(starts, [2 * H, 9 * H])
        self.assertIsInstance(due, svcm.Column)
        self.assertEqual(list(due), [at(2026, 1, 12, 10), at(2026, 1, 13, 10)])
        empty = self.cal.business_seconds_batch([], [])
        self.assertEqual(len(empty), 0)
        self.assertEqual(memoryview(empty).format, "q")
        with self.assertRaises(svcm.InvalidInput) as cm:
            self.cal.add_business_seconds_batch([1, 2], [3, -4])
        self.assertEqual(cm.exception.index, 1)
        self.assertEqual(cm.exception.field, "seconds")

    def test_text_round_trip(self):
        text = ("utc_offset = +08:00\nmon = 09:00-12:00, 13:00-18:00\nsat = closed\n"
                "sun = 22:00-06:00\nholiday = 2026-01-01\n")
        cal = svcm.Calendar.parse(text)
        out = cal.to_text()
        self.assertTrue(out.startswith("utc_offset = +08:00\nmon = 09:00-12:00, 13:00-18:00\n"))
        self.assertIn("sun = 22:00-06:00\n", out)
        self.assertEqual(svcm.Calendar.parse(out).to_text(), out)
        same = svcm.Calendar(480, [[("09:00", "12:00"), ("13:00", "18:00")], [], [], [], [], [],
                                   [("22:00", "06:00")]], ["2026-01-01"])
        self.assertEqual(same.to_text(), out)

    def test_parse_error_names_the_line(self):
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.Calendar.parse("mon = 09:00-17:00\n\ntue = 25:00-26:00\n")
        e = cm.exception
        # issue 13: "tue = " is 6 bytes, the bad time starts at column 7
        self.assertEqual((e.line, e.column, e.index, e.field), (3, 7, None, "tue"))
        self.assertNotIn("line", str(e))
        self.assertTrue(str(e).startswith("field 'tue': "))
        self.assertIsInstance(cm.exception, ValueError)

    def test_bad_input(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.Calendar(0, [[("09:00", "12:00"), ("11:00", "13:00")], [], [], [], [], [], []])
        self.assertEqual(cm.exception.field, "overlap")
        self.assertIn("week[0][1]", str(cm.exception))
        with self.assertRaises(svcm.InvalidInput):
            svcm.Calendar(900, NINE_TO_FIVE)
        with self.assertRaises(svcm.InvalidInput):
            svcm.Calendar(0, NINE_TO_FIVE, ["2026-02-30"])
        with self.assertRaises(ValueError):
            svcm.Calendar(0, NINE_TO_FIVE[:6])
        with self.assertRaises(ValueError):
            svcm.Calendar(0, [[("9h", "17:00")]] + [[]] * 6)
        with self.assertRaises(TypeError):
            svcm.Calendar(0, [[(9.5, 17)]] + [[]] * 6)
        # Regression: text after an embedded NUL was silently ignored.
        with self.assertRaises(ValueError):
            svcm.Calendar(0, [[("09:00\0junk", "17:00")]] + [[]] * 6)
        with self.assertRaises(ValueError):
            svcm.Calendar(0, NINE_TO_FIVE, ["2026-01-01\0junk"])
        with self.assertRaises(svcm.OutOfRange):
            self.cal.business_seconds(0, 10**15)
        with self.assertRaises(svcm.InvalidInput):
            self.cal.add_business_seconds(0, -1)
        never = svcm.Calendar()
        with self.assertRaises(svcm.NotFound):
            never.next_open(0)
        self.assertEqual(never.business_seconds(0, 10**6), 0)


BERLIN = "CET-1CEST,M3.5.0,M10.5.0/3"
SYDNEY = "AEST-10AEDT,M10.1.0,M4.1.0/3"


def _sunday(y, mo, last):
    """Day of the month of the first (or last) Sunday of a month."""
    days = pycal.monthrange(y, mo)[1]
    order = range(days, 0, -1) if last else range(1, days + 1)
    return next(d for d in order if datetime.date(y, mo, d).weekday() == 6)


def berlin_offset(t):
    """EU rule (Directive 2000/84/EC): UTC+2 from 01:00 UTC on the last
    Sunday of March to 01:00 UTC on the last Sunday of October, else UTC+1."""
    y = (datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=t)).year
    on = at(y, 3, _sunday(y, 3, True), 1)
    off = at(y, 10, _sunday(y, 10, True), 1)
    return 120 if on <= t < off else 60


def sydney_offset(t):
    """New South Wales: UTC+11 from 02:00 AEST on the first Sunday of
    October to 03:00 AEDT on the first Sunday of April, else UTC+10."""
    y = (datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=t)).year
    end = at(y, 4, _sunday(y, 4, False), 3, 0, 660)
    start = at(y, 10, _sunday(y, 10, False), 2, 0, 600)
    return 660 if t < end or t >= start else 600


def _zoneinfo_dir():
    d = os.environ.get("TZDIR") or "/usr/share/zoneinfo"
    return d if os.path.exists(os.path.join(d, "Europe", "Berlin")) else None


class ZonedCalendarTests(unittest.TestCase):
    """Issue 15: calendars in local time with daylight saving. 2026: Berlin
    springs forward on Sunday 29 March and falls back on Sunday 25 October."""

    TEXT = "zone = %s\nmon = 09:00-17:00\ntue = 09:00-17:00\nwed = 09:00-17:00\n" \
           "thu = 09:00-17:00\nfri = 09:00-17:00\n"

    def check_berlin(self, cal):
        fri = at(2026, 3, 27, 16, 0, 60)    # Friday 16:00 CET
        mon = at(2026, 3, 30, 10, 0, 120)   # Monday 10:00 CEST
        self.assertEqual(cal.business_seconds(fri, mon), 7200)
        self.assertEqual(cal.add_business_seconds(fri, 7200), mon)
        self.assertEqual(cal.next_open(at(2026, 3, 28, 12, 0, 60)), at(2026, 3, 30, 9, 0, 120))
        self.assertTrue(cal.is_open(at(2026, 7, 1, 9, 0, 120)))
        self.assertFalse(cal.is_open(at(2026, 7, 1, 9, 0, 120) - 1))

    def test_parse_zone_rule_is_exact_across_the_changeover(self):
        self.check_berlin(svcm.Calendar.parse(self.TEXT % BERLIN))

    @unittest.skipUnless(_zoneinfo_dir(), "no zone files (tzdata): Europe/Berlin by name skipped")
    def test_parse_zone_name_europe_berlin(self):
        cal = svcm.Calendar.parse(self.TEXT % "Europe/Berlin")
        self.check_berlin(cal)
        self.assertTrue(cal.to_text().startswith("zone = Europe/Berlin\n"))

    def test_constructor_takes_the_zone(self):
        cal = svcm.Calendar(week=NINE_TO_FIVE, zone=BERLIN)
        self.check_berlin(cal)
        self.assertEqual(cal.to_text(), svcm.Calendar.parse(self.TEXT % BERLIN).to_text())
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.Calendar(60, NINE_TO_FIVE, zone=BERLIN)
        self.assertEqual(cm.exception.field, "zone")
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.Calendar(week=NINE_TO_FIVE, zone="CET-1CEST,M3.5.0")
        self.assertEqual(cm.exception.field, "zone")
        with self.assertRaises(ValueError):
            svcm.Calendar(week=NINE_TO_FIVE, zone="UTC\0junk")

    def test_sunday_of_23_and_25_hours(self):
        cal = svcm.Calendar(week=[[]] * 6 + [[("00:00", "24:00")]], zone=BERLIN)
        self.assertEqual(cal.business_seconds(at(2026, 3, 29, 0, 0, 60), at(2026, 3, 30, 0, 0, 120)),
                         82800)
        self.assertEqual(cal.business_seconds(at(2026, 10, 25, 0, 0, 120),
                                              at(2026, 10, 26, 0, 0, 60)), 90000)
        # Batch forms agree.
        self.assertEqual(cal.business_seconds_batch([at(2026, 3, 29, 0, 0, 60)],
                                                    [at(2026, 3, 30, 0, 0, 120)]), [82800])
        self.assertEqual(cal.add_business_seconds_batch([at(2026, 10, 25, 0, 0, 120)], [90000]),
                         [at(2026, 10, 26, 0, 0, 60)])

    def test_random_spans_match_a_minute_by_minute_count(self):
        rng = random.Random(15)
        week = [[] for _ in range(7)]
        week[0] = [(9 * H, 17 * H)]
        week[4] = [(22 * H, 2 * H)]
        week[6] = [(H + 1800, 3 * H + 1800)]   # covers the gap and the repeated hour
        hol = {datetime.date(2026, 3, 30), datetime.date(2026, 10, 23)}
        for zone, offset in ((BERLIN, berlin_offset), (SYDNEY, sydney_offset)):
            cal = svcm.Calendar(week=week, holidays=sorted(hol), zone=zone)
            for _ in range(25):
                month = rng.choice([3, 4, 10])
                a = at(2026, month, 1) + rng.randrange(0, 30 * 1440) * 60
                b = a + rng.randrange(0, 4 * 1440) * 60
                want = sum(60 for t in range(a, b, 60)
                           if model_open(week, hol, offset(t), t))
                self.assertEqual(cal.business_seconds(a, b), want, (zone, a, b))

    def test_text_round_trip_pickle_and_errors(self):
        cal = svcm.Calendar.parse("Zone = %s  # Sydney\nsat = 00:00-24:00\n" % SYDNEY)
        text = cal.to_text()
        self.assertTrue(text.startswith("zone = %s\n" % SYDNEY))
        self.assertEqual(svcm.Calendar.parse(text).to_text(), text)
        self.assertEqual(pickle.loads(pickle.dumps(cal)).to_text(), text)
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.Calendar.parse("zone = %s\nutc_offset = +01:00\n" % BERLIN)
        self.assertEqual((cm.exception.line, cm.exception.column, cm.exception.field),
                         (2, 1, "utc_offset"))
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.Calendar.parse("zone = CET-1CEST,M3.5.0\n")
        self.assertEqual((cm.exception.line, cm.exception.column, cm.exception.field),
                         (1, 24, "zone"))
        saved = os.environ.get("TZDIR")
        with tempfile.TemporaryDirectory() as empty:
            os.environ["TZDIR"] = empty
            try:
                with self.assertRaises(svcm.NotFound) as cm:
                    svcm.Calendar.parse("mon = closed\nzone = Nowhere/Atlantis\n")
            finally:
                if saved is None:
                    del os.environ["TZDIR"]
                else:
                    os.environ["TZDIR"] = saved
        self.assertEqual((cm.exception.line, cm.exception.column, cm.exception.field),
                         (2, 8, "zone"))

    def test_zoned_range_is_the_years_0000_to_9999(self):
        cal = svcm.Calendar(week=NINE_TO_FIVE, zone=BERLIN)
        last = at(9999, 12, 31, 23, 59) + 59
        cal.is_open(last)
        with self.assertRaises(svcm.OutOfRange):
            cal.is_open(last + 1)
        with self.assertRaises(svcm.OutOfRange):
            cal.business_seconds(at(1, 1, 1) - 366 * DAY - 1, 0)

    def test_sla_on_a_zoned_calendar(self):
        cal = svcm.Calendar(week=NINE_TO_FIVE, zone=BERLIN)
        r = svcm.sla(cal, at(2026, 3, 27, 16, 0, 60), resolved=at(2026, 3, 30, 10, 0, 120),
                     response_target=H, resolution_target=4 * H, now=at(2026, 3, 31))
        self.assertEqual(r.resolution.elapsed, 7200)
        self.assertTrue(r.resolution.met)
        self.assertEqual(r.resolution.due, at(2026, 3, 30, 12, 0, 120))



class SlaTests(unittest.TestCase):
    def setUp(self):
        self.cal = svcm.Calendar(0, NINE_TO_FIVE)

    def test_resolved_ticket_over_a_weekend_with_a_pause(self):
        # created Fri 16:00, answered Mon 09:30, on hold Mon 12-14,
        # resolved Tue 11:00; targets 1 h and 8 h.
        r = svcm.sla(self.cal, at(2026, 1, 9, 16), at(2026, 1, 12, 9, 30), at(2026, 1, 13, 11),
                     [(at(2026, 1, 12, 12), at(2026, 1, 12, 14))],
                     response_target=H, resolution_target=8 * H, now=at(2026, 1, 14))
        # response: 1 h Friday + 30 min Monday
        self.assertEqual(r.response.elapsed, 5400)
        self.assertEqual(r.response.due, at(2026, 1, 9, 17))
        self.assertTrue(r.response.breached)
        self.assertFalse(r.response.met)
        # resolution: 11 h minus the 2 h pause = 9 h; due Tue 10:00
        self.assertEqual(r.resolution.elapsed, 9 * H)
        self.assertEqual(r.resolution.remaining, -H)
        self.assertEqual(r.resolution.due, at(2026, 1, 13, 10))

    def test_open_ticket_on_hold(self):
        r = svcm.sla(self.cal, at(2026, 1, 12, 9), pauses=[(at(2026, 1, 12, 10), None)],
                     response_target=2 * H, resolution_target=16 * H, now=at(2026, 1, 12, 15))
        self.assertEqual(r.response.elapsed, H)
        self.assertEqual(r.response.due, at(2026, 1, 12, 16))
        self.assertFalse(r.response.stopped)

    def test_no_business_time_gives_no_due(self):
        r = svcm.sla(svcm.Calendar(), 0, response_target=H, resolution_target=H, now=100)
        self.assertIsNone(r.response.due)

    def test_bad_ticket(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.sla(self.cal, 1000, resolved=500, response_target=H, resolution_target=H,
                     now=2000)
        self.assertEqual(cm.exception.field, "resolved")
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.sla(self.cal, 1000, pauses=[(1100, 1300), (1200, 1400)], response_target=H,
                     resolution_target=H, now=2000)
        self.assertEqual(cm.exception.field, "pause.start")
        self.assertEqual(cm.exception.index, 1)
        with self.assertRaises(TypeError):
            svcm.sla(self.cal, 1000, response_target=H, now=2000)
        with self.assertRaises(TypeError):
            svcm.sla("cal", 1000, response_target=H, resolution_target=H, now=2000)

    def test_confidence_next_to_one_never_gives_nan(self):
        # Regression: confidence 1 - 2**-53 returned a NaN Wilson interval.
        mon9 = at(2026, 1, 12, 9)
        try:
            s = svcm.sla_compliance(self.cal, [mon9], [mon9 + 60], [mon9 + H],
                                    response_target=H, resolution_target=8 * H,
                                    now=mon9 + 2 * H, confidence=math.nextafter(1.0, 0.0))
        except svcm.InvalidInput as e:
            self.assertEqual(e.field, 'confidence')
        else:
            self.assertFalse(math.isnan(s.response.ci[0]))

    def test_compliance_counts_and_wilson_interval(self):
        mon9 = at(2026, 1, 12, 9)
        created = [mon9, mon9, mon9, at(2026, 1, 14, 11, 30), at(2026, 1, 13, 16)]
        first = [mon9 + 1800, mon9 + 2 * H, mon9 + 600, None, None]
        resolved = [mon9 + 3 * H, mon9 + 7 * H, None, None, None]
        s, per = svcm.sla_compliance(self.cal, created, first, resolved, response_target=H,
                                     resolution_target=8 * H, now=at(2026, 1, 14, 12),
                                     per_ticket=True)
        self.assertEqual((s.response.met, s.response.breached, s.response.pending), (2, 2, 1))
        self.assertEqual((s.resolution.met, s.resolution.breached, s.resolution.pending),
                         (2, 1, 2))
        z = 1.959963984540054
        n, p = 4, 0.5
        center = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        self.assertAlmostEqual(s.response.ci[0], center - half, places=12)
        self.assertAlmostEqual(s.response.ci[1], center + half, places=12)
        self.assertEqual(per[4].response.elapsed, 4 * H)
        # per_ticket is a table: columns per metric field, rows are records
        self.assertIsInstance(per, svcm.Table)
        self.assertEqual(len(per), 5)
        self.assertEqual(per.columns[:3],
                         ("response_elapsed", "response_remaining", "response_due"))
        self.assertEqual(memoryview(per.response_elapsed).format, "q")
        self.assertEqual(memoryview(per.resolution_met).format, "B")
        for i, r in enumerate(per):
            for metric in ("response", "resolution"):
                m = getattr(r, metric)
                for field in ("elapsed", "remaining", "due", "stopped", "met", "breached"):
                    col = getattr(per, metric + "_" + field)
                    self.assertEqual(col[i], int(getattr(m, field)), (i, metric, field))
        only = svcm.sla_compliance(self.cal, created, first, resolved, response_target=[H] * 5,
                                   resolution_target=8 * H, now=at(2026, 1, 14, 12),
                                   pauses=[[], [], [], None, [(at(2026, 1, 14, 9), None)]])
        # The last ticket is on hold since Wed 09:00: its response clock shows
        # Tue 16-17 = 1 h, not over the 1 h target, so it is pending now.
        self.assertEqual((only.response.met, only.response.breached, only.response.pending),
                         (2, 1, 2))
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.sla_compliance(self.cal, created, first, [None, None, mon9 - 1, None, None],
                                response_target=H, resolution_target=H, now=at(2026, 1, 14, 12))
        self.assertEqual(cm.exception.index, 2)
        self.assertEqual(cm.exception.field, "resolved")
        # int64 buffers use svcm.SLA_NONE for "none yet"
        none = svcm.SLA_NONE
        buf = svcm.sla_compliance(self.cal, array.array("q", created),
                                  array.array("q", [f if f is not None else none for f in first]),
                                  array.array("q", [r if r is not None else none for r in resolved]),
                                  response_target=H, resolution_target=8 * H,
                                  now=at(2026, 1, 14, 12))
        self.assertEqual(buf, s)
        empty = svcm.sla_compliance(self.cal, [], response_target=H, resolution_target=H, now=0)
        self.assertTrue(math.isnan(empty.response.rate))


if __name__ == "__main__":
    unittest.main()
