"""What an anonymous visitor sees at /: contests running or coming up (titles and dates only, which are
public anyway), the certificate verification page and the award showcases. Reads only."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from competitions.models import Contest, ContestStatus
from judging.models import SubmissionContest

from .models import ShowcaseItem

LANDING_LIMIT = 12


def public_landing(now=None) -> dict:
    now = now or timezone.now()
    contests = list(
        Contest.objects.filter(status=ContestStatus.PUBLISHED, closes_at__gt=now, opens_at__lt=now + timedelta(days=30))
        .select_related("owner_org")
        .order_by("closes_at")[:LANDING_LIMIT]
    )
    collections = list(
        SubmissionContest.objects.filter(closes_at__gt=now, opens_at__lt=now + timedelta(days=30))
        .select_related("owner_org")
        .order_by("closes_at")[:LANDING_LIMIT]
    )
    showcase_ids = (
        ShowcaseItem.objects.filter(
            withdrawn_at__isnull=True, entry__consent_public=True, contest__awards_published_at__isnull=False
        )
        .values_list("contest_id", flat=True)
        .distinct()
    )
    showcases = list(SubmissionContest.objects.filter(pk__in=showcase_ids).order_by("-awards_published_at")[:6])
    return {"contests": contests, "collections": collections, "showcases": showcases, "now": now}
