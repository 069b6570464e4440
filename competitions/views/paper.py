"""Building a paper: how many questions each rule can draw from (as it is edited), a question picker for
fixed papers, and the printable paper with answer key. Organisers only; JSON for the page's script."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from accounts.models import GradeBand, Role
from accounts.permissions import role_required
from questionbank.models import Question, QuestionStatus

from .. import errors
from ..paper import available_counts
from ..paper_print import paper_pdf
from .organisers import managed_contest


@role_required(Role.ORGANISER)
def paper_available(request):
    topic = request.GET.get("topic", "")
    if not topic.isdigit():
        return JsonResponse({"code": "topic_required", "message": _("请选择专题。")}, status=400)
    data = available_counts(
        topic_id=int(topic),
        qtype=request.GET.get("qtype", ""),
        difficulty=request.GET.get("difficulty", ""),
        grade_bands=request.GET.getlist("grade_bands"),
    )
    return JsonResponse(data)


@role_required(Role.ORGANISER)
def paper_questions(request):
    """Published questions matching a search, for the fixed-paper picker (at most 30)."""
    q = request.GET.get("q", "").strip()
    qs = Question.objects.filter(status=QuestionStatus.PUBLISHED, current_revision__isnull=False).select_related(
        "topic"
    )
    if q.isdigit():
        qs = qs.filter(pk=int(q))
    elif q:
        qs = qs.filter(stem__icontains=q)
    topic = request.GET.get("topic", "")
    if topic.isdigit():
        from questionbank.selectors import topic_descendant_ids

        qs = qs.filter(topic_id__in=topic_descendant_ids([int(topic)]))
    rows = [
        {"id": x.pk, "stem": x.stem[:80], "qtype": str(x.get_qtype_display()), "topic": x.topic.name}
        for x in qs.order_by("-id")[:30]
    ]
    return JsonResponse({"results": rows})


@role_required(Role.ORGANISER)
def paper_print(request, pk: int):
    contest = managed_contest(request, pk)
    band = request.GET.get("band") or (contest.grade_bands[0] if contest.grade_bands else None)
    if band and band not in GradeBand.values:
        band = None
    try:
        data = paper_pdf(contest=contest, grade_band=band)
    except errors.PaperUnsatisfiable as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="paper-{contest.pk}-{band or "all"}.pdf"'
    return response
