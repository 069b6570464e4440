"""Admin for 五老 volunteers' profiles (kept apart from accounts/admin.py), scoped like the rest of the
admin: an organiser sees the volunteers attached under the nodes they organise."""

from django.contrib import admin
from django.db.models import Q

from ..models import Role, VolunteerProfile
from ..selectors import scope_for


@admin.register(VolunteerProfile)
class VolunteerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "background", "unit", "created_at")
    search_fields = ("user__real_name", "user__username", "user__phone", "unit", "background")
    raw_id_fields = ("user",)

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("user")
        scope = scope_for(request.user)
        if scope.is_admin:
            return qs
        q = Q(pk__in=[])
        for path in scope.managed_paths:
            q |= Q(user__memberships__role=Role.VOLUNTEER, user__memberships__org__path__startswith=path)
        return qs.filter(q).distinct()
