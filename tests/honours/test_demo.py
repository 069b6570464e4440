import io

import pytest
from django.core.management import call_command

from honours.demo import TITLE
from honours.models import Campaign, Candidate, Objection, ObjectionOutcome, Vote
from honours.selectors import campaign_stage

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_a_campaign_with_levels_notice_objection_and_open_voting(client):
    out = io.StringIO()
    call_command("seed_demo", "--students", "40", "--quiet-accounts", stdout=out)
    campaign = Campaign.objects.get(title=TITLE)
    kinds = set(Candidate.objects.filter(campaign=campaign).values_list("level__kind", flat=True))
    assert {"school", "district", "city"} <= kinds
    assert Objection.objects.filter(notice__campaign=campaign, outcome=ObjectionOutcome.OPEN).count() == 1
    from django.utils import timezone

    assert campaign_stage(campaign, timezone.now()) == "voting"
    assert Vote.objects.filter(campaign=campaign).exists()
    assert "家庭投票码" in out.getvalue()
    assert client.get(f"/honours/{campaign.pk}/").status_code == 200
    assert client.get(f"/honours/{campaign.pk}/notice/district/").status_code == 200
    call_command("seed_demo", "--students", "40", "--quiet-accounts", stdout=io.StringIO())
    assert Campaign.objects.filter(title=TITLE).count() == 1
