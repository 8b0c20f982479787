"""Writing audit events. Every action that changes state calls one of these inside its transaction.

What happened is named by an :class:`AuditAction`: each app declares the names it writes once, in its
``audit_actions.py`` (a subclass of :class:`AuditAction`), so the trail can be searched and labelled by a
fixed list and no name is assembled from pieces. :func:`record` and :func:`record_many` refuse any other string.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, TypeAlias

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.utils import timezone

from ansinh.audit import context
from ansinh.audit.models import AuditEvent

Actor: TypeAlias = "AbstractUser | AnonymousUser | None"
"""Who performs an audited change, as the trail sees it: any user, or ``None`` for the system. The trail
sits below ``accounts`` (which writes to it), so it names Django's user base class, not the project's
``accounts.models.User``; ``accounts.models.Actor`` is the same idea for the apps above."""


def _actor_id(actor: Actor) -> int | None:
    return actor.pk if isinstance(actor, AbstractUser) and actor.pk else None


class AuditAction(StrEnum):
    """The name of an audited change, ``<object>.<verb>`` (``household.create``); stored as its string value.

    An app subclasses it once with its own members; the base has none."""


def _declared(action: object) -> AuditAction:
    if not isinstance(action, AuditAction):
        raise TypeError(f"{action!r} is not an audit action declared in an app's audit_actions.py")
    return action


def jsonable(value: Any) -> Any:
    """Values as they are stored in ``changes``: dates as ISO strings, decimals as strings, mappings and lists
    as JSON objects and arrays of such values (never a Python ``repr``)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value differs, as ``{field: [old, new]}``.

    >>> diff({"a": 1, "b": 2}, {"a": 1, "b": 3})
    {'b': [2, 3]}
    """
    return {
        k: [jsonable(old.get(k)), jsonable(new.get(k))] for k in new if jsonable(old.get(k)) != jsonable(new.get(k))
    }


def record(
    *,
    actor: Actor,
    action: AuditAction,
    object_type: str,
    object_id: object,
    changes: Mapping[str, Any] | None = None,
    household_id: int | None = None,
    ward_code: str = "",
    source: str | None = None,
    note: str = "",
) -> AuditEvent:
    ctx = context.current.get()
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor_id=_actor_id(actor),
        actor_name=getattr(actor, "username", "") or "system",
        action=_declared(action).value,
        object_type=object_type,
        object_id=str(object_id),
        household_id=household_id,
        ward_code=ward_code or "",
        changes=dict(changes or {}),
        request_id=ctx.request_id,
        ip_address=ctx.ip_address,
        source=source or ctx.source,
        note=note,
    )


def record_many(events: Iterable[AuditEvent], *, batch_size: int = 5000) -> int:
    """Insert prepared events in bulk (imports, bulk assessments). Fills time and request if unset."""
    ctx = context.current.get()
    now = timezone.now()
    prepared = []
    for e in events:
        e.action = _declared(e.action).value
        e.at = e.at or now
        e.request_id = e.request_id or ctx.request_id
        e.source = e.source or ctx.source
        prepared.append(e)
    AuditEvent.objects.bulk_create(prepared, batch_size=batch_size)
    return len(prepared)
