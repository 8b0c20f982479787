"""Errors the cases module raises: ``ansinh.lib.errors.DomainError`` with a stable code and parameters, worded in
the reader's language when shown (Vietnamese in ``locale/vi``). Each names the field it concerns."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy

from ansinh.lib import lifecycle
from ansinh.lib.errors import DomainError


class CaseError(DomainError):
    code: ClassVar[str] = "case_error"


class IllegalTransition(lifecycle.IllegalTransition, CaseError):
    wording: ClassVar[Any] = gettext_lazy("A %(what)s cannot move from %(old)s to %(new)s.")


class UnknownAgency(CaseError):
    code: ClassVar[str] = "case_unknown_agency"
    wording: ClassVar[Any] = gettext_lazy("There is no active agency %(agency)s.")


class NotAgencyMember(CaseError):
    code: ClassVar[str] = "case_not_agency_member"
    wording: ClassVar[Any] = gettext_lazy("%(user)s is not a user of the agency %(agency)s.")


class ConsentMissing(CaseError):
    code: ClassVar[str] = "case_consent_missing"
    wording: ClassVar[Any] = gettext_lazy(
        "The survivor has not consented to %(consents)s. Record the consent, or override it with a reason if "
        "your role allows it."
    )


class OverrideNotAllowed(CaseError):
    code: ClassVar[str] = "case_override_not_allowed"
    wording: ClassVar[Any] = gettext_lazy("Your role may not override the survivor's consent.")


class ReasonRequired(CaseError):
    code: ClassVar[str] = "case_reason_required"
    wording: ClassVar[Any] = gettext_lazy("A reason is required.")


class ApprovalMissing(CaseError):
    code: ClassVar[str] = "case_approval_missing"
    wording: ClassVar[Any] = gettext_lazy("The %(kind)s has not been approved by a supervisor.")


class ApprovalNotAllowed(CaseError):
    code: ClassVar[str] = "case_approval_not_allowed"
    wording: ClassVar[Any] = gettext_lazy("%(reason)s")


class BeforeReport(CaseError):
    code: ClassVar[str] = "case_before_report"
    wording: ClassVar[Any] = gettext_lazy("The time %(at)s is before the information was received (%(received)s).")


class InFuture(CaseError):
    code: ClassVar[str] = "case_in_future"
    wording: ClassVar[Any] = gettext_lazy("The time %(at)s is in the future.")


class BadAttachment(CaseError):
    code: ClassVar[str] = "case_bad_attachment"
    wording: ClassVar[Any] = gettext_lazy(
        "The file %(name)s is not accepted: only PDF, JPEG or PNG files up to %(max_mb)s MB."
    )


class ValidityTooLong(CaseError):
    code: ClassVar[str] = "case_validity_too_long"
    wording: ClassVar[Any] = gettext_lazy("A prohibit-contact decision is valid for at most %(days)s days.")


class WrongKind(CaseError):
    code: ClassVar[str] = "case_wrong_kind"
    wording: ClassVar[Any] = gettext_lazy("This step does not apply to this kind of case.")


class UnknownCode(CaseError):
    code: ClassVar[str] = "case_unknown_code"
    wording: ClassVar[Any] = gettext_lazy("%(value)s is not a valid choice.")


class UnknownSection(CaseError):
    code: ClassVar[str] = "case_unknown_section"
    wording: ClassVar[Any] = gettext_lazy("%(value)s is not a section that can be shared.")


class Closed(CaseError):
    code: ClassVar[str] = "case_closed"
    wording: ClassVar[Any] = gettext_lazy("The case is closed: reopen it first.")


class AlreadyInCircle(CaseError):
    code: ClassVar[str] = "case_already_in_circle"
    wording: ClassVar[Any] = gettext_lazy("You can already open this case: no need to break the glass.")


class WeakPassword(CaseError):
    code: ClassVar[str] = "case_weak_password"
    wording: ClassVar[Any] = gettext_lazy("The export password must have at least %(min)s characters.")


class KeyUnavailable(CaseError):
    code: ClassVar[str] = "case_key_unavailable"
    wording: ClassVar[Any] = gettext_lazy(
        "The encryption key file of cases cannot be read (%(path)s): ask the administrator."
    )


class ConcurrentEdit(CaseError):
    """Someone else saved the case after the user opened it; nothing was written."""

    code: ClassVar[str] = "case_concurrent_edit"
    wording: ClassVar[Any] = gettext_lazy(
        "Someone else changed this case after you opened it. Your changes were not saved; review their changes "
        "below and save again."
    )

    def __init__(self, current: Any, their_changes: list[Any]) -> None:
        super().__init__()
        self.current = current
        self.their_changes = their_changes
