"""A final's question is corrected in place before it goes on stage: a day question in full (same checks
as adding it), a reserved bank question only in its round and team; once on stage it stays as played."""

import pytest
from django.test import Client
from django.urls import reverse

from stage import services
from stage.errors import InvalidQuestion, WrongState
from stage.models import AuditEntry, FinalQuestion
from tests.stage.final_factories import Final, at

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def edit_url(f, q):
    return reverse("stage:final_question_edit", args=[f.event.pk, q.pk])


def test_the_host_corrects_a_day_question_from_the_setup_page():
    f = Final()
    q = f.question(f.required, team=f.teams[0])
    host = login(f.tree.city_organiser)
    page = host.get(reverse("stage:manage", args=[f.event.pk])).content.decode()
    assert edit_url(f, q) in page
    form = host.get(edit_url(f, q)).content.decode()
    assert "我国的根本大法是？" in form and "A. " in form  # prefilled, options as typed
    data = {
        "round": f.required.pk,
        "qtype": "single",
        "team": 2,
        "stem": "我国的根本大法是哪一部法律？",
        "options_text": "A. 宪法\nB. 民法典\nC. 刑法",
        "answer_keys": "A",
        "answer_text": "宪法",
    }
    done = host.post(edit_url(f, q), data, follow=True).content.decode()
    assert "已保存修改" in done
    q.refresh_from_db()
    assert q.stem == "我国的根本大法是哪一部法律？" and q.team.number == 2 and len(q.options) == 3
    assert q.answer == ["A"]
    assert AuditEntry.objects.filter(event=f.event, data__edited_question=q.pk).exists()


def test_a_bad_correction_is_shown_beside_the_form_and_nothing_changes():
    f = Final()
    q = f.question(f.required, team=f.teams[0])
    host = login(f.tree.city_organiser)
    bad = {"round": f.required.pk, "qtype": "single", "team": "", "stem": "改过的题干", "options_text": "A. 甲\nB. 乙"}
    response = host.post(edit_url(f, q), bad)
    assert response.status_code == 400
    assert "请填写正确答案的选项字母" in response.content.decode()
    no_team = dict(bad, answer_keys="B")
    assert "必答题和风险题需指定答题队伍" in host.post(edit_url(f, q), no_team).content.decode()
    q.refresh_from_db()
    assert q.stem == "我国的根本大法是？" and q.team == f.teams[0]


def test_moving_to_another_round_puts_the_question_last_there():
    f = Final()
    f.question(f.buzzer)
    q = f.question(f.required, team=f.teams[0])
    services.question_edit(
        actor=f.host,
        question=q,
        round_=f.buzzer,
        stem=q.stem,
        qtype=q.qtype,
        options=q.options,
        answer=q.answer,
        answer_text=q.answer_text,
        team=None,
        now=at(0),
    )
    q.refresh_from_db()
    assert q.round_id == f.buzzer.pk and q.position == 1 and q.team is None


def test_a_question_that_has_been_on_stage_cannot_be_changed():
    f = Final()
    q = f.question(f.required, team=f.teams[0])
    f.open(q)
    with pytest.raises(WrongState):
        services.question_edit(
            actor=f.host, question=q, round_=f.required, stem="改", qtype="oral", team=f.teams[0], now=at(1)
        )
    host = login(f.tree.city_organiser)
    assert "该题已上过台，不能修改" in host.get(edit_url(f, q)).content.decode()
    assert FinalQuestion.objects.get(pk=q.pk).stem == "我国的根本大法是？"


def test_a_reserved_bank_question_keeps_its_text_but_can_change_team():
    from tests.competitions.factories import make_question

    f = Final()
    revision = make_question()
    q = services.question_reserve(actor=f.host, round_=f.required, question=revision.question, team=f.teams[0])
    with pytest.raises(InvalidQuestion, match="题库"):
        services.question_edit(
            actor=f.host, question=q, round_=f.required, stem="改写", qtype=q.qtype, options=q.options,
            answer=q.answer, answer_text=q.answer_text, team=f.teams[0], now=at(0),
        )  # fmt: skip
    host = login(f.tree.city_organiser)
    form = host.get(edit_url(f, q)).content.decode()
    assert 'name="stem"' not in form  # only round and team
    assert "已保存修改" in host.post(edit_url(f, q), {"round": f.required.pk, "team": 3}, follow=True).content.decode()
    q.refresh_from_db()
    assert q.team == f.teams[2] and q.stem == revision.stem


def test_only_the_events_hosts_reach_the_edit_page():
    f = Final()
    q = f.question(f.required, team=f.teams[0])
    other = login(f.tree.organiser_a)  # another region's organiser
    assert other.get(edit_url(f, q)).status_code in (403, 404)
    assert other.post(edit_url(f, q), {"round": f.required.pk, "qtype": "oral", "stem": "x"}).status_code in (403, 404)
    assert (
        login(f.tree.city_organiser).get(reverse("stage:final_question_edit", args=[f.event.pk, 99999])).status_code
        == 404
    )
    assert FinalQuestion.objects.get(pk=q.pk).stem == "我国的根本大法是？"
