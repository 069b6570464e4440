"""Writes of the playlist app: consent, curation, poster and captions, and view counting."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.selectors import Scope
from judging.models import Entry

from . import captions, media, selectors
from .errors import ConsentError, PlaylistError
from .models import (
    ConsentAction,
    ConsentRecord,
    ConsentRole,
    Playlist,
    PlaylistItem,
    VideoConsent,
    VideoStats,
    VideoViewMark,
)

# --- consent ------------------------------------------------------------------------------------


def _record(entry, action, *, actor, role, show_name=False, show_school=False, family_note="", now):
    ConsentRecord.objects.create(
        entry=entry,
        action=action,
        show_name=show_name,
        show_school=show_school,
        actor=actor,
        actor_role=role,
        family_note=family_note,
        created_at=now,
    )


def consent_grant(
    *, actor: User, entry: Entry, show_name: bool, show_school: bool, family_note: str = "", now=None
) -> VideoConsent:
    """The entrant's side agrees to public playing, choosing whether the name and the school are shown.
    A teacher acting for a family must say how the family agreed."""
    role = selectors.consent_role(actor, entry)
    if role is None:
        raise PermissionDenied
    family_note = (family_note or "").strip()[:200]
    if role == ConsentRole.TEACHER and not family_note:
        raise ConsentError(_("代学生家庭授权时，请注明家长同意的方式（如：家长签字的同意书）。"))
    now = now or timezone.now()
    with transaction.atomic():
        consent, _created = VideoConsent.objects.select_for_update().update_or_create(
            entry=entry,
            defaults={
                "granted": True,
                "show_name": show_name,
                "show_school": show_school,
                "changed_by": actor,
                "changed_as": role,
                "changed_at": now,
            },
        )
        _record(
            entry,
            ConsentAction.GRANT,
            actor=actor,
            role=role,
            show_name=show_name,
            show_school=show_school,
            family_note=family_note,
            now=now,
        )
    return consent


def consent_withdraw(*, actor: User, entry: Entry, now=None) -> None:
    """Takes the video off every playlist at once (the items are deleted: granting again does not put
    it back without an organiser choosing it)."""
    role = selectors.consent_role(actor, entry)
    if role is None:
        if not selectors.may_withdraw_for_entrant(actor, entry):
            raise PermissionDenied
        role = ConsentRole.ORGANISER
    now = now or timezone.now()
    with transaction.atomic():
        VideoConsent.objects.update_or_create(
            entry=entry,
            defaults={"granted": False, "changed_by": actor, "changed_as": role, "changed_at": now},
        )
        items = list(PlaylistItem.objects.filter(entry=entry))
        PlaylistItem.objects.filter(pk__in=[i.pk for i in items]).delete()
        _record(entry, ConsentAction.WITHDRAW, actor=actor, role=role, now=now)
        transaction.on_commit(lambda: _delete_files(items))


def _delete_files(items) -> None:
    for item in items:
        for field in (item.poster, item.captions):
            if field:
                field.storage.delete(field.name)


# --- curation -----------------------------------------------------------------------------------


def _check_manager(scope: Scope, org: Organization) -> None:
    if not scope.manages(org):
        raise PermissionDenied


def playlist_create(*, actor: User, scope: Scope, title: str, description: str, owner_org: Organization) -> Playlist:
    _check_manager(scope, owner_org)
    title = (title or "").strip()
    if not title:
        raise PlaylistError(_("请填写展播列表名称。"))
    return Playlist.objects.create(
        title=title[:100], description=(description or "").strip()[:2000], owner_org=owner_org, created_by=actor
    )


def playlist_set_public(*, scope: Scope, playlist: Playlist, public: bool) -> Playlist:
    _check_manager(scope, playlist.owner_org)
    playlist.is_public = public
    playlist.save(update_fields=["is_public"])
    return playlist


def item_add(*, actor: User, scope: Scope, playlist: Playlist, entry_id: int) -> PlaylistItem:
    """Only an awarded video with standing consent, from the playlist's region, can be added."""
    _check_manager(scope, playlist.owner_org)
    entry = selectors.candidates(playlist).filter(pk=entry_id).first()
    if entry is None:
        raise PlaylistError(_("只能加入本区域已公布获奖、且已授权公开的视频作品。"))
    with transaction.atomic():
        last = PlaylistItem.objects.filter(playlist=playlist).aggregate(m=Max("position"))["m"]
        try:
            with transaction.atomic():
                return PlaylistItem.objects.create(
                    playlist=playlist, entry=entry, position=(last or 0) + 1, added_by=actor
                )
        except IntegrityError as exc:
            raise PlaylistError(_("该作品已在列表中。")) from exc


def item_remove(*, scope: Scope, item: PlaylistItem) -> None:
    _check_manager(scope, item.playlist.owner_org)
    item.delete()
    transaction.on_commit(lambda: _delete_files([item]))


def item_move(*, scope: Scope, item: PlaylistItem, step: int) -> None:
    """Swap with the neighbour above (step=-1) or below (step=1); positions are renumbered 1..n."""
    _check_manager(scope, item.playlist.owner_org)
    with transaction.atomic():
        items = list(PlaylistItem.objects.select_for_update().filter(playlist=item.playlist).order_by("position", "id"))
        index = next(i for i, it in enumerate(items) if it.pk == item.pk)
        target = index + (1 if step > 0 else -1)
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
        for position, it in enumerate(items, start=1):
            if it.position != position:
                PlaylistItem.objects.filter(pk=it.pk).update(position=position)


def _replace_file(item: PlaylistItem, field_name: str, name: str, data: bytes) -> None:
    field = getattr(item, field_name)
    old = field.name if field else ""
    field.save(f"{item.entry.code}-{get_random_string(10)}{name}", ContentFile(data), save=False)
    item.save(update_fields=[field_name, *(["captions_label"] if field_name == "captions" else [])])
    if old:
        storage = field.storage
        transaction.on_commit(lambda: storage.delete(old))


def item_set_poster(*, scope: Scope, item: PlaylistItem, upload) -> None:
    _check_manager(scope, item.playlist.owner_org)
    _replace_file(item, "poster", ".jpg", media.rebuild_poster(upload))


def item_set_captions(*, scope: Scope, item: PlaylistItem, upload, label: str = "") -> None:
    _check_manager(scope, item.playlist.owner_org)
    cleaned = captions.clean_vtt(upload.read(captions.MAX_BYTES + 1))  # a larger file is refused unread
    item.captions_label = (label or "").strip()[:20] or _("中文字幕")
    _replace_file(item, "captions", ".vtt", cleaned)


def item_clear_media(*, scope: Scope, item: PlaylistItem, field_name: str) -> None:
    _check_manager(scope, item.playlist.owner_org)
    field = getattr(item, field_name)
    if field:
        old, storage = field.name, field.storage
        setattr(item, field_name, "")
        item.save(update_fields=[field_name])
        transaction.on_commit(lambda: storage.delete(old))


# --- view counts --------------------------------------------------------------------------------


def _seconds_left_today(now) -> int:
    local = timezone.localtime(now)
    tomorrow = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=local.tzinfo)
    return max(60, int((tomorrow - local).total_seconds()))


def record_play(*, entry_id: int, viewer: str, address: str, capped: bool, now=None) -> bool:
    """Count one play of a video: once per viewer per video per (local) day. `viewer` and `address` are
    the day-salted hashes from playlist.viewers. A `capped` viewer (an anonymous cookie, which anyone can
    throw away) is counted only while its address has fewer than PLAYLIST_VIEWERS_PER_ADDRESS viewers of
    this video today. Returns whether the play was counted. A repeat costs one cache lookup."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    seen_key = f"playlist:seen:{entry_id}:{day.isoformat()}:{viewer}"
    if not cache.add(seen_key, 1, timeout=_seconds_left_today(now)):
        return False
    limit = getattr(settings, "PLAYLIST_VIEWERS_PER_ADDRESS", 20)
    marks = VideoViewMark.objects.filter(entry_id=entry_id, day=day)
    if capped and marks.filter(address=address).count() >= limit:
        return False
    VideoStats.objects.get_or_create(entry_id=entry_id)
    try:
        with transaction.atomic():
            VideoViewMark.objects.create(entry_id=entry_id, day=day, viewer=viewer, address=address)
            VideoStats.objects.filter(entry_id=entry_id).update(views=F("views") + 1)
    except IntegrityError:
        return False  # counted already (cache evicted or another process raced us)
    return True


def prune_view_marks(*, keep_days: int = 2, now=None) -> int:
    """The per-day marks are needed only for de-duplication; older ones are deleted."""
    cutoff = timezone.localdate(now or timezone.now()) - dt.timedelta(days=keep_days)
    deleted, _rows = VideoViewMark.objects.filter(day__lt=cutoff).delete()
    return deleted
