"""Uploaded works: type detection by content (magic bytes), size limits, and rebuilding from an
allow-list (the parts, keys, boxes and frames that carry the work) before anything is stored where
judges can fetch it. One module per format; the request runs `precheck`, the task worker
`check_and_clean`.

The rebuilders load on first use, so server processes, which only serve files and run `precheck`,
never load pikepdf/qpdf (about 15 MB per process; lxml and Pillow arrive with openpyxl anyway)."""

import importlib

from .detect import CONTENT_TYPES, DOCX_LIMITS, EXTENSIONS, INLINE_TYPES, detect_type, precheck
from .errors import FileRejected

_LAZY = {
    "check_and_clean": "clean",
    "REBUILDERS": "clean",
    "MEDIA_STRIPPERS": "clean",
    "strip_docx": "docx",
    "strip_pdf": "pdf",
    "strip_mp3": "mp3",
    "strip_mp4": "mp4",
    "strip_wav": "riff",
    "strip_webm": "webm",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
