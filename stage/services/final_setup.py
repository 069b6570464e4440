"""Setup of the knowledge final: the event, teams with their device link, rounds with their rules, and
questions entered for the day or reserved from the bank."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import IntegrityError, transaction

from questionbank.answers import MalformedAnswer, validate_answer_shape
from questionbank.models import Question, QuestionStatus

from ..access import Actor, check_host, link_hash
from ..errors import InvalidQuestion, NoSuchThing, WrongState
from ..models import AuditAction, EventKind, FinalQuestion, Round, RoundKind, StageEvent, Team
from .common import audit, changed, locked_event

ORAL = "oral"
CHOICE_TYPES = {"single", "multiple", "true_false"}


# --- setup ---------------------------------------------------------------------------------------------


@transaction.atomic
def final_create(*, actor: Actor, org, title: str, date, venue: str = "") -> StageEvent:
    """A knowledge final: a stage event of kind final (the speech rules stay unused)."""
    check_host(actor, StageEvent(owner_org=org))
    return StageEvent.objects.create(
        kind=EventKind.FINAL, owner_org=org, title=title, date=date, venue=venue, created_by=actor.user
    )


@transaction.atomic
def team_add(*, actor: Actor, event: StageEvent, number: int, name: str, school: str, members: str = "") -> Team:
    check_host(actor, event)
    if event.kind != EventKind.FINAL:
        raise WrongState("只有知识竞赛决赛可以添加参赛队。")
    name, school, members = _team_fields(name, school, members)
    if not 1 <= int(number) <= 99:
        raise InvalidQuestion("队号须为 1–99。")
    try:
        with transaction.atomic():
            return Team.objects.create(event=event, number=number, name=name, school=school, members=members)
    except IntegrityError:
        raise InvalidQuestion(f"队号 {number} 已被使用。") from None


@transaction.atomic
def team_edit(*, actor: Actor, team: Team, name: str, school: str, members: str = "") -> Team:
    """Correct a team's name, school or members in place (its number, device and scores stay)."""
    check_host(actor, team.event)
    name, school, members = _team_fields(name, school, members)
    team.name, team.school, team.members = name, school, members
    team.save(update_fields=["name", "school", "members"])
    changed(team.event)
    return team


def _team_fields(name: str, school: str, members: str) -> tuple[str, str, str]:
    name, school = " ".join(str(name).split()), " ".join(str(school).split())
    members = "、".join(m.strip() for m in str(members).replace(",", "、").replace("，", "、").split("、") if m.strip())
    if not name or not school:
        raise InvalidQuestion("请填写队名和学校。")
    if len(name) > 50 or len(school) > 100 or len(members) > 200:
        raise InvalidQuestion("队名、学校或队员名单过长。")
    return name, school, members


@transaction.atomic
def team_link_issue(*, actor: Actor, team: Team, now: datetime) -> str:
    """A new QR link for the team's device; the previous one stops working."""
    check_host(actor, team.event)
    raw = secrets.token_urlsafe(24)
    team.link_hash, team.link_revoked_at, team.link_used_at, team.link_device = link_hash(raw), None, None, ""
    team.save(update_fields=["link_hash", "link_revoked_at", "link_used_at", "link_device"])
    audit(event=team.event, action=AuditAction.TEAM_LINK, actor=actor, now=now, team=team.number)
    changed(team.event)
    return raw


@transaction.atomic
def team_device_reset(*, actor: Actor, team: Team, now: datetime) -> None:
    """Free the team's link from its bound device (logged); the next device to open it takes it."""
    check_host(actor, team.event)
    team.link_device, team.link_used_at = "", None
    team.save(update_fields=["link_device", "link_used_at"])
    audit(event=team.event, action=AuditAction.TEAM_UNBIND, actor=actor, now=now, team=team.number)
    changed(team.event)


@transaction.atomic
def round_add(
    *,
    actor: Actor,
    event: StageEvent,
    kind: str,
    title: str,
    points: int = 10,
    answer_s: int = 30,
    buzz_window_s: int = 10,
    penalty: int = 10,
    risk_choices: tuple[int, ...] = (10, 20, 30),
) -> Round:
    check_host(actor, event)
    rules = _round_rules(kind, title, points, answer_s, buzz_window_s, penalty, risk_choices)
    last = event.rounds.order_by("-position").values_list("position", flat=True).first()
    position = 0 if last is None else last + 1
    return Round.objects.create(event=event, position=position, kind=kind, **rules)


def _round_rules(kind, title, points, answer_s, buzz_window_s, penalty, risk_choices) -> dict:
    """A round's checked rules (the add and the edit share them)."""
    if kind not in RoundKind.values:
        raise InvalidQuestion("未知的轮次类型。")
    title = " ".join(str(title).split()) or RoundKind(kind).label
    if len(title) > 50:
        raise InvalidQuestion("轮次名称不能超过 50 个字。")
    if not (0 <= points <= 1000 and 5 <= answer_s <= 600 and 1 <= buzz_window_s <= 120 and 0 <= penalty <= 1000):
        raise InvalidQuestion("分值 0–1000，答题时间 5–600 秒，抢答时限 1–120 秒，扣分 0–1000。")
    if kind == RoundKind.RISK and (not risk_choices or any(not 1 <= int(c) <= 1000 for c in risk_choices)):
        raise InvalidQuestion("风险题须至少有一个分值，每个分值为 1–1000。")
    return {
        "title": title,
        "points": points,
        "answer_s": answer_s,
        "buzz_window_s": buzz_window_s,
        "penalty": penalty,
        "risk_choices": sorted({int(c) for c in risk_choices}) if kind == RoundKind.RISK else [],
    }


@transaction.atomic
def round_edit(
    *,
    actor: Actor,
    round_: Round,
    title: str,
    points: int,
    answer_s: int,
    buzz_window_s: int,
    penalty: int,
    risk_choices: tuple[int, ...] = (),
) -> Round:
    """Change a round's name and rules in place (its kind stays) until one of its questions has been on
    stage: the rules a team played under never change afterwards."""
    round_.event = locked_event(round_.event_id)  # ordered against a question going on stage
    check_host(actor, round_.event)
    _untouched(round_)
    rules = _round_rules(round_.kind, title, points, answer_s, buzz_window_s, penalty, risk_choices)
    for field, value in rules.items():
        setattr(round_, field, value)
    round_.save(update_fields=list(rules))
    changed(round_.event)
    return round_


def _untouched(round_: Round) -> None:
    if round_.questions.filter(shown_at__isnull=False).exists() or round_.event.current_question_id in set(
        round_.questions.values_list("pk", flat=True)
    ):
        raise WrongState("该轮已有题目上过台，不能再调整。")


@transaction.atomic
def round_move(*, actor: Actor, round_: Round, up: bool) -> None:
    """Swap the round with its neighbour in the running order."""
    check_host(actor, round_.event)
    rounds = list(round_.event.rounds.select_for_update().order_by("position", "id"))
    i = next(i for i, r in enumerate(rounds) if r.pk == round_.pk)
    j = i - 1 if up else i + 1
    if not 0 <= j < len(rounds):
        return
    rounds[i], rounds[j] = rounds[j], rounds[i]
    for position, r in enumerate(rounds):
        if r.position != position:
            Round.objects.filter(pk=r.pk).update(position=position)
    changed(round_.event)


@transaction.atomic
def round_delete(*, actor: Actor, round_: Round, now: datetime) -> None:
    """Remove a round and its questions (reserved bank questions are released) before any went on stage."""
    check_host(actor, round_.event)
    _untouched(round_)
    audit(event=round_.event, action=AuditAction.QUESTION, actor=actor, now=now, deleted_round=round_.title)
    round_.delete()
    changed(round_.event)


@transaction.atomic
def question_delete(*, actor: Actor, question: FinalQuestion, now: datetime) -> None:
    """Remove a question that has not been on stage (a reserved bank question is released)."""
    event = question.round.event
    check_host(actor, event)
    if question.shown_at is not None or event.current_question_id == question.pk:
        raise WrongState("该题已上过台，不能删除。")
    audit(event=event, action=AuditAction.QUESTION, actor=actor, now=now, deleted_question=question.pk)
    question.delete()
    changed(event)


def _check_team_for_round(round_: Round, team: Team | None) -> None:
    if round_.kind in (RoundKind.REQUIRED, RoundKind.RISK) and team is None:
        raise InvalidQuestion("必答题和风险题需指定答题队伍。")
    if team is not None and team.event_id != round_.event_id:
        raise NoSuchThing()


def _day_question_fields(*, round_: Round, team: Team | None, stem: str, qtype: str, options, answer) -> list:
    """The checks a question entered for the day passes, on adding and on editing: choice questions like
    the bank's, oral ones carry only a reference answer. Returns the options to store."""
    _check_team_for_round(round_, team)
    options = options or []
    if qtype != ORAL:
        if qtype not in CHOICE_TYPES:
            raise InvalidQuestion("现场题只能是选择题、判断题或口答题。")
        try:
            validate_answer_shape(qtype=qtype, options=options, blank_count=0, answer=answer)
        except MalformedAnswer as exc:
            raise InvalidQuestion(str(exc)) from None
    if not stem.strip():
        raise InvalidQuestion("题干不能为空。")
    return options


@transaction.atomic
def question_add(
    *,
    actor: Actor,
    round_: Round,
    stem: str,
    qtype: str = ORAL,
    options: list | None = None,
    answer=None,
    answer_text: str = "",
    team: Team | None = None,
) -> FinalQuestion:
    """A question entered for the day. Choice questions are checked like the bank's; oral ones carry a
    reference answer the host reads."""
    check_host(actor, round_.event)
    options = _day_question_fields(round_=round_, team=team, stem=stem, qtype=qtype, options=options, answer=answer)
    return FinalQuestion.objects.create(
        round=round_,
        position=round_.questions.count(),
        team=team,
        qtype=qtype,
        stem=stem,
        options=options,
        answer=answer if answer is not None else [],
        answer_text=answer_text,
    )


@transaction.atomic
def question_edit(
    *,
    actor: Actor,
    question: FinalQuestion,
    round_: Round,
    stem: str,
    qtype: str = ORAL,
    options: list | None = None,
    answer=None,
    answer_text: str = "",
    team: Team | None = None,
    now: datetime,
) -> FinalQuestion:
    """Correct a question before it goes on stage. A question entered for the day can change in full; a
    reserved bank question keeps its frozen text (correct it in the bank and reserve it again) and can
    only move to another round or team. Moving to another round puts it last there. Audited."""
    question = FinalQuestion.objects.select_for_update().select_related("round__event").get(pk=question.pk)
    event = question.round.event
    check_host(actor, event)
    if round_.event_id != event.pk:
        raise NoSuchThing()
    if question.shown_at is not None or event.current_question_id == question.pk:
        raise WrongState("该题已上过台，不能修改。")
    if question.source_revision_id is not None:
        if (stem, qtype, options or [], answer if answer is not None else []) != (
            question.stem,
            question.qtype,
            question.options,
            question.answer,
        ):
            raise InvalidQuestion("题库题目的内容不能在此修改：请在题库中修改后重新选用。")
        _check_team_for_round(round_, team)
    else:
        options = _day_question_fields(round_=round_, team=team, stem=stem, qtype=qtype, options=options, answer=answer)
        question.stem, question.qtype, question.options = stem, qtype, options
        question.answer = answer if answer is not None else []
        question.answer_text = answer_text
    if round_.pk != question.round_id:
        question.position = round_.questions.count()
        question.round = round_
    question.team = team
    question.save()
    audit(event=event, action=AuditAction.QUESTION, actor=actor, now=now, edited_question=question.pk)
    changed(event)
    return question


@transaction.atomic
def question_reserve(*, actor: Actor, round_: Round, question: Question, team: Team | None = None) -> FinalQuestion:
    """Reserve a published bank question for this final: its current revision is copied (frozen) and can be
    reserved by one final only (a unique constraint), so the same item is not used on two stages."""
    check_host(actor, round_.event)
    _check_team_for_round(round_, team)
    revision = question.current_revision
    if question.status != QuestionStatus.PUBLISHED or revision is None:
        raise InvalidQuestion("只能选用已发布的题目。")
    if revision.qtype not in CHOICE_TYPES:
        raise InvalidQuestion("现场只能使用选择题或判断题。")
    from questionbank.secrecy import reservations

    if reservations(question_ids=[question.pk]):  # held secret by a formal contest (or another final)
        raise InvalidQuestion("该题目正被竞赛保密使用，不能用于现场。")
    try:
        with transaction.atomic():
            return FinalQuestion.objects.create(
                round=round_,
                position=round_.questions.count(),
                team=team,
                qtype=revision.qtype,
                stem=revision.stem,
                options=revision.options,
                answer=revision.answer,
                answer_text=revision.explanation[:300],
                source_revision=revision,
            )
    except IntegrityError:
        raise InvalidQuestion("该题目已被其他决赛预留。") from None
