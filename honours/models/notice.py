"""公示 (public notice) per level, the holiday list its working days skip, and objection cases."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization

from .campaign import Campaign, CampaignLevel
from .review import Candidate


class Holiday(models.Model):
    """A listed date that changes the working calendar: a public holiday on a weekday (is_workday False)
    or a weekend day worked instead (调休, is_workday True)."""

    date = models.DateField(_("日期"), unique=True)
    name = models.CharField(_("名称"), max_length=40)
    is_workday = models.BooleanField(_("调休上班"), default=False)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Notice(models.Model):
    """One unit's 公示 at one level: the unit whose organisers review that level for the listed candidates
    (school / town / district / city, as for quotas). The final honours notice is one per campaign, its
    unit the campaign's owner."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="notices")
    level = models.ForeignKey(CampaignLevel, on_delete=models.CASCADE, related_name="notices")
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("公示单位"))
    final = models.BooleanField(_("荣誉终评公示"), default=False)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示结束（含）"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()
    candidates = models.ManyToManyField(Candidate, related_name="notices")

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        constraints = [
            models.UniqueConstraint(fields=["level", "unit", "final"], name="honours_notice_per_unit"),
            models.UniqueConstraint(
                fields=["campaign"], condition=models.Q(final=True), name="honours_final_notice_per_campaign"
            ),
        ]


class ObjectionOutcome(models.TextChoices):
    OPEN = "open", _("办理中")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


def _token() -> str:
    return secrets.token_urlsafe(16)


class Objection(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="objections")
    objector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    contact = models.CharField(_("联系方式"), max_length=60, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    text = models.TextField(_("异议内容"), max_length=2000)
    lodged_at = models.DateTimeField()
    answer_due = models.DateField(_("答复期限"))
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    findings = models.TextField(_("调查情况"), blank=True)
    outcome = models.CharField(max_length=10, choices=ObjectionOutcome.choices, default=ObjectionOutcome.OPEN)
    outcome_reason = models.CharField(_("处理结论"), max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    follow_token = models.CharField(max_length=32, default=_token, unique=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-lodged_at"]
