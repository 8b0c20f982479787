"""Cursor pages, stable under inserts: rows in id order, the cursor the last id seen (signed, opaque).

A row inserted while a client pages has a higher id than any seen, so it comes on a later page, never twice and
never skipping another; ``updated_since`` narrows to the rows changed since a moment (the client's last sync).
There is no total on a page (a count of a city's households is a query of its own: ``/count``).
"""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.core import signing
from django.db.models import QuerySet
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


def page(
    qs: QuerySet[Any],
    cursor: str | None,
    limit: int,
    *,
    updated_since: datetime.datetime | None = None,
    updated_field: str = "updated_at",
) -> tuple[list[Any], str | None]:
    """The rows after ``cursor`` (``limit`` of them at most) and the cursor of the next page, if any."""
    if updated_since is not None:
        qs = qs.filter(**{f"{updated_field}__gte": updated_since})
    qs = qs.order_by("pk")
    if cursor:
        try:
            after = int(signing.loads(cursor, salt=SALT))
        except (signing.BadSignature, TypeError, ValueError) as exc:
            raise InvalidCursor from exc
        qs = qs.filter(pk__gt=after)
    rows = list(qs[: limit + 1])
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, signing.dumps(rows[-1].pk, salt=SALT, compress=True)
    return rows, None
