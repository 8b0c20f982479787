"""Django's admin asks ``user.has_perm("<app>.<verb>_<model>")``; here the permission matrix answers it.

Django's own per-user and group permissions are not read at all: what an account may do in the admin is its
role (``permissions.yaml``), like everywhere else, so nobody can hand out a permission by ticking a box. A
superuser (made only from the command line, ``ansinh superuser``, audited) still may do everything.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from ansinh.accounts.permissions import can

# The admin's models → the resource of the matrix that governs them (a model first, else its app).
ADMIN_RESOURCES: dict[str, str] = {
    "accounts.user": "user",
    "accounts.apitoken": "user",
    "geo": "units",
    "audit": "audit",
    "review": "review",
    # Agencies of the victims' cases and their users are accounts work; the cases themselves have no admin.
    "cases.agency": "user",
    "cases.agencymember": "user",
}
# The admin's verbs → the matrix's actions (deleting is nobody's but a superuser's).
ADMIN_ACTIONS: dict[str, str] = {"view": "view", "add": "create", "change": "change"}


def admin_allows(user: Any, perm: str) -> bool:
    """Whether the matrix lets ``user`` do the admin's ``perm`` (``"geo.change_ward"``)."""
    app_label, _dot, codename = perm.partition(".")
    verb, _sep, model = codename.partition("_")
    resource = ADMIN_RESOURCES.get(f"{app_label}.{model}") or ADMIN_RESOURCES.get(app_label)
    action = ADMIN_ACTIONS.get(verb)
    return bool(resource and action and can(user, resource, action))


class MatrixBackend(ModelBackend):
    """Signs in as Django's model backend does; answers permissions from the matrix only."""

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not user_obj.is_active:
            return False
        if user_obj.is_superuser:
            return True
        return bool(user_obj.is_staff) and admin_allows(user_obj, perm)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if not user_obj.is_active:
            return False
        if user_obj.is_superuser:
            return True
        resources = {r for key, r in ADMIN_RESOURCES.items() if key.split(".")[0] == app_label}
        return bool(user_obj.is_staff) and any(can(user_obj, r, "view") for r in resources)
