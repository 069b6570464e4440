"""Poster frames: an uploaded picture is rebuilt from its pixels (Pillow) into a phone-sized JPEG, so EXIF
(GPS, camera serial, the author's name), XMP, comments and ICC profiles never reach the public. Byte size,
pixel count and aspect ratio are checked from the header before anything is decoded."""

from __future__ import annotations

import io
import warnings

from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from .errors import MediaRejected

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MIN_SIDE = 120
MAX_RATIO = 3.0  # long side / short side: posters are 16:9, 4:3, 9:16 or square
OUTPUT_MAX_SIDE = 1280
FORMATS = {"JPEG", "PNG", "WEBP"}


def _read_limited(upload) -> bytes:
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise MediaRejected(_("封面图片过大（超过 %(mb)d MB）。") % {"mb": MAX_BYTES // (1024 * 1024)})
    return data


def rebuild_poster(upload) -> bytes:
    """JPEG bytes of the uploaded poster, or MediaRejected with a Chinese reason."""
    data = _read_limited(upload)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # reads the header only, and only with the three parsers we accept
            source = Image.open(io.BytesIO(data), formats=sorted(FORMATS))
            if source.format not in FORMATS:
                raise MediaRejected(_("封面只接受 JPEG、PNG 或 WebP 图片。"))
            width, height = source.size
            if width * height > MAX_PIXELS:
                raise MediaRejected(_("封面图片尺寸过大（超过 %(mp)d 百万像素）。") % {"mp": MAX_PIXELS // 1_000_000})
            if min(width, height) < MIN_SIDE:
                raise MediaRejected(_("封面图片太小（短边至少 %(px)d 像素）。") % {"px": MIN_SIDE})
            if max(width, height) > MAX_RATIO * min(width, height):
                raise MediaRejected(_("封面图片的长宽比例过于悬殊（不超过 3:1）。"))
            picture = ImageOps.exif_transpose(source)  # keep the orientation the camera meant
            if picture.mode in ("RGBA", "LA", "P"):
                picture = picture.convert("RGBA")
                flat = Image.new("RGB", picture.size, (255, 255, 255))
                flat.paste(picture, mask=picture.getchannel("A"))
                picture = flat
            elif picture.mode != "RGB":
                picture = picture.convert("RGB")
            picture.thumbnail((OUTPUT_MAX_SIDE, OUTPUT_MAX_SIDE))
            picture.info = {}
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=85, optimize=True, icc_profile=None)
            return out.getvalue()
    except MediaRejected:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise MediaRejected(_("封面图片尺寸过大。")) from exc
    except (OSError, ValueError, SyntaxError, EOFError, KeyError, IndexError, TypeError) as exc:
        raise MediaRejected(_("无法识别的图片文件，请上传 JPEG、PNG 或 WebP 图片。")) from exc
