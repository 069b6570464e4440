"""Who is on the ballot and when the ballot is open: read by voting (services.voting, the fast path),
the standings and the public pages alike, so it sits below all of them."""

from __future__ import annotations

from datetime import datetime

from .models import Campaign, Candidate, CandidateStatus

VOTING_STATUSES = (CandidateStatus.PENDING, CandidateStatus.FINALIST)


def voting_open(campaign: Campaign, now: datetime) -> bool:
    return (
        not campaign.draft
        and bool(campaign.vote_opens_at and campaign.vote_closes_at)
        and campaign.vote_opens_at <= now < campaign.vote_closes_at
    )


def voting_candidates(campaign: Campaign):
    return Candidate.objects.filter(campaign=campaign, level__kind=campaign.voting_level, status__in=VOTING_STATUSES)
