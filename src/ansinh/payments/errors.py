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


class AlreadyApproved(PayrollError):
    code: ClassVar[str] = "payroll_already_approved"
    wording: ClassVar[Any] = _("You have already approved this payroll; another approver must sign.")


class NotApproved(PayrollError):
    code: ClassVar[str] = "payroll_not_approved"
    wording: ClassVar[Any] = _("Only an approved payroll can be exported for payment.")


class UnknownLayout(PayrollError):
    code: ClassVar[str] = "payroll_unknown_layout"
    wording: ClassVar[Any] = _("There is no payment file layout %(layout)r.")


class NotExported(PayrollError):
    code: ClassVar[str] = "payroll_not_exported"
    wording: ClassVar[Any] = _("Payment results can be imported only after the payroll has been exported for payment.")


class UnreadableResults(PayrollError):
    code: ClassVar[str] = "payroll_unreadable_results"
    wording: ClassVar[Any] = _("The file %(name)s cannot be read as a payment-results workbook (XLSX) or CSV file.")


class ResultsMissing(PayrollError):
    code: ClassVar[str] = "payroll_results_missing"
    wording: ClassVar[Any] = _("%(count)s payment lines have no result yet; the payroll cannot be reconciled.")


class NoResultsYet(PayrollError):
    code: ClassVar[str] = "payroll_no_results_yet"
    wording: ClassVar[Any] = _("This needs the payroll's payment results first.")


class NothingToFollowUp(PayrollError):
    code: ClassVar[str] = "payroll_nothing_to_follow_up"
    wording: ClassVar[Any] = _("Payroll #%(payroll)s has no failed payment left to pay again.")


class BadSample(PayrollError):
    code: ClassVar[str] = "payroll_bad_sample"
    wording: ClassVar[Any] = _(
        "A verification sample needs a confidence from 50%% to under 100%% and a margin above 0 and under 50%% "
        "(given %(confidence)s and %(margin)s)."
    )


class BadAnswer(PayrollError):
    code: ClassVar[str] = "payroll_bad_answer"
    wording: ClassVar[Any] = _("%(answer)r is not an answer to a verification question.")


class AlreadyAnswered(PayrollError):
    code: ClassVar[str] = "payroll_already_answered"
    wording: ClassVar[Any] = _("This verification question has already been answered.")


class RuleMissing(PayrollError):
    code: ClassVar[str] = "payroll_rule_missing"
    wording: ClassVar[Any] = _(
        "The rules have no value of %(parameter)s in force on %(day)s; the payroll of %(month)s cannot be computed."
    )
