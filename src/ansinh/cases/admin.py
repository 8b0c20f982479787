"""Agencies and their users, kept by the administrator (the ``user`` resource of the matrix governs them:
``accounts.backends``). Cases themselves have no admin: nobody outside a case's circle opens one, an
administrator included; the read log is read at ``/cases/read-log/``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ansinh.audit.actions import record
from ansinh.cases.audit_actions import CasesAudit
from ansinh.cases.models import Agency, AgencyMember


class AgencyMemberInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AgencyMember
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "kind", "ward", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")
    inlines = (AgencyMemberInline,)
    autocomplete_fields = ("ward",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an agency that served cases stays on record; set it inactive

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changes = {name: [None, str(form.cleaned_data.get(name))] for name in form.changed_data}
        record(actor=request.user, action=CasesAudit.AGENCY, object_type="agency", object_id=obj.pk, changes=changes)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        members = sorted(str(m.user) for m in form.instance.members.select_related("user"))
        record(
            actor=request.user,
            action=CasesAudit.AGENCY,
            object_type="agency",
            object_id=form.instance.pk,
            changes={"members": [None, members]},
        )
