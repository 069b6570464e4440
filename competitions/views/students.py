"""Student contest pages. Thin: each view calls one selector or service; the paper page autosaves
through the same JSON API (static/js/contest.js) and still works as a plain form without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import request_scope
from accounts.tokens import PAGE_TOKEN_SESSION_KEY, page_token
from core.paging import page_query, paginate, search

from .. import errors, paper_html, selectors, services
from ..models import Contest, ContestStatus

SESSION_TOKEN_KEY = PAGE_TOKEN_SESSION_KEY


def page_api_token(request) -> str:
    return page_token(request)


@login_required
def contest_list(request):
    now = timezone.now()
    taking = [{"contest": c, "status": c.window_status(now)} for c in selectors.contests_for_student(request.user)]
    q = request.GET.get("q", "").strip()
    managed = paginate(
        request, search(selectors.contests_managed_by(request.user).select_related("owner_org"), q, "title")
    )
    teaching = selectors.contests_for_teacher(request.user)
    return render(
        request,
        "competitions/contest_list.html",
        {
            "taking": taking,
            "managed": managed,
            "teaching": teaching,
            "q": q,
            "keep": page_query(request),
            "searching": bool(q),
        },
    )


@login_required
def contest_detail(request, pk: int):
    # audience prefetched: the visibility check and the eligibility line both read it
    contest = get_object_or_404(Contest.objects.select_related("owner_org").prefetch_related("audience_orgs"), pk=pk)
    scope = request_scope(request)
    if not selectors.contest_visible_to(user=request.user, contest=contest, scope=scope):
        if contest.status == ContestStatus.PUBLISHED and scope.student_class is not None:
            # a published contest's existence is public (landing page); say why, not a bare 404
            reason = selectors.student_eligibility(contest=contest, klass=scope.student_class)
            raise errors.NotEligible(_("不在参赛范围：{reason}").format(reason=reason))
        raise Http404
    klass = scope.student_class
    my_attempts = list(contest.attempts.filter(user=request.user).order_by("-number"))
    active = next((a for a in my_attempts if a.is_active), None)
    context = {
        "contest": contest,
        "status": contest.window_status(),
        "eligible_reason": selectors.student_eligibility(contest=contest, klass=klass) if klass else None,
        "is_student": klass is not None,
        "my_attempts": my_attempts,
        "active": active,
        "attempts_left": selectors.attempts_left(contest=contest, user=request.user, attempts=my_attempts),
        "can_manage": scope.manages(contest.owner_org),
        "can_view_results": scope.manages(contest.owner_org) or bool(scope.taught_paths),
        "rules": contest.rules.select_related("topic"),
        "leaderboard_url": optional_url("leaderboards:board", contest.pk),
        "leaderboard_manage_url": optional_url("leaderboards:manage", contest.pk),
    }
    return render(request, "competitions/contest_detail.html", context)


def optional_url(name: str, *args) -> str | None:
    """Links into apps that may not be installed (the live leaderboard)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@login_required
@require_POST
def attempt_start(request, pk: int):
    try:
        attempt, _created = services.attempt_start(user=request.user, contest_id=pk)
    except errors.CompetitionError as exc:
        messages.error(request, exc.message)
        return redirect("competitions:contest_detail", pk=pk)
    return redirect("competitions:attempt_take", pk=attempt.pk)


def _is_answered(saved) -> bool:
    """The same rule as isAnswered in static/js/contest.js, so the bar's count does not jump on load."""
    if saved is None:
        return False
    if isinstance(saved, bool):
        return True
    return any(str(v).strip() for v in saved)


@login_required
def attempt_take(request, pk: int):
    try:
        attempt = services.attempt_for_user(user=request.user, attempt_id=pk)
    except errors.AttemptNotFound as exc:
        raise Http404 from exc
    if not attempt.is_active:
        return redirect("competitions:attempt_result", pk=attempt.pk)
    payload = selectors.attempt_payload(attempt)
    questions = payload["questions"]
    for number, q in enumerate(questions, start=1):
        q["number"] = number
        q["saved"] = payload["answers"].get(str(q["id"]))
    context = {
        "attempt": attempt,
        "contest": attempt.contest,
        "questions": questions,
        "question_cards": paper_html.question_cards(questions),
        "answer_sheet": paper_html.answer_sheet(questions),
        "answered": sum(1 for q in questions if _is_answered(q["saved"])),
        "remaining_s": payload["remaining_s"],
        "remaining_display": "{:02d}:{:02d}".format(*divmod(payload["remaining_s"], 60)),
        "api_token": page_api_token(request),
    }
    return render(request, "competitions/attempt_take.html", context)


def answers_from_form(post, questions: list[dict]) -> dict[int, object]:
    """The plain-form fallback: rebuild API-shaped answers from posted fields."""
    answers = {}
    for q in questions:
        name = f"q{q['id']}"
        if q["type"] in ("single", "multiple"):
            keys = post.getlist(name)
            if keys:
                answers[q["id"]] = keys
        elif q["type"] == "true_false":
            value = post.get(name)
            if value in ("true", "false"):
                answers[q["id"]] = value == "true"
        else:
            blanks = [post.get(f"{name}_{i}", "") for i in range(q["blanks"])]
            if any(b.strip() for b in blanks):
                answers[q["id"]] = blanks
    return answers


@login_required
@require_POST
def attempt_submit(request, pk: int):
    try:
        attempt = services.attempt_for_user(user=request.user, attempt_id=pk)
    except errors.AttemptNotFound as exc:
        raise Http404 from exc
    if attempt.is_active and request.POST.get("autosaved") != "1":
        # the plain-form path (or autosaves still pending): store what the form carries first
        questions = selectors.attempt_payload(attempt)["questions"]
        for question_id, answer in answers_from_form(request.POST, questions).items():
            try:
                services.answer_save(user=request.user, attempt_id=pk, question_id=question_id, answer=answer)
            except errors.MalformedAnswer:
                continue
            except (errors.DeadlinePassed, errors.AttemptFinished):
                messages.warning(request, errors.DeadlinePassed.default_message)
                break
    if attempt.is_active:
        services.attempt_submit(user=request.user, attempt_id=pk)
    return redirect("competitions:attempt_result", pk=pk)


@login_required
def attempt_result(request, pk: int):
    try:
        attempt = services.attempt_for_user(user=request.user, attempt_id=pk)
    except errors.AttemptNotFound as exc:
        raise Http404 from exc
    if attempt.is_active:
        return redirect("competitions:attempt_take", pk=attempt.pk)
    payload = selectors.attempt_payload(attempt)
    review = {r["question_id"]: r for r in payload["review"] or []}
    rows = []
    for number, q in enumerate(payload["questions"], start=1):
        rows.append({"number": number, "q": q, "review": review.get(q["id"])})
    context = {
        "attempt": attempt,
        "contest": attempt.contest,
        "result": payload["result"],
        "rows": rows,
        "has_review": payload["review"] is not None,
    }
    return render(request, "competitions/attempt_result.html", context)
