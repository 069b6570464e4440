"""Student pages: the reading list, reading with progress saves, the quiz, the reflection, the series
view and the printable monthly record."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import request_scope
from accounts.tokens import page_token
from questionbank.models import QuestionType

from .. import conf, selectors, services
from ..errors import NotAStudent
from ..models import Reflection, Series


@login_required
def reading_index(request):
    scope = request_scope(request)
    klass = scope.student_class
    if klass is None:
        return render(request, "reading/hub.html", {"can_cases": selectors.can_see_cases(scope)})
    now = timezone.now()
    readings = selectors.readings_for_class(klass, now)
    progress = selectors.progress_by_reading(request.user, readings)
    rows = [
        {"reading": r, "progress": progress.get(r.pk), "state": selectors.reading_state(progress.get(r.pk))}
        for r in readings
    ]
    reminders = list(selectors.unseen_reminders(request.user))
    if reminders:
        services.reminders_mark_seen(user=request.user, now=now)
    series = {r.series for r in readings if r.series_id}
    context = {
        "rows": rows,
        "reminders": reminders,
        "streak": selectors.streak_months(request.user, now),
        "series_list": sorted(series, key=lambda s: s.pk),
        "labels": selectors.STATE_LABELS,
        "this_month": selectors.local_date(now).strftime("%Y-%m"),
    }
    return render(request, "reading/index.html", context)


def _question_rows(reading):
    rows = []
    for link in selectors.quiz_questions(reading):
        rev = link.revision
        rows.append({"revision": rev, "blanks": range(rev.blank_count), "multiple": rev.qtype == QuestionType.MULTIPLE})
    return rows


@login_required
def reading_detail(request, pk: int):
    now = timezone.now()
    scope = request_scope(request)
    if scope.student_class is None:
        return _preview(request, pk)
    reading, klass = selectors.reading_for_student(user=request.user, reading_id=pk, now=now)
    progress = selectors.progress_by_reading(request.user, [reading]).get(reading.pk)
    context = {
        "reading": reading,
        "progress": progress,
        "state": selectors.reading_state(progress),
        "questions": _question_rows(reading) if progress and progress.read_at else [],
        "reflection": Reflection.objects.filter(reading=reading, user=request.user).first(),
        "featured": selectors.featured_reflections(reading, klass),
        "max_chars": conf.get("READING_REFLECTION_MAX_CHARS"),
        "save_interval": conf.get("READING_SAVE_INTERVAL_S"),
        "save_cap": conf.get("READING_SAVE_CAP_S"),
        "idle_s": conf.get("READING_IDLE_S"),
        "progress_url": f"/api/v1/readings/{reading.pk}/progress",
        "api_token": page_token(request),
        # back to where the reader stopped (the button scrolls there); not at the very top or end
        "resume_percent": round(progress.position * 100) if progress and 0.05 <= progress.position < 0.95 else None,
    }
    return render(request, "reading/detail.html", context)


def _preview(request, pk: int):
    """Organisers and teachers see the text and the quiz questions (no keys) of readings in their scope."""
    from ..models import Reading

    scope = request_scope(request)
    reading = get_object_or_404(Reading.objects.select_related("owner_org"), pk=pk)
    in_scope = scope.manages(reading.owner_org) or any(p.startswith(reading.owner_org.path) for p in scope.taught_paths)
    if not in_scope:
        raise NotAStudent()
    return render(request, "reading/preview.html", {"reading": reading, "questions": _question_rows(reading)})


def answers_from_post(post, reading) -> dict:
    """Form fields q<revision id> (choice, true/false) and q<id>_<blank> (fill-in) → the API's answers."""
    out = {}
    for link in selectors.quiz_questions(reading):
        rev, key = link.revision, f"q{link.revision_id}"
        if rev.qtype == QuestionType.MULTIPLE:
            value = post.getlist(key)
            if value:
                out[str(rev.pk)] = value
        elif rev.qtype == QuestionType.SINGLE:
            if post.get(key):
                out[str(rev.pk)] = [post[key]]
        elif rev.qtype == QuestionType.TRUE_FALSE:
            if post.get(key) in ("true", "false"):
                out[str(rev.pk)] = post[key] == "true"
        elif rev.qtype == QuestionType.FILL_BLANK:
            blanks = [post.get(f"{key}_{i}", "") for i in range(rev.blank_count)]
            if any(b.strip() for b in blanks):
                out[str(rev.pk)] = blanks
    return out


@login_required
@require_POST
def quiz_submit(request, pk: int):
    now = timezone.now()
    reading, _klass = selectors.reading_for_student(user=request.user, reading_id=pk, now=now)
    attempt, review = services.quiz_submit(
        user=request.user, reading_id=pk, answers=answers_from_post(request.POST, reading), now=now
    )
    progress = selectors.progress_by_reading(request.user, [reading])[reading.pk]
    return render(
        request,
        "reading/quiz_result.html",
        {"reading": reading, "attempt": attempt, "review": review, "progress": progress},
    )


@login_required
@require_POST
def reflection_submit(request, pk: int):
    reflection, concerning = services.reflection_save(
        user=request.user,
        reading_id=pk,
        text=request.POST.get("text", ""),
        share_consent=request.POST.get("share_consent") == "on",
    )
    if concerning:
        return render(
            request,
            "reading/reflection_care.html",
            {"reading": reflection.reading, "help_line": conf.get("READING_HELP_LINE")},
        )
    messages.success(request, _("心得已保存。"))
    return redirect(reverse("reading:detail", args=[pk]) + "#reflection")


@login_required
def series_detail(request, pk: int):
    series = get_object_or_404(Series, pk=pk)
    scope = request_scope(request)
    if scope.student_class is None:
        raise NotAStudent()
    now = timezone.now()
    rows = selectors.series_progress(series, request.user, scope.student_class, now)
    done = sum(1 for r in rows if r["state"] == "completed")
    return render(
        request,
        "reading/series.html",
        {"series": series, "rows": rows, "done": done, "labels": selectors.STATE_LABELS},
    )


def _month(raw: str, today: date) -> date:
    try:
        year, month = (int(x) for x in raw.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)


@login_required
def month_record(request):
    scope = request_scope(request)
    if scope.student_class is None:
        raise NotAStudent()
    now = timezone.now()
    month = _month(request.GET.get("month", ""), selectors.local_date(now))
    record = selectors.month_record(request.user, scope.student_class, month, now)
    this_month = selectors.local_date(now).replace(day=1)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return render(
        request,
        "reading/record.html",
        {
            "record": record,
            "student": request.user,
            "klass": scope.student_class,
            "labels": selectors.STATE_LABELS,
            "previous_month": date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1),
            "next_month": following if following <= this_month else None,
        },
    )
