"""Schemas every module's endpoints share: problem details and pages."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class ProblemField(Schema):
    field: str
    code: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details, with the project's stable error ``code``."""

    type: str = Field(examples=["urn:ansinh:problem:version_stale"])
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    field: str | None = None
    errors: list[ProblemField] = []


class Count(Schema):
    count: int


class Page(Schema):
    """One page of a list: ``next_cursor`` fetches the next (``null``: the last page). No total: ask ``/count``."""

    next_cursor: str | None = None
