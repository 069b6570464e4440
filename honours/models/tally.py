"""Votes in the log per candidate and hour, kept by the database itself."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaign import Campaign
from .review import Candidate


class VoteTally(models.Model):
    """How many rows the vote log holds for a candidate cast within one hour (UTC), before moderation.
    A trigger on the log adds every inserted vote in the same transaction (migration 0009), whoever
    inserts it — the fast path's batch INSERT, vote_cast, a bulk load — so counting a campaign sums a
    few rows per candidate instead of reading its whole log, and the count at the display freeze is the
    hours before it plus the part of one hour. The log is append-only, so tallies only grow;
    `tally_votes` checks them against the log."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    votes = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("候选人每小时票数")
        verbose_name_plural = _("候选人每小时票数")
        constraints = [models.UniqueConstraint(fields=["candidate", "hour"], name="honours_tally_per_hour")]
        indexes = [models.Index(fields=["campaign", "hour"])]
