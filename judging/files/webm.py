"""WebM / Matroska cleaned by an allow-list of EBML elements, in place.

The SeekHead and Cues address elements by offset, so every element not on the allow-list becomes a
Void element of the same length filled with zeros: Tags, Attachments (cover art, fonts), Chapters,
the title, muxing/writing application, date and segment UID, track names, CRC-32, and the contents of
existing Void elements. Clusters of unknown size (as browsers' MediaRecorder writes them) end where the
next top-level element begins, so tags written after the first cluster are reached too. A region that
cannot be parsed inside a kept element is zeroed; unparseable bytes after the last element are cut."""

from __future__ import annotations

EBML_HEADER, SEGMENT, CLUSTER, VOID = 0x1A45DFA3, 0x18538067, 0x1F43B675, 0xEC

# element → children kept (None: kept whole, a dict: walked with that allow-list)
_TRACK_ENTRY = {
    0xD7: None, 0x73C5: None, 0x83: None, 0xB9: None, 0x88: None, 0x55AA: None, 0x9C: None, 0x6DE7: None,
    0x6DF8: None, 0x23E383: None, 0x234E7A: None, 0x23314F: None, 0x55EE: None, 0x86: None, 0x63A2: None,
    0x56AA: None, 0x56BB: None, 0x22B59C: None, 0x22B59D: None, 0xE0: None, 0xE1: None, 0x6D80: None, 0xAA: None,
}  # fmt: skip
_BLOCK_GROUP = {0xA1: None, 0x9B: None, 0xFB: None, 0x75A2: None, 0xFA: None}
_CLUSTER = {0xE7: None, 0xA3: None, 0xA0: _BLOCK_GROUP, 0xA7: None, 0xAB: None, 0x5854: None}
_SEGMENT = {
    0x114D9B74: None,  # SeekHead: element ids and offsets
    0x1549A966: {0x2AD7B1: None, 0x4489: None},  # Info: timestamp scale and duration only
    0x1654AE6B: {0xAE: _TRACK_ENTRY},  # Tracks
    CLUSTER: _CLUSTER,
    0x1C53BB6B: None,  # Cues: timestamps and offsets
}
_TOP = {EBML_HEADER: None, SEGMENT: _SEGMENT}


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
        rule = allowed.get(elem_id, False)
        if size < 0:
            if rule is False or not isinstance(rule, dict):
                buf[pos:end] = bytes(end - pos)
                return end
            pos = _walk(buf, body, end, rule, stop_ids=set(allowed) | set(_TOP))
            continue
        if body + size > end:
            if rule is False:
                buf[pos:end] = bytes(end - pos)
            elif isinstance(rule, dict):
                _walk(buf, body, end, rule)
            return end  # a recording cut short: keep what is there
        if rule is False:
            _void(buf, pos, body + size - pos)
        elif isinstance(rule, dict):
            _walk(buf, body, body + size, rule)
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
        rule = _TOP.get(elem_id, False)
        body = pos + id_len + size_len
        end = len(buf) if size < 0 else body + size
        if end > len(buf):
            if rule is False:
                break
            end = len(buf)
        if rule is False:
            _void(buf, pos, end - pos)
        elif isinstance(rule, dict):
            _walk(buf, body, end, rule)
        pos = end
    return bytes(buf[:pos])
