"""Reads: a campaign's stage, the public candidate list, what a reviewer sees at a level, statistics."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Organization
from accounts.selectors import Scope, under_paths_q
from judging.aggregation import trimmed_mean
from judging.models import Criterion

from .models import (
    Campaign,
    CampaignLevel,
    Candidate,
    CandidateStatus,
    LevelApproval,
    LevelKind,
    Notice,
    PanelScore,
    Vote,
    VoteFlag,
    VoteFlagState,
)
from .services.quotas import ORG_KIND_OF_LEVEL
from .voting_set import voting_candidates, voting_open


def campaign_stage(campaign: Campaign, now: datetime) -> str:
    """nomination | review | notice | voting | closed, from the campaign's dates and notices."""
    if voting_open(campaign, now):
        return "voting"
    if campaign.vote_closes_at and now >= campaign.vote_closes_at:
        return "closed"
    today = timezone.localdate(now)
    if Notice.objects.filter(campaign=campaign, starts_on__lte=today, ends_on__gte=today).exists():
        return "notice"
    if campaign.nomination_closes_at is None or now < campaign.nomination_closes_at:
        return "nomination"
    return "review"


def public_candidates(campaign: Campaign):
    """Who the public page lists: the voting set while voting is configured, minimised fields only."""
    return voting_candidates(campaign).select_related("school", "district").order_by("id")


def candidates_for_level(scope: Scope, level: CampaignLevel):
    """A level sees only candidates sent up to it (standing at it or beyond), in units the user manages."""
    qs = Candidate.objects.filter(campaign_id=level.campaign_id, level__order__gte=level.order)
    if scope.is_admin:
        return qs
    paths = scope.managed_paths
    if not paths:
        return qs.none()
    kinds = ORG_KIND_OF_LEVEL[level.kind]
    q = under_paths_q(paths, "school")
    # a manager below the level's unit (e.g. a school organiser at district level) sees nothing there
    covered = any(o.kind in kinds or o.depth < min_depth(kinds) for o in scope.managed_orgs())
    return qs.filter(q) if covered else qs.none()


def can_see_candidate(scope: Scope, user, candidate: Candidate) -> bool:
    """The candidate's file and history: the school side (its organisers, the class's teacher), reviewers
    of every level the candidate has reached (a level sees what was sent up to it, and keeps seeing it),
    judges, and an investigator of an objection about the candidate."""
    from .services.quotas import unit_for

    if scope.manages(candidate.school) or scope.teaches(candidate.klass):
        return True
    from accounts.models import Role

    if scope.has_role(Role.JUDGE):
        return True
    reached = CampaignLevel.objects.filter(campaign_id=candidate.campaign_id, order__lte=candidate.level.order)
    if any(scope.manages(unit_for(level=lv, school=candidate.school)) for lv in reached):
        return True
    return user.is_authenticated and candidate.objections.filter(investigator=user).exists()


def min_depth(kinds) -> int:
    order = {"city": 0, "district": 1, "town": 2, "school": 3, "station": 3}
    return min(order[k] for k in kinds)


def notice_candidates(notice: Notice):
    return notice.candidates.select_related("school").order_by("id")


def campaign_region(scope: Scope, campaign: Campaign) -> list[str]:
    """The subtrees of the campaign's tree this user organises: the whole tree for its owner's organisers
    (and admins), else the managed nodes inside it (a district, a town, a school). Empty: no organiser
    role in the tree."""
    owner = campaign.owner_org
    if scope.manages(owner):
        return [owner.path]
    return [p for p in scope.managed_paths if p.startswith(owner.path)]


def published_notices(campaign: Campaign, level: str, unit_id: int | None = None) -> list[Notice]:
    """The public page of one level (`final` for the honours notice): every unit notice published at it,
    by unit, optionally one unit's only."""
    if level == "final":
        qs = campaign.notices.filter(final=True)
    elif level in LevelKind.values:
        qs = campaign.notices.filter(level__kind=level, final=False)
    else:
        return []
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return list(qs.select_related("level", "unit").order_by("unit__path"))


def notice_units(scope: Scope, campaign: Campaign) -> list[dict]:
    """Per level, the units this organiser manages with how many candidates their notice would list
    (approved there by the unit, not withdrawn) and the notice already published, if any. Units come from
    the tree (the level's kind) and from the approvals (a school with no town: its district stands in)."""
    region = campaign_region(scope, campaign)
    owner = campaign.owner_org
    published = {(n.level_id, n.unit_id): n for n in campaign.notices.filter(final=False)}
    out = []
    for level in campaign.levels.order_by("order"):
        counts = dict(
            LevelApproval.objects.filter(under_paths_q(region, "unit"), level=level)
            .exclude(candidate__status=CandidateStatus.WITHDRAWN)
            .values_list("unit_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        units = Organization.objects.filter(
            Q(kind__in=ORG_KIND_OF_LEVEL[level.kind]) | Q(pk__in=list(counts)),
            under_paths_q(region),
            path__startswith=owner.path,
        ).order_by("path")
        rows = [
            {"unit": u, "approved": counts.get(u.pk, 0), "notice": published.get((level.pk, u.pk))}
            for u in units
            if scope.manages(u)
        ]
        out.append({"level": level, "rows": rows})
    return out


def honours_statistics(campaign: Campaign, *, region: list[str] | None = None) -> dict:
    """Nominations, approvals per level, finalists and honours (as the standings award them now) per
    school and per district, against the school's and the district's quota; votes per day; flagged
    votes by state; the standings rows. `region` (paths, selectors.campaign_region) keeps only the
    candidates of schools under it: a district organiser's figures are their district's, and a quota is
    shown only for a unit inside the region. One function for the page and the xlsx export."""
    from .standings import standings

    region = region if region is not None else [campaign.owner_org.path]
    levels = list(campaign.levels.order_by("order"))
    nominated = Candidate.objects.filter(under_paths_q(region, "school"), campaign=campaign)
    by_school = {
        r["school_id"]: r
        for r in nominated.values("school_id", "school__name", "district_id", "district__name").annotate(
            n=Count("id"), finalists=Count("id", filter=Q(status=CandidateStatus.FINALIST))
        )
    }
    approvals = (
        LevelApproval.objects.filter(level__campaign=campaign, candidate__in=nominated)
        .values("level_id", "candidate__school_id")
        .annotate(n=Count("id"))
    )
    approved: dict[tuple[int, int], int] = {(a["level_id"], a["candidate__school_id"]): a["n"] for a in approvals}
    quotas = {}
    for level in levels:
        for q in level.quotas.filter(under_paths_q(region, "unit")):
            quotas[(level.pk, q.unit_id)] = (q.used, q.limit)
    school_of = dict(nominated.values_list("pk", "school_id"))
    ranked = [s for s in standings(campaign) if s.candidate_id in school_of]
    honoured: dict[int, int] = {}
    for s in ranked:
        if s.honour:
            honoured[school_of[s.candidate_id]] = honoured.get(school_of[s.candidate_id], 0) + 1
    district_level = next((lv for lv in levels if lv.kind == LevelKind.DISTRICT), None)
    schools, districts = [], {}
    for sid, r in sorted(by_school.items(), key=lambda kv: (kv[1]["district__name"] or "", kv[1]["school__name"])):
        row = {
            "district": r["district__name"] or "",
            "school": r["school__name"],
            "nominated": r["n"],
            "approved": [approved.get((lv.pk, sid), 0) for lv in levels],
            "school_quota": quotas.get((levels[0].pk, sid)) if levels else None,
            "finalists": r["finalists"],
            "honours": honoured.get(sid, 0),
        }
        schools.append(row)
        d = districts.setdefault(
            r["district_id"],
            {
                "district": row["district"],
                "nominated": 0,
                "approved": [0] * len(levels),
                "district_quota": quotas.get((district_level.pk, r["district_id"])) if district_level else None,
                "finalists": 0,
                "honours": 0,
            },
        )
        for key in ("nominated", "finalists", "honours"):
            d[key] += row[key]
        d["approved"] = [a + b for a, b in zip(d["approved"], row["approved"], strict=True)]
    per_day = list(
        Vote.objects.filter(campaign=campaign, candidate__in=nominated)
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
        .values_list("day", "n")
    )
    flagged = (
        VoteFlag.objects.filter(campaign=campaign, candidate__in=nominated)
        .values("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "levels": [lv.get_kind_display() for lv in levels],
        "schools": schools,
        "districts": list(districts.values()),
        "votes_per_day": per_day,
        "flags": {str(VoteFlagState(r["state"]).label): r["n"] for r in flagged},
        "standings": ranked,
    }


def flag_report(campaign: Campaign) -> list[dict]:
    """The committee's anomaly report: per rule, how many flagged votes are quarantined, invalidated or
    released (a vote picked out by two rules counts under both)."""
    from .services.anomalies import RULE_LABELS

    counts = {rule: dict.fromkeys(VoteFlagState.values, 0) for rule in RULE_LABELS}
    rows = VoteFlag.objects.filter(campaign=campaign).values("rules", "state").annotate(n=Count("id")).order_by()
    for r in rows:
        for rule in r["rules"] or []:
            if rule in counts:
                counts[rule][r["state"]] += r["n"]
    return [{"rule": rule, "label": label, **counts[rule]} for rule, label in RULE_LABELS.items()]


def panel_criteria(campaign: Campaign) -> list:
    """The panel rubric's judging `Criterion` rows in order; empty when the campaign has no panel scoring."""
    if campaign.panel_rubric_id is None:
        return []
    return list(Criterion.objects.filter(rubric_id=campaign.panel_rubric_id).order_by("order", "id"))


def panel_summary(candidate: Candidate) -> dict:
    """The panel at the candidate's current level: how many members scored and their trimmed mean
    (judging.aggregation, the rule the standings use)."""
    totals = list(PanelScore.objects.filter(candidate=candidate, level=candidate.level).values_list("total", flat=True))
    return {"n": len(totals), "mean": trimmed_mean(totals)}
