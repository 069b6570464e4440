from datetime import date, timedelta

import pytest

from accounts.selectors import scope_for
from honours.errors import NoticeClosed, OpenObjection
from honours.models import CandidateStatus, Holiday, ObjectionOutcome, Quota
from honours.services import review
from honours.services.notice import notice_publish, objection_decide, objection_lodge
from honours.workdays import add_working_days, working_period_end

from .factories import NOW, build_world, make_campaign, nominate

pytestmark = pytest.mark.django_db


def test_five_working_days_skip_the_weekend():
    # Monday 2 Nov 2026 → Friday 6 Nov; Thursday 5 Nov → Wednesday 11 Nov
    assert working_period_end(start=date(2026, 11, 2), working_days=5) == date(2026, 11, 6)
    assert working_period_end(start=date(2026, 11, 5), working_days=5) == date(2026, 11, 11)
    # starting on a Saturday counts from Monday
    assert working_period_end(start=date(2026, 11, 7), working_days=1) == date(2026, 11, 9)


def test_listed_holidays_are_skipped_and_worked_weekends_count():
    Holiday.objects.create(date=date(2026, 10, 1), name="国庆节")
    Holiday.objects.create(date=date(2026, 10, 2), name="国庆节")
    Holiday.objects.create(date=date(2026, 10, 10), name="国庆调休", is_workday=True)  # a Saturday
    # Wed 30 Sep: 30th (1), Oct 1-2 holidays, 3-4 weekend, 5,6,7,8 → 5th working day is Thu 8 Oct
    assert working_period_end(start=date(2026, 9, 30), working_days=5) == date(2026, 10, 8)
    # Fri 9 Oct + 1 working day is the worked Saturday 10 Oct
    assert add_working_days(start=date(2026, 10, 9), working_days=1) == date(2026, 10, 10)


@pytest.fixture
def setup():
    w = build_world()
    campaign = make_campaign(w)
    cands = [nominate(campaign, s, actor=w.teachers[0]) for s in w.students[w.classes[0].pk][:2]]
    org = w.school_orgs[0]
    for c in cands:
        review.candidate_approve(actor=org, scope=scope_for(org), candidate=c, now=NOW)
    level = campaign.levels.get(kind="school")
    notice = notice_publish(actor=w.city_org, scope=scope_for(w.city_org), level=level, unit=w.schools[0], now=NOW)
    return w, campaign, cands, notice


def test_notice_lists_approved_candidates_for_the_default_five_working_days(setup):
    w, campaign, cands, notice = setup
    assert set(notice.candidates.values_list("pk", flat=True)) == {c.pk for c in cands}
    assert notice.starts_on == date(2026, 11, 2) and notice.ends_on == date(2026, 11, 6)


def test_anonymous_objection_is_marked_and_blocks_advancement_until_decided(setup):
    w, campaign, cands, notice = setup
    objection = objection_lodge(notice=notice, candidate=cands[0], text="事迹与事实不符", now=NOW)
    assert objection.anonymous and objection.outcome == ObjectionOutcome.OPEN
    assert objection.answer_due == date(2026, 11, 9)
    district = w.district_orgs[0]
    with pytest.raises(OpenObjection):
        review.candidate_approve(actor=district, scope=scope_for(district), candidate=cands[0], now=NOW)
    objection_decide(
        actor=district,
        scope=scope_for(district),
        objection=objection,
        upheld=False,
        findings="核实无误",
        reason="事迹属实",
        now=NOW,
    )
    cand = review.candidate_approve(actor=district, scope=scope_for(district), candidate=cands[0], now=NOW)
    assert cand.level.kind == "city"


def test_upheld_objection_withdraws_the_candidate_publishes_the_reason_and_frees_the_place(setup):
    w, campaign, cands, notice = setup
    objection = objection_lodge(notice=notice, candidate=cands[1], text="有违纪记录", now=NOW, contact="13800000000")
    assert not objection.anonymous
    school_quota = Quota.objects.get(level__kind="school", unit=w.schools[0])
    assert school_quota.used == 2
    org = w.school_orgs[0]
    objection_decide(
        actor=org, scope=scope_for(org), objection=objection, upheld=True, findings="查实", reason="曾受处分", now=NOW
    )
    cands[1].refresh_from_db()
    assert cands[1].status == CandidateStatus.WITHDRAWN and cands[1].status_reason == "曾受处分"
    school_quota.refresh_from_db()
    assert school_quota.used == 1
    assert cands[1].transitions.last().action == "withdraw"


def test_objection_after_the_notice_is_refused(setup):
    w, campaign, cands, notice = setup
    with pytest.raises(NoticeClosed):
        objection_lodge(notice=notice, candidate=cands[0], text="晚了", now=NOW + timedelta(days=5))
    # the last day itself is still open
    objection_lodge(notice=notice, candidate=cands[0], text="最后一天", now=NOW + timedelta(days=4, hours=13))


def test_other_districts_organiser_cannot_decide(setup):
    from django.core.exceptions import PermissionDenied

    w, campaign, cands, notice = setup
    objection = objection_lodge(notice=notice, candidate=cands[0], text="x", now=NOW)
    other = w.district_orgs[1]
    with pytest.raises(PermissionDenied):
        objection_decide(
            actor=other, scope=scope_for(other), objection=objection, upheld=True, findings="", reason="r", now=NOW
        )


def test_notice_page_takes_an_objection_and_the_objector_sees_the_outcome(setup, client):
    from django.utils import timezone

    w, campaign, cands, notice = setup
    notice_publish(
        actor=w.city_org, scope=scope_for(w.city_org), level=notice.level, unit=notice.unit, now=timezone.now()
    )
    url = f"/honours/{campaign.pk}/notice/school/"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert cands[0].name in body and "学号" not in body
    assert cands[0].student.student_no == "" or cands[0].student.student_no not in body
    resp = client.post(url, {"candidate_id": cands[0].pk, "text": "请核实获奖情况"})
    assert resp.status_code == 302
    follow = client.get(resp["Location"])
    assert "办理中" in follow.content.decode()
    objection = cands[0].objections.get()
    org = w.school_orgs[0]
    objection_decide(
        actor=org, scope=scope_for(org), objection=objection, upheld=False, findings="", reason="获奖属实", now=NOW
    )
    assert "获奖属实" in client.get(resp["Location"]).content.decode()
