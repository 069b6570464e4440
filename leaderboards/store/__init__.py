"""Board stores: Redis sorted sets when REDIS_URL is set, an in-process equivalent otherwise."""

import os
from functools import lru_cache

from django.conf import settings

from .base import (  # noqa: F401
    DISTRICT,
    FROZEN,
    INDIVIDUAL,
    LIVE,
    SCHOOL,
    SCOPES,
    BoardNotBuilt,
    BoardRow,
    BoardStore,
    BoardView,
)


def key_prefix() -> str:
    """Namespace of every key and pub/sub channel; tests and parallel deployments set their own."""
    return getattr(settings, "LEADERBOARD_PREFIX", None) or os.environ.get("LEADERBOARD_PREFIX") or "lb"


def redis_url() -> str:
    return getattr(settings, "REDIS_URL", "") or ""


def notify_channel() -> str:
    return f"{key_prefix()}:notify"


def get_store() -> BoardStore:
    url = redis_url()
    if url:
        return _redis_store(key_prefix(), url)
    from .memory import MemoryStore

    return MemoryStore(key_prefix())


@lru_cache(maxsize=32)
def _redis_store(prefix: str, url: str) -> BoardStore:
    from .redis import RedisStore

    return RedisStore(prefix, url)
