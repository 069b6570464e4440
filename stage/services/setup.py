"""Before the day: the event and its rules, performers (by hand, from xlsx, from an essay contest's
awards), judge seats and their links, the commit-reveal draw and the screen secret."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Organization

from .. import draw
from ..access import Actor, check_host, link_hash
from ..errors import DrawError, NoSuchThing, StageError
from ..models import AuditAction, AuditEntry, Category, Criterion, JudgeSeat, Performer, StageEvent, new_secret
from .common import audit, changed, locked_event


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    max_points: Decimal
    min_points: Decimal = Decimal(0)
    weight: Decimal = Decimal(1)


@transaction.atomic
def event_create(
    *,
    actor: Actor,
    org: Organization,
    title: str,
    date: date,
    venue: str = "",
    categories: list[str],
    criteria: list[CriterionSpec],
    **rules,
) -> StageEvent:
    """rules: any StageEvent rule field (decimals, time_limit_s, warning_s, overtime_*, award_*, …)."""
    probe = StageEvent(owner_org=org)
    check_host(actor, probe)
    if not categories or not criteria:
        raise StageError(_("至少需要一个组别和一个评分项。"))
    for spec in criteria:
        if Decimal(spec.min_points) > Decimal(spec.max_points):
            raise StageError(_("评分项“%(name)s”的最低分高于最高分。") % {"name": spec.name})
    event = StageEvent.objects.create(
        owner_org=org, title=title, date=date, venue=venue, created_by=actor.user, **rules
    )
    for i, name in enumerate(categories):
        Category.objects.create(event=event, name=name, position=i)
    for i, spec in enumerate(criteria):
        Criterion.objects.create(
            event=event,
            name=spec.name,
            max_points=spec.max_points,
            min_points=spec.min_points,
            weight=spec.weight,
            position=i,
        )
    return event


def _check_roster_open(event: StageEvent) -> None:
    """Caller is in a transaction; the row lock orders this against a concurrent commitment."""
    if locked_event(event.pk).draw_commitment:
        raise DrawError(_("承诺值已公布，选手名单已冻结。"))


@transaction.atomic
def performer_add(
    *,
    actor: Actor,
    event: StageEvent,
    category: str,
    name: str,
    unit: str = "",
    speech_title: str = "",
    code: str = "",
    unit_org: Organization | None = None,
    user=None,
    now: datetime,
) -> Performer:
    check_host(actor, event)
    _check_roster_open(event)
    cat = Category.objects.filter(event=event, name=category.strip()).first()
    if cat is None:
        raise StageError(_("没有名为“%(name)s”的组别。") % {"name": category})
    if not name.strip():
        raise StageError(_("选手姓名不能为空。"))
    code = code.strip() or f"P{event.performers.count() + 1:03d}"
    try:
        with transaction.atomic():
            return Performer.objects.create(
                event=event,
                category=cat,
                code=code,
                name=name.strip()[:50],
                unit=unit.strip()[:100],
                speech_title=speech_title.strip()[:200],
                unit_org=unit_org or _org_named(unit),
                user=user,
            )
    except IntegrityError:
        raise StageError(_("报名号“%(code)s”重复。") % {"code": code}) from None


@transaction.atomic
def performer_remove(*, actor: Actor, performer: Performer) -> None:
    """Take a performer off the roster (withdrawn, or entered twice) while it is still open: once the
    commitment is published the roster is frozen. A performer named in the audit log (a declared
    conflict) stays: that record must keep pointing at them."""
    event = performer.event
    check_host(actor, event)
    _check_roster_open(event)
    if AuditEntry.objects.filter(performer=performer).exists():
        raise StageError(_("该选手已有登记记录（如回避申报），不能删除。"))
    performer.delete()
    changed(event)


def _org_named(unit: str) -> Organization | None:
    """A unit written as a school's exact name links the performer to it (for same-school conflicts)."""
    unit = (unit or "").strip()
    if not unit:
        return None
    matches = list(Organization.objects.filter(name=unit, kind__in=["school", "station"])[:2])
    return matches[0] if len(matches) == 1 else None


@transaction.atomic
def performers_from_awards(*, actor: Actor, event: StageEvent, contest, category: str, now: datetime) -> int:
    """Take an essay contest's published winners as performers (name, school, work title). A unit's entry
    goes on stage as the unit (its name and tree node, no account): whoever of its staff first submitted it
    is not the performer, and its certificate names the unit (stage.certificates)."""
    from judging.selectors import published_awards

    added = 0
    for award in published_awards(contest):
        entry = award.entry
        version = entry.saved_version()
        place = entry.unit if entry.unit_id else entry.school
        performer_add(
            actor=actor,
            event=event,
            category=category,
            name=entry.unit.name[:50] if entry.unit_id else entry.author.display_name,
            unit=place.name if place is not None else "",
            unit_org=place,
            speech_title=version.title if version else "",
            user=None if entry.unit_id else entry.author,
            now=now,
        )
        added += 1
    audit(event=event, action=AuditAction.IMPORT, actor=actor, now=now, source="judging", count=added)
    return added


@transaction.atomic
def seat_add(
    *,
    actor: Actor,
    event: StageEvent,
    number: int,
    name: str,
    user=None,
    is_head: bool = False,
    unit_org: Organization | None = None,
) -> JudgeSeat:
    check_host(actor, event)
    if JudgeSeat.objects.filter(event=event, number=number).exists():
        raise StageError(_("席位号 %(n)s 已存在。") % {"n": number})
    if is_head:
        JudgeSeat.objects.filter(event=event, is_head=True).update(is_head=False)
    return JudgeSeat.objects.create(
        event=event, number=number, name=name.strip()[:50], user=user, is_head=is_head, unit_org=unit_org
    )


def org_named(unit: str) -> Organization | None:
    return _org_named(unit)


@transaction.atomic
def conflict_declare(*, actor: Actor, seat: JudgeSeat, performer: Performer, now: datetime) -> None:
    """A judge declared in conflict with a performer is skipped for that performer (the aggregation
    lists the skipped seat). Refused once that judge has scored the performer: correct it instead."""
    check_host(actor, seat.event)
    if performer.event_id != seat.event_id:
        raise NoSuchThing()
    if seat.scores.filter(performer=performer).exists():
        raise StageError(_("该评委已为此选手评分，不能再申报回避。"))
    seat.conflicts.add(performer)
    audit(
        event=seat.event,
        action=AuditAction.CONFLICT,
        actor=actor,
        now=now,
        performer=performer,
        seat_number=seat.number,
    )
    changed(seat.event)


@transaction.atomic
def seat_link_issue(*, actor: Actor, seat: JudgeSeat, now: datetime) -> str:
    """A new link token for the seat (shown once, as a QR); the previous link stops working."""
    check_host(actor, seat.event)
    raw = secrets.token_urlsafe(24)
    seat.link_hash, seat.link_revoked_at, seat.link_used_at, seat.link_device = link_hash(raw), None, None, ""
    seat.save(update_fields=["link_hash", "link_revoked_at", "link_used_at", "link_device"])
    audit(event=seat.event, action=AuditAction.SEAT_LINK, actor=actor, now=now, seat_number=seat.number)
    return raw


@transaction.atomic
def seat_link_revoke(*, actor: Actor, seat: JudgeSeat, now: datetime) -> None:
    check_host(actor, seat.event)
    seat.link_revoked_at = now
    seat.save(update_fields=["link_revoked_at"])
    audit(event=seat.event, action=AuditAction.SEAT_REVOKE, actor=actor, now=now, seat_number=seat.number)
    changed(seat.event)  # connected devices of that seat re-check and are closed


@transaction.atomic
def seat_device_reset(*, actor: Actor, seat: JudgeSeat, now: datetime) -> None:
    """Free the seat's link from the device it is bound to (a judge's phone died): the next device to open
    the same link takes the seat. Logged; devices still connected re-check and the old one is closed once
    another device has claimed the link."""
    check_host(actor, seat.event)
    seat.link_device, seat.link_used_at = "", None
    seat.save(update_fields=["link_device", "link_used_at"])
    audit(event=seat.event, action=AuditAction.SEAT_UNBIND, actor=actor, now=now, seat_number=seat.number)
    changed(seat.event)


@transaction.atomic
def display_rotate(*, actor: Actor, event: StageEvent, now: datetime) -> str:
    check_host(actor, event)
    event.display_token = new_secret()
    event.save(update_fields=["display_token"])
    audit(event=event, action=AuditAction.DISPLAY_ROTATE, actor=actor, now=now)
    changed(event)
    return event.display_token


def _roster(event: StageEvent) -> list[tuple[str, list[str]]]:
    out = []
    for cat in event.categories.all():
        out.append((cat.name, list(cat.performers.order_by("code").values_list("code", flat=True))))
    return out


def roster_digest(event: StageEvent) -> str:
    return draw.roster_digest((name, code) for name, codes in _roster(event) for code in codes)


@transaction.atomic
def draw_commit(
    *, actor: Actor, event_id: int, public_input_rule: str, now: datetime, seed: str | None = None
) -> StageEvent:
    """Publish SHA-256(seed) and the rule for the public input; freezes the roster. The seed stays on
    the server, unseen, until the draw reveals it."""
    event = locked_event(event_id)
    check_host(actor, event)
    if event.drawn_at is not None:
        raise DrawError(_("已经抽签。"))
    if not public_input_rule.strip():
        raise DrawError(_("请写明公开输入的来源（例如某日的福彩开奖号码）。"))
    if not event.performers.exists():
        raise DrawError(_("还没有选手。"))
    seed = seed or draw.new_seed()
    event.draw_seed, event.draw_commitment = seed, draw.commitment(seed)
    event.draw_public_input_rule, event.draw_committed_at = public_input_rule.strip()[:300], now
    event.draw_roster_digest = roster_digest(event)
    event.save()
    audit(event=event, action=AuditAction.DRAW_COMMIT, actor=actor, now=now, commitment=event.draw_commitment)
    changed(event)
    return event


@transaction.atomic
def draw_perform(*, actor: Actor, event_id: int, public_input: str, now: datetime) -> list[Performer]:
    """Compute and store the running order from the committed seed and the public input; reveal the
    seed. Refused if the roster changed since the commitment."""
    event = locked_event(event_id)
    check_host(actor, event)
    if not event.draw_commitment:
        raise DrawError(_("请先公布承诺值。"))
    if event.drawn_at is not None:
        raise DrawError(_("已经抽签，出场顺序已冻结。"))
    public_input = public_input.strip()
    if not public_input:
        raise DrawError(_("请填写公开输入。"))
    if roster_digest(event) != event.draw_roster_digest:
        raise DrawError(_("选手名单在公布承诺值后发生了变化，不能抽签。"))
    codes = draw.draw_order(event.draw_seed, public_input, _roster(event))
    by_code = {p.code: p for p in event.performers.all()}
    for i, code in enumerate(codes, start=1):
        by_code[code].running_order = i
    Performer.objects.bulk_update(by_code.values(), ["running_order"])
    event.draw_public_input, event.drawn_at = public_input[:200], now
    event.save(update_fields=["draw_public_input", "drawn_at"])
    audit(event=event, action=AuditAction.DRAW, actor=actor, now=now, public_input=public_input, order=codes)
    changed(event)
    return [by_code[c] for c in codes]


def event_or_404(event_id) -> StageEvent:
    event = StageEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise NoSuchThing()
    return event
