"""Tests of problem grading from Python (svcm.problem_grade, grade_table,
format_grade_table, problem_request)."""
import itertools
import unittest

import svcm

LEVELS = range(1, 5)


def rule(u, i, d):
    """The documented default rule: s = u + i + d cut at 5, 7 and 9."""
    s = u + i + d
    return 1 if s <= 5 else 2 if s <= 7 else 3 if s <= 9 else 4


class DefaultRuleTest(unittest.TestCase):
    def test_every_combination_follows_the_documented_rule(self):
        counts = {1: 0, 2: 0, 3: 0, 4: 0}
        for u, i, d in itertools.product(LEVELS, LEVELS, LEVELS):
            g = svcm.problem_grade(u, i, d)
            self.assertEqual(g, rule(u, i, d), (u, i, d))
            counts[g] += 1
        self.assertEqual(counts, {1: 10, 2: 22, 3: 22, 4: 10})

    def test_worse_input_never_gives_milder_grade(self):
        for u, i, d in itertools.product(LEVELS, LEVELS, LEVELS):
            g = svcm.problem_grade(u, i, d)
            for k in range(3):
                lv = [u, i, d]
                if lv[k] == 1:
                    continue
                lv[k] -= 1
                self.assertLessEqual(svcm.problem_grade(*lv), g, (u, i, d, k))

    def test_keywords_and_impact_constants(self):
        self.assertEqual(svcm.problem_grade(urgency=1, impact=svcm.IMPACT_ORGANISATION,
                                            difficulty=1), 1)
        self.assertEqual(svcm.problem_grade(4, svcm.IMPACT_INDIVIDUAL, 4), 4)

    def test_bad_levels_raise_naming_the_field(self):
        for args, field in [((0, 1, 1), "urgency"), ((1, 5, 1), "impact"),
                            ((1, 1, -1), "difficulty"), ((1, 1, 2**40), "difficulty")]:
            with self.assertRaises(svcm.InvalidInput) as cm:
                svcm.problem_grade(*args)
            self.assertEqual(cm.exception.field, field)
        with self.assertRaises(TypeError):
            svcm.problem_grade("high", 1, 1)


class TableTest(unittest.TestCase):
    def test_default_table_text_round_trips(self):
        text = svcm.format_grade_table()
        self.assertTrue(text.startswith("urgency 1\n1 1 1 2\n"))
        t = svcm.grade_table(text)
        self.assertEqual(t, svcm.grade_table())
        self.assertEqual(svcm.format_grade_table(t), text)
        for u, i, d in itertools.product(LEVELS, LEVELS, LEVELS):
            self.assertEqual(t[u - 1][i - 1][d - 1], rule(u, i, d))

    def test_caller_table_is_used(self):
        by_urgency = [[[u] * 4 for _ in range(4)] for u in LEVELS]
        self.assertEqual(svcm.problem_grade(3, 1, 1, table=by_urgency), 3)
        text = svcm.format_grade_table(by_urgency)
        self.assertEqual(svcm.problem_grade(2, 4, 4, text), 2)

    def test_non_monotone_table_names_the_cell(self):
        t = svcm.grade_table()
        t[0][0][0] = 2  # urgency 1, impact 1, difficulty 1 milder than (1,1,2)
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.grade_table(t)
        self.assertEqual(cm.exception.field, "cell")
        self.assertIn("urgency 1, impact 1, difficulty 1", str(cm.exception))
        text = svcm.format_grade_table().replace("urgency 1\n1 1 1 2", "urgency 1\n3 1 1 2")
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.problem_grade(1, 1, 1, table=text)
        self.assertEqual((cm.exception.line, cm.exception.column), (2, 1))

    def test_bad_text_raises_format_error_with_position(self):
        text = svcm.format_grade_table().replace("1 1 2 2\n", "1 1 2\n", 1)
        with self.assertRaises(svcm.FormatError) as cm:
            svcm.grade_table(text)
        self.assertEqual(cm.exception.field, "cols")
        self.assertEqual(cm.exception.line, 3)
        with self.assertRaises(svcm.FormatError):
            svcm.grade_table("1 2 3 4\n")
        with self.assertRaises(svcm.FormatError):
            svcm.grade_table(svcm.format_grade_table().replace("urgency 2", "urgency 3"))

    def test_bad_shapes_and_cells(self):
        with self.assertRaises(svcm.InvalidInput):
            svcm.grade_table([[[1] * 4] * 4] * 3)
        with self.assertRaises(svcm.InvalidInput):
            svcm.grade_table([[[1] * 4] * 3] * 4)
        with self.assertRaises(svcm.InvalidInput):
            svcm.grade_table([[[1] * 5] * 4] * 4)
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.grade_table([[[1] * 4] * 4] * 3 + [[[1] * 4] * 3 + [[1, 1, 1, 300]]])
        self.assertEqual(cm.exception.field, "cell")
        self.assertIn("grade 300 at urgency 4, impact 4, difficulty 4", str(cm.exception))
        with self.assertRaises(svcm.InvalidInput):
            svcm.grade_table([[[-1] * 4] * 4] * 4)
        with self.assertRaises(TypeError):
            svcm.grade_table(42)
        with self.assertRaises(TypeError):
            svcm.grade_table([[["x"] * 4] * 4] * 4)


class RequestTest(unittest.TestCase):
    def test_grade_becomes_severity_and_feeds_prioritize(self):
        base = dict(id=1, tier="regular", impact="team", severity=4, value=0.2, created=0)
        severe = svcm.problem_request(base, 1, 1, 2)
        self.assertEqual(severe["severity"], 1)
        self.assertEqual(severe["impact"], 1)
        self.assertEqual(base["severity"], 4)  # a copy
        mild = dict(svcm.problem_request(base, 4, 4, 4), id=2)
        self.assertEqual(mild["severity"], 4)
        order = svcm.prioritize([mild, severe], 0)
        self.assertEqual([r.id for r in order], [1, 2])
        self.assertGreater(svcm.importance(severe), svcm.importance(mild))

    def test_bad_input(self):
        with self.assertRaises(svcm.InvalidInput):
            svcm.problem_request({}, 1, 1, 5)
        with self.assertRaises(TypeError):
            svcm.problem_request([], 1, 1, 1)


if __name__ == "__main__":
    unittest.main()
