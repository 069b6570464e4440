"""Setup corrected in place before the day: a performer taken off the open roster, a team's name or members
fixed, a round's rules changed until one of its questions has been on stage; and a final's public page
(teams, rules, scores — never a question)."""

import pytest
from django.test import Client
from django.urls import reverse

from stage import services
from stage.access import team_for_link
from stage.errors import DrawError, StageError, WrongState
from stage.models import Performer, Round, Team
from stage.selectors_final import team_scores
from tests.stage.factories import T0, Stage
from tests.stage.final_factories import Final, at

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_performer_leaves_the_open_roster_but_not_once_the_commitment_is_published():
    st = Stage(judges=2, performers=3, draw=False)
    gone, kept, noted = st.performers
    url = reverse("stage:manage_action", args=[st.event.pk, "performer_delete"])
    assert login(st.tree.organiser_a).post(url, {"performer": gone.pk}).status_code == 403  # another region
    host = login(st.tree.city_organiser)
    page = host.get(reverse("stage:manage", args=[st.event.pk])).content.decode()
    assert "确定从名单中删除选手" in page  # asks first
    done = host.post(url, {"performer": gone.pk}, follow=True).content.decode()
    assert "已删除选手" in done and not Performer.objects.filter(pk=gone.pk).exists()
    assert "没有该选手" in host.post(url, {"performer": "x"}, follow=True).content.decode()
    services.conflict_declare(actor=st.host, seat=st.seats[1], performer=noted, now=T0)
    with pytest.raises(StageError, match="回避"):  # the audit log keeps pointing at them
        services.performer_remove(actor=st.host, performer=noted)
    services.draw_commit(actor=st.host, event_id=st.event.pk, public_input_rule="x", now=T0)
    with pytest.raises(DrawError):
        services.performer_remove(actor=st.host, performer=Performer.objects.get(pk=kept.pk))
    refused = host.post(url, {"performer": kept.pk}, follow=True).content.decode()
    assert "选手名单已冻结" in refused and Performer.objects.filter(pk=kept.pk).exists()
    assert "performer_delete" not in host.get(reverse("stage:manage", args=[st.event.pk])).content.decode()


def test_a_team_is_corrected_in_place_keeping_its_number_device_and_score():
    f = Final()
    raw = services.team_link_issue(actor=f.host, team=f.teams[0], now=at(0))
    q = f.question(f.required, team=f.teams[0])
    f.open(q)
    services.team_answer(actor=f.devices[0], event_id=f.event.pk, question_id=q.pk, answer=["A"], now=at(5))
    host = login(f.tree.city_organiser)
    url = reverse("stage:final_action", args=[f.event.pk, "team_edit"])
    data = {"team": f.teams[0].pk, "name": "崇川一队", "school": "崇川学校", "members": "张三，李四"}
    assert login(f.tree.organiser_a).post(url, data).status_code == 403
    assert "已保存修改" in host.post(url, data, follow=True).content.decode()
    team = Team.objects.get(pk=f.teams[0].pk)
    assert (team.number, team.name, team.school, team.members) == (1, "崇川一队", "崇川学校", "张三、李四")
    assert team_for_link(f.event, raw) == team  # the paired device keeps working
    assert team_scores(f.event)[0]["name"] == "崇川一队" and team_scores(f.event)[0]["score"] == 10
    bad = host.post(url, {**data, "name": " "}, follow=True).content.decode()
    assert "队名：这个字段是必填项" in bad and Team.objects.get(pk=team.pk).name == "崇川一队"


def test_round_rules_change_until_a_question_of_the_round_has_been_on_stage():
    f = Final()
    host = login(f.tree.city_organiser)
    url = reverse("stage:final_action", args=[f.event.pk, "round_edit"])
    rules = {"round": f.buzzer.pk, "title": "抢答", "points": 20, "answer_s": 15, "buzz_window_s": 5, "penalty": 5}
    assert "已保存修改" in host.post(url, rules, follow=True).content.decode()
    r = Round.objects.get(pk=f.buzzer.pk)
    assert (r.kind, r.title, r.points, r.answer_s, r.buzz_window_s, r.penalty) == ("buzzer", "抢答", 20, 15, 5, 5)
    risk = {"round": f.risk.pk, "title": "风险题", "points": 10, "answer_s": 30, "buzz_window_s": 10, "penalty": 0}
    bad = host.post(url, {**risk, "risk_choices": "0,20"}, follow=True).content.decode()
    assert "每个分值为 1–1000" in bad and Round.objects.get(pk=f.risk.pk).risk_choices == [10, 20, 30]
    host.post(url, {**risk, "risk_choices": "20，40"})
    assert Round.objects.get(pk=f.risk.pk).risk_choices == [20, 40]
    page = host.get(reverse("stage:manage", args=[f.event.pk])).content.decode()
    assert f'id="re-{f.buzzer.pk}-penalty"' in page and f'for="re-{f.buzzer.pk}-penalty"' in page
    f.open(f.question(f.buzzer))  # on stage: the teams now play under these rules
    with pytest.raises(WrongState):
        services.round_edit(actor=f.host, round_=r, title="抢答", points=50, answer_s=15, buzz_window_s=5, penalty=5)
    refused = host.post(url, {**rules, "points": 50}, follow=True).content.decode()
    assert "不能再调整" in refused and Round.objects.get(pk=r.pk).points == 20
    assert f'id="re-{f.buzzer.pk}-penalty"' not in host.get(reverse("stage:manage", args=[f.event.pk])).content.decode()


def test_a_finals_public_page_shows_teams_rules_and_scores_but_no_question():
    f = Final()
    q = f.question(f.required, team=f.teams[1])
    f.question(f.risk, team=f.teams[2])  # not yet on stage
    f.open(q)
    services.team_answer(actor=f.devices[1], event_id=f.event.pk, question_id=q.pk, answer=["A"], now=at(5))
    html = Client().get(reverse("stage:event", args=[f.event.pk])).content.decode()
    assert "2队" in html and "学校2" in html and "抢答时限 10 秒" in html and "分值可选 10 / 20 / 30" in html
    assert "实时比分" in html and "<td>10</td>" in html
    assert "根本大法" not in html and "评分规则" not in html  # no question; not the speech contest's page
