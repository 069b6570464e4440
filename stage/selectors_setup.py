"""Reads of the final's setup page: rounds in order with their questions, the hall quiz games, and bank
questions an organiser may reserve (published choice questions nobody holds secret)."""

from __future__ import annotations

from questionbank.secrecy import reservations
from questionbank.selectors import published_revisions

from .models import FinalQuestion, QuizGame, StageEvent

BANK_TYPES = ("single", "multiple", "true_false")
BANK_LIMIT = 20


def final_setup(event: StageEvent) -> dict:
    rounds = list(event.rounds.order_by("position", "id"))
    questions = FinalQuestion.objects.filter(round__event=event).select_related("team", "source_revision")
    by_round: dict[int, list] = {r.pk: [] for r in rounds}
    for q in questions.order_by("position", "id"):
        by_round[q.round_id].append(q)
    games = QuizGame.objects.filter(event=event).order_by("-pk")

    def touched(r) -> bool:  # a question of the round has been on stage: its rules are fixed (round_edit)
        return any(q.shown_at is not None or q.pk == event.current_question_id for q in by_round[r.pk])

    return {
        "rounds": [{"round": r, "questions": by_round[r.pk], "first": i == 0, "last": i == len(rounds) - 1,
                    "touched": touched(r)} for i, r in enumerate(rounds)],
        "games": [{"game": g, "count": g.questions.count(), "players": g.players.count()} for g in games],
    }  # fmt: skip


def bank_candidates(*, text: str = "") -> list[dict]:
    """Up to 20 published choice questions matching the words, newest first, with whether each can be
    reserved now (a formal contest or another final may hold it)."""
    revisions = published_revisions().filter(qtype__in=BANK_TYPES)
    for word in text.split()[:5]:
        revisions = revisions.filter(stem__icontains=word)
    found = list(revisions.order_by("-question_id")[:BANK_LIMIT])
    held = reservations(question_ids=[r.question_id for r in found])
    return [{"revision": r, "question_id": r.question_id, "held": bool(held.get(r.question_id))} for r in found]
