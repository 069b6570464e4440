"""Server-rendered SVG charts: no JavaScript library, no CDN. Labels are escaped; the SVG carries a
<title> and role="img" so screen readers announce it, and every chart sits next to its data table."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

RED = "#b3261e"
GREY = "#d0d7de"
FONT_PX = 12  # the chart's text size in viewBox units (results.css sets .chart text to this)


def text_width(text: str, size: float = FONT_PX) -> float:
    """Approximate rendered width: CJK and other wide characters are a full em, the rest about 0.6 em."""
    import unicodedata

    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def fit(text: str, width: float, size: float = FONT_PX) -> str:
    """`text` cut to `width` with an ellipsis when it does not fit (the full text goes in a <title>)."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…"


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 — every interpolated text below goes through escape()
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def horizontal_bars(rows: list[tuple[str, float | None]], *, title: str, percent: bool = True) -> SafeString:
    """One bar per label, e.g. participation rate per district (values 0..1 when percent). The label
    column is as wide as the longest label (up to a limit); a longer label is cut with "…" and the whole
    label and value are in the row's <title> tooltip."""
    bar_w, row_h = 230, 28
    label_w = int(min(max([text_width(label) for label, _v in rows] + [48]), 200)) + 10
    height = max(1, len(rows)) * row_h + 10
    top = max([v or 0 for _l, v in rows] + [1 if percent else 0.0001])
    scale = 1 if percent else top
    body = []
    for i, (label, value) in enumerate(rows):
        y = 5 + i * row_h
        v = value or 0
        w = bar_w * min(v / scale, 1) if scale else 0
        text = "—" if value is None else (f"{v * 100:.1f}%" if percent else f"{v:g}")
        body.append(
            f"<g><title>{escape(label)}：{text}</title>"
            f'<text x="{label_w - 6}" y="{y + 18}" text-anchor="end">{escape(fit(label, label_w - 10))}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="18" fill="{GREY}" opacity=".35"/>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="18" fill="{RED}"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 18}">{text}</text></g>'
        )
    return _svg(label_w + bar_w + 70, height, title, body)


def vertical_bars(rows: list[tuple[str, int]], *, title: str) -> SafeString:
    """Counts per bucket, e.g. the score histogram or attempts started per hour."""
    n = max(1, len(rows))
    plot_h, bottom, left = 180, 46, 36
    bar_slot = max(10, min(60, 340 // n))  # ~380 units wide: legible when a phone scales it down
    width = left + n * bar_slot + 10
    top = max([c for _l, c in rows] + [1])
    body = [f'<line x1="{left}" y1="{plot_h + 10}" x2="{width - 5}" y2="{plot_h + 10}" stroke="#57606a"/>']
    body.append(f'<text x="{left - 4}" y="18" text-anchor="end">{top}</text>')
    # x labels: thinned so none overlaps its neighbour, each cut to the room it has, full text in <title>
    size = FONT_PX  # results.css sets every chart text to 12px, whatever a font-size attribute says
    widest = max([text_width(label, size) for label, _c in rows] + [1])
    every = max(1, int(-(-(min(widest, 90) + 6) // bar_slot)))
    room = every * bar_slot - 6
    for i, (label, count) in enumerate(rows):
        x = left + i * bar_slot + 2
        h = plot_h * count / top
        body.append(
            f'<rect x="{x}" y="{plot_h + 10 - h:.1f}" width="{bar_slot - 4}" height="{h:.1f}" fill="{RED}">'
            f"<title>{escape(label)}：{count}</title></rect>"
        )
        if i % every == 0:
            body.append(
                f'<text x="{x + (bar_slot - 4) / 2:.1f}" y="{plot_h + 26}" text-anchor="middle">'
                f"<title>{escape(label)}</title>{escape(fit(label, room, size))}</text>"
            )
    return _svg(width, plot_h + bottom, title, body)
