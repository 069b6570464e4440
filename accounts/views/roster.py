"""Roster import pages: upload → preview (row-level errors) → confirm → credentials download.
The work happens in accounts/roster.py; these views only translate between HTTP and the service."""

from functools import wraps

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import credentials, roster
from ..forms import RosterUploadForm
from ..models import Role
from ..permissions import request_scope, role_required

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_TABLE_LIMIT = 500


def roster_access(view):
    """Organisers, teachers and site admins who have already replaced their initial password (the
    site-wide middleware lets every /accounts/ page through, so the roster pages check it themselves)."""

    @role_required(Role.ORGANISER, Role.TEACHER)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.must_change_password:
            return redirect("accounts:password_change")
        return view(request, *args, **kwargs)

    return wrapper


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _expired(request):
    return render(request, "accounts/roster_expired.html", status=404)


def _render_preview(request, preview, *, status=200):
    context = {
        "preview": preview,
        "table_rows": preview.rows[:PREVIEW_TABLE_LIMIT],
        "table_truncated": len(preview.rows) > PREVIEW_TABLE_LIMIT,
        "table_limit": PREVIEW_TABLE_LIMIT,
    }
    return render(request, "accounts/roster_preview.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@roster_access
def roster_import(request):
    schools = request_scope(request).importable_schools().order_by("path")
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES, schools=schools)
    else:
        form = RosterUploadForm(schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            preview = roster.roster_parse(
                user=request.user, upload=form.cleaned_data["file"], school=form.cleaned_data["school"]
            )
        except roster.RosterFileError as exc:
            form.add_error("file", exc.message)
        else:
            token = roster.roster_preview_store(user=request.user, preview=preview)
            return redirect("accounts:roster_import_confirm", token=token)
    status = 400 if form.errors else 200
    context = {
        "form": form,
        "has_schools": schools.exists(),
        "batches": credentials.import_batches_of(request.user),
    }
    return render(request, "accounts/roster_upload.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@roster_access
def roster_import_confirm(request, token: str):
    if request.method == "POST":
        try:
            result = roster.roster_import(user=request.user, token=token)
        except roster.RosterExpired:
            return _expired(request)
        except roster.RosterBlocked as exc:
            if exc.preview.error_rows:
                messages.error(request, _("名单中有错误，未导入任何学生。请修改文件后重新上传。"))
            else:
                messages.info(request, _("名单中没有需要新建的学生，未导入。"))
            return _render_preview(request, exc.preview, status=409)
        messages.success(request, _("已导入 {n} 名学生。").format(n=len(result.created)))
        if result.family_updated:
            messages.success(request, _("已为 {n} 名已有学生写入家庭标识。").format(n=result.family_updated))
        return redirect("accounts:roster_import_confirm", token=token)
    try:
        preview = roster.roster_preview_load(user=request.user, token=token)
    except roster.RosterExpired:
        try:
            outcome = roster.roster_result_load(user=request.user, token=token)
        except roster.RosterExpired:
            return _expired(request)
        context = {
            "token": token,
            "created": len(outcome["credentials"]) if "credentials" in outcome else outcome["created"],
            "skipped": outcome["skipped"],
            "classes_created": outcome["classes_created"],
            "family_updated": outcome.get("family_updated", 0),
        }
        return render(request, "accounts/roster_done.html", context)
    return _render_preview(request, preview)


@never_cache
@roster_access
def roster_credentials(request, token: str):
    try:
        data = roster.roster_credentials_xlsx(user=request.user, token=token)
    except roster.RosterExpired:
        return _expired(request)
    response = _xlsx_response(data, "student-accounts.xlsx")
    response["Cache-Control"] = "no-store"
    return response


@roster_access
def roster_template(request):
    return _xlsx_response(roster.roster_template_xlsx(), "roster-template.xlsx")


@never_cache
@roster_access
def roster_error_rows(request, token: str):
    try:
        preview = roster.roster_preview_load(user=request.user, token=token)
    except roster.RosterExpired:
        return _expired(request)
    response = _xlsx_response(roster.roster_error_rows_xlsx(preview=preview), "roster-errors.xlsx")
    response["Cache-Control"] = "no-store"
    return response
