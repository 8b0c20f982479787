"""Errors the review raises, each with a stable code and a translatable message."""

from __future__ import annotations

from django.utils.translation import gettext as _


class ReviewError(Exception):
    code = "review_error"

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or {}


class IllegalTransition(ReviewError):
    """A status move the lifecycle map does not allow."""

    code = "illegal_transition"

    def __init__(self, what: str, from_status: str, to_status: str) -> None:
        super().__init__(
            _("%(what)s cannot move from %(a)s to %(b)s.") % {"what": what, "a": from_status, "b": to_status}
        )
        self.from_status = from_status
        self.to_status = to_status


class StepNotOpen(ReviewError):
    """The round's status does not allow this step (``ROUND_STEPS`` in the models)."""

    code = "step_not_open"


class RoundLocked(ReviewError):
    code = "round_locked"

    def __init__(self) -> None:
        super().__init__(_("This round is approved and locked; corrections are made by a new decision."))


class NotAllowed(ReviewError):
    """The user's role or area scope does not allow this step."""

    code = "not_allowed"


class InvalidSurvey(ReviewError):
    code = "invalid_survey"


class StaleVersion(ReviewError):
    code = "stale_version"


class OpenComplaints(ReviewError):
    """Complaints about the posted list are still unanswered."""

    code = "open_complaints"
