"""Building a paper: topics as a tree, available questions per rule, as many rule rows as needed, a
question picker for fixed papers, and a printable paper with its answer key (PDF)."""

import io
from datetime import timedelta

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from competitions.models import Contest
from questionbank.models import QuestionType

from .factories import make_contest, make_question, make_topic
from .test_pages import login

pytestmark = pytest.mark.django_db


def _form_data(tree, topic, rules):
    now = timezone.localtime()
    data = {
        "title": "二十大知识竞赛",
        "kind": "formal",
        "owner_org": tree.city.pk,
        "grade_bands": ["primary_upper"],
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "time_limit_min": 20,
        "attempts_allowed": 1,
        "counting": "best",
        "score_policy": "immediately",
        "review_policy": "after_close",
        "paper_mode": "rules",
        "excellence_percent": 85,
        "freeze_minutes": 0,
        "fixed_points": "5",
        "rules-TOTAL_FORMS": str(len(rules)),
        "rules-INITIAL_FORMS": "0",
    }
    for i, (qtype, count) in enumerate(rules):
        data |= {
            f"rules-{i}-topic": topic.pk,
            f"rules-{i}-qtype": qtype,
            f"rules-{i}-difficulty": "",
            f"rules-{i}-count": str(count),
            f"rules-{i}-points": "5",
            f"rules-{i}-order": str(i),
        }
    return data


def test_topics_are_offered_as_a_tree(tree):
    parent = make_topic("党的二十大")
    make_topic("报告原文", parent=parent)
    html = login(tree.city_organiser).get(reverse("competitions:contest_create")).content.decode()
    assert ">党的二十大</option>" in html and ">\u3000└ 报告原文</option>" in html


def test_available_counts_per_grade_band_as_a_rule_is_edited(tree, topic):
    for _ in range(3):
        make_question(topic=topic, qtype=QuestionType.SINGLE)
    make_question(topic=topic, qtype=QuestionType.SINGLE, grade_bands=("junior",))
    client = login(tree.city_organiser)
    url = reverse("competitions:paper_available")
    data = client.get(url, {"topic": topic.pk, "qtype": "single", "grade_bands": ["primary_upper", "junior"]}).json()
    assert data == {"per_band": {"小学高段": 3, "初中": 1}, "min": 1}
    assert client.get(url, {"topic": ""}).status_code == 400
    assert login(tree.student_a).get(url, {"topic": topic.pk}).status_code in (302, 403)


def test_more_rule_rows_than_three_are_saved_and_counts_show_on_the_page(tree, topic):
    for qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE, QuestionType.FILL_BLANK):
        for _ in range(2):
            make_question(topic=topic, qtype=qtype)
    make_question(topic=topic, qtype=QuestionType.SINGLE)
    rules = [("single", 1), ("single", 1), ("multiple", 1), ("true_false", 2), ("fill_blank", 1)]
    client = login(tree.city_organiser)
    response = client.post(reverse("competitions:contest_create"), _form_data(tree, topic, rules))
    assert response.status_code == 302, response.content.decode()[:2000]
    contest = Contest.objects.get(title="二十大知识竞赛")
    assert contest.rules.count() == 5
    html = client.get(reverse("competitions:contest_edit", args=[contest.pk])).content.decode()
    assert 'id="rule-template"' in html and "rules-__prefix__-topic" in html
    assert 'class="available" aria-live="polite"><span title="小学高段 3；">3</span>' in html


def test_question_picker_finds_published_questions_by_stem_or_number(tree, topic):
    rev = make_question(topic=topic)
    draft = make_question(topic=topic, status="draft")
    client = login(tree.city_organiser)
    url = reverse("competitions:paper_questions")
    found = client.get(url, {"q": rev.stem}).json()["results"]
    assert [r["id"] for r in found] == [rev.question_id]
    assert client.get(url, {"q": str(draft.question_id)}).json()["results"] == []


def test_printable_paper_has_the_questions_and_an_answer_key(tree, topic):
    single = make_question(topic=topic, qtype=QuestionType.SINGLE)
    blank = make_question(topic=topic, qtype=QuestionType.FILL_BLANK)
    contest = make_contest(owner_org=tree.city, fixed=[(single, 5), (blank, 5)], grade_bands=["primary_upper"])
    response = login(tree.city_organiser).get(reverse("competitions:paper_print", args=[contest.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert single.stem in text and blank.stem in text and "参考答案" in text and "南通" in text
    assert "满分 10 分" in text
    # a district organiser cannot print a city contest's paper (its answer key is secret)
    assert login(tree.organiser_a).get(reverse("competitions:paper_print", args=[contest.pk])).status_code == 404
