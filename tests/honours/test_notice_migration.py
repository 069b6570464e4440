"""Migration 0007_notice_per_unit: an old level-wide notice is split into one notice per unit of the
candidates it listed (the unit on the candidate's approval at that level), with the same period and
publisher; each objection follows its candidate to that unit's notice; the final notice becomes the
campaign owner's (city) notice."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("honours", "0006_remove_campaign_rubric")]
AFTER = [("honours", "0007_notice_per_unit")]
AT = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_world(apps):
    Org = apps.get_model("accounts", "Organization")
    User = apps.get_model("accounts", "User")

    def org(name, kind, parent=None):
        node = Org.objects.create(name=name, kind=kind, parent=parent)
        node.path = f"{parent.path if parent else '/'}{node.pk}/"
        node.depth = node.path.count("/") - 2
        node.save()
        return node

    city = org("南通市", "city")
    district = org("崇川区", "district", city)
    town = org("街道", "town", district)
    schools = [org("甲校", "school", town), org("乙校", "school", town)]
    boss = User.objects.create(username="boss", real_name="市组织者")
    Campaign = apps.get_model("honours", "Campaign")
    campaign = Campaign.objects.create(title="评选", year=2026, owner_org=city, created_by=boss)
    Level = apps.get_model("honours", "CampaignLevel")
    school_level = Level.objects.create(campaign=campaign, kind="school", order=0, quota_fixed=2)
    city_level = Level.objects.create(campaign=campaign, kind="city", order=1, quota_fixed=2)
    Candidate = apps.get_model("honours", "Candidate")
    Approval = apps.get_model("honours", "LevelApproval")
    cands = []
    for i, school in enumerate(schools):
        klass = org(f"{school.name}5班", "class", school)
        student = User.objects.create(username=f"s{i}", real_name=f"学生{i}")
        cand = Candidate.objects.create(
            campaign=campaign,
            student=student,
            name=student.real_name,
            klass=klass,
            school=school,
            district=district,
            grade=5,
            level=city_level,
            deeds="事迹",
            summary="摘要",
            nominated_by=boss,
        )
        Approval.objects.create(candidate=cand, level=school_level, unit=school, approved_by=boss, at=AT)
        cands.append(cand)
    Notice = apps.get_model("honours", "Notice")
    period = {"starts_on": date(2026, 11, 2), "ends_on": date(2026, 11, 6), "published_by": boss, "published_at": AT}
    level_notice = Notice.objects.create(campaign=campaign, level=school_level, final=False, **period)
    level_notice.candidates.set(cands)
    final = Notice.objects.create(campaign=campaign, level=city_level, final=True, **period)
    final.candidates.set(cands[:1])
    Objection = apps.get_model("honours", "Objection")
    for cand in cands:
        Objection.objects.create(
            notice=level_notice, candidate=cand, text="异议", lodged_at=AT, answer_due=date(2026, 11, 9)
        )
    return city, schools, cands, level_notice.pk, final.pk


@pytest.mark.django_db(transaction=True)
def test_old_level_notices_are_split_by_unit_and_objections_follow_their_candidate():
    try:
        city, schools, cands, level_pk, final_pk = _old_world(_migrate(BEFORE))
        apps = _migrate(AFTER)
        Notice = apps.get_model("honours", "Notice")
        by_unit = {n.unit_id: n for n in Notice.objects.filter(final=False)}
        assert set(by_unit) == {schools[0].pk, schools[1].pk}
        assert by_unit[schools[0].pk].pk == level_pk  # the first unit keeps the old row (and its links)
        for school, cand in zip(schools, cands, strict=True):
            notice = by_unit[school.pk]
            assert list(notice.candidates.values_list("pk", flat=True)) == [cand.pk]
            assert (notice.starts_on, notice.ends_on, notice.published_at) == (date(2026, 11, 2), date(2026, 11, 6), AT)
            objection = apps.get_model("honours", "Objection").objects.get(candidate_id=cand.pk)
            assert objection.notice_id == notice.pk
        final = Notice.objects.get(final=True)
        assert final.pk == final_pk and final.unit_id == city.pk
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
