from decimal import Decimal

import pytest

from judging import services
from judging.models import Assignment, Award, JudgingLog, RoundEntry, RoundLevel
from judging.selectors import judge_consistency, published_awards, round_results
from judging.services import JudgingError

from .factories import World

pytestmark = pytest.mark.django_db

# per-entry points for the four criteria; each judge gives the same, so the entry's score is the sum
TOTALS = [[27, 27, 18, 18], [25, 25, 15, 15], [25, 25, 15, 15], [20, 20, 10, 10], [15, 15, 10, 10], [10, 10, 5, 5]]


def judged_world(k=2, **kw):
    w = World(schools=6, judges=4, k=k, **kw)
    w.open_and_assign()
    for i, entry in enumerate(w.entries):
        for a in Assignment.objects.filter(round=w.round, entry=entry):
            w.score(a, TOTALS[i])
    services.round_close(actor=w.organiser, rnd=w.round)
    return w


def test_results_rank_entries_with_ties_sharing_a_rank():
    w = judged_world()
    rows = round_results(w.round)
    assert [r["score"] for r in rows] == [Decimal(s) for s in ("90.00", "80.00", "80.00", "60.00", "50.00", "30.00")]
    assert [r["rank"] for r in rows] == [1, 2, 2, 4, 5, 6]


def test_top_n_per_district_advances_with_ties_at_the_boundary():
    # entries 0,2,4 are in district A (90, 80, 50); 1,3,5 in district B (80, 60, 30)
    w = judged_world()
    nxt = services.round_create(actor=w.organiser, contest=w.contest, name="决赛", level=RoundLevel.CITY)
    advanced = services.round_advance(actor=w.organiser, rnd=w.round, next_round=nxt, top_n=1)
    assert set(advanced) == {w.entries[0].pk, w.entries[1].pk}
    assert set(RoundEntry.objects.filter(round=nxt).values_list("entry_id", flat=True)) == set(advanced)
    # city-wide top 2: 90 then a tie at 80 → three advance
    advanced = services.round_advance(actor=w.organiser, rnd=w.round, next_round=nxt, top_n=2, per_district=False)
    assert set(advanced) == {w.entries[0].pk, w.entries[1].pk, w.entries[2].pk}


def test_top_percent_per_district():
    w = judged_world()
    nxt = services.round_create(actor=w.organiser, contest=w.contest, name="决赛")
    advanced = services.round_advance(actor=w.organiser, rnd=w.round, next_round=nxt, top_percent=Decimal(50))
    # 3 per district × 50% = 1.5 → 2 each
    assert set(advanced) == {w.entries[i].pk for i in (0, 2, 1, 3)}


def test_advance_needs_a_closed_round_and_one_quota():
    w = World(schools=2, judges=3, k=2)
    w.open_and_assign()
    nxt = services.round_create(actor=w.organiser, contest=w.contest, name="决赛")
    with pytest.raises(JudgingError, match="先结束本轮"):
        services.round_advance(actor=w.organiser, rnd=w.round, next_round=nxt, top_n=1)
    with pytest.raises(JudgingError, match="选择一种"):
        services.round_advance(actor=w.organiser, rnd=w.round, next_round=nxt, top_n=1, top_percent=10)


def test_award_tiers_give_ties_at_a_boundary_the_higher_tier():
    w = judged_world()
    tiers = {"first": {"count": 1}, "second": {"count": 1}, "third": {"count": 2}, "merit": {"percent": 100}}
    services.awards_compute(actor=w.organiser, contest=w.contest, rnd=w.round, tiers=tiers)
    got = {a.entry_id: (a.tier, a.rank) for a in Award.objects.all()}
    e = w.entries
    assert got[e[0].pk] == ("first", 1)
    # 80 and 80 tie for second place: both 二等奖; 三等奖's cumulative boundary (4) leaves one place
    assert got[e[1].pk] == ("second", 2) and got[e[2].pk] == ("second", 2)
    assert got[e[3].pk] == ("third", 4)
    assert got[e[4].pk][0] == "merit" and got[e[5].pk][0] == "merit"


def test_publication_is_logged_and_freezes_the_list():
    w = judged_world()
    services.awards_compute(actor=w.organiser, contest=w.contest, rnd=w.round, tiers={"first": {"count": 2}})
    assert not published_awards(w.contest).exists()  # drafts are not published
    services.awards_publish(actor=w.organiser, contest=w.contest)
    published = list(published_awards(w.contest))
    assert [a.entry for a in published] == [w.entries[0], w.entries[1], w.entries[2]]  # tie at 2nd extends
    assert JudgingLog.objects.filter(action="awards_publish").exists()
    with pytest.raises(JudgingError, match="冻结"):
        services.awards_compute(actor=w.organiser, contest=w.contest, rnd=w.round, tiers={"first": {"count": 1}})
    with pytest.raises(JudgingError, match="已经公布"):
        services.awards_publish(actor=w.organiser, contest=w.contest)
    assert published_awards(w.contest).count() == 3


def test_five_judges_use_the_trimmed_mean():
    w = World(schools=1, judges=5, k=5)
    w.open_and_assign()
    values = [[30, 30, 20, 20], [25, 25, 15, 15], [20, 20, 15, 15], [20, 20, 10, 10], [5, 5, 5, 5]]  # 100,80,70,60,20
    for a, v in zip(Assignment.objects.filter(round=w.round).order_by("judge__username"), values):
        w.score(a, v)
    row = round_results(w.round)[0]
    assert row["score"] == Decimal("70.00")  # (80 + 70 + 60) / 3


def test_standardised_round_cancels_a_harsh_judge():
    w = World(schools=2, judges=2, k=2)
    w.round.standardise = True
    w.round.disagreement_threshold = Decimal(50)
    w.round.save()
    w.open_and_assign()
    harsh, lenient = w.judges
    scores = {
        (lenient, 0): [24, 24, 16, 16],
        (lenient, 1): [18, 18, 12, 12],
        (harsh, 0): [21, 21, 14, 14],
        (harsh, 1): [15, 15, 10, 10],
    }
    for (judge, i), v in scores.items():
        w.score(Assignment.objects.get(round=w.round, judge=judge, entry=w.entries[i]), v)
    rows = {r["entry"].pk: r["score"] for r in round_results(w.round)}
    # raw: lenient 80/60, harsh 70/50 → standardised both 76.18 / 53.82 (see the aggregation test)
    assert rows[w.entries[0].pk] == Decimal("76.18") and rows[w.entries[1].pk] == Decimal("53.82")


def test_consistency_report_shows_each_judges_distance_from_consensus():
    w = World(schools=2, judges=2, k=2)
    w.round.disagreement_threshold = Decimal(50)
    w.round.save()
    w.open_and_assign()
    harsh, lenient = w.judges
    for e in w.entries:
        w.score(Assignment.objects.get(judge=lenient, entry=e), [24, 24, 16, 16])  # 80
        w.score(Assignment.objects.get(judge=harsh, entry=e), [21, 21, 14, 14])  # 70
    report = {r["username"]: r for r in judge_consistency(w.round)}
    assert report[harsh.username]["bias"] == Decimal("-10.00")
    assert report[lenient.username]["distance"] == Decimal("10.00")
    assert report[lenient.username]["mean"] == Decimal("80.00") and report[lenient.username]["sd"] == Decimal("0.00")


def test_the_next_round_judges_only_the_advanced_entries():
    w = judged_world()
    nxt = services.round_create(actor=w.organiser, contest=w.contest, name="市级复评", judges_per_entry=2)
    services.round_set_panel(actor=w.organiser, rnd=nxt, judge_ids=[j.pk for j in w.judges])
    advanced = services.round_advance(actor=w.organiser, rnd=w.round, next_round=nxt, top_n=1)
    services.round_open(actor=w.organiser, rnd=nxt)
    plan = services.round_assign_auto(actor=w.organiser, rnd=nxt)
    assert set(plan) == set(advanced)
    assert set(Assignment.objects.filter(round=nxt).values_list("entry_id", flat=True)) == set(advanced)


def test_a_later_round_cannot_open_before_the_previous_one_closes():
    w = World(schools=2, judges=3, k=2)
    w.open_and_assign()
    nxt = services.round_create(actor=w.organiser, contest=w.contest, name="决赛")
    with pytest.raises(JudgingError, match="上一轮评审尚未结束"):
        services.round_open(actor=w.organiser, rnd=nxt)
