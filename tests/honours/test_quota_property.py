"""Property: whatever sequence of approvals, returns, objections and withdrawals happens, no unit ever
has more candidates approved at a level than its quota (counting withdrawn ones as freed)."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.selectors import scope_for
from honours.errors import HonoursError
from honours.models import CandidateStatus, LevelApproval, Quota
from honours.services import review
from honours.services.notice import notice_publish, objection_decide, objection_lodge
from honours.services.quotas import unit_for

from .factories import NOW, build_world, make_campaign, nominate

ACTIONS = st.lists(
    st.tuples(st.sampled_from(["approve", "return", "resubmit", "reject", "withdraw"]), st.integers(0, 11)),
    max_size=40,
)


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS, quota=st.integers(0, 3))
def test_no_sequence_of_actions_exceeds_a_quota(actions, quota):
    from django.db import transaction

    sid = transaction.savepoint()
    try:
        w = build_world(students_per_class=3)
        campaign = make_campaign(w, quota=quota)
        cands = [nominate(campaign, s, actor=w.teachers[i]) for i, k in enumerate(w.classes) for s in w.students[k.pk]]
        boss = w.city_org
        scope = scope_for(boss)
        for step, (action, idx) in enumerate(actions):
            cand = cands[idx % len(cands)]
            cand.refresh_from_db()
            now = NOW + timedelta(minutes=step)
            try:
                if action == "approve":
                    review.candidate_approve(actor=boss, scope=scope, candidate=cand, now=now)
                elif action == "return":
                    review.candidate_return(actor=boss, scope=scope, candidate=cand, reason="补充", now=now)
                elif action == "resubmit":
                    review.candidate_resubmit(actor=boss, scope=scope, candidate=cand, now=now)
                elif action == "reject":
                    review.candidate_reject(actor=boss, scope=scope, candidate=cand, reason="不符", now=now)
                elif action == "withdraw" and cand.approvals.exists():
                    level = cand.approvals.order_by("-level__order").first().level
                    unit = unit_for(level=level, school=cand.school)
                    notice = notice_publish(actor=boss, scope=scope, level=level, unit=unit, now=now)
                    if notice.candidates.filter(pk=cand.pk).exists():
                        o = objection_lodge(notice=notice, candidate=cand, text="异议", now=now)
                        objection_decide(
                            actor=boss, scope=scope, objection=o, upheld=True, findings="", reason="成立", now=now
                        )
            except HonoursError:
                pass
        for q in Quota.objects.all():
            assert q.used <= q.limit == quota
            live = (
                LevelApproval.objects.filter(level=q.level, unit=q.unit)
                .exclude(candidate__status=CandidateStatus.WITHDRAWN)
                .count()
            )
            assert live <= quota
    finally:
        transaction.savepoint_rollback(sid)
