"""Organisers: readings and series of their region; city organisers: the warning-phrase list."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import OrgKind, Role
from accounts.permissions import request_scope, role_required
from core.errors import AppError

from .. import selectors, services
from ..forms import PhraseForm, ReadingForm, SeriesForm, topic_questions
from ..models import WarningPhrase


def _org_choices(scope):
    return scope.managed_orgs().exclude(kind=OrgKind.CLASS).order_by("path")


@role_required(Role.ORGANISER)
def manage_index(request):
    scope = request_scope(request)
    readings = selectors.readings_managed(scope).order_by("-month", "pk")[:200]
    series_form = SeriesForm()
    series_form.fields["owner_org"].queryset = _org_choices(scope)
    return render(
        request,
        "reading/manage.html",
        {
            "readings": readings,
            "series_list": selectors.series_managed(scope),
            "series_form": series_form,
            "is_city": _is_city(scope),
        },
    )


def _is_city(scope) -> bool:
    return scope.is_admin or any(m.role == Role.ORGANISER and m.org.kind == OrgKind.CITY for m in scope.memberships)


@role_required(Role.ORGANISER)
@require_POST
def series_new(request):
    scope = request_scope(request)
    form = SeriesForm(request.POST)
    form.fields["owner_org"].queryset = _org_choices(scope)
    if form.is_valid():
        services.series_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("系列已创建。"))
    else:
        messages.error(request, _("请填写系列名称并选择主办单位。"))
    return redirect("reading:manage")


@role_required(Role.ORGANISER)
def reading_edit(request, pk: int | None = None):
    scope = request_scope(request)
    reading = get_object_or_404(selectors.readings_managed(scope), pk=pk) if pk else None
    kwargs = {"orgs": _org_choices(scope), "series": selectors.series_managed(scope)}
    if request.method == "POST":
        form = ReadingForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            audio, image = data.pop("audio"), data.pop("image")
            try:
                reading = services.reading_save(
                    actor=request.user,
                    reading=reading,
                    audio=(audio.read(), audio.name) if audio else None,
                    image=(image.read(), image.name) if image else None,
                    **data,
                )
            except AppError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存。"))
                return redirect("reading:manage_edit", pk=reading.pk)
    else:
        initial = {"pass_percent": 60}
        if reading is not None:
            initial = {
                "title": reading.title,
                "owner_org": reading.owner_org,
                "series": reading.series,
                "month": reading.month,
                "opens_on": reading.opens_on,
                "grade_bands": reading.grade_bands,
                "body": reading.body,
                "reading_minutes": reading.reading_minutes,
                "topic": reading.topic,
                "pass_percent": reading.pass_percent,
                "question_ids": ",".join(
                    str(q.revision.question_id) for q in reading.questions.select_related("revision")
                ),
            }
        form = ReadingForm(initial=initial, **kwargs)
    candidates = topic_questions(reading.topic)[:100] if reading else []
    estimate = services.reading_minutes_estimate(reading.body) if reading else None
    return render(
        request,
        "reading/edit.html",
        {"form": form, "reading": reading, "candidates": candidates, "estimate": estimate},
    )


@role_required(Role.ORGANISER)
@require_POST
def reading_publish(request, pk: int):
    scope = request_scope(request)
    reading = get_object_or_404(selectors.readings_managed(scope), pk=pk)
    try:
        if request.POST.get("action") == "unpublish":
            services.reading_unpublish(actor=request.user, reading_id=reading.pk)
            messages.success(request, _("已撤回为草稿。"))
        else:
            services.reading_publish(actor=request.user, reading_id=reading.pk)
            messages.success(request, _("已发布。"))
    except AppError as exc:
        messages.error(request, exc.message)
    return redirect("reading:manage_edit", pk=reading.pk)


@role_required(Role.ORGANISER)
def phrases(request):
    scope = request_scope(request)
    if not _is_city(scope):
        return render(request, "errors/403.html", status=403)
    form = PhraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.phrase_save(actor=request.user, **form.cleaned_data)
        messages.success(request, _("预警词已保存。"))
        return redirect("reading:phrases")
    return render(request, "reading/phrases.html", {"form": form, "phrases": WarningPhrase.objects.all()})
