"""Every write of the reading app. Split by stage; import from here."""

from .escalation import flags_escalate
from .progress import engaged_increment, is_read, plausible_read_s, progress_save, quiz_submit
from .publishing import (
    audio_check,
    body_sanitise,
    reading_minutes_estimate,
    reading_publish,
    reading_save,
    reading_unpublish,
    series_create,
)
from .reflections import flag_open, flag_update, phrase_save, reflection_feature, reflection_save
from .retention import retention_purge
from .teachers import reminders_mark_seen, reminders_send

__all__ = [
    "audio_check",
    "body_sanitise",
    "engaged_increment",
    "flag_open",
    "flags_escalate",
    "flag_update",
    "is_read",
    "phrase_save",
    "plausible_read_s",
    "progress_save",
    "quiz_submit",
    "reading_minutes_estimate",
    "reading_publish",
    "reading_save",
    "reading_unpublish",
    "reflection_feature",
    "reflection_save",
    "reminders_mark_seen",
    "reminders_send",
    "retention_purge",
    "series_create",
]
