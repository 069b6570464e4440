"""Organisers set up judging (contest, rubric, declared conflicts); judges score. Assignment of judges:
services/assigning.py."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, Role, User
from accounts.selectors import scope_for
from core.textsafe import clean_text

from .. import aggregation
from ..models import (
    Assignment,
    AssignmentSource,
    Entry,
    JudgeConflict,
    JudgePairRule,
    Round,
    RoundEntry,
    RoundStatus,
    Rubric,
    Score,
    ScoreItem,
    ScoreStatus,
    SubmissionContest,
)
from ..selectors import entries_under_q
from .assigning import assignment_add
from .common import _require_manager, log
from .errors import JudgingError
from .rubrics import points_parse, rubric_criteria_replace

# --- contest and rubric ------------------------------------------------------------------------


@transaction.atomic
def contest_create(*, actor: User, owner_org: Organization, **fields) -> SubmissionContest:
    if not scope_for(actor).manages(owner_org):
        raise JudgingError("forbidden", _("只能在您管理的组织下创建比赛。"), 403)
    contest = SubmissionContest(owner_org=owner_org, created_by=actor, **fields)
    contest.full_clean()
    contest.save()
    Rubric.objects.create(contest=contest)
    return contest


def _rubric_frozen(contest: SubmissionContest) -> bool:
    rubric = getattr(contest, "rubric", None)
    return bool(rubric and rubric.is_frozen) or contest.rounds.exclude(status=RoundStatus.SETUP).exists()


@transaction.atomic
def rubric_set(*, actor: User, contest: SubmissionContest, criteria: list[dict]) -> Rubric:
    """Replace the rubric's criteria: [{"name", "description", "max_points", "weight"}]. Refused once
    judging has started (the rubric is frozen so every judge scores against the same scale)."""
    _require_manager(actor, contest)
    rubric, _created = Rubric.objects.select_for_update().get_or_create(contest=contest)
    if _rubric_frozen(contest):
        raise JudgingError("rubric_frozen", _("评审已开始，评分细则已冻结，不能修改。"), 409)
    if not criteria:
        raise JudgingError("rubric_empty", _("评分细则至少需要一个评分项。"))
    rubric_criteria_replace(rubric=rubric, criteria=criteria)
    return rubric


# --- scores ------------------------------------------------------------------------------------


def score_validate(*, assignment: Assignment, points: dict) -> None:
    """Check a complete score without saving it (asked before the judge confirms submission)."""
    points_parse(list(assignment.round.contest.rubric.criteria.all()), points, complete=True)


@transaction.atomic
def score_save(*, judge: User, assignment: Assignment, points: dict, comment: str = "", submit: bool = False) -> Score:
    """Save a draft or submit a score. Precondition: none (the function locks the assignment row).
    Submission locks the score and, when every judge of the entry has submitted and their totals are
    further apart than the round's threshold, flags the entry and adds one extra judge."""
    comment = clean_text(comment or "")  # free text: cleaned, not refused (core.textsafe)
    assignment = Assignment.objects.select_for_update().select_related("round__contest").get(pk=assignment.pk)
    if assignment.judge_id != judge.pk:
        raise JudgingError("not_assigned", _("该作品未分配给您，不能评分。"), 403)
    rnd = assignment.round
    if rnd.status == RoundStatus.CLOSED:
        raise JudgingError("round_closed", _("本轮评审已结束，不能再评分。"), 409)
    if rnd.status != RoundStatus.JUDGING:
        raise JudgingError("round_not_judging", _("本轮评审尚未开始。"), 409)
    if submit:
        # serialise submissions for one entry, so the last of its judges always sees the others'
        # scores when checking for disagreement
        RoundEntry.objects.select_for_update().filter(round=rnd, entry_id=assignment.entry_id).first()
    score, _created = Score.objects.get_or_create(assignment=assignment)
    if score.status == ScoreStatus.SUBMITTED:
        raise JudgingError("score_submitted", _("该评分已提交，不能修改；如需修改请联系组织者重新开放。"), 409)
    if len(comment or "") > 2000:
        raise JudgingError("comment_too_long", _("评语不能超过 2000 字。"))
    criteria = list(rnd.contest.rubric.criteria.all())
    parsed = points_parse(criteria, points, complete=submit)
    score.items.all().delete()
    ScoreItem.objects.bulk_create([ScoreItem(score=score, criterion_id=cid, points=p) for cid, p in parsed.items()])
    score.comment = (comment or "").strip()
    score.total = aggregation.weighted_total(parsed, {c.pk: c.weight for c in criteria}) if parsed else None
    if submit:
        score.status, score.submitted_at = ScoreStatus.SUBMITTED, timezone.now()
    score.save()
    if submit:
        _check_disagreement(rnd, assignment.entry)
    return score


def _check_disagreement(rnd: Round, entry: Entry) -> None:
    assignments = Assignment.objects.filter(round=rnd, entry=entry).select_related("score")
    totals = []
    for a in assignments:
        s = getattr(a, "score", None)
        if s is None or s.status != ScoreStatus.SUBMITTED:
            return  # wait until every judge of the entry has submitted
        totals.append(s.total)
    if len(totals) < 2:
        return
    spread = aggregation.spread(totals)
    if spread <= rnd.disagreement_threshold:
        return
    re_ = RoundEntry.objects.select_for_update().get(round=rnd, entry=entry)
    if re_.flagged:
        return  # one extra judge per entry; further disagreement is for the organiser
    extra = assignment_add(actor=None, rnd=rnd, entry=entry, source=AssignmentSource.EXTRA)
    re_.flagged = True
    re_.flag_note = (
        _("分差 %(s)s 超过阈值，已加派一名评委") % {"s": spread}
        if extra
        else _("分差 %(s)s 超过阈值，但没有可加派的评委，请组织者处理") % {"s": spread}
    )
    re_.save(update_fields=["flagged", "flag_note"])


@transaction.atomic
def score_reopen(*, actor: User, score: Score, reason: str) -> Score:
    rnd = score.assignment.round
    _require_manager(actor, rnd.contest)
    reason = (reason or "").strip()
    if not reason:
        raise JudgingError("reason_required", _("重新开放评分须填写原因。"))
    if rnd.status == RoundStatus.CLOSED:
        raise JudgingError("round_closed", _("本轮评审已结束。"), 409)
    score = Score.objects.select_for_update().get(pk=score.pk)
    if score.status != ScoreStatus.SUBMITTED:
        raise JudgingError("score_not_submitted", _("该评分尚未提交，无需重新开放。"), 409)
    score.status, score.submitted_at = ScoreStatus.DRAFT, None
    score.save(update_fields=["status", "submitted_at", "updated_at"])
    log(
        rnd.contest,
        actor,
        "score_reopen",
        round=rnd.pk,
        entry=score.assignment.entry.code,
        judge=score.assignment.judge_id,
        reason=reason[:500],
    )
    return score


# --- declared conflicts ------------------------------------------------------------------------


@transaction.atomic
def conflict_declare(
    *,
    actor: User,
    contest: SubmissionContest,
    judge_id: int,
    entry_code: str = "",
    org: Organization | None = None,
    reason: str = "",
) -> tuple[JudgeConflict, list[str]]:
    """Record that a judge must not judge an entry (by code) or any entry from an organisation.
    Returns the conflict and the codes of entries already assigned against it (to be reassigned)."""
    _require_manager(actor, contest)
    if not User.objects.filter(pk=judge_id, memberships__role=Role.JUDGE).exists():
        raise JudgingError("not_a_judge", _("所选用户不是评委。"))
    entry_code = (entry_code or "").strip().upper()
    if bool(entry_code) == bool(org):
        raise JudgingError("conflict_target", _("请填写作品编号或选择单位（二选一）。"))
    entry = None
    if entry_code:
        entry = Entry.objects.filter(contest=contest, code=entry_code).first()
        if entry is None:
            raise JudgingError("entry_unknown", _("本比赛没有编号为 %(c)s 的作品。") % {"c": entry_code})
    conflict = JudgeConflict.objects.create(
        contest=contest, judge_id=judge_id, entry=entry, org=org, reason=(reason or "").strip()[:200]
    )
    clashing = Assignment.objects.filter(round__contest=contest, judge_id=judge_id).exclude(
        round__status=RoundStatus.CLOSED
    )
    if entry is not None:
        clashing = clashing.filter(entry=entry)
    else:
        clashing = clashing.filter(entries_under_q([org.path], "entry"))
    codes = sorted({a.entry.code for a in clashing.select_related("entry")})
    log(contest, actor, "conflict_declare", judge=judge_id, entry=entry_code, org=org.pk if org else None)
    return conflict, codes


@transaction.atomic
def judge_pair_declare(*, actor: User, contest: SubmissionContest, judge_a_id: int, judge_b_id: int) -> JudgePairRule:
    _require_manager(actor, contest)
    if judge_a_id == judge_b_id:
        raise JudgingError("pair_same", _("请选择两名不同的评委。"))
    if User.objects.filter(pk__in=[judge_a_id, judge_b_id], memberships__role=Role.JUDGE).distinct().count() != 2:
        raise JudgingError("not_a_judge", _("所选用户中有人不是评委。"))
    pair = JudgePairRule.objects.create(contest=contest, judge_a_id=judge_a_id, judge_b_id=judge_b_id)
    log(contest, actor, "pair_declare", judges=[judge_a_id, judge_b_id])
    return pair
