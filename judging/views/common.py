"""Shared by the judging pages: the organiser check, safe file responses with byte ranges, the index."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.models import Role
from accounts.permissions import request_scope, role_required
from core.paging import page_query, paginate, search

from .. import entrants, selectors
from ..entrants import ENTRANT_ROLES
from ..files import CONTENT_TYPES, INLINE_TYPES
from ..models import (
    SubmissionContest,
)

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


@role_required(*ENTRANT_ROLES, Role.JUDGE)
def index(request):
    scope = request_scope(request)
    ctx = {}
    if scope.roles.intersection(ENTRANT_ROLES):
        contests = entrants.contests_for_entrant(request.user)
        ctx["student_contests"] = [(c, entrants.entry_for(request.user, c)) for c in contests]
        ctx["invited_contest_ids"] = {i.entry.contest_id for i in selectors.pending_invitations(student=request.user)}
    if scope.has_role(Role.JUDGE):
        ctx["queue"] = selectors.judge_queue_summary(request.user)
    if scope.has_role(Role.ORGANISER) or scope.is_admin:
        q = request.GET.get("q", "").strip()
        ctx["managed"] = paginate(request, search(selectors.managed_contests(request.user), q, "title"))
        ctx["q"], ctx["keep"] = q, page_query(request)
    return render(request, "judging/index.html", ctx)
