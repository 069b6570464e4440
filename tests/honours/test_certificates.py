from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.selectors import scope_for
from honours.services.notice import notice_publish
from results.errors import CertificateError
from results.models import Certificate, CertificateKind
from results.services import certificate_template_save, certificates_generate

from .synth import add_votes

pytestmark = pytest.mark.django_db


def test_winners_get_verifiable_certificates_after_the_final_notice(voting_world, client):
    w, campaign, cands = voting_world
    now = timezone.now()
    campaign.vote_opens_at, campaign.vote_closes_at = now - timedelta(days=30), now - timedelta(days=20)
    campaign.panel_weight = 0
    campaign.save()
    for c, n in zip(cands, (9, 7, 5, 1), strict=True):
        add_votes(
            campaign,
            [{"candidate": c, "voter_key": f"u{c.pk}{i}", "cast_at": now - timedelta(days=25)} for i in range(n)],
        )
    boss = w.city_org
    template = certificate_template_save(
        actor=boss,
        scope=scope_for(boss),
        contest=campaign,
        kind=CertificateKind.AWARD,
        title="荣誉证书",
        body="在三好标兵评选中表现突出，特发此证。",
        issuer="南通市关工委",
        issue_date=now.date(),
    )
    with pytest.raises(CertificateError):
        certificates_generate(template=template)  # no final notice yet
    level = campaign.levels.get(kind="city")
    notice = notice_publish(actor=boss, scope=scope_for(boss), level=level, now=now - timedelta(days=19), final=True)
    assert set(notice.candidates.values_list("pk", flat=True)) == {c.pk for c in cands[:3]}
    result = certificates_generate(template=template)
    assert result.created == 3
    certs = {c.holder_id: c for c in Certificate.objects.all()}
    assert certs[cands[0].student_id].award_text == "十佳三好标兵"
    assert certs[cands[1].student_id].award_text == "三好标兵"
    assert cands[3].student_id not in certs
    page = client.get(f"/verify/{certs[cands[0].student_id].code}/")
    assert page.status_code == 200 and "十佳三好标兵" in page.content.decode()
    # the public page shows the honours
    body = client.get(f"/honours/{campaign.pk}/").content.decode()
    assert "评选结果" in body and cands[0].name in body
