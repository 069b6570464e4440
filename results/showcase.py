"""Public showcase of award-winning works (优秀作品展示): services and selectors.

Shown: works an organiser featured, whose award is published and whose author (and guardian) ticked
consent at submission, and which have not been withdrawn. Author names are never shown; the
school is."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import Scope

from .errors import ShowcaseError
from .models import ShowcaseItem

PAGE_SIZE = 10


def _check_manager(scope: Scope, contest) -> None:
    if not scope.manages(contest.owner_org):
        raise PermissionDenied


def _published_award(entry_ref: str = "entry"):
    from judging.models import Award

    return Award.objects.filter(entry=OuterRef(entry_ref), published_at__isnull=False)


def showcase_candidates(contest) -> QuerySet:
    """Entries with a published award, best rank first, annotated with tier/rank and their showcase
    state (for the organiser's page)."""
    from judging.models import Entry

    awards = _published_award("pk")
    items = ShowcaseItem.objects.filter(entry=OuterRef("pk"))
    return (
        Entry.objects.filter(contest=contest)
        .filter(Exists(awards))
        .annotate(
            award_tier=Subquery(awards.values("tier")[:1]),
            award_rank=Subquery(awards.values("rank")[:1]),
            item_id=Subquery(items.values("pk")[:1]),
            item_withdrawn_at=Subquery(items.values("withdrawn_at")[:1]),
        )
        .select_related("school", "author", "unit")
        .order_by("award_rank", "code")
    )


def showcase_feature(*, actor: User, scope: Scope, contest, entry_ids: list[int] | None = None) -> int:
    """Feature the given entries (or every consenting award winner when entry_ids is None). Entries
    without consent or without a published award are refused with a message. Re-featuring a withdrawn
    work puts it back. Returns how many are now featured."""
    _check_manager(scope, contest)
    candidates = showcase_candidates(contest)
    if entry_ids is not None:
        chosen = list(candidates.filter(pk__in=entry_ids))
        if len(chosen) != len(set(entry_ids)):
            raise ShowcaseError(_("只能展示已公布获奖的作品。"))
        refused = [e.code for e in chosen if not e.consent_public]
        if refused:
            raise ShowcaseError(_("作品 %(codes)s 的作者未同意公开展示。") % {"codes": "、".join(refused)})
    else:
        chosen = list(candidates.filter(consent_public=True))
    with transaction.atomic():
        for entry in chosen:
            item, created = ShowcaseItem.objects.get_or_create(
                entry=entry, defaults={"contest": contest, "featured_by": actor}
            )
            if not created and item.withdrawn_at is not None:
                item.withdrawn_at = None
                item.withdrawn_by = None
                item.withdrawn_reason = ""
                item.featured_by = actor
                item.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason", "featured_by"])
    return len(chosen)


def showcase_withdraw(*, actor: User, scope: Scope, item: ShowcaseItem, reason: str = "") -> ShowcaseItem:
    """Take a work off the public page at once."""
    _check_manager(scope, item.contest)
    with transaction.atomic():
        item = ShowcaseItem.objects.select_for_update().get(pk=item.pk)
        if item.withdrawn_at is None:
            item.withdrawn_at = timezone.now()
            item.withdrawn_by = actor
            item.withdrawn_reason = (reason or "").strip()[:200]
            item.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    return item


def showcase_public(contest) -> QuerySet[ShowcaseItem]:
    """What the public page shows, in award order. Consent and publication are checked here, on every
    request, not when the work was featured."""
    from judging.models import JUDGED_VERSION, EntryVersion

    awards = _published_award()
    version = EntryVersion.objects.filter(JUDGED_VERSION, entry=OuterRef("entry")).order_by("-number")
    return (
        ShowcaseItem.objects.filter(contest=contest, withdrawn_at__isnull=True, entry__consent_public=True)
        .filter(Exists(awards))
        .annotate(
            award_tier=Subquery(awards.values("tier")[:1]),
            award_rank=Subquery(awards.values("rank")[:1]),
            version_id=Subquery(version.values("pk")[:1]),
        )
        .select_related("entry__school")
        .order_by("award_rank", "entry__code")
    )


def attach_versions(items: list[ShowcaseItem]) -> list[ShowcaseItem]:
    """Load the shown version of each item on a page in one query."""
    from judging.models import EntryVersion

    versions = EntryVersion.objects.in_bulk([i.version_id for i in items if i.version_id])
    for item in items:
        item.version = versions.get(item.version_id)
    return items


def visible_item(contest, item_id: int) -> ShowcaseItem | None:
    return showcase_public(contest).filter(pk=item_id).first()
