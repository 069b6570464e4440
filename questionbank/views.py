"""Teacher pages for the question bank. Views parse input, call one service or selector, and render;
permission rules live in services.questions (can_author / can_edit / can_review)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .errors import DuplicateQuestion, ImportFileError, QuestionActionDenied, SelfReviewRefused, TopicInvalid
from .forms import ImportForm, QuestionForm, ReviewForm, SearchForm, TopicForm
from .importers.writers import export_json, export_xlsx, template_xlsx
from .models import ImportJob, Question, QuestionStatus
from .permissions import can_manage_topics
from .secrecy import KeyViewer, hidden_keys, reservations, reserved_label
from .selectors import question_search, questions_visible_to, review_queue, topic_tree
from .services import (
    can_approve,
    can_author,
    can_edit,
    can_review,
    question_approve,
    question_create,
    question_retire,
    question_return,
    question_submit,
    question_submit_many,
    question_update,
    self_review_allowed,
    topic_create,
)
from .services.failed_rows import import_job_failed_rows_xlsx
from .services.jobs import import_job_confirm, import_job_create

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 20_000


def author_required(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_author(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _visible_question(request, pk: int) -> Question:
    return get_object_or_404(questions_visible_to(request.user), pk=pk)


@author_required
def question_list(request):
    form = SearchForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    qs = question_search(user=request.user, **filters)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    held = reservations(question_ids=[q.pk for q in page])
    for q in page:
        q.reserved_label = reserved_label(held[q.pk]) if q.pk in held else ""
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "questionbank/question_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "is_reviewer": can_review(request.user),
            "can_manage_topics": can_manage_topics(request.user),
            "pending_count": review_queue(request.user).count() if can_review(request.user) else 0,
            "has_drafts": any(q.status == QuestionStatus.DRAFT and q.author_id == request.user.pk for q in page),
        },
    )


@require_POST
@author_required
def question_submit_many_view(request):
    ids = [int(v) for v in request.POST.getlist("q") if v.isdigit()]
    visible = list(questions_visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    if not visible:
        messages.error(request, _("请先勾选要提交审核的草稿。"))
        return redirect("questionbank:list")
    submitted, skipped = question_submit_many(actor=request.user, question_ids=visible)
    messages.success(request, _("已提交审核 {n} 道题。").format(n=submitted))
    if skipped:
        messages.warning(request, _("{n} 道题不是您的草稿，未提交。").format(n=skipped))
    return redirect("questionbank:list")


def _form_page(request, form, question=None):
    return render(
        request,
        "questionbank/question_form.html",
        {"form": form, "question": question, "preview": form.content if form.is_bound and form.is_valid() else None},
    )


@author_required
def question_new(request):
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and "save" in request.POST:
        try:
            question = question_create(author=request.user, topic=form.cleaned_data["topic"], content=form.content)
        except DuplicateQuestion as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("题目已保存为草稿。确认无误后请提交审核。"))
            return redirect("questionbank:detail", pk=question.pk)
    return _form_page(request, form)


@author_required
def question_edit(request, pk: int):
    question = _visible_question(request, pk)
    if not can_edit(request.user, question):
        messages.error(request, _("您不能修改这道题：只能修改自己的草稿，已发布的题目须由审核人修改。"))
        return redirect("questionbank:detail", pk=pk)
    form = QuestionForm(request.POST or None, question=question)
    if request.method == "POST" and form.is_valid() and "save" in request.POST:
        was_published = question.status == QuestionStatus.PUBLISHED
        try:
            question = question_update(
                actor=request.user, question=question, topic=form.cleaned_data["topic"], content=form.content
            )
        except DuplicateQuestion as exc:
            form.add_error(None, str(exc))
        except QuestionActionDenied as exc:
            messages.error(request, str(exc))
            return redirect("questionbank:detail", pk=pk)
        else:
            if was_published:
                messages.success(
                    request,
                    _("已保存为第 %(n)s 版。已完成的答卷仍按学生当时看到的版本计分。")
                    % {"n": question.current_revision.number},
                )
            else:
                messages.success(request, _("已保存。"))
            return redirect("questionbank:detail", pk=question.pk)
    return _form_page(request, form, question)


@author_required
def question_detail(request, pk: int):
    question = _visible_question(request, pk)
    user = request.user
    held = reservations(question_ids=[question.pk]).get(question.pk)
    return render(
        request,
        "questionbank/question_detail.html",
        {
            "question": question,
            "revisions": question.revisions.order_by("-number"),
            "logs": question.review_logs.select_related("actor")[:50],
            "can_edit": can_edit(user, question),
            "can_submit": question.status == QuestionStatus.DRAFT
            and (question.author_id == user.pk or can_review(user)),
            "can_review": can_review(user) and question.status == QuestionStatus.PENDING,
            "may_approve": can_approve(user, question),
            "can_retire": can_review(user) and question.status == QuestionStatus.PUBLISHED,
            "review_form": ReviewForm(),
            "reserved_label": reserved_label(held) if held else "",
            "key_hidden": not KeyViewer(user).sees(held),
        },
    )


@require_POST
@author_required
def question_action(request, pk: int, action: str):
    question = _visible_question(request, pk)
    comment = request.POST.get("comment", "")[:2000]
    services = {
        "submit": (lambda: question_submit(actor=request.user, question=question), _("已提交审核。")),
        "approve": (
            lambda: question_approve(actor=request.user, question=question, comment=comment),
            _("已通过并发布。"),
        ),
        "return": (
            lambda: question_return(actor=request.user, question=question, comment=comment),
            _("已退回出题人。"),
        ),
        "retire": (
            lambda: question_retire(actor=request.user, question=question, comment=comment),
            _("已停用。此题不会再被抽到，已有成绩不受影响。"),
        ),
    }
    if action not in services:
        raise PermissionDenied
    call, success = services[action]
    try:
        call()
    except (QuestionActionDenied, SelfReviewRefused) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    if action in ("approve", "return") and request.POST.get("next") == "queue":
        return redirect("questionbank:review_queue")
    return redirect("questionbank:detail", pk=pk)


@author_required
def review_queue_view(request):
    if not can_review(request.user):
        raise PermissionDenied
    return render(request, "questionbank/review_queue.html", {"questions": review_queue(request.user)[:200]})


@author_required
def topic_list(request):
    may_add = can_manage_topics(request.user)
    form = TopicForm(request.POST or None) if may_add else None
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                topic = topic_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    parent=form.cleaned_data.get("parent"),
                    order=form.cleaned_data.get("order") or 0,
                )
            except (TopicInvalid, QuestionActionDenied) as exc:
                form.add_error("name", str(exc))
            else:
                messages.success(request, _("已添加专题“%(name)s”。") % {"name": topic.name})
                return redirect("questionbank:topics")
    return render(request, "questionbank/topic_list.html", {"tree": topic_tree(), "form": form})


# ---------------------------------------------------------------- import / export


@author_required
def import_upload(request):
    may_publish = can_review(request.user) and self_review_allowed(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, can_publish=may_publish)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                job = import_job_create(
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    fmt=form.cleaned_data.get("format") or None,
                    default_topic=form.cleaned_data.get("default_topic"),
                    publish=bool(form.cleaned_data.get("publish")),
                )
        except (ImportFileError, QuestionActionDenied) as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("questionbank:import_job", pk=job.pk)
    recent = ImportJob.objects.filter(created_by=request.user)[:10]
    return render(request, "questionbank/import_upload.html", {"form": form, "recent": recent})


def _own_job(request, pk) -> ImportJob:
    job = get_object_or_404(ImportJob, pk=pk)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied
    return job


@author_required
def import_job(request, pk):
    job = _own_job(request, pk)
    if request.method == "POST":
        only_valid = request.POST.get("mode") == "only_valid"
        try:
            with transaction.atomic():
                import_job_confirm(actor=request.user, job=job, only_valid=only_valid)
        except QuestionActionDenied as exc:
            messages.error(request, str(exc))
        return redirect("questionbank:import_job", pk=job.pk)
    return render(request, "questionbank/import_job.html", {"job": job})


@author_required
def import_job_failed_rows(request, pk):
    job = _own_job(request, pk)
    response = HttpResponse(import_job_failed_rows_xlsx(job=job), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=question-import-errors.xlsx"
    return response


@author_required
def import_job_status(request, pk):
    job = _own_job(request, pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "total": job.total,
            "processed": job.processed,
            "percent": job.percent,
            "finished": job.finished,
            "counts": job.counts,
            "message": job.message,
        }
    )


@author_required
def import_template(request):
    response = HttpResponse(template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''question-template.xlsx"
    return response


@author_required
def export(request, fmt: str):
    if fmt not in ("xlsx", "json"):
        raise Http404
    form = SearchForm(request.GET or None)
    qs = question_search(user=request.user, **(form.filters() if request.GET else {}))
    questions = list(qs.select_related("topic__parent__parent")[:EXPORT_LIMIT])
    # keys of questions a running formal contest reserves leave only with reviewers and its organisers
    withheld = hidden_keys(request.user)
    withheld = {q.pk: withheld[q.pk] for q in questions if q.pk in withheld}
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "json":
        body = export_json(questions, withheld=withheld)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(export_xlsx(questions, withheld=withheld), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=questions-{stamp}.{fmt}"
    return response
