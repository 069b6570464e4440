"""Public playlists of award-winning videos (优秀视频展播).

A video is shown only while four things hold, all re-checked on every request (page, stream, poster,
captions): the playlist is public, the entry's award is published, its publishing consent stands, and its
judged version is a rebuilt video. Consent belongs to the entrant's side (the entrant, a unit's staff, or a
student's teacher on the family's behalf) and every change is kept in ConsentRecord with who made it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization


class ConsentRole(models.TextChoices):
    ENTRANT = "entrant", _("参赛者本人")
    UNIT_STAFF = "unit_staff", _("参赛单位工作人员")
    TEACHER = "teacher", _("教师（代学生家庭）")
    ORGANISER = "organiser", _("组织者（受理撤回请求）")


class VideoConsent(models.Model):
    """The current consent to publish an entry's video, and how the author may be named."""

    entry = models.OneToOneField("judging.Entry", on_delete=models.CASCADE, related_name="video_consent")
    granted = models.BooleanField(_("同意公开播放"), default=False)
    show_name = models.BooleanField(_("公开作者姓名"), default=False)
    show_school = models.BooleanField(_("公开学校/单位"), default=False)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_as = models.CharField(max_length=16, choices=ConsentRole.choices)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("视频公开授权")
        verbose_name_plural = _("视频公开授权")


class ConsentAction(models.TextChoices):
    GRANT = "grant", _("授权")
    WITHDRAW = "withdraw", _("撤回")


class ConsentRecord(models.Model):
    """Append-only history: who granted or withdrew, in which capacity, when."""

    entry = models.ForeignKey("judging.Entry", on_delete=models.CASCADE, related_name="video_consent_records")
    action = models.CharField(max_length=10, choices=ConsentAction.choices)
    show_name = models.BooleanField(default=False)
    show_school = models.BooleanField(default=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=16, choices=ConsentRole.choices)
    family_note = models.CharField(_("家庭同意方式"), max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("授权记录")
        verbose_name_plural = _("授权记录")
        ordering = ["-created_at", "-id"]


class Playlist(models.Model):
    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("简介"), blank=True, max_length=2000)
    owner_org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="playlists", verbose_name=_("所属区域")
    )
    is_public = models.BooleanField(_("已公开"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("展播列表")
        verbose_name_plural = _("展播列表")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class PlaylistItem(models.Model):
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="items")
    entry = models.ForeignKey("judging.Entry", on_delete=models.CASCADE, related_name="playlist_items")
    position = models.PositiveIntegerField(default=0)
    # rebuilt JPEG (playlist.media.rebuild_poster); empty = the neutral placeholder
    poster = models.FileField(upload_to="playlist/posters/", blank=True, max_length=255)
    # normalised WebVTT written by playlist.captions.clean_vtt; empty = no captions
    captions = models.FileField(upload_to="playlist/captions/", blank=True, max_length=255)
    captions_label = models.CharField(_("字幕名称"), max_length=20, default="中文字幕")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("展播视频")
        verbose_name_plural = _("展播视频")
        ordering = ["playlist", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["playlist", "entry"], name="playlist_item_unique_entry")]


class VideoViewMark(models.Model):
    """One counted viewer of one video on one day. `viewer` and `address` are keyed hashes salted with
    the day, so they cannot be linked across days or reversed to an address."""

    entry = models.ForeignKey("judging.Entry", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    viewer = models.CharField(max_length=64)
    address = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "day", "viewer"], name="playlist_view_once_per_day"),
        ]
        indexes = [models.Index(fields=["entry", "day", "address"])]


class VideoStats(models.Model):
    entry = models.OneToOneField(
        "judging.Entry", on_delete=models.CASCADE, primary_key=True, related_name="video_stats"
    )
    views = models.PositiveBigIntegerField(default=0)
