"""Named reads of enrolments, starting from the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ansinh.accounts.permissions import can
from ansinh.accounts.scope import scoped_wards
from ansinh.programs.models import Enrolment


def scoped_enrolments(user: Any) -> QuerySet[Enrolment]:
    """The enrolments of people in the user's area."""
    if not can(user, "enrolment", "view"):
        return Enrolment.objects.none()
    if user.is_superuser:
        return Enrolment.objects.all()
    return Enrolment.objects.filter(member__household__ward__in=scoped_wards(user))
