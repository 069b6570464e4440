"""Audio/video tags (artist, title, comments) do not survive storage; the media stays playable in
structure (mp4/webm keep every offset; mp3 and wav are rebuilt from their audio only)."""

import struct

import pytest

from judging.files import FileRejected, check_and_clean, precheck

NAME = "张小明 如东县实验小学".encode()


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def test_an_mp4_without_an_audio_or_video_track_is_refused():
    """Its mdat would be all zeros for the judges: say so to the student instead."""
    ftyp = box(b"ftyp", b"mp42\x00\x00\x00\x00mp42isom")
    udta = box(b"udta", box(b"\xa9ART", NAME))
    moov = box(b"moov", box(b"mvhd", b"\x00" * 20) + box(b"trak", box(b"udta", NAME)) + udta)
    mdat = box(b"mdat", b"\x01\x02\x03" * 10)
    with pytest.raises(FileRejected, match="没有可识别的音视频内容"):
        check_and_clean(data=ftyp + moov + mdat, filename="v.mp4", allowed={"mp4"}, max_bytes=10**6)


def test_mp3_id3_tags_are_removed():
    frame = (b"\xff\xfb\x90\x00" + b"\x00" * 413) * 2  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz: 417 bytes
    tag_body = b"TPE1" + struct.pack(">I", len(NAME) + 1) + b"\x00\x00\x03" + NAME
    id3 = b"ID3\x03\x00\x00" + bytes([0, 0, (len(tag_body) >> 7) & 0x7F, len(tag_body) & 0x7F]) + tag_body
    v1 = b"TAG" + NAME.ljust(125, b"\x00")
    kind, out = check_and_clean(data=id3 + frame + v1, filename="a.mp3", allowed={"mp3"}, max_bytes=10**6)
    assert kind == "mp3" and out == frame


def test_an_mp3_that_is_only_a_tag_is_refused():
    id3 = b"ID3\x03\x00\x00\x00\x00\x00\x04" + b"TIT2"
    with pytest.raises(FileRejected, match="没有可识别的音视频内容"):
        check_and_clean(data=id3 + b"<script>", filename="a.mp3", allowed={"mp3"}, max_bytes=10**6)


def test_wav_is_rebuilt_from_its_format_and_data_chunks_only():
    fmt = b"fmt " + struct.pack("<I", 16) + b"\x01\x00\x01\x00" + b"\x44\xac\x00\x00" * 2 + b"\x02\x00\x10\x00"
    info = b"INFO" + b"IART" + struct.pack("<I", len(NAME)) + NAME + b"\x00" * (len(NAME) & 1)
    lst = b"LIST" + struct.pack("<I", len(info)) + info
    data_chunk = b"data" + struct.pack("<I", 4) + b"\x01\x02\x03\x04"
    body = b"WAVE" + fmt + lst + data_chunk
    data = b"RIFF" + struct.pack("<I", len(body)) + body
    kind, out = check_and_clean(data=data, filename="a.wav", allowed={"wav"}, max_bytes=10**6)
    assert (
        kind == "wav"
        and out == b"RIFF" + struct.pack("<I", 4 + len(fmt) + len(data_chunk)) + b"WAVE" + fmt + data_chunk
    )
    assert NAME not in out


def test_audio_only_mp4_with_a_generic_brand_counts_as_m4a():
    data = box(b"ftyp", b"isom\x00\x00\x00\x00isom") + box(b"mdat", b"\x00" * 8)
    kind = precheck(source=data, filename="song.m4a", allowed={"mp3", "m4a", "wav"}, max_bytes=10**6, size=len(data))
    assert kind == "m4a"


def ebml(elem_id: int, payload: bytes) -> bytes:
    id_bytes = elem_id.to_bytes((elem_id.bit_length() + 7) // 8, "big")
    return id_bytes + (len(payload) | (1 << 56)).to_bytes(8, "big") + payload


def test_webm_title_and_tags_become_void_elements_of_the_same_length():
    header = ebml(0x1A45DFA3, ebml(0x4282, b"webm"))
    info = ebml(0x1549A966, ebml(0x2AD7B1, b"\x0f\x42\x40") + ebml(0x7BA9, NAME))
    tags = ebml(0x1254C36B, ebml(0x7373, ebml(0x67C8, ebml(0x45A3, b"ARTIST") + ebml(0x4487, NAME))))
    cluster = ebml(0x1F43B675, b"\x00" * 32)
    segment = ebml(0x18538067, info + cluster + tags)
    data = header + segment
    kind, out = check_and_clean(data=data, filename="v.webm", allowed={"webm"}, max_bytes=10**6)
    assert kind == "webm" and len(out) == len(data)
    assert NAME not in out and b"ARTIST" not in out
    assert cluster in out and b"\x2a\xd7\xb1" in out  # timecode scale and media kept
