"""Damaged works: whatever bytes arrive, a rebuilder either returns a file or refuses it with a Chinese
reason (never another exception, which the worker would report as an internal error). For docx, what
it returns still carries no identity (damage breaks a checksum or the XML, and the file is refused). In
the other formats damage itself can decide what looks like content (a damaged size makes the tag after
the audio look like samples, a damaged PDF re-wires a metadata stream as a resource), so only the first
property is asserted there; undamaged files are covered by test_blind_files."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judging.files import FileRejected, check_and_clean

from .hostile_files import hostile_docx
from .hostile_media import hostile_mp3, hostile_mp4, hostile_pdf, hostile_wav, hostile_webm
from .identity import leaks

SAMPLES = {
    "docx": hostile_docx(),
    "pdf": hostile_pdf(),
    "mp3": hostile_mp3()[0],
    "mp4": hostile_mp4()[0],
    "webm": hostile_webm()[0],
    "wav": hostile_wav()[0],
}


STRUCTURAL = {"docx"}


@st.composite
def damaged(draw, kind):
    data = bytearray(SAMPLES[kind])
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["flip", "cut", "zero", "dup"]))
        at = draw(st.integers(0, len(data) - 1))
        if action == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif action == "zero":
            data[at : at + 4] = b"\x00\x00\x00\x00"
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 32))]
        if len(data) < 16:
            break
    return bytes(data)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_a_damaged_work_is_rebuilt_or_refused_and_never_leaks(kind):
    @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(data=damaged(kind))
    def run(data):
        try:
            _kind, out = check_and_clean(data=data, filename=f"x.{kind}", allowed={kind}, max_bytes=10**7)
        except FileRejected as exc:
            assert exc.message and exc.status < 500
            return
        if kind in STRUCTURAL:
            assert leaks(out) == [], leaks(out)

    run()
