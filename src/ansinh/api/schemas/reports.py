"""Schemas of the report facts (read)."""

from __future__ import annotations

import datetime

from ninja import Schema
from pydantic import Field

from ansinh.api.schemas.common import Page


class FactOut(Schema):
    source: str = Field(description="poverty, payroll, dossier, … (docs/reports.md)")
    measure: str
    ward_code: str
    year: int
    month: int = Field(description="1–12, or 0 for a figure of the whole year")
    standard: str
    programme: str
    category: str
    value: int
    as_of: datetime.datetime | None = Field(description="When the slice of facts this figure belongs to was built.")


class FactPage(Page):
    items: list[FactOut]
