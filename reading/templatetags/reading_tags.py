"""The statistics table cells in one call per row: hundreds of school rows render without a template
include per row (the city page of 420 schools)."""

from django import template
from django.utils.html import format_html_join

register = template.Library()


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@register.simple_tag
def reading_cells(row):
    values = [
        row.enrolled,
        row.readers,
        row.completed,
        _pct(row.participation_rate),
        "—" if row.average_score is None else f"{row.average_score:.1f}",
        f"{row.engaged_minutes:.1f}",
    ]
    return format_html_join("", '<td class="num">{}</td>', ((v,) for v in values))
