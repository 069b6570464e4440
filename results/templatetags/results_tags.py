from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.5 → "50.0%"; None → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


@register.filter
def score(value) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}"


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, 0)
