"""Question bank test helpers: reviewers, topics by path, questions in any status, files in any format."""

from __future__ import annotations

import io

from accounts.models import Membership, Role
from questionbank.models import Question, Topic
from questionbank.services import content_clean, question_approve, question_create, question_submit
from tests.factories import make_organiser, make_teacher


def topic(path: str) -> Topic:
    """A seeded topic by path, e.g. "法治教育/宪法" (created if missing)."""
    parent = None
    for name in path.split("/"):
        parent, _ = Topic.objects.get_or_create(parent=parent, name=name)
    return parent


def make_reviewer(org, role=Role.TEACHER, **kw):
    user = make_teacher(org, **kw) if role == Role.TEACHER else make_organiser(org, **kw)
    Membership.objects.filter(user=user).update(can_review_questions=True)
    return user


def content(**overrides):
    data = {
        "qtype": "single",
        "stem": "我国的根本大法是（  ）。",
        "options": ["宪法", "刑法", "民法典"],
        "answer": "A",
        "explanation": "宪法是国家的根本法。",
        "difficulty": "easy",
        "grade_bands": ["junior"],
        "source": "",
        "tags": [],
    }
    data.update(overrides)
    return content_clean(**data)


def make_question(author, *, status="draft", reviewer=None, topic_path="法治教育/宪法", **overrides) -> Question:
    question = question_create(author=author, topic=topic(topic_path), content=content(**overrides))
    if status in ("pending", "published"):
        question_submit(actor=author, question=question)
    if status == "published":
        question_approve(actor=reviewer, question=question)
    question.refresh_from_db()
    return question


HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "专题", "难度", "学段", "出处", "标签"]


def sheet_rows():
    """Four valid rows, one of each type."""
    return [
        ["单选", "我国的根本大法是（  ）。", "宪法", "刑法", "民法典", "", "A", "宪法是根本法。", "法治教育/宪法", "易", "初中", "", ""],
        ["多选", "下列属于我国公民基本义务的有（  ）。", "依法纳税", "依法服兵役", "随意占用公共财物", "", "A,B",
         "宪法第五十六条、第五十五条。", "法治教育/宪法", "中", "初中、高中", "宪法", "义务"],
        ["判断", "每年12月4日是国家宪法日。", "", "", "", "", "√", "2014年设立。", "宪法", "易", "全部", "", ""],
        ["填空", "我国的国家机构实行（  ）的原则。", "", "", "", "", "民主集中制", "宪法第三条。", "法治教育/宪法", "难",
         "高中", "宪法第三条", ""],
    ]  # fmt: skip


def xlsx_bytes(rows, header=HEADER) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "题目"
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)
