"""五老 volunteers' import page (organisers): upload → all rows written or none → credentials sheet."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import volunteers
from .models import Membership, Role
from .permissions import role_required
from .views_roster import _xlsx_response

MAX_UPLOAD = 5 * 1024 * 1024


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.ORGANISER)
def volunteer_import(request):
    if request.user.must_change_password:
        return redirect("accounts:password_change")
    units = volunteers.volunteer_units(request.user).order_by("path")
    status, created, duplicates, token = 200, None, 0, ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要导入的名单文件。"))
            status = 400
        elif upload.size > MAX_UPLOAD:
            messages.error(request, _("文件过大（上限 5 MB）。"))
            status = 413
        else:
            try:
                created, duplicates = volunteers.volunteers_import(
                    actor=request.user, data=upload.read(), filename=upload.name or ""
                )
            except volunteers.VolunteerImportError as exc:
                messages.error(request, exc.message)
                status = exc.status
            else:
                token = volunteers.volunteer_credentials_keep(actor=request.user, credentials=created)
                messages.success(
                    request,
                    _("已导入 %(n)s 名五老志愿者，跳过已有的 %(d)s 名。") % {"n": len(created), "d": duplicates},
                )
    listed = (
        Membership.objects.filter(role=Role.VOLUNTEER, org__in=units)
        .select_related("user__volunteer_profile", "org")
        .order_by("org__path", "user__real_name")[:500]
    )
    context = {"units": units, "created": created, "token": token, "volunteers": listed}
    return render(request, "accounts/volunteer_import.html", context, status=status)


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
