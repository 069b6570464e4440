"""Certificate codes: deterministic, unguessable, typed in by hand on the public verification page."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are typed in by hand
CODE_LENGTH = 12


def certificate_code_for(*, template_id: int, holder_id: int, kind: str) -> str:
    """Deterministic, unguessable code: an HMAC of (template, holder, kind) under SECRET_KEY. The row
    stores it, so regenerating — even after the row was deleted — yields the same code."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"certificate:{template_id}:{holder_id}:{kind}".encode(), hashlib.sha256
    ).digest()
    n = int.from_bytes(digest[:10], "big")
    chars = []
    for _i in range(CODE_LENGTH):
        n, r = divmod(n, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[r])
    raw = "".join(chars)
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalize_code(code: str) -> str:
    """Accept codes typed in lower case or without dashes; anything else normalises to ""."""
    raw = "".join(ch for ch in (code or "").upper() if ch.isascii() and ch.isalnum())
    if len(raw) != CODE_LENGTH:
        return ""
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


# --- templates ---------------------------------------------------------------------------------
