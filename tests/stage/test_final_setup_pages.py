"""The organiser's setup pages of the knowledge final: create it, teams with their device QR, rounds in
order with their rules, questions entered for the day or reserved from the bank, the hall quiz — all
region-scoped, with Chinese errors, confirmations for what cannot be undone, and no inline script/style."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from stage.models import EventKind, FinalQuestion, QuizGame, Round, StageEvent, Team
from tests.competitions.factories import make_question
from tests.factories import Tree
from tests.stage.final_factories import Final

pytestmark = pytest.mark.django_db


def organiser(f) -> Client:
    c = Client()
    c.force_login(f.tree.city_organiser)
    return c


def act(c, f, action, data):
    return c.post(reverse("stage:final_action", args=[f.event.pk, action]), data, follow=True)


def page(c, f) -> str:
    return c.get(reverse("stage:manage", args=[f.event.pk])).content.decode()


def test_an_organiser_creates_a_final_and_only_their_region_manages_it():
    tree = Tree()
    c = Client()
    c.force_login(tree.city_organiser)
    form = c.get(reverse("stage:final_create"))
    assert form.status_code == 200
    bad = c.post(reverse("stage:final_create"), {"title": "", "date": "2026-12-05", "owner_org": tree.city.pk})
    assert bad.status_code == 200 and "这个字段是必填项" in bad.content.decode()
    ok = c.post(
        reverse("stage:final_create"), {"title": "宪法知识决赛", "date": "2026-12-05", "owner_org": tree.city.pk}
    )
    event = StageEvent.objects.get(title="宪法知识决赛")
    assert event.kind == EventKind.FINAL and ok["Location"] == reverse("stage:manage", args=[event.pk])
    student = Client()
    student.force_login(tree.student_a)
    assert student.get(reverse("stage:final_create")).status_code == 403
    other = Client()
    other.force_login(tree.organiser_a)  # a district organiser: not the city's event
    assert other.get(reverse("stage:manage", args=[event.pk])).status_code == 403
    f = Final(tree=tree)
    assert act(other, f, "team", {"number": 9, "name": "九队", "school": "某校"}).status_code == 403
    assert not Team.objects.filter(number=9).exists()


def test_teams_are_added_with_chinese_errors_and_paired_by_a_qr_shown_once():
    f = Final()
    c = organiser(f)
    missing = c.post(reverse("stage:final_action", args=[f.event.pk, "team"]), {"number": 5, "name": "", "school": ""})
    assert missing.status_code == 400 and "这个字段是必填项" in missing.content.decode()
    taken = act(c, f, "team", {"number": 1, "name": "重号队", "school": "某校"})
    assert "队号 1 已被使用" in taken.content.decode()
    added = act(c, f, "team", {"number": 5, "name": "五队", "school": "崇川学校", "members": "张三，李四、王五"})
    assert "已添加参赛队" in added.content.decode()
    assert Team.objects.get(event=f.event, number=5).members == "张三、李四、王五"
    team = Team.objects.get(event=f.event, number=5)
    shown = act(c, f, "team_link", {"team": team.pk}).content.decode()
    assert "<svg" in shown and "/team/link/" in shown
    assert "/team/link/" not in page(c, f)  # the link is shown once
    assert "旧二维码立即失效" in page(c, f)  # re-issuing asks first


def test_rounds_keep_their_rules_and_order():
    f = Final()
    c = organiser(f)
    bad = c.post(
        reverse("stage:final_action", args=[f.event.pk, "round"]),
        {"kind": "risk", "points": 10, "answer_s": 30, "buzz_window_s": 10, "penalty": 10, "risk_choices": "10,abc"},
    )
    assert bad.status_code == 400 and "用逗号分隔的整数" in bad.content.decode()
    act(c, f, "round", {"kind": "risk", "title": "加赛风险题", "points": 10, "answer_s": 40, "buzz_window_s": 10,
                        "penalty": 0, "risk_choices": "30, 10，20"})  # fmt: skip
    extra = Round.objects.get(event=f.event, title="加赛风险题")
    assert extra.risk_choices == [10, 20, 30] and extra.answer_s == 40 and extra.position == 3
    act(c, f, "round_up", {"round": extra.pk})
    assert list(Round.objects.filter(event=f.event).order_by("position").values_list("title", flat=True)) == [
        "必答题", "抢答题", "加赛风险题", "风险题"
    ]  # fmt: skip
    html = page(c, f)
    assert html.index("加赛风险题") < html.index("风险题（风险题）")
    assert "分值可选 10 / 20 / 30" in html and "删除该轮及其全部题目" in html
    act(c, f, "round_delete", {"round": extra.pk})
    assert not Round.objects.filter(pk=extra.pk).exists()


def test_questions_entered_for_the_day_are_checked():
    f = Final()
    c = organiser(f)
    base = {"round": f.buzzer.pk, "stem": "我国的根本大法是？"}
    bad = c.post(
        reverse("stage:final_action", args=[f.event.pk, "question"]),
        {**base, "qtype": "single", "options_text": "A. 宪法\nC. 刑法", "answer_keys": "A"},
    )
    assert bad.status_code == 400 and "从 A 开始依次编号" in bad.content.decode()
    oral = c.post(reverse("stage:final_action", args=[f.event.pk, "question"]), {**base, "qtype": "oral"})
    assert oral.status_code == 400 and "参考答案" in oral.content.decode()
    ok = act(c, f, "question", {**base, "qtype": "single", "options_text": "A. 宪法\nB. 民法典", "answer_keys": "a"})
    assert "已添加现场题" in ok.content.decode()
    q = FinalQuestion.objects.get(round=f.buzzer)
    assert q.answer == ["A"] and [o["key"] for o in q.options] == ["A", "B"]
    no_team = act(c, f, "question", {**base, "round": f.required.pk, "qtype": "true_false", "answer_keys": "对"})
    assert "需指定答题队伍" in no_team.content.decode()
    act(c, f, "question", {**base, "round": f.required.pk, "qtype": "true_false", "answer_keys": "对", "team": 2})
    assert FinalQuestion.objects.get(round=f.required).team.number == 2
    act(c, f, "question_delete", {"question": q.pk})
    assert not FinalQuestion.objects.filter(pk=q.pk).exists()


def test_bank_questions_are_found_reserved_once_and_then_shown_as_held():
    f = Final()
    c = organiser(f)
    revision = make_question()
    found = c.get(reverse("stage:manage", args=[f.event.pk]) + "?q=" + revision.stem.split("：")[0]).content.decode()
    assert f"#{revision.question_id}" in found and "确定预留吗" in found
    act(c, f, "reserve", {"question": revision.question_id, "round": f.buzzer.pk, "team": ""})
    reserved = FinalQuestion.objects.get(source_revision=revision)
    assert reserved.round == f.buzzer and reserved.stem == revision.stem
    again = c.get(reverse("stage:manage", args=[f.event.pk]) + "?q=" + revision.stem.split("：")[0]).content.decode()
    assert "已被竞赛或其他决赛保密使用" in again
    twice = act(c, f, "reserve", {"question": revision.question_id, "round": f.buzzer.pk})
    assert "保密使用" in twice.content.decode() and FinalQuestion.objects.filter(source_revision=revision).count() == 1


QUIZ = """国家宪法日是哪一天？
A. 12月4日
B. 10月1日
答案：A

宪法是国家的根本大法吗？
A. 是
B. 不是
答案：A
时间：10
分值：2000"""


def test_the_hall_quiz_is_set_up_from_text_with_time_and_points():
    f = Final()
    c = organiser(f)
    bad = c.post(
        reverse("stage:final_action", args=[f.event.pk, "quiz"]),
        {
            "title": "快问快答",
            "time_s": 20,
            "points": 1000,
            "questions_text": QUIZ.replace("答案：A\n\n", "答案：E\n\n"),
        },
    )
    assert bad.status_code == 400 and "第 1 题的“答案：”须是一个选项字母" in bad.content.decode()
    act(c, f, "quiz", {"title": "快问快答", "time_s": 20, "points": 1000, "questions_text": QUIZ})
    game = QuizGame.objects.get(event=f.event)
    rules = list(game.questions.order_by("position").values_list("answer", "time_s", "points"))
    assert rules == [("A", 20, 1000), ("A", 10, 2000)]
    html = page(c, f)
    assert game.pin in html and reverse("stage:game_qr", args=[game.pin]) in html


def test_setup_page_has_no_inline_script_or_style_and_every_field_is_labelled():
    f = Final()
    c = organiser(f)
    html = c.get(reverse("stage:manage", args=[f.event.pk]) + "?q=题目").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and "<style" not in html and " style=" not in html
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for field_id in ids:
        assert f'for="{field_id}"' in html, field_id
