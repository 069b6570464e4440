"""Export any filtered set, re-import the same file: every row unchanged, nothing written."""

import io

import pytest
from openpyxl import load_workbook

from questionbank.importers.writers import export_json, export_xlsx, template_xlsx
from questionbank.models import Question, QuestionRevision
from questionbank.services.importing import import_check, import_write
from tests.factories import Tree

from .factories import make_question, make_reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    tree = Tree()
    reviewer = make_reviewer(tree.school_a, username="rev")
    make_question(tree.teacher_a, status="published", reviewer=reviewer)
    make_question(
        tree.teacher_a, qtype="multiple", stem="=1+1 的结果是？", options=["-2", "+2", "@2", "2"], answer="BD",
        grade_bands=["primary_lower", "primary_upper"], tags=["数学", "趣味"], source="自编",
    )  # fmt: skip
    make_question(tree.teacher_a, qtype="true_false", stem="情绪没有好坏之分。", options=[], answer="对",
                  topic_path="心理健康")  # fmt: skip
    make_question(tree.teacher_a, qtype="fill_blank", stem="（  ）是国家的根本法，（  ）是……", options=[],
                  answer="宪法|中华人民共和国宪法；民法典", difficulty="hard")  # fmt: skip
    return tree, reviewer


def snapshot():
    return list(Question.objects.order_by("pk").values()), QuestionRevision.objects.count()


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_export_then_reimport_reports_every_row_unchanged_and_writes_nothing(bank, fmt):
    tree, reviewer = bank
    data = (export_xlsx if fmt == "xlsx" else export_json)(Question.objects.order_by("pk"))
    before = snapshot()
    report = import_check(data=data, fmt=fmt, actor=reviewer)
    assert report.ok, report.error_lines()
    assert report.counts == {"new": 0, "update": 0, "unchanged": 4, "error": 0}
    assert import_write(report=report, actor=reviewer)["written"] == 0
    assert snapshot() == before


def test_export_escapes_formula_like_cells(bank):
    data = export_xlsx(Question.objects.order_by("pk"))
    ws = load_workbook(io.BytesIO(data))["题目"]
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=1+1 的结果是？" in values and "'-2" in values and "'+2" in values and "'@2" in values
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_editing_an_exported_row_updates_that_question_with_a_new_revision(bank):
    tree, reviewer = bank
    published = Question.objects.get(status="published")
    wb = load_workbook(io.BytesIO(export_xlsx(Question.objects.order_by("pk"))))
    ws = wb["题目"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == published.pk:
            row[12].value = "修改后的解析：宪法具有最高的法律效力。"  # 解析 column
    buf = io.BytesIO()
    wb.save(buf)
    report = import_check(data=buf.getvalue(), fmt="xlsx", actor=reviewer)
    assert report.counts == {"new": 0, "update": 1, "unchanged": 3, "error": 0}
    import_write(report=report, actor=reviewer)
    published.refresh_from_db()
    assert published.explanation.startswith("修改后的解析")
    assert published.current_revision.number == 2


def test_teacher_cannot_update_a_published_question_through_import(bank):
    tree, reviewer = bank
    published = Question.objects.get(status="published")
    data = export_json(Question.objects.filter(pk=published.pk)).replace("宪法是国家的根本法。".encode(), "改".encode())
    report = import_check(data=data, fmt="json", actor=tree.teacher_a)
    assert report.rows[0].status == "error" and "不能修改" in report.rows[0].errors[0][1]


def test_template_has_chinese_headers_and_its_examples_import_cleanly():
    tree = Tree()
    data = template_xlsx()
    ws = load_workbook(io.BytesIO(data))["题目"]
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert header == ["题型", "题干", *[f"选项{k}" for k in "ABCDEFGH"], "答案", "解析", "专题", "难度", "学段", "出处",
                      "标签"]  # fmt: skip
    report = import_check(data=data, fmt="xlsx", actor=tree.teacher_b)
    assert report.ok, report.error_lines()
    assert report.counts["new"] == 4
