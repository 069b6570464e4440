"""Zip bombs built in the test (small on disk, huge when inflated), shared by the judging, roster and
question-import tests. Cached: deflating a few hundred MB once per run is enough."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

MB = 1024 * 1024
EXPANDED = 300 * MB  # the size the outside review used: a 306 KB docx whose document.xml is 300 MB


def _deflated(size: int, unit: bytes) -> tuple[bytes, int]:
    """Raw deflate stream of `size` bytes of repeated `unit`, and its CRC, built chunk by chunk."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = unit * (MB // len(unit))
    parts, crc, left = [], 0, size
    while left > 0:
        piece = chunk[:left]
        parts.append(packer.compress(piece))
        crc = zlib.crc32(piece, crc)
        left -= len(piece)
    parts.append(packer.flush())
    return b"".join(parts), crc


def raw_zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip written by hand: (name, deflated bytes, crc, declared size, method) per member, so the
    declared sizes can lie."""
    out, central = io.BytesIO(), []
    for name, payload, crc, declared, method in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(payload), declared,
                              len(encoded), 0) + encoded + payload)  # fmt: skip
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(payload),
                declared,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded  # fmt: skip
        )
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


def _small(name: str, text: str) -> tuple[str, bytes, int, int, int]:
    data = text.encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data), 8


DOCX_SKELETON = [
    _small(
        "[Content_Types].xml",
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/></Types>',
    ),
    _small(
        "_rels/.rels",
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>',
    ),
]
XLSX_SKELETON = [
    _small("[Content_Types].xml", "<Types/>"),
    _small("xl/workbook.xml", "<workbook/>"),
    _small("xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>"),
]


@functools.cache
def _bomb_member(unit: bytes) -> tuple[bytes, int]:
    return _deflated(EXPANDED, unit)


def bomb(kind: str, *, lie: bool = False) -> bytes:
    """A docx (`word/document.xml`) or xlsx (`xl/sharedStrings.xml`) whose one member inflates to 300 MB.
    With `lie`, the archive declares that member as 1 KB."""
    if kind == "docx":
        name, unit, skeleton = "word/document.xml", b"<w:p><w:r><w:t>aaaa</w:t></w:r></w:p>", DOCX_SKELETON
    else:
        name, unit, skeleton = "xl/sharedStrings.xml", b"<si><t>aaaaaaaa</t></si>", XLSX_SKELETON
    payload, crc = _bomb_member(unit)
    return raw_zip([*skeleton, (name, payload, crc, 1024 if lie else EXPANDED, 8)])


def valid_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return out.getvalue()
