"""Reads over the question bank. The contests app draws questions only through `published_revisions`."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

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
    # a join rather than `pk IN (subquery)`: SQLite materialises the subquery over the whole bank even
    # when the caller then asks for a handful of questions (bench/secrecy.py)
    qs = QuestionRevision.objects.filter(question__status=QuestionStatus.PUBLISHED, question__current_revision=F("pk"))
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


def questions_visible_to(user) -> QuerySet[Question]:
    """Reviewers see the whole bank; other authors see their own questions and everything published."""
    from .services.questions import can_review

    qs = Question.objects.select_related("topic", "author", "current_revision")
    if can_review(user):
        return qs
    return qs.filter(Q(author=user) | Q(status=QuestionStatus.PUBLISHED))


def question_search(
    *,
    user,
    topic_id: int | None = None,
    qtype: str = "",
    difficulty: str = "",
    grade_band: str = "",
    status: str = "",
    text: str = "",
    mine: bool = False,
) -> QuerySet[Question]:
    qs = questions_visible_to(user)
    if topic_id:
        qs = qs.filter(topic_id__in=topic_descendant_ids([topic_id]))
    if qtype:
        qs = qs.filter(qtype=qtype)
    if difficulty:
        qs = qs.filter(difficulty=difficulty)
    if grade_band:
        qs = qs.filter(_grade_band_q(grade_band))
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(author=user)
    for word in (text or "").split()[:5]:
        qs = qs.filter(stem__icontains=word)
    return qs.order_by("-id")


def review_queue(user) -> QuerySet[Question]:
    return (
        Question.objects.filter(status=QuestionStatus.PENDING).select_related("topic", "author").order_by("updated_at")
    )


def topic_tree() -> list[tuple[Topic, int]]:
    """(topic, depth) in display order."""
    topics = list(Topic.objects.all())
    children: dict[int | None, list[Topic]] = {}
    for t in topics:
        children.setdefault(t.parent_id, []).append(t)
    out: list[tuple[Topic, int]] = []

    def walk(parent_id, depth):
        for t in sorted(children.get(parent_id, []), key=lambda t: (t.order, t.pk)):
            out.append((t, depth))
            walk(t.pk, depth + 1)

    walk(None, 0)
    return out
