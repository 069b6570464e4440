"""MP3 rebuilt from its MPEG audio frames only.

Frames are found by their headers and copied back to back; everything between or around them (ID3v2 at
the start or end, ID3v1, APEv2, Lyrics3, cover pictures, junk) is simply not copied. A frame counts only
when the next frame, a tag or the end of the file follows it (a last frame cut short, then a tag, is
dropped rather than carrying the tag's first bytes). After a gap, a new run of frames is accepted only
when several consecutive headers chain up, so bytes inside a tag (a JPEG cover has many 0xFF bytes) are
not taken for audio."""

from __future__ import annotations

_BITRATES = {  # kbit/s by (MPEG-1?, layer)
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
RESYNC_CHAIN = 4
MAX_RESYNC_PROBES = 200_000  # a file of nothing but 0xFF bytes must not keep the worker busy for minutes


def frame_at(data: bytes, pos: int) -> tuple[int, tuple[int, int, int]] | None:
    """(frame length, (version, layer, sample rate index)) of a valid MPEG audio header at pos."""
    if pos + 4 > len(data) or data[pos] != 0xFF or data[pos + 1] & 0xE0 != 0xE0:
        return None
    b1, b2 = data[pos + 1], data[pos + 2]
    version, layer_bits = (b1 >> 3) & 3, (b1 >> 1) & 3
    bitrate_index, rate_index, padding = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None  # reserved values; free-format streams (index 0) cannot be delimited
    layer = 4 - layer_bits
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_index] * 1000
    rate = _SAMPLE_RATES[version][rate_index]
    if layer == 1:
        length = (12 * bitrate // rate + padding) * 4
    elif layer == 3 and not mpeg1:
        length = 72 * bitrate // rate + padding
    else:
        length = 144 * bitrate // rate + padding
    if length < 4 or pos + length > len(data):
        return None
    return length, (version, layer, rate_index)


def _chains(data: bytes, pos: int, kind, count: int) -> bool:
    for _i in range(count):
        if pos == len(data):
            return True
        frame = frame_at(data, pos)
        if frame is None or (kind is not None and frame[1] != kind):
            return False
        kind = frame[1]
        pos += frame[0]
    return True


TAG_MAGIC = (b"ID3", b"3DI", b"TAG", b"APETAGEX", b"LYRICSBEGIN")


def _ends_cleanly(data: bytes, end: int, kind) -> bool:
    """A frame counts only if what follows it is another frame, a tag, or the end of the file: a
    frame cut short by the encoder and followed by a tag would otherwise carry the tag's first bytes."""
    if end == len(data) or data.startswith(TAG_MAGIC, end):
        return True
    following = frame_at(data, end)
    return following is not None and following[1] == kind


def _skip_leading_id3(data: bytes) -> int:
    pos = 0
    while data[pos : pos + 3] == b"ID3" and pos + 10 <= len(data):
        size = (data[pos + 6] & 0x7F) << 21 | (data[pos + 7] & 0x7F) << 14 | (data[pos + 8] & 0x7F) << 7
        size |= data[pos + 9] & 0x7F
        pos += 10 + size + (10 if data[pos + 5] & 0x10 else 0)
    return min(pos, len(data))


def mpeg_frames(data: bytes) -> list[tuple[int, int]]:
    """(offset, length) of every MPEG audio frame, in order."""
    frames: list[tuple[int, int]] = []
    kind = None
    probes = 0
    pos = _skip_leading_id3(data)
    while pos < len(data):
        frame = frame_at(data, pos)
        if frame is not None and (kind is None or frame[1] == kind) and _ends_cleanly(data, pos + frame[0], frame[1]):
            kind = frame[1]
            frames.append((pos, frame[0]))
            pos += frame[0]
            continue
        nxt = data.find(b"\xff", pos + 1)
        while nxt != -1 and probes < MAX_RESYNC_PROBES and not _chains(data, nxt, kind, RESYNC_CHAIN):
            probes += 1
            nxt = data.find(b"\xff", nxt + 1)
        if nxt == -1 or probes >= MAX_RESYNC_PROBES:
            break
        pos = nxt
    return frames


def strip_mp3(data: bytes) -> bytes:
    """Only the MPEG audio frames, back to back (see the module docstring). Empty if there are none."""
    return b"".join(data[offset : offset + length] for offset, length in mpeg_frames(data))
