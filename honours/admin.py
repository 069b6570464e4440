"""Admin for the selection. The vote log and its flags are read-only here: votes are only ever appended
by services.voting, and moderation goes through the committee page (reasons are published)."""

from django.contrib import admin

from .models import (
    Campaign,
    CampaignLevel,
    Candidate,
    CandidateFile,
    ChainHead,
    Endorsement,
    Holiday,
    Honour,
    LevelApproval,
    Notice,
    Objection,
    PanelScore,
    Quota,
    Transition,
    TransitionFile,
    Vote,
    VoteCode,
    VoteCodeBatch,
    VoteCodeFamily,
    VoteFlag,
    VoterDay,
    VoteTally,
)


class LevelInline(admin.TabularInline):
    model = CampaignLevel
    extra = 0


class HonourInline(admin.TabularInline):
    model = Honour
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "owner_org", "draft", "vote_opens_at", "vote_closes_at"]
    inlines = [LevelInline, HonourInline]
    raw_id_fields = ["owner_org", "created_by", "published_by"]
    # publishing and the panel's rubric go through the organiser page (services.campaigns / services.panel)
    readonly_fields = ["draft", "published_at", "published_by", "panel_rubric"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["seq", "campaign", "candidate", "voter_key", "cast_at", "ip_prefix"]
    list_filter = ["campaign"]


@admin.register(VoteFlag)
class VoteFlagAdmin(ReadOnlyAdmin):
    list_display = ["vote", "candidate", "state", "rules", "reason"]
    list_filter = ["state"]


class TransitionFileInline(admin.TabularInline):
    model = TransitionFile
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "action", "from_level", "to_level", "to_status", "actor", "at"]
    inlines = [TransitionFileInline]


@admin.register(ChainHead, VoterDay, LevelApproval, VoteCode, VoteCodeFamily, VoteTally)
class InternalAdmin(ReadOnlyAdmin):
    pass


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "school", "level", "status"]
    list_filter = ["campaign", "status"]
    raw_id_fields = ["student", "klass", "school", "district", "attested_by", "nominated_by"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_workday"]


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin):
    list_display = ["level", "unit", "used", "limit"]
    readonly_fields = ["used"]
    raw_id_fields = ["unit"]


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["candidate", "lodged_at", "anonymous", "outcome", "answer_due"]
    list_filter = ["outcome"]
    raw_id_fields = ["notice", "candidate", "objector", "investigator", "closed_by"]


admin.site.register([Honour, CampaignLevel, Notice, Endorsement, CandidateFile, PanelScore, VoteCodeBatch])
