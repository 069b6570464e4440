"""Question bank. A Question is the editable, reviewable item; a QuestionRevision is an immutable
snapshot of its content. Papers and attempts always point at revisions, so correcting a question never
changes a past score."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级专题")
    )
    order = models.PositiveIntegerField(_("排序"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("专题")
        verbose_name_plural = _("专题")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="topic_unique_name_under_parent")]

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self) -> list[int]:
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(Topic.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids


class QuestionType(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    TRUE_FALSE = "true_false", _("判断题")
    FILL_BLANK = "fill_blank", _("填空题")


class Difficulty(models.TextChoices):
    EASY = "easy", _("易")
    MEDIUM = "medium", _("中")
    HARD = "hard", _("难")


class QuestionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("停用")


class QuestionContent(models.Model):
    """Content fields shared by the editable question and its frozen revisions.

    - options: [{"key": "A", "text": "..."}, ...] for choice questions, [] otherwise
    - answer: ["B"] / ["A", "C"] for choice; true/false for 判断; [["答案1", "答案2"], ["…"]] for blanks
      (one list of accepted answers per blank)
    - grade_bands: list of accounts.models.GradeBand values
    """

    qtype = models.CharField(_("题型"), max_length=16, choices=QuestionType.choices)
    stem = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list, blank=True)
    answer = models.JSONField(_("答案"))
    explanation = models.TextField(_("解析"), blank=True)
    difficulty = models.CharField(_("难度"), max_length=8, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    grade_bands = models.JSONField(_("学段"), default=list)
    source = models.CharField(_("出处"), max_length=255, blank=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)

    class Meta:
        abstract = True

    @property
    def blank_count(self) -> int:
        return len(self.answer) if self.qtype == QuestionType.FILL_BLANK and isinstance(self.answer, list) else 0


class Question(QuestionContent):
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="questions", verbose_name=_("专题"))
    status = models.CharField(
        _("状态"), max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    # normalised stem+options, for duplicate detection within a topic
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False, default="")
    current_revision = models.ForeignKey(
        "QuestionRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["-id"]
        indexes = [models.Index(fields=["topic", "status", "qtype", "difficulty"])]

    def __str__(self) -> str:
        return self.stem[:40]


class QuestionRevision(QuestionContent):
    """Immutable snapshot. Never update a row of this table; create a new one."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("题目版本")
        verbose_name_plural = _("题目版本")
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="revision_unique_number")]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", _("提交审核")
    APPROVE = "approve", _("通过")
    RETURN = "return", _("退回")
    RETIRE = "retire", _("停用")
    EDIT = "edit", _("修改")


class ReviewLog(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_logs")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=16, choices=ReviewAction.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")


class ImportJobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    VALIDATING = "validating", _("正在检查")
    VALIDATED = "validated", _("检查完成")
    IMPORTING = "importing", _("正在导入")
    DONE = "done", _("导入完成")
    FAILED = "failed", _("失败")


class ImportJob(models.Model):
    """One uploaded file going through check → confirm → import, with the progress the page polls.
    Rows are re-validated at import time, so a preview that went stale never writes bad data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="question_imports"
    )
    file = models.FileField(upload_to="question_imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    format = models.CharField(_("格式"), max_length=16)
    options = models.JSONField(default=dict, blank=True)  # default_topic_id, publish, only_valid
    state = models.CharField(_("状态"), max_length=16, choices=ImportJobState.choices, default=ImportJobState.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # new / update / unchanged / error / written
    rows = models.JSONField(default=list, blank=True)  # preview: [{n, where, status, stem, errors}], capped
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        if self.state in (ImportJobState.VALIDATED, ImportJobState.DONE):
            return 100
        return min(99, int(self.processed * 100 / self.total)) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in (ImportJobState.VALIDATED, ImportJobState.DONE, ImportJobState.FAILED)


class ReviewPolicy(models.Model):
    """How question review works under one organisation (and everything below it, unless a nearer
    organisation has its own policy). With no policy anywhere the four-eyes rule holds: nobody approves a
    question they wrote."""

    org = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="question_review_policy", verbose_name=_("组织")
    )
    allow_self_review = models.BooleanField(
        _("允许审核人通过自己出的题"),
        default=False,
        help_text=_("默认不允许（四眼原则：出题人与审核人须为不同的人）。只在审核人只有一位的单位才应开启。"),
    )

    class Meta:
        verbose_name = _("题目审核规则")
        verbose_name_plural = _("题目审核规则")

    def __str__(self) -> str:
        return str(self.org)
