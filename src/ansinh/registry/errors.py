"""Errors the registry raises: ``ansinh.lib.errors.DomainError`` with a stable code, the field it concerns and
its wording in the reader's language."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy

from ansinh.lib.errors import DomainError


class RegistryError(DomainError):
    code: ClassVar[str] = "registry_error"


class CodeInUse(RegistryError):
    """Another household has this code. ``params``: ``code``."""

    code: ClassVar[str] = "household_code_in_use"
    wording: ClassVar[Any] = gettext_lazy("Household code %(code)s is already used.")

    def __init__(self, household_code: Any) -> None:
        super().__init__(field="code", code=household_code)


class DateInFuture(RegistryError):
    """An event dated after today."""

    code: ClassVar[str] = "date_in_future"
    wording: ClassVar[Any] = gettext_lazy("The date cannot be in the future.")

    def __init__(self, field: str = "date") -> None:
        super().__init__(field=field)


class NoWard(RegistryError):
    """A household must belong to a ward or commune."""

    code: ClassVar[str] = "no_ward"
    wording: ClassVar[Any] = gettext_lazy("Choose a ward or commune.")

    def __init__(self) -> None:
        super().__init__(field="ward")


class InvalidIdNumber(RegistryError):
    code: ClassVar[str] = "invalid_id_number"


class DuplicateIdNumber(RegistryError):
    code: ClassVar[str] = "duplicate_id_number"
    wording: ClassVar[Any] = gettext_lazy("ID number %(id)s is already registered in household %(code)s.")

    def __init__(self, id_number: str, other_household_code: str) -> None:
        super().__init__(field="id_number", id=id_number, code=other_household_code)
        self.other_household_code = other_household_code


class ConcurrentEdit(RegistryError):
    """Someone else saved the record after the user opened it; nothing was written."""

    code: ClassVar[str] = "concurrent_edit"
    wording: ClassVar[Any] = gettext_lazy(
        "Someone else changed this record after you opened it. Your changes were not saved; "
        "review their changes below and save again."
    )

    def __init__(self, current: Any, their_changes: list[Any]) -> None:
        super().__init__()
        self.current = current
        self.their_changes = their_changes


class IllegalTransition(RegistryError):
    """A change the record's state does not allow (a member who left, a dissolved household)."""

    code: ClassVar[str] = "illegal_transition"


def _dated(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters with their dates as dd/mm/yyyy, the form of dates in Vietnamese text."""
    return {k: v.strftime("%d/%m/%Y") if isinstance(v, datetime.date) else v for k, v in params.items()}


class TimelineError(RegistryError):
    """A date or a value that time does not allow (``ansinh.registry.timeline``); dates worded dd/mm/yyyy."""

    def wording_params(self) -> dict[str, Any]:
        return _dated(self.params)


class DateBeforeBirth(TimelineError):
    code: ClassVar[str] = "date_before_birth"
    wording: ClassVar[Any] = gettext_lazy("The date %(date)s is before %(name)s was born (%(born)s).")


class DateAfterDeath(TimelineError):
    code: ClassVar[str] = "date_after_death"
    wording: ClassVar[Any] = gettext_lazy("The date %(date)s is after the death of %(name)s (%(died)s).")


class BirthNotOnDateOfBirth(TimelineError):
    code: ClassVar[str] = "birth_not_on_date_of_birth"
    wording: ClassVar[Any] = gettext_lazy(
        "A birth is dated on the date of birth: %(name)s was born on %(born)s, not %(date)s."
    )


class StatusDoesNotFitAge(TimelineError):
    code: ClassVar[str] = "employment_too_young"
    wording: ClassVar[Any] = gettext_lazy(
        "%(name)s is %(age)d years old (born %(born)s): below %(limit)d, the employment status is a child's."
    )


class HeadNotAdult(TimelineError):
    code: ClassVar[str] = "head_not_adult"
    wording: ClassVar[Any] = gettext_lazy(
        "%(name)s is %(age)d years old (born %(born)s): the head of a household is an adult (%(adult)d or "
        "older). Choose an adult member as head."
    )


class HeadReasonMissing(TimelineError):
    code: ClassVar[str] = "head_reason_missing"
    wording: ClassVar[Any] = gettext_lazy(
        "No member of the household is %(adult)d or older: write why %(name)s (born %(born)s) is the head."
    )
