"""Cursor pages, stable under inserts and updates; the cursor is signed and opaque.

Without ``updated_since`` the rows come in id order and the cursor is the last id seen: a row inserted while a
client pages has a higher id than any seen, so it comes on a later page, never twice and never skipping another.

With ``updated_since`` (a sync) the rows changed since then come in (changed at, id) order and the cursor is the
last (changed at, id) seen: a row changed while the client pages gets a later changed-at than any seen, so it
comes (again) on a later page of the same pass, and none is skipped. The sync recipe is in docs/api.md.
There is no total on a page (a count of a city's households is a query of its own: ``/count``).
"""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.core import signing
from django.db.models import Q, QuerySet
from ninja import Schema
from pydantic import Field

from ansinh.api.errors import InvalidCursor

SALT = "ansinh.api.cursor"
DEFAULT_LIMIT = 50
MAX_LIMIT = 500

M = TypeVar("M")


class PageParams(Schema):
    cursor: str | None = Field(default=None, max_length=500, description="From the previous page's next_cursor.")
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class SyncParams(Schema):
    updated_since: datetime.datetime | None = Field(
        default=None,
        description="Only the rows changed at or after this moment (ISO 8601 with its offset), in (changed at, "
        "id) order: the sync recipe of docs/api.md.",
    )


def _loads(cursor: str) -> Any:
    try:
        return signing.loads(cursor, salt=SALT)
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise InvalidCursor from exc


def page(
    qs: QuerySet[Any],
    cursor: str | None,
    limit: int,
    *,
    updated_since: datetime.datetime | None = None,
    updated_field: str = "updated_at",
) -> tuple[list[Any], str | None]:
    """The rows after ``cursor`` (``limit`` of them at most) and the cursor of the next page, if any."""
    if updated_since is None:
        qs = qs.order_by("pk")
        if cursor:
            after = _loads(cursor)
            if not isinstance(after, int) or isinstance(after, bool):
                raise InvalidCursor  # a sync cursor without its updated_since
            qs = qs.filter(pk__gt=after)
        rows = list(qs[: limit + 1])
        if len(rows) > limit:
            rows = rows[:limit]
            return rows, signing.dumps(rows[-1].pk, salt=SALT, compress=True)
        return rows, None

    qs = qs.filter(**{f"{updated_field}__gte": updated_since}).order_by(updated_field, "pk")
    if cursor:
        after = _loads(cursor)
        try:
            stamp, pk = datetime.datetime.fromisoformat(after[0]), int(after[1])
        except (TypeError, ValueError, IndexError, KeyError) as exc:
            raise InvalidCursor from exc  # an id cursor given with updated_since
        qs = qs.filter(Q(**{f"{updated_field}__gt": stamp}) | Q(**{updated_field: stamp, "pk__gt": pk}))
    rows = list(qs[: limit + 1])
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        return rows, signing.dumps([getattr(last, updated_field).isoformat(), last.pk], salt=SALT, compress=True)
    return rows, None
