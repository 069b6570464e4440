"""Demo question bank for `seed_demo`: the original questions in demo_bank.py, published by the admin
(plus a couple waiting for review by a demo teacher). Idempotent: a question whose stem and options
already exist in its topic is skipped."""

from django.db import transaction

from .demo_bank import PENDING, QUESTIONS
from .errors import TopicInvalid
from .models import Question
from .services.content import content_clean, parse_difficulty, parse_grade_bands, parse_qtype, question_fingerprint
from .services.importing import TopicResolver
from .services.questions import question_approve, question_create, question_submit
from .topics import topics_ensure_base


def _content(item):
    _topic, qtype, stem, options, answer, explanation, difficulty, bands, source = item
    return content_clean(
        qtype=parse_qtype(qtype),
        stem=stem,
        options=options,
        answer=answer,
        explanation=explanation,
        difficulty=parse_difficulty(difficulty),
        grade_bands=parse_grade_bands(bands),
        source=source,
    )


def seed_items(items, *, author, approver=None) -> int:
    """Add demo questions given as demo_bank tuples (idempotent by fingerprint); returns how many were new.
    Each is submitted for review; with `approver` (another person: four eyes) it is then approved."""
    resolver = TopicResolver()
    created = 0
    for item in items:
        topic = resolver.resolve(item[0])
        if isinstance(topic, str):
            raise TopicInvalid(topic)
        content = _content(item)
        fingerprint = question_fingerprint(stem=content.stem, options=content.options)
        if Question.objects.filter(topic=topic, fingerprint=fingerprint).exists():
            continue
        question = question_create(author=author, topic=topic, content=content)
        question_submit(actor=author, question=question)
        if approver is not None:
            question_approve(actor=approver, question=question)
        created += 1
    return created


@transaction.atomic
def seed(ctx, stdout) -> None:
    topics_ensure_base()
    admin = ctx.users.get("admin")
    teacher = ctx.users.get("teacher3") or admin
    created = seed_items(QUESTIONS, author=teacher, approver=admin)
    created += seed_items(PENDING, author=teacher)
    stdout.write(f"题库：新增 {created} 道演示题（已发布 {len(QUESTIONS)} 道，待审 {len(PENDING)} 道）。")
