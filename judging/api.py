"""Judges' JSON API (/api/v1/judging/...): the queue, one blind entry with its rubric, and saving
or submitting a score. Same services as the pages; errors are {"code", "message"} with a 4xx."""

from typing import Any

from ninja import Router, Schema

from accounts.api import api_auth
from accounts.models import Role
from accounts.selectors import scope_for
from core.errors import ApiError

from . import selectors, services
from .models import RoundStatus, Score, ScoreStatus

router = Router(tags=["judging"], auth=api_auth)


def _require_judge(request):
    scope = scope_for(request.user)
    if not (scope.has_role(Role.JUDGE) or scope.is_admin):
        raise ApiError("forbidden", "只有评委可以使用评审接口。", 403)


def _assignment(request, assignment_id: int):
    _require_judge(request)
    assignment = selectors.judge_assignment(request.user, assignment_id)
    if assignment is None:
        raise ApiError("not_assigned", "该作品未分配给您。", 404)
    return assignment


class QueueItem(Schema):
    assignment_id: int
    code: str
    contest: str
    round: str
    status: str
    total: float | None


class QueueOut(Schema):
    assigned: int
    scored: int
    items: list[QueueItem]


class CriterionOut(Schema):
    id: int
    name: str
    description: str
    max_points: float
    weight: float


class EntryOut(Schema):
    assignment_id: int
    code: str
    title: str
    body_html: str
    char_count: int
    file_type: str
    file_url: str | None
    criteria: list[CriterionOut]
    points: dict[str, float]
    comment: str
    status: str
    locked: bool


class ScoreIn(Schema):
    points: dict[str, Any]
    comment: str = ""
    submit: bool = False


class ScoreOut(Schema):
    status: str
    total: float | None


@router.get("/queue", response=QueueOut, summary="我的评审任务")
def queue(request):
    _require_judge(request)
    return selectors.judge_queue_summary(request.user)


@router.get("/assignments/{assignment_id}", response=EntryOut, summary="评审作品（匿名）与评分细则")
def assignment_detail(request, assignment_id: int):
    from django.urls import reverse

    a = _assignment(request, assignment_id)
    entry = selectors.blind_entry_view(a.entry)
    score = Score.objects.filter(assignment=a).prefetch_related("items").first()
    return {
        "assignment_id": a.pk,
        **{k: entry[k] for k in ("code", "title", "body_html", "char_count", "file_type")},
        "file_url": reverse("judging:judge_file", args=[a.pk]) if entry["has_file"] else None,
        "criteria": [
            {"id": c.pk, "name": c.name, "description": c.description, "max_points": c.max_points, "weight": c.weight}
            for c in a.round.contest.rubric.criteria.all()
        ],
        "points": {str(i.criterion_id): float(i.points) for i in score.items.all()} if score else {},
        "comment": score.comment if score else "",
        "status": score.status if score else "todo",
        "locked": (score is not None and score.status == ScoreStatus.SUBMITTED)
        or a.round.status != RoundStatus.JUDGING,
    }


@router.post("/assignments/{assignment_id}/score", response=ScoreOut, summary="保存或提交评分")
def score_save(request, assignment_id: int, payload: ScoreIn):
    a = _assignment(request, assignment_id)
    score = services.score_save(
        judge=request.user, assignment=a, points=payload.points, comment=payload.comment, submit=payload.submit
    )
    return {"status": score.status, "total": score.total}
