"""A student's family key: siblings share it, so a family gets one printed voting code (honours), not one
per child. It comes from the roster's optional columns 家庭编号 (a number the school assigns; it means
something only within that school) or 家长手机 (the guardian's mobile, which also links siblings at two
schools); the phone wins when a row has both. Only a keyed hash is stored — HMAC-SHA256 under a key derived
from SECRET_KEY over the normalised digits — never the phone or the number, so a database dump alone does
not reveal a guardian's phone. If SECRET_KEY changes, keys stored before no longer match new ones:
re-import the roster's family columns."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from django.conf import settings

from .validators import normalise_phone

FAMILY_NO_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def _key() -> bytes:
    return hashlib.sha256(b"quizsite.family-key:" + settings.SECRET_KEY.encode()).digest()


def normalise_family_no(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").replace(" ", "").upper()


def family_key(*, guardian_phone: str = "", family_no: str = "", school_id: int | None = None) -> str | None:
    """The key siblings share, or None when the row has neither column (that student's family then gets a
    code of its own). `guardian_phone` must already be a valid mainland mobile number."""
    if guardian_phone:
        material = "phone:" + normalise_phone(guardian_phone)
    elif family_no and school_id:
        material = f"family:{school_id}:{normalise_family_no(family_no)}"
    else:
        return None
    return hmac.new(_key(), material.encode(), hashlib.sha256).hexdigest()
