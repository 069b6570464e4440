"""The organiser's home: running contests with live participation, judging progress, and what needs
action. Project layer: it reads several apps (competitions, judging, questionbank, results) through their
own selectors and never writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enrolment import enrolment_by_class
from accounts.models import Organization, Role
from accounts.selectors import Scope
from competitions.models import Attempt, Contest, ContestKind, ContestStatus
from judging.models import Assignment, Round, RoundEntry, RoundStatus, ScoreStatus
from judging.services import round_problems
from questionbank.selectors import review_queue
from results.selectors import contests_for_stats

SOON = timedelta(days=7)


@dataclass
class Action:
    text: str
    url: str
    level: str = "warn"  # "warn" | "err"


@dataclass
class Dashboard:
    running: list[dict] = field(default_factory=list)
    judging: list[dict] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    orgs: list[Organization] = field(default_factory=list)


def _running_contests(scope: Scope, now) -> list[dict]:
    """Knowledge contests open now that reach the organiser's region: students who started (any attempt)
    and 在册学生 in the region, from the one enrolment function."""
    contests = list(
        contests_for_stats(scope, Contest)
        .filter(status=ContestStatus.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
        .select_related("owner_org")
        .prefetch_related("audience_orgs")
        .order_by("closes_at")[:20]
    )
    if not contests:
        return []
    started = dict(
        Attempt.objects.filter(scope.orgs_q("class_org", roles=(Role.ORGANISER,)), contest__in=contests)
        .values_list("contest_id")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    )
    rows = []
    for c in contests:
        by_class = enrolment_by_class(c, now=now)
        if not scope.is_admin:  # a district organiser counts the students of their own region
            mine = set(
                Organization.objects.filter(scope.orgs_q(roles=(Role.ORGANISER,)), pk__in=list(by_class)).values_list(
                    "pk", flat=True
                )
            )
            by_class = {k: v for k, v in by_class.items() if k in mine}
        enrolled = sum(by_class.values())
        n = started.get(c.pk, 0)
        rows.append(
            {
                "contest": c,
                "started": n,
                "enrolled": enrolled,
                "percent": round(100 * n / enrolled) if enrolled else None,
                "url": c.get_absolute_url(),
            }
        )
    return rows


def _judging(scope: Scope, user, now) -> tuple[list[dict], list[Action]]:
    from judging.selectors import managed_contests

    contests = list(managed_contests(user).filter(closes_at__gt=now - timedelta(days=365)).order_by("closes_at"))
    rows, actions = [], []
    rounds = list(Round.objects.filter(contest__in=contests).select_related("contest").order_by("contest", "order"))
    counts = {
        r["round_id"]: r
        for r in Assignment.objects.filter(round__in=rounds)
        .values("round_id")
        .annotate(assigned=Count("id"), scored=Count("id", filter=Q(score__status=ScoreStatus.SUBMITTED)))
        .order_by()
    }
    flagged = dict(
        RoundEntry.objects.filter(round__in=rounds, flagged=True)
        .values_list("round_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_contest: dict[int, list[Round]] = {}
    for r in rounds:
        by_contest.setdefault(r.contest_id, []).append(r)
    for c in contests:
        dash = reverse("judging:dashboard", args=[c.pk])
        mine = by_contest.get(c.pk, [])
        if c.awards_published_at and all(r.status == RoundStatus.CLOSED for r in mine):
            continue  # finished business
        if c.is_open(now):
            rows.append({"contest": c, "label": _("征集中"), "url": dash, "rounds": []})
            continue
        row = {"contest": c, "label": _("评审"), "url": dash, "rounds": []}
        for i, r in enumerate(mine):
            k = counts.get(r.pk, {"assigned": 0, "scored": 0})
            row["rounds"].append(
                {
                    "round": r,
                    "assigned": k["assigned"],
                    "scored": k["scored"],
                    "percent": round(100 * k["scored"] / k["assigned"]) if k["assigned"] else 0,
                }
            )
            url = reverse("judging:round_detail", args=[r.pk])
            # a round that is next in line and would fail to start: say so before the organiser tries
            if r.status == RoundStatus.SETUP and (i == 0 or mine[i - 1].status == RoundStatus.CLOSED):
                problems = round_problems(r)
                if problems:
                    actions.append(Action(f"{c.title} · {r.name}：{problems[0]}", url, "err"))
            if r.status == RoundStatus.JUDGING and not k["assigned"]:
                actions.append(
                    Action(_("%(c)s · %(r)s：已开始评审但尚未分配评委。") % {"c": c.title, "r": r.name}, url)
                )
            if flagged.get(r.pk) and r.status == RoundStatus.JUDGING:
                actions.append(
                    Action(
                        _("%(c)s · %(r)s：%(n)s 份作品评分分歧待处理。")
                        % {"c": c.title, "r": r.name, "n": flagged[r.pk]},
                        url,
                    )
                )
        if not mine:
            actions.append(Action(_("%(c)s：征集已截止，请添加评审轮次。") % {"c": c.title}, dash))
        elif all(r.status == RoundStatus.CLOSED for r in mine) and not c.awards_published_at:
            actions.append(
                Action(_("%(c)s：评审已结束，奖项尚未公布。") % {"c": c.title}, reverse("judging:awards", args=[c.pk]))
            )
        rows.append(row)
    return rows, actions


def _contest_actions(user, now) -> list[Action]:
    from competitions.selectors import contests_managed_by

    actions = []
    drafts = (
        contests_managed_by(user)
        .filter(status=ContestStatus.DRAFT, closes_at__gt=now, opens_at__lte=now + SOON)
        .exclude(kind=ContestKind.PRACTICE)
        .order_by("opens_at")[:10]
    )
    for c in drafts:
        actions.append(
            Action(
                _("%(c)s：%(t)s 开始，仍是草稿未发布。")
                % {"c": c.title, "t": timezone.localtime(c.opens_at).strftime("%m-%d %H:%M")},
                c.get_absolute_url(),
                "err" if c.opens_at <= now else "warn",
            )
        )
    return actions


def organiser_dashboard(*, user, scope: Scope, now=None) -> Dashboard:
    now = now or timezone.now()
    dash = Dashboard(orgs=list(scope.managed_orgs().filter(depth__lte=2)[:50]))
    dash.running = _running_contests(scope, now)
    dash.judging, judging_actions = _judging(scope, user, now)
    dash.actions = _contest_actions(user, now) + judging_actions
    pending = review_queue(user).count()
    if pending:
        dash.actions.append(
            Action(_("题库中有 %(n)s 道题目待审核。") % {"n": pending}, reverse("questionbank:review_queue"))
        )
    return dash
