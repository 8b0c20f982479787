from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from ansinh.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ("username", "first_name", "last_name", "role", "province", "is_active", "is_demo")
    list_filter = ("role", "is_active", "is_demo", "province")
    filter_horizontal = ("wards", "groups", "user_permissions")
    autocomplete_fields = ("province",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Role and area scope"), {"fields": ("role", "province", "wards")}),
    )
    add_fieldsets = (
        *(BaseUserAdmin.add_fieldsets or ()),
        (_("Role and area scope"), {"fields": ("role", "province", "wards")}),
    )
