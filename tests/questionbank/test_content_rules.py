"""Answer forms teachers write, and content rules shared by the form, the admin and every importer."""

import pytest

from questionbank.answers import score_fraction
from questionbank.errors import ValueUnrecognised
from questionbank.services.content import ContentInvalid, content_clean, format_answer, parse_answer, parse_grade_bands


@pytest.mark.parametrize(
    ("qtype", "written", "stored"),
    [
        ("single", "B", ["B"]),
        ("single", " ｂ ", ["B"]),
        ("multiple", "ABD", ["A", "B", "D"]),
        ("multiple", "A,B,D", ["A", "B", "D"]),
        ("multiple", "D、A，B", ["A", "B", "D"]),
        ("multiple", "ＡＣ", ["A", "C"]),
        ("true_false", "对", True),
        ("true_false", "错", False),
        ("true_false", "正确", True),
        ("true_false", "错误", False),
        ("true_false", "√", True),
        ("true_false", "×", False),
        ("true_false", "T", True),
        ("true_false", "f", False),
        ("fill_blank", "北京", [["北京"]]),
        ("fill_blank", "答案1|答案2；答案3", [["答案1", "答案2"], ["答案3"]]),
        ("fill_blank", "答案1 | 答案2 ; 答案3", [["答案1", "答案2"], ["答案3"]]),
        ("fill_blank", "甲｜乙；丙", [["甲", "乙"], ["丙"]]),
    ],
)
def test_every_written_answer_form_is_understood(qtype, written, stored):
    assert parse_answer(qtype, written, 4) == stored


@pytest.mark.parametrize(
    ("qtype", "written", "reason"),
    [
        ("single", "AB", "单选题只能有一个"),
        ("single", "E", "不是已有选项"),
        ("multiple", "A", "至少要有两个"),
        ("multiple", "AA", "重复"),
        ("true_false", "也许", "无法识别"),
        ("fill_blank", "；", "至少要有一个空"),
    ],
)
def test_wrong_answer_forms_get_a_chinese_reason(qtype, written, reason):
    with pytest.raises(ValueUnrecognised, match=reason):
        parse_answer(qtype, written, 4)


def test_answer_text_round_trips_through_the_teacher_form():
    for qtype, stored in [("multiple", ["A", "C"]), ("true_false", False), ("fill_blank", [["a", "b"], ["c"]])]:
        assert parse_answer(qtype, format_answer(qtype, stored), 4) == stored


def test_fill_blank_accepts_full_width_and_spaced_answers_when_scored():
    key = parse_answer("fill_blank", "ＡＢＣ|abc；民主集中制", 0)
    assert score_fraction(qtype="fill_blank", key=key, answer=["  abc ", "民主集中制"]) == 1


@pytest.mark.parametrize("count", [1, 9])
def test_choice_questions_need_two_to_eight_options(count):
    with pytest.raises(ContentInvalid) as exc:
        content_clean(qtype="single", stem="题", options=[f"选项{i}" for i in range(count)], answer="A")
    assert "2–8" in exc.value.errors["options"]


def test_gap_in_options_and_duplicate_options_are_rejected():
    with pytest.raises(ContentInvalid, match="空项"):
        content_clean(qtype="single", stem="题", options=["甲", "", "丙"], answer="A")
    with pytest.raises(ContentInvalid, match="重复"):
        content_clean(qtype="single", stem="题", options=["甲", "甲 "], answer="A")


def test_grade_bands_accept_chinese_names_and_all():
    assert parse_grade_bands("初中、高中") == ["junior", "senior"]
    assert parse_grade_bands("全部") == ["primary_lower", "primary_upper", "junior", "senior"]
    with pytest.raises(ValueUnrecognised, match="学段"):
        parse_grade_bands("大学")
