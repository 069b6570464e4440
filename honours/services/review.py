"""Nomination and review, bottom up. Every change of level or status writes a Transition in the same
transaction; approvals take the quota of the unit at the level being left."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization, Role, User, grade_band_for
from accounts.selectors import Scope, org_district, org_school
from judging.aggregation import weighted_total
from judging.models import Rubric
from judging.services import JudgingError, points_parse, rubric_freeze

from ..errors import HonoursError, InvalidTransition, NoPanelRubric, NotEligible, OpenObjection
from ..live import counts_changed
from ..models import (
    Campaign,
    CampaignLevel,
    Candidate,
    CandidateFile,
    CandidateStatus,
    Endorsement,
    EndorsementParty,
    LevelApproval,
    ObjectionOutcome,
    PanelScore,
    Transition,
)
from ..models.review import DEEDS_MAX
from .attachments import PURPOSES, clean_upload, transition_files_save
from .quotas import quota_take, unit_for

SUMMARY_MAX = 200
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sanitise_text(text: str, *, limit: int, field: str) -> str:
    """Plain text only: tags and control characters removed, whitespace trimmed, length checked."""
    clean = CONTROL_CHARS.sub("", strip_tags(text or "")).strip()
    if not clean:
        raise HonoursError(_("%(field)s不能为空。") % {"field": field})
    if len(clean) > limit:
        raise HonoursError(_("%(field)s不能超过 %(n)d 字。") % {"field": field, "n": limit})
    return clean


def _log(candidate: Candidate, *, actor, now, action, from_level, from_status, reason="", files=None) -> Transition:
    """Record a transition with its (already checked and cleaned) attachments, in the caller's transaction."""
    transition = Transition.objects.create(
        candidate=candidate,
        actor=actor,
        at=now,
        action=action,
        from_level=from_level,
        to_level=candidate.level,
        from_status=from_status,
        to_status=candidate.status,
        reason=reason,
    )
    transition_files_save(transition, files)
    if candidate.level.kind == candidate.campaign.voting_level or (
        from_level and from_level.kind == candidate.campaign.voting_level
    ):
        counts_changed(candidate.campaign_id)  # the voting list may have changed
    return transition


def levels_of(campaign: Campaign) -> list[CampaignLevel]:
    return list(campaign.levels.order_by("order"))


def next_level(level: CampaignLevel) -> CampaignLevel | None:
    return CampaignLevel.objects.filter(campaign_id=level.campaign_id, order__gt=level.order).order_by("order").first()


def can_review(scope: Scope, *, level: CampaignLevel, candidate: Candidate) -> bool:
    return scope.manages(unit_for(level=level, school=candidate.school))


def can_nominate(scope: Scope, *, klass: Organization) -> bool:
    return scope.manages(klass) or scope.teaches(klass)


def candidate_nominate(
    *,
    actor: User,
    scope: Scope,
    campaign: Campaign,
    student: User,
    deeds: str,
    summary: str,
    class_vote_record: str = "",
    photo_consent: bool = False,
    showcase_consent: bool = False,
    now: datetime,
) -> Candidate:
    """Nominate a student of the roster at the campaign's first level. Preconditions checked here:
    nominations open, the student is enrolled in a class of an eligible grade band, and the actor
    teaches that class or manages the school."""
    if campaign.draft:
        raise HonoursError(_("评选活动尚未发布，暂不能推荐。"), code="campaign_draft", status=409)
    first_level = campaign.levels.order_by("order").first()
    if first_level and first_level.nomination_opens_at and now < first_level.nomination_opens_at:
        raise HonoursError(_("推荐尚未开始。"), code="nomination_not_open", status=409)
    if campaign.nomination_closes_at and now >= campaign.nomination_closes_at:
        raise HonoursError(_("推荐已截止。"), code="nomination_closed", status=409)
    membership = Membership.objects.filter(user=student, role=Role.STUDENT).select_related("org").first()
    if membership is None or membership.org is None:
        raise NotEligible(_("该学生不在学籍名单中。"))
    klass = membership.org
    if grade_band_for(klass.grade) not in campaign.grade_bands:
        raise NotEligible(_("该学生的学段不在本次评选范围内。"))
    if not can_nominate(scope, klass=klass):
        raise PermissionDenied
    school = org_school(klass)
    first = campaign.levels.order_by("order").first()
    if first is None or school is None:
        raise HonoursError(_("评选层级尚未设置。"))
    try:
        with transaction.atomic():
            candidate = Candidate.objects.create(
                campaign=campaign,
                student=student,
                name=student.display_name,
                klass=klass,
                school=school,
                district=org_district(school),
                grade=klass.grade,
                level=first,
                deeds=sanitise_text(deeds, limit=DEEDS_MAX, field=_("事迹材料")),
                summary=sanitise_text(summary, limit=SUMMARY_MAX, field=_("事迹摘要")),
                class_vote_record=(class_vote_record or "")[:300],
                photo_consent=photo_consent,
                showcase_consent=showcase_consent,
                nominated_by=actor,
            )
            _log(candidate, actor=actor, now=now, action="nominate", from_level=None, from_status="")
    except IntegrityError as exc:
        raise HonoursError(_("该学生已被推荐。"), code="already_nominated", status=409) from exc
    return candidate


def candidate_attest(
    *, actor: User, scope: Scope, candidate: Candidate, excellent: bool, no_discipline: bool, now: datetime
) -> Candidate:
    """The school's attestations (综合素质评价优秀, 无违纪), recorded with who attested."""
    if not scope.manages(candidate.school) and not scope.teaches(candidate.klass):
        raise PermissionDenied
    candidate.attest_excellent = excellent
    candidate.attest_no_discipline = no_discipline
    candidate.attested_by = actor
    candidate.attested_at = now
    candidate.save(update_fields=["attest_excellent", "attest_no_discipline", "attested_by", "attested_at"])
    return candidate


def endorsement_record(
    *, actor: User, scope: Scope, candidate: Candidate, party: str, statement: str, given_by: str
) -> Endorsement:
    if not scope.manages(candidate.school) and not scope.teaches(candidate.klass):
        raise PermissionDenied
    if party not in EndorsementParty.values:
        raise HonoursError(_("评价方无效。"))
    text = sanitise_text(statement, limit=500, field=_("评价意见"))
    who = sanitise_text(given_by, limit=60, field=_("出具人"))
    endorsement, _created = Endorsement.objects.update_or_create(
        candidate=candidate, party=party, defaults={"statement": text, "given_by": who, "recorded_by": actor}
    )
    return endorsement


def candidate_file_add(*, actor: User, scope: Scope, candidate: Candidate, upload, purpose: str) -> CandidateFile:
    """Photos (JPEG/PNG ≤ 5 MB) and documents (PDF/DOCX ≤ 10 MB), checked by content and rebuilt
    without metadata (services.attachments)."""
    if not scope.manages(candidate.school) and not scope.teaches(candidate.klass):
        raise PermissionDenied
    if purpose not in PURPOSES:
        raise HonoursError(_("材料类型无效。"))
    allowed, max_bytes = PURPOSES[purpose]
    clean = clean_upload(upload, allowed=allowed, max_bytes=max_bytes)
    return CandidateFile.objects.create(
        candidate=candidate,
        file=clean.content(f"c{candidate.pk}"),
        kind=clean.kind,
        size=len(clean.data),
        uploaded_by=actor,
    )


def _locked(candidate: Candidate) -> Candidate:
    return Candidate.objects.select_for_update().select_related("level", "school").get(pk=candidate.pk)


def _check_reviewable(scope: Scope, candidate: Candidate, now: datetime) -> None:
    if not can_review(scope, level=candidate.level, candidate=candidate):
        raise PermissionDenied
    if candidate.status != CandidateStatus.PENDING:
        raise InvalidTransition()
    closes = candidate.level.review_closes_at
    if closes is not None and now >= closes:
        raise HonoursError(_("本级评审已截止。"), code="review_closed", status=409)


def candidate_approve(
    *, actor: User, scope: Scope, candidate: Candidate, now: datetime, reason: str = "", files=None
) -> Candidate:
    """Approve at the candidate's current level: take that level's quota for the candidate's unit and
    send the candidate up (or make them a finalist at the top level). Refused while an objection case
    about the candidate is open, and unless the school's attestations are recorded."""
    with transaction.atomic():
        candidate = _locked(candidate)
        _check_reviewable(scope, candidate, now)
        if candidate.objections.filter(outcome=ObjectionOutcome.OPEN).exists():
            raise OpenObjection()
        if not (candidate.attest_excellent and candidate.attest_no_discipline):
            raise NotEligible(_("学校尚未确认综合素质评价优秀和无违纪记录。"))
        level = candidate.level
        upper = next_level(level)
        if upper is not None and upper.nomination_closes_at and now >= upper.nomination_closes_at:
            raise HonoursError(_("上一级推荐/申报已截止，不能再上报。"), code="nomination_closed", status=409)
        unit = unit_for(level=level, school=candidate.school)
        quota_take(level=level, unit=unit)
        LevelApproval.objects.create(candidate=candidate, level=level, unit=unit, approved_by=actor, at=now)
        from_status = candidate.status
        if upper is None:
            candidate.status = CandidateStatus.FINALIST
        else:
            candidate.level = upper
        candidate.status_reason = ""
        candidate.save(update_fields=["level", "status", "status_reason"])
        _log(
            candidate,
            actor=actor,
            now=now,
            action="approve",
            from_level=level,
            from_status=from_status,
            reason=reason,
            files=files,
        )
    return candidate


def _set_status(*, actor, scope, candidate, now, status, action, reason, files=None) -> Candidate:
    with transaction.atomic():
        candidate = _locked(candidate)
        _check_reviewable(scope, candidate, now)
        if not reason.strip():
            raise HonoursError(_("请填写原因。"))
        from_status = candidate.status
        candidate.status = status
        candidate.status_reason = reason.strip()[:300]
        candidate.save(update_fields=["status", "status_reason"])
        _log(
            candidate,
            actor=actor,
            now=now,
            action=action,
            from_level=candidate.level,
            from_status=from_status,
            reason=candidate.status_reason,
            files=files,
        )
    return candidate


def candidate_return(
    *, actor: User, scope: Scope, candidate: Candidate, reason: str, now: datetime, files=None
) -> Candidate:
    return _set_status(
        files=files,
        actor=actor,
        scope=scope,
        candidate=candidate,
        now=now,
        status=CandidateStatus.RETURNED,
        action="return",
        reason=reason,
    )


def candidate_reject(
    *, actor: User, scope: Scope, candidate: Candidate, reason: str, now: datetime, files=None
) -> Candidate:
    return _set_status(
        files=files,
        actor=actor,
        scope=scope,
        candidate=candidate,
        now=now,
        status=CandidateStatus.REJECTED,
        action="reject",
        reason=reason,
    )


def candidate_resubmit(
    *, actor: User, scope: Scope, candidate: Candidate, now: datetime, reason: str = "", files=None
) -> Candidate:
    """The school sends a returned candidate back to the level that returned it, with more material."""
    with transaction.atomic():
        candidate = _locked(candidate)
        if not scope.manages(candidate.school) and not scope.teaches(candidate.klass):
            raise PermissionDenied
        if candidate.status != CandidateStatus.RETURNED:
            raise InvalidTransition()
        candidate.status = CandidateStatus.PENDING
        candidate.save(update_fields=["status"])
        _log(
            candidate,
            actor=actor,
            now=now,
            action="resubmit",
            from_level=candidate.level,
            from_status="returned",
            reason=reason,
            files=files,
        )
    return candidate


def panel_score_save(
    *, judge: User, scope: Scope, candidate: Candidate, points: dict[int, Decimal], now: datetime
) -> PanelScore:
    """A panel member's score at the candidate's current level: points keyed by the campaign's panel
    `judging.Criterion` ids, checked by judging's rule (0 to max points, one decimal, every criterion), total
    by `judging.aggregation.weighted_total`. The first score freezes the rubric. A member attached to the
    candidate's school (any role there) has a conflict and is refused."""
    level = candidate.level
    if not (scope.has_role(Role.JUDGE) or can_review(scope, level=level, candidate=candidate)):
        raise PermissionDenied
    conflict = Membership.objects.filter(user=judge, org__path__startswith=candidate.school.path).exists()
    if conflict:
        raise HonoursError(_("评审与候选人同校，须回避。"), code="conflict_of_interest", status=403)
    rubric_id = Campaign.objects.filter(pk=candidate.campaign_id).values_list("panel_rubric", flat=True).first()
    with transaction.atomic():
        rubric = Rubric.objects.select_for_update().filter(pk=rubric_id).first()  # serialises with edits
        criteria = list(rubric.criteria.all()) if rubric else []
        if not criteria:
            raise NoPanelRubric()
        try:
            parsed = points_parse(criteria, points, complete=True)
        except JudgingError as exc:
            raise HonoursError(exc.message, code=exc.code) from None
        total = weighted_total(parsed, {c.pk: c.weight for c in criteria})
        rubric_freeze(rubric=rubric, now=now)
        score, _created = PanelScore.objects.update_or_create(
            candidate=candidate,
            level=level,
            judge=judge,
            defaults={"points": {str(k): str(v) for k, v in parsed.items()}, "total": total, "at": now},
        )
    return score
