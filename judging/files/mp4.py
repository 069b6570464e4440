"""MP4 / M4A cleaned by an allow-list of boxes, in place.

Sample tables address the media by absolute file offsets, so instead of moving bytes every box that
is not on the allow-list (udta, meta, ilst, XMP uuid, free/skip with leftovers, unknown boxes) becomes
a `free` box of the same size filled with zeros. Only audio and video tracks are kept: a timed
metadata track (GPS from action cameras, camera/phone data) becomes `free`, and inside mdat every byte
that no kept sample occupies is zeroed (its samples, and leftovers no table points at). Creation and modification times in mvhd/tkhd/mdhd, handler names, the compressor
name of video sample entries and data-reference URLs are blanked. Bytes after the last box are cut."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .errors import FileRejected

# container → children kept (a child that is itself a key here is walked; others are kept whole)
ALLOWED = {
    b"": {b"ftyp", b"styp", b"moov", b"mdat", b"moof", b"mfra", b"sidx"},
    b"moov": {b"mvhd", b"trak", b"mvex", b"iods"},
    b"trak": {b"tkhd", b"tref", b"edts", b"mdia"},
    b"edts": {b"elst"},
    b"mdia": {b"mdhd", b"hdlr", b"minf"},
    b"minf": {b"vmhd", b"smhd", b"dinf", b"stbl"},
    b"dinf": {b"dref"},
    b"stbl": {
        b"stsd",
        b"stts",
        b"ctts",
        b"cslg",
        b"stss",
        b"stsh",
        b"sdtp",
        b"stsc",
        b"stsz",
        b"stz2",
        b"stco",
        b"co64",
        b"sgpd",
        b"sbgp",
        b"subs",
        b"saiz",
        b"saio",
        b"stps",
        b"padb",
    },  # fmt: skip
    b"mvex": {b"mehd", b"trex"},
    b"moof": {b"mfhd", b"traf"},
    b"traf": {b"tfhd", b"tfdt", b"trun", b"sbgp", b"sgpd", b"subs", b"saiz", b"saio", b"senc"},
    b"mfra": {b"tfra", b"mfro"},
}
MEDIA_HANDLERS = {b"vide", b"soun"}
TIMED_BOXES = {b"mvhd", b"tkhd", b"mdhd"}


@dataclass
class _Box:
    kind: bytes
    start: int
    header: int
    end: int
    children: list = field(default_factory=list)
    stop: int = 0  # where parsing the children stopped (end, unless the rest is not a box)

    @property
    def body(self) -> int:
        return self.start + self.header


def _parse(buf: bytearray, start: int, end: int, container: bytes, depth: int = 0) -> tuple[list[_Box], int]:
    """Boxes between start and end; returns them and where parsing stopped (end unless it hit garbage)."""
    boxes, pos = [], start
    while pos + 8 <= end:
        size = int.from_bytes(buf[pos : pos + 4], "big")
        kind = bytes(buf[pos + 4 : pos + 8])
        header = 8
        if size == 1:
            if pos + 16 > end:
                break
            size, header = int.from_bytes(buf[pos + 8 : pos + 16], "big"), 16
        elif size == 0:
            size = end - pos
        if size < header:
            break
        if pos + size > end:
            if container == b"" and kind == b"mdat":
                size = end - pos  # a recording cut short: keep the media that is there
            else:
                break
        box = _Box(kind, pos, header, pos + size)
        if kind in ALLOWED and kind != b"" and depth < 16:
            box.children, box.stop = _parse(buf, box.body, box.end, kind, depth + 1)
        boxes.append(box)
        pos += size
    return boxes, pos


def _free(buf: bytearray, box: _Box) -> None:
    buf[box.start + 4 : box.start + 8] = b"free"
    buf[box.body : box.end] = bytes(box.end - box.body)


def _find(box: _Box, *path: bytes) -> _Box | None:
    for kind in path:
        box = next((c for c in box.children if c.kind == kind), None)
        if box is None:
            return None
    return box


def _u32(buf, pos) -> int:
    return int.from_bytes(buf[pos : pos + 4], "big")


def _sample_ranges(buf: bytearray, stbl: _Box) -> list[tuple[int, int]]:
    """(offset, size) of every sample of a track, from stsz/stsc/stco(co64)."""
    stsz, stsc = _find(stbl, b"stsz"), _find(stbl, b"stsc")
    offsets_box = _find(stbl, b"stco") or _find(stbl, b"co64")
    if not (stsz and stsc and offsets_box):
        return []
    # every count is bounded by what its box can hold, whatever the header claims
    fixed, count = _u32(buf, stsz.body + 4), _u32(buf, stsz.body + 8)
    if fixed:
        sizes = [fixed] * min(count, len(buf) // fixed)
    else:
        count = min(count, max(0, (stsz.end - stsz.body - 12) // 4))
        sizes = [_u32(buf, stsz.body + 12 + 4 * i) for i in range(count)]
    step = 8 if offsets_box.kind == b"co64" else 4
    n_chunks = min(_u32(buf, offsets_box.body + 4), max(0, (offsets_box.end - offsets_box.body - 8) // step))
    chunk_offsets = [
        int.from_bytes(buf[offsets_box.body + 8 + step * i : offsets_box.body + 8 + step * (i + 1)], "big")
        for i in range(n_chunks)
    ]
    n_runs = min(_u32(buf, stsc.body + 4), max(0, (stsc.end - stsc.body - 8) // 12))
    runs = [(_u32(buf, stsc.body + 8 + 12 * i), _u32(buf, stsc.body + 12 + 12 * i)) for i in range(n_runs)]
    ranges, sample = [], 0
    for index, offset in enumerate(chunk_offsets, start=1):
        per_chunk = next((n for first, n in reversed(runs) if first <= index), 0)
        for _i in range(per_chunk):
            if sample >= len(sizes):
                return ranges
            ranges.append((offset, sizes[sample]))
            offset += sizes[sample]
            sample += 1
    return ranges


def _blank_fields(buf: bytearray, box: _Box, track_handler: bytes | None) -> None:
    if box.kind in TIMED_BOXES and box.end - box.body >= 12:
        width = 8 if buf[box.body] == 1 else 4
        buf[box.body + 4 : box.body + 4 + 2 * width] = bytes(2 * width)
    elif box.kind == b"hdlr" and box.end - box.body > 24:
        buf[box.body + 24 : box.end] = bytes(box.end - box.body - 24)  # handler name
    elif box.kind == b"dref":
        pos = box.body + 8
        while pos + 12 <= box.end:
            size = _u32(buf, pos)
            if size < 12 or pos + size > box.end:
                break
            if buf[pos + 4 : pos + 8] in (b"url ", b"urn "):
                buf[pos + 8 : pos + 12] = b"\x00\x00\x00\x01"  # self-contained: the media is in this file
                buf[pos + 12 : pos + size] = bytes(size - 12)
            pos += size
    elif box.kind == b"stsd" and track_handler == b"vide":
        entry = box.body + 8
        if entry + 82 <= box.end:
            buf[entry + 50 : entry + 82] = bytes(32)  # compressorname of the visual sample entry


def _zero_tail(buf: bytearray, box: _Box) -> None:
    """Bytes after a container's last parseable child (terminators, damage) are not content."""
    if box.kind in ALLOWED and box.stop < box.end:
        buf[box.stop : box.end] = bytes(box.end - box.stop)


def _clean(buf: bytearray, boxes: list[_Box], container: bytes, handler: bytes | None = None) -> None:
    allowed = ALLOWED[container]
    for box in boxes:
        if box.kind not in allowed:
            _free(buf, box)
            continue
        _blank_fields(buf, box, handler)
        if box.kind in ALLOWED:
            _zero_tail(buf, box)
            _clean(buf, box.children, box.kind, handler)


def _track_handler(buf: bytearray, trak: _Box) -> bytes | None:
    hdlr = _find(trak, b"mdia", b"hdlr")
    return bytes(buf[hdlr.body + 8 : hdlr.body + 12]) if hdlr and hdlr.end - hdlr.body >= 12 else None


def _zero_unreferenced(buf: bytearray, mdats: list[tuple[int, int]], kept: list[tuple[int, int]]) -> None:
    """Inside mdat, keep only the bytes that audio/video samples occupy; zero everything else (samples of
    dropped tracks, GPS/telemetry, leftovers no table points at)."""
    kept.sort()
    for start, end in mdats:
        cursor = start
        for offset, size in kept:
            if offset + size <= cursor or offset >= end:
                continue
            if offset > cursor:
                buf[cursor:offset] = bytes(offset - cursor)
            cursor = max(cursor, min(offset + size, end))
        if cursor < end:
            buf[cursor:end] = bytes(end - cursor)


def strip_mp4(data: bytes) -> bytes:
    buf = bytearray(data)
    boxes, stop = _parse(buf, 0, len(buf), b"")
    mdats = [(b.body, b.end) for b in boxes if b.kind == b"mdat"]
    kept_samples: list[tuple[int, int]] = []
    for moov in (b for b in boxes if b.kind == b"moov"):
        for trak in (c for c in moov.children if c.kind == b"trak"):
            handler = _track_handler(buf, trak)
            if handler in MEDIA_HANDLERS:
                stbl = _find(trak, b"mdia", b"minf", b"stbl")
                kept_samples.extend(_sample_ranges(buf, stbl) if stbl else [])
                _zero_tail(buf, trak)
                _clean(buf, trak.children, b"trak", handler)
                trak.kind = b"trak-kept"
            else:
                _free(buf, trak)
                trak.kind = b"trak-freed"
    if not any(b.kind == b"moof" for b in boxes):
        # fragmented files describe their samples in moof/trun, which is not walked here
        if not kept_samples:
            raise FileRejected(_("文件没有可识别的音视频内容。"))
        _zero_unreferenced(buf, mdats, kept_samples)
    for box in boxes:
        if box.kind not in ALLOWED[b""]:
            _free(buf, box)
        elif box.kind in ALLOWED:
            _zero_tail(buf, box)
            for child in box.children:
                if child.kind in (b"trak-kept", b"trak-freed"):
                    continue
                if child.kind not in ALLOWED[box.kind]:
                    _free(buf, child)
                    continue
                _blank_fields(buf, child, None)
                if child.kind in ALLOWED:
                    _clean(buf, child.children, child.kind)
    return bytes(buf[:stop])
