from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role
from accounts.selectors import scope_for
from honours.models import Formula
from honours.services.review import panel_score_save
from honours.standings import public_counts, standings

from .factories import NOW, points_by_name, user
from .synth import add_votes

pytestmark = pytest.mark.django_db


def give(campaign, cand, n, start=NOW):
    add_votes(
        campaign,
        [
            {"candidate": cand, "voter_key": f"u{cand.pk}-{i}", "cast_at": start + timedelta(seconds=i)}
            for i in range(n)
        ],
    )


def score(w, cand, totals):
    for i, (a, b) in enumerate(totals):
        judge = user(f"评委{i}", Role.JUDGE, None)
        panel_score_save(
            judge=judge,
            scope=scope_for(judge),
            candidate=cand,
            points=points_by_name(cand.campaign, {"事迹": a, "材料": b}),
            now=NOW,
        )


def test_weighted_formula_normalises_votes_to_the_top_and_breaks_ties(voting_world):
    w, campaign, cands = voting_world
    give(campaign, cands[0], 40)
    give(campaign, cands[1], 20)
    give(campaign, cands[2], 10)
    give(campaign, cands[3], 20)
    score(w, cands[0], [(50, 30)])  # 80
    score(w, cands[1], [(55, 35), (45, 35), (60, 40), (30, 20), (50, 30)])  # trimmed mean of 90,80,100,50,80 = 83.33
    score(w, cands[2], [(60, 40)])  # 100
    score(w, cands[3], [(55, 30)])  # 85
    rows = standings(campaign)
    by_id = {r.candidate_id: r for r in rows}
    assert by_id[cands[0].pk].combined == Decimal("86.00")  # 80*.7 + 100*.3
    assert by_id[cands[1].pk].panel == Decimal("83.33")
    assert by_id[cands[1].pk].combined == Decimal("73.33")  # 58.331 + 15
    assert by_id[cands[2].pk].combined == Decimal("77.50")  # 70 + 7.5
    assert by_id[cands[3].pk].combined == Decimal("74.50")  # 59.5 + 15
    assert [r.candidate_id for r in rows] == [cands[0].pk, cands[2].pk, cands[3].pk, cands[1].pk]
    assert [r.honour for r in rows] == ["十佳三好标兵", "三好标兵", "三好标兵", ""]


def test_gate_formula_lets_the_top_n_by_votes_through_ranked_by_panel(voting_world):
    w, campaign, cands = voting_world
    campaign.formula, campaign.gate_top_n = Formula.GATE, 2
    campaign.save()
    for c, n in zip(cands, (30, 20, 20, 5), strict=True):
        give(campaign, c, n)
    for c, p in zip(cands, ((40, 20), (50, 30), (55, 35), (60, 40)), strict=True):
        score(w, c, [p])
    rows = standings(campaign)
    # tie at the gate: both 20-vote candidates pass; the 5-vote candidate does not, whatever the panel says
    assert [r.candidate_id for r in rows] == [cands[2].pk, cands[1].pk, cands[0].pk, cands[3].pk]
    assert rows[-1].combined is None and rows[-1].honour == ""


def test_tally_command_prints_the_same_table_and_verifies_the_chain(voting_world, capsys):
    w, campaign, cands = voting_world
    give(campaign, cands[0], 7)
    give(campaign, cands[1], 3, start=NOW + timedelta(days=1))
    call_command("tally_votes", str(campaign.pk))
    out = capsys.readouterr().out
    assert "哈希链校验通过：10 条记录" in out and "有效票总数：10" in out
    for r in standings(campaign):
        assert f"{r.rank:<6} {r.candidate_id:<10} {r.name:<8} {r.votes:>9} {r.vote_score:>9}" in out
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")
        cur.execute("UPDATE honours_vote SET voter_key = 'u0' WHERE seq = 2")
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = origin")
    with pytest.raises(CommandError):
        call_command("tally_votes", str(campaign.pk))
    assert "序号 2" in capsys.readouterr().err


def test_page_api_and_tally_show_the_same_counts_and_the_freeze_holds(voting_world, client):
    from django.utils import timezone

    w, campaign, cands = voting_world
    now = timezone.now()
    campaign.vote_opens_at, campaign.vote_closes_at, campaign.freeze_hours = (
        now - timedelta(days=1),
        now + timedelta(hours=2),
        3,
    )
    campaign.save()
    give(campaign, cands[0], 5, start=now - timedelta(hours=5))
    give(campaign, cands[1], 4, start=now - timedelta(minutes=30))  # inside the freeze
    api = {r["id"]: r["votes"] for r in client.get(f"/api/v1/honours/campaigns/{campaign.pk}/candidates").json()}
    shown = {cid: v["votes"] for cid, v in public_counts(campaign, now).items()}
    assert api == shown
    assert api[cands[0].pk] == 5 and api[cands[1].pk] == 0  # frozen display
    assert {r.candidate_id: r.votes for r in standings(campaign)}[cands[1].pk] == 4  # the tally counts everything
    page = client.get(f"/honours/{campaign.pk}/").content.decode()
    assert "5 票" in page
