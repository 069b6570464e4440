"""The hall quiz at scale: answers are written in groups with the single-answer rules and a constant
number of queries; a group collects while the previous one is written; the question goes out through the
process's frame sink as one shared frame; the host sees the live answer count."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.transport import Write
from stage import services
from stage.errors import AlreadyDone, InvalidQuestion, NotOpen, TooLate
from stage.models import QuizAnswer, QuizPlayer
from stage.quiz_answers import AnswerBatcher
from stage.quiz_frames import dumps
from stage.quiz_hub import QuizHub
from stage.services.quiz_batch import BatchOutcome, PendingAnswer, quiz_answers_commit
from tests.stage.final_factories import Final, at
from tests.stage.test_consumer import ORIGIN, ws_app  # noqa: F401
from tests.stage.test_quiz import game


def players(g, n):
    return [services.quiz_join(pin=g.pin, nickname=f"玩家{i}", now=at(0)) for i in range(n)]


@pytest.mark.django_db
def test_a_group_follows_the_single_answer_rules():
    f = Final()
    g = game(f)
    p = players(g, 6)
    services.quiz_advance(actor=f.host, game_id=g.pk, step="next", now=at(10))
    items = [
        PendingAnswer(p[0].pk, 0, "A", at(10), None),  # instant and right: P
        PendingAnswer(p[1].pk, 0, "A", at(30), None),  # right at T: P/2
        PendingAnswer(p[2].pk, 0, "B", at(11), None),  # wrong: 0
        PendingAnswer(p[3].pk, 0, "A", at(30.001), None),  # after T: refused
        PendingAnswer(p[4].pk, 0, "Z", at(11), None),  # no such option
        PendingAnswer(p[0].pk, 0, "B", at(12), None),  # a second answer in the same group
        PendingAnswer(p[5].pk, 1, "A", at(12), None),  # not the open question
    ]
    out = quiz_answers_commit(items)
    kinds = [type(r) for r in out.results]
    assert kinds == [QuizAnswer, QuizAnswer, QuizAnswer, TooLate, InvalidQuestion, AlreadyDone, NotOpen]
    assert [r.points for r in out.results[:3]] == [1000, 500, 0]
    scores = dict(QuizPlayer.objects.filter(game=g).values_list("nickname", "score"))
    assert scores["玩家0"] == 1000 and scores["玩家1"] == 500 and scores["玩家2"] == 0
    assert out.answered[g.pk] == {"position": 0, "answered": 3, "players": 6, "phase": "question"}
    again = quiz_answers_commit([PendingAnswer(p[1].pk, 0, "A", at(12), None)])
    assert isinstance(again.results[0], AlreadyDone)  # already written by an earlier group
    assert QuizPlayer.objects.get(pk=p[1].pk).score == 500


@pytest.mark.django_db
def test_an_answer_received_before_the_close_counts_even_if_written_after_it():
    f = Final()
    g = game(f)
    p1, p2 = players(g, 2)
    services.quiz_advance(actor=f.host, game_id=g.pk, step="next", now=at(10))
    services.quiz_advance(actor=f.host, game_id=g.pk, step="close", now=at(15))
    out = quiz_answers_commit([PendingAnswer(p1.pk, 0, "A", at(14), None), PendingAnswer(p2.pk, 0, "A", at(16), None)])
    assert isinstance(out.results[0], QuizAnswer) and isinstance(out.results[1], NotOpen)
    assert out.answered[g.pk]["phase"] == "results"  # the hub pushes the results again


@pytest.mark.django_db
def test_an_answer_another_process_wrote_first_is_kept_and_this_one_told_so(monkeypatch):
    from stage.services import quiz_batch, quiz_batch_pg

    f = Final()
    g = game(f)
    p1, p2 = players(g, 2)
    services.quiz_advance(actor=f.host, game_id=g.pk, step="next", now=at(10))
    # the group's one write: the ORM path's INSERT, or on PostgreSQL the statement with the scores
    module, name = (quiz_batch_pg, "write") if connection.vendor == "postgresql" else (quiz_batch, "_insert")
    real_insert = getattr(module, name)

    def other_process_first(rows):  # another server's group commits p1's answer between our read and write
        QuizAnswer.objects.create(
            player_id=p1.pk, question_id=rows[0].question_id, choice="B", elapsed_ms=500, correct=False, points=0,
            at=at(10.5),
        )  # fmt: skip
        return real_insert(rows)

    monkeypatch.setattr(module, name, other_process_first)
    out = quiz_answers_commit([PendingAnswer(p1.pk, 0, "A", at(11), None), PendingAnswer(p2.pk, 0, "A", at(11), None)])
    assert isinstance(out.results[0], AlreadyDone) and isinstance(out.results[1], QuizAnswer)
    assert QuizAnswer.objects.get(player=p1).choice == "B"
    scores = dict(QuizPlayer.objects.filter(game=g).values_list("pk", "score"))
    assert scores[p1.pk] == 0 and scores[p2.pk] == out.results[1].points > 0


@pytest.mark.django_db
def test_a_group_costs_the_same_queries_for_5_or_60_answers():
    f = Final()

    def cost(n):
        g = game(f)
        ps = players(g, n)
        services.quiz_advance(actor=f.host, game_id=g.pk, step="next", now=at(10))
        with CaptureQueriesContext(connection) as ctx:
            out = quiz_answers_commit([PendingAnswer(pl.pk, 0, "A", at(11), None) for pl in ps])
        assert all(isinstance(r, QuizAnswer) for r in out.results)
        return len(ctx.captured_queries)

    assert cost(5) == cost(60)


async def test_a_groups_answers_are_acknowledged_before_the_next_group_is_written():
    # the next group's write runs on a pool thread: started first, it would take the interpreter from
    # the acknowledgements the phones are waiting for
    gate = asyncio.Event()
    events = []

    async def commit(items):
        events.append(("write", [i.player_id for i in items]))
        if len(events) == 1:
            await gate.wait()
        return BatchOutcome(results=[i.player_id for i in items], answered={})

    batcher = AnswerBatcher(asyncio.get_running_loop(), lambda outcome: None, commit=commit)

    async def answer(player_id):
        events.append(("ack", await batcher.submit(PendingAnswer(player_id, 0, "A", at(0), None))))

    first = asyncio.create_task(answer(1))
    await asyncio.sleep(0.01)  # the first group is being written
    rest = [asyncio.create_task(answer(i)) for i in (2, 3)]
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(first, *rest)
    assert events == [("write", [1]), ("ack", 1), ("write", [2, 3]), ("ack", 2), ("ack", 3)]


async def test_answers_arriving_during_a_write_form_the_next_group():
    loop = asyncio.get_running_loop()
    gate = asyncio.Event()
    groups = []

    async def commit(items):
        groups.append(len(items))
        if len(groups) == 1:
            await gate.wait()
        return BatchOutcome(results=[f"ok{i.player_id}" for i in items], answered={})

    batcher = AnswerBatcher(loop, lambda outcome: None, commit=commit)
    first = batcher.submit(PendingAnswer(1, 0, "A", at(0), None))
    await asyncio.sleep(0.01)  # the first group is being written
    rest = [batcher.submit(PendingAnswer(i, 0, "A", at(0), None)) for i in range(2, 12)]
    gate.set()
    assert await first == "ok1"
    assert [await r for r in rest] == [f"ok{i}" for i in range(2, 12)]
    assert groups == [1, 10] and batcher.groups == 2


class FakeConn:
    def __init__(self, player_id, role="player"):
        self.player_id, self.role, self.version, self.delivered, self.fast = player_id, role, 0, {}, object()
        self.asgi, self.slow_since, self.game_id, self.closed = [], None, 7, None

    async def close(self, code):
        self.closed = code

    async def send_frame(self, text, version):
        self.asgi.append(text)


class RecordingSink:
    name = "test"

    def __init__(self, slow=()):
        self.writes, self.slow = [], set(slow)

    def attach(self, consumer):
        return object()

    def write(self, viewer, frame, prepared):
        if viewer.player_id in self.slow:
            return Write.SLOW
        prepared.setdefault(frame, len(prepared))  # the sink frames each distinct text once
        self.writes.append((viewer.player_id, frame))
        return Write.SENT


async def test_the_question_goes_out_through_the_sink_as_one_shared_frame():
    hub = QuizHub(asyncio.get_running_loop(), sink=RecordingSink(slow={3}))
    conns = [FakeConn(i) for i in (1, 2, 3)] + [FakeConn(None, "host")]
    hub.games[7] = set(conns)
    head = dumps({"type": "game", "phase": "question", "version": 4, "position": 2, "count": 5})[:-1] + ',"me":'
    await hub.broadcast(7, 4, head, {1: '{"score":1}', 2: '{"score":2}'})
    frames = {frame for _pid, frame in hub.sink.writes}
    assert len(frames) == 1 and json.loads(frames.pop())["me"] is None
    assert sorted(pid or 0 for pid, _ in hub.sink.writes) == [0, 1, 2]  # the slow reader was skipped
    assert all(2 in c.delivered for c in conns[:2]) and conns[2].version == 0 and conns[0].version == 4
    results = head.replace('"question"', '"results"')
    await hub.broadcast(7, 5, results, {1: '{"score":1}', 2: '{"score":2}'})
    mine = {pid: json.loads(frame)["me"] for pid, frame in hub.sink.writes[3:]}
    assert mine[1] == {"score": 1} and mine[2] == {"score": 2} and mine[None] is None
    # a reader that stays stuck past the limit is closed (4408) and leaves the game
    conns[2].slow_since -= 3600
    await hub.broadcast(7, 6, results, {})
    await asyncio.sleep(0)
    assert conns[2].closed == 4408 and conns[2] not in hub.games[7]


@pytest.mark.django_db(transaction=True)
async def test_the_host_sees_the_live_answer_count_and_the_screen_shows_a_join_qr(ws_app):  # noqa: F811
    from accounts.tokens import token_issue

    f = await sync_to_async(Final)()
    g = await sync_to_async(game)(f)
    ps = await sync_to_async(players)(g, 3)
    host_token = await sync_to_async(token_issue)(user=f.tree.city_organiser)
    host = WebsocketCommunicator(
        ws_app,
        f"/ws/stage/games/{g.pin}/?role=host",
        headers=[ORIGIN, (b"authorization", f"Bearer {host_token}".encode())],
    )
    assert (await host.connect(timeout=10))[0]
    phone = WebsocketCommunicator(ws_app, f"/ws/stage/games/{g.pin}/?player={ps[0].token}", headers=[ORIGIN])
    assert (await phone.connect(timeout=10))[0]
    lobby = await phone.receive_json_from(timeout=5)  # registered: from now on it gets the broadcasts
    assert lobby["phase"] == "lobby" and lobby["me"]["nickname"] == "玩家0"
    await host.send_json_to({"type": "next"})
    for _ in range(20):
        m = await phone.receive_json_from(timeout=5)
        if m["type"] == "game" and m["phase"] == "question":
            break
    assert m["me"] is None and m["answered"] == 0  # the shared question frame
    await phone.send_json_to({"type": "answer", "position": 0, "choice": "A"})
    for _ in range(20):
        m = await host.receive_json_from(timeout=5)
        if m["type"] == "count":
            break
    assert m == {"type": "count", "position": 0, "answered": 1, "players": 3}
    await host.disconnect()
    await phone.disconnect()
    svg = await sync_to_async(_get)(f"/stage/games/{g.pin}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert (await sync_to_async(_get)("/stage/games/000000/qr.svg")).status_code == 404


def _get(url):
    from django.test import Client

    return Client().get(url)
