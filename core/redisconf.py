"""One way to reach Redis for every part of the platform: a plain REDIS_URL, or Redis Sentinel.

    REDIS_URL=redis://:password@ignored:6379/3          (db number and password are used)
    REDIS_SENTINELS=10.0.0.5:26379,10.0.0.6:26379,10.0.0.7:26379
    REDIS_SENTINEL_MASTER=quizsite

With REDIS_SENTINELS set, the host and port of REDIS_URL are ignored: every client asks the sentinels
for the current primary and asks again after a failover (redis-py's SentinelConnectionPool). The
channel layer (channels_redis), the cache (Django's RedisCache) and the leaderboard store, its
notifications and the stage quiz hub all go through the helpers here, so one setting moves them all."""

from __future__ import annotations

import os
from dataclasses import dataclass

from redis.connection import parse_url
from redis.sentinel import Sentinel, SentinelConnectionPool


@dataclass(frozen=True)
class SentinelConfig:
    sentinels: tuple[tuple[str, int], ...]
    master: str


def parse_sentinels(value: str) -> tuple[tuple[str, int], ...]:
    """ "h1:26379,h2:26379" → ((h1, 26379), (h2, 26379)); a bad entry is a clear startup error."""
    out = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        host, sep, port = item.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ValueError(f"REDIS_SENTINELS: expected host:port, got {item!r}")
        out.append((host.strip("[]"), int(port)))
    return tuple(out)


def sentinel_config(environ=None) -> SentinelConfig | None:
    env = os.environ if environ is None else environ
    raw = env.get("REDIS_SENTINELS", "").strip()
    if not raw:
        return None
    master = env.get("REDIS_SENTINEL_MASTER", "").strip()
    if not master:
        raise ValueError("REDIS_SENTINELS is set but REDIS_SENTINEL_MASTER (the monitored name) is not")
    return SentinelConfig(parse_sentinels(raw), master)


def _url_options(url: str) -> dict:
    """What a Sentinel-discovered connection keeps from REDIS_URL: db, credentials, TLS."""
    options = parse_url(url) if url else {}
    for ignored in ("host", "port", "path", "connection_class"):
        options.pop(ignored, None)
    return options


FROM_SETTINGS = object()


def configured_sentinel() -> SentinelConfig | None:
    from django.conf import settings

    return getattr(settings, "REDIS_SENTINEL", None)


def sync_client(url: str, *, sentinel=FROM_SETTINGS, **kwargs):
    import redis

    if sentinel is FROM_SETTINGS:
        sentinel = configured_sentinel()
    if sentinel is None:
        return redis.Redis.from_url(url, **kwargs)
    return Sentinel(list(sentinel.sentinels)).master_for(sentinel.master, **{**_url_options(url), **kwargs})


def async_client(url: str, *, sentinel=FROM_SETTINGS, **kwargs):
    import redis.asyncio as aioredis
    from redis.asyncio.sentinel import Sentinel

    if sentinel is FROM_SETTINGS:
        sentinel = configured_sentinel()
    if sentinel is None:
        return aioredis.Redis.from_url(url, **kwargs)
    return Sentinel(list(sentinel.sentinels)).master_for(sentinel.master, **{**_url_options(url), **kwargs})


def channel_layer_host(url: str, sentinel: SentinelConfig | None) -> str | dict:
    """One entry of channels_redis' CONFIG["hosts"]: the URL, or its sentinel form."""
    if sentinel is None:
        return url
    return {"sentinels": list(sentinel.sentinels), "master_name": sentinel.master, **_url_options(url)}


def cache_options(sentinel: SentinelConfig | None) -> dict:
    """OPTIONS for django.core.cache.backends.redis.RedisCache."""
    if sentinel is None:
        return {}
    return {
        "pool_class": "core.redisconf.SentinelCachePool",
        "sentinels": list(sentinel.sentinels),
        "master_name": sentinel.master,
    }


class SentinelCachePool(SentinelConnectionPool):
    """Django's RedisCacheClient builds pools as `pool_class.from_url(LOCATION, **OPTIONS)`."""

    @classmethod
    def from_url(cls, url, *, sentinels, master_name, **kwargs):
        kwargs = {**_url_options(url), **kwargs}
        return cls(master_name, Sentinel([tuple(s) for s in sentinels]), **kwargs)
