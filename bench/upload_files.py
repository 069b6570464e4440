"""Benchmark: what an uploaded work costs, in the request and in the task worker.

    .venv/bin/python bench/upload_files.py [--mb 8] [--old]

(1) The request. A 300 MB docx bomb (about 0.9 MB on disk) goes through `judging.files.precheck` (type,
extension, the zip directory's declared sizes): time and tracemalloc peak, against the bare baseline of
hashing the same upload bytes once. With --old, also what the request did before (inflating
word/document.xml, as `strip_docx` used to), for comparison; that needs ~600 MB of memory.
(2) The worker. Each rebuilder (judging/files/) on a realistic file of about --mb MB, against the same
bare baseline (one CRC-32 pass over the bytes): time, ratio, MB/s and tracemalloc peak (Python allocations;
lxml and qpdf allocate outside it)."""

import argparse
import io
import os
import resource
import sys
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.test")

import django  # noqa: E402

django.setup()

from judging.files import precheck, strip_docx, strip_mp3, strip_mp4, strip_pdf, strip_wav, strip_webm  # noqa: E402
from tests.bombs import bomb  # noqa: E402
from tests.judging.hostile_files import DOCUMENT, hostile_docx, photo_with_exif  # noqa: E402
from tests.judging.hostile_media import box, ebml, full, mp3_frames  # noqa: E402

MB = 1024 * 1024


def measure(call, repeat: int = 3) -> tuple[float, int]:
    """Best time of `repeat` plain runs, and the tracemalloc peak of one more (tracing slows code down)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    try:
        call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return best, peak


def baseline(data: bytes) -> float:
    return measure(lambda: zlib.crc32(data))[0]


def big_docx(mb: int) -> bytes:
    """The hostile docx with its body repeated and a few photos, to about `mb` MB uncompressed."""
    with zipfile.ZipFile(io.BytesIO(hostile_docx())) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    body_start, body_end = DOCUMENT.index("<w:body>") + 8, DOCUMENT.index("<w:sectPr")
    paragraph = DOCUMENT[body_start:body_end]
    copies = max(1, mb * MB // 2 // len(paragraph.encode()))
    body = "".join(
        paragraph.replace("家乡的变化", f"家乡的变化（第{i}节，{i * 7919 % 100003}）") for i in range(copies)
    )
    members["word/document.xml"] = (DOCUMENT[:body_start] + body + DOCUMENT[body_end:]).encode()
    from PIL import Image

    photo = io.BytesIO()
    Image.effect_noise((1600, 1200), 64).convert("RGB").save(photo, format="JPEG", quality=85)
    members["word/media/image1.jpeg"] = photo.getvalue() if mb > 1 else photo_with_exif()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return out.getvalue()


def big_pdf(mb: int) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    noise = os.urandom(64 * 1024)
    for i in range(max(1, mb * MB // len(noise))):
        content = b"BT /F1 12 Tf 72 720 Td (page %d) Tj ET " % i + b"% " + noise.hex().encode()[: len(noise)]
        page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842], Contents=pdf.make_stream(content))
        pdf.pages.append(pikepdf.Page(pdf.make_indirect(page)))
    pdf.docinfo["/Author"] = "张小明"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def big_mp4(mb: int) -> bytes:
    samples = os.urandom(mb * MB)
    ftyp = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2")
    moov = box(b"moov", full(b"mvhd", bytes(96)) + box(b"udta", box(b"\xa9ART", "张小明".encode())))
    return ftyp + moov + box(b"mdat", samples)


def big_webm(mb: int) -> bytes:
    header = ebml(0x1A45DFA3, ebml(0x4282, b"webm"))
    block = b"\x81\x00\x00\x80" + os.urandom(16 * 1024)
    clusters = b"".join(
        ebml(0x1F43B675, ebml(0xE7, b"\x00") + ebml(0xA3, block) * 16, unknown_size=True)
        for _ in range(max(1, mb * MB // (16 * len(block))))
    )
    tags = ebml(0x1254C36B, ebml(0x7373, ebml(0x67C8, ebml(0x4487, "张小明".encode()))))
    return header + ebml(0x18538067, clusters + tags, unknown_size=True)


def big_wav(mb: int) -> bytes:
    import struct

    samples = os.urandom(mb * MB)
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 2, 44100, 176400, 4, 16)
    body = b"WAVE" + fmt + b"data" + struct.pack("<I", len(samples)) + samples
    return b"RIFF" + struct.pack("<I", len(body)) + body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=8)
    parser.add_argument("--old", action="store_true", help="also time the old in-request inflation")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")

    data = bomb("docx")
    base = baseline(data)
    took, peak = measure(lambda: _refused(data))
    print(f"\n300 MB docx bomb ({len(data) / MB:.2f} MB on disk), in the request")
    print(f"  bare baseline (CRC-32 of the upload): {base * 1000:.2f} ms")
    print(
        f"  precheck (refused, 413):              {took * 1000:.2f} ms  ({took / base:.1f}×)  peak {peak / MB:.2f} MB"
    )
    if args.old:
        took, peak = measure(lambda: zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"), repeat=1)
        print(
            f"  old path (inflate document.xml):      {took * 1000:.0f} ms  ({took / base:.0f}×)  peak {peak / MB:.0f} MB"
        )

    print(f"\nrebuild in the worker, files of about {args.mb} MB")
    print(
        f"  {'format':6} {'size MB':>8} {'bare ms':>8} {'rebuild ms':>11} {'ratio':>7} {'MB/s':>7} {'py peak MB':>11}"
    )
    cases = [
        ("docx", big_docx, strip_docx),
        ("pdf", big_pdf, strip_pdf),
        ("mp3", lambda mb: mp3_frames(mb * MB // 417), strip_mp3),
        ("mp4", big_mp4, strip_mp4),
        ("webm", big_webm, strip_webm),
        ("wav", big_wav, strip_wav),
    ]
    for name, build, rebuild in cases:
        sample = build(args.mb)
        base = baseline(sample)
        took, peak = measure(lambda s=sample, r=rebuild: r(s))
        size = len(sample) / MB
        print(
            f"  {name:6} {size:8.2f} {base * 1000:8.2f} {took * 1000:11.1f} {took / base:7.0f} {size / took:7.1f}"
            f" {peak / MB:11.1f}"
        )
    print(f"\npeak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def _refused(data: bytes) -> None:
    from judging.files import FileRejected

    try:
        precheck(source=data, filename="a.docx", allowed={"docx"}, max_bytes=50 * MB, size=len(data))
    except FileRejected as exc:
        assert exc.status == 413
    else:
        raise AssertionError("the bomb was not refused")


if __name__ == "__main__":
    main()
