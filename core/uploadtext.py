"""The one decoder for text files people upload (CSV rosters, CSV/GIFT/Aiken question banks): UTF-8, with
or without BOM, else GB18030 (a superset of GBK, what Excel in China saves). Callers turn the two typed
errors into their own wording."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .uploads import UploadRejected

UPLOAD_TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
# UTF-16 and binary files have NUL bytes early on; GB18030 would decode them into nonsense
SNIFF_BYTES = 4096


class UploadNotText(UploadRejected):
    code, default_message = "upload_not_text", _("文件不是文本文件，请另存为 UTF-8 或 GBK 编码。")


class UploadEncodingUnknown(UploadRejected):
    code, default_message = "upload_encoding_unknown", _("无法识别文件编码，请另存为 UTF-8 或 GBK 编码。")


def decode_upload_text(data: bytes) -> str:
    if b"\x00" in data[:SNIFF_BYTES]:
        raise UploadNotText
    for encoding in UPLOAD_TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadEncodingUnknown
