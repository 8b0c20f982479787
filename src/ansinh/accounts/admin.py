from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Field
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ansinh.accounts import actions, tokens
from ansinh.accounts.models import ApiToken, Role, User
from ansinh.accounts.permissions import ACTIONS, RESOURCES, assignable_roles, is_staff_role
from ansinh.accounts.scope import scoped_wards
from ansinh.geo.models import Province
from ansinh.lib.errors import DomainError

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


class ApiTokenForm(forms.ModelForm):  # type: ignore[type-arg]
    grant_list = forms.MultipleChoiceField(
        label=_("grants"),
        choices=[(f"{r}.{a}", f"{r}.{a}") for r in RESOURCES for a in ACTIONS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiToken
        fields = (
            "owner", "name", "province", "wards", "valid_from", "valid_until", "allowed_addresses",
            "signing_key", "signature_required",
        )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            tokens.check_setup(
                owner=data["owner"],
                grants=data.get("grant_list") or (),
                wards=data.get("wards") or (),
                province=data.get("province"),
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                allowed_addresses=data["allowed_addresses"],
                signing_key=data.get("signing_key") or "",
                signature_required=bool(data.get("signature_required")),
            )
        except DomainError as error:
            raise ValidationError(error.message) from error
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens of other systems (ADR 0011): made here or with ``ansinh api-token``; the secret is shown once, in
    the message after saving. A token is never edited: it is revoked (the action) and a new one made."""

    form = ApiTokenForm
    list_display = ("name", "prefix", "owner", "valid_from", "valid_until", "revoked_at", "last_used_at")
    list_filter = ("revoked_at",)
    filter_horizontal = ("wards",)
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "owner" and not getattr(request.user, "is_superuser", False):
            kwargs["queryset"] = User.objects.filter(
                is_superuser=False, role__in=assignable_roles(request.user), is_active=True
            )
        elif db_field.name == "owner":
            kwargs["queryset"] = User.objects.filter(is_superuser=False, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "wards" and not getattr(request.user, "is_superuser", False):
            kwargs["queryset"] = scoped_wards(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        data = form.cleaned_data
        token, raw = tokens.do_create_token(
            actor=request.user,
            owner=data["owner"],
            name=data["name"],
            grants=data["grant_list"],
            wards=data["wards"],
            province=data["province"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            allowed_addresses=data["allowed_addresses"],
            signing_key=data.get("signing_key") or "",
            signature_required=bool(data.get("signature_required")),
        )
        obj.pk = token.pk
        messages.warning(request, _("Copy the token now; it is not shown again: %(token)s") % {"token": raw})

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The wards were set when the token was made."""

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset:
            tokens.do_revoke_token(actor=request.user, token=token)
