"""Reads of the playlist app: what the public may see (checked on every request), what an organiser may
add, and who may speak for an entry's consent."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Organization, Role, User
from accounts.selectors import scope_for, student_class, under_paths_q
from judging.entrants import staffed_units
from judging.models import (
    JUDGED_VERSION,
    KIND_FILE_TYPES,
    Award,
    AwardTier,
    ContestKind,
    Entry,
    EntryVersion,
)

from .models import ConsentRole, Playlist, PlaylistItem

VIDEO_TYPES = sorted(KIND_FILE_TYPES[ContestKind.VIDEO])
PAGE_SIZE = 12


def _published_award(ref: str):
    return Award.objects.filter(entry=OuterRef(ref), published_at__isnull=False)


def _judged_version(ref: str):
    return EntryVersion.objects.filter(JUDGED_VERSION, entry=OuterRef(ref)).order_by("-number")


def _publishable(qs: QuerySet, prefix: str) -> QuerySet:
    """Entries (or rows reaching them through `prefix`) that may be played in public right now: a video
    contest, a published award, standing consent, a rebuilt video as the judged version."""
    ref = f"{prefix}pk" if not prefix else prefix.rstrip("_")
    awards = _published_award(ref)
    version = _judged_version(ref)
    return (
        qs.filter(**{f"{prefix}contest__kind": ContestKind.VIDEO, f"{prefix}video_consent__granted": True})
        .filter(Exists(awards))
        .annotate(
            award_tier=Subquery(awards.values("tier")[:1]),
            award_rank=Subquery(awards.values("rank")[:1]),
            version_id=Subquery(version.values("pk")[:1]),
            version_file_type=Subquery(version.values("file_type")[:1]),
            views=view_count(prefix),
        )
        .filter(version_file_type__in=VIDEO_TYPES)
    )


def _items(qs: QuerySet[PlaylistItem]) -> QuerySet[PlaylistItem]:
    return _publishable(qs, "entry__").select_related(
        "entry__contest", "entry__school", "entry__author", "entry__video_consent"
    )


def public_playlists() -> QuerySet[Playlist]:
    return Playlist.objects.filter(is_public=True).select_related("owner_org")


def visible_items(playlist: Playlist) -> QuerySet[PlaylistItem]:
    """What the public page shows, in the organiser's order. Empty unless the playlist is public."""
    return _items(PlaylistItem.objects.filter(playlist=playlist, playlist__is_public=True)).order_by("position", "id")


def visible_item(playlist_id: int, item_id: int) -> PlaylistItem | None:
    """One item, only while it may be played; with its judged version attached as `.version`."""
    item = _items(PlaylistItem.objects.filter(pk=item_id, playlist_id=playlist_id, playlist__is_public=True)).first()
    if item is None:
        return None
    item.version = EntryVersion.objects.filter(pk=item.version_id).first()
    return item if item.version is not None and item.version.file else None


def decorate(items: list[PlaylistItem]) -> list[PlaylistItem]:
    """Labels the templates show: title, award, and the author only as far as consent allows."""
    versions = EntryVersion.objects.in_bulk([i.version_id for i in items if i.version_id])
    tiers = dict(AwardTier.choices)
    team = {}
    if any(i.entry.video_consent.show_name for i in items):
        for entry in Entry.objects.filter(pk__in=[i.entry_id for i in items]).prefetch_related("team_members"):
            team[entry.pk] = [m.real_name or m.username for m in entry.team_members.all()]
    for item in items:
        consent = item.entry.video_consent
        version = versions.get(item.version_id)
        item.title = version.title if version else item.entry.code
        item.content_type = {"mp4": "video/mp4", "webm": "video/webm"}.get(item.version_file_type, "video/mp4")
        item.tier_label = tiers.get(item.award_tier, "")
        unit = entry_unit(item.entry)
        if consent.show_name and unit is None:
            names = [item.entry.author.real_name or item.entry.author.username, *team.get(item.entry_id, [])]
            item.author_label = "、".join(names)
        else:
            item.author_label = ""
        place = unit or item.entry.school
        item.school_label = place.name if consent.show_school and place is not None else ""
    return items


def manage_items(playlist: Playlist) -> list[PlaylistItem]:
    """Every item of a playlist for its organiser, each marked `.playable` (would be shown if public)."""
    playable = set(_items(PlaylistItem.objects.filter(playlist=playlist)).values_list("pk", flat=True))
    items = list(
        PlaylistItem.objects.filter(playlist=playlist)
        .annotate(views=view_count("entry__"))
        .select_related("entry__contest", "entry__video_consent")
        .order_by("position", "id")
    )
    for item in items:
        item.playable = item.pk in playable
    return items


def view_count(prefix: str = ""):
    """The one view figure, for the public page, the beacon's answer and the organiser's page."""
    return Coalesce(F(f"{prefix}video_stats__views"), 0)


def region_q(org: Organization, prefix: str = "") -> Q:
    """Entries belonging to a region: its contests' entries, and its schools' entries in wider contests."""
    return Q(**{f"{prefix}contest__owner_org__path__startswith": org.path}) | Q(
        **{f"{prefix}school__path__startswith": org.path}
    )


def candidates(playlist: Playlist) -> QuerySet[Entry]:
    """Awarded, consented videos of the playlist's region not yet in it, best award first."""
    return (
        _publishable(Entry.objects.filter(region_q(playlist.owner_org)), "")
        .exclude(playlist_items__playlist=playlist)
        .select_related("contest", "school")
        .order_by("contest_id", "award_rank", "code")
    )


def managed_playlists(user: User) -> QuerySet[Playlist]:
    scope = scope_for(user)
    qs = Playlist.objects.select_related("owner_org")
    if scope.is_admin:
        return qs
    return qs.filter(scope.orgs_q("owner_org", roles=(Role.ORGANISER,)))


# --- consent ------------------------------------------------------------------------------------


def entry_unit(entry: Entry) -> Organization | None:
    """The unit (school or station) an entry was made by as itself (contests whose entrants are units);
    None for personal entries."""
    return entry.unit if entry.unit_id else None


def consent_role(user: User, entry: Entry) -> str | None:
    """In which capacity `user` may grant or withdraw consent for `entry`, or None."""
    if not user.is_authenticated:
        return None
    unit = entry_unit(entry)
    if unit is not None:  # a unit's entry speaks for the unit, whoever of its staff submitted it
        staff = any(u.pk == unit.pk for u in staffed_units(user))
        return ConsentRole.UNIT_STAFF if staff else None
    if entry.author_id == user.pk or entry.team_members.filter(pk=user.pk).exists():
        return ConsentRole.ENTRANT
    scope = scope_for(user)
    klass = student_class(entry.author)
    if klass is not None and scope.teaches(klass):
        return ConsentRole.TEACHER
    return None


def may_withdraw_for_entrant(user: User, entry: Entry) -> bool:
    """Organisers of the contest's or the school's region record a withdrawal the family asked for
    (they can never grant)."""
    scope = scope_for(user)
    return scope.manages(entry.contest.owner_org) or scope.manages(entry.school)


def consentable_entries(user: User) -> QuerySet[Entry]:
    """Video entries this user may decide consent for: their own, their units' and their students'."""
    scope = scope_for(user)
    q = Q(author=user) | Q(team_members=user) | Q(unit__in=[u.pk for u in staffed_units(user)])
    if scope.taught_paths:
        q |= Q(author__memberships__role=Role.STUDENT) & under_paths_q(scope.taught_paths, "author__memberships__org")
    return (
        Entry.objects.filter(contest__kind=ContestKind.VIDEO)
        .filter(q)
        .distinct()
        .select_related("contest", "author", "video_consent")
        .order_by("-contest__closes_at", "code")
    )
