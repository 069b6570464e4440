"""What a file is, judged by its content (magic bytes and, for zip containers, the member list), and
the cheap checks a request may run before the work is queued for rebuilding."""

from __future__ import annotations

import zipfile
from typing import BinaryIO

from django.utils.translation import gettext as _

from core.uploads import UploadRejected, ZipLimits, zip_open

from .errors import FileRejected

# What each detected type is served as. Never an executable or HTML type; documents are downloads.
CONTENT_TYPES = {
    "mp4": "video/mp4",
    "webm": "video/webm",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
INLINE_TYPES = {"mp4", "webm", "mp3", "m4a", "wav"}
EXTENSIONS = {
    "mp4": {"mp4", "m4v"},
    "webm": {"webm"},
    "mp3": {"mp3"},
    "m4a": {"m4a", "mp4"},
    "wav": {"wav"},
    "pdf": {"pdf"},
    "docx": {"docx"},
}

MP4_AUDIO_BRANDS = {b"M4A ", b"M4B "}
MP4_VIDEO_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash", b"M4V ", b"MSNV"}

# A works document: text, styles and photos. Generous for a report, far below what hurts the worker.
DOCX_LIMITS = ZipLimits(max_members=1000, max_member_bytes=48 * 1024 * 1024, max_total_bytes=200 * 1024 * 1024)


def _zip_is_docx(source: bytes | BinaryIO) -> bool:
    with zip_open(source, DOCX_LIMITS) as zf:
        names = set(zf.namelist())
    return "[Content_Types].xml" in names and "word/document.xml" in names


def detect_type(head: bytes, data_for_zip: bytes | BinaryIO | None = None) -> str | None:
    """Detect a file type from its first bytes (and, for zip containers, its member list). A zip whose
    directory declares a bomb raises `core.uploads.UploadRejected`."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in MP4_AUDIO_BRANDS:
            return "m4a"
        if brand in MP4_VIDEO_BRANDS:
            return "mp4"
        return None
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]:
        return "webm"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"PK\x03\x04") and data_for_zip is not None:
        try:
            return "docx" if _zip_is_docx(data_for_zip) else None
        except UploadRejected as exc:
            if exc.code == "upload_zip_corrupt":
                return None
            raise
    return None


def precheck(*, source: bytes | BinaryIO, filename: str, allowed: set[str], max_bytes: int, size: int) -> str:
    """Everything that can be decided without expanding or rebuilding the file: emptiness, size, type by
    content, extension, and (for docx) the sizes its zip directory declares. Returns the detected
    type; raises FileRejected with a Chinese reason and a 4xx status."""
    if size <= 0:
        raise FileRejected(_("文件为空。"))
    if size > max_bytes:
        raise FileRejected(_("文件过大：上限为 %(mb)s MB。") % {"mb": max_bytes // (1024 * 1024)}, status=413)
    if isinstance(source, bytes | bytearray):
        head = bytes(source[:64])
    else:
        source.seek(0)
        head = source.read(64)
        source.seek(0)
    try:
        kind = detect_type(head, source if head.startswith(b"PK") else None)
    except UploadRejected as exc:
        raise FileRejected(exc.message, code=exc.code, status=exc.status) from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRejected(_("文档无法读取，可能已损坏。")) from exc
    finally:
        if not isinstance(source, bytes | bytearray):
            source.seek(0)
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if kind == "mp4" and ext == "m4a" and "m4a" in allowed:
        kind = "m4a"  # audio-only MP4 files often carry a generic brand (isom, mp42)
    if kind is None or kind not in allowed:
        raise FileRejected(
            _("文件类型不符合要求：只接受 %(types)s 格式（按文件内容识别）。") % {"types": "、".join(sorted(allowed))}
        )
    if ext not in EXTENSIONS[kind]:
        raise FileRejected(_("文件扩展名与文件内容不一致。"))
    return kind
