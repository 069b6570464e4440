from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit views of rows that only services write (logs, assignments, scores): never edited by hand."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
