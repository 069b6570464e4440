"""The demo's pure-Python MP4 is a well-formed H.264 file that an independent reader (mutagen) understands,
that passes the upload pipeline unchanged in length, and whose sample table covers exactly its media.
(That Chromium decodes and plays it is checked by tests/judging/test_browser_volunteer_video.py.)"""

from __future__ import annotations

import io
import struct

import mutagen.mp4
import pytest

from judging.demo_video import demo_mp4
from judging.files import check_and_clean


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> dict[bytes, tuple[int, int]]:
    out, pos, end = {}, start, len(data) if end is None else end
    while pos < end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        assert size >= 8 and pos + size <= end, kind
        out[kind] = (pos + 8, pos + size)
        pos += size
    assert pos == end
    return out


def _child(data: bytes, path: list[bytes]) -> bytes:
    start, end = 0, len(data)
    for kind in path:
        start, end = _boxes(data, start, end)[kind]
    return data[start:end]


def test_an_independent_reader_sees_a_three_second_avc_video():
    data = demo_mp4()
    assert mutagen.mp4.MP4(io.BytesIO(data)).info.length == pytest.approx(3.0)  # mutagen names audio codecs only
    assert _child(data, [b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd"])[12:16] == b"avc1"
    assert list(_boxes(data)) == [b"ftyp", b"moov", b"mdat"]  # moov first: playback starts at once


def test_the_sample_table_covers_the_media_exactly():
    data = demo_mp4(seconds=2, fps=5)
    stbl = [b"moov", b"trak", b"mdia", b"minf", b"stbl"]
    stsz = _child(data, [*stbl, b"stsz"])
    count = struct.unpack(">I", stsz[8:12])[0]
    sizes = struct.unpack(f">{count}I", stsz[12:])
    offset = struct.unpack(">I", _child(data, [*stbl, b"stco"])[8:12])[0]
    mdat_start, mdat_end = _boxes(data)[b"mdat"]
    assert count == 10 and offset == mdat_start and offset + sum(sizes) == mdat_end
    first = data[offset : offset + sizes[0]]
    assert struct.unpack(">I", first[:4])[0] == sizes[0] - 4 and first[4] == 0x65  # one IDR slice NAL
    avcc = _child(data, [*stbl, b"stsd"])[8 + 8 + 78 :]
    assert avcc[4:8] == b"avcC" and avcc[9] == 66  # Baseline profile


def test_no_start_code_is_emulated_inside_a_nal_unit():
    data = demo_mp4(variant=3)
    mdat_start, mdat_end = _boxes(data)[b"mdat"]
    pos = mdat_start
    while pos < mdat_end:
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        nal = data[pos + 4 : pos + 4 + length]
        assert all(nal.find(bytes([0, 0, b])) == -1 for b in (0, 1, 2))
        pos += 4 + length
    assert pos == mdat_end


def test_the_upload_pipeline_accepts_it_as_an_mp4_of_the_same_length():
    data = demo_mp4(variant=1)
    kind, cleaned = check_and_clean(data=data, filename="微课.mp4", allowed={"mp4", "webm"}, max_bytes=10**7)
    assert kind == "mp4" and len(cleaned) == len(data)
    assert _child(cleaned, [b"mdat"]) == _child(data, [b"mdat"])  # the picture is untouched


def test_sizes_that_are_not_whole_macroblocks_are_refused():
    with pytest.raises(ValueError):
        demo_mp4(width=100)
