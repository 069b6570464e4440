"""Issue and resolve API bearer tokens (shared by the JSON API and WebSocket consumers)."""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from .models import ApiToken, Role, User
from .permissions import request_scope

TOKEN_LIFETIME = timedelta(days=7)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(*, user: User) -> str:
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_hash(raw), expires_at=timezone.now() + TOKEN_LIFETIME)
    return raw


def token_user(raw: str | None) -> User | None:
    """The active user a token belongs to, or None for unknown, expired or inactive."""
    if not raw or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(raw), expires_at__gt=timezone.now()).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


async def atoken_user(raw: str | None) -> User | None:
    from asgiref.sync import sync_to_async

    return await sync_to_async(token_user)(raw)


# Pages that call the API with a bearer token (the contest paper's autosave) keep it under this session
# key; logging out revokes it, so a token copied from a page dies with the session.
PAGE_TOKEN_SESSION_KEY = "contest_api_token"  # noqa: S105 - a session key name, not a secret


def page_token(request) -> str:
    """A bearer token for a page's own API saves (contest autosave, reading progress), kept server-side in
    the session and reused while valid, so pages take the same lean save paths as mobile clients."""
    raw = request.session.get(PAGE_TOKEN_SESSION_KEY)
    if not raw or not _token_valid_for(raw, request.user):
        raw = token_issue(user=request.user)
        request.session[PAGE_TOKEN_SESSION_KEY] = raw
    return raw


def page_token_at_login(request) -> None:
    """Give a student the page token with the login, whose session write carries it: the contest paper
    opened at the bell then only checks it, instead of inserting a token and writing the session while
    the whole school starts. Accounts that must first change their password get theirs with the change
    (which revokes every token, and writes the session too)."""
    user = request.user
    if user.is_authenticated and not user.must_change_password and Role.STUDENT in request_scope(request).roles:
        page_token(request)


def _token_valid_for(raw: str, user: User) -> bool:
    """token_user(raw) == user, for a user already authenticated (so active): one indexed read, no join."""
    return ApiToken.objects.filter(key_hash=_hash(raw), user_id=user.pk, expires_at__gt=timezone.now()).exists()


def token_revoke(raw: str | None) -> None:
    if raw:
        ApiToken.objects.filter(key_hash=_hash(raw)).delete()


def revoke_page_token_on_logout(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        token_revoke(session.get(PAGE_TOKEN_SESSION_KEY))
