"""Judges: the blind queue, scoring, and assignment-checked files."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import role_required
from core.confirm import confirmation_page, is_confirmed

from .. import selectors, services
from ..models import (
    Assignment,
    RoundStatus,
    Score,
    ScoreStatus,
)
from ..services import JudgingError
from .common import _file_response


@role_required(Role.JUDGE)
def judge_queue(request):
    return render(request, "judging/judge_queue.html", {"queue": selectors.judge_queue_summary(request.user)})


@role_required(Role.JUDGE)
def judge_score(request, pk):
    assignment = selectors.judge_assignment(request.user, pk)
    if assignment is None:
        raise Http404
    rnd = assignment.round
    criteria = list(rnd.contest.rubric.criteria.all())
    score = Score.objects.filter(assignment=assignment).prefetch_related("items").first()
    values = {i.criterion_id: i.points for i in score.items.all()} if score else {}
    comment = score.comment if score else ""
    if request.method == "POST":
        raw = {c.pk: request.POST.get(f"c{c.pk}", "") for c in criteria}
        submit = request.POST.get("action") == "submit"
        try:
            if submit and not is_confirmed(request):
                services.score_validate(assignment=assignment, points=raw)
                return confirmation_page(
                    request,
                    title=_("确认提交评分？"),
                    message=_("作品 %(code)s 的评分提交后即锁定，不能再修改（如需修改须由组织者重新开放）。")
                    % {"code": assignment.entry.code},
                    button=_("确认提交"),
                    back_url=request.path,
                )
            services.score_save(
                judge=request.user,
                assignment=assignment,
                points=raw,
                comment=request.POST.get("comment", ""),
                submit=submit,
            )
        except JudgingError as exc:
            messages.error(request, exc.message)
            values, comment = raw, request.POST.get("comment", "")
        else:
            if submit:
                messages.success(request, _("评分已提交：%(code)s。") % {"code": assignment.entry.code})
                nxt = _next_unscored(request.user, assignment)
                return redirect("judging:judge_score", pk=nxt.pk) if nxt else redirect("judging:judge_queue")
            messages.success(request, _("草稿已保存。"))
            return redirect("judging:judge_score", pk=assignment.pk)
    rows = [{"criterion": c, "value": values.get(c.pk, "")} for c in criteria]
    queue = selectors.judge_queue_summary(request.user)
    return render(
        request,
        "judging/judge_score.html",
        {
            "assignment": assignment,
            "entry": selectors.blind_entry_view(assignment.entry),
            "rows": rows,
            "comment": comment,
            "score": score,
            "locked": (score is not None and score.status == ScoreStatus.SUBMITTED)
            or rnd.status != RoundStatus.JUDGING,
            "queue": queue,
            "max_total": sum(c.max_points * c.weight for c in criteria),
        },
    )


def _next_unscored(user, current):
    return (
        Assignment.objects.filter(judge=user, round__status=RoundStatus.JUDGING)
        .exclude(pk=current.pk)
        .exclude(score__status=ScoreStatus.SUBMITTED)
        .order_by("round_id", "entry__code")
        .first()
    )


@role_required(Role.JUDGE)
def judge_file(request, pk):
    assignment = selectors.judge_assignment(request.user, pk)
    if assignment is None:
        raise Http404
    return _file_response(
        assignment.entry.saved_version(),
        download_name=assignment.entry.code,
        range_header=request.headers.get("Range", ""),
    )
