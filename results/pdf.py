"""Certificate PDFs: A4 landscape, Chinese text in an embedded subset of 花園明朝A (core/fonts/, SIL OFL:
every glyph used is inside the PDF, so phone and WeChat viewers that lack Adobe's CJK fonts show the text,
and names outside GB2312 such as 𠮷 or 䶮 render), a QR code to the public verification page drawn with
reportlab's own QR widget, and the organiser's seal if uploaded."""

from __future__ import annotations

import io
from functools import lru_cache

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from core.pdffont import CJK_FONT, register_cjk_font

from .models import Certificate

FONT = CJK_FONT
LATIN = "Helvetica"
RED = colors.HexColor("#b3261e")
GOLD = colors.HexColor("#c9a227")


@lru_cache(maxsize=32)
def _seal_bytes(name: str) -> bytes | None:
    """A zip renders thousands of PDFs with the same seal: read it once. Uploads get a new name, so
    a replaced seal is a new cache key."""
    try:
        with default_storage.open(name, "rb") as fh:
            return fh.read()
    except OSError:
        return None


DEV_SITE_URL = "http://127.0.0.1:8000"


def site_url(request=None) -> str:
    """Absolute base for QR codes and verify links: settings.SITE_URL (required in production, see
    results.checks). Unset in development, the host the request came in on, so a phone on the LAN gets
    a link it can open; without a request (background zips in development) the local address."""
    configured = (getattr(settings, "SITE_URL", "") or "").strip()
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return DEV_SITE_URL


def verification_url(code: str, request=None) -> str:
    return site_url(request) + reverse("verify:certificate", args=[code])


def certificate_filename(cert: Certificate) -> str:
    safe = "".join(ch for ch in cert.holder_name if ch.isalnum()) or "certificate"
    school = "".join(ch for ch in cert.school_name if ch.isalnum())
    return f"{school + '-' if school else ''}{safe}-{cert.code}.pdf"


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Wrap by character (Chinese has no spaces), honouring explicit newlines."""
    lines: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for ch in para:
            if pdfmetrics.stringWidth(line + ch, FONT, size) > width:
                lines.append(line)
                line = ch
            else:
                line += ch
        lines.append(line)
    return lines


def _chinese_date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _body_text(cert: Certificate) -> str:
    values = {
        "name": cert.holder_name,
        "school": cert.school_name,
        "contest": cert.contest_title,
        "award": cert.award_text,
        "score": "" if cert.score is None else f"{cert.score.normalize():f}",
    }
    body = cert.template.body
    address = "同学："
    if cert.holder_kind != "user":
        # the default wording addresses a student; a unit or an adult guest is addressed by name alone
        body, address = body.replace("{name} 同学", "{name}"), "："
    try:
        return body.format(**values)
    except (KeyError, IndexError, ValueError):
        # an organiser's typo in a placeholder must not break printing: fall back to the plain wording
        return f"{cert.holder_name}{address}\n在「{cert.contest_title}」中荣获 {cert.award_text}。"


def certificate_pdf(cert: Certificate, request=None) -> bytes:
    register_cjk_font()
    template = cert.template
    width, height = landscape(A4)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height), invariant=1)
    c.setTitle(f"{template.title} {cert.code}")
    c.setAuthor(template.issuer)

    # frame
    c.setStrokeColor(RED)
    c.setLineWidth(6)
    c.rect(24, 24, width - 48, height - 48)
    c.setStrokeColor(GOLD)
    c.setLineWidth(1.5)
    c.rect(36, 36, width - 72, height - 72)

    # title
    c.setFillColor(RED)
    c.setFont(FONT, 44)
    title = " ".join(template.title) if len(template.title) <= 6 else template.title
    c.drawCentredString(width / 2, height - 120, title)

    # body
    c.setFillColor(colors.black)
    size = 20
    margin = 110
    y = height - 190
    lines = _body_text(cert).split("\n")
    first, rest = lines[0], "\n".join(lines[1:])
    c.setFont(FONT, size + 2)
    c.drawString(margin, y, first)
    y -= size * 2
    c.setFont(FONT, size)
    for line in _wrap(rest, size, width - 2 * margin - 2 * size):
        c.drawString(margin + 2 * size, y, line)
        y -= size * 1.8
    if cert.school_name:
        c.setFont(FONT, 14)
        c.setFillColor(colors.HexColor("#444444"))
        c.drawString(margin + 2 * size, y - 4, f"学校：{cert.school_name}")
        c.setFillColor(colors.black)

    # issuer, date and seal (bottom right); the seal sits over the issuer's name as on paper
    right = width - 120
    c.setFont(FONT, 18)
    c.drawRightString(right, 130, template.issuer)
    c.drawRightString(right, 100, _chinese_date(template.issue_date))
    seal = _seal_bytes(template.seal.name) if template.seal else None
    if seal:
        try:
            img = ImageReader(io.BytesIO(seal))
            c.drawImage(img, right - 150, 70, width=120, height=120, mask="auto", preserveAspectRatio=True)
        except (OSError, ValueError):
            pass  # an unreadable seal image must not stop the certificate from printing

    # QR code and verification code (bottom left)
    url = verification_url(cert.code, request)
    qr = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = qr.getBounds()
    qr_size = 92
    drawing = Drawing(qr_size, qr_size, transform=[qr_size / (x1 - x0), 0, 0, qr_size / (y1 - y0), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, c, 60, 64)
    c.setFont(FONT, 10)
    c.drawString(160, 130, "扫码或访问验证页核验真伪")
    c.drawString(160, 114, "验证码：")
    c.setFont(LATIN, 12)
    c.drawString(160 + pdfmetrics.stringWidth("验证码：", FONT, 10), 114, cert.code)
    c.setFont(LATIN, 7)
    c.drawString(160, 98, url[:90])

    c.showPage()
    c.save()
    return buf.getvalue()
