"""WAV rebuilt from its audio chunks only: a new RIFF/WAVE file holding `fmt ` (the sample format),
`fact` (needed by compressed formats) and `data`. LIST/INFO (artist, comments), bext (originator),
iXML, id3, cue/labl, JUNK and anything after the data are never copied."""

from __future__ import annotations

import struct

from django.utils.translation import gettext as _

from .errors import FileRejected

KEPT_CHUNKS = (b"fmt ", b"fact", b"data")


def strip_wav(data: bytes) -> bytes:
    found: dict[bytes, bytes] = {}
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        body = data[pos + 8 : pos + 8 + size]  # recorders that never fixed the size write 0xFFFFFFFF
        if kind in KEPT_CHUNKS and kind not in found:
            found[kind] = body
        pos += 8 + size + (size & 1)
    if b"fmt " not in found or not found.get(b"data"):
        raise FileRejected(_("文件没有可识别的音视频内容。"))
    chunks = b""
    for kind in KEPT_CHUNKS:
        if kind in found:
            body = found[kind]
            chunks += kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) & 1 else b"")
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks
