"""What a hall-quiz game shows, built once per change for every connection of a process: a shared head
(question or results) and each player's own part (score, rank, last answer) spliced on as `"me":…}`.
The ranking key (higher score, then earlier join) is `rank_order`, used for the top 5 and every rank."""

from __future__ import annotations

import json
from collections import Counter

from .models import GamePhase, QuizAnswer, QuizGame, QuizPlayer, QuizQuestion


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def rank_order():
    return ("-score", "id")


def build(game_id: int) -> tuple[int, str, dict[int, str]] | None:
    """(version, head, {player id: me JSON} — empty while a question is open); None when the game is gone.
    A frame = head + me + "}"."""
    game = QuizGame.objects.filter(pk=game_id).first()
    if game is None:
        return None
    count = QuizQuestion.objects.filter(game=game).count()
    asking = game.phase == GamePhase.QUESTION
    # while a question is open every connection gets "me":null (stage.quiz_hub), so no player's part is built
    players = (
        []
        if asking
        else list(QuizPlayer.objects.filter(game=game).order_by(*rank_order()).values_list("id", "nickname", "score"))
    )
    payload: dict = {
        "type": "game",
        "pin": game.pin,
        "title": game.title,
        "phase": game.phase,
        "version": game.version,
        "position": game.position,
        "count": count,
        "players": QuizPlayer.objects.filter(game=game).count() if asking else len(players),
    }
    last: dict[int, tuple] = {}
    q = QuizQuestion.objects.filter(game=game, position=game.position).first() if game.position >= 0 else None
    if q is not None:
        payload["question"] = {
            "position": q.position,
            "stem": q.stem,
            "options": q.options,
            "time_ms": q.time_s * 1000,
            "points": q.points,
        }
        payload["opened_ms"] = int(game.opened_at.timestamp() * 1000) if game.opened_at else None
        if asking:  # the live count at this moment; `count` frames follow
            payload["answered"] = QuizAnswer.objects.filter(question=q).count()
        if game.phase in (GamePhase.RESULTS, GamePhase.FINISHED):
            answers = list(
                QuizAnswer.objects.filter(question=q).values_list("player_id", "choice", "points", "correct")
            )
            dist = Counter(a[1] for a in answers)
            payload["results"] = {
                "answer": q.answer,
                "distribution": {o["key"]: dist.get(o["key"], 0) for o in q.options},
                "answered": len(answers),
                "top": [{"rank": i + 1, "nickname": n, "score": s} for i, (_pid, n, s) in enumerate(players[:5])],
            }
            last = {a[0]: a[1:] for a in answers}
    me = {}
    results = "results" in payload
    for i, (pid, nickname, score) in enumerate(players):
        part = {"id": pid, "nickname": nickname, "score": score, "rank": i + 1}
        if results:
            a = last.get(pid)
            part["last"] = {"choice": a[0], "points": a[1], "correct": a[2]} if a else None
        me[pid] = dumps(part)
    text = dumps(payload)
    return game.version, text[:-1] + ',"me":', me


def me_one(game_id: int, player_id: int) -> str:
    """One player's `me` now (a join or reconnect between broadcasts: their score may have moved since the
    shared frame was built). Same rank key as `build`."""
    from django.db.models import Q

    p = QuizPlayer.objects.filter(pk=player_id, game_id=game_id).first()
    if p is None:
        return "null"
    ahead = QuizPlayer.objects.filter(game_id=game_id).filter(Q(score__gt=p.score) | Q(score=p.score, id__lt=p.pk))
    part = {"id": p.pk, "nickname": p.nickname, "score": p.score, "rank": ahead.count() + 1}
    game = p.game
    if game.phase in (GamePhase.RESULTS, GamePhase.FINISHED):
        a = QuizAnswer.objects.filter(player=p, question__position=game.position).first()
        part["last"] = {"choice": a.choice, "points": a.points, "correct": a.correct} if a else None
    return dumps(part)


def head_position(head: str) -> int:
    """The question position a head was built for (without parsing the whole frame)."""
    start = head.index('"position":') + len('"position":')
    end = head.index(",", start)
    return int(head[start:end])
