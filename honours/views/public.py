"""Public pages: campaign + rules + voting, notice + objection form, code entry, objection follow-up."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import selectors
from ..api import SESSION_CODES
from ..chain import chain_verify
from ..errors import HonoursError, InvalidCode
from ..models import Campaign, CandidateStatus, LevelKind, Notice, Objection
from ..services.notice import notice_is_open, objection_lodge
from ..services.voting import normalize_code, voter_for_code
from ..standings import formula_text, invalidated_counts, public_counts, standings
from ..voting_set import voting_open


def _voter_label(request, campaign) -> str:
    if request.user.is_authenticated:
        return request.user.display_name
    if str(campaign.pk) in request.session.get(SESSION_CODES, {}):
        return _("家庭投票码")
    return ""


def campaign_page(request, campaign_id: int):
    campaign = get_object_or_404(Campaign.objects.public(), pk=campaign_id)
    now = timezone.now()
    stage = selectors.campaign_stage(campaign, now)
    counts = public_counts(campaign, now)
    invalid = invalidated_counts(campaign.pk)
    cands = [
        {"c": c, "shown": counts.get(c.pk, {}), "invalid": invalid.get(c.pk, [])}
        for c in selectors.public_candidates(campaign)
    ]
    report = chain_verify(campaign.pk) if request.GET.get("verify") else None
    digests = report.digests if report else []
    winners = []
    if stage == "closed":
        winners = [s for s in standings(campaign) if s.honour]
        showcase = {
            c.pk: c for c in campaign.candidates.filter(pk__in=[w.candidate_id for w in winners], showcase_consent=True)
        }
        winners = [(w, showcase.get(w.candidate_id)) for w in winners]
    return render(
        request,
        "honours/campaign.html",
        {
            "campaign": campaign,
            "stage": stage,
            "voting": voting_open(campaign, now),
            "candidates": cands,
            "formula": formula_text(campaign),
            "notices": campaign.notices.select_related("level").order_by("starts_on"),
            "voter": _voter_label(request, campaign),
            "chain": report,
            "digests": digests,
            "winners": winners,
            "honours": campaign.honours.all(),
        },
    )


def _notice_for(campaign, level: str) -> Notice:
    if level == "final":
        notice = campaign.notices.filter(final=True).select_related("level").first()
    elif level in LevelKind.values:
        notice = campaign.notices.filter(level__kind=level, final=False).select_related("level").first()
    else:
        notice = None
    if notice is None:
        raise Http404
    return notice


@require_http_methods(["GET", "POST"])
def notice_page(request, campaign_id: int, level: str):
    campaign = get_object_or_404(Campaign.objects.public(), pk=campaign_id)
    notice = _notice_for(campaign, level)
    now = timezone.now()
    error = None
    if request.method == "POST":
        candidate = notice.candidates.filter(pk=request.POST.get("candidate_id") or 0).first()
        try:
            if candidate is None:
                raise HonoursError(_("请选择候选人。"))
            objection = objection_lodge(
                notice=notice,
                candidate=candidate,
                text=request.POST.get("text", ""),
                now=now,
                objector=request.user if request.user.is_authenticated else None,
                contact=request.POST.get("contact", ""),
            )
        except HonoursError as exc:
            error = exc.message
        else:
            messages.success(request, _("异议已受理，请保存下面的查询链接以了解处理结果。"))
            return redirect("honours:objection_status", token=objection.follow_token)
    withdrawn = notice.candidates.filter(status=CandidateStatus.WITHDRAWN)
    return render(
        request,
        "honours/notice.html",
        {
            "campaign": campaign,
            "notice": notice,
            "candidates": selectors.notice_candidates(notice),
            "open": notice_is_open(notice, now),
            "withdrawn": withdrawn,
            "error": error,
        },
        status=400 if error else 200,
    )


def objection_status(request, token: str):
    objection = get_object_or_404(Objection.objects.select_related("candidate", "notice__campaign"), follow_token=token)
    return render(request, "honours/objection_status.html", {"objection": objection})


@require_http_methods(["GET", "POST"])
def code_entry(request):
    """Type the code from the slip, or arrive from its QR (?code=…). The code is kept in the session
    for the campaign it belongs to, then the voter goes to that campaign's page to vote."""
    raw = request.POST.get("code") or request.GET.get("code") or ""
    error = None
    if raw:
        now = timezone.now()
        for campaign in Campaign.objects.public().filter(vote_opens_at__isnull=False).order_by("-id"):
            if not voting_open(campaign, now):
                continue
            try:
                voter_for_code(campaign=campaign, code=raw)
            except InvalidCode:
                continue
            codes = dict(request.session.get(SESSION_CODES, {}))
            codes[str(campaign.pk)] = normalize_code(raw)
            request.session[SESSION_CODES] = codes
            return redirect("honours:campaign", campaign_id=campaign.pk)
        error = InvalidCode.default_message
    return render(request, "honours/code_entry.html", {"error": error, "code": raw}, status=400 if error else 200)
