"""Pictures rebuilt from their pixels (Pillow): EXIF (artist, GPS, camera serial), XMP, IPTC, comments
and ICC profiles do not survive, because only decoded pixels are written back."""

from __future__ import annotations

import io
import warnings

from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from .errors import FileRejected

# 50 megapixels covers phone photos (48 MP sensors) and keeps one decoded picture under ~200 MB.
MAX_PIXELS = 50_000_000
REENCODED = {"JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP"}


def placeholder_png() -> bytes:
    """A 1×1 transparent picture standing in for a format we cannot rebuild (EMF, WMF, SVG…)."""
    out = io.BytesIO()
    Image.new("RGBA", (1, 1), (0, 0, 0, 0)).save(out, format="PNG")
    return out.getvalue()


def image_rebuild(data: bytes) -> tuple[bytes, str]:
    """Return (bytes, content type): JPEG stays JPEG, other raster formats become PNG, anything else
    becomes a transparent placeholder. Raises FileRejected for pictures too large to decode safely."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            source = Image.open(io.BytesIO(data))
            if source.format not in REENCODED:
                return placeholder_png(), "image/png"
            width, height = source.size
            if width * height > MAX_PIXELS:
                raise FileRejected(
                    _("文档中的图片尺寸过大（超过 %(mp)s 百万像素），请压缩图片后再上传。")
                    % {"mp": MAX_PIXELS // 1_000_000}
                )
            fmt = "JPEG" if source.format == "JPEG" else "PNG"
            picture = ImageOps.exif_transpose(source)  # keep what the camera's orientation tag showed
            if fmt == "JPEG" and picture.mode not in ("L", "RGB", "CMYK"):
                picture = picture.convert("RGB")
            elif fmt == "PNG" and picture.mode not in ("1", "L", "LA", "RGB", "RGBA"):
                picture = picture.convert("RGBA")
            picture.info = {}
            out = io.BytesIO()
            if fmt == "JPEG":
                picture.save(out, format="JPEG", quality=90, icc_profile=None)
                return out.getvalue(), "image/jpeg"
            picture.save(out, format="PNG", icc_profile=None)
            return out.getvalue(), "image/png"
    except FileRejected:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise FileRejected(_("文档中的图片尺寸过大，请压缩图片后再上传。")) from exc
    except (OSError, ValueError, SyntaxError, EOFError, KeyError, IndexError, TypeError):
        # a picture Pillow cannot decode is not shown to judges rather than passed on unread
        return placeholder_png(), "image/png"
