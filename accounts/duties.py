"""Where a person serves beyond their memberships — judging panels, contests — as reported by the apps
that hold those duties (they register a source at start-up; accounts never imports them).

Account administration asks `account_manageable`: a district organiser may manage (edit, reset the
password of) a staff account whose memberships all sit in their district only when every duty it serves
also lies in their region. Otherwise only an organiser above all of them, or a site admin, may: resetting
a judge's password would let an organiser score a city contest as that judge."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .models import Organization, User
from .selectors import Scope

DutySource = Callable[[User], Iterable[Organization]]
_sources: list[DutySource] = []


def duty_source(source: DutySource) -> DutySource:
    """Register `source(user)` → the organisations owning what `user` serves in (idempotent)."""
    if source not in _sources:
        _sources.append(source)
    return source


def duty_orgs(user: User) -> list[Organization]:
    found: dict[int, Organization] = {}
    for source in _sources:
        for org in source(user):
            found.setdefault(org.pk, org)
    return list(found.values())


def account_manageable(*, scope: Scope, target: User) -> bool:
    """Whether the holder of `scope` may manage `target` as far as duties go (membership scope is
    checked by the caller): admins always; others only if they manage the owner of every duty."""
    if scope.is_admin:
        return True
    return all(scope.manages(org) for org in duty_orgs(target))
