"""Site-admin views of the judging tables (staff only; shows identities). Organisers work in the
judging pages, which are scoped to their region; scores and awards are changed only through services."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import (
    Assignment,
    Award,
    Criterion,
    Entry,
    EntryVersion,
    JudgeConflict,
    JudgePairRule,
    JudgingLog,
    Round,
    RoundEntry,
    Rubric,
    Score,
    ScoreItem,
    SubmissionContest,
    TeamInvitation,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(SubmissionContest)
class SubmissionContestAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "owner_org", "opens_at", "closes_at", "awards_published_at"]
    list_filter = ["kind"]
    search_fields = ["title"]
    readonly_fields = ["awards_published_at", "created_by"]


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["contest", "frozen_at"]
    readonly_fields = ["frozen_at"]
    inlines = [CriterionInline]


class VersionInline(admin.TabularInline):
    model = EntryVersion
    extra = 0
    fields = [
        "number", "title", "char_count", "file_type", "file_status", "file_error", "original_filename", "is_autosave",
        "created_at", "saved_by",
    ]  # fmt: skip
    readonly_fields = fields
    can_delete = False


class InvitationInline(admin.TabularInline):
    """Who was invited to the team and how they answered (members join only by accepting)."""

    model = TeamInvitation
    extra = 0
    fields = ["invitee", "status", "created_at", "responded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["code", "contest", "entrant_kind", "unit", "author", "school", "district", "consent_public"]
    list_filter = ["contest", "entrant_kind"]
    search_fields = ["code", "author__username", "author__real_name", "unit__name"]
    raw_id_fields = ["author", "team_members", "unit", "school", "district"]
    inlines = [VersionInline, InvitationInline]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["contest", "order", "name", "level", "status", "judges_per_entry"]
    readonly_fields = ["status", "opened_at", "closed_at"]
    filter_horizontal = ["judges"]


@admin.register(JudgeConflict)
class JudgeConflictAdmin(admin.ModelAdmin):
    list_display = ["contest", "judge", "entry", "org", "reason"]
    raw_id_fields = ["judge", "entry", "org"]


@admin.register(JudgePairRule)
class JudgePairRuleAdmin(admin.ModelAdmin):
    list_display = ["contest", "judge_a", "judge_b"]
    raw_id_fields = ["judge_a", "judge_b"]


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["contest", "rank", "tier", "entry", "score", "published_at"]
    list_filter = ["contest", "tier"]

    def has_change_permission(self, request, obj=None):
        return False  # awards come from awards_compute / awards_publish only

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JudgingLog)
class JudgingLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "contest", "actor", "action"]
    list_filter = ["action"]


@admin.register(RoundEntry)
class RoundEntryAdmin(ReadOnlyAdmin):
    list_display = ["round", "entry", "flagged", "advanced"]
    list_filter = ["flagged", "advanced"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["round", "entry", "judge", "source", "created_at"]
    list_filter = ["source"]


class ScoreItemInline(admin.TabularInline):
    model = ScoreItem
    extra = 0
    can_delete = False
    readonly_fields = ["criterion", "points"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "status", "total", "submitted_at"]
    list_filter = ["status"]
    inlines = [ScoreItemInline]


@admin.register(ScoreItem)
class ScoreItemAdmin(ReadOnlyAdmin):
    list_display = ["score", "criterion", "points"]


@admin.register(EntryVersion)
class EntryVersionAdmin(ReadOnlyAdmin):
    list_display = ["entry", "number", "title", "char_count", "file_type", "file_status", "created_at"]
    list_filter = ["file_status"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["rubric", "name", "max_points", "weight"]
