"""The one guard for zip containers people upload (docx works, xlsx rosters and question banks).

A zip can promise little and expand to a lot: a 306 KB docx whose document.xml inflates to 300 MB.
Nothing here trusts the numbers in the archive: `zip_open` refuses what the central directory
declares (member count, member and total size, compression ratio) before anything is inflated, and
`ZipBudget.read` / `zip_verify` inflate in small chunks against a running byte limit, so memory stays
at one chunk (plus the member asked for) whatever the archive claims. Call `zip_verify` before
handing an archive to a library that inflates members itself (openpyxl)."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import AppError

CHUNK = 64 * 1024
MB = 1024 * 1024


class UploadRejected(AppError):
    code, status, default_message = "upload_rejected", 400, gettext_lazy("上传的文件无法接受。")


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 2000
    max_member_bytes: int = 48 * MB
    max_total_bytes: int = 200 * MB
    # Office XML compresses about 10:1, long repetitive tables up to ~100:1; bombs are 300:1 to 1000:1
    # and more. Small members (a few KB of repeated zeros) may compress better than any ratio harmlessly.
    max_ratio: int = 200
    ratio_floor_bytes: int = 1 * MB


# xlsx imports (rosters, question banks): a 30 000-row sheet's XML is a few tens of MB
SPREADSHEET_LIMITS = ZipLimits(max_members=500, max_member_bytes=64 * MB, max_total_bytes=160 * MB)


def _too_large(limit: int) -> UploadRejected:
    return UploadRejected(
        _("文件解压后过大（超过 %(mb)s MB），可能是“压缩炸弹”，已拒绝。请精简内容或拆分后再上传。")
        % {"mb": max(1, limit // MB)},
        code="upload_unzipped_too_large",
        status=413,
    )


def _bad_ratio() -> UploadRejected:
    return UploadRejected(
        _("文件的压缩比异常（可能是“压缩炸弹”），已拒绝。请用办公软件重新保存后再上传。"), code="upload_zip_ratio"
    )


def _corrupt() -> UploadRejected:
    return UploadRejected(_("压缩文件已损坏，无法读取。请用办公软件重新保存后再上传。"), code="upload_zip_corrupt")


def zip_open(source: bytes | BinaryIO, limits: ZipLimits) -> zipfile.ZipFile:
    """Open an archive and check what its central directory declares. Reads only the directory."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes | bytearray) else source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _corrupt() from exc
    try:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise UploadRejected(
                _("压缩文件内的条目过多（超过 %(n)s 个），已拒绝。") % {"n": limits.max_members},
                code="upload_zip_members",
            )
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise UploadRejected(_("文件已加密，请上传未加密的文件。"), code="upload_encrypted")
            if info.file_size > limits.max_member_bytes:
                raise _too_large(limits.max_member_bytes)
            total += info.file_size
            if total > limits.max_total_bytes:
                raise _too_large(limits.max_total_bytes)
            if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise _bad_ratio()
    except UploadRejected:
        zf.close()
        raise
    return zf


class ZipBudget:
    """Reads members of an opened archive while counting every inflated byte against the limits,
    whatever sizes the archive declared."""

    def __init__(self, zf: zipfile.ZipFile, limits: ZipLimits):
        self.zf, self.limits, self.total = zf, limits, 0

    def _chunks(self, info: zipfile.ZipInfo):
        produced = 0
        try:
            with self.zf.open(info) as member:
                while chunk := member.read(CHUNK):
                    produced += len(chunk)
                    self.total += len(chunk)
                    if produced > self.limits.max_member_bytes:
                        raise _too_large(self.limits.max_member_bytes)
                    if self.total > self.limits.max_total_bytes:
                        raise _too_large(self.limits.max_total_bytes)
                    if produced > self.limits.ratio_floor_bytes and produced > self.limits.max_ratio * max(
                        info.compress_size, 1
                    ):
                        raise _bad_ratio()
                    yield chunk
        except UploadRejected:
            raise
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise _corrupt() from exc

    def read(self, name: str | zipfile.ZipInfo) -> bytes:
        info = name if isinstance(name, zipfile.ZipInfo) else self.zf.getinfo(name)
        return b"".join(self._chunks(info))

    def drain(self, info: zipfile.ZipInfo) -> None:
        for _chunk in self._chunks(info):
            pass


def zip_verify(source: bytes | BinaryIO, limits: ZipLimits) -> None:
    """Check the declared sizes, then inflate every member chunk by chunk (nothing kept) so the real
    sizes and ratios are proven before another library opens the archive."""
    with zip_open(source, limits) as zf:
        budget = ZipBudget(zf, limits)
        for info in zf.infolist():
            budget.drain(info)
