from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JudgingConfig(AppConfig):
    name = "judging"
    verbose_name = _("征文与作品评审")

    def ready(self):
        # tells account administration which regions a judge serves in (accounts.duties)
        from . import duties  # noqa: F401
