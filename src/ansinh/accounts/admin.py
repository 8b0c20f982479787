from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Field
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ansinh.accounts import actions
from ansinh.accounts.models import Role, User
from ansinh.accounts.permissions import assignable_roles, is_staff_role
from ansinh.accounts.scope import scoped_wards
from ansinh.geo.models import Province

# What Django's admin would let anyone with "change user" tick: superuser status, raw permissions and groups.
# None of them is editable here: the role is the permissions (the matrix), staff status follows the role,
# and a superuser is made only from the command line (``ansinh superuser``), audited.
_NOT_EDITABLE = {"is_superuser", "is_staff", "groups", "user_permissions"}


def _without_privileges(fieldsets: Any) -> tuple[Any, ...]:
    kept = []
    for name, options in fieldsets or ():
        fields = tuple(f for f in options.get("fields", ()) if f not in _NOT_EDITABLE)
        if fields:
            kept.append((name, {**options, "fields": fields}))
    return tuple(kept)


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    """Accounts, governed by the matrix: an account gets only a role its editor may assign
    (``assigns`` in ``permissions.yaml``) and only wards within its editor's scope; superusers and accounts of
    a role the editor may not assign are not editable here."""

    list_display = ("username", "first_name", "last_name", "role", "province", "is_active", "is_superuser", "is_demo")
    list_filter = ("role", "is_active", "is_demo", "province")
    filter_horizontal = ("wards",)
    autocomplete_fields = ("province",)
    fieldsets = (
        *_without_privileges(BaseUserAdmin.fieldsets),
        (_("Role and area scope"), {"fields": ("role", "province", "wards")}),
    )
    add_fieldsets = (
        *_without_privileges(BaseUserAdmin.add_fieldsets),
        (_("Role and area scope"), {"fields": ("role", "province", "wards")}),
    )

    def _may_edit(self, request: HttpRequest, obj: User | None) -> bool:
        editor = request.user
        if obj is None or getattr(editor, "is_superuser", False):
            return True
        return not obj.is_superuser and obj.role in assignable_roles(editor)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def formfield_for_choice_field(self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not getattr(request.user, "is_superuser", False):
            allowed = assignable_roles(request.user)
            kwargs["choices"] = [(value, label) for value, label in Role.choices if value in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "province" and not getattr(request.user, "is_superuser", False):
            own = getattr(request.user, "province_id", None)
            kwargs["queryset"] = Province.objects.filter(code=own) if own else Province.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "wards" and not getattr(request.user, "is_superuser", False):
            kwargs["queryset"] = scoped_wards(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        obj.is_staff = obj.is_superuser or is_staff_role(obj.role)
        changed = list(form.changed_data)
        actions.do_save_user_from_admin(actor=request.user, user=obj, changed=changed, created=not change)
