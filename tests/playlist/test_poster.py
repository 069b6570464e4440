"""Poster frames: rebuilt from pixels, checked before decoding, a neutral placeholder otherwise."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.selectors import scope_for
from playlist.errors import MediaRejected
from playlist.media import MAX_BYTES, rebuild_poster
from playlist.services import item_set_poster


def jpeg_with_exif(size=(640, 360)) -> bytes:
    picture = Image.new("RGB", size, (200, 30, 40))
    exif = Image.Exif()
    exif[0x013B] = "张小明"  # Artist
    exif[0x8825] = {2: (32.0, 0.0, 0.0)}  # GPS
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a size; its pixel data is a few bytes (a decompression bomb shape)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def test_metadata_is_dropped_and_the_picture_rebuilt():
    source = jpeg_with_exif()
    assert "张小明".encode() in source or b"secret comment" in source
    out = rebuild_poster(io.BytesIO(source))
    assert b"secret comment" not in out
    picture = Image.open(io.BytesIO(out))
    assert picture.format == "JPEG" and picture.size == (640, 360)
    assert not picture.getexif() and "comment" not in picture.info and "icc_profile" not in picture.info


def test_large_pictures_are_scaled_for_phones():
    out = rebuild_poster(io.BytesIO(jpeg_with_exif((3000, 2000))))
    assert Image.open(io.BytesIO(out)).size == (1280, 853)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png_header_only(20000, 20000), "尺寸过大"),
        (png_header_only(4000, 1000), "长宽比例"),
        (png_header_only(100, 80), "太小"),
        (b"GIF89a" + b"\x00" * 100, "JPEG、PNG 或 WebP"),
        (b"not a picture at all", "无法识别"),
    ],
)
def test_refused_before_any_pixel_is_decoded(monkeypatch, data, message):
    def no_decoding(self, *args, **kwargs):
        raise AssertionError("decoded a picture that should have been refused from its header")

    monkeypatch.setattr("PIL.ImageFile.ImageFile.load", no_decoding)  # the decoder of opened files
    with pytest.raises(MediaRejected, match=message):
        rebuild_poster(io.BytesIO(data))


def test_too_many_bytes_are_refused_unread():
    with pytest.raises(MediaRejected, match="过大"):
        rebuild_poster(io.BytesIO(b"\xff\xd8" + b"\x00" * MAX_BYTES))


@pytest.mark.django_db
def test_uploaded_poster_is_served_and_used(client, world):
    t = world.t
    item_set_poster(
        scope=scope_for(t.city_organiser), item=world.item, upload=SimpleUploadedFile("p.jpg", jpeg_with_exif())
    )
    response = client.get(world.url("poster"))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    html = client.get(f"/playlist/{world.playlist.pk}/").content.decode()
    assert f'poster="{world.url("poster")}"' in html
