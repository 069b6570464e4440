"""An objection case during 公示: the organiser names an investigator, the investigator records findings,
the organiser records the outcome (with attachments). Every step lands in the candidate's history.
Also the download of a transition's attachment, for those who may see the candidate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import request_scope

from ..errors import HonoursError
from ..models import Objection, ObjectionOutcome, TransitionFile
from ..selectors import can_see_candidate
from ..services.attachments import CONTENT_TYPES, EXTENSION, clean_attachments
from ..services.notice import (
    can_handle,
    investigator_choices,
    objection_assign,
    objection_decide,
    objection_findings_save,
)


def _decide(request, scope, objection) -> None:
    upheld = request.POST.get("outcome") == "upheld"
    if upheld and not (request.POST.get("confirm_withdraw") or request.POST.get("confirmed") == "1"):
        raise HonoursError(_("异议成立将撤销该候选人，请勾选确认后再提交。"))
    objection_decide(
        actor=request.user,
        scope=scope,
        objection=objection,
        upheld=upheld,
        findings=request.POST.get("findings", ""),
        reason=request.POST.get("reason", ""),
        now=timezone.now(),
        files=clean_attachments(request.FILES.getlist("attachments")),
    )


@login_required
def objection_case(request, campaign_id: int, objection_id: int):
    objection = get_object_or_404(
        Objection.objects.select_related(
            "candidate__school", "notice__level", "notice__unit", "notice__campaign", "investigator"
        ),
        pk=objection_id,
        notice__campaign_id=campaign_id,
    )
    scope = request_scope(request)
    handler = can_handle(scope, objection)
    investigator = objection.investigator_id == request.user.pk
    if not (handler or investigator):
        raise PermissionDenied
    if request.method == "POST":
        action = request.POST.get("action") or ("decide" if request.POST.get("outcome") else "")
        try:
            if action == "assign" and handler:
                chosen = investigator_choices(objection).filter(pk=request.POST.get("investigator") or 0).first()
                if chosen is None:
                    raise HonoursError(_("请选择调查人。"))
                objection_assign(
                    actor=request.user, scope=scope, objection=objection, investigator=chosen, now=timezone.now()
                )
            elif action == "findings":
                objection_findings_save(
                    actor=request.user, scope=scope, objection=objection, findings=request.POST.get("findings", "")
                )
            elif action == "decide" and handler:
                _decide(request, scope, objection)
            else:
                raise PermissionDenied
        except HonoursError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存。"))
        return redirect("honours:objection", campaign_id=campaign_id, objection_id=objection.pk)
    return render(
        request,
        "honours/objection_case.html",
        {
            "campaign": objection.notice.campaign,
            "o": objection,
            "handler": handler,
            "open": objection.outcome == ObjectionOutcome.OPEN,
            "choices": investigator_choices(objection) if handler else [],
            "history": objection.candidate.transitions.select_related(
                "actor", "from_level", "to_level"
            ).prefetch_related("files"),
        },
    )


@login_required
def transition_file(request, campaign_id: int, file_id: int):
    f = get_object_or_404(
        TransitionFile.objects.select_related("transition__candidate__school", "transition__candidate__klass"),
        pk=file_id,
        transition__candidate__campaign_id=campaign_id,
    )
    if not can_see_candidate(request_scope(request), request.user, f.transition.candidate):
        raise PermissionDenied
    name = f"{_('附件')}-{f.pk}.{EXTENSION[f.kind]}"
    response = FileResponse(f.file.open("rb"), content_type=CONTENT_TYPES[f.kind], as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
