"""The knowledge-contest final on stage (issue 14): teams with a paired device, rounds with their rules
(必答 / 抢答 / 风险), questions reserved for the event, buzzes in server receive order, and a ledger of
score actions (the only way a team's score changes; the host can undo the last one)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    event = models.ForeignKey("stage.StageEvent", on_delete=models.CASCADE, related_name="teams")
    number = models.PositiveSmallIntegerField(_("队号"))
    name = models.CharField(_("队名"), max_length=50)
    school = models.CharField(_("学校"), max_length=100)
    members = models.CharField(_("队员"), max_length=200, blank=True)  # names, "、"-separated
    # the team device: a QR link like a judge seat's (SHA-256 of the token; first device keeps it)
    link_hash = models.CharField(max_length=64, blank=True, db_index=True)
    link_revoked_at = models.DateTimeField(null=True, blank=True)
    link_used_at = models.DateTimeField(null=True, blank=True)
    link_device = models.CharField(max_length=64, blank=True)  # SHA-256 of the device that holds the link

    class Meta:
        verbose_name = _("参赛队")
        verbose_name_plural = _("参赛队")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["event", "number"], name="stage_team_unique")]

    def __str__(self) -> str:
        return f"{self.number}号 {self.name}"


class RoundKind(models.TextChoices):
    REQUIRED = "required", _("必答题")
    BUZZER = "buzzer", _("抢答题")
    RISK = "risk", _("风险题")


class Round(models.Model):
    event = models.ForeignKey("stage.StageEvent", on_delete=models.CASCADE, related_name="rounds")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("题型"), max_length=10, choices=RoundKind.choices)
    title = models.CharField(_("名称"), max_length=50)
    points = models.PositiveSmallIntegerField(_("每题分值"), default=10)
    answer_s = models.PositiveSmallIntegerField(_("答题时间（秒）"), default=30)
    buzz_window_s = models.PositiveSmallIntegerField(_("抢答时限（秒）"), default=10)
    penalty = models.PositiveSmallIntegerField(_("答错或抢跑扣分"), default=10)
    risk_choices = models.JSONField(_("风险分值"), default=list, blank=True)  # e.g. [10, 20, 30]

    class Meta:
        verbose_name = _("轮次")
        verbose_name_plural = _("轮次")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class FinalQuestion(models.Model):
    """A question of the final: a frozen copy of a bank revision (reserved for this event) or entered for
    the day. Nothing of it reaches a team, the screen or the public before the host opens it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")  # 必答/风险
    qtype = models.CharField(max_length=16)  # questionbank.QuestionType, or "oral"
    stem = models.TextField(_("题干"))
    options = models.JSONField(default=list, blank=True)
    answer = models.JSONField(default=list, blank=True)
    answer_text = models.CharField(_("参考答案"), max_length=300, blank=True)
    source_revision = models.ForeignKey(
        "questionbank.QuestionRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shown_at = models.DateTimeField(null=True, blank=True)  # on screen (抢答: read out, buzzing not yet open)
    opened_at = models.DateTimeField(null=True, blank=True)  # answering / buzzing open on the server
    closed_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    risk_points = models.PositiveSmallIntegerField(null=True, blank=True)  # the team's 风险 choice

    class Meta:
        verbose_name = _("决赛题目")
        verbose_name_plural = _("决赛题目")
        ordering = ["round__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_revision"],
                condition=models.Q(source_revision__isnull=False),
                name="stage_final_question_reserved_once",
            )
        ]


class Buzz(models.Model):
    question = models.ForeignKey(FinalQuestion, on_delete=models.CASCADE, related_name="buzzes")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField()
    after_open_ms = models.IntegerField(null=True)  # None for an early buzz
    client_after_open_ms = models.IntegerField(null=True)  # what the device's corrected clock said
    early = models.BooleanField(default=False)  # before opening: the team is locked out for this question
    judged = models.CharField(max_length=8, blank=True)  # "", "right", "wrong"

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "team"], name="stage_buzz_once")]


class ScoreActionKind(models.TextChoices):
    RIGHT = "right", _("答对")
    WRONG = "wrong", _("答错")
    EARLY = "early", _("抢跑")


class ScoreAction(models.Model):
    event = models.ForeignKey("stage.StageEvent", on_delete=models.CASCADE, related_name="score_actions")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="actions")
    question = models.ForeignKey(FinalQuestion, null=True, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=10, choices=ScoreActionKind.choices)
    delta = models.IntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answer = models.JSONField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
