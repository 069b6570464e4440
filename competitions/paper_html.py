"""The answer page's question cards and answer sheet, built in Python.

The paper page is the hottest page of a contest (every student opens it within the first minute), and
the template loops over questions and options were most of its CPU. This builds the same markup
(tests/competitions/test_paper_html.py renders the original loops and this side by side) with
f-strings; every interpolated value goes through html.escape, which is what Django's escape() runs
(format_html's lazy-string wrapping alone cost more than the whole loop)."""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _e(value) -> str:
    """Django's escape() without its lazy-string wrapper (the same html.escape underneath)."""
    return escape(str(value), quote=True)


def _linebreaksbr(text: str) -> str:
    """The linebreaksbr filter: newlines normalised, text escaped, then each newline a <br>."""
    return _e(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


ANSWERED = ' class="answered"'


def _type_label(qtype: str) -> str:
    if qtype == "single":
        return _("单选题")
    if qtype == "multiple":
        return _("多选题")
    if qtype == "true_false":
        return _("判断题")
    return _("填空题")


def _contains(saved, key) -> bool:
    """`key in saved` as the template's `in` operator judged it (False when saved is not a container)."""
    try:
        return key in saved
    except TypeError:
        return False


def _blank_value(saved, index: int) -> str:
    """The saved text of blank `index` ("" when there is none), as the template's loop picked it."""
    try:
        values = list(saved)
    except TypeError:
        return ""
    return _e(values[index]) if index < len(values) else ""


def _choices(q: dict) -> list[str]:
    kind = "radio" if q["type"] == "single" else "checkbox"
    name, saved = _e(q["id"]), q["saved"]
    return [
        f'<label class="choice"><input type="{kind}" name="q{name}" value="{_e(o["key"])}"'
        f"{' checked' if _contains(saved, o['key']) else ''}> <b>{_e(o['key'])}.</b> <span>{_e(o['text'])}</span></label>"
        for o in q["options"]
    ]


def _true_false(q: dict) -> list[str]:
    name, saved = _e(q["id"]), q["saved"]
    return [
        f'<label class="choice"><input type="radio" name="q{name}" value="{value}"'
        f"{' checked' if saved is expected else ''}> {_e(label)}</label>"
        for value, expected, label in (("true", True, _("正确")), ("false", False, _("错误")))
    ]


def _blanks(q: dict) -> list[str]:
    name, saved = _e(q["id"]), q["saved"]
    return [
        f'<div class="field"><label for="q{name}_{i}">{_e(_("第 %(n)s 空") % {"n": i + 1})}</label>'
        f'<input type="text" id="q{name}_{i}" name="q{name}_{i}" maxlength="500" autocomplete="off"'
        f' value="{_blank_value(saved, i)}"></div>'
        for i in range(int(q["blanks"]))
    ]


def question_card(q: dict) -> str:
    if q["type"] in ("single", "multiple"):
        body = _choices(q)
    elif q["type"] == "true_false":
        body = _true_false(q)
    else:
        body = _blanks(q)
    number, qid, qtype = _e(q["number"]), _e(q["id"]), _e(q["type"])
    head = (
        f'<section class="card question" id="q-{number}" data-qid="{qid}" data-type="{qtype}" data-number="{number}">'
        f'<fieldset><legend><h3>{number}. <span class="badge">{_e(_type_label(q["type"]))}</span></h3></legend>'
        f'<p class="stem">{_linebreaksbr(q["stem"])}</p>'
    )
    return head + "".join(body) + "</fieldset></section>"


def question_cards(questions: list[dict]) -> SafeString:
    """Every question of the paper (questions carry number, saved and the public fields)."""
    # every interpolated value below goes through _e() (html.escape)
    return mark_safe("\n".join(question_card(q) for q in questions))  # noqa: S308


def answer_sheet(questions: list[dict]) -> SafeString:
    """The answer sheet's numbered links; answered ones (anything saved) start green."""
    return mark_safe(  # noqa: S308 — every interpolated value goes through _e() (html.escape)
        "".join(
            f'<li><a href="#q-{_e(q["number"])}" data-sheet="{_e(q["id"])}"'
            f"{ANSWERED if q['saved'] is not None else ''}>{_e(q['number'])}</a></li>"
            for q in questions
        )
    )
