"""`manage.py import_questions`: same engine, non-zero exit and errors on stderr when anything is wrong."""

import io

import pytest
from django.core.management import CommandError, call_command

from questionbank.models import Question, QuestionStatus

from .factories import csv_bytes, sheet_rows, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_questions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_valid_file_is_imported(tmp_path):
    path = tmp_path / "q.xlsx"
    path.write_bytes(xlsx_bytes(sheet_rows()))
    out, err = run(str(path), "--publish")
    assert "写入 4 道题" in out and err == ""
    assert Question.objects.filter(status=QuestionStatus.PUBLISHED, current_revision__number=1).count() == 4


def test_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "q.csv"
    path.write_bytes(csv_bytes(sheet_rows(), encoding="gb18030"))
    out, _ = run(str(path), "--dry-run")
    assert "新增 4" in out and not Question.objects.exists()


def test_bad_row_exits_non_zero_with_errors_on_stderr_and_writes_nothing(tmp_path):
    rows = sheet_rows()
    rows[0][8] = "不存在的专题"
    path = tmp_path / "q.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_questions", str(path), stdout=io.StringIO(), stderr=err)
    assert "第 2 行【专题】：未知专题“不存在的专题”" in err.getvalue()
    assert not Question.objects.exists()


def test_only_valid_imports_the_rest_but_still_fails(tmp_path):
    rows = sheet_rows()
    rows[0][8] = "不存在的专题"
    path = tmp_path / "q.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    with pytest.raises(CommandError, match="跳过 1 行"):
        run(str(path), "--only-valid")
    assert Question.objects.count() == 3


def test_default_topic_and_format_options(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text("我国的根本大法是\nA. 宪法\nB. 刑法\nANSWER: A\n", encoding="utf-8")
    run(str(path), "--format", "aiken", "--topic", "法治教育/宪法")
    assert Question.objects.get().topic.name == "宪法"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/q.xlsx"], "找不到文件"),
        (["{path}", "--topic", "没有这个专题"], "未知专题"),
        (["{path}", "--user", "nobody"], "没有用户名"),
    ],
)
def test_bad_arguments_fail_clearly(tmp_path, args, message):
    path = tmp_path / "q.xlsx"
    path.write_bytes(xlsx_bytes(sheet_rows()))
    with pytest.raises(CommandError, match=message):
        run(*[a.format(path=path) for a in args])
    assert not Question.objects.exists()


def test_unsupported_extension_and_broken_file(tmp_path):
    doc = tmp_path / "q.docx"
    doc.write_bytes(b"x")
    with pytest.raises(CommandError, match="不支持的文件类型"):
        run(str(doc))
    broken = tmp_path / "q.xlsx"
    broken.write_bytes(b"PK\x03\x04 broken")
    err = io.StringIO()
    with pytest.raises(CommandError, match="数据库未改动"):
        call_command("import_questions", str(broken), stdout=io.StringIO(), stderr=err)
    assert "损坏" in err.getvalue()
