"""Admin pages. Reflection, flag and case-note text is never shown here, to anyone: counsellors read it
in their own pages (/reading/cases/), which check the school."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import (
    CaseNote,
    DistressFlag,
    Progress,
    QuizAttempt,
    Reading,
    ReadingQuestion,
    Reflection,
    Reminder,
    Series,
    WarningPhrase,
)


class ReadingQuestionInline(admin.TabularInline):
    model = ReadingQuestion
    extra = 0
    raw_id_fields = ["revision"]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "owner_org", "created_at"]


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["title", "month", "opens_on", "status", "owner_org"]
    list_filter = ["status", "month"]
    inlines = [ReadingQuestionInline]
    raw_id_fields = ["topic", "owner_org", "series"]


@admin.register(Progress)
class ProgressAdmin(ReadOnlyAdmin):
    list_display = ["reading", "user", "max_position", "engaged_s", "read_at", "best_percent", "completed_at"]


@admin.register(QuizAttempt)
class QuizAttemptAdmin(ReadOnlyAdmin):
    list_display = ["reading", "user", "percent", "created_at"]
    exclude = ["answers"]


@admin.register(Reflection)
class ReflectionAdmin(ReadOnlyAdmin):
    list_display = ["reading", "user", "share_consent", "featured", "updated_at"]
    exclude = ["text"]


@admin.register(WarningPhrase)
class WarningPhraseAdmin(admin.ModelAdmin):
    list_display = ["phrase", "category", "active", "updated_at"]
    list_filter = ["category", "active"]


class CaseNoteInline(admin.TabularInline):
    model = CaseNote
    extra = 0
    fields = ["author", "state_to", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(DistressFlag)
class DistressFlagAdmin(ReadOnlyAdmin):
    """Existence and state only (for retention checks); no student text."""

    list_display = ["pk", "school", "state", "level", "created_at"]
    exclude = ["text", "reflection", "student", "categories"]
    inlines = [CaseNoteInline]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["student", "sender", "created_at", "seen_at"]
