"""Printable login slips: one card per student, ten to an A4 page, cut along the dashed lines. Chinese in
reportlab's built-in STSong-Light CID font (as results/pdf.py), so no font file ships with the app."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
COLUMNS, ROWS = 2, 5
MARGIN = 12 * mm


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def login_slips_pdf(*, title: str, class_label: str, login_url: str, rows: list[dict]) -> bytes:
    """`rows`: dicts with name, username and password (None once the student has set their own)."""
    font = _font()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    c.setTitle(f"{class_label} {_('登录卡')}")
    width, height = A4
    card_w = (width - 2 * MARGIN) / COLUMNS
    card_h = (height - 2 * MARGIN) / ROWS
    per_page = COLUMNS * ROWS
    for index, row in enumerate(rows):
        if index and index % per_page == 0:
            c.showPage()
        slot = index % per_page
        x = MARGIN + (slot % COLUMNS) * card_w
        y = height - MARGIN - (slot // COLUMNS + 1) * card_h
        c.setDash(3, 3)
        c.setStrokeColor(colors.grey)
        c.rect(x, y, card_w, card_h)
        c.setDash()
        left, top = x + 6 * mm, y + card_h - 9 * mm
        c.setFillColor(colors.black)
        c.setFont(font, 10)
        c.drawString(left, top, title)
        c.setFont(font, 14)
        c.drawString(left, top - 9 * mm, f"{row['name']}")
        c.setFont(font, 9)
        c.drawString(left, top - 15 * mm, class_label)
        c.setFont(font, 12)
        c.drawString(left, top - 23 * mm, f"{_('用户名')}：{row['username']}")
        password = row["password"] or _("已修改，请用自己设置的密码")
        c.drawString(left, top - 30 * mm, f"{_('初始密码')}：{password}")
        c.setFont(font, 8)
        c.drawString(left, y + 9 * mm, f"{_('网址')}：{login_url}")
        c.drawString(left, y + 4 * mm, _("首次登录后须设置自己的新密码，请勿把本卡交给他人。"))
    if not rows:
        c.setFont(font, 12)
        c.drawString(MARGIN, height - MARGIN - 10 * mm, _("本班暂无学生。"))
    c.showPage()
    c.save()
    return buffer.getvalue()
