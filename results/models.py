"""Certificates (荣誉证书) with public verification, and background zip batches.

A template belongs to one contest of any kind (knowledge contest or submission contest) through a
generic relation, so this app does not import either contest app at model level. Certificates keep a
snapshot of what they certify (name, school, contest title, award): a printed certificate must keep
verifying the same text even if a school is renamed later."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateKind(models.TextChoices):
    AWARD = "award", _("获奖证书")
    PARTICIPATION = "participation", _("参与证书")


class HolderKind(models.TextChoices):
    """Who a certificate names: a person with an account (holder), a unit entering as itself (holder_org;
    the certificate carries the unit's name), or a person without an account (a stage performer, an adult
    entrant recorded by name only), identified within the template by `holder_key`."""

    USER = "user", _("个人")
    UNIT = "unit", _("单位")
    PERSON = "person", _("个人（无平台账号）")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class CertificateTemplate(models.Model):
    """The organiser's wording for one kind of certificate of one contest.

    `body` may use the placeholders {name} {school} {contest} {award} {score}."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    contest = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("证书类型"), max_length=16, choices=CertificateKind.choices)
    org = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="certificate_templates",
        verbose_name=_("所属区域"),
        help_text=_("管理该证书模板的组织（通常是主办方所在的市或区）。"),
    )
    title = models.CharField(_("证书标题"), max_length=40, default="荣誉证书")
    body = models.TextField(
        _("证书正文"),
        max_length=400,
        default="{name} 同学：\n在「{contest}」中荣获 {award}。\n特发此证，以资鼓励。",
    )
    issuer = models.CharField(_("颁发单位"), max_length=80)
    issue_date = models.DateField(_("颁发日期"))
    seal = models.ImageField(_("印章图片"), upload_to="certificates/seals/", blank=True)
    min_score = models.DecimalField(
        _("参与证书最低分"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("知识竞赛：完成竞赛且得分不低于此分数的学生获得参与证书；留空表示完成即可。"),
    )
    top_n = models.PositiveIntegerField(
        _("获奖名次"),
        null=True,
        blank=True,
        help_text=_("知识竞赛：排名前 N 名获得获奖证书。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # background generation (a contest may warrant 100,000 certificates)
    generation_status = models.CharField(max_length=8, choices=BatchStatus.choices, blank=True)
    generation_message = models.CharField(max_length=200, blank=True)
    generation_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("证书模板")
        verbose_name_plural = _("证书模板")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "kind"], name="cert_template_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.contest_title} · {self.get_kind_display()}"

    @property
    def contest_title(self) -> str:
        contest = self.contest
        return getattr(contest, "title", None) or str(contest or "")


class Certificate(models.Model):
    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, related_name="certificates")
    holder_kind = models.CharField(_("获证对象"), max_length=8, choices=HolderKind.choices, default=HolderKind.USER)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("获证人"),
    )
    holder_org = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unit_certificates",
        verbose_name=_("获证单位"),
    )
    # unit and account-less holders: "unit:<org id>" / "<source>:<id>", unique within the template
    holder_key = models.CharField(max_length=64, blank=True, default="")
    kind = models.CharField(_("证书类型"), max_length=16, choices=CertificateKind.choices)
    code = models.CharField(_("验证码"), max_length=20, unique=True)
    # snapshot of what the certificate says
    holder_name = models.CharField(_("姓名"), max_length=50)
    school_name = models.CharField(_("学校"), max_length=100, blank=True)
    contest_title = models.CharField(_("竞赛"), max_length=200)
    award_text = models.CharField(_("奖项"), max_length=60)
    score = models.DecimalField(_("得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    # the holder's class (or school) when issued: zips for a class/school/district filter on its path
    org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["org_path", "holder_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "holder", "kind"], name="cert_one_per_holder_kind"),
            models.UniqueConstraint(
                fields=["template", "holder_key", "kind"],
                condition=models.Q(holder__isnull=True),
                name="cert_one_per_holder_key_kind",
            ),
            models.CheckConstraint(
                condition=(models.Q(holder_kind="user") & models.Q(holder__isnull=False))
                | (
                    models.Q(holder_kind="unit", holder__isnull=True, holder_org__isnull=False)
                    & ~models.Q(holder_key="")
                )
                | (models.Q(holder_kind="person") & models.Q(holder__isnull=True) & ~models.Q(holder_key="")),
                name="cert_holder_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.holder_name}"

    @property
    def is_unit(self) -> bool:
        return self.holder_kind == HolderKind.UNIT

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class RevocationAction(models.TextChoices):
    REVOKE = "revoke", _("撤销")
    RESTORE = "restore", _("恢复")


class RevocationLog(models.Model):
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="revocations")
    action = models.CharField(max_length=8, choices=RevocationAction.choices)
    reason = models.CharField(_("原因"), max_length=200)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证书撤销记录")
        verbose_name_plural = _("证书撤销记录")
        ordering = ["-at", "-id"]


class CertificateBatch(models.Model):
    """A zip of certificate PDFs for one template and one class/school/district, built in the
    background; the page polls `done`/`total`."""

    template = models.ForeignKey(CertificateTemplate, on_delete=models.CASCADE, related_name="batches")
    org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="certificates/batches/", blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("证书批量下载")
        verbose_name_plural = _("证书批量下载")
        ordering = ["-created_at", "-id"]

    @property
    def percent(self) -> int:
        if self.status == BatchStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class ShowcaseItem(models.Model):
    """An award-winning work an organiser featured on the contest's public showcase. Visible only
    while not withdrawn, the author's consent stands and the award is published — all three are
    re-checked on every page view, so a withdrawal or a lost consent takes effect at once."""

    contest = models.ForeignKey("judging.SubmissionContest", on_delete=models.CASCADE, related_name="showcase_items")
    entry = models.OneToOneField("judging.Entry", on_delete=models.CASCADE, related_name="showcase_item")
    featured_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    featured_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    withdrawn_reason = models.CharField(_("撤下原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("优秀作品展示")
        verbose_name_plural = _("优秀作品展示")
        indexes = [models.Index(fields=["contest", "withdrawn_at"])]
