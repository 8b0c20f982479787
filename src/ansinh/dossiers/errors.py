"""Errors the dossiers module raises: ``ansinh.lib.errors.DomainError`` with a stable code and parameters,
worded in the reader's language when shown."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy

from ansinh.lib import lifecycle
from ansinh.lib.errors import DomainError


class DossierError(DomainError):
    code: ClassVar[str] = "dossier_error"


class UnknownProcedure(DossierError):
    code: ClassVar[str] = "unknown_procedure"
    wording: ClassVar[Any] = gettext_lazy("There is no procedure %(procedure)s on %(on)s.")


class MissingDocuments(DossierError):
    code: ClassVar[str] = "missing_documents"
    wording: ClassVar[Any] = gettext_lazy("The dossier lacks required documents: %(missing)s.")


class IllegalTransition(lifecycle.IllegalTransition, DossierError):
    wording: ClassVar[Any] = gettext_lazy("A dossier cannot move from %(a)s to %(b)s.")

    def wording_params(self) -> dict[str, Any]:
        from ansinh.dossiers.models import Status

        labels = dict(Status.choices)
        return {
            "a": labels.get(self.params["old"], self.params["old"]),
            "b": labels.get(self.params["new"], self.params["new"]),
        }


class NotDecided(DossierError):
    code: ClassVar[str] = "dossier_not_decided"
    wording: ClassVar[Any] = gettext_lazy("The result cannot be returned before the decision.")


class LateWithoutApology(DossierError):
    code: ClassVar[str] = "late_without_apology"
    wording: ClassVar[Any] = gettext_lazy(
        "The dossier is late (due %(due)s): record an apology letter with the reason and the new date first."
    )


class ReasonRequired(DossierError):
    code: ClassVar[str] = "reason_required"
    wording: ClassVar[Any] = gettext_lazy("A reason is required.")


class BadNewDate(DossierError):
    code: ClassVar[str] = "apology_bad_new_date"
    wording: ClassVar[Any] = gettext_lazy("The new date must be after the missed appointment (%(due)s).")


class WrongSecret(DossierError):
    code: ClassVar[str] = "dossier_wrong_secret"
    wording: ClassVar[Any] = gettext_lazy("The dossier code or the secret does not match.")


class AlreadyRated(DossierError):
    code: ClassVar[str] = "dossier_already_rated"
    wording: ClassVar[Any] = gettext_lazy("This dossier has already been rated.")


class NotReturned(DossierError):
    code: ClassVar[str] = "dossier_not_returned"
    wording: ClassVar[Any] = gettext_lazy("A dossier can be rated once its result has been returned.")


class BadRating(DossierError):
    code: ClassVar[str] = "dossier_bad_rating"
    wording: ClassVar[Any] = gettext_lazy("The rating must be one of the five satisfaction levels.")


class BadAttachment(DossierError):
    code: ClassVar[str] = "dossier_bad_attachment"
    wording: ClassVar[Any] = gettext_lazy("%(name)s: only PDF, JPEG or PNG files of at most %(limit)s MB are accepted.")


class ReviewStillOpen(DossierError):
    code: ClassVar[str] = "dossier_review_open"
    wording: ClassVar[Any] = gettext_lazy("The dossier's review has not decided yet.")


class TooManyAttachments(DossierError):
    code: ClassVar[str] = "dossier_too_many_attachments"
    wording: ClassVar[Any] = gettext_lazy("At most %(limit)s files may be attached to one dossier.")


class ApplicantRequired(DossierError):
    code: ClassVar[str] = "dossier_applicant_required"
    wording: ClassVar[Any] = gettext_lazy("Enter the applicant's full name.")


class UnknownWard(DossierError):
    code: ClassVar[str] = "dossier_unknown_ward"
    wording: ClassVar[Any] = gettext_lazy("Choose the ward or commune that settles the dossier.")


class UnknownHousehold(DossierError):
    code: ClassVar[str] = "dossier_unknown_household"
    wording: ClassVar[Any] = gettext_lazy("There is no household %(household)s in the dossier's ward.")


class IllegalFeedbackTransition(lifecycle.IllegalTransition, DossierError):
    wording: ClassVar[Any] = gettext_lazy("Feedback cannot move from %(a)s to %(b)s.")

    def wording_params(self) -> dict[str, Any]:
        from ansinh.dossiers.models import FeedbackStatus

        labels = dict(FeedbackStatus.choices)
        return {
            "a": labels.get(self.params["old"], self.params["old"]),
            "b": labels.get(self.params["new"], self.params["new"]),
        }


class FeedbackFieldRequired(DossierError):
    code: ClassVar[str] = "feedback_field_required"
    wording: ClassVar[Any] = gettext_lazy("Enter %(label)s.")

    def wording_params(self) -> dict[str, Any]:
        labels = {
            "sender_name": gettext_lazy("your full name"),
            "subject": gettext_lazy("the regulation concerned"),
            "content": gettext_lazy("the feedback or petition"),
            "unit": gettext_lazy("the unit it is forwarded to"),
            "answer": gettext_lazy("the answer"),
        }
        return {"label": labels.get(str(self.field), self.field)}


class FeedbackBadKind(DossierError):
    code: ClassVar[str] = "feedback_bad_kind"
    wording: ClassVar[Any] = gettext_lazy("Choose whether it is feedback, a petition, a complaint or a denunciation.")


class EnrolmentDecisionRequired(DossierError):
    code: ClassVar[str] = "dossier_enrolment_decision_required"
    wording: ClassVar[Any] = gettext_lazy(
        "This application is decided by its enrolment decision: record the decision, or that the allowance is not "
        "granted with the reason."
    )


class NotAnEnrolmentDossier(DossierError):
    code: ClassVar[str] = "dossier_not_enrolment"
    wording: ClassVar[Any] = gettext_lazy("This dossier does not apply for an allowance.")


class PersonNotInDossierWard(DossierError):
    code: ClassVar[str] = "dossier_person_outside"
    wording: ClassVar[Any] = gettext_lazy(
        "The person must live in the dossier's ward (and household, if it names one)."
    )
