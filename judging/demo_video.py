"""A tiny, really playable H.264 MP4 written in pure Python, for demo data (`seed_demo`'s micro-video
entries and playlist) and for tests: no ffmpeg is needed on the machine that seeds.

Every frame is one IDR picture of I_PCM macroblocks (the samples stored raw, no transform or entropy
coding), in the Baseline profile every phone and the WeChat browser decode; the MP4 has its `moov` before
`mdat` so a player can start before the whole file arrived. A coloured background, a square crossing the
picture and a progress bar along the bottom make it visibly a moving video. About 23 KB per frame at the
default 160×96."""

from __future__ import annotations

import struct

# Y, Cb, Cr (video range, never 0, so raw samples cannot fake a start code)
PALETTE = [(82, 90, 240), (145, 54, 34), (41, 240, 110), (170, 166, 16), (107, 202, 222), (120, 80, 180)]
WHITE = (235, 128, 128)


class _Bits:
    """Big-endian bit writer for RBSP syntax (u, ue, se) with byte-aligned raw runs."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def u(self, bits: int, value: int) -> None:
        for shift in range(bits - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> shift) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                self.acc = self.n = 0

    def ue(self, value: int) -> None:
        x = value + 1
        self.u(x.bit_length() - 1, 0)
        self.u(x.bit_length(), x)

    def se(self, value: int) -> None:
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def align_zero(self) -> None:
        while self.n:
            self.u(1, 0)

    def raw(self, data: bytes) -> None:
        assert self.n == 0
        self.out += data

    def trailing(self) -> bytes:
        self.u(1, 1)
        self.align_zero()
        return bytes(self.out)


def _nal(header: int, rbsp: bytes) -> bytes:
    """NAL unit with emulation prevention (0x000000–0x000003 never appear inside)."""
    out = bytearray([header])
    zeros = 0
    for b in rbsp:
        if zeros >= 2 and b <= 3:
            out.append(3)
            zeros = 0
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def _sps(mbs_wide: int, mbs_high: int) -> bytes:
    b = _Bits()
    b.u(8, 66)  # Baseline
    b.u(8, 0xC0)  # constraint_set0/1: decodable by Baseline and Main decoders
    b.u(8, 30)  # level 3.0
    b.ue(0)  # seq_parameter_set_id
    b.ue(0)  # log2_max_frame_num_minus4
    b.ue(2)  # pic_order_cnt_type 2: output order = decoding order
    b.ue(1)  # max_num_ref_frames
    b.u(1, 0)  # gaps_in_frame_num_value_allowed_flag
    b.ue(mbs_wide - 1)
    b.ue(mbs_high - 1)
    b.u(1, 1)  # frame_mbs_only_flag
    b.u(1, 1)  # direct_8x8_inference_flag
    b.u(1, 0)  # frame_cropping_flag
    b.u(1, 0)  # vui_parameters_present_flag
    return _nal(0x67, b.trailing())


def _pps() -> bytes:
    b = _Bits()
    b.ue(0)  # pic_parameter_set_id
    b.ue(0)  # seq_parameter_set_id
    b.u(1, 0)  # entropy_coding_mode_flag: CAVLC
    b.u(1, 0)  # bottom_field_pic_order_in_frame_present_flag
    b.ue(0)  # num_slice_groups_minus1
    b.ue(0)  # num_ref_idx_l0_default_active_minus1
    b.ue(0)  # num_ref_idx_l1_default_active_minus1
    b.u(1, 0)  # weighted_pred_flag
    b.u(2, 0)  # weighted_bipred_idc
    b.se(0)  # pic_init_qp_minus26
    b.se(0)  # pic_init_qs_minus26
    b.se(0)  # chroma_qp_index_offset
    b.u(1, 0)  # deblocking_filter_control_present_flag (PCM macroblocks are never filtered: qP 0)
    b.u(1, 0)  # constrained_intra_pred_flag
    b.u(1, 0)  # redundant_pic_cnt_present_flag
    return _nal(0x68, b.trailing())


def _idr(planes: tuple[list[bytes], list[bytes], list[bytes]], mbs_wide: int, mbs_high: int, idr_id: int) -> bytes:
    luma, cb, cr = planes
    b = _Bits()
    b.ue(0)  # first_mb_in_slice
    b.ue(7)  # slice_type: I (all slices of the picture)
    b.ue(0)  # pic_parameter_set_id
    b.u(4, 0)  # frame_num
    b.ue(idr_id)  # idr_pic_id: differs between consecutive IDR pictures
    b.u(1, 0)  # no_output_of_prior_pics_flag
    b.u(1, 0)  # long_term_reference_flag
    b.se(0)  # slice_qp_delta
    for my in range(mbs_high):
        for mx in range(mbs_wide):
            b.ue(25)  # mb_type I_PCM
            b.align_zero()
            b.raw(b"".join(row[mx * 16 : mx * 16 + 16] for row in luma[my * 16 : my * 16 + 16]))
            for plane in (cb, cr):
                b.raw(b"".join(row[mx * 8 : mx * 8 + 8] for row in plane[my * 8 : my * 8 + 8]))
    return _nal(0x65, b.trailing())


def _frame(width: int, height: int, index: int, count: int, colour: tuple[int, int, int]):
    """Y, Cb, Cr planes (lists of rows): background, a white square moving left to right, progress bar."""
    side = height // 3
    x0 = (width - side) * index // max(count - 1, 1)
    y0 = (height - side) // 2
    bar = width * (index + 1) // count
    planes = []
    for c, (w, h, scale) in enumerate(((width, height, 1), (width // 2, height // 2, 2), (width // 2, height // 2, 2))):
        rows = []
        for y in range(h):
            py = y * scale
            if py >= height - 6:
                split = bar // scale
                rows.append(bytes([WHITE[c]]) * split + bytes([colour[c]]) * (w - split))
            elif y0 <= py < y0 + side:
                a, z = x0 // scale, (x0 + side) // scale
                rows.append(bytes([colour[c]]) * a + bytes([WHITE[c]]) * (z - a) + bytes([colour[c]]) * (w - z))
            else:
                rows.append(bytes([colour[c]]) * w)
        planes.append(rows)
    return tuple(planes)


def _box(kind: bytes, *parts: bytes) -> bytes:
    payload = b"".join(parts)
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _full(kind: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *parts)


MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def _moov(width, height, sps, pps, sizes, delta, chunk_offset) -> bytes:
    timescale = 1000
    duration = delta * len(sizes)
    avcc = _box(
        b"avcC",
        bytes([1, sps[1], sps[2], sps[3], 0xFF, 0xE1]),
        struct.pack(">H", len(sps)),
        sps,
        b"\x01",
        struct.pack(">H", len(pps)),
        pps,
    )
    avc1 = _box(
        b"avc1",
        bytes(6),
        struct.pack(">H", 1),  # data_reference_index
        bytes(16),
        struct.pack(">HHIIIH", width, height, 0x480000, 0x480000, 0, 1),
        bytes(32),  # compressorname
        struct.pack(">Hh", 0x18, -1),
        avcc,
    )
    stbl = _box(
        b"stbl",
        _full(b"stsd", 0, 0, struct.pack(">I", 1), avc1),
        _full(b"stts", 0, 0, struct.pack(">III", 1, len(sizes), delta)),
        _full(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, len(sizes), 1)),
        _full(b"stsz", 0, 0, struct.pack(">II", 0, len(sizes)), b"".join(struct.pack(">I", s) for s in sizes)),
        _full(b"stco", 0, 0, struct.pack(">II", 1, chunk_offset)),
    )
    minf = _box(
        b"minf",
        _full(b"vmhd", 0, 1, bytes(8)),
        _box(b"dinf", _full(b"dref", 0, 0, struct.pack(">I", 1), _full(b"url ", 0, 1))),
        stbl,
    )
    mdia = _box(
        b"mdia",
        _full(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, timescale, duration, 0x55C4, 0)),  # language und
        _full(b"hdlr", 0, 0, bytes(4), b"vide", bytes(12), b"\x00"),
        minf,
    )
    tkhd = _full(
        b"tkhd",
        0,
        3,  # enabled, in movie
        struct.pack(">IIIII", 0, 0, 1, 0, duration),
        bytes(8),
        struct.pack(">hhhH", 0, 0, 0, 0),
        MATRIX,
        struct.pack(">II", width << 16, height << 16),
    )
    mvhd = _full(
        b"mvhd",
        0,
        0,
        struct.pack(">IIIIIH", 0, 0, timescale, duration, 0x10000, 0x100),
        bytes(10),
        MATRIX,
        bytes(24),
        struct.pack(">I", 2),  # next_track_ID
    )
    return _box(b"moov", mvhd, _box(b"trak", tkhd, mdia))


def demo_mp4(*, width: int = 160, height: int = 96, seconds: int = 3, fps: int = 4, variant: int = 0) -> bytes:
    """The MP4 file's bytes. `variant` picks the background colour (so demo videos tell apart)."""
    if width % 16 or height % 16 or not (16 <= width <= 1920 and 16 <= height <= 1088):
        raise ValueError("width and height must be multiples of 16")
    if not (1 <= fps <= 30 and 1 <= seconds <= 60):
        raise ValueError("fps 1–30, seconds 1–60")
    mbs_wide, mbs_high = width // 16, height // 16
    colour = PALETTE[variant % len(PALETTE)]
    count = seconds * fps
    samples = []
    for i in range(count):
        nal = _idr(_frame(width, height, i, count, colour), mbs_wide, mbs_high, i % 2)
        samples.append(struct.pack(">I", len(nal)) + nal)
    sps, pps = _sps(mbs_wide, mbs_high), _pps()
    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2avc1mp41")
    sizes = [len(s) for s in samples]
    delta = 1000 // fps
    placeholder = _moov(width, height, sps, pps, sizes, delta, 0)
    moov = _moov(width, height, sps, pps, sizes, delta, len(ftyp) + len(placeholder) + 8)
    mdat = _box(b"mdat", *samples)
    return ftyp + moov + mdat
