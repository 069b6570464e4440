"""Organiser, school and committee pages: review per level, nomination, a candidate's file and actions,
objection cases, quarantined votes, statistics and export, and the big screen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role, User, grade_band_for
from accounts.permissions import request_scope

from .. import selectors
from ..errors import HonoursError
from ..export import statistics_xlsx
from ..models import Campaign, Candidate, Objection, ObjectionOutcome, VoteFlag, VoteFlagState
from ..services import review
from ..services.anomalies import RULE_LABELS, vote_flags_review
from ..services.attachments import clean_attachments
from ..services.review import can_nominate, can_review
from ..tasks import detect_vote_anomalies


def _campaign_for_staff(request, campaign_id) -> Campaign:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    scope = request_scope(request)
    if not (scope.is_admin or scope.managed_paths or scope.taught_paths):
        raise PermissionDenied
    return campaign


@login_required
def manage(request, campaign_id: int):
    campaign = _campaign_for_staff(request, campaign_id)
    scope = request_scope(request)
    levels = []
    for level in campaign.levels.order_by("order"):
        cands = selectors.candidates_for_level(scope, level).select_related("school", "level")
        levels.append({"level": level, "candidates": cands})
    taught = Candidate.objects.filter(campaign=campaign).filter(scope.orgs_q("klass")).select_related("level")
    objections = Objection.objects.filter(notice__campaign=campaign, outcome=ObjectionOutcome.OPEN).select_related(
        "candidate__school", "notice__level", "investigator"
    )
    objections = [
        o
        for o in objections
        if o.investigator_id == request.user.pk or can_review(scope, level=o.notice.level, candidate=o.candidate)
    ]
    return render(
        request,
        "honours/manage.html",
        {
            "campaign": campaign,
            "levels": levels,
            "mine": taught,
            "objections": objections,
            "committee": scope.manages(campaign.owner_org),
            "organiser": bool(selectors.campaign_region(scope, campaign)),
        },
    )


@login_required
def nominate(request, campaign_id: int):
    campaign = _campaign_for_staff(request, campaign_id)
    scope = request_scope(request)
    if request.method == "POST":
        student = get_object_or_404(User, pk=request.POST.get("student_id") or 0)
        try:
            cand = review.candidate_nominate(
                actor=request.user,
                scope=scope,
                campaign=campaign,
                student=student,
                deeds=request.POST.get("deeds", ""),
                summary=request.POST.get("summary", ""),
                class_vote_record=request.POST.get("class_vote_record", ""),
                photo_consent=bool(request.POST.get("photo_consent")),
                showcase_consent=bool(request.POST.get("showcase_consent")),
                now=timezone.now(),
            )
        except HonoursError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已推荐 %(name)s。") % {"name": cand.name})
            return redirect("honours:candidate", campaign_id=campaign.pk, candidate_id=cand.pk)
    students = (
        Membership.objects.filter(role=Role.STUDENT)
        .filter(scope.orgs_q("org"))
        .select_related("user", "org")
        .order_by("org__path", "user__real_name")[:500]
    )
    students = [
        m for m in students if grade_band_for(m.org.grade) in campaign.grade_bands and can_nominate(scope, klass=m.org)
    ]
    return render(request, "honours/nominate.html", {"campaign": campaign, "students": students})


TRANSITIONS = {
    "approve": review.candidate_approve,
    "return": review.candidate_return,
    "reject": review.candidate_reject,
    "resubmit": review.candidate_resubmit,
}


def _points(request, campaign) -> dict:
    return {c.pk: request.POST.get(f"c{c.pk}", "") for c in selectors.panel_criteria(campaign)}


@login_required
def candidate_detail(request, campaign_id: int, candidate_id: int):
    campaign = _campaign_for_staff(request, campaign_id)
    scope = request_scope(request)
    cand = get_object_or_404(
        Candidate.objects.select_related("school", "klass", "level"), pk=candidate_id, campaign=campaign
    )
    reviewer = can_review(scope, level=cand.level, candidate=cand)
    school_side = scope.manages(cand.school) or scope.teaches(cand.klass)
    if not (reviewer or school_side or selectors.can_see_candidate(scope, request.user, cand)):
        raise PermissionDenied
    if request.method == "POST":
        action, now, p = request.POST.get("action"), timezone.now(), request.POST
        common = {"actor": request.user, "scope": scope, "candidate": cand, "now": now}
        try:
            if action in TRANSITIONS:
                files = clean_attachments(request.FILES.getlist("attachments"))  # all checked before any write
                TRANSITIONS[action](**common, reason=p.get("reason", ""), files=files)
            elif action == "attest":
                review.candidate_attest(
                    **common, excellent=bool(p.get("excellent")), no_discipline=bool(p.get("no_discipline"))
                )
            elif action == "endorse":
                review.endorsement_record(
                    actor=request.user,
                    scope=scope,
                    candidate=cand,
                    party=p.get("party", ""),
                    statement=p.get("statement", ""),
                    given_by=p.get("given_by", ""),
                )
            elif action == "upload" and request.FILES.get("file"):
                review.candidate_file_add(
                    actor=request.user,
                    scope=scope,
                    candidate=cand,
                    upload=request.FILES["file"],
                    purpose=p.get("purpose", ""),
                )
            elif action == "score":
                review.panel_score_save(
                    judge=request.user, scope=scope, candidate=cand, points=_points(request, campaign), now=now
                )
            else:
                raise HonoursError(_("未知操作。"))
        except HonoursError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存。"))
        return redirect("honours:candidate", campaign_id=campaign.pk, candidate_id=cand.pk)
    criteria = selectors.panel_criteria(campaign)
    return render(
        request,
        "honours/candidate.html",
        {
            "campaign": campaign,
            "cand": cand,
            "reviewer": reviewer,
            "school_side": school_side,
            "transitions": cand.transitions.select_related("actor", "from_level", "to_level").prefetch_related("files"),
            "objections": cand.objections.select_related("notice__level") if reviewer or school_side else [],
            "endorsements": cand.endorsements.all(),
            "files": cand.files.all(),
            "criteria": criteria,
            "panel": selectors.panel_summary(cand) if reviewer and criteria else None,
        },
    )


@login_required
def flags(request, campaign_id: int):
    campaign = _campaign_for_staff(request, campaign_id)
    scope = request_scope(request)
    if not scope.manages(campaign.owner_org):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("action") == "detect":
        detect_vote_anomalies.enqueue(campaign.pk)  # the worker runs it; 1,000,000 votes take seconds
        messages.success(request, _("已开始异常检测，完成后新隔离的投票会列在下表。"))
        return redirect("honours:flags", campaign_id=campaign.pk)
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("flag") if x.isdigit()]
        try:
            n = vote_flags_review(
                actor=request.user,
                scope=scope,
                campaign=campaign,
                flag_ids=ids,
                invalidate=request.POST.get("decision") == "invalidate",
                reason=request.POST.get("reason", ""),
                now=timezone.now(),
            )
        except HonoursError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已处理 %(n)d 票。") % {"n": n})
        return redirect("honours:flags", campaign_id=campaign.pk)
    rows = list(
        VoteFlag.objects.filter(campaign=campaign, state=VoteFlagState.QUARANTINED)
        .select_related("vote", "candidate")
        .order_by("candidate_id", "vote__cast_at")[:500]
    )
    for f in rows:
        f.rule_labels = [RULE_LABELS.get(r, r) for r in f.rules]
    return render(
        request,
        "honours/flags.html",
        {"campaign": campaign, "flags": rows, "report": selectors.flag_report(campaign)},
    )


def _statistics_for(request, campaign_id: int) -> tuple[Campaign, dict]:
    """The statistics of the part of the campaign's tree the organiser manages (all of it for the city)."""
    campaign = _campaign_for_staff(request, campaign_id)
    region = selectors.campaign_region(request_scope(request), campaign)
    if not region:
        raise PermissionDenied
    return campaign, selectors.honours_statistics(campaign, region=region)


@login_required
def stats(request, campaign_id: int):
    campaign, s = _statistics_for(request, campaign_id)
    return render(request, "honours/stats.html", {"campaign": campaign, "s": s})


@login_required
def stats_export(request, campaign_id: int):
    campaign, s = _statistics_for(request, campaign_id)
    response = HttpResponse(
        statistics_xlsx(s), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="honours-{campaign.pk}-stats.xlsx"'
    return response


def big_screen(request, campaign_id: int):
    campaign = get_object_or_404(Campaign.objects.public(), pk=campaign_id)
    return render(
        request,
        "honours/screen.html",
        {"campaign": campaign, "candidates": selectors.public_candidates(campaign)},
    )
