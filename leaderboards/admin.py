from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import BoardState


@admin.register(BoardState)
class BoardStateAdmin(ReadOnlyAdmin):
    """Reveals happen on the organiser's board page (logged, region-checked), not here."""

    list_display = ["contest", "revealed_at", "revealed_by"]
