"""Contest secrecy: which questions are reserved — their keys and explanations withheld — and until when.

A formal contest reserves the questions its paper can draw from the moment it is published until it
closes (indefinitely when it never publishes its answers). Reservations are computed from the contests
on every call, never stored, so publishing, re-scheduling or closing a contest changes secrecy at once
and nothing can drift. The bank does not import the apps that hold contests: they register a source
at start-up (competitions/apps.py), and every door — question pages, exports, practice papers, attempt
reviews — asks `reservations` / `KeyViewer` here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

# What an export writes in the answer cell of a question whose key the exporter may not see; the
# importer reads a row carrying it (and its 编号) as "unchanged", so export → re-import stays lossless.
WITHHELD_MARK = "【保密】"


@dataclass(frozen=True)
class Reservation:
    question_id: int
    holder: str  # "<app>.<model>:<pk>", e.g. "competitions.contest:12"
    title: str
    until: datetime | None  # None: indefinitely (the contest never publishes its answers)
    owner_org: object  # accounts.Organization: its organisers may see the keys


Source = Callable[..., Iterable[Reservation]]
_sources: list[Source] = []


def reservation_source(source: Source) -> Source:
    """Register `source(*, now, question_ids)` → Reservations in force at `now` (all questions when
    `question_ids` is None). Idempotent, so a reloaded app does not count twice."""
    if source not in _sources:
        _sources.append(source)
    return source


def reservations(
    *, now: datetime | None = None, question_ids: Iterable[int] | None = None, exclude_holder: str = ""
) -> dict[int, list[Reservation]]:
    """question id → the reservations in force at `now`."""
    now = now or timezone.now()
    ids = None if question_ids is None else {int(q) for q in question_ids}
    found: dict[int, list[Reservation]] = {}
    if ids is not None and not ids:
        return found
    for source in _sources:
        for r in source(now=now, question_ids=ids):
            if r.holder == exclude_holder or (r.until is not None and r.until <= now):
                continue
            if ids is None or r.question_id in ids:
                found.setdefault(r.question_id, []).append(r)
    return found


def reserved_until(found: list[Reservation]) -> datetime | None:
    """When the last of these reservations ends; None when one of them never ends."""
    if any(r.until is None for r in found):
        return None
    return max(r.until for r in found)


def reserved_label(found: list[Reservation]) -> str:
    """ "保密至 2026-12-01 10:00" / "长期保密" for the bank's lists."""
    until = reserved_until(found)
    if until is None:
        return _("长期保密（竞赛不公布答案）")
    return _("保密至 %(until)s") % {"until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M")}


class KeyViewer:
    """Who may see reserved keys: the bank's reviewers, and organisers who manage the owner of every
    contest holding the question. Built once per request; `sees(found)` is then query-free."""

    def __init__(self, user):
        from accounts.selectors import scope_for

        from .permissions import can_review

        self.authenticated = bool(getattr(user, "is_authenticated", False))
        self.reviewer = self.authenticated and can_review(user)
        self.scope = scope_for(user) if self.authenticated else None

    def sees(self, found: list[Reservation] | None) -> bool:
        if not found or self.reviewer:
            return True
        return self.scope is not None and all(self.scope.manages(r.owner_org) for r in found)


def hidden_keys(
    user, question_ids: Iterable[int] | None = None, *, now: datetime | None = None
) -> dict[int, list[Reservation]]:
    """The questions (of `question_ids`, or all) whose keys `user` may not see, with their reservations."""
    viewer = KeyViewer(user)
    found = reservations(now=now, question_ids=question_ids)
    return {qid: rs for qid, rs in found.items() if not viewer.sees(rs)}
