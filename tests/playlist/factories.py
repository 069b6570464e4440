"""A video contest with awarded, consented entries in a public playlist."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Organization
from judging.models import ContestKind, Entry, EntryVersion
from playlist.models import ConsentRole, Playlist, PlaylistItem, VideoConsent
from tests.results.factories import award, make_submission_contest

# 1000 distinct bytes, so every range has a checkable content
VIDEO_BYTES = bytes(range(256)) * 3 + bytes(range(232))


def make_video_contest(owner, **kw):
    kw.setdefault("title", "优秀活动微视频")
    return make_submission_contest(owner=owner, kind=ContestKind.VIDEO, code_prefix="SP", **kw)


def make_video_entry(contest, author, klass, *, code, title="我的家乡", data=VIDEO_BYTES, file_type="mp4"):
    school = klass.parent
    district = Organization.objects.get(pk=klass.ancestor_ids()[1])
    entry = Entry.objects.create(contest=contest, code=code, author=author, school=school, district=district)
    version = EntryVersion(entry=entry, number=1, title=title, file_type=file_type, file_size=len(data))
    version.file.save(f"{code}.{file_type}", ContentFile(data), save=False)
    version.save()
    return entry


def consent(entry, by, *, show_name=False, show_school=False, role=ConsentRole.ENTRANT):
    return VideoConsent.objects.create(
        entry=entry,
        granted=True,
        show_name=show_name,
        show_school=show_school,
        changed_by=by,
        changed_as=role,
        changed_at=timezone.now(),
    )


class VideoWorld:
    """Tree + a city video contest: `shown` (awarded, consented, in the public playlist), `no_consent`
    (awarded, in the playlist, never consented), `unawarded` (consented, no award)."""

    def __init__(self, tree):
        self.t = tree
        self.contest = make_video_contest(tree.city)
        self.shown = make_video_entry(self.contest, tree.student_a, tree.class_a, code="SP-0001", title="江海新风")
        self.no_consent = make_video_entry(self.contest, tree.student_b, tree.class_b, code="SP-0002", title="不公开")
        from tests.factories import make_student

        self.unawarded = make_video_entry(
            self.contest, make_student(tree.class_a), tree.class_a, code="SP-0003", title="未获奖"
        )
        award(self.shown, "first", 1)
        award(self.no_consent, "second", 2)
        consent(self.shown, tree.student_a, show_school=True)
        consent(self.unawarded, self.unawarded.author)
        self.playlist = Playlist.objects.create(
            title="2026 优秀微视频", owner_org=tree.city, is_public=True, created_by=tree.city_organiser
        )
        self.item = PlaylistItem.objects.create(
            playlist=self.playlist, entry=self.shown, position=1, added_by=tree.city_organiser
        )
        # rows an organiser could not create through the services, to prove the public side re-checks
        self.item_no_consent = PlaylistItem.objects.create(
            playlist=self.playlist, entry=self.no_consent, position=2, added_by=tree.city_organiser
        )
        self.item_unawarded = PlaylistItem.objects.create(
            playlist=self.playlist, entry=self.unawarded, position=3, added_by=tree.city_organiser
        )

    def url(self, name, item=None):
        from django.urls import reverse

        item = item or self.item
        return reverse(f"playlist:{name}", args=[self.playlist.pk, item.pk])
