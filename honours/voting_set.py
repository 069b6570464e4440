"""Who is on the ballot and when the ballot is open: read by voting (services.voting, the fast path),
the standings and the public pages alike, so it sits below all of them."""

from __future__ import annotations

from datetime import datetime, timedelta

from .models import Campaign, Candidate, CandidateStatus

VOTING_STATUSES = (CandidateStatus.PENDING, CandidateStatus.FINALIST)


def voting_open(campaign: Campaign, now: datetime) -> bool:
    return (
        not campaign.draft
        and bool(campaign.vote_opens_at and campaign.vote_closes_at)
        and campaign.vote_opens_at <= now < campaign.vote_closes_at
    )


# the scheduled anomaly run keeps watching a campaign this long after voting closed: the final notice and
# the standings come later, and votes cast in the last minutes are only examined after the close
WATCH_AFTER_CLOSE = timedelta(hours=24)


def campaigns_to_watch(now: datetime):
    """Published campaigns whose voting window is open at `now` or closed less than WATCH_AFTER_CLOSE ago."""
    return Campaign.objects.public().filter(vote_opens_at__lte=now, vote_closes_at__gt=now - WATCH_AFTER_CLOSE)


def voting_candidates(campaign: Campaign):
    return Candidate.objects.filter(campaign=campaign, level__kind=campaign.voting_level, status__in=VOTING_STATUSES)
