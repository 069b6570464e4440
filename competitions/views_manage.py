"""Organiser and teacher pages: define and publish contests (scoped to the organiser's region),
results by school/district with participation and excellence rates, item analysis, xlsx export."""

from io import BytesIO

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import request_scope, role_required

from . import errors, reports, roll_call, services
from .forms import ContestForm, PublishedContestForm, RuleFormSet
from .models import Contest, ContestStatus


def managed_contest(request, pk: int) -> Contest:
    contest = get_object_or_404(Contest.objects.select_related("owner_org"), pk=pk)
    if not request_scope(request).manages(contest.owner_org):
        raise Http404
    return contest


def contest_save(request, contest: Contest | None):
    scope = request_scope(request)
    managed = scope.managed_orgs() if not scope.is_admin else scope.visible_orgs()
    form = ContestForm(request.POST or None, instance=contest, managed_orgs=managed)
    formset = RuleFormSet(request.POST or None, instance=contest or Contest(), prefix="rules")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = services.contest_save(actor=request.user, form=form, rule_formset=formset)
        except errors.CompetitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect(saved.get_absolute_url())
    return render(request, "competitions/contest_form.html", {"form": form, "formset": formset, "contest": contest})


@role_required(Role.ORGANISER)
def contest_create(request):
    return contest_save(request, None)


@role_required(Role.ORGANISER)
def contest_edit(request, pk: int):
    contest = managed_contest(request, pk)
    if contest.status != ContestStatus.DRAFT:
        return published_contest_edit(request, contest)
    return contest_save(request, contest)


def published_contest_edit(request, contest: Contest):
    form = PublishedContestForm(request.POST or None, instance=contest)
    if request.method == "POST" and form.is_valid():
        services.contest_update_published(actor=request.user, form=form)
        messages.success(request, "已保存。")
        return redirect(contest.get_absolute_url())
    return render(request, "competitions/contest_form.html", {"form": form, "formset": None, "contest": contest})


@role_required(Role.ORGANISER)
@require_POST
def contest_publish(request, pk: int):
    contest = managed_contest(request, pk)
    try:
        services.contest_publish(actor=request.user, contest=contest)
        messages.success(request, "竞赛已发布。")
    except errors.CompetitionError as exc:
        messages.error(request, exc.message)
    return redirect(contest.get_absolute_url())


def viewable_contest(request, pk: int) -> Contest:
    contest = get_object_or_404(Contest.objects.select_related("owner_org"), pk=pk)
    scope = request_scope(request)
    if not (scope.manages(contest.owner_org) or scope.taught_paths or scope.managed_paths):
        raise Http404
    return contest


@role_required(Role.ORGANISER, Role.TEACHER)
def contest_results(request, pk: int):
    contest = viewable_contest(request, pk)
    scope = request_scope(request)
    levels = ["district", "school", "class"] if (scope.managed_paths or scope.is_admin) else ["class"]
    level = request.GET.get("level", levels[min(1, len(levels) - 1)])
    if level not in levels:
        level = levels[0]
    rows, total = reports.results_by_org(contest=contest, user=request.user, level=level)
    return render(
        request,
        "competitions/contest_results.html",
        {"contest": contest, "rows": rows, "total": total, "level": level, "levels": levels},
    )


@role_required(Role.ORGANISER, Role.TEACHER)
def contest_class_roll_call(request, pk: int, class_id: int):
    contest = viewable_contest(request, pk)
    call = roll_call.class_roll_call(contest=contest, user=request.user, class_id=class_id)
    reminder = roll_call.reminder_text(contest=contest, call=call, login_url=request.build_absolute_uri("/"))
    return render(
        request, "competitions/class_roll_call.html", {"contest": contest, "call": call, "reminder": reminder}
    )


@role_required(Role.ORGANISER)
def contest_analysis(request, pk: int):
    contest = managed_contest(request, pk)
    return render(
        request,
        "competitions/contest_analysis.html",
        {"contest": contest, "items": reports.item_analysis(contest=contest)},
    )


@role_required(Role.ORGANISER, Role.TEACHER)
def contest_export(request, pk: int):
    """Results of the classes in the caller's scope; organisers of the owner region also get the
    item analysis sheet."""
    from openpyxl import Workbook

    contest = viewable_contest(request, pk)
    scope = request_scope(request)
    is_manager = scope.manages(contest.owner_org)
    wb = Workbook()
    wb.remove(wb.active)
    headers = ["单位", "参赛人数", "应参赛人数", "参与率", "平均分", "优秀率"]
    levels = (("district", "按区县"), ("school", "按学校"), ("class", "按班级"))
    if not (scope.managed_paths or scope.is_admin):
        levels = (("class", "按班级"),)
    for level, title in levels:
        rows, total = reports.results_by_org(contest=contest, user=request.user, level=level)
        ws = wb.create_sheet(title)
        ws.append(headers)
        for r in [*rows, total]:
            ws.append([r.name, r.participants, r.enrolled, r.participation_rate, r.average_score, r.excellence_rate])
    ws = wb.create_sheet("试题分析")
    ws.append(["题目版本", "题型", "题干", "作答人数", "难度系数(通过率)", "区分度", "提示"])
    for item in reports.item_analysis(contest=contest) if is_manager else []:
        ws.append(
            [
                item.revision_id,
                item.qtype,
                item.stem[:200],
                item.responses,
                item.facility,
                item.discrimination,
                "、".join(item.flags),
            ]
        )
    buffer = BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="contest-{contest.pk}-results.xlsx"'
    return response
