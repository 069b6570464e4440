"""The hall-wide live quiz (Kahoot mode, issue 14): a game with a 6-digit PIN, questions the host
advances, players (a signed-in student or a nickname), one answer per player per question."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GamePhase(models.TextChoices):
    LOBBY = "lobby", _("等待加入")
    QUESTION = "question", _("答题中")
    RESULTS = "results", _("本题结果")
    FINISHED = "finished", _("已结束")


class QuizGame(models.Model):
    event = models.ForeignKey("stage.StageEvent", on_delete=models.CASCADE, related_name="games")
    title = models.CharField(_("名称"), max_length=100)
    pin = models.CharField(_("游戏 PIN"), max_length=6, unique=True)
    phase = models.CharField(max_length=10, choices=GamePhase.choices, default=GamePhase.LOBBY)
    position = models.IntegerField(default=-1)  # the current question's position
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("现场答题游戏")
        verbose_name_plural = _("现场答题游戏")

    def __str__(self) -> str:
        return f"{self.title}（{self.pin}）"


class QuizQuestion(models.Model):
    game = models.ForeignKey(QuizGame, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    stem = models.TextField(_("题干"))
    options = models.JSONField(default=list)  # [{"key": "A", "text": "..."}]
    answer = models.CharField(max_length=4)  # the correct option's key
    time_s = models.PositiveSmallIntegerField(_("答题时间（秒）"), default=20)
    points = models.PositiveIntegerField(_("满分"), default=1000)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["game", "position"], name="stage_quiz_question_position")]


class QuizPlayer(models.Model):
    game = models.ForeignKey(QuizGame, on_delete=models.CASCADE, related_name="players")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    nickname = models.CharField(_("昵称"), max_length=16)
    token = models.CharField(max_length=64, unique=True)  # kept by the phone to reconnect as this player
    score = models.IntegerField(default=0)
    joined_at = models.DateTimeField()
    # first time a question reached this player after it opened (join-in-progress / reconnect): a
    # reconnect never restarts the player's clock
    seen_position = models.IntegerField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["game", "nickname"], name="stage_quiz_nickname_unique"),
            models.UniqueConstraint(
                fields=["game", "user"], condition=models.Q(user__isnull=False), name="stage_quiz_user_once"
            ),
        ]


class QuizAnswer(models.Model):
    player = models.ForeignKey(QuizPlayer, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="answers")
    choice = models.CharField(max_length=4)
    elapsed_ms = models.PositiveIntegerField()
    correct = models.BooleanField()
    points = models.PositiveIntegerField()
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["player", "question"], name="stage_quiz_answer_once")]
