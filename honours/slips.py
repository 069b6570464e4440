"""Printable A4 sheets of voting-code slips (2 × 5 per page), each with the code, a QR code to
/honours/vote/?code=…, the family's other children it also covers, and how to vote. Chinese text uses reportlab's built-in CID font."""

from __future__ import annotations

import io
import os
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .services.codes import FamilySlip, format_code

FONT = "STSong-Light"
COLS, ROWS = 2, 5
SIBLINGS_CHARS = 10  # names that fit left of the QR code at 8 pt, after the label


def site_url() -> str:
    """Absolute base for the QR links (the same setting results' certificates use)."""
    return (getattr(settings, "SITE_URL", "") or os.environ.get("SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def vote_url(code: str) -> str:
    return f"{site_url()}{reverse('honours:code_entry')}?code={quote(code)}"


def _qr(url: str, size: float) -> Drawing:
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def siblings_line(siblings: list[str]) -> str:
    names = ""
    for name in siblings:
        joined = f"{names}、{name}" if names else name
        if len(joined) > SIBLINGS_CHARS:
            names = f"{names}等{len(siblings)}人" if names else name[:SIBLINGS_CHARS]
            break
        names = joined
    return f"兄弟姐妹共用本码：{names}"


def slips_pdf(*, title: str, class_name: str, codes: list[FamilySlip]) -> bytes:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setTitle(f"{title} 投票码")
    width, height = A4
    cell_w, cell_h = (width - 20 * mm) / COLS, (height - 20 * mm) / ROWS
    for i, slip in enumerate(codes):
        name, code = slip.name, slip.code
        if i and i % (COLS * ROWS) == 0:
            pdf.showPage()
        col, row = (i % (COLS * ROWS)) % COLS, (i % (COLS * ROWS)) // COLS
        x = 10 * mm + col * cell_w
        y = height - 10 * mm - (row + 1) * cell_h
        pdf.setDash(3, 3)
        pdf.rect(x, y, cell_w, cell_h)
        pdf.setDash()
        pdf.setFont(FONT, 11)
        pdf.drawString(x + 4 * mm, y + cell_h - 8 * mm, title[:22])
        pdf.setFont(FONT, 9)
        pdf.drawString(x + 4 * mm, y + cell_h - 14 * mm, f"{class_name} · {name} 家庭")
        pdf.setFont("Courier-Bold", 16)
        pdf.drawString(x + 4 * mm, y + cell_h - 24 * mm, format_code(code))
        if slip.siblings:
            pdf.setFont(FONT, 8)
            pdf.drawString(x + 4 * mm, y + cell_h - 31 * mm, siblings_line(slip.siblings))
        pdf.setFont(FONT, 8)
        pdf.drawString(x + 4 * mm, y + 12 * mm, "扫码或访问网站“家庭投票码”页面输入本码投票")
        pdf.drawString(x + 4 * mm, y + 7 * mm, "每户一码，请妥善保管，勿转给他人")
        renderPDF.draw(_qr(vote_url(code), 28 * mm), pdf, x + cell_w - 32 * mm, y + 4 * mm)
    if not codes:
        pdf.setFont(FONT, 12)
        pdf.drawString(20 * mm, height - 30 * mm, "该范围内没有在籍学生。")
    pdf.showPage()
    pdf.save()
    return out.getvalue()
