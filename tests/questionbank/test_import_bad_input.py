"""Every bad-input case: a clear Chinese message with row/column, and the bank left exactly as it was."""

import io
import json
import zipfile

import pytest

from questionbank.importers import ImportFileError
from questionbank.models import Question, QuestionRevision, Topic
from questionbank.services.importing import import_check, import_write
from tests.factories import Tree

from .factories import HEADER, csv_bytes, make_question, sheet_rows, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher():
    return Tree().teacher_a


def bank_state():
    return (
        list(Question.objects.order_by("pk").values_list("pk", "stem", "status", "updated_at")),
        QuestionRevision.objects.count(),
        Topic.objects.count(),
    )


@pytest.fixture
def unchanged(teacher):
    make_question(teacher, stem="已有的题")
    before = bank_state()
    yield
    assert bank_state() == before, "the bank must be unchanged"


def check(data, fmt, teacher):
    return import_check(data=data, fmt=fmt, actor=teacher)


def refuse_write(report, teacher):
    with pytest.raises(ImportFileError):
        import_write(report=report, actor=teacher)


def test_one_bad_row_blocks_the_whole_file(teacher, unchanged):
    rows = sheet_rows()
    rows[2][6] = "可能"  # 判断题答案无法识别
    report = check(xlsx_bytes(rows), "xlsx", teacher)
    assert report.counts == {"new": 3, "update": 0, "unchanged": 0, "error": 1}
    assert report.error_lines() == ["第 4 行【答案】：判断题答案“可能”无法识别，应为 对/错、正确/错误、√/×、T/F。"]
    refuse_write(report, teacher)


def test_only_valid_rows_are_written_when_the_user_says_so(teacher):
    rows = sheet_rows()
    rows[0][9] = "超难"
    report = check(xlsx_bytes(rows), "xlsx", teacher)
    assert report.rows[0].errors == [("难度", "无法识别的难度“超难”，应为 易/中/难。")]
    result = import_write(report=report, actor=teacher, only_valid=True)
    assert result["created"] == 3 and Question.objects.count() == 3


def test_unknown_topic_is_reported_with_row_and_column(teacher, unchanged):
    rows = sheet_rows()
    rows[1][8] = "法治教育/刑法"
    report = check(csv_bytes(rows), "csv", teacher)
    assert report.rows[1].where == "第 3 行"
    assert report.rows[1].errors[0][0] == "专题" and "未知专题" in report.rows[1].errors[0][1]
    refuse_write(report, teacher)


def test_formula_cells_are_refused(teacher, unchanged):
    rows = sheet_rows()
    rows[0][1] = '=HYPERLINK("http://evil.example","点我")'
    report = check(xlsx_bytes(rows), "xlsx", teacher)
    assert report.rows[0].errors[0][0] == "题干" and "公式" in report.rows[0].errors[0][1]
    refuse_write(report, teacher)


def test_cells_over_the_length_limit_are_refused(teacher, unchanged):
    rows = sheet_rows()
    rows[3][7] = "很长" * 3000
    report = check(xlsx_bytes(rows), "xlsx", teacher)
    assert report.rows[3].errors[0][0] == "解析" and "过长" in report.rows[3].errors[0][1]
    refuse_write(report, teacher)


def test_missing_required_columns_is_a_file_error(teacher, unchanged):
    header = [h for h in HEADER if h != "答案"]
    rows = [r[:6] + r[7:] for r in sheet_rows()]
    report = check(xlsx_bytes(rows, header=header), "xlsx", teacher)
    assert "缺少必需的列：答案" in report.file_error
    refuse_write(report, teacher)


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"", "xlsx", "空"),
        (b"", "csv", "空"),
        (b"PK\x03\x04broken zip", "xlsx", "损坏"),
        (b"this is not a workbook", "xlsx", "不是有效的 .xlsx"),
        ("\ufeff".encode() + b"\n\n", "csv", "空"),
        (b"[1, 2", "json", "JSON 格式错误"),
        (b'{"a": 1}', "json", "题目对象的列表"),
        (b"<quiz><question", "moodlexml", "XML 格式错误"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><quiz/>', "moodlexml", "DOCTYPE"),
        ("题型,题干,答案\n".encode(), "csv", "没有任何题目"),
    ],
)
def test_unreadable_files_give_a_clear_error_and_write_nothing(teacher, unchanged, data, fmt, message):
    report = check(data, fmt, teacher)
    assert message in report.file_error
    refuse_write(report, teacher)


def test_truncated_xlsx_container_is_reported_as_broken(teacher, unchanged):
    data = xlsx_bytes(sheet_rows())
    report = check(data[: len(data) // 2], "xlsx", teacher)
    assert "损坏" in report.file_error or "不是有效" in report.file_error


def test_zip_that_is_not_a_workbook_is_reported(teacher, unchanged):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    report = check(buf.getvalue(), "xlsx", teacher)
    assert "缺少工作簿内容" in report.file_error


def test_wrong_file_type_is_refused_before_reading():
    from questionbank.importers import detect_format

    with pytest.raises(ImportFileError, match="不支持的文件类型"):
        detect_format("题目.docx")
    with pytest.raises(ImportFileError, match=".xls"):
        detect_format("题目.xls")


def test_excel_file_uploaded_as_csv_is_refused(teacher, unchanged):
    report = check(xlsx_bytes(sheet_rows()), "csv", teacher)
    assert "与所选格式不符" in report.file_error


def test_duplicates_within_the_file_and_against_the_bank_are_reported(teacher, unchanged):
    rows = sheet_rows()
    rows.append(list(rows[1]))
    rows[0][1] = "已有的题"  # same stem/options as the existing question but different answer
    rows[0][6] = "B"
    report = check(xlsx_bytes(rows), "xlsx", teacher)
    assert "已有题目（编号" in report.rows[0].errors[0][1]
    assert report.rows[4].errors == [("题干", "与第 3 行的题目重复（同一专题下题干和选项相同）。")]
    refuse_write(report, teacher)


def test_every_problem_in_a_row_is_listed(teacher, unchanged):
    rows = [["选择", "", "", "", "", "", "", "", "没有这个专题", "", "", "", ""]]
    report = check(csv_bytes(rows), "csv", teacher)
    columns = {col for col, _ in report.rows[0].errors}
    assert {"题型", "专题"} <= columns


def test_json_item_that_is_not_an_object_is_reported(teacher, unchanged):
    report = check(json.dumps([1]).encode(), "json", teacher)
    assert report.rows[0].status == "error" and report.rows[0].where == "第 1 条"


def test_choice_answer_not_among_options(teacher, unchanged):
    rows = sheet_rows()
    rows[0][6] = "D"
    report = check(xlsx_bytes(rows), "xlsx", teacher)
    assert report.rows[0].errors == [("答案", "答案“D”不是已有选项（可用 A–C）。")]


def test_too_many_rows_is_a_file_error(teacher, unchanged, monkeypatch):
    monkeypatch.setattr("questionbank.importers.readers.MAX_ROWS", 3)
    for data, fmt in ((xlsx_bytes(sheet_rows()), "xlsx"), (csv_bytes(sheet_rows()), "csv")):
        report = check(data, fmt, teacher)
        assert "一次最多导入 3 道题" in report.file_error
        refuse_write(report, teacher)
