"""Essay (征文) and works (作品) contests judged blind by panels: entries and their versions, rounds,
rubrics, assignments, scores and awards.

Identity lives only on Entry (author, team, unit, school, district); judges reach entries through
Assignment and are shown Entry.code and the content of the judged EntryVersion, never the Entry's
identity fields."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import GradeBand, Organization


class ContestKind(models.TextChoices):
    ESSAY = "essay", _("征文")
    VIDEO = "video", _("微视频")
    AUDIO = "audio", _("音频")
    DOCUMENT = "document", _("文档（调研报告等）")


class EntrantKind(models.TextChoices):
    """Who may enter a contest. Persons enter as themselves; a unit (a school or a 校外教育辅导站) enters as
    itself, its entry written by any of its staff (the submitter of each version is kept)."""

    STUDENT = "student", _("学生")
    TEACHER = "teacher", _("教师及工作人员")
    VOLUNTEER = "volunteer", _("五老志愿者")
    UNIT = "unit", _("单位（学校、校外教育辅导站）")


PERSON_ENTRANT_KINDS = (EntrantKind.STUDENT, EntrantKind.TEACHER, EntrantKind.VOLUNTEER)


# File types a kind accepts (detected from content, see judging.files)
KIND_FILE_TYPES = {
    ContestKind.VIDEO: {"mp4", "webm"},
    ContestKind.AUDIO: {"mp3", "m4a", "wav"},
    ContestKind.DOCUMENT: {"pdf", "docx"},
}


class SubmissionContest(models.Model):
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=ContestKind.choices, default=ContestKind.ESSAY)
    code_prefix = models.CharField(
        _("作品编号前缀"), max_length=4, default="ZW", help_text=_("评委只看到编号，如 ZW-0042")
    )
    owner_org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="submission_contests", verbose_name=_("主办单位")
    )
    entrant_kinds = models.JSONField(
        _("参赛对象"),
        default=list,
        blank=True,
        help_text=_("留空表示学生；单位作品由该单位任一工作人员提交和修改，每个单位一份作品"),
    )
    grade_bands = models.JSONField(_("面向学段"), default=list, blank=True, help_text=_("留空表示主办单位下所有学生"))
    opens_at = models.DateTimeField(_("开始提交"))
    closes_at = models.DateTimeField(_("截止时间"))
    min_chars = models.PositiveIntegerField(_("最少字数"), default=0)
    max_chars = models.PositiveIntegerField(_("最多字数"), default=0, help_text=_("0 表示不限"))
    max_file_mb = models.PositiveIntegerField(_("文件大小上限（MB）"), default=50)
    allow_teams = models.BooleanField(_("允许团队作品"), default=False)
    max_team_size = models.PositiveSmallIntegerField(_("团队最多人数"), default=3)
    pledge_text = models.TextField(
        _("原创承诺"), default="本人承诺所提交作品为本人（本团队）原创，无抄袭、代写，如有不实愿承担相应责任。"
    )
    awards_published_at = models.DateTimeField(_("奖项公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("征文/作品赛")
        verbose_name_plural = _("征文/作品赛")
        ordering = ["-opens_at", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("截止时间必须晚于开始时间。")})
        if self.max_chars and self.min_chars > self.max_chars:
            raise ValidationError({"max_chars": _("最多字数不能小于最少字数。")})
        for band in self.grade_bands or []:
            if band not in GradeBand.values:
                raise ValidationError({"grade_bands": _("学段取值无效。")})
        kinds = self.entrant_kinds or []
        if any(k not in EntrantKind.values for k in kinds) or len(set(kinds)) != len(kinds):
            raise ValidationError({"entrant_kinds": _("参赛对象取值无效。")})
        if EntrantKind.UNIT in kinds and len(kinds) > 1:
            raise ValidationError({"entrant_kinds": _("单位作品的比赛不能同时接受个人作品。")})

    @property
    def kinds(self) -> list[str]:
        """The entrant kinds, students when none were chosen (contests created before entrant kinds)."""
        return list(self.entrant_kinds or [EntrantKind.STUDENT])

    @property
    def for_units(self) -> bool:
        return EntrantKind.UNIT in self.kinds

    @property
    def is_essay(self) -> bool:
        return self.kind == ContestKind.ESSAY

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def deadline_passed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes_at


class Entry(models.Model):
    contest = models.ForeignKey(SubmissionContest, on_delete=models.CASCADE, related_name="entries")
    code = models.CharField(_("作品编号"), max_length=16)
    # person entries: the author; unit entries: the staff member who first submitted (every version keeps
    # its own submitter in EntryVersion.saved_by)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="judging_entries", verbose_name=_("作者")
    )
    entrant_kind = models.CharField(
        _("参赛对象"), max_length=16, choices=EntrantKind.choices, default=EntrantKind.STUDENT
    )
    unit = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="judging_unit_entries",
        verbose_name=_("参赛单位"),
    )
    team_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="judging_team_entries", verbose_name=_("团队成员")
    )
    school = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("学校")
    )
    district = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("区县")
    )
    pledge_accepted_at = models.DateTimeField(_("原创承诺时间"), null=True, blank=True)
    consent_public = models.BooleanField(_("同意获奖后公开展示（学生及监护人）"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("参赛作品")
        verbose_name_plural = _("参赛作品")
        ordering = ["contest", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "code"], name="judging_entry_unique_code"),
            models.UniqueConstraint(
                fields=["contest", "author"], condition=models.Q(unit__isnull=True), name="judging_entry_one_per_author"
            ),
            models.UniqueConstraint(
                fields=["contest", "unit"], condition=models.Q(unit__isnull=False), name="judging_entry_one_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_unit_entry(self) -> bool:
        return self.unit_id is not None

    @property
    def entrant_name(self) -> str:
        """Who entered, as organisers read it: the unit's name, or the author's. Never shown to judges."""
        return self.unit.name if self.unit_id else self.author.display_name

    def saved_version(self) -> "EntryVersion | None":
        """The version judges see: the latest explicitly saved one whose file (if any) is rebuilt.
        Autosaved drafts and uploads still processing or refused are never judged."""
        return self.versions.filter(JUDGED_VERSION).order_by("-number").first()

    def latest_saved_version(self) -> "EntryVersion | None":
        """The student's latest explicit save, whatever its file's state (shown to the author)."""
        return self.versions.filter(is_autosave=False).order_by("-number").first()


class FileStatus(models.TextChoices):
    READY = "ready", _("已就绪")
    PROCESSING = "processing", _("处理中")
    FAILED = "failed", _("未通过")


# The versions judges may see; also used by other apps' queries through `versions__`.
JUDGED_VERSION = models.Q(is_autosave=False, file_status=FileStatus.READY)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已拒绝")


class TeamInvitation(models.Model):
    """The author asked `invitee` to join a team entry. Membership (Entry.team_members) begins only when
    the invitee accepts, so nobody is put into an entry — and locked out of their own — without consent."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_invitations")
    status = models.CharField(max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("团队邀请")
        verbose_name_plural = _("团队邀请")
        constraints = [models.UniqueConstraint(fields=["entry", "invitee"], name="judging_invitation_unique")]


class EntryVersion(models.Model):
    """Every saved state of an entry. `original_filename` is shown to the author and organisers only."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(_("标题"), max_length=200)
    body_text = models.TextField(_("正文"), blank=True)
    body_html = models.TextField(blank=True, help_text="nh3-sanitised rendering of body_text")
    char_count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="judging/", blank=True, max_length=255)
    file_type = models.CharField(max_length=8, blank=True)  # detected: mp4, webm, mp3, m4a, wav, pdf, docx
    file_size = models.PositiveBigIntegerField(default=0)
    original_filename = models.CharField(max_length=255, blank=True)
    # An upload is stored raw in `incoming` (never served), rebuilt by the task worker into `file`.
    file_status = models.CharField(max_length=12, choices=FileStatus.choices, default=FileStatus.READY)
    file_error = models.CharField(max_length=300, blank=True)
    incoming = models.FileField(upload_to="judging/incoming/", blank=True, max_length=255)
    is_autosave = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("作品版本")
        verbose_name_plural = _("作品版本")
        ordering = ["entry", "number"]
        constraints = [models.UniqueConstraint(fields=["entry", "number"], name="judging_version_unique_number")]


from .models_judging import (  # noqa: E402, F401
    JUDGING_LOG_LABELS,
    TIER_ORDER,
    Assignment,
    AssignmentSource,
    Award,
    AwardTier,
    Criterion,
    JudgeConflict,
    JudgePairRule,
    JudgingLog,
    Round,
    RoundEntry,
    RoundLevel,
    RoundStatus,
    Rubric,
    Score,
    ScoreItem,
    ScoreStatus,
)
