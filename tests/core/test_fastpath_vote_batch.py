"""One group-committed batch of the vote fast path, decided by the database function honours_vote_batch,
gives each ballot vote_cast's answer in arrival order — a repeat inside the batch, the day's limit
reached inside the batch, a candidate not on the ballot — and writes a chain that verifies."""

from datetime import timedelta

from asgiref.sync import sync_to_async
from django.utils import timezone

from honours.chain import chain_verify
from honours.errors import AlreadyVotedToday, DailyLimit
from honours.fastpath import Ballot, VoteFastPath, Voter
from honours.models import Vote, VoteCode, VoterDay
from honours.services.codes import vote_codes_issue
from tests.honours.factories import build_world, voting_now

from .fastpath_asgi import POSTGRES_ASGI

pytestmark = POSTGRES_ASGI


def _world():
    w = build_world()
    campaign, cands = voting_now(w)  # 3 votes per voter and day
    _batch, _codes = vote_codes_issue(campaign=campaign, klass=w.classes[0], now=timezone.now())
    code = VoteCode.objects.filter(campaign=campaign).first()
    return campaign, [c.pk for c in cands], code


async def test_one_batch_decides_each_ballot_in_arrival_order():
    campaign, cands, code = await sync_to_async(_world)()
    now = timezone.now()
    account = Voter("u1", None, 3600)
    family = Voter(f"c{code.pk}", code.batch_id, None)

    def ballot(voter, candidate, seconds):
        return Ballot(campaign.pk, candidate, voter, "10.0.0.0/24", "ua", "", now + timedelta(seconds=seconds))

    batch = [
        ballot(account, cands[0], 0),
        ballot(account, cands[0], 0.001),  # the same candidate again, in the same batch
        ballot(family, cands[0], 0.002),
        ballot(account, cands[1], 0.003),
        ballot(account, 999_999_999, 0.004),  # not on the ballot: Django answers it
        ballot(account, cands[2], 0.005),
        ballot(account, cands[3], 0.006),  # a fourth vote today: over the limit of 3
    ]
    fast = VoteFastPath(None)
    try:
        results = await fast._write_batch(batch)
    finally:
        await fast.close()

    assert results[0] == 2 and results[2] == 2 and results[3] == 1 and results[5] == 0
    assert isinstance(results[1], AlreadyVotedToday) and isinstance(results[6], DailyLimit)
    assert results[4] is None

    def stored():
        votes = list(Vote.objects.filter(campaign=campaign).order_by("seq").values_list("voter_key", "candidate_id"))
        used = dict(VoterDay.objects.filter(campaign=campaign).values_list("voter_key", "used"))
        code.refresh_from_db()
        return votes, used, code.first_used_at, chain_verify(campaign.pk)

    votes, used, first_used_at, chain = await sync_to_async(stored)()
    assert votes == [("u1", cands[0]), (family.key, cands[0]), ("u1", cands[1]), ("u1", cands[2])]
    assert used == {"u1": 3, family.key: 1}
    assert first_used_at == now
    assert chain.ok and chain.rows == 4  # the links the database made verify with honours.chain


async def test_a_second_batch_sees_the_first_batchs_votes():
    campaign, cands, _code = await sync_to_async(_world)()
    now = timezone.now()
    voter = Voter("u7", None, 60)
    fast = VoteFastPath(None)
    try:
        first = await fast._write_batch([Ballot(campaign.pk, cands[0], voter, "", "", "", now)])
        again = await fast._write_batch([Ballot(campaign.pk, cands[0], voter, "", "", "", now)])
        other = await fast._write_batch([Ballot(campaign.pk, cands[1], voter, "", "", "", now)])
    finally:
        await fast.close()
    assert first == [2] and isinstance(again[0], AlreadyVotedToday) and other == [1]
    assert (await sync_to_async(chain_verify)(campaign.pk)).ok
