"""Reads over the question bank. The contests app draws questions only through `published_revisions`."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Question, QuestionRevision, QuestionStatus, Topic


def topic_descendant_ids(topic_ids: list[int] | tuple[int, ...] | set[int]) -> list[int]:
    """The given topics and every topic below them (breadth-first; the tree is shallow)."""
    ids = list(dict.fromkeys(int(t) for t in topic_ids))
    seen = set(ids)
    frontier = ids
    while frontier:
        frontier = [
            pk for pk in Topic.objects.filter(parent_id__in=frontier).values_list("pk", flat=True) if pk not in seen
        ]
        seen.update(frontier)
        ids.extend(frontier)
    return ids


def published_revisions(
    *,
    topic_ids: list[int] | None = None,
    qtype: str | None = None,
    difficulty: str | None = None,
    grade_band: str | None = None,
) -> QuerySet[QuestionRevision]:
    """Current revisions of published questions. `topic_ids` includes descendant topics;
    `grade_band` keeps revisions whose grade_bands list contains it."""
    question_ids = Question.objects.filter(status=QuestionStatus.PUBLISHED, current_revision__isnull=False).values(
        "current_revision_id"
    )
    qs = QuestionRevision.objects.filter(pk__in=question_ids)
    if topic_ids is not None:
        qs = qs.filter(topic_id__in=topic_descendant_ids(topic_ids))
    if qtype:
        qs = qs.filter(qtype=qtype)
    if difficulty:
        qs = qs.filter(difficulty=difficulty)
    if grade_band:
        qs = qs.filter(_grade_band_q(grade_band))
    return qs.select_related("topic").order_by("pk")


def _grade_band_q(grade_band: str, field: str = "grade_bands") -> Q:
    # JSON `contains` is not supported on SQLite; the stored lists hold short fixed tokens, so a
    # quoted-substring match on the JSON text is exact on both backends.
    return Q(**{f"{field}__icontains": f'"{grade_band}"'})
