from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlaylistConfig(AppConfig):
    name = "playlist"
    verbose_name = _("优秀视频展播")
    default_auto_field = "django.db.models.BigAutoField"
