"""Who is watching, for view counts: never stored in the clear.

A signed-in user is themselves. Anyone else carries a random, signed `pv` cookie set on their first
play; the cookie can be thrown away, so such viewers are also capped per client address (core.clientip,
the one rule for addresses behind proxies). Both keys are HMACs salted with the day."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import get_random_string, salted_hmac

from core.clientip import request_client_ip

COOKIE = "pv"
COOKIE_SALT = "playlist.viewer"
COOKIE_MAX_AGE = 365 * 24 * 3600


def _hash(kind: str, value: str, day) -> str:
    return salted_hmac(f"playlist.{kind}", f"{day.isoformat()}|{value}").hexdigest()[:40]


def viewer_keys(request, now=None) -> tuple[str, str, bool, str | None]:
    """(viewer hash, address hash, capped, new cookie value to set or None)."""
    day = timezone.localdate(now or timezone.now())
    address = _hash("address", request_client_ip(request), day)
    if request.user.is_authenticated:
        return _hash("viewer", f"u:{request.user.pk}", day), address, False, None
    token = request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT)
    fresh = None
    if not token:
        token = fresh = get_random_string(24)
    return _hash("viewer", f"c:{token}", day), address, True, fresh


def set_viewer_cookie(response, token: str) -> None:
    response.set_signed_cookie(
        COOKIE,
        token,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
