"""Named reads of enrolments, starting from the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ansinh.accounts.scope import scoped
from ansinh.programs.models import Enrolment


def scoped_enrolments(user: Any) -> QuerySet[Enrolment]:
    """The enrolments of people in the user's area."""
    return scoped(user, Enrolment.objects.all(), resource="enrolment", ward="member__household__ward")
