"""公示 per unit: each school (town, district) publishes its own notice for the candidates it approved at
that level; nobody publishes another unit's; the public level page lists every unit's notice by unit; an
objection lands on the unit notice it was lodged against, and that unit handles the case."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import scope_for
from honours.errors import HonoursError
from honours.models import LevelKind, Notice
from honours.services import review
from honours.services.notice import notice_publish, objection_decide

from .factories import NOW, build_world, make_campaign, nominate, user

pytestmark = pytest.mark.django_db


def _approved(w, campaign, i, now=NOW):
    """The first student of school i, approved at school level by that school's organiser."""
    cand = nominate(campaign, w.students[w.classes[i].pk][0], actor=w.teachers[i], now=now)
    org = w.school_orgs[i]
    return review.candidate_approve(actor=org, scope=scope_for(org), candidate=cand, now=now)


@pytest.fixture
def two_schools():
    w = build_world()
    campaign = make_campaign(w)
    return w, campaign, [_approved(w, campaign, 0), _approved(w, campaign, 1)]


def _publish(org, level, unit, now=NOW, **kw):
    return notice_publish(actor=org, scope=scope_for(org), level=level, unit=unit, now=now, **kw)


def test_two_schools_publish_their_own_notices_and_neither_can_publish_the_others(two_schools):
    w, campaign, (a, b) = two_schools
    school = campaign.levels.get(kind=LevelKind.SCHOOL)
    first = _publish(w.school_orgs[0], school, w.schools[0])
    second = _publish(w.school_orgs[1], school, w.schools[1])
    assert list(first.candidates.all()) == [a] and list(second.candidates.all()) == [b]
    assert first.pk != second.pk and first.unit == w.schools[0] and second.unit == w.schools[1]
    with pytest.raises(PermissionDenied):
        _publish(w.school_orgs[0], school, w.schools[1])
    with pytest.raises(PermissionDenied):  # another district's organiser
        _publish(w.district_orgs[1], school, w.schools[0])
    with pytest.raises(PermissionDenied):  # a school is not the district unit
        _publish(w.school_orgs[0], campaign.levels.get(kind=LevelKind.DISTRICT), w.districts[0])
    with pytest.raises(PermissionDenied):  # only the committee publishes the final notice
        _publish(w.district_orgs[0], campaign.levels.get(kind=LevelKind.CITY), None, final=True)
    # publishing again restarts that unit's own notice only
    again = _publish(w.school_orgs[0], school, w.schools[0], now=NOW + timezone.timedelta(days=1))
    assert again.pk == first.pk and Notice.objects.count() == 2
    second.refresh_from_db()
    assert second.starts_on == NOW.date()


def test_a_unit_notice_keeps_the_planned_start_date_and_a_school_is_not_a_district_unit(two_schools):
    w, campaign, _cands = two_schools
    school = campaign.levels.get(kind=LevelKind.SCHOOL)
    school.notice_starts_on = NOW.date() + timezone.timedelta(days=2)
    school.save()
    with pytest.raises(HonoursError) as err:
        _publish(w.school_orgs[0], school, w.schools[0])
    assert err.value.code == "notice_before_planned_start"
    with pytest.raises(HonoursError) as err:
        _publish(w.city_org, campaign.levels.get(kind=LevelKind.DISTRICT), w.schools[0])
    assert err.value.code == "not_a_unit"
    assert not Notice.objects.exists()


def test_the_district_notice_lists_the_candidates_its_district_sent_up(two_schools):
    w, campaign, (a, b) = two_schools
    other = _approved(w, campaign, 2)  # the other district's school
    for cand, org in ((a, w.district_orgs[0]), (b, w.district_orgs[0]), (other, w.district_orgs[1])):
        review.candidate_approve(actor=org, scope=scope_for(org), candidate=cand, now=NOW)
    district = campaign.levels.get(kind=LevelKind.DISTRICT)
    mine = _publish(w.district_orgs[0], district, w.districts[0])
    assert set(mine.candidates.all()) == {a, b}
    theirs = _publish(w.city_org, district, w.districts[1])  # the city may publish any unit's
    assert list(theirs.candidates.all()) == [other]


def test_a_town_level_notice_belongs_to_the_town():
    w = build_world()
    campaign = make_campaign(w, levels=(LevelKind.SCHOOL, LevelKind.TOWN, LevelKind.DISTRICT, LevelKind.CITY))
    cand = _approved(w, campaign, 0)
    town_org = user("街道组织者", Role.ORGANISER, w.towns[0])
    review.candidate_approve(actor=town_org, scope=scope_for(town_org), candidate=cand, now=NOW)
    notice = _publish(town_org, campaign.levels.get(kind=LevelKind.TOWN), w.towns[0])
    assert list(notice.candidates.all()) == [cand]
    with pytest.raises(PermissionDenied):
        _publish(town_org, campaign.levels.get(kind=LevelKind.TOWN), w.towns[1])


def test_the_manage_page_shows_each_organiser_only_the_units_they_manage(two_schools, client):
    w, campaign, _cands = two_schools
    url = f"/honours/{campaign.pk}/manage/notices/"
    school = campaign.levels.get(kind=LevelKind.SCHOOL)
    client.force_login(w.school_orgs[0])
    page = client.get(url).content.decode()
    assert w.schools[0].name in page and w.schools[1].name not in page and w.districts[0].name not in page
    assert "发布终评公示" not in page
    refused = client.post(url, {"level_id": school.pk, "unit_id": w.schools[1].pk, "confirmed": "1"})
    assert refused.status_code == 403 and not Notice.objects.exists()
    done = client.post(url, {"level_id": school.pk, "unit_id": w.schools[0].pk, "confirmed": "1"}, follow=True)
    assert "公示已发布" in done.content.decode()
    assert Notice.objects.get().unit == w.schools[0]
    client.force_login(w.district_orgs[0])
    page = client.get(url).content.decode()
    assert w.schools[0].name in page and w.schools[1].name in page and w.districts[0].name in page
    assert w.schools[2].name not in page and w.districts[1].name not in page
    assert f'name="unit_id" value="{w.city.pk}"' not in page
    client.force_login(w.city_org)
    page = client.get(url).content.decode()
    assert all(s.name in page for s in w.schools) and "发布终评公示" in page


def test_the_public_page_lists_both_unit_notices_and_the_objection_lands_on_the_right_one(two_schools, client):
    w, campaign, (a, b) = two_schools
    now = timezone.now()
    school = campaign.levels.get(kind=LevelKind.SCHOOL)
    first = _publish(w.school_orgs[0], school, w.schools[0], now=now)
    second = _publish(w.school_orgs[1], school, w.schools[1], now=now)
    url = f"/honours/{campaign.pk}/notice/school/"
    body = client.get(url).content.decode()
    assert w.schools[0].name in body and w.schools[1].name in body and a.name in body and b.name in body
    assert body.count("公示期：") == 2  # each unit with its own period
    only = client.get(f"{url}?unit={w.schools[1].pk}").content.decode()
    assert b.name in only and a.name not in only
    assert client.get(f"{url}?unit={w.schools[2].pk}").status_code == 404
    # a candidate of the other unit's notice is refused on this one
    wrong = client.post(url, {"notice_id": first.pk, "candidate_id": b.pk, "text": "请核实"})
    assert wrong.status_code == 400 and not b.objections.exists()
    resp = client.post(url, {"notice_id": second.pk, "candidate_id": b.pk, "text": "请核实获奖情况"})
    assert resp.status_code == 302
    objection = b.objections.get()
    assert objection.notice == second and objection.notice.unit == w.schools[1]
    case = f"/honours/{campaign.pk}/manage/objections/{objection.pk}/"
    client.force_login(w.school_orgs[0])
    assert client.get(case).status_code == 403
    with pytest.raises(PermissionDenied):
        objection_decide(
            actor=w.school_orgs[0],
            scope=scope_for(w.school_orgs[0]),
            objection=objection,
            upheld=True,
            findings="",
            reason="r",
            now=now,
        )
    client.force_login(w.school_orgs[1])
    assert client.get(case).status_code == 200
    org = w.school_orgs[1]
    objection_decide(
        actor=org, scope=scope_for(org), objection=objection, upheld=True, findings="查实", reason="材料不实", now=now
    )
    client.logout()
    page = client.get(f"{url}?unit={w.schools[1].pk}").content.decode()
    assert "已撤销" in page and "材料不实" in page
    assert a.name in client.get(f"{url}?unit={w.schools[0].pk}").content.decode()
