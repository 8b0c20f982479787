"""Errors of payrolls: ``ansinh.lib.errors.DomainError`` with stable codes and parameters, worded when shown."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from ansinh.lib import lifecycle
from ansinh.lib.errors import DomainError


class PayrollError(DomainError):
    code: ClassVar[str] = "payroll_error"


class IllegalTransition(lifecycle.IllegalTransition, PayrollError):
    wording: ClassVar[Any] = _("%(what)s cannot move from %(old)s to %(new)s.")


class FutureMonth(PayrollError):
    code: ClassVar[str] = "payroll_future_month"
    wording: ClassVar[Any] = _("A payroll cannot be made for %(month)s, a month that has not begun.")


class UnknownProgramme(PayrollError):
    code: ClassVar[str] = "payroll_unknown_programme"
    wording: ClassVar[Any] = _("There is no programme %(programme)r.")


class AlreadyOnPayroll(PayrollError):
    code: ClassVar[str] = "payroll_already_paid"
    wording: ClassVar[Any] = _(
        "%(name)s (and %(count)s people in all) is already paid for %(month)s by payroll #%(payroll)s."
    )


class InputsChanged(PayrollError):
    code: ClassVar[str] = "payroll_inputs_changed"
    wording: ClassVar[Any] = _(
        "The enrolments or the registry changed since the payroll was computed; compute it again."
    )


class ApproverComputed(PayrollError):
    code: ClassVar[str] = "payroll_approver_computed"
    wording: ClassVar[Any] = _("The user who computed a payroll cannot approve it.")


class ReasonRequired(PayrollError):
    code: ClassVar[str] = "payroll_reason_required"
    wording: ClassVar[Any] = _("Give the reason for rejecting the payroll.")
