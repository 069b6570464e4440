"""PDF, MP3, MP4, WebM and WAV works that hide their author in every place the issue lists and more,
built byte by byte so each hiding place is deliberate. Each builder returns (file, what must survive)."""

from __future__ import annotations

import io
import struct

from .hostile_files import PDF_TEXT, photo_with_exif
from .identity import EMAIL, NAME, SCHOOL, USERNAME

# --- pdf ----------------------------------------------------------------------------------------------


def hostile_pdf() -> bytes:
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    pdf = pikepdf.new()
    xmp = (
        f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{NAME}</dc:creator>'
        f"<dc:rights>&#24352;&#23567;&#26126;</dc:rights><pdf:Author xmlns:pdf='p'>{USERNAME}</pdf:Author>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    image = pikepdf.Stream(pdf, b"\xff\x00\x00" * 4)
    image.stream_dict = Dictionary(
        Type=Name.XObject, Subtype=Name.Image, Width=2, Height=2, ColorSpace=Name.DeviceRGB, BitsPerComponent=8
    )
    image.Metadata = pikepdf.Stream(pdf, xmp)
    form = pikepdf.Stream(pdf, b"0 0 1 rg 0 0 10 10 re f")
    form.stream_dict = Dictionary(Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, 10, 10]))
    form.PieceInfo = Dictionary(Illustrator=Dictionary(Private=String(f"{USERNAME} {EMAIL}")))
    fields = Array()
    for number in (1, 2):
        content = b"BT /F1 24 Tf 72 720 Td (" + PDF_TEXT + b" " + str(number).encode() + b") Tj ET /Im1 Do /Fm1 Do"
        page = Dictionary(
            Type=Name.Page,
            MediaBox=Array([0, 0, 595, 842]),
            Contents=pdf.make_stream(content),
            Resources=Dictionary(Font=Dictionary(F1=font), XObject=Dictionary(Im1=image, Fm1=form)),
            Metadata=pdf.make_stream(xmp),
            PieceInfo=Dictionary(WPS=Dictionary(Private=String(NAME), LastModified=String("D:20260501"))),
            Thumb=pdf.make_stream(NAME.encode("utf-16-be")),
            AA=Dictionary(O=Dictionary(S=Name.JavaScript, JS=String(f"app.alert('{USERNAME}')"))),
        )
        page.Annots = Array(
            [
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Text,
                    Rect=Array([10, 10, 30, 30]),
                    T=String(NAME),
                    Contents=String(f"{SCHOOL} {EMAIL}"),
                    Popup=Dictionary(Type=Name.Annot, Subtype=Name.Popup, T=String(USERNAME)),
                ),
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.FreeText,
                    Rect=Array([40, 40, 90, 60]),
                    T=String(USERNAME),
                    Contents=String(NAME),
                ),
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Link,
                    Rect=Array([100, 100, 200, 120]),
                    A=Dictionary(S=Name.URI, URI=String("https://www.example.org/report")),
                ),
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Link,
                    Rect=Array([100, 130, 200, 150]),
                    A=Dictionary(S=Name.URI, URI=String(f"file:///C:/Users/{USERNAME}/a.pdf")),
                ),
                pdf.make_indirect(
                    Dictionary(
                        Type=Name.Annot,
                        Subtype=Name.Widget,
                        Rect=Array([100, 160, 200, 180]),
                        FT=Name.Tx,
                        T=String(f"姓名{number}"),
                        V=String(NAME),
                    )
                ),
            ]
        )
        fields.append(page.Annots[-1])
        pdf.pages.append(pikepdf.Page(pdf.make_indirect(page)))
    pdf.Root.Metadata = pdf.make_stream(xmp)
    pdf.Root.Outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, Title=String(NAME), Count=0))
    pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=String(f"app.alert('{EMAIL}')"))
    attachment = pdf.make_stream(f"{NAME},{SCHOOL},{EMAIL}".encode("gb18030"))
    pdf.Root.Names = Dictionary(
        EmbeddedFiles=Dictionary(
            Names=Array(
                [String("名单.csv"), Dictionary(Type=Name.Filespec, F=String("a.csv"), EF=Dictionary(F=attachment))]
            )
        )
    )
    pdf.Root.AcroForm = Dictionary(Fields=fields, DA=String(USERNAME))
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [NAME]
    pdf.docinfo["/Author"] = String(NAME)
    pdf.docinfo["/Creator"] = String(f"WPS {USERNAME}")
    pdf.docinfo["/Title"] = String(SCHOOL)
    pdf.docinfo["/Subject"] = String(EMAIL)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


# --- mp3 ----------------------------------------------------------------------------------------------

MP3_FRAME_COUNT = 12


def mp3_frames(count: int = MP3_FRAME_COUNT) -> bytes:
    """MPEG-1 layer III, 128 kbit/s, 44.1 kHz frames (417 bytes each), payload without sync bytes."""
    return b"".join(b"\xff\xfb\x90\x00" + bytes([i % 200 + 1]) * 413 for i in range(count))


def _syncsafe(n: int) -> bytes:
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])


def _id3v23(frames: list[tuple[bytes, bytes]]) -> bytes:
    body = b"".join(fid + struct.pack(">I", len(data)) + b"\x00\x00" + data for fid, data in frames)
    return b"ID3\x03\x00\x00" + _syncsafe(len(body)) + body


def _id3v24_with_footer(frames: list[tuple[bytes, bytes]]) -> bytes:
    body = b"".join(fid + _syncsafe(len(data)) + b"\x00\x00" + data for fid, data in frames)
    return b"ID3\x04\x00\x10" + _syncsafe(len(body)) + body + b"3DI\x04\x00\x10" + _syncsafe(len(body))


def _apev2(items: dict[str, str]) -> bytes:
    body = b"".join(
        struct.pack("<II", len(v.encode()), 0) + k.encode() + b"\x00" + v.encode() for k, v in items.items()
    )
    size = len(body) + 32

    def block(flags: int) -> bytes:
        return b"APETAGEX" + struct.pack("<IIII", 2000, size, len(items), flags) + bytes(8)

    return block(0xA0000000) + body + block(0x80000000)


def hostile_mp3() -> tuple[bytes, bytes]:
    cover = photo_with_exif()  # a JPEG full of 0xFF bytes, inside a tag
    leading = _id3v23(
        [
            (b"TPE1", b"\x01" + f"\ufeff{NAME}".encode("utf-16-le")),
            (b"TXXX", b"\x03school\x00" + SCHOOL.encode()),
            (b"COMM", b"\x00chi\x00" + EMAIL.encode()),
            (b"APIC", b"\x00image/jpeg\x00\x03\x00" + cover),
        ]
    )
    trailing_id3 = _id3v24_with_footer(
        [(b"TPE1", b"\x03" + NAME.encode()), (b"APIC", b"\x00image/jpeg\x00\x03\x00" + cover)]
    )
    ape = _apev2({"Artist": NAME, "Comment": f"{USERNAME} {EMAIL}"})
    lyrics_fields = b"IND00002" + b"10" + b"EAR" + b"%05d" % len(USERNAME) + USERNAME.encode()
    lyrics = b"LYRICSBEGIN" + lyrics_fields + b"%06d" % (11 + len(lyrics_fields)) + b"LYRICS200"
    v1 = b"TAG" + NAME.encode("gb18030").ljust(30, b"\x00") + SCHOOL.encode("gb18030").ljust(30, b"\x00")
    v1 = v1.ljust(127, b"\x00") + b"\x0c"
    audio = mp3_frames()
    return leading + audio + trailing_id3 + ape + lyrics + v1, audio


# --- mp4 ----------------------------------------------------------------------------------------------


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def full(kind: bytes, payload: bytes, version: int = 0) -> bytes:
    return box(kind, bytes([version, 0, 0, 0]) + payload)


VIDEO_SAMPLES = b"VIDEO-SAMPLE-ONE" + b"VIDEO-SAMPLE-TWO"
GPS_SAMPLE = f"GPS 32.0N 120.8E {EMAIL} {NAME}".encode().ljust(64, b" ")


def _trak(handler: bytes, name: str, offset: int, sizes: list[int]) -> bytes:
    stsd_entry = box(b"avc1", bytes(6) + b"\x00\x01" + bytes(16) + b"\x00\x10\x00\x10" + bytes(14) + bytes([13])
                     + USERNAME.encode().ljust(31, b"\x00") + b"\x00\x18\xff\xff")  # fmt: skip
    stbl = box(
        b"stbl",
        full(b"stsd", struct.pack(">I", 1) + stsd_entry)
        + full(b"stts", struct.pack(">III", 1, len(sizes), 512))
        + full(b"stsc", struct.pack(">IIII", 1, 1, len(sizes), 1))
        + full(b"stsz", struct.pack(">II", 0, len(sizes)) + b"".join(struct.pack(">I", s) for s in sizes))
        + full(b"stco", struct.pack(">II", 1, offset)),
    )
    location = f"file:///C:/Users/{USERNAME}/{NAME}.mov".encode()
    dinf = box(b"dinf", full(b"dref", struct.pack(">I", 1) + full(b"url ", location)))
    hdlr = full(b"hdlr", bytes(4) + handler + bytes(12) + name.encode() + b"\x00")
    mdhd = full(b"mdhd", struct.pack(">IIII", 3_800_000_000, 3_800_000_001, 1000, 2000) + bytes(4))
    minf = box(b"minf", full(b"vmhd", bytes(8)) + dinf + stbl)
    tkhd = full(b"tkhd", struct.pack(">III", 3_800_000_000, 3_800_000_001, 1) + bytes(68))
    udta = box(b"udta", box(b"\xa9nam", NAME.encode()))
    return box(b"trak", tkhd + box(b"mdia", mdhd + hdlr + minf) + udta)


def hostile_mp4() -> tuple[bytes, dict]:
    ftyp = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2avc1mp41")
    leftover = box(b"free", f"{USERNAME} {SCHOOL}".encode())

    def build(video_offset: int, gps_offset: int) -> bytes:
        mvhd = full(b"mvhd", struct.pack(">IIII", 3_800_000_000, 3_800_000_001, 1000, 2000) + bytes(80))
        meta = full(b"meta", full(b"hdlr", bytes(4) + b"mdir" + bytes(13))
                    + box(b"ilst", box(b"\xa9ART", box(b"data", bytes(8) + NAME.encode()))))  # fmt: skip
        xmp = box(
            b"uuid", bytes.fromhex("be7acfcb97a942e89c71999491e3afac") + f"<dc:creator>{NAME}</dc:creator>".encode()
        )
        udta = box(b"udta", box(b"\xa9ART", EMAIL.encode()) + box(b"\xa9xyz", b"+32.0+120.8/") + meta)
        return box(
            b"moov",
            mvhd
            + _trak(b"vide", f"{NAME}的视频", video_offset, [16, 16])
            + _trak(b"meta", "GoPro MET", gps_offset, [len(GPS_SAMPLE)])
            + udta
            + xmp,
        )

    moov = build(0, 0)
    mdat_body = len(ftyp) + len(moov) + len(leftover) + 8
    moov = build(mdat_body, mdat_body + len(VIDEO_SAMPLES))
    mdat = box(b"mdat", VIDEO_SAMPLES + GPS_SAMPLE + f"unreferenced {SCHOOL}".encode("utf-16-le"))
    trailer = box(b"uuid", bytes(16) + f"<xmp>{USERNAME}</xmp>".encode()) + box(b"meta", NAME.encode("utf-16-be"))
    data = ftyp + moov + leftover + mdat + trailer + b"junk " + EMAIL.encode()
    return data, {"video_offset": mdat_body, "gps_offset": mdat_body + len(VIDEO_SAMPLES)}


# --- webm ---------------------------------------------------------------------------------------------


def ebml(elem_id: int, payload: bytes, *, unknown_size: bool = False) -> bytes:
    id_bytes = elem_id.to_bytes((elem_id.bit_length() + 7) // 8, "big")
    if unknown_size:
        return id_bytes + b"\x01\xff\xff\xff\xff\xff\xff\xff" + payload
    return id_bytes + (len(payload) | (1 << 56)).to_bytes(8, "big") + payload


WEBM_BLOCKS = [b"\x81\x00\x00\x80" + b"FRAME-ONE-" * 8, b"\x81\x00\x21\x00" + b"FRAME-TWO-" * 8]


def hostile_webm() -> tuple[bytes, list[bytes]]:
    header = ebml(0x1A45DFA3, ebml(0x4282, b"webm") + ebml(0x4287, b"\x04"))
    info = ebml(
        0x1549A966,
        ebml(0x2AD7B1, b"\x0f\x42\x40")
        + ebml(0x4D80, f"{USERNAME}-recorder".encode())
        + ebml(0x5741, NAME.encode())
        + ebml(0x7BA9, SCHOOL.encode())
        + ebml(0x73A4, EMAIL.encode()[:16]),
    )
    track = ebml(
        0xAE,
        ebml(0xD7, b"\x01") + ebml(0x83, b"\x01") + ebml(0x86, b"V_VP8") + ebml(0x536E, f"{NAME}的摄像头".encode())
        + ebml(0x258688, USERNAME.encode()) + ebml(0xE0, ebml(0xB0, b"\x10") + ebml(0xBA, b"\x10")),
    )  # fmt: skip
    clusters = b"".join(
        ebml(0x1F43B675, ebml(0xE7, bytes([i])) + ebml(0xA3, block), unknown_size=True)
        for i, block in enumerate(WEBM_BLOCKS)
    )
    tags = ebml(0x1254C36B, ebml(0x7373, ebml(0x67C8, ebml(0x45A3, b"ARTIST") + ebml(0x4487, NAME.encode()))))
    attachments = ebml(
        0x1941A469, ebml(0x61A7, ebml(0x466E, f"{NAME}.jpg".encode()) + ebml(0x465C, EMAIL.encode("utf-16-le")))
    )
    chapters = ebml(0x1043A770, ebml(0x45B9, ebml(0xB6, ebml(0x80, ebml(0x85, SCHOOL.encode())))))
    void = ebml(0xEC, f"leftover {USERNAME}".encode())
    segment = ebml(0x18538067, info + void + ebml(0x1654AE6B, track) + clusters + tags + attachments + chapters,
                   unknown_size=True)  # fmt: skip
    return header + segment, WEBM_BLOCKS


# --- wav ----------------------------------------------------------------------------------------------


def _chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) & 1 else b"")


def hostile_wav() -> tuple[bytes, bytes, bytes]:
    fmt = _chunk(b"fmt ", struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16))
    samples = bytes(range(256)) * 8
    info = b"INFO" + _chunk(b"IART", NAME.encode() + b"\x00") + _chunk(b"ICMT", EMAIL.encode() + b"\x00")
    bext = _chunk(b"bext", f"{SCHOOL}".encode("gb18030").ljust(256, b"\x00") + USERNAME.encode().ljust(32, b"\x00"))
    body = (
        b"WAVE"
        + fmt
        + _chunk(b"LIST", info)
        + bext
        + _chunk(b"iXML", f"<BWFXML><USER>{USERNAME}</USER></BWFXML>".encode())
        + _chunk(b"data", samples)
        + _chunk(b"id3 ", _id3v23([(b"TPE1", b"\x03" + NAME.encode())]))
        + _chunk(b"LIST", b"adtl" + _chunk(b"labl", b"\x01\x00\x00\x00" + EMAIL.encode()))
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body, fmt, samples
