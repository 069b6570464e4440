"""Timed knowledge contests (知识竞赛).

A Contest is defined by an organiser for a region. Each student's Attempt freezes its own paper as
AttemptItems (exact question revisions, option order, points). Answers are stored on the item row they
belong to, so one autosave is one UPDATE of one row, and scoring reads one table."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import GradeBand, Organization
from questionbank.models import Difficulty, QuestionRevision, QuestionType, Topic


class ContestKind(models.TextChoices):
    PRACTICE = "practice", _("练习")
    FORMAL = "formal", _("正式")


class ContestStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class PaperMode(models.TextChoices):
    FIXED = "fixed", _("固定试题")
    RULES = "rules", _("按规则随机抽题")


class CountingRule(models.TextChoices):
    BEST = "best", _("取最高分")
    LAST = "last", _("取最后一次")
    FIRST = "first", _("取第一次")


class ScorePolicy(models.TextChoices):
    IMMEDIATELY = "immediately", _("交卷后立即显示成绩")
    AFTER_CLOSE = "after_close", _("竞赛结束后显示成绩")


class ReviewPolicy(models.TextChoices):
    IMMEDIATELY = "immediately", _("交卷后即可查看答案与解析")
    AFTER_CLOSE = "after_close", _("竞赛结束后可查看答案与解析")
    NEVER = "never", _("不公布答案与解析")


def new_display_token() -> str:
    return secrets.token_urlsafe(24)


class Contest(models.Model):
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="contests", verbose_name=_("专题"))
    kind = models.CharField(_("类型"), max_length=16, choices=ContestKind.choices, default=ContestKind.FORMAL)
    status = models.CharField(_("状态"), max_length=16, choices=ContestStatus.choices, default=ContestStatus.DRAFT)
    # The region that owns the contest: only organisers of this subtree manage it.
    owner_org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="owned_contests", verbose_name=_("主办单位")
    )
    # Who may take part: students whose class lies under one of these nodes (empty = the whole owner region)
    # and whose grade band is listed (empty = every band).
    audience_orgs = models.ManyToManyField(
        Organization, blank=True, related_name="audience_contests", verbose_name=_("参赛范围")
    )
    grade_bands = models.JSONField(_("参赛学段"), default=list, blank=True)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("结束时间"))
    time_limit_s = models.PositiveIntegerField(_("每次答题限时（秒）"), default=1800)
    attempts_allowed = models.PositiveSmallIntegerField(_("允许答题次数"), default=1, help_text=_("0 表示不限次数"))
    counting = models.CharField(_("计分方式"), max_length=8, choices=CountingRule.choices, default=CountingRule.BEST)
    score_policy = models.CharField(
        _("成绩公布"), max_length=16, choices=ScorePolicy.choices, default=ScorePolicy.IMMEDIATELY
    )
    review_policy = models.CharField(
        _("答案与解析"), max_length=16, choices=ReviewPolicy.choices, default=ReviewPolicy.AFTER_CLOSE
    )
    paper_mode = models.CharField(_("组卷方式"), max_length=8, choices=PaperMode.choices, default=PaperMode.RULES)
    partial_credit = models.BooleanField(_("多选题部分得分"), default=False)
    shuffle_questions = models.BooleanField(_("打乱题目顺序"), default=True)
    shuffle_options = models.BooleanField(_("打乱选项顺序"), default=True)
    excellence_percent = models.PositiveSmallIntegerField(_("优秀线（满分百分比）"), default=85)
    # Public boards stop moving for the last N minutes of the window (the leaderboard app reads this).
    freeze_minutes = models.PositiveSmallIntegerField(_("封榜分钟数"), default=0)
    # Secret for the big-screen display URL; rotate to revoke.
    display_token = models.CharField(max_length=64, default=new_display_token, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("竞赛")
        verbose_name_plural = _("竞赛")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="contest_window_positive"),
            models.CheckConstraint(condition=Q(time_limit_s__gt=0), name="contest_time_limit_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("competitions:contest_detail", args=[self.pk])

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("结束时间必须晚于开始时间。")})
        bad = [b for b in self.grade_bands or [] if b not in GradeBand.values]
        if bad:
            raise ValidationError({"grade_bands": _("未知学段：%(b)s") % {"b": "、".join(bad)}})

    def window_status(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return "upcoming"
        if now >= self.closes_at:
            return "closed"
        return "open"

    @property
    def is_practice(self) -> bool:
        return self.kind == ContestKind.PRACTICE


class PaperRule(models.Model):
    """ "N questions of type T from topic X at difficulty D, P points each", drawn per student."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rules")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("专题"))
    qtype = models.CharField(_("题型"), max_length=16, choices=QuestionType.choices)
    difficulty = models.CharField(_("难度"), max_length=8, choices=Difficulty.choices, blank=True)
    count = models.PositiveSmallIntegerField(_("题数"))
    points = models.DecimalField(_("每题分值"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("抽题规则")
        verbose_name_plural = _("抽题规则")
        constraints = [
            models.CheckConstraint(condition=Q(count__gt=0), name="paperrule_count_positive"),
            models.CheckConstraint(condition=Q(points__gt=0), name="paperrule_points_positive"),
        ]

    def describe(self) -> str:
        parts = [self.topic.name, self.get_qtype_display()]
        if self.difficulty:
            parts.append(self.get_difficulty_display())
        return "·".join(str(p) for p in parts)


class FixedQuestion(models.Model):
    """A question of a fixed paper, pinned to the revision chosen when it was added."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="fixed_questions")
    revision = models.ForeignKey(QuestionRevision, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "revision"], name="fixedquestion_unique"),
            models.CheckConstraint(condition=Q(points__gt=0), name="fixedquestion_points_positive"),
        ]


class AttemptState(models.TextChoices):
    ACTIVE = "active", _("答题中")
    FINALISED = "finalised", _("已交卷")


class FinishReason(models.TextChoices):
    SUBMITTED = "submitted", _("学生交卷")
    TIMEOUT = "timeout", _("时间到自动交卷")


class Attempt(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contest_attempts")
    number = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=16, choices=AttemptState.choices, default=AttemptState.ACTIVE)
    # Snapshot of where the student sat when they started (results by school/district stay stable).
    class_org = models.ForeignKey(Organization, null=True, on_delete=models.SET_NULL, related_name="+")
    grade_band = models.CharField(max_length=16, blank=True)
    seed = models.BigIntegerField()
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    finish_reason = models.CharField(max_length=16, choices=FinishReason.choices, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    max_score = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    time_used_s = models.PositiveIntegerField(default=0)
    # The one finalised attempt per student that counts (best/last/first); leaderboards read only these.
    counts = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("答题记录")
        verbose_name_plural = _("答题记录")
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "user"], condition=Q(state="active"), name="attempt_one_active_per_student"
            ),
            models.UniqueConstraint(fields=["contest", "user", "number"], name="attempt_unique_number"),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["contest", "counts", "-score", "time_used_s", "finished_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id}/{self.user_id}#{self.number}"

    @property
    def is_active(self) -> bool:
        return self.state == AttemptState.ACTIVE

    def remaining_s(self, now=None) -> int:
        if not self.is_active:
            return 0
        now = now or timezone.now()
        return max(0, int((self.deadline - now).total_seconds()))


class AttemptItem(models.Model):
    """One question of one student's frozen paper, with the saved answer. `option_order` lists the
    revision's option keys in the order shown; the student sees them relabelled A, B, C… and answers
    in those display keys, which scoring maps back."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    revision = models.ForeignKey(QuestionRevision, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    option_order = models.JSONField(default=list)
    points = models.DecimalField(max_digits=6, decimal_places=2)
    answer = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "revision"], name="attemptitem_unique_question")]
        indexes = [models.Index(fields=["revision"])]
