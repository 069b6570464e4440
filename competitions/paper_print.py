"""A printable paper with its answer key (PDF), for schools that hold a paper-based round.

The paper is drawn the way a student's is (competitions.paper.paper_draw) with a fixed seed, for one
grade band; the answer key follows on its own page, in the printed option order."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from accounts.models import GradeBand
from core.pdffont import register_cjk_font
from questionbank.models import QuestionType

from .models import Contest
from .paper import CHOICE_TYPES, display_options, paper_draw, to_display_keys

MARGIN = 56
SIZE = 11


class _Writer:
    def __init__(self, c: canvas.Canvas, font: str, title: str):
        self.c, self.font, self.title = c, font, title
        self.width, self.height = A4
        self.page = 0
        self._new_page()

    def _new_page(self):
        if self.page:
            self.c.showPage()
        self.page += 1
        self.y = self.height - MARGIN
        self.c.setFont(self.font, 8)
        self.c.drawCentredString(self.width / 2, 28, f"{self.title} · {self.page}")

    def line(self, text: str, *, size: float = SIZE, indent: float = 0, gap: float = 1.5):
        width = self.width - 2 * MARGIN - indent
        for part in self._wrap(text, size, width):
            if self.y < MARGIN + size:
                self._new_page()
            self.c.setFont(self.font, size)
            self.c.drawString(MARGIN + indent, self.y, part)
            self.y -= size * gap

    def space(self, points: float):
        self.y -= points

    def _wrap(self, text: str, size: float, width: float) -> list[str]:
        lines = []
        for para in (text or "").splitlines() or [""]:
            cur = ""
            for ch in para:
                if pdfmetrics.stringWidth(cur + ch, self.font, size) > width:
                    lines.append(cur)
                    cur = ch
                else:
                    cur += ch
            lines.append(cur)
        return lines


def _num(value) -> str:
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


def _answer_text(revision, option_order) -> str:
    if revision.qtype in CHOICE_TYPES:
        return "".join(to_display_keys(revision.answer, option_order))
    if revision.qtype == QuestionType.TRUE_FALSE:
        return _("对") if revision.answer is True else _("错")
    if revision.qtype == QuestionType.FILL_BLANK:
        return "；".join("/".join(str(a) for a in accepted) for accepted in revision.answer)
    return str(revision.answer)


def paper_pdf(*, contest: Contest, grade_band: str | None, seed: int = 1) -> bytes:
    """The paper for `grade_band` and its answer key. Raises PaperUnsatisfiable like a student's draw."""
    slots = paper_draw(contest=contest, grade_band=grade_band, seed=seed)
    font = register_cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(contest.title)
    w = _Writer(c, font, contest.title)
    total = sum(s.points for s in slots)
    band = GradeBand(grade_band).label if grade_band else ""
    w.line(contest.title, size=18, gap=1.8)
    w.line(
        _("%(band)s 共 %(n)s 题，满分 %(t)s 分，限时 %(m)s 分钟")
        % {"band": band, "n": len(slots), "t": _num(total), "m": contest.time_limit_s // 60},
        size=10,
    )
    w.line(_("学校：＿＿＿＿＿＿　班级：＿＿＿＿　姓名：＿＿＿＿　得分：＿＿＿＿"), size=10, gap=2.4)
    for n, slot in enumerate(slots, start=1):
        r = slot.revision
        w.line(f"{n}. （{r.get_qtype_display()}，{_num(slot.points)} 分）{r.stem}")
        for opt in display_options(r, slot.option_order):
            w.line(f"{opt['key']}. {opt['text']}", indent=18)
        if r.qtype == QuestionType.TRUE_FALSE:
            w.line(_("（　）对　（　）错"), indent=18)
        w.space(SIZE * 0.8)
    w._new_page()
    w.line(_("%(t)s · 参考答案") % {"t": contest.title}, size=16, gap=1.8)
    for n, slot in enumerate(slots, start=1):
        w.line(f"{n}. {_answer_text(slot.revision, slot.option_order)}")
        if slot.revision.explanation:
            w.line(_("解析：") + slot.revision.explanation, size=9, indent=18)
    c.showPage()
    c.save()
    return buf.getvalue()
