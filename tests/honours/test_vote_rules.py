from datetime import timedelta

import pytest

from honours.chain import chain_verify
from honours.errors import AlreadyVotedToday, DailyLimit, InvalidCode, NotEligible, VotingClosed
from honours.models import Vote, VoterDay
from honours.services.codes import vote_codes_issue
from honours.services.voting import VoteMeta, vote_cast, voter_for_code, voter_for_user

from .factories import NOW, TZ, user

pytestmark = pytest.mark.django_db
META = VoteMeta(ip_prefix="10.0.0.0/24", ua_hash="abcd", session_hash="s1")


def cast(campaign, cand, voter, now=NOW):
    return vote_cast(campaign=campaign, candidate_id=cand.pk, voter=voter, meta=META, now=now)


def tamper(sql: str, params: list) -> None:
    """Rewrite the log behind the application's back (on PostgreSQL with triggers off, as a superuser)."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = origin")


def test_window_opens_and_closes_exactly_at_its_boundaries(voting_world):
    w, campaign, cands = voting_world
    voter = voter_for_user(user=w.students[w.classes[0].pk][1], now=NOW)
    with pytest.raises(VotingClosed):
        cast(campaign, cands[0], voter, now=campaign.vote_opens_at - timedelta(microseconds=1))
    assert cast(campaign, cands[0], voter, now=campaign.vote_opens_at) == 2
    last = campaign.vote_closes_at - timedelta(microseconds=1)
    assert cast(campaign, cands[0], voter, now=last) == 2
    with pytest.raises(VotingClosed):
        cast(campaign, cands[1], voter, now=campaign.vote_closes_at)


def test_daily_limit_is_n_votes_and_resets_at_local_midnight(voting_world):
    w, campaign, cands = voting_world
    voter = voter_for_user(user=w.students[w.classes[0].pk][1], now=NOW)
    assert [cast(campaign, c, voter) for c in cands[:3]] == [2, 1, 0]
    with pytest.raises(DailyLimit) as exc:
        cast(campaign, cands[3], voter)
    assert (exc.value.code, exc.value.status) == ("daily_limit", 429)
    late = NOW.replace(hour=23, minute=59, second=59, microsecond=999999)
    with pytest.raises(DailyLimit):
        cast(campaign, cands[3], voter, now=late)
    midnight = (NOW + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=TZ)
    assert cast(campaign, cands[3], voter, now=midnight) == 2
    assert Vote.objects.count() == 4
    assert sorted(VoterDay.objects.values_list("used", flat=True)) == [1, 3]


def test_one_vote_per_candidate_per_day(voting_world):
    w, campaign, cands = voting_world
    voter = voter_for_user(user=w.teachers[0], now=NOW)  # staff on the roster may vote
    cast(campaign, cands[0], voter)
    with pytest.raises(AlreadyVotedToday) as exc:
        cast(campaign, cands[0], voter, now=NOW + timedelta(hours=1))
    assert (exc.value.code, exc.value.status) == ("already_voted_today", 409)
    # the refused vote did not use up a daily vote
    assert VoterDay.objects.get().used == 1
    cast(campaign, cands[0], voter, now=NOW + timedelta(days=1))
    assert Vote.objects.filter(candidate=cands[0]).count() == 2


def test_someone_not_on_the_roster_is_not_eligible(voting_world):
    stranger = user("路人")
    with pytest.raises(NotEligible):
        voter_for_user(user=stranger, now=NOW)


def test_family_code_votes_as_its_own_voter_and_a_wrong_code_is_refused(voting_world):
    w, campaign, cands = voting_world
    batch, codes = vote_codes_issue(campaign=campaign, klass=w.classes[0], now=NOW)
    assert len(codes) == len(w.students[w.classes[0].pk]) and batch.size == len(codes)
    name, code = codes[0]
    voter = voter_for_code(campaign=campaign, code=code.lower()[:5] + "-" + code[5:])
    assert voter.code_batch_id == batch.pk
    cast(campaign, cands[0], voter)
    with pytest.raises(AlreadyVotedToday):
        cast(campaign, cands[0], voter_for_code(campaign=campaign, code=code))
    with pytest.raises(InvalidCode):
        voter_for_code(campaign=campaign, code="ABCDE-FGHJK")
    vote = Vote.objects.get()
    assert vote.voter_key.startswith("c") and vote.code_batch_id == batch.pk


def test_candidate_not_in_the_vote_is_refused(voting_world):
    from .factories import nominate

    w, campaign, cands = voting_world
    school_level = nominate(campaign, w.students[w.classes[0].pk][2], actor=w.teachers[0])
    voter = voter_for_user(user=w.teachers[0], now=NOW)
    with pytest.raises(NotEligible) as exc:
        cast(campaign, school_level, voter)
    assert exc.value.status == 404


def test_log_is_a_verifiable_chain_and_a_tampered_row_is_detected(voting_world):
    w, campaign, cands = voting_world
    voters = [voter_for_user(user=w.students[k.pk][1], now=NOW) for k in w.classes]
    for i, voter in enumerate(voters):
        for c in cands[:2]:
            cast(campaign, c, voter, now=NOW + timedelta(minutes=i))
    for i, voter in enumerate(voters):
        cast(campaign, cands[2], voter, now=NOW + timedelta(days=1, minutes=i))
    report = chain_verify(campaign.pk)
    assert report.ok and report.rows == 12
    assert [d[1] for d in report.digests] == [8, 12]
    victim = Vote.objects.get(seq=5)
    tamper("UPDATE honours_vote SET candidate_id = %s WHERE id = %s", [cands[3].pk, victim.pk])
    bad = chain_verify(campaign.pk)
    assert not bad.ok and bad.first_bad_seq == 5


def test_deleting_the_last_votes_is_detected_by_the_chain_head(voting_world):
    w, campaign, cands = voting_world
    voter = voter_for_user(user=w.teachers[0], now=NOW)
    for c in cands[:3]:
        cast(campaign, c, voter)
    tamper("DELETE FROM honours_vote WHERE seq = 3", [])
    assert not chain_verify(campaign.pk).ok


@pytest.mark.postgres
def test_postgres_refuses_to_update_or_delete_a_vote(voting_world):
    from django.db import DatabaseError, transaction

    w, campaign, cands = voting_world
    cast(campaign, cands[0], voter_for_user(user=w.teachers[0], now=NOW))
    with pytest.raises(DatabaseError), transaction.atomic():
        Vote.objects.update(candidate=cands[1])
    with pytest.raises(DatabaseError), transaction.atomic():
        Vote.objects.all().delete()
