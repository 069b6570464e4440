"""The xlsx template and xlsx/json exports. Exports carry 编号 so re-importing an exported file is
recognised row by row as unchanged; text that Excel would run as a formula is escaped with a leading
apostrophe (the readers strip it again)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable

from accounts.models import GradeBand
from core.spreadsheet import safe_cell

from ..answers import OPTION_KEYS, format_answer
from ..models import Difficulty, Question, QuestionType
from ..secrecy import WITHHELD_MARK, reserved_label, reserved_until
from .readers import OPTION_HEADERS, TEMPLATE_HEADERS

EXPORT_HEADERS = ["编号", *TEMPLATE_HEADERS]
QTYPE_SHORT = {
    QuestionType.SINGLE: "单选",
    QuestionType.MULTIPLE: "多选",
    QuestionType.TRUE_FALSE: "判断",
    QuestionType.FILL_BLANK: "填空",
}
BAND_LABELS = dict(GradeBand.choices)
DIFFICULTY_LABELS = dict(Difficulty.choices)

EXAMPLES = [
    [
        "单选",
        "我国的根本大法是（  ）。",
        "宪法",
        "刑法",
        "民法典",
        "",
        "",
        "",
        "",
        "",
        "A",
        "宪法是国家的根本法，具有最高的法律效力。",
        "法治教育/宪法",
        "易",
        "小学高段、初中",
        "《中华人民共和国宪法》序言",
        "宪法",
    ],
    [
        "多选",
        "下列属于我国公民基本义务的有（  ）。",
        "依法纳税",
        "依法服兵役",
        "遵守宪法和法律",
        "随意转让他人财产",
        "",
        "",
        "",
        "",
        "ABC",
        "宪法第五十三条、第五十五条、第五十六条规定了相应义务。",
        "法治教育/宪法",
        "中",
        "初中、高中",
        "《中华人民共和国宪法》第五十三条",
        "",
    ],
    [
        "判断",
        "每年12月4日是国家宪法日。",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "对",
        "2014年起，12月4日设立为国家宪法日。",
        "法治教育/宪法",
        "易",
        "全部",
        "",
        "",
    ],
    [
        "填空",
        "中华人民共和国的国家机构实行（  ）原则。",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "民主集中制",
        "宪法第三条：中华人民共和国的国家机构实行民主集中制的原则。",
        "法治教育/宪法",
        "中",
        "初中、高中",
        "《中华人民共和国宪法》第三条",
        "",
    ],
]

INSTRUCTIONS = [
    ("题型", "单选 / 多选 / 判断 / 填空（也可写 单选题、多项选择题 等）"),
    ("题干", "必填，不超过 2000 字。填空题用（  ）标出空位"),
    ("选项A–选项H", "选择题 2–8 个选项，从选项A起连续填写；判断题和填空题留空"),
    (
        "答案",
        "单选写 B；多选写 ABD 或 A,B,D；判断写 对/错、正确/错误、√/×、T/F；"
        "填空每个空写可接受的答案，用 | 分隔，多个空之间用 ；或 ; 分隔，如：北京|北京市；长江",
    ),
    ("解析", "建议填写，学生答题后可见"),
    ("专题", "写完整路径，如 法治教育/宪法；名称唯一时可只写名称。导入时也可选默认专题"),
    ("难度", "易 / 中 / 难，留空为 中"),
    ("学段", "小学低段、小学高段、初中、高中，可多选，用顿号或逗号分隔；留空或写“全部”表示所有学段"),
    ("出处", "如《中华人民共和国宪法》第三十三条"),
    ("标签", "多个标签用逗号或顿号分隔"),
    ("编号", "导出文件才有。保留编号再导入即修改该题；新题请删除编号列或留空"),
    ("注意", "单元格不要使用公式；第一行表头不要改动；文件请保存为 .xlsx"),
]


def topic_path(topic, cache: dict) -> str:
    if topic.pk not in cache:
        names, node = [], topic
        while node is not None:
            names.append(node.name)
            node = node.parent
        cache[topic.pk] = "/".join(reversed(names))
    return cache[topic.pk]


def question_row(question: Question, cache: dict, withheld: dict | None = None) -> list[str]:
    """One export row. A question in `withheld` (id → its reservations) has its key and explanation
    replaced by WITHHELD_MARK and the reservation's end."""
    options = [o["text"] for o in question.options] + [""] * (len(OPTION_KEYS) - len(question.options))
    held = (withheld or {}).get(question.pk)
    return [
        question.pk,
        QTYPE_SHORT.get(question.qtype, question.qtype),
        question.stem,
        *options,
        WITHHELD_MARK if held else format_answer(question.qtype, question.answer),
        reserved_label(held) if held else question.explanation,
        topic_path(question.topic, cache),
        str(DIFFICULTY_LABELS.get(question.difficulty, "")),
        "、".join(str(BAND_LABELS.get(b, b)) for b in question.grade_bands),
        question.source,
        "、".join(question.tags),
    ]


def _workbook(headers: list[str], rows: Iterable[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("题目")
    ws.freeze_panes = "A2"
    widths = {"题干": 50, "解析": 40, "专题": 18, "学段": 18, "出处": 24}
    for i, h in enumerate(headers, start=1):
        from openpyxl.utils import get_column_letter

        ws.column_dimensions[get_column_letter(i)].width = widths.get(h, 12 if h not in OPTION_HEADERS else 16)
    from openpyxl.cell import WriteOnlyCell

    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F0F2F5")
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    notes = wb.create_sheet("填写说明")
    for item in INSTRUCTIONS:
        notes.append(list(item))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_xlsx() -> bytes:
    return _workbook(TEMPLATE_HEADERS, EXAMPLES)


def export_xlsx(questions: Iterable[Question], *, withheld: dict | None = None) -> bytes:
    cache: dict = {}
    return _workbook(EXPORT_HEADERS, (question_row(q, cache, withheld) for q in questions))


def export_json(questions: Iterable[Question], *, withheld: dict | None = None) -> bytes:
    """`withheld`: question id → reservations; those questions carry WITHHELD_MARK instead of the key,
    no explanation, and (extension) "key_withheld": true with "reserved_until" (null: indefinitely)."""
    cache: dict = {}
    withheld = withheld or {}

    def secrecy(q) -> dict:
        held = withheld.get(q.pk)
        if not held:
            return {}
        until = reserved_until(held)
        return {"key_withheld": True, "reserved_until": until.isoformat() if until else None}

    items = [
        {
            "id": q.pk,
            "qtype": q.qtype,
            "stem": q.stem,
            "options": [o["text"] for o in q.options],
            "answer": WITHHELD_MARK if q.pk in withheld else q.answer,
            "explanation": "" if q.pk in withheld else q.explanation,
            "topic": topic_path(q.topic, cache),
            "difficulty": q.difficulty,
            "grade_bands": q.grade_bands,
            "source": q.source,
            "tags": q.tags,
            "status": q.status,
            **secrecy(q),
        }
        for q in questions
    ]
    return json.dumps({"questions": items}, ensure_ascii=False, indent=1).encode()
