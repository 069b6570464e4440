from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionsConfig(AppConfig):
    name = "competitions"
    verbose_name = _("知识竞赛")

    def ready(self):
        # registers the formal contests' reservations with questionbank.secrecy
        from . import secrecy  # noqa: F401
