"""Domain errors of the playlist app: `message` is Chinese and shown to the user as is."""

from django.utils.translation import gettext_lazy as _

from core.errors import AppError


class PlaylistError(AppError):
    code, default_message = "playlist_error", _("操作失败。")


class ConsentError(PlaylistError):
    code = "playlist_consent"


class MediaRejected(PlaylistError):
    """A poster picture or caption file that may not be published."""

    code = "playlist_media_rejected"
