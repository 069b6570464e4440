from django import template

from accounts.models import GradeBand

from ..services.content import format_answer

register = template.Library()
BAND_LABELS = dict(GradeBand.choices)


@register.filter
def band_labels(bands) -> str:
    return "、".join(str(BAND_LABELS.get(b, b)) for b in bands or [])


@register.filter
def answer_text(question) -> str:
    return format_answer(question.qtype, question.answer)
