"""Readers for the formats teachers bring from Moodle: GIFT, Aiken and Moodle XML. Compact on purpose:
they cover what Moodle exports for the four question types we support and report every other type per
question instead of dropping it."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..answers import OPTION_KEYS, stem_blank_count
from ..errors import ImportFileError, ValueUnrecognised
from ..models import QuestionType
from .rows import RawRow, decode_text

UNSUPPORTED = gettext_lazy("暂不支持的题型（{kind}），此题未导入；本平台支持单选、多选、判断和填空题。")


def category_to_topic(path: str) -> str:
    """`$course$/top/法治教育/宪法` → `法治教育/宪法`."""
    parts = [p.strip() for p in html.unescape(path).split("/") if p.strip()]
    while parts and (parts[0].startswith("$") or parts[0].lower() in {"top", "默认", "default"}):
        parts.pop(0)
    return "/".join(parts)


def strip_html(text: str) -> str:
    text = re.sub(r"(?i)<br\s*/?>|</p>\s*<p[^>]*>", "\n", text or "")
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text).strip()


# ---------------------------------------------------------------- GIFT


def looks_like_gift(text: str) -> bool:
    return bool(re.search(r"(?<!\\)\{", text)) or "::" in text


_GIFT_ESCAPES = {"\\~": "~", "\\=": "=", "\\#": "#", "\\{": "{", "\\}": "}", "\\:": ":", "\\n": "\n"}


def _gift_unescape(text: str) -> str:
    for escaped, plain in _GIFT_ESCAPES.items():
        text = text.replace(escaped, plain)
    return text.strip()


def _with_blank(row: RawRow) -> str:
    """A short-answer question asks rather than leaves a gap ("热线是？ {=12355}"): its one blank goes at the end,
    so the stem's blanks match the answer's like every other fill-in question."""
    stem = str(row.values.get("stem") or "")
    return stem if stem_blank_count(stem) else f"{stem}（  ）"


def _gift_text(text: str) -> str:
    text = text.strip()
    match = re.match(r"^\[(html|moodle|plain|markdown)\]", text)
    if match:
        text = text[match.end() :]
        if match.group(1) == "html":
            return strip_html(_gift_unescape(text))
    return _gift_unescape(text)


def _split_unescaped(text: str, pattern: str) -> list[str]:
    return re.split(rf"(?<!\\)(?={pattern})", text)


def _gift_blocks(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, block text) per question; `$CATEGORY:` lines come as their own block."""
    block: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:"):
            if block:
                yield start, "\n".join(block)
                block = []
            yield number, stripped
            continue
        if not stripped:
            if block and "".join(block).count("{") <= "".join(block).count("}"):
                yield start, "\n".join(block)
                block = []
            continue
        if not block:
            start = number
        block.append(line)
    if block:
        yield start, "\n".join(block)


def read_gift(data: bytes, progress: Callable | None = None) -> Iterator[RawRow]:
    text = decode_text(data)
    if not text.strip():
        raise ImportFileError(_("文件是空的。"))
    category = ""
    number = 0
    for line, block in _gift_blocks(text):
        if block.startswith("$CATEGORY:"):
            category = category_to_topic(block.split(":", 1)[1])
            continue
        number += 1
        row = RawRow(number=number, label="题", line=line)
        if category:
            row.values["topic"] = category
        try:
            _parse_gift_question(block, row)
        except ValueUnrecognised as exc:
            row.errors.append(("", exc.message))
        yield row
    if number == 0:
        raise ImportFileError(_("文件中没有找到任何 GIFT 题目。"))


def _parse_gift_question(block: str, row: RawRow) -> None:
    body = block.strip()
    title = re.match(r"^::(.*?)(?<!\\)::", body, re.S)
    if title:
        body = body[title.end() :]
    match = re.search(r"(?<!\\)\{(.*?)(?<!\\)\}", body, re.S)
    if not match:
        raise ValueUnrecognised(_("没有找到用花括号括起的答案部分（纯描述或格式错误）。"))
    before, inner, after = body[: match.start()], match.group(1).strip(), body[match.end() :]
    stem = _gift_text(before)
    if _gift_text(after):
        stem = f"{stem}（  ）{_gift_text(after)}"
    row.values["stem"] = stem
    inner, _sep, general = inner.partition("####")
    if general.strip():
        row.values["explanation"] = _gift_text(general)
    inner = inner.strip()
    if not inner:
        raise ValueUnrecognised(UNSUPPORTED.format(kind="问答题"))
    if inner.startswith("#"):
        raise ValueUnrecognised(UNSUPPORTED.format(kind="数值题"))
    if re.fullmatch(r"(?i)(T|TRUE|F|FALSE)(\s*#.*)?", inner, re.S):
        row.values["qtype"] = QuestionType.TRUE_FALSE
        row.values["answer"] = inner[0].upper() == "T"
        row.values["options"] = []
        return
    answers = [a for a in _split_unescaped(inner, "[=~]") if a.strip()]
    parsed = []
    for raw in answers:
        marker, rest = raw[0], raw[1:]
        if "->" in rest:
            raise ValueUnrecognised(UNSUPPORTED.format(kind="匹配题"))
        weight = None
        weight_match = re.match(r"%(-?\d+(?:\.\d+)?)%", rest)
        if weight_match:
            weight = float(weight_match.group(1))
            rest = rest[weight_match.end() :]
        text = _gift_text(re.split(r"(?<!\\)#", rest, maxsplit=1)[0])
        parsed.append((marker, weight, text))
    if all(marker == "=" for marker, _w, _t in parsed):
        # short answer: every "=" answer with full (or no) weight is accepted; one blank
        accepted = [t for _m, w, t in parsed if w is None or w >= 100]
        row.values.update(qtype=QuestionType.FILL_BLANK, options=[], answer=[accepted], stem=_with_blank(row))
        return
    if len(parsed) > len(OPTION_KEYS):
        raise ValueUnrecognised(_("选项超过 {count} 个。").format(count=len(OPTION_KEYS)))
    options = [t for _m, _w, t in parsed]
    right = [OPTION_KEYS[i] for i, (m, w, _t) in enumerate(parsed) if (m == "=" or (w or 0) > 0)]
    qtype = QuestionType.SINGLE if any(m == "=" for m, _w, _t in parsed) and len(right) == 1 else QuestionType.MULTIPLE
    row.values.update(qtype=qtype, options=options, answer=right)


# ---------------------------------------------------------------- Aiken

_AIKEN_OPTION = re.compile(r"^([A-Z])\s*[.)、．]\s*(.+)$")
_AIKEN_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*([A-Z])\s*$", re.I)


def read_aiken(data: bytes, progress: Callable | None = None) -> Iterator[RawRow]:
    """Aiken: stem line(s), options `A. …`/`A) …`, then `ANSWER: B`. Single choice only."""
    text = decode_text(data)
    if not text.strip():
        raise ImportFileError(_("文件是空的。"))
    number = 0
    row: RawRow | None = None
    stem: list[str] = []
    options: list[str] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        answer = _AIKEN_ANSWER.match(stripped)
        option = _AIKEN_OPTION.match(stripped)
        if row is None:
            number += 1
            row = RawRow(number=number, label="题", line=line_no)
            stem, options = [], []
        if answer:
            row.values.update(qtype=QuestionType.SINGLE, stem="\n".join(stem), options=options, answer=answer[1])
            if not options:
                row.errors.append(("", _("没有选项。")))
            yield row
            row = None
        elif option and (options or stem):
            expected = OPTION_KEYS[len(options)] if len(options) < len(OPTION_KEYS) else "?"
            if option[1] != expected:
                row.errors.append(
                    ("", _("选项字母应为 {expected}，却是 {value}。").format(expected=expected, value=option[1]))
                )
            options.append(option[2].strip())
        elif options:
            # text after options without ANSWER: the previous question is unfinished
            row.errors.append(("", _("缺少“ANSWER: 字母”一行。")))
            row.values.update(stem="\n".join(stem))
            yield row
            number += 1
            row = RawRow(number=number, label="题", line=line_no)
            stem, options = [stripped], []
        else:
            stem.append(stripped)
    if row is not None:
        row.errors.append(("", _("缺少“ANSWER: 字母”一行。")))
        row.values.update(stem="\n".join(stem))
        yield row
    if number == 0:
        raise ImportFileError(_("文件中没有找到任何 Aiken 题目。"))


# ---------------------------------------------------------------- Moodle XML

XML_TYPES = {"multichoice", "truefalse", "shortanswer"}
XML_TYPE_NAMES = {
    "essay": "问答题",
    "matching": "匹配题",
    "numerical": "数值题",
    "multianswer": "完形填空（Cloze）",
    "calculated": "计算题",
    "calculatedsimple": "简单计算题",
    "calculatedmulti": "计算选择题",
    "ddwtos": "拖放填词题",
    "gapselect": "下拉选词题",
    "ddmarker": "拖放标记题",
    "ddimageortext": "拖放图片题",
    "randomsamatch": "随机匹配题",
    "description": "描述",
}


def _xml_text(node) -> str:
    if node is None:
        return ""
    text_node = node.find("text")
    raw = text_node.text if text_node is not None else node.text
    if node.get("format") == "html" or "<" in (raw or ""):
        return strip_html(raw or "")
    return (raw or "").strip()


def read_moodle_xml(data: bytes, progress: Callable | None = None) -> Iterator[RawRow]:
    head = data[:2048].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise ImportFileError(_("XML 文件中不允许包含 DOCTYPE/实体声明。"))
    try:
        root = ET.fromstring(data)  # noqa: S314 - DOCTYPE/ENTITY refused above; expat has no external entities
    except ET.ParseError as exc:
        raise ImportFileError(_("XML 格式错误：{exc}。").format(exc=exc)) from exc
    if root.tag != "quiz":
        raise ImportFileError(_("不是 Moodle XML 题目文件（根元素应为 <quiz>）。"))
    category = ""
    number = 0
    questions = root.findall("question")
    if progress:
        progress(total=len(questions))
    for node in questions:
        kind = node.get("type", "")
        if kind == "category":
            category = category_to_topic(_xml_text(node.find("category")))
            continue
        number += 1
        row = RawRow(number=number, label="题")
        name = _xml_text(node.find("name"))
        if category:
            row.values["topic"] = category
        row.values["stem"] = _xml_text(node.find("questiontext")) or name
        explanation = _xml_text(node.find("generalfeedback"))
        if explanation:
            row.values["explanation"] = explanation
        tags = [_xml_text(t) for t in node.findall("tags/tag")]
        if tags:
            row.values["tags"] = [t for t in tags if t]
        if kind not in XML_TYPES:
            row.errors.append(("", UNSUPPORTED.format(kind=XML_TYPE_NAMES.get(kind, kind or _("未知")))))
            yield row
            continue
        answers = [(float(a.get("fraction", "0") or 0), _xml_text(a)) for a in node.findall("answer")]
        if kind == "truefalse":
            right = next((text for fraction, text in answers if fraction >= 100), "")
            row.values.update(qtype=QuestionType.TRUE_FALSE, options=[], answer=right.lower() in {"true", "对", "正确"})
        elif kind == "shortanswer":
            row.values.update(
                qtype=QuestionType.FILL_BLANK,
                options=[],
                answer=[[t for f, t in answers if f >= 100]],
                stem=_with_blank(row),
            )
        else:
            single = (node.findtext("single") or "true").strip().lower() in {"true", "1"}
            if len(answers) > len(OPTION_KEYS):
                row.errors.append(("", _("选项超过 {count} 个。").format(count=len(OPTION_KEYS))))
            row.values.update(
                qtype=QuestionType.SINGLE if single else QuestionType.MULTIPLE,
                options=[t for _f, t in answers],
                answer=[OPTION_KEYS[i] for i, (f, _t) in enumerate(answers[: len(OPTION_KEYS)]) if f > 0],
            )
        yield row
