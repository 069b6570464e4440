"""Online voting: printed family codes, the append-only hash-chained vote log, the per-day counter
rows that make the daily limit a database fact, and the quarantine of flagged votes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaign import Campaign
from .review import Candidate


class VoteCodeBatch(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="code_batches")
    klass = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    issued_at = models.DateTimeField()
    size = models.PositiveIntegerField()  # codes printed: one per family
    students = models.PositiveIntegerField(default=0)  # the class's students when it was issued
    sibling_skipped = models.PositiveIntegerField(default=0)  # of them, covered by a sibling's code

    class Meta:
        verbose_name = _("投票码批次")
        verbose_name_plural = _("投票码批次")


class VoteCode(models.Model):
    """One family's code. Only a keyed hash is stored: the printed slip is the only copy of the code."""

    batch = models.ForeignKey(VoteCodeBatch, on_delete=models.CASCADE, related_name="codes")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    first_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("投票码")
        verbose_name_plural = _("投票码")
        constraints = [models.UniqueConstraint(fields=["campaign", "code_hash"], name="honours_code_unique")]


class VoteCodeFamily(models.Model):
    """A family (accounts' keyed `User.family_key`) that received a code in this campaign, and in which class
    batch, so a sibling's class issues it no second code. Deliberately not linked to the code itself: a
    code's votes stay unattributable to a family within its batch."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    family_key = models.CharField(max_length=64)
    batch = models.ForeignKey(VoteCodeBatch, on_delete=models.CASCADE, related_name="families")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "family_key"], name="honours_one_code_per_family")]


class ChainHead(models.Model):
    """The latest link of a campaign's vote chain. Casting a vote locks this row, so links are made in
    one order and `seq` has no gaps."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, primary_key=True, related_name="+")
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class Vote(models.Model):
    """Append-only: rows are inserted by services.voting and never updated or deleted (a PostgreSQL
    trigger refuses both). Moderation lives in VoteFlag. `voter_key` is "u<user id>" or "c<code id>"."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    seq = models.BigIntegerField()
    voter_key = models.CharField(max_length=24)
    code_batch_id = models.BigIntegerField(null=True, blank=True)
    day = models.DateField()
    cast_at = models.DateTimeField()
    ip_prefix = models.CharField(max_length=48, blank=True)
    ua_hash = models.CharField(max_length=16, blank=True)
    session_hash = models.CharField(max_length=16, blank=True)
    account_age_s = models.BigIntegerField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("投票记录")
        verbose_name_plural = _("投票记录")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "voter_key", "candidate", "day"], name="honours_vote_once_a_day"
            ),
            models.UniqueConstraint(fields=["campaign", "seq"], name="honours_vote_seq_unique"),
        ]
        indexes = [models.Index(fields=["campaign", "candidate"]), models.Index(fields=["campaign", "cast_at"])]


class VoterDay(models.Model):
    """Votes one voter cast on one day. `used` moves only by `UPDATE … SET used = used + 1 WHERE used <
    day_limit`; the CHECK keeps the limit even against a buggy caller."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    voter_key = models.CharField(max_length=24)
    day = models.DateField()
    used = models.PositiveSmallIntegerField(default=0)
    day_limit = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "voter_key", "day"], name="honours_voterday_unique"),
            models.CheckConstraint(condition=models.Q(used__lte=models.F("day_limit")), name="honours_daily_limit"),
        ]


class VoteFlagState(models.TextChoices):
    QUARANTINED = "quarantined", _("待核查")
    INVALIDATED = "invalidated", _("已作废")
    RELEASED = "released", _("核查后恢复")


class VoteFlag(models.Model):
    """A vote the anomaly rules picked out. Quarantined and invalidated votes do not count; released
    ones do. Nothing is ever deleted: the public page lists invalidations per candidate with reasons."""

    vote = models.OneToOneField(Vote, on_delete=models.PROTECT, related_name="flag")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    rules = models.JSONField(default=list)
    state = models.CharField(max_length=12, choices=VoteFlagState.choices, default=VoteFlagState.QUARANTINED)
    flagged_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("处理理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("异常投票")
        verbose_name_plural = _("异常投票")
        indexes = [models.Index(fields=["campaign", "state"])]
