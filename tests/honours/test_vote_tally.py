"""Votes per candidate come from the database's tally, which a trigger on the log keeps whoever inserts
(vote_cast, a bulk load, the fast path's batch INSERT): counting a campaign never reads its whole log,
the tally always equals the log, and `tally_votes` refuses to vouch for a tally that disagrees."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from honours.models import Vote, VoteFlag, VoteFlagState, VoteTally
from honours.services.voting import VoteMeta, Voter, vote_cast
from honours.standings import logged_counts, public_counts, tallied_counts, vote_counts

from .synth import add_votes

pytestmark = pytest.mark.django_db(transaction=True)


def bulk(campaign, cand, n, start):
    add_votes(
        campaign,
        [
            {"candidate": cand, "voter_key": f"b{cand.pk}-{start:%d%H%M}-{i}", "cast_at": start + timedelta(seconds=i)}
            for i in range(n)
        ],
    )


def tally(campaign) -> dict:
    return tallied_counts(campaign.pk)


def reads_the_log(queries) -> bool:
    """A query that scans the log itself (not the flags joined to it)."""
    return any('FROM "honours_vote" ' in q["sql"] or q["sql"].endswith('FROM "honours_vote"') for q in queries)


def open_now(campaign, *, freeze_hours=0):
    now = timezone.now()
    campaign.vote_opens_at, campaign.vote_closes_at = now - timedelta(days=1), now + timedelta(days=1)
    campaign.freeze_hours = freeze_hours
    campaign.save()
    return now


def test_every_way_a_vote_enters_the_log_moves_the_tally(voting_world):
    w, campaign, cands = voting_world
    now = open_now(campaign)
    bulk(campaign, cands[0], 7, now - timedelta(hours=3))
    for i, cand in enumerate(cands[:3]):
        vote_cast(campaign=campaign, candidate_id=cand.pk, voter=Voter(key=f"u9{i}"), meta=VoteMeta(), now=now)
    assert tally(campaign) == logged_counts(campaign.pk) == {cands[0].pk: 8, cands[1].pk: 1, cands[2].pk: 1}


def test_counting_reads_one_row_per_candidate_not_the_log_and_flags_still_count(voting_world):
    w, campaign, cands = voting_world
    now = open_now(campaign)
    bulk(campaign, cands[0], 30, now - timedelta(hours=3))
    bulk(campaign, cands[1], 10, now - timedelta(hours=2))
    vote = Vote.objects.filter(candidate=cands[0]).first()
    VoteFlag.objects.create(vote=vote, campaign=campaign, candidate=cands[0], flagged_at=now, rules=["ip"])
    VoteFlag.objects.create(
        vote=Vote.objects.filter(candidate=cands[0]).last(),
        campaign=campaign,
        candidate=cands[0],
        flagged_at=now,
        rules=["burst"],
        state=VoteFlagState.RELEASED,
    )
    with CaptureQueriesContext(connection) as queries:
        shown = public_counts(campaign, now)
    assert not reads_the_log(queries.captured_queries)
    assert shown[cands[0].pk] == {"votes": 29} and shown[cands[1].pk] == {"votes": 10}  # the quarantined one is out


def test_counts_at_the_freeze_add_whole_hours_and_the_part_of_one_hour(voting_world):
    w, campaign, cands = voting_world
    now = open_now(campaign)
    hour = (now - timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
    bulk(campaign, cands[0], 5, hour - timedelta(hours=2))  # whole hours before
    bulk(campaign, cands[1], 4, hour + timedelta(minutes=10))  # ten minutes into the freeze's hour
    bulk(campaign, cands[1], 3, hour + timedelta(minutes=40))  # after the freeze instant
    bulk(campaign, cands[2], 2, hour + timedelta(hours=2))  # later hours
    until = hour + timedelta(minutes=30)
    assert vote_counts(campaign.pk, until=until) == {cands[0].pk: 5, cands[1].pk: 4}
    on_the_hour = hour + timedelta(hours=1)
    with CaptureQueriesContext(connection) as queries:
        assert vote_counts(campaign.pk, until=on_the_hour) == {cands[0].pk: 5, cands[1].pk: 7}
    assert not reads_the_log(queries.captured_queries)  # an instant on the hour: tallies only
    flagged = Vote.objects.filter(candidate=cands[0]).first()
    VoteFlag.objects.create(
        vote=flagged,
        campaign=campaign,
        candidate=cands[0],
        flagged_at=now,
        rules=["ip"],
        state=VoteFlagState.INVALIDATED,
    )
    assert vote_counts(campaign.pk, until=until) == {cands[0].pk: 4, cands[1].pk: 4}  # 票数清零 shows when frozen
    assert vote_counts(campaign.pk) == {cands[0].pk: 4, cands[1].pk: 7, cands[2].pk: 2}
    exact = {
        cid: sum(1 for v in Vote.objects.filter(candidate_id=cid, cast_at__lt=until)) for cid in (c.pk for c in cands)
    }
    assert {cid: n for cid, n in exact.items() if n} == {cands[0].pk: 5, cands[1].pk: 4}  # what the log itself says


def test_tally_votes_refuses_a_tally_that_disagrees_with_the_log(voting_world):
    w, campaign, cands = voting_world
    now = open_now(campaign)
    bulk(campaign, cands[0], 4, now - timedelta(hours=1))
    out = StringIO()
    call_command("tally_votes", str(campaign.pk), stdout=out)
    assert "票数合计与投票日志一致：4 票" in out.getvalue()
    VoteTally.objects.filter(candidate=cands[0]).update(votes=40)
    with pytest.raises(CommandError, match="票数合计与投票日志不一致"):
        call_command("tally_votes", str(campaign.pk), stdout=StringIO(), stderr=StringIO())


def test_the_migration_fills_the_tally_from_the_log_already_there(voting_world):
    w, campaign, cands = voting_world
    now = open_now(campaign)
    executor = MigrationExecutor(connection)
    node = ("honours", "0009_vote_tally")
    before = [p for p in executor.loader.graph.node_map[node].parents if p.key[0] == "honours"][0].key
    executor.migrate([before])
    try:
        with connection.cursor() as cur:  # a vote written while no trigger exists
            cur.execute(
                "INSERT INTO honours_vote (campaign_id, candidate_id, seq, voter_key, day, cast_at, ip_prefix, "
                "ua_hash, session_hash, prev_hash, hash) VALUES (%s, %s, 999999999, 'u1', %s, %s, '', '', '', '', '')",
                [campaign.pk, cands[2].pk, now.date(), now],
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert tally(campaign) == {cands[2].pk: 1}
    bulk(campaign, cands[2], 2, now - timedelta(hours=1))  # and the trigger is back
    assert tally(campaign) == {cands[2].pk: 3}
