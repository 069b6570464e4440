"""公示 and objections. A notice lists the candidates a level approved (or, for the final notice, the
finalists); an objection opens a case that blocks the candidate's next approval until it is decided."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import Scope

from ..errors import HonoursError, InvalidTransition, NoticeClosed
from ..models import (
    CampaignLevel,
    Candidate,
    CandidateStatus,
    LevelApproval,
    Notice,
    Objection,
    ObjectionOutcome,
    Transition,
)
from ..workdays import add_working_days, working_period_end
from .quotas import quota_give_back, unit_for
from .review import sanitise_text


def notice_publish(
    *,
    actor: User,
    scope: Scope,
    level: CampaignLevel,
    now: datetime,
    working_days: int | None = None,
    final: bool = False,
) -> Notice:
    """Publish the level's notice from today for `working_days` working days (the campaign's default,
    5, when not given): the candidates the level approved, or with `final` the honours as the published
    standings award them. Only an organiser of the campaign's owner region."""
    campaign = level.campaign
    if not scope.manages(campaign.owner_org):
        raise PermissionDenied
    days = working_days or campaign.notice_working_days
    start = timezone.localdate(now)
    if final:
        from ..standings import standings

        winners = [s.candidate_id for s in standings(campaign) if s.honour]
        candidates = Candidate.objects.filter(pk__in=winners)
    else:
        ids = LevelApproval.objects.filter(level=level).values_list("candidate_id", flat=True)
        candidates = Candidate.objects.filter(pk__in=ids).exclude(status=CandidateStatus.WITHDRAWN)
    with transaction.atomic():
        notice, _created = Notice.objects.update_or_create(
            level=level,
            final=final,
            defaults={
                "campaign": campaign,
                "starts_on": start,
                "ends_on": working_period_end(start=start, working_days=days),
                "published_by": actor,
                "published_at": now,
            },
        )
        notice.candidates.set(candidates)
    return notice


def notice_is_open(notice: Notice, now: datetime) -> bool:
    return notice.starts_on <= timezone.localdate(now) <= notice.ends_on


def objection_lodge(
    *, notice: Notice, candidate: Candidate, text: str, now: datetime, objector: User | None = None, contact: str = ""
) -> Objection:
    """Anyone may object during the notice: a logged-in user, someone leaving a contact, or anonymously
    (marked so). The answer is due `objection_answer_days` working days later."""
    if not notice_is_open(notice, now):
        raise NoticeClosed()
    if not notice.candidates.filter(pk=candidate.pk).exists():
        raise HonoursError(_("该候选人不在本公示名单中。"), code="not_in_notice", status=404)
    body = sanitise_text(text, limit=2000, field=_("异议内容"))
    contact = (contact or "").strip()[:60]
    anonymous = objector is None and not contact
    return Objection.objects.create(
        notice=notice,
        candidate=candidate,
        objector=objector if objector and objector.is_authenticated else None,
        contact=contact,
        anonymous=anonymous,
        text=body,
        lodged_at=now,
        answer_due=add_working_days(start=timezone.localdate(now), working_days=notice.campaign.objection_answer_days),
    )


def objection_assign(*, scope: Scope, objection: Objection, investigator: User) -> Objection:
    if not scope.manages(objection.notice.campaign.owner_org) and not scope.manages(
        unit_for(level=objection.notice.level, school=objection.candidate.school)
    ):
        raise PermissionDenied
    objection.investigator = investigator
    objection.save(update_fields=["investigator"])
    return objection


def objection_decide(
    *, actor: User, scope: Scope, objection: Objection, upheld: bool, findings: str, reason: str, now: datetime
) -> Objection:
    """Close the case. Upheld: the candidate is withdrawn at the notice's level, the reason published,
    and the unit's place at that level freed. Dismissed: the reason is recorded."""
    level = objection.notice.level
    if not scope.manages(unit_for(level=level, school=objection.candidate.school)):
        raise PermissionDenied
    reason_text = sanitise_text(reason, limit=300, field=_("处理结论"))
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.outcome != ObjectionOutcome.OPEN:
            raise InvalidTransition(_("该异议已办结。"))
        objection.findings = (findings or "").strip()[:2000]
        objection.outcome = ObjectionOutcome.UPHELD if upheld else ObjectionOutcome.DISMISSED
        objection.outcome_reason = reason_text
        objection.closed_at = now
        objection.closed_by = actor
        objection.save()
        if upheld:
            candidate = Candidate.objects.select_for_update().get(pk=objection.candidate_id)
            if candidate.status != CandidateStatus.WITHDRAWN:
                from_status = candidate.status
                candidate.status = CandidateStatus.WITHDRAWN
                candidate.status_reason = reason_text
                candidate.save(update_fields=["status", "status_reason"])
                if LevelApproval.objects.filter(candidate=candidate, level=level).exists():
                    quota_give_back(level=level, candidate=candidate)
                Transition.objects.create(
                    candidate=candidate,
                    actor=actor,
                    at=now,
                    action="withdraw",
                    from_level=candidate.level,
                    to_level=candidate.level,
                    from_status=from_status,
                    to_status=candidate.status,
                    reason=reason_text,
                )
    return objection
