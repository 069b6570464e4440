"""五老 volunteers' import page (organisers): upload → all rows written or none → credentials sheet."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import volunteers
from ..models import Membership, Role
from ..permissions import role_required
from .roster import _xlsx_response

MAX_UPLOAD = 5 * 1024 * 1024


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.ORGANISER)
def volunteer_import(request):
    """Upload → preview of every row (errors, duplicates) → confirm → accounts and the credentials sheet."""
    if request.user.must_change_password:
        return redirect("accounts:password_change")
    units = volunteers.volunteer_units(request.user).order_by("path")
    context = {"units": units, "created": None, "token": "", "preview": None, "upload_token": ""}
    status = 200
    if request.method == "POST" and request.POST.get("confirm"):
        stored = volunteers.volunteer_upload_take(actor=request.user, token=request.POST["confirm"])
        if stored is None:
            messages.error(request, _("预览已过期，请重新上传名单。"))
            status = 410
        else:
            status = _import(request, context, *stored)
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size > MAX_UPLOAD:
            messages.error(request, _("请选择不超过 5 MB 的名单文件。"))
            status = 400 if upload is None else 413
        else:
            data, name = upload.read(), upload.name or ""
            try:
                context["preview"] = volunteers.volunteers_check(actor=request.user, data=data, filename=name)
            except volunteers.VolunteerImportError as exc:
                messages.error(request, exc.message)
                status = exc.status
            else:
                context["can_import"] = not any(r.errors for r in context["preview"])
                if context["can_import"]:
                    context["upload_token"] = volunteers.volunteer_upload_keep(
                        actor=request.user, data=data, filename=name
                    )
    context["volunteers"] = (
        Membership.objects.filter(role=Role.VOLUNTEER, org__in=units)
        .select_related("user__volunteer_profile", "org")
        .order_by("org__path", "user__real_name")[:500]
    )
    return render(request, "accounts/volunteer_import.html", context, status=status)


def _import(request, context, data: bytes, filename: str) -> int:
    try:
        created, duplicates = volunteers.volunteers_import(actor=request.user, data=data, filename=filename)
    except volunteers.VolunteerImportError as exc:  # the database changed since the preview
        messages.error(request, exc.message)
        return exc.status
    context["created"] = created
    context["token"] = volunteers.volunteer_credentials_keep(actor=request.user, credentials=created)
    messages.success(
        request, _("已导入 %(n)s 名五老志愿者，跳过已有的 %(d)s 名。") % {"n": len(created), "d": duplicates}
    )
    return 200


@never_cache
@role_required(Role.ORGANISER)
def volunteer_credentials(request, token):
    rows = volunteers.volunteer_credentials_load(actor=request.user, token=token)
    if rows is None:
        raise Http404
    return _xlsx_response(volunteers.volunteers_credentials_xlsx(rows), "五老志愿者账号.xlsx")


@role_required(Role.ORGANISER)
def volunteer_template(request):
    return _xlsx_response(volunteers.volunteers_template_xlsx(), "五老志愿者名单模板.xlsx")
