"""The admin of the audit trail, and the read-only admin every app uses for records it must never edit by hand.

``ReadOnlyAdmin`` lives here rather than in ``lib`` because it is Django code (``lib`` imports no Django) and
because what it protects is what the audit trail promises: records that are loaded, generated or locked
elsewhere change only through their audited actions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ansinh.audit.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Records that are loaded, generated or locked elsewhere: administrators may look, never edit by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The trail is append-only: it can be searched, never edited."""

    list_display = ("at", "actor_name", "action", "object_type", "object_id", "ward_code", "source")
    list_filter = ("action", "source")
    search_fields = ("actor_name", "object_id", "request_id")
    date_hierarchy = "at"
