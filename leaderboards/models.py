"""Board state the contest model does not carry: when the organiser revealed the final board."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BoardState(models.Model):
    contest = models.OneToOneField(
        "competitions.Contest", on_delete=models.CASCADE, related_name="board_state", verbose_name=_("竞赛")
    )
    # Set once the window has closed and an organiser lifts the freeze; public boards then show the final board.
    revealed_at = models.DateTimeField(_("揭榜时间"), null=True, blank=True)
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("排行榜状态")
        verbose_name_plural = _("排行榜状态")

    def __str__(self) -> str:
        return f"{self.contest_id}"
