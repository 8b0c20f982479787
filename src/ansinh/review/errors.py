"""Errors the review raises: ``ansinh.lib.errors.DomainError`` with a stable code and its wording in the
reader's language."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy

from ansinh.lib import lifecycle
from ansinh.lib.errors import DomainError


class ReviewError(DomainError):
    """``errors`` maps a field path to its problem, for a form or a file with several."""

    code: ClassVar[str] = "review_error"

    def __init__(
        self, message: Any = None, /, *, field: str | None = None, errors: dict[str, str] | None = None, **params: Any
    ) -> None:
        super().__init__(message, field=field, **params)
        self.errors = errors or {}


class IllegalTransition(lifecycle.IllegalTransition, ReviewError):
    """A status move the lifecycle map does not allow."""

    wording: ClassVar[Any] = gettext_lazy("%(what)s cannot move from %(a)s to %(b)s.")

    def wording_params(self) -> dict[str, Any]:
        return {"what": self.params["what"], "a": self.params["old"], "b": self.params["new"]}


class StepNotOpen(ReviewError):
    """The round's status does not allow this step (``ROUND_STEPS`` in the models)."""

    code: ClassVar[str] = "step_not_open"


class RoundLocked(ReviewError):
    code: ClassVar[str] = "round_locked"
    wording: ClassVar[Any] = gettext_lazy("This round is approved and locked; corrections are made by a new decision.")

    def __init__(self) -> None:
        super().__init__()


class NotAllowed(ReviewError):
    """The user's role or area scope does not allow this step."""

    code: ClassVar[str] = "not_allowed"


class InvalidSurvey(ReviewError):
    code: ClassVar[str] = "invalid_survey"


class StaleVersion(ReviewError):
    code: ClassVar[str] = "stale_version"


class OpenComplaints(ReviewError):
    """Complaints about the posted list are still unanswered."""

    code: ClassVar[str] = "open_complaints"
