"""The one Redis subscription of a server process: every board change in the cluster arrives here as
one small message and becomes `hub.notify`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from core.redisconf import async_client

from .store import notify_channel, redis_url

log = logging.getLogger(__name__)


async def listen(hub) -> None:
    """The process's one subscription. It stops by itself (listen_stop) when the last viewer left
    rather than by cancellation: redis-py can swallow a cancellation that lands while it connects."""
    backoff = 0.2
    while not hub.listen_stop:
        client = async_client(redis_url(), decode_responses=True)  # after a failover: the new primary
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(notify_channel())
            backoff = 0.2
            # anything published before the subscription took effect: catch up once
            for group in list(hub.groups.values()):
                hub.schedule(group)
            while not hub.listen_stop:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if not message or message.get("type") != "message":
                    continue
                try:
                    data = json.loads(message["data"])
                    hub.notify(int(data["c"]), data.get("k", "board"))
                except (ValueError, KeyError, TypeError):
                    log.warning("bad leaderboard notification %r", message.get("data"))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("leaderboard subscription lost (%s); retrying in %.1fs", exc, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)
        finally:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(_close_quietly(pubsub, client), 2)


async def _close_quietly(pubsub, client) -> None:
    for closer in (pubsub.aclose, client.aclose):
        with contextlib.suppress(Exception):  # closing a broken connection may fail again
            await closer()
