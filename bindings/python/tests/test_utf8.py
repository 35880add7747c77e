"""Text the library stores is UTF-8 or refused (issue 12, item 6).

Latin-1 bytes given to Cycle.load used to load, after which .actions, .audit
and .save() raised UnicodeDecodeError. Loaders now refuse invalid UTF-8 with
svcm.FormatError with the .line and .column of the first bad byte (issue 13:
not in the message); valid UTF-8 in
any script round-trips unchanged. Error messages that quote the input never
cut a UTF-8 sequence in two (they would not decode).
"""
import unittest

import svcm

HAVE_PDCA = hasattr(svcm, "Cycle")
HAVE_SEGMENT = hasattr(svcm, "Policy")
HAVE_CALENDAR = hasattr(svcm, "Calendar")

CAFE, TOKYO, EMOJI = "café", "東京", "😀👍🏽"


def first_bad_byte(data: bytes) -> int:
    """Python's own strict UTF-8 decoder says where the text goes wrong."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start
    raise AssertionError("valid UTF-8: %r" % data)


def position(data: bytes, offset: int) -> tuple:
    """The 1-based line and byte column of a 0-based byte offset."""
    bol = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - bol + 1


@unittest.skipUnless(HAVE_PDCA, "pdca engine not built")
class CycleLoadTest(unittest.TestCase):
    def sample(self, title="T", owner="O"):
        c = svcm.Cycle(title, "M", True, 1.0, 2.0, 99, owner=owner)
        c.add_action("D", "W", 5)
        c.start(10, "A", "N")
        return c

    def test_latin1_bytes_are_refused_with_line_and_column(self):
        text = self.sample().save()
        bad = text.replace(b'title "T"', b'title "caf\xe9"')
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.Cycle.load(bad)
        e = cm.exception
        self.assertEqual((e.line, e.column), (3, 11))  # title "caf| is 10 bytes
        self.assertEqual((e.line, e.column), position(bad, first_bad_byte(bad)))
        self.assertIsNone(e.index)
        self.assertEqual(e.code, svcm.codes["EFORMAT"])
        self.assertEqual(str(e), "invalid UTF-8")

    def test_invalid_utf8_in_every_record_is_refused(self):
        text = self.sample().save()
        kuhn = [
            b"caf\xe9",              # Latin-1
            b"\xc0\xaf",             # overlong '/'
            b"\xe0\x80\xaf",         # overlong '/', three bytes
            b"\xed\xa0\x80",         # surrogate U+D800
            b"\xf4\x90\x80\x80",     # above U+10FFFF
            b"\x80",                 # lone continuation byte
            b"\xe2\x82",             # truncated sequence
        ]
        for old in (b'"T"', b'"O"', b'"D"', b'"W"', b'"A"', b'"N"'):
            for seq in kuhn:
                bad = text.replace(old, b'"x' + seq + b'"', 1)
                with self.subTest(record=old, seq=seq):
                    with self.assertRaises(svcm.FormatError) as cm:
                        svcm.Cycle.load(bad)
                    e = cm.exception
                    self.assertEqual((e.line, e.column), position(bad, first_bad_byte(bad)))
                    self.assertIn("invalid UTF-8", str(e))

    def test_escapes_that_spell_invalid_utf8_are_refused(self):
        text = self.sample().save()
        bad = text.replace(b'title "T"', b'title "caf\\xE9"')
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.Cycle.load(bad)
        e = cm.exception
        self.assertEqual((e.line, e.column), position(bad, bad.index(b"\\xE9")))
        self.assertEqual((e.field, str(e)), ("title", "field 'title': invalid UTF-8"))
        ok = svcm.Cycle.load(text.replace(b'title "T"', b'title "caf\\xC3\\xA9"'))
        self.assertEqual(ok.title, CAFE)

    def test_multibyte_text_round_trips_unchanged(self):
        c = svcm.Cycle(CAFE + " " + TOKYO, TOKYO, True, 1.0, 2.0, 99, owner=EMOJI, unit="€")
        c.add_action(EMOJI + " triage", CAFE, 5)
        c.start(10, TOKYO, EMOJI)
        text = c.save().decode("utf-8")
        for blob in (text.encode("utf-8"), bytearray(text.encode("utf-8"))):
            d = svcm.Cycle.load(blob)
            self.assertEqual(d.title, CAFE + " " + TOKYO)
            self.assertEqual(d.owner, EMOJI)
            self.assertEqual(d.metric, TOKYO)
            self.assertEqual(d.unit, "€")
            self.assertEqual(d.actions, c.actions)
            self.assertEqual(d.actions[0].description, EMOJI + " triage")
            self.assertEqual(d.audit, c.audit)
            self.assertEqual((d.audit[0].actor, d.audit[0].note), (TOKYO, EMOJI))
            self.assertEqual(d.save().decode("utf-8"), text)
        self.assertIn("title \"café 東京\"\n", text)  # written as is, not escaped


@unittest.skipUnless(HAVE_SEGMENT, "segment engine not built")
class PolicyTextTest(unittest.TestCase):
    def test_utf8_comments_are_accepted(self):
        p = svcm.Policy.from_text("# %s %s %s\nchurn_days = 10 # %s\n" % (CAFE, TOKYO, EMOJI, EMOJI))
        self.assertEqual(p.churn_days, 10)

    def test_unknown_key_quote_does_not_cut_a_character(self):
        # 39 ASCII bytes then 'é': a quote of 40 bytes would end inside it,
        # and the message would not decode (UnicodeDecodeError, not FormatError).
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.Policy.from_text("x" * 39 + "é = 1\n")
        self.assertIn("unknown key '" + "x" * 39 + "'", str(cm.exception))


@unittest.skipUnless(HAVE_CALENDAR, "calendar engine not built")
class CalendarTextTest(unittest.TestCase):
    def test_utf8_comments_are_accepted(self):
        a = svcm.Calendar.parse("mon = 09:00-17:00\n")
        b = svcm.Calendar.parse("# %s %s\nmon = 09:00-17:00 # %s\n" % (CAFE, TOKYO, EMOJI))
        self.assertEqual(a.to_text(), b.to_text())

    def test_unknown_key_quote_does_not_cut_a_character(self):
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.Calendar.parse("x" * 39 + "é = closed\n")
        self.assertIn("unknown key '" + "x" * 39 + "'", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
