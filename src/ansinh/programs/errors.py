"""Errors of enrolment: ``ansinh.lib.errors.DomainError`` with stable codes and parameters, worded when shown."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from ansinh.lib.errors import DomainError


class EnrolmentError(DomainError):
    code: ClassVar[str] = "enrolment_error"


class UnknownProgramme(EnrolmentError):
    code: ClassVar[str] = "enrolment_unknown_programme"
    wording: ClassVar[Any] = _("There is no programme %(programme)r.")


class UnknownCategory(EnrolmentError):
    code: ClassVar[str] = "enrolment_unknown_category"
    wording: ClassVar[Any] = _("Programme %(programme)s has no category %(category)r.")


class PersonDied(EnrolmentError):
    code: ClassVar[str] = "enrolment_person_died"
    wording: ClassVar[Any] = _("%(name)s has died; a deceased person cannot be enrolled.")


class AlreadyEnrolled(EnrolmentError):
    code: ClassVar[str] = "enrolment_already_enrolled"
    wording: ClassVar[Any] = _("%(name)s is already enrolled in %(programme)s (%(category)s) by decision %(decision)s.")


class OverlappingDecision(EnrolmentError):
    code: ClassVar[str] = "enrolment_overlapping_decision"
    wording: ClassVar[Any] = _(
        "Decision %(number)s takes effect in %(month)s, before decision %(other)s "
        "already in force from %(other_month)s."
    )


class NotInForce(EnrolmentError):
    code: ClassVar[str] = "enrolment_not_in_force"
    wording: ClassVar[Any] = _("This enrolment has already stopped.")
