"""One code per family: a class gets one batch of codes per campaign, never a second one."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organization, OrgKind, Role
from honours.errors import HonoursError
from honours.models import VoteCode, VoteCodeBatch
from honours.services.codes import vote_codes_issue

from .factories import NOW, build_world, make_campaign, user

pytestmark = pytest.mark.django_db


def test_a_class_gets_one_batch_of_codes_only(tmp_path):
    w = build_world()
    campaign = make_campaign(w)
    klass = w.classes[0]
    _batch, codes = vote_codes_issue(campaign=campaign, klass=klass, now=NOW)
    assert len(codes) == 3
    with pytest.raises(HonoursError) as err:
        vote_codes_issue(campaign=campaign, klass=klass, now=NOW)
    assert err.value.code == "codes_already_issued"
    out = tmp_path / "slips.pdf"
    with pytest.raises(CommandError):
        call_command("issue_vote_codes", str(campaign.pk), "--class", str(klass.pk), "--out", str(out))
    with pytest.raises(CommandError):  # every class of the school already has its codes
        call_command("issue_vote_codes", str(campaign.pk), "--school", str(w.schools[0].pk), "--out", str(out))
    assert VoteCode.objects.filter(campaign=campaign).count() == 3
    # a school run issues only the classes still without codes
    extra = Organization.objects.create(name="5年级2班", kind=OrgKind.CLASS, parent=w.schools[0], grade=5)
    user("新生", Role.STUDENT, extra)
    call_command("issue_vote_codes", str(campaign.pk), "--school", str(w.schools[0].pk), "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert VoteCodeBatch.objects.filter(campaign=campaign, klass=extra).count() == 1
    assert VoteCode.objects.filter(campaign=campaign).count() == 4
    # another campaign is another set of codes
    other = make_campaign(w, title="另一次评选")
    vote_codes_issue(campaign=other, klass=klass, now=NOW)
