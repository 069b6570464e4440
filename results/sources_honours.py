"""Certificate eligibility for the 三好标兵 selection (honours app): the winners of the
published standings, once voting has closed and the final notice of the honours has ended with no
open objection. The certificate names the honour (十佳三好标兵 / 三好标兵) and the rank."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from honours.models import Candidate, Notice, ObjectionOutcome
from honours.standings import standings

from .errors import CertificateError
from .issuing import Eligible
from .models import CertificateKind


def eligible_honours(template, campaign) -> list[Eligible]:
    if template.kind != CertificateKind.AWARD:
        return []
    now = timezone.now()
    if not campaign.vote_closes_at or now < campaign.vote_closes_at:
        raise CertificateError(_("投票尚未结束，结束后才能生成证书。"))
    notice = Notice.objects.filter(campaign=campaign, final=True).first()
    if notice is None or timezone.localdate(now) <= notice.ends_on:
        raise CertificateError(_("荣誉终评公示期满后才能生成证书。"))
    if notice.objections.filter(outcome=ObjectionOutcome.OPEN).exists():
        raise CertificateError(_("终评公示还有未办结的异议。"))
    listed = set(notice.candidates.values_list("pk", flat=True))
    students = dict(Candidate.objects.filter(pk__in=listed).values_list("pk", "student_id"))
    withdrawn = set(Candidate.objects.filter(pk__in=listed, status="withdrawn").values_list("pk", flat=True))
    return [
        Eligible(holder_id=students[s.candidate_id], award_text=s.honour, score=s.combined, rank=s.rank)
        for s in standings(campaign)
        if s.honour and s.candidate_id in listed and s.candidate_id not in withdrawn
    ]
