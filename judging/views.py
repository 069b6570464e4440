"""Thin pages: parse input, call one service or selector, render. Every view checks permissions on
the server; judges reach entries only through their own Assignment."""

from __future__ import annotations

import json
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Organization, Role, User
from accounts.permissions import request_scope, role_required

from . import selectors, services
from .export import contest_workbook
from .files import CONTENT_TYPES, EXTENSIONS, INLINE_TYPES
from .forms import AdvanceForm, AwardTiersForm, ContestForm, CriterionFormSet, RoundForm
from .models import (
    KIND_FILE_TYPES,
    Assignment,
    Entry,
    JudgeConflict,
    JudgePairRule,
    JudgingLog,
    Round,
    RoundStatus,
    Score,
    ScoreStatus,
    SubmissionContest,
)
from .services import JudgingError

ORGANISER_ROLES = (Role.ORGANISER, Role.ADMIN)


def _managed_contest(request, pk) -> SubmissionContest:
    contest = get_object_or_404(SubmissionContest.objects.select_related("owner_org"), pk=pk)
    if not selectors.can_manage_contest(request.user, contest):
        raise PermissionDenied
    return contest


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _secure_headers(response, *, download_name: str, version, inline: bool):
    response["Content-Type"] = CONTENT_TYPES[version.file_type]
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{download_name}.{version.file_type}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Accept-Ranges"] = "bytes" if inline else "none"
    return response


def _read_range(handle, start: int, length: int, chunk: int = 64 * 1024):
    try:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(chunk, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def _file_response(version, *, download_name: str, range_header: str = ""):
    """Serve a stored work with a neutral name and a type that never executes in the browser. Audio and
    video answer byte ranges (tablet browsers need them to play and seek)."""
    if not version or not version.file or version.file_type not in CONTENT_TYPES:
        raise Http404
    inline = version.file_type in INLINE_TYPES
    match = _RANGE.match(range_header.strip()) if inline and range_header else None
    if match and (match.group(1) or match.group(2)):
        size = version.file.size
        first, last = match.group(1), match.group(2)
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        else:  # suffix range: the last N bytes
            start, end = max(0, size - int(last)), size - 1
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        response = StreamingHttpResponse(_read_range(version.file.open("rb"), start, end - start + 1), status=206)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
        return _secure_headers(response, download_name=download_name, version=version, inline=inline)
    response = FileResponse(version.file.open("rb"))
    return _secure_headers(response, download_name=download_name, version=version, inline=inline)


@role_required(Role.STUDENT, Role.JUDGE, Role.ORGANISER)
def index(request):
    scope = request_scope(request)
    ctx = {}
    if scope.has_role(Role.STUDENT):
        contests = selectors.contests_for_student(request.user)
        ctx["student_contests"] = [(c, selectors.entry_for_student(request.user, c)) for c in contests]
    if scope.has_role(Role.JUDGE):
        ctx["queue"] = selectors.judge_queue_summary(request.user)
    if scope.has_role(Role.ORGANISER) or scope.is_admin:
        ctx["managed"] = selectors.managed_contests(request.user)
    return render(request, "judging/index.html", ctx)


# --- students --------------------------------------------------------------------------------


@role_required(Role.STUDENT)
def entry_edit(request, pk):
    contest = get_object_or_404(SubmissionContest, pk=pk)
    if not selectors.student_is_eligible(request.user, contest):
        raise PermissionDenied
    entry = selectors.entry_for_student(request.user, contest)
    if request.method == "POST":
        try:
            entry, _version = services.entry_save(
                contest=contest,
                student=request.user,
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
                upload=request.FILES.get("file"),
                team_usernames=request.POST.get("team", "").replace("，", ",").split(","),
                pledge_accepted=request.POST.get("pledge") == "on",
                consent_public=request.POST.get("consent") == "on",
            )
        except JudgingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("作品已保存（编号 %(code)s）。截止前可继续修改。") % {"code": entry.code})
            return redirect("judging:entry_edit", pk=contest.pk)
    latest = entry.versions.order_by("-number").first() if entry else None
    form_values = {
        "title": request.POST.get("title") if request.method == "POST" else (latest.title if latest else ""),
        "body": request.POST.get("body") if request.method == "POST" else (latest.body_text if latest else ""),
        "pledge": request.POST.get("pledge") == "on"
        if request.method == "POST"
        else bool(entry and entry.pledge_accepted_at),
        "consent": request.POST.get("consent") == "on"
        if request.method == "POST"
        else bool(entry and entry.consent_public),
        "team": request.POST.get("team")
        if request.method == "POST"
        else (",".join(u.username for u in entry.team_members.all()) if entry else ""),
    }
    return render(
        request,
        "judging/entry_edit.html",
        {
            "contest": contest,
            "entry": entry,
            "versions": entry.versions.order_by("-number") if entry else [],
            "values": form_values,
            "locked": contest.deadline_passed(),
            "not_open": timezone.now() < contest.opens_at,
            "is_author": entry is None or entry.author_id == request.user.pk,
            "accept": ",".join(f".{t}" for t in sorted(_accept_types(contest))),
        },
    )


def _accept_types(contest):
    return {ext for t in KIND_FILE_TYPES.get(contest.kind, ()) for ext in EXTENSIONS[t]}


@require_POST
@role_required(Role.STUDENT)
def entry_autosave(request, pk):
    contest = get_object_or_404(SubmissionContest, pk=pk)
    try:
        payload = json.loads(request.body or b"{}")
        if not isinstance(payload, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"code": "invalid_request", "message": _("请求格式不正确。")}, status=400)
    try:
        entry, version = services.entry_save(
            contest=contest,
            student=request.user,
            title=str(payload.get("title", ""))[:200],
            body=str(payload.get("body", "")),
            autosave=True,
        )
    except JudgingError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=exc.status)
    return JsonResponse(
        {
            "code": "ok",
            "saved_at": timezone.localtime(version.created_at).strftime("%H:%M:%S"),
            "chars": version.char_count,
        }
    )


@role_required(Role.STUDENT, Role.ORGANISER)
def entry_file(request, pk):
    """The author (or team member) and the contest's organisers download the stored file."""
    entry = get_object_or_404(Entry.objects.select_related("contest__owner_org"), pk=pk)
    is_member = entry.author_id == request.user.pk or entry.team_members.filter(pk=request.user.pk).exists()
    if not (is_member or selectors.can_manage_contest(request.user, entry.contest)):
        raise PermissionDenied
    return _file_response(
        entry.saved_version(), download_name=entry.code, range_header=request.headers.get("Range", "")
    )


# --- judges ----------------------------------------------------------------------------------


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


# --- organisers ------------------------------------------------------------------------------


@role_required(*ORGANISER_ROLES)
def contest_create(request):
    scope = request_scope(request)
    orgs = scope.managed_orgs().filter(depth__lte=2)
    form = ContestForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "owner_org"}
        try:
            contest = services.contest_create(actor=request.user, owner_org=form.cleaned_data["owner_org"], **data)
        except JudgingError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("比赛已创建，请设置评分细则。"))
            return redirect("judging:rubric_edit", pk=contest.pk)
    return render(request, "judging/contest_form.html", {"form": form})


@role_required(*ORGANISER_ROLES)
def dashboard(request, pk):
    contest = _managed_contest(request, pk)
    rounds = list(contest.rounds.all())
    round_data = []
    for rnd in rounds:
        progress = selectors.judge_progress(rnd)
        assigned = sum(p["assigned"] for p in progress)
        scored = sum(p["scored"] for p in progress)
        round_data.append(
            {
                "round": rnd,
                "progress": progress,
                "assigned": assigned,
                "scored": scored,
                "percent": round(100 * scored / assigned) if assigned else 0,
                "flagged": selectors.flagged_entries(rnd),
            }
        )
    entries = contest.entries.select_related("author", "school", "district").prefetch_related(
        "team_members", "versions"
    )
    return render(
        request,
        "judging/dashboard.html",
        {
            "contest": contest,
            "entries": entries,
            "round_data": round_data,
            "round_form": RoundForm(),
            "logs": JudgingLog.objects.filter(contest=contest).select_related("actor")[:20],
        },
    )


@role_required(*ORGANISER_ROLES)
def rubric_edit(request, pk):
    contest = _managed_contest(request, pk)
    rubric = getattr(contest, "rubric", None)
    frozen = bool(rubric and rubric.is_frozen) or contest.rounds.exclude(status=RoundStatus.SETUP).exists()
    initial = [
        {"name": c.name, "description": c.description, "max_points": c.max_points, "weight": c.weight}
        for c in (rubric.criteria.all() if rubric else [])
    ]
    formset = CriterionFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and not frozen and formset.is_valid():
        criteria = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("name")]
        try:
            services.rubric_set(actor=request.user, contest=contest, criteria=criteria)
        except JudgingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("评分细则已保存。"))
            return redirect("judging:dashboard", pk=contest.pk)
    return render(
        request,
        "judging/rubric_edit.html",
        {"contest": contest, "formset": formset, "frozen": frozen, "criteria": rubric.criteria.all() if rubric else []},
    )


@require_POST
@role_required(*ORGANISER_ROLES)
def round_create(request, pk):
    contest = _managed_contest(request, pk)
    form = RoundForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            rnd = services.round_create(actor=request.user, contest=contest, **data)
        except JudgingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已添加评审轮次。请选择评委组。"))
            return redirect("judging:round_detail", pk=rnd.pk)
    else:
        messages.error(request, _("轮次设置有误：") + "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("judging:dashboard", pk=contest.pk)


def _judge_candidates(contest):
    owner = contest.owner_org
    q = Q(org__path__startswith=owner.path) | Q(org_id__in=owner.ancestor_ids()) | Q(org__isnull=True)
    ids = Membership.objects.filter(q, role=Role.JUDGE).values_list("user_id", flat=True)
    return User.objects.filter(pk__in=ids).order_by("username")


@role_required(*ORGANISER_ROLES)
def round_detail(request, pk):
    rnd = get_object_or_404(Round.objects.select_related("contest"), pk=pk)
    contest = _managed_contest(request, rnd.contest_id)
    panel = list(rnd.judges.order_by("username"))
    assignments = (
        Assignment.objects.filter(round=rnd)
        .select_related("entry__author", "entry__school", "judge", "score")
        .order_by("entry__code", "judge__username")
    )
    return render(
        request,
        "judging/round_detail.html",
        {
            "contest": contest,
            "round": rnd,
            "panel": panel,
            "panel_ids": {j.pk for j in panel},
            "candidates": _judge_candidates(contest),
            "assignments": assignments,
            "progress": selectors.judge_progress(rnd),
            "results": selectors.round_results(rnd),
            "consistency": selectors.judge_consistency(rnd),
            "flagged": selectors.flagged_entries(rnd),
            "advance_form": AdvanceForm(rnd=rnd, initial={"per_district": True}),
            "conflicts": JudgeConflict.objects.filter(contest=contest).select_related("judge", "entry", "org"),
            "pairs": JudgePairRule.objects.filter(contest=contest).select_related("judge_a", "judge_b"),
            "entry_schools": Organization.objects.filter(
                pk__in=contest.entries.exclude(school=None).values("school")
            ).order_by("name"),
        },
    )


@require_POST
@role_required(*ORGANISER_ROLES)
def round_action(request, pk):
    """POST actions on a round; each calls one service and reports in Chinese."""
    rnd = get_object_or_404(Round.objects.select_related("contest"), pk=pk)
    _managed_contest(request, rnd.contest_id)
    action = request.POST.get("action")
    user = request.user
    try:
        if action == "panel":
            ids = [int(x) for x in request.POST.getlist("judges") if x.isdigit()]
            services.round_set_panel(actor=user, rnd=rnd, judge_ids=ids)
            messages.success(request, _("评委组已更新（%(n)s 人）。") % {"n": len(ids)})
        elif action == "open":
            services.round_open(actor=user, rnd=rnd)
            messages.success(request, _("本轮评审已开始，评分细则已冻结。"))
        elif action == "assign":
            plan = services.round_assign_auto(actor=user, rnd=rnd)
            messages.success(request, _("已为 %(n)s 份作品自动分配评委。") % {"n": len(plan)})
        elif action == "reassign":
            a = get_object_or_404(Assignment, pk=int(request.POST.get("assignment", "0") or 0), round=rnd)
            services.assignment_reassign(actor=user, assignment=a, judge_id=int(request.POST.get("judge") or 0))
            messages.success(request, _("已改派。"))
        elif action == "reopen":
            score = get_object_or_404(Score, pk=int(request.POST.get("score", "0") or 0), assignment__round=rnd)
            services.score_reopen(actor=user, score=score, reason=request.POST.get("reason", ""))
            messages.success(request, _("已重新开放该评分，原因已记录。"))
        elif action == "add":
            entry = get_object_or_404(
                Entry, contest=rnd.contest, code=request.POST.get("entry_code", "").strip().upper()
            )
            services.assignment_add(actor=user, rnd=rnd, entry=entry, judge_id=int(request.POST.get("judge") or 0))
            messages.success(request, _("已为 %(c)s 加派评委。") % {"c": entry.code})
        elif action == "conflict":
            org_id = request.POST.get("org") or None
            org = get_object_or_404(Organization, pk=int(org_id)) if org_id else None
            _conflict, codes = services.conflict_declare(
                actor=user,
                contest=rnd.contest,
                judge_id=int(request.POST.get("judge") or 0),
                entry_code=request.POST.get("entry_code", ""),
                org=org,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("回避关系已记录。"))
            if codes:
                messages.warning(
                    request, _("该评委已分配到需回避的作品：%(c)s，请在分配明细中改派。") % {"c": "、".join(codes)}
                )
        elif action == "pair":
            services.judge_pair_declare(
                actor=user,
                contest=rnd.contest,
                judge_a_id=int(request.POST.get("judge_a") or 0),
                judge_b_id=int(request.POST.get("judge_b") or 0),
            )
            messages.success(request, _("已设置这两名评委不共评同一作品（对之后的分配生效）。"))
        elif action == "close":
            services.round_close(actor=user, rnd=rnd)
            messages.success(request, _("本轮评审已结束。"))
        elif action == "advance":
            form = AdvanceForm(request.POST, rnd=rnd)
            if not form.is_valid():
                raise JudgingError("invalid", _("晋级设置有误，请检查。"))
            advanced = services.round_advance(
                actor=user,
                rnd=rnd,
                next_round=form.cleaned_data["next_round"],
                top_n=form.cleaned_data["top_n"],
                top_percent=form.cleaned_data["top_percent"],
                per_district=form.cleaned_data["per_district"],
            )
            messages.success(request, _("%(n)s 份作品晋级。") % {"n": len(advanced)})
        else:
            raise JudgingError("unknown_action", _("未知操作。"))
    except JudgingError as exc:
        messages.error(request, exc.message)
    except ValueError:
        messages.error(request, _("请求参数不正确。"))
    return redirect("judging:round_detail", pk=rnd.pk)


@role_required(*ORGANISER_ROLES)
def awards(request, pk):
    contest = _managed_contest(request, pk)
    form = AwardTiersForm(request.POST or None, contest=contest)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "publish":
                n = services.awards_publish(actor=request.user, contest=contest)
                messages.success(request, _("已公布 %(n)s 个奖项，名单已冻结。") % {"n": n})
            elif form.is_valid():
                made = services.awards_compute(
                    actor=request.user, contest=contest, rnd=form.cleaned_data["round"], tiers=form.tiers()
                )
                messages.success(request, _("已拟定 %(n)s 个奖项，请核对后公布。") % {"n": len(made)})
            else:
                raise JudgingError("invalid", _("奖项设置有误，请检查。"))
        except JudgingError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("judging:awards", pk=contest.pk)
    contest.refresh_from_db()
    return render(
        request,
        "judging/awards.html",
        {"contest": contest, "form": form, "awards": selectors.draft_awards(contest).order_by("rank", "entry__code")},
    )


@role_required(*ORGANISER_ROLES)
def export_xlsx(request, pk):
    contest = _managed_contest(request, pk)
    response = HttpResponse(
        contest_workbook(contest),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="judging-{contest.pk}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
