"""A group of hall-quiz answers on PostgreSQL in three statements: one read, one write, one count.

Under a hall's answer burst every round trip waits for a busy machine to schedule the database and then
the writing thread again; the ORM path (services.quiz_batch._write) takes ten of them (BEGIN, four reads,
INSERT, UPDATE, COMMIT, two counts). Here:
- one SELECT gives each player with their game, the game's current question and whether the player
  has answered it;
- the rules are quiz_batch's own (`_check`), in Python: one truth for both paths;
- one INSERT … ON CONFLICT DO NOTHING RETURNING, with the score UPDATE in the same statement over the
  rows it really inserted: the answers and the scores are written together or not at all, without a
  transaction around the statements (the reads are READ COMMITTED either way);
- after the write, one count of each question's answers and its game's players.

Table and column names come from the models' metadata, so a renamed field cannot leave a stale query."""

from __future__ import annotations

import json
from collections import namedtuple
from functools import cache

from django.db import connection

from ..models import QuizAnswer, QuizGame, QuizPlayer, QuizQuestion

# the few fields the rules read (also the ORM path's, services.quiz_batch), without a model instance each
PlayerRow = namedtuple("PlayerRow", ["pk", "game_id", "seen_position", "seen_at"])
GameRow = namedtuple("GameRow", ["pk", "phase", "position", "opened_at", "closed_at"])
QuestionRow = namedtuple("QuestionRow", ["pk", "game_id", "position", "options", "answer", "time_s", "points"])

ANSWER_COLUMNS = ("player_id", "question_id", "choice", "elapsed_ms", "correct", "points", "at")


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _c(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


@cache  # one database per process: the statement is built once
def read_sql() -> str:
    p, g, q, a = _t(QuizPlayer), _t(QuizGame), _t(QuizQuestion), _t(QuizAnswer)
    P, G, Q, A = (lambda f, m=m: _c(m, f) for m in (QuizPlayer, QuizGame, QuizQuestion, QuizAnswer))  # noqa: N806
    # options as text: parsed once per question in Python, not once per player row by the driver
    return (
        f"SELECT p.{P('id')}, p.{P('game')}, p.{P('seen_position')}, p.{P('seen_at')}, "  # noqa: S608
        f"g.{G('phase')}, g.{G('position')}, g.{G('opened_at')}, g.{G('closed_at')}, "
        f"q.{Q('id')}, q.{Q('options')}::text, q.{Q('answer')}, q.{Q('time_s')}, q.{Q('points')}, "
        f"EXISTS (SELECT 1 FROM {a} a WHERE a.{A('question')} = q.{Q('id')} AND a.{A('player')} = p.{P('id')}) "
        f"FROM unnest(%s::bigint[]) AS v(id) JOIN {p} p ON p.{P('id')} = v.id "
        f"JOIN {g} g ON g.{G('id')} = p.{P('game')} "
        f"LEFT JOIN {q} q ON q.{Q('game')} = g.{G('id')} AND q.{Q('position')} = g.{G('position')}"
    )


@cache
def write_sql() -> str:
    a, p = _t(QuizAnswer), _t(QuizPlayer)
    columns = ", ".join(_c(QuizAnswer, name.removesuffix("_id")) for name in ANSWER_COLUMNS)
    player, question, points = _c(QuizAnswer, "player"), _c(QuizAnswer, "question"), _c(QuizAnswer, "points")
    pid, score = _c(QuizPlayer, "id"), _c(QuizPlayer, "score")
    return (
        f"WITH ins AS (INSERT INTO {a} ({columns}) SELECT * FROM unnest("  # noqa: S608
        "%s::bigint[], %s::bigint[], %s::text[], %s::int[], %s::bool[], %s::int[], %s::timestamptz[]) "
        f"ON CONFLICT DO NOTHING RETURNING {player} AS player_id, {question} AS question_id, {points} AS points), "
        f"won AS (SELECT player_id, sum(points) AS points FROM ins WHERE points <> 0 GROUP BY player_id), "
        f"upd AS (UPDATE {p} AS pl SET {score} = pl.{score} + won.points FROM won WHERE pl.{pid} = won.player_id) "
        "SELECT player_id, question_id FROM ins"
    )


@cache
def count_sql() -> str:
    q, a, p = _t(QuizQuestion), _t(QuizAnswer), _t(QuizPlayer)
    qid, qgame = _c(QuizQuestion, "id"), _c(QuizQuestion, "game")
    return (
        f"SELECT q.{qid}, "  # noqa: S608
        f"(SELECT count(*) FROM {a} a WHERE a.{_c(QuizAnswer, 'question')} = q.{qid}), "
        f"(SELECT count(*) FROM {p} p WHERE p.{_c(QuizPlayer, 'game')} = q.{qgame}) "
        f"FROM unnest(%s::bigint[]) AS v(id) JOIN {q} q ON q.{qid} = v.id"
    )


def read(player_ids: list[int]):
    """(players, games, questions, done) as quiz_batch's rules read them: players and games by id,
    questions by game id (the game's current one), done = {(player id, question id)} already answered."""
    players, games, questions, done = {}, {}, {}, set()
    with connection.cursor() as cursor:
        cursor.execute(read_sql(), [player_ids])
        rows = cursor.fetchall()
    for row in rows:
        pk, game_id, seen_position, seen_at, phase, position, opened_at, closed_at = row[:8]
        qid, options, answer, time_s, points, answered = row[8:]
        players[pk] = PlayerRow(pk, game_id, seen_position, seen_at)
        if game_id not in games:
            games[game_id] = GameRow(game_id, phase, position, opened_at, closed_at)
            if qid is not None:
                questions[game_id] = QuestionRow(qid, game_id, position, json.loads(options), answer, time_s, points)
        if answered:
            done.add((pk, qid))
    return players, games, questions, done


def write(rows: list[QuizAnswer]) -> set[tuple[int, int]]:
    """INSERT the answers and add their points to the scores in one statement; the pairs it wrote."""
    if not rows:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(write_sql(), [[getattr(r, name) for r in rows] for name in ANSWER_COLUMNS])
        return set(cursor.fetchall())


def counts(question_ids: list[int]) -> dict[int, tuple[int, int]]:
    """question id -> (answers, the game's players), read after the write."""
    with connection.cursor() as cursor:
        cursor.execute(count_sql(), [question_ids])
        return {qid: (answered, players) for qid, answered, players in cursor.fetchall()}
