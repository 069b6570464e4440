"""Organisers define a campaign: its chain of levels with dates and quota rules, its honours and the
published rules. A campaign made here starts as a draft (not public); publishing fixes every unit's
quota from today's roster and locks what candidates and voters rely on (grade bands, levels, quotas,
honours, the vote rules and the formula). Titles, rules text and dates stay editable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import GradeBand, Membership, Organization, OrgKind, Role, User, grade_band_for
from accounts.selectors import Scope

from ..errors import HonoursError, InvalidTransition
from ..models import Campaign, CampaignLevel, Formula, Honour, Quota
from ..models.campaign import LEVEL_ORDER
from .panel import campaign_rubric_write, criteria_errors
from .quotas import ORG_KIND_OF_LEVEL, limit_from_enrolled
from .review import sanitise_text

RULES_MAX = 20000
LOCKED_FIELDS = (
    "grade_bands",
    "voting_level",
    "votes_per_day",
    "count_display",
    "freeze_hours",
    "formula",
    "panel_weight",
    "gate_top_n",
    "notice_working_days",
    "objection_answer_days",
)
OPEN_FIELDS = ("title", "year", "rules_text", "vote_opens_at", "vote_closes_at")


class CampaignInvalid(HonoursError):
    code, status = "campaign_invalid", 400

    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


@dataclass
class LevelPlan:
    kind: str
    nomination_opens_at: datetime | None = None
    nomination_closes_at: datetime | None = None
    review_closes_at: datetime | None = None
    notice_starts_on: object = None  # date
    quota_fixed: int | None = None
    quota_per_mille: Decimal | None = None
    quota_rounding: str = "round"
    quota_minimum: int = 0


@dataclass
class HonourPlan:
    name: str
    places: int


def can_create(scope: Scope) -> Organization | None:
    """The city whose campaigns this user may create (city organisers and admins), else None."""
    for org in scope.managed_orgs().filter(kind=OrgKind.CITY).order_by("path"):
        return org
    if scope.is_admin:
        return Organization.objects.filter(kind=OrgKind.CITY).order_by("path").first()
    return None


def can_edit(scope: Scope, campaign: Campaign) -> bool:
    return scope.manages(campaign.owner_org)


def visible_campaigns(scope: Scope):
    """Campaigns an organiser works on: those they own, and (published ones) covering their region."""
    qs = Campaign.objects.select_related("owner_org").order_by("-year", "-id")
    if scope.is_admin:
        return qs
    ids = []
    paths = scope.managed_paths
    for c in qs:
        owns = any(c.owner_org.path.startswith(p) for p in paths)
        covers = any(p.startswith(c.owner_org.path) for p in paths) and not c.draft
        if owns or covers:
            ids.append(c.pk)
    return qs.filter(pk__in=ids)


def _check_levels(levels: list[LevelPlan], errors: list[str]) -> None:
    kinds = [lv.kind for lv in levels]
    if not levels:
        errors.append(_("至少需要一个评选层级。"))
    if len(set(kinds)) != len(kinds) or any(k not in LEVEL_ORDER for k in kinds):
        errors.append(_("评选层级重复或无效。"))
        return
    previous, previous_label = None, ""
    for lv in sorted(levels, key=lambda lv: LEVEL_ORDER.index(lv.kind)):
        label = CampaignLevel(kind=lv.kind).get_kind_display()
        if (lv.quota_fixed is None) == (lv.quota_per_mille is None):
            errors.append(_("%(level)s：名额须在“每单位固定名额”和“按在籍人数千分比”中选一种。") % {"level": label})
        elif lv.quota_fixed is not None and lv.quota_fixed < 1:
            errors.append(_("%(level)s：固定名额至少为 1。") % {"level": label})
        elif lv.quota_per_mille is not None and not (Decimal(0) < lv.quota_per_mille <= 1000):
            errors.append(_("%(level)s：千分比须大于 0 且不超过 1000。") % {"level": label})
        o, c, r = lv.nomination_opens_at, lv.nomination_closes_at, lv.review_closes_at
        if o and c and o >= c:
            errors.append(_("%(level)s：推荐开始时间须早于推荐截止时间。") % {"level": label})
        if c and r and c > r:
            errors.append(_("%(level)s：评审截止不能早于推荐截止。") % {"level": label})
        if r and lv.notice_starts_on and lv.notice_starts_on < timezone.localdate(r):
            errors.append(_("%(level)s：公示须在本级评审截止之后开始。") % {"level": label})
        if previous and previous.review_closes_at and r and r <= previous.review_closes_at:
            errors.append(
                _("%(level)s：评审截止须晚于下一级（%(below)s）的评审截止。")
                % {"level": label, "below": previous_label}
            )
        previous, previous_label = lv, label


def plan_errors(fields: dict, levels: list[LevelPlan], honours: list[HonourPlan]) -> list[str]:
    """Every problem of a campaign definition at once, in Chinese, for the form."""
    errors: list[str] = []
    bands = fields.get("grade_bands") or []
    if not bands or any(b not in GradeBand.values for b in bands):
        errors.append(_("请至少选择一个参评学段。"))
    _check_levels(levels, errors)
    if fields.get("voting_level") not in [lv.kind for lv in levels]:
        errors.append(_("投票层级必须是已选择的评选层级之一。"))
    opens, closes = fields.get("vote_opens_at"), fields.get("vote_closes_at")
    if (opens is None) != (closes is None):
        errors.append(_("投票开始和结束时间须同时填写。"))
    elif opens and closes:
        if opens >= closes:
            errors.append(_("投票开始时间须早于结束时间。"))
        elif fields.get("freeze_hours") and (closes - opens).total_seconds() <= fields["freeze_hours"] * 3600:
            errors.append(_("显示冻结时长须短于投票期。"))
        voting = next((lv for lv in levels if lv.kind == fields.get("voting_level")), None)
        if voting and voting.nomination_closes_at and opens < voting.nomination_closes_at:
            errors.append(_("投票须在投票层级的推荐截止之后开始。"))
    names = [h.name for h in honours]
    if not honours:
        errors.append(_("至少需要一项荣誉称号。"))
    if len(set(names)) != len(names):
        errors.append(_("荣誉称号不能重复。"))
    if any(h.places < 1 for h in honours):
        errors.append(_("每项荣誉的名额至少为 1。"))
    places = sum(h.places for h in honours)
    if fields.get("formula") == Formula.GATE and (fields.get("gate_top_n") or 0) < places:
        errors.append(_("门槛名额不能少于荣誉总名额（%(n)d）。") % {"n": places})
    weight = fields.get("panel_weight")
    if weight is not None and not (Decimal(0) <= Decimal(weight) <= 100):
        errors.append(_("评审分权重须在 0 到 100 之间。"))
    return errors


def _write_structure(campaign: Campaign, levels: list[LevelPlan], honours: list[HonourPlan]) -> None:
    campaign.levels.all().delete()
    campaign.honours.all().delete()
    ordered = sorted(levels, key=lambda lv: LEVEL_ORDER.index(lv.kind))
    CampaignLevel.objects.bulk_create(
        CampaignLevel(campaign=campaign, order=i, **vars(lv)) for i, lv in enumerate(ordered, start=1)
    )
    Honour.objects.bulk_create(
        Honour(campaign=campaign, name=h.name, places=h.places, order=i) for i, h in enumerate(honours, start=1)
    )


def _write_dates(campaign: Campaign, levels: list[LevelPlan]) -> None:
    """After publishing only the dates of the existing levels may move (the chain itself is locked)."""
    by_kind = {lv.kind: lv for lv in levels}
    stored = {lv.kind: lv for lv in campaign.levels.all()}
    if set(by_kind) != set(stored):
        raise CampaignInvalid([_("活动已发布，评选层级不能再增减。")])
    for kind, row in stored.items():
        plan = by_kind[kind]
        for name in ("nomination_opens_at", "nomination_closes_at", "review_closes_at", "notice_starts_on"):
            setattr(row, name, getattr(plan, name))
        row.save(update_fields=["nomination_opens_at", "nomination_closes_at", "review_closes_at", "notice_starts_on"])


def campaign_save(
    *,
    actor: User,
    scope: Scope,
    campaign: Campaign | None,
    fields: dict,
    levels: list[LevelPlan],
    honours: list[HonourPlan],
    criteria: list[dict] | None = None,
) -> Campaign:
    """Create (as a draft of the actor's city) or update a campaign with its levels, honours and (unless
    `criteria` is None: left as they are) the panel's rubric criteria, in one transaction. Raises
    CampaignInvalid listing every problem, or RubricFrozen for changed criteria after the first panel score;
    nothing is written then."""
    fields = dict(fields)
    fields["title"] = sanitise_text(fields.get("title", ""), limit=100, field=_("名称"))
    fields["rules_text"] = (
        sanitise_text(fields["rules_text"], limit=RULES_MAX, field=_("评选规则")) if fields.get("rules_text") else ""
    )
    honours = [HonourPlan(name=sanitise_text(h.name, limit=40, field=_("荣誉称号")), places=h.places) for h in honours]
    if campaign is None:
        owner = can_create(scope)
        if owner is None:
            raise PermissionDenied
    elif not can_edit(scope, campaign):
        raise PermissionDenied
    published = campaign is not None and not campaign.draft
    if published:
        locked = [f for f in LOCKED_FIELDS if f in fields and fields[f] != getattr(campaign, f)]
        honours_now = [(h.name, h.places) for h in campaign.honours.order_by("order")]
        if locked or honours_now != [(h.name, h.places) for h in honours]:
            raise CampaignInvalid(
                [_("活动已发布：参评学段、层级、名额、荣誉与投票规则已锁定，只能修改名称、规则文字和日期。")]
            )
        quotas = {lv.kind: (lv.quota_fixed, lv.quota_per_mille) for lv in campaign.levels.all()}
        if any(
            quotas.get(lv.kind, (lv.quota_fixed, lv.quota_per_mille)) != (lv.quota_fixed, lv.quota_per_mille)
            for lv in levels
        ):
            raise CampaignInvalid([_("活动已发布，名额规则已锁定。")])
    errors = plan_errors({**({} if campaign is None else vars(campaign)), **fields}, levels, honours)
    errors += criteria_errors(criteria) if criteria is not None else []
    if errors:
        raise CampaignInvalid(errors)
    first = min(levels, key=lambda lv: LEVEL_ORDER.index(lv.kind))
    with transaction.atomic():
        if campaign is None:
            campaign = Campaign(owner_org=owner, created_by=actor, draft=True)
        for name, value in fields.items():
            if published and name not in OPEN_FIELDS:
                continue
            setattr(campaign, name, value)
        campaign.nomination_closes_at = first.nomination_closes_at
        campaign.save()
        if published:
            _write_dates(campaign, levels)
        else:
            _write_structure(campaign, levels, honours)
        if criteria is not None:
            campaign_rubric_write(campaign=campaign, criteria=criteria)
    return campaign


def enrolled_by_unit(campaign: Campaign) -> dict[int, int]:
    """Students of the campaign's grade bands under every node of the owner's subtree, in one query:
    each class's count is added to the class and all its ancestors (from the materialised path)."""
    bands = set(campaign.grade_bands)
    rows = (
        Membership.objects.filter(role=Role.STUDENT, org__path__startswith=campaign.owner_org.path)
        .values("org__path", "org__grade")
        .annotate(n=Count("id"))
    )
    totals: dict[int, int] = {}
    for r in rows:
        if grade_band_for(r["org__grade"]) not in bands:
            continue
        for part in r["org__path"].strip("/").split("/"):
            totals[int(part)] = totals.get(int(part), 0) + r["n"]
    return totals


def quota_table(campaign: Campaign, scope: Scope) -> list[dict]:
    """Per level, the units the viewer may see with enrolled students and the quota: the fixed rows
    once published, the limit they would get today while a draft. One rule (quotas.limit_from_enrolled)."""
    enrolled = enrolled_by_unit(campaign)
    out = []
    for level in campaign.levels.order_by("order"):
        units = Organization.objects.filter(
            path__startswith=campaign.owner_org.path, kind__in=ORG_KIND_OF_LEVEL[level.kind]
        ).order_by("path")
        stored = {q.unit_id: q for q in level.quotas.all()}
        rows = []
        for unit in units:
            if not (scope.manages(unit) or any(p.startswith(unit.path) for p in scope.managed_paths)):
                continue
            q = stored.get(unit.pk)
            n = enrolled.get(unit.pk, 0)
            limit = q.limit if q else limit_from_enrolled(level=level, enrolled=n)
            rows.append({"unit": unit, "enrolled": n, "limit": limit, "used": q.used if q else 0})
        out.append({"level": level, "rows": rows})
    return out


def campaign_publish(*, actor: User, scope: Scope, campaign: Campaign, now: datetime) -> Campaign:
    """Irreversible: the campaign becomes public, every unit's quota at every level is fixed from the
    roster as it stands now, and the structure locks."""
    if not can_edit(scope, campaign):
        raise PermissionDenied
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not campaign.draft:
            raise InvalidTransition(_("该活动已发布。"))
        levels = list(campaign.levels.all())
        errors = plan_errors(
            vars(campaign),
            [LevelPlan(**{k: getattr(lv, k) for k in LevelPlan.__dataclass_fields__}) for lv in levels],
            [HonourPlan(h.name, h.places) for h in campaign.honours.all()],
        )
        if errors:
            raise CampaignInvalid(errors)
        enrolled = enrolled_by_unit(campaign)
        for level in levels:
            units = Organization.objects.filter(
                path__startswith=campaign.owner_org.path, kind__in=ORG_KIND_OF_LEVEL[level.kind]
            ).values_list("pk", flat=True)
            Quota.objects.bulk_create(
                [
                    Quota(level=level, unit_id=u, limit=limit_from_enrolled(level=level, enrolled=enrolled.get(u, 0)))
                    for u in units
                ],
                ignore_conflicts=True,
            )
        campaign.draft = False
        campaign.published_at = now
        campaign.published_by = actor
        campaign.save(update_fields=["draft", "published_at", "published_by"])
    return campaign
