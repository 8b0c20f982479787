"""Errors the registry raises, each with a stable code, the field it concerns and a translatable message."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class RegistryError(Exception):
    code = "registry_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidIdNumber(RegistryError):
    code = "invalid_id_number"


class DuplicateIdNumber(RegistryError):
    code = "duplicate_id_number"

    def __init__(self, id_number: str, other_household_code: str) -> None:
        super().__init__(
            _("ID number %(id)s is already registered in household %(code)s.")
            % {"id": id_number, "code": other_household_code},
            field="id_number",
        )
        self.other_household_code = other_household_code


class ConcurrentEdit(RegistryError):
    """Someone else saved the record after the user opened it; nothing was written."""

    code = "concurrent_edit"

    def __init__(self, current: Any, their_changes: list[Any]) -> None:
        super().__init__(
            _(
                "Someone else changed this record after you opened it. Your changes were not saved; "
                "review their changes below and save again."
            )
        )
        self.current = current
        self.their_changes = their_changes


class InvalidTransition(RegistryError):
    code = "invalid_transition"
