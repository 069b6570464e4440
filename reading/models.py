"""每月一读: readings grouped in series, students' progress, quiz attempts, reflections, and the private
distress flags that only a school's counsellors see."""

from datetime import date, datetime, time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from questionbank.models import QuestionRevision, Topic


class Series(models.Model):
    """e.g. all 每月一读 of a school year, or the chapters of the law reader."""

    title = models.CharField(_("系列名称"), max_length=100)
    owner_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("主办单位"))
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("阅读系列")
        verbose_name_plural = _("阅读系列")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ReadingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class Reading(models.Model):
    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="readings", null=True, blank=True, verbose_name=_("系列")
    )
    owner_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("主办单位"))
    title = models.CharField(_("标题"), max_length=200)
    month = models.DateField(_("所属月份"), help_text=_("该月第一天；测验计入该月统计"))
    opens_on = models.DateField(_("开放日期"), help_text=_("默认为所属月份第一天"))
    grade_bands = models.JSONField(_("面向学段"), default=list, blank=True)
    body = models.TextField(_("正文"), help_text=_("保存时经过安全过滤"))
    audio = models.FileField(_("朗读音频"), upload_to="reading_audio/%Y/%m/", blank=True)
    audio_type = models.CharField(max_length=8, blank=True, editable=False)
    reading_minutes = models.PositiveSmallIntegerField(_("预计阅读分钟数"), default=5)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("测验专题"))
    pass_percent = models.PositiveSmallIntegerField(_("测验通过线（%）"), default=60)
    status = models.CharField(_("状态"), max_length=16, choices=ReadingStatus.choices, default=ReadingStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("阅读")
        verbose_name_plural = _("阅读")
        ordering = ["-month", "pk"]
        indexes = [models.Index(fields=["status", "opens_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ReadingStatus.PUBLISHED

    @property
    def closes_at(self):
        """The end of the reading's month (local midnight): its quiz counts for that month, and its
        enrolment (在册学生) is frozen from then on (`accounts.enrolment`, as for a closed contest)."""
        nxt = date(self.month.year + self.month.month // 12, self.month.month % 12 + 1, 1)
        return timezone.make_aware(datetime.combine(nxt, time.min))


class ReadingQuestion(models.Model):
    """A quiz question: a published, reviewed revision from the bank, frozen when the reading is published."""

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="questions")
    revision = models.ForeignKey(QuestionRevision, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("测验题")
        verbose_name_plural = _("测验题")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["reading", "revision"], name="reading_question_unique")]


class Progress(models.Model):
    """One student's reading of one reading. `class_org` is the class at the first save, so statistics
    group by a column of this table (no join through memberships)."""

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_progress")
    class_org = models.ForeignKey(Organization, null=True, on_delete=models.SET_NULL, related_name="+")
    position = models.FloatField(default=0)  # last position, 0..1 of the text
    max_position = models.FloatField(default=0)  # furthest seen
    engaged_s = models.PositiveIntegerField(default=0)
    saves = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    last_saved_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    quiz_attempts = models.PositiveSmallIntegerField(default=0)
    best_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("阅读进度")
        verbose_name_plural = _("阅读进度")
        constraints = [models.UniqueConstraint(fields=["reading", "user"], name="reading_progress_unique")]
        indexes = [models.Index(fields=["reading", "class_org"]), models.Index(fields=["user", "last_saved_at"])]


class QuizAttempt(models.Model):
    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="quiz_attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_quiz_attempts")
    answers = models.JSONField(default=dict)
    score = models.DecimalField(max_digits=6, decimal_places=2)
    max_score = models.DecimalField(max_digits=6, decimal_places=2)
    percent = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("测验记录")
        verbose_name_plural = _("测验记录")
        ordering = ["-created_at"]


class Reflection(models.Model):
    """心得: private to the student and their own teachers; shared with the class only with consent."""

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="reflections")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_reflections")
    class_org = models.ForeignKey(Organization, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    share_consent = models.BooleanField(default=False)
    consent_changed_at = models.DateTimeField(null=True, blank=True)
    featured = models.BooleanField(default=False)  # chosen by a teacher for the class selection
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("阅读心得")
        verbose_name_plural = _("阅读心得")
        constraints = [models.UniqueConstraint(fields=["reading", "user"], name="reading_reflection_unique")]


class PhraseCategory(models.TextChoices):
    SELF_HARM = "self_harm", _("自伤自杀")
    HOPELESS = "hopeless", _("绝望无助")
    BULLYING = "bullying", _("欺凌")


class WarningPhrase(models.Model):
    phrase = models.CharField(_("预警词句"), max_length=60, unique=True)
    category = models.CharField(_("类别"), max_length=16, choices=PhraseCategory.choices)
    active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("心理预警词")
        verbose_name_plural = _("心理预警词")
        ordering = ["category", "phrase"]

    def __str__(self) -> str:
        return self.phrase


class FlagState(models.TextChoices):
    NEW = "new", _("待查看")
    SEEN = "seen", _("已查看")
    CONTACTED = "contacted", _("已联系")
    CLOSED = "closed", _("已结案")


class FlagLevel(models.IntegerChoices):
    """How far up the chain a flag has gone: the school's counsellors and organiser always see their
    school's flags; the district's from level 1, the city's from level 2 (see services/escalation.py)."""

    SCHOOL = 0, _("学校")
    DISTRICT = 1, _("区县")
    CITY = 2, _("市")


class DistressFlag(models.Model):
    """Private to the chain that handles it: the counsellors and organiser of `school`, and — once it is
    escalated (nobody to receive it at the school, or nobody opened it in time) — those of its district,
    then of the city. Never counted, exported or listed anywhere else."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    class_org = models.ForeignKey(Organization, null=True, on_delete=models.SET_NULL, related_name="+")
    reflection = models.ForeignKey(Reflection, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()  # the reflection as it was when flagged (the student may edit it later)
    categories = models.JSONField(default=list)
    matches = models.PositiveSmallIntegerField(default=1)  # matching saves folded in by the rate limit
    state = models.CharField(max_length=16, choices=FlagState.choices, default=FlagState.NEW)
    level = models.PositiveSmallIntegerField(choices=FlagLevel.choices, default=FlagLevel.SCHOOL)
    level_since = models.DateTimeField(null=True)  # when it reached `level`: the escalation clock
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("心理关注提示")
        verbose_name_plural = _("心理关注提示")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["school", "state"]),
            models.Index(fields=["student", "created_at"]),
            models.Index(fields=["state", "level_since"]),
        ]


class CaseNote(models.Model):
    flag = models.ForeignKey(DistressFlag, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    state_to = models.CharField(max_length=16, choices=FlagState.choices, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("个案记录")
        verbose_name_plural = _("个案记录")
        ordering = ["created_at"]


class Reminder(models.Model):
    """An in-app nudge from a teacher to a student."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_reminders")
    reading = models.ForeignKey(Reading, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("阅读提醒")
        verbose_name_plural = _("阅读提醒")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["student", "seen_at"])]
