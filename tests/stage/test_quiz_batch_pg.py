"""On PostgreSQL a group of hall-quiz answers is three statements (read, write answers and scores
together, count) and decides exactly as the ORM path does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stage import services
from stage.models import QuizAnswer, QuizPlayer
from stage.services import quiz_batch
from stage.services.quiz_batch import PendingAnswer, quiz_answers_commit
from tests.stage.final_factories import Final, at
from tests.stage.test_quiz import game

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the three-statement path is PostgreSQL's"),
]


def _scenario(f):
    """A game with 8 players and the second question open; one group of every kind of answer."""
    g = game(f, n=3, time_s=20)
    ps = [services.quiz_join(pin=g.pin, nickname=f"玩家{i}", now=at(0)) for i in range(8)]
    services.quiz_advance(actor=f.host, game_id=g.pk, step="next", now=at(1))
    quiz_answers_commit([PendingAnswer(ps[0].pk, 0, "A", at(1), None)])  # question 0: instant and right
    services.quiz_advance(actor=f.host, game_id=g.pk, step="close", now=at(5))
    services.quiz_advance(actor=f.host, game_id=g.pk, step="next", now=at(10))
    services.quiz_seen(player_id=ps[6].pk, position=1, now=at(14))  # reached it late (join in progress)
    quiz_answers_commit([PendingAnswer(ps[7].pk, 1, "B", at(11), None)])  # answered in an earlier group
    items = [
        PendingAnswer(ps[0].pk, 1, "A", at(10), None),  # instant and right
        PendingAnswer(ps[1].pk, 1, "A", at(20), at(12)),  # right, timed from its connection's delivery
        PendingAnswer(ps[2].pk, 1, "B", at(13), None),  # wrong
        PendingAnswer(ps[3].pk, 1, "A", at(30.5), None),  # after T
        PendingAnswer(ps[4].pk, 1, "Z", at(13), None),  # no such option
        PendingAnswer(ps[0].pk, 1, "B", at(14), None),  # second answer in the group
        PendingAnswer(ps[5].pk, 0, "A", at(14), None),  # not the open question
        PendingAnswer(ps[6].pk, 1, "A", at(24), at(18)),  # right, timed from when it first reached the player
        PendingAnswer(ps[7].pk, 1, "A", at(15), None),  # already answered
        PendingAnswer(10**12, 1, "A", at(15), None),  # no such player
    ]
    return g, ps, items


def _summary(ps, results):
    verdicts = [(type(r).__name__, getattr(r, "points", None), getattr(r, "elapsed_ms", None)) for r in results]
    return verdicts, [QuizPlayer.objects.get(pk=p.pk).score for p in ps]


def test_the_three_statement_path_decides_and_writes_as_the_orm_path():
    f = Final()
    g1, ps1, items1 = _scenario(f)
    out = quiz_answers_commit(items1)
    g2, ps2, items2 = _scenario(f)
    orm_results, _questions, _games = quiz_batch._write(items2)  # the ORM path, forced on PostgreSQL
    verdicts, scores = _summary(ps1, out.results)
    assert (verdicts, scores) == _summary(ps2, orm_results)
    assert [v[0] for v in verdicts] == ["QuizAnswer", "QuizAnswer", "QuizAnswer", "TooLate", "InvalidQuestion",
                                        "AlreadyDone", "NotOpen", "QuizAnswer", "AlreadyDone", "NoSuchGame"]  # fmt: skip
    assert verdicts[0][1] == 1000 and verdicts[1][2] == 8000 and verdicts[7][2] == 10000
    assert scores[0] == 2000 and scores[1] == verdicts[1][1] and scores[2] == 0
    assert out.answered[g1.pk] == {"position": 1, "answered": 5, "players": 8, "phase": "question"}
    assert QuizAnswer.objects.filter(question__game=g1).count() == QuizAnswer.objects.filter(question__game=g2).count()


def test_a_group_is_three_statements_however_many_answers():
    f = Final()
    g = game(f)
    ps = [services.quiz_join(pin=g.pin, nickname=f"玩家{i}", now=at(0)) for i in range(40)]
    services.quiz_advance(actor=f.host, game_id=g.pk, step="next", now=at(10))
    with CaptureQueriesContext(connection) as ctx:
        out = quiz_answers_commit([PendingAnswer(p.pk, 0, "A", at(11), None) for p in ps])
    assert all(isinstance(r, QuizAnswer) for r in out.results)
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["SELECT", "WITH", "SELECT"]
    assert sum(QuizPlayer.objects.filter(game=g).values_list("score", flat=True)) == sum(r.points for r in out.results)
