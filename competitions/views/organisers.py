"""Organiser and teacher pages: define and publish contests (scoped to the organiser's region),
results by school/district with participation and excellence rates, item analysis, xlsx export."""

from io import BytesIO

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import request_scope, role_required
from core.confirm import confirmation_page, is_confirmed
from core.dbrouting import reads_from_replica
from core.spreadsheet import safe_cell

from .. import errors, reports, roll_call, services
from ..forms import ContestForm, PublishedContestForm, RuleFormSet
from ..models import Contest, ContestStatus
from ..selectors import contest_visible_to


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
    return render(
        request,
        "competitions/contest_form.html",
        {"form": form, "formset": formset, "contest": contest, **_builder_context(form, formset)},
    )


def _builder_context(form, formset) -> dict:
    """Available questions for each rule row and the chosen fixed questions, rendered on the server so the
    numbers are there without JavaScript too (the script refreshes them as rows are edited)."""
    from questionbank.models import Question

    from ..paper import available_counts

    bands = form["grade_bands"].value() or []
    for f in formset.forms:
        topic = f["topic"].value()
        f.available = None
        if topic and str(topic).isdigit():
            f.available = available_counts(
                topic_id=int(topic),
                qtype=f["qtype"].value() or "",
                difficulty=f["difficulty"].value() or "",
                grade_bands=list(bands),
            )
    raw = form["fixed_question_ids"].value() or ""
    ids = [int(x) for x in str(raw).replace("，", ",").split(",") if x.strip().isdigit()]
    chosen = {q.pk: q for q in Question.objects.filter(pk__in=ids).select_related("topic")}
    return {"chosen_questions": [chosen[i] for i in ids if i in chosen]}


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
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("确认发布竞赛？"),
            message=_("发布后「%(t)s」将对参赛范围内的学生可见；一旦有学生答题就不能撤回发布。") % {"t": contest.title},
            button=_("确认发布"),
            back_url=contest.get_absolute_url(),
        )
    try:
        services.contest_publish(actor=request.user, contest=contest)
        messages.success(request, "竞赛已发布。")
    except errors.CompetitionError as exc:
        messages.error(request, exc.message)
    return redirect(contest.get_absolute_url())


def viewable_contest(request, pk: int) -> Contest:
    """A contest whose results the caller may read: owner-region organisers, and teachers/organisers
    inside the owner region. Any other contest answers 404, so its title never shows."""
    contest = get_object_or_404(Contest.objects.select_related("owner_org"), pk=pk)
    if not contest_visible_to(user=request.user, contest=contest):
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
@reads_from_replica
def contest_analysis(request, pk: int):
    contest = managed_contest(request, pk)
    return render(
        request,
        "competitions/contest_analysis.html",
        {"contest": contest, "items": reports.item_analysis(contest=contest)},
    )


@role_required(Role.ORGANISER, Role.TEACHER)
@reads_from_replica
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
            ws.append(
                [
                    safe_cell(r.name),
                    r.participants,
                    r.enrolled,
                    r.participation_rate,
                    r.average_score,
                    r.excellence_rate,
                ]
            )
    ws = wb.create_sheet("试题分析")
    ws.append(["题目版本", "题型", "题干", "作答人数", "难度系数(通过率)", "区分度", "提示"])
    for item in reports.item_analysis(contest=contest) if is_manager else []:
        ws.append(
            [
                item.revision_id,
                item.qtype,
                safe_cell(item.stem[:200]),
                item.responses,
                item.facility,
                item.discrimination,
                safe_cell("、".join(item.flags)),
            ]
        )
    buffer = BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="contest-{contest.pk}-results.xlsx"'
    return response
