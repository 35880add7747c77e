"""A small typed program over the svcm package: `mypy --strict` must accept
it (test_typing.py runs mypy on it against the package under test, through
its py.typed marker and __init__.pyi), and it runs (the same test executes
it), so the types it relies on are those of the real calls.

assert_type pins what the stubs say each call returns: a stub that loses a
return type (Any) or changes it fails here."""
from __future__ import annotations

import array
from typing import assert_type

import svcm


def core() -> None:
    assert_type(svcm.version(), str)
    assert_type(svcm.__version__, str)
    assert_type(svcm.codes["EINVAL"], int)
    assert_type(svcm.normal_cdf(1.96), float)
    low, high = svcm.wilson(40, 50)
    assert_type(low, float)
    assert 0.0 < low < high < 1.0
    m = svcm.Moments([1.0, 2.0, 4.0])
    m.add(8.0)
    assert_type(m.mean, float)
    assert_type(m.n, int)
    assert m.n == 4
    again = svcm.Moments.from_bytes(m.to_bytes())
    assert_type(again, svcm.Moments)
    assert_type(svcm.tier_name(svcm.TIER_VIP), str)
    # Result records are typed tuples: items and unpacking keep their types.
    t = svcm.welch_t_test(10.0, 4.0, 30.0, 9.0, 4.0, 30.0)
    assert_type(t[1], tuple[float, float])
    diff, ci, statistic, df, p_value, p_greater, p_less = t
    assert_type(ci, tuple[float, float])
    assert diff == t.diff and ci == t.ci and p_value == t.p_value


def errors() -> None:
    try:
        svcm.Moments([1.0, float("nan")])
    except svcm.InvalidInput as exc:
        assert_type(exc.code, int)
        assert_type(exc.index, int | None)
        assert_type(exc.field, str | None)
        assert isinstance(exc, svcm.Error) and isinstance(exc, ValueError)
        assert exc.code == svcm.codes["EINVAL"]
    else:
        raise AssertionError("NaN accepted")


def feedback() -> None:
    r = svcm.nps([10, 9, 9, 8, 7, 3, 10, 6])
    assert_type(r, svcm.FeedbackResult)
    assert_type(r.value, float)
    assert_type(r.ci, tuple[float, float])
    acc = svcm.CSAT(5)
    acc.add([5, 4, 4, 2, 1])
    assert_type(acc.result().n, int)
    rate = svcm.Rate("fcr")
    rate.add_counts(80, 100)
    assert_type(rate.result(), svcm.RateResult)


def durations() -> None:
    d = svcm.Durations(values=[12.0, 30.5, 61.0, 7.25])
    s = d.summary()
    assert_type(s, svcm.DurationsSummary)
    assert_type(s.p90, float)
    assert_type(d.quantiles([0.5, 0.9]), list[float])
    sk = svcm.Sketch(0.01)
    sk.add(array.array("d", [1.0, 2.0, 3.0]))
    assert_type(sk.quantile(0.5), float)


def erlang() -> None:
    assert_type(svcm.erlang_c(8.0, 10), float)
    st = svcm.staffing(100.0, 180.0, 1800.0, 20.0, 0.8)
    assert_type(st, svcm.Staffing)
    assert_type(st.agents, int)
    table = svcm.staffing_batch([100.0, 120.0], 180.0, 1800.0)
    # svcm.Table is generic for type checkers and at run time (assert_type
    # evaluates its second argument when this runs).
    assert_type(table, svcm.Table[svcm.Staffing])
    assert_type(table[0], svcm.Staffing)
    assert_type(table.agents, svcm.Column)
    for row in table:
        assert_type(row.service_level, float)


def segment() -> None:
    seg = svcm.segment([5.0, 40.0, 400.0, 2.0], [12.0, 3.0, 1.0, 30.0],
                       [900.0, 120.0, 15.0, 4000.0])
    assert_type(seg, svcm.Segmentation)
    assert_type(seg.edges, svcm.RfmEdges)
    assert_type(seg.edges.recency, tuple[float, ...])
    assert len(seg.tiers) == 4
    policy = svcm.Policy(churn_days=180.0)
    assert_type(policy.to_text(), str)
    # Buffers (array, memoryview, bytes) are accepted where the stubs say
    # Buffer, and the result is array('d'), typed as such.
    instants = array.array("q", [0, 86400, 3 * 86400])
    days = svcm.days_since(instants, 4 * 86400)
    assert_type(days, "array.array[float]")
    assert list(days) == [4.0, 3.0, 1.0]
    assert list(svcm.days_since(memoryview(instants), 4 * 86400)) == [4.0, 3.0, 1.0]


def priority() -> None:
    assert_type(svcm.itil_priority(1, 2), int)
    assert_type(svcm.quadrant(True, False), svcm.Quadrant)


def lifetime() -> None:
    model = svcm.BGNBD(0.24, 4.41, 0.79, 2.43)
    assert_type(model.p_alive(2.0, 30.0, 39.0), float)
    assert_type(model.p_alive([2.0, 0.0], [30.0, 0.0], [39.0, 39.0]), list[float])
    # One sequence among scalars is enough for a list (scalars broadcast).
    assert_type(model.p_alive(2.0, [30.0, 20.0], 39.0), list[float])
    assert_type(model.p_alive(2.0, 30.0, array.array("d", [39.0])), list[float])
    # An argument typed "scalar or sequence" gives either result type.
    x: float | list[float] = 2.0
    either = model.p_alive(x, 30.0, 39.0)
    assert_type(either, float | list[float])
    assert isinstance(either, float)
    summary = svcm.summarize_transactions([1, 1, 2], [0, 3 * 86400, 0], [1.0, 2.0, 3.0], 10 * 86400)
    assert_type(summary, dict[str, svcm.Column])
    assert summary["x"] == [1, 0]
    signals = svcm.western_electric([0.5, 3.5, -3.2, 3.0], 0.0, 1.0)
    assert_type(signals, svcm.Table[tuple[int, int]])
    assert signals[0] == (1, 1)


def time() -> None:
    t = svcm.parse_time("2025-03-01T12:00:00Z")
    assert_type(t, int | float)


def main() -> None:
    core()
    errors()
    feedback()
    durations()
    erlang()
    segment()
    priority()
    lifetime()
    time()


if __name__ == "__main__":
    main()
    print("typed example: ok")
