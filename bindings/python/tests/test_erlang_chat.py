"""Tests of svcm.erlang_chat and svcm.agents_needed_chat (chat agents with up
to k concurrent sessions, handling time by concurrency).

No published worked example of CCmath's Erlang Chat was found; the checks
are reductions to Erlang C / Erlang A (k = 1, or the same AHT at every level,
which is Erlang with agents * k servers) and an exact solution of the
birth-death chain with fractions, written here independently."""
import math
import random
import unittest
from fractions import Fraction

import svcm


def chain_reference(chats, interval, agents, aht_levels):
    """P(wait), mean sessions and ASA without patience, with exact rationals:
    states below N k by products of rate ratios, the queue geometric."""
    k = len(aht_levels)
    lam = Fraction(chats) / Fraction(interval)

    def mu(m):
        q, r = divmod(m, agents)
        rate = Fraction(0)
        if q > 0:
            rate += (agents - r) * Fraction(q) / Fraction(aht_levels[q - 1])
        if r > 0:
            rate += r * Fraction(q + 1) / Fraction(aht_levels[q])
        return rate

    slots = agents * k
    w = [Fraction(1)]
    for m in range(1, slots + 1):
        w.append(w[-1] * lam / mu(m))
    c = Fraction(slots) / Fraction(aht_levels[-1])
    rho = lam / c
    tail = w[slots] / (1 - rho)          # sum of the states >= N k
    total = sum(w[:slots]) + tail
    p_wait = tail / total
    sessions = (sum(m * w[m] for m in range(slots)) + slots * tail) / total
    asa = p_wait / (c - lam)
    return float(p_wait), float(sessions), float(asa)


def mu_exact(m, agents, levels):
    """Completion rate with m chats in service, spread evenly (exact)."""
    q, r = divmod(m, agents)
    rate = Fraction(0)
    if q > 0:
        rate += (agents - r) * Fraction(q) / Fraction(levels[q - 1])
    if r > 0:
        rate += r * Fraction(q + 1) / Fraction(levels[q])
    return rate


def generator_solution(lam, agents, levels, patience, queue_states):
    """Stationary law of the chat chain from its generator Q (states 0 ..
    N k + queue_states), by Gaussian elimination on pi Q = 0, sum pi = 1 in
    exact rationals: no product form, no closed forms."""
    slots = agents * len(levels)
    size = slots + queue_states + 1
    theta = 1 / Fraction(patience)
    q = [[Fraction(0)] * size for _ in range(size)]
    for m in range(size):
        if m + 1 < size:
            q[m][m + 1] = lam
        if m > 0:
            q[m][m - 1] = mu_exact(min(m, slots), agents, levels) + max(0, m - slots) * theta
        q[m][m] = -sum(q[m])
    # pi Q = 0: rows of Q^T, the last equation replaced by sum pi = 1.
    a = [[q[j][i] for j in range(size)] + [Fraction(0)] for i in range(size)]
    a[-1] = [Fraction(1)] * size + [Fraction(1)]
    for col in range(size):
        piv = next(r for r in range(col, size) if a[r][col] != 0)
        a[col], a[piv] = a[piv], a[col]
        for r in range(size):
            if r != col and a[r][col] != 0:
                f = a[r][col] / a[col][col]
                a[r] = [x - f * y for x, y in zip(a[r], a[col])]
    return [a[i][-1] / a[i][i] for i in range(size)], slots, theta


def tagged_answer(c, theta, ahead):
    """P(answered) and E[wait; answered] of a chat that finds `ahead`
    chats waiting, stepping the tagged chat's own chain: with j ahead it
    leaves at rate c + j theta (someone ahead served or gone) + theta (its
    own patience)."""
    p, w = Fraction(1), Fraction(0)  # after the last step: answered at once
    for j in range(0, ahead + 1):
        go = c + j * theta
        out = go + theta
        p, w = go / out * p, go / out * (w + p / out)
    return p, w


def simulate(chats, interval, agents, levels, patience, target, arrivals, seed):
    """Discrete-event simulation of the same chain (Gillespie), FIFO queue,
    exponential patience (a random waiting chat leaves), fixed seed."""
    rng = random.Random(seed)
    lam = chats / interval
    slots = agents * len(levels)

    def mu(m):
        q, r = divmod(m, agents)
        return ((agents - r) * q / levels[q - 1] if q > 0 else 0.0) + \
            (r * (q + 1) / levels[q] if r > 0 else 0.0)
    t, m, queue = 0.0, 0, []
    offered = waited = within = answered = 0
    wait_sum = 0.0
    while offered < arrivals:
        busy = min(m, slots)
        rates = (lam, mu(busy), len(queue) / patience)
        total = sum(rates)
        t += rng.expovariate(total)
        u = rng.random() * total
        if u < rates[0]:
            offered += 1
            if m >= slots:
                waited += 1
                queue.append(t)
            else:
                within += 1
                answered += 1
            m += 1
        elif u < rates[0] + rates[1]:
            m -= 1
            if queue:
                w = t - queue.pop(0)
                answered += 1
                wait_sum += w
                within += w <= target
        else:
            queue.pop(rng.randrange(len(queue)))
            m -= 1
    return waited / offered, within / offered, wait_sum / answered


class IndependentChecks(unittest.TestCase):
    def test_generator_gaussian_elimination_matches(self):
        # 120 chats / h, 2 agents, 180 s alone and 240 s each with two,
        # patience 60 s; 30 queue states (the rest is below 1e-20).
        levels = [180, 240]
        lam = Fraction(120, 3600)
        pi, slots, theta = generator_solution(lam, 2, levels, 60, 30)
        r = svcm.erlang_chat(120, 180, 3600, 2, aht_by_concurrency=levels, patience=60)
        p_wait = sum(pi[slots:])
        queue = sum((m - slots) * pi[m] for m in range(slots, len(pi)))
        sessions = sum(min(m, slots) * pi[m] for m in range(len(pi)))
        c = mu_exact(slots, 2, levels)
        answered_wait = sum(pi[slots + i] * tagged_answer(c, theta, i)[1]
                            for i in range(len(pi) - slots))
        self.assertAlmostEqual(r.p_wait, float(p_wait), delta=1e-12)
        self.assertAlmostEqual(r.p_abandon, float(theta * queue / lam), delta=1e-12)
        self.assertAlmostEqual(r.sessions, float(sessions), delta=1e-11)
        self.assertAlmostEqual(r.wait_all, float(queue / lam), delta=1e-9)
        self.assertAlmostEqual(r.asa, float(answered_wait / (1 - theta * queue / lam)),
                               delta=1e-9)
        virtual = sum(pi[slots + i] * sum(1 / (c + j * theta) for j in range(i + 1))
                      for i in range(len(pi) - slots))
        self.assertAlmostEqual(r.wait_virtual, float(virtual), delta=1e-9)

    def test_simulation_agrees(self):
        # 200,000 chats, seed 17: tolerances are a few times the spread of
        # the simulation over seeds (0.006 on probabilities, 2% on the ASA).
        levels = [240, 300, 420]
        r = svcm.erlang_chat(180, 240, 3600, 4, aht_by_concurrency=levels, patience=90,
                             target_s=30)
        pw, sl, asa = simulate(180, 3600, 4, levels, 90.0, 30.0, 200000, 17)
        self.assertAlmostEqual(r.p_wait, pw, delta=0.006)
        self.assertAlmostEqual(r.service_level, sl, delta=0.006)
        self.assertAlmostEqual(r.asa / asa, 1.0, delta=0.02)

    def test_ccmath_erlang_chat_example(self):
        # CCmath's "ERLANG" Python package demo (https://erlang.ccmath.com):
        # 4 chats / min, AHT 3, 3.5, 4 min at 1, 2, 3 chats, patience 1 min,
        # 100 lines, 5 agents, 0.333 min: ASA 0.22 min, 75.44% within,
        # 15.44% abandon, occupancy 86.78%. Abandonment, occupancy and ASA
        # (CCmath's is the mean would-be wait, computed here independently
        # from the generator's solution: sum over queue states of
        # sum_j 1 / (c + j theta) = 0.2242 min) agree; the service level
        # does not (the would-be-wait one is 74.44%, the answered-within
        # one 72.00%).
        levels = [180, 210, 240]
        r = svcm.erlang_chat(240, 180, 3600, 5, aht_by_concurrency=levels, patience=60,
                             target_s=0.333 * 60)
        self.assertAlmostEqual(r.p_abandon, 0.1544, delta=5e-5)
        self.assertAlmostEqual(r.occupancy, 0.8678, delta=5e-5)
        pi, slots, theta = generator_solution(Fraction(240, 3600), 5, levels, 60, 60)
        c = mu_exact(slots, 5, levels)
        virtual = sum(pi[slots + i] * sum(1 / (c + j * theta) for j in range(i + 1))
                      for i in range(len(pi) - slots))
        self.assertAlmostEqual(float(virtual) / 60, 0.22, delta=0.005)
        self.assertAlmostEqual(r.wait_virtual / 60, 0.22, delta=0.005)
        self.assertAlmostEqual(r.wait_virtual, float(virtual), delta=1e-9)
        self.assertAlmostEqual(r.sl_virtual, 0.7444, delta=5e-5)
        self.assertAlmostEqual(r.p_wait, float(sum(pi[slots:])), delta=1e-12)


class ErlangChat(unittest.TestCase):
    def test_k1_is_erlang_c(self):
        for calls in (50, 100, 400):
            a = calls * 180 / 1800
            for n in range(int(a) + 1, int(a) + 8):
                r = svcm.erlang_chat(calls, 180, 1800, n)
                c = svcm.eval_staff(calls, 180, 1800, n)
                self.assertAlmostEqual(r.p_wait, c.p_wait, delta=1e-11)
                self.assertAlmostEqual(r.service_level, c.service_level, delta=1e-11)
                self.assertAlmostEqual(r.asa, c.asa, delta=1e-9)
                self.assertAlmostEqual(r.occupancy, c.occupancy, delta=1e-11)
                self.assertEqual(r.p_abandon, 0.0)

    def test_k1_with_patience_is_erlang_a(self):
        # pyworkforce's Erlang A case: 100 calls / 30 min, AHT 3 min.
        for n in (10, 12, 14):
            r = svcm.erlang_chat(100, 180, 1800, n, patience=120)
            e = svcm.erlang_a(100, 180, 1800, n, 120)
            for name in ("p_wait", "p_abandon", "service_level", "asa", "wait_all",
                         "occupancy"):
                self.assertAlmostEqual(getattr(r, name), getattr(e, name), delta=1e-9,
                                       msg=name)

    def test_same_aht_every_level_is_erlang_c_with_n_times_k(self):
        r = svcm.erlang_chat(100, 600, 3600, 6, concurrency=3)
        c = svcm.eval_staff(100, 600, 3600, 18)
        self.assertAlmostEqual(r.p_wait, c.p_wait, delta=1e-11)
        self.assertAlmostEqual(r.service_level, c.service_level, delta=1e-11)
        self.assertAlmostEqual(r.asa, c.asa, delta=1e-9)

    def test_matches_exact_chain(self):
        levels = [300, 420, 600]
        for agents, chats in ((1, 12), (4, 50), (7, 110)):
            r = svcm.erlang_chat(chats, 300, 3600, agents, aht_by_concurrency=levels)
            pw, sessions, asa = chain_reference(chats, 3600, agents, levels)
            self.assertAlmostEqual(r.p_wait, pw, delta=1e-12)
            self.assertAlmostEqual(r.sessions, sessions, delta=1e-9)
            self.assertAlmostEqual(r.occupancy, sessions / (3 * agents), delta=1e-12)
            self.assertAlmostEqual(r.asa, asa, delta=1e-9)
            self.assertEqual(r.agents, agents)

    def test_agents_needed_is_least(self):
        levels = [300, 420, 600]
        for chats in (20, 150, 1200):
            for patience in (None, 90.0):
                n = svcm.agents_needed_chat(chats, 300, 3600, 0.85, 20,
                                            aht_by_concurrency=levels, patience=patience)
                r = svcm.erlang_chat(chats, 300, 3600, n, aht_by_concurrency=levels,
                                     patience=patience)
                self.assertGreaterEqual(r.service_level, 0.85)
                if n > 1:
                    try:
                        q = svcm.erlang_chat(chats, 300, 3600, n - 1,
                                             aht_by_concurrency=levels, patience=patience)
                        self.assertLess(q.service_level, 0.85)
                    except svcm.OutOfRange:
                        pass

    def test_goals_raise_the_count(self):
        base = svcm.agents_needed_chat(300, 300, 3600, 0.8, 20, concurrency=2,
                                       patience=60)
        capped = svcm.agents_needed_chat(300, 300, 3600, 0.8, 20, concurrency=2,
                                         patience=60, max_occupancy=0.5)
        self.assertGreater(capped, base)
        r = svcm.erlang_chat(300, 300, 3600, capped, concurrency=2, patience=60)
        self.assertLessEqual(r.occupancy, 0.5)

    def test_shrinkage_gives_staff(self):
        r = svcm.erlang_chat(100, 300, 3600, 21, concurrency=2, shrinkage=0.3)
        self.assertEqual(r.staff, 30)

    def test_unstable_without_patience_is_out_of_range(self):
        # 10 agents x 2 chats at 480 s complete 150 chats per hour.
        with self.assertRaises(svcm.OutOfRange) as cm:
            svcm.erlang_chat(150, 300, 3600, 10, aht_by_concurrency=[300, 480])
        self.assertEqual(cm.exception.field, "agents")
        r = svcm.erlang_chat(150, 300, 3600, 10, aht_by_concurrency=[300, 480], patience=60)
        self.assertGreater(r.p_abandon, 0.0)

    def test_unreachable_goal_is_out_of_range(self):
        with self.assertRaises(svcm.OutOfRange):
            svcm.agents_needed_chat(5000, 300, 3600, 0.8, 20, concurrency=2, max_agents=3)

    def test_bad_values_raise_naming_the_field(self):
        cases = [
            (dict(chats=-1), "chats"),
            (dict(chats=math.nan), "chats"),
            (dict(interval=0), "interval_s"),
            (dict(aht=0), "aht_s"),
            (dict(aht=math.inf), "aht_s"),
            (dict(patience=0), "patience_s"),
            (dict(target_s=-1), "target_answer_s"),
            (dict(agents=0), "agents"),
            (dict(concurrency=0), "concurrency"),
            (dict(concurrency=17), "concurrency"),
        ]
        for change, field in cases:
            args = dict(chats=100, aht=300, interval=3600, agents=5, concurrency=2)
            args.update(change)
            with self.assertRaises(svcm.InvalidInput, msg=field) as cm:
                svcm.erlang_chat(**args)
            self.assertEqual(cm.exception.field, field)
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.erlang_chat(100, 300, 3600, 5, aht_by_concurrency=[300, -1, 500])
        self.assertEqual(cm.exception.field, "aht_s")
        self.assertEqual(cm.exception.index, 1)
        with self.assertRaises(svcm.InvalidInput) as cm:
            svcm.agents_needed_chat(100, 300, 3600, 1.0, 20)
        self.assertEqual(cm.exception.field, "target_sl")

    def test_inconsistent_levels_raise_value_error(self):
        with self.assertRaises(ValueError):
            svcm.erlang_chat(100, 300, 3600, 5, concurrency=2,
                             aht_by_concurrency=[300, 400, 500])
        with self.assertRaises(ValueError):
            svcm.erlang_chat(100, 300, 3600, 5, aht_by_concurrency=[250, 400])
        with self.assertRaises(svcm.InvalidInput):
            svcm.erlang_chat(100, 300, 3600, 5, aht_by_concurrency=[])

    def test_wrong_types_raise_type_error(self):
        with self.assertRaises(TypeError):
            svcm.erlang_chat("100", 300, 3600, 5)
        with self.assertRaises(TypeError):
            svcm.erlang_chat(100, 300, 3600, 5.5)
        with self.assertRaises(TypeError):
            svcm.erlang_chat(100, 300, 3600, 5, aht_by_concurrency=["a"])
        with self.assertRaises(TypeError):
            svcm.erlang_chat(100, 300, 3600, 5, patience="x")


if __name__ == "__main__":
    unittest.main()
