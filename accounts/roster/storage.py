"""The parsed preview and the credentials, kept between requests for the importing user only."""

from __future__ import annotations

import secrets

from django.core.cache import cache

from ..models import Organization, User
from ..selectors import scope_for
from .checking import _check_rows, _check_school_choice
from .rows import PREVIEW_TTL, RosterExpired, RosterFileError, RosterPreview, RosterRow

# --- preview storage between upload and confirm ----------------------------------------------------------


def _preview_key(token: str) -> str:
    return f"roster:preview:{token}"


def _credentials_key(token: str) -> str:
    return f"roster:credentials:{token}"


def roster_preview_store(*, user: User, preview: RosterPreview) -> str:
    """Keep the parsed rows server-side under a random token bound to `user`; returns the token."""
    token = secrets.token_urlsafe(24)
    cache.set(
        _preview_key(token),
        {"user_id": user.pk, "school_id": preview.school_id, "rows": [r.raw() for r in preview.rows]},
        PREVIEW_TTL,
    )
    preview.token = token
    return token


def roster_preview_load(*, user: User, token: str) -> RosterPreview:
    """The stored rows checked again against the database as it is now. Raises RosterExpired."""
    stored = cache.get(_preview_key(token))
    if not stored or stored.get("user_id") != user.pk:
        raise RosterExpired
    school = None
    if stored["school_id"]:
        school = Organization.objects.filter(pk=stored["school_id"]).first()
        if school is None:
            raise RosterExpired
    scope = scope_for(user)
    try:
        _check_school_choice(scope, school)
    except RosterFileError as exc:
        raise RosterExpired from exc
    rows = [RosterRow(**raw) for raw in stored["rows"]]
    preview = _check_rows(scope=scope, rows=rows, school=school)
    preview.token = token
    return preview


def roster_preview_discard(*, token: str) -> None:
    cache.delete(_preview_key(token))
