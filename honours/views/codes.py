"""Schools print family voting codes from the management pages: one batch per class and campaign, one
code per family of the class's students (none for a family a sibling's class already covered), answered
once as a PDF of QR slips (only keyed hashes are stored, so the PDF is the only copy). The page lists per
class how many codes, students and students covered by a sibling's code each batch had."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Organization, OrgKind
from accounts.permissions import request_scope
from core.confirm import confirmation_page, is_confirmed

from ..errors import HonoursError
from ..models import Campaign, VoteCodeBatch
from ..services.codes import vote_code_batch_issue
from ..services.review import can_nominate
from ..slips import slips_pdf


@login_required
@require_http_methods(["GET", "POST"])
def codes(request, campaign_id: int):
    campaign = get_object_or_404(Campaign.objects.public(), pk=campaign_id)
    scope = request_scope(request)
    classes = [
        k
        for k in Organization.objects.filter(kind=OrgKind.CLASS)
        .filter(scope.orgs_q())
        .select_related("parent")
        .order_by("path")[:2000]
        if can_nominate(scope, klass=k)
    ]
    if not classes:
        raise PermissionDenied
    back = reverse("honours:codes", args=[campaign.pk])
    if request.method == "POST":
        klass = get_object_or_404(Organization, pk=request.POST.get("class_id") or 0, kind=OrgKind.CLASS)
        if not is_confirmed(request):
            return confirmation_page(
                request,
                title=_("生成家庭投票码"),
                message=_("每个班级只能生成一次；PDF 是投票码的唯一副本，下载后请妥善保存并打印分发。"),
                button=_("确认生成"),
                back_url=back,
            )
        try:
            issued = vote_code_batch_issue(
                campaign=campaign, klass=klass, now=timezone.now(), actor=request.user, scope=scope
            )
        except HonoursError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        response = HttpResponse(
            slips_pdf(title=campaign.title, class_name=klass.name, codes=issued.slips), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="honours-{campaign.pk}-class-{klass.pk}-codes.pdf"'
        response["Cache-Control"] = "no-store"
        return response
    batches = {b.klass_id: b for b in VoteCodeBatch.objects.filter(campaign=campaign, klass__in=classes)}
    rows = [{"klass": k, "batch": batches.get(k.pk)} for k in classes]
    totals = {
        "codes": sum(b.size for b in batches.values()),
        "students": sum(b.students for b in batches.values()),
        "sibling_skipped": sum(b.sibling_skipped for b in batches.values()),
    }
    return render(request, "honours/codes.html", {"campaign": campaign, "rows": rows, "totals": totals})
