"""The hall quiz's clock and points, shared by the single-answer path (services.quiz) and the sockets'
group commit (services.quiz_batch)."""

from __future__ import annotations

from datetime import datetime

from ..models import QuizGame, QuizPlayer


def kahoot_points(*, points: int, elapsed_ms: int, time_ms: int) -> int:
    """round(P × (1 − t/(2T))) with half up, in integers: (P·(2T − t)·2 + 2T) // (4T)."""
    t = min(max(elapsed_ms, 0), time_ms)
    return (points * (2 * time_ms - t) * 2 + 2 * time_ms) // (4 * time_ms)


def opened_for(game: QuizGame, player: QuizPlayer, delivered_at: datetime | None) -> datetime:
    """When the question opened for this player's connection: not before it opened on the server; the
    connection's delivery time if later; never later than the first delivery to any of the player's
    connections (a reconnect does not restart the clock)."""
    start = max(game.opened_at, delivered_at or game.opened_at)
    if player.seen_position == game.position and player.seen_at is not None:
        start = max(game.opened_at, min(start, player.seen_at))
    return start
