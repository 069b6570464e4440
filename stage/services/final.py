"""Writes of the knowledge final: setup (teams, rounds, questions) and the day (select/show/open a question,
buzzes, team answers, the host's marks, undo). Every score change is a `ScoreAction` row; a team's score
is the sum of its actions not undone (`selectors_final.team_scores`).

Scoring (`action_delta`):
  必答 right +points, wrong 0;  抢答 right +points, wrong −penalty, early buzz −penalty (and locked out);
  风险 right +chosen, wrong −chosen (chosen from the round's choices before the question opens)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from questionbank.answers import MalformedAnswer, score_fraction, validate_answer_shape

from ..access import Actor, check_host, check_team
from ..errors import (
    AlreadyDone,
    InvalidQuestion,
    LockedOut,
    NoSuchThing,
    NotAllowed,
    NothingToUndo,
    NotOpen,
    TooLate,
    WrongState,
)
from ..models import (
    AuditAction,
    Buzz,
    EventKind,
    FinalQuestion,
    QuizGame,
    Round,
    RoundKind,
    ScoreAction,
    ScoreActionKind,
    StageEvent,
    Team,
)
from .common import audit, changed, locked_event
from .final_setup import CHOICE_TYPES


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)


def action_delta(*, round_: Round, question: FinalQuestion, kind: str) -> int:
    if kind == ScoreActionKind.EARLY:
        return -round_.penalty
    if round_.kind == RoundKind.RISK:
        return (question.risk_points or 0) * (1 if kind == ScoreActionKind.RIGHT else -1)
    if kind == ScoreActionKind.RIGHT:
        return round_.points
    return -round_.penalty if round_.kind == RoundKind.BUZZER else 0


# --- on the day ----------------------------------------------------------------------------------------


def _question(event: StageEvent, question_id) -> FinalQuestion:
    try:
        qid = int(question_id)
    except (TypeError, ValueError):
        raise NoSuchThing() from None
    q = FinalQuestion.objects.select_for_update(of=("self",)).select_related("round", "team").filter(pk=qid).first()
    if q is None or q.round.event_id != event.pk:
        raise NoSuchThing()
    return q


def _current(event: StageEvent, question_id) -> FinalQuestion:
    q = _question(event, question_id)
    if event.current_question_id != q.pk:
        raise NotOpen()
    return q


@transaction.atomic
def question_step(*, actor: Actor, event_id: int, question_id, step: str, now: datetime) -> FinalQuestion:
    """step: "select" (put on stage, content hidden; a 风险 team now chooses), "show" (抢答: the stem is
    read out, buzzing not open), "open" (answering/buzzing open on the server now), "close", "reveal"."""
    event = locked_event(event_id)
    check_host(actor, event)
    if event.kind != EventKind.FINAL or event.status == "finished":
        raise WrongState()
    q = _question(event, question_id)
    if step == "select":
        if q.opened_at is not None:
            raise WrongState("该题已经用过。")
        event.current_question = q
        event.status = "live"
        event.save(update_fields=["current_question", "status"])
    else:
        if event.current_question_id != q.pk:
            raise NotOpen("请先选择该题。")
        if step == "show":
            if q.round.kind != RoundKind.BUZZER or q.opened_at is not None:
                raise WrongState()
            q.shown_at = q.shown_at or now
        elif step == "open":
            if q.opened_at is not None:
                raise WrongState("该题已经开始。")
            if q.round.kind == RoundKind.RISK and not q.risk_points:
                raise WrongState("请等待答题队伍选择风险分值。")
            q.shown_at = q.shown_at or now
            q.opened_at = now
        elif step == "close":
            if q.opened_at is None:
                raise NotOpen()
            q.closed_at = q.closed_at or now
        elif step == "reveal":
            if q.opened_at is None:
                raise NotOpen()
            q.closed_at = q.closed_at or now
            q.revealed_at = q.revealed_at or now
        else:
            raise WrongState()
        q.save(update_fields=["shown_at", "opened_at", "closed_at", "revealed_at"])
    audit(event=event, action=AuditAction.QUESTION, actor=actor, now=now, question=q.pk, step=step)
    changed(event)
    return q


def _check_open(q: FinalQuestion, now: datetime) -> None:
    if q.opened_at is None or q.closed_at is not None or now < q.opened_at:
        raise NotOpen()


@transaction.atomic
def buzz_record(*, actor: Actor, event_id: int, question_id, now: datetime, client_after_open_ms=None) -> Buzz:
    """A team's buzz, at `now` = when the server received it. Before the question is open on the server
    it is an early buzz: recorded, penalised once, and the team is locked out of this question. Order is
    the server's receive order (received_at, then id)."""
    event = locked_event(event_id)
    team = actor.team
    if team is None:
        raise NotAllowed()
    check_team(actor, team)
    if team.event_id != event.pk:
        raise NotAllowed()
    q = _current(event, question_id)
    if q.round.kind != RoundKind.BUZZER or q.closed_at is not None:
        raise NotOpen()
    previous = Buzz.objects.filter(question=q, team=team).first()
    if previous is not None:
        raise LockedOut() if previous.early else AlreadyDone()
    early = q.opened_at is None or now < q.opened_at
    if not early and now > q.opened_at + timedelta(seconds=q.round.buzz_window_s):
        raise TooLate("抢答时间已过。")
    try:
        client = int(client_after_open_ms) if client_after_open_ms is not None and not early else None
    except (TypeError, ValueError):
        client = None
    buzz = Buzz.objects.create(
        question=q,
        team=team,
        received_at=now,
        after_open_ms=None if early else _ms(now - q.opened_at),
        client_after_open_ms=client,
        early=early,
    )
    audit(event=event, action=AuditAction.BUZZ, actor=actor, now=now, team=team.number, question=q.pk, early=early)
    if early:
        _act(event=event, q=q, team=team, kind=ScoreActionKind.EARLY, actor=actor, now=now)
    changed(event)
    return buzz


def answering_team(q: FinalQuestion) -> Team | None:
    """Who may answer now: the question's team (必答/风险) or the first buzz in receive order not yet judged
    (抢答; nobody once one was judged right)."""
    if q.round.kind != RoundKind.BUZZER:
        return q.team
    for b in q.buzzes.select_related("team").filter(early=False).order_by("received_at", "id"):
        if b.judged == "right":
            return None
        if not b.judged:
            return b.team
    return None


def _answer_deadline(q: FinalQuestion) -> datetime | None:
    if q.round.kind != RoundKind.BUZZER:
        return q.opened_at + timedelta(seconds=q.round.answer_s)
    first = q.buzzes.filter(early=False, judged="").order_by("received_at", "id").first()
    return first.received_at + timedelta(seconds=q.round.answer_s) if first else None


def _act(*, event, q, team, kind, actor, now, answer=None) -> ScoreAction:
    delta = action_delta(round_=q.round, question=q, kind=kind)
    action = ScoreAction.objects.create(
        event=event,
        team=team,
        question=q,
        kind=kind,
        delta=delta,
        at=now,
        actor=actor.user if actor.user_id else None,
        by_team=actor.team,
        answer=answer,
    )
    audit(event=event, action=AuditAction.SCORE_ACTION, actor=actor, now=now, team=team.number, kind=kind, delta=delta)
    return action


def _judge(event, q, team, right: bool, actor, now, answer=None) -> ScoreAction:
    if q.round.kind == RoundKind.BUZZER:
        Buzz.objects.filter(question=q, team=team).update(judged="right" if right else "wrong")
    elif ScoreAction.objects.filter(question=q, undone_at__isnull=True).exclude(kind=ScoreActionKind.EARLY).exists():
        raise AlreadyDone("本题已计分。")
    kind = ScoreActionKind.RIGHT if right else ScoreActionKind.WRONG
    return _act(event=event, q=q, team=team, kind=kind, actor=actor, now=now, answer=answer)


@transaction.atomic
def answer_mark(*, actor: Actor, event_id: int, question_id, right: bool, now: datetime) -> ScoreAction:
    """The host marks the answering team's (oral or late-typed) answer right or wrong."""
    event = locked_event(event_id)
    check_host(actor, event)
    q = _current(event, question_id)
    if q.opened_at is None:
        raise NotOpen()
    team = answering_team(q)
    if team is None:
        raise NotOpen("现在没有待判定的队伍。")
    action = _judge(event, q, team, bool(right), actor, now)
    changed(event)
    return action


@transaction.atomic
def team_answer(*, actor: Actor, event_id: int, question_id, answer, now: datetime) -> ScoreAction:
    """A team device submits its choice; scored at once by the bank's rule (all or nothing)."""
    event = locked_event(event_id)
    if actor.team is None or actor.team.event_id != event.pk:
        raise NotAllowed()
    q = _current(event, question_id)
    _check_open(q, now)
    if q.qtype not in CHOICE_TYPES:
        raise WrongState("口答题由主持人判定。")
    team = answering_team(q)
    if team is None or team.pk != actor.team.pk:
        raise NotAllowed("现在不是本队答题。")
    deadline = _answer_deadline(q)
    if deadline is None or now > deadline:
        raise TooLate()
    try:
        validate_answer_shape(qtype=q.qtype, options=q.options, blank_count=0, answer=answer)
    except MalformedAnswer as exc:
        raise InvalidQuestion(str(exc)) from None
    right = score_fraction(qtype=q.qtype, key=q.answer, answer=answer) == 1
    action = _judge(event, q, team, right, actor, now, answer=answer)
    audit(event=event, action=AuditAction.TEAM_ANSWER, actor=actor, now=now, team=team.number, question=q.pk)
    changed(event)
    return action


@transaction.atomic
def risk_choose(*, actor: Actor, event_id: int, question_id, points, now: datetime) -> FinalQuestion:
    """The 风险 team picks its stake before the question opens (the team device, or the host for it)."""
    event = locked_event(event_id)
    q = _current(event, question_id)
    if q.round.kind != RoundKind.RISK:
        raise WrongState()
    if actor.team is not None:
        if q.team_id != actor.team.pk:
            raise NotAllowed("这不是本队的风险题。")
    else:
        check_host(actor, event)
    if q.opened_at is not None:
        raise WrongState("题目已开始，不能再改分值。")
    try:
        points = int(points)
    except (TypeError, ValueError):
        raise InvalidQuestion("请选择分值。") from None
    if points not in q.round.risk_choices:
        raise InvalidQuestion("请选择规定的分值。")
    q.risk_points = points
    q.save(update_fields=["risk_points"])
    audit(event=event, action=AuditAction.QUESTION, actor=actor, now=now, question=q.pk, risk=points)
    changed(event)
    return q


@transaction.atomic
def action_undo(*, actor: Actor, event_id: int, now: datetime) -> ScoreAction:
    """Undo the event's last score action (logged); a judged buzz becomes unjudged again."""
    event = locked_event(event_id)
    check_host(actor, event)
    last = (
        ScoreAction.objects.select_for_update()
        .filter(event=event, undone_at__isnull=True)
        .order_by("-at", "-id")
        .first()
    )
    if last is None:
        raise NothingToUndo()
    last.undone_at = now
    last.save(update_fields=["undone_at"])
    if last.kind in (ScoreActionKind.RIGHT, ScoreActionKind.WRONG) and last.question_id:
        Buzz.objects.filter(question_id=last.question_id, team_id=last.team_id).update(judged="")
    audit(event=event, action=AuditAction.UNDO, actor=actor, now=now, undone=last.pk, team=last.team.number)
    changed(event)
    return last


@transaction.atomic
def screen_game_set(*, actor: Actor, event_id: int, game_id, now: datetime) -> StageEvent:
    """Put one of the event's hall-quiz games on the event's big screen (its join QR, questions, results),
    or give the screen back to the final (game_id None). The screen follows over its socket."""
    event = locked_event(event_id)
    check_host(actor, event)
    game = None
    if game_id not in (None, ""):
        try:
            game = QuizGame.objects.filter(event=event, pk=int(game_id)).first()
        except (TypeError, ValueError):
            game = None
        if game is None:
            raise NoSuchThing()
    if event.screen_game_id != (game.pk if game else None):
        event.screen_game = game
        event.save(update_fields=["screen_game"])
        changed(event)
    return event
