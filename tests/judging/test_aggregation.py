from decimal import Decimal as D

from judging import aggregation as agg


def test_weighted_total_sums_points_times_weights():
    assert agg.weighted_total({1: D("25"), 2: D("20.5")}, {1: D("1"), 2: D("2")}) == D("66.00")


def test_mean_of_four_judges_keeps_every_score():
    assert agg.trimmed_mean([D(90), D(80), D(85), D(70)]) == D("81.25")


def test_five_judges_drop_one_highest_and_one_lowest():
    # 去掉一个最高分 (90) 和一个最低分 (60): (80 + 85 + 70) / 3
    assert agg.trimmed_mean([D(90), D(80), D(85), D(70), D(60)]) == D("78.33")


def test_trimmed_mean_drops_only_one_of_tied_extremes():
    assert agg.trimmed_mean([D(90), D(90), D(80), D(60), D(60)]) == D("76.67")


def test_standardisation_removes_a_severe_judges_offset():
    # Judge A gives 80/60, judge B (10 points harsher) gives 70/50 to the same two essays.
    # All totals: mean 65, population sd √125 ≈ 11.18; each judge: sd 10, so z = ±1.
    out = agg.standardise([("A", "e1", D(80)), ("A", "e2", D(60)), ("B", "e1", D(70)), ("B", "e2", D(50))])
    assert out[("A", "e1")] == out[("B", "e1")] == D("76.18")
    assert out[("A", "e2")] == out[("B", "e2")] == D("53.82")


def test_standardisation_only_shifts_a_judge_with_a_single_score():
    out = agg.standardise([("A", "e1", D(80)), ("A", "e2", D(60)), ("B", "e3", D(90))])
    # overall mean 76.67; B's single score equals B's mean, so it becomes the overall mean
    assert out[("B", "e3")] == D("76.67")


def test_spread_is_max_minus_min():
    assert agg.spread([D(70), D(95), D(82)]) == D("25.00")


def test_competition_ranks_share_ties():
    assert agg.competition_ranks({"a": D(90), "b": D(85), "c": D(85), "d": D(80)}) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_quota_ties_at_the_boundary_all_advance():
    scores = {"a": D(90), "b": D(85), "c": D(85), "d": D(80)}
    assert agg.select_top(scores, 2) == {"a", "b", "c"}
    assert agg.select_top(scores, 1) == {"a"}


def test_quota_percent_rounds_half_up_and_gives_at_least_one_place():
    assert agg.quota_count(total=10, top_percent=D(25)) == 3  # 2.5 → 3
    assert agg.quota_count(total=3, top_percent=D(10)) == 1  # 0.3 → at least 1
    assert agg.quota_count(total=3, top_n=5) == 3


def test_tie_at_tier_boundary_gets_the_higher_tier_and_the_next_tier_shrinks():
    scores = {"a": D(95), "b": D(90), "c": D(90), "d": D(80), "e": D(70), "f": D(60)}
    tiers = agg.assign_tiers(scores, [("first", 2), ("second", 4), ("third", 5)])
    # b and c tie for 2nd: both first prize; second prize keeps its cumulative boundary (4)
    assert tiers == {"a": "first", "b": "first", "c": "first", "d": "second", "e": "third"}
    assert "f" not in tiers


def test_scores_equal_at_two_decimals_are_a_tie():
    assert agg.competition_ranks({"a": D("80.004"), "b": D("80.001")}) == {"a": 1, "b": 1}
