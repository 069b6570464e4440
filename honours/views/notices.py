"""Organisers publish their units' 公示 per level, and the committee the honours' final notice, from the
management pages (services.notice.notice_publish decides what is listed and for how long)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Organization
from accounts.permissions import request_scope
from core.confirm import confirmation_page, is_confirmed

from .. import selectors
from ..errors import HonoursError
from ..models import Campaign, CampaignLevel
from ..services.notice import notice_publish

MAX_WORKING_DAYS = 30


def _working_days(raw: str | None, default: int) -> int | None:
    try:
        days = int(raw) if raw else default
    except ValueError:
        return None
    return days if 1 <= days <= MAX_WORKING_DAYS else None


@login_required
@require_http_methods(["GET", "POST"])
def notices(request, campaign_id: int):
    campaign = get_object_or_404(Campaign.objects.public(), pk=campaign_id)
    scope = request_scope(request)
    if not selectors.campaign_region(scope, campaign):
        raise PermissionDenied
    committee = scope.manages(campaign.owner_org)
    back = reverse("honours:notices", args=[campaign.pk])
    if request.method == "POST":
        level = get_object_or_404(CampaignLevel, campaign=campaign, pk=request.POST.get("level_id") or 0)
        final = request.POST.get("final") == "1"
        unit = None if final else get_object_or_404(Organization, pk=request.POST.get("unit_id") or 0)
        days = _working_days(request.POST.get("working_days"), campaign.notice_working_days)
        if days is None:
            messages.error(request, _("公示期须为 1 到 %(n)d 个工作日。") % {"n": MAX_WORKING_DAYS})
            return redirect(back)
        if not (scope.manages(unit) if unit else committee):
            raise PermissionDenied
        if not is_confirmed(request):
            return confirmation_page(
                request,
                title=_("发布公示"),
                message=_("公示发布后即向社会公开，公示期内任何人都可以提出异议。"),
                button=_("确认发布"),
                back_url=back,
            )
        try:
            notice = notice_publish(
                actor=request.user,
                scope=scope,
                level=level,
                unit=unit,
                now=timezone.now(),
                working_days=days,
                final=final,
            )
        except HonoursError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(unit)s公示已发布：%(a)s 至 %(b)s，共 %(n)d 人。")
                % {
                    "unit": notice.unit.name,
                    "a": notice.starts_on,
                    "b": notice.ends_on,
                    "n": notice.candidates.count(),
                },
            )
        return redirect(back)
    levels = list(campaign.levels.order_by("order"))
    top = levels[-1] if levels and committee else None
    return render(
        request,
        "honours/notices.html",
        {
            "campaign": campaign,
            "levels": selectors.notice_units(scope, campaign),
            "top": top,
            "final": campaign.notices.filter(final=True).first() if top else None,
        },
    )
