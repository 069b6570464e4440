"""Judging proper: rubrics, rounds, panels, conflicts, assignments, scores, awards and the audit log
(re-exported from judging.models).
Entries and contests are named by string (Django's lazy references), so this module does not import
judging.models back."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization


class Rubric(models.Model):
    """Criteria judges score against. A submission contest has one; a rubric without a contest belongs to
    whichever app links to it (an honours campaign's panel). Frozen from the first score on."""

    contest = models.OneToOneField(
        "SubmissionContest", on_delete=models.CASCADE, related_name="rubric", null=True, blank=True
    )
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评分细则")
        verbose_name_plural = _("评分细则")

    def __str__(self) -> str:
        return str(self.contest) if self.contest_id else _("评分细则 #%(id)s") % {"id": self.pk}

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("评分项"), max_length=50)
    description = models.TextField(_("说明"), blank=True)
    max_points = models.DecimalField(
        _("满分"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    weight = models.DecimalField(
        _("权重"), max_digits=5, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["rubric", "order", "id"]

    def __str__(self) -> str:
        return self.name


class RoundLevel(models.TextChoices):
    DISTRICT = "district", _("区级")
    CITY = "city", _("市级")


class RoundStatus(models.TextChoices):
    SETUP = "setup", _("准备中")
    JUDGING = "judging", _("评审中")
    CLOSED = "closed", _("已结束")


class Round(models.Model):
    contest = models.ForeignKey("SubmissionContest", on_delete=models.CASCADE, related_name="rounds")
    order = models.PositiveSmallIntegerField(_("轮次"), default=1)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("级别"), max_length=16, choices=RoundLevel.choices, default=RoundLevel.CITY)
    status = models.CharField(_("状态"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.SETUP)
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="judging_rounds", verbose_name=_("评委组")
    )
    judges_per_entry = models.PositiveSmallIntegerField(
        _("每份作品评委数"), default=3, validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    separate_same_school_judges = models.BooleanField(
        _("同校评委不共评一份作品"), default=True, help_text=_("另可在“回避关系”中指定不共评的评委对")
    )
    disagreement_threshold = models.DecimalField(
        _("分歧阈值（最高分−最低分）"), max_digits=6, decimal_places=2, default=Decimal("20")
    )
    standardise = models.BooleanField(
        _("按评委标准化（z 分数）"), default=False, help_text=_("评委各自评阅不同作品子集时使用")
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("评审轮次")
        verbose_name_plural = _("评审轮次")
        ordering = ["contest", "order"]
        constraints = [models.UniqueConstraint(fields=["contest", "order"], name="judging_round_unique_order")]

    def __str__(self) -> str:
        return f"{self.contest} · {self.name}"


class RoundEntry(models.Model):
    """An entry taking part in a round; `advanced` marks it as moved on to the next round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="round_entries")
    entry = models.ForeignKey("Entry", on_delete=models.CASCADE, related_name="round_entries")
    flagged = models.BooleanField(_("评分分歧"), default=False)
    flag_note = models.CharField(max_length=200, blank=True)
    advanced = models.BooleanField(_("晋级"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="judging_round_entry_unique")]


class JudgeConflict(models.Model):
    """A declared conflict of interest: the judge never judges this entry, or any entry from this org
    (school or district subtree)."""

    contest = models.ForeignKey("SubmissionContest", on_delete=models.CASCADE, related_name="conflicts")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey("Entry", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")


class JudgePairRule(models.Model):
    """Two judges who must never share an entry (e.g. same school, same family)."""

    contest = models.ForeignKey("SubmissionContest", on_delete=models.CASCADE, related_name="judge_pairs")
    judge_a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    judge_b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")


class AssignmentSource(models.TextChoices):
    AUTO = "auto", _("自动分配")
    MANUAL = "manual", _("手工调整")
    EXTRA = "extra", _("分歧加评")


class Assignment(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    entry = models.ForeignKey("Entry", on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="judging_assignments")
    source = models.CharField(max_length=8, choices=AssignmentSource.choices, default=AssignmentSource.AUTO)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        ordering = ["round", "entry__code", "judge_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "entry", "judge"], name="judging_assignment_unique"),
        ]


class ScoreStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class Score(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="score")
    status = models.CharField(max_length=16, choices=ScoreStatus.choices, default=ScoreStatus.DRAFT)
    comment = models.TextField(_("评语"), blank=True)
    total = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")


class ScoreItem(models.Model):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(max_digits=6, decimal_places=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["score", "criterion"], name="judging_score_item_unique")]


class AwardTier(models.TextChoices):
    FIRST = "first", _("一等奖")
    SECOND = "second", _("二等奖")
    THIRD = "third", _("三等奖")
    MERIT = "merit", _("优秀奖")


TIER_ORDER = [AwardTier.FIRST, AwardTier.SECOND, AwardTier.THIRD, AwardTier.MERIT]


class Award(models.Model):
    """One entry's award. Rows with published_at=None are the organiser's draft; publication stamps
    every row of the contest at once and they are frozen afterwards."""

    contest = models.ForeignKey("SubmissionContest", on_delete=models.CASCADE, related_name="awards")
    entry = models.ForeignKey("Entry", on_delete=models.PROTECT, related_name="awards")
    tier = models.CharField(_("奖项"), max_length=16, choices=AwardTier.choices)
    rank = models.PositiveIntegerField(_("名次"))
    score = models.DecimalField(_("得分"), max_digits=8, decimal_places=2)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("奖项")
        verbose_name_plural = _("奖项")
        ordering = ["contest", "rank", "entry__code"]
        constraints = [models.UniqueConstraint(fields=["contest", "entry"], name="judging_award_unique_entry")]


# what 操作记录 shows for each stored action code; an unknown code falls back to a generic label, never raw
JUDGING_LOG_LABELS = {
    "round_open": _("开始评审"),
    "round_close": _("结束本轮评审"),
    "assign_auto": _("自动分配评审任务"),
    "assign_add": _("追加评审任务"),
    "reassign": _("改派评委"),
    "score_reopen": _("重新开放评分"),
    "round_advance": _("晋级下一轮"),
    "conflict_declare": _("登记回避关系"),
    "pair_declare": _("登记评委回避"),
    "awards_compute": _("拟定奖项名单"),
    "awards_publish": _("公布获奖名单"),
}


class JudgingLog(models.Model):
    """Audit trail: reopened scores (with reason), manual reassignments, publication."""

    contest = models.ForeignKey("SubmissionContest", on_delete=models.CASCADE, related_name="logs")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=32)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def action_label(self) -> str:
        return str(JUDGING_LOG_LABELS.get(self.action, _("其他操作")))
