"""The author's identity as a hostile fixture hides it, and a search for it in every encoding a file
format might use: UTF-8, UTF-16LE/BE, GB18030, XML character references, PDF hex strings and octal
escapes; inside zip members and decoded PDF streams too."""

from __future__ import annotations

import io
import zipfile

NAME = "张小明"
USERNAME = "zhangxiaoming"
SCHOOL = "通州区实验小学"
EMAIL = "zxm2026@example.com"
IDENTITY = (NAME, USERNAME, SCHOOL, EMAIL)


def _pdf_octal(data: bytes) -> bytes:
    return b"".join(b"\\%03o" % b if b >= 0x80 else bytes([b]) for b in data)


def needles(text: str) -> set[bytes]:
    """Byte patterns that would reveal `text`."""
    found = set()
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "gb18030"):
        raw = text.encode(encoding)
        found.add(raw)
        if text.isascii():
            found.add(text.upper().encode(encoding))
        found.add(raw.hex().encode())
        found.add(raw.hex().upper().encode())
    found.add(_pdf_octal(text.encode("utf-8")))
    found.add(_pdf_octal(text.encode("utf-16-be")))
    if not text.isascii():
        found.add("".join(f"&#{ord(c)};" for c in text).encode())
        found.add("".join(f"&#x{ord(c):X};" for c in text).encode())
        found.add("".join(f"&#x{ord(c):x};" for c in text).encode())
    return found


def expand(blob: bytes) -> list[bytes]:
    """The blob and every layer a reader would decode: zip members (recursively), PDF streams."""
    layers = [blob]
    if blob.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as zf:
                layers.append(zf.comment)
                for info in zf.infolist():
                    layers.append(info.filename.encode("utf-8", "replace") + info.extra)
                    layers.extend(expand(zf.read(info)))
        except zipfile.BadZipFile:
            pass
    if blob.startswith(b"%PDF"):
        import pikepdf

        with pikepdf.open(io.BytesIO(blob)) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    try:
                        layers.append(obj.read_bytes())
                    except pikepdf.PdfError:
                        layers.append(obj.read_raw_bytes())
                    layers.append(repr(obj.stream_dict).encode())
                elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array | pikepdf.String):
                    layers.append(repr(obj).encode("utf-8"))
    return layers


def leaks(blob: bytes, identity=IDENTITY) -> list[str]:
    """What of `identity` can be found in `blob`, in any encoding and layer. Empty means none."""
    layers = expand(blob)
    found = []
    for text in identity:
        for needle in needles(text):
            if any(needle in layer for layer in layers):
                found.append(f"{text!r} as {needle[:40]!r}")
                break
    return found
