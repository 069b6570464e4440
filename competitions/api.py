"""Contest JSON API (/api/v1/). Thin: parse, call one service or selector, shape the JSON.
Domain errors become {"code", "message"} with their 4xx status."""

from typing import Any, Literal

from django.utils import timezone
from ninja import Router, Schema, Status

from accounts.api import api_auth

from . import selectors, services
from .models import Contest

router = Router(tags=["contests"], auth=api_auth)


class ContestOut(Schema):
    id: int
    title: str
    kind: Literal["practice", "formal"]
    status: Literal["upcoming", "open", "closed"]
    opens_at: Any
    closes_at: Any
    time_limit_s: int
    attempts_left: int | None


class AnswerIn(Schema):
    answer: Any


class AnswerSaved(Schema):
    saved: bool
    remaining_s: int


def contest_out(contest: Contest, user, now) -> dict:
    return {
        "id": contest.pk,
        "title": contest.title,
        "kind": contest.kind,
        "status": contest.window_status(now),
        "opens_at": contest.opens_at,
        "closes_at": contest.closes_at,
        "time_limit_s": contest.time_limit_s,
        "attempts_left": selectors.attempts_left(contest=contest, user=user),
    }


@router.get("/contests", response=list[ContestOut], summary="我可以看到的竞赛")
def contest_list(request):
    now = timezone.now()
    contests = {c.pk: c for c in selectors.contests_for_student(request.user)}
    for c in selectors.contests_managed_by(request.user).order_by("-opens_at")[:200]:
        contests.setdefault(c.pk, c)
    for c in selectors.contests_for_teacher(request.user):
        contests.setdefault(c.pk, c)
    return [contest_out(c, request.user, now) for c in contests.values()]


@router.post("/contests/{contest_id}/attempts", response={200: dict, 201: dict}, summary="开始或继续答题")
def attempt_start(request, contest_id: int):
    attempt, created = services.attempt_start(user=request.user, contest_id=contest_id)
    payload = selectors.attempt_payload(attempt)
    return Status(201 if created else 200, payload)


@router.get("/attempts/{attempt_id}", response=dict, summary="答题状态、已存答案；交卷后按规则给出成绩与解析")
def attempt_detail(request, attempt_id: int):
    attempt = services.attempt_for_user(user=request.user, attempt_id=attempt_id)
    return selectors.attempt_payload(attempt)


@router.put("/attempts/{attempt_id}/answers/{question_id}", response=AnswerSaved, summary="保存一道题的答案")
def answer_put(request, attempt_id: int, question_id: int, payload: AnswerIn):
    remaining = services.answer_save(
        user=request.user, attempt_id=attempt_id, question_id=question_id, answer=payload.answer
    )
    return {"saved": True, "remaining_s": remaining}


@router.post("/attempts/{attempt_id}/submit", response=dict, summary="交卷")
def attempt_submit(request, attempt_id: int):
    attempt = services.attempt_submit(user=request.user, attempt_id=attempt_id)
    payload = selectors.attempt_payload(attempt)
    body: dict = {"status": "submitted"}
    if payload["result"] is not None:
        body["result"] = payload["result"]
    if payload["review"] is not None:
        body["review"] = payload["review"]
    return body
