"""Concurrent requests on PostgreSQL: threads with their own connections race the same rule."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from accounts.selectors import scope_for
from honours.errors import AlreadyVotedToday, DailyLimit, QuotaExceeded
from honours.models import LevelApproval, Quota, Vote, VoterDay
from honours.services.review import candidate_approve
from honours.services.voting import VoteMeta, vote_cast, voter_for_user

from .factories import NOW, approve_to, build_world, make_campaign, nominate

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(n: int, fn) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # the outcome under test, collected per thread
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _voting():
    w = build_world()
    campaign = make_campaign(w)
    cands = [
        approve_to(nominate(campaign, w.students[k.pk][0], actor=w.teachers[i]), "city", w)
        for i, k in enumerate(w.classes)
    ]
    return w, campaign, cands


def test_concurrent_double_votes_count_once():
    w, campaign, cands = _voting()
    voter = voter_for_user(user=w.teachers[0], now=NOW)
    results = race(
        8, lambda i: vote_cast(campaign=campaign, candidate_id=cands[0].pk, voter=voter, meta=VoteMeta(), now=NOW)
    )
    assert sum(isinstance(r, int) for r in results) == 1
    assert all(isinstance(r, AlreadyVotedToday) for r in results if not isinstance(r, int))
    assert Vote.objects.count() == 1 and VoterDay.objects.get().used == 1


def test_concurrent_votes_never_pass_the_daily_limit():
    w, campaign, cands = _voting()
    voter = voter_for_user(user=w.teachers[0], now=NOW)
    results = race(
        8,
        lambda i: vote_cast(
            campaign=campaign,
            candidate_id=cands[i % 4].pk,
            voter=voter,
            meta=VoteMeta(),
            now=NOW + timedelta(seconds=i),
        ),
    )
    ok = [r for r in results if isinstance(r, int)]
    assert len(ok) == 3
    assert all(isinstance(r, (DailyLimit, AlreadyVotedToday)) for r in results if not isinstance(r, int))
    assert Vote.objects.count() == 3 and VoterDay.objects.get().used == 3
    assert sorted(Vote.objects.values_list("seq", flat=True)) == [1, 2, 3]


def test_concurrent_approvals_never_exceed_a_quota():
    w = build_world(students_per_class=6)
    campaign = make_campaign(w, quota=2)
    cands = [nominate(campaign, s, actor=w.teachers[0]) for s in w.students[w.classes[0].pk]]
    org = w.school_orgs[0]
    results = race(6, lambda i: candidate_approve(actor=org, scope=scope_for(org), candidate=cands[i], now=NOW))
    assert sum(not isinstance(r, Exception) for r in results) == 2
    assert all(isinstance(r, QuotaExceeded) for r in results if isinstance(r, Exception))
    assert Quota.objects.get(unit=w.schools[0]).used == 2
    assert LevelApproval.objects.count() == 2
