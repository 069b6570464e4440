"""Uploaded works: type detection by content (magic bytes), size limits, and removal of metadata
(document author fields, audio/video tags) before anything is stored where judges can fetch it.
Media tags are blanked in place (same sizes), so no sample offset moves."""

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


def strip_mp3(data: bytes) -> bytes:
    """Drop ID3v2 tags at the start and an ID3v1 tag at the end (artist, album, comment…)."""
    while data.startswith(b"ID3") and len(data) >= 10:
        size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)
        footer = 10 if data[5] & 0x10 else 0
        data = data[10 + size + footer :]
    if len(data) >= 128 and data[-128:-125] == b"TAG":
        data = data[:-128]
    return data


_MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"mvex", b"moof", b"traf"}
_MP4_METADATA = {b"udta", b"meta", b"ilst", b"XMP_", b"uuid"}


def _blank_mp4_boxes(buf: bytearray, start: int, end: int) -> None:
    """Turn metadata boxes into zero-filled `free` boxes of the same size, so no sample offset moves."""
    pos = start
    while pos + 8 <= end:
        size = int.from_bytes(buf[pos : pos + 4], "big")
        kind = bytes(buf[pos + 4 : pos + 8])
        header = 8
        if size == 1 and pos + 16 <= end:
            size, header = int.from_bytes(buf[pos + 8 : pos + 16], "big"), 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            return
        if kind in _MP4_METADATA:
            buf[pos + 4 : pos + 8] = b"free"
            buf[pos + header : pos + size] = bytes(size - header)
        elif kind in _MP4_CONTAINERS:
            _blank_mp4_boxes(buf, pos + header, pos + size)
        pos += size


def strip_mp4(data: bytes) -> bytes:
    buf = bytearray(data)
    _blank_mp4_boxes(buf, 0, len(buf))
    return bytes(buf)


def strip_wav(data: bytes) -> bytes:
    """Blank LIST/INFO (artist, comments), id3 and bext chunks, keeping every chunk's size."""
    buf = bytearray(data)
    pos = 12
    while pos + 8 <= len(buf):
        kind = bytes(buf[pos : pos + 4])
        size = int.from_bytes(buf[pos + 4 : pos + 8], "little")
        if pos + 8 + size > len(buf):
            break
        if kind in (b"LIST", b"id3 ", b"ID3 ", b"bext", b"iXML"):
            buf[pos : pos + 4] = b"JUNK"
            buf[pos + 8 : pos + 8 + size] = bytes(size)
        pos += 8 + size + (size & 1)
    return bytes(buf)


_EBML_SEGMENT, _EBML_INFO, _EBML_TAGS, _EBML_TITLE = 0x18538067, 0x1549A966, 0x1254C36B, 0x7BA9
_EBML_VOID = 0xEC


def _vint(buf, pos: int, *, keep_marker: bool) -> tuple[int, int]:
    """Read an EBML variable-length integer; returns (value, length). Value -1 means unknown size."""
    first = buf[pos]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or pos + length > len(buf):
        raise ValueError("bad vint")
    value = int.from_bytes(buf[pos : pos + length], "big")
    if keep_marker:
        return value, length
    value &= (1 << (7 * length)) - 1
    if value == (1 << (7 * length)) - 1:
        return -1, length
    return value, length


def _void_element(buf: bytearray, pos: int, total: int) -> None:
    """Overwrite `total` bytes at pos with an EBML Void element of the same length."""
    n = min(8, total - 1)
    payload = total - 1 - n
    buf[pos] = _EBML_VOID
    buf[pos + 1 : pos + 1 + n] = (payload | (1 << (7 * n))).to_bytes(n, "big")
    buf[pos + 1 + n : pos + total] = bytes(payload)


def _void_children(buf: bytearray, start: int, end: int, targets: set[int], descend: set[int]) -> None:
    pos = start
    while pos < end:
        elem_id, id_len = _vint(buf, pos, keep_marker=True)
        size, size_len = _vint(buf, pos + id_len, keep_marker=False)
        if size < 0:
            return  # unknown-size element (live recordings): nothing after it can be located safely
        body = pos + id_len + size_len
        if body + size > end:
            return
        if elem_id in targets:
            _void_element(buf, pos, id_len + size_len + size)
        elif elem_id in descend:
            _void_children(buf, body, body + size, targets, descend)
        pos = body + size


def strip_webm(data: bytes) -> bytes:
    """Replace the Tags element and the Info title with Void elements of equal length. Elements after
    an unknown-size cluster (as MediaRecorder writes) cannot be reached and are left as they are."""
    buf = bytearray(data)
    try:
        pos = 0
        while pos < len(buf):
            elem_id, id_len = _vint(buf, pos, keep_marker=True)
            size, size_len = _vint(buf, pos + id_len, keep_marker=False)
            body = pos + id_len + size_len
            end = len(buf) if size < 0 else min(len(buf), body + size)
            if elem_id == _EBML_SEGMENT:
                _void_children(buf, body, end, {_EBML_TAGS, _EBML_TITLE}, {_EBML_INFO})
            if size < 0:
                break
            pos = end
    except (ValueError, IndexError):
        pass  # malformed tail: keep what was cleaned so far
    return bytes(buf)


MEDIA_STRIPPERS = {"mp3": strip_mp3, "mp4": strip_mp4, "m4a": strip_mp4, "wav": strip_wav, "webm": strip_webm}


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
    elif kind in MEDIA_STRIPPERS:
        data = MEDIA_STRIPPERS[kind](data)
        if not data or (kind == "mp3" and not (data[0] == 0xFF and len(data) > 1 and data[1] & 0xE0 == 0xE0)):
            raise FileRejected(_("文件没有可识别的音视频内容。"))
    return kind, data
