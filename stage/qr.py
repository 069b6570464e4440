"""QR codes drawn on the server as SVG (judge seats, team devices, the hall quiz's join link): no CDN, no
script, and the SVG's paths carry no style attribute, so the CSP needs nothing extra."""

from __future__ import annotations

import io


def qr_svg(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue().decode()
