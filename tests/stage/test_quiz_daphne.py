"""Under a real daphne process with Redis, the hall quiz uses the shared frame sink (core.transport): the
question reaches every player as one identical frame, every answer is acknowledged after its group is
written, the host's live count reaches answered = joined, and the results carry each player's own part."""

import json
import os

import pytest
import websockets
from django.utils import timezone

from accounts.tokens import token_issue
from stage import services
from tests.conftest import start_daphne
from tests.leaderboards.test_cluster import db, recv_until
from tests.stage.final_factories import Final
from tests.stage.test_quiz import game

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


async def test_quiz_under_daphne_goes_through_the_sink_and_counts_every_answer(settings, django_db_blocker):
    redis_url = os.environ["REDIS_URL"]
    settings.REDIS_URL = redis_url
    with django_db_blocker.unblock():
        proc, base = start_daphne(env_extra={"REDIS_URL": redis_url, "LOG_LEVEL": "INFO"})
    try:
        f = await db(Final)
        g = await db(game, f)
        players = await db(
            lambda: [services.quiz_join(pin=g.pin, nickname=f"台下{i}", now=timezone.now()) for i in range(3)]
        )
        token = await db(token_issue, user=f.tree.city_organiser)
        ws = base.replace("http://", "ws://") + f"/ws/stage/games/{g.pin}/"
        async with websockets.connect(f"{ws}?role=host&token={token}") as host:
            phones = [await websockets.connect(f"{ws}?player={p.token}") for p in players]
            for phone in phones:
                await recv_until(phone, lambda m: m.get("type") == "game" and m["phase"] == "lobby")
            await host.send(json.dumps({"type": "next"}))
            frames = []
            for phone in phones:
                raw = await recv_until(phone, lambda m: m.get("type") == "game" and m["phase"] == "question")
                frames.append(json.dumps(raw, sort_keys=True))
            assert len(set(frames)) == 1 and json.loads(frames[0])["me"] is None
            for i, phone in enumerate(phones):
                await phone.send(json.dumps({"type": "answer", "position": 0, "choice": "A" if i else "B"}))
            for phone in phones:
                assert (await recv_until(phone, lambda m: m.get("type") == "ack"))["ok"]
            count = await recv_until(host, lambda m: m.get("type") == "count" and m["answered"] == 3, timeout=15)
            assert count["players"] == 3 and count["position"] == 0
            await host.send(json.dumps({"type": "close"}))
            for i, phone in enumerate(phones):
                res = await recv_until(phone, lambda m: m.get("type") == "game" and m["phase"] == "results")
                assert res["results"]["distribution"] == {"A": 2, "B": 1}
                assert res["me"]["nickname"] == f"台下{i}" and res["me"]["last"]["correct"] is (i != 0)
            for phone in phones:
                await phone.close()
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=15)
    log = stderr.decode(errors="replace")
    assert "leaderboard sink: daphne" in log and "writing prepared frames" in log, log[-2000:]
