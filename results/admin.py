from django.contrib import admin

from .models import Certificate, CertificateBatch, CertificateTemplate, RevocationLog, ShowcaseItem


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "org", "issuer", "issue_date"]
    list_filter = ["kind"]
    readonly_fields = ["content_type", "object_id", "created_by", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False  # created from a contest's certificate page, which checks the region


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates are issued and revoked through the services, which keep the log."""

    list_display = ["code", "holder_name", "school_name", "contest_title", "award_text", "revoked_at"]
    list_filter = ["kind", "revoked_at"]
    search_fields = ["code", "holder_name", "school_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RevocationLog)
class RevocationLogAdmin(admin.ModelAdmin):
    list_display = ["certificate", "action", "reason", "actor", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(CertificateBatch)
admin.site.register(ShowcaseItem)
