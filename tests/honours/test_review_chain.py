import pytest
from django.core.exceptions import PermissionDenied

from accounts.selectors import scope_for
from honours.errors import HonoursError, InvalidTransition, NotEligible, QuotaExceeded
from honours.models import CandidateStatus, LevelApproval, LevelKind, Quota, Transition
from honours.selectors import candidates_for_level
from honours.services import review

from .factories import NOW, approve_to, build_world, make_campaign, nominate, points_by_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


def test_teacher_nominates_own_student_at_the_first_level(w):
    campaign = make_campaign(w)
    student = w.students[w.classes[0].pk][0]
    cand = nominate(campaign, student, actor=w.teachers[0])
    assert cand.level.kind == LevelKind.SCHOOL
    assert cand.status == CandidateStatus.PENDING
    assert cand.school == w.schools[0] and cand.district == w.districts[0]
    assert Transition.objects.filter(candidate=cand, action="nominate").count() == 1


def test_teacher_cannot_nominate_another_schools_student(w):
    campaign = make_campaign(w)
    other = w.students[w.classes[1].pk][0]
    with pytest.raises(PermissionDenied):
        nominate(campaign, other, actor=w.teachers[0])


def test_student_outside_the_grade_bands_is_not_eligible(w):
    campaign = make_campaign(w, grade_bands=["senior"])
    with pytest.raises(NotEligible):
        nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])


def test_deeds_are_sanitised_and_length_limited(w):
    campaign = make_campaign(w)
    student = w.students[w.classes[0].pk][0]
    scope = scope_for(w.teachers[0])
    with pytest.raises(HonoursError):
        review.candidate_nominate(
            actor=w.teachers[0],
            scope=scope,
            campaign=campaign,
            student=student,
            deeds="字" * 3001,
            summary="x",
            now=NOW,
        )
    cand = review.candidate_nominate(
        actor=w.teachers[0],
        scope=scope,
        campaign=campaign,
        student=student,
        deeds="<script>alert(1)</script>助人为乐\x07",
        summary="<b>好</b>",
        now=NOW,
    )
    assert cand.deeds == "alert(1)助人为乐" and cand.summary == "好"


def test_approval_needs_the_schools_attestations(w):
    campaign = make_campaign(w)
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0], attest=False)
    with pytest.raises(NotEligible):
        review.candidate_approve(actor=w.school_orgs[0], scope=scope_for(w.school_orgs[0]), candidate=cand, now=NOW)


def test_chain_moves_up_level_by_level_with_an_approval_at_each(w):
    campaign = make_campaign(w)
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    cand = review.candidate_approve(actor=w.school_orgs[0], scope=scope_for(w.school_orgs[0]), candidate=cand, now=NOW)
    assert cand.level.kind == LevelKind.DISTRICT
    # the school organiser cannot review at district level
    with pytest.raises(PermissionDenied):
        review.candidate_approve(actor=w.school_orgs[0], scope=scope_for(w.school_orgs[0]), candidate=cand, now=NOW)
    # another district's organiser cannot either
    with pytest.raises(PermissionDenied):
        review.candidate_approve(actor=w.district_orgs[1], scope=scope_for(w.district_orgs[1]), candidate=cand, now=NOW)
    cand = review.candidate_approve(
        actor=w.district_orgs[0], scope=scope_for(w.district_orgs[0]), candidate=cand, now=NOW
    )
    assert cand.level.kind == LevelKind.CITY
    cand = review.candidate_approve(actor=w.city_org, scope=scope_for(w.city_org), candidate=cand, now=NOW)
    assert cand.status == CandidateStatus.FINALIST
    kinds = list(
        LevelApproval.objects.filter(candidate=cand).order_by("level__order").values_list("level__kind", flat=True)
    )
    assert kinds == ["school", "district", "city"]
    actions = list(cand.transitions.values_list("action", "from_level__kind", "to_level__kind"))
    assert actions == [
        ("nominate", None, "school"),
        ("approve", "school", "district"),
        ("approve", "district", "city"),
        ("approve", "city", "city"),
    ]


def test_every_candidate_at_a_level_was_approved_at_every_level_below(w):
    campaign = make_campaign(w)
    cands = [nominate(campaign, s, actor=w.teachers[i]) for i, k in enumerate(w.classes) for s in w.students[k.pk][:2]]
    approve_to(cands[0], "city", w)
    approve_to(cands[2], "district", w)
    for cand in campaign.candidates.select_related("level"):
        below = set(campaign.levels.filter(order__lt=cand.level.order).values_list("pk", flat=True))
        approved = set(LevelApproval.objects.filter(candidate=cand).values_list("level_id", flat=True))
        assert below <= approved


def test_a_skipped_level_is_simply_not_in_the_chain(w):
    campaign = make_campaign(w, levels=(LevelKind.SCHOOL, LevelKind.CITY))
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    cand = review.candidate_approve(actor=w.school_orgs[0], scope=scope_for(w.school_orgs[0]), candidate=cand, now=NOW)
    assert cand.level.kind == LevelKind.CITY


def test_return_then_resubmit_then_reject_with_reasons(w):
    campaign = make_campaign(w)
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    org = w.school_orgs[0]
    with pytest.raises(HonoursError):
        review.candidate_return(actor=org, scope=scope_for(org), candidate=cand, reason="  ", now=NOW)
    cand = review.candidate_return(actor=org, scope=scope_for(org), candidate=cand, reason="请补充获奖证明", now=NOW)
    assert cand.status == CandidateStatus.RETURNED
    with pytest.raises(InvalidTransition):
        review.candidate_approve(actor=org, scope=scope_for(org), candidate=cand, now=NOW)
    cand = review.candidate_resubmit(actor=w.teachers[0], scope=scope_for(w.teachers[0]), candidate=cand, now=NOW)
    cand = review.candidate_reject(actor=org, scope=scope_for(org), candidate=cand, reason="材料不实", now=NOW)
    assert cand.status == CandidateStatus.REJECTED and cand.status_reason == "材料不实"
    assert list(cand.transitions.values_list("action", flat=True)) == ["nominate", "return", "resubmit", "reject"]


def test_quota_of_a_unit_cannot_be_exceeded(w):
    campaign = make_campaign(w, quota=2)
    org = w.school_orgs[0]
    students = w.students[w.classes[0].pk]
    cands = [nominate(campaign, s, actor=w.teachers[0]) for s in students]
    review.candidate_approve(actor=org, scope=scope_for(org), candidate=cands[0], now=NOW)
    review.candidate_approve(actor=org, scope=scope_for(org), candidate=cands[1], now=NOW)
    with pytest.raises(QuotaExceeded):
        review.candidate_approve(actor=org, scope=scope_for(org), candidate=cands[2], now=NOW)
    cands[2].refresh_from_db()
    assert cands[2].level.kind == LevelKind.SCHOOL
    assert not LevelApproval.objects.filter(candidate=cands[2]).exists()
    assert Quota.objects.get(unit=w.schools[0]).used == 2


def test_a_level_sees_only_what_was_sent_up_to_it(w):
    campaign = make_campaign(w)
    a = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    b = nominate(campaign, w.students[w.classes[0].pk][1], actor=w.teachers[0])
    approve_to(a, "district", w)
    district_level = campaign.levels.get(kind="district")
    seen = set(candidates_for_level(scope_for(w.district_orgs[0]), district_level).values_list("pk", flat=True))
    assert seen == {a.pk}
    assert b.pk not in seen
    # the other district sees nothing of ours; a school organiser sees nothing at district level
    assert not candidates_for_level(scope_for(w.district_orgs[1]), district_level).exists()
    assert not candidates_for_level(scope_for(w.school_orgs[0]), district_level).exists()


def test_panel_score_uses_rubric_and_excludes_a_member_from_the_candidates_school(w):
    from accounts.models import Role

    from .factories import user

    campaign = make_campaign(w)
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    judge = user("评委", Role.JUDGE, w.schools[2])
    score = review.panel_score_save(
        judge=judge,
        scope=scope_for(judge),
        candidate=cand,
        points=points_by_name(campaign, {"事迹": 50, "材料": 35}),
        now=NOW,
    )
    assert str(score.total) == "85.00"
    with pytest.raises(HonoursError):
        review.panel_score_save(
            judge=judge,
            scope=scope_for(judge),
            candidate=cand,
            points=points_by_name(campaign, {"事迹": 61, "材料": 1}),
            now=NOW,
        )
    conflicted = user("同校评委", Role.JUDGE, w.schools[0])
    with pytest.raises(HonoursError) as exc:
        review.panel_score_save(
            judge=conflicted,
            scope=scope_for(conflicted),
            candidate=cand,
            points=points_by_name(campaign, {"事迹": 50, "材料": 35}),
            now=NOW,
        )
    assert exc.value.code == "conflict_of_interest"


def test_a_level_cannot_review_after_its_review_deadline(w):
    from datetime import timedelta

    campaign = make_campaign(w)
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    level = cand.level
    level.review_closes_at = NOW + timedelta(hours=1)
    level.save()
    org = w.school_orgs[0]
    with pytest.raises(HonoursError) as exc:
        review.candidate_approve(actor=org, scope=scope_for(org), candidate=cand, now=NOW + timedelta(hours=1))
    assert exc.value.code == "review_closed"
    cand = review.candidate_approve(actor=org, scope=scope_for(org), candidate=cand, now=NOW + timedelta(minutes=59))
    assert cand.level.kind == LevelKind.DISTRICT
