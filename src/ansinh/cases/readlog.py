"""The read log of cases: every read of a case page (with the sections shown), an attachment, an export, a reveal
of names, a break-the-glass and the national export writes exactly one ``ReadEvent``. Inserted only (the
database refuses UPDATE and DELETE, migration 0002); read only by holders of ``case_log.view``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from ansinh.accounts.permissions import can
from ansinh.audit import context
from ansinh.cases.models import Case, ReadEvent, ReadKind


def record_read(
    user: Any, case: Case | None, kind: ReadKind, what: Iterable[Any] = (), *, reason: str = ""
) -> ReadEvent:
    ctx = context.current.get()
    return ReadEvent.objects.create(
        at=timezone.now(),
        user_id=getattr(user, "pk", None),
        user_name=getattr(user, "username", "") or "system",
        case=case,
        kind=kind,
        what=[str(w) for w in what],
        reason=reason,
        request_id=ctx.request_id,
        ip_address=ctx.ip_address,
    )


def read_log(user: Any) -> QuerySet[ReadEvent]:
    """The read log, for its auditors only."""
    if not can(user, "case_log", "view"):
        raise PermissionDenied("case_log.view")
    return ReadEvent.objects.select_related("case").order_by("-at", "-id")
