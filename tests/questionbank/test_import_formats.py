"""Every supported format reaches the same engine and yields the same questions."""

import json

import pytest

from questionbank.models import Question, QuestionStatus
from questionbank.services.importing import import_check, import_write
from tests.factories import Tree

from .factories import csv_bytes, sheet_rows, topic, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher():
    return Tree().teacher_a


def run(data, fmt, actor, **kw):
    report = import_check(data=data, fmt=fmt, actor=actor, default_topic=kw.pop("default_topic", None))
    assert report.ok, report.error_lines()
    import_write(report=report, actor=actor, **kw)
    return report


def assert_four_sheet_questions():
    by_type = {q.qtype: q for q in Question.objects.all()}
    assert set(by_type) == {"single", "multiple", "true_false", "fill_blank"}
    assert by_type["single"].answer == ["A"] and by_type["single"].difficulty == "easy"
    assert [o["text"] for o in by_type["single"].options] == ["宪法", "刑法", "民法典"]
    assert by_type["multiple"].answer == ["A", "B"] and by_type["multiple"].grade_bands == ["junior", "senior"]
    assert by_type["multiple"].tags == ["义务"]
    assert by_type["true_false"].answer is True and len(by_type["true_false"].grade_bands) == 4
    assert by_type["fill_blank"].answer == [["民主集中制"]] and by_type["fill_blank"].source == "宪法第三条"
    assert all(q.topic == topic("法治教育/宪法") for q in by_type.values())
    assert all(q.status == QuestionStatus.DRAFT for q in by_type.values())


def test_xlsx_import(teacher):
    run(xlsx_bytes(sheet_rows()), "xlsx", teacher)
    assert_four_sheet_questions()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_import_in_utf8_with_or_without_bom_and_gbk(teacher, encoding):
    data = csv_bytes(sheet_rows(), encoding=encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")
    run(data, "csv", teacher)
    assert_four_sheet_questions()


def test_xlsx_saved_by_libreoffice(teacher):
    """tests/questionbank/data/libreoffice.xlsx was converted from a CSV by LibreOffice Calc 7.4
    (`soffice --headless --convert-to xlsx`)."""
    from pathlib import Path

    data = (Path(__file__).parent / "data" / "libreoffice.xlsx").read_bytes()
    assert b"LibreOffice" in __import__("zipfile").ZipFile(__import__("io").BytesIO(data)).read("docProps/app.xml")
    run(data, "xlsx", teacher)
    assert_four_sheet_questions()


def test_json_import_with_structured_values(teacher):
    payload = [
        {"qtype": "single", "stem": "我国的根本大法是（  ）。", "options": ["宪法", "刑法", "民法典"], "answer": ["A"],
         "explanation": "宪法是根本法。", "topic": "法治教育/宪法", "difficulty": "easy", "grade_bands": ["junior"]},
        {"题型": "多选", "题干": "下列属于我国公民基本义务的有（  ）。", "选项A": "依法纳税", "选项B": "依法服兵役",
         "选项C": "随意占用公共财物", "答案": "AB", "专题": "法治教育/宪法", "难度": "中", "学段": "初中、高中",
         "出处": "宪法", "标签": "义务"},
        {"qtype": "true_false", "stem": "每年12月4日是国家宪法日。", "answer": True, "topic": "宪法", "difficulty": "易"},
        {"qtype": "fill_blank", "stem": "我国的国家机构实行（  ）的原则。", "answer": [["民主集中制"]],
         "topic": "法治教育/宪法", "difficulty": "hard", "grade_bands": ["senior"], "source": "宪法第三条"},
    ]  # fmt: skip
    run(json.dumps(payload, ensure_ascii=False).encode(), "json", teacher)
    assert_four_sheet_questions()


GIFT = """// 从 Moodle 导出的 GIFT 文件
$CATEGORY: $course$/top/法治教育/宪法

::根本法:: 我国的根本大法是{=宪法 ~刑法 ~民法典 ####宪法是国家的根本法。}

::义务:: 下列属于我国公民基本义务的有{~%50%依法纳税 ~%50%依法服兵役 ~%-100%随意占用公共财物}

每年12月4日是国家宪法日。{TRUE}

我国的国家机构实行{=民主集中制 =民主集中}的原则。

::论述:: 谈谈你对法治的理解。{}
"""


def test_gift_import_maps_category_and_reports_unsupported_type_per_question(teacher):
    report = import_check(data=GIFT.encode(), fmt="gift", actor=teacher)
    assert [r.status for r in report.rows] == ["new", "new", "new", "new", "error"]
    assert "问答题" in report.rows[4].errors[0][1] and "第 5 题" in report.rows[4].where
    import_write(report=report, actor=teacher, only_valid=True)
    qs = {q.qtype: q for q in Question.objects.all()}
    assert qs["single"].explanation == "宪法是国家的根本法。" and qs["single"].topic == topic("法治教育/宪法")
    assert qs["multiple"].answer == ["A", "B"]
    assert qs["true_false"].answer is True
    assert qs["fill_blank"].answer == [["民主集中制", "民主集中"]] and "（  ）" in qs["fill_blank"].stem


AIKEN = """我国的根本大法是
A. 宪法
B. 刑法
C) 民法典
ANSWER: A

未成年人保护法规定，未成年人享有受教育权。下列说法正确的是
A. 只有男孩享有
B. 未成年人都平等地享有
ANSWER: B
"""


def test_aiken_import_uses_the_chosen_default_topic(teacher):
    report = run(AIKEN.encode(), "txt", teacher, default_topic=topic("法治教育/宪法"))
    assert report.fmt == "txt"
    assert sorted(Question.objects.values_list("answer", flat=True)) == [["A"], ["B"]]


def test_aiken_question_without_answer_line_is_reported(teacher):
    report = import_check(
        data="题目\nA. 甲\nB. 乙\n".encode(), fmt="aiken", actor=teacher, default_topic=topic("心理健康")
    )
    assert report.rows[0].status == "error" and "ANSWER" in report.rows[0].errors[0][1]


MOODLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/心理健康</text></category></question>
  <question type="multichoice">
    <name><text>情绪</text></name>
    <questiontext format="html"><text><![CDATA[<p>下列属于调节情绪的合理方法的有</p>]]></text></questiontext>
    <generalfeedback format="html"><text>转移注意、合理宣泄和认知调整都是常用方法。</text></generalfeedback>
    <single>false</single>
    <answer fraction="50"><text>转移注意力</text></answer>
    <answer fraction="50"><text>向信任的人倾诉</text></answer>
    <answer fraction="-100"><text>摔东西发泄</text></answer>
  </question>
  <question type="truefalse">
    <name><text>tf</text></name>
    <questiontext format="plain_text"><text>遇到困难时向老师或家长求助是软弱的表现。</text></questiontext>
    <answer fraction="0"><text>true</text></answer>
    <answer fraction="100"><text>false</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>sa</text></name>
    <questiontext format="plain_text"><text>心理援助热线可以拨打（  ）。</text></questiontext>
    <answer fraction="100"><text>12355</text></answer>
  </question>
  <question type="matching"><name><text>m</text></name><questiontext><text>连线题</text></questiontext></question>
</quiz>
"""


def test_moodle_xml_import_maps_types_and_reports_matching_as_unsupported(teacher):
    report = import_check(data=MOODLE_XML.encode(), fmt="moodlexml", actor=teacher)
    assert [r.status for r in report.rows] == ["new", "new", "new", "error"]
    assert "匹配题" in report.rows[3].errors[0][1]
    import_write(report=report, actor=teacher, only_valid=True)
    qs = {q.qtype: q for q in Question.objects.all()}
    assert qs["multiple"].answer == ["A", "B"] and qs["multiple"].stem == "下列属于调节情绪的合理方法的有"
    assert qs["multiple"].topic == topic("心理健康")
    assert qs["true_false"].answer is False
    assert qs["fill_blank"].answer == [["12355"]]


def test_reviewer_whose_organisation_allows_self_review_imports_straight_to_published(teacher):
    from questionbank.models import ReviewPolicy
    from tests.factories import CityFactory

    from .factories import make_reviewer

    city = CityFactory(name="南通市")
    ReviewPolicy.objects.create(org=city, allow_self_review=True)
    reviewer = make_reviewer(city, role="organiser", username="r1")
    run(xlsx_bytes(sheet_rows()), "xlsx", reviewer, publish=True)
    for q in Question.objects.all():
        assert q.status == QuestionStatus.PUBLISHED and q.current_revision.number == 1
        assert q.current_revision.answer == q.answer


def test_reviewer_cannot_import_straight_to_published_under_the_four_eyes_rule(teacher):
    from questionbank.services import SelfReviewRefused, question_create

    from .factories import content, make_reviewer, topic

    reviewer = make_reviewer(None, username="r1")
    report = import_check(data=xlsx_bytes(sheet_rows()), fmt="xlsx", actor=reviewer)
    with pytest.raises(SelfReviewRefused):
        import_write(report=report, actor=reviewer, publish=True)
    with pytest.raises(SelfReviewRefused):
        question_create(author=reviewer, topic=topic("法治教育/宪法"), content=content(), publish=True)
    assert not Question.objects.exists()


def test_teacher_cannot_import_straight_to_published(teacher):
    from questionbank.services import QuestionActionDenied

    report = import_check(data=xlsx_bytes(sheet_rows()), fmt="xlsx", actor=teacher)
    with pytest.raises(QuestionActionDenied):
        import_write(report=report, actor=teacher, publish=True)
    assert not Question.objects.exists()
