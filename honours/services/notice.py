"""公示 and objections. A notice lists the candidates a level approved (or, for the final notice, the
finalists); an objection opens a case that blocks the candidate's next approval until it is decided."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization, Role, User
from accounts.selectors import Scope

from ..errors import HonoursError, InvalidTransition, NoticeClosed
from ..live import counts_changed
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
from .attachments import transition_files_save
from .quotas import ORG_KIND_OF_LEVEL, quota_give_back
from .review import sanitise_text


def unit_candidates(*, level: CampaignLevel, unit: Organization) -> list[Candidate]:
    """What a unit's notice at `level` lists: the candidates `unit` approved at that level (the unit whose
    quota the approval took), withdrawn ones left out."""
    ids = LevelApproval.objects.filter(level=level, unit=unit).values("candidate_id")
    return list(Candidate.objects.filter(pk__in=ids).exclude(status=CandidateStatus.WITHDRAWN))


def notice_publish(
    *,
    actor: User,
    scope: Scope,
    level: CampaignLevel,
    now: datetime,
    unit: Organization | None = None,
    working_days: int | None = None,
    final: bool = False,
) -> Notice:
    """Publish `unit`'s notice at `level` from today for `working_days` working days (the campaign's
    default, 5, when not given): the candidates approved at that level in that unit. Only an organiser
    managing the unit (the city committee manages every unit). With `final`, the campaign's one honours
    notice (unit: the campaign's owner, only its organisers) lists the honours as the published standings
    award them. A level's notice not before the level's planned start date, the final notice only once
    voting has closed. Publishing again restarts the unit's period from today."""
    campaign = level.campaign
    owner = campaign.owner_org
    if final:
        unit = owner
    if unit is None:
        raise HonoursError(_("请选择发布公示的单位。"), code="unit_required")
    if not scope.manages(unit) or not unit.path.startswith(owner.path):
        raise PermissionDenied
    days = working_days or campaign.notice_working_days
    start = timezone.localdate(now)
    if final and campaign.vote_closes_at and now < campaign.vote_closes_at:
        raise HonoursError(_("投票结束后才能发布荣誉终评公示。"), code="voting_not_closed", status=409)
    if not final and level.notice_starts_on and start < level.notice_starts_on:
        raise HonoursError(
            _("本级公示计划于 %(day)s 开始，届时才能发布。") % {"day": level.notice_starts_on},
            code="notice_before_planned_start",
            status=409,
        )
    if final:
        from ..standings import standings

        winners = [s.candidate_id for s in standings(campaign) if s.honour]
        candidates = list(Candidate.objects.filter(pk__in=winners))
    else:
        candidates = unit_candidates(level=level, unit=unit)
        if not candidates and unit.kind not in ORG_KIND_OF_LEVEL[level.kind]:
            raise HonoursError(_("该单位不是本级的评审单位。"), code="not_a_unit")
    with transaction.atomic():
        notice, _created = Notice.objects.update_or_create(
            level=level,
            unit=unit,
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


def can_handle(scope: Scope, objection: Objection) -> bool:
    """Organisers of the campaign's region or of the unit whose notice the objection was lodged against."""
    return scope.manages(objection.notice.campaign.owner_org) or scope.manages(objection.notice.unit)


def investigator_choices(objection: Objection):
    """Organisers of the reviewing unit, of a node above it within the campaign's region, or of a node below
    it — never anyone attached to the candidate's own school (conflict of interest)."""
    unit = objection.notice.unit
    owner = objection.notice.campaign.owner_org
    above = Organization.objects.filter(pk__in=[*unit.ancestor_ids(), unit.pk]).values_list("path", flat=True)
    q = Q(memberships__org__path__startswith=unit.path) | Q(
        memberships__org__path__in=[p for p in above if p.startswith(owner.path)]
    )
    conflicted = Membership.objects.filter(org__path__startswith=objection.candidate.school.path).values("user_id")
    return (
        User.objects.filter(q, memberships__role=Role.ORGANISER, is_active=True)
        .exclude(pk__in=conflicted)
        .distinct()
        .order_by("real_name", "pk")
    )


def _case_log(objection: Objection, *, actor, now, action, reason, files=None) -> Transition:
    candidate = objection.candidate
    transition = Transition.objects.create(
        candidate=candidate,
        actor=actor,
        at=now,
        action=action,
        from_level=candidate.level,
        to_level=candidate.level,
        from_status=candidate.status,
        to_status=candidate.status,
        reason=reason[:300],
    )
    transition_files_save(transition, files)
    return transition


def objection_assign(
    *, actor: User, scope: Scope, objection: Objection, investigator: User, now: datetime
) -> Objection:
    """Name who investigates an open case; recorded in the candidate's history."""
    if not can_handle(scope, objection):
        raise PermissionDenied
    if objection.outcome != ObjectionOutcome.OPEN:
        raise InvalidTransition(_("该异议已办结。"))
    if not investigator_choices(objection).filter(pk=investigator.pk).exists():
        raise HonoursError(_("调查人须为本级或上级组织者，且不能与候选人同校。"))
    with transaction.atomic():
        objection.investigator = investigator
        objection.save(update_fields=["investigator"])
        _case_log(
            objection,
            actor=actor,
            now=now,
            action="investigate",
            reason=_("异议 #%(id)d 指定调查人：%(name)s") % {"id": objection.pk, "name": investigator.display_name},
        )
    return objection


def objection_findings_save(*, actor: User, scope: Scope, objection: Objection, findings: str) -> Objection:
    """The investigator (or an organiser who may handle the case) records findings while the case is open."""
    if not (can_handle(scope, objection) or objection.investigator_id == actor.pk):
        raise PermissionDenied
    if objection.outcome != ObjectionOutcome.OPEN:
        raise InvalidTransition(_("该异议已办结。"))
    objection.findings = sanitise_text(findings, limit=2000, field=_("调查情况"))
    objection.save(update_fields=["findings"])
    return objection


def objection_decide(
    *,
    actor: User,
    scope: Scope,
    objection: Objection,
    upheld: bool,
    findings: str,
    reason: str,
    now: datetime,
    files=None,
) -> Objection:
    """Close the case. Upheld: the candidate is withdrawn at the notice's level, the reason published,
    and the unit's place at that level freed. Dismissed: the reason is recorded."""
    level = objection.notice.level
    if not scope.manages(objection.notice.unit):
        raise PermissionDenied
    reason_text = sanitise_text(reason, limit=300, field=_("处理结论"))
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.outcome != ObjectionOutcome.OPEN:
            raise InvalidTransition(_("该异议已办结。"))
        if findings and findings.strip():
            objection.findings = sanitise_text(findings, limit=2000, field=_("调查情况"))
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
                # the places it took at the notice's level and at any level it reached since are free again
                approved = LevelApproval.objects.filter(candidate=candidate, level__order__gte=level.order)
                for approval in approved.select_related("level"):
                    quota_give_back(level=approval.level, candidate=candidate)
                transition = Transition.objects.create(
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
                transition_files_save(transition, files)
                counts_changed(candidate.campaign_id)
        else:
            _case_log(
                objection,
                actor=actor,
                now=now,
                action="dismiss",
                reason=_("异议 #%(id)d 不成立：%(reason)s") % {"id": objection.pk, "reason": reason_text},
                files=files,
            )
    return objection
