"""Tests of the core of the svcm Python binding: version, errors, statistics."""
import array
import math
import unittest

import svcm


class VersionAndErrors(unittest.TestCase):
    def test_version_is_the_c_library_version(self):
        self.assertEqual(svcm.version(), "0.2.0")
        self.assertEqual(svcm.__version__, svcm.version())

    def test_error_classes_follow_status_codes(self):
        self.assertTrue(issubclass(svcm.InvalidInput, svcm.Error))
        self.assertTrue(issubclass(svcm.InvalidInput, ValueError))
        self.assertTrue(issubclass(svcm.OutOfMemory, MemoryError))
        self.assertTrue(issubclass(svcm.StateError, RuntimeError))
        self.assertTrue(issubclass(svcm.FormatError, ValueError))
        self.assertTrue(issubclass(svcm.NotFound, LookupError))
        self.assertEqual(svcm.codes["OK"], 0)
        self.assertEqual(svcm.codes["EINVAL"], -1)
        self.assertEqual(svcm.codes["EIO"], -12)
        self.assertEqual(svcm.strerror(-1), "invalid argument")
        self.assertEqual(svcm.strerror(-999), "unknown error")
        self.assertEqual(svcm.strerror(2**80), "unknown error")
        self.assertEqual(svcm.status_name(-1), "SVCM_EINVAL")
        self.assertEqual(svcm.status_name(0), "SVCM_OK")
        self.assertEqual(svcm.status_name(-999), "SVCM_EUNKNOWN")
        for name, code in svcm.codes.items():
            self.assertEqual(svcm.status_name(code), "SVCM_" + name)

    def test_invalid_input_names_record_and_field(self):
        m = svcm.Moments()
        with self.assertRaises(svcm.InvalidInput) as cm:
            m.add([1.0, 2.0, float("nan")])
        e = cm.exception
        self.assertEqual(e.code, svcm.codes["EINVAL"])
        self.assertEqual(e.index, 2)
        self.assertEqual(e.field, "value")
        self.assertIn("record 2", str(e))
        self.assertEqual(m.n, 0)  # all or nothing

    def test_error_without_record_has_index_none(self):
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.normal_quantile(1.5)
        self.assertIsNone(cm.exception.index)
        self.assertIsNone(cm.exception.field)
        self.assertIsNone(cm.exception.line)
        self.assertIsNone(cm.exception.column)


class Statistics(unittest.TestCase):
    def test_wilson_matches_newcombe_1998(self):
        # Newcombe (1998), Statistics in Medicine 17:857-872, score method.
        lo, hi = svcm.wilson(81, 263)
        self.assertAlmostEqual(lo, 0.2553, places=4)
        self.assertAlmostEqual(hi, 0.3662, places=4)
        lo, hi = svcm.wilson(0, 20, confidence=0.95)
        self.assertEqual(lo, 0.0)
        self.assertAlmostEqual(hi, 0.1611, places=4)

    def test_wilson_bad_input(self):
        with self.assertRaises(svcm.InvalidInput):
            svcm.wilson(3, 2)
        with self.assertRaises(svcm.EmptyError):
            svcm.wilson(0, 0)
        with self.assertRaises(ValueError):
            svcm.wilson(-1, 5)
        with self.assertRaises(TypeError):
            svcm.wilson("1", 5)
        with self.assertRaises(svcm.InvalidInput):
            svcm.wilson(1, 5, confidence=1.0)

    def test_normal_and_t(self):
        # mpmath 1.3.0, 50 digits.
        self.assertAlmostEqual(svcm.normal_quantile(0.975), 1.9599639845400542355, places=12)
        self.assertAlmostEqual(svcm.normal_cdf(1.9599639845400542355), 0.975, places=14)
        self.assertAlmostEqual(svcm.t_quantile(0.975, 10), 2.2281388519862742245, places=10)
        self.assertAlmostEqual(svcm.t_cdf(1.0, 1), 0.75, places=14)  # Cauchy
        with self.assertRaises(svcm.InvalidInput):
            svcm.t_cdf(1.0, 0.0)

    def test_welch_published_example(self):
        # Wikipedia "Welch's t-test", example 1: t = 2.46 (B - A), df = 24.99, p = 0.021.
        a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]
        b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]
        ma, mb = svcm.Moments(a), svcm.Moments(array.array("d", b))
        r = svcm.welch_t_test(ma.mean, ma.variance(), ma.n, mb.mean, mb.variance(), mb.n)
        self.assertAlmostEqual(r.statistic, 2.4553563982860051, places=10)
        self.assertAlmostEqual(r.df, 24.988529290231414, places=8)
        self.assertAlmostEqual(r.p_value, 0.021378001462867032, places=10)
        self.assertAlmostEqual(r.ci[0], 0.34923706619240523, places=8)
        self.assertEqual(len(r), 7)

    def test_two_proportion_z(self):
        r = svcm.two_proportion_z_test(120, 400, 90, 400)
        self.assertAlmostEqual(r.statistic, -2.4106302110709235, places=12)
        self.assertAlmostEqual(r.p_value, 0.015924985627566952, places=12)
        self.assertTrue(math.isinf(r.df))
        with self.assertRaises(svcm.OutOfRange):
            svcm.two_proportion_z_test(0, 10, 0, 10)


class MomentsTests(unittest.TestCase):
    def test_merge_equals_adding_all(self):
        values = [float(i % 17) * 1.5 + 1000.0 for i in range(1000)]
        a, b, whole = svcm.Moments(values[:300]), svcm.Moments(values[300:]), svcm.Moments(values)
        a.merge(b)
        self.assertEqual(a.n, whole.n)
        self.assertAlmostEqual(a.mean, whole.mean, places=9)
        self.assertAlmostEqual(a.variance(), whole.variance(), places=7)

    def test_accepts_buffers_of_many_types(self):
        self.assertEqual(svcm.Moments(array.array("i", [1, 2, 3])).mean, 2.0)
        self.assertEqual(svcm.Moments(array.array("f", [1, 2, 3])).mean, 2.0)
        self.assertEqual(svcm.Moments(bytes([1, 2, 3])).mean, 2.0)
        strided = memoryview(array.array("d", [1, 100, 2, 100, 3, 100]))[::2]
        self.assertEqual(svcm.Moments(strided).mean, 2.0)
        self.assertEqual(svcm.Moments((1, 2, 3)).max, 3.0)
        m = svcm.Moments()
        m.add(5)
        self.assertEqual(len(m), 1)

    def test_rejects_wrong_types(self):
        with self.assertRaises(TypeError):
            svcm.Moments(["a"])
        with self.assertRaises(TypeError):
            svcm.Moments(None).add(None)
        with self.assertRaises(TypeError):
            svcm.Moments(object())
        with self.assertRaises(ValueError):
            svcm.Moments(memoryview(bytes(8)).cast("B", (2, 4)))
        with self.assertRaises(TypeError):
            svcm.Moments().merge(3)

    def test_bytes_round_trip_and_garbage(self):
        m = svcm.Moments([1.5, 2.5, 10.0])
        back = svcm.Moments.from_bytes(m.to_bytes())
        self.assertEqual((back.n, back.mean, back.min, back.max), (m.n, m.mean, m.min, m.max))
        with self.assertRaises(svcm.FormatError):
            svcm.Moments.from_bytes(b"SVCM")
        with self.assertRaises(svcm.FormatError):
            svcm.Moments.from_bytes(m.to_bytes()[:-1])

    def test_empty_statistics(self):
        m = svcm.Moments()
        self.assertTrue(math.isnan(m.mean))
        with self.assertRaises(svcm.EmptyError):
            m.variance()
        with self.assertRaises(svcm.EmptyError):
            m.mean_ci()


class Tiers(unittest.TestCase):
    def test_names_in_order(self):
        self.assertEqual(svcm.TIER_NAMES, ("vip", "key", "regular", "potential", "lost"))
        self.assertEqual(svcm.tier_name(svcm.TIER_LOST), "lost")
        self.assertEqual(svcm.tier_parse("Important"), svcm.TIER_KEY)
        with self.assertRaises(svcm.InvalidInput):
            svcm.tier_name(5)
        with self.assertRaises(svcm.InvalidInput):
            svcm.tier_parse("gold")



class ConversionRobustness(unittest.TestCase):
    def test_list_shrunk_while_converting_does_not_crash(self):
        values = []

        class Evil:
            def __float__(self):
                values.clear()
                return 1.0

            def __index__(self):
                values.clear()
                return 1

        values.extend([Evil(), 2.0, 3.0, 4.0])
        m = svcm.Moments(values)  # converts a snapshot: all four items count
        self.assertEqual(m.n, 4)
        self.assertEqual(values, [])


class MomentsThreads(unittest.TestCase):
    def test_busy_moments_refuse_other_threads_and_lose_nothing(self):
        # A batch add runs without the GIL; meanwhile the object refuses
        # other calls with svcm.StateError instead of racing on its state,
        # so the count is exactly the values added plus the merges accepted.
        import threading
        m = svcm.Moments()
        big = array.array("d", [1.0]) * 2_000_000
        accepted, refused = [0], []

        def poke(stop):
            while not stop.is_set():
                try:
                    m.merge(svcm.Moments([1.0]))
                    accepted[0] += 1
                except svcm.StateError as e:
                    refused.append(str(e))

        stop = threading.Event()
        t = threading.Thread(target=poke, args=(stop,))
        t.start()
        for _ in range(5):
            m.add(big)
        stop.set()
        t.join()
        self.assertEqual(m.n, 5 * 2_000_000 + accepted[0])
        self.assertEqual(m.mean, 1.0)
        for msg in refused:
            self.assertIn("in use by another thread", msg)


if __name__ == "__main__":
    unittest.main()
