from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "results"
    verbose_name = _("统计与证书")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy check for SITE_URL)
