"""Schemas of victims' cases (read, inside the case's circle only)."""

from __future__ import annotations

import datetime

from ninja import Schema
from pydantic import Field

from ansinh.api.schemas.common import Page


class CaseRowOut(Schema):
    code: str
    kind: str
    status: str
    stage: str
    ward_code: str
    agency: str
    received_at: datetime.datetime
    name: str = Field(description="The survivor's initials, or the whole name with reveal=true (case.reveal).")
    via: str = Field(description="core (the case's own circle) or referral")


class CasePage(Page):
    items: list[CaseRowOut]


class CaseOut(Schema):
    code: str
    kind: str
    status: str
    stage: str
    ward_code: str
    agency: str
    received_at: datetime.datetime
    survivor_sex: str
    survivor_age: int
    via: str = Field(description="owner, assigned, agency, referral or break_glass")
    sections: list[str] = Field(description="The sections the caller may read; the others are absent.")
    survivor_name: str | None = None
    survivor_address: str | None = None
    narrative: str | None = None
    perpetrator: str | None = None
    medical: str | None = None
