"""Selection in the JSON API (/api/v1/honours/…). Contracts from issue 12: campaign list with stage,
candidate list (with `votes` when the rules show counts), and casting a vote (201 {"votes_left_today"};
409 already_voted_today, 429 daily_limit, 403 voting_closed / not_eligible). A voter is the logged-in
user (Bearer token or session + CSRF), else a family code: `"code"` in the body or the code entered
at /honours/vote/ (kept in the session)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.utils import check_csrf

from accounts.api import BearerOrSession
from core.clientip import request_client_ip
from core.errors import AppError

from . import selectors
from .errors import NotEligible
from .models import Campaign
from .services.voting import vote_cast, vote_meta_from, voter_for_code, voter_for_user
from .standings import public_counts, shows_votes

router = Router(tags=["honours"])
SESSION_CODES = "honours_codes"


class CampaignOut(Schema):
    id: int
    title: str
    stage: str


class CandidateOut(Schema):
    id: int
    name: str
    school: str
    district: str
    summary: str
    votes: int | None = None


class VoteIn(Schema):
    candidate_id: int
    code: str | None = None


class VoteOut(Schema):
    votes_left_today: int


@router.get("/campaigns", response=list[CampaignOut], summary="评选活动列表")
def campaigns(request):
    now = timezone.now()
    return [
        {"id": c.pk, "title": c.title, "stage": selectors.campaign_stage(c, now)} for c in Campaign.objects.public()
    ]


@router.get("/campaigns/{campaign_id}/candidates", response=list[CandidateOut], exclude_none=True, summary="候选人")
def candidates(request, campaign_id: int):
    campaign = get_object_or_404(Campaign.objects.public(), pk=campaign_id)
    counts = public_counts(campaign, timezone.now()) if shows_votes(campaign) else {}
    return [
        {
            "id": c.pk,
            "name": c.name,
            "school": c.school.name,
            "district": c.district.name if c.district else "",
            "summary": c.summary,
            **({"votes": counts.get(c.pk, {}).get("votes", 0)} if counts else {}),
        }
        for c in selectors.public_candidates(campaign)
    ]


def request_voter(request, campaign: Campaign, code: str | None, now):
    """The voter behind a request: a token/session user, else a code from the body or the session."""
    user = BearerOrSession()(request) if request.headers.get("Authorization") or _session_user(request) else None
    if user is not None:
        return voter_for_user(user=user, now=now)
    if not code:
        code = request.session.get(SESSION_CODES, {}).get(str(campaign.pk))
        # a code kept in the session is an ambient credential like a login cookie: require CSRF
        if code and check_csrf(request) is not None:
            raise AppError("CSRF 校验失败，请刷新页面后重试。", code="csrf_failed", status=403)
    if not code:
        raise NotEligible("请先登录或输入投票码。")
    return voter_for_code(campaign=campaign, code=code)


def _session_user(request):
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


@router.post("/campaigns/{campaign_id}/votes", response={201: VoteOut}, summary="投票")
def vote(request, campaign_id: int, payload: VoteIn):
    campaign = get_object_or_404(Campaign.objects.public(), pk=campaign_id)
    now = timezone.now()
    voter = request_voter(request, campaign, payload.code, now)
    meta = vote_meta_from(
        ip=request_client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        session_key=request.session.session_key or "",
    )
    left = vote_cast(campaign=campaign, candidate_id=payload.candidate_id, voter=voter, meta=meta, now=now)
    return Status(201, {"votes_left_today": left})
