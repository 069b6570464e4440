"""Candidates, their material and endorsements, approvals level by level, and the transition log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaign import Campaign, CampaignLevel

DEEDS_MAX = 3000


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    RETURNED = "returned", _("退回补充材料")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤销（异议成立）")
    FINALIST = "finalist", _("终审通过")


class Candidate(models.Model):
    """A nominee. `level` is where the candidate now stands: pending review there, or (status FINALIST)
    approved by the top level. It only moves up through services.review.candidate_approve, which also
    writes a LevelApproval for the level left behind."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="candidates")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    klass = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+", null=True)
    grade = models.PositiveSmallIntegerField(_("年级"))
    level = models.ForeignKey(CampaignLevel, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.PENDING)
    status_reason = models.CharField(_("原因"), max_length=300, blank=True)
    deeds = models.TextField(_("事迹材料"), max_length=DEEDS_MAX)
    summary = models.CharField(_("事迹摘要"), max_length=200)
    class_vote_record = models.CharField(_("班级推荐记录"), max_length=300, blank=True)
    photo_consent = models.BooleanField(_("同意公示照片"), default=False)
    showcase_consent = models.BooleanField(_("同意公开展示事迹"), default=False)
    attest_excellent = models.BooleanField(_("综合素质评价优秀"), default=False)
    attest_no_discipline = models.BooleanField(_("无违纪记录"), default=False)
    attested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    attested_at = models.DateTimeField(null=True, blank=True)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "student"], name="honours_candidate_once")]

    def __str__(self) -> str:
        return self.name


class EndorsementParty(models.TextChoices):
    SCHOOL = "school", _("学校")
    COMMUNITY = "community", _("社区/村居")
    FAMILY = "family", _("家庭")


class Endorsement(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="endorsements")
    party = models.CharField(max_length=10, choices=EndorsementParty.choices)
    statement = models.CharField(_("评价意见"), max_length=500)
    given_by = models.CharField(_("出具人"), max_length=60)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("三方评价")
        verbose_name_plural = _("三方评价")
        constraints = [models.UniqueConstraint(fields=["candidate", "party"], name="honours_endorsement_once")]


class CandidateFile(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="honours/files/")
    kind = models.CharField(max_length=8)  # detected type: jpeg/png/pdf/docx
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("候选人材料")
        verbose_name_plural = _("候选人材料")


class LevelApproval(models.Model):
    """The candidate was approved at `level` (and sent up). One per (candidate, level)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="approvals")
    level = models.ForeignKey(CampaignLevel, on_delete=models.PROTECT, related_name="approvals")
    unit = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("层级通过记录")
        verbose_name_plural = _("层级通过记录")
        constraints = [models.UniqueConstraint(fields=["candidate", "level"], name="honours_approval_once")]


ACTION_LABELS = {
    "nominate": _("推荐"),
    "approve": _("通过并上报"),
    "return": _("退回补充材料"),
    "reject": _("不予通过"),
    "resubmit": _("补充后重新提交"),
    "withdraw": _("异议成立，撤销"),
    "investigate": _("指定异议调查人"),
    "dismiss": _("异议不成立"),
    "finalise": _("终审"),
}


class Transition(models.Model):
    """Append-only record of every change of a candidate's level or status, and of the steps of an
    objection case about the candidate (status unchanged)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    at = models.DateTimeField()
    action = models.CharField(max_length=16)  # nominate/approve/return/reject/resubmit/withdraw/finalise
    from_level = models.ForeignKey(CampaignLevel, on_delete=models.PROTECT, related_name="+", null=True)
    to_level = models.ForeignKey(CampaignLevel, on_delete=models.PROTECT, related_name="+", null=True)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    reason = models.CharField(max_length=300, blank=True)
    attachment = models.FileField(upload_to="honours/transitions/", blank=True)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["candidate", "at", "id"]


class TransitionFile(models.Model):
    """A file attached to a transition (a reviewer's opinion, an investigation report): type- and
    size-checked and rebuilt without metadata before it is stored (services.attachments)."""

    transition = models.ForeignKey(Transition, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="honours/transitions/")
    kind = models.CharField(max_length=8)  # detected type: jpeg/png/pdf/docx
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("流转附件")
        verbose_name_plural = _("流转附件")
        ordering = ["transition", "id"]


class PanelScore(models.Model):
    """One panel member's score for a candidate at a level (judging.aggregation does the maths). `points` is
    {criterion id: points} over the campaign's panel rubric (judging.Criterion): the rubric is frozen from the
    first score on, so those ids stay the criteria that were scored."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="panel_scores")
    level = models.ForeignKey(CampaignLevel, on_delete=models.PROTECT, related_name="+")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    points = models.JSONField(default=dict)
    total = models.DecimalField(max_digits=7, decimal_places=2)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("评审打分")
        verbose_name_plural = _("评审打分")
        constraints = [models.UniqueConstraint(fields=["candidate", "level", "judge"], name="honours_panel_score_once")]
