"""A class's page for its teachers and the organisers above: the students, their login state, a password
reset each, printable login slips and the account list."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import credentials
from ..models import Organization, OrgKind, Role, User
from ..permissions import role_required
from ..slips import login_slips_pdf

CLASS_ROLES = (Role.ORGANISER, Role.TEACHER)


def _class(request, pk: int) -> Organization:
    klass = get_object_or_404(Organization.objects.select_related("parent"), pk=pk, kind=OrgKind.CLASS)
    credentials.class_check(user=request.user, klass=klass)
    return klass


@never_cache
@role_required(*CLASS_ROLES)
def class_detail(request, pk: int):
    klass = _class(request, pk)
    students = list(credentials.class_students(klass))
    return render(
        request,
        "accounts/class_detail.html",
        {"klass": klass, "students": students, "waiting": sum(1 for s in students if s.must_change_password)},
    )


@require_POST
@role_required(*CLASS_ROLES)
def class_password_reset(request, pk: int, user_pk: int):
    klass = _class(request, pk)
    student = get_object_or_404(User, pk=user_pk, memberships__org=klass, memberships__role=Role.STUDENT)
    password = credentials.student_password_reset(actor=request.user, student=student)
    messages.success(
        request,
        _("已重置 {name} 的密码。新的初始密码：{password}（首次登录须修改）").format(
            name=student.display_name, password=password
        ),
    )
    return redirect("accounts:class_detail", pk=klass.pk)


@never_cache
@role_required(*CLASS_ROLES)
def class_slips(request, pk: int):
    klass = _class(request, pk)
    rows = credentials.class_credentials(user=request.user, klass=klass)
    data = login_slips_pdf(
        title=_("{org} · 竞赛平台登录卡").format(org=settings.ORG_SHORT_NAME),
        class_label=klass.name_with_school,
        login_url=request.build_absolute_uri(reverse("accounts:login")),
        rows=rows,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=login-slips-{klass.pk}.pdf"
    response["Cache-Control"] = "no-store"
    return response
