"""One entry point: validate an upload and rebuild it from what carries the work (see each format's
module). Runs in the task worker; the request only runs `detect.precheck`."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .detect import precheck
from .docx import strip_docx
from .errors import FileRejected
from .mp3 import strip_mp3
from .mp4 import strip_mp4
from .pdf import strip_pdf
from .riff import strip_wav
from .webm import strip_webm

REBUILDERS = {
    "docx": strip_docx,
    "pdf": strip_pdf,
    "mp3": strip_mp3,
    "mp4": strip_mp4,
    "m4a": strip_mp4,
    "wav": strip_wav,
    "webm": strip_webm,
}
MEDIA_STRIPPERS = {kind: REBUILDERS[kind] for kind in ("mp3", "mp4", "m4a", "wav", "webm")}


def check_and_clean(*, data: bytes, filename: str, allowed: set[str], max_bytes: int) -> tuple[str, bytes]:
    """Validate an upload and return (detected type, bytes safe to store). Raises FileRejected."""
    kind = precheck(source=data, filename=filename, allowed=allowed, max_bytes=max_bytes, size=len(data))
    cleaned = REBUILDERS[kind](data)
    if not cleaned:
        raise FileRejected(_("文件没有可识别的音视频内容。"))
    return kind, cleaned
