"""One code per family, not per student: siblings (the roster's keyed family hash) get one code, printed by
whichever of their classes is issued first and naming the other children; a sibling's class prints none.
A student without a family key is a family of their own."""

import io

import pytest
from django.core.management import call_command

from accounts.family import family_key
from honours.errors import HonoursError
from honours.models import VoteCode, VoteCodeBatch, VoteCodeFamily
from honours.services.codes import given_name, vote_code_batch_issue
from honours.services.voting import voter_for_code
from honours.slips import siblings_line, slips_pdf

from .factories import NOW, build_world, make_campaign

pytestmark = pytest.mark.django_db


def _family(*students, phone="13900000001"):
    key = family_key(guardian_phone=phone)
    for s in students:
        s.real_name = s.real_name or s.username
        s.family_key = key
        s.save(update_fields=["family_key", "real_name"])
    return key


def _world():
    w = build_world()
    a, b = w.classes[0], w.classes[1]  # two schools of one district
    twin1, twin2, alone = w.students[a.pk]
    twin1.real_name, twin2.real_name = "王大宝", "王二宝"
    elder = w.students[b.pk][0]
    elder.real_name = "王大姐"
    _family(twin1, twin2, elder)
    return w, a, b, (twin1, twin2, alone, elder)


def test_a_family_gets_one_code_naming_its_children_and_a_siblings_class_prints_none():
    w, a, b, (_twin1, _twin2, alone, _elder) = _world()
    campaign = make_campaign(w)
    first = vote_code_batch_issue(campaign=campaign, klass=a, now=NOW)
    assert (first.students, first.sibling_skipped, len(first.slips)) == (3, 1, 2)  # the twins share one
    by_name = {s.name: s for s in first.slips}
    family = next(s for s in first.slips if s.name.startswith("王"))  # one of the twins holds it
    assert set(by_name) == {family.name, alone.real_name}
    # given names of the family's other children, the one at another school too
    assert sorted([given_name(family.name), *family.siblings]) == sorted(["大宝", "二宝", "大姐"])
    assert len(family.siblings) == 2
    assert by_name[alone.real_name].siblings == []  # no family key: a code of their own
    second = vote_code_batch_issue(campaign=campaign, klass=b, now=NOW)
    assert (second.students, second.sibling_skipped, len(second.slips)) == (3, 1, 2)
    assert "王大姐" not in {s.name for s in second.slips}
    # each code stays bound to the class batch it was issued in
    for issued in (first, second):
        assert VoteCode.objects.filter(batch=issued.batch).count() == len(issued.slips) == issued.batch.size
    assert VoteCodeFamily.objects.get(campaign=campaign).batch == first.batch
    voter = voter_for_code(campaign=campaign, code=family.code)
    assert voter.code_batch_id == first.batch.pk
    # the one-batch-per-class rule is unchanged
    with pytest.raises(HonoursError) as err:
        vote_code_batch_issue(campaign=campaign, klass=a, now=NOW)
    assert err.value.code == "codes_already_issued" and err.value.status == 409
    # another campaign is another set of families
    other = make_campaign(w, title="另一次评选")
    assert len(vote_code_batch_issue(campaign=other, klass=b, now=NOW).slips) == 3


def test_only_children_in_the_campaigns_region_are_named_on_the_slip():
    w, a, _b, _students = _world()
    far = w.students[w.classes[2].pk][0]  # a cousin-by-data-entry in the other district
    far.real_name = "王远"
    _family(far, phone="13900000001")
    campaign = make_campaign(w, owner_org=w.districts[0])
    family = next(s for s in vote_code_batch_issue(campaign=campaign, klass=a, now=NOW).slips if "王" in s.name)
    assert len(family.siblings) == 2 and "远" not in family.siblings


def test_the_command_reports_families_students_and_siblings_covered(tmp_path):
    w, a, b, _students = _world()
    campaign = make_campaign(w)
    out = io.StringIO()
    pdf = tmp_path / "slips.pdf"
    call_command("issue_vote_codes", str(campaign.pk), "--class", str(a.pk), "--out", str(pdf), stdout=out)
    assert "2 个投票码（2 户），3 名学生，1 名由兄弟姐妹的投票码覆盖" in out.getvalue()
    out = io.StringIO()
    call_command("issue_vote_codes", str(campaign.pk), "--school", str(b.parent_id), "--out", str(pdf), stdout=out)
    assert "共 2 张纸条：2 户，覆盖 3 名学生，其中 1 名由兄弟姐妹的投票码覆盖" in out.getvalue()
    assert pdf.read_bytes().startswith(b"%PDF")
    assert VoteCode.objects.filter(campaign=campaign).count() == 4


def test_the_codes_page_shows_what_each_batch_covered(client):
    w, a, _b, _students = _world()
    campaign = make_campaign(w)
    client.force_login(w.teachers[0])
    url = f"/honours/{campaign.pk}/manage/codes/"
    assert "家庭编号" in client.get(url).content.decode()
    pdf = client.post(url, {"class_id": a.pk, "confirmed": "1"})
    assert pdf.content.startswith(b"%PDF")
    page = client.get(url).content.decode()
    assert "2 个投票码 · 3 名学生 · 1 名由兄弟姐妹的投票码覆盖" in page
    assert VoteCodeBatch.objects.get(campaign=campaign, klass=a).sibling_skipped == 1


def test_slip_helpers_name_children_by_given_name_and_fit_the_line():
    assert [given_name(n) for n in ("王小红", "欧阳娜娜", "李", "Tom")] == ["小红", "娜娜", "李", "Tom"]
    assert siblings_line(["小红"]) == "兄弟姐妹共用本码：小红"
    assert siblings_line(["一一一一", "二二二二", "三三三三"]) == "兄弟姐妹共用本码：一一一一、二二二二等3人"
    from honours.services.codes import FamilySlip

    data = slips_pdf(title="评选", class_name="5年级1班", codes=[FamilySlip("王大宝", "ABCDEFGHJK", ["二宝"])])
    assert data.startswith(b"%PDF")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_siblings_classes_issued_at_once_print_the_familys_code_once():
    from .test_concurrency import race

    w = build_world()
    a, b = w.classes[0], w.classes[1]
    _family(w.students[a.pk][0], w.students[b.pk][0])
    campaign = make_campaign(w)
    results = race(2, lambda i: vote_code_batch_issue(campaign=campaign, klass=(a, b)[i], now=NOW))
    assert not [r for r in results if isinstance(r, Exception)]
    assert sorted(r.sibling_skipped for r in results) == [0, 1]
    assert VoteCode.objects.filter(campaign=campaign).count() == 5  # six students, one family of two
    assert VoteCodeFamily.objects.filter(campaign=campaign).count() == 1
