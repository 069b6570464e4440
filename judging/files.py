"""Uploaded works: type detection by content (magic bytes), size limits, and removal of document
metadata (author fields) before anything is stored where judges can fetch it."""

from __future__ import annotations

import io
import re
import zipfile

from django.utils.translation import gettext as _

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


class FileRejected(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def detect_type(head: bytes, data_for_zip: bytes | None = None) -> str | None:
    """Detect a file type from its first bytes (and, for zip containers, its member list)."""
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
            with zipfile.ZipFile(io.BytesIO(data_for_zip)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
    return None


BLANK_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></cp:coreProperties>'
)
BLANK_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"></Properties>'
)
_APP_IDENTITY = re.compile(rb"<(Company|Manager|Template)>.*?</\1>", re.S)
_WORD_AUTHOR = re.compile(rb'\b(w:author|w:initials)="[^"]*"')


def strip_docx(data: bytes) -> bytes:
    """Blank core properties (creator, lastModifiedBy, title…), custom properties, the company and
    manager in app.xml, and the author/initials of comments and tracked changes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            name = info.filename
            if name == "docProps/core.xml":
                body = BLANK_CORE
            elif name == "docProps/custom.xml":
                body = BLANK_CUSTOM
            elif name == "docProps/app.xml":
                body = _APP_IDENTITY.sub(b"", body)
            elif name.startswith("word/") and name.endswith(".xml"):
                body = _WORD_AUTHOR.sub(rb'\1=""', body)
            dst.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def strip_pdf(data: bytes) -> bytes:
    """Rewrite the pages into a new PDF without the document info dictionary or XMP metadata."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise FileRejected(_("PDF 文件已加密，请上传未加密的文件。"))
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.add_metadata({"/Producer": ""})
        buf = io.BytesIO()
        writer.write(buf)
    except FileRejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise FileRejected(_("PDF 文件无法读取，可能已损坏。")) from exc
    return buf.getvalue()


def check_and_clean(*, data: bytes, filename: str, allowed: set[str], max_bytes: int) -> tuple[str, bytes]:
    """Validate an upload and return (detected type, bytes safe to store). Raises FileRejected."""
    if not data:
        raise FileRejected(_("文件为空。"))
    if len(data) > max_bytes:
        raise FileRejected(_("文件过大：上限为 %(mb)s MB。") % {"mb": max_bytes // (1024 * 1024)})
    kind = detect_type(data[:64], data if data.startswith(b"PK") else None)
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if kind == "mp4" and ext == "m4a" and "m4a" in allowed:
        kind = "m4a"  # audio-only MP4 files often carry a generic brand (isom, mp42)
    if kind is None or kind not in allowed:
        raise FileRejected(
            _("文件类型不符合要求：只接受 %(types)s 格式（按文件内容识别）。") % {"types": "、".join(sorted(allowed))}
        )
    if ext not in EXTENSIONS[kind]:
        raise FileRejected(_("文件扩展名与文件内容不一致。"))
    if kind == "docx":
        try:
            data = strip_docx(data)
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            raise FileRejected(_("文档无法读取，可能已损坏。")) from exc
    elif kind == "pdf":
        data = strip_pdf(data)
    return kind, data
