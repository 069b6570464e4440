"""Organisers (scoped to their region): contests, rubrics, rounds, assignment, awards, export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Organization, Role, User
from accounts.permissions import request_scope, role_required
from core.confirm import confirmation_page, is_confirmed
from core.paging import page_query, paginate

from .. import selectors, services
from ..export import contest_workbook
from ..forms import AdvanceForm, AwardTiersForm, ContestForm, CriterionFormSet, RoundForm
from ..models import (
    TIER_ORDER,
    Assignment,
    AwardTier,
    Entry,
    JudgeConflict,
    JudgePairRule,
    JudgingLog,
    Round,
    RoundStatus,
    Score,
)
from ..services import JudgingError
from ..statistics import entry_statistics, statistics_tables
from .common import ORGANISER_ROLES, _managed_contest


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
    entries = contest.entries.select_related("author", "unit", "school", "district").prefetch_related(
        "team_members", "versions"
    )
    return render(
        request,
        "judging/dashboard.html",
        {
            "contest": contest,
            "entries": entries,
            "round_data": round_data,
            "round_form": RoundForm(candidates=_judge_candidates(contest)),
            "logs": JudgingLog.objects.filter(contest=contest).select_related("actor")[:20],
            **_statistics_context(contest),
        },
    )


def _statistics_context(contest) -> dict:
    stats = entry_statistics(contest)
    return {
        "stats": stats,
        "stats_tables": statistics_tables(stats),
        "tier_labels": [AwardTier(t).label for t in TIER_ORDER],
    }


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
    form = RoundForm(request.POST, candidates=_judge_candidates(contest))
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["judge_ids"] = [j.pk for j in data.pop("judges", None) or []]
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


ROUND_PAGE = 50  # rows of the results and the assignment tables per page


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
            "assignments": paginate(request, assignments, per_page=ROUND_PAGE, param="apage"),
            "progress": selectors.judge_progress(rnd),
            "results": paginate(request, selectors.round_results(rnd), per_page=ROUND_PAGE),
            "keep_results": page_query(request),
            "keep_assignments": page_query(request, param="apage"),
            "consistency": selectors.judge_consistency(rnd),
            "flagged": selectors.flagged_entries(rnd),
            "advance_form": AdvanceForm(rnd=rnd, initial={"per_district": True}),
            "edit_form": RoundForm(instance=rnd, prefix="edit") if rnd.status == RoundStatus.SETUP else None,
            "problems": services.round_problems(rnd),
            "scores_exist": Score.objects.filter(assignment__round=rnd).exists(),
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
            for problem in services.round_problems(rnd)[:1]:
                messages.warning(request, _("注意：") + problem)
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
        elif action == "edit":
            form = RoundForm(request.POST, instance=Round.objects.get(pk=rnd.pk), prefix="edit")
            if not form.is_valid():
                raise JudgingError(
                    "invalid", _("轮次设置有误：") + "；".join(str(e) for errs in form.errors.values() for e in errs)
                )
            services.round_update(actor=user, rnd=rnd, **form.cleaned_data)
            messages.success(request, _("本轮设置已保存。"))
        elif action == "delete":
            if not is_confirmed(request):
                return confirmation_page(
                    request,
                    title=_("确认删除本轮？"),
                    message=_("将删除轮次「%(n)s」及其评委组设置。") % {"n": rnd.name},
                    button=_("确认删除"),
                    back_url=request.META.get("HTTP_REFERER") or request.path,
                )
            contest_pk = rnd.contest_id
            services.round_delete(actor=user, rnd=rnd)
            messages.success(request, _("已删除该轮次。"))
            return redirect("judging:dashboard", pk=contest_pk)
        elif action == "reset":
            services.round_reset(actor=user, rnd=rnd)
            messages.success(request, _("已退回准备阶段：可修改设置和评委组后重新开始评审。"))
        elif action == "reopen_round":
            services.round_reopen(actor=user, rnd=rnd)
            messages.success(request, _("本轮已重新开放评审，晋级名单已清空。"))
        elif action == "conflict_remove":
            conflict = get_object_or_404(JudgeConflict, pk=int(request.POST.get("conflict") or 0), contest=rnd.contest)
            services.conflict_remove(actor=user, conflict=conflict)
            messages.success(request, _("已删除该回避关系。"))
        elif action == "pair_remove":
            pair = get_object_or_404(JudgePairRule, pk=int(request.POST.get("pair") or 0), contest=rnd.contest)
            services.judge_pair_remove(actor=user, pair=pair)
            messages.success(request, _("已删除该不共评设置。"))
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
    last = JudgingLog.objects.filter(contest=contest, action="awards_compute").order_by("-created_at", "-id").first()
    initial = AwardTiersForm.initial_from(last.detail) if last else {}
    form = AwardTiersForm(request.POST or None, contest=contest, initial=initial)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "publish":
                if not is_confirmed(request):
                    return confirmation_page(
                        request,
                        title=_("确认公布奖项？"),
                        message=_("公布后奖项名单即冻结，不能再修改，获奖学生和证书将据此生成。"),
                        button=_("确认公布"),
                        back_url=request.path,
                    )
                n = services.awards_publish(actor=request.user, contest=contest)
                messages.success(request, _("已公布 %(n)s 个奖项，名单已冻结。") % {"n": n})
            elif form.is_valid():
                made = services.awards_compute(
                    actor=request.user, contest=contest, rnd=form.cleaned_data["round"], tiers=form.tiers()
                )
                messages.success(request, _("已拟定 %(n)s 个奖项，请核对后公布。") % {"n": len(made)})
            else:
                raise JudgingError("invalid", _("奖项设置有误：") + _form_errors(form))
        except JudgingError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("judging:awards", pk=contest.pk)
    contest.refresh_from_db()
    rounds = list(contest.rounds.all())
    return render(
        request,
        "judging/awards.html",
        {
            "contest": contest,
            "form": form,
            "awards": selectors.draft_awards(contest).order_by("rank", "entry__code"),
            "closed_rounds": [r for r in rounds if r.status == RoundStatus.CLOSED],
            "open_rounds": [r for r in rounds if r.status != RoundStatus.CLOSED],
        },
    )


def _form_errors(form) -> str:
    out = []
    for name, errs in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        out += [f"{label}：{e}" if label else str(e) for e in errs]
    return "；".join(out)


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
