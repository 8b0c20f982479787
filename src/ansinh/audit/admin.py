from django.contrib import admin

from ansinh.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """The trail is append-only: it can be searched, never edited."""

    list_display = ("at", "actor_name", "action", "object_type", "object_id", "ward_code", "source")
    list_filter = ("action", "source")
    search_fields = ("actor_name", "object_id", "request_id")
    date_hierarchy = "at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
