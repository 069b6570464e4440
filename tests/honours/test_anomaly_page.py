"""The committee starts anomaly detection from its page and reads a report per rule."""

import pytest

from accounts.selectors import scope_for
from honours.models import VoteFlag
from honours.selectors import flag_report
from honours.services.anomalies import vote_flags_review

from .factories import NOW
from .synth import add_votes

pytestmark = pytest.mark.django_db


def test_committee_runs_detection_from_the_page_and_reads_the_report_per_rule(voting_world, client):
    w, campaign, cands = voting_world
    add_votes(
        campaign,
        [{"candidate": cands[0], "voter_key": f"u{i}", "cast_at": NOW, "account_age_s": 3} for i in range(3)]
        + [{"candidate": cands[1], "voter_key": "u9", "cast_at": NOW}],
    )
    url = f"/honours/{campaign.pk}/manage/flags/"
    client.force_login(w.district_orgs[0])
    assert client.post(url, {"action": "detect"}).status_code == 403
    assert not VoteFlag.objects.exists()
    client.force_login(w.city_org)
    resp = client.post(url, {"action": "detect"}, follow=True)
    assert "已开始异常检测" in resp.content.decode()
    assert VoteFlag.objects.filter(campaign=campaign).count() == 3
    body = resp.content.decode()
    assert body.count("新注册账号即投票") >= 4  # the report row and each quarantined vote's label
    ids = list(VoteFlag.objects.order_by("id").values_list("id", flat=True))
    boss = w.city_org
    vote_flags_review(
        actor=boss, scope=scope_for(boss), campaign=campaign, flag_ids=ids[:1], invalidate=True, reason="刷票", now=NOW
    )
    report = {r["rule"]: r for r in flag_report(campaign)}
    assert (report["new_account"]["quarantined"], report["new_account"]["invalidated"]) == (2, 1)
    assert report["ip"]["quarantined"] == 0
