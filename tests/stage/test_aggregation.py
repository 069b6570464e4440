"""The stage rule against hand-computed examples, and properties that hold for any panel."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from stage.aggregation import aggregate, award_tiers, overtime_deduction, rank

D = Decimal


def test_seven_judges_drop_the_single_highest_and_lowest():
    # 91 and 80 dropped; (85 + 86 + 87 + 88 + 84) / 5 = 86.00
    res = aggregate({1: D(91), 2: D(85), 3: D(86), 4: D(80), 5: D(87), 6: D(88), 7: D(84)})
    assert (res.dropped_high, res.dropped_low) == (1, 4)
    assert res.final == D("86.00")
    assert sorted(res.kept) == [2, 3, 5, 6, 7]


def test_four_judges_plain_mean():
    # (90 + 80 + 85 + 86.5) / 4 = 85.375 → 85.38 shown
    res = aggregate({1: D(90), 2: D(80), 3: D(85), 4: D("86.5")})
    assert res.dropped_high is None and res.dropped_low is None
    assert res.final == D("85.38")
    assert res.final_exact == D("85.375000")


def test_overtime_every_started_ten_seconds_costs_a_tenth():
    rule = {"limit_s": 300, "step_s": 10, "step_deduction": D("0.1")}
    assert overtime_deduction(speech_ms=300_000, **rule) == 0
    assert overtime_deduction(speech_ms=300_001, **rule) == D("0.1")
    assert overtime_deduction(speech_ms=310_000, **rule) == D("0.1")
    assert overtime_deduction(speech_ms=310_001, **rule) == D("0.2")
    assert overtime_deduction(speech_ms=None, **rule) == 0


def test_final_subtracts_the_deduction_after_trimming():
    # five judges: drop 95 and 70, mean of 80, 82, 84 = 82; 25 s over → 3 steps → −0.3 → 81.70
    deduction = overtime_deduction(speech_ms=325_000, limit_s=300, step_s=10, step_deduction=D("0.1"))
    res = aggregate({1: D(95), 2: D(80), 3: D(82), 4: D(84), 5: D(70)}, deduction=deduction)
    assert res.deduction == D("0.3") and res.final == D("81.70")


def test_ties_more_decimals_then_median_then_running_order():
    a = aggregate({1: D("85.004"), 2: D(85), 3: D(85)})  # 85.001333 → shows 85.00
    b = aggregate({1: D("85.002"), 2: D(85), 3: D(85)})  # 85.000667 → shows 85.00
    assert a.final == b.final == D("85.00")
    assert rank({"a": (a, 2), "b": (b, 1)}) == ["a", "b"]  # more decimals decide
    c = aggregate({1: D(90), 2: D(86), 3: D(79)})  # mean 85, median 86
    d = aggregate({1: D(80), 2: D(85), 3: D(90)})  # mean 85, median 85
    assert rank({"d": (d, 1), "c": (c, 2)}) == ["c", "d"]  # higher median
    e = aggregate({1: D(85), 2: D(85), 3: D(85)})
    f = aggregate({1: D(85), 2: D(85), 3: D(85)})
    assert rank({"f": (f, 4), "e": (e, 3)}) == ["e", "f"]  # earlier running order


def test_performers_without_scores_rank_last():
    assert rank({"x": (aggregate({}), 1), "y": (aggregate({1: D(1)}), 2)}) == ["y", "x"]


def test_award_tiers_by_count_and_by_percent():
    quotas = [("first", D(1)), ("second", D(2)), ("third", D(3)), ("merit", D(0))]
    assert award_tiers(5, quotas, percent=False) == ["first", "second", "second", "third", "third"]
    pct = [("first", D(10)), ("second", D(20)), ("third", D(30)), ("merit", D(0))]
    # of 10: 1, 2, 3 places
    assert award_tiers(10, pct, percent=True)[:7] == ["first", "second", "second", "third", "third", "third", None]


score = st.integers(0, 10_000).map(lambda n: Decimal(n) / 100)  # 0.00–100.00
totals = st.lists(score, min_size=1, max_size=12).map(lambda vals: dict(enumerate(vals, start=1)))


@given(totals)
def test_property_final_lies_within_the_panel_and_ignores_judge_order(values):
    res = aggregate(values, trim_min=5, places=2)
    assert min(values.values()) <= res.mean <= max(values.values())
    reordered = aggregate(dict(reversed(list(values.items()))), trim_min=5, places=2)
    assert reordered.final == res.final
    if len(values) >= 5:
        assert values[res.dropped_high] == max(values.values())
        assert values[res.dropped_low] == min(values.values())
        assert res.dropped_high != res.dropped_low
        kept = sorted(values.values())[1:-1]
        assert res.mean == sum(kept) / len(kept)
    else:
        assert res.dropped_high is None and res.mean == sum(values.values()) / len(values)


@given(totals, st.integers(1, 12), st.integers(0, 500).map(lambda n: Decimal(n) / 100))
def test_property_raising_one_score_never_lowers_the_final(values, judge, bump):
    if judge not in values:
        return
    base = aggregate(values)
    raised = aggregate({**values, judge: values[judge] + bump})
    assert raised.final_exact >= base.final_exact
