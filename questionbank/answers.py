"""Answer normalisation and checking for every question type. Pure functions: the contest scorer, the
question preview and the importer all use these."""

import re
import unicodedata
from decimal import Decimal

from core.textsafe import has_unstorable

from .errors import MalformedAnswer
from .models import QuestionType

# option letters, in order; a choice question has at most this many options
OPTION_KEYS = "ABCDEFGH"
# a blank in a fill-in stem: （  ） / ( ) with only spaces or underscores inside, or a run of 3+ underscores
BLANK_RE = re.compile(r"[（(][\s\u3000_]*[）)]|_{3,}")


def stem_blank_count(stem: str) -> int:
    """How many answers a fill-in question needs: the blanks written in its stem."""
    return len(BLANK_RE.findall(stem or ""))


def format_answer(qtype: str, answer) -> str:
    """Stored shape → the teacher-facing text form (the inverse of services.content.parse_answer)."""
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return "".join(answer or [])
    if qtype == QuestionType.TRUE_FALSE:
        return "对" if answer is True else "错"
    if qtype == QuestionType.FILL_BLANK:
        return "；".join("|".join(accepted) for accepted in (answer or []))
    return ""


def normalize_text(text: str) -> str:
    """Full-width → half-width (NFKC), collapse inner whitespace, strip, case-fold Latin letters."""
    text = unicodedata.normalize("NFKC", str(text))
    return " ".join(text.split()).casefold()


def normalize_blank_answer(text: str) -> str:
    return normalize_text(text)


def validate_answer_shape(*, qtype: str, options: list, blank_count: int, answer) -> None:
    option_keys = {o["key"] for o in options}
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if not isinstance(answer, list) or not all(isinstance(k, str) for k in answer):
            raise MalformedAnswer("选择题答案应为选项字母列表。")
        if len(set(answer)) != len(answer):
            raise MalformedAnswer("选项重复。")
        if any(k not in option_keys for k in answer):
            raise MalformedAnswer("答案包含不存在的选项。")
        if qtype == QuestionType.SINGLE and len(answer) > 1:
            raise MalformedAnswer("单选题只能选择一个选项。")
    elif qtype == QuestionType.TRUE_FALSE:
        if not isinstance(answer, bool):
            raise MalformedAnswer("判断题答案应为 true 或 false。")
    elif qtype == QuestionType.FILL_BLANK:
        if not isinstance(answer, list) or not all(isinstance(s, str) for s in answer):
            raise MalformedAnswer("填空题答案应为字符串列表。")
        if len(answer) != blank_count:
            raise MalformedAnswer(f"本题有 {blank_count} 个空，答案数量不符。")
        if any(len(s) > 500 for s in answer):
            raise MalformedAnswer("答案过长。")
        if any(has_unstorable(s) for s in answer):
            raise MalformedAnswer("答案包含不允许的字符。")
    else:
        raise MalformedAnswer("未知题型。")


def score_fraction(*, qtype: str, key, answer, partial_credit: bool = False) -> Decimal:
    """Fraction of the points earned (0..1). `key` is the stored correct answer, `answer` the
    student's (already shape-validated; None = unanswered).

    Multiple choice partial credit (Moodle-style, no negative totals): any wrong option scores 0;
    otherwise the share of correct options chosen."""
    if answer is None:
        return Decimal(0)
    if qtype == QuestionType.SINGLE:
        return Decimal(1) if list(answer) == list(key) else Decimal(0)
    if qtype == QuestionType.MULTIPLE:
        chosen, correct = set(answer), set(key)
        if chosen == correct:
            return Decimal(1)
        if not partial_credit or not chosen or chosen - correct:
            return Decimal(0)
        return (Decimal(len(chosen)) / Decimal(len(correct))).quantize(Decimal("0.0001"))
    if qtype == QuestionType.TRUE_FALSE:
        return Decimal(1) if answer is key else Decimal(0)
    if qtype == QuestionType.FILL_BLANK:
        if not key:
            return Decimal(0)
        right = 0
        for given, accepted in zip(answer, key, strict=False):
            if normalize_blank_answer(given) in {normalize_blank_answer(a) for a in accepted}:
                right += 1
        if right == len(key):
            return Decimal(1)
        if not partial_credit:
            return Decimal(0)
        return (Decimal(right) / Decimal(len(key))).quantize(Decimal("0.0001"))
    return Decimal(0)
