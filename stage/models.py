"""Live stage events. `StageEvent` is the shared foundation (host, screen secret, timer, one WebSocket
group); the speech contest adds categories, criteria, performers, judge seats and scores."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_secret() -> str:
    return secrets.token_urlsafe(24)


class EventKind(models.TextChoices):
    SPEECH = "speech", _("演讲比赛")
    FINAL = "final", _("知识竞赛决赛")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    LIVE = "live", _("进行中")
    PAUSED = "paused", _("暂停")
    FINISHED = "finished", _("已结束")


class TimerState(models.TextChoices):
    IDLE = "idle", _("未开始")
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("已暂停")
    STOPPED = "stopped", _("已停止")


class AwardMode(models.TextChoices):
    COUNT = "count", _("按名额")
    PERCENT = "percent", _("按比例")


class StageEvent(models.Model):
    kind = models.CharField(_("类型"), max_length=16, choices=EventKind.choices, default=EventKind.SPEECH)
    title = models.CharField(_("名称"), max_length=200)
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    date = models.DateField(_("日期"))
    owner_org = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("主办")
    )
    status = models.CharField(_("状态"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # big screen: a secret in the URL, rotated to revoke old screens
    display_token = models.CharField(max_length=64, default=new_secret, unique=True, editable=False)
    # rules (published on the event page)
    decimals = models.PositiveSmallIntegerField(_("保留小数位"), default=2, validators=[MaxValueValidator(4)])
    trim_min_judges = models.PositiveSmallIntegerField(_("去掉最高最低分的最少评委数"), default=5)
    time_limit_s = models.PositiveIntegerField(_("时限（秒）"), default=300)
    warning_s = models.PositiveIntegerField(_("提示时间（剩余秒数）"), default=60)
    overtime_step_s = models.PositiveIntegerField(
        _("超时扣分步长（秒）"), default=10, validators=[MinValueValidator(1)]
    )
    overtime_deduction = models.DecimalField(_("每步扣分"), max_digits=5, decimal_places=2, default=Decimal("0.10"))
    award_mode = models.CharField(_("奖项方式"), max_length=8, choices=AwardMode.choices, default=AwardMode.COUNT)
    award_first = models.DecimalField(_("一等奖"), max_digits=5, decimal_places=1, default=1)
    award_second = models.DecimalField(_("二等奖"), max_digits=5, decimal_places=1, default=1)
    award_third = models.DecimalField(_("三等奖"), max_digits=5, decimal_places=1, default=1)
    award_merit = models.DecimalField(_("优秀奖"), max_digits=5, decimal_places=1, default=0)
    # commit-reveal draw
    draw_public_input_rule = models.CharField(_("公开输入来源"), max_length=300, blank=True)
    draw_commitment = models.CharField(_("承诺值 SHA-256"), max_length=64, blank=True)
    draw_seed = models.CharField(max_length=128, blank=True, editable=False)  # secret until the draw
    draw_roster_digest = models.CharField(max_length=64, blank=True, editable=False)
    draw_committed_at = models.DateTimeField(null=True, blank=True)
    draw_public_input = models.CharField(_("公开输入"), max_length=200, blank=True)
    drawn_at = models.DateTimeField(_("抽签时间"), null=True, blank=True)
    # live state
    current_performer = models.ForeignKey(
        "Performer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    timer_state = models.CharField(max_length=8, choices=TimerState.choices, default=TimerState.IDLE)
    timer_started_at = models.DateTimeField(null=True, blank=True)  # start of the current run
    timer_elapsed_ms = models.PositiveIntegerField(default=0)  # accumulated before the current run
    version = models.PositiveIntegerField(default=0)
    current_question = models.ForeignKey(  # the knowledge final's question on stage
        "stage.FinalQuestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    screen_game = models.ForeignKey(  # a hall-quiz game the host put on the event's big screen
        "stage.QuizGame", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("现场活动")
        verbose_name_plural = _("现场活动")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def group_name(self) -> str:
        return f"stage-event-{self.pk}"


class Category(models.Model):
    event = models.ForeignKey(StageEvent, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("组别"), max_length=50)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("组别")
        verbose_name_plural = _("组别")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="stage_category_unique")]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    event = models.ForeignKey(StageEvent, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("评分项"), max_length=50)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2, default=1)
    min_points = models.DecimalField(_("最低分"), max_digits=6, decimal_places=2, default=0)
    max_points = models.DecimalField(_("最高分"), max_digits=6, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.min_points}–{self.max_points}）"


class Performer(models.Model):
    event = models.ForeignKey(StageEvent, on_delete=models.CASCADE, related_name="performers")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="performers")
    code = models.CharField(_("报名号"), max_length=20)  # published before the draw; the draw hashes it
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.CharField(_("单位"), max_length=100, blank=True)
    unit_org = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(  # when the performer has an account: certificates go to it
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    speech_title = models.CharField(_("演讲题目"), max_length=200, blank=True)
    running_order = models.PositiveIntegerField(_("出场顺序"), null=True, blank=True)
    speech_ms = models.PositiveIntegerField(_("用时（毫秒）"), null=True, blank=True)
    scoring_open = models.BooleanField(default=False)
    locked_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    corrected = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("选手")
        verbose_name_plural = _("选手")
        ordering = ["running_order", "category__position", "code"]
        constraints = [models.UniqueConstraint(fields=["event", "code"], name="stage_performer_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JudgeSeat(models.Model):
    """A place on the panel, taken by an account or by whoever holds the seat's link (QR)."""

    event = models.ForeignKey(StageEvent, on_delete=models.CASCADE, related_name="seats")
    number = models.PositiveSmallIntegerField(_("席位号"))
    name = models.CharField(_("评委"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_head = models.BooleanField(_("裁判长"), default=False)
    unit_org = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    conflicts = models.ManyToManyField(Performer, blank=True, related_name="conflicted_seats")
    link_hash = models.CharField(max_length=64, blank=True, db_index=True)  # SHA-256 of the link token
    link_revoked_at = models.DateTimeField(null=True, blank=True)
    link_used_at = models.DateTimeField(null=True, blank=True)
    link_device = models.CharField(max_length=64, blank=True)  # SHA-256 of the device that holds the link

    class Meta:
        verbose_name = _("评委席位")
        verbose_name_plural = _("评委席位")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["event", "number"], name="stage_seat_unique")]

    def __str__(self) -> str:
        return f"{self.number}号 {self.name}"


class Score(models.Model):
    """One judge's score for one performer; at most one row per (seat, performer)."""

    seat = models.ForeignKey(JudgeSeat, on_delete=models.CASCADE, related_name="scores")
    performer = models.ForeignKey(Performer, on_delete=models.CASCADE, related_name="scores")
    points = models.JSONField(default=dict)  # {criterion_id: "12.5"}
    total = models.DecimalField(max_digits=8, decimal_places=4)
    client_id = models.CharField(max_length=64, blank=True)
    corrected = models.BooleanField(default=False)
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [models.UniqueConstraint(fields=["seat", "performer"], name="stage_score_one_per_seat")]


class AuditAction(models.TextChoices):
    SCORE = "score", _("评分")
    SCORE_CHANGE = "score_change", _("修改评分")
    CORRECTION = "correction", _("更正")
    LOCK = "lock", _("锁定")
    UNLOCK = "unlock", _("解锁")
    REVEAL = "reveal", _("亮分")
    SCORING_OPEN = "scoring_open", _("开始评分")
    PERFORMER = "performer", _("切换选手")
    TIMER_START = "timer_start", _("开始计时")
    TIMER_PAUSE = "timer_pause", _("暂停计时")
    TIMER_STOP = "timer_stop", _("停止计时")
    TIMER_RESET = "timer_reset", _("重置计时")
    EVENT_PAUSE = "event_pause", _("暂停活动")
    EVENT_RESUME = "event_resume", _("继续活动")
    EVENT_FINISH = "event_finish", _("结束活动")
    DRAW_COMMIT = "draw_commit", _("公布承诺值")
    DRAW = "draw", _("抽签")
    SEAT_LINK = "seat_link", _("生成评委链接")
    SEAT_REVOKE = "seat_revoke", _("吊销评委链接")
    DISPLAY_ROTATE = "display_rotate", _("更换大屏链接")
    IMPORT = "import", _("导入选手")
    CONFLICT = "conflict", _("申报回避")
    QUESTION = "question", _("决赛题目")
    BUZZ = "buzz", _("抢答")
    TEAM_ANSWER = "team_answer", _("队伍作答")
    SCORE_ACTION = "score_action", _("计分")
    UNDO = "undo", _("撤销")
    TEAM_LINK = "team_link", _("生成队伍链接")
    SEAT_UNBIND = "seat_unbind", _("解除评委设备绑定")
    TEAM_UNBIND = "team_unbind", _("解除队伍设备绑定")


class AuditEntry(models.Model):
    event = models.ForeignKey(StageEvent, on_delete=models.CASCADE, related_name="audit")
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seat = models.ForeignKey(JudgeSeat, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    performer = models.ForeignKey(Performer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["at", "id"]

    @property
    def who(self) -> str:
        if self.seat_id:
            return str(self.seat)
        return str(self.actor) if self.actor_id else "-"


from .models_final import Buzz, FinalQuestion, Round, RoundKind, ScoreAction, ScoreActionKind, Team  # noqa: E402, F401
from .models_quiz import GamePhase, QuizAnswer, QuizGame, QuizPlayer, QuizQuestion  # noqa: E402, F401
