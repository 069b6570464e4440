"""Organisers define a campaign on their own pages: a city organiser creates a draft with a chain of
levels (one skipped), dates, quotas and honours; errors come back in Chinese with nothing written;
publishing asks first, fixes every unit's quota by the published rule and locks the structure;
district organisers only see their own units; drafts stay private."""

from decimal import Decimal

import pytest

from honours.models import Campaign, LevelKind, Quota
from honours.services.quotas import quota_for, quota_limit

from .factories import build_world, make_campaign

pytestmark = pytest.mark.django_db
LEVELS = ("school", "town", "district", "city")


def form_data(**over):
    data = {
        "title": "2027年度南通市三好标兵评选<script>x</script>",
        "year": "2027",
        "grade_bands": ["primary_upper", "junior"],
        "rules_text": "<b>公平公正公开</b>，自下而上层层推荐。",
        "voting_level": "city",
        "vote_opens_at": "2027-05-10T08:00",
        "vote_closes_at": "2027-05-17T20:00",
        "votes_per_day": "3",
        "count_display": "exact",
        "freeze_hours": "12",
        "formula": "weighted",
        "panel_weight": "70",
        "gate_top_n": "",
        "notice_working_days": "5",
        "objection_answer_days": "5",
        "honours-TOTAL_FORMS": "3",
        "honours-INITIAL_FORMS": "0",
        "honours-MIN_NUM_FORMS": "0",
        "honours-MAX_NUM_FORMS": "1000",
        "honours-0-name": "十佳三好标兵",
        "honours-0-places": "10",
        "honours-1-name": "三好标兵",
        "honours-1-places": "40",
    }
    days = {
        "school": ("03-01", "03-20", "03-31"),
        "district": ("04-01", "04-10", "04-20"),
        "city": ("04-21", "04-30", "05-31"),
    }
    for kind in LEVELS:
        if kind not in days:
            continue  # the town level is skipped
        opens, closes, review = days[kind]
        data.update(
            {
                f"{kind}-included": "on",
                f"{kind}-nomination_opens_at": f"2027-{opens}T08:00",
                f"{kind}-nomination_closes_at": f"2027-{closes}T18:00",
                f"{kind}-review_closes_at": f"2027-{review}T18:00",
                f"{kind}-quota_mode": "fixed",
                f"{kind}-quota_fixed": "3",
                f"{kind}-quota_rounding": "round",
                f"{kind}-quota_minimum": "0",
            }
        )
    data.update({"school-quota_mode": "per_mille", "school-quota_fixed": "", "school-quota_per_mille": "500"})
    data.update({"school-quota_rounding": "floor", "school-quota_minimum": "1"})
    for kind in ("town",):
        data.update({f"{kind}-quota_mode": "fixed", f"{kind}-quota_minimum": "0", f"{kind}-quota_rounding": "round"})
    data.update(over)
    return data


@pytest.fixture
def w():
    return build_world()


def test_city_organiser_creates_a_draft_with_a_skipped_level_and_sanitised_text(w, client):
    client.force_login(w.city_org)
    assert "新建评选活动" in client.get("/honours/manage/").content.decode()
    resp = client.post("/honours/manage/new/", form_data())
    campaign = Campaign.objects.get()
    assert resp.status_code == 302 and resp.url == f"/honours/{campaign.pk}/manage/quotas/"
    assert campaign.draft and campaign.owner_org == w.city and campaign.created_by == w.city_org
    assert "<" not in campaign.title and campaign.rules_text == "公平公正公开，自下而上层层推荐。"
    assert [lv.kind for lv in campaign.levels.order_by("order")] == ["school", "district", "city"]
    school = campaign.levels.get(kind="school")
    assert school.quota_per_mille == Decimal("500") and school.quota_fixed is None
    assert campaign.nomination_closes_at == school.nomination_closes_at  # the first level's deadline binds
    assert [(h.name, h.places) for h in campaign.honours.order_by("order")] == [("十佳三好标兵", 10), ("三好标兵", 40)]
    # not public while a draft
    assert client.get(f"/honours/{campaign.pk}/").status_code == 404
    assert campaign.pk not in [c["id"] for c in client.get("/api/v1/honours/campaigns").json()]


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"school-nomination_opens_at": "2027-03-25T08:00"}, "推荐开始时间须早于推荐截止时间"),
        (
            {"city-review_closes_at": "2027-04-15T08:00", "city-nomination_closes_at": "2027-04-14T08:00"},
            "评审截止须晚于下一级",
        ),
        ({"voting_level": "town"}, "投票层级必须是已选择的评选层级之一"),
        ({"school-quota_per_mille": ""}, "请填写千分比"),
        ({"grade_bands": []}, "参评学段"),
        ({"honours-0-places": "0"}, "名额"),
        ({"vote_opens_at": "2027-05-18T08:00"}, "投票开始时间须早于结束时间"),
        ({"formula": "gate", "gate_top_n": "20"}, "门槛名额不能少于荣誉总名额（50）"),
    ],
)
def test_bad_definitions_are_refused_in_chinese_and_nothing_is_written(w, client, over, message):
    client.force_login(w.city_org)
    resp = client.post("/honours/manage/new/", form_data(**over))
    assert resp.status_code == 400
    assert message in resp.content.decode()
    assert not Campaign.objects.exists()


def test_district_organisers_cannot_create_or_edit_and_see_only_their_units(w, client):
    client.force_login(w.district_orgs[0])
    assert client.post("/honours/manage/new/", form_data()).status_code == 403
    client.force_login(w.city_org)
    client.post("/honours/manage/new/", form_data())
    campaign = Campaign.objects.get()
    client.force_login(w.district_orgs[0])
    assert campaign.title not in client.get("/honours/manage/").content.decode()  # drafts stay with the owner
    assert client.get(f"/honours/{campaign.pk}/manage/quotas/").status_code == 403
    client.force_login(w.city_org)
    client.post(f"/honours/{campaign.pk}/manage/publish/", {"confirmed": "1"})
    client.force_login(w.district_orgs[0])
    assert campaign.title in client.get("/honours/manage/").content.decode()
    page = client.get(f"/honours/{campaign.pk}/manage/quotas/").content.decode()
    assert w.schools[0].name in page and w.schools[2].name not in page and w.districts[1].name not in page
    assert client.get(f"/honours/{campaign.pk}/manage/edit/").status_code == 403
    assert client.post(f"/honours/{campaign.pk}/manage/publish/", {"confirmed": "1"}).status_code == 403


def test_publish_confirms_then_fixes_quotas_by_the_same_rule_as_approvals(client):
    w = build_world(students_per_class=3)
    client.force_login(w.city_org)
    client.post("/honours/manage/new/", form_data())
    campaign = Campaign.objects.get()
    preview = client.get(f"/honours/{campaign.pk}/manage/quotas/").content.decode()
    assert 'data-confirm="' in preview and "发布活动并锁定名额" in preview
    # 3 students × 500‰ = 1.5 → floor 1 per school, minimum 1
    resp = client.post(f"/honours/{campaign.pk}/manage/publish/")
    assert resp.status_code == 200 and "确认发布" in resp.content.decode()  # the no-JS confirmation step
    campaign.refresh_from_db()
    assert campaign.draft and not Quota.objects.exists()
    client.post(f"/honours/{campaign.pk}/manage/publish/", {"confirmed": "1"})
    campaign.refresh_from_db()
    assert not campaign.draft and campaign.published_by == w.city_org
    school_level = campaign.levels.get(kind=LevelKind.SCHOOL)
    for school in w.schools:
        quota = Quota.objects.get(level=school_level, unit=school)
        assert quota.limit == 1 == quota_limit(level=school_level, unit=school)
        assert quota_for(level=school_level, unit=school).pk == quota.pk
    district_level = campaign.levels.get(kind=LevelKind.DISTRICT)
    assert {q.unit_id: q.limit for q in district_level.quotas.all()} == {d.pk: 3 for d in w.districts}
    assert client.get(f"/honours/{campaign.pk}/").status_code == 200  # public now
    client.post(f"/honours/{campaign.pk}/manage/publish/", {"confirmed": "1"})
    assert Quota.objects.filter(level=school_level).count() == len(w.schools)


def test_per_mille_rounding_rules_on_the_preview(client):
    w = build_world(students_per_class=5)
    client.force_login(w.city_org)
    client.post(
        "/honours/manage/new/", form_data(**{"school-quota_per_mille": "300", "school-quota_rounding": "round"})
    )
    campaign = Campaign.objects.get()
    page = client.get(f"/honours/{campaign.pk}/manage/quotas/").content.decode()
    # 5 × 0.3 = 1.5 → half-up 2
    assert f'data-unit="{w.schools[0].pk}"><td>{w.schools[0].name}</td><td>5</td><td data-limit>2</td>' in page


def test_after_publishing_the_structure_is_locked_but_dates_and_text_may_change(w, client):
    client.force_login(w.city_org)
    client.post("/honours/manage/new/", form_data())
    campaign = Campaign.objects.get()
    client.post(f"/honours/{campaign.pk}/manage/publish/", {"confirmed": "1"})
    # disabled fields keep their stored values whatever is posted
    resp = client.post(
        f"/honours/{campaign.pk}/manage/edit/",
        form_data(
            title="2027年度三好标兵评选（更正）", votes_per_day="50", **{"city-review_closes_at": "2027-06-01T18:00"}
        ),
    )
    assert resp.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "2027年度三好标兵评选（更正）" and campaign.votes_per_day == 3
    assert campaign.levels.get(kind="city").review_closes_at.month == 6
    assert [lv.kind for lv in campaign.levels.order_by("order")] == ["school", "district", "city"]


def test_existing_campaigns_are_not_drafts_and_stay_public(w, client):
    campaign = make_campaign(w)
    assert client.get(f"/honours/{campaign.pk}/").status_code == 200


def test_the_dates_bind_nominations_and_sending_up(w, client):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from accounts.selectors import scope_for
    from honours.errors import HonoursError
    from honours.services.review import candidate_approve, candidate_attest, candidate_nominate

    tz = ZoneInfo("Asia/Shanghai")
    client.force_login(w.city_org)
    early = {"district-nomination_opens_at": "2027-03-15T08:00", "district-nomination_closes_at": "2027-03-28T18:00"}
    client.post("/honours/manage/new/", form_data(**early))
    campaign = Campaign.objects.get()
    teacher, student = w.teachers[0], w.students[w.classes[0].pk][0]

    def nominate_at(when):
        return candidate_nominate(
            actor=teacher,
            scope=scope_for(teacher),
            campaign=campaign,
            student=student,
            deeds="乐于助人",
            summary="乐于助人",
            now=when,
        )

    with pytest.raises(HonoursError, match="尚未发布"):
        nominate_at(datetime(2027, 3, 5, tzinfo=tz))
    client.post(f"/honours/{campaign.pk}/manage/publish/", {"confirmed": "1"})
    campaign.refresh_from_db()
    with pytest.raises(HonoursError, match="推荐尚未开始"):
        nominate_at(datetime(2027, 2, 28, tzinfo=tz))
    with pytest.raises(HonoursError, match="推荐已截止"):
        nominate_at(datetime(2027, 3, 21, tzinfo=tz))
    cand = nominate_at(datetime(2027, 3, 5, tzinfo=tz))
    org = w.school_orgs[0]
    candidate_attest(
        actor=org,
        scope=scope_for(org),
        candidate=cand,
        excellent=True,
        no_discipline=True,
        now=datetime(2027, 3, 6, tzinfo=tz),
    )
    # the district level's nominations closed on 28 March: the school can no longer send the candidate up
    with pytest.raises(HonoursError, match="上一级推荐/申报已截止"):
        candidate_approve(actor=org, scope=scope_for(org), candidate=cand, now=datetime(2027, 3, 29, tzinfo=tz))
    cand = candidate_approve(actor=org, scope=scope_for(org), candidate=cand, now=datetime(2027, 3, 25, tzinfo=tz))
    assert cand.level.kind == "district"
