"""What every reader yields (`RawRow`) and the text decoding the text formats share: a leaf below
`readers` (spreadsheet formats and dispatch) and `moodle` (GIFT, Aiken, Moodle XML)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.uploadtext import UploadEncodingUnknown, UploadNotText, decode_upload_text

from ..errors import ImportFileError


@dataclass
class RawRow:
    """One question as the teacher wrote it. `values` has canonical keys (see readers.HEADERS); `errors`
    holds problems the reader already found, as (column label, message)."""

    number: int
    values: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    label: str = "行"  # 行 for spreadsheets, 条 for JSON, 题 for Moodle formats
    line: int | None = None  # source line, for text formats

    @property
    def where(self) -> str:
        where = _("第 {number} {label}").format(number=self.number, label=self.label)
        return _("{where}（文件第 {line} 行）").format(where=where, line=self.line) if self.line else where


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (core.uploadtext), in the question bank's wording."""
    try:
        return decode_upload_text(data)
    except UploadNotText as exc:
        raise ImportFileError(
            _("文件不是文本文件（可能是 UTF-16 或二进制文件），请另存为 UTF-8 或 GBK 编码的 CSV。")
        ) from exc
    except UploadEncodingUnknown as exc:
        raise ImportFileError(_("无法识别文件编码，请另存为 UTF-8 或 GBK 编码。")) from exc
