"""WebM / Matroska cleaned by an allow-list of EBML elements, in place.

The SeekHead and Cues address elements by offset, so every element not on the allow-list (or larger than
its kind allows: a number is at most 8 bytes) becomes a Void element of the same length filled with zeros: Tags, Attachments (cover art, fonts), Chapters,
the title, muxing/writing application, date and segment UID, track names, CRC-32, and the contents of
existing Void elements. Clusters of unknown size (as browsers' MediaRecorder writes them) end where the
next top-level element begins, so tags written after the first cluster are reached too. A region that
cannot be parsed inside a kept element is zeroed; unparseable bytes after the last element are cut."""

from __future__ import annotations

EBML_HEADER, SEGMENT, CLUSTER, VOID = 0x1A45DFA3, 0x18538067, 0x1F43B675, 0xEC

# element id → rule: a dict (walked with that allow-list), an int (kept if its body is at most that
# many bytes: numbers, codec ids, language codes), or None (kept whole: media blocks, codec setup).
_N = 8  # unsigned integers, floats and dates are at most 8 bytes
_EBML = {0x4286: _N, 0x42F7: _N, 0x42F2: _N, 0x42F3: _N, 0x4282: 16, 0x4287: _N, 0x4285: _N}
_VIDEO = {
    0xB0: _N, 0xBA: _N, 0x54B0: _N, 0x54BA: _N, 0x54B2: _N, 0x9A: _N, 0x9D: _N, 0x53B8: _N, 0x53C0: _N,
    0x54AA: _N, 0x54BB: _N, 0x54CC: _N, 0x54DD: _N, 0x54B3: _N, 0x2EB524: 4, 0x55B0: 512, 0x7670: 512,
}  # fmt: skip
_AUDIO = {0xB5: _N, 0x78B5: _N, 0x9F: _N, 0x6264: _N}
_TRACK_ENTRY = {
    0xD7: _N, 0x73C5: _N, 0x83: _N, 0xB9: _N, 0x88: _N, 0x55AA: _N, 0x9C: _N, 0x6DE7: _N, 0x6DF8: _N,
    0x23E383: _N, 0x234E7A: _N, 0x23314F: _N, 0x55EE: _N, 0x86: 32, 0x63A2: None, 0x56AA: _N, 0x56BB: _N,
    0x22B59C: 16, 0x22B59D: 35, 0xE0: _VIDEO, 0xE1: _AUDIO, 0x6D80: None, 0xAA: _N,
}  # fmt: skip
_BLOCK_GROUP = {0xA1: None, 0x9B: _N, 0xFB: _N, 0x75A2: _N, 0xFA: _N}
_CLUSTER = {0xE7: _N, 0xA3: None, 0xA0: _BLOCK_GROUP, 0xA7: _N, 0xAB: _N}
_SEEK_HEAD = {0x4DBB: {0x53AB: 4, 0x53AC: _N}}  # Seek: element id and offset
_CUE_POSITIONS = {0xF7: _N, 0xF1: _N, 0xF0: _N, 0xB2: _N, 0x5378: _N, 0xEA: _N, 0xDB: {0x96: _N}}
_CUES = {0xBB: {0xB3: _N, 0xB7: _CUE_POSITIONS}}
_SEGMENT = {
    0x114D9B74: _SEEK_HEAD,
    0x1549A966: {0x2AD7B1: _N, 0x4489: _N},  # Info: timestamp scale and duration only
    0x1654AE6B: {0xAE: _TRACK_ENTRY},  # Tracks
    CLUSTER: _CLUSTER,
    0x1C53BB6B: _CUES,
}
_TOP = {EBML_HEADER: _EBML, SEGMENT: _SEGMENT}
_DROP = object()


def _kept_whole(rule, size: int) -> bool:
    return rule is None or (isinstance(rule, int) and size <= rule)


def _vint(buf, pos: int, *, marker: bool) -> tuple[int, int]:
    """Read an EBML variable-length integer; returns (value, length). Value -1 means unknown size."""
    if pos >= len(buf):
        raise ValueError("end of data")
    first = buf[pos]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or pos + length > len(buf):
        raise ValueError("bad vint")
    value = int.from_bytes(buf[pos : pos + length], "big")
    if marker:
        return value, length
    value &= (1 << (7 * length)) - 1
    return (-1 if value == (1 << (7 * length)) - 1 else value), length


def _void(buf: bytearray, pos: int, total: int) -> None:
    """Overwrite `total` bytes at pos with an EBML Void element of the same length."""
    n = min(8, total - 1)
    payload = total - 1 - n
    buf[pos] = VOID
    buf[pos + 1 : pos + 1 + n] = (payload | (1 << (7 * n))).to_bytes(n, "big")
    buf[pos + 1 + n : pos + total] = bytes(payload)


def _walk(buf: bytearray, start: int, end: int, allowed: dict, stop_ids: set[int] | None = None) -> int:
    """Clean the children between start and end; returns where the walk stopped. With `stop_ids` (an
    unknown-size parent) the walk stops before the first element that belongs to the level above."""
    pos = start
    while pos < end:
        try:
            elem_id, id_len = _vint(buf, pos, marker=True)
            if stop_ids is not None and elem_id in stop_ids:
                return pos
            size, size_len = _vint(buf, pos + id_len, marker=False)
        except ValueError:
            buf[pos:end] = bytes(end - pos)
            return end
        body = pos + id_len + size_len
        rule = allowed.get(elem_id, _DROP)
        if size < 0:
            if not isinstance(rule, dict):
                buf[pos:end] = bytes(end - pos)
                return end
            pos = _walk(buf, body, end, rule, stop_ids=set(allowed) | set(_TOP))
            continue
        if body + size > end:
            if isinstance(rule, dict):
                _walk(buf, body, end, rule)  # a recording cut short: keep what is there
            else:
                buf[pos:end] = bytes(end - pos)  # a damaged size: nothing after it can be trusted
            return end
        if isinstance(rule, dict):
            _walk(buf, body, body + size, rule)
        elif not _kept_whole(rule, size):
            _void(buf, pos, body + size - pos)
        pos = body + size
    return pos


def strip_webm(data: bytes) -> bytes:
    buf = bytearray(data)
    pos = 0
    while pos < len(buf):
        try:
            elem_id, id_len = _vint(buf, pos, marker=True)
            size, size_len = _vint(buf, pos + id_len, marker=False)
        except ValueError:
            break
        rule = _TOP.get(elem_id, _DROP)
        body = pos + id_len + size_len
        end = len(buf) if size < 0 else body + size
        if end > len(buf):
            if not isinstance(rule, dict):
                break
            end = len(buf)
        if isinstance(rule, dict):
            _walk(buf, body, end, rule)
        else:
            _void(buf, pos, end - pos)
        pos = end
    return bytes(buf[:pos])
