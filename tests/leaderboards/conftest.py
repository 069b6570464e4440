import os
import uuid

import pytest


@pytest.fixture(autouse=True)
def lb_prefix(settings):
    """Every test gets its own key namespace (and pub/sub channel), so runs sharing a Redis server
    never see each other's boards; only this test's keys are deleted afterwards."""
    prefix = f"lbtest-{uuid.uuid4().hex[:12]}"
    settings.LEADERBOARD_PREFIX = prefix
    settings.LEADERBOARD_MIN_INTERVAL_S = 0.2
    yield prefix
    drop_prefix(prefix)


def drop_prefix(prefix: str) -> None:
    from leaderboards.store import memory

    for key in [k for k in memory._boards if k[0] == prefix]:
        memory._boards.pop(key, None)
    url = os.environ.get("REDIS_URL")
    if url:
        import redis

        try:
            client = redis.Redis.from_url(url)
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        except redis.RedisError:
            pass


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def backend(request, settings):
    """Run a test against the in-process store and against Redis (REDIS_URL)."""
    if request.param == "memory":
        settings.REDIS_URL = ""
    else:
        settings.REDIS_URL = os.environ.get("REDIS_URL", "")
    return request.param
