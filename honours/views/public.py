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
from ..models import Campaign, Objection
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
            "notices": campaign.notices.select_related("level", "unit").order_by("starts_on", "unit__path"),
            "voter": _voter_label(request, campaign),
            "chain": report,
            "digests": digests,
            "winners": winners,
            "honours": campaign.honours.all(),
        },
    )


def _objected(notices, data):
    """The unit notice and candidate an objection is about: the form names the notice; a post without it
    (older form) goes to the notice that lists the candidate — a candidate has one unit per level."""
    raw = data.get("candidate_id") or ""
    if not raw.isdigit():
        return None, None
    chosen = [n for n in notices if str(n.pk) == data.get("notice_id")] if data.get("notice_id") else notices
    for notice in chosen:
        candidate = notice.candidates.filter(pk=int(raw)).first()
        if candidate is not None:
            return notice, candidate
    return None, None


def _unit_filter(request) -> int | None:
    raw = request.GET.get("unit") or ""
    return int(raw) if raw.isdigit() else None


@require_http_methods(["GET", "POST"])
def notice_page(request, campaign_id: int, level: str):
    """Every unit's notice published at the level, by unit (`?unit=<org id>`: one unit's); an objection
    is lodged against one unit's notice."""
    campaign = get_object_or_404(Campaign.objects.public(), pk=campaign_id)
    notices = selectors.published_notices(campaign, level, _unit_filter(request))
    if not notices:
        raise Http404
    now = timezone.now()
    error = None
    if request.method == "POST":
        notice, candidate = _objected(notices, request.POST)
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
    groups = [
        {"notice": n, "candidates": selectors.notice_candidates(n), "open": notice_is_open(n, now)} for n in notices
    ]
    return render(
        request,
        "honours/notice.html",
        {
            "campaign": campaign,
            "level": level,
            "final": level == "final",
            "level_label": notices[0].level.get_kind_display(),
            "groups": groups,
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
