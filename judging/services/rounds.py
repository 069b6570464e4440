"""The life of a round outside scoring: edit or delete it while it is being set up, step back from every
state it can get stuck in, check its panel before judging starts, and undo declared conflicts.

Every way forward has a way back until something irreversible happened (a judge scored, the next round
started, awards were published); each refusal says what to do instead."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User

from ..assignment import AssignmentInfeasible, plan_assignment
from ..models import (
    Assignment,
    FileStatus,
    JudgeConflict,
    JudgePairRule,
    Round,
    RoundEntry,
    RoundStatus,
    Rubric,
    Score,
    ScoreStatus,
    SubmissionContest,
)
from .assigning import _Constraints
from .common import _require_manager, log
from .errors import JudgingError
from .rubrics import rubric_freeze

EDITABLE_FIELDS = (
    "name",
    "level",
    "judges_per_entry",
    "separate_same_school_judges",
    "disagreement_threshold",
    "standardise",
)


def check_panel_size(*, judges_per_entry: int, panel_size: int) -> None:
    if panel_size and panel_size < judges_per_entry:
        raise JudgingError(
            "panel_too_small",
            _("每份作品需要 %(k)s 名评委，但评委组只有 %(n)s 人：请增加评委或减少每份作品评委数。")
            % {"k": judges_per_entry, "n": panel_size},
        )


def _candidate_entry_ids(rnd: Round) -> list[int]:
    """The entries the round will judge: its own rows, or (first round, not yet opened) every entry
    with a saved version, the way `round_open` collects them."""
    ids = list(rnd.round_entries.values_list("entry_id", flat=True))
    if ids or rnd.contest.rounds.filter(order__lt=rnd.order).exists():
        return ids
    return list(
        rnd.contest.entries.filter(versions__is_autosave=False, versions__file_status=FileStatus.READY)
        .distinct()
        .values_list("pk", flat=True)
        .order_by("pk")
    )


def round_problems(rnd: Round) -> list[str]:
    """What would make starting or assigning this round fail, in Chinese, checked without writing
    anything (the same rules `round_assign_auto` applies). Empty when the round can go ahead."""
    if rnd.status == RoundStatus.CLOSED:
        return []
    problems = []
    panel = rnd.judges.count()
    if panel == 0:
        problems.append(_("评委组还是空的：请在下方勾选评委并保存。"))
    elif panel < rnd.judges_per_entry:
        problems.append(
            _("每份作品需要 %(k)s 名评委，但评委组只有 %(n)s 人：请增加评委，或编辑本轮减少每份作品评委数。")
            % {"k": rnd.judges_per_entry, "n": panel}
        )
    entry_ids = _candidate_entry_ids(rnd)
    if not entry_ids:
        if rnd.contest.rounds.filter(order__lt=rnd.order).exists():
            problems.append(_("本轮还没有作品：请在上一轮结束后「确定晋级名单」。"))
        else:
            problems.append(_("还没有已提交的作品。"))
    if problems:
        return problems
    c = _Constraints(rnd)
    if rnd.status == RoundStatus.SETUP and not rnd.round_entries.exists():
        entries = rnd.contest.entries.filter(pk__in=entry_ids).select_related("school", "district")
        c.entries = {e.pk: e for e in entries}
    try:
        plan_assignment(
            entries=sorted(c.entries),
            judges=c.judge_ids,
            k=rnd.judges_per_entry,
            forbidden=c.forbidden(),
            groups=c.groups,
            soft_cost={},
        )
    except AssignmentInfeasible as exc:
        codes = [c.entries[e].code for e in exc.entries][:20]
        problems.append(exc.message + ((_("（涉及作品：%(c)s）") % {"c": "、".join(codes)}) if codes else ""))
    return problems


@transaction.atomic
def round_update(*, actor: User, rnd: Round, **fields) -> Round:
    """Change a round's settings while it is being set up (before judging starts)."""
    _require_manager(actor, rnd.contest)
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    if rnd.status != RoundStatus.SETUP:
        raise JudgingError("round_started", _("评审已开始，不能修改本轮设置；如尚无评分，可先「退回准备阶段」。"), 409)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise JudgingError("round_field", _("不能修改该设置。"))
        setattr(rnd, name, value)
    rnd.name = (rnd.name or "").strip() or _("第 %(n)s 轮") % {"n": rnd.order}
    rnd.full_clean()
    check_panel_size(judges_per_entry=rnd.judges_per_entry, panel_size=rnd.judges.count())
    rnd.save()
    log(rnd.contest, actor, "round_update", round=rnd.pk)
    return rnd


@transaction.atomic
def round_delete(*, actor: User, rnd: Round) -> None:
    """Delete a round that has not started. Entries advanced into it go back to being not advanced."""
    contest = rnd.contest
    _require_manager(actor, contest)
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    if rnd.status != RoundStatus.SETUP:
        raise JudgingError("round_started", _("评审已开始，不能删除本轮；如尚无评分，可先「退回准备阶段」。"), 409)
    if contest.rounds.filter(order__gt=rnd.order).exclude(status=RoundStatus.SETUP).exists():
        raise JudgingError("later_round_started", _("后续轮次已开始评审，不能删除本轮。"), 409)
    previous = contest.rounds.filter(order__lt=rnd.order).order_by("-order").first()
    if previous is not None:
        RoundEntry.objects.filter(round=previous).update(advanced=False)
    log(contest, actor, "round_delete", round=rnd.pk, name=rnd.name)
    rnd.delete()


@transaction.atomic
def round_reset(*, actor: User, rnd: Round) -> Round:
    """Take a round that is judging back to setup, as long as no judge has saved a score: assignments
    are dropped, settings and panel become editable again, and the rubric unfreezes if no other round
    has started. The way back when assignment failed or the panel was wrong."""
    contest = rnd.contest
    _require_manager(actor, contest)
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    if rnd.status != RoundStatus.JUDGING:
        raise JudgingError("round_not_judging", _("只有评审中的轮次可以退回准备阶段。"), 409)
    if Score.objects.filter(assignment__round=rnd).exists():
        raise JudgingError("scoring_started", _("已有评委开始评分，不能退回准备阶段；请在分配明细中改派或加派。"), 409)
    Assignment.objects.filter(round=rnd).delete()
    RoundEntry.objects.filter(round=rnd).update(flagged=False, flag_note="")
    if not contest.rounds.filter(order__lt=rnd.order).exists():
        # the first round collects its entries again when it reopens (late fixes are picked up)
        RoundEntry.objects.filter(round=rnd).delete()
    rnd.status, rnd.opened_at = RoundStatus.SETUP, None
    rnd.save(update_fields=["status", "opened_at"])
    if not contest.rounds.exclude(status=RoundStatus.SETUP).exists():
        Rubric.objects.filter(contest=contest).update(frozen_at=None)
    log(contest, actor, "round_reset", round=rnd.pk)
    return rnd


@transaction.atomic
def round_reopen(*, actor: User, rnd: Round) -> Round:
    """Reopen a closed round (e.g. closed too early) while the next round has not started and awards
    are not published. The advancement list is cleared, since scores may change."""
    contest = rnd.contest
    _require_manager(actor, contest)
    contest = SubmissionContest.objects.select_for_update().get(pk=contest.pk)
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    if rnd.status != RoundStatus.CLOSED:
        raise JudgingError("round_not_closed", _("只有已结束的轮次可以重新开放。"), 409)
    if contest.awards_published_at:
        raise JudgingError("awards_published", _("奖项已公布，不能重新开放评审。"), 409)
    later = contest.rounds.filter(order__gt=rnd.order)
    if later.exclude(status=RoundStatus.SETUP).exists():
        raise JudgingError("later_round_started", _("下一轮已开始评审，不能重新开放本轮。"), 409)
    RoundEntry.objects.filter(round=rnd).update(advanced=False)
    RoundEntry.objects.filter(round__in=later).delete()
    rnd.status, rnd.closed_at = RoundStatus.JUDGING, None
    rnd.save(update_fields=["status", "closed_at"])
    log(contest, actor, "round_reopen", round=rnd.pk)
    return rnd


@transaction.atomic
def conflict_remove(*, actor: User, conflict: JudgeConflict) -> None:
    _require_manager(actor, conflict.contest)
    log(conflict.contest, actor, "conflict_remove", judge=conflict.judge_id)
    conflict.delete()


@transaction.atomic
def judge_pair_remove(*, actor: User, pair: JudgePairRule) -> None:
    _require_manager(actor, pair.contest)
    log(pair.contest, actor, "pair_remove", judges=[pair.judge_a_id, pair.judge_b_id])
    pair.delete()


def valid_judges(judge_ids: list[int]) -> list[User]:
    judges = list(User.objects.filter(pk__in=judge_ids, memberships__role=Role.JUDGE).distinct())
    if len(judges) != len(set(judge_ids)):
        raise JudgingError("not_a_judge", _("所选用户中有人不是评委。"))
    return judges


# --- rounds and panels -------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *, actor: User, contest: SubmissionContest, name: str, judge_ids: list[int] | None = None, **fields
) -> Round:
    """Add a round; with `judge_ids` its panel is set at once and must hold `judges_per_entry` judges."""
    _require_manager(actor, contest)
    order = (contest.rounds.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    rnd = Round(contest=contest, name=name.strip() or _("第 %(n)s 轮") % {"n": order}, order=order, **fields)
    rnd.full_clean()
    judges = valid_judges(judge_ids or [])
    check_panel_size(judges_per_entry=rnd.judges_per_entry, panel_size=len(judges))
    rnd.save()
    if judges:
        rnd.judges.set(judges)
    return rnd


@transaction.atomic
def round_set_panel(*, actor: User, rnd: Round, judge_ids: list[int]) -> None:
    _require_manager(actor, rnd.contest)
    judges = valid_judges(judge_ids)
    if rnd.status == RoundStatus.CLOSED:
        raise JudgingError("round_closed", _("本轮评审已结束。"), 409)
    removed = set(rnd.judges.values_list("pk", flat=True)) - {j.pk for j in judges}
    if removed and Assignment.objects.filter(round=rnd, judge_id__in=removed).exists():
        raise JudgingError("judge_has_assignments", _("要移出的评委已有分配，请先在分配表中调整。"), 409)
    rnd.judges.set(judges)


@transaction.atomic
def round_open(*, actor: User, rnd: Round, now=None) -> Round:
    """Start judging: the rubric freezes; the first round takes every entry with a saved version
    (entries are locked by then, since the deadline must have passed)."""
    now = now or timezone.now()
    contest = rnd.contest
    _require_manager(actor, contest)
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    if rnd.status != RoundStatus.SETUP:
        raise JudgingError("round_not_setup", _("本轮评审已经开始或已结束。"), 409)
    if not contest.deadline_passed(now):
        raise JudgingError("deadline_not_passed", _("作品提交尚未截止，不能开始评审。"), 409)
    rubric = getattr(contest, "rubric", None)
    if rubric is None or not rubric.criteria.exists():
        raise JudgingError("rubric_empty", _("请先设置评分细则。"))
    earlier = contest.rounds.filter(order__lt=rnd.order)
    if earlier.exclude(status=RoundStatus.CLOSED).exists():
        raise JudgingError("previous_round_open", _("上一轮评审尚未结束。"), 409)
    if not earlier.exists():
        entry_ids = (
            contest.entries.filter(versions__is_autosave=False, versions__file_status=FileStatus.READY)
            .distinct()
            .values_list("pk", flat=True)
        )
        RoundEntry.objects.bulk_create(
            [RoundEntry(round=rnd, entry_id=eid) for eid in entry_ids], ignore_conflicts=True
        )
    if not rnd.round_entries.exists():
        if earlier.exists():
            raise JudgingError("round_no_entries", _("本轮还没有作品：请先在上一轮「确定晋级名单」。"), 409)
        raise JudgingError("round_no_entries", _("本轮没有参评作品。"), 409)
    # refuse now, with the reason, rather than leave a judging round that cannot be assigned
    # (the transaction drops the rows collected above)
    from .rounds import round_problems

    problems = round_problems(rnd)
    if problems:
        raise JudgingError("round_not_ready", _("还不能开始评审：") + problems[0], 409)
    rnd.status, rnd.opened_at = RoundStatus.JUDGING, now
    rnd.save(update_fields=["status", "opened_at"])
    rubric_freeze(rubric=Rubric.objects.select_for_update().get(pk=rubric.pk), now=now)
    log(contest, actor, "round_open", round=rnd.pk)
    return rnd


@transaction.atomic
def round_close(*, actor: User, rnd: Round, now=None) -> Round:
    _require_manager(actor, rnd.contest)
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    if rnd.status != RoundStatus.JUDGING:
        raise JudgingError("round_not_judging", _("只有评审中的轮次可以结束。"), 409)
    if not Assignment.objects.filter(round=rnd).exists():
        raise JudgingError(
            "round_unassigned", _("本轮还没有分配评委，没有可结束的评分；可「退回准备阶段」调整后重新开始。"), 409
        )
    pending = Assignment.objects.filter(round=rnd).exclude(score__status=ScoreStatus.SUBMITTED).count()
    if pending:
        raise JudgingError("scores_pending", _("还有 %(n)s 份评分未提交，不能结束本轮。") % {"n": pending}, 409)
    rnd.status, rnd.closed_at = RoundStatus.CLOSED, now or timezone.now()
    rnd.save(update_fields=["status", "closed_at"])
    log(rnd.contest, actor, "round_close", round=rnd.pk)
    return rnd
