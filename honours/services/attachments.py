"""Uploads of the selection, checked as judging checks works: size first (before anything is read
whole or expanded), type by content (magic bytes; extension must agree), then rebuilt from an
allow-list so no metadata survives — pictures from their pixels (EXIF/GPS/author gone), PDF/DOCX by
judging.files. Used for candidates' material and for files attached to transitions."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from ..errors import HonoursError
from ..models import Transition, TransitionFile

MB = 1024 * 1024
PURPOSES = {"photo": ({"jpeg", "png"}, 5 * MB), "document": ({"pdf", "docx"}, 10 * MB)}
ATTACHMENT_KINDS, ATTACHMENT_MAX, ATTACHMENTS_PER_TRANSITION = {"jpeg", "png", "pdf", "docx"}, 10 * MB, 5
EXTENSION = {"jpeg": "jpg", "png": "png", "pdf": "pdf", "docx": "docx"}
CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class CleanFile:
    kind: str
    data: bytes

    def content(self, stem: str) -> ContentFile:
        return ContentFile(self.data, name=f"{stem}.{EXTENSION[self.kind]}")


def _image_kind(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def _rebuild_picture(data: bytes, name: str) -> tuple[str, bytes]:
    from PIL import Image

    from judging.files import FileRejected
    from judging.files.images import image_rebuild

    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = _image_kind(data)
    if ext not in {"jpeg": {"jpg", "jpeg"}, "png": {"png"}}[kind]:
        raise HonoursError(_("文件扩展名与文件内容不一致。"))
    try:
        Image.open(io.BytesIO(data)).verify()
    except Exception as exc:  # noqa: BLE001 - any decoder complaint means the picture is unusable
        raise HonoursError(_("图片无法读取，可能已损坏。")) from exc
    try:
        cleaned, content_type = image_rebuild(data)
    except FileRejected as exc:
        raise HonoursError(exc.message) from exc
    return ("jpeg" if content_type == "image/jpeg" else "png"), cleaned


def clean_upload(upload, *, allowed: set[str], max_bytes: int) -> CleanFile:
    """Check and rebuild one uploaded file. Raises HonoursError with a Chinese reason."""
    from judging.files import FileRejected, check_and_clean

    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise HonoursError(_("文件过大：上限为 %(mb)s MB。") % {"mb": max_bytes // MB})
    data = upload.read(max_bytes + 1)
    if not data:
        raise HonoursError(_("文件为空。"))
    if len(data) > max_bytes:
        raise HonoursError(_("文件过大：上限为 %(mb)s MB。") % {"mb": max_bytes // MB})
    picture = _image_kind(data)
    if picture is not None:
        if picture not in allowed:
            raise HonoursError(
                _("文件类型不符合要求：只接受 %(types)s 格式（按文件内容识别）。") % {"types": _types(allowed)}
            )
        kind, cleaned = _rebuild_picture(data, upload.name or "")
        return CleanFile(kind, cleaned)
    documents = allowed - {"jpeg", "png"}
    if not documents:
        raise HonoursError(_("照片只接受 JPG 或 PNG 格式（按文件内容识别）。"))
    try:
        kind, cleaned = check_and_clean(data=data, filename=upload.name or "", allowed=documents, max_bytes=max_bytes)
    except FileRejected as exc:
        if "jpeg" in allowed:
            raise HonoursError(
                _("文件类型不符合要求：只接受 %(types)s 格式（按文件内容识别）。") % {"types": _types(allowed)}
            ) from exc
        raise HonoursError(exc.message) from exc
    return CleanFile(kind, cleaned)


def _types(allowed: set[str]) -> str:
    return "、".join(sorted(EXTENSION[k].upper() for k in allowed))


def clean_attachments(uploads) -> list[CleanFile]:
    """A transition's attachments (opinions, reports, scans): PDF/DOCX/JPG/PNG up to 10 MB each, at most
    five. All are checked before anything is written, so a bad file means no transition at all."""
    uploads = [u for u in uploads if u]
    if len(uploads) > ATTACHMENTS_PER_TRANSITION:
        raise HonoursError(_("每次最多上传 %(n)d 个附件。") % {"n": ATTACHMENTS_PER_TRANSITION})
    return [clean_upload(u, allowed=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX) for u in uploads]


def transition_files_save(transition: Transition, files: list[CleanFile] | None) -> None:
    for i, f in enumerate(files or [], start=1):
        TransitionFile.objects.create(
            transition=transition, file=f.content(f"t{transition.pk}-{i}"), kind=f.kind, size=len(f.data)
        )
