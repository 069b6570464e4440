from django.contrib import admin

from .models import AuditEntry, Category, Criterion, JudgeSeat, Performer, Score, StageEvent


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(StageEvent)
class StageEventAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "venue", "status", "owner_org"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]
    inlines = [CategoryInline, CriterionInline]
    raw_id_fields = ["owner_org", "created_by", "current_performer"]
    readonly_fields = ["draw_commitment", "draw_roster_digest", "draw_committed_at", "draw_public_input", "drawn_at"]


@admin.register(Performer)
class PerformerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "category", "running_order", "locked_at", "revealed_at"]
    list_filter = ["event"]
    raw_id_fields = ["unit_org", "user"]


@admin.register(JudgeSeat)
class JudgeSeatAdmin(admin.ModelAdmin):
    list_display = ["event", "number", "name", "is_head", "user"]
    raw_id_fields = ["user", "unit_org"]
    exclude = ["link_hash"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["performer", "seat", "total", "corrected", "updated_at"]
    raw_id_fields = ["seat", "performer"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "event", "action", "actor", "seat", "performer"]
    list_filter = ["action"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
