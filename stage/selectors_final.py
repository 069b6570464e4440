"""Reads of the knowledge final: team scores (one function: the screen, the host and the tests read it),
the buzz list with timings, and what each role may see of the question on stage."""

from __future__ import annotations

from django.db.models import Q, Sum

from .models import Buzz, FinalQuestion, QuizGame, ScoreAction, StageEvent, Team


def team_scores(event: StageEvent) -> list[dict]:
    """Teams with their score (sum of score actions not undone), ranked: higher score, then team number."""
    teams = Team.objects.filter(event=event).annotate(
        score=Sum("actions__delta", filter=Q(actions__undone_at__isnull=True), default=0)
    )
    rows = [
        {"team": t.number, "id": t.pk, "name": t.name, "school": t.school, "members": t.members, "score": t.score}
        for t in teams
    ]
    rows.sort(key=lambda r: (-r["score"], r["team"]))
    for i, r in enumerate(rows):
        r["rank"] = i + 1
    return rows


def buzz_rows(q: FinalQuestion) -> list[dict]:
    """Receive order; ms after opening; jitter = server receive offset − the device's own (clock-corrected)
    offset, i.e. how much network and queueing the buzz carried; the gap to the buzz before it."""
    out, prev = [], None
    for b in Buzz.objects.filter(question=q).select_related("team").order_by("early", "received_at", "id"):
        jitter = (
            b.after_open_ms - b.client_after_open_ms
            if b.after_open_ms is not None and b.client_after_open_ms is not None
            else None
        )
        gap = b.after_open_ms - prev if (prev is not None and b.after_open_ms is not None) else None
        out.append(
            {
                "team": b.team.number,
                "name": b.team.name,
                "early": b.early,
                "after_open_ms": b.after_open_ms,
                "jitter_ms": jitter,
                "gap_ms": gap,
                "judged": b.judged,
            }
        )
        if not b.early:
            prev = b.after_open_ms
    return out


def final_part(event: StageEvent, *, host: bool) -> dict:
    """The final's part of the event snapshot. Content of a question appears only once it is shown (抢答) or
    open; the answer only on reveal (the host sees it once the question is open, to mark oral answers)."""
    from .services.final import answering_team

    q = (
        FinalQuestion.objects.select_related("round", "team").filter(pk=event.current_question_id).first()
        if event.current_question_id
        else None
    )
    data: dict = {"teams": team_scores(event), "question": None, "screen_game": None}
    if event.screen_game_id:  # a hall-quiz game on the big screen: the screen page switches to it
        data["screen_game"] = QuizGame.objects.filter(pk=event.screen_game_id).values("id", "pin", "title").first()
    last = ScoreAction.objects.filter(event=event, undone_at__isnull=True).select_related("team").last()
    data["last_action"] = (
        {"team": last.team.number, "kind": last.kind, "delta": last.delta, "id": last.pk} if last else None
    )
    if q is not None:
        r = q.round
        shown = q.shown_at is not None
        qd = {
            "id": q.pk,
            "round": {
                "kind": r.kind,
                "title": r.title,
                "points": r.points,
                "answer_s": r.answer_s,
                "buzz_window_s": r.buzz_window_s,
                "penalty": r.penalty,
                "risk_choices": r.risk_choices,
            },
            "team": q.team.number if q.team_id else None,
            "qtype": q.qtype,
            "shown": shown,
            "open": q.opened_at is not None and q.closed_at is None,
            "opened_ms": int(q.opened_at.timestamp() * 1000) if q.opened_at else None,
            "closed": q.closed_at is not None,
            "revealed": q.revealed_at is not None,
            "risk_points": q.risk_points,
            "stem": q.stem if shown else None,
            "options": q.options if shown else [],
            "buzzes": buzz_rows(q),
        }
        who = answering_team(q) if q.opened_at else None
        qd["answering"] = who.number if who else None
        if q.revealed_at is not None or (host and q.opened_at is not None):
            qd["answer"] = q.answer
            qd["answer_text"] = q.answer_text
        data["question"] = qd
    if host:
        data["questions"] = [
            {
                "id": x.pk,
                "round": x.round.title,
                "kind": x.round.kind,
                "team": x.team.number if x.team_id else None,
                "stem": x.stem[:40],
                "used": x.opened_at is not None,
                "current": x.pk == event.current_question_id,
            }
            for x in FinalQuestion.objects.filter(round__event=event).select_related("round", "team")
        ]
    return data
