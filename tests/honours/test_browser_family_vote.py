"""A family votes on a phone with the code from the printed slip (typed in, as from the QR link)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from honours.models import Vote
from honours.services.codes import format_code, vote_codes_issue

from .factories import approve_to, build_world, make_campaign, nominate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_family_votes_with_a_code_on_a_phone(live_daphne, phone_page):
    w = build_world()
    now = timezone.now()
    campaign = make_campaign(
        w, vote_opens_at=now - timedelta(hours=1), vote_closes_at=now + timedelta(days=2), votes_per_day=2
    )
    cands = [
        approve_to(nominate(campaign, w.students[k.pk][0], actor=w.teachers[i]), "city", w)
        for i, k in enumerate(w.classes)
    ]
    _batch, codes = vote_codes_issue(campaign=campaign, klass=w.classes[0], now=now)
    code = format_code(codes[0][1]).lower()

    page = phone_page
    page.goto(f"{live_daphne}/honours/vote/")
    page.get_by_label("投票码").fill(code)
    page.get_by_role("button", name="进入投票").click()
    page.wait_for_url(f"**/honours/{campaign.pk}/")
    assert "家庭投票码" in page.inner_text("main")
    page.get_by_role("button", name=f"投 {cands[1].name} 一票").click()
    page.get_by_text("投票成功！今天还可以投 1 票。").wait_for()
    page.get_by_role("button", name=f"投 {cands[2].name} 一票").click()
    page.get_by_text("投票成功！今天还可以投 0 票。").wait_for()
    page.get_by_role("button", name=f"投 {cands[3].name} 一票").click()
    page.get_by_text("今天的票数已用完。").wait_for()
    # the live count reaches the page over the WebSocket
    page.locator(f'[data-candidate="{cands[1].pk}"] [data-count]').filter(has_text="1 票").wait_for()
    assert sorted(Vote.objects.values_list("candidate_id", flat=True)) == [cands[1].pk, cands[2].pk]
    assert set(Vote.objects.values_list("voter_key", flat=True)) == {Vote.objects.first().voter_key}
    # the buttons are big enough to tap
    box = page.get_by_role("button", name=f"投 {cands[0].name} 一票").bounding_box()
    assert box["height"] >= 40
