"""Admin for reference data: current units (urban/rural editable), read-only history, calendar exceptions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from ansinh.audit.admin import ReadOnlyAdmin

from .models import (
    CalendarException,
    FormerDistrict,
    FormerProvince,
    FormerWard,
    Province,
    Ward,
    WardSuccession,
)

if TYPE_CHECKING:  # the admin classes are generic only for the type checker
    ModelAdmin = admin.ModelAdmin[Any]
    TabularInline = admin.TabularInline[Any, Any]
else:
    ModelAdmin = admin.ModelAdmin
    TabularInline = admin.TabularInline


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_folded"]


@admin.register(Ward)
class WardAdmin(ModelAdmin):
    list_display = ["code", "name", "kind", "province", "area_type", "area_type_overridden"]
    list_filter = ["province", "kind", "area_type", "area_type_overridden"]
    search_fields = ["code", "name", "name_folded"]
    list_select_related = ["province"]
    fields = ["code", "name", "kind", "province", "area_type", "area_type_overridden", "valid_from", "valid_to"]
    readonly_fields = ["code", "name", "kind", "province", "valid_from", "valid_to"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Ward, form: Any, change: bool) -> None:
        # Once an administrator changes urban/rural, load-units must keep it (the poverty line depends
        # on it). Unticking "set by an administrator" hands the ward back to the default on the next load.
        if "area_type" in form.changed_data:
            obj.area_type_overridden = True
        super().save_model(request, obj, form, change)


class SuccessionInline(TabularInline):
    model = WardSuccession
    fk_name = "former_ward"
    fields = ["ward", "is_partial", "note"]
    readonly_fields = ["ward", "is_partial", "note"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FormerProvince)
class FormerProvinceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "valid_to"]
    search_fields = ["code", "name", "name_folded"]


@admin.register(FormerDistrict)
class FormerDistrictAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "province", "successor", "valid_to"]
    list_filter = ["province", "kind"]
    search_fields = ["code", "name", "name_folded"]
    list_select_related = ["province", "successor"]


@admin.register(FormerWard)
class FormerWardAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "district", "valid_to"]
    list_filter = ["kind", "district__province"]
    search_fields = ["code", "name", "name_folded", "district__name_folded"]
    list_select_related = ["district"]
    inlines = [SuccessionInline]


@admin.register(WardSuccession)
class WardSuccessionAdmin(ReadOnlyAdmin):
    list_display = ["former_ward", "ward", "is_partial", "note"]
    list_filter = ["is_partial", "ward__province"]
    search_fields = ["former_ward__code", "former_ward__name_folded", "ward__code", "ward__name_folded"]
    list_select_related = ["former_ward", "ward"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(ModelAdmin):
    list_display = ["date", "kind", "reason", "legal_reference"]
    list_filter = ["kind"]
    search_fields = ["reason", "legal_reference"]
    date_hierarchy = "date"
