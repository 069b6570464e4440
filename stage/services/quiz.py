"""Writes of the hall quiz (Kahoot mode). Points for a correct answer: round(P × (1 − t/(2T))), half up,
t = ms from when the question was opened for that player's connection (measured on the server), T the
question's time; 0 for a wrong answer; an answer after T (or after the host closed the question) is
refused. So an instant right answer earns P, one at the last moment P/2."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import F

from core.events import send_on_commit

from ..access import Actor, check_host
from ..errors import BadNickname, InvalidQuestion, NicknameTaken, NoSuchGame, WrongState
from ..models import GamePhase, QuizAnswer, QuizGame, QuizPlayer, QuizQuestion, StageEvent
from ..signals import quiz_changed
from .quiz_batch import PendingAnswer, quiz_answers_commit

WORDS_FILE = Path(__file__).resolve().parent.parent / "disallowed_words.txt"


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@lru_cache(maxsize=1)
def disallowed_words() -> tuple[str, ...]:
    lines = WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(_norm(w) for w in lines if w.strip() and not w.startswith("#"))


def nickname_check(nickname: str) -> str:
    name = " ".join(str(nickname or "").split())
    if not 1 <= len(name) <= 16:
        raise BadNickname("昵称需为 1–16 个字。")
    flat = _norm(name)
    if any(word in flat for word in disallowed_words()):
        raise BadNickname()
    return name


def _changed(game: QuizGame, kind: str = "state", **extra) -> None:
    QuizGame.objects.filter(pk=game.pk).update(version=F("version") + 1)
    send_on_commit(quiz_changed, sender=QuizGame, game_id=game.pk, pin=game.pin, kind=kind, **extra)


@transaction.atomic
def quiz_create(*, actor: Actor, event: StageEvent, title: str, questions: list[dict]) -> QuizGame:
    """questions: [{"stem", "options": [{"key","text"}], "answer": "B", "time_s": 20, "points": 1000}]."""
    check_host(actor, event)
    if not questions:
        raise InvalidQuestion("至少需要一道题。")
    for _attempt in range(20):
        pin = f"{secrets.randbelow(900000) + 100000}"
        if not QuizGame.objects.filter(pin=pin).exists():
            break
    game = QuizGame.objects.create(event=event, title=title, pin=pin)
    for i, q in enumerate(questions):
        keys = [o["key"] for o in q["options"]]
        if q["answer"] not in keys or len(keys) < 2 or int(q.get("time_s", 20)) < 1:
            raise InvalidQuestion(f"第 {i + 1} 题的选项或答案不正确。")
        QuizQuestion.objects.create(
            game=game,
            position=i,
            stem=q["stem"],
            options=q["options"],
            answer=q["answer"],
            time_s=int(q.get("time_s", 20)),
            points=int(q.get("points", 1000)),
        )
    return game


def game_by_pin(pin: str) -> QuizGame:
    game = QuizGame.objects.filter(pin=str(pin or "").strip()).first() if str(pin or "").strip().isdigit() else None
    if game is None:
        raise NoSuchGame()
    return game


@transaction.atomic
def quiz_join(*, pin: str, user=None, nickname: str = "", token: str | None = None, now: datetime) -> QuizPlayer:
    """Join or come back. A token the phone kept (or the signed-in account) restores the same player with
    their score; otherwise a new player with a checked, unique nickname."""
    game = game_by_pin(pin)
    if token:
        player = QuizPlayer.objects.filter(game=game, token=str(token)[:64]).first()
        if player is not None:
            return player
    if user is not None and user.is_authenticated:
        player = QuizPlayer.objects.filter(game=game, user=user).first()
        if player is not None:
            return player
        nickname = nickname or getattr(user, "real_name", "") or user.get_username()
    if game.phase == GamePhase.FINISHED:
        raise WrongState("游戏已结束。")
    name = nickname_check(nickname)
    try:
        with transaction.atomic():
            player = QuizPlayer.objects.create(
                game=game,
                user=user if user is not None and user.is_authenticated else None,
                nickname=name,
                token=secrets.token_urlsafe(24),
                joined_at=now,
            )
    except IntegrityError:
        raise NicknameTaken() from None
    _changed(game, "join")
    return player


@transaction.atomic
def quiz_advance(*, actor: Actor, game_id: int, step: str, now: datetime) -> QuizGame:
    """step "next": open the next question now (from the lobby or a question's results); "close": close the
    open question and publish its results; the last close finishes the game."""
    game = QuizGame.objects.select_for_update().select_related("event").filter(pk=game_id).first()
    if game is None:
        raise NoSuchGame()
    check_host(actor, game.event)
    count = game.questions.count()
    if step == "next":
        if game.phase not in (GamePhase.LOBBY, GamePhase.RESULTS) or game.position + 1 >= count:
            raise WrongState()
        game.position += 1
        game.phase, game.opened_at, game.closed_at = GamePhase.QUESTION, now, None
    elif step == "close":
        if game.phase != GamePhase.QUESTION:
            raise WrongState()
        game.closed_at = now
        game.phase = GamePhase.FINISHED if game.position + 1 >= count else GamePhase.RESULTS
    else:
        raise WrongState()
    game.save(update_fields=["position", "phase", "opened_at", "closed_at"])
    _changed(game)
    return game


@transaction.atomic
def quiz_seen(*, player_id: int, position: int, now: datetime) -> None:
    """The question first reached this player (join-in-progress or reconnect) at `now`; kept the first time."""
    QuizPlayer.objects.filter(pk=player_id).exclude(seen_position=position).update(seen_position=position, seen_at=now)


def quiz_answer(*, player_id: int, position, choice, now: datetime, delivered_at: datetime | None = None) -> QuizAnswer:
    """One answer, by the same rules and code as the sockets' groups (services.quiz_batch)."""
    result = quiz_answers_commit([PendingAnswer(player_id, position, choice, now, delivered_at)]).results[0]
    if isinstance(result, Exception):
        raise result
    return result
