"""Report facts (read): the figures the report pages are built from, through the pages' own scope.

Every read starts from ``reports.queries.scope_for`` (403 without ``report.view``) and ``read_facts``, exactly as
the pages do: only the wards of the caller's area (another ward: 404, as the ward's dashboard) and the sources
their role may see (asking for another source: 403). Each row carries its "as of": when its slice was built.
"""

from __future__ import annotations

import datetime
from typing import Any

import polars as pl
from django.core import signing
from django.core.exceptions import PermissionDenied
from ninja import Query, Router
from pydantic import Field

from ansinh.accounts.scope import scoped_wards
from ansinh.api import paging
from ansinh.api.errors import InvalidCursor, NotFound
from ansinh.api.problems import error_responses
from ansinh.api.schemas.reports import FactPage
from ansinh.api.security import ApiRequest
from ansinh.reports.models import FactBatch
from ansinh.reports.queries import read_facts, scope_for
from ansinh.reports.sources import DIMENSIONS, load

router = Router(tags=["reports"])

SALT = "ansinh.api.facts"
ORDER = ["source", "measure", *DIMENSIONS]


class FactFilters(paging.PageParams):
    source: str | None = Field(default=None, max_length=32, description="poverty, payroll, dossier, …")
    measure: str | None = Field(default=None, max_length=32, description="A measure of the source (households, …)")
    ward: str | None = Field(default=None, max_length=16, description="A ward of your area (another: 404)")
    year: int | None = Field(default=None, ge=1900, le=2999)
    updated_since: datetime.datetime | None = Field(
        default=None,
        description="Only the facts of the slices (source, ward) built at or after this moment: a facts refresh "
        "replaces a whole slice, so a client replaces its copy of each slice it gets.",
    )


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(signing.loads(cursor, salt=SALT))
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise InvalidCursor from exc


@router.get(
    "/facts", response={200: FactPage, **error_responses(404)}, summary="Report facts of your area, with their as-of"
)
def fact_list(request: ApiRequest, params: Query[FactFilters]) -> Any:
    user = request.auth
    if params.ward and not scoped_wards(user).filter(code=params.ward).exists():
        raise NotFound  # a ward outside the area does not exist for the caller, as on the ward's dashboard
    scope = scope_for(user)  # 403 without report.view
    if params.source:
        if params.source not in load():
            raise NotFound
        if params.source not in scope.sources:
            raise PermissionDenied
    frame = read_facts(
        scope,
        ward=params.ward or None,
        years=[params.year] if params.year is not None else None,
        sources=[params.source] if params.source else None,
    )
    if params.measure:
        frame = frame.filter(pl.col("measure") == params.measure)
    if params.updated_since is not None:
        fresh = FactBatch.objects.filter(
            pk__in=frame["batch_id"].unique().to_list(), built_at__gte=params.updated_since
        ).values_list("pk", flat=True)
        frame = frame.filter(pl.col("batch_id").is_in(list(fresh)))
    frame = frame.sort(ORDER)
    start = _offset(params.cursor)
    rows = frame.slice(start, params.limit).to_dicts()
    next_cursor = (
        signing.dumps(start + params.limit, salt=SALT, compress=True) if start + params.limit < frame.height else None
    )
    built = dict(FactBatch.objects.filter(pk__in={r["batch_id"] for r in rows}).values_list("pk", "built_at"))
    items = [{**{k: r[k] for k in (*ORDER, "value")}, "as_of": built.get(r["batch_id"])} for r in rows]
    return {"items": items, "next_cursor": next_cursor}
