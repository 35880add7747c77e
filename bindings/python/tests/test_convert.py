"""How the binding reads the caller's numbers (bindings/python/convert.c and
every site that converts a user's object to a number).

- A user's __float__ / __index__ that raises (any exception, even
  KeyboardInterrupt or MemoryError) propagates unchanged instead of being
  replaced by a TypeError; an object that is simply not a number keeps the
  binding's own TypeError message.
- Buffers of every numeric format, native or with a byte-order prefix ('<d',
  '>q', '=i', '!h'), misaligned (a view starting at an odd address),
  strided or without strides (ctypes) are read correctly, element by element
  through an aligned copy: the C library dereferences double / int64_t
  pointers, so it must never get a misaligned one. Run under
  -fsanitize=alignment by tests/ubsan/run-alignment.sh, the batch test below
  (every batch function, every format, misaligned) aborts on any misaligned
  load.
"""
import array
import ctypes
import datetime
import os
import struct
import subprocess
import sys
import unittest

import svcm
import test_misuse as misuse

# numpy's own import leaks under memcheck (meson test --setup valgrind): the
# numpy cases run everywhere else, the rest under valgrind too.
np = None
if "vgpreload" not in os.environ.get("LD_PRELOAD", ""):
    try:
        import numpy as np
    except ImportError:  # the numpy cases skip themselves
        pass

pd = None
if np is not None:
    try:
        import pandas as pd
    except ImportError:  # the pandas cases skip themselves
        pass

DAY = 86400
HOUR = 3600
NINE_TO_FIVE = [[("09:00", "17:00")]] * 5 + [[], []]


class HookError(Exception):
    """The test's own exception, raised by conversion hooks."""


class Raises:
    """A number whose __float__ and __index__ raise exc."""

    def __init__(self, exc):
        self.exc = exc

    def __float__(self):
        raise self.exc

    def __index__(self):
        raise self.exc


EXCEPTIONS = (HookError("hook"), KeyboardInterrupt(), MemoryError(), TypeError("user's own"))


def cal():
    return svcm.Calendar(0, NINE_TO_FIVE)


class UserExceptionTest(unittest.TestCase):
    """Each site that reads a user's number, with each exception."""

    SITES = {
        "svcmpy_doubles (consistency)": lambda x: svcm.consistency([1.0, x, 3.0]),
        "svcmpy_doubles (Moments)": lambda x: svcm.Moments([1.0, x]),
        "svcmpy_doubles (NPS.add)": lambda x: svcm.NPS().add([9, x]),
        "svcmpy_doubles (Sketch.add)": lambda x: svcm.Sketch().add((1.0, x)),
        "svcmpy_int64s (days_since)": lambda x: svcm.days_since([0, x], DAY),
        "svcmpy_int64s (migration ids)": lambda x: svcm.migration([1, x], [0, 1], [1], [0]),
        "sla first_response": lambda x: svcm.sla(cal(), 0, x, response_target=HOUR,
                                                 resolution_target=HOUR, now=DAY),
        "sla pause start": lambda x: svcm.sla(cal(), 0, pauses=[(x, 20)], response_target=HOUR,
                                              resolution_target=HOUR, now=DAY),
        "sla_compliance first_response list": lambda x: svcm.sla_compliance(
            cal(), [0, 0], [60, x], response_target=HOUR, resolution_target=HOUR, now=DAY),
        "agents_needed max_occupancy": lambda x: svcm.agents_needed(
            100, 180.0, 1800.0, 20.0, 0.8, max_occupancy=x),
        "contact_metrics_batch count": lambda x: svcm.contact_metrics_batch(
            [dict(answered=1), dict(abandoned=x)]),
        "segment_records number": lambda x: svcm.segment_records(
            [(1, 10.0, 1, 5.0), (2, x, 1, 5.0)]),
        "segment_records id": lambda x: svcm.segment_records([(1, 10.0, 1, 5.0), (x, 1, 1, 5.0)]),
    }

    def test_user_exception_propagates_from_every_site(self):
        for site, call in self.SITES.items():
            for exc in EXCEPTIONS:
                with self.subTest(site, exc=type(exc).__name__):
                    with self.assertRaises(type(exc)) as cm:
                        call(Raises(exc))
                    self.assertIs(cm.exception, exc)

    def test_not_a_number_keeps_the_binding_message(self):
        cases = [
            (lambda: svcm.consistency([1.0, "x"]), TypeError, "values[1]: expected a number, got str"),
            (lambda: svcm.days_since([0, "x"], DAY), TypeError, "instants[1]: expected a number, got str"),
            (lambda: svcm.days_since([0, 1.5], DAY), ValueError,
             "instants[1]: not an integer in the int64 range"),
            (lambda: svcm.days_since([0, 2 ** 63], DAY), ValueError,
             "instants[1]: not an integer in the int64 range"),
            (lambda: svcm.sla(cal(), 0, "x", response_target=HOUR, resolution_target=HOUR,
                              now=DAY), TypeError, "first_response must be an int instant or None"),
            (lambda: svcm.sla_compliance(cal(), [0], ["x"], response_target=HOUR,
                                         resolution_target=HOUR, now=DAY),
             TypeError, "first_response[0]: expected an int instant or None"),
            (lambda: svcm.agents_needed(100, 180.0, 1800.0, 20.0, 0.8, max_occupancy="x"),
             TypeError, "max_occupancy: expected a number or None"),
            (lambda: svcm.contact_metrics_batch([dict(answered="x")]), TypeError,
             "counts[0].answered: expected a number"),
            (lambda: svcm.segment_records([(1, "x", 1, 5.0)]), TypeError,
             "records[0].recency: expected a number"),
            (lambda: svcm.segment_records([("a", 1, 1, 5.0)]), TypeError,
             "records[0].id: expected an int64"),
        ]
        for call, cls, msg in cases:
            with self.subTest(msg):
                with self.assertRaises(cls) as cm:
                    call()
                self.assertEqual(str(cm.exception), msg)

    def test_int_too_large_for_a_double_names_the_item(self):
        with self.assertRaises(OverflowError) as cm:
            svcm.consistency([1.0, 2 ** 2000])
        self.assertEqual(str(cm.exception), "values[1]: int too large to convert to float")

    def test_iteration_errors_of_the_sequence_propagate(self):
        class Seq:
            def __len__(self):
                return 3

            def __getitem__(self, i):
                raise KeyboardInterrupt

        with self.assertRaises(KeyboardInterrupt):
            svcm.consistency(Seq())

        class Row:
            def __iter__(self):
                raise KeyboardInterrupt

        with self.assertRaises(KeyboardInterrupt):
            svcm.segment_records([Row()])

    def test_holiday_attribute_errors_of_the_object_propagate(self):
        class Day:
            month = 1
            day = 1

            @property
            def year(self):
                raise KeyboardInterrupt

        with self.assertRaises(KeyboardInterrupt):
            svcm.Calendar(0, NINE_TO_FIVE, [Day()])
        with self.assertRaises(TypeError):  # no such attribute: the binding's TypeError
            svcm.Calendar(0, NINE_TO_FIVE, [object()])
        self.assertIsNotNone(svcm.Calendar(0, NINE_TO_FIVE, [datetime.date(2026, 1, 1)]))

    def test_numbers_with_hooks_still_convert(self):
        class Num:
            def __float__(self):
                return 2.0

            def __index__(self):
                return 2

        self.assertEqual(svcm.consistency([1.0, Num(), 3.0]).mean, 2.0)
        self.assertEqual(list(svcm.days_since([0, Num()], DAY)), [1.0, 1.0 - 2 / DAY])
        self.assertIn(svcm.segment_records([(Num(), Num(), 1, 5.0)]).tiers[0], range(5))


# ----------------------------------------------------------------- buffers

NATIVE_CODES = "bBhHiIlLqQnNfd?"


def misaligned(code, values):
    """A memoryview of format code holding values, one byte past an aligned
    address (bytearray data is at least 8-aligned)."""
    raw = struct.pack("@%d%s" % (len(values), code), *values)
    return memoryview(bytearray(b"\0" + raw))[1:].cast(code)


def stored(code, values):
    """values as a buffer of format code holds them, as a list for the
    reference call (ints where integral: lists of instants take only ints)."""
    fmt = "@%d%s" % (len(values), code)
    return ints(struct.unpack(fmt, struct.pack(fmt, *values)))


def ints(values):
    return [int(v) if float(v).is_integer() else v for v in values]


class BufferTest(unittest.TestCase):
    V = [3.0, 1.0, 2.0, 7.0]

    def test_misaligned_native_buffers_read_correctly(self):
        want = svcm.consistency(self.V)
        for code in NATIVE_CODES.replace("?", ""):
            with self.subTest(code):
                view = misaligned(code, [int(v) if code not in "fd" else v for v in self.V])
                self.assertEqual(svcm.consistency(view), want)
                self.assertEqual(svcm.days_since(view, 10), svcm.days_since([3, 1, 2, 7], 10))

    def test_ctypes_arrays_without_strides(self):
        # ctypes exports its arrays with strides = NULL: this crashed.
        code = ("import ctypes, svcm\n"
                "print(svcm.consistency((ctypes.c_double * 3)(1, 2, 3)).mean)\n"
                "print(svcm.consistency((ctypes.c_int * 3)(1, 2, 3)).mean)\n"
                "print(list(svcm.days_since((ctypes.c_int64 * 2)(0, 86400), 86400)))\n")
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr[-1500:])
        self.assertEqual(p.stdout.split("\n")[:3], ["2.0", "2.0", "[1.0, 0.0]"])

    def test_ctypes_byte_orders_and_misaligned(self):
        be = (ctypes.c_double.__ctype_be__ * 3)(1.0, 2.0, 6.0)
        le = (ctypes.c_double.__ctype_le__ * 3)(1.0, 2.0, 6.0)
        self.assertEqual({memoryview(be).format, memoryview(le).format}, {">d", "<d"})
        self.assertEqual(svcm.consistency(be).mean, 3.0)
        self.assertEqual(svcm.consistency(le).mean, 3.0)
        raw = bytearray(1 + 3 * 8)
        odd = (ctypes.c_double.__ctype_be__ * 3).from_buffer(raw, 1)
        odd[:] = [1.0, 2.0, 6.0]
        self.assertEqual(svcm.consistency(odd).mean, 3.0)
        q = (ctypes.c_int64.__ctype_be__ * 2).from_buffer(bytearray(17), 1)
        q[:] = [0, DAY]
        self.assertEqual(list(svcm.days_since(q, DAY)), [1.0, 0.0])

    @unittest.skipIf(np is None, "numpy is not installed (or under valgrind)")
    def test_numpy_byte_orders_are_swapped_not_read_as_native(self):
        for dt in (">f8", "<f8", "=f8", ">f4", ">i8", ">u8", ">i4", ">u4", ">i2", ">u2",
                   "<i4", "<u2"):
            with self.subTest(dt):
                a = np.array([3, 1, 2, 7], dtype=dt)
                self.assertEqual(svcm.consistency(a), svcm.consistency(self.V))
                self.assertEqual(svcm.days_since(a, 10), svcm.days_since([3, 1, 2, 7], 10))
                odd = np.frombuffer(b"\0" + a.tobytes(), dtype=dt, offset=1)
                self.assertFalse(odd.flags.aligned)
                self.assertEqual(svcm.consistency(odd), svcm.consistency(self.V))
                self.assertEqual(svcm.days_since(odd, 10), svcm.days_since([3, 1, 2, 7], 10))
        big = np.array([2 ** 62, -5], dtype=">i8")
        self.assertEqual(svcm.migration(big, [0, 1], [-5], [2]).gone, (1, 0, 0, 0, 0))

    @unittest.skipIf(np is None, "numpy is not installed (or under valgrind)")
    def test_numpy_unsigned_beyond_int64_is_refused_for_ints(self):
        a = np.array([1, 2 ** 63], dtype=">u8")
        with self.assertRaises(ValueError) as cm:
            svcm.days_since(a, 10)
        self.assertIn("instants[1]", str(cm.exception))
        self.assertEqual(svcm.consistency(a).max, 2.0 ** 63)

    def test_strided_and_reversed_views(self):
        a = array.array("d", [3.0, 9.0, 1.0, 9.0, 2.0, 9.0, 7.0, 9.0])
        self.assertEqual(svcm.consistency(memoryview(a)[::2]), svcm.consistency(self.V))
        self.assertEqual(svcm.consistency(memoryview(a)[::-2]).n, 4)

    def test_unsupported_formats_are_refused(self):
        views = [memoryview(b"ab").cast("c"), (ctypes.c_char * 2)()]
        if np is not None:
            views += [np.zeros(2, "f2"), np.zeros(2, "c16"), np.zeros(2, "i4,i4")]
        for view in views:
            with self.subTest(memoryview(view).format):
                with self.assertRaises(TypeError) as cm:
                    svcm.consistency(view)
                self.assertIn("unsupported buffer format", str(cm.exception))

    @unittest.skipIf(np is None, "numpy is not installed (or under valgrind)")
    def test_huge_stride_zero_view_is_refused_not_overflowed(self):
        # 2**62 items of one byte (a stride-0 broadcast): the 8-byte copy's
        # size used to wrap around to 0 and the copy wrote past it.
        code = ("import numpy as np, svcm\n"
                "a = np.broadcast_to(np.uint8(1), (2 ** 62,))\n"
                "try:\n"
                "    svcm.consistency(a)\n"
                "except MemoryError:\n"
                "    print('MemoryError')\n")
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual((p.returncode, p.stdout.strip()), (0, "MemoryError"), p.stderr[-1500:])


class ArrayLike:
    """An object without the buffer protocol that gives its array through
    __array__, as pandas and polars Series do."""

    def __init__(self, arr, seq=None):
        self.arr, self.calls = arr, 0
        self.seq = seq

    def __array__(self, *args, **kwargs):
        self.calls += 1
        if isinstance(self.arr, Exception):
            raise self.arr
        return self.arr

    def __len__(self):
        if self.seq is None:
            raise TypeError("no len")
        return len(self.seq)

    def __getitem__(self, i):
        if self.seq is None:
            raise TypeError("not a sequence")
        return self.seq[i]


class ArrayProtocolTest(unittest.TestCase):
    V = [3.0, 1.0, 2.0, 7.0]

    def test_array_method_is_used_without_numpy(self):
        for code in "qidfbBhH":
            with self.subTest(code):
                col = ArrayLike(array.array(code, [3, 1, 2, 7]))
                self.assertEqual(svcm.consistency(col), svcm.consistency(self.V))
                self.assertEqual(col.calls, 1)
                col = ArrayLike(array.array(code, [3, 1, 2, 7]))
                self.assertEqual(svcm.days_since(col, 10), svcm.days_since([3, 1, 2, 7], 10))

    def test_errors_of_array_method_propagate(self):
        with self.assertRaises(HookError):
            svcm.consistency(ArrayLike(HookError("from __array__")))

    def test_array_that_is_not_numbers_falls_back_to_the_items(self):
        # An array of objects (pandas' nullable or object columns) has no
        # buffer of numbers: the items are read one by one, or refused.
        col = ArrayLike(["a", "b"], seq=[3.0, 1.0, 2.0, 7.0])
        self.assertEqual(svcm.consistency(col), svcm.consistency(self.V))
        bad = ArrayLike(["a", "b"], seq=["a", "b"])
        with self.assertRaises(TypeError) as cm:
            svcm.consistency(bad)
        self.assertIn("[0]: expected a number", str(cm.exception))
        with self.assertRaises(TypeError):
            svcm.consistency(ArrayLike(["a"]))

    def test_native_fast_paths_agree_with_the_general_path(self):
        # Native contiguous columns take typed copy loops (byte-swapped ones
        # the general path, tested above): they agree with the list of the
        # same numbers.
        for code in "bBhHiIqQfd":
            data = [0, 1, 5, 100, 127] if code.isupper() else [0, 1, -1, 127, -128, 5]
            with self.subTest(code):
                native = array.array(code, data)
                want = svcm.consistency([float(v) for v in data])
                self.assertEqual(svcm.consistency(native), want)
                if code not in "fd":
                    self.assertEqual(list(svcm.days_since(native, 200)),
                                     list(svcm.days_since(list(data), 200)))

    @unittest.skipIf(pd is None, "pandas is not installed (or under valgrind)")
    def test_pandas_series_of_every_numeric_dtype(self):
        want = svcm.segment([10, 40, 100, 5, 90, 30], [3, 1, 1, 8, 2, 5],
                            [100, 20, 5, 90, 50, 30])
        df = pd.DataFrame({"r": [10, 40, 100, 5, 90, 30], "f": [3, 1, 1, 8, 2, 5],
                           "m": [100, 20, 5, 90, 50, 30]})
        for dt in ("int64", "int32", "float32", "float64", "uint16", ">i8"):
            with self.subTest(dt):
                d = df.astype(dt)
                got = svcm.segment(d.r, d.f, d.m)
                self.assertEqual(list(got.tiers), list(want.tiers))
        flags = pd.Series([True, False, True])
        self.assertEqual(svcm.consistency(flags), svcm.consistency([1.0, 0.0, 1.0]))
        with self.assertRaises(TypeError):
            svcm.consistency(pd.Series([1, None, 3], dtype="Int64"))


# ------------------------------------- every batch function, every format

X, TX, TT = [0, 2, 1, 5, 3], [0, 30, 10, 35, 20], [40, 40, 38, 39, 40]
M5 = [0, 20, 35, 15, 50]
GX, GM = [7, 1, 4, 1, 7, 7, 3, 2, 3, 1, 7, 5], [28, 49, 42, 13, 26, 25, 37, 72, 26, 89, 39, 87]
R6, F6, MON6 = [10, 40, 100, 5, 90, 30], [3, 1, 1, 8, 2, 5], [100, 20, 5, 90, 50, 30]
E22 = [5, 6, 4, 5, 6, 7, 5, 4, 6, 5, 5, 6, 7, 4, 5, 6, 5, 4, 6, 5, 7, 6]
P22 = [4, 6, 5, 5, 3, 7, 4, 4, 6, 6, 5, 5, 6, 4, 4, 6, 5, 5, 6, 4, 7, 5]


def cycle_with(conv):
    c = svcm.Cycle("t", "m")
    c.measure_many(conv([1, 2, 3, 4]), conv([5, 7, 6, 9]), baseline=True)
    return c.samples


# name -> call(conv): conv(list) gives the argument in the form under test;
# every numeric batch argument of the module goes through conv.
BATCH = {
    "Moments(values)": lambda c: svcm.Moments(c([1, 2, 4])).to_bytes(),
    "Moments.add": lambda c: (lambda m: (m.add(c([1, 2, 4])), m.to_bytes()))(svcm.Moments()),
    "NPS.add": lambda c: (lambda a: (a.add(c([0, 9, 10, 7])), a.to_bytes()))(svcm.NPS()),
    "CSAT.add": lambda c: (lambda a: (a.add(c([1, 5, 4])), a.to_bytes()))(svcm.CSAT()),
    "CES.add": lambda c: (lambda a: (a.add(c([1, 7, 3])), a.to_bytes()))(svcm.CES()),
    "nps": lambda c: svcm.nps(c([0, 9, 10, 7, 10])),
    "csat": lambda c: svcm.csat(c([1, 5, 4, 4])),
    "ces": lambda c: svcm.ces(c([1, 7, 3, 2])),
    "compare_nps": lambda c: svcm.compare_nps(c([0, 9, 10, 7]), c([10, 10, 3, 9])),
    "compare_csat": lambda c: svcm.compare_csat(c([1, 5, 4]), c([5, 5, 2])),
    "compare_ces": lambda c: svcm.compare_ces(c([1, 2, 3]), c([4, 5, 6])),
    "Rate.add": lambda c: (lambda r: (r.add(c([1, 0, 1, 1])), r.to_bytes()))(svcm.Rate("fcr")),
    "servqual": lambda c: svcm.servqual(c(E22), c(P22), weights=c([10, 30, 25, 20, 15])),
    "consistency": lambda c: svcm.consistency(c([1, 2, 4, 8])),
    "staffing_batch": lambda c: svcm.staffing_batch(c([100, 50]), c([120, 90]), 1800),
    "Sketch(values)": lambda c: svcm.Sketch(values=c([1, 2, 3, 50])).to_bytes(),
    "Sketch.add": lambda c: (lambda s: (s.add(c([1, 2, 3])), s.to_bytes()))(svcm.Sketch()),
    "Sketch.quantiles": lambda c: svcm.Sketch(values=[1.0, 5.0, 9.0]).quantiles(c([0, 1])),
    "Durations(values)": lambda c: svcm.Durations(values=c([1, 2, 3, 50])).summary(),
    "Durations.add": lambda c: (lambda s: (s.add(c([1, 2, 3])), s.to_bytes()))(svcm.Durations()),
    "Durations.quantiles": lambda c: svcm.Durations(values=[1.0, 5.0]).quantiles(c([0, 1])),
    "Calendar.business_seconds_batch": lambda c: cal().business_seconds_batch(
        c([0, 10, 100]), c([50, 120, 110])),
    "Calendar.add_business_seconds_batch": lambda c: cal().add_business_seconds_batch(
        c([0, 10, 100]), c([50, 120, 1])),
    "sla_compliance": lambda c: svcm.sla_compliance(
        cal(), c([0, 10, 20]), c([5, 60, 100]), c([50, 100, 120]), response_target=c([30, 40, 50]),
        resolution_target=c([100, 90, 80]), now=127, per_ticket=True),
    "BGNBD.fit": lambda c: svcm.BGNBD.fit(c(X), c(TX), c(TT), penalizer=0.1),
    "BGNBD.p_alive": lambda c: svcm.BGNBD(0.24, 4.4, 0.79, 2.4).p_alive(c(X), c(TX), c(TT)),
    "BGNBD.expected_purchases": lambda c: svcm.BGNBD(0.24, 4.4, 0.79, 2.4).expected_purchases(
        10.0, c(X), c(TX), c(TT)),
    "BGNBD.expected_purchases_unconditional": lambda c: svcm.BGNBD(
        0.24, 4.4, 0.79, 2.4).expected_purchases_unconditional(c([1, 10, 100])),
    "BGNBD.log_likelihood": lambda c: svcm.BGNBD(0.24, 4.4, 0.79, 2.4).log_likelihood(
        c(X), c(TX), c(TT)),
    "GammaGamma.fit": lambda c: svcm.GammaGamma.fit(c(GX), c(GM)),
    "GammaGamma.conditional_expected_spend": lambda c: svcm.GammaGamma(
        6.25, 3.74, 15.44).conditional_expected_spend(c(X), c(M5)),
    "GammaGamma.log_likelihood": lambda c: svcm.GammaGamma(6.25, 3.74, 15.44).log_likelihood(
        c(X), c(M5)),
    "GammaGamma.clv": lambda c: svcm.GammaGamma(6.25, 3.74, 15.44).clv(
        svcm.BGNBD(0.24, 4.4, 0.79, 2.4), c(X), c(TX), c(TT), c(M5), horizon=3),
    "summarize_transactions": lambda c: svcm.summarize_transactions(
        c([1, 1, 2, 3]), c([0, 5, 7, 9]), c([10, 20, 30, 40]), 100, granularity=1, period=1.0),
    "Cycle.measure_many": cycle_with,
    "western_electric": lambda c: svcm.western_electric(c([1, 2, 3, 9, 2, 2, 2]), 2.0, 1.0),
    "xmr_limits": lambda c: svcm.xmr_limits(c([1, 2, 3, 2, 5])),
    "prioritize(columns)": lambda c: svcm.prioritize(
        dict(id=c([1, 2, 3]), tier=c([0, 2, 4]), impact=c([4, 1, 3]), severity=c([1, 3, 4]),
             created=c([0, 10, 20]), due=c([50, 60, 70]), urgent=c([0, 1, 0]),
             value=c([0, 1, 0])), 30),
    "classify(columns)": lambda c: svcm.classify(
        dict(id=c([1, 2, 3]), tier=c([0, 2, 4]), impact=c([4, 1, 3]), severity=c([1, 3, 4]),
             created=c([0, 10, 20])), 30),
    "wsjf": lambda c: svcm.wsjf(c([1, 2]), c([3, 4]), c([5, 6]), c([7, 8])),
    "wsjf_order": lambda c: svcm.wsjf_order(c([1, 2]), c([3, 4]), c([5, 6]), c([7, 8]),
                                            c([10, 20])),
    "rfm_edges": lambda c: svcm.rfm_edges(c(R6)),
    "rfm_scores": lambda c: svcm.rfm_scores(c(R6), c(F6), c(MON6), bins=3),
    "rfm_scores(edges)": lambda c: svcm.rfm_scores(c(R6), c(F6), c(MON6),
                                                   edges=(c([20, 50]), c([2, 4]), c([25, 60]))),
    "rfm_fit": lambda c: svcm.rfm_fit(c(R6), c(F6), c(MON6), bins=3),
    "segment": lambda c: svcm.segment(c(R6), c(F6), c(MON6), tenure=c(R6),
                                      p_alive=c([1, 1, 0, 1, 1, 1])),
    "check_customers": lambda c: svcm.check_customers(c(R6), c(F6), c(MON6), tenure=c(R6),
                                                      p_alive=c([1, 1, 0, 1, 1, 1])),
    "tier_summary": lambda c: svcm.tier_summary(c([0, 1, 2, 3, 4, 1]), c(R6), c(F6), c(MON6),
                                                r=c([1, 2, 3, 1, 2, 3]), f=c([1, 1, 1, 2, 2, 2]),
                                                m=c([3, 3, 3, 1, 1, 1])),
    "migration": lambda c: svcm.migration(c([1, 2, 3]), c([0, 1, 4]), c([1, 3, 5]),
                                          c([1, 2, 0])),
    "days_since": lambda c: svcm.days_since(c([0, 10, 100]), 120),
}


def outcome(call, conv):
    try:
        return "ok", repr(call(conv))
    except Exception as exc:  # the same failure is expected from both forms
        return type(exc).__name__, str(exc)


def buffer_forms():
    """(label, conv, reference conv) for every numeric format, misaligned."""
    forms = []
    for code in NATIVE_CODES:
        forms.append(("misaligned '%s'" % code, lambda v, code=code: misaligned(code, v),
                      lambda v, code=code: stored(code, v)))
    forms.append(("aligned 'd'", lambda v: array.array("d", v), ints))
    forms.append(("aligned 'q'", lambda v: array.array("q", v), list))
    if np is not None:
        for dt in ("f8", "f4", "i8", "u8", "i4", "u4", "i2", "u2", "i1", "u1"):
            for order in "<>":
                t = np.dtype(order + dt)
                forms.append(("numpy misaligned %s" % t.str,
                              lambda v, t=t: np.frombuffer(b"\0" + np.array(v, t).tobytes(), t,
                                                           offset=1),
                              lambda v, t=t: ints(np.array(v, t).tolist())))
    forms.append(("ctypes misaligned >d", ctypes_be_double, ints))
    return forms


def ctypes_be_double(values):
    arr = (ctypes.c_double.__ctype_be__ * len(values)).from_buffer(
        bytearray(1 + 8 * len(values)), 1)
    arr[:] = [float(v) for v in values]
    return arr


def misuse_calls():
    """(label, get the callable, base call) for every public function,
    constructor and method: test_misuse's tables, which must name them all."""
    for name, base in misuse.FUNCTIONS.items():
        yield name, lambda name=name: getattr(svcm, name), base
    for cname, (factory, ctor, meths) in misuse.CLASSES.items():
        yield cname, lambda cname=cname: getattr(svcm, cname), ctor
        for m, base in meths.items():
            if isinstance(base, tuple):  # (own instance factory, call)
                factory, base = base
            yield cname + "." + m, lambda m=m, f=factory: getattr(f(), m), base


def is_numbers(v):
    return (isinstance(v, list) and len(v) > 0
            and all(type(x) in (int, float) for x in v))


def packable(code, values):
    """values for struct code, or ValueError when it cannot hold them."""
    if code not in "fd" and any(float(v) != int(v) for v in values):
        raise ValueError("not integers")
    vals = [float(v) if code in "fd" else int(v) for v in values]
    try:
        struct.pack("@%d%s" % (len(vals), code), *vals)
    except struct.error as exc:
        raise ValueError(exc)
    return vals


def converted(base, wrap):
    """A base call with every list of numbers passed through wrap."""
    args, kw = base()
    def conv(v):
        return wrap(v) if is_numbers(v) else v
    return [conv(v) for v in args], {k: conv(v) for k, v in kw.items()}


class EveryBatchFunctionTest(unittest.TestCase):
    def test_every_numeric_list_argument_given_misaligned(self):
        # Every list of numbers in every base call of test_misuse (every
        # public function, constructor and method), given instead as a
        # misaligned buffer of each format the library could be handed
        # without a copy (and two that are copied): the same outcome.
        failures, swept = [], 0
        for label, get, base in misuse_calls():
            args, kw = base()
            if not any(is_numbers(v) for v in list(args) + list(kw.values())):
                continue
            swept += 1
            for code in "dqlnif":
                try:
                    ref_args, ref_kw = converted(base, lambda v: stored(code, packable(code, v)))
                    args, kw = converted(base, lambda v: misaligned(code, packable(code, v)))
                except ValueError:  # this format cannot hold the values
                    continue
                want = outcome(lambda _: get()(*ref_args, **ref_kw), None)
                got = outcome(lambda _: get()(*args, **kw), None)
                if got != want:
                    failures.append("%s with misaligned '%s': %r, expected %r"
                                    % (label, code, got, want))
        self.assertGreaterEqual(swept, 35)
        self.assertEqual(failures, [], "\n".join(failures))

    def test_every_format_misaligned_gives_the_list_result(self):
        forms = buffer_forms()
        failures = []
        for name, call in BATCH.items():
            for label, conv, ref in forms:
                want = outcome(call, ref)
                got = outcome(call, conv)
                if got != want:
                    failures.append("%s with %s: %r, expected %r" % (name, label, got, want))
        self.assertEqual(failures, [], "\n".join(failures))

    def test_the_reference_calls_succeed(self):
        # The table is only useful if the plain calls work.
        for name, call in BATCH.items():
            with self.subTest(name):
                self.assertEqual(outcome(call, list)[0], "ok")


if __name__ == "__main__":
    unittest.main()
