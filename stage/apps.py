from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StageConfig(AppConfig):
    name = "stage"
    verbose_name = _("现场活动")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers, secrecy  # noqa: F401
