"""Uploaded works: type detection by content (magic bytes), size limits, and rebuilding from an
allow-list (the parts, keys, boxes and frames that carry the work) before anything is stored where
judges can fetch it. One module per format; the request runs `precheck`, the task worker
`check_and_clean`."""

from .clean import MEDIA_STRIPPERS, REBUILDERS, check_and_clean
from .detect import CONTENT_TYPES, DOCX_LIMITS, EXTENSIONS, INLINE_TYPES, detect_type, precheck
from .docx import strip_docx
from .errors import FileRejected
from .mp3 import strip_mp3
from .mp4 import strip_mp4
from .pdf import strip_pdf
from .riff import strip_wav
from .webm import strip_webm

__all__ = [
    "CONTENT_TYPES",
    "DOCX_LIMITS",
    "EXTENSIONS",
    "INLINE_TYPES",
    "MEDIA_STRIPPERS",
    "REBUILDERS",
    "FileRejected",
    "check_and_clean",
    "detect_type",
    "precheck",
    "strip_docx",
    "strip_mp3",
    "strip_mp4",
    "strip_pdf",
    "strip_wav",
    "strip_webm",
]
