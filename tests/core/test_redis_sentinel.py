"""Redis with Sentinel failover: a primary, a replica and one `redis-server --sentinel` on free ports.
The cache, the leaderboard store and the channel layer, configured through core.redisconf as
REDIS_SENTINELS would configure them, keep working after the primary dies, and what was acknowledged
(and replicated) before the failover is still there."""

import asyncio
import contextlib
import shutil
import socket
import subprocess
import time
import uuid
from datetime import UTC, datetime

import pytest
import redis
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.core.cache.backends.redis import RedisCache

from core.redisconf import SentinelConfig, cache_options, channel_layer_host, parse_sentinels, sentinel_config

REDIS_SERVER = shutil.which("redis-server")
MASTER = "qs-test"


def test_sentinel_settings_are_parsed_or_refused_clearly():
    assert sentinel_config({}) is None
    config = sentinel_config({"REDIS_SENTINELS": "10.0.0.5:26379, [::1]:26380", "REDIS_SENTINEL_MASTER": "qs"})
    assert config == SentinelConfig((("10.0.0.5", 26379), ("::1", 26380)), "qs")
    with pytest.raises(ValueError, match="REDIS_SENTINEL_MASTER"):
        sentinel_config({"REDIS_SENTINELS": "h:1"})
    with pytest.raises(ValueError, match="host:port"):
        parse_sentinels("justahost")
    host = channel_layer_host("redis://:pw@ignored:6379/4", config)
    assert host["master_name"] == "qs" and host["db"] == 4 and host["password"] == "pw"
    assert channel_layer_host("redis://h:6379/0", None) == "redis://h:6379/0"
    assert cache_options(None) == {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except redis.RedisError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def sentinel_cluster(tmp_path):
    if REDIS_SERVER is None:
        pytest.skip("redis-server binary not found (apt-get install -y redis-server)")
    primary, replica, sentinel = _free_port(), _free_port(), _free_port()
    common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    procs = {}

    def server(port, *extra):
        return subprocess.Popen(
            [REDIS_SERVER, "--port", str(port), "--dir", str(tmp_path), *common, *extra],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    conf = tmp_path / "sentinel.conf"
    conf.write_text(
        f"port {sentinel}\nbind 127.0.0.1\ndir {tmp_path}\n"
        f"sentinel monitor {MASTER} 127.0.0.1 {primary} 1\n"
        f"sentinel down-after-milliseconds {MASTER} 1000\n"
        f"sentinel failover-timeout {MASTER} 5000\n"
    )
    try:
        procs["primary"] = server(primary, "--dbfilename", "p.rdb")
        procs["replica"] = server(replica, "--dbfilename", "r.rdb", "--replicaof", "127.0.0.1", str(primary))
        procs["sentinel"] = subprocess.Popen(
            [REDIS_SERVER, str(conf), "--sentinel"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        rep = redis.Redis(port=replica, socket_timeout=1)
        _wait(lambda: rep.info("replication").get("master_link_status") == "up", what="replica in sync")
        sen = redis.Redis(port=sentinel, socket_timeout=1)
        _wait(lambda: len(sen.sentinel_slaves(MASTER)) == 1, what="sentinel to discover the replica")
        yield {"primary": primary, "replica": replica, "sentinel": sentinel, "procs": procs, "sen": sen}
    finally:
        for proc in procs.values():
            proc.kill()
            proc.wait(timeout=10)


def _board_row(user_id: int, score: int):
    from leaderboards.store import BoardRow

    return BoardRow(
        attempt_id=user_id,
        user_id=user_id,
        name=f"学生{user_id}",
        school_id=1,
        school="实验小学",
        district_id=2,
        district="崇川区",
        score=score,
        time_used_s=100,
        finished_at=datetime(2026, 6, 1, 9, 0, tzinfo=UTC),
    )


@pytest.mark.redis
async def test_cache_board_store_and_channel_layer_survive_a_failover(sentinel_cluster, settings):
    from leaderboards.store.redis import RedisStore

    c = sentinel_cluster
    config = SentinelConfig((("127.0.0.1", c["sentinel"]),), MASTER)
    settings.REDIS_SENTINEL = config
    url = f"redis://sentinel-{uuid.uuid4().hex[:8]}:1/0"  # host:port ignored with Sentinel; db 0 used
    cache = RedisCache(url, {"OPTIONS": cache_options(config), "KEY_PREFIX": "t"})
    store = RedisStore(f"lbtest{uuid.uuid4().hex[:6]}", url)
    layer = RedisPubSubChannelLayer(hosts=[channel_layer_host(url, config)])

    cache.set("acknowledged", "before", 300)
    store.replace(7, [_board_row(1, 90), _board_row(2, 80)], {1: 10})
    channel = await layer.new_channel()
    await layer.group_add("board-7", channel)
    await layer.group_send("board-7", {"type": "board.update", "n": 1})
    assert (await asyncio.wait_for(layer.receive(channel), 5))["n"] == 1
    # everything acknowledged so far has reached the replica before the primary dies
    assert redis.Redis(port=c["primary"]).wait(1, 5000) == 1

    c["procs"]["primary"].kill()
    c["procs"]["primary"].wait(timeout=10)

    def promoted() -> bool:
        state = c["sen"].sentinel_masters()[MASTER]
        return int(state["port"]) == c["replica"] and not (state["is_sdown"] or state["is_odown"])

    _wait(promoted, timeout=60, what="the sentinel to promote the replica and report it healthy")

    assert cache.get("acknowledged") == "before"
    cache.set("after", "written to the new primary", 300)
    assert redis.Redis(port=c["replica"]).exists("t:1:after")
    assert [e["key"] for e in store.read(7, "individual", 10).entries] == ["u1", "u2"]
    store.upsert(7, _board_row(3, 95))
    assert [e["key"] for e in store.read(7, "individual", 10).entries] == ["u3", "u1", "u2"]

    # One receive kept open throughout (channels_redis drops a channel whose receive is cancelled).
    waiting = asyncio.ensure_future(layer.receive(channel))
    for _ in range(30):  # the layer's subscriber reconnects to the new primary by itself
        with contextlib.suppress(OSError, redis.RedisError):  # a publish on a dead connection fails once
            await layer.group_send("board-7", {"type": "board.update", "n": 2})
        done, _ = await asyncio.wait({waiting}, timeout=2)
        if done:
            break
    else:
        waiting.cancel()
        raise AssertionError("the channel layer did not deliver after the failover")
    assert waiting.result()["n"] == 2
    await layer.flush()


def test_one_sentinel_setting_moves_the_channel_layer_the_cache_and_the_boards():
    from tests.foundation.test_settings import _settings_module_value

    env = {
        "REDIS_URL": "redis://:secret@ignored:6379/5",
        "REDIS_SENTINELS": "10.0.0.5:26379,10.0.0.6:26379",
        "REDIS_SENTINEL_MASTER": "quizsite",
        "DATABASE_REPLICA_URL": "",
    }
    expr = (
        "s.CHANNEL_LAYERS['default']['CONFIG']['hosts'][0]['master_name'], "
        "s.CHANNEL_LAYERS['default']['CONFIG']['hosts'][0]['db'], "
        "s.CACHES['default']['OPTIONS']['pool_class'], s.REDIS_SENTINEL.sentinels"
    )
    out = _settings_module_value(env, expr)
    assert out == "quizsite 5 core.redisconf.SentinelCachePool (('10.0.0.5', 26379), ('10.0.0.6', 26379))"
    plain = {"REDIS_URL": "redis://127.0.0.1:6379/0", "REDIS_SENTINELS": ""}
    assert _settings_module_value(plain, "s.REDIS_SENTINEL, s.CACHES['default']['OPTIONS']") == "None {}"
