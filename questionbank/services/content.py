"""Validation and normalisation of question content, shared by the edit form, the importers and the demo
seed. Raw teacher input (answer strings like `ABD`, `√`, `答案1|答案2；答案3`) is parsed here too."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts.models import GradeBand

from ..answers import OPTION_KEYS, format_answer, normalize_text, stem_blank_count  # noqa: F401 (re-exported)
from ..errors import ContentInvalid, ValueUnrecognised
from ..models import Difficulty, QuestionType

MIN_OPTIONS, MAX_OPTIONS = 2, 8
MAX_STEM = 2000
MAX_OPTION = 500
MAX_EXPLANATION = 5000
MAX_SOURCE = 255
MAX_BLANK_ANSWER = 200
MAX_TAGS = 20
MAX_TAG = 30


@dataclass
class QuestionContentData:
    qtype: str
    stem: str
    options: list[dict] = field(default_factory=list)
    answer: object = None
    explanation: str = ""
    difficulty: str = Difficulty.MEDIUM
    grade_bands: list[str] = field(default_factory=list)
    source: str = ""
    tags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        # shallow on purpose (dataclasses.asdict deep-copies, which dominated large imports)
        return {name: getattr(self, name) for name in CONTENT_FIELDS}


CONTENT_FIELDS = ("qtype", "stem", "options", "answer", "explanation", "difficulty", "grade_bands", "source", "tags")

QTYPE_WORDS = {
    QuestionType.SINGLE: {"单选", "单选题", "单项选择", "单项选择题", "single"},
    QuestionType.MULTIPLE: {"多选", "多选题", "多项选择", "多项选择题", "不定项", "不定项选择题", "multiple"},
    QuestionType.TRUE_FALSE: {"判断", "判断题", "是非题", "true_false", "truefalse", "tf"},
    QuestionType.FILL_BLANK: {"填空", "填空题", "fill_blank", "fill", "blank"},
}
DIFFICULTY_WORDS = {
    Difficulty.EASY: {"易", "简单", "容易", "easy", "1"},
    Difficulty.MEDIUM: {"中", "中等", "一般", "medium", "2"},
    Difficulty.HARD: {"难", "困难", "较难", "hard", "3"},
}
TRUE_WORDS = {"对", "正确", "√", "✓", "✔", "t", "true", "是", "y", "yes"}
FALSE_WORDS = {"错", "错误", "×", "✗", "✘", "x", "f", "false", "否", "n", "no"}
ALL_BANDS_WORDS = {"全部", "全学段", "所有学段", "通用", "all"}
BAND_WORDS = {
    GradeBand.PRIMARY_LOWER: {"小学低段", "小学低年级", "低段", "1-3年级", "primary_lower"},
    GradeBand.PRIMARY_UPPER: {"小学高段", "小学高年级", "高段", "4-6年级", "primary_upper"},
    GradeBand.JUNIOR: {"初中", "junior"},
    GradeBand.SENIOR: {"高中", "senior"},
}
# enum .values rebuilds its list on every access; these are read per row in large imports
BAND_VALUES = tuple(GradeBand.values)
QTYPE_VALUES = frozenset(QuestionType.values)
DIFFICULTY_VALUES = frozenset(Difficulty.values)
LIST_SPLIT = re.compile(r"[,，、;；/\s]+")


def _lookup(words: dict, value: str) -> str | None:
    key = normalize_text(value)
    for canonical, forms in words.items():
        if key in forms:
            return canonical
    return None


def parse_qtype(value: str) -> str:
    found = _lookup(QTYPE_WORDS, value)
    if not found:
        raise ValueUnrecognised(_("无法识别的题型“{value}”，应为 单选/多选/判断/填空。").format(value=value))
    return found


def parse_difficulty(value: str) -> str:
    if not str(value).strip():
        return Difficulty.MEDIUM
    found = _lookup(DIFFICULTY_WORDS, value)
    if not found:
        raise ValueUnrecognised(_("无法识别的难度“{value}”，应为 易/中/难。").format(value=value))
    return found


def parse_grade_bands(value: str) -> list[str]:
    """`小学高段、初中`; empty or `全部` means every band."""
    text = str(value or "").strip()
    if not text or normalize_text(text) in ALL_BANDS_WORDS:
        return list(BAND_VALUES)
    bands = []
    for part in LIST_SPLIT.split(text):
        if not part:
            continue
        band = _lookup(BAND_WORDS, part)
        if not band:
            raise ValueUnrecognised(_("无法识别的学段“{part}”，应为 小学低段/小学高段/初中/高中。").format(part=part))
        if band not in bands:
            bands.append(band)
    return [b for b in BAND_VALUES if b in bands]


def parse_tags(value) -> list[str]:
    parts = [str(v) for v in value] if isinstance(value, list) else LIST_SPLIT.split(str(value or ""))
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def parse_answer(qtype: str, value, option_count: int):
    """Teacher-written answer → stored shape. Accepts `B`, `ABD`, `A,B,D`, `A、B`; `对/错/正确/错误/√/×/T/F`;
    blanks `答案1|答案2；答案3` (`;`/`；` between blanks, `|` between accepted answers of one blank)."""
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if isinstance(value, list):
            letters = [normalize_text(v).upper() for v in value]
        else:
            compact = re.sub(r"[\s,，、;；]+", "", normalize_text(value)).upper()
            letters = list(compact)
        if not letters:
            raise ValueUnrecognised(_("答案不能为空。"))
        bad = [x for x in letters if x not in OPTION_KEYS[:option_count]]
        if bad:
            raise ValueUnrecognised(
                _("答案“{bad}”不是已有选项（可用 {first}–{last}）。").format(
                    bad="".join(bad), first=OPTION_KEYS[0], last=OPTION_KEYS[option_count - 1]
                )
            )
        if len(set(letters)) != len(letters):
            raise ValueUnrecognised(_("答案中有重复的选项。"))
        letters = sorted(letters)
        if qtype == QuestionType.SINGLE and len(letters) != 1:
            raise ValueUnrecognised(_("单选题只能有一个正确答案。"))
        if qtype == QuestionType.MULTIPLE and len(letters) < 2:
            raise ValueUnrecognised(_("多选题至少要有两个正确答案（只有一个请改为单选题）。"))
        return letters
    if qtype == QuestionType.TRUE_FALSE:
        if isinstance(value, bool):
            return value
        key = normalize_text(value)
        if key in TRUE_WORDS:
            return True
        if key in FALSE_WORDS:
            return False
        raise ValueUnrecognised(_("判断题答案“{value}”无法识别，应为 对/错、正确/错误、√/×、T/F。").format(value=value))
    if qtype == QuestionType.FILL_BLANK:
        if isinstance(value, list):
            blanks = [[str(a) for a in (b if isinstance(b, list) else [b])] for b in value]
        else:
            text = str(value or "").replace("｜", "|").replace("；", ";")
            blanks = [part.split("|") for part in text.split(";")]
        blanks = [[a.strip() for a in accepted if a.strip()] for accepted in blanks]
        blanks = [accepted for accepted in blanks if accepted]
        if not blanks:
            raise ValueUnrecognised(_("填空题至少要有一个空的答案。"))
        if any(len(a) > MAX_BLANK_ANSWER for accepted in blanks for a in accepted):
            raise ValueUnrecognised(
                _("填空答案不能超过 {max_blank_answer} 字。").format(max_blank_answer=MAX_BLANK_ANSWER)
            )
        return [list(dict.fromkeys(accepted)) for accepted in blanks]
    raise ValueUnrecognised(_("未知题型。"))


def content_clean(
    *,
    qtype: str,
    stem: str,
    options: list,
    answer,
    explanation: str = "",
    difficulty: str = Difficulty.MEDIUM,
    grade_bands: list[str] | None = None,
    source: str = "",
    tags: list[str] | None = None,
) -> QuestionContentData:
    """Validate already-typed content (qtype/difficulty canonical, options as text list or {key,text} list,
    answer in stored shape or teacher text). Raises ContentInvalid with every problem found."""
    errors: dict[str, str] = {}
    if qtype not in QTYPE_VALUES:
        raise ContentInvalid({"qtype": _("未知题型。")})
    stem = str(stem or "").strip()
    if not stem:
        errors["stem"] = _("题干不能为空。")
    elif len(stem) > MAX_STEM:
        errors["stem"] = _("题干不能超过 {max_stem} 字（现有 {count} 字）。").format(max_stem=MAX_STEM, count=len(stem))

    texts = [str(o["text"] if isinstance(o, dict) else o).strip() for o in (options or [])]
    # trailing empty options are just unused spreadsheet columns; a gap in the middle is a mistake
    while texts and not texts[-1]:
        texts.pop()
    clean_options: list[dict] = []
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if any(not t for t in texts):
            errors["options"] = _("选项中间不能有空项。")
        elif not MIN_OPTIONS <= len(texts) <= MAX_OPTIONS:
            errors["options"] = _("选择题须有 {min_options}–{max_options} 个选项（现有 {count} 个）。").format(
                min_options=MIN_OPTIONS, max_options=MAX_OPTIONS, count=len(texts)
            )
        elif any(len(t) > MAX_OPTION for t in texts):
            errors["options"] = _("每个选项不能超过 {max_option} 字。").format(max_option=MAX_OPTION)
        elif len({normalize_text(t) for t in texts}) != len(texts):
            errors["options"] = _("选项内容有重复。")
        clean_options = [{"key": OPTION_KEYS[i], "text": t} for i, t in enumerate(texts[:MAX_OPTIONS])]
    elif texts:
        errors["options"] = _("判断题和填空题不需要选项。")

    clean_answer = None
    if "options" not in errors:
        try:
            clean_answer = parse_answer(qtype, answer, len(clean_options))
        except ValueUnrecognised as exc:
            errors["answer"] = exc.message

    if qtype == QuestionType.FILL_BLANK and clean_answer and "stem" not in errors:
        blanks = stem_blank_count(stem)
        if blanks != len(clean_answer):
            errors["answer"] = (
                _("题干中没有填空位置，请在要填的地方写“（  ）”。")
                if blanks == 0
                else _("题干中有 {blanks} 个空“（  ）”，答案却有 {answers} 个空（多个空的答案用“；”分隔）。").format(
                    blanks=blanks, answers=len(clean_answer)
                )
            )

    explanation = str(explanation or "").strip()
    if len(explanation) > MAX_EXPLANATION:
        errors["explanation"] = _("解析不能超过 {max_explanation} 字。").format(max_explanation=MAX_EXPLANATION)
    if difficulty not in DIFFICULTY_VALUES:
        errors["difficulty"] = _("难度应为 易/中/难。")
    bands = list(grade_bands) if grade_bands else list(BAND_VALUES)
    if any(b not in BAND_VALUES for b in bands):
        errors["grade_bands"] = _("学段无效。")
    source = str(source or "").strip()
    if len(source) > MAX_SOURCE:
        errors["source"] = _("出处不能超过 {max_source} 字。").format(max_source=MAX_SOURCE)
    clean_tags = parse_tags(tags or [])
    if len(clean_tags) > MAX_TAGS or any(len(t) > MAX_TAG for t in clean_tags):
        errors["tags"] = _("标签最多 {max_tags} 个，每个不超过 {max_tag} 字。").format(
            max_tags=MAX_TAGS, max_tag=MAX_TAG
        )
    if errors:
        raise ContentInvalid(errors)
    return QuestionContentData(
        qtype=qtype,
        stem=stem,
        options=clean_options,
        answer=clean_answer,
        explanation=explanation,
        difficulty=difficulty,
        grade_bands=[b for b in BAND_VALUES if b in bands],
        source=source,
        tags=clean_tags,
    )


def question_fingerprint(*, stem: str, options: list) -> str:
    """Same normalised stem and option texts → same fingerprint (duplicate detection within a topic)."""
    parts = [normalize_text(stem)] + [normalize_text(o["text"] if isinstance(o, dict) else o) for o in options or []]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
