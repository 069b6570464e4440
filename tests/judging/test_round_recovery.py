"""An essay contest never gets stuck: the panel is checked up front, a round can be edited or deleted
until judging starts, and every failed state has a way back."""

import pytest
from django.urls import reverse

from judging import services
from judging.models import Assignment, JudgeConflict, JudgePairRule, Round, RoundEntry
from judging.services import JudgingError
from tests.factories import make_judge

from .factories import World

pytestmark = pytest.mark.django_db


def test_a_round_created_with_a_panel_smaller_than_judges_per_entry_is_refused():
    w = World(schools=2, judges=1, k=1)
    with pytest.raises(JudgingError, match="评委组只有 1 人") as exc:
        services.round_create(
            actor=w.organiser, contest=w.contest, name="复评", judges_per_entry=2, judge_ids=[w.judges[0].pk]
        )
    assert exc.value.code == "panel_too_small"
    assert Round.objects.filter(contest=w.contest).count() == 1


def test_the_round_form_refuses_too_few_judges_and_creates_with_a_valid_panel(client):
    w = World(schools=2, judges=3, k=1)
    client.force_login(w.organiser)
    url = reverse("judging:round_create", args=[w.contest.pk])
    base = {"name": "复评", "level": "city", "judges_per_entry": 2, "disagreement_threshold": "20"}
    resp = client.post(url, base | {"judges": [w.judges[0].pk]}, follow=True)
    assert "每份作品需要 2 名评委，但只选了 1 名评委" in resp.content.decode()
    assert w.contest.rounds.count() == 1
    resp = client.post(url, base | {"judges": [j.pk for j in w.judges[:2]]})
    rnd = w.contest.rounds.get(name="复评")
    assert set(rnd.judges.values_list("pk", flat=True)) == {w.judges[0].pk, w.judges[1].pk}


def test_the_round_page_warns_before_judging_starts_when_the_panel_is_too_small(client):
    w = World(schools=2, judges=1, k=2)
    client.force_login(w.organiser)
    html = client.get(reverse("judging:round_detail", args=[w.round.pk])).content.decode()
    assert "开始评审前需要处理" in html and "评委组只有 1 人" in html


def test_the_round_page_warns_when_conflicts_leave_an_entry_without_enough_judges(client):
    w = World(schools=2, judges=2, k=2)
    services.conflict_declare(
        actor=w.organiser, contest=w.contest, judge_id=w.judges[0].pk, entry_code=w.entries[1].code
    )
    assert any(w.entries[1].code in p for p in services.round_problems(w.round))
    with pytest.raises(JudgingError, match=w.entries[1].code):
        services.round_open(actor=w.organiser, rnd=w.round)
    conflict = JudgeConflict.objects.get()
    services.conflict_remove(actor=w.organiser, conflict=conflict)
    assert services.round_problems(w.round) == []
    services.round_open(actor=w.organiser, rnd=w.round)


def test_a_round_can_be_edited_and_deleted_until_judging_starts():
    w = World(schools=2, judges=3, k=3)
    services.round_update(actor=w.organiser, rnd=w.round, judges_per_entry=2, name="初评")
    rnd = w.refresh_round()
    assert (rnd.judges_per_entry, rnd.name) == (2, "初评")
    with pytest.raises(JudgingError, match="评委组只有 3 人"):
        services.round_update(actor=w.organiser, rnd=rnd, judges_per_entry=4)
    extra = services.round_create(actor=w.organiser, contest=w.contest, name="多余的轮次")
    services.round_delete(actor=w.organiser, rnd=extra)
    assert not Round.objects.filter(pk=extra.pk).exists()
    w.open_and_assign()
    with pytest.raises(JudgingError, match="退回准备阶段"):
        services.round_update(actor=w.organiser, rnd=rnd, judges_per_entry=1)
    with pytest.raises(JudgingError, match="不能删除"):
        services.round_delete(actor=w.organiser, rnd=rnd)


def test_a_judging_round_without_scores_goes_back_to_setup_and_can_start_again():
    w = World(schools=3, judges=3, k=2)
    w.open_and_assign()
    services.round_reset(actor=w.organiser, rnd=w.round)
    rnd = w.refresh_round()
    assert rnd.status == "setup" and not Assignment.objects.filter(round=rnd).exists()
    w.contest.rubric.refresh_from_db()
    assert w.contest.rubric.frozen_at is None  # the rubric can be fixed too
    services.round_update(actor=w.organiser, rnd=rnd, judges_per_entry=3)
    plan = w.open_and_assign()
    assert all(len(js) == 3 for js in plan.values())


def test_a_round_with_scores_cannot_be_reset():
    w = World(schools=2, judges=3, k=2)
    w.open_and_assign()
    w.score(Assignment.objects.first(), [20, 20, 10, 10], submit=False)
    with pytest.raises(JudgingError, match="已有评委开始评分"):
        services.round_reset(actor=w.organiser, rnd=w.round)


def test_an_unassigned_round_cannot_be_closed_so_nothing_advances_with_zero_entries():
    w = World(schools=2, judges=3, k=2)
    services.round_open(actor=w.organiser, rnd=w.round)
    with pytest.raises(JudgingError, match="还没有分配评委"):
        services.round_close(actor=w.organiser, rnd=w.round)


def test_a_second_round_without_advanced_entries_says_how_to_fill_it():
    w = World(schools=2, judges=3, k=2)
    w.open_and_assign()
    nxt = services.round_create(actor=w.organiser, contest=w.contest, name="决赛", judges_per_entry=2)
    services.round_set_panel(actor=w.organiser, rnd=nxt, judge_ids=[j.pk for j in w.judges])
    assert any("确定晋级名单" in p for p in services.round_problems(nxt))
    for a in Assignment.objects.filter(round=w.round):
        w.score(a, [20, 20, 10, 10])
    services.round_close(actor=w.organiser, rnd=w.round)
    with pytest.raises(JudgingError, match="确定晋级名单"):
        services.round_open(actor=w.organiser, rnd=nxt)


def test_a_closed_round_reopens_until_the_next_round_starts():
    w = World(schools=2, judges=3, k=2)
    w.open_and_assign()
    for a in Assignment.objects.filter(round=w.round):
        w.score(a, [20, 20, 10, 10])
    services.round_close(actor=w.organiser, rnd=w.round)
    nxt = services.round_create(actor=w.organiser, contest=w.contest, name="决赛", judges_per_entry=2)
    services.round_set_panel(actor=w.organiser, rnd=nxt, judge_ids=[j.pk for j in w.judges])
    services.round_advance(actor=w.organiser, rnd=w.round, next_round=nxt, top_n=1)
    services.round_reopen(actor=w.organiser, rnd=w.round)
    assert w.refresh_round().status == "judging"
    assert not RoundEntry.objects.filter(round=nxt).exists()
    assert not RoundEntry.objects.filter(round=w.round, advanced=True).exists()
    services.round_close(actor=w.organiser, rnd=w.round)
    services.round_advance(actor=w.organiser, rnd=w.round, next_round=nxt, top_n=1)
    services.round_open(actor=w.organiser, rnd=nxt)
    with pytest.raises(JudgingError, match="下一轮已开始"):
        services.round_reopen(actor=w.organiser, rnd=w.round)


def test_declared_pairs_can_be_removed_and_other_districts_organisers_cannot():
    w = World(schools=2, judges=3, k=2)
    pair = services.judge_pair_declare(
        actor=w.organiser, contest=w.contest, judge_a_id=w.judges[0].pk, judge_b_id=w.judges[1].pk
    )
    with pytest.raises(JudgingError) as exc:
        services.judge_pair_remove(actor=w.tree.organiser_a, pair=pair)
    assert exc.value.status == 403
    services.judge_pair_remove(actor=w.organiser, pair=pair)
    assert not JudgePairRule.objects.exists()


def test_round_page_actions_edit_delete_and_reset(client):
    w = World(schools=2, judges=2, k=2)
    make_judge(w.tree.city, username="judge_late")
    client.force_login(w.organiser)
    url = reverse("judging:round_action", args=[w.round.pk])
    edit = {
        "action": "edit",
        "edit-name": "区级初评",
        "edit-level": "city",
        "edit-judges_per_entry": 1,
        "edit-disagreement_threshold": "15",
    }
    client.post(url, edit)
    assert w.refresh_round().name == "区级初评" and w.round.judges_per_entry == 1
    client.post(url, {"action": "open"})
    client.post(url, {"action": "assign"})
    resp = client.post(url, {"action": "reset"}, follow=True)
    assert "已退回准备阶段" in resp.content.decode()
    assert w.refresh_round().status == "setup"
    resp = client.post(url, {"action": "delete"})
    assert "确认删除本轮" in resp.content.decode() and Round.objects.filter(pk=w.round.pk).exists()
    resp = client.post(url, {"action": "delete", "confirmed": "1"})
    assert resp.status_code == 302 and not Round.objects.filter(pk=w.round.pk).exists()


def test_saving_a_panel_that_is_too_small_warns_at_once(client):
    w = World(schools=2, judges=3, k=3)
    client.force_login(w.organiser)
    url = reverse("judging:round_action", args=[w.round.pk])
    resp = client.post(url, {"action": "panel", "judges": [w.judges[0].pk]}, follow=True)
    html = resp.content.decode()
    assert "评委组已更新（1 人）" in html and "注意：每份作品需要 3 名评委，但评委组只有 1 人" in html
