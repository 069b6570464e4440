from datetime import timedelta

import pytest
from django.core.management import call_command

from accounts.selectors import scope_for
from honours.chain import chain_verify
from honours.models import VoteFlag, VoteFlagState
from honours.services.anomalies import anomalies_detect, vote_flags_review
from honours.standings import invalidated_counts, vote_counts

from .factories import NOW
from .synth import add_votes

pytestmark = pytest.mark.django_db
START = NOW.replace(hour=8)


def background(cands, hours=6):
    """Calm traffic: each candidate one vote every 2 minutes from distinct voters, networks and devices."""
    rows = []
    n = 0
    for c in cands:
        for m in range(0, hours * 60, 2):
            n += 1
            rows.append(
                {"candidate": c, "voter_key": f"u{100000 + n}", "cast_at": START + timedelta(minutes=m, seconds=c.pk)}
            )
    return rows


def flagged_rules(campaign) -> dict:
    out: dict = {}
    for f in VoteFlag.objects.filter(campaign=campaign):
        for rule in f.rules:
            out[rule] = out.get(rule, 0) + 1
    return out


def test_calm_traffic_raises_nothing(voting_world):
    w, campaign, cands = voting_world
    add_votes(campaign, background(cands))
    report = anomalies_detect(campaign=campaign, now=NOW)
    assert report.new_flags == 0


def test_burst_against_the_rolling_median_is_quarantined(voting_world):
    w, campaign, cands = voting_world
    rows = background(cands)
    at = START + timedelta(hours=3, minutes=1)
    rows += [
        {"candidate": cands[0], "voter_key": f"u9{i:04d}", "cast_at": at + timedelta(seconds=i)} for i in range(60)
    ]
    add_votes(campaign, rows)
    before = vote_counts(campaign.pk)[cands[0].pk]
    anomalies_detect(campaign=campaign, now=NOW)
    rules = flagged_rules(campaign)
    assert rules.get("burst", 0) >= 60 and set(rules) == {"burst"}
    assert vote_counts(campaign.pk)[cands[0].pk] <= before - 60


def test_concentration_from_one_network_and_one_device(voting_world):
    w, campaign, cands = voting_world
    rows = background(cands)
    rows += [
        {
            "candidate": cands[1],
            "voter_key": f"u8{i:04d}",
            "cast_at": START + timedelta(minutes=3 * i),
            "ip_prefix": "1.2.3.0/24",
        }
        for i in range(100)
    ]
    rows += [
        {
            "candidate": cands[2],
            "voter_key": f"u7{i:04d}",
            "cast_at": START + timedelta(minutes=2 * i),
            "ua_hash": "samephone",
        }
        for i in range(180)
    ]
    add_votes(campaign, rows)
    anomalies_detect(campaign=campaign, now=NOW)
    ip = [f for f in VoteFlag.objects.all() if "ip" in f.rules]
    ua = [f for f in VoteFlag.objects.all() if "ua" in f.rules]
    assert len(ip) == 100 and {f.candidate_id for f in ip} == {cands[1].pk}
    assert len(ua) == 180 and {f.candidate_id for f in ua} == {cands[2].pk}


def test_codes_of_one_batch_within_seconds(voting_world):
    w, campaign, cands = voting_world
    rows = background(cands)
    at = START + timedelta(hours=2)
    rows += [
        {"candidate": cands[3], "voter_key": f"c{i}", "cast_at": at + timedelta(seconds=i), "code_batch_id": 77}
        for i in range(6)
    ]
    # the same batch spread over hours is normal
    rows += [
        {
            "candidate": cands[3],
            "voter_key": f"c{100 + i}",
            "cast_at": at + timedelta(minutes=30 * i),
            "code_batch_id": 78,
        }
        for i in range(6)
    ]
    add_votes(campaign, rows)
    anomalies_detect(campaign=campaign, now=NOW)
    flagged = [f for f in VoteFlag.objects.select_related("vote") if "code_cluster" in f.rules]
    assert len(flagged) == 6 and {f.vote.code_batch_id for f in flagged} == {77}


def test_votes_soon_after_account_creation(voting_world):
    w, campaign, cands = voting_world
    rows = [
        {"candidate": cands[0], "voter_key": "u1", "cast_at": START, "account_age_s": 599},
        {"candidate": cands[0], "voter_key": "u2", "cast_at": START, "account_age_s": 600},
    ]
    add_votes(campaign, rows)
    anomalies_detect(campaign=campaign, now=NOW)
    assert list(VoteFlag.objects.values_list("vote__voter_key", flat=True)) == ["u1"]


def test_voters_who_only_ever_vote_for_one_candidate(voting_world):
    w, campaign, cands = voting_world
    rows = [{"candidate": cands[0], "voter_key": "u5", "cast_at": START + timedelta(days=d)} for d in range(5)]
    rows += [{"candidate": cands[d % 2], "voter_key": "u6", "cast_at": START + timedelta(days=d)} for d in range(5)]
    rows += [{"candidate": cands[0], "voter_key": "u7", "cast_at": START + timedelta(days=d)} for d in range(4)]
    add_votes(campaign, rows)
    anomalies_detect(campaign=campaign, now=NOW)
    assert set(VoteFlag.objects.values_list("vote__voter_key", flat=True)) == {"u5"}


def test_night_time_surge(voting_world):
    w, campaign, cands = voting_world
    night = NOW.replace(hour=2, minute=0)
    rows = [
        {"candidate": cands[2], "voter_key": f"u3{i:03d}", "cast_at": night + timedelta(minutes=4 * i)}
        for i in range(30)
    ]
    rows += [
        {"candidate": cands[2], "voter_key": f"u4{i:03d}", "cast_at": START + timedelta(minutes=20 * i)}
        for i in range(10)
    ]
    add_votes(campaign, rows)
    anomalies_detect(campaign=campaign, now=NOW)
    flagged = [f for f in VoteFlag.objects.select_related("vote") if "night" in f.rules]
    assert len(flagged) == 30


def test_committee_invalidates_or_releases_and_the_public_sees_invalidations(voting_world, client):
    w, campaign, cands = voting_world
    rows = [{"candidate": cands[0], "voter_key": f"u{i}", "cast_at": START, "account_age_s": 5} for i in range(4)]
    rows += [{"candidate": cands[0], "voter_key": "u99", "cast_at": START}]
    add_votes(campaign, rows)
    anomalies_detect(campaign=campaign, now=NOW)
    assert vote_counts(campaign.pk)[cands[0].pk] == 1  # quarantined votes do not count
    ids = list(VoteFlag.objects.order_by("id").values_list("id", flat=True))
    boss = w.city_org
    vote_flags_review(
        actor=boss,
        scope=scope_for(boss),
        campaign=campaign,
        flag_ids=ids[:3],
        invalidate=True,
        reason="新注册账号集中刷票",
        now=NOW,
    )
    vote_flags_review(
        actor=boss,
        scope=scope_for(boss),
        campaign=campaign,
        flag_ids=ids[3:],
        invalidate=False,
        reason="核实为家长本人",
        now=NOW,
    )
    assert vote_counts(campaign.pk)[cands[0].pk] == 2
    assert invalidated_counts(campaign.pk) == {cands[0].pk: [("新注册账号集中刷票", 3)]}
    assert VoteFlag.objects.filter(state=VoteFlagState.INVALIDATED).count() == 3
    assert chain_verify(campaign.pk).ok  # nothing was deleted or rewritten
    # a second run does not re-quarantine reviewed votes
    anomalies_detect(campaign=campaign, now=NOW)
    assert VoteFlag.objects.filter(state=VoteFlagState.QUARANTINED).count() == 0
    from django.utils import timezone

    campaign.vote_opens_at = timezone.now() - timedelta(hours=1)
    campaign.vote_closes_at = timezone.now() + timedelta(days=1)
    campaign.save()
    assert "已作废 3 票：新注册账号集中刷票" in client.get(f"/honours/{campaign.pk}/").content.decode()


def test_command_prints_the_report(voting_world, capsys):
    w, campaign, cands = voting_world
    add_votes(campaign, [{"candidate": cands[0], "voter_key": "u1", "cast_at": START, "account_age_s": 1}])
    call_command("detect_vote_anomalies", str(campaign.pk))
    out = capsys.readouterr().out
    assert "新注册账号即投票：1 票" in out and "新隔离 1 票" in out
