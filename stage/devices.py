"""One device per link. A judge seat's or a team's QR link is bound to the first device that opens it —
on the page or straight over the WebSocket — by recording a hash of that device's id: the long-lived
`stage_device` cookie (set by the link page), or `?device=` for a client without cookies. Another
device holding the same link is refused with a Chinese reason until the organiser resets the binding
(logged) or issues a new link."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

DEVICE_COOKIE = "stage_device"
DEVICE_COOKIE_AGE = 180 * 24 * 3600
DEVICE_TAKEN = {
    "judge": _("该评委链接已绑定在另一台设备上。如需更换设备，请联系工作人员解除绑定。"),
    "team": _("该队伍链接已绑定在另一台设备上。如需更换设备，请联系工作人员解除绑定。"),
}
NO_DEVICE = _("无法识别本设备：请用手机浏览器扫码打开链接（需允许保存 Cookie）。")


def new_device_id() -> str:
    return secrets.token_urlsafe(24)


def device_hash(raw: str | None) -> str:
    raw = str(raw or "")[:200]
    return hashlib.sha256(raw.encode()).hexdigest() if raw else ""


def holds(obj, device: str | None) -> bool:
    """This device is the one bound to obj's link (or nothing is bound yet)."""
    return not obj.link_device or obj.link_device == device_hash(device)


def claim(obj, device: str | None, now: datetime) -> bool:
    """True when `device` holds obj's link (a JudgeSeat or a Team): binds it when no device holds the
    link yet. The bind is one conditional UPDATE, so of two devices opening a fresh link at once exactly
    one wins."""
    mine = device_hash(device)
    if not mine:
        return False
    if obj.link_device:
        return obj.link_device == mine
    model = type(obj)
    won = model.objects.filter(pk=obj.pk, link_hash=obj.link_hash, link_device="").update(
        link_device=mine, link_used_at=Coalesce(F("link_used_at"), now)
    )
    if won:
        obj.link_device = mine
        return True
    return model.objects.filter(pk=obj.pk, link_device=mine).exists()


def device_from_scope(scope, query: dict) -> str | None:
    """The device id of a WebSocket client: `?device=` or the cookie (channels' CookieMiddleware)."""
    return (query.get("device") or [None])[0] or (scope.get("cookies") or {}).get(DEVICE_COOKIE)


def remember_device(request, response, device: str) -> None:
    """Keep the device id on the phone (only set when it is new)."""
    if request.COOKIES.get(DEVICE_COOKIE) != device:
        from django.conf import settings

        response.set_cookie(
            DEVICE_COOKIE,
            device,
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
        )
