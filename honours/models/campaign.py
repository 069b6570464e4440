"""A selection campaign, its chain of levels, honours and per-unit quotas."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LevelKind(models.TextChoices):
    SCHOOL = "school", _("学校")
    TOWN = "town", _("镇/街道")
    DISTRICT = "district", _("区/县")
    CITY = "city", _("市")


LEVEL_ORDER = [LevelKind.SCHOOL, LevelKind.TOWN, LevelKind.DISTRICT, LevelKind.CITY]


class CountDisplay(models.TextChoices):
    EXACT = "exact", _("显示准确票数")
    ROUNDED = "rounded", _("显示约数（百位取整）")
    RANKS = "ranks", _("只显示名次")
    HIDDEN = "hidden", _("不公开票数")


class Formula(models.TextChoices):
    WEIGHTED = "weighted", _("评审分与票数加权")
    GATE = "gate", _("票数作为门槛，取前 N 名按评审分排序")


class QuotaRounding(models.TextChoices):
    ROUND = "round", _("四舍五入")
    FLOOR = "floor", _("向下取整")
    CEIL = "ceil", _("向上取整")


class CampaignQuerySet(models.QuerySet):
    def public(self):
        """What anyone outside the organisers may see: everything but drafts."""
        return self.filter(draft=False)


class Campaign(models.Model):
    title = models.CharField(_("名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    owner_org = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("主办单位")
    )
    grade_bands = models.JSONField(_("参评学段"), default=list)
    rules_text = models.TextField(_("评选规则"), blank=True)
    # The optional panel scoring's criteria: judging's rubric, without a contest (services.panel). No rubric,
    # or one without criteria, means no panel scoring.
    panel_rubric = models.OneToOneField(
        "judging.Rubric",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="honours_campaign",
        verbose_name=_("评审细则"),
    )
    nomination_closes_at = models.DateTimeField(_("推荐截止"), null=True, blank=True)
    notice_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5)
    objection_answer_days = models.PositiveSmallIntegerField(_("异议答复期限（工作日）"), default=5)
    # voting rules (published on the rules page)
    voting_level = models.CharField(_("投票层级"), max_length=16, choices=LevelKind.choices, default=LevelKind.CITY)
    vote_opens_at = models.DateTimeField(_("投票开始"), null=True, blank=True)
    vote_closes_at = models.DateTimeField(_("投票结束"), null=True, blank=True)
    votes_per_day = models.PositiveSmallIntegerField(_("每人每日票数"), default=5)
    count_display = models.CharField(
        _("票数显示"), max_length=8, choices=CountDisplay.choices, default=CountDisplay.EXACT
    )
    freeze_hours = models.PositiveSmallIntegerField(_("结束前冻结显示（小时）"), default=0)
    formula = models.CharField(_("综合成绩公式"), max_length=8, choices=Formula.choices, default=Formula.WEIGHTED)
    panel_weight = models.DecimalField(_("评审分权重（%）"), max_digits=5, decimal_places=2, default=Decimal("70"))
    gate_top_n = models.PositiveIntegerField(_("门槛名额"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # A campaign made on the organiser pages starts as a draft (not public, structure editable); publishing
    # fixes every unit's quota and locks grade bands, levels, quotas and honours (services.campaigns).
    draft = models.BooleanField(_("草稿"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("评选活动")
        verbose_name_plural = _("评选活动")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(panel_weight__gte=0, panel_weight__lte=100), name="honours_panel_weight_0_100"
            ),
            models.CheckConstraint(condition=models.Q(votes_per_day__gte=1), name="honours_votes_per_day_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def contest_title(self) -> str:  # what results' certificates print as the "contest"
        return self.title


class CampaignLevel(models.Model):
    """One step of the chain. Levels are reviewed bottom up in `order`; a skipped level simply has no row."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="levels")
    kind = models.CharField(_("层级"), max_length=16, choices=LevelKind.choices)
    order = models.PositiveSmallIntegerField()
    nomination_opens_at = models.DateTimeField(_("推荐/申报开始"), null=True, blank=True)
    nomination_closes_at = models.DateTimeField(_("推荐/申报截止"), null=True, blank=True)
    review_closes_at = models.DateTimeField(_("评审截止"), null=True, blank=True)
    notice_starts_on = models.DateField(_("计划公示开始"), null=True, blank=True)
    quota_fixed = models.PositiveIntegerField(_("每单位固定名额"), null=True, blank=True)
    quota_per_mille = models.DecimalField(_("按在籍人数千分比"), max_digits=6, decimal_places=3, null=True, blank=True)
    quota_rounding = models.CharField(max_length=8, choices=QuotaRounding.choices, default=QuotaRounding.ROUND)
    quota_minimum = models.PositiveIntegerField(_("最少名额"), default=0)

    class Meta:
        verbose_name = _("评选层级")
        verbose_name_plural = _("评选层级")
        ordering = ["campaign", "order"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "order"], name="honours_level_order_unique"),
            models.UniqueConstraint(fields=["campaign", "kind"], name="honours_level_kind_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_kind_display()}"


class Honour(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="honours")
    name = models.CharField(_("荣誉"), max_length=40)
    places = models.PositiveIntegerField(_("名额"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("荣誉称号")
        verbose_name_plural = _("荣誉称号")
        ordering = ["campaign", "order"]

    def __str__(self) -> str:
        return self.name


class Quota(models.Model):
    """How many candidates one unit may send up from one level. `used` is moved only by a conditional
    UPDATE (services.quotas); the CHECK makes exceeding the limit impossible whatever the code does."""

    level = models.ForeignKey(CampaignLevel, on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    limit = models.PositiveIntegerField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("名额")
        verbose_name_plural = _("名额")
        constraints = [
            models.UniqueConstraint(fields=["level", "unit"], name="honours_quota_unique"),
            models.CheckConstraint(condition=models.Q(used__lte=models.F("limit")), name="honours_quota_not_exceeded"),
        ]
