"""Errors the review raises: ``ansinh.lib.errors.DomainError`` with a stable code and its wording in the
reader's language."""

from __future__ import annotations

import datetime as dt
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
    """The round's status does not allow this step (``ROUND_STEPS`` in the models). ``params``: ``status``
    (the round's status code), shown as its label."""

    code: ClassVar[str] = "step_not_open"
    wording: ClassVar[Any] = gettext_lazy("This step is not possible while the round is %(status)s.")

    def __init__(self, status: str) -> None:
        super().__init__(status=str(status))

    def wording_params(self) -> dict[str, Any]:
        from ansinh.review.models import RoundStatus  # the models import these errors

        return {"status": RoundStatus(self.params["status"]).label}


class RoundLocked(ReviewError):
    code: ClassVar[str] = "round_locked"
    wording: ClassVar[Any] = gettext_lazy("This round is approved and locked; corrections are made by a new decision.")

    def __init__(self) -> None:
        super().__init__()


class NotAllowed(ReviewError):
    """The user's role or area scope does not allow this step. ``params``: ``action`` (``prepare``, ``approve``:
    the permission on ``review`` the user lacks)."""

    code: ClassVar[str] = "not_allowed"
    wording: ClassVar[Any] = gettext_lazy("You may not %(action)s reviews of this ward.")


class InvalidSurvey(ReviewError):
    code: ClassVar[str] = "invalid_survey"


class StaleVersion(ReviewError):
    """Someone saved the survey after the user opened it; nothing was written."""

    code: ClassVar[str] = "stale_version"
    wording: ClassVar[Any] = gettext_lazy("Someone else saved this survey after you opened it.")


class RegistryChanged(ReviewError):
    """The registry or the survey changed after the officer saw what submitting would change; nothing was
    written, and the changes are shown again to confirm."""

    code: ClassVar[str] = "registry_changed"
    wording: ClassVar[Any] = gettext_lazy(
        "The registry or the survey changed after you checked the changes. Check them again before you confirm."
    )


class OpenComplaints(ReviewError):
    """Complaints about the posted list are still unanswered."""

    code: ClassVar[str] = "open_complaints"
    wording: ClassVar[Any] = gettext_lazy("%(n)d complaints are not answered yet.")

    def __init__(self, n: int) -> None:
        super().__init__(n=n)


def _dated(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters with their dates as dd/mm/yyyy, the form of dates in Vietnamese text."""
    return {k: v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for k, v in params.items()}


class StepOutOfOrder(ReviewError):
    """A step dated before a step the procedure puts before it (rule ``step_order``): ``previous`` is that
    step's name, ``earliest`` its date."""

    code: ClassVar[str] = "step_out_of_order"
    wording: ClassVar[Any] = gettext_lazy(
        "The date %(day)s is before %(previous)s (%(earliest)s); it cannot be earlier."
    )

    def wording_params(self) -> dict[str, Any]:
        labels = {
            "survey": gettext_lazy("the last survey"),
            "meeting": gettext_lazy("the village meeting"),
            "posting": gettext_lazy("the first day of posting"),
            "posting_over": gettext_lazy("the end of the posting"),
            "complaint": gettext_lazy("the complaint"),
            "complaint_answer": gettext_lazy("the last answer to a complaint"),
        }
        params = _dated(self.params)
        return {**params, "previous": str(labels.get(params["previous"], params["previous"]))}


class PostingNotOver(ReviewError):
    """A decision dated while the list is still posted (``end``: its last day; ``next``: the first day after)."""

    code: ClassVar[str] = "posting_not_over"
    wording: ClassVar[Any] = gettext_lazy("The list is posted until %(d)s; the decision can be taken from %(next)s.")

    def wording_params(self) -> dict[str, Any]:
        return _dated(self.params)


class DecisionAfterRecording(ReviewError):
    """A decision dated after the day it is entered."""

    code: ClassVar[str] = "decision_after_recording"
    wording: ClassVar[Any] = gettext_lazy(
        "The decision cannot be dated %(date)s, after the day it is recorded (%(today)s)."
    )

    def wording_params(self) -> dict[str, Any]:
        return _dated(self.params)
