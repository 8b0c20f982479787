"""Changes to accounts, each audited: what the admin saves, and superuser status (the command line only)."""

from __future__ import annotations

from django.db import transaction

from ansinh.accounts.audit_actions import SUPERUSER_SET, USER_SAVED
from ansinh.accounts.models import Actor, User
from ansinh.accounts.permissions import is_staff_role
from ansinh.audit.actions import record

# Recorded with their values; any other field changed is recorded by name only (a password never).
_SHOWN = ("role", "province_id", "is_active", "is_staff")


def do_save_user_from_admin(*, actor: Actor, user: User, changed: list[str], created: bool) -> None:
    """Save an account edited in the admin, with the fields changed in the audit trail."""
    with transaction.atomic():
        user.save()
        record(
            actor=actor,
            action=USER_SAVED[created],
            object_type="user",
            object_id=user.pk,
            changes={f: [None, getattr(user, f)] for f in _SHOWN if f in changed or f.removesuffix("_id") in changed}
            | {"fields": [None, sorted(changed)]},
            note="admin",
        )


def do_set_superuser(*, actor: Actor, user: User, superuser: bool, via: str) -> User:
    """Make ``user`` a superuser (or no longer one), audited with ``via`` (who ran which command)."""
    with transaction.atomic():
        old = user.is_superuser
        user.is_superuser = superuser
        user.is_staff = superuser or is_staff_role(user.role)
        user.save(update_fields=["is_superuser", "is_staff"])
        record(
            actor=actor,
            action=SUPERUSER_SET[superuser],
            object_type="user",
            object_id=user.pk,
            changes={"is_superuser": [old, superuser]},
            note=via,
        )
    return user
