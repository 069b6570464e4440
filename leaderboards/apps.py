from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaderboardsConfig(AppConfig):
    name = "leaderboards"
    verbose_name = _("实时排行榜")

    def ready(self):
        from competitions.signals import attempt_scored, contest_changed

        from . import receivers

        attempt_scored.connect(receivers.on_attempt_scored, dispatch_uid="leaderboards.attempt_scored")
        contest_changed.connect(receivers.on_contest_changed, dispatch_uid="leaderboards.contest_changed")
