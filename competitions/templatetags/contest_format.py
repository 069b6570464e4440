"""One way to print a score on student pages: at most two decimals, no trailing zeros ("100", "92.5", "7.25").
static/js/leaderboard-myrank.js prints live scores the same way."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def score(value) -> str:
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(value)
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
