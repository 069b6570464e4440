"""Assignment of judges to entries: the hard rules of a round (same school or unit, same district in a
district round, declared conflicts, colleagues apart), automatic assignment by min-cost flow, manual
reassignment and added judges."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..assignment import AssignmentInfeasible, plan_assignment
from ..conflicts import entry_people, judge_affiliations
from ..models import (
    Assignment,
    AssignmentSource,
    Entry,
    JudgeConflict,
    JudgePairRule,
    Round,
    RoundLevel,
    RoundStatus,
    Score,
    ScoreStatus,
)
from ..selectors import judge_orgs
from .common import _require_manager, log
from .errors import JudgingError

# --- assignment --------------------------------------------------------------------------------


class _Constraints:
    """The hard rules of one round, computed once from the database."""

    def __init__(self, rnd: Round):
        self.rnd = rnd
        self.judge_ids = list(rnd.judges.order_by("pk").values_list("pk", flat=True))
        self.orgs = judge_orgs(self.judge_ids)
        self.entries = {
            re_.entry_id: re_.entry for re_ in rnd.round_entries.select_related("entry__school", "entry__district")
        }
        self.affiliations = judge_affiliations(self.judge_ids)
        self.people = entry_people(self.entries.values())
        conflicts = list(JudgeConflict.objects.filter(contest=rnd.contest).select_related("org"))
        self.entry_conflicts = {(c.entry_id, c.judge_id) for c in conflicts if c.entry_id}
        self.org_conflicts = [(c.judge_id, c.org.path) for c in conflicts if c.org_id]
        # colleague groups: union-find over same-school judges and declared pairs
        parent = {j: j for j in self.judge_ids}

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a, b):
            if a in parent and b in parent:
                parent[find(a)] = find(b)

        if rnd.separate_same_school_judges:
            by_school: dict[int, int] = {}
            for j in self.judge_ids:
                school = self.orgs[j][0]
                if school is not None:
                    if school.pk in by_school:
                        union(j, by_school[school.pk])
                    else:
                        by_school[school.pk] = j
        for a, b in JudgePairRule.objects.filter(contest=rnd.contest).values_list("judge_a_id", "judge_b_id"):
            union(a, b)
        self.groups = {j: find(j) for j in self.judge_ids}

    def reason_forbidden(self, entry: Entry, judge_id: int) -> str | None:
        school, district = self.orgs.get(judge_id, (None, None))
        units, districts = self.affiliations.get(judge_id, (set(), set()))
        units = units | ({school.pk} if school is not None else set())
        districts = districts | ({district.pk} if district is not None else set())
        if entry.pk not in self.people:
            self.people.update(entry_people([entry]))
        if judge_id in self.people[entry.pk]:
            return _("评委是该作品的作者、成员或提交人")
        if entry.unit_id is not None and entry.unit_id in units:
            return _("评委在参赛单位任职")
        if entry.school_id is not None and entry.school_id in units:
            return _("评委与作者同校")
        if self.rnd.level == RoundLevel.DISTRICT and entry.district_id in districts:
            return _("区级评审中评委与作者同区")
        if (entry.pk, judge_id) in self.entry_conflicts:
            return _("评委已声明回避该作品")
        entry_path = (entry.school or entry.district).path if (entry.school or entry.district) else ""
        for j, path in self.org_conflicts:
            if j == judge_id and entry_path.startswith(path):
                return _("评委已声明回避该单位")
        return None

    def forbidden(self) -> set[tuple[int, int]]:
        return {(eid, j) for eid, e in self.entries.items() for j in self.judge_ids if self.reason_forbidden(e, j)}

    def soft_cost(self) -> dict[tuple[int, int], int]:
        # city rounds: prefer judges from another district than the author's
        cost = {}
        for eid, e in self.entries.items():
            for j in self.judge_ids:
                district = self.orgs[j][1]
                if district is not None and e.district_id == district.pk:
                    cost[(eid, j)] = 1
        return cost


@transaction.atomic
def round_assign_auto(*, actor: User, rnd: Round) -> dict[int, list[int]]:
    """Assign K judges to every entry of the round (min-cost flow, see judging.assignment). Replaces
    earlier assignments as long as no judge has started scoring."""
    _require_manager(actor, rnd.contest)
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    if rnd.status != RoundStatus.JUDGING:
        raise JudgingError("round_not_judging", _("请先开始本轮评审，再分配评委。"), 409)
    if Score.objects.filter(assignment__round=rnd).exists():
        raise JudgingError("scoring_started", _("已有评委开始评分，不能重新自动分配；请手工调整。"), 409)
    c = _Constraints(rnd)
    try:
        plan = plan_assignment(
            entries=sorted(c.entries),
            judges=c.judge_ids,
            k=rnd.judges_per_entry,
            forbidden=c.forbidden(),
            groups=c.groups,
            soft_cost=c.soft_cost(),
        )
    except AssignmentInfeasible as exc:
        codes = [c.entries[e].code for e in exc.entries][:20]
        extra = (_("（涉及作品：%(c)s）") % {"c": "、".join(codes)}) if codes else ""
        raise JudgingError("assignment_infeasible", exc.message + extra, 409) from None
    Assignment.objects.filter(round=rnd).delete()
    Assignment.objects.bulk_create(
        [
            Assignment(round=rnd, entry_id=e, judge_id=j, source=AssignmentSource.AUTO)
            for e, js in plan.items()
            for j in js
        ]
    )
    # belt and braces: what is stored has K per entry
    counts = {e: len(js) for e, js in plan.items()}
    assert all(n == rnd.judges_per_entry for n in counts.values())
    log(rnd.contest, actor, "assign_auto", round=rnd.pk, entries=len(plan), judges=len(c.judge_ids))
    return plan


def _check_judge_fits(c: _Constraints, entry: Entry, judge_id: int, *, ignore_judge: int | None = None) -> None:
    if judge_id not in c.groups:
        raise JudgingError("not_in_panel", _("该评委不在本轮评委组中。"))
    reason = c.reason_forbidden(entry, judge_id)
    if reason:
        raise JudgingError("conflict", _("不能分配：%(r)s。") % {"r": reason}, 409)
    others = Assignment.objects.filter(round=c.rnd, entry=entry).exclude(judge_id=ignore_judge)
    other_ids = set(others.values_list("judge_id", flat=True))
    if judge_id in other_ids:
        raise JudgingError("already_assigned", _("该评委已分配到这份作品。"), 409)
    if any(c.groups.get(o) == c.groups[judge_id] for o in other_ids):
        raise JudgingError("colleague", _("不能分配：该作品已有与其同校（或指定不共评）的评委。"), 409)


@transaction.atomic
def assignment_reassign(*, actor: User, assignment: Assignment, judge_id: int) -> Assignment:
    """Hand an assignment to another judge of the panel, under the same conflict rules as automatic
    assignment. A submitted score cannot be moved."""
    rnd = assignment.round
    _require_manager(actor, rnd.contest)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if rnd.status == RoundStatus.CLOSED:
        raise JudgingError("round_closed", _("本轮评审已结束。"), 409)
    score = Score.objects.filter(assignment=assignment).first()
    if score and score.status == ScoreStatus.SUBMITTED:
        raise JudgingError("score_submitted", _("该评分已提交，不能改派。"), 409)
    c = _Constraints(rnd)
    _check_judge_fits(c, assignment.entry, judge_id, ignore_judge=assignment.judge_id)
    old = assignment.judge_id
    if score:
        score.delete()
    assignment.judge_id, assignment.source = judge_id, AssignmentSource.MANUAL
    assignment.save(update_fields=["judge", "source"])
    log(rnd.contest, actor, "reassign", round=rnd.pk, entry=assignment.entry.code, from_judge=old, to_judge=judge_id)
    return assignment


@transaction.atomic
def assignment_add(*, actor: User | None, rnd: Round, entry: Entry, judge_id: int | None = None, source=None):
    """Add one judge to an entry. Without judge_id the least-loaded eligible judge is chosen (used for
    the extra judge on a disagreement). Returns the Assignment, or None if nobody is eligible."""
    if actor is not None:
        _require_manager(actor, rnd.contest)
    c = _Constraints(rnd)
    if judge_id is not None:
        _check_judge_fits(c, entry, judge_id)
    else:
        current = set(Assignment.objects.filter(round=rnd, entry=entry).values_list("judge_id", flat=True))
        loads = dict.fromkeys(c.judge_ids, 0)
        for j in Assignment.objects.filter(round=rnd).values_list("judge_id", flat=True):
            loads[j] = loads.get(j, 0) + 1
        used_groups = {c.groups.get(j) for j in current}
        candidates = [
            j
            for j in c.judge_ids
            if j not in current and c.groups[j] not in used_groups and not c.reason_forbidden(entry, j)
        ]
        if not candidates:
            return None
        judge_id = min(candidates, key=lambda j: (loads[j], j))
    a = Assignment.objects.create(round=rnd, entry=entry, judge_id=judge_id, source=source or AssignmentSource.MANUAL)
    log(rnd.contest, actor, "assign_add", round=rnd.pk, entry=entry.code, judge=judge_id, source=a.source)
    return a
