"""Read-mostly admin for site administrators. Organisers work on the contest pages, which check
their region; here only superusers (or staff given model permissions) see anything."""

from django.contrib import admin

from .models import Attempt, AttemptItem, Contest, FixedQuestion, PaperRule


class PaperRuleInline(admin.TabularInline):
    model = PaperRule
    extra = 0


class FixedQuestionInline(admin.TabularInline):
    model = FixedQuestion
    extra = 0
    raw_id_fields = ["revision"]


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "owner_org", "opens_at", "closes_at", "time_limit_s"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    raw_id_fields = ["owner_org", "created_by"]
    filter_horizontal = ["audience_orgs", "topics"]
    readonly_fields = ["display_token", "created_at", "updated_at"]
    inlines = [PaperRuleInline, FixedQuestionInline]


class AttemptItemInline(admin.TabularInline):
    model = AttemptItem
    extra = 0
    can_delete = False
    readonly_fields = ["revision", "position", "option_order", "points", "answer", "saved_at", "score"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["id", "contest", "user", "number", "state", "score", "time_used_s", "finished_at", "counts"]
    list_filter = ["state", "counts"]
    search_fields = ["user__username", "user__real_name", "contest__title"]
    readonly_fields = [f.name for f in Attempt._meta.fields]
    inlines = [AttemptItemInline]

    def has_add_permission(self, request):
        return False
