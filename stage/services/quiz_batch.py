"""Hall-quiz answers written in groups (group commit). Thousands of phones answer within seconds; one
transaction and one INSERT per answer on Channels' single database thread would queue them behind each
other. The hub's batcher (stage.quiz_answers) collects what arrives while the previous group is being
written and hands it here, on a pool thread. On PostgreSQL a group is three statements (read; the answers
and the scores written in one statement; count: services.quiz_batch_pg); elsewhere one transaction with
the players, the questions and the existing answers read once, one INSERT, one UPDATE of the scores. Both
decide through `_decide` and `_check`.

The rules are `quiz_answer`'s (one answer per player and question; points by speed with the time taken
from when the question reached the player's connection; an answer received after T is refused). An
answer received while the question was open counts even if the host closed it before the group was
written; its results are then pushed again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from ..errors import AlreadyDone, InvalidQuestion, NoSuchGame, NotOpen, TooLate
from ..models import GamePhase, QuizAnswer, QuizGame, QuizPlayer, QuizQuestion
from . import quiz_batch_pg
from .quiz_points import kahoot_points, opened_for

SCORE_CHUNK = 500


@dataclass(frozen=True)
class PendingAnswer:
    player_id: int
    position: object  # as the phone sent it; checked here
    choice: object
    received: datetime  # when the socket received it: the answer's time, however long it waited
    delivered_at: datetime | None  # when the question reached this connection


@dataclass
class BatchOutcome:
    results: list  # per answer, in order: a QuizAnswer (accepted) or an AppError (refused, with reason)
    answered: dict[int, dict]  # game id -> {"position", "answered", "players", "phase"} after this group


def _check(item: PendingAnswer, player, game, question):
    """The refusal for one answer, or (elapsed ms, correct, points)."""
    if player is None or game is None:
        return NoSuchGame()
    if str(item.position) != str(game.position) or question is None:
        return NotOpen()
    open_now = game.phase == GamePhase.QUESTION
    closed_after = game.closed_at is not None and game.opened_at is not None and item.received <= game.closed_at
    if not (open_now or closed_after) or game.opened_at is None or item.received < game.opened_at:
        return NotOpen()
    if not isinstance(item.choice, str) or item.choice not in {o["key"] for o in question.options}:
        return InvalidQuestion("请选择一个选项。")
    elapsed = int((item.received - opened_for(game, player, item.delivered_at)).total_seconds() * 1000)
    if elapsed > question.time_s * 1000:
        return TooLate()
    correct = item.choice == question.answer
    points = kahoot_points(points=question.points, elapsed_ms=elapsed, time_ms=question.time_s * 1000) if correct else 0
    return max(elapsed, 0), correct, points


def quiz_answers_commit(items: list[PendingAnswer]) -> BatchOutcome:
    """Write a group, then count each question's answers after the write: of two processes writing at
    once, the later one's count then includes the other's answers."""
    if connection.vendor == "postgresql":  # three statements (services.quiz_batch_pg)
        players, games, questions, done = quiz_batch_pg.read(list({i.player_id for i in items}))
        results, rows = _decide(items, players, games, questions, done)
        _refuse_unwritten(results, quiz_batch_pg.write(rows))
    else:
        results, questions, games = _write(items)
    asked = {r.question_id for r in results if isinstance(r, QuizAnswer)}
    figures = _counts([q for q in questions.values() if q.pk in asked])
    answered = {
        game_id: {
            "position": q.position,
            "answered": figures[q.pk][0],
            "players": figures[q.pk][1],
            "phase": games[game_id].phase,
        }
        for game_id, q in questions.items()
        if q.pk in figures
    }
    return BatchOutcome(results=results, answered=answered)


def _counts(asked: list) -> dict[int, tuple[int, int]]:
    """question id -> (its answers, its game's players), for the questions this group answered."""
    if not asked:
        return {}
    if connection.vendor == "postgresql":
        return quiz_batch_pg.counts(sorted(q.pk for q in asked))
    return {
        q.pk: (
            QuizAnswer.objects.filter(question_id=q.pk).count(),
            QuizPlayer.objects.filter(game_id=q.game_id).count(),
        )
        for q in asked
    }


@transaction.atomic
def _write(items: list[PendingAnswer]):
    """The ORM path (SQLite): the reads, the INSERT and the score UPDATE in one transaction."""
    # the few fields the rules read, without building a model instance per player
    players = {
        p.pk: p
        for p in map(
            quiz_batch_pg.PlayerRow._make,
            QuizPlayer.objects.filter(pk__in={i.player_id for i in items}).values_list(
                *quiz_batch_pg.PlayerRow._fields
            ),
        )
    }
    games = {g.pk: g for g in QuizGame.objects.filter(pk__in={p.game_id for p in players.values()})}
    questions = {
        q.game_id: q
        for q in QuizQuestion.objects.filter(game_id__in=games).filter(
            position__in={g.position for g in games.values() if g.position >= 0}
        )
        if q.position == games[q.game_id].position
    }
    done = set(
        QuizAnswer.objects.filter(question__in=questions.values(), player_id__in=players).values_list(
            "player_id", "question_id"
        )
    )
    results, rows = _decide(items, players, games, questions, done)
    # another process may have written one of these players' answers meanwhile: the unique constraint
    # keeps the first, and the rows we did not write are told so
    _refuse_unwritten(results, _insert(rows))
    _add_scores([r for r in results if isinstance(r, QuizAnswer) and r.points])
    return results, questions, games


def _refuse_unwritten(results: list, written: set[tuple[int, int]]) -> None:
    for i, res in enumerate(results):
        if isinstance(res, QuizAnswer) and (res.player_id, res.question_id) not in written:
            results[i] = AlreadyDone("本题已作答。")


def _decide(items, players, games, questions, done) -> tuple[list, list[QuizAnswer]]:
    """Each answer's verdict in arrival order: a QuizAnswer to write, or the AppError refusing it."""
    results: list = []
    rows: list[QuizAnswer] = []
    for item in items:
        player = players.get(item.player_id)
        game = games.get(player.game_id) if player else None
        question = questions.get(game.pk) if game else None
        verdict = _check(item, player, game, question)
        if isinstance(verdict, Exception):
            results.append(verdict)
            continue
        if (player.pk, question.pk) in done:
            results.append(AlreadyDone("本题已作答。"))
            continue
        done.add((player.pk, question.pk))  # a second answer of the same player in this group
        elapsed, correct, points = verdict
        row = QuizAnswer(
            player_id=player.pk,
            question_id=question.pk,  # ids, not instances: the descriptor costs more than the rest of the row
            choice=item.choice,
            elapsed_ms=elapsed,
            correct=correct,
            points=points,
            at=item.received,
        )
        rows.append(row)
        results.append(row)
    return results, rows


def _insert(rows: list[QuizAnswer]) -> set[tuple[int, int]]:
    """bulk_create the rows, skipping any (player, question) already answered; the pairs this call wrote."""
    if not rows:
        return set()
    QuizAnswer.objects.bulk_create(rows, ignore_conflicts=True)
    mine = {(r.player_id, r.question_id, r.at, r.choice) for r in rows}
    held = QuizAnswer.objects.filter(
        question_id__in={r.question_id for r in rows}, player_id__in={r.player_id for r in rows}
    ).values_list("player_id", "question_id", "at", "choice")
    return {(p, q) for p, q, at, choice in held if (p, q, at, choice) in mine}


def _add_scores(accepted: list[QuizAnswer]) -> None:
    """score = score + the answer's points, written as SQL (the ORM's Case/When compiles each of hundreds
    of branches through deep copies): one UPDATE … CASE id WHEN … THEN points END per chunk. Only
    placeholders and the model's table are formatted in."""
    table = connection.ops.quote_name(QuizPlayer._meta.db_table)
    if not accepted:
        return
    for start in range(0, len(accepted), SCORE_CHUNK):
        chunk = accepted[start : start + SCORE_CHUNK]
        params: list[int] = []
        for a in chunk:
            params += (a.player_id, a.points)
        params += [a.player_id for a in chunk]
        cases, marks = " ".join(["WHEN %s THEN %s"] * len(chunk)), ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET score = score + CASE id {cases} END WHERE id IN ({marks})",  # noqa: S608
                params,
            )
