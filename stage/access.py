"""Who may do what at a stage event. Every view, consumer and service asks these functions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.http import Http404

from accounts.models import Role
from accounts.selectors import scope_for

from .errors import NotAllowed
from .models import JudgeSeat, StageEvent


def link_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user (host/organiser), a judge seat, or both (a judge with an account)."""

    user: object | None = None
    seat: JudgeSeat | None = None
    team: object | None = None  # a final's team device (stage.models_final.Team)

    @property
    def user_id(self):
        return getattr(self.user, "pk", None)


def can_host(user, event: StageEvent) -> bool:
    """Organisers of the event's region (or above) and site admins run the event."""
    if user is None or not user.is_authenticated:
        return False
    scope = scope_for(user)
    return scope.is_admin or (scope.has_role(Role.ORGANISER) and scope.manages(event.owner_org))


def event_or_404(event_id: int) -> StageEvent:
    event = StageEvent.objects.select_related("owner_org").filter(pk=event_id).first()
    if event is None:
        raise Http404
    return event


def hosted_event(user, event_id: int) -> tuple[StageEvent, Actor]:
    """The event a host or organiser page acts on, refused unless `user` may host it."""
    event = event_or_404(event_id)
    if not can_host(user, event):
        raise NotAllowed()
    return event, Actor(user=user)


def seat_for_user(event: StageEvent, user) -> JudgeSeat | None:
    if user is None or not user.is_authenticated:
        return None
    return JudgeSeat.objects.filter(event=event, user=user).first()


def seat_for_link(event: StageEvent, raw: str | None) -> JudgeSeat | None:
    if not raw or len(raw) > 200:
        return None
    return JudgeSeat.objects.filter(event=event, link_hash=link_hash(raw), link_revoked_at__isnull=True).first()


def check_host(actor: Actor, event: StageEvent) -> None:
    if not can_host(actor.user, event):
        raise NotAllowed()


def check_head(actor: Actor, event: StageEvent) -> None:
    """The head judge, or the host, may lock and correct."""
    if actor.seat is not None and actor.seat.event_id == event.pk and actor.seat.is_head:
        return
    check_host(actor, event)


def display_matches(event: StageEvent, raw: str | None) -> bool:
    import hmac

    return bool(raw) and hmac.compare_digest(event.display_token, raw)


def team_for_link(event: StageEvent, raw: str | None):
    from .models import Team

    if not raw or len(raw) > 200:
        return None
    return Team.objects.filter(event=event, link_hash=link_hash(raw), link_revoked_at__isnull=True).first()


def check_team(actor: Actor, team) -> None:
    """A team device acts only for its own team."""
    if actor.team is None or actor.team.pk != team.pk:
        raise NotAllowed()
