"""Entrants (students, teachers, 五老 volunteers, a unit's staff): write, autosave and view their entry."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization
from accounts.permissions import role_required
from core.textsafe import InvalidJson, loads_json

from .. import entrants, selectors, services
from ..entrants import ENTRANT_ROLES
from ..files import EXTENSIONS
from ..models import (
    KIND_FILE_TYPES,
    EntrantKind,
    Entry,
    FileStatus,
    SubmissionContest,
)
from ..services import JudgingError
from .common import _file_response


def _chosen_unit(request, contest) -> tuple[list[Organization], Organization | None]:
    """The units the user may enter for, and the one picked (`unit` in the form or query; the only one)."""
    if not contest.for_units:
        return [], None
    units = entrants.staffed_units(request.user, contest)
    raw = request.POST.get("unit") or request.GET.get("unit") or ""
    chosen = next((u for u in units if str(u.pk) == raw), None)
    if chosen is None and len(units) == 1:
        chosen = units[0]
    return units, chosen


@role_required(*ENTRANT_ROLES)
def entry_edit(request, pk):
    contest = get_object_or_404(SubmissionContest, pk=pk)
    if not entrants.is_eligible(request.user, contest):
        raise PermissionDenied
    units, unit = _chosen_unit(request, contest)
    entry = entrants.entry_for(request.user, contest, unit) if (unit or not contest.for_units) else None
    status = 200
    if request.method == "POST":
        try:
            entry, _version = services.entry_save(
                contest=contest,
                entrant=request.user,
                unit=unit,
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
                upload=request.FILES.get("file"),
                team_usernames=request.POST.get("team", "").replace("，", ",").split(","),
                pledge_accepted=request.POST.get("pledge") == "on",
                consent_public=request.POST.get("consent") == "on",
            )
        except JudgingError as exc:
            messages.error(request, exc.message)
            status = exc.status  # the form is shown again, with the error's 4xx
        else:
            if _version.file_status == FileStatus.FAILED:
                messages.error(request, _("文件未通过检查：%(reason)s") % {"reason": _version.file_error})
            elif _version.file_status == FileStatus.PROCESSING:
                messages.info(
                    request,
                    _("已提交（作品编号 %(code)s），文件正在处理，处理完成后评委才能看到。请稍后刷新本页查看结果。")
                    % {"code": entry.code},
                )
            else:
                messages.success(request, _("已提交（作品编号 %(code)s）。截止前可继续修改。") % {"code": entry.code})
            url = redirect("judging:entry_edit", pk=contest.pk).url
            return redirect(f"{url}?unit={entry.unit_id}" if entry.unit_id else url)
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
        "team": request.POST.get("team") if request.method == "POST" else ",".join(_team_usernames(entry)),
    }
    return render(
        request,
        "judging/entry_edit.html",
        {
            "contest": contest,
            "entry": entry,
            "versions": entry.versions.select_related("saved_by").order_by("-number") if entry else [],
            "values": form_values,
            "locked": contest.deadline_passed(),
            "not_open": timezone.now() < contest.opens_at,
            "is_author": entry is None or entrants.may_edit(request.user, entry),
            "units": units,
            "unit": unit,
            "needs_unit": contest.for_units and unit is None,
            # an adult consents for themself; a student's consent is also their guardian's
            "as_adult": not contest.for_units
            and entrants.person_kind(request.user, contest) not in (None, EntrantKind.STUDENT),
            "submitted": entry.saved_version() if entry else None,
            "unsubmitted_draft": bool(
                entry
                and latest
                and latest.is_autosave
                and (not entry.saved_version() or latest.number > entry.saved_version().number)
            ),
            "award": selectors.entry_published_award(entry),
            "invitations": selectors.pending_invitations(student=request.user, contest=contest),
            "team_invitations": entry.invitations.select_related("invitee") if entry else [],
            "accept": ",".join(f".{t}" for t in sorted(_accept_types(contest))),
        },
        status=status,
    )


def _team_usernames(entry) -> list[str]:
    """Members and invitees still pending, as the author typed them into the team field."""
    if entry is None:
        return []
    members = [u.username for u in entry.team_members.all()]
    pending = entry.invitations.filter(status="pending").values_list("invitee__username", flat=True)
    return members + [u for u in pending if u not in members]


_TEAM_ACTIONS = {
    "accept": (services.team_invitation_accept, _("已加入团队作品。")),
    "decline": (services.team_invitation_decline, _("已拒绝团队邀请。")),
    "leave": (services.team_leave, _("已退出团队作品。")),
}


@require_POST
@role_required(*ENTRANT_ROLES)
def team_action(request, pk, action):
    """Accept or decline an invitation to a team entry, or leave the team (before the deadline)."""
    contest = get_object_or_404(SubmissionContest, pk=pk)
    if action not in _TEAM_ACTIONS:
        raise PermissionDenied
    service, done = _TEAM_ACTIONS[action]
    try:
        service(student=request.user, contest=contest)
    except JudgingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("judging:entry_edit", pk=contest.pk)


def _accept_types(contest):
    return {ext for t in KIND_FILE_TYPES.get(contest.kind, ()) for ext in EXTENSIONS[t]}


@require_POST
@role_required(*ENTRANT_ROLES)
def entry_autosave(request, pk):
    contest = get_object_or_404(SubmissionContest, pk=pk)
    _units, unit = _chosen_unit(request, contest)
    try:
        # free text: NUL and half-emoji are cleaned by the service, not refused (core.textsafe)
        payload = loads_json(request.body or b"{}", allow_unstorable=True)
        if not isinstance(payload, dict):
            raise InvalidJson
    except InvalidJson:
        return JsonResponse({"code": "invalid_request", "message": _("请求格式不正确。")}, status=400)
    except RequestDataTooBig:
        return JsonResponse({"code": "payload_too_large", "message": _("请求体过大。")}, status=413)
    try:
        entry, version = services.entry_save(
            contest=contest,
            entrant=request.user,
            unit=unit,
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


@role_required(*ENTRANT_ROLES)
def entry_file_status(request, pk):
    """The state of the entrant's latest upload, polled by the entry page while it is processing."""
    contest = get_object_or_404(SubmissionContest, pk=pk)
    _units, unit = _chosen_unit(request, contest)
    entry = entrants.entry_for(request.user, contest, unit)
    version = entry.latest_saved_version() if entry else None
    if version is None:
        return JsonResponse({"code": "not_found", "message": _("还没有提交作品。")}, status=404)
    return JsonResponse(
        {"code": "ok", "status": version.file_status, "label": version.get_file_status_display(),
         "message": version.file_error},
    )  # fmt: skip


@role_required(*ENTRANT_ROLES)
def entry_file(request, pk):
    """The author (or team member, or a staff member of the entering unit) and the contest's organisers
    download the stored file."""
    entry = get_object_or_404(Entry.objects.select_related("contest__owner_org"), pk=pk)
    if not (entrants.may_read(request.user, entry) or selectors.can_manage_contest(request.user, entry.contest)):
        raise PermissionDenied
    return _file_response(
        entry.saved_version(), download_name=entry.code, range_header=request.headers.get("Range", "")
    )
