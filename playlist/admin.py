from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import ConsentRecord, Playlist, PlaylistItem, VideoConsent, VideoStats, VideoViewMark


class ItemInline(admin.TabularInline):
    model = PlaylistItem
    extra = 0
    fields = ("entry", "position", "captions_label", "added_by", "added_at")
    readonly_fields = ("entry", "added_by", "added_at")

    def has_add_permission(self, request, obj=None):
        return False  # videos are added on the curation page, which checks award, consent and region


@admin.register(Playlist)
class PlaylistAdmin(admin.ModelAdmin):
    list_display = ("title", "owner_org", "is_public", "created_at")
    list_filter = ("is_public",)
    inlines = [ItemInline]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    """Read-only history of who granted or withdrew publishing consent."""

    list_display = ("entry", "action", "actor", "actor_role", "created_at")
    list_filter = ("action", "actor_role")


@admin.register(VideoConsent)
class VideoConsentAdmin(ReadOnlyAdmin):
    list_display = ("entry", "granted", "show_name", "show_school", "changed_by", "changed_as", "changed_at")
    list_filter = ("granted", "changed_as")


@admin.register(VideoStats)
class VideoStatsAdmin(ReadOnlyAdmin):
    list_display = ("entry", "views")


@admin.register(VideoViewMark)
class VideoViewMarkAdmin(ReadOnlyAdmin):
    list_display = ("entry", "day")
    list_filter = ("day",)
