"""A fill-in question's blanks （  ） in the stem must match its answers, through every import door and the form."""

import json

import pytest
from django.urls import reverse

from questionbank.models import Question
from questionbank.services.content import ContentInvalid, content_clean
from questionbank.services.importing import import_check
from tests.factories import Tree

from .factories import csv_bytes, topic, xlsx_bytes

pytestmark = pytest.mark.django_db

NO_BLANK = ["填空", "说说你对宪法的理解。", "", "", "", "", "宪法是国家的根本法，具有最高的法律效力", "", "法治教育/宪法",
            "中", "初中", "", ""]  # fmt: skip
TWO_BLANKS_ONE_ANSWER = ["填空", "（  ）是国家的根本法，（  ）是国家的根本大法。", "", "", "", "", "宪法", "",
                         "法治教育/宪法", "中", "初中", "", ""]  # fmt: skip


@pytest.fixture
def teacher():
    return Tree().teacher_a


@pytest.mark.parametrize(
    "stem,answer,ok",
    [
        ("我国的国家机构实行（  ）的原则。", "民主集中制", True),
        ("从二〇二〇年到（  ）年；从（）年到本世纪中叶。", "2035；2035", True),
        ("国家机构实行( )的原则，首都是____。", "民主集中制；北京", True),
        ("说说你对宪法的理解。", "宪法是国家的根本法", False),
        ("（  ）是国家的根本法，（  ）是国家的根本大法。", "宪法", False),
        ("我国的国家机构实行（  ）的原则。", "民主集中制；北京", False),
    ],
)
def test_content_rule_counts_blanks_against_answers(stem, answer, ok):
    kwargs = {"qtype": "fill_blank", "stem": stem, "options": [], "answer": answer}
    if ok:
        assert content_clean(**kwargs).answer
    else:
        with pytest.raises(ContentInvalid) as exc:
            content_clean(**kwargs)
        assert "（  ）" in exc.value.errors["answer"]


@pytest.mark.parametrize("fmt,to_bytes", [("xlsx", xlsx_bytes), ("csv", csv_bytes)])
def test_spreadsheet_rows_without_matching_blanks_are_errors(teacher, fmt, to_bytes):
    report = import_check(data=to_bytes([NO_BLANK, TWO_BLANKS_ONE_ANSWER]), fmt=fmt, actor=teacher)
    assert [r.status for r in report.rows] == ["error", "error"]
    assert "没有填空位置" in report.rows[0].errors[0][1]
    assert "2 个空" in report.rows[1].errors[0][1]


def test_json_row_without_a_blank_is_an_error(teacher):
    payload = [
        {"qtype": "fill_blank", "stem": "说说你对宪法的理解。", "answer": [["宪法是国家的根本法"]], "topic": "宪法"}
    ]
    report = import_check(data=json.dumps(payload, ensure_ascii=False).encode(), fmt="json", actor=teacher)
    assert report.rows[0].status == "error"


def test_gift_and_moodle_short_answers_get_their_one_blank_at_the_end(teacher):
    gift = "$CATEGORY: $course$/top/心理健康\n\n青少年服务热线的号码是？{=12355}"
    report = import_check(data=gift.encode(), fmt="gift", actor=teacher)
    assert report.rows[0].status == "new" and report.rows[0].content.stem.endswith("（  ）")
    xml = """<?xml version="1.0"?><quiz>
    <question type="category"><category><text>$course$/top/心理健康</text></category></question>
    <question type="shortanswer"><name><text>热线</text></name><questiontext><text>心理援助热线的号码是？</text></questiontext><answer fraction="100"><text>12355</text></answer>
    </question></quiz>"""
    report = import_check(data=xml.encode(), fmt="moodlexml", actor=teacher)
    assert report.rows[0].status == "new" and report.rows[0].content.stem == "心理援助热线的号码是？（  ）"


def test_form_refuses_a_fill_in_without_a_blank(client, teacher):
    client.force_login(teacher)
    data = {"topic": topic("法治教育/宪法").pk, "qtype": "fill_blank", "stem": "说说你对宪法的理解。",
            "answer": "宪法是国家的根本法", "difficulty": "easy", "grade_bands": ["junior"], "save": "1"}  # fmt: skip
    response = client.post(reverse("questionbank:new"), data)
    assert response.status_code in (200, 400)
    assert "没有填空位置" in response.content.decode()
    assert not Question.objects.exists()
